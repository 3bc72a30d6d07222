#!/usr/bin/env bash
# The runsc front end: exit statuses like a shell's (127 not found, 126 not
# executable), one clear line of error, global flags (--strace,
# --platform, --debug-log), and exit statuses passed through.
. "$(dirname "$0")/lib.sh"

cd "$IT_WORK" || exit 1
printf 'data\n' >plain.txt
chmod 644 plain.txt
printf 'hello\n' >hello.txt

if [ ! -x "$RUNSC" ]; then
	it_fail setup "$RUNSC not built"
	it_summary
	exit
fi

# expect_error NAME WANT_STATUS ARGS... : runsc ARGS exits WANT_STATUS and
# prints exactly one non-empty line on stderr, nothing on stdout.
expect_error() {
	local name=$1 want=$2 st
	shift 2
	st=$(it_run "$IT_WORK/$name.out" "$IT_WORK/$name.err" "$RUNSC" "$@")
	local lines
	lines=$(grep -c . "$IT_WORK/$name.err")
	if [ "$st" = "$want" ] && [ "$lines" = 1 ] && [ ! -s "$IT_WORK/$name.out" ]; then
		it_pass "$name"
	else
		it_fail "$name" "runsc $*: exit status $st (want $want), $lines stderr lines (want 1):
$(head -n 10 "$IT_WORK/$name.err")"
	fi
}

expect_error not-found 127 do /nonexistent
expect_error not-found-relative 127 do no-such-program-anywhere
expect_error not-executable 126 do "$IT_WORK/plain.txt"
expect_error directory 126 do /usr
# The line names what was wrong.
grep -q /nonexistent "$IT_WORK/not-found.err" && it_pass not-found-names-the-path ||
	it_fail not-found-names-the-path "stderr: $(cat "$IT_WORK/not-found.err")"

# Unknown flags and subcommands fail with a message, not a crash.
st=$(it_run "$IT_WORK/bad.out" "$IT_WORK/bad.err" "$RUNSC" --no-such-flag do /bin/true)
[ "$st" != 0 ] && [ "$st" -lt 124 ] && [ -s "$IT_WORK/bad.err" ] && it_pass unknown-flag ||
	it_fail unknown-flag "status $st; stderr: $(cat "$IT_WORK/bad.err")"
st=$(it_run "$IT_WORK/bad2.out" "$IT_WORK/bad2.err" "$RUNSC" no-such-subcommand)
[ "$st" != 0 ] && [ "$st" -lt 124 ] && [ -s "$IT_WORK/bad2.err" ] && it_pass unknown-subcommand ||
	it_fail unknown-subcommand "status $st; stderr: $(cat "$IT_WORK/bad2.err")"
st=$(it_run "$IT_WORK/bad3.out" "$IT_WORK/bad3.err" "$RUNSC" do)
[ "$st" != 0 ] && [ "$st" -lt 124 ] && [ -s "$IT_WORK/bad3.err" ] && it_pass do-without-command ||
	it_fail do-without-command "status $st; stderr: $(cat "$IT_WORK/bad3.err")"
st=$(it_run "$IT_WORK/bad4.out" "$IT_WORK/bad4.err" "$RUNSC" --platform=no-such-platform do /bin/true)
[ "$st" != 0 ] && [ "$st" -lt 124 ] && [ -s "$IT_WORK/bad4.err" ] && it_pass unknown-platform ||
	it_fail unknown-platform "status $st; stderr: $(cat "$IT_WORK/bad4.err")"

# Exit statuses pass through; death by signal N is 128+N.
it_expect true 0 "" /bin/true
it_expect false 1 "" /bin/false
it_expect exit-42 42 "" /bin/sh -c 'exit 42'
it_expect killed-9 137 "" /bin/sh -c 'kill -9 $$'
it_expect killed-segv 139 - /bin/sh -c 'kill -SEGV $$'
it_expect args-and-cwd 0 "a b|c
$IT_WORK" /bin/sh -c 'echo "$1|$2"; pwd' sh "a b" c
it_expect env-unset 0 "" /bin/sh -c 'echo "$RUNSC_IT_VAR"'
export RUNSC_IT_VAR=runsc-it-value
it_expect env-passed 0 "runsc-it-value" /bin/sh -c 'echo "$RUNSC_IT_VAR"'
unset RUNSC_IT_VAR
# stdin is the caller's.
st=$(echo "from stdin" | timeout -k 5 "$IT_TIMEOUT" "${SANDBOX_CMD[@]}" /bin/cat 2>"$IT_WORK/stdin.err" >"$IT_WORK/stdin.out"; echo $?)
[ "$st" = 0 ] && [ "$(cat "$IT_WORK/stdin.out")" = "from stdin" ] && it_pass stdin-passed ||
	it_fail stdin-passed "status $st; stdout: $(cat "$IT_WORK/stdin.out"); stderr: $(tail -n 5 "$IT_WORK/stdin.err")"
# stdout and stderr are separate.
st=$(it_sandboxed "$IT_WORK/sep.out" "$IT_WORK/sep.err" /bin/sh -c 'echo to-out; echo to-err >&2')
[ "$st" = 0 ] && [ "$(cat "$IT_WORK/sep.out")" = to-out ] && grep -qx to-err "$IT_WORK/sep.err" &&
	it_pass stdout-stderr-separate || it_fail stdout-stderr-separate "stdout: $(cat "$IT_WORK/sep.out"); stderr: $(cat "$IT_WORK/sep.err")"

