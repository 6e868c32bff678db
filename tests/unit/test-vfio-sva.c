// SPDX-License-Identifier: MIT
/*
 * A process bound to a VFIO container (lib/uapi/vfio-sva.c): the
 * VFIO_IOMMU_BIND/UNBIND of Jean-Philippe Brucker's 2018 SVA series (spec
 * runtime 9.4), an iommukit extension that is not in Linux: the series'
 * argument checks and errnos, all or nothing over every device of every
 * group, DMA into process memory through the PASID, groups joining (the
 * series' replay) and leaving, process exit (spec 6.3), Linux 6.1's one
 * device per SVA group, misuse. Last, the topology's iommu_aw parameter
 * that lets a bare VFIO oracle transcript replay (QEMU's 39-bit VT-d).
 */
#include <errno.h>

#include "../vfio/uapi-fixture.h"
#include "machine-helpers.h"

#define VA	0x10000000ull

struct vx {
	struct ufx u;		/* ctx, topo, machine, driver core, VFIO, process */
	struct iok_fabric *f;
	struct iok_sva *sva;
};

/* t_sva_topo()'s machine (machine-helpers.h), with SVA, the driver core, VFIO, a process. */
static void up(struct vx *x, const char *iommu, const char *kernel)
{
	struct ufx *u = &x->u;

	memset(x, 0, sizeof(*x));
	u->ctx = t_ctx();
	u->topo = t_sva_topo(u->ctx, iommu, kernel, "");
	u->m = t_machine(u->topo, NULL);
	x->f = t_fabric(u->m);
	x->sva = t_sva(x->f);
	assert_int_equal(iok_sysfs_new(u->m, &u->sf), 0);
	assert_int_equal(iok_vfio_new(u->sf, &u->v), 0);
	assert_true(iok_sysfs_boot_probe(u->sf) >= 0);
	assert_int_equal(iok_proc_new(u->sf, &u->p), 0);
}

/* The processes (and their bonds) go before the SVA layer. */
static void down(struct vx *x)
{
	iok_sysfs_free(x->u.sf);
	iok_sva_unref(x->sva);
	iok_fabric_unref(x->f);
	iok_machine_unref(x->u.m);
	iok_topo_unref(x->u.topo);
	iok_unref(x->u.ctx);
}

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct vx));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static struct iok_rgroup *G(struct vx *x, const char *bdf)
{
	return iok_dev_get_rgroup(x->u.m, ufx_dev(&x->u, bdf));
}

/* The devices on vfio-pci, their group's /dev/vfio/N opened. */
static int group_fd(struct vx *x, const char *bdf)
{
	struct iok_rgroup *rg = G(x, bdf);
	char full[32], path[64];
	unsigned int i;
	int fd = -1;

	for (i = 0; i < iok_rgroup_count_devs(rg); i++) {
		snprintf(full, sizeof(full), "%s", iok_dev_get_name(iok_rgroup_get_dev(rg, i)));
		ufx_to_vfio(&x->u, full);
	}
	snprintf(path, sizeof(path), "/dev/vfio/%d", iok_rgroup_get_id(rg));
	assert_int_equal(iok_proc_open(x->u.p, path, &fd), 0);
	return fd;
}

static int container_fd(struct vx *x)
{
	int fd = -1;

	assert_int_equal(iok_proc_open(x->u.p, "/dev/vfio/vfio", &fd), 0);
	return fd;
}

static long set_container(struct vx *x, int g, int c)
{
	int32_t fd = c;

	return iok_proc_ioctl(x->u.p, g, IOK_VFIO_GROUP_SET_CONTAINER, &fd);
}

static long unset_container(struct vx *x, int g)
{
	return iok_proc_ioctl_int(x->u.p, g, IOK_VFIO_GROUP_UNSET_CONTAINER, 0);
}

static long set_iommu(struct vx *x, int c)
{
	return iok_proc_ioctl_int(x->u.p, c, IOK_VFIO_SET_IOMMU, IOK_VFIO_TYPE1v2_IOMMU);
}

static bool container_set(struct vx *x, int g)
{
	struct iok_vfio_group_status st = { .argsz = sizeof(st) };

	assert_int_equal(iok_proc_ioctl(x->u.p, g, IOK_VFIO_GROUP_GET_STATUS, &st), 0);
	return st.flags & IOK_VFIO_GROUP_FLAGS_CONTAINER_SET;
}

