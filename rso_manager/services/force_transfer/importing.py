"""Receiving a case from another force: a preview first, then the case as a new record.

The preview opens the file (signature, then passphrase), says who the case is, which force
signed it and whether this force trusts that key, what the file holds, and which records here
may be the same person (same surname and date of birth, or the same PNC number), showing of
them only what a search outside one's caseload shows: reference, name, offender manager.

The import writes the case as a NEW record, in one transaction, marked transferred in (a
force_transfer row), with every entry, correction and sign-off under new ids and their own
dates. Nothing is ever merged into an existing record: when a possible match exists, the user
must say "import as new" (confirm_new); merging the two afterwards is a matter of corrections.
A file signed by a key this force does not trust can be previewed but not imported: the
administrator adds the sending force's key first (signing_key.add_trusted_force).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from rso_manager.domain.roles import Permission, Role
from rso_manager.persistence import models as m
from rso_manager.services import case_summary
from rso_manager.services.caseload import AccessReason, OffenderDraft, check_placing, next_reference
from rso_manager.services.errors import FieldProblem, ValidationFailed, reason_problem
from rso_manager.services.force_transfer import case_file, file_format, signing_key
from rso_manager.services.force_transfer.export import IN
from rso_manager.services.unit_of_work import Actor, Services, UnitOfWork, unit_of_work

MAX_FILE_BYTES = 600 * 1024 * 1024


@dataclass(frozen=True)
class PossibleMatch:
    offender_id: int
    reference: str
    name: str
    offender_manager: str | None
    why: str  # "same surname and date of birth", "same PNC number"


@dataclass(frozen=True)
class TransferPreview:
    file_sha256: str
    from_force: str  # as the file says
    to_force: str
    sent_at: datetime | None
    sent_by: str | None
    signer_fingerprint: str
    trusted_as: str | None  # the force this database trusts the signing key for, or None
    their_reference: str
    surname: str
    forenames: str
    date_of_birth: date
    pnc_id: str | None
    counts: tuple[tuple[str, int], ...]
    matches: tuple[PossibleMatch, ...]
    already_imported_as: str | None  # the reference here, when this very file came in before

    @property
    def trusted(self) -> bool:
        return self.trusted_as is not None

    @property
    def name(self) -> str:
        return f"{self.surname.upper()}, {self.forenames}"


@dataclass(frozen=True)
class ReceivedCase:
    offender_id: int
    reference: str
    their_reference: str
    from_force: str
    notes: tuple[str, ...]  # what could not be kept as it was, in words


def _read(path: str | os.PathLike[str] | None) -> bytes:
    if not path:
        raise ValidationFailed(FieldProblem("file", "Choose the file the other force sent."))
    try:
        if Path(path).stat().st_size > MAX_FILE_BYTES:
            raise ValidationFailed(FieldProblem("file", "That file is far larger than any case: it is not "
                                                        "a transfer file."))
        return Path(path).read_bytes()
    except OSError as exc:
        raise ValidationFailed(FieldProblem("file", f"That file cannot be read ({exc.strerror or exc}). "
                                                    "Check where it was saved.")) from exc


def _open(path: str | os.PathLike[str] | None, passphrase: str) -> tuple[bytes, file_format.OpenedFile, dict[str, Any]]:
    data = _read(path)
    try:
        opened = file_format.open_sealed(data, passphrase)
        return data, opened, case_file.person(opened.payload)
    except file_format.TransferFileError as exc:
        raise ValidationFailed(FieldProblem(exc.field, exc.message)) from None


def _matches(s: Session, person: dict[str, Any]) -> tuple[PossibleMatch, ...]:
    manager = m.User.__table__.alias("manager")
    pnc = (person.get("pnc_id") or "").strip().upper()
    same_name = (func.lower(m.Offender.surname) == person["surname"].strip().lower()) & \
                (m.Offender.date_of_birth == person["date_of_birth"])
    same_pnc = func.upper(m.Offender.pnc_id) == pnc if pnc else None
    rows = s.execute(
        select(m.Offender, manager.c.display_name)
        .outerjoin(manager, manager.c.id == m.Offender.offender_manager_id)
        .where(or_(same_name, same_pnc) if same_pnc is not None else same_name)
        .order_by(m.Offender.reference).limit(20))
    out = []
    for o, om in rows:
        why = [w for w, hit in (
            ("same surname and date of birth", o.surname.lower() == person["surname"].strip().lower()
             and o.date_of_birth == person["date_of_birth"]),
            ("same PNC number", bool(pnc) and (o.pnc_id or "").strip().upper() == pnc)) if hit]
        out.append(PossibleMatch(o.id, o.reference, f"{o.surname.upper()}, {o.forenames}", om, " and ".join(why)))
    return tuple(out)


def _already(s: Session, sha: str) -> str | None:
    return s.scalar(select(m.Offender.reference).join(m.ForceTransfer, m.ForceTransfer.offender_id == m.Offender.id)
                    .where(m.ForceTransfer.direction == IN, m.ForceTransfer.file_sha256 == sha).limit(1))


def _preview(uow: UnitOfWork, data: bytes, opened: file_format.OpenedFile, person: dict[str, Any]) -> TransferPreview:
    h = opened.header
    sent_at = h.get("sent_at")
    sha = hashlib.sha256(data).hexdigest()
    return TransferPreview(
        file_sha256=sha, from_force=str(h.get("from_force") or "?"), to_force=str(h.get("to_force") or "?"),
        sent_at=datetime.fromisoformat(sent_at) if isinstance(sent_at, str) else None,
        sent_by=h.get("sent_by"), signer_fingerprint=opened.signer_fingerprint,
        trusted_as=signing_key.trusted_name(uow, opened.signer_fingerprint),
        their_reference=person["reference"], surname=person["surname"], forenames=person["forenames"],
        date_of_birth=person["date_of_birth"], pnc_id=person.get("pnc_id"),
        counts=tuple(case_file.counts(opened.payload)), matches=_matches(uow.session, person),
        already_imported_as=_already(uow.session, sha))


def preview_transfer(services: Services, actor: Actor, path: str | os.PathLike[str] | None,
                     passphrase: str) -> TransferPreview:
    """What the file holds and what it may match here, before anything is written (audited:
    the user saw names of records here)."""
    data, opened, person = _open(path, passphrase)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES)
        preview = _preview(uow, data, opened, person)
        uow.audit("force_transfer.preview", entity="force_transfer",
                  details={"file_sha256": preview.file_sha256, "signer_fingerprint": preview.signer_fingerprint,
                           "trusted": preview.trusted, "matches": [x.reference for x in preview.matches]})
        return preview


MERGE_REFUSED = ("A case from another force is never merged into a record here: import it as a new "
                 "record, then put either record right with corrections if they are the same person.")


def import_transfer(services: Services, actor: Actor, path: str | os.PathLike[str] | None, passphrase: str, *,
                    reason: str, confirm_new: bool = False, merge_into: int | None = None,
                    offender_manager_id: int | None = None, team_id: int | None = None) -> ReceivedCase:
    """The case in the file as a new record here, marked transferred in. CONFIRM_NEW: the user
    saw the possible matches and chose a new record (needed only when there are any)."""
    if merge_into is not None:
        raise ValidationFailed(FieldProblem("merge_into", MERGE_REFUSED))
    problem = reason_problem("reason", reason, "Say why the case is taken on (e.g. the person moved here).")
    if problem:
        raise ValidationFailed(problem)
    data, opened, person = _open(path, passphrase)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES)
        preview = _preview(uow, data, opened, person)
        if preview.already_imported_as:
            raise ValidationFailed(FieldProblem("file", f"This file was imported before, as "
                                                        f"{preview.already_imported_as}."))
        if preview.trusted_as is None:
            raise ValidationFailed(FieldProblem(
                "file", f"This file is signed by a key your force does not trust (fingerprint "
                        f"{preview.signer_fingerprint[:16]}...). Ask your administrator to add the sending "
                        "force's key to the trusted forces, checking its fingerprint with them, then import."))
        if preview.matches and not confirm_new:
            refs = ", ".join(x.reference for x in preview.matches)
            raise ValidationFailed(FieldProblem(
                "confirm_new", f"Records here may be the same person ({refs}). Look at them, then choose "
                               "to import this case as a new record; nothing is merged."))
        a = uow.actor
        manager = offender_manager_id if offender_manager_id is not None else (
            a.user_id if a.role in (Role.OFFENDER_MANAGER, Role.SUPERVISOR) else None)
        team = team_id if team_id is not None else a.team_id
        check_placing(uow, OffenderDraft(offender_manager_id=manager, team_id=team))
        reference = next_reference(uow.session)
        try:  # all or nothing: a row the file cannot account for rolls every row back
            new_id, notes = case_file.restore(
                uow.session, opened.payload, signer=preview.signer_fingerprint, force=preview.trusted_as,
                now=uow.now, offender={"reference": reference, "status": "active", "offender_manager_id": manager,
                                       "team_id": team, "updated_at": uow.now, "updated_by_id": a.user_id})
        except file_format.TransferFileError as exc:
            raise ValidationFailed(FieldProblem(exc.field, exc.message)) from None
        case_summary.refresh(uow.session, new_id, services.clock.today())
        # Whoever takes the case on has it open, as whoever creates one does.
        uow.session.add(m.Consultation(user_id=a.user_id, offender_id=new_id, opened_at=uow.now,
                                       link="own" if manager == a.user_id else "team",
                                       purpose=AccessReason.CASE_MANAGEMENT.value,
                                       reason="Took on the case from another force."))
        received = m.ForceTransfer(offender_id=new_id, direction=IN, other_force=preview.trusted_as,
                                   file_sha256=preview.file_sha256, signer_fingerprint=preview.signer_fingerprint,
                                   transferred_at=uow.now, user_id=a.user_id, reason=reason.strip())
        uow.session.add(uow.stamp_created(received))
        uow.session.flush()
        uow.audit("force_transfer.in", entity="force_transfer", entity_id=received.id, offender_id=new_id,
                  reason=reason.strip(),
                  details={"from_force": preview.trusted_as, "their_reference": preview.their_reference,
                           "file_sha256": preview.file_sha256, "signer_fingerprint": preview.signer_fingerprint,
                           "sent_at": opened.header.get("sent_at"), "entries": dict(preview.counts),
                           "possible_matches": [x.reference for x in preview.matches], "notes": notes})
        return ReceivedCase(new_id, reference, preview.their_reference, preview.trusted_as, tuple(notes))
