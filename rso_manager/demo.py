"""A synthetic, fictional caseload for training, demonstrations and load testing.

Everything here is invented: names are built from made-up syllables, towns are the fictional
ones the default police station list uses, postcodes use the ZZ area (not a real UK postcode
area), phone numbers come from Ofcom's drama range and IMEIs from the GSMA test range ("00").

The same seed and the same clock give the same caseload: one random.Random(seed) drives every
choice and every date is counted back from the clock's today. Rows go in through Core bulk
inserts with primary keys assigned here, so 100,000 offenders load in minutes rather than
hours, and the whole load is one transaction with a single audit row: a half-loaded demo
database never exists.
"""

from __future__ import annotations

import gc
import random
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Boolean, Date, Dialect, Table, func, insert, select
from sqlalchemy.orm import Session

from rso_manager.clock import LONDON
from rso_manager.domain.dates import (
    add_months,
    add_years,
    age_on,
    within_months_beginning_with,
)
from rso_manager.domain.roles import Role
from rso_manager.persistence import audit_chain, audit_key, record_seal
from rso_manager.persistence import models as m
from rso_manager.services import passwords, second_factor
from rso_manager.services.unit_of_work import Services

DEMO_PASSWORD = "demo password for training only"
DEMO_PASSWORD_HINT = (
    f'"{DEMO_PASSWORD}" for every demo user: lead (OMU lead), admin, sup.northam, '
    "sup.eastmoor, sup.westvale, sup.harbourside (supervisors), om.northam1, om.eastmoor1, ... "
    "(offender managers) and new.starter (not yet trained)"
)
# Fixed, published secrets for the sign-in codes of the demo's administrator and OMU lead (who
# must sign in with one): a demo database's login screen shows their current codes. They make
# a demo account no safer than its published password; never use them outside a demo.
DEMO_TOTP_SECRETS = {
    "admin": "DEMOADMINCODEFORTRAININGONLYAAAA",
    "lead": "DEMOLEADCODEFORTRAININGONLYBBBBB",
}
DEMO_SETTING = "demo_mode"


def demo_codes_hint(now: datetime) -> str:
    """The demo accounts' sign-in codes at NOW, for the login screen."""
    codes = ", ".join(f"{name} {second_factor.current_code(secret, now)}"
                      for name, secret in DEMO_TOTP_SECRETS.items())
    return f"Sign-in codes now (new ones every 30 seconds; each works once): {codes}."

TEAMS = ("Northam", "Eastmoor", "Westvale", "Harbourside")
CASES_PER_OFFICER = 50  # a realistic load at the default sizes; the cap below binds past 8,000
MAX_OFFICERS_PER_TEAM = 40
CHUNK = 2000  # offenders per bulk insert: ~100k rows, a few tens of MB of dicts at most
SQLITE_LOAD_CACHE_KIB = 128 * 1024
VISIT_HISTORY_YEARS = 5  # older visits add rows without adding anything a user would look at

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoResult:
    offenders: int
    users: int
    teams: int


# --- invented words --------------------------------------------------------------------------
# Surname parts were chosen so that the joins read as invented (Quillfeather, Marrowby); any
# accidental match with a real family name is harmless because forenames are invented too.

_SURNAME_HEADS = (
    "Quill", "Bramble", "Marrow", "Thistle", "Gorse", "Pebble", "Tansy", "Sorrel", "Brindle",
    "Lantern", "Mallow", "Pipkin", "Tallow", "Umber", "Vetch", "Yarrow", "Dapple", "Ember",
    "Fiddle", "Gimble", "Hobble", "Juniper", "Larkspur", "Mossy", "Nutmeg", "Oxlip", "Puddle",
    "Quince", "Rushlight", "Saffron", "Teasel", "Wicket", "Wimble", "Zephyr", "Burdock",
    "Cobble", "Nimble", "Frumble", "Grizzle", "Huckle",
)
_SURNAME_TAILS = (
    "feather", "wick", "by", "hollow", "whistle", "thorn", "bottle", "button", "mantle", "dew",
    "furrow", "sprocket", "kettle", "lark", "moth", "nook", "pinch", "quarry", "rind", "sock",
)
_FORENAME_HEADS = (
    "Al", "Bran", "Cor", "Dar", "Eld", "Fen", "Gar", "Hal", "Iv", "Jor", "Kel", "Lor", "Mor",
    "Nor", "Orr", "Per", "Quen", "Ros", "Sel", "Tor", "Ul", "Vor", "Wen", "Yor", "Zan", "Ast",
)
_MALE_TAILS = ("ric", "wyn", "ald", "an", "ek", "ion", "us", "ard", "mund", "o", "ias", "iel")
_FEMALE_TAILS = ("a", "ia", "elle", "wen", "ine", "ette", "ys", "anna", "ie", "issa")
_STREET_TYPES = ("Lane", "Road", "Close", "Street", "Avenue", "Way", "Crescent", "Court",
                 "Gardens", "Terrace", "Row", "Walk")
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters the inward code actually uses

_COURTS = {t: (f"{t} Crown Court", f"{t} Magistrates' Court") for t in TEAMS}

# (wording, online offence, threshold turns on the sentence (Sch 3 conditions))
_SERIOUS = (
    ("Rape (Sexual Offences Act 2003 s.1)", False, False),
    ("Assault by penetration (Sexual Offences Act 2003 s.2)", False, False),
    ("Rape of a child under 13 (Sexual Offences Act 2003 s.5)", False, False),
    ("Sexual assault of a child under 13 (Sexual Offences Act 2003 s.7)", False, False),
    ("Causing or inciting a child to engage in sexual activity (Sexual Offences Act 2003 s.10)",
     True, False),
    ("Arranging or facilitating a child sex offence (Sexual Offences Act 2003 s.14)", True, False),
    ("Meeting a child following sexual grooming (Sexual Offences Act 2003 s.15)", True, False),
    ("Distributing indecent photographs of children (Protection of Children Act 1978 s.1(1)(b))",
     True, False),
)
_LESSER = (
    ("Sexual assault (Sexual Offences Act 2003 s.3)", False, True),
    ("Making indecent photographs of children (Protection of Children Act 1978 s.1(1)(a))",
     True, False),
    ("Possession of indecent photographs of children (Criminal Justice Act 1988 s.160)",
     True, False),
    ("Engaging in sexual activity in the presence of a child (Sexual Offences Act 2003 s.11)",
     False, False),
    ("Exposure (Sexual Offences Act 2003 s.66)", False, True),
    ("Voyeurism (Sexual Offences Act 2003 s.67)", True, True),
    ("Abuse of position of trust: sexual activity with a child (Sexual Offences Act 2003 s.16)",
     False, True),
)

