// SPDX-License-Identifier: MIT
/*
 * The IOVA allocator (the kernel's iova.c, without its linear walks).
 *
 * Free space is an AVL tree of free extents keyed by their first frame.
 * An allocation of s frames must start on a multiple of 2^k, the power of
 * two s rounds up to. Every extent [lo, hi] records m, the largest order
 * of an aligned block inside it, and r, the room between its first
 * (m+1)-aligned frame and its end. Then s fits iff m >= k, or m == k - 1
 * and r >= s (s > 2^(k-1), so a fit always holds an aligned 2^(k-1)
 * block). Each subtree keeps the largest m of its extents and the largest
 * r among those with that m, which answers the same question for the
 * whole subtree: the search for the highest fit below a limit walks one
 * path, and allocation, free (with coalescing) and reservation are
 * O(log n) in the number of free extents.
 *
 * Ranges handed out are handles from a pool, so that a free is checked
 * (a foreign or freed handle is refused) without a lookup. Sizes that can
 * be cached go through iova-rcache.c first.
 */
#include <stdio.h>
#include <sys/mman.h>

#include "lib/dma/dma-private.h"

#define CHUNK_ITEMS	256
#define CHUNK_BYTES_MAX	(2u << 20)
#define MAX_HEIGHT	96

struct iova_chunk {
	struct iova_chunk *next;
	size_t nr;
	/* items follow */
} __attribute__((aligned(16)));

/*
 * Chunks double up to 2 MiB: few allocations, handles close together.
 * A chunk of 2 MiB is one huge page where the system gives them (as the
 * kernel's slab objects live in its huge-page direct map), so that a deep
 * working set of handles costs no more TLB reach than its data.
 */
static void *chunk_new(struct iova_chunk **list, size_t item, size_t *nr)
{
	size_t n = *list ? (*list)->nr * 2 : CHUNK_ITEMS;
	size_t max = (CHUNK_BYTES_MAX - sizeof(struct iova_chunk)) / item;
	struct iova_chunk *c;

	if (n >= max) {
		n = max;
		c = aligned_alloc(CHUNK_BYTES_MAX, CHUNK_BYTES_MAX);
#ifdef MADV_HUGEPAGE
		if (c)
			madvise(c, CHUNK_BYTES_MAX, MADV_HUGEPAGE);
#endif
	} else {
		c = malloc(sizeof(*c) + n * item);
	}
	if (!c)
		return NULL;
	c->next = *list;
	c->nr = n;
	*list = c;
	*nr = n;
	return c + 1;
}

static struct iova_node *node_get(struct iok_iovad *iovad)
{
	struct iova_node *n = iovad->spare_nodes;

	if (!n) {
		size_t nr;

		n = chunk_new(&iovad->node_chunks, sizeof(*n), &nr);
		if (!n)
			return NULL;
		for (size_t i = 1; i < nr - 1; i++)
			n[i].right = &n[i + 1];
		n[nr - 1].right = NULL;
		iovad->spare_nodes = &n[1];
		return n;
	}
	iovad->spare_nodes = n->right;
	return n;
}

static void node_put(struct iok_iovad *iovad, struct iova_node *n)
{
	n->right = iovad->spare_nodes;
	iovad->spare_nodes = n;
}

static struct iok_iova *handle_get(struct iok_iovad *iovad)
{
	struct iok_iova *h = iovad->spare_iovas;

	if (!h) {
		size_t nr;

		h = chunk_new(&iovad->iova_chunks, sizeof(*h), &nr);
		if (!h)
			return NULL;
		for (size_t i = 0; i < nr; i++) {
			h[i].tag = IOVA_TAG(iovad, IOVA_FREE);
			h[i].next = i + 1 < nr ? &h[i + 1] : NULL;
		}
	}
	iovad->spare_iovas = h->next;
	return h;
}

static void handle_put(struct iok_iovad *iovad, struct iok_iova *h)
{
	h->tag = IOVA_TAG(iovad, IOVA_FREE);
	h->next = iovad->spare_iovas;
	iovad->spare_iovas = h;
}

