"""`stack.py run` (what `make run` calls) as a user meets it: real processes, real ports, Ctrl-C.

Each test starts the whole stack (DynamoDB Local, localstripe, the app, the job runner)
in its own CRM_LOCAL_DIR on free ports, talks to it over HTTP, then stops it with SIGINT
and checks that no process and no bound port is left behind.
"""

from __future__ import annotations

import html
import http.cookiejar
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90
STOP_TIMEOUT = 20
LOGIN_LINE = re.compile(r"^\s*Login:\s+(\S+) / (\S+)\s*$")
ADMIN_LINE = re.compile(r"^\s*Admin:\s+(http://127\.0\.0\.1:(\d+)/admin)\s*$")
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
CUSTOMER_LINK = re.compile(r'href="/admin/customers/[^"?]+"')
# stack.py restores SIGINT's default itself: the test must not need to, as a terminal would not.
STACK_RUN = [sys.executable, "infra/local/stack.py", "run"]
DEMO_CUSTOMERS = ("Acme Facilities s.r.o.", "Boulangerie Dupont SARL", "ТОВ «Київ Сервіс»",
                  "Northwind Clinics Ltd", "Pacific Labs Inc")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_bound(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT leftovers are not "bound"
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


# --- processes, read from /proc -------------------------------------------------------------

def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time in clock ticks), or None once the process is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = raw[raw.rindex(")") + 2:].split()  # after "pid (comm) ": state is field 3 of stat(5)
    return fields[0], int(fields[1]), int(fields[19])


def _all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def descendants(root: int) -> dict[int, int]:
    """Every live process below `root`, as pid -> start time (so a reused pid is not mistaken)."""
    children: dict[int, list[tuple[int, int]]] = {}
    for pid in _all_pids():
        stat = _stat(pid)
        if stat and stat[0] != "Z":
            children.setdefault(stat[1], []).append((pid, stat[2]))
    found: dict[int, int] = {}
    todo = [root]
    while todo:
        for pid, started in children.get(todo.pop(), []):
            if pid not in found:
                found[pid] = started
                todo.append(pid)
    return found


def still_running(processes: dict[int, int]) -> list[int]:
    alive = []
    for pid, started in processes.items():
        stat = _stat(pid)
        if stat and stat[2] == started and stat[0] != "Z":
            alive.append(pid)
    return alive


def processes_with_env(variable: str, value: str) -> list[int]:
    """Live processes whose environment has variable=value: everything a stack run started inherits it."""
    wanted = f"{variable}={value}".encode()
    found = []
    for pid in _all_pids():
        if pid == os.getpid():
            continue
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            continue
        stat = _stat(pid)
        if wanted in environ.split(b"\0") and stat and stat[0] != "Z":
            found.append(pid)
    return found


def describe(pids: list[int]) -> str:
    lines = []
    for pid in pids:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            lines.append(f"{pid}: {command}")
        except OSError:
            lines.append(f"{pid}: (gone)")
    return "\n".join(lines)


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


# --- the stack as a user runs it -----------------------------------------------------------

@dataclass
class Ports:
    app: int = field(default_factory=free_port)
    ddb: int = field(default_factory=free_port)
    stripe: int = field(default_factory=free_port)

    def all(self) -> tuple[int, int, int]:
        return self.app, self.ddb, self.stripe


def stack_env(local_dir: Path, ports: Ports) -> dict[str, str]:
    # Nothing from the test run's own configuration (CRM_TEST_*, table prefixes...) leaks in.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_")}
    env.update(CRM_LOCAL_DIR=str(local_dir), CRM_APP_PORT=str(ports.app), CRM_DDB_PORT=str(ports.ddb),
               CRM_STRIPE_PORT=str(ports.stripe), PYTHONUNBUFFERED="1")
    return env


@dataclass
class Running:
    process: subprocess.Popen[str]
    lines: list[str]
    base_url: str
    email: str
    password: str

    def output(self) -> str:
        return "".join(self.lines)


