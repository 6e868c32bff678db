/* SPDX-License-Identifier: MIT */
/*
 * The page-table algorithms, compiled once per format: a fmt-*.c file
 * defines its descriptor helpers and then includes this file, so that every
 * descriptor test below is inlined with the format's constants (an indirect
 * call per entry would cost more than the work it does).
 *
 * The includer provides:
 *   PT_NS(name)               prefix for the functions defined here
 *   FMT_ADDR_MASK             address bits of table and leaf descriptors
 *   FMT_COUNT_SHIFT           where a table descriptor keeps the number of
 *                             present entries of the table it points to, in
 *                             10 bits the hardware ignores
 *   FMT_UNMAP_WHOLE_LEAF      1: unmap removes a larger leaf whole from its
 *                             start and goes through tables page by page
 *                             (x86-64); 0: io-pgtable-arm's rules
 *   fmt_is_table(pte, level)  a present entry above level 0 is a table
 *   FMT_TABLE_MASK, FMT_TABLE_VAL  (pte & MASK) == VAL: a present table
 *                             descriptor above level 0, in one test
 *   fmt_mk_table(table)       table descriptor, count 0
 *   fmt_leaf_bits(pt, prot, level)  leaf descriptor without its address
 *                             (tabulated in pt->leaf_bits by init)
 *   fmt_leaf_prot(pte)        the IOK_PROT_* a leaf grants
 *   fmt_is_dirty(pte), fmt_clean(pte)
 *   fmt_hw_check(pte, access, leaf)   0 or -EACCES, as the walker decides
 *   fmt_hw_update(pte, access, leaf)  the descriptor after the walker's A/D update
 *   fmt_split_bits(pte, level)  (without FMT_UNMAP_WHOLE_LEAF) the bits of
 *                             a level-@level leaf cut from block @pte
 *
 * Invariant: a table page other than the root has at least one present
 * entry, and its parent's count field says how many. A table is freed the
 * moment its count drops to zero, so "slot empty" and "nothing mapped in
 * the slot's range" are the same thing.
 */

#define PT_COUNT_ONE	(1ull << FMT_COUNT_SHIFT)
#define PT_INLINE	__attribute__((always_inline)) inline
#define PT_UNLIKELY(x)	__builtin_expect(!!(x), 0)
/* The walks below run a constant number of levels: straight-line code. */
#define PT_UNROLL	_Pragma("GCC unroll 4")

static inline unsigned int pt_count(uint64_t pte)
{
	return (pte >> FMT_COUNT_SHIFT) & 0x3ff;
}

static inline uint64_t *pt_table(uint64_t pte)
{
	return (uint64_t *)(uintptr_t)(pte & FMT_ADDR_MASK);
}

static inline uint64_t pt_leaf_oa(uint64_t pte, unsigned int level)
{
	return pte & FMT_ADDR_MASK & ~((1ull << PT_SHIFT(level)) - 1);
}

static inline bool pt_is_leaf(uint64_t pte, unsigned int level)
{
	return !level || !fmt_is_table(pte, level);
}

/* Above level 0: present and a table, tested at once for the fast walks. */
static inline bool pt_is_table_entry(uint64_t pte)
{
	return (pte & FMT_TABLE_MASK) == FMT_TABLE_VAL;
}

/*
 * The table at @level, which *@path[@level + 1] points to, has lost
 * entries: free it if empty, then its ancestors as they empty in turn.
 */
static void PT_NS(prune)(struct iok_pgtable *pt, uint64_t **path,
			 unsigned int level)
{
	for (; level < pt->top; level++) {
		uint64_t *e = path[level + 1];

		if (pt_count(*e))
			return;
		pt_table_free(pt, pt_table(*e));
		*e = 0;
		if (level + 1 < pt->top)
			*path[level + 2] -= PT_COUNT_ONE;
	}
}

/*
 * The table at @level on the way to @iova may be empty after a failed
 * walk: find the path again and prune from there.
 */
