// SPDX-License-Identifier: MIT
/*
 * The DMA data path's shortcuts behave exactly as the long way does.
 *
 * The DMA API keeps what it found out about a device (driver, group,
 * owner, default domain, cookie, IOVA limit) until the core's generation
 * moves; each change the core makes must show at the very next call (spec
 * runtime 3.3 hot-remove, 4.2 ownership, 2.4 DMA to DMA-FQ live, 2.1
 * identity is dma-direct). A domain freed and another allocated in its
 * place gets a cookie of its own. An unmap's translation check comes from
 * the unmap itself and must refuse in the same order, changing nothing.
 * The core's one-step map/unmap of a 4 KiB run returns the errors of the
 * general path (spec 2.5), and the IOVA caches switched off hold nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "machine-helpers.h"

#define SZ_4K	0x1000ull
#define SZ_2M	0x200000ull

/*
 *   01:00.0        an NVMe alone in its group
 *   02:00.0        a NIC alone in its group
 */
static const char machine_json[] =
	"{'schema': 1, 'platform': {'iommu': 'intel', 'kernel': '6.19'}, 'devices': ["
	"{'bdf': '00:01.0', 'id': '8086:a110', 'pcie': 'root_port', 'secondary': '01',"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '01:00.0', 'id': '144d:a808', 'class': '010802', 'pcie': 'endpoint'},"
	"{'bdf': '00:02.0', 'id': '8086:a111', 'pcie': 'root_port', 'secondary': '02',"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '02:00.0', 'id': '1af4:1041', 'class': '020000', 'pcie': 'endpoint'}]}";

struct fx {
	struct t_fx;		/* ctx, t, m, dma */
	struct iok_dev *nvme;
	struct iok_rgroup *rg;
};

static int setup(void **state)
{
	struct fx *f;

	t_fx_alloc(state, sizeof(*f));
	f = *state;
	f->t = t_loadf(f->ctx, machine_json);
	t_param(f->t, "cmdline", "iommu.strict=1");
	f->m = t_machine(f->t, NULL);
	f->dma = t_dma(f->m);
	f->nvme = t_dev(f->t, "01:00.0");
	f->rg = t_rgroup(f->m, f->nvme);
	return 0;
}

static int teardown(void **state)
{
	return t_fx_teardown(state);
}

static struct iok_dma_stats stats(struct fx *f)
{
	struct iok_dma_stats st;

	assert_int_equal(iok_dma_get_stats(f->dma, &st), 0);
	return st;
}

static int map(struct fx *f, uint64_t paddr, size_t size, uint64_t *addr)
{
	*addr = 0;
	return iok_dma_map_single(f->dma, f->nvme, paddr, size, IOK_DMA_BIDIRECTIONAL, addr);
}

static int unmap(struct fx *f, uint64_t addr, size_t size)
{
	return iok_dma_unmap_single(f->dma, f->nvme, addr, size, IOK_DMA_BIDIRECTIONAL);
}

static struct iok_domain *def(struct fx *f)
{
	return iok_rgroup_get_default_domain(f->rg);
}

