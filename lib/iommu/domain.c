// SPDX-License-Identifier: MIT
/*
 * Domains (spec runtime 2): allocation, the core's side of iommu_map() and
 * iommu_unmap() over the driver's page table, reserved regions and the
 * direct mappings the core installs into DMA domains.
 */
#include <stdio.h>

#include "lib/iommu/iommu-private.h"
#include "lib/pgtable/pgtable-private.h"

static void domain_link(struct iok_machine *m, struct iok_domain *d)
{
	d->m = m;
	d->serial = ++m->domain_serials;
	d->next = m->domains;
	m->domains = d;
}

int iok_domain_new_static(struct iok_machine *m, struct iok_driver *drv,
			  enum iok_domain_type type, struct iok_domain **out)
{
	struct iok_domain *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->type = type;
	/* The core makes the driver the owner of its static domains. */
	d->owner = drv;
	d->is_static = true;
	domain_link(m, d);
	*out = d;
	return 0;
}

/* ops->domain_alloc_paging() and the fields the core fills in (spec 2.3). */
int iok_domain_new_paging(struct iok_iommu_unit *u, enum iok_domain_type type,
			  struct iok_domain **out)
{
	struct iok_machine *m = u->m;
	struct iok_domain *d;
	int rc;

	if (m->alloc_fail_nth && !--m->alloc_fail_nth)
		return iok_fail(m->ctx, -ENOMEM, "%s: the driver allocated no domain (injected)",
				u->name);
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	rc = iok_pgtable_new(u->drv->fmt, u->drv->ias, &d->pt);
	if (rc) {
		free(d);
		return rc;
	}
	d->type = type;
	d->owner = u->drv;
	d->unit = u;
	d->pgsize_bitmap = u->drv->pgsize_bitmap;
	iok_pgtable_aperture(d->pt, &d->aperture_start, &d->aperture_end);
	d->force_aperture = true;
	domain_link(m, d);
	*out = d;
	return 0;
}

void iok_domain_destroy(struct iok_domain *d)
{
	struct iok_domain **pp;

	/* A device still translating with it would point at freed memory. */
	if (d->nr_attached) {
		iok_machine_warn(d->m, -EBUSY, "%s domain with %u devices not freed",
				 iok_domain_type_name(d->type), d->nr_attached);
		return;
	}

	for (pp = &d->m->domains; *pp != d; pp = &(*pp)->next)
		;
	*pp = d->next;
	iok_machine_changed(d->m);
	/* An SVA domain walks its process's page table, which it does not own. */
	if (d->type != IOK_DOMAIN_SVA)
		iok_pgtable_free(d->pt);
	free(d);
}

/* Held by a group or translating a device: not to be freed. */
bool iok_domain_in_use(const struct iok_domain *d)
{
	const struct iok_machine *m = d->m;
	unsigned int i;

	/* A domain ID on its unit: a device or a PASID entry still uses it. */
	if (d->nr_attached || d->did)
		return true;
	for (i = 0; i < m->alloc_ids; i++) {
		const struct iok_rgroup *rg = m->by_id[i];

		if (rg && (rg->domain == d || rg->default_domain == d ||
			   rg->blocking_domain == d))
			return true;
	}
	return false;
}

IOK_EXPORT int iok_domain_alloc_paging(struct iok_machine *m, struct iok_dev *dev,
				       struct iok_domain **out)
{
	struct iok_domain *d;
	int rc;

	if (!machine_has_dev(m, dev) || !out)
		return -EINVAL;
	if (!M(m, dev)->unit)
		return iok_fail(m->ctx, -ENODEV, "%s: no IOMMU translates it",
				iok_dev_get_name(dev));
	rc = iok_domain_new_paging(M(m, dev)->unit, IOK_DOMAIN_UNMANAGED, &d);
	if (rc)
		return rc;
	*out = d;
	return iok_machine_checked(m, 0);
}

IOK_EXPORT int iok_domain_free(struct iok_domain *d)
{
	struct iok_machine *m;

	if (!d)
		return 0;
	m = d->m;
	if (d->is_static)
		return iok_fail(m->ctx, -EINVAL, "the driver's static %s domain is not freed",
				iok_domain_type_name(d->type));
	if (iok_domain_in_use(d))
		return iok_fail(m->ctx, -EBUSY,
				"%s domain in use: %u devices attached, or held by a group",
				iok_domain_type_name(d->type), d->nr_attached);
	iok_domain_destroy(d);
	return iok_machine_checked(m, 0);
}

