#!/usr/bin/env bash
# Terminals: with a pseudo-terminal as stdin/stdout (made by script(1) on the
# host), programs in the sandbox see a tty exactly as natively: isatty,
# TCGETS/TCSETS (stty), TIOCGWINSZ/TIOCSWINSZ (stty size/rows/cols).
. "$(dirname "$0")/lib.sh"

cd "$IT_WORK" || exit 1
if ! command -v script >/dev/null; then
	it_fail setup "script(1) not found (apt-get install bsdutils)"
	it_summary
	exit
fi

# tty_compare NAME SCRIPT: run SCRIPT with /bin/sh on a fresh pty, natively
# and sandboxed (`script -qec "runsc do /bin/sh FILE"`), and compare the
# output and exit status.
tty_compare() {
	local name=$1 f=$IT_WORK/$1
	printf '%s\n' "$2" >"$f.sh"
	local ns ss
	ns=$(it_run "$f.native.out" "$f.native.err" script -qec "/bin/sh $f.sh" /dev/null)
	if [ "$(date +%s)" -ge "$IT_DEADLINE" ]; then
		it_fail "$name" "not run: the integration time budget is used up (IT_BUDGET)"
		return
	fi
	ss=$(it_run "$f.sandbox.out" "$f.sandbox.err" script -qec "$SANDBOX /bin/sh $f.sh" /dev/null)
	if [ "$ns" = "$ss" ] && cmp -s "$f.native.out" "$f.sandbox.out"; then
		it_pass "$name"
	else
		it_fail "$name" "script: $2
exit status: native $ns, sandbox $ss
--- native output
+++ sandbox output
$(diff -u "$f.native.out" "$f.sandbox.out" | tail -n +3 | head -n 30)
stderr: $(tail -n 5 "$f.sandbox.err")"
	fi
}

tty_compare isatty 'tty -s && echo stdin is a tty; [ -t 1 ] && echo stdout is a tty; [ -t 2 ] && echo stderr is a tty; true'
tty_compare not-a-tty-when-redirected '[ -t 0 ] </dev/null || echo stdin redirected: not a tty; tty </dev/null; echo "tty status $?"'
tty_compare stty-size 'stty size'
tty_compare stty-set-size 'stty rows 33 cols 101; stty size'
tty_compare stty-settings 'stty -a | head -n 1 | cut -d";" -f1; stty -echo; stty -a | grep -o -- "-echo " | head -n 1; stty echo; stty -a | grep -o -- " echo " | head -n 1'
tty_compare stty-raw-restore 'old=$(stty -g); stty raw; stty "$old"; [ "$(stty -g)" = "$old" ] && echo restored'
tty_compare python-isatty '/usr/bin/python3 -c "import os, sys; print(sys.stdout.isatty(), os.isatty(0), os.get_terminal_size(1))"'
tty_compare output-through-tty 'printf "a\nb\n"; echo done'
it_summary
