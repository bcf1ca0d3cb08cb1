#!/usr/bin/env bash
# Captures docs/screenshots/*.png of bin/rosterdesk, screen by screen, on a
# virtual X display of its own. Run through `make screenshots`, which builds
# the binary and installs xvfb, xauth, imagemagick and xdotool first.
#
# Without DB, it makes a sample district: sync/gen writes the bundles (the
# TestScreenshotBundles helper in ui/), and the CLI loads them into a roster
# the way an admin would: a building sync, a users + courses sync, a preview,
# the next day's sync (held by a safeguard, then approved) and a file that
# cannot be used. The window then uploads the day after through the Uploads
# screen, and the History and its Full log show the result.
# DB=path shoots an existing roster instead (the screens with no clicks only).
#
# The app opens on the screen saved in its preferences, so each shot starts
# it with a fresh HOME whose preferences name that screen and the window size;
# clicks are window-relative and assume the default theme at that size.
set -euo pipefail

# Click and scroll heights below are measured from the top of the screens; the
# window's File/View menu bar sits above them (Save at the bottom of a
# scrolled page, at 874 in the window, is written 846).
menu=${MENU_H:-28}

bin=${BIN:-bin/rosterdesk}
out=${OUT:-docs/screenshots}
width=${WIDTH:-1440}
height=${HEIGHT:-900}

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

# A display big enough for the window, whatever xvfb-run gave us.
Xvfb -displayfd 3 -screen 0 $((width + 160))x$((height + 160))x24 -nolisten tcp 3>"$work/display" 2>/dev/null &
xvfb=$!
for _ in $(seq 1 50); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=:$(cat "$work/display")
export TZ=${TZ:-America/Chicago} # the Preferences show UTC beside local time

cli() { "$bin" --db "$db" "$@"; }

sample=$work/sample
if [ -z "${DB:-}" ]; then
	mkdir -p "$sample"
	RD_SAMPLE_DIR=$sample RD_SAMPLE_LARGE=1 go test ./ui -run '^TestScreenshotBundles$' -count=1 >/dev/null
	db=$work/roster.db
	cli admin add it@district.org "District IT" >/dev/null
	cli settings set credited_admin it@district.org >/dev/null
	cli settings set oneroster.source "$sample/day0.zip" >/dev/null
	cli settings set oneroster.provider "Infinite Campus" >/dev/null
	cli sync "$sample/day0.zip" --scope buildings >/dev/null
	cli sync "$sample/day0.zip" >/dev/null
	cli sync "$sample/day1.zip" --dry-run >/dev/null
	held=$(cli sync "$sample/day1.zip" 2>&1 >/dev/null | sed -n 's/.*run \([0-9]*\) is held.*/\1/p' | head -n1 || true)
	[ -n "$held" ] && cli approve "$held" >/dev/null
	# The day after removes more assignments than the default limit: let the upload through.
	cli settings set guard.assignments.remove.count 2000 >/dev/null
	cli sync "$sample/users.csv" >/dev/null 2>&1 || true # refused whole: a failed run
	cli settings set sync.days mon,wed,fri >/dev/null
	cli settings set sync.time 06:00 >/dev/null
	cli settings set sync.enabled true >/dev/null
	cli settings set grades.map '{"-1":"PK","KG":"K","13":"Post-grad"}' >/dev/null
	cli settings set oneroster.enabled true >/dev/null
	# A large district whose buildings are synchronized: its users sync runs long enough to watch.
	large=$work/large.db
	if [ -z "${SMALL:-}" ]; then
		"$bin" --db "$large" admin add it@district.org "District IT" >/dev/null
		"$bin" --db "$large" settings set credited_admin it@district.org >/dev/null
		"$bin" --db "$large" settings set oneroster.source "$sample/large.zip" >/dev/null
		"$bin" --db "$large" sync "$sample/large.zip" --scope buildings >/dev/null
	fi
else
	db=$DB
fi

win() { xdotool search --onlyvisible --name '^RosterDesk$' 2>/dev/null | head -n1 || true; }

# shot DB SCREEN [PREFS-JSON-EXTRA] -- ACTION...
# Actions: "click X Y", "scroll STEPS X Y", "key KEYS" (xdotool key), "type TEXT", "wait SECONDS",
# "snap NAME" (docs/screenshots/NAME.png).
shot() {
	local db=$1 screen=$2 extra=$3 home=$work/home-$RANDOM pid wid
	shift 3
	mkdir -p "$home/.cache" "$home/.config/fyne/com.rosterdesk.app" "$home/run"
	chmod 700 "$home/run"
	printf '{"window.tab":"%s","window.width":%s,"window.height":%s%s}\n' "$screen" "$width" "$height" "$extra" \
		>"$home/.config/fyne/com.rosterdesk.app/preferences.json"
	HOME=$home XDG_CONFIG_HOME=$home/.config XDG_RUNTIME_DIR=$home/run \
		"$bin" --db "$db" >"$work/app.log" 2>&1 &
	pid=$!
	wid=
	for _ in $(seq 1 60); do # up to 30 s for the window to map
		wid=$(win)
		[ -n "$wid" ] && break
		kill -0 "$pid" 2>/dev/null || { cat "$work/app.log" >&2; echo "screenshots: app exited" >&2; exit 1; }
		sleep 0.5
	done
	[ -n "$wid" ] || { cat "$work/app.log" >&2; echo "screenshots: no window" >&2; kill "$pid"; exit 1; }
	sleep 3 # let the engine calls land and the frame settle
	for a in "$@"; do
		set -- $a
		case $1 in
		click) xdotool mousemove --window "$wid" "$2" "$(($3 + menu))" click 1; sleep 1 ;;
		scroll) xdotool mousemove --window "$wid" "$3" "$(($4 + menu))" click --repeat "$2" --delay 30 5; sleep 1 ;; # scroll N X Y: N wheel steps down
		wait) sleep "$2" ;;
		key) xdotool key --clearmodifiers "$2"; sleep 0.5 ;;
		type) xdotool type --delay 30 -- "${a#type }"; sleep 0.5 ;;
		snap)
			timeout 20 import -window "$wid" "$out/$2.png"
			echo "screenshots: $out/$2.png ($(identify -format '%wx%h' "$out/$2.png"))"
			;;
		esac
	done
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}

