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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from partition import compare, read_iommukit_groups, read_kernel_groups  # noqa: E402

iok, root = sys.argv[1], sys.argv[2]
cases = []
if os.path.isdir(root):
    cases = sorted(f[:-len('.tar.xz')] for f in os.listdir(root)
                   if f.endswith('.tar.xz') and
                   os.path.exists(os.path.join(root, f[:-len('.tar.xz')] + '.groups.txt')))
print('1..%d' % len(cases))


def extract(archive, dest):
    with tarfile.open(archive, 'r:xz') as t:
        # Captures are sysfs trees: relative links, nothing outside dest.
        if hasattr(tarfile, 'tar_filter'):
            t.extractall(dest, filter='tar')
        else:
            t.extractall(dest)


def check(name):
    base = os.path.join(root, name)
    kernel = read_kernel_groups(base + '.groups.txt')
    with tempfile.TemporaryDirectory(prefix='iok-sysfs-') as tmp:
        extract(base + '.tar.xz', tmp)
        r = subprocess.run([iok, 'groups', '-S', 'sysfs:' + tmp, '--json'],
                           capture_output=True, text=True)
    if r.returncode:
        return 'exit %d: %s' % (r.returncode, r.stderr.strip())
    ours, doc = read_iommukit_groups(r.stdout)
    err = compare(kernel, ours)
    if err:
        return err
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