/* ---- the tree ---------------------------------------------------------- */

static inline int height(const struct iova_node *n)
{
	return n ? n->height : 0;
}

static inline uint64_t align_up(uint64_t v, unsigned int order)
{
	return (v + (1ull << order) - 1) & ~((1ull << order) - 1);
}

/* m and r of an extent (see the top of the file). */
static void node_measure(struct iova_node *n)
{
	uint64_t len = n->hi - n->lo + 1, x;
	int k = 63 - __builtin_clzll(len);

	/* A block of 2^k fits unless alignment pushes it out; 2^(k-1) always fits. */
	if (align_up(n->lo, k) + (1ull << k) - 1 > n->hi)
		k--;
	n->m = k;
	x = align_up(n->lo, k + 1);
	n->r = x <= n->hi ? n->hi - x + 1 : 0;
}

static inline void agg(int *m, uint64_t *r, const struct iova_node *c)
{
	if (!c || c->sub_m < *m)
		return;
	if (c->sub_m > *m) {
		*m = c->sub_m;
		*r = c->sub_r;
	} else if (c->sub_r > *r) {
		*r = c->sub_r;
	}
}

/* Height and subtree summary from the children; true if any changed. */
static bool pull(struct iova_node *n)
{
	int h = 1 + (height(n->left) > height(n->right) ? height(n->left) : height(n->right));
	int m = n->m;
	uint64_t r = n->r;
	bool changed;

	agg(&m, &r, n->left);
	agg(&m, &r, n->right);
	changed = h != n->height || m != n->sub_m || r != n->sub_r;
	n->height = h;
	n->sub_m = m;
	n->sub_r = r;
	return changed;
}

/* Whether a size-aligned range of @s frames (2^(k-1) < s <= 2^k) fits. */
static inline bool fits(int m, uint64_t r, uint64_t s, int k)
{
	return m >= k || (m == k - 1 && r >= s);
}

static void set_child(struct iok_iovad *iovad, struct iova_node *parent,
		      struct iova_node *old, struct iova_node *new)
{
	if (!parent)
		iovad->root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
	if (new)
		new->parent = parent;
}

static struct iova_node *rotate_left(struct iok_iovad *iovad, struct iova_node *x)
{
	struct iova_node *y = x->right;

	set_child(iovad, x->parent, x, y);
	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->left = x;
	x->parent = y;
	pull(x);
	pull(y);
	return y;
}

static struct iova_node *rotate_right(struct iok_iovad *iovad, struct iova_node *x)
{
	struct iova_node *y = x->left;

	set_child(iovad, x->parent, x, y);
	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	y->right = x;
	x->parent = y;
	pull(x);
	pull(y);
	return y;
}

/*
 * Restore heights, balance and summaries from @n up. A node whose values
 * did not change ends the climb: nothing above depends on anything else.
 */
static void rebalance_up(struct iok_iovad *iovad, struct iova_node *n)
{
	while (n) {
		bool changed = pull(n);
		int bal = height(n->left) - height(n->right);

		if (bal > 1) {
			if (height(n->left->left) < height(n->left->right))
				rotate_left(iovad, n->left);
			n = rotate_right(iovad, n);
		} else if (bal < -1) {
			if (height(n->right->right) < height(n->right->left))
				rotate_right(iovad, n->right);
			n = rotate_left(iovad, n);
		} else if (!changed) {
			return;
		}
		n = n->parent;
	}
}

/* An extent changed its ends in place (its order among the others kept). */
static void node_update(struct iok_iovad *iovad, struct iova_node *n)
{
	node_measure(n);
	rebalance_up(iovad, n);
}

static void node_link(struct iok_iovad *iovad, struct iova_node *n, uint64_t lo,
		      uint64_t hi)
{
	struct iova_node **link = &iovad->root, *parent = NULL;

	while (*link) {
		parent = *link;
		link = lo < parent->lo ? &parent->left : &parent->right;
	}
	n->lo = lo;
	n->hi = hi;
	n->left = n->right = NULL;
	n->parent = parent;
	n->height = 0;
	node_measure(n);
	*link = n;
	rebalance_up(iovad, n);
	iovad->free_extents++;
}

