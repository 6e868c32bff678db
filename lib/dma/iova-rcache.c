// SPDX-License-Identifier: MIT
/*
 * The IOVA range caches: per size, a loaded and a previous magazine of
 * IOK_IOVA_MAG_SIZE ranges and a depot of full magazines, after Bonwick
 * and Adams' magazines as the kernel's iova.c uses them. The model has a
 * single CPU; the depot keeps at most IOK_IOVA_MAX_DEPOT magazines, as
 * kernels before 6.7 did (later ones trim it from a timer), and a full
 * depot sends the loaded magazine's ranges back to the tree.
 *
 * A cached range stays out of the tree: allocation and free of a cached
 * size touch a magazine only. When the tree has no room, the allocator
 * flushes every cache and searches again, so cached space is never lost.
 */
#include "lib/dma/dma-private.h"

/* Cache class by size: orders 0-5 up to 32 pages, then one per exact size. */
const uint8_t iova_class_tab[IOK_IOVA_CACHE_EXACT_MAX + 1] = {
	0, 0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4,
	4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
	5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
	21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36,
	37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52,
	53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68,
	69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84,
	85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100,
	101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116,
	117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132,
	133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148,
	149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164,
	165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180,
	181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196,
	197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212,
	213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 227, 228,
	229,
};

/* Sizes as allocated: below 32 pages rounded up to a power of two. */
const uint16_t iova_round_tab[IOK_IOVA_CACHE_EXACT_MAX + 1] = {
	0, 1, 2, 4, 4, 8, 8, 8, 8, 16, 16, 16, 16, 16, 16, 16,
	16, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
	32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
	48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63,
	64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79,
	80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95,
	96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
	112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127,
	128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143,
	144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159,
	160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175,
	176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191,
	192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207,
	208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223,
	224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239,
	240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255,
	256,
};

static struct iova_mag *mag_new(void)
{
	struct iova_mag *mag = malloc(sizeof(*mag));

	if (mag) {
		mag->size = 0;
		mag->next = NULL;
	}
	return mag;
}

/* Every range of @mag back to the tree; returns how many. */
static unsigned int mag_empty(struct iok_iovad *iovad, struct iova_mag *mag)
{
	unsigned int n = mag->size;

	for (unsigned int i = 0; i < n; i++)
		iova_tree_free(iovad, mag->e[i]);
	mag->size = 0;
	return n;
}

/* The loaded magazine's count, from iovad->loaded_n into the magazine and back. */
static void count_out(const struct iok_iovad *iovad, unsigned int cls)
{
	if (iovad->loaded[cls])
		iovad->loaded[cls]->size = iovad->loaded_n[cls];
}

static void count_in(struct iok_iovad *iovad, unsigned int cls)
{
	iovad->loaded_n[cls] = iovad->loaded[cls] ? iovad->loaded[cls]->size : 0;
}

static inline void swap_mags(struct iok_iovad *iovad, unsigned int cls)
{
	struct iova_rcache *rc = &iovad->rc[cls];
	struct iova_mag *t = iovad->loaded[cls];

	iovad->loaded[cls] = rc->prev;
	rc->prev = t;
}

/*
 * A cached range that ends at or below @limit_pfn, or NULL. Like the
 * kernel, the loaded magazine is searched from its top (at most
 * IOK_IOVA_MAG_SIZE entries, only when the top one lies above the limit).
 */
static struct iok_iova *rcache_get(struct iok_iovad *iovad, unsigned int cls,
				   uint64_t limit_pfn)
{
	struct iova_rcache *rc = &iovad->rc[cls];
	struct iova_mag *mag = iovad->loaded[cls];
	struct iok_iova *iova;
	unsigned int i;

	if (!mag || !mag->size) {
		if (rc->prev && rc->prev->size) {
			swap_mags(iovad, cls);
		} else if (rc->depot) {
			struct iova_mag *full = rc->depot;

			rc->depot = full->next;
			rc->depot_size--;
			free(iovad->loaded[cls]);
			iovad->loaded[cls] = full;
		} else {
			return NULL;
		}
		mag = iovad->loaded[cls];
	}
	for (i = mag->size - 1; mag->e[i]->pfn + mag->e[i]->pages - 1 > limit_pfn; i--)
		if (!i)
			return NULL;
	iova = mag->e[i];
	mag->e[i] = mag->e[--mag->size];
	return iova;
}

