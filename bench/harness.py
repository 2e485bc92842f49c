"""Measuring one figure beside its baseline in the same run, and the table and JSON of them.

The machine is shared (2 cores, other work running), so a figure's milliseconds mean little on
their own: each is measured alternately with a baseline doing the same job the plainest way, and
the ratio of the two medians is the number the targets are set in.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Measurement:
    figure: int
    name: str
    median: float  # seconds, or MB / pages for those units
    baseline_name: str
    baseline_median: float
    unit: str = "s"
    runs: list[float] = field(default_factory=list)
    baseline_runs: list[float] = field(default_factory=list)
    target: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if not self.baseline_median:
            return None
        return self.median / self.baseline_median

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["ratio"] = self.ratio
        return out


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def alternate(fn: Callable[[], Any], baseline: Callable[[], Any], repeat: int,
              budget_s: float) -> tuple[list[float], list[float], Any]:
    """REPEAT timings of FN and of BASELINE, one after the other so both see the same load. A
    figure whose runs have used BUDGET_S stops early (at least one run each): a slow figure must
    not take the whole benchmark's ten minutes."""
    runs: list[float] = []
    base: list[float] = []
    result = None
    spent = 0.0
    for _ in range(max(1, repeat)):
        b, _ = timed(baseline)
        t, result = timed(fn)
        base.append(b)
        runs.append(t)
        spent += b + t
        if spent > budget_s:
            break
    return runs, base, result


def compare(figure: int, name: str, fn: Callable[[], Any], baseline_name: str,
            baseline: Callable[[], Any], *, repeat: int, budget_s: float, target: str = "",
            extra: Callable[[Any], dict[str, Any]] | None = None) -> Measurement:
    runs, base, result = alternate(fn, baseline, repeat, budget_s)
    return Measurement(figure, name, median(runs), baseline_name, median(base), runs=runs,
                       baseline_runs=base, target=target, extra=extra(result) if extra else {})


def exponent(ns: list[int], values: list[float]) -> float | None:
    """The slope of log(value) on log(N), least squares: 1.0 is linear growth."""
    points = [(math.log(n), math.log(v)) for n, v in zip(ns, values, strict=True) if v and v > 0]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in points) / sxx


def _shown(value: float, unit: str) -> str:
    if value != value:  # NaN: not measured
        return "-"
    if unit == "s":
        return f"{value * 1000:,.1f} ms" if value < 10 else f"{value:,.1f} s"
    return f"{value:,.1f} {unit}"


def table(measurements: list[Measurement]) -> str:
    """The medians and ratios, one line a measurement, grouped by figure."""
    lines = [f"{'#':>2} {'figure':<52} {'n':>2} {'median':>11} {'baseline':<38} {'median':>11} {'ratio':>7}  target",
             "-" * 140]
    for x in measurements:
        ratio = f"{x.ratio:6.2f}x" if x.ratio is not None else "      -"
        lines.append(f"{x.figure:>2} {x.name[:52]:<52} {len(x.runs):>2} {_shown(x.median, x.unit):>11} "
                     f"{x.baseline_name[:38]:<38} {_shown(x.baseline_median, x.unit):>11} {ratio}  {x.target}")
    return "\n".join(lines)
