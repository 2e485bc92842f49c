"""What safeguarding entries are checked for: a time with its zone, not in the future, and reasons
that say something (the OMU's rationale policy)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from rso_manager.domain.rationale import RationalePolicy, assess_rationale
from rso_manager.services import settings
from rso_manager.services.errors import FieldProblem


def aware_problem(field: str, moment: datetime | None, now: datetime, label: str) -> FieldProblem | None:
    if moment is None:
        return None
    if not is_aware(moment):
        return FieldProblem(field, f"The {label} needs a time zone.")
    if moment > now:
        return FieldProblem(field, f"The {label} is in the future; record it once it has happened.")
    return None


def is_aware(moment: datetime | None) -> bool:
    return moment is not None and moment.utcoffset() is not None


def reasoned_problem(s: Session, field: str, text: str | None, what: str) -> FieldProblem | None:
    """Disclosure reasons meet the same bar as a sign-off rationale (boilerplate, length)."""
    text = text or ""
    if not text.strip():
        return FieldProblem(field, f"Record the {what}: what was considered and why.")
    verdict = assess_rationale(text, (), RationalePolicy(min_words=int(settings.get(s, "rationale_min_words"))))
    return None if verdict.ok else FieldProblem(field, f"{' '.join(verdict.problems)} {verdict.guidance}")
