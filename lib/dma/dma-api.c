// SPDX-License-Identifier: MIT
/*
 * The DMA API over IOMMU domains (dma-iommu.c): a device with a bound
 * driver maps through its group's default domain. Identity (and a device
 * no IOMMU translates) means dma-direct: the DMA address is the physical
 * address. DMA and DMA-FQ domains get an IOVA range from the domain's
 * allocator (its "cookie", set up at the first mapping as
 * iommu_dma_init_domain() does), mapped with iommu_map(); an unmap clears
 * the page table, then invalidates the IOTLB at once (strict) or through
 * the flush queue (DMA-FQ).
 *
 * The context keeps, per domain, the live mappings (dma-debug.c), so an
 * unmap that does not match a mapping is refused before anything changes.
 * The core has no hook for a domain's end, so a cookie whose domain is no
 * longer any group's default domain is dropped when the context next looks
 * (dma_cookies_sweep()), without touching the freed domain. A cookie
 * records its domain's serial number too: a domain allocated at the very
 * address of a freed one is another domain, and gets a cookie of its own.
 *
 * What a call finds out about its device (driver, group, owner, default
 * domain, cookie, IOVA limit) is kept in the device's dma_devstate with
 * the core's generation (iok_machine_gen()), which the core bumps whenever
 * any of it may have changed; until then the next call skips the lookups.
 */
#include <stdio.h>

#include "lib/dma/dma-private.h"
#include "lib/iommu/iommu-private.h"

#define KERNEL_6_4	604
#define DMA_DIRECT	1
#define MASK_32		0xffffffffull

int dma_warn(struct iok_dma *dma, int err, const char *fmt, ...)
{
	va_list ap;
	char buf[400];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	dma->st.warnings++;
	warn(dma->ctx, "WARN: %s", buf);
	return iok_fail(dma->ctx, err, "%s", buf);
}

/* ---- cookies --------------------------------------------------------------- */

static void cookie_free(struct iok_dma *dma, struct dma_cookie *ck)
{
	if (ck->fq)
		dma->st.fq_pending -= (ck->fq->tail - ck->fq->head) & (IOK_DMA_FQ_SIZE - 1);
	dma->st.live -= ck->maps.nr;
	dma_fq_free(ck);
	dma_maps_free(&ck->maps);
	iok_iovad_free(ck->iovad);
	free(ck);
}

/* Drop the cookies of domains that are no group's default domain any more. */
void dma_cookies_sweep(struct iok_dma *dma)
{
	struct dma_cookie **pp = &dma->cookies;

	while (*pp) {
		struct dma_cookie *ck = *pp;
		struct iok_rgroup *rg;
		bool live = false;

		iok_rgroup_foreach(dma->m, rg)
			if (iok_rgroup_get_default_domain(rg) == ck->domain &&
			    iok_domain_serial(ck->domain) == ck->serial)
				live = true;
		if (live) {
			pp = &ck->next;
			continue;
		}
		for (unsigned int i = 0; i < dma->nr_devs; i++)
			if (dma->devs[i].ck == ck)
				dma->devs[i] = (struct dma_devstate){ .mask = dma->devs[i].mask };
		*pp = ck->next;
		cookie_free(dma, ck);
	}
}

static struct dma_cookie *cookie_find(const struct iok_dma *dma, const struct iok_domain *d)
{
	for (struct dma_cookie *ck = dma->cookies; ck; ck = ck->next)
		if (ck->domain == d && ck->serial == iok_domain_serial(d))
			return ck;
	return NULL;
}

/*
 * iova_reserve_iommu_regions(): every reserved region of the group except
 * software MSI windows, which dma-iommu maps itself from its own IOVAs.
 */
static int cookie_reserve(struct iok_dma *dma, struct dma_cookie *ck, struct iok_rgroup *rg)
{
	_cleanup_free_ struct iok_resv_region *r = NULL;
	int n = iok_group_get_resv_regions(rg, NULL, 0), rc = 0;

	if (n <= 0)
		return n;
	r = calloc(n, sizeof(*r));
	if (!r)
		return -ENOMEM;
	n = iok_group_get_resv_regions(rg, r, n);
	for (int i = 0; i < n && !rc; i++) {
		uint64_t lo = r[i].start >> ck->shift, hi = r[i].last >> ck->shift;

		if (r[i].type == IOK_RESV_SW_MSI || lo > ck->limit_pfn)
			continue;
		rc = iok_iovad_reserve(ck->iovad, lo, hi < ck->limit_pfn ? hi : ck->limit_pfn);
	}
	return rc;
}

