// SPDX-License-Identifier: MIT
/*
 * Default domains (spec runtime 2.4) and DMA ownership (spec 4): the
 * default-domain type and its setup, sysfs "type" writes, device driver
 * bind and unbind as the driver core does them, and the owner claims of
 * VFIO and iommufd.
 */
#include "lib/iommu/iommu-private.h"

#define KERNEL_6_1 601

/* ---- default domain ---------------------------------------------------- */

/*
 * iommu_get_default_domain_type(): the model's drivers state no preference,
 * so only an untrusted device decides: DMA, and nothing else may be asked
 * for. Returns the type, 0 for "the global default", or an error.
 */
static int default_type(struct iok_rgroup *rg, int target)
{
	unsigned int i;

	for (i = 0; i < iok_rgroup_nr_devs(rg); i++) {
		struct iok_dev *d = iok_rgroup_dev(rg, i);

		if (!d->is_pci || !d->untrusted)
			continue;
		if (target && target != IOK_DOMAIN_DMA)
			return iok_fail(rg->m->ctx, -EINVAL,
					"group %d: %s is untrusted: DMA, not %s",
					rg->id, iok_dev_get_name(d), iok_domain_type_name(target));
		return IOK_DOMAIN_DMA;
	}
	return target;
}

static int alloc_typed(struct iok_rgroup *rg, int type, struct iok_domain **out)
{
	struct iok_iommu_unit *u = M(rg->m, iok_rgroup_dev(rg, 0))->unit;

	if (type == IOK_DOMAIN_IDENTITY) {
		if (!u->drv->identity)
			return -EOPNOTSUPP;
		*out = u->drv->identity;
		return 0;
	}
	return iok_domain_new_paging(u, type, out);
}

/* iommu_group_alloc_default_domain(): the global default falls back to DMA. */
static int alloc_default(struct iok_rgroup *rg, int type, struct iok_domain **out)
{
	struct iok_machine *m = rg->m;
	int rc;

	if (type)
		return alloc_typed(rg, type, out);
	rc = alloc_typed(rg, m->def_type, out);
	if (!rc || m->def_type == IOK_DOMAIN_DMA)
		return rc;
	rc = alloc_typed(rg, IOK_DOMAIN_DMA, out);
	if (!rc)
		warn(m->ctx, "group %d: no %s default domain, falling back to DMA", rg->id,
		     iok_domain_type_name(m->def_type));
	return rc;
}

static void domain_drop(struct iok_domain *d)
{
	/* A device stuck on it after a failed switch keeps it alive. */
	if (d && !d->is_static && !iok_domain_in_use(d))
		iok_domain_destroy(d);
}

static bool map_direct_all(struct iok_rgroup *rg, struct iok_domain *dom)
{
	bool ok = true;
	unsigned int i;

	for (i = 0; i < iok_rgroup_nr_devs(rg); i++)
		if (iok_map_direct(dom, rg->m, iok_rgroup_dev(rg, i)))
			ok = false;
	return ok;
}

/*
 * iommu_setup_default_domain(): a new default domain with the direct
 * regions mapped, then the group moved to it: must-succeed the first time,
 * with rollback when a domain was attached. A direct mapping that failed
 * before the attach is tried once more after it.
 */
int iok_setup_default_domain(struct iok_rgroup *rg, int target)
{
	struct iok_domain *old = rg->default_domain, *dom;
	bool direct_ok = true;
	unsigned int i;
	int type, rc;

	type = default_type(rg, target);
	if (type < 0)
		return type;
	rc = alloc_default(rg, type, &dom);
	if (rc)
		return iok_fail(rg->m->ctx, rc, "group %d: no %s default domain", rg->id,
				type ? iok_domain_type_name(type) : "global");
	if (dom == old)
		return 0;
	if (domain_is_dma(dom))
		direct_ok = map_direct_all(rg, dom);
	rg->default_domain = dom;
	iok_machine_changed(rg->m);
	if (!rg->domain) {
		rc = iok_group_set_domain(rg, dom, SET_DOMAIN_MUST_SUCCEED);
		if (rc)
			goto out_free_old;
	} else {
		rc = iok_group_set_domain(rg, dom, 0);
		if (rc)
			goto restore_default;
	}
	for (i = 0; !direct_ok && i < iok_rgroup_nr_devs(rg); i++) {
		rc = iok_map_direct(dom, rg->m, iok_rgroup_dev(rg, i));
		if (rc)
			goto restore_domain;
	}
out_free_old:
	domain_drop(old);
	return rc;
restore_domain:
	if (old)
		iok_group_set_domain(rg, old, SET_DOMAIN_MUST_SUCCEED);
restore_default:
	if (old) {
		rg->default_domain = old;
		iok_machine_changed(rg->m);
		domain_drop(dom);
	}
	return rc;
}

