"""The installable application's build description (issue 17, part 1): the PyInstaller spec names
folders and files that exist, the desktop entry is valid, the icons are what make_icon.py draws,
the build and CI scripts parse and run in the right order, and the smoke test the packaged app
is checked with passes (and fails with a reason) when run from source.

The frozen build itself is made and smoke-tested by .ci/run (scripts/build_dist.sh): minutes of
PyInstaller have no place in the test run.
"""

from __future__ import annotations

import ast
import configparser
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "rso_manager.spec"
DESKTOP = ROOT / "packaging" / "rso-manager.desktop"
ICONS = ROOT / "resources" / "icons"


def _spec_constants() -> dict[str, object]:
    """The spec's top-level literal assignments (DATA_PACKAGES, MIGRATIONS, EXCLUDES, NAME)."""
    found: dict[str, object] = {}
    for node in ast.parse(SPEC.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return found


def _folder(dotted: str) -> Path:
    return ROOT.joinpath(*dotted.split("."))


def test_the_spec_names_data_folders_that_exist_and_hold_what_the_app_loads():
    spec = _spec_constants()
    assert spec["NAME"] == "rso-manager"
    for package in spec["DATA_PACKAGES"]:
        assert (_folder(package) / "__init__.py").is_file(), package
    migrations = _folder(spec["MIGRATIONS"])
    assert (migrations / "env.py").is_file() and (migrations / "script.py.mako").is_file()
    assert any(p.name.startswith("0009_") for p in (migrations / "versions").glob("*.py"))
    # What the app loads with importlib.resources or beside a module is under a collected folder.
    collected = [_folder(p) for p in spec["DATA_PACKAGES"]]
    for needed in ("resources/style.qss", "resources/police_stations.json", "resources/visit_policy.json",
                   "resources/password_blocklist.txt", "resources/fonts/DejaVuSans.ttf",
                   "resources/icons/rso-manager.png", "resources/demo_photographs/demo_1.png",
                   "rso_manager/persistence/postgres_roles.sql"):
        path = ROOT / needed
        assert path.is_file(), needed
        assert any(folder in path.parents for folder in collected), needed
    # A package that is only named as a string must be collected as a package, not found as a
    # namespace folder (whose Traversable takes one name per joinpath).
    assert "collect_submodules(\"resources\")" in SPEC.read_text(encoding="utf-8")


def test_the_spec_freezes_an_entry_point_and_icons_that_exist_and_leaves_tests_out():
    text = SPEC.read_text(encoding="utf-8")
    assert "packaging\" / \"rso_manager_main.py\"" in text
    assert (ROOT / "packaging" / "rso_manager_main.py").is_file()
    for icon in ("rso-manager.ico", "rso-manager.png", "rso-manager.svg"):
        assert (ICONS / icon).is_file(), icon
    excludes = _spec_constants()["EXCLUDES"]
    assert {"tests", "bench", "pytest"} <= set(excludes)
    # Nothing the app imports is excluded.
    used = {line.split()[1].split(".")[1] for path in (ROOT / "ui").rglob("*.py")
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("from PySide6.Qt")}
    assert used and not {f"PySide6.{module}" for module in used} & set(excludes)


def test_the_entry_point_the_spec_freezes_parses():
    ast.parse((ROOT / "packaging" / "rso_manager_main.py").read_text(encoding="utf-8"))
    compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")


def test_the_desktop_entry_is_valid():
    validator = shutil.which("desktop-file-validate")
    if validator:
        result = subprocess.run([validator, str(DESKTOP)], capture_output=True, text=True)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(DESKTOP, encoding="utf-8")
    group = entry["Desktop Entry"]
    assert group["Type"] == "Application" and group["Name"] == "RSO Manager"
    assert group["Exec"] == "rso-manager" and group["Terminal"] == "false"
    assert (ICONS / f"{group['Icon']}.png").is_file()
    assert group["Categories"].endswith(";")


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_icons_are_the_drawing_make_icon_makes():
    script = ast.parse((ROOT / "scripts" / "make_icon.py").read_text(encoding="utf-8"))
    svg = next(ast.literal_eval(n.value) for n in script.body if isinstance(n, ast.Assign)
               and getattr(n.targets[0], "id", "") == "SVG")
    assert (ICONS / "rso-manager.svg").read_text(encoding="utf-8") == svg
    assert _png_size((ICONS / "rso-manager.png").read_bytes()) == (256, 256)
    ico = (ICONS / "rso-manager.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for i in range(count):
        width, height, _c, _r, _planes, _bits, length, offset = struct.unpack("<BBBBHHII", ico[6 + 16 * i:22 + 16 * i])
        side = width or 256
        assert _png_size(ico[offset:offset + length]) == (side, side)
        sizes.add(side)
    assert {16, 32, 48, 256} <= sizes


def test_the_build_and_ci_scripts_parse_and_ci_tests_before_it_builds_and_smoke_tests():
    for script in ("scripts/build_dist.sh", ".ci/run", "packaging/install-desktop-entry.sh"):
        result = subprocess.run(["bash", "-n", str(ROOT / script)], capture_output=True, text=True)
        assert result.returncode == 0, f"{script}: {result.stderr}"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test, build, smoke = ci.index("make test"), ci.index("scripts/build_dist.sh"), ci.index("--smoke-test")
    assert test < build < smoke
    build_script = (ROOT / "scripts" / "build_dist.sh").read_text(encoding="utf-8")
    assert "packaging/rso_manager.spec" in build_script and "rso-manager-dist" in build_script
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "scripts/build_dist.sh" in makefile


def test_the_desktop_entry_installs_pointing_at_the_built_program(tmp_path):
    folder = tmp_path / "rso-manager"
    folder.mkdir()
    for source in (ROOT / "packaging" / "install-desktop-entry.sh", DESKTOP, ICONS / "rso-manager.png",
                   ICONS / "rso-manager.svg"):
        shutil.copy(source, folder)
    program = folder / "rso-manager"
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    share = tmp_path / "share"
    env = {**os.environ, "XDG_DATA_HOME": str(share)}
    run = subprocess.run(["bash", str(folder / "install-desktop-entry.sh")], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    installed = (share / "applications" / "rso-manager.desktop").read_text(encoding="utf-8")
    assert f'Exec="{program}"' in installed and f"TryExec={program}" in installed
    assert (share / "icons" / "hicolor" / "256x256" / "apps" / "rso-manager.png").is_file()
    validator = shutil.which("desktop-file-validate")
    if validator:
        check = subprocess.run([validator, str(share / "applications" / "rso-manager.desktop")],
                               capture_output=True, text=True)
        assert check.returncode == 0 and not check.stdout.strip(), check.stdout
    undo = subprocess.run(["bash", str(folder / "install-desktop-entry.sh"), "--uninstall"], env=env,
                          capture_output=True, text=True)
    assert undo.returncode == 0 and not (share / "applications" / "rso-manager.desktop").exists()


# --- the smoke test, from source ------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    """A small demo database where the app keeps its demo (so its key is the demo key file)."""
    pytest.importorskip("rso_manager.demo")
    folder = tmp_path_factory.mktemp("smoke")
    made = _run(folder, "--db", f"sqlite:///{folder / 'rso-manager-demo.db'}", "demo", "--offenders", "12")
    assert made.returncode == 0, made.stderr
    return folder


def _run(folder: Path, *args: str, keep_key: bool = False) -> subprocess.CompletedProcess:
    # Without the tests' RSO_DB_KEY the demo's own key file is used, as in the packaged app.
    dropped = ("RSO_DATABASE_URL",) if keep_key else ("RSO_DB_KEY", "RSO_DATABASE_URL")
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update(RSO_MANAGER_DATA_DIR=str(folder), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, str(ROOT / "packaging" / "rso_manager_main.py"), *args],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=240)


def test_the_smoke_test_signs_in_and_loads_the_caseload(demo_folder):
    result = _run(demo_folder, "--smoke-test", "--db", str(demo_folder / "rso-manager-demo.db"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "login dialog shown" in result.stdout
    assert "OK: caseload of" in result.stdout
    assert "answered by the reads' process" in result.stdout  # spawned, and given its task


def test_the_smoke_test_fails_with_a_reason_when_the_sign_in_is_refused(demo_folder):
    result = _run(demo_folder, "--smoke-test", "--db", str(demo_folder / "rso-manager-demo.db"),
                  "--user", "no.such.user", "--timeout", "60")
    assert result.returncode == 1
    assert "FAILED: signing in as no.such.user was refused" in result.stdout


def test_the_smoke_test_refuses_a_database_that_is_not_a_demo(sqlite_url, tmp_path):
    # A live database (the tests' world, with real-looking accounts): the demo's published
    # password is never tried on one.
    result = _run(tmp_path, "--smoke-test", "--db", sqlite_url, "--timeout", "60", keep_key=True)
    assert result.returncode == 2
    assert "FAILED" in result.stdout and "Not a demo database" in result.stdout
