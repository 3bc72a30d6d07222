#!/usr/bin/env bash
# An application that jumps into the platform's stub page (its trampoline)
# with forbidden syscalls gets them emulated or is killed: the host is
# untouched and the sandbox survives. The same for syscall patching's
# trampoline slots and fast entry.
. "$(dirname "$0")/lib.sh"

bin=$IT_WORK/trampoline
if ! gcc -std=gnu11 -O1 -static -Wall -Werror -o "$bin" "$IT_DIR/attack/trampoline.c" 2>"$IT_WORK/cc.log"; then
	it_fail build "$(cat "$IT_WORK/cc.log")"
	it_summary
	exit
fi
victim=/tmp/runsc-attack-victim.$$
rm -rf "$victim"
st=$(it_sandboxed "$IT_WORK/out" "$IT_WORK/err" "$bin" "$victim")
out=$(cat "$IT_WORK/out")
if [ "$st" = 0 ] && echo "$out" | grep -qx "sandbox still alive"; then
	it_pass sandbox-survives
else
	it_fail sandbox-survives "status $st; stdout: $out; stderr: $(tail -n 5 "$IT_WORK/err")"
fi
if [ ! -e "$victim" ]; then
	it_pass host-untouched
else
	it_fail host-untouched "$victim was created on the host"
	rm -rf "$victim"
fi
for a in mkdir tgkill-intr execve; do
	if echo "$out" | grep -q "^$a: "; then
		it_pass "attack-$a-contained"
	else
		it_fail "attack-$a-contained" "no report for $a: $out"
	fi
done

# Syscall patching (systrap --syscall-patch, whatever SANDBOX is): jumps
# into a trampoline slot and the fast entry with registers of the
# application's choosing are syscalls the sentry emulates, no more.
bin=$IT_WORK/syspatch
if ! gcc -std=gnu11 -O1 -static -Wall -Werror -o "$bin" "$IT_DIR/attack/syspatch.c" 2>"$IT_WORK/cc.log"; then
	it_fail syspatch-build "$(cat "$IT_WORK/cc.log")"
	it_summary
	exit
fi
rm -rf "$victim"
st=$(it_run "$IT_WORK/out" "$IT_WORK/err" "$RUNSC" --platform=systrap --syscall-patch=1 do "$bin" "$victim")
out=$(cat "$IT_WORK/out")
if [ "$st" = 0 ] && echo "$out" | grep -qx "sandbox still alive"; then
	it_pass syspatch-sandbox-survives
else
	it_fail syspatch-sandbox-survives "status $st; stdout: $out; stderr: $(tail -n 5 "$IT_WORK/err")"
fi
if echo "$out" | grep -qx "regs: ok"; then
	it_pass syspatch-registers
else
	it_fail syspatch-registers "$out"
fi
if [ ! -e "$victim" ]; then
	it_pass syspatch-host-untouched
else
	it_fail syspatch-host-untouched "$victim was created on the host"
	rm -rf "$victim"
fi
for a in slot-mkdir entry-mkdir entry-execve entry-nostack entry-sigreturn; do
	if echo "$out" | grep -q "^$a: child "; then
		it_pass "syspatch-$a-contained"
	else
		it_fail "syspatch-$a-contained" "no report for $a: $out"
	fi
done
it_summary
