"""Billing end to end through nginx: plans, Stripe Checkout and portal
sessions against Stripe's stripe-mock (seen through the recording proxy:
form body, Stripe-Version, Idempotency-Key, retries, error mapping), and
the webhook with events signed exactly as Stripe signs them: valid,
replayed, missing header, wrong secret, stale timestamp, tampered payload,
two v1 signatures, unknown type, out-of-order updates, deletion, payment
failure; plan changes seen at once in /api/auth/me and in the quota. A
second stack without Stripe settings answers billing_disabled."""
import concurrent.futures
import json
import re
import secrets
import time

import pymongo
import pytest
from bson import ObjectId

import cvfixtures as fx
import stripe_mock as sm
from conftest import assert_error, fresh_ip, register, running_stack

API_VERSION = "2024-06-20"
FRONTEND = "http://localhost:3000"


@pytest.fixture(scope="module")
def db(stack):
    port = [l.split("=")[1] for l in (stack.state / "ports.env").read_text().split()
            if l.startswith("FERRETDB_PORT=")][0]
    client = pymongo.MongoClient(f"mongodb://127.0.0.1:{port}/", serverSelectionTimeoutMS=5000)
    yield client["cv_analyzer"]
    client.close()


@pytest.fixture
def stripe(stack):
    stack.stripe.recorder.clear_faults()
    yield stack.stripe
    stack.stripe.recorder.clear_faults()


def deliver(client, stack, payload, header=None, secret=None, timestamp=None, **headers):
    """POST a webhook delivery, signed as Stripe signs it unless header is
    given (False: no header at all)."""
    if header is None:
        header = sm.sign(payload, secret or stack.stripe.webhook_secret, timestamp)
    h = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Stripe/1.0",
         **headers}
    if header is not False:
        h["Stripe-Signature"] = header
    return client.post("/api/billing/webhook", content=payload, headers=h)


def me(client, account):
    r = client.get("/api/auth/me", headers=account.auth)
    assert r.status_code == 200, r.text
    return r.json()["user"]


def ids():
    return "cus_" + secrets.token_hex(7), "sub_" + secrets.token_hex(7)


def make_pro(client, stack, account, created=None):
    cus, sub = ids()
    ev = sm.event("checkout.session.completed",
                  sm.checkout_session(account.user["id"], cus, sub), created=created)
    r = deliver(client, stack, ev)
    assert r.status_code == 200, r.text
    assert me(client, account)["plan"] == "pro"
    return cus, sub


def stripe_of(db, account):
    return db.users.find_one({"_id": ObjectId(account.user["id"])})["stripe"]


# ---------------------------------------------------------------- plans

def test_plans_need_no_token_and_show_the_price(api, stack):
    r = api.get("/api/billing/plans")
    assert r.status_code == 200, r.text
    assert r.json() == {"plans": [
        {"id": "free", "analysesPerMonth": 3},
        {"id": "pro", "analysesPerMonth": 100, "priceId": stack.stripe.price_id},
    ]}


# ---------------------------------------------------------------- checkout

def test_checkout_creates_a_subscription_session_on_stripe(api, stack, stripe, account):
    r = api.post("/api/billing/checkout", json={"plan": "pro"}, headers=account.auth)
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"url"}
    assert r.json()["url"].startswith("https://checkout.stripe.com/")
    [req] = stripe.recorder.sent(account.user["id"])
    assert req["method"] == "POST" and req["path"] == "/v1/checkout/sessions"
    h = req["headers"]
    assert h["stripe-version"] == API_VERSION
    assert h["authorization"] == f"Bearer {stripe.secret_key}"
    assert h["content-type"] == "application/x-www-form-urlencoded"
    assert h["idempotency-key"] == f"cv-checkout-{account.user['id']}-{r.headers['x-request-id']}"
    assert req["form"] == {
        "mode": "subscription",
        "line_items[0][price]": stripe.price_id,
        "line_items[0][quantity]": "1",
        "client_reference_id": account.user["id"],
        "metadata[user_id]": account.user["id"],
        "subscription_data[metadata][user_id]": account.user["id"],
        "success_url": f"{FRONTEND}/billing/success?session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": f"{FRONTEND}/billing/cancel",
        "customer_email": account.email,
    }
    # nested keys keep their brackets raw, values are percent-encoded
    assert b"line_items[0][price]=" in req["raw"] and b"%7BCHECKOUT_SESSION_ID%7D" in req["raw"]
    assert me(api, account)["plan"] == "free"   # only the webhook changes the plan


