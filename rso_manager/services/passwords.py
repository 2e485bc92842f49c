"""Password hashing (Argon2id) and the password policy (NIST SP 800-63B-4, NCSC)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 15  # single-factor passwords, NIST SP 800-63B-4
MAX_LENGTH = 256  # long passphrases allowed; never truncated

# argon2-cffi's defaults (t=3, m=64 MiB, p=4) exceed OWASP's m=19 MiB, t=2, p=1.
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


@cache
def _blocklist() -> frozenset[str]:
    text = files("resources").joinpath("password_blocklist.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problems(password: str, username: str) -> list[str]:
    """What is wrong with a new password, in words a user can act on. No composition rules."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters; a phrase of several words is easiest.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    lowered = password.lower()
    if username and username.lower() in lowered:
        problems.append("Do not include your username in your password.")
    if lowered in _blocklist() or len(set(lowered)) <= 2:
        problems.append("That password is on the list of common or breached passwords; choose another.")
    return problems