static const struct {
	const char *name;
	int type;
} sysfs_types[] = {
	{ "identity", IOK_DOMAIN_IDENTITY },
	{ "DMA", IOK_DOMAIN_DMA },
	{ "DMA-FQ", IOK_DOMAIN_DMA_FQ },
	{ "auto", 0 },
};

/* sysfs_streq(): a trailing newline is allowed. */
static int sysfs_type(const char *s)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sysfs_types); i++) {
		size_t n = strlen(sysfs_types[i].name);

		if (!strncmp(s, sysfs_types[i].name, n) &&
		    (!s[n] || (s[n] == '\n' && !s[n + 1])))
			return sysfs_types[i].type;
	}
	return -EINVAL;
}

/* Linux 6.1 (spec 10, measured): singleton groups, no driver, on the default domain. */
static int store_type_6_1(struct iok_rgroup *rg, int req)
{
	struct iok_machine *m = rg->m;
	struct iok_domain *def = rg->default_domain;
	bool fq_upgrade = req == IOK_DOMAIN_DMA_FQ && def->type == IOK_DOMAIN_DMA;
	int type;

	if (iok_rgroup_nr_devs(rg) != 1)
		return iok_fail(m->ctx, -EINVAL, "group %d has more than one device", rg->id);
	if (M(m, iok_rgroup_dev(rg, 0))->driver && !fq_upgrade)
		return iok_fail(m->ctx, -EBUSY, "group %d: the device is still bound to a driver",
				rg->id);
	if (rg->domain != def)
		return iok_fail(m->ctx, -EBUSY, "group %d is not on its default domain", rg->id);
	type = default_type(rg, req);
	if (type < 0)
		return type;
	if (!type)
		type = m->def_type;
	if (type == (int)def->type)
		return 0;
	if (fq_upgrade) {
		def->type = IOK_DOMAIN_DMA_FQ;
		iok_machine_changed(m);
		return 0;
	}
	return iok_setup_default_domain(rg, type);
}

IOK_EXPORT int iok_group_set_default_type(struct iok_rgroup *rg, const char *type)
{
	struct iok_domain *def;
	int req;

	if (!rg || !type)
		return -EINVAL;
	req = sysfs_type(type);
	if (req < 0)
		return iok_fail(rg->m->ctx, -EINVAL,
				"'%s' is not a group type (identity, DMA, DMA-FQ, auto)", type);
	def = rg->default_domain;
	if (!def)
		return iok_fail(rg->m->ctx, -EINVAL, "group %d has no default domain", rg->id);
	if (rg->m->topo->params.kernel <= KERNEL_6_1)
		return iok_machine_checked(rg->m, store_type_6_1(rg, req));
	/* A flush queue comes up without a new domain. */
	if (req == IOK_DOMAIN_DMA_FQ && def->type == IOK_DOMAIN_DMA) {
		def->type = IOK_DOMAIN_DMA_FQ;
		iok_machine_changed(rg->m);
		return iok_machine_checked(rg->m, 0);
	}
	if (!iok_rgroup_nr_devs(rg) || rg->owner_cnt)
		return iok_fail(rg->m->ctx, -EPERM,
				"group %d: a driver is bound or the group is owned (owner_cnt %u)",
				rg->id, rg->owner_cnt);
	return iok_machine_checked(rg->m, iok_setup_default_domain(rg, req));
}

IOK_EXPORT const char *iok_group_get_type_name(const struct iok_rgroup *rg)
{
	if (!rg || !rg->default_domain)
		return "unknown";
	return iok_domain_type_name(rg->default_domain->type);
}

