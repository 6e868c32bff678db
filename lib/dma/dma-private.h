/* SPDX-License-Identifier: MIT */
/* State of the IOVA allocator and the DMA API, shared by lib/dma/. */
#ifndef IOK_DMA_PRIVATE_H
#define IOK_DMA_PRIVATE_H

#include "lib/private.h"
#include <iommukit/dma.h>

/* ---- IOVA allocator ----------------------------------------------------- */

/* A free extent: a node of the AVL tree, keyed by @lo. */
struct iova_node {
	uint64_t lo, hi;
	struct iova_node *left, *right, *parent;
	/*
	 * @m: the largest order of an aligned block inside the extent; @r:
	 * the room from the first (m+1)-aligned frame to the end. Together
	 * they decide exactly whether a size fits (iova.c). @sub_m, @sub_r:
	 * the same over the subtree (largest m, and the largest r among the
	 * nodes with that m).
	 */
	uint64_t r, sub_r;
	int8_t m, sub_m;
	int8_t height;
};

enum iova_state {
	IOVA_FREE,	/* in the handle pool */
	IOVA_USER,	/* handed out */
	IOVA_CACHED,	/* in a magazine */
};

/*
 * 16 bytes, so that handles of a deep working set stay in cache. @tag holds
 * the owning domain's tag, the cache class and the state: a free checks
 * domain and state with one compare, and has its class at hand.
 */
struct iok_iova {
	union {
		uint64_t pfn;
		struct iok_iova *next;	/* in the handle pool */
	};
	uint32_t pages;
	uint32_t tag;
};

#define IOVA_TAG_BITS		22
#define IOVA_TAG(iovad, state)	((iovad)->tag << 10 | (state))
#define IOVA_TAG_CLS(cls)	((uint32_t)(cls) << 2 & 0x3fc)
#define IOVA_TAG_GET_CLS(t)	((t) >> 2 & 0xff)
#define IOVA_TAG_STATE(t)	((t) & ~0x3fcu)

#define IOVA_NO_CLASS	0xff
#define IOVA_NR_CLASSES	(IOK_IOVA_CACHE_ORDERS + IOK_IOVA_CACHE_EXACT_MAX - IOK_IOVA_ROUND_LIMIT)
_Static_assert(IOVA_NR_CLASSES < 255, "cache classes fit in a byte, 0xff for none");

struct iova_mag {
	unsigned int size;
	struct iova_mag *next;	/* depot */
	struct iok_iova *e[IOK_IOVA_MAG_SIZE];
};

/*
 * One "CPU" (the model is single-threaded): loaded (in iok_iovad's
 * @loaded, where the inline paths find it), previous, depot.
 */
struct iova_rcache {
	struct iova_mag *prev, *depot;
	unsigned int depot_size;
};

/* @loaded is indexed by a handle's class byte: IOVA_NO_CLASS has a slot, always NULL. */
#define IOVA_LOADED_SLOTS	256

struct iova_chunk;

struct iok_iovad {
	struct iok_ctx *ctx;
	uint32_t tag;		/* distinguishes its handles from other domains' */
	uint64_t granule;
	unsigned int shift;
	uint64_t start_pfn, end_pfn;
	struct iova_node *root;
	struct iova_node *spare_nodes;	/* freed nodes, linked by ->right */
	struct iok_iova *spare_iovas;	/* the handle pool */
	struct iova_chunk *node_chunks, *iova_chunks;
	bool rcaches_on;
	uint32_t user_tag;	/* IOVA_TAG(iovad, IOVA_USER) */
	/*
	 * Per class, the loaded magazine. Both magazines of a class exist or
	 * neither; none while the caches are off, so that the inline paths
	 * need no other test.
	 */
	struct iova_mag *loaded[IOVA_LOADED_SLOTS];
	/*
	 * The ranges in each loaded magazine: kept here, not in the magazine,
	 * while the inline paths run (iova-rcache.c writes it back and reads it
	 * again around everything else), so that a free and the next
	 * allocation find their counts one step from their class.
	 */
	uint32_t loaded_n[IOVA_LOADED_SLOTS];
	struct iova_rcache rc[IOVA_NR_CLASSES];
	/* Reserved ranges, sorted and merged. */
	struct { uint64_t lo, hi; } *resv;
	unsigned int nr_resv, alloc_resv;
	/* Counters; the sizes of struct iok_iovad_stats are computed on demand. */
	uint64_t cache_hits, tree_allocs, alloc_failures, frees, tree_frees;
	uint64_t rcache_flushes, free_extents, tree_free_pages, reserved_pages;
};

/* Largest allocation, in frames. */
#define IOVA_MAX_PAGES	(1ull << 31)

/*
 * Round @pages as the kernel does (below IOK_IOVA_ROUND_LIMIT, up to a power
 * of two, so that a cached range fits every size of its order) and return
 * its cache class, or IOVA_NO_CLASS.
 */
