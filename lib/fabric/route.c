// SPDX-License-Identifier: MIT
/*
 * A DMA request's way through the fabric (docs/fabric.md), hop by hop.
 *
 * Switches and root complexes route requests by address; they ignore the
 * PASID, which is why the kernel wants ACS before it enables PASIDs (spec
 * runtime 5.3). At each place a decision is made, the ACS bits the kernel
 * left enabled (spec groups 3, through lib/groups' effective ACS Control)
 * decide:
 *
 * - inside a multifunction device, a request for a sibling function's BAR
 *   stays in the device unless the requesting function redirects it (RR);
 * - on a conventional PCI bus every device sees the request: a peer's BAR
 *   claims it, whatever any ACS says;
 * - a root or downstream port receiving a request from below drops it when
 *   Source Validation is on and the requester's bus is not below the port
 *   (SV), drops translated requests under Translation Blocking (TB),
 *   forwards a request for its own secondary side back up only with
 *   Upstream Forwarding (UF), and sends a request for a sibling port's
 *   window straight across unless Request Redirect sends it up (RR), or
 *   Egress Control forbids that port (EC), or Direct Translated P2P lets a
 *   translated request across anyway (DT); completions of a peer read are
 *   redirected up under Completion Redirect (CR);
 * - PCIe-to-PCI and PCI-to-PCIe bridges rewrite the requester ID as the
 *   kernel's alias walk says (spec groups 5.1).
 *
 * A bit the ACS capability does not implement counts as on, as the kernel
 * counts it (spec groups 4.1): the behaviour it would control cannot
 * happen. A device an ACS quirk vouches for behaves as with SV, RR, CR and
 * UF on; pcie_acs_override= changes nothing here, because it changes only
 * what the kernel believes, not what the hardware does.
 */
#include <stdio.h>

#include "lib/fabric/fabric-private.h"

#define REQ_BITS (IOK_ACS_SV | IOK_ACS_RR | IOK_ACS_CR | IOK_ACS_UF)

struct walk {
	struct iok_fabric *f;
	const struct iok_dma_req *req;
	bool write;
	struct iok_route *r;
	uint16_t rid;
	bool rid_frozen;
};

/* ---- ACS as the hardware applies it ------------------------------------ */

static const struct acs_eff *acs_of(struct iok_fabric *f, const struct iok_dev *d)
{
	struct acs_eff *a = &FD(f, d)->acs;
	struct iok_acs_verdict v;

	if (a->known)
		return a;
	a->known = true;
	if (iok_dev_acs_verdict(iok_machine_get_grouping(f->m), d, &v))
		return a;
	if (v.rule == IOK_ACS_RULE_QUIRK && v.isolated) {
		a->present = true;
		a->on = REQ_BITS;
		snprintf(a->how, sizeof(a->how), "quirk %s", v.quirk ? v.quirk : "?");
		return a;
	}
	if (d->acs_state != IOK_ACS_PRESENT)
		return a;
	a->present = true;
	a->on = v.ctrl & v.cap;
	a->hardwired = REQ_BITS & ~v.cap;
	return a;
}

/* Whether @bit is in effect at @d; *@how says why. */
static bool acs_bit(struct iok_fabric *f, const struct iok_dev *d, uint16_t bit,
		    const char **how)
{
	const struct acs_eff *a = acs_of(f, d);

	if (!a->present) {
		*how = "no ACS";
		return false;
	}
	if (a->how[0]) {
		*how = a->how;
		return a->on & bit;
	}
	if (a->hardwired & bit) {
		*how = "not implemented";
		return true;
	}
	*how = "control";
	return a->on & bit;
}

/*
 * ACS P2P Egress Control: the vector bit of the egress port (its Port
 * Number) or, inside a multifunction device, of the function number.
 */
static bool egress_blocked(struct iok_fabric *f, const struct iok_dev *d, unsigned int bit)
{
	const struct acs_eff *a = acs_of(f, d);
	unsigned int vsize, off;

	if (a->how[0] || !(a->on & IOK_ACS_EC) || !d->acs_pos)
		return false;
	vsize = (d->acs_cap >> 8) ?: 256;
	off = d->acs_pos + 8 + bit / 32 * 4;
	if (bit >= vsize || !cfg_has(d, off, 4))
		return false;
	return cfg32(d, off) >> (bit % 32) & 1;
}

