#!/usr/bin/env bash
# package-macos.sh makes dist/RosterDesk.app and dist/RosterDesk-macos-<arch>.zip
# with `fyne package -os darwin`. It needs a Mac: Go, the Xcode command-line
# tools (xcode-select --install) for cgo (SQLite, GLFW, Cocoa), and this
# repository. Apple's SDK cannot be used on Linux, so this cannot run here.
#
# The fyne tool is pinned in tools/go.mod and built into bin/fyne. fyne
# package writes into its source folder (a metadata file, the .app) and bumps
# Build in FyneApp.toml, so it works on a staged copy: the tree stays clean.
#
# Optional signing and notarisation (an Apple Developer ID; nothing in the repo):
#   MACOS_SIGN_IDENTITY="Developer ID Application: Example District (TEAMID)"
#   MACOS_NOTARY_PROFILE=rosterdesk   a `xcrun notarytool store-credentials` profile
#
# DARWIN_EXE=path packages an already built darwin binary instead of building
# one (e.g. from a macOS CI runner); with it, the .app can be assembled on
# Linux too, unsigned.
source "$(dirname "$0")/package.sh"

if [ "$(uname -s)" != Darwin ] && [ -z "${DARWIN_EXE:-}" ]; then
	cat >&2 <<MSG
package-macos: this needs a Mac (uname: $(uname -s)).
  Building for macOS compiles SQLite, GLFW and Fyne's Cocoa driver with Apple's
  clang and SDK, which exist only on macOS. On a Mac with Go and the Xcode
  command-line tools (xcode-select --install), run: make package-macos
MSG
	exit 2
fi

STAGE=$DIST/.stage/darwin
SRC=$STAGE/rosterdesk
trap 'rm -rf "$STAGE"; rmdir "$DIST/.stage" 2>/dev/null || true' EXIT

log "building bin/fyne (fyne.io/tools, pinned in tools/go.mod)"
"$GO" build -C tools -o "$ROOT/bin/fyne" fyne.io/tools/cmd/fyne

stage_main "$SRC"
# The staged FyneApp.toml names the icon by absolute path and the build number.
sed -e "s|^Icon *=.*|Icon = \"$ROOT/assets/icon.png\"|" -e "s|^Build *=.*|Build = $BUILD_NUMBER|" "$TOML" >"$SRC/FyneApp.toml"

args=(package -os darwin --release --src "$SRC" --name "$APP_NAME" --app-id "$APP_ID"
	--app-version "$APP_VERSION" --app-build "$BUILD_NUMBER" --icon "$ROOT/assets/icon.png")
if [ -n "${DARWIN_EXE:-}" ]; then
	mkdir -p "$STAGE/bin"
	cp "$DARWIN_EXE" "$STAGE/bin/rosterdesk"
	args+=(--executable "$STAGE/bin/rosterdesk")
fi
log "RosterDesk $APP_VERSION.$BUILD_NUMBER ($COMMIT) for darwin"
start=$SECONDS
# fyne passes -ldflags found in GOFLAGS to go build, after its own -s -w.
(cd "$SRC" && GOFLAGS="${GOFLAGS:-} -ldflags=-X=rosterdesk/internal/appinfo.build=$BUILD_NUMBER -ldflags=-X=rosterdesk/internal/appinfo.commit=$COMMIT" \
	"$ROOT/bin/fyne" "${args[@]}")
log "packaged in $((SECONDS - start)) s"

mkdir -p "$DIST"
rm -rf "$DIST/$APP_NAME.app"
mv "$SRC/$APP_NAME.app" "$DIST/"
APPDIR=$DIST/$APP_NAME.app

# fyne package leaves the category empty (only `fyne release` takes one) and
# names macOS 10.11, while Go 1.25 runs on macOS 12 or later.
plist=$APPDIR/Contents/Info.plist
sed -e 's|public.app-category.</string>|public.app-category.education</string>|' \
	-e '/<key>LSMinimumSystemVersion<\/key>/{n;s|<string>.*</string>|<string>12.0</string>|;}' "$plist" >"$plist.new"
mv "$plist.new" "$plist"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
	codesign --force --deep --options runtime --timestamp --sign "$MACOS_SIGN_IDENTITY" "$APPDIR"
	codesign --verify --strict --verbose=2 "$APPDIR"
	log "signed with $MACOS_SIGN_IDENTITY"
fi

ZIP=$DIST/$APP_NAME-macos-$("$GO" env GOARCH).zip
[ -z "${DARWIN_EXE:-}" ] || ZIP=$DIST/$APP_NAME-macos.zip
rm -f "$ZIP"
if command -v ditto >/dev/null; then
	ditto -c -k --sequesterRsrc --keepParent "$APPDIR" "$ZIP"
else
	(cd "$DIST" && zip -q -r -y "$ZIP" "$APP_NAME.app")
fi

if [ -n "${MACOS_SIGN_IDENTITY:-}" ] && [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
	xcrun notarytool submit "$ZIP" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
	xcrun stapler staple "$APPDIR"
	rm -f "$ZIP"
	ditto -c -k --sequesterRsrc --keepParent "$APPDIR" "$ZIP"
	log "notarised and stapled"
fi
log "$APPDIR and $ZIP"
