#!/usr/bin/env bash
# Syscall-compatibility harness: every tests/syscalls/cases/NAME.c is built
# (dynamically linked, and -static as NAME.static), run natively and under the
# sandbox, and must produce the same stdout and exit status on both sides.
#
# usage: tests/syscalls/run.sh [options] [CASE...]
#   --sandbox "CMD ..."  command prefix that runs a program sandboxed
#                        (default: "$BUILD_DIR/bin/runsc do"; `--sandbox env`
#                        runs the "sandboxed" side natively, which checks that
#                        the cases themselves are deterministic)
#   --no-static          skip the -static variants
#   --native-only        only build and run natively (checks the cases)
#   -v, --verbose        print the sandboxed stderr of passing cases too
# Binaries and outputs go to $BUILD_DIR/syscall-compat/run.XXXXXX, removed at
# the end unless something failed or KEEP=1.
#   CASE                 case names (NAME or NAME.static); default: all
# environment: BUILD_DIR (default ./build), CASE_TIMEOUT (seconds, default 60),
#              SANDBOX (same as --sandbox), COMPAT_BUDGET (seconds, default
#              600: once the whole run has taken that long, the remaining
#              sandboxed runs are not started and count as failures, so that
#              a hanging sandbox cannot stall CI)
#
# tests/syscalls/KNOWN_FAILURES lists cases that are known to fail, one per
# line: `NAME reason...` (NAME may be a shell glob, and matches NAME.static
# too unless it ends in .static). Those are reported XFAIL and not counted as
# failures; one that passes is reported XPASS so that the line can go.
# Ends with the line `N passed, N failed`; exits 1 if anything failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
case_timeout=${CASE_TIMEOUT:-60}
budget=${COMPAT_BUDGET:-600}
sandbox=${SANDBOX:-}
do_static=1
native_only=0
verbose=0
selected=()

while [ $# -gt 0 ]; do
	case "$1" in
	--sandbox) sandbox=$2; shift 2 ;;
	--sandbox=*) sandbox=${1#--sandbox=}; shift ;;
	--no-static) do_static=0; shift ;;
	--native-only) native_only=1; shift ;;
	-v|--verbose) verbose=1; shift ;;
	-h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) selected+=("$1"); shift ;;
	esac
done
[ -n "$sandbox" ] || sandbox="$build_dir/bin/runsc do"
read -r -a sandbox_cmd <<<"$sandbox"
# Cases run from their own directory: make a relative program path absolute.
case "${sandbox_cmd[0]}" in
/*) ;;
*/*) sandbox_cmd[0]=$PWD/${sandbox_cmd[0]} ;;
esac

# One directory per run: several people may run the harness at once in a
# shared tree. Removed at the end when everything passed.
mkdir -p "$build_dir/syscall-compat"
# Kept outputs of failed runs go after an hour.
find "$build_dir/syscall-compat" -mindepth 1 -maxdepth 1 -name 'run.*' -mmin +60 \
	-exec rm -rf {} + 2>/dev/null
out=$(mktemp -d "$build_dir/syscall-compat/run.XXXXXX")

# name -> reason, from KNOWN_FAILURES
known_pats=()
known_why=()
if [ -f "$here/KNOWN_FAILURES" ]; then
	while read -r pat why; do
		case "$pat" in '' | \#*) continue ;; esac
		known_pats+=("$pat")
		known_why+=("${why:-no reason given}")
	done <"$here/KNOWN_FAILURES"
fi

known_reason() { # NAME -> prints the reason and returns 0 if known-failing
	local name=$1 base=${1%.static} i
	for i in "${!known_pats[@]}"; do
		# shellcheck disable=SC2053 # the pattern is a glob on purpose
		if [[ $name == ${known_pats[$i]} ]] ||
			{ [[ ${known_pats[$i]} != *.static ]] && [[ $base == ${known_pats[$i]} ]]; }; then
			echo "${known_why[$i]}"
			return 0
		fi
	done
	return 1
}

passed=0 failed=0 xfailed=0 xpassed=0
failed_names=()

