// SPDX-License-Identifier: MIT
/*
 * The VFIO legacy API (lib/uapi/vfio*.c, spec runtime 8) on the machine of
 * the kernel oracle's captures: group fds (8.1), containers (8.2), type1
 * attach (8.3), MAP_DMA (8.4) and UNMAP_DMA (8.5) with their errnos and
 * check order, the viability rule (8.6, 10 case 11), lifetimes (8.7), and
 * misuse of the library API. Each test names the capture it follows
 * (tests/vfio/oracle/<name>, own/<name>).
 */
#include <errno.h>

#include "../vfio/uapi-fixture.h"

#define SZ_4K	0x1000ull
#define SZ_64K	0x10000ull
#define SZ_1M	0x100000ull
#define SZ_2M	0x200000ull

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

static int xopen(struct ufx *u, const char *path)
{
	int fd = -1;

	assert_int_equal(iok_proc_open(u->p, path, &fd), 0);
	return fd;
}

static long status(struct ufx *u, int g)
{
	struct iok_vfio_group_status st = { .argsz = sizeof(st) };
	long rc = iok_proc_ioctl(u->p, g, IOK_VFIO_GROUP_GET_STATUS, &st);

	return rc ? rc : (long)st.flags;
}

static long set_container(struct ufx *u, int g, int c)
{
	int32_t fd = c;

	return iok_proc_ioctl(u->p, g, IOK_VFIO_GROUP_SET_CONTAINER, &fd);
}

static long set_iommu(struct ufx *u, int c, unsigned long type)
{
	return iok_proc_ioctl_int(u->p, c, IOK_VFIO_SET_IOMMU, type);
}

static long map(struct ufx *u, int c, uint64_t iova, uint64_t size, uint32_t flags)
{
	struct iok_vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = flags, .iova = iova, .size = size,
	};

	assert_int_equal(iok_proc_mmap(u->p, size ? size : 1, &m.vaddr), 0);
	return iok_proc_ioctl(u->p, c, IOK_VFIO_IOMMU_MAP_DMA, &m);
}

#define RW (IOK_VFIO_DMA_MAP_FLAG_READ | IOK_VFIO_DMA_MAP_FLAG_WRITE)

/* The size unmapped, or the negative errno. */
static long unmap(struct ufx *u, int c, uint64_t iova, uint64_t size, uint32_t flags)
{
	struct iok_vfio_iommu_type1_dma_unmap um = {
		.argsz = sizeof(um), .flags = flags, .iova = iova, .size = size,
	};
	long rc = iok_proc_ioctl(u->p, c, IOK_VFIO_IOMMU_UNMAP_DMA, &um);

	return rc ? rc : (long)um.size;
}

static long device_fd(struct ufx *u, int g, const char *name)
{
	return iok_proc_ioctl(u->p, g, IOK_VFIO_GROUP_GET_DEVICE_FD, (void *)name);
}

/* 01:00.0 on vfio-pci, its group in a type1v2 container: group and container fds. */
static void singleton(struct ufx *u, int *g, int *c)
{
	ufx_to_vfio(u, "0000:01:00.0");
	*g = xopen(u, "/dev/vfio/7");
	*c = xopen(u, "/dev/vfio/vfio");
	assert_int_equal(set_container(u, *g, *c), 0);
	assert_int_equal(set_iommu(u, *c, IOK_VFIO_TYPE1v2_IOMMU), 0);
}

/* Spec 8.1, oracle a-singleton and f: /dev/vfio/N follows vfio-pci; a single opener. */
static void group_node_and_opener(void **state)
{
	struct ufx *u = *state;
	int fd;

	assert_int_equal(iok_proc_open(u->p, "/dev/vfio/7", &fd), -ENOENT);
	ufx_to_vfio(u, "0000:01:00.0");
	fd = xopen(u, "/dev/vfio/7");
	assert_int_equal(fd, 3);
	assert_int_equal(iok_proc_open(u->p, "/dev/vfio//./7", &fd), -EBUSY);
	assert_int_equal(status(u, 3), IOK_VFIO_GROUP_FLAGS_VIABLE);
	assert_int_equal(iok_proc_close(u->p, 3), 0);
	assert_int_equal(iok_proc_close(u->p, 3), -EBADF);
	assert_int_equal(xopen(u, "/dev/vfio/7"), 3);
}