/* iommu_get_dma_cookie() + iommu_dma_init_domain(). */
static int cookie_new(struct iok_dma *dma, struct iok_domain *d, struct iok_rgroup *rg,
		      struct dma_cookie **out)
{
	uint64_t pgsizes = iok_domain_get_pgsize_bitmap(d), start, end, granule;
	struct dma_cookie *ck;
	int rc;

	if (!pgsizes || iok_domain_get_geometry(d, &start, &end, NULL))
		return iok_fail(dma->ctx, -EINVAL, "a %s domain without page table",
				iok_domain_type_name(iok_domain_get_type(d)));
	dma_cookies_sweep(dma);
	ck = calloc(1, sizeof(*ck));
	if (!ck)
		return -ENOMEM;
	ck->domain = d;
	ck->serial = iok_domain_serial(d);
	granule = pgsizes & -pgsizes;
	ck->shift = __builtin_ctzll(granule);
	ck->gmask = granule - 1;
	ck->limit_pfn = end >> ck->shift;
	/* IOVA 0 is never handed out: base_pfn is at least 1. */
	start >>= ck->shift;
	rc = iok_iovad_new(dma->ctx, granule, start ? start : 1, ck->limit_pfn, &ck->iovad);
	if (!rc)
		rc = cookie_reserve(dma, ck, rg);
	if (rc) {
		iok_iovad_free(ck->iovad);
		free(ck);
		return rc;
	}
	ck->next = dma->cookies;
	dma->cookies = ck;
	*out = ck;
	return 0;
}

/* ---- the context ---------------------------------------------------------- */

IOK_EXPORT int iok_dma_new(struct iok_machine *m, struct iok_dma **out)
{
	struct iok_topo *topo = iok_machine_get_topo(m);
	struct iok_dma *dma;

	if (!m || !out || !topo)
		return -EINVAL;
	dma = calloc(1, sizeof(*dma));
	if (!dma)
		return -ENOMEM;
	dma->m = m;
	dma->topo = topo;
	dma->ctx = topo->ctx;
	/* Linux 6.4 made the 32-bit-first "SAC" trick for PCI devices optional (off). */
	dma->sac = topo->params.kernel < KERNEL_6_4;
	dma->nr_devs = topo->nr_devs;
	dma->devs = calloc(dma->nr_devs ? dma->nr_devs : 1, sizeof(*dma->devs));
	if (!dma->devs) {
		free(dma);
		return -ENOMEM;
	}
	/* PCI's default: 32-bit masks until the driver sets its own. */
	for (unsigned int i = 0; i < dma->nr_devs; i++)
		dma->devs[i].mask = MASK_32;
	*out = dma;
	return 0;
}

IOK_EXPORT void iok_dma_free(struct iok_dma *dma)
{
	if (!dma)
		return;
	/* Queued unmaps of live domains are flushed: no stale translation is left. */
	dma_cookies_sweep(dma);
	while (dma->cookies) {
		struct dma_cookie *ck = dma->cookies;

		dma->cookies = ck->next;
		if (ck->fq && ck->fq->head != ck->fq->tail)
			dma_fq_flush(dma, ck, FQ_ASKED);
		cookie_free(dma, ck);
	}
	free(dma->devs);
	free(dma);
}

static bool dma_has_dev(const struct iok_dma *dma, const struct iok_dev *dev)
{
	return dev && dev->topo == dma->topo && dev->index < dma->nr_devs;
}

