// SPDX-License-Identifier: MIT
/*
 * The IOTLB: coherence with the core's unmap (spec runtime 2.5: iommu_unmap
 * flushes, iommu_unmap_fast leaves it to the caller), stale entries served
 * until invalidated, invalidation by range, domain, PASID and globally,
 * one entry per leaf for 2 MiB and 1 GiB pages, replacement, counters, and
 * the dirty state a write through a clean entry must set.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine-helpers.h"
#include "lib/iommu/iommu-private.h"

#define SZ_4K	0x1000ull
#define SZ_2M	0x200000ull
#define SZ_1G	0x40000000ull
#define RW	(IOK_PROT_READ | IOK_PROT_WRITE)
#define R	IOK_PROT_READ
#define W	IOK_PROT_WRITE

/* Two singleton groups on one unit: 01:00.0 and 02:00.0. */
static const char topo_json[] =
	"{'schema': 1, 'platform': {'iommu': '%s', 'kernel': '6.19'}, 'devices': ["
	"{'bdf': '00:01.0', 'id': '8086:a110', 'pcie': 'root_port', 'secondary': '01',"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '01:00.0', 'id': '144d:a808', 'class': '010802', 'pcie': 'endpoint'},"
	"{'bdf': '00:02.0', 'id': '8086:a111', 'pcie': 'root_port', 'secondary': '02',"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '02:00.0', 'id': '8086:1533', 'class': '020000', 'pcie': 'endpoint'}]}";

#define RID1 0x0100
#define RID2 0x0200

struct fx {
	struct t_fx;		/* ctx, t, m */
	struct iok_iommu_unit *u;
	struct iok_domain *d1, *d2;	/* user domains of 01:00.0 and 02:00.0 */
};

static int boot(struct fx *f, const char *iommu)
{
	static const int owner;
	struct iok_dev *a, *b;

	f->t = t_loadf(f->ctx, topo_json, iommu);
	f->m = t_machine(f->t, NULL);
	a = t_dev(f->t, "01:00.0");
	b = t_dev(f->t, "02:00.0");
	f->u = iok_dev_get_unit(f->m, a);
	assert_ptr_equal(f->u, iok_dev_get_unit(f->m, b));
	/* As VFIO would: claim, then attach a domain of our own. */
	assert_int_equal(iok_domain_alloc_paging(f->m, a, &f->d1), 0);
	assert_int_equal(iok_domain_alloc_paging(f->m, b, &f->d2), 0);
	assert_int_equal(iok_device_claim_dma_owner(f->m, a, &owner), 0);
	assert_int_equal(iok_device_claim_dma_owner(f->m, b, &owner), 0);
	assert_int_equal(iok_attach_device(f->d1, a), 0);
	assert_int_equal(iok_attach_device(f->d2, b), 0);
	iok_unit_reset_iotlb_stats(f->u);
	return 0;
}

static int setup(void **state)
{
	t_fx_alloc(state, sizeof(struct fx));
	return boot(*state, "intel");
}

static int teardown(void **state)
{
	return t_fx_teardown(state);
}

static int xl(struct fx *f, uint16_t rid, uint32_t pasid, uint64_t iova,
	      unsigned int access, struct iok_xlate *x)
{
	struct iok_xlate_req req = {
		.rid = rid, .pasid = pasid, .iova = iova, .len = 8, .access = access,
	};

	return iok_unit_translate(f->u, &req, x);
}

/* Translate @iova for 01:00.0 and return the address, or -1 on a fault. */
static uint64_t pa(struct fx *f, uint64_t iova, bool *cached)
{
	struct iok_xlate x;

	if (cached)
		*cached = false;
	if (xl(f, RID1, IOK_PASID_NONE, iova, R, &x))
		return (uint64_t)-1;
	if (cached)
		*cached = x.from_iotlb;
	return x.paddr;
}

