// SPDX-License-Identifier: MIT
/*
 * The unit's paging-structure cache: a small direct-mapped array of the
 * tables that held recent walks' leaves, tagged by domain ID, so that a
 * DMA streaming through 4 KiB pages walks from the root once per 2 MiB
 * and otherwise reads the one descriptor it needs (IOTLB misses stay
 * misses: the IOTLB and its statistics are not touched here).
 *
 * Invalidations drop entries as they drop IOTLB entries (iotlb.c), and a
 * freed domain ID drops its entries (context.c), as hardware's caches are
 * flushed; besides, lib/pgtable never follows an entry whose table page
 * was freed, so an entry left by a missing flush cannot change a
 * translation, and nothing ever reads freed memory.
 */
#include "lib/iommu/iommu-private.h"

void iok_walk_cache_evict(struct iok_walk_cache *wc, unsigned int i)
{
	wc->e[i].pt = NULL;
	wc->used &= ~(1u << i);
}

void iok_walk_cache_drop(struct iok_walk_cache *wc, unsigned int did, uint64_t first,
			 uint64_t last)
{
	uint32_t m;

	for (m = wc->used; m; m &= m - 1) {
		unsigned int i = __builtin_ctz(m);
		struct iok_pt_psc *e = &wc->e[i];
		uint64_t end = e->base + ((1ull << (12 + 9 * (e->level + 1))) - 1);

		if ((did != WC_ANY_DID && wc->did[i] != did) || e->base > last || end < first)
			continue;
		iok_walk_cache_evict(wc, i);
		wc->inv++;
	}
}
