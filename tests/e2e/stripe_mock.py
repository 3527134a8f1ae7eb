"""Stripe for the end-to-end tests: Stripe's own stripe-mock for the API
calls (checkout, portal), and webhook deliveries built and signed exactly as
Stripe signs them (HMAC-SHA256 with the endpoint secret, used whole, over
"<t>.<raw body>", sent as `Stripe-Signature: t=<t>,v1=<hex>`).

cv-api reaches stripe-mock through a small recording proxy in the test
process, so tests can read what was sent (headers, form body) and make the
next answers fail (a card error, an outage, a hang past the timeout).

stripe-mock is installed by `deploy/dev deps` at the version pinned there
(STRIPE_MOCK_VERSION), into the same cache as FerretDB; STRIPE_MOCK_BIN
overrides the path.
"""
import contextlib
import hashlib
import hmac
import http.client
import http.server
import json
import os
import pathlib
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def binary():
    """The stripe-mock deploy/dev installed (or $STRIPE_MOCK_BIN)."""
    if os.environ.get("STRIPE_MOCK_BIN"):
        return os.environ["STRIPE_MOCK_BIN"]
    version = re.search(r"^STRIPE_MOCK_VERSION=(\S+)$", (ROOT / "deploy" / "dev").read_text(),
                        re.M).group(1)
    cache = pathlib.Path(os.environ.get("CV_CACHE_DIR") or
                         pathlib.Path(os.environ.get("XDG_CACHE_HOME") or
                                      pathlib.Path.home() / ".cache") / "cv-analyzer")
    path = cache / "bin" / f"stripe-mock-{version}"
    if path.exists():
        return str(path)
    found = shutil.which("stripe-mock")
    if found:
        return found
    pytest.fail(f"stripe-mock not found at {path}: run deploy/dev deps")


class Recorder(http.server.ThreadingHTTPServer):
    """The proxy in front of stripe-mock: records every request, answers
    injected faults first, forwards the rest."""
    daemon_threads = True

    def __init__(self, upstream_port):
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.upstream_port = upstream_port
        self.lock = threading.Lock()
        self.requests = []
        self.faults = []

    def inject(self, status=None, error=None, delay_s=0, headers=None, times=1):
        """The next `times` requests: wait delay_s, then answer status with
        {"error": error} (or forward when status is None)."""
        with self.lock:
            self.faults.extend([(status, error, delay_s, headers or {})] * times)

    def clear_faults(self):
        with self.lock:
            self.faults.clear()

    def sent(self, user_id):
        """The requests whose Idempotency-Key names user_id, oldest first:
        dicts with method, path, headers (lower-case names), form (dict of
        the decoded form body)."""
        with self.lock:
            return [r for r in self.requests
                    if user_id in r["headers"].get("idempotency-key", "")]


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _handle(self):
        srv = self.server
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        rec = {"method": self.command, "path": self.path,
               "headers": {k.lower(): v for k, v in self.headers.items()},
               "raw": body,
               "form": dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))}
        with srv.lock:
            srv.requests.append(rec)
            fault = srv.faults.pop(0) if srv.faults else None
        if fault and fault[2]:
            time.sleep(fault[2])
        try:
            if fault and fault[0] is not None:
                status, error, _, headers = fault
                out = json.dumps({"error": error} if error else {}).encode()
                hdrs = {"Content-Type": "application/json", **headers}
            else:
                conn = http.client.HTTPConnection("127.0.0.1", srv.upstream_port, timeout=10)
                conn.request(self.command, self.path, body=body or None,
                             headers={k: v for k, v in self.headers.items()
                                      if k.lower() not in ("host", "connection")})
                resp = conn.getresponse()
                status, out = resp.status, resp.read()
                hdrs = {"Content-Type": resp.getheader("Content-Type", "application/json")}
                conn.close()
            self.send_response(status)
            for k, v in hdrs.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)
        except OSError:
            pass   # the client gave up (a timeout test)

    do_GET = do_POST = do_DELETE = _handle


class StripeMock:
    """A running stripe-mock behind its recorder, and the Stripe settings
    cv-api gets."""

    def __init__(self, port, recorder):
        self.port = port
        self.mock_base = f"http://127.0.0.1:{port}"
        self.recorder = recorder
        self.api_base = f"http://127.0.0.1:{recorder.server_address[1]}"
        self.secret_key = "sk_test_" + secrets.token_hex(12)
        self.webhook_secret = "whsec_" + secrets.token_hex(16)
        self.price_id = "price_e2e" + secrets.token_hex(6)

    @property
    def env(self):
        return {
            "STRIPE_SECRET_KEY": self.secret_key,
            "STRIPE_WEBHOOK_SECRET": self.webhook_secret,
            "STRIPE_PRICE_ID_PRO": self.price_id,
            "STRIPE_API_BASE": self.api_base,
        }


def _listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


@contextlib.contextmanager
def running():
    """Start stripe-mock on free loopback ports (HTTP for us, and the HTTPS
    port it always opens kept on loopback too), yield a StripeMock, stop it."""
    http_port, https_port = _free_port(), _free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([binary(), "-http-addr", f"127.0.0.1:{http_port}",
                             "-https-addr", f"127.0.0.1:{https_port}"],
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _listening(http_port):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"stripe-mock did not start:\n{log.read().decode(errors='replace')}")
            time.sleep(0.1)
        recorder = Recorder(http_port)
        thread = threading.Thread(target=recorder.serve_forever, daemon=True)
        thread.start()
        try:
            yield StripeMock(http_port, recorder)
        finally:
            recorder.shutdown()
            recorder.server_close()
    finally:
        proc.terminate()
        try:
            proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def sign(payload, secret, timestamp=None):
    """The Stripe-Signature header Stripe sends for payload (bytes)."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={t},v1={signature(payload, secret, t)}"


def signature(payload, secret, timestamp):
    """One v1 value: hex HMAC-SHA256(secret, "<t>.<payload>")."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + payload,
                    hashlib.sha256).hexdigest()


def event(type_, obj, created=None, event_id=None):
    """A Stripe event as Stripe delivers it, serialised as Stripe does
    (indented JSON), as bytes."""
    return json.dumps({
        "id": event_id or "evt_" + secrets.token_hex(12),
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()) if created is None else created,
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": type_,
    }, indent=2).encode()


def checkout_session(user_id, customer, subscription, payment_status="paid"):
    return {
        "id": "cs_test_" + secrets.token_hex(12), "object": "checkout.session",
        "mode": "subscription", "status": "complete", "payment_status": payment_status,
        "client_reference_id": user_id, "customer": customer, "subscription": subscription,
        "metadata": {"user_id": user_id},
    }


def subscription(sub_id, customer, status, user_id=None):
    return {
        "id": sub_id, "object": "subscription", "customer": customer, "status": status,
        "metadata": {"user_id": user_id} if user_id else {},
        "items": {"object": "list", "data": [{"id": "si_" + secrets.token_hex(6),
                                              "price": {"id": "price_x", "object": "price"}}]},
    }


def invoice(customer, sub_id):
    return {
        "id": "in_" + secrets.token_hex(12), "object": "invoice", "customer": customer,
        "subscription": sub_id, "status": "open", "attempt_count": 1, "paid": False,
    }