static struct iok_iotlb_stats stats(struct fx *f)
{
	struct iok_iotlb_stats st;

	assert_int_equal(iok_unit_get_iotlb_stats(f->u, &st), 0);
	return st;
}

static int did(struct fx *f, struct iok_domain *d)
{
	int id = iok_unit_get_domain_id(f->u, d);

	assert_true(id > 0);
	return id;
}

/* ---- coherence ---------------------------------------------------------- */

/* Spec 2.5: iommu_unmap() syncs the IOTLB before it returns: no stale translation. */
static void strict_unmap_no_stale(void **state)
{
	struct fx *f = *state;
	bool cached;

	assert_int_equal(iok_map(f->d1, 0x10000, 0x500000, SZ_4K, RW), 0);
	assert_true(pa(f, 0x10008, &cached) == 0x500008);
	assert_false(cached);
	assert_true(pa(f, 0x10010, &cached) == 0x500010);
	assert_true(cached);
	assert_int_equal(iok_unmap(f->d1, 0x10000, SZ_4K), SZ_4K);
	assert_true(pa(f, 0x10008, NULL) == (uint64_t)-1);
	assert_int_equal(stats(f).inv_range, 1);
	assert_int_equal(stats(f).entries, 0);
	/* Mapped again elsewhere: the new address, never the old one. */
	assert_int_equal(iok_map(f->d1, 0x10000, 0x900000, SZ_4K, RW), 0);
	assert_true(pa(f, 0x10008, NULL) == 0x900008);
}

/*
 * Spec 2.5: iommu_unmap_fast() leaves the sync to the caller. Until it
 * flushes, the device still reaches the old page: the bug a missing flush
 * is, made visible.
 */
static void fast_unmap_stale_until_flush(void **state)
{
	struct fx *f = *state;
	bool cached;

	assert_int_equal(iok_map(f->d1, 0x10000, 0x500000, 2 * SZ_4K, RW), 0);
	assert_true(pa(f, 0x10008, NULL) == 0x500008);
	assert_true(pa(f, 0x11008, NULL) == 0x501008);
	assert_int_equal(iok_unmap_fast(f->d1, 0x10000, 2 * SZ_4K), 2 * SZ_4K);
	assert_true(iok_iova_to_phys(f->d1, 0x10000) == 0);
	assert_true(pa(f, 0x10008, &cached) == 0x500008);
	assert_true(cached);
	/* Remapped elsewhere without a flush: still the stale page. */
	assert_int_equal(iok_map(f->d1, 0x10000, 0xa00000, SZ_4K, RW), 0);
	assert_true(pa(f, 0x10008, NULL) == 0x500008);
	assert_int_equal(iok_domain_flush_range(f->d1, 0x10000, 2 * SZ_4K), 0);
	assert_true(pa(f, 0x10008, &cached) == 0xa00008);
	assert_false(cached);
	assert_true(pa(f, 0x11008, NULL) == (uint64_t)-1);
	assert_int_equal(stats(f).inv_range, 1);
	/* flush_all: the domain-selective invalidation. */
	assert_int_equal(iok_unmap_fast(f->d1, 0x10000, SZ_4K), SZ_4K);
	assert_true(pa(f, 0x10008, NULL) == 0xa00008);
	assert_int_equal(iok_domain_flush_all(f->d1), 0);
	assert_true(pa(f, 0x10008, NULL) == (uint64_t)-1);
	assert_int_equal(stats(f).inv_domain, 1);
	/* Misuse. */
	assert_int_equal(iok_domain_flush_range(NULL, 0, 1), -EINVAL);
	assert_int_equal(iok_domain_flush_range(f->d1, 0, 0), -EINVAL);
	assert_int_equal(iok_domain_flush_range(f->d1, UINT64_MAX, 2), -EINVAL);
	assert_int_equal(iok_domain_flush_all(NULL), -EINVAL);
	assert_int_equal(iok_unmap_fast(NULL, 0, SZ_4K), 0);
}

