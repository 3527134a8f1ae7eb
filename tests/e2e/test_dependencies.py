"""Readiness follows the real dependencies: stop Redis or FerretDB and
/api/ready turns 503 naming it; start it again and it is 200 again,
without restarting cv-api."""
import pytest


@pytest.mark.parametrize("service,check", [("redis", "redis"), ("ferretdb", "mongodb")])
def test_ready_follows_a_dependency_down_and_back(stack, service, check):
    stack.wait_ready(200)
    api_pid = stack.pid("cv-api")
    stack.stop(service)
    try:
        r = stack.wait_ready(503, timeout=20)
        body = r.json()
        assert body["status"] == "degraded"
        assert body["checks"][check] == "unavailable"
        others = {k: v for k, v in body["checks"].items() if k != check}
        assert set(others.values()) == {"ok"}
        assert "x-request-id" in r.headers
    finally:
        stack.start(service)
    stack.wait_ready(200, timeout=30)
    assert stack.pid("cv-api") == api_pid, "cv-api was not restarted"


def test_health_does_not_touch_dependencies(stack, api):
    stack.stop("redis")
    try:
        assert api.get("/api/health").status_code == 200
    finally:
        stack.start("redis")
    stack.wait_ready(200)
