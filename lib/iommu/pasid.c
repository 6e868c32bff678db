// SPDX-License-Identifier: MIT
/*
 * PASIDs (spec runtime 5): what pci_enable_pasid() allows a device, the
 * global PASID allocator, the group's pasid_array with attach, replace and
 * detach over the driver's set_dev_pasid, SVA domains that walk a process's
 * page table, and the hooks of I/O page faults (spec 6.4) that lib/sva
 * fills in: a domain's iopf_handler and the device side of PCIe PRI.
 */
#include <stdio.h>

#include "lib/iommu/iommu-private.h"
#include "lib/groups/groups-private.h"

#define PCI_EXT_CAP_ID_PRI	0x13
#define PCI_EXT_CAP_ID_PASID	0x1b
#define PCI_PASID_CAP		0x04
#define PCI_PASID_CAP_WIDTH	0x1f00
#define PCI_EXP_DEVCAP2		0x24
#define PCI_EXP_DEVCAP2_EE_PREFIX (1u << 21)

/* PASIDs are 20 bits wide in PCIe, VT-d and SMMUv3. */
#define PASID_BITS		20
#define PASID_LIMIT		(1u << PASID_BITS)
#define IDA_WORDS		(PASID_LIMIT / 64)

/*
 * Commit b3f6fcd8404f ("iommu: Skip PASID validation for devices without
 * PASID capability", 6.16): devices with max_pasids 0 neither veto a PASID
 * nor get it set. Before, every device of the group had to have the PASID.
 */
#define KERNEL_PASID_SKIPS_NONE	616

/* Page requests one DMA access may send before its fault is recorded. */
#define PRQ_RETRIES		3

/* One pasid_array slot: a domain, with the caller's handle or none. */
struct iok_pasid_ent {
	uint32_t pasid;
	struct iok_domain *d;
	const void *handle;
};

/* ---- what a device may use -------------------------------------------- */

/* dev->iommu->iommu_dev->max_pasids of the model's drivers. */
static unsigned int unit_max(const struct iok_driver *drv)
{
	switch (drv->kind) {
	case IOK_IOMMU_INTEL:
	case IOK_IOMMU_ARM:
		return PASID_LIMIT;
	case IOK_IOMMU_AMD:
		return 1u << 16;
	default:
		return 0;
	}
}

/* ops->blocked_domain with set_dev_pasid, and set_dev_pasid for the rest. */
static bool has_set_dev_pasid(const struct iok_driver *drv)
{
	return unit_max(drv) && drv->blocked;
}

/* pci_max_pasids() before the unit's clamp; 0 without a capability. */
static unsigned int cap_max(const struct iok_dev *fn)
{
	int pos = iok_cfg_find_ext_cap(fn, PCI_EXT_CAP_ID_PASID);
	unsigned int width;

	if (pos <= 0 || !cfg_has(fn, pos + PCI_PASID_CAP, 2))
		return 0;
	width = (cfg16(fn, pos + PCI_PASID_CAP) & PCI_PASID_CAP_WIDTH) >> 8;
	return 1u << (width > PASID_BITS ? PASID_BITS : width);
}

static bool devcap2_ee_prefix(const struct iok_dev *d)
{
	unsigned int off = d->pcie_pos + PCI_EXP_DEVCAP2;

	return d->pcie && cfg_has(d, off, 4) && (cfg32(d, off) & PCI_EXP_DEVCAP2_EE_PREFIX);
}

/*
 * pci_configure_eetlp_prefix(): End-End TLP Prefixes (which carry the
 * PASID) pass only if every function from the device up to a root port,
 * or the device itself as an RCiEP, supports them. Return: the function
 * where the chain breaks, or NULL.
 */
static struct iok_dev *eetlp_culprit(struct iok_dev *d)
{
	while (d) {
		if (!devcap2_ee_prefix(d))
			return d;
		if (d->type == IOK_PCIE_ROOT_PORT || d->type == IOK_PCIE_RC_END)
			return NULL;
		if (!d->bus || d->bus->is_root || !d->bus->self)
			return d;
		d = d->bus->self;
	}
	return NULL;
}

/*
 * pci_acs_path_enabled(dev, NULL, RR | UF): the device and every bridge
 * above it. Return: the first that fails, or NULL.
 */
