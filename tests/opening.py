"""Open a record the way a user does (a listed purpose and a reason), so later reads are covered."""

from rso_manager.services.caseload import AccessReason, open_record


def open_case(services, actor, offender_id, reason: AccessReason = AccessReason.CASE_MANAGEMENT,
              text: str = "Reviewing the case before the next home visit"):
    return open_record(services, actor, offender_id, reason, text)