/* Flushing a domain that has no ID anywhere is a no-op. */
static void flush_unattached_domain(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;

	assert_int_equal(iok_domain_alloc_paging(f->m, t_dev(f->t, "01:00.0"), &d), 0);
	assert_int_equal(iok_domain_flush_range(d, 0, SZ_4K), 0);
	assert_int_equal(iok_domain_flush_all(d), 0);
	assert_int_equal(stats(f).inv_range + stats(f).inv_domain, 0);
	assert_int_equal(iok_domain_free(d), 0);
}

/* ---- invalidation kinds ------------------------------------------------- */

static void fill_pages(struct fx *f, uint64_t base, unsigned int n)
{
	unsigned int i;

	assert_int_equal(iok_map(f->d1, base, 0x4000000, n * SZ_4K, RW), 0);
	for (i = 0; i < n; i++)
		assert_true(pa(f, base + i * SZ_4K, NULL) == 0x4000000 + i * SZ_4K);
}

static void inv_range(void **state)
{
	struct fx *f = *state;
	bool cached;
	unsigned int i;

	fill_pages(f, 0x100000, 8);
	assert_int_equal(stats(f).entries, 8);
	/* Pages 2..4, given as a byte range that touches page 4 only by its first byte. */
	assert_int_equal(iok_unit_iotlb_flush_range(f->u, did(f, f->d1), IOK_PASID_NONE,
						    0x102000, 2 * SZ_4K + 1), 0);
	for (i = 0; i < 8; i++) {
		assert_true(pa(f, 0x100000 + i * SZ_4K, &cached) != (uint64_t)-1);
		if (cached != (i < 2 || i > 4))
			fail_msg("page %u: cached %d", i, cached);
	}
	assert_int_equal(stats(f).inv_range, 1);
	assert_int_equal(stats(f).inv_entries, 3);
	/* Another PASID's range, another domain's: nothing goes. */
	assert_int_equal(iok_unit_iotlb_flush_range(f->u, did(f, f->d1), 5, 0x100000, SZ_1G), 0);
	assert_int_equal(iok_unit_iotlb_flush_range(f->u, did(f, f->d2), IOK_PASID_NONE,
						    0x100000, SZ_1G), 0);
	assert_int_equal(stats(f).entries, 8);
	/* A range wider than the array sweeps it whole. */
	assert_int_equal(iok_unit_iotlb_flush_range(f->u, did(f, f->d1), IOK_PASID_NONE,
						    0, 1ull << 47), 0);
	assert_int_equal(stats(f).entries, 0);
	/* Misuse. */
	assert_int_equal(iok_unit_iotlb_flush_range(f->u, 0, IOK_PASID_NONE, 0, 1), -EINVAL);
	assert_int_equal(iok_unit_iotlb_flush_range(f->u, 1, IOK_PASID_NONE, 0, 0), -EINVAL);
	assert_int_equal(iok_unit_iotlb_flush_range(f->u, 1, 1u << 20, 0, 1), -EINVAL);
	assert_int_equal(iok_unit_iotlb_flush_range(NULL, 1, IOK_PASID_NONE, 0, 1), -EINVAL);
	assert_int_equal(iok_unit_iotlb_flush_range(f->u, 1, IOK_PASID_NONE, 2, UINT64_MAX),
			 -EINVAL);
	assert_int_equal(iok_unit_iotlb_flush_range(f->u, 1, IOK_PASID_NONE, 1, UINT64_MAX), 0);
}

