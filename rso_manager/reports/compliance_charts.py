"""The compliance summary's two charts: overdue home visits by team, officer or risk level, and
the share of home visits made unannounced, month by month."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from rso_manager.reports.compliance_figures import Count
from rso_manager.reports.pdf_kit import FONT, FONT_BOLD, INK, MUTED, drawing

BAR = colors.HexColor("#3E6A8A")
BAR_ALERT = colors.HexColor("#B03A2E")


def _chart_title(d: Drawing, text: str) -> None:
    d.add(String(6, d.height - 11, text, fontName=FONT_BOLD, fontSize=8.5, fillColor=INK))


def _empty(d: Drawing, text: str) -> Drawing:
    d.add(String(d.width / 2, d.height / 2, text, fontName=FONT, fontSize=8, fillColor=MUTED,
                 textAnchor="middle"))
    return d


def overdue_chart(counts: Sequence[Count], by: str, width: float, height: float) -> Drawing:
    top = list(counts[:10])
    d = drawing(width, height)
    more = f" (top 10 of {len(counts)})" if len(counts) > 10 else ""
    _chart_title(d, f"Overdue home visits by {by}{more}")
    if not top:
        return _empty(d, "No overdue home visits")
    chart = HorizontalBarChart()
    chart.x, chart.y = 34 * mm, 6 * mm
    chart.width, chart.height = width - chart.x - 10 * mm, height - chart.y - 16
    top.reverse()  # ReportLab draws the first category at the bottom: put the largest on top
    chart.data = [[c.count for c in top]]
    chart.categoryAxis.categoryNames = [c.label if len(c.label) <= 22 else c.label[:21] + "…" for c in top]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -3
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.forceZero = True
    peak = max(c.count for c in top)
    chart.valueAxis.valueMax = max(4, peak + max(1, peak // 8))
    chart.valueAxis.valueStep = max(1, -(-chart.valueAxis.valueMax // 5))
    chart.valueAxis.labelTextFormat = "%d"
    chart.bars[0].fillColor = BAR_ALERT
    chart.bars.strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    d.add(chart)
    return d


def unannounced_chart(months, width: float, height: float) -> Drawing:
    d = drawing(width, height)
    _chart_title(d, "Unannounced home visits by month (%)")
    if not any(m.share.denominator for m in months):
        return _empty(d, "No home visits in the period")
    shown = list(months[-12:])
    chart = VerticalBarChart()
    chart.x, chart.y = 9 * mm, 10 * mm
    chart.width, chart.height = width - chart.x - 4 * mm, height - chart.y - 26
    chart.data = [[100 * m.share.numerator / m.share.denominator if m.share.denominator else 0 for m in shown]]
    chart.categoryAxis.categoryNames = [
        date.fromisoformat(f"{m.month}-01").strftime("%b %y") for m in shown]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.dy = -2
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 25
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d"
    chart.bars[0].fillColor = BAR
    chart.bars.strokeColor = None
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 6.5
    chart.barLabels.dy = 2
    chart.barLabels.boxAnchor = "s"
    chart.barLabelFormat = "%.0f"
    d.add(chart)
    # Say "no visits" under an empty month rather than draw a misleading 0%.
    for i, m in enumerate(shown):
        if not m.share.denominator:
            step = chart.width / len(shown)
            d.add(String(chart.x + step * (i + 0.5), chart.y + 3, "none", fontName=FONT, fontSize=6,
                         fillColor=MUTED, textAnchor="middle"))
    return d
