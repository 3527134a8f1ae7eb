"""The responder pool: crashed children are replaced, SIGTERM lets
requests in flight finish, the worker stops cleanly."""
import os
import signal
import subprocess
import threading
import time

from conftest import alive, assert_error, register

# How long the Stripe proxy holds the checkout that is in flight at SIGTERM
# (cv-api waits up to 10 s for Stripe).
STRIPE_HOLD_S = 3


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
    # A checkout waits on Stripe, which the recording proxy holds for a few
    # seconds: once the proxy has the request, a responder is inside it.
    acct = register(api)
    recorder = stack.stripe.recorder
    recorder.clear_faults()
    recorder.inject(delay_s=STRIPE_HOLD_S)
    result = {}

    def checkout():
        with stack.client() as c:
            result["r"] = c.post("/api/billing/checkout", json={"plan": "pro"},
                                 headers=acct.auth)

    try:
        t = threading.Thread(target=checkout)
        t.start()
        wait_for(lambda: recorder.sent(acct.user["id"]))
        master = stack.pid("cv-api")
        os.kill(master, signal.SIGTERM)
        t.join(30)
        r = result["r"]
        # Answered by cv-api once Stripe answered, not nginx's 502.
        assert r.status_code == 200, r.text
        assert r.json()["url"].startswith("https://checkout.stripe.com/")
        wait_for(lambda: not alive(master), timeout=15)
        assert "cv-api stopped" in stack.log("cv-api")
        # With no responder, nginx answers 502 in the API's error shape.
        assert_error(api.get("/api/health"), 502, "unavailable")
    finally:
        recorder.clear_faults()
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