# --platform=ptrace is the default and accepted explicitly.
st=$(it_run "$IT_WORK/pt.out" "$IT_WORK/pt.err" "$RUNSC" --platform=ptrace do /bin/echo ok)
[ "$st" = 0 ] && [ "$(cat "$IT_WORK/pt.out")" = ok ] && it_pass platform-ptrace ||
	it_fail platform-ptrace "status $st; stderr: $(tail -n 5 "$IT_WORK/pt.err")"

# --strace prints each syscall of the application, strace-style, on stderr.
st=$(it_run "$IT_WORK/st.out" "$IT_WORK/st.err" "$RUNSC" --strace do /bin/cat "$IT_WORK/hello.txt")
if [ "$st" = 0 ] && [ "$(cat "$IT_WORK/st.out")" = hello ] &&
	grep -qF "openat(AT_FDCWD, \"$IT_WORK/hello.txt\", O_RDONLY" "$IT_WORK/st.err"; then
	it_pass strace-openat
else
	it_fail strace-openat "status $st; stdout: $(cat "$IT_WORK/st.out"); no line with openat(AT_FDCWD, \"$IT_WORK/hello.txt\", O_RDONLY in stderr:
$(grep -m 10 -i open "$IT_WORK/st.err")"
fi
grep -qE '^(\[[^]]*\] *)?(\[pid +[0-9]+\] )?(execve|read|write|close|mmap)\(.*\) += [0-9]' "$IT_WORK/st.err" &&
	it_pass strace-return-values || it_fail strace-return-values "no 'name(args) = value' lines in:
$(head -n 10 "$IT_WORK/st.err")"
st=$(it_run "$IT_WORK/st2.out" "$IT_WORK/st2.err" "$RUNSC" --strace do /bin/cat /nonexistent-runsc-it)
if [ "$st" = 1 ] && grep -qF 'openat(AT_FDCWD, "/nonexistent-runsc-it", O_RDONLY) = -1 ENOENT (No such file or directory)' "$IT_WORK/st2.err"; then
	it_pass strace-errno
else
	it_fail strace-errno "status $st (want 1); want a line 'openat(AT_FDCWD, \"/nonexistent-runsc-it\", O_RDONLY) = -1 ENOENT (No such file or directory)':
$(grep -m 5 nonexistent "$IT_WORK/st2.err")"
fi
st=$(it_run "$IT_WORK/st3.out" "$IT_WORK/st3.err" "$RUNSC" do /bin/cat "$IT_WORK/hello.txt")
! grep -q 'openat(' "$IT_WORK/st3.err" && it_pass no-strace-by-default ||
	it_fail no-strace-by-default "syscall lines on stderr without --strace"

# --debug-log=PATH writes the log into the directory PATH, or to the file PATH.
dl=$IT_WORK/debug-log
mkdir -p "$dl"
st=$(it_run "$IT_WORK/dl.out" "$IT_WORK/dl.err" "$RUNSC" --debug-log="$dl" do /bin/true)
[ "$st" = 0 ] && [ -n "$(find "$dl" -type f -size +0)" ] && it_pass debug-log ||
	it_fail debug-log "status $st; files in $dl: $(ls -la "$dl")"

dlf=$IT_WORK/debug.log
st=$(it_run "$IT_WORK/dlf.out" "$IT_WORK/dlf.err" "$RUNSC" --debug-log="$dlf" do /bin/true)
[ "$st" = 0 ] && [ -f "$dlf" ] && it_pass debug-log-file ||
	it_fail debug-log-file "status $st; $dlf: $(ls -la "$dlf" 2>&1)"

# runsc do -v HOST:SANDBOX[:ro] and --tmpfs: host paths inside the sandbox
# (a directory and a single file), a scratch tmpfs; flags before CMD.
mkdir -p vol volrw
printf 'in a volume\n' >vol/v.txt
st=$(it_run "$IT_WORK/vol.out" "$IT_WORK/vol.err" "$RUNSC" do -v "$IT_WORK/vol:/mnt/vol:ro" \
	--volume="$IT_WORK/hello.txt:/etc/hello.txt" --tmpfs /scratch -v "$IT_WORK/volrw:/out" \
	/bin/sh -c 'cat /mnt/vol/v.txt /etc/hello.txt; (echo x >/mnt/vol/new) 2>/dev/null || echo refused; echo t >/scratch/t && cat /scratch/t; grep -c " /mnt/vol 9p ro" /proc/mounts; echo result >/out/r')
printf '%s\n' "in a volume" hello refused t 1 >vol.expected
[ "$st" = 0 ] && cmp -s vol.out vol.expected && [ ! -e vol/new ] && [ "$(cat volrw/r)" = result ] && it_pass do-volume ||
	it_fail do-volume "status $st: $(diff vol.expected vol.out) $(head -n 3 "$IT_WORK/vol.err")"
expect_error do-volume-bad 2 do -v relative:/x /bin/true
expect_error do-volume-missing 2 do -v /no/such/dir:/x /bin/true
expect_error do-flag-unknown 2 do --frob /bin/true

# No stray processes are left behind.
sleep 0.2
left=$(pgrep -f "runsc-(sentry|gofer).*$IT_WORK" || true)
[ -z "$left" ] && it_pass no-stray-processes || it_fail no-stray-processes "still running: $left"
it_summary
