"""Routing errors, request ids and the error shape, from nginx and cv-api."""
import json
import re
import time

from conftest import assert_error


def test_unknown_api_path_is_404_from_the_responder(api):
    err = assert_error(api.get("/api/does-not-exist"), 404, "not_found")
    assert "details" not in err


def test_path_outside_the_api_is_404_from_nginx(api):
    assert_error(api.get("/no-such-page.html"), 404, "not_found")


def test_wrong_method_is_405_with_allow(api):
    r = api.post("/api/health", json={})
    assert_error(r, 405, "method_not_allowed")
    assert r.headers["allow"] == "GET, HEAD, OPTIONS"
    r = api.delete("/api/ready")
    assert_error(r, 405, "method_not_allowed")


def test_trailing_slash_is_not_the_same_resource(api):
    assert_error(api.get("/api/health/"), 404, "not_found")


def test_request_id_round_trip_through_nginx_and_logs(stack, api):
    r = api.get("/api/health", headers={"X-Request-Id": "client-chosen-id"})
    rid = r.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid), "nginx's $request_id is authoritative"
    # The responder's access line and nginx's carry the same id.
    deadline = time.monotonic() + 5
    api_line = None
    while time.monotonic() < deadline and api_line is None:
        for line in stack.log("cv-api").splitlines():
            if rid in line:
                api_line = json.loads(line)
        time.sleep(0.1)
    assert api_line is not None
    assert api_line["request_id"] == rid
    assert api_line["method"] == "GET" and api_line["route"] == "/api/health"
    assert api_line["status"] == 200 and api_line["duration_ms"] >= 0
    access = (stack.state / "logs" / "nginx-access.log").read_text()
    assert rid in access


def test_request_ids_are_unique(api):
    ids = {api.get("/api/health").headers["x-request-id"] for _ in range(20)}
    assert len(ids) == 20


def test_logs_are_json_lines(stack, api):
    api.get("/api/health")
    lines = [l for l in stack.log("cv-api").splitlines() if l.startswith("{")]
    assert lines
    for line in lines:
        obj = json.loads(line)
        assert {"time", "level", "msg", "pid", "component"} <= set(obj)
        assert obj["level"] in {"debug", "info", "warn", "error"}
