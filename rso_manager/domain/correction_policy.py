"""What a correction may put right in place, entry by entry.

A typo in a visit's notes is not a new fact: correcting it keeps the old words in the record's
history and changes nothing else. A field that the statutory rules read (a visit's outcome, a
notification's date, a risk level) is different: changing it would re-evaluate sign-off, breaches,
windows or clocks, so it is not corrected in place. The entry is marked as entered in error and
recorded again, which runs every rule afresh and leaves both versions on the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rso_manager.domain.entry_fields import field_label


@dataclass(frozen=True)
class InPlace:
    """A field corrected where it stands: free text no rule reads."""

    name: str
    multiline: bool = False  # a paragraph (notes) rather than a line (a court's name)


@dataclass(frozen=True)
class EntryPolicy:
    in_place: tuple[InPlace, ...]
    # Field -> what changing it would re-evaluate, as the end of "Changing it re-evaluates ...".
    re_evaluates: dict[str, str] = field(default_factory=dict)

    def correctable(self, name: str) -> bool:
        return any(f.name == name for f in self.in_place)


_VISIT_RULES = "whether the visit counts, the next home visit due and the s.96B warrant prompt"
_DEPARTURES = "the departures from unannounced, two officers, at home, and the supervisor's sign-off of them"
_PERIOD = "the notification requirement and when it ends"
_NOTIFIED = "whether it was made in time, the late or missed notification breach and the next notification due"
_BREACH_DECISION = "the breach decision and its sign-off"
_REFERRAL = "the safeguarding referral prompt and the home visit brought forward for it"
_REFERRAL_CLOCK = "the referral and decision clocks and their overdue flags"
_RISK = "the risk level on the record, the home visit interval and the next review"

POLICIES: dict[str, EntryPolicy] = {
    "visit": EntryPolicy(
        (InPlace("notes", True), InPlace("people_present", True), InPlace("location")),
        {"visited_at": _VISIT_RULES + ", and the time-of-day pattern",
         "outcome": _VISIT_RULES,
         "kind": _VISIT_RULES + ", and " + _DEPARTURES,
         "announced": _DEPARTURES,
         "override_reason": _DEPARTURES,
         "time_band": "the time-of-day pattern of home visits",
         "status": _VISIT_RULES,
         "planned_on": "the booking and the visit window",
         "warrant_decision": "the s.96B warrant decision and its sign-off"}),
    "device": EntryPolicy(
        (InPlace("make_model"), InPlace("monitoring_software"), InPlace("accounts", True)),
        {"kind": "the device register and the checks due at visits",
         "imei": "the device's identifiers, checked and matched against the register",
         "serial": "the device's identifiers, checked and matched against the register",
         "phone_number": "the device's identifiers, checked and matched against the register",
         "declared": "whether it was declared in time, and the undeclared-device breach",
         "declared_on": "whether it was declared in time, and the undeclared-device breach",
         "status": "the checks due at visits"}),
    "device_check": EntryPolicy(
        (InPlace("outcome", True),),
        {"result": "whether the device was seen, and the device checks due",
         "checked_on": "the device checks due"}),
    "statutory_notification": EntryPolicy(
        (InPlace("details", True),),
        {"notified_at": _NOTIFIED, "event_on": _NOTIFIED, "due_on": _NOTIFIED, "kind": _NOTIFIED,
         "in_person": "whether it was made at a prescribed station in person",
         "station_id": "whether it was made at a prescribed station in person",
         "fingerprints_taken": "the refused-biometrics breach",
         "photographs_taken": "the refused-biometrics breach"}),
    "breach": EntryPolicy(
        (InPlace("description", True),),
        {"occurred_on": "the home visit brought forward and the risk review the breach prompted",
         "kind": _BREACH_DECISION, "source": _BREACH_DECISION, "duty": _BREACH_DECISION,
         "status": _BREACH_DECISION, "crime_reference": _BREACH_DECISION,
         "no_crime_rationale": _BREACH_DECISION}),
    "relationship": EntryPolicy(
        (InPlace("person_name"), InPlace("notes", True)),
        {"kind": _REFERRAL, "has_children": _REFERRAL, "access_to_children": _REFERRAL,
         "from_date": "when the relationship began, which the referral clock runs from",
         "to_date": "whether the relationship is current, and the safeguarding it calls for"}),
    "safeguarding_referral": EntryPolicy(
        (InPlace("concern", True),),
        {"concern_at": _REFERRAL_CLOCK, "referred_at": _REFERRAL_CLOCK, "decision_at": _REFERRAL_CLOCK,
         "decision": "the referral's outcome and the disclosure it may lead to"}),
    "plan_action": EntryPolicy(
        (InPlace("description", True), InPlace("result", True)),
        {"due_on": "the action's reminder and whether it is overdue",
         "owner_id": "whose reminders it is in",
         "completed_on": "whether the action is done, and the plan's review"}),
    "risk_assessment": EntryPolicy(
        (InPlace("notes", True),),
        {"level": _RISK, "tool": _RISK, "assessed_on": _RISK,
         "review_by": "the review reminder", "assessor_id": "who is accountable for the assessment"}),
    "conviction": EntryPolicy(
        (InPlace("court"),),
        {name: _PERIOD for name in (
            "kind", "convicted_on", "offence", "schedule3", "threshold_depends_on_sentence", "disposal",
            "sentence_months", "sentence_terms_json", "discharge_months", "sentenced_on",
            "age_at_conviction")}
        | {"learned_on": "the notification due dates that run from when it was learned of",
           "source": "how the conviction is evidenced for the notification requirement"}),
    "case_note": EntryPolicy(
        (InPlace("text", True),),
        {"kind": "whether it is intelligence, and the risk review intelligence prompts",
         "occurred_on": "the visit prompted by intelligence and its window"}),
}


def policy_for(entity: str) -> EntryPolicy | None:
    return POLICIES.get(entity)


def refusal(entity: str, name: str) -> str:
    """Why NAME of an ENTITY entry is not corrected in place, and the way to put it right."""
    policy = POLICIES.get(entity)
    label = field_label(name)
    inline = label if label[:2].isupper() else label[:1].lower() + label[1:]  # "IMEI" stays
    again = (f"To change it, mark the entry as entered in error and record it again with the right "
             f"{inline}; both stay on the record.")
    sentence = policy.re_evaluates.get(name) if policy else None
    if sentence is None:
        return f"{label} is not corrected in place. {again}"
    return f"{label} is not corrected in place: changing it re-evaluates {sentence}. {again}"
