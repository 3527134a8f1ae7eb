"""The Debian package, as a sysadmin meets it: built by CPack from the
release build, lintian-clean (no error), installed with dpkg -i on this
machine, the files where they belong and the env file generated once,
the installed programs serving the test stack through its nginx (cv-api
socket-activated by systemd-socket-activate: no systemd PID 1 here), and
a purge that leaves nothing behind.

It installs into the running system, so it needs root, and a lock
serialises it with any other run of it on this machine."""
import contextlib
import fcntl
import os
import pathlib
import re
import signal
import stat
import subprocess
import time

import pytest

from conftest import ROOT, alive, register
import cvfixtures as fx
from test_analyses import upload
from test_pool import wait_for

PKG = "cv-analyzer"
ENV_FILE = pathlib.Path("/etc/cv-analyzer/cv-analyzer.env")
LOCK = "/tmp/cv-analyzer-package-test.lock"
DPKG_LOCK_WAIT_S = 600
INSTALLED = [
    "/usr/bin/cv-api", "/usr/bin/cv-worker", "/usr/bin/cv-admin",
    "/usr/lib/systemd/system/cv-api.service", "/usr/lib/systemd/system/cv-api.socket",
    "/usr/lib/systemd/system/cv-worker@.service", "/usr/lib/systemd/system/cv-analyzer.target",
    "/usr/lib/sysusers.d/cv-analyzer.conf", "/usr/lib/tmpfiles.d/cv-analyzer.conf",
    "/usr/share/man/man8/cv-api.8.gz", "/usr/share/man/man8/cv-worker.8.gz",
    "/usr/share/man/man8/cv-admin.8.gz",
    "/usr/share/man/man5/cv-analyzer.env.5.gz",
    "/usr/share/doc/cv-analyzer/copyright", "/usr/share/doc/cv-analyzer/changelog.Debian.gz",
    "/usr/share/cv-analyzer/cv-analyzer.env.example",
    "/usr/share/cv-analyzer/nginx/cv-analyzer.conf.in",
    "/usr/share/cv-analyzer/nginx/snippets/cv-limits.conf",
    "/usr/share/cv-analyzer/install-server",
]
LEFT_BEHIND = ["/etc/cv-analyzer", "/var/lib/cv-analyzer", "/run/cv-analyzer", "/usr/bin/cv-api",
               "/usr/bin/cv-worker", "/usr/share/cv-analyzer", "/usr/share/doc/cv-analyzer",
               "/usr/lib/systemd/system/cv-api.service"]

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="dpkg -i needs root")


