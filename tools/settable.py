#!/usr/bin/env python3
"""Set syscall table entries: settable.py name=OK name2=PARTIAL:"note" ...
Edits sentry/syscalls/table.c in place, one line per syscall."""
import re, sys
p = 'sentry/syscalls/table.c'
s = open(p).read()
for arg in sys.argv[1:]:
    name, spec = arg.split('=', 1)
    if spec == 'OK':
        new = 'SYS_OK(%s)' % name
    elif spec.startswith('PARTIAL:'):
        new = 'SYS_PARTIAL(%s, "%s")' % (name, spec[8:])
    elif spec.startswith('NONE:'):
        new = 'SYS_NONE_WHY(%s, "%s")' % (name, spec[5:])
    else:
        sys.exit('bad spec ' + arg)
    s, n = re.subn(r'(\t\[\d+\] = )SYS_\w+\(%s(,[^\n]*)?\),' % re.escape(name), lambda m: m.group(1) + new + ',', s)
    if n != 1:
        sys.exit('no entry for ' + name)
open(p, 'w').write(s)
