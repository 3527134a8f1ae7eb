"""PATCH /api/auth/me, and the e-mail a user who opted in gets when an
analysis completes or fails: sent by the worker through a real SMTP server
(aiosmtpd, with AUTH), at most once per analysis even when its job runs
again, retried when the server is down."""
import time

import pytest

import smtp_server
from conftest import assert_error, free_port, fresh_ip, register, running_stack
from test_admin import admin
from test_analyses import redis_cli
from test_worker import upload, wait_done

CV_TEXT = b"Ada Lovelace\nPython engineer, 10 years of experience with data pipelines.\n"
FRONTEND = "http://app.cv.test:3000"


def me(api, acct):
    return api.get("/api/auth/me", headers=acct.auth).json()["user"]


# ---- PATCH /api/auth/me (the session stack) ----

def test_patch_me_changes_name_and_notifications(api, account):
    assert me(api, account)["notifications"] == {"email": False}
    r = api.patch("/api/auth/me", json={"notifications": {"email": True}}, headers=account.auth)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["notifications"] == {"email": True}
    assert r.json()["user"]["name"] == account.name
    r = api.patch("/api/auth/me", json={"name": "  Grace Hopper "}, headers=account.auth)
    assert r.status_code == 200, r.text
    user = me(api, account)
    assert user["name"] == "Grace Hopper" and user["notifications"] == {"email": True}
    r = api.patch("/api/auth/me", json={"name": "Ada", "notifications": {"email": False}},
                  headers=account.auth)
    assert r.json()["user"]["name"] == "Ada"
    assert me(api, account)["notifications"] == {"email": False}


@pytest.mark.parametrize("body, fields", [
    ({"notifications": {"email": "yes"}}, {"notifications.email"}),
    ({"notifications": True}, {"notifications"}),
    ({"notifications": {"sms": True}}, {"notifications"}),
    ({"name": ""}, {"name"}),
    ({"name": 3}, {"name"}),
    ({"name": "x" * 101}, {"name"}),
    ({"plan": "pro"}, {"plan"}),
    ({"email": "other@example.com", "name": "Ok"}, {"email"}),
    ({"name": "", "notifications": {"email": 1}}, {"name", "notifications.email"}),
])
def test_patch_me_bad_input_changes_nothing(api, account, body, fields):
    before = me(api, account)
    err = assert_error(api.patch("/api/auth/me", json=body, headers=account.auth),
                       400, "validation_failed")
    assert set(err["details"]["fields"]) == fields
    assert me(api, account) == before


def test_patch_me_needs_a_token_and_json(api, account):
    assert_error(api.patch("/api/auth/me", json={"name": "X"}), 401, "unauthorized")
    r = api.patch("/api/auth/me", content=b"{not json", headers={
        **account.auth, "Content-Type": "application/json"})
    assert_error(r, 400, "malformed_json")
    assert me(api, account)["name"] == account.name


# ---- E-mail, on a stack of its own with SMTP configured ----

@pytest.fixture(scope="module")
def mail_stack():
    smtp = smtp_server.SmtpServer(free_port())
    smtp.start()
    try:
        with running_stack({**smtp.env, "FRONTEND_URL": FRONTEND}) as s:
            s.smtp = smtp
            yield s
    finally:
        if smtp.controller is not None:
            smtp.controller.stop()


@pytest.fixture
def mail_api(mail_stack):
    with mail_stack.client(source_ip=fresh_ip()) as c:
        yield c


def opted_in(api, email=True):
    acct = register(api)
    r = api.patch("/api/auth/me", json={"notifications": {"email": email}}, headers=acct.auth)
    assert r.status_code == 200, r.text
    return acct


