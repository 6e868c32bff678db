// SPDX-License-Identifier: MIT
/*
 * HW page tables (spec runtime 7.4): HWPT_PAGING objects wrapping a paging
 * domain of the device's IOMMU filled from an IOAS, allocated explicitly
 * (IOMMU_HWPT_ALLOC) or automatically when a device attaches to an IOAS;
 * dirty tracking over the page table's dirty bits; cache invalidation; and
 * the nesting and vIOMMU ioctls, which the model's drivers refuse: the core
 * has no stage 2 (no domain_alloc_nested, no vIOMMU ops).
 */
#include "lib/uapi/iommufd-private.h"

/* ---- what the model's drivers offer -------------------------------------- */

static const char *dev_driver(const struct iok_machine *m, const struct iok_dev *dev)
{
	struct iok_iommu_unit *u = iok_dev_get_unit(m, dev);

	return u ? iok_unit_get_driver(u) : "";
}

/* domain_alloc_paging_flags(): intel, amd and arm have it; virtio-iommu does not. */
static bool drv_has_paging_flags(const struct iok_machine *m, const struct iok_dev *dev)
{
	return strcmp(dev_driver(m, dev), "virtio") != 0;
}

/* IOMMU_CAP_DIRTY_TRACKING: VT-d SSADS, AMD HD, SMMUv3 HTTU; not virtio-iommu. */
bool ifd_dev_dirty_capable(const struct iok_machine *m, const struct iok_dev *dev)
{
	return drv_has_paging_flags(m, dev) && iok_dev_get_unit(m, dev);
}

/* The model driver's domain_alloc_paging_flags(). */
static int drv_alloc_paging(struct iok_iommufd *ictx, struct iok_dev *dev, uint32_t flags,
			    bool user_data, struct iok_domain **out)
{
	struct iok_pasid_info pi;
	struct iok_domain *d;
	int rc;

	if (user_data)
		return ifd_fail(ictx, -EOPNOTSUPP, "the driver takes no data for a paging domain");
	if (flags & IOK_IOMMU_HWPT_ALLOC_NEST_PARENT)
		return ifd_fail(ictx, -EOPNOTSUPP, "no stage 2 in the model: no nesting parent");
	if ((flags & IOK_IOMMU_HWPT_ALLOC_PASID) &&
	    (iok_dev_get_pasid_info(ictx->m, dev, &pi) || !pi.unit_max))
		return ifd_fail(ictx, -EOPNOTSUPP, "the %s driver has no PASID support",
				dev_driver(ictx->m, dev));
	rc = iok_domain_alloc_paging(ictx->m, dev, &d);
	if (rc)
		return rc;
	if (flags & IOK_IOMMU_HWPT_ALLOC_DIRTY_TRACKING) {
		rc = iok_pgtable_set_features(iok_domain_get_pgtable(d),
					      IOK_PGTABLE_DIRTY_TRACKING);
		if (rc) {
			iok_domain_free(d);
			return ifd_fail(ictx, -EOPNOTSUPP, "the page table has no dirty bits");
		}
	}
	*out = d;
	return 0;
}

/* ---- HWPT objects -------------------------------------------------------- */

void ifd_hwpt_destroy(struct ifd_hwpt *hwpt)
{
	if (hwpt->ioas) {
		ifd_iopt_remove_domain(hwpt->ioas, hwpt);
		hwpt->ioas->obj.users--;
	}
	if (hwpt->domain)
		iok_domain_free(hwpt->domain);
	if (hwpt->fault)
		hwpt->fault->obj.users--;
	free(hwpt);
}

static void hwpt_abort(struct iok_iommufd *ictx, struct ifd_hwpt *hwpt)
{
	ifd_obj_remove(ictx, &hwpt->obj);
	ifd_hwpt_destroy(hwpt);
}

/* iommufd_hw_pagetable_put(): an automatic HWPT goes with its last user. */
void ifd_hwpt_put(struct iok_iommufd *ictx, struct ifd_hwpt *hwpt)
{
	hwpt->obj.users--;
	if (hwpt->obj.type == IOK_IOMMUFD_OBJ_HWPT_PAGING && hwpt->auto_domain &&
	    hwpt->obj.users == 1)
		ifd_obj_destroy(ictx, &hwpt->obj);
}

#define HWPT_VALID_FLAGS (IOK_IOMMU_HWPT_ALLOC_NEST_PARENT | \
			  IOK_IOMMU_HWPT_ALLOC_DIRTY_TRACKING | \
			  IOK_IOMMU_HWPT_FAULT_ID_VALID | IOK_IOMMU_HWPT_ALLOC_PASID)