static void inv_domain_and_global(void **state)
{
	struct fx *f = *state;
	struct iok_xlate x;

	fill_pages(f, 0x100000, 4);
	assert_int_equal(iok_map(f->d2, 0x100000, 0x8000000, SZ_4K, RW), 0);
	assert_int_equal(xl(f, RID2, IOK_PASID_NONE, 0x100000, R, &x), 0);
	assert_int_equal(stats(f).entries, 5);
	assert_int_equal(iok_unit_iotlb_flush_domain(f->u, did(f, f->d1)), 0);
	assert_int_equal(stats(f).entries, 1);
	assert_int_equal(xl(f, RID2, IOK_PASID_NONE, 0x100000, R, &x), 0);
	assert_true(x.from_iotlb);
	assert_int_equal(iok_unit_iotlb_flush_all(f->u), 0);
	assert_int_equal(stats(f).entries, 0);
	assert_int_equal(xl(f, RID2, IOK_PASID_NONE, 0x100000, R, &x), 0);
	assert_false(x.from_iotlb);
	assert_int_equal(stats(f).inv_domain, 1);
	assert_int_equal(stats(f).inv_global, 1);
	assert_int_equal(iok_unit_iotlb_flush_domain(f->u, 0), -EINVAL);
	assert_int_equal(iok_unit_iotlb_flush_domain(f->u, IOK_DID_MAX + 1), -EINVAL);
	assert_int_equal(iok_unit_iotlb_flush_all(NULL), -EINVAL);
}

/* Entries are tagged by PASID: a PASID-selective invalidation keeps the others. */
static void inv_pasid(void **state)
{
	struct fx *f = *state;
	struct iok_dev *a = t_dev(f->t, "01:00.0");
	struct iok_xlate x;
	int id;

	assert_int_equal(iok_map(f->d1, 0, 0x3000000, SZ_4K, RW), 0);
	/* PASID 9 of 01:00.0 translates with the same domain, same ID (the
	 * hardware half of set_dev_pasid only: no check until it is cleared). */
	assert_int_equal(iok_context_set_pasid(f->m, a, 9, f->d1), 0);
	id = did(f, f->d1);
	assert_int_equal(xl(f, RID1, 9, 0, R, &x), 0);
	assert_int_equal(xl(f, RID1, IOK_PASID_NONE, 0, R, &x), 0);
	assert_false(x.from_iotlb);
	assert_int_equal(stats(f).entries, 2);
	assert_int_equal(iok_unit_iotlb_flush_pasid(f->u, id, 9), 0);
	assert_int_equal(stats(f).entries, 1);
	assert_int_equal(xl(f, RID1, IOK_PASID_NONE, 0, R, &x), 0);
	assert_true(x.from_iotlb);
	assert_int_equal(xl(f, RID1, 9, 0, R, &x), 0);
	assert_false(x.from_iotlb);
	assert_int_equal(iok_unit_iotlb_flush_pasid(f->u, id, IOK_PASID_NONE), 0);
	assert_int_equal(stats(f).entries, 1);
	assert_int_equal(xl(f, RID1, 9, 0, R, &x), 0);
	assert_true(x.from_iotlb);
	assert_int_equal(stats(f).inv_pasid, 2);
	/* A strict unmap drops the range for every PASID of the domain. */
	assert_int_equal(iok_unmap(f->d1, 0, SZ_4K), SZ_4K);
	assert_int_equal(stats(f).entries, 0);
	assert_int_equal(iok_unit_iotlb_flush_pasid(f->u, id, 1u << 20), -EINVAL);
	assert_int_equal(iok_context_set_pasid(f->m, a, 9, NULL), 0);
	assert_int_equal(iok_machine_check(f->m), 0);
}

/* ---- large pages -------------------------------------------------------- */

