"""Sign-in codes (RFC 6238) and recovery codes, on both backends, with the injected clock."""

import json

import pytest
from sqlalchemy import select

from rso_manager.persistence.models import AuditEvent, User
from rso_manager.services import passwords, second_factor, users
from rso_manager.services.errors import (
    AuthenticationFailed,
    PermissionDenied,
    SecondFactorEnrolmentRequired,
    SecondFactorRequired,
    ValidationFailed,
    WrongSecondFactor,
)
from tests.conftest import PASSWORD
from tests.sign_in import code_now, enrol


def _user(services, username):
    with services.session_factory() as s:
        return s.scalar(select(User).where(User.username == username))


def _audit_text(services):
    with services.session_factory() as s:
        return " ".join(f"{e.action} {e.outcome} {e.reason or ''} {e.details_json or ''}"
                        for e in s.scalars(select(AuditEvent)))


@pytest.mark.parametrize("username", ["admin", "lead"])
def test_administrator_and_lead_without_a_code_are_sent_to_enrol(services, world, username):
    before = passwords.verification_count()
    with pytest.raises(SecondFactorEnrolmentRequired, match="set it up"):
        users.login(services, username, PASSWORD)
    assert passwords.verification_count() - before == 1
    with pytest.raises(AuthenticationFailed):  # a wrong password learns nothing about the code
        users.login(services, username, "wrong password entirely here")
    assert users.login(services, "om", PASSWORD).username == "om"  # others need no code


def test_enrolment_shows_recovery_codes_once_and_audits_no_secret(services, world, clock):
    enrolment = second_factor.start_enrolment("lead")
    result = users.confirm_enrolment(services, "lead", PASSWORD, enrolment.secret,
                                     code_now(enrolment.secret, clock))
    assert enrolment.uri.startswith("otpauth://totp/RSO%20Manager:lead?secret=")
    assert "issuer=RSO%20Manager" in enrolment.uri
    assert enrolment.grouped_secret.replace(" ", "") == enrolment.secret
    assert result.actor.username == "lead"
    assert len(result.recovery_codes) == 10 and len(set(result.recovery_codes)) == 10
    stored = _user(services, "lead")
    assert stored.totp_secret == enrolment.secret and stored.totp_enrolled_at is not None
    hashes = json.loads(stored.recovery_codes_json)
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any(c in stored.recovery_codes_json for c in result.recovery_codes)
    audit = _audit_text(services)
    assert "second_factor.enrol" in audit
    assert enrolment.secret not in audit and not any(c in audit for c in result.recovery_codes)


def test_a_wrong_code_at_enrolment_is_named_and_stores_nothing(services, world, clock):
    enrolment = second_factor.start_enrolment("lead")
    with pytest.raises(ValidationFailed) as err:
        users.confirm_enrolment(services, "lead", PASSWORD, enrolment.secret, "000000")
    assert "does not match" in err.value.for_field("code")
    assert _user(services, "lead").totp_secret is None
    with pytest.raises(AuthenticationFailed):
        users.confirm_enrolment(services, "lead", "wrong password entirely here", enrolment.secret,
                                code_now(enrolment.secret, clock))
    assert _user(services, "lead").totp_secret is None


def test_an_enrolled_account_needs_a_valid_code_never_the_same_one_twice(services, world, clock):
    secret, _ = enrol(services)
    with pytest.raises(SecondFactorRequired):
        users.login(services, "lead", PASSWORD)
    with pytest.raises(WrongSecondFactor):
        users.login(services, "lead", PASSWORD, "123456" if code_now(secret, clock) != "123456"
                    else "654321")
    code = code_now(secret, clock)
    before = passwords.verification_count()
    assert users.login(services, "lead", PASSWORD, code).username == "lead"
    assert passwords.verification_count() - before == 1
    with pytest.raises(WrongSecondFactor, match="used already"):
        users.login(services, "lead", PASSWORD, code)  # replayed within its 30 seconds
    clock.advance(seconds=30)
    # A step behind is within the drift allowed, but that step is the one just used: refused.
    with pytest.raises(WrongSecondFactor):
        users.login(services, "lead", PASSWORD, code_now(secret, clock, steps=-1))
    assert users.login(services, "lead", PASSWORD, code_now(secret, clock, steps=1))
    clock.advance(seconds=90)
    with pytest.raises(WrongSecondFactor):  # two steps off: too far
        users.login(services, "lead", PASSWORD, code_now(secret, clock, steps=-2))
    # The right code with a wrong password is still the generic refusal.
    with pytest.raises(AuthenticationFailed) as refused:
        users.login(services, "lead", "wrong password entirely here", code_now(secret, clock))
    assert not isinstance(refused.value, WrongSecondFactor)


