"""The force's signing key, its name, and the other forces whose keys this force trusts.

The key (Ed25519) is made on first use and kept in the database, in the setting
``force_signing_key``: the public key as it is, the private key encrypted (AES-256-GCM) with a
key derived by HKDF from the audit key. Every desktop of the force then signs as the same force
(the database is shared and so is the audit key, see persistence/audit_key.py), while someone
who can read the database (a PostgreSQL dump, a stolen copy of the file with its key) still
cannot sign as the force without the audit key, which is never stored there.

The public key and its fingerprint are given to other forces as a short text
(``public_key_text``); a receiving force's administrator adds it to the trusted forces
(setting ``trusted_forces``), with a reason, audited. A file signed by a key not on that list
can still be previewed, and the preview says it is not trusted.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy import select

from rso_manager.domain.roles import Permission
from rso_manager.persistence import audit_key
from rso_manager.persistence.models import Setting
from rso_manager.services.errors import FieldProblem, ServiceError, ValidationFailed, reason_problem
from rso_manager.services.force_transfer.file_format import fingerprint, public_key_bytes
from rso_manager.services.unit_of_work import Actor, Services, UnitOfWork, unit_of_work

KEY_SETTING = "force_signing_key"
NAME_SETTING = "force_name"
TRUSTED_SETTING = "trusted_forces"
UNNAMED_FORCE = "(name not set)"
MAX_FORCE_NAME = 120  # force_transfer.other_force
_KEY_TEXT_HEAD = "RSO Manager force key"
_KEY_LINE = re.compile(r"^key:\s*([A-Za-z0-9+/=]+)\s*$", re.MULTILINE)
_FORCE_LINE = re.compile(r"^force:\s*(.+?)\s*$", re.MULTILINE)


class SigningKeyUnusable(ServiceError):
    """The stored key cannot be decrypted: this desktop has a different audit key."""


@dataclass(frozen=True)
class ForceIdentity:
    force_name: str
    fingerprint: str
    public_key_text: str  # what is sent to other forces


@dataclass(frozen=True)
class TrustedForce:
    force_name: str
    fingerprint: str
    added_at: datetime
    added_by: str


def _wrap_key() -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"rso-manager force signing key").derive(audit_key.load().secret)


def _setting(uow: UnitOfWork, key: str) -> Setting | None:
    return uow.session.scalar(select(Setting).where(Setting.key == key))


def _put(uow: UnitOfWork, key: str, value: Any) -> None:
    row = _setting(uow, key)
    text = json.dumps(value, sort_keys=True)
    if row is None:
        uow.session.add(uow.stamp_created(Setting(key=key, value_json=text)))
    else:
        row.value_json = text
        uow.stamp_updated(row)
    uow.session.flush()


def force_name(uow: UnitOfWork) -> str:
    row = _setting(uow, NAME_SETTING)
    return json.loads(row.value_json) if row is not None else UNNAMED_FORCE


def signing_key(uow: UnitOfWork) -> Ed25519PrivateKey:
    """The force's private key, made (and audited) the first time a case is sent."""
    row = _setting(uow, KEY_SETTING)
    if row is None:
        key = Ed25519PrivateKey.generate()
        public = public_key_bytes(key.public_key())
        nonce = os.urandom(12)
        raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        _put(uow, KEY_SETTING, {
            "public_key": base64.b64encode(public).decode("ascii"),
            "nonce": base64.b64encode(nonce).decode("ascii"),
            "private_key": base64.b64encode(AESGCM(_wrap_key()).encrypt(nonce, raw, public)).decode("ascii"),
        })
        uow.audit("force_key.create", entity="setting", details={"fingerprint": fingerprint(public)})
        return key
    stored = json.loads(row.value_json)
    public = base64.b64decode(stored["public_key"])
    try:
        raw = AESGCM(_wrap_key()).decrypt(base64.b64decode(stored["nonce"]),
                                          base64.b64decode(stored["private_key"]), public)
    except InvalidTag:
        raise SigningKeyUnusable(
            "This desktop cannot use the force's signing key: its audit key differs from the one "
            "the key was made with. Ask IT to give this desktop the force's audit key.") from None
    key = Ed25519PrivateKey.from_private_bytes(raw)
    if not hmac.compare_digest(public_key_bytes(key.public_key()), public):
        raise SigningKeyUnusable("The force's stored signing key is damaged. Ask IT to restore the "
                                 "database from a backup.")
    return key


def _identity(uow: UnitOfWork) -> ForceIdentity:
    public = public_key_bytes(signing_key(uow).public_key())
    name = force_name(uow)
    fp = fingerprint(public)
    text = (f"{_KEY_TEXT_HEAD}\nforce: {name}\nkey: {base64.b64encode(public).decode('ascii')}\n"
            f"fingerprint: {fp}\n")
    return ForceIdentity(name, fp, text)


