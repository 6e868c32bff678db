/* SPDX-License-Identifier: MIT */
/*
 * The machine of the kernel oracle's VFIO captures for unit tests: the
 * topology captured with lspci -xxxx (tests/vfio/<name>.lspci, Linux 6.1
 * groups), QEMU's 39-bit VT-d, the driver core with the guest's drivers
 * probed as at its boot, VFIO loaded, and one process.
 */
#ifndef IOK_TEST_UAPI_FIXTURE_H
#define IOK_TEST_UAPI_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include <iommukit/iommu.h>
#include <iommukit/topo.h>
#include <iommukit/uapi.h>

struct ufx {
	struct iok_ctx *ctx;
	struct iok_topo *topo;
	struct iok_machine *m;
	struct iok_sysfs *sf;
	struct iok_vfio *v;
	struct iok_proc *p;
};

static inline void ufx_up(struct ufx *u, const char *name, const char *kernel)
{
	const char *dir = getenv("IOMMUKIT_VFIO_TESTS");
	char src[1024];

	memset(u, 0, sizeof(*u));
	assert_non_null(dir);
	snprintf(src, sizeof(src), "lspci:%s/%s.lspci", dir, name);
	u->ctx = t_ctx();
	assert_int_equal(iok_topo_load(u->ctx, src, &u->topo), 0);
	assert_int_equal(iok_topo_set_param(u->topo, "kernel", kernel), 0);
	assert_int_equal(iok_machine_new(u->topo, &u->m), 0);
	assert_int_equal(iok_machine_set_address_width(u->m, 39), 0);
	assert_int_equal(iok_sysfs_new(u->m, &u->sf), 0);
	assert_int_equal(iok_vfio_new(u->sf, &u->v), 0);
	assert_true(iok_sysfs_boot_probe(u->sf) > 0);
	assert_int_equal(iok_proc_new(u->sf, &u->p), 0);
}

static inline void ufx_down(struct ufx *u)
{
	iok_sysfs_free(u->sf);
	iok_machine_unref(u->m);
	iok_topo_unref(u->topo);
	iok_unref(u->ctx);
}

static inline struct iok_dev *ufx_dev(struct ufx *u, const char *bdf)
{
	struct iok_dev *d;

	assert_int_equal(iok_dev_find(u->topo, bdf, &d), 0);
	return d;
}

/* One write(2) of @value plus a newline, as `echo` does: its result. */
static inline int ufx_write(struct ufx *u, const char *path, const char *value)
{
	struct iok_sysfs_file *f;
	char buf[512];
	int rc;

	rc = iok_sysfs_open(u->sf, path, IOK_O_WRONLY, &f);
	if (rc)
		return rc;
	snprintf(buf, sizeof(buf), "%s\n", value);
	rc = iok_sysfs_write(f, buf, strlen(buf), NULL);
	iok_sysfs_close(f);
	return rc;
}

/* The first line of a file, in a static buffer ("" on error). */
static inline const char *ufx_read(struct ufx *u, const char *path)
{
	static char buf[512];
	struct iok_sysfs_file *f;

	buf[0] = 0;
	if (iok_sysfs_open(u->sf, path, IOK_O_RDONLY, &f))
		return buf;
	if (iok_sysfs_read(f, buf, sizeof(buf)) < 0)
		buf[0] = 0;
	iok_sysfs_close(f);
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

static inline const char *ufx_driver(struct ufx *u, const char *bdf)
{
	const char *d = iok_sysfs_get_driver(u->sf, ufx_dev(u, bdf));

	return d ? d : "-";
}

static inline int ufx_group(struct ufx *u, const char *bdf)
{
	return iok_rgroup_get_id(iok_dev_get_rgroup(u->m, ufx_dev(u, bdf)));
}

/* override + unbind + drivers_probe: the device on vfio-pci. */
static inline void ufx_to_vfio(struct ufx *u, const char *full)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", full);
	assert_int_equal(ufx_write(u, path, "vfio-pci"), 0);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", full);
	if (!iok_sysfs_access(u->sf, path)) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", full);
		assert_int_equal(ufx_write(u, path, full), 0);
	}
	assert_int_equal(ufx_write(u, "/sys/bus/pci/drivers_probe", full), 0);
	assert_string_equal(ufx_driver(u, full + 5), "vfio-pci");
}

#endif
