"""Cold start to a usable caseload, against a bare window started the same way (issue 16).

    RSO_DB_KEY=benchkey python bench/bench_startup.py --db /dev/shm/bench/bench-100000.db [--repeat 5]

Each run is a fresh process, offscreen, timed by this parent from spawn to the child's READY line:

- ``bare``: PySide6, a QApplication and a main window holding an empty table, shown and painted;
- ``bare_rows``: the same window filled with the caseload's rows read by hand-written SQL
  through the same driver (SQLCipher), in a minimal table model;
- ``app``: the application as ``ui.app.run_gui`` builds it (log, style, open and check the
  database, the login dialog), the demo OMU lead signing in (password, then the code), and the
  main window with the caseload loaded and painted.

The app child also reports (in ms from its start) when the database was open, its login dialog
up, the sign-in accepted, the main window shown and the caseload painted; its peak memory; how
many modules it imported; and per phase the longest gap of a 10 ms heartbeat timer (the GUI
event loop blocked): open, sign_in, main_window (building it), caseload (loading it).
"usable" is the wall time less the sign-in itself (typing, two Argon2 checks). Times are medians of
REPEAT runs; ratios are against the bare window measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEARTBEAT_MS = 10


# --- the children ------------------------------------------------------------------------------


class _Heartbeat:
    """The longest time between two ticks of a 10 ms timer, per named phase."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.phase: str | None = None
        self.gaps: dict[str, float] = {}
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.phase is not None:
            gap = (now - self._last) * 1000 - HEARTBEAT_MS
            self.gaps[self.phase] = max(self.gaps.get(self.phase, 0.0), gap)
        self._last = now

    def enter(self, phase: str | None) -> None:
        self._tick()
        self.phase = phase


