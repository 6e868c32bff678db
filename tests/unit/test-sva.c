// SPDX-License-Identifier: MIT
/*
 * Processes and SVA (spec runtime 5.5, 6.1-6.3): process address spaces
 * with CPU page tables and mmu notifiers, iommu_sva_bind_device() with its
 * per-mm PASID and reused handles, unbind, mm teardown, DMA through a PASID
 * into process memory with page faults resolved and refused, the
 * group-wide bind of the 2018 series (an iommukit extension), and the
 * tricky cases of spec runtime 10 (case10_NN).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine-helpers.h"

#define SZ_4K	0x1000ull
#define VA	0x10000000ull

struct fx {
	struct t_fx;		/* ctx, t, m, f, sva */
};

struct opts {
	const char *iommu, *kernel, *units, *absent;
};

static int setup(void **state)
{
	return t_fx_alloc(state, sizeof(struct fx));
}

static int teardown(void **state)
{
	return t_fx_teardown(state);
}

/* t_sva_topo()'s machine (machine-helpers.h), with its fabric and SVA layer. */
static void boot(struct fx *f, struct opts o)
{
	f->t = t_sva_topo(f->ctx, o.iommu ? o.iommu : "intel", o.kernel ? o.kernel : "6.19",
			  o.units ? o.units : "");
	t_param(f->t, "absent", o.absent);
	f->m = t_machine(f->t, NULL);
	f->f = t_fabric(f->m);
	f->sva = t_sva(f->f);
}

#define BOOT(f, ...) boot(f, (struct opts){ __VA_ARGS__ })

static struct iok_dev *D(struct fx *f, const char *bdf)
{
	return t_dev(f->t, bdf);
}

static struct iok_rgroup *G(struct fx *f, const char *bdf)
{
	return iok_dev_get_rgroup(f->m, D(f, bdf));
}

static struct iok_mm *mm_new(struct fx *f)
{
	struct iok_mm *mm = NULL;

	assert_int_equal(iok_mm_new(f->sva, &mm), 0);
	return mm;
}

static struct iok_sva_handle *bind(struct fx *f, const char *bdf, struct iok_mm *mm)
{
	struct iok_sva_handle *h = NULL;

	if (iok_sva_bind_device(D(f, bdf), mm, &h))
		fail_msg("bind %s: %s", bdf, iok_get_error(f->ctx));
	return h;
}

static void check(struct fx *f)
{
	t_check(f->m);
}

static int dma(struct fx *f, const char *bdf, uint32_t pasid, uint64_t addr, void *buf,
	       size_t len, bool write)
{
	struct iok_dma_req req = { .dev = D(f, bdf), .pasid = pasid, .addr = addr };

	return write ? iok_fabric_dma_write(f->f, &req, buf, len, NULL)
		     : iok_fabric_dma_read(f->f, &req, buf, len, NULL);
}

static unsigned int faults(struct fx *f, const char *bdf)
{
	return iok_unit_count_faults(iok_dev_get_unit(f->m, D(f, bdf)));
}

static struct iok_fault last_fault(struct fx *f, const char *bdf)
{
	return t_last_fault(iok_dev_get_unit(f->m, D(f, bdf)));
}

/* ---- processes ------------------------------------------------------------ */

static void mm_map_write_read(void **state)
{
	struct fx *f = *state;
	char buf[16] = { 0 };
	struct iok_mm *mm;
	uint64_t pa, pa2;

	BOOT(f);
	mm = mm_new(f);
	assert_int_equal(iok_mm_map(mm, VA, 4 * SZ_4K, IOK_MM_READ | IOK_MM_WRITE, 0), 0);
	assert_int_equal(iok_mm_count_present(mm), 4);
	assert_int_equal(iok_sva_count_frames(f->sva), 4);
	assert_int_equal(iok_mm_write(mm, VA + SZ_4K - 3, "abcdefgh", 8), 0);
	assert_int_equal(iok_mm_read(mm, VA + SZ_4K - 3, buf, 8), 0);
	assert_string_equal(buf, "abcdefgh");
	/* The page is in the fabric's RAM at its frame. */
	assert_int_equal(iok_mm_virt_to_phys(mm, VA + SZ_4K + 1, &pa), 0);
	assert_int_equal(iok_fabric_mem_compare(f->f, pa - 1, "defgh", 5, NULL), 0);
	/* Absent pages come on first touch, zeroed. */
	assert_int_equal(iok_mm_map(mm, VA + 8 * SZ_4K, 2 * SZ_4K, IOK_MM_READ, IOK_MM_ABSENT), 0);
	assert_int_equal(iok_mm_virt_to_phys(mm, VA + 8 * SZ_4K, &pa2), -ENOENT);
	assert_int_equal(iok_mm_read(mm, VA + 8 * SZ_4K, buf, 4), 0);
	assert_memory_equal(buf, "\0\0\0\0", 4);
	assert_int_equal(iok_mm_count_present(mm), 5);
	/* SIGSEGV: no mapping, or no right; nothing written. */
	assert_int_equal(iok_mm_write(mm, VA + 8 * SZ_4K, "x", 1), -EACCES);
	assert_int_equal(iok_mm_write(mm, VA + 4 * SZ_4K - 1, "xy", 2), -EFAULT);
	assert_int_equal(iok_mm_read(mm, VA + 4 * SZ_4K - 1, buf, 1), 0);
	assert_int_equal(buf[0], 0);
	assert_int_equal(iok_mm_map(mm, VA + SZ_4K, SZ_4K, IOK_MM_READ, 0), -EEXIST);
	assert_int_equal(iok_mm_map(mm, VA + 1, SZ_4K, IOK_MM_READ, 0), -EINVAL);
	assert_int_equal(iok_mm_map(mm, IOK_MM_TASK_SIZE, SZ_4K, IOK_MM_READ, 0), -EINVAL);
	assert_int_equal(iok_mm_map(mm, VA + 64 * SZ_4K, SZ_4K, 0x40, 0), -EINVAL);
	iok_mm_drop(mm);
	assert_int_equal(iok_sva_count_frames(f->sva), 0);
}