struct iok_iova *iova_rcache_get(struct iok_iovad *iovad, unsigned int cls,
				 uint64_t limit_pfn)
{
	struct iok_iova *iova;

	count_out(iovad, cls);
	iova = rcache_get(iovad, cls, limit_pfn);
	count_in(iovad, cls);
	return iova;
}

static bool rcache_insert(struct iok_iovad *iovad, struct iok_iova *iova, unsigned int cls)
{
	struct iova_rcache *rc = &iovad->rc[cls];
	struct iova_mag *loaded = iovad->loaded[cls];

	if (!loaded) {
		loaded = mag_new();
		rc->prev = mag_new();
		if (!loaded || !rc->prev) {
			free(loaded);
			free(rc->prev);
			rc->prev = NULL;
			return false;
		}
		iovad->loaded[cls] = loaded;
	}
	if (loaded->size == IOK_IOVA_MAG_SIZE) {
		if (rc->prev->size < IOK_IOVA_MAG_SIZE) {
			swap_mags(iovad, cls);
		} else if (rc->depot_size < IOK_IOVA_MAX_DEPOT) {
			struct iova_mag *mag = mag_new();

			if (!mag)
				return false;
			loaded->next = rc->depot;
			rc->depot = loaded;
			rc->depot_size++;
			iovad->loaded[cls] = mag;
		} else {
			mag_empty(iovad, loaded);
		}
		loaded = iovad->loaded[cls];
	}
	iova->tag = IOVA_TAG(iovad, IOVA_CACHED) | IOVA_TAG_CLS(cls);
	loaded->e[loaded->size++] = iova;
	return true;
}

/* Cache a freed range; false when no magazine could take it. */
bool iova_rcache_insert(struct iok_iovad *iovad, struct iok_iova *iova, unsigned int cls)
{
	bool ok;

	count_out(iovad, cls);
	ok = rcache_insert(iovad, iova, cls);
	count_in(iovad, cls);
	return ok;
}

/* free_cpu_cached_iovas() and free_global_cached_iovas(): all of them. */
void iova_rcache_flush(struct iok_iovad *iovad)
{
	unsigned int n = 0;

	for (unsigned int c = 0; c < IOVA_NR_CLASSES; c++) {
		struct iova_rcache *rc = &iovad->rc[c];

		if (!iovad->loaded[c])
			continue;
		count_out(iovad, c);
		n += mag_empty(iovad, iovad->loaded[c]);
		iovad->loaded_n[c] = 0;
		n += mag_empty(iovad, rc->prev);
		while (rc->depot) {
			struct iova_mag *mag = rc->depot;

			rc->depot = mag->next;
			n += mag_empty(iovad, mag);
			free(mag);
		}
		rc->depot_size = 0;
	}
	if (n)
		iovad->rcache_flushes++;
}

static void mag_count(const struct iova_mag *mag, uint64_t *ranges, uint64_t *pages)
{
	if (!mag)
		return;
	*ranges += mag->size;
	for (unsigned int i = 0; i < mag->size; i++)
		*pages += mag->e[i]->pages;
}

/* What the caches hold (for statistics: walks every magazine). */
void iova_rcache_count(const struct iok_iovad *iovad, uint64_t *ranges, uint64_t *pages)
{
	*ranges = *pages = 0;
	for (unsigned int c = 0; c < IOVA_NR_CLASSES; c++) {
		const struct iova_rcache *rc = &iovad->rc[c];

		count_out(iovad, c);
		mag_count(iovad->loaded[c], ranges, pages);
		mag_count(rc->prev, ranges, pages);
		for (const struct iova_mag *mag = rc->depot; mag; mag = mag->next)
			mag_count(mag, ranges, pages);
	}
}

/* Every magazine freed (their ranges must be elsewhere already): the caches are off. */
void iova_rcache_release(struct iok_iovad *iovad)
{
	for (unsigned int c = 0; c < IOVA_NR_CLASSES; c++) {
		struct iova_rcache *rc = &iovad->rc[c];

		free(iovad->loaded[c]);
		iovad->loaded[c] = NULL;
		iovad->loaded_n[c] = 0;
		free(rc->prev);
		rc->prev = NULL;
		while (rc->depot) {
			struct iova_mag *mag = rc->depot;

			rc->depot = mag->next;
			free(mag);
		}
		rc->depot_size = 0;
	}
}

void iova_rcache_destroy(struct iok_iovad *iovad)
{
	iova_rcache_release(iovad);
}
