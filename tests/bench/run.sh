#!/usr/bin/env bash
# The benchmark suite of issue 3: small C microbenchmarks and two real
# workloads, each run natively, under our runsc (ptrace, and systrap once
# `runsc --platform=systrap do /bin/true` works), and under peers from
# Debian's packages in the same run: gVisor's runsc, proot and
# user-mode-linux. Prints a markdown table of medians and ratios to native;
# a row that does not work somewhere prints n/a with the reason below the
# table, never a made-up figure.
#
#   bash tests/bench/run.sh [--quick] [--write-doc] [options]
#
#   --quick         fewer and shorter runs (CI; under about 2 minutes)
#   --write-doc     also write docs/performance.md (table, machine, command)
#   --reps N        runs per microbenchmark row (default 5, quick 3)
#   --envs LIST     comma-separated subset of: native,ptrace,systrap,gvisor,proot,uml
#   --rows LIST     comma-separated subset of the rows: null,read,gtod,fork,exec,
#                   start,pipe,futex,mmap,pf,make,python,rss,pss,cpu
#   --no-build      use the existing build/bin/runsc instead of rebuilding it
#   --no-install    do not apt-get install missing peers (runsc, proot, user-mode-linux)
#
# Environment: BUILD_DIR (default ./build), RUNSC (default $BUILD_DIR/bin/runsc).
# Scratch files and per-run logs go to $BUILD_DIR/bench/run.* (kept, for the
# reasons behind an n/a). This is a benchmark, not a test: it is not part of
# tests/run_all.sh and it does not fail when a sandbox is slow.

set -u
export LC_ALL=C
TAB=$'\t'

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$PWD/$BUILD_DIR ;; esac
RUNSC=${RUNSC:-$BUILD_DIR/bin/runsc}
GVISOR=/usr/bin/runsc
UML=/usr/bin/linux.uml
CMDLINE="bash tests/bench/run.sh $*"

QUICK=0 WRITE_DOC=0 BUILD=1 INSTALL=1 REPS='' ENVS_WANTED='' ROWS_WANTED=''
while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	--write-doc) WRITE_DOC=1 ;;
	--reps) REPS=$2; shift ;;
	--reps=*) REPS=${1#*=} ;;
	--envs) ENVS_WANTED=$2; shift ;;
	--envs=*) ENVS_WANTED=${1#*=} ;;
	--rows) ROWS_WANTED=$2; shift ;;
	--rows=*) ROWS_WANTED=${1#*=} ;;
	--no-build) BUILD=0 ;;
	--no-install) INSTALL=0 ;;
	-h | --help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done

# Run counts. Microbenchmarks time themselves for TARGET_MS per run (they
# grow their iteration count until one batch lasts that long); heavy rows
# (gcc/make, idle sleep, UML boots) get fewer runs.
if [ "$QUICK" = 1 ]; then
	TARGET_MS=50 REPS=${REPS:-3} HEAVY_REPS=1 START_REPS=3 PY_REPS=1
	# UML is slow to boot and to fault pages (a 64 MiB touch takes about
	# 10 s there): one pass without the two page-fault rows and without
	# gcc/make (about 25 s), to stay near two minutes.
	UML_REPS=1 UML_MAKE=0 UML_SKIP=",mmap,pf,"
else
	TARGET_MS=200 REPS=${REPS:-5} HEAVY_REPS=3 START_REPS=5 PY_REPS=3
	# UML: three passes of the microbenchmarks and one gcc/make (about
	# 25 s there) in a single boot, to keep the whole run near 10 minutes.
	UML_REPS=3 UML_MAKE=1 UML_SKIP=""
fi
# Seconds a single run may take: a sandbox that hangs costs this once per
# row and environment (a row that failed once is not run there again).
TIMEOUT=60
WORK_TIMEOUT=300 # gcc/make and python
# The interpreter itself: a python3 found on PATH may be a wrapper (pyenv's
# shim is a bash script that runs several processes before python starts),
# which would time the wrapper's start-up, not python's.
PYTHON3=$(readlink -f "$(command -v python3)" 2>/dev/null)
[ -x /usr/bin/python3 ] && PYTHON3=/usr/bin/python3

# Environments, in table order.
# spatch (systrap with --syscall-patch, an experiment) runs only when
# --envs names it.
ENV_IDS=(native ptrace systrap spatch gvisor proot uml)
declare -A ENV_TITLE=(
	[native]="native" [ptrace]="ours ptrace" [systrap]="ours systrap"
	[spatch]="ours systrap --syscall-patch"
	[gvisor]="gVisor ptrace" [proot]="proot" [uml]="UML")

