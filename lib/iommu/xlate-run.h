/* SPDX-License-Identifier: MIT */
/*
 * For the DMA engine (lib/fabric/engine.c): translation of a transfer's
 * pages in runs, without changing what the unit does page by page.
 * Not public API, as lib/dma's use of iommu-private.h.
 */
#ifndef IOK_IOMMU_XLATE_RUN_H
#define IOK_IOMMU_XLATE_RUN_H

#include <iommukit/iommukit.h>

/*
 * One transfer's translation state: the request, its context (looked up at
 * the first call and kept while nothing can change it), and the run.
 */
struct iok_xlate_cursor {
	struct iok_iommu_unit *u;
	/* Set segment, rid, pasid, access; iova and len: what is left to
	 * translate, advanced past every page translated. */
	struct iok_xlate_req req;
	struct iok_domain *d;		/* NULL: look the context up */
	unsigned int did;
	/* The physically contiguous run so far (len 0: none yet). */
	uint64_t run_pa, run_len;
	/* The page translated after the run that does not continue it. */
	uint64_t next_pa, next_len;
};

/*
 * iok_unit_translate_run() - translate pages while they continue the run
 * @c: the transfer's cursor, with req.len at least 1
 *
 * Each page is translated as iok_unit_translate() would translate it, in
 * order, with the same IOTLB lookups and fills, counters, walks, accessed
 * and dirty updates, faults and page requests, and either grows the run or
 * is returned as next (next_len not 0), which ends the call; so do the
 * end of the transfer, a fault, and a page request (call again).
 *
 * Return: 0, or iok_unit_translate()'s error for the page at req.iova.
 */
int iok_unit_translate_run(struct iok_xlate_cursor *c);

#endif
