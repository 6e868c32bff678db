// SPDX-License-Identifier: MIT
/*
 * Devices bound to an iommufd (spec runtime 4.5, 7.5): the bind claims DMA
 * ownership with the context as cookie; attachments are kept per iommu
 * group and PASID (the first device of a group at a PASID attaches the
 * group for real, through the core's attach handles and PASID calls, the
 * others only join); attach, replace and detach with the PASID
 * compatibility rules and the device reserved regions enforced in the
 * IOAS; GET_HW_INFO.
 */
#include "lib/uapi/iommufd-private.h"

/* ---- per-group state ----------------------------------------------------- */

static struct ifd_group *group_get(struct iok_iommufd *ictx, struct iok_rgroup *rg)
{
	struct ifd_group *ig;

	for (ig = ictx->groups; ig; ig = ig->next)
		if (ig->rg == rg) {
			ig->refs++;
			return ig;
		}
	ig = calloc(1, sizeof(*ig));
	if (!ig)
		return NULL;
	ig->rg = rg;
	ig->refs = 1;
	ig->next = ictx->groups;
	ictx->groups = ig;
	return ig;
}

static void group_put(struct iok_iommufd *ictx, struct ifd_group *ig)
{
	struct ifd_group **pp;

	if (--ig->refs)
		return;
	for (pp = &ictx->groups; *pp; pp = &(*pp)->next)
		if (*pp == ig) {
			*pp = ig->next;
			break;
		}
	free(ig->attach);
	free(ig);
}

struct ifd_attach *ifd_group_attach(const struct ifd_group *ig, uint32_t pasid)
{
	unsigned int i;

	for (i = 0; i < ig->nr_attach; i++)
		if (ig->attach[i].pasid == pasid)
			return &ig->attach[i];
	return NULL;
}

static struct ifd_attach *attach_new(struct ifd_group *ig, uint32_t pasid)
{
	struct ifd_attach *a = realloc(ig->attach, (ig->nr_attach + 1) * sizeof(*a));

	if (!a)
		return NULL;
	ig->attach = a;
	a = &ig->attach[ig->nr_attach++];
	memset(a, 0, sizeof(*a));
	a->pasid = pasid;
	return a;
}

static void attach_del(struct ifd_group *ig, struct ifd_attach *a)
{
	unsigned int i = a - ig->attach;

	free(a->devs);
	memmove(&ig->attach[i], &ig->attach[i + 1], (ig->nr_attach - i - 1) * sizeof(*a));
	ig->nr_attach--;
}

static bool attach_has(const struct ifd_attach *a, const struct ifd_device *idev)
{
	unsigned int i;

	for (i = 0; a && i < a->nr_devs; i++)
		if (a->devs[i] == idev)
			return true;
	return false;
}

static int attach_add_dev(struct ifd_attach *a, struct ifd_device *idev)
{
	struct ifd_device **d = realloc(a->devs, (a->nr_devs + 1) * sizeof(*d));

	if (!d)
		return -ENOMEM;
	a->devs = d;
	d[a->nr_devs++] = idev;
	return 0;
}

static void attach_del_dev(struct ifd_attach *a, struct ifd_device *idev)
{
	unsigned int i, j = 0;

	for (i = 0; i < a->nr_devs; i++)
		if (a->devs[i] != idev)
			a->devs[j++] = a->devs[i];
	a->nr_devs = j;
}

/* ---- I/O page faults: the driver enables IOPF for a domain with a handler --- */

static bool group_wants_iopf(const struct ifd_group *ig)
{
	unsigned int i;

	for (i = 0; i < ig->nr_attach; i++)
		if (ig->attach[i].hwpt && ig->attach[i].hwpt->fault)
			return true;
	return false;
}

/*
 * Every device of the group joins its unit's IOPF queue while the group has
 * a HWPT with a FAULT object attached, and leaves it after (as VT-d's and
 * SMMUv3's attach paths do); devices SVA put in a queue are left alone.
 */
