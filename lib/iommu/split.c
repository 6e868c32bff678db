// SPDX-License-Identifier: MIT
/*
 * The relaxed isolation policy at runtime (docs/groups-sets.md, beyond
 * Linux). A group is the union of alias sets (requester IDs the IOMMU cannot
 * tell apart: one domain each) and isolation sets (peers reachable without
 * the IOMMU: one owner each). Under isolation=relaxed the one owner of a
 * whole group may therefore give each alias set a domain of its own; under
 * the default policy the calls are the kernel's iommu_attach_device() and
 * iommu_detach_device(), its only attach below a group, and nothing changes.
 *
 * A device whose alias set is split off the group's domain has md->split,
 * its set's domain; rg->nr_split counts such devices and rg->domain stays
 * the domain of the others. Once every alias set is on one domain again,
 * that is the group's domain and the group is no longer split. Anything
 * done to the group as a whole (attach, replace, detach, release of
 * ownership) moves every alias set with it.
 */
#include "lib/iommu/iommu-private.h"

#define BROKEN(m, ...) iok_fail((m)->ctx, -EUCLEAN, __VA_ARGS__)

/* Read at each call, like iok_group_may_split(). */
static bool relaxed(const struct iok_machine *m)
{
	return m->topo->params.isolation_relaxed;
}

struct iok_domain *iok_split_dev_domain(const struct iok_rgroup *rg, const struct iok_dev *dev)
{
	const struct mdev *md = M(rg->m, dev);

	return md->split ? md->split : rg->domain;
}

static void set_split(struct iok_rgroup *rg, struct mdev *md, struct iok_domain *d)
{
	struct iok_domain *want = d == rg->domain ? NULL : d;

	if (!md->split && want)
		rg->nr_split++;
	else if (md->split && !want)
		rg->nr_split--;
	md->split = want;
}

/* The device leaves its group's domains (hot-remove, failed probe). */
void iok_split_forget(struct iok_machine *m, struct iok_dev *dev)
{
	struct mdev *md = M(m, dev);

	if (md->split && md->group)
		md->group->nr_split--;
	md->split = NULL;
	md->claims = 0;
}

/* The whole group moved to one domain. */
void iok_split_clear(struct iok_rgroup *rg)
{
	unsigned int i;

	if (!rg->nr_split)
		return;
	for (i = 0; i < iok_rgroup_nr_devs(rg); i++)
		M(rg->m, iok_rgroup_dev(rg, i))->split = NULL;
	rg->nr_split = 0;
}

/* After a successful claim (@rc 0): of the group (@dev NULL) or of a device. */
int iok_split_claimed(struct iok_rgroup *rg, struct iok_dev *dev, int rc)
{
	if (rc)
		return rc;
	if (dev)
		M(rg->m, dev)->claims++;
	else
		rg->claimed_whole = true;
	return 0;
}

/* A device's claim counted down, or (@dev NULL) the ownership released. */
void iok_split_released(struct iok_rgroup *rg, struct iok_dev *dev)
{
	unsigned int i;

	if (dev) {
		if (M(rg->m, dev)->claims)
			M(rg->m, dev)->claims--;
		return;
	}
	rg->claimed_whole = false;
	for (i = 0; i < iok_rgroup_nr_devs(rg); i++)
		M(rg->m, iok_rgroup_dev(rg, i))->claims = 0;
}

/*
 * One user owner holds every device: it claimed the group, or claimed each
 * device with its cookie (a device hot-added since has no claim yet).
 */
static bool owned_whole(const struct iok_rgroup *rg)
{
	unsigned int i;

	if (!rg->owner)
		return false;
	if (rg->claimed_whole)
		return true;
	for (i = 0; i < iok_rgroup_nr_devs(rg); i++)
		if (!M(rg->m, iok_rgroup_dev(rg, i))->claims)
			return false;
	return true;
}

/*
 * The alias set of @dev, if its owner may move it alone: a user owner (of
 * every device, with @whole). A set that reaches another group shares a requester ID with a device of that group
 * (iok_group_may_split() says no there): its context entry would change
 * the other group's translation.
 */
static int movable_set(struct iok_rgroup *rg, struct iok_dev *dev, bool whole,
		       struct iok_devset **set)
{
	struct iok_machine *m = rg->m;
	int rc;

	if (!rg->owner)
		return iok_fail(m->ctx, -EPERM, "group %d has no user owner", rg->id);
	if (whole && !owned_whole(rg))
		return iok_fail(m->ctx, -EPERM,
				"group %d is not owned as a whole: claim the group, or each of its "
				"devices with one owner", rg->id);
	rc = iok_dev_get_set(m->g, dev, IOK_SET_ALIAS, set);
	if (rc)
		return rc;
	if (iok_devset_spans_groups(*set))
		return iok_fail(m->ctx, -EINVAL,
				"the alias set of %s reaches another group: its requester IDs "
				"are not group %d's alone", iok_dev_get_name(dev), rg->id);
	return 0;
}

