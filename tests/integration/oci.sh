#!/usr/bin/env bash
# runsc as an OCI runtime: spec, create/start/state/kill/delete, run, list,
# ps, wait, events on a busybox bundle built from Debian's busybox-static;
# linux.resources memory and pids limits, cpu through host cgroups; exec
# and pod member capabilities; bad
# bundles fail with one line naming the problem and leave nothing behind;
# the same bundles under Debian's runc give the same output (when runc is
# installed or installs; skipped otherwise).
. "$(dirname "$0")/lib.sh"

cd "$IT_WORK" || exit 1
STATE=$IT_WORK/state
RS=("$RUNSC" --root "$STATE")

if [ ! -x "$RUNSC" ]; then
	it_fail setup "$RUNSC not built"
	it_summary
	exit
fi
BUSYBOX=$(command -v busybox || echo /bin/busybox)
if [ ! -x "$BUSYBOX" ] || ! "$BUSYBOX" --list >/dev/null 2>&1; then
	it_fail setup "busybox-static is not installed"
	it_summary
	exit
fi

# The root filesystem: busybox and a relative symlink per applet, so that
# the links resolve inside the container.
ROOTFS=$IT_WORK/rootfs
mkdir -p "$ROOTFS/bin" "$ROOTFS/tmp" "$ROOTFS/data" "$ROOTFS/proc" "$ROOTFS/dev"
cp "$BUSYBOX" "$ROOTFS/bin/busybox"
for applet in $("$BUSYBOX" --list); do
	[ "$applet" = busybox ] || ln -sf busybox "$ROOTFS/bin/$applet"
done
printf 'from the image\n' >"$ROOTFS/data/file.txt"

