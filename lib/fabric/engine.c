// SPDX-License-Identifier: MIT
/*
 * The DMA engine: a device's read or write of a buffer, routed once per
 * address range where the routing stays the same, translated at the root
 * complex page by page by the device's IOMMU unit, and copied in runs of
 * physically contiguous pages. Nothing fails silently: an IOMMU fault is
 * in the unit's queue, everything else in the fabric's error log.
 */
#include "lib/fabric/fabric-private.h"
#include "lib/iommu/xlate-run.h"

/* x86 IOMMUs take writes to this window as interrupt requests, untranslated. */
#define MSI_BASE	0xfee00000ull
#define MSI_LAST	0xfeefffffull

IOK_EXPORT int iok_fabric_new(struct iok_machine *m, struct iok_fabric **out)
{
	struct iok_fabric *f;
	struct iok_topo *topo;
	int rc;

	if (!m || !out)
		return -EINVAL;
	topo = iok_machine_get_topo(m);
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->m = m;
	f->topo = topo;
	f->ctx = iok_topo_get_ctx(topo);
	f->nr_devs = topo->nr_devs;
	f->devs = calloc(f->nr_devs ?: 1, sizeof(*f->devs));
	rc = f->devs ? iok_bars_setup(f) : -ENOMEM;
	if (rc) {
		iok_fabric_unref(f);
		return iok_fail(iok_topo_get_ctx(topo), rc, "fabric: no room for the address map");
	}
	*out = f;
	return 0;
}

IOK_EXPORT void iok_fabric_unref(struct iok_fabric *f)
{
	if (!f)
		return;
	iok_mem_free(f);
	free(f->edges);
	free(f->devs);
	free(f);
}

IOK_EXPORT struct iok_machine *iok_fabric_get_machine(const struct iok_fabric *f)
{
	return f ? f->m : NULL;
}

/* ---- the error log ----------------------------------------------------- */

void iok_fabric_log(struct iok_fabric *f, const struct iok_fabric_error *e)
{
	if (f->nr_errors == IOK_FABRIC_ERROR_LEN) {
		f->error_overflows++;
		return;
	}
	f->errors[f->nr_errors++] = *e;
}

IOK_EXPORT unsigned int iok_fabric_count_errors(const struct iok_fabric *f)
{
	return f ? f->nr_errors : 0;
}

IOK_EXPORT int iok_fabric_get_error(const struct iok_fabric *f, unsigned int i,
				    struct iok_fabric_error *e)
{
	if (!f || !e)
		return -EINVAL;
	if (i >= f->nr_errors)
		return -ENOENT;
	*e = f->errors[i];
	return 0;
}

IOK_EXPORT unsigned long iok_fabric_get_error_overflows(const struct iok_fabric *f)
{
	return f ? f->error_overflows : 0;
}

IOK_EXPORT void iok_fabric_clear_errors(struct iok_fabric *f)
{
	if (!f)
		return;
	f->nr_errors = 0;
	f->error_overflows = 0;
}

/* ---- one transfer ------------------------------------------------------ */

struct xfer {
	struct iok_fabric *f;
	const struct iok_dma_req *req;
	uint8_t *buf;
	size_t len;
	bool write;
	size_t done;		/* bytes that reached their target, in order */
};

/* What the route depends on besides the address: the map, the flags, the direction, the ID. */
static inline uint64_t route_key(const struct iok_fabric *f, const struct iok_dma_req *req,
				 bool write)
{
	return (uint64_t)f->gen << 32 | 1u << 31 | (uint64_t)(req->flags & 0x7f) << 24 |
	       (uint64_t)write << 16 | req->rid;
}

static __attribute__((noinline)) const struct route_cache *
route_fill(struct xfer *x, struct route_cache *c, uint64_t addr, uint64_t key)
{
	struct iok_dma_req req = *x->req;
	struct iok_route r;

	req.addr = addr;
	iok_route_compute(x->f, &req, x->write, &r);
	*c = (struct route_cache){
		.lo = r.lo, .hi = r.hi, .key = key,
		.end = r.end, .rid = r.rid, .unit = r.unit, .at = r.at, .acs_bit = r.acs_bit,
		.target = r.target,
	};
	return c;
}

