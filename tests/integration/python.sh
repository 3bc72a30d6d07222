#!/usr/bin/env bash
# python3 (Debian's /usr/bin/python3): imports, file I/O, hashing, threads,
# subprocesses: same stdout and exit status natively and sandboxed.
. "$(dirname "$0")/lib.sh"

PY=${PYTHON:-/usr/bin/python3}
if [ ! -x "$PY" ]; then
	it_fail setup "$PY not found (apt-get install python3)"
	it_summary
	exit
fi
cd "$IT_WORK" || exit 1
printf 'pear\napple\nfig\nbanana\napple\n' >fruits.txt
head -c 300000 /dev/zero | tr '\0' 'q' >big.txt

it_compare hello "$PY" -c 'print("hello from python")'
it_compare json-hashlib "$PY" -c '
import json, hashlib
d = {"b": [1, 2, 3], "a": {"x": None, "y": True}}
s = json.dumps(d, sort_keys=True)
print(s)
print(hashlib.sha256(s.encode()).hexdigest())
print(json.loads(s) == d)'
it_compare read-hash-file "$PY" -c '
import hashlib
with open("fruits.txt", "rb") as f:
    data = f.read()
print(len(data), hashlib.sha256(data).hexdigest(), hashlib.md5(data).hexdigest())
with open("big.txt", "rb") as f:
    h = hashlib.sha1()
    for chunk in iter(lambda: f.read(65536), b""):
        h.update(chunk)
print(h.hexdigest())'
it_compare threads "$PY" -c '
import threading
results = [0] * 4
lock = threading.Lock()
total = [0]
def work(i):
    s = sum(range(i * 100000, (i + 1) * 100000))
    results[i] = s
    with lock:
        total[0] += s
ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print(results, total[0] == sum(range(400000)))'
it_compare thread-pool "$PY" -c '
from concurrent.futures import ThreadPoolExecutor
import hashlib
with ThreadPoolExecutor(4) as ex:
    print(list(ex.map(lambda i: hashlib.sha256(str(i).encode()).hexdigest()[:8], range(8))))'
it_compare modules "$PY" -c '
import os, sys, re, collections, itertools, functools, math, struct, zlib, base64, datetime, decimal, fractions, random, tempfile, shutil, pathlib
random.seed(1)
print(random.randint(0, 1000), math.factorial(20), zlib.crc32(b"abc"), base64.b64encode(b"sandbox").decode())
print(decimal.Decimal("1.1") + decimal.Decimal("2.2"), fractions.Fraction(3, 9))
print(sorted(collections.Counter(open("fruits.txt").read().split()).items()))'
it_compare files-dirs "$PY" -c '
import os, tempfile, pathlib
d = tempfile.mkdtemp(dir=".")
p = pathlib.Path(d)
(p / "a.txt").write_text("alpha\n")
(p / "sub").mkdir()
(p / "sub" / "b.txt").write_text("beta\n")
os.rename(p / "a.txt", p / "sub" / "c.txt")
for root, dirs, files in sorted(os.walk(d)):
    print(os.path.relpath(root, d), sorted(dirs), sorted(files))
print(os.stat(p / "sub" / "c.txt").st_size)
import shutil; shutil.rmtree(d)
print(os.path.exists(d))'
it_compare tmp-files "$PY" -c '
import tempfile, os
with tempfile.NamedTemporaryFile("w+", delete=True) as f:
    f.write("in tmp\n"); f.flush(); f.seek(0)
    print(f.read().strip(), os.path.dirname(f.name))'
it_compare subprocess "$PY" -c '
import subprocess
r = subprocess.run(["/bin/echo", "child says hi"], capture_output=True, text=True)
print(r.returncode, r.stdout.strip())
r = subprocess.run(["/bin/sh", "-c", "exit 5"])
print(r.returncode)
print(subprocess.check_output("sort fruits.txt | uniq", shell=True, text=True))'
it_compare os-fork "$PY" -c '
import os
pid = os.fork()
if pid == 0:
    os._exit(9)
_, st = os.waitpid(pid, 0)
print(os.WEXITSTATUS(st))'
it_compare exit-code "$PY" -c 'import sys; print("bye"); sys.exit(3)'
it_compare exception "$PY" -c 'raise SystemExit("failing on purpose")'
it_compare uncaught "$PY" -c '1/0'
it_compare signal-handler "$PY" -c '
import signal, os
got = []
signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))
os.kill(os.getpid(), signal.SIGUSR1)
print(got == [signal.SIGUSR1])'
it_compare mmap-module "$PY" -c '
import mmap
with open("big.txt", "rb") as f:
    m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    print(len(m), m[:5], m.find(b"x"))'
it_compare socketpair "$PY" -c '
import socket
a, b = socket.socketpair()
a.sendall(b"ping")
print(b.recv(4))'
it_summary
