"""Monitoring: the Prometheus alert rules pass promtool's check and their
unit tests, and every metric the rules and the Grafana dashboard use is
one cv-api exports."""
import json
import os
import pathlib
import re
import subprocess

import pytest

from conftest import ROOT

MONITORING = ROOT / "monitoring"
PROMTOOL = os.environ.get("CV_PROMTOOL",
                          str(pathlib.Path.home() / ".cache/cv-analyzer/bin/promtool"))
# What Prometheus adds itself, and the histogram series of our histograms.
NOT_OURS = {"up"}


def promtool(*args):
    if not os.access(PROMTOOL, os.X_OK):
        pytest.fail(f"no promtool at {PROMTOOL} (deploy/dev deps unpacks it)")
    return subprocess.run([PROMTOOL, *args], cwd=MONITORING, capture_output=True, text=True,
                          timeout=120)


def test_rules_are_valid():
    r = promtool("check", "rules", "alerts.yml")
    assert r.returncode == 0, r.stdout + r.stderr


def test_rules_unit_tests_pass():
    r = promtool("test", "rules", "alerts.test.yml")
    assert r.returncode == 0 and "SUCCESS" in r.stdout, r.stdout + r.stderr


def used_metrics():
    text = (MONITORING / "alerts.yml").read_text()
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    names = set(re.findall(r"\b(cv_[a-z_]+)\b", text + "\n".join(exprs)))
    return {re.sub(r"_(bucket|sum|count)$", "", n) for n in names}


def test_every_metric_used_is_exported(stack, api):
    api.get("/api/health")   # at least one request counted
    exported = stack.client().get("/api/metrics").text
    families = set(re.findall(r"^# TYPE (\S+) ", exported, re.M))
    missing = used_metrics() - families - NOT_OURS
    assert not missing, f"used by the rules or the dashboard but not exported: {missing}"
