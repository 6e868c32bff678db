// SPDX-License-Identifier: MIT
/*
 * The VFIO container ioctls served by iommufd (spec runtime 7.8): one
 * compatibility IOAS (IOMMU_VFIO_IOAS) carries MAP_DMA at fixed IOVAs,
 * UNMAP_DMA with iommufd's rules (no bisecting: -ENOENT, type1 v1 mode cuts
 * areas at the range ends instead), GET_INFO with its capability chain,
 * SET_IOMMU and CHECK_EXTENSION.
 */
#include "lib/uapi/iommufd-private.h"

/* VFIO_IOMMU_DIRTY_PAGES, which iommufd does not serve */
#define VFIO_IOMMU_DIRTY_PAGES IOK_VFIO_IO(17)

static struct ifd_ioas *compat_ioas(struct iok_iommufd *ictx)
{
	if (!ictx->vfio_ioas)
		ifd_fail(ictx, -ENODEV, "no VFIO compatibility IOAS");
	return ictx->vfio_ioas;
}

int ifd_vfio_ioas(struct ifd_ucmd *u)
{
	struct iok_iommu_vfio_ioas *cmd = u->cmd;
	struct iok_iommufd *ictx = u->ictx;
	struct ifd_ioas *ioas;

	if (cmd->reserved)
		return ifd_fail(ictx, -EOPNOTSUPP, "VFIO_IOAS: reserved set");
	switch (cmd->op) {
	case IOK_IOMMU_VFIO_IOAS_GET:
		ioas = compat_ioas(ictx);
		if (!ioas)
			return -ENODEV;
		cmd->ioas_id = ioas->obj.id;
		return ifd_respond(u);
	case IOK_IOMMU_VFIO_IOAS_SET:
		ioas = ifd_get_ioas(ictx, cmd->ioas_id);
		if (!ioas)
			return ifd_fail(ictx, -ENOENT, "no IOAS %u", cmd->ioas_id);
		ictx->vfio_ioas = ioas;
		return 0;
	case IOK_IOMMU_VFIO_IOAS_CLEAR:
		ictx->vfio_ioas = NULL;
		return 0;
	default:
		return ifd_fail(ictx, -EOPNOTSUPP, "VFIO_IOAS: op %u", cmd->op);
	}
}

static long map_dma(struct iok_iommufd *ictx, void *arg)
{
	const size_t minsz = offsetofend(struct iok_vfio_iommu_type1_dma_map, size);
	struct iok_vfio_iommu_type1_dma_map map;
	unsigned int prot = IOK_PROT_CACHE;
	struct ifd_ioas *ioas;
	uint64_t iova;

	if (!arg)
		return ifd_fail(ictx, -EFAULT, "MAP_DMA: bad address");
	memcpy(&map, arg, minsz);
	if (map.argsz < minsz ||
	    (map.flags & ~(IOK_VFIO_DMA_MAP_FLAG_READ | IOK_VFIO_DMA_MAP_FLAG_WRITE)))
		return ifd_fail(ictx, -EINVAL, "MAP_DMA: argsz %u flags %#x", map.argsz, map.flags);
	if (map.flags & IOK_VFIO_DMA_MAP_FLAG_READ)
		prot |= IOK_PROT_READ;
	if (map.flags & IOK_VFIO_DMA_MAP_FLAG_WRITE)
		prot |= IOK_PROT_WRITE;
	ioas = compat_ioas(ictx);
	if (!ioas)
		return -ENODEV;
	iova = map.iova;
	return ifd_iopt_map_user(ioas, &iova, map.vaddr, map.size, prot, true);
}

