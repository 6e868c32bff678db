#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every sysfs capture under DIR (NAME.tar.xz holding sys/, uname-r and
proc-cmdline, next to NAME.groups.txt with 'BB:DD.F GROUP' lines, '-' for
none): read back through the sysfs source, iommukit's groups must partition
the devices exactly as the kernel did, and it must report no difference
from the kernel's own groups.
usage: sysfs-check.py IOMMUKIT DIR   (TAP output)"""
import json
import os
import subprocess
import sys
import tarfile
import tempfile

iok, root = sys.argv[1], sys.argv[2]
cases = []
if os.path.isdir(root):
    cases = sorted(f[:-len('.tar.xz')] for f in os.listdir(root)
                   if f.endswith('.tar.xz') and
                   os.path.exists(os.path.join(root, f[:-len('.tar.xz')] + '.groups.txt')))
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


def extract(archive, dest):
    with tarfile.open(archive, 'r:xz') as t:
        # Captures are sysfs trees: relative links, nothing outside dest.
        if hasattr(tarfile, 'tar_filter'):
            t.extractall(dest, filter='tar')
        else:
            t.extractall(dest)


def check(name):
    base = os.path.join(root, name)
    kernel = []
    for line in open(base + '.groups.txt'):
        f = line.split()
        if len(f) == 2 and not line.startswith('#'):
            kernel.append((norm(f[0]), f[1]))
    with tempfile.TemporaryDirectory(prefix='iok-sysfs-') as tmp:
        extract(base + '.tar.xz', tmp)
        r = subprocess.run([iok, 'groups', '-S', 'sysfs:' + tmp, '--json'],
                           capture_output=True, text=True)
    if r.returncode:
        return 'exit %d: %s' % (r.returncode, r.stderr.strip())
    doc = json.loads(r.stdout)
    ours = [(d['bdf'], str(g['group'])) for g in doc['groups'] for d in g['devices']]
    ours += [(d['bdf'], '-') for d in doc['ungrouped']]
    kset, oset = {b for b, _ in kernel}, {b for b, _ in ours}
    if kset != oset:
        return 'device sets differ: only in the groups file %s, only read %s' % (
            sorted(kset - oset)[:4], sorted(oset - kset)[:4])
    kp, kn = partition(kernel)
    op, on = partition(ours)
    if kp != op or kn != on:
        diff = sorted(sorted(s) for s in kp ^ op)
        return 'groups differ: %s; ungrouped differ: %s' % (diff[:4], sorted(kn ^ on)[:4])
    if 'kernel_differences' not in doc:
        return 'no "kernel_differences" in the JSON: not read as a live machine?'
    if doc['kernel_differences']:
        return 'kernel_differences: %s' % json.dumps(doc['kernel_differences'][:4])
    return None


failed = 0
for i, name in enumerate(cases, 1):
    try:
        err = check(name)
    except (OSError, ValueError, tarfile.TarError, KeyError) as e:
        err = '%s: %s' % (type(e).__name__, e)
    if err:
        print('not ok %d - %s: %s' % (i, name, err))
        failed += 1
    else:
        print('ok %d - %s' % (i, name))
sys.exit(1 if failed else 0)