IOK_EXPORT int iok_dma_set_mask(struct iok_dma *dma, struct iok_dev *dev, uint64_t mask)
{
	if (!dma || !dma_has_dev(dma, dev))
		return -EINVAL;
	/* dma_supported(): the IOMMU maps at page granularity. */
	if (mask < 0xfff)
		return iok_fail(dma->ctx, -EIO, "%s: DMA mask 0x%llx is too small",
				iok_dev_get_name(dev), (unsigned long long)mask);
	dma->devs[dev->index].mask = mask;
	/* The limit the next call works out again. */
	dma->devs[dev->index].gen = 0;
	return 0;
}

/* What a resolved call keeps for the next ones (see struct dma_devstate). */
static void dma_keep(struct iok_dma *dma, const struct iok_dev *dev, struct dma_devstate *ds,
		     enum iok_domain_type type)
{
	struct dma_cookie *ck = ds->ck;
	uint64_t limit = ds->mask >> ck->shift;

	if (limit > ck->limit_pfn)
		limit = ck->limit_pfn;
	ds->limit = limit;
	ds->sac = dma->sac && dev->is_pci && limit > MASK_32 >> ck->shift;
	ds->direct = false;
	/* Without its flush queue (no memory), a DMA-FQ domain tries again next time. */
	if (type != IOK_DOMAIN_DMA_FQ || ck->fq)
		ds->gen = iok_machine_gen(dma->m);
}

static int dma_keep_direct(struct iok_dma *dma, const struct iok_dev *dev)
{
	struct dma_devstate *ds = &dma->devs[dev->index];

	ds->direct = true;
	ds->gen = iok_machine_gen(dma->m);
	return DMA_DIRECT;
}

/*
 * What the DMA API does for @dev: 0 with its state and cookie (created if
 * @create), DMA_DIRECT for dma-direct, or the errno of a refusal.
 */
static __attribute__((noinline)) int dma_resolve_slow(struct iok_dma *dma, struct iok_dev *dev,
						       bool create, struct dma_devstate **out)
{
	struct iok_machine *m = dma->m;
	struct dma_devstate *ds;
	struct iok_rgroup *rg;
	struct iok_domain *def;
	enum iok_domain_type type;
	int rc;

	if (!dma_has_dev(dma, dev))
		return iok_fail(dma->ctx, -EINVAL, "not a device of the machine");
	/* A device that is not present has no driver either (hot-remove unbinds). */
	if (!iok_dev_get_bound_driver(m, dev))
		return iok_fail(dma->ctx, -ENODEV,
				"%s has no driver%s: the DMA API serves a bound driver",
				iok_dev_get_name(dev),
				iok_machine_dev_is_present(m, dev) ? "" : " (not present)");
	rg = iok_dev_get_rgroup(m, dev);
	if (!rg)
		return dma_keep_direct(dma, dev);
	if (iok_rgroup_get_owner(rg))
		return iok_fail(dma->ctx, -EPERM, "%s: group %d is owned by user space",
				iok_dev_get_name(dev), iok_rgroup_get_id(rg));
	def = iok_rgroup_get_default_domain(rg);
	if (!def || iok_rgroup_get_domain(rg) != def)
		return iok_fail(dma->ctx, -EINVAL,
				"%s: group %d is not on its default domain (%s attached)",
				iok_dev_get_name(dev), iok_rgroup_get_id(rg),
				iok_domain_type_name(iok_domain_get_type(iok_rgroup_get_domain(rg))));
	type = iok_domain_get_type(def);
	if (type == IOK_DOMAIN_IDENTITY)
		return dma_keep_direct(dma, dev);
	if (!(type & IOK_DOMAIN_F_DMA_API))
		return iok_fail(dma->ctx, -EINVAL, "%s: a %s default domain", iok_dev_get_name(dev),
				iok_domain_type_name(type));
	ds = &dma->devs[dev->index];
	if (ds->dom != def || ds->rg != rg || !ds->ck || ds->ck->serial != iok_domain_serial(def)) {
		struct dma_cookie *ck = cookie_find(dma, def);

		if (!ck && !create) {
			/* Nothing was ever mapped there: lookups find nothing. */
			*ds = (struct dma_devstate){ .rg = rg, .dom = def, .mask = ds->mask };
			*out = ds;
			return 0;
		}
		if (!ck) {
			rc = cookie_new(dma, def, rg, &ck);
			if (rc)
				return rc;
		}
		ds->rg = rg;
		ds->dom = def;
		ds->ck = ck;
	}
	/* DMA to DMA-FQ happens live (sysfs); without memory for a queue, strict. */
	if (type == IOK_DOMAIN_DMA_FQ && ds->ck && !ds->ck->fq)
		dma_fq_init(ds->ck);
	if (ds->ck)
		dma_keep(dma, dev, ds, type);
	*out = ds;
	return 0;
}

