// SPDX-License-Identifier: MIT
/*
 * The IOTLB of a unit: translations cached by domain ID, PASID and page,
 * one entry per leaf, kept until an invalidation drops them or a fill
 * replaces them. Nothing here looks at the page table again: an entry whose
 * mapping is gone goes on translating until someone invalidates it, as real
 * IOTLBs do, so a missing flush is a visible bug.
 *
 * Each page size has its own 2-way set-associative array, as hardware keeps
 * a TLB per page size; a lookup probes only the sizes its domain ID has
 * entries of (counted per ID), 2 MiB first, then 1 GiB, then 4 KiB, so a
 * 2 MiB hit never costs more than a 4 KiB one.
 */
#include "lib/iommu/iommu-private.h"

/* The set index mixes the domain ID in, so domains do not pile up on one set. */
uint64_t iok_iotlb_did_space(unsigned int did)
{
	return (uint64_t)did * 0x9e3779b97f4a7c15ull >> 40;
}

static inline uint64_t mk_tag(uint64_t vpn, unsigned int did)
{
	return vpn << 16 | did;
}

static inline unsigned int tag_did(uint64_t tag)
{
	return tag & 0xffff;
}

static inline uint64_t tag_vpn(uint64_t tag)
{
	return tag >> 16;
}

/* The entry of page @vpn in class @c, made most recently used; NULL on a miss. */
static inline uint64_t *probe(const struct iotlb_class *c, uint64_t vpn, uint64_t space,
			      unsigned int did, uint32_t pasid)
{
	struct iotlb_set *s = &c->sets[(vpn ^ space) & c->mask];
	uint64_t tag = mk_tag(vpn, did);

	if (s->tag[0] == tag && s->pasid[0] == pasid) {
		s->victim = 1;
		return &s->out[0];
	}
	if (s->tag[1] == tag && s->pasid[1] == pasid) {
		s->victim = 0;
		return &s->out[1];
	}
	return NULL;
}

/* Several sizes cached for the ID: 2 MiB first, then 1 GiB, then 4 KiB. */
static inline __attribute__((always_inline)) uint64_t *
probe_all(struct iok_unit_hw *hw, unsigned int classes, uint64_t space,
			   unsigned int did, uint32_t pasid, uint64_t iova, unsigned int *shift)
{
	uint64_t *e = NULL;

	if (classes & (1u << IOTLB_2M)) {
		*shift = 21;
		e = probe(&hw->cls[IOTLB_2M], iova >> 21, space, did, pasid);
	}
	if (!e && (classes & (1u << IOTLB_1G))) {
		*shift = 30;
		e = probe(&hw->cls[IOTLB_1G], iova >> 30, space, did, pasid);
	}
	if (!e && (classes & (1u << IOTLB_4K))) {
		*shift = 12;
		e = probe(&hw->cls[IOTLB_4K], iova >> 12, space, did, pasid);
	}
	return e;
}

bool iok_iotlb_lookup(struct iok_unit_hw *hw, unsigned int did, uint32_t pasid,
		      uint64_t iova, struct iotlb_hit *h)
{
	const struct did_slot *slot = &hw->dids[did];
	uint64_t space = slot->space, *e;
	unsigned int shift;

	/* Most IDs hold one page size: a single probe. */
	switch (slot->classes) {
	case 1u << IOTLB_4K:
		shift = 12;
		e = probe(&hw->cls[IOTLB_4K], iova >> 12, space, did, pasid);
		break;
	case 1u << IOTLB_2M:
		shift = 21;
		e = probe(&hw->cls[IOTLB_2M], iova >> 21, space, did, pasid);
		break;
	case 1u << IOTLB_1G:
		shift = 30;
		e = probe(&hw->cls[IOTLB_1G], iova >> 30, space, did, pasid);
		break;
	default:
		e = probe_all(hw, slot->classes, space, did, pasid, iova, &shift);
	}
	if (!e) {
		hw->misses++;
		return false;
	}
	hw->hits++;
	h->out = e;
	h->shift = shift;
	return true;
}

static inline void count(struct iok_unit_hw *hw, unsigned int did, unsigned int c, int delta)
{
	struct did_slot *s = &hw->dids[did];

	s->cnt[c] += delta;
	if (s->cnt[c])
		s->classes |= 1u << c;
	else
		s->classes &= ~(1u << c);
	hw->entries += delta;
}