static void node_erase(struct iok_iovad *iovad, struct iova_node *n)
{
	struct iova_node *s = n, *child, *parent;

	/* Two children: the successor's extent moves here, the successor goes. */
	if (n->left && n->right) {
		for (s = n->right; s->left; s = s->left)
			;
		n->lo = s->lo;
		n->hi = s->hi;
		n->m = s->m;
		n->r = s->r;
	}
	child = s->left ? s->left : s->right;
	parent = s->parent;
	set_child(iovad, parent, s, child);
	node_put(iovad, s);
	rebalance_up(iovad, parent);
	if (s != n)
		rebalance_up(iovad, n);
	iovad->free_extents--;
}

/* The extent with the largest start not above @pfn, or NULL. */
static struct iova_node *node_floor(const struct iok_iovad *iovad, uint64_t pfn)
{
	struct iova_node *n = iovad->root, *best = NULL;

	while (n) {
		if (n->lo <= pfn) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

static struct iova_node *node_next(struct iova_node *n)
{
	if (n->right) {
		for (n = n->right; n->left; n = n->left)
			;
		return n;
	}
	while (n->parent && n->parent->right == n)
		n = n->parent;
	return n->parent;
}

/* The highest size-aligned start for @s frames in [lo, hi], if any. */
static inline bool top_fit(uint64_t lo, uint64_t hi, uint64_t s, int k, uint64_t *x)
{
	uint64_t cand;

	if (hi - lo + 1 < s)
		return false;
	cand = (hi - s + 1) & ~((1ull << k) - 1);
	if (cand < lo)
		return false;
	*x = cand;
	return true;
}

/* The highest fitting extent of a subtree lying wholly below the limit. */
static struct iova_node *fit_below(struct iova_node *n, uint64_t s, int k)
{
	while (n && fits(n->sub_m, n->sub_r, s, k)) {
		if (n->right && fits(n->right->sub_m, n->right->sub_r, s, k))
			n = n->right;
		else if (fits(n->m, n->r, s, k))
			return n;
		else
			n = n->left;
	}
	return NULL;
}

/*
 * The highest fit at or below @limit: one recursion down the path of the
 * limit, and at most one descent (fit_below) into a subtree that is known
 * to hold a fit.
 */
static struct iova_node *fit_limit(struct iova_node *n, uint64_t s, int k,
				   uint64_t limit, uint64_t *x)
{
	struct iova_node *f;

	while (n && n->lo > limit)
		n = n->left;
	if (!n || !fits(n->sub_m, n->sub_r, s, k))
		return NULL;
	f = fit_limit(n->right, s, k, limit, x);
	if (f)
		return f;
	if (top_fit(n->lo, n->hi < limit ? n->hi : limit, s, k, x))
		return n;
	f = fit_below(n->left, s, k);
	if (f)
		top_fit(f->lo, f->hi, s, k, x);
	return f;
}

/* Take [x, x + s - 1] out of extent @n; @spare is used if @n splits. */
static void carve(struct iok_iovad *iovad, struct iova_node *n, uint64_t x, uint64_t s,
		  struct iova_node **spare)
{
	bool left = x > n->lo, right = x + s - 1 < n->hi;
	uint64_t hi = n->hi;

	iovad->tree_free_pages -= s;
	if (!left && !right) {
		node_erase(iovad, n);
	} else if (!right) {
		n->hi = x - 1;
		node_update(iovad, n);
	} else if (!left) {
		n->lo = x + s;
		node_update(iovad, n);
	} else {
		n->hi = x - 1;
		node_update(iovad, n);
		node_link(iovad, *spare, x + s, hi);
		*spare = NULL;
	}
}

/* Give [x, x + s - 1] back to the tree, merged with the extents it touches. */
static int tree_insert(struct iok_iovad *iovad, uint64_t x, uint64_t s)
{
	struct iova_node *n = iovad->root, *pred = NULL, *succ = NULL, *fresh;
	bool ml, mr;

	while (n) {
		if (n->lo < x) {
			pred = n;
			n = n->right;
		} else {
			succ = n;
			n = n->left;
		}
	}
	if ((pred && pred->hi >= x) || (succ && succ->lo <= x + s - 1))
		return iok_fail(iovad->ctx, -EUCLEAN,
				"iova: freeing [0x%llx, +0x%llx] that is partly free",
				(unsigned long long)x, (unsigned long long)s);
	ml = pred && pred->hi + 1 == x;
	mr = succ && succ->lo == x + s;
	if (ml && mr) {
		pred->hi = succ->hi;
		node_measure(pred);
		node_erase(iovad, succ);
		rebalance_up(iovad, pred);
	} else if (ml) {
		pred->hi = x + s - 1;
		node_update(iovad, pred);
	} else if (mr) {
		succ->lo = x;
		node_update(iovad, succ);
	} else {
		fresh = node_get(iovad);
		if (!fresh)
			return -ENOMEM;
		node_link(iovad, fresh, x, x + s - 1);
	}
	iovad->tree_free_pages += s;
	return 0;
}

/* A handle's range back to the tree, the handle back to the pool. */
void iova_tree_free(struct iok_iovad *iovad, struct iok_iova *iova)
{
	/* Out of memory for a node: the range stays lost, the handle goes. */
	if (!tree_insert(iovad, iova->pfn, iova->pages))
		iovad->tree_frees++;
	handle_put(iovad, iova);
}

static unsigned int ceil_log2(uint64_t v)
{
	return v <= 1 ? 0 : 64 - __builtin_clzll(v - 1);
}

static int tree_alloc(struct iok_iovad *iovad, uint64_t s, uint64_t limit, uint64_t *pfn)
{
	struct iova_node *n, *spare = NULL;
	int k = ceil_log2(s);
	uint64_t x = 0;

	/* Without a limit below the end, no path needs clipping. */
	if (limit >= iovad->end_pfn) {
		n = fit_below(iovad->root, s, k);
		if (n)
			top_fit(n->lo, n->hi, s, k, &x);
	} else {
		n = fit_limit(iovad->root, s, k, limit, &x);
	}
	if (!n)
		return -ENOSPC;
	/* A split needs a node: get it first so that failure changes nothing. */
	if (x > n->lo && x + s - 1 < n->hi) {
		spare = node_get(iovad);
		if (!spare)
			return -ENOMEM;
	}
	carve(iovad, n, x, s, &spare);
	*pfn = x;
	return 0;
}

/* ---- public API -------------------------------------------------------- */

static uint32_t iovad_tags;

IOK_EXPORT int iok_iovad_new(struct iok_ctx *ctx, uint64_t granule, uint64_t start_pfn,
			     uint64_t end_pfn, struct iok_iovad **out)
{
	struct iok_iovad *iovad;
	struct iova_node *n;

	if (!out || granule < 512 || (granule & (granule - 1)))
		return iok_fail(ctx, -EINVAL, "iova: granule 0x%llx is not a power of two >= 512",
				(unsigned long long)granule);
	if (!start_pfn || start_pfn > end_pfn || end_pfn > UINT64_MAX >> __builtin_ctzll(granule))
		return iok_fail(ctx, -EINVAL, "iova: frames 0x%llx-0x%llx are not a space",
				(unsigned long long)start_pfn, (unsigned long long)end_pfn);
	iovad = calloc(1, sizeof(*iovad));
	if (!iovad)
		return -ENOMEM;
	iovad->ctx = ctx;
	/* Tags only tell domains apart: a counter that wraps after 2^22 is enough. */
	iovad->tag = __atomic_add_fetch(&iovad_tags, 1, __ATOMIC_RELAXED) &
		     ((1u << IOVA_TAG_BITS) - 1);
	iovad->granule = granule;
	iovad->shift = __builtin_ctzll(granule);
	iovad->start_pfn = start_pfn;
	iovad->end_pfn = end_pfn;
	iovad->rcaches_on = true;
	iovad->user_tag = IOVA_TAG(iovad, IOVA_USER);
	n = node_get(iovad);
	if (!n) {
		iok_iovad_free(iovad);
		return -ENOMEM;
	}
	node_link(iovad, n, start_pfn, end_pfn);
	iovad->tree_free_pages = end_pfn - start_pfn + 1;
	*out = iovad;
	return 0;
}

static void chunks_free(struct iova_chunk *c)
{
	while (c) {
		struct iova_chunk *next = c->next;

		free(c);
		c = next;
	}
}

IOK_EXPORT void iok_iovad_free(struct iok_iovad *iovad)
{
	if (!iovad)
		return;
	iova_rcache_destroy(iovad);
	chunks_free(iovad->node_chunks);
	chunks_free(iovad->iova_chunks);
	free(iovad->resv);
	free(iovad);
}

IOK_EXPORT uint64_t iok_iovad_get_granule(const struct iok_iovad *iovad)
{
	return iovad ? iovad->granule : 0;
}

static __attribute__((noinline, cold)) int
alloc_slow(struct iok_iovad *iovad, uint64_t pages, unsigned int cls, uint64_t limit_pfn,
	   bool flush_rcache, struct iok_iova **out)
{
	struct iok_iova *iova;
	uint64_t pfn;
	int rc;

	if (cls != IOVA_NO_CLASS && iovad->rcaches_on) {
		iova = iova_rcache_get(iovad, cls, limit_pfn);
		if (iova) {
			iovad->cache_hits++;
			goto done;
		}
	}
	/* The handle first, so that a failure leaves the tree alone. */
	iova = handle_get(iovad);
	if (!iova)
		return -ENOMEM;
	rc = tree_alloc(iovad, pages, limit_pfn, &pfn);
	if (rc == -ENOSPC && flush_rcache) {
		uint64_t ranges, cached;

		iova_rcache_count(iovad, &ranges, &cached);
		if (ranges) {
			iova_rcache_flush(iovad);
			rc = tree_alloc(iovad, pages, limit_pfn, &pfn);
		}
	}
	if (rc) {
		handle_put(iovad, iova);
		iovad->alloc_failures++;
		return iok_fail(iovad->ctx, rc,
				"iova: no room for 0x%llx pages below frame 0x%llx",
				(unsigned long long)pages, (unsigned long long)limit_pfn);
	}
	iova->pfn = pfn;
	iova->pages = pages;
	iovad->tree_allocs++;
done:
	iova->tag = IOVA_TAG(iovad, IOVA_USER) | IOVA_TAG_CLS(cls);
	*out = iova;
	return 0;
}

/* Everything but the common case: the argument checks too. */
static __attribute__((noinline)) int alloc_other(struct iok_iovad *iovad, uint64_t pages,
						 uint64_t limit_pfn, bool flush_rcache,
						 struct iok_iova **out)
{
	unsigned int cls;

	if (!iovad || !out || !pages || pages > IOVA_MAX_PAGES)
		return iok_fail(iovad ? iovad->ctx : NULL, -EINVAL,
				"iova: bad allocation of 0x%llx pages", (unsigned long long)pages);
	cls = iova_round(&pages);
	if (limit_pfn > iovad->end_pfn)
		limit_pfn = iovad->end_pfn;
	return alloc_slow(iovad, pages, cls, limit_pfn, flush_rcache, out);
}

/*
 * The common case inline (iova_alloc_cached()): the top of the size's
 * loaded magazine, if it ends below the limit. Everything else is
 * alloc_other().
 */
IOK_EXPORT int iok_iova_alloc(struct iok_iovad *iovad, uint64_t pages, uint64_t limit_pfn,
			      bool flush_rcache, struct iok_iova **out)
{
	if (__builtin_expect(iovad && out && iova_alloc_cached(iovad, pages, limit_pfn, out), 1))
		return 0;
	return alloc_other(iovad, pages, limit_pfn, flush_rcache, out);
}

static __attribute__((noinline, cold)) int free_slow(struct iok_iovad *iovad,
						     struct iok_iova *iova, unsigned int cls)
{
	if (cls != IOVA_NO_CLASS && iovad->rcaches_on && iova_rcache_insert(iovad, iova, cls))
		return 0;
	iova_tree_free(iovad, iova);
	return 0;
}

/* Into the loaded magazine if it has room (iova_free_cached()); else the slow paths. */
IOK_EXPORT int iok_iova_free(struct iok_iovad *iovad, struct iok_iova *iova)
{
	if (__builtin_expect(!iova || !iovad, 0))
		goto bad;
	if (__builtin_expect(iova_free_cached(iovad, iova), 1))
		return 0;
	if (IOVA_TAG_STATE(iova->tag) != iovad->user_tag)
		goto bad;
	iovad->frees++;
	return free_slow(iovad, iova, IOVA_TAG_GET_CLS(iova->tag));
bad:
	return iok_fail(iovad ? iovad->ctx : NULL, -EINVAL,
			"iova: freeing a range that is not handed out");
}

IOK_EXPORT uint64_t iok_iova_get_pfn(const struct iok_iova *iova)
{
	return iova ? iova->pfn : 0;
}

IOK_EXPORT uint64_t iok_iova_get_pages(const struct iok_iova *iova)
{
	return iova ? iova->pages : 0;
}

IOK_EXPORT int iok_iovad_flush_rcaches(struct iok_iovad *iovad)
{
	if (!iovad)
		return -EINVAL;
	iova_rcache_flush(iovad);
	return 0;
}

IOK_EXPORT int iok_iovad_set_rcaches(struct iok_iovad *iovad, bool enable)
{
	if (!iovad)
		return -EINVAL;
	/* Off: no magazine at all, so that the inline paths see none. */
	if (!enable) {
		iova_rcache_flush(iovad);
		iova_rcache_release(iovad);
	}
	iovad->rcaches_on = enable;
	return 0;
}

/* ---- reservations ------------------------------------------------------ */

/* Whether @pfn is in a reserved range; *@end receives that range's end. */
static bool resv_find(const struct iok_iovad *iovad, uint64_t pfn, uint64_t *end)
{
	unsigned int lo = 0, hi = iovad->nr_resv;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (iovad->resv[mid].hi < pfn) {
			lo = mid + 1;
		} else if (iovad->resv[mid].lo > pfn) {
			hi = mid;
		} else {
			*end = iovad->resv[mid].hi;
			return true;
		}
	}
	return false;
}

/* Every frame of [lo, hi] is free in the tree or reserved already. */
static bool resv_covered(const struct iok_iovad *iovad, uint64_t lo, uint64_t hi)
{
	uint64_t cur = lo, end;

	for (;;) {
		struct iova_node *n = node_floor(iovad, cur);

		if (n && n->hi >= cur)
			end = n->hi;
		else if (!resv_find(iovad, cur, &end))
			return false;
		if (end >= hi)
			return true;
		cur = end + 1;
	}
}

/* Add [lo, hi] to the sorted list, merging what it overlaps or touches. */
static int resv_add(struct iok_iovad *iovad, uint64_t lo, uint64_t hi)
{
	unsigned int i, j, n = iovad->nr_resv;

	if (n == iovad->alloc_resv) {
		unsigned int na = n ? n * 2 : 8;
		void *p = realloc(iovad->resv, na * sizeof(*iovad->resv));

		if (!p)
			return -ENOMEM;
		iovad->resv = p;
		iovad->alloc_resv = na;
	}
	for (i = 0; i < n && iovad->resv[i].hi + 1 < lo; i++)
		;
	for (j = i; j < n && iovad->resv[j].lo <= hi + 1; j++) {
		if (iovad->resv[j].lo < lo)
			lo = iovad->resv[j].lo;
		if (iovad->resv[j].hi > hi)
			hi = iovad->resv[j].hi;
	}
	/* Entries i..j-1 merge into one at i. */
	memmove(&iovad->resv[i + 1], &iovad->resv[j], (n - j) * sizeof(*iovad->resv));
	iovad->resv[i].lo = lo;
	iovad->resv[i].hi = hi;
	iovad->nr_resv = n - (j - i) + 1;
	return 0;
}

IOK_EXPORT int iok_iovad_reserve(struct iok_iovad *iovad, uint64_t pfn_lo, uint64_t pfn_hi)
{
	struct iova_node *n, *spare;
	int rc;

	if (!iovad || pfn_lo > pfn_hi || pfn_hi > iovad->end_pfn)
		return iok_fail(iovad ? iovad->ctx : NULL, -EINVAL,
				"iova: bad range to reserve");
	if (pfn_hi < iovad->start_pfn)
		return 0;
	if (pfn_lo < iovad->start_pfn)
		pfn_lo = iovad->start_pfn;
	iova_rcache_flush(iovad);
	if (!resv_covered(iovad, pfn_lo, pfn_hi))
		return iok_fail(iovad->ctx, -EBUSY,
				"iova: frames 0x%llx-0x%llx are partly handed out",
				(unsigned long long)pfn_lo, (unsigned long long)pfn_hi);
	/* Memory first: the list may grow, and one extent may split in two. */
	spare = node_get(iovad);
	if (!spare)
		return -ENOMEM;
	rc = resv_add(iovad, pfn_lo, pfn_hi);
	if (rc) {
		node_put(iovad, spare);
		return rc;
	}
	while ((n = node_floor(iovad, pfn_hi)) && n->hi >= pfn_lo) {
		uint64_t lo = n->lo > pfn_lo ? n->lo : pfn_lo;
		uint64_t hi = n->hi < pfn_hi ? n->hi : pfn_hi;

		iovad->reserved_pages += hi - lo + 1;
		carve(iovad, n, lo, hi - lo + 1, &spare);
	}
	if (spare)
		node_put(iovad, spare);
	return 0;
}

/* ---- inspection -------------------------------------------------------- */

IOK_EXPORT int iok_iovad_get_stats(const struct iok_iovad *iovad, struct iok_iovad_stats *st)
{
	uint64_t total;

	if (!iovad || !st)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	st->cache_hits = iovad->cache_hits;
	st->tree_allocs = iovad->tree_allocs;
	st->allocs = iovad->cache_hits + iovad->tree_allocs;
	st->alloc_failures = iovad->alloc_failures;
	st->frees = iovad->frees;
	st->tree_frees = iovad->tree_frees;
	st->rcache_flushes = iovad->rcache_flushes;
	st->free_extents = iovad->free_extents;
	st->tree_free_pages = iovad->tree_free_pages;
	st->reserved_pages = iovad->reserved_pages;
	iova_rcache_count(iovad, &st->cached_ranges, &st->cached_pages);
	st->allocated_ranges = st->allocs - st->frees;
	total = iovad->end_pfn - iovad->start_pfn + 1;
	st->allocated_pages = total - st->tree_free_pages - st->cached_pages - st->reserved_pages;
	st->tree_height = height(iovad->root);
	return 0;
}

IOK_EXPORT int iok_iovad_for_each_free(const struct iok_iovad *iovad, iok_iovad_range_fn fn,
				       void *arg)
{
	struct iova_node *n;
	int rc;

	if (!iovad || !fn)
		return -EINVAL;
	n = iovad->root;
	if (!n)
		return 0;
	while (n->left)
		n = n->left;
	for (; n; n = node_next(n)) {
		rc = fn(n->lo, n->hi, arg);
		if (rc)
			return rc;
	}
	return 0;
}

struct check {
	const struct iok_iovad *iovad;
	uint64_t pages, extents;
	bool have_prev;
	uint64_t prev_hi;
	const char *what;
};

static void merge_mr(int *m, uint64_t *r, int m2, uint64_t r2)
{
	if (m2 > *m) {
		*m = m2;
		*r = r2;
	} else if (m2 == *m && r2 > *r) {
		*r = r2;
	}
}

/* Recompute everything of a subtree; returns its height, or -1 when broken. */
static int check_node(const struct iova_node *n, const struct iova_node *parent,
		      struct check *c, int *m, uint64_t *r)
{
	struct iova_node tmp;
	int hl, hr, sm = -1;
	uint64_t sr = 0;