static long unmap_dma(struct iok_iommufd *ictx, void *arg)
{
	const size_t minsz = offsetofend(struct iok_vfio_iommu_type1_dma_unmap, size);
	struct iok_vfio_iommu_type1_dma_unmap unmap;
	struct ifd_ioas *ioas;
	uint64_t unmapped = 0, cuts[2];
	int rc;

	if (!arg)
		return ifd_fail(ictx, -EFAULT, "UNMAP_DMA: bad address");
	memcpy(&unmap, arg, minsz);
	if (unmap.argsz < minsz || (unmap.flags & ~IOK_VFIO_DMA_UNMAP_FLAG_ALL))
		return ifd_fail(ictx, -EINVAL, "UNMAP_DMA: argsz %u flags %#x", unmap.argsz,
				unmap.flags);
	ioas = compat_ioas(ictx);
	if (!ioas)
		return -ENODEV;
	if (unmap.flags & IOK_VFIO_DMA_UNMAP_FLAG_ALL) {
		if (unmap.iova || unmap.size)
			return ifd_fail(ictx, -EINVAL, "UNMAP_DMA: FLAG_ALL with iova or size");
		rc = ifd_iopt_unmap_all(ioas, &unmapped);
	} else {
		/* Type1 (v1) mode: cut the areas at both ends so that any range unmaps. */
		if (ioas->disable_large_pages) {
			cuts[0] = unmap.iova + unmap.size - 1;
			cuts[1] = unmap.iova - 1;
			rc = ifd_iopt_cut(ioas, cuts, unmap.iova ? 2 : 1);
			if (rc)
				return rc;
		}
		rc = ifd_iopt_unmap(ioas, unmap.iova, unmap.size, &unmapped);
	}
	unmap.size = unmapped;
	memcpy(arg, &unmap, minsz);
	return rc;
}

static int check_extension(struct iok_iommufd *ictx, unsigned long type)
{
	struct ifd_ioas *ioas;

	switch (type) {
	case IOK_VFIO_TYPE1_IOMMU:
	case IOK_VFIO_TYPE1v2_IOMMU:
	case IOK_VFIO_UNMAP_ALL:
		return 1;
	case IOK_VFIO_DMA_CC_IOMMU:
		/* Every HWPT enforces cache coherency in the model. */
		ioas = compat_ioas(ictx);
		return ioas ? 1 : -ENODEV;
	default:
		return 0;
	}
}

static int set_iommu(struct iok_iommufd *ictx, unsigned long type)
{
	struct ifd_ioas *ioas;

	if (type != IOK_VFIO_TYPE1_IOMMU && type != IOK_VFIO_TYPE1v2_IOMMU)
		return ifd_fail(ictx, -EINVAL, "SET_IOMMU: type %lu", type);
	ioas = compat_ioas(ictx);
	if (!ioas)
		return -ENODEV;
	/* Type1 unmaps may cut mappings: no huge IOPTEs that could not be split. */
	if (type == IOK_VFIO_TYPE1_IOMMU)
		return ifd_iopt_disable_large_pages(ioas);
	return 0;
}

/* iommufd_get_pagesizes(): the domains' common sizes, at least PAGE_SIZE. */
static uint64_t page_sizes(const struct ifd_ioas *ioas)
{
	uint64_t b = IFD_ULONG_MAX;
	unsigned int i;

	for (i = 0; i < ioas->nr_hwpts; i++)
		b &= iok_domain_get_pgsize_bitmap(ioas->hwpts[i]->domain);
	if (b & (IFD_PAGE_SIZE - 1)) {
		b &= ~(IFD_PAGE_SIZE - 1);
		b |= IFD_PAGE_SIZE;
	}
	return b > ioas->iova_alignment ? b : ioas->iova_alignment;
}

struct cap_arg {
	uint8_t *base;
	size_t avail;		/* bytes from @base the caller gave */
	uint32_t nr;
};

static bool cap_range(uint64_t start, uint64_t last, void *arg)
{
	struct cap_arg *a = arg;
	size_t at = sizeof(struct iok_vfio_iommu_type1_info_cap_iova_range) +
		    a->nr * sizeof(struct iok_vfio_iova_range);
	struct iok_vfio_iova_range r = { start, last };

	if (a->avail >= at + sizeof(r))
		memcpy(a->base + at, &r, sizeof(r));
	a->nr++;
	return false;
}

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

