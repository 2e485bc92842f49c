"""Printed and exported reports: permission, one consistent read, then an audit row.

Printing case data is an export like any other (security.md): who printed what scope, for
which period and when is written to the audit trail before the bytes are handed back.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.orm import Session

from rso_manager.domain.dates import add_months
from rso_manager.domain.roles import Permission, Role
from rso_manager.persistence import models as m
from rso_manager.reports import compliance_figures, compliance_pdf
from rso_manager.reports.compliance_figures import (
    ComplianceFigures,
    ExceptionRow,
    ReportSettings,
    Scope,
    Share,
)
from rso_manager.reports.pdf_kit import MARKING
from rso_manager.reports.separate_process import BuildCancelled, build_apart
from rso_manager.services import access, reads_apart, settings
from rso_manager.services.errors import FieldProblem, PermissionDenied, ValidationFailed
from rso_manager.services.printed_files import audited_file
from rso_manager.services.unit_of_work import Actor, Services, unit_of_work

FORMATS = ("pdf", "json")
REPORT_PAGE_CACHE_KIB = 128 * 1024  # SQLite's page cache while a report reads (the default is 8 MB)


@contextmanager
def _snapshot(services: Services) -> Iterator[Session]:
    """One read-only snapshot for every query of a report, so its figures agree with each other
    even while colleagues keep saving. PostgreSQL: REPEATABLE READ. SQLite: an explicit BEGIN
    (the driver starts no transaction for SELECTs, so each would otherwise see its own moment);
    in WAL mode the snapshot is taken at the first read and blocks no writer."""
    with services.session_factory() as session:
        dialect = session.get_bind().dialect.name
        if dialect == "postgresql":
            # Set on the connection as it is checked out; the pool resets it on return.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            # A report's statements are index probes, one a case, whose estimated cost passes
            # the JIT threshold: compiling them took 30-35 ms a statement, more than it saved
            # (the force's figures at 100,000: 9.0-9.2 s without, 10.8-11.4 s with, issue 16).
            # SET LOCAL ends with the snapshot's transaction.
            session.execute(text("SET LOCAL jit = off"))
        elif dialect == "sqlite":
            connection = session.connection()
            connection.execute(text("BEGIN"))
            # A report reads most of the file, much of it more than once (a table joined to the
            # cases, then read again by case): with the default 8 MB page cache every
            # page is read and decrypted again each time (SQLCipher: an HMAC and AES a page).
            # At 100,000 cases the force's figures took 41 s with it and 18 s with this one,
            # which is given back when the report ends (issue 16).
            kept = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
            connection.exec_driver_sql(f"PRAGMA cache_size = -{REPORT_PAGE_CACHE_KIB}")
        try:
            yield session
        finally:
            if dialect == "sqlite":
                # On the same connection, before it goes back to the pool.
                connection.exec_driver_sql(f"PRAGMA cache_size = {kept}")
            session.rollback()


def report_settings(session: Session) -> ReportSettings:
    """The OMU's own thresholds and policies, which every report measures against."""
    return ReportSettings(
        caseload_ceiling=int(settings.get(session, "caseload_ceiling")),
        device_check_visits=int(settings.get(session, "device_check_visits")),
        sign_off_escalation_working_days=int(settings.get(session, "sign_off_escalation_working_days")),
        visit_policy=settings.visit_policy(session),
        notification_policy=settings.notification_policy(session),
    )


def authorise_scope(services: Services, actor: Actor, scope: Scope) -> None:
    """Reports name cases, so they stay inside the reader's link: the OMU lead any scope, a
    supervisor their own team or an officer in it. The account is read as it is now."""
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.PRINT_REPORTS)
        reader = uow.actor
        if reader.role is Role.OMU_LEAD:
            return
        s = uow.session
        own_team = s.scalar(select(m.Team.name).where(m.Team.id == reader.team_id)) if reader.team_id else None
        if scope.kind == "team" and own_team and (scope.name or "").strip().lower() == own_team.lower():
            return
        if scope.kind == "officer":
            name = (scope.name or "").strip().lower()  # Scope() ensures an officer scope has one
            officer = s.scalar(select(m.User).where(or_(func.lower(m.User.username) == name,
                                                        func.lower(m.User.display_name) == name)))
            if officer is not None and (officer.id == reader.user_id
                                        or (reader.team_id and officer.team_id == reader.team_id)):
                return
            if officer is None:
                return  # compute() names the unknown officer as a field problem
        raise PermissionDenied(
            "A report names cases, so a supervisor prints it for their own team or an officer in "
            "it; the OMU lead prints it for the force or another team.")


