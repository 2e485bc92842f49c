"""Supervisor sign-off: who may sign, where the queue goes, and whether the rationale says anything.

The inspection found supervision entries "superficial with basic comments such as 'seen', 'noted'
and 'agreed' ... without considered rationale", and no cover when supervisors were absent, so work
waited or fell to an untrained junior (domain.md section 0, rule R20). Pure rules: callers pass
the text, the people and the dates.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from rso_manager.domain.dates import add_working_days

UserId = int | str


class SignOffDecision(StrEnum):
    APPROVE = "approve"
    RETURN = "return"  # back to the author; the rationale carries the direction
    ESCALATE = "escalate"


DEFAULT_BOILERPLATE: tuple[str, ...] = (
    "seen", "noted", "note", "agreed", "agree", "ok", "okay", "k", "nfa", "no further action",
    "as above", "as per above", "per above", "see above", "as discussed", "fine", "approved",
    "approve", "checked", "happy with this", "happy with that", "happy", "reviewed", "read",
    "acknowledged", "ack", "no issues", "no concerns", "nothing further", "all good", "good",
    "yes", "content", "satisfied", "correct", "done", "signed off", "sign off",
)
# Words that carry no reasoning, so "I am happy with this entry" is still only boilerplate.
_FILLER = frozenset({
    "and", "n", "also", "plus", "then", "all", "i", "am", "im", "very", "so", "by", "me", "it",
    "is", "the", "this", "that", "with", "entry", "update", "thanks", "thank", "you", "ta",
})

GUIDANCE = (
    "A good rationale says what was considered (the record, the risk and the evidence seen), "
    "the decision and why it was reached, and what happens next: who does what, and by when."
)


@dataclass(frozen=True)
class RationalePolicy:
    min_words: int = 15
    similarity_threshold: float = 0.85
    recent_window: int = 20
    boilerplate: tuple[str, ...] = DEFAULT_BOILERPLATE


@dataclass(frozen=True)
class RationaleVerdict:
    ok: bool
    problems: tuple[str, ...]
    guidance: str = GUIDANCE


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


@dataclass(frozen=True)
class RoutingDecision:
    assignee_id: UserId
    via_cover: bool
    reason: str


_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
# "N.F.A." must read as "nfa"; the lookahead keeps the next letter available for the next match.
_DOTTED_INITIAL = re.compile(r"\b([a-z])\.(?=[a-z]\b)")
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# A month name counts as a date only beside a day or year, so "he may" is left alone.
_DATES = (
    re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b"),
    re.compile(rf"\b(?:{_DAY}\s+{_MONTH}|{_MONTH}\s+{_DAY}|{_MONTH}\s+\d{{4}})\b(?:,?\s+\d{{4}}\b)?", re.I),
    re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I),
)
_SENTENCE_END = re.compile(r"[.!?]\s*$")


def word_count(text: str) -> int:
    """Words with at least one letter; punctuation and bare numbers are not reasoning."""
    return len(_WORD.findall(text))


def _boilerplate_tokens(text: str) -> list[str]:
    lowered = _DOTTED_INITIAL.sub(r"\1", text.lower()).replace("&", " and ")
    return re.findall(r"[a-z]+", lowered.replace("'", ""))


def is_boilerplate(text: str, phrases: Sequence[str] = DEFAULT_BOILERPLATE) -> bool:
    """True when TEXT is nothing but stock phrases and filler ("Seen & agreed.", "OK - NFA")."""
    tokens = _boilerplate_tokens(text)
    if not tokens or all(t in _FILLER for t in tokens):
        return False
    pieces = {tuple(_boilerplate_tokens(p)) for p in phrases} | {(f,) for f in _FILLER}
    longest = max(len(p) for p in pieces)
    reachable = [False] * (len(tokens) + 1)
    reachable[0] = True
    for i in range(len(tokens)):
        if reachable[i]:
            for n in range(1, min(longest, len(tokens) - i) + 1):
                if tuple(tokens[i:i + n]) in pieces:
                    reachable[i + n] = True
    return reachable[-1]


def _template_tokens(text: str) -> list[str]:
    """Tokens with dates, numbers and mid-sentence names blanked, so a changed name or date is
    not mistaken for new reasoning."""
    for pattern in _DATES:
        text = pattern.sub(" DATE ", text)
    text = re.sub(r"\d+", " # ", text)
    tokens: list[str] = []
    for match in re.finditer(r"[A-Za-z]+(?:'[A-Za-z]+)?|#", text):
        word = match.group()
        starts_sentence = not tokens or bool(_SENTENCE_END.search(text[: match.start()]))
        if word == "DATE" or word == "#":
            tokens.append(word.lower())
        elif word[0].isupper() and word[1:].islower() and not starts_sentence:
            tokens.append("<name>")
        else:
            tokens.append(word.lower())
    return tokens


def similarity(a: str, b: str) -> float:
    """Higher of token-set Jaccard and word-sequence ratio after template normalisation."""
    ta, tb = _template_tokens(a), _template_tokens(b)
    if not ta or not tb:
        return 0.0
    sa, sb = set(ta), set(tb)
    jaccard = len(sa & sb) / len(sa | sb)
    return max(jaccard, difflib.SequenceMatcher(None, ta, tb, autojunk=False).ratio())


def assess_rationale(
    text: str,
    recent_rationales_by_same_supervisor: Sequence[str] = (),
    policy: RationalePolicy = RationalePolicy(),  # noqa: B008 - frozen, so a shared default is safe
) -> RationaleVerdict:
    """Judge a sign-off rationale. RECENT is newest first; only POLICY.recent_window are compared."""
    stripped = text.strip()
    if not stripped:
        return RationaleVerdict(False, (
            "The rationale is empty. A sign-off must record why the decision was reached.",))
    if is_boilerplate(stripped, policy.boilerplate):
        return RationaleVerdict(False, (
            f'"{stripped}" is a stock phrase, not a rationale: it does not show what was '
            "considered, why the decision was reached or what happens next.",))
    if is_filler(stripped):
        return RationaleVerdict(False, (
            "The rationale is not in words a reader could check later: say what was considered, "
            "why the decision was reached and what happens next.",))
    problems: list[str] = []
    words = word_count(stripped)
    if words < policy.min_words:
        problems.append(
            f"The rationale has {words} word{'s' if words != 1 else ''}; at least "
            f"{policy.min_words} are needed to explain what was considered, the decision and "
            "what happens next.")
    recent = recent_rationales_by_same_supervisor[: policy.recent_window]
    best = max((similarity(stripped, r) for r in recent), default=0.0)
    if best >= policy.similarity_threshold:
        problems.append(
            f"The rationale is {best:.0%} the same as one of your recent sign-offs. Templated "
            "wording with only a name or date changed does not show this case was considered "
            "on its own facts.")
    return RationaleVerdict(not problems, tuple(problems))


def can_sign_off(
    author_id: UserId, signer_id: UserId, signer_is_supervisor: bool, signer_trained: bool,
    took_part: Collection[UserId] = (),
) -> Decision:
    """Whether SIGNER may decide an entry. TOOK_PART is everyone recorded as taking part in it
    (a visit's officers, the assessor, whoever gave the warning): reviewing one's own work is no
    review, whoever wrote the entry up."""
    if author_id == signer_id:
        return Decision(False, "You cannot sign off your own entry; another supervisor must review it.")
    if signer_id in took_part:
        return Decision(False, "You took part in this entry, so you cannot sign it off; a supervisor "
                               "who did not take part must review it.")
    if not signer_is_supervisor:
        return Decision(False, "Only a supervisor can sign off this entry.")
    if not signer_trained:
        return Decision(False, "Only a trained supervisor can sign off; complete the training first.")
    return Decision(True, "Signer is a trained supervisor and not the author.")


def _absent(periods: Sequence[tuple[date, date | None]], on: date) -> bool:
    # An open end (None) is an absence with no return date yet.
    return any(start <= on and (end is None or on <= end) for start, end in periods)


def route_sign_off(
    owner_supervisor_id: UserId,
    absences: Mapping[UserId, Sequence[tuple[date, date | None]]],
    cover: Mapping[UserId, UserId],
    users: Mapping[UserId, tuple[bool, bool, bool]],
    on: date,
    omu_lead_id: UserId,
) -> RoutingDecision:
    """Who signs the owner's queue ON that day. USERS maps id -> (is_supervisor, trained, active).

    Never routes to an untrained or non-supervisor user: if the named cover cannot take it, it
    goes to the OMU lead rather than waiting or falling to a junior.
    """

    def unfit(user_id: UserId) -> str | None:
        is_supervisor, trained, active = users.get(user_id, (False, False, False))
        if not active:
            return "is not an active user"
        if not is_supervisor:
            return "is not a supervisor"
        if not trained:
            return "is not trained"
        if _absent(absences.get(user_id, ()), on):
            return "is absent"
        return None

    owner_problem = unfit(owner_supervisor_id)
    if owner_problem is None:
        return RoutingDecision(owner_supervisor_id, False, "Owning supervisor is available.")
    cover_id = cover.get(owner_supervisor_id)
    if cover_id is None:
        return RoutingDecision(omu_lead_id, False,
                               f"Owning supervisor {owner_problem} and has no named cover; "
                               "routed to the OMU lead.")
    cover_problem = unfit(cover_id)
    if cover_problem is None:
        return RoutingDecision(cover_id, True,
                               f"Owning supervisor {owner_problem}; routed to the named cover.")
    return RoutingDecision(omu_lead_id, False,
                           f"Owning supervisor {owner_problem} and the named cover {cover_problem}; "
                           "routed to the OMU lead.")


def escalation_due(created_on: date, today: date, limit_working_days: int = 5) -> bool:
    """True once LIMIT full working days after CREATED_ON have passed without sign-off."""
    return today > add_working_days(created_on, limit_working_days)


_VOWEL = re.compile(r"[aeiouy]", re.IGNORECASE)


def is_filler(text: str) -> bool:
    """True when TEXT has no words a reader could act on: one character held down
    ("xxxxxxxxxx"), keyboard mash with no vowels ("sdfghjkl"), or one word said over and over."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return True
    real = [w for w in words if len(set(w)) > 1 and (_VOWEL.search(w) or len(w) <= 3)]
    if len(real) * 2 < len(words):
        return True
    return len(words) >= 3 and len(set(words)) * 3 < len(words)


def reason_problems(text: str, min_words: int,
                    phrases: Sequence[str] = DEFAULT_BOILERPLATE) -> tuple[str, ...]:
    """Why a reason for opening a record (or any short justification) says nothing: the same
    stock-phrase and filler rules as a sign-off rationale, with its own word count."""
    stripped = text.strip()
    if not stripped:
        return ("Say why you need this record.",)
    if is_boilerplate(stripped, phrases):
        return (f'"{stripped}" is a stock phrase, not a reason: say what you need the record for.',)
    if is_filler(stripped):
        return ("That is not a reason anyone could check later: say in words what you need the "
                "record for (e.g. \"preparing the home visit on Thursday\").",)
    words = word_count(stripped)
    if words < min_words:
        return (f"Say in at least {min_words} words why you need this record; you wrote {words}.",)
    return ()
