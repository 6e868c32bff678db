// SPDX-License-Identifier: MIT
/*
 * Page-table objects, the table-page allocator, and the IOMMU core's side
 * of iommu_map()/iommu_unmap(): choosing page sizes (spec runtime 2.5).
 * The formats' operations live in fmt-*.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/private.h"
#include "pgtable-private.h"

uint64_t *iok_pt_table_alloc_slow(struct iok_pgtable *pt)
{
	uint64_t *t;

	if (pt->alloc_budget >= 0 && !pt->alloc_budget--)
		return NULL;
	t = aligned_alloc(PT_TABLE_SIZE, PT_TABLE_SIZE);
	if (!t)
		return NULL;
	/* Descriptors hold the page's address in bits 47:12. */
	if ((uintptr_t)t >> 48) {
		free(t);
		return NULL;
	}
	memset(t, 0, PT_TABLE_SIZE);
	pt->nr_tables++;
	return t;
}

void iok_pt_table_release(struct iok_pgtable *pt, uint64_t *table)
{
	free(table);
}

static uint64_t pt_serials;

IOK_EXPORT int iok_pgtable_new(enum iok_pgtable_fmt fmt, unsigned int ias,
			       struct iok_pgtable **out)
{
	struct iok_pgtable *pt;

	if (ias < 32 || ias > 48)
		return -EINVAL;
	pt = calloc(1, sizeof(*pt));
	if (!pt)
		return -ENOMEM;
	switch (fmt) {
	case IOK_PGTABLE_X86_64:
		pt->ops = &iok_pt_x86_64_ops;
		pt->oa_last = (1ull << 52) - 1;
		break;
	case IOK_PGTABLE_ARM_LPAE_S1:
		pt->ops = &iok_pt_arm_lpae_ops;
		pt->oa_last = (1ull << 48) - 1;
		break;
	default:
		free(pt);
		return -EINVAL;
	}
	pt->fmt = fmt;
	pt->ias = ias;
	/* Unique among the process's tables, for the walk caches' check. */
	pt->serial = __atomic_add_fetch(&pt_serials, 1, __ATOMIC_RELAXED);
	pt->alloc_budget = -1;
	pt->va_last = (1ull << ias) - 1;
	/* Levels of 9 bits above the 12-bit page offset. */
	pt->top = (ias - 12 + 8) / 9 - 1;
	pt->pgsize_bitmap = PT_SZ_4K | PT_SZ_2M | PT_SZ_1G;
	pt->map = pt->ops->map[pt->top - 2];
	pt->unmap = pt->ops->unmap[pt->top - 2];
	pt->iova_to_phys = pt->ops->iova_to_phys[pt->top - 2];
	pt->root = iok_pt_table_alloc_slow(pt);
	if (!pt->root) {
		free(pt);
		return -ENOMEM;
	}
	pt->ops->init(pt);
	*out = pt;
	return 0;
}

IOK_EXPORT void iok_pgtable_free(struct iok_pgtable *pt)
{
	if (!pt)
		return;
	pt->ops->clear(pt);
	while (pt->cache) {
		uint64_t *t = pt->cache;

		pt->cache = (uint64_t *)(uintptr_t)t[0];
		free(t);
	}
	free(pt->root);
	free(pt);
}

IOK_EXPORT int iok_pgtable_set_features(struct iok_pgtable *pt,
					unsigned int features)
{
	unsigned int known = IOK_PGTABLE_DIRTY_TRACKING, i;

	if (pt->fmt == IOK_PGTABLE_ARM_LPAE_S1)
		known |= IOK_PGTABLE_ARM_SPLIT;
	if (features & ~known)
		return -EINVAL;
	/* Descriptors already written carry the old choice. */
	for (i = 0; i < PT_ENTRIES; i++)
		if (pt->root[i])
			return -EBUSY;
	pt->features = features;
	pt->ops->init(pt);
	return 0;
}

IOK_EXPORT uint64_t iok_pgtable_pgsize_bitmap(const struct iok_pgtable *pt)
{
	return pt->pgsize_bitmap;
}

IOK_EXPORT void iok_pgtable_aperture(const struct iok_pgtable *pt,
				     uint64_t *start, uint64_t *last)
{
	*start = 0;
	*last = pt->va_last;
}

