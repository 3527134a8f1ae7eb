"""End-to-end fixtures.

The whole stack -- nginx, cv-api, cv-worker, Redis, FerretDB -- is started
by deploy/dev on free loopback ports with its state in a temporary
directory, and every test talks to nginx only. At the end the stack is
stopped and the service logs are searched for sanitizer reports, which fail
the run.
"""
import contextlib
import itertools
import os
import pathlib
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid

import httpx
import pytest

import stripe_mock

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEV = ROOT / "deploy" / "dev"
SANITIZER_RE = re.compile(r"ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: UndefinedBehavior")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def alive(pid):
    """Is pid a live process? A zombie (killed, not yet reaped by whoever
    adopted it) is not."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return not any(l.startswith("State:") and "Z" in l.split()[1] for l in f)
    except OSError:
        return False


class Stack:
    """A running stack and the means to stop and start its services."""

    def __init__(self, state, port, env):
        self.state = pathlib.Path(state)
        self.port = port
        self.env = env
        self.base_url = f"http://127.0.0.1:{port}"
        self.build = pathlib.Path(env.get("CV_BUILD_DIR", ROOT / "build"))

    def dev(self, *args, check=True):
        return subprocess.run([str(DEV), *args], env=self.env, check=check,
                              capture_output=True, text=True, timeout=180)

    def stop(self, service):
        self.dev("stop", service)

    def start(self, service):
        self.dev("start", service)

    def config(self):
        """The effective configuration, as `cv-api --print-config` gives it."""
        r = subprocess.run([str(self.build / "cv-api"), "--env-file", str(self.state / "cv.env"),
                            "--print-config"], env=self.env, check=True, capture_output=True,
                           text=True, timeout=30)
        return dict(line.split("=", 1) for line in r.stdout.splitlines())

    def pid(self, service):
        return int((self.state / "run" / f"{service}.pid").read_text().strip())

    def log(self, service):
        path = self.state / "logs" / f"{service}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def client(self, source_ip=None, **kw):
        transport = httpx.HTTPTransport(local_address=source_ip) if source_ip else None
        return httpx.Client(base_url=self.base_url, transport=transport, timeout=30, **kw)

    def wait_ready(self, want=200, timeout=30):
        deadline = time.monotonic() + timeout
        last = None
        with self.client() as c:
            while time.monotonic() < deadline:
                last = c.get("/api/ready")
                if last.status_code == want:
                    return last
                time.sleep(0.2)
        raise AssertionError(f"/api/ready stayed {last.status_code if last else None}: "
                             f"{last.text if last else ''}")


@contextlib.contextmanager
def running_stack(extra_env=None, state=None, port=None):
    """Start a whole stack with deploy/dev on free ports, yield it, stop it
    and fail on sanitizer reports. extra_env reaches cv-api and cv-worker
    (the environment wins over the generated configuration)."""
    own_state = state is None
    state = state or tempfile.mkdtemp(prefix="cv-e2e.")
    port = port or free_port()
    # Several job threads, in the sanitizer build too: extraction spawns and
    # execs cv-extract, so no thread's allocator state is ever forked.
    env = dict(os.environ, WORKER_CONCURRENCY="4")
    env.update(extra_env or {}, CV_STATE_DIR=state, CV_HTTP_PORT=str(port))
    env.setdefault("CV_BUILD_DIR", str(ROOT / "build"))
    s = Stack(state, port, env)
    up = s.dev("up", "--no-build", check=False)
    if up.returncode != 0:
        logs = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                         for p in (s.state / "logs").glob("*.log"))
        s.dev("down", check=False)
        pytest.fail(f"deploy/dev up failed:\n{up.stderr}\n{logs}")
    try:
        yield s
    finally:
        s.dev("down", check=False)
        reports = [(svc, m.group(0)) for svc in ("cv-api", "cv-worker")
                   for m in [SANITIZER_RE.search(s.log(svc))] if m]
        if own_state:
            shutil.rmtree(state, ignore_errors=True)
        assert not reports, f"sanitizer reports in service logs: {reports}"


@pytest.fixture(scope="session")
def stack():
    """The session's stack: the product as configured by default (offline
    analyzer, local storage), with billing on against a stripe-mock started
    first (stack.stripe: its settings, e.g. stack.stripe.webhook_secret)."""
    port = os.environ.get("CV_HTTP_PORT")
    with stripe_mock.running() as mock:
        with running_stack(mock.env, state=os.environ.get("CV_STATE_DIR"),
                           port=int(port) if port else None) as s:
            s.stripe = mock
            yield s


_next_ip = itertools.count()


def fresh_ip():
    """A loopback source address of its own, so a test's requests fill no
    other test's nginx rate-limit buckets (127.0.0.10 .. 127.0.0.249)."""
    return f"127.0.0.{10 + next(_next_ip) % 240}"


@pytest.fixture
def api(stack):
    with stack.client(source_ip=fresh_ip()) as c:
        yield c


def unique_email(prefix="user"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


class Account:
    def __init__(self, email, password, name, token, user):
        self.email, self.password, self.name = email, password, name
        self.token, self.user = token, user

    @property
    def auth(self):
        return {"Authorization": f"Bearer {self.token}"}


def register(client, email=None, password="s3cret-Passw0rd", name="Ada Lovelace"):
    email = email or unique_email()
    r = client.post("/api/auth/register", json={"email": email, "password": password, "name": name})
    assert r.status_code == 201, r.text
    body = r.json()
    return Account(email, password, name, body["token"], body["user"])


@pytest.fixture
def account(api):
    return register(api)


def assert_error(resp, status, code):
    """The API's error shape, with X-Request-Id, whoever answered."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    assert re.fullmatch(r"[0-9a-f]{32}", resp.headers.get("x-request-id", "")), resp.headers
    body = resp.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]
