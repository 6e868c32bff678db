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
 * One transfer's translation state: the request's constant part and its
 * context, looked up at the first call and kept while nothing can change
 * it. Set @u and @req's segment, rid, pasid and access, @d to NULL.
 */
struct iok_xlate_cursor {
	struct iok_iommu_unit *u;
	struct iok_xlate_req req;
	struct iok_domain *d;		/* NULL: look the context up */
	unsigned int did;
};

/*
 * iok_unit_translate_run() - translate pages while they continue a run
 * @c: the transfer's cursor
 * @iova: the first page's address
 * @len: the rest of the transfer, at least 1
 * @run: the physically contiguous run so far (len 0: none yet), grown by
 *       the pages that continue it
 * @next: receives the first translated page that does not continue @run
 *        (len 0: none)
 *
 * Each page is translated as iok_unit_translate() would translate it, in
 * order, with the same IOTLB lookups and fills, counters, walks, accessed
 * and dirty updates, faults and page requests; it stops after the page
 * that breaks the run, at the end, at a fault, or after a page request.
 * Bytes translated: what @run grew by, plus @next's len.
 *
 * Return: 0, or iok_unit_translate()'s error for the page after those.
 */
int iok_unit_translate_run(struct iok_xlate_cursor *c, uint64_t iova, uint64_t len,
			   struct iok_xlate *run, struct iok_xlate *next);

#endif