static void group_sync_iopf(struct iok_iommufd *ictx, struct ifd_group *ig)
{
	bool want = group_wants_iopf(ig);
	struct iok_iopf_queue *q;
	struct iok_pri_state st;
	struct ifd_device *idev;
	struct iok_dev *dev;
	unsigned int i;
	uint32_t id;

	if (!ictx->sva)
		return;
	for (i = 0; i < iok_rgroup_count_devs(ig->rg); i++) {
		dev = iok_rgroup_get_dev(ig->rg, i);
		q = iok_sva_get_iopf_queue(ictx->sva, iok_dev_get_unit(ictx->m, dev));
		idev = NULL;
		for (id = 1; id < ictx->alloc_objs && !idev; id++) {
			idev = ifd_get_device(ictx, id);
			if (idev && idev->dev != dev)
				idev = NULL;
		}
		if (!idev || !q)
			continue;
		if (want && !idev->iopf && !iok_dev_get_pri_state(ictx->sva, dev, &st) &&
		    !st.in_queue)
			idev->iopf = !iok_iopf_queue_add_device(q, dev);
		else if (!want && idev->iopf) {
			iok_iopf_queue_remove_device(q, dev);
			idev->iopf = false;
		}
	}
}

/* ---- the core's attach through handles ----------------------------------- */

/* iommufd_hwpt_pasid_compat(): PASIDs need PASID-capable HWPTs at the PASID and the RID. */
static int pasid_compat(struct iok_iommufd *ictx, const struct ifd_hwpt *hwpt,
			const struct ifd_group *ig, uint32_t pasid)
{
	const struct ifd_attach *rid;
	unsigned int i;

	if (pasid == IOK_NO_PASID) {
		for (i = 0; i < ig->nr_attach && !hwpt->pasid_compat; i++)
			if (ig->attach[i].pasid != IOK_NO_PASID)
				return ifd_fail(ictx, -EINVAL, "PASID %u is attached: the RID "
						"needs a PASID-capable HWPT", ig->attach[i].pasid);
		return 0;
	}
	if (!hwpt->pasid_compat)
		return ifd_fail(ictx, -EINVAL, "HWPT %u was not allocated for PASIDs",
				hwpt->obj.id);
	rid = ifd_group_attach(ig, IOK_NO_PASID);
	if (rid && rid->hwpt && !rid->hwpt->pasid_compat)
		return ifd_fail(ictx, -EINVAL, "the RID's HWPT %u is not PASID-capable",
				rid->hwpt->obj.id);
	return 0;
}

/* iommufd_hwpt_compatible_device(): PRI of a VF is shared with its PF. */
static int compatible_device(struct iok_iommufd *ictx, const struct ifd_hwpt *hwpt,
			     const struct ifd_device *idev)
{
	struct iok_pasid_info pi;

	if (!hwpt->fault || !iok_dev_is_pci(idev->dev) || !iok_dev_is_vf(idev->dev))
		return 0;
	if (iok_dev_get_pasid_info(ictx->m, idev->dev, &pi) || !pi.pri)
		return 0;
	return ifd_fail(ictx, -EINVAL, "%s: a VF with PRI cannot take user faults",
			iok_dev_get_name(idev->dev));
}

static int core_attach(struct ifd_hwpt *hwpt, struct ifd_device *idev, uint32_t pasid,
		       struct ifd_handle **out)
{
	struct ifd_handle *h = calloc(1, sizeof(*h));
	int rc;

	if (!h)
		return -ENOMEM;
	h->idev = idev;
	if (pasid == IOK_NO_PASID)
		rc = iok_attach_group_handle(hwpt->domain, idev->igroup->rg, h);
	else
		rc = iok_attach_device_pasid(hwpt->domain, idev->dev, pasid, h);
	if (rc) {
		free(h);
		return rc;
	}
	*out = h;
	return 0;
}

static void core_detach(struct ifd_hwpt *hwpt, struct ifd_device *idev, struct ifd_attach *a)
{
	if (a->pasid == IOK_NO_PASID)
		iok_detach_group_handle(hwpt->domain, idev->igroup->rg);
	else
		iok_detach_device_pasid(hwpt->domain, idev->dev, a->pasid);
	if (hwpt->fault)
		ifd_fault_auto_respond(hwpt->fault, a->handle);
	free(a->handle);
	a->handle = NULL;
}

static bool is_paging(const struct ifd_hwpt *hwpt)
{
	return hwpt->obj.type == IOK_IOMMUFD_OBJ_HWPT_PAGING;
}

/*
 * iommufd_hw_pagetable_attach(): this device joins the group's attachment at
 * @pasid; the first one attaches the group (RID) or its PASID for real.
 */