extern const uint8_t iova_class_tab[IOK_IOVA_CACHE_EXACT_MAX + 1];
extern const uint16_t iova_round_tab[IOK_IOVA_CACHE_EXACT_MAX + 1];

/*
 * Round @pages as the kernel does (below IOK_IOVA_ROUND_LIMIT, up to a power
 * of two, so that a cached range fits every size of its order) and return
 * its cache class, or IOVA_NO_CLASS. Tables, not branches: mixed sizes
 * would mispredict.
 */
static inline unsigned int iova_round(uint64_t *pages)
{
	if (*pages > IOK_IOVA_CACHE_EXACT_MAX)
		return IOVA_NO_CLASS;
	*pages = iova_round_tab[*pages];
	return iova_class_tab[*pages];
}

/*
 * iok_iova_alloc()'s common case, inline for lib/dma: the top of the
 * size's loaded magazine, if it ends below the limit (as it must when the
 * limit is the end of the space). False: take iok_iova_alloc().
 */
static inline bool iova_alloc_cached(struct iok_iovad *iovad, uint64_t pages,
				     uint64_t limit_pfn, struct iok_iova **out)
{
	struct iok_iova *iova;
	unsigned int cls, n;

	if (__builtin_expect(pages - 1 >= IOK_IOVA_CACHE_EXACT_MAX, 0))
		return false;
	/* The class of a size is its rounded size's. */
	cls = iova_class_tab[pages];
	n = iovad->loaded_n[cls];
	if (__builtin_expect(!n, 0))
		return false;
	iova = iovad->loaded[cls]->e[n - 1];
	if (__builtin_expect(limit_pfn < iovad->end_pfn &&
			     iova->pfn + iova->pages - 1 > limit_pfn, 0))
		return false;
	iovad->loaded_n[cls] = n - 1;
	iova->tag ^= IOVA_USER ^ IOVA_CACHED;
	iovad->cache_hits++;
	*out = iova;
	return true;
}

/*
 * iok_iova_free()'s common case: a handle of @iovad handed out, into its
 * class's loaded magazine if that has room. False: take iok_iova_free(),
 * which also refuses what is not handed out.
 */
static inline bool iova_free_cached(struct iok_iovad *iovad, struct iok_iova *iova)
{
	uint32_t t = iova->tag;
	unsigned int cls = IOVA_TAG_GET_CLS(t), n = iovad->loaded_n[cls];
	struct iova_mag *mag = iovad->loaded[cls];

	if (__builtin_expect(IOVA_TAG_STATE(t) != iovad->user_tag, 0))
		return false;
	if (__builtin_expect(!mag || n == IOK_IOVA_MAG_SIZE, 0))
		return false;
	iovad->frees++;
	mag->e[n] = iova;
	iovad->loaded_n[cls] = n + 1;
	iova->tag = t ^ (IOVA_USER ^ IOVA_CACHED);
	return true;
}

/* iova.c, for the caches */
void iova_tree_free(struct iok_iovad *iovad, struct iok_iova *iova);

/* iova-rcache.c: the slow paths behind the inline ones of iova.c */
struct iok_iova *iova_rcache_get(struct iok_iovad *iovad, unsigned int cls,
				 uint64_t limit_pfn);
bool iova_rcache_insert(struct iok_iovad *iovad, struct iok_iova *iova, unsigned int cls);
void iova_rcache_flush(struct iok_iovad *iovad);
void iova_rcache_destroy(struct iok_iovad *iovad);
void iova_rcache_release(struct iok_iovad *iovad);
void iova_rcache_count(const struct iok_iovad *iovad, uint64_t *ranges, uint64_t *pages);

/* ---- the DMA API --------------------------------------------------------- */

/* A live mapping, as CONFIG_DMA_API_DEBUG's dma_debug_entry records it. */
struct dma_map {
	uint64_t key;		/* first IOVA frame; 0 for an empty slot */
	struct iok_iova *iova;
	struct iok_dev *dev;
	uint64_t dma_addr;	/* what the caller got (single), first segment (sg) */
	uint64_t size;		/* what the caller asked (single), IOVA bytes (sg) */
	uint64_t phys;		/* single: the buffer */
	unsigned int nents;	/* sg: the entries; 0 for single */
	uint8_t dir;
};

/* The hash of live mappings of one domain, by first IOVA frame. */
struct dma_maps {
	struct dma_map *tab;
	size_t mask;		/* slots - 1; 0 before the first mapping */
	size_t nr;
};

struct dma_fq_entry {
	struct iok_iova *iova;
	uint64_t counter;	/* flushes started when it was queued */
	uint64_t queued_ns;
	uint64_t seq;		/* unmaps queued before it */
};

