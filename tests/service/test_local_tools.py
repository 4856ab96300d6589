"""The local tooling: the job runner fires jobs on their slots, the first admin comes from the CLI,
and localstripe listens on loopback only without a shared pickle file."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from chalicelib.services.sign_in import sign_in
from chalicelib.store import job_runs, staff
from tests.service.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "infra" / "local"))

import job_runner  # noqa: E402
import stack  # noqa: E402


def test_the_runner_fires_a_job_once_its_slot_comes_as_of_that_slot() -> None:
    due = job_runner.first_slots(NOW)
    slot = due["retry_failed_mail"]
    assert NOW < slot <= NOW + timedelta(hours=1)
    due = job_runner.fire_due(due, slot - timedelta(seconds=1))
    assert [r for r in job_runs.recent() if r.job == "retry_failed_mail"] == []  # (send_invoices: 15 min)
    due = job_runner.fire_due(due, slot + timedelta(seconds=2))
    # Other hourly jobs share the slot: look at this one.
    [fired] = [r for r in job_runs.recent() if r.job == "retry_failed_mail"]
    assert (fired.job, fired.at, fired.trigger, fired.result) == ("retry_failed_mail", slot, "schedule", "ok")
    assert due["retry_failed_mail"] == slot + timedelta(hours=1)


def test_create_admin_from_the_cli_with_a_password_on_stdin() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "chalicelib.cli",
            "create-admin",
            "--email",
            "First@Example.com",
            "--name",
            "First",
            "--password-stdin",
        ],
        cwd=ROOT,
        input="first admin password\n",
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "password" not in result.stdout  # it was given, so it is not echoed
    user, _ = sign_in("first@example.com", "first admin password", "127.0.0.1", NOW)
    assert user.role.value == "admin"


def test_create_admin_generates_and_prints_a_password_and_refuses_a_duplicate() -> None:
    args = [
        sys.executable,
        "-m",
        "chalicelib.cli",
        "create-admin",
        "--email",
        "ops@example.com",
        "--name",
        "Ops",
    ]
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    password = result.stdout.strip().rsplit("password: ", 1)[1]
    assert len(password) >= 16 and sign_in("ops@example.com", password, "127.0.0.1", NOW)[0]
    again = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert again.returncode == 2 and "exists already" in again.stderr
    assert len(staff.list_all()) == 1


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on `port`, from /proc (IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


@pytest.mark.usefixtures("store")
def test_localstripe_listens_on_loopback_only_and_writes_no_pickle(tmp_path) -> None:
    import json
    import urllib.request

    pickle = Path("/tmp/localstripe.pickle")
    before = pickle.stat().st_mtime if pickle.exists() else None
    own = stack.Stack()
    port = stack.free_port()
    try:
        base = stack.start_localstripe(own, port, tmp_path / "localstripe.log")
        request = urllib.request.Request(
            base + "/v1/customers",
            data=b"email=a%40example.com",
            method="POST",
            headers={"Authorization": "Bearer sk_test_local"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.load(response)["email"] == "a@example.com"
        assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1, nothing else
    finally:
        own.stop()
    after = pickle.stat().st_mtime if pickle.exists() else None
    assert after == before
