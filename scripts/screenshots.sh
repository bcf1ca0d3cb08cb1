#!/usr/bin/env bash
# Captures docs/screenshots/*.png of bin/rosterdesk, one per screen, on a
# virtual X display. Run through `make screenshots`, which builds the binary
# and installs xvfb, xauth, imagemagick and xdotool first.
#
# The app opens on the screen saved in its preferences, so each shot starts it
# with a fresh HOME whose preferences name that screen and the window size.
# DB=path uses an existing roster; by default a new, empty one.
set -euo pipefail

bin=${BIN:-bin/rosterdesk}
out=${OUT:-docs/screenshots}
width=${WIDTH:-1200}
height=${HEIGHT:-720}
screens=${SCREENS:-Roster History Preferences OneRoster Uploads}

[ -x "$bin" ] || { echo "screenshots: $bin not built (make build)" >&2; exit 1; }
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=${DB:-$work/roster.db}

shot() { # shot SCREEN FILE
	local screen=$1 file=$2 home=$work/home-$1 pid wid
	mkdir -p "$home/.cache" "$home/.config/fyne/com.rosterdesk.app" "$home/run"
	chmod 700 "$home/run"
	printf '{"window.tab":"%s","window.width":%s,"window.height":%s}\n' "$screen" "$width" "$height" \
		>"$home/.config/fyne/com.rosterdesk.app/preferences.json"
	HOME=$home XDG_CONFIG_HOME=$home/.config XDG_RUNTIME_DIR=$home/run \
		"$bin" --db "$db" >"$work/$screen.log" 2>&1 &
	pid=$!
	wid=
	for _ in $(seq 1 60); do # up to 30 s for the window to map
		wid=$(xdotool search --onlyvisible --name '^RosterDesk$' 2>/dev/null | head -n1 || true)
		[ -n "$wid" ] && break
		kill -0 "$pid" 2>/dev/null || { cat "$work/$screen.log" >&2; echo "screenshots: app exited" >&2; exit 1; }
		sleep 0.5
	done
	[ -n "$wid" ] || { cat "$work/$screen.log" >&2; echo "screenshots: no window" >&2; kill "$pid"; exit 1; }
	sleep 3 # let the engine calls land and the frame settle
	import -window "$wid" "$file"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	echo "screenshots: $file ($(identify -format '%wx%h' "$file"))"
}

for s in $screens; do
	shot "$s" "$out/$(echo "$s" | tr '[:upper:]' '[:lower:]').png"
done
