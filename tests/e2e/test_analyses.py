"""CV uploads and the analyses API end to end through nginx, on FerretDB,
Redis and local storage: every row of the table, bad uploads, cross-user
404s, the quota race, Redis failures leaving nothing behind, the sweep."""
import concurrent.futures
import datetime
import os
import re
import subprocess
import time

import pymongo
import pytest
from bson import ObjectId

from conftest import assert_error, fresh_ip, register
import cvfixtures as fx

PDF_MIME = "application/pdf"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def db(stack):
    port = stack_port(stack, "FERRETDB_PORT")
    client = pymongo.MongoClient(f"mongodb://127.0.0.1:{port}/", serverSelectionTimeoutMS=5000)
    yield client["cv_analyzer"]
    client.close()


def stack_port(stack, name):
    return [l.split("=")[1] for l in (stack.state / "ports.env").read_text().split()
            if l.startswith(name + "=")][0]


def redis_cli(stack, *args):
    return subprocess.run(["redis-cli", "-p", stack_port(stack, "REDIS_PORT"), *args],
                          capture_output=True, text=True, check=True).stdout


def stored_files(stack):
    d = stack.state / "uploads"
    return sorted(p.name for p in d.iterdir() if not p.name.startswith("."))


def incoming_files(stack):
    d = stack.state / "uploads" / ".incoming"
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


def upload(client, account, content, name="cv.pdf", ctype="application/octet-stream", **fields):
    files = {"cv": (name, content, ctype)}
    data = {k: v for k, v in fields.items()}
    return client.post("/api/cv/analyses", files=files, data=data, headers=account.auth)


def used(client, account):
    return client.get("/api/auth/me", headers=account.auth).json()["user"]["usage"]["analysesUsed"]


def test_pdf_upload_is_accepted_and_queued(stack, api, account):
    r = upload(api, account, fx.pdf_bytes(), name="Jane CV.pdf", jobDescription="Python and Kubernetes",
               targetRole="Staff Engineer", optimize="true", language="en")
    assert r.status_code == 202, r.text
    a = r.json()["analysis"]
    assert r.headers["location"] == f"/api/cv/analyses/{a['id']}"
    assert a["status"] == "queued" and a["result"] is None and a["error"] is None
    assert a["originalText"] is None   # the shape of GET /api/cv/analyses/{id}
    assert a["fileName"] == "Jane CV.pdf" and a["mimeType"] == PDF_MIME
    assert a["fileSize"] == len(fx.pdf_bytes())
    assert a["fileUrl"] == f"/api/cv/analyses/{a['id']}/file"
    assert a["options"] == {"jobDescription": "Python and Kubernetes", "targetRole": "Staff Engineer",
                            "optimize": True, "language": "en"}
    jobs = redis_cli(stack, "XRANGE", "cv:analysis:jobs", "-", "+")
    assert a["id"] in jobs
    assert used(api, account) == 1


@pytest.mark.parametrize("content,name,mime", [
    (fx.pdf_bytes(), "resume.txt", PDF_MIME),
    (fx.docx_bytes(), "cv.docx", DOCX_MIME),
    (fx.text_bytes(fx.EN_CV), "cv.pdf", "text/plain"),
    (fx.text_bytes(fx.FR_CV), "élodie.txt", "text/plain"),
])
def test_type_is_decided_by_content(api, content, name, mime):
    acct = register(api)
    r = upload(api, acct, content, name=name)
    assert r.status_code == 202, r.text
    assert r.json()["analysis"]["mimeType"] == mime
    assert r.json()["analysis"]["fileName"] == name


@pytest.mark.parametrize("content,status,code", [
    (fx.PNG, 400, "unsupported_file_type"),
    (b"PK\x03\x04" + b"\x00" * 100, 400, "unsupported_file_type"),
    (b"caf\xe9 latin-1 text", 400, "unsupported_file_type"),
    (b"text with a \x00 NUL", 400, "unsupported_file_type"),
    (b"", 400, "validation_failed"),
])
def test_bad_files_are_refused_and_leave_nothing(stack, api, content, status, code):
    acct = register(api)
    before = stored_files(stack)
    assert_error(upload(api, acct, content), status, code)
    assert stored_files(stack) == before
    assert incoming_files(stack) == []
    assert used(api, acct) == 0


def raw_multipart(filename_bytes, content):
    """A body built by hand, so the file name reaches us byte for byte."""
    return (b"--B0undary\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"" + filename_bytes +
            b"\"\r\nContent-Type: text/plain\r\n\r\n" + content + b"\r\n--B0undary--\r\n")