def test_checkout_needs_a_token(api):
    assert_error(api.post("/api/billing/checkout", json={"plan": "pro"}), 401, "unauthorized")


@pytest.mark.parametrize("body", [{}, {"plan": "free"}, {"plan": "PRO"}, {"plan": 1},
                                  {"plan": None}])
def test_checkout_validates_the_plan(api, account, body):
    err = assert_error(api.post("/api/billing/checkout", json=body, headers=account.auth),
                       400, "validation_failed")
    assert set(err["details"]["fields"]) == {"plan"}


def test_checkout_body_must_be_json(api, account):
    assert_error(api.post("/api/billing/checkout", content=b"plan=pro", headers={
        **account.auth, "Content-Type": "application/x-www-form-urlencoded"}),
        415, "unsupported_media_type")
    assert_error(api.post("/api/billing/checkout", content=b"{", headers={
        **account.auth, "Content-Type": "application/json"}), 400, "malformed_json")


def test_checkout_when_already_pro_is_a_conflict(api, stack, stripe, account):
    make_pro(api, stack, account)
    err = assert_error(api.post("/api/billing/checkout", json={"plan": "pro"},
                                headers=account.auth), 409, "conflict")
    assert "portal" in err["message"]
    assert stripe.recorder.sent(account.user["id"]) == []


def test_checkout_reuses_the_known_customer(api, stack, stripe, account):
    cus, sub = make_pro(api, stack, account)
    r = deliver(api, stack, sm.event("customer.subscription.deleted",
                                     sm.subscription(sub, cus, "canceled")))
    assert r.status_code == 200, r.text
    assert me(api, account)["plan"] == "free"
    r = api.post("/api/billing/checkout", json={"plan": "pro"}, headers=account.auth)
    assert r.status_code == 200, r.text
    [req] = stripe.recorder.sent(account.user["id"])
    assert req["form"]["customer"] == cus
    assert "customer_email" not in req["form"]


# ---------------------------------------------------------------- portal

def test_portal_without_a_customer_is_a_conflict(api, stripe, account):
    assert_error(api.post("/api/billing/portal", headers=account.auth), 409, "conflict")
    assert stripe.recorder.sent(account.user["id"]) == []


def test_portal_session_for_the_customer(api, stack, stripe, account):
    cus, _ = make_pro(api, stack, account)
    # no body, and any body sent is ignored
    r = api.post("/api/billing/portal", headers={**account.auth, "Content-Type": "text/plain"},
                 content=b"ignored")
    assert r.status_code == 200, r.text
    assert r.json()["url"].startswith("https://")
    [req] = stripe.recorder.sent(account.user["id"])
    assert req["path"] == "/v1/billing_portal/sessions"
    assert req["form"] == {"customer": cus, "return_url": f"{FRONTEND}/billing"}
    assert req["headers"]["stripe-version"] == API_VERSION
    assert req["headers"]["idempotency-key"] == (
        f"cv-portal-{account.user['id']}-{r.headers['x-request-id']}")


def test_portal_needs_a_token(api):
    assert_error(api.post("/api/billing/portal"), 401, "unauthorized")


# ---------------------------------------------------------------- Stripe errors