/* Each change of the core shows at the next call, though the last one was served from the cache. */
static void cached_state_follows_the_core(void **state)
{
	struct fx *f = *state;
	static const int user;
	uint64_t addr, a2;

	assert_int_equal(iok_device_bind_driver(f->m, f->nvme, "nvme", false), 0);
	assert_int_equal(map(f, 0x5000, SZ_4K, &addr), 0);
	assert_int_not_equal(addr, 0x5000);
	assert_int_equal(unmap(f, addr, SZ_4K), 0);
	assert_int_equal(map(f, 0x6000, SZ_4K, &addr), 0);

	/* The driver goes (spec 4.2: a DMA-API driver): refused, the mapping stays. */
	assert_int_equal(iok_device_unbind_driver(f->m, f->nvme), 0);
	assert_int_equal(map(f, 0x7000, SZ_4K, &a2), -ENODEV);
	assert_int_equal(unmap(f, addr, SZ_4K), -ENODEV);
	assert_int_equal(iok_iova_to_phys(def(f), addr), 0x6000);

	/* It comes back: the mapping of before is found again. */
	assert_int_equal(iok_device_bind_driver(f->m, f->nvme, "nvme", false), 0);
	assert_int_equal(unmap(f, addr, SZ_4K), 0);

	/* User space owns the group (vfio-pci): refused until it lets go. */
	assert_int_equal(iok_device_unbind_driver(f->m, f->nvme), 0);
	assert_int_equal(iok_device_bind_driver(f->m, f->nvme, "vfio-pci", true), 0);
	assert_int_equal(iok_group_claim_dma_owner(f->rg, &user), 0);
	assert_int_equal(map(f, 0x7000, SZ_4K, &a2), -EPERM);
	assert_int_equal(iok_group_release_dma_owner(f->rg), 0);
	assert_int_equal(map(f, 0x7000, SZ_4K, &a2), 0);
	assert_int_equal(unmap(f, a2, SZ_4K), 0);
	assert_int_equal(iok_device_unbind_driver(f->m, f->nvme), 0);

	/* Identity: dma-direct at once; DMA again: IOVAs at once. */
	assert_int_equal(iok_group_set_default_type(f->rg, "identity"), 0);
	assert_int_equal(iok_device_bind_driver(f->m, f->nvme, "nvme", false), 0);
	assert_int_equal(map(f, 0x8000, SZ_4K, &a2), 0);
	assert_int_equal(a2, 0x8000);
	assert_int_equal(map(f, 0x9000, SZ_4K, &a2), 0);
	assert_int_equal(a2, 0x9000);
	assert_int_equal(iok_device_unbind_driver(f->m, f->nvme), 0);
	assert_int_equal(iok_group_set_default_type(f->rg, "DMA"), 0);
	assert_int_equal(iok_device_bind_driver(f->m, f->nvme, "nvme", false), 0);
	assert_int_equal(map(f, 0x8000, SZ_4K, &a2), 0);
	assert_int_not_equal(a2, 0x8000);
	assert_int_equal(iok_iova_to_phys(def(f), a2), 0x8000);

	/* DMA to DMA-FQ, live (spec 2.4): the next unmap is queued, not flushed. */
	assert_int_equal(iok_group_set_default_type(f->rg, "DMA-FQ"), 0);
	assert_int_equal(unmap(f, a2, SZ_4K), 0);
	assert_int_equal(stats(f).fq_queued, 1);
	assert_int_equal(stats(f).fq_pending, 1);

	/* Hot-remove unbinds (spec 3.3): refused as a device without driver. */
	assert_int_equal(map(f, 0xa000, SZ_4K, &a2), 0);
	assert_int_equal(iok_machine_hotplug_remove(f->m, f->nvme), 0);
	assert_int_equal(map(f, 0xb000, SZ_4K, &a2), -ENODEV);
	assert_int_equal(unmap(f, a2, SZ_4K), -ENODEV);
	assert_int_equal(iok_machine_check(f->m), 0);
}

/* A domain freed, and a new default domain (perhaps at its address): a cookie of its own. */
static void new_domain_new_cookie(void **state)
{
	struct fx *f = *state;
	struct iok_iovad_stats st;
	struct iok_domain *old;
	uint64_t addr, leaked;

	assert_int_equal(iok_device_bind_driver(f->m, f->nvme, "nvme", false), 0);
	assert_int_equal(map(f, 0x1000, SZ_4K, &addr), 0);
	assert_int_equal(unmap(f, addr, SZ_4K), 0);
	assert_int_equal(map(f, 0x2000, SZ_4K, &leaked), 0);
	old = def(f);
	assert_non_null(iok_dma_get_domain_iovad(f->dma, f->nvme));
	assert_int_equal(iok_device_unbind_driver(f->m, f->nvme), 0);
	assert_int_equal(iok_group_set_default_type(f->rg, "identity"), 0);
	assert_int_equal(iok_group_set_default_type(f->rg, "DMA"), 0);
	assert_int_equal(iok_device_bind_driver(f->m, f->nvme, "nvme", false), 0);
	/* Whether or not malloc gave the new domain the old one's address: nothing inherited. */
	if (def(f) == old)
		print_message("the new default domain took the freed one's address\n");
	assert_null(iok_dma_get_domain_iovad(f->dma, f->nvme));
	assert_int_equal(unmap(f, leaked, SZ_4K), -ENOENT);
	assert_int_equal(map(f, 0x3000, SZ_4K, &addr), 0);
	assert_int_equal(iok_iovad_get_stats(iok_dma_get_domain_iovad(f->dma, f->nvme), &st), 0);
	assert_int_equal(st.allocs, 1);
	assert_int_equal(st.allocated_ranges, 1);
	assert_int_equal(stats(f).live, 1);
	assert_int_equal(iok_iova_to_phys(def(f), addr), 0x3000);
}