/* The route of the request at @addr, from the device's one-entry cache. */
static inline const struct route_cache *route_get(struct xfer *x, uint64_t addr)
{
	struct route_cache *c = &FD(x->f, x->req->dev)->rc;
	uint64_t key = route_key(x->f, x->req, x->write);

	if (c->key == key && addr - c->lo <= c->hi - c->lo)
		return c;
	return route_fill(x, c, addr, key);
}

static int log_error(struct xfer *x, const struct route_cache *c, uint64_t addr,
		     uint64_t paddr, enum iok_route_end end)
{
	struct iok_fabric_error e = {
		.dev = x->req->dev, .rid = c->rid, .pasid = x->req->pasid, .addr = addr,
		.paddr = paddr, .write = x->write, .end = end,
		.at = end == c->end ? c->at : NULL, .acs_bit = end == c->end ? c->acs_bit : 0,
	};
	int err = end == IOK_ROUTE_DROPPED ? -EACCES : -ENXIO;

	iok_fabric_log(x->f, &e);
	if (end == IOK_ROUTE_DROPPED)
		return iok_fail(x->f->ctx, err, "%s: DMA %s at 0x%" PRIx64 " dropped by %s (ACS)",
				x->req->dev->name, x->write ? "write" : "read", addr,
				e.at ? e.at->name : "?");
	return iok_fail(x->f->ctx, err, "%s: DMA %s at 0x%" PRIx64 " (physical 0x%" PRIx64
			"): nothing decodes the address", x->req->dev->name,
			x->write ? "write" : "read", addr, paddr);
}

/* Bytes [off, off + n) of the buffer to or from physical @paddr. */
static __attribute__((noinline)) int copy_slow(struct xfer *x, const struct route_cache *c,
					       uint64_t addr, uint64_t paddr, size_t off,
					       size_t n)
{
	size_t moved = 0;
	int rc = iok_mem_xfer(x->f, paddr, x->buf + off, n, x->write, &moved);

	x->done = off + moved;
	if (rc == -ENXIO)
		return log_error(x, c, addr + moved, paddr + moved, IOK_ROUTE_UNCLAIMED);
	return rc ? iok_fail(x->f->ctx, rc, "%s: DMA: out of memory", x->req->dev->name) : 0;
}

/*
 * Inline: RAM already written is one memcpy. @h is the host memory at
 * @paddr with @room bytes to its chunk's end, when known, else NULL.
 */
static inline int copy(struct xfer *x, const struct route_cache *c, uint8_t *h, size_t room,
		       uint64_t addr, uint64_t paddr, size_t off, size_t n)
{
	if (!h)
		h = iok_mem_host_at(x->f, paddr, &room);
	if (!h || n > room)
		return copy_slow(x, c, addr, paddr, off, n);
	if (x->write)
		memcpy(h, x->buf + off, n);
	else
		memcpy(x->buf + off, h, n);
	x->done = off + n;
	return 0;
}

/*
 * The start of the next run, whose translation is known before the current
 * run is copied: the CPU's prefetchers do not follow a DMA to a page at
 * random, so its first lines are asked for now, as a DMA engine keeps
 * requests in flight.
 */
static inline void prefetch(const struct xfer *x, const uint8_t *h, size_t room)
{
	for (size_t i = 0; i < 4 * 64 && i < room; i += 64) {
		if (x->write)
			__builtin_prefetch(h + i, 1);
		else
			__builtin_prefetch(h + i, 0);
	}
}

static bool is_msi(const struct route_cache *c, uint64_t addr)
{
	const char *drv;

	if (addr < MSI_BASE || addr > MSI_LAST)
		return false;
	drv = iok_unit_get_driver(c->unit);
	return !strcmp(drv, "intel") || !strcmp(drv, "amd");
}

/*
 * Translate page by page (in runs: iok_unit_translate_run()); copy each
 * physically contiguous run at once, after the page that ends it was
 * translated, as a device's DMA engine streams its requests.
 */