IOK_EXPORT enum iok_domain_type iok_domain_get_type(const struct iok_domain *d)
{
	return d ? d->type : IOK_DOMAIN_BLOCKED;
}

IOK_EXPORT const char *iok_domain_type_name(enum iok_domain_type type)
{
	switch (type) {
	case IOK_DOMAIN_BLOCKED: return "blocked";
	case IOK_DOMAIN_IDENTITY: return "identity";
	case IOK_DOMAIN_UNMANAGED: return "unmanaged";
	case IOK_DOMAIN_DMA: return "DMA";
	case IOK_DOMAIN_DMA_FQ: return "DMA-FQ";
	case IOK_DOMAIN_SVA: return "SVA";
	}
	return "unknown";
}

IOK_EXPORT uint64_t iok_domain_get_pgsize_bitmap(const struct iok_domain *d)
{
	return d ? d->pgsize_bitmap : 0;
}

IOK_EXPORT int iok_domain_get_geometry(const struct iok_domain *d, uint64_t *start,
				       uint64_t *end, bool *force)
{
	if (!d || !d->pt || !start || !end)
		return -EINVAL;
	*start = d->aperture_start;
	*end = d->aperture_end;
	if (force)
		*force = d->force_aperture;
	return 0;
}

IOK_EXPORT struct iok_pgtable *iok_domain_get_pgtable(const struct iok_domain *d)
{
	return d ? d->pt : NULL;
}

IOK_EXPORT struct iok_iommu_unit *iok_domain_get_unit(const struct iok_domain *d)
{
	return d ? d->unit : NULL;
}

/* ---- map and unmap (spec 2.5) ------------------------------------------ */

static uint64_t min_pgsize(const struct iok_domain *d)
{
	return d->pgsize_bitmap & -d->pgsize_bitmap;
}

/*
 * The common call: a run of @size bytes shorter than the domain's second
 * page size (or any run of a domain with one size), which iok_pgsize()
 * would give whole to the smallest size, here 4 KiB, the tables' level 0.
 * Such a run goes straight to the format's walk (map_4k(), unmap_4k())
 * with those of iok_pgtable_map_pages()'s checks the core has not made.
 */
static inline bool run_is_4k(const struct iok_domain *d, size_t size)
{
	uint64_t rest = d->pgsize_bitmap & ~PT_SZ_4K;

	return __builtin_expect((d->pgsize_bitmap & (2 * PT_SZ_4K - 1)) == PT_SZ_4K &&
				size - 1 < (rest & -rest) - 1 &&
				(d->pt->pgsize_bitmap & PT_SZ_4K), 1);
}

static inline int map_4k(struct iok_pgtable *pt, uint64_t iova, uint64_t paddr, size_t count,
			 unsigned int prot, size_t *mapped)
{
	uint64_t bits;

	if (prot > PT_PROT_ALL || !(bits = pt->leaf_bits[0][prot]))
		return -EINVAL;
	if (iova > pt->va_last || paddr > pt->oa_last)
		return -ERANGE;
	if (count != 1 && (count - 1 > (pt->va_last - iova) >> 12 ||
			   count - 1 > (pt->oa_last - paddr) >> 12))
		return -ERANGE;
	return pt->map[0](pt, iova, paddr, count, bits, mapped);
}

static inline size_t unmap_4k(struct iok_pgtable *pt, uint64_t iova, size_t count)
{
	uint64_t max;

	if (iova > pt->va_last)
		return 0;
	/* Nothing is mapped beyond the aperture. */
	max = ((pt->va_last - iova) >> 12) + 1;
	return pt->unmap[0](pt, iova, count < max ? count : max);
}

/* A paging domain with its table, and a 4 KiB run of whole pages (run_is_4k()). */
static inline bool fast_4k(const struct iok_domain *d, uint64_t addrs, size_t size)
{
	return __builtin_expect(domain_is_paging(d) && d->pt && !(addrs & (PT_SZ_4K - 1)), 1) &&
	       run_is_4k(d, size);
}

