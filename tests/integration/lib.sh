# shellcheck shell=bash
# Shared helpers for the integration tests; source it from tests/integration/*.sh.
#
# Each test has a name SUITE/NAME (SUITE is the script's name without .sh)
# and ends as PASS, FAIL (with details) or XFAIL/XPASS when listed in
# tests/integration/KNOWN_FAILURES (`SUITE/NAME reason...`, globs allowed,
# e.g. `python/* no python yet`). it_summary prints `N passed, N failed`
# and returns non-zero if anything failed.
#
# Environment:
#   BUILD_DIR   build directory (default ./build)
#   RUNSC       the runsc binary (default $BUILD_DIR/bin/runsc)
#   SANDBOX     command prefix that runs a program sandboxed
#               (default "$RUNSC do"; "env" checks the tests natively)
#   IT_TIMEOUT  seconds each command may take (default 60)
#   IT_DEADLINE epoch seconds after which sandboxed commands are no longer
#               started and fail at once (default: now + IT_BUDGET, 900 s), so
#               that a hanging sandbox cannot stall CI; run.sh sets one
#               deadline for all suites

set -u

IT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$IT_DIR/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
RUNSC=${RUNSC:-$BUILD_DIR/bin/runsc}
SANDBOX=${SANDBOX:-$RUNSC do}
IT_TIMEOUT=${IT_TIMEOUT:-60}
IT_DEADLINE=${IT_DEADLINE:-$(($(date +%s) + ${IT_BUDGET:-900}))}
read -r -a SANDBOX_CMD <<<"$SANDBOX"
# The suites cd into their work directory: make relative program paths absolute.
case "${SANDBOX_CMD[0]}" in
/*) ;;
*/*) SANDBOX_CMD[0]=$PWD/${SANDBOX_CMD[0]} SANDBOX="$PWD/$SANDBOX" ;;
esac
case "$RUNSC" in
/*) ;;
*/*) RUNSC=$PWD/$RUNSC ;;
esac
SUITE=$(basename "$0" .sh)

# Scratch space on the host's disk, NOT under /tmp: the sandbox's /tmp is its
# own in-memory overlay, and both sides must see the same fixtures.
# One directory per run (several people may run the tests at once in a
# shared tree); it_summary removes it when everything passed, unless KEEP=1.
mkdir -p "$BUILD_DIR/integration"
# Kept outputs of failed runs go after an hour.
find "$BUILD_DIR/integration" -mindepth 1 -maxdepth 1 -name "$SUITE.*" -mmin +60 \
	-exec rm -rf {} + 2>/dev/null
IT_WORK=$(mktemp -d "$BUILD_DIR/integration/$SUITE.XXXXXX")

it_passed=0
it_failed=0
it_xfailed=0
it_failed_names=()

_it_known() { # NAME -> prints the reason if NAME is a known failure
	local name=$1 pat why
	[ -f "$IT_DIR/KNOWN_FAILURES" ] || return 1
	while read -r pat why; do
		case "$pat" in '' | \#*) continue ;; esac
		# shellcheck disable=SC2053 # glob on purpose
		if [[ $name == $pat ]]; then
			echo "${why:-no reason given}"
			return 0
		fi
	done <"$IT_DIR/KNOWN_FAILURES"
	return 1
}

# it_result PASS|FAIL NAME [DETAIL]
it_result() {
	local status=$1 name="$SUITE/$2" detail=${3:-} why
	if why=$(_it_known "$name"); then
		if [ "$status" = PASS ]; then
			echo "XPASS $name (listed in KNOWN_FAILURES: $why)"
			it_passed=$((it_passed + 1))
		else
			echo "XFAIL $name ($why)"
			it_xfailed=$((it_xfailed + 1))
		fi
		return 0
	fi
	echo "$status $name"
	if [ "$status" = PASS ]; then
		it_passed=$((it_passed + 1))
	else
		it_failed=$((it_failed + 1))
		it_failed_names+=("$name")
		[ -n "$detail" ] && printf '%s\n' "$detail" | sed 's/^/    /'
	fi
	return 0
}

it_pass() { it_result PASS "$1"; }
it_fail() { it_result FAIL "$1" "${2:-}"; }

# it_run OUT ERR CMD... : run CMD with stdin from /dev/null and a time limit,
# stdout to OUT and stderr to ERR; prints the exit status.
it_run() {
	local out=$1 err=$2
	shift 2
	if { [ "$1" = "${SANDBOX_CMD[0]}" ] || [ "$1" = "$RUNSC" ]; } &&
		[ "$(date +%s)" -ge "$IT_DEADLINE" ]; then
		echo "not run: the integration time budget is used up (IT_BUDGET)" >"$err"
		: >"$out"
		echo 254
		return
	fi
	timeout -k 5 "$IT_TIMEOUT" "$@" </dev/null >"$out" 2>"$err"
	echo $?
}

# it_sandboxed OUT ERR CMD... : same, inside the sandbox.
it_sandboxed() {
	local out=$1 err=$2
	shift 2
	it_run "$out" "$err" "${SANDBOX_CMD[@]}" "$@"
}

# it_compare NAME CMD... : CMD must give the same stdout and exit status
# natively and sandboxed (run from the current directory on both sides).
it_compare() {
	local name=$1
	shift
	local f=$IT_WORK/${name//\//_}
	local ns ss
	ns=$(it_run "$f.native.out" "$f.native.err" "$@")
	ss=$(it_sandboxed "$f.sandbox.out" "$f.sandbox.err" "$@")
	if [ "$ns" = "$ss" ] && cmp -s "$f.native.out" "$f.sandbox.out"; then
		it_pass "$name"
	else
		local why="exit status: native $ns, sandbox $ss"
		[ "$ss" = 124 ] && why="$why (timed out after ${IT_TIMEOUT}s)"
		it_fail "$name" "command: $*
$why
--- native stdout
+++ sandbox stdout
$(diff -u "$f.native.out" "$f.sandbox.out" | tail -n +3 | head -n 40)
sandbox stderr (last lines):
$(tail -n 10 "$f.sandbox.err")"
	fi
}

# it_compare_sh NAME SCRIPT : it_compare of `/bin/sh -c SCRIPT`.
it_compare_sh() {
	it_compare "$1" /bin/sh -c "$2"
}

# it_expect NAME WANT_STATUS WANT_STDOUT CMD... : sandboxed CMD must exit
# WANT_STATUS and print exactly WANT_STDOUT (a string; "-" to skip).
it_expect() {
	local name=$1 want_st=$2 want_out=$3
	shift 3
	local f=$IT_WORK/${name//\//_} st
	st=$(it_sandboxed "$f.out" "$f.err" "$@")
	if [ "$st" = "$want_st" ] &&
		{ [ "$want_out" = "-" ] || [ "$(cat "$f.out")" = "$want_out" ]; }; then
		it_pass "$name"
	else
		it_fail "$name" "command: $*
exit status $st (want $want_st)
stdout: $(head -c 2000 "$f.out")
want:   $want_out
stderr: $(tail -n 10 "$f.err")"
	fi
}

it_summary() {
	echo
	[ "$it_xfailed" -gt 0 ] && echo "$it_xfailed known failures (XFAIL)"
	[ "$it_failed" -gt 0 ] && echo "failed: ${it_failed_names[*]}"
	if [ "$it_failed" -eq 0 ] && [ -z "${KEEP:-}" ]; then
		rm -rf "$IT_WORK"
	else
		echo "outputs kept in $IT_WORK"
	fi
	echo "$it_passed passed, $it_failed failed"
	[ "$it_failed" -eq 0 ]
}