static int sets_alloc(struct iok_unit_hw *hw)
{
	size_t nsets = hw->capacity / IOTLB_WAYS;
	unsigned int c;

	for (c = 0; c < IOTLB_NR_CLASSES; c++) {
		hw->cls[c].sets = aligned_alloc(64, nsets * sizeof(struct iotlb_set));
		if (!hw->cls[c].sets)
			goto err;
		memset(hw->cls[c].sets, 0, nsets * sizeof(struct iotlb_set));
		hw->cls[c].mask = nsets - 1;
	}
	return 0;
err:
	while (c--) {
		free(hw->cls[c].sets);
		hw->cls[c].sets = NULL;
	}
	return -ENOMEM;
}

void iok_iotlb_fill(struct iok_unit_hw *hw, unsigned int did, uint32_t pasid,
		    uint64_t iova, uint64_t paddr, unsigned int shift, uint64_t bits)
{
	unsigned int c = shift == 12 ? IOTLB_4K : shift == 21 ? IOTLB_2M : IOTLB_1G;
	uint64_t vpn = iova >> shift;
	struct iotlb_set *s;
	unsigned int w;

	/* Without memory for the arrays the unit just caches nothing. */
	if (!hw->capacity || (!hw->cls[0].sets && sets_alloc(hw)))
		return;
	s = &hw->cls[c].sets[(vpn ^ hw->dids[did].space) & hw->cls[c].mask];
	w = !s->tag[0] ? 0 : !s->tag[1] ? 1 : s->victim;
	if (s->tag[w]) {
		count(hw, tag_did(s->tag[w]), c, -1);
		hw->evictions++;
	}
	s->tag[w] = mk_tag(vpn, did);
	s->out[w] = (paddr & ~((1ull << shift) - 1)) | (bits & IOTLB_PROT_MASK) |
		    (bits & IOTLB_DIRTY);
	s->pasid[w] = pasid;
	s->victim = w ^ 1;
	count(hw, did, c, 1);
	hw->fills++;
}

static inline bool pasid_match(uint32_t entry, uint32_t want)
{
	return want == IOTLB_ANY_PASID || entry == want;
}

static inline void drop(struct iok_unit_hw *hw, struct iotlb_set *s, unsigned int w,
			unsigned int c)
{
	count(hw, tag_did(s->tag[w]), c, -1);
	s->tag[w] = 0;
	s->victim = w;
	hw->inv_entries++;
}

void iok_iotlb_drop_hit(struct iok_unit_hw *hw, const struct iotlb_hit *h)
{
	unsigned int c = h->shift == 12 ? IOTLB_4K : h->shift == 21 ? IOTLB_2M : IOTLB_1G;
	/* Sets are 64-byte aligned: the entry's set and way from its address. */
	struct iotlb_set *s = (struct iotlb_set *)((uintptr_t)h->out & ~(uintptr_t)63);

	drop(hw, s, (unsigned int)(h->out - s->out), c);
	hw->inv_entries--;
}

/* Every way of class @c: drop the entries of @did, @pasid with a vpn in [@first, @last]. */
static void scan_class(struct iok_unit_hw *hw, unsigned int c, unsigned int did,
		       uint32_t pasid, uint64_t first, uint64_t last)
{
	struct iotlb_class *cl = &hw->cls[c];
	uint64_t i;
	unsigned int w;

	for (i = 0; i <= cl->mask && hw->dids[did].cnt[c]; i++) {
		struct iotlb_set *s = &cl->sets[i];

		for (w = 0; w < IOTLB_WAYS; w++) {
			uint64_t t = s->tag[w];

			if (t && tag_did(t) == did && tag_vpn(t) >= first &&
			    tag_vpn(t) <= last && pasid_match(s->pasid[w], pasid))
				drop(hw, s, w, c);
		}
	}
}

/* The entries of page @vpn of class @c, if they match. */
static inline void inv_page(struct iok_unit_hw *hw, unsigned int c, unsigned int did,
			    uint32_t pasid, uint64_t vpn, uint64_t space)
{
	struct iotlb_class *cl = &hw->cls[c];
	struct iotlb_set *s = &cl->sets[(vpn ^ space) & cl->mask];
	uint64_t tag = mk_tag(vpn, did);

	if (s->tag[0] == tag && pasid_match(s->pasid[0], pasid))
		drop(hw, s, 0, c);
	if (s->tag[1] == tag && pasid_match(s->pasid[1], pasid))
		drop(hw, s, 1, c);
}

