"""Login throughput with the chosen argon2id cost, through nginx.

    CV_RATE_LOGIN=10000r/s CV_BURST_LOGIN=1000 CV_RATE_API=10000r/s deploy/dev up
    ~/.cache/cv-analyzer/venv/bin/python tests/bench/bench_login.py

Registers one account, then for a fixed time runs concurrent logins (each
one argon2id verification) and, as the baseline measured in the same run
on the same stack, concurrent GET /api/health. Prints both rates and their
ratio. nginx's rate limits would cap the measurement, hence the relaxed
zones above; the per-account lockout is not touched (every login succeeds).
"""
import argparse
import concurrent.futures
import os
import time
import uuid

import httpx


def run(base, path, method, body, clients, seconds):
    deadline = time.monotonic() + seconds

    def worker(i):
        n = 0
        transport = httpx.HTTPTransport(local_address=f"127.0.1.{1 + i}")
        with httpx.Client(base_url=base, transport=transport, timeout=30) as c:
            while time.monotonic() < deadline:
                r = c.request(method, path, json=body)
                assert r.status_code == 200, r.text
                n += 1
        return n

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        total = sum(pool.map(worker, range(clients)))
    return total / (time.monotonic() - start)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default=os.environ.get("CV_BASE_URL", "http://127.0.0.1:8080"))
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=10)
    a = ap.parse_args()
    email = f"bench-{uuid.uuid4().hex[:10]}@example.com"
    creds = {"email": email, "password": "bench-Passw0rd"}
    with httpx.Client(base_url=a.base, transport=httpx.HTTPTransport(local_address="127.0.1.250")) as c:
        r = c.post("/api/auth/register", json={**creds, "name": "Bench"})
        assert r.status_code == 201, r.text
    health = run(a.base, "/api/health", "GET", None, a.clients, a.seconds)
    logins = run(a.base, "/api/auth/login", "POST", creds, a.clients, a.seconds)
    print(f"health:  {health:8.1f} req/s  ({a.clients} clients, {a.seconds:.0f} s)")
    print(f"login:   {logins:8.1f} req/s  (argon2id t=2, m=19 MiB)")
    print(f"ratio login/health: {logins / health:.4f}")


if __name__ == "__main__":
    main()