_LEVELS = ("very_high", "high", "medium", "low")
_LEVEL_CUMULATIVE = (0.02, 0.20, 0.50, 1.0)  # domain.md 2.2: 2% / 18% / 30% / ~50%
_INTERVAL_MONTHS = {"very_high": 1, "high": 3, "medium": 6, "low": 12}
_HIGHER = {"low": "medium", "medium": "high", "high": "very_high", "very_high": "very_high"}

_BANDS = (("morning", 8, 4), ("afternoon", 12, 5), ("evening", 17, 4))  # name, first hour, hours

_VISIT_NOTES = (
    "All rooms viewed. No concerns identified. Declared devices seen.",
    "Offender cooperative. Accommodation unchanged. Discussed employment and routine.",
    "Address clean and tidy. No evidence of children's items. Devices examined where present.",
    "Offender appeared low in mood; signposted to GP. No compliance concerns.",
    "Discussed new relationship; details to be verified. No other concerns.",
    "Loft and outbuilding checked. Nothing of concern found.",
    "Offender reports working night shifts; next visit to vary time band.",
)
_PEOPLE_PRESENT = ("Offender only", "Offender and partner", "Offender and lodger",
                   "Offender and adult sibling", "Offender only")
_PLAN_SUPERVISION = ("Home visits at the plan interval, unannounced, varied days and times.",
                     "Home visits at the plan interval; joint visits with probation while on licence.")
_PLAN_MONITORING = ("Device checks at each visit; SHPO prohibitions monitored.",
                    "Annual notification and device checks; intelligence checks quarterly.",
                    "Monitoring software on internet-enabled devices; checks at each visit.")
_PLAN_INTERVENTIONS = ("Completed accredited programme in custody; maintenance sessions offered.",
                       "Referred to community programme; attendance confirmed by probation.",
                       "No current intervention; motivation reviewed at each visit.")
_PLAN_VICTIM = ("No contact with the victim or the victim's family; exclusion zone monitored.",
                "Victim lives outside the force area; no contact condition.",
                "No identified victim (images offence); no unsupervised contact with children.")
_PLAN_CONTINGENCY = ("Any contact with children: immediate visit and referral to children's services.",
                     "Failure to be found at home twice: consider a s.96B warrant.",
                     "New device or account found: seize, report breach, review risk.")
_ACTIONS = (
    ("Verify new employment details with the employer", "Employer confirmed; no access to children."),
    ("Complete ARMS review following change in circumstances", "ARMS completed; level unchanged."),
    ("Liaise with probation about licence conditions", "Conditions confirmed with probation."),
    ("Check household of new partner for children", "Partner lives alone; no children."),
    ("Install monitoring software on declared laptop", "Installed and tested."),
    ("Refer to MAPPA level review", "Reviewed at MAPPA meeting; level confirmed."),
    ("Confirm bank and passport details given at notification", "Details confirmed."),
)
_NOTES = (
    "Telephone contact with offender to confirm appointment.",
    "Information from housing provider: tenancy renewed.",
    "Offender attended the station to ask about travel rules; advised.",
    "Probation update: offender engaging with supervision.",
)
_INTELLIGENCE = (
    "Intelligence received that the offender has been seen near a primary school at home time.",
    "Intelligence suggests an undeclared mobile phone in use.",
    "Community report of children visiting the offender's address.",
)
_MARKS = ("Tattoo of a swallow on the left hand", "Scar above the right eyebrow",
          "Tattoo of a rose on the right forearm", "Walks with a limp (left leg)",
          "Pierced left ear", None, None, None, None, None)


def _luhn_digit(body: str) -> str:
    """The check digit that makes BODY + digit pass the Luhn test (as IMEIs do)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # doubled: the rightmost body digit sits left of the check digit
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    return number.isdigit() and _luhn_digit(number[:-1]) == number[-1]


# The same few thousand (day, months) pairs recur across a load: work each out once.
_months = cache(add_months)


def _pick(rng: random.Random, seq: Sequence[Any]) -> Any:
    """rng.choice without its bit-by-bit rejection sampling: about half the cost."""
    return seq[int(rng.random() * len(seq))]


def _surname(rng: random.Random) -> str:
    return _pick(rng, _SURNAME_HEADS) + _pick(rng, _SURNAME_TAILS)


def _forename(rng: random.Random, female: bool) -> str:
    return _pick(rng, _FORENAME_HEADS) + _pick(rng, _FEMALE_TAILS if female else _MALE_TAILS)


@dataclass
class _Team:
    id: int
    name: str
    index: int
    supervisor: int
    officers: list[int] = field(default_factory=list)
    station_id: int | None = None


# --- public entry point --------------------------------------------------------------------


def generate(services: Services, *, offenders: int, seed: int,
             progress: Progress | None = None) -> DemoResult:
    """Fill an empty database with OFFENDERS fictional cases; a demo database is left alone.

    Raises ValueError on a database that already holds users or cases and is not a demo one:
    demo data must never be mixed into live records.
    """
    if offenders < 1:
        raise ValueError("offenders must be at least 1")
    with services.session_factory() as s:
        if _is_demo(s):
            return _counts(s)
        _refuse_unless_empty(s)
    # Argon2id is deliberately slow: hash once, and outside the write transaction.
    password_hash = passwords.hash_password(DEMO_PASSWORD)
    now = services.clock.now()
    today = services.clock.today()
    rng = random.Random(seed)
    # Millions of short-lived, acyclic dicts and tuples: the cycle collector would only
    # re-scan them (about a tenth of the run). Restored however the load ends.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(services, rng, offenders, seed, password_hash, today, now, progress)
    finally:
        if gc_was_enabled:
            gc.enable()


def _load(services: Services, rng: random.Random, offenders: int, seed: int,
          password_hash: str, today: date, now: datetime, progress: Progress | None) -> DemoResult:
    with services.session_factory.begin() as s:
        _refuse_unless_empty(s)  # again, inside the write: someone may have set up meanwhile
        with _sqlite_cache(s):
            builder = _Builder(s, rng, today, now)
            teams, users = builder.staff(offenders, password_hash)
            # Core inserts the session cannot see: sealed by re-reading them with the first batch.
            record_seal.note_written(s, m.Team.__tablename__)
            record_seal.note_written(s, m.User.__tablename__)
            done = 0
            while done < offenders:
                size = min(CHUNK, offenders - done)
                builder.insert(builder.chunk(size))
                done += size
                # One seal row per batch, so no audit row carries millions of digests.
                audit_chain.seal_now(s, occurred_at=now, role=Role.ADMINISTRATOR.value,
                                     details={"demo_offenders_loaded": done})
                if progress is not None:
                    progress(done, offenders)
        s.execute(insert(m.Setting.__table__), [{
            "id": builder.ids.take("setting"), "key": DEMO_SETTING, "value_json": "true",
            "version_id": 1, "created_at": now,
        }])
        record_seal.note_written(s, m.Setting.__tablename__)  # sealed with demo.generate's row
        _advance_sequences(s)
        audit_chain.append(
            s, occurred_at=now, user_id=None, username="system", role=Role.ADMINISTRATOR.value,
            action="demo.generate", details={"offenders": offenders, "seed": seed},
        )
    return DemoResult(offenders, users, teams)


@contextmanager
def _sqlite_cache(s: Session) -> Iterator[None]:
    """A bigger SQLite page cache for the load, then the old one back (the connection goes
    back to the pool). With the default 2 MB the one long transaction keeps spilling index
    pages to the WAL and reading them back: measured, a sixth of SQLite's time."""
    conn = s.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_LOAD_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def _advance_sequences(s: Session) -> None:
    """PostgreSQL: the rows went in with ids assigned here, so each id sequence still stands
    where it was, and the next create would collide with a loaded row. nextval, not setval:
    the app role may use a sequence but not set it back onto existing ids."""
    conn = s.connection()
    if conn.dialect.name != "postgresql":
        return
    for table in m.Base.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        sequence = conn.scalar(select(func.pg_get_serial_sequence(table.name, "id")))
        if sequence is None:  # ids not from a sequence (the audit trail numbers its own)
            continue
        loaded = conn.scalar(select(func.max(table.c.id))) or 0
        at = conn.scalar(select(func.nextval(sequence)))
        if at < loaded:
            conn.scalar(select(func.max(func.nextval(sequence)))
                        .select_from(func.generate_series(1, loaded - at)))