/* The ioctl with a well-formed argument; *@pasid receives what BIND wrote. */
static long bind_req(struct vx *x, int c, unsigned long req, uint32_t pflags, uint32_t *pasid)
{
	struct iok_vfio_iommu_bind_process b = {
		.hdr = { .argsz = sizeof(b), .flags = IOK_VFIO_IOMMU_BIND_PROCESS },
		.process = { .flags = pflags, .pasid = 0xdead, .pid = 1 },
	};
	long rc = iok_proc_ioctl(x->u.p, c, req, &b);

	if (pasid)
		*pasid = b.process.pasid;
	return rc;
}

static struct iok_mm *mm_new(struct vx *x)
{
	struct iok_mm *mm = NULL;

	assert_int_equal(iok_mm_new(x->sva, &mm), 0);
	assert_int_equal(iok_mm_map(mm, VA, 0x2000, IOK_MM_READ | IOK_MM_WRITE, IOK_MM_ABSENT), 0);
	return mm;
}

static uint32_t bind_mm(struct vx *x, int c, struct iok_mm *mm)
{
	uint32_t pasid = IOK_PASID_INVALID;

	if (iok_vfio_container_bind_mm(x->u.p, c, mm, &pasid))
		fail_msg("bind_mm: %s", iok_get_error(x->u.ctx));
	return pasid;
}

/* The group's pasid_array holds an SVA domain at @pasid. */
static bool bound(struct vx *x, const char *bdf, uint32_t pasid)
{
	const void *cookie;
	struct iok_domain *d;

	return !iok_attach_handle_get(G(x, bdf), pasid, IOK_DOMAIN_SVA, &cookie, &d);
}

static int dma(struct vx *x, const char *bdf, uint32_t pasid, uint64_t addr, void *buf,
	       size_t len, bool write)
{
	struct iok_dma_req req = { .dev = ufx_dev(&x->u, bdf), .pasid = pasid, .addr = addr };

	return write ? iok_fabric_dma_write(x->f, &req, buf, len, NULL)
		     : iok_fabric_dma_read(x->f, &req, buf, len, NULL);
}

static void check(struct vx *x)
{
	t_check(x->u.m);
}

/* ---- the series' ioctl: its argument checks, in order (runtime.md 9.4) ---- */

