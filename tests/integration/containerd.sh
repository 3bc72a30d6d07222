#!/usr/bin/env bash
# runsc under containerd: Debian's containerd on a private socket and state
# directory, an OCI image built here (busybox-static, no registry), run by
# the default io.containerd.runc.v2 shim with `ctr run --runc-binary runsc`.
# Checks output, exit status, the image's env and working directory,
# run -d with task ls/ps/exec/kill/delete, and that nothing is left behind.
# Skipped (with a SKIP line) when containerd is missing and cannot be
# installed, or cannot start here.
. "$(dirname "$0")/lib.sh"

cd "$IT_WORK" || exit 1

skip() {
	echo "SKIP containerd/* ($*)"
	it_summary
	exit
}

[ -x "$RUNSC" ] || {
	it_fail setup "$RUNSC not built"
	it_summary
	exit
}
if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq containerd >apt.log 2>&1
	fi
	command -v containerd >/dev/null && command -v ctr >/dev/null ||
		skip "containerd is not installed and did not install"
fi
BUSYBOX=$(command -v busybox || echo /bin/busybox)
"$BUSYBOX" --list >/dev/null 2>&1 || skip "busybox-static is not installed"

# --- the image: an OCI image layout tarball --------------------------------
mkdir -p layer/bin layer/data layer/proc layer/dev layer/tmp img/blobs/sha256
cp "$BUSYBOX" layer/bin/busybox
for applet in $("$BUSYBOX" --list); do
	[ "$applet" = busybox ] || ln -sf busybox "layer/bin/$applet"
done
echo "from the layer" >layer/data/file.txt
blob() { # FILE -> moves it into the layout, prints "DIGEST SIZE"
	local d s
	d=$(sha256sum "$1" | cut -d' ' -f1)
	s=$(stat -c %s "$1")
	mv "$1" "img/blobs/sha256/$d"
	echo "$d $s"
}
tar --numeric-owner --owner=0 --group=0 --sort=name -C layer -cf layer.tar .
diff_id=$(sha256sum layer.tar | cut -d' ' -f1)
gzip -n layer.tar
read -r layer_d layer_s < <(blob layer.tar.gz)
printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin","IMG_VAR=from-image"],"Cmd":["sh","-c","echo default cmd"],"WorkingDir":"/data"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
	"$diff_id" >config.json
read -r config_d config_s < <(blob config.json)
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%d}]}' \
	"$config_d" "$config_s" "$layer_d" "$layer_s" >manifest.json
read -r man_d man_s < <(blob manifest.json)
IMAGE=docker.io/library/runsc-it:latest
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
	"$man_d" "$man_s" "$IMAGE" >img/index.json
echo '{"imageLayoutVersion":"1.0.0"}' >img/oci-layout
tar -cf image.tar -C img oci-layout index.json blobs

# --- a private containerd ----------------------------------------------------
CTD=$IT_WORK/ctd
mkdir -p "$CTD"
cat >"$CTD/config.toml" <<EOF
version = 2
root = "$CTD/root"
state = "$CTD/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CTD/sock"
[ttrpc]
  address = "$CTD/sock.ttrpc"
[debug]
  address = "$CTD/debug.sock"
EOF
containerd --config "$CTD/config.toml" >"$CTD/log" 2>&1 &
ctd_pid=$!
# A namespace of our own: the shim keeps runsc's state in
# /run/containerd/runc/NAMESPACE.
NS=runsc-it-$$
CTR=(ctr -a "$CTD/sock" -n "$NS")
for _ in $(seq 100); do
	"${CTR[@]}" version >/dev/null 2>&1 && break
	sleep 0.1
done
stop_containerd() {
	kill "$ctd_pid" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$ctd_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$ctd_pid" 2>/dev/null
	wait "$ctd_pid" 2>/dev/null
	# The shim's runsc state directory for our namespace.
	rm -rf "/run/containerd/runc/$NS"
}
if ! "${CTR[@]}" version >/dev/null 2>&1; then
	tail -n 5 "$CTD/log"
	stop_containerd
	skip "containerd did not start: $(tail -n 1 "$CTD/log")"
fi

st=$(it_run import.out import.err "${CTR[@]}" image import image.tar)
[ "$st" = 0 ] && it_pass image-import || it_fail image-import "status $st: $(cat import.err)"

RUN=("${CTR[@]}" run --runc-binary "$RUNSC")

st=$(it_run run.out run.err "${RUN[@]}" --rm "$IMAGE" c1 echo hello)
[ "$st" = 0 ] && [ "$(cat run.out)" = hello ] && it_pass run-output ||
	it_fail run-output "status $st, stdout: $(cat run.out); stderr: $(tail -n 5 run.err)"

st=$(it_run exit.out exit.err "${RUN[@]}" --rm "$IMAGE" c2 sh -c 'exit 3')
[ "$st" = 3 ] && it_pass run-exit-status || it_fail run-exit-status "status $st (want 3): $(tail -n 5 exit.err)"

