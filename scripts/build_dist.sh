#!/usr/bin/env bash
# Build the installable application into dist/rso-manager/ (make dist; .ci/run): PyInstaller
# with packaging/rso_manager.spec, one folder, for the system it runs on (Linux here; Windows
# from Git Bash with the same command).
#
# Builds are cached by a hash of what goes into them: pyproject.toml, the installed packages and
# their versions, the Python and the system, and every file of the app's sources, resources and
# packaging. The cache is ${XDG_CACHE_HOME:-~/.cache}/rso-manager-dist/<hash>/; a hit copies it
# to dist/ without running PyInstaller (seconds, not minutes). RSO_DIST_REBUILD=1 ignores the cache.
set -euo pipefail
cd "$(dirname "$0")/.."

case "$(uname -s)" in MINGW*|MSYS*|CYGWIN*) WINDOWS=1 ;; *) WINDOWS=0 ;; esac
if [ "$WINDOWS" = 1 ]; then PY=.venv/Scripts/python.exe; else PY=.venv/bin/python; fi
if [ ! -x "$PY" ]; then
  # A fresh Windows checkout (make's set-up step is the Linux one): the venv, as the README says.
  if [ "$WINDOWS" = 1 ]; then py -3.11 -m venv .venv; else "${PYTHON:-python3}" -m venv .venv; fi
  "$PY" -m pip install --quiet --disable-pip-version-check -e .
fi
NAME=rso-manager
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/rso-manager-dist"
KEEP=3  # cached builds kept (each is ~200-300 MB); the oldest go first

# The hash: a change to any of these can change what the build holds. The build tools
# (PyInstaller and its hooks) are pinned by pyproject's dist extra, so they are in its hash.
key="$("$PY" - <<'PYEOF'
import hashlib, platform, subprocess, sys
from pathlib import Path

h = hashlib.sha256()
h.update(f"{sys.version}|{platform.system()}|{platform.machine()}\n".encode())
frozen = subprocess.run([sys.executable, "-m", "pip", "freeze", "--all", "--disable-pip-version-check"],
                        capture_output=True, text=True, check=True).stdout.splitlines()
build_tools = ("pyinstaller", "pyinstaller-hooks-contrib", "pyinstaller_hooks_contrib", "altgraph",
               "rso-manager", "rso_manager", "-e ")
h.update("\n".join(sorted(line for line in frozen if not line.lower().startswith(build_tools))).encode())
files = [Path("pyproject.toml"), Path("main.py"), Path("scripts/build_dist.sh")]
for folder in ("rso_manager", "ui", "resources", "packaging"):
    files += [p for p in Path(folder).rglob("*")
              if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
for path in sorted(files, key=lambda p: p.as_posix()):
    h.update(path.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
print(h.hexdigest()[:20])
PYEOF
)"
cached="$CACHE_ROOT/$key/$NAME"
started=$(date +%s)

if [ -d "$cached" ] && [ "${RSO_DIST_REBUILD:-}" != 1 ]; then
  echo "build_dist: cached build $key"
else
  echo "build_dist: building $key with PyInstaller (a few minutes)"
  if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
    # pyproject's dist extra; where a checkout's pyproject has none yet, the same pin by name.
    "$PY" -m pip install --quiet --disable-pip-version-check -e ".[dist]" || true
    "$PY" -c "import PyInstaller" 2>/dev/null \
      || "$PY" -m pip install --quiet --disable-pip-version-check "pyinstaller>=6.10,<7"
  fi
  "$PY" -c "import PyInstaller" 2>/dev/null || { echo "build_dist: PyInstaller could not be installed" >&2; exit 2; }
  work="$(mktemp -d "${TMPDIR:-/tmp}/rso-manager-build.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  "$PY" -m PyInstaller packaging/rso_manager.spec --noconfirm --clean --log-level WARN \
    --distpath "$work/dist" --workpath "$work/build"
  # Beside the program: the desktop entry, its icon and the script that installs them (Linux).
  cp packaging/rso-manager.desktop packaging/install-desktop-entry.sh \
    resources/icons/rso-manager.png resources/icons/rso-manager.svg "$work/dist/$NAME/"
  chmod +x "$work/dist/$NAME/install-desktop-entry.sh"
  mkdir -p "$CACHE_ROOT/$key"
  rm -rf "$cached.partial"
  mv "$work/dist/$NAME" "$cached.partial"
  mv "$cached.partial" "$cached"  # whole or not at all: an interrupted build is never a hit
  # shellcheck disable=SC2012 # names are our hashes: no spaces
  ls -1t "$CACHE_ROOT" | tail -n +$((KEEP + 1)) | while read -r old; do rm -rf "${CACHE_ROOT:?}/$old"; done
fi

rm -rf "dist/$NAME"
mkdir -p dist
cp -a "$cached" "dist/$NAME"
size="$(du -sh "dist/$NAME" | cut -f1)"
echo "build_dist: dist/$NAME ($size) ready in $(( $(date +%s) - started )) s"