static void PT_NS(prune_at)(struct iok_pgtable *pt, uint64_t iova,
			    unsigned int level, unsigned int top)
{
	uint64_t *path[PT_MAX_LEVELS + 1], *table = pt->root;

	if (level == top)
		return;
	for (unsigned int l = top; l > level; l--) {
		path[l] = &table[PT_IDX(iova, l)];
		table = pt_table(*path[l]);
	}
	PT_NS(prune)(pt, path, level);
}

/* Free a table and every table under it, whatever they map. */
static void PT_NS(free_tree)(struct iok_pgtable *pt, uint64_t *table,
			     unsigned int level)
{
	unsigned int i;

	for (i = 0; level && i < PT_ENTRIES; i++)
		if (table[i] && fmt_is_table(table[i], level))
			PT_NS(free_tree)(pt, pt_table(table[i]), level - 1);
	memset(table, 0, PT_TABLE_SIZE);
	pt_table_free(pt, table);
}

/* A new, empty table in the empty slot *@e of the table counted in *@cnt. */
static uint64_t PT_NS(new_table)(struct iok_pgtable *pt, uint64_t *e, uint64_t *cnt)
{
	uint64_t *t = pt_table_alloc(pt);

	if (!t)
		return 0;
	*e = fmt_mk_table(t);
	if (cnt)
		*cnt += PT_COUNT_ONE;
	return *e;
}

/*
 * The table at @level that holds @iova, made on the way where missing;
 * *@cnt receives the descriptor that counts its entries (the root has
 * none). NULL with *@err set on failure. @top and @level are constants at
 * every call, so the walk unrolls into straight loads.
 */
static PT_INLINE uint64_t *PT_NS(walk_alloc)(struct iok_pgtable *pt, uint64_t iova,
					      uint64_t **cnt, int *err,
					      const unsigned int top,
					      const unsigned int level)
{
	uint64_t *table = pt->root;

	*cnt = NULL;
	PT_UNROLL
	for (unsigned int l = top; l > level; l--) {
		uint64_t *e = &table[PT_IDX(iova, l)];
		uint64_t v = *e;

		if (PT_UNLIKELY(!v)) {
			v = PT_NS(new_table)(pt, e, *cnt);
			if (!v) {
				/* Only tables made by this walk can be empty. */
				PT_NS(prune_at)(pt, iova, l, top);
				*err = -ENOMEM;
				return NULL;
			}
		} else if (PT_UNLIKELY(!fmt_is_table(v, l))) {
			*err = -EEXIST;
			return NULL;
		}
		table = pt_table(v);
		*cnt = e;
	}
	return table;
}

/* Map @pgcount pages at @level (constants as for walk_alloc). */
static PT_INLINE int PT_NS(map_run)(struct iok_pgtable *pt, uint64_t iova,
				    uint64_t paddr, size_t pgcount, uint64_t bits,
				    size_t *mapped, const unsigned int top,
				    const unsigned int level)
{
	const unsigned int shift = PT_SHIFT(level);
	uint64_t *table, *cnt;
	int err = 0;

	do {
		unsigned int idx = PT_IDX(iova, level), n = PT_ENTRIES - idx, i;

		table = PT_NS(walk_alloc)(pt, iova, &cnt, &err, top, level);
		if (!table)
			return err;
		if (n > pgcount)
			n = pgcount;
		/* A table with no entries (just made) needs no check. */
		if (level == top || pt_count(*cnt)) {
			uint64_t any = 0;

			for (i = 0; i < n; i++)
				any |= table[idx + i];
			if (any)
				return -EEXIST;
		}
		for (i = 0; i < n; i++)
			table[idx + i] = bits | (paddr + ((uint64_t)i << shift));
		if (level < top)
			*cnt += (uint64_t)n << FMT_COUNT_SHIFT;
		*mapped += (size_t)n << shift;
		pgcount -= n;
		iova += (uint64_t)n << shift;
		paddr += (uint64_t)n << shift;
	} while (pgcount);
	return 0;
}

/*
 * One page into tables that exist: the common call, with no function call
 * and no stack frame. -EAGAIN sends anything else to map_run.
 */
