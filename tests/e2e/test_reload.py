"""Reload without a failed request: SIGHUP to the cv-api master while a
load generator runs through nginx, a bad configuration keeps the old
responders, SIGHUP never stops cv-worker, and cv-worker's job threads
follow WORKER_CONCURRENCY on reload without cutting a job short."""
import os
import re
import signal
import statistics
import threading
import time
import uuid

import httpx
import pytest

import cvfixtures as fx
import llm_stub
from conftest import alive, assert_error, free_port, fresh_ip, register, running_stack
from test_analyses import upload
from test_pool import children_of, wait_for
from test_worker import wait_done

RELOADS = 5
LOAD_THREADS = 4
API_PACE_S = 0.05   # per authenticated request of one client: 20 r/s at most


class EnvEdit:
    """Append lines to the stack's configuration file; restore it after."""

    def __init__(self, stack):
        self.path = stack.state / "cv.env"
        self.original = self.path.read_text()

    def append(self, *lines):
        self.path.write_text(self.original + "".join(l + "\n" for l in lines))

    def restore(self):
        self.path.write_text(self.original)


class Load:
    """Clients hammering nginx until stopped; every answer counted."""

    def __init__(self, stack, token):
        self.stack, self.token = stack, token
        self.stop = threading.Event()
        self.ok = 0
        self.failures = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(LOAD_THREADS)]

    def run(self, i):
        paths = ["/api/health", "/api/auth/me"]
        with self.stack.client(source_ip=fresh_ip()) as c:
            n = 0
            while not self.stop.is_set():
                path = paths[n % len(paths)] if i % 2 else "/api/health"
                n += 1
                try:
                    r = c.get(path, headers={"Authorization": f"Bearer {self.token}"})
                    good = r.status_code == 200
                    what = f"{path} {r.status_code} {r.text[:200]}"
                except Exception as e:   # a reset or timeout is a failure too
                    good, what = False, f"{path} {type(e).__name__}: {e}"
                with self.lock:
                    if good:
                        self.ok += 1
                    else:
                        self.failures.append(what)
                if path != "/api/health":
                    self.stop.wait(API_PACE_S)   # under the API zone's 50 r/s

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(60)


def reload_and_wait(stack, master, marker="reload complete", timeout=60):
    """SIGHUP the master, wait for the marker's next occurrence in its log;
    returns the seconds it took."""
    before = stack.log("cv-api").count(marker)
    t0 = time.monotonic()
    os.kill(master, signal.SIGHUP)
    wait_for(lambda: stack.log("cv-api").count(marker) > before, timeout=timeout)
    return time.monotonic() - t0


def reload_fully(stack, master, processes=2):
    """Reload, then wait until only the new generation answers (the old
    one stops accepting within CV_POOL_ACCEPT_WAKE_MS, then exits)."""
    before = set(children_of(master))
    took = reload_and_wait(stack, master)
    wait_for(lambda: (c := set(children_of(master))) and len(c) == processes
             and c.isdisjoint(before), timeout=40)
    return took


def test_reloads_under_load_fail_no_request(stack, api):
    token = register(api).token
    master = stack.pid("cv-api")
    edit = EnvEdit(stack)
    took = []
    try:
        with Load(stack, token) as load:
            wait_for(lambda: load.ok > 50, timeout=30)
            for k in range(RELOADS):
                # One reload changes the pool's size: the new configuration
                # is what the new responders run.
                if k == 2:
                    edit.append("API_PROCESSES=3")
                elif k == 3:
                    edit.restore()
                took.append(reload_fully(stack, master, processes=3 if k == 2 else 2))
            served = load.ok
            wait_for(lambda: load.ok > served + 50, timeout=30)
    finally:
        edit.restore()
    print(f"\nreload: {RELOADS} reloads under {LOAD_THREADS} clients, {load.ok} requests "
          f"answered, {len(load.failures)} failed; SIGHUP to 'reload complete' median "
          f"{statistics.median(took):.2f} s, max {max(took):.2f} s")
    assert not load.failures, load.failures[:10]
    assert alive(master)


def test_invalid_configuration_keeps_the_old_responders(stack, api):
    master = stack.pid("cv-api")
    before = wait_for(lambda: (c := children_of(master)) and len(c) == 2 and c)
    edit = EnvEdit(stack)
    try:
        edit.append("API_THREADS=banana", "MAX_FILE_SIZE=huge")
        reload_and_wait(stack, master, marker="reload refused;")
    finally:
        edit.restore()
    log = stack.log("cv-api")
    assert "API_THREADS" in log and "MAX_FILE_SIZE" in log   # every reason, by name
    assert children_of(master) == before
    for _ in range(20):
        assert api.get("/api/health").status_code == 200
    assert alive(master)


def test_rotating_jwt_secret_logs_nobody_out(stack, api):
    """JWT_SECRET rotated with the old one as JWT_SECRET_PREVIOUS, by a
    reload: old tokens still work, new ones are signed with the new
    secret; once the previous secret is dropped, old tokens are refused."""
    old_token = register(api).token
    master = stack.pid("cv-api")
    edit = EnvEdit(stack)
    old_secret = re.search(r"^JWT_SECRET=(.*)$", edit.original, re.M).group(1)
    me = lambda token: api.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    try:
        edit.append(f"JWT_SECRET={'n' * 40}", f"JWT_SECRET_PREVIOUS={old_secret}")
        reload_fully(stack, master)
        assert me(old_token).status_code == 200
        new_token = register(api).token
        assert me(new_token).status_code == 200
        edit.append(f"JWT_SECRET={'n' * 40}")
        reload_fully(stack, master)
        assert me(new_token).status_code == 200
        assert_error(me(old_token), 401, "unauthorized")
    finally:
        edit.restore()
        reload_fully(stack, master)
    assert me(old_token).status_code == 200