IOK_EXPORT size_t iok_pgtable_table_pages(const struct iok_pgtable *pt)
{
	return pt->nr_tables;
}

/*
 * The argument checks of io-pgtable's map_pages, shared by the formats:
 * -EINVAL for the page size, alignment and prot, -ERANGE for addresses
 * the table cannot hold.
 */
IOK_EXPORT int iok_pgtable_map_pages(struct iok_pgtable *pt, uint64_t iova,
				     uint64_t paddr, size_t pgsize,
				     size_t pgcount, unsigned int prot,
				     size_t *mapped)
{
	int level = pt_pgsize_level(pt, pgsize);
	unsigned int shift;
	uint64_t bits;

	/* leaf_bits is 0 for a prot without READ or WRITE. */
	if (level < 0 || prot > PT_PROT_ALL || !(bits = pt->leaf_bits[level][prot]) ||
	    ((iova | paddr) & (pgsize - 1)))
		return -EINVAL;
	if (iova > pt->va_last || paddr > pt->oa_last)
		return pgcount ? -ERANGE : 0;
	/* Aperture and output range end on a page boundary: one page fits. */
	if (pgcount != 1) {
		shift = PT_SHIFT(level);
		if (!pgcount)
			return 0;
		if (pgcount - 1 > (pt->va_last - iova) >> shift ||
		    pgcount - 1 > (pt->oa_last - paddr) >> shift)
			return -ERANGE;
	}
	return pt->map[level](pt, iova, paddr, pgcount, bits, mapped);
}

IOK_EXPORT size_t iok_pgtable_unmap_pages(struct iok_pgtable *pt, uint64_t iova,
					  size_t pgsize, size_t pgcount)
{
	int level = pt_pgsize_level(pt, pgsize);
	uint64_t max;

	if (level < 0 || !pgcount || (iova & (pgsize - 1)) || iova > pt->va_last)
		return 0;
	/* Nothing is mapped beyond the aperture. */
	max = ((pt->va_last - iova) >> PT_SHIFT(level)) + 1;
	if (pgcount > max)
		pgcount = max;
	return pt->unmap[level](pt, iova, pgcount);
}

IOK_EXPORT int iok_pgtable_iova_to_phys(struct iok_pgtable *pt, uint64_t iova,
					uint64_t *phys)
{
	if (iova > pt->va_last)
		return -ENOENT;
	return pt->iova_to_phys(pt, iova, phys);
}

IOK_EXPORT int iok_pgtable_walk(struct iok_pgtable *pt, uint64_t iova,
				unsigned int access, uint64_t *phys,
				uint64_t *page_size)
{
	if (access != IOK_PROT_READ && access != IOK_PROT_WRITE)
		return -EINVAL;
	return pt->ops->walk(pt, iova, access, phys, page_size);
}

int iok_pgtable_hw_walk(struct iok_pgtable *pt, uint64_t iova, unsigned int access,
			struct iok_pt_leaf *leaf, struct iok_pt_psc *psc)
{
	return pt->ops->hw_walk(pt, iova, access, leaf, psc);
}

/* [@iova, @iova + @size) inside the aperture; *@last its last byte. */
static bool range_ok(const struct iok_pgtable *pt, uint64_t iova, size_t size,
		     uint64_t *last)
{
	if (!size || iova > pt->va_last || size - 1 > pt->va_last - iova)
		return false;
	*last = iova + size - 1;
	return true;
}

IOK_EXPORT int iok_pgtable_read_and_clear_dirty(struct iok_pgtable *pt,
						uint64_t iova, size_t size,
						unsigned int flags,
						iok_dirty_fn fn, void *arg)
{
	uint64_t last;

	/* Linux's x86-64 format has no dirty tracking to offer. */
	if (pt->fmt == IOK_PGTABLE_X86_64 &&
	    !(pt->features & IOK_PGTABLE_DIRTY_TRACKING))
		return -EOPNOTSUPP;
	if (!range_ok(pt, iova, size, &last) || (flags & ~IOK_DIRTY_NO_CLEAR))
		return -EINVAL;
	return pt->ops->read_and_clear_dirty(pt, iova, last, flags, fn, arg);
}