static void mm_evict_protect_unmap(void **state)
{
	struct fx *f = *state;
	char buf[8] = { 0 };
	struct iok_mm *mm;
	uint64_t pa, pa2;

	BOOT(f);
	mm = mm_new(f);
	assert_int_equal(iok_mm_map(mm, VA, 4 * SZ_4K, IOK_MM_READ | IOK_MM_WRITE, 0), 0);
	assert_int_equal(iok_mm_write(mm, VA + 2 * SZ_4K, "keep", 4), 0);
	assert_int_equal(iok_mm_virt_to_phys(mm, VA + 2 * SZ_4K, &pa), 0);
	assert_int_equal(iok_mm_evict(mm, VA, 4 * SZ_4K), 4);
	assert_int_equal(iok_mm_count_present(mm), 0);
	assert_int_equal(iok_mm_fault(mm, VA + 2 * SZ_4K, IOK_MM_READ), 0);
	assert_int_equal(iok_mm_virt_to_phys(mm, VA + 2 * SZ_4K, &pa2), 0);
	assert_int_equal(pa2, pa);
	assert_int_equal(iok_mm_read(mm, VA + 2 * SZ_4K, buf, 4), 0);
	assert_memory_equal(buf, "keep", 4);
	/* mprotect splits the mapping; the pages follow. */
	assert_int_equal(iok_mm_protect(mm, VA + SZ_4K, SZ_4K, IOK_MM_READ), 0);
	assert_int_equal(iok_mm_write(mm, VA + SZ_4K, "x", 1), -EACCES);
	assert_int_equal(iok_mm_write(mm, VA, "x", 1), 0);
	assert_int_equal(iok_mm_fault(mm, VA + SZ_4K, IOK_MM_WRITE), -EACCES);
	assert_int_equal(iok_mm_protect(mm, VA + 3 * SZ_4K, 2 * SZ_4K, IOK_MM_READ), -ENOMEM);
	/* munmap across the split, with a hole at the end. */
	assert_int_equal(iok_mm_unmap(mm, VA + SZ_4K, 8 * SZ_4K), 0);
	assert_int_equal(iok_mm_read(mm, VA + 2 * SZ_4K, buf, 1), -EFAULT);
	assert_int_equal(iok_mm_read(mm, VA, buf, 1), 0);
	assert_int_equal(buf[0], 'x');
	assert_int_equal(iok_mm_count_present(mm), 1);
	assert_int_equal(iok_sva_count_frames(f->sva), 1);
	assert_int_equal(iok_mm_exit(mm), 0);
	assert_int_equal(iok_mm_exit(mm), -ESRCH);
	assert_int_equal(iok_mm_read(mm, VA, buf, 1), -ESRCH);
	assert_int_equal(iok_mm_map(mm, VA, SZ_4K, IOK_MM_READ, 0), -ESRCH);
	assert_int_equal(iok_sva_count_frames(f->sva), 0);
	iok_mm_drop(mm);
}

struct seen {
	uint64_t start, end;
	unsigned int invalidates, releases;
};

static void nb_invalidate(struct iok_mm *mm, uint64_t start, uint64_t end, void *arg)
{
	struct seen *s = arg;

	s->start = start;
	s->end = end;
	s->invalidates++;
}

static void nb_release(struct iok_mm *mm, void *arg)
{
	((struct seen *)arg)->releases++;
}

static const struct iok_mmu_notifier_ops nb_ops = { nb_invalidate, nb_release };

