"""The benchmark harness runs end to end: `python -m bench` at N = 200, once each, on SQLite in
a temporary directory, and writes every figure of issue 16 with its baseline and ratio. Its
numbers are not asserted (they depend on the machine); that it measures everything is."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIGURES = {1, 2, 3, 4, 5, 6, 7, 8}


def test_the_benchmark_measures_every_figure_beside_a_baseline(tmp_path):
    out = tmp_path / "results.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--offenders", "200", "--repeat", "1", "--db", str(tmp_path / "bench.db"),
         "--workdir", str(tmp_path / "work"), "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    results = json.loads(out.read_text())
    [run] = results["runs"]
    assert run["offenders"] == 200 and results["machine"]["cpus"]
    measurements = run["measurements"]
    assert {x["figure"] for x in measurements} == FIGURES
    for x in measurements:
        assert x["baseline_name"], x["name"]
        for value in (x["median"], x["baseline_median"]):
            assert isinstance(value, float) and math.isfinite(value) and value >= 0, x["name"]
        assert x["baseline_median"] > 0 and x["ratio"] == x["median"] / x["baseline_median"], x["name"]
        assert x["runs"] and x["baseline_runs"], x["name"]
    names = {x["name"] for x in measurements}
    for expected in ("caseload, whole force (OMU lead)", "caseload first page, force (paged)", "planner, whole force, 90 days", "audit verify",
                     "compliance PDF force: render", "cold start to caseload (OMU lead, whole force)",
                     "filter keystroke to updated view (force)", "longest GUI block: report (team PDF)"):
        assert any(n.startswith(expected) for n in names), expected
    # The printed table names every figure too.
    assert "ratio" in done.stdout and "longest GUI block: sign-in" in done.stdout
    # Each PDF was built and counted: pages and rows printed.
    pdf = next(x for x in measurements if x["name"] == "compliance PDF force: render")
    assert pdf["extra"]["pages"] >= 1 and pdf["extra"]["rows"] > 0


def test_the_growth_exponent_is_the_log_log_slope():
    from bench.harness import exponent

    assert exponent([1000, 10000, 100000], [0.01, 0.1, 1.0]) == pytest_approx(1.0)
    assert exponent([1000, 10000], [0.01, 1.0]) == pytest_approx(2.0)
    assert exponent([1000], [0.01]) is None


def pytest_approx(value):
    import pytest

    return pytest.approx(value, rel=1e-9)


def test_only_takes_figure_numbers_or_names():
    import pytest

    from bench.__main__ import DEFAULT, chosen

    assert chosen(None) == DEFAULT and "demo" not in DEFAULT
    assert chosen("2,7") == ["caseload", "audit"]
    assert chosen("3") == chosen("8") == ["gui"]
    assert chosen("pdf,startup") == ["pdf", "startup"]
    with pytest.raises(SystemExit):
        chosen("11")
