"""The Relationships, Safeguarding and Actions lists are sound Qt models with real rows and their
detail loaded (pytest-qt's model tester), and an empty disclosures list says so."""

from __future__ import annotations

from datetime import date

from rso_manager.services import safeguarding
from rso_manager.services.safeguarding import DisclosureInput, RelationshipInput
from tests.ui.conftest import make_offender
from tests.ui.test_safeguarding_ui import REASONS, _at, _show, _window


def _case(services, world, clock) -> int:
    oid = make_offender(services, world.om, "Marrowby", "Bryn").offender_id
    clock.current = _at(2026, 11, 20, 9)
    safeguarding.record_relationship(services, world.om, oid, RelationshipInput(
        person_name="Carol Jones", kind="partner", has_children=True, access_to_children=True,
        from_date=date(2026, 11, 1), notes="Two daughters, 6 and 9"))
    safeguarding.record_relationship(services, world.om, oid, RelationshipInput(
        person_name="Dean Morley", kind="associate", from_date=date(2026, 10, 1)))
    concern = safeguarding.record_concern(services, world.om, oid, "Babysitting for a neighbour's children")
    clock.current = _at(2026, 11, 20, 12)
    safeguarding.record_referral(services, world.om, concern.id, concern.version_id, _at(2026, 11, 20, 11),
                                 "Northam MASH", "CS-1001", sent_method="phone")
    safeguarding.record_disclosure(services, world.om, oid, DisclosureInput(
        route="s327a", decided_by_id=world.supervisor.user_id, decision="disclose", reasons=REASONS))
    safeguarding.record_disclosure(services, world.om, oid, DisclosureInput(
        route="csods", applied_at=_at(2026, 11, 20, 9), applicant="Mother of the partner's children"))
    safeguarding.add_action(services, world.om, oid, "Speak to the school's safeguarding lead", world.om.user_id,
                            date(2026, 11, 30))
    clock.current = _at(2026, 12, 2, 10)
    return oid


def test_the_record_lists_are_sound_models(qtbot, qtmodeltester, sqlite_services, world, prompter, clock):
    window = _window(qtbot, sqlite_services, world.om, prompter, _case(sqlite_services, world, clock))
    relationships = _show(qtbot, window, "relationships", "Relationships")
    assert relationships.model.rowCount() == 2
    qtmodeltester.check(relationships.model)
    page = _show(qtbot, window, "safeguarding", "Safeguarding")
    # Each concern opened its s.327A consideration (issue 19): two besides the two recorded.
    assert page.model.rowCount() == 2 and page.disclosures.rowCount() == 4
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.disclosures)
    assert not page.disclosure_panel.is_empty_shown()
    actions = _show(qtbot, window, "actions", "Actions")
    assert actions.model.rowCount() >= 1
    qtmodeltester.check(actions.model)


def test_no_disclosures_says_so_and_how_to_record_one(qtbot, sqlite_services, world, prompter):
    record = make_offender(sqlite_services, world.om, "Ashcombe", "Colin")
    window = _window(qtbot, sqlite_services, world.om, prompter, record.offender_id)
    page = _show(qtbot, window, "safeguarding", "Safeguarding")
    assert page.disclosure_panel.is_empty_shown()
    assert page.disclosure_panel.empty.text().startswith("No disclosures recorded. Record an s.327A decision")