def compliance_figures_for(services: Services, actor: Actor, scope: Scope, period_from: date,
                           period_to: date, as_of: date) -> ComplianceFigures:
    """The figures alone (for the dashboard): not an export, so not audited as one."""
    return _figures(services, actor, scope, period_from, period_to, as_of)[0]


def _figures(services: Services, actor: Actor, scope: Scope, period_from: date, period_to: date,
             as_of: date, *, teams: bool = False) -> tuple[ComplianceFigures, dict[int, str]]:
    """The figures and, for the whole force and TEAMS, the team of every case (the PDF counts
    each team's exceptions), read in the one snapshot. Only the PDF asks for the teams: at
    100,000 cases reading them is most of a second the dashboard and JSON would not use."""
    authorise_scope(services, actor, scope)
    with _snapshot(services) as session:
        try:
            figures = compliance_figures.compute(session, scope, period_from, period_to, as_of,
                                                 report_settings(session))
        except ValueError as exc:
            raise ValidationFailed(FieldProblem("scope", str(exc))) from None
        team_of: dict[int, str] = {}
        if teams and scope.kind == "force":
            team_of = {case_id: team for case_id, team in session.execute(
                select(m.Offender.id, m.Team.name).join(m.Team, m.Team.id == m.Offender.team_id))}
        return figures, team_of


def _read_figures(services: Services, actor: Actor, scope: Scope, period_from: date, period_to: date,
                  as_of: date, fmt: str) -> tuple[ComplianceFigures, dict[int, str]]:
    """_figures for a print, in the reads' process where the app has one: a force's figures are
    seconds of Python that the GUI thread would otherwise wait behind. The print's audit row is
    written here afterwards, by a connection that may write."""
    return reads_apart.read(services, _figures, actor, scope, period_from, period_to, as_of, teams=fmt == "pdf")


def compliance_json(figures: ComplianceFigures, *, generated_by: str, generated_at) -> bytes:
    body = {"marking": MARKING, "report": "compliance_summary",
            "generated_by": generated_by, "generated_at": generated_at.isoformat(),
            **compliance_figures.to_json(figures)}
    # Not indented: json's C encoder only writes without indent, and the pure-Python one took
    # 0.6 s over the lists of a team of 25,000 cases (issue 16). Any JSON viewer lays it out.
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def compliance_report(services: Services, actor: Actor, scope: Scope, period_from: date, period_to: date,
                      as_of: date, fmt: str = "pdf", *, full_lists: bool = False,
                      cancelled: Callable[[], bool] = lambda: False) -> bytes:
    """The compliance summary as PDF or JSON bytes; one audit row ("export.print") per call.

    FULL_LISTS: the whole force's PDF also lists every exception, team by team, and a team's
    prints its lists in full (their summaries show the oldest of each list; an officer's always
    lists every case). The PDF is built in a separate process (reports.separate_process);
    CANCELLED is asked while it runs.
    Raises PermissionDenied for roles without PRINT_REPORTS (supervisors and OMU leads have it),
    ValidationFailed for an unknown format, team or officer, or a bad period, and
    BuildCancelled when CANCELLED said yes (nothing audited).
    """
    if fmt not in FORMATS:
        raise ValidationFailed(FieldProblem("format", f"Choose a format: {' or '.join(FORMATS)}."))
    figures, team_of = _read_figures(services, actor, scope, period_from, period_to, as_of, fmt)
    data = _render(services, actor, figures, fmt, team_of, full_lists, cancelled)
    with unit_of_work(services, actor) as uow:
        _audit_print(uow, figures, fmt, data, **_full(figures, full_lists))
    return data


def _full(figures: ComplianceFigures, full_lists: bool) -> dict[str, bool]:
    # Said in the audit row only where it changes what was printed.
    return {"full_lists": full_lists} if figures.scope.kind in ("force", "team") else {}


def _render(services: Services, actor: Actor, figures: ComplianceFigures, fmt: str, team_of: dict[int, str],
            full_lists: bool, cancelled: Callable[[], bool]) -> bytes:
    now = services.clock.now()
    generated_by = f"{actor.display_name} ({actor.username})"
    if fmt == "pdf":
        return build_apart(compliance_pdf.build_pdf, figures, generated_by=generated_by, generated_at=now,
                           team_of=team_of, full_lists=full_lists, cancelled=cancelled)
    return compliance_json(figures, generated_by=generated_by, generated_at=now)