/* iommu_dma_cookie's flush queue: one ring (the model has one CPU). */
struct dma_fq {
	unsigned int head, tail;
	bool timer_on;
	uint64_t deadline;
	uint64_t start_cnt, finish_cnt;
	uint64_t seq;
	struct dma_fq_entry e[IOK_DMA_FQ_SIZE];
};

/* iommu_dma_cookie: the DMA API's state of one domain. */
struct dma_cookie {
	struct iok_domain *domain;
	uint64_t serial;	/* the domain's: a new one at its address is another */
	struct iok_iovad *iovad;
	unsigned int shift;
	uint64_t gmask;		/* granule - 1 */
	uint64_t limit_pfn;	/* aperture end, in frames */
	struct dma_maps maps;
	struct dma_fq *fq;
	struct dma_cookie *next;
};

/*
 * What the context remembers of a device between calls. While @gen is the
 * machine's generation (nothing the DMA API looks at changed since
 * dma_resolve() filled it in), a call takes the rest as it is: dma-direct,
 * or the cookie with its limit; 0 for "look again".
 */
struct dma_devstate {
	struct iok_rgroup *rg;
	struct iok_domain *dom;
	struct dma_cookie *ck;
	uint64_t mask;
	uint64_t gen;
	uint64_t limit;		/* IOVA frames below the mask and the aperture */
	bool direct;		/* dma-direct: the DMA address is the physical one */
	bool sac;		/* a PCI device tries 32-bit IOVAs first */
};

struct iok_dma {
	struct iok_machine *m;
	struct iok_ctx *ctx;
	struct iok_topo *topo;
	bool sac;		/* PCI devices try 32-bit IOVAs first (<= 6.3) */
	uint64_t now;
	struct dma_cookie *cookies;
	struct dma_devstate *devs;
	unsigned int nr_devs;
	struct iok_dma_stats st;
};

/*
 * dma-debug.c, and its lookups inline: open addressing with linear
 * probing, at most half full, deletion by shifting the following entries
 * back (no tombstones).
 */
int dma_maps_grow(struct dma_maps *mp);
void dma_maps_free(struct dma_maps *mp);

static inline size_t dma_maps_slot(const struct dma_maps *mp, uint64_t key)
{
	return (key * 0x9e3779b97f4a7c15ull) >> 32 & mp->mask;
}

/* The mapping whose IOVA range starts at frame @key, or NULL. */
static inline struct dma_map *dma_maps_find(struct dma_maps *mp, uint64_t key)
{
	size_t i;

	if (!mp->tab || !key)
		return NULL;
	for (i = dma_maps_slot(mp, key); mp->tab[i].key; i = (i + 1) & mp->mask)
		if (mp->tab[i].key == key)
			return &mp->tab[i];
	return NULL;
}

/* A slot for the new mapping at frame @key (not 0, not there yet), to fill in; NULL: -ENOMEM. */
static inline struct dma_map *dma_maps_add(struct dma_maps *mp, uint64_t key)
{
	size_t i;

	if (__builtin_expect(!mp->tab || (mp->nr + 1) * 2 > mp->mask + 1, 0) && dma_maps_grow(mp))
		return NULL;
	for (i = dma_maps_slot(mp, key); mp->tab[i].key; i = (i + 1) & mp->mask)
		;
	mp->nr++;
	mp->tab[i].key = key;
	return &mp->tab[i];
}

/* Remove @m (a pointer into the table) and close the gap it leaves. */
static inline void dma_maps_remove(struct dma_maps *mp, struct dma_map *m)
{
	size_t hole = m - mp->tab, i = hole;

	for (;;) {
		size_t home;

		i = (i + 1) & mp->mask;
		if (!mp->tab[i].key)
			break;
		home = dma_maps_slot(mp, mp->tab[i].key);
		/* Move it back unless its home lies cyclically in (hole, i]. */
		if (((i - home) & mp->mask) >= ((i - hole) & mp->mask)) {
			mp->tab[hole] = mp->tab[i];
			hole = i;
		}
	}
	mp->tab[hole].key = 0;
	mp->nr--;
}

/* flush-queue.c */
enum dma_fq_why {
	FQ_FULL,	/* an unmap found the ring full */
	FQ_TIMER,	/* the timer expired */
	FQ_ASKED,	/* iok_dma_flush_queue(), or the context's end */
};

int dma_fq_init(struct dma_cookie *ck);
void dma_fq_queue(struct iok_dma *dma, struct dma_cookie *ck, struct iok_iova *iova);
unsigned int dma_fq_flush(struct iok_dma *dma, struct dma_cookie *ck, enum dma_fq_why why);
void dma_fq_free(struct dma_cookie *ck);

/* dma-api.c */
int dma_warn(struct iok_dma *dma, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void dma_cookies_sweep(struct iok_dma *dma);

#endif