static unsigned int port_number(const struct iok_dev *d)
{
	if (!d->pcie || !cfg_has(d, d->pcie_pos + 0x0c, 4))
		return 0;
	return cfg32(d, d->pcie_pos + 0x0c) >> 24;
}

/* ---- recording --------------------------------------------------------- */

static void hop(struct walk *w, struct iok_dev *at, enum iok_hop_action action,
		uint16_t bit, bool on, const char *how, const char *why)
{
	struct iok_route *r = w->r;

	if (r->nr_hops < IOK_ROUTE_MAX_HOPS)
		r->hops[r->nr_hops] = (struct iok_route_hop){
			.at = at, .action = action, .acs_bit = bit, .acs_on = on,
			.acs_how = bit ? how : NULL, .why = why, .rid = w->rid,
		};
	r->nr_hops++;
}

static int end_at(struct walk *w, enum iok_route_end end, struct iok_dev *at, uint16_t bit)
{
	w->r->end = end;
	w->r->at = at;
	w->r->acs_bit = bit;
	w->r->rid = w->rid;
	return 1;
}

/* @via claimed the request: it is the BAR's below, if the BAR is there. */
static int end_p2p(struct walk *w, struct iok_dev *via)
{
	struct region *t = iok_bar_at(w->f, w->req->addr);

	if (!t) {
		hop(w, via, IOK_HOP_UNCLAIMED, 0, false, NULL,
		    "no BAR below decodes the address: unsupported request");
		return end_at(w, IOK_ROUTE_UNCLAIMED, via, 0);
	}
	w->r->target = t->dev;
	w->r->bar = t->bar;
	return end_at(w, IOK_ROUTE_P2P, NULL, 0);
}

/* Completions of a peer read come back through @port: CR sends them up. */
static void completion(struct walk *w, struct iok_dev *port)
{
	const char *how;

	if (w->write || !port || !acs_bit(w->f, port, IOK_ACS_CR, &how))
		return;
	w->r->completion_redirect = port;
	hop(w, port, IOK_HOP_REDIRECT, IOK_ACS_CR, true, how,
	    "completion of the peer read redirected upstream, then routed back down by ID");
}

/* ---- the places where routing is decided ------------------------------- */

static bool same_device(const struct iok_dev *a, const struct iok_dev *b)
{
	if (a == b || a->bus != b->bus || a->is_vf || b->is_vf || !a->multifunction)
		return false;
	return (a->devfn >> 3) == (b->devfn >> 3) || (a->ari_pos && b->ari_pos);
}

/* A multifunction device: a sibling function's BAR. 1: ended, 0: goes on up. */
static int inside_device(struct walk *w, struct iok_dev *dev)
{
	struct iok_fabric *f = w->f;
	struct region *t = iok_bar_at(f, w->req->addr);
	bool translated = w->req->flags & IOK_DMA_TRANSLATED;
	const char *how;

	if (!t || !same_device(dev, t->dev))
		return 0;
	if (translated && acs_bit(f, dev, IOK_ACS_DT, &how)) {
		hop(w, dev, IOK_HOP_P2P, IOK_ACS_DT, true, how,
		    "translated request for a sibling function: delivered inside the device");
		return end_p2p(w, dev);
	}
	if (acs_bit(f, dev, IOK_ACS_RR, &how)) {
		hop(w, dev, IOK_HOP_REDIRECT, IOK_ACS_RR, true, how,
		    "sibling function's BAR: redirected upstream");
		return 0;
	}
	if (egress_blocked(f, dev, t->dev->devfn & (dev->ari_pos ? 0xff : 7))) {
		hop(w, dev, IOK_HOP_DROP, IOK_ACS_EC, true, "control",
		    "sibling function's BAR: egress to it blocked");
		return end_at(w, IOK_ROUTE_DROPPED, dev, IOK_ACS_EC);
	}
	hop(w, dev, IOK_HOP_P2P, IOK_ACS_RR, false, how,
	    "sibling function of a multifunction device: delivered inside the device");
	end_p2p(w, dev);
	completion(w, t->dev);
	return 1;
}

