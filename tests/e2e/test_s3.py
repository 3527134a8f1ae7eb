"""STORAGE=s3 end to end against a real S3-compatible server (moto's
server, started here), on a stack of its own: uploads land in the bucket,
downloads are 302 to a presigned URL that works, deletes remove the
object, and a missing bucket or a server that is down gives 503 with
nothing half-written."""
import time

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

import cvfixtures as fx
from conftest import assert_error, free_port, fresh_ip, register, running_stack

BUCKET = "cv-test"


@pytest.fixture(scope="module")
def s3():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    client = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                          aws_access_key_id="test-key", aws_secret_access_key="test-secret")
    client.create_bucket(Bucket=BUCKET)
    client.port, client.server = port, server
    yield client
    server.stop()


@pytest.fixture(scope="module")
def s3_stack(s3):
    env = {"STORAGE": "s3", "S3_BUCKET": BUCKET, "S3_REGION": "us-east-1",
           "S3_ENDPOINT": f"http://127.0.0.1:{s3.port}", "S3_ACCESS_KEY_ID": "test-key",
           "S3_SECRET_ACCESS_KEY": "test-secret", "S3_FORCE_PATH_STYLE": "true"}
    with running_stack(env) as s:
        yield s


@pytest.fixture
def client(s3_stack):
    with s3_stack.client(source_ip=fresh_ip()) as c:
        yield c


def objects(s3):
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def spool(stack):
    d = stack.state / "uploads" / ".incoming"
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


def upload(client, acct, content, name="cv.pdf"):
    return client.post("/api/cv/analyses", files={"cv": (name, content)}, headers=acct.auth)


def test_ready_checks_the_bucket(client):
    r = client.get("/api/ready")
    assert r.status_code == 200 and r.json()["checks"]["storage"] == "ok"


def test_upload_download_delete(s3, client):
    acct = register(client)
    content = fx.pdf_bytes()
    before = objects(s3)
    r = upload(client, acct, content, name="Zoé.pdf")
    assert r.status_code == 202, r.text
    a = r.json()["analysis"]
    new = sorted(set(objects(s3)) - set(before))
    assert len(new) == 1 and new[0].startswith("cv/") and new[0].endswith(".pdf")
    assert s3.get_object(Bucket=BUCKET, Key=new[0])["Body"].read() == content
    r = client.get(a["fileUrl"], headers=acct.auth)
    assert r.status_code == 302
    url = r.headers["location"]
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    got = httpx.get(url)
    assert got.status_code == 200 and got.content == content
    assert got.headers.get("content-disposition", "").startswith("attachment")
    other = register(client)
    assert_error(client.get(a["fileUrl"], headers=other.auth), 404, "not_found")
    assert client.delete(f"/api/cv/analyses/{a['id']}", headers=acct.auth).status_code == 204
    assert new[0] not in objects(s3)


def test_missing_bucket_is_503_and_leaves_nothing(s3, s3_stack, client):
    acct = register(client)
    saved = [(k, s3.get_object(Bucket=BUCKET, Key=k)["Body"].read()) for k in objects(s3)]
    for k, _ in saved:
        s3.delete_object(Bucket=BUCKET, Key=k)
    s3.delete_bucket(Bucket=BUCKET)
    try:
        s3_stack.wait_ready(503)
        assert client.get("/api/ready").json()["checks"]["storage"] == "unavailable"
        assert_error(upload(client, acct, fx.pdf_bytes()), 503, "unavailable")
        assert client.get("/api/cv/analyses", headers=acct.auth).json()["total"] == 0
        me = client.get("/api/auth/me", headers=acct.auth).json()["user"]
        assert me["usage"]["analysesUsed"] == 0
        assert spool(s3_stack) == []
    finally:
        s3.create_bucket(Bucket=BUCKET)
        for k, body in saved:
            s3.put_object(Bucket=BUCKET, Key=k, Body=body)
    s3_stack.wait_ready(200)
    assert upload(client, acct, fx.pdf_bytes()).status_code == 202


def test_server_down_is_503_and_leaves_nothing(s3, s3_stack, client):
    acct = register(client)
    before = objects(s3)
    s3.server.stop()
    try:
        assert_error(upload(client, acct, fx.text_bytes()), 503, "unavailable")
        assert client.get("/api/cv/analyses", headers=acct.auth).json()["total"] == 0
        assert spool(s3_stack) == []
    finally:
        s3.server.start()
    s3_stack.wait_ready(200)
    assert objects(s3) == before