def run(*cmd, check=True, timeout=300, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if check and r.returncode != 0:
        raise AssertionError(f"{cmd}: exit {r.returncode}\n{r.stdout}\n{r.stderr}")
    return r


def dpkg(*args):
    """dpkg, waiting for another dpkg or apt run's lock instead of failing."""
    deadline = time.monotonic() + DPKG_LOCK_WAIT_S
    while True:
        r = run("dpkg", *args, check=False)
        if r.returncode == 0 or "lock" not in r.stderr or time.monotonic() > deadline:
            assert r.returncode == 0, f"dpkg {args}: {r.stdout}\n{r.stderr}"
            return r
        time.sleep(2)


def installed():
    r = run("dpkg-query", "-W", "-f=${Status}", PKG, check=False)
    return "installed" in r.stdout or "config-files" in r.stdout


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    """Build the .deb from the release build (deploy/dev test made it)."""
    build = pathlib.Path(os.environ.get("CV_RELEASE_BUILD_DIR", ROOT / "build"))
    assert (build / "CPackConfig.cmake").exists(), f"no release build in {build}"
    out = tmp_path_factory.mktemp("deb")
    run("cmake", "--build", str(build), "--target", "cv-api", "cv-worker", "cv-admin",
        timeout=900)
    run("cpack", "-G", "DEB", "-B", str(out), cwd=build, timeout=600)
    debs = sorted(out.glob(f"{PKG}_*.deb"))
    ddebs = sorted(out.glob(f"{PKG}-dbgsym_*.ddeb"))
    assert len(debs) == 1 and len(ddebs) == 1, list(out.iterdir())
    return debs[0], ddebs[0]


@pytest.fixture(scope="module")
def lock():
    with open(LOCK, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="module")
def install(package, lock):
    deb, _ = package
    if installed():
        dpkg("--purge", PKG)
    dpkg("-i", str(deb))
    try:
        yield deb
    finally:
        if installed():
            dpkg("--purge", PKG)


def test_control_fields(package):
    deb, ddeb = package
    info = run("dpkg-deb", "-f", str(deb)).stdout
    depends = re.search(r"^Depends: (.*)$", info, re.M).group(1)
    names = [d.split()[0] for d in depends.split(", ")]
    # Libraries only, and what the maintainer scripts run.
    assert all(n.startswith("lib") or n in ("systemd", "init-system-helpers") for n in names), names
    assert re.search(r"^Recommends: nginx, libnginx-mod-nchan, redis-server$", info, re.M)
    assert re.search(r"^Section: web$", info, re.M)
    assert "built using CMake" not in info
    assert re.search(r"^Maintainer: .+ <[^@ ]+@[^@ ]+\.[a-z]+>$", info, re.M)
    files = run("dpkg-deb", "-c", str(deb)).stdout
    assert "etc/cv-analyzer" not in files   # the env file is generated, never shipped
    assert ".build-id" in run("dpkg-deb", "-c", str(ddeb)).stdout
    # Paths in the package, not in the build tree (fix-dbgsym.sh).
    md5sums = run("dpkg-deb", "-I", str(ddeb), "md5sums").stdout
    assert all(l.split("  ", 1)[1].startswith("usr/lib/debug/") for l in md5sums.splitlines())


def test_lintian_finds_no_error(package):
    deb, ddeb = package
    r = run("lintian", "--no-tag-display-limit", str(deb), str(ddeb), check=False, timeout=600)
    errors = [l for l in r.stdout.splitlines() if l.startswith("E:")]
    print("\n" + r.stdout)
    assert not errors, r.stdout


def test_binaries_stripped_and_hardened(package, tmp_path):
    deb, _ = package
    run("dpkg-deb", "-x", str(deb), str(tmp_path))
    for name in ("cv-api", "cv-worker", "cv-admin"):
        path = tmp_path / "usr/bin" / name
        sections = run("readelf", "-S", "-W", str(path)).stdout
        assert ".debug_info" not in sections and ".gnu_debuglink" in sections
        dynamic = run("readelf", "-d", "-W", str(path)).stdout
        assert "BIND_NOW" in dynamic and "PIE" in dynamic
        assert "GNU_RELRO" in run("readelf", "-l", "-W", str(path)).stdout
        symbols = run("readelf", "--dyn-syms", "-W", str(path)).stdout
        assert "__stack_chk_fail" in symbols and re.search(r"__\w+_chk@", symbols)


def test_installed_files_and_generated_env(install):
    for path in INSTALLED:
        assert pathlib.Path(path).exists(), path
    st = ENV_FILE.stat()
    assert stat.S_IMODE(st.st_mode) == 0o640
    assert st.st_uid == 0 and run("stat", "-c", "%G", str(ENV_FILE)).stdout.strip() == PKG
    secret = re.search(r"^JWT_SECRET=([0-9a-f]*)$", ENV_FILE.read_text(), re.M).group(1)
    assert len(secret) == 64
    assert "No secret belongs in this file" not in ENV_FILE.read_text()
    assert str(ENV_FILE) not in run("dpkg-query", "-L", PKG).stdout
    run("getent", "passwd", PKG)
    assert "www-data" in run("id", "-nG", "www-data").stdout
    assert PKG in run("id", "-nG", "www-data").stdout
    for d in ("/var/lib/cv-analyzer", "/var/lib/cv-analyzer/uploads"):
        assert run("stat", "-c", "%U %a", d).stdout.split() == [PKG, "750"]
    # Enabled, not started: the symlinks exist, nothing runs.
    wants = pathlib.Path("/etc/systemd/system")
    assert (wants / "cv-analyzer.target.wants/cv-api.service").is_symlink()
    assert (wants / "cv-analyzer.target.wants/cv-worker@1.service").is_symlink()
    assert (wants / "sockets.target.wants/cv-api.socket").is_symlink()
    assert (wants / "multi-user.target.wants/cv-analyzer.target").is_symlink()
    # Both programs accept it, read as the service user reads it.
    for prog in ("cv-api", "cv-worker"):
        r = run("setpriv", "--reuid", PKG, "--regid", PKG, "--init-groups",
                f"/usr/bin/{prog}", "--env-file", str(ENV_FILE), "--check-config", env={})
        assert "configuration is valid (APP_ENV=production" in r.stdout
    # The installed units verify, man pages included.
    r = run("systemd-analyze", "verify", "cv-api.socket", "cv-api.service",
            "cv-worker@1.service", "cv-analyzer.target", check=False)
    assert r.returncode == 0 and not r.stderr.strip(), r.stderr


def test_reinstall_keeps_the_env_file(install):
    before = ENV_FILE.read_text()
    dpkg("-i", str(install))
    assert ENV_FILE.read_text() == before


@contextlib.contextmanager
def spawned(cmd, log):
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env={"PATH": "/usr/bin:/bin"},
                            start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def test_installed_programs_serve_the_stack(install, stack, tmp_path):
    """The stack's own cv-api and cv-worker give way to the installed ones,
    run as the service user on the generated env pointed at the stack's
    MongoDB and Redis, as the units would run them; an analysis goes
    through nginx end to end."""
    # As an operator would: point the generated file at the databases.
    stack_env = (stack.state / "cv.env").read_text()
    with open(ENV_FILE, "a") as f:
        f.writelines(m.group(0) + "\n"
                     for m in re.finditer(r"^(MONGODB_URI|REDIS_URL)=.*$", stack_env, re.M))
    env = ENV_FILE
    as_user = ["setpriv", "--reuid", PKG, "--regid", PKG, "--init-groups"]
    sock = stack.state / "run" / "cv-api.sock"
    stack.stop("cv-api")
    stack.stop("cv-worker")
    sock.unlink(missing_ok=True)
    api_log, worker_log = tmp_path / "api.log", tmp_path / "worker.log"
    try:
        with open(api_log, "w") as al, open(worker_log, "w") as wl, \
             spawned(["systemd-socket-activate", "-l", str(sock), *as_user, "/usr/bin/cv-api",
                      "--env-file", str(env)], al) as api_proc, \
             spawned([*as_user, "/usr/bin/cv-worker", "--env-file", str(env)], wl) as worker:
            stack.wait_ready(200, timeout=60)
            assert "cv-api master starting" in api_log.read_text()
            with stack.client() as c:
                acc = register(c)
                # A PDF: the installed worker's extraction sandbox runs.
                r = upload(c, acc, fx.pdf_bytes())
                assert r.status_code == 202, r.text
                aid = r.json()["analysis"]["id"]
                done = wait_for(lambda: (a := c.get(f"/api/cv/analyses/{aid}",
                                                   headers=acc.auth).json()["analysis"])
                                ["status"] in ("completed", "failed") and a, timeout=60)
                assert done["status"] == "completed", done
            os.kill(worker.pid, signal.SIGHUP)
            wait_for(lambda: "configuration reloaded" in worker_log.read_text())
            assert worker.poll() is None
            # The file landed where the package's directories are.
            assert any(p.is_file() for p in pathlib.Path("/var/lib/cv-analyzer/uploads").rglob("*"))
            api_proc.send_signal(signal.SIGTERM)
            assert api_proc.wait(30) == 0
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(60) == 0
    finally:
        sock.unlink(missing_ok=True)
        stack.start("cv-worker")
        stack.start("cv-api")
    stack.wait_ready(200)


def test_purge_leaves_nothing_behind(install):
    # What `npm ci` of the runbook's --web step puts there goes too.
    node_modules = pathlib.Path("/usr/share/cv-analyzer/web-vendor/node_modules/some-module")
    node_modules.mkdir(parents=True)
    (node_modules / "index.js").write_text("")
    dpkg("--purge", PKG)
    assert not installed()
    left = [p for p in LEFT_BEHIND if pathlib.Path(p).exists()]
    left += [str(p) for p in pathlib.Path("/etc/systemd/system").rglob("*cv-a*")]
    left += [str(p) for p in pathlib.Path("/etc/systemd/system").rglob("cv-worker*")]
    left += [str(p) for p in pathlib.Path("/var/lib/systemd/deb-systemd-helper-enabled").rglob("*cv-*")]
    assert not left, left
