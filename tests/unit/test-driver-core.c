// SPDX-License-Identifier: MIT
/*
 * The sysfs driver core (lib/uapi/driver-core.c, sysfs.c) on the machine
 * of the kernel oracle's VFIO captures (tests/vfio/oracle, own): matching
 * and probing as Linux 6.1 does them (spec runtime 4.3, 4.6, 8.6), the
 * errnos of the bind/unbind/drivers_probe/driver_override writes, remove
 * and rescan with the hot-add grouping rule, new_id/remove_id, and the
 * iommu_groups "type" write of 6.1 and of later kernels (spec 10 case 19).
 */
#include <errno.h>

#include "../vfio/uapi-fixture.h"

#define DEV(b) "/sys/bus/pci/devices/0000:" b

static int setup(void **state)
{
	struct ufx *u = calloc(1, sizeof(*u));

	ufx_up(u, "mixed", "6.1");
	*state = u;
	return 0;
}

static int teardown(void **state)
{
	ufx_down(*state);
	free(*state);
	return 0;
}

/* The drivers the guest had at boot (oracle devices.txt), shpchp failed on the bridge. */
static void boot_matches_capture(void **state)
{
	static const char *const want[][2] = {
		{ "00:00.0", "-" }, { "00:02.0", "pcieport" }, { "00:05.0", "pcieport" },
		{ "00:1f.2", "-" }, { "01:00.0", "e1000e" }, { "02:00.0", "e1000e" },
		{ "02:00.1", "virtio-pci" }, { "03:00.0", "-" }, { "04:01.0", "e1000" },
		{ "04:02.0", "8139cp" }, { "05:00.0", "nvme" }, { "06:00.0", "virtio-pci" },
	};
	struct ufx *u = *state;
	unsigned int i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(ufx_driver(u, want[i][0]), want[i][1]);
	/* The Linux 6.1 group numbers of groups.txt. */
	assert_int_equal(ufx_group(u, "01:00.0"), 7);
	assert_int_equal(ufx_group(u, "02:00.1"), 8);
	assert_int_equal(ufx_group(u, "04:02.0"), 9);
	assert_int_equal(ufx_group(u, "05:00.0"), 4);
	assert_int_equal(ufx_group(u, "06:00.0"), 10);
	/* shpchp is not driver_managed_dma: its failed probe gave the count back. */
	assert_int_equal(iok_rgroup_get_owner_cnt(iok_dev_get_rgroup(u->m, ufx_dev(u, "03:00.0"))),
			 2);
}

/* bind_store(): -ENODEV without a match, -EBUSY when bound (spec 8.7, oracle own/k). */
static void bind_errnos(void **state)
{
	struct ufx *u = *state;

	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers/vfio-pci/bind", "0000:06:00.0"), -ENODEV);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers/pci-stub/bind", "0000:01:00.0"), -ENODEV);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers/e1000e/bind", "0000:06:00.0"), -ENODEV);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers/virtio-pci/bind", "0000:06:00.0"), -EBUSY);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers/virtio-pci/bind", "0000:99:00.0"), -ENODEV);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers/nosuch/bind", "0000:06:00.0"), -ENOENT);
	/* unbind through another driver; then through the right one; then nothing to unbind. */
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers/e1000e/unbind", "0000:06:00.0"), -ENODEV);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers/virtio-pci/unbind", "0000:06:00.0"), 0);
	assert_int_equal(ufx_write(u, DEV("06:00.0") "/driver/unbind", "0000:06:00.0"), -ENOENT);
	assert_string_equal(ufx_driver(u, "06:00.0"), "-");
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers_probe", "0000:99:00.0"), -ENODEV);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers_probe", "0000:06:00.0"), 0);
	assert_string_equal(ufx_driver(u, "06:00.0"), "virtio-pci");
}