def force_identity(services: Services, actor: Actor) -> ForceIdentity:
    """This force's public key and fingerprint, to give to other forces (made if need be)."""
    with unit_of_work(services, actor) as uow:
        if not (uow.actor.can(Permission.MANAGE_USERS) or uow.actor.can(Permission.REASSIGN_CASE)):
            uow.authorise(Permission.MANAGE_USERS)
        return _identity(uow)


def _force_name_problem(name: str, field: str) -> FieldProblem | None:
    if not name.strip():
        return FieldProblem(field, "Enter the force's name, e.g. West Yorkshire Police.")
    if len(name.strip()) > MAX_FORCE_NAME:
        return FieldProblem(field, f"Use at most {MAX_FORCE_NAME} characters.")
    return None


def set_force_name(services: Services, actor: Actor, name: str, reason: str) -> None:
    """What this force calls itself in the files it sends (the receiver names keys it trusts)."""
    problems = [p for p in (_force_name_problem(name, "force_name"),
                            reason_problem("reason", reason, "Say why the name is set.")) if p]
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.MANAGE_USERS)
        before = force_name(uow)
        _put(uow, NAME_SETTING, name.strip())
        uow.audit("setting.change", entity="setting", reason=reason.strip(),
                  details={"key": NAME_SETTING, "before": before, "after": name.strip()})


def trusted(uow: UnitOfWork) -> list[dict[str, Any]]:
    row = _setting(uow, TRUSTED_SETTING)
    return list(json.loads(row.value_json)) if row is not None else []


def trusted_name(uow: UnitOfWork, fp: str) -> str | None:
    """The force this database trusts FP's key for, or None."""
    return next((t["force_name"] for t in trusted(uow) if t["fingerprint"] == fp), None)


def parse_public_key_text(text: str) -> tuple[str | None, bytes]:
    """The force named and the raw key in a text from public_key_text; ValueError if none."""
    found = _KEY_LINE.search(text or "")
    raw = base64.b64decode(found.group(1), validate=True) if found else b""
    if len(raw) != 32:
        raise ValueError("no key")
    named = _FORCE_LINE.search(text)
    return (named.group(1) if named else None), raw


def list_trusted_forces(services: Services, actor: Actor) -> list[TrustedForce]:
    with unit_of_work(services, actor) as uow:
        if not (uow.actor.can(Permission.MANAGE_USERS) or uow.actor.can(Permission.WRITE_CASES)):
            uow.authorise(Permission.MANAGE_USERS)
        return [TrustedForce(t["force_name"], t["fingerprint"], datetime.fromisoformat(t["added_at"]),
                             t["added_by"]) for t in trusted(uow)]


def add_trusted_force(services: Services, actor: Actor, force: str, public_key_text: str,
                      reason: str) -> TrustedForce:
    """The administrator adds another force's key (as that force sent it, checked with them by
    its fingerprint), with a reason; audited."""
    problems = [p for p in (_force_name_problem(force, "force_name"),
                            reason_problem("reason", reason, "Say how the key was received and checked."))
                if p]
    raw = b""
    try:
        _, raw = parse_public_key_text(public_key_text)
    except ValueError:
        problems.append(FieldProblem("public_key", "Paste the whole key text the other force sent: it "
                                                   "has a line beginning 'key:'."))
    if problems:
        raise ValidationFailed(problems)
    fp = fingerprint(raw)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.MANAGE_USERS)
        forces = trusted(uow)
        if any(t["fingerprint"] == fp for t in forces):
            raise ValidationFailed(FieldProblem("public_key", "That key is already trusted."))
        entry = {"force_name": force.strip(), "fingerprint": fp, "public_key":
                 base64.b64encode(raw).decode("ascii"), "added_at": uow.now.isoformat(),
                 "added_by": uow.actor.display_name}
        _put(uow, TRUSTED_SETTING, [*forces, entry])
        uow.audit("force_key.trust", entity="setting", reason=reason.strip(),
                  details={"force": force.strip(), "fingerprint": fp})
        return TrustedForce(force.strip(), fp, uow.now, uow.actor.display_name)


def remove_trusted_force(services: Services, actor: Actor, fp: str, reason: str) -> None:
    problem = reason_problem("reason", reason, "Say why the key is no longer trusted.")
    if problem:
        raise ValidationFailed(problem)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.MANAGE_USERS)
        forces = trusted(uow)
        gone = [t for t in forces if t["fingerprint"] == fp]
        if not gone:
            raise ValidationFailed(FieldProblem("public_key", "That key is not on the trusted list."))
        _put(uow, TRUSTED_SETTING, [t for t in forces if t["fingerprint"] != fp])
        uow.audit("force_key.distrust", entity="setting", reason=reason.strip(),
                  details={"force": gone[0]["force_name"], "fingerprint": fp})