/* The IOVA-range capability; its size. */
static size_t fill_cap_iova(struct ifd_ioas *ioas, uint8_t *cur, size_t avail)
{
	struct iok_vfio_iommu_type1_info_cap_iova_range cap = {
		.header = { .id = IOK_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, .version = 1 },
	};
	struct cap_arg a = { cur, avail, 0 };
	size_t size;

	ifd_iopt_for_each_hole(ioas, cap_range, &a);
	cap.nr_iovas = a.nr;
	size = sizeof(cap) + a.nr * sizeof(struct iok_vfio_iova_range);
	if (avail >= size)
		memcpy(cur, &cap, sizeof(cap));
	return size;
}

static size_t fill_cap_dma_avail(uint8_t *cur, size_t avail)
{
	struct iok_vfio_iommu_type1_info_dma_avail cap = {
		.header = { .id = IOK_VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, .version = 1 },
		.avail = UINT32_MAX,
	};

	if (avail >= sizeof(cap))
		memcpy(cur, &cap, sizeof(cap));
	return sizeof(cap);
}

/* VFIO_IOMMU_GET_INFO: page sizes and the capability chain, never past argsz. */
static long get_info(struct iok_iommufd *ictx, void *arg)
{
	size_t minsz = offsetofend(struct iok_vfio_iommu_type1_info, iova_pgsizes);
	struct iok_vfio_iommu_type1_info info = { 0 };
	struct iok_vfio_info_cap_header *last = NULL;
	uint8_t *base = arg;
	struct ifd_ioas *ioas;
	size_t total, size;
	int i;

	if (!arg)
		return ifd_fail(ictx, -EFAULT, "GET_INFO: bad address");
	memcpy(&info, arg, minsz);
	if (info.argsz < minsz)
		return ifd_fail(ictx, -EINVAL, "GET_INFO: argsz %u", info.argsz);
	minsz = info.argsz < sizeof(info) ? info.argsz : sizeof(info);
	ioas = compat_ioas(ictx);
	if (!ioas)
		return -ENODEV;
	info.flags = IOK_VFIO_IOMMU_INFO_PGSIZES;
	info.iova_pgsizes = page_sizes(ioas);
	info.cap_offset = 0;
	total = sizeof(info);
	for (i = 0; i < 2; i++) {
		size_t avail = info.argsz > total ? info.argsz - total : 0;

		size = i == 0 ? fill_cap_dma_avail(base + total, avail) :
				fill_cap_iova(ioas, base + total, avail);
		size = ALIGN8(size);
		if (last && info.argsz >= total)
			last->next = total;
		last = info.argsz >= total + sizeof(*last) ? (void *)(base + total) : NULL;
		total += size;
	}
	if (info.argsz >= total)
		info.cap_offset = sizeof(info);
	info.argsz = total;
	info.flags |= IOK_VFIO_IOMMU_INFO_CAPS;
	memcpy(arg, &info, minsz);
	return 0;
}

long ifd_vfio_ioctl(struct iok_iommufd *ictx, unsigned long cmd, void *arg, unsigned long iarg)
{
	switch (cmd) {
	case IOK_VFIO_GET_API_VERSION:
		return IOK_VFIO_API_VERSION;
	case IOK_VFIO_SET_IOMMU:
		return set_iommu(ictx, iarg);
	case IOK_VFIO_CHECK_EXTENSION:
		return check_extension(ictx, iarg);
	case IOK_VFIO_IOMMU_GET_INFO:
		return get_info(ictx, arg);
	case IOK_VFIO_IOMMU_MAP_DMA:
		return map_dma(ictx, arg);
	case IOK_VFIO_IOMMU_UNMAP_DMA:
		return unmap_dma(ictx, arg);
	case VFIO_IOMMU_DIRTY_PAGES:
	default:
		return ifd_fail(ictx, -ENOTTY, "unknown ioctl %#lx", cmd);
	}
}
