"""A decision not to record a crime, or a warning, is reasoned in words that are not boilerplate
(the OMU's rationale policy)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from rso_manager.domain.rationale import RationalePolicy, assess_rationale
from rso_manager.services import settings
from rso_manager.services.errors import FieldProblem


def rationale_policy(s: Session) -> RationalePolicy:
    return RationalePolicy(min_words=int(settings.get(s, "rationale_min_words")))


def rationale_problem(text: str, recent: list[str], policy: RationalePolicy) -> FieldProblem | None:
    verdict = assess_rationale(text, recent, policy)
    if verdict.ok:
        return None
    return FieldProblem("rationale", " ".join(verdict.problems) + " " + verdict.guidance)