/* driver_set_override(): up to a newline; "\n" and "" clear it; a page is too long. */
static void override_semantics(void **state)
{
	struct ufx *u = *state;
	struct iok_sysfs_file *f;
	char big[5000];

	assert_string_equal(ufx_read(u, DEV("06:00.0") "/driver_override"), "(null)");
	assert_int_equal(ufx_write(u, DEV("06:00.0") "/driver_override", "nosuchdriver"), 0);
	assert_string_equal(ufx_read(u, DEV("06:00.0") "/driver_override"), "nosuchdriver");
	/* An override naming no driver: drivers_probe binds nothing and succeeds (spec 8.7). */
	assert_int_equal(ufx_write(u, DEV("06:00.0") "/driver/unbind", "0000:06:00.0"), 0);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers_probe", "0000:06:00.0"), 0);
	assert_string_equal(ufx_driver(u, "06:00.0"), "-");
	assert_int_equal(ufx_write(u, DEV("06:00.0") "/driver_override", ""), 0);
	assert_null(iok_sysfs_get_override(u->sf, ufx_dev(u, "06:00.0")));
	assert_int_equal(iok_sysfs_open(u->sf, DEV("06:00.0") "/driver_override", IOK_O_WRONLY, &f),
			 0);
	assert_int_equal(iok_sysfs_write(f, "pci-stub", 8, NULL), 0);
	assert_string_equal(iok_sysfs_get_override(u->sf, ufx_dev(u, "06:00.0")), "pci-stub");
	memset(big, 'x', sizeof(big));
	assert_int_equal(iok_sysfs_write(f, big, 4095, NULL), -EINVAL);
	assert_string_equal(iok_sysfs_get_override(u->sf, ufx_dev(u, "06:00.0")), "pci-stub");
	iok_sysfs_close(f);
}

/*
 * Spec 4.6 and 10 case 12, oracle c-bind-into-owned-group: into a user-owned
 * group a DMA-API driver's bind is -EBUSY and drivers_probe -EINVAL, the
 * device stays unbound; driver_managed_dma drivers bind.
 */
static void bind_into_owned_group(void **state)
{
	struct ufx *u = *state;
	struct iok_rgroup *rg = iok_dev_get_rgroup(u->m, ufx_dev(u, "02:00.1"));

	ufx_to_vfio(u, "0000:02:00.0");
	assert_int_equal(ufx_write(u, DEV("02:00.1") "/driver/unbind", "0000:02:00.1"), 0);
	assert_int_equal(iok_group_claim_dma_owner(rg, u), 0);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers/virtio-pci/bind", "0000:02:00.1"),
			 -EBUSY);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers_probe", "0000:02:00.1"), -EINVAL);
	assert_string_equal(ufx_driver(u, "02:00.1"), "-");
	assert_int_equal(iok_rgroup_get_owner_cnt(rg), 1);
	assert_int_equal(ufx_write(u, DEV("02:00.1") "/driver_override", "pci-stub"), 0);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers_probe", "0000:02:00.1"), 0);
	assert_string_equal(ufx_driver(u, "02:00.1"), "pci-stub");
	assert_ptr_equal(iok_rgroup_get_owner(rg), u);
	assert_int_equal(iok_group_release_dma_owner(rg), 0);
}

/* vfio-pci refuses a bridge (header type 1): bind -EINVAL, drivers_probe OK (oracle e). */
static void vfio_pci_refuses_bridge(void **state)
{
	struct ufx *u = *state;

	assert_int_equal(ufx_write(u, DEV("03:00.0") "/driver_override", "vfio-pci"), 0);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers_probe", "0000:03:00.0"), 0);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers/vfio-pci/bind", "0000:03:00.0"), -EINVAL);
	assert_string_equal(ufx_driver(u, "03:00.0"), "-");
	assert_int_equal(iok_sysfs_access(u->sf, "/dev/vfio/9"), -ENOENT);
}

/* pcieport is driver_managed_dma: unbound and bound again in an owned group (oracle e). */
static void pcieport_in_owned_group(void **state)
{
	struct ufx *u = *state;
	struct iok_rgroup *rg = iok_dev_get_rgroup(u->m, ufx_dev(u, "05:00.0"));

	ufx_to_vfio(u, "0000:05:00.0");
	assert_int_equal(iok_group_claim_dma_owner(rg, u), 0);
	assert_int_equal(ufx_write(u, DEV("00:05.0") "/driver/unbind", "0000:00:05.0"), 0);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers/pcieport/bind", "0000:00:05.0"), 0);
	assert_string_equal(ufx_driver(u, "00:05.0"), "pcieport");
	assert_int_equal(iok_group_release_dma_owner(rg), 0);
}

/*
 * Oracle c-bind-into-owned-group: at hot-add the group is assigned before
 * the slot scan marks functions > 0 multifunction. 02:00.1 lacks the header
 * bit, so it comes back in a group of its own and its driver binds.
 */