static int through_iommu(struct xfer *x, const struct route_cache *c, uint64_t addr,
			 size_t off, size_t n)
{
	struct iok_xlate_cursor cur;
	size_t run_pos = 0, room = 0, next_room = 0;
	uint8_t *h = NULL, *next_h;
	int rc = 0;

	if (is_msi(c, addr))
		return copy(x, c, NULL, 0, addr, addr, off, n);
	/* Field by field: the cursor is set up for every DMA call. */
	cur.u = c->unit;
	cur.req.segment = (x->req->dev->vmd ?: x->req->dev)->domain;
	cur.req.rid = c->rid;
	cur.req.pasid = x->req->pasid;
	cur.req.iova = addr;
	cur.req.len = n;
	cur.req.access = x->write ? IOK_PROT_WRITE : IOK_PROT_READ;
	cur.d = NULL;
	cur.run_len = 0;
	while (cur.req.len) {
		uint64_t left = cur.req.len;

		rc = iok_unit_translate_run(&cur);
		if (rc)
			break;
		if (cur.req.len == left) {
			rc = iok_fail(x->f->ctx, -EIO, "%s: empty translation at 0x%" PRIx64,
				      iok_unit_get_name(c->unit), cur.req.iova);
			break;
		}
		if (!cur.next_len)
			continue;
		next_h = iok_mem_host_at(x->f, cur.next_pa, &next_room);
		if (next_h)
			prefetch(x, next_h, next_room);
		rc = copy(x, c, h, room, addr + run_pos, cur.run_pa, off + run_pos, cur.run_len);
		if (rc)
			return rc;
		run_pos += cur.run_len;
		cur.run_pa = cur.next_pa;
		cur.run_len = cur.next_len;
		h = next_h;
		room = next_room;
	}
	if (cur.run_len) {
		int crc = copy(x, c, h, room, addr + run_pos, cur.run_pa, off + run_pos,
			       cur.run_len);

		if (crc)
			return crc;
	}
	x->done = off + (n - cur.req.len);
	return rc;
}

static int dma(struct xfer *x)
{
	const struct iok_dma_req *req = x->req;
	int rc = iok_route_check_req_fast(x->f, req);

	if (rc)
		return rc;
	if (!x->buf && x->len)
		return -EINVAL;
	if (x->len && req->addr + (x->len - 1) < req->addr)
		return iok_fail(x->f->ctx, -EINVAL, "DMA at 0x%" PRIx64 " wraps", req->addr);
	while (!rc && x->done < x->len) {
		uint64_t addr = req->addr + x->done;
		const struct route_cache *c = route_get(x, addr);
		size_t n = x->len - x->done;

		if ((uint64_t)n - 1 > c->hi - addr)
			n = c->hi - addr + 1;
		switch (c->end) {
		case IOK_ROUTE_DROPPED:
		case IOK_ROUTE_UNCLAIMED:
			return log_error(x, c, addr, addr, c->end);
		case IOK_ROUTE_P2P:
		case IOK_ROUTE_DIRECT:
			rc = copy(x, c, NULL, 0, addr, addr, x->done, n);
			break;
		case IOK_ROUTE_IOMMU:
			rc = through_iommu(x, c, addr, x->done, n);
			break;
		}
	}
	return rc;
}

IOK_EXPORT int iok_fabric_dma_write(struct iok_fabric *f, const struct iok_dma_req *req,
				    const void *buf, size_t len, size_t *moved)
{
	struct xfer x = { .f = f, .req = req, .buf = (uint8_t *)buf, .len = len, .write = true };
	int rc = dma(&x);

	if (moved)
		*moved = x.done;
	return rc;
}

IOK_EXPORT int iok_fabric_dma_read(struct iok_fabric *f, const struct iok_dma_req *req,
				   void *buf, size_t len, size_t *moved)
{
	struct xfer x = { .f = f, .req = req, .buf = buf, .len = len, .write = false };
	int rc = dma(&x);

	if (moved)
		*moved = x.done;
	return rc;
}