/* dma_resolve_slow() unless the device's state is still what it found. */
static inline int dma_resolve(struct iok_dma *dma, struct iok_dev *dev, bool create,
			      struct dma_devstate **out)
{
	if (__builtin_expect(dma_has_dev(dma, dev), 1)) {
		struct dma_devstate *ds = &dma->devs[dev->index];

		if (__builtin_expect(ds->gen == iok_machine_gen(dma->m), 1)) {
			*out = ds;
			return ds->direct ? DMA_DIRECT : 0;
		}
	}
	return dma_resolve_slow(dma, dev, create, out);
}

/* dma_info_to_prot(); PCIe devices snoop: IOMMU_CACHE. */
static int dir_prot(enum iok_dma_dir dir)
{
	switch (dir) {
	case IOK_DMA_BIDIRECTIONAL:
		return IOK_PROT_READ | IOK_PROT_WRITE | IOK_PROT_CACHE;
	case IOK_DMA_TO_DEVICE:
		return IOK_PROT_READ | IOK_PROT_CACHE;
	case IOK_DMA_FROM_DEVICE:
		return IOK_PROT_WRITE | IOK_PROT_CACHE;
	default:
		return -EINVAL;
	}
}

/* iommu_dma_alloc_iova(): below the mask and the aperture; 32-bit first for SAC. */
static __attribute__((noinline)) int dma_alloc_iova_slow(struct iok_dma *dma,
							 struct dma_cookie *ck,
							 struct dma_devstate *ds,
							 const struct iok_dev *dev, uint64_t pages,
							 struct iok_iova **out)
{
	uint64_t limit = ds->limit;
	int rc;

	if (ds->sac && !iok_iova_alloc(ck->iovad, pages, MASK_32 >> ck->shift, false, out))
		return 0;
	rc = iok_iova_alloc(ck->iovad, pages, limit, true, out);
	if (rc == -ENOSPC)
		return iok_fail(dma->ctx, -ENOMEM, "%s: no IOVA for 0x%llx pages below 0x%llx",
				iok_dev_get_name(dev), (unsigned long long)pages,
				(unsigned long long)(ds->mask));
	return rc;
}

/* The common case first: no 32-bit try, a range from the magazines. */
static inline int dma_alloc_iova(struct iok_dma *dma, struct dma_cookie *ck,
				 struct dma_devstate *ds, const struct iok_dev *dev,
				 uint64_t pages, struct iok_iova **out)
{
	if (__builtin_expect(!ds->sac && iova_alloc_cached(ck->iovad, pages, ds->limit, out), 1))
		return 0;
	return dma_alloc_iova_slow(dma, ck, ds, dev, pages, out);
}

static bool domain_is_fq(const struct dma_cookie *ck)
{
	return ck->fq && ck->domain->type == IOK_DOMAIN_DMA_FQ;
}

/*
 * iommu_iova_to_phys() must still find a mapping being unmapped (someone
 * may have unmapped it behind the DMA API's back): 0, or the refusal.
 */
static int dma_translates(struct iok_dma *dma, const struct dma_cookie *ck,
			  const struct iok_dev *dev, uint64_t dma_addr)
{
	uint64_t phys;

	if (iok_pgtable_iova_to_phys(iok_domain_get_pgtable(ck->domain), dma_addr, &phys))
		return dma_warn(dma, -ENOENT, "%s: DMA address 0x%llx has no translation",
				iok_dev_get_name(dev), (unsigned long long)dma_addr);
	return 0;
}