static void hotadd_without_mf_bit(void **state)
{
	struct ufx *u = *state;
	struct iok_rgroup *rg = iok_dev_get_rgroup(u->m, ufx_dev(u, "02:00.0"));

	ufx_to_vfio(u, "0000:02:00.0");
	assert_int_equal(ufx_write(u, DEV("02:00.1") "/driver/unbind", "0000:02:00.1"), 0);
	assert_int_equal(iok_group_claim_dma_owner(rg, u), 0);
	assert_int_equal(ufx_write(u, DEV("02:00.1") "/remove", "1"), 0);
	assert_true(iok_sysfs_dev_is_removed(u->sf, ufx_dev(u, "02:00.1")));
	assert_int_equal(iok_sysfs_access(u->sf, DEV("02:00.1")), -ENOENT);
	assert_int_equal(iok_rgroup_count_devs(rg), 1);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/rescan", "1"), 0);
	assert_int_equal(ufx_group(u, "02:00.1"), 11);
	assert_string_equal(ufx_driver(u, "02:00.1"), "virtio-pci");
	assert_int_equal(iok_rgroup_count_devs(rg), 1);
	assert_int_equal(iok_group_release_dma_owner(rg), 0);
}

/* Oracle h-hotadd-multifunction-bit: with its own header bit it rejoins; the driver waits. */
static void hotadd_with_mf_bit(void **state)
{
	struct ufx u;
	struct iok_rgroup *rg;

	(void)state;
	ufx_up(&u, "mf-both", "6.1");
	rg = iok_dev_get_rgroup(u.m, ufx_dev(&u, "01:00.0"));
	assert_int_equal(iok_rgroup_count_devs(rg), 2);
	ufx_to_vfio(&u, "0000:01:00.0");
	assert_int_equal(ufx_write(&u, DEV("01:00.1") "/driver/unbind", "0000:01:00.1"), 0);
	assert_int_equal(iok_group_claim_dma_owner(rg, &u), 0);
	assert_int_equal(ufx_write(&u, DEV("01:00.1") "/remove", "1"), 0);
	assert_int_equal(ufx_write(&u, "/sys/bus/pci/rescan", "1"), 0);
	assert_int_equal(ufx_group(&u, "01:00.1"), iok_rgroup_get_id(rg));
	assert_string_equal(ufx_driver(&u, "01:00.1"), "-");
	assert_ptr_equal(iok_dev_get_attached_domain(u.m, ufx_dev(&u, "01:00.1")),
			 iok_rgroup_get_blocking_domain(rg));
	assert_int_equal(iok_group_release_dma_owner(rg), 0);
	assert_int_equal(ufx_write(&u, "/sys/bus/pci/drivers_probe", "0000:01:00.1"), 0);
	assert_string_equal(ufx_driver(&u, "01:00.1"), "virtio-pci");
	ufx_down(&u);
}