/* Spec 8.6, 10 case 11, oracle b: viability is "no DMA-API driver in the group". */
static void viability(void **state)
{
	struct ufx *u = *state;
	int g, c;

	ufx_to_vfio(u, "0000:02:00.0");
	g = xopen(u, "/dev/vfio/8");
	c = xopen(u, "/dev/vfio/vfio");
	assert_int_equal(status(u, g), 0);
	assert_int_equal(set_container(u, g, c), -EPERM);
	assert_int_equal(device_fd(u, g, "0000:02:00.0"), -EINVAL);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/devices/0000:02:00.1/driver/unbind",
				   "0000:02:00.1"), 0);
	assert_int_equal(status(u, g), IOK_VFIO_GROUP_FLAGS_VIABLE);
	assert_int_equal(set_container(u, g, c), 0);
	assert_int_equal(status(u, g),
			 IOK_VFIO_GROUP_FLAGS_VIABLE | IOK_VFIO_GROUP_FLAGS_CONTAINER_SET);
	/* The claim went through the ownership layer, with the group as cookie. */
	assert_true(iok_rgroup_get_owner(iok_dev_get_rgroup(u->m, ufx_dev(u, "02:00.0"))) != NULL);
	assert_int_equal(set_iommu(u, c, IOK_VFIO_TYPE1v2_IOMMU), 0);
	assert_int_equal(device_fd(u, g, "0000:02:00.1"), -ENODEV);
}

/* Spec 8.1 SET_CONTAINER check order; 6.1's -EINVAL for a non-container fd (oracle f). */
static void set_container_errnos(void **state)
{
	struct ufx *u = *state;
	int g1, g6, c1, c2;

	ufx_to_vfio(u, "0000:01:00.0");
	ufx_to_vfio(u, "0000:06:00.0");
	g1 = xopen(u, "/dev/vfio/7");
	g6 = xopen(u, "/dev/vfio/10");
	c1 = xopen(u, "/dev/vfio/vfio");
	c2 = xopen(u, "/dev/vfio/vfio");
	assert_int_equal(iok_proc_ioctl_int(u->p, g1, IOK_VFIO_GROUP_UNSET_CONTAINER, 0), -EINVAL);
	assert_int_equal(set_container(u, g1, g6), -EINVAL);
	assert_int_equal(set_container(u, g1, 999), -EBADF);
	assert_int_equal(set_container(u, g1, 1), -EINVAL);
	assert_int_equal(set_container(u, g1, c1), 0);
	assert_int_equal(set_container(u, g1, c1), -EINVAL);
	assert_int_equal(set_container(u, g1, c2), -EINVAL);
	assert_int_equal(set_container(u, g1, 999), -EBADF);
	assert_int_equal(set_iommu(u, c2, IOK_VFIO_TYPE1v2_IOMMU), -EINVAL);
	assert_int_equal(set_iommu(u, c1, IOK_VFIO_TYPE1v2_IOMMU), 0);
	assert_int_equal(set_iommu(u, c1, IOK_VFIO_TYPE1v2_IOMMU), -EINVAL);
	assert_int_equal(set_container(u, g6, c1), 0);
}

/* Later kernels know iommufd: -EBADFD for an fd that is neither (spec 8.1). */
static void set_container_later_kernel(void **state)
{
	struct ufx u;
	int g, g6;

	(void)state;
	ufx_up(&u, "mixed", "6.19");
	ufx_to_vfio(&u, "0000:01:00.0");
	ufx_to_vfio(&u, "0000:06:00.0");
	g = xopen(&u, "/dev/vfio/7");
	g6 = xopen(&u, "/dev/vfio/10");
	assert_int_equal(set_container(&u, g, g6), -EBADFD);
	ufx_down(&u);
}

