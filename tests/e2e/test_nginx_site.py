"""The production nginx site, as deploy/install-server renders and
installs it, in front of the test stack's cv-api: port 80 redirects to
HTTPS but for the ACME challenge, HTTPS (HTTP/2, TLS 1.2/1.3) sends HSTS
on every answer, nginx's own errors (400, 414, 431, 497 ...) are JSON, and
the access log is JSON with the request id. The certificate is made here."""
import json
import os
import pathlib
import re
import signal
import socket
import ssl
import subprocess

import httpx
import pytest

from conftest import ROOT, alive, assert_error, free_port, register
from test_pool import wait_for
from test_worker import upload

INSTALL_SERVER = ROOT / "deploy" / "install-server"
HSTS = "max-age=63072000; includeSubDomains"
RAW_TRIES = 3


def run(*cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)
    assert r.returncode == 0, f"{cmd}: {r.stdout}\n{r.stderr}"
    return r


def make_certificate(d):
    """A CA and a server certificate for cv.test and 127.0.0.1."""
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=cv-analyzer test CA", "-keyout", d / "ca.key", "-out", d / "ca.pem")
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=cv.test",
        "-keyout", d / "server.key", "-out", d / "server.csr")
    (d / "ext.cnf").write_text("subjectAltName=DNS:cv.test,IP:127.0.0.1\n")
    run("openssl", "x509", "-req", "-in", d / "server.csr", "-CA", d / "ca.pem", "-CAkey",
        d / "ca.key", "-CAcreateserial", "-days", "2", "-extfile", d / "ext.cnf",
        "-out", d / "server.pem")


class Site:
    def __init__(self, d, http_port, https_port):
        self.dir, self.http_port, self.https_port = d, http_port, https_port
        self.ca = str(d / "ca.pem")
        self.https_url = f"https://127.0.0.1:{https_port}"
        self.http_url = f"http://127.0.0.1:{http_port}"
        self.access_log = d / "access.log"

    def client(self, **kw):
        return httpx.Client(base_url=self.https_url, timeout=30,
                            verify=ssl.create_default_context(cafile=self.ca), **kw)

    def raw(self, request, tls=True):
        """Send raw bytes (HTTP/1.1); return (status, headers, body). nginx
        may answer and close before it has read all of an over-long
        request, and the client then sees a reset instead of the answer:
        such a transport failure is tried again (RAW_TRIES in all)."""
        for attempt in range(RAW_TRIES):
            try:
                data = self._raw_once(request, tls)
                break
            except (ssl.SSLError, ConnectionError):
                if attempt == RAW_TRIES - 1:
                    raise
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
        return int(lines[0].split()[1]), headers, body

    def _raw_once(self, request, tls):
        with socket.create_connection(("127.0.0.1", self.https_port), timeout=30) as s:
            conn = s
            if tls:
                ctx = ssl.create_default_context(cafile=self.ca)
                conn = ctx.wrap_socket(s, server_hostname="cv.test")
            conn.sendall(request)
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
        return data


@pytest.fixture(scope="module")
def site(stack, tmp_path_factory):
    d = tmp_path_factory.mktemp("site")
    make_certificate(d)
    nginx_dir = d / "nginx"
    (nginx_dir / "sites-enabled").mkdir(parents=True)
    user = "user root;" if os.geteuid() == 0 else ""
    temp = "".join(f"{k}_temp_path {d}/{k};\n" for k in ("client_body", "fastcgi", "proxy",
                                                          "uwsgi", "scgi"))
    # An nginx.conf like Debian's: the modules (nchan) come from
    # modules-enabled/, the site from sites-enabled/.
    (nginx_dir / "nginx.conf").write_text(f"""{user}
include /etc/nginx/modules-enabled/*.conf;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    {temp}
    include {nginx_dir}/sites-enabled/*.conf;
}}
""")
    http_port, https_port = free_port(), free_port()
    out = run(str(INSTALL_SERVER), "--server-name", "cv.test", "--cert", d / "server.pem",
              "--key", d / "server.key", "--env-file", stack.state / "cv.env",
              "--acme-root", d / "acme", "--socket", stack.state / "run" / "cv-api.sock",
              "--listen-http", f"127.0.0.1:{http_port}",
              "--listen-https", f"127.0.0.1:{https_port}",
              # The stack's nginx has the publisher port of its env file.
              "--events-listen", f"127.0.0.1:{free_port()}",
              "--access-log", d / "access.log", "--nginx-dir", nginx_dir,
              "--cv-api", stack.build / "cv-api")
    assert "test is successful" in out.stderr, out.stderr
    assert not re.search(r"@[A-Z_]+@", (nginx_dir / "sites-available/cv-analyzer.conf").read_text())
    run("nginx", "-c", str(nginx_dir / "nginx.conf"), "-e", str(d / "error.log"))
    pid = wait_for(lambda: (d / "nginx.pid").exists() and int((d / "nginx.pid").read_text()))
    s = Site(d, http_port, https_port)
    try:
        yield s
    finally:
        os.kill(pid, signal.SIGTERM)
        wait_for(lambda: not alive(pid), timeout=20)