def _audit_print(uow, figures: ComplianceFigures, fmt: str, data: bytes, **extra) -> None:
    uow.audit("export.print", entity="compliance_report", details={
        "report": "compliance_summary", "format": fmt,
        "scope": {"kind": figures.scope.kind, "name": figures.scope.name},
        "period_from": figures.period_from, "period_to": figures.period_to, "as_of": figures.as_of,
        "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), **extra,
    })


# --- the print dialog: defaults, checks, saving -----------------------------------------------

DEFAULT_PERIOD_MONTHS = 3


@dataclass(frozen=True)
class ReportOptions:
    """What the print dialog and the dashboard offer, and what they start with."""

    scope: Scope  # the reader's own: an OMU lead the force, a supervisor their team
    period_from: date
    period_to: date
    as_of: date
    teams: tuple[str, ...]
    officers: tuple[str, ...]  # display names of the staff who hold (or may hold) cases


def default_period(today: date) -> tuple[date, date]:
    """The last three months up to and including today."""
    return add_months(today, -DEFAULT_PERIOD_MONTHS), today


def default_scope(actor: Actor, team_name: str | None) -> Scope:
    """An OMU lead looks at the force; a supervisor at their team (their own cases if they have
    no team); anyone else at their own cases."""
    if actor.role is Role.OMU_LEAD:
        return Scope.force()
    if actor.role is Role.SUPERVISOR and team_name:
        return Scope.team(team_name)
    return Scope.officer(actor.username)


def compliance_report_options(services: Services, actor: Actor) -> ReportOptions:
    with access.listing(services, actor, Permission.PRINT_REPORTS) as s:
        teams = tuple(s.scalars(select(m.Team.name).where(m.Team.active).order_by(m.Team.name)))
        own_team = s.scalar(select(m.Team.name).where(m.Team.id == actor.team_id)) if actor.team_id else None
        holders = select(m.Offender.offender_manager_id).where(m.Offender.offender_manager_id.is_not(None))
        officers = tuple(s.scalars(
            select(m.User.display_name).where(or_(
                and_(m.User.active, m.User.role.in_((Role.OFFENDER_MANAGER.value, Role.SUPERVISOR.value))),
                m.User.id.in_(holders)))
            .order_by(m.User.display_name)))
    today = services.clock.today()
    start, end = default_period(today)
    return ReportOptions(default_scope(actor, own_team), start, end, today, teams, officers)


def report_file_name(scope: Scope, as_of: date, fmt: str) -> str:
    """compliance-force-2026-11-25.pdf, compliance-team-north-....pdf, compliance-officer-olly-manager-....json"""
    words = [scope.kind] + ([scope.name] if scope.kind != "force" and scope.name else [])
    slug = re.sub(r"[^a-z0-9]+", "-", " ".join(words).casefold()).strip("-") or "force"
    return f"compliance-{slug}-{as_of.isoformat()}.{fmt}"


def request_problems(period_from: date | None, period_to: date | None, as_of: date | None,
                     today: date, fmt: str = "pdf") -> list[FieldProblem]:
    """What is wrong with a report request, each problem on the field to fix (the dates come
    from typed fields: None means empty or not a real date)."""
    problems = []
    if period_from is None:
        problems.append(FieldProblem("period_from", "Enter the first day of the period as DD/MM/YYYY."))
    if period_to is None:
        problems.append(FieldProblem("period_to", "Enter the last day of the period as DD/MM/YYYY."))
    if as_of is None:
        problems.append(FieldProblem("as_of", "Enter the day the figures are as of, as DD/MM/YYYY."))
    if period_from and period_to and period_to < period_from:
        problems.append(FieldProblem(
            "period_to", f"The period ends ({period_to:%d/%m/%Y}) before it starts ({period_from:%d/%m/%Y}): "
                         "the last day must be on or after the first."))
    if as_of and period_to and as_of < period_to:
        problems.append(FieldProblem(
            "as_of", f"The as-of date ({as_of:%d/%m/%Y}) is before the end of the period "
                     f"({period_to:%d/%m/%Y}): figures cannot be as of a day inside the period."))
    elif as_of and as_of > today:
        problems.append(FieldProblem(
            "as_of", f"The as-of date ({as_of:%d/%m/%Y}) is after today: a report can only say what is "
                     "outstanding as of today or an earlier day."))
    if fmt not in FORMATS:
        problems.append(FieldProblem("format", f"Choose a format: {' or '.join(FORMATS)}."))
    return problems


