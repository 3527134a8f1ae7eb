"""Accounts end to end through nginx on FerretDB and Redis: every row of
the Auth table of API.md, validation details, concurrency, lockout,
logout, erasure."""
import base64
import concurrent.futures
import hashlib
import hmac
import json
import re
import time

import pytest

from conftest import assert_error, fresh_ip, register, unique_email

OID = re.compile(r"[0-9a-f]{24}")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(secret, claims, alg="HS256"):
    """A JWT signed as an attacker with the right secret might."""
    header = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims).encode())
    digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}[alg]
    sig = b64url(hmac.new(secret.encode(), f"{header}.{payload}".encode(), digest).digest())
    return f"{header}.{payload}.{sig}"


def jwt_secret(stack):
    return [l.split("=", 1)[1] for l in (stack.state / "cv.env").read_text().splitlines()
            if l.startswith("JWT_SECRET=")][-1]


def claims_of(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_register_returns_token_and_public_user(api):
    email = unique_email("Reg")
    r = api.post("/api/auth/register",
                 json={"email": f"  {email.upper()} ", "password": "abcdefg1", "name": "  Zoé  "})
    assert r.status_code == 201, r.text
    body = r.json()
    user = body["user"]
    assert set(user) == {"id", "email", "name", "plan", "createdAt", "usage", "notifications"}
    assert OID.fullmatch(user["id"])
    assert user["email"] == email.lower()
    assert user["name"] == "Zoé"
    assert user["plan"] == "free"
    assert user["usage"]["analysesUsed"] == 0 and user["usage"]["analysesLimit"] == 3
    assert re.fullmatch(r"\d{4}-\d\d-01T00:00:00\.000Z", user["usage"]["periodStart"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", user["createdAt"])
    claims = claims_of(body["token"])
    assert claims["sub"] == user["id"] and claims["iss"] == "cv-analyzer"
    assert claims["exp"] - claims["iat"] == 7 * 86400
    assert re.fullmatch(r"[0-9a-f]{32}", claims["jti"])
    assert "passwordHash" not in r.text and "argon2" not in r.text


@pytest.mark.parametrize("body,fields", [
    ({}, {"email", "password", "name"}),
    ({"email": "not-an-email", "password": "abcdefg1", "name": "A"}, {"email"}),
    ({"email": "a@b", "password": "abcdefg1", "name": "A"}, {"email"}),
    ({"email": unique_email(), "password": "short1", "name": "A"}, {"password"}),
    ({"email": unique_email(), "password": "onlyletters", "name": "A"}, {"password"}),
    ({"email": unique_email(), "password": "12345678", "name": "A"}, {"password"}),
    ({"email": unique_email(), "password": "a1" * 64 + "x", "name": "A"}, {"password"}),
    ({"email": unique_email(), "password": "abcdefg1", "name": "   "}, {"name"}),
    ({"email": unique_email(), "password": "abcdefg1", "name": "é" * 101}, {"name"}),
    ({"email": 42, "password": ["x"], "name": None}, {"email", "password", "name"}),
    ({"email": "x" * 250 + "@example.com", "password": "abcdefg1", "name": "A"}, {"email"}),
])
def test_register_validation_names_each_bad_field(api, body, fields):
    err = assert_error(api.post("/api/auth/register", json=body), 400, "validation_failed")
    assert set(err["details"]["fields"]) == fields


def test_limits_are_inclusive(api):
    r = api.post("/api/auth/register", json={"email": unique_email(), "password": "a1" * 64,
                                             "name": "é" * 100})
    assert r.status_code == 201, r.text


def test_register_non_json_is_415_and_malformed_is_400(api):
    r = api.post("/api/auth/register", content="email=a", headers={"Content-Type": "text/plain"})
    assert_error(r, 415, "unsupported_media_type")
    r = api.post("/api/auth/register", content="{\"email\": ", headers={"Content-Type": "application/json"})
    assert_error(r, 400, "malformed_json")
    r = api.post("/api/auth/register", content="[1,2]", headers={"Content-Type": "application/json"})
    assert_error(r, 400, "malformed_json")
    r = api.post("/api/auth/register", content=b"{\"name\": \"\xff\"}",
                 headers={"Content-Type": "application/json"})
    assert_error(r, 400, "malformed_json")


def test_invalid_utf8_and_non_objects_are_malformed_json_with_a_plain_message(api):
    json_ct = {"Content-Type": "application/json"}
    for bad in (b"\xc0\xaf", b"\xe0\x81\x81", b"\xed\xa0\x80"):  # overlong, surrogate
        body = b'{"email": "a@example.com", "password": "abcdefg1", "name": "' + bad + b'"}'
        r = api.post("/api/auth/register", content=body, headers=json_ct)
        assert_error(r, 400, "malformed_json")
        assert "UTF-8" in r.json()["error"]["message"]
    r = api.post("/api/auth/login", content=b"null", headers=json_ct)
    assert_error(r, 400, "malformed_json")
    assert r.json()["error"]["message"] == "request body must be a JSON object, not null"


def test_duplicate_email_is_409(api, account):
    r = api.post("/api/auth/register",
                 json={"email": account.email.upper(), "password": "abcdefg1", "name": "B"})
    assert_error(r, 409, "email_taken")


def test_ten_parallel_registrations_of_one_email_create_one_account(stack):
    email = unique_email("race")
    ip = fresh_ip()

    def attempt(_):
        with stack.client(source_ip=ip) as c:
            return c.post("/api/auth/register",
                          json={"email": email, "password": "abcdefg1", "name": "Racer"}).status_code

    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        codes = list(pool.map(attempt, range(10)))
    assert sorted(codes) == [201] + [409] * 9, codes


def test_login_me_logout_cycle(api, account):
    r = api.post("/api/auth/login", json={"email": account.email.upper(), "password": account.password})
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    assert r.json()["user"]["id"] == account.user["id"]
    me = api.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["user"] == account.user
    assert api.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    assert_error(api.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}), 401, "unauthorized")
    # Logout revokes only the token used.
    assert api.get("/api/auth/me", headers=account.auth).status_code == 200


def test_unknown_email_and_wrong_password_answer_alike(api, account):
    a = api.post("/api/auth/login", json={"email": unique_email(), "password": "abcdefg1"})
    b = api.post("/api/auth/login", json={"email": account.email, "password": "wrong-pass1"})
    c = api.post("/api/auth/login", json={"email": "garbage", "password": "x"})
    for r in (a, b, c):
        assert_error(r, 401, "invalid_credentials")
    assert a.json()["error"]["message"] == b.json()["error"]["message"]


def test_login_validation(api):
    err = assert_error(api.post("/api/auth/login", json={"email": "a@b.co"}), 400, "validation_failed")
    assert set(err["details"]["fields"]) == {"password"}


def test_lockout_after_five_failures_and_reset_on_success(stack, api):
    acct = register(api)
    for _ in range(4):
        assert_error(api.post("/api/auth/login", json={"email": acct.email, "password": "nope-nope1"}),
                     401, "invalid_credentials")
    # A success resets the counter.
    assert api.post("/api/auth/login", json={"email": acct.email, "password": acct.password}).status_code == 200
    with stack.client(source_ip=fresh_ip()) as c:   # a second address: nginx's zone stays out of it
        for _ in range(5):
            assert_error(c.post("/api/auth/login", json={"email": acct.email, "password": "nope-nope1"}),
                         401, "invalid_credentials")
        r = c.post("/api/auth/login", json={"email": acct.email, "password": acct.password})
    assert_error(r, 429, "rate_limited")
    assert 0 < int(r.headers["retry-after"]) <= 900
    # The lockout is per account: another account still logs in.
    other = register(api)
    with stack.client(source_ip=fresh_ip()) as c:
        assert c.post("/api/auth/login", json={"email": other.email, "password": other.password}).status_code == 200


@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Basic dXNlcjpwYXNz", "Bearer not.a.jwt", "Bearer a.b.c",
    "Bearer " + "x" * 5000,
])
def test_me_without_a_valid_token_is_401(api, header):
    headers = {"Authorization": header} if header is not None else {}
    r = api.get("/api/auth/me", headers=headers)
    assert_error(r, 401, "unauthorized")
    assert r.headers["www-authenticate"] == "Bearer"