/* One entry per leaf: every address of a 2 MiB or 1 GiB page hits it. */
static void large_page_entries(void **state)
{
	struct fx *f = *state;
	struct iok_xlate x;

	assert_int_equal(iok_map(f->d1, SZ_1G, 2 * SZ_1G, SZ_2M, RW), 0);
	assert_int_equal(iok_map(f->d1, 4 * SZ_1G, 8 * SZ_1G, SZ_1G, RW), 0);
	assert_int_equal(xl(f, RID1, IOK_PASID_NONE, SZ_1G + 0x1234, W, &x), 0);
	assert_true(x.paddr == 2 * SZ_1G + 0x1234);
	assert_int_equal(x.pgsize, SZ_2M);
	assert_false(x.from_iotlb);
	assert_int_equal(xl(f, RID1, IOK_PASID_NONE, SZ_1G + SZ_2M - 8, R, &x), 0);
	assert_true(x.from_iotlb);
	assert_true(x.paddr == 2 * SZ_1G + SZ_2M - 8 && x.len == 8);
	assert_int_equal(xl(f, RID1, IOK_PASID_NONE, 4 * SZ_1G + 0x12345678, R, &x), 0);
	assert_int_equal(x.pgsize, SZ_1G);
	assert_int_equal(xl(f, RID1, IOK_PASID_NONE, 5 * SZ_1G - 4, W, &x), 0);
	assert_true(x.from_iotlb);
	assert_true(x.paddr == 9 * SZ_1G - 4 && x.len == 4);
	assert_int_equal(stats(f).entries, 2);
	assert_int_equal(stats(f).fills, 2);
	assert_int_equal(stats(f).hits, 2);
	assert_int_equal(stats(f).misses, 2);
	/* Invalidating one 4 KiB page inside a leaf drops the whole leaf's entry. */
	assert_int_equal(iok_unit_iotlb_flush_range(f->u, did(f, f->d1), IOK_PASID_NONE,
						    SZ_1G + 0x5000, SZ_4K), 0);
	assert_int_equal(stats(f).entries, 1);
	assert_int_equal(iok_unit_iotlb_flush_range(f->u, did(f, f->d1), IOK_PASID_NONE,
						    5 * SZ_1G - 1, 1), 0);
	assert_int_equal(stats(f).entries, 0);
	/* The 1 GiB page removed whole by a strict unmap (spec 10 case 10). */
	assert_int_equal(xl(f, RID1, IOK_PASID_NONE, 4 * SZ_1G, R, &x), 0);
	assert_true(iok_unmap(f->d1, 4 * SZ_1G, SZ_1G) == SZ_1G);
	assert_int_equal(xl(f, RID1, IOK_PASID_NONE, 4 * SZ_1G + SZ_2M, R, &x), -EFAULT);
}

/* ---- capacity, replacement, counters ------------------------------------ */

/* Two ways per set, least recently used replaced. */
static void replacement_lru(void **state)
{
	struct fx *f = *state;
	bool cached;

	/* One set of two ways per page size. */
	assert_int_equal(iok_unit_set_iotlb_capacity(f->u, 2), 0);
	assert_int_equal(iok_map(f->d1, 0, 0x6000000, 3 * SZ_4K, RW), 0);
	pa(f, 0x0000, NULL);		/* A */
	pa(f, 0x1000, NULL);		/* B */
	pa(f, 0x0000, &cached);		/* A again: B is now the LRU */
	assert_true(cached);
	pa(f, 0x2000, NULL);		/* C replaces B */
	assert_int_equal(stats(f).evictions, 1);
	assert_int_equal(stats(f).entries, 2);
	pa(f, 0x0000, &cached);
	assert_true(cached);
	pa(f, 0x2000, &cached);
	assert_true(cached);
	pa(f, 0x1000, &cached);
	assert_false(cached);
	assert_int_equal(stats(f).capacity, 2);
	/* An evicted entry is gone: its stale translation with it. */
	assert_int_equal(iok_machine_check(f->m), 0);
}