static PT_INLINE int PT_NS(map_one)(struct iok_pgtable *pt, uint64_t iova,
				    uint64_t paddr, uint64_t bits, size_t *mapped,
				    const unsigned int top, const unsigned int level)
{
	uint64_t *table = pt->root, *cnt = NULL, *e;

	PT_UNROLL
	for (unsigned int l = top; l > level; l--) {
		uint64_t *pe = &table[PT_IDX(iova, l)];

		if (PT_UNLIKELY(!pt_is_table_entry(*pe)))
			return -EAGAIN;
		table = pt_table(*pe);
		cnt = pe;
	}
	e = &table[PT_IDX(iova, level)];
	if (PT_UNLIKELY(*e))
		return -EEXIST;
	*e = bits | paddr;
	if (level < top)
		*cnt += PT_COUNT_ONE;
	*mapped += 1ull << PT_SHIFT(level);
	return 0;
}

#if FMT_UNMAP_WHOLE_LEAF
/*
 * Unmap [*@va, @end) inside @table (at @level, counted in *@cnt) leaf by
 * leaf, freeing tables it empties. Return false at a hole.
 */
static bool PT_NS(unmap_range)(struct iok_pgtable *pt, uint64_t *table,
			       unsigned int level, uint64_t *cnt, uint64_t *va,
			       uint64_t end, size_t *done)
{
	unsigned int shift = PT_SHIFT(level);

	while (*va < end) {
		uint64_t *e = &table[PT_IDX(*va, level)];
		uint64_t v = *e;
		bool more;

		if (!v)
			return false;
		if (pt_is_leaf(v, level)) {
			/* Leaves under a slot lie inside it, start included. */
			*e = 0;
			*cnt -= PT_COUNT_ONE;
			*va += 1ull << shift;
			*done += 1ull << shift;
			continue;
		}
		more = PT_NS(unmap_range)(pt, pt_table(v), level - 1, e, va, end, done);
		if (!pt_count(*e)) {
			pt_table_free(pt, pt_table(*e));
			*e = 0;
			*cnt -= PT_COUNT_ONE;
		}
		if (!more)
			return false;
	}
	return true;
}
#else
/* Replace the block *@e at @level by a table of the next size down. */
static int PT_NS(split)(struct iok_pgtable *pt, uint64_t *e, unsigned int level)
{
	uint64_t *t = pt_table_alloc(pt);
	uint64_t bits, oa;
	unsigned int i;

	if (!t)
		return -ENOMEM;
	bits = fmt_split_bits(*e, level - 1);
	oa = pt_leaf_oa(*e, level);
	for (i = 0; i < PT_ENTRIES; i++)
		t[i] = bits | (oa + ((uint64_t)i << PT_SHIFT(level - 1)));
	*e = fmt_mk_table(t) + (uint64_t)PT_ENTRIES * PT_COUNT_ONE;
	return 0;
}
#endif

/*
 * The walk of an unmap of pages at @level met a larger leaf at @l, in
 * *@path[@l], that holds *@iova. Return true to walk again.
 */
static bool PT_NS(unmap_large)(struct iok_pgtable *pt, uint64_t **path,
			       unsigned int l, unsigned int level, uint64_t *iova,
			       size_t *pgcount, size_t *done)
{
#if FMT_UNMAP_WHOLE_LEAF
	/* Removed whole from its start, its size counted; not from inside. */
	uint64_t sz = 1ull << PT_SHIFT(l);
	size_t pages = sz >> PT_SHIFT(level);

	if (*iova & (sz - 1))
		return false;
	*path[l] = 0;
	if (l < pt->top) {
		*path[l + 1] -= PT_COUNT_ONE;
		PT_NS(prune)(pt, path, l);
	}
	*done += sz;
	if (*pgcount <= pages)
		return false;
	*pgcount -= pages;
	*iova += sz;
	return true;
#else
	return (pt->features & IOK_PGTABLE_ARM_SPLIT) && !PT_NS(split)(pt, path[l], l);
#endif
}

