# RosterDesk developer tasks. On a fresh Debian/Ubuntu: `make run`, `make test`.
#
# Every target builds with the same flags (none), so the Go build cache made by
# one is reused by the next; changing tags or -trimpath recompiles sqlite3 and
# GLFW (about 4 minutes on 2 cores).

GO ?= go

# The close/quit tests run the real window under a virtual display with a
# window manager (cmd/rosterdesk/gui_close_test.go); they skip without these.
WM_TEST_DEPS := xvfb xauth openbox wmctrl xdotool x11-utils dbus

# What a default Fyne 2.8 build (X11 + Wayland) and go-sqlite3 need, plus the
# sqlite3 shell the benchmark compares against.
DEPS := gcc libc6-dev pkg-config ca-certificates \
	libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev \
	libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev \
	sqlite3 \
	$(WM_TEST_DEPS)
# A virtual display and the tools to capture and drive it.
SCREENSHOT_DEPS := xvfb xauth imagemagick xdotool
# The Windows cross-compiler (also brings windres), and zip and file for the package.
WINDOWS_DEPS := gcc-mingw-w64-x86-64 zip file

.PHONY: deps run test build bench bench-xl safeguards-matrix screenshots package-windows package-linux package-macos

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

# The largest district (1,000,000 students, about 8 million enrollments) next
# to the 150,000-student one; writes its section of docs/PERFORMANCE.md. Not
# part of test or CI: it needs about 4 GB free (the generator) and some minutes.
bench-xl: deps
	$(GO) run ./cmd/rosterbench -xl -out docs/PERFORMANCE.md

# The safeguard matrix at all four sizes (300, 3,000, 30,000 and 150,000
# students; `make test` runs the first two): 30 ordinary days bulk and delta,
# then each unusual export. About 15 minutes on 2 idle cores (an hour on a busy
# machine); the results table is
# written to docs/safeguards-matrix.md (copied into docs/SAFEGUARDS.md).
safeguards-matrix: deps
	ROSTERDESK_MATRIX=all MATRIX_OUT=$(CURDIR)/docs/safeguards-matrix.md $(GO) test ./sync -run TestSafeguardMatrix -v -timeout 60m

# Captures docs/screenshots/*.png; DB=FILE shoots an existing roster instead of an empty one;
# SMALL=1 only every screen at 1024x640 (small-*.png).
screenshots: deps
	@bash scripts/deps.sh $(SCREENSHOT_DEPS)
	$(MAKE) build
	DB="$(DB)" SMALL="$(SMALL)" xvfb-run -a -s "-screen 0 1280x800x24" bash scripts/screenshots.sh

# Release packages in dist/ (see README "Packaging"). Release flags (-trimpath,
# -tags release), so the first build of each OS compiles SQLite and GLFW once:
# Windows about 5-7 minutes on 2 cores, Linux about 3. The source tree is never
# written to: `git status` stays clean.

# dist/RosterDesk.exe (the app), dist/rosterdesk-cli.exe (its console build,
# for the CLI) and dist/RosterDesk-windows-amd64.zip, cross-compiled with
# MinGW-w64 and checked (PE32+, subsystem, icon, version, manifest, DLLs).
package-windows:
	@bash scripts/deps.sh $(WINDOWS_DEPS)
	bash scripts/package-windows.sh

# dist/RosterDesk-linux-amd64.tar.xz: the binary, .desktop file, icons, install.sh.
package-linux: deps
	@bash scripts/deps.sh xz-utils
	bash scripts/package-linux.sh

# dist/RosterDesk.app and its zip; on a Mac only (Apple's SDK), see README.
package-macos:
	bash scripts/package-macos.sh
