# RosterDesk developer tasks. On a fresh Debian/Ubuntu: `make run`, `make test`.
#
# Every target builds with the same flags (none), so the Go build cache made by
# one is reused by the next; changing tags or -trimpath recompiles sqlite3 and
# GLFW (about 4 minutes on 2 cores).

GO ?= go

# What a default Fyne 2.8 build (X11 + Wayland) and go-sqlite3 need, plus the
# sqlite3 shell the benchmark compares against.
DEPS := gcc libc6-dev pkg-config ca-certificates \
	libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev \
	libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev \
	sqlite3
# A virtual display and the tools to capture and drive it.
SCREENSHOT_DEPS := xvfb xauth imagemagick xdotool

.PHONY: deps run test build bench screenshots

deps:
	@bash scripts/deps.sh $(DEPS)

# Opens the app on the default database in the user's config directory.
run: deps
	$(GO) run ./cmd/rosterdesk

test: deps
	$(GO) vet ./...
	$(GO) test ./...

build:
	$(GO) build -o bin/rosterdesk ./cmd/rosterdesk

bench: deps
	$(GO) run ./cmd/rosterbench -out docs/PERFORMANCE.md

# Captures docs/screenshots/*.png; DB=FILE shoots an existing roster instead of an empty one.
screenshots: deps
	@bash scripts/deps.sh $(SCREENSHOT_DEPS)
	$(MAKE) build
	DB="$(DB)" xvfb-run -a -s "-screen 0 1280x800x24" bash scripts/screenshots.sh
