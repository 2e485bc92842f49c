"""Password hashing (Argon2id) and the password policy (NIST SP 800-63B-4, NCSC).

Strength is judged by zxcvbn (a maintained estimator with its own breached-password and word
lists) rather than a hand-made list. Every check of a password at sign-in goes through
verify_password(), so a test can count that each attempt runs exactly one, whoever it names.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterable
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

# 15 for every account, also those signing in with a one-time code (NIST would allow 8 there):
# while a lost phone is being replaced the password is the only factor left.
MIN_LENGTH = 15
MAX_LENGTH = 256  # long passphrases allowed; never truncated
# zxcvbn scores 0-4; 3 is "safely unguessable" against an offline attack on a slow hash.
MIN_SCORE = 3
# zxcvbn's cost grows faster than linearly with length (~2 s at 256 characters); a password is
# at least as hard to guess as its first 100 characters, which is what is analysed.
ANALYSED_LENGTH = 100
# Words anyone would try first against an offender-management system.
CONTEXT_WORDS = ("police", "rso", "offender", "manager", "omu", "visor", "mosovo", "sex", "register")

# argon2-cffi's defaults (t=3, m=64 MiB, p=4) exceed OWASP's m=19 MiB, t=2, p=1.
_hasher = PasswordHasher()
_count_lock = threading.Lock()
_verifications = 0


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    global _verifications
    with _count_lock:
        _verifications += 1
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verification_count() -> int:
    """How many password verifications this process has run (tests compare before and after)."""
    return _verifications


@cache
def _nobodys_hash() -> str:
    # Same parameters as a real hash, of a secret nobody knows: checking against it costs what a
    # real check costs, so an unknown, closed or locked account is not answered any faster.
    return _hasher.hash(secrets.token_urlsafe(32))


def verify_against_nobody(password: str) -> bool:
    """One full-cost verification that always fails."""
    verify_password(_nobodys_hash(), password)
    return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def _words(texts: Iterable[str]) -> list[str]:
    """Context texts as the lower-case words zxcvbn matches against ("North Team" -> north, team)."""
    out: list[str] = []
    for text in texts:
        for word in re.split(r"[^\w]+", (text or "").lower()):
            if len(word) >= 2 and word not in out:
                out.append(word)
    return out


def _contains_username(lowered: str, username: str) -> bool:
    name = username.strip().lower()
    if not name:
        return False
    if name in re.split(r"[^\w.]+", lowered):  # a whole word, however short ("om")
        return True
    squashed_name = re.sub(r"[\W_]", "", name)
    # Only longer names as a substring: "om" is inside "from" and "home".
    return len(squashed_name) >= 4 and squashed_name in re.sub(r"[\W_]", "", lowered)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def password_problems(password: str, username: str = "", context: Iterable[str] = ()) -> list[str]:
    """What is wrong with a new password, in words a user can act on. No composition rules.

    CONTEXT: the person's names, the team or force names, anything an attacker would try first;
    the username and CONTEXT_WORDS are added.
    """
    if len(password) < MIN_LENGTH:
        return [f"Use at least {MIN_LENGTH} characters; a phrase of several words is easiest."]
    if len(password) > MAX_LENGTH:
        return [f"Use at most {MAX_LENGTH} characters."]
    problems = []
    lowered = password.lower()
    if _contains_username(lowered, username):
        problems.append("Do not include your username in your password.")
    user_inputs = _words([username, *context, *CONTEXT_WORDS])
    sample = password[:ANALYSED_LENGTH]
    # zxcvbn reads spaces as random characters ("police rso" scores far higher than "policerso"),
    # so the phrase is judged with its spaces taken out too, and the weaker result counts.
    squashed = "".join(sample.split()) or sample
    results = [zxcvbn(text, user_inputs=user_inputs, max_length=ANALYSED_LENGTH)
               for text in dict.fromkeys((sample, squashed))]
    weakest = min(results, key=lambda r: r["guesses"])
    if weakest["score"] < MIN_SCORE:
        feedback = weakest["feedback"]
        said = [_sentence(s) for s in [feedback.get("warning") or "", *feedback.get("suggestions", [])] if s]
        problems.append(" ".join(["That password would be easy to guess.", *said]
                                 if said else ["That password would be easy to guess. Add another "
                                               "word or two; uncommon words are better."]))
    context_letters = sum(len(m["token"]) for m in results[-1]["sequence"]
                          if m.get("pattern") == "dictionary" and m.get("dictionary_name") == "user_inputs")
    if 2 * context_letters >= len(squashed):
        problems.append("It is made mostly of words about you or the unit (such as police, RSO, the "
                        "team's name or your own name); use words that have nothing to do with your work.")
    return problems
