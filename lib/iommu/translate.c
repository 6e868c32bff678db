// SPDX-License-Identifier: MIT
/*
 * The unit's side of a DMA request: an ordered list of checks, each with
 * the fault it records (in the manner of QEMU's virtio-iommu and VT-d
 * models): the context entry of the requester ID, the PASID entry, the
 * domain type, the aperture, the IOTLB or else the page walk, and the
 * permission. A translation served from the IOTLB is never checked against
 * the page table: stale entries are served until invalidated.
 */
#include "lib/iommu/iommu-private.h"
#include "lib/iommu/xlate-run.h"

/* Inlined into both iok_unit_translate() and the engine's run loop. */
#define HOT static inline __attribute__((always_inline))

/* The device a fault names: the function with that ID, if it is behind @u. */
static struct iok_dev *requester(struct iok_iommu_unit *u, const struct iok_xlate_req *req)
{
	struct iok_machine *m = u->m;
	struct iok_dev *d = iok_topo_lookup(m->topo, req->segment, req->rid >> 8,
					    req->rid & 0xff);

	return d && M(m, d)->unit == u ? d : NULL;
}

/* Out of line: faults are rare, and DMA's loop keeps its registers. */
static __attribute__((noinline, cold)) int
fault(struct iok_iommu_unit *u, const struct iok_xlate_req *req, enum iok_fault_reason reason)
{
	struct iok_fault f = {
		.dev = requester(u, req),
		.rid = req->rid,
		.pasid = req->pasid,
		.addr = req->iova,
		.access = req->access == IOK_PROT_WRITE ? IOK_FAULT_PERM_WRITE
							: IOK_FAULT_PERM_READ,
		.reason = reason,
	};

	/* PCIe PRI: the device asks for the page and retries (pasid.c). */
	if (iok_page_request(u, &f))
		return -EAGAIN;
	/* A full queue loses the record; the request fails all the same. */
	iok_unit_report_fault(u, &f);
	return -EFAULT;
}

static __attribute__((noinline, cold)) int
walk_fault(struct iok_iommu_unit *u, const struct iok_xlate_req *req, int rc)
{
	return fault(u, req, rc == -EACCES ? IOK_FAULT_PERMISSION : IOK_FAULT_NOT_PRESENT);
}

HOT void answer(struct iok_xlate *out, const struct iok_xlate_req *req,
		uint64_t page, unsigned int shift, unsigned int prot, bool from_iotlb)
{
	uint64_t off = req->iova & ((1ull << shift) - 1);
	uint64_t left = (1ull << shift) - off;

	out->paddr = page + off;
	out->len = req->len < left ? req->len : left;
	out->prot = prot;
	out->pgsize = 1u << shift;
	out->from_iotlb = from_iotlb;
}

/*
 * An IOTLB miss: one page walk (from the walk cache's table when it
 * holds), which finds the leaf, checks it, sets the accessed flag and, for
 * a write, the dirty state; then the IOTLB is filled with the leaf. A
 * faulting access caches nothing.
 */
HOT int walk(struct iok_iommu_unit *u, struct iok_domain *d, unsigned int did,
	     const struct iok_xlate_req *req, struct iok_xlate *out)
{
	struct iok_unit_hw *hw = &u->hw;
	struct iok_pt_leaf leaf;
	unsigned int shift;
	int rc;

	rc = iok_walk_cache_walk(hw->capacity ? iok_walk_cache_get(&hw->wc) : NULL,
				 hw->dids[did].space, did, d->pt, req->iova, req->access, &leaf);
	if (rc)
		return walk_fault(u, req, rc);
	shift = (unsigned int)__builtin_ctzll(leaf.size);
	iok_iotlb_fill(&u->hw, did, req->pasid, req->iova, leaf.page, shift,
		       (leaf.prot & IOTLB_PROT_MASK) |
		       (req->access == IOK_PROT_WRITE ? IOTLB_DIRTY : 0));
	answer(out, req, leaf.page, shift, leaf.prot, false);
	return 0;
}

/*
 * A write through an IOTLB entry filled by reads walks the table once more
 * to set the dirty state, as hardware must; if the mapping is gone by
 * then, that walk faults and the entry is dropped.
 */
static __attribute__((noinline)) int
dirty_walk(struct iok_iommu_unit *u, struct iok_domain *d, const struct iok_xlate_req *req,
	   struct iotlb_hit *h)
{
	uint64_t phys, pgsize;
	int rc = iok_pgtable_walk(d->pt, req->iova, IOK_PROT_WRITE, &phys, &pgsize);