st=$(it_run env.out env.err "${RUN[@]}" --rm "$IMAGE" c3 sh -c 'echo "$IMG_VAR"; pwd; cat file.txt')
want="from-image
/data
from the layer"
[ "$st" = 0 ] && [ "$(cat env.out)" = "$want" ] && it_pass image-env-and-workdir ||
	it_fail image-env-and-workdir "status $st, stdout:
$(cat env.out)
want:
$want
stderr: $(tail -n 5 env.err)"

st=$(it_run cmd.out cmd.err "${RUN[@]}" --rm "$IMAGE" c4)
[ "$st" = 0 ] && [ "$(cat cmd.out)" = "default cmd" ] && it_pass image-default-cmd ||
	it_fail image-default-cmd "status $st, stdout: $(cat cmd.out); stderr: $(tail -n 5 cmd.err)"

# A terminal (ctr run -t): runsc gets --console-socket and sends the pty
# master there; ctr needs a terminal of its own, which script(1) makes.
if command -v script >/dev/null; then
	printf '%q ' "${RUN[@]}" -t --rm "$IMAGE" t1 sh -c 'test -t 0 && test -t 1 && echo is-a-tty; exit 4' >tty.cmd
	st=$(it_run tty.out tty.err script -qec "$(cat tty.cmd)" /dev/null)
	[ "$st" = 4 ] && grep -q is-a-tty tty.out && it_pass run-tty ||
		it_fail run-tty "status $st (want 4), output: $(cat -v tty.out); stderr: $(tail -n 5 tty.err)"
else
	echo "SKIP containerd/run-tty (no script(1))"
fi

# Detached: task ls / ps / kill / delete.
st=$(it_run d.out d.err "${RUN[@]}" -d "$IMAGE" d1 sh -c 'trap "exit 9" TERM; while true; do sleep 0.1; done')
[ "$st" = 0 ] && it_pass run-detached || it_fail run-detached "status $st: $(tail -n 5 d.err)"
it_run ls.out ls.err "${CTR[@]}" task ls >/dev/null
grep -q "^d1 .*RUNNING" ls.out && it_pass task-ls-running || it_fail task-ls-running "$(cat ls.out ls.err)"
pid=$(awk '$1 == "d1" { print $2 }' ls.out)
it_run ps.out ps.err "${CTR[@]}" task ps d1 >/dev/null
grep -q "^$pid " ps.out && it_pass task-ps || it_fail task-ps "pid $pid; $(cat ps.out ps.err)"
# ctr task exec: another process in the running container, with the
# image's environment and working directory, its output and exit status.
st=$(it_run exec.out exec.err "${CTR[@]}" task exec --exec-id e1 d1 sh -c 'echo "exec: $IMG_VAR $(pwd)"; cat file.txt; exit 6')
want="exec: from-image /data
from the layer"
[ "$st" = 6 ] && [ "$(cat exec.out)" = "$want" ] && it_pass task-exec ||
	it_fail task-exec "status $st (want 6), stdout:
$(cat exec.out)
want:
$want
stderr: $(tail -n 5 exec.err)"
st=$(it_run exec2.out exec2.err "${CTR[@]}" task exec --exec-id e2 d1 no-such-command)
[ "$st" != 0 ] && it_pass task-exec-not-found ||
	it_fail task-exec-not-found "status $st: $(tail -n 5 exec2.err)"
if command -v script >/dev/null; then
	printf '%q ' "${CTR[@]}" task exec -t --exec-id e3 d1 sh -c 'test -t 0 && test -t 1 && echo exec-is-a-tty; exit 8' >exectty.cmd
	st=$(it_run exectty.out exectty.err script -qec "$(cat exectty.cmd)" /dev/null)
	[ "$st" = 8 ] && grep -q exec-is-a-tty exectty.out && it_pass task-exec-tty ||
		it_fail task-exec-tty "status $st (want 8), output: $(cat -v exectty.out); stderr: $(tail -n 5 exectty.err)"
else
	echo "SKIP containerd/task-exec-tty (no script(1))"
fi
# ctr task pause / resume (runsc pause / resume).
it_run /dev/null pause.err "${CTR[@]}" task pause d1 >/dev/null
it_run lsp.out /dev/null "${CTR[@]}" task ls >/dev/null
it_run /dev/null resume.err "${CTR[@]}" task resume d1 >/dev/null
it_run lsr.out /dev/null "${CTR[@]}" task ls >/dev/null
grep -q "^d1 .*PAUSED" lsp.out && grep -q "^d1 .*RUNNING" lsr.out && it_pass task-pause-resume ||
	it_fail task-pause-resume "$(cat lsp.out lsr.out pause.err resume.err)"
sleep 1 # for the shell in the container to set its trap
st=$(it_run kill.out kill.err "${CTR[@]}" task kill d1)
for _ in $(seq 100); do
	it_run ls2.out ls2.err "${CTR[@]}" task ls >/dev/null
	grep -q "^d1 .*STOPPED" ls2.out && break
	sleep 0.1
