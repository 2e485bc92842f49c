"""One user action = one session, one transaction, its audit rows inside it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from rso_manager.clock import Clock
from rso_manager.domain.roles import Permission, Role, allows
from rso_manager.persistence import audit_chain
from rso_manager.persistence.models import RecordRevision, User
from rso_manager.services.errors import (
    ConcurrentEditError,
    DatabaseBusy,
    NotFound,
    PermissionDenied,
)


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


def find_offender(session: Session, offender_id: int):
    """The offender row, or NotFound with a message a user can read."""
    from rso_manager.persistence.models import Offender

    o = session.get(Offender, offender_id)
    if o is None:
        raise NotFound(f"No offender record {offender_id}.")
    return o


def require(actor: Actor, permission: Permission) -> None:
    if actor.can(permission):
        return
    if not actor.trained and allows(actor.role, True, permission):
        raise PermissionDenied(
            "Only ViSOR/MOSOVO-trained staff can make case entries. Your account is not marked "
            "trained; ask your supervisor to record your accreditation."
        )
    raise PermissionDenied(f"A {actor.role.label.lower()} cannot do this ({permission.value}).")


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


def _who_changed(services: Services, entity_cls: type | None, entity_id: int | None) -> tuple[str | None, datetime | None]:
    if entity_cls is None or entity_id is None:
        return None, None
    with services.session_factory() as s:
        row = s.get(entity_cls, entity_id)
        if row is None:
            return None, None
        user = s.get(User, getattr(row, "updated_by_id", None)) if getattr(row, "updated_by_id", None) else None
        return (user.display_name if user else None), getattr(row, "updated_at", None)


@contextmanager
def unit_of_work(services: Services, actor: Actor, *, stale_entity: tuple[str, type, int] | None = None) -> Iterator[UnitOfWork]:
    """Commit on success, roll back on any error; translate lock conflicts into messages."""
    uow = UnitOfWork(services, actor)
    try:
        yield uow
        uow.session.commit()
    except StaleDataError as exc:
        uow.session.rollback()
        name, cls, ident = stale_entity or ("record", None, None)
        by, at = _who_changed(services, cls, ident)
        raise ConcurrentEditError(name, by, at) from exc
    except OperationalError as exc:
        uow.session.rollback()
        if "locked" in str(exc.orig).lower() or "busy" in str(exc.orig).lower():
            raise DatabaseBusy() from exc
        raise
    except BaseException:
        uow.session.rollback()
        raise
    finally:
        uow.session.close()