def test_file_name_is_sanitised(api, account):
    # A tab, a C1 control (U+0085) and directory parts: all removed.
    body = raw_multipart("../../etc/pa\tss\u0085wd.txt".encode(), fx.text_bytes())
    r = api.post("/api/cv/analyses", content=body,
                 headers={**account.auth, "Content-Type": "multipart/form-data; boundary=B0undary"})
    assert r.status_code == 202, r.text
    assert r.json()["analysis"]["fileName"] == "passwd.txt"
    body = raw_multipart("C:\\Users\\zoé\\CV Zoé.txt".encode(), fx.text_bytes())
    r = api.post("/api/cv/analyses", content=body,
                 headers={**account.auth, "Content-Type": "multipart/form-data; boundary=B0undary"})
    assert r.status_code == 202, r.text
    assert r.json()["analysis"]["fileName"] == "CV Zoé.txt"


def test_control_bytes_in_part_headers_are_refused(api, account):
    body = raw_multipart(b"pa\x01ss.txt", fx.text_bytes())
    r = api.post("/api/cv/analyses", content=body,
                 headers={**account.auth, "Content-Type": "multipart/form-data; boundary=B0undary"})
    assert_error(r, 400, "validation_failed")
    assert used(api, account) == 0


@pytest.mark.parametrize("fields,bad", [
    ({"jobDescription": "x" * 20001}, "jobDescription"),
    ({"targetRole": "é" * 201}, "targetRole"),
    ({"optimize": "maybe"}, "optimize"),
    ({"language": "english!"}, "language"),
])
def test_text_fields_are_validated(api, fields, bad):
    acct = register(api)
    err = assert_error(upload(api, acct, fx.text_bytes(), **fields), 400, "validation_failed")
    assert bad in err["details"]["fields"]
    assert used(api, acct) == 0


def test_text_fields_at_their_limits(api, account):
    r = upload(api, account, fx.text_bytes(), jobDescription="é" * 20000, targetRole="r" * 200,
               optimize="false")
    assert r.status_code == 202, r.text
    assert len(r.json()["analysis"]["options"]["jobDescription"]) == 20000


def test_missing_or_repeated_cv_field(api, account):
    r = api.post("/api/cv/analyses", data={"targetRole": "x"}, files={"other": ("a.txt", b"hello")},
                 headers=account.auth)
    assert "cv" in assert_error(r, 400, "validation_failed")["details"]["fields"]
    r = api.post("/api/cv/analyses", files=[("cv", ("a.txt", b"hello one")), ("cv", ("b.txt", b"hello two"))],
                 headers=account.auth)
    assert "cv" in assert_error(r, 400, "validation_failed")["details"]["fields"]
    assert used(api, account) == 0


def test_not_multipart_is_415(api, account):
    r = api.post("/api/cv/analyses", json={"cv": "x"}, headers=account.auth)
    assert_error(r, 415, "unsupported_media_type")
    r = api.post("/api/cv/analyses", content=b"--x\r\n", headers={**account.auth,
                 "Content-Type": "multipart/form-data"})
    assert r.status_code in (400, 415)


def test_broken_multipart_is_400(stack, api, account):
    body = b"--XYZ\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"a.txt\"\r\n\r\nhello"
    r = api.post("/api/cv/analyses", content=body,
                 headers={**account.auth, "Content-Type": "multipart/form-data; boundary=XYZ"})
    assert_error(r, 400, "validation_failed")
    assert incoming_files(stack) == []


def test_file_over_max_file_size_is_413_from_the_responder(stack, api, account):
    # 10 MiB + 1 byte: nginx lets it through (it allows 64 KiB of multipart
    # room), the responder refuses it while streaming.
    r = upload(api, account, b"a" * (10 * 1024 * 1024 + 1), name="big.txt")
    assert_error(r, 413, "payload_too_large")
    assert incoming_files(stack) == []
    assert used(api, account) == 0


def test_upload_needs_a_token(api):
    assert_error(api.post("/api/cv/analyses", files={"cv": ("a.txt", b"hello")}), 401, "unauthorized")


