"""The whole person (issue 14 item 4): each kind added, corrected with the old values kept in the
record's history and a reason, marked as entered in error; bad input refused with messages that
say what to do; a registration outside the UK formats warned about, not refused; an image that
is not one, or too large, refused."""

from __future__ import annotations

import struct
import zlib
from datetime import date

import pytest

from rso_manager.domain.vehicle_registration import (
    normalise,
    registration_format,
    registration_warning,
)
from rso_manager.persistence import models as m
from rso_manager.services import caseload, person
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import PermissionDenied, ValidationFailed
from rso_manager.services.person import (
    DescriptionInput,
    IdentifierInput,
    MarkInput,
    OccupationInput,
    PhotographInput,
    VehicleInput,
)

REASON = "Typed from the wrong page of the PNC printout"


def tiny_png(width: int = 2, height: int = 2) -> bytes:
    """A valid PNG made here (no Qt, no real person): grey pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _offender(services, world):
    return caseload.create_offender(services, world.om, OffenderDraft(
        surname="Persontest", forenames="Pat", date_of_birth=date(1979, 3, 3),
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id


def _revision(services, world, oid, entity):
    record = caseload.reload_record(services, world.om, oid)
    return [r for r in record.revisions if r.entity == entity]


def _audits(services, entity, action):
    with services.session_factory() as s:
        return s.query(m.AuditEvent).filter_by(entity=entity, action=action).all()


# --- the registration rule (pure) -----------------------------------------------------------


@pytest.mark.parametrize(("typed", "written", "kind"), [
    ("ab12cde", "AB12 CDE", "current"), ("AB12  CDE", "AB12 CDE", "current"),
    ("a123bcd", "A123 BCD", "prefix"), ("A1 BCD", "A1 BCD", "prefix"),
    ("abc123d", "ABC 123D", "suffix"), ("ABC 1234", "ABC 1234", "dateless"), ("1234ab", "1234 AB", "dateless"),
])
def test_uk_registrations_are_written_as_on_the_plate(typed, written, kind):
    assert normalise(typed) == written
    assert registration_format(typed).name.startswith(kind)
    assert registration_warning(typed) is None


@pytest.mark.parametrize("typed", ["D-AB 1234", "ABCDEFG", "12 34 56", "A12345BC"])
def test_other_marks_get_a_warning_naming_the_formats(typed):
    warning = registration_warning(typed)
    assert warning and "AB12 CDE" in warning and "A123 BCD" in warning and "ABC 123D" in warning


# --- each kind ------------------------------------------------------------------------------


def test_photograph_added_corrected_and_newest_shown(services, world, clock):
    oid = _offender(services, world)
    older = person.add_photograph(services, world.om, oid, PhotographInput(tiny_png(), date(2025, 1, 5), "Custody"))
    newer = person.add_photograph(services, world.om, oid, PhotographInput(tiny_png(3, 3), date(2026, 6, 1), "Visit"))
    newest = person.newest_photograph(services, world.om, oid)
    assert newest.id == newer.entry_id and newest.media_type == "image/png" and newest.image == tiny_png(3, 3)
    [audit] = [a for a in _audits(services, "photograph", "entry.create") if a.entity_id == older.entry_id]
    assert "sha256" in audit.details_json and "IHDR" not in audit.details_json  # the image is not audited

    with pytest.raises(ValidationFailed) as err:
        person.correct_photograph(services, world.om, older.entry_id, older.version_id,
                                  taken_on=date(2025, 1, 6), description="Custody", reason="typo")
    assert err.value.for_field("reason")
    fixed = person.correct_photograph(services, world.om, older.entry_id, older.version_id,
                                      taken_on=date(2026, 7, 1), description="Custody suite", reason=REASON)
    assert fixed.version_id != older.version_id
    [rev] = _revision(services, world, oid, "photograph")
    assert rev.before["taken_on"] == "2025-01-05" and rev.reason == REASON and "image" not in rev.before
    assert person.newest_photograph(services, world.om, oid).id == older.entry_id  # now the latest taken

    caseload.void_entry(services, world.om, "photograph", older.entry_id, fixed.version_id,
                        "The photograph is of somebody else entirely")
    assert person.newest_photograph(services, world.om, oid).id == newer.entry_id
    view = person.person_for(services, world.om, oid)
    assert [p.voided for p in view.photographs] == [False, True]  # entered in error listed last


def test_images_that_are_not_images_or_too_large_are_refused(services, world):
    oid = _offender(services, world)
    for data, words in ((b"GIF89a not a photograph we keep", "JPEG or PNG"), (b"", "empty"),
                        (b"%PDF-1.7 a letter", "JPEG or PNG")):
        with pytest.raises(ValidationFailed) as err:
            person.add_photograph(services, world.om, oid, PhotographInput(data, date(2026, 1, 1)))
        assert words in err.value.for_field("image")
    big = b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024)
    with pytest.raises(ValidationFailed) as err:
        person.add_photograph(services, world.om, oid, PhotographInput(big, date(2026, 1, 1)))
    assert "at most 10.0 MB" in err.value.for_field("image")
    jpeg = b"\xff\xd8\xff\xe0" + b"\0" * 100
    saved = person.add_photograph(services, world.om, oid, PhotographInput(jpeg, date(2026, 1, 1)))
    assert person.newest_photograph(services, world.om, oid).media_type == "image/jpeg" and saved.entry_id
    with pytest.raises(ValidationFailed) as err:
        person.add_photograph(services, world.om, oid, PhotographInput(tiny_png(), None))
    assert err.value.for_field("taken_on")
    with pytest.raises(PermissionDenied):
        person.add_photograph(services, world.om2, oid, PhotographInput(tiny_png(), date(2026, 1, 1)))


def test_description_and_marks(services, world):
    oid = _offender(services, world)
    with pytest.raises(ValidationFailed) as err:
        person.add_description(services, world.om, oid, DescriptionInput(date(2026, 1, 1)))
    assert "at least one" in err.value.for_field("height_cm")
    with pytest.raises(ValidationFailed) as err:
        person.add_description(services, world.om, oid, DescriptionInput(date(2026, 1, 1), height_cm=17))
    assert "centimetres" in err.value.for_field("height_cm")
    d = person.add_description(services, world.om, oid, DescriptionInput(
        date(2026, 1, 1), 178, "Medium", "Short brown", "Blue"))
    person.correct_description(services, world.om, d.entry_id, d.version_id, DescriptionInput(
        date(2026, 1, 1), 180, "Medium", "Short brown", "Blue"), REASON)
    [rev] = _revision(services, world, oid, "physical_description")
    assert rev.before["height_cm"] == 178
    assert person.person_for(services, world.om, oid).descriptions[0].height_cm == 180

    with pytest.raises(ValidationFailed) as err:
        person.add_mark(services, world.om, oid, MarkInput("brand", " ", ""))
    assert err.value.for_field("kind") and err.value.for_field("body_location") and err.value.for_field("description")
    mk = person.add_mark(services, world.om, oid, MarkInput("tattoo", "Left forearm", "Anchor"))
    with pytest.raises(ValidationFailed) as err:  # reason and field problems together
        person.correct_mark(services, world.om, mk.entry_id, mk.version_id, MarkInput("tattoo", "", "Anchor"), "")
    assert err.value.for_field("reason") and err.value.for_field("body_location")
    person.correct_mark(services, world.om, mk.entry_id, mk.version_id,
                        MarkInput("tattoo", "Right forearm", "Anchor"), REASON)
    assert _revision(services, world, oid, "distinguishing_mark")[0].before["body_location"] == "Left forearm"


def test_vehicle_with_registration_warning_saved_and_corrected(services, world):
    oid = _offender(services, world)
    with pytest.raises(ValidationFailed) as err:
        person.add_vehicle(services, world.om, oid, VehicleInput(" ", from_date=date(2026, 5, 1),
                                                                 to_date=date(2026, 4, 1)))
    assert err.value.for_field("registration") and err.value.for_field("to_date")
    with pytest.raises(ValidationFailed) as err:
        person.add_vehicle(services, world.om, oid, VehicleInput("AB12CDE", from_date=date(2030, 1, 1)))
    assert "future" in err.value.for_field("from_date")
    ok = person.add_vehicle(services, world.om, oid, VehicleInput("ab12cde", "Ford", "Focus", "Blue", notified=True))
    assert ok.warning is None
    odd = person.add_vehicle(services, world.om, oid, VehicleInput("d-ab 1234", "VW", "Golf"))
    assert odd.warning and "D-AB 1234" in odd.warning  # saved all the same
    regs = [v.registration for v in person.person_for(services, world.om, oid).vehicles]
    assert sorted(regs) == ["AB12 CDE", "D-AB 1234"]
    person.correct_vehicle(services, world.om, ok.entry_id, ok.version_id,
                           VehicleInput("AB12 CDF", "Ford", "Focus", "Blue", notified=True), REASON)
    [rev] = _revision(services, world, oid, "vehicle")
    assert rev.before["registration"] == "AB12 CDE" and rev.reason == REASON
    [audit] = _audits(services, "vehicle", "entry.correct")
    assert "AB12 CDF" in audit.details_json and audit.reason == REASON


def test_occupation_and_online_identifier(services, world):
    oid = _offender(services, world)
    with pytest.raises(ValidationFailed) as err:
        person.add_occupation(services, world.om, oid, OccupationInput("job", ""))
    assert err.value.for_field("kind") and err.value.for_field("organisation")
    job = person.add_occupation(services, world.om, oid, OccupationInput(
        "employment", "Acme Warehousing", "Forklift driver", "Unit 4, Dock Road", date(2026, 2, 1)))
    person.correct_occupation(services, world.om, job.entry_id, job.version_id, OccupationInput(
        "employment", "Acme Warehousing Ltd", "Forklift driver", "Unit 4, Dock Road", date(2026, 2, 1)), REASON)
    assert _revision(services, world, oid, "occupation")[0].before["organisation"] == "Acme Warehousing"

    with pytest.raises(ValidationFailed) as err:
        person.add_identifier(services, world.om, oid, IdentifierInput("", "", "rumour"))
    assert err.value.for_field("platform") and err.value.for_field("identifier") and err.value.for_field("source")
    acct = person.add_identifier(services, world.om, oid, IdentifierInput("Facebook", "pat.p.1979", "found"))
    with pytest.raises(ValidationFailed) as err:  # a correction must change something
        person.correct_identifier(services, world.om, acct.entry_id, acct.version_id,
                                  IdentifierInput("Facebook", "pat.p.1979", "found"), REASON)
    assert err.value.for_field("identifier")
    person.correct_identifier(services, world.om, acct.entry_id, acct.version_id,
                              IdentifierInput("Facebook", "pat.p.1978", "found"), REASON)
    assert _revision(services, world, oid, "online_identifier")[0].before["identifier"] == "pat.p.1979"

    caseload.void_entry(services, world.om, "online_identifier", acct.entry_id, acct.version_id + 1,
                        "Belongs to his brother, not to him")
    view = person.person_for(services, world.om, oid)
    assert view.identifiers[0].voided and view.occupations[0].organisation == "Acme Warehousing Ltd"
    assert view.count() == 1
