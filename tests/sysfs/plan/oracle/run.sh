#!/bin/bash
# SPDX-License-Identifier: MIT
# iommukit plan in a real Linux guest: boots the kernel oracle (/work/shared/oracle: Debian 12
# Linux 6.1, QEMU 7.2 q35 + intel-iommu, TCG) on guest.topo with the VFIO oracle's initramfs
# (VFIO, pci-stub and the device drivers) plus guest-init.sh as /init, a disk image holding
# iommukit, its libraries, pci.ids, tools/capture-sysfs.sh (and GNU tar + xz for it) and
# guest-plan.sh. Not part of 'make test' (one boot takes about a minute); its results are kept
# in results/ and its captures are the trees ../mixed and ../mixed-applied.
#
#   tests/sysfs/plan/oracle/run.sh BUILD/cli/iommukit OUTDIR
#
# needs: qemu-system-x86, linux-image-amd64 6.1 and its modules, busybox-static, cpio,
# e2fsprogs (mke2fs -d), kmod; ORACLE= another oracle.sh; ORACLE_CACHE as the oracle's.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../../.." && pwd)
ORACLE=${ORACLE:-/work/shared/oracle/oracle.sh}
CACHE=${ORACLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iommu-oracle}
[ $# -eq 2 ] || { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 1; }
IOK=$(readlink -f "$1") OUT=$2
KVER=6.1.0-56-amd64
BASE=$CACHE/vfio/initramfs-$KVER.cpio.gz
if [ ! -r "$BASE" ]; then
	"$(dirname "$ORACLE")/vfio/build-vfio-initramfs.sh" "$KVER" "$BASE"
fi

W=$(mktemp -d /tmp/plan-guest.XXXXXX)
trap 'rm -rf "$W"' EXIT

# The disk: iommukit and what it and the capture script need, at their usual paths.
P=$W/disk
mkdir -p "$P/bin" "$P/usr/bin" "$P/usr/share/misc" "$P/proc" "$P/sys" "$P/dev" "$P/tmp" "$P/out"
cp /bin/busybox "$P/bin/busybox"
# GNU tar runs its compressor through /bin/sh: busybox sh would run its own xz.
ln -s /usr/bin/dash "$P/bin/sh"
cp "$IOK" /bin/tar /usr/bin/xz /bin/dash "$P/usr/bin/"
cp /usr/share/misc/pci.ids "$P/usr/share/misc/"
cp "$TOP/tools/capture-sysfs.sh" "$HERE/guest-plan.sh" "$P/"
for lib in $( (ldd "$IOK"; ldd /bin/tar; ldd /usr/bin/xz; ldd /bin/dash) | awk '/=> \//{print $3} /^\t\/lib/{print $1}' | sort -u); do
	mkdir -p "$P$(dirname "$lib")"
	cp -L "$lib" "$P$lib"
done
# libiommukit comes from the build tree: put it where $ORIGIN/../lib finds it.
mkdir -p "$P/usr/lib"
cp -L "$(ldd "$IOK" | awk '/libiommukit/{print $3}')" "$P/usr/lib/"
mke2fs -q -t ext2 -d "$P" "$W/disk.img" 256M

# The initramfs: the VFIO oracle's, then ours on top (a later cpio archive wins).
R=$W/root
mkdir -p "$R/lib/modules/plan"
cp "$HERE/guest-init.sh" "$R/init"
chmod 755 "$R/init"
for m in crc32c_generic crc16 mbcache jbd2 ext4; do
	cp "$(modinfo -n -k "$KVER" $m)" "$R/lib/modules/plan/"
	echo "$m.ko" >>"$R/lib/modules/plan/load-order"
done
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9) >"$W/extra.cpio.gz"
cat "$BASE" "$W/extra.cpio.gz" >"$W/initramfs.cpio.gz"

sed "s|@DISK@|$W/disk.img|" "$HERE/guest.topo" >"$W/guest.topo"
# oracle.sh exits 2: the report is ours, not its format. Our end marker decides.
"$ORACLE" -t 600 -k "$CACHE/vmlinuz" -r "$W/initramfs.cpio.gz" "$W/guest.topo" "$W/run" \
	>"$W/oracle.log" 2>&1 || true
D=$W/run/data.txt
if ! grep -q '^PLAN-RESULTS-END' "$D" 2>/dev/null; then
	cat "$W/oracle.log" >&2
	tail -n 30 "$W/run/console.log" >&2
	echo "run.sh: no results from the guest" >&2
	exit 2
fi
tr -d '\r' <"$D" | sed -n '/^PLAN-RESULTS-BEGIN /,/^PLAN-RESULTS-END/p' >"$W/report"
read -r _ SIZE SUM <"$W/report"
sed '1d;$d' "$W/report" | base64 -d >"$W/results.tgz"
[ "$(stat -c %s "$W/results.tgz")" = "$SIZE" ] || { echo "run.sh: size mismatch" >&2; exit 3; }
[ "$(sha256sum <"$W/results.tgz" | cut -d' ' -f1)" = "$SUM" ] || { echo "run.sh: sha256 mismatch" >&2; exit 3; }
mkdir -p "$OUT"
tar -xzf "$W/results.tgz" -C "$OUT"
tr -d '\r' <"$D" | grep '^PLAN-' | grep -v '^PLAN-RESULTS' >"$OUT/guest.txt"
cp "$W/run/console.log" "$OUT/console.log"
echo "run.sh: results in $OUT" >&2