def wait_for(what, cond, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def settled(stack, analysis_id):
    """The worker acknowledged every job, and the notifier took the
    analysis off its schedule (it schedules before acknowledging)."""
    pending = redis_cli(stack, "XPENDING", "cv:analysis:jobs", "cv-workers").split()
    return (pending and pending[0] == "0" and
            redis_cli(stack, "ZSCORE", "cv:notify:due", analysis_id).strip() == "")


def parts(msg):
    assert msg.get_content_type() == "multipart/mixed" or msg.is_multipart()
    found = {}
    for part in msg.walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            found[part.get_content_type()] = part.get_content()
    return found


def test_completed_analysis_sends_one_email_with_text_and_html(mail_stack, mail_api):
    acct = opted_in(mail_api)
    a = upload(mail_api, acct, CV_TEXT, name="Ada <CV>.txt")
    done = wait_done(mail_api, acct, a["id"])
    assert done["status"] == "completed"
    msgs = wait_for("the e-mail", lambda: mail_stack.smtp.to(acct.email))
    assert len(msgs) == 1
    msg = msgs[0]
    assert msg["Subject"] == "Your CV analysis is ready"
    assert msg["To"].addresses[0].addr_spec == acct.email
    assert msg["From"].addresses[0].addr_spec == "noreply@cv.test"
    body = parts(msg)
    link = f"{FRONTEND}/analyses/{a['id']}"
    assert link in body["text/plain"] and f"href=\"{link}\"" in body["text/html"]
    assert f"score {done['result']['score']}/100" in body["text/plain"]
    assert "Ada <CV>.txt" in body["text/plain"]
    assert "Ada &lt;CV&gt;.txt" in body["text/html"] and "<CV>" not in body["text/html"]
    assert "Ada Lovelace" in body["text/plain"]

    # The same job delivered again (as after a crash): dropped, no second e-mail.
    redis_cli(mail_stack, "XADD", "cv:analysis:jobs", "*", "analysisId", a["id"],
              "requestId", "")
    wait_for("the redelivered job", lambda: settled(mail_stack, a["id"]))
    assert len(mail_stack.smtp.to(acct.email)) == 1


def test_failed_analysis_mails_once_even_when_it_runs_again(mail_stack, mail_api):
    acct = opted_in(mail_api)
    a = upload(mail_api, acct, b"  \n\t \n", name="blank.txt")
    assert wait_done(mail_api, acct, a["id"])["status"] == "failed"
    msgs = wait_for("the e-mail", lambda: mail_stack.smtp.to(acct.email))
    assert msgs[0]["Subject"] == "Your CV analysis failed"
    assert "no extractable text" in parts(msgs[0])["text/plain"]

    r = admin(mail_stack, "analyses", "requeue", a["id"])
    assert r.returncode == 0, r.stderr
    assert wait_done(mail_api, acct, a["id"])["status"] == "failed"
    wait_for("the second run", lambda: settled(mail_stack, a["id"]))
    assert len(mail_stack.smtp.to(acct.email)) == 1


def test_no_email_without_opt_in(mail_stack, mail_api):
    acct = opted_in(mail_api, email=False)
    a = upload(mail_api, acct, CV_TEXT, name="cv.txt")
    assert wait_done(mail_api, acct, a["id"])["status"] == "completed"
    wait_for("the notifier", lambda: settled(mail_stack, a["id"]))
    assert mail_stack.smtp.to(acct.email) == []


def test_smtp_down_the_analysis_completes_and_the_email_comes_later(mail_stack, mail_api):
    acct = opted_in(mail_api)
    mail_stack.smtp.stop()
    try:
        a = upload(mail_api, acct, CV_TEXT, name="cv.txt")
        assert wait_done(mail_api, acct, a["id"])["status"] == "completed"
        wait_for("a failed send", lambda: "failed (attempt 1)" in mail_stack.log("cv-worker")
                 and a["id"] in mail_stack.log("cv-worker"))
    finally:
        mail_stack.smtp.start()
    msgs = wait_for("the retried e-mail", lambda: mail_stack.smtp.to(acct.email))
    assert len(msgs) == 1
