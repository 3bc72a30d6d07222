#!/usr/bin/env bash
# Dynamically linked GNU coreutils and findutils: same stdout and exit status
# natively and in the sandbox.
. "$(dirname "$0")/lib.sh"

cd "$IT_WORK" || exit 1
printf 'pear\napple\nfig\nbanana\napple\n' >fruits.txt
seq 1 2000 >numbers.txt
head -c 100000 /usr/share/doc/coreutils/copyright >copy.txt 2>/dev/null ||
	printf 'fallback\n' >copy.txt
mkdir -p tree/a/b tree/c
printf 'x\n' >tree/a/one
printf 'yy\n' >tree/a/b/two
ln -sf ../a/one tree/c/link

it_compare true /bin/true
it_compare false /bin/false
it_compare echo /bin/echo hello world
it_compare ls-la-doc /bin/ls -la /usr/share/doc/coreutils
it_compare ls-la-tree /bin/ls -la tree tree/a tree/c
it_compare ls-lR-tree /bin/ls -lR tree
it_compare ls-missing /bin/ls /no/such/dir
it_compare ls-etc /bin/ls /etc
it_compare ls-la-root-dirs /bin/ls -lad /usr /usr/bin /usr/share /etc
it_compare ls-color /bin/ls --color=always -F tree
it_compare cat /bin/cat fruits.txt
it_compare cat-many /bin/cat fruits.txt numbers.txt copy.txt
it_compare cat-stdin-missing /bin/cat fruits.txt /nonexistent
it_compare sort /usr/bin/sort fruits.txt
it_compare sort-n-r /usr/bin/sort -n -r numbers.txt
it_compare sort-big /usr/bin/sort copy.txt
it_compare wc /usr/bin/wc fruits.txt numbers.txt copy.txt
it_compare sha256sum /usr/bin/sha256sum fruits.txt numbers.txt copy.txt
it_compare md5sum /usr/bin/md5sum copy.txt
it_compare sha256sum-bin /bin/sh -c '/usr/bin/sha256sum < /bin/ls'
it_compare head-tail /bin/sh -c '/usr/bin/head -n 3 numbers.txt; /usr/bin/tail -n 3 numbers.txt'
it_compare cut-paste /bin/sh -c '/usr/bin/cut -c1-3 fruits.txt | /usr/bin/paste -sd,'
it_compare stat /usr/bin/stat -c '%n %s %F %a %h' fruits.txt tree tree/c/link
it_compare stat-L /usr/bin/stat -L -c '%n %s %F' tree/c/link
it_compare readlink /usr/bin/readlink tree/c/link
it_compare realpath /usr/bin/realpath tree/c/link
it_compare du /usr/bin/du -s --apparent-size -b tree
it_compare cp /bin/sh -c 'd=$(mktemp -d -p .); /bin/cp fruits.txt "$d/copy" && /bin/cat "$d/copy" && /bin/cp -r tree "$d/t" && /usr/bin/find "$d/t" | /usr/bin/sed "s|^$d/||" | /usr/bin/sort; /bin/rm -r "$d"'
it_compare mkdir-rm /bin/sh -c 'd=$(mktemp -d -p .); /bin/mkdir -p "$d/x/y/z" && /bin/ls -R "$d" | /usr/bin/sed "s|$d|D|"; /bin/rm -r "$d"; /bin/ls "$d" 2>&1 | /usr/bin/sed "s|$d|D|"'
it_compare mv-ln /bin/sh -c 'd=$(mktemp -d -p .); cd "$d" && echo a > f && /bin/mv f g && /bin/ln -s g l && /bin/ln g h && /bin/ls -l | /usr/bin/awk "{print \$1, \$2, \$NF}"; cd ..; /bin/rm -r "$d"'
it_compare touch-truncate /bin/sh -c 'd=$(mktemp -d -p .); /usr/bin/touch "$d/t"; /usr/bin/truncate -s 1234 "$d/t"; /usr/bin/stat -c %s "$d/t"; /bin/rm -r "$d"'
it_compare dd /bin/sh -c '/bin/dd if=/dev/zero bs=1k count=64 status=none | /usr/bin/sha256sum'
it_compare find-usr-share /bin/sh -c '/usr/bin/find /usr/share/doc -maxdepth 2 -name copyright | /usr/bin/sort | /usr/bin/head -n 20'
it_compare find-types /bin/sh -c '/usr/bin/find tree -printf "%p %y %s\n" | /usr/bin/sort'
it_compare find-count /bin/sh -c '/usr/bin/find /usr/share/perl5 /usr/lib/python3 -maxdepth 2 2>/dev/null | /usr/bin/wc -l'
it_compare xargs /bin/sh -c '/bin/ls tree/a | /usr/bin/xargs -n1 echo item'
it_compare env /usr/bin/env -i A=1 B=2 /usr/bin/env
it_compare id /usr/bin/id -u
it_compare uname-s /bin/uname -s
it_compare date-epoch /bin/date -u -d @0 '+%Y-%m-%d %H:%M:%S'
it_compare seq-factor /bin/sh -c '/usr/bin/seq 90 95 | /usr/bin/factor'
it_compare tee /bin/sh -c 'echo teed | /usr/bin/tee /dev/null'
it_compare pwd /bin/pwd
it_compare test-exit /usr/bin/test -d /no/such/dir
it_summary