def _ready(extra: dict) -> None:
    import resource

    extra["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    extra["modules"] = len(sys.modules)
    print("READY " + json.dumps(extra), flush=True)


def _child_bare(db: str | None, with_rows: bool) -> None:
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication([sys.argv[0], "-platform", "offscreen"])
    rows: list[tuple] = []
    if with_rows:
        from sqlalchemy import text

        from rso_manager.persistence.engine import make_engine

        engine = make_engine(f"sqlite:///{db}")
        with engine.connect() as c:
            rows = list(c.execute(text(
                "SELECT o.id, o.reference, o.surname, o.forenames, o.date_of_birth, o.risk_level, u.display_name,"
                " t.name, o.next_visit_due, o.next_notification_due, o.open_breaches, o.mappa_level"
                " FROM offender o LEFT JOIN app_user u ON u.id = o.offender_manager_id"
                " LEFT JOIN team t ON t.id = o.team_id WHERE o.status != 'ended'")))

    class Model(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()):  # noqa: B008, N802
            return len(rows)

        def columnCount(self, parent=QModelIndex()):  # noqa: B008, N802
            return 9

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            if role == Qt.ItemDataRole.DisplayRole:
                value = rows[index.row()][index.column() + 1]
                return "" if value is None else str(value)
            return None

    window = QMainWindow()
    window.resize(1280, 760)
    table = QTableView()
    table.setModel(Model())
    window.setCentralWidget(table)
    window.show()

    def done() -> None:
        window.repaint()
        _ready({"rows": len(rows)})
        app.quit()

    QTimer.singleShot(0, done)
    app.exec()


def _child_app(db: str, username: str) -> None:
    from datetime import UTC, datetime

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from rso_manager.clock import FixedClock
    from rso_manager.demo.sign_in import DEMO_PASSWORD, DEMO_TOTP_SECRETS
    from rso_manager.services import second_factor
    from ui import app as rso_app

    marks: dict[str, float] = {}
    start = time.perf_counter()

    def mark(name: str) -> None:
        marks[name] = round((time.perf_counter() - start) * 1000, 1)

    # As run_gui sets up, with a clock after the last code the account used: each run signs
    # in with a code of its own (a code works once).
    qapp = QApplication([sys.argv[0], "-platform", "offscreen"])
    qapp.setOrganizationName(rso_app.ORGANISATION)
    qapp.setApplicationName(rso_app.APPLICATION)
    rso_app.gui_thread_gc.install(qapp)
    rso_app.load_style(qapp)
    url = f"sqlite:///{db}"
    from sqlalchemy import text

    from rso_manager.persistence.engine import make_engine

    probe = make_engine(url)
    with probe.connect() as c:
        step = c.execute(text("SELECT totp_last_step FROM app_user WHERE username = :u"), {"u": username}).scalar()
    probe.dispose()
    when = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    if step is not None:
        when = max(when, datetime.fromtimestamp((step + 2) * 30, UTC))
    clock = FixedClock(when)
    heartbeat = _Heartbeat()
    heartbeat.enter("open")
    # As run_gui: the workflows import meanwhile, and the integrity check is left to the sign-in.
    rso_app.extensions.preload()
    worker = rso_app.Worker()
    opened = rso_app.open_off_gui_thread(worker, url, clock)
    mark("database_open")
    prompter = rso_app.QtPrompter(QApplication.activeWindow)
    startup = rso_app.Startup(opened.services, url, prompter, opened=opened, worker=worker)
    startup.database_checked.connect(lambda _state: mark("integrity_checked"))
    secret = DEMO_TOTP_SECRETS.get(username)

    def login_shown() -> None:
        dialog = startup.login_dialog
        assert dialog is not None
        mark("login_shown")
        heartbeat.enter("sign_in")
        dialog.username.setText(username)
        dialog.password.setText(DEMO_PASSWORD)
        dialog.submit()

        def code_asked() -> None:
            if not dialog.asking_for_code:
                if startup.main_window is None:
                    QTimer.singleShot(5, code_asked)
                return
            dialog.code.setText(second_factor.current_code(secret, clock.now()))
            dialog.submit()

        if secret:
            QTimer.singleShot(5, code_asked)

    show_main = startup.show_main

    def signed_in(actor) -> None:
        mark("signed_in")
        heartbeat.enter("main_window")
        show_main(actor)

    # Instead of the method, so the login dialog's logged_in reaches this first.
    startup.show_main = signed_in  # type: ignore[method-assign]

    def main_shown(window) -> None:
        mark("main_window_shown")
        heartbeat.enter("caseload")

        def loaded(_rows: int) -> None:
            window.repaint()
            mark("caseload_painted")
            heartbeat.enter(None)
            _ready({"rows": window.model.rowCount(), "marks": marks,
                    "gaps_ms": {k: round(v, 1) for k, v in heartbeat.gaps.items()}})
            window.hide()
            qapp.exit(0)

        window.caseload_loaded.connect(loaded)

    startup.main_window_shown.connect(main_shown)
    startup.finished.connect(qapp.exit)

    def begin() -> None:
        startup.start()
        QTimer.singleShot(0, login_shown)

    QTimer.singleShot(0, begin)
    qapp.exec()
    os._exit(0)  # the measurement is done: skip the close-time checkpoint and teardown


# --- the parent --------------------------------------------------------------------------------


def run_child(kind: str, db: str, username: str, pycache: str | None = None) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if pycache:
        # As an installed copy runs, from compiled bytecode (pip compiles it on install), kept
        # outside the work tree. Without it every start compiles every module from source.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", kind, "--db", db, "--user", username],
                            stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert proc.stdout is not None
    result: dict = {}
    for line in proc.stdout:
        if line.startswith("READY "):
            result = json.loads(line[6:])
            result["wall_ms"] = (time.perf_counter() - started) * 1000
            break
    proc.stdout.read()
    proc.wait()
    if not result:
        raise RuntimeError(f"{kind} child did not get ready (exit {proc.returncode})")
    return result


def summarise(kind: str, runs: list[dict]) -> dict:
    out = {"wall_ms": statistics.median(r["wall_ms"] for r in runs),
           "peak_mb": statistics.median(r["peak_mb"] for r in runs),
           "modules": runs[0]["modules"], "rows": runs[0]["rows"]}
    if kind == "app":
        for key in {k for r in runs for k in r["marks"]}:  # integrity_checked: when it came before the end
            out[key] = statistics.median(r["marks"][key] for r in runs if key in r["marks"])
        for key in runs[0]["gaps_ms"]:
            out[f"gap_{key}"] = statistics.median(r["gaps_ms"].get(key, 0.0) for r in runs)
            out[f"gap_{key}_worst"] = max(r["gaps_ms"].get(key, 0.0) for r in runs)
        # What the user waits for, the sign-in itself left out (typing and two Argon2 checks).
        out["usable_ms"] = statistics.median(
            r["wall_ms"] - (r["marks"]["signed_in"] - r["marks"]["login_shown"]) for r in runs)
    return out


def measure(db: str, repeat: int = 5, username: str = "lead", pycache: str | None = None) -> dict:
    """Median figures for the bare window, the bare window with raw rows, and the app."""
    runs: dict[str, list[dict]] = {"bare": [], "bare_rows": [], "app": []}
    if pycache:
        for kind in runs:  # compiles the bytecode (and warms the file cache), not counted
            run_child(kind, db, username, pycache)
    for _ in range(repeat):
        for kind in runs:  # interleaved, so a busy moment of the machine hits every kind alike
            runs[kind].append(run_child(kind, db, username, pycache))
    result = {kind: summarise(kind, r) for kind, r in runs.items()}
    bare = result["bare"]["wall_ms"]
    result["ratio_usable_to_bare"] = result["app"]["usable_ms"] / bare
    result["ratio_usable_to_bare_rows"] = result["app"]["usable_ms"] / result["bare_rows"]["wall_ms"]
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="an encrypted demo database (RSO_DB_KEY set)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--user", default="lead")
    parser.add_argument("--child", choices=("bare", "bare_rows", "app"))
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--pycache", default=str(Path(tempfile.gettempdir()) / "rso-bench-pycache"),
                        help="where the children keep compiled bytecode ('' to compile at every start)")
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        if args.child == "app":
            _child_app(args.db, args.user)
        else:
            _child_bare(args.db, args.child == "bare_rows")
        return 0
    result = measure(args.db, args.repeat, args.user, args.pycache or None)
    for kind in ("bare", "bare_rows", "app"):
        print(kind, json.dumps({k: round(v, 1) if isinstance(v, float) else v for k, v in result[kind].items()}))
    print(f"usable / bare {result['ratio_usable_to_bare']:.2f}x   "
          f"usable / bare with raw rows {result['ratio_usable_to_bare_rows']:.2f}x")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
