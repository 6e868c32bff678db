// SPDX-License-Identifier: MIT
/*
 * The live mappings of a domain, by first IOVA frame: what the kernel's
 * CONFIG_DMA_API_DEBUG keeps to catch a driver that unmaps what it never
 * mapped, unmaps twice, or with another size, direction or device. The
 * model always keeps them: they are how an unmap finds its IOVA handle.
 *
 * Open addressing with linear probing, at most half full, deletion by
 * shifting the following entries back (no tombstones), so that every
 * lookup and update costs O(1) on average. The lookups are inline
 * (dma-private.h); here is what happens rarely.
 */
#include "lib/dma/dma-private.h"

#define MAPS_MIN	64

static void put(struct dma_maps *mp, const struct dma_map *m)
{
	size_t i;

	for (i = dma_maps_slot(mp, m->key); mp->tab[i].key; i = (i + 1) & mp->mask)
		;
	mp->tab[i] = *m;
}

/* Twice the slots (MAPS_MIN at first), every mapping moved over. */
int dma_maps_grow(struct dma_maps *mp)
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

void dma_maps_free(struct dma_maps *mp)
{
	free(mp->tab);
	*mp = (struct dma_maps){ 0 };
}