def _pump(stream: object, sink: queue.Queue[str | None]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        sink.put(line)
    sink.put(None)


@contextmanager
def started_stack(local_dir: Path, ports: Ports) -> Iterator[Running]:
    """Starts `stack.py run` and yields once it printed the Login line; kills it if the test failed."""
    process = subprocess.Popen(
        STACK_RUN, cwd=ROOT, env=stack_env(local_dir, ports),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
    )
    sink: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_pump, args=(process.stdout, sink), daemon=True).start()
    lines: list[str] = []
    base_url = email = password = ""
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while not password:
            remaining = deadline - time.monotonic()
            try:
                line = sink.get(timeout=max(0.05, remaining))
            except queue.Empty:
                line = None
            if line is None or remaining <= 0:
                raise AssertionError(
                    f"no Login line within {START_TIMEOUT} s (exit code {process.poll()}); output:\n"
                    + "".join(lines)
                )
            lines.append(line)
            if match := ADMIN_LINE.match(line):
                base_url = match.group(1).removesuffix("/admin")
                assert int(match.group(2)) == ports.app, line
            if match := LOGIN_LINE.match(line):
                email, password = match.groups()
        assert base_url, "".join(lines)
        yield Running(process, lines, base_url, email, password)
    finally:
        if process.poll() is None:  # the test failed before its own Ctrl-C: do not leave a stack behind
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        # Keep draining so the stack is never blocked on a full pipe while it stops.
        while True:
            try:
                line = sink.get(timeout=0.5)
            except queue.Empty:
                break
            if line is None:
                break
            lines.append(line)


def ctrl_c(running: Running, ports: Ports, local_dir: Path) -> int:
    """Sends SIGINT, as Ctrl-C in the terminal does; checks nothing is left; returns the exit code."""
    children = descendants(running.process.pid)
    assert len(children) >= 4, f"expected DynamoDB Local, localstripe, the app and the job runner:\n" \
                               f"{describe(list(children))}"
    running.process.send_signal(signal.SIGINT)
    try:
        code = running.process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired as error:
        raise AssertionError(f"the stack did not stop within {STOP_TIMEOUT} s of SIGINT") from error
    assert wait_until(lambda: not still_running(children), 5), \
        f"left running after Ctrl-C:\n{describe(still_running(children))}"
    leftovers = processes_with_env("CRM_LOCAL_DIR", str(local_dir))
    assert not leftovers, f"processes of this stack still running:\n{describe(leftovers)}"
    bound = [port for port in ports.all() if port_bound(port)]
    assert not bound, f"ports still bound after Ctrl-C: {bound}"
    return code


# --- HTTP like a browser, without following redirects ----------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


class Client:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.last_html = ""

    def request(self, path: str, form: dict[str, str] | None = None, accept: str = "text/html") -> Reply:
        data = urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, headers={"Accept": accept})
        if data is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx and 5xx
            response = error
        with response:
            reply = Reply(response.status, {k.lower(): v for k, v in response.headers.items()},
                          response.read().decode("utf-8"))
        if "text/html" in reply.content_type:
            self.last_html = reply.body
        return reply

    def csrf(self) -> str:
        match = CSRF_FIELD.search(self.last_html)
        assert match, f"no csrf_token on the last page:\n{self.last_html[:2000]}"
        return match.group(1)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def sign_in(self, email: str, password: str) -> Reply:
        page = self.request("/admin/login")
        assert page.status == 200 and "text/html" in page.content_type, page
        return self.request("/admin/login", {"email": email, "password": password, "next": "/admin",
                                             "csrf_token": self.csrf()})

    def customer_names(self) -> list[str]:
        page = self.request("/admin/customers")
        assert page.status == 200, page
        return re.findall(r'<a href="/admin/customers/[^"?]+">([^<]+)</a>', page.body)


# --- the tests ---------------------------------------------------------------------------------

