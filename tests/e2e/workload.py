"""A concurrent workload against a running stack, for the integrity tests
and the stress script (tests/stress/stress_integrity.py): many users
uploading CVs at once while Stripe's webhooks change their plans, with
logins, retries of failed analyses and deletes; then the wait until every
accepted analysis has settled, and `cv-admin check`.

Everything waits on a condition with a deadline; nothing here relies on
timing luck. cpu_load() keeps the CPUs busy with stress-ng so that race
windows (a read and a write of one document by two processes) are wide.
"""
import concurrent.futures
import contextlib
import json
import os
import random
import secrets
import signal
import subprocess
import threading
import time
import uuid

import httpx
import pymongo

import cvfixtures as fx
import stripe_mock as sm

# nginx's per-client limits, relaxed: the workload is one client making
# hundreds of requests a second on purpose.
RELAXED_LIMITS = {
    "CV_RATE_LOGIN": "60000r/m", "CV_BURST_LOGIN": "10000",
    "CV_RATE_REGISTER": "60000r/m", "CV_BURST_REGISTER": "10000",
    "CV_RATE_UPLOAD": "60000r/m", "CV_BURST_UPLOAD": "10000",
    "CV_RATE_WEBHOOK": "10000r/s", "CV_BURST_WEBHOOK": "10000",
    "CV_RATE_API": "10000r/s", "CV_BURST_API": "10000",
}
PASSWORD = "s3cret-Passw0rd"
# A PDF no parser accepts: its analysis fails at once, so it can be retried.
BROKEN_PDF = b"%PDF-1.4\n" + b"\x00garbage" * 64
# How often a webhook answered 5xx is delivered again (as Stripe would).
WEBHOOK_DELIVERIES_MAX = 20
HTTP_TIMEOUT_S = 120