/* Spec 8.2, oracle a-singleton and own/i: extensions before and after SET_IOMMU; types. */
static void extensions_and_types(void **state)
{
	struct ufx *u = *state;
	int g, c;

	ufx_to_vfio(u, "0000:01:00.0");
	g = xopen(u, "/dev/vfio/7");
	c = xopen(u, "/dev/vfio/vfio");
	assert_int_equal(iok_proc_ioctl_int(u->p, c, IOK_VFIO_GET_API_VERSION, 0), 0);
	assert_int_equal(iok_proc_ioctl_int(u->p, c, IOK_VFIO_CHECK_EXTENSION,
					    IOK_VFIO_UPDATE_VADDR), 0);
	assert_int_equal(iok_proc_ioctl_int(u->p, c, IOK_VFIO_CHECK_EXTENSION,
					    IOK_VFIO_TYPE1_NESTING_IOMMU), 1);
	assert_int_equal(iok_proc_ioctl_int(u->p, c, IOK_VFIO_CHECK_EXTENSION,
					    IOK_VFIO_NOIOMMU_IOMMU), 0);
	assert_int_equal(iok_proc_ioctl_int(u->p, c, 0x3b99, 0), -EINVAL);
	assert_int_equal(set_iommu(u, c, IOK_VFIO_TYPE1v2_IOMMU), -EINVAL);
	assert_int_equal(set_container(u, g, c), 0);
	assert_int_equal(set_iommu(u, c, 99), -ENODEV);
	assert_int_equal(set_iommu(u, c, IOK_VFIO_DMA_CC_IOMMU), -ENODEV);
	assert_int_equal(set_iommu(u, c, IOK_VFIO_UNMAP_ALL), -EINVAL);
	assert_int_equal(set_iommu(u, c, IOK_VFIO_TYPE1_NESTING_IOMMU), -EINVAL);
	/* A failed SET_IOMMU leaves the group blocked, not on a half-made domain. */
	assert_ptr_equal(iok_rgroup_get_domain(iok_dev_get_rgroup(u->m, ufx_dev(u, "01:00.0"))),
			 iok_rgroup_get_blocking_domain(iok_dev_get_rgroup(u->m, ufx_dev(u, "01:00.0"))));
	assert_int_equal(set_iommu(u, c, IOK_VFIO_TYPE1v2_IOMMU), 0);
	assert_int_equal(iok_proc_ioctl_int(u->p, c, IOK_VFIO_CHECK_EXTENSION,
					    IOK_VFIO_UPDATE_VADDR), 1);
	assert_int_equal(iok_proc_ioctl_int(u->p, c, IOK_VFIO_CHECK_EXTENSION,
					    IOK_VFIO_DMA_CC_IOMMU), 0);
	assert_int_equal(iok_proc_ioctl_int(u->p, c, 0x3b99, 0), -ENOTTY);
}

/* GET_INFO: argsz grows to the chain; pgsizes; IOVA = aperture minus the MSI window. */
static void get_info(void **state)
{
	struct ufx *u = *state;
	struct iok_vfio_iommu_type1_info small = { .argsz = 16 }, *info;
	struct iok_vfio_iommu_type1_info_cap_iova_range r;
	struct iok_vfio_iova_range ranges[2];
	struct iok_vfio_info_cap_header h;
	uint32_t off, need;
	int g, c, seen = 0;

	singleton(u, &g, &c);
	small.argsz = 8;
	assert_int_equal(iok_proc_ioctl(u->p, c, IOK_VFIO_IOMMU_GET_INFO, &small), -EINVAL);
	small.argsz = sizeof(small);
	assert_int_equal(iok_proc_ioctl(u->p, c, IOK_VFIO_IOMMU_GET_INFO, &small), 0);
	assert_int_equal(small.flags, 3);
	assert_int_equal(small.iova_pgsizes, 0x40201000ull);
	assert_int_equal(small.cap_offset, 0);
	need = small.argsz;
	assert_true(need > sizeof(small));
	info = calloc(1, need);
	info->argsz = need;
	assert_int_equal(iok_proc_ioctl(u->p, c, IOK_VFIO_IOMMU_GET_INFO, info), 0);
	for (off = info->cap_offset; off; off = h.next) {
		memcpy(&h, (char *)info + off, sizeof(h));
		assert_true(off + sizeof(h) <= need);
		if (h.id != IOK_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE)
			continue;
		memcpy(&r, (char *)info + off, sizeof(r));
		assert_int_equal(r.nr_iovas, 2);
		memcpy(ranges, (char *)info + off + sizeof(r), sizeof(ranges));
		assert_int_equal(ranges[0].start, 0);
		assert_int_equal(ranges[0].end, 0xfedfffffull);
		assert_int_equal(ranges[1].start, 0xfef00000ull);
		assert_int_equal(ranges[1].end, 0x7fffffffffull);
		seen++;
	}
	assert_int_equal(seen, 1);
	free(info);
}

/*
 * Spec 8.4, 10 case 52, oracle d: MAP_DMA errnos in their order, and a map
 * that lands in the group's paging domain at the process page's frame.
 */
