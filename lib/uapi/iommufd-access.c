// SPDX-License-Identifier: MIT
/*
 * Access objects (spec runtime 7.6): an emulating driver (mdev) reads and
 * writes an IOAS with the CPU instead of DMA, pinning pages or copying
 * bytes, and is told by IOAS unmaps to drop its pins before the pages go.
 * Without driver callbacks the selftest's driver is modelled: every pin is
 * an item, and an unmap drops the items it meets.
 */
#include "lib/uapi/iommufd-private.h"

static struct ifd_access *get_access(struct iok_iommufd *ictx, uint32_t id)
{
	struct ifd_access *a = (struct ifd_access *)ifd_obj_get(ictx, id, IOK_IOMMUFD_OBJ_ACCESS);

	if (!a)
		ifd_fail(ictx, -ENOENT, "no access %u", id);
	return a;
}

IOK_EXPORT int iok_iommufd_access_create(struct iok_iommufd *ictx,
					 const struct iok_iommufd_access_ops *ops, void *data,
					 uint32_t *id)
{
	struct ifd_access *access;

	if (!ictx || !id)
		return -EINVAL;
	access = calloc(1, sizeof(*access));
	if (!access)
		return -ENOMEM;
	access->builtin = !ops;
	access->ops = ops ? *ops : (struct iok_iommufd_access_ops){ .needs_pin_pages = true };
	access->data = data;
	access->iova_alignment = access->ops.needs_pin_pages ? IFD_PAGE_SIZE : 1;
	if (ifd_obj_add(ictx, &access->obj, IOK_IOMMUFD_OBJ_ACCESS)) {
		free(access);
		return -ENOMEM;
	}
	/* The driver holds it until iok_iommufd_access_destroy(). */
	access->obj.users++;
	*id = access->obj.id;
	return 0;
}

/* ---- pins ---------------------------------------------------------------- */

static bool prot_ok(const struct ifd_area *area, unsigned int flags)
{
	if (flags & IOK_IOMMUFD_ACCESS_RW_WRITE)
		return area->prot & IOK_PROT_WRITE;
	return area->prot & IOK_PROT_READ;
}

/* iopt_area_contig_is_aligned(): pages start at the range and end at area joins. */
static bool contig_aligned(const struct ifd_contig *it)
{
	const struct ifd_area *area = it->area;

	if (ifd_area_start_byte(area, it->cur) % IFD_PAGE_SIZE)
		return false;
	if (!ifd_contig_done(it) &&
	    ifd_area_start_byte(area, area->last) % IFD_PAGE_SIZE != IFD_PAGE_SIZE - 1)
		return false;
	return true;
}

/* The page range of @area that [@cur, @last] covers. */
static void area_pages(const struct ifd_area *area, uint64_t cur, uint64_t last,
		       uint64_t *first, uint64_t *lastpg)
{
	uint64_t end = last < area->last ? last : area->last;

	*first = ifd_area_start_byte(area, cur) / IFD_PAGE_SIZE;
	*lastpg = ifd_area_start_byte(area, end) / IFD_PAGE_SIZE;
}

/* Undo the pins of [iova, last] in the areas from @iova up to (not including) @stop. */
static void unpin_range(struct ifd_ioas *ioas, uint64_t iova, uint64_t last,
			const struct ifd_area *stop)
{
	struct ifd_contig it;
	struct ifd_area *area;
	uint64_t first, lastpg;

	for (area = ifd_contig_first(&it, ioas, iova, last); area && area != stop;
	     area = ifd_contig_next(&it)) {
		area_pages(area, it.cur, last, &first, &lastpg);
		ifd_pages_unpin(area->pages, first, lastpg);
		area->num_accesses--;
	}
}

static int pin_range(struct iok_iommufd *ictx, struct ifd_ioas *ioas, uint64_t iova,
		     uint64_t last, uint64_t *paddrs, unsigned int flags)
{
	struct ifd_contig it;
	struct ifd_area *area;
	uint64_t first, lastpg, i;
	int rc = 0;

	for (area = ifd_contig_first(&it, ioas, iova, last); area; area = ifd_contig_next(&it)) {
		if (area->prevent_access || !contig_aligned(&it)) {
			rc = ifd_fail(ictx, -EINVAL, "pin at %#llx: area being unmapped or not "
				      "page aligned", (unsigned long long)it.cur);
			break;
		}
		if (!prot_ok(area, flags)) {
			rc = ifd_fail(ictx, -EPERM, "pin at %#llx: the area is not %s",
				      (unsigned long long)it.cur,
				      flags & IOK_IOMMUFD_ACCESS_RW_WRITE ? "writeable" :
				      "readable");
			break;
		}
		area_pages(area, it.cur, last, &first, &lastpg);
		rc = ifd_pages_pin(area->pages, first, lastpg);
		if (rc)
			break;
		area->num_accesses++;
		for (i = first; paddrs && i <= lastpg; i++)
			*paddrs++ = area->pages->frame[i];
	}
	if (!rc && !ifd_contig_done(&it))
		rc = ifd_fail(ictx, -ENOENT, "pin: [%#llx, %#llx] is not mapped contiguously",
			      (unsigned long long)iova, (unsigned long long)last);
	if (rc && iova < it.cur)
		unpin_range(ioas, iova, it.cur - 1, NULL);
	return rc;
}

