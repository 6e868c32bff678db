#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every kernel capture under CORPUS (a directory holding lspci.txt and groups.txt):
iommukit's groups must partition the devices exactly as the kernel did.
usage: corpus-check.py IOMMUKIT CORPUS_DIR   (TAP output)"""
import json
import os
import subprocess
import sys

iok, root = sys.argv[1], sys.argv[2]
cases = sorted(os.path.join(dp, '') for dp, dn, fn in os.walk(root)
               if 'lspci.txt' in fn and 'groups.txt' in fn)
print('1..%d' % len(cases))


def norm(b):
    b = b.strip().lower()
    return b if b.count(':') == 2 else '0000:' + b


def partition(pairs):
    groups = {}
    none = set()
    for bdf, g in pairs:
        if g == '-':
            none.add(bdf)
        else:
            groups.setdefault(g, set()).add(bdf)
    return {frozenset(v) for v in groups.values()}, none


failed = 0
for i, case in enumerate(cases, 1):
    name = os.path.relpath(case, root).rstrip('/')
    kernel = [(norm(l.split()[0]), l.split()[1]) for l in open(case + 'groups.txt')
              if len(l.split()) == 2]
    # Platform facts a dump cannot carry (IOMMU coverage) come as extra options.
    extra = open(case + 'iommukit-args').read().split() if os.path.exists(case + 'iommukit-args') else []
    r = subprocess.run([iok, 'groups', '--kernel', '6.1', '--source',
                        'lspci:' + case + 'lspci.txt', '--json'] + extra,
                       capture_output=True, text=True)
    if r.returncode:
        print('not ok %d - %s: exit %d: %s' % (i, name, r.returncode, r.stderr.strip()))
        failed += 1
        continue
    doc = json.loads(r.stdout)
    ours = [(d['bdf'], str(g['group'])) for g in doc['groups'] for d in g['devices']]
    ours += [(d['bdf'], '-') for d in doc['ungrouped']]
    kp, kn = partition(kernel)
    op, on = partition(ours)
    if {b for b, _ in kernel} != {b for b, _ in ours}:
        print('not ok %d - %s: device sets differ' % (i, name))
        failed += 1
    elif kp != op or kn != on:
        diff = sorted(sorted(s) for s in kp ^ op)
        print('not ok %d - %s: groups differ: %s' % (i, name, diff[:4]))
        failed += 1
    else:
        print('ok %d - %s (%d devices, %d groups)' % (i, name, len(kernel), len(kp)))
sys.exit(1 if failed else 0)