# Rows: id|title|unit|better (low, high, or none: no ratio)
ROWS=(
	"null|null syscall (getppid via syscall(2))|ns|low"
	"read|read 1 byte from /dev/zero|ns|low"
	"gtod|gettimeofday (vDSO natively)|ns|low"
	"fork|fork + exit + wait|us|low"
	"exec|execve of a static binary|us|low"
	"start|start to exit of /bin/true (\`runsc do /bin/true\`)|ms|low"
	"pipe|pipe ping-pong, 2 processes (round trip)|us|low"
	"futex|futex ping-pong, 2 threads (round trip)|us|low"
	"mmap|mmap + touch + munmap 64 MiB|ms|low"
	"pf|page-fault rate (first-touch writes)|kfaults/s|high"
	"make|gcc + make, small C project (\`make -B -j2\`)|ms|low"
	"python|python3 -c 'import json, sqlite3, email'|ms|low"
	"rss|idle \`sleep 5\`: RSS summed over the processes|MiB|low"
	"pss|idle \`sleep 5\`: PSS summed over the processes|MiB|low"
	"cpu|idle \`sleep 5\`: CPU used, % of one CPU|%|none"
)
# Which microbenchmark binary measures a row.
declare -A ROW_BIN=(
	[null]=null_syscall [read]=read_zero [gtod]=gettimeofday [fork]=fork_wait
	[exec]=exec_static [pipe]=pipe_pingpong [futex]=futex_pingpong
	[mmap]=mmap_touch [pf]=pagefault)
MICRO_ROWS=(null read gtod fork exec pipe futex mmap pf)

T_START=$(date +%s)
want_env() { [ -z "$ENVS_WANTED" ] || [[ ",$ENVS_WANTED," == *",$1,"* ]]; }
want_row() { [ -z "$ROWS_WANTED" ] || [[ ",$ROWS_WANTED," == *",$1,"* ]]; }

log() { echo "bench: [$(($(date +%s) - T_START))s] $*" >&2; }

mkdir -p "$BUILD_DIR/bench"
WORK=$(mktemp -d "$BUILD_DIR/bench/run.XXXXXX")
BIN=$WORK/bin
LOGS=$WORK/logs
mkdir -p "$BIN" "$LOGS"
RESULTS=$WORK/results.tsv # env row value   (one line per successful run)
NA=$WORK/na.tsv           # env row reason  (why a run gave no figure)
: >"$RESULTS"
: >"$NA"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "scratch and logs in $WORK"

# --- building ----------------------------------------------------------------

if [ "$BUILD" = 1 ]; then
	log "building our runsc (cmake -B $BUILD_DIR -S $ROOT)"
	built=0
	for attempt in 1 2; do
		if cmake -B "$BUILD_DIR" -S "$ROOT" >"$LOGS/build.log" 2>&1 &&
			cmake --build "$BUILD_DIR" -j2 --target runsc runsc-sentry runsc-gofer \
				>>"$LOGS/build.log" 2>&1; then
			built=1
			break
		fi
		# The tree is shared with people editing it: a broken moment passes.
		[ "$attempt" = 1 ] && [ "$QUICK" = 0 ] && { log "build failed, retrying in 30 s"; sleep 30; } || break
	done
	if [ "$built" = 0 ]; then
		BUILD_NOTE="the build failed at $(date -u +%H:%MZ) (see $LOGS/build.log); the existing binaries were used"
		log "$BUILD_NOTE"
	fi
fi

