// SPDX-License-Identifier: MIT
/*
 * Group attach and detach (spec runtime 3.1, 3.2): the driver's
 * attach_dev, the core's per-device and per-group switch with its rollback
 * and must-succeed modes, and the public operations in front of them.
 */
#include "lib/iommu/iommu-private.h"

/*
 * The model driver's attach_dev. A domain of another driver, or a paging
 * domain of another unit of this driver, is incompatible (-EINVAL, the
 * soft error callers may try another domain on).
 */
static int driver_attach(struct iok_domain *d, struct iok_machine *m, struct iok_dev *dev)
{
	struct mdev *md = M(m, dev);
	int rc;

	md->attach_calls++;
	if (md->fail_nth && !--md->fail_nth)
		return iok_fail(m->ctx, md->fail_err, "%s: attach_dev failed (injected)",
				iok_dev_get_name(dev));
	if (d->owner != md->unit->drv || (d->unit && d->unit != md->unit))
		return iok_fail(m->ctx, -EINVAL, "%s: %s domain of %s %s is not compatible with %s",
				iok_dev_get_name(dev), iok_domain_type_name(d->type),
				d->owner->name, d->unit ? d->unit->name : "(static)",
				md->unit->name);
	/* The hardware side: domain ID and context entries of the RID and aliases. */
	rc = iok_hw_attach(m, dev, d);
	if (rc)
		return iok_fail(m->ctx, rc, "%s: programming the context entries failed",
				iok_dev_get_name(dev));
	if (md->rid)
		md->rid->nr_attached--;
	md->rid = d;
	iok_machine_changed(m);
	d->nr_attached++;
	md->stuck = false;
	return 0;
}

void iok_device_release_rid(struct iok_machine *m, struct iok_dev *dev)
{
	struct mdev *md = M(m, dev);

	iok_hw_release(m, dev);
	if (md->rid)
		md->rid->nr_attached--;
	md->rid = NULL;
	iok_machine_changed(m);
	iok_split_forget(m, dev);
}

/* __iommu_device_set_domain(): one device of @rg onto @new. */
int iok_device_set_domain(struct iok_rgroup *rg, struct iok_dev *dev,
			  struct iok_domain *new, unsigned int flags)
{
	struct iok_machine *m = rg->m;
	struct mdev *md = M(m, dev);
	int rc;

	/* Joining a split group: where its alias set is (split.c). */
	if (rg->nr_split && !md->rid) {
		rc = iok_split_join(rg, dev, &new);
		if (rc)
			return rc;
	}
	/* Its direct regions must stay mapped: never blocked (spec 2.7). */
	if (md->require_direct &&
	    (new->type == IOK_DOMAIN_BLOCKED || new == rg->blocking_domain)) {
		warn(m->ctx, "%s has direct regions: not attaching a blocking domain",
		     iok_dev_get_name(dev));
		return iok_fail(m->ctx, -EINVAL,
				"%s needs its direct regions mapped: group %d cannot be blocked",
				iok_dev_get_name(dev), rg->id);
	}
	if (md->attach_deferred) {
		if (new == rg->default_domain)
			return 0;
		md->attach_deferred = false;
	}
	rc = driver_attach(new, m, dev);
	if (!rc)
		return 0;
	/* Rather the blocking domain than a domain that may be freed. */
	if ((flags & SET_DOMAIN_MUST_SUCCEED) && rg->blocking_domain &&
	    rg->blocking_domain != new) {
		char saved[sizeof(m->ctx->error)];

		memcpy(saved, m->ctx->error, sizeof(saved));
		driver_attach(rg->blocking_domain, m, dev);
		memcpy(m->ctx->error, saved, sizeof(saved));
	}
	return rc;
}

/* Put devices 0..@upto back on the group's domain after a failed switch. */
static void revert(struct iok_rgroup *rg, unsigned int upto)
{
	struct iok_machine *m = rg->m;
	char saved[sizeof(m->ctx->error)];
	unsigned int i;

	memcpy(saved, m->ctx->error, sizeof(saved));
	for (i = 0; i <= upto; i++) {
		struct iok_dev *dev = iok_rgroup_dev(rg, i);

		/* Before the first domain there is nothing to go back to. */
		if (!rg->domain) {
			iok_device_release_rid(m, dev);
			continue;
		}
		if (iok_device_set_domain(rg, dev, iok_split_dev_domain(rg, dev),
					  SET_DOMAIN_MUST_SUCCEED)) {
			M(m, dev)->stuck = true;
			iok_machine_warn(m, -EIO, "group %d: %s not put back on its domain",
					 rg->id, iok_dev_get_name(dev));
		}
	}
	memcpy(m->ctx->error, saved, sizeof(saved));
}

/*
 * __iommu_group_set_domain_internal() (spec 3.1): every device in list
 * order; a failure puts the switched ones and the failing one back, or in
 * must-succeed mode is noted and the loop goes on.
 */
