"""Upload throughput and responder memory for 5 MB CVs, through nginx.

    CV_RATE_UPLOAD=10000r/s CV_BURST_UPLOAD=1000 CV_RATE_API=10000r/s \\
      CV_RATE_REGISTER=10000r/s deploy/dev up
    ~/.cache/cv-analyzer/venv/bin/python tests/bench/bench_upload.py

Each upload is a 5 MB plain-text CV (valid UTF-8, so it is accepted and
queued). Free accounts have 3 analyses a month, so the bench registers a
fresh account every 3 uploads. Prints uploads per second, MB/s, the
responders' resident memory before and after, and as the baseline of the
same run the rate of GET /api/health on the same stack.
"""
import argparse
import concurrent.futures
import os
import subprocess
import time
import uuid

import httpx

SIZE = 5 * 1024 * 1024


def responders_rss_kib(state):
    master = int(open(os.path.join(state, "run", "cv-api.pid")).read())
    pids = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    total = 0
    for pid in pids:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default=os.environ.get("CV_BASE_URL", "http://127.0.0.1:8080"))
    ap.add_argument("--state", default=os.environ.get("CV_STATE_DIR", ".state"))
    ap.add_argument("--uploads", type=int, default=24)
    ap.add_argument("--clients", type=int, default=4)
    a = ap.parse_args()
    content = (b"Senior engineer. Python, Go, Kubernetes. Led a team of 6.\n" * (SIZE // 58 + 1))[:SIZE]

    with httpx.Client(base_url=a.base, timeout=60) as c:
        start = time.monotonic()
        n = 0
        while time.monotonic() - start < 3:
            assert c.get("/api/health").status_code == 200
            n += 1
        health = n / (time.monotonic() - start)

    def account(c):
        email = f"bench-{uuid.uuid4().hex[:10]}@example.com"
        r = c.post("/api/auth/register", json={"email": email, "password": "bench-Passw0rd", "name": "B"})
        assert r.status_code == 201, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    def worker(count):
        done = 0
        with httpx.Client(base_url=a.base, timeout=120) as c:
            auth = None
            for i in range(count):
                if i % 3 == 0:
                    auth = account(c)
                r = c.post("/api/cv/analyses", files={"cv": ("big.txt", content)}, headers=auth)
                assert r.status_code == 202, r.text
                done += 1
        return done

    before = responders_rss_kib(a.state)
    per = [a.uploads // a.clients] * a.clients
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(a.clients) as pool:
        total = sum(pool.map(worker, per))
    elapsed = time.monotonic() - start
    after = responders_rss_kib(a.state)
    print(f"health baseline: {health:8.1f} req/s")
    print(f"5 MB uploads:    {total / elapsed:8.2f} uploads/s, {total * SIZE / elapsed / 1e6:.1f} MB/s "
          f"({total} uploads, {a.clients} clients, account registrations included)")
    print(f"responders' RSS: {before} KiB before, {after} KiB after ({after - before:+d} KiB)")


if __name__ == "__main__":
    main()