int ifd_hw_attach(struct ifd_hwpt *hwpt, struct ifd_device *idev, uint32_t pasid)
{
	struct iok_iommufd *ictx = idev->ictx;
	struct ifd_group *ig = idev->igroup;
	struct ifd_attach *a = ifd_group_attach(ig, pasid);
	bool resv = is_paging(hwpt) && pasid == IOK_NO_PASID;
	int rc;

	if (attach_has(a, idev))
		return ifd_fail(ictx, -EBUSY, "device %u is attached at PASID %u already",
				idev->obj.id, pasid);
	if (a && a->hwpt != hwpt)
		return ifd_fail(ictx, -EINVAL, "group %d is attached to HWPT %u at PASID %u",
				iok_rgroup_get_id(ig->rg), a->hwpt->obj.id, pasid);
	if (resv) {
		rc = ifd_iopt_enforce_dev_resv(hwpt->ioas, idev->dev);
		if (rc)
			return rc;
	}
	if (!a) {
		rc = compatible_device(ictx, hwpt, idev);
		if (!rc)
			rc = pasid_compat(ictx, hwpt, ig, pasid);
		if (!rc && !(a = attach_new(ig, pasid)))
			rc = -ENOMEM;
		if (!rc) {
			rc = core_attach(hwpt, idev, pasid, &a->handle);
			if (rc)
				attach_del(ig, a);
			else
				a->hwpt = hwpt;
		}
		if (rc)
			goto unresv;
	}
	rc = attach_add_dev(a, idev);
	if (rc) {
		if (!a->nr_devs) {
			core_detach(hwpt, idev, a);
			attach_del(ig, a);
		}
		goto unresv;
	}
	hwpt->obj.users++;
	group_sync_iopf(ictx, ig);
	return 0;
unresv:
	if (resv)
		ifd_iopt_remove_reserved(hwpt->ioas, idev->dev);
	return rc;
}

/* iommufd_hw_pagetable_detach(): the HWPT the device left, for the caller to put. */
struct ifd_hwpt *ifd_hw_detach(struct ifd_device *idev, uint32_t pasid)
{
	struct ifd_group *ig = idev->igroup;
	struct ifd_attach *a = ifd_group_attach(ig, pasid);
	struct ifd_hwpt *hwpt;

	if (!attach_has(a, idev))
		return NULL;
	hwpt = a->hwpt;
	attach_del_dev(a, idev);
	if (!a->nr_devs) {
		core_detach(hwpt, idev, a);
		attach_del(ig, a);
	}
	if (is_paging(hwpt) && pasid == IOK_NO_PASID)
		ifd_iopt_remove_reserved(hwpt->ioas, idev->dev);
	group_sync_iopf(idev->ictx, ig);
	return hwpt;
}

static void remove_group_resv(struct ifd_attach *a, struct ifd_ioas *ioas)
{
	unsigned int i;

	for (i = 0; i < a->nr_devs; i++)
		ifd_iopt_remove_reserved(ioas, a->devs[i]->dev);
}

/* The new IOAS must take the reserved regions of every device of the group. */
static int replace_resv(struct ifd_attach *a, struct ifd_hwpt *hwpt, bool *added)
{
	struct ifd_hwpt *old = a->hwpt;
	unsigned int i;
	int rc;

	*added = !is_paging(old) || old->ioas != hwpt->ioas;
	if (!*added)
		return 0;
	for (i = 0; i < a->nr_devs; i++) {
		rc = ifd_iopt_enforce_dev_resv(hwpt->ioas, a->devs[i]->dev);
		if (rc) {
			remove_group_resv(a, hwpt->ioas);
			return rc;
		}
	}
	return 0;
}

static int core_replace(struct ifd_hwpt *hwpt, struct ifd_device *idev, uint32_t pasid,
			struct ifd_handle **out)
{
	struct ifd_handle *h = calloc(1, sizeof(*h));
	int rc;

	if (!h)
		return -ENOMEM;
	h->idev = idev;
	if (pasid == IOK_NO_PASID)
		rc = iok_replace_group_handle(idev->igroup->rg, hwpt->domain, h);
	else
		rc = iok_replace_device_pasid(hwpt->domain, idev->dev, pasid, h);
	if (rc) {
		free(h);
		return rc;
	}
	*out = h;
	return 0;
}

/*
 * iommufd_device_do_replace(): the whole group moves to @hwpt at @pasid;
 * *@old receives the HWPT left, for the caller to put.
 */