static void capacity_settings(void **state)
{
	struct fx *f = *state;
	bool cached;

	assert_int_equal(stats(f).capacity, IOTLB_DEF_ENTRIES);
	assert_int_equal(iok_map(f->d1, 0, 0x6000000, SZ_4K, RW), 0);
	pa(f, 0, NULL);
	assert_int_equal(stats(f).entries, 1);
	/* Resizing drops the entries, uncounted. */
	assert_int_equal(iok_unit_set_iotlb_capacity(f->u, 4096), 0);
	assert_int_equal(stats(f).entries, 0);
	assert_int_equal(stats(f).inv_entries, 0);
	/* 0: nothing is cached, every access walks. */
	assert_int_equal(iok_unit_set_iotlb_capacity(f->u, 0), 0);
	pa(f, 0, &cached);
	pa(f, 0, &cached);
	assert_false(cached);
	assert_int_equal(stats(f).entries, 0);
	assert_int_equal(iok_unit_set_iotlb_capacity(f->u, 3), -EINVAL);
	assert_int_equal(iok_unit_set_iotlb_capacity(f->u, 1), -EINVAL);
	assert_int_equal(iok_unit_set_iotlb_capacity(f->u, 1u << 21), -EINVAL);
	assert_int_equal(iok_unit_set_iotlb_capacity(NULL, 16), -EINVAL);
	assert_int_equal(stats(f).capacity, 0);
	assert_int_equal(iok_unit_get_iotlb_stats(NULL, NULL), -EINVAL);
}

static void counters(void **state)
{
	struct fx *f = *state;
	struct iok_iotlb_stats st;
	unsigned int i;

	fill_pages(f, 0, 16);
	for (i = 0; i < 16; i++)
		pa(f, i * SZ_4K + 8, NULL);
	/* A fault is a miss; it fills nothing. */
	pa(f, 0x800000, NULL);
	st = stats(f);
	assert_int_equal(st.misses, 17);
	assert_int_equal(st.hits, 16);
	assert_int_equal(st.fills, 16);
	assert_int_equal(st.evictions, 0);
	iok_unit_reset_iotlb_stats(f->u);
	st = stats(f);
	assert_true(st.hits == 0 && st.misses == 0 && st.fills == 0);
	/* The entries stay. */
	assert_int_equal(st.entries, 16);
}

/*
 * The domain ID released with its last device takes its entries along: a
 * later domain that reuses the ID must not see them.
 */
static void released_id_flushed(void **state)
{
	struct fx *f = *state;
	struct iok_dev *a = t_dev(f->t, "01:00.0");
	struct iok_domain *d3;
	int id;

	fill_pages(f, 0, 4);
	id = did(f, f->d1);
	assert_int_equal(iok_detach_device(f->d1, a), 0);
	assert_int_equal(iok_unit_get_domain_id(f->u, f->d1), -ENOENT);
	assert_int_equal(stats(f).entries, 0);
	assert_int_equal(iok_domain_alloc_paging(f->m, a, &d3), 0);
	assert_int_equal(iok_attach_device(d3, a), 0);
	assert_int_equal(did(f, d3), id);
	assert_true(pa(f, 0, NULL) == (uint64_t)-1);
	assert_int_equal(iok_detach_device(d3, a), 0);
	assert_int_equal(iok_domain_free(d3), 0);
}

static int cnt(uint64_t iova, uint64_t size, void *arg)
{
	(void)iova;
	(void)size;
	(*(unsigned int *)arg)++;
	return 0;
}

/*
 * A write through an entry filled by a read walks the table to set the
 * dirty state, as hardware must. Once the entry is marked dirty, later
 * writes do not walk: clearing the dirty bits without an IOTLB flush loses
 * the next writes, which is why iommufd flushes after reading them.
 */
