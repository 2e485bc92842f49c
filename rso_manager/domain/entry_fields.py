"""What the fields of a recorded entry are called by the people who read them: offender managers,
supervisors and the OMU lead. Stored names are for the database ("window_earliest"); a
supervisor reading an entry before signing it off reads "Visit window opens"."""

from __future__ import annotations

FIELD_LABELS: dict[str, str] = {
    # Any entry.
    "kind": "Type",
    "status": "Status",
    "notes": "Notes",
    "source": "Source",
    "voided_at": "Marked as entered in error",
    "void_reason": "Why it was entered in error",
    "created_by_id": "Recorded by",
    "updated_by_id": "Last changed by",
    # The offender's details.
    "surname": "Surname",
    "forenames": "Forenames",
    "date_of_birth": "Date of birth",
    "gender": "Gender",
    "pnc_id": "PNC ID",
    "identifying_marks": "Identifying marks",
    "offender_manager_id": "Offender manager",
    "team_id": "Team",
    "mappa_category": "MAPPA category",
    "mappa_level": "MAPPA level",
    # Aliases and addresses.
    "name": "Name",
    "line1": "Address",
    "line2": "Address line 2",
    "town": "Town",
    "postcode": "Postcode",
    "from_date": "From",
    "to_date": "To",
    "notified": "Notified to the police",
    "starts_on": "Starts",
    "ends_on": "Ends",
    # Convictions, the notification period and orders.
    "court": "Court",
    "convicted_on": "Convicted on",
    "offence": "Offence",
    "schedule3": "Schedule 3 offence",
    "threshold_depends_on_sentence": "Schedule 3 threshold depends on the sentence",
    "disposal": "Sentence",
    "sentence_months": "Sentence length (months)",
    "sentence_terms_json": "Sentence terms",
    "discharge_months": "Conditional discharge (months)",
    "sentenced_on": "Sentenced on",
    "age_at_conviction": "Age at conviction",
    "learned_on": "Learned of on",
    "indefinite": "Indefinite",
    "basis": "How the period was worked out",
    "review_eligible_on": "Eligible for review from",
    "made_on": "Made on",
    "device_notify_days": "Days to notify a new device",
    "category": "Category",
    "text": "Wording",
    # Risk.
    "tool": "Assessment tool",
    "level": "Risk level",
    "assessed_on": "Assessed on",
    "assessor_id": "Assessed by",
    "review_by": "Review by",
    "effective_from": "In force from",
    "visit_interval_months": "Home visit every (months)",
    "reactive": "Reactive plan",
    "supervision": "Supervision",
    "monitoring_control": "Monitoring and control",
    "interventions": "Interventions",
    "victim_safety": "Victim safety planning",
    "contingency": "Contingency",
    # Visits and what prompts them.
    "occurred_on": "Occurred on",
    "source_entity": "Prompted by",
    "window_earliest": "Visit window opens",
    "window_latest": "Visit window closes",
    "planned_on": "Planned for",
    "time_band": "Time of day",
    "visited_at": "Visited at",
    "outcome": "Outcome",
    "announced": "Announced",
    "location": "Where",
    "override_reason": "Why the visit is outside its window",
    "people_present": "People present",
    "warrant_decision": "Warrant decision",
    # Devices.
    "make_model": "Make and model",
    "imei": "IMEI",
    "serial": "Serial number",
    "phone_number": "Phone number",
    "accounts": "Accounts",
    "declared": "Declared",
    "declared_on": "Declared on",
    "declared_to_id": "Declared to",
    "monitoring_software": "Monitoring software",
    "checked_on": "Checked on",
    # Notifications to the police.
    "event_on": "Date of the change",
    "due_on": "Due by",
    "notified_at": "Notified at",
    "in_person": "In person",
    "taken_by_id": "Taken by",
    "fingerprints_taken": "Fingerprints taken",
    "photographs_taken": "Photographs taken",
    "details": "Details",
    "late": "Late",
    # Breaches and warnings.
    "duty": "Duty breached",
    "description": "Description",
    "crime_reference": "Crime reference",
    "no_crime_rationale": "No crime rationale",
    "closed_at": "Closed at",
    "rationale": "Rationale",
    "given_by_id": "Given by",
    "given_on": "Given on",
    # Relationships and safeguarding.
    "person_name": "Name",
    "has_children": "Has children",
    "access_to_children": "Access to children",
    "concern": "Concern",
    "concern_at": "Concern known since",
    "referred_at": "Referred at",
    "referred_by_id": "Referred by",
    "agency": "Referred to",
    "reference": "Their reference",
    "decision": "Decision",
    "decision_at": "Decision received",
    "route": "Route",
    "applied_at": "Applied",
    "applicant": "Applicant",
    "checks_at": "Checks done",
    "interview_at": "Interview",
    "decided_by_id": "Decided by",
    "reasons": "Reasons",
    "disclosed_to": "Told",
    "disclosed_at": "Told at",
    "conditions": "Conditions",
    "completed_at": "Completed",
    # Plan actions.
    "owner_id": "Owner",
    "result": "Result",
    "completed_on": "Completed on",
    # The hand-over from probation.
    "from_agency": "Handed over by",
    "licence_ended_on": "Licence ended on",
    "police_from": "Police manage from",
    # A consultation of the record.
    "user_id": "Opened by",
    "opened_at": "Opened at",
    "link": "Link",
    "purpose": "Purpose",
    "reason": "Reason",
}


def field_label(name: str) -> str:
    """The label for a stored field NAME, or for a label made from one by replacing its
    underscores ("Window earliest"); an unknown name read as words ("rest_day_pay" -> "Rest day
    pay"), never with its underscores."""
    key = name.strip()
    for candidate in (key, key.lower().replace(" ", "_")):
        for form in (candidate, candidate + "_id"):
            if form in FIELD_LABELS:
                return FIELD_LABELS[form]
    words = " ".join(key.removesuffix("_id").replace("_", " ").split())
    return words[:1].upper() + words[1:]