/*
 * __iommu_dma_unmap() of a live mapping: the page table now, the IOTLB now
 * (strict) or at the next flush of the queue; the IOVA after that.
 *
 * The translation check of @dma_addr (in the range's first page) comes
 * from the unmap itself: an unmap that removed anything found the first
 * page mapped, and one that removed nothing changed nothing, so the check
 * can still refuse it exactly as a check before it would have.
 */
static inline __attribute__((always_inline)) int
dma_unmap(struct iok_dma *dma, struct dma_cookie *ck, struct dma_map *mp,
	  const struct iok_dev *dev, uint64_t dma_addr)
{
	struct iok_iova *iova = mp->iova;
	uint64_t addr = iova->pfn << ck->shift;
	size_t len = (size_t)iova->pages << ck->shift, unmapped;
	int rc;

	unmapped = iok_unmap_fast(ck->domain, addr, len);
	if (__builtin_expect(unmapped != len, 0)) {
		rc = unmapped ? 0 : dma_translates(dma, ck, dev, dma_addr);
		if (rc)
			return rc;
		dma_warn(dma, -EIO, "unmapped 0x%zx of 0x%zx bytes at IOVA 0x%llx", unmapped, len,
			 (unsigned long long)addr);
	}
	if (domain_is_fq(ck)) {
		dma_fq_queue(dma, ck, iova);
	} else {
		iok_domain_flush_range(ck->domain, addr, len);
		dma->st.strict_flushes++;
		if (!iova_free_cached(ck->iovad, iova))
			iok_iova_free(ck->iovad, iova);
	}
	dma_maps_remove(&ck->maps, mp);
	dma->st.live--;
	dma->st.unmaps++;
	return 0;
}

/*
 * The mapping that starts at @dma_addr, or a refusal: the kernel WARNs in
 * iommu_dma_unmap_page() when nothing is mapped there, and dma-debug
 * reports a mismatch of size, direction or device (after the translation
 * check: dma_translates() before the mismatch, dma_unmap() otherwise).
 */
static int dma_lookup(struct iok_dma *dma, struct dma_devstate *ds, const struct iok_dev *dev,
		      uint64_t dma_addr, struct dma_map **out)
{
	struct dma_cookie *ck = ds->ck;
	struct dma_map *mp = ck ? dma_maps_find(&ck->maps, dma_addr >> ck->shift) : NULL;

	if (!mp || (dma_addr & ~ck->gmask) != (mp->dma_addr & ~ck->gmask))
		return dma_warn(dma, -ENOENT, "%s: unmapping DMA address 0x%llx, which is not mapped",
				iok_dev_get_name(dev), (unsigned long long)dma_addr);
	*out = mp;
	return 0;
}

IOK_EXPORT int iok_dma_map_single(struct iok_dma *dma, struct iok_dev *dev, uint64_t paddr,
				  size_t size, enum iok_dma_dir dir, uint64_t *dma_addr)
{
	int prot = dir_prot(dir), rc;
	struct dma_devstate *ds;
	struct dma_cookie *ck;
	struct iok_iova *iova;
	uint64_t off, len, iova_addr;
	struct dma_map *rec;

	if (!dma || !dma_addr)
		return -EINVAL;
	if (prot < 0 || !size || size > (1ull << 40) || paddr + size - 1 < paddr)
		return iok_fail(dma->ctx, -EINVAL, "mapping 0x%zx bytes at 0x%llx, direction %d",
				size, (unsigned long long)paddr, dir);
	rc = dma_resolve(dma, dev, true, &ds);
	if (rc < 0)
		return rc;
	if (rc == DMA_DIRECT) {
		*dma_addr = paddr;
		return 0;
	}
	ck = ds->ck;
	off = paddr & ck->gmask;
	len = (size + off + ck->gmask) & ~ck->gmask;
	rc = dma_alloc_iova(dma, ck, ds, dev, len >> ck->shift, &iova);
	if (rc)
		return rc;
	iova_addr = iova->pfn << ck->shift;
	rc = iok_map(ck->domain, iova_addr, paddr - off, len, prot);
	if (rc) {
		iok_iova_free(ck->iovad, iova);
		return rc;
	}
	rec = dma_maps_add(&ck->maps, iova->pfn);
	if (!rec) {
		iok_unmap(ck->domain, iova_addr, len);
		iok_iova_free(ck->iovad, iova);
		return -ENOMEM;
	}
	rec->iova = iova;
	rec->dev = dev;
	rec->dma_addr = iova_addr + off;
	rec->size = size;
	rec->phys = paddr;
	rec->nents = 0;
	rec->dir = dir;
	dma->st.maps++;
	dma->st.live++;
	*dma_addr = iova_addr + off;
	return 0;
}