static __attribute__((noinline, cold)) int map_failed(struct iok_domain *d, uint64_t iova,
						      size_t size, size_t done, int rc)
{
	if (done)
		iok_unmap(d, iova, done);
	return iok_fail(d->m->ctx, rc, "mapping 0x%zx bytes at iova 0x%llx: the driver said %s",
			size, (unsigned long long)iova, strerror(-rc));
}

static __attribute__((noinline)) int map_slow(struct iok_domain *d, uint64_t iova,
					      uint64_t paddr, size_t size, unsigned int prot)
{
	uint64_t orig_iova = iova;
	size_t done = 0;
	int rc = 0;

	if (!d)
		return -EINVAL;
	if (!domain_is_paging(d))
		return iok_fail(d->m->ctx, -EINVAL, "map on a %s domain, which has no page table",
				iok_domain_type_name(d->type));
	if (!d->pt || !d->pgsize_bitmap)
		return iok_machine_warn(d->m, -ENODEV, "paging domain without page sizes");
	if ((iova | paddr | size) & (min_pgsize(d) - 1))
		return iok_fail(d->m->ctx, -EINVAL,
				"iova 0x%llx, paddr 0x%llx, size 0x%zx: not multiples of 0x%llx",
				(unsigned long long)iova, (unsigned long long)paddr, size,
				(unsigned long long)min_pgsize(d));
	while (done < size) {
		size_t count, got = 0, pgsize;

		if (run_is_4k(d, size - done)) {
			rc = map_4k(d->pt, iova, paddr, (size - done) >> 12, prot, &got);
		} else {
			pgsize = iok_pgsize(d->pgsize_bitmap, iova, paddr, size - done, &count);
			rc = pgsize ? iok_pgtable_map_pages(d->pt, iova, paddr, pgsize, count, prot,
							    &got) : -EINVAL;
		}
		/* Progress counts even when the driver stopped part-way. */
		done += got;
		iova += got;
		paddr += got;
		if (rc)
			break;
	}
	return rc ? map_failed(d, orig_iova, size, done, rc) : 0;
}

IOK_EXPORT int iok_map(struct iok_domain *d, uint64_t iova, uint64_t paddr, size_t size,
		       unsigned int prot)
{
	size_t done = 0;
	int rc;

	/* The common call in one step; everything else, checks and all, in map_slow(). */
	if (d && fast_4k(d, iova | paddr | size, size)) {
		rc = map_4k(d->pt, iova, paddr, size >> 12, prot, &done);
		return __builtin_expect(!rc, 1) ? 0 : map_failed(d, iova, size, done, rc);
	}
	return map_slow(d, iova, paddr, size, prot);
}

/* iommu_unmap_fast(): the page table only; the caller owes the IOTLB flush. */
static __attribute__((noinline)) size_t unmap_slow(struct iok_domain *d, uint64_t iova,
						   size_t size)
{
	size_t unmapped = 0;

	if (!d || !domain_is_paging(d) || !d->pt || !d->pgsize_bitmap)
		return 0;
	if ((iova | size) & (min_pgsize(d) - 1)) {
		iok_fail(d->m->ctx, 0, "unmap at 0x%llx size 0x%zx: not multiples of 0x%llx",
			 (unsigned long long)iova, size, (unsigned long long)min_pgsize(d));
		return 0;
	}
	while (unmapped < size) {
		size_t count, got, pgsize;

		if (run_is_4k(d, size - unmapped)) {
			got = unmap_4k(d->pt, iova, (size - unmapped) >> 12);
		} else {
			pgsize = iok_pgsize(d->pgsize_bitmap, iova, iova, size - unmapped, &count);
			got = pgsize ? iok_pgtable_unmap_pages(d->pt, iova, pgsize, count) : 0;
		}
		/* A hole ends the walk: nothing beyond it is looked at. */
		if (!got)
			break;
		iova += got;
		unmapped += got;
	}
	return unmapped;
}