log "building the microbenchmarks in $BIN"
CFLAGS=(-std=gnu11 -O2 -Wall -Wextra -Werror)
for src in "$BENCH_DIR"/src/*.c; do
	name=$(basename "$src" .c)
	extra=()
	# execve's row measures a static binary; everything else is dynamic, as
	# most programs are.
	[ "$name" = exec_static ] && extra=(-static)
	if ! gcc "${CFLAGS[@]}" "${extra[@]}" -pthread -o "$BIN/$name" "$src" 2>"$LOGS/cc.$name.log"; then
		log "cannot build $name:"
		cat "$LOGS/cc.$name.log" >&2
		exit 1
	fi
done
cp -r "$BENCH_DIR/src/project" "$WORK/project"

# --- the environments ----------------------------------------------------------

declare -A ENV_OK ENV_WHY
GVISOR_FLAGS=(--platform=ptrace --network=none)

install_peer() { # PACKAGE BINARY
	[ -x "$2" ] && return 0
	[ "$INSTALL" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || return 1
	log "installing $1 from Debian's archive"
	DEBIAN_FRONTEND=noninteractive apt-get install -y "$1" >"$LOGS/apt.$1.log" 2>&1 ||
		{ apt-get update >>"$LOGS/apt.$1.log" 2>&1 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y "$1" >>"$LOGS/apt.$1.log" 2>&1; }
	[ -x "$2" ]
}

probe() { # ENV CMD... : the environment works when CMD (running /bin/true) exits 0
	local env=$1 err
	shift
	err=$(timeout -k 5 60 "$@" </dev/null 2>&1 >/dev/null)
	local rc=$?
	if [ $rc = 0 ]; then
		ENV_OK[$env]=1
	else
		ENV_WHY[$env]="\`${*/#$ROOT\//}\` fails (exit $rc): $(tail -n1 <<<"$err" | cut -c1-120)"
	fi
	return $rc
}

for env in "${ENV_IDS[@]}"; do
	ENV_OK[$env]=0
	want_env "$env" || ENV_WHY[$env]="not selected (--envs)"
done
want_env native && ENV_OK[native]=1
if want_env ptrace; then
	if [ -x "$RUNSC" ]; then
		probe ptrace "$RUNSC" --platform=ptrace "do" /bin/true
	else
		ENV_WHY[ptrace]="$RUNSC not built"
	fi
fi
if want_env systrap; then
	if [ -x "$RUNSC" ]; then
		probe systrap "$RUNSC" --platform=systrap "do" /bin/true
	else
		ENV_WHY[systrap]="$RUNSC not built"
	fi
fi
if [ -n "$ENVS_WANTED" ] && want_env spatch; then
	if [ -x "$RUNSC" ]; then
		probe spatch "$RUNSC" --platform=systrap --syscall-patch "do" /bin/true
	else
		ENV_WHY[spatch]="$RUNSC not built"
	fi
else
	# Not asked for: no column at all (the table stays as it was).
	ENV_IDS=(native ptrace systrap gvisor proot uml)
fi
if want_env gvisor; then
	if install_peer runsc "$GVISOR"; then
		# As root on this kind of VM the plain flags work; the others are
		# what gVisor needs where cgroups or root are not available.
		for extra in "" "--ignore-cgroups" "--rootless --ignore-cgroups"; do
			read -r -a ex <<<"$extra"
			GVISOR_FLAGS=(--platform=ptrace --network=none "${ex[@]}")
			probe gvisor "$GVISOR" "${GVISOR_FLAGS[@]}" "do" /bin/true && break
		done
	else
		ENV_WHY[gvisor]="$GVISOR not installed (apt-get install -y runsc)"
	fi
fi
if want_env proot; then
	if install_peer proot /usr/bin/proot; then
		probe proot /usr/bin/proot /bin/true
	else
		ENV_WHY[proot]="proot not installed (apt-get install -y proot)"
	fi
fi
if want_env uml; then
	if install_peer user-mode-linux "$UML"; then
		ENV_OK[uml]=1 # confirmed by its first boot below
	else
		ENV_WHY[uml]="$UML not installed (apt-get install -y user-mode-linux)"
	fi
fi

pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "not installed"; }
GVISOR_VERSION=$(pkg_version runsc)
PROOT_VERSION=$(pkg_version proot)
UML_VERSION=$(pkg_version user-mode-linux)

# The command prefix that runs a program in an environment (uml boots apart).
prefix() {
	case $1 in
	native) PREFIX=() ;;
	ptrace) PREFIX=("$RUNSC" --platform=ptrace "do") ;;
	systrap) PREFIX=("$RUNSC" --platform=systrap "do") ;;
	spatch) PREFIX=("$RUNSC" --platform=systrap --syscall-patch "do") ;;
	gvisor) PREFIX=("$GVISOR" "${GVISOR_FLAGS[@]}" "do") ;;
	proot) PREFIX=(/usr/bin/proot) ;;
	esac
}

record() { # ENV ROW OUTPUT-FILE ERR-FILE RC : keeps the RESULT or the reason
	local env=$1 row=$2 out=$3 err=$4 rc=$5 value why
	value=$(awk '$1 == "RESULT" { v = $2 } END { if (v != "") print v }' "$out" 2>/dev/null)
	if [ "$rc" = 0 ] && [ -n "$value" ]; then
		printf '%s\t%s\t%s\n' "$env" "$row" "$value" >>"$RESULTS"
		return 0
	fi
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		why="timed out after ${RUN_TIMEOUT:-$TIMEOUT} s"
	else
		why="exit $rc: $(grep -v '^[[:space:]]*$' "$err" 2>/dev/null | tail -n1 | cut -c1-120)"
	fi
	printf '%s\t%s\t%s\n' "$env" "$row" "$why" >>"$NA"
	return 1
}

