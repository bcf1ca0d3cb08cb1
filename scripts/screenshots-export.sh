#!/usr/bin/env bash
# Captures docs/screenshots/report-summary.png (the error report's first sheet,
# rendered by LibreOffice headless) and export-roster.png (the Export roster
# dialog, under Xvfb + openbox). Needs bin/rosterdesk (make build), soffice
# and pdftoppm (apt-get install libreoffice-calc-nogui poppler-utils), Xvfb,
# openbox, xdotool and imagemagick.
set -euo pipefail

bin=${BIN:-bin/rosterdesk}
out=${OUT:-docs/screenshots}
[ -x "$bin" ] || { echo "screenshots-export: $bin not built (make build)" >&2; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	sleep 1
	rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT
export TZ=${TZ:-America/Chicago}

# A small district whose users.csv has what a real SIS sends now and then:
# invalid roles, a bad enabledUser, TRUE for true, a missing school and names
# a spreadsheet would take for formulas.
src=$work/OneRoster
mkdir -p "$src"
cat >"$src/orgs.csv" <<'CSV'
sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
dist1,,,Maple District,district,,
sch1,,,Maple Elementary,school,,dist1
sch2,,,Oak Middle School,school,,dist1
CSV
cat >"$src/academicSessions.csv" <<'CSV'
sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear
y2026,,,2026-27,schoolYear,2026-08-01,2027-06-30,,2027
CSV
cat >"$src/courses.csv" <<'CSV'
sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes
c1,,,y2026,Math 5,M5,05,sch1,Math,
c2,,,y2026,Science 7,S7,07,sch2,Science,
CSV
cat >"$src/classes.csv" <<'CSV'
sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods
k1,,,Math 5 - A,05,c1,M5A,scheduled,R1,sch1,y2026,Math,,1
k2,,,Science 7 - B,07,c2,S7B,scheduled,Lab,sch2,y2026,Science,,2
CSV
{
	echo "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password"
	echo 't1,,,true,sch1,teacher,tgarcia,,Teresa,Garcia,,,tgarcia@maple.k12.us,,,,,'
	echo 't2,,,true,sch2,teacher,jokafor,,James,Okafor,,,jokafor@maple.k12.us,,,,,'
	i=0
	for n in Ava Liam Noah Emma Olivia Mason Sophia Lucas Mia Ethan Isabella Logan Amelia Elijah Harper Aiden Evelyn Jacob Abigail Michael; do
		i=$((i + 1))
		echo "s$i,,,true,sch$(( i % 2 + 1 )),student,${n,,}$i,,$n,Nguyen,,,,,,,0$(( i % 2 * 2 + 5 )),"
	done
	echo 's30,,,true,sch1,studnet,kpatel,,Kiran,Patel,,,,,,,05,'
	echo 's31,,,true,sch2,studnet,lchen,,Lena,Chen,,,,,,,07,'
	echo 's32,,,true,sch1,studnet,mbrown,,Marcus,Brown,,,,,,,05,'
	echo 's33,,,yes please,sch1,student,nwhite,,Nora,White,,,,,,,05,'
	echo 's34,,,TRUE,sch2,student,odiaz,,Omar,Diaz,,,,,,,07,'
	echo 's35,,,TRUE,sch1,student,plee,,Priya,Lee,,,,,,,05,'
	echo 's36,,,true,sch9,student,qkim,,Quinn,Kim,,,,,,,05,'
	echo 's37,,,true,sch1,wizard,rzed,,"=HYPERLINK(""http://x"",""y"")",@SUM(1),,,,,,,05,'
} >"$src/users.csv"
{
	echo "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate"
	echo "e1,,,k1,sch1,t1,teacher,true,,"
	echo "e2,,,k2,sch2,t2,teacher,true,,"
	for i in $(seq 1 20); do echo "e$((i + 10)),,,k$(( i % 2 == 0 ? 1 : 2 )),sch$(( i % 2 + 1 )),s$i,student,false,,"; done
	echo "e40,,,k1,sch1,s99,student,false,,"
} >"$src/enrollments.csv"
(cd "$src" && zip -q "$work/OneRoster.zip" ./*.csv)

db=$work/roster.db
cli() { "$bin" --db "$db" "$@"; }
cli --create admin add it@district.org "District IT" >/dev/null
cli settings set credited_admin it@district.org >/dev/null
cli sync "$work/OneRoster.zip" --scope buildings >/dev/null
run=$(cli sync "$work/OneRoster.zip" --json | sed -n 's/^ *"run_id": \([0-9]*\),*/\1/p' | head -n1) || true
cli log "$run" --xlsx "$work/report.xlsx"

# The report's first sheet, as LibreOffice shows it.
soffice --headless --convert-to pdf --outdir "$work" "$work/report.xlsx" >/dev/null 2>&1
pdftoppm -png -r 130 -f 1 -l 1 "$work/report.pdf" "$work/report"
cp "$(ls "$work"/report-*.png | head -n1)" "$out/report-summary.png"

# The Export roster dialog.
Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp 3>"$work/display" 2>/dev/null &
pids+=($!)
for _ in $(seq 1 50); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=:$(cat "$work/display")
openbox >/dev/null 2>&1 &
pids+=($!)
sleep 1
home=$work/home
mkdir -p "$home"
HOME=$home XDG_CONFIG_HOME=$home/.config "$bin" --db "$db" >/dev/null 2>&1 &
pids+=($!)
winid=
for _ in $(seq 1 100); do
	winid=$(xdotool search --onlyvisible --name '^RosterDesk$' 2>/dev/null | head -n1 || true)
	[ -n "$winid" ] && break
	sleep 0.1
done
[ -n "$winid" ] || { echo "screenshots-export: the window did not open" >&2; exit 1; }
xdotool windowsize "$winid" 1280 800
xdotool windowmove "$winid" 0 0
sleep 1.5
xdotool windowactivate --sync "$winid" 2>/dev/null || true
# File › Export roster…
xdotool mousemove --window "$winid" 20 12 click 1
sleep 0.5
xdotool mousemove --window "$winid" 60 44 click 1
sleep 1
# OneRoster CSV bundle, which also asks for the version.
xdotool mousemove --window "$winid" 385 374 click 1
sleep 0.7
import -window root -crop 1280x800+0+0 "$work/dialog.png"
cp "$work/dialog.png" "$out/export-roster.png"
echo "screenshots-export: wrote $out/report-summary.png and $out/export-roster.png"
