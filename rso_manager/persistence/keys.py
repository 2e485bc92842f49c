"""Database keys for SQLCipher: where a key comes from, and how it becomes SQLCipher's raw key.

Order, first that applies wins:
1. the demo database's own key file (``rso-manager-demo.key`` beside ``rso-manager-demo.db`` in the
   data directory). Demo data is fictional; the file exists so ``make run`` never asks for a key.
2. ``RSO_DB_KEY`` (scripts, CI, tests): 64 hex characters are the raw 256-bit key; anything else is
   a passphrase.
3. the OS keyring (service ``RSO Manager database``, user ``salt:<the file's salt in hex>``),
   holding a raw key. A new database gets a random key stored there when a keyring works.
4. a passphrase asked by the registered prompt (the GUI's dialog, the CLI's getpass).

A passphrase is turned into the raw key exactly as SQLCipher 4 would (PBKDF2-HMAC-SHA512, 256,000
iterations, salt = the database file's first 16 bytes), once per process, so each connection then
keys with the cheap raw form (``PRAGMA key = "x'...'"``) instead of paying the KDF again. Because it
is SQLCipher's own derivation, the sqlcipher shell opens the file with the same passphrase.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from rso_manager.persistence.locations import DEMO_DB_NAME, data_dir

KEY_ENV = "RSO_DB_KEY"
KEYRING_SERVICE = "RSO Manager database"
DEMO_KEY_NAME = "rso-manager-demo.key"
SQLITE_HEADER = b"SQLite format 3\x00"
SALT_BYTES = 16
KDF_ITERATIONS = 256_000  # SQLCipher 4 default: keep equal so the sqlcipher shell agrees
_RAW_KEY = re.compile(r"\A[0-9a-fA-F]{64}\Z")

# (path, is_new) -> passphrase, or None when the user declines.
PassphrasePrompt = Callable[[Path, bool], "str | None"]


class FileState(Enum):
    MISSING = "missing"  # absent or empty: created encrypted
    PLAIN = "plain"  # an unencrypted SQLite file from before encryption
    ENCRYPTED = "encrypted"


@dataclass(frozen=True)
class DatabaseKey:
    raw: bytes  # 32 bytes
    salt: bytes  # the file's SQLCipher salt; random for a file not written yet
    source: str  # where it came from, for messages: never the key itself

    def pragma_value(self) -> str:
        """SQLCipher's raw key with explicit salt: no KDF on connect, and a new file gets ``salt``."""
        return f"x'{self.raw.hex()}{self.salt.hex()}'"

    def __repr__(self) -> str:  # a key never reaches a log through repr()
        return f"DatabaseKey(source={self.source!r})"


class KeyUnavailableError(Exception):
    """No key could be found or asked for. The message says how to give one."""


_prompt: PassphrasePrompt | None = None
_derived: dict[tuple[str, bytes], bytes] = {}
_asked: dict[Path, str] = {}


def set_passphrase_prompt(prompt: PassphrasePrompt | None) -> None:
    """The composition root (GUI or CLI) says how to ask the user; the core never asks itself."""
    global _prompt
    _prompt = prompt


def file_state(path: Path) -> FileState:
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return FileState.MISSING
    if not head:
        return FileState.MISSING
    return FileState.PLAIN if head == SQLITE_HEADER else FileState.ENCRYPTED


def file_salt(path: Path) -> bytes | None:
    """SQLCipher keeps the KDF salt unencrypted in the first 16 bytes of the file."""
    if file_state(path) is not FileState.ENCRYPTED:
        return None
    with path.open("rb") as f:
        return f.read(SALT_BYTES)


def derive(passphrase: str, salt: bytes) -> bytes:
    cached = _derived.get((passphrase, salt))
    if cached is None:
        cached = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ITERATIONS, 32)
        _derived[(passphrase, salt)] = cached
    return cached


def from_secret(secret: str, salt: bytes, source: str) -> DatabaseKey:
    """64 hex characters are a raw key; anything else is a passphrase."""
    if _RAW_KEY.match(secret.strip()):
        return DatabaseKey(bytes.fromhex(secret.strip()), salt, source)
    return DatabaseKey(derive(secret, salt), salt, source)


def new_raw_key() -> str:
    return secrets.token_hex(32)


def _is_demo_path(path: Path) -> bool:
    return path.name == DEMO_DB_NAME and path.parent.resolve() == data_dir().resolve()


def _demo_key(path: Path) -> str:
    key_file = path.with_name(DEMO_KEY_NAME)
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(new_raw_key())
    return key_file.read_text(encoding="ascii").strip()


def keyring_user(salt: bytes) -> str:
    # Named by the file's salt, not its path: a backup, a restored copy or a moved file keeps the
    # salt, so the keyring still finds its key.
    return f"salt:{salt.hex()}"


def _keyring_key(salt: bytes, *, new: bool) -> str | None:
    """The raw key kept in the OS keyring, or None when there is no usable keyring."""
    try:
        import keyring
        import keyring.errors
    except ImportError:
        return None
    user = keyring_user(salt)
    try:
        stored = keyring.get_password(KEYRING_SERVICE, user)
        if stored or not new:
            return stored
        generated = new_raw_key()
        keyring.set_password(KEYRING_SERVICE, user, generated)
        return generated
    except (keyring.errors.KeyringError, RuntimeError, OSError):
        # The fail backend raises NoKeyringError (a RuntimeError); headless Linux often has none.
        return None


def store_in_keyring(salt: bytes, raw_hex: str) -> bool:
    """After rekey: keep the keyring in step. False when there is no usable keyring."""
    try:
        import keyring
        import keyring.errors
    except ImportError:
        return False
    try:
        keyring.set_password(KEYRING_SERVICE, keyring_user(salt), raw_hex)
        return True
    except (keyring.errors.KeyringError, RuntimeError, OSError):
        return False


def resolve_key(path: Path, *, new: bool | None = None) -> DatabaseKey:
    """The key for an encrypted (or not yet existing) SQLite file; raises KeyUnavailableError.
    new=True: a key for a file about to be written at PATH (e.g. by `encrypt`)."""
    path = Path(path)
    if new is None:
        new = file_state(path) is FileState.MISSING
    salt = secrets.token_bytes(SALT_BYTES) if new else (file_salt(path) or b"")
    if _is_demo_path(path):
        return from_secret(_demo_key(path), salt, "the demo key file")
    env = os.environ.get(KEY_ENV)
    if env:
        return from_secret(env, salt, KEY_ENV)
    stored = _keyring_key(salt, new=new)
    if stored:
        return from_secret(stored, salt, "the OS keyring")
    resolved = path.resolve()
    if resolved in _asked:
        return from_secret(_asked[resolved], salt, "the passphrase")
    if _prompt is None:
        raise KeyUnavailableError(
            f"No key for the encrypted database {path}: set {KEY_ENV} to its key or passphrase "
            "(64 hex characters are used as a raw key), or run the command in a terminal to be asked."
        )
    passphrase = _prompt(path, new)
    if not passphrase:
        raise KeyUnavailableError(f"No passphrase was given for the encrypted database {path}.")
    _asked[resolved] = passphrase
    return from_secret(passphrase, salt, "the passphrase")


def forget_passphrase(path: Path) -> None:
    """After a wrong passphrase: ask again next time instead of reusing it."""
    _asked.pop(Path(path).resolve(), None)