/*
 * iommufd_hwpt_paging_alloc(): a paging domain for @idev's IOMMU, attached
 * to @idev first when @immediate_attach, then filled from @ioas.
 */
int ifd_hwpt_paging_alloc(struct iok_iommufd *ictx, struct ifd_ioas *ioas,
			  struct ifd_device *idev, uint32_t pasid, uint32_t flags,
			  bool immediate_attach, bool user_data, struct ifd_hwpt **out)
{
	struct ifd_hwpt *hwpt;
	int rc;

	if ((flags || user_data) && !drv_has_paging_flags(ictx->m, idev->dev))
		return ifd_fail(ictx, -EOPNOTSUPP, "the driver allocates no domain with flags");
	if (flags & ~HWPT_VALID_FLAGS)
		return ifd_fail(ictx, -EOPNOTSUPP, "HWPT_ALLOC: unknown flags %#x", flags);
	if ((flags & IOK_IOMMU_HWPT_ALLOC_DIRTY_TRACKING) &&
	    !ifd_dev_dirty_capable(ictx->m, idev->dev))
		return ifd_fail(ictx, -EOPNOTSUPP, "%s: no dirty tracking",
				iok_dev_get_name(idev->dev));
	if ((flags & IOK_IOMMU_HWPT_FAULT_ID_VALID) && (flags & IOK_IOMMU_HWPT_ALLOC_NEST_PARENT))
		return ifd_fail(ictx, -EOPNOTSUPP, "a nesting parent cannot take faults");
	hwpt = calloc(1, sizeof(*hwpt));
	if (!hwpt)
		return -ENOMEM;
	if (ifd_obj_add(ictx, &hwpt->obj, IOK_IOMMUFD_OBJ_HWPT_PAGING)) {
		free(hwpt);
		return -ENOMEM;
	}
	hwpt->pasid_compat = flags & IOK_IOMMU_HWPT_ALLOC_PASID;
	hwpt->nest_parent = flags & IOK_IOMMU_HWPT_ALLOC_NEST_PARENT;
	hwpt->dirty_ops = flags & IOK_IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	rc = drv_alloc_paging(ictx, idev->dev, flags & ~IOK_IOMMU_HWPT_FAULT_ID_VALID,
			      user_data, &hwpt->domain);
	if (rc)
		goto abort;
	hwpt->ioas = ioas;
	ioas->obj.users++;
	if (immediate_attach) {
		rc = ifd_hw_attach(hwpt, idev, pasid);
		if (rc)
			goto abort;
	}
	rc = ifd_iopt_add_domain(ioas, hwpt);
	if (rc) {
		if (immediate_attach && ifd_hw_detach(idev, pasid))
			hwpt->obj.users--;
		goto abort;
	}
	*out = hwpt;
	return 0;
abort:
	hwpt_abort(ictx, hwpt);
	return rc;
}

int ifd_hwpt_alloc_ioctl(struct ifd_ucmd *u)
{
	struct iok_iommu_hwpt_alloc *cmd = u->cmd;
	struct iok_iommufd *ictx = u->ictx;
	struct ifd_hwpt *hwpt = NULL;
	struct ifd_device *idev;
	struct ifd_fault *fault;
	struct ifd_obj *pt;
	int rc;

	if (cmd->reserved)
		return ifd_fail(ictx, -EOPNOTSUPP, "HWPT_ALLOC: reserved set");
	if ((cmd->data_type == IOK_IOMMU_HWPT_DATA_NONE) != !cmd->data_len)
		return ifd_fail(ictx, -EINVAL, "HWPT_ALLOC: data type %u with %u bytes",
				cmd->data_type, cmd->data_len);
	idev = ifd_get_device(ictx, cmd->dev_id);
	if (!idev)
		return ifd_fail(ictx, -ENOENT, "no device %u", cmd->dev_id);
	pt = ifd_obj_get(ictx, cmd->pt_id, IOK_IOMMUFD_OBJ_NONE);
	if (!pt)
		return ifd_fail(ictx, -EINVAL, "HWPT_ALLOC: no object %u", cmd->pt_id);
	if (pt->type == IOK_IOMMUFD_OBJ_IOAS) {
		rc = ifd_hwpt_paging_alloc(ictx, (struct ifd_ioas *)pt, idev, IOK_NO_PASID,
					   cmd->flags, false, cmd->data_len, &hwpt);
	} else if (pt->type == IOK_IOMMUFD_OBJ_HWPT_PAGING) {
		/* iommufd_hwpt_nested_alloc(): no driver of the model has domain_alloc_nested. */
		rc = ifd_fail(ictx, -EOPNOTSUPP, "no stage 2 in the model: no nested HWPT");
	} else {
		rc = ifd_fail(ictx, -EINVAL, "HWPT_ALLOC: object %u is no IOAS or HWPT",
			      cmd->pt_id);
	}
	if (rc)
		return rc;
	if (cmd->flags & IOK_IOMMU_HWPT_FAULT_ID_VALID) {
		fault = (struct ifd_fault *)ifd_obj_get(ictx, cmd->fault_id, IOK_IOMMUFD_OBJ_FAULT);
		if (!fault) {
			hwpt_abort(ictx, hwpt);
			return ifd_fail(ictx, -ENOENT, "no FAULT %u", cmd->fault_id);
		}
		hwpt->fault = fault;
		fault->obj.users++;
		iok_domain_set_iopf_handler(hwpt->domain, ifd_fault_iopf_handler, hwpt);
	}
	cmd->out_hwpt_id = hwpt->obj.id;
	return ifd_respond(u);
}

