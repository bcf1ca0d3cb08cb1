#!/bin/sh
# Installs RosterDesk from this folder for the current user (~/.local), or
# system-wide with PREFIX=/usr/local (run as root). `./install.sh --uninstall`
# removes it again; the roster, logs and settings stay where they are.
set -eu
cd "$(dirname "$0")"
PREFIX=${PREFIX:-$HOME/.local}
ID=com.rosterdesk.app
SIZES="16 24 32 48 64 128 256 512"

if [ "${1:-}" = "--uninstall" ]; then
	rm -f "$PREFIX/bin/rosterdesk" "$PREFIX/share/applications/$ID.desktop"
	for n in $SIZES; do rm -f "$PREFIX/share/icons/hicolor/${n}x${n}/apps/$ID.png"; done
	echo "RosterDesk removed from $PREFIX"
	exit 0
fi

install -D -m 0755 rosterdesk "$PREFIX/bin/rosterdesk"
for n in $SIZES; do
	install -D -m 0644 "share/icons/hicolor/${n}x${n}/apps/$ID.png" "$PREFIX/share/icons/hicolor/${n}x${n}/apps/$ID.png"
done
# The menu entry runs the installed binary by its full path.
mkdir -p "$PREFIX/share/applications"
sed "s|^Exec=rosterdesk|Exec=$PREFIX/bin/rosterdesk|" "share/applications/$ID.desktop" >"$PREFIX/share/applications/$ID.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$PREFIX/share/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$PREFIX/share/icons/hicolor" 2>/dev/null || true
echo "RosterDesk installed in $PREFIX (menu: RosterDesk; command: $PREFIX/bin/rosterdesk)"
