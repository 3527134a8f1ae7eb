"""The systemd units: `systemd-analyze verify` finds nothing, and
`systemd-analyze security --offline=yes` scores each service at most
MAX_EXPOSURE. Needs no stack: the units are checked as files, their
ExecStart= pointed at the build's binaries (verify wants them to exist;
the package test verifies the installed units as they are)."""
import os
import pathlib
import re
import subprocess

import pytest

from conftest import ROOT

MAX_EXPOSURE = 2.0
SERVICES = ["cv-api.service", "cv-worker@.service"]


@pytest.fixture(scope="module")
def units(tmp_path_factory):
    build = pathlib.Path(os.environ.get("CV_BUILD_DIR", ROOT / "build"))
    out = tmp_path_factory.mktemp("units")
    for f in (ROOT / "systemd").iterdir():
        if f.suffix in (".service", ".socket", ".target"):
            text = f.read_text().replace("/usr/bin/cv-", f"{build}/cv-")
            (out / f.name).write_text(text)
    (out / "cv-worker@1.service").write_text((out / "cv-worker@.service").read_text())
    return out


def analyze(units, *args):
    return subprocess.run(["systemd-analyze", *args], cwd=units, capture_output=True,
                          text=True, timeout=60)


def test_units_verify_clean(units):
    names = sorted(p.name for p in units.iterdir() if p.name != "cv-worker@.service")
    r = analyze(units, "verify", "--man=no", *[f"./{n}" for n in names])
    assert r.returncode == 0 and not r.stderr.strip(), r.stderr


@pytest.mark.parametrize("unit", SERVICES)
def test_security_exposure_at_most_two(units, unit):
    r = analyze(units, "security", "--offline=yes", unit)
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", r.stdout)
    assert m, r.stdout + r.stderr
    print(f"\n{unit}: exposure {m.group(1)}")
    assert float(m.group(1)) <= MAX_EXPOSURE, r.stdout


def test_env_file_read_once(units):
    for unit in SERVICES:
        text = (units / unit).read_text()
        assert not re.search(r"^EnvironmentFile=", text, re.M)
        assert "--env-file /etc/cv-analyzer/cv-analyzer.env" in text