/* Why iok_dma_unmap_single() refuses, in the order of the checks. */
static __attribute__((noinline, cold)) int
unmap_single_refused(struct iok_dma *dma, struct dma_devstate *ds, const struct iok_dev *dev,
		     uint64_t dma_addr, size_t size, enum iok_dma_dir dir)
{
	struct dma_map *mp;
	int rc;

	rc = dma_lookup(dma, ds, dev, dma_addr, &mp);
	if (rc)
		return rc;
	return dma_translates(dma, ds->ck, dev, dma_addr) ?: dma_warn(dma, -EINVAL,
			"%s: unmapping 0x%llx (0x%zx bytes, direction %d) mapped as 0x%llx "
			"(0x%llx bytes, direction %u%s%s)", iok_dev_get_name(dev),
			(unsigned long long)dma_addr, size, dir,
			(unsigned long long)mp->dma_addr, (unsigned long long)mp->size,
			mp->dir, mp->nents ? ", a scatterlist" : "",
			mp->dev != dev ? ", by another device" : "");
}

IOK_EXPORT int iok_dma_unmap_single(struct iok_dma *dma, struct iok_dev *dev, uint64_t dma_addr,
				    size_t size, enum iok_dma_dir dir)
{
	struct dma_devstate *ds;
	struct dma_cookie *ck;
	struct dma_map *mp;
	int rc;

	if (!dma)
		return -EINVAL;
	if (dir_prot(dir) < 0)
		return iok_fail(dma->ctx, -EINVAL, "unmapping with direction %d", dir);
	rc = dma_resolve(dma, dev, false, &ds);
	if (rc)
		return rc < 0 ? rc : 0;
	ck = ds->ck;
	mp = ck ? dma_maps_find(&ck->maps, dma_addr >> ck->shift) : NULL;
	/* An exact match (the same address is the same page), else the refusal. */
	if (__builtin_expect(!mp || mp->dma_addr != dma_addr || mp->size != size ||
			     mp->dir != dir || mp->dev != dev || mp->nents, 0))
		return unmap_single_refused(dma, ds, dev, dma_addr, size, dir);
	return dma_unmap(dma, ck, mp, dev, dma_addr);
}

/* ---- scatterlists ------------------------------------------------------------ */

/* Where each entry lies in the one IOVA range of the list. */
struct sg_slot {
	uint64_t off;		/* the buffer's offset in its first IOVA page */
	uint64_t len;		/* whole IOVA pages of the buffer */
	uint64_t iova_len;	/* the same, with the padding after it */
	uint64_t pos;		/* from the start of the range */
	uint64_t run;		/* first entry of a physically contiguous run: its bytes */
};

/*
 * The layout of iommu_dma_map_sg(): each entry widened to whole pages and
 * laid end to end, padded so that no entry crosses a segment boundary.
 */
static uint64_t sg_layout(const struct dma_cookie *ck, const struct iok_sg *sg,
			  unsigned int nents, struct sg_slot *slot)
{
	uint64_t total = 0, mask = IOK_DMA_SEG_BOUNDARY;

	for (unsigned int i = 0; i < nents; i++) {
		uint64_t off = sg[i].paddr & ck->gmask;
		uint64_t len = (sg[i].length + off + ck->gmask) & ~ck->gmask;
		uint64_t pad = (mask - total + 1) & mask;

		if (i && pad && pad < len - 1) {
			slot[i - 1].iova_len += pad;
			total += pad;
		}
		slot[i] = (struct sg_slot){ .off = off, .len = len, .iova_len = len, .pos = total };
		total += len;
	}
	return total;
}

/*
 * iommu_map_sg(): physically contiguous neighbours that are also
 * contiguous in IOVA are mapped by one iommu_map(); a failure unmaps the
 * runs mapped before it.
 */