/* ---- device drivers (spec 4.2, 4.3) ------------------------------------ */

/* iommu_device_use_default_domain(), called by the bus before probe. */
static int use_default_domain(struct iok_machine *m, struct iok_dev *dev)
{
	struct iok_rgroup *rg = M(m, dev)->group;

	if (!rg)
		return 0;
	if (!rg->default_domain)
		return iok_fail(m->ctx, -IOK_EPROBE_DEFER,
				"group %d has no default domain yet: probe deferred", rg->id);
	/* The first user takes the group as it is, whatever is attached. */
	if (!rg->owner_cnt) {
		rg->owner_cnt = 1;
		return 0;
	}
	if (rg->domain != rg->default_domain || rg->owner || rg->nr_pasids)
		return iok_fail(m->ctx, -EBUSY, "group %d is %s", rg->id,
				rg->owner ? "owned by user space" :
				rg->nr_pasids ? "using PASIDs" : "not on its default domain");
	rg->owner_cnt++;
	return 0;
}

int iok_device_unuse_default_domain(struct iok_machine *m, struct iok_dev *dev)
{
	struct iok_rgroup *rg = M(m, dev)->group;

	if (!rg)
		return 0;
	/* Counting down here would hand a group with PASIDs to a new owner. */
	if (!rg->owner_cnt || rg->nr_pasids)
		return iok_machine_warn(m, -EINVAL, "group %d: unuse with owner_cnt %u, %u PASIDs",
					rg->id, rg->owner_cnt, rg->nr_pasids);
	rg->owner_cnt--;
	return 0;
}

IOK_EXPORT int iok_device_bind_driver(struct iok_machine *m, struct iok_dev *dev,
				      const char *name, bool driver_managed_dma)
{
	struct mdev *md;
	int rc;

	if (!machine_has_dev(m, dev) || !name)
		return -EINVAL;
	md = M(m, dev);
	if (!md->present)
		return iok_fail(m->ctx, -ENODEV, "%s is not present", iok_dev_get_name(dev));
	if (md->driver)
		return iok_fail(m->ctx, -EBUSY, "%s is bound to %s", iok_dev_get_name(dev),
				md->driver);
	if (!driver_managed_dma) {
		rc = use_default_domain(m, dev);
		if (rc)
			return iok_fail_prefix(m->ctx, rc, name);
	}
	md->driver = strdup(name);
	iok_machine_changed(m);
	if (!md->driver) {
		if (!driver_managed_dma && md->group)
			md->group->owner_cnt--;
		return -ENOMEM;
	}
	md->driver_managed_dma = driver_managed_dma;
	return iok_machine_checked(m, 0);
}

IOK_EXPORT int iok_device_unbind_driver(struct iok_machine *m, struct iok_dev *dev)
{
	struct mdev *md;

	if (!machine_has_dev(m, dev))
		return -EINVAL;
	md = M(m, dev);
	if (!md->driver)
		return iok_fail(m->ctx, -ENODEV, "%s has no driver", iok_dev_get_name(dev));
	/* A WARN here still unbinds: the bus's dma_cleanup cannot fail. */
	if (!md->driver_managed_dma)
		iok_device_unuse_default_domain(m, dev);
	free(md->driver);
	md->driver = NULL;
	iok_machine_changed(m);
	md->driver_managed_dma = false;
	return iok_machine_checked(m, 0);
}

IOK_EXPORT const char *iok_dev_get_bound_driver(const struct iok_machine *m,
						const struct iok_dev *dev)
{
	return machine_has_dev(m, dev) ? M(m, dev)->driver : NULL;
}

/* ---- user ownership (spec 4.2) ----------------------------------------- */

static int alloc_blocking(struct iok_rgroup *rg)
{
	struct iok_iommu_unit *u = M(rg->m, iok_rgroup_dev(rg, 0))->unit;

	if (rg->blocking_domain)
		return 0;
	if (u->drv->blocked) {
		rg->blocking_domain = u->drv->blocked;
		return 0;
	}
	/* A driver without BLOCKED support blocks with an empty paging domain. */
	return iok_domain_new_paging(u, IOK_DOMAIN_UNMANAGED, &rg->blocking_domain);
}

