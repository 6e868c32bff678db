/* SPDX-License-Identifier: MIT */
/*
 * A unit's paging-structure cache (walk-cache.c): the leaf tables of
 * recent walks of 4 KiB pages, one entry per 2 MiB of IOVA, so that the
 * walk of a neighbouring page reads one descriptor, as the walk caches of
 * VT-d and the SMMU do. Included by hw-private.h: every unit's hardware
 * state points to one, allocated at the first walk and freed with the
 * IOTLB's arrays.
 *
 * It drops entries on the invalidations that drop IOTLB entries (range,
 * domain ID, PASID, global) and when a domain ID is freed; an entry whose
 * table page was freed since is never used (lib/pgtable/hw-walk.h), so the
 * cache never changes a translation: only the IOTLB serves stale ones.
 */
#ifndef IOK_IOMMU_WALK_CACHE_H
#define IOK_IOMMU_WALK_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/pgtable/hw-walk.h"

#define WC_ENTRIES	16
#define WC_ANY_DID	(~0u)

struct iok_walk_cache {
	struct iok_pt_psc e[WC_ENTRIES];
	uint16_t did[WC_ENTRIES];	/* the domain ID each entry was filled for */
	uint32_t used;			/* bit per entry holding a table */
	uint64_t hits, fills, inv;	/* walks that started from an entry; fills; entries dropped */
};

struct iok_pgtable;

/* The entry for walks in the 2 MiB at @iova: one per 2 MiB, the domain ID mixed in. */
static inline unsigned int iok_walk_cache_slot(uint64_t space, uint64_t iova)
{
	return ((iova >> 21) ^ space) & (WC_ENTRIES - 1);
}

static inline void iok_walk_cache_evict(struct iok_walk_cache *wc, unsigned int i)
{
	wc->e[i].pt = NULL;
	wc->used &= ~(1u << i);
}

struct iok_walk_cache *iok_walk_cache_alloc(struct iok_walk_cache **wcp);

/* The unit's cache, allocated at its first use; NULL without memory. */
static inline struct iok_walk_cache *iok_walk_cache_get(struct iok_walk_cache **wcp)
{
	return *wcp ? *wcp : iok_walk_cache_alloc(wcp);
}

/*
 * The hardware walk of @access at @iova through @pt for domain ID @did
 * (whose IOTLB set hash is @space), from the cache @wc where it holds
 * (iok_pgtable_hw_walk()'s return). @wc is NULL while the unit's IOTLB
 * caches nothing (capacity 0): every walk then starts at the root.
 * Inline: it is on the way of every IOTLB miss.
 */
static inline __attribute__((always_inline)) int
iok_walk_cache_walk(struct iok_walk_cache *wc, uint64_t space, unsigned int did,
		    struct iok_pgtable *pt, uint64_t iova, unsigned int access,
		    struct iok_pt_leaf *leaf)
{
	unsigned int i = iok_walk_cache_slot(space, iova);
	int rc;

	if (!wc)
		return iok_pgtable_hw_walk(pt, iova, access, leaf, NULL);
	/* Another domain ID's entry is replaced, never used. */
	if (wc->did[i] != did && (wc->used & (1u << i)))
		iok_walk_cache_evict(wc, i);
	rc = iok_pgtable_hw_walk(pt, iova, access, leaf, &wc->e[i]);
	if (rc || leaf->psc == IOK_PSC_UNUSED)
		return rc;
	if (leaf->psc == IOK_PSC_HIT) {
		wc->hits++;
		return 0;
	}
	wc->fills++;
	wc->did[i] = (uint16_t)did;
	wc->used |= 1u << i;
	return 0;
}

void iok_walk_cache_drop(struct iok_walk_cache *wc, uint64_t space, unsigned int did,
			 uint64_t first, uint64_t last);

/*
 * The entries of @did (IOTLB set hash @space) covering any of [@first,
 * @last]. Inline for the common flush, a range inside one 2 MiB: one probe.
 */
static inline void iok_walk_cache_inv_range(struct iok_walk_cache *wc, uint64_t space,
					    unsigned int did, uint64_t first, uint64_t last)
{
	unsigned int i;

	if (!wc || !wc->used)
		return;
	if ((first ^ last) >> 21 || last < first) {
		iok_walk_cache_drop(wc, space, did, first, last);
		return;
	}
	i = iok_walk_cache_slot(space, first);
	if ((wc->used & (1u << i)) && wc->did[i] == did && !((wc->e[i].base ^ first) >> 21)) {
		iok_walk_cache_evict(wc, i);
		wc->inv++;
	}
}

static inline void iok_walk_cache_inv_did(struct iok_walk_cache *wc, unsigned int did)
{
	if (wc && wc->used)
		iok_walk_cache_drop(wc, 0, did, 0, UINT64_MAX);
}

static inline void iok_walk_cache_inv_all(struct iok_walk_cache *wc)
{
	if (wc && wc->used)
		iok_walk_cache_drop(wc, 0, WC_ANY_DID, 0, UINT64_MAX);
}

#endif
