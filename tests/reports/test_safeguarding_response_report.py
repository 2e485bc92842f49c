"""Issue 19: the compliance summary lists every part of every safeguarding response with its
delay, and names those not done on time: a referral made two working days after the concern is
"not the same day" in the JSON and in the PDF. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from io import BytesIO

from pypdf import PdfReader

from rso_manager.reports.compliance_figures import Scope, compute, to_json
from rso_manager.reports.compliance_pdf import build_pdf
from rso_manager.services import caseload, reports, safeguarding
from rso_manager.services.caseload import OffenderDraft
from tests.opening import open_case


def test_a_referral_two_working_days_late_is_listed_late_with_its_delay(services, world, clock):
    clock.current = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # Monday
    rec = caseload.create_offender(services, world.om, OffenderDraft(
        surname="Latereferral", forenames="Lee", date_of_birth=date(1981, 1, 1),
        offender_manager_id=world.om.user_id, team_id=world.team_id))
    concern = safeguarding.record_concern(services, world.om, rec.offender_id,
                                          "Partner's daughter, 9, stays at his flat at weekends",
                                          children=("Partner's daughter, 9",))
    clock.current = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # Wednesday
    safeguarding.record_referral(services, world.om, concern.id, concern.version_id,
                                 datetime(2026, 11, 25, 11, 0, tzinfo=UTC), "Northshire MASH", "M-77",
                                 sent_method="secure_email")
    open_case(services, world.om, rec.offender_id)
    [now_read] = safeguarding.safeguarding_for(services, world.om, rec.offender_id).referrals
    safeguarding.record_ppn_reference(services, world.om, concern.id, now_read.version_id, "PPN/26/4410")
    with services.session_factory() as s:
        figures = compute(s, Scope(), date(2026, 11, 1), date(2026, 11, 25), date(2026, 11, 25),
                          reports.report_settings(s))
    g = to_json(figures)["safeguarding"]
    [referral] = [p for p in g["parts"] if p["reference"] == rec.reference and p["part"] == "safeguarding_referral"]
    assert referral["on_time"] is False and referral["late_label"] == "not the same day"
    assert referral["working_days_late"] == 2 and referral["delay"] == "2 working days late"
    assert referral["delay_hours"] == 35.0  # end of Monday to 11:00 on Wednesday
    assert referral["shared_with_csc"] is True and referral["ppn_reference"] == "PPN/26/4410"
    assert referral in g["not_on_time"]
    # The disclosure and the check, due by the end of Tuesday, are open and overdue at the as-of day.
    late_parts = {p["part"] for p in g["not_on_time"] if p["reference"] == rec.reference}
    assert late_parts == {"safeguarding_referral", "disclosure", "child_safety_check"}

    pdf = build_pdf(figures, generated_by="Lee Lead (lead)", generated_at=clock.now())
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages))
    assert "Response parts not done on time" in text
    assert rec.reference in text and "2 working days late (not the same day)" in text
    assert "PPN PPN/26/4410" in text and "25/11/2026 11:00" in text
