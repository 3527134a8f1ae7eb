"""The responder pool: crashed children are replaced, SIGTERM lets
requests in flight finish, the worker stops cleanly."""
import os
import signal
import subprocess
import threading
import time

from conftest import alive, assert_error


def children_of(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return sorted(int(p) for p in out.split())


def wait_for(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def responder_in_request(stack):
    """True once a responder of cv-api (the master or a child) has accepted
    a FastCGI connection from nginx: a connected socket on cv-api's path
    that one of their descriptors holds (nginx keeps no idle connection:
    fastcgi_keep_conn off)."""
    path = str(stack.state / "run" / "cv-api.sock")
    master = stack.pid("cv-api")
    inodes = set()
    for pid in [master, *children_of(master)]:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:["):
                    inodes.add(link[len("socket:["):-1])
        except OSError:
            continue
    with open("/proc/net/unix") as f:
        next(f)   # Num RefCount Protocol Flags Type St Inode Path
        for line in f:
            cols = line.split()
            if len(cols) >= 8 and cols[5] == "03" and cols[6] in inodes and cols[7] == path:
                return True
    return False


def test_a_killed_responder_is_replaced(stack, api):
    master = stack.pid("cv-api")
    before = wait_for(lambda: children_of(master) if len(children_of(master)) == 2 else None)
    os.kill(before[0], signal.SIGKILL)
    after = wait_for(lambda: (c := children_of(master)) and len(c) == 2 and before[0] not in c and c)
    assert before[1] in after
    for _ in range(20):
        assert api.get("/api/health").status_code == 200
    assert "died" in stack.log("cv-api")


def test_sigterm_finishes_requests_in_flight(stack, api):
    # With FerretDB down a readiness probe takes ~2 s inside cv-api:
    # long enough to stop cv-api while it is answering.
    stack.stop("ferretdb")
    result = {}

    def probe():
        with stack.client() as c:
            result["r"] = c.get("/api/ready")

    try:
        t = threading.Thread(target=probe)
        t.start()
        wait_for(lambda: responder_in_request(stack))
        master = stack.pid("cv-api")
        os.kill(master, signal.SIGTERM)
        t.join(15)
        r = result["r"]
        # Answered by cv-api (its report), not nginx's 502.
        assert r.status_code == 503
        assert r.json()["checks"]["mongodb"] == "unavailable"
        wait_for(lambda: not alive(master), timeout=15)
        assert "cv-api stopped" in stack.log("cv-api")
        # With no responder, nginx answers 502 in the API's error shape.
        assert_error(api.get("/api/health"), 502, "unavailable")
    finally:
        stack.start("ferretdb")
        stack.start("cv-api")
    stack.wait_ready(200)


def test_worker_stops_cleanly_and_restarts(stack):
    pid = stack.pid("cv-worker")
    stack.stop("cv-worker")
    try:
        assert not alive(pid)
        assert "cv-worker stopping" in stack.log("cv-worker")
    finally:
        stack.start("cv-worker")
    new = stack.pid("cv-worker")
    assert new != pid
    wait_for(lambda: "waiting for jobs" in stack.log("cv-worker").split(f'"pid":{new}', 1)[-1])


def test_worker_created_the_consumer_group(stack):
    port = [l.split("=")[1] for l in (stack.state / "ports.env").read_text().split()
            if l.startswith("REDIS_PORT=")][0]
    out = subprocess.run(["redis-cli", "-p", port, "XINFO", "GROUPS", "cv:analysis:jobs"],
                         capture_output=True, text=True, check=True).stdout
    assert "cv-workers" in out