/* The IOMMU hears of every change to the page table, and of exit. */
static void mm_notifiers(void **state)
{
	struct fx *f = *state;
	struct seen s = { 0 };
	struct iok_mm *mm;

	BOOT(f);
	mm = mm_new(f);
	assert_int_equal(iok_mm_register_notifier(mm, &nb_ops, &s), 0);
	assert_int_equal(iok_mm_map(mm, VA, 4 * SZ_4K, IOK_MM_READ | IOK_MM_WRITE, 0), 0);
	assert_int_equal(s.invalidates, 0);
	assert_int_equal(iok_mm_protect(mm, VA, SZ_4K, IOK_MM_READ), 0);
	assert_int_equal(s.invalidates, 1);
	assert_int_equal(s.start, VA);
	assert_int_equal(s.end, VA + SZ_4K);
	assert_int_equal(iok_mm_evict(mm, VA + SZ_4K, SZ_4K), 1);
	assert_int_equal(s.invalidates, 2);
	/* Nothing present: nothing to tell. */
	assert_int_equal(iok_mm_evict(mm, VA + SZ_4K, SZ_4K), 0);
	assert_int_equal(s.invalidates, 2);
	assert_int_equal(iok_mm_unmap(mm, VA + 2 * SZ_4K, 2 * SZ_4K), 0);
	assert_int_equal(s.invalidates, 3);
	assert_int_equal(s.start, VA + 2 * SZ_4K);
	assert_int_equal(iok_mm_exit(mm), 0);
	assert_int_equal(s.releases, 1);
	assert_int_equal(iok_mm_unregister_notifier(mm, &nb_ops, &s), -ENOENT);
	iok_mm_drop(mm);
}

/* ---- binds (spec 6.1, 6.2) ----------------------------------------------- */

/* One PASID per mm, one SVA domain per unit, lowest free PASID first. */
static void spec6_1_bind_shares_pasid_and_domain(void **state)
{
	struct fx *f = *state;
	struct iok_sva_handle *h1, *h2, *h3;
	struct iok_mm *mm, *mm2;

	BOOT(f);
	mm = mm_new(f);
	mm2 = mm_new(f);
	assert_int_equal(iok_mm_get_pasid(mm), IOK_PASID_INVALID);
	h1 = bind(f, "01:00.0", mm);
	assert_int_equal(iok_sva_get_pasid(h1), 1);
	assert_int_equal(iok_mm_get_pasid(mm), 1);
	h2 = bind(f, "03:00.0", mm);
	assert_ptr_not_equal(h1, h2);
	assert_int_equal(iok_sva_get_pasid(h2), 1);
	/* Both groups use the mm's one SVA domain on the unit. */
	assert_ptr_equal(iok_sva_handle_get_domain(h1), iok_sva_handle_get_domain(h2));
	assert_int_equal(iok_domain_get_type(iok_sva_handle_get_domain(h1)), IOK_DOMAIN_SVA);
	assert_ptr_equal(iok_domain_get_mm(iok_sva_handle_get_domain(h1)), mm);
	h3 = bind(f, "01:00.0", mm2);
	assert_int_equal(iok_sva_get_pasid(h3), 2);
	assert_ptr_not_equal(iok_sva_handle_get_domain(h3), iok_sva_handle_get_domain(h1));
	/* An SVA domain maps nothing by itself (spec 10 case 8). */
	assert_int_equal(iok_map(iok_sva_handle_get_domain(h1), 0, 0, SZ_4K, IOK_PROT_READ),
			 -EINVAL);
	assert_int_equal(iok_sva_unbind_device(h1), 0);
	/* The other group still holds the domain. */
	assert_non_null(iok_sva_handle_get_domain(h2));
	assert_int_equal(iok_sva_unbind_device(h2), 0);
	assert_int_equal(iok_sva_unbind_device(h3), 0);
	/* The PASIDs stay with their mms until they are dropped. */
	assert_true(iok_global_pasid_in_use(f->m, 1));
	iok_mm_drop(mm);
	assert_false(iok_global_pasid_in_use(f->m, 1));
	iok_mm_drop(mm2);
	assert_false(iok_global_pasid_in_use(f->m, 2));
	check(f);
}

/* spec 10 case 28: the mm's PASID is beyond a narrow device. */
static void case10_28_eoverflow(void **state)
{
	struct fx *f = *state;
	struct iok_sva_handle *h = NULL;
	struct iok_mm *mm;
	uint32_t p;

	BOOT(f);
	for (p = 1; p < 40; p++)
		assert_int_equal(iok_alloc_global_pasid(f->m, D(f, "01:00.0")), p);
	mm = mm_new(f);
	bind(f, "01:00.0", mm);
	assert_int_equal(iok_mm_get_pasid(mm), 40);
	assert_int_equal(iok_sva_bind_device(D(f, "00:05.0"), mm, &h), -EOVERFLOW);
	assert_null(h);
	assert_int_equal(iok_rgroup_count_pasids(G(f, "00:05.0")), 0);
	check(f);
}

/* spec 10 case 29: a device without PASID: -ENOSPC first, -EOVERFLOW after. */
static void case10_29_no_pasid_device(void **state)
{
	struct fx *f = *state;
	struct iok_sva_handle *h = NULL;
	struct iok_mm *mm;

	BOOT(f);
	mm = mm_new(f);
	assert_int_equal(iok_sva_bind_device(D(f, "04:00.0"), mm, &h), -ENOSPC);
	assert_int_equal(iok_mm_get_pasid(mm), IOK_PASID_INVALID);
	bind(f, "01:00.0", mm);
	assert_int_equal(iok_sva_bind_device(D(f, "04:00.0"), mm, &h), -EOVERFLOW);
	assert_null(h);
	check(f);
}

