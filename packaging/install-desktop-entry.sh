#!/usr/bin/env bash
# Put RSO Manager in the desktop's application menu, from the folder `make dist` built (this script
# is copied into it): the desktop entry, pointing at this folder's program, and the icon.
#
#   ./install-desktop-entry.sh            for this user (~/.local/share)
#   sudo ./install-desktop-entry.sh --system   for every user (/usr/local/share, /usr/local/bin)
#   ./install-desktop-entry.sh --uninstall [--system]
#
# Move the folder first (e.g. to /opt/rso-manager): the entry names the program by its full path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
program="$here/rso-manager"
share="${XDG_DATA_HOME:-$HOME/.local/share}"
bin=""
action=install
for arg in "$@"; do
  case "$arg" in
    --system) share=/usr/local/share; bin=/usr/local/bin ;;
    --uninstall) action=uninstall ;;
    *) echo "usage: $0 [--system] [--uninstall]" >&2; exit 2 ;;
  esac
done
entry="$share/applications/rso-manager.desktop"
icon="$share/icons/hicolor/256x256/apps/rso-manager.png"
scalable="$share/icons/hicolor/scalable/apps/rso-manager.svg"

if [ "$action" = uninstall ]; then
  rm -f "$entry" "$icon" "$scalable"
  [ -z "$bin" ] || [ ! -L "$bin/rso-manager" ] || rm -f "$bin/rso-manager"
  echo "Removed the RSO Manager desktop entry from $share"
  exit 0
fi

[ -x "$program" ] || { echo "$program not found: run this script from the folder make dist built" >&2; exit 1; }
mkdir -p "$(dirname "$entry")" "$(dirname "$icon")" "$(dirname "$scalable")"
install -m 0644 "$here/rso-manager.png" "$icon"
[ ! -f "$here/rso-manager.svg" ] || install -m 0644 "$here/rso-manager.svg" "$scalable"
# The entry as shipped runs "rso-manager" from the PATH; installed, it runs this folder's program.
sed -e "s|^Exec=.*|Exec=\"$program\"|" -e "s|^TryExec=.*|TryExec=$program|" \
  "$here/rso-manager.desktop" > "$entry.tmp"
chmod 0644 "$entry.tmp"
mv "$entry.tmp" "$entry"
if [ -n "$bin" ]; then
  mkdir -p "$bin"
  ln -sf "$program" "$bin/rso-manager"
fi
command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
echo "Installed $entry (runs $program)"
