"""Live events through nginx's nchan: cv-api authorises a subscriber and
hands it to nchan with X-Accel-Redirect; cv-api and the worker publish each
state change; idle subscribers hold no responder."""
import json
import socket

from conftest import assert_error, fresh_ip, register
from test_worker import upload

CV_TEXT = b"Ada Lovelace\nPython engineer, 10 years of experience with data pipelines.\n"


class Sse:
    """A minimal EventSource client over httpx's streaming response."""

    def __init__(self, client, url, headers=None, timeout=60):
        self.cm = client.stream("GET", url, headers={"Accept": "text/event-stream",
                                                     **(headers or {})}, timeout=timeout)
        self.resp = self.cm.__enter__()
        self.lines = self.resp.iter_lines()

    def next_event(self):
        event, data = None, []
        for line in self.lines:
            if line == "":
                if data:
                    return event, json.loads("\n".join(data))
                event, data = None, []
            elif line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        raise AssertionError("the event stream ended")

    def close(self):
        self.cm.__exit__(None, None, None)


def test_sse_follows_an_upload_queued_processing_completed(stack, api):
    acct = register(api)
    stack.stop("cv-worker")   # so the subscriber is there before the work starts
    try:
        a = upload(api, acct, CV_TEXT, name="cv.txt")
        sse = Sse(api, f"/api/cv/analyses/{a['id']}/events", headers=acct.auth)
        assert sse.resp.status_code == 200
        assert sse.resp.headers["content-type"].startswith("text/event-stream")
        event, data = sse.next_event()
        assert (event, data["status"], data["id"]) == ("queued", "queued", a["id"])
        assert data["error"] is None and data["updatedAt"]
    finally:
        stack.start("cv-worker")
    seen = [sse.next_event(), sse.next_event()]
    sse.close()
    assert [e for e, _ in seen] == ["processing", "completed"]
    assert isinstance(seen[1][1]["score"], int) and seen[1][1]["id"] == a["id"]

    # A late subscriber of the analysis gets its latest state first; one of
    # the user's feed gets the recent changes, in order, up to the latest.
    late = Sse(api, f"/api/cv/analyses/{a['id']}/events", headers=acct.auth)
    event, data = late.next_event()
    late.close()
    assert (event, data["status"], data["id"], data["score"]) == (
        "completed", "completed", a["id"], seen[1][1]["score"])
    late = Sse(api, "/api/events", headers=acct.auth)
    replay = [late.next_event() for _ in range(3)]
    late.close()
    assert [e for e, _ in replay] == ["queued", "processing", "completed"]
    assert {d["id"] for _, d in replay} == {a["id"]}


def test_subscribers_are_checked(stack, api):
    owner, other = register(api), register(api)
    a = upload(api, owner, CV_TEXT, name="cv.txt")
    url = f"/api/cv/analyses/{a['id']}/events"
    assert_error(api.get(url, headers=other.auth), 404, "not_found")
    assert_error(api.get("/api/cv/analyses/0123456789abcdef01234567/events",
                         headers=owner.auth), 404, "not_found")
    assert_error(api.get("/api/cv/analyses/nope/events", headers=owner.auth), 404, "not_found")
    assert_error(api.get(url), 401, "unauthorized")
    assert_error(api.get(url, params={"ticket": "0" * 64}), 401, "unauthorized")
    assert_error(api.get(url, params={"ticket": "not-hex"}), 401, "unauthorized")
    assert_error(api.post("/api/events/ticket"), 401, "unauthorized")
    # The internal locations are not reachable by URL.
    assert api.get(f"/_cv_events/sub/{'0' * 64}").status_code == 404


def test_ticket_is_single_use_and_for_its_user_only(stack, api):
    owner, other = register(api), register(api)
    a = upload(api, owner, CV_TEXT, name="cv.txt")
    r = api.post("/api/events/ticket", headers=other.auth)
    assert r.status_code == 201, r.text
    assert set(r.json()) == {"ticket", "expiresAt"}
    # other's ticket does not open owner's analysis (and is spent by trying).
    assert_error(api.get(f"/api/cv/analyses/{a['id']}/events",
                         params={"ticket": r.json()["ticket"]}), 404, "not_found")
    ticket = api.post("/api/events/ticket", headers=owner.auth).json()["ticket"]
    sse = Sse(api, f"/api/cv/analyses/{a['id']}/events?ticket={ticket}")
    assert sse.resp.status_code == 200
    assert sse.next_event()[1]["id"] == a["id"]
    sse.close()
    assert_error(api.get(f"/api/cv/analyses/{a['id']}/events", params={"ticket": ticket}),
                 401, "unauthorized")


def test_idle_subscribers_hold_no_responder(stack, api):
    acct = register(api)
    n = 200
    socks = []
    try:
        for i in range(n):
            # A source address each: the API's per-address rate limit.
            s = socket.create_connection(("127.0.0.1", stack.port), timeout=30,
                                         source_address=(f"127.0.{2 + i // 250}.{1 + i % 250}", 0))
            s.sendall((f"GET /api/events HTTP/1.1\r\nHost: localhost\r\n"
                       f"Authorization: Bearer {acct.token}\r\n"
                       "Accept: text/event-stream\r\n\r\n").encode())
            socks.append(s)
        for s in socks:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = s.recv(4096)
                assert chunk, "a subscriber was disconnected"
                head += chunk
            assert head.startswith(b"HTTP/1.1 200"), head[:200]
        # Every subscriber is connected, yet the responders (8 in the test
        # stack) all answer: a held responder would make these time out.
        with stack.client(source_ip=fresh_ip()) as c:
            for _ in range(20):
                assert c.get("/api/health", timeout=10).status_code == 200
            assert c.get("/api/auth/me", headers=acct.auth, timeout=10).status_code == 200
    finally:
        for s in socks:
            s.close()
