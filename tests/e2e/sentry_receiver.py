"""A small Sentry-protocol receiver for the tests: it accepts envelopes on
POST /api/<project>/envelope/ like Sentry's ingestion endpoint, checks the
X-Sentry-Auth header, and keeps the events it got. Sentry is an external
SaaS; this is the one stand-in the tests use for it."""
import contextlib
import http.server
import json
import threading


class Receiver:
    def __init__(self, server, project, key):
        self.server, self.project, self.key = server, project, key
        self.port = server.server_address[1]
        self.dsn = f"http://{key}@127.0.0.1:{self.port}/{project}"
        self.envelopes = []     # (headers, raw bytes)
        self.lock = threading.Lock()

    def events(self):
        """The event payloads received so far."""
        with self.lock:
            raw = [body for _, body in self.envelopes]
        out = []
        for body in raw:
            lines = body.decode().splitlines()
            header, item = json.loads(lines[0]), json.loads(lines[1])
            assert item["type"] == "event" and "event_id" in header
            out.append(json.loads(lines[2]))
        return out

    def raw_text(self):
        with self.lock:
            return b"\n".join(body for _, body in self.envelopes).decode(errors="replace")


@contextlib.contextmanager
def running(project="42", key="e2epublickey"):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            auth = self.headers.get("X-Sentry-Auth", "")
            ok = (self.path == f"/api/{project}/envelope/" and f"sentry_key={key}" in auth
                  and self.headers.get("Content-Type") == "application/x-sentry-envelope")
            if ok:
                with receiver.lock:
                    receiver.envelopes.append((dict(self.headers), body))
            self.send_response(200 if ok else 400)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"id":"ok"}' if ok else b'{"detail":"bad envelope"}')

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = Receiver(server, project, key)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