static struct iok_dev *acs_culprit(const struct iok_grouping *g, struct iok_dev *d,
				   uint16_t *missing)
{
	struct iok_acs_verdict v;

	while (d) {
		if (!iok_acs_enabled(g, d, IOK_ACS_RR | IOK_ACS_UF, &v)) {
			*missing = v.missing ? v.missing : IOK_ACS_RR | IOK_ACS_UF;
			return d;
		}
		if (!d->bus || d->bus->is_root)
			return NULL;
		d = d->bus->self;
	}
	return NULL;
}

/* pci_enable_pasid()'s topology checks on a physical function. */
static void enable_checks(const struct iok_machine *m, struct iok_dev *fn,
			  struct iok_pasid_info *in)
{
	in->culprit = eetlp_culprit(fn);
	if (in->culprit) {
		in->reason = IOK_PASID_NO_TLP_PREFIX;
		return;
	}
	in->culprit = acs_culprit(m->g, fn, &in->missing_acs);
	if (in->culprit)
		in->reason = IOK_PASID_ACS;
}

static void pasid_info(const struct iok_machine *m, const struct iok_dev *dev,
		       struct iok_pasid_info *in)
{
	const struct mdev *md = M(m, dev);
	struct iok_dev *fn = dev->is_vf && dev->pf ? dev->pf : (struct iok_dev *)dev;

	memset(in, 0, sizeof(*in));
	in->unit_max = md->unit ? unit_max(md->unit->drv) : 0;
	if (!in->unit_max) {
		in->reason = IOK_PASID_NO_IOMMU;
		return;
	}
	/* No firmware property gives a platform device PASIDs here. */
	if (!dev->is_pci) {
		in->reason = IOK_PASID_NOT_PCI;
		return;
	}
	in->cap_max = cap_max(fn);
	in->pri = iok_cfg_find_ext_cap(fn, PCI_EXT_CAP_ID_PRI) > 0;
	if (!in->cap_max) {
		in->reason = IOK_PASID_NO_CAP;
		return;
	}
	/* Its requests carry the VMD endpoint's ID: no PASID of its own. */
	if (dev->vmd) {
		in->reason = IOK_PASID_VMD;
		return;
	}
	/* VFs share the PF's PASID configuration. */
	enable_checks(m, fn, in);
	if (in->reason && fn != dev)
		in->reason = IOK_PASID_PF;
	if (in->reason)
		return;
	in->max_pasids = in->cap_max < in->unit_max ? in->cap_max : in->unit_max;
}

static unsigned int max_pasids(const struct iok_machine *m, const struct iok_dev *dev)
{
	struct iok_pasid_info in;

	pasid_info(m, dev, &in);
	return in.max_pasids;
}

IOK_EXPORT int iok_dev_get_pasid_info(const struct iok_machine *m, const struct iok_dev *dev,
				      struct iok_pasid_info *info)
{
	if (!machine_has_dev(m, dev) || !info)
		return -EINVAL;
	pasid_info(m, dev, info);
	return 0;
}

IOK_EXPORT unsigned int iok_dev_get_max_pasids(const struct iok_machine *m,
					       const struct iok_dev *dev)
{
	return machine_has_dev(m, dev) ? max_pasids(m, dev) : 0;
}

IOK_EXPORT const char *iok_pasid_reason_name(enum iok_pasid_reason r)
{
	switch (r) {
	case IOK_PASID_OK: return "ok";
	case IOK_PASID_NO_IOMMU: return "no-iommu";
	case IOK_PASID_NOT_PCI: return "not-pci";
	case IOK_PASID_NO_CAP: return "no-cap";
	case IOK_PASID_VMD: return "vmd";
	case IOK_PASID_NO_TLP_PREFIX: return "no-tlp-prefix";
	case IOK_PASID_ACS: return "acs";
	case IOK_PASID_PF: return "pf";
	}
	return "unknown";
}

/* ---- the global allocator ---------------------------------------------- */

static bool ida_test(const struct iok_machine *m, uint32_t id)
{
	return m->pasid_ida && id < PASID_LIMIT && (m->pasid_ida[id / 64] >> (id % 64)) & 1;
}

