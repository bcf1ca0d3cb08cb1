#!/usr/bin/env bash
# package-linux.sh builds RosterDesk for Linux (this machine's architecture)
# and packs dist/RosterDesk-linux-<arch>.tar.xz:
#
#   RosterDesk/rosterdesk                                  the app and CLI
#   RosterDesk/install.sh                                  per-user (~/.local) or PREFIX=/usr/local install
#   RosterDesk/share/applications/com.rosterdesk.app.desktop
#   RosterDesk/share/icons/hicolor/NxN/apps/com.rosterdesk.app.png   16 … 512
#
# Run it through `make package-linux`, which installs the build packages first.
source "$(dirname "$0")/package.sh"

ARCH=$("$GO" env GOARCH)
STAGE=$DIST/.stage/linux
PKG=$STAGE/$APP_NAME
TARBALL=$DIST/$APP_NAME-linux-$ARCH.tar.xz
trap 'rm -rf "$STAGE"; rmdir "$DIST/.stage" 2>/dev/null || true' EXIT

log "RosterDesk $APP_VERSION.$BUILD_NUMBER ($COMMIT) for linux/$ARCH"
rm -rf "$STAGE"
mkdir -p "$PKG"
start=$SECONDS
CGO_ENABLED=1 "$GO" build -trimpath -tags "$TAGS" -ldflags "$LDFLAGS" -o "$PKG/rosterdesk" ./cmd/rosterdesk
log "built in $((SECONDS - start)) s"

install -D -m 0644 "packaging/linux/$APP_ID.desktop" "$PKG/share/applications/$APP_ID.desktop"
for png in assets/icons/rosterdesk-*.png; do
	n=${png##*-}
	n=${n%.png}
	install -D -m 0644 "$png" "$PKG/share/icons/hicolor/${n}x${n}/apps/$APP_ID.png"
done
install -m 0755 packaging/linux/install.sh "$PKG/install.sh"
if command -v desktop-file-validate >/dev/null; then
	desktop-file-validate "$PKG/share/applications/$APP_ID.desktop"
fi

mkdir -p "$DIST"
rm -f "$TARBALL"
tar --owner=0 --group=0 --numeric-owner -cJf "$TARBALL" -C "$STAGE" "$APP_NAME"
tar -tJvf "$TARBALL"
log "$(ls -l "$TARBALL" | awk '{print $5}') bytes $TARBALL"
