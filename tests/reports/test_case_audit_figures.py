"""The compliance summary's case audit figures and PDF section (issue 18): grades by team and
quarter, open findings, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from pypdf import PdfReader

from rso_manager.domain.case_audit_checklist import QUESTION_KEYS, Response
from rso_manager.reports.compliance_figures import Scope
from rso_manager.reports.compliance_pdf import build_pdf
from rso_manager.services import case_audits, caseload, reports, safeguarding
from rso_manager.services.case_audits import AuditDraft
from rso_manager.services.caseload import OffenderDraft
from tests.opening import open_case

REASON = "Quarterly case audit of this case against the inspection checklist"
FINDINGS = ("Home visits are unannounced and with two officers; the devices are recorded and were checked at "
            "the last two visits, and the one breach has its crime reference.")


def _audited(services, world, surname, team_id, om, grade) -> case_audits.AuditView:
    oid = caseload.create_offender(services, om, OffenderDraft(
        surname=surname, forenames="Example", date_of_birth=date(1975, 3, 3), offender_manager_id=om.user_id,
        team_id=team_id)).offender_id
    form = case_audits.open_audit(services, world.lead, oid, sample_id=None, reason_text=REASON)
    return case_audits.complete_audit(services, world.lead, form.audit.id, form.audit.version_id, AuditDraft(
        {k: Response("met") for k in QUESTION_KEYS}, grade, FINDINGS))


def test_grades_by_team_and_quarter_and_the_open_findings(services, world, clock):
    clock.current = clock.on(date(2026, 9, 10)).current
    _audited(services, world, "Northsummer", world.team_id, world.om, "good")
    clock.current = clock.on(date(2026, 11, 20)).current
    south = _audited(services, world, "Southautumn", world.team2_id, world.om2, "inadequate")
    north = _audited(services, world, "Northautumn", world.team_id, world.om, "requires_improvement")
    voided = _audited(services, world, "Northvoided", world.team_id, world.om, "inadequate")
    case_audits.void_audit(services, world.lead, voided.id, voided.version_id,
                           "Audited the wrong case: the sample named another record")
    case_audits.add_finding_action(services, world.lead, south.id, "Record the devices found at the last visit",
                                   world.om2.user_id, date(2026, 11, 23))
    done = case_audits.add_finding_action(services, world.lead, north.id, "Add the missing relationships",
                                          world.om.user_id, date(2026, 12, 4))
    clock.current = clock.on(date(2026, 11, 25)).current
    open_case(services, world.om, north.offender_id)
    safeguarding.record_action_result(services, world.om, done.id, done.version_id,
                                      "Added his brother and two associates", date(2026, 11, 24))

    f = reports.compliance_figures_for(services, world.lead, Scope(), date(2026, 11, 1), date(2026, 11, 25),
                                       date(2026, 11, 25)).case_audits
    assert f.quarters == ("2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4")
    assert [(g.team, g.quarter, g.good, g.requires_improvement, g.inadequate) for g in f.grades] == [
        ("North", "2026 Q3", 1, 0, 0), ("North", "2026 Q4", 0, 1, 0), ("South", "2026 Q4", 0, 0, 1)]
    assert f.completed_in_period == 2
    [finding] = f.open_findings
    assert (finding.name, finding.officer, finding.since) == ("SOUTHAUTUMN, Example", "Oona Manager", date(2026, 11, 20))
    assert finding.needed == "Case audit finding: Record the devices found at the last visit (due 23/11/2026, overdue)"
    assert case_audits.grade_figures(services, world.lead).grades == f.grades

    north_only = reports.compliance_figures_for(services, world.supervisor, Scope.team("North"), date(2026, 11, 1),
                                                date(2026, 11, 25), date(2026, 11, 25)).case_audits
    assert {g.team for g in north_only.grades} == {"North"} and north_only.open_findings == ()

    # As of a day before the autumn audits, only the summer's counts.
    before = reports.compliance_figures_for(services, world.lead, Scope(), date(2026, 9, 1), date(2026, 9, 30),
                                            date(2026, 9, 30)).case_audits
    assert [(g.team, g.quarter) for g in before.grades] == [("North", "2026 Q3")]

    full = reports.compliance_figures_for(services, world.lead, Scope(), date(2026, 11, 1), date(2026, 11, 25),
                                          date(2026, 11, 25))
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(build_pdf(
        full, generated_by="Lee Lead (lead)", generated_at=clock.now()))).pages)
    assert "10. Case audits" in text and "Grades by team and quarter" in text
    assert "Case audit findings still open, oldest first (1)" in text
    assert "the last visit (due 23/11/2026, overdue)" in text
