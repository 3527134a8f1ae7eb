"""`cv-admin storage migrate`: stored files move between the local directory
and a real S3-compatible server (moto's, started here) on a stack of its own
(STORAGE=local, S3 configured), while the API keeps serving them: copies
checked by SHA-256, records switched, sources deleted after, a run killed
with SIGKILL finished by the next one, a second run a no-op, a dry run and
bad input changing nothing, a corrupted source reported and left alone.

Every test leaves every file in the local directory, as it found them."""
import json
import os
import pty
import re
import signal
import subprocess

import httpx
import pymongo
import pytest

import cvfixtures as fx
from conftest import fresh_ip, register, running_stack
from test_analyses import stack_port
from test_s3 import s3  # noqa: F401 (the server fixture)
from test_worker import wait_done


# A bucket of its own: moto's servers share one store in the process.
BUCKET = "cv-migrate"


@pytest.fixture(scope="module")
def mig_stack(s3):  # noqa: F811
    s3.create_bucket(Bucket=BUCKET)
    env = {"STORAGE": "local", "S3_BUCKET": BUCKET, "S3_REGION": "us-east-1",
           "S3_ENDPOINT": f"http://127.0.0.1:{s3.port}", "S3_ACCESS_KEY_ID": "test-key",
           "S3_SECRET_ACCESS_KEY": "test-secret", "S3_FORCE_PATH_STYLE": "true"}
    with running_stack(env) as s:
        yield s


@pytest.fixture(scope="module")
def db(mig_stack):
    client = pymongo.MongoClient(f"mongodb://127.0.0.1:{stack_port(mig_stack, 'FERRETDB_PORT')}/",
                                 serverSelectionTimeoutMS=5000)
    yield client["cv_analyzer"]
    client.close()


@pytest.fixture
def client(mig_stack):
    with mig_stack.client(source_ip=fresh_ip()) as c:
        yield c


def admin_cmd(stack, *args):
    return [str(stack.build / "cv-admin"), "--env-file", str(stack.state / "cv.env"), *args]


def admin(stack, *args, env=None, timeout=300):
    e = dict(stack.env, **(env or {}))
    return subprocess.run(admin_cmd(stack, *args), env=e, capture_output=True, text=True,
                          timeout=timeout)


def migrate(stack, src, dst, *extra, env=None):
    r = admin(stack, "--json", "storage", "migrate", "--from", src, "--to", dst, *extra, env=env)
    return r, (json.loads(r.stdout) if r.stdout.strip() else None)


