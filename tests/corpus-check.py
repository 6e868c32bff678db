#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every kernel capture under CORPUS (a directory holding lspci.txt and groups.txt):
iommukit's groups must partition the devices exactly as the kernel did.
usage: corpus-check.py IOMMUKIT CORPUS_DIR   (TAP output)"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from partition import compare, read_iommukit_groups, read_kernel_groups  # noqa: E402

iok, root = sys.argv[1], sys.argv[2]
cases = sorted(os.path.join(dp, '') for dp, dn, fn in os.walk(root)
               if 'lspci.txt' in fn and 'groups.txt' in fn)
print('1..%d' % len(cases))


failed = 0
for i, case in enumerate(cases, 1):
    name = os.path.relpath(case, root).rstrip('/')
    kernel = read_kernel_groups(case + 'groups.txt')
    # Platform facts a dump cannot carry (IOMMU coverage) come as extra options.
    extra = open(case + 'iommukit-args').read().split() if os.path.exists(case + 'iommukit-args') else []
    r = subprocess.run([iok, 'groups', '--kernel', '6.1', '--source',
                        'lspci:' + case + 'lspci.txt', '--json'] + extra,
                       capture_output=True, text=True)
    if r.returncode:
        print('not ok %d - %s: exit %d: %s' % (i, name, r.returncode, r.stderr.strip()))
        failed += 1
        continue
    ours, _ = read_iommukit_groups(r.stdout)
    err = compare(kernel, ours)
    if err:
        print('not ok %d - %s: %s' % (i, name, err))
        failed += 1
    else:
        print('ok %d - %s (%d devices)' % (i, name, len(kernel)))
sys.exit(1 if failed else 0)
