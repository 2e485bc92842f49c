"""The audit key: the secret that keys the audit chain, the record seals and the checkpoints.

It is never stored in the database, so someone who can write the database file (or owns the
PostgreSQL tables) still cannot forge a row, a seal or a checkpoint. Order, first that applies wins:
1. ``RSO_AUDIT_KEY`` (scripts, CI, tests): 64 hex characters are the raw key; any other text of at
   least 16 characters is used as it is.
2. the OS keyring (service ``RSO Manager audit``), when the machine has a working one.
3. a key file ``audit.key`` in the user data directory (owner-only), made on first use.

A shared PostgreSQL database needs the same key on every desktop that writes or verifies it
(copy the keyring entry or the key file), or the key only where the audit writer runs.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from rso_manager.persistence.locations import data_dir

KEY_ENV = "RSO_AUDIT_KEY"
KEYRING_SERVICE = "RSO Manager audit"
KEYRING_USER = "audit-key"
KEY_FILE_NAME = "audit.key"
MIN_TEXT_KEY = 16
_RAW_KEY = re.compile(r"\A[0-9a-fA-F]{64}\Z")


class AuditKeyError(Exception):
    """The audit key cannot be read or is unusable. The message says how to fix it."""


@dataclass(frozen=True)
class AuditKey:
    secret: bytes
    source: str  # where it came from, for messages: never the key itself

    @property
    def key_id(self) -> str:
        """A name for the key that reveals nothing about it: stored on each keyed audit row, so
        verify can tell "wrong key" apart from "row altered"."""
        return hmac.new(self.secret, b"rso-manager audit key id", hashlib.sha256).hexdigest()[:16]

    def mac(self, data: bytes) -> str:
        return hmac.new(self.secret, data, hashlib.sha256).hexdigest()

    def seal_key(self) -> bytes:
        """A separate key for record digests, so a digest can never be replayed as a row hash."""
        return hmac.new(self.secret, b"rso-manager record seal", hashlib.sha256).digest()

    def __repr__(self) -> str:  # a key never reaches a log through repr()
        return f"AuditKey(source={self.source!r}, key_id={self.key_id})"


def _from_text(text: str, source: str) -> AuditKey:
    text = text.strip()
    if _RAW_KEY.match(text):
        return AuditKey(bytes.fromhex(text), source)
    if len(text) < MIN_TEXT_KEY:
        raise AuditKeyError(
            f"The audit key from {source} is too short: give at least {MIN_TEXT_KEY} characters "
            "(or 64 hex characters for a raw key).")
    return AuditKey(text.encode("utf-8"), source)


def _keyring_key() -> str | None:
    try:
        import keyring
        import keyring.errors
    except ImportError:
        return None
    try:
        stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
        if stored:
            return stored
        generated = secrets.token_hex(32)
        keyring.set_password(KEYRING_SERVICE, KEYRING_USER, generated)
        return generated
    except (keyring.errors.KeyringError, RuntimeError, OSError):
        # The fail backend raises NoKeyringError (a RuntimeError): headless Linux often has none.
        return None


def key_file_path() -> Path:
    return data_dir() / KEY_FILE_NAME


def _file_key(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: read theirs
        else:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(secrets.token_hex(32) + "\n")
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditKeyError(
            f"Cannot read the audit key file {path}: {exc}. Restore it from where the key is kept, "
            f"or set {KEY_ENV}.") from None


_cache: dict[tuple[str | None, str], AuditKey] = {}


def load() -> AuditKey:
    """This machine's audit key (cached per process for each source)."""
    env = os.environ.get(KEY_ENV)
    if env:
        cache_key: tuple[str | None, str] = (env, "env")
    else:
        cache_key = (None, str(key_file_path()))
    cached = _cache.get(cache_key)
    if cached is not None:
        return cached
    if env:
        key = _from_text(env, KEY_ENV)
    elif (stored := _keyring_key()) is not None:
        key = _from_text(stored, "the OS keyring")
    else:
        key = _from_text(_file_key(key_file_path()), f"the key file {key_file_path()}")
    _cache[cache_key] = key
    return key