/* __iommu_take_dma_ownership() */
static int take_ownership(struct iok_rgroup *rg, const void *owner)
{
	int rc;

	if ((rg->domain && rg->domain != rg->default_domain) || rg->nr_pasids)
		return iok_fail(rg->m->ctx, -EBUSY, "group %d is %s", rg->id,
				rg->nr_pasids ? "using PASIDs" : "not on its default domain");
	rc = alloc_blocking(rg);
	if (!rc)
		rc = iok_group_set_domain(rg, rg->blocking_domain, 0);
	if (rc)
		return rc;
	rg->owner = owner;
	rg->owner_cnt = 1;
	iok_machine_changed(rg->m);
	return 0;
}

/* __iommu_release_dma_ownership(): straight back to the default domain. */
static int release_ownership(struct iok_rgroup *rg)
{
	if (!rg->owner_cnt || !rg->owner || rg->nr_pasids)
		return iok_machine_warn(rg->m, -EINVAL,
					"group %d: releasing with owner_cnt %u, %s, %u PASIDs", rg->id, rg->owner_cnt, rg->owner ? "an owner" : "no owner",
					rg->nr_pasids);
	rg->owner_cnt = 0;
	rg->owner = NULL;
	iok_machine_changed(rg->m);
	/* Every alias set goes back with the group: release unsplits (split.c). */
	iok_split_released(rg, NULL);
	return iok_group_set_domain(rg, rg->default_domain, SET_DOMAIN_MUST_SUCCEED);
}

IOK_EXPORT int iok_group_claim_dma_owner(struct iok_rgroup *rg, const void *owner)
{
	if (!rg)
		return -EINVAL;
	if (!owner)
		return iok_machine_warn(rg->m, -EINVAL, "group %d: claimed with no owner", rg->id);
	/* Exclusive: a second claim fails even with the same cookie. */
	if (rg->owner_cnt)
		return iok_fail(rg->m->ctx, -EPERM, "group %d is in use (owner_cnt %u)",
				rg->id, rg->owner_cnt);
	return iok_machine_checked(rg->m, iok_split_claimed(rg, NULL, take_ownership(rg, owner)));
}

IOK_EXPORT int iok_group_release_dma_owner(struct iok_rgroup *rg)
{
	if (!rg)
		return -EINVAL;
	return iok_machine_checked(rg->m, release_ownership(rg));
}

IOK_EXPORT int iok_device_claim_dma_owner(struct iok_machine *m, struct iok_dev *dev,
					  const void *owner)
{
	struct iok_rgroup *rg;

	if (!machine_has_dev(m, dev))
		return -EINVAL;
	if (!owner)
		return iok_machine_warn(m, -EINVAL, "%s: claimed with no owner",
					iok_dev_get_name(dev));
	rg = M(m, dev)->group;
	if (!rg)
		return iok_fail(m->ctx, -ENODEV, "%s has no IOMMU group", iok_dev_get_name(dev));
	if (rg->owner_cnt) {
		/* Shared by cookie: the same owner only counts. */
		if (rg->owner != owner)
			return iok_fail(m->ctx, -EPERM, "group %d is in use by %s", rg->id,
					rg->owner ? "another owner" : "a DMA-API driver");
		rg->owner_cnt++;
		return iok_machine_checked(m, iok_split_claimed(rg, dev, 0));
	}
	return iok_machine_checked(m, iok_split_claimed(rg, dev, take_ownership(rg, owner)));
}

IOK_EXPORT int iok_device_release_dma_owner(struct iok_machine *m, struct iok_dev *dev)
{
	struct iok_rgroup *rg;

	if (!machine_has_dev(m, dev))
		return -EINVAL;
	rg = M(m, dev)->group;
	if (!rg)
		return iok_fail(m->ctx, -ENODEV, "%s has no IOMMU group", iok_dev_get_name(dev));
	if (rg->owner_cnt > 1) {
		rg->owner_cnt--;
		iok_split_released(rg, dev);
		return iok_machine_checked(m, 0);
	}
	return iok_machine_checked(m, release_ownership(rg));
}

IOK_EXPORT bool iok_group_dma_owner_claimed(const struct iok_rgroup *rg)
{
	return rg && rg->owner_cnt;
}
