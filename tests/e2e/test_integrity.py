"""No lost writes: one writer per document, checked end to end on FerretDB
(which applies an update as read, change, write back, so two concurrent
updates of one document can lose one of them).

A stack of its own (stripe-mock, four job threads, nginx's per-client
limits relaxed) takes a concurrent workload with the CPUs kept busy by
stress-ng: users uploading while their checkout.session.completed webhook
arrives (the lost-plan race), logins, retries, deletes and cancellations.
Then every acknowledged plan must show in /api/auth/me, every accepted
analysis must finish with its start recorded, and `cv-admin check` must
report nothing. Then each kind of problem the checker knows is planted and
must be reported (exit status 1, table and JSON).

The full-size version of the workload (>= 300 uploads) is
tests/stress/stress_integrity.py.
"""
import datetime
import json
import os
import subprocess
import time

import pytest
from bson import ObjectId

import stripe_mock
import workload as wl
from conftest import running_stack

SETTLE_TIMEOUT_S = 150
CHECK_TIMEOUT_S = 60
USERS = 32
UPLOADS_PER_USER = 5


@pytest.fixture(scope="module")
def istack():
    with stripe_mock.running() as mock:
        env = {**mock.env, **wl.RELAXED_LIMITS, "WORKER_CONCURRENCY": "4"}
        with running_stack(env) as s:
            s.stripe = mock
            yield s


@pytest.fixture(scope="module")
def db(istack):
    with wl.database(istack) as d:
        yield d


def redis_cli(stack, *args):
    return subprocess.run(["redis-cli", "-p", wl.port_of(stack, "REDIS_PORT"), *args],
                          capture_output=True, text=True, check=True, timeout=30).stdout


@pytest.fixture(scope="module")
def loaded_run(istack):
    """The workload, once, under CPU load; then the wait until every
    accepted analysis has settled."""
    with wl.cpu_load():
        w = wl.Workload(istack, users=USERS, uploads_per_user=UPLOADS_PER_USER, seed=10).run()
        lost = w.lost_plans()
        unsettled, bad = w.wait_settled(SETTLE_TIMEOUT_S)
    return w, lost, unsettled, bad


def test_an_acknowledged_plan_change_is_never_lost(loaded_run):
    """The lost-plan race: an upload's write of the user document computed
    from a read before the webhook's must not put the old plan back."""
    w, lost, _unsettled, _bad = loaded_run
    assert not w.errors, w.errors[:10]
    assert lost == [], f"acknowledged plans lost for {len(lost)} of {len(w.users)} users: {lost}"


def test_every_accepted_analysis_finishes_with_its_start_recorded(loaded_run):
    """The upload's "queued" mark and the worker's start and completion
    must not overwrite each other: nothing left queued forever, nothing
    completed with attempts 0 and startedAt null."""
    w, _lost, unsettled, bad = loaded_run
    assert w.counts["accepted"] >= USERS * 2, w.summary()
    assert unsettled == [], f"{len(unsettled)} analyses never finished: {unsettled[:10]}"
    assert bad == [], f"completed without their start recorded: {bad[:10]}"


def wait_clean(stack):
    """`cv-admin check` until it reports nothing (jobs of deleted analyses
    are dropped by the worker meanwhile), at most CHECK_TIMEOUT_S."""
    deadline = time.monotonic() + CHECK_TIMEOUT_S
    while True:
        rc, report = wl.check(stack)
        if rc == 0 or time.monotonic() > deadline:
            return rc, report
        time.sleep(1)


def test_the_checker_finds_nothing_after_the_loaded_run(istack, loaded_run):
    rc, report = wait_clean(istack)
    assert rc == 0, json.dumps(report, indent=1)[:4000]
    assert report["problems"] == []
    assert report["scanned"]["analyses"] >= loaded_run[0].counts["accepted"] - \
        loaded_run[0].counts["deletes"]
    r = wl.admin(istack, "check")
    assert r.returncode == 0 and "0 problems" in r.stdout, r.stdout + r.stderr


def test_a_webhook_that_cannot_take_the_users_lease_is_503_and_applied_on_redelivery(
        istack, db):
    """Another writer holds the user document (its lease) past the wait:
    the event is not applied, so it is not acknowledged (5xx) nor recorded
    as processed; Stripe's redelivery then applies it."""
    w = wl.Workload(istack, users=1)
    u = w.register()
    holder = f"cv:lock:user:{u.id}"
    payload = stripe_mock.event("checkout.session.completed",
                                stripe_mock.checkout_session(u.id, u.customer, u.subscription))
    event_id = json.loads(payload)["id"]
    headers = {"Content-Type": "application/json; charset=utf-8"}
    redis_cli(istack, "SET", holder, "another-writer", "PX", "60000")
    try:
        r = w.client().post("/api/billing/webhook", content=payload, headers={
            **headers, "Stripe-Signature": stripe_mock.sign(payload, istack.stripe.webhook_secret)})
        assert r.status_code == 503, r.text
        assert db.stripe_events.find_one({"_id": event_id})["status"] == "received"
        assert w.client().get("/api/auth/me", headers=u.auth).json()["user"]["plan"] == "free"
    finally:
        redis_cli(istack, "DEL", holder)
    r = w.client().post("/api/billing/webhook", content=payload, headers={
        **headers, "Stripe-Signature": stripe_mock.sign(payload, istack.stripe.webhook_secret)})
    assert r.status_code == 200, r.text
    assert db.stripe_events.find_one({"_id": event_id})["status"] == "processed"
    assert w.client().get("/api/auth/me", headers=u.auth).json()["user"]["plan"] == "pro"


# ---------------------------------------------------------------- planted problems