def test_card_error_is_a_400_with_stripes_message(api, stripe, account):
    stripe.recorder.inject(402, {"type": "card_error", "code": "card_declined",
                                 "message": "Your card was declined.", "param": "card"})
    err = assert_error(api.post("/api/billing/checkout", json={"plan": "pro"},
                                headers=account.auth), 400, "validation_failed")
    assert err["message"] == "Your card was declined."
    assert len(stripe.recorder.sent(account.user["id"])) == 1   # never retried


def test_invalid_request_is_a_400_naming_the_param(api, stripe, account):
    stripe.recorder.inject(400, {"type": "invalid_request_error", "param": "line_items[0][price]",
                                 "message": "No such price: 'price_nope'"})
    err = assert_error(api.post("/api/billing/checkout", json={"plan": "pro"},
                                headers=account.auth), 400, "validation_failed")
    assert "line_items[0][price]" in err["details"]["fields"]


@pytest.mark.parametrize("status,etype", [(401, "authentication_error"),
                                          (403, "permission_error")])
def test_auth_errors_are_503_without_stripes_text(api, stripe, account, status, etype):
    stripe.recorder.inject(status, {"type": etype, "message": "Invalid API Key provided: sk_***"})
    err = assert_error(api.post("/api/billing/checkout", json={"plan": "pro"},
                                headers=account.auth), 503, "unavailable")
    assert "sk_" not in err["message"] and "Invalid API Key" not in err["message"]
    assert len(stripe.recorder.sent(account.user["id"])) == 1


def test_outage_is_retried_once_with_the_same_key_then_503(api, stripe, account):
    stripe.recorder.inject(500, {"type": "api_error", "message": "boom"}, times=2)
    assert_error(api.post("/api/billing/checkout", json={"plan": "pro"}, headers=account.auth),
                 503, "unavailable")
    sent = stripe.recorder.sent(account.user["id"])
    assert len(sent) == 2
    assert sent[0]["headers"]["idempotency-key"] == sent[1]["headers"]["idempotency-key"]
    assert sent[0]["raw"] == sent[1]["raw"]


def test_a_passing_outage_is_absorbed_by_the_retry(api, stripe, account):
    stripe.recorder.inject(503, {"type": "api_error", "message": "try later"})
    r = api.post("/api/billing/checkout", json={"plan": "pro"}, headers=account.auth)
    assert r.status_code == 200, r.text
    sent = stripe.recorder.sent(account.user["id"])
    assert len(sent) == 2 and len({s["headers"]["idempotency-key"] for s in sent}) == 1


def test_stripe_should_retry_false_is_obeyed(api, stripe, account):
    stripe.recorder.inject(500, {"type": "api_error", "message": "x"},
                           headers={"Stripe-Should-Retry": "false"})
    assert_error(api.post("/api/billing/checkout", json={"plan": "pro"}, headers=account.auth),
                 503, "unavailable")
    assert len(stripe.recorder.sent(account.user["id"])) == 1


def test_a_hung_stripe_times_out_and_is_retried(api, stripe, account):
    stripe.recorder.inject(200, None, delay_s=11)   # past the 10 s bound
    start = time.monotonic()
    r = api.post("/api/billing/checkout", json={"plan": "pro"}, headers=account.auth)
    took = time.monotonic() - start
    assert r.status_code == 200, r.text
    assert 9.5 < took < 20
    sent = stripe.recorder.sent(account.user["id"])
    assert len(sent) == 2 and len({s["headers"]["idempotency-key"] for s in sent}) == 1


def test_each_checkout_request_has_its_own_key(api, stripe, account):
    for _ in range(2):
        assert api.post("/api/billing/checkout", json={"plan": "pro"},
                        headers=account.auth).status_code == 200
    keys = [s["headers"]["idempotency-key"] for s in stripe.recorder.sent(account.user["id"])]
    assert len(keys) == 2 and keys[0] != keys[1]


# ---------------------------------------------------------------- webhook: signatures

