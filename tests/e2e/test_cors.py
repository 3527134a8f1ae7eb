"""CORS: only FRONTEND_URL (http://localhost:3000 in the local stack)."""

FRONTEND = "http://localhost:3000"


def test_allowed_origin_gets_the_grant(api):
    r = api.get("/api/health", headers={"Origin": FRONTEND})
    assert r.headers["access-control-allow-origin"] == FRONTEND
    assert "X-Request-Id" in r.headers["access-control-expose-headers"]
    assert "Origin" in r.headers["vary"]


def test_other_origin_gets_nothing(api):
    for origin in ("http://evil.example", "http://localhost:3000.evil.example",
                   "http://localhost:3001", "null"):
        r = api.get("/api/health", headers={"Origin": origin})
        assert r.status_code == 200
        assert "access-control-allow-origin" not in r.headers


def test_preflight_from_the_frontend(api):
    r = api.options("/api/health", headers={
        "Origin": FRONTEND, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == FRONTEND
    assert "GET" in r.headers["access-control-allow-methods"]
    assert "Authorization" in r.headers["access-control-allow-headers"]
    assert int(r.headers["access-control-max-age"]) > 0


def test_preflight_from_another_origin_is_not_granted(api):
    r = api.options("/api/health", headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "GET"})
    assert r.status_code == 204
    assert not any(h.startswith("access-control-allow") for h in r.headers)


def test_preflight_on_unknown_path_is_404(api):
    r = api.options("/api/nowhere", headers={
        "Origin": FRONTEND, "Access-Control-Request-Method": "GET"})
    assert r.status_code == 404
