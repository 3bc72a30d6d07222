#!/usr/bin/env bash
# Writes inside `runsc do` never change the host: files created, modified or
# deleted in the sandbox (in a host directory and under /tmp) are unchanged on
# the host afterwards, while the sandbox itself sees its own writes.
. "$(dirname "$0")/lib.sh"

# A host directory on disk (not /tmp) with known contents.
host=$IT_WORK/hostdir
mkdir -p "$host/sub"
printf 'original\n' >"$host/keep.txt"
printf 'to be modified\n' >"$host/modify.txt"
printf 'to be deleted\n' >"$host/delete.txt"
printf 'in sub\n' >"$host/sub/inner.txt"
ln -s keep.txt "$host/link"
# ... and one under the host's /tmp.
tmpd=$(mktemp -d /tmp/runsc-it-isolation.XXXXXX)
printf 'tmp original\n' >"$tmpd/t.txt"
marker=/tmp/runsc-it-created-$$

snapshot() { # a listing of everything that could change
	(cd "$host" && find . -printf '%p %y %s %m %l\n' | sort && find . -type f -exec sha256sum {} + | sort)
	(cd "$tmpd" && find . -printf '%p %y %s %m\n' | sort && sha256sum t.txt)
	[ -e "$marker" ] && echo "marker exists"
	true
}
before=$(snapshot)

script='
set -e
cd "$1"
echo created > new.txt
echo appended >> modify.txt
printf "rewritten\n" > keep.txt.tmp && mv keep.txt.tmp keep.txt
rm delete.txt
rm -r sub
mkdir newdir && echo x > newdir/f
chmod 600 modify.txt
ln -sf new.txt link
echo changed > "$2/t.txt" 2>/dev/null || { mkdir -p "$2" && echo changed > "$2/t.txt"; }
echo made > "$3"
# The sandbox sees its own writes.
cat new.txt modify.txt keep.txt newdir/f "$2/t.txt" "$3"
[ ! -e delete.txt ] && [ ! -e sub ] && echo "deletions visible"
readlink link
'
st=$(it_sandboxed "$IT_WORK/out" "$IT_WORK/err" /bin/sh -c "$script" sh "$host" "$tmpd" "$marker")
want='created
to be modified
appended
rewritten
x
changed
made
deletions visible
new.txt'
if [ "$st" = 0 ] && [ "$(cat "$IT_WORK/out")" = "$want" ]; then
	it_pass sandbox-sees-its-writes
else
	it_fail sandbox-sees-its-writes "exit status $st; stdout:
$(cat "$IT_WORK/out")
want:
$want
stderr: $(tail -n 10 "$IT_WORK/err")"
fi

after=$(snapshot)
if [ "$before" = "$after" ]; then
	it_pass host-unchanged
else
	it_fail host-unchanged "the host changed:
$(diff <(echo "$before") <(echo "$after") | head -n 30)"
fi
[ ! -e "$marker" ] && it_pass no-file-in-host-tmp || it_fail no-file-in-host-tmp "$marker was created on the host"

# Each run starts from the host's state again: nothing persists.
st=$(it_sandboxed "$IT_WORK/out2" "$IT_WORK/err2" /bin/sh -c 'cat "$1/keep.txt"; [ -e "$1/new.txt" ] && echo "new.txt persisted"; [ -e "$2" ] && echo "marker persisted"; true' sh "$host" "$marker")
if [ "$st" = 0 ] && [ "$(cat "$IT_WORK/out2")" = original ]; then
	it_pass next-run-starts-clean
else
	it_fail next-run-starts-clean "status $st; stdout: $(cat "$IT_WORK/out2"); stderr: $(tail -n 5 "$IT_WORK/err2")"
fi

# Writing to a system directory also stays inside. Only files this test made
# itself are touched, so that running it without a real sandbox (SANDBOX=env)
# cannot damage the host.
victim=/etc/runsc-it-victim-$$
probe=/etc/runsc-it-probe-$$
printf 'victim\n' >"$victim"
st=$(it_sandboxed "$IT_WORK/out3" "$IT_WORK/err3" /bin/sh -c 'echo x > "$1" && cat "$1" && rm "$2" && [ ! -e "$2" ] && echo removed' sh "$probe" "$victim")
if [ "$st" = 0 ] && [ "$(cat "$IT_WORK/out3")" = "x
removed" ] && [ ! -e "$probe" ] && [ "$(cat "$victim" 2>/dev/null)" = victim ]; then
	it_pass system-dirs-unchanged
else
	it_fail system-dirs-unchanged "status $st; stdout: $(cat "$IT_WORK/out3"); host $probe exists: $([ -e "$probe" ] && echo yes || echo no); host $victim: $([ -e "$victim" ] && echo present || echo DELETED)"
fi
rm -f "$probe" "$victim"
rm -rf "$tmpd" "$marker"
it_summary
