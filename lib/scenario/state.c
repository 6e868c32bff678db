// SPDX-License-Identifier: MIT
/*
 * The machine as a script sees it: domains by the names a reader knows
 * (the script's, or "DMA-FQ", "blocking", "identity"), and the trace, which
 * compares groups and devices before and after an operation so that every
 * state change the core made is shown, including the ones no one asked for
 * (the other devices of a group, a rollback that put things back).
 */
#include <stdio.h>

#include "lib/scenario/runner.h"

const char *scn_domain_name(struct iok_scn *s, const struct iok_rgroup *rg,
			    const struct iok_domain *d, char *buf, size_t len)
{
	const char *name;
	enum iok_domain_type type;

	if (!d)
		return "none";
	name = scn_name_of(s, d);
	if (name)
		return name;
	type = iok_domain_get_type(d);
	if (rg && d == iok_rgroup_get_default_domain(rg))
		return iok_domain_type_name(type);
	if (rg && d == iok_rgroup_get_blocking_domain(rg))
		return "blocking";
	if (type == IOK_DOMAIN_BLOCKED)
		return "blocked";
	if (type == IOK_DOMAIN_IDENTITY)
		return "identity";
	/* A domain nobody named (a family's): its type says enough. */
	snprintf(buf, len, "%s", iok_domain_type_name(type));
	return buf;
}

/* "group:BDF" and friends: the machine's domains, reached through a device. */
static int special_domain(struct iok_scn *s, const char *word, struct iok_domain **out)
{
	static const char *const kinds[] = { "group", "default", "blocking", "identity",
					     "blocked" };
	const char *colon = strchr(word, ':');
	struct iok_iommu_unit *u;
	struct iok_machine *m;
	struct iok_rgroup *rg;
	struct iok_dev *dev;
	struct iok_domain *d = NULL;
	unsigned int k;
	int rc;

	for (k = 0; k < ARRAY_SIZE(kinds); k++)
		if (strlen(kinds[k]) == (size_t)(colon - word) &&
		    !strncmp(word, kinds[k], colon - word))
			break;
	if (k == ARRAY_SIZE(kinds))
		return iok_scn_error(s, "unknown domain '%s' (group:, default:, blocking:, "
				     "identity: or blocked: and a BDF)", word);
	rc = iok_scn_machine(s, &m);
	if (!rc)
		rc = iok_scn_dev(s, colon + 1, &dev);
	if (rc)
		return rc;
	rg = iok_dev_get_rgroup(m, dev);
	u = iok_dev_get_unit(m, dev);
	switch (k) {
	case 0: d = rg ? iok_rgroup_get_domain(rg) : NULL; break;
	case 1: d = rg ? iok_rgroup_get_default_domain(rg) : NULL; break;
	case 2: d = rg ? iok_rgroup_get_blocking_domain(rg) : NULL; break;
	case 3: d = u ? iok_unit_get_identity_domain(u) : NULL; break;
	case 4: d = u ? iok_unit_get_blocked_domain(u) : NULL; break;
	}
	if (!d)
		return iok_scn_error(s, "%s has no %s domain%s", scn_bdf(dev), kinds[k],
				     rg ? "" : " (no IOMMU group)");
	*out = d;
	return 0;
}

int iok_scn_domain(struct iok_scn *s, const char *word, struct iok_domain **out)
{
	void *obj;
	int rc;

	if (word && strchr(word, ':'))
		return special_domain(s, word, out);
	rc = iok_scn_name_get(s, word, "domain", &obj);
	if (rc)
		return rc;
	*out = obj;
	return 0;
}

/* ---- the trace ---------------------------------------------------------- */

static void group_devs(const struct iok_rgroup *rg, char *buf, size_t len)
{
	unsigned int i, n = iok_rgroup_count_devs(rg);
	size_t off = 0;

	buf[0] = 0;
	for (i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? "," : "",
				scn_bdf(iok_rgroup_get_dev(rg, i)));
}

void scn_snap_free(struct scn_snap *snap)
{
	free(snap->groups);
	free(snap->devs);
	memset(snap, 0, sizeof(*snap));
}

static const char *owner_name(struct iok_scn *s, const void *owner, unsigned int cnt)
{
	const char *name;

	if (owner) {
		name = scn_name_of(s, owner);
		return name ? name : "user";
	}
	return cnt ? "kernel" : "none";
}