/* ---- dirty tracking ------------------------------------------------------ */

int ifd_hwpt_set_dirty_tracking(struct ifd_ucmd *u)
{
	struct iok_iommu_hwpt_set_dirty_tracking *cmd = u->cmd;
	struct iok_iommufd *ictx = u->ictx;
	bool enable = cmd->flags & IOK_IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
	struct ifd_hwpt *hwpt;
	int rc;

	if (cmd->flags & ~IOK_IOMMU_HWPT_DIRTY_TRACKING_ENABLE)
		return ifd_fail(ictx, -EOPNOTSUPP, "SET_DIRTY_TRACKING: flags %#x", cmd->flags);
	hwpt = ifd_get_hwpt_paging(ictx, cmd->hwpt_id);
	if (!hwpt)
		return ifd_fail(ictx, -ENOENT, "no HWPT_PAGING %u", cmd->hwpt_id);
	if (!hwpt->dirty_ops)
		return ifd_fail(ictx, -EOPNOTSUPP, "HWPT %u was not allocated for dirty tracking",
				hwpt->obj.id);
	/* A clean snapshot first: stale dirty bits are cleared. */
	if (enable) {
		rc = ifd_iopt_clear_dirty(hwpt->ioas, hwpt);
		if (rc)
			return rc;
	}
	hwpt->dirty_enabled = enable;
	return 0;
}

/* iommufd_check_iova_range() */
static int check_bitmap_range(struct iok_iommufd *ictx, const struct ifd_ioas *ioas,
			      const struct iok_iommu_hwpt_get_dirty_bitmap *cmd)
{
	uint64_t align = ioas->iova_alignment, last;

	/* The model refuses the empty range the kernel would take as all of IOVA. */
	if (!cmd->length)
		return ifd_fail(ictx, -EINVAL, "GET_DIRTY_BITMAP: empty range");
	if (__builtin_add_overflow(cmd->iova, cmd->length - 1, &last))
		return ifd_fail(ictx, -EOVERFLOW, "GET_DIRTY_BITMAP: range wraps");
	if ((cmd->iova & (align - 1)) || ((last + 1) & (align - 1)))
		return ifd_fail(ictx, -EINVAL, "GET_DIRTY_BITMAP: range not aligned to the IOAS");
	if (!cmd->page_size)
		return ifd_fail(ictx, -EINVAL, "GET_DIRTY_BITMAP: page size 0");
	if ((cmd->iova & (cmd->page_size - 1)) || ((last + 1) & (cmd->page_size - 1)))
		return ifd_fail(ictx, -EINVAL, "GET_DIRTY_BITMAP: range not aligned to the page "
				"size");
	return 0;
}

