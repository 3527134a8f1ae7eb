"""cv-admin analyses requeue and dead-letters list|replay|drop against the
running stack: what they change, and that bad input changes nothing."""
import json

from bson import ObjectId

from conftest import register
from test_admin import admin
from test_analyses import redis_cli
from test_worker import upload, wait_done

DEAD = "cv:analysis:dead"


def failed_analysis(api):
    """A real analysis that the worker failed (no text in the file)."""
    acct = register(api)
    a = upload(api, acct, b"   \n\t \n", name="blank.txt")
    done = wait_done(api, acct, a["id"])
    assert done["status"] == "failed", done
    return acct, a["id"]


def dead_letter(stack, analysis_id, reason):
    """Record a dead letter the way the worker does after its last attempt."""
    return redis_cli(stack, "XADD", DEAD, "*", "analysisId", analysis_id,
                     "requestId", "r" * 32, "reason", reason).strip()


def listed(stack):
    r = admin(stack, "--json", "dead-letters", "list", "--limit", "1000")
    assert r.returncode == 0, r.stderr
    return {d["entry"]: d for d in json.loads(r.stdout)["deadLetters"]}


def jobs_for(stack, analysis_id):
    return redis_cli(stack, "XRANGE", "cv:analysis:jobs", "-", "+").count(analysis_id)


def test_dead_letters_list_replay_drop(stack, api):
    acct, aid = failed_analysis(api)
    entry = dead_letter(stack, aid, "LLM answered 500 three times")
    gone = dead_letter(stack, str(ObjectId()), "an analysis erased since")

    items = listed(stack)
    assert items[entry] == {"entry": entry, "analysisId": aid, "requestId": "r" * 32,
                            "reason": "LLM answered 500 three times"}
    r = admin(stack, "dead-letters", "list")
    assert r.returncode == 0 and "ENTRY" in r.stdout and aid in r.stdout
    r = admin(stack, "--json", "dead-letters", "list", "--after", entry, "--limit", "1000")
    assert entry not in {d["entry"] for d in json.loads(r.stdout)["deadLetters"]}

    # Bad input: usage errors, and nothing replayed or dropped.
    for args in (["replay"], ["replay", "nope"], ["replay", entry, "12-x"], ["drop", "0"],
                 ["list", "--limit", "0"], ["list", "--limit", "1001"], ["list", "--after"],
                 ["frobnicate"]):
        r = admin(stack, "dead-letters", *args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
    assert entry in listed(stack) and jobs_for(stack, aid) == 1

    # An entry whose analysis is gone cannot be replayed; it stays, to drop.
    r = admin(stack, "dead-letters", "replay", gone)
    assert r.returncode == 1 and "no analysis" in r.stderr
    assert gone in listed(stack)

    r = admin(stack, "--json", "dead-letters", "replay", entry)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"entry": entry, "analysisId": aid, "replayed": True}
    assert entry not in listed(stack)
    assert jobs_for(stack, aid) == 2
    assert wait_done(api, acct, aid)["status"] == "failed"   # the worker ran it again

    r = admin(stack, "dead-letters", "drop", gone)
    assert r.returncode == 0 and "dropped" in r.stdout
    assert gone not in listed(stack)
    r = admin(stack, "dead-letters", "drop", gone)
    assert r.returncode == 1 and "no dead letter" in r.stderr


def test_analyses_requeue(stack, api):
    acct, aid = failed_analysis(api)
    for bad in ("nope", aid.upper(), aid + "0"):
        assert admin(stack, "analyses", "requeue", bad).returncode == 2
    assert jobs_for(stack, aid) == 1

    r = admin(stack, "analyses", "requeue", str(ObjectId()))
    assert r.returncode == 1 and "no analysis" in r.stderr

    r = admin(stack, "--json", "analyses", "requeue", aid)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"id": aid, "status": "queued"}
    assert jobs_for(stack, aid) == 2
    assert wait_done(api, acct, aid)["status"] == "failed"

    ok = upload(api, acct, b"Ada Lovelace\nPython engineer, 10 years of experience.\n",
                name="cv.txt")
    assert wait_done(api, acct, ok["id"])["status"] == "completed"
    r = admin(stack, "analyses", "requeue", ok["id"])
    assert r.returncode == 1 and "not failed" in r.stderr
    assert jobs_for(stack, ok["id"]) == 1