def kinds_for(stack, ident):
    rc, report = wl.check(stack)
    return rc, {p["kind"] for p in report.get("problems", []) if ident in p["id"]}, report


def a_user(db):
    return db.users.find_one({"plan": {"$exists": True}})


def test_a_completed_analysis_without_its_start_is_reported(istack, db):
    user = a_user(db)
    now = datetime.datetime.now(datetime.timezone.utc)
    src = db.analyses.find_one({"status": "completed"})
    oid = ObjectId()
    db.analyses.insert_one({**src, "_id": oid, "attempts": 0, "startedAt": None,
                            "userId": user["_id"], "createdAt": now})
    try:
        rc, kinds, report = kinds_for(istack, str(oid))
        assert rc == 1
        assert "completed_without_start" in kinds, report
        r = wl.admin(istack, "check")
        assert r.returncode == 1 and str(oid) in r.stdout and "completed_without_start" in r.stdout
    finally:
        db.analyses.delete_one({"_id": oid})


def test_an_analysis_whose_file_is_gone_is_reported(istack, db):
    a = db.analyses.find_one({"status": "completed"})
    path = istack.state / "uploads" / a["fileKey"]
    hidden = path.with_name(".hidden-" + a["fileKey"])
    os.rename(path, hidden)
    try:
        rc, kinds, report = kinds_for(istack, str(a["_id"]))
        assert rc == 1 and "file_missing" in kinds, report
    finally:
        os.rename(hidden, path)


def test_a_stored_file_without_analysis_is_reported(istack):
    key = "f" * 32 + ".txt"
    path = istack.state / "uploads" / key
    path.write_bytes(b"orphan")
    old = time.time() - 3600   # past the checker's grace for uploads in flight
    os.utime(path, (old, old))
    try:
        rc, kinds, report = kinds_for(istack, key)
        assert rc == 1 and "orphan_file" in kinds, report
    finally:
        path.unlink()


def test_an_analysis_without_its_quota_use_is_reported(istack, db):
    user = a_user(db)
    now = datetime.datetime.now(datetime.timezone.utc)
    src = db.analyses.find_one({"status": "completed"})
    month = datetime.datetime(now.year, now.month, 1, tzinfo=datetime.timezone.utc)
    used = db.usage_slots.count_documents({"userId": str(user["_id"]), "month": month})
    mine = db.analyses.count_documents({"userId": user["_id"], "createdAt": {"$gte": month}})
    planted = [ObjectId() for _ in range(used - mine + 1)]
    for oid in planted:
        db.analyses.insert_one({**src, "_id": oid, "userId": user["_id"], "createdAt": now})
    try:
        rc, kinds, report = kinds_for(istack, str(user["_id"]))
        assert rc == 1 and "quota_mismatch" in kinds, report
    finally:
        db.analyses.delete_many({"_id": {"$in": planted}})


def test_a_job_for_a_missing_analysis_is_reported(istack):
    ghost = str(ObjectId())
    # In the delayed set: no worker picks it up before the check.
    due = int(time.time() * 1000) + 3_600_000
    redis_cli(istack, "ZADD", "cv:analysis:delayed", str(due), f"{ghost}|planted")
    try:
        rc, kinds, report = kinds_for(istack, ghost)
        assert rc == 1 and "orphan_job" in kinds, report
    finally:
        redis_cli(istack, "ZREM", "cv:analysis:delayed", f"{ghost}|planted")


def test_an_analysis_stuck_without_a_job_is_reported(istack, db):
    user = a_user(db)
    src = db.analyses.find_one({"status": "completed"})
    old = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)
    oid = ObjectId()
    db.analyses.insert_one({**src, "_id": oid, "userId": user["_id"], "status": "processing",
                            "result": None, "completedAt": None, "createdAt": old,
                            "updatedAt": old})
    try:
        rc, kinds, report = kinds_for(istack, str(oid))
        assert rc == 1 and "stuck" in kinds, report
    finally:
        db.analyses.delete_one({"_id": oid})


def test_a_plan_that_disagrees_with_the_last_stripe_event_is_reported(istack, db):
    ev = db.stripe_events.find_one({"userId": {"$exists": True}, "status": "processed"},
                                   sort=[("appliedAt", -1)])
    assert ev is not None
    uid = ObjectId(ev["userId"])
    last = db.stripe_events.find_one({"userId": ev["userId"], "status": "processed"},
                                     sort=[("appliedAt", -1)])
    wrong = "free" if last["plan"] == "pro" else "pro"
    db.users.update_one({"_id": uid}, {"$set": {"plan": wrong}})
    try:
        rc, kinds, report = kinds_for(istack, ev["userId"])
        assert rc == 1 and "plan_mismatch" in kinds, report
    finally:
        db.users.update_one({"_id": uid}, {"$set": {"plan": last["plan"]}})
    rc, report = wait_clean(istack)
    assert rc == 0, report


def test_a_cached_card_that_differs_from_the_database_is_reported(istack, db):
    user = a_user(db)
    uid = str(user["_id"])
    month = datetime.datetime.now(datetime.timezone.utc).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0)
    wrong = "free" if user["plan"] == "pro" else "pro"
    redis_cli(istack, "HSET", f"cv:user:card:{uid}", "month", str(int(month.timestamp() * 1000)),
              "email", user["email"], "name", user["name"], "plan", wrong,
              "created", str(int(user["createdAt"].replace(
                  tzinfo=datetime.timezone.utc).timestamp() * 1000)),
              "used", "0", "notify", "0")
    try:
        rc, kinds, report = kinds_for(istack, uid)
        assert rc == 1 and "card_mismatch" in kinds, report
    finally:
        redis_cli(istack, "DEL", f"cv:user:card:{uid}")
    rc, report = wait_clean(istack)
    assert rc == 0, report
