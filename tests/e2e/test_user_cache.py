"""The user's card cached in Redis (src/users/user_cache.h): authentication
and GET /api/auth/me are served from it, and every writer of one of its
facts -- a Stripe webhook, cv-admin users set-plan, an erasure by the user
or by cv-admin, a logout, PATCH /api/auth/me, an upload taking a quota use
-- shows at once on the next request. On a stack of its own, with cv-api
talking to Redis through a proxy that can hold one command: a reader that
read the database before a write cannot store its stale card after the
write's invalidation, and a cached card needs no database at all."""
import contextlib
import socket
import threading

import pytest

import stripe_mock as sm
from conftest import assert_error, free_port, fresh_ip, register, running_stack
from test_admin import admin
from test_analyses import redis_cli, upload
from test_billing import deliver, ids

CARD = "cv:user:card:"
# A piece of the fill script of src/users/user_cache.c: the proxy holds the
# command that carries it.
FILL_MARKER = b"redis.call('HSET', KEYS[2], unpack(ARGV, 3))"


def me(client, account):
    r = client.get("/api/auth/me", headers=account.auth)
    assert r.status_code == 200, r.text
    return r.json()["user"]


def card(stack, user_id):
    out = redis_cli(stack, "HGETALL", CARD + user_id).rstrip("\n")
    if not out:
        return {}
    lines = out.split("\n")
    return dict(zip(lines[0::2], lines[1::2]))


def warm(stack, client, account):
    """Fill the card (a miss), read it from the cache (a hit): both the same."""
    first = me(client, account)
    cached = card(stack, account.user["id"])
    assert cached["email"] == first["email"] and cached["plan"] == first["plan"], cached
    assert me(client, account) == first
    return first


def test_me_is_served_from_the_card_which_matches_the_database(stack, api):
    acc = register(api, name="Card Reader")
    first = warm(stack, api, acc)
    assert first["name"] == "Card Reader" and first["usage"]["analysesUsed"] == 0
    c = card(stack, acc.user["id"])
    assert c["name"] == "Card Reader" and c["used"] == "0" and c["notify"] == "0"
    ttl = int(redis_cli(stack, "TTL", CARD + acc.user["id"]).strip())
    assert 0 < ttl <= 60
    assert "passwordHash" not in c and not any("argon2" in v for v in c.values())


def test_a_webhook_plan_change_shows_at_once_in_me_and_the_quota(stack, api):
    acc = register(api)
    for i in range(3):
        assert upload(api, acc, f"CV number {i}\n".encode(), name="cv.txt").status_code == 202
    r = upload(api, acc, b"one too many\n", name="cv.txt")
    assert_error(r, 402, "quota_exceeded")
    assert warm(stack, api, acc)["plan"] == "free"
    cus, sub = ids()
    ev = sm.event("checkout.session.completed", sm.checkout_session(acc.user["id"], cus, sub))
    assert deliver(api, stack, ev).status_code == 200
    u = me(api, acc)
    assert u["plan"] == "pro" and u["usage"]["analysesLimit"] == 100
    assert u["usage"]["analysesUsed"] == 3
    # Authentication carries the plan the quota is taken against.
    assert upload(api, acc, b"now on pro\n", name="cv.txt").status_code == 202
    ev = sm.event("customer.subscription.deleted", sm.subscription(sub, cus, "canceled",
                                                                  acc.user["id"]))
    assert deliver(api, stack, ev).status_code == 200
    assert me(api, acc)["plan"] == "free"


def test_cv_admin_set_plan_shows_at_once(stack, api):
    acc = register(api)
    assert warm(stack, api, acc)["plan"] == "free"
    assert admin(stack, "users", "set-plan", acc.email, "pro").returncode == 0
    assert me(api, acc)["plan"] == "pro"
    assert warm(stack, api, acc)["plan"] == "pro"
    assert admin(stack, "users", "set-plan", acc.email, "free").returncode == 0
    assert me(api, acc)["plan"] == "free"


def test_erasure_by_the_user_ends_every_session_at_once(stack, api):
    acc = register(api)
    other = api.post("/api/auth/login", json={"email": acc.email, "password": acc.password})
    assert other.status_code == 200
    other_auth = {"Authorization": f"Bearer {other.json()['token']}"}
    warm(stack, api, acc)
    assert api.get("/api/auth/me", headers=other_auth).status_code == 200
    r = api.request("DELETE", "/api/auth/me", json={"password": acc.password}, headers=acc.auth)
    assert r.status_code == 204, r.text
    assert card(stack, acc.user["id"]) == {}
    assert_error(api.get("/api/auth/me", headers=other_auth), 401, "unauthorized")
    assert_error(api.get("/api/cv/analyses", headers=other_auth), 401, "unauthorized")
    assert_error(api.get("/api/auth/me", headers=acc.auth), 401, "unauthorized")


def test_erasure_by_cv_admin_shows_at_once(stack, api):
    acc = register(api)
    warm(stack, api, acc)
    assert admin(stack, "users", "erase", acc.email).returncode == 0
    assert_error(api.get("/api/auth/me", headers=acc.auth), 401, "unauthorized")
    assert_error(api.get("/api/cv/analyses", headers=acc.auth), 401, "unauthorized")


def test_delete_with_a_wrong_password_is_refused_from_a_cached_card(stack, api):
    acc = register(api)
    warm(stack, api, acc)
    r = api.request("DELETE", "/api/auth/me", json={"password": "not-the-Passw0rd"},
                    headers=acc.auth)
    assert_error(r, 401, "invalid_credentials")
    assert me(api, acc)["email"] == acc.email


