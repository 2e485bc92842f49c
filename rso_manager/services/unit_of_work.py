"""One user action = one session, one transaction, its audit rows inside it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from rso_manager.clock import Clock
from rso_manager.domain.roles import Link, Permission, Role, allows
from rso_manager.persistence import audit_chain
from rso_manager.persistence.input_guard import NAIVE_TIME_MESSAGE, InputRefused, naive_time_field
from rso_manager.persistence.models import Offender, RecordRevision, User, Versioned
from rso_manager.services.entity_names import entity_name
from rso_manager.services.errors import (
    AccountChanged,
    ConcurrentEditError,
    DatabaseBusy,
    EnteredInError,
    NotFound,
    PermissionDenied,
)

if TYPE_CHECKING:
    from rso_manager.services.reads_apart import ReadsApart

V = TypeVar("V", bound=Versioned)


@dataclass(frozen=True)
class Actor:
    """The logged-in user, as the services see them."""

    user_id: int
    username: str
    display_name: str
    role: Role
    team_id: int | None
    trained: bool

    def can(self, permission: Permission) -> bool:
        return allows(self.role, self.trained, permission)


SYSTEM = Actor(0, "system", "RSO Manager", Role.ADMINISTRATOR, None, True)


@dataclass
class Services:
    """What every service needs: where the data is and what time it is."""

    session_factory: sessionmaker[Session]
    clock: Clock
    # The GUI's process for long reads (services.reads_apart); None: every read runs here.
    apart: ReadsApart | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Every writer's session comes from here: the force-wide search index follows each
        # flush of them (issue 15). Imported here, as services.search reads this module.
        from rso_manager.services.search.index import follow
        follow(self.session_factory)


def find_offender(session: Session, offender_id: int) -> Offender:
    """The offender row, or NotFound with a message a user can read."""
    o = session.get(Offender, offender_id)
    if o is None:
        raise NotFound(f"No offender record {offender_id}.")
    return o


_WHAT = {
    Permission.READ_CASES: "read this record",
    Permission.READ_OUTSIDE_LINK: "open a record outside your caseload",
    Permission.WRITE_CASES: "make entries on this record",
    Permission.SIGN_OFF: "sign off entries on this record",
    Permission.REASSIGN_CASE: "reassign this case",
    Permission.NAME_COVER: "name cover for an absent supervisor",
    Permission.PRINT_REPORTS: "print reports",
    Permission.MANAGE_USERS: "manage accounts and settings",
    Permission.VERIFY_AUDIT: "verify the audit chain",
    Permission.READ_AUDIT_TRAIL: "read the audit trail",
    Permission.SEARCH: "search the force's case records",
    Permission.READ_BRIEFINGS: "read frontline briefings",
    Permission.WATCH_COURTS: "keep the court watch of people charged",
    Permission.AUDIT_CASES: "audit cases (the OMU lead, or someone the lead names)",
}


def refusal(actor: Actor, permission: Permission, link: Link | None) -> PermissionDenied:
    """Why ACTOR may not: the missing piece named, and how to get it."""
    if not actor.trained and allows(actor.role, True, permission, link):
        return PermissionDenied(
            "Only ViSOR/MOSOVO-trained staff can make case entries. Your account is not marked "
            "trained; ask your supervisor to record your accreditation."
        )
    if link is not None and allows(actor.role, actor.trained, permission):
        if permission is Permission.READ_CASES and allows(actor.role, actor.trained,
                                                          Permission.READ_OUTSIDE_LINK, link):
            from rso_manager.services.errors import NeedsReason
            return NeedsReason(
                f"This is {link.label}. Open it from the caseload or search with a purpose and a "
                "reason; the opening is recorded and put to the case supervisor for review.")
        return PermissionDenied(
            f"This is {link.label}: you cannot {_WHAT[permission]}. Ask the case's offender "
            "manager or team supervisor, or the OMU lead to reassign it or name you as cover.")
    holders = [r.label.lower() for r in Role if allows(r, True, permission)]
    who = " or ".join(holders) if holders else "nobody"
    article = "An" if actor.role.label[0] in "AEIOU" else "A"
    return PermissionDenied(f"{article} {actor.role.label.lower()} cannot {_WHAT[permission]}: "
                            f"that is for a {who}.")


def snapshot(obj: Any) -> dict[str, Any]:
    """Column values of an ORM object, JSON-ready (deferred blobs left out)."""
    mapper = inspect(obj).mapper
    state = inspect(obj)
    out: dict[str, Any] = {}
    for attr in mapper.column_attrs:
        if attr.key in state.unloaded:
            continue
        value = getattr(obj, attr.key)
        if isinstance(value, bytes):
            continue
        out[attr.key] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


class UnitOfWork:
    def __init__(self, services: Services, actor: Actor):
        self.services, self.actor = services, actor
        self.session: Session = services.session_factory()
        self.now = services.clock.now()
        # What load() fetched to change, so a conflict found at flush names it too.
        self.loaded: list[tuple[type[Versioned], int]] = []

    def current_actor(self) -> Actor:
        """The account as it stands now, read in this transaction. A session keeps no power the
        account has lost since sign-in: closed, locked, or a changed role, team or training."""
        if self.actor is SYSTEM:
            return self.actor
        user = self.session.get(User, self.actor.user_id) if self.actor.user_id else None
        if user is None or user.username != self.actor.username:
            raise AccountChanged("Your account is not known to this database. Sign in again.")
        if not user.active:
            raise AccountChanged("Your account has been closed. Ask your administrator.")
        if user.locked_until is not None and user.locked_until > self.now:
            raise AccountChanged("Your account has been locked. Sign in again once it is unlocked.")
        if user.auth_source == "directory":  # its groups, read again every few minutes
            from rso_manager.services.directory_sign_in import recheck_membership
            recheck_membership(self, user)
        now = Actor(user.id, user.username, user.display_name, Role(user.role), user.team_id,
                    bool(user.trained))
        if (now.role, now.team_id, now.trained) != (self.actor.role, self.actor.team_id,
                                                    self.actor.trained):
            raise AccountChanged(
                "Your account was changed since you signed in (role, team or ViSOR/MOSOVO "
                "training). Sign in again to carry on with the access you have now.")
        return now

    def load(self, model: type[V], ident: int, version_id: int, *,
             permission: Permission | None = Permission.WRITE_CASES,
             refusals: Callable[[V], None] | None = None, voided_ok: bool = False) -> V:
        """The one way a service fetches a row it is about to change. Refused when the row is
        gone, when it is marked as entered in error, or when someone saved it after the user
        read VERSION_ID (saying who and when). PERMISSION is authorised on the row's case first
        (None: the caller authorises); REFUSALS are the caller's own, answered before a stale
        version is, so a user told the row changed is one who may change it. VOIDED_OK: the
        caller is reversing "entered in error" (reinstate), the one change made to such a row."""
        name = entity_name(model)
        row = self.session.get(model, ident)
        if row is None:
            raise NotFound(f"That {name} no longer exists.")
        self.loaded.append((model, ident))
        if permission is not None:
            self.authorise(permission, offender_id=row.id if isinstance(row, Offender)
                           else getattr(row, "offender_id", None))
        if getattr(row, "voided_at", None) is not None and not voided_ok:
            raise EnteredInError(name)
        if refusals is not None:
            refusals(row)
        if row.version_id != version_id:
            raise ConcurrentEditError(name, *_last_change(self.session, row))
        return row

    def stale(self, exc: StaleDataError) -> tuple[type[Versioned] | None, int | None]:
        """Which loaded row a conflict at flush is about: the one whose table SQLAlchemy names,
        else the last loaded."""
        for model, ident in reversed(self.loaded):
            if f"'{getattr(model, '__tablename__', '')}'" in str(exc):
                return model, ident
        return self.loaded[-1] if self.loaded else (None, None)

    def link(self, offender_id: int) -> Link:
        from rso_manager.services import access
        return access.link(self.session, self.actor, offender_id, self.services.clock.today())

    def authorise(self, permission: Permission, *, offender_id: int | None = None) -> Link | None:
        """The one authorisation path: the account as it is now, the permission matrix in
        domain/roles.py, and (for a case) the user's link to it."""
        link = self.link(offender_id) if offender_id is not None else None
        if not allows(self.actor.role, self.actor.trained, permission, link):
            raise refusal(self.actor, permission, link)
        return link

    def consulted(self, offender_id: int) -> None:
        """Reading part of a record needs an opening of it by this user that is still current
        (the consultation covers what is read during it). Checks the link as it is now, too."""
        from rso_manager.services import access
        access.require_consultation(self, offender_id)

    def audit(self, action: str, *, entity: str | None = None, entity_id: int | None = None,
              offender_id: int | None = None, reason: str | None = None,
              details: dict[str, Any] | None = None, outcome: str = "ok") -> None:
        audit_chain.append(
            self.session, occurred_at=self.now, user_id=self.actor.user_id or None,
            username=self.actor.username, role=self.actor.role.value, action=action,
            entity=entity, entity_id=entity_id, offender_id=offender_id, outcome=outcome,
            reason=reason, details=details,
        )

    def keep_revision(self, obj: Any, *, entity: str, offender_id: int | None, reason: str) -> None:
        """Store the values OBJ holds now, before the caller corrects them."""
        self.session.add(RecordRevision(
            entity=entity, entity_id=obj.id, offender_id=offender_id, version=obj.version_id,
            snapshot_json=json.dumps(snapshot(obj), sort_keys=True, default=str),
            changed_by_id=self.actor.user_id, changed_at=self.now, reason=reason,
        ))

    def correct(self, obj: Any, new: dict[str, Any], *, entity: str, offender_id: int | None,
                reason: str, field: str, action: str = "entry.correct") -> dict[str, Any]:
        """Put right the fields of OBJ that NEW changes, as a correction: the old values kept in
        the record's history, one audit row with before and after. Returns what changed; refuses
        a save that changes nothing (naming FIELD)."""
        from rso_manager.services.errors import FieldProblem, ValidationFailed

        before = {k: getattr(obj, k) for k in new}
        changed = {k: v for k, v in new.items() if before[k] != v}
        if not changed:
            raise ValidationFailed(FieldProblem(field, "Nothing has changed; edit a field before saving."))
        self.keep_revision(obj, entity=entity, offender_id=offender_id, reason=reason.strip())
        for k, v in changed.items():
            setattr(obj, k, v)
        self.stamp_updated(obj)
        self.session.flush()
        self.audit(action, entity=entity, entity_id=obj.id, offender_id=offender_id,
                   reason=reason.strip(), details={"before": {k: before[k] for k in changed},
                                                   "after": changed})
        return changed

    def stamp_created(self, obj: Any) -> Any:
        obj.created_at = self.now
        if hasattr(obj, "created_by_id"):
            obj.created_by_id = self.actor.user_id or None
        return obj

    def stamp_updated(self, obj: Any) -> Any:
        obj.updated_at = self.now
        if hasattr(obj, "updated_by_id"):
            obj.updated_by_id = self.actor.user_id or None
        return obj