static bool claims(const struct iok_fabric *f, const struct iok_dev *d, uint64_t addr)
{
	const struct fdev *fd = FD(f, d);

	if (d->layout == 1 && iok_window_contains(f, d, addr))
		return true;
	for (unsigned int b = 0; b < NR_BARS; b++)
		if (fd->bar[b].size && !(fd->bar[b].flags & IOK_BAR_IO) &&
		    fd->bar[b].addr <= addr && addr - fd->bar[b].addr < fd->bar[b].size)
			return true;
	return false;
}

/* A function other than @self on @bus that decodes the address, or NULL. */
static struct iok_dev *claimant(const struct iok_fabric *f, const struct iok_bus *bus,
				const struct iok_dev *self, uint64_t addr)
{
	for (unsigned int i = 0; i < bus->nr_devs; i++) {
		struct iok_dev *d = bus->devs[i];

		if (d != self && d->is_pci && claims(f, d, addr))
			return d;
	}
	return NULL;
}

/* A conventional PCI bus: one shared medium, no isolation. */
static int shared_bus(struct walk *w, struct iok_bus *bus, struct iok_dev *from)
{
	struct iok_dev *br = bus->self, *peer = claimant(w->f, bus, from, w->req->addr);

	if (peer) {
		hop(w, br, IOK_HOP_P2P, 0, false, NULL,
		    "conventional PCI bus: every device sees the request, and a peer claims it");
		return end_p2p(w, peer);
	}
	if (iok_window_contains(w->f, br, w->req->addr)) {
		hop(w, br, IOK_HOP_UNCLAIMED, 0, false, NULL,
		    "inside the bridge's window, but no device on the bus claims it: master abort");
		return end_at(w, IOK_ROUTE_UNCLAIMED, br, 0);
	}
	return 0;
}

static bool is_port(const struct iok_dev *d)
{
	return d->pcie && (d->type == IOK_PCIE_ROOT_PORT || d->type == IOK_PCIE_DOWNSTREAM);
}

static bool bus_is_conventional(const struct iok_bus *bus)
{
	const struct iok_dev *br = bus->self;

	return br && (!br->pcie || br->type == IOK_PCIE_PCI_BRIDGE);
}

/* A root or downstream port receives the request from below. */
static int port_ingress(struct walk *w, struct iok_dev *p)
{
	struct iok_fabric *f = w->f;
	uint64_t addr = w->req->addr;
	bool translated = w->req->flags & IOK_DMA_TRANSLATED;
	unsigned int bus = w->rid >> 8;
	struct iok_dev *peer;
	const char *how;

	if (acs_bit(f, p, IOK_ACS_SV, &how) && (bus < (unsigned int)p->secondary ||
						 bus > (unsigned int)p->subordinate)) {
		hop(w, p, IOK_HOP_DROP, IOK_ACS_SV, true, how,
		    "requester bus not below the port: ACS violation");
		return end_at(w, IOK_ROUTE_DROPPED, p, IOK_ACS_SV);
	}
	if (translated && acs_bit(f, p, IOK_ACS_TB, &how)) {
		hop(w, p, IOK_HOP_DROP, IOK_ACS_TB, true, how,
		    "translated request: ACS violation");
		return end_at(w, IOK_ROUTE_DROPPED, p, IOK_ACS_TB);
	}
	if (iok_window_contains(f, p, addr)) {
		if (acs_bit(f, p, IOK_ACS_UF, &how)) {
			hop(w, p, IOK_HOP_UP, IOK_ACS_UF, true, how,
			    "address below this port, from below: forwarded upstream");
			return 0;
		}
		hop(w, p, IOK_HOP_UNCLAIMED, IOK_ACS_UF, false, how,
		    "address below this port, from below: not sent back down, not forwarded up");
		return end_at(w, IOK_ROUTE_UNCLAIMED, p, 0);
	}
	peer = claimant(f, p->bus, p, addr);
	if (!peer) {
		hop(w, p, IOK_HOP_UP, 0, false, NULL, "forwarded upstream");
		return 0;
	}
	if (translated && acs_bit(f, p, IOK_ACS_DT, &how)) {
		hop(w, p, IOK_HOP_P2P, IOK_ACS_DT, true, how,
		    "translated request for a peer: routed straight to it");
		return end_p2p(w, peer);
	}
	if (acs_bit(f, p, IOK_ACS_RR, &how)) {
		hop(w, p, IOK_HOP_REDIRECT, IOK_ACS_RR, true, how,
		    "peer's address: redirected upstream");
		return 0;
	}
	if (is_port(peer) && egress_blocked(f, p, port_number(peer))) {
		hop(w, p, IOK_HOP_DROP, IOK_ACS_EC, true, "control",
		    "peer port's egress blocked: ACS violation");
		return end_at(w, IOK_ROUTE_DROPPED, p, IOK_ACS_EC);
	}
	hop(w, p, IOK_HOP_P2P, IOK_ACS_RR, false, how, "peer's address: routed straight to it");
	end_p2p(w, peer);
	completion(w, is_port(peer) ? peer : NULL);
	return 1;
}