def test_forged_tokens_are_refused(stack, api, account):
    secret = jwt_secret(stack)
    now = int(time.time())
    good = {"sub": account.user["id"], "iat": now, "exp": now + 600, "jti": "a" * 32, "iss": "cv-analyzer"}
    # Sanity: our own forge with the right secret and HS256 is accepted.
    assert api.get("/api/auth/me", headers={"Authorization": f"Bearer {forge(secret, good)}"}).status_code == 200
    for token in (forge(secret, good, alg="HS512"),
                  forge("wrong-secret-wrong-secret-wrong-secret", good),
                  forge(secret, {**good, "iss": "someone-else"}),
                  forge(secret, {**good, "sub": "not-an-id"}),
                  forge(secret, {k: v for k, v in good.items() if k != "jti"}),
                  forge(secret, {**good, "iat": now + 3600, "exp": now + 7200}),
                  b64url(b'{"alg":"none","typ":"JWT"}') + "." + b64url(json.dumps(good).encode()) + ".",
                  account.token[:-2] + ("AA" if not account.token.endswith("AA") else "BB")):
        assert_error(api.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}), 401, "unauthorized")
    tampered = account.token.split(".")
    tampered[1] = b64url(json.dumps({**claims_of(account.token), "sub": "0" * 24}).encode())
    assert_error(api.get("/api/auth/me", headers={"Authorization": "Bearer " + ".".join(tampered)}),
                 401, "unauthorized")