/* A failed move: devices 0..@upto of the set back on @cur, as revert() does. */
static void put_back(struct iok_rgroup *rg, const struct iok_devset *set, unsigned int upto,
		     struct iok_domain *cur)
{
	struct iok_machine *m = rg->m;
	char saved[sizeof(m->ctx->error)];
	unsigned int i;

	memcpy(saved, m->ctx->error, sizeof(saved));
	for (i = 0; i <= upto; i++) {
		struct iok_dev *dev = iok_devset_get_dev(set, i);

		if (iok_device_set_domain(rg, dev, cur, SET_DOMAIN_MUST_SUCCEED)) {
			M(m, dev)->stuck = true;
			iok_machine_warn(m, -EIO, "group %d: %s not put back on its alias set's domain",
					 rg->id, iok_dev_get_name(dev));
		}
	}
	memcpy(m->ctx->error, saved, sizeof(saved));
}

/* Every alias set on one domain: that is the group's domain again. */
static void normalise(struct iok_rgroup *rg)
{
	struct iok_domain *one = NULL, *d;
	unsigned int i;

	for (i = 0; i < iok_rgroup_nr_devs(rg); i++) {
		d = iok_split_dev_domain(rg, iok_rgroup_dev(rg, i));
		if (one && d != one)
			return;
		one = d;
	}
	rg->domain = one;
	iok_split_clear(rg);
}

/* Every member of @set from @cur to @d, all or nothing. */
static int move_set(struct iok_rgroup *rg, const struct iok_devset *set,
		    struct iok_domain *cur, struct iok_domain *d)
{
	unsigned int i, n = iok_devset_count_devs(set);
	int rc;

	for (i = 0; i < n; i++) {
		rc = iok_device_set_domain(rg, iok_devset_get_dev(set, i), d, 0);
		if (rc) {
			put_back(rg, set, i, cur);
			return rc;
		}
	}
	for (i = 0; i < n; i++)
		set_split(rg, M(rg->m, iok_devset_get_dev(set, i)), d);
	normalise(rg);
	return 0;
}

IOK_EXPORT int iok_attach_alias_set(struct iok_domain *d, struct iok_dev *dev)
{
	struct iok_domain *cur;
	struct iok_devset *set;
	struct iok_machine *m;
	struct iok_rgroup *rg;
	struct mdev *md;
	int rc;

	if (!d || !machine_has_dev(d->m, dev))
		return -EINVAL;
	m = d->m;
	if (!relaxed(m))
		return iok_attach_device(d, dev);
	md = M(m, dev);
	rg = md->group;
	if (!rg)
		return iok_fail(m->ctx, -ENODEV, "%s has no IOMMU group", iok_dev_get_name(dev));
	rc = movable_set(rg, dev, true, &set);
	if (rc)
		return rc;
	if (d->type != IOK_DOMAIN_UNMANAGED || d == rg->blocking_domain)
		return iok_fail(m->ctx, -EINVAL,
				"%s: an alias set takes a paging domain of its owner, not a %s domain",
				iok_dev_get_name(dev), iok_domain_type_name(d->type));
	/* As __iommu_attach_group(): from a core domain only, busy otherwise. */
	cur = iok_split_dev_domain(rg, dev);
	if (cur != rg->default_domain && cur != rg->blocking_domain)
		return iok_fail(m->ctx, -EBUSY,
				"the alias set of %s is on a %s domain already: detach it first",
				iok_dev_get_name(dev), iok_domain_type_name(cur->type));
	if (!md->unit || d->owner != md->unit->drv)
		return iok_fail(m->ctx, -EINVAL, "%s: a domain of driver %s, its IOMMU is %s",
				iok_dev_get_name(dev), d->owner->name,
				md->unit ? md->unit->drv->name : "none");
	return iok_machine_checked(m, move_set(rg, set, cur, d));
}

IOK_EXPORT int iok_detach_alias_set(struct iok_domain *d, struct iok_dev *dev)
{
	struct iok_domain *cur, *core;
	struct iok_devset *set;
	struct iok_machine *m;
	struct iok_rgroup *rg;
	int rc;

	if (!d || !machine_has_dev(d->m, dev))
		return -EINVAL;
	m = d->m;
	if (!relaxed(m))
		return iok_detach_device(d, dev);
	rg = M(m, dev)->group;
	/* As iommu_detach_device(): without a group there is nothing to do. */
	if (!rg)
		return 0;
	/* Giving up a domain needs an owner, not every claim (a device unbound since). */
	rc = movable_set(rg, dev, false, &set);
	if (rc)
		return rc;
	cur = iok_split_dev_domain(rg, dev);
	if (d != cur)
		return iok_fail(m->ctx, -EINVAL,
				"the alias set of %s is on a %s domain, not on the %s domain given",
				iok_dev_get_name(dev), iok_domain_type_name(cur->type),
				iok_domain_type_name(d->type));
	core = rg->blocking_domain;
	if (cur == core)
		return 0;
	return iok_machine_checked(m, move_set(rg, set, cur, core));
}

