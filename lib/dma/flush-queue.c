// SPDX-License-Identifier: MIT
/*
 * The flush queue of DMA-FQ domains (dma-iommu's iova_fq): an unmap clears
 * the page table without invalidating the IOTLB and queues the IOVA; the
 * IOVA is freed only after the next invalidation of the whole domain,
 * which happens when the queue is full or when its timer expires,
 * IOK_DMA_FQ_TIMEOUT_NS after the first entry queued since the last
 * expiry. Until then the device may still reach the unmapped buffer
 * through a translation its IOTLB holds: the window the statistics
 * measure, in simulated time and in unmaps.
 *
 * The ring has IOK_DMA_FQ_SIZE slots and, as the kernel's, holds one
 * entry less. Time is the context's simulated clock (iok_dma_fq_advance()).
 * The model's page tables free their empty table pages at unmap, not after
 * the flush as the kernel's freelist does; the model's IOTLB caches leaf
 * translations only, so nothing walks a freed table.
 */
#include "lib/dma/dma-private.h"

#define FQ_MASK (IOK_DMA_FQ_SIZE - 1)
_Static_assert((IOK_DMA_FQ_SIZE & FQ_MASK) == 0, "the ring size is a power of two");

int dma_fq_init(struct dma_cookie *ck)
{
	if (ck->fq)
		return 0;
	ck->fq = calloc(1, sizeof(*ck->fq));
	return ck->fq ? 0 : -ENOMEM;
}

void dma_fq_free(struct dma_cookie *ck)
{
	free(ck->fq);
	ck->fq = NULL;
}

static inline bool fq_full(const struct dma_fq *fq)
{
	return ((fq->tail + 1) & FQ_MASK) == fq->head;
}

/*
 * fq_flush_iotlb() then fq_ring_free(): invalidate the domain on every
 * unit, then free the IOVAs of the entries queued before the flush began.
 * Returns how many were freed.
 */
unsigned int dma_fq_flush(struct iok_dma *dma, struct dma_cookie *ck, enum dma_fq_why why)
{
	struct dma_fq *fq = ck->fq;
	unsigned int n = 0;

	if (!fq)
		return 0;
	fq->start_cnt++;
	iok_domain_flush_all(ck->domain);
	fq->finish_cnt++;
	dma->st.fq_flushes++;
	if (why == FQ_TIMER)
		dma->st.fq_timer_flushes++;
	else if (why == FQ_FULL)
		dma->st.fq_full_flushes++;
	while (fq->head != fq->tail && fq->e[fq->head].counter < fq->finish_cnt) {
		struct dma_fq_entry *e = &fq->e[fq->head];
		uint64_t stale = dma->now - e->queued_ns, unmaps = fq->seq - e->seq - 1;

		dma->st.stale_count++;
		dma->st.stale_total_ns += stale;
		dma->st.stale_total_unmaps += unmaps;
		if (stale > dma->st.stale_max_ns)
			dma->st.stale_max_ns = stale;
		if (unmaps > dma->st.stale_max_unmaps)
			dma->st.stale_max_unmaps = unmaps;
		if (!iova_free_cached(ck->iovad, e->iova))
			iok_iova_free(ck->iovad, e->iova);
		fq->head = (fq->head + 1) & FQ_MASK;
		dma->st.fq_pending--;
		n++;
	}
	return n;
}

/* queue_iova(): the ring first makes room, then the timer is armed. */
void dma_fq_queue(struct iok_dma *dma, struct dma_cookie *ck, struct iok_iova *iova)
{
	struct dma_fq *fq = ck->fq;
	struct dma_fq_entry *e;

	if (fq_full(fq))
		dma_fq_flush(dma, ck, FQ_FULL);
	e = &fq->e[fq->tail];
	e->iova = iova;
	e->counter = fq->start_cnt;
	e->queued_ns = dma->now;
	e->seq = fq->seq++;
	fq->tail = (fq->tail + 1) & FQ_MASK;
	dma->st.fq_queued++;
	dma->st.fq_pending++;
	if (!fq->timer_on) {
		fq->timer_on = true;
		fq->deadline = dma->now + IOK_DMA_FQ_TIMEOUT_NS;
	}
}

/* The armed timer that expires first, not after @until; NULL for none. */
static struct dma_cookie *next_timer(struct iok_dma *dma, uint64_t until)
{
	struct dma_cookie *best = NULL;

	for (struct dma_cookie *ck = dma->cookies; ck; ck = ck->next)
		if (ck->fq && ck->fq->timer_on && ck->fq->deadline <= until &&
		    (!best || ck->fq->deadline < best->fq->deadline))
			best = ck;
	return best;
}

IOK_EXPORT int iok_dma_fq_advance(struct iok_dma *dma, uint64_t ns)
{
	struct dma_cookie *ck;
	uint64_t until;
	int fired = 0;

	if (!dma || ns > UINT64_MAX - dma->now)
		return -EINVAL;
	until = dma->now + ns;
	/* A domain freed since must not be flushed: forget its state first. */
	dma_cookies_sweep(dma);
	while ((ck = next_timer(dma, until))) {
		dma->now = ck->fq->deadline;
		/* fq_flush_timeout(): disarm, flush, free what the flush covers. */
		ck->fq->timer_on = false;
		dma_fq_flush(dma, ck, FQ_TIMER);
		fired++;
	}
	dma->now = until;
	return fired;
}

IOK_EXPORT uint64_t iok_dma_get_time(const struct iok_dma *dma)
{
	return dma ? dma->now : 0;
}
