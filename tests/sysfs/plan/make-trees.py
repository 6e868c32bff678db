#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""(Re)make the sysfs trees of tests/sysfs/plan/ that the golden cases and plan-check.py read.

  mixed/          the plan guest before any change (oracle/run.sh: Linux 6.1 with the VFIO
                  oracle's drivers; the NVMe disk holds /, 02:00.1 carries the default route,
                  00:07.0 is the boot VGA), extracted from oracle/results/before.tar.xz
  mixed-applied/  the same guest after its three plan --apply runs (after.tar.xz)
  no-iommu/       mixed without IOMMU groups: iommu_groups, iommu_group and iommu links and
                  class/iommu removed, intel_iommu=off on the command line
  j-nested-busy/  tests/sysfs/j-nested.tar.xz with drivers bound (ahci, lpc_ich, i801_smbus,
                  e1000e, virtio-pci, e1000, shpchp on the PCIe-to-PCI bridge, pci-stub with an
                  override), the AHCI disk holding / and /home, 08:00.0 with the default route

usage: make-trees.py   (from anywhere; writes next to this file)"""
import os
import shutil
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))


def extract(archive, dest):
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    with tarfile.open(archive, 'r:xz') as t:
        if hasattr(tarfile, 'tar_filter'):
            t.extractall(dest, filter='tar')
        else:
            t.extractall(dest)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)


def link(path, target):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.lexists(path):
        os.remove(path)
    os.symlink(target, path)


def no_iommu(dest):
    extract(os.path.join(HERE, 'oracle/results/before.tar.xz'), dest)
    sys = os.path.join(dest, 'sys')
    for d in ('kernel/iommu_groups', 'class/iommu', 'devices/virtual/iommu'):
        shutil.rmtree(os.path.join(sys, d), ignore_errors=True)
    for top, dirs, files in os.walk(os.path.join(sys, 'devices')):
        for name in dirs + files:
            if name in ('iommu_group', 'iommu') and os.path.islink(os.path.join(top, name)):
                os.remove(os.path.join(top, name))
    cmdline = os.path.join(dest, 'proc-cmdline')
    text = open(cmdline).read().replace('intel_iommu=on', 'intel_iommu=off')
    write(cmdline, text)


# j-nested-busy: BDF -> (driver, driver_override)
DRIVERS = {
    '0000:00:1f.0': 'lpc_ich', '0000:00:1f.2': 'ahci', '0000:00:1f.3': 'i801_smbus',
    '0000:03:00.0': 'shpchp', '0000:04:01.0': 'e1000', '0000:05:00.0': 'e1000e',
    '0000:05:00.1': 'virtio-pci', '0000:08:00.0': 'e1000e', '0000:09:00.0': 'pci-stub',
}
OVERRIDES = {'0000:09:00.0': 'pci-stub'}


def devdir(sys, bdf):
    return os.path.realpath(os.path.join(sys, 'bus/pci/devices', bdf))


def rel(frm, to):
    return os.path.relpath(to, os.path.dirname(frm))


def j_nested_busy(dest):
    extract(os.path.join(HERE, '../j-nested.tar.xz'), dest)
    sys = os.path.join(dest, 'sys')
    drivers = os.path.join(sys, 'bus/pci/drivers')
    for name in sorted(set(DRIVERS.values()) | {'pcieport', 'vfio-pci'}):
        write(os.path.join(drivers, name, 'bind'), '')
        write(os.path.join(drivers, name, 'unbind'), '')
    write(os.path.join(sys, 'bus/pci/drivers_probe'), '')
    for bdf in sorted(os.listdir(os.path.join(sys, 'bus/pci/devices'))):
        d = devdir(sys, bdf)
        write(os.path.join(d, 'driver_override'), OVERRIDES.get(bdf, '(null)') + '\n')
        if bdf in DRIVERS:
            link(os.path.join(d, 'driver'), rel(os.path.join(d, 'driver'),
                                                os.path.join(drivers, DRIVERS[bdf])))
    # The AHCI disk: sda with / and /home.
    ahci = devdir(sys, '0000:00:1f.2')
    sda = os.path.join(ahci, 'ata1/host0/target0:0:0/0:0:0:0/block/sda')
    for name, dev in (('sda', '8:0'), ('sda1', '8:1'), ('sda2', '8:2')):
        p = sda if name == 'sda' else os.path.join(sda, name)
        write(os.path.join(p, 'dev'), dev + '\n')
        cl = os.path.join(sys, 'class/block', name)
        link(cl, rel(cl, p))
    # Network interfaces: eth0 (default route) on 08:00.0, eth1 up on 05:00.1, eth2 down.
    for name, bdf, sub, state in (('eth0', '0000:08:00.0', 'net', 'up'),
                                  ('eth1', '0000:05:00.1', 'virtio0/net', 'up'),
                                  ('eth2', '0000:04:01.0', 'net', 'down')):
        p = os.path.join(devdir(sys, bdf), sub, name)
        write(os.path.join(p, 'operstate'), state + '\n')
        cl = os.path.join(sys, 'class/net', name)
        link(cl, rel(cl, p))
    write(os.path.join(dest, 'proc/self/mountinfo'),
          '21 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n'
          '22 21 0:20 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n'
          '23 21 0:21 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw\n'
          '24 21 8:2 / /home rw,relatime - ext4 /dev/sda2 rw\n')
    write(os.path.join(dest, 'proc/net/route'),
          'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n'
          'eth0\t00000000\t0107A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n'
          'eth0\t0007A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n'
          'eth1\t0006A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n')


def main():
    extract(os.path.join(HERE, 'oracle/results/before.tar.xz'), os.path.join(HERE, 'mixed'))
    extract(os.path.join(HERE, 'oracle/results/after.tar.xz'),
            os.path.join(HERE, 'mixed-applied'))
    no_iommu(os.path.join(HERE, 'no-iommu'))
    j_nested_busy(os.path.join(HERE, 'j-nested-busy'))


main()
