"""Who may do what. The services check these; the UI only hides what a role cannot use."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OFFENDER_MANAGER = "offender_manager"
    SUPERVISOR = "supervisor"
    OMU_LEAD = "omu_lead"
    ADMINISTRATOR = "administrator"
    BRIEFING = "briefing"  # response and neighbourhood officers: approved briefings only

    @property
    def label(self) -> str:
        return {
            Role.OFFENDER_MANAGER: "Offender manager",
            Role.SUPERVISOR: "Supervisor",
            Role.OMU_LEAD: "OMU lead",
            Role.ADMINISTRATOR: "Administrator",
            Role.BRIEFING: "Frontline briefing (read only)",
        }[self]


class Permission(StrEnum):
    READ_CASES = "read_cases"            # read a record the user is linked to
    READ_OUTSIDE_LINK = "read_outside"   # open a record outside the link, with a reason, reviewed
    WRITE_CASES = "write_cases"
    SIGN_OFF = "sign_off"                # every supervisory decision, breach no-crime included
    REASSIGN_CASE = "reassign_case"
    NAME_COVER = "name_cover"            # who takes an absent supervisor's queue and cases
    PRINT_REPORTS = "print_reports"
    MANAGE_USERS = "manage_users"
    VERIFY_AUDIT = "verify_audit"
    READ_AUDIT_TRAIL = "read_audit_trail"  # the audit trail screen: who opened or changed what
    SEARCH = "search"                    # the force-wide search (outside the link: reference only)
    READ_BRIEFINGS = "read_briefings"    # approved frontline briefings for an area
    WATCH_COURTS = "watch_courts"        # people charged and their hearings, before conviction
    AUDIT_CASES = "audit_cases"          # draw samples and grade cases (the lead; delegates named)


class Link(StrEnum):
    """How a user stands to a case (need-to-know). FORCE is the OMU lead's whole-force view."""

    OWN = "own"
    TEAM = "team"
    COVER = "cover"
    FORCE = "force"
    NONE = "none"

    @property
    def label(self) -> str:
        return {
            Link.OWN: "your own case", Link.TEAM: "a case in your team",
            Link.COVER: "a case you cover", Link.FORCE: "a case in the force (OMU lead)",
            Link.NONE: "a case you have no link to",
        }[self]


_CASE_LINKS = frozenset({Link.OWN, Link.TEAM, Link.COVER})
_ANY = frozenset(Link)

# role -> permission -> the links to a case under which it is granted. A permission that is not
# about one case (reports, accounts, the audit trail) is asked with link=None and is granted when
# the role holds it at all. This table is the only statement of who may do what; the services
# ask it through one path (UnitOfWork.authorise) and tests/services/test_access_matrix.py spells
# every cell of it out, so it cannot change silently.
_GRANTS: dict[Role, dict[Permission, frozenset[Link]]] = {
    Role.OFFENDER_MANAGER: {
        Permission.READ_CASES: _CASE_LINKS,
        Permission.READ_OUTSIDE_LINK: frozenset({Link.NONE}),
        Permission.WRITE_CASES: _CASE_LINKS,
        Permission.SEARCH: _ANY,
        Permission.READ_BRIEFINGS: _ANY,
        Permission.WATCH_COURTS: _ANY,
    },
    Role.SUPERVISOR: {
        Permission.READ_CASES: _CASE_LINKS,
        Permission.READ_OUTSIDE_LINK: frozenset({Link.NONE}),
        Permission.WRITE_CASES: _CASE_LINKS,
        Permission.SIGN_OFF: _CASE_LINKS,
        Permission.REASSIGN_CASE: frozenset({Link.OWN, Link.TEAM}),
        Permission.PRINT_REPORTS: _ANY,
        Permission.SEARCH: _ANY,
        Permission.READ_BRIEFINGS: _ANY,
        Permission.WATCH_COURTS: _ANY,
    },
    Role.OMU_LEAD: {
        Permission.READ_CASES: _ANY,
        Permission.WRITE_CASES: _ANY,
        Permission.SIGN_OFF: _ANY,
        Permission.REASSIGN_CASE: _ANY,
        Permission.NAME_COVER: _ANY,
        Permission.PRINT_REPORTS: _ANY,
        Permission.VERIFY_AUDIT: _ANY,
        Permission.READ_AUDIT_TRAIL: _ANY,
        Permission.SEARCH: _ANY,
        Permission.READ_BRIEFINGS: _ANY,
        Permission.WATCH_COURTS: _ANY,
        Permission.AUDIT_CASES: _ANY,
    },
    # The administrator manages accounts and the audit trail but does not read case records:
    # DPA 2018 s.57 asks that data is not exposed beyond those who need it.
    Role.ADMINISTRATOR: {
        Permission.MANAGE_USERS: _ANY,
        Permission.VERIFY_AUDIT: _ANY,
        Permission.READ_AUDIT_TRAIL: _ANY,  # references only: services/audit_trail.py
    },
    # Patrol officers see what the offender manager approved for them, nothing of the record.
    Role.BRIEFING: {
        Permission.READ_BRIEFINGS: _ANY,
    },
}

# Case entries are evidence: only ViSOR/MOSOVO-trained staff may create, decide or move them.
_NEEDS_TRAINING = frozenset({Permission.WRITE_CASES, Permission.SIGN_OFF, Permission.REASSIGN_CASE,
                             Permission.NAME_COVER, Permission.WATCH_COURTS, Permission.AUDIT_CASES})


def allows(role: Role, trained: bool, permission: Permission, link: Link | None = None) -> bool:
    """Whether ROLE (TRAINED or not) may use PERMISSION on a case it stands to through LINK;
    LINK None asks whether the role holds the permission at all."""
    if permission in _NEEDS_TRAINING and not trained:
        return False
    links = _GRANTS[role].get(permission)
    if links is None:
        return False
    return link is None or link in links


def link_to_case(*, user_id: int, role: Role, team_id: int | None, case_manager_id: int | None,
                 case_team_id: int | None, covers: bool) -> Link:
    """The closest link USER has to a case; COVERS: a recorded cover arrangement names the user
    today for the case team's supervisor or for the case's absent offender manager."""
    if case_manager_id is not None and case_manager_id == user_id:
        return Link.OWN
    if team_id is not None and case_team_id == team_id:
        return Link.TEAM
    if covers:
        return Link.COVER
    if role is Role.OMU_LEAD:
        return Link.FORCE
    return Link.NONE


class CaseloadScope(StrEnum):
    MINE = "mine"
    TEAM = "team"
    ALL = "all"


def caseload_scopes(role: Role) -> tuple[CaseloadScope, ...]:
    """Scopes a role may choose, the default first."""
    if role is Role.OFFENDER_MANAGER:
        return (CaseloadScope.MINE, CaseloadScope.TEAM)
    if role is Role.SUPERVISOR:
        # Need-to-know: a supervisor lists their team; other cases open only with a reason.
        return (CaseloadScope.TEAM, CaseloadScope.MINE)
    if role is Role.OMU_LEAD:
        return (CaseloadScope.ALL, CaseloadScope.TEAM)
    return ()