def test_valid_checkout_completed_makes_the_user_pro_at_once(api, stack, db, account):
    fx_pdf = fx.pdf_bytes()
    for _ in range(3):
        r = api.post("/api/cv/analyses", files={"cv": ("cv.pdf", fx_pdf, "application/pdf")},
                     headers=account.auth)
        assert r.status_code == 202, r.text
    assert_error(api.post("/api/cv/analyses", files={"cv": ("cv.pdf", fx_pdf, "application/pdf")},
                          headers=account.auth), 402, "quota_exceeded")
    cus, sub = ids()
    payload = sm.event("checkout.session.completed",
                       sm.checkout_session(account.user["id"], cus, sub))
    r = deliver(api, stack, payload)
    assert r.status_code == 200, r.text
    assert r.json() == {"received": True}
    user = me(api, account)
    assert user["plan"] == "pro" and user["usage"]["analysesLimit"] == 100
    assert "stripe" not in user and cus not in json.dumps(user)
    r = api.post("/api/cv/analyses", files={"cv": ("cv.pdf", fx_pdf, "application/pdf")},
                 headers=account.auth)
    assert r.status_code == 202, r.text   # the quota follows the plan at once
    st = stripe_of(db, account)
    assert st["customerId"] == cus and st["subscriptionId"] == sub
    assert st["subscriptionStatus"] == "active" and st["paymentFailed"] is False
    ev = db.stripe_events.find_one({"_id": json.loads(payload)["id"]})
    assert ev["status"] == "processed" and ev["type"] == "checkout.session.completed"


def test_missing_signature_header_is_refused(api, stack, account):
    payload = sm.event("checkout.session.completed",
                       sm.checkout_session(account.user["id"], *ids()))
    err = assert_error(deliver(api, stack, payload, header=False), 400, "bad_signature")
    assert "missing" in err["message"]
    assert_error(deliver(api, stack, payload, header=""), 400, "bad_signature")
    assert me(api, account)["plan"] == "free"


def test_wrong_secret_is_refused(api, stack, db, account):
    payload = sm.event("checkout.session.completed",
                       sm.checkout_session(account.user["id"], *ids()))
    err = assert_error(deliver(api, stack, payload, secret="whsec_" + secrets.token_hex(16)),
                       400, "bad_signature")
    assert err["message"] == "no signature matches"
    assert me(api, account)["plan"] == "free"
    assert db.stripe_events.find_one({"_id": json.loads(payload)["id"]}) is None


@pytest.mark.parametrize("offset", [-301, 301, -3600])
def test_timestamp_outside_the_tolerance_is_refused(api, stack, account, offset):
    payload = sm.event("checkout.session.completed",
                       sm.checkout_session(account.user["id"], *ids()))
    err = assert_error(deliver(api, stack, payload, timestamp=int(time.time()) + offset),
                       400, "bad_signature")
    assert err["message"] == "timestamp outside the tolerance"
    assert me(api, account)["plan"] == "free"


def test_timestamp_inside_the_tolerance_is_accepted(api, stack, account):
    payload = sm.event("checkout.session.completed",
                       sm.checkout_session(account.user["id"], *ids()))
    r = deliver(api, stack, payload, timestamp=int(time.time()) - 290)
    assert r.status_code == 200, r.text
    assert me(api, account)["plan"] == "pro"


def test_tampered_payload_is_refused(api, stack, account):
    other = register(api)
    payload = sm.event("checkout.session.completed",
                       sm.checkout_session(other.user["id"], *ids()))
    header = sm.sign(payload, stack.stripe.webhook_secret)
    tampered = payload.replace(other.user["id"].encode(), account.user["id"].encode())
    assert tampered != payload
    assert_error(deliver(api, stack, tampered, header=header), 400, "bad_signature")
    # one byte of whitespace is tampering too: the body is never re-serialised
    assert_error(deliver(api, stack, payload + b"\n", header=header), 400, "bad_signature")
    assert me(api, account)["plan"] == "free" and me(api, other)["plan"] == "free"