static int sg_map(struct dma_cookie *ck, const struct iok_sg *sg, unsigned int nents,
		  struct sg_slot *slot, uint64_t iova, int prot)
{
	unsigned int head = 0, i;
	int rc = 0;

	for (i = 0; i < nents; i++) {
		struct sg_slot *h = &slot[head];

		if (i && h->pos + h->run == slot[i].pos &&
		    sg[head].paddr - h->off + h->run == sg[i].paddr - slot[i].off) {
			h->run += slot[i].len;
			slot[i].run = 0;
			continue;
		}
		head = i;
		slot[i].run = slot[i].len;
	}
	for (i = 0; i < nents && !rc; i++)
		if (slot[i].run)
			rc = iok_map(ck->domain, iova + slot[i].pos, sg[i].paddr - slot[i].off,
				     slot[i].run, prot);
	if (!rc)
		return 0;
	/* Entry i - 1 headed the run that failed; unmap the runs before it. */
	for (unsigned int j = 0; j + 1 < i; j++)
		if (slot[j].run)
			iok_unmap(ck->domain, iova + slot[j].pos, slot[j].run);
	return rc;
}

/* __finalise_sg(): merge entries into DMA segments, written from sg[0] on. */
static int sg_finalise(struct iok_sg *sg, unsigned int nents, const struct sg_slot *slot,
		       uint64_t iova)
{
	uint64_t dma_addr = iova, cur_len = 0;
	int count = 0;

	for (unsigned int i = 0; i < nents; i++) {
		uint64_t s_off = slot[i].off, s_len = sg[i].length;

		if (cur_len && !s_off && (dma_addr & IOK_DMA_SEG_BOUNDARY) &&
		    IOK_DMA_MAX_SEG_SIZE - cur_len >= s_len) {
			cur_len += s_len;
		} else {
			count++;
			cur_len = s_len;
			sg[count - 1].dma_address = dma_addr + s_off;
		}
		sg[count - 1].dma_length = cur_len;
		dma_addr += slot[i].iova_len;
		/* An entry that ends inside its last page ends the segment. */
		if (s_len + s_off < slot[i].iova_len)
			cur_len = 0;
	}
	for (unsigned int i = count; i < nents; i++) {
		sg[i].dma_address = 0;
		sg[i].dma_length = 0;
	}
	return count;
}

static int sg_check(struct iok_dma *dma, const struct iok_sg *sg, unsigned int nents)
{
	if (!sg || !nents || nents > (1u << 20))
		return iok_fail(dma->ctx, -EINVAL, "a scatterlist of %u entries", nents);
	for (unsigned int i = 0; i < nents; i++)
		if (!sg[i].length || sg[i].paddr + sg[i].length - 1 < sg[i].paddr)
			return iok_fail(dma->ctx, -EINVAL, "scatterlist entry %u: 0x%x bytes at 0x%llx",
					i, sg[i].length, (unsigned long long)sg[i].paddr);
	return 0;
}