static void map_dma(void **state)
{
	struct ufx *u = *state;
	struct iok_vfio_iommu_type1_dma_map m = { .argsz = sizeof(m), .flags = RW };
	struct iok_domain *dom;
	uint64_t pa;
	int g, c;

	singleton(u, &g, &c);
	assert_int_equal(iok_proc_mmap(u->p, SZ_1M, &m.vaddr), 0);
	m.iova = SZ_1M;
	m.size = SZ_1M;
	assert_int_equal(iok_proc_ioctl(u->p, c, IOK_VFIO_IOMMU_MAP_DMA, &m), 0);
	dom = iok_rgroup_get_domain(iok_dev_get_rgroup(u->m, ufx_dev(u, "01:00.0")));
	assert_int_equal(iok_domain_get_type(dom), IOK_DOMAIN_UNMANAGED);
	assert_int_equal(iok_proc_virt_to_phys(u->p, m.vaddr + 0x3000, &pa), 0);
	assert_int_equal(iok_iova_to_phys(dom, SZ_1M + 0x3000), pa);
	assert_int_equal(map(u, c, 0x180000, SZ_1M, RW), -EEXIST);
	assert_int_equal(map(u, c, 0xff000, 0x2000, RW), -EEXIST);
	assert_int_equal(map(u, c, 0x300000, 0x1800, RW), -EINVAL);
	assert_int_equal(map(u, c, 0x300800, SZ_4K, RW), -EINVAL);
	assert_int_equal(map(u, c, 0x300000, 0, RW), -EINVAL);
	assert_int_equal(map(u, c, 0x300000, SZ_4K, 0), -EINVAL);
	assert_int_equal(map(u, c, 0x300000, SZ_4K, RW | IOK_VFIO_DMA_MAP_FLAG_VADDR), -EINVAL);
	assert_int_equal(map(u, c, 0x300000, SZ_4K, 8), -EINVAL);
	assert_int_equal(map(u, c, 0xfee00000, SZ_4K, RW), -EINVAL);
	assert_int_equal(map(u, c, 0x8000000000ull, SZ_4K, RW), -EINVAL);
	assert_int_equal(map(u, c, 0xfffffffffffff000ull, 0x2000, RW), -EINVAL);
	assert_int_equal(map(u, c, 0x7ffffff000ull, SZ_4K, IOK_VFIO_DMA_MAP_FLAG_READ), 0);
	/* An address outside the process's memory: GUP fails, nothing stays mapped. */
	m.vaddr = 0x1000;
	m.iova = 0x400000;
	m.size = SZ_4K;
	assert_int_equal(iok_proc_ioctl(u->p, c, IOK_VFIO_IOMMU_MAP_DMA, &m), -EFAULT);
	assert_int_equal(iok_iova_to_phys(dom, 0x400000), 0);
	assert_int_equal(unmap(u, c, 0x400000, SZ_4K, 0), 0);
	m.argsz = 8;
	assert_int_equal(iok_proc_ioctl(u->p, c, IOK_VFIO_IOMMU_MAP_DMA, &m), -EINVAL);
	assert_int_equal(iok_proc_ioctl_int(u->p, c, IOK_VFIO_IOMMU_MAP_DMA, 0), -EFAULT);
}

/* dma_entry_limit is read when type1 opens (SET_IOMMU), oracle own/i: -ENOSPC. */
static void dma_entry_limit(void **state)
{
	struct ufx *u = *state;
	int g, c;

	ufx_to_vfio(u, "0000:01:00.0");
	g = xopen(u, "/dev/vfio/7");
	c = xopen(u, "/dev/vfio/vfio");
	assert_int_equal(set_container(u, g, c), 0);
	assert_int_equal(ufx_write(u, "/sys/module/vfio_iommu_type1/parameters/dma_entry_limit",
				   "2"), 0);
	assert_int_equal(ufx_write(u, "/sys/module/vfio_iommu_type1/parameters/dma_entry_limit",
				   "-1"), -EINVAL);
	assert_int_equal(set_iommu(u, c, IOK_VFIO_TYPE1v2_IOMMU), 0);
	assert_int_equal(ufx_write(u, "/sys/module/vfio_iommu_type1/parameters/dma_entry_limit",
				   "65535"), 0);
	assert_int_equal(map(u, c, SZ_1M, SZ_4K, RW), 0);
	assert_int_equal(map(u, c, 2 * SZ_1M, SZ_4K, RW), 0);
	assert_int_equal(map(u, c, 3 * SZ_1M, SZ_4K, RW), -ENOSPC);
	assert_int_equal(unmap(u, c, SZ_1M, SZ_4K, 0), SZ_4K);
	assert_int_equal(map(u, c, 3 * SZ_1M, SZ_4K, RW), 0);
}