	if (rc) {
		iok_iotlb_drop_hit(&u->hw, h);
		return walk_fault(u, req, rc);
	}
	*h->out |= IOTLB_DIRTY;
	return 0;
}

/* An IOTLB hit: the entry's permission, and the dirty state a write needs. */
HOT int hit(struct iok_iommu_unit *u, struct iok_domain *d,
	    const struct iok_xlate_req *req, struct iotlb_hit *h, struct iok_xlate *out)
{
	unsigned int prot = *h->out & IOTLB_PROT_MASK;
	uint64_t page = *h->out & ~((1ull << h->shift) - 1);
	int rc;

	if (!(prot & req->access))
		return fault(u, req, IOK_FAULT_PERMISSION);
	if (req->access == IOK_PROT_WRITE && !(*h->out & IOTLB_DIRTY)) {
		rc = dirty_walk(u, d, req, h);
		if (rc)
			return rc;
	}
	answer(out, req, page, h->shift, prot, true);
	return 0;
}

HOT int translate_paging(struct iok_iommu_unit *u, struct iok_domain *d,
			 unsigned int did, const struct iok_xlate_req *req,
			 struct iok_xlate *out)
{
	struct iotlb_hit h;

	if (!d->pt || req->iova < d->aperture_start || req->iova > d->aperture_end)
		return fault(u, req, IOK_FAULT_OUT_OF_RANGE);
	if (iok_iotlb_lookup(&u->hw, did, req->pasid, req->iova, &h))
		return hit(u, d, req, &h, out);
	return walk(u, d, did, req, out);
}

HOT bool req_ok(const struct iok_iommu_unit *u, const struct iok_xlate_req *req,
		const void *out)
{
	return u && req && out && req->len &&
	       (req->access == IOK_PROT_READ || req->access == IOK_PROT_WRITE);
}

/*
 * The context of a request: 0 with the paging (or SVA) domain and its ID,
 * 1 with the whole answer of an identity domain in *@out, or the fault.
 */
HOT int resolve(struct iok_iommu_unit *u, const struct iok_xlate_req *req,
		struct iok_domain **dp, unsigned int *didp, struct iok_xlate *out)
{
	const struct ctx_entry *e;
	struct iok_domain *d;
	unsigned int did, i;

	e = iok_ctx_lookup(u, req->segment, req->rid);
	if (!e || !e->d)
		return fault(u, req, IOK_FAULT_NO_CONTEXT);
	d = e->d;
	did = e->did;
	if (req->pasid != IOK_PASID_NONE) {
		for (i = 0; i < e->nr_pasids && e->pasids[i].pasid != req->pasid; i++)
			;
		if (i == e->nr_pasids)
			return fault(u, req, IOK_FAULT_NO_PASID);
		d = e->pasids[i].d;
		did = e->pasids[i].did;
	}
	/* The process is gone: its PASID fails with faults suppressed (spec 6.3). */
	if (d->mm_released)
		return -EFAULT;
	if (d->type == IOK_DOMAIN_BLOCKED)
		return fault(u, req, IOK_FAULT_BLOCKED);
	if (d->type == IOK_DOMAIN_IDENTITY) {
		*out = (struct iok_xlate){
			.paddr = req->iova,
			/* Up to the top of the address space at most. */
			.len = req->len - 1 > UINT64_MAX - req->iova ? -req->iova : req->len,
			.prot = IOK_PROT_READ | IOK_PROT_WRITE,
		};
		return 1;
	}
	if (!domain_is_paging(d) && d->type != IOK_DOMAIN_SVA)
		return fault(u, req, IOK_FAULT_BLOCKED);
	*dp = d;
	*didp = did;
	return 0;
}

IOK_EXPORT int iok_unit_translate(struct iok_iommu_unit *u, const struct iok_xlate_req *req,
				  struct iok_xlate *out)
{
	struct iok_domain *d = NULL;
	unsigned int did = 0;
	int rc;

	if (!req_ok(u, req, out))
		return -EINVAL;
	rc = resolve(u, req, &d, &did, out);
	if (rc)
		return rc > 0 ? 0 : rc;
	iok_page_request_arm(u);
	do
		rc = translate_paging(u, d, did, req, out);
	while (rc == -EAGAIN);
	return rc;
}

