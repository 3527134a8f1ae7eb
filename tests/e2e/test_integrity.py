"""No lost writes: one writer per document, checked end to end on FerretDB
(which applies an update as read, change, write back, so two concurrent
updates of one document can lose one of them).

A stack of its own (stripe-mock, four job threads, nginx's per-client
limits relaxed) takes a concurrent workload with the CPUs kept busy by
stress-ng: users uploading while their checkout.session.completed webhook
arrives (the lost-plan race), logins, retries, deletes and cancellations.
Then every acknowledged plan must show in /api/auth/me, every accepted
analysis must finish with its start recorded.
"""
import datetime
import json
import os
import subprocess
import time

import pytest
from bson import ObjectId

import stripe_mock
import workload as wl
from conftest import running_stack

SETTLE_TIMEOUT_S = 150
CHECK_TIMEOUT_S = 60
USERS = 32
UPLOADS_PER_USER = 5


@pytest.fixture(scope="module")
def istack():
    with stripe_mock.running() as mock:
        env = {**mock.env, **wl.RELAXED_LIMITS, "WORKER_CONCURRENCY": "4"}
        with running_stack(env) as s:
            s.stripe = mock
            yield s


@pytest.fixture(scope="module")
def db(istack):
    with wl.database(istack) as d:
        yield d


def redis_cli(stack, *args):
    return subprocess.run(["redis-cli", "-p", wl.port_of(stack, "REDIS_PORT"), *args],
                          capture_output=True, text=True, check=True, timeout=30).stdout


@pytest.fixture(scope="module")
def loaded_run(istack):
    """The workload, once, under CPU load; then the wait until every
    accepted analysis has settled."""
    with wl.cpu_load():
        w = wl.Workload(istack, users=USERS, uploads_per_user=UPLOADS_PER_USER, seed=10).run()
        lost = w.lost_plans()
        unsettled, bad = w.wait_settled(SETTLE_TIMEOUT_S)
    return w, lost, unsettled, bad


def test_an_acknowledged_plan_change_is_never_lost(loaded_run):
    """The lost-plan race: an upload's write of the user document computed
    from a read before the webhook's must not put the old plan back."""
    w, lost, _unsettled, _bad = loaded_run
    assert not w.errors, w.errors[:10]
    assert lost == [], f"acknowledged plans lost for {len(lost)} of {len(w.users)} users: {lost}"


def test_every_accepted_analysis_finishes_with_its_start_recorded(loaded_run):
    """The upload's "queued" mark and the worker's start and completion
    must not overwrite each other: nothing left queued forever, nothing
    completed with attempts 0 and startedAt null."""
    w, _lost, unsettled, bad = loaded_run
    assert w.counts["accepted"] >= USERS * 2, w.summary()
    assert unsettled == [], f"{len(unsettled)} analyses never finished: {unsettled[:10]}"
    assert bad == [], f"completed without their start recorded: {bad[:10]}"
