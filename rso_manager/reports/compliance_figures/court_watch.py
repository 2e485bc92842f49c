"""Court watch figures (issue 18): people charged and awaiting trial, hearings with no outcome
recorded, and how long from a conviction to the OMU knowing of it."""

from __future__ import annotations

from dataclasses import dataclass

from rso_manager.reports.compliance_figures.context import Ctx
from rso_manager.reports.compliance_figures.figures import DurationSummary, ExceptionRow


@dataclass(frozen=True)
class CourtWatchFigures:
    pending_prosecutions: int = 0
    hearings_without_outcome: tuple[ExceptionRow, ...] = ()
    pending_shpo_applications: tuple[ExceptionRow, ...] = ()
    conviction_to_known: DurationSummary = DurationSummary(0, None, None)


def court_watch_figures(c: Ctx) -> CourtWatchFigures:
    return CourtWatchFigures()