/* spec 10 case 30: the same (dev, mm) twice: one handle, two users. */
static void case10_30_bind_twice_unbind_twice(void **state)
{
	struct fx *f = *state;
	struct iok_sva_handle *h1, *h2;
	struct iok_domain *d;
	struct iok_mm *mm;
	unsigned int warns;

	BOOT(f);
	mm = mm_new(f);
	h1 = bind(f, "01:00.0", mm);
	h2 = bind(f, "01:00.0", mm);
	assert_ptr_equal(h1, h2);
	assert_int_equal(iok_sva_handle_get_users(h1), 2);
	d = iok_sva_handle_get_domain(h1);
	assert_int_equal(iok_sva_unbind_device(h1), 0);
	assert_int_equal(iok_sva_handle_get_users(h1), 1);
	assert_int_equal(iok_rgroup_count_pasids(G(f, "01:00.0")), 1);
	assert_ptr_equal(iok_sva_handle_get_domain(h1), d);
	assert_int_equal(iok_sva_unbind_device(h2), 0);
	assert_int_equal(iok_rgroup_count_pasids(G(f, "01:00.0")), 0);
	/* A third unbind is caught, not a use after free (ASan would say). */
	warns = iok_machine_get_warnings(f->m);
	assert_int_equal(iok_sva_unbind_device(h1), -EINVAL);
	assert_int_equal(iok_machine_get_warnings(f->m), warns + 1);
	assert_int_equal(iok_sva_get_pasid(h1), IOK_PASID_INVALID);
	assert_int_equal(iok_sva_handle_get_users(h1), 0);
	assert_null(iok_sva_handle_get_domain(h1));
	/* A new bind gets a fresh handle. */
	h2 = bind(f, "01:00.0", mm);
	assert_int_equal(iok_sva_handle_get_users(h2), 1);
	check(f);
}

/*
 * spec 10 case 31: two devices of one group: the second bind returns the
 * first device's handle; the PASID is on both devices (group-wide).
 */
static void case10_31_group_shares_handle(void **state)
{
	struct fx *f = *state;
	struct iok_sva_handle *h1, *h2;
	struct iok_iommu_unit *u;
	struct iok_domain *d = NULL;
	struct iok_mm *mm;

	BOOT(f);
	mm = mm_new(f);
	h1 = bind(f, "02:00.1", mm);
	h2 = bind(f, "02:00.0", mm);
	assert_ptr_equal(h1, h2);
	assert_ptr_equal(iok_sva_handle_get_dev(h2), D(f, "02:00.1"));
	assert_int_equal(iok_sva_handle_get_users(h1), 2);
	u = iok_dev_get_unit(f->m, D(f, "02:00.0"));
	assert_true(iok_unit_get_context(u, 0, 0x0200, 1, &d) > 0);
	assert_ptr_equal(d, iok_sva_handle_get_domain(h1));
	assert_true(iok_unit_get_context(u, 0, 0x0201, 1, &d) > 0);
	check(f);
}

/* spec 10 case 32: the mm's PASID taken on the group by a non-SVA domain. */
static void case10_32_slot_taken_by_paging(void **state)
{
	struct fx *f = *state;
	struct iok_sva_handle *h = NULL;
	struct iok_domain *d;
	struct iok_mm *mm;

	BOOT(f);
	mm = mm_new(f);
	bind(f, "01:00.0", mm);
	assert_int_equal(iok_domain_alloc_paging(f->m, D(f, "03:00.0"), &d), 0);
	assert_int_equal(iok_attach_device_pasid(d, D(f, "03:00.0"), 1, &d), 0);
	assert_int_equal(iok_sva_bind_device(D(f, "03:00.0"), mm, &h), -EBUSY);
	/* A raw domain (no handle) at the PASID: the attach is busy. */
	assert_int_equal(iok_detach_device_pasid(d, D(f, "03:00.0"), 1), 0);
	assert_int_equal(iok_attach_device_pasid(d, D(f, "03:00.0"), 1, NULL), 0);
	assert_int_equal(iok_sva_bind_device(D(f, "03:00.0"), mm, &h), -EBUSY);
	assert_null(h);
	check(f);
}

/* The slot holds another mm's SVA domain: -EBUSY (spec 6.1 step 3). */
static void spec6_1_slot_of_other_mm(void **state)
{
	struct fx *f = *state;
	struct iok_sva_handle *h1, *h = NULL;
	struct iok_mm *mm1, *mm2;
	int fake;

	BOOT(f);
	mm1 = mm_new(f);
	mm2 = mm_new(f);
	h1 = bind(f, "01:00.0", mm1);
	bind(f, "01:00.0", mm2);
	assert_int_equal(iok_mm_get_pasid(mm2), 2);
	/* mm1's domain put on PASID 2 of 03:00.0 by hand. */
	assert_int_equal(iok_attach_device_pasid(iok_sva_handle_get_domain(h1), D(f, "03:00.0"), 2,
						 &fake), 0);
	assert_int_equal(iok_sva_bind_device(D(f, "03:00.0"), mm2, &h), -EBUSY);
	assert_int_equal(iok_detach_device_pasid(iok_sva_handle_get_domain(h1), D(f, "03:00.0"), 2),
			 0);
	check(f);
}

