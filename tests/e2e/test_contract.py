"""The contract fuzzed: schemathesis generates requests for every operation
of fcgi/openapi.yaml (valid ones and, through the schema's edges, odd
ones) and sends them through nginx to a stack of its own, as an
authenticated user, with billing pointed at stripe-mock. Every answer must
be a documented status with a body that matches its schema, never a 5xx
(a dependency-down 503 included: the stack is healthy here).

The stack is the session's configuration with the nginx rate limits
raised, so generated requests reach cv-api instead of stopping at 429.
The examples are bounded (CONTRACT_MAX_EXAMPLES per operation) and
derandomized, so a run is reproducible and takes a minute or two.
"""
import os
import pathlib
import time

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)

import cvfixtures as fx
from conftest import register, running_stack

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPEC = ROOT / "fcgi" / "openapi.yaml"
CONTRACT_MAX_EXAMPLES = int(os.environ.get("CV_CONTRACT_MAX_EXAMPLES", "25"))
ANALYSIS_DONE_TIMEOUT_S = 60
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance]
GENEROUS_LIMITS = {f"CV_{kind}_{zone}": value
                   for zone in ("LOGIN", "REGISTER", "UPLOAD", "WEBHOOK", "API")
                   for kind, value in (("RATE", "6000r/m"), ("BURST", "1000"))}
# Operations that end the caller's own session: each call gets a new account.
SELF_ENDING = {("POST", "/api/auth/logout"), ("DELETE", "/api/auth/me")}
STREAM_TYPE = "text/event-stream"


def answers_a_stream(operation):
    """An operation whose success is an event stream held open by nginx:
    a generated call would wait for a body that never ends, so these are
    checked below on their finite answers and on the stream's headers
    (test_live_events.py follows the events themselves)."""
    responses = operation.definition.raw.get("responses", {})
    return any(STREAM_TYPE in (r.get("content") or {}) for r in responses.values())


@pytest.fixture(scope="module")
def contract_stack(stack):
    with running_stack({**stack.stripe.env, **GENEROUS_LIMITS}) as s:
        with s.client() as c:
            s.contract_account = register(c)
        yield s


@pytest.fixture(scope="module")
def contract_schema(contract_stack):
    schema = schemathesis.openapi.from_path(str(SPEC))
    schema.config.update(base_url=contract_stack.base_url)
    return schema


def test_every_operation_keeps_its_contract(contract_schema, contract_stack):
    account = contract_stack.contract_account
    failures, statuses = {}, {}
    operations = [result.ok() for result in contract_schema.get_all_operations()]
    assert len(operations) >= 17

    streams = [op for op in operations if answers_a_stream(op)]
    for operation in operations:
        if operation in streams:
            continue

        @given(case=operation.as_strategy())
        @settings(max_examples=CONTRACT_MAX_EXAMPLES, deadline=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], database=None,
                  suppress_health_check=list(HealthCheck))
        def exercise(case):
            auth = account.auth
            if (case.method.upper(), case.path) in SELF_ENDING:
                with httpx.Client(base_url=contract_stack.base_url, timeout=30) as c:
                    auth = register(c).auth
            with requests.Session() as session:
                r = case.call_and_validate(session=session, headers=auth, checks=CHECKS,
                                           timeout=30)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

        try:
            exercise()
        except Exception as e:   # every operation runs; all failures are reported
            failures[operation.label] = f"{type(e).__name__}: {e}"[:4000]
    # What generation rarely reaches: accepted uploads of each type, then
    # every per-analysis operation on a real analysis, queued and completed.
    by_id = {op.definition.raw.get("operationId"): op for op in operations}

    def call(op_id, **kw):
        case = by_id[op_id].Case(**kw)
        with requests.Session() as session:
            r = case.call_and_validate(session=session, headers=account.auth, checks=CHECKS,
                                       timeout=30)
        statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
        return r

    ids = []
    for name, content in (("cv.txt", fx.text_bytes()), ("cv.pdf", fx.pdf_bytes()),
                          ("cv.docx", fx.docx_bytes())):
        r = call("createAnalysis", media_type="multipart/form-data",
                 body={"cv": content, "targetRole": "Engineer", "optimize": "true"})
        assert r.status_code == 202, r.text
        ids.append(r.json()["analysis"]["id"])
    deadline = time.monotonic() + ANALYSIS_DONE_TIMEOUT_S
    while call("getAnalysis", path_parameters={"id": ids[0]}).json()["analysis"]["status"] \
            not in ("completed", "failed"):
        assert time.monotonic() < deadline, "the text CV was not analysed in time"
        time.sleep(0.5)
    for id_ in ids:
        call("getAnalysis", path_parameters={"id": id_})
        call("downloadAnalysisFile", path_parameters={"id": id_})
        call("retryAnalysis", path_parameters={"id": id_})
    call("listAnalyses", query={"limit": 2})
    call("deleteAnalysis", path_parameters={"id": ids[-1]})

    # The streams: a finite answer validated (an unknown analysis is 404),
    # and the stream's status and type read without waiting for its end.
    assert {op.definition.raw.get("operationId") for op in streams} == \
        {"followAnalysis", "followMyAnalyses"}
    call("followAnalysis", path_parameters={"id": "0" * 24})
    for path in (f"/api/cv/analyses/{ids[0]}/events", "/api/events"):
        with requests.get(contract_stack.base_url + path, stream=True, timeout=30,
                          headers={**account.auth, "Accept": STREAM_TYPE}) as r:
            assert r.status_code == 200, r.text
            assert r.headers["content-type"].startswith(STREAM_TYPE)
        statuses[200] = statuses.get(200, 0) + 1

    print(f"contract: {sum(statuses.values())} requests over {len(operations)} operations, "
          f"statuses {dict(sorted(statuses.items()))}")
    assert sum(statuses.values()) >= len(operations)
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
