"""The whole case record as SQLAlchemy 2 typed models.

Conventions that every table follows:
- Case tables never lose rows. A mistake is put right by a correction (the old values kept in
  `record_revision`) or by marking the entry void with a reason (`voided_*`), never by DELETE.
- Every editable table carries `version_id` (optimistic locking): two people saving the same
  record cannot silently overwrite each other.
- Enumerated values are plain strings (non-native enums) so SQLite and PostgreSQL agree; the
  allowed values live in `rso_manager.domain`.
- Datetimes are aware UTC (`TZDateTime`); statutory dates are calendar `Date`s.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from rso_manager.persistence.types import TZDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: TZDateTime}


def table_of(model: type[Base]) -> Table:
    """MODEL's Core table, for bulk inserts. SQLAlchemy types `__table__` as any FROM clause;
    every model here is mapped to one Table."""
    return Base.metadata.tables[model.__tablename__]


class Versioned:
    """Optimistic locking: a save against an old version raises instead of overwriting."""

    version_id: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.version_id}


class Authored(Versioned):
    """Versioned, plus who created and last changed the row."""

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("app_user.id"), nullable=True)

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("app_user.id"), nullable=True)


class CaseEntry(Authored):
    """An entry on an offender's record: belongs to one offender and can be voided, not deleted."""

    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(Text)

    @declared_attr
    def offender_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("offender.id"), index=True)

    @declared_attr
    def voided_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("app_user.id"), nullable=True)


# --- people who use the system ------------------------------------------------------------


class Team(Versioned, Base):
    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The team's patch as postcode districts ("LS1 LS2 LS6"), for frontline briefings by area.
    patch_districts: Mapped[str | None] = mapped_column(Text)


class User(Versioned, Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(30))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    trained: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    # Second factor (RFC 6238). The secret is kept only in the encrypted database; recovery
    # codes only as Argon2 hashes, each struck out once used.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enrolled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # a code is never accepted twice
    recovery_codes_json: Mapped[str | None] = mapped_column(Text)
    # Directory sign-in (issue 17): "local" accounts keep a password here; "directory" accounts
    # are signed in by the force's LDAP, their role and trained mark read from its groups.
    auth_source: Mapped[str] = mapped_column(String(20), default="local")
    directory_dn: Mapped[str | None] = mapped_column(String(400))

    team: Mapped[Team | None] = relationship(lazy="joined")


class Absence(Authored, Base):
    __tablename__ = "absence"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))
    voided_at: Mapped[datetime | None]


class CoverArrangement(Authored, Base):
    """Who covers a supervisor's sign-off queue while they are absent, named by the OMU lead."""

    __tablename__ = "cover_arrangement"
    id: Mapped[int] = mapped_column(primary_key=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    cover_supervisor_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    named_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    voided_at: Mapped[datetime | None]


# --- the offender and the core of the record --------------------------------------------


class Offender(Authored, Base):
    __tablename__ = "offender"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    surname: Mapped[str] = mapped_column(String(80), index=True)
    forenames: Mapped[str] = mapped_column(String(120))
    date_of_birth: Mapped[date] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(20))
    pnc_id: Mapped[str | None] = mapped_column(String(20))
    identifying_marks: Mapped[str | None] = mapped_column(Text)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    offender_manager_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    mappa_category: Mapped[int] = mapped_column(Integer, default=1)
    mappa_level: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | ended | custody
    # Derived summaries kept by the services that change their inputs, so a caseload of
    # 100,000 rows lists without a join per row.
    risk_level: Mapped[str | None] = mapped_column(String(20))
    next_visit_due: Mapped[date | None] = mapped_column(Date)
    next_notification_due: Mapped[date | None] = mapped_column(Date)
    open_breaches: Mapped[int] = mapped_column(Integer, default=0)
    # The earliest due time of an open part of a safeguarding response (referral, disclosure
    # decision, child safety check), kept by the safeguarding services (issue 19).
    next_safeguarding_due: Mapped[datetime | None]

    aliases: Mapped[list[Alias]] = relationship(back_populates="offender", order_by="Alias.id")


# The active cases due by a date, the force's (the planner's and reminders' case set; issue 16).
Index("ix_offender_status_next_visit_due", Offender.status, Offender.next_visit_due)
# The caseload's default order (next home visit due) pages from an index at a million cases:
# its cases are the open ones (status <> 'ended'), which the index above cannot give in date
# order across the open statuses (migration 0013; issue 16).
Index("ix_offender_next_visit_due", Offender.next_visit_due)
# A team's cases due by a date (the planner's, the reminders' and the team figures' case set)
# read from the index alone: through team_id only, every case of the team due in the force
# was fetched from the table to test its team (at 100,000 cases each of the planner's eleven
# reads spent 0.6 s on it).
Index("ix_offender_team_status_next_visit_due", Offender.team_id, Offender.status, Offender.next_visit_due)