static inline size_t unmap_nosync(struct iok_domain *d, uint64_t iova, size_t size)
{
	size_t got;

	if (d && fast_4k(d, iova | size, size)) {
		got = unmap_4k(d->pt, iova, size >> 12);
		/* All of it, a larger leaf from its start (more), or a hole at once. */
		if (__builtin_expect(got >= size || !got, 1))
			return got;
		return got + unmap_slow(d, iova + got, size - got);
	}
	return unmap_slow(d, iova, size);
}

IOK_EXPORT size_t iok_unmap(struct iok_domain *d, uint64_t iova, size_t size)
{
	size_t unmapped = unmap_nosync(d, iova, size);

	/* iommu_iotlb_sync() of the gathered range: all that was removed. */
	if (unmapped)
		iok_domain_flush_range(d, iova, unmapped);
	return unmapped;
}

IOK_EXPORT size_t iok_unmap_fast(struct iok_domain *d, uint64_t iova, size_t size)
{
	return unmap_nosync(d, iova, size);
}

IOK_EXPORT uint64_t iok_iova_to_phys(const struct iok_domain *d, uint64_t iova)
{
	uint64_t phys;

	if (!d)
		return 0;
	if (d->type == IOK_DOMAIN_IDENTITY)
		return iova;
	if (!domain_is_paging(d) || !d->pt)
		return 0;
	return iok_pgtable_iova_to_phys(d->pt, iova, &phys) ? 0 : phys;
}

/* ---- reserved regions (spec 2.7) --------------------------------------- */

static unsigned int direct_prot(enum iok_resv_type type)
{
	switch (type) {
	case IOK_RESV_DIRECT:
	case IOK_RESV_DIRECT_RELAXABLE:
		return IOK_PROT_READ | IOK_PROT_WRITE;
	case IOK_RESV_MSI:
	case IOK_RESV_SW_MSI:
		return IOK_PROT_WRITE | IOK_PROT_MMIO;
	case IOK_RESV_RESERVED:
		break;
	}
	return 0;
}

/*
 * The model drivers' own regions: the x86 interrupt window, and for AMD
 * its HyperTransport hole; the Arm SMMU's software MSI window.
 */
static unsigned int driver_regions(const struct iok_driver *drv,
				   struct iok_resv_region *out)
{
	static const struct iok_resv_region x86_msi = {
		0xfee00000, 0xfeefffff, IOK_RESV_MSI, IOK_PROT_WRITE | IOK_PROT_MMIO };
	static const struct iok_resv_region amd_ht = {
		0xfd00000000ull, 0xffffffffffull, IOK_RESV_RESERVED, 0 };
	static const struct iok_resv_region arm_sw_msi = {
		0x8000000, 0x80fffff, IOK_RESV_SW_MSI, IOK_PROT_WRITE | IOK_PROT_MMIO };

	switch (drv->kind) {
	case IOK_IOMMU_ARM:
		out[0] = arm_sw_msi;
		return 1;
	case IOK_IOMMU_AMD:
		out[0] = x86_msi;
		out[1] = amd_ht;
		return 2;
	default:
		out[0] = x86_msi;
		return 1;
	}
}

int iok_dev_resv_list(const struct iok_machine *m, const struct iok_dev *dev,
		      struct iok_resv_region *buf, size_t max)
{
	const struct mdev *md = M(m, dev);
	struct iok_resv_region drv[2];
	unsigned int i, n = 0, nd;

	for (i = 0; i < md->nr_resv; i++, n++)
		if (n < max)
			buf[n] = md->resv[i];
	nd = md->unit ? driver_regions(md->unit->drv, drv) : 0;
	for (i = 0; i < nd; i++, n++)
		if (n < max)
			buf[n] = drv[i];
	return n;
}

IOK_EXPORT int iok_dev_get_resv_regions(const struct iok_machine *m,
					const struct iok_dev *dev,
					struct iok_resv_region *buf, size_t max)
{
	if (!machine_has_dev(m, dev) || (max && !buf))
		return -EINVAL;
	return iok_dev_resv_list(m, dev, buf, max);
}

/* Map [start, start + len) to itself, as one run of iommu_map(). */
static int map_run(struct iok_domain *d, uint64_t start, uint64_t len, unsigned int prot)
{
	return len ? iok_map(d, start, start, len, prot) : 0;
}

