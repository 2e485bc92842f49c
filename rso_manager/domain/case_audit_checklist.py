"""The managers' case audit checklist (issue 18), drawn from the inspection's findings
(domain.md section 0): what a case is judged on, the answers an auditor gives, and the grades the
inspectors used (good, requires improvement, inadequate).

Pure data and the checks on an auditor's answers; the evidence beside each question is computed
from the record by services/case_audits/evidence.py and worded by domain/case_audit_evidence.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    finding: str  # the inspection's finding the question follows up


QUESTIONS: tuple[Question, ...] = (
    Question("record_complete", "Is the record complete: current home address, risk assessment in date, "
                                "risk management plan, relationships recorded?",
             "Relationships and actions were inconsistently recorded."),
    Question("visits_as_planned", "Were home visits made as the risk management plan plans them?",
             "Visits were set on a monthly or quarterly timetable, not by assessed risk."),
    Question("visits_unannounced", "Were visits unannounced, or announced with a recorded reason?",
             "Visits were often announced, giving time to hide devices."),
    Question("visits_two_officers", "Did two officers attend each visit?",
             "Managers often visited alone, against national guidance."),
    Question("visits_at_home", "Was the offender seen at home rather than asked to the office?",
             "Offenders were asked to the office, where they can prepare."),
    Question("devices", "Are the offender's devices recorded, and were they checked at visits?",
             "Devices, and which were checked at home visits, were not consistently recorded."),
    Question("breaches", "Was every breach recorded as a crime or decided with reasons?",
             "Breaches were not recorded as crimes and supervisors did not make sure they were."),
    Question("warnings", "Were warnings given and recorded with a rationale others can read?",
             "Warnings were not given or recorded consistently, without clear rationale."),
    Question("supervision", "Do the supervisors' sign-offs give real reasons?",
             "Supervision entries were superficial: 'seen', 'noted', 'agreed'."),
    Question("referrals_on_time", "Were referrals to children's social care and disclosures made on time?",
             "Referrals and disclosures to parents were delayed."),
)
QUESTION_KEYS = tuple(q.key for q in QUESTIONS)
QUESTION_TEXT = {q.key: q.text for q in QUESTIONS}


class Answer(StrEnum):
    MET = "met"
    PARTLY = "partly"
    NOT_MET = "not_met"

    @property
    def label(self) -> str:
        return {"met": "Met", "partly": "Partly met", "not_met": "Not met"}[self.value]


class Grade(StrEnum):
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"

    @property
    def label(self) -> str:
        return {"good": "Good", "requires_improvement": "Requires improvement",
                "inadequate": "Inadequate"}[self.value]


GRADE_LABEL = {g.value: g.label for g in Grade}
ANSWER_LABEL = {a.value: a.label for a in Answer}


@dataclass(frozen=True)
class Response:
    """An auditor's answer to one question, and what they saw."""

    answer: str | None  # an Answer value; None while the audit is a draft
    note: str = ""


def answer_problems(responses: Mapping[str, Response], *, complete: bool) -> list[tuple[str, str]]:
    """(field, message) for answers that cannot be saved; COMPLETE: the audit is being finished,
    so every question needs an answer, and a question not fully met needs a note saying why."""
    problems: list[tuple[str, str]] = []
    unknown = sorted(set(responses) - set(QUESTION_KEYS))
    if unknown:
        problems.append(("answers", f"Unknown checklist question: {', '.join(unknown)}."))
    for q in QUESTIONS:
        r = responses.get(q.key)
        answer = r.answer if r else None
        if answer is not None and answer not in ANSWER_LABEL:
            problems.append((f"answer.{q.key}", "Choose met, partly met or not met."))
        elif complete and answer is None:
            problems.append((f"answer.{q.key}", "Answer this question before completing the audit."))
        elif complete and answer != Answer.MET and not (r.note if r else "").strip():
            problems.append((f"answer.{q.key}", "Say what was missing: a question not fully met needs a note."))
    return problems


def suggested_grade(responses: Mapping[str, Response]) -> Grade | None:
    """A starting point only, the auditor grades: any question not met is inadequate, any partly
    met requires improvement, all met is good; None until every question is answered."""
    answers = [responses[k].answer if k in responses else None for k in QUESTION_KEYS]
    if any(a is None for a in answers):
        return None
    if Answer.NOT_MET in answers:
        return Grade.INADEQUATE
    if Answer.PARTLY in answers:
        return Grade.REQUIRES_IMPROVEMENT
    return Grade.GOOD


def quarter_of(day: date) -> str:
    """The calendar quarter grades are counted in: "2026 Q4"."""
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"
