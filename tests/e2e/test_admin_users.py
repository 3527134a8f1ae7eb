"""Accounts from the Express backend (cv-admin users import, bcrypt hashes
rehashed to argon2id at the first login) and cv-admin users
show|set-plan|erase, against the running stack."""
import json
import uuid

from conftest import assert_error, fresh_ip, register, unique_email
from test_admin import admin
from test_analyses import redis_cli

PASSWORD = "Express-Passw0rd"
# Made by bcryptjs 2.4.3 (the Express backend's library) for PASSWORD; the
# $2b$ and $2y$ variants compute the same hash for an ASCII password.
BCRYPTJS_2A = "$2a$10$.BsSYKrn13KsxLpX1poycurvPoy15Tc7aiC0CHD.ByS5fsbV.E/Ba"
BCRYPTJS_2A_OTHER_SALT = "$2a$10$H/csqWpa5LMG8kAL0Y0Pp.2BquXBbavVMtotDRHR2H8Oe5.8Vas/u"
AS_2B = "$2b$" + BCRYPTJS_2A_OTHER_SALT[4:]
AS_2Y = "$2y$" + BCRYPTJS_2A[4:]


def oid():
    return uuid.uuid4().hex[:24]


def login(api, email, password=PASSWORD):
    return api.post("/api/auth/login", json={"email": email, "password": password})


def show(stack, email):
    r = admin(stack, "--json", "users", "show", email)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_import_maps_fields_skips_bad_lines_and_runs_twice(stack, api, tmp_path):
    taken = register(api)
    a, b, c = unique_email("a"), unique_email("b"), unique_email("c")
    a_id = oid()
    lines = [
        {"_id": {"$oid": a_id}, "email": a, "password": BCRYPTJS_2A, "name": "Grace Hopper",
         "plan": "pro", "stripeCustomerId": "cus_Imported1",
         "createdAt": {"$date": "2024-03-05T08:09:10.000Z"}, "__v": 0},
        {"_id": {"$oid": oid()}, "email": "  " + b.upper() + " ", "password": AS_2B,
         "firstName": "Alan", "lastName": "Turing"},
        {"email": c, "passwordHash": AS_2Y},
        {"email": a, "password": BCRYPTJS_2A, "name": "Same email again"},
        {"email": taken.email, "password": BCRYPTJS_2A, "name": "Registered here first"},
        {"email": unique_email("plain"), "password": "not-a-hash", "name": "Plain"},
        {"email": unique_email("nohash"), "name": "No password"},
        {"email": "not an email", "password": BCRYPTJS_2A},
    ]
    path = tmp_path / "users.jsonl"
    path.write_text("\n".join(json.dumps(l) for l in lines[:4]) + "\n\n{not json\n"
                    + "\n".join(json.dumps(l) for l in lines[4:]) + "\n")

    r = admin(stack, "--json", "users", "import", str(path))
    assert r.returncode == 1, (r.stdout, r.stderr)   # some lines were refused
    report = json.loads(r.stdout)
    assert (report["imported"], report["alreadyPresent"], report["refused"]) == (3, 2, 4)
    reasons = {s["line"]: s["reason"] for s in report["skipped"]}
    assert "already present" in reasons[4] and "already present" in reasons[7]
    assert "not a JSON object" in reasons[6]
    assert "bcrypt" in reasons[8]
    assert "no password hash" in reasons[9]
    assert "email" in reasons[10]

    ua = show(stack, a)
    assert (ua["id"], ua["name"], ua["plan"]) == (a_id, "Grace Hopper", "pro")
    assert ua["createdAt"] == "2024-03-05T08:09:10.000Z"
    assert ua["stripeCustomerId"] == "cus_Imported1"
    assert ua["passwordHash"] == "bcrypt"
    assert show(stack, b)["name"] == "Alan Turing"
    assert show(stack, c)["name"] == c.split("@")[0]
    assert show(stack, taken.email)["name"] == taken.name   # untouched

    # A second run imports nothing and duplicates nothing.
    r = admin(stack, "users", "import", str(path))
    assert r.returncode == 1
    assert "imported 0, already present 5, refused 4" in r.stdout
    assert show(stack, a)["id"] == a_id


