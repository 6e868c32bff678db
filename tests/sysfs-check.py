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


def check_setpci_after_boot():
    """The d-switch capture with ReqRedir/CmpltRedir cleared on its root port, as
    `setpci` after boot would: the kernel's groups stay as they were, the
    computed ones merge, and iommukit must report every device that moved."""
    base = os.path.join(root, 'd-switch')
    with tempfile.TemporaryDirectory(prefix='iok-sysfs-') as tmp:
        extract(base + '.tar.xz', tmp)
        cfg = os.path.join(tmp, 'sys/devices/pci0000:00/0000:00:02.0/config')
        data = bytearray(open(cfg, 'rb').read())
        pos = 0x100
        while pos and data[pos] | data[pos + 1] << 8 != 0x000d:
            pos = (data[pos + 2] | data[pos + 3] << 8) >> 4 & 0xffc
        if not pos:
            return 'no ACS capability on 00:02.0'
        data[pos + 6] &= ~0x0c & 0xff
        os.chmod(cfg, 0o644)
        open(cfg, 'wb').write(bytes(data))
        r = subprocess.run([iok, 'groups', '-S', 'sysfs:' + tmp, '--json'],
                           capture_output=True, text=True)
        t = subprocess.run([iok, 'groups', '-S', 'sysfs:' + tmp],
                           capture_output=True, text=True, env=dict(os.environ, NO_COLOR='1'))
    if r.returncode or t.returncode:
        return 'exit %d/%d: %s' % (r.returncode, t.returncode, r.stderr.strip())
    _, doc = read_iommukit_groups(r.stdout)
    moved = sorted(d['bdf'] for d in doc['kernel_differences'])
    want = ['0000:00:02.0', '0000:01:00.0', '0000:02:00.0', '0000:02:01.0',
            '0000:03:00.0', '0000:04:00.0']
    if moved != want:
        return 'kernel_differences %s, expected %s' % (moved, want)
    if "the kernel's groups in /sys/kernel/iommu_groups differ" not in t.stdout:
        return 'the text output has no note about the difference'
    return None


extra = [('d-switch with ACS changed after boot', check_setpci_after_boot)] \
    if 'd-switch' in cases else []
print('1..%d' % (len(cases) + len(extra)))
failed = 0
for i, (name, fn) in enumerate([(n, lambda n=n: check(n)) for n in cases] + extra, 1):
    try:
        err = fn()
    except (OSError, ValueError, tarfile.TarError, KeyError) as e:
        err = '%s: %s' % (type(e).__name__, e)
    if err:
        print('not ok %d - %s: %s' % (i, name, err))
        failed += 1
    else:
        print('ok %d - %s' % (i, name))
sys.exit(1 if failed else 0)
