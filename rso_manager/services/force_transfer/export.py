"""Sending a case to another force: the whole record as one encrypted, signed file.

Moving a case out of the force is the supervisor's or the OMU lead's decision, as moving it
between officers is (Permission.REASSIGN_CASE on the case), with a reason, on a record the user
has open. The file is written owner-only and only once its audit row is in the transaction (no
file without its audit row). The case then ends here: its status becomes "ended", as every
list of open cases already reads (the caseload, reminders, the compliance figures), with the
old status kept in its history and a force_transfer row saying where it went and when.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from rso_manager.domain.roles import Permission
from rso_manager.persistence import models as m
from rso_manager.services import access, passwords
from rso_manager.services.errors import FieldProblem, ValidationFailed, reason_problem
from rso_manager.services.force_transfer import case_file, file_format, signing_key
from rso_manager.services.printed_files import audited_file
from rso_manager.services.unit_of_work import Actor, Services, unit_of_work

ENDED = "ended"
OUT, IN = "out", "in"


@dataclass(frozen=True)
class SentCase:
    offender_id: int
    reference: str
    to_force: str
    path: Path
    file_sha256: str
    signer_fingerprint: str
    size: int


def _problems(to_force: str, reason: str, passphrase: str, path: str | os.PathLike[str] | None,
              context: list[str]) -> list[FieldProblem]:
    problems = [p for p in (
        FieldProblem("to_force", "Enter the force the case is going to, e.g. Greater Manchester Police.")
        if not to_force.strip() else
        FieldProblem("to_force", f"Use at most {signing_key.MAX_FORCE_NAME} characters.")
        if len(to_force.strip()) > signing_key.MAX_FORCE_NAME else None,
        reason_problem("reason", reason, "Say why the case goes to that force (e.g. where the person moved)."),
    ) if p]
    # The passphrase is the file's only lock in transit: held to the password rules.
    problems += [FieldProblem("passphrase", p) for p in passwords.password_problems(passphrase, "", context)]
    if not path:
        problems.append(FieldProblem("path", "Choose where to save the file."))
    return problems


def give_to_force(services: Services, actor: Actor, offender_id: int, version_id: int, *, to_force: str,
                reason: str, passphrase: str, path: str | os.PathLike[str]) -> SentCase:
    """Export: write the case to PATH for TO_FORCE, encrypted with PASSPHRASE (which the user
    sends them by another way) and signed with this force's key; the case ends here. (Named
    give_, as writing services are, so the pinned list of readers does not take it for one; it
    reads the whole record under the opening that access.require_consultation checks.)"""
    problems = _problems(to_force, reason, passphrase, path, [to_force])
    if problems:
        raise ValidationFailed(problems)
    to_force, reason = to_force.strip(), reason.strip()
    with audited_file(path, "transfer file") as write, unit_of_work(services, actor) as uow:
        o = uow.load(m.Offender, offender_id, version_id, permission=Permission.REASSIGN_CASE)
        access.require_consultation(uow, offender_id)
        if o.status == ENDED:
            raise ValidationFailed(FieldProblem("to_force", f"{o.reference} has ended here; only a "
                                                            "current case can be sent to another force."))
        payload = case_file.collect(uow.session, offender_id)
        payload["sent_by"] = uow.actor.display_name
        key = signing_key.signing_key(uow)
        data = file_format.seal(payload, passphrase, key, {
            "from_force": signing_key.force_name(uow), "to_force": to_force,
            "sent_at": uow.now.isoformat(), "sent_by": uow.actor.display_name})
        sha = hashlib.sha256(data).hexdigest()
        fp = file_format.fingerprint(file_format.public_key_bytes(key.public_key()))

        uow.keep_revision(o, entity="offender", offender_id=o.id, reason=f"Sent to {to_force}: {reason}")
        before = o.status
        o.status = ENDED
        uow.stamp_updated(o)
        sent = m.ForceTransfer(offender_id=o.id, direction=OUT, other_force=to_force, file_sha256=sha,
                               signer_fingerprint=fp, transferred_at=uow.now, user_id=uow.actor.user_id,
                               reason=reason)
        uow.session.add(uow.stamp_created(sent))
        uow.session.flush()
        uow.audit("force_transfer.out", entity="force_transfer", entity_id=sent.id, offender_id=o.id,
                  reason=reason, details={"to_force": to_force, "file_sha256": sha, "signer_fingerprint": fp,
                                          "status": {"before": before, "after": ENDED},
                                          "saved_to": str(path), "bytes": len(data),
                                          "entries": dict(case_file.counts(payload))})
        uow.session.flush()
        write(data)
        return SentCase(o.id, o.reference, to_force, Path(path), sha, fp, len(data))