def test_raw_body_with_non_ascii_is_verified_byte_for_byte(api, stack, account):
    obj = sm.checkout_session(account.user["id"], *ids())
    obj["customer_details"] = {"name": "Zoé Ångström", "email": "zoé@example.com"}
    payload = json.dumps({"id": "evt_" + secrets.token_hex(12), "object": "event",
                          "type": "checkout.session.completed", "created": int(time.time()),
                          "data": {"object": obj}}, ensure_ascii=False, indent=4).encode()
    assert "Zoé".encode() in payload
    r = deliver(api, stack, payload)
    assert r.status_code == 200, r.text
    assert me(api, account)["plan"] == "pro"


@pytest.mark.parametrize("right_first", [True, False])
def test_two_v1_signatures_one_right(api, stack, account, right_first):
    payload = sm.event("checkout.session.completed",
                       sm.checkout_session(account.user["id"], *ids()))
    t = int(time.time())
    right = sm.signature(payload, stack.stripe.webhook_secret, t)
    wrong = sm.signature(payload, "whsec_rolled_" + secrets.token_hex(8), t)
    v1s = [right, wrong] if right_first else [wrong, right]
    r = deliver(api, stack, payload, header=f"t={t},v1={v1s[0]},v1={v1s[1]},v0={'0' * 64}")
    assert r.status_code == 200, r.text
    assert me(api, account)["plan"] == "pro"


def test_two_wrong_v1_signatures_are_refused(api, stack, account):
    payload = sm.event("checkout.session.completed",
                       sm.checkout_session(account.user["id"], *ids()))
    t = int(time.time())
    bad = [sm.signature(payload, "whsec_x" + str(i), t) for i in range(2)]
    assert_error(deliver(api, stack, payload, header=f"t={t},v1={bad[0]},v1={bad[1]}"),
                 400, "bad_signature")


@pytest.mark.parametrize("header", ["garbage", "t=abc,v1=" + "0" * 64, "v1=" + "0" * 64,
                                    "t=123", "t=1,v1=xyz"])
def test_malformed_signature_headers_are_refused(api, stack, header):
    payload = sm.event("customer.created", {"id": "cus_x", "object": "customer"})
    assert_error(deliver(api, stack, payload, header=header), 400, "bad_signature")


def test_webhook_needs_no_token_and_ignores_one(api, stack, account):
    payload = sm.event("checkout.session.completed",
                       sm.checkout_session(account.user["id"], *ids()))
    r = deliver(api, stack, payload, Authorization="Bearer not-a-token")
    assert r.status_code == 200, r.text


def test_signed_but_not_an_event_is_malformed_json(api, stack):
    for payload in [b"not json", b"[1,2]", json.dumps({"id": "evt_1", "type": "x"}).encode(),
                    json.dumps({"id": "evt bad id", "type": "x", "created": 1,
                                "data": {"object": {}}}).encode(),
                    json.dumps({"id": "evt_" + secrets.token_hex(8), "type": "x",
                                "created": "yesterday", "data": {"object": {}}}).encode()]:
        assert_error(deliver(api, stack, payload), 400, "malformed_json")


def test_body_over_64k_is_refused_by_nginx(api, stack):
    payload = sm.event("customer.updated", {"id": "cus_x", "pad": "x" * (64 * 1024)})
    assert_error(deliver(api, stack, payload), 413, "payload_too_large")


def test_body_just_under_64k_is_accepted(api, stack):
    base = sm.event("customer.updated", {"id": "cus_x", "pad": ""})
    payload = base.replace(b'"pad": ""', b'"pad": "' + b"x" * (64 * 1024 - len(base)) + b'"')
    assert len(payload) == 64 * 1024
    r = deliver(api, stack, payload)
    assert r.status_code == 200, r.text


