// SPDX-License-Identifier: MIT
/*
 * The io_pagetable of an IOAS (spec runtime 7.3): areas (mapped IOVA ranges
 * over pinned user memory), reserved ranges (device regions, domain
 * apertures, test reservations), the user's allow-list, the domains kept
 * identical to the areas, and the IOVA alignment they all impose. The IOAS
 * ioctls on top of it are in iommufd-ioas.c.
 */
#include "lib/uapi/iommufd-private.h"

/* ---- areas --------------------------------------------------------------- */

/* Index of the first area whose last IOVA is at or after @iova. */
static unsigned int area_lower(const struct ifd_ioas *ioas, uint64_t iova)
{
	unsigned int lo = 0, hi = ioas->nr_areas, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ioas->areas[mid]->last < iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The lowest area meeting [start, last] (iopt_area_iter_first()). */
static struct ifd_area *area_first(const struct ifd_ioas *ioas, uint64_t start, uint64_t last)
{
	unsigned int i = area_lower(ioas, start);

	if (i < ioas->nr_areas && ioas->areas[i]->iova <= last)
		return ioas->areas[i];
	return NULL;
}

struct ifd_area *ifd_area_at(const struct ifd_ioas *ioas, uint64_t iova)
{
	return area_first(ioas, iova, iova);
}

unsigned int ifd_area_index(const struct ifd_ioas *ioas, const struct ifd_area *area)
{
	return area_lower(ioas, area->iova);
}

static int area_insert(struct ifd_ioas *ioas, struct ifd_area *area)
{
	unsigned int i = area_lower(ioas, area->iova), n;
	struct ifd_area **a;

	if (ioas->nr_areas == ioas->alloc_areas) {
		n = ioas->alloc_areas ? ioas->alloc_areas * 2 : 8;
		a = realloc(ioas->areas, n * sizeof(*a));
		if (!a)
			return -ENOMEM;
		ioas->areas = a;
		ioas->alloc_areas = n;
	}
	memmove(&ioas->areas[i + 1], &ioas->areas[i], (ioas->nr_areas - i) * sizeof(*a));
	ioas->areas[i] = area;
	ioas->nr_areas++;
	return 0;
}

static void area_remove(struct ifd_ioas *ioas, struct ifd_area *area)
{
	unsigned int i = ifd_area_index(ioas, area);

	if (i >= ioas->nr_areas || ioas->areas[i] != area)
		return;
	memmove(&ioas->areas[i], &ioas->areas[i + 1], (ioas->nr_areas - i - 1) * sizeof(area));
	ioas->nr_areas--;
}

static uint64_t area_first_page(const struct ifd_area *a)
{
	return a->start_byte / IFD_PAGE_SIZE;
}

static uint64_t area_last_page(const struct ifd_area *a)
{
	return (a->start_byte + ifd_area_length(a) - 1) / IFD_PAGE_SIZE;
}

/* ---- the domains' copies of the areas ------------------------------------ */

static uint64_t domain_min_page(const struct iok_domain *d)
{
	uint64_t b = iok_domain_get_pgsize_bitmap(d);

	return b ? b & -b : IFD_PAGE_SIZE;
}

/* Map an area into one domain, physically contiguous runs at once (batch_to_domain()). */
static int area_map_domain(const struct ifd_ioas *ioas, const struct ifd_area *area,
			   struct iok_domain *d)
{
	const struct ifd_pages *p = area->pages;
	uint64_t iova = area->iova, off = area->start_byte, left = ifd_area_length(area);
	uint64_t pg, in, run, step;
	int rc;

	while (left) {
		pg = off / IFD_PAGE_SIZE;
		in = off % IFD_PAGE_SIZE;
		run = IFD_PAGE_SIZE - in < left ? IFD_PAGE_SIZE - in : left;
		/* Without huge pages every page is mapped alone (batch_iommu_map_small()). */
		while (!ioas->disable_large_pages && run < left &&
		       p->frame[pg + 1] == p->frame[pg] + IFD_PAGE_SIZE) {
			pg++;
			step = left - run < IFD_PAGE_SIZE ? left - run : IFD_PAGE_SIZE;
			run += step;
		}
		rc = iok_map(d, iova, p->frame[off / IFD_PAGE_SIZE] + in, run, area->prot);
		if (rc) {
			if (iova != area->iova)
				iok_unmap(d, area->iova, iova - area->iova);
			return rc;
		}
		iova += run;
		off += run;
		left -= run;
	}
	return 0;
}

static void area_unmap_domain(const struct ifd_area *area, struct iok_domain *d)
{
	iok_unmap(d, area->iova, ifd_area_length(area));
}

static int area_pin_storage(struct ifd_area *area)
{
	int rc;

	if (area->storage)
		return 0;
	rc = ifd_pages_pin(area->pages, area_first_page(area), area_last_page(area));
	if (!rc)
		area->storage = true;
	return rc;
}

static void area_unpin_storage(struct ifd_area *area)
{
	if (!area->storage)
		return;
	ifd_pages_unpin(area->pages, area_first_page(area), area_last_page(area));
	area->storage = false;
}

/* iopt_area_fill_domains(): pin once, map into every domain; undone on failure. */
static int area_fill_domains(struct ifd_ioas *ioas, struct ifd_area *area)
{
	unsigned int i;
	int rc;

	if (!ioas->nr_hwpts)
		return 0;
	rc = area_pin_storage(area);
	if (rc)
		return rc;
	for (i = 0; i < ioas->nr_hwpts; i++) {
		rc = area_map_domain(ioas, area, ioas->hwpts[i]->domain);
		if (rc)
			break;
	}
	if (!rc)
		return 0;
	while (i--)
		area_unmap_domain(area, ioas->hwpts[i]->domain);
	area_unpin_storage(area);
	return rc;
}

static void area_unfill_domains(struct ifd_ioas *ioas, struct ifd_area *area)
{
	unsigned int i;

	for (i = 0; i < ioas->nr_hwpts; i++)
		area_unmap_domain(area, ioas->hwpts[i]->domain);
	area_unpin_storage(area);
}

static void area_free(struct ifd_area *area)
{
	if (!area)
		return;
	ifd_pages_put(area->pages);
	free(area);
}

/* ---- reserved and allowed ranges ----------------------------------------- */

static bool reserved_meets(const struct ifd_ioas *ioas, uint64_t start, uint64_t last)
{
	unsigned int i;

	for (i = 0; i < ioas->nr_resv; i++)
		if (ioas->resv[i].start <= last && start <= ioas->resv[i].last)
			return true;
	return false;
}

static bool allowed_meets(const struct ifd_ioas *ioas, uint64_t start, uint64_t last)
{
	unsigned int i;

	for (i = 0; i < ioas->nr_allowed; i++)
		if (ioas->allowed[i].start <= last && start <= ioas->allowed[i].last)
			return true;
	return false;
}

int ifd_iopt_reserve(struct ifd_ioas *ioas, uint64_t start, uint64_t last, const void *owner)
{
	struct ifd_resv *r;
	unsigned int n;

	if (area_first(ioas, start, last) || allowed_meets(ioas, start, last))
		return -EADDRINUSE;
	if (ioas->nr_resv == ioas->alloc_resv) {
		n = ioas->alloc_resv ? ioas->alloc_resv * 2 : 8;
		r = realloc(ioas->resv, n * sizeof(*r));
		if (!r)
			return -ENOMEM;
		ioas->resv = r;
		ioas->alloc_resv = n;
	}
	ioas->resv[ioas->nr_resv++] = (struct ifd_resv){ start, last, owner };
	return 0;
}

void ifd_iopt_remove_reserved(struct ifd_ioas *ioas, const void *owner)
{
	unsigned int i, j = 0;

	for (i = 0; i < ioas->nr_resv; i++)
		if (ioas->resv[i].owner != owner)
			ioas->resv[j++] = ioas->resv[i];
	ioas->nr_resv = j;
}

static int range_cmp(const void *a, const void *b)
{
	const struct ifd_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Reserved ranges, and the areas too when @areas, sorted by start. */
static struct ifd_range *used_ranges(const struct ifd_ioas *ioas, bool areas, unsigned int *n)
{
	unsigned int i, k = 0, total = ioas->nr_resv + (areas ? ioas->nr_areas : 0);
	struct ifd_range *r = malloc((total ? total : 1) * sizeof(*r));

	if (!r)
		return NULL;
	for (i = 0; i < ioas->nr_resv; i++)
		r[k++] = (struct ifd_range){ ioas->resv[i].start, ioas->resv[i].last };
	for (i = 0; areas && i < ioas->nr_areas; i++)
		r[k++] = (struct ifd_range){ ioas->areas[i]->iova, ioas->areas[i]->last };
	qsort(r, k, sizeof(*r), range_cmp);
	*n = k;
	return r;
}

typedef bool (*hole_fn)(uint64_t start, uint64_t last, void *arg);

/* Call @fn for each hole of the sorted @used within [start, last]; true stops. */
static bool for_each_hole(const struct ifd_range *used, unsigned int n, uint64_t start,
			  uint64_t last, hole_fn fn, void *arg)
{
	uint64_t cur = start;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (used[i].last < cur)
			continue;
		if (used[i].start > last)
			break;
		if (used[i].start > cur && fn(cur, used[i].start - 1, arg))
			return true;
		if (used[i].last >= last)
			return false;
		cur = used[i].last + 1;
	}
	return fn(cur, last, arg);
}

/* ---- IOVA allocation and checks ------------------------------------------ */

struct alloc_arg {
	uint64_t length, align, page_offset, iova;
};

/* __alloc_iova_check_range(): the aligned start keeps the user VA's page offset. */
static bool check_range(uint64_t *start, uint64_t last, const struct alloc_arg *a)
{
	uint64_t aligned;

	if (__builtin_add_overflow(*start, a->align - 1, &aligned))
		return false;
	aligned &= ~(a->align - 1);
	aligned |= a->page_offset;
	if (aligned >= last || last - aligned < a->length - 1)
		return false;
	*start = aligned;
	return true;
}

static bool try_hole(uint64_t start, uint64_t last, void *arg)
{
	struct alloc_arg *a = arg;

	if (!check_range(&start, last, a))
		return false;
	a->iova = start;
	return true;
}

static uint64_t roundup_pow2(uint64_t x)
{
	return x <= 1 ? 1 : 1ull << (64 - __builtin_clzll(x - 1));
}

/* iopt_alloc_iova(): never IOVA 0, inside the allow-list when there is one. */
static int alloc_iova(struct ifd_ioas *ioas, uint64_t *iova, uint64_t addr, uint64_t length)
{
	struct ifd_range whole = { IFD_PAGE_SIZE, IFD_ULONG_MAX - IFD_PAGE_SIZE }, span;
	struct alloc_arg a = { .length = length, .page_offset = addr % IFD_PAGE_SIZE };
	struct ifd_range *used;
	unsigned int i, n, nspans;
	bool found = false;

	if (!length || length >= IFD_ULONG_MAX / 2)
		return ifd_fail(ioas->ictx, -EOVERFLOW, "length %#llx is too large for an "
				"automatic IOVA", (unsigned long long)length);
	a.align = roundup_pow2(length);
	if (addr && (addr & -addr) < a.align)
		a.align = addr & -addr;
	if (a.align >= IFD_HPAGE_SIZE)
		a.align = IFD_HPAGE_SIZE;
	if (a.align < ioas->iova_alignment)
		return ifd_fail(ioas->ictx, -EINVAL, "the user address and length allow an "
				"alignment of %#llx, the IOAS needs %#llx",
				(unsigned long long)a.align,
				(unsigned long long)ioas->iova_alignment);
	used = used_ranges(ioas, true, &n);
	if (!used)
		return -ENOMEM;
	nspans = ioas->nr_allowed ? ioas->nr_allowed : 1;
	for (i = 0; i < nspans && !found; i++) {
		span = ioas->nr_allowed ? ioas->allowed[i] : whole;
		if (span.last < whole.start || span.start > whole.last)
			continue;
		span.start = span.start < whole.start ? whole.start : span.start;
		span.last = span.last > whole.last ? whole.last : span.last;
		uint64_t s = span.start;

		if (!check_range(&s, span.last, &a))
			continue;
		found = for_each_hole(used, n, span.start, span.last, try_hole, &a);
	}
	free(used);
	if (!found)
		return ifd_fail(ioas->ictx, -ENOSPC, "no free IOVA range of %#llx bytes",
				(unsigned long long)length);
	*iova = a.iova;
	return 0;
}

/* iopt_check_iova() of a fixed IOVA. */
static int check_iova(struct ifd_ioas *ioas, uint64_t iova, uint64_t length)
{
	uint64_t last;

	struct iok_iommufd *ictx = ioas->ictx;

	if (iova & (ioas->iova_alignment - 1))
		return ifd_fail(ictx, -EINVAL, "IOVA %#llx is not aligned to the IOAS's %#llx",
				(unsigned long long)iova,
				(unsigned long long)ioas->iova_alignment);
	if (__builtin_add_overflow(iova, length - 1, &last))
		return ifd_fail(ictx, -EOVERFLOW, "the range wraps");
	if (reserved_meets(ioas, iova, last))
		return ifd_fail(ictx, -EINVAL, "[%#llx, %#llx] meets a reserved range",
				(unsigned long long)iova, (unsigned long long)last);
	if (area_first(ioas, iova, last))
		return ifd_fail(ictx, -EEXIST, "[%#llx, %#llx] meets a mapping",
				(unsigned long long)iova, (unsigned long long)last);
	return 0;
}

/* ---- mapping ------------------------------------------------------------- */

static int new_area(struct ifd_ioas *ioas, const struct ifd_pages_elm *e, uint64_t iova,
		    unsigned int prot, struct ifd_area **out)
{
	struct ifd_area *area;

	if ((prot & IOK_PROT_WRITE) && !e->pages->writable)
		return ifd_fail(ioas->ictx, -EPERM, "writeable requested of pages pinned "
				"read-only");
	if ((e->start_byte % IFD_PAGE_SIZE) & (ioas->iova_alignment - 1))
		return ifd_fail(ioas->ictx, -EINVAL, "the user address's offset in its page is "
				"not aligned to the IOAS's %#llx",
				(unsigned long long)ioas->iova_alignment);
	area = calloc(1, sizeof(*area));
	if (!area)
		return -ENOMEM;
	area->iova = iova;
	area->last = iova + e->length - 1;
	area->pages = e->pages;
	e->pages->refs++;
	area->start_byte = e->start_byte;
	area->prot = prot;
	*out = area;
	return 0;
}

/* iopt_map_pages(): place, create, fill, then publish the areas. */
int ifd_iopt_map_pages(struct ifd_ioas *ioas, const struct ifd_pages_elm *elms, unsigned int n,
		       uint64_t length, uint64_t *iova, unsigned int prot, bool fixed)
{
	struct ifd_area **areas;
	uint64_t at;
	unsigned int i, filled = 0;
	int rc;

	if (!length || (length & (ioas->iova_alignment - 1)))
		return ifd_fail(ioas->ictx, -EINVAL, "length %#llx is not a non-zero multiple "
				"of the IOAS's alignment %#llx", (unsigned long long)length,
				(unsigned long long)ioas->iova_alignment);
	if (!fixed)
		rc = alloc_iova(ioas, iova, elms[0].pages->base + elms[0].start_byte, length);
	else
		rc = check_iova(ioas, *iova, length);
	if (rc)
		return rc;
	areas = calloc(n, sizeof(*areas));
	if (!areas)
		return -ENOMEM;
	for (i = 0, at = *iova; i < n && !rc; at += elms[i].length, i++)
		rc = new_area(ioas, &elms[i], at, prot, &areas[i]);
	while (!rc && filled < n) {
		rc = area_fill_domains(ioas, areas[filled]);
		if (!rc)
			filled++;
	}
	i = 0;
	while (!rc && i < n) {
		rc = area_insert(ioas, areas[i]);
		if (!rc)
			i++;
	}
	if (rc) {
		while (i--)
			area_remove(ioas, areas[i]);
		while (filled--)
			area_unfill_domains(ioas, areas[filled]);
		for (i = 0; i < n; i++)
			area_free(areas[i]);
	}
	free(areas);
	return rc;
}

int ifd_iopt_map_user(struct ifd_ioas *ioas, uint64_t *iova, uint64_t uva, uint64_t length,
		      unsigned int prot, bool fixed)
{
	struct ifd_pages_elm e = { .length = length };
	uint64_t end;
	int rc;

	/* iopt_alloc_user_pages() */
	if (__builtin_add_overflow(uva, length, &end))
		return ifd_fail(ioas->ictx, -EOVERFLOW, "user range wraps");
	if (!length || length > SIZE_MAX - IFD_PAGE_SIZE)
		return ifd_fail(ioas->ictx, -EINVAL, "length %#llx", (unsigned long long)length);
	e.pages = ifd_pages_new(ioas->ictx, uva, length, prot & IOK_PROT_WRITE, &e.start_byte);
	if (!e.pages)
		return -ENOMEM;
	rc = ifd_iopt_map_pages(ioas, &e, 1, length, iova, prot, fixed);
	ifd_pages_put(e.pages);
	return rc;
}

/* ---- walking contiguous areas (iopt_for_each_contig_area()) -------------- */

struct ifd_area *ifd_contig_first(struct ifd_contig *it, const struct ifd_ioas *ioas,
				  uint64_t iova, uint64_t last)
{
	it->ioas = ioas;
	it->cur = iova;
	it->last = last;
	it->area = ifd_area_at(ioas, iova);
	return it->area;
}

struct ifd_area *ifd_contig_next(struct ifd_contig *it)
{
	unsigned int i;

	if (!it->area || it->last <= it->area->last)
		return NULL;
	it->cur = it->area->last + 1;
	i = ifd_area_index(it->ioas, it->area) + 1;
	if (i >= it->ioas->nr_areas || it->ioas->areas[i]->iova != it->cur) {
		it->area = NULL;
		return NULL;
	}
	it->area = it->ioas->areas[i];
	return it->area;
}

bool ifd_contig_done(const struct ifd_contig *it)
{
	return it->area && it->last <= it->area->last;
}

/* ---- slices of the areas' pages (for IOAS_COPY) -------------------------- */

/* iopt_get_pages(): the slices of pinned memory behind a contiguous range. */
int ifd_iopt_get_pages(struct ifd_ioas *ioas, uint64_t iova, uint64_t length,
		       struct ifd_pages_elm **out, unsigned int *n)
{
	struct ifd_pages_elm *elms = NULL, *e;
	struct ifd_contig it;
	struct ifd_area *area;
	uint64_t last, end;
	unsigned int k = 0;

	if (!length)
		return -EINVAL;
	if (__builtin_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	for (area = ifd_contig_first(&it, ioas, iova, last); area; area = ifd_contig_next(&it)) {
		e = realloc(elms, (k + 1) * sizeof(*e));
		if (!e)
			goto nomem;
		elms = e;
		end = last < area->last ? last : area->last;
		elms[k].pages = area->pages;
		elms[k].start_byte = ifd_area_start_byte(area, it.cur);
		elms[k].length = end - it.cur + 1;
		area->pages->refs++;
		k++;
	}
	if (!ifd_contig_done(&it)) {
		while (k--)
			ifd_pages_put(elms[k].pages);
		free(elms);
		return -ENOENT;
	}
	*out = elms;
	*n = k;
	return 0;
nomem:
	while (k--)
		ifd_pages_put(elms[k].pages);
	free(elms);
	return -ENOMEM;
}

/* ---- unmap --------------------------------------------------------------- */

static void area_destroy(struct ifd_ioas *ioas, struct ifd_area *area)
{
	area_remove(ioas, area);
	area_unfill_domains(ioas, area);
	area_free(area);
}

/*
 * iopt_unmap_iova_range(): areas inside [start, last] go one by one in IOVA
 * order; one sticking out fails -ENOENT after the earlier ones went. Areas
 * pinned by accesses are first handed to their drivers' unmap.
 */
static int unmap_range(struct ifd_ioas *ioas, uint64_t start, uint64_t last,
		       uint64_t *unmapped)
{
	uint64_t bytes = 0, len;
	unsigned int tries = 0;
	struct ifd_area *area;
	int rc = -ENOENT;

	while ((area = area_first(ioas, start, last))) {
		if (area->iova < start || area->last > last) {
			rc = -ENOENT;
			goto out;
		}
		if (area->iova != start)
			tries = 0;
		if (area->num_accesses) {
			start = area->iova;
			area->prevent_access = true;
			ifd_access_notify_unmap(ioas, area->iova, ifd_area_length(area));
			if (++tries > IFD_UNMAP_TRIES) {
				warn(ioas->ictx->ctx, "iommufd: an access does not unpin");
				rc = -EDEADLOCK;
				goto out;
			}
			continue;
		}
		len = ifd_area_length(area);
		area_destroy(ioas, area);
		bytes += len;
	}
	if (bytes)
		rc = 0;
out:
	if (unmapped)
		*unmapped = bytes;
	return rc;
}

int ifd_iopt_unmap(struct ifd_ioas *ioas, uint64_t iova, uint64_t length, uint64_t *unmapped)
{
	uint64_t last;

	if (!length)
		return -EINVAL;
	if (__builtin_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	return unmap_range(ioas, iova, last, unmapped);
}

int ifd_iopt_unmap_all(struct ifd_ioas *ioas, uint64_t *unmapped)
{
	int rc = unmap_range(ioas, 0, IFD_ULONG_MAX, unmapped);

	return rc == -ENOENT ? 0 : rc;
}

/* iopt_area_split() for the VFIO type1 (v1) compatibility: a cut after @iova. */
static int area_split(struct ifd_ioas *ioas, struct ifd_area *area, uint64_t iova)
{
	uint64_t align = ioas->iova_alignment, new_start = iova + 1;
	struct ifd_area *rhs;
	int rc;

	if (iova == area->iova || iova == area->last)
		return 0;
	if (area->prevent_access)
		return -EBUSY;
	if ((new_start & (align - 1)) || (ifd_area_start_byte(area, new_start) & (align - 1)))
		return -EINVAL;
	if (area->num_accesses)
		return -EINVAL;
	/* A domain may map the area with huge pages that cannot be cut. */
	if (area->storage && !ioas->disable_large_pages)
		return -EINVAL;
	rhs = calloc(1, sizeof(*rhs));
	if (!rhs)
		return -ENOMEM;
	*rhs = *area;
	rhs->iova = new_start;
	rhs->start_byte = ifd_area_start_byte(area, new_start);
	/* The left half first, so that the right one sorts after it. */
	area->last = iova;
	rc = area_insert(ioas, rhs);
	if (rc) {
		area->last = rhs->last;
		free(rhs);
		return rc;
	}
	area->pages->refs++;
	/* Each half holds its own storage pin: a page both halves cover needs two. */
	if (area->storage && area_first_page(rhs) == area_last_page(area))
		ifd_pages_pin(area->pages, area_first_page(rhs), area_first_page(rhs));
	return 0;
}

int ifd_iopt_cut(struct ifd_ioas *ioas, const uint64_t *iovas, unsigned int n)
{
	struct ifd_area *area;
	unsigned int i;
	int rc = 0;

	for (i = 0; i < n && !rc; i++) {
		area = ifd_area_at(ioas, iovas[i]);
		if (area)
			rc = area_split(ioas, area, iovas[i]);
	}
	return rc;
}

/* ---- holes and the allow-list -------------------------------------------- */

int ifd_iopt_for_each_hole(struct ifd_ioas *ioas, bool (*fn)(uint64_t, uint64_t, void *),
			   void *arg)
{
	struct ifd_range *used;
	unsigned int n;

	used = used_ranges(ioas, false, &n);
	if (!used)
		return -ENOMEM;
	for_each_hole(used, n, 0, IFD_ULONG_MAX, fn, arg);
	free(used);
	return 0;
}

/*
 * iopt_set_allow_iova(): replace the allow-list by @r (@n non-overlapping
 * ranges, taken over on success); none may meet a reserved range.
 */
int ifd_iopt_set_allow_iova(struct ifd_ioas *ioas, struct ifd_range *r, uint32_t n)
{
	uint32_t i;

	if (n)
		qsort(r, n, sizeof(*r), range_cmp);
	for (i = 0; i < n; i++)
		if (reserved_meets(ioas, r[i].start, r[i].last))
			return ifd_fail(ioas->ictx, -EADDRINUSE,
					"ALLOW_IOVAS: [%#llx, %#llx] meets a reserved range",
					(unsigned long long)r[i].start,
					(unsigned long long)r[i].last);
	free(ioas->allowed);
	ioas->allowed = r;
	ioas->nr_allowed = n;
	return 0;
}

/* ---- alignment ----------------------------------------------------------- */

/* iopt_check_iova_alignment(): every area conforms to a raised alignment. */
static int check_alignment(const struct ifd_ioas *ioas, uint64_t align)
{
	uint64_t mask = align - 1;
	unsigned int i;

	for (i = 0; i < ioas->nr_areas; i++) {
		const struct ifd_area *a = ioas->areas[i];

		if ((a->iova & mask) || (ifd_area_length(a) & mask) ||
		    ((a->start_byte % IFD_PAGE_SIZE) & mask))
			return -EADDRINUSE;
	}
	return 0;
}

/* iopt_calculate_iova_alignment() */
static int calc_alignment(struct ifd_ioas *ioas)
{
	uint64_t align = ioas->disable_large_pages ? IFD_PAGE_SIZE : 1, a;
	unsigned int i;
	int rc;

	for (i = 0; i < ioas->nr_hwpts; i++) {
		a = domain_min_page(ioas->hwpts[i]->domain);
		align = a > align ? a : align;
	}
	for (i = 0; i < ioas->nr_accesses; i++) {
		a = ioas->accesses[i]->iova_alignment;
		align = a > align ? a : align;
	}
	if (align > ioas->iova_alignment) {
		rc = check_alignment(ioas, align);
		if (rc)
			return rc;
	}
	ioas->iova_alignment = align;
	return 0;
}

int ifd_iopt_disable_large_pages(struct ifd_ioas *ioas)
{
	int rc;

	if (ioas->disable_large_pages)
		return 0;
	/* Domains that may hold huge pages already cannot be redone. */
	if (ioas->nr_hwpts && ioas->nr_areas)
		return ifd_fail(ioas->ictx, -EINVAL,
				"huge pages: IOAS %u has domains with mappings", ioas->obj.id);
	ioas->disable_large_pages = true;
	rc = calc_alignment(ioas);
	if (rc) {
		ioas->disable_large_pages = false;
		return ifd_fail(ioas->ictx, rc, "huge pages: an area of IOAS %u is not "
				"page aligned", ioas->obj.id);
	}
	return 0;
}

void ifd_iopt_enable_large_pages(struct ifd_ioas *ioas)
{
	ioas->disable_large_pages = false;
	calc_alignment(ioas);
}

/* ---- domains ------------------------------------------------------------- */

static int hwpts_append(struct ifd_ioas *ioas, struct ifd_hwpt *hwpt)
{
	struct ifd_hwpt **h = realloc(ioas->hwpts, (ioas->nr_hwpts + 1) * sizeof(*h));

	if (!h)
		return -ENOMEM;
	ioas->hwpts = h;
	h[ioas->nr_hwpts++] = hwpt;
	return 0;
}

/* iopt_fill_domain(): the first domain pins the areas' pages for all. */
static int fill_domain(struct ifd_ioas *ioas, struct iok_domain *d)
{
	bool first = !ioas->nr_hwpts;
	unsigned int i;
	int rc = 0;

	for (i = 0; i < ioas->nr_areas && !rc; i++) {
		if (first)
			rc = area_pin_storage(ioas->areas[i]);
		if (!rc)
			rc = area_map_domain(ioas, ioas->areas[i], d);
		if (rc && first)
			area_unpin_storage(ioas->areas[i]);
	}
	if (!rc)
		return 0;
	/* Area i - 1 failed and undid itself: undo the ones before it. */
	for (i -= 1; i > 0; i--) {
		area_unmap_domain(ioas->areas[i - 1], d);
		if (first)
			area_unpin_storage(ioas->areas[i - 1]);
	}
	return rc;
}

/*
 * iopt_table_add_domain(): the domain's smallest page may raise the
 * alignment (misaligned areas: -EADDRINUSE, above PAGE_SIZE: -EINVAL), the
 * complement of its aperture is reserved (-EADDRINUSE when an area or the
 * allow-list is there), and every area is mapped into it.
 */
int ifd_iopt_add_domain(struct ifd_ioas *ioas, struct ifd_hwpt *hwpt)
{
	struct iok_iommufd *ictx = ioas->ictx;
	uint64_t align, start = 0, end = IFD_ULONG_MAX;
	int rc;

	align = domain_min_page(hwpt->domain);
	align = align > ioas->iova_alignment ? align : ioas->iova_alignment;
	if (align > IFD_PAGE_SIZE)
		return ifd_fail(ictx, -EINVAL, "the domain's smallest page is above PAGE_SIZE");
	if (align != ioas->iova_alignment && check_alignment(ioas, align))
		return ifd_fail(ictx, -EADDRINUSE, "IOAS %u has areas not aligned to %#llx",
				ioas->obj.id, (unsigned long long)align);
	iok_domain_get_geometry(hwpt->domain, &start, &end, NULL);
	rc = start ? ifd_iopt_reserve(ioas, 0, start - 1, hwpt) : 0;
	if (!rc && end != IFD_ULONG_MAX)
		rc = ifd_iopt_reserve(ioas, end + 1, IFD_ULONG_MAX, hwpt);
	if (rc) {
		ifd_iopt_remove_reserved(ioas, hwpt);
		return ifd_fail(ictx, rc, "the domain's aperture [%#llx, %#llx] excludes a mapping "
				"or allowed IOVA of IOAS %u", (unsigned long long)start,
				(unsigned long long)end, ioas->obj.id);
	}
	rc = fill_domain(ioas, hwpt->domain);
	if (!rc)
		rc = hwpts_append(ioas, hwpt);
	if (rc) {
		ifd_iopt_remove_reserved(ioas, hwpt);
		return rc;
	}
	ioas->iova_alignment = align;
	return 0;
}

void ifd_iopt_remove_domain(struct ifd_ioas *ioas, struct ifd_hwpt *hwpt)
{
	unsigned int i, j = 0;

	for (i = 0; i < ioas->nr_hwpts; i++)
		if (ioas->hwpts[i] != hwpt)
			ioas->hwpts[j++] = ioas->hwpts[i];
	if (j == ioas->nr_hwpts)
		return;
	ioas->nr_hwpts = j;
	for (i = 0; i < ioas->nr_areas; i++) {
		area_unmap_domain(ioas->areas[i], hwpt->domain);
		if (!ioas->nr_hwpts)
			area_unpin_storage(ioas->areas[i]);
	}
	ifd_iopt_remove_reserved(ioas, hwpt);
	calc_alignment(ioas);
}

/* iopt_table_enforce_dev_resv_regions(): what the device must never see mapped. */
int ifd_iopt_enforce_dev_resv(struct ifd_ioas *ioas, struct iok_dev *dev)
{
	struct iok_iommufd *ictx = ioas->ictx;
	struct iok_resv_region *r;
	unsigned int i, hw_msi = 0, sw_msi = 0;
	int n, rc = 0;

	n = iok_dev_get_resv_regions(ictx->m, dev, NULL, 0);
	if (n <= 0)
		return n;
	r = calloc(n, sizeof(*r));
	if (!r)
		return -ENOMEM;
	iok_dev_get_resv_regions(ictx->m, dev, r, n);
	for (i = 0; i < (unsigned int)n && !rc; i++) {
		if (r[i].type == IOK_RESV_DIRECT_RELAXABLE)
			continue;
		hw_msi += r[i].type == IOK_RESV_MSI;
		sw_msi += r[i].type == IOK_RESV_SW_MSI;
		rc = ifd_iopt_reserve(ioas, r[i].start, r[i].last, dev);
		if (rc)
			ifd_fail(ictx, rc, "%s: reserved region [%#llx, %#llx] meets a mapping or "
				 "the allow-list of IOAS %u", iok_dev_get_name(dev),
				 (unsigned long long)r[i].start, (unsigned long long)r[i].last,
				 ioas->obj.id);
	}
	/* Drivers must offer sane MSI regions. */
	if (!rc && ((sw_msi && hw_msi) || sw_msi > 1))
		rc = ifd_fail(ictx, -EINVAL, "%s: both hardware and software MSI regions",
			      iok_dev_get_name(dev));
	if (rc)
		ifd_iopt_remove_reserved(ioas, dev);
	free(r);
	return rc;
}

/* ---- accesses ------------------------------------------------------------ */

int ifd_iopt_add_access(struct ifd_ioas *ioas, struct ifd_access *access)
{
	struct ifd_access **a = realloc(ioas->accesses, (ioas->nr_accesses + 1) * sizeof(*a));
	int rc;

	if (!a)
		return -ENOMEM;
	ioas->accesses = a;
	a[ioas->nr_accesses++] = access;
	rc = calc_alignment(ioas);
	if (rc) {
		ioas->nr_accesses--;
		return ifd_fail(ioas->ictx, rc, "IOAS %u has areas not page aligned",
				ioas->obj.id);
	}
	return 0;
}

void ifd_iopt_remove_access(struct ifd_ioas *ioas, struct ifd_access *access)
{
	unsigned int i, j = 0;

	for (i = 0; i < ioas->nr_accesses; i++)
		if (ioas->accesses[i] != access)
			ioas->accesses[j++] = ioas->accesses[i];
	ioas->nr_accesses = j;
	calc_alignment(ioas);
}

/* ---- dirty tracking ------------------------------------------------------ */

struct dirty_arg {
	uint64_t base, first, last, page_size;
	uint64_t *bitmap;
};

static int set_dirty_bits(uint64_t iova, uint64_t size, void *arg)
{
	struct dirty_arg *a = arg;
	uint64_t s = iova > a->first ? iova : a->first;
	uint64_t l = iova + size - 1 < a->last ? iova + size - 1 : a->last;
	uint64_t bit;

	if (s > l || !a->bitmap)
		return 0;
	for (bit = (s - a->base) / a->page_size; bit <= (l - a->base) / a->page_size; bit++)
		a->bitmap[bit / 64] |= 1ull << (bit % 64);
	return 0;
}

/* iommu_read_and_clear_dirty() over the contiguous areas of the range. */
int ifd_iopt_read_dirty(struct ifd_ioas *ioas, struct ifd_hwpt *hwpt, uint64_t iova,
			uint64_t length, uint64_t page_size, uint64_t *bitmap, bool clear)
{
	struct iok_pgtable *pt = iok_domain_get_pgtable(hwpt->domain);
	struct dirty_arg a = { .base = iova, .page_size = page_size, .bitmap = bitmap };
	struct ifd_contig it;
	struct ifd_area *area;
	uint64_t last = iova + length - 1;
	int rc;

	for (area = ifd_contig_first(&it, ioas, iova, last); area; area = ifd_contig_next(&it)) {
		a.first = it.cur;
		a.last = last < area->last ? last : area->last;
		rc = iok_pgtable_read_and_clear_dirty(pt, a.first, a.last - a.first + 1,
						      clear ? 0 : IOK_DIRTY_NO_CLEAR,
						      set_dirty_bits, &a);
		if (rc)
			return rc;
	}
	if (clear)
		iok_domain_flush_all(hwpt->domain);
	/* A hole ends the walk; the kernel's bitmap walk reports no error for it. */
	return 0;
}

int ifd_iopt_clear_dirty(struct ifd_ioas *ioas, struct ifd_hwpt *hwpt)
{
	struct iok_pgtable *pt = iok_domain_get_pgtable(hwpt->domain);
	unsigned int i;
	int rc;

	for (i = 0; i < ioas->nr_areas; i++) {
		const struct ifd_area *a = ioas->areas[i];

		rc = iok_pgtable_read_and_clear_dirty(pt, a->iova, ifd_area_length(a), 0, NULL,
						      NULL);
		if (rc)
			return rc;
	}
	iok_domain_flush_all(hwpt->domain);
	return 0;
}

/* iopt_destroy_table(): every area goes, its domains' copies and pins with it. */
void ifd_iopt_destroy_table(struct ifd_ioas *ioas)
{
	while (ioas->nr_areas)
		area_destroy(ioas, ioas->areas[0]);
	free(ioas->areas);
	free(ioas->resv);
	free(ioas->allowed);
	free(ioas->hwpts);
	free(ioas->accesses);
}
