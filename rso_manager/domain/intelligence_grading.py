"""How a piece of intelligence is graded: how far its source is trusted, how far the intelligence
itself is, and who it may be shared with.

The national model is 3x5x2 (College of Policing APP on intelligence management, since 2016): a
source evaluation 1-3, an intelligence assessment A-E and a handling code P or C. Some forces
still grade on the older 5x5x5, so the codes and their meanings are a setting (see
services.settings DEFAULTS "intelligence_grading"); these are the two schemes to choose from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GradingScheme:
    """Each grade's allowed codes, in order, with what each means."""

    name: str
    source_evaluation: tuple[tuple[str, str], ...]
    intelligence_assessment: tuple[tuple[str, str], ...]
    handling_code: tuple[tuple[str, str], ...]

    def as_setting(self) -> dict[str, Any]:
        return {"name": self.name, "source_evaluation": [list(c) for c in self.source_evaluation],
                "intelligence_assessment": [list(c) for c in self.intelligence_assessment],
                "handling_code": [list(c) for c in self.handling_code]}

    def meaning(self, grade: str, code: str | None) -> str | None:
        return dict(getattr(self, grade)).get(code) if code else None


THREE_BY_FIVE_BY_TWO = GradingScheme(
    "3x5x2",
    source_evaluation=(("1", "Reliable"), ("2", "Untested"), ("3", "Not reliable")),
    intelligence_assessment=(
        ("A", "Known directly to the source"),
        ("B", "Known indirectly to the source but corroborated"),
        ("C", "Known indirectly to the source"),
        ("D", "Not known"),
        ("E", "Suspected to be false"),
    ),
    handling_code=(("P", "Lawful sharing permitted"),
                   ("C", "Lawful sharing permitted with conditions")),
)

FIVE_BY_FIVE_BY_FIVE = GradingScheme(
    "5x5x5",
    source_evaluation=(("A", "Always reliable"), ("B", "Mostly reliable"), ("C", "Sometimes reliable"),
                       ("D", "Unreliable"), ("E", "Untested source")),
    intelligence_assessment=(
        ("1", "Known to be true without reservation"),
        ("2", "Known personally to the source but not to the officer"),
        ("3", "Not personally known to the source but corroborated"),
        ("4", "Cannot be judged"),
        ("5", "Suspected to be false"),
    ),
    handling_code=(
        ("1", "May be shared with UK police and other law enforcement agencies"),
        ("2", "May be shared with UK non-prosecuting parties"),
        ("3", "May be shared with law enforcement agencies abroad"),
        ("4", "Within the originating force only"),
        ("5", "No further sharing: refer to the originator"),
    ),
)

# What each grade is called on screen and in messages, by the field naming it.
GRADES: tuple[tuple[str, str], ...] = (
    ("source_evaluation", "Source evaluation"),
    ("intelligence_assessment", "Intelligence assessment"),
    ("handling_code", "Handling code"),
)


def scheme_from_setting(raw: Mapping[str, Any]) -> GradingScheme:
    def codes(key: str) -> tuple[tuple[str, str], ...]:
        return tuple((str(code), str(label)) for code, label in raw[key])
    return GradingScheme(str(raw.get("name", "")), codes("source_evaluation"),
                         codes("intelligence_assessment"), codes("handling_code"))


def grading_problems(scheme: GradingScheme, grades: Mapping[str, str | None]) -> list[tuple[str, str]]:
    """(field, message) for each grade missing or not one of the scheme's codes."""
    problems = []
    for grade, title in GRADES:
        allowed = [code for code, _label in getattr(scheme, grade)]
        value = grades.get(grade)
        if not value:
            problems.append((grade, f"Choose the {title.lower()} ({', '.join(allowed)}); "
                                    f"intelligence is graded under the {scheme.name} model."))
        elif value not in allowed:
            problems.append((grade, f"The {title.lower()} is one of {', '.join(allowed)} "
                                    f"under the {scheme.name} model."))
    return problems


def grade_text(source_evaluation: str | None, intelligence_assessment: str | None,
               handling_code: str | None) -> str:
    """The grading as it is written on an intelligence report, e.g. "2/B/P"."""
    return "/".join(code or "?" for code in (source_evaluation, intelligence_assessment, handling_code))
