"""Offender.next_safeguarding_due: the earliest due time of any open part of any safeguarding
response on the case (a referral not made, an s.327A consideration not decided, a child not yet
checked), so the caseload can flag "Safeguarding overdue" without reading the parts (issue 19).

Only models here: case_summary.refresh may call it without importing the safeguarding services.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from rso_manager.persistence import models as m


def open_referral_parts(F=m.SafeguardingReferral):
    return (F.voided_at.is_(None), F.referral_due_at.is_not(None), F.referred_at.is_(None),
            F.not_applicable_at.is_(None))


def open_disclosure_parts(D=m.Disclosure):
    # Only the consideration a concern opened has a due time; a CSODS application keeps its own stages.
    return (D.voided_at.is_(None), D.due_at.is_not(None), D.decision.is_(None), D.not_applicable_at.is_(None))


def open_check_parts(C=m.ChildSafetyCheck):
    return (C.voided_at.is_(None), C.checked_at.is_(None), C.not_applicable_at.is_(None))


def next_safeguarding_due(s: Session, offender_id: int) -> datetime | None:
    F, D, C = m.SafeguardingReferral, m.Disclosure, m.ChildSafetyCheck
    dues = [
        s.scalar(select(func.min(F.referral_due_at)).where(F.offender_id == offender_id, *open_referral_parts())),
        # A part of a concern entered in error (the referral row voided) is no longer due.
        s.scalar(select(func.min(D.due_at)).outerjoin(F, F.id == D.referral_id)
                 .where(D.offender_id == offender_id, *open_disclosure_parts(), F.voided_at.is_(None))),
        s.scalar(select(func.min(C.due_at)).join(F, F.id == C.referral_id)
                 .where(C.offender_id == offender_id, *open_check_parts(), F.voided_at.is_(None))),
    ]
    present = [d for d in dues if d is not None]
    return min(present) if present else None


def refresh_next_due(s: Session, offender_id: int) -> None:
    """Keep the case's next safeguarding due time; called by every write that changes a part.
    A Core UPDATE, as case_summary.refresh does: a derived column must not bump the record's
    version under a colleague's open edit."""
    s.flush()
    value = next_safeguarding_due(s, offender_id)
    s.execute(update(m.Offender).where(m.Offender.id == offender_id).values(next_safeguarding_due=value))
    o = s.get(m.Offender, offender_id)
    if o is not None:
        set_committed_value(o, "next_safeguarding_due", value)