# ---------------------------------------------------------------- webhook: idempotency

def test_replayed_event_is_acknowledged_and_not_applied_again(api, stack, db, account):
    cus, sub = make_pro(api, stack, account)
    now = int(time.time())
    event_id = "evt_" + secrets.token_hex(12)
    first = sm.event("customer.subscription.updated", sm.subscription(sub, cus, "active"),
                     created=now, event_id=event_id)
    assert deliver(api, stack, first).status_code == 200
    # Stripe redelivers the same event: same id, fresh signature
    r = deliver(api, stack, first)
    assert r.status_code == 200 and r.json() == {"received": True}
    # the same id with another (newer) content must not be applied either
    forged = sm.event("customer.subscription.updated", sm.subscription(sub, cus, "canceled"),
                      created=now + 10, event_id=event_id)
    assert deliver(api, stack, forged).status_code == 200
    assert me(api, account)["plan"] == "pro"
    assert db.stripe_events.count_documents({"_id": event_id}) == 1


def test_concurrent_redeliveries_apply_once(api, stack, db, account):
    cus, sub = make_pro(api, stack, account)
    payload = sm.event("customer.subscription.updated", sm.subscription(sub, cus, "past_due"))

    def one(_):
        with stack.client(source_ip=fresh_ip()) as c:
            return deliver(c, stack, payload).status_code
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        assert set(pool.map(one, range(8))) == {200}
    assert db.stripe_events.find_one({"_id": json.loads(payload)["id"]})["status"] == "processed"
    assert stripe_of(db, account)["subscriptionStatus"] == "past_due"


def test_an_event_left_received_is_applied_on_redelivery(api, stack, db, account):
    """A crash between recording and applying leaves the event "received":
    Stripe's redelivery applies it."""
    cus, sub = make_pro(api, stack, account)
    payload = sm.event("customer.subscription.deleted", sm.subscription(sub, cus, "canceled"))
    event_id = json.loads(payload)["id"]
    db.stripe_events.insert_one({"_id": event_id, "type": "customer.subscription.deleted",
                                 "status": "received"})
    r = deliver(api, stack, payload)
    assert r.status_code == 200, r.text
    assert me(api, account)["plan"] == "free"
    assert db.stripe_events.find_one({"_id": event_id})["status"] == "processed"


def test_unknown_event_type_is_acknowledged(api, stack, db):
    payload = sm.event("customer.tax_id.created", {"id": "txi_1", "object": "tax_id"})
    r = deliver(api, stack, payload)
    assert r.status_code == 200 and r.json() == {"received": True}
    assert db.stripe_events.find_one({"_id": json.loads(payload)["id"]})["status"] == "processed"


def test_event_for_an_unknown_customer_is_acknowledged(api, stack):
    payload = sm.event("customer.subscription.updated",
                       sm.subscription("sub_nobody", "cus_nobody", "active"))
    assert deliver(api, stack, payload).status_code == 200


def test_checkout_in_payment_mode_is_ignored(api, stack, account):
    obj = sm.checkout_session(account.user["id"], *ids())
    obj["mode"] = "payment"
    assert deliver(api, stack, sm.event("checkout.session.completed", obj)).status_code == 200
    assert me(api, account)["plan"] == "free"


# ---------------------------------------------------------------- webhook: plan changes

def test_subscription_deleted_makes_the_user_free(api, stack, db, account):
    cus, sub = make_pro(api, stack, account)
    r = deliver(api, stack, sm.event("customer.subscription.deleted",
                                     sm.subscription(sub, cus, "canceled")))
    assert r.status_code == 200, r.text
    user = me(api, account)
    assert user["plan"] == "free" and user["usage"]["analysesLimit"] == 3
    assert stripe_of(db, account)["subscriptionStatus"] == "canceled"