static void snap_group_take(struct iok_scn *s, struct iok_rgroup *rg, struct scn_snap_group *g)
{
	const struct iok_domain *def = iok_rgroup_get_default_domain(rg);
	char buf[64];

	g->id = iok_rgroup_get_id(rg);
	g->domain = iok_rgroup_get_domain(rg);
	g->def = def;
	g->owner = iok_rgroup_get_owner(rg);
	g->owner_cnt = iok_rgroup_get_owner_cnt(rg);
	snprintf(g->def_type, sizeof(g->def_type), "%s",
		 def ? iok_domain_type_name(iok_domain_get_type(def)) : "none");
	snprintf(g->domain_name, sizeof(g->domain_name), "%s",
		 scn_domain_name(s, rg, g->domain, buf, sizeof(buf)));
	snprintf(g->owner_name, sizeof(g->owner_name), "%s",
		 owner_name(s, g->owner, g->owner_cnt));
	group_devs(rg, g->devs, sizeof(g->devs));
}

static void snap_dev_take(struct iok_scn *s, struct iok_dev *d, struct scn_snap_dev *sd)
{
	struct iok_rgroup *rg = iok_dev_get_rgroup(s->m, d);
	const char *drv = iok_dev_get_bound_driver(s->m, d);
	char buf[64];

	sd->present = iok_machine_dev_is_present(s->m, d);
	sd->group = rg ? iok_rgroup_get_id(rg) : -1;
	sd->rid = iok_dev_get_attached_domain(s->m, d);
	snprintf(sd->driver, sizeof(sd->driver), "%s", drv ? drv : "-");
	snprintf(sd->rid_name, sizeof(sd->rid_name), "%s",
		 scn_domain_name(s, rg, sd->rid, buf, sizeof(buf)));
}

void scn_snap_take(struct iok_scn *s, struct scn_snap *snap)
{
	struct iok_rgroup *rg;
	struct iok_dev *d;
	unsigned int n = 0;

	scn_snap_free(snap);
	if (!s->m)
		return;
	iok_rgroup_foreach(s->m, rg)
		n++;
	for (d = iok_dev_get_first(s->topo); d; d = iok_dev_get_next(d))
		snap->nr_devs = d->index + 1 > snap->nr_devs ? d->index + 1 : snap->nr_devs;
	snap->groups = calloc(n ? n : 1, sizeof(*snap->groups));
	snap->devs = calloc(snap->nr_devs ? snap->nr_devs : 1, sizeof(*snap->devs));
	if (!snap->groups || !snap->devs) {
		scn_snap_free(snap);
		return;
	}
	iok_rgroup_foreach(s->m, rg)
		snap_group_take(s, rg, &snap->groups[snap->nr_groups++]);
	for (d = iok_dev_get_first(s->topo); d; d = iok_dev_get_next(d))
		snap_dev_take(s, d, &snap->devs[d->index]);
	snap->warnings = iok_machine_get_warnings(s->m);
	snap->valid = true;
}

static const struct scn_snap_group *snap_group(const struct scn_snap *snap, int id)
{
	unsigned int i;

	for (i = 0; i < snap->nr_groups; i++)
		if (snap->groups[i].id == id)
			return &snap->groups[i];
	return NULL;
}

/* Pointers are only compared (a domain may be gone); names were taken live. */
static void diff_group(struct iok_scn *s, const struct scn_snap_group *a,
		       const struct scn_snap_group *b)
{
	if (!a) {
		iok_scn_trace(s, "group %d: new, devices %s, domain %s", b->id, b->devs,
			      b->domain_name);
		return;
	}
	if (strcmp(a->devs, b->devs))
		iok_scn_trace(s, "group %d: devices %s -> %s", b->id, a->devs, b->devs);
	if (a->def != b->def || strcmp(a->def_type, b->def_type))
		iok_scn_trace(s, "group %d: default domain %s -> %s%s", b->id, a->def_type,
			      b->def_type, a->def == b->def ? " (in place)" : "");
	if (a->domain != b->domain)
		iok_scn_trace(s, "group %d: domain %s -> %s", b->id, a->domain_name,
			      b->domain_name);
	if (a->owner != b->owner)
		iok_scn_trace(s, "group %d: owner %s -> %s, owner_cnt %u -> %u", b->id,
			      a->owner_name, b->owner_name, a->owner_cnt, b->owner_cnt);
	else if (a->owner_cnt != b->owner_cnt)
		iok_scn_trace(s, "group %d: owner_cnt %u -> %u", b->id, a->owner_cnt,
			      b->owner_cnt);
}

