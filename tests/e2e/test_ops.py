"""Health, readiness and metrics through nginx."""
import re

import httpx

from conftest import assert_error


def test_health_is_ok_with_version_and_request_id(api):
    r = api.get("/api/health")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    body = r.json()
    assert body["status"] == "ok"
    assert re.fullmatch(r"\d+\.\d+\.\d+", body["version"])
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])


def test_every_answer_carries_security_headers(api):
    for r in (api.get("/api/health"), api.get("/api/nope"), api.get("/")):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert "default-src 'none'" in r.headers["content-security-policy"]
        assert "server" not in r.headers or "nginx/" not in r.headers["server"]


def test_head_health_has_no_body(api):
    r = api.head("/api/health")
    assert r.status_code == 200
    assert r.content == b""


def test_ready_checks_every_dependency(api):
    r = api.get("/api/ready")
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "ok",
                        "checks": {"mongodb": "ok", "redis": "ok", "storage": "ok"}}


def test_metrics_count_requests_by_route_and_status(stack, api):
    api.get("/api/health")
    api.get("/api/no-such-thing")
    with stack.client() as local:   # 127.0.0.1: the one address allowed
        r = local.get("/api/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert re.search(r'^cv_http_requests_total\{method="GET",route="/api/health",status="200"\} [1-9]\d*$',
                     text, re.M)
    assert re.search(r'^cv_http_requests_total\{method="ANY",route="unmatched",status="404"\} [1-9]\d*$',
                     text, re.M)
    assert 'cv_http_request_duration_seconds_bucket{method="GET",route="/api/health",le="+Inf"}' in text
    assert "# TYPE cv_http_request_duration_seconds histogram" in text


def test_metrics_counts_grow_across_the_pool(stack, api):
    def health_count():
        with stack.client() as local:
            text = local.get("/api/metrics").text
        m = re.search(r'route="/api/health",status="200"\} (\d+)', text)
        return int(m.group(1)) if m else 0
    before = health_count()
    for _ in range(20):   # spread over every responder process
        assert api.get("/api/health").status_code == 200
    assert health_count() == before + 20


def test_metrics_refused_outside_loopback_allowlist(stack):
    with stack.client(source_ip="127.0.0.2") as c:
        err = assert_error(c.get("/api/metrics"), 403, "forbidden")
        assert "address" in err["message"]
    with stack.client(source_ip="127.0.0.2") as c:
        assert c.get("/api/health").status_code == 200
