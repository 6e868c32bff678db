// SPDX-License-Identifier: MIT
/*
 * The VFIO type1 IOMMU backend of Linux 6.1 (vfio_iommu_type1.c, spec
 * runtime 8.3-8.5): an unmanaged paging domain per compatible set of
 * groups, mappings pinned from the process and mapped into every domain
 * through iommu_map() (iok_map()), the IOVA list (apertures minus reserved
 * regions), and MAP_DMA/UNMAP_DMA with the v1 and v2 rules, UNMAP_ALL,
 * VADDR updates and dma_entry_limit.
 *
 * Model choices: the drivers never enforce cache coherency (QEMU's VT-d has
 * no snoop control: DMA_CC is 0), MSIs are isolated (interrupt remapping
 * on, so allow_unsafe_interrupts changes nothing), no driver supports
 * nesting (the nesting type fails its attach with -EINVAL), and no mdev or
 * dirty tracking exists. Capabilities of GET_INFO are 8-byte aligned.
 */
#include "lib/uapi/uapi-private.h"

#define PAGE_SIZE_4K	0x1000ull
#define PAGE_MASK_4K	(~(PAGE_SIZE_4K - 1))
/* DIRTY_BITMAP_BYTES(INT_MAX pages) */
#define DIRTY_BITMAP_SIZE_MAX 0x10000000ull

struct t1_run {
	uint64_t iova, paddr, len;
};

struct t1_dma {
	uint64_t iova, size, vaddr;
	unsigned int prot;
	bool vaddr_invalid;
	struct t1_run *runs;	/* pinned, physically contiguous pieces */
	unsigned int nr_runs;
};

struct t1_domain {
	struct iok_domain *dom;
	struct iok_rgroup **groups;
	unsigned int nr_groups;
	bool enforce_cc;
};

struct vfio_type1 {
	struct iok_vfio *v;
	bool v2, nesting;
	struct t1_dma **dmas;	/* sorted by iova, never overlapping */
	unsigned int nr_dmas, alloc_dmas;
	struct t1_domain **domains;
	unsigned int nr_domains;
	struct iok_vfio_iova_range *iova;
	unsigned int nr_iova;
	uint64_t pgsize_bitmap;
	unsigned int dma_avail;
	unsigned int vaddr_invalid_count;
};

static struct iok_ctx *CTX(const struct vfio_type1 *t)
{
	return t->v->sf->ctx;
}

/* ---- extensions and lifetime ------------------------------------------------ */

/* vfio_iommu_type1_check_extension(); @t is NULL before SET_IOMMU. */
int iok_type1_check_extension(struct vfio_type1 *t, unsigned long ext)
{
	unsigned int i;

	switch (ext) {
	case IOK_VFIO_TYPE1_IOMMU:
	case IOK_VFIO_TYPE1v2_IOMMU:
	case IOK_VFIO_TYPE1_NESTING_IOMMU:
	case IOK_VFIO_UNMAP_ALL:
		return 1;
	case IOK_VFIO_UPDATE_VADDR:
		/* Only with container state, and no emulated groups. */
		return t != NULL;
	case IOK_VFIO_DMA_CC_IOMMU:
		if (!t || !t->nr_domains)
			return 0;
		for (i = 0; i < t->nr_domains; i++)
			if (!t->domains[i]->enforce_cc)
				return 0;
		return 1;
	default:
		return 0;
	}
}

int iok_type1_open(struct iok_vfio *v, unsigned long type, struct vfio_type1 **out)
{
	struct vfio_type1 *t;

	if (type != IOK_VFIO_TYPE1_IOMMU && type != IOK_VFIO_TYPE1v2_IOMMU &&
	    type != IOK_VFIO_TYPE1_NESTING_IOMMU)
		return iok_fail(v->sf->ctx, -EINVAL, "type1 does not open as type %lu", type);
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->v = v;
	t->nesting = type == IOK_VFIO_TYPE1_NESTING_IOMMU;
	t->v2 = type != IOK_VFIO_TYPE1_IOMMU;
	/* The module parameter is read here, when the container picks type1. */
	t->dma_avail = v->dma_entry_limit;
	t->pgsize_bitmap = PAGE_MASK_4K;
	*out = t;
	return 0;
}

