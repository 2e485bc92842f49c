"""Encrypt a plain SQLite database in place, and change an encrypted database's key.

encrypt: sqlcipher_export into a new private file beside the old one, verify it (integrity,
cipher integrity, the same rows in every table), then swap it in and remove the plain file, its
WAL, and the plain pre-upgrade copies in backups/ (each encrypted the same way first). The old
file's blocks may survive on the disk itself: full-disk encryption is what covers those.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from rso_manager.persistence import keys
from rso_manager.persistence.backup import BackupError, generations
from rso_manager.persistence.engine import BUSY_TIMEOUT_MS, WrongKeyError, raw_sqlite_connection


class EncryptionError(BackupError):
    """Encrypting or rekeying could not be done. The message says why; nothing was changed."""


@dataclass(frozen=True)
class EncryptResult:
    path: Path
    key_source: str
    backups_encrypted: tuple[Path, ...]


def _tables(connection, schema: str = "main") -> dict[str, int]:
    names = [r[0] for r in connection.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {n: connection.execute(f'SELECT count(*) FROM {schema}."{n}"').fetchone()[0] for n in names}


def _sidecars(path: Path) -> list[Path]:
    return [Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")]


def _encrypt_file(plain: Path, key: keys.DatabaseKey) -> None:
    """PLAIN becomes an encrypted file with the same contents; raises EncryptionError, leaving
    PLAIN as it was, if anything does not match."""
    target = plain.with_name(plain.name + ".encrypting")
    for p in [target, *_sidecars(target)]:
        p.unlink(missing_ok=True)  # a run that was interrupted
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        source = sqlcipher3.connect(os.fspath(plain), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            busy = source.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy and busy[0]:
                raise EncryptionError(f"{plain} is in use by another program: close RSO Manager "
                                      "everywhere it has this database open, then encrypt again.")
            expected = _tables(source)
            user_version = source.execute("PRAGMA user_version").fetchone()[0]
            source.execute("ATTACH DATABASE ? AS encrypted KEY ?", (os.fspath(target), key.pragma_value()))
            source.execute("SELECT sqlcipher_export('encrypted')")
            source.execute(f"PRAGMA encrypted.user_version = {int(user_version)}")
            source.commit()
            source.execute("DETACH DATABASE encrypted")
        finally:
            source.close()
        check = raw_sqlite_connection(target, key=key)
        try:
            integrity = [r[0] for r in check.execute("PRAGMA integrity_check")]
            cipher = check.execute("PRAGMA cipher_integrity_check").fetchall()
            got = _tables(check)
        finally:
            check.close()
        if integrity != ["ok"] or cipher or got != expected:
            raise EncryptionError(f"The encrypted copy of {plain} did not match it, so nothing was "
                                  "changed. Run `python main.py check` on the plain database.")
        if b"SQLite format 3\x00" == target.read_bytes()[:16]:
            raise EncryptionError(f"The copy of {plain} came out unencrypted; nothing was changed.")
        with target.open("rb+") as f:
            os.fsync(f.fileno())
        for p in _sidecars(plain):
            p.unlink(missing_ok=True)
        os.replace(target, plain)
        for p in _sidecars(target):
            p.unlink(missing_ok=True)
    except BaseException:
        for p in [target, *_sidecars(target)]:
            p.unlink(missing_ok=True)
        raise


def encrypt_in_place(path: Path, *, key: keys.DatabaseKey | None = None) -> EncryptResult:
    path = Path(path)
    state = keys.file_state(path)
    if state is keys.FileState.MISSING:
        raise EncryptionError(f"There is no database at {path}: a new database is encrypted anyway.")
    if state is keys.FileState.ENCRYPTED:
        raise EncryptionError(f"{path} is already encrypted; `main.py rekey` changes its key.")
    if key is None:
        try:
            key = keys.resolve_key(path, new=True)
        except keys.KeyUnavailableError as exc:
            raise EncryptionError(str(exc)) from None
    _encrypt_file(path, key)
    done = []
    backups = path.parent / "backups"
    if backups.is_dir():  # pre-upgrade copies of the plain file are as readable as it was
        for copy in generations(backups, path.stem, path.suffix):
            if keys.file_state(copy) is keys.FileState.PLAIN:
                _encrypt_file(copy, key)
                done.append(copy)
    return EncryptResult(path, key.source, tuple(done))


@dataclass(frozen=True)
class RekeyResult:
    path: Path
    new_key_source: str
    keyring_updated: bool


def rekey(path: Path, new_secret: str, *, old_key: keys.DatabaseKey | None = None,
          new_source: str = "the new key") -> RekeyResult:
    """PRAGMA rekey: every page re-encrypted with the key from NEW_SECRET (64 hex: a raw key,
    else a passphrase; the file's salt is kept). Older backups keep the old key."""
    path = Path(path)
    if keys.file_state(path) is not keys.FileState.ENCRYPTED:
        raise EncryptionError(f"{path} is not an encrypted database: encrypt it with `main.py encrypt`.")
    salt = keys.file_salt(path) or b""
    if old_key is None:
        try:
            old_key = keys.resolve_key(path)
        except keys.KeyUnavailableError as exc:
            raise EncryptionError(str(exc)) from None
    new_key = keys.from_secret(new_secret, salt, new_source)
    connection = raw_sqlite_connection(path, key=old_key)
    try:
        busy = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy and busy[0]:
            raise EncryptionError(f"{path} is in use by another program: close RSO Manager "
                                  "everywhere it has this database open, then rekey again.")
        connection.execute(f"PRAGMA rekey = \"x'{new_key.raw.hex()}'\"")
    finally:
        connection.close()
    try:
        check = raw_sqlite_connection(path, key=new_key)
    except WrongKeyError:
        raise EncryptionError(f"After rekey {path} did not open with the new key; it still opens "
                              "with the old one if the rekey did not complete.") from None
    try:
        if [r[0] for r in check.execute("PRAGMA quick_check")] != ["ok"]:
            raise EncryptionError(f"{path} failed quick_check after rekey: run `python main.py check`.")
    finally:
        check.close()
    keyring_updated = old_key.source == "the OS keyring" and keys.store_in_keyring(salt, new_key.raw.hex())
    if old_key.source == "the passphrase":
        keys.forget_passphrase(path)
    return RekeyResult(path, new_source, keyring_updated)