class Alias(CaseEntry, Base):
    __tablename__ = "alias"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), default="alias")  # alias | previous | nickname
    offender: Mapped[Offender] = relationship(back_populates="aliases")


class Address(CaseEntry, Base):
    __tablename__ = "address"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # home | other_premises | household_with_child | no_fixed_abode
    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str | None] = mapped_column(String(10))
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)
    notified: Mapped[bool] = mapped_column(Boolean, default=True)


class AddressStay(CaseEntry, Base):
    """Days stayed at premises not notified: feeds the s.84(6) rolling 12-month count."""

    __tablename__ = "address_stay"
    id: Mapped[int] = mapped_column(primary_key=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("address.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class Conviction(CaseEntry, Base):
    __tablename__ = "conviction"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="conviction")  # conviction | finding | caution
    court: Mapped[str | None] = mapped_column(String(120))
    convicted_on: Mapped[date] = mapped_column(Date)
    offence: Mapped[str] = mapped_column(String(300))
    schedule3: Mapped[bool] = mapped_column(Boolean, default=True)
    threshold_depends_on_sentence: Mapped[bool] = mapped_column(Boolean, default=False)
    disposal: Mapped[str | None] = mapped_column(String(40))
    # Whole months, one term: what sentences were before 0005 (kept for those rows). New rows
    # hold the terms, each in years/months/weeks/days and how it runs with the one before
    # (consecutive, concurrent, partly concurrent), in sentence_terms_json; sentence_months is
    # then set only when they are a single whole-month term.
    sentence_months: Mapped[int | None] = mapped_column(Integer)
    sentence_terms_json: Mapped[str | None] = mapped_column(Text)
    discharge_months: Mapped[int | None] = mapped_column(Integer)
    sentenced_on: Mapped[date | None] = mapped_column(Date)
    age_at_conviction: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(String(30))  # court_list | custody_record | certificate
    learned_on: Mapped[date | None] = mapped_column(Date)


class NotificationRequirement(CaseEntry, Base):
    __tablename__ = "notification_requirement"
    id: Mapped[int] = mapped_column(primary_key=True)
    conviction_id: Mapped[int | None] = mapped_column(ForeignKey("conviction.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    indefinite: Mapped[bool] = mapped_column(Boolean, default=False)
    basis: Mapped[str | None] = mapped_column(Text)
    review_eligible_on: Mapped[date | None] = mapped_column(Date)


class DisregardedPeriod(CaseEntry, Base):
    """Custody, hospital detention or time abroad: days the Act disregards (s.83(6), s.84(5))."""

    __tablename__ = "disregarded_period"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # custody | hospital | abroad
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)


class PoliceHandover(CaseEntry, Base):
    """The case passed into police-only management when another agency's supervision ended
    (a licence expiring, the seed's first case study): the first police home visit is due
    from the take-over, not from a release years before. Corrected with its history kept."""

    __tablename__ = "police_handover"
    id: Mapped[int] = mapped_column(primary_key=True)
    from_agency: Mapped[str] = mapped_column(String(30))  # probation | youth_justice | other
    licence_ended_on: Mapped[date] = mapped_column(Date)
    police_from: Mapped[date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


class CivilOrder(CaseEntry, Base):
    __tablename__ = "civil_order"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # SHPO | SRO | SOPO
    court: Mapped[str | None] = mapped_column(String(120))
    made_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    indefinite: Mapped[bool] = mapped_column(Boolean, default=False)
    device_notify_days: Mapped[int | None] = mapped_column(Integer)

    requirements: Mapped[list[OrderRequirement]] = relationship(order_by="OrderRequirement.id")


class OrderRequirement(CaseEntry, Base):
    __tablename__ = "order_requirement"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("civil_order.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # prohibition | positive
    category: Mapped[str | None] = mapped_column(String(30))  # devices | foreign_travel | contact ...
    text: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    indefinite: Mapped[bool] = mapped_column(Boolean, default=False)


class RiskAssessment(CaseEntry, Base):
    __tablename__ = "risk_assessment"
    id: Mapped[int] = mapped_column(primary_key=True)
    tool: Mapped[str] = mapped_column(String(20))  # ARMS | RM2000 | OSP/C | OSP/I | other
    level: Mapped[str] = mapped_column(String(20))  # low | medium | high | very_high
    assessed_on: Mapped[date] = mapped_column(Date)
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    review_by: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


# A case's risk as it stood on a day (the latest assessment by then) and its first conviction
# by a day, walked along each case's own entries in date order and answered from the index
# alone: the compliance figures ask both of every case (issue 16).
Index("ix_risk_assessment_offender_assessed", RiskAssessment.offender_id, RiskAssessment.assessed_on,
      RiskAssessment.id, RiskAssessment.level, RiskAssessment.created_at, RiskAssessment.voided_at)
Index("ix_conviction_offender_convicted", Conviction.offender_id, Conviction.convicted_on,
      Conviction.created_at, Conviction.voided_at)


class RiskManagementPlan(CaseEntry, Base):
    __tablename__ = "risk_management_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date)
    review_by: Mapped[date | None] = mapped_column(Date)
    visit_interval_months: Mapped[int | None] = mapped_column(Integer)
    reactive: Mapped[bool] = mapped_column(Boolean, default=False)
    supervision: Mapped[str | None] = mapped_column(Text)
    monitoring_control: Mapped[str | None] = mapped_column(Text)
    interventions: Mapped[str | None] = mapped_column(Text)
    victim_safety: Mapped[str | None] = mapped_column(Text)
    contingency: Mapped[str | None] = mapped_column(Text)


class CaseNote(CaseEntry, Base):
    """Free-text entries, intelligence among them (an intelligence note triggers a visit)."""

    __tablename__ = "case_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="note")  # note | intelligence
    text: Mapped[str] = mapped_column(Text)
    occurred_on: Mapped[date] = mapped_column(Date)
    # Intelligence only, as graded under the force's model (3x5x2 by default: source
    # evaluation, intelligence assessment, handling code); the codes are settings.
    source_evaluation: Mapped[str | None] = mapped_column(String(4))
    intelligence_assessment: Mapped[str | None] = mapped_column(String(4))
    handling_code: Mapped[str | None] = mapped_column(String(4))


class VisitTrigger(CaseEntry, Base):
    __tablename__ = "visit_trigger"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    occurred_on: Mapped[date] = mapped_column(Date)
    source_entity: Mapped[str | None] = mapped_column(String(40))
    source_id: Mapped[int | None] = mapped_column(Integer)


class Visit(CaseEntry, Base):
    __tablename__ = "visit"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="home")  # home | office
    status: Mapped[str] = mapped_column(String(20), default="proposed")  # proposed | booked | completed | cancelled
    window_earliest: Mapped[date | None] = mapped_column(Date)
    window_latest: Mapped[date | None] = mapped_column(Date)
    planned_on: Mapped[date | None] = mapped_column(Date)
    time_band: Mapped[str | None] = mapped_column(String(20))  # morning | afternoon | evening
    visited_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(30))  # seen | no_answer | refused_entry | not_at_address
    announced: Mapped[bool] = mapped_column(Boolean, default=False)
    location: Mapped[str | None] = mapped_column(String(200))
    override_reason: Mapped[str | None] = mapped_column(Text)
    people_present: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    warrant_decision: Mapped[str | None] = mapped_column(Text)

    officers: Mapped[list[VisitOfficer]] = relationship(order_by="VisitOfficer.id")


Index("ix_visit_offender_status", Visit.offender_id, Visit.status)
# The planner reads booked and proposed visits force-wide by status (issue 16).
Index("ix_visit_status_offender", Visit.status, Visit.offender_id)
# The compliance summary and visit windows read home visits per case in date order. The
# columns after visited_at are every other one those reads test (the record as it stood on a
# day, the outcome, the time band), so they are answered from the index alone: a visit's own
# row is wide (notes, people present), and at 100,000 cases the figures' per-case walks missed
# the page cache on those rows (issue 16). The id comes straight after the day so the walks'
# order (newest first by day, then id) is the index's own: after the other columns, SQLite
# sorted each case's visits of the same day in a temporary tree.
Index("ix_visit_offender_kind_status_visited", Visit.offender_id, Visit.kind, Visit.status, Visit.visited_at,
      Visit.id, Visit.outcome, Visit.announced, Visit.time_band, Visit.voided_at, Visit.created_at,
      Visit.updated_at)
Index("ix_visit_visited_at", Visit.visited_at)


class VisitOfficer(Base):
    __tablename__ = "visit_officer"
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    part: Mapped[str] = mapped_column(String(20), default="lead")  # lead | second
    __table_args__ = (UniqueConstraint("visit_id", "user_id"),)


class Device(CaseEntry, Base):
    __tablename__ = "device"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # phone | tablet | laptop | desktop | console | camera | storage | other
    make_model: Mapped[str | None] = mapped_column(String(120))
    imei: Mapped[str | None] = mapped_column(String(20))
    serial: Mapped[str | None] = mapped_column(String(60))
    phone_number: Mapped[str | None] = mapped_column(String(30))
    accounts: Mapped[str | None] = mapped_column(Text)
    declared: Mapped[bool] = mapped_column(Boolean, default=True)
    declared_on: Mapped[date | None] = mapped_column(Date)
    declared_to_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    monitoring_software: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | disposed | seized
    found_at_visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"))


# The compliance figures' devices as they stood on a day, and their last checks, from the
# indexes alone (migration 0014; issue 16).
Index("ix_device_offender_status", Device.offender_id, Device.status, Device.created_at, Device.voided_at,
      Device.declared_on, Device.kind, Device.id)


class DeviceCheck(CaseEntry, Base):
    __tablename__ = "device_check"
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"))
    result: Mapped[str] = mapped_column(String(20))  # checked | not_seen | refused
    outcome: Mapped[str | None] = mapped_column(Text)
    checked_on: Mapped[date] = mapped_column(Date)


Index("ix_device_check_device_result", DeviceCheck.device_id, DeviceCheck.result, DeviceCheck.checked_on,
      DeviceCheck.created_at, DeviceCheck.voided_at)


class PoliceStation(Authored, Base):
    """The chief officer's published list of stations where notifications are taken (s.87)."""

    __tablename__ = "police_station"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    designated: Mapped[bool] = mapped_column(Boolean, default=True)


class StatutoryNotification(CaseEntry, Base):
    __tablename__ = "statutory_notification"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # initial | change_name | change_address | ... | periodic | weekly | travel | household | financial
    event_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    notified_at: Mapped[datetime | None]
    station_id: Mapped[int | None] = mapped_column(ForeignKey("police_station.id"))
    in_person: Mapped[bool] = mapped_column(Boolean, default=True)
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    fingerprints_taken: Mapped[bool | None] = mapped_column(Boolean)
    photographs_taken: Mapped[bool | None] = mapped_column(Boolean)
    details: Mapped[str | None] = mapped_column(Text)
    late: Mapped[bool] = mapped_column(Boolean, default=False)


# Reminders and the caseload read pending notifications per case by due date. The columns after
# due_on are those the compliance figures test of each case's notifications as they stood on a
# day, so that they read the index alone (migration 0014; issue 16).
Index("ix_statutory_notification_pending", StatutoryNotification.offender_id,
      StatutoryNotification.notified_at, StatutoryNotification.due_on, StatutoryNotification.created_at,
      StatutoryNotification.voided_at, StatutoryNotification.updated_at, StatutoryNotification.kind,
      StatutoryNotification.event_on, StatutoryNotification.late, StatutoryNotification.id)


class Breach(CaseEntry, Base):
    __tablename__ = "breach"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # statutory_duty | order | licence
    source: Mapped[str] = mapped_column(String(30))  # undeclared_device | late_notification | missed_notification | refused_biometrics | order_prohibition | manual
    duty: Mapped[str | None] = mapped_column(String(60))
    order_requirement_id: Mapped[int | None] = mapped_column(ForeignKey("order_requirement.id"))
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("statutory_notification.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"))
    occurred_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | closed
    crime_reference: Mapped[str | None] = mapped_column(String(40))
    no_crime_rationale: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]