/* The cursor's context, looked up; an identity domain's answer is the run. */
static __attribute__((noinline)) int cursor_resolve(struct iok_xlate_cursor *c)
{
	struct iok_xlate t = { .len = 0 };
	int rc;

	if (!req_ok(c->u, &c->req, c))
		return -EINVAL;
	rc = resolve(c->u, &c->req, &c->d, &c->did, &t);
	if (rc <= 0)
		return rc;
	c->d = NULL;
	if (!c->run_len) {
		c->run_pa = t.paddr;
		c->run_len = t.len;
	} else if (c->run_pa + c->run_len == t.paddr) {
		c->run_len += t.len;
	} else {
		c->next_pa = t.paddr;
		c->next_len = t.len;
	}
	c->req.iova += t.len;
	c->req.len -= t.len;
	return 1;
}

/*
 * resolve()'s common case, inline: a paging domain on the requester ID's
 * own entry. Anything else (PASID, faults, identity) is cursor_resolve()'s.
 */
HOT bool quick_resolve(struct iok_xlate_cursor *c)
{
	const struct ctx_entry *e;
	struct iok_domain *d;

	if (c->req.pasid != IOK_PASID_NONE || !req_ok(c->u, &c->req, c))
		return false;
	e = iok_ctx_lookup(c->u, c->req.segment, c->req.rid);
	if (!e || !(d = e->d) || d->mm_released || d->type == IOK_DOMAIN_BLOCKED ||
	    d->type == IOK_DOMAIN_IDENTITY || !domain_is_paging(d))
		return false;
	c->d = d;
	c->did = e->did;
	return true;
}

/*
 * Pages in a row, each translated exactly as iok_unit_translate() would
 * (IOTLB lookups, fills and counters, walks with their accessed and dirty
 * updates, faults and page requests, in the same order), with the context
 * looked up once per transfer: nothing but a page request's handler can
 * change it while the engine moves a buffer, and after one the context is
 * looked up again.
 */
int iok_unit_translate_run(struct iok_xlate_cursor *c)
{
	struct iok_iommu_unit *u = c->u;
	struct iok_xlate_req *q = &c->req;
	struct iok_xlate t = { .len = 0 };
	unsigned int armed;
	int rc;

	c->next_len = 0;
	if (!c->d && !quick_resolve(c)) {
		rc = cursor_resolve(c);
		if (rc)
			return rc < 0 ? rc : 0;
	}
	iok_page_request_arm(u);
	armed = u->prq_left;
	do {
		do
			rc = translate_paging(u, c->d, c->did, q, &t);
		while (rc == -EAGAIN);
		if (rc)
			return rc;
		q->iova += t.len;
		q->len -= t.len;
		if (!c->run_len) {
			c->run_pa = t.paddr;
			c->run_len = t.len;
		} else if (c->run_pa + c->run_len == t.paddr) {
			c->run_len += t.len;
		} else {
			c->next_pa = t.paddr;
			c->next_len = t.len;
			break;
		}
	} while (q->len && u->prq_left == armed);
	/* A page request's handler ran: look the context up again next time. */
	if (u->prq_left != armed)
		c->d = NULL;
	return 0;
}

/* ---- which unit a requester ID reaches ---------------------------------- */

static struct iok_iommu_unit *unit_of(const struct iok_machine *m, const struct iok_dev *d)
{
	return d->unit >= 0 && (unsigned int)d->unit < m->nr_units ? &m->units[d->unit] : NULL;
}

IOK_EXPORT struct iok_iommu_unit *iok_machine_find_unit_for_rid(const struct iok_machine *m,
								uint32_t segment, uint16_t rid)
{
	uint8_t bus = rid >> 8, devfn = rid & 0xff;
	const struct iok_dev *d;
	unsigned int i, k;

	if (!m || !m->nr_units)
		return NULL;
	d = iok_topo_lookup(m->topo, segment, bus, devfn);
	if (d)
		return unit_of(m, d);
	/* No such function: an alias, of a bridge or of a quirky function. */
	for (i = 0; i < m->topo->nr_buses; i++) {
		const struct iok_bus *b = m->topo->buses[i];

		if (b->domain != segment || b->number != bus)
			continue;
		if (b->self)
			return unit_of(m, b->self);
		for (k = 0; k < b->nr_devs; k++)
			if (iok_dev_has_dma_alias(b->devs[k], devfn))
				return unit_of(m, b->devs[k]);
	}
	return NULL;
}