static int pins_add(struct ifd_access *access, uint64_t iova, uint64_t length)
{
	struct ifd_pin *p;
	unsigned int n;

	if (access->nr_pins == access->alloc_pins) {
		n = access->alloc_pins ? access->alloc_pins * 2 : 8;
		p = realloc(access->pins, n * sizeof(*p));
		if (!p)
			return -ENOMEM;
		access->pins = p;
		access->alloc_pins = n;
	}
	access->pins[access->nr_pins++] = (struct ifd_pin){ iova, length };
	return 0;
}

IOK_EXPORT int iok_iommufd_access_pin_pages(struct iok_iommufd *ictx, uint32_t access_id,
					    uint64_t iova, uint64_t length, uint64_t *paddrs,
					    unsigned int flags)
{
	struct ifd_access *access;
	uint64_t last;
	int rc;

	if (!ictx)
		return -EINVAL;
	access = get_access(ictx, access_id);
	if (!access)
		return -ENOENT;
	/* A driver that pins must say so and must take unmap notifications. */
	if (access->iova_alignment != IFD_PAGE_SIZE || (!access->builtin && !access->ops.unmap))
		return ifd_fail(ictx, -EINVAL, "access %u does not pin pages", access_id);
	if (!length)
		return ifd_fail(ictx, -EINVAL, "pin of 0 bytes");
	if (__builtin_add_overflow(iova, length - 1, &last))
		return ifd_fail(ictx, -EOVERFLOW, "pin range wraps");
	if (!access->ioas)
		return ifd_fail(ictx, -ENOENT, "access %u is not attached", access_id);
	rc = pins_add(access, iova, length);
	if (rc)
		return rc;
	rc = pin_range(ictx, access->ioas, iova, last, paddrs, flags);
	if (rc)
		access->nr_pins--;
	return rc;
}

static int pin_find(const struct ifd_access *access, uint64_t iova, uint64_t length)
{
	unsigned int i;

	for (i = 0; i < access->nr_pins; i++)
		if (access->pins[i].iova == iova && access->pins[i].length == length)
			return i;
	return -1;
}

static void pin_drop(struct ifd_access *access, unsigned int i)
{
	struct ifd_pin p = access->pins[i];

	memmove(&access->pins[i], &access->pins[i + 1],
		(access->nr_pins - i - 1) * sizeof(p));
	access->nr_pins--;
	unpin_range(access->ioas_unpin, p.iova, p.iova + p.length - 1, NULL);
}

IOK_EXPORT int iok_iommufd_access_unpin_pages(struct iok_iommufd *ictx, uint32_t access_id,
					      uint64_t iova, uint64_t length)
{
	struct ifd_access *access;
	int i;

	if (!ictx)
		return -EINVAL;
	access = get_access(ictx, access_id);
	if (!access)
		return -ENOENT;
	i = pin_find(access, iova, length);
	if (i < 0)
		return ifd_fail(ictx, -ENOENT, "access %u has no pin of [%#llx, +%#llx)",
				access_id, (unsigned long long)iova, (unsigned long long)length);
	pin_drop(access, i);
	return 0;
}

/* The selftest driver's unmap: every item meeting the range is unpinned. */
static void builtin_unmap(struct ifd_access *access, uint64_t iova, uint64_t length)
{
	uint64_t last = iova + length - 1;
	unsigned int i = 0;

	while (i < access->nr_pins) {
		const struct ifd_pin *p = &access->pins[i];

		if (p->iova <= last && iova <= p->iova + p->length - 1)
			pin_drop(access, i);
		else
			i++;
	}
}

static void call_unmap(struct ifd_access *access, uint64_t iova, uint64_t length)
{
	if (access->builtin)
		builtin_unmap(access, iova, length);
	else if (access->ops.unmap)
		access->ops.unmap(access->data, iova, length);
}

/* iommufd_access_notify_unmap(): each access of the IOAS must unpin the range now. */
void ifd_access_notify_unmap(struct ifd_ioas *ioas, uint64_t iova, uint64_t length)
{
	struct ifd_access **list;
	unsigned int i, n = ioas->nr_accesses;

	list = malloc((n ? n : 1) * sizeof(*list));
	if (!list)
		return;
	memcpy(list, ioas->accesses, n * sizeof(*list));
	for (i = 0; i < n; i++)
		call_unmap(list[i], iova, length);
	free(list);
}

/* ---- attach and detach --------------------------------------------------- */