@pytest.mark.parametrize("status,plan,failed", [
    ("active", "pro", False), ("trialing", "pro", False), ("past_due", "pro", True),
    ("unpaid", "free", True), ("incomplete_expired", "free", False), ("paused", "free", False),
])
def test_plan_follows_the_subscription_status(api, stack, db, account, status, plan, failed):
    cus, sub = make_pro(api, stack, account, created=int(time.time()) - 5)
    r = deliver(api, stack, sm.event("customer.subscription.updated",
                                     sm.subscription(sub, cus, status)))
    assert r.status_code == 200, r.text
    assert me(api, account)["plan"] == plan
    assert stripe_of(db, account)["paymentFailed"] is failed


def test_older_update_after_a_newer_one_does_not_roll_back(api, stack, db, account):
    now = int(time.time())
    cus, sub = make_pro(api, stack, account, created=now - 120)
    newer = sm.event("customer.subscription.updated", sm.subscription(sub, cus, "unpaid"),
                     created=now - 10)
    older = sm.event("customer.subscription.updated", sm.subscription(sub, cus, "active"),
                     created=now - 60)
    assert deliver(api, stack, newer).status_code == 200
    assert me(api, account)["plan"] == "free"
    assert deliver(api, stack, older).status_code == 200
    assert me(api, account)["plan"] == "free"
    st = stripe_of(db, account)
    assert st["subscriptionStatus"] == "unpaid"
    assert st["subscriptionUpdatedAt"].timestamp() == pytest.approx(now - 10)
    # and a genuinely newer one still applies
    assert deliver(api, stack, sm.event("customer.subscription.updated",
                                        sm.subscription(sub, cus, "active"),
                                        created=now)).status_code == 200
    assert me(api, account)["plan"] == "pro"


def test_late_checkout_completed_after_deletion_does_not_revive(api, stack, account):
    now = int(time.time())
    cus, sub = ids()
    deleted = sm.event("customer.subscription.deleted",
                       sm.subscription(sub, cus, "canceled", user_id=account.user["id"]),
                       created=now)
    completed = sm.event("checkout.session.completed",
                         sm.checkout_session(account.user["id"], cus, sub), created=now - 30)
    assert deliver(api, stack, deleted).status_code == 200
    assert deliver(api, stack, completed).status_code == 200
    assert me(api, account)["plan"] == "free"
    # a canceled subscription never comes back, even at the same second
    same_second = sm.event("customer.subscription.updated", sm.subscription(sub, cus, "active"),
                           created=now)
    assert deliver(api, stack, same_second).status_code == 200
    assert me(api, account)["plan"] == "free"


def test_subscription_update_before_checkout_completed_finds_the_user(api, stack, db, account):
    """Stripe does not order its events: customer.subscription.updated may
    come before checkout.session.completed has linked the customer; the
    subscription's metadata names the user."""
    now = int(time.time())
    cus, sub = ids()
    assert deliver(api, stack, sm.event(
        "customer.subscription.updated",
        sm.subscription(sub, cus, "active", user_id=account.user["id"]),
        created=now)).status_code == 200
    assert me(api, account)["plan"] == "pro"
    assert deliver(api, stack, sm.event(
        "checkout.session.completed", sm.checkout_session(account.user["id"], cus, sub),
        created=now - 2)).status_code == 200
    st = stripe_of(db, account)
    assert me(api, account)["plan"] == "pro"
    assert st["customerId"] == cus and st["subscriptionId"] == sub


def test_deleting_an_old_subscription_keeps_the_new_one(api, stack, account):
    now = int(time.time())
    cus, old_sub = make_pro(api, stack, account, created=now - 100)
    new_sub = "sub_" + secrets.token_hex(7)
    assert deliver(api, stack, sm.event("customer.subscription.updated",
                                        sm.subscription(new_sub, cus, "active"),
                                        created=now - 50)).status_code == 200
    assert deliver(api, stack, sm.event("customer.subscription.deleted",
                                        sm.subscription(old_sub, cus, "canceled"),
                                        created=now)).status_code == 200
    assert me(api, account)["plan"] == "pro"