static int do_replace(struct ifd_device *idev, uint32_t pasid, struct ifd_hwpt *hwpt,
		      struct ifd_hwpt **old)
{
	struct iok_iommufd *ictx = idev->ictx;
	struct ifd_group *ig = idev->igroup;
	struct ifd_attach *a = ifd_group_attach(ig, pasid);
	bool resv = is_paging(hwpt) && pasid == IOK_NO_PASID, added = false;
	struct ifd_handle *h = NULL;
	struct ifd_hwpt *prev;
	int rc;

	*old = NULL;
	if (!a)
		return ifd_fail(ictx, -EINVAL, "nothing is attached at PASID %u", pasid);
	if (!attach_has(a, idev))
		return ifd_fail(ictx, -EINVAL, "device %u is not attached at PASID %u",
				idev->obj.id, pasid);
	prev = a->hwpt;
	if (hwpt == prev)
		return 0;
	if (resv) {
		rc = replace_resv(a, hwpt, &added);
		if (rc)
			return rc;
	}
	rc = compatible_device(ictx, hwpt, idev);
	if (!rc)
		rc = pasid_compat(ictx, hwpt, ig, pasid);
	if (!rc)
		rc = core_replace(hwpt, idev, pasid, &h);
	if (rc) {
		if (added)
			remove_group_resv(a, hwpt->ioas);
		return rc;
	}
	if (prev->fault)
		ifd_fault_auto_respond(prev->fault, a->handle);
	free(a->handle);
	a->handle = h;
	if (is_paging(prev) && pasid == IOK_NO_PASID && (!is_paging(hwpt) ||
							 hwpt->ioas != prev->ioas))
		remove_group_resv(a, prev->ioas);
	a->hwpt = hwpt;
	/* The group's devices' references move; the caller puts the last one. */
	hwpt->obj.users += a->nr_devs;
	prev->obj.users -= a->nr_devs - 1;
	group_sync_iopf(ictx, ig);
	*old = prev;
	return 0;
}

static int do_change(struct ifd_device *idev, uint32_t pasid, struct ifd_hwpt *hwpt,
		     bool replace, struct ifd_hwpt **old)
{
	*old = NULL;
	return replace ? do_replace(idev, pasid, hwpt, old) : ifd_hw_attach(hwpt, idev, pasid);
}

/*
 * iommufd_device_auto_get_domain(): any automatic HWPT of the IOAS the
 * device accepts (-EINVAL: incompatible, try the next), else a new one.
 */
static int auto_get_domain(struct ifd_device *idev, uint32_t pasid, struct ifd_ioas *ioas,
			   uint32_t *pt_id, bool replace, struct ifd_hwpt **old)
{
	struct iok_iommufd *ictx = idev->ictx;
	struct ifd_hwpt *hwpt;
	unsigned int i;
	int rc;

	for (i = 0; i < ioas->nr_hwpts; i++) {
		hwpt = ioas->hwpts[i];
		if (!hwpt->auto_domain)
			continue;
		rc = do_change(idev, pasid, hwpt, replace, old);
		if (rc == -EINVAL)
			continue;
		if (!rc)
			*pt_id = hwpt->obj.id;
		return rc;
	}
	rc = ifd_hwpt_paging_alloc(ictx, ioas, idev, pasid, 0, !replace, false, &hwpt);
	if (rc)
		return rc;
	if (replace) {
		rc = do_replace(idev, pasid, hwpt, old);
		if (rc) {
			ifd_obj_remove(ictx, &hwpt->obj);
			ifd_hwpt_destroy(hwpt);
			return rc;
		}
	}
	hwpt->auto_domain = true;
	*pt_id = hwpt->obj.id;
	return 0;
}

/* iommufd_device_change_pt() */
static int change_pt(struct ifd_device *idev, uint32_t pasid, uint32_t *pt_id, bool replace)
{
	struct iok_iommufd *ictx = idev->ictx;
	struct ifd_hwpt *old = NULL;
	struct ifd_obj *pt;
	int rc;

	pt = ifd_obj_get(ictx, *pt_id, IOK_IOMMUFD_OBJ_NONE);
	if (!pt)
		return ifd_fail(ictx, -ENOENT, "no object %u", *pt_id);
	switch (pt->type) {
	case IOK_IOMMUFD_OBJ_HWPT_PAGING:
	case IOK_IOMMUFD_OBJ_HWPT_NESTED:
		rc = do_change(idev, pasid, (struct ifd_hwpt *)pt, replace, &old);
		break;
	case IOK_IOMMUFD_OBJ_IOAS:
		rc = auto_get_domain(idev, pasid, (struct ifd_ioas *)pt, pt_id, replace, &old);
		break;
	default:
		return ifd_fail(ictx, -EINVAL, "object %u is no IOAS or HWPT", *pt_id);
	}
	if (old)
		ifd_hwpt_put(ictx, old);
	return rc;
}