/* The grouping rule itself (lib/groups hot-add): the same function at boot joins slot 0. */
static void grouping_hotadd_mf_bit(void **state)
{
	static const char json[] =
		"{'schema': 1, 'devices': ["
		"{'bdf': '00:02.0', 'id': '1b36:000c', 'pcie': 'root_port', 'secondary': '01',"
		" 'acs': {'cap': 'SV RR CR UF'}},"
		"{'bdf': '01:00.0', 'id': '8086:10d3', 'pcie': 'endpoint', 'multifunction': true},"
		"{'bdf': '01:00.1', 'id': '1af4:1041', 'pcie': 'endpoint'}]}";
	struct iok_ctx *ctx = *(struct iok_ctx **)state;
	struct iok_topo *t;
	struct iok_grouping *g;

	t = t_loadf(ctx, "%s", json);
	g = t_groups(t, "{00:02.0} {01:00.0 01:00.1}");
	iok_grouping_unref(g);
	/* Absent at boot, plugged in later: its own header bit has no multifunction flag. */
	assert_int_equal(iok_topo_set_param(t, "absent", "01:00.1"), 0);
	g = t_compute(t);
	assert_int_equal(iok_grouping_hotplug_add(g, t_dev(t, "01:00.1")), 0);
	assert_int_not_equal(t_group_id(g, t, "01:00.1"), t_group_id(g, t, "01:00.0"));
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* Oracle own/k: remove of a singleton group's device with its group fd open; rescan reuses 10. */
static void remove_rescan_singleton(void **state)
{
	struct ufx *u = *state;
	int fd;

	ufx_to_vfio(u, "0000:06:00.0");
	assert_int_equal(iok_proc_open(u->p, "/dev/vfio/10", &fd), 0);
	assert_int_equal(ufx_write(u, DEV("06:00.0") "/remove", "0"), 0);
	assert_int_equal(iok_sysfs_access(u->sf, DEV("06:00.0")), 0);
	assert_int_equal(ufx_write(u, DEV("06:00.0") "/remove", "x"), -EINVAL);
	assert_int_equal(ufx_write(u, DEV("06:00.0") "/remove", "1"), 0);
	assert_int_equal(iok_sysfs_access(u->sf, "/sys/kernel/iommu_groups/10"), -ENOENT);
	assert_int_equal(iok_sysfs_access(u->sf, "/dev/vfio/10"), -ENOENT);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/rescan", "1"), 0);
	assert_int_equal(ufx_group(u, "06:00.0"), 10);
	/* A new pci_dev: no override, its kernel driver. */
	assert_string_equal(ufx_read(u, DEV("06:00.0") "/driver_override"), "(null)");
	assert_string_equal(ufx_driver(u, "06:00.0"), "virtio-pci");
	assert_int_equal(iok_proc_close(u->p, fd), 0);
}

/* Oracle own/l: new_id binds what it matches when probed; vfio-pci probes before e1000e. */
static void dynamic_ids(void **state)
{
	struct ufx *u = *state;
	const char *drv = "/sys/bus/pci/drivers/vfio-pci/";

	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers/vfio-pci/new_id", "8086 10d3"), 0);
	assert_string_equal(ufx_driver(u, "01:00.0"), "e1000e");
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers/vfio-pci/new_id", "8086 10d3"), -EEXIST);
	assert_int_equal(ufx_write(u, DEV("01:00.0") "/driver/unbind", "0000:01:00.0"), 0);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers_probe", "0000:01:00.0"), 0);
	assert_string_equal(ufx_driver(u, "01:00.0"), "vfio-pci");
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers/vfio-pci/remove_id", "8086 10d3"), 0);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers/vfio-pci/remove_id", "8086 10d3"),
			 -ENODEV);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers/vfio-pci/new_id", "8086 zz"), -EINVAL);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers/e1000e/new_id", "8086 10d3"), -EEXIST);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers/e1000e/new_id",
				   "8086 10d3 ffffffff ffffffff 0 0 0"), 0);
	assert_int_equal(iok_sysfs_access(u->sf, "/sys/bus/pci/drivers/pcieport/module"), -ENOENT);
	assert_int_equal(iok_sysfs_access(u->sf, "/sys/bus/pci/drivers/pci-stub/module"), 0);
	(void)drv;
}

/* Spec 10 case 19 as Linux 6.1 answers it (oracle g-group-type-sysfs). */
static void group_type_6_1(void **state)
{
	struct ufx *u = *state;
	const char *t6 = "/sys/kernel/iommu_groups/10/type", *t8 = "/sys/kernel/iommu_groups/8/type";
	struct iok_rgroup *rg = iok_dev_get_rgroup(u->m, ufx_dev(u, "06:00.0"));

	assert_string_equal(ufx_read(u, t6), "DMA-FQ");
	assert_int_equal(ufx_write(u, t6, "identity"), -EBUSY);
	assert_int_equal(ufx_write(u, t6, "DMA-FQ"), -EBUSY);
	assert_int_equal(ufx_write(u, DEV("06:00.0") "/driver/unbind", "0000:06:00.0"), 0);
	assert_int_equal(ufx_write(u, t6, "bogus"), -EINVAL);
	assert_int_equal(ufx_write(u, t6, "DMA"), 0);
	assert_int_equal(ufx_write(u, t6, "auto"), 0);
	assert_string_equal(ufx_read(u, t6), "DMA-FQ");
	assert_int_equal(ufx_write(u, t6, "DMA"), 0);
	assert_int_equal(iok_group_claim_dma_owner(rg, u), 0);
	assert_int_equal(ufx_write(u, t6, "DMA-FQ"), -EBUSY);
	assert_int_equal(iok_group_release_dma_owner(rg), 0);
	assert_int_equal(ufx_write(u, DEV("02:00.0") "/driver/unbind", "0000:02:00.0"), 0);
	assert_int_equal(ufx_write(u, DEV("02:00.1") "/driver/unbind", "0000:02:00.1"), 0);
	assert_int_equal(ufx_write(u, t8, "identity"), -EINVAL);
	assert_string_equal(ufx_read(u, t8), "DMA-FQ");
}

