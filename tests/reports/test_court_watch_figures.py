"""The compliance summary's court watch figures and PDF section (issue 18)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from pypdf import PdfReader

from rso_manager.reports.compliance_figures import Scope
from rso_manager.services import court_watch, reports

START = date(2026, 11, 1)


def _charge(services, actor, surname, hearing, shpo="none"):
    return court_watch.record_charged_person(services, actor, court_watch.ChargeInput(
        surname=surname, forenames="Example", date_of_birth=date(1979, 5, 6), charged_on=date(2026, 11, 2),
        court="Northmoor Magistrates' Court", offences=(court_watch.OffenceInput("Exposure (SOA 2003 s.66)"),),
        shpo_application=shpo, shpo_application_by="DC Example" if shpo != "none" else None,
        first_hearing_on=hearing))


def test_pending_prosecutions_hearings_without_outcome_and_days_to_knowing(services, world, clock):
    clock.current = clock.on(date(2026, 11, 10)).current
    _charge(services, world.om, "Nooutcome", date(2026, 11, 16))
    convicted = _charge(services, world.om, "Convictedlate", date(2026, 11, 12), shpo="attached")
    _charge(services, world.om2, "Southteam", date(2026, 11, 30))
    clock.current = clock.on(date(2026, 11, 17)).current  # Nooutcome's hearing was yesterday
    [h] = convicted.hearings
    court_watch.record_outcome(services, world.om, h.hearing_id, h.version_id,
                               court_watch.OutcomeInput(outcome="convicted", learned_on=date(2026, 11, 16)))

    force = reports.compliance_figures_for(services, world.lead, Scope(), START, date(2026, 11, 17), date(2026, 11, 17)).court_watch
    assert force.pending_prosecutions == 2
    [row] = force.hearings_without_outcome
    assert (row.name, row.since, row.days, row.officer) == ("NOOUTCOME, Example", date(2026, 11, 16), 1,
                                                           "Olly Manager")
    assert [r.name for r in force.pending_shpo_applications] == ["NOOUTCOME, Example", "SOUTHTEAM, Example"]
    assert (force.conviction_to_known.count, force.conviction_to_known.worst_days) == (1, 4)
    assert [(c.key, c.count) for c in force.convictions_by_source] == [("court_list", 1)]

    north = reports.compliance_figures_for(services, world.lead, Scope.team("North"), START,
                                           date(2026, 11, 17), date(2026, 11, 17)).court_watch
    assert north.pending_prosecutions == 1
    # As of the day before the conviction was recorded, Convictedlate was still pending, its
    # hearing of the 12th without an outcome.
    earlier = reports.compliance_figures_for(services, world.lead, Scope(), START, date(2026, 11, 16),
                                             date(2026, 11, 16)).court_watch
    assert earlier.pending_prosecutions == 3
    assert [r.name for r in earlier.hearings_without_outcome] == ["CONVICTEDLATE, Example"]

    pdf = reports.compliance_report(services, world.lead, Scope(), START, date(2026, 11, 17), date(2026, 11, 17))
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert "9. Court watch" in text and "Hearings with no outcome recorded" in text and "NOOUTCOME" in text