IOK_EXPORT int iok_dma_map_sg(struct iok_dma *dma, struct iok_dev *dev, struct iok_sg *sg,
			      unsigned int nents, enum iok_dma_dir dir)
{
	_cleanup_free_ struct sg_slot *slot = NULL;
	int prot = dir_prot(dir), rc, count;
	struct dma_devstate *ds;
	struct dma_cookie *ck;
	struct iok_iova *iova;
	uint64_t total, iova_addr;
	struct dma_map *rec;

	if (!dma)
		return -EINVAL;
	rc = prot < 0 ? iok_fail(dma->ctx, -EINVAL, "direction %d", dir) : sg_check(dma, sg, nents);
	if (rc)
		return rc;
	rc = dma_resolve(dma, dev, true, &ds);
	if (rc < 0)
		return rc;
	if (rc == DMA_DIRECT) {
		for (unsigned int i = 0; i < nents; i++) {
			sg[i].dma_address = sg[i].paddr;
			sg[i].dma_length = sg[i].length;
		}
		return nents;
	}
	ck = ds->ck;
	slot = calloc(nents, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	total = sg_layout(ck, sg, nents, slot);
	rc = dma_alloc_iova(dma, ck, ds, dev, total >> ck->shift, &iova);
	if (rc)
		return rc;
	iova_addr = iova->pfn << ck->shift;
	rc = sg_map(ck, sg, nents, slot, iova_addr, prot);
	if (rc) {
		iok_iova_free(ck->iovad, iova);
		/* iommu_dma_map_sg(): anything but -ENOMEM is -EINVAL. */
		return rc == -ENOMEM ? rc : -EINVAL;
	}
	rec = dma_maps_add(&ck->maps, iova->pfn);
	if (!rec) {
		iok_unmap(ck->domain, iova_addr, total);
		iok_iova_free(ck->iovad, iova);
		return -ENOMEM;
	}
	*rec = (struct dma_map){ .key = iova->pfn, .iova = iova, .dev = dev,
				 .dma_addr = iova_addr + slot[0].off, .size = total,
				 .phys = sg[0].paddr, .nents = nents, .dir = dir };
	count = sg_finalise(sg, nents, slot, iova_addr);
	dma->st.maps++;
	dma->st.live++;
	return count;
}

IOK_EXPORT int iok_dma_unmap_sg(struct iok_dma *dma, struct iok_dev *dev, struct iok_sg *sg,
				unsigned int nents, enum iok_dma_dir dir)
{
	struct dma_devstate *ds;
	struct dma_map *mp;
	int rc;

	if (!dma)
		return -EINVAL;
	rc = dir_prot(dir) < 0 ? iok_fail(dma->ctx, -EINVAL, "direction %d", dir)
			       : sg_check(dma, sg, nents);
	if (rc)
		return rc;
	rc = dma_resolve(dma, dev, false, &ds);
	if (rc)
		return rc < 0 ? rc : 0;
	/* The list maps one IOVA range: its first DMA segment says which. */
	rc = dma_lookup(dma, ds, dev, sg[0].dma_address, &mp);
	if (rc)
		return rc;
	if (!mp->nents || mp->nents != nents || mp->dma_addr != sg[0].dma_address ||
	    mp->dir != dir || mp->dev != dev)
		return dma_translates(dma, ds->ck, dev, sg[0].dma_address) ?: dma_warn(dma, -EINVAL,
				"%s: unmapping a scatterlist of %u entries at 0x%llx, direction %d, "
				"mapped as %u entries, direction %u%s", iok_dev_get_name(dev), nents,
				(unsigned long long)sg[0].dma_address, dir, mp->nents, mp->dir,
				mp->dev != dev ? ", by another device" : "");
	return dma_unmap(dma, ds->ck, mp, dev, sg[0].dma_address);
}

/* ---- flush queue control and inspection ------------------------------------- */

IOK_EXPORT int iok_dma_flush_queue(struct iok_dma *dma, struct iok_dev *dev)
{
	struct dma_devstate *ds;
	int rc;

	if (!dma)
		return -EINVAL;
	rc = dma_resolve(dma, dev, true, &ds);
	if (rc < 0)
		return rc;
	if (rc == DMA_DIRECT || !domain_is_fq(ds->ck))
		return iok_fail(dma->ctx, -EINVAL, "%s: the default domain has no flush queue",
				iok_dev_get_name(dev));
	ds->ck->fq->timer_on = false;
	return dma_fq_flush(dma, ds->ck, FQ_ASKED);
}

IOK_EXPORT struct iok_iovad *iok_dma_get_domain_iovad(const struct iok_dma *dma,
						      const struct iok_dev *dev)
{
	struct iok_rgroup *rg;
	struct dma_cookie *ck;

	if (!dma || !dma_has_dev(dma, dev))
		return NULL;
	rg = iok_dev_get_rgroup(dma->m, dev);
	ck = rg ? cookie_find(dma, iok_rgroup_get_default_domain(rg)) : NULL;
	return ck ? ck->iovad : NULL;
}

IOK_EXPORT int iok_dma_get_stats(const struct iok_dma *dma, struct iok_dma_stats *st)
{
	if (!dma || !st)
		return -EINVAL;
	*st = dma->st;
	return 0;
}
