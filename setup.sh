#!/usr/bin/env bash
# Installs what building and testing need on Debian 12 (run as root, or with
# sudo available), then configures and builds into build/.
# Idempotent: packages already present are not fetched again.
#   ./setup.sh            install + build
#   ./setup.sh --no-build install only
set -euo pipefail

cd "$(dirname "$0")"

packages=(
	# build
	build-essential cmake pkg-config libseccomp-dev libunwind-dev liblzma-dev
	libcmocka-dev libjemalloc-dev libjson-c-dev clang-format
	# tests: what the integration tests and the compat harness run
	busybox-static python3 perl coreutils findutils diffutils sed
	procps util-linux bsdutils bash dash libc6-dev
)

die() {
	echo "setup.sh: $*" >&2
	exit 1
}

if [ "$(id -u)" = 0 ]; then
	sudo=()
elif command -v sudo >/dev/null; then
	sudo=(sudo)
else
	die "run as root (or install sudo): apt-get is needed"
fi
command -v apt-get >/dev/null || die "apt-get not found: this script targets Debian 12"

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -qq >/tmp/setup-apt-update.log 2>&1 ||
		{ cat /tmp/setup-apt-update.log >&2; die "apt-get update failed (log above)"; }
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" \
		>/tmp/setup-apt-install.log 2>&1 ||
		{ tail -n 30 /tmp/setup-apt-install.log >&2; die "apt-get install ${missing[*]} failed (log above)"; }
else
	echo "setup.sh: all packages present"
fi

[ "${1:-}" = --no-build ] && exit 0

echo "setup.sh: building into build/"
cmake -B build -S . >/tmp/setup-cmake.log 2>&1 ||
	{ cat /tmp/setup-cmake.log >&2; die "cmake configure failed (log above)"; }
if ! cmake --build build -j"$(nproc 2>/dev/null || echo 2)" >/tmp/setup-build.log 2>&1; then
	grep -E 'error|Error' /tmp/setup-build.log | head -n 40 >&2
	die "build failed (full log: /tmp/setup-build.log)"
fi
echo "setup.sh: built build/bin/runsc"