failed_before() { grep -q "^$1$TAB$2$TAB" "$NA"; }

run_row() { # ENV ROW REP CMD... : one sandboxed run of CMD, which prints RESULT
	local env=$1 row=$2 rep=$3 rc
	shift 3
	# A row that failed once in an environment is not retried: it would only
	# burn time in timeouts.
	failed_before "$env" "$row" && return 0
	prefix "$env"
	local base=$LOGS/$env.$row.$rep
	# stdout through a pipe: gVisor 2022 writes a regular file at offset 0.
	timeout -k 5 "${RUN_TIMEOUT:-$TIMEOUT}" "${PREFIX[@]}" "$@" </dev/null 2>"$base.err" | cat >"$base.out"
	rc=${PIPESTATUS[0]}
	record "$env" "$row" "$base.out" "$base.err" "$rc"
}

HOST_ENVS=()
for env in native ptrace systrap spatch gvisor proot; do
	[ "${ENV_OK[$env]}" = 1 ] && HOST_ENVS+=("$env")
done
log "environments: ${HOST_ENVS[*]}$([ "${ENV_OK[uml]}" = 1 ] && echo " uml")"

# --- microbenchmarks and workloads on the host's sandboxes -------------------
# Environments are interleaved run by run, so that the load of a shared
# machine drifting during the run spreads over all columns alike.

for ((rep = 1; rep <= REPS; rep++)); do
	log "microbenchmarks, run $rep/$REPS"
	for row in "${MICRO_ROWS[@]}"; do
		want_row "$row" || continue
		for env in "${HOST_ENVS[@]}"; do
			run_row "$env" "$row" "$rep" "$BIN/${ROW_BIN[$row]}" "$TARGET_MS"
		done
	done
done

if want_row start; then
	log "start to exit of /bin/true, $START_REPS runs"
	for ((rep = 1; rep <= START_REPS; rep++)); do
		for env in "${HOST_ENVS[@]}"; do
			failed_before "$env" start && continue
			prefix "$env"
			base=$LOGS/$env.start.$rep
			# Timed on the host: the whole sandbox, from exec to exit.
			timeout -k 5 "$TIMEOUT" "$BIN/timeit" "${PREFIX[@]}" /bin/true </dev/null 2>"$base.err" | cat >"$base.out"
			record "$env" start "$base.out" "$base.err" "${PIPESTATUS[0]}"
		done
	done
fi

if want_row python; then
	log "python3 start-up, $PY_REPS runs"
	for ((rep = 1; rep <= PY_REPS; rep++)); do
		for env in "${HOST_ENVS[@]}"; do
			RUN_TIMEOUT=$WORK_TIMEOUT run_row "$env" python "$rep" "$BIN/timeit" "$PYTHON3" -c 'import json, sqlite3, email'
		done
	done
fi

if want_row make; then
	log "gcc + make, $HEAVY_REPS runs"
	for ((rep = 1; rep <= HEAVY_REPS; rep++)); do
		for env in "${HOST_ENVS[@]}"; do
			# make -B rebuilds everything each time; sandboxes write their
			# objects to their own overlay, native and proot to the copy.
			RUN_TIMEOUT=$WORK_TIMEOUT run_row "$env" make "$rep" "$BIN/timeit" make -s -B -j2 -C "$WORK/project"
		done
	done
fi

# --- user-mode-linux -------------------------------------------------------------
# UML boots a kernel with the host's / as its read-only root (hostfs), so no
# disk image is needed; an init script runs the same binaries inside and
# prints "@@ ROW RESULT value unit" lines on the console.

