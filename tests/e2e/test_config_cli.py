"""cv-api --check-config and cv-worker --check-config, like nginx -t:
exit 0 on a valid configuration, 1 with a message naming each bad
variable and the form it expects; cv-api --print-config, the effective
values deploy/dev reads instead of parsing .env itself."""
import pathlib
import re
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


def print_config(stack, env_file="/dev/null", **overrides):
    env = {"PATH": "/usr/bin:/bin", **GOOD, **overrides}
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run([str(stack.build / "cv-api"), "--env-file", str(env_file),
                           "--print-config"], env=env, capture_output=True, text=True, timeout=10)


def parse_lines(out):
    lines = out.splitlines()
    assert all(re.fullmatch(r"[A-Z0-9_]+=.*", l) for l in lines), out
    return dict(l.split("=", 1) for l in lines)


# The multipart room beyond MAX_FILE_SIZE (CV_UPLOAD_OVERHEAD_MAX_BYTES).
UPLOAD_OVERHEAD = 1024 * 1024


def test_print_config_gives_every_effective_value(stack):
    r = print_config(stack, MAX_FILE_SIZE="2M", JWT_EXPIRES_IN="2h", WORKER_CONCURRENCY="3")
    assert r.returncode == 0, r.stderr
    cfg = parse_lines(r.stdout)
    example = pathlib.Path(__file__).resolve().parents[2] / ".env.example"
    names = re.findall(r"^([A-Z][A-Z0-9_]+)=", example.read_text(), re.M)
    assert names and set(names) <= set(cfg), set(names) - set(cfg)
    assert cfg["MAX_FILE_SIZE"] == str(2 * 1024 * 1024)
    assert cfg["UPLOAD_BODY_MAX"] == str(2 * 1024 * 1024 + UPLOAD_OVERHEAD)
    assert cfg["JWT_EXPIRES_IN"] == "7200"
    assert cfg["WORKER_CONCURRENCY"] == "3"
    assert cfg["APP_ENV"] == "production" and cfg["STORAGE"] == "local"
    assert cfg["OPENAI_API_KEY"] == ""   # unset optional values print empty


def test_print_config_hides_secrets(stack):
    r = print_config(stack, JWT_SECRET="s" * 40, OPENAI_API_KEY="sk-live-abc",
                     MONGODB_URI="mongodb://app:hunter2@127.0.0.1:27017/cv",
                     REDIS_URL="redis://:redispass@127.0.0.1:6379/0",
                     STRIPE_SECRET_KEY="sk_test_zzz", STRIPE_WEBHOOK_SECRET="whsec_zzz",
                     STRIPE_PRICE_ID_PRO="price_1")
    assert r.returncode == 0, r.stderr
    for secret in ("s" * 40, "sk-live-abc", "hunter2", "redispass", "sk_test_zzz", "whsec_zzz"):
        assert secret not in r.stdout
    cfg = parse_lines(r.stdout)
    assert cfg["JWT_SECRET"] == "<set>" and cfg["OPENAI_API_KEY"] == "<set>"
    assert cfg["STRIPE_SECRET_KEY"] == "<set>" and cfg["STRIPE_WEBHOOK_SECRET"] == "<set>"
    assert cfg["MONGODB_URI"] == "mongodb://<set>@127.0.0.1:27017/cv"
    assert cfg["REDIS_URL"] == "redis://<set>@127.0.0.1:6379/0"
    assert cfg["STRIPE_PRICE_ID_PRO"] == "price_1"   # not a secret


def test_print_config_reads_a_quoted_size_from_the_env_file(stack, tmp_path):
    env_file = tmp_path / "cv.env"
    env_file.write_text('MAX_FILE_SIZE="3M"\n')
    r = print_config(stack, env_file)
    assert r.returncode == 0, r.stderr
    cfg = parse_lines(r.stdout)
    assert cfg["MAX_FILE_SIZE"] == str(3 * 1024 * 1024)
    assert cfg["UPLOAD_BODY_MAX"] == str(3 * 1024 * 1024 + UPLOAD_OVERHEAD)


def test_print_config_refuses_a_bad_configuration(stack):
    r = print_config(stack, MAX_FILE_SIZE="abc")
    assert r.returncode == 1
    assert r.stdout == ""
    assert "MAX_FILE_SIZE=abc" in r.stderr


def test_nginx_upload_cap_is_the_one_cv_api_prints(stack):
    cap = stack.config()["UPLOAD_BODY_MAX"]
    conf = (stack.state / "nginx" / "snippets" / "cv-site.conf").read_text()
    caps = re.findall(r"client_max_body_size\s+(\S+);", conf)
    assert cap in caps, caps