/* ---- the mapping list ---------------------------------------------------------- */

/* Index of the first mapping ending after @start. */
static unsigned int lower_bound(const struct vfio_type1 *t, uint64_t start)
{
	unsigned int lo = 0, hi = t->nr_dmas;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct t1_dma *d = t->dmas[mid];

		if (d->iova + d->size - 1 < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * vfio_find_dma(): a mapping that overlaps [start, start + size); with
 * size 0, one that holds @start past its first byte.
 */
static struct t1_dma *find_dma(const struct vfio_type1 *t, uint64_t start, uint64_t size)
{
	unsigned int i = lower_bound(t, start);
	struct t1_dma *d;

	if (i == t->nr_dmas)
		return NULL;
	d = t->dmas[i];
	if (start + size <= d->iova)
		return NULL;
	return d;
}

static int dma_insert(struct vfio_type1 *t, struct t1_dma *d)
{
	unsigned int i;

	if (t->nr_dmas == t->alloc_dmas) {
		unsigned int n = t->alloc_dmas ? 2 * t->alloc_dmas : 16;
		struct t1_dma **p = realloc(t->dmas, n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		t->dmas = p;
		t->alloc_dmas = n;
	}
	i = lower_bound(t, d->iova);
	memmove(&t->dmas[i + 1], &t->dmas[i], (t->nr_dmas - i) * sizeof(*t->dmas));
	t->dmas[i] = d;
	t->nr_dmas++;
	return 0;
}

static void unmap_run(struct vfio_type1 *t, struct t1_domain *td, const struct t1_run *r)
{
	uint64_t done = 0;

	while (done < r->len) {
		size_t n = iok_unmap(td->dom, r->iova + done, r->len - done);

		if (!n)
			break;
		done += n;
	}
}

/* vfio_remove_dma(): out of every domain, unpinned, its entry back. */
static void remove_dma(struct vfio_type1 *t, unsigned int idx)
{
	struct t1_dma *d = t->dmas[idx];
	unsigned int i, j;

	for (i = 0; i < t->nr_domains; i++)
		for (j = 0; j < d->nr_runs; j++)
			unmap_run(t, t->domains[i], &d->runs[j]);
	if (d->vaddr_invalid)
		t->vaddr_invalid_count--;
	memmove(&t->dmas[idx], &t->dmas[idx + 1], (t->nr_dmas - idx - 1) * sizeof(*t->dmas));
	t->nr_dmas--;
	t->dma_avail++;
	free(d->runs);
	free(d);
}

static void remove_all(struct vfio_type1 *t)
{
	while (t->nr_dmas)
		remove_dma(t, t->nr_dmas - 1);
}

/* Map one run into every domain; a failure takes it out of those done. */
static int map_run(struct vfio_type1 *t, const struct t1_run *r, unsigned int prot)
{
	unsigned int i;
	int rc;

	for (i = 0; i < t->nr_domains; i++) {
		rc = iok_map(t->domains[i]->dom, r->iova, r->paddr, r->len, prot);
		if (rc) {
			while (i--)
				unmap_run(t, t->domains[i], r);
			return rc;
		}
	}
	return 0;
}

/* vfio_pin_map_dma(): contiguous chunks pinned and mapped; any failure undoes all. */
static int pin_map(struct iok_proc *p, struct vfio_type1 *t, struct t1_dma *d, uint64_t size)
{
	uint64_t done = 0;

	while (done < size) {
		struct t1_run run = { .iova = d->iova + done };
		struct t1_run *runs;
		uint64_t contig;
		int rc;

		rc = iok_proc_pin(p, d->vaddr + done, size - done, &run.paddr, &contig);
		if (rc)
			return iok_fail(CTX(t), rc, "MAP_DMA: vaddr 0x%llx is not mapped in the process",
					(unsigned long long)(d->vaddr + done));
		run.len = contig;
		runs = realloc(d->runs, (d->nr_runs + 1) * sizeof(*runs));
		if (!runs)
			return -ENOMEM;
		d->runs = runs;
		rc = map_run(t, &run, d->prot);
		if (rc)
			return rc;
		d->runs[d->nr_runs++] = run;
		done += contig;
	}
	return 0;
}

/* ---- IOVA list --------------------------------------------------------------------- */

static void iova_exclude(struct iok_vfio_iova_range *r, unsigned int *n, unsigned int max,
			 uint64_t start, uint64_t last)
{
	unsigned int i;

	for (i = 0; i < *n; i++) {
		struct iok_vfio_iova_range cur = r[i];

		if (last < cur.start || start > cur.end)
			continue;
		if (start > cur.start && last < cur.end && *n < max) {
			/* Split in two. */
			memmove(&r[i + 2], &r[i + 1], (*n - i - 1) * sizeof(*r));
			r[i].end = start - 1;
			r[i + 1].start = last + 1;
			r[i + 1].end = cur.end;
			(*n)++;
			i++;
		} else if (start > cur.start) {
			r[i].end = start - 1;
		} else if (last < cur.end) {
			r[i].start = last + 1;
		} else {
			memmove(&r[i], &r[i + 1], (*n - i - 1) * sizeof(*r));
			(*n)--;
			i--;
		}
	}
}

/* Reserved regions of a group that keep IOVAs out (all but DIRECT_RELAXABLE). */
static int group_resv(struct iok_rgroup *rg, struct iok_resv_region **out)
{
	int n = iok_group_get_resv_regions(rg, NULL, 0);

	if (n < 0)
		return n;
	*out = calloc(n + 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	return iok_group_get_resv_regions(rg, *out, n);
}

static void domain_aperture(const struct iok_domain *dom, uint64_t *start, uint64_t *end)
{
	if (iok_domain_get_geometry(dom, start, end, NULL)) {
		*start = 0;
		*end = UINT64_MAX;
	}
}

/*
 * The IOVA list from scratch: the intersection of the domains' apertures
 * (and @extra's) minus every group's reserved regions; what
 * vfio_iommu_aper_resize() and vfio_iommu_resv_exclude() compute step by
 * step. Return: 0, or -EINVAL when nothing is left.
 */
static int build_iova(struct vfio_type1 *t, struct iok_domain *extra, struct iok_rgroup *extra_rg,
		      struct iok_vfio_iova_range **out, unsigned int *nr)
{
	struct iok_vfio_iova_range *r;
	unsigned int i, j, n = 1, max = 1;
	uint64_t start = 0, end = UINT64_MAX, s, e;
	int rc = 0;

	for (i = 0; i <= t->nr_domains; i++) {
		struct iok_domain *dom = i < t->nr_domains ? t->domains[i]->dom : extra;

		if (!dom)
			continue;
		domain_aperture(dom, &s, &e);
		start = s > start ? s : start;
		end = e < end ? e : end;
		for (j = 0; i < t->nr_domains && j < t->domains[i]->nr_groups; j++)
			max += 2 * (iok_group_get_resv_regions(t->domains[i]->groups[j], NULL, 0) + 1);
	}
	if (extra_rg)
		max += 2 * (iok_group_get_resv_regions(extra_rg, NULL, 0) + 1);
	r = calloc(max, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r[0].start = start;
	r[0].end = end;
	if (start > end)
		n = 0;
	for (i = 0; i <= t->nr_domains && !rc; i++) {
		unsigned int ng = i < t->nr_domains ? t->domains[i]->nr_groups : !!extra_rg;

		for (j = 0; j < ng && !rc; j++) {
			struct iok_rgroup *rg = i < t->nr_domains ? t->domains[i]->groups[j] : extra_rg;
			struct iok_resv_region *res = NULL;
			int k, nres = group_resv(rg, &res);

			if (nres < 0) {
				rc = nres;
				break;
			}
			for (k = 0; k < nres; k++)
				if (res[k].type != IOK_RESV_DIRECT_RELAXABLE)
					iova_exclude(r, &n, max, res[k].start, res[k].last);
			free(res);
		}
	}
	if (!rc && !n)
		rc = iok_fail(CTX(t), -EINVAL, "no IOVA left after the reserved regions");
	if (rc) {
		free(r);
		return rc;
	}
	*out = r;
	*nr = n;
	return 0;
}

static void iova_install(struct vfio_type1 *t, struct iok_vfio_iova_range *r, unsigned int n)
{
	free(t->iova);
	t->iova = r;
	t->nr_iova = n;
}

/* vfio_iommu_iova_dma_valid(): inside one range (an empty list allows all). */
static bool iova_valid(const struct vfio_type1 *t, uint64_t start, uint64_t last)
{
	unsigned int i;

	for (i = 0; i < t->nr_iova; i++)
		if (start >= t->iova[i].start && last <= t->iova[i].end)
			return true;
	return !t->nr_iova;
}

/* vfio_iommu_aper_conflict(): a new aperture disjoint from the list, or leaving mappings out. */
static bool aper_conflict(const struct vfio_type1 *t, uint64_t start, uint64_t end)
{
	const struct iok_vfio_iova_range *first, *last;

	if (!t->nr_iova)
		return false;
	first = &t->iova[0];
	last = &t->iova[t->nr_iova - 1];
	if (start > last->end || end < first->start)
		return true;
	if (start > first->start && find_dma(t, first->start, start - first->start))
		return true;
	if (end < last->end && find_dma(t, end + 1, last->end - end))
		return true;
	return false;
}

/* vfio_iommu_resv_conflict(): a mapping in one of the group's reserved regions. */
static int resv_conflict(const struct vfio_type1 *t, struct iok_rgroup *rg)
{
	struct iok_resv_region *res = NULL;
	int n = group_resv(rg, &res), i, hit = 0;

	if (n < 0)
		return n;
	for (i = 0; i < n && !hit; i++)
		if (res[i].type != IOK_RESV_DIRECT_RELAXABLE &&
		    find_dma(t, res[i].start, res[i].last - res[i].start + 1))
			hit = 1;
	free(res);
	return hit;
}

static void update_pgsize_bitmap(struct vfio_type1 *t)
{
	unsigned int i;

	t->pgsize_bitmap = UINT64_MAX;
	for (i = 0; i < t->nr_domains; i++)
		t->pgsize_bitmap &= iok_domain_get_pgsize_bitmap(t->domains[i]->dom);
	/* Sizes below PAGE_SIZE are hidden, PAGE_SIZE pretended. */
	if (t->pgsize_bitmap & ~PAGE_MASK_4K) {
		t->pgsize_bitmap &= PAGE_MASK_4K;
		t->pgsize_bitmap |= PAGE_SIZE_4K;
	}
}

static uint64_t min_pgsize(const struct vfio_type1 *t)
{
	return t->pgsize_bitmap & -t->pgsize_bitmap;
}

/* ---- attach and detach (spec runtime 8.3) ----------------------------------------- */

static struct t1_domain *domain_of(const struct vfio_type1 *t, const struct iok_rgroup *rg,
				   unsigned int *gi)
{
	unsigned int i, j;

	for (i = 0; i < t->nr_domains; i++)
		for (j = 0; j < t->domains[i]->nr_groups; j++)
			if (t->domains[i]->groups[j] == rg) {
				if (gi)
					*gi = j;
				return t->domains[i];
			}
	return NULL;
}

static int domain_add_group(struct t1_domain *td, struct iok_rgroup *rg)
{
	struct iok_rgroup **p = realloc(td->groups, (td->nr_groups + 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	td->groups = p;
	td->groups[td->nr_groups++] = rg;
	return 0;
}

static bool same_ops(const struct iok_domain *a, const struct iok_domain *b)
{
	const char *da = iok_unit_get_driver(iok_domain_get_unit(a));
	const char *db = iok_unit_get_driver(iok_domain_get_unit(b));

	return da && db && !strcmp(da, db);
}

/* vfio_iommu_replay(): every mapping into a new domain, all or none. */
static int replay(struct vfio_type1 *t, struct iok_domain *dom)
{
	unsigned int i, j;
	int rc;

	for (i = 0; i < t->nr_dmas; i++) {
		struct t1_dma *d = t->dmas[i];

		for (j = 0; j < d->nr_runs; j++) {
			rc = iok_map(dom, d->runs[j].iova, d->runs[j].paddr, d->runs[j].len, d->prot);
			if (!rc)
				continue;
			while (j--) {
				struct t1_domain tmp = { .dom = dom };

				unmap_run(t, &tmp, &d->runs[j]);
			}
			while (i--) {
				struct t1_domain tmp = { .dom = dom };

				for (j = 0; j < t->dmas[i]->nr_runs; j++)
					unmap_run(t, &tmp, &t->dmas[i]->runs[j]);
			}
			return rc;
		}
	}
	return 0;
}

/*
 * Try the group on an existing domain of the same driver (and coherency):
 * 1 when it moved there, 0 when it stayed on @dom, or an error.
 */
static int try_share(struct vfio_type1 *t, struct iok_rgroup *rg, struct iok_domain *dom)
{
	unsigned int i;
	int rc;

	for (i = 0; i < t->nr_domains; i++) {
		struct t1_domain *td = t->domains[i];

		if (!same_ops(td->dom, dom) || td->enforce_cc)
			continue;
		iok_detach_group(dom, rg);
		if (!iok_attach_group(td->dom, rg)) {
			rc = domain_add_group(td, rg);
			if (rc) {
				iok_detach_group(td->dom, rg);
				return rc;
			}
			return 1;
		}
		rc = iok_attach_group(dom, rg);
		if (rc)
			return rc;
	}
	return 0;
}

static int new_domain(struct vfio_type1 *t, struct iok_rgroup *rg, struct iok_domain *dom)
{
	struct t1_domain *td, **p;
	int rc;

	rc = replay(t, dom);
	if (rc)
		return rc;
	td = calloc(1, sizeof(*td));
	p = realloc(t->domains, (t->nr_domains + 1) * sizeof(*p));
	if (p)
		t->domains = p;
	if (!td || !p || domain_add_group(td, rg)) {
		free(td);
		return -ENOMEM;
	}
	td->dom = dom;
	t->domains[t->nr_domains++] = td;
	update_pgsize_bitmap(t);
	return 0;
}

/* vfio_iommu_type1_attach_group() */
int iok_type1_attach_group(struct vfio_type1 *t, struct iok_rgroup *rg)
{
	struct iok_machine *m = t->v->sf->m;
	struct iok_vfio_iova_range *iova;
	struct iok_domain *dom;
	uint64_t start, end;
	unsigned int nr;
	int rc;

	/* Attaching could need pinning, which waits for valid vaddrs. */
	if (t->vaddr_invalid_count)
		return iok_fail(CTX(t), -EBUSY, "a mapping's vaddr is invalidated (UPDATE_VADDR)");
	if (domain_of(t, rg, NULL))
		return iok_fail(CTX(t), -EINVAL, "group %d is attached already", iok_rgroup_get_id(rg));
	if (iok_domain_alloc_paging(m, iok_rgroup_get_dev(rg, 0), &dom))
		return iok_fail(CTX(t), -EIO, "group %d: no domain", iok_rgroup_get_id(rg));
	if (t->nesting) {
		rc = iok_fail(CTX(t), -EINVAL, "%s: the IOMMU cannot nest translations",
			      iok_unit_get_driver(iok_domain_get_unit(dom)));
		goto out_free;
	}
	rc = iok_attach_group(dom, rg);
	if (rc)
		goto out_free;
	domain_aperture(dom, &start, &end);
	rc = aper_conflict(t, start, end) ? -EINVAL : resv_conflict(t, rg);
	if (rc > 0)
		rc = -EINVAL;
	if (rc) {
		iok_fail(CTX(t), rc, "group %d: existing mappings fall outside its aperture or "
			 "into its reserved regions", iok_rgroup_get_id(rg));
		goto out_detach;
	}
	rc = build_iova(t, dom, rg, &iova, &nr);
	if (rc)
		goto out_detach;
	rc = try_share(t, rg, dom);
	if (rc == 1) {
		iok_domain_free(dom);
		iova_install(t, iova, nr);
		return 0;
	}
	if (!rc)
		rc = new_domain(t, rg, dom);
	if (rc) {
		free(iova);
		goto out_detach;
	}
	iova_install(t, iova, nr);
	return 0;
out_detach:
	iok_detach_group(dom, rg);
out_free:
	iok_domain_free(dom);
	return rc;
}

/* vfio_iommu_type1_detach_group() */
void iok_type1_detach_group(struct vfio_type1 *t, struct iok_rgroup *rg)
{
	struct iok_vfio_iova_range *iova;
	struct t1_domain *td;
	unsigned int gi, i, nr;

	td = domain_of(t, rg, &gi);
	if (!td)
		return;
	iok_detach_group(td->dom, rg);
	memmove(&td->groups[gi], &td->groups[gi + 1], (td->nr_groups - gi - 1) * sizeof(*td->groups));
	td->nr_groups--;
	if (!td->nr_groups) {
		/* The last domain with an IOMMU: every mapping goes. */
		if (t->nr_domains == 1)
			remove_all(t);
		for (i = 0; t->domains[i] != td; i++)
			;
		memmove(&t->domains[i], &t->domains[i + 1],
			(t->nr_domains - i - 1) * sizeof(*t->domains));
		t->nr_domains--;
		iok_domain_free(td->dom);
		free(td->groups);
		free(td);
		update_pgsize_bitmap(t);
	}
	/* The list may widen (vfio_iommu_aper_expand(), vfio_iommu_resv_refresh()). */
	if (t->nr_domains && !build_iova(t, NULL, NULL, &iova, &nr))
		iova_install(t, iova, nr);
	else if (!t->nr_domains)
		iova_install(t, NULL, 0);
}

void iok_type1_release(struct vfio_type1 *t)
{
	if (!t)
		return;
	while (t->nr_domains) {
		struct t1_domain *td = t->domains[t->nr_domains - 1];

		iok_type1_detach_group(t, td->groups[td->nr_groups - 1]);
	}
	remove_all(t);
	free(t->dmas);
	free(t->domains);
	free(t->iova);
	free(t);
}

/* ---- MAP_DMA (spec runtime 8.4) ------------------------------------------------- */

static long do_map(struct iok_proc *p, struct vfio_type1 *t,
		   const struct iok_vfio_iommu_type1_dma_map *map)
{
	bool set_vaddr = map->flags & IOK_VFIO_DMA_MAP_FLAG_VADDR;
	uint64_t iova = map->iova, vaddr = map->vaddr, size = map->size, pgsize;
	unsigned int prot = 0;
	struct t1_dma *d;
	int rc;

	if (map->flags & IOK_VFIO_DMA_MAP_FLAG_WRITE)
		prot |= IOK_PROT_WRITE;
	if (map->flags & IOK_VFIO_DMA_MAP_FLAG_READ)
		prot |= IOK_PROT_READ;
	if ((prot && set_vaddr) || (!prot && !set_vaddr))
		return iok_fail(CTX(t), -EINVAL, "MAP_DMA: flags 0x%x: READ/WRITE or VADDR",
				map->flags);
	pgsize = min_pgsize(t);
	if (!size || ((size | iova | vaddr) & (pgsize - 1)))
		return iok_fail(CTX(t), -EINVAL, "MAP_DMA: size 0 or not aligned to 0x%llx",
				(unsigned long long)pgsize);
	if (iova + size - 1 < iova || vaddr + size - 1 < vaddr)
		return iok_fail(CTX(t), -EINVAL, "MAP_DMA: the range wraps");
	d = find_dma(t, iova, size);
	if (set_vaddr) {
		if (!d)
			return iok_fail(CTX(t), -ENOENT, "MAP_DMA VADDR: nothing mapped there");
		if (!d->vaddr_invalid || d->iova != iova || d->size != size)
			return iok_fail(CTX(t), -EINVAL,
					"MAP_DMA VADDR: not exactly one invalidated mapping");
		d->vaddr = vaddr;
		d->vaddr_invalid = false;
		t->vaddr_invalid_count--;
		return 0;
	}
	if (d)
		return iok_fail(CTX(t), -EEXIST, "MAP_DMA: overlaps the mapping at 0x%llx",
				(unsigned long long)d->iova);
	if (!t->dma_avail)
		return iok_fail(CTX(t), -ENOSPC, "MAP_DMA: dma_entry_limit reached");
	if (!iova_valid(t, iova, iova + size - 1))
		return iok_fail(CTX(t), -EINVAL, "MAP_DMA: outside the valid IOVA ranges");
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->iova = iova;
	d->size = size;		/* what is pinned so far is in d->runs */
	d->vaddr = vaddr;
	d->prot = prot;
	rc = dma_insert(t, d);
	if (rc) {
		free(d);
		return rc;
	}
	t->dma_avail--;
	rc = pin_map(p, t, d, size);
	if (rc)
		remove_dma(t, lower_bound(t, iova));
	return rc;
}

/* ---- UNMAP_DMA (spec runtime 8.5) ------------------------------------------------ */

static bool invalidate_vaddr(struct vfio_type1 *t, unsigned int first, unsigned int i)
{
	struct t1_dma *d = t->dmas[i];

	if (d->vaddr_invalid) {
		/* One is invalid already: undo the others, fail. */
		for (; first < i; first++) {
			t->dmas[first]->vaddr_invalid = false;
			t->vaddr_invalid_count--;
		}
		return false;
	}
	d->vaddr_invalid = true;
	t->vaddr_invalid_count++;
	return true;
}

static long do_unmap(struct vfio_type1 *t, struct iok_vfio_iommu_type1_dma_unmap *u)
{
	bool all = u->flags & IOK_VFIO_DMA_UNMAP_FLAG_ALL;
	bool vaddr = u->flags & IOK_VFIO_DMA_UNMAP_FLAG_VADDR;
	uint64_t iova = u->iova, size = u->size, pgsize = min_pgsize(t), unmapped = 0;
	unsigned int i, first;
	struct t1_dma *d;

	if (iova & (pgsize - 1))
		return iok_fail(CTX(t), -EINVAL, "UNMAP_DMA: iova not aligned");
	if (all) {
		if (iova || size)
			return iok_fail(CTX(t), -EINVAL, "UNMAP_DMA ALL takes iova 0 and size 0");
		size = UINT64_MAX;
	} else if (!size || (size & (pgsize - 1)) || iova + size - 1 < iova) {
		return iok_fail(CTX(t), -EINVAL, "UNMAP_DMA: size 0, misaligned, or wrapping");
	}
	/* v2 never bisects a mapping: both ends must fall between mappings. */
	if (t->v2 && !all) {
		d = find_dma(t, iova, 1);
		if (d && d->iova != iova)
			return iok_fail(CTX(t), -EINVAL, "UNMAP_DMA: starts inside the mapping at 0x%llx",
					(unsigned long long)d->iova);
		d = find_dma(t, iova + size - 1, 0);
		if (d && d->iova + d->size != iova + size)
			return iok_fail(CTX(t), -EINVAL, "UNMAP_DMA: ends inside the mapping at 0x%llx",
					(unsigned long long)d->iova);
	}
	i = first = lower_bound(t, iova);
	if (i < t->nr_dmas && size && t->dmas[i]->iova > iova + size - 1)
		i = first = t->nr_dmas;
	while (i < t->nr_dmas) {
		d = t->dmas[i];
		if (d->iova >= iova + size)
			break;
		/* v1: a mapping that starts before the range ends the walk. */
		if (!t->v2 && iova > d->iova)
			break;
		if (vaddr) {
			if (!invalidate_vaddr(t, first, i)) {
				u->size = 0;
				return iok_fail(CTX(t), -EINVAL,
						"UNMAP_DMA VADDR: the vaddr at 0x%llx is invalid already",
						(unsigned long long)d->iova);
			}
			unmapped += d->size;
			i++;
			continue;
		}
		unmapped += d->size;
		remove_dma(t, i);
	}
	u->size = unmapped;
	return 0;
}

/* ---- GET_INFO -------------------------------------------------------------------------- */

#define CAP_ALIGN(x) (((x) + 7) & ~(size_t)7)

static void put_cap(void *buf, size_t *off, size_t *last, const void *cap, size_t len)
{
	struct iok_vfio_info_cap_header h;

	if (*last) {
		memcpy(&h, (char *)buf + *last, sizeof(h));
		h.next = *off;
		memcpy((char *)buf + *last, &h, sizeof(h));
	}
	memcpy((char *)buf + *off, cap, len);
	*last = *off;
	*off += CAP_ALIGN(len);
}

static long get_info(struct vfio_type1 *t, struct iok_vfio_iommu_type1_info *info)
{
	const size_t minsz = offsetof(struct iok_vfio_iommu_type1_info, cap_offset);
	const size_t capsz = offsetof(struct iok_vfio_iommu_type1_info, pad);
	struct iok_vfio_iommu_type1_info_cap_migration mig = {
		.header = { IOK_VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, 1, 0 },
		.pgsize_bitmap = min_pgsize(t),
		.max_dirty_bitmap_size = DIRTY_BITMAP_SIZE_MAX,
	};
	struct iok_vfio_iommu_type1_info_dma_avail avail = {
		.header = { IOK_VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 1, 0 },
		.avail = t->dma_avail,
	};
	size_t iova_len = sizeof(struct iok_vfio_iommu_type1_info_cap_iova_range) +
			  t->nr_iova * sizeof(struct iok_vfio_iova_range);
	size_t caps = CAP_ALIGN(sizeof(mig)) + CAP_ALIGN(sizeof(avail)) + CAP_ALIGN(iova_len);
	size_t off = sizeof(*info), last = 0;
	struct iok_vfio_iommu_type1_info_cap_iova_range *r;

	if (info->argsz < minsz)
		return iok_fail(CTX(t), -EINVAL, "GET_INFO: argsz %u", info->argsz);
	info->flags = IOK_VFIO_IOMMU_INFO_PGSIZES | IOK_VFIO_IOMMU_INFO_CAPS;
	info->iova_pgsizes = t->pgsize_bitmap;
	/* Older callers' structures end before cap_offset: it is not written. */
	if (info->argsz >= capsz)
		info->cap_offset = 0;
	if (info->argsz < sizeof(*info) + caps) {
		/* Too small for the chain: the size it needs. */
		info->argsz = sizeof(*info) + caps;
		return 0;
	}
	r = calloc(1, iova_len);
	if (!r)
		return -ENOMEM;
	r->header.id = IOK_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE;
	r->header.version = 1;
	r->nr_iovas = t->nr_iova;
	memcpy(r->iova_ranges, t->iova, t->nr_iova * sizeof(*t->iova));
	memset((char *)info + sizeof(*info), 0, caps);
	put_cap(info, &off, &last, &mig, sizeof(mig));
	put_cap(info, &off, &last, &avail, sizeof(avail));
	put_cap(info, &off, &last, r, iova_len);
	free(r);
	info->cap_offset = sizeof(*info);
	return 0;
}

/* ---- ioctls ------------------------------------------------------------------------- */

long iok_type1_ioctl(struct iok_proc *p, struct vfio_type1 *t, unsigned long req,
		     void *arg, unsigned long uarg)
{
	const uint32_t map_mask = IOK_VFIO_DMA_MAP_FLAG_READ | IOK_VFIO_DMA_MAP_FLAG_WRITE |
				  IOK_VFIO_DMA_MAP_FLAG_VADDR;
	const uint32_t unmap_mask = IOK_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP |
				    IOK_VFIO_DMA_UNMAP_FLAG_ALL | IOK_VFIO_DMA_UNMAP_FLAG_VADDR;
	struct iok_vfio_iommu_type1_dma_unmap *u = arg, tmp;
	struct iok_vfio_iommu_type1_dma_map *map = arg;
	long rc;

	if (req != IOK_VFIO_IOMMU_GET_INFO && req != IOK_VFIO_IOMMU_MAP_DMA &&
	    req != IOK_VFIO_IOMMU_UNMAP_DMA)
		return -ENOTTY;
	/* Fresh user memory reads as zeros: an argsz of 0. */
	if (!arg)
		return iok_proc_user_zero(p, uarg, 8) ? -EFAULT : -EINVAL;
	switch (req) {
	case IOK_VFIO_IOMMU_GET_INFO:
		return get_info(t, arg);
	case IOK_VFIO_IOMMU_MAP_DMA:
		if (map->argsz < sizeof(*map) || (map->flags & ~map_mask))
			return iok_fail(CTX(t), -EINVAL, "MAP_DMA: argsz %u, flags 0x%x",
					map->argsz, map->flags);
		return do_map(p, t, map);
	default:
		if (u->argsz < sizeof(*u) || (u->flags & ~unmap_mask))
			return iok_fail(CTX(t), -EINVAL, "UNMAP_DMA: argsz %u, flags 0x%x",
					u->argsz, u->flags);
		/* No dirty tracking in the model: a bitmap is never possible. */
		if (u->flags & IOK_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP)
			return iok_fail(CTX(t), -EINVAL, "UNMAP_DMA: dirty tracking is off");
		tmp = *u;
		rc = do_unmap(t, &tmp);
		/* On error the size field is not written back. */
		if (!rc)
			u->size = tmp.size;
		return rc;
	}
}