class FormalWarning(CaseEntry, Base):
    __tablename__ = "warning"
    id: Mapped[int] = mapped_column(primary_key=True)
    breach_id: Mapped[int | None] = mapped_column(ForeignKey("breach.id"))
    kind: Mapped[str] = mapped_column(String(10))  # oral | written
    rationale: Mapped[str] = mapped_column(Text)
    given_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    given_on: Mapped[date] = mapped_column(Date)
    # The behaviour warned about raises concern (issue 19): it pulls the next visit forward and
    # prompts a risk review, as intelligence does; for contact with children it opens a response.
    raises_concern: Mapped[bool] = mapped_column(Boolean, default=False)
    concern_kind: Mapped[str | None] = mapped_column(String(30))  # internet_history | device_concealment | contact_with_children | other


class Relationship(CaseEntry, Base):
    __tablename__ = "relationship"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # family | friend | associate | partner
    has_children: Mapped[bool] = mapped_column(Boolean, default=False)
    access_to_children: Mapped[bool] = mapped_column(Boolean, default=False)
    from_date: Mapped[date | None] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    # The other person is themselves on the register: both records show the link.
    linked_offender_id: Mapped[int | None] = mapped_column(ForeignKey("offender.id"), index=True)


class SafeguardingReferral(CaseEntry, Base):
    __tablename__ = "safeguarding_referral"
    id: Mapped[int] = mapped_column(primary_key=True)
    concern: Mapped[str] = mapped_column(Text)
    concern_at: Mapped[datetime]
    relationship_id: Mapped[int | None] = mapped_column(ForeignKey("relationship.id"))
    referred_at: Mapped[datetime | None]
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    agency: Mapped[str | None] = mapped_column(String(120))
    reference: Mapped[str | None] = mapped_column(String(60))
    decision: Mapped[str | None] = mapped_column(Text)
    decision_at: Mapped[datetime | None]
    # The referral document sent to children's social care (issue 15): what the local authority
    # needs beyond the concern, how it was sent, and when they acknowledged it.
    concern_source: Mapped[str | None] = mapped_column(String(200))
    household: Mapped[str | None] = mapped_column(Text)
    sent_method: Mapped[str | None] = mapped_column(String(30))  # secure_email | portal | phone | in_person
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    # The safeguarding response (issue 19): what raised the concern, when the referral is due,
    # the part marked not applicable with its reason, and the force's own public protection
    # notice (PPN) reference when the concern was also shared there.
    concern_origin: Mapped[str | None] = mapped_column(String(30))  # relationship | household | intelligence | visit | warning | direct
    origin_entity: Mapped[str | None] = mapped_column(String(40))
    origin_id: Mapped[int | None] = mapped_column(Integer)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    referral_due_at: Mapped[datetime | None]
    not_applicable_reason: Mapped[str | None] = mapped_column(Text)
    not_applicable_at: Mapped[datetime | None]
    not_applicable_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    ppn_reference: Mapped[str | None] = mapped_column(String(60))