def _last_change(session: Session, row: Any) -> tuple[str | None, datetime | None]:
    """Who last saved ROW and when, as this session reads it."""
    by_id = getattr(row, "updated_by_id", None)
    user = session.get(User, by_id) if by_id else None
    return (user.display_name if user else None), getattr(row, "updated_at", None)


def _who_changed(services: Services, model: type | None, ident: int | None) -> tuple[str | None, datetime | None]:
    if model is None or ident is None:
        return None, None
    with services.session_factory() as s:
        row = s.get(model, ident)
        return _last_change(s, row) if row is not None else (None, None)


@contextmanager
def unit_of_work(services: Services, actor: Actor) -> Iterator[UnitOfWork]:
    """Commit on success, roll back on any error; translate lock conflicts into messages."""
    uow = UnitOfWork(services, actor)
    try:
        uow.actor = uow.current_actor()
        yield uow
        uow.session.commit()
    except StaleDataError as exc:
        uow.session.rollback()
        model, ident = uow.stale(exc)
        by, at = _who_changed(services, model, ident)
        raise ConcurrentEditError(entity_name(model) if model else "record", by, at) from exc
    except OperationalError as exc:
        uow.session.rollback()
        if "locked" in str(exc.orig).lower() or "busy" in str(exc.orig).lower():
            raise DatabaseBusy() from exc
        from rso_manager.services.errors import StorageFull
        # SQLite says SQLITE_FULL for a full disk and for its page limit; PostgreSQL 53100.
        if "database or disk is full" in str(exc.orig) or getattr(exc.orig, "sqlstate", None) == "53100":
            raise StorageFull(str(exc.orig).splitlines()[0]) from exc
        raise
    except InputRefused as exc:
        uow.session.rollback()
        from rso_manager.services.errors import FieldProblem, ValidationFailed
        raise ValidationFailed([FieldProblem(f, m) for f, m in exc.problems]) from exc
    except TypeError as exc:
        uow.session.rollback()
        field = naive_time_field(exc)
        if field is None:
            raise
        from rso_manager.services.errors import FieldProblem, ValidationFailed
        raise ValidationFailed(FieldProblem(field, NAIVE_TIME_MESSAGE)) from exc
    except BaseException:
        uow.session.rollback()
        raise
    finally:
        uow.session.close()