/* Spec 10 case 19 of later kernels: -EPERM for a bound driver, DMA to DMA-FQ live. */
static void group_type_later(void **state)
{
	struct ufx u;
	const char *t6 = "/sys/kernel/iommu_groups/10/type", *t8 = "/sys/kernel/iommu_groups/8/type";

	(void)state;
	ufx_up(&u, "mixed", "6.19");
	assert_int_equal(ufx_write(&u, t6, "identity"), -EPERM);
	assert_int_equal(ufx_write(&u, DEV("02:00.0") "/driver/unbind", "0000:02:00.0"), 0);
	assert_int_equal(ufx_write(&u, DEV("02:00.1") "/driver/unbind", "0000:02:00.1"), 0);
	assert_int_equal(ufx_write(&u, t8, "identity"), 0);
	assert_string_equal(ufx_read(&u, t8), "identity");
	ufx_down(&u);
}

/* kernfs as root: no store is -EACCES at open, no show likewise; gone objects -ENODEV. */
static void files_and_misuse(void **state)
{
	struct ufx *u = *state;
	struct iok_sysfs_file *f;
	char buf[64];

	assert_int_equal(iok_sysfs_open(u->sf, DEV("06:00.0") "/vendor", IOK_O_WRONLY, &f), -EACCES);
	assert_int_equal(iok_sysfs_open(u->sf, DEV("06:00.0") "/remove", IOK_O_RDONLY, &f), -EACCES);
	assert_int_equal(iok_sysfs_open(u->sf, "/sys/bus/pci", IOK_O_WRONLY, &f), -EISDIR);
	assert_int_equal(iok_sysfs_open(u->sf, "sys/bus/pci", IOK_O_RDONLY, &f), -ENOENT);
	assert_int_equal(iok_sysfs_open(u->sf, DEV("06:00.0") "/vendor/x", IOK_O_RDONLY, &f),
			 -ENOTDIR);
	assert_int_equal(iok_sysfs_open(NULL, "/sys", IOK_O_RDONLY, &f), -EINVAL);
	assert_int_equal(iok_sysfs_open(u->sf, "/sys", 7, &f), -EINVAL);
	assert_string_equal(ufx_read(u, DEV("06:00.0") "/vendor"), "0x1af4");
	assert_string_equal(ufx_read(u, "/sys/kernel/iommu_groups/10/reserved_regions"),
			    "0x00000000fee00000 0x00000000feefffff msi");
	/* A file of a device removed since the open. */
	assert_int_equal(iok_sysfs_open(u->sf, DEV("04:02.0") "/driver_override", IOK_O_RDWR, &f), 0);
	assert_int_equal(iok_sysfs_write(f, "x", 1, NULL), 0);
	assert_int_equal(ufx_write(u, DEV("04:02.0") "/remove", "1"), 0);
	assert_int_equal(iok_sysfs_read(f, buf, sizeof(buf)), -ENODEV);
	assert_int_equal(iok_sysfs_write(f, "x", 1, NULL), -ENODEV);
	iok_sysfs_close(f);
	assert_int_equal(iok_sysfs_boot_bind(u->sf, ufx_dev(u, "04:02.0"), "8139cp"), -ENODEV);
	assert_int_equal(iok_sysfs_boot_bind(u->sf, NULL, "8139cp"), -EINVAL);
	assert_int_equal(iok_sysfs_readdir(u->sf, "/nowhere", NULL, NULL), -EINVAL);
	assert_null(iok_sysfs_get_driver(u->sf, ufx_dev(u, "04:02.0")));
}

/* A driver a capture names but the model lacks binds as a DMA-API driver, and rebinds. */
static void unknown_boot_driver(void **state)
{
	struct ufx *u = *state;
	struct iok_dev *d = ufx_dev(u, "00:1f.2");

	assert_int_equal(iok_sysfs_boot_bind(u->sf, d, "ahci"), 0);
	assert_string_equal(ufx_driver(u, "00:1f.2"), "ahci");
	assert_true(iok_group_dma_owner_claimed(iok_dev_get_rgroup(u->m, d)));
	assert_int_equal(ufx_write(u, DEV("00:1f.2") "/driver/unbind", "0000:00:1f.2"), 0);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers_probe", "0000:00:1f.2"), 0);
	assert_string_equal(ufx_driver(u, "00:1f.2"), "ahci");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(boot_matches_capture),
		T(bind_errnos),
		T(override_semantics),
		T(bind_into_owned_group),
		T(vfio_pci_refuses_bridge),
		T(pcieport_in_owned_group),
		T(hotadd_without_mf_bit),
		cmocka_unit_test(hotadd_with_mf_bit),
		cmocka_unit_test_setup_teardown(grouping_hotadd_mf_bit, t_setup_ctx, t_teardown_ctx),
		T(remove_rescan_singleton),
		T(dynamic_ids),
		T(group_type_6_1),
		cmocka_unit_test(group_type_later),
		T(files_and_misuse),
		T(unknown_boot_driver),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