/* ida_alloc_range(): the lowest clear bit in [lo, hi], or -ENOSPC. */
static int ida_alloc(struct iok_machine *m, uint32_t lo, uint32_t hi)
{
	uint32_t id = lo;

	if (!m->pasid_ida) {
		m->pasid_ida = calloc(IDA_WORDS, sizeof(*m->pasid_ida));
		if (!m->pasid_ida)
			return -ENOMEM;
	}
	while (id <= hi) {
		uint64_t free = ~m->pasid_ida[id / 64] & (~0ull << (id % 64));

		if (free) {
			id = (id & ~63u) + (uint32_t)__builtin_ctzll(free);
			if (id > hi)
				break;
			m->pasid_ida[id / 64] |= 1ull << (id % 64);
			return (int)id;
		}
		id = (id & ~63u) + 64;
	}
	return -ENOSPC;
}

IOK_EXPORT uint32_t iok_alloc_global_pasid(struct iok_machine *m, const struct iok_dev *dev)
{
	unsigned int max;
	int id;

	if (!machine_has_dev(m, dev))
		return IOK_PASID_INVALID;
	max = max_pasids(m, dev);
	if (!max)
		return IOK_PASID_INVALID;
	id = ida_alloc(m, IOK_FIRST_GLOBAL_PASID, max - 1);
	return id < 0 ? IOK_PASID_INVALID : (uint32_t)id;
}

IOK_EXPORT int iok_free_global_pasid(struct iok_machine *m, uint32_t pasid)
{
	if (!m)
		return -EINVAL;
	if (pasid == IOK_PASID_INVALID)
		return iok_machine_warn(m, -EINVAL, "freeing IOMMU_PASID_INVALID");
	if (!ida_test(m, pasid))
		return iok_machine_warn(m, -EINVAL, "ida_free: PASID %u is not allocated", pasid);
	m->pasid_ida[pasid / 64] &= ~(1ull << (pasid % 64));
	return 0;
}

IOK_EXPORT bool iok_global_pasid_in_use(const struct iok_machine *m, uint32_t pasid)
{
	return m && ida_test(m, pasid);
}

/* ---- the pasid_array ---------------------------------------------------- */

