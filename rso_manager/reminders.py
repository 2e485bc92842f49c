"""What is due or overdue for whom: a scan over the database, with no scheduler in it.

The GUI's scheduler job and the start-up scan both call scan(), so a reminder that fell due
while the app was closed shows at the next start: the database, not a timer, is the truth.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from rso_manager.clock import LONDON
from rso_manager.domain import safeguarding_clocks as sc
from rso_manager.domain.dates import london_day
from rso_manager.domain.roles import CaseloadScope, Permission, Role
from rso_manager.persistence import models as m
from rso_manager.services import access, settings
from rso_manager.services.caseload import offender_in_scope
from rso_manager.services.court_watch import outcome_reminders
from rso_manager.services.safeguarding import next_due as nd
from rso_manager.services.unit_of_work import Actor, Services

# The part of the record a reminder opens, by the kind of entry a sign-off was about.
_SIGN_OFF_SECTION = {
    "visit": "visits", "visit_warrant": "visits", "breach_no_crime": "breaches", "warning": "breaches",
    "risk_assessment": "risk", "risk_management_plan": "risk", "disclosure": "safeguarding",
    "safeguarding_referral": "safeguarding", "child_safety_check": "safeguarding",
}
_SIGN_OFF_WHAT = {
    "visit": "visit", "visit_warrant": "s.96B warrant decision", "breach_no_crime": "no-crime decision",
    "warning": "warning", "risk_assessment": "risk assessment", "risk_management_plan": "risk management plan",
    "disclosure": "disclosure decision", "safeguarding_referral": "referral marked not applicable",
    "child_safety_check": "child safety check marked not applicable",
}
_BREACH_SOURCE = {
    "late_notification": "late notification", "missed_notification": "missed notification",
    "undeclared_device": "undeclared device", "refused_biometrics": "fingerprints or photographs refused",
    "order_prohibition": "order prohibition breached", "manual": "breach",
}


@dataclass(frozen=True)
class Reminder:
    """One thing waiting on the user. DUE is the deadline, or for work that has none (a sign-off
    returned, a breach decision) the day it began waiting; SECTION names the part of the record
    that opens (record_window SECTIONS keys)."""

    offender_id: int
    reference: str
    name: str
    what: str          # Home visit | Notification | Breach decision | Plan action | Returned sign-off | Referral decision
    due: date
    overdue: bool
    section: str = ""
    detail: str = ""   # what is waiting, in a few words
    waiting: bool = False
    key: str = ""      # one reminder's identity from scan to scan
    covering_for: str = ""  # the absent officer whose case this is, when the user covers it
    escalated: bool = False  # overdue work of someone else's the user supervises (issue 19)
    imminent: bool = False   # the user's own safeguarding part, due within the hours they are warned

    @property
    def text(self) -> str:
        state = "waiting since" if self.waiting else "overdue since" if self.overdue else "due"
        detail = f" ({self.detail})" if self.detail else ""
        cover = f", covering for {self.covering_for}" if self.covering_for else ""
        return f"{self.what}{detail} {state} {self.due:%d/%m/%Y}: {self.name} ({self.reference}){cover}"


@dataclass(frozen=True)
class ReminderDigest:
    as_of: date
    items: tuple[Reminder, ...]

    # Counted once: the window's badge and menus ask again and again, on the GUI thread, of a
    # lead's digest of some 12,000 items at 100,000 cases (issue 16). The items never change.
    @cached_property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.items)

    @cached_property
    def waiting(self) -> int:
        return sum(r.waiting and not r.overdue for r in self.items)

    @property
    def due_soon(self) -> int:
        return len(self.items) - self.overdue - self.waiting


def default_scope(actor: Actor) -> CaseloadScope:
    # Offender managers see their own caseload; supervisors and leads see their team's.
    return CaseloadScope.MINE if actor.role is Role.OFFENDER_MANAGER else CaseloadScope.TEAM


def _name(surname: str, forenames: str) -> str:
    return f"{surname.upper()}, {forenames}"


def scan(services: Services, actor: Actor, *, days_ahead: int = 7) -> ReminderDigest:
    """Everything due within DAYS_AHEAD or overdue on the user's own caseload scope: home visits
    and notifications (from the caseload summary), plan actions, breaches with no crime
    reference or reasoned decision yet, referrals with no decision from children's social care
    past its working day, the open parts of safeguarding responses (escalated to supervisors
    once overdue), and the user's own entries a supervisor returned. While the user
    covers an absent officer's caseload, that officer's cases are the user's too."""
    today = services.clock.today()
    now = services.clock.now()
    if not actor.can(Permission.READ_CASES) or (actor.team_id is None and default_scope(actor) is CaseloadScope.TEAM):
        return ReminderDigest(today, ())
    horizon = today + timedelta(days=days_ahead)
    Off = m.Offender
    who = (Off.id, Off.reference, Off.surname, Off.forenames)
    items = []
    with access.listing(services, actor) as s:
        covered = sorted(access.covered_officer_ids(s, actor.user_id, today))
        # The covered officers' cases as well as the scope's (a supervisor's team): only when
        # there are any, as an OR reads through no index. The status is tested in a form no
        # index answers: SQLite without statistics read every active case of the force through
        # the status index to find an officer's few hundred, 0.8 s at 100,000 (issue 16).
        mine = and_(func.nullif(Off.status, None) == "active", or_(offender_in_scope(actor, default_scope(actor), today),
                                                *([Off.offender_manager_id.in_(covered)] if covered else [])))
        stmt = (select(*who, Off.next_visit_due, Off.next_notification_due)
                .where(mine, or_(and_(Off.next_visit_due.is_not(None), Off.next_visit_due <= horizon),
                                 and_(Off.next_notification_due.is_not(None), Off.next_notification_due <= horizon))))
        for oid, ref, surname, forenames, visit_due, note_due in s.execute(stmt):
            name = _name(surname, forenames)
            if visit_due is not None and visit_due <= horizon:
                items.append(Reminder(oid, ref, name, "Home visit", visit_due, visit_due < today,
                                      section="visits", key=f"visit:{oid}"))
            if note_due is not None and note_due <= horizon:
                items.append(Reminder(oid, ref, name, "Notification", note_due, note_due < today,
                                      section="notifications", key=f"notification:{oid}"))

        A = m.Action
        for r in s.execute(select(*who, A.id.label("action_id"), A.description, A.due_on)
                           .join(Off, Off.id == A.offender_id)
                           .where(mine, A.voided_at.is_(None), A.completed_on.is_(None), A.due_on <= horizon)):
            items.append(Reminder(r.id, r.reference, _name(r.surname, r.forenames), "Plan action", r.due_on,
                                  r.due_on < today, section="actions", detail=_clip(r.description),
                                  key=f"action:{r.action_id}"))

        # A breach waits on a crime reference or a reasoned no-crime decision put to a supervisor.
        # The proposals are one list read once, not a correlated test per breach: sign_off has no
        # index by entity, so SQLite read every pending sign-off of the force for each breach.
        B, S = m.Breach, m.SignOff
        proposed = B.id.in_(select(S.entity_id).where(S.entity == "breach_no_crime",
                                                      S.status.in_(("pending", "escalated", "approved"))))
        for r in s.execute(select(*who, B.id.label("breach_id"), B.source, B.occurred_on)
                           .join(Off, Off.id == B.offender_id)
                           .where(mine, B.voided_at.is_(None), B.status == "open", B.crime_reference.is_(None),
                                  ~proposed)):
            items.append(Reminder(r.id, r.reference, _name(r.surname, r.forenames), "Breach decision",
                                  r.occurred_on, False, section="breaches", waiting=True,
                                  detail=f"{_BREACH_SOURCE.get(r.source, r.source.replace('_', ' '))}: "
                                         "crime reference or reasoned no-crime decision",
                                  key=f"breach:{r.breach_id}"))

        # Referrals: flagged once the working day for children's social care's decision is over.
        F = m.SafeguardingReferral
        for referral in s.execute(select(*who, F.id.label("referral_id"), F.referred_at, F.agency)
                                  .join(Off, Off.id == F.offender_id)
                                  .where(mine, F.voided_at.is_(None), F.referred_at.is_not(None),
                                         F.decision_at.is_(None))):
            flag = sc.referral_flag(referral.referred_at, None, now)
            due = london_day(sc.referral_decision_due(referral.referred_at))
            if flag is sc.ReferralFlag.DECISION_OVERDUE or due <= horizon:
                items.append(Reminder(referral.id, referral.reference,
                                      _name(referral.surname, referral.forenames), "Referral decision", due,
                                      flag is sc.ReferralFlag.DECISION_OVERDUE, section="safeguarding",
                                      detail=f"no decision yet from {referral.agency or 'children’s social care'}",
                                      key=f"referral:{referral.referral_id}"))

        items += _safeguarding_parts(s, actor, mine, now, horizon)

        # The user's own entries a supervisor sent back, until sent again (a later request).
        later = aliased(S)
        resent = (select(later.id).where(later.entity == S.entity, later.entity_id == S.entity_id,
                                         later.id > S.id).correlate(S).exists())
        linked = access.visible_cases(s, actor, today)
        for back in s.execute(select(*who, S.id.label("sign_off_id"), S.entity, S.signed_at)
                              .join(Off, Off.id == S.offender_id)
                              .where(S.author_id == actor.user_id, S.status == "returned", S.signed_at.is_not(None),
                                     S.entity.in_(list(_SIGN_OFF_SECTION)), Off.status != "ended", linked,
                                     ~resent)):
            items.append(Reminder(back.id, back.reference, _name(back.surname, back.forenames), "Returned sign-off",
                                  london_day(back.signed_at), False, section=_SIGN_OFF_SECTION[back.entity],
                                  waiting=True, detail=f"{_SIGN_OFF_WHAT[back.entity]} returned for more work",
                                  key=f"sign_off:{back.sign_off_id}"))
        if covered:
            absent: dict[int, str] = {oid: name for oid, name in s.execute(
                select(Off.id, m.User.display_name).join(m.User, m.User.id == Off.offender_manager_id)
                .where(Off.offender_manager_id.in_(covered)))}
            items = [replace(r, covering_for=absent[r.offender_id]) if r.offender_id in absent else r for r in items]
    # Hearings the user watches with no outcome recorded: a person charged has no case yet, so
    # the reminder opens the court watch (offender_id 0), not a record.
    for hearing in outcome_reminders(services, actor):
        items.append(Reminder(hearing.offender_id or 0, hearing.reference, hearing.name, "Court outcome",
                              hearing.due, hearing.overdue, section="court_watch", detail=hearing.detail,
                              key=hearing.key))
    items.sort(key=lambda r: (not r.overdue, r.waiting, r.due, r.reference, r.what))
    return ReminderDigest(today, tuple(items))