/*
 * Clear up to @n slots of @table from @idx at @level (above 0), stopping
 * at an empty one. Returns the slots cleared; *@done grows by the bytes
 * unmapped, *@stop is set at a hole.
 */
static unsigned int PT_NS(clear_slots)(struct iok_pgtable *pt, uint64_t *table,
				       unsigned int level, unsigned int idx,
				       unsigned int n, uint64_t iova, size_t *done,
				       bool *stop)
{
	unsigned int shift = PT_SHIFT(level), k;

	for (k = 0; k < n; k++) {
		uint64_t *e = &table[idx + k];
		uint64_t v = *e;

		if (!v)
			break;
		if (!fmt_is_table(v, level)) {
			*e = 0;
			*done += 1ull << shift;
			continue;
		}
#if FMT_UNMAP_WHOLE_LEAF
		{
			uint64_t va = iova + ((uint64_t)k << shift);
			bool more = PT_NS(unmap_range)(pt, pt_table(v), level - 1, e, &va,
						       va + (1ull << shift), done);

			if (pt_count(*e)) {
				*stop = true;
				return k;
			}
			pt_table_free(pt, pt_table(*e));
			*e = 0;
			if (!more) {
				*stop = true;
				return k + 1;
			}
		}
#else
		/* io-pgtable-arm: the slot goes, with all it maps. */
		PT_NS(free_tree)(pt, pt_table(v), level - 1);
		*e = 0;
		*done += 1ull << shift;
#endif
	}
	*stop = k < n;
	return k;
}

/*
 * One page at @level, the common call: no stack frame unless a table
 * empties. SIZE_MAX sends a larger leaf, or a table under the slot, to
 * unmap_run.
 */
static PT_INLINE size_t PT_NS(unmap_one)(struct iok_pgtable *pt, uint64_t iova,
					 const unsigned int top,
					 const unsigned int level)
{
	uint64_t *table = pt->root, *cnt = NULL, *e;

	PT_UNROLL
	for (unsigned int l = top; l > level; l--) {
		uint64_t *pe = &table[PT_IDX(iova, l)];

		if (PT_UNLIKELY(!pt_is_table_entry(*pe)))
			return *pe ? SIZE_MAX : 0;
		table = pt_table(*pe);
		cnt = pe;
	}
	e = &table[PT_IDX(iova, level)];
	if (!*e)
		return 0;
	if (level && PT_UNLIKELY(!pt_is_leaf(*e, level)))
		return SIZE_MAX;
	*e = 0;
	if (level < top) {
		*cnt -= PT_COUNT_ONE;
		if (PT_UNLIKELY(!pt_count(*cnt)))
			PT_NS(prune_at)(pt, iova, level, top);
	}
	return 1ull << PT_SHIFT(level);
}

static PT_INLINE size_t PT_NS(unmap_run)(struct iok_pgtable *pt, uint64_t iova,
					 size_t pgcount, const unsigned int top,
					 const unsigned int level)
{
	const unsigned int shift = PT_SHIFT(level);
	size_t done = 0;

	while (pgcount) {
		uint64_t *path[PT_MAX_LEVELS + 1], *table = pt->root;
		unsigned int l, idx = PT_IDX(iova, level), n, k;
		bool stop = false;

		PT_UNROLL
		for (l = top; l > level; l--) {
			uint64_t *e = &table[PT_IDX(iova, l)];
			uint64_t v = *e;

			path[l] = e;
			if (!v)
				return done;
			if (PT_UNLIKELY(!fmt_is_table(v, l)))
				break;
			table = pt_table(v);
		}
		if (PT_UNLIKELY(l > level)) {
			if (!PT_NS(unmap_large)(pt, path, l, level, &iova, &pgcount, &done))
				return done;
			continue;
		}

		n = PT_ENTRIES - idx;
		if (n > pgcount)
			n = pgcount;
		if (n == 1 && (!level || pt_is_leaf(table[idx], level))) {
			if (!table[idx])
				return done;
			table[idx] = 0;
			k = 1;
			done += 1ull << shift;
		} else if (!level) {
			/* A full table needs no look at its entries. */
			k = 0;
			if (level < top && pt_count(*path[level + 1]) == PT_ENTRIES)
				k = n;
			else
				while (k < n && table[idx + k])
					k++;
			memset(&table[idx], 0, (size_t)k * sizeof(*table));
			done += (size_t)k << shift;
			stop = k < n;
		} else {
			k = PT_NS(clear_slots)(pt, table, level, idx, n, iova, &done, &stop);
		}
		if (level < top) {
			*path[level + 1] -= (uint64_t)k << FMT_COUNT_SHIFT;
			if (!pt_count(*path[level + 1]))
				PT_NS(prune)(pt, path, level);
		}
		if (stop)
			return done;
		pgcount -= n;
		iova += (uint64_t)n << shift;
	}
	return done;
}

