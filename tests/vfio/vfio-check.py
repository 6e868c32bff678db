#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Replay every kernel-oracle VFIO capture through `iommukit run` (TAP).

usage: vfio-check.py IOMMUKIT TESTS_VFIO_DIR

Each capture directory (oracle/<name>/, own/<name>/) holds the script, the
kernel's results.txt and the drivers at boot (devices.txt) and after the
script (drivers-after.txt). The replay is

    iommukit run -q --topology lspci:<topo>.lspci --kernel 6.1 SCENARIO

where SCENARIO is a prelude (the IOMMU's address width, the boot drivers),
results.txt unchanged (its "op => RESULT" lines are the expectations), and
a `group` and a `driver` line per device of drivers-after.txt. A capture
passes when every expectation is met and none is skipped. A last test
corrupts one expected answer and checks that the replay then fails.
"""
import os
import re
import subprocess
import sys
import tempfile

# QEMU 7.2's intel-iommu default (aw-bits=39): the captures' IOVA ranges end at 2^39 - 1.
PRELUDE = "# prelude of vfio-check.py\niommu_aw 39\nboot_drivers {devices}\n"


def topology_of(capture):
    """The topology named by a "# Topology: X.topo" comment (mixed.topo by default)."""
    for name in ("script.vfio", "results.txt"):
        path = os.path.join(capture, name)
        if not os.path.exists(path):
            continue
        with open(path) as f:
            for line in f:
                m = re.search(r"Topology:\s*([\w-]+)\.topo", line)
                if m:
                    return m.group(1)
    return "mixed"


def build(capture, results=None):
    """The scenario text and the number of expectations it holds."""
    if results is None:
        with open(os.path.join(capture, "results.txt")) as f:
            results = f.read()
    text = PRELUDE.format(devices=os.path.join(capture, "devices.txt"))
    expected = 0
    for line in results.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if " => " not in stripped:
            raise ValueError("%s: an operation without a result: %s" % (capture, stripped))
        expected += 1
    text += results
    if not text.endswith("\n"):
        text += "\n"
    text += "# end state (drivers-after.txt)\n"
    with open(os.path.join(capture, "drivers-after.txt")) as f:
        for line in f:
            words = line.split()
            if len(words) != 3:
                continue
            bdf, group, driver = words
            text += "group %s => OK %s\n" % (bdf, group)
            text += "driver %s => OK %s\n" % (bdf, driver)
            expected += 2
    return text, expected


def replay(iommukit, vfio_dir, capture, text):
    topo = os.path.join(vfio_dir, topology_of(capture) + ".lspci")
    with tempfile.NamedTemporaryFile("w", suffix=".scn", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        proc = subprocess.run([iommukit, "run", "-q", "--topology", "lspci:" + topo,
                               "--kernel", "6.1", path],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=120)
    finally:
        os.unlink(path)
    return proc.returncode, proc.stdout


def summary(out):
    m = re.search(r"(\d+) operations, (\d+) expectations met, (\d+) failed", out)
    return tuple(int(x) for x in m.groups()) if m else None


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    iommukit, vfio_dir = sys.argv[1], os.path.abspath(sys.argv[2])
    captures = []
    for kind in ("oracle", "own"):
        base = os.path.join(vfio_dir, kind)
        for name in sorted(os.listdir(base)):
            if os.path.isdir(os.path.join(base, name)):
                captures.append((kind + "/" + name, os.path.join(base, name)))
    print("1..%d" % (len(captures) + 1))
    failed = 0
    for n, (label, capture) in enumerate(captures, 1):
        text, expected = build(capture)
        rc, out = replay(iommukit, vfio_dir, capture, text)
        s = summary(out)
        ok = rc == 0 and s is not None and s[2] == 0 and s[1] == expected
        print("%s %d - %s: %s" % ("ok" if ok else "not ok", n, label,
                                  "%d/%d kernel answers" % (s[1], expected) if s else "no summary"))
        if not ok:
            failed += 1
            for line in out.splitlines():
                print("# " + line)
    # The replay must be able to fail: one expected answer changed.
    label, capture = captures[0]
    with open(os.path.join(capture, "results.txt")) as f:
        results = f.read()
    corrupt = re.sub(r"=> OK viable=yes", "=> OK viable=no", results, count=1)
    text, _ = build(capture, corrupt)
    rc, out = replay(iommukit, vfio_dir, capture, text)
    s = summary(out)
    ok = corrupt != results and rc != 0 and s is not None and s[2] == 1
    print("%s %d - a corrupted %s fails" % ("ok" if ok else "not ok", len(captures) + 1, label))
    if not ok:
        failed += 1
        for line in out.splitlines():
            print("# " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
