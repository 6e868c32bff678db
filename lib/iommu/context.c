// SPDX-License-Identifier: MIT
/*
 * Domain IDs and context entries: what the driver programs into the unit
 * when a device's domain changes. As intel-iommu and amd-iommu do, the
 * entry of every requester ID the device's DMA can carry is written: its
 * own, its quirk aliases, and the IDs bridges on the way up rewrite it to
 * (pci_for_each_dma_alias()). Devices that share an alias (those behind one
 * PCIe-to-PCI bridge) share its entry, which the last writer sets.
 */
#include "lib/iommu/iommu-private.h"

/* ---- requester IDs ------------------------------------------------------ */

#define MAX_RIDS (1 + 256 + 256)

static uint16_t rid_of(uint8_t bus, uint8_t devfn)
{
	return (uint16_t)(bus << 8 | devfn);
}

static int rid_cmp(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/*
 * pci_for_each_dma_alias(): the function's own ID and quirk aliases, then
 * up to the root: PCIe-to-PCI bridges (and conventional ones flagged
 * PCIE_BRIDGE_ALIAS) take ownership as (secondary bus, 00.0), PCI-to-PCIe
 * and other conventional bridges as themselves; PCIe ports pass the ID
 * through; a BRIDGE_XLATE_ROOT bridge ends the walk. VMD children DMA as
 * their VMD endpoint. Sorted, without duplicates (a device at 00.0 of the
 * bridge's secondary bus is its own alias).
 */
static unsigned int dev_rids(const struct iok_dev *dev, uint16_t *out)
{
	const struct iok_dev *r = dev->vmd ? dev->vmd : dev;
	const struct iok_bus *b;
	unsigned int n = 0, i, k;

	if (!dev->is_pci)
		return 0;
	out[n++] = rid_of(r->busnr, r->devfn);
	for (i = 0; r->dma_alias && i < 256; i++)
		if (r->dma_alias[i / 64] & (1ull << (i % 64)))
			out[n++] = rid_of(r->busnr, i);
	for (b = r->bus; b && !b->is_root && n < MAX_RIDS; b = b->parent) {
		const struct iok_dev *br = b->self;

		if (!br)
			continue;
		if (br->flag_xlate_root)
			break;
		if (br->pcie) {
			if (br->type == IOK_PCIE_PCI_BRIDGE)
				out[n++] = rid_of(b->number, 0);
			else if (br->type == IOK_PCIE_PCIE_BRIDGE)
				out[n++] = rid_of(br->busnr, br->devfn);
		} else if (br->flag_pcie_bridge_alias) {
			out[n++] = rid_of(b->number, 0);
		} else {
			out[n++] = rid_of(br->busnr, br->devfn);
		}
	}
	qsort(out, n, sizeof(*out), rid_cmp);
	for (i = 1, k = 1; i < n; i++)
		if (out[i] != out[k - 1])
			out[k++] = out[i];
	return n ? k : 0;
}

static uint32_t dev_segment(const struct iok_dev *dev)
{
	return (dev->vmd ? dev->vmd : dev)->domain;
}

/* The ID the device's PASID table hangs off: its own (its VMD's). */
static uint16_t own_rid(const struct iok_dev *dev)
{
	const struct iok_dev *r = dev->vmd ? dev->vmd : dev;

	return rid_of(r->busnr, r->devfn);
}

int iok_dev_for_each_rid(const struct iok_dev *dev, iok_rid_fn fn, void *arg)
{
	uint16_t rids[MAX_RIDS];
	unsigned int i, n = dev_rids(dev, rids);
	int rc;

	for (i = 0; i < n; i++) {
		rc = fn(dev_segment(dev), rids[i], arg);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- the context table -------------------------------------------------- */

static struct ctx_entry *ctx_get(struct iok_iommu_unit *u, uint32_t segment,
				 uint16_t rid, bool alloc)
{
	struct ctx_seg *s;
	struct ctx_bus **bp;

	for (s = u->hw.segs; s && s->segment != segment; s = s->next)
		;
	if (!s) {
		if (!alloc)
			return NULL;
		s = calloc(1, sizeof(*s));
		if (!s)
			return NULL;
		s->segment = segment;
		s->next = u->hw.segs;
		u->hw.segs = s;
	}
	bp = &s->bus[rid >> 8];
	if (!*bp) {
		if (!alloc)
			return NULL;
		*bp = calloc(1, sizeof(**bp));
		if (!*bp)
			return NULL;
	}
	return &(*bp)->e[rid & 0xff];
}

struct ctx_entry *iok_ctx_lookup(const struct iok_iommu_unit *u, uint32_t segment,
				 uint16_t rid)
{
	const struct ctx_seg *s;
	struct ctx_bus *b;

	for (s = u->hw.segs; s && s->segment != segment; s = s->next)
		;
	if (!s)
		return NULL;
	b = s->bus[rid >> 8];
	return b ? &b->e[rid & 0xff] : NULL;
}

/* ---- domain IDs --------------------------------------------------------- */

int iok_hw_did(const struct iok_iommu_unit *u, const struct iok_domain *d)
{
	unsigned int i;

	if (d->unit == u)
		return d->did ? (int)d->did : -ENOENT;
	/* Static domains are shared by the driver's units: each unit keeps theirs. */
	if (d == u->drv->identity)
		return u->hw.sdid[0] ? (int)u->hw.sdid[0] : -ENOENT;
	if (d == u->drv->blocked)
		return u->hw.sdid[1] ? (int)u->hw.sdid[1] : -ENOENT;
	for (i = 1; i < u->hw.nr_dids; i++)
		if (u->hw.dids[i].d == d)
			return i;
	return -ENOENT;
}

/* Where the ID of @d on @u is looked up: the domain, or the unit for static ones. */
static void did_link(struct iok_iommu_unit *u, struct iok_domain *d, unsigned int did)
{
	if (d->unit == u)
		d->did = did;
	else if (d == u->drv->identity)
		u->hw.sdid[0] = did;
	else if (d == u->drv->blocked)
		u->hw.sdid[1] = did;
}

/* A reference on @d's ID on @u, allocating the lowest free one. */
static int did_get(struct iok_iommu_unit *u, struct iok_domain *d)
{
	struct iok_unit_hw *hw = &u->hw;
	int did = iok_hw_did(u, d);
	unsigned int i;

	if (did > 0) {
		hw->dids[did].users++;
		return did;
	}
	for (i = hw->lowest_free ? hw->lowest_free : 1; i < hw->nr_dids && hw->dids[i].d; i++)
		;
	if (i > IOK_DID_MAX)
		return iok_fail(u->m->ctx, -ENOSPC, "%s: all %u domain IDs in use",
				u->name, IOK_DID_MAX);
	if (i >= hw->nr_dids) {
		unsigned int n = hw->nr_dids ? hw->nr_dids * 2 : 64;
		struct did_slot *p;

		if (n > IOK_DID_MAX + 1)
			n = IOK_DID_MAX + 1;
		p = realloc(hw->dids, n * sizeof(*p));
		if (!p)
			return -ENOMEM;
		memset(p + hw->nr_dids, 0, (n - hw->nr_dids) * sizeof(*p));
		hw->dids = p;
		hw->nr_dids = n;
	}
	hw->dids[i].d = d;
	hw->dids[i].users = 1;
	hw->dids[i].space = iok_iotlb_did_space(i);
	hw->lowest_free = i + 1;
	did_link(u, d, i);
	return i;
}

/*
 * Drop a reference. The last one frees the ID; its IOTLB entries go first,
 * as the driver flushes a domain ID before reusing it.
 */
static void did_put(struct iok_iommu_unit *u, unsigned int did)
{
	struct iok_unit_hw *hw = &u->hw;
	struct did_slot *s = &hw->dids[did];

	if (--s->users)
		return;
	if (s->classes) {
		hw->inv_domain++;
		iok_iotlb_inv_did(hw, did, IOTLB_ANY_PASID);
	}
	iok_walk_cache_inv_did(hw->wc, did);
	did_link(u, s->d, 0);
	s->d = NULL;
	if (did < hw->lowest_free)
		hw->lowest_free = did;
}

/* ---- programming ------------------------------------------------------- */

/*
 * The driver's part of attach_dev: @dev's entries now translate with @d.
 * Fails before changing anything (-ENOSPC without a free ID, -ENOMEM). A
 * domain the device had before always fits again: its ID slot and table
 * pages are still there, so the core's rollback cannot fail here.
 */
int iok_hw_attach(struct iok_machine *m, struct iok_dev *dev, struct iok_domain *d)
{
	struct mdev *md = M(m, dev);
	struct iok_iommu_unit *u = md->unit;
	struct iok_domain *old = md->rid;
	uint16_t rids[MAX_RIDS];
	unsigned int i, n = dev_rids(dev, rids);
	int did, old_did = old ? iok_hw_did(u, old) : -ENOENT;

	did = did_get(u, d);
	if (did < 0)
		return did;
	for (i = 0; i < n; i++) {
		if (!ctx_get(u, dev_segment(dev), rids[i], true)) {
			did_put(u, did);
			return -ENOMEM;
		}
	}
	for (i = 0; i < n; i++) {
		struct ctx_entry *e = ctx_get(u, dev_segment(dev), rids[i], false);

		e->d = d;
		e->did = did;
		if (!old)
			e->users++;
	}
	if (old_did > 0)
		did_put(u, old_did);
	return 0;
}

/* The domain of another device of @dev's group that uses @rid, or NULL. */
static struct iok_domain *sharer_domain(struct iok_machine *m, struct iok_dev *dev,
					uint16_t rid)
{
	struct iok_rgroup *rg = M(m, dev)->group;
	uint16_t rids[MAX_RIDS];
	unsigned int i, k, n;

	for (i = 0; rg && i < iok_rgroup_nr_devs(rg); i++) {
		struct iok_dev *o = iok_rgroup_dev(rg, i);

		if (o == dev || !M(m, o)->rid || dev_segment(o) != dev_segment(dev))
			continue;
		n = dev_rids(o, rids);
		for (k = 0; k < n; k++)
			if (rids[k] == rid)
				return M(m, o)->rid;
	}
	return NULL;
}

static void pasids_clear(struct iok_iommu_unit *u, struct ctx_entry *e)
{
	unsigned int i;

	for (i = 0; i < e->nr_pasids; i++)
		did_put(u, e->pasids[i].did);
	free(e->pasids);
	e->pasids = NULL;
	e->nr_pasids = e->alloc_pasids = 0;
}

/*
 * The device leaves its domain (release, failed first attach): entries
 * nobody else uses are cleared, shared ones keep the other users' domain.
 */
void iok_hw_release(struct iok_machine *m, struct iok_dev *dev)
{
	struct mdev *md = M(m, dev);
	struct iok_iommu_unit *u = md->unit;
	uint16_t rids[MAX_RIDS];
	unsigned int i, n;
	int did;

	if (!md->rid || !u)
		return;
	n = dev_rids(dev, rids);
	for (i = 0; i < n; i++) {
		struct ctx_entry *e = ctx_get(u, dev_segment(dev), rids[i], false);
		struct iok_domain *other;

		if (!e || !e->users)
			continue;
		/* Its PASID entries are the device's own: they go with it. */
		if (rids[i] == own_rid(dev))
			pasids_clear(u, e);
		if (--e->users) {
			other = sharer_domain(m, dev, rids[i]);
			if (other && other != e->d) {
				e->d = other;
				e->did = iok_hw_did(u, other);
			}
			continue;
		}
		e->d = NULL;
		e->did = 0;
	}
	did = iok_hw_did(u, md->rid);
	if (did > 0)
		did_put(u, did);
}

/* The device's own requester ID: where its PASID entries live. */
static int own_entry(struct iok_machine *m, struct iok_dev *dev, struct ctx_entry **out)
{
	struct mdev *md = M(m, dev);
	struct ctx_entry *e;

	if (!md->unit || !dev->is_pci)
		return -ENODEV;
	e = ctx_get(md->unit, dev_segment(dev), own_rid(dev), false);
	if (!e || !e->d)
		return -ENODEV;
	*out = e;
	return 0;
}

/*
 * Set (@d) or clear (NULL) the PASID entry @pasid of @dev, on its own
 * requester ID: the PASID table hangs off the device's context entry.
 * For the PASID attach paths of the core; the device must be attached.
 */
int iok_context_set_pasid(struct iok_machine *m, struct iok_dev *dev, uint32_t pasid,
			  struct iok_domain *d)
{
	struct iok_iommu_unit *u;
	struct ctx_entry *e;
	unsigned int i;
	int rc, did = 0;

	if (!machine_has_dev(m, dev) || pasid >= (1u << 20))
		return -EINVAL;
	rc = own_entry(m, dev, &e);
	if (rc)
		return rc;
	u = M(m, dev)->unit;
	for (i = 0; i < e->nr_pasids && e->pasids[i].pasid < pasid; i++)
		;
	if (d) {
		did = did_get(u, d);
		if (did < 0)
			return did;
	}
	if (i < e->nr_pasids && e->pasids[i].pasid == pasid) {
		unsigned int old = e->pasids[i].did;

		if (d) {
			e->pasids[i].d = d;
			e->pasids[i].did = did;
		} else {
			memmove(&e->pasids[i], &e->pasids[i + 1],
				(e->nr_pasids - i - 1) * sizeof(*e->pasids));
			e->nr_pasids--;
		}
		did_put(u, old);
		return 0;
	}
	if (!d)
		return -ENOENT;
	if (e->nr_pasids == e->alloc_pasids) {
		unsigned int na = e->alloc_pasids ? e->alloc_pasids * 2 : 4;
		struct ctx_pasid *p = realloc(e->pasids, na * sizeof(*p));

		if (!p) {
			did_put(u, did);
			return -ENOMEM;
		}
		e->pasids = p;
		e->alloc_pasids = na;
	}
	memmove(&e->pasids[i + 1], &e->pasids[i], (e->nr_pasids - i) * sizeof(*e->pasids));
	e->pasids[i] = (struct ctx_pasid){ .pasid = pasid, .did = did, .d = d };
	e->nr_pasids++;
	return 0;
}

void iok_hw_free(struct iok_iommu_unit *u)
{
	struct ctx_seg *s;
	unsigned int b, i;

	while ((s = u->hw.segs)) {
		u->hw.segs = s->next;
		for (b = 0; b < 256; b++) {
			for (i = 0; s->bus[b] && i < 256; i++)
				free(s->bus[b]->e[i].pasids);
			free(s->bus[b]);
		}
		free(s);
	}
	free(u->hw.dids);
	u->hw.dids = NULL;
	u->hw.nr_dids = 0;
	iok_iotlb_free(&u->hw);
}

/* ---- invariants --------------------------------------------------------- */

#define BROKEN(m, ...) iok_fail((m)->ctx, -EUCLEAN, __VA_ARGS__)

static void recount_reset(struct iok_machine *m)
{
	unsigned int k, i, b;
	struct ctx_seg *s;

	for (k = 0; k < m->nr_units; k++) {
		struct iok_unit_hw *hw = &m->units[k].hw;

		for (i = 0; i < hw->nr_dids; i++)
			hw->dids[i].seen = 0;
		for (s = hw->segs; s; s = s->next)
			for (b = 0; b < 256; b++)
				for (i = 0; s->bus[b] && i < 256; i++) {
					s->bus[b]->e[i].seen = 0;
					s->bus[b]->e[i].match = false;
				}
	}
}

/* Pass 1: count each device's entries and ID references. */
static int recount_dev(struct iok_machine *m, struct mdev *md)
{
	struct iok_iommu_unit *u = md->unit;
	uint16_t rids[MAX_RIDS];
	unsigned int i, k, n = dev_rids(md->dev, rids);
	int did = iok_hw_did(u, md->rid);

	if (did <= 0)
		return BROKEN(m, "%s: its %s domain has no ID on %s", iok_dev_get_name(md->dev),
			      iok_domain_type_name(md->rid->type), u->name);
	u->hw.dids[did].seen++;
	for (i = 0; i < n; i++) {
		struct ctx_entry *e = ctx_get(u, dev_segment(md->dev), rids[i], false);

		if (!e || !e->d)
			return BROKEN(m, "%s: no context entry for requester ID %02x:%02x.%x on %s",
				      iok_dev_get_name(md->dev), rids[i] >> 8, (rids[i] >> 3) & 31,
				      rids[i] & 7, u->name);
		e->seen++;
		if (e->d == md->rid)
			e->match = true;
		for (k = 0; rids[i] == own_rid(md->dev) && k < e->nr_pasids; k++)
			u->hw.dids[e->pasids[k].did].seen++;
	}
	return 0;
}

/* Pass 2: an entry used by one device only has that device's domain. */
static int check_dev_entries(struct iok_machine *m, struct mdev *md)
{
	struct iok_iommu_unit *u = md->unit;
	uint16_t rids[MAX_RIDS];
	unsigned int i, n = dev_rids(md->dev, rids);

	for (i = 0; i < n; i++) {
		struct ctx_entry *e = ctx_get(u, dev_segment(md->dev), rids[i], false);

		if (e->d != md->rid && e->users == 1)
			return BROKEN(m, "%s: context entry %02x:%02x.%x translates with %s, the device is on %s",
				      iok_dev_get_name(md->dev), rids[i] >> 8, (rids[i] >> 3) & 31,
				      rids[i] & 7, iok_domain_type_name(e->d->type),
				      iok_domain_type_name(md->rid->type));
	}
	return 0;
}

static int check_entry(struct iok_machine *m, struct iok_iommu_unit *u,
		       const struct ctx_entry *e, uint32_t seg, unsigned int rid)
{
	const struct iok_unit_hw *hw = &u->hw;
	unsigned int k;

	if (e->seen != e->users || (!e->d && e->users) || (e->d && !e->match))
		return BROKEN(m, "%s: context entry %04x:%02x:%02x.%x: %u users counted, %u found%s",
			      u->name, seg, rid >> 8, (rid >> 3) & 31, rid & 7, e->users, e->seen,
			      e->d && !e->match ? ", none on its domain" : "");
	if (e->d && (e->did >= hw->nr_dids || hw->dids[e->did].d != e->d))
		return BROKEN(m, "%s: context entry %04x:%02x:%02x.%x has domain ID %u of another domain",
			      u->name, seg, rid >> 8, (rid >> 3) & 31, rid & 7, e->did);
	for (k = 0; k < e->nr_pasids; k++)
		if (e->pasids[k].did >= hw->nr_dids ||
		    hw->dids[e->pasids[k].did].d != e->pasids[k].d)
			return BROKEN(m, "%s: PASID %u entry has a stale domain ID", u->name,
				      e->pasids[k].pasid);
	return 0;
}

static int check_unit(struct iok_machine *m, struct iok_iommu_unit *u)
{
	const struct iok_unit_hw *hw = &u->hw;
	const struct ctx_seg *s;
	unsigned int i, b, c, total = 0;
	int rc;

	for (s = hw->segs; s; s = s->next)
		for (b = 0; b < 256; b++)
			for (i = 0; s->bus[b] && i < 256; i++) {
				rc = check_entry(m, u, &s->bus[b]->e[i], s->segment, b << 8 | i);
				if (rc)
					return rc;
			}
	for (i = 1; i < hw->nr_dids; i++) {
		const struct did_slot *sl = &hw->dids[i];

		if (sl->d && sl->users != sl->seen)
			return BROKEN(m, "%s: domain ID %u counts %u users, %u found", u->name, i,
				      sl->users, sl->seen);
		if (!sl->d && (sl->users || sl->classes))
			return BROKEN(m, "%s: free domain ID %u still in use or cached", u->name, i);
		if (sl->d && sl->d->unit == u && sl->d->did != i)
			return BROKEN(m, "%s: domain ID %u is not its domain's", u->name, i);
		for (c = 0; c < IOTLB_NR_CLASSES; c++)
			total += sl->cnt[c];
	}
	if (total != hw->entries)
		return BROKEN(m, "%s: IOTLB counts %u entries, the IDs %u", u->name,
			      hw->entries, total);
	return 0;
}

/*
 * The context tables agree with every device's domain: each RID and alias
 * of an attached device has an entry on its unit, with its domain unless
 * another device shares the entry, and the entry and ID counts are exact.
 */
int iok_hw_check(struct iok_machine *m)
{
	unsigned int i;
	int rc;

	recount_reset(m);
	for (i = 0; i < m->topo->nr_devs; i++) {
		struct mdev *md = &m->devs[i];

		if (md->rid && md->unit) {
			rc = recount_dev(m, md);
			if (rc)
				return rc;
		}
	}
	for (i = 0; i < m->topo->nr_devs; i++) {
		struct mdev *md = &m->devs[i];

		if (md->rid && md->unit) {
			rc = check_dev_entries(m, md);
			if (rc)
				return rc;
		}
	}
	for (i = 0; i < m->nr_units; i++) {
		rc = check_unit(m, &m->units[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- public ------------------------------------------------------------ */

IOK_EXPORT int iok_unit_get_context(const struct iok_iommu_unit *u, uint32_t segment,
				    uint16_t rid, uint32_t pasid, struct iok_domain **out)
{
	const struct ctx_entry *e;
	unsigned int i;

	if (!u)
		return -EINVAL;
	e = iok_ctx_lookup(u, segment, rid);
	if (!e || !e->d)
		return -ENOENT;
	if (pasid == IOK_PASID_NONE) {
		if (out)
			*out = e->d;
		return e->did;
	}
	for (i = 0; i < e->nr_pasids; i++) {
		if (e->pasids[i].pasid == pasid) {
			if (out)
				*out = e->pasids[i].d;
			return e->pasids[i].did;
		}
	}
	return -ENOENT;
}

IOK_EXPORT int iok_unit_get_domain_id(const struct iok_iommu_unit *u,
				      const struct iok_domain *d)
{
	if (!u || !d || d->m != u->m)
		return -EINVAL;
	return iok_hw_did(u, d);
}
