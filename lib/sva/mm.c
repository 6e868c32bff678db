// SPDX-License-Identifier: MIT
/*
 * Process address spaces: mappings (VMAs) with their rights, pages that are
 * present in the CPU page table or not, page frames in the fabric's RAM,
 * and mmu notifiers told of every change (as the IOMMU drivers' SVA code
 * is, to invalidate what their IOTLBs hold for the process's PASID).
 *
 * A page of a VMA gets a frame on its first fault, zeroed; evicting it only
 * unmaps it (its frame keeps the contents for the next fault), unmapping
 * the VMA frees the frame once the notifiers have run.
 */
#include "lib/sva/sva-private.h"

/* ---- page frames -------------------------------------------------------- */

static int frame_alloc(struct iok_sva *sva, uint64_t *pa)
{
	int rc;

	if (sva->nr_free) {
		*pa = sva->free_frames[--sva->nr_free];
	} else if (sva->frame_next < sva->frame_end) {
		*pa = sva->frame_next;
		sva->frame_next += PAGE_SIZE;
	} else {
		return iok_fail(sva->ctx, -ENOMEM, "no page frames left for processes");
	}
	/* A recycled frame holds its last owner's data. */
	rc = iok_fabric_mem_fill(sva->f, *pa, 0, PAGE_SIZE);
	if (rc) {
		sva->free_frames[sva->nr_free++] = *pa;
		return rc;
	}
	sva->frames_used++;
	return 0;
}

static void frame_free(struct iok_sva *sva, uint64_t pa)
{
	/* frame_reserve() made room for every frame handed out. */
	sva->free_frames[sva->nr_free++] = pa;
	sva->frames_used--;
}

/* Room in the free list for @n more frames, so that freeing never fails. */
static int frame_reserve(struct iok_sva *sva, unsigned long n)
{
	unsigned long need = sva->frames_used + n;
	uint64_t *p;

	if (need <= sva->alloc_free)
		return 0;
	need = need < 2 * (unsigned long)sva->alloc_free ? 2 * sva->alloc_free : need;
	if (need > UINT32_MAX)
		return -ENOMEM;
	p = realloc(sva->free_frames, need * sizeof(*p));
	if (!p)
		return -ENOMEM;
	sva->free_frames = p;
	sva->alloc_free = (unsigned int)need;
	return 0;
}

/* ---- notifiers ---------------------------------------------------------- */

static void notify_invalidate(struct iok_mm *mm, uint64_t start, uint64_t end)
{
	unsigned int i;

	for (i = 0; i < mm->nr_nbs; i++)
		if (mm->nbs[i].ops->invalidate)
			mm->nbs[i].ops->invalidate(mm, start, end, mm->nbs[i].arg);
}

IOK_EXPORT int iok_mm_register_notifier(struct iok_mm *mm,
					const struct iok_mmu_notifier_ops *ops, void *arg)
{
	struct notifier *p;

	if (!mm || !ops)
		return -EINVAL;
	if (mm->exited)
		return -ESRCH;
	if (mm->nr_nbs == mm->alloc_nbs) {
		unsigned int n = mm->alloc_nbs ? 2 * mm->alloc_nbs : 4;

		p = realloc(mm->nbs, n * sizeof(*p));
		if (!p)
			return -ENOMEM;
		mm->nbs = p;
		mm->alloc_nbs = n;
	}
	mm->nbs[mm->nr_nbs++] = (struct notifier){ ops, arg };
	return 0;
}