/* Spec 8.5, 10 case 51, oracle d: v2 refuses to bisect; empty ranges; ALL. */
static void unmap_v2(void **state)
{
	struct ufx *u = *state;
	struct iok_vfio_iommu_type1_dma_unmap um = { .argsz = sizeof(um), .iova = 0x140000,
						      .size = 0x40000 };
	int g, c;

	singleton(u, &g, &c);
	assert_int_equal(map(u, c, SZ_1M, SZ_1M, RW), 0);
	assert_int_equal(map(u, c, 2 * SZ_1M, SZ_4K, RW), 0);
	assert_int_equal(iok_proc_ioctl(u->p, c, IOK_VFIO_IOMMU_UNMAP_DMA, &um), -EINVAL);
	/* On error the size is not written back. */
	assert_int_equal(um.size, 0x40000);
	assert_int_equal(unmap(u, c, SZ_1M, 0x80000, 0), -EINVAL);
	assert_int_equal(unmap(u, c, 0xc0000, 0x80000, 0), -EINVAL);
	assert_int_equal(unmap(u, c, 0x100800, SZ_4K, 0), -EINVAL);
	assert_int_equal(unmap(u, c, SZ_1M, 0, 0), -EINVAL);
	assert_int_equal(unmap(u, c, 4 * SZ_1M, SZ_1M, 0), 0);
	assert_int_equal(unmap(u, c, SZ_1M, SZ_1M + SZ_4K, 0), SZ_1M + SZ_4K);
	assert_int_equal(map(u, c, SZ_1M, SZ_64K, RW), 0);
	assert_int_equal(unmap(u, c, SZ_4K, SZ_4K, IOK_VFIO_DMA_UNMAP_FLAG_ALL), -EINVAL);
	assert_int_equal(unmap(u, c, 0, 0, IOK_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP), -EINVAL);
	assert_int_equal(unmap(u, c, 0, 0, 8), -EINVAL);
	assert_int_equal(unmap(u, c, 0, 0, IOK_VFIO_DMA_UNMAP_FLAG_ALL), SZ_64K);
	assert_int_equal(iok_iova_to_phys(iok_rgroup_get_domain(iok_dev_get_rgroup(u->m,
					  ufx_dev(u, "01:00.0"))), SZ_1M), 0);
}

/* Spec 8.5 v1, oracle d: an unmap starting inside a mapping removes nothing. */
static void unmap_v1(void **state)
{
	struct ufx *u = *state;
	int g, c;

	ufx_to_vfio(u, "0000:01:00.0");
	g = xopen(u, "/dev/vfio/7");
	c = xopen(u, "/dev/vfio/vfio");
	assert_int_equal(set_container(u, g, c), 0);
	assert_int_equal(set_iommu(u, c, IOK_VFIO_TYPE1_IOMMU), 0);
	assert_int_equal(map(u, c, SZ_1M, SZ_1M, RW), 0);
	assert_int_equal(map(u, c, 2 * SZ_1M, SZ_64K, RW), 0);
	assert_int_equal(unmap(u, c, 0x140000, 0x40000, 0), 0);
	assert_int_equal(unmap(u, c, 0xc0000, 0x80000, 0), SZ_1M);
	assert_int_equal(unmap(u, c, 0x180000, SZ_1M, 0), SZ_64K);
	assert_int_equal(unmap(u, c, 0, 0x1000000, 0), 0);
}

/* UPDATE_VADDR (spec 8.4 step 3, 8.5, 8.3 step 1), oracle d and own/j. */
static void update_vaddr(void **state)
{
	struct ufx *u = *state;
	int g, c, g6;

	singleton(u, &g, &c);
	ufx_to_vfio(u, "0000:06:00.0");
	g6 = xopen(u, "/dev/vfio/10");
	assert_int_equal(map(u, c, SZ_1M, SZ_64K, RW), 0);
	assert_int_equal(map(u, c, 2 * SZ_1M, SZ_64K, IOK_VFIO_DMA_MAP_FLAG_VADDR), -ENOENT);
	assert_int_equal(unmap(u, c, SZ_1M, SZ_64K, IOK_VFIO_DMA_UNMAP_FLAG_VADDR), SZ_64K);
	assert_int_equal(unmap(u, c, SZ_1M, SZ_64K, IOK_VFIO_DMA_UNMAP_FLAG_VADDR), -EINVAL);
	/* No group joins while a vaddr is invalid: the claim is given back. */
	assert_int_equal(set_container(u, g6, c), -EBUSY);
	assert_false(iok_group_dma_owner_claimed(iok_dev_get_rgroup(u->m, ufx_dev(u, "06:00.0"))));
	assert_int_equal(map(u, c, SZ_1M, 0x8000, IOK_VFIO_DMA_MAP_FLAG_VADDR), -EINVAL);
	assert_int_equal(map(u, c, SZ_1M, SZ_64K, IOK_VFIO_DMA_MAP_FLAG_VADDR), 0);
	assert_int_equal(map(u, c, SZ_1M, SZ_64K, IOK_VFIO_DMA_MAP_FLAG_VADDR), -EINVAL);
	assert_int_equal(set_container(u, g6, c), 0);
}

