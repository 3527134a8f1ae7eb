"""The worker end to end through nginx: upload, poll, result or failure,
with the offline analyzer (the session's stack) and with the LLM analyzer
against the OpenAI-compatible stub (a stack of its own): slow answers,
429 with Retry-After, 500s until the attempts run out, malformed and
schema-violating answers, the cache, kill -9 in the middle of a job, and
poison documents."""
import contextlib
import io
import os
import signal
import subprocess
import time
import uuid
import zipfile

import httpx
import pytest

import cvfixtures as fx
import llm_stub
from conftest import SANITIZER_RE, alive, free_port, fresh_ip, register, running_stack

RESULT_KEYS = {"score", "summary", "strengths", "weaknesses", "suggestions", "keywords",
               "sections", "atsScore"}


def upload(client, account, content, name="cv.pdf", **fields):
    r = client.post("/api/cv/analyses", files={"cv": (name, content)}, data=fields,
                    headers=account.auth)
    assert r.status_code == 202, r.text
    return r.json()["analysis"]


def wait_done(client, account, analysis_id, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        a = client.get(f"/api/cv/analyses/{analysis_id}", headers=account.auth).json()["analysis"]
        if a["status"] in ("completed", "failed"):
            return a
        time.sleep(0.25)
    raise AssertionError(f"analysis {analysis_id} still {a['status']} after {timeout}s")


def assert_result_shape(a):
    r = a["result"]
    assert set(r) == RESULT_KEYS
    assert isinstance(r["score"], int) and 0 <= r["score"] <= 100
    assert isinstance(r["atsScore"], int) and 0 <= r["atsScore"] <= 100
    assert set(r["sections"]) == {"contact", "summary", "experience", "education", "skills"}
    assert set(r["keywords"]) == {"found", "missing"}


# ---- offline analyzer, on the session's stack ----

@pytest.mark.parametrize("content,name,lang_word", [
    (fx.pdf_bytes(fx.EN_CV), "jane.pdf", None),
    (fx.docx_bytes(fx.FR_CV), "elodie.docx", None),
    (fx.text_bytes(fx.EN_CV), "jane.txt", None),
])
def test_heuristic_analysis_completes(api, content, name, lang_word):
    acct = register(api)
    a = upload(api, acct, content, name=name, optimize="true",
               jobDescription="We need Python, Kubernetes and Terraform experience.")
    done = wait_done(api, acct, a["id"])
    assert done["status"] == "completed", done["error"]
    assert_result_shape(done)
    assert done["analyzer"]["provider"] == "heuristic"
    assert done["startedAt"] and done["completedAt"] and done["attempts"] == 1
    assert done["optimizedVersion"].lstrip().startswith("#") or "##" in done["optimizedVersion"]
    assert done["originalText"]
    assert done["result"]["suggestions"]


def test_heuristic_missing_keyword(api):
    acct = register(api)
    a = upload(api, acct, fx.text_bytes(fx.EN_CV), name="cv.txt",
               jobDescription="Senior engineer with Kubernetes and Python. Kubernetes is a must.")
    done = wait_done(api, acct, a["id"])
    assert done["status"] == "completed", done["error"]
    missing = [k.lower() for k in done["result"]["keywords"]["missing"]]
    found = [k.lower() for k in done["result"]["keywords"]["found"]]
    assert "kubernetes" in missing
    assert "python" in found


def test_text_without_words_fails_with_reason(api):
    acct = register(api)
    a = upload(api, acct, b"   \n\t  \n", name="blank.txt")
    done = wait_done(api, acct, a["id"])
    assert done["status"] == "failed"
    assert "no extractable text" in done["error"]
    assert done["result"] is None


def poison_zip_bomb():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b"A" * (200 * 1024 * 1024) + b"</w:document>")
    return buf.getvalue()


def poison_entity_bomb():
    lol = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)) + "]>"
    xml = lol + '<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", xml)
    return buf.getvalue()


