/* SPDX-License-Identifier: MIT */
/*
 * The IOMMU hardware's walk for lib/iommu (translate.c, walk-cache.c): one
 * descent that returns the leaf an access uses, checks it as the walker
 * does and sets the accessed and dirty state, optionally starting from a
 * paging-structure cache entry instead of the root.
 *
 * Not public API: lib/iommu includes this header as lib/dma includes
 * iommu-private.h.
 */
#ifndef IOK_PGTABLE_HW_WALK_H
#define IOK_PGTABLE_HW_WALK_H

#include <stdint.h>

struct iok_pgtable;

/* What the walk found: the leaf, aligned. */
struct iok_pt_leaf {
	uint64_t page;		/* output address of the page */
	uint64_t size;		/* 4 KiB, 2 MiB or 1 GiB */
	unsigned int prot;	/* IOK_PROT_* the descriptor grants */
	unsigned int psc;	/* IOK_PSC_*: what the walk did with the cache entry */
};

enum { IOK_PSC_UNUSED, IOK_PSC_HIT, IOK_PSC_FILLED };

/*
 * A paging-structure cache entry: the leaf table that held the last walk's
 * 4 KiB page, so that a walk of a neighbouring page reads one descriptor
 * instead of four. It names
 * its page table by address, serial and free count, and is used only while
 * all three still hold: a table page freed since (an unmap emptied it)
 * makes it stale, and a stale entry is never followed into freed memory.
 * Which entry serves which walk, and the invalidations that drop entries,
 * are the IOMMU's business (lib/iommu/walk-cache.c).
 */
struct iok_pt_psc {
	const struct iok_pgtable *pt;	/* NULL: empty */
	uint64_t serial, frees;
	uint64_t *table;		/* the table at @level covering @base */
	uint64_t base;			/* first IOVA the table covers */
	uint8_t level;
	/*
	 * IOK_PROT_READ and/or IOK_PROT_WRITE: accesses for which every
	 * entry above @table is present, passes the walker's check and needs
	 * no accessed/dirty update, so skipping those levels changes nothing.
	 */
	uint8_t ok;
};

/*
 * iok_pgtable_hw_walk() - the hardware walk of an access, from @psc if it
 * holds for @pt and @iova, else from the root (refilling @psc when the
 * leaf is a 4 KiB page). @psc may be NULL.
 *
 * The checks and their order are those of iok_pgtable_for_each_leaf()
 * followed by iok_pgtable_walk(): a leaf (any non-zero descriptor) must be
 * there (-ENOENT), grant @access (-EACCES), and pass the walker's present
 * bit and permission tests at every level (-ENOENT, -EACCES); then the
 * accessed flag, and the dirty state on a write, are set on the way.
 *
 * Return: 0 with *@leaf filled, -ENOENT, -EACCES; nothing is written on
 * failure.
 */
int iok_pgtable_hw_walk(struct iok_pgtable *pt, uint64_t iova, unsigned int access,
			struct iok_pt_leaf *leaf, struct iok_pt_psc *psc);

#endif