def test_list_get_delete_and_cross_user_404(stack, api):
    owner, other = register(api), register(api)
    ids = [upload(api, owner, fx.text_bytes(f"CV number {i}\n" + fx.EN_CV), name=f"{i}.txt").json()["analysis"]["id"]
           for i in range(3)]
    r = api.get("/api/cv/analyses", headers=owner.auth)
    body = r.json()
    assert r.status_code == 200 and body["total"] == 3 and body["page"] == 1 and body["limit"] == 20
    assert [a["id"] for a in body["analyses"]] == ids[::-1], "newest first"
    assert all("originalText" not in a for a in body["analyses"])
    r = api.get("/api/cv/analyses?page=2&limit=2", headers=owner.auth).json()
    assert [a["id"] for a in r["analyses"]] == [ids[0]] and r["total"] == 3
    # a full page and a page past the end: the total is counted, not inferred
    r = api.get("/api/cv/analyses?page=1&limit=2", headers=owner.auth).json()
    assert [a["id"] for a in r["analyses"]] == ids[:0:-1] and r["total"] == 3
    r = api.get("/api/cv/analyses?page=3&limit=2", headers=owner.auth).json()
    assert r["analyses"] == [] and r["total"] == 3
    r = api.get("/api/cv/analyses?page=1&limit=3", headers=owner.auth).json()
    assert len(r["analyses"]) == 3 and r["total"] == 3
    # The worker moves them along meanwhile: each filter returns only its
    # status, and together they account for all three.
    by_status = {}
    for status in ("queued", "processing", "completed", "failed"):
        page = api.get(f"/api/cv/analyses?status={status}", headers=owner.auth).json()
        assert all(a["status"] == status for a in page["analyses"])
        by_status[status] = {a["id"] for a in page["analyses"]}
    assert set().union(*by_status.values()) <= set(ids)
    assert api.get("/api/cv/analyses", headers=other.auth).json()["total"] == 0
    one = api.get(f"/api/cv/analyses/{ids[0]}", headers=owner.auth)
    assert one.status_code == 200 and "originalText" in one.json()["analysis"]
    for path in (f"/api/cv/analyses/{ids[0]}", f"/api/cv/analyses/{ids[0]}/file"):
        assert_error(api.get(path, headers=other.auth), 404, "not_found")
    assert_error(api.delete(f"/api/cv/analyses/{ids[0]}", headers=other.auth), 404, "not_found")
    assert_error(api.post(f"/api/cv/analyses/{ids[0]}/retry", headers=other.auth), 404, "not_found")
    for bad in ("nothex", "0" * 24, "ZZZZZZZZZZZZZZZZZZZZZZZZ", "a" * 25):
        assert_error(api.get(f"/api/cv/analyses/{bad}", headers=owner.auth), 404, "not_found")
    files_before = stored_files(stack)
    assert api.delete(f"/api/cv/analyses/{ids[0]}", headers=owner.auth).status_code == 204
    assert_error(api.get(f"/api/cv/analyses/{ids[0]}", headers=owner.auth), 404, "not_found")
    assert len(stored_files(stack)) == len(files_before) - 1
    assert used(api, owner) == 3, "deleting does not give the quota back"


@pytest.mark.parametrize("query,field", [
    ("limit=0", "limit"), ("limit=101", "limit"), ("page=0", "page"), ("page=x", "page"),
    ("status=done", "status"), ("limit=%zz", "limit"),
])
def test_list_validation(api, account, query, field):
    err = assert_error(api.get(f"/api/cv/analyses?{query}", headers=account.auth), 400, "validation_failed")
    assert field in err["details"]["fields"]


def test_download_through_nginx(stack, api, account):
    content = fx.pdf_bytes()
    a = upload(api, account, content, name="Zoé CV.pdf").json()["analysis"]
    r = api.get(a["fileUrl"], headers=account.auth)
    assert r.status_code == 200
    assert r.content == content
    assert r.headers["content-disposition"].startswith("attachment;")
    assert "Zo%C3%A9%20CV.pdf" in r.headers["content-disposition"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])
    # The internal location is not reachable by URL alone.
    key = stored_files(stack)[0]
    assert api.get(f"/_cv_files/{key}").status_code == 404


def test_retry_only_failed(stack, api, account, db):
    a = upload(api, account, fx.text_bytes()).json()["analysis"]
    assert_error(api.post(f"/api/cv/analyses/{a['id']}/retry", headers=account.auth), 409, "conflict")
    # The worker is the record's one writer while its job runs: let it end
    # before making the record failed by hand.
    deadline = time.monotonic() + 60
    while api.get(f"/api/cv/analyses/{a['id']}", headers=account.auth).json()["analysis"][
            "status"] not in ("completed", "failed"):
        assert time.monotonic() < deadline, "the analysis did not finish"
        time.sleep(0.2)
    db.analyses.update_one({"_id": ObjectId(a["id"])},
                           {"$set": {"status": "failed", "error": "no extractable text", "attempts": 3}})
    r = api.post(f"/api/cv/analyses/{a['id']}/retry", headers=account.auth)
    assert r.status_code == 202, r.text
    assert r.json()["analysis"]["status"] == "queued" and r.json()["analysis"]["error"] is None
    assert used(api, account) == 1, "a retry takes no quota"
    assert redis_cli(stack, "XRANGE", "cv:analysis:jobs", "-", "+").count(a["id"]) == 2


def test_free_plan_allows_three_per_month(api):
    acct = register(api)
    for _ in range(3):
        assert upload(api, acct, fx.text_bytes()).status_code == 202
    assert_error(upload(api, acct, fx.text_bytes()), 402, "quota_exceeded")
    me = api.get("/api/auth/me", headers=acct.auth).json()["user"]["usage"]
    assert me == {**me, "analysesUsed": 3, "analysesLimit": 3}