done
[ "$st" = 0 ] && grep -q "^d1 .*STOPPED" ls2.out && it_pass task-kill || it_fail task-kill "status $st: $(cat kill.err ls2.out)"
st=$(it_run del.out del.err "${CTR[@]}" task delete d1)
[ "$st" = 0 ] && grep -q "exit code 9" del.err && it_pass task-delete-exit-status ||
	it_fail task-delete-exit-status "status $st: $(cat del.out del.err)"
it_run cdel.out cdel.err "${CTR[@]}" container delete d1 >/dev/null

# Bind mounts (ctr run --mount): a read-only one and a writable one.
mkdir -p hostvol hostout
echo "from the host" >hostvol/h
st=$(it_run mnt.out mnt.err "${RUN[@]}" --rm \
	--mount "type=bind,src=$IT_WORK/hostvol,dst=/vol,options=rbind:ro" \
	--mount "type=bind,src=$IT_WORK/hostout,dst=/out,options=rbind:rw" \
	"$IMAGE" m1 sh -c 'cat /vol/h; (echo x >/vol/y) 2>/dev/null || echo refused; echo written >/out/w; df -k /dev/shm | awk "NR == 2 { print \$2 }"')
# (containerd's default spec: /dev/shm is a 64 MiB tmpfs)
[ "$st" = 0 ] && [ "$(cat mnt.out)" = "from the host
refused
65536" ] && [ "$(cat hostout/w 2>&1)" = written ] && [ ! -e hostvol/y ] && it_pass run-bind-mounts ||
	it_fail run-bind-mounts "status $st, stdout: $(cat mnt.out); stderr: $(tail -n 5 mnt.err); out: $(ls hostout)"

# A pod: with containerd's CRI annotations a container joins the sandbox
# of another (its pid 1 is the pod's first process), with its own exit
# status; the pod's end then leaves nothing behind either.
st=$(it_run pod.out pod.err "${RUN[@]}" -d --annotation io.kubernetes.cri.container-type=sandbox \
	"$IMAGE" pod1 sleep 300)
[ "$st" = 0 ] || it_fail pod-sandbox "status $st: $(tail -n 5 pod.err)"
st=$(it_run member2.out member2.err "${RUN[@]}" -d \
	--annotation io.kubernetes.cri.container-type=container \
	--annotation io.kubernetes.cri.sandbox-id=pod1 \
	"$IMAGE" member2 sleep 300)
st=$(it_run mexec.out mexec.err "${CTR[@]}" task exec --exec-id x1 member2 sh -c 'tr "\0" " " </proc/1/cmdline; echo; pwd; exit 2')
[ "$st" = 2 ] && [ "$(cat mexec.out)" = "sleep 300 
/data" ] && it_pass pod-member-task-exec ||
	it_fail pod-member-task-exec "status $st (want 2), stdout: $(cat mexec.out); stderr: $(tail -n 5 mexec.err)"
it_run /dev/null /dev/null "${CTR[@]}" task kill -s KILL member2 >/dev/null
sleep 0.5
it_run /dev/null /dev/null "${CTR[@]}" task delete member2 >/dev/null
it_run /dev/null /dev/null "${CTR[@]}" container delete member2 >/dev/null
st=$(it_run member.out member.err "${RUN[@]}" --rm \
	--annotation io.kubernetes.cri.container-type=container \
	--annotation io.kubernetes.cri.sandbox-id=pod1 \
	"$IMAGE" member1 sh -c 'tr "\0" " " </proc/1/cmdline; echo; exit 5')
[ "$st" = 5 ] && [ "$(cat member.out)" = "sleep 300 " ] && it_pass pod-member-joins-sandbox ||
	it_fail pod-member-joins-sandbox "status $st (want 5), stdout: $(cat member.out); stderr: $(tail -n 5 member.err)"
it_run /dev/null /dev/null "${CTR[@]}" task kill -s KILL pod1 >/dev/null
for _ in $(seq 100); do
	it_run ls3.out /dev/null "${CTR[@]}" task ls >/dev/null
	grep -q "^pod1 .*STOPPED" ls3.out && break
	sleep 0.1
done
it_run /dev/null /dev/null "${CTR[@]}" task delete pod1 >/dev/null
it_run /dev/null /dev/null "${CTR[@]}" container delete pod1 >/dev/null

# Nothing left: no process of ours, no runsc state, no mount.
left=$(ps -eo pid=,args= | grep -e "$RUNSC" -e "runsc-sentry" -e "runsc-gofer" | grep -F -e "$CTD" -e "/run/containerd/runc/$NS" | grep -v grep || true)
[ -z "$left" ] && [ -z "$(ls -A "/run/containerd/runc/$NS" 2>/dev/null)" ] &&
	! grep -qF "$CTD" /proc/self/mountinfo && it_pass nothing-left-behind ||
	it_fail nothing-left-behind "processes: $left
state: $(ls -A "/run/containerd/runc/$NS" 2>/dev/null)
mounts: $(grep -F "$CTD" /proc/self/mountinfo)"

it_run /dev/null /dev/null "${CTR[@]}" image rm "$IMAGE" >/dev/null
stop_containerd
it_summary
