"""Runtime errors reach Sentry when SENTRY_DSN is set: a 5xx answer, a
responder that died, an analysis that failed for an internal reason;
each with the request id, release and environment, and nothing of the
CV or of any secret. Against a Sentry-protocol receiver (the one
stand-in for Sentry, an external SaaS)."""
import os
import signal

import pytest

import cvfixtures as fx
import sentry_receiver
from conftest import free_port, register, running_stack
from test_analyses import upload
from test_pool import children_of, wait_for

MARKER = "Zebulon-Quartzfield-7731"   # a word of the CV that must never leave


@pytest.fixture(scope="module")
def sentry_stack():
    with sentry_receiver.running() as receiver:
        env = {"SENTRY_DSN": receiver.dsn, "SENTRY_ENVIRONMENT": "e2e",
               # The analyzer's server refuses connections: an internal
               # failure, final at the first attempt.
               "OPENAI_API_KEY": "test-llm-key",
               "OPENAI_BASE_URL": f"http://127.0.0.1:{free_port()}/v1", "MAX_ATTEMPTS": "1"}
        with running_stack(env) as s:
            s.sentry = receiver
            yield s


def events_with(receiver, text):
    return [e for e in receiver.events() if text in e["message"]["formatted"]]


def test_a_5xx_is_reported_with_its_request_id(sentry_stack):
    s = sentry_stack
    with s.client() as c:
        token = register(c).token
        s.stop("ferretdb")
        try:
            r = c.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        finally:
            s.start("ferretdb")
        assert r.status_code >= 500, r.text
        rid = r.headers["x-request-id"]
    ev = wait_for(lambda: [e for e in s.sentry.events()
                           if e["tags"].get("request_id") == rid], timeout=20)[0]
    assert ev["message"]["formatted"] == f"GET /api/auth/me answered {r.status_code}"
    assert ev["level"] == "error" and ev["release"] == "cv-analyzer@0.1.0"
    assert ev["environment"] == "e2e" and ev["tags"]["component"] == "api"
    s.wait_ready(200)


def test_a_responder_crash_is_reported(sentry_stack):
    s = sentry_stack
    master = s.pid("cv-api")
    victim = wait_for(lambda: (c := children_of(master)) and len(c) == 2 and c)[0]
    os.kill(victim, signal.SIGKILL)
    ev = wait_for(lambda: events_with(s.sentry, "responder died (signal 9)"), timeout=20)[0]
    assert ev["tags"]["component"] == "api"


def test_an_internal_analysis_failure_is_reported_without_the_cv(sentry_stack):
    s = sentry_stack
    with s.client() as c:
        acc = register(c)
        r = upload(c, acc, fx.text_bytes(fx.EN_CV + "\n" + MARKER + "\n"), name="cv.txt",
                   ctype="text/plain")
        assert r.status_code == 202, r.text
        aid = r.json()["analysis"]["id"]
        rid = r.headers["x-request-id"]
        wait_for(lambda: c.get(f"/api/cv/analyses/{aid}", headers=acc.auth)
                 .json()["analysis"]["status"] == "failed", timeout=60)
    ev = wait_for(lambda: events_with(s.sentry, f"analysis {aid} failed for an internal"),
                  timeout=20)[0]
    assert ev["tags"]["component"] == "worker" and ev["tags"]["request_id"] == rid
    raw = s.sentry.raw_text()
    jwt_secret = next(l for l in (s.state / "cv.env").read_text().splitlines()
                      if l.startswith("JWT_SECRET="))[len("JWT_SECRET="):]
    for secret in (MARKER, jwt_secret, "test-llm-key", acc.token, acc.email):
        assert secret not in raw