static void diff_dev(struct iok_scn *s, struct iok_dev *d, const struct scn_snap_dev *a,
		     const struct scn_snap_dev *b, const struct scn_snap *before,
		     const struct scn_snap *after)
{
	const struct scn_snap_group *ga = snap_group(before, a->group);
	const struct scn_snap_group *gb = snap_group(after, b->group);

	if (a->present != b->present)
		iok_scn_trace(s, "%s: %s", scn_bdf(d), b->present ? "plugged in" : "removed");
	if (a->group != b->group) {
		if (b->group < 0)
			iok_scn_trace(s, "%s: left group %d", scn_bdf(d), a->group);
		else if (a->group < 0)
			iok_scn_trace(s, "%s: joined group %d", scn_bdf(d), b->group);
		else
			iok_scn_trace(s, "%s: group %d -> %d", scn_bdf(d), a->group, b->group);
	}
	if (strcmp(a->driver, b->driver))
		iok_scn_trace(s, "%s: driver %s -> %s", scn_bdf(d), a->driver, b->driver);
	/*
	 * A device follows its group; say so only where it did not: one that
	 * joined, or one left behind (deferred attach, a must-succeed failure).
	 */
	if (a->rid == b->rid)
		return;
	if (a->group == b->group && ga && gb && a->rid == ga->domain && b->rid == gb->domain)
		return;
	if (!b->rid && b->group < 0 && !b->present)
		return;
	iok_scn_trace(s, "%s: translated by %s -> %s", scn_bdf(d), a->rid_name, b->rid_name);
}

void scn_snap_diff(struct iok_scn *s, struct scn_snap *before)
{
	struct scn_snap after = { 0 };
	struct iok_rgroup *rg;
	struct iok_dev *d;
	unsigned int i;

	if (!s->m)
		return;
	scn_snap_take(s, &after);
	if (!after.valid)
		return;
	if (!before->valid) {
		/* Built by this operation: the trace says what it is. */
		iok_scn_trace(s, "booted %s: Linux %s, IOMMU %s, %u groups",
			      iok_topo_get_source(s->topo), iok_topo_get_param(s->topo, "kernel"),
			      iok_topo_get_param(s->topo, "iommu"), after.nr_groups);
		if (s->opts.flags & IOK_SCENARIO_VERBOSE) {
			iok_rgroup_foreach(s->m, rg) {
				const struct scn_snap_group *g =
					snap_group(&after, iok_rgroup_get_id(rg));
				char b[64];

				iok_scn_trace(s, "group %d: devices %s, domain %s", g->id, g->devs,
					      scn_domain_name(s, rg, g->domain, b, sizeof(b)));
			}
		}
		goto out;
	}
	for (i = 0; i < before->nr_groups; i++)
		if (!snap_group(&after, before->groups[i].id))
			iok_scn_trace(s, "group %d: freed (devices %s)", before->groups[i].id,
				      before->groups[i].devs);
	iok_rgroup_foreach(s->m, rg) {
		const struct scn_snap_group *b = snap_group(&after, iok_rgroup_get_id(rg));

		diff_group(s, snap_group(before, b->id), b);
	}
	for (d = iok_dev_get_first(s->topo); d; d = iok_dev_get_next(d)) {
		if (d->index >= after.nr_devs || d->index >= before->nr_devs)
			continue;
		diff_dev(s, d, &before->devs[d->index], &after.devs[d->index], before, &after);
	}
	if (after.warnings > before->warnings)
		iok_scn_trace(s, "WARN%s: %s", after.warnings - before->warnings > 1 ? "s" : "",
			      iok_get_error(s->ctx));
out:
	scn_snap_free(&after);
}

/* Family state first: it may hold domains and claims of the machine. */
void scn_machine_free(struct iok_scn *s)
{
	scn_ext_free(s);
	scn_names_free(s);
	scn_snap_free(&s->before);
	iok_machine_unref(s->m);
	s->m = NULL;
	iok_topo_unref(s->topo);
	s->topo = NULL;
}