class ReportFileExists(ValidationFailed):
    """The chosen file exists: ask before replacing it, then save again with replace=True."""

    def __init__(self, path: str):
        self.path = path
        super().__init__(FieldProblem("path", f"{Path(path).name} already exists in that folder."))


def _path_problems(path: str, fmt: str, replace: bool) -> None:
    if not path.strip():
        raise ValidationFailed(FieldProblem("path", "Choose where to save the report."))
    target = Path(path)
    if not target.is_absolute():
        raise ValidationFailed(FieldProblem("path", "Give the full path of the file, or use Browse to choose it."))
    if target.is_dir():
        raise ValidationFailed(FieldProblem("path", "That is a folder: add a file name."))
    if not target.parent.is_dir():
        raise ValidationFailed(FieldProblem("path", f"There is no folder {target.parent}."))
    suffix = target.suffix.casefold().lstrip(".")
    if suffix in FORMATS and suffix != fmt:
        raise ValidationFailed(FieldProblem(
            "path", f"The file name ends in .{suffix} but the format chosen is {fmt.upper()}."))
    if target.exists() and not replace:
        raise ReportFileExists(path)


@dataclass(frozen=True)
class SavedReport:
    path: str
    fmt: str
    size: int
    scope_label: str
    saved: bool  # False: cancelled before anything was written or audited


def save_compliance_report(services: Services, actor: Actor, scope: Scope, period_from: date | None,
                           period_to: date | None, as_of: date | None, fmt: str, path: str, *,
                           replace: bool = False, cancelled: Callable[[], bool] = lambda: False,
                           progress: Callable[[int, int], None] | None = None,
                           full_lists: bool = False) -> SavedReport:
    """Build the compliance summary and write it to PATH, owner-only, with one audit row.

    The audit row and the file go together: if the file cannot be written, nothing is audited;
    if the audit cannot be committed, the file is removed. CANCELLED is asked between the steps
    (a background caller's Cancel), and while the PDF is built in its own process: a cancelled
    report leaves no file and no audit row. FULL_LISTS as compliance_report().
    Raises ValidationFailed naming the field (period_from, period_to, as_of, format, path or
    scope), ReportFileExists when PATH exists and REPLACE is false, PermissionDenied.
    """
    authorise_scope(services, actor, scope)
    step = progress or (lambda done, total: None)
    problems = request_problems(period_from, period_to, as_of, services.clock.today(), fmt)
    if problems:
        raise ValidationFailed(problems)
    assert period_from and period_to and as_of
    _path_problems(path, fmt, replace)
    step(0, 3)
    figures, team_of = _read_figures(services, actor, scope, period_from, period_to, as_of, fmt)
    if cancelled():
        return SavedReport(path, fmt, 0, figures.scope.label, saved=False)
    step(1, 3)
    try:
        data = _render(services, actor, figures, fmt, team_of, full_lists, cancelled)
    except BuildCancelled:
        return SavedReport(path, fmt, 0, figures.scope.label, saved=False)
    if cancelled():
        return SavedReport(path, fmt, 0, figures.scope.label, saved=False)
    step(2, 3)
    with audited_file(path, "report") as write, unit_of_work(services, actor) as uow:
        _audit_print(uow, figures, fmt, data, saved_to=str(path), **_full(figures, full_lists))
        uow.session.flush()
        write(data)
    step(3, 3)
    return SavedReport(path, fmt, len(data), figures.scope.label, saved=True)