/* Oracle own/j: a second group shares the domain; the mappings outlive one group. */
static void two_groups_one_container(void **state)
{
	struct ufx *u = *state;
	struct iok_rgroup *rg1, *rg6;
	int g, c, g6, d6;

	singleton(u, &g, &c);
	ufx_to_vfio(u, "0000:06:00.0");
	g6 = xopen(u, "/dev/vfio/10");
	assert_int_equal(map(u, c, SZ_1M, SZ_64K, RW), 0);
	assert_int_equal(set_container(u, g6, c), 0);
	rg1 = iok_dev_get_rgroup(u->m, ufx_dev(u, "01:00.0"));
	rg6 = iok_dev_get_rgroup(u->m, ufx_dev(u, "06:00.0"));
	assert_ptr_equal(iok_rgroup_get_domain(rg1), iok_rgroup_get_domain(rg6));
	d6 = device_fd(u, g6, "0000:06:00.0");
	assert_true(d6 > 0);
	assert_int_equal(iok_proc_ioctl_int(u->p, g, IOK_VFIO_GROUP_UNSET_CONTAINER, 0), 0);
	assert_ptr_equal(iok_rgroup_get_domain(rg1), iok_rgroup_get_default_domain(rg1));
	assert_int_not_equal(iok_iova_to_phys(iok_rgroup_get_domain(rg6), SZ_1M), 0);
	/* UNSET with device fds open (spec 10 case 54). */
	assert_int_equal(iok_proc_ioctl_int(u->p, g6, IOK_VFIO_GROUP_UNSET_CONTAINER, 0), -EBUSY);
	assert_int_equal(iok_proc_close(u->p, d6), 0);
	assert_int_equal(iok_proc_ioctl_int(u->p, g6, IOK_VFIO_GROUP_UNSET_CONTAINER, 0), 0);
	/* The last group took the backend and the mappings with it. */
	assert_int_equal(map(u, c, 2 * SZ_1M, SZ_4K, RW), -EINVAL);
	assert_ptr_equal(iok_rgroup_get_domain(rg6), iok_rgroup_get_default_domain(rg6));
	assert_int_equal(iok_machine_check(u->m), 0);
}

/* Spec 8.1 GET_DEVICE_FD: name lookup first, then the container (oracle a, f). */
static void get_device_fd(void **state)
{
	struct ufx *u = *state;
	struct iok_vfio_device_info di = { .argsz = sizeof(di) };
	int g, c, d;

	ufx_to_vfio(u, "0000:01:00.0");
	g = xopen(u, "/dev/vfio/7");
	c = xopen(u, "/dev/vfio/vfio");
	assert_int_equal(device_fd(u, g, "0000:99:00.0"), -ENODEV);
	assert_int_equal(device_fd(u, g, "0000:01:00.0"), -EINVAL);
	assert_int_equal(set_container(u, g, c), 0);
	assert_int_equal(device_fd(u, g, "0000:01:00.0"), -EINVAL);
	assert_int_equal(set_iommu(u, c, IOK_VFIO_TYPE1v2_IOMMU), 0);
	assert_int_equal(device_fd(u, g, "0000:06:00.0"), -ENODEV);
	assert_int_equal(device_fd(u, g, "0000:01:00.0 vf_token=x"), -EINVAL);
	assert_int_equal(device_fd(u, g, "0000:01:00.00"), -ENODEV);
	d = device_fd(u, g, "0000:01:00.0  ");
	assert_true(d > c);
	assert_int_equal(iok_proc_ioctl(u->p, d, IOK_VFIO_DEVICE_GET_INFO, &di), 0);
	assert_int_equal(di.flags, 3);
	assert_int_equal(di.num_regions, 9);
	assert_int_equal(di.num_irqs, 5);
	di.argsz = 4;
	assert_int_equal(iok_proc_ioctl(u->p, d, IOK_VFIO_DEVICE_GET_INFO, &di), -EINVAL);
	assert_int_equal(iok_proc_ioctl_int(u->p, d, IOK_VFIO_DEVICE_RESET, 0), 0);
	assert_int_equal(iok_proc_ioctl_int(u->p, d, 0x3b99, 0), -ENOTTY);
	assert_int_equal(iok_proc_ioctl(u->p, d, IOK_VFIO_DEVICE_GET_INFO, NULL), -EFAULT);
}

/*
 * Oracle f: the group file outlives its fd while a device fd holds it; the
 * container fd closed leaves its groups in it.
 */