void iok_iotlb_inv_range(struct iok_unit_hw *hw, unsigned int did, uint32_t pasid,
			 uint64_t iova, uint64_t last)
{
	const struct did_slot *slot;
	unsigned int classes;

	if (did >= hw->nr_dids)
		return;
	slot = &hw->dids[did];
	iok_walk_cache_inv_range(hw->wc, slot->space, did, iova, last);
	/* Only the page sizes the ID has entries of. */
	for (classes = slot->classes; classes; classes &= classes - 1) {
		unsigned int c = __builtin_ctz(classes), shift = 12 + 9 * c;
		uint64_t vpn = iova >> shift, lastv = last >> shift;

		/* Past one probe per set, a sweep of the whole array is cheaper. */
		if (lastv - vpn >= hw->cls[c].mask) {
			scan_class(hw, c, did, pasid, vpn, lastv);
			continue;
		}
		for (;; vpn++) {
			inv_page(hw, c, did, pasid, vpn, slot->space);
			if (vpn == lastv || !slot->cnt[c])
				break;
		}
	}
}

void iok_iotlb_inv_did(struct iok_unit_hw *hw, unsigned int did, uint32_t pasid)
{
	unsigned int c;

	iok_walk_cache_inv_did(hw->wc, did);
	if (did >= hw->nr_dids)
		return;
	for (c = 0; c < IOTLB_NR_CLASSES; c++)
		if (hw->dids[did].cnt[c])
			scan_class(hw, c, did, pasid, 0, UINT64_MAX);
}

void iok_iotlb_inv_all(struct iok_unit_hw *hw)
{
	size_t nsets = hw->capacity / IOTLB_WAYS;
	unsigned int c, i;

	iok_walk_cache_inv_all(hw->wc);
	for (c = 0; c < IOTLB_NR_CLASSES; c++)
		if (hw->cls[c].sets)
			memset(hw->cls[c].sets, 0, nsets * sizeof(struct iotlb_set));
	for (i = 0; i < hw->nr_dids; i++) {
		memset(hw->dids[i].cnt, 0, sizeof(hw->dids[i].cnt));
		hw->dids[i].classes = 0;
	}
	hw->inv_entries += hw->entries;
	hw->entries = 0;
}

void iok_iotlb_free(struct iok_unit_hw *hw)
{
	unsigned int c;

	for (c = 0; c < IOTLB_NR_CLASSES; c++) {
		free(hw->cls[c].sets);
		hw->cls[c].sets = NULL;
	}
	free(hw->wc);
	hw->wc = NULL;
}

/* ---- public ------------------------------------------------------------ */

IOK_EXPORT int iok_unit_get_iotlb_stats(const struct iok_iommu_unit *u,
					struct iok_iotlb_stats *st)
{
	const struct iok_unit_hw *hw;

	if (!u || !st)
		return -EINVAL;
	hw = &u->hw;
	*st = (struct iok_iotlb_stats){
		.hits = hw->hits, .misses = hw->misses,
		.inv_range = hw->inv_range, .inv_pasid = hw->inv_pasid,
		.inv_domain = hw->inv_domain, .inv_global = hw->inv_global,
		.inv_entries = hw->inv_entries, .evictions = hw->evictions,
		.fills = hw->fills, .entries = hw->entries, .capacity = hw->capacity,
	};
	return 0;
}

IOK_EXPORT void iok_unit_reset_iotlb_stats(struct iok_iommu_unit *u)
{
	struct iok_unit_hw *hw;

	if (!u)
		return;
	hw = &u->hw;
	hw->hits = hw->misses = hw->fills = hw->evictions = 0;
	hw->inv_range = hw->inv_pasid = hw->inv_domain = hw->inv_global = 0;
	hw->inv_entries = 0;
}

