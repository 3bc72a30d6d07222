#!/usr/bin/env bash
# Runs every integration suite (tests/integration/*.sh but lib.sh and this
# file), or those named: `tests/integration/run.sh [SUITE...]`.
# Environment as in lib.sh (BUILD_DIR, RUNSC, SANDBOX, IT_TIMEOUT, IT_BUDGET:
# one time budget, default 900 s, shared by all suites).
# Ends with `N passed, N failed` over all suites; exits 1 if anything failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)

suites=()
if [ $# -gt 0 ]; then
	for s in "$@"; do suites+=("$here/${s%.sh}.sh"); done
else
	for f in "$here"/*.sh; do
		case "$(basename "$f")" in lib.sh | run.sh) continue ;; esac
		suites+=("$f")
	done
fi

export IT_DEADLINE=${IT_DEADLINE:-$(($(date +%s) + ${IT_BUDGET:-900}))}
total_p=0 total_f=0
summary=()
for s in "${suites[@]}"; do
	name=$(basename "$s" .sh)
	echo "== integration: $name"
	log=$(mktemp)
	bash "$s" 2>&1 | tee "$log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	rm -f "$log"
	if [ -z "$line" ]; then
		# The suite died before its summary: count that as a failure.
		echo "FAIL $name/suite (ended without a summary)"
		p=0 f=1
	else
		p=${line%% passed*}
		f=${line#*passed, }
		f=${f%% failed*}
	fi
	total_p=$((total_p + p))
	total_f=$((total_f + f))
	summary+=("$(printf '%-12s %4d passed, %4d failed' "$name" "$p" "$f")")
done
echo
echo "== integration summary"
printf '%s\n' "${summary[@]}"
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