# The parts of a safeguarding response (issue 19), each with its owner and due time.
_PART_WHAT = {"safeguarding_referral": "Safeguarding referral", "disclosure": "s.327A disclosure decision",
              "child_safety_check": "Child safety check"}


# Until services.settings has the setting (a definition of its own), the owner is warned this
# many hours before a part falls due.
def remind_hours_before(s: Session) -> int:
    return int(settings.get(s, "safeguarding_remind_hours_before"))


def _safeguarding_parts(s: Session, actor: Actor, mine: Any, now: datetime, horizon: date) -> list[Reminder]:
    """Each open part of a safeguarding response: its owner is reminded from the week before it
    is due, and warned again (imminent: a desktop notification) in the hours before its time
    (safeguarding_remind_hours_before); once overdue it escalates, as sign-offs do, to the
    supervisors and the OMU lead, who see it on their team's cases marked as escalated."""
    today = london_day(now)
    Off, U = m.Offender, m.User
    F, D, C = m.SafeguardingReferral, m.Disclosure, m.ChildSafetyCheck
    owner = aliased(U, name="part_owner")
    escalates_here = default_scope(actor) is CaseloadScope.TEAM
    queries = (
        ("safeguarding_referral", select(F.id, F.referral_due_at.label("due_at"), F.owner_id,
                                         F.concern.label("about"), F.offender_id)
         .where(*nd.open_referral_parts())),
        ("disclosure", select(D.id, D.due_at, D.owner_id, D.disclosed_to.label("about"), D.offender_id)
         .outerjoin(F, F.id == D.referral_id).where(*nd.open_disclosure_parts(), F.voided_at.is_(None))),
        ("child_safety_check", select(C.id, C.due_at, C.owner_id, C.child.label("about"), C.offender_id)
         .join(F, F.id == C.referral_id).where(*nd.open_check_parts(), F.voided_at.is_(None))),
    )
    warn_before = timedelta(hours=remind_hours_before(s))
    items = []
    for part, stmt in queries:
        sub = stmt.subquery()
        rows = s.execute(select(Off.id, Off.reference, Off.surname, Off.forenames, sub.c.id.label("part_id"),
                                sub.c.due_at, sub.c.owner_id, sub.c.about, owner.display_name.label("owner"))
                         .join(Off, Off.id == sub.c.offender_id).outerjoin(owner, owner.id == sub.c.owner_id)
                         # Its owner wherever the case is; the case's own officers as they see
                         # its other work; supervisors once it is overdue.
                         .where(or_(sub.c.owner_id == actor.user_id,
                                    and_(mine, sub.c.due_at < now) if escalates_here else mine)))
        for r in rows:
            overdue = now > r.due_at
            due_on = london_day(r.due_at)
            if not overdue and due_on > horizon:
                continue
            escalated = overdue and escalates_here and r.owner_id != actor.user_id
            detail = (f"child: {_clip(r.about, 40)}" if part == "child_safety_check" else
                      "to children’s social care" if part == "safeguarding_referral" else "decide and record why")
            if escalated:
                detail = f"escalated: overdue, owner {r.owner or 'not named'}; {detail}"
            elif r.owner_id != actor.user_id:
                detail = f"owner {r.owner or 'not named'}; {detail}"
            imminent = not overdue and r.owner_id == actor.user_id and r.due_at - now <= warn_before
            if imminent:
                detail = f"due by {r.due_at.astimezone(LONDON):%H:%M} today; {detail}" if due_on == today \
                    else f"due by {r.due_at.astimezone(LONDON):%d/%m/%Y %H:%M}; {detail}"
            items.append(Reminder(r.id, r.reference, _name(r.surname, r.forenames), _PART_WHAT[part], due_on, overdue,
                                  section="safeguarding", detail=detail, key=f"{part}:{r.part_id}",
                                  escalated=escalated, imminent=imminent))
    return items


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
