#!/bin/bash
# SPDX-License-Identifier: MIT
#
# capture.sh: boot the kernel oracle on a topology with our own initramfs and
# save a subset of the guest's /sys as a tarball (see README.md).
#
# usage: capture.sh [-t SECS] [-a EXTRA-CMDLINE] [-k KERNEL] [-g GROUPS-OUT] [-K] TOPO OUT.tar.xz
#   -t SECS   boot timeout passed to oracle.sh (default 300)
#   -a ARGS   appended to the guest kernel command line (oracle.sh -a)
#   -k FILE   guest kernel (oracle.sh -k; default: the oracle's own choice)
#   -g FILE   where to write the 'BB:DD.F GROUP' list computed from the capture
#             (default: OUT with .tar.xz replaced by .groups.txt; "-g -" = stdout, "-g ''" = none)
#   -K        keep the work directory (printed on stderr)
# environment:
#   ORACLE    path of oracle.sh (default /work/shared/oracle/oracle.sh)
#   BUSYBOX   static busybox to put in the initramfs (default /bin/busybox)
# exit status: 0 ok, 1 usage, 2 boot failed / no capture, 3 capture corrupt or inconsistent
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ORACLE=${ORACLE:-/work/shared/oracle/oracle.sh}
BUSYBOX=${BUSYBOX:-/bin/busybox}
TIMEOUT=300 EXTRA="" KERNEL="" GROUPS_OUT=__default__ KEEP=0
usage() { sed -n '5,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 1; }
while getopts "t:a:k:g:Kh" o; do
	case $o in
	t) TIMEOUT=$OPTARG;; a) EXTRA=$OPTARG;; k) KERNEL=$OPTARG;; g) GROUPS_OUT=$OPTARG;;
	K) KEEP=1;; *) usage;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || usage
TOPO=$1 OUT=$2
case $OUT in *.tar.xz) ;; *) echo "capture.sh: OUT must end in .tar.xz" >&2; exit 1;; esac
[ "$GROUPS_OUT" = __default__ ] && GROUPS_OUT=${OUT%.tar.xz}.groups.txt
[ -r "$TOPO" ] || { echo "capture.sh: cannot read $TOPO" >&2; exit 1; }
[ -x "$ORACLE" ] || { echo "capture.sh: oracle not found at $ORACLE (set ORACLE=)" >&2; exit 1; }
[ -x "$BUSYBOX" ] || { echo "capture.sh: $BUSYBOX missing (apt-get install busybox-static)" >&2; exit 1; }
command -v cpio >/dev/null || { echo "capture.sh: cpio missing" >&2; exit 1; }

W=$(mktemp -d /tmp/oracle-sysfs.XXXXXX) || exit 1
if [ $KEEP = 1 ]; then echo "capture.sh: work directory $W" >&2; else trap 'rm -rf "$W"' EXIT; fi
fail() { local rc=$1; shift; echo "capture.sh: $*" >&2; exit "$rc"; }

# 1. initramfs: static busybox + our init.sh as /init
R=$W/root
mkdir -p "$R/bin" "$R/dev" "$R/proc" "$R/sys" "$R/tmp"
cp "$BUSYBOX" "$R/bin/busybox" && ln -s busybox "$R/bin/sh" || fail 2 "cannot copy busybox"
cp "$HERE/init.sh" "$R/init" && chmod 755 "$R/init" "$R/bin/busybox"
mknod -m 600 "$R/dev/console" c 5 1 2>/dev/null || true
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9) > "$W/initramfs.cpio.gz" \
	|| fail 2 "cannot build the initramfs"

# 2. boot. oracle.sh exits 2 here even on success, because our report is not its
#    report format (no ORACLE-END); success is decided by our own end marker.
OPTS=(-t "$TIMEOUT" -r "$W/initramfs.cpio.gz")
[ -n "$EXTRA" ] && OPTS+=(-a "$EXTRA")
[ -n "$KERNEL" ] && OPTS+=(-k "$KERNEL")
"$ORACLE" "${OPTS[@]}" "$TOPO" "$W/run" > "$W/oracle.log" 2>&1
RC=$?
if ! grep -q '^SYSFS-CAPTURE-END' "$W/run/data.txt" 2>/dev/null; then
	cat "$W/oracle.log" >&2
	fail 2 "no complete capture from the guest (oracle.sh exit $RC)"
fi

# 3. decode and verify
tr -d '\r' < "$W/run/data.txt" | sed -n '/^SYSFS-CAPTURE-BEGIN /,/^SYSFS-CAPTURE-END/p' > "$W/report"
read -r _ SIZE SUM < "$W/report"
sed '1d;$d' "$W/report" | base64 -d > "$W/cap.tgz" 2>/dev/null || fail 3 "base64 decoding failed"
[ "$(stat -c %s "$W/cap.tgz")" = "$SIZE" ] || fail 3 "size mismatch (got $(stat -c %s "$W/cap.tgz"), want $SIZE)"
[ "$(sha256sum < "$W/cap.tgz" | cut -d' ' -f1)" = "$SUM" ] || fail 3 "sha256 mismatch"
X=$W/tree
mkdir -p "$X" && tar -xzf "$W/cap.tgz" -C "$X" || fail 3 "cannot extract the capture"
[ -d "$X/sys/bus/pci/devices" ] && [ -f "$X/uname-r" ] && [ -f "$X/proc-cmdline" ] || fail 3 "capture lacks sys/bus/pci/devices, uname-r or proc-cmdline"

# every symlink must be relative and resolve to something inside the tree
BAD=0
while IFS= read -r -d '' l; do
	t=$(readlink "$l")
	case $t in /*) echo "capture.sh: absolute link ${l#$X/} -> $t" >&2; BAD=1; continue;; esac
	r=$(realpath -m "$l")
	case $r in "$X"/sys/*) ;; *) echo "capture.sh: link escapes the tree: ${l#$X/} -> $t" >&2; BAD=1; continue;; esac
	[ -e "$l" ] || { echo "capture.sh: dangling link ${l#$X/} -> $t" >&2; BAD=1; }
done < <(find "$X/sys" -type l -print0)
[ $BAD = 0 ] || fail 3 "inconsistent symlinks in the capture"

# 4. groups list, cross-checked against the per-device iommu_group links
if [ -n "$GROUPS_OUT" ]; then
	if [ "$GROUPS_OUT" = - ]; then
		"$HERE/groups-from-sysfs.sh" "$X" || fail 3 "groups-from-sysfs.sh failed"
	else
		"$HERE/groups-from-sysfs.sh" "$X" > "$GROUPS_OUT.tmp" && mv -f "$GROUPS_OUT.tmp" "$GROUPS_OUT" \
			|| { rm -f "$GROUPS_OUT.tmp"; fail 3 "groups-from-sysfs.sh failed"; }
	fi
fi

# 5. reproducible re-pack: sorted names, fixed owner and mtime
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=gnu \
	-C "$X" -cf - sys proc-cmdline uname-r | xz -9 > "$OUT.tmp" && mv -f "$OUT.tmp" "$OUT" \
	|| { rm -f "$OUT.tmp"; fail 3 "cannot write $OUT"; }
N=$(find "$X/sys/bus/pci/devices" -mindepth 1 -maxdepth 1 | wc -l)
echo "capture.sh: $N PCI functions, kernel $(cat "$X/uname-r") -> $OUT" >&2
exit 0