static void dirty_through_iotlb(void **state)
{
	struct fx *f = *state;
	struct iok_pgtable *pt = iok_domain_get_pgtable(f->d1);
	unsigned int n;
	struct iok_xlate x;

	assert_int_equal(iok_pgtable_set_features(pt, IOK_PGTABLE_DIRTY_TRACKING), 0);
	assert_int_equal(iok_map(f->d1, 0, 0x6000000, SZ_4K, RW), 0);
	assert_int_equal(xl(f, RID1, IOK_PASID_NONE, 0, R, &x), 0);
	/* A read leaves the page clean. */
	n = 0;
	assert_int_equal(iok_pgtable_read_and_clear_dirty(pt, 0, SZ_4K, IOK_DIRTY_NO_CLEAR,
							  cnt, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(xl(f, RID1, IOK_PASID_NONE, 0, W, &x), 0);
	assert_true(x.from_iotlb);
	n = 0;
	assert_int_equal(iok_pgtable_read_and_clear_dirty(pt, 0, SZ_4K, 0, cnt, &n), 0);
	assert_int_equal(n, 1);
	/* Dirty entry cached: this write leaves no trace. */
	assert_int_equal(xl(f, RID1, IOK_PASID_NONE, 0, W, &x), 0);
	n = 0;
	assert_int_equal(iok_pgtable_read_and_clear_dirty(pt, 0, SZ_4K, 0, cnt, &n), 0);
	assert_int_equal(n, 0);
	/* After the flush the next write walks and marks it. */
	assert_int_equal(iok_domain_flush_range(f->d1, 0, SZ_4K), 0);
	assert_int_equal(xl(f, RID1, IOK_PASID_NONE, 0, W, &x), 0);
	n = 0;
	assert_int_equal(iok_pgtable_read_and_clear_dirty(pt, 0, SZ_4K, 0, cnt, &n), 0);
	assert_int_equal(n, 1);
}

/* A stale clean entry: the write's dirty walk finds nothing and faults. */
static void stale_clean_entry_write_faults(void **state)
{
	struct fx *f = *state;
	struct iok_xlate x;

	assert_int_equal(iok_map(f->d1, 0, 0x6000000, SZ_4K, RW), 0);
	assert_int_equal(xl(f, RID1, IOK_PASID_NONE, 0, R, &x), 0);
	assert_int_equal(iok_unmap_fast(f->d1, 0, SZ_4K), SZ_4K);
	/* Reads are served stale; a write needs the walk. */
	assert_int_equal(xl(f, RID1, IOK_PASID_NONE, 0, R, &x), 0);
	assert_true(x.from_iotlb);
	assert_int_equal(xl(f, RID1, IOK_PASID_NONE, 0, W, &x), -EFAULT);
	assert_int_equal(stats(f).entries, 0);
	assert_int_equal(iok_machine_check(f->m), 0);
}

/* The same behaviour on every driver's page-table format. */
static void arm_format_coherence(void **state)
{
	struct fx *f = *state;

	iok_machine_unref(f->m);
	iok_topo_unref(f->t);
	boot(f, "arm");
	assert_int_equal(iok_map(f->d1, 0x10000, 0x500000, SZ_4K, RW), 0);
	assert_true(pa(f, 0x10008, NULL) == 0x500008);
	assert_int_equal(iok_unmap_fast(f->d1, 0x10000, SZ_4K), SZ_4K);
	assert_true(pa(f, 0x10008, NULL) == 0x500008);
	assert_int_equal(iok_unmap(f->d1, 0x10000, SZ_4K), 0);
	/* Nothing unmapped, nothing flushed: still stale. */
	assert_true(pa(f, 0x10008, NULL) == 0x500008);
	assert_int_equal(iok_domain_flush_range(f->d1, 0x10000, SZ_4K), 0);
	assert_true(pa(f, 0x10008, NULL) == (uint64_t)-1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(strict_unmap_no_stale),
		T(fast_unmap_stale_until_flush),
		T(flush_unattached_domain),
		T(inv_range),
		T(inv_domain_and_global),
		T(inv_pasid),
		T(large_page_entries),
		T(replacement_lru),
		T(capacity_settings),
		T(counters),
		T(released_id_flushed),
		T(dirty_through_iotlb),
		T(stale_clean_entry_write_faults),
		T(arm_format_coherence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