/* ---- the kernel API of binding drivers ----------------------------------- */

static struct ifd_device *get_idev(struct iok_iommufd *ictx, uint32_t dev_id)
{
	struct ifd_device *idev = ictx ? ifd_get_device(ictx, dev_id) : NULL;

	if (ictx && !idev)
		ifd_fail(ictx, -ENOENT, "no device %u", dev_id);
	return idev;
}

IOK_EXPORT int iok_iommufd_device_attach(struct iok_iommufd *ictx, uint32_t dev_id,
					 uint32_t pasid, uint32_t *pt_id)
{
	struct ifd_device *idev = get_idev(ictx, dev_id);
	int rc;

	if (!ictx || !pt_id)
		return -EINVAL;
	if (!idev)
		return -ENOENT;
	rc = change_pt(idev, pasid, pt_id, false);
	if (!rc)
		idev->obj.users++;
	return rc;
}

IOK_EXPORT int iok_iommufd_device_replace(struct iok_iommufd *ictx, uint32_t dev_id,
					  uint32_t pasid, uint32_t *pt_id)
{
	struct ifd_device *idev = get_idev(ictx, dev_id);

	if (!ictx || !pt_id)
		return -EINVAL;
	if (!idev)
		return -ENOENT;
	return change_pt(idev, pasid, pt_id, true);
}

IOK_EXPORT int iok_iommufd_device_detach(struct iok_iommufd *ictx, uint32_t dev_id,
					 uint32_t pasid)
{
	struct ifd_device *idev = get_idev(ictx, dev_id);
	struct ifd_hwpt *hwpt;

	if (!ictx)
		return -EINVAL;
	if (!idev)
		return -ENOENT;
	hwpt = ifd_hw_detach(idev, pasid);
	if (!hwpt)
		return 0;
	ifd_hwpt_put(ictx, hwpt);
	idev->obj.users--;
	return 0;
}

IOK_EXPORT int iok_iommufd_device_bind(struct iok_iommufd *ictx, struct iok_dev *dev,
				       uint32_t *id)
{
	struct ifd_device *idev;
	struct iok_rgroup *rg;
	struct ifd_group *ig;
	uint32_t i;
	int rc;

	if (!ictx || !dev || !id || dev->topo != iok_machine_get_topo(ictx->m))
		return -EINVAL;
	for (i = 1; i < ictx->alloc_objs; i++) {
		idev = ifd_get_device(ictx, i);
		if (idev && idev->dev == dev)
			return ifd_fail(ictx, -EINVAL, "%s is bound already (device %u)",
					iok_dev_get_name(dev), i);
	}
	rg = iok_dev_get_rgroup(ictx->m, dev);
	if (!rg)
		return ifd_fail(ictx, -ENODEV, "%s has no IOMMU group", iok_dev_get_name(dev));
	ig = group_get(ictx, rg);
	idev = calloc(1, sizeof(*idev));
	if (!ig || !idev) {
		rc = -ENOMEM;
		goto err;
	}
	rc = iok_device_claim_dma_owner(ictx->m, dev, ictx);
	if (rc) {
		ifd_fail(ictx, rc, "%s: DMA ownership: %s", iok_dev_get_name(dev),
			 iok_get_error(ictx->ctx));
		goto err;
	}
	rc = ifd_obj_add(ictx, &idev->obj, IOK_IOMMUFD_OBJ_DEVICE);
	if (rc) {
		iok_device_release_dma_owner(ictx->m, dev);
		goto err;
	}
	idev->ictx = ictx;
	idev->dev = dev;
	idev->igroup = ig;
	/* The binding driver holds it until unbind. */
	idev->obj.users++;
	*id = idev->obj.id;
	return 0;
err:
	free(idev);
	if (ig)
		group_put(ictx, ig);
	return rc;
}