IOK_EXPORT int iok_mm_unregister_notifier(struct iok_mm *mm,
					  const struct iok_mmu_notifier_ops *ops, void *arg)
{
	unsigned int i;

	if (!mm || !ops)
		return -EINVAL;
	for (i = 0; i < mm->nr_nbs; i++) {
		if (mm->nbs[i].ops == ops && mm->nbs[i].arg == arg) {
			memmove(&mm->nbs[i], &mm->nbs[i + 1], (mm->nr_nbs - i - 1) * sizeof(*mm->nbs));
			mm->nr_nbs--;
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- VMAs --------------------------------------------------------------- */

/* Index of the first VMA that ends after @va. */
static unsigned int vma_index(const struct iok_mm *mm, uint64_t va)
{
	unsigned int lo = 0, hi = mm->nr_vmas;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (mm->vmas[mid].end <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct vma *iok_mm_find_vma(const struct iok_mm *mm, uint64_t va)
{
	unsigned int i = vma_index(mm, va);

	if (i < mm->nr_vmas && mm->vmas[i].start <= va)
		return &mm->vmas[i];
	return NULL;
}

static int vmas_room(struct iok_mm *mm, unsigned int more)
{
	struct vma *p;
	unsigned int n;

	if (mm->nr_vmas + more <= mm->alloc_vmas)
		return 0;
	n = mm->alloc_vmas ? 2 * mm->alloc_vmas : 8;
	while (n < mm->nr_vmas + more)
		n *= 2;
	p = realloc(mm->vmas, n * sizeof(*p));
	if (!p)
		return -ENOMEM;
	mm->vmas = p;
	mm->alloc_vmas = n;
	return 0;
}

static uint64_t vma_pages(const struct vma *v)
{
	return (v->end - v->start) >> PAGE_SHIFT;
}

/*
 * Cut the VMA at index @i in two at @va (inside it). Frames are shared
 * out, the tail gets a copy of its part. Needs vmas_room(mm, 1).
 */
static int vma_split(struct iok_mm *mm, unsigned int i, uint64_t va)
{
	struct vma *v = &mm->vmas[i], tail;
	uint64_t head_pages = (va - v->start) >> PAGE_SHIFT;
	uint64_t *frames;

	tail = *v;
	tail.start = va;
	tail.frames = malloc(vma_pages(&tail) * sizeof(uint64_t));
	frames = malloc(head_pages * sizeof(uint64_t));
	if (!tail.frames || !frames) {
		free(tail.frames);
		free(frames);
		return -ENOMEM;
	}
	memcpy(tail.frames, v->frames + head_pages, vma_pages(&tail) * sizeof(uint64_t));
	memcpy(frames, v->frames, head_pages * sizeof(uint64_t));
	free(v->frames);
	v->frames = frames;
	v->end = va;
	memmove(&mm->vmas[i + 2], &mm->vmas[i + 1], (mm->nr_vmas - i - 1) * sizeof(*v));
	mm->vmas[i + 1] = tail;
	mm->nr_vmas++;
	return 0;
}

/* VMAs start and end at @start and @end (splitting as needed). */
static int vma_cut(struct iok_mm *mm, uint64_t start, uint64_t end)
{
	struct vma *v;
	int rc = vmas_room(mm, 2);

	if (rc)
		return rc;
	v = iok_mm_find_vma(mm, start);
	if (v && v->start < start) {
		rc = vma_split(mm, v - mm->vmas, start);
		if (rc)
			return rc;
	}
	v = iok_mm_find_vma(mm, end);
	if (v && v->start < end)
		rc = vma_split(mm, v - mm->vmas, end);
	return rc;
}

static int check_range(const struct iok_mm *mm, uint64_t va, uint64_t len)
{
	if (!mm)
		return -EINVAL;
	if (mm->exited)
		return iok_fail(mm->sva->ctx, -ESRCH, "the process has exited");
	if ((va | len) & ~PAGE_MASK || !len || va >= IOK_MM_TASK_SIZE ||
	    len > IOK_MM_TASK_SIZE - va)
		return iok_fail(mm->sva->ctx, -EINVAL,
				"range 0x%llx+0x%llx: page-aligned, not empty, below 0x%llx",
				(unsigned long long)va, (unsigned long long)len,
				(unsigned long long)IOK_MM_TASK_SIZE);
	return 0;
}

/* ---- the page table ----------------------------------------------------- */

static unsigned int pte_prot(unsigned int vm)
{
	return IOK_PROT_READ | (vm & IOK_MM_WRITE ? IOK_PROT_WRITE : 0) |
	       (vm & IOK_MM_EXEC ? 0 : IOK_PROT_NOEXEC);
}

static bool page_present(const struct iok_mm *mm, uint64_t va)
{
	uint64_t pa;

	return mm->pt && !iok_pgtable_iova_to_phys(mm->pt, va, &pa);
}

static void pte_clear(struct iok_mm *mm, uint64_t va)
{
	if (iok_pgtable_unmap(mm->pt, va, PAGE_SIZE) == PAGE_SIZE)
		mm->present--;
}

static int pte_set(struct iok_mm *mm, uint64_t va, uint64_t pa, unsigned int vm)
{
	int rc = iok_pgtable_map(mm->pt, va, pa, PAGE_SIZE, pte_prot(vm), NULL);

	if (!rc)
		mm->present++;
	return rc;
}

/*
 * handle_mm_fault() for a page of @v: a frame on first touch, then the PTE
 * with the VMA's rights. A present page is left as it is.
 */
static int fault_in(struct iok_mm *mm, struct vma *v, uint64_t va)
{
	uint64_t idx = (va - v->start) >> PAGE_SHIFT, pa = 0;
	int rc;

	va &= PAGE_MASK;
	if (page_present(mm, va))
		return 0;
	if (!v->frames[idx]) {
		rc = frame_reserve(mm->sva, 1);
		rc = rc ?: frame_alloc(mm->sva, &pa);
		if (rc)
			return rc;
		v->frames[idx] = pa;
	}
	return pte_set(mm, va, v->frames[idx], v->prot);
}

/* ---- the process -------------------------------------------------------- */

IOK_EXPORT int iok_mm_new(struct iok_sva *sva, struct iok_mm **out)
{
	struct iok_iommu_unit *u;
	struct iok_mm *mm;
	int rc;

	if (!sva || !out)
		return -EINVAL;
	mm = calloc(1, sizeof(*mm));
	if (!mm)
		return -ENOMEM;
	mm->sva = sva;
	mm->pasid = IOK_PASID_INVALID;
	/* The CPU is an arm64 one where the IOMMUs are SMMUs. */
	u = iok_machine_get_unit(sva->m, 0);
	mm->fmt = u && !strcmp(iok_unit_get_driver(u), "arm") ? IOK_PGTABLE_ARM_LPAE_S1
							    : IOK_PGTABLE_X86_64;
	rc = iok_pgtable_new(mm->fmt, 48, &mm->pt);
	if (rc) {
		free(mm);
		return rc;
	}
	mm->next = sva->mms;
	sva->mms = mm;
	*out = mm;
	return 0;
}

IOK_EXPORT int iok_mm_set_lam(struct iok_mm *mm, bool on)
{
	if (!mm)
		return -EINVAL;
	mm->lam = on;
	return 0;
}

IOK_EXPORT int iok_mm_map(struct iok_mm *mm, uint64_t va, uint64_t len, unsigned int prot,
			  unsigned int flags)
{
	uint64_t pages = len >> PAGE_SHIFT, i;
	unsigned int at;
	struct vma v;
	int rc = check_range(mm, va, len);

	if (rc)
		return rc;
	if (prot & ~(IOK_MM_READ | IOK_MM_WRITE | IOK_MM_EXEC) || flags & ~IOK_MM_ABSENT)
		return iok_fail(mm->sva->ctx, -EINVAL, "unknown rights 0x%x or flags 0x%x", prot,
				flags);
	at = vma_index(mm, va);
	if (at < mm->nr_vmas && mm->vmas[at].start < va + len)
		return iok_fail(mm->sva->ctx, -EEXIST, "0x%llx+0x%llx overlaps a mapping",
				(unsigned long long)va, (unsigned long long)len);
	v = (struct vma){ .start = va, .end = va + len, .prot = prot };
	v.frames = calloc(pages, sizeof(uint64_t));
	rc = v.frames ? vmas_room(mm, 1) : -ENOMEM;
	if (rc) {
		free(v.frames);
		return rc;
	}
	memmove(&mm->vmas[at + 1], &mm->vmas[at], (mm->nr_vmas - at) * sizeof(v));
	mm->vmas[at] = v;
	mm->nr_vmas++;
	if (flags & IOK_MM_ABSENT)
		return 0;
	/* MAP_POPULATE: all or nothing. */
	for (i = 0; i < pages; i++) {
		rc = fault_in(mm, &mm->vmas[at], va + (i << PAGE_SHIFT));
		if (rc) {
			iok_mm_unmap(mm, va, len);
			return rc;
		}
	}
	return 0;
}

/* Clear the PTEs and collect the frames of [start, end) in one VMA. */
static void vma_zap(struct iok_mm *mm, struct vma *v, bool free_frames)
{
	uint64_t i;

	for (i = 0; i < vma_pages(v); i++) {
		uint64_t va = v->start + (i << PAGE_SHIFT);

		if (mm->pt && page_present(mm, va))
			pte_clear(mm, va);
		if (free_frames && v->frames[i]) {
			frame_free(mm->sva, v->frames[i]);
			v->frames[i] = 0;
		}
	}
}

IOK_EXPORT int iok_mm_unmap(struct iok_mm *mm, uint64_t va, uint64_t len)
{
	unsigned int i, first, last;
	int rc = check_range(mm, va, len);

	if (rc)
		return rc;
	rc = vma_cut(mm, va, va + len);
	if (rc)
		return rc;
	first = vma_index(mm, va);
	for (last = first; last < mm->nr_vmas && mm->vmas[last].start < va + len; last++)
		vma_zap(mm, &mm->vmas[last], false);
	/* The IOMMUs let go of the pages before their frames are reused. */
	notify_invalidate(mm, va, va + len);
	for (i = first; i < last; i++) {
		vma_zap(mm, &mm->vmas[i], true);
		free(mm->vmas[i].frames);
	}
	memmove(&mm->vmas[first], &mm->vmas[last], (mm->nr_vmas - last) * sizeof(struct vma));
	mm->nr_vmas -= last - first;
	return 0;
}

IOK_EXPORT int iok_mm_protect(struct iok_mm *mm, uint64_t va, uint64_t len, unsigned int prot)
{
	uint64_t at;
	unsigned int i;
	int rc = check_range(mm, va, len);

	if (rc)
		return rc;
	if (prot & ~(IOK_MM_READ | IOK_MM_WRITE | IOK_MM_EXEC))
		return iok_fail(mm->sva->ctx, -EINVAL, "unknown rights 0x%x", prot);
	/* The whole range must be mapped, as mprotect() wants. */
	for (at = va; at < va + len;) {
		const struct vma *v = iok_mm_find_vma(mm, at);

		if (!v)
			return iok_fail(mm->sva->ctx, -ENOMEM, "0x%llx is not mapped",
					(unsigned long long)at);
		at = v->end;
	}
	rc = vma_cut(mm, va, va + len);
	if (rc)
		return rc;
	for (i = vma_index(mm, va); i < mm->nr_vmas && mm->vmas[i].start < va + len; i++) {
		struct vma *v = &mm->vmas[i];
		uint64_t k;

		v->prot = prot;
		for (k = 0; k < vma_pages(v); k++) {
			uint64_t p = v->start + (k << PAGE_SHIFT);

			if (!page_present(mm, p))
				continue;
			pte_clear(mm, p);
			/* Should the table page be gone, the page is just absent now. */
			pte_set(mm, p, v->frames[k], prot);
		}
	}
	notify_invalidate(mm, va, va + len);
	return 0;
}

IOK_EXPORT int iok_mm_evict(struct iok_mm *mm, uint64_t va, uint64_t len)
{
	uint64_t p;
	int n = 0, rc = check_range(mm, va, len);

	if (rc)
		return rc;
	for (p = va; p < va + len; p += PAGE_SIZE) {
		if (page_present(mm, p)) {
			pte_clear(mm, p);
			n++;
		}
	}
	if (n)
		notify_invalidate(mm, va, va + len);
	return n;
}

IOK_EXPORT int iok_mm_fault(struct iok_mm *mm, uint64_t va, unsigned int access)
{
	struct vma *v;

	if (!mm || !access || access & ~(IOK_MM_READ | IOK_MM_WRITE | IOK_MM_EXEC))
		return -EINVAL;
	if (mm->exited)
		return -ESRCH;
	v = iok_mm_find_vma(mm, va);
	if (!v)
		return -EFAULT;
	if (access & ~v->prot)
		return -EACCES;
	return fault_in(mm, v, va);
}

/* The process's own access: every page checked and faulted in, then copied. */
static int access_mm(struct iok_mm *mm, uint64_t va, void *buf, size_t len, bool write)
{
	unsigned int need = write ? IOK_MM_WRITE : IOK_MM_READ;
	uint64_t p, end;
	size_t done = 0;
	int rc;

	if (!mm || (!buf && len))
		return -EINVAL;
	if (mm->exited)
		return -ESRCH;
	if (!len)
		return 0;
	if (va >= IOK_MM_TASK_SIZE || len > IOK_MM_TASK_SIZE - va)
		return iok_fail(mm->sva->ctx, -EFAULT, "0x%llx: not a user address",
				(unsigned long long)va);
	end = va + len;
	for (p = va & PAGE_MASK; p < end; p += PAGE_SIZE) {
		const struct vma *v = iok_mm_find_vma(mm, p);

		if (!v)
			return iok_fail(mm->sva->ctx, -EFAULT, "0x%llx is not mapped (SIGSEGV)",
					(unsigned long long)p);
		if (!(v->prot & need))
			return iok_fail(mm->sva->ctx, -EACCES, "0x%llx is not %s (SIGSEGV)",
					(unsigned long long)p, write ? "writable" : "readable");
	}
	for (p = va; p < end; p = (p & PAGE_MASK) + PAGE_SIZE) {
		size_t n = ((p & PAGE_MASK) + PAGE_SIZE < end ? (p & PAGE_MASK) + PAGE_SIZE : end) - p;
		uint64_t pa;

		rc = iok_mm_fault(mm, p, need);
		rc = rc ?: iok_mm_virt_to_phys(mm, p, &pa);
		if (!rc)
			rc = write ? iok_fabric_mem_write(mm->sva->f, pa, (const uint8_t *)buf + done, n)
				   : iok_fabric_mem_read(mm->sva->f, pa, (uint8_t *)buf + done, n);
		if (rc)
			return rc;
		done += n;
	}
	return 0;
}

IOK_EXPORT int iok_mm_write(struct iok_mm *mm, uint64_t va, const void *buf, size_t len)
{
	return access_mm(mm, va, (void *)buf, len, true);
}

IOK_EXPORT int iok_mm_read(struct iok_mm *mm, uint64_t va, void *buf, size_t len)
{
	return access_mm(mm, va, buf, len, false);
}

IOK_EXPORT int iok_mm_virt_to_phys(const struct iok_mm *mm, uint64_t va, uint64_t *pa)
{
	if (!mm || !pa)
		return -EINVAL;
	if (!iok_mm_find_vma(mm, va))
		return -EFAULT;
	if (!mm->pt || iok_pgtable_iova_to_phys(mm->pt, va, pa))
		return -ENOENT;
	return 0;
}

IOK_EXPORT unsigned long iok_mm_count_present(const struct iok_mm *mm)
{
	return mm ? mm->present : 0;
}

IOK_EXPORT struct iok_pgtable *iok_mm_get_pgtable(const struct iok_mm *mm)
{
	return mm ? mm->pt : NULL;
}

IOK_EXPORT uint32_t iok_mm_get_pasid(const struct iok_mm *mm)
{
	return mm && mm->has_pasid ? mm->pasid : IOK_PASID_INVALID;
}

IOK_EXPORT bool iok_mm_has_exited(const struct iok_mm *mm)
{
	return mm && mm->exited;
}

/* exit_mmap(): notifiers released first, then every page and the table. */
static void mm_teardown(struct iok_mm *mm)
{
	unsigned int i;

	mm->exited = true;
	while (mm->nr_nbs) {
		struct notifier n = mm->nbs[--mm->nr_nbs];

		if (n.ops->release)
			n.ops->release(mm, n.arg);
	}
	for (i = 0; i < mm->nr_vmas; i++) {
		vma_zap(mm, &mm->vmas[i], true);
		free(mm->vmas[i].frames);
	}
	free(mm->vmas);
	mm->vmas = NULL;
	mm->nr_vmas = mm->alloc_vmas = 0;
	iok_pgtable_free(mm->pt);
	mm->pt = NULL;
	mm->present = 0;
}

IOK_EXPORT int iok_mm_exit(struct iok_mm *mm)
{
	if (!mm)
		return -EINVAL;
	if (mm->exited)
		return iok_fail(mm->sva->ctx, -ESRCH, "the process has exited already");
	mm_teardown(mm);
	return 0;
}

/* Unlink and free, whatever holds it (iok_sva_unref() and __mmdrop()). */
void iok_mm_free(struct iok_mm *mm)
{
	struct iok_mm **pp;

	if (!mm->exited)
		mm_teardown(mm);
	for (pp = &mm->sva->mms; *pp && *pp != mm; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = mm->next;
	free(mm->nbs);
	free(mm);
}

/* __mmdrop(): the last mm_count reference; mm_pasid_drop() frees the PASID. */
void iok_mm_put(struct iok_mm *mm)
{
	if (!mm->dropped || mm->domains)
		return;
	if (mm->has_pasid)
		iok_free_global_pasid(mm->sva->m, mm->pasid);
	iok_mm_free(mm);
}

IOK_EXPORT void iok_mm_drop(struct iok_mm *mm)
{
	if (!mm || mm->dropped)
		return;
	if (!mm->exited)
		mm_teardown(mm);
	mm->dropped = true;
	iok_mm_put(mm);
}