def run_on_tty(cmd, env):
    """cmd with stderr on a terminal: (exit status, stdout, what the
    terminal showed)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    shown = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:   # EIO: the command's side is closed
            break
        if not data:
            break
        shown.append(data)
    out = proc.communicate(timeout=300)[0]
    os.close(master)
    return proc.returncode, out.decode(), b"".join(shown).decode(errors="replace")


def local_files(stack):
    d = stack.state / "uploads"
    return sorted(p.name for p in d.iterdir() if not p.name.startswith("."))


def bucket_keys(s3):  # noqa: F811
    listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return sorted(o["Key"][len("cv/"):] for o in listed)


def snapshot(stack, s3, db):  # noqa: F811
    """Everything a migration may change: files on both sides, records."""
    recs = sorted((str(d["_id"]), d.get("fileKey"), d.get("fileStorage"), d.get("fileSha256"))
                  for d in db.analyses.find({}, {"fileKey": 1, "fileStorage": 1,
                                                 "fileSha256": 1}))
    return local_files(stack), bucket_keys(s3), recs


def upload_many(client, n, tag):
    """n uploads, as (analysis, content, account); a free account takes
    three a month, so a new one every three."""
    made, acct = [], None
    for i in range(n):
        if i % 3 == 0:
            acct = register(client)
        content = fx.text_bytes(f"{fx.EN_CV}\nReference {tag}-{i}\n")
        r = client.post("/api/cv/analyses", files={"cv": (f"cv-{tag}-{i}.txt", content)},
                        headers=acct.auth)
        assert r.status_code == 202, r.text
        made.append((r.json()["analysis"], content, acct))
    for a, _, owner in made:   # settled: no worker holds a record when a migration starts
        wait_done(client, owner, a["id"])
    return made


def download(client, acct, a):
    r = client.get(a["fileUrl"], headers=acct.auth)
    if r.status_code == 302:   # in the bucket: a presigned URL
        r = httpx.get(r.headers["location"])
    assert r.status_code == 200, r.text
    return r.content


def where(db, analysis_id):
    from bson import ObjectId
    return db.analyses.find_one({"_id": ObjectId(analysis_id)})["fileStorage"]


def assert_all_local(stack, s3, db):  # noqa: F811
    local, bucket, recs = snapshot(stack, s3, db)
    assert bucket == [], bucket
    assert all(st == "local" for _, _, st, _ in recs), recs
    assert sorted(k for _, k, _, _ in recs) == local


def test_bad_input_changes_nothing(mig_stack, s3, db, client):  # noqa: F811
    upload_many(client, 1, "bad")
    before = snapshot(mig_stack, s3, db)
    for args in (["--from", "ftp", "--to", "s3"], ["--from", "local", "--to", "local"],
                 ["--from", "local"], ["--from", "local", "--to", "s3", "--limit", "x"],
                 ["--from", "local", "--to", "s3", "--bogus"], []):
        r = admin(mig_stack, "storage", "migrate", *args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert r.stderr.startswith("cv-admin: "), r.stderr
    r = admin(mig_stack, "storage", "migrate", "--from", "local", "--to", "s3",
              env={"S3_BUCKET": ""})
    assert r.returncode == 2 and "S3 is not configured" in r.stderr, r.stderr
    r = admin(mig_stack, "storage", "migrate", "--from", "local", "--to", "s3",
              env={"S3_BUCKET": "no-such-bucket"})
    assert r.returncode == 1 and "bucket" in r.stderr.lower(), r.stderr
    assert snapshot(mig_stack, s3, db) == before


def test_round_trip_dry_run_and_second_run(mig_stack, s3, db, client):  # noqa: F811
    made = upload_many(client, 4, "trip")
    n = len(local_files(mig_stack))
    before = snapshot(mig_stack, s3, db)

    r, out = migrate(mig_stack, "local", "s3", "--dry-run")
    assert r.returncode == 0, r.stderr
    assert out["dryRun"] and out["moved"] == n and out["failed"] == 0
    assert out["bytes"] >= sum(len(c) for _, c, _ in made)
    assert snapshot(mig_stack, s3, db) == before

    r, out = migrate(mig_stack, "local", "s3")
    assert r.returncode == 0, (r.stderr, out and out["failures"])
    assert (out["moved"], out["failed"], out["alreadyThere"]) == (n, 0, 0), out
    assert local_files(mig_stack) == []
    assert bucket_keys(s3) == before[0]
    for a, content, acct in made:
        assert where(db, a["id"]) == "s3"
        assert download(client, acct, a) == content

    after = snapshot(mig_stack, s3, db)
    r, out = migrate(mig_stack, "local", "s3")
    assert r.returncode == 0, r.stderr
    assert (out["moved"], out["alreadyThere"], out["recovered"]) == (0, n, 0), out
    assert snapshot(mig_stack, s3, db) == after

    # A delete finds the file where the record says.
    gone, _, acct = made.pop()
    assert client.delete(f"/api/cv/analyses/{gone['id']}", headers=acct.auth).status_code == 204
    assert gone["fileUrl"] and len(bucket_keys(s3)) == n - 1

    # For people: a progress bar on a terminal, then the summary table.
    rc, out, shown = run_on_tty(admin_cmd(mig_stack, "storage", "migrate", "--from", "s3",
                                          "--to", "local"), mig_stack.env)
    assert rc == 0, shown
    assert re.search(r"\r\[#+\] \d+/\d+ records, \d+ moved", shown), shown
    assert re.search(r"^moved +%d$" % (n - 1), out, re.M), out
    assert_all_local(mig_stack, s3, db)
    for a, content, acct in made:
        assert download(client, acct, a) == content


def test_sigkill_then_second_run_finishes(mig_stack, s3, db, client):  # noqa: F811
    made = upload_many(client, 5, "kill")
    keys = local_files(mig_stack)
    n = len(keys)

    # Killed right after the third switch, before that source is deleted.
    r, _ = migrate(mig_stack, "local", "s3", env={"CV_TEST_MIGRATE_KILL_AFTER_SWITCH": "3"})
    assert r.returncode == -signal.SIGKILL, (r.returncode, r.stderr)
    on_s3 = [d for d in db.analyses.find({"fileStorage": "s3"})]
    assert len(on_s3) == 3
    assert len(local_files(mig_stack)) == n - 2      # the third source is still there

    r, out = migrate(mig_stack, "local", "s3")
    assert r.returncode == 0, r.stderr
    assert out["recovered"] == 1 and out["moved"] == n - 3 and out["failed"] == 0, out
    assert local_files(mig_stack) == [] and bucket_keys(s3) == keys
    for a, content, acct in made:
        assert download(client, acct, a) == content

    # Killed from outside once progress shows two more files moved back.
    proc = subprocess.Popen(admin_cmd(mig_stack, "storage", "migrate", "--from", "s3",
                                      "--to", "local"),
                            env=mig_stack.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    moved = 0
    for line in proc.stderr:
        moved += " moved (" in line
        if moved == 2:
            proc.kill()
            break
    proc.wait(timeout=60)
    proc.stdout.close()
    proc.stderr.close()
    assert moved == 2

    r, out = migrate(mig_stack, "s3", "local")
    assert r.returncode == 0, r.stderr
    assert out["failed"] == 0 and out["moved"] + out["recovered"] >= n - 2, out
    assert_all_local(mig_stack, s3, db)
    assert local_files(mig_stack) == keys
    for a, content, acct in made:
        assert download(client, acct, a) == content
    r, out = migrate(mig_stack, "s3", "local")
    assert r.returncode == 0 and out["moved"] == 0 and out["recovered"] == 0, out


def test_corrupted_source_is_reported_and_not_switched(mig_stack, s3, db, client):  # noqa: F811
    (bad, _, acct), (good, good_content, _) = upload_many(client, 2, "corrupt")
    from bson import ObjectId
    key = db.analyses.find_one({"_id": ObjectId(bad["id"])})["fileKey"]
    path = mig_stack.state / "uploads" / key
    path.write_bytes(b"not what was uploaded")

    r, out = migrate(mig_stack, "local", "s3")
    assert r.returncode == 1, r.stderr
    assert out["failed"] == 1, out
    assert out["failures"][0]["id"] == bad["id"]
    assert "SHA-256 mismatch" in out["failures"][0]["reason"]
    assert where(db, bad["id"]) == "local" and path.exists()
    assert key not in bucket_keys(s3)
    assert where(db, good["id"]) == "s3"
    assert download(client, acct, good) == good_content

    assert client.delete(f"/api/cv/analyses/{bad['id']}", headers=acct.auth).status_code == 204
    r, out = migrate(mig_stack, "s3", "local")
    assert r.returncode == 0, r.stderr
    assert_all_local(mig_stack, s3, db)


def test_api_serves_while_files_move(mig_stack, s3, db, client):  # noqa: F811
    made = upload_many(client, 6, "live")

    # Half of these moved (records move in _id order, older tests' first):
    # each download is served from where its record says.
    limit = len(local_files(mig_stack)) - 3
    r, out = migrate(mig_stack, "local", "s3", "--limit", str(limit))
    assert r.returncode == 0 and out["moved"] == limit and out["limited"], out
    places = {where(db, a["id"]) for a, _, _ in made}
    assert places == {"local", "s3"}
    for a, content, acct in made:
        assert download(client, acct, a) == content
    # An upload goes to the configured STORAGE (local) and is served.
    fresh = upload_many(client, 1, "during")
    assert where(db, fresh[0][0]["id"]) == "local"
    assert download(client, fresh[0][2], fresh[0][0]) == fresh[0][1]

    # The rest, with downloads and an upload going on all the time.
    proc = subprocess.Popen(admin_cmd(mig_stack, "--json", "storage", "migrate", "--from",
                                      "local", "--to", "s3"),
                            env=mig_stack.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    rounds = 0
    while proc.poll() is None or rounds == 0:
        for a, content, acct in made + fresh:
            assert download(client, acct, a) == content
        rounds += 1
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert json.loads(stdout)["failed"] == 0
    for a, content, acct in made + fresh:
        assert where(db, a["id"]) == "s3"
        assert download(client, acct, a) == content

    r, out = migrate(mig_stack, "s3", "local")
    assert r.returncode == 0, r.stderr
    assert_all_local(mig_stack, s3, db)


def test_erasure_leaves_no_copy_a_migration_made(mig_stack, s3, db, client):  # noqa: F811
    """A run killed between its switch and the source's deletion leaves the
    file in both backends, the record naming the new one. An account
    erasure then deletes both copies, not only the one the record names."""
    from bson import ObjectId
    [(a, content, acct)] = upload_many(client, 1, "erased")
    rec = db.analyses.find_one({"_id": ObjectId(a["id"])})
    key = rec["fileKey"]
    s3.put_object(Bucket=BUCKET, Key=f"cv/{key}", Body=content)
    db.analyses.update_one({"_id": rec["_id"]}, {"$set": {"fileStorage": "s3"}})
    assert key in local_files(mig_stack) and key in bucket_keys(s3)

    r = client.request("DELETE", "/api/auth/me", json={"password": acct.password},
                       headers=acct.auth)
    assert r.status_code == 204, r.text
    assert key not in local_files(mig_stack)
    assert key not in bucket_keys(s3)
    assert db.analyses.find_one({"_id": rec["_id"]}) is None
    assert_all_local(mig_stack, s3, db)