void ifd_device_destroy(struct ifd_device *idev)
{
	struct iok_iommufd *ictx = idev->ictx;

	/* Another device of the group may still have a HWPT with faults attached. */
	if (idev->iopf && ictx->sva)
		iok_iopf_queue_remove_device(iok_sva_get_iopf_queue(ictx->sva,
				iok_dev_get_unit(ictx->m, idev->dev)), idev->dev);
	iok_device_release_dma_owner(ictx->m, idev->dev);
	group_put(idev->ictx, idev->igroup);
	free(idev);
}

IOK_EXPORT int iok_iommufd_device_unbind(struct iok_iommufd *ictx, uint32_t dev_id)
{
	struct ifd_device *idev = get_idev(ictx, dev_id);
	struct ifd_group *ig;
	unsigned int i;

	if (!ictx)
		return -EINVAL;
	if (!idev)
		return -ENOENT;
	ig = idev->igroup;
	/* VFIO detaches before it unbinds: PASIDs first, the RID last. */
	for (i = ig->nr_attach; i--;)
		if (i < ig->nr_attach && ig->attach[i].pasid != IOK_NO_PASID &&
		    attach_has(&ig->attach[i], idev))
			iok_iommufd_device_detach(ictx, dev_id, ig->attach[i].pasid);
	iok_iommufd_device_detach(ictx, dev_id, IOK_NO_PASID);
	ifd_obj_remove(ictx, &idev->obj);
	ifd_device_destroy(idev);
	return 0;
}

/* ---- GET_HW_INFO --------------------------------------------------------- */

/* The driver's hw_info(): registers are not modelled and read as zero. */
static unsigned int drv_hw_info(const char *drv, uint32_t *type)
{
	if (!strcmp(drv, "intel")) {
		*type = IOK_IOMMU_HW_INFO_TYPE_INTEL_VTD;
		return 24;	/* struct iommu_hw_info_vtd */
	}
	if (!strcmp(drv, "arm")) {
		*type = IOK_IOMMU_HW_INFO_TYPE_ARM_SMMUV3;
		return 40;	/* struct iommu_hw_info_arm_smmuv3 */
	}
	*type = IOK_IOMMU_HW_INFO_TYPE_NONE;
	return 0;
}

int ifd_get_hw_info(struct ifd_ucmd *u)
{
	struct iok_iommu_hw_info *cmd = u->cmd;
	struct iok_iommufd *ictx = u->ictx;
	uint8_t *out = (uint8_t *)(uintptr_t)cmd->data_uptr;
	struct ifd_device *idev;
	unsigned int len, max;
	uint32_t type;

	if (cmd->flags & ~IOK_IOMMU_HW_INFO_FLAG_INPUT_TYPE)
		return ifd_fail(ictx, -EOPNOTSUPP, "GET_HW_INFO: flags %#x", cmd->flags);
	if (cmd->reserved[0] || cmd->reserved[1] || cmd->reserved[2])
		return ifd_fail(ictx, -EOPNOTSUPP, "GET_HW_INFO: reserved set");
	if (!(cmd->flags & IOK_IOMMU_HW_INFO_FLAG_INPUT_TYPE))
		cmd->data_type = IOK_IOMMU_HW_INFO_TYPE_DEFAULT;
	idev = ifd_get_device(ictx, cmd->dev_id);
	if (!idev)
		return ifd_fail(ictx, -ENOENT, "no device %u", cmd->dev_id);
	len = drv_hw_info(iok_unit_get_driver(iok_dev_get_unit(ictx->m, idev->dev)), &type);
	if (len && cmd->data_type != IOK_IOMMU_HW_INFO_TYPE_DEFAULT && cmd->data_type != type)
		return ifd_fail(ictx, -EOPNOTSUPP, "GET_HW_INFO: the driver has no type %u",
				cmd->data_type);
	if (cmd->data_len && !out)
		return ifd_fail(ictx, -EFAULT, "GET_HW_INFO: bad data_uptr");
	/* The driver's data (zeros), then zeros to the end of the caller's buffer. */
	if (cmd->data_len)
		memset(out, 0, cmd->data_len);
	max = iok_dev_get_max_pasids(ictx->m, idev->dev);
	cmd->data_type = type;
	cmd->data_len = len;
	cmd->out_capabilities = 0;
	if (ifd_dev_dirty_capable(ictx->m, idev->dev))
		cmd->out_capabilities |= IOK_IOMMU_HW_CAP_DIRTY_TRACKING;
	cmd->out_max_pasid_log2 = max ? 63 - __builtin_clzll(max) : 0;
	return ifd_respond(u);
}