/* Crossing @br upward: the requester ID as the kernel's alias walk says. */
static void alias(struct walk *w, const struct iok_dev *br)
{
	if (w->rid_frozen)
		return;
	if (br->flag_xlate_root) {
		w->rid_frozen = true;
		return;
	}
	if (br->pcie) {
		if (br->type == IOK_PCIE_PCI_BRIDGE)
			w->rid = br->secondary << 8;
		else if (br->type == IOK_PCIE_PCIE_BRIDGE)
			w->rid = dev_rid(br);
		return;
	}
	w->rid = br->flag_pcie_bridge_alias ? br->secondary << 8 : dev_rid(br);
}

/* @x hands the request to the root complex. */
static int at_root(struct walk *w, struct iok_dev *x)
{
	struct iok_iommu_unit *u = NULL;

	if (!(w->req->flags & IOK_DMA_TRANSLATED))
		u = iok_machine_find_unit_for_rid(w->f->m, x->domain, w->rid);
	w->r->unit = u;
	if (u) {
		hop(w, x, IOK_HOP_ROOT, 0, false, NULL, "root complex: the IOMMU translates");
		return end_at(w, IOK_ROUTE_IOMMU, NULL, 0);
	}
	hop(w, x, IOK_HOP_ROOT, 0, false, NULL, w->req->flags & IOK_DMA_TRANSLATED ?
	    "root complex: translated request, no IOMMU lookup" :
	    "root complex: no IOMMU unit covers the requester, untranslated");
	return end_at(w, IOK_ROUTE_DIRECT, NULL, 0);
}

static void walk_up(struct walk *w)
{
	struct iok_dev *x = w->req->dev;
	struct iok_bus *bus;

	if (x->vmd) {
		/* VMD domains: requests leave as the VMD endpoint (spec groups 5.1). */
		hop(w, x, IOK_HOP_UP, 0, false, NULL, "VMD domain: leaves as the VMD endpoint");
		x = x->vmd;
		w->rid = dev_rid(x);
	} else if (inside_device(w, x)) {
		return;
	}
	for (bus = x->bus;;) {
		struct iok_dev *br;

		while (!bus->is_root && !bus->self)
			bus = bus->parent;	/* a VF bus: the PF's link */
		if (bus->is_root) {
			at_root(w, x);
			return;
		}
		br = bus->self;
		if (bus_is_conventional(bus)) {
			if (shared_bus(w, bus, x))
				return;
			alias(w, br);
			hop(w, br, IOK_HOP_UP, 0, false, NULL, "bridge forwards upstream");
		} else if (is_port(br)) {
			if (port_ingress(w, br))
				return;
		} else if (br->pcie && br->type == IOK_PCIE_UPSTREAM) {
			hop(w, br, IOK_HOP_UP, 0, false, NULL, "switch upstream port: forwarded upstream");
		} else {
			if (iok_window_contains(w->f, br, w->req->addr)) {
				hop(w, br, IOK_HOP_UNCLAIMED, 0, false, NULL,
				    "address below the bridge, from below: unsupported request");
				end_at(w, IOK_ROUTE_UNCLAIMED, br, 0);
				return;
			}
			alias(w, br);
			hop(w, br, IOK_HOP_UP, 0, false, NULL, "bridge forwards upstream");
		}
		x = br;
		bus = br->bus;
	}
}

