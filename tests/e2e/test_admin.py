"""cv-admin, the operator's command: the same configuration rules as the
services, usage errors that change nothing, and its commands against the
running stack (tables for people, --json for scripts)."""
import json
import subprocess

import pytest


def admin(stack, *args, env=None, timeout=60):
    cmd = [str(stack.build / "cv-admin"), "--env-file", str(stack.state / "cv.env"), *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)


def test_check_config_uses_the_services_rules(stack):
    r = admin(stack, "--check-config")
    assert r.returncode == 0, r.stderr
    assert "valid" in r.stdout
    r = admin(stack, "--check-config", env={"PATH": "/usr/bin:/bin", "MAX_FILE_SIZE": "abc"})
    assert r.returncode == 1
    assert "MAX_FILE_SIZE=abc: expected a size in bytes" in r.stderr


@pytest.mark.parametrize("args", [[], ["nope"], ["queue"], ["queue", "nope"], ["--bogus"]])
def test_usage_errors_exit_2(stack, args):
    r = admin(stack, *args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr


def test_queue_stats_table_and_json(stack):
    r = admin(stack, "queue", "stats")
    assert r.returncode == 0, r.stderr
    assert "dead letters" in r.stdout
    r = admin(stack, "--json", "queue", "stats")
    assert r.returncode == 0, r.stderr
    stats = json.loads(r.stdout)
    assert set(stats) == {"depth", "pending", "delayed", "deadLetters"}
    assert all(isinstance(v, int) and v >= 0 for v in stats.values())
