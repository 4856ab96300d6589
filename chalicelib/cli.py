"""Operator commands: python -m chalicelib.cli <command> (settings come from the environment).

create-tables                          create missing DynamoDB tables
create-admin --email E --name N        first admin; password from --password-stdin or generated
seed-demo --password-stdin             demo admin and customers (idempotent)
run-job NAME [--at 2027-01-01T00:00Z]  run a scheduled job as of an instant
list-jobs
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys

from chalicelib import bootstrap
from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.clock import parse_instant
from chalicelib.domain.errors import DomainError
from chalicelib.jobs import catalog
from chalicelib.services.manage_staff import create_staff
from chalicelib.services.seed_demo import demo_card_links, demo_portal_links, seed_demo
from chalicelib.store import registry


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return secrets.token_urlsafe(15), True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chalicelib.cli",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("create-tables")
    admin = commands.add_parser("create-admin")
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", required=True)
    admin.add_argument("--password-stdin", action="store_true")
    seed = commands.add_parser("seed-demo")
    seed.add_argument("--password-stdin", action="store_true")
    job = commands.add_parser("run-job")
    job.add_argument("name")
    job.add_argument("--at", help="ISO 8601 instant with a zone, e.g. 2027-01-01T00:00Z (default: now)")
    commands.add_parser("list-jobs")
    args = parser.parse_args(argv)

    settings = bootstrap.settings()
    now = bootstrap.utcnow()
    try:
        if args.command == "create-tables":
            created = registry.create_tables(settings)
            print(f"tables created: {', '.join(created) if created else 'none (all exist)'}")
        elif args.command == "create-admin":
            password, generated = _password(args)
            user = create_staff(
                email=args.email, name=args.name, role="admin", password=password, actor=SYSTEM, now=now
            )
            print(f"admin {user.email} created" + (f"; password: {password}" if generated else ""))
        elif args.command == "seed-demo":
            password, _ = _password(args)
            print(f"demo seeded: {seed_demo(admin_password=password, now=now)}")
            for name, url in demo_card_links(now=now):
                print(f"  card link for {name}: {url}")
            for what, url in demo_portal_links(now=now):
                print(f"  {what}: {url}")
        elif args.command == "run-job":
            at = parse_instant(args.at) if args.at else now
            run = catalog.run(args.name, at=at, trigger="cli")
            print(
                json.dumps(
                    {
                        "job": run.job,
                        "at": run.at.isoformat(),
                        "result": run.result,
                        "counts": run.counts,
                        "error": run.error,
                    }
                )
            )
            return 0 if run.result == "ok" else 1
        elif args.command == "list-jobs":
            for name, entry in catalog.JOBS.items():
                print(f"{name}\tevery {entry.schedule.minutes} min\t{entry.description}")
    except DomainError as error:
        where = f" ({error.field})" if error.field else ""
        print(f"error{where}: {error.message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