int ifd_hwpt_get_dirty_bitmap(struct ifd_ucmd *u)
{
	struct iok_iommu_hwpt_get_dirty_bitmap *cmd = u->cmd;
	struct iok_iommufd *ictx = u->ictx;
	struct ifd_hwpt *hwpt;
	int rc;

	if ((cmd->flags & ~IOK_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) || cmd->reserved)
		return ifd_fail(ictx, -EOPNOTSUPP, "GET_DIRTY_BITMAP: flags %#x", cmd->flags);
	hwpt = ifd_get_hwpt_paging(ictx, cmd->hwpt_id);
	if (!hwpt)
		return ifd_fail(ictx, -ENOENT, "no HWPT_PAGING %u", cmd->hwpt_id);
	rc = check_bitmap_range(ictx, hwpt->ioas, cmd);
	if (rc)
		return rc;
	if (!hwpt->dirty_ops)
		return ifd_fail(ictx, -EOPNOTSUPP, "HWPT %u was not allocated for dirty tracking",
				hwpt->obj.id);
	if (!cmd->data)
		return ifd_fail(ictx, -EFAULT, "GET_DIRTY_BITMAP: bad bitmap address");
	return ifd_iopt_read_dirty(hwpt->ioas, hwpt, cmd->iova, cmd->length, cmd->page_size,
				   (uint64_t *)(uintptr_t)cmd->data,
				   !(cmd->flags & IOK_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR));
}

/* ---- invalidation, nesting and vIOMMU ------------------------------------ */

int ifd_hwpt_invalidate(struct ifd_ucmd *u)
{
	struct iok_iommu_hwpt_invalidate *cmd = u->cmd;
	struct iok_iommufd *ictx = u->ictx;
	struct ifd_obj *pt;
	int rc;

	if (cmd->reserved)
		rc = ifd_fail(ictx, -EOPNOTSUPP, "HWPT_INVALIDATE: reserved set");
	else if (cmd->entry_num && (!cmd->data_uptr || !cmd->entry_len))
		rc = ifd_fail(ictx, -EINVAL, "HWPT_INVALIDATE: %u entries without data",
			      cmd->entry_num);
	else if (!(pt = ifd_obj_get(ictx, cmd->hwpt_id, IOK_IOMMUFD_OBJ_NONE)))
		rc = ifd_fail(ictx, -ENOENT, "no object %u", cmd->hwpt_id);
	else
		/* Only nested HWPTs and vIOMMUs take user invalidations; the model has neither. */
		rc = ifd_fail(ictx, -EINVAL, "HWPT_INVALIDATE: object %u is no nested HWPT",
			      cmd->hwpt_id);
	/* entry_num says how many were handled, also on failure. */
	cmd->entry_num = 0;
	ifd_respond(u);
	return rc;
}

int ifd_viommu_alloc(struct ifd_ucmd *u)
{
	struct iok_iommu_viommu_alloc *cmd = u->cmd;
	struct iok_iommufd *ictx = u->ictx;

	if (cmd->flags || !cmd->type)
		return ifd_fail(ictx, -EOPNOTSUPP, "VIOMMU_ALLOC: flags %#x type %u", cmd->flags,
				cmd->type);
	if (!ifd_get_device(ictx, cmd->dev_id))
		return ifd_fail(ictx, -ENOENT, "no device %u", cmd->dev_id);
	return ifd_fail(ictx, -EOPNOTSUPP, "no stage 2 in the model: the driver has no vIOMMU");
}

int ifd_vdevice_alloc(struct ifd_ucmd *u)
{
	struct iok_iommu_vdevice_alloc *cmd = u->cmd;

	/* No vIOMMU object can exist. */
	return ifd_fail(u->ictx, -ENOENT, "no vIOMMU %u", cmd->viommu_id);
}

int ifd_veventq_alloc(struct ifd_ucmd *u)
{
	struct iok_iommu_veventq_alloc *cmd = u->cmd;

	if (cmd->flags || cmd->reserved || !cmd->type)
		return ifd_fail(u->ictx, -EOPNOTSUPP, "VEVENTQ_ALLOC: flags, reserved or type");
	if (!cmd->veventq_depth)
		return ifd_fail(u->ictx, -EINVAL, "VEVENTQ_ALLOC: depth 0");
	return ifd_fail(u->ictx, -ENOENT, "no vIOMMU %u", cmd->viommu_id);
}

int ifd_hw_queue_alloc(struct ifd_ucmd *u)
{
	struct iok_iommu_hw_queue_alloc *cmd = u->cmd;
	uint64_t last;

	if (cmd->flags || !cmd->type)
		return ifd_fail(u->ictx, -EOPNOTSUPP, "HW_QUEUE_ALLOC: flags or type");
	if (!cmd->length)
		return ifd_fail(u->ictx, -EINVAL, "HW_QUEUE_ALLOC: length 0");
	if (__builtin_add_overflow(cmd->nesting_parent_iova, cmd->length - 1, &last))
		return ifd_fail(u->ictx, -EOVERFLOW, "HW_QUEUE_ALLOC: range wraps");
	return ifd_fail(u->ictx, -ENOENT, "no vIOMMU %u", cmd->viommu_id);
}
