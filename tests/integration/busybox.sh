#!/usr/bin/env bash
# Static busybox applets and `busybox sh` pipelines: same stdout and exit
# status natively and in the sandbox.
. "$(dirname "$0")/lib.sh"

BB=${BUSYBOX:-/bin/busybox}
if [ ! -x "$BB" ]; then
	it_fail setup "$BB not found (apt-get install busybox-static)"
	it_summary
	exit
fi
cd "$IT_WORK" || exit 1
printf 'pear\napple\nfig\nbanana\napple\n' >fruits.txt
mkdir -p tree/a/b
printf 'x\n' >tree/a/one
printf 'yy\n' >tree/a/b/two

it_compare echo "$BB" echo hello from busybox
it_compare echo-n "$BB" echo -n no newline
it_compare true "$BB" true
it_compare false "$BB" false
it_compare cat "$BB" cat fruits.txt
it_compare cat-missing "$BB" cat does-not-exist
it_compare wc "$BB" wc fruits.txt
it_compare wc-l "$BB" wc -l fruits.txt
it_compare sort "$BB" sort fruits.txt
it_compare sort-u-r "$BB" sort -u -r fruits.txt
it_compare uniq-c "$BB" sh -c "$BB sort fruits.txt | $BB uniq -c"
it_compare ls "$BB" ls tree/a
it_compare ls-1R "$BB" ls -1R tree
it_compare ls-l-etc-passwd "$BB" ls -l /etc/passwd
it_compare ls-usr-share-doc "$BB" ls /usr/share/doc/coreutils
it_compare head-tail "$BB" sh -c "$BB head -n 3 fruits.txt; $BB tail -n 2 fruits.txt"
it_compare grep "$BB" grep -n an fruits.txt
it_compare grep-nomatch "$BB" grep kiwi fruits.txt
it_compare md5sum "$BB" md5sum fruits.txt
it_compare sha256sum "$BB" sha256sum fruits.txt
it_compare find "$BB" sh -c "$BB find tree | $BB sort"
it_compare stat "$BB" stat -c '%n %s %F %a' fruits.txt tree tree/a/one
it_compare readlink "$BB" readlink -f /bin/sh
it_compare basename-dirname "$BB" sh -c "$BB basename /a/b/c.txt .txt; $BB dirname /a/b/c.txt"
it_compare expr "$BB" expr 6 '*' 7
it_compare seq "$BB" seq 1 5
it_compare tr "$BB" sh -c "echo Hello | $BB tr a-z A-Z"
it_compare sed "$BB" sed -e 's/a/A/g' fruits.txt
it_compare awk "$BB" awk '{ n += length($0) } END { print NR, n }' fruits.txt
it_compare uname-s "$BB" uname -s
it_compare id-u "$BB" id -u

# busybox sh pipelines
it_compare sh-pipeline "$BB" sh -c "$BB cat fruits.txt | $BB sort | $BB uniq | $BB wc -l"
it_compare sh-vars "$BB" sh -c 'a=1; b=$((a + 41)); echo "b=$b"'
it_compare sh-subst "$BB" sh -c "echo lines: \$($BB wc -l < fruits.txt)"
it_compare sh-loop "$BB" sh -c 'for i in 1 2 3; do echo "i=$i"; done; i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i'
it_compare sh-redirect "$BB" sh -c "echo one > out.bb; echo two >> out.bb; $BB cat out.bb; $BB rm out.bb"
it_compare sh-exit "$BB" sh -c 'exit 7'
it_compare sh-subshell "$BB" sh -c '(cd /usr; pwd); pwd >/dev/null; (exit 2); echo "status $?"'
it_compare sh-kill-self "$BB" sh -c 'kill -9 $$'
it_compare sh-background "$BB" sh -c 'sleep 0.1 & wait $!; echo "bg status $?"'
it_compare sh-glob "$BB" sh -c 'cd tree/a && echo *'
it_compare sh-heredoc "$BB" sh -c "$BB cat <<END
line one
line two
END"
it_summary
