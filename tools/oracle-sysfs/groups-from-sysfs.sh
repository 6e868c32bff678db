#!/bin/bash
# SPDX-License-Identifier: MIT
#
# groups-from-sysfs.sh ROOT|CAPTURE.tar.xz
# Prints 'BB:DD.F GROUP' for every PCI function of a sysfs capture (the same
# format as the kernel oracle's groups.txt): the group comes from
# ROOT/sys/kernel/iommu_groups/<id>/devices/<bdf>, '-' when the function is in
# no group. Domain 0000 is omitted. Exits 1 if the group directories and the
# per-device iommu_group links disagree.
set -u
[ $# -eq 1 ] || { echo "usage: $0 ROOT|CAPTURE.tar.xz" >&2; exit 1; }
ROOT=$1
if [ -f "$ROOT" ]; then
	T=$(mktemp -d) || exit 1
	trap 'rm -rf "$T"' EXIT
	tar -xJf "$ROOT" -C "$T" || exit 1
	ROOT=$T
fi
S=$ROOT/sys
[ -d "$S/bus/pci/devices" ] || { echo "$0: no $S/bus/pci/devices" >&2; exit 1; }
declare -A GRP
for m in "$S"/kernel/iommu_groups/*/devices/*; do
	[ -L "$m" ] || continue
	g=${m%/devices/*}; g=${g##*/}
	GRP[${m##*/}]=$g
done
rc=0
OUT=""
for l in "$S"/bus/pci/devices/*; do
	[ -e "$l" ] || continue
	b=${l##*/}
	g=${GRP[$b]:--}
	link=-
	[ -L "$l/iommu_group" ] && link=$(basename "$(readlink "$l/iommu_group")")
	if [ "$link" != "$g" ]; then
		echo "$0: $b: iommu_groups says $g, iommu_group link says $link" >&2
		rc=1
	fi
	OUT+="${b#0000:} $g"$'\n'
done
printf '%s' "$OUT" | LC_ALL=C sort
exit $rc