def test_logout_shows_at_once_and_only_for_that_token(stack, api):
    acc = register(api)
    other = api.post("/api/auth/login", json={"email": acc.email, "password": acc.password})
    other_auth = {"Authorization": f"Bearer {other.json()['token']}"}
    warm(stack, api, acc)
    assert api.post("/api/auth/logout", headers=acc.auth).status_code == 204
    assert_error(api.get("/api/auth/me", headers=acc.auth), 401, "unauthorized")
    assert api.get("/api/auth/me", headers=other_auth).status_code == 200


def test_patch_me_shows_at_once(stack, api):
    acc = register(api, name="Before Patch")
    warm(stack, api, acc)
    r = api.patch("/api/auth/me", json={"name": "After Patch", "notifications": {"email": True}},
                  headers=acc.auth)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["name"] == "After Patch"
    u = me(api, acc)
    assert u["name"] == "After Patch" and u["notifications"] == {"email": True}
    assert card(stack, acc.user["id"])["notify"] == "1"
    r = api.patch("/api/auth/me", json={"notifications": {"email": False}}, headers=acc.auth)
    assert r.status_code == 200, r.text
    assert me(api, acc)["notifications"] == {"email": False}


def test_an_upload_shows_in_the_usage_at_once(stack, api):
    acc = register(api)
    assert warm(stack, api, acc)["usage"]["analysesUsed"] == 0
    assert upload(api, acc, b"My CV\n", name="cv.txt").status_code == 202
    assert me(api, acc)["usage"]["analysesUsed"] == 1
    assert upload(api, acc, b"My CV again\n", name="cv.txt").status_code == 202
    assert me(api, acc)["usage"]["analysesUsed"] == 2


# ------------------------------------------------------- the stale-fill race

class HoldingProxy:
    """TCP proxy to Redis that, once armed, holds the first command carrying
    a marker until released (everything else passes)."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.marker = None
        self.held = threading.Event()
        self.release = threading.Event()
        self.sockets = []
        threading.Thread(target=self.accept, daemon=True).start()

    def arm(self, marker):
        with self.lock:
            self.marker = marker
            self.held.clear()
            self.release.clear()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                up = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
                up.settimeout(None)
            except OSError:
                client.close()
                continue
            self.sockets += [client, up]
            threading.Thread(target=self.pump, args=(client, up, True), daemon=True).start()
            threading.Thread(target=self.pump, args=(up, client, False), daemon=True).start()

    def should_hold(self, seen):
        with self.lock:
            if self.marker is not None and self.marker in seen:
                self.marker = None
                return True
        return False

    def pump(self, src, dst, to_redis):
        tail = b""
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if to_redis and self.should_hold(tail + data):
                    self.held.set()
                    self.release.wait(60)
                tail = (tail + data)[-len(FILL_MARKER):]
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def close(self):
        self.release.set()
        self.listener.close()
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.close()


@pytest.fixture(scope="module")
def proxied():
    """A stack whose cv-api and cv-worker reach Redis through HoldingProxy."""
    redis_port = free_port()
    proxy = HoldingProxy(redis_port)
    env = {"CV_REDIS_PORT": str(redis_port), "REDIS_URL": f"redis://127.0.0.1:{proxy.port}/0"}
    try:
        with running_stack(env) as s:
            s.proxy = proxy
            yield s
    finally:
        proxy.close()


def test_a_reader_cannot_put_back_a_card_older_than_a_write(proxied):
    stack = proxied
    with stack.client(source_ip=fresh_ip()) as api:
        acc = register(api, name="Old Name")
        assert card(stack, acc.user["id"]) == {}     # registration caches nothing
        stack.proxy.arm(FILL_MARKER)
        reader = {}

        def read():
            reader["r"] = api.get("/api/auth/me", headers=acc.auth)

        t = threading.Thread(target=read)
        t.start()
        # The reader missed, read the database (the old name) and sent its
        # fill, which the proxy holds.
        assert stack.proxy.held.wait(30), "the reader never tried to store its card"
        with stack.client(source_ip=fresh_ip()) as writer:
            r = writer.patch("/api/auth/me", json={"name": "New Name"}, headers=acc.auth)
            assert r.status_code == 200, r.text
            assert r.json()["user"]["name"] == "New Name"
        stack.proxy.release.set()
        t.join(30)
        assert reader["r"].status_code == 200
        assert reader["r"].json()["user"]["name"] == "Old Name"   # it did read before the write
        # Its fill came after the write's invalidation: refused.
        assert card(stack, acc.user["id"]).get("name") != "Old Name"
        assert me(api, acc)["name"] == "New Name"
        assert card(stack, acc.user["id"])["name"] == "New Name"


def test_a_cached_card_needs_no_database(proxied):
    stack = proxied
    with stack.client(source_ip=fresh_ip()) as api:
        acc = register(api, name="No Database")
        warm(stack, api, acc)
        stack.stop("ferretdb")
        try:
            assert me(api, acc)["name"] == "No Database"
            # A miss needs the database: 503, never a wrong answer.
            redis_cli(stack, "DEL", CARD + acc.user["id"])
            assert_error(api.get("/api/auth/me", headers=acc.auth), 503, "unavailable")
        finally:
            stack.start("ferretdb")
        stack.wait_ready()   # the database is back for a miss
        assert me(api, acc)["name"] == "No Database"


def test_the_lookup_survives_redis_forgetting_its_scripts(stack, api):
    acc = register(api)
    warm(stack, api, acc)
    redis_cli(stack, "SCRIPT", "FLUSH")
    assert me(api, acc)["email"] == acc.email
    assert me(api, acc)["email"] == acc.email