int iok_group_set_domain(struct iok_rgroup *rg, struct iok_domain *new, unsigned int flags)
{
	struct iok_machine *m = rg->m;
	unsigned int i, n = iok_rgroup_nr_devs(rg);
	int result = 0;

	if (!new)
		return iok_machine_warn(m, -EINVAL, "group %d: switching to no domain", rg->id);
	/* A split group moves as a whole, its alias sets included (split.c). */
	if (rg->domain == new && !rg->nr_split)
		return 0;
	for (i = 0; i < n; i++) {
		struct iok_dev *dev = iok_rgroup_dev(rg, i);
		int rc = iok_device_set_domain(rg, dev, new, flags);

		if (!rc)
			continue;
		if (!(flags & SET_DOMAIN_MUST_SUCCEED)) {
			revert(rg, i);
			return rc;
		}
		M(m, dev)->stuck = true;
		result = rc;
	}
	rg->domain = new;
	iok_machine_changed(m);
	iok_split_clear(rg);
	if (result)
		iok_machine_warn(m, result, "group %d: a device failed the must-succeed switch to %s",
				 rg->id, iok_domain_type_name(new->type));
	return result;
}

/* __iommu_group_set_core_domain(): blocking while owned, else default. */
int iok_group_set_core_domain(struct iok_rgroup *rg)
{
	struct iok_domain *core = rg->owner ? rg->blocking_domain : rg->default_domain;

	return iok_group_set_domain(rg, core, SET_DOMAIN_MUST_SUCCEED);
}

/* __iommu_attach_group(): the busy and compatibility checks, in this order. */
static int attach_group(struct iok_domain *d, struct iok_rgroup *rg)
{
	struct iok_machine *m = rg->m;
	struct mdev *first = M(m, iok_rgroup_dev(rg, 0));

	if (rg->nr_split)
		return iok_fail(m->ctx, -EBUSY,
				"group %d has alias sets on domains of their own: detach them first",
				rg->id);
	if (rg->domain && rg->domain != rg->default_domain &&
	    rg->domain != rg->blocking_domain)
		return iok_fail(m->ctx, -EBUSY,
				"group %d is on a %s domain already: detach it or replace",
				rg->id, iok_domain_type_name(rg->domain->type));
	if (!first->unit || d->owner != first->unit->drv)
		return iok_fail(m->ctx, -EINVAL, "group %d: a domain of driver %s, its IOMMU is %s",
				rg->id, d->owner->name,
				first->unit ? first->unit->drv->name : "none");
	return iok_group_set_domain(rg, d, 0);
}

IOK_EXPORT int iok_attach_device(struct iok_domain *d, struct iok_dev *dev)
{
	struct iok_rgroup *rg;

	if (!d || !machine_has_dev(d->m, dev))
		return -EINVAL;
	rg = M(d->m, dev)->group;
	if (!rg)
		return iok_fail(d->m->ctx, -ENODEV, "%s has no IOMMU group", iok_dev_get_name(dev));
	/* Devices of one group must never end up in different domains (spec 9.1). */
	if (iok_rgroup_nr_devs(rg) != 1)
		return iok_fail(d->m->ctx, -EINVAL,
				"group %d of %s has %u devices: attach the group",
				rg->id, iok_dev_get_name(dev), iok_rgroup_nr_devs(rg));
	return iok_machine_checked(d->m, attach_group(d, rg));
}

IOK_EXPORT int iok_detach_device(struct iok_domain *d, struct iok_dev *dev)
{
	struct iok_rgroup *rg;

	if (!d || !machine_has_dev(d->m, dev))
		return -EINVAL;
	rg = M(d->m, dev)->group;
	if (!rg)
		return 0;
	if (d != rg->domain)
		return iok_machine_warn(d->m, -EINVAL, "group %d: detaching a %s domain not attached",
					rg->id, iok_domain_type_name(d->type));
	if (iok_rgroup_nr_devs(rg) != 1)
		return iok_machine_warn(d->m, -EINVAL, "group %d has %u devices: detach the group",
					rg->id, iok_rgroup_nr_devs(rg));
	return iok_machine_checked(d->m, iok_group_set_core_domain(rg));
}

IOK_EXPORT int iok_attach_group(struct iok_domain *d, struct iok_rgroup *rg)
{
	if (!d || !rg || d->m != rg->m)
		return -EINVAL;
	return iok_machine_checked(rg->m, attach_group(d, rg));
}

IOK_EXPORT int iok_detach_group(struct iok_domain *d, struct iok_rgroup *rg)
{
	/* The domain is not looked at; one of another machine is still misuse. */
	if (!rg || (d && d->m != rg->m))
		return -EINVAL;
	return iok_machine_checked(rg->m, iok_group_set_core_domain(rg));
}

IOK_EXPORT int iok_group_replace_domain(struct iok_rgroup *rg, struct iok_domain *d)
{
	if (!rg)
		return -EINVAL;
	if (!d)
		return iok_fail(rg->m->ctx, -EINVAL, "group %d: replacing with no domain", rg->id);
	if (d->m != rg->m)
		return -EINVAL;
	return iok_machine_checked(rg->m, iok_group_set_domain(rg, d, 0));
}