UML_MEM=768M
uml_boot() { # INIT-SCRIPT CONSOLE-FILE : boots UML in the foreground
	timeout -k 5 600 "$UML" mem=$UML_MEM root=/dev/root rootfstype=hostfs rootflags=/ ro quiet \
		init="$1" con=null con0=null,fd:1 </dev/null >"$2" 2>&1
}
uml_init() { # FILE, then the body on stdin
	{
		echo '#!/bin/sh'
		echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8'
		echo 'mount -t proc proc /proc; mount -t tmpfs tmpfs /tmp; mount -t tmpfs tmpfs /run'
		echo 'echo "@@ up"'
		cat
		echo 'halt -f >/dev/null 2>&1 || echo o >/proc/sysrq-trigger'
	} >"$1"
	chmod +x "$1"
}
uml_collect() { # CONSOLE-FILE REP-TAG : turns "@@ ROW RESULT v u" lines into results
	local row tag value
	tr -d '\r' <"$1" | while read -r tag row rest; do
		[ "$tag" = "@@" ] || continue
		case $rest in
		RESULT*)
			value=$(awk '{ print $2 }' <<<"$rest")
			printf 'uml\t%s\t%s\n' "$row" "$value" >>"$RESULTS"
			;;
		FAIL*) failed_before uml "$row" || printf 'uml\t%s\t%s\n' "$row" "${rest#FAIL }" >>"$NA" ;;
		esac
	done
}
uml_na_all() { # REASON : UML did not boot
	ENV_OK[uml]=0
	ENV_WHY[uml]=$1
}

if [ "${ENV_OK[uml]}" = 1 ] && want_row start; then
	uml_init "$WORK/uml-true.sh" <<<'/bin/true && echo "@@ true-ok"'
	log "UML: boot + /bin/true + halt, $HEAVY_REPS runs"
	for ((rep = 1; rep <= HEAVY_REPS; rep++)); do
		base=$LOGS/uml.start.$rep
		timeout -k 5 "$TIMEOUT" "$BIN/timeit" "$UML" mem=$UML_MEM root=/dev/root rootfstype=hostfs \
			rootflags=/ ro quiet init="$WORK/uml-true.sh" con=null con0=null,fd:2 \
			</dev/null 2>"$base.err" | cat >"$base.out"
		rc=${PIPESTATUS[0]}
		if ! grep -q '@@ true-ok' "$base.err"; then
			uml_na_all "did not boot with hostfs as root (see $base.err): $(grep -v '^[[:space:]]*$' "$base.err" | tail -n1 | tr -d '\r' | cut -c1-100)"
			break
		fi
		record uml start "$base.out" "$base.err" "$rc"
	done
fi

if [ "${ENV_OK[uml]}" = 1 ]; then
	{
		for row in "${MICRO_ROWS[@]}"; do
			want_row "$row" && [[ $UML_SKIP == *",$row,"* ]] &&
				printf 'uml\t%s\t%s\n' "$row" "skipped by --quick (slow in UML)" >>"$NA"
		done
		for ((rep = 1; rep <= UML_REPS; rep++)); do
			for row in "${MICRO_ROWS[@]}"; do
				want_row "$row" || continue
				[[ $UML_SKIP == *",$row,"* ]] && continue
				echo "o=\$($BIN/${ROW_BIN[$row]} $TARGET_MS 2>&1 </dev/null | tail -n1); case \$o in RESULT*) echo \"@@ $row \$o\";; *) echo \"@@ $row FAIL \$o\";; esac"
			done
		done
		if want_row python; then
			for ((rep = 1; rep <= PY_REPS; rep++)); do
				echo "o=\$($BIN/timeit $PYTHON3 -c 'import json, sqlite3, email' 2>&1 </dev/null | tail -n1); case \$o in RESULT*) echo \"@@ python \$o\";; *) echo \"@@ python FAIL \$o\";; esac"
			done
		fi
		if want_row make && [ "$UML_MAKE" = 0 ]; then
			printf 'uml\tmake\t%s\n' "skipped by --quick (about 25 s in UML)" >>"$NA"
		elif want_row make; then
			# The root is read-only hostfs: build in the guest's tmpfs.
			echo "cp -r $WORK/project /tmp/project"
			for ((rep = 1; rep <= UML_MAKE; rep++)); do
				echo "o=\$($BIN/timeit make -s -B -j2 -C /tmp/project 2>&1 </dev/null | tail -n1); case \$o in RESULT*) echo \"@@ make \$o\";; *) echo \"@@ make FAIL \$o\";; esac"
			done
		fi
		echo 'echo "@@ done"'
	} | uml_init "$WORK/uml-bench.sh"
	log "UML: microbenchmarks and workloads in one boot"
	uml_boot "$WORK/uml-bench.sh" "$LOGS/uml.bench.console"
	if grep -q '^@@ up' <(tr -d '\r' <"$LOGS/uml.bench.console"); then
		uml_collect "$LOGS/uml.bench.console"
		grep -q '^@@ done' <(tr -d '\r' <"$LOGS/uml.bench.console") ||
			log "UML: the benchmark boot ended early (see $LOGS/uml.bench.console)"
	else
		uml_na_all "did not boot with hostfs as root: $(tail -n1 "$LOGS/uml.bench.console" | tr -d '\r' | cut -c1-100)"
	fi
