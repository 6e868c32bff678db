#!/bin/busybox sh
# SPDX-License-Identifier: MIT
#
# /init of the oracle-sysfs capture initramfs (iommukit).
#
# Runs inside the oracle guest after the kernel has enumerated PCI and formed
# the IOMMU groups. It copies a subset of /sys into a staging tree
# (/tmp/cap/sys, same paths as /sys), keeps sysfs symlinks as the same
# relative symlinks, packs the tree with tar+gzip and writes it base64-encoded
# to the second serial port between two marker lines:
#
#   SYSFS-CAPTURE-BEGIN <bytes> <sha256>
#   <base64 lines>
#   SYSFS-CAPTURE-END
#
# then powers the machine off. capture.sh (host side) decodes it.

/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

S=/tmp/cap                       # staging root: $S/sys mirrors /sys
mkdir -p "$S/sys"

# keep_link /sys/...: recreate the symlink with the very same (relative) target
keep_link() {
	[ -L "$1" ] || return 0
	mkdir -p "$S${1%/*}"
	ln -sfn "$(readlink "$1")" "$S$1"
}

# keep_file /sys/...: copy a regular attribute file (its contents)
keep_file() {
	[ -f "$1" ] || return 0
	mkdir -p "$S${1%/*}"
	cat "$1" > "$S$1" 2>/dev/null
}

# 1. PCI devices: the bus links, the real device directories, selected attributes and links
for l in /sys/bus/pci/devices/*; do
	[ -L "$l" ] || continue
	keep_link "$l"
	d=$(realpath "$l")
	mkdir -p "$S$d"
	for a in config vendor device class revision subsystem_vendor subsystem_device; do
		keep_file "$d/$a"
	done
	for a in "$d/driver" "$d/iommu_group" "$d/iommu" "$d/physfn" "$d"/virtfn*; do
		keep_link "$a"
	done
done

# 2. IOMMU groups: type, reserved_regions (and name if set) as files, member links
for g in /sys/kernel/iommu_groups/*; do
	[ -d "$g" ] || continue
	mkdir -p "$S$g/devices"
	for a in type reserved_regions name; do
		keep_file "$g/$a"
	done
	for m in "$g"/devices/*; do
		keep_link "$m"
	done
done

# 3. IOMMU instances: class links, the instance's back-links to its devices, and
#    its read-only hardware attributes (intel-iommu/cap, ecap, ...)
for i in /sys/class/iommu/*; do
	[ -L "$i" ] || continue
	keep_link "$i"
	r=$(realpath "$i")
	mkdir -p "$S$r"
	for m in "$r"/devices/*; do
		keep_link "$m"
	done
	for f in "$r"/*/*; do
		case ${f#"$r"/} in devices/*|power/*|subsystem/*) continue;; esac
		keep_file "$f"
	done
done

# 4. every kept link must resolve inside the tree: create the directories it points
#    to when they are not part of the subset (e.g. bus/pci/drivers/pcieport)
find "$S/sys" -type l | while read -r l; do
	t=$(realpath "${l#$S}" 2>/dev/null) || continue
	case $t in /sys/*) ;; *) continue;; esac
	[ -e "$S$t" ] && continue
	if [ -d "$t" ]; then mkdir -p "$S$t"; else keep_file "$t"; fi
done

cat /proc/cmdline > "$S/proc-cmdline"
uname -r > "$S/uname-r"

cd "$S" && tar -czf /tmp/cap.tgz sys proc-cmdline uname-r

OUT=/dev/ttyS1
[ -c "$OUT" ] || OUT=/dev/console
stty -F "$OUT" raw -echo 115200 2>/dev/null
{
	echo "SYSFS-CAPTURE-BEGIN $(wc -c < /tmp/cap.tgz) $(sha256sum /tmp/cap.tgz | cut -d' ' -f1)"
	base64 /tmp/cap.tgz
	echo "SYSFS-CAPTURE-END"
} > "$OUT"
sync
poweroff -f