static void test_ioctl_checks(void **state)
{
	struct vx *x = *state;
	struct iok_vfio_iommu_bind_process b;
	struct iok_mm *mm;
	uint64_t va;
	uint32_t pasid;
	int g, c;

	up(x, "intel", "6.19");
	g = group_fd(x, "01:00.0");
	c = container_fd(x);
	mm = mm_new(x);
	assert_int_equal(iok_proc_set_mm(x->u.p, mm), 0);

	/* Passed to the backend: none before SET_CONTAINER and SET_IOMMU. */
	assert_int_equal(bind_req(x, c, IOK_VFIO_IOMMU_BIND, 0, NULL), -EINVAL);
	assert_int_equal(set_container(x, g, c), 0);
	assert_int_equal(bind_req(x, c, IOK_VFIO_IOMMU_BIND, 0, NULL), -EINVAL);
	assert_int_equal(set_iommu(x, c), 0);

	/* An integer argument is a user address: unmapped, or fresh zeros (argsz 0). */
	assert_int_equal(iok_proc_ioctl_int(x->u.p, c, IOK_VFIO_IOMMU_BIND, 0), -EFAULT);
	assert_int_equal(iok_proc_mmap(x->u.p, 4096, &va), 0);
	assert_int_equal(iok_proc_ioctl_int(x->u.p, c, IOK_VFIO_IOMMU_BIND, va), -EINVAL);
	assert_int_equal(iok_proc_ioctl_int(x->u.p, c, IOK_VFIO_IOMMU_UNBIND, va), -EINVAL);

	/* argsz below the header; a mode other than BIND_PROCESS; no room for the data. */
	b = (struct iok_vfio_iommu_bind_process){ .hdr = { 7, IOK_VFIO_IOMMU_BIND_PROCESS } };
	assert_int_equal(iok_proc_ioctl(x->u.p, c, IOK_VFIO_IOMMU_BIND, &b), -EINVAL);
	b.hdr = (struct iok_vfio_iommu_type1_bind){ sizeof(b), 0 };
	assert_int_equal(iok_proc_ioctl(x->u.p, c, IOK_VFIO_IOMMU_BIND, &b), -EINVAL);
	b.hdr.flags = IOK_VFIO_IOMMU_BIND_PROCESS | 2;
	assert_int_equal(iok_proc_ioctl(x->u.p, c, IOK_VFIO_IOMMU_BIND, &b), -EINVAL);
	b.hdr = (struct iok_vfio_iommu_type1_bind){ sizeof(b) - 1, IOK_VFIO_IOMMU_BIND_PROCESS };
	assert_int_equal(iok_proc_ioctl(x->u.p, c, IOK_VFIO_IOMMU_BIND, &b), -EINVAL);
	/* Unknown process flags, then a PID: the model has none (-ESRCH). */
	assert_int_equal(bind_req(x, c, IOK_VFIO_IOMMU_BIND, 2, NULL), -EINVAL);
	assert_int_equal(bind_req(x, c, IOK_VFIO_IOMMU_BIND, IOK_VFIO_IOMMU_BIND_PID, NULL),
			 -ESRCH);
	assert_int_equal(bind_req(x, c, IOK_VFIO_IOMMU_UNBIND, IOK_VFIO_IOMMU_BIND_PID, NULL),
			 -ESRCH);
	/* Nothing so far reached the SVA layer: the mm has no PASID yet. */
	assert_int_equal(iok_mm_get_pasid(mm), IOK_PASID_INVALID);

	/* A caller without an mm is get_task_mm(current) == NULL: -EINVAL. */
	assert_int_equal(iok_proc_set_mm(x->u.p, NULL), 0);
	assert_int_equal(bind_req(x, c, IOK_VFIO_IOMMU_BIND, 0, NULL), -EINVAL);
	assert_int_equal(iok_proc_set_mm(x->u.p, mm), 0);

	/* Unbinding what is not bound: -ESRCH. */
	assert_int_equal(bind_req(x, c, IOK_VFIO_IOMMU_UNBIND, 0, NULL), -ESRCH);
	assert_int_equal(bind_req(x, c, IOK_VFIO_IOMMU_BIND, 0, &pasid), 0);
	assert_int_equal(pasid, iok_mm_get_pasid(mm));
	assert_int_not_equal(pasid, IOK_PASID_INVALID);
	assert_true(bound(x, "01:00.0", pasid));
	/* Bound already: its PASID again, and no count (one UNBIND undoes both). */
	pasid = 0;
	assert_int_equal(bind_req(x, c, IOK_VFIO_IOMMU_BIND, 0, &pasid), 0);
	assert_int_equal(pasid, iok_mm_get_pasid(mm));
	assert_int_equal(bind_req(x, c, IOK_VFIO_IOMMU_UNBIND, 0, NULL), 0);
	assert_false(bound(x, "01:00.0", pasid));
	assert_int_equal(bind_req(x, c, IOK_VFIO_IOMMU_UNBIND, 0, NULL), -ESRCH);

	/* The caller's mm has exited: no mm for get_task_mm() either. */
	assert_int_equal(iok_mm_exit(mm), 0);
	assert_int_equal(bind_req(x, c, IOK_VFIO_IOMMU_BIND, 0, NULL), -EINVAL);
	/* The numbers around them are no requests of Linux's or of the model's. */
	assert_int_equal(bind_req(x, c, IOK_VFIO_IOMMU_UNBIND + 1, 0, NULL), -ENOTTY);
	check(x);
	down(x);
}

/* ---- DMA into the process through the PASID ------------------------------- */