/*
 * A device probed into a split group (hot-add) is attached where its alias
 * set is: its requests carry the set's requester IDs, whose context
 * entries translate with that domain. It cannot tie together alias sets on
 * different domains, nor a split set to another group.
 */
int iok_split_join(struct iok_rgroup *rg, struct iok_dev *dev, struct iok_domain **new)
{
	struct iok_machine *m = rg->m;
	struct iok_domain *there = NULL, *d;
	struct iok_devset *set;
	unsigned int i;
	int rc = iok_dev_get_set(m->g, dev, IOK_SET_ALIAS, &set);

	if (rc)
		return rc;
	for (i = 0; i < iok_devset_count_devs(set); i++) {
		struct iok_dev *o = iok_devset_get_dev(set, i);

		if (o == dev || !M(m, o)->rid)
			continue;
		d = iok_split_dev_domain(rg, o);
		if (there && d != there)
			return iok_fail(m->ctx, -EBUSY,
					"%s would tie alias sets of group %d on different domains",
					iok_dev_get_name(dev), rg->id);
		there = d;
	}
	if (!there || there == rg->domain)
		return 0;
	if (iok_devset_spans_groups(set))
		return iok_fail(m->ctx, -EBUSY,
				"%s would tie a split alias set of group %d to another group",
				iok_dev_get_name(dev), rg->id);
	set_split(rg, M(m, dev), there);
	*new = there;
	return 0;
}

/* ---- invariants -------------------------------------------------------- */

/* Every member of an alias set has the set's domain; spanning sets stay whole. */
static int check_sets(struct iok_machine *m, struct iok_rgroup *rg)
{
	struct iok_devset *set;
	unsigned int i;

	iok_group_foreach_alias_set(rg->grp, set) {
		struct iok_dev *first = iok_devset_get_dev(set, 0);
		struct iok_domain *d = iok_split_dev_domain(rg, first);

		for (i = 1; i < iok_devset_count_devs(set); i++) {
			struct iok_dev *o = iok_devset_get_dev(set, i);

			if (iok_split_dev_domain(rg, o) != d)
				return BROKEN(m, "group %d: %s and %s are DMA aliases on different domains",
					      rg->id, iok_dev_get_name(first), iok_dev_get_name(o));
		}
		if (d != rg->domain && iok_devset_spans_groups(set))
			return BROKEN(m, "group %d: the alias set of %s reaches another group but is split off",
				      rg->id, iok_dev_get_name(first));
	}
	return 0;
}

static int check_group(struct iok_machine *m, struct iok_rgroup *rg)
{
	unsigned int i, split = 0;

	for (i = 0; i < iok_rgroup_nr_devs(rg); i++) {
		const struct mdev *md = M(m, iok_rgroup_dev(rg, i));

		if (!md->split)
			continue;
		if (md->split == rg->domain)
			return BROKEN(m, "group %d: %s is split off onto the group's own domain",
				      rg->id, iok_dev_get_name(md->dev));
		split++;
	}
	if (split != rg->nr_split)
		return BROKEN(m, "group %d counts %u devices split off, %u are", rg->id,
			      rg->nr_split, split);
	if (!split)
		return 0;
	if (!relaxed(m))
		return BROKEN(m, "group %d is split under isolation=kernel", rg->id);
	if (!rg->owner)
		return BROKEN(m, "group %d is split but has no user owner", rg->id);
	return check_sets(m, rg);
}

/*
 * Every device of an alias set is in the same domain; a group is split
 * only under isolation=relaxed and only while a user owns it.
 */
int iok_split_check(struct iok_machine *m)
{
	unsigned int i;
	int rc;

	for (i = 0; i < m->topo->nr_devs; i++) {
		const struct mdev *md = &m->devs[i];

		if ((md->split || md->claims) && !md->group)
			return BROKEN(m, "%s keeps an alias-set domain or claim without a group",
				      iok_dev_get_name(md->dev));
	}
	for (i = 0; i < m->alloc_ids; i++) {
		if (!m->by_id[i])
			continue;
		rc = check_group(m, m->by_id[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- queries ----------------------------------------------------------- */

IOK_EXPORT bool iok_rgroup_is_split(const struct iok_rgroup *rg)
{
	return rg && rg->nr_split;
}

IOK_EXPORT struct iok_domain *iok_get_alias_set_domain(const struct iok_machine *m,
						       const struct iok_dev *dev)
{
	struct iok_rgroup *rg;

	if (!machine_has_dev(m, dev))
		return NULL;
	rg = M(m, dev)->group;
	return rg ? iok_split_dev_domain(rg, dev) : NULL;
}
