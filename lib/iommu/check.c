// SPDX-License-Identifier: MIT
/*
 * The invariants of spec runtime 1.4, and the model's own bookkeeping,
 * checked over a whole machine.
 */
#include "lib/iommu/iommu-private.h"

#define BROKEN(m, ...) iok_fail((m)->ctx, -EUCLEAN, __VA_ARGS__)

static bool is_blocking(const struct iok_rgroup *rg, const struct iok_domain *d)
{
	return d->type == IOK_DOMAIN_BLOCKED || d == rg->blocking_domain;
}

/* Invariant 1, and where the devices' own state must agree with the group. */
static int check_dev(struct iok_machine *m, struct iok_rgroup *rg, struct iok_dev *d)
{
	const struct mdev *md = M(m, d);
	const char *name = iok_dev_get_name(d);
	const char *on = md->rid ? iok_domain_type_name(md->rid->type) : "nothing";

	if (md->group != rg || !md->unit || !md->present)
		return BROKEN(m, "group %d: %s is listed but not probed into it", rg->id, name);
	/* After a failed must-succeed switch the kernel WARNed and moved on. */
	if (md->stuck)
		return 0;
	/* Its alias set's domain: the group's unless split off (split.c). */
	if (md->rid != iok_split_dev_domain(rg, d) && !(md->attach_deferred && !md->rid))
		return BROKEN(m, "group %d: %s is attached to %s, the group to %s (invariant 1)",
			      rg->id, name, on, rg->domain ? iok_domain_type_name(rg->domain->type) : "nothing");
	if (md->require_direct && md->rid && is_blocking(rg, md->rid))
		return BROKEN(m, "group %d: %s has direct regions but is blocked", rg->id, name);
	return 0;
}

static int check_group(struct iok_machine *m, struct iok_rgroup *rg)
{
	unsigned int i, n = iok_rgroup_nr_devs(rg);
	int rc;

	if (!n)
		return BROKEN(m, "group %d has no devices (invariant 3)", rg->id);
	if (iok_group_get_id(rg->grp) != rg->id ||
	    iok_dev_get_group(m->g, iok_rgroup_dev(rg, 0)) != rg->grp)
		return BROKEN(m, "group %d is not the grouping's group", rg->id);
	if (rg->owner && !rg->owner_cnt)
		return BROKEN(m, "group %d has an owner but owner_cnt 0 (invariant 2)", rg->id);
	if (!rg->pending && (!rg->domain || !rg->default_domain))
		return BROKEN(m, "group %d has no %s domain", rg->id,
			      rg->domain ? "default" : "current");
	if (rg->default_domain &&
	    !(rg->default_domain->type & (IOK_DOMAIN_F_DMA_API | IOK_DOMAIN_F_PT)))
		return BROKEN(m, "group %d: default domain of type %s", rg->id,
			      iok_domain_type_name(rg->default_domain->type));
	if (rg->blocking_domain && rg->blocking_domain->type != IOK_DOMAIN_BLOCKED &&
	    rg->blocking_domain->type != IOK_DOMAIN_UNMANAGED)
		return BROKEN(m, "group %d: blocking domain of type %s", rg->id,
			      iok_domain_type_name(rg->blocking_domain->type));
	for (i = 0; i < n; i++) {
		rc = check_dev(m, rg, iok_rgroup_dev(rg, i));
		if (rc)
			return rc;
	}
	return 0;
}

/* Every domain's attachment count is the number of devices on it. */
static int check_domains(struct iok_machine *m)
{
	struct iok_domain *d;
	unsigned int i;

	for (d = m->domains; d; d = d->next)
		d->seen = 0;
	for (i = 0; i < m->topo->nr_devs; i++) {
		const struct mdev *md = &m->devs[i];

		if (!md->rid)
			continue;
		if (!md->group)
			return BROKEN(m, "%s is attached without a group",
				      iok_dev_get_name(md->dev));
		/* Domains with devices are never destroyed: the pointer is live. */
		if (md->rid->m != m)
			return BROKEN(m, "%s is attached to a domain of another machine",
				      iok_dev_get_name(md->dev));
		md->rid->seen++;
	}
	for (d = m->domains; d; d = d->next)
		if (d->seen != d->nr_attached)
			return BROKEN(m, "%s domain counts %u devices, %u are attached",
				      iok_domain_type_name(d->type), d->nr_attached, d->seen);
	return 0;
}

IOK_EXPORT int iok_machine_check(struct iok_machine *m)
{
	unsigned int i;
	int rc;

	if (!m)
		return -EINVAL;
	for (i = 0; i < m->alloc_ids; i++) {
		if (!m->by_id[i])
			continue;
		rc = check_group(m, m->by_id[i]);
		if (rc)
			return rc;
	}
	for (i = 0; i < m->topo->nr_devs; i++) {
		const struct mdev *md = &m->devs[i];

		if (md->group && m->by_id[md->group->id] != md->group)
			return BROKEN(m, "%s is in a group the machine does not have",
				      iok_dev_get_name(md->dev));
	}
	rc = check_domains(m);
	rc = rc ? rc : iok_hw_check(m);
	rc = rc ? rc : iok_split_check(m);
	return rc ? rc : iok_pasid_check(m);
}
