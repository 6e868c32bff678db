#!/bin/busybox sh
# SPDX-License-Identifier: MIT
# /init of the plan guest (run.sh appends it to the VFIO oracle's initramfs). Loads the
# oracle's modules (VFIO, pci-stub, e1000e, e1000, 8139cp, virtio_net, nvme) and ext4, waits for
# the drivers, gives 01:00.0 an address and 02:00.1 the default route, mounts the NVMe disk and
# runs guest-plan.sh chrooted into it, so that the disk is the root filesystem there. The
# results go to ttyS1 as base64 of a tar.gz between PLAN-RESULTS-BEGIN and PLAN-RESULTS-END.
/bin/busybox mkdir -p /proc /sys /dev /tmp /mnt
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
OUT=/dev/ttyS1
[ -c "$OUT" ] || OUT=/dev/console
stty -F "$OUT" raw -echo 115200 2>/dev/null

for dir in /lib/modules/oracle /lib/modules/plan; do
	while read -r f; do
		[ -n "$f" ] && insmod "$dir/$f" 2>/dev/console
	done <"$dir/load-order"
done
echo "settle 10000" >/tmp/settle.vfio
/bin/vfio-run -q /tmp/settle.vfio >/dev/console

# The netdev of a PCI function, by its sysfs path.
netdev_of() {
	for n in /sys/class/net/*; do
		case $(readlink -f "$n") in */"$1"/*) echo "${n##*/}"; return;; esac
	done
}
n1=$(netdev_of 0000:01:00.0)
n2=$(netdev_of 0000:02:00.1)
[ -n "$n1" ] && ip link set "$n1" up && ip addr add 192.168.6.2/24 dev "$n1"
[ -n "$n2" ] && ip link set "$n2" up && ip addr add 192.168.7.2/24 dev "$n2" &&
	ip route add default via 192.168.7.1 dev "$n2"
sleep 1

{
echo "PLAN-GUEST $(uname -r) netdevs 01:00.0=$n1 02:00.1=$n2"
if mount -t ext4 /dev/nvme0n1 /mnt; then
	mount -t proc proc /mnt/proc
	mount -t sysfs sysfs /mnt/sys
	mount -t devtmpfs devtmpfs /mnt/dev
	cp /bin/vfio-run /mnt/bin/vfio-run
	chroot /mnt /bin/busybox sh /guest-plan.sh
	echo "PLAN-SCRIPT rc=$?"
	tar -czf /tmp/results.tgz -C /mnt/out .
	echo "PLAN-RESULTS-BEGIN $(wc -c </tmp/results.tgz) $(sha256sum </tmp/results.tgz | cut -d' ' -f1)"
	base64 /tmp/results.tgz
	echo "PLAN-RESULTS-END"
else
	echo "PLAN-ERROR cannot mount /dev/nvme0n1"
fi
} >"$OUT" 2>&1
sync
poweroff -f
