#!/usr/bin/env bash
# /bin/sh (dash) and bash: pipes, redirections, subshells, $(...), exit
# statuses, signals: same stdout and exit status natively and sandboxed.
. "$(dirname "$0")/lib.sh"

cd "$IT_WORK" || exit 1
printf 'pear\napple\nfig\nbanana\napple\n' >fruits.txt

it_compare_sh echo 'echo hello from the sandbox'
it_compare_sh pipes 'cat fruits.txt | sort | uniq -c | sort -rn | head -n 2'
it_compare_sh redirect-out 'f=$(mktemp -p .); echo one > "$f"; echo two >> "$f"; cat < "$f"; rm "$f"'
it_compare_sh redirect-err 'ls /no/such 2>&1 >/dev/null | sed "s/^ls: //"'
it_compare_sh redirect-fd 'exec 3>&1; echo via fd 3 >&3; exec 3>&-'
it_compare_sh subshell '(echo in subshell; exit 4); echo "status $?"'
it_compare_sh subshell-cd '(cd /usr/share && pwd); pwd | sed "s|.*/||"'
it_compare_sh command-subst 'n=$(wc -l < fruits.txt); echo "lines=$n"; echo "nested $(echo $(echo deep))"'
it_compare_sh exit-3 'exit 3'
it_compare_sh exit-255 'exit 255'
it_compare_sh false-status 'false; echo $?'
it_compare_sh kill-9-self 'kill -9 $$'
it_compare_sh kill-term-self 'kill -TERM $$'
it_compare_sh child-killed '/bin/sh -c "kill -9 \$\$"; echo "child status $?"'
it_compare_sh trap 'trap "echo trapped USR1" USR1; kill -USR1 $$; echo after'
it_compare_sh trap-exit 'trap "echo bye" EXIT; echo hi'
it_compare_sh background-wait 'sleep 0.2 & p=$!; echo started; wait $p; echo "waited $?"'
it_compare_sh parallel-jobs 'for i in 1 2 3 4; do (echo job $i > /dev/null) & done; wait; echo all done'
it_compare_sh and-or 'true && echo yes || echo no; false && echo yes || echo no'
it_compare_sh case-if 'x=banana; case $x in b*) echo starts with b;; esac; if [ -f fruits.txt ]; then echo file; fi'
it_compare_sh while-read 'while read f; do echo "<$f>"; done < fruits.txt'
it_compare_sh here-doc 'cat <<EOT
a $((1+2))
b
EOT'
it_compare_sh pipe-status 'false | true; echo $?'
it_compare_sh long-pipeline 'seq 1 10000 | grep 7 | wc -l'
it_compare_sh big-data 'head -c 5000000 /dev/zero | tr "\0" a | wc -c'
it_compare_sh exec-replace 'exec /bin/echo replaced'
it_compare_sh path-search 'command -v ls; type cat | sed "s/ is .*//"'
it_compare_sh ulimit 'ulimit -n 100; ulimit -n'
it_compare_sh umask 'umask 027; umask'
it_compare_sh cd-pwd 'cd /usr/share/doc && pwd && cd .. && pwd'
it_compare_sh printf 'printf "%05d|%-6s|%x\n" 42 ab 255'
it_compare bash-arrays /bin/bash -c 'a=(x y z); echo "${#a[@]} ${a[1]}"; declare -A m=([k]=v); echo ${m[k]}'
it_compare bash-process-subst /bin/bash -c 'diff <(echo a) <(echo a) && echo same'
it_compare bash-pipefail /bin/bash -c 'set -o pipefail; false | true; echo $?'
it_compare bash-exit-from-signal /bin/bash -c 'sleep 10 & kill -TERM $!; wait $!; echo $?'
it_summary
