"""The database opens on the worker while the GUI thread turns its events (issue 16): a
passphrase's key derivation and the schema upgrade held it 240-355 ms before the login. A
passphrase asked meanwhile is asked on the GUI thread, where a dialog may be shown."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from rso_manager.persistence import keys
from rso_manager.persistence.engine import DatabaseOpenError
from rso_manager.services.users import needs_first_admin
from ui.app import open_off_gui_thread
from ui.passphrase_dialog import GuiThreadPrompt
from ui.worker import Worker


@pytest.fixture
def asked_for_a_passphrase(monkeypatch):
    """No RSO_DB_KEY and no keyring: the key must be asked for, and the asking is recorded."""
    monkeypatch.delenv(keys.KEY_ENV, raising=False)
    monkeypatch.setattr(keys, "_keyring_key", lambda salt, *, new: None)
    monkeypatch.setattr(keys, "_asked", {})
    asked: list[tuple[str, bool]] = []

    def ask(path: Path, new: bool) -> str | None:
        asked.append((threading.current_thread().name, new))
        return "a long passphrase typed at the start"

    prompt = GuiThreadPrompt(ask)
    monkeypatch.setattr(keys, "_prompt", prompt)
    return asked


def test_the_database_opens_on_the_worker_and_the_passphrase_is_asked_on_the_gui_thread(
        qtbot, tmp_path, clock, asked_for_a_passphrase):
    opened_on: list[str] = []
    real_resolve = keys.resolve_key

    def resolve(path, **kwargs):
        opened_on.append(threading.current_thread().name)
        return real_resolve(path, **kwargs)

    ticks: list[int] = []
    beat = QTimer()
    beat.setInterval(1)
    beat.timeout.connect(lambda: ticks.append(1))
    beat.start()
    worker = Worker()
    try:
        keys.resolve_key = resolve
        opened = open_off_gui_thread(worker, f"sqlite:///{tmp_path / 'new.db'}", clock)
    finally:
        keys.resolve_key = real_resolve
        beat.stop()
    try:
        assert opened_on and all(name.startswith("rso-worker") for name in opened_on)
        assert asked_for_a_passphrase == [("MainThread", True)]
        assert ticks, "the GUI thread's events did not run while the database opened"
        assert needs_first_admin(opened.services)  # a new, empty database, ready for its first admin
        assert keys.file_state(tmp_path / "new.db") is keys.FileState.ENCRYPTED
    finally:
        worker.wait_for_done(5_000)
        opened.engine.dispose()


def test_a_failure_on_the_worker_is_raised_to_the_caller(qtbot, tmp_path, clock):
    notes = tmp_path / "notes.db"
    notes.write_text("a text file given as the database\n" * 200)
    worker = Worker()
    with pytest.raises(DatabaseOpenError) as raised:
        open_off_gui_thread(worker, f"sqlite:///{notes}", clock)
    assert "notes.db" in str(raised.value)
    worker.wait_for_done(5_000)


def test_the_prompt_called_on_the_gui_thread_asks_at_once(qtbot, asked_for_a_passphrase):
    assert keys._prompt is not None
    assert keys._prompt(Path("x.db"), False) == "a long passphrase typed at the start"
    assert asked_for_a_passphrase == [("MainThread", False)]