fi

# --- idle sandbox: memory and CPU ------------------------------------------------
# Each environment runs `sleep 5`; two samples of its whole process tree
# (the command we started and every descendant: runsc, sentry, gofer and
# stubs for ours; every runsc process for gVisor; proot and its tracee; all
# of UML's host processes) 1.5 s and 4.0 s after the start give the
# resident memory and the CPU time used in between. The host's environments
# run side by side (they are idle, and CPU time is accounted per process, so
# they do not inflate each other's figures); UML runs after them, alone,
# since its boot is CPU-heavy, and is sampled from the moment its init
# prints that the sleep began.

idle_sample() { # ENV PID : samples the tree under PID (a timeout(1) wrapper, left out)
	local env=$1 pid=$2 s1 s2 t1 t2 row
	s1=$("$BIN/treestat" -x "$pid" 2>/dev/null)
	t1=$(date +%s%N)
	sleep 2.5
	s2=$("$BIN/treestat" -x "$pid" 2>/dev/null)
	t2=$(date +%s%N)
	printf '%s\n%s\n' "${s1:-gone}" "${s2:-gone}" >>"$LOGS/$env.idle.samples"
	if [ -z "$s1" ] || [ -z "$s2" ]; then
		for row in rss pss cpu; do
			printf '%s\t%s\t%s\n' "$env" "$row" "the sandbox was gone at the $([ -z "$s1" ] && echo first || echo second) sample, $(((t2 - T0_IDLE) / 1000000)) ms after the start (see $LOGS/$env.idle.*)" >>"$NA"
		done
		return
	fi
	awk -v e="$env" -v s1="$s1" -v s2="$s2" -v dt=$((t2 - t1)) 'BEGIN {
		split(s1, a, " "); split(s2, b, " ")
		printf "%s\trss\t%.2f\n%s\tpss\t%.2f\n%s\tcpu\t%.3f\n",
			e, b[4] / 1024, e, b[6] / 1024, e, (b[8] - a[8]) / dt * 100
	}' >>"$RESULTS"
}

if want_row rss || want_row pss || want_row cpu; then
	log "idle sleep 5: memory and CPU, $HEAVY_REPS runs"
	for ((rep = 1; rep <= HEAVY_REPS; rep++)); do
		pids=()
		for env in "${HOST_ENVS[@]}"; do
			prefix "$env"
			T0_IDLE=$(date +%s%N)
			timeout -k 5 60 "${PREFIX[@]}" sleep 5 </dev/null >/dev/null 2>"$LOGS/$env.idle.$rep.err" &
			spid=$!
			(
				sleep 1.5
				idle_sample "$env" "$spid"
			) &
			pids+=($! "$spid")
		done
		wait "${pids[@]}"
		# UML alone: its boot is CPU-heavy and would slow the others' start.
		if [ "${ENV_OK[uml]}" = 1 ]; then
			console=$LOGS/uml.idle.$rep.console
			uml_init "$WORK/uml-idle.sh" <<<'echo "@@ idle-start"; sleep 5; echo "@@ idle-end"'
			timeout -k 5 120 "$UML" mem=$UML_MEM root=/dev/root rootfstype=hostfs rootflags=/ ro quiet \
				init="$WORK/uml-idle.sh" con=null con0=null,fd:1 </dev/null >"$console" 2>&1 &
			uml_pid=$!
			for ((i = 0; i < 1200; i++)); do
				grep -q '@@ idle-start' "$console" 2>/dev/null && break
				sleep 0.05
			done
			T0_IDLE=$(date +%s%N)
			sleep 1.5
			idle_sample uml "$uml_pid"
			wait "$uml_pid"
		fi
	done
fi

# --- the table -----------------------------------------------------------------

median() { # ENV ROW -> the median of the recorded values, or nothing
	awk -F'\t' -v e="$1" -v r="$2" '$1 == e && $2 == r { print $3 }' "$RESULTS" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
nruns() { awk -F'\t' -v e="$1" -v r="$2" '$1 == e && $2 == r' "$RESULTS" | wc -l; }
fmt() { # VALUE : three significant figures, no exponent
	awk -v v="$1" 'BEGIN {
		a = v < 0 ? -v : v
		if (a >= 100) printf "%.0f", v; else if (a >= 10) printf "%.1f", v;
		else if (a >= 1) printf "%.2f", v; else printf "%.3f", v }'
}