def test_unpaid_checkout_links_the_customer_without_pro(api, stack, db, account):
    cus, sub = ids()
    obj = sm.checkout_session(account.user["id"], cus, sub, payment_status="unpaid")
    assert deliver(api, stack, sm.event("checkout.session.completed", obj)).status_code == 200
    assert me(api, account)["plan"] == "free"
    st = stripe_of(db, account)
    assert st["customerId"] == cus and st["subscriptionId"] == sub
    # the portal now works for this customer
    assert api.post("/api/billing/portal", headers=account.auth).status_code == 200


def test_payment_failed_flags_the_account_and_a_later_success_clears_it(api, stack, db,
                                                                       account):
    now = int(time.time())
    cus, sub = make_pro(api, stack, account, created=now - 100)
    r = deliver(api, stack, sm.event("invoice.payment_failed", sm.invoice(cus, sub),
                                     created=now - 50))
    assert r.status_code == 200, r.text
    assert stripe_of(db, account)["paymentFailed"] is True
    assert me(api, account)["plan"] == "pro"   # Stripe retries the payment meanwhile
    # an older "active" does not clear it
    deliver(api, stack, sm.event("customer.subscription.updated",
                                 sm.subscription(sub, cus, "active"), created=now - 70))
    assert stripe_of(db, account)["paymentFailed"] is True
    # a newer one does
    deliver(api, stack, sm.event("customer.subscription.updated",
                                 sm.subscription(sub, cus, "active"), created=now))
    assert stripe_of(db, account)["paymentFailed"] is False


def test_payment_failed_in_the_newer_invoice_shape(api, stack, db, account):
    """API versions since 2025-03-31 put the subscription under
    parent.subscription_details."""
    cus, sub = make_pro(api, stack, account, created=int(time.time()) - 10)
    inv = sm.invoice(cus, sub)
    del inv["subscription"]
    inv["parent"] = {"type": "subscription_details",
                     "subscription_details": {"subscription": sub,
                                              "metadata": {"user_id": account.user["id"]}}}
    assert deliver(api, stack, sm.event("invoice.payment_failed", inv)).status_code == 200
    assert stripe_of(db, account)["paymentFailed"] is True


# ---------------------------------------------------------------- billing off

@pytest.fixture(scope="module")
def unbilled():
    """A stack with no Stripe settings at all."""
    with running_stack({"STRIPE_SECRET_KEY": "", "STRIPE_WEBHOOK_SECRET": "",
                        "STRIPE_PRICE_ID_PRO": ""}) as s:
        yield s


def test_without_stripe_billing_is_disabled_and_the_rest_works(unbilled):
    with unbilled.client(source_ip=fresh_ip()) as c:
        r = c.get("/api/billing/plans")
        assert r.status_code == 200
        assert r.json() == {"plans": [{"id": "free", "analysesPerMonth": 3},
                                      {"id": "pro", "analysesPerMonth": 100}]}
        account = register(c)
        assert_error(c.post("/api/billing/checkout", json={"plan": "pro"}, headers=account.auth),
                     503, "billing_disabled")
        assert_error(c.post("/api/billing/portal", headers=account.auth), 503,
                     "billing_disabled")
        payload = sm.event("checkout.session.completed",
                           sm.checkout_session(account.user["id"], *ids()))
        assert_error(c.post("/api/billing/webhook", content=payload,
                            headers={"Stripe-Signature": sm.sign(payload, "whsec_any")}),
                     503, "billing_disabled")
        assert me(c, account)["plan"] == "free"
        r = c.post("/api/cv/analyses", files={"cv": ("cv.pdf", fx.pdf_bytes(), "application/pdf")},
                   headers=account.auth)
        assert r.status_code == 202, r.text
        assert c.get("/api/ready").status_code == 200