def test_sighup_never_stops_the_worker(stack):
    pid = stack.pid("cv-worker")
    marker, refused = "configuration reloaded", "configuration invalid"
    log = lambda: stack.log("cv-worker")
    edit = EnvEdit(stack)
    for _ in range(3):
        before = log().count(marker)
        os.kill(pid, signal.SIGHUP)
        wait_for(lambda: log().count(marker) > before)
    try:
        # LOG_LEVEL applies: at warn, info lines are silent while the
        # refusal of a bad configuration (an error) is logged.
        edit.append("LOG_LEVEL=warn")
        os.kill(pid, signal.SIGHUP)
        wait_for(lambda: "LOG_LEVEL info -> warn" in log())
        quiet = log().count(marker)
        edit.append("LOG_LEVEL=warn", "MAX_ATTEMPTS=zero")
        before = log().count(refused)
        os.kill(pid, signal.SIGHUP)
        wait_for(lambda: log().count(refused) > before)
        assert "MAX_ATTEMPTS=zero" in log()
        assert log().count(marker) == quiet
    finally:
        edit.restore()
    before = log().count(marker)
    os.kill(pid, signal.SIGHUP)   # back to info: logged again
    wait_for(lambda: log().count(marker) > before)
    assert alive(pid) and stack.pid("cv-worker") == pid


# ---- WORKER_CONCURRENCY on reload, on a stack of its own ----

@pytest.fixture(scope="module")
def held_stack():
    """A stack whose worker analyses with the LLM stub (a STUB-HOLD job stays
    in flight until the test releases it) and reads WORKER_CONCURRENCY from
    its configuration file alone (the process environment would win)."""
    port = free_port()
    server = llm_stub.start(port)
    env = {"OPENAI_API_KEY": "test-llm-key", "OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1",
           "OPENAI_MODEL": "stub-model"}
    try:
        with running_stack(env) as s:
            s.stub_url = f"http://127.0.0.1:{port}"
            s.env.pop("WORKER_CONCURRENCY", None)
            s.stop("cv-worker")
            s.start("cv-worker")
            yield s
    finally:
        server.shutdown()


def test_worker_concurrency_follows_reload(held_stack):
    s = held_stack
    pid = s.pid("cv-worker")
    log = lambda: s.log("cv-worker")
    stub = lambda path, run: httpx.get(f"{s.stub_url}{path}", params={"run": run}).json()
    edit = EnvEdit(s)
    runs = [f"RUN-{uuid.uuid4().hex[:12]}" for _ in range(2)]

    def queue(client, run, n):
        jobs = []
        for _ in range(n):
            acct = register(client)
            r = upload(client, acct, f"{run} STUB-HOLD\n{fx.EN_CV}".encode(), name="cv.txt")
            assert r.status_code == 202, r.text
            jobs.append((acct, r.json()["analysis"]["id"]))
        return jobs

    def reload(*lines, logged):
        edit.append(*lines)
        os.kill(pid, signal.SIGHUP)
        wait_for(lambda: logged in log(), timeout=30)

    try:
        wait_for(lambda: "running 2 job threads" in log())
        reload("WORKER_CONCURRENCY=1", logged="job threads: 2 -> 1")
        with s.client(source_ip=fresh_ip()) as c:
            jobs = queue(c, runs[0], 3)
            # One job thread: one job at the stub, two in the queue.
            wait_for(lambda: stub("/held", runs[0])["now"] == 1)
            # Grown: new threads take the queued two while the first runs.
            reload("WORKER_CONCURRENCY=3", logged="job threads: 1 -> 3")
            wait_for(lambda: stub("/held", runs[0])["now"] == 3, timeout=30)
            # Shrunk while three jobs run: each finishes, none is retried.
            reload("WORKER_CONCURRENCY=1", logged="WORKER_CONCURRENCY 3 -> 1")
            stub("/release", runs[0])
            for acct, aid in jobs:
                assert wait_done(c, acct, aid)["status"] == "completed"
            assert stub("/calls", runs[0])["calls"] == 3
            wait_for(lambda: "job threads: 3 -> 1" in log())
            # One thread again: of two new jobs, the second waits for the first.
            jobs = queue(c, runs[1], 2)
            wait_for(lambda: stub("/held", runs[1])["now"] == 1)
            waiting = [c.get(f"/api/cv/analyses/{aid}", headers=acct.auth).json()["analysis"]
                       ["status"] for acct, aid in jobs]
            assert sorted(waiting) == ["processing", "queued"], waiting
            stub("/release", runs[1])
            for acct, aid in jobs:
                assert wait_done(c, acct, aid)["status"] == "completed"
            assert stub("/held", runs[1])["max"] == 1
    finally:
        for run in runs:
            stub("/release", run)
        edit.restore()
    assert alive(pid) and s.pid("cv-worker") == pid