class Disclosure(CaseEntry, Base):
    __tablename__ = "disclosure"
    id: Mapped[int] = mapped_column(primary_key=True)
    route: Mapped[str] = mapped_column(String(20))  # s327a | csods
    applied_at: Mapped[datetime | None]
    applicant: Mapped[str | None] = mapped_column(String(200))
    checks_at: Mapped[datetime | None]
    interview_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decision: Mapped[str | None] = mapped_column(String(20))  # disclose | not_disclose
    reasons: Mapped[str | None] = mapped_column(Text)
    disclosed_to: Mapped[str | None] = mapped_column(String(200))
    disclosed_at: Mapped[datetime | None]
    conditions: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None]
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("safeguarding_referral.id"))
    # The s.327A consideration a concern opens (issue 19): its owner, when the decision is due,
    # and not applicable with a reason.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    due_at: Mapped[datetime | None]
    not_applicable_reason: Mapped[str | None] = mapped_column(Text)
    not_applicable_at: Mapped[datetime | None]


class ChildSafetyCheck(CaseEntry, Base):
    """That a child named in a concern is safe (issue 19): an owner, a due time, a result."""

    __tablename__ = "child_safety_check"
    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("safeguarding_referral.id"), index=True)
    child: Mapped[str] = mapped_column(String(200))       # name or description, as known
    owner_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    due_at: Mapped[datetime]
    checked_at: Mapped[datetime | None]
    result: Mapped[str | None] = mapped_column(String(20))  # safe | concern | not_found
    result_notes: Mapped[str | None] = mapped_column(Text)
    not_applicable_reason: Mapped[str | None] = mapped_column(Text)
    not_applicable_at: Mapped[datetime | None]