def assert_hsts(r_headers):
    assert r_headers.get("strict-transport-security") == HSTS, r_headers


def test_http_redirects_to_https(site):
    r = httpx.get(f"{site.http_url}/api/health?x=1", headers={"Host": "cv.test"})
    assert r.status_code == 301
    assert r.headers["location"] == "https://cv.test/api/health?x=1"


def test_acme_challenge_stays_on_http(site):
    token = site.dir / "acme" / ".well-known" / "acme-challenge" / "tok3n"
    token.write_text("tok3n.key-authorization")
    r = httpx.get(f"{site.http_url}/.well-known/acme-challenge/tok3n",
                  headers={"Host": "cv.test"})
    assert r.status_code == 200 and r.text == "tok3n.key-authorization"


def test_https_serves_the_api_over_http2_with_hsts(site):
    with site.client() as c:
        r = c.get("/api/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    assert_hsts(r.headers)
    version = run("curl", "-s", "--http2", "--cacert", site.ca, "-o", "/dev/null",
                  "-w", "%{http_version}", f"{site.https_url}/api/health").stdout
    assert version == "2"


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_tls_1_2_and_1_3(site, version):
    ctx = ssl.create_default_context(cafile=site.ca)
    ctx.minimum_version = ctx.maximum_version = version
    with socket.create_connection(("127.0.0.1", site.https_port)) as s:
        with ctx.wrap_socket(s, server_hostname="cv.test") as t:
            assert t.version() == version.name.replace("v1_", "v1.")


def test_nginx_errors_are_json_with_hsts(site):
    with site.client() as c:
        for r, status, code in [
            (c.get("/index.html"), 404, "not_found"),
            (c.get("/api/metrics", headers={"X-Forwarded-For": "1.2.3.4"}), 200, None),
            (c.post("/api/auth/register", content=b"{" + b" " * 100_000 + b"}",
                    headers={"Content-Type": "application/json"}), 413, "payload_too_large"),
            (c.post("/api/health", json={}), 405, "method_not_allowed"),
        ]:
            assert_hsts(r.headers)
            if code:
                assert_error(r, status, code)


@pytest.mark.parametrize("name,request_bytes,status,code", [
    ("nul in path", b"GET /api/%00 HTTP/1.1\r\nHost: cv.test\r\nConnection: close\r\n\r\n",
     400, "bad_request"),
    ("garbage request line", b"GET /api/health HTTP/9\r\nHost: cv.test\r\n\r\n", 505, "bad_request"),
    ("long uri", b"GET /api/" + b"a" * 9_000 + b" HTTP/1.1\r\nHost: cv.test\r\n"
     b"Connection: close\r\n\r\n", 414, "uri_too_long"),
    ("100 KB cookie", b"GET /api/health HTTP/1.1\r\nHost: cv.test\r\nCookie: c="
     + b"x" * 100_000 + b"\r\nConnection: close\r\n\r\n", 400, "header_too_large"),
])
def test_malformed_requests_get_json(site, name, request_bytes, status, code):
    got, headers, body = site.raw(request_bytes)
    assert got == status, (name, got, body[:300])
    assert headers["content-type"].startswith("application/json")
    assert re.fullmatch(r"[0-9a-f]{32}", headers.get("x-request-id", ""))
    assert json.loads(body)["error"]["code"] == code
    assert_hsts(headers)


def test_plain_http_to_the_tls_port_gets_json(site):
    got, headers, body = site.raw(b"GET /api/health HTTP/1.1\r\nHost: cv.test\r\n"
                                  b"Connection: close\r\n\r\n", tls=False)
    assert got == 400
    assert json.loads(body)["error"]["code"] == "bad_request"


def logged(site, rid):
    def line():
        for l in site.access_log.read_text().splitlines():
            entry = json.loads(l)
            if entry["request_id"] == rid:
                return entry
    return wait_for(line)


def test_access_log_is_json_with_the_request_id(site):
    with site.client() as c:
        rid = c.get("/api/health", params={"probe": "1"}).headers["x-request-id"]
    entry = logged(site, rid)
    assert entry["status"] == 200 and entry["uri"] == "/api/health"   # no query string
    assert entry["scheme"] == "https" and entry["tls"].startswith("TLSv1.")


def test_access_log_names_the_path_asked_for_not_the_internal_one(site):
    """A download is served by nginx from an internal location after
    cv-api's X-Accel-Redirect: the log still names the client's URL."""
    with site.client() as c:
        acct = register(c)
        a = upload(c, acct, b"Ada Lovelace\nPython engineer.\n", name="cv.txt")
        r = c.get(a["fileUrl"], headers=acct.auth)
    assert r.status_code == 200 and r.content.startswith(b"Ada Lovelace")
    entry = logged(site, r.headers["x-request-id"])
    assert entry["status"] == 200 and entry["uri"] == a["fileUrl"]