/* A new mask takes effect at the next call (the limit is part of the cached state). */
static void mask_change_takes_effect(void **state)
{
	struct fx *f = *state;
	uint64_t addr;

	assert_int_equal(iok_device_bind_driver(f->m, f->nvme, "nvme", false), 0);
	assert_int_equal(iok_dma_set_mask(f->dma, f->nvme, UINT64_MAX), 0);
	assert_int_equal(map(f, 0x1000, SZ_4K, &addr), 0);
	assert_true(addr > 0xffffffffull);
	assert_int_equal(unmap(f, addr, SZ_4K), 0);
	assert_int_equal(iok_dma_set_mask(f->dma, f->nvme, 0xffffffffull), 0);
	/* The range just freed is cached, but lies above the new limit. */
	assert_int_equal(map(f, 0x1000, SZ_4K, &addr), 0);
	assert_true(addr <= 0xffffffffull);
	assert_int_equal(unmap(f, addr, SZ_4K), 0);
}

/*
 * An unmap behind the DMA API's back: the translation check refuses first
 * (-ENOENT), before a mismatch, and nothing changes; a mapping whose first
 * page still translates is unmapped, with a WARN for the missing rest.
 */
static void unmap_translation_check(void **state)
{
	struct fx *f = *state;
	struct iok_iovad_stats st;
	struct iok_dma_stats before;
	uint64_t a, b;

	assert_int_equal(iok_device_bind_driver(f->m, f->nvme, "nvme", false), 0);
	assert_int_equal(map(f, 0x10000, 2 * SZ_4K, &a), 0);
	assert_int_equal(map(f, 0x20000, 2 * SZ_4K, &b), 0);
	/* The first page of a, the second of b, go. */
	assert_int_equal(iok_unmap(def(f), a, SZ_4K), SZ_4K);
	assert_int_equal(iok_unmap(def(f), b + SZ_4K, SZ_4K), SZ_4K);
	before = stats(f);
	assert_int_equal(unmap(f, a, SZ_4K), -ENOENT);
	assert_int_equal(unmap(f, a, 2 * SZ_4K), -ENOENT);
	assert_int_equal(stats(f).warnings, before.warnings + 2);
	assert_int_equal(stats(f).live, 2);
	assert_int_equal(iok_iova_to_phys(def(f), a + SZ_4K), 0x11000);
	assert_int_equal(iok_iovad_get_stats(iok_dma_get_domain_iovad(f->dma, f->nvme), &st), 0);
	assert_int_equal(st.allocated_ranges, 2);
	/* b's first page translates: a mismatch is a mismatch, the right unmap goes through. */
	assert_int_equal(unmap(f, b, SZ_4K), -EINVAL);
	assert_int_equal(stats(f).live, 2);
	assert_int_equal(unmap(f, b, 2 * SZ_4K), 0);
	assert_int_equal(stats(f).warnings, before.warnings + 4);
	assert_int_equal(stats(f).live, 1);
	assert_int_equal(iok_iova_to_phys(def(f), b), 0);
	assert_int_equal(iok_iovad_get_stats(iok_dma_get_domain_iovad(f->dma, f->nvme), &st), 0);
	assert_int_equal(st.allocated_ranges, 1);
}

/* Spec 2.5: the one-step 4 KiB map and unmap fail as iommu_map()/iommu_unmap() do. */
static void core_4k_runs(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;
	uint64_t top;

	assert_int_equal(iok_domain_alloc_paging(f->m, f->nvme, &d), 0);
	assert_int_equal(iok_domain_get_geometry(d, &(uint64_t){ 0 }, &top, NULL), 0);
	/* No permission, unaligned, beyond the aperture. */
	assert_int_equal(iok_map(d, 0x100000, 0x1000, SZ_4K, 0), -EINVAL);
	assert_int_equal(iok_map(d, 0x100800, 0x1000, SZ_4K, IOK_PROT_READ), -EINVAL);
	assert_int_equal(iok_map(d, top + 1, 0x1000, SZ_4K, IOK_PROT_READ), -ERANGE);
	assert_int_equal(iok_map(d, top + 1 - SZ_4K, 0x1000, 2 * SZ_4K, IOK_PROT_READ), -ERANGE);
	assert_int_equal(iok_map(d, 0x100000, 0x1000, 0, IOK_PROT_READ), 0);
	assert_int_equal(iok_pgtable_table_pages(iok_domain_get_pgtable(d)), 1);
	/* An overlap in the middle of a run: all or nothing. */
	assert_int_equal(iok_map(d, 0x102000, 0x9000, SZ_4K, IOK_PROT_READ), 0);
	assert_int_equal(iok_map(d, 0x100000, 0x1000, 4 * SZ_4K, IOK_PROT_READ), -EEXIST);
	assert_int_equal(iok_iova_to_phys(d, 0x100000), 0);
	assert_int_equal(iok_iova_to_phys(d, 0x101000), 0);
	assert_int_equal(iok_iova_to_phys(d, 0x102000), 0x9000);
	assert_int_equal(iok_map(d, 0x100000, 0x1000, 2 * SZ_4K, IOK_PROT_READ), 0);
	assert_int_equal(iok_iova_to_phys(d, 0x101000), 0x2000);
	/* A hole ends an unmap; a 2 MiB run takes the general path and a 2 MiB page. */
	assert_int_equal(iok_unmap(d, 0x100000, 8 * SZ_4K), 3 * SZ_4K);
	assert_int_equal(iok_unmap(d, 0x100000, SZ_4K), 0);
	assert_int_equal(iok_map(d, 0x400000, 0x600000, SZ_2M, IOK_PROT_WRITE), 0);
	assert_int_equal(iok_iova_to_phys(d, 0x400000 + 0x1234), 0x601234);
	/* Unmapping 4 KiB at the start of a 2 MiB page takes the whole page (x86). */
	assert_int_equal(iok_unmap(d, 0x400000, SZ_4K), SZ_2M);
	assert_int_equal(iok_iova_to_phys(d, 0x500000), 0);
	assert_int_equal(iok_pgtable_table_pages(iok_domain_get_pgtable(d)), 1);
	assert_int_equal(iok_domain_free(d), 0);
}