static void test_bind_dma(void **state)
{
	struct vx *x = *state;
	uint8_t in[8], out[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct iok_pri_state pri;
	struct iok_mm *mm;
	uint32_t pasid;
	int g1, g2, c;

	up(x, "intel", "6.19");
	g1 = group_fd(x, "01:00.0");
	g2 = group_fd(x, "02:00.0");
	c = container_fd(x);
	assert_int_equal(set_container(x, g1, c), 0);
	assert_int_equal(set_container(x, g2, c), 0);
	assert_int_equal(set_iommu(x, c), 0);
	mm = mm_new(x);
	assert_int_equal(iok_mm_write(mm, VA + 0x10, "process", 8), 0);

	pasid = bind_mm(x, c, mm);
	/* Every device of every group: 02:00.1 too, through its group's bond. */
	assert_true(bound(x, "01:00.0", pasid));
	assert_true(bound(x, "02:00.1", pasid));
	assert_int_equal(dma(x, "02:00.1", pasid, VA + 0x10, in, 8, false), 0);
	assert_memory_equal(in, "process", 8);
	/* The second page was never touched: a page request, answered SUCCESS. */
	assert_int_equal(dma(x, "01:00.0", pasid, VA + 0x1000, out, 8, true), 0);
	assert_int_equal(iok_mm_read(mm, VA + 0x1000, in, 8), 0);
	assert_memory_equal(in, out, 8);
	assert_int_equal(iok_dev_get_pri_state(x->sva, ufx_dev(&x->u, "01:00.0"), &pri), 0);
	assert_true(pri.in_queue);
	assert_int_equal(pri.requests, 1);
	assert_int_equal(pri.responses[IOK_PAGE_RESP_SUCCESS], 1);
	/* Outside the process's mappings: refused, a fault. */
	assert_int_equal(dma(x, "01:00.0", pasid, VA + 0x100000, in, 4, false), -EFAULT);

	assert_int_equal(iok_vfio_container_unbind_mm(x->u.p, c, mm), 0);
	assert_false(bound(x, "01:00.0", pasid));
	assert_false(bound(x, "02:00.0", pasid));
	assert_int_equal(iok_dev_get_pri_state(x->sva, ufx_dev(&x->u, "01:00.0"), &pri), 0);
	assert_false(pri.in_queue);
	assert_int_equal(dma(x, "01:00.0", pasid, VA + 0x10, in, 8, false), -EFAULT);
	assert_int_equal(iok_vfio_container_unbind_mm(x->u.p, c, mm), -ESRCH);
	check(x);
	down(x);
}

/* ---- each device as the series' iommu_sva_device_init() checked it -------- */

static void test_device_init(void **state)
{
	static const char *const refused[] = { "03:00.0", "04:00.0", "07:00.0" };
	struct vx *x = *state;
	struct iok_pri_state pri;
	struct iok_mm *mm;
	uint32_t pasid = 0;
	unsigned int i;
	int c, g;

	/* Without PRI (03), without PASID (04), a group with a device without (07). */
	for (i = 0; i < 3; i++) {
		up(x, "intel", "6.19");
		g = group_fd(x, "01:00.0");
		c = container_fd(x);
		assert_int_equal(set_container(x, g, c), 0);
		g = group_fd(x, refused[i]);
		assert_int_equal(set_container(x, g, c), 0);
		assert_int_equal(set_iommu(x, c), 0);
		mm = mm_new(x);
		assert_int_equal(iok_vfio_container_bind_mm(x->u.p, c, mm, &pasid), -EINVAL);
		/* All or nothing: 01:00.0, bound first (the mm got its PASID), is not now. */
		assert_int_not_equal(iok_mm_get_pasid(mm), IOK_PASID_INVALID);
		assert_false(bound(x, "01:00.0", iok_mm_get_pasid(mm)));
		assert_int_equal(iok_rgroup_count_pasids(G(x, "01:00.0")), 0);
		assert_int_equal(iok_dev_get_pri_state(x->sva, ufx_dev(&x->u, "01:00.0"), &pri), 0);
		assert_false(pri.in_queue);
		check(x);
		down(x);
	}

	/* An IOMMU driver without SVA: -ENODEV (iommu_sva_device_init()). */
	up(x, "virtio", "6.19");
	g = group_fd(x, "01:00.0");
	c = container_fd(x);
	assert_int_equal(set_container(x, g, c), 0);
	assert_int_equal(set_iommu(x, c), 0);
	mm = mm_new(x);
	assert_int_equal(iok_vfio_container_bind_mm(x->u.p, c, mm, &pasid), -ENODEV);
	down(x);

	/*
	 * Before Linux 6.2 an SVA bind needs a group of one device (runtime.md
	 * 6.1), as the series' VFIO binding did (-EINVAL): 02:00.0-1 cannot, a
	 * container of 01:00.0 alone can.
	 */
	up(x, "intel", "6.1");
	g = group_fd(x, "02:00.0");
	c = container_fd(x);
	assert_int_equal(set_container(x, g, c), 0);
	assert_int_equal(set_iommu(x, c), 0);
	mm = mm_new(x);
	assert_int_equal(iok_vfio_container_bind_mm(x->u.p, c, mm, &pasid), -EINVAL);
	assert_int_equal(iok_rgroup_count_pasids(G(x, "02:00.0")), 0);
	assert_int_equal(unset_container(x, g), 0);
	g = group_fd(x, "01:00.0");
	assert_int_equal(set_container(x, g, c), 0);
	assert_int_equal(set_iommu(x, c), 0);
	pasid = bind_mm(x, c, mm);
	assert_int_equal(pasid, iok_mm_get_pasid(mm));
	assert_true(bound(x, "01:00.0", pasid));
	check(x);
	down(x);
}

/* ---- groups joining (the series' replay) and leaving ---------------------- */

static void test_groups_join_leave(void **state)
{
	struct vx *x = *state;
	struct iok_mm *a, *b;
	uint32_t pa, pb;
	int g1, g2, g3, g5, c;

	up(x, "intel", "6.19");
	g1 = group_fd(x, "01:00.0");
	g2 = group_fd(x, "02:00.0");
	g3 = group_fd(x, "03:00.0");
	g5 = group_fd(x, "00:05.0");
	c = container_fd(x);
	assert_int_equal(set_container(x, g1, c), 0);
	assert_int_equal(set_iommu(x, c), 0);
	a = mm_new(x);
	b = mm_new(x);
	pa = bind_mm(x, c, a);
	pb = bind_mm(x, c, b);
	assert_int_not_equal(pa, pb);

	/* A joining group is bound to every process bound already. */
	assert_int_equal(set_container(x, g2, c), 0);
	assert_true(bound(x, "02:00.1", pa));
	assert_true(bound(x, "02:00.1", pb));
	/* One that cannot be is refused with the bind's errno, and stays unowned. */
	assert_int_equal(set_container(x, g3, c), -EINVAL);
	assert_false(container_set(x, g3));
	assert_false(iok_group_dma_owner_claimed(G(x, "03:00.0")));
	assert_int_equal(iok_rgroup_count_pasids(G(x, "03:00.0")), 0);

	/* Leaving: its PASIDs go, then its ownership; the others keep theirs. */
	assert_int_equal(unset_container(x, g2), 0);
	assert_false(bound(x, "02:00.0", pa));
	assert_false(bound(x, "02:00.0", pb));
	assert_false(iok_group_dma_owner_claimed(G(x, "02:00.0")));
	assert_true(bound(x, "01:00.0", pa));

	/* An exited process is not bound to a group joining later. */
	assert_int_equal(iok_mm_exit(a), 0);
	assert_int_equal(set_container(x, g5, c), 0);
	assert_false(bound(x, "00:05.0", pa));
	assert_true(bound(x, "00:05.0", pb));
	/* ...and can still be unbound (its PASID is reserved until then, 6.3). */
	assert_int_equal(iok_vfio_container_unbind_mm(x->u.p, c, a), 0);
	assert_false(bound(x, "01:00.0", pa));

	/* The container's fd closing unbinds nothing while groups keep it. */
	assert_int_equal(iok_proc_close(x->u.p, c), 0);
	assert_true(bound(x, "01:00.0", pb));
	assert_int_equal(iok_proc_close(x->u.p, g5), 0);
	assert_false(bound(x, "00:05.0", pb));
	assert_true(bound(x, "01:00.0", pb));
	/* The last group takes the backend and the bond with it. */
	assert_int_equal(iok_proc_close(x->u.p, g1), 0);
	assert_false(bound(x, "01:00.0", pb));
	assert_false(iok_group_dma_owner_claimed(G(x, "01:00.0")));
	check(x);

	/* A new container knows nothing of it: b binds anew, with its PASID. */
	g1 = group_fd(x, "01:00.0");
	c = container_fd(x);
	assert_int_equal(set_container(x, g1, c), 0);
	assert_int_equal(set_iommu(x, c), 0);
	assert_int_equal(iok_vfio_container_unbind_mm(x->u.p, c, b), -ESRCH);
	assert_int_equal(bind_mm(x, c, b), pb);
	check(x);
	down(x);
}

/* The process exits with its bonds: every fd closes, every group is unbound. */
static void test_proc_exit(void **state)
{
	struct vx *x = *state;
	struct iok_mm *mm;
	uint32_t pasid;
	int g, c;

	up(x, "intel", "6.19");
	g = group_fd(x, "02:00.0");
	c = container_fd(x);
	assert_int_equal(set_container(x, g, c), 0);
	assert_int_equal(set_iommu(x, c), 0);
	mm = mm_new(x);
	assert_int_equal(iok_proc_set_mm(x->u.p, mm), 0);
	assert_int_equal(bind_req(x, c, IOK_VFIO_IOMMU_BIND, 0, &pasid), 0);
	assert_true(bound(x, "02:00.0", pasid));
	iok_proc_free(x->u.p);
	x->u.p = NULL;
	assert_false(bound(x, "02:00.0", pasid));
	assert_false(iok_group_dma_owner_claimed(G(x, "02:00.0")));
	assert_int_equal(iok_machine_get_warnings(x->u.m), 0);
	check(x);
	down(x);
}

/* ---- misuse ---------------------------------------------------------------- */

static void test_misuse(void **state)
{
	struct vx *x = *state;
	struct iok_mm *mm;
	uint32_t pasid;
	int g, c;

	up(x, "intel", "6.19");
	g = group_fd(x, "01:00.0");
	c = container_fd(x);
	mm = mm_new(x);
	assert_int_equal(iok_proc_set_mm(NULL, mm), -EINVAL);
	assert_int_equal(iok_vfio_container_bind_mm(NULL, c, mm, &pasid), -EINVAL);
	assert_int_equal(iok_vfio_container_bind_mm(x->u.p, c, NULL, &pasid), -EINVAL);
	assert_int_equal(iok_vfio_container_bind_mm(x->u.p, c, mm, NULL), -EINVAL);
	assert_int_equal(iok_vfio_container_unbind_mm(x->u.p, c, NULL), -EINVAL);
	assert_int_equal(iok_vfio_container_bind_mm(x->u.p, 99, mm, &pasid), -EBADF);
	assert_int_equal(iok_vfio_container_bind_mm(x->u.p, g, mm, &pasid), -ENOTTY);
	/* A group fd does not know the requests. */
	assert_int_equal(bind_req(x, g, IOK_VFIO_IOMMU_BIND, 0, NULL), -ENOTTY);
	/* A container without backend. */
	assert_int_equal(iok_vfio_container_bind_mm(x->u.p, c, mm, &pasid), -EINVAL);
	assert_int_equal(iok_vfio_container_unbind_mm(x->u.p, c, mm), -EINVAL);
	assert_int_equal(iok_mm_get_pasid(mm), IOK_PASID_INVALID);
	down(x);
}

/* ---- the topology's iommu_aw: a bare oracle transcript replays ------------- */

/* The last IOVA the container's GET_INFO offers. */
static uint64_t iova_end(struct ufx *u)
{
	uint64_t buf[64] = { 0 };
	struct iok_vfio_iommu_type1_info *info = (void *)buf;
	struct iok_vfio_iommu_type1_info_cap_iova_range r;
	struct iok_vfio_iova_range last;
	char path[64];
	uint32_t off;
	int g, c;

	ufx_to_vfio(u, "0000:01:00.0");
	snprintf(path, sizeof(path), "/dev/vfio/%d", ufx_group(u, "01:00.0"));
	g = -1;
	assert_int_equal(iok_proc_open(u->p, path, &g), 0);
	c = -1;
	assert_int_equal(iok_proc_open(u->p, "/dev/vfio/vfio", &c), 0);
	assert_int_equal(iok_proc_ioctl(u->p, g, IOK_VFIO_GROUP_SET_CONTAINER, &c), 0);
	assert_int_equal(iok_proc_ioctl_int(u->p, c, IOK_VFIO_SET_IOMMU, IOK_VFIO_TYPE1v2_IOMMU), 0);
	info->argsz = sizeof(buf);
	assert_int_equal(iok_proc_ioctl(u->p, c, IOK_VFIO_IOMMU_GET_INFO, info), 0);
	/* The IOVA ranges of the capability chain. */
	assert_true(info->flags & IOK_VFIO_IOMMU_INFO_CAPS);
	for (off = info->cap_offset; off; off = r.header.next) {
		assert_true(off + sizeof(r) <= sizeof(buf));
		memcpy(&r, (char *)buf + off, sizeof(r));
		if (r.header.id == IOK_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE)
			break;
	}
	assert_int_not_equal(off, 0);
	assert_true(r.nr_iovas > 0);
	memcpy(&last, (char *)buf + off + sizeof(r) + (r.nr_iovas - 1) * sizeof(last),
	       sizeof(last));
	return last.end;
}

static void boot_mixed(struct ufx *u, const char *key, const char *value)
{
	const char *dir = getenv("IOMMUKIT_VFIO_TESTS");
	char src[1024];

	memset(u, 0, sizeof(*u));
	assert_non_null(dir);
	snprintf(src, sizeof(src), "lspci:%s/mixed.lspci", dir);
	u->ctx = t_ctx();
	assert_int_equal(iok_topo_load(u->ctx, src, &u->topo), 0);
	assert_int_equal(iok_topo_set_param(u->topo, "kernel", "6.1"), 0);
	if (key)
		assert_int_equal(iok_topo_set_param(u->topo, key, value), 0);
	assert_int_equal(iok_machine_new(u->topo, &u->m), 0);
	assert_int_equal(iok_sysfs_new(u->m, &u->sf), 0);
	assert_int_equal(iok_vfio_new(u->sf, &u->v), 0);
	assert_true(iok_sysfs_boot_probe(u->sf) > 0);
	assert_int_equal(iok_proc_new(u->sf, &u->p), 0);
}

static void test_iommu_aw_param(void **state)
{
	struct ufx u;
	struct iok_topo *t;
	struct iok_ctx *ctx;

	/* The drivers' 48 bits; QEMU's VT-d (and every VFIO capture) 39. */
	boot_mixed(&u, NULL, NULL);
	assert_string_equal(iok_topo_get_param(u.topo, "iommu_aw"), "");
	assert_int_equal(iova_end(&u), (1ull << 48) - 1);
	ufx_down(&u);
	boot_mixed(&u, "iommu_aw", "39");
	assert_string_equal(iok_topo_get_param(u.topo, "iommu_aw"), "39");
	assert_int_equal(iova_end(&u), 0x7fffffffffull);
	ufx_down(&u);
	/* --iommu's spelling. */
	boot_mixed(&u, "iommu", "intel,aw=39");
	assert_string_equal(iok_topo_get_param(u.topo, "iommu"), "intel");
	assert_string_equal(iok_topo_get_param(u.topo, "iommu_aw"), "39");
	assert_int_equal(iova_end(&u), 0x7fffffffffull);
	ufx_down(&u);

	/* Bad values change nothing. */
	ctx = t_ctx();
	t = t_sva_topo(ctx, "amd", "6.19", "");
	assert_int_equal(iok_topo_set_param(t, "iommu_aw", "40"), 0);
	assert_int_equal(iok_topo_set_param(t, "iommu_aw", "49"), -EINVAL);
	assert_int_equal(iok_topo_set_param(t, "iommu_aw", "31"), -EINVAL);
	assert_int_equal(iok_topo_set_param(t, "iommu_aw", "39x"), -EINVAL);
	assert_int_equal(iok_topo_set_param(t, "iommu_aw", "-39"), -EINVAL);
	assert_int_equal(iok_topo_set_param(t, "iommu_aw", "4800000000000000000039"), -EINVAL);
	assert_int_equal(iok_topo_set_param(t, "iommu", "intel,aw=52"), -EINVAL);
	assert_int_equal(iok_topo_set_param(t, "iommu", "intel,bw=39"), -EINVAL);
	assert_int_equal(iok_topo_set_param(t, "iommu", "intel,"), -EINVAL);
	assert_int_equal(iok_topo_set_param(t, "iommu", "intelx,aw=39"), -EINVAL);
	assert_string_equal(iok_topo_get_param(t, "iommu"), "amd");
	assert_string_equal(iok_topo_get_param(t, "iommu_aw"), "40");
	/* "iommu" without aw keeps it; 0 is the drivers' own again. */
	assert_int_equal(iok_topo_set_param(t, "iommu", "intel"), 0);
	assert_string_equal(iok_topo_get_param(t, "iommu_aw"), "40");
	assert_int_equal(iok_topo_set_param(t, "iommu_aw", "0"), 0);
	assert_string_equal(iok_topo_get_param(t, "iommu_aw"), "");
	iok_topo_unref(t);
	iok_unref(ctx);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ioctl_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_dma, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_groups_join_leave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proc_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misuse, setup, teardown),
		cmocka_unit_test(test_iommu_aw_param),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