static struct iok_pasid_ent *ent_find(const struct iok_rgroup *rg, uint32_t pasid)
{
	unsigned int lo = 0, hi = rg->nr_pasid_ents;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (rg->pasid_ents[mid].pasid == pasid)
			return &rg->pasid_ents[mid];
		if (rg->pasid_ents[mid].pasid < pasid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* xa_insert()'s allocation, done before any device changes. */
static int ent_reserve(struct iok_rgroup *rg)
{
	struct iok_pasid_ent *p;
	unsigned int n;

	if (rg->nr_pasid_ents < rg->alloc_pasid_ents)
		return 0;
	n = rg->alloc_pasid_ents ? 2 * rg->alloc_pasid_ents : 4;
	p = realloc(rg->pasid_ents, n * sizeof(*p));
	if (!p)
		return -ENOMEM;
	rg->pasid_ents = p;
	rg->alloc_pasid_ents = n;
	return 0;
}

/* Publish an entry; ent_reserve() made room. */
static void ent_insert(struct iok_rgroup *rg, uint32_t pasid, struct iok_domain *d,
		       const void *handle)
{
	unsigned int i;

	for (i = 0; i < rg->nr_pasid_ents && rg->pasid_ents[i].pasid < pasid; i++)
		;
	memmove(&rg->pasid_ents[i + 1], &rg->pasid_ents[i],
		(rg->nr_pasid_ents - i) * sizeof(*rg->pasid_ents));
	rg->pasid_ents[i] = (struct iok_pasid_ent){ pasid, d, handle };
	rg->nr_pasid_ents++;
	rg->nr_pasids++;
}

static void ent_erase(struct iok_rgroup *rg, struct iok_pasid_ent *e)
{
	unsigned int i = e - rg->pasid_ents;

	memmove(e, e + 1, (rg->nr_pasid_ents - i - 1) * sizeof(*e));
	rg->nr_pasid_ents--;
	if (rg->nr_pasids)
		rg->nr_pasids--;
}

void iok_pasid_group_free(struct iok_rgroup *rg)
{
	free(rg->pasid_ents);
	rg->pasid_ents = NULL;
	rg->nr_pasid_ents = rg->alloc_pasid_ents = 0;
}

void iok_pasid_machine_free(struct iok_machine *m)
{
	struct iok_domain *d;

	/* SVA domains borrow their page table: its process frees it. */
	for (d = m->domains; d; d = d->next)
		if (d->type == IOK_DOMAIN_SVA)
			d->pt = NULL;
	free(m->pasid_ida);
	m->pasid_ida = NULL;
}

/* ---- the driver's set_dev_pasid ----------------------------------------- */

static uint16_t own_rid(const struct iok_dev *dev)
{
	return (uint16_t)(dev->busnr << 8 | dev->devfn);
}

/* The PASID entry goes: its cached translations with it (PASID-selective). */
static void flush_pasid(struct iok_iommu_unit *u, const struct iok_dev *dev, uint32_t pasid)
{
	int did = iok_unit_get_context(u, dev->domain, own_rid(dev), pasid, NULL);

	if (did > 0)
		iok_unit_iotlb_flush_pasid(u, (unsigned int)did, pasid);
}

/*
 * The model driver's set_dev_pasid: the PASID entry of the device's own
 * requester ID (the PASID table hangs off its context entry). The blocked
 * domain clears the entry; it cannot fail while the device is attached.
 */
static int driver_set_dev_pasid(struct iok_domain *d, struct iok_machine *m,
				struct iok_dev *dev, uint32_t pasid)
{
	struct mdev *md = M(m, dev);
	struct iok_iommu_unit *u = md->unit;
	int rc;

	md->set_pasid_calls++;
	if (d == u->drv->blocked) {
		flush_pasid(u, dev, pasid);
		rc = iok_context_set_pasid(m, dev, pasid, NULL);
		return rc == -ENOENT ? 0 : rc;
	}
	if (md->fail_nth && !--md->fail_nth)
		return iok_fail(m->ctx, md->fail_err, "%s: set_dev_pasid failed (injected)",
				iok_dev_get_name(dev));
	if (d->owner != u->drv || (d->unit && d->unit != u))
		return iok_fail(m->ctx, -EINVAL, "%s: %s domain of %s %s is not compatible with %s",
				iok_dev_get_name(dev), iok_domain_type_name(d->type),
				d->owner->name, d->unit ? d->unit->name : "(static)", u->name);
	flush_pasid(u, dev, pasid);
	rc = iok_context_set_pasid(m, dev, pasid, d);
	if (rc)
		return iok_fail(m->ctx, rc, "%s: PASID %u: no PASID entry could be written",
				iok_dev_get_name(dev), pasid);
	return 0;
}

/* iommu_remove_dev_pasid(): the blocked domain, which must not fail. */
static void remove_dev_pasid(struct iok_machine *m, struct iok_dev *dev, uint32_t pasid)
{
	char saved[sizeof(m->ctx->error)];

	memcpy(saved, m->ctx->error, sizeof(saved));
	if (driver_set_dev_pasid(M(m, dev)->unit->drv->blocked, m, dev, pasid))
		iok_machine_warn(m, -EIO, "%s: PASID %u not blocked", iok_dev_get_name(dev), pasid);
	memcpy(m->ctx->error, saved, sizeof(saved));
}

static bool skips_no_pasid(const struct iok_machine *m)
{
	return m->topo->params.kernel >= KERNEL_PASID_SKIPS_NONE;
}

/* Whether the group-wide loops touch @dev (spec 5.2; 6.16 skips no-PASID devices). */
static bool takes_pasid(const struct iok_machine *m, const struct iok_dev *dev)
{
	return !skips_no_pasid(m) || max_pasids(m, dev) > 0;
}

/*
 * __iommu_set_group_pasid(): every device in list order; a failure puts the
 * devices done back on @old, or on blocked when there was none (or @old
 * fails, a WARN).
 */
static int set_group_pasid(struct iok_domain *d, struct iok_rgroup *rg, uint32_t pasid,
			   struct iok_domain *old)
{
	struct iok_machine *m = rg->m;
	unsigned int i, k, n = iok_rgroup_nr_devs(rg);
	char saved[sizeof(m->ctx->error)];
	int rc = 0;

	for (i = 0; i < n; i++) {
		struct iok_dev *dev = iok_rgroup_dev(rg, i);

		if (!takes_pasid(m, dev))
			continue;
		rc = driver_set_dev_pasid(d, m, dev, pasid);
		if (rc)
			break;
	}
	if (!rc)
		return 0;
	memcpy(saved, m->ctx->error, sizeof(saved));
	for (k = 0; k < i; k++) {
		struct iok_dev *dev = iok_rgroup_dev(rg, k);

		if (!takes_pasid(m, dev))
			continue;
		if (!old)
			remove_dev_pasid(m, dev, pasid);
		else if (driver_set_dev_pasid(old, m, dev, pasid)) {
			iok_machine_warn(m, -EIO, "%s: PASID %u not put back", iok_dev_get_name(dev),
					 pasid);
			remove_dev_pasid(m, dev, pasid);
		}
	}
	memcpy(m->ctx->error, saved, sizeof(saved));
	return rc;
}

static void remove_group_pasid(struct iok_rgroup *rg, uint32_t pasid)
{
	unsigned int i;

	for (i = 0; i < iok_rgroup_nr_devs(rg); i++) {
		struct iok_dev *dev = iok_rgroup_dev(rg, i);

		if (takes_pasid(rg->m, dev))
			remove_dev_pasid(rg->m, dev, pasid);
	}
}

/* ---- attach, replace, detach -------------------------------------------- */

/* The checks attach and replace share, in the kernel's order. */
static int pasid_call_checks(struct iok_domain *d, struct iok_dev *dev, uint32_t pasid,
			     struct iok_rgroup **out)
{
	struct iok_machine *m = d->m;
	struct mdev *md = M(m, dev);

	if (!md->group)
		return iok_fail(m->ctx, -ENODEV, "%s has no IOMMU group", iok_dev_get_name(dev));
	if (!has_set_dev_pasid(md->unit->drv))
		return iok_fail(m->ctx, -EOPNOTSUPP, "%s: the %s driver has no set_dev_pasid",
				iok_dev_get_name(dev), md->unit->drv->name);
	if (d->owner != md->unit->drv)
		return iok_fail(m->ctx, -EINVAL, "%s: a domain of driver %s, its IOMMU is %s",
				iok_dev_get_name(dev), d->owner->name, md->unit->drv->name);
	if (pasid == IOK_NO_PASID)
		return iok_fail(m->ctx, -EINVAL, "PASID 0 is the RID's: not attachable by PASID");
	*out = md->group;
	return 0;
}

static int attach_device_pasid(struct iok_domain *d, struct iok_dev *dev, uint32_t pasid,
			       const void *handle)
{
	struct iok_machine *m = d->m;
	struct iok_rgroup *rg;
	unsigned int i;
	int rc = pasid_call_checks(d, dev, pasid, &rg);

	if (rc)
		return rc;
	for (i = 0; i < iok_rgroup_nr_devs(rg); i++) {
		struct iok_dev *o = iok_rgroup_dev(rg, i);
		unsigned int max = max_pasids(m, o);

		if (!max && skips_no_pasid(m))
			continue;
		if (pasid >= max)
			return iok_fail(m->ctx, -EINVAL, "group %d: PASID %u is beyond %s's %u PASIDs",
					rg->id, pasid, iok_dev_get_name(o), max);
	}
	if (ent_find(rg, pasid))
		return iok_fail(m->ctx, -EBUSY, "group %d: PASID %u is attached already: replace it",
				rg->id, pasid);
	rc = ent_reserve(rg);
	if (!rc)
		rc = set_group_pasid(d, rg, pasid, NULL);
	if (rc)
		return rc;
	ent_insert(rg, pasid, d, handle);
	return 0;
}

IOK_EXPORT int iok_attach_device_pasid(struct iok_domain *d, struct iok_dev *dev,
				       uint32_t pasid, const void *handle)
{
	if (!d || !machine_has_dev(d->m, dev))
		return -EINVAL;
	return iok_machine_checked(d->m, attach_device_pasid(d, dev, pasid, handle));
}

static int replace_device_pasid(struct iok_domain *d, struct iok_dev *dev, uint32_t pasid,
				const void *handle)
{
	struct iok_machine *m = d->m;
	struct iok_pasid_ent *e;
	struct iok_rgroup *rg;
	int rc = pasid_call_checks(d, dev, pasid, &rg);

	if (rc)
		return rc;
	if (!handle)
		return iok_fail(m->ctx, -EINVAL, "replacing PASID %u needs a handle", pasid);
	e = ent_find(rg, pasid);
	if (!e)
		return iok_fail(m->ctx, -EINVAL, "group %d: PASID %u is not attached: nothing to replace",
				rg->id, pasid);
	/* Paths read handles without the group lock: reuse is refused. */
	if (e->handle == handle)
		return iok_machine_warn(m, -EINVAL, "group %d: PASID %u replaced with its own handle",
					rg->id, pasid);
	if (e->d != d) {
		rc = set_group_pasid(d, rg, pasid, e->d);
		if (rc)
			return rc;
	}
	e->d = d;
	e->handle = handle;
	return 0;
}

IOK_EXPORT int iok_replace_device_pasid(struct iok_domain *d, struct iok_dev *dev,
					uint32_t pasid, const void *handle)
{
	if (!d || !machine_has_dev(d->m, dev))
		return -EINVAL;
	return iok_machine_checked(d->m, replace_device_pasid(d, dev, pasid, handle));
}

IOK_EXPORT int iok_detach_device_pasid(struct iok_domain *d, struct iok_dev *dev,
				       uint32_t pasid)
{
	struct iok_machine *m;
	struct iok_pasid_ent *e;
	struct iok_rgroup *rg;

	if (!d || !machine_has_dev(d->m, dev))
		return -EINVAL;
	m = d->m;
	rg = M(m, dev)->group;
	if (!rg)
		return iok_fail(m->ctx, -ENODEV, "%s has no IOMMU group", iok_dev_get_name(dev));
	e = pasid == IOK_NO_PASID ? NULL : ent_find(rg, pasid);
	if (!e || e->d != d)
		return iok_machine_warn(m, -EINVAL, "group %d: PASID %u is not attached to this %s domain",
					rg->id, pasid, iok_domain_type_name(d->type));
	remove_group_pasid(rg, pasid);
	ent_erase(rg, e);
	return iok_machine_checked(m, 0);
}

IOK_EXPORT int iok_attach_handle_get(const struct iok_rgroup *rg, uint32_t pasid,
				     unsigned int type, const void **handle,
				     struct iok_domain **d)
{
	const struct iok_pasid_ent *e;

	if (!rg)
		return -EINVAL;
	e = ent_find(rg, pasid);
	if (!e || !e->handle)
		return -ENOENT;
	if (type && e->d->type != type)
		return -EBUSY;
	if (handle)
		*handle = e->handle;
	if (d)
		*d = e->d;
	return 0;
}

/* ---- RID attach with a handle (iommufd, spec 1.2) ----------------------- */

IOK_EXPORT int iok_attach_group_handle(struct iok_domain *d, struct iok_rgroup *rg,
				       const void *handle)
{
	int rc;

	if (!d || !rg || d->m != rg->m)
		return -EINVAL;
	if (!handle)
		return iok_fail(rg->m->ctx, -EINVAL, "group %d: a handle attach without handle",
				rg->id);
	if (ent_find(rg, IOK_NO_PASID))
		return iok_fail(rg->m->ctx, -EBUSY, "group %d: its RID has a handle already", rg->id);
	rc = ent_reserve(rg);
	if (!rc)
		rc = iok_attach_group(d, rg);
	if (rc)
		return rc;
	ent_insert(rg, IOK_NO_PASID, d, handle);
	return iok_machine_checked(rg->m, 0);
}

IOK_EXPORT int iok_detach_group_handle(struct iok_domain *d, struct iok_rgroup *rg)
{
	struct iok_pasid_ent *e;
	int rc;

	if (!rg || (d && d->m != rg->m))
		return -EINVAL;
	rc = iok_detach_group(d, rg);
	e = ent_find(rg, IOK_NO_PASID);
	if (e)
		ent_erase(rg, e);
	return iok_machine_checked(rg->m, rc);
}

IOK_EXPORT int iok_replace_group_handle(struct iok_rgroup *rg, struct iok_domain *d,
					const void *handle)
{
	struct iok_pasid_ent *e;
	int rc;

	if (!rg)
		return -EINVAL;
	if (!d || !handle)
		return iok_fail(rg->m->ctx, -EINVAL, "group %d: replace needs a domain and a handle",
				rg->id);
	if (d->m != rg->m)
		return -EINVAL;
	rc = ent_reserve(rg);
	if (!rc)
		rc = iok_group_replace_domain(rg, d);
	if (rc)
		return rc;
	e = ent_find(rg, IOK_NO_PASID);
	if (e) {
		e->d = d;
		e->handle = handle;
	} else {
		ent_insert(rg, IOK_NO_PASID, d, handle);
	}
	return iok_machine_checked(rg->m, 0);
}

IOK_EXPORT unsigned int iok_rgroup_count_pasids(const struct iok_rgroup *rg)
{
	return rg ? rg->nr_pasid_ents : 0;
}

IOK_EXPORT int iok_rgroup_get_pasid(const struct iok_rgroup *rg, unsigned int i,
				    uint32_t *pasid, struct iok_domain **d, const void **handle)
{
	if (!rg)
		return -EINVAL;
	if (i >= rg->nr_pasid_ents)
		return -ENOENT;
	if (pasid)
		*pasid = rg->pasid_ents[i].pasid;
	if (d)
		*d = rg->pasid_ents[i].d;
	if (handle)
		*handle = rg->pasid_ents[i].handle;
	return 0;
}

IOK_EXPORT unsigned long iok_dev_get_set_pasid_calls(const struct iok_machine *m,
						     const struct iok_dev *dev)
{
	return machine_has_dev(m, dev) ? M(m, dev)->set_pasid_calls : 0;
}

/* ---- SVA domains --------------------------------------------------------- */

IOK_EXPORT int iok_domain_alloc_sva(struct iok_machine *m, struct iok_dev *dev,
				    struct iok_pgtable *pt, int fmt,
				    const void *mm, struct iok_domain **out)
{
	struct iok_iommu_unit *u;
	struct iok_domain *d;

	if (!machine_has_dev(m, dev) || !pt || !mm || !out)
		return -EINVAL;
	u = M(m, dev)->unit;
	if (!u)
		return iok_fail(m->ctx, -ENODEV, "%s: no IOMMU translates it", iok_dev_get_name(dev));
	if (!has_set_dev_pasid(u->drv))
		return iok_fail(m->ctx, -EOPNOTSUPP, "%s: the %s driver has no domain_alloc_sva",
				iok_dev_get_name(dev), u->drv->name);
	/* The unit walks the CPU's tables: they must be in its stage-1 format. */
	if (fmt != (int)u->drv->fmt)
		return iok_fail(m->ctx, -EOPNOTSUPP, "%s: %s walks %s page tables, not the process's",
				iok_dev_get_name(dev), u->name,
				u->drv->fmt == IOK_PGTABLE_X86_64 ? "x86-64" : "Arm LPAE");
	if (m->alloc_fail_nth && !--m->alloc_fail_nth)
		return iok_fail(m->ctx, -ENOMEM, "%s: the driver allocated no domain (injected)",
				u->name);
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->type = IOK_DOMAIN_SVA;
	d->owner = u->drv;
	d->unit = u;
	d->pt = pt;
	d->mm = mm;
	iok_pgtable_aperture(pt, &d->aperture_start, &d->aperture_end);
	d->m = m;
	d->next = m->domains;
	m->domains = d;
	*out = d;
	return iok_machine_checked(m, 0);
}

IOK_EXPORT const void *iok_domain_get_mm(const struct iok_domain *d)
{
	return d ? d->mm : NULL;
}

IOK_EXPORT int iok_domain_sva_release(struct iok_domain *d)
{
	struct iok_machine *m;
	unsigned int i;

	if (!d || d->type != IOK_DOMAIN_SVA)
		return -EINVAL;
	m = d->m;
	d->mm_released = true;
	for (i = 0; i < m->nr_units; i++) {
		struct iok_iommu_unit *u = &m->units[i];
		int did = iok_hw_did(u, d);

		if (did > 0) {
			u->hw.inv_domain++;
			iok_iotlb_inv_did(&u->hw, (unsigned int)did, IOTLB_ANY_PASID);
		}
	}
	d->pt = NULL;
	return 0;
}

IOK_EXPORT int iok_domain_set_iopf_handler(struct iok_domain *d, iok_iopf_handler_fn fn,
					   void *arg)
{
	if (!d)
		return -EINVAL;
	d->iopf_handler = fn;
	d->iopf_arg = fn ? arg : NULL;
	return 0;
}

IOK_EXPORT iok_iopf_handler_fn iok_domain_get_iopf_handler(const struct iok_domain *d,
							   void **arg)
{
	if (arg)
		*arg = d ? d->iopf_arg : NULL;
	return d ? d->iopf_handler : NULL;
}

/* ---- page requests ------------------------------------------------------- */

IOK_EXPORT int iok_unit_set_page_request_fn(struct iok_iommu_unit *u, iok_page_request_fn fn,
					    void *arg)
{
	if (!u)
		return -EINVAL;
	if (fn && u->prq_fn)
		return iok_fail(u->m->ctx, -EBUSY, "%s: page requests go elsewhere already",
				u->name);
	u->prq_fn = fn;
	u->prq_arg = fn ? arg : NULL;
	return 0;
}

IOK_EXPORT bool iok_unit_has_page_response(const struct iok_iommu_unit *u)
{
	return u && u->drv->kind != IOK_IOMMU_VIRTIO;
}

/*
 * PCIe PRI seen from the unit: a PASID-tagged access that found no page,
 * or too few rights, lets the device ask for the page (lib/sva answers)
 * and retry, a few times per access.
 */
bool iok_page_request(struct iok_iommu_unit *u, const struct iok_fault *f)
{
	if (!u->prq_fn || !u->prq_left || !f->dev || f->pasid == IOK_PASID_NONE ||
	    (f->reason != IOK_FAULT_NOT_PRESENT && f->reason != IOK_FAULT_PERMISSION))
		return false;
	u->prq_left--;
	return u->prq_fn(u, f, u->prq_arg) == 0;
}

/* Arm a DMA access's page-request budget (translate.c). */
void iok_page_request_arm(struct iok_iommu_unit *u)
{
	u->prq_left = PRQ_RETRIES;
}

/* ---- invariants ---------------------------------------------------------- */

#define BROKEN(m, ...) iok_fail((m)->ctx, -EUCLEAN, __VA_ARGS__)

/*
 * The hardware never translates a PASID the core does not know: each PASID
 * entry of a device is its group's slot with the same domain. (A device
 * hot-added after the attach lacks the entry: the kernel does not replay
 * PASIDs, spec 10 case 26.)
 */
static int check_dev(struct iok_machine *m, struct iok_rgroup *rg, const struct mdev *md)
{
	const struct iok_dev *dev = md->dev;
	const struct ctx_entry *e;
	unsigned int k;

	if (!dev->is_pci || !md->rid || !md->unit)
		return 0;
	e = iok_ctx_lookup(md->unit, dev->domain, own_rid(dev));
	for (k = 0; e && k < e->nr_pasids; k++) {
		const struct iok_pasid_ent *pe = ent_find(rg, e->pasids[k].pasid);

		if (!pe || pe->d != e->pasids[k].d)
			return BROKEN(m, "%s: PASID %u translates with a domain group %d %s",
				      iok_dev_get_name(dev), e->pasids[k].pasid, rg->id,
				      pe ? "has not on that PASID" : "has no PASID entry for");
	}
	return 0;
}

int iok_pasid_check(struct iok_machine *m)
{
	unsigned int i, k;
	int rc;

	for (i = 0; i < m->alloc_ids; i++) {
		struct iok_rgroup *rg = m->by_id[i];

		if (!rg)
			continue;
		for (k = 0; k < rg->nr_pasid_ents; k++) {
			const struct iok_pasid_ent *e = &rg->pasid_ents[k];

			if ((k && e->pasid <= e[-1].pasid) || !e->d || e->d->m != m)
				return BROKEN(m, "group %d: pasid_array entry %u is broken", rg->id,
					      e->pasid);
		}
		for (k = 0; k < iok_rgroup_nr_devs(rg); k++) {
			rc = check_dev(m, rg, M(m, iok_rgroup_dev(rg, k)));
			if (rc)
				return rc;
		}
	}
	return 0;
}