def test_bcrypt_login_rehashes_to_argon2id(stack, tmp_path):
    users = {unique_email(p): h for p, h in (("2a", BCRYPTJS_2A), ("2b", AS_2B), ("2y", AS_2Y))}
    path = tmp_path / "users.jsonl"
    path.write_text("".join(json.dumps({"email": e, "password": h, "name": "Imported"}) + "\n"
                            for e, h in users.items()))
    r = admin(stack, "users", "import", str(path))
    assert r.returncode == 0, (r.stdout, r.stderr)
    for email in users:   # a source address each: the login route's rate limit
        with stack.client(source_ip=fresh_ip()) as api:
            assert_error(login(api, email, PASSWORD + "x"), 401, "invalid_credentials")
            assert show(stack, email)["passwordHash"] == "bcrypt"
            r = login(api, email)
            assert r.status_code == 200, r.text
            assert r.json()["user"]["email"] == email
            assert show(stack, email)["passwordHash"] == "argon2id"
            assert login(api, email).status_code == 200
            assert_error(login(api, email, PASSWORD + "x"), 401, "invalid_credentials")


def test_import_bad_file_is_a_usage_error(stack, tmp_path):
    r = admin(stack, "users", "import", str(tmp_path / "missing.jsonl"))
    assert r.returncode == 2 and "missing.jsonl" in r.stderr


def test_show_set_plan_erase(stack, api):
    acc = register(api)
    r = admin(stack, "users", "show", acc.email)
    assert r.returncode == 0 and acc.email in r.stdout and "argon2id" in r.stdout

    for args in (["users", "set-plan", acc.email, "gold"], ["users", "show", "not-an-email"],
                 ["users", "set-plan", acc.email], ["users", "erase"]):
        r = admin(stack, *args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
    assert show(stack, acc.email)["plan"] == "free"

    r = admin(stack, "--json", "users", "set-plan", acc.email, "pro")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"id": acc.user["id"], "plan": "pro", "previous": "free"}
    me = api.get("/api/auth/me", headers=acc.auth).json()["user"]
    assert me["plan"] == "pro" and me["usage"]["analysesLimit"] == 100

    r = admin(stack, "users", "show", unique_email("nobody"))
    assert r.returncode == 1 and "no account" in r.stderr

    r = admin(stack, "users", "erase", acc.email)
    assert r.returncode == 0, r.stderr
    assert_error(api.get("/api/auth/me", headers=acc.auth), 401, "unauthorized")
    assert admin(stack, "users", "show", acc.email).returncode == 1
    assert admin(stack, "users", "erase", acc.email).returncode == 1


def test_set_plan_and_a_name_change_wait_for_the_users_lease(stack, api):
    """Another writer holds the user document (its lease) past the wait:
    the operator's plan change and a name change by PATCH /api/auth/me
    fail and write nothing; once it lets go, both go through."""
    acc = register(api)
    holder = f"cv:lock:user:{acc.user['id']}"
    redis_cli(stack, "SET", holder, "another-writer", "PX", "60000")
    try:
        r = admin(stack, "users", "set-plan", acc.email, "pro")
        assert r.returncode == 1 and "lease" in r.stderr, r.stderr
        assert_error(api.patch("/api/auth/me", json={"name": "Held Name"}, headers=acc.auth),
                     503, "unavailable")
        me = api.get("/api/auth/me", headers=acc.auth).json()["user"]
        assert me["plan"] == "free" and me["name"] == acc.name
    finally:
        redis_cli(stack, "DEL", holder)
    assert admin(stack, "users", "set-plan", acc.email, "pro").returncode == 0
    r = api.patch("/api/auth/me", json={"name": "Free Again"}, headers=acc.auth)
    assert r.status_code == 200, r.text
    me = api.get("/api/auth/me", headers=acc.auth).json()["user"]
    assert me["plan"] == "pro" and me["name"] == "Free Again"