def test_quota_is_exact_under_concurrency(stack):
    ip = fresh_ip()
    with stack.client(source_ip=ip) as c:
        acct = register(c)

    def attempt(_):
        with stack.client(source_ip=ip) as c:
            return upload(c, acct, fx.text_bytes()).status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = sorted(pool.map(attempt, range(8)))
    assert codes == [202] * 3 + [402] * 5, codes


def test_queue_failure_leaves_nothing_behind(stack, api, db):
    acct = register(api)
    files_before = stored_files(stack)
    # Make XADD fail while Redis itself stays up (auth still works).
    redis_cli(stack, "RENAME", "cv:analysis:jobs", "cv:analysis:jobs:saved")
    redis_cli(stack, "SET", "cv:analysis:jobs", "not-a-stream")
    try:
        assert_error(upload(api, acct, fx.pdf_bytes()), 503, "unavailable")
    finally:
        redis_cli(stack, "DEL", "cv:analysis:jobs")
        redis_cli(stack, "RENAME", "cv:analysis:jobs:saved", "cv:analysis:jobs")
    assert stored_files(stack) == files_before
    assert db.analyses.count_documents({"userId": ObjectId(acct.user["id"])}) == 0
    assert used(api, acct) == 0


def test_redis_down_upload_is_503_and_leaves_nothing(stack, api, db):
    acct = register(api)
    files_before = stored_files(stack)
    stack.stop("redis")
    try:
        assert_error(upload(api, acct, fx.pdf_bytes()), 503, "unavailable")
    finally:
        stack.start("redis")
    stack.wait_ready(200)
    assert stored_files(stack) == files_before
    assert db.analyses.count_documents({"userId": ObjectId(acct.user["id"])}) == 0
    assert used(api, acct) == 0


def test_sweep_queues_a_record_left_unqueued(stack, api, account, db):
    now = datetime.datetime.now(datetime.timezone.utc)
    oid = ObjectId()
    db.analyses.insert_one({
        "_id": oid, "userId": ObjectId(account.user["id"]), "status": "queued", "fileName": "x.txt",
        "fileSize": 5, "mimeType": "text/plain; charset=utf-8", "fileKey": "0" * 32 + ".txt",
        "options": {"jobDescription": None, "targetRole": None, "optimize": False, "language": None},
        "attempts": 0, "error": None, "result": None, "createdAt": now - datetime.timedelta(hours=1),
        "updatedAt": now - datetime.timedelta(hours=1)})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        # No job in Redis for it: the sweep adds one (and the record itself
        # is left to the worker, its one writer).
        if str(oid) in redis_cli(stack, "XRANGE", "cv:analysis:jobs", "-", "+"):
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"the sweep did not queue the stranded analysis {oid}: "
                    f"in stream: {str(oid) in redis_cli(stack, 'XRANGE', 'cv:analysis:jobs', '-', '+')}, "
                    f"record: {db.analyses.find_one({'_id': oid})}")


def test_account_erasure_deletes_analyses_and_files(stack, api, db):
    acct = register(api)
    before = stored_files(stack)
    for _ in range(2):
        assert upload(api, acct, fx.text_bytes()).status_code == 202
    assert len(stored_files(stack)) == len(before) + 2
    r = api.request("DELETE", "/api/auth/me", json={"password": acct.password}, headers=acct.auth)
    assert r.status_code == 204
    assert stored_files(stack) == before
    assert db.analyses.count_documents({"userId": ObjectId(acct.user["id"])}) == 0
    assert db.users.count_documents({"_id": ObjectId(acct.user["id"])}) == 0


def rss_kib(pids):
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def test_five_megabyte_upload_keeps_responder_memory_flat(stack, api, account):
    master = stack.pid("cv-api")
    children = [int(p) for p in subprocess.run(["pgrep", "-P", str(master)], capture_output=True,
                                               text=True).stdout.split()]
    content = b"Experience and skills in Python. " * (5 * 1024 * 1024 // 33)
    upload(api, account, fx.text_bytes())            # warm both children's paths
    before = rss_kib(children)
    start = time.monotonic()
    r = upload(api, account, content, name="big.txt")
    elapsed = time.monotonic() - start
    after = rss_kib(children)
    assert r.status_code == 202, r.text
    print(f"\n5 MB upload: {elapsed * 1000:.0f} ms, {len(content) / elapsed / 1e6:.1f} MB/s; "
          f"responders' RSS {before} KiB -> {after} KiB ({after - before:+d} KiB)")
    # Streaming: memory must not grow by anything like the file's size.
    assert after - before < 2048