def poison_many_pages():
    pages = 10000
    objs = ["<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [" + " ".join(f"{3 + i} 0 R" for i in range(pages)) +
            f"] /Count {pages} >>"]
    objs += ["<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n{o}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


@pytest.mark.parametrize("make,name", [
    (lambda: b"%PDF-1.7\n" + os.urandom(4096), "corrupt.pdf"),
    (poison_many_pages, "pages.pdf"),
    (poison_zip_bomb, "bomb.docx"),
    (poison_entity_bomb, "lol.docx"),
    (lambda: fx.pdf_bytes(" "), "scanned.pdf"),
])
def test_poison_documents_fail_cleanly_and_the_worker_stays_up(stack, api, make, name):
    acct = register(api)
    worker = stack.pid("cv-worker")
    a = upload(api, acct, make(), name=name)
    done = wait_done(api, acct, a["id"], timeout=90)
    assert done["status"] == "failed", done
    assert done["error"]
    assert stack.pid("cv-worker") == worker and alive(worker)
    # Still working: a good CV completes.
    good = upload(api, acct, fx.text_bytes(), name="ok.txt")
    assert wait_done(api, acct, good["id"])["status"] == "completed"


def test_worker_metrics_are_exported(stack, api):
    acct = register(api)
    wait_done(api, acct, upload(api, acct, fx.text_bytes(), name="m.txt")["id"])
    with stack.client() as local:
        text = local.get("/api/metrics").text
    assert 'cv_worker_jobs_total{outcome="completed"}' in text
    assert "cv_queue_depth" in text and "cv_queue_pending" in text
    assert "cv_worker_job_duration_seconds_count" in text


# ---- LLM analyzer against the stub, on a stack of its own ----

@pytest.fixture(scope="module")
def llm_stack():
    port = free_port()
    server = llm_stub.start(port)
    env = {"OPENAI_API_KEY": "test-llm-key", "OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1",
           "OPENAI_MODEL": "stub-model", "JOB_VISIBILITY_TIMEOUT": "8s", "MAX_ATTEMPTS": "3",
           # Two job threads: one may take over what the other runs.
           "WORKER_CONCURRENCY": "2"}
    try:
        with running_stack(env) as s:
            s.stub_url = f"http://127.0.0.1:{port}"
            yield s
    finally:
        server.shutdown()


@pytest.fixture
def llm_api(llm_stack):
    with llm_stack.client(source_ip=fresh_ip()) as c:
        yield c


def run_cv(marker=""):
    run = f"RUN-{uuid.uuid4().hex[:12]}"
    return run, (f"{run} {marker}\n" + fx.EN_CV).encode()


def calls(stack, run):
    return httpx.get(f"{stack.stub_url}/calls", params={"run": run}).json()["calls"]


def test_llm_analysis_completes_with_tokens_and_optimized_version(llm_stack, llm_api):
    acct = register(llm_api)
    run, cv = run_cv()
    a = upload(llm_api, acct, cv, name="cv.txt", optimize="true",
               jobDescription="Looking for Python and Kubernetes skills.")
    done = wait_done(llm_api, acct, a["id"])
    assert done["status"] == "completed", done["error"]
    assert_result_shape(done)
    assert done["analyzer"]["provider"] == "openai" and done["analyzer"]["model"] == "stub-model"
    assert done["analyzer"]["promptTokens"] > 0 and done["analyzer"]["completionTokens"] == 84
    assert done["optimizedVersion"].startswith("# Optimized CV")
    assert "Kubernetes" in done["result"]["keywords"]["missing"]
    assert "Python" in done["result"]["keywords"]["found"]
    assert calls(llm_stack, run) == 2   # the analysis and the optimized version


@pytest.mark.parametrize("make,name", [
    (lambda run: fx.pdf_bytes(f"{run}\n" + fx.EN_CV), "jane.pdf"),
    (lambda run: fx.docx_bytes(f"{run}\n" + fx.FR_CV), "elodie.docx"),
])
def test_llm_analysis_of_pdf_and_docx(llm_stack, llm_api, make, name):
    acct = register(llm_api)
    run = f"RUN-{uuid.uuid4().hex[:12]}"
    a = upload(llm_api, acct, make(run), name=name, jobDescription="Kubernetes and Scrum wanted.")
    done = wait_done(llm_api, acct, a["id"])
    assert done["status"] == "completed", done["error"]
    assert_result_shape(done)
    assert done["analyzer"]["provider"] == "openai"
    assert "Kubernetes" in done["result"]["keywords"]["missing"]
    assert calls(llm_stack, run) == 1


def test_identical_request_is_answered_from_the_cache(llm_stack, llm_api):
    acct = register(llm_api)
    run, cv = run_cv()
    first = wait_done(llm_api, acct, upload(llm_api, acct, cv, name="a.txt")["id"])
    second = wait_done(llm_api, acct, upload(llm_api, acct, cv, name="b.txt")["id"])
    assert first["status"] == second["status"] == "completed"
    assert calls(llm_stack, run) == 1
    assert second["result"] == first["result"]
    assert second["analyzer"]["promptTokens"] == 0


@pytest.mark.parametrize("marker,status,min_calls,attempts", [
    ("STUB-SLOW", "completed", 1, 1),
    ("STUB-429-ONCE", "completed", 2, 2),
    ("STUB-MALFORMED-ONCE", "completed", 2, 1),
    ("STUB-SCHEMA-ALWAYS", "failed", 2, 1),
    ("STUB-500-ALWAYS", "failed", 3, 3),
])
def test_llm_failure_modes(llm_stack, llm_api, marker, status, min_calls, attempts):
    acct = register(llm_api)
    run, cv = run_cv(marker)
    a = upload(llm_api, acct, cv, name="cv.txt")
    done = wait_done(llm_api, acct, a["id"], timeout=90)
    assert done["status"] == status, done
    assert calls(llm_stack, run) >= min_calls
    assert done["attempts"] == attempts
    if status == "failed":
        assert done["error"] and done["result"] is None
    if marker == "STUB-500-ALWAYS":
        port = [l.split("=")[1] for l in (llm_stack.state / "ports.env").read_text().split()
                if l.startswith("REDIS_PORT=")][0]
        dead = subprocess.run(["redis-cli", "-p", port, "XRANGE", "cv:analysis:dead", "-", "+"],
                              capture_output=True, text=True).stdout
        assert a["id"] in dead


def redis_cli(stack, *args):
    port = [l.split("=")[1] for l in (stack.state / "ports.env").read_text().split()
            if l.startswith("REDIS_PORT=")][0]
    return subprocess.run(["redis-cli", "-p", port, *args], capture_output=True, text=True,
                          check=True).stdout


def wait_for(what, cond, timeout):
    """Poll cond until it returns something true, or fail after timeout s."""
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not after {timeout}s")
        time.sleep(0.1)


def job_holder(stack, analysis_id):
    """The pid of the worker whose consumer holds the analysis's job
    unacknowledged, or None once it is acknowledged (or not yet read)."""
    entries = redis_cli(stack, "XRANGE", "cv:analysis:jobs", "-", "+").split("\n")
    ids = [entries[i - 2] for i, v in enumerate(entries) if v == analysis_id and i >= 2]
    pending = redis_cli(stack, "XPENDING", "cv:analysis:jobs", "cv-workers", "-", "+", "100")
    lines = pending.split("\n")
    for i in range(0, len(lines) - 1, 4):
        if lines[i] in ids:
            return int(lines[i + 1].rsplit("-", 2)[1])   # consumer "<host>-<pid>-<slot>"
    return None


@contextlib.contextmanager
def second_worker(stack):
    """Another cv-worker process on the same stack, as a second host would
    run it; stopped with SIGTERM (or found dead) at the end."""
    log = open(stack.state / "logs" / "cv-worker-2.log", "ab")
    proc = subprocess.Popen([str(stack.build / "cv-worker"), "--env-file",
                             str(stack.state / "cv.env")], env=stack.env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=60)
        log.close()
        report = SANITIZER_RE.search((stack.state / "logs" / "cv-worker-2.log")
                                     .read_text(errors="replace"))
        assert not report, report.group(0)


# JOB_VISIBILITY_TIMEOUT of the LLM stack and one heartbeat (a fifth of
# it), then how long another worker may take to look: a job thread looks
# every 5 s, and a busy machine adds its share.
TAKEOVER_BOUND_S = 8 + 8 / 5 + 5 + 15


def test_kill_9_in_the_middle_of_a_job_is_taken_over_within_the_bound(llm_stack, llm_api):
    # A working copy a worker of an earlier release stranded on disk: a
    # worker that starts removes it.
    work = llm_stack.state / "uploads" / ".work"
    work.mkdir(exist_ok=True)
    (work / "0123456789abcdef01234567.host-1-0").write_bytes(b"Jane Doe, a stranded CV")
    service = llm_stack.pid("cv-worker")
    try:
        with second_worker(llm_stack) as other:
            wait_for("the stranded copy's removal", lambda: not work.exists(), 30)
            acct = register(llm_api)
            run, cv = run_cv("STUB-VERY-SLOW")
            a = upload(llm_api, acct, cv, name="cv.txt")
            wait_for("the first call to the LLM", lambda: calls(llm_stack, run) == 1, 30)
            holder = wait_for("the job's consumer", lambda: job_holder(llm_stack, a["id"]), 10)
            assert holder in (service, other.pid)
            os.kill(holder, signal.SIGKILL)
            killed_at = time.monotonic()
            wait_for("the killed worker's exit",
                     lambda: not alive(holder) or (holder == other.pid and other.poll()), 10)
            # The surviving worker takes the job over once the beats stop.
            wait_for("the takeover", lambda: calls(llm_stack, run) == 2, TAKEOVER_BOUND_S)
            assert time.monotonic() - killed_at < TAKEOVER_BOUND_S
            done = wait_done(llm_api, acct, a["id"], timeout=60)
            assert done["status"] == "completed", done
            # Acknowledged: no worker holds it, nothing can run it again.
            wait_for("the acknowledgement", lambda: job_holder(llm_stack, a["id"]) is None, 30)
            assert calls(llm_stack, run) == 2
    finally:
        if not alive(service):
            llm_stack.start("cv-worker")
    again = llm_api.get(f"/api/cv/analyses/{a['id']}", headers=acct.auth).json()["analysis"]
    assert again["completedAt"] == done["completedAt"]
    # No working copy on disk: memfds died with the killed worker.
    assert not work.exists()


def test_a_live_slow_job_is_never_taken_over(llm_stack, llm_api):
    # The heartbeat keeps the lease and the job's idle time fresh, so
    # neither the other job thread nor another worker process takes over a
    # job that runs longer than the visibility timeout.
    with second_worker(llm_stack):
        acct = register(llm_api)
        run, cv = run_cv("STUB-LONGER-THAN-VISIBILITY")
        a = upload(llm_api, acct, cv, name="cv.txt")
        done = wait_done(llm_api, acct, a["id"], timeout=60)
        assert done["status"] == "completed", done
        assert done["attempts"] == 1
        assert calls(llm_stack, run) == 1


def llm_cache_of(stack, analysis_id):
    """The LLM cache entry the analysis used, if any, and whether it exists."""
    key = redis_cli(stack, "GET", f"cv:llm-cache-of:{analysis_id}").strip()
    return key, bool(key) and redis_cli(stack, "EXISTS", f"cv:llm-cache:{key}").strip() == "1"


def stored_files(stack):
    return sorted(p.name for p in (stack.state / "uploads").rglob("*") if p.is_file())


@pytest.mark.parametrize("how", ["analysis", "account"])
def test_deleting_leaves_no_byte_of_the_cv(llm_stack, llm_api, how):
    # The stored file, the LLM answer (which quotes and rewrites the CV),
    # any working copy, and the logs: none keeps the CV after a deletion.
    acct = register(llm_api)
    before = stored_files(llm_stack)
    run, cv = run_cv()
    a = upload(llm_api, acct, cv, name="cv.txt", optimize="true")
    done = wait_done(llm_api, acct, a["id"])
    assert done["status"] == "completed", done
    key, cached = llm_cache_of(llm_stack, a["id"])
    assert cached, "the answer was cached for this analysis"
    assert len(stored_files(llm_stack)) == len(before) + 1
    if how == "analysis":
        r = llm_api.delete(f"/api/cv/analyses/{a['id']}", headers=acct.auth)
    else:
        r = llm_api.request("DELETE", "/api/auth/me", json={"password": acct.password},
                            headers=acct.auth)
    assert r.status_code == 204, r.text
    assert llm_cache_of(llm_stack, a["id"]) == ("", False)
    assert redis_cli(llm_stack, "EXISTS", f"cv:llm-cache:{key}").strip() == "0"
    assert stored_files(llm_stack) == before
    for service in ("cv-api", "cv-worker"):
        assert run not in llm_stack.log(service)
    assert run not in (llm_stack.state / "logs" / "nginx-access.log").read_text(errors="replace")


def test_sigterm_lets_the_job_in_flight_finish(llm_stack, llm_api):
    acct = register(llm_api)
    run, cv = run_cv("STUB-SLOW")
    a = upload(llm_api, acct, cv, name="cv.txt")
    deadline = time.monotonic() + 20
    while calls(llm_stack, run) == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    llm_stack.stop("cv-worker")    # SIGTERM, waits for the exit
    a2 = llm_api.get(f"/api/cv/analyses/{a['id']}", headers=acct.auth).json()["analysis"]
    assert a2["status"] == "completed", a2
    llm_stack.start("cv-worker")
