"""What nginx answers itself: body caps (413) and rate limits (429), in the
API's error shape with X-Request-Id."""
import httpx

from conftest import assert_error


def test_oversized_json_body_is_413_from_nginx(api):
    r = api.post("/api/auth/register", content=b"{" + b" " * 100_000 + b"}",
                 headers={"Content-Type": "application/json"})
    assert_error(r, 413, "payload_too_large")


def test_upload_over_max_file_size_is_413(stack, api):
    # Past MAX_FILE_SIZE and the multipart room: nginx refuses it unread.
    body = b"x" * (int(stack.config()["UPLOAD_BODY_MAX"]) + 1)
    r = api.post("/api/cv/analyses", content=body,
                 headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert_error(r, 413, "payload_too_large")


def test_login_zone_answers_429_with_retry_after(stack):
    # A source address of its own, so no other test shares this bucket.
    with stack.client(source_ip="127.0.0.3") as c:
        answers = [c.post("/api/auth/login", json={"email": "a@b.c", "password": "x"})
                   for _ in range(15)]
    codes = [r.status_code for r in answers]
    assert codes[0] != 429, "the burst admits the first attempts"
    limited = [r for r in answers if r.status_code == 429]
    assert limited, codes
    assert_error(limited[0], 429, "rate_limited")
    assert int(limited[0].headers["retry-after"]) > 0


def test_login_zone_is_per_client_address(stack):
    with stack.client(source_ip="127.0.0.4") as c:
        for _ in range(15):
            c.post("/api/auth/login", json={})
    with stack.client(source_ip="127.0.0.5") as c:
        assert c.post("/api/auth/login", json={}).status_code != 429
