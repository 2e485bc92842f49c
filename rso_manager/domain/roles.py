"""Who may do what. The services check these; the UI only hides what a role cannot use."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OFFENDER_MANAGER = "offender_manager"
    SUPERVISOR = "supervisor"
    OMU_LEAD = "omu_lead"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return {
            Role.OFFENDER_MANAGER: "Offender manager",
            Role.SUPERVISOR: "Supervisor",
            Role.OMU_LEAD: "OMU lead",
            Role.ADMINISTRATOR: "Administrator",
        }[self]


class Permission(StrEnum):
    READ_CASES = "read_cases"
    WRITE_CASES = "write_cases"
    SIGN_OFF = "sign_off"
    PRINT_REPORTS = "print_reports"
    MANAGE_USERS = "manage_users"
    VERIFY_AUDIT = "verify_audit"


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.OFFENDER_MANAGER: frozenset({Permission.READ_CASES, Permission.WRITE_CASES}),
    Role.SUPERVISOR: frozenset(
        {Permission.READ_CASES, Permission.WRITE_CASES, Permission.SIGN_OFF, Permission.PRINT_REPORTS}
    ),
    Role.OMU_LEAD: frozenset(
        {Permission.READ_CASES, Permission.WRITE_CASES, Permission.SIGN_OFF,
         Permission.PRINT_REPORTS, Permission.VERIFY_AUDIT}
    ),
    # The administrator manages accounts and the audit trail but does not read case records:
    # DPA 2018 s.57 asks that data is not exposed beyond those who need it.
    Role.ADMINISTRATOR: frozenset({Permission.MANAGE_USERS, Permission.VERIFY_AUDIT}),
}

# Case entries are evidence: only ViSOR/MOSOVO-trained staff may create them.
_NEEDS_TRAINING = frozenset({Permission.WRITE_CASES, Permission.SIGN_OFF})


def allows(role: Role, trained: bool, permission: Permission) -> bool:
    if permission in _NEEDS_TRAINING and not trained:
        return False
    return permission in _GRANTS[role]


class CaseloadScope(StrEnum):
    MINE = "mine"
    TEAM = "team"
    ALL = "all"


def caseload_scopes(role: Role) -> tuple[CaseloadScope, ...]:
    """Scopes a role may choose, the default first."""
    if role is Role.OFFENDER_MANAGER:
        return (CaseloadScope.MINE, CaseloadScope.TEAM)
    if role is Role.SUPERVISOR:
        return (CaseloadScope.TEAM, CaseloadScope.MINE, CaseloadScope.ALL)
    if role is Role.OMU_LEAD:
        return (CaseloadScope.ALL, CaseloadScope.TEAM)
    return ()