def _refuse_unless_empty(s: Session) -> None:
    if s.scalar(select(m.User.id).limit(1)) is not None or \
            s.scalar(select(m.Offender.id).limit(1)) is not None:
        raise ValueError(
            "This database already holds users or case records. Demo data only goes into an "
            "empty database or an existing demo database; create a new database file for the demo."
        )


def _is_demo(s: Session) -> bool:
    return s.scalar(select(m.Setting.value_json).where(m.Setting.key == DEMO_SETTING)) == "true"


def _counts(s: Session) -> DemoResult:
    return DemoResult(
        s.scalar(select(func.count(m.Offender.id))) or 0,
        s.scalar(select(func.count(m.User.id))) or 0,
        s.scalar(select(func.count(m.Team.id))) or 0,
    )


# --- the builder -------------------------------------------------------------------------------

# Parents before children, so foreign keys hold at every statement on both backends.
_INSERT_ORDER: tuple[type[m.Base], ...] = (
    m.Offender, m.Alias, m.Address, m.Conviction, m.NotificationRequirement, m.DisregardedPeriod,
    m.CivilOrder, m.OrderRequirement, m.RiskAssessment, m.RiskManagementPlan, m.CaseNote,
    m.VisitTrigger, m.Visit, m.VisitOfficer, m.Device, m.DeviceCheck, m.StatutoryNotification,
    m.Breach, m.FormalWarning, m.Relationship, m.SafeguardingReferral, m.Action, m.SignOff,
)


# Columns whose values come from a small set (calendar days, the day stamps of created_at,
# flags): their converted values are kept for the whole load. Times of day are not.
_FEW_VALUES = (Date, Boolean)
_STAMPED = frozenset({"created_at", "closed_at", "requested_at"})


def _bulk_insert(s: Session, table: Table, rows: list[dict[str, Any]],
                 converters: dict[tuple[str, str], Callable[[Any], Any] | None]) -> None:
    """Insert ROWS (dicts with the same keys) in one executemany.

    On a positional-parameter driver (sqlite3) the rows are turned into tuples here, through
    the very bind processors SQLAlchemy would use: its per-row parameter handling otherwise
    costs more than SQLite's own work and would double the time of a 100,000-offender load.
    Other drivers (psycopg) take the ordinary Core path, which batches well by itself.
    """
    conn = s.connection()
    dialect = conn.dialect
    keys = list(rows[0])
    # Column defaults still apply to columns the rows leave out, as they would through Core.
    defaults = {c.key: c.default.arg for c in table.c
                if c.key not in rows[0] and c.default is not None and c.default.is_scalar}
    compiled = insert(table).compile(dialect=dialect, column_keys=[*keys, *defaults])
    if not compiled.positional or compiled.positiontup is None:
        s.execute(insert(table), [{**defaults, **r} for r in rows] if defaults else rows)
        return
    if defaults:
        rows = [{**defaults, **r} for r in rows]
    order = compiled.positiontup
    tuples: list[tuple[Any, ...]] = list(map(itemgetter(*order), rows))
    processors = [(i, p) for i, name in enumerate(order)
                  if (p := _converter(converters, table, name, dialect))]
    if processors:
        columns: list[Any] = list(zip(*tuples, strict=True))
        for i, process in processors:
            columns[i] = list(map(process, columns[i]))
        tuples = list(zip(*columns, strict=True))
    conn.exec_driver_sql(compiled.string, tuples)


def _converter(converters: dict[tuple[str, str], Callable[[Any], Any] | None], table: Table,
               name: str, dialect: Dialect) -> Callable[[Any], Any] | None:
    key = (table.name, name)
    if key not in converters:
        column = table.c[name]
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None and (isinstance(column.type, _FEW_VALUES) or name in _STAMPED):
            process = _Memo(process).__getitem__
        converters[key] = process
    return converters[key]


class _Memo(dict[Any, Any]):
    """A converter that works each value out once; a hit costs a C-level dict lookup."""

    def __init__(self, process: Callable[[Any], Any]) -> None:
        super().__init__()
        self.process = process

    def __missing__(self, value: Any) -> Any:
        self[value] = converted = self.process(value)
        return converted


class _Ids:
    """Primary keys handed out here (from max(id) + 1) so children can point at parents
    without a round trip per row."""

    def __init__(self, s: Session) -> None:
        self.next: dict[str, int] = {}
        for model in (*_INSERT_ORDER, m.Team, m.User, m.Setting):
            table = model.__table__
            self.next[table.name] = (s.scalar(select(func.max(table.c.id))) or 0) + 1

    def take(self, table: str) -> int:
        n = self.next[table]
        self.next[table] = n + 1
        return n