/* spec 10 case 33: two units: two SVA domains, one PASID. */
static void case10_33_two_units(void **state)
{
	struct fx *f = *state;
	struct iok_sva_handle *h1, *h2;
	struct iok_mm *mm;

	BOOT(f, .units = TWO_UNITS);
	mm = mm_new(f);
	h1 = bind(f, "01:00.0", mm);
	h2 = bind(f, "02:00.0", mm);
	assert_int_equal(iok_sva_get_pasid(h1), iok_sva_get_pasid(h2));
	assert_ptr_not_equal(iok_sva_handle_get_domain(h1), iok_sva_handle_get_domain(h2));
	assert_ptr_not_equal(iok_domain_get_unit(iok_sva_handle_get_domain(h1)),
			     iok_domain_get_unit(iok_sva_handle_get_domain(h2)));
	assert_int_equal(iok_sva_unbind_device(h2), 0);
	assert_int_equal(iok_sva_unbind_device(h1), 0);
	check(f);
}

/* Before 6.2 an SVA bind needed a group of one (spec 6.1, 9.3). */
static void spec9_3_singleton_before_6_2(void **state)
{
	struct fx *f = *state;
	struct iok_sva_handle *h = NULL;
	struct iok_mm *mm;

	BOOT(f, .kernel = "6.1");
	mm = mm_new(f);
	assert_int_equal(iok_sva_bind_device(D(f, "02:00.0"), mm, &h), -EINVAL);
	assert_null(h);
	bind(f, "01:00.0", mm);
}

static void spec6_1_lam_and_misuse(void **state)
{
	struct fx *f = *state;
	struct iok_sva_handle *h = NULL;
	struct iok_sva *again = NULL;
	struct iok_mm *mm;

	BOOT(f);
	mm = mm_new(f);
	assert_int_equal(iok_mm_set_lam(mm, true), 0);
	assert_int_equal(iok_sva_bind_device(D(f, "01:00.0"), mm, &h), -EBUSY);
	assert_int_equal(iok_mm_get_pasid(mm), IOK_PASID_INVALID);
	assert_int_equal(iok_mm_set_lam(mm, false), 0);
	assert_int_equal(iok_sva_bind_device(NULL, mm, &h), -EINVAL);
	assert_int_equal(iok_sva_bind_device(D(f, "01:00.0"), NULL, &h), -EINVAL);
	assert_int_equal(iok_sva_bind_device(D(f, "01:00.0"), mm, NULL), -EINVAL);
	assert_int_equal(iok_sva_unbind_device(NULL), -EINVAL);
	assert_int_equal(iok_sva_get_pasid(NULL), IOK_PASID_INVALID);
	/* One SVA side per machine: the units' page requests are taken. */
	assert_int_equal(iok_sva_new(f->f, &again), -EBUSY);
	assert_null(again);
	assert_int_equal(iok_mm_exit(mm), 0);
	assert_int_equal(iok_sva_bind_device(D(f, "01:00.0"), mm, &h), -EINVAL);
	assert_null(h);
}

/* virtio has no PASIDs: nothing to allocate. */
static void spec6_1_virtio_enospc(void **state)
{
	struct fx *f = *state;
	struct iok_sva_handle *h = NULL;
	struct iok_mm *mm;

	BOOT(f, .iommu = "virtio");
	mm = mm_new(f);
	assert_int_equal(iok_sva_bind_device(D(f, "01:00.0"), mm, &h), -ENOSPC);
}

/* ---- DMA through the PASID ------------------------------------------------- */

/* The device reads and writes the process's memory at its addresses. */
static void spec6_dma_into_process(void **state)
{
	struct fx *f = *state;
	struct iok_sva_handle *h;
	char buf[16] = { 0 };
	struct iok_mm *mm;
	uint32_t pasid;

	BOOT(f);
	mm = mm_new(f);
	assert_int_equal(iok_mm_map(mm, VA, 4 * SZ_4K, IOK_MM_READ | IOK_MM_WRITE, 0), 0);
	assert_int_equal(iok_mm_write(mm, VA + 0x10, "from the CPU", 12), 0);
	h = bind(f, "01:00.0", mm);
	pasid = iok_sva_get_pasid(h);
	assert_int_equal(dma(f, "01:00.0", pasid, VA + 0x10, buf, 12, false), 0);
	assert_memory_equal(buf, "from the CPU", 12);
	/* Across a page boundary, into two frames. */
	assert_int_equal(dma(f, "01:00.0", pasid, VA + SZ_4K - 4, "from dev", 8, true), 0);
	assert_int_equal(iok_mm_read(mm, VA + SZ_4K - 4, buf, 8), 0);
	assert_memory_equal(buf, "from dev", 8);
	/* Without the PASID the request uses the RID's DMA domain: a fault. */
	assert_int_equal(dma(f, "01:00.0", IOK_PASID_NONE, VA + 0x10, buf, 4, false), -EFAULT);
	assert_int_equal(faults(f, "01:00.0"), 1);
	assert_int_equal(iok_sva_unbind_device(h), 0);
	/* After unbind, DMA on the PASID is a recorded fault (issue 5 item 7). */
	assert_int_equal(dma(f, "01:00.0", pasid, VA + 0x10, buf, 4, false), -EFAULT);
	assert_int_equal(last_fault(f, "01:00.0").reason, IOK_FAULT_NO_PASID);
	assert_int_equal(last_fault(f, "01:00.0").pasid, pasid);
	check(f);
}