static void file_lifetimes(void **state)
{
	struct ufx *u = *state;
	int g, c, d, fd;

	singleton(u, &g, &c);
	assert_int_equal(iok_proc_close(u->p, c), 0);
	assert_int_equal(status(u, g),
			 IOK_VFIO_GROUP_FLAGS_VIABLE | IOK_VFIO_GROUP_FLAGS_CONTAINER_SET);
	d = device_fd(u, g, "0000:01:00.0");
	assert_true(d > 0);
	assert_int_equal(iok_proc_close(u->p, g), 0);
	assert_int_equal(iok_proc_open(u->p, "/dev/vfio/7", &fd), -EBUSY);
	assert_true(iok_group_dma_owner_claimed(iok_dev_get_rgroup(u->m, ufx_dev(u, "01:00.0"))));
	assert_int_equal(iok_proc_close(u->p, d), 0);
	g = xopen(u, "/dev/vfio/7");
	assert_int_equal(status(u, g), IOK_VFIO_GROUP_FLAGS_VIABLE);
	assert_false(iok_group_dma_owner_claimed(iok_dev_get_rgroup(u->m, ufx_dev(u, "01:00.0"))));
}

/*
 * Oracle f: unbinding vfio-pci with a device fd open blocks until it is
 * closed; the driver link goes first; then the group fd answers -ENODEV.
 */
static void blocked_unbind(void **state)
{
	struct ufx *u = *state;
	const char *unbind = "/sys/bus/pci/devices/0000:06:00.0/driver/unbind";
	struct iok_sysfs_job *job;
	struct iok_sysfs_file *f;
	int g, c, d, rc = 1;

	ufx_to_vfio(u, "0000:06:00.0");
	g = xopen(u, "/dev/vfio/10");
	c = xopen(u, "/dev/vfio/vfio");
	assert_int_equal(set_container(u, g, c), 0);
	assert_int_equal(set_iommu(u, c, IOK_VFIO_TYPE1v2_IOMMU), 0);
	d = device_fd(u, g, "0000:06:00.0");
	assert_true(d > 0);
	/* Without a job the write would wait for this very process: nothing changes. */
	assert_int_equal(ufx_write(u, unbind, "0000:06:00.0"), -EDEADLK);
	assert_string_equal(ufx_driver(u, "06:00.0"), "vfio-pci");
	assert_int_equal(iok_sysfs_open(u->sf, unbind, IOK_O_WRONLY, &f), 0);
	assert_int_equal(iok_sysfs_write(f, "0000:06:00.0\n", 13, &job), IOK_SYSFS_BLOCKED);
	iok_sysfs_close(f);
	assert_false(iok_sysfs_job_poll(job, &rc));
	assert_string_equal(ufx_driver(u, "06:00.0"), "-");
	assert_int_equal(device_fd(u, g, "0000:06:00.0"), -ENODEV);
	assert_int_equal(iok_sysfs_access(u->sf, "/dev/vfio/10"), 0);
	assert_int_equal(iok_proc_close(u->p, d), 0);
	assert_true(iok_sysfs_job_poll(job, &rc));
	assert_int_equal(rc, 0);
	iok_sysfs_job_free(job);
	assert_int_equal(status(u, g), -ENODEV);
	assert_int_equal(iok_proc_ioctl_int(u->p, g, IOK_VFIO_GROUP_UNSET_CONTAINER, 0), -EINVAL);
	assert_int_equal(set_container(u, g, c), -ENODEV);
	assert_int_equal(iok_sysfs_access(u->sf, "/dev/vfio/10"), -ENOENT);
	assert_false(iok_group_dma_owner_claimed(iok_dev_get_rgroup(u->m, ufx_dev(u, "06:00.0"))));
}

