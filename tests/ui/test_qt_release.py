"""The PySide6 release is pinned below 6.12: 6.12.0 drops a reference on every emit() and on Qt
calls returning None, which aborted the interpreter after a few thousand ("deallocating True").
Rather than pay the references back in every call (the old ui/qtcompat.py), the pin keeps that
release out; this test says so if an environment ever gets it."""

import tomllib
from pathlib import Path

import PySide6


def test_the_installed_pyside6_is_not_the_leaking_release():
    assert PySide6.__version_info__[:2] != (6, 12), "PySide6 6.12.0 leaks references: see pyproject.toml"


def test_the_pin_keeps_the_leaking_release_out():
    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    pin = next(d for d in project["project"]["dependencies"] if d.startswith("PySide6"))
    assert "<6.12" in pin
