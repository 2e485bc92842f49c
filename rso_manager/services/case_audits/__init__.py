"""Managers' case audits (issue 18 part 2): the OMU lead, or a supervisor the lead names, draws
a recorded sample of cases and audits each against the inspection's checklist, with the evidence
from the record beside each question; a graded audit goes to sign-off and its findings become
plan actions. One module for each part (delegates, sampling, evidence, audits); callers import
the names below from here. Importing this package registers what a sign-off decision on an audit
does (case_events.on_decision)."""

from __future__ import annotations

from rso_manager.services.case_audits.audits import (
    AuditDraft,
    AuditForm,
    AuditView,
    FindingAction,
    Owner,
    add_finding_action,
    audit_form,
    complete_audit,
    correct_audit,
    finding_owners,
    open_audit,
    save_audit,
    void_audit,
)
from rso_manager.services.case_audits.delegates import (
    AuditStanding,
    DelegateView,
    audit_standing,
    delegate_candidates,
    delegates,
    end_delegation,
    name_delegate,
)
from rso_manager.services.case_audits.evidence import CaseEvidence, QuestionEvidence, case_evidence
from rso_manager.services.case_audits.figures import grade_figures
from rso_manager.services.case_audits.sampling import (
    SampleCase,
    SampleScope,
    SampleView,
    draw_sample,
    redraw_sample,
    samples,
)

__all__ = [
    "AuditDraft", "AuditForm", "AuditStanding", "AuditView", "CaseEvidence", "DelegateView", "FindingAction",
    "Owner", "QuestionEvidence", "SampleCase", "SampleScope", "SampleView", "add_finding_action", "audit_form",
    "audit_standing", "case_evidence", "complete_audit", "correct_audit", "delegate_candidates", "delegates",
    "draw_sample", "end_delegation", "finding_owners", "grade_figures", "name_delegate", "open_audit",
    "redraw_sample", "samples", "save_audit", "void_audit",
]
