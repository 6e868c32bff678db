/* SPDX-License-Identifier: MIT */
/* Private structures of the page-table layer. Nothing here is ABI. */
#ifndef IOK_PGTABLE_PRIVATE_H
#define IOK_PGTABLE_PRIVATE_H

#include <stdint.h>
#include <stddef.h>

#include <iommukit/pgtable.h>
#include "lib/pgtable/hw-walk.h"

/*
 * Levels are numbered from the leaves: level 0 holds 4 KiB pages, level 1
 * 2 MiB, level 2 1 GiB, level 3 (four-level tables) 512 GiB entries.
 */
#define PT_MAX_LEVELS	4
#define PT_ENTRIES	512
#define PT_TABLE_SIZE	4096
#define PT_SHIFT(l)	(12 + 9 * (l))
#define PT_IDX(va, l)	(((va) >> PT_SHIFT(l)) & (PT_ENTRIES - 1))

#define PT_SZ_4K	(1ull << 12)
#define PT_SZ_2M	(1ull << 21)
#define PT_SZ_1G	(1ull << 30)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#define PT_PROT_ALL	(IOK_PROT_READ | IOK_PROT_WRITE | IOK_PROT_CACHE | \
			 IOK_PROT_NOEXEC | IOK_PROT_MMIO | IOK_PROT_PRIV)

struct iok_pgtable;

/*
 * map_pages and unmap_pages of one format for one depth and page size, with
 * the arguments already checked: @bits are the leaf descriptor bits, the
 * whole range lies in the aperture and the output range in the format's
 * address bits.
 */
typedef int (*pt_map_fn)(struct iok_pgtable *pt, uint64_t iova, uint64_t paddr,
			 size_t pgcount, uint64_t bits, size_t *mapped);
typedef size_t (*pt_unmap_fn)(struct iok_pgtable *pt, uint64_t iova,
			      size_t pgcount);
typedef int (*pt_phys_fn)(struct iok_pgtable *pt, uint64_t iova, uint64_t *phys);

/*
 * The operations of one format (fmt-*.c, built from pt-ops.h). The walks
 * come in one version per depth (index 0: three levels, 1: four) and page
 * size, each with its loop unrolled.
 */
struct pt_ops {
	pt_map_fn map[2][3];
	pt_unmap_fn unmap[2][3];
	pt_phys_fn iova_to_phys[2];
	int (*walk)(struct iok_pgtable *pt, uint64_t iova, unsigned int access,
		    uint64_t *phys, uint64_t *page_size);
	int (*read_and_clear_dirty)(struct iok_pgtable *pt, uint64_t iova,
				    uint64_t last, unsigned int flags,
				    iok_dirty_fn fn, void *arg);
	int (*for_each_leaf)(struct iok_pgtable *pt, uint64_t iova, uint64_t last,
			     iok_pgtable_leaf_fn fn, void *arg);
	int (*hw_walk)(struct iok_pgtable *pt, uint64_t iova, unsigned int access,
		       struct iok_pt_leaf *leaf, struct iok_pt_psc *psc);
	/* Fill leaf_bits for the current features. */
	void (*init)(struct iok_pgtable *pt);
	/* Free every table page under the root and clear the root. */
	void (*clear)(struct iok_pgtable *pt);
	/* Hash of every descriptor, child tables by content (tests). */
	uint64_t (*digest)(struct iok_pgtable *pt);
	/* The leaf descriptor that maps @iova, or NULL (tests). */
	uint64_t *(*leaf_ptep)(struct iok_pgtable *pt, uint64_t iova,
			       unsigned int *level);
};

extern const struct pt_ops iok_pt_x86_64_ops;
extern const struct pt_ops iok_pt_arm_lpae_ops;

struct iok_pgtable {
	const struct pt_ops *ops;
	/* ops' walks for this table's depth, by level */
	const pt_map_fn *map;
	const pt_unmap_fn *unmap;
	pt_phys_fn iova_to_phys;
	uint64_t *root;
	unsigned int top;	/* level of the root table */
	unsigned int features;	/* IOK_PGTABLE_* */
	enum iok_pgtable_fmt fmt;
	unsigned int ias;
	uint64_t va_last;	/* 2^ias - 1 */
	uint64_t oa_last;	/* largest output address the format holds */
	uint64_t pgsize_bitmap;
	size_t nr_tables;	/* table pages in use, root included */
	/* Leaf descriptor bits by level and prot; 0 for a prot not allowed. */
	uint64_t leaf_bits[3][PT_PROT_ALL + 1];
	/* Empty table pages kept for reuse, linked through their first word. */
	uint64_t *cache;
	size_t nr_cached;
	/* Tests: when >= 0, allocations from malloc left before one fails. */
	long alloc_budget;
	/*
	 * The walk cache's check (hw-walk.h): a number no other table had,
	 * and how many table pages were freed, so a cached table pointer is
	 * used only while its table is still where it was.
	 */
	uint64_t serial;
	uint64_t frees;
};

/*
 * Empty table pages kept per page table: a 1 GiB range of 4 KiB pages has
 * 512 leaf tables, so unmapping and mapping it again reuses all of them
 * (the kernel's per-CPU page lists do this for its table pages). Under
 * AddressSanitizer every page goes back to malloc, so that a use after
 * free is caught.
 */
#if defined(__SANITIZE_ADDRESS__)
#define PT_CACHE_MAX	0
#else
#define PT_CACHE_MAX	512
#endif

uint64_t *iok_pt_table_alloc_slow(struct iok_pgtable *pt);
void iok_pt_table_release(struct iok_pgtable *pt, uint64_t *table);

/* A zeroed table page, or NULL. */
static inline uint64_t *pt_table_alloc(struct iok_pgtable *pt)
{
	uint64_t *t = pt->cache;

	if (!t)
		return iok_pt_table_alloc_slow(pt);
	pt->cache = (uint64_t *)(uintptr_t)t[0];
	pt->nr_cached--;
	t[0] = 0;
	pt->nr_tables++;
	return t;
}

/* Give back a table page whose entries are all zero. */
static inline void pt_table_free(struct iok_pgtable *pt, uint64_t *t)
{
	pt->nr_tables--;
	pt->frees++;
	if (pt->nr_cached + 1 > PT_CACHE_MAX) {
		iok_pt_table_release(pt, t);
		return;
	}
	t[0] = (uintptr_t)pt->cache;
	pt->cache = t;
	pt->nr_cached++;
}

/* The level of a page size the table supports, or -1. */
static inline int pt_pgsize_level(const struct iok_pgtable *pt, size_t pgsize)
{
	/* Most calls map 4 KiB: test it first. */
	int level = pgsize == PT_SZ_4K ? 0 : pgsize == PT_SZ_2M ? 1 :
		    pgsize == PT_SZ_1G ? 2 : -1;

	return pgsize & pt->pgsize_bitmap ? level : -1;
}

/* Tests: a digest of the whole table, and the descriptor mapping @iova. */
uint64_t iok_pgtable_digest(struct iok_pgtable *pt);
uint64_t *iok_pgtable_leaf_ptep(struct iok_pgtable *pt, uint64_t iova,
				unsigned int *level);

#endif
