"""cv-api --check-config and cv-worker --check-config, like nginx -t:
exit 0 on a valid configuration, 1 with a message naming each bad
variable and the form it expects."""
import subprocess

import pytest

GOOD = {
    "APP_ENV": "production",
    "JWT_SECRET": "k" * 40,
    "MONGODB_URI": "mongodb://127.0.0.1:27017/cv",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "UPLOAD_DIR": "/tmp",
}


def check(stack, program, **overrides):
    env = {"PATH": "/usr/bin:/bin", **GOOD, **overrides}
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run([str(stack.build / program), "--env-file", "/dev/null", "--check-config"],
                          env=env, capture_output=True, text=True, timeout=10)


@pytest.mark.parametrize("program", ["cv-api", "cv-worker"])
def test_valid_configuration_passes(stack, program):
    r = check(stack, program)
    assert r.returncode == 0, r.stderr
    assert "valid" in r.stdout


@pytest.mark.parametrize("program", ["cv-api", "cv-worker"])
@pytest.mark.parametrize("name,value,expect", [
    ("MAX_FILE_SIZE", "abc", "MAX_FILE_SIZE=abc: expected a size in bytes"),
    ("JWT_EXPIRES_IN", "7x", "JWT_EXPIRES_IN=7x: expected a duration"),
    ("JWT_SECRET", "short", "JWT_SECRET: expected at least 32 bytes"),
    ("MONGODB_URI", "postgres://nope", "MONGODB_URI: expected a MongoDB connection string"),
    ("WORKER_CONCURRENCY", "0", "WORKER_CONCURRENCY=0: expected an integer from 1 to 64"),
    ("FRONTEND_URL", "localhost:3000", "FRONTEND_URL: expected an origin"),
])
def test_bad_value_is_refused_by_name(stack, program, name, value, expect):
    r = check(stack, program, **{name: value})
    assert r.returncode == 1
    assert expect in r.stderr
    assert "configuration test failed" in r.stderr


def test_short_secret_is_fine_in_development(stack):
    assert check(stack, "cv-api", APP_ENV="development", JWT_SECRET="dev").returncode == 0


def test_every_bad_variable_is_reported_at_once(stack):
    r = check(stack, "cv-api", MAX_FILE_SIZE="abc", JWT_EXPIRES_IN="7x", LOG_LEVEL="loud")
    assert r.returncode == 1
    for name in ("MAX_FILE_SIZE", "JWT_EXPIRES_IN", "LOG_LEVEL"):
        assert name in r.stderr


def test_secret_values_are_not_echoed(stack):
    r = check(stack, "cv-api", MONGODB_URI="mongodb://user:hunter2@@bad", JWT_SECRET="tiny-secret")
    assert r.returncode == 1
    assert "hunter2" not in r.stderr and "tiny-secret" not in r.stderr


def test_missing_explicit_env_file_is_an_error(stack):
    r = subprocess.run([str(stack.build / "cv-api"), "--env-file", "/nonexistent/.env",
                        "--check-config"], env={"PATH": "/usr/bin:/bin", **GOOD},
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert "/nonexistent/.env" in r.stderr


def test_rendered_nginx_config_passes_nginx_t(stack):
    conf = stack.state / "nginx" / "nginx.conf"
    r = subprocess.run(["nginx", "-t", "-c", str(conf), "-p", str(stack.state / "nginx"),
                        "-e", str(stack.state / "logs" / "nginx-t.log")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "syntax is ok" in r.stderr
