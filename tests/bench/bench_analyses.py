"""Analyses per second end to end: upload, queue, extract, analyze, store.

Offline analyzer (the default stack):
    CV_RATE_UPLOAD=10000r/s CV_BURST_UPLOAD=1000 CV_RATE_API=10000r/s \\
      CV_BURST_API=1000 CV_RATE_REGISTER=10000r/s CV_BURST_REGISTER=1000 deploy/dev up
    ~/.cache/cv-analyzer/venv/bin/python tests/bench/bench_analyses.py

LLM analyzer against the instant stub of the tests (started by this script
on --stub-port, which the stack must point at):
    ... OPENAI_API_KEY=test-llm-key OPENAI_BASE_URL=http://127.0.0.1:18999/v1 deploy/dev up
    ~/.cache/cv-analyzer/venv/bin/python tests/bench/bench_analyses.py --stub-port 18999

Uploads --count plain-text CVs (each distinct, so the LLM cache never
answers), registering a free account every 3 uploads, then waits until
every analysis is completed. Prints analyses per second from the first
upload to the last completion, and as the baseline of the same run the
rate of GET /api/health.
"""
import argparse
import os
import sys
import time
import uuid

import httpx

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
import cvfixtures as fx  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default=os.environ.get("CV_BASE_URL", "http://127.0.0.1:8080"))
    ap.add_argument("--count", type=int, default=30)
    ap.add_argument("--stub-port", type=int)
    a = ap.parse_args()
    if a.stub_port:
        import llm_stub
        llm_stub.start(a.stub_port)
    with httpx.Client(base_url=a.base, timeout=60) as c:
        start = time.monotonic()
        n = 0
        while time.monotonic() - start < 3:
            assert c.get("/api/health").status_code == 200
            n += 1
        health = n / (time.monotonic() - start)
        pending = []
        start = time.monotonic()
        auth = None
        for i in range(a.count):
            if i % 3 == 0:
                r = c.post("/api/auth/register", json={
                    "email": f"bench-{uuid.uuid4().hex[:10]}@example.com",
                    "password": "bench-Passw0rd", "name": "Bench"})
                assert r.status_code == 201, r.text
                auth = {"Authorization": f"Bearer {r.json()['token']}"}
            cv = f"RUN-{uuid.uuid4().hex[:12]}\n{fx.EN_CV}".encode()
            r = c.post("/api/cv/analyses", files={"cv": ("cv.txt", cv)},
                       data={"jobDescription": "Python, Kubernetes and Terraform"}, headers=auth)
            assert r.status_code == 202, r.text
            pending.append((r.json()["analysis"]["id"], auth))
        deadline = time.monotonic() + 600
        while pending and time.monotonic() < deadline:
            still = []
            for aid, h in pending:
                s = c.get(f"/api/cv/analyses/{aid}", headers=h).json()["analysis"]["status"]
                if s == "failed":
                    sys.exit(f"analysis {aid} failed")
                if s != "completed":
                    still.append((aid, h))
            pending = still
            time.sleep(0.05)
        elapsed = time.monotonic() - start
    analyzer = "LLM stub" if a.stub_port else "offline heuristic"
    print(f"health baseline: {health:8.1f} req/s")
    print(f"analyses ({analyzer}): {a.count / elapsed:6.2f} per second end to end "
          f"({a.count} analyses in {elapsed:.1f} s)")


if __name__ == "__main__":
    main()
