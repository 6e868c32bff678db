// SPDX-License-Identifier: MIT
/*
 * The live mappings of a domain, by first IOVA frame: what the kernel's
 * CONFIG_DMA_API_DEBUG keeps to catch a driver that unmaps what it never
 * mapped, unmaps twice, or with another size, direction or device. The
 * model always keeps them: they are how an unmap finds its IOVA handle.
 *
 * Open addressing with linear probing, at most half full, deletion by
 * shifting the following entries back (no tombstones), so that every
 * lookup and update costs O(1) on average.
 */
#include "lib/dma/dma-private.h"

#define MAPS_MIN	64

static inline size_t slot_of(const struct dma_maps *mp, uint64_t key)
{
	return (key * 0x9e3779b97f4a7c15ull) >> 32 & mp->mask;
}

struct dma_map *dma_maps_find(struct dma_maps *mp, uint64_t key)
{
	size_t i;

	if (!mp->tab || !key)
		return NULL;
	for (i = slot_of(mp, key); mp->tab[i].key; i = (i + 1) & mp->mask)
		if (mp->tab[i].key == key)
			return &mp->tab[i];
	return NULL;
}

static void put(struct dma_maps *mp, const struct dma_map *m)
{
	size_t i;

	for (i = slot_of(mp, m->key); mp->tab[i].key; i = (i + 1) & mp->mask)
		;
	mp->tab[i] = *m;
}

static int grow(struct dma_maps *mp)
{
	size_t slots = mp->tab ? (mp->mask + 1) * 2 : MAPS_MIN;
	struct dma_maps n = { .mask = slots - 1, .nr = mp->nr };

	n.tab = calloc(slots, sizeof(*n.tab));
	if (!n.tab)
		return -ENOMEM;
	for (size_t i = 0; mp->tab && i <= mp->mask; i++)
		if (mp->tab[i].key)
			put(&n, &mp->tab[i]);
	free(mp->tab);
	*mp = n;
	return 0;
}

int dma_maps_add(struct dma_maps *mp, const struct dma_map *m)
{
	if (!mp->tab || (mp->nr + 1) * 2 > mp->mask + 1) {
		int rc = grow(mp);

		if (rc)
			return rc;
	}
	put(mp, m);
	mp->nr++;
	return 0;
}

/* Remove @m (a pointer into the table) and close the gap it leaves. */
void dma_maps_remove(struct dma_maps *mp, struct dma_map *m)
{
	size_t hole = m - mp->tab, i = hole;

	for (;;) {
		size_t home;

		i = (i + 1) & mp->mask;
		if (!mp->tab[i].key)
			break;
		home = slot_of(mp, mp->tab[i].key);
		/* Move it back unless its home lies cyclically in (hole, i]. */
		if (((i - home) & mp->mask) >= ((i - hole) & mp->mask)) {
			mp->tab[hole] = mp->tab[i];
			hole = i;
		}
	}
	mp->tab[hole].key = 0;
	mp->nr--;
}

void dma_maps_free(struct dma_maps *mp)
{
	free(mp->tab);
	*mp = (struct dma_maps){ 0 };
}