/* A page not present: a page request, the page comes, the access retries. */
static void spec6_4_dma_page_fault_resolved(void **state)
{
	struct fx *f = *state;
	struct iok_sva_handle *h;
	struct iok_pri_state st;
	char buf[8] = { 0 };
	struct iok_mm *mm;

	BOOT(f);
	mm = mm_new(f);
	assert_int_equal(iok_mm_map(mm, VA, 2 * SZ_4K, IOK_MM_READ | IOK_MM_WRITE, IOK_MM_ABSENT),
			 0);
	h = bind(f, "01:00.0", mm);
	assert_int_equal(dma(f, "01:00.0", iok_sva_get_pasid(h), VA + 8, "hello", 5, true), 0);
	assert_int_equal(iok_mm_count_present(mm), 1);
	assert_int_equal(iok_mm_read(mm, VA + 8, buf, 5), 0);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(faults(f, "01:00.0"), 0);
	assert_int_equal(iok_dev_get_pri_state(f->sva, D(f, "01:00.0"), &st), 0);
	assert_true(st.capable && st.in_queue && !st.stopped);
	assert_int_equal(st.requests, 1);
	assert_int_equal(st.responses[IOK_PAGE_RESP_SUCCESS], 1);
	/* Evicted, it comes back with its contents. */
	assert_int_equal(iok_mm_evict(mm, VA, 2 * SZ_4K), 1);
	assert_int_equal(dma(f, "01:00.0", iok_sva_get_pasid(h), VA + 8, buf, 5, false), 0);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(iok_dev_get_pri_state(f->sva, D(f, "01:00.0"), &st), 0);
	assert_int_equal(st.requests, 2);
	check(f);
}

/* Refused: no mapping, or a write to a read-only one: INVALID, a fault. */
static void spec6_4_dma_page_fault_refused(void **state)
{
	struct fx *f = *state;
	struct iok_sva_handle *h;
	struct iok_pri_state st;
	char buf[4] = { 0 };
	struct iok_mm *mm;
	uint32_t pasid;

	BOOT(f);
	mm = mm_new(f);
	assert_int_equal(iok_mm_map(mm, VA, SZ_4K, IOK_MM_READ, IOK_MM_ABSENT), 0);
	h = bind(f, "01:00.0", mm);
	pasid = iok_sva_get_pasid(h);
	assert_int_equal(dma(f, "01:00.0", pasid, VA + 0x100000, buf, 4, false), -EFAULT);
	assert_int_equal(last_fault(f, "01:00.0").reason, IOK_FAULT_NOT_PRESENT);
	/* A write to the read-only mapping: refused, the page stays absent... */
	assert_int_equal(dma(f, "01:00.0", pasid, VA, "x", 1, true), -EFAULT);
	assert_int_equal(last_fault(f, "01:00.0").reason, IOK_FAULT_NOT_PRESENT);
	assert_int_equal(iok_mm_count_present(mm), 0);
	/* ...a read brings it; a write to it is then a permission fault. */
	assert_int_equal(dma(f, "01:00.0", pasid, VA, buf, 1, false), 0);
	assert_int_equal(dma(f, "01:00.0", pasid, VA, "x", 1, true), -EFAULT);
	assert_int_equal(last_fault(f, "01:00.0").reason, IOK_FAULT_PERMISSION);
	assert_int_equal(iok_dev_get_pri_state(f->sva, D(f, "01:00.0"), &st), 0);
	assert_int_equal(st.responses[IOK_PAGE_RESP_INVALID], 3);
	assert_int_equal(st.responses[IOK_PAGE_RESP_SUCCESS], 1);
	assert_false(st.stopped);
	/* Without PRI the device sends no request: not present is a fault. */
	bind(f, "03:00.0", mm);
	assert_int_equal(iok_mm_evict(mm, VA, SZ_4K), 1);
	assert_int_equal(dma(f, "03:00.0", pasid, VA, buf, 1, false), -EFAULT);
	assert_int_equal(last_fault(f, "03:00.0").reason, IOK_FAULT_NOT_PRESENT);
	assert_int_equal(iok_dev_get_pri_state(f->sva, D(f, "03:00.0"), &st), 0);
	assert_false(st.capable);
	assert_int_equal(st.requests, 0);
	check(f);
}

/*
 * The mmu notifier: munmap and mprotect invalidate the IOTLB of the PASID,
 * so a device never reaches a frame the process gave back.
 */