/*
 * The operations for each depth and page size: the caller (pgtable.c) has
 * checked the arguments, so these only walk and write.
 */
#define PT_RUN_FNS(top, level)								\
static __attribute__((noinline)) int							\
PT_NS(map_run_##top##_##level)(struct iok_pgtable *pt, uint64_t iova, uint64_t paddr,	\
			       size_t pgcount, uint64_t bits, size_t *mapped)		\
{											\
	return PT_NS(map_run)(pt, iova, paddr, pgcount, bits, mapped, top, level);	\
}											\
static int PT_NS(map_##top##_##level)(struct iok_pgtable *pt, uint64_t iova,		\
				      uint64_t paddr, size_t pgcount, uint64_t bits,	\
				      size_t *mapped)					\
{											\
	if (pgcount == 1) {								\
		int rc = PT_NS(map_one)(pt, iova, paddr, bits, mapped, top, level);	\
											\
		if (rc != -EAGAIN)							\
			return rc;							\
	}										\
	return PT_NS(map_run_##top##_##level)(pt, iova, paddr, pgcount, bits, mapped);	\
}											\
static __attribute__((noinline)) size_t						\
PT_NS(unmap_run_##top##_##level)(struct iok_pgtable *pt, uint64_t iova, size_t pgcount)	\
{											\
	return PT_NS(unmap_run)(pt, iova, pgcount, top, level);				\
}											\
static size_t PT_NS(unmap_##top##_##level)(struct iok_pgtable *pt, uint64_t iova,	\
					   size_t pgcount)				\
{											\
	if (pgcount == 1) {								\
		size_t got = PT_NS(unmap_one)(pt, iova, top, level);			\
											\
		if (got != SIZE_MAX)							\
			return got;							\
	}										\
	return PT_NS(unmap_run_##top##_##level)(pt, iova, pgcount);			\
}

PT_RUN_FNS(2, 0)
PT_RUN_FNS(2, 1)
PT_RUN_FNS(2, 2)
PT_RUN_FNS(3, 0)
PT_RUN_FNS(3, 1)
PT_RUN_FNS(3, 2)

/* The leaf descriptor that maps @iova, or NULL. */
static uint64_t *PT_NS(leaf_ptep)(struct iok_pgtable *pt, uint64_t iova,
				  unsigned int *level)
{
	uint64_t *table = pt->root;
	unsigned int l;

	if (iova > pt->va_last)
		return NULL;
	for (l = pt->top;; l--) {
		uint64_t *e = &table[PT_IDX(iova, l)];

		if (!*e)
			return NULL;
		if (pt_is_leaf(*e, l)) {
			*level = l;
			return e;
		}
		table = pt_table(*e);
	}
}

/* @v, met at @level on the way to @iova: a leaf above level 0, or empty. */
static int PT_NS(translate_upper)(uint64_t v, unsigned int level, uint64_t iova,
				  uint64_t *phys)
{
	if (!v)
		return -ENOENT;
	*phys = pt_leaf_oa(v, level) | (iova & ((1ull << PT_SHIFT(level)) - 1));
	return 0;
}

static PT_INLINE int PT_NS(translate)(struct iok_pgtable *pt, uint64_t iova,
				     uint64_t *phys, const unsigned int top)
{
	uint64_t *table = pt->root, v;

	PT_UNROLL
	for (unsigned int l = top; l > 0; l--) {
		v = table[PT_IDX(iova, l)];
		if (PT_UNLIKELY(!pt_is_table_entry(v)))
			return PT_NS(translate_upper)(v, l, iova, phys);
		table = pt_table(v);
	}
	v = table[PT_IDX(iova, 0)];
	if (!v)
		return -ENOENT;
	*phys = (v & FMT_ADDR_MASK) | (iova & (PT_SZ_4K - 1));
	return 0;
}

static int PT_NS(iova_to_phys_2)(struct iok_pgtable *pt, uint64_t iova, uint64_t *phys)
{
	return PT_NS(translate)(pt, iova, phys, 2);
}

static int PT_NS(iova_to_phys_3)(struct iok_pgtable *pt, uint64_t iova, uint64_t *phys)
{
	return PT_NS(translate)(pt, iova, phys, 3);
}

/* The IOMMU's walk: check every level first, then update A/D as it would. */
static int PT_NS(walk)(struct iok_pgtable *pt, uint64_t iova, unsigned int access,
		       uint64_t *phys, uint64_t *page_size)
{
	uint64_t *path[PT_MAX_LEVELS + 1];
	uint64_t *table = pt->root;
	int l, i;

	if (iova > pt->va_last)
		return -ENOENT;
	for (l = pt->top;; l--) {
		uint64_t *e = &table[PT_IDX(iova, l)];
		bool leaf;
		int rc;

		if (!(*e & 1))
			return -ENOENT;
		leaf = pt_is_leaf(*e, l);
		rc = fmt_hw_check(*e, access, leaf);
		if (rc)
			return rc;
		path[l] = e;
		if (leaf)
			break;
		table = pt_table(*e);
	}
	for (i = pt->top; i >= l; i--)
		*path[i] = fmt_hw_update(*path[i], access, i == l);
	*phys = pt_leaf_oa(*path[l], l) | (iova & ((1ull << PT_SHIFT(l)) - 1));
	if (page_size)
		*page_size = 1ull << PT_SHIFT(l);
	return 0;
}

/*
 * Remember the table holding the leaf of a walk from the root: the entries
 * above it (*@path[@top] .. *@path[@level + 1]) are tables, which keep
 * their bits (but the entry count) until the table below is freed.
 */
static void PT_NS(psc_fill)(struct iok_pgtable *pt, struct iok_pt_psc *psc,
			    uint64_t **path, int level, uint64_t iova)
{
	static const unsigned int acc[2] = { IOK_PROT_READ, IOK_PROT_WRITE };
	uint8_t ok = 0;

	for (unsigned int a = 0; a < 2; a++) {
		bool all = true;

		for (int i = pt->top; i > level && all; i--)
			all = (*path[i] & 1) && !fmt_hw_check(*path[i], acc[a], false) &&
			      fmt_hw_update(*path[i], acc[a], false) == *path[i];
		if (all)
			ok |= acc[a];
	}
	*psc = (struct iok_pt_psc){
		.pt = pt, .serial = pt->serial, .frees = pt->frees,
		.table = pt_table(*path[level + 1]),
		.base = iova & ~((1ull << PT_SHIFT(level + 1)) - 1),
		.level = (uint8_t)level, .ok = ok,
	};
}

/*
 * The walk of iommu hardware with a paging-structure cache (hw-walk.h):
 * for_each_leaf's and walk's checks in their order, in one descent from
 * @table at @start (the root, or @psc's table when @used is IOK_PSC_HIT).
 */
static __attribute__((noinline)) int
PT_NS(hw_walk_from)(struct iok_pgtable *pt, uint64_t *table, int start, unsigned int used,
		    uint64_t iova, unsigned int access, struct iok_pt_leaf *leaf,
		    struct iok_pt_psc *psc)
{
	uint64_t *path[PT_MAX_LEVELS + 1];
	int l, i;

	for (l = start;; l--) {
		uint64_t *e = &table[PT_IDX(iova, l)];

		if (!*e)
			return -ENOENT;
		path[l] = e;
		if (pt_is_leaf(*e, l))
			break;
		table = pt_table(*e);
	}
	if (!(fmt_leaf_prot(*path[l]) & access))
		return -EACCES;
	for (i = start; i >= l; i--) {
		int rc;

		if (!(*path[i] & 1))
			return -ENOENT;
		rc = fmt_hw_check(*path[i], access, i == l);
		if (rc)
			return rc;
	}
	for (i = start; i >= l; i--)
		*path[i] = fmt_hw_update(*path[i], access, i == l);
	leaf->page = pt_leaf_oa(*path[l], l);
	leaf->size = 1ull << PT_SHIFT(l);
	leaf->prot = fmt_leaf_prot(*path[l]);
	if (psc && used == IOK_PSC_UNUSED && !l && start) {
		PT_NS(psc_fill)(pt, psc, path, l, iova);
		used = IOK_PSC_FILLED;
	}
	leaf->psc = used;
	return 0;
}

/*
 * The entry point: a 4 KiB page next to the last one walked reads its
 * leaf from the cached table; anything else walks in full.
 */
static int PT_NS(hw_walk)(struct iok_pgtable *pt, uint64_t iova, unsigned int access,
			  struct iok_pt_leaf *leaf, struct iok_pt_psc *psc)
{
	if (psc && psc->pt == pt && psc->serial == pt->serial && psc->frees == pt->frees &&
	    (psc->ok & access) && !((iova ^ psc->base) >> PT_SHIFT(psc->level + 1))) {
		if (!psc->level) {
			uint64_t *e = &psc->table[PT_IDX(iova, 0)], v = *e;

			if (v && (fmt_leaf_prot(v) & access) && (v & 1) &&
			    !fmt_hw_check(v, access, true)) {
				*e = v = fmt_hw_update(v, access, true);
				leaf->page = pt_leaf_oa(v, 0);
				leaf->size = PT_SZ_4K;
				leaf->prot = fmt_leaf_prot(v);
				leaf->psc = IOK_PSC_HIT;
				return 0;
			}
		}
		return PT_NS(hw_walk_from)(pt, psc->table, psc->level, IOK_PSC_HIT, iova, access,
					   leaf, psc);
	}
	if (iova > pt->va_last)
		return -ENOENT;
	return PT_NS(hw_walk_from)(pt, pt->root, pt->top, IOK_PSC_UNUSED, iova, access, leaf,
				   psc);
}

typedef int (*pt_visit_fn)(uint64_t *e, unsigned int level, uint64_t va,
			   void *arg);

/* Call @fn for each leaf of @table overlapping [@va, @last]. */
static int PT_NS(visit)(uint64_t *table, unsigned int level, uint64_t va,
			uint64_t last, pt_visit_fn fn, void *arg)
{
	uint64_t mask = (1ull << PT_SHIFT(level)) - 1;

	for (;;) {
		uint64_t *e = &table[PT_IDX(va, level)];
		uint64_t end = va | mask;
		int rc = 0;

		if (*e && !pt_is_leaf(*e, level))
			rc = PT_NS(visit)(pt_table(*e), level - 1, va,
					  end < last ? end : last, fn, arg);
		else if (*e)
			rc = fn(e, level, va & ~mask, arg);
		if (rc)
			return rc;
		if (end >= last)
			return 0;
		va = end + 1;
	}
}

struct PT_NS(dirty_args) {
	unsigned int flags;
	iok_dirty_fn fn;
	void *arg;
};

static int PT_NS(visit_dirty)(uint64_t *e, unsigned int level, uint64_t va,
			      void *arg)
{
	struct PT_NS(dirty_args) *d = arg;

	if (!fmt_is_dirty(*e))
		return 0;
	if (!(d->flags & IOK_DIRTY_NO_CLEAR))
		*e = fmt_clean(*e);
	return d->fn(va, 1ull << PT_SHIFT(level), d->arg);
}

static int PT_NS(read_and_clear_dirty)(struct iok_pgtable *pt, uint64_t iova,
				       uint64_t last, unsigned int flags,
				       iok_dirty_fn fn, void *arg)
{
	struct PT_NS(dirty_args) d = { .flags = flags, .fn = fn, .arg = arg };

	return PT_NS(visit)(pt->root, pt->top, iova, last, PT_NS(visit_dirty), &d);
}

struct PT_NS(leaf_args) {
	iok_pgtable_leaf_fn fn;
	void *arg;
};

static int PT_NS(visit_leaf)(uint64_t *e, unsigned int level, uint64_t va,
			     void *arg)
{
	struct PT_NS(leaf_args) *a = arg;
	struct iok_pgtable_leaf leaf = {
		.iova = va,
		.size = 1ull << PT_SHIFT(level),
		.paddr = pt_leaf_oa(*e, level),
		.prot = fmt_leaf_prot(*e),
		.pte = *e,
	};

	return a->fn(&leaf, a->arg);
}

static int PT_NS(for_each_leaf)(struct iok_pgtable *pt, uint64_t iova,
				uint64_t last, iok_pgtable_leaf_fn fn, void *arg)
{
	struct PT_NS(leaf_args) a = { .fn = fn, .arg = arg };

	return PT_NS(visit)(pt->root, pt->top, iova, last, PT_NS(visit_leaf), &a);
}

static void PT_NS(init)(struct iok_pgtable *pt)
{
	for (unsigned int level = 0; level < ARRAY_SIZE(pt->leaf_bits); level++)
		for (unsigned int prot = 0; prot <= PT_PROT_ALL; prot++)
			pt->leaf_bits[level][prot] = prot & (IOK_PROT_READ | IOK_PROT_WRITE) ?
						     fmt_leaf_bits(pt, prot, level) : 0;
}

static void PT_NS(clear)(struct iok_pgtable *pt)
{
	unsigned int i;

	for (i = 0; i < PT_ENTRIES; i++) {
		if (pt->root[i] && fmt_is_table(pt->root[i], pt->top))
			PT_NS(free_tree)(pt, pt_table(pt->root[i]), pt->top - 1);
		pt->root[i] = 0;
	}
}

static uint64_t pt_mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

/* Every descriptor in tree order; a table descriptor without its address. */
static uint64_t PT_NS(digest_table)(uint64_t *table, unsigned int level, uint64_t h)
{
	unsigned int i;

	for (i = 0; i < PT_ENTRIES; i++) {
		uint64_t v = table[i];

		if (!v)
			continue;
		h = pt_mix(h, i | (uint64_t)level << 16);
		if (pt_is_leaf(v, level)) {
			h = pt_mix(h, v);
			continue;
		}
		h = pt_mix(h, v & ~FMT_ADDR_MASK);
		h = PT_NS(digest_table)(pt_table(v), level - 1, h);
	}
	return h;
}

static uint64_t PT_NS(digest)(struct iok_pgtable *pt)
{
	return PT_NS(digest_table)(pt->root, pt->top, 0x6a09e667f3bcc908ull);
}

#define PT_OPS_INIT {								\
	.map = {								\
		{ PT_NS(map_2_0), PT_NS(map_2_1), PT_NS(map_2_2) },		\
		{ PT_NS(map_3_0), PT_NS(map_3_1), PT_NS(map_3_2) },		\
	},									\
	.unmap = {								\
		{ PT_NS(unmap_2_0), PT_NS(unmap_2_1), PT_NS(unmap_2_2) },	\
		{ PT_NS(unmap_3_0), PT_NS(unmap_3_1), PT_NS(unmap_3_2) },	\
	},									\
	.iova_to_phys = { PT_NS(iova_to_phys_2), PT_NS(iova_to_phys_3) },	\
	.walk = PT_NS(walk),							\
	.read_and_clear_dirty = PT_NS(read_and_clear_dirty),			\
	.for_each_leaf = PT_NS(for_each_leaf),					\
	.hw_walk = PT_NS(hw_walk),						\
	.init = PT_NS(init),							\
	.clear = PT_NS(clear),							\
	.digest = PT_NS(digest),						\
	.leaf_ptep = PT_NS(leaf_ptep),						\
}