IOK_EXPORT int iok_unit_set_iotlb_capacity(struct iok_iommu_unit *u, unsigned int entries)
{
	struct iok_unit_hw *hw;
	uint64_t saved;

	if (!u)
		return -EINVAL;
	if (entries && (entries < IOTLB_WAYS || entries > IOTLB_MAX_ENTRIES ||
			(entries & (entries - 1))))
		return iok_fail(u->m->ctx, -EINVAL,
				"%s: IOTLB of %u entries: a power of two from %u to %u, or 0",
				u->name, entries, IOTLB_WAYS, IOTLB_MAX_ENTRIES);
	hw = &u->hw;
	/* Entries go with the old arrays, uncounted; new ones come at the next fill. */
	saved = hw->inv_entries;
	iok_iotlb_inv_all(hw);
	hw->inv_entries = saved;
	iok_iotlb_free(hw);
	hw->capacity = entries;
	return 0;
}

IOK_EXPORT int iok_unit_iotlb_flush_all(struct iok_iommu_unit *u)
{
	if (!u)
		return -EINVAL;
	u->hw.inv_global++;
	iok_iotlb_inv_all(&u->hw);
	return 0;
}

static bool did_ok(const struct iok_iommu_unit *u, unsigned int did)
{
	return u && did && did <= IOK_DID_MAX;
}

IOK_EXPORT int iok_unit_iotlb_flush_domain(struct iok_iommu_unit *u, unsigned int did)
{
	if (!did_ok(u, did))
		return -EINVAL;
	u->hw.inv_domain++;
	iok_iotlb_inv_did(&u->hw, did, IOTLB_ANY_PASID);
	return 0;
}

static bool pasid_ok(uint32_t pasid)
{
	return pasid == IOK_PASID_NONE || pasid < (1u << 20);
}

IOK_EXPORT int iok_unit_iotlb_flush_pasid(struct iok_iommu_unit *u, unsigned int did,
					  uint32_t pasid)
{
	if (!did_ok(u, did) || !pasid_ok(pasid))
		return -EINVAL;
	u->hw.inv_pasid++;
	iok_iotlb_inv_did(&u->hw, did, pasid);
	return 0;
}

IOK_EXPORT int iok_unit_iotlb_flush_range(struct iok_iommu_unit *u, unsigned int did,
					  uint32_t pasid, uint64_t iova, uint64_t size)
{
	if (!did_ok(u, did) || !pasid_ok(pasid) || !size || size - 1 > UINT64_MAX - iova)
		return -EINVAL;
	u->hw.inv_range++;
	iok_iotlb_inv_range(&u->hw, did, pasid, iova, iova + size - 1);
	return 0;
}

/*
 * The driver's iotlb_sync / flush_iotlb_all: an invalidation on every unit
 * where the domain has an ID. A paging domain lives on one unit; the
 * driver's static domains may have IDs on several.
 */
static int domain_flush(struct iok_domain *d, uint64_t iova, uint64_t last, bool all)
{
	struct iok_machine *m = d->m;
	unsigned int i;

	for (i = 0; i < m->nr_units; i++) {
		struct iok_iommu_unit *u = &m->units[i];
		int did;

		if (d->unit && d->unit != u)
			continue;
		did = iok_hw_did(u, d);
		if (did <= 0)
			continue;
		if (all) {
			u->hw.inv_domain++;
			iok_iotlb_inv_did(&u->hw, did, IOTLB_ANY_PASID);
		} else {
			u->hw.inv_range++;
			iok_iotlb_inv_range(&u->hw, did, IOTLB_ANY_PASID, iova, last);
		}
	}
	return 0;
}

IOK_EXPORT int iok_domain_flush_range(struct iok_domain *d, uint64_t iova, uint64_t size)
{
	struct iok_iommu_unit *u;

	if (!d || !size || size - 1 > UINT64_MAX - iova)
		return -EINVAL;
	u = d->unit;
	if (!u)
		return domain_flush(d, iova, iova + size - 1, false);
	/*
	 * A paging domain: one unit, its ID at hand (domain_flush() without
	 * the search); iok_iotlb_inv_range() looks only at the page sizes the
	 * ID has entries of.
	 */
	if (d->did) {
		u->hw.inv_range++;
		iok_iotlb_inv_range(&u->hw, d->did, IOTLB_ANY_PASID, iova, iova + size - 1);
	}
	return 0;
}

IOK_EXPORT int iok_domain_flush_all(struct iok_domain *d)
{
	if (!d)
		return -EINVAL;
	return domain_flush(d, 0, UINT64_MAX, true);
}