static void spec6_notifier_invalidates_iotlb(void **state)
{
	struct fx *f = *state;
	struct iok_sva_handle *h;
	char buf[4] = { 0 };
	struct iok_mm *mm;
	uint32_t pasid;

	BOOT(f);
	mm = mm_new(f);
	assert_int_equal(iok_mm_map(mm, VA, 2 * SZ_4K, IOK_MM_READ | IOK_MM_WRITE, 0), 0);
	h = bind(f, "01:00.0", mm);
	pasid = iok_sva_get_pasid(h);
	/* Cached by a read. */
	assert_int_equal(dma(f, "01:00.0", pasid, VA, buf, 4, false), 0);
	assert_int_equal(dma(f, "01:00.0", pasid, VA, buf, 4, false), 0);
	assert_int_equal(iok_mm_protect(mm, VA, SZ_4K, IOK_MM_READ), 0);
	assert_int_equal(dma(f, "01:00.0", pasid, VA, "w", 1, true), -EFAULT);
	assert_int_equal(last_fault(f, "01:00.0").reason, IOK_FAULT_PERMISSION);
	assert_int_equal(dma(f, "01:00.0", pasid, VA + SZ_4K, "w", 1, true), 0);
	assert_int_equal(iok_mm_unmap(mm, VA, 2 * SZ_4K), 0);
	assert_int_equal(dma(f, "01:00.0", pasid, VA + SZ_4K, buf, 1, false), -EFAULT);
	assert_int_equal(last_fault(f, "01:00.0").reason, IOK_FAULT_NOT_PRESENT);
	check(f);
}

/*
 * spec 10 case 34: exit with a bond: DMA on the PASID fails without a fault
 * record, the PASID stays reserved until the last domain goes, unbind after
 * exit is fine.
 */
static void case10_34_mm_exit_while_bound(void **state)
{
	struct fx *f = *state;
	struct iok_sva_handle *h, *h2 = NULL;
	char buf[4] = { 0 };
	struct iok_mm *mm, *mm2;
	uint32_t pasid;

	BOOT(f);
	mm = mm_new(f);
	assert_int_equal(iok_mm_map(mm, VA, SZ_4K, IOK_MM_READ | IOK_MM_WRITE, 0), 0);
	h = bind(f, "01:00.0", mm);
	pasid = iok_sva_get_pasid(h);
	assert_int_equal(dma(f, "01:00.0", pasid, VA, buf, 4, false), 0);
	assert_int_equal(iok_mm_exit(mm), 0);
	assert_int_equal(iok_sva_count_frames(f->sva), 0);
	assert_int_equal(dma(f, "01:00.0", pasid, VA, buf, 4, false), -EFAULT);
	assert_int_equal(dma(f, "01:00.0", pasid, VA, "x", 1, true), -EFAULT);
	assert_int_equal(faults(f, "01:00.0"), 0);
	/* The binding itself stays: the PASID too, after the owner dropped it. */
	assert_int_equal(iok_sva_get_pasid(h), pasid);
	iok_mm_drop(mm);
	assert_true(iok_global_pasid_in_use(f->m, pasid));
	mm2 = mm_new(f);
	assert_int_equal(iok_sva_bind_device(D(f, "03:00.0"), mm2, &h2), 0);
	assert_int_not_equal(iok_sva_get_pasid(h2), pasid);
	/* Unbind frees the last domain, then the mm and its PASID. */
	assert_int_equal(iok_sva_unbind_device(h), 0);
	assert_false(iok_global_pasid_in_use(f->m, pasid));
	assert_int_equal(dma(f, "01:00.0", pasid, VA, buf, 4, false), -EFAULT);
	assert_int_equal(last_fault(f, "01:00.0").reason, IOK_FAULT_NO_PASID);
	check(f);
}

/* ---- hot-add, hot-remove ----------------------------------------------------- */

/*
 * A device hot-added into a group with a bond gets the group's DMA domain,
 * not the PASID; binding it returns the group's handle, which still leaves
 * it without the PASID (the kernel keys bonds by group and PASID).
 */
static void case10_26_hotadd_into_bound_group(void **state)
{
	struct fx *f = *state;
	struct iok_sva_handle *h, *h2;
	char buf[4] = { 0 };
	struct iok_mm *mm;
	uint32_t pasid;

	BOOT(f, .absent = "02:00.1");
	mm = mm_new(f);
	assert_int_equal(iok_mm_map(mm, VA, SZ_4K, IOK_MM_READ | IOK_MM_WRITE, 0), 0);
	h = bind(f, "02:00.0", mm);
	pasid = iok_sva_get_pasid(h);
	assert_int_equal(iok_machine_hotplug_add(f->m, D(f, "02:00.1")), 0);
	assert_ptr_equal(G(f, "02:00.1"), G(f, "02:00.0"));
	assert_int_equal(dma(f, "02:00.0", pasid, VA, buf, 4, false), 0);
	assert_int_equal(dma(f, "02:00.1", pasid, VA, buf, 4, false), -EFAULT);
	assert_int_equal(last_fault(f, "02:00.1").reason, IOK_FAULT_NO_PASID);
	h2 = bind(f, "02:00.1", mm);
	assert_ptr_equal(h2, h);
	assert_int_equal(dma(f, "02:00.1", pasid, VA, buf, 4, false), -EFAULT);
	check(f);
}

/* The bond's device leaves its group: unbind finds the group by handle. */
static void spec6_2_unbind_after_hotremove(void **state)
{
	struct fx *f = *state;
	struct iok_sva_handle *h;
	struct iok_mm *mm;

	BOOT(f);
	mm = mm_new(f);
	h = bind(f, "02:00.0", mm);
	assert_int_equal(iok_machine_hotplug_remove(f->m, D(f, "02:00.0")), 0);
	assert_int_equal(iok_rgroup_count_pasids(G(f, "02:00.1")), 1);
	assert_int_equal(iok_sva_unbind_device(h), 0);
	assert_int_equal(iok_rgroup_count_pasids(G(f, "02:00.1")), 0);
	check(f);
}

