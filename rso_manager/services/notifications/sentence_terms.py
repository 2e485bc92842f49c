"""A conviction's sentence terms, stored as JSON on the conviction (kept whole by its revisions); a
row from before exact terms holds whole months, one term."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rso_manager.domain.notification_period import (
    TERM_DISPOSALS,
    Duration,
    SentenceTerm,
    TermRuns,
    counting_term,
)
from rso_manager.persistence import models as m


def months_term(months: int | None) -> tuple[SentenceTerm, ...]:
    return (SentenceTerm(Duration(months=months)),) if months else ()


def _duration_json(d: Duration) -> dict[str, int]:
    return {"years": d.years, "months": d.months, "weeks": d.weeks, "days": d.days}


def terms_json(terms: tuple[SentenceTerm, ...]) -> str | None:
    if not terms:
        return None
    return json.dumps([{**_duration_json(t.length), "runs": t.runs.value, "overlap": _duration_json(t.overlap)}
                       for t in terms], sort_keys=True)


def terms_of(c: m.Conviction) -> tuple[SentenceTerm, ...]:
    """The conviction's terms; a row from before exact terms holds whole months, one term."""
    if not c.sentence_terms_json:
        return months_term(c.sentence_months)
    def duration(d: Mapping[str, Any]) -> Duration:
        return Duration(int(d.get("years", 0)), int(d.get("months", 0)), int(d.get("weeks", 0)),
                        int(d.get("days", 0)))
    return tuple(SentenceTerm(duration(t), TermRuns(t.get("runs", "consecutive")), duration(t.get("overlap", {})))
                 for t in json.loads(c.sentence_terms_json))


def whole_months(terms: tuple[SentenceTerm, ...]) -> int | None:
    """sentence_months for readers of the older column: set only when it says it all."""
    if len(terms) != 1 or terms[0].length.weeks or terms[0].length.days:
        return None
    return 12 * terms[0].length.years + terms[0].length.months


def sentence_text_of(c: m.Conviction) -> str | None:
    terms = terms_of(c)
    if not terms or c.disposal not in {d.value for d in TERM_DISPOSALS}:
        return None
    try:
        return counting_term(terms, c.sentenced_on or c.convicted_on).explanation
    except ValueError:
        return "; ".join(t.describe() for t in terms)