declare -A MED
for spec in "${ROWS[@]}"; do
	IFS='|' read -r row title unit better <<<"$spec"
	for env in "${ENV_IDS[@]}"; do
		MED[$env.$row]=$(median "$env" "$row")
	done
done

ratio() { # ENV ROW BETTER -> cost relative to native (>1: slower / bigger)
	local n=${MED[native.$2]} v=${MED[$1.$2]}
	[ -n "$n" ] && [ -n "$v" ] && [ "$3" != none ] || return 1
	awk -v n="$n" -v v="$v" -v b="$3" 'BEGIN {
		if (n <= 0 || v <= 0) exit 1
		r = b == "high" ? n / v : v / n
		printf(r >= 10 ? "%.0f" : "%.2f", r) }'
}

declare -A NOTE_NUM
NOTES=()
note_for() { # TEXT -> MARK, a footnote mark numbering each distinct text once
	local t=$1
	if [ -z "${NOTE_NUM[$t]:-}" ]; then
		NOTES+=("$t")
		NOTE_NUM[$t]=${#NOTES[@]}
	fi
	MARK="[${NOTE_NUM[$t]}]"
}

TABLE=$WORK/table.md
{
	printf '| benchmark | unit |'
	for env in "${ENV_IDS[@]}"; do printf ' %s |' "${ENV_TITLE[$env]}"; done
	printf '\n|---|---|'
	for env in "${ENV_IDS[@]}"; do printf -- '---:|'; done
	printf '\n'
	for spec in "${ROWS[@]}"; do
		IFS='|' read -r row title unit better <<<"$spec"
		want_row "$row" || continue
		printf '| %s | %s |' "$title" "$unit"
		for env in "${ENV_IDS[@]}"; do
			v=${MED[$env.$row]}
			if [ -n "$v" ]; then
				cell=$(fmt "$v")
				if [ "$env" != native ] && r=$(ratio "$env" "$row" "$better"); then
					cell="$cell (${r}x)"
				fi
				total=$(grep -c "^$env$TAB$row$TAB" "$RESULTS")
				fails=$(grep -c "^$env$TAB$row$TAB" "$NA")
				if [ "$fails" -gt 0 ]; then
					note_for "$fails of $((total + fails)) runs failed in ${ENV_TITLE[$env]}: $(grep "^$env$TAB$row$TAB" "$NA" | head -n1 | cut -f3)"
					cell="$cell $MARK"
				fi
			elif [ "${ENV_OK[$env]}" != 1 ]; then
				note_for "${ENV_TITLE[$env]}: ${ENV_WHY[$env]:-unavailable}"
				cell="n/a $MARK"
			elif why=$(grep "^$env$TAB$row$TAB" "$NA" | head -n1 | cut -f3) && [ -n "$why" ]; then
				note_for "${ENV_TITLE[$env]}, $title: $why"
				cell="n/a $MARK"
			else
				note_for "${ENV_TITLE[$env]}, $title: not measured in this environment"
				cell="n/a $MARK"
			fi
			printf ' %s |' "$cell"
		done
		printf '\n'
	done
	if [ ${#NOTES[@]} -gt 0 ]; then
		printf '\n'
		for i in "${!NOTES[@]}"; do
			printf '%s. %s\n' "[$((i + 1))]" "${NOTES[$i]//|/\\|}"
		done
	fi
} >"$TABLE"

# The targets of issue 3, checked against this run's medians.
TARGETS=$WORK/targets.md
check() { # TEXT VALUE-EXPRESSION-RESULT(yes/no/n/a)
	printf '| %s | %s |\n' "$1" "$2"
}
cmp_target() { # A B OP : A OP B with awk, printing yes/no, or n/a when missing
	[ -n "$1" ] && [ -n "$2" ] || { echo "n/a"; return; }
	awk -v a="$1" -v b="$2" -v op="$3" 'BEGIN {
		ok = op == "le" ? a <= b : a >= b; print ok ? "yes" : "no" }'
}
{
	echo '| target (issue 3) | met in this run |'
	echo '|---|---|'
	g=${MED[gvisor.null]} p=${MED[ptrace.null]} s=${MED[systrap.null]} n=${MED[native.null]}
	check "ptrace null syscall <= 0.5x gVisor's ptrace" \
		"$(cmp_target "$p" "$(awk -v g="${g:-0}" 'BEGIN { print g * 0.5 }')" le)$([ -n "$g" ] || echo ' (no gVisor figure)')"
	check "systrap null syscall <= 5x native" \
		"$([ -n "$s" ] && cmp_target "$s" "$(awk -v n="$n" 'BEGIN { print n * 5 }')" le || echo n/a)"
	check "\`runsc do /bin/true\` under 30 ms (ptrace)" "$(cmp_target "${MED[ptrace.start]}" 30 le)"
	check "\`runsc do /bin/true\` under 30 ms (systrap)" "$(cmp_target "${MED[systrap.start]}" 30 le)"
	over=""
	[ -n "${MED[ptrace.pss]}" ] && [ -n "${MED[native.pss]}" ] &&
		over=$(awk -v a="${MED[ptrace.pss]}" -v b="${MED[native.pss]}" 'BEGIN { print a - b }')
	check "idle sandbox overhead under 8 MiB (ptrace, PSS over native)" "$(cmp_target "$over" 8 le)$([ -n "$over" ] && printf ' (%s MiB)' "$(fmt "$over")")"
	mk=""
	[ -n "${MED[systrap.make]}" ] && mk=$(awk -v a="${MED[native.make]}" -v b="${MED[systrap.make]}" 'BEGIN { print a / b }')
	check "gcc/make at least 0.7x native speed on systrap" "$(cmp_target "$mk" 0.7 ge)"
	check "idle sandbox under 1% of a CPU (ptrace)" "$(cmp_target "${MED[ptrace.cpu]}" 1 le)"
	check "idle sandbox under 1% of a CPU (systrap)" "$(cmp_target "${MED[systrap.cpu]}" 1 le)"
} >"$TARGETS"

ELAPSED=$(($(date +%s) - T_START))
echo
cat "$TABLE"
echo
cat "$TARGETS"
echo
SUMMARY="Medians of $REPS runs per microbenchmark (each timing itself for at least $TARGET_MS ms), $START_REPS start-ups, $PY_REPS python start-ups, $HEAVY_REPS runs of gcc/make and of the idle sleep; UML: $HEAVY_REPS boots for the start-up row, then one boot with $UML_REPS passes of the microbenchmarks, $PY_REPS python start-ups and $UML_MAKE gcc/make. The whole run took ${ELAPSED} s."
echo "$SUMMARY Logs: $WORK"

if [ "$WRITE_DOC" = 1 ]; then
	DOC=$ROOT/docs/performance.md
	MODEL=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
	MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)
	DIRTY=$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -qv '^??' && echo " plus uncommitted changes")
	{
		echo '# Performance'
		echo
		echo '<!-- Generated by tests/bench/run.sh --write-doc; rerun it rather than editing. -->'
		echo
		echo "Our sandbox (\`build/bin/runsc\`, commit ${REV:-unknown}${DIRTY}) side by side with native"
		echo "execution and with peers installed from Debian's packages, all in one run on one machine."
		echo 'Each cell is a median; the ratio in parentheses is the cost relative to native'
		echo '(time, memory, or for the page-fault rate native rate / rate: above 1 is slower or bigger).'
		echo 'n/a means the feature does not work there (or not yet): the reason is in the notes.'
		echo
		echo '## Machine'
		echo
		echo "- $(nproc) CPUs: $MODEL; $MEM of memory"
		echo "- kernel $(uname -r) ($(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"))"
		echo "- date $(date -u '+%Y-%m-%d %H:%M UTC'); load average at the start ${LOAD_START}, at the end $(cut -d' ' -f1-3 /proc/loadavg)"
		echo "- peers: gVisor runsc $GVISOR_VERSION (\`$GVISOR ${GVISOR_FLAGS[*]} do\`), proot $PROOT_VERSION, user-mode-linux $UML_VERSION (\`linux.uml mem=$UML_MEM root=/dev/root rootfstype=hostfs rootflags=/ ro init=SCRIPT\`)"
		[ -n "${BUILD_NOTE:-}" ] && echo "- note: $BUILD_NOTE"
		echo
		echo '## Command'
		echo
		echo '```sh'
		echo "$CMDLINE"
		echo '```'
		echo
		echo "$SUMMARY"
		echo
		echo '## Results'
		echo
		cat "$TABLE"
		echo
		echo '## Targets'
		echo
		cat "$TARGETS"
		echo
		cat "$BENCH_DIR/METHOD.md"
	} >"$DOC"
	log "wrote $DOC"
fi