	if (!n)
		return 0;
	if (n->parent != parent)
		return c->what = "parent link", -1;
	hl = check_node(n->left, n, c, &sm, &sr);
	if (hl < 0)
		return -1;
	if (n->lo > n->hi || n->lo < c->iovad->start_pfn || n->hi > c->iovad->end_pfn)
		return c->what = "extent bounds", -1;
	if (c->have_prev && c->prev_hi + 1 >= n->lo)
		return c->what = "extents overlap, touch or are out of order", -1;
	c->have_prev = true;
	c->prev_hi = n->hi;
	c->pages += n->hi - n->lo + 1;
	c->extents++;
	tmp = *n;
	node_measure(&tmp);
	if (tmp.m != n->m || tmp.r != n->r)
		return c->what = "extent measure", -1;
	merge_mr(&sm, &sr, n->m, n->r);
	hr = check_node(n->right, n, c, &sm, &sr);
	if (hr < 0)
		return -1;
	if (hl - hr > 1 || hr - hl > 1)
		return c->what = "balance", -1;
	if (n->height != 1 + (hl > hr ? hl : hr))
		return c->what = "height", -1;
	if (n->sub_m != sm || n->sub_r != sr)
		return c->what = "subtree summary", -1;
	merge_mr(m, r, sm, sr);
	return n->height;
}

IOK_EXPORT int iok_iovad_check(const struct iok_iovad *iovad)
{
	struct check c = { .iovad = iovad };
	uint64_t r = 0, user_ranges = 0, user_pages = 0, cached_ranges = 0, cached_pages = 0;
	uint64_t ranges, pages;
	int m = -1;

	if (!iovad)
		return -EINVAL;
	if (iovad->root && iovad->root->parent)
		return iok_fail(iovad->ctx, -EUCLEAN, "iova: root has a parent");
	if (check_node(iovad->root, NULL, &c, &m, &r) < 0)
		return iok_fail(iovad->ctx, -EUCLEAN, "iova: tree broken: %s", c.what);
	if (c.pages != iovad->tree_free_pages || c.extents != iovad->free_extents)
		return iok_fail(iovad->ctx, -EUCLEAN,
				"iova: %llu free pages in %llu extents, counters say %llu in %llu",
				(unsigned long long)c.pages, (unsigned long long)c.extents,
				(unsigned long long)iovad->tree_free_pages,
				(unsigned long long)iovad->free_extents);
	/* The handles tell, independently of the counters, what is out and cached. */
	for (const struct iova_chunk *ch = iovad->iova_chunks; ch; ch = ch->next) {
		const struct iok_iova *h = (const void *)(ch + 1);

		for (size_t i = 0; i < ch->nr; i++) {
			if (IOVA_TAG_STATE(h[i].tag) == IOVA_TAG(iovad, IOVA_USER)) {
				user_ranges++;
				user_pages += h[i].pages;
			} else if (IOVA_TAG_STATE(h[i].tag) == IOVA_TAG(iovad, IOVA_CACHED)) {
				cached_ranges++;
				cached_pages += h[i].pages;
			}
		}
	}
	iova_rcache_count(iovad, &ranges, &pages);
	if (ranges != cached_ranges || pages != cached_pages)
		return iok_fail(iovad->ctx, -EUCLEAN, "iova: magazines hold %llu ranges, "
				"%llu handles are cached", (unsigned long long)ranges,
				(unsigned long long)cached_ranges);
	if (user_ranges != iovad->cache_hits + iovad->tree_allocs - iovad->frees)
		return iok_fail(iovad->ctx, -EUCLEAN, "iova: %llu ranges handed out, counters "
				"say otherwise", (unsigned long long)user_ranges);
	if (c.pages + cached_pages + user_pages + iovad->reserved_pages !=
	    iovad->end_pfn - iovad->start_pfn + 1)
		return iok_fail(iovad->ctx, -EUCLEAN,
				"iova: free, cached, allocated and reserved pages do not add up");
	return 0;
}
