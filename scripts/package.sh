#!/usr/bin/env bash
# package.sh is sourced by scripts/package-{windows,linux,macos}.sh: the
# release build settings every package shares. Not run on its own.
#
# The version is FyneApp.toml's; the build number is the count of commits on
# HEAD (monotonic on the main branch) unless BUILD_NUMBER is set; the commit is
# HEAD's, "-dirty" when tracked files have uncommitted changes. None of it is
# written back: FyneApp.toml and the source tree stay untouched.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

GO=${GO:-go}
TOML=FyneApp.toml
toml() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"\\(.*\\)\"[[:space:]]*\$/\\1/p" "$TOML" | head -n1; }
APP_NAME=$(toml Name)
APP_ID=$(toml ID)
APP_VERSION=$(toml Version)
[ -n "$APP_NAME" ] && [ -n "$APP_ID" ] && [ -n "$APP_VERSION" ] || { echo "package: cannot read Name, ID and Version from $TOML" >&2; exit 1; }
[[ $APP_VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "package: $TOML Version \"$APP_VERSION\" is not x.y.z" >&2; exit 1; }

if [ -z "${BUILD_NUMBER:-}" ]; then
	BUILD_NUMBER=$(git rev-list --count HEAD 2>/dev/null || echo 0)
fi
[[ $BUILD_NUMBER =~ ^[0-9]+$ ]] && [ "$BUILD_NUMBER" -le 65535 ] || { echo "package: BUILD_NUMBER \"$BUILD_NUMBER\" is not 0..65535" >&2; exit 1; }
COMMIT=$(git rev-parse --short=7 HEAD 2>/dev/null || true)
if [ -n "$COMMIT" ] && ! git diff --quiet HEAD -- 2>/dev/null; then
	COMMIT=$COMMIT-dirty
fi

# Release builds: no debug info, no local paths, Fyne's release mode and its
# fyneDo migration (FyneApp.toml [Migrations]), what `fyne package --release`
# would use. Different flags from `make build`/`make test`, so the first
# package build of each OS compiles SQLite and GLFW once (minutes), then the
# Go build cache makes it seconds.
TAGS=release,migrated_fynedo
LDFLAGS="-s -w -X rosterdesk/internal/appinfo.build=$BUILD_NUMBER -X rosterdesk/internal/appinfo.commit=$COMMIT"

DIST=$ROOT/dist

# stage_main DIR copies the main package (cmd/rosterdesk without its tests)
# to DIR, a folder inside the module that `./...` ignores (its path has a
# dot-folder), so packaging adds files to a copy, never to the source tree.
stage_main() {
	local dir=$1
	rm -rf "$dir"
	mkdir -p "$dir"
	find cmd/rosterdesk -maxdepth 1 -type f ! -name '*_test.go' -exec cp {} "$dir/" \;
}

log() { echo "== $*"; }