def test_expired_token_is_token_expired(stack, api, account):
    now = int(time.time())
    old = forge(jwt_secret(stack), {"sub": account.user["id"], "iat": now - 7200, "exp": now - 3600,
                                    "jti": "b" * 32, "iss": "cv-analyzer"})
    assert_error(api.get("/api/auth/me", headers={"Authorization": f"Bearer {old}"}), 401, "token_expired")


def test_delete_me_needs_the_password(api, account):
    assert_error(api.request("DELETE", "/api/auth/me", json={}, headers=account.auth), 400, "validation_failed")
    assert_error(api.request("DELETE", "/api/auth/me", json={"password": "wrong-pass1"}, headers=account.auth),
                 401, "invalid_credentials")
    assert_error(api.request("DELETE", "/api/auth/me", json={"password": account.password}), 401, "unauthorized")
    assert api.get("/api/auth/me", headers=account.auth).status_code == 200


def test_delete_me_erases_the_account(api, account):
    other_token = api.post("/api/auth/login", json={"email": account.email, "password": account.password}).json()["token"]
    r = api.request("DELETE", "/api/auth/me", json={"password": account.password}, headers=account.auth)
    assert r.status_code == 204, r.text
    # The token used is revoked, and any other token of the deleted user is refused.
    assert_error(api.get("/api/auth/me", headers=account.auth), 401, "unauthorized")
    assert_error(api.get("/api/auth/me", headers={"Authorization": f"Bearer {other_token}"}), 401, "unauthorized")
    assert_error(api.post("/api/auth/login", json={"email": account.email, "password": account.password}),
                 401, "invalid_credentials")
    # The email is free again.
    assert register(api, email=account.email).user["id"] != account.user["id"]


def test_logout_needs_a_token(api):
    assert_error(api.post("/api/auth/logout"), 401, "unauthorized")


def test_auth_needs_redis(stack, api, account):
    stack.stop("redis")
    try:
        assert_error(api.get("/api/auth/me", headers=account.auth), 503, "unavailable")
    finally:
        stack.start("redis")
    stack.wait_ready(200)
    assert api.get("/api/auth/me", headers=account.auth).status_code == 200
