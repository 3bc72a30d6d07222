#!/usr/bin/env bash
# No application syscall reaches the host: a static program issuing raw
# `syscall` instructions sees the sandbox's answers (pid 1, ppid 0, the
# sentry's uname release, not the host's).
. "$(dirname "$0")/lib.sh"

bin=$IT_WORK/raw_syscalls
if ! gcc -std=gnu11 -O1 -static -Wall -Werror -o "$bin" "$IT_DIR/nohost/raw_syscalls.c" 2>"$IT_WORK/cc.log"; then
	it_fail build "$(cat "$IT_WORK/cc.log")"
	it_summary
	exit
fi
host_release=$(uname -r)

native=$("$bin")
if echo "$native" | grep -qx "release=$host_release" &&
	! echo "$native" | grep -qx 'getpid=1'; then
	it_pass native-sanity
else
	it_fail native-sanity "natively the program should see the host: $native"
fi

st=$(it_sandboxed "$IT_WORK/out" "$IT_WORK/err" "$bin")
out=$(cat "$IT_WORK/out")
field() { echo "$out" | sed -n "s/^$1=//p"; }
if [ "$st" != 0 ]; then
	it_fail runs "exit status $st; stdout: $out
stderr: $(tail -n 10 "$IT_WORK/err")"
else
	it_pass runs
fi
[ "$(field getpid)" = 1 ] && it_pass raw-getpid-is-1 || it_fail raw-getpid-is-1 "raw getpid returned '$(field getpid)'"
[ "$(field getppid)" = 0 ] && it_pass raw-getppid-is-0 || it_fail raw-getppid-is-0 "raw getppid returned '$(field getppid)'"
[ "$(field uname)" = 0 ] && [ "$(field sysname)" = Linux ] &&
	it_pass raw-uname-ok || it_fail raw-uname-ok "uname=$(field uname) sysname=$(field sysname)"
rel=$(field release)
if [ -n "$rel" ] && [ "$rel" != "$host_release" ]; then
	it_pass raw-uname-release-is-the-sentrys
else
	it_fail raw-uname-release-is-the-sentrys "sandbox release '$rel', host release '$host_release' (must differ: the sentry answers with its own)"
fi
[ "$(field 'uname(1)')" = -14 ] && it_pass raw-uname-efault || it_fail raw-uname-efault "uname(1) returned '$(field 'uname(1)')', want -14 (EFAULT)"
[ "$(field 'syscall(1000)')" = -38 ] && it_pass raw-unknown-enosys || it_fail raw-unknown-enosys "syscall(1000) returned '$(field 'syscall(1000)')', want -38 (ENOSYS)"

# libc's uname agrees with the raw one inside the sandbox.
st=$(it_sandboxed "$IT_WORK/u.out" "$IT_WORK/u.err" /bin/uname -r)
if [ "$st" = 0 ] && [ "$(cat "$IT_WORK/u.out")" = "$rel" ]; then
	it_pass uname-r-matches-raw
else
	it_fail uname-r-matches-raw "uname -r: status $st, '$(cat "$IT_WORK/u.out")' vs raw '$rel'"
fi
# The shell started by runsc do is pid 1 of the sandbox.
it_expect shell-is-pid-1 0 1 /bin/sh -c 'echo $$'
it_summary