/* Oracle own/k: removing the port above blocks on the child's device fd, then both go. */
static void blocked_remove(void **state)
{
	struct ufx *u = *state;
	struct iok_sysfs_job *job;
	struct iok_sysfs_file *f;
	int g, c, d, rc = 1;

	ufx_to_vfio(u, "0000:06:00.0");
	g = xopen(u, "/dev/vfio/10");
	c = xopen(u, "/dev/vfio/vfio");
	assert_int_equal(set_container(u, g, c), 0);
	assert_int_equal(set_iommu(u, c, IOK_VFIO_TYPE1v2_IOMMU), 0);
	d = device_fd(u, g, "0000:06:00.0");
	assert_int_equal(iok_sysfs_open(u->sf, "/sys/bus/pci/devices/0000:00:06.0/remove",
					IOK_O_WRONLY, &f), 0);
	assert_int_equal(iok_sysfs_write(f, "1", 1, NULL), -EDEADLK);
	assert_int_equal(iok_sysfs_access(u->sf, "/sys/bus/pci/devices/0000:00:06.0"), 0);
	assert_int_equal(iok_sysfs_write(f, "1", 1, &job), IOK_SYSFS_BLOCKED);
	iok_sysfs_close(f);
	assert_false(iok_sysfs_job_poll(job, NULL));
	assert_int_equal(iok_proc_close(u->p, d), 0);
	assert_true(iok_sysfs_job_poll(job, &rc));
	assert_int_equal(rc, 0);
	iok_sysfs_job_free(job);
	assert_int_equal(iok_sysfs_access(u->sf, "/sys/bus/pci/devices/0000:00:06.0"), -ENOENT);
	assert_int_equal(iok_sysfs_access(u->sf, "/sys/bus/pci/devices/0000:06:00.0"), -ENOENT);
	assert_int_equal(status(u, g), -ENODEV);
	assert_int_equal(ufx_write(u, "/sys/bus/pci/rescan", "1"), 0);
	assert_string_equal(ufx_driver(u, "00:06.0"), "pcieport");
	assert_int_equal(ufx_group(u, "06:00.0"), 10);
}

/* Misuse of the library API: wrong fds and arguments change nothing. */
static void misuse(void **state)
{
	struct ufx *u = *state;
	uint64_t a;
	int g, c, fd;

	singleton(u, &g, &c);
	assert_int_equal(iok_proc_ioctl(NULL, c, IOK_VFIO_GET_API_VERSION, NULL), -EINVAL);
	assert_int_equal(iok_proc_ioctl(u->p, 77, IOK_VFIO_GET_API_VERSION, NULL), -EBADF);
	assert_int_equal(iok_proc_ioctl(u->p, -1, IOK_VFIO_GET_API_VERSION, NULL), -EBADF);
	assert_int_equal(iok_proc_ioctl(u->p, 0, IOK_VFIO_GET_API_VERSION, NULL), -ENOTTY);
	assert_int_equal(iok_proc_ioctl(u->p, g, IOK_VFIO_GROUP_GET_STATUS, NULL), -EFAULT);
	assert_int_equal(iok_proc_ioctl_int(u->p, g, IOK_VFIO_GROUP_GET_STATUS, 12), -EFAULT);
	/* A pointer into fresh memory reads as zeros: argsz 0. */
	assert_int_equal(iok_proc_mmap(u->p, SZ_4K, &a), 0);
	assert_int_equal(iok_proc_ioctl_int(u->p, g, IOK_VFIO_GROUP_GET_STATUS, a), -EINVAL);
	assert_int_equal(iok_proc_ioctl_int(u->p, c, IOK_VFIO_IOMMU_UNMAP_DMA, a), -EINVAL);
	assert_int_equal(iok_proc_ioctl_int(u->p, g, IOK_VFIO_GROUP_GET_DEVICE_FD, a), -ENODEV);
	assert_int_equal(iok_proc_mmap(u->p, 0, &a), -EINVAL);
	assert_int_equal(iok_proc_open(u->p, "/dev/vfio/notanumber", &fd), -ENOENT);
	assert_int_equal(iok_proc_open(u->p, "/dev/vfio/-7", &fd), -ENOENT);
	assert_int_equal(iok_proc_open(u->p, NULL, &fd), -EINVAL);
	fd = xopen(u, "/sys/bus/pci/devices/0000:01:00.0/driver_override");
	assert_int_equal(iok_proc_ioctl_int(u->p, fd, IOK_VFIO_GET_API_VERSION, 0), -ENOTTY);
	assert_int_equal(iok_proc_open(u->p, "/sys/bus/pci/devices/0000:01:00.0/vendor", &fd),
			 -EACCES);
	assert_int_equal(iok_vfio_new(u->sf, &u->v), -EBUSY);
	assert_int_equal(iok_proc_new(NULL, NULL), -EINVAL);
	assert_int_equal(status(u, g),
			 IOK_VFIO_GROUP_FLAGS_VIABLE | IOK_VFIO_GROUP_FLAGS_CONTAINER_SET);
	assert_int_equal(iok_machine_check(u->m), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(group_node_and_opener),
		T(viability),
		T(set_container_errnos),
		cmocka_unit_test(set_container_later_kernel),
		T(extensions_and_types),
		T(get_info),
		T(map_dma),
		T(dma_entry_limit),
		T(unmap_v2),
		T(unmap_v1),
		T(update_vaddr),
		T(two_groups_one_container),
		T(get_device_fd),
		T(file_lifetimes),
		T(blocked_unbind),
		T(blocked_remove),
		T(misuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