result() { # STATUS NAME [DETAIL]
	local status=$1 name=$2 detail=${3:-} why
	if why=$(known_reason "$name"); then
		if [ "$status" = PASS ]; then
			echo "XPASS $name (listed in KNOWN_FAILURES: $why)"
			passed=$((passed + 1)) xpassed=$((xpassed + 1))
		else
			echo "XFAIL $name ($why)"
			[ "$verbose" = 1 ] && [ -n "$detail" ] && printf '%s\n' "$detail" | sed 's/^/    /'
			xfailed=$((xfailed + 1))
		fi
		return
	fi
	echo "$status $name"
	if [ "$status" = PASS ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failed_names+=("$name")
		[ -n "$detail" ] && printf '%s\n' "$detail" | sed 's/^/    /'
	fi
}

run_one() { # BINARY STDOUT STDERR [PREFIX...] -> prints exit status
	local bin=$1 so=$2 se=$3
	shift 3
	# Descriptors inherited from whoever runs us must not show in the case.
	(cd "$out" && exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- && exec timeout -k 5 "$case_timeout" "$@" "$bin" </dev/null >"$so" 2>"$se")
	echo $?
}

cases=()
if [ ${#selected[@]} -gt 0 ]; then
	for c in "${selected[@]}"; do cases+=("${c%.static}"); done
	mapfile -t cases < <(printf '%s\n' "${cases[@]}" | sort -u)
else
	for f in "$here"/cases/*.c; do
		[ -e "$f" ] || continue
		b=$(basename "$f" .c)
		cases+=("$b")
	done
fi

want() { # NAME: selected on the command line (or nothing selected)?
	[ ${#selected[@]} -eq 0 ] && return 0
	local s
	for s in "${selected[@]}"; do [ "$s" = "$1" ] && return 0; done
	# "NAME" selects both variants
	for s in "${selected[@]}"; do [ "$s" = "${1%.static}" ] && return 0; done
	return 1
}

cflags=(-std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter
	-Wno-unused-function -Wno-nonnull -Wno-stringop-overflow
	-Wno-stringop-overread -Wno-unused-result -Wno-array-bounds -pthread -I"$here")

echo "== syscall compat: ${#cases[@]} cases, sandbox: ${sandbox_cmd[*]}"
if [ "$native_only" = 0 ] && [ ! -x "${sandbox_cmd[0]}" ] &&
	! command -v "${sandbox_cmd[0]}" >/dev/null; then
	echo "note: ${sandbox_cmd[0]} does not exist: every sandboxed run will fail"
fi

for c in "${cases[@]}"; do
	src=$here/cases/$c.c
	variants=("$c")
	[ "$do_static" = 1 ] && variants+=("$c.static")
	for v in "${variants[@]}"; do
		want "$v" || continue
		bin=$out/$v
		extra=()
		[[ $v == *.static ]] && extra=(-static)
		if [ ! -f "$src" ]; then
			result FAIL "$v" "no such case: $src"
			continue
		fi
		if ! gcc "${cflags[@]}" "${extra[@]}" -o "$bin" "$src" 2>"$out/$v.cc.log"; then
			result FAIL "$v" "does not compile:
$(head -n 30 "$out/$v.cc.log")"
			continue
		fi
		ns=$(run_one "$bin" "$out/$v.native.out" "$out/$v.native.err")
		if [ "$ns" != 0 ]; then
			result FAIL "$v" "the NATIVE run exited $ns (the case itself is broken):
$(tail -n 20 "$out/$v.native.out")
$(tail -n 10 "$out/$v.native.err")"
			continue
		fi
		if [ "$native_only" = 1 ]; then
			result PASS "$v"
			continue
		fi
		if [ "$SECONDS" -ge "$budget" ]; then
			result FAIL "$v" "not run: the time budget of ${budget}s (COMPAT_BUDGET) is used up"
			continue
		fi
		ss=$(run_one "$bin" "$out/$v.sandbox.out" "$out/$v.sandbox.err" "${sandbox_cmd[@]}")
		if [ "$ss" = "$ns" ] && cmp -s "$out/$v.native.out" "$out/$v.sandbox.out"; then
			result PASS "$v"
			[ "$verbose" = 1 ] && [ -s "$out/$v.sandbox.err" ] && sed 's/^/    stderr: /' "$out/$v.sandbox.err" | head -n 20
		else
			why="exit status: native $ns, sandbox $ss"
			[ "$ss" = 124 ] && why="$why (timed out after ${case_timeout}s)"
			result FAIL "$v" "$why
--- native stdout
+++ sandbox stdout
$(diff -u "$out/$v.native.out" "$out/$v.sandbox.out" | tail -n +3 | head -n 60)
sandbox stderr (last lines):
$(tail -n 15 "$out/$v.sandbox.err")"
		fi
	done
done

echo
[ "$xfailed" -gt 0 ] && echo "$xfailed known failures (XFAIL), listed in tests/syscalls/KNOWN_FAILURES"
[ "$xpassed" -gt 0 ] && echo "$xpassed listed in KNOWN_FAILURES passed (XPASS): remove them from the list"
[ "$failed" -gt 0 ] && echo "failed: ${failed_names[*]}"
if [ "$failed" -eq 0 ] && [ -z "${KEEP:-}" ]; then
	rm -rf "$out"
else
	echo "outputs kept in $out"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