/* iommufd_access_change_ioas(): the driver unpins all before the old IOAS goes. */
static int change_ioas(struct ifd_access *access, struct ifd_ioas *new)
{
	struct ifd_ioas *cur = access->ioas;
	int rc;

	if (cur == new)
		return 0;
	access->ioas = NULL;
	if (new) {
		rc = ifd_iopt_add_access(new, access);
		if (rc) {
			access->ioas = cur;
			return rc;
		}
		new->obj.users++;
	}
	if (cur) {
		call_unmap(access, 0, IFD_ULONG_MAX);
		if (access->nr_pins)
			warn(cur->ictx->ctx, "iommufd: access %u kept %u pins at detach",
			     access->obj.id, access->nr_pins);
		while (access->nr_pins)
			pin_drop(access, 0);
		ifd_iopt_remove_access(cur, access);
		cur->obj.users--;
	}
	access->ioas = new;
	access->ioas_unpin = new;
	return 0;
}

IOK_EXPORT int iok_iommufd_access_attach(struct iok_iommufd *ictx, uint32_t access_id,
					 uint32_t ioas_id)
{
	struct ifd_access *access;
	struct ifd_ioas *ioas;

	if (!ictx)
		return -EINVAL;
	access = get_access(ictx, access_id);
	if (!access)
		return -ENOENT;
	if (access->ioas)
		return ifd_fail(ictx, -EINVAL, "access %u is attached already (a WARN)", access_id);
	ioas = ifd_get_ioas(ictx, ioas_id);
	if (!ioas)
		return ifd_fail(ictx, -ENOENT, "no IOAS %u", ioas_id);
	return change_ioas(access, ioas);
}

IOK_EXPORT int iok_iommufd_access_replace(struct iok_iommufd *ictx, uint32_t access_id,
					  uint32_t ioas_id)
{
	struct ifd_access *access;
	struct ifd_ioas *ioas;

	if (!ictx)
		return -EINVAL;
	access = get_access(ictx, access_id);
	if (!access)
		return -ENOENT;
	if (!access->ioas)
		return ifd_fail(ictx, -ENOENT, "access %u is not attached", access_id);
	ioas = ifd_get_ioas(ictx, ioas_id);
	if (!ioas)
		return ifd_fail(ictx, -ENOENT, "no IOAS %u", ioas_id);
	return change_ioas(access, ioas);
}

IOK_EXPORT int iok_iommufd_access_detach(struct iok_iommufd *ictx, uint32_t access_id)
{
	struct ifd_access *access;

	if (!ictx)
		return -EINVAL;
	access = get_access(ictx, access_id);
	if (!access)
		return -ENOENT;
	if (!access->ioas)
		return ifd_fail(ictx, -EINVAL, "access %u is not attached (a WARN)", access_id);
	return change_ioas(access, NULL);
}

void ifd_access_destroy(struct ifd_access *access)
{
	change_ioas(access, NULL);
	free(access->pins);
	free(access);
}

IOK_EXPORT int iok_iommufd_access_destroy(struct iok_iommufd *ictx, uint32_t access_id)
{
	struct ifd_access *access;

	if (!ictx)
		return -EINVAL;
	access = get_access(ictx, access_id);
	if (!access)
		return -ENOENT;
	ifd_obj_remove(ictx, &access->obj);
	ifd_access_destroy(access);
	return 0;
}

/* ---- rw ------------------------------------------------------------------ */

IOK_EXPORT int iok_iommufd_access_rw(struct iok_iommufd *ictx, uint32_t access_id, uint64_t iova,
				     void *buf, size_t length, unsigned int flags)
{
	struct ifd_access *access;
	struct ifd_contig it;
	struct ifd_area *area;
	uint8_t *p = buf;
	uint64_t last, bytes, end;
	int rc;

	if (!ictx || (!buf && length))
		return -EINVAL;
	access = get_access(ictx, access_id);
	if (!access)
		return -ENOENT;
	if (!length)
		return ifd_fail(ictx, -EINVAL, "rw of 0 bytes");
	if (__builtin_add_overflow(iova, length - 1, &last))
		return ifd_fail(ictx, -EOVERFLOW, "rw range wraps");
	if (!access->ioas)
		return ifd_fail(ictx, -ENOENT, "access %u is not attached", access_id);
	for (area = ifd_contig_first(&it, access->ioas, iova, last); area;
	     area = ifd_contig_next(&it)) {
		if (area->prevent_access)
			return ifd_fail(ictx, -EINVAL, "rw at %#llx: the area is being unmapped",
					(unsigned long long)it.cur);
		if (!prot_ok(area, flags))
			return ifd_fail(ictx, -EPERM, "rw at %#llx: the area is not %s",
					(unsigned long long)it.cur,
					flags & IOK_IOMMUFD_ACCESS_RW_WRITE ? "writeable" :
					"readable");
		end = last < area->last ? last : area->last;
		bytes = end - it.cur + 1;
		rc = ifd_pages_rw(area->pages, ifd_area_start_byte(area, it.cur), p, bytes,
				  flags & IOK_IOMMUFD_ACCESS_RW_WRITE);
		if (rc)
			return rc;
		p += bytes;
	}
	if (!ifd_contig_done(&it))
		return ifd_fail(ictx, -ENOENT, "rw: [%#llx, %#llx] is not mapped contiguously",
				(unsigned long long)iova, (unsigned long long)last);
	return 0;
}
