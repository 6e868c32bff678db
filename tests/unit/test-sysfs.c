// SPDX-License-Identifier: MIT
/*
 * The sysfs source, on small trees built here under a temporary directory:
 * config files, driver and iommu_group links, the IOMMU class and the kernel
 * release, laid out as the kernel lays them out.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

#define CFG_MAX 4096
#define VENDOR 0x1f1f	/* no quirk table knows it */

/* ---- fixture trees ----------------------------------------------------- */

struct fx {
	char root[PATH_MAX];
};

static void mkdirs(const char *path)
{
	char buf[PATH_MAX], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0755) && errno != EEXIST)
			fail_msg("mkdir %s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		fail_msg("mkdir %s: %s", buf, strerror(errno));
}

static void fx_path(const struct fx *fx, const char *rel, char *out)
{
	if (snprintf(out, PATH_MAX, "%s/%s", fx->root, rel) >= PATH_MAX)
		fail_msg("path too long: %s/%s", fx->root, rel);
}

static void fx_mkdir(const struct fx *fx, const char *rel)
{
	char path[PATH_MAX];

	fx_path(fx, rel, path);
	mkdirs(path);
}

/* Write @len bytes at @rel, creating the directories above it. */
static void fx_write(const struct fx *fx, const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	fx_path(fx, rel, path);
	*strrchr(path, '/') = 0;
	mkdirs(path);
	fx_path(fx, rel, path);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void fx_text(const struct fx *fx, const char *rel, const char *text)
{
	fx_write(fx, rel, text, strlen(text));
}

static void fx_link(const struct fx *fx, const char *rel, const char *target)
{
	char path[PATH_MAX];

	fx_path(fx, rel, path);
	*strrchr(path, '/') = 0;
	mkdirs(path);
	fx_path(fx, rel, path);
	if (symlink(target, path))
		fail_msg("symlink %s: %s", path, strerror(errno));
}

/*
 * A function at sys/devices/@parent/@name with its bus/pci/devices link,
 * a driver link when @driver is set and, when @group >= 0, the iommu_group
 * link and the group's back-link.
 */
static void fx_dev(const struct fx *fx, const char *parent, const char *name,
		   const uint8_t *cfg, size_t len, const char *driver, int group)
{
	char rel[PATH_MAX], target[PATH_MAX];

	snprintf(rel, sizeof(rel), "sys/devices/%s/%s/config", parent, name);
	fx_write(fx, rel, cfg, len);
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", name);
	snprintf(target, sizeof(target), "../../../devices/%s/%s", parent, name);
	fx_link(fx, rel, target);
	if (driver) {
		snprintf(rel, sizeof(rel), "sys/devices/%s/%s/driver", parent, name);
		snprintf(target, sizeof(target), "../../../../bus/pci/drivers/%s", driver);
		fx_link(fx, rel, target);
	}
	if (group < 0)
		return;
	snprintf(rel, sizeof(rel), "sys/devices/%s/%s/iommu_group", parent, name);
	snprintf(target, sizeof(target), "../../../../kernel/iommu_groups/%d", group);
	fx_link(fx, rel, target);
	snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/devices/%s", group, name);
	snprintf(target, sizeof(target), "../../../../devices/%s/%s", parent, name);
	fx_link(fx, rel, target);
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");

	if (!fx)
		return -1;
	snprintf(fx->root, sizeof(fx->root), "%s/iok-sysfs-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fx->root)) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	int rc = nftw(fx->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);

	free(fx);
	return rc;
}

/* ---- config space ------------------------------------------------------ */

static void put16(uint8_t *c, unsigned int off, uint16_t v)
{
	c[off] = v & 0xff;
	c[off + 1] = v >> 8;
}

static void put32(uint8_t *c, unsigned int off, uint32_t v)
{
	put16(c, off, v & 0xffff);
	put16(c, off + 2, v >> 16);
}

/* A header: type 0 or 1, with a capability list when @pcie_type >= 0. */
static void cfg_header(uint8_t *c, uint16_t device, uint32_t class, uint8_t layout,
		       int pcie_type)
{
	memset(c, 0, CFG_MAX);
	put16(c, 0x00, VENDOR);
	put16(c, 0x02, device);
	put32(c, 0x08, class << 8 | 0x01);
	c[0x0e] = layout;
	if (pcie_type < 0)
		return;
	put16(c, 0x06, 0x0010);
	c[0x34] = 0x40;
	c[0x40] = 0x10;
	put16(c, 0x42, 0x0002 | pcie_type << 4);
}

static void cfg_bridge(uint8_t *c, uint16_t device, int pcie_type, uint8_t pri,
		       uint8_t sec, uint8_t sub)
{
	cfg_header(c, device, 0x060400, 1, pcie_type);
	c[0x18] = pri;
	c[0x19] = sec;
	c[0x1a] = sub;
}

#define ACS_WANT 0x1d	/* SV RR CR UF: what Linux requires of a port */

static void cfg_acs(uint8_t *c, uint16_t cap, uint16_t ctrl)
{
	put32(c, 0x100, 0x000d | 1 << 16);
	put16(c, 0x104, cap);
	put16(c, 0x106, ctrl);
}

/* An SR-IOV PF with @num VFs enabled at RID offset 1, stride 1. */
static void cfg_sriov(uint8_t *c, uint16_t num, uint16_t vf_device)
{
	put32(c, 0x100, 0x0010 | 1 << 16);
	put16(c, 0x108, 0x0001);
	put16(c, 0x10e, num);
	put16(c, 0x110, num);
	put16(c, 0x114, 1);
	put16(c, 0x116, 1);
	put16(c, 0x11a, vf_device);
}

/*
 * 00:00.0 host bridge (conventional, 256 bytes), 00:01.0 root port with ACS
 * enabled above the NVMe endpoint 01:00.0, and 00:1e.0 a conventional PCI
 * bridge whose two devices DMA as the bridge. Groups as Linux makes them.
 */
static void fx_machine(const struct fx *fx, bool groups)
{
	uint8_t c[CFG_MAX];

	cfg_header(c, 0x0001, 0x060000, 0, -1);
	fx_dev(fx, "pci0000:00", "0000:00:00.0", c, 256, NULL, groups ? 0 : -1);
	cfg_bridge(c, 0x0002, 0x4, 0, 1, 1);
	cfg_acs(c, ACS_WANT | 0x02, ACS_WANT);
	fx_dev(fx, "pci0000:00", "0000:00:01.0", c, CFG_MAX, "pcieport", groups ? 1 : -1);
	cfg_bridge(c, 0x0003, -1, 0, 2, 2);
	fx_dev(fx, "pci0000:00", "0000:00:1e.0", c, 256, NULL, groups ? 2 : -1);
	cfg_header(c, 0x0004, 0x010802, 0, 0x0);
	fx_dev(fx, "pci0000:00/0000:00:01.0", "0000:01:00.0", c, CFG_MAX, "nvme",
	       groups ? 3 : -1);
	cfg_header(c, 0x0005, 0x020000, 0, -1);
	fx_dev(fx, "pci0000:00/0000:00:1e.0", "0000:02:00.0", c, 256, "e100",
	       groups ? 2 : -1);
	fx_dev(fx, "pci0000:00/0000:00:1e.0", "0000:02:01.0", c, 256, NULL,
	       groups ? 2 : -1);
	fx_mkdir(fx, "sys/kernel/iommu_groups");
	if (groups)
		fx_mkdir(fx, "sys/devices/virtual/iommu/dmar0");
	if (groups)
		fx_link(fx, "sys/class/iommu/dmar0", "../../devices/virtual/iommu/dmar0");
	fx_text(fx, "proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");
	fx_text(fx, "proc/cmdline", "BOOT_IMAGE=/vmlinuz intel_iommu=on pci=noats\n");
}

static const char machine_groups[] =
	"{00:00.0} {00:01.0} {01:00.0} {00:1e.0 02:00.0 02:01.0}";

/* ---- helpers ----------------------------------------------------------- */

static struct iok_topo *load(struct iok_ctx *ctx, const char *source)
{
	struct iok_topo *topo = NULL;
	int rc = iok_topo_load(ctx, source, &topo);

	if (rc)
		fail_msg("loading %s failed (%d): %s", source, rc, iok_get_error(ctx));
	return topo;
}

static struct iok_topo *load_fx(struct iok_ctx *ctx, const struct fx *fx)
{
	char src[PATH_MAX + 8];

	snprintf(src, sizeof(src), "sysfs:%s", fx->root);
	return load(ctx, src);
}

/* Loading must fail with @err, say @what, and hand nothing back. */
static void expect_fail(const char *source, int err, const char *what)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = NULL;
	int rc = iok_topo_load(ctx, source, &topo);

	assert_int_equal(rc, err);
	assert_null(topo);
	if (!strstr(iok_get_error(ctx), what))
		fail_msg("error '%s' does not mention '%s'", iok_get_error(ctx), what);
	iok_unref(ctx);
}

static void expect_fail_fx(const struct fx *fx, int err, const char *what)
{
	char src[PATH_MAX + 8];

	snprintf(src, sizeof(src), "sysfs:%s", fx->root);
	expect_fail(src, err, what);
}

static struct iok_dev *dev(struct iok_topo *topo, const char *bdf)
{
	struct iok_dev *d = NULL;

	if (iok_dev_find(topo, bdf, &d))
		fail_msg("no device %s", bdf);
	return d;
}

/* The computed partition must be the kernel's, device by device. */
static void assert_kernel_agrees(struct iok_topo *topo)
{
	struct iok_grouping *g = NULL;
	struct iok_dev *a, *b;

	assert_int_equal(iok_grouping_compute(topo, &g), 0);
	iok_dev_foreach(topo, a) {
		struct iok_group *ga = iok_dev_get_group(g, a);
		int ka = iok_dev_get_kernel_group(a);

		assert_int_equal(ga != NULL, ka >= 0);
		iok_dev_foreach(topo, b) {
			bool same = ga && ga == iok_dev_get_group(g, b);
			bool ksame = ka >= 0 && ka == iok_dev_get_kernel_group(b);

			if (same != ksame)
				fail_msg("%s and %s: computed %s, kernel %s",
					 iok_dev_get_name(a), iok_dev_get_name(b),
					 same ? "together" : "apart", ksame ? "together" : "apart");
		}
	}
	iok_grouping_unref(g);
}

/* ---- tests ------------------------------------------------------------- */

static void test_machine(void **state)
{
	struct fx *fx = *state;
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo;
	char src[PATH_MAX + 8];

	fx_machine(fx, true);
	topo = load_fx(ctx, fx);
	snprintf(src, sizeof(src), "sysfs:%s", fx->root);
	assert_string_equal(iok_topo_get_source(topo), src);
	assert_true(iok_topo_is_live(topo));
	assert_int_equal(iok_topo_count_devs(topo), 6);
	assert_string_equal(iok_topo_get_param(topo, "iommu"), "intel");
	assert_string_equal(iok_topo_get_param(topo, "kernel"), "6.1");
	assert_string_equal(iok_topo_get_param(topo, "acs"), "final");
	/* The captured ACS already reflects the command line. */
	assert_string_equal(iok_topo_get_param(topo, "cmdline"), "");

	assert_string_equal(iok_dev_get_driver(dev(topo, "01:00.0")), "nvme");
	assert_string_equal(iok_dev_get_driver(dev(topo, "00:01.0")), "pcieport");
	assert_string_equal(iok_dev_get_driver(dev(topo, "02:00.0")), "e100");
	assert_null(iok_dev_get_driver(dev(topo, "00:1e.0")));
	assert_int_equal(iok_dev_get_kernel_group(dev(topo, "00:00.0")), 0);
	assert_int_equal(iok_dev_get_kernel_group(dev(topo, "01:00.0")), 3);
	assert_int_equal(iok_dev_get_kernel_group(dev(topo, "02:01.0")), 2);

	assert_int_equal(iok_dev_get_cfg_known(dev(topo, "00:01.0")), CFG_MAX);
	assert_int_equal(iok_dev_get_cfg_known(dev(topo, "00:00.0")), 256);
	assert_int_equal(iok_dev_get_acs_state(dev(topo, "00:01.0")), IOK_ACS_PRESENT);
	assert_int_equal(iok_dev_get_acs_ctrl(dev(topo, "00:01.0")), ACS_WANT);
	assert_int_equal(iok_dev_get_pcie_type(dev(topo, "00:01.0")), IOK_PCIE_ROOT_PORT);
	assert_int_equal(iok_dev_get_vendor(dev(topo, "01:00.0")), VENDOR);
	assert_int_equal(iok_dev_get_class(dev(topo, "01:00.0")), 0x010802);

	t_assert_groups(topo, machine_groups);
	assert_kernel_agrees(topo);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

/* The root may be a sysfs mount itself; proc/ is then looked for beside it. */
static void test_sysfs_mount_root(void **state)
{
	struct fx *fx = *state;
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo;
	char src[PATH_MAX + 16];

	fx_machine(fx, true);
	snprintf(src, sizeof(src), "sysfs:%s/sys", fx->root);
	topo = load(ctx, src);
	assert_string_equal(iok_topo_get_source(topo), src);
	assert_int_equal(iok_topo_count_devs(topo), 6);
	assert_string_equal(iok_topo_get_param(topo, "kernel"), "6.1");
	assert_string_equal(iok_topo_get_param(topo, "iommu"), "intel");
	t_assert_groups(topo, machine_groups);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

static void test_env_root(void **state)
{
	struct fx *fx = *state;
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo;
	char src[PATH_MAX + 8];

	fx_machine(fx, true);
	assert_int_equal(setenv("IOMMUKIT_SYSFS_ROOT", fx->root, 1), 0);
	topo = load(ctx, "sysfs");
	unsetenv("IOMMUKIT_SYSFS_ROOT");
	snprintf(src, sizeof(src), "sysfs:%s", fx->root);
	assert_string_equal(iok_topo_get_source(topo), src);
	assert_int_equal(iok_topo_count_devs(topo), 6);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

/* tools/capture-sysfs.sh and the oracle store uname-r and proc-cmdline. */
static void test_capture_files(void **state)
{
	struct fx *fx = *state;
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo;
	char path[PATH_MAX];

	fx_machine(fx, true);
	fx_path(fx, "proc/sys/kernel/osrelease", path);
	assert_int_equal(unlink(path), 0);
	fx_path(fx, "proc/cmdline", path);
	assert_int_equal(unlink(path), 0);
	fx_text(fx, "uname-r", "6.12.0-1-amd64\n");
	fx_text(fx, "proc-cmdline", "pcie_acs_override=downstream\n");
	topo = load_fx(ctx, fx);
	assert_string_equal(iok_topo_get_param(topo, "kernel"), "6.12");
	assert_string_equal(iok_topo_get_param(topo, "acs_override"), "");
	assert_string_equal(iok_topo_get_param(topo, "cmdline"), "");
	iok_topo_unref(topo);
	iok_unref(ctx);
}

/* An empty iommu_groups directory: the core is built in, no IOMMU is on. */
static void test_no_iommu(void **state)
{
	struct fx *fx = *state;
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo;
	struct iok_dev *d;

	fx_machine(fx, false);
	topo = load_fx(ctx, fx);
	assert_string_equal(iok_topo_get_param(topo, "iommu"), "none");
	iok_dev_foreach(topo, d)
		assert_int_equal(iok_dev_get_kernel_group(d), -1);
	t_assert_groups(topo, "-{00:00.0 00:01.0 01:00.0 00:1e.0 02:00.0 02:01.0}");
	assert_kernel_agrees(topo);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

/* Without iommu_groups at all the kernel's grouping is unknown, not "none". */
static void test_no_groups_dir(void **state)
{
	struct fx *fx = *state;
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo;
	struct iok_dev *d;
	char path[PATH_MAX];

	fx_machine(fx, false);
	fx_path(fx, "sys/kernel/iommu_groups", path);
	assert_int_equal(rmdir(path), 0);
	topo = load_fx(ctx, fx);
	assert_string_equal(iok_topo_get_param(topo, "iommu"), "none");
	iok_dev_foreach(topo, d)
		assert_int_equal(iok_dev_get_kernel_group(d), -2);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

static void expect_iommu(const struct fx *fx, const char *instance, const char *kind)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo;
	char rel[PATH_MAX], path[PATH_MAX];

	snprintf(rel, sizeof(rel), "sys/class/iommu/%s", instance);
	fx_mkdir(fx, rel);
	topo = load_fx(ctx, fx);
	assert_string_equal(iok_topo_get_param(topo, "iommu"), kind);
	iok_topo_unref(topo);
	iok_unref(ctx);
	fx_path(fx, rel, path);
	assert_int_equal(rmdir(path), 0);
}

static void test_iommu_kinds(void **state)
{
	struct fx *fx = *state;

	fx_machine(fx, false);
	expect_iommu(fx, "ivhd0", "amd");
	expect_iommu(fx, "smmu3.0x0000000009050000", "arm");
	expect_iommu(fx, "arm-smmu.0", "arm");
	expect_iommu(fx, "viommu", "virtio");
	expect_iommu(fx, "virtio0", "virtio");
	expect_iommu(fx, "dmar1", "intel");
}

/*
 * A VMD domain's functions sit below the endpoint's directory and DMA as
 * the endpoint: they join its group. Domain 10000 belongs to the second
 * endpoint here, which pairing domains with endpoints in order would miss.
 */
static void test_vmd(void **state)
{
	struct fx *fx = *state;
	struct iok_ctx *ctx = t_ctx();
	struct iok_grouping *g = NULL;
	struct iok_join_step step;
	struct iok_topo *topo;
	struct iok_dev *child;
	unsigned int i;
	uint8_t c[CFG_MAX];

	cfg_header(c, 0x0001, 0x060000, 0, -1);
	fx_dev(fx, "pci0000:00", "0000:00:00.0", c, 256, NULL, 0);
	cfg_header(c, 0x467f, 0x010400, 0, 0x9);
	put16(c, 0x00, 0x8086);
	fx_dev(fx, "pci0000:00", "0000:00:0e.0", c, CFG_MAX, "vmd", 1);
	fx_dev(fx, "pci0000:00", "0000:00:0f.0", c, CFG_MAX, "vmd", 2);
	cfg_bridge(c, 0x0002, 0x4, 0xe0, 0xe1, 0xe1);
	fx_dev(fx, "pci0000:00/0000:00:0f.0/pci10000:e0", "10000:e0:1a.0", c, CFG_MAX,
	       "pcieport", 2);
	fx_dev(fx, "pci0000:00/0000:00:0e.0/pci10001:e0", "10001:e0:1a.0", c, CFG_MAX,
	       "pcieport", 1);
	cfg_header(c, 0x0004, 0x010802, 0, 0x0);
	fx_dev(fx, "pci0000:00/0000:00:0f.0/pci10000:e0/10000:e0:1a.0", "10000:e1:00.0",
	       c, CFG_MAX, "nvme", 2);
	fx_mkdir(fx, "sys/class/iommu/dmar0");

	topo = load_fx(ctx, fx);
	child = dev(topo, "10000:e1:00.0");
	assert_string_equal(iok_dev_get_name(child), "10000:e1:00.0");
	g = t_groups(topo, "{00:00.0} {00:0e.0 10001:e0:1a.0} "
		     "{00:0f.0 10000:e0:1a.0 10000:e1:00.0}");
	for (i = 0; !iok_dev_get_join(g, child, i, &step); i++)
		if (step.kind == IOK_JOIN_VMD)
			break;
	assert_int_equal(step.kind, IOK_JOIN_VMD);
	assert_ptr_equal(step.dev, dev(topo, "0000:00:0f.0"));
	assert_kernel_agrees(topo);
	iok_grouping_unref(g);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

/* A function below a VMD endpoint that is not there: a broken capture. */
static void test_vmd_missing_endpoint(void **state)
{
	struct fx *fx = *state;
	uint8_t c[CFG_MAX];

	cfg_header(c, 0x0004, 0x010802, 0, 0x0);
	fx_dev(fx, "pci0000:00/0000:00:0e.0/pci10000:e0", "10000:e0:00.0", c, CFG_MAX,
	       NULL, -1);
	expect_fail_fx(fx, -EINVAL, "0000:00:0e.0");
}

/* A VF and its PF; @len bytes of each were readable. */
static void fx_vf(const struct fx *fx, size_t len)
{
	uint8_t c[CFG_MAX];

	cfg_bridge(c, 0x0002, 0x4, 0, 1, 1);
	cfg_acs(c, ACS_WANT, ACS_WANT);
	fx_dev(fx, "pci0000:00", "0000:00:01.0", c, len, "pcieport", 0);
	cfg_header(c, 0x0010, 0x020000, 0, 0x0);
	cfg_sriov(c, 1, 0x0011);
	fx_dev(fx, "pci0000:00/0000:00:01.0", "0000:01:00.0", c, len, "ixgbe", 1);
	/* A VF's own vendor and device registers read all ones. */
	cfg_header(c, 0xffff, 0x020000, 0, 0x0);
	put16(c, 0x00, 0xffff);
	fx_dev(fx, "pci0000:00/0000:00:01.0", "0000:01:00.1", c, len, "ixgbevf", 2);
	fx_link(fx, "sys/devices/pci0000:00/0000:00:01.0/0000:01:00.1/physfn",
		"../0000:01:00.0");
	fx_link(fx, "sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/virtfn0",
		"../0000:01:00.1");
	fx_text(fx, "sys/devices/pci0000:00/0000:00:01.0/0000:01:00.1/vendor", "0x1f1f\n");
	fx_text(fx, "sys/devices/pci0000:00/0000:00:01.0/0000:01:00.1/device", "0x0011\n");
	fx_mkdir(fx, "sys/class/iommu/dmar0");
}

static void check_vf(struct iok_topo *topo)
{
	struct iok_dev *vf = dev(topo, "01:00.1");

	assert_true(iok_dev_is_vf(vf));
	assert_ptr_equal(iok_dev_get_pf(vf), dev(topo, "01:00.0"));
	assert_false(iok_dev_is_vf(dev(topo, "01:00.0")));
	assert_int_equal(iok_dev_get_vendor(vf), VENDOR);
	assert_int_equal(iok_dev_get_device(vf), 0x0011);
	assert_int_equal(iok_dev_get_hidden(vf), IOK_VISIBLE);
	assert_string_equal(iok_dev_get_driver(vf), "ixgbevf");
}

static void test_vf(void **state)
{
	struct fx *fx = *state;
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo;

	fx_vf(fx, CFG_MAX);
	topo = load_fx(ctx, fx);
	check_vf(topo);
	assert_kernel_agrees(topo);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

/* A reader without root sees 64 bytes: physfn alone says which is a VF. */
static void test_vf_unprivileged(void **state)
{
	struct fx *fx = *state;
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo;

	fx_vf(fx, 64);
	topo = load_fx(ctx, fx);
	assert_int_equal(iok_dev_get_cfg_known(dev(topo, "01:00.0")), 64);
	check_vf(topo);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

static void test_vf_missing_pf(void **state)
{
	struct fx *fx = *state;
	uint8_t c[CFG_MAX];

	cfg_header(c, 0xffff, 0x020000, 0, 0x0);
	fx_dev(fx, "pci0000:00", "0000:00:02.1", c, 256, NULL, -1);
	fx_link(fx, "sys/devices/pci0000:00/0000:00:02.1/physfn", "../0000:00:02.0");
	expect_fail_fx(fx, -EINVAL, "0000:00:02.1/physfn");
}

static void test_err_missing_root(void **state)
{
	struct fx *fx = *state;
	char src[PATH_MAX + 16];

	snprintf(src, sizeof(src), "sysfs:%s/nowhere", fx->root);
	expect_fail(src, -ENOENT, src + 6);
	expect_fail(src, -ENOENT, "does not exist");
}

static void test_err_no_devices(void **state)
{
	struct fx *fx = *state;

	fx_mkdir(fx, "sys/bus/pci");
	expect_fail_fx(fx, -ENODEV, fx->root);
	expect_fail_fx(fx, -ENODEV, "bus/pci/devices");
}

static void test_err_config_length(void **state)
{
	struct fx *fx = *state;
	uint8_t c[CFG_MAX];

	fx_machine(fx, true);
	cfg_header(c, 0x0006, 0x020000, 0, -1);
	fx_dev(fx, "pci0000:00", "0000:00:03.0", c, 100, NULL, 4);
	expect_fail_fx(fx, -EINVAL, "0000:00:03.0/config");
	expect_fail_fx(fx, -EINVAL, "100 bytes");
}

static void test_err_config_too_long(void **state)
{
	struct fx *fx = *state;
	uint8_t c[CFG_MAX + 16] = { 0 };

	cfg_header(c, 0x0006, 0x020000, 0, -1);
	fx_dev(fx, "pci0000:00", "0000:00:03.0", c, sizeof(c), NULL, -1);
	expect_fail_fx(fx, -EINVAL, "0000:00:03.0/config");
}

static void test_err_no_config(void **state)
{
	struct fx *fx = *state;

	fx_mkdir(fx, "sys/devices/pci0000:00/0000:00:03.0");
	fx_link(fx, "sys/bus/pci/devices/0000:00:03.0",
		"../../../devices/pci0000:00/0000:00:03.0");
	expect_fail_fx(fx, -ENOENT, "0000:00:03.0/config");
}

static void test_err_dangling_device(void **state)
{
	struct fx *fx = *state;

	fx_machine(fx, true);
	fx_link(fx, "sys/bus/pci/devices/0000:00:04.0",
		"../../../devices/pci0000:00/0000:00:04.0");
	expect_fail_fx(fx, -ENOENT, "0000:00:04.0");
}

/* Links whose target is gone still name what the kernel had: fine. */
static void test_dangling_driver_and_group(void **state)
{
	struct fx *fx = *state;
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo;
	char path[PATH_MAX];

	fx_machine(fx, true);
	fx_path(fx, "sys/kernel/iommu_groups/3", path);
	assert_int_equal(nftw(path, rm_entry, 4, FTW_DEPTH | FTW_PHYS), 0);
	topo = load_fx(ctx, fx);
	assert_string_equal(iok_dev_get_driver(dev(topo, "01:00.0")), "nvme");
	assert_int_equal(iok_dev_get_kernel_group(dev(topo, "01:00.0")), 3);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

static void test_err_bad_group_link(void **state)
{
	struct fx *fx = *state;

	fx_machine(fx, false);
	fx_link(fx, "sys/devices/pci0000:00/0000:00:01.0/iommu_group",
		"../../../kernel/iommu_groups/seven");
	expect_fail_fx(fx, -EINVAL, "0000:00:01.0/iommu_group");
}

static void test_err_bad_name(void **state)
{
	struct fx *fx = *state;

	fx_machine(fx, true);
	fx_link(fx, "sys/bus/pci/devices/00:1f.0", "../../../devices/pci0000:00/0000:00:01.0");
	expect_fail_fx(fx, -EINVAL, "'00:1f.0'");
}

static void test_err_bad_release(void **state)
{
	struct fx *fx = *state;
	char path[PATH_MAX];

	fx_machine(fx, true);
	fx_path(fx, "proc/sys/kernel/osrelease", path);
	assert_int_equal(unlink(path), 0);
	fx_text(fx, "proc/sys/kernel/osrelease", "linux\n");
	expect_fail_fx(fx, -EINVAL, "proc/sys/kernel/osrelease");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_machine),
		T(test_sysfs_mount_root),
		T(test_env_root),
		T(test_capture_files),
		T(test_no_iommu),
		T(test_no_groups_dir),
		T(test_iommu_kinds),
		T(test_vmd),
		T(test_vmd_missing_endpoint),
		T(test_vf),
		T(test_vf_unprivileged),
		T(test_vf_missing_pf),
		T(test_err_missing_root),
		T(test_err_no_devices),
		T(test_err_config_length),
		T(test_err_config_too_long),
		T(test_err_no_config),
		T(test_err_dangling_device),
		T(test_dangling_driver_and_group),
		T(test_err_bad_group_link),
		T(test_err_bad_name),
		T(test_err_bad_release),
	};

	return cmocka_run_group_tests_name("sysfs", tests, NULL, NULL);
}