/*
 * iommu_create_device_direct_mappings(): each direct region, widened to
 * whole pages, identity-mapped where nothing is mapped yet (another
 * device's region may have been first). DMA domains only.
 */
int iok_map_direct(struct iok_domain *d, struct iok_machine *m, struct iok_dev *dev)
{
	const struct mdev *md = M(m, dev);
	uint64_t pg;
	unsigned int i;
	int rc;

	if (!domain_is_dma(d) || !d->pgsize_bitmap)
		return 0;
	pg = min_pgsize(d);
	for (i = 0; i < md->nr_resv; i++) {
		const struct iok_resv_region *r = &md->resv[i];
		uint64_t addr = r->start & ~(pg - 1), run = addr;

		if (r->type != IOK_RESV_DIRECT && r->type != IOK_RESV_DIRECT_RELAXABLE)
			continue;
		for (;; addr += pg) {
			bool end = addr > r->last || addr < run;

			if (end || iok_iova_to_phys(d, addr)) {
				rc = map_run(d, run, addr - run, r->prot);
				if (rc)
					return rc;
				run = addr + pg;
			}
			if (end)
				break;
		}
	}
	return 0;
}

IOK_EXPORT int iok_machine_add_resv_region(struct iok_machine *m, struct iok_dev *dev,
					   uint64_t start, uint64_t last,
					   enum iok_resv_type type)
{
	struct iok_resv_region *p;
	struct iok_rgroup *rg;
	struct mdev *md;
	int rc = 0;

	if (!machine_has_dev(m, dev) || start > last || type > IOK_RESV_SW_MSI)
		return -EINVAL;
	md = M(m, dev);
	rg = md->group;
	/* Known at probe, such a region would have kept the group unblocked. */
	if (type == IOK_RESV_DIRECT && rg && rg->domain &&
	    (rg->domain->type == IOK_DOMAIN_BLOCKED || rg->domain == rg->blocking_domain))
		return iok_fail(m->ctx, -EBUSY,
				"%s: group %d is blocked; a direct region must be known at probe",
				iok_dev_get_name(dev), rg->id);
	p = realloc(md->resv, (md->nr_resv + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	md->resv = p;
	p[md->nr_resv++] = (struct iok_resv_region){ start, last, type, direct_prot(type) };
	if (rg && rg->default_domain)
		rc = iok_map_direct(rg->default_domain, m, dev);
	if (rc) {
		md->nr_resv--;
		return rc;
	}
	if (type == IOK_RESV_DIRECT)
		md->require_direct = true;
	return iok_machine_checked(m, 0);
}

static int resv_cmp(const void *a, const void *b)
{
	const struct iok_resv_region *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (int)x->type - (int)y->type;
}

/* Whether @r overlaps or touches @prev, which starts no later. */
static bool resv_joins(const struct iok_resv_region *prev, const struct iok_resv_region *r)
{
	return prev->last == UINT64_MAX || r->start <= prev->last + 1;
}

IOK_EXPORT int iok_group_get_resv_regions(const struct iok_rgroup *rg,
					  struct iok_resv_region *buf, size_t max)
{
	_cleanup_free_ struct iok_resv_region *all = NULL;
	unsigned int i, n = 0, out = 0, k;

	if (!rg || (max && !buf))
		return -EINVAL;
	for (i = 0; i < iok_rgroup_nr_devs(rg); i++)
		n += iok_dev_resv_list(rg->m, iok_rgroup_dev(rg, i), NULL, 0);
	all = calloc(n + 1, sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (i = 0, k = 0; i < iok_rgroup_nr_devs(rg); i++)
		k += iok_dev_resv_list(rg->m, iok_rgroup_dev(rg, i), all + k, n - k);
	qsort(all, n, sizeof(*all), resv_cmp);
	/* In start order, each region joins the last kept one of its type. */
	for (i = 0; i < n; i++) {
		int j;

		for (j = (int)out - 1; j >= 0 && all[j].type != all[i].type; j--)
			;
		if (j >= 0 && resv_joins(&all[j], &all[i])) {
			if (all[i].last > all[j].last)
				all[j].last = all[i].last;
			continue;
		}
		all[out++] = all[i];
	}
	for (i = 0; i < out && i < max; i++)
		buf[i] = all[i];
	return out;
}