IOK_EXPORT int iok_pgtable_for_each_leaf(struct iok_pgtable *pt, uint64_t iova,
					 size_t size, iok_pgtable_leaf_fn fn,
					 void *arg)
{
	uint64_t last = pt->va_last;

	if (size ? !range_ok(pt, iova, size, &last) : iova > pt->va_last)
		return -EINVAL;
	return pt->ops->for_each_leaf(pt, iova, last, fn, arg);
}

uint64_t iok_pgtable_digest(struct iok_pgtable *pt)
{
	return pt->ops->digest(pt);
}

uint64_t *iok_pgtable_leaf_ptep(struct iok_pgtable *pt, uint64_t iova,
				unsigned int *level)
{
	return pt->ops->leaf_ptep(pt, iova, level);
}

/* Bits 0..@bit set. */
static inline uint64_t mask_through(unsigned int bit)
{
	return bit >= 63 ? ~0ull : (2ull << bit) - 1;
}

/*
 * Spec runtime 2.5, iommu_pgsize(): the candidates are the supported sizes
 * no larger than the remaining size, and no larger than the alignment of
 * iova | paddr; take the largest. Then, if the next larger supported size
 * could be used once iova and paddr reach its alignment (they are
 * congruent modulo it) and a whole one fits after that point, map only up
 * to that point, so the next call can use it.
 */
IOK_EXPORT size_t iok_pgsize(uint64_t pgsize_bitmap, uint64_t iova,
			     uint64_t paddr, size_t size, size_t *count)
{
	uint64_t merge = iova | paddr, cands, bigger, next, off, end;
	unsigned int pg_lg2;

	*count = 0;
	if (!size)
		return 0;
	cands = pgsize_bitmap & mask_through(63 - __builtin_clzll(size));
	if (merge)
		cands &= mask_through(__builtin_ctzll(merge));
	if (!cands)
		return 0;
	pg_lg2 = 63 - __builtin_clzll(cands);

	bigger = pgsize_bitmap & ~mask_through(pg_lg2);
	if (bigger) {
		next = bigger & -bigger;
		if (!((iova ^ paddr) & (next - 1))) {
			off = next - (merge & (next - 1));
			if (!__builtin_add_overflow(off, next, &end) && end <= size)
				size = off;
		}
	}
	*count = size >> pg_lg2;
	return 1ull << pg_lg2;
}

static size_t min_pgsize(const struct iok_pgtable *pt)
{
	return pt->pgsize_bitmap & -pt->pgsize_bitmap;
}

IOK_EXPORT int iok_pgtable_map(struct iok_pgtable *pt, uint64_t iova,
			       uint64_t paddr, size_t size, unsigned int prot,
			       size_t *mapped)
{
	uint64_t orig_iova = iova;
	size_t done = 0;
	int rc = 0;

	if ((iova | paddr | size) & (min_pgsize(pt) - 1)) {
		rc = -EINVAL;
		goto out;
	}
	while (done < size) {
		size_t count, got = 0;
		size_t pgsize = iok_pgsize(pt->pgsize_bitmap, iova, paddr,
					   size - done, &count);

		rc = iok_pgtable_map_pages(pt, iova, paddr, pgsize, count, prot, &got);
		done += got;
		if (rc)
			break;
		iova += got;
		paddr += got;
	}
	/* All or nothing: take back what this call mapped. */
	if (rc && done)
		iok_pgtable_unmap(pt, orig_iova, done);
out:
	if (mapped)
		*mapped = rc ? done : size;
	return rc;
}

IOK_EXPORT size_t iok_pgtable_unmap(struct iok_pgtable *pt, uint64_t iova,
				    size_t size)
{
	size_t unmapped = 0;

	if ((iova | size) & (min_pgsize(pt) - 1))
		return 0;
	while (unmapped < size) {
		size_t count, got;
		size_t pgsize = iok_pgsize(pt->pgsize_bitmap, iova, iova,
					   size - unmapped, &count);

		got = iok_pgtable_unmap_pages(pt, iova, pgsize, count);
		if (!got)
			break;
		iova += got;
		unmapped += got;
	}
	return unmapped;
}
