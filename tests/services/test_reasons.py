"""Every reason a user is asked for follows the one rule: "noted" is not a reason anywhere."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from rso_manager.services import caseload, devices, users
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import ValidationFailed
from tests.opening import open_case


def _case(services, world):
    return caseload.create_offender(services, world.om, OffenderDraft(
        surname="Reasoncase", forenames="Alex", date_of_birth=date(1980, 2, 2),
        offender_manager_id=world.om.user_id, team_id=world.team_id))


@pytest.mark.parametrize("filler", ["noted", "Seen and agreed", "xxxxxxxxxx", "ok ok ok ok"])
def test_filler_is_refused_as_a_reason_for_a_change(services, world, filler):
    rec = _case(services, world)
    with pytest.raises(ValidationFailed) as err:
        caseload.correct_offender(services, world.om, rec.offender_id, rec.version_id,
                                  replace(rec.details, forenames="Alec"), filler)
    assert err.value.for_field("reason")
    alias = caseload.add_alias(services, world.om, rec.offender_id, "Al Reason")
    with pytest.raises(ValidationFailed) as err:
        caseload.void_entry(services, world.om, "alias", alias.id, alias.version_id, filler)
    assert err.value.for_field("reason")
    device = devices.declare_device(services, world.om, rec.offender_id, devices.DeviceInput(
        kind="phone", make_model="Fictiphone Z1", declared_on=date(2026, 11, 20)))
    with pytest.raises(ValidationFailed) as err:
        devices.change_device_status(services, world.om, device.device_id, device.version_id,
                                     "seized", filler)
    assert err.value.for_field("reason")
    with pytest.raises(ValidationFailed) as err:
        users.change_user(services, world.admin, world.om.user_id, 1, reason=filler, trained=False)
    assert err.value.for_field("reason")
    # A reason in words is taken.
    fixed = caseload.correct_offender(services, world.om, rec.offender_id, rec.version_id,
                                      replace(rec.details, forenames="Alec"),
                                      "Forename misspelt on the court list")
    assert open_case(services, world.om, rec.offender_id).details.forenames == fixed.details.forenames