class _Builder:
    def __init__(self, s: Session, rng: random.Random, today: date, now: datetime) -> None:
        self.s, self.rng, self.today, self.now = s, rng, today, now
        self.ids = _Ids(s)
        self.rows: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        self.teams: list[_Team] = []
        self._stamps: dict[date, datetime] = {}
        self._offsets: dict[date, timedelta] = {}
        self._converters: dict[tuple[str, str], Callable[[Any], Any] | None] = {}
        self._digester = record_seal.Digester(audit_key.load())
        self._crime_seq = 0
        self._phone_seq = 0

    # -- helpers --

    def _stamp(self, day: date) -> datetime:
        """When an entry about DAY was typed in: that afternoon, never after the clock's now."""
        at = self._stamps.get(day)
        if at is None:
            at = min(datetime(day.year, day.month, day.day, 16, 0, tzinfo=UTC), self.now)
            self._stamps[day] = at
        return at

    def _local(self, day: date, hour: int, minute: int) -> datetime:
        """HOUR:MINUTE on DAY in England, as aware UTC (hours here are all past 02:00, so the
        day's offset is the one at noon)."""
        offset = self._offsets.get(day)
        if offset is None:
            offset = datetime(day.year, day.month, day.day, 12, tzinfo=LONDON).utcoffset()
            self._offsets[day] = offset = offset or timedelta(0)
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - offset

    def _add(self, table: str, row: dict[str, Any]) -> int:
        row["id"] = rid = self.ids.take(table)
        self.rows[table].append(row)
        return rid

    def _entry(self, table: str, offender_id: int, day: date, by: int | None,
               **values: Any) -> int:
        """A CaseEntry row; every row of one table must carry the same keys (executemany).
        The hottest function of a load, hence the inlined id and stamp look-ups."""
        ids = self.ids.next
        values["id"] = rid = ids[table]
        ids[table] = rid + 1
        values["offender_id"] = offender_id
        values["version_id"] = 1
        values["created_at"] = self._stamps.get(day) or self._stamp(day)
        values["created_by_id"] = by
        self.rows[table].append(values)
        return rid

    def insert(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        """Write one chunk's rows, parents first, and digest them for the batch's seal from the
        very values written (re-reading a million rows would cost more than writing them)."""
        for model in _INSERT_ORDER:
            table_rows = rows.get(model.__tablename__)
            if table_rows:
                _bulk_insert(self.s, model.__table__, table_rows, self._converters)
                record_seal.add_bulk_digests(self.s, self._digester, model.__table__, table_rows)

    def _between(self, start: date, end: date) -> date:
        span = (end - start).days
        return start + timedelta(days=int(self.rng.random() * (span + 1))) if span > 0 else start

    # -- staff --

    def staff(self, offenders: int, password_hash: str) -> tuple[int, int]:
        rng, now = self.rng, self.now
        stations = dict(self.s.execute(
            select(m.PoliceStation.name, m.PoliceStation.id).where(m.PoliceStation.designated)
            .order_by(m.PoliceStation.id)
        ).all())
        per_team = max(1, min(MAX_OFFICERS_PER_TEAM,
                              -(-offenders // (len(TEAMS) * CASES_PER_OFFICER))))
        team_rows, users = [], []

        def user(username: str, role: Role, team_id: int | None, trained: bool = True) -> int:
            uid = self.ids.take("app_user")
            female = rng.random() < 0.5
            users.append({
                "id": uid, "username": username,
                "display_name": f"{_forename(rng, female)} {_surname(rng)}",
                "role": role.value, "team_id": team_id, "trained": trained, "active": True,
                "password_hash": password_hash, "failed_logins": 0, "version_id": 1,
                "created_at": now, "totp_secret": DEMO_TOTP_SECRETS.get(username),
                "totp_enrolled_at": now if username in DEMO_TOTP_SECRETS else None,
            })
            return uid

        for index, name in enumerate(TEAMS):
            tid = self.ids.take("team")
            team_rows.append({"id": tid, "name": name, "active": True, "version_id": 1,
                              "created_at": now})
            self.teams.append(_Team(tid, name, index, supervisor=0,
                                    station_id=next((sid for sname, sid in stations.items()
                                                     if sname.startswith(name)), None)))
        self.s.execute(insert(m.Team.__table__), team_rows)
        user("admin", Role.ADMINISTRATOR, None)
        user("lead", Role.OMU_LEAD, self.teams[0].id)
        for team in self.teams:
            low = team.name.lower()
            team.supervisor = user(f"sup.{low}", Role.SUPERVISOR, team.id)
            team.officers = [user(f"om.{low}{i}", Role.OFFENDER_MANAGER, team.id)
                             for i in range(1, per_team + 1)]
        # Carries no caseload: shows what an untrained account can and cannot do.
        user("new.starter", Role.OFFENDER_MANAGER, self.teams[0].id, trained=False)
        self.s.execute(insert(m.User.__table__), users)
        return len(team_rows), len(users)

    # -- offenders --

    def chunk(self, size: int) -> dict[str, list[dict[str, Any]]]:
        """Generate SIZE cases; returns their rows by table, ready for insert()."""
        for _ in range(size):
            self._offender()
        rows, self.rows = self.rows, defaultdict(list)
        return rows

    def _offender(self) -> None:
        """One case's story, told in order: sentence, release, record, visits, notifications."""
        rng, today = self.rng, self.today
        oid = self.ids.take("offender")
        team = self.teams[int(rng.random() * len(self.teams))]
        om = team.officers[int(rng.random() * len(team.officers))]
        u = rng.random()
        level = next(lv for lv, cut in zip(_LEVELS, _LEVEL_CUMULATIVE, strict=True) if u < cut)
        interval = _INTERVAL_MONTHS[level]
        female = rng.random() < 0.04

        # Disposal and the s.82 period: higher risk leans towards long custodial sentences.
        u = rng.random() * (0.75 if level in ("very_high", "high") else 1.0)
        if u < 0.45:
            disposal, sentence = "imprisonment", _pick(rng, (30, 36, 42, 48, 60, 72, 84, 96, 120, 144, 180))
            period, basis = None, f"s.82(1): imprisonment for {sentence} months, 30 months or more: indefinite"
        elif u < 0.75:
            disposal, sentence = "imprisonment", rng.randint(8, 28)
            period, basis = 120, f"s.82(1): imprisonment for {sentence} months: 10 years"
        elif u < 0.82:
            disposal, sentence = "imprisonment", rng.randint(2, 6)
            period, basis = 84, f"s.82(1): imprisonment for {sentence} months, 6 months or less: 7 years"
        elif u < 0.97:
            disposal, sentence = "other", None
            period, basis = 60, "s.82(1): community order (any other disposal): 5 years"
        else:
            disposal, sentence = "caution", None
            period, basis = 24, "s.82(1): caution: 2 years"
        custody_months = (sentence + 1) // 2 if sentence else 0  # automatic release at halfway
        serious = disposal == "imprisonment" and sentence is not None and sentence >= 30
        offence, online, threshold = _pick(rng, _SERIOUS if serious else _LESSER)

        # Community time: the case must still be live today and released at least a month ago.
        # Custodial cases are remanded at conviction while reports are prepared, so the custody
        # (disregarded for the 3-day clock, s.83(6)) runs from conviction to release.
        delay = int(rng.random() * 56) if custody_months else 0
        if period is None:
            max_days = 12 * 365
        else:
            max_days = max(31, period * 30 - custody_months * 31 - delay - 45)
        released = today - timedelta(days=30 + int(rng.random() * (max_days - 30)))
        sentenced = _months(released, -custody_months)
        convicted = sentenced - timedelta(days=delay)
        nr_end = None if period is None else within_months_beginning_with(convicted, period)
        if nr_end is not None and nr_end <= today:  # rounding at the edges: pull it back in
            shift = (today - nr_end).days + 15
            convicted, sentenced = convicted + timedelta(days=shift), sentenced + timedelta(days=shift)
            released = released + timedelta(days=shift)
            nr_end = within_months_beginning_with(convicted, period or 0)
        dob = convicted - timedelta(days=18 * 366 + int(rng.random() ** 1.6 * 50 * 365.25))
        age = age_on(dob, convicted)
        town = team.name
        courts = _COURTS[town]

        offender_row: dict[str, Any] = {
            "id": oid, "reference": f"RSO-{oid:06d}", "surname": _surname(rng),
            "forenames": _forename(rng, female) + (f" {_forename(rng, female)}" if rng.random() < 0.4 else ""),
            "date_of_birth": dob, "gender": "female" if female else "male",
            "pnc_id": f"DEMO/{oid:07d}", "identifying_marks": _pick(rng, _MARKS),
            "offender_manager_id": om, "team_id": team.id, "mappa_category": 1,
            "mappa_level": 1, "status": "active", "risk_level": level, "next_visit_due": None,
            "next_notification_due": None, "open_breaches": 0, "version_id": 1,
            "created_at": self._stamp(released), "created_by_id": om,
        }
        self.rows["offender"].append(offender_row)
        mappa = rng.random()
        if level == "very_high":
            offender_row["mappa_level"] = 3 if mappa < 0.15 else 2 if mappa < 0.5 else 1
        elif level == "high":
            offender_row["mappa_level"] = 2 if mappa < 0.1 else 1

        if rng.random() < 0.1:
            self._entry("alias", oid, released, om,
                        name=f"{_forename(rng, female)} {_surname(rng)}",
                        kind=_pick(rng, ("alias", "previous", "nickname")))

        # Conviction, notification requirement, custody, order.
        conviction_id = self._entry(
            "conviction", oid, convicted, om, kind="caution" if disposal == "caution" else "conviction",
            court=None if disposal == "caution" else courts[0 if serious or rng.random() < 0.5 else 1],
            convicted_on=convicted, offence=offence, schedule3=True,
            threshold_depends_on_sentence=threshold, disposal=disposal, sentence_months=sentence,
            discharge_months=None, sentenced_on=None if disposal == "caution" else sentenced,
            age_at_conviction=age, source="custody_record" if disposal == "caution" else "court_list",
            learned_on=convicted,
        )
        if custody_months:
            self._entry("disregarded_period", oid, released, om, kind="custody",
                        starts_on=convicted, ends_on=released)
        device_requirement: int | None = None
        if disposal != "caution" and rng.random() < (0.6 if online else 0.15):
            shpo_end = add_years(sentenced, 10)
            shpo_indefinite = shpo_end <= today or rng.random() < 0.3
            if shpo_indefinite:
                shpo_end = None
            order_id = self._entry("civil_order", oid, sentenced, om, kind="SHPO", court=courts[0],
                                   made_on=sentenced, ends_on=shpo_end, indefinite=shpo_indefinite,
                                   device_notify_days=3)
            texts = [("devices", "Not to use any device capable of accessing the internet unless it "
                                 "retains and displays the history of internet use, and not to "
                                 "delete that history."),
                     ("devices", "Not to possess any device capable of accessing the internet unless "
                                 "it has been notified to the police within 3 days of acquisition.")]
            if not online or rng.random() < 0.5:
                texts.append(("contact", "Not to have unsupervised contact with any child under 16, "
                                         "other than that which is inadvertent and not reasonably "
                                         "avoidable, without the approval of children's services."))
            for category, text in texts:
                rid = self._entry(
                    "order_requirement", oid, sentenced, om, order_id=order_id, kind="prohibition",
                    category=category, text=text, starts_on=sentenced, ends_on=shpo_end,
                    indefinite=shpo_indefinite)
                if "notified to the police" in text:
                    device_requirement = rid
            if shpo_indefinite and nr_end is not None:
                basis += "; s.103G: kept running while the SHPO has effect"
                nr_end = None
            elif shpo_end is not None and nr_end is not None and shpo_end > nr_end:
                basis += f"; s.103G: extended to the SHPO's end {shpo_end.isoformat()}"
                nr_end = shpo_end
        first_notice = released + timedelta(days=int(rng.random() * 3))
        self._entry("notification_requirement", oid, convicted, om, conviction_id=conviction_id,
                    starts_on=convicted, ends_on=nr_end, indefinite=nr_end is None, basis=basis,
                    review_eligible_on=add_years(first_notice, 15) if nr_end is None else None)

        # Addresses: moves after release, each told to the police (s.84).
        moves = sorted(self._between(released + timedelta(days=60), today - timedelta(days=10))
                       for _ in range((rng.random() < 0.35) + (rng.random() < 0.12))
                       if (today - released).days > 90)
        starts = [released, *moves]
        for i, start in enumerate(starts):
            self._entry("address", oid, start, om, kind="home",
                        line1=f"{1 + int(rng.random() * 180)} {_pick(rng, _SURNAME_HEADS)} "
                              f"{_pick(rng, _STREET_TYPES)}",
                        line2=f"Flat {1 + int(rng.random() * 12)}" if rng.random() < 0.25 else None,
                        town=town, postcode=self._postcode(team.index), from_date=start,
                        to_date=starts[i + 1] - timedelta(days=1) if i + 1 < len(starts) else None,
                        notified=True)

        # Risk assessments: a static tool before release, ARMS after, reviewed on a cadence.
        # The latest assessment, whichever tool, carries the case's risk level.
        review_months = 12 if level in ("very_high", "high") else 24
        reviews = []
        assessed = released + timedelta(days=30 + int(rng.random() * 60))
        while assessed < today:
            reviews.append(assessed)
            assessed = _months(assessed, review_months) - timedelta(days=int(rng.random() * 20))
        if len(reviews) > 1 and rng.random() < 0.05:
            reviews.pop()  # the latest review not done: an exception the caseload should show
        prior = _HIGHER[level] if reviews and rng.random() < 0.25 else level
        latest_on = released - timedelta(days=30)
        latest_ra = self._entry(
            "risk_assessment", oid, latest_on, om, tool="RM2000" if released.year < 2019 else "OSP/C",
            level=prior, assessed_on=latest_on, assessor_id=None, review_by=None,
            notes="Pre-release static assessment (prison offender manager).")
        if online and released.year >= 2019:
            latest_ra = self._entry(
                "risk_assessment", oid, latest_on, om, tool="OSP/I", level=prior,
                assessed_on=latest_on, assessor_id=None, review_by=None,
                notes="Indecent images predictor completed before release.")
        for i, assessed in enumerate(reviews):
            final = i == len(reviews) - 1
            latest_ra = self._entry(
                "risk_assessment", oid, assessed, om, tool="ARMS",
                level=level if final or rng.random() < 0.5 else prior, assessed_on=assessed,
                assessor_id=om, review_by=_months(assessed, review_months),
                notes="ARMS completed with the offender; protective factors reviewed.")
            latest_on = assessed
        plan_id = self._entry(
            "risk_management_plan", oid, latest_on, om, effective_from=latest_on,
            review_by=_months(latest_on, review_months), visit_interval_months=interval,
            reactive=False, supervision=_pick(rng, _PLAN_SUPERVISION),
            monitoring_control=_pick(rng, _PLAN_MONITORING),
            interventions=_pick(rng, _PLAN_INTERVENTIONS), victim_safety=_pick(rng, _PLAN_VICTIM),
            contingency=_pick(rng, _PLAN_CONTINGENCY))
        for _ in range(int(rng.random() * 3) + 1):
            description, result = _pick(rng, _ACTIONS)
            due = self._between(latest_on, today + timedelta(days=60))
            done = due < today - timedelta(days=7) and rng.random() < 0.85
            self._entry("plan_action", oid, latest_on, om, plan_id=plan_id, description=description,
                        owner_id=om, due_on=due, result=result if done else None,
                        completed_on=due - timedelta(days=int(rng.random() * 10)) if done else None)

        seen_visits, visit_due = self._visits(oid, team, om, level, interval, released)
        notification_due = self._notifications(oid, team, om, released, first_notice, moves)
        self._devices(oid, om, released, online, seen_visits, device_requirement)
        self._people(oid, om, town, released)

        # Recent reviews wait for the supervisor's sign-off in some cases.
        if (today - latest_on).days <= 90 and rng.random() < 0.5:
            self._add("sign_off", {
                "offender_id": oid, "entity": "risk_assessment", "entity_id": latest_ra,
                "summary": f"ARMS review {latest_on.isoformat()}: {level.replace('_', ' ')} risk",
                "author_id": om, "supervisor_id": team.supervisor,
                "requested_at": self._stamp(latest_on), "status": "pending", "via_cover": False,
                "version_id": 1, "created_at": self._stamp(latest_on), "created_by_id": om,
            })
        for row in reversed(self.rows.get("breach", ())):
            if row["offender_id"] != oid:
                break
            offender_row["open_breaches"] += row["status"] == "open"
        offender_row["next_visit_due"] = visit_due
        offender_row["next_notification_due"] = notification_due

    def _postcode(self, team_index: int) -> str:
        rng = self.rng
        return (f"ZZ{team_index * 3 + 1 + int(rng.random() * 3)} {int(rng.random() * 10)}"
                f"{_pick(rng, _POSTCODE_LETTERS)}{_pick(rng, _POSTCODE_LETTERS)}")

    # -- visits --

    def _visits(self, oid: int, team: _Team, om: int, level: str, interval: int,
                released: date) -> tuple[list[tuple[int, date, dict[str, Any]]], date]:
        """Home visits at the risk interval; returns (visit id, day, row) of those where the
        offender was seen, for device checks, and when the next home visit is due."""
        rng, today = self.rng, self.today
        interval_days = interval * 30
        start = max(released + timedelta(days=14 + int(rng.random() * 28)),
                    today - timedelta(days=VISIT_HISTORY_YEARS * 365 + int(rng.random() * interval_days)))
        overdue = rng.random() < 0.05  # miss the latest visit: the caseload shows exceptions
        seen: list[tuple[int, date, dict[str, Any]]] = []
        last_seen: date | None = None
        day = start
        while day < today:
            if overdue and _months(day, interval) >= today and last_seen is not None:
                break
            if rng.random() < 0.04:  # an office interview between visits: not a home visit
                office = day - timedelta(days=interval_days // 2)
                if office > released:
                    self._visit(oid, team, om, office, kind="office", outcome="seen")
            outcome = self._attempt_outcome()
            vid = self._visit(oid, team, om, day, kind="home", outcome=outcome)
            attempts = 1
            while outcome != "seen" and attempts < 3:
                day = day + timedelta(days=2 + int(rng.random() * 8))
                if day >= today:
                    break
                attempts += 1
                outcome = "seen" if rng.random() < 0.85 else "no_answer"
                vid = self._visit(oid, team, om, day, kind="home", outcome=outcome,
                                  warrant=attempts == 3 and outcome != "seen")
            if outcome == "seen":
                seen.append((vid, day, self.rows["visit"][-1]))
                last_seen = day
            # Mostly on or before the due date; sometimes a little late, as in real caseloads.
            jitter = -int(rng.random() * max(3, interval_days * 0.15))
            if rng.random() < 0.05:
                jitter = int(rng.random() * max(3, interval_days * 0.1))
            day = _months(day, interval) + timedelta(days=jitter)
            if day.weekday() == 6:  # the policy allows Monday to Saturday
                day += timedelta(days=1)
        due = _months(last_seen, interval) if last_seen else released + timedelta(days=28)
        if due >= today and (due - today).days <= 45 and rng.random() < 0.5:
            earliest = due - timedelta(days=max(3, interval_days // 4))
            planned = self._between(max(earliest, today + timedelta(days=1)), max(due, today + timedelta(days=1)))
            self._visit(oid, team, om, planned, kind="home", outcome=None, status="booked",
                        window=(earliest, due))
        return seen, due

    def _attempt_outcome(self) -> str:
        u = self.rng.random()
        return "seen" if u < 0.9 else "no_answer" if u < 0.96 else "not_at_address" if u < 0.985 \
            else "refused_entry"

    def _visit(self, oid: int, team: _Team, om: int, day: date, *, kind: str, outcome: str | None,
               status: str = "completed", window: tuple[date, date] | None = None,
               warrant: bool = False) -> int:
        rng = self.rng
        band, first_hour, hours = _BANDS[0 if (u := rng.random()) < 0.35 else 1 if u < 0.75 else 2]
        lone = rng.random() < 0.1 or len(team.officers) < 1
        announced = kind == "office" or rng.random() < 0.07
        reasons = []
        if announced and kind == "home":
            reasons.append("Announced: offender works shifts and two unannounced attempts failed.")
        if lone and kind == "home":
            reasons.append("Lone visit: second officer withdrawn for an urgent job; risk judged acceptable.")
        officers = team.officers
        lead = om if rng.random() < 0.9 else _pick(rng, officers)
        second = _pick(rng, officers) if len(officers) > 1 else team.supervisor
        while second == lead:
            second = _pick(rng, officers)
        if status == "completed":
            visited_at = self._local(day, first_hour + int(rng.random() * hours),
                                     int(rng.random() * 60))
            notes = _pick(rng, _VISIT_NOTES) if outcome == "seen" else {
                "no_answer": "No answer at the door. Calling card left; neighbours not spoken to.",
                "not_at_address": "Occupier says the offender is away for the night; whereabouts checked.",
                "refused_entry": "Offender refused entry on the doorstep; advised of consequences.",
            }[outcome or "no_answer"]
        else:
            visited_at, notes = None, None
        station = f"{team.name} police station"
        vid = self._entry(
            "visit", oid, min(day, self.today), lead, kind=kind, status=status,
            window_earliest=window[0] if window else None,
            window_latest=window[1] if window else None, planned_on=day, time_band=band,
            visited_at=visited_at, outcome=outcome, announced=announced,
            location=station if kind == "office" else "Home address",
            override_reason=" ".join(reasons) or None,
            people_present=_pick(rng, _PEOPLE_PRESENT) if outcome == "seen" else None,
            notes=notes,
            warrant_decision=("Two unsuccessful attempts: s.96B warrant considered; not sought "
                              "as the offender attended the station the next day.") if warrant else None,
        )
        self._add("visit_officer", {"visit_id": vid, "user_id": lead, "part": "lead"})
        if not lone and kind == "home":
            self._add("visit_officer", {"visit_id": vid, "user_id": second, "part": "second"})
        return vid

    # -- notifications --

    def _notifications(self, oid: int, team: _Team, om: int, released: date, first: date,
                       moves: list[date]) -> date:
        """Initial, change of address and annual notifications; each s.83/84/85 notification
        restarts the annual clock (s.85(1)). Returns when the next annual one is due."""
        rng, today = self.rng, self.today
        self._notice(oid, team, om, "initial", released, released + timedelta(days=2), first)
        last = first
        pending = list(moves)
        while True:
            due = add_years(last, 1) - timedelta(days=1)
            if pending and pending[0] <= due:
                event = pending.pop(0)
                late = rng.random() < 0.03
                at = event + timedelta(days=int(rng.random() * 3) if not late else 3 + int(rng.random() * 10))
                if at >= today:
                    at = event
                self._notice(oid, team, om, "change_address", event, event + timedelta(days=2), at)
                last = at
                continue
            if due >= today:
                break
            if today - due <= timedelta(days=45) and rng.random() < 0.2:
                # Missed: the annual date has passed without the offender attending.
                if rng.random() < 0.5:
                    self._breach(oid, om, due + timedelta(days=1), "missed_notification",
                                 "Failed to make the annual notification by the due date (s.85).",
                                 notification_id=None, device_id=None, open_=True)
                break
            late = rng.random() < 0.015
            at = due + timedelta(days=1 + int(rng.random() * 14)) if late \
                else due - timedelta(days=int(rng.random() * 40))
            if at >= today:
                at = due - timedelta(days=int(rng.random() * 5))
                late = False
            self._notice(oid, team, om, "periodic", due - timedelta(days=30), due, at)
            last = at
        if rng.random() < 0.04:
            depart = self._between(max(released, today - timedelta(days=700)), today - timedelta(days=8))
            self._notice(oid, team, om, "travel", depart, depart - timedelta(days=7),
                         depart - timedelta(days=8 + int(rng.random() * 20)))
        next_due = add_years(last, 1) - timedelta(days=1)
        # The outstanding annual notification, as the notifications workflow keeps it: a row
        # with no notified_at, so the record's notifications page and the caseload agree.
        self._entry("statutory_notification", oid, last, om, kind="periodic", event_on=None,
                    due_on=next_due, notified_at=None, station_id=None, in_person=True,
                    taken_by_id=None, fingerprints_taken=None, photographs_taken=None,
                    details=None, late=False)
        return next_due

    def _notice(self, oid: int, team: _Team, om: int, kind: str, event: date, due: date,
                on: date) -> int:
        rng = self.rng
        late = on > due
        notified_at = self._local(on, 9 + int(rng.random() * 8), int(rng.random() * 60))
        taken_by = om if rng.random() < 0.7 else _pick(rng, team.officers)
        nid = self._entry(
            "statutory_notification", oid, on, taken_by, kind=kind, event_on=event, due_on=due,
            notified_at=notified_at, station_id=team.station_id, in_person=True,
            taken_by_id=taken_by, fingerprints_taken=kind in ("initial", "periodic"),
            photographs_taken=kind in ("initial", "periodic"),
            details={"initial": "Initial notification on release; all s.83(5) details given.",
                     "periodic": "Annual notification; bank, card and passport details confirmed.",
                     "change_address": "Change of home address notified.",
                     "travel": "Foreign travel notified: one week, return flight booked."}[kind],
            late=late,
        )
        if late:
            open_ = rng.random() < 0.1
            bid = self._breach(oid, om, due + timedelta(days=1), "late_notification",
                               f"{kind.replace('_', ' ').capitalize()} notification made "
                               f"{(on - due).days} day(s) late.", notification_id=nid,
                               device_id=None, open_=open_)
            if not open_:
                self._warning(oid, om, bid, on, "written",
                              "Written warning: late notification without reasonable excuse; "
                              "offender accepted the warning and the duty was explained again.")
        return nid

    # -- breaches and warnings --

    def _breach(self, oid: int, om: int, on: date, source: str, description: str, *,
                notification_id: int | None, device_id: int | None, open_: bool,
                requirement_id: int | None = None) -> int:
        rng = self.rng
        charged = rng.random() < (0.4 if open_ else 0.3)
        crime_ref = None
        if charged:
            self._crime_seq += 1
            crime_ref = f"NY-{on.year % 100:02d}-{self._crime_seq % 1_000_000:06d}"
        return self._entry(
            "breach", oid, on, om, kind="order" if requirement_id else "statutory_duty",
            # The duty codes of rso_manager.services.breaches.STATUTORY_DUTIES.
            source=source, duty=None if requirement_id else {
                "late_notification": "periodic_notification", "missed_notification": "periodic_notification",
                "undeclared_device": "device_declaration"}.get(source),
            order_requirement_id=requirement_id, notification_id=notification_id,
            device_id=device_id, occurred_on=on, description=description,
            status="open" if open_ else "closed", crime_reference=crime_ref,
            no_crime_rationale=None if charged or open_ else
            "Reasonable excuse accepted after enquiry; recorded and advice given.",
            closed_at=None if open_ else self._stamp(min(on + timedelta(days=21), self.today)),
        )

    def _warning(self, oid: int, om: int, breach_id: int | None, on: date, kind: str,
                 rationale: str) -> None:
        self._entry("warning", oid, on, om, breach_id=breach_id, kind=kind, rationale=rationale,
                    given_by_id=om, given_on=on)

    # -- devices --

    def _devices(self, oid: int, om: int, released: date, online: bool,
                 seen: list[tuple[int, date, dict[str, Any]]], requirement: int | None) -> None:
        rng, today = self.rng, self.today
        u = rng.random()
        count = 0 if u < 0.15 else 1 if u < 0.6 else 2 if u < 0.88 else 3
        for i in range(count):
            k = rng.random()
            kind = "phone" if i == 0 or k < 0.45 else "laptop" if k < 0.7 else "tablet" if k < 0.85 \
                else "console" if k < 0.93 else "desktop" if k < 0.97 else "storage"
            declared_on = released if i == 0 else self._between(released, today - timedelta(days=5))
            undeclared = rng.random() < 0.02 and len(seen) > 1
            found_at = None
            if undeclared:
                found_at, declared_on, visit = _pick(rng, seen[1:])
                visit["notes"] = (f"Undeclared {kind} found in the bedroom; offender said it "
                                  "belonged to a friend. Seized for examination.")
            imei = serial = phone = None
            if kind in ("phone", "tablet"):
                body = f"00{int(rng.random() * 1e12):012d}"  # "00": the GSMA test range
                imei = body + _luhn_digit(body)
            else:
                serial = f"DEMO-SN-{int(rng.random() * 1e8):08d}"
            if kind == "phone":
                self._phone_seq += 1
                phone = f"07700 900{self._phone_seq % 1000:03d}"  # Ofcom's drama range
            status = "seized" if undeclared else "disposed" if rng.random() < 0.07 else "active"
            did = self._entry(
                "device", oid, declared_on, om, kind=kind,
                make_model={"phone": "Smartphone (Android)", "tablet": "Tablet", "laptop": "Laptop (Windows)",
                            "console": "Games console", "desktop": "Desktop PC",
                            "storage": "USB memory stick"}[kind],
                imei=imei, serial=serial, phone_number=phone,
                accounts="Email and one social media account declared" if kind in ("phone", "laptop") else None,
                declared=not undeclared, declared_on=None if undeclared else declared_on,
                declared_to_id=None if undeclared else om,
                monitoring_software="Approved monitoring software installed"
                if online and kind in ("laptop", "desktop", "phone") and requirement else None,
                status=status, found_at_visit_id=found_at,
            )
            if undeclared:
                open_ = rng.random() < 0.6
                bid = self._breach(
                    oid, om, declared_on, "order_prohibition" if requirement else "undeclared_device",
                    "Undeclared internet-enabled device found at a home visit and seized.",
                    notification_id=None, device_id=did, open_=open_,
                    requirement_id=requirement)
                if not open_:
                    self._warning(oid, om, bid, declared_on, "written",
                                  "Written warning: device not declared; seized for examination, "
                                  "no indecent material found, so no charge.")
                continue
            if rng.random() < 0.12:  # never checked: an exception the device tab should show
                continue
            for vid, day, _ in seen:
                if day < declared_on or rng.random() < 0.45:
                    continue
                r = rng.random()
                result = "checked" if r < 0.93 else "not_seen" if r < 0.98 else "refused"
                self._entry("device_check", oid, day, om, device_id=did, visit_id=vid, result=result,
                            outcome={"checked": "Browsing history present; nothing of concern.",
                                     "not_seen": "Offender said the device was at a friend's house.",
                                     "refused": "Offender refused to unlock the device."}[result],
                            checked_on=day)

    # -- people around the offender --

    def _people(self, oid: int, om: int, town: str, released: date) -> None:
        rng, today = self.rng, self.today
        access_rel = None
        for _ in range(int(rng.random() * 3.3)):
            kind = _pick(rng, ("family", "family", "friend", "associate", "partner"))
            children = rng.random() < 0.25
            access = children and rng.random() < 0.2
            start = self._between(released, today - timedelta(days=20))
            ended = rng.random() < 0.2
            rid = self._entry(
                "relationship", oid, start, om, person_name=f"{_forename(rng, rng.random() < 0.5)} {_surname(rng)}",
                kind=kind, has_children=children, access_to_children=access, from_date=start,
                to_date=self._between(start, today - timedelta(days=1)) if ended else None,
                notes="Has contact with own children under a supervised arrangement."
                if access else None)
            if access and not ended:
                access_rel = (rid, start)
        if (access_rel and rng.random() < 0.5) or rng.random() < 0.01:
            rel_id, start = access_rel or (None, self._between(released, today - timedelta(days=3)))
            concern = self._between(start, today - timedelta(days=1))
            at = datetime(concern.year, concern.month, concern.day, 11, 0, tzinfo=UTC)
            referred = rng.random() < 0.8 or (today - concern).days > 30
            self._entry(
                "safeguarding_referral", oid, concern, om,
                concern="A household the offender visits has children under 10; the parent may not "
                        "know of the conviction.",
                concern_at=at, relationship_id=rel_id,
                referred_at=at + timedelta(hours=2 + int(rng.random() * 20)) if referred else None,
                referred_by_id=om if referred else None,
                agency=f"{town} Children's Services" if referred else None,
                reference=f"CS-DEMO-{oid:06d}" if referred else None,
                decision="Strategy discussion held; safety plan agreed with the parent."
                if referred and rng.random() < 0.7 else None,
                decision_at=at + timedelta(days=3) if referred else None)
        for _ in range(int(rng.random() * 2.2)):
            day = self._between(released, today - timedelta(days=1))
            self._entry("case_note", oid, day, om, kind="note", text=_pick(rng, _NOTES),
                        occurred_on=day)
        if rng.random() < 0.03:
            day = self._between(max(released, today - timedelta(days=60)), today - timedelta(days=1))
            nid = self._entry("case_note", oid, day, om, kind="intelligence",
                              text=_pick(rng, _INTELLIGENCE), occurred_on=day)
            self._entry("visit_trigger", oid, day, om, kind="intelligence", occurred_on=day,
                        source_entity="case_note", source_id=nid)
        if rng.random() < 0.03:
            day = self._between(max(released, today - timedelta(days=400)), today - timedelta(days=1))
            self._warning(oid, om, None, day, "oral",
                          "Oral warning: seen associating with a known offender; the risk to "
                          "children was explained and the offender agreed to end contact.")
