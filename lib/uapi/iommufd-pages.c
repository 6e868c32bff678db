// SPDX-License-Identifier: MIT
/*
 * Pinned user memory (iopt_pages, spec runtime 7.3 step 5): the pages of a
 * process range one MAP made, shared by the areas COPY makes of it. A page
 * is pinned once per iopt_pages, at its first user (the domains' storage, an
 * access pin), and counted against the process's RLIMIT_MEMLOCK then; the
 * frames come from the VFIO process model (iok_proc_pin()), whose frames
 * never move. Bytes are read and written through the fabric's RAM.
 */
#include "lib/uapi/iommufd-private.h"

struct ifd_pages *ifd_pages_new(struct iok_iommufd *ictx, uint64_t uva, uint64_t length,
				bool writable, uint64_t *start_byte)
{
	struct ifd_pages *pages = calloc(1, sizeof(*pages));
	uint64_t base = uva & ~(IFD_PAGE_SIZE - 1);

	if (!pages)
		return NULL;
	pages->ictx = ictx;
	pages->refs = 1;
	pages->base = base;
	pages->npages = (uva - base + length + IFD_PAGE_SIZE - 1) / IFD_PAGE_SIZE;
	pages->writable = writable;
	*start_byte = uva - base;
	return pages;
}

void ifd_pages_put(struct ifd_pages *pages)
{
	uint64_t i;

	if (!pages || --pages->refs)
		return;
	if (pages->users)
		for (i = 0; i < pages->npages; i++)
			if (pages->users[i]) {
				warn(pages->ictx->ctx, "iommufd: pages freed while pinned");
				pages->ictx->pinned--;
			}
	free(pages->users);
	free(pages->frame);
	free(pages);
}

static int pages_alloc_state(struct ifd_pages *pages)
{
	if (pages->users)
		return 0;
	pages->users = calloc(pages->npages, sizeof(*pages->users));
	pages->frame = calloc(pages->npages, sizeof(*pages->frame));
	if (pages->users && pages->frame)
		return 0;
	free(pages->users);
	free(pages->frame);
	pages->users = NULL;
	pages->frame = NULL;
	return -ENOMEM;
}

/* GUP of the pages not pinned yet in [first, last]: their frames. */
static int pages_resolve(struct ifd_pages *pages, uint64_t first, uint64_t last,
			 uint64_t *newly)
{
	struct iok_iommufd *ictx = pages->ictx;
	uint64_t i, pa, contig;
	int rc;

	*newly = 0;
	for (i = first; i <= last; i++) {
		if (pages->users[i])
			continue;
		rc = iok_proc_pin(ictx->proc, pages->base + i * IFD_PAGE_SIZE, IFD_PAGE_SIZE,
				  &pa, &contig);
		if (rc)
			return ifd_fail(ictx, -EFAULT, "user address %#llx is not mapped",
					(unsigned long long)(pages->base + i * IFD_PAGE_SIZE));
		pages->frame[i] = pa;
		(*newly)++;
	}
	return 0;
}

/* Whether the process maps all of [va, va + len): GUP fails at the first hole. */
static int pages_mapped(struct iok_iommufd *ictx, uint64_t va, uint64_t len)
{
	uint64_t pa, contig;

	while (len) {
		if (iok_proc_pin(ictx->proc, va, len, &pa, &contig))
			return ifd_fail(ictx, -EFAULT, "user address %#llx is not mapped",
					(unsigned long long)va);
		va += contig;
		len -= contig;
	}
	return 0;
}

int ifd_pages_pin(struct ifd_pages *pages, uint64_t first, uint64_t last)
{
	struct iok_iommufd *ictx = pages->ictx;
	uint64_t i, newly;
	int rc;

	if (last >= pages->npages || first > last)
		return -EINVAL;
	/* Before any state is allocated for a range no process could map. */
	rc = pages_mapped(ictx, pages->base + first * IFD_PAGE_SIZE,
			  (last - first + 1) * IFD_PAGE_SIZE);
	if (!rc)
		rc = pages_alloc_state(pages);
	if (!rc)
		rc = pages_resolve(pages, first, last, &newly);
	if (rc)
		return rc;
	if (ictx->memlock_pages && ictx->pinned + newly > ictx->memlock_pages)
		return ifd_fail(ictx, -ENOMEM, "RLIMIT_MEMLOCK: %llu pages pinned, %llu more",
				(unsigned long long)ictx->pinned, (unsigned long long)newly);
	for (i = first; i <= last; i++)
		if (!pages->users[i]++)
			ictx->pinned++;
	return 0;
}

void ifd_pages_unpin(struct ifd_pages *pages, uint64_t first, uint64_t last)
{
	uint64_t i;

	if (!pages->users || last >= pages->npages)
		return;
	for (i = first; i <= last; i++)
		if (pages->users[i] && !--pages->users[i])
			pages->ictx->pinned--;
}

int ifd_pages_rw(struct ifd_pages *pages, uint64_t start_byte, void *buf, size_t len,
		 bool write)
{
	struct iok_iommufd *ictx = pages->ictx;
	uint64_t va = pages->base + start_byte, pa, contig;
	uint8_t *p = buf;
	int rc;

	if (!ictx->fabric)
		return ifd_fail(ictx, -EOPNOTSUPP, "no memory to read: set a fabric");
	while (len) {
		rc = iok_proc_pin(ictx->proc, va, len, &pa, &contig);
		if (rc)
			return ifd_fail(ictx, -EFAULT, "user address %#llx is not mapped",
					(unsigned long long)va);
		rc = write ? iok_fabric_mem_write(ictx->fabric, pa, p, contig) :
			     iok_fabric_mem_read(ictx->fabric, pa, p, contig);
		if (rc)
			return rc;
		va += contig;
		p += contig;
		len -= contig;
	}
	return 0;
}
