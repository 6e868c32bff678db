// SPDX-License-Identifier: MIT
/*
 * The unit's paging-structure cache: a small direct-mapped array of the
 * leaf tables of recent walks, tagged by domain ID, so that a DMA
 * streaming through 4 KiB pages walks from the root once per 2 MiB and
 * otherwise reads the one descriptor it needs (IOTLB misses stay misses:
 * the IOTLB and its statistics are not touched here). Walks of 2 MiB and
 * 1 GiB leaves start at the root: their IOTLB entries cover so much that
 * they are rare.
 *
 * Invalidations drop entries as they drop IOTLB entries (iotlb.c), and a
 * freed domain ID drops its entries (context.c), as hardware's caches are
 * flushed; besides, lib/pgtable never follows an entry whose table page
 * was freed, so an entry left by a missing flush cannot change a
 * translation, and nothing ever reads freed memory.
 */
#include "lib/iommu/iommu-private.h"

struct iok_walk_cache *iok_walk_cache_alloc(struct iok_walk_cache **wcp)
{
	return *wcp = calloc(1, sizeof(**wcp));
}

/* The entries of @did (every ID for WC_ANY_DID) covering any of [@first, @last]. */
void iok_walk_cache_drop(struct iok_walk_cache *wc, uint64_t space, unsigned int did,
			 uint64_t first, uint64_t last)
{
	uint64_t v, lastv = last >> 21;
	uint32_t m;

	/* A few 2 MiB: their entries are where walks in them put them. */
	if (did != WC_ANY_DID && first <= last && lastv - (first >> 21) < WC_ENTRIES) {
		for (v = first >> 21;; v++) {
			iok_walk_cache_inv_range(wc, space, did, v << 21, v << 21);
			if (v == lastv)
				return;
		}
	}
	for (m = wc->used; m; m &= m - 1) {
		unsigned int i = __builtin_ctz(m);
		uint64_t base = wc->e[i].base;

		if ((did != WC_ANY_DID && wc->did[i] != did) || base > last ||
		    base + ((1ull << 21) - 1) < first)
			continue;
		iok_walk_cache_evict(wc, i);
		wc->inv++;
	}
}
