#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Copy the part of sysfs that iommukit's sysfs source reads into a tar.xz, to
# attach to a bug report or to keep as a test case:
#
#   tools/capture-sysfs.sh [-s SYSFS] [OUTPUT.tar.xz]
#   mkdir x && tar -xJf OUTPUT.tar.xz -C x && iommukit groups -S sysfs:x
#
# The archive holds sys/ (bus/pci/devices and, for every PCI function, its
# config space, IDs and driver/iommu_group/physfn links; kernel/iommu_groups;
# class/iommu), uname-r and proc-cmdline. Run it as root: other users can
# read only the first 64 bytes of config space, which leaves ACS unknown.
# -s copies another sysfs mount; uname-r and proc-cmdline still describe the
# running kernel.
#
# For 'iommukit plan' it also keeps each function's driver_override and
# boot_vga, class/block and class/net (the links, and each device's dev,
# dm/name, slaves/ and operstate), the PCI drivers' directories with empty
# bind/unbind files and an empty bus/pci/drivers_probe (so that a copy can
# take plan --apply's writes), and proc/self/mountinfo, proc/net/route and
# proc/net/ipv6_route (mount points and routes of the running system).
set -eu

usage() {
	echo "usage: $0 [-s SYSFS] [OUTPUT.tar.xz]" >&2
	exit 2
}

sysfs=/sys
while getopts s:h opt; do
	case $opt in
	s) sysfs=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || usage
out=${1:-sysfs-$(uname -n)-$(date +%Y%m%d-%H%M%S).tar.xz}

if [ ! -d "$sysfs/bus/pci/devices" ]; then
	echo "$0: $sysfs/bus/pci/devices: no PCI devices to capture" >&2
	exit 1
fi
sysreal=$(readlink -f "$sysfs")
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT INT TERM

# $1: a path below $sysreal; prints it relative to the sysfs mount.
rel() {
	case $1 in
	"$sysreal"/*) printf '%s\n' "${1#"$sysreal"/}" ;;
	*) echo "$0: $1 is outside $sysreal" >&2; exit 1 ;;
	esac
}

# Links keep their relative targets, so they resolve inside the copy too.
copy_link() {
	r=$(rel "$1")
	mkdir -p "$stage/sys/$(dirname "$r")"
	ln -s "$(readlink "$1")" "$stage/sys/$r"
}

# sysfs files report sizes they do not have: read them to the end instead.
copy_file() {
	r=$(rel "$1")
	mkdir -p "$stage/sys/$(dirname "$r")"
	cat "$1" >"$stage/sys/$r"
}

warned=
nr=0
for link in "$sysreal"/bus/pci/devices/*; do
	[ -L "$link" ] || continue
	copy_link "$link"
	dev=$(readlink -f "$link")
	mkdir -p "$stage/sys/$(rel "$dev")"
	for f in config vendor device class revision subsystem_vendor subsystem_device \
		driver_override boot_vga; do
		if [ -e "$dev/$f" ]; then copy_file "$dev/$f"; fi
	done
	for l in driver iommu_group physfn "$dev"/virtfn*; do
		l=${l##*/}
		if [ -L "$dev/$l" ]; then copy_link "$dev/$l"; fi
	done
	if [ -z "$warned" ] && [ "$(wc -c <"$dev/config")" -le 64 ]; then
		echo "$0: warning: only 64 bytes of config space are readable; run as root for ACS" >&2
		warned=1
	fi
	nr=$((nr + 1))
done

if [ -d "$sysreal/kernel/iommu_groups" ]; then
	mkdir -p "$stage/sys/kernel/iommu_groups"
	for g in "$sysreal"/kernel/iommu_groups/*; do
		[ -d "$g" ] || continue
		mkdir -p "$stage/sys/$(rel "$g")/devices"
		for f in type reserved_regions name; do
			if [ -r "$g/$f" ]; then copy_file "$g/$f"; fi
		done
		for l in "$g"/devices/*; do
			if [ -L "$l" ]; then copy_link "$l"; fi
		done
	done
fi

if [ -d "$sysreal/class/iommu" ]; then
	mkdir -p "$stage/sys/class/iommu"
	for l in "$sysreal"/class/iommu/*; do
		[ -L "$l" ] || continue
		copy_link "$l"
		mkdir -p "$stage/sys/$(rel "$(readlink -f "$l")")"
	done
fi

# iommukit plan: what uses each function, and where --apply writes.
for l in "$sysreal"/class/block/* "$sysreal"/class/net/*; do
	[ -L "$l" ] || continue
	copy_link "$l"
	dev=$(readlink -f "$l")
	mkdir -p "$stage/sys/$(rel "$dev")"
	for f in dev dm/name operstate; do
		if [ -r "$dev/$f" ]; then copy_file "$dev/$f"; fi
	done
	for s in "$dev"/slaves/*; do
		if [ -L "$s" ]; then copy_link "$s"; fi
	done
done
for d in "$sysreal"/bus/pci/drivers/*; do
	[ -d "$d" ] || continue
	mkdir -p "$stage/sys/$(rel "$d")"
	: >"$stage/sys/$(rel "$d")/bind"
	: >"$stage/sys/$(rel "$d")/unbind"
done
mkdir -p "$stage/sys/bus/pci" "$stage/proc/self" "$stage/proc/net"
: >"$stage/sys/bus/pci/drivers_probe"
cat /proc/self/mountinfo >"$stage/proc/self/mountinfo"
for f in route ipv6_route; do
	if [ -r "/proc/net/$f" ]; then cat "/proc/net/$f" >"$stage/proc/net/$f"; fi
done

uname -r >"$stage/uname-r"
cat /proc/cmdline >"$stage/proc-cmdline"

tar --sort=name --owner=0 --group=0 --numeric-owner \
	-C "$stage" -cJf "$out" sys proc uname-r proc-cmdline
echo "$out: $nr PCI functions, kernel $(cat "$stage/uname-r")"