/* ---- the whole group for a user owner (extension, spec 9.4) ------------------ */

static void spec9_4_bind_group(void **state)
{
	struct fx *f = *state;
	struct iok_sva_group_bond *b = NULL;
	struct iok_mm *mm;
	unsigned int warns;
	int owner;

	BOOT(f);
	mm = mm_new(f);
	/* A kernel-owned group: not for this call. */
	assert_int_equal(iok_sva_bind_group(G(f, "02:00.0"), mm, &b), -EPERM);
	assert_int_equal(iok_group_claim_dma_owner(G(f, "02:00.0"), &owner), 0);
	assert_int_equal(iok_sva_bind_group(G(f, "02:00.0"), mm, &b), 0);
	assert_int_equal(iok_sva_group_bond_count_devs(b), 2);
	assert_int_equal(iok_sva_group_bond_get_pasid(b), iok_mm_get_pasid(mm));
	assert_int_equal(iok_rgroup_count_pasids(G(f, "02:00.0")), 1);
	/* The owner may not go while the PASID is attached. */
	assert_int_equal(iok_group_release_dma_owner(G(f, "02:00.0")), -EINVAL);
	assert_int_equal(iok_sva_unbind_group(b), 0);
	assert_int_equal(iok_rgroup_count_pasids(G(f, "02:00.0")), 0);
	warns = iok_machine_get_warnings(f->m);
	assert_int_equal(iok_sva_unbind_group(b), -EINVAL);
	assert_int_equal(iok_machine_get_warnings(f->m), warns + 1);
	assert_int_equal(iok_group_release_dma_owner(G(f, "02:00.0")), 0);
	check(f);
}

/* All or nothing: a device without PASIDs undoes its sibling's bond. */
static void spec9_4_bind_group_rolls_back(void **state)
{
	struct fx *f = *state;
	struct iok_sva_group_bond *b = NULL;
	struct iok_sva_handle *h = NULL;
	struct iok_mm *mm;
	int owner;

	BOOT(f);
	mm = mm_new(f);
	assert_int_equal(iok_group_claim_dma_owner(G(f, "07:00.0"), &owner), 0);
	assert_int_equal(iok_sva_bind_group(G(f, "07:00.0"), mm, &b), -EOVERFLOW);
	assert_null(b);
	assert_int_equal(iok_rgroup_count_pasids(G(f, "07:00.0")), 0);
	/* A driver's bind of the PASID function alone works (today's rule). */
	assert_int_equal(iok_sva_bind_device(D(f, "07:00.0"), mm, &h), 0);
	assert_int_equal(iok_sva_unbind_device(h), 0);
	assert_int_equal(iok_group_release_dma_owner(G(f, "07:00.0")), 0);
	check(f);
}

/* Everything left bound is undone at iok_sva_unref(), without leaks. */
static void spec6_unref_cleans_up(void **state)
{
	struct fx *f = *state;
	struct iok_sva_group_bond *b = NULL;
	struct iok_mm *mm, *mm2;
	int owner;

	BOOT(f);
	mm = mm_new(f);
	mm2 = mm_new(f);
	assert_int_equal(iok_mm_map(mm, VA, 8 * SZ_4K, IOK_MM_READ | IOK_MM_WRITE, 0), 0);
	bind(f, "01:00.0", mm);
	bind(f, "01:00.0", mm2);
	assert_int_equal(iok_group_claim_dma_owner(G(f, "02:00.0"), &owner), 0);
	assert_int_equal(iok_sva_bind_group(G(f, "02:00.0"), mm2, &b), 0);
	iok_sva_unref(f->sva);
	f->sva = NULL;
	assert_int_equal(iok_rgroup_count_pasids(G(f, "01:00.0")), 0);
	assert_int_equal(iok_rgroup_count_pasids(G(f, "02:00.0")), 0);
	assert_false(iok_global_pasid_in_use(f->m, 1));
	check(f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(mm_map_write_read),
		T(mm_evict_protect_unmap),
		T(mm_notifiers),
		T(spec6_1_bind_shares_pasid_and_domain),
		T(case10_28_eoverflow),
		T(case10_29_no_pasid_device),
		T(case10_30_bind_twice_unbind_twice),
		T(case10_31_group_shares_handle),
		T(case10_32_slot_taken_by_paging),
		T(spec6_1_slot_of_other_mm),
		T(case10_33_two_units),
		T(spec9_3_singleton_before_6_2),
		T(spec6_1_lam_and_misuse),
		T(spec6_1_virtio_enospc),
		T(spec6_dma_into_process),
		T(spec6_4_dma_page_fault_resolved),
		T(spec6_4_dma_page_fault_refused),
		T(spec6_notifier_invalidates_iotlb),
		T(case10_34_mm_exit_while_bound),
		T(case10_26_hotadd_into_bound_group),
		T(spec6_2_unbind_after_hotremove),
		T(spec9_4_bind_group),
		T(spec9_4_bind_group_rolls_back),
		T(spec6_unref_cleans_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
