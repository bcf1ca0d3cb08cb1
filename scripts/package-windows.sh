#!/usr/bin/env bash
# package-windows.sh cross-compiles RosterDesk for Windows amd64 on Linux:
#
#   dist/RosterDesk.exe                 the app (GUI subsystem: no console window)
#   dist/rosterdesk-cli.exe             the same program for the console, so the
#                                       CLI (approve, discard, log --xlsx, ...) prints
#                                       its output and exit code in a Command Prompt
#   dist/RosterDesk-windows-amd64.zip   both
#
# Both carry the icon, version information and manifest of
# packaging/windows/rosterdesk.rc, and are checked with scripts/pecheck (Wine
# cannot run Go's Windows binaries on Debian 12, so the check reads the PE
# format instead). Run it through `make package-windows`, which installs
# MinGW-w64 first.
#
# Optional Authenticode signing (scripts/sign-windows.sh, osslsigncode); keys
# never in the repo:
#   WINDOWS_SIGN_PKCS12=/secure/path/cert.p12   certificate and key, or
#   WINDOWS_SIGN_CERT=/secure/cert.pem WINDOWS_SIGN_KEY=/secure/key.pem
#   WINDOWS_SIGN_PASSWORD_FILE=/secure/pass.txt  (optional) the key's password
#   WINDOWS_SIGN_TIMESTAMP_URL=http://timestamp.example.com  (optional) RFC 3161 timestamp server
source "$(dirname "$0")/package.sh"

CC_WIN=${CC_WIN:-x86_64-w64-mingw32-gcc}
WINDRES=${WINDRES:-x86_64-w64-mingw32-windres}
for tool in "$CC_WIN" "$WINDRES"; do
	command -v "$tool" >/dev/null || { echo "package-windows: $tool not found: apt-get install gcc-mingw-w64-x86-64 (make package-windows does)" >&2; exit 1; }
done

EXE=$DIST/$APP_NAME.exe
CLI=$DIST/rosterdesk-cli.exe
ZIP=$DIST/$APP_NAME-windows-amd64.zip
STAGE=$DIST/.stage/windows
FILEVERSION=$APP_VERSION.$BUILD_NUMBER
trap 'rm -rf "$STAGE"; rmdir "$DIST/.stage" 2>/dev/null || true' EXIT

log "RosterDesk $FILEVERSION ($COMMIT) for windows/amd64"
stage_main "$STAGE/rosterdesk"
sed "s/@VERSION@/$FILEVERSION/" packaging/windows/rosterdesk.exe.manifest.in >"$STAGE/rosterdesk.exe.manifest"
mkdir -p "$DIST"
rm -f "$EXE" "$CLI" "$ZIP"

check=(-version "$FILEVERSION" -icons 16,24,32,48,64,128,256)
signing=
if [ -n "${WINDOWS_SIGN_PKCS12:-}${WINDOWS_SIGN_CERT:-}" ]; then
	signing=1
	check+=(-signed)
fi

# build OUT [-H windowsgui] [RC define...]: resources into the staged main
# package (the _windows_amd64 suffix keeps the .syso out of any other build),
# then go build. The two builds share every compiled package; only the link differs.
build() {
	local out=$1 hflag=$2
	shift 2
	"$WINDRES" -O coff -F pe-x86-64 -I "$STAGE" -I assets/icons \
		"-DRD_VERSION_NUM=${FILEVERSION//./,}" "-DRD_VERSION=$FILEVERSION" "$@" \
		-i packaging/windows/rosterdesk.rc -o "$STAGE/rosterdesk/rsrc_windows_amd64.syso"
	local start=$SECONDS
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=$CC_WIN \
		"$GO" build -trimpath -tags "$TAGS" -ldflags "$LDFLAGS $hflag" -o "$out" ./dist/.stage/windows/rosterdesk
	log "built $out in $((SECONDS - start)) s"
	[ -z "$signing" ] || bash scripts/sign-windows.sh "$out"
}
build "$EXE" "-H windowsgui"
build "$CLI" "" -DRD_CLI

# The check: PE32+, amd64, GUI (app) or console (CLI) subsystem, our icon
# sizes, this version, a manifest, only Windows' own DLLs.
if command -v file >/dev/null; then file "$EXE" "$CLI"; fi
"$GO" build -o "$STAGE/pecheck" ./scripts/pecheck
"$STAGE/pecheck" "${check[@]}" "$EXE"
"$STAGE/pecheck" "${check[@]}" -console "$CLI"

(cd "$DIST" && zip -q -9 -X "$(basename "$ZIP")" "$(basename "$EXE")" "$(basename "$CLI")")
log "$(stat -c %s "$EXE") bytes $EXE, $(stat -c %s "$CLI") bytes $CLI, $(stat -c %s "$ZIP") bytes $ZIP"