void iok_route_edges(const struct iok_fabric *f, uint64_t addr, uint64_t *lo, uint64_t *hi)
{
	unsigned int l = 0, h = f->nr_edges;

	while (l < h) {
		unsigned int mid = l + (h - l) / 2;

		if (f->edges[mid] <= addr)
			l = mid + 1;
		else
			h = mid;
	}
	*lo = l ? f->edges[l - 1] : 0;
	*hi = l < f->nr_edges ? f->edges[l] - 1 : UINT64_MAX;
}

int iok_route_compute(struct iok_fabric *f, const struct iok_dma_req *req, bool write,
		      struct iok_route *r)
{
	struct walk w = { .f = f, .req = req, .write = write, .r = r,
			  .rid = req->flags & IOK_DMA_RID ? req->rid : dev_rid(req->dev) };

	memset(r, 0, offsetof(struct iok_route, hops));
	r->bar = -1;
	iok_route_edges(f, req->addr, &r->lo, &r->hi);
	walk_up(&w);
	return 0;
}

/* A request the fabric can route: a present, enumerated PCI function. */
static int check_req(struct iok_fabric *f, const struct iok_dma_req *req)
{
	if (!f || !req || !req->dev || req->dev->topo != f->topo ||
	    (req->flags & ~(IOK_DMA_TRANSLATED | IOK_DMA_RID)))
		return -EINVAL;
	if (!req->dev->is_pci || req->dev->hidden)
		return iok_fail(f->ctx, -ENODEV, "%s: not a PCI function Linux enumerates",
				iok_dev_get_name(req->dev));
	if (!iok_machine_dev_is_present(f->m, req->dev))
		return iok_fail(f->ctx, -ENODEV, "%s is not present", req->dev->name);
	return 0;
}

int iok_route_check_req(struct iok_fabric *f, const struct iok_dma_req *req)
{
	return check_req(f, req);
}

IOK_EXPORT int iok_fabric_route(struct iok_fabric *f, const struct iok_dma_req *req,
				bool write, struct iok_route *route)
{
	int rc = check_req(f, req);

	if (rc)
		return rc;
	if (!route)
		return -EINVAL;
	return iok_route_compute(f, req, write, route);
}

IOK_EXPORT const char *iok_route_end_name(enum iok_route_end end)
{
	switch (end) {
	case IOK_ROUTE_IOMMU: return "iommu";
	case IOK_ROUTE_DIRECT: return "direct";
	case IOK_ROUTE_P2P: return "p2p";
	case IOK_ROUTE_DROPPED: return "dropped";
	case IOK_ROUTE_UNCLAIMED: return "unclaimed";
	}
	return "unknown";
}

IOK_EXPORT const char *iok_hop_action_name(enum iok_hop_action action)
{
	switch (action) {
	case IOK_HOP_UP: return "up";
	case IOK_HOP_REDIRECT: return "redirect";
	case IOK_HOP_P2P: return "p2p";
	case IOK_HOP_DROP: return "drop";
	case IOK_HOP_UNCLAIMED: return "unclaimed";
	case IOK_HOP_ROOT: return "root";
	}
	return "unknown";
}

static const char *acs_bit_name(uint16_t bit)
{
	switch (bit) {
	case IOK_ACS_SV: return "SrcValid";
	case IOK_ACS_TB: return "TransBlk";
	case IOK_ACS_RR: return "ReqRedir";
	case IOK_ACS_CR: return "CmpltRedir";
	case IOK_ACS_UF: return "UpstreamFwd";
	case IOK_ACS_EC: return "EgressCtrl";
	case IOK_ACS_DT: return "DirectTrans";
	}
	return "?";
}

IOK_EXPORT char *iok_route_format_hop(const struct iok_route_hop *hop, char *buf, size_t len)
{
	char acs[64] = "";

	if (!hop || !buf || !len)
		return buf;
	if (hop->acs_bit)
		snprintf(acs, sizeof(acs), " [%s%c %s]", acs_bit_name(hop->acs_bit),
			 hop->acs_on ? '+' : '-', hop->acs_how ? hop->acs_how : "");
	snprintf(buf, len, "%s %s%s %s -> rid 0x%04x",
		 hop->at ? iok_dev_get_name(hop->at) : "?", iok_hop_action_name(hop->action),
		 acs, hop->why ? hop->why : "", hop->rid);
	return buf;
}
