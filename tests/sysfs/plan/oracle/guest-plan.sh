#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs in the plan guest, chrooted into the NVMe disk (guest-init.sh): captures the host with
# tools/capture-sysfs.sh, asks iommukit plan about each interesting device, applies three
# plans for real and checks with the VFIO oracle's vfio-run that the groups became viable.
# Everything goes to /out.
/bin/busybox --install -s /bin
export PATH=/usr/bin:/bin IOMMUKIT_PCI_IDS=/usr/share/misc/pci.ids NO_COLOR=1 LC_ALL=C
O=/out
mkdir -p $O /tmp

# NAME [STDIN] -- ARGS: the command line, its stdout and stderr, and its exit status.
run() {
	name=$1 input=$2
	shift 3
	{
		echo "\$ iommukit $*"
		printf '%s' "$input" | iommukit "$@"
		echo "[exit $?]"
	} >"$O/$name.txt" 2>&1
}

# NAME SCRIPT: a vfio-run script (VFIO ioctls on the real kernel) and its results.
vfio() {
	printf '%s\n' "$2" >/tmp/$1.vfio
	vfio-run -q /tmp/$1.vfio >"$O/$1.txt" 2>&1
}

# busybox sh would run its own tar applet; dash finds GNU tar in PATH.
dash /capture-sysfs.sh $O/before.tar.xz >$O/capture.txt 2>&1

run plan-01 '' -- plan 01:00.0
run plan-02 '' -- plan 02:00.0
run plan-02-json '' -- plan 02:00.0 --json
run plan-04 '' -- plan 04:01.0
run plan-05 '' -- plan 05:00.0
run plan-07 '' -- plan 00:07.0
run plan-bridge '' -- plan 00:05.0
run plan-ich9 '' -- plan 00:1f.2

# Before: no device is on vfio-pci, so the kernel has no VFIO group nodes yet.
vfio vfio-before 'ls /dev/vfio
lsdev'

# 02:00.1 carries the default route: refused without --force.
run apply-02-refused '' -- plan --apply --yes 02:00.0
run apply-02 '' -- plan --apply --yes --force 02:00.0 --json
run apply-04 '' -- plan --apply --yes 04:01.0
run apply-01-declined 'n
' -- plan --apply 01:00.0
run apply-01 'y
' -- plan --apply 01:00.0
run plan-02-after '' -- plan 02:00.0
run plan-05-refused '' -- plan --apply --yes 05:00.0

vfio vfio-after 'lsdev
open g group:02:00.0
status g
open c container
set_container g c
status g
set_iommu c type1v2
device d1 g 02:00.0
device d2 g 02:00.1
close d1
close d2
close c
close g
open g4 group:04:01.0
status g4
open c4 container
set_container g4 c4
status g4
set_iommu c4 type1v2
device d3 g4 04:01.0
device d4 g4 04:02.0
device d5 g4 03:00.0
close d3
close d4
close c4
close g4'

dash /capture-sysfs.sh $O/after.tar.xz >>$O/capture.txt 2>&1
cat /proc/self/mountinfo >$O/mountinfo.txt
