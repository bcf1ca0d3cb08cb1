#!/usr/bin/env bash
# Captures a held run's review with the names it would change, and History
# with its Buildings column, into docs/screenshots/, on a virtual X display of
# its own, from a roster made with the CLI:
#   history-buildings.png   History: the building sync's buildings added, the held run's numbers labelled planned
#   review-names.png        the held run's review: who it would deactivate, by name, role and school
#   review-search.png       the same list searched for one family name
# Needs bin/rosterdesk (make build) and xvfb, xauth, imagemagick and xdotool.
# Clicks are window-relative and assume the default theme at 1440x900.
set -euo pipefail

bin=${BIN:-bin/rosterdesk}
out=${OUT:-docs/screenshots}
width=1440
height=900

[ -x "$bin" ] || { echo "screenshots: $bin not built (make build)" >&2; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
mkdir -p "$out"
work=$(mktemp -d)
xvfb=
cleanup() {
	[ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

Xvfb -displayfd 3 -screen 0 $((width + 160))x$((height + 160))x24 -nolisten tcp 3>"$work/display" 2>/dev/null &
xvfb=$!
for _ in $(seq 1 50); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=:$(cat "$work/display")

home=$work/home
mkdir -p "$home/.cache" "$home/.config/fyne/com.rosterdesk.app" "$home/.config/RosterDesk" "$work/run"
chmod 700 "$work/run"
db=$home/.config/RosterDesk/roster.db
RD_SAMPLE_DIR=$work go test ./ui -run '^TestScreenshotReviewBundles$' -count=1 >/dev/null

rd() { "$bin" --db "$db" "$@" >/dev/null 2>&1 || true; }
rd --create admin add dana.whitfield@pinevalley.k12.example.org "Dana Whitfield"
rd settings set credited_admin dana.whitfield@pinevalley.k12.example.org
rd sync "$work/sample.zip" --scope buildings
rd sync "$work/sample.zip" --scope users+courses
mkdir -p "$home/Downloads"
cp "$work/withdrawn.zip" "$home/Downloads/OneRoster.zip"
rd sync "$home/Downloads/OneRoster.zip"
family=$("$bin" --db "$db" review 3 --kind user --limit 1 --json | sed -n 's/.*"name": "[^ ]* \([^"]*\)".*/\1/p' | head -n1)

win() { xdotool search --onlyvisible --name '^RosterDesk$' 2>/dev/null | head -n1 || true; }

# shot SCREEN -- ACTION...: the app on $db. Actions: "click X Y", "key KEYS",
# "type TEXT", "wait SECONDS", "snap NAME".
shot() {
	local screen=$1 pid wid
	shift
	printf '{"window.tab":"%s","window.width":%s,"window.height":%s}\n' "$screen" "$width" "$height" \
		>"$home/.config/fyne/com.rosterdesk.app/preferences.json"
	HOME=$home XDG_CONFIG_HOME=$home/.config XDG_STATE_HOME=$home/.local/state XDG_RUNTIME_DIR=$work/run \
		"$bin" >"$work/app.log" 2>&1 &
	pid=$!
	wid=
	for _ in $(seq 1 60); do
		wid=$(win)
		[ -n "$wid" ] && break
		kill -0 "$pid" 2>/dev/null || { cat "$work/app.log" >&2; echo "screenshots: app exited" >&2; exit 1; }
		sleep 0.5
	done
	[ -n "$wid" ] || { cat "$work/app.log" >&2; echo "screenshots: no window" >&2; kill "$pid"; exit 1; }
	sleep 3
	for a in "$@"; do
		set -- $a
		case $1 in
		click) xdotool mousemove --window "$wid" "$2" "$3" click 1; sleep 1 ;;
		key) xdotool key --clearmodifiers "$2"; sleep 0.5 ;;
		type) shift; xdotool type --delay 20 "$*"; sleep 0.5 ;;
		wait) sleep "$2" ;;
		snap)
			timeout 20 import -window "$wid" "$out/$2.png"
			echo "screenshots: $out/$2.png ($(identify -format '%wx%h' "$out/$2.png"))"
			;;
		esac
	done
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	for _ in $(seq 1 20); do [ -z "$(win)" ] && break; sleep 0.25; done
}

if [ -n "${SHOTS:-}" ]; then
	eval "shot History $SHOTS" # other clicks, to find where things are
else
	shot History "click 600 181" "snap history-buildings" "click 511 877" "wait 2" "snap review-names" "click 600 480" "type $family" "wait 2" "snap review-search"
fi