/* Caches off: nothing cached, every free to the tree; on again: cached again. */
static void iova_caches_off_and_on(void **state)
{
	struct iok_iovad_stats st;
	struct iok_iovad *iovad;
	struct iok_iova *a, *b;

	(void)state;
	assert_int_equal(iok_iovad_new(NULL, SZ_4K, 1, 0xfffff, &iovad), 0);
	assert_int_equal(iok_iova_alloc(iovad, 3, 0xfffff, true, &a), 0);
	assert_int_equal(iok_iova_get_pages(a), 4);
	assert_int_equal(iok_iova_free(iovad, a), 0);
	assert_int_equal(iok_iova_alloc(iovad, 4, 0xfffff, true, &b), 0);
	assert_ptr_equal(a, b);
	assert_int_equal(iok_iova_free(iovad, b), 0);
	assert_int_equal(iok_iova_free(iovad, b), -EINVAL);
	assert_int_equal(iok_iovad_get_stats(iovad, &st), 0);
	assert_int_equal(st.cache_hits, 1);
	assert_int_equal(st.cached_ranges, 1);
	assert_int_equal(iok_iovad_set_rcaches(iovad, false), 0);
	assert_int_equal(iok_iovad_get_stats(iovad, &st), 0);
	assert_int_equal(st.cached_ranges, 0);
	assert_int_equal(st.tree_frees, 1);
	assert_int_equal(iok_iova_alloc(iovad, 4, 0xfffff, true, &a), 0);
	assert_int_equal(iok_iova_free(iovad, a), 0);
	assert_int_equal(iok_iovad_get_stats(iovad, &st), 0);
	assert_int_equal(st.cache_hits, 1);
	assert_int_equal(st.tree_frees, 2);
	assert_int_equal(st.cached_ranges, 0);
	assert_int_equal(iok_iovad_set_rcaches(iovad, true), 0);
	assert_int_equal(iok_iova_alloc(iovad, 4, 0xfffff, true, &a), 0);
	assert_int_equal(iok_iova_free(iovad, a), 0);
	assert_int_equal(iok_iova_alloc(iovad, 4, 0xfffff, true, &b), 0);
	assert_ptr_equal(a, b);
	assert_int_equal(iok_iovad_get_stats(iovad, &st), 0);
	assert_int_equal(st.cache_hits, 2);
	assert_int_equal(st.allocated_ranges, 1);
	assert_int_equal(iok_iovad_check(iovad), 0);
	/* A cached range above a lower limit is not handed out. */
	assert_int_equal(iok_iova_free(iovad, b), 0);
	assert_int_equal(iok_iova_alloc(iovad, 4, 0x7ffff, true, &a), 0);
	assert_true(iok_iova_get_pfn(a) + 3 <= 0x7ffff);
	assert_int_equal(iok_iovad_check(iovad), 0);
	iok_iovad_free(iovad);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(cached_state_follows_the_core),
		T(new_domain_new_cookie),
		T(mask_change_takes_effect),
		T(unmap_translation_check),
		T(core_4k_runs),
		T(iova_caches_off_and_on),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