# Every screen, and every Preferences section, at 1024x640: the smallest
# window RosterDesk is made for (1366x768 at 125%, 1280x800 at 150%).
small_shots() {
	local width=1024 height=640 s p
	for s in OneRoster Uploads History Roster About; do
		shot "$db" "$s" "" "snap small-$(echo "$s" | tr '[:upper:]' '[:lower:]')"
	done
	shot "$db" Preferences ',"window.preferences_section":"Schedule"' "snap small-preferences"
	for p in "Admin account" "Synchronization processes" "Teacher permissions" Automation Safeguards; do
		shot "$db" Preferences ",\"window.preferences_section\":\"$p\"" "snap small-preferences-$(echo "$p" | tr '[:upper:] ' '[:lower:]-')"
	done
	for p in Users Courses; do
		shot "$db" Roster ",\"window.roster_tab\":\"$p\"" "snap small-roster-$(echo "$p" | tr '[:upper:]' '[:lower:]')"
	done
}
if [ -n "${SMALL:-}" ]; then # SMALL=1: only these
	small_shots
	exit 0
fi

if [ -n "${DB:-}" ]; then
	for s in OneRoster Preferences Uploads History Roster; do
		shot "$db" "$s" "" "snap $(echo "$s" | tr '[:upper:]' '[:lower:]')"
	done
	exit 0
fi

# OneRoster before the first sync: two buildings made by hand, one matching a
# school by SIS id and one matching none, beside the connected bundle's schools.
shot "$sample/alignment.db" OneRoster "" "snap oneroster"
# After the initial sync, with OneRoster enabled.
shot "$db" OneRoster "" "snap oneroster-synced"
# A users sync of 150,000 students under way: phase, running counts, Cancel.
shot "$large" OneRoster "" "wait 20" "click 866 277" "wait 3" "snap oneroster-progress" "wait 15" "snap oneroster-done"
shot "$db" Preferences ',"window.preferences_section":"Schedule"' "snap preferences"
# A pause date that is no date: Save (at the bottom) refuses, the engine's message beside the field, and the change stays unsaved.
shot "$db" Preferences ',"window.preferences_section":"Schedule"' "click 887 467" "type 2027-13-01" "scroll 10 700 600" "click 138 846" "wait 1" "scroll 5 700 600" \
	"snap preferences-validation"
shot "$db" Preferences ',"window.preferences_section":"Automation"' "snap preferences-automation"
# The roster's inactive users, and the first one opened: why it left.
shot "$db" Roster ',"window.roster_tab":"Users"' "click 860 101" "click 830 213" "wait 2" "click 300 214" "wait 2" "snap roster"
# Upload day2.zip with the OneRoster.zip picker (which opens in the sample
# folder; its path typed, as on Linux without a system dialog), read the preview, apply it.
shot "$db" Uploads ",\"dialog.folder\":\"$sample\"" \
	"click 1100 178" "wait 2" "snap uploads-dialog" "key ctrl+a" "type $sample/day2.zip" "key Return" "wait 6" "snap uploads" \
	"click 140 530" "wait 8" "snap uploads-applied"
shot "$db" History "" "click 700 194" "wait 1" "snap history"
# The upload's full log: its errors and warnings, then the changes with their reasons.
shot "$db" History "" "click 1316 154" "wait 3" "snap log"

# A REST provider: a local OneRoster 1.2 test server serving a generated
# district (TestScreenshotRESTServer, stopped when its file is removed), set up
# and synchronized through the CLI; the OneRoster tab tests the connection and
# pulls with Sync now; the Schedule reads from it, with a summer pause.
restinfo=$work/rest.txt
RD_REST_SERVE=$restinfo go test ./ui -run '^TestScreenshotRESTServer$' -count=1 -timeout 20m >/dev/null 2>&1 &
for _ in $(seq 1 600); do [ -s "$restinfo" ] && break; sleep 0.5; done
{ read -r base; read -r token; read -r client; read -r secret; } <"$restinfo"
export ROSTERDESK_CLIENT_SECRET=$secret # a virtual display has no keychain
rest=$work/rest.db
rcli() { "$bin" --db "$rest" "$@" >/dev/null 2>&1; }
rcli admin add it@district.org "District IT"
rcli settings set credited_admin it@district.org
rcli provider set --type oneroster12 --base-url "$base" --token-url "$token" --client-id "$client"
rcli settings set sync.source provider
rcli sync provider --scope buildings
rcli sync provider
for kv in "oneroster.enabled true" "sync.days mon,wed,fri" "sync.time 06:00" "sync.enabled true" \
	"sync.pause_from 2027-06-10" "sync.pause_until 2027-08-20"; do
	rcli settings set $kv
done
shot "$rest" OneRoster "" "click 224 754" "wait 2" "click 812 379" "wait 8" "snap oneroster-provider"
shot "$rest" Preferences ',"window.preferences_section":"Schedule"' "snap preferences-schedule"
rm -f "$restinfo"
small_shots
bash scripts/screenshots-safeguards.sh
bash scripts/screenshots-review.sh