# bundle DIR ARGS_JSON [READONLY] [CWD] [ENV_JSON_ITEMS] [EXTRA_TOP_LEVEL]
#        [EXTRA_MOUNTS] [EXTRA_LINUX]
bundle() {
	local dir=$1 args=$2 ro=${3:-true} cwd=${4:-/} env=${5:-'"PATH=/bin"'} extra=${6:-}
	local mounts=${7:-} linux=${8:-}
	mkdir -p "$dir"
	cat >"$dir/config.json" <<EOF
{
	"ociVersion": "1.0.2",
	"process": {
		"terminal": false,
		"user": {"uid": 0, "gid": 0},
		"args": $args,
		"env": [$env],
		"cwd": "$cwd"
	},
	"root": {"path": "$ROOTFS", "readonly": $ro},
	"hostname": "oci-test",
	"annotations": {"org.example.test": "oci.sh"},
	"mounts": [
		{"destination": "/proc", "type": "proc", "source": "proc"},
		{"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
		 "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]}$mounts
	],
	"linux": {
		"namespaces": [{"type": "pid"}, {"type": "ipc"},
			       {"type": "uts"}, {"type": "mount"}]$linux
	}$extra
}
EOF
}

# Anything of ours still running? Every process of a container carries
# IT_WORK in its command line (--root STATE, the gofer's --root ROOTFS).
leftovers() {
	ps -eo pid=,args= | grep -F -- "$IT_WORK" | grep -v -e grep -e "ps -eo" || true
}

json_str() { # STRING -> a JSON string
	local v=${1//\\/\\\\}
	v=${v//\"/\\\"}
	printf '"%s"' "${v//$'\n'/\\n}"
}

# rs_run NAME ARGS... : runsc --root STATE ARGS, output in NAME.out/.err;
# prints the exit status.
rs_run() {
	local name=$1
	shift
	it_run "$IT_WORK/$name.out" "$IT_WORK/$name.err" "${RS[@]}" "$@"
}

# wait_stopped NAME ID: poll `state ID` (into NAME.out) for up to 5 s
# until it says stopped.
wait_stopped() {
	for _ in $(seq 50); do
		rs_run "$1" state "$2" >/dev/null
		[ "$(json_field "$1.out" status)" = stopped ] && return
		sleep 0.1
	done
}

json_field() { # FILE FIELD -> value of "FIELD": in pretty JSON
	sed -n "s/^ *\"$2\": *\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$1" | head -n 1
}

# --- spec ---------------------------------------------------------------
mkdir -p spec
st=$(rs_run spec spec --bundle "$IT_WORK/spec")
if [ "$st" = 0 ] && grep -q '"ociVersion"' spec/config.json &&
	grep -q '"terminal": true' spec/config.json; then
	it_pass spec-writes-config
else
	it_fail spec-writes-config "status $st: $(cat spec.err)"
fi
st=$(rs_run spec2 spec --bundle "$IT_WORK/spec")
[ "$st" != 0 ] && grep -q exists spec2.err && it_pass spec-refuses-overwrite ||
	it_fail spec-refuses-overwrite "status $st: $(cat spec2.err)"
# The default spec (terminal: true) needs a console socket when detached.
ln -s "$ROOTFS" spec/rootfs
st=$(rs_run spec3 create --bundle "$IT_WORK/spec" spec-tty)
[ "$st" != 0 ] && grep -q console-socket spec3.err && [ ! -e "$STATE/spec-tty" ] &&
	it_pass spec-terminal-needs-console-socket ||
	it_fail spec-terminal-needs-console-socket "status $st: $(cat spec3.err)"

# A console socket: the pty master arrives there (runc's protocol), the
# container's stdio is the pty. python3 plays containerd's part.
if command -v python3 >/dev/null; then
	bundle b-tty '["sh", "-c", "test -t 0 && test -t 1 && echo is-a-tty"]'
	sed -i 's/"terminal": false/"terminal": true/' b-tty/config.json
	python3 - "$IT_WORK/console.sock" >console.out 2>console.err <<'PYEOF' &
import array, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1); s.settimeout(30)
c, _ = s.accept()
fds = array.array("i")
msg, anc, _, _ = c.recvmsg(4096, socket.CMSG_SPACE(fds.itemsize))
for level, kind, data in anc:
    fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
master = fds[0]
print("name", msg.decode())
out = b""
try:
    while b"is-a-tty" not in out:
        chunk = os.read(master, 1024)
        if not chunk:
            break
        out += chunk
except OSError:
    pass
print(out.decode(errors="replace").strip())
PYEOF
	py=$!
	for _ in $(seq 50); do [ -S console.sock ] && break; sleep 0.1; done
	rs_run tty.create create --bundle "$IT_WORK/b-tty" --console-socket "$IT_WORK/console.sock" tty1 >/dev/null
	rs_run tty.start start tty1 >/dev/null
	wait $py
	rs_run tty.wait wait tty1 >/dev/null
	grep -q '^name /dev/ptmx' console.out && grep -q is-a-tty console.out && grep -q '"exitStatus":0' tty.wait.out &&
		it_pass console-socket || it_fail console-socket "$(cat tty.create.err tty.start.err console.out console.err tty.wait.out tty.wait.err)"
	rs_run tty.del delete --force tty1 >/dev/null
	bundle b-notty '["true"]'
	st=$(rs_run tty.bad create --bundle "$IT_WORK/b-notty" --console-socket "$IT_WORK/console.sock" tty2)
	[ "$st" != 0 ] && grep -q "process.terminal is false" tty.bad.err && [ ! -e "$STATE/tty2" ] &&
		it_pass console-socket-without-terminal || it_fail console-socket-without-terminal "status $st: $(cat tty.bad.err)"
fi

# --- run ----------------------------------------------------------------
bundle b-echo '["echo", "hello", "world"]'
st=$(rs_run run-echo run --bundle "$IT_WORK/b-echo" echo1)
[ "$st" = 0 ] && [ "$(cat run-echo.out)" = "hello world" ] && [ ! -e "$STATE/echo1" ] &&
	it_pass run-echo || it_fail run-echo "status $st, stdout: $(cat run-echo.out)
stderr: $(tail -n 5 run-echo.err)"

bundle b-exit '["sh", "-c", "exit 3"]'
st=$(rs_run run-exit run --bundle "$IT_WORK/b-exit" exit1)
[ "$st" = 3 ] && it_pass run-exit-status || it_fail run-exit-status "status $st (want 3): $(tail -n 5 run-exit.err)"

# (Not `kill -9 $$` in the container's init: Linux ignores that signal
# from inside the init's own pid namespace.)
bundle b-sig '["sh", "-c", "sh -c \"kill -9 \\$\\$\"; echo inner $?"]'
st=$(rs_run run-sig run --bundle "$IT_WORK/b-sig" sig1)
[ "$st" = 0 ] && [ "$(cat run-sig.out)" = "inner 137" ] && it_pass run-child-killed ||
	it_fail run-child-killed "status $st, stdout: $(cat run-sig.out); stderr: $(tail -n 5 run-sig.err)"
# The monitor's own death by a signal is 128+N for run.
bundle b-long '["sleep", "100"]'
( sleep 1; "${RS[@]}" kill long1 KILL ) &
st=$(rs_run run-kill run --bundle "$IT_WORK/b-long" long1)
wait
[ "$st" = 137 ] && [ ! -e "$STATE/long1" ] && it_pass run-killed-status ||
	it_fail run-killed-status "status $st (want 137): $(tail -n 5 run-kill.err)"

bundle b-env '["sh", "-c", "echo \"$FOO|$BAR\"; pwd; hostname; cat /data/file.txt"]' true /tmp '"PATH=/bin", "FOO=foo value", "BAR=b=c"'
st=$(rs_run run-env run --bundle "$IT_WORK/b-env" env1)
want="foo value|b=c
/tmp
oci-test
from the image"
[ "$st" = 0 ] && [ "$(cat run-env.out)" = "$want" ] && it_pass run-env-cwd-hostname ||
	it_fail run-env-cwd-hostname "status $st, stdout:
$(cat run-env.out)
want:
$want
stderr: $(tail -n 5 run-env.err)"

# exec: more processes in a running container (the control socket).
bundle b-exec '["sleep", "100"]'
rs_run exec.run run --detach --bundle "$IT_WORK/b-exec" exec1 >/dev/null
st=$(rs_run exec.a exec exec1 sh -c 'echo "in $(hostname) ppid=$PPID"; cat /data/file.txt; exit 4')
want="in oci-test ppid=0
from the image"
[ "$st" = 4 ] && [ "$(cat exec.a.out)" = "$want" ] && it_pass exec-output-status ||
	it_fail exec-output-status "status $st (want 4), stdout: $(cat exec.a.out); stderr: $(tail -n 5 exec.a.err)"
st=$(rs_run exec.b exec --env FOO=1 -e BAR=2 --cwd /data --user 1000:100 exec1 sh -c 'echo "$FOO$BAR $(pwd) $(id -u):$(id -g)"')
[ "$st" = 0 ] && [ "$(cat exec.b.out)" = "12 /data 1000:100" ] && it_pass exec-env-cwd-user ||
	it_fail exec-env-cwd-user "status $st, stdout: $(cat exec.b.out); stderr: $(tail -n 5 exec.b.err)"
printf '{"args": ["sh", "-c", "read x; echo got $x; echo err >&2"], "env": ["PATH=/bin"], "cwd": "/", "user": {"uid": 0, "gid": 0}}' >exec-proc.json
echo piped >exec.c.in
timeout -k 5 "$IT_TIMEOUT" "${RS[@]}" exec --process "$IT_WORK/exec-proc.json" exec1 <exec.c.in >exec.c.out 2>exec.c.err
st=$?
[ "$st" = 0 ] && [ "$(cat exec.c.out)" = "got piped" ] && [ "$(cat exec.c.err)" = err ] && it_pass exec-process-json-stdio ||
	it_fail exec-process-json-stdio "status $st, stdout: $(cat exec.c.out); stderr: $(cat exec.c.err)"
st=$(rs_run exec.d exec exec1 no-such-cmd)
[ "$st" = 127 ] && grep -q "no-such-cmd: command not found" exec.d.err && it_pass exec-not-found ||
	it_fail exec-not-found "status $st (want 127): $(cat exec.d.err)"
st=$(rs_run exec.e exec --detach --pid-file "$IT_WORK/exec.pid" exec1 sh -c 'sleep 0.5; exit 5')
epid=$(cat "$IT_WORK/exec.pid" 2>/dev/null)
# The stand-in is our child's child here (no subreaper): poll it.
for _ in $(seq 50); do kill -0 "$epid" 2>/dev/null || break; sleep 0.1; done
[ "$st" = 0 ] && [ -n "$epid" ] && ! kill -0 "$epid" 2>/dev/null && it_pass exec-detach-pid-file ||
	it_fail exec-detach-pid-file "status $st, pid ${epid:-none}: $(cat exec.e.err)"
# A signal to runsc exec reaches the process it runs.
# (Only runsc exec itself: it_run's timeout has the same words in its
# command line and would pass the signal on a second time.)
( sleep 1; pkill -TERM -f -- "^[^ ]*/runsc .*sig-marker-$$" ) &
st=$(rs_run exec.k exec exec1 sh -c "trap 'echo got TERM; exit 9' TERM; : sig-marker-$$; while true; do sleep 0.1; done")
wait
[ "$st" = 9 ] && [ "$(cat exec.k.out)" = "got TERM" ] && it_pass exec-signal-forwarded ||
	it_fail exec-signal-forwarded "status $st (want 9), stdout: $(cat exec.k.out); stderr: $(cat exec.k.err)"

# Malformed requests on the control socket: a clear error each, and the
# sandbox goes on serving.
for junk in 'garbage!garbage!' 'RSX1\377\377\377\377' 'RSX1\010\000\000\000abc'; do
	/usr/bin/python3 - "$STATE/exec1" "$junk" >>exec.g.out 2>&1 <<'PY'
import os, socket, sys
d = os.open(sys.argv[1], os.O_PATH)
s = socket.socket(socket.AF_UNIX)
s.connect("/proc/self/fd/%d/control.sock" % d)
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
s.shutdown(socket.SHUT_WR)
print(s.makefile().read().strip().replace("\n", " | "))
PY
done
st=$(rs_run exec.h exec exec1 echo still-serving)
grep -c "^error malformed request | exited 32000$" exec.g.out | grep -qx 1 &&
	grep -q "^error request of 4294967295 bytes | exited 32000$" exec.g.out &&
	grep -c "error" exec.g.out | grep -qx 3 &&
	[ "$st" = 0 ] && [ "$(cat exec.h.out)" = still-serving ] && it_pass exec-malformed-requests ||
	it_fail exec-malformed-requests "replies: $(cat exec.g.out); then status $st: $(cat exec.h.out exec.h.err)"
# The container's end takes its exec'd processes with it (SIGKILL: 137).
( sleep 1; "${RS[@]}" kill exec1 KILL >/dev/null 2>&1 ) &
st=$(rs_run exec.l exec exec1 sleep 100)
wait
[ "$st" = 137 ] && it_pass exec-ends-with-container ||
	it_fail exec-ends-with-container "status $st (want 137): $(cat exec.l.err)"
for _ in $(seq 50); do "${RS[@]}" state exec1 2>/dev/null | grep -q stopped && break; sleep 0.1; done
st=$(rs_run exec.f exec exec1 true)
[ "$st" != 0 ] && grep -q "not running" exec.f.err && it_pass exec-stopped-container ||
	it_fail exec-stopped-container "status $st: $(cat exec.f.err)"
"${RS[@]}" delete --force exec1 >/dev/null 2>&1

# exec's capabilities: the container's (config.json), with runc's --cap
# added (bounding, effective, permitted; never inheritable), or
# process.json's own.
CAPTEST='touch /dev/f; chown 5 /dev/f 2>/dev/null && echo chowned || echo refused; grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb)" /proc/self/status'
caps_want() { # ANSWER MASK
	printf '%s\nCapInh:\t0000000000000000\nCapPrm:\t%016x\nCapEff:\t%016x\nCapBnd:\t%016x\nCapAmb:\t0000000000000000\n' "$1" "$2" "$2" "$2"
}
bundle b-cap '["sleep", "100"]'
sed -i 's/"user": {"uid": 0, "gid": 0}/&, "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}/' b-cap/config.json
rs_run cap.run run --detach --bundle "$IT_WORK/b-cap" cap1 >/dev/null
st=$(rs_run cap.a exec cap1 sh -c "$CAPTEST")
[ "$st" = 0 ] && [ "$(cat cap.a.out)" = "$(caps_want refused 0x20)" ] && it_pass exec-container-caps ||
	it_fail exec-container-caps "status $st: $(cat cap.a.out cap.a.err)"
st=$(rs_run cap.b exec --cap CAP_CHOWN -c sys_admin cap1 sh -c "$CAPTEST")
[ "$st" = 0 ] && [ "$(cat cap.b.out)" = "$(caps_want chowned 0x200021)" ] && it_pass exec-cap-flag ||
	it_fail exec-cap-flag "status $st: $(cat cap.b.out cap.b.err)"
printf '{"args": ["sh", "-c", %s], "env": ["PATH=/bin"], "cwd": "/", "user": {"uid": 0, "gid": 0}, "noNewPrivileges": true, "capabilities": {"bounding": ["CAP_CHOWN"], "effective": ["CAP_CHOWN"], "permitted": ["CAP_CHOWN"]}}' \
	"$(json_str "$CAPTEST; grep NoNewPrivs /proc/self/status")" >cap-proc.json
st=$(rs_run cap.c exec --process "$IT_WORK/cap-proc.json" cap1)
[ "$st" = 0 ] && [ "$(cat cap.c.out)" = "$(caps_want chowned 0x1; printf 'NoNewPrivs:\t1')" ] && it_pass exec-process-json-caps ||
	it_fail exec-process-json-caps "status $st: $(cat cap.c.out cap.c.err)"
st=$(rs_run cap.d exec --cap CAP_NOPE cap1 true)
[ "$st" != 0 ] && grep -q -- "--cap CAP_NOPE: unknown capability" cap.d.err && it_pass exec-cap-unknown ||
	it_fail exec-cap-unknown "status $st: $(cat cap.d.err)"
sed -i 's/"CAP_CHOWN"\]}}/"CAP_BOGUS"]}}/' cap-proc.json
st=$(rs_run cap.e exec --process "$IT_WORK/cap-proc.json" cap1)
[ "$st" != 0 ] && grep -q 'cap-proc.json: capabilities.permitted\[0\]: unknown capability "CAP_BOGUS"' cap.e.err && it_pass exec-process-json-bad-cap ||
	it_fail exec-process-json-bad-cap "status $st: $(cat cap.e.err)"
"${RS[@]}" delete --force cap1 >/dev/null 2>&1

# process.user and process.rlimits reach the application.
bundle b-user '["sh", "-c", "id; ulimit -n; ulimit -Hn; grep -E \"^(Uid|Gid|Groups)\" /proc/self/status"]'
sed -i 's/"user": {"uid": 0, "gid": 0}/"user": {"uid": 1000, "gid": 100, "additionalGids": [5, 6]}, "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456}]/' b-user/config.json
st=$(rs_run run-user run --bundle "$IT_WORK/b-user" user1)
want="uid=1000 gid=100 groups=5,6
123
456
Uid:	1000	1000	1000	1000
Gid:	100	100	100	100
Groups:	5 6 "
[ "$st" = 0 ] && [ "$(cat run-user.out)" = "$want" ] && it_pass run-user-and-rlimits ||
	it_fail run-user-and-rlimits "status $st, stdout:
$(cat run-user.out)
want:
$want
stderr: $(tail -n 5 run-user.err)"

bundle b-ro '["sh", "-c", "echo x > /data/new.txt"]' true
st=$(rs_run run-ro run --bundle "$IT_WORK/b-ro" ro1)
[ "$st" != 0 ] && [ ! -e "$ROOTFS/data/new.txt" ] && grep -q "Read-only file system" run-ro.err &&
	it_pass root-readonly ||
	it_fail root-readonly "status $st; $(ls "$ROOTFS/data"); stderr: $(tail -n 3 run-ro.err)"

# A writable root is root.path itself, as with runc: what the container
# writes, creates, renames and removes is there on the host afterwards,
# exactly, owned by the container's user.
reset_data() {
	rm -rf "$ROOTFS/data"
	mkdir -p "$ROOTFS/data"
	chmod 1777 "$ROOTFS/data"
	printf 'from the image\n' >"$ROOTFS/data/file.txt"
}
host_view() { # what the host sees under root.path/data
	(cd "$ROOTFS/data" && find . -mindepth 1 -printf '%p %y %m %n %u:%g %l\n' | sort &&
		find . -type f ! -name big | sort | while read -r f; do echo "$f: $(cat "$f")"; done)
}
RW_SCRIPT='set -e; cd /data
echo written > new.txt; cat new.txt
mkdir -p d1/d2; echo moved > d1/m.txt; mv d1/m.txt d1/d2/m2.txt
echo gone > gone.txt; rm gone.txt; mkdir empty; rmdir empty
ln -s new.txt sl; ln new.txt hard; chmod 600 hard
echo appended >> file.txt; mv d1 renamed; touch -d @1000000000 renamed/d2/m2.txt
dd if=/dev/zero of=big bs=4096 count=300 2>/dev/null; truncate -s 5000 big
ls -l renamed/d2/m2.txt | cut -c1-10; stat -c "%s %Y" big renamed/d2/m2.txt'
bundle b-rw "[\"sh\", \"-c\", $(json_str "$RW_SCRIPT")]" false
reset_data
st=$(rs_run run-rw run --bundle "$IT_WORK/b-rw" rw1)
host_view >run-rw.host
want_out="written
-rw-r--r--
5000 $(stat -c %Y "$ROOTFS/data/big" 2>/dev/null)
6 1000000000"
want_host="./big f 644 1 root:root 
./file.txt f 644 1 root:root 
./hard f 600 2 root:root 
./new.txt f 600 2 root:root 
./renamed d 755 3 root:root 
./renamed/d2 d 755 2 root:root 
./renamed/d2/m2.txt f 644 1 root:root 
./sl l 777 1 root:root new.txt
./file.txt: from the image
appended
./hard: written
./new.txt: written
./renamed/d2/m2.txt: moved"
[ "$st" = 0 ] && [ "$(cat run-rw.out)" = "$want_out" ] && [ "$(cat run-rw.host)" = "$want_host" ] &&
	[ "$(stat -c %s "$ROOTFS/data/big")" = 5000 ] && [ "$(stat -c %Y "$ROOTFS/data/renamed/d2/m2.txt")" = 1000000000 ] &&
	it_pass root-writable-reaches-host || it_fail root-writable-reaches-host "status $st, stdout:
$(cat run-rw.out)
host sees:
$(cat run-rw.host)
want:
$want_host
stderr: $(tail -n 5 run-rw.err)"

# Files a non-root container user creates are that user's on the host.
bundle b-rw-user '["sh", "-c", "echo mine > /data/u.txt && mkdir /data/ud && ln -s u.txt /data/ul && id -u"]' false
sed -i 's/"user": {"uid": 0, "gid": 0}/"user": {"uid": 1000, "gid": 100}/' b-rw-user/config.json
st=$(rs_run run-rw-user run --bundle "$IT_WORK/b-rw-user" rwu1)
owners=$(stat -c '%n %u:%g' "$ROOTFS/data/u.txt" "$ROOTFS/data/ud" 2>&1; stat -c '%n %u:%g' -L "$ROOTFS/data/ul" 2>&1; stat -c '%u:%g' "$ROOTFS/data/ul" 2>&1)
want="$ROOTFS/data/u.txt 1000:100
$ROOTFS/data/ud 1000:100
$ROOTFS/data/ul 1000:100
1000:100"
[ "$st" = 0 ] && [ "$owners" = "$want" ] && [ "$(cat run-rw-user.out)" = 1000 ] &&
	it_pass root-writable-owner || it_fail root-writable-owner "status $st: $owners
stderr: $(tail -n 5 run-rw-user.err)"
reset_data

# --- mounts, masked and read-only paths -----------------------------------
# A read-only bind of a directory, one of a single file, a tmpfs with
# flags, a masked file and directory, a read-only path, on a writable root.
mkdir -p hostdir hostrw "$ROOTFS/data/secretdir" "$ROOTFS/data/rodir"
echo "from the host" >hostdir/a
echo "a host file" >hostfile
echo "secret" >"$ROOTFS/data/secret"
echo "hidden" >"$ROOTFS/data/secretdir/s"
MOUNTS=',
		{"destination": "/mnt/ro", "type": "bind", "source": "'$IT_WORK'/hostdir",
		 "options": ["rbind", "ro", "rprivate"]},
		{"destination": "/etc/host-file", "type": "none", "source": "../hostfile",
		 "options": ["bind", "ro"]},
		{"destination": "/run/t", "type": "tmpfs", "source": "tmpfs",
		 "options": ["nosuid", "nodev", "noexec", "mode=1770", "size=3m"]},
		{"destination": "/mnt/rw", "type": "bind", "source": "'$IT_WORK'/hostrw",
		 "options": ["rbind", "rw"]}'
PATHS=',
		"maskedPaths": ["/data/secret", "/data/secretdir", "/no/such/path"],
		"readonlyPaths": ["/data/rodir"]'
bundle b-mounts '["sh", "-c", "cat /mnt/ro/a /etc/host-file; (echo x >/mnt/ro/b) 2>/dev/null || echo ro-refused; touch /run/t/y && stat -c %a /run/t; cp /bin/busybox /run/t/bb; /run/t/bb true 2>/dev/null || echo noexec-$?; dd if=/dev/zero of=/run/t/big bs=1024 count=2048 2>/dev/null || echo size-enospc; cat /data/secret; ls /data/secretdir | wc -l; (echo z >/data/rodir/z) 2>/dev/null || echo rodir-refused; echo w >/data/w && echo root-writable; rm -rf /mnt/rw/d && echo v >/mnt/rw/v && mkdir /mnt/rw/d && mv /mnt/rw/v /mnt/rw/d/v2 && ls /mnt/rw/d"]' \
	false / '"PATH=/bin"' '' "$MOUNTS" "$PATHS"
printf '%s\n' "from the host" "a host file" ro-refused 1770 noexec-126 size-enospc 0 rodir-refused root-writable v2 >mounts.expected
st=$(rs_run mounts run --bundle "$IT_WORK/b-mounts" mounts1)
[ "$st" = 0 ] && cmp -s mounts.out mounts.expected && it_pass mounts-bind-tmpfs-masked-readonly ||
	it_fail mounts-bind-tmpfs-masked-readonly "status $st: $(diff mounts.expected mounts.out) $(tail -n 3 mounts.err)"
[ ! -e hostdir/b ] && [ "$(cat "$ROOTFS/data/secret")" = secret ] && [ ! -e "$ROOTFS/data/rodir/z" ] &&
	it_pass mounts-host-untouched || it_fail mounts-host-untouched "$(ls hostdir "$ROOTFS/data/rodir")"
# What the container wrote to the writable bind mount is on the host.
[ "$(cat hostrw/d/v2 2>&1)" = v ] && [ ! -e hostrw/v ] && it_pass mounts-writable-bind-reaches-host ||
	it_fail mounts-writable-bind-reaches-host "$(ls -lR hostrw)"
rm -rf hostrw/d
# The mount points were made in root.path, beneath it.
[ -d "$ROOTFS/mnt/ro" ] && [ -f "$ROOTFS/etc/host-file" ] && it_pass mounts-mount-points ||
	it_fail mounts-mount-points "$(ls -la "$ROOTFS" "$ROOTFS/etc" 2>&1 | head)"
# (runc gives a tmpfs the mode of a mount point that existed before it:
# remove ours, so that the comparison with runc below sees mode=.)
rm -rf "$ROOTFS/data/w" "$ROOTFS/run"
# A symlink in the bundle cannot send a mount point out of root.path.
ln -sfn /tmp "$ROOTFS/escape"
bundle b-escape '["true"]' false / '"PATH=/bin"' '' ',
		{"destination": "/escape/runsc-escape-test", "type": "tmpfs", "source": "tmpfs"}'
rm -rf /tmp/runsc-escape-test
st=$(rs_run escape run --bundle "$IT_WORK/b-escape" escape1)
[ "$st" = 0 ] && [ ! -e /tmp/runsc-escape-test ] && [ -d "$ROOTFS/tmp/runsc-escape-test" ] &&
	it_pass mounts-point-beneath-root || it_fail mounts-point-beneath-root "status $st: $(cat escape.err)"
rm -rf "$ROOTFS/escape" "$ROOTFS/tmp/runsc-escape-test"
# Bad mounts: an unknown type or option, a missing source, named by path.
bundle b-badmount '["true"]' true / '"PATH=/bin"' '' ',
		{"destination": "/x", "type": "ext4", "source": "/dev/sda1"}'
st=$(rs_run badmount create --bundle "$IT_WORK/b-badmount" badmount1)
[ "$st" != 0 ] && grep -q 'mounts\[2\].type' badmount.err && [ ! -e "$STATE/badmount1" ] &&
	it_pass bad-mount-type || it_fail bad-mount-type "status $st: $(cat badmount.err)"
bundle b-badopt '["true"]' true / '"PATH=/bin"' '' ',
		{"destination": "/x", "type": "bind", "source": "/tmp", "options": ["rbind", "frobnicate"]}'
st=$(rs_run badopt create --bundle "$IT_WORK/b-badopt" badopt1)
[ "$st" != 0 ] && grep -q 'mounts\[2\].options\[1\].*frobnicate' badopt.err && [ ! -e "$STATE/badopt1" ] &&
	it_pass bad-mount-option || it_fail bad-mount-option "status $st: $(cat badopt.err)"
bundle b-badsrc '["true"]' true / '"PATH=/bin"' '' ',
		{"destination": "/x", "type": "bind", "source": "/no/such/dir", "options": ["rbind"]}'
st=$(rs_run badsrc create --bundle "$IT_WORK/b-badsrc" badsrc1)
[ "$st" != 0 ] && grep -q 'mounts\[2\].source.*/no/such/dir' badsrc.err && [ ! -e "$STATE/badsrc1" ] &&
	it_pass bad-mount-source || it_fail bad-mount-source "status $st: $(cat badsrc.err)"

# --- pods: a container joining another's sandbox (containerd's CRI) -------
# pod_bundle DIR ARGS_JSON ROOTFS SANDBOX_ID: a bundle of the pod's next
# container (annotations as containerd's CRI plugin sets them).
ROOTFS2=$IT_WORK/rootfs2
cp -a "$ROOTFS" "$ROOTFS2"
echo "the second root" >"$ROOTFS2/marker"
rm -f "$ROOTFS2/data/file.txt"
pod_bundle() {
	bundle "$1" "$2" false
	sed -i -e "s|\"path\": \"$ROOTFS\"|\"path\": \"$3\"|" \
		-e "s|\"org.example.test\": \"oci.sh\"|\"io.kubernetes.cri.container-type\": \"container\", \"io.kubernetes.cri.sandbox-id\": \"$4\"|" \
		"$1/config.json"
}
bundle b-pause '["sleep", "300"]'
sed -i 's|"org.example.test": "oci.sh"|"io.kubernetes.cri.container-type": "sandbox"|' b-pause/config.json
rs_run pod.create create --bundle "$IT_WORK/b-pause" pod1 >/dev/null
rs_run pod.start start pod1 >/dev/null
pod_bundle b-member '["sh", "-c", "cat /marker; hostname; test -e /data/file.txt || echo own-root; echo x >/made-here; exit 7"]' "$ROOTFS2" pod1
st=$(rs_run member.create create --bundle "$IT_WORK/b-member" member1)
rs_run member.state1 state member1 >/dev/null
rs_run member.start start member1 >/dev/null
rs_run member.wait wait member1 >/dev/null
printf '%s\n' "the second root" oci-test own-root >member.expected
[ "$st" = 0 ] && [ "$(json_field member.state1.out status)" = created ] &&
	grep -q '"exitStatus":7' member.wait.out && cmp -s member.create.out member.expected &&
	[ -e "$ROOTFS2/made-here" ] && [ ! -e "$ROOTFS/made-here" ] && it_pass pod-member-runs-in-its-own-root ||
	it_fail pod-member-runs-in-its-own-root "create $st, state $(json_field member.state1.out status), wait $(cat member.wait.out member.wait.err), out: $(cat member.create.out) err: $(tail -n 3 member.create.err)"
rs_run member.del delete member1 >/dev/null
# A signal reaches the member's init; SIGKILL to its monitor (runsc kill
# KILL, delete --force) ends it and what it started, not the pod.
pod_bundle b-member2 '["sh", "-c", "trap \"echo got-term; exit 3\" TERM; sleep 271 & wait"]' "$ROOTFS2" pod1
rs_run member2.create create --bundle "$IT_WORK/b-member2" member2 >/dev/null
rs_run member2.start start member2 >/dev/null
sleep 0.5
# runsc exec into a member runs in its root (kubectl exec).
st=$(rs_run member2.exec exec member2 sh -c 'cat /marker; exit 4')
[ "$st" = 4 ] && [ "$(cat member2.exec.out)" = "the second root" ] && it_pass pod-member-exec ||
	it_fail pod-member-exec "status $st: $(cat member2.exec.out member2.exec.err)"
# ps of a member: its own host processes (monitor, gofer), not the pod's.
rs_run member2.ps ps --format json member2 >/dev/null
m2pid=$(grep -o '"pid": *[0-9]*' "$STATE/member2/state.json" | grep -o '[0-9]*$')
podsentry=$(grep -o '"sandboxPid": *[0-9]*' "$STATE/pod1/state.json" | grep -o '[0-9]*$')
grep -q "^\[$m2pid,[0-9]*\]$" member2.ps.out && ! grep -qw "${podsentry:-x}" member2.ps.out &&
	it_pass pod-member-ps || it_fail pod-member-ps "ps: $(cat member2.ps.out member2.ps.err); monitor $m2pid, pod sentry $podsentry"
rs_run member2.kill kill member2 TERM >/dev/null
rs_run member2.wait wait member2 >/dev/null
grep -q '"exitStatus":3' member2.wait.out && grep -q got-term member2.create.out &&
	it_pass pod-member-signal || it_fail pod-member-signal "$(cat member2.wait.out member2.wait.err member2.create.out)"
rs_run member2.del delete member2 >/dev/null
rs_run member3.create create --bundle "$IT_WORK/b-member2" member3 >/dev/null
rs_run member3.start start member3 >/dev/null
sleep 0.5
rs_run member3.kill kill member3 KILL >/dev/null
wait_stopped member3.state member3
rs_run pod.ps exec pod1 ps >/dev/null
rs_run pod.state state pod1 >/dev/null
[ "$(json_field member3.state.out status)" = stopped ] && ! grep -q "sleep 271" pod.ps.out &&
	[ "$(json_field pod.state.out status)" = running ] && it_pass pod-member-kill ||
	it_fail pod-member-kill "member3 $(json_field member3.state.out status), pod $(json_field pod.state.out status), ps: $(cat pod.ps.out)"
rs_run member3.del delete member3 >/dev/null
# The pod's end ends its members (137, as a pid namespace's end).
rs_run member4.create create --bundle "$IT_WORK/b-member2" member4 >/dev/null
rs_run member4.start start member4 >/dev/null
sleep 0.5
rs_run pod.kill kill pod1 KILL >/dev/null
rs_run member4.wait wait member4 >/dev/null
grep -q '"exitStatus":137' member4.wait.out && it_pass pod-end-ends-members ||
	it_fail pod-end-ends-members "$(cat member4.wait.out member4.wait.err)"
rs_run member4.del delete member4 >/dev/null
rs_run pod.del delete --force pod1 >/dev/null
# A member's own process.capabilities, noNewPrivileges and rlimits, not
# the pod's (which has all of root's capabilities).
bundle b-pause2 '["sleep", "300"]'
sed -i 's|"org.example.test": "oci.sh"|"io.kubernetes.cri.container-type": "sandbox"|' b-pause2/config.json
rs_run pod2.run run --detach --bundle "$IT_WORK/b-pause2" pod2 >/dev/null
pod_bundle b-mcap '["sh", "-c", "grep -E \"^(CapEff|CapBnd|NoNewPrivs)\" /proc/self/status; ulimit -n; ulimit -Hn"]' "$ROOTFS2" pod2
sed -i 's/"user": {"uid": 0, "gid": 0}/&, "noNewPrivileges": true, "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 77, "hard": 88}], "capabilities": {"bounding": ["CAP_CHOWN", "CAP_KILL"], "effective": ["CAP_CHOWN", "CAP_KILL"], "permitted": ["CAP_CHOWN", "CAP_KILL"]}/' b-mcap/config.json
rs_run mcap.create create --bundle "$IT_WORK/b-mcap" mcap1 >/dev/null
rs_run mcap.start start mcap1 >/dev/null
rs_run mcap.wait wait mcap1 >/dev/null
rs_run pod2.limits exec pod2 sh -c 'grep -E "^(CapEff|NoNewPrivs)" /proc/self/status; ulimit -n' >/dev/null
printf 'CapEff:\t0000000000000021\nCapBnd:\t0000000000000021\nNoNewPrivs:\t1\n77\n88\n' >mcap.expected
grep -q '"exitStatus":0' mcap.wait.out && cmp -s mcap.create.out mcap.expected &&
	! grep -q "^CapEff:	0000000000000021" pod2.limits.out && grep -q "^NoNewPrivs:	0" pod2.limits.out &&
	! grep -qx 77 pod2.limits.out && it_pass pod-member-own-caps-rlimits ||
	it_fail pod-member-own-caps-rlimits "wait $(cat mcap.wait.out); out: $(cat mcap.create.out) err: $(tail -n 3 mcap.create.err); pod: $(cat pod2.limits.out)"
rs_run mcap.del delete mcap1 >/dev/null
rs_run pod2.del delete --force pod2 >/dev/null
# Joining a sandbox that does not exist is an error naming the annotation.
pod_bundle b-orphan '["true"]' "$ROOTFS2" no-such-pod
st=$(rs_run orphan create --bundle "$IT_WORK/b-orphan" orphan1)
[ "$st" != 0 ] && grep -q 'io.kubernetes.cri.sandbox-id' orphan.err && [ ! -e "$STATE/orphan1" ] &&
	it_pass pod-unknown-sandbox || it_fail pod-unknown-sandbox "status $st: $(cat orphan.err)"
rm -rf "$ROOTFS2"

# --- linux.resources: memory and pids limits, runsc events ---------------
# A small static program allocates, forks and spawns threads in the
# container (oci/resources.c).
# resources DIR ARGS_JSON RESOURCES_JSON: a bundle with linux.resources.
resources() {
	bundle "$1" "$2"
	sed -i "s|\"namespaces\": \[|\"resources\": $3,\n\t\t\"namespaces\": [|" "$1/config.json"
}
if gcc -std=gnu11 -O1 -static -Wall -Werror -pthread -o "$ROOTFS/bin/res" \
	"$IT_DIR/oci/resources.c" 2>"$IT_WORK/res-cc.log"; then
	MIB64='{"memory": {"limit": 67108864}}'
	resources b-oom '["res", "mem", "200"]' "$MIB64"
	st=$(rs_run res.oom run --bundle "$IT_WORK/b-oom" oom1)
	[ "$st" = 137 ] && [ ! -s res.oom.out ] && grep -q "memory limit" res.oom.err &&
		it_pass memory-limit-oom-killed ||
		it_fail memory-limit-oom-killed "status $st (want 137): $(cat res.oom.out res.oom.err)"
	resources b-mem32 '["res", "mem", "32"]' "$MIB64"
	st=$(rs_run res.mem32 run --bundle "$IT_WORK/b-mem32" mem32)
	[ "$st" = 0 ] && [ "$(cat res.mem32.out)" = touched ] && it_pass memory-limit-under ||
		it_fail memory-limit-under "status $st: $(cat res.mem32.out res.mem32.err)"
	# The sandbox shows the limit as its memory.
	resources b-meminfo '["sh", "-c", "head -n 1 /proc/meminfo"]' "$MIB64"
	st=$(rs_run res.meminfo run --bundle "$IT_WORK/b-meminfo" meminfo1)
	[ "$st" = 0 ] && grep -q "^MemTotal: *65536 kB" res.meminfo.out && it_pass memory-limit-meminfo ||
		it_fail memory-limit-meminfo "status $st: $(cat res.meminfo.out res.meminfo.err)"

	# pids.limit 4: init and 3 more tasks, processes or threads.
	resources b-fork '["res", "fork", "10"]' '{"pids": {"limit": 4}}'
	st=$(rs_run res.fork run --bundle "$IT_WORK/b-fork" fork1)
	[ "$st" = 0 ] && [ "$(cat res.fork.out)" = "forked 3 EAGAIN" ] && it_pass pids-limit-fork ||
		it_fail pids-limit-fork "status $st: $(cat res.fork.out res.fork.err)"
	resources b-thread '["res", "thread", "10"]' '{"pids": {"limit": 4}}'
	st=$(rs_run res.thread run --bundle "$IT_WORK/b-thread" thread1)
	[ "$st" = 0 ] && [ "$(cat res.thread.out)" = "forked 3 EAGAIN" ] && it_pass pids-limit-threads ||
		it_fail pids-limit-threads "status $st: $(cat res.thread.out res.thread.err)"
	resources b-nopids '["res", "fork", "10"]' '{"pids": {"limit": 0}}'
	st=$(rs_run res.nopids run --bundle "$IT_WORK/b-nopids" nopids1)
	[ "$st" = 0 ] && [ "$(cat res.nopids.out)" = "forked 10" ] && it_pass pids-limit-zero-unlimited ||
		it_fail pids-limit-zero-unlimited "status $st: $(cat res.nopids.out res.nopids.err)"

	# events --stats: the usage of a process holding 24 MiB, the limits.
	resources b-hold '["res", "hold", "24"]' \
		'{"memory": {"limit": 67108864}, "pids": {"limit": 8}}'
	rs_run res.hold run --detach --bundle "$IT_WORK/b-hold" hold1 >/dev/null
	ok=
	for _ in $(seq 50); do
		rs_run res.ev events --stats hold1 >/dev/null
		/usr/bin/python3 - res.ev.out 2>res.ev.py <<'PYEOF' && ok=1 && break
import json, sys
e = json.load(open(sys.argv[1]))
d = e["data"]
assert e["type"] == "stats" and e["id"] == "hold1", e
assert d["memory"]["usage"]["limit"] == 64 << 20, d
assert 24 << 20 <= d["memory"]["usage"]["usage"] <= 40 << 20, d
assert d["memory"]["usage"]["max"] >= d["memory"]["usage"]["usage"], d
assert d["pids"] == {"current": 1, "limit": 8}, d
assert d["cpu"]["usage"]["total"] > 0, d
PYEOF
		sleep 0.1
	done
	[ -n "$ok" ] && it_pass events-stats ||
		it_fail events-stats "$(cat res.ev.out res.ev.err res.ev.py res.hold.err)"
	rs_run res.hold.kill kill hold1 KILL >/dev/null
	rs_run res.hold.wait wait hold1 >/dev/null
	st=$(rs_run res.ev2 events --stats hold1)
	[ "$st" != 0 ] && grep -q "not running" res.ev2.err && it_pass events-stopped-container ||
		it_fail events-stopped-container "status $st: $(cat res.ev2.out res.ev2.err)"
	rs_run res.hold.del delete hold1 >/dev/null

	# events: stats every interval, and an oom event when the OOM killer
	# kills a process that is not the container's init.
	resources b-evoom '["sh", "-c", "sleep 0.5; res mem 200; echo child $?; sleep 1"]' "$MIB64"
	rs_run res.evoom run --detach --bundle "$IT_WORK/b-evoom" evoom1 >/dev/null
	st=$(rs_run res.evs events --interval 300ms evoom1)
	/usr/bin/python3 - res.evs.out <<'PYEOF'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert [e for e in ev if e == {"type": "oom", "id": "evoom1"}], ev
stats = [e for e in ev if e["type"] == "stats"]
assert len(stats) >= 2, ev
assert max(e["data"]["memory"]["usage"]["failcnt"] for e in stats) >= 1, ev
PYEOF
	[ $? = 0 ] && [ "$st" = 0 ] && it_pass events-stream-oom ||
		it_fail events-stream-oom "status $st: $(cat res.evs.out res.evs.err)"
	rs_run res.evoom.del delete evoom1 >/dev/null

	# Bad values name their JSON path.
	resources b-badmem '["true"]' '{"memory": {"limit": 0}}'
	st=$(rs_run res.badmem run --bundle "$IT_WORK/b-badmem" badmem1)
	[ "$st" != 0 ] && grep -q "config.json: linux.resources.memory.limit: must be" res.badmem.err &&
		[ ! -e "$STATE/badmem1" ] && it_pass resources-bad-memory-limit ||
		it_fail resources-bad-memory-limit "status $st: $(cat res.badmem.err)"
	resources b-badpids '["true"]' '{"pids": {"limit": "many"}}'
	st=$(rs_run res.badpids run --bundle "$IT_WORK/b-badpids" badpids1)
	[ "$st" != 0 ] && grep -q "config.json: linux.resources.pids.limit: must be an integer" res.badpids.err &&
		it_pass resources-bad-pids-limit ||
		it_fail resources-bad-pids-limit "status $st: $(cat res.badpids.err)"
else
	it_fail resources-build "$(cat "$IT_WORK/res-cc.log")"
fi

# --- linux.resources.cpu: host cgroups (v1 cpu, cpuset) -----------------
# The monitor, gofer, sentry and stubs are in runsc/ID of each hierarchy,
# with the config's values; a busy loop over the quota is throttled; the
# groups go with delete; a value the kernel refuses fails create, naming
# the field, leaving nothing.
CPU_CG=/sys/fs/cgroup/cpu/runsc
if awk '$9 == "cgroup" && $NF ~ /(^|,)cpu(,|$)/ {f=1} END {exit !f}' /proc/self/mountinfo 2>/dev/null &&
	[ -d /sys/fs/cgroup/cpu ] && [ -d /sys/fs/cgroup/cpuset ]; then
	bundle b-cpu '["sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; echo done"]'
	sed -i 's|"namespaces": \[|"resources": {"cpu": {"shares": 512, "quota": 20000, "period": 100000, "cpus": "0"}},\n\t\t"namespaces": [|' b-cpu/config.json
	rs_run cpu.create create --bundle "$IT_WORK/b-cpu" cpu1 >/dev/null
	rs_run cpu.state state cpu1 >/dev/null
	sentry=$(json_field "$STATE/cpu1/state.json" sandboxPid)
	[ -z "$sentry" ] && sentry=$(grep -o '"sandboxPid": *[0-9]*' "$STATE/cpu1/state.json" | grep -o '[0-9]*$')
	[ "$(cat $CPU_CG/cpu1/cpu.cfs_quota_us 2>/dev/null)" = 20000 ] &&
		[ "$(cat $CPU_CG/cpu1/cpu.cfs_period_us)" = 100000 ] && [ "$(cat $CPU_CG/cpu1/cpu.shares)" = 512 ] &&
		[ "$(cat /sys/fs/cgroup/cpuset/runsc/cpu1/cpuset.cpus)" = 0 ] && [ -n "$sentry" ] &&
		grep -qx "$sentry" $CPU_CG/cpu1/cgroup.procs && grep -qx "$sentry" /sys/fs/cgroup/cpuset/runsc/cpu1/cgroup.procs &&
		it_pass resources-cpu-cgroup ||
		it_fail resources-cpu-cgroup "create: $(cat cpu.create.err); sentry ${sentry:-?}; $(grep -H . $CPU_CG/cpu1/cpu.cfs_quota_us $CPU_CG/cpu1/cgroup.procs 2>&1)"
	rs_run cpu.start start cpu1 >/dev/null
	rs_run cpu.wait wait cpu1 >/dev/null
	throttled=$(sed -n 's/^nr_throttled //p' $CPU_CG/cpu1/cpu.stat 2>/dev/null)
	[ "${throttled:-0}" -gt 0 ] && grep -q '"exitStatus":0' cpu.wait.out && it_pass resources-cpu-quota-throttles ||
		it_fail resources-cpu-quota-throttles "nr_throttled ${throttled:-?}; wait $(cat cpu.wait.out cpu.wait.err)"
	rs_run cpu.del delete cpu1 >/dev/null
	[ ! -e $CPU_CG/cpu1 ] && [ ! -e /sys/fs/cgroup/cpuset/runsc/cpu1 ] && it_pass resources-cpu-cgroup-removed ||
		it_fail resources-cpu-cgroup-removed "$(ls -d $CPU_CG/cpu1 /sys/fs/cgroup/cpuset/runsc/cpu1 2>&1)"
	bundle b-badcpu '["true"]'
	sed -i 's|"namespaces": \[|"resources": {"cpu": {"quota": 20000, "period": 100}},\n\t\t"namespaces": [|' b-badcpu/config.json
	st=$(rs_run cpu.bad create --bundle "$IT_WORK/b-badcpu" badcpu1)
	[ "$st" != 0 ] && grep -q "linux.resources.cpu.period" cpu.bad.err && [ ! -e "$STATE/badcpu1" ] && [ ! -e $CPU_CG/badcpu1 ] &&
		it_pass resources-cpu-bad-value || it_fail resources-cpu-bad-value "status $st: $(cat cpu.bad.err)"
else
	echo "SKIP oci/resources-cpu-cgroup: no cgroup v1 cpu and cpuset hierarchies"
fi

# --- create / start / state / ps / kill / wait / delete ------------------
bundle b-life '["sh", "-c", "trap \"echo got TERM; exit 7\" TERM; echo started; while true; do sleep 0.1; done"]'
st=$(it_run life.create.out life.create.err "${RS[@]}" create --bundle "$IT_WORK/b-life" --pid-file "$IT_WORK/life.pid" life)
pid=$(cat life.pid 2>/dev/null)
if [ "$st" = 0 ] && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
	it_pass create
else
	it_fail create "status $st, pid-file: ${pid:-none}: $(cat life.create.err)"
fi
rs_run life.state1 state life >/dev/null
[ "$(json_field life.state1.out status)" = created ] && [ "$(json_field life.state1.out pid)" = "$pid" ] &&
	[ "$(json_field life.state1.out id)" = life ] && [ "$(json_field life.state1.out bundle)" = "$IT_WORK/b-life" ] &&
	grep -q '"org.example.test": "oci.sh"' life.state1.out &&
	it_pass state-created || it_fail state-created "$(cat life.state1.out life.state1.err)"
# Nothing runs before start.
sleep 0.3
[ ! -s life.create.out ] && it_pass not-started-before-start || it_fail not-started-before-start "stdout: $(cat life.create.out)"
st=$(rs_run life.start start life)
for _ in $(seq 50); do grep -q started life.create.out && break; sleep 0.1; done
[ "$st" = 0 ] && grep -q started life.create.out && it_pass start ||
	it_fail start "status $st: $(cat life.start.err); container stdout: $(cat life.create.out)"
rs_run life.state2 state life >/dev/null
[ "$(json_field life.state2.out status)" = running ] && it_pass state-running ||
	it_fail state-running "$(cat life.state2.out life.state2.err)"
st=$(rs_run life.start2 start life)
[ "$st" != 0 ] && [ "$(grep -c . life.start2.err)" = 1 ] && it_pass start-twice-fails ||
	it_fail start-twice-fails "status $st: $(cat life.start2.err)"
rs_run life.list list --format json >/dev/null
grep -q '"id": "life"' life.list.out && it_pass list-json || it_fail list-json "$(cat life.list.out life.list.err)"
rs_run life.list2 list >/dev/null
grep -q "^life .*running" life.list2.out && it_pass list-table || it_fail list-table "$(cat life.list2.out life.list2.err)"
rs_run life.ps ps --format json life >/dev/null
grep -q "^\[$pid," life.ps.out && it_pass ps-json || it_fail ps-json "$(cat life.ps.out life.ps.err)"
st=$(rs_run life.del0 delete life)
[ "$st" != 0 ] && grep -q "not stopped" life.del0.err && [ -d "$STATE/life" ] &&
	it_pass delete-running-refused || it_fail delete-running-refused "status $st: $(cat life.del0.err)"
st=$(rs_run life.kill kill life TERM)
rs_run life.wait wait life >/dev/null
[ "$st" = 0 ] && grep -q '"exitStatus":7' life.wait.out && grep -q "got TERM" life.create.out &&
	it_pass kill-term-reaches-app || it_fail kill-term-reaches-app "kill status $st: $(cat life.kill.err)
wait: $(cat life.wait.out life.wait.err)
container stdout: $(cat life.create.out)"
rs_run life.state3 state life >/dev/null
[ "$(json_field life.state3.out status)" = stopped ] && it_pass state-stopped ||
	it_fail state-stopped "$(cat life.state3.out life.state3.err)"
st=$(rs_run life.kill2 kill life)
[ "$st" != 0 ] && it_pass kill-stopped-fails || it_fail kill-stopped-fails "status $st"
st=$(rs_run life.del delete life)
[ "$st" = 0 ] && [ ! -e "$STATE/life" ] && it_pass delete-stopped || it_fail delete-stopped "status $st: $(cat life.del.err)"
st=$(rs_run life.state4 state life)
[ "$st" != 0 ] && grep -q "does not exist" life.state4.err && it_pass state-after-delete ||
	it_fail state-after-delete "status $st: $(cat life.state4.out life.state4.err)"

# kill before start; delete --force of a running container.
bundle b-sleep '["sleep", "100"]'
rs_run k.create create --bundle "$IT_WORK/b-sleep" k1 >/dev/null
st=$(rs_run k.kill kill k1 KILL)
wait_stopped k.state k1
[ "$st" = 0 ] && [ "$(json_field k.state.out status)" = stopped ] && it_pass kill-created ||
	it_fail kill-created "status $st: $(cat k.kill.err k.state.out)"
rs_run k.del delete k1 >/dev/null
rs_run f.create create --bundle "$IT_WORK/b-sleep" f1 >/dev/null
rs_run f.start start f1 >/dev/null
st=$(rs_run f.del delete --force f1)
[ "$st" = 0 ] && [ ! -e "$STATE/f1" ] && it_pass delete-force || it_fail delete-force "status $st: $(cat f.del.err)"
left=$(leftovers)
[ -z "$left" ] && it_pass nothing-left-behind || it_fail nothing-left-behind "$left"

# --- pause / resume -------------------------------------------------------
# While paused, the container's loop writes nothing more to its (writable)
# root; after resume it goes on; a paused container is "paused" in state,
# needs --force to delete, and still dies by SIGKILL.
bundle b-tick '["sh", "-c", "while true; do echo x >>/data/ticks; sleep 0.05; done"]' false
rm -f "$ROOTFS/data/ticks"
rs_run tick.run run --detach --bundle "$IT_WORK/b-tick" tick1 >/dev/null
sleep 0.5
st=$(rs_run tick.pause pause tick1)
rs_run tick.state state tick1 >/dev/null
a=$(wc -l <"$ROOTFS/data/ticks")
sleep 0.7
b=$(wc -l <"$ROOTFS/data/ticks")
[ "$st" = 0 ] && [ "$(json_field tick.state.out status)" = paused ] && [ "$a" = "$b" ] &&
	it_pass pause || it_fail pause "status $st, state $(json_field tick.state.out status), ticks $a -> $b: $(cat tick.pause.err)"
st=$(rs_run tick.del delete tick1)
[ "$st" != 0 ] && grep -q "paused (use --force)" tick.del.err && it_pass pause-delete-needs-force ||
	it_fail pause-delete-needs-force "status $st: $(cat tick.del.err)"
st=$(rs_run tick.resume resume tick1)
sleep 0.5
c=$(wc -l <"$ROOTFS/data/ticks")
rs_run tick.state2 state tick1 >/dev/null
[ "$st" = 0 ] && [ "$(json_field tick.state2.out status)" = running ] && [ "$c" -gt "$b" ] &&
	it_pass resume || it_fail resume "status $st, state $(json_field tick.state2.out status), ticks $b -> $c: $(cat tick.resume.err)"
st=$(rs_run tick.resume2 resume tick1)
[ "$st" != 0 ] && grep -q "not paused" tick.resume2.err && it_pass resume-not-paused ||
	it_fail resume-not-paused "status $st: $(cat tick.resume2.err)"
rs_run tick.pause2 pause tick1 >/dev/null
rs_run tick.kill kill tick1 KILL >/dev/null
wait_stopped tick.state3 tick1
[ "$(json_field tick.state3.out status)" = stopped ] && it_pass pause-then-kill ||
	it_fail pause-then-kill "state $(json_field tick.state3.out status)"
rs_run tick.del2 delete tick1 >/dev/null
rm -f "$ROOTFS/data/ticks"

# --- hooks: run on the host with the state on stdin -----------------------
hook() { # KIND -> a hook that saves its stdin as hook-KIND.json
	echo "{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"cat > $IT_WORK/hook-$1.json\"], \"timeout\": 10}"
}
bundle b-hooks '["sleep", "100"]' true / '"PATH=/bin"' ", \"hooks\": {\"prestart\": [$(hook prestart)], \"createRuntime\": [$(hook createRuntime)], \"poststart\": [$(hook poststart)], \"poststop\": [$(hook poststop)]}"
rs_run hk.create create --bundle "$IT_WORK/b-hooks" hk >/dev/null
grep -q '"id":"hk"' hook-prestart.json 2>/dev/null && grep -q '"status":"created"' hook-createRuntime.json 2>/dev/null &&
	[ ! -e hook-poststart.json ] && it_pass hooks-create || it_fail hooks-create "$(cat hk.create.err; cat hook-*.json 2>&1)"
rs_run hk.start start hk >/dev/null
grep -q '"status":"running"' hook-poststart.json 2>/dev/null && it_pass hooks-poststart ||
	it_fail hooks-poststart "$(cat hk.start.err hook-poststart.json 2>&1)"
rs_run hk.kill kill hk KILL >/dev/null
rs_run hk.wait wait hk >/dev/null
rs_run hk.delete delete hk >/dev/null
grep -q '"status":"stopped"' hook-poststop.json 2>/dev/null && it_pass hooks-poststop ||
	it_fail hooks-poststop "$(cat hk.delete.err hook-poststop.json 2>&1)"
bundle b-badhook '["true"]' true / '"PATH=/bin"' ', "hooks": {"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]}'
st=$(rs_run hk.bad create --bundle "$IT_WORK/b-badhook" hkbad)
[ "$st" != 0 ] && [ "$(grep -c . hk.bad.err)" = 1 ] && grep -q 'hooks.createRuntime\[0\]: /bin/sh exited with status 3' hk.bad.err &&
	[ ! -e "$STATE/hkbad" ] && [ -z "$(leftovers)" ] && it_pass hooks-failure-undoes-create ||
	it_fail hooks-failure-undoes-create "status $st: $(cat hk.bad.err); state: $(ls "$STATE"); $(leftovers)"

# --- global flags: --log --log-format json -------------------------------
st=$(it_run log.out log.err "$RUNSC" --root "$STATE" --log "$IT_WORK/runsc.log" --log-format json --systemd-cgroup state no-such)
[ "$st" != 0 ] && grep -q '"level":"error"' runsc.log && grep -q 'no-such' runsc.log && it_pass log-json ||
	it_fail log-json "status $st: $(cat log.err; cat runsc.log 2>/dev/null)"

# --- bad bundles ----------------------------------------------------------
# bad NAME PATTERN ARGS... : create fails, one stderr line matching
# PATTERN, no state directory and no process left.
bad() {
	local name=$1 pattern=$2 st lines
	shift 2
	st=$(rs_run "bad-$name" create "$@")
	lines=$(grep -c . "bad-$name.err")
	local left
	left=$(leftovers)
	if [ "$st" != 0 ] && [ "$lines" = 1 ] && grep -q -- "$pattern" "bad-$name.err" &&
		[ -z "$(ls -A "$STATE" 2>/dev/null)" ] && [ -z "$left" ]; then
		it_pass "bad-bundle-$name"
	else
		it_fail "bad-bundle-$name" "status $st, $lines stderr lines (want 1 matching $pattern):
$(head -n 5 "bad-$name.err")
state: $(ls -A "$STATE" 2>/dev/null)
processes: $left"
	fi
}
mkdir -p bad/missing
bad missing-config "config.json: cannot read .*No such file" --bundle bad/missing x1
mkdir -p bad/json && printf '{"ociVersion": "1.0.2",\n "process": {' >bad/json/config.json
bad invalid-json "config.json: invalid JSON" --bundle bad/json x2
bundle bad/args '[]'
bad empty-args "process.args: must be a non-empty array" --bundle bad/args x3
bundle bad/noroot '["true"]'
sed -i 's/"root": {[^}]*},//' bad/noroot/config.json
bad missing-root "root: missing" --bundle bad/noroot x4
bundle bad/rootpath '["true"]'
sed -i "s|\"path\": \"$ROOTFS\"|\"path\": \"$IT_WORK/no-such-rootfs\"|" bad/rootpath/config.json
bad rootfs-missing "root.path: .*no-such-rootfs: No such file" --bundle bad/rootpath x5
bundle bad/ns '["true"]'
sed -i 's/{"type": "ipc"}/{"type": "nosuchns"}/' bad/ns/config.json
bad unknown-namespace 'linux.namespaces\[1\].type: unknown namespace type "nosuchns"' --bundle bad/ns x6
bundle bad/field '["true"]' true / '"PATH=/bin"' ', "colour": "blue"'
bad unknown-field "config.json: colour: unknown property" --bundle bad/field x7
bad bad-id "invalid container id" --bundle b-sleep "../x"
# A duplicate id: the first container is untouched.
rs_run dup.create create --bundle "$IT_WORK/b-sleep" dup >/dev/null
st=$(rs_run dup2 create --bundle "$IT_WORK/b-sleep" dup)
rs_run dup.state state dup >/dev/null
[ "$st" != 0 ] && [ "$(grep -c . dup2.err)" = 1 ] && grep -q 'already exists' dup2.err &&
	[ "$(json_field dup.state.out status)" = created ] && it_pass bad-bundle-duplicate-id ||
	it_fail bad-bundle-duplicate-id "status $st: $(cat dup2.err); first: $(cat dup.state.out dup.state.err)"
rs_run dup.del delete --force dup >/dev/null

# process.capabilities and noNewPrivileges: root without CAP_CHOWN,
# CAP_DAC_OVERRIDE, CAP_SYS_ADMIN is refused what they allow, and execve
# under no_new_privs does not give it CAP_SETUID from the bounding set; a
# user keeps its ambient capability across execve. (The sandbox's /dev is
# not a writable tmpfs: the files go to a tmpfs /tmp.)
cat >"$ROOTFS/bin/caps-test" <<'EOF'
#!/bin/sh
grep -E "^(Cap|NoNewPrivs)" /proc/self/status
cd /tmp
echo x >f 2>/dev/null || echo create-refused
chmod 0 f 2>/dev/null
cat f 2>/dev/null || echo read-refused
chown 5 f 2>/dev/null || echo chown-refused
hostname x 2>/dev/null || echo hostname-refused
kill -0 1 && echo kill-ok
EOF
chmod 755 "$ROOTFS/bin/caps-test"
caps_tmp=', {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["mode=755"]}'
caps_json='"capabilities": {"bounding": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETUID"], "effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE"], "permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE"], "inheritable": ["CAP_NET_BIND_SERVICE"], "ambient": ["CAP_NET_BIND_SERVICE"]}, "noNewPrivileges": true'
bundle b-caps '["/bin/caps-test"]' true / '"PATH=/bin"' '' "$caps_tmp"
sed -i "s/\"user\": {\"uid\": 0, \"gid\": 0}/\"user\": {\"uid\": 0, \"gid\": 0}, $caps_json/" b-caps/config.json
st=$(rs_run run-caps run --bundle "$IT_WORK/b-caps" caps1)
want="CapInh:	0000000000000400
CapPrm:	0000000000000420
CapEff:	0000000000000420
CapBnd:	00000000000004a0
CapAmb:	0000000000000400
NoNewPrivs:	1
read-refused
chown-refused
hostname-refused
kill-ok"
[ "$st" = 0 ] && [ "$(cat run-caps.out)" = "$want" ] && it_pass run-capabilities ||
	it_fail run-capabilities "status $st, stdout:
$(cat run-caps.out)
want:
$want
stderr: $(tail -n 5 run-caps.err)"
bundle b-caps-user '["/bin/caps-test"]' true / '"PATH=/bin"' '' "$caps_tmp"
sed -i "s/\"user\": {\"uid\": 0, \"gid\": 0}/\"user\": {\"uid\": 1000, \"gid\": 100}, $caps_json/" b-caps-user/config.json

# --- the same bundles under Debian's runc ---------------------------------
RUNC=$(command -v runc || true)
if [ -z "$RUNC" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq runc >"$IT_WORK/apt.log" 2>&1
	RUNC=$(command -v runc || true)
fi
runc_ok=false
if [ -n "$RUNC" ]; then
	st=$(it_run runc-probe.out runc-probe.err "$RUNC" --root "$IT_WORK/runc-state" run --bundle "$IT_WORK/b-echo" probe)
	[ "$st" = 0 ] && runc_ok=true
fi
if $runc_ok; then
	for b in b-echo b-exit b-env b-sig b-user b-mounts b-caps b-caps-user; do
		rst=$(it_run "cmp-$b.runc.out" "cmp-$b.runc.err" "$RUNC" --root "$IT_WORK/runc-state" run --bundle "$IT_WORK/$b" "cmp-$b")
		sst=$(rs_run "cmp-$b.runsc" run --bundle "$IT_WORK/$b" "cmp-$b")
		if [ "$rst" = "$sst" ] && cmp -s "cmp-$b.runc.out" "cmp-$b.runsc.out"; then
			it_pass "same-as-runc-$b"
		else
			it_fail "same-as-runc-$b" "exit status: runc $rst, runsc $sst
$(diff -u "cmp-$b.runc.out" "cmp-$b.runsc.out" | tail -n +3 | head -n 20)"
		fi
	done
	# The writable root, side by side: what the host sees afterwards.
	reset_data
	rst=$(it_run cmp-rw.runc.out cmp-rw.runc.err "$RUNC" --root "$IT_WORK/runc-state" run --bundle "$IT_WORK/b-rw" cmp-rw)
	host_view >cmp-rw.runc.host
	reset_data
	sst=$(rs_run cmp-rw.runsc run --bundle "$IT_WORK/b-rw" cmp-rw)
	host_view >cmp-rw.runsc.host
	reset_data
	# (big's mtime is the clock's: the lines differ only there.)
	if [ "$rst" = "$sst" ] && cmp -s <(sed '3d' cmp-rw.runc.out) <(sed '3d' cmp-rw.runsc.out) &&
		cmp -s cmp-rw.runc.host cmp-rw.runsc.host; then
		it_pass same-as-runc-writable-root
	else
		it_fail same-as-runc-writable-root "exit status: runc $rst, runsc $sst
$(diff -u cmp-rw.runc.out cmp-rw.runsc.out | tail -n +3 | head -n 10)
$(diff -u cmp-rw.runc.host cmp-rw.runsc.host | tail -n +3 | head -n 20)"
	fi
	# The lifecycle, side by side: state after create, then after kill.
	for rt in runc runsc; do
		if [ $rt = runc ]; then cmd=("$RUNC" --root "$IT_WORK/runc-state"); else cmd=("${RS[@]}"); fi
		it_run "side-$rt.create.out" "side-$rt.create.err" "${cmd[@]}" create --bundle "$IT_WORK/b-sleep" side >/dev/null
		it_run "side-$rt.s1" /dev/null "${cmd[@]}" state side >/dev/null
		it_run /dev/null /dev/null "${cmd[@]}" start side >/dev/null
		it_run "side-$rt.s2" /dev/null "${cmd[@]}" state side >/dev/null
		it_run /dev/null /dev/null "${cmd[@]}" kill side KILL >/dev/null
		for _ in $(seq 50); do
			it_run "side-$rt.s3" /dev/null "${cmd[@]}" state side >/dev/null
			[ "$(json_field "side-$rt.s3" status)" = stopped ] && break
			sleep 0.1
		done
		it_run /dev/null /dev/null "${cmd[@]}" delete side >/dev/null
		echo "$(json_field "side-$rt.s1" status) $(json_field "side-$rt.s2" status) $(json_field "side-$rt.s3" status)" >"side-$rt.statuses"
	done
	cmp -s side-runc.statuses side-runsc.statuses && [ "$(cat side-runsc.statuses)" = "created running stopped" ] &&
		it_pass same-as-runc-lifecycle ||
		it_fail same-as-runc-lifecycle "runc: $(cat side-runc.statuses); runsc: $(cat side-runsc.statuses)"
else
	echo "SKIP oci/same-as-runc-* (runc ${RUNC:-not installed}${RUNC:+ does not run here: $(head -n 2 "$IT_WORK/runc-probe.err" 2>/dev/null)})"
fi

left=$(leftovers)
[ -z "$left" ] && it_pass nothing-left-at-end || it_fail nothing-left-at-end "$left"
it_summary
