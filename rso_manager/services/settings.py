"""Configuration an OMU may change, kept in the database and seeded from resources/.

A setting that was never changed reads its default from resources/, so a new release's
defaults reach every OMU that has not chosen otherwise.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.domain.directory_mapping import DEFAULTS as DIRECTORY_DEFAULTS
from rso_manager.domain.intelligence_grading import (
    THREE_BY_FIVE_BY_TWO,
    GradingScheme,
    scheme_from_setting,
)
from rso_manager.domain.notification_due import DEFAULT_POLICY, NotificationPolicy
from rso_manager.domain.safeguarding_response import ResponsePolicy
from rso_manager.domain.visit_policy import VisitPolicy, policy_from_dict
from rso_manager.persistence.models import Setting

DEFAULTS: dict[str, Any] = {
    "caseload_ceiling": 50,               # HMICFRS: 100 per officer is "double" (domain.md 2.6)
    "crime_reference_pattern": r"^[A-Z]{2}-\d{2}-\d{6}$",
    "crime_reference_example": "NY-26-012345",
    "device_check_visits": 2,             # flag devices not checked at the last N home visits
    "reminder_days_ahead": 7,
    "sign_off_escalation_working_days": 5,
    "rationale_min_words": 15,
    "consultation_hours": 12,             # how long one opening of a record covers its reads
    "open_reason_min_words": 3,           # a reason for opening a linked record
    "outside_link_reason_min_words": 10,  # ... and one outside the caseload (reviewed)
    "photograph_max_bytes": 10 * 1024 * 1024,  # a larger file is refused with a message
    # The codes intelligence is graded with: 3x5x2; a force on 5x5x5 sets
    # domain.intelligence_grading.FIVE_BY_FIVE_BY_FIVE.as_setting() here.
    "intelligence_grading": THREE_BY_FIVE_BY_TWO.as_setting(),
    # The OMU's telephone and secure email, printed as the contact on documents sent outside
    # the force (a children's social care referral); empty until the OMU sets it.
    "omu_contact": "",
    # Calendar exports of booked visits carry names and home addresses only when an
    # administrator allows it (services/exchange/calendar.py; each change audited).
    "calendar_include_personal": False,
    # The safeguarding response a concern about a child opens (issue 19): working days each part
    # is due in, counted from the concern's London day; 0 is the same working day.
    "safeguarding_referral_working_days": 0,
    "safeguarding_disclosure_working_days": 1,
    "safeguarding_child_check_working_days": 1,
    "safeguarding_remind_hours_before": 4,  # a part's owner is told this long before it falls due
    # The administrator's settings dialog (domain/setting_definitions.py) edits these too.
    "session_lock_minutes": 15,           # security.md R11; never more than 30 (CJIS 5.5.5)
    "second_factor_for_everyone": False,  # administrators and OMU leads always use a code
    "backup_folder": "",                  # empty: <data dir>/backups (ui/workflows/backups.py)
    "backup_keep": 14,                    # persistence/backup.py DEFAULT_KEEP (R16)
    # Directory sign-in (issue 17 part 2; services/directory_sign_in.py): off until configured.
    "directory": dict(DIRECTORY_DEFAULTS),
}


def _resource_json(name: str) -> Any:
    return json.loads(files("resources").joinpath(name).read_text(encoding="utf-8"))


def get(session: Session, key: str) -> Any:
    raw = session.scalar(select(Setting.value_json).where(Setting.key == key))
    if raw is not None:
        return json.loads(raw)
    if key == "visit_policy":
        return _resource_json("visit_policy.json")
    if key in DEFAULTS:
        return DEFAULTS[key]
    raise KeyError(f"no setting called {key}")


def visit_policy(session: Session) -> VisitPolicy:
    return policy_from_dict(get(session, "visit_policy"))


def safeguarding_response_policy(session: Session) -> ResponsePolicy:
    return ResponsePolicy(int(get(session, "safeguarding_referral_working_days")),
                          int(get(session, "safeguarding_disclosure_working_days")),
                          int(get(session, "safeguarding_child_check_working_days")))


def intelligence_grading(session: Session) -> GradingScheme:
    return scheme_from_setting(get(session, "intelligence_grading"))


def notification_policy(session: Session) -> NotificationPolicy:
    """A force may override the notification numbers (setting "notification_policy"), e.g. the
    days allowed after an event; a number it leaves out, or a setting never made, keeps the
    default."""
    try:
        raw = get(session, "notification_policy")
    except KeyError:
        return DEFAULT_POLICY
    numbers: dict[str, Any] = {k: v for k, v in raw.items() if isinstance(v, int)}
    return NotificationPolicy(**numbers)