class Action(CaseEntry, Base):
    __tablename__ = "plan_action"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("risk_management_plan.id"))
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    due_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(Text)
    completed_on: Mapped[date | None] = mapped_column(Date)
    # An action that came from a finding of a manager's case audit (issue 18).
    case_audit_id: Mapped[int | None] = mapped_column(ForeignKey("case_audit.id"))


class SignOff(Authored, Base):
    """A request for a supervisor's decision on an entry, and the decision once made."""

    __tablename__ = "sign_off"
    id: Mapped[int] = mapped_column(primary_key=True)
    offender_id: Mapped[int | None] = mapped_column(ForeignKey("offender.id"), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    requested_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | approved | returned | escalated
    decision: Mapped[str | None] = mapped_column(String(20))
    rationale: Mapped[str | None] = mapped_column(Text)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    signed_at: Mapped[datetime | None]
    via_cover: Mapped[bool] = mapped_column(Boolean, default=False)


Index("ix_sign_off_status_supervisor", SignOff.status, SignOff.supervisor_id)


class SignOffRefusal(Base):
    """A sign-off attempt the app refused (boilerplate, too short, templated): kept for the summary."""

    __tablename__ = "sign_off_refusal"
    id: Mapped[int] = mapped_column(primary_key=True)
    sign_off_id: Mapped[int] = mapped_column(ForeignKey("sign_off.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    attempted_at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)


# --- configuration, history and audit ------------------------------------------------------


class Setting(Authored, Base):
    """Configuration an OMU changes (intervals, thresholds), seeded from resources/."""

    __tablename__ = "setting"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    value_json: Mapped[str] = mapped_column(Text)


class Consultation(Base):
    """One opening of an offender's record (DPA 2018 s.62 consultation log): who, when, why, and
    through which link to the case. It covers the parts of the record read while it lasts; an
    opening outside the user's link is put to the case supervisor for review."""

    __tablename__ = "consultation"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    offender_id: Mapped[int] = mapped_column(ForeignKey("offender.id"))
    opened_at: Mapped[datetime]
    link: Mapped[str] = mapped_column(String(20))        # domain.roles.Link: own | team | cover | force | none
    purpose: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    review_sign_off_id: Mapped[int | None] = mapped_column(ForeignKey("sign_off.id"))


Index("ix_consultation_user_offender", Consultation.user_id, Consultation.offender_id, Consultation.opened_at)


class RecordRevision(Base):
    """The values a record held before a correction: history that is never overwritten."""

    __tablename__ = "record_revision"
    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    offender_id: Mapped[int | None] = mapped_column(ForeignKey("offender.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    snapshot_json: Mapped[str] = mapped_column(Text)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    changed_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)


Index("ix_record_revision_entity", RecordRevision.entity, RecordRevision.entity_id)


class AuditEvent(Base):
    """Append-only and hash-chained; the database refuses UPDATE and DELETE on it."""

    __tablename__ = "audit_event"
    # Assigned from audit_head.seq, not autoincrement, so the chain order is the id order.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(60))
    role: Mapped[str] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(String(30))
    entity: Mapped[str | None] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    offender_id: Mapped[int | None] = mapped_column(Integer, index=True)
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    reason: Mapped[str | None] = mapped_column(Text)
    details_json: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # NULL on rows from before the audit key (plain SHA-256); else the key's id (HMAC-SHA256).
    key_id: Mapped[str | None] = mapped_column(String(16))
    # Digests of the case-table rows written in this row's transaction (record_seal).
    seal: Mapped[str | None] = mapped_column(Text)
    # The audit trail screen filters a million rows by day and by user (issue 14).
    __table_args__ = (Index("ix_audit_event_occurred_at", "occurred_at"),
                      Index("ix_audit_event_user", "user_id", "id"))


class AuditHead(Base):
    """One row: the last sequence number and hash. Updating it first serialises audit writers
    on both SQLite (write lock) and PostgreSQL (row lock), so the chain never forks."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


# --- the whole person (issue 14): what ViSOR and OffenderWatch hold beyond the name -----------


class Photograph(CaseEntry, Base):
    """A photograph of the person, with the day it was taken; several are kept, newest shown."""

    __tablename__ = "photograph"
    id: Mapped[int] = mapped_column(primary_key=True)
    taken_on: Mapped[date] = mapped_column(Date)
    media_type: Mapped[str] = mapped_column(String(40))  # image/jpeg | image/png
    image: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)


class PhysicalDescription(CaseEntry, Base):
    """The person as described on a day; a later description replaces it on screen."""

    __tablename__ = "physical_description"
    id: Mapped[int] = mapped_column(primary_key=True)
    described_on: Mapped[date] = mapped_column(Date)
    height_cm: Mapped[int | None] = mapped_column(Integer)
    build: Mapped[str | None] = mapped_column(String(40))
    hair: Mapped[str | None] = mapped_column(String(80))
    eyes: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(Text)


class DistinguishingMark(CaseEntry, Base):
    __tablename__ = "distinguishing_mark"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # scar | tattoo | birthmark | piercing | other
    body_location: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)


class Vehicle(CaseEntry, Base):
    __tablename__ = "vehicle"
    id: Mapped[int] = mapped_column(primary_key=True)
    registration: Mapped[str] = mapped_column(String(12), index=True)
    make: Mapped[str | None] = mapped_column(String(40))
    model: Mapped[str | None] = mapped_column(String(60))
    colour: Mapped[str | None] = mapped_column(String(30))
    from_date: Mapped[date | None] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)
    notified: Mapped[bool] = mapped_column(Boolean, default=False)


class Occupation(CaseEntry, Base):
    """Employment, education or volunteering (where the person is, and with whom)."""

    __tablename__ = "occupation"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # employment | education | volunteering
    organisation: Mapped[str] = mapped_column(String(160))
    role: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(Text)
    from_date: Mapped[date | None] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)
    notified: Mapped[bool] = mapped_column(Boolean, default=False)


class OnlineIdentifier(CaseEntry, Base):
    """An online account or internet identifier: platform, username or address."""

    __tablename__ = "online_identifier"
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(80))
    identifier: Mapped[str] = mapped_column(String(240), index=True)
    source: Mapped[str] = mapped_column(String(20), default="declared")  # declared | found
    from_date: Mapped[date | None] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)


# --- finding and sharing (issue 15) ------------------------------------------------------------


class SearchTerm(Base):
    """The force-wide search index: one row per searchable value of a current entry, normalised
    (names folded, phones E.164, registrations without spaces). Derived from the case tables and
    rebuilt from them at will, so its rows are replaced when their entry changes: it holds no
    evidence of its own."""

    __tablename__ = "search_term"
    id: Mapped[int] = mapped_column(primary_key=True)
    offender_id: Mapped[int] = mapped_column(ForeignKey("offender.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # name | alias | dob | pnc | address | postcode | phone | imei | device | vehicle | online | associate
    entity: Mapped[str] = mapped_column(String(40))  # the table the value comes from
    entity_id: Mapped[int] = mapped_column(Integer)
    value: Mapped[str] = mapped_column(String(240))  # normalised, what queries compare
    shown: Mapped[str] = mapped_column(String(240))  # as recorded, for saying what matched


Index("ix_search_term_value", SearchTerm.kind, SearchTerm.value)
Index("ix_search_term_entry", SearchTerm.entity, SearchTerm.entity_id)


class FrontlineBriefing(CaseEntry, Base):
    """What response and neighbourhood officers are told about a case, in the offender manager's
    words, approved by them; a new text is a correction of the old (history kept)."""

    __tablename__ = "frontline_briefing"
    id: Mapped[int] = mapped_column(primary_key=True)
    summary: Mapped[str] = mapped_column(Text)        # who they are and why it matters on patrol
    prohibitions: Mapped[str | None] = mapped_column(Text)  # what a patrol officer could see breached
    contact: Mapped[str | None] = mapped_column(Text)       # whom to call
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    approved_at: Mapped[datetime | None]


class ForceTransfer(Authored, Base):
    """A case sent to or received from another force as a signed, encrypted file."""

    __tablename__ = "force_transfer"
    id: Mapped[int] = mapped_column(primary_key=True)
    offender_id: Mapped[int] = mapped_column(ForeignKey("offender.id"), index=True)
    direction: Mapped[str] = mapped_column(String(4))  # out | in
    other_force: Mapped[str] = mapped_column(String(120))
    file_sha256: Mapped[str] = mapped_column(String(64))
    signer_fingerprint: Mapped[str | None] = mapped_column(String(128))
    transferred_at: Mapped[datetime]
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    reason: Mapped[str] = mapped_column(Text)


# --- court watch (issue 18): people charged with Schedule 3 offences, before conviction -------


class ChargedPerson(Authored, Base):
    """A person charged and not yet convicted: watched through their hearings so the OMU knows the
    day a court convicts (the inspection: "no routine process to monitor when offenders are
    convicted"). On conviction they become a registered case (offender_id, conviction_id)."""

    __tablename__ = "charged_person"
    id: Mapped[int] = mapped_column(primary_key=True)
    surname: Mapped[str] = mapped_column(String(80), index=True)
    forenames: Mapped[str] = mapped_column(String(120))
    date_of_birth: Mapped[date] = mapped_column(Date)
    pnc_id: Mapped[str | None] = mapped_column(String(20))
    charged_on: Mapped[date] = mapped_column(Date)
    court: Mapped[str | None] = mapped_column(String(120))
    custody: Mapped[str] = mapped_column(String(10), default="bail")  # bail | remand
    officer_in_case: Mapped[str | None] = mapped_column(String(120))
    shpo_application: Mapped[str] = mapped_column(String(20), default="none")  # none | drafted | attached
    shpo_application_by: Mapped[str | None] = mapped_column(String(120))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    watcher_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | closed | convicted
    closed_reason: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None] = mapped_column(Date)
    offender_id: Mapped[int | None] = mapped_column(ForeignKey("offender.id"), index=True)
    conviction_id: Mapped[int | None] = mapped_column(ForeignKey("conviction.id"))
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(Text)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class ChargedOffence(Authored, Base):
    __tablename__ = "charged_offence"
    id: Mapped[int] = mapped_column(primary_key=True)
    charged_person_id: Mapped[int] = mapped_column(ForeignKey("charged_person.id"), index=True)
    offence: Mapped[str] = mapped_column(String(300))
    schedule3: Mapped[bool] = mapped_column(Boolean, default=True)
    threshold_depends_on_sentence: Mapped[bool] = mapped_column(Boolean, default=False)
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(Text)


class CourtHearing(Authored, Base):
    """One listed hearing and, once known, its outcome."""

    __tablename__ = "court_hearing"
    id: Mapped[int] = mapped_column(primary_key=True)
    charged_person_id: Mapped[int] = mapped_column(ForeignKey("charged_person.id"), index=True)
    hearing_on: Mapped[date] = mapped_column(Date, index=True)
    court: Mapped[str | None] = mapped_column(String(120))
    purpose: Mapped[str | None] = mapped_column(String(60))  # first appearance | trial | sentence ...
    outcome: Mapped[str | None] = mapped_column(String(30))  # adjourned | discontinued | acquitted | convicted | sentenced | shpo_made | shpo_refused
    outcome_recorded_at: Mapped[datetime | None]
    outcome_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    outcome_notes: Mapped[str | None] = mapped_column(Text)
    next_hearing_on: Mapped[date | None] = mapped_column(Date)
    # An SHPO made at this hearing: its term, kept here until there is a case to put the order
    # on (made before conviction), and the order once it is on the case.
    order_ends_on: Mapped[date | None] = mapped_column(Date)
    order_indefinite: Mapped[bool] = mapped_column(Boolean, default=False)
    civil_order_id: Mapped[int | None] = mapped_column(ForeignKey("civil_order.id"))
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(Text)


# --- case audits (issue 18): managers grading the quality of cases ----------------------------


class CaseAuditSample(Authored, Base):
    """A recorded draw of cases to audit: its scope, weighting, seed and the cases drawn, so it
    cannot be re-rolled quietly (a redraw supersedes it, with a reason)."""

    __tablename__ = "case_audit_sample"
    id: Mapped[int] = mapped_column(primary_key=True)
    drawn_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    drawn_at: Mapped[datetime]
    scope_json: Mapped[str] = mapped_column(Text)      # teams, risk levels, weighting
    size: Mapped[int] = mapped_column(Integer)
    seed: Mapped[str] = mapped_column(String(64))
    offender_ids_json: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)   # why this draw (and why a redraw)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("case_audit_sample.id"))
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(Text)


class CaseAudit(Authored, Base):
    """One case audited against the inspection's checklist: answers, a grade and findings."""

    __tablename__ = "case_audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    offender_id: Mapped[int] = mapped_column(ForeignKey("offender.id"), index=True)
    sample_id: Mapped[int | None] = mapped_column(ForeignKey("case_audit_sample.id"), index=True)
    auditor_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    started_at: Mapped[datetime]
    answers_json: Mapped[str | None] = mapped_column(Text)
    grade: Mapped[str | None] = mapped_column(String(30))  # good | requires_improvement | inadequate
    findings: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None]
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(Text)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class CaseAuditDelegate(Authored, Base):
    """Someone the OMU lead names to audit cases for a time."""

    __tablename__ = "case_audit_delegate"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    named_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    voided_at: Mapped[datetime | None]


CASE_ENTRY_MODELS: tuple[type[Base], ...] = (
    Alias, Address, AddressStay, Conviction, NotificationRequirement, DisregardedPeriod,
    CivilOrder, OrderRequirement, RiskAssessment, RiskManagementPlan, CaseNote, VisitTrigger,
    Visit, Device, DeviceCheck, StatutoryNotification, Breach, FormalWarning, Relationship,
    SafeguardingReferral, Disclosure, Action, PoliceHandover,
    Photograph, PhysicalDescription, DistinguishingMark, Vehicle, Occupation, OnlineIdentifier,
    FrontlineBriefing, ChildSafetyCheck,
)