@contextlib.contextmanager
def cpu_load(workers=None):
    """stress-ng spinning workers (default: one per CPU) for the duration."""
    proc = subprocess.Popen(
        ["stress-ng", "--cpu", str(workers or os.cpu_count() or 2), "--timeout", "3600s",
         "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


def port_of(stack, name):
    """A port deploy/dev chose (ports.env: FERRETDB_PORT, REDIS_PORT...)."""
    for line in (stack.state / "ports.env").read_text().split():
        if line.startswith(name + "="):
            return line.split("=", 1)[1]
    raise KeyError(name)


@contextlib.contextmanager
def database(stack):
    client = pymongo.MongoClient(f"mongodb://127.0.0.1:{port_of(stack, 'FERRETDB_PORT')}/",
                                 serverSelectionTimeoutMS=5000)
    try:
        yield client["cv_analyzer"]
    finally:
        client.close()


def admin(stack, *args, timeout=120):
    cmd = [str(stack.build / "cv-admin"), "--env-file", str(stack.state / "cv.env"), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def check(stack):
    """`cv-admin --json check`: (exit status, report)."""
    r = admin(stack, "--json", "check")
    try:
        report = json.loads(r.stdout)
    except ValueError:
        report = {"stdout": r.stdout, "stderr": r.stderr}
    return r.returncode, report


class User:
    def __init__(self, email, token, user_id):
        self.email, self.token, self.id = email, token, user_id
        self.customer = "cus_" + secrets.token_hex(7)
        self.subscription = "sub_" + secrets.token_hex(7)
        self.lock = threading.Lock()
        self.acknowledged = []          # (created, plan) of each event answered 200
        self.accepted = []              # analysis ids answered 202
        self.deleted = set()

    @property
    def auth(self):
        return {"Authorization": f"Bearer {self.token}"}

    def expected_plan(self):
        """The plan the acknowledged events give, by their `created` order
        (a canceled subscription is never revived)."""
        plan = "free"
        for _created, p in sorted(self.acknowledged):
            plan = p
        return plan


class Workload:
    """One run: users, their concurrent requests, and what was answered."""

    def __init__(self, stack, users=8, uploads_per_user=3, threads=24, seed=None):
        self.stack = stack
        self.n_users = users
        self.uploads_per_user = uploads_per_user
        self.threads = threads
        self.rng = random.Random(seed)
        self.users = []
        self.errors = []                # unexpected answers: (what, status, body)
        self.webhook_5xx = 0
        self.counts = {"uploads": 0, "accepted": 0, "webhooks": 0, "logins": 0,
                       "retries": 0, "deletes": 0}
        self._tls = threading.local()
        self._mu = threading.Lock()

    def _count(self, name):
        with self._mu:
            self.counts[name] += 1

    def client(self):
        c = getattr(self._tls, "client", None)
        if c is None:
            c = httpx.Client(base_url=self.stack.base_url, timeout=HTTP_TIMEOUT_S)
            self._tls.client = c
        return c

    def _unexpected(self, what, r):
        with self._mu:
            self.errors.append((what, r.status_code, r.text[:300]))

    # ---- the requests -----------------------------------------------------

    def register(self):
        email = f"load-{uuid.uuid4().hex[:12]}@example.com"
        r = self.client().post("/api/auth/register",
                               json={"email": email, "password": PASSWORD, "name": "Load"})
        if r.status_code != 201:
            self._unexpected("register", r)
            return None
        return User(email, r.json()["token"], r.json()["user"]["id"])

    def upload(self, u, content=None, name="cv.txt"):
        content = content if content is not None else fx.text_bytes(
            fx.EN_CV + f"\nReference {uuid.uuid4().hex}\n")
        r = self.client().post("/api/cv/analyses", files={"cv": (name, content)},
                               headers=u.auth)
        self._count("uploads")
        if r.status_code == 202:
            with u.lock:
                u.accepted.append(r.json()["analysis"]["id"])
            self._count("accepted")
        elif not (r.status_code == 402 and r.json()["error"]["code"] == "quota_exceeded"):
            self._unexpected("upload", r)

    def webhook(self, u, type_, obj, plan, created):
        payload = sm.event(type_, obj, created=created)
        for _ in range(WEBHOOK_DELIVERIES_MAX):
            header = sm.sign(payload, self.stack.stripe.webhook_secret)
            r = self.client().post("/api/billing/webhook", content=payload, headers={
                "Content-Type": "application/json; charset=utf-8", "Stripe-Signature": header})
            self._count("webhooks")
            if r.status_code == 200:
                with u.lock:
                    u.acknowledged.append((created, plan))
                return
            if r.status_code < 500:
                self._unexpected("webhook", r)
                return
            with self._mu:
                self.webhook_5xx += 1     # not applied: Stripe delivers it again
        self._unexpected("webhook (never acknowledged)", r)

    def checkout_completed(self, u, created):
        self.webhook(u, "checkout.session.completed",
                     sm.checkout_session(u.id, u.customer, u.subscription), "pro", created)

    def subscription_deleted(self, u, created):
        self.webhook(u, "customer.subscription.deleted",
                     sm.subscription(u.subscription, u.customer, "canceled", user_id=u.id),
                     "free", created)

    def login(self, u):
        r = self.client().post("/api/auth/login", json={"email": u.email, "password": PASSWORD})
        self._count("logins")
        if r.status_code != 200:
            self._unexpected("login", r)

    def retry_failed(self, u):
        with u.lock:
            ids = [i for i in u.accepted if i not in u.deleted]
        for aid in ids:
            r = self.client().post(f"/api/cv/analyses/{aid}/retry", headers=u.auth)
            self._count("retries")
            if r.status_code not in (202, 409, 404):
                self._unexpected("retry", r)

    def delete_one(self, u):
        with u.lock:
            ids = [i for i in u.accepted if i not in u.deleted]
            if not ids:
                return
            aid = self.rng.choice(ids)
            u.deleted.add(aid)
        r = self.client().delete(f"/api/cv/analyses/{aid}", headers=u.auth)
        self._count("deletes")
        if r.status_code != 204:
            self._unexpected("delete", r)

    # ---- the run ----------------------------------------------------------

    def _run_all(self, tasks, shuffle=True, threads=None):
        if shuffle:
            self.rng.shuffle(tasks)
        with concurrent.futures.ThreadPoolExecutor(threads or self.threads) as pool:
            for f in [pool.submit(t) for t in tasks]:
                f.result()

    def _burst(self, u, created, extras):
        tasks = [lambda: self.checkout_completed(u, created), lambda: self.login(u)]
        for i in range(self.uploads_per_user):
            if extras and i == self.uploads_per_user - 1:
                tasks.append(lambda: self.upload(u, BROKEN_PDF, "broken.pdf"))
            else:
                tasks.append(lambda: self.upload(u))
        barrier = threading.Barrier(len(tasks))

        def go(task):
            barrier.wait(timeout=HTTP_TIMEOUT_S)
            try:
                task()
            finally:
                c = getattr(self._tls, "client", None)
                if c is not None:
                    c.close()
                    self._tls.client = None

        with concurrent.futures.ThreadPoolExecutor(len(tasks)) as pool:
            for f in [pool.submit(go, t) for t in tasks]:
                f.result()

    def run(self, downgrades=True, extras=True):
        """Register the users, then at once: each user's uploads (the last
        a broken PDF when extras), the checkout webhook and a login;
        then, at once again, more uploads, retries of what failed, deletes
        and (downgrades) the cancellation of half the subscriptions."""
        base = int(time.time())
        self._run_all([lambda: self.users.append(self.register())
                       for _ in range(self.n_users)])
        if None in self.users:
            self.users = [u for u in self.users if u is not None]
        # Each user's uploads, checkout webhook and login start together
        # (a barrier), a few users at a time: the webhook's write of the
        # user document meets the uploads' reads and writes of it.
        self._run_all([lambda u=u: self._burst(u, base, extras) for u in self.users],
                      shuffle=False, threads=max(1, self.threads // (self.uploads_per_user + 2)))
        if not extras:
            return self
        second = []
        for n, u in enumerate(self.users):
            second.append(lambda u=u: self.upload(u))
            second.append(lambda u=u: self.retry_failed(u))
            second.append(lambda u=u: self.delete_one(u))
            second.append(lambda u=u: self.login(u))
            if downgrades and n % 2 == 0:
                second.append(lambda u=u: self.subscription_deleted(u, base + 1))
        self._run_all(second)
        return self

    # ---- the checks -------------------------------------------------------

    def lost_plans(self):
        """Users whose /api/auth/me plan is not what their acknowledged
        webhooks say: [(user id, expected, seen)]."""
        lost = []
        for u in self.users:
            r = self.client().get("/api/auth/me", headers=u.auth)
            seen = r.json()["user"]["plan"] if r.status_code == 200 else r.status_code
            if seen != u.expected_plan():
                lost.append((u.id, u.expected_plan(), seen))
        return lost

    def wait_settled(self, timeout_s):
        """Wait until every accepted, undeleted analysis is completed or
        failed; returns those that are not by the deadline, and the bad
        finished ones (completed without startedAt/completedAt or with
        attempts < 1)."""
        deadline = time.monotonic() + timeout_s
        pending = {(u, aid) for u in self.users for aid in u.accepted if aid not in u.deleted}
        bad = []
        while pending and time.monotonic() < deadline:
            for u, aid in list(pending):
                r = self.client().get(f"/api/cv/analyses/{aid}", headers=u.auth)
                if r.status_code != 200:
                    continue
                a = r.json()["analysis"]
                if a["status"] in ("completed", "failed"):
                    pending.discard((u, aid))
                    if a["status"] == "completed" and (
                            a["attempts"] < 1 or a["startedAt"] is None or
                            a["completedAt"] is None):
                        bad.append((aid, a["attempts"], a["startedAt"], a["completedAt"]))
            if pending:
                time.sleep(0.5)
        return sorted(aid for _u, aid in pending), bad

    def summary(self):
        return dict(self.counts, users=len(self.users), webhook5xx=self.webhook_5xx,
                    errors=len(self.errors))