def test_wrong_codes_count_towards_the_lockout(services, world, clock):
    secret, _ = enrol(services)
    for _ in range(5):
        with pytest.raises(WrongSecondFactor):
            users.login(services, "lead", PASSWORD, "not-a-code")
    with pytest.raises(AuthenticationFailed, match="locked"):
        users.login(services, "lead", PASSWORD, code_now(secret, clock))
    assert _user(services, "lead").locked_until is not None


def test_a_recovery_code_works_once(services, world, clock):
    _secret, recovery_codes = enrol(services)
    first, second = recovery_codes[:2]
    assert users.use_recovery_code(services, "lead", PASSWORD, first.lower()).username == "lead"
    with pytest.raises(WrongSecondFactor):
        users.use_recovery_code(services, "lead", PASSWORD, first)
    # The code box takes a recovery code too.
    assert users.login(services, "lead", PASSWORD, second.replace("-", " "))
    stored = _user(services, "lead")
    assert second_factor.recovery_codes_left(stored) == 8
    audit = _audit_text(services)
    assert audit.count("second_factor.recovery_used") == 2 and first not in audit


def test_moving_the_code_to_a_new_phone_needs_the_current_code(services, world, clock):
    old, _ = enrol(services)
    new = second_factor.start_enrolment("lead")
    with pytest.raises(SecondFactorRequired):  # the password alone cannot move it
        users.confirm_enrolment(services, "lead", PASSWORD, new.secret, code_now(new.secret, clock))
    result = users.confirm_enrolment(services, "lead", PASSWORD, new.secret, code_now(new.secret, clock),
                                     current_code=code_now(old, clock))
    assert len(result.recovery_codes) == 10
    assert _user(services, "lead").totp_secret == new.secret


def test_the_administrator_resets_a_lost_phone_with_a_reason(services, world, clock):
    enrol(services)
    lead = _user(services, "lead")
    with pytest.raises(ValidationFailed):
        second_factor.reset_second_factor(services, world.admin, lead.id, lead.version_id, "lost")
    with pytest.raises(PermissionDenied):
        second_factor.reset_second_factor(services, world.supervisor, lead.id, lead.version_id, "lost phone on the train")
    second_factor.reset_second_factor(services, world.admin, lead.id, lead.version_id, "lost phone on the train")
    assert _user(services, "lead").totp_secret is None
    with pytest.raises(SecondFactorEnrolmentRequired):
        users.login(services, "lead", PASSWORD)
    with pytest.raises(PermissionDenied, match="your own"):
        second_factor.reset_second_factor(services, world.admin, world.admin.user_id,
                                          _user(services, "admin").version_id, "my phone is lost")
    with services.session_factory() as s:
        row = s.scalar(select(AuditEvent).where(AuditEvent.action == "second_factor.reset"))
    assert row.reason == "lost phone on the train" and row.entity_id == lead.id


def test_a_setting_requires_a_code_of_every_account(services, world, clock):
    second_factor.set_required_for_everyone(services, world.admin, True, "force policy from 1 December")
    with pytest.raises(SecondFactorEnrolmentRequired):
        users.login(services, "om", PASSWORD)
    enrol(services, "om")
    status = second_factor.status(services, world.om)
    assert status.enrolled and status.required and status.recovery_codes_left == 10
    second_factor.set_required_for_everyone(services, world.admin, False, "policy withdrawn again")
    with pytest.raises(SecondFactorRequired):  # once set up, the code is always asked for
        users.login(services, "om", PASSWORD)
    assert users.login(services, "om2", PASSWORD)
    with pytest.raises(PermissionDenied):
        second_factor.set_required_for_everyone(services, world.supervisor, True, "I'd like it on")


def test_unlocking_the_screen_takes_the_password_only(services, world, clock):
    enrol(services)
    # The session was opened with a code; unlocking it takes the password again, not a code.
    assert users.reauthenticate(services, world.lead, PASSWORD).username == "lead"
    with pytest.raises(AuthenticationFailed):
        users.reauthenticate(services, world.lead, "wrong password entirely here")
