"""The court watch's rules (issue 18): people charged with a Schedule 3 offence watched through
their hearings, so the OMU knows the day a court convicts and the notification duty starts
(SOA 2003 s.80; the initial notification within 3 days beginning with the conviction, s.83(1)).

The inspection: "There isn't a routine process to monitor when offenders are convicted by
courts", and it praised staff who "check custody records daily to make sure that applications
for sexual harm prevention orders are attached to case files for those charged". Pure functions
over plain values; the services apply them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rso_manager.domain import civil_orders
from rso_manager.domain.dates import add_working_days
from rso_manager.domain.search_terms import fold, normalise_name, normalise_pnc

CUSTODY = {"bail": "On bail", "remand": "Remanded in custody"}
SHPO_APPLICATION = {"none": "Not started", "drafted": "Drafted", "attached": "Attached to the file"}
STATUS = {"pending": "Awaiting outcome", "closed": "Closed", "convicted": "Convicted"}
OUTCOMES = {
    "adjourned": "Adjourned",
    "discontinued": "Discontinued",
    "acquitted": "Acquitted",
    "convicted": "Convicted",
    "sentenced": "Sentenced",
    "shpo_made": "SHPO made",
    "shpo_refused": "SHPO refused",
}
CLOSING = frozenset({"discontinued", "acquitted"})  # the watch ends, with the reason
# What each outcome needs the person to be: a conviction only while awaiting one; a sentence only
# once convicted. An SHPO decision either way: an order made before the conviction (an interim
# order, or one on application) is attached to the case when the conviction makes it.
_NEEDS_STATUS = {"adjourned": {"pending", "convicted"}, "discontinued": {"pending"}, "acquitted": {"pending"},
                 "convicted": {"pending"}, "sentenced": {"convicted"}, "shpo_made": {"pending", "convicted"},
                 "shpo_refused": {"pending", "convicted"}}
NEEDS_REASON = CLOSING | {"shpo_refused"}  # the notes say why

Problem = tuple[str, str]  # (field, message)


def status_label(status: str) -> str:
    return STATUS.get(status, status)


def outcome_label(outcome: str | None) -> str:
    return OUTCOMES.get(outcome or "", outcome or "No outcome yet")


def hearing_problems(hearing_on: date | None, today: date, charged_on: date, *,
                     outcome_given: bool) -> list[Problem]:
    """A hearing as listed. One in the past is accepted only with its outcome: a past hearing
    with none would be a reminder the moment it was saved, for something already known."""
    if hearing_on is None:
        return [("hearing_on", "Enter the date of the hearing.")]
    if hearing_on < charged_on:
        return [("hearing_on", f"The hearing is before the charge ({charged_on:%d/%m/%Y}); check both dates.")]
    if hearing_on < today and not outcome_given:
        return [("hearing_on", "This hearing has passed: give its outcome now, or enter the date of the "
                               "next hearing (today or later).")]
    return []


def outcome_problems(outcome: str, *, status: str, hearing_on: date, today: date, charged_on: date,
                     next_hearing_on: date | None, notes: str, convicted_on: date | None,
                     order_ends_on: date | None = None, order_indefinite: bool = False) -> list[Problem]:
    """Whether OUTCOME can be recorded on a hearing of HEARING_ON for a person in STATUS. An SHPO
    made has effect from the hearing, until ORDER_ENDS_ON or (ORDER_INDEFINITE) further order."""
    if outcome not in OUTCOMES:
        return [("outcome", "Choose the outcome from the list.")]
    problems: list[Problem] = []
    if status not in _NEEDS_STATUS[outcome]:
        problems.append(("outcome", {
            "pending": "Not convicted yet: record the conviction before the sentence.",
            "convicted": "Already convicted: record the sentence or the SHPO decision.",
            "closed": "The watch of this person is closed; nothing more can be recorded.",
        }[status]))
    if hearing_on > today:
        problems.append(("outcome", f"The hearing is on {hearing_on:%d/%m/%Y}, still to come: record its "
                                    "outcome on the day or after."))
    if outcome == "adjourned":
        if next_hearing_on is None:
            problems.append(("next_hearing_on", "Enter the date the case was adjourned to."))
        elif next_hearing_on <= hearing_on:
            problems.append(("next_hearing_on", "The next hearing must be after this one."))
    if outcome in CLOSING and len(notes.split()) < 3:
        problems.append(("outcome_notes", "Say why the case ended (who decided, on what), in a few words."))
    if outcome == "shpo_refused" and len(notes.split()) < 3:
        problems.append(("outcome_notes", "Say why the court refused the SHPO (as the court gave it), in a few words."))
    if outcome == "shpo_made" and hearing_on <= today:
        problems += [("order_" + p.field if p.field in ("ends_on", "indefinite") else "outcome", p.message)
                     for p in civil_orders.order_problems("SHPO", hearing_on, order_ends_on, order_indefinite,
                                                          None, today)]
    if outcome == "convicted":
        if convicted_on is None:
            problems.append(("convicted_on", "Enter the date of the conviction."))
        elif convicted_on < charged_on:
            problems.append(("convicted_on", f"The conviction date is before the charge ({charged_on:%d/%m/%Y}); "
                                             "check the court list."))
        elif convicted_on > today:
            problems.append(("convicted_on", "The conviction date is in the future."))
        elif convicted_on > hearing_on:
            problems.append(("convicted_on", "The conviction date is after this hearing; record it on the "
                                             "hearing where the court convicted."))
    return problems


def reminder_due(hearing_on: date, extra_holidays: Iterable[date] = ()) -> date:
    """The watcher is reminded the working day after a hearing with no outcome recorded: a
    Friday's hearing on the Monday, the day before a bank holiday's on the day after it."""
    return add_working_days(hearing_on, 1, extra_holidays)


def last_working_day(today: date) -> date:
    """The daily list's "yesterday": on a Monday, Friday's hearings."""
    return add_working_days(today, -1)


# --- matching a court list ------------------------------------------------------------------


@dataclass(frozen=True)
class MatchScore:
    score: float        # 0-100
    reasons: tuple[str, ...]

    @property
    def strong(self) -> bool:
        return self.score >= STRONG


STRONG = 90.0   # a PNC, or the name and date of birth, agree
POSSIBLE = 60.0  # worth showing the user to confirm


def match_score(name_similarity: float, *, row_dob: date | None, dob: date,
                row_pnc: str | None, pnc: str | None) -> MatchScore:
    """How well a court-list row fits a watched person, from the name's similarity (0-100,
    the words folded and sorted), the date of birth and the PNC ID. A PNC that disagrees rules
    the person out; one that agrees is enough. Never applied without the user's confirmation."""
    reasons: list[str] = []
    if row_pnc and pnc:
        if normalise_pnc(row_pnc) == normalise_pnc(pnc):
            return MatchScore(100.0, ("PNC ID the same",))
        return MatchScore(0.0, ("PNC ID differs",))
    score = name_similarity * 0.6
    if name_similarity >= 99.5:
        reasons.append("name the same")
    elif name_similarity >= 75:
        reasons.append(f"name similar ({name_similarity:.0f}%)")
    if row_dob is not None:
        if row_dob == dob:
            score += 40
            reasons.append("date of birth the same")
        elif (row_dob.day, row_dob.month) == (dob.month, dob.day) or row_dob.year == dob.year:
            score += 15
            reasons.append("date of birth close (day and month swapped, or the same year)")
        else:
            score -= 30
            reasons.append("date of birth differs")
    return MatchScore(max(0.0, min(score, 99.0)), tuple(reasons))


def comparable_name(surname: str, forenames: str) -> str:
    return normalise_name(f"{surname} {forenames}")


def split_name(name: str) -> tuple[str, str]:
    """A court list's "SURNAME, Forenames" or "Forenames SURNAME" as (surname, forenames)."""
    text = " ".join((name or "").split())
    if "," in text:
        surname, _, forenames = text.partition(",")
        return surname.strip(), forenames.strip()
    words = text.split(" ")
    capitals = [w for w in words if w.isupper() and len(w) > 1]
    if capitals and len(capitals) < len(words):
        return " ".join(capitals), " ".join(w for w in words if w not in capitals)
    return (words[-1], " ".join(words[:-1])) if len(words) > 1 else (text, "")


def folded(text: str) -> str:
    return fold(text)