def test_run_serves_the_demo_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    ports = Ports()
    with started_stack(tmp_path, ports) as running:
        assert running.base_url == f"http://127.0.0.1:{ports.app}"
        assert running.email == "admin@demo.local"
        assert running.password == (tmp_path / "demo-admin-password").read_text().strip()
        client = Client(running.base_url)

        page = client.request("/admin/login")
        assert page.status == 200
        assert page.content_type.startswith("text/html")
        assert 'name="csrf_token"' in page.body

        signed_in = client.sign_in(running.email, running.password)
        assert signed_in.status == 303, signed_in
        assert signed_in.headers["location"] == "/admin"
        assert client.cookie("crm_session"), "no session cookie after signing in"

        home = client.request("/admin")
        assert home.status == 200, home
        assert "Good to see you, Demo Admin" in home.body
        assert 'href="/admin/customers"' in home.body

        names = [html.unescape(n) for n in client.customer_names()]
        assert sorted(names) == sorted(DEMO_CUSTOMERS)

        missing = client.request("/api/v1/no-such-route", accept="application/json")
        assert missing.status == 404
        assert missing.content_type.startswith("application/json")
        error = json.loads(missing.body)["error"]
        assert error["status"] == 404 and error["code"] == "not_found" and error["message"]

        no_page = client.request("/admin/no/such/page")
        assert no_page.status == 404
        assert no_page.content_type.startswith("text/html")
        assert "Not found" in no_page.body

        code = ctrl_c(running, ports, tmp_path)
    assert code == 0, running.output()  # Ctrl-C is the normal way to stop it: a clean exit
    assert "Stopping" in running.output()


def test_data_survives_a_restart(tmp_path: Path) -> None:
    ports = Ports()
    added = "Restart Check GmbH"
    with started_stack(tmp_path, ports) as first:
        client = Client(first.base_url)
        assert client.sign_in(first.email, first.password).status == 303
        client.request("/admin/customers")
        created = client.request("/admin/customers", {
            "name": added, "email": "ops@restart.example", "phone": "", "country": "DE", "currency": "EUR",
            "locale": "en", "timezone": "Europe/Berlin", "csrf_token": client.csrf(),
        })
        assert created.status == 303, created
        assert ctrl_c(first, ports, tmp_path) == 0

    saved_password = (tmp_path / "demo-admin-password").read_text().strip()
    assert saved_password == first.password
    with started_stack(tmp_path, ports) as second:
        assert second.password == saved_password  # the same demo login, not a new one
        client = Client(second.base_url)
        assert client.sign_in("admin@demo.local", saved_password).status == 303
        names = [html.unescape(n) for n in client.customer_names()]
        # The customer added before the restart is still there, and seeding again added no duplicates.
        assert sorted(names) == sorted([*DEMO_CUSTOMERS, added])
        assert ctrl_c(second, ports, tmp_path) == 0


def test_a_busy_port_stops_the_start_with_a_clear_message(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        ports = Ports(app=int(busy.getsockname()[1]))
        started = time.monotonic()
        process = subprocess.Popen(
            STACK_RUN, cwd=ROOT, env=stack_env(tmp_path, ports),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            out, err = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=STOP_TIMEOUT)
            raise AssertionError(f"still starting with port {ports.app} busy:\n{out}\n{err}") from None
        elapsed = time.monotonic() - started
    assert process.returncode == 2, (out, err)
    assert elapsed < 10, f"took {elapsed:.1f} s to refuse"
    assert str(ports.app) in err and "CRM_APP_PORT" in err, err
    assert "Traceback" not in err, err
    # Refused before starting anything: no engine, no data folder, nothing listening, nothing running.
    assert not (tmp_path / "dynamodb").exists()
    assert not [port for port in (ports.ddb, ports.stripe) if port_bound(port)]
    leftovers = processes_with_env("CRM_LOCAL_DIR", str(tmp_path))
    assert not leftovers, describe(leftovers)
