"""One case with something in every part a MAPPA meeting summary shows, built through the
workflow services as officers would record it (for the service, PDF and UI tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import BytesIO

from PIL import Image, ImageDraw

from rso_manager.domain.notification_period import DisposalKind
from rso_manager.services import breaches, caseload, devices, person, safeguarding, visits
from rso_manager.services import notifications as nt
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.devices import DeviceCheckInput, DeviceInput, OrderInput, RequirementInput
from rso_manager.services.person import PhotographInput
from tests.opening import open_case

TODAY = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def portrait_png(width: int = 240, height: int = 300) -> bytes:
    """A head-and-shoulders silhouette (no real person), as a custody photograph is framed."""
    img = Image.new("RGB", (width, height), (206, 214, 222))
    draw = ImageDraw.Draw(img)
    draw.ellipse((width * 0.3, height * 0.14, width * 0.7, height * 0.54), fill=(92, 104, 118))
    draw.ellipse((width * 0.12, height * 0.58, width * 0.88, height * 1.25), fill=(92, 104, 118))
    out = BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


@dataclass(frozen=True)
class MappaCase:
    offender_id: int
    reference: str


def _at(y: int, mo: int, d: int, h: int = 10) -> datetime:
    return datetime(y, mo, d, h, 0, tzinfo=UTC)


def build_case(services, world, clock, *, photograph: bool = True) -> MappaCase:
    clock.current = _at(2025, 3, 3)
    om = world.om
    rec = caseload.create_offender(services, om, OffenderDraft(
        surname="Ashdown", forenames="Martin James", date_of_birth=date(1978, 4, 12), pnc_id="78/123456X",
        offender_manager_id=om.user_id, team_id=world.team_id, mappa_category=1, mappa_level=2))
    oid = rec.offender_id
    open_case(services, om, oid)
    caseload.add_alias(services, om, oid, "Marty Ashe")
    caseload.add_address(services, om, oid, kind="home", line1="14 Larch Close", town="Northam",
                         postcode="NM4 7QT", from_date=date(2025, 3, 1))
    nt.record_conviction(services, om, oid, nt.ConvictionInput(
        court="Northam Crown Court", convicted_on=date(2025, 2, 20), offence="Sexual assault (s.3)",
        disposal=DisposalKind.IMPRISONMENT, sentence_months=18, source="court_list"))
    order = devices.record_order(services, om, oid, OrderInput(
        kind="SHPO", court="Northam Crown Court", made_on=date(2025, 2, 20), ends_on=date(2030, 2, 19),
        device_notify_days=3))
    contact = devices.add_order_requirement(services, om, order.order_id, RequirementInput(
        kind="prohibition", category="contact", text="Not to have unsupervised contact with any child under 16",
        starts_on=date(2025, 2, 20), ends_on=date(2030, 2, 19)))
    visits.record_risk_assessment(services, om, oid, tool="RM2000", level="high", assessed_on=date(2025, 3, 3))
    clock.current = _at(2025, 9, 10)
    visits.record_risk_assessment(services, om, oid, tool="ARMS", level="medium", assessed_on=date(2025, 9, 10))
    visits.set_plan(services, om, oid, visit_interval_months=3, effective_from=date(2025, 9, 10),
                    review_by=date(2026, 9, 10), supervision="Monthly office interviews with the offender manager",
                    monitoring_control="Unannounced home visits every three months; device checks at each",
                    victim_safety="Previous victim's school told of the prohibition")
    phone = devices.declare_device(services, om, oid, DeviceInput(
        kind="phone", make_model="Samsung A14", imei="356938035643809", declared_on=date(2025, 3, 3)))
    clock.current = _at(2026, 5, 4)
    visits.record_risk_assessment(services, om, oid, tool="RM2000", level="very_high",
                                  assessed_on=date(2026, 5, 4))
    for when, notes in ((_at(2026, 6, 2, 9), "Seen alone; new partner mentioned"),
                        (_at(2026, 9, 15, 18), "Partner present; phone checked")):
        clock.current = when
        visits.record_visit(services, om, visits.VisitInput(
            oid, when, "seen", officer_ids=(om.user_id, world.supervisor.user_id), notes=notes,
            device_checks=(DeviceCheckInput(phone.device_id, "checked", "nothing of concern"),)))
    clock.current = _at(2026, 10, 1)
    breach = breaches.open_manual_breach(services, om, oid, breaches.BreachInput(
        kind="order", occurred_on=date(2026, 9, 30), description="Seen in the play area of Larch Park",
        order_requirement_id=contact.requirement_id))
    breaches.give_warning(services, om, oid, breaches.WarningInput(
        kind="oral",
        rationale=("Considered the park sighting against the order and his account; warned orally that the "
                   "prohibition covers parks with play areas, and the next visit will check his routes."),
        given_on=date(2026, 10, 1), breach_id=breach.breach_id))
    safeguarding.record_relationship(services, om, oid, safeguarding.RelationshipInput(
        person_name="Joanne Bell", kind="partner", has_children=True, from_date=date(2026, 5, 1)))
    safeguarding.add_action(services, om, oid, "Confirm with Joanne Bell whether her children visit",
                            om.user_id, date(2026, 11, 1))
    if photograph:
        person.add_photograph(services, om, oid, PhotographInput(portrait_png(), date(2026, 5, 4), "Custody"))
    clock.current = TODAY
    open_case(services, om, oid)  # the opening made at the start has lapsed by now
    return MappaCase(oid, rec.reference)