# --- the dashboard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    """One figure on the dashboard. Every figure opens the list of what it counts: ROWS when the
    figures carry them, otherwise dashboard_cases(KEY) fetches them."""

    key: str
    label: str
    value: int
    detail: str
    exception: bool  # a problem when not zero: shown in red
    list_title: str
    rows: tuple[ExceptionRow, ...] | None = None


@dataclass(frozen=True)
class DashboardSection:
    title: str
    tiles: tuple[Tile, ...]


@dataclass(frozen=True)
class Dashboard:
    figures: ComplianceFigures
    sections: tuple[DashboardSection, ...]
    loaded_at: datetime

    def tile(self, key: str) -> Tile:
        return next(t for s in self.sections for t in s.tiles if t.key == key)


def _pct(share: Share) -> str:
    return "none yet" if share.fraction is None else f"{round(100 * share.fraction)}%"


def _hours(h: float | None) -> str:
    if h is None:
        return "no referrals in the period"
    return f"median {h:g} hours from concern" if h < 48 else f"median {h / 24:.1f} days from concern"


def _late_rows(figures: ComplianceFigures) -> tuple[ExceptionRow, ...]:
    return tuple(ExceptionRow(
        n.reference, n.name, n.officer,
        f"{n.kind} notification made on {n.notified_on:%d/%m/%Y}"
        + (f", {n.days_late} day{'s' if n.days_late != 1 else ''} late" if n.days_late else " late")
        + f": {n.what_happened}", n.days_late, n.notified_on, offender_id=n.offender_id)
        for n in figures.notifications.late_in_period)


def _ceiling_rows(figures: ComplianceFigures) -> tuple[ExceptionRow, ...]:
    cl = figures.caseload
    return tuple(ExceptionRow(None, None, o.officer,
                              f"{o.cases} open cases: {o.cases - cl.ceiling} over the ceiling of {cl.ceiling}"
                              + (f" (team {o.team})" if o.team else ""), None, None)
                 for o in cl.over_ceiling)


def dashboard_tiles(figures: ComplianceFigures) -> tuple[DashboardSection, ...]:
    """The dashboard's figures by section, exceptions first in each. The sections are ordered
    for the screen (pairs of short sections share a row), not as the PDF orders them."""
    f = figures
    cl, v, n, b, d, sv, sg = (f.caseload, f.visits, f.notifications, f.breaches, f.devices, f.supervision,
                              f.safeguarding)
    risk = {c.key: c.count for c in cl.by_risk}
    mappa = {c.key: c.count for c in cl.by_mappa}
    title = compliance_figures.case_list_title

    def listed(key, label, value, detail, *, exception=False, rows=None, list_title=None):
        return Tile(key, label, value, detail, exception, list_title or title(key), rows)

    def problems(key, label, rows, detail, list_title):
        return Tile(key, label, len(rows), detail, True, list_title, tuple(rows))

    escalated = tuple(r for r in sv.awaiting if "escalated" in r.tags)
    sections = (
        ("Caseload", (
            listed("caseload.open", "Open cases", cl.total, "active or in custody"),
            listed("caseload.risk:very_high", "Very high risk", risk.get("very_high", 0), "open cases"),
            listed("caseload.risk:high", "High risk", risk.get("high", 0), "open cases"),
            listed("caseload.mappa:3", "MAPPA level 3", mappa.get("3", 0), "open cases"),
            listed("caseload.mappa:2", "MAPPA level 2", mappa.get("2", 0), "open cases"),
            listed("caseload.custody", "In custody", cl.in_custody, "open cases"),
            listed("caseload.unallocated", "Unallocated", cl.unallocated, "no offender manager",
                   exception=True),
            problems("caseload.over_ceiling", "Over the ceiling", _ceiling_rows(f),
                     f"officers over {cl.ceiling} cases", f"Officers with more than {cl.ceiling} open cases"),
        )),
        ("Home visits", (
            problems("visits.overdue", "Overdue", v.overdue, "past the due date", "Overdue home visits"),
            problems("visits.repeated_pattern", "Predictable pattern", v.repeated_pattern,
                     f"last {f.settings.pattern_run} visits alike", "Home visits falling into a pattern"),
            listed("visits.home", "Home visits", v.home_visits, "in the period"),
            listed("visits.failed", "Failed entries", v.failed_entries, "no answer, refused or away"),
            listed("visits.announced", "Announced", v.home_visits - v.unannounced.numerator,
                   f"{_pct(v.unannounced)} unannounced"),
            listed("visits.one_officer", "One officer only", v.home_visits - v.two_officers.numerator,
                   f"{_pct(v.two_officers)} with two officers"),
            listed("visits.office", "Office interviews", v.office_interviews, "in the period"),
        )),
        ("Notifications", (
            problems("notifications.overdue", "Overdue", n.overdue, "past the due date",
                     "Overdue statutory notifications"),
            problems("notifications.late", "Made late", _late_rows(f), "in the period",
                     "Notifications made late in the period"),
            Tile("notifications.due_soon", "Due soon", len(n.due_soon), f"within {f.settings.due_soon_days} days",
                 False, f"Notifications due within {f.settings.due_soon_days} days", n.due_soon),
            listed("notifications.made", "Made", n.made_in_period, "in the period"),
        )),
        ("Supervision", (
            problems("supervision.awaiting", "Awaiting sign-off", sv.awaiting, "decisions not yet made",
                     "Awaiting a supervisor’s decision"),
            problems("supervision.escalated", "Escalated", escalated,
                     f"over {f.settings.sign_off_escalation_working_days} working days",
                     "Sign-offs escalated to the OMU lead"),
            problems("supervision.refusals", "Refusals", sv.refusals, "rationales refused",
                     "Rationales refused in the period"),
            listed("supervision.decided", "Decisions made", sv.decided_in_period,
                   f"{_pct(sv.via_cover)} by cover" if sv.decided_in_period else "in the period"),
        )),
        ("Breaches", (
            problems("breaches.undecided", "No decision yet", b.open_without_decision,
                     "crime or no-crime", "Breaches awaiting a crime or no-crime decision"),
            listed("breaches.open", "Open breaches", b.open_total, f"as of {f.as_of:%d/%m/%Y}"),
            listed("breaches.opened", "Occurred", b.opened_in_period, "in the period"),
            listed("breaches.crimes", "Crimes recorded", b.crimes_recorded, "in the period"),
            listed("breaches.no_crime", "No crime", b.no_crime_decisions, "reasoned decisions"),
            listed("breaches.warnings", "Warnings given", b.warnings_given, "in the period"),
        )),
        ("Devices", (
            problems("devices.to_check", "Devices to check", d.offenders,
                     f"cases; none in {f.settings.device_check_visits} visits",
                     "Devices to check at the next home visit"),
            listed("devices.active", "Active devices", d.active_devices, "declared, active cases"),
        )),
        ("Safeguarding", (
            problems("safeguarding.decision_overdue", "CSC decisions overdue", sg.decision_overdue,
                     "chase children’s social care", "Referrals awaiting a decision past the deadline"),
            problems("safeguarding.not_referred", "Concerns not referred", sg.not_referred,
                     "refer to children’s social care", "Concerns not yet referred"),
            listed("safeguarding.referrals", "Referrals", sg.referrals_in_period,
                   _hours(sg.concern_to_referral.median_hours)),
        )),
        ("Actions", (
            problems("actions.overdue", "Plan actions overdue", f.actions_overdue, "past their due date",
                     "Overdue risk management plan actions"),
            problems("actions.risk_assessments", "Risk assessments due", f.risk_assessments_overdue,
                     "review overdue or none", "Risk assessments overdue or missing"),
        )),
    )
    return tuple(DashboardSection(t, tiles) for t, tiles in sections)


def _check_dates(services: Services, period_from: date | None, period_to: date | None,
                 as_of: date | None) -> None:
    problems = request_problems(period_from, period_to, as_of, services.clock.today())
    if problems:
        raise ValidationFailed(problems)


def compliance_dashboard(services: Services, actor: Actor, scope: Scope, period_from: date | None,
                         period_to: date | None, as_of: date | None) -> Dashboard:
    """The compliance figures as dashboard tiles (not an export: not audited as one)."""
    _check_dates(services, period_from, period_to, as_of)
    assert period_from and period_to and as_of
    figures = compliance_figures_for(services, actor, scope, period_from, period_to, as_of)
    return Dashboard(figures, dashboard_tiles(figures), services.clock.now())


def dashboard_for(services: Services, actor: Actor, scope: Scope | None,
                  options: ReportOptions | None) -> tuple[ReportOptions, Dashboard]:
    """The reader's choices (OPTIONS, or the defaults the first time) and the dashboard for
    SCOPE. Choices made on an earlier day move on to today's period: a page left open past
    midnight shows today's figures."""
    options = options or compliance_report_options(services, actor)
    if options.as_of != services.clock.today():
        fresh = compliance_report_options(services, actor)
        options = ReportOptions(options.scope, fresh.period_from, fresh.period_to, fresh.as_of,
                                fresh.teams, fresh.officers)
    dashboard = compliance_dashboard(services, actor, scope or options.scope, options.period_from,
                                     options.period_to, options.as_of)
    return options, dashboard


def dashboard_cases(services: Services, actor: Actor, scope: Scope, key: str, period_from: date,
                    period_to: date, as_of: date) -> tuple[ExceptionRow, ...]:
    """The list behind a dashboard figure that does not carry its rows (see Tile)."""
    authorise_scope(services, actor, scope)
    _check_dates(services, period_from, period_to, as_of)
    with _snapshot(services) as session:
        try:
            return compliance_figures.cases_behind(session, scope, key, period_from, period_to, as_of,
                                                   report_settings(session))
        except ValueError as exc:
            raise ValidationFailed(FieldProblem("scope", str(exc))) from None
