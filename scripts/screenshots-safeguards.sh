#!/usr/bin/env bash
# Captures the first run and the safeguards into docs/screenshots/, on a
# virtual X display of its own, from a new, empty roster:
#   welcome.png          the welcome screen, the admin account created
#   sample-loaded.png    "Explore with a sample district" done
#   history-held.png     a held run in History (the sample with 30% of its students withdrawn, synced with the CLI)
#   history-review.png   its review: the safeguards it trips, what approving applies, its log
#   history-undone.png   the run approved, then undone with "Undo this run"
#   roster-protect.png   "Never deactivate" on a user
#   about.png            About, after "Copy support report"
# Needs bin/rosterdesk (make build) and xvfb, xauth, imagemagick and xdotool,
# like scripts/screenshots.sh. HOME_DIR=/home/someone shows that home's
# folders in About (it must exist and be writable); by default a temporary one.
# Clicks are window-relative and assume the default theme at 1440x900.
set -euo pipefail

# Click and scroll heights below are measured from the top of the screens; the
# window's File/View menu bar sits above them (History's bottom buttons, at 877
# in the window, are written 849).
menu=${MENU_H:-28}

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

home=${HOME_DIR:-$work/home}
mkdir -p "$home/.cache" "$home/.config/fyne/com.rosterdesk.app" "$work/run"
chmod 700 "$work/run"
db=$home/.config/RosterDesk/roster.db
rm -f "$db" "$db-wal" "$db-shm"
rm -rf "$home/.config/RosterDesk/held"
RD_SAMPLE_DIR=$work go test ./ui -run '^TestScreenshotWithdrawn$' -count=1 >/dev/null

win() { xdotool search --onlyvisible --name '^RosterDesk$' 2>/dev/null | head -n1 || true; }

# shot SCREEN [PREFS-JSON-EXTRA] -- ACTION...: the app on the default roster of $home.
# Actions: "click X Y", "key KEYS", "type TEXT", "wait SECONDS", "snap NAME".
shot() {
	local screen=$1 extra=$2 pid wid
	shift 2
	printf '{"window.tab":"%s","window.width":%s,"window.height":%s%s}\n' "$screen" "$width" "$height" "$extra" \
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
		click) xdotool mousemove --window "$wid" "$2" "$(($3 + menu))" click 1; sleep 1 ;;
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
	# the window must be gone before the next start finds "the" window
	for _ in $(seq 1 20); do [ -z "$(win)" ] && break; sleep 0.25; done
}

# An empty roster opens on the welcome screen: create the admin, then load the sample district.
shot Roster "" "click 622 215" "type Dana Whitfield" "click 622 253" "type dana.whitfield@pinevalley.k12.example.org" \
	"click 335 292" "wait 1" "snap welcome" "click 845 322" "wait 4" "snap sample-loaded"
# The next day's export lost 30% of the students: held for review.
mkdir -p "$home/Downloads"
cp "$work/withdrawn.zip" "$home/Downloads/OneRoster.zip"
"$bin" --db "$db" sync "$home/Downloads/OneRoster.zip" >/dev/null 2>&1 || true
shot History "" "click 600 155" "snap history-held" "click 511 849" "wait 2" "snap history-review"
# Approved from its review, then undone; the undone run selected.
shot History "" "click 600 155" "click 511 849" "wait 2" "click 205 200" "click 790 640" "wait 3" \
	"click 600 155" "click 534 849" "click 780 526" "wait 3" "click 600 194" "snap history-undone"
# Never deactivate on a teacher.
shot Roster ',"window.roster_tab":"Users"' "click 155 253" "wait 2" "click 949 298" "wait 1" "snap roster-protect"
shot About "" "click 411 718" "snap about"
