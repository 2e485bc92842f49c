"""No service returns part of a record without a current opening of it (a consultation).

Every public service function that takes (services, actor, offender_id, ...) and does not write
is listed here by discovery, and the list is pinned: a new reader must be added below, and is
then proved to refuse an unopened record.
"""

from __future__ import annotations

import inspect
from datetime import date

import pytest

from rso_manager.services import caseload
from rso_manager.services.caseload import AccessReason, OffenderDraft
from rso_manager.services.errors import NeedsReason
from tests.services.service_functions import service_functions

WRITES = ("record_", "create_", "add_", "set_", "open_", "take_", "give_", "declare_", "report_",
          "change_", "correct_", "void_", "book_", "propose_", "decide_", "close_", "request_",
          "name_", "save_", "update_", "end_", "enter_", "check_", "print_")

READERS = {
    "breaches.breach_register", "breaches.breaches_for", "breaches.warnings_for",
    "briefings.briefing_for",
    "case_audits.case_evidence",
    "case_log.case_log_for",
    "caseload.reload_record",
    "devices.device_register", "devices.devices_for", "devices.orders_for",
    "mappa_summary.meeting_summary",
    "notifications.convictions_for", "notifications.notifications_for",
    "person.newest_photograph", "person.person_for",
    "safeguarding.actions_for", "safeguarding.relationships_for", "safeguarding.safeguarding_for",
    "search.shared_identifiers",
    "visits.risk_plan_history", "visits.risk_plan_view", "visits.visit_defaults", "visits.visit_details",
}


def _case_readers():
    found = {}
    for qualified, fn in service_functions():
        service, name = qualified.split(".")
        if service == "access":
            continue  # the mechanism itself: reading() is what the readers use
        if name.startswith("_") or name.startswith(WRITES):
            continue
        params = list(inspect.signature(fn).parameters)
        if params[:3] == ["services", "actor", "offender_id"]:
            found[qualified] = fn
    return found


def test_the_list_of_readers_is_pinned():
    assert set(_case_readers()) == READERS


def test_every_reader_refuses_an_unopened_record_and_reads_once_opened(services, world):
    oid = caseload.create_offender(services, world.om, OffenderDraft(
        surname="Readcase", forenames="Alex", date_of_birth=date(1980, 2, 2),
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id
    readers = _case_readers()
    for name, fn in sorted(readers.items()):
        with pytest.raises(NeedsReason):
            fn(services, world.supervisor, oid)
            pytest.fail(f"{name} read an unopened record")
    caseload.open_record(services, world.supervisor, oid, AccessReason.SUPERVISION,
                         "Monthly supervision of the case with Olly")
    for fn in readers.values():
        fn(services, world.supervisor, oid)  # covered by the opening
