// SPDX-License-Identifier: MIT
/*
 * The machine: IOMMU units with their driver model, device probe into
 * runtime groups at boot and at hot-plug (spec runtime 3.3), the test
 * hooks, and the accessors.
 */
#include <stdio.h>

#include "lib/iommu/iommu-private.h"

/*
 * The model's drivers. Every one offers a static identity domain; the
 * virtio one has no static blocked domain, so its groups block with an
 * empty paging domain (spec 2.3), the path of drivers without BLOCKED.
 */
#define PGSIZES ((1ull << 12) | (1ull << 21) | (1ull << 30))

static const struct iok_driver driver_models[] = {
	{ .kind = IOK_IOMMU_INTEL, .name = "intel", .fmt = IOK_PGTABLE_X86_64,
	  .ias = 48, .pgsize_bitmap = PGSIZES },
	{ .kind = IOK_IOMMU_AMD, .name = "amd", .fmt = IOK_PGTABLE_X86_64,
	  .ias = 48, .pgsize_bitmap = PGSIZES },
	{ .kind = IOK_IOMMU_ARM, .name = "arm", .fmt = IOK_PGTABLE_ARM_LPAE_S1,
	  .ias = 48, .pgsize_bitmap = PGSIZES },
	{ .kind = IOK_IOMMU_VIRTIO, .name = "virtio", .fmt = IOK_PGTABLE_X86_64,
	  .ias = 48, .pgsize_bitmap = PGSIZES },
};

int iok_machine_warn(struct iok_machine *m, int err, const char *fmt, ...)
{
	va_list ap;
	char buf[400];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	m->warnings++;
	warn(m->ctx, "WARN: %s", buf);
	return iok_fail(m->ctx, err, "%s", buf);
}

int iok_machine_checked(struct iok_machine *m, int rc)
{
	/* Whatever the call changed, lib/dma looks again (the hooks name the cases). */
	iok_machine_changed(m);
#ifndef NDEBUG
	char saved[sizeof(m->ctx->error)];
	int bad;

	/* A failing call keeps its own message unless the state broke. */
	memcpy(saved, m->ctx->error, sizeof(saved));
	bad = iok_machine_check(m);
	if (bad)
		return bad;
	memcpy(m->ctx->error, saved, sizeof(saved));
#endif
	return rc;
}

static int driver_get(struct iok_machine *m, enum iok_iommu_kind kind,
		      struct iok_driver **out)
{
	struct iok_driver *drv = m->drivers[kind];
	unsigned int i;
	int rc;

	if (drv) {
		*out = drv;
		return 0;
	}
	for (i = 0; driver_models[i].kind != kind; i++)
		;
	drv = calloc(1, sizeof(*drv));
	if (!drv)
		return -ENOMEM;
	*drv = driver_models[i];
	/* The topology's iommu_aw: every domain of the boot translates that width. */
	if (m->topo->params.iommu_aw)
		drv->ias = m->topo->params.iommu_aw;
	m->drivers[kind] = drv;
	rc = iok_domain_new_static(m, drv, IOK_DOMAIN_IDENTITY, &drv->identity);
	if (!rc && kind != IOK_IOMMU_VIRTIO)
		rc = iok_domain_new_static(m, drv, IOK_DOMAIN_BLOCKED, &drv->blocked);
	if (rc)
		return rc;
	*out = drv;
	return 0;
}

static int driver_kind(struct iok_machine *m, const char *name, size_t len,
		       enum iok_iommu_kind *kind)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(driver_models); i++) {
		if (strlen(driver_models[i].name) == len &&
		    !strncmp(driver_models[i].name, name, len)) {
			*kind = driver_models[i].kind;
			return 0;
		}
	}
	return iok_fail(m->ctx, -EINVAL, "unknown IOMMU driver '%.*s' (intel, amd, arm, virtio)",
			(int)len, name);
}

static int units_init(struct iok_machine *m, const char *drivers)
{
	struct iok_topo *topo = m->topo;
	const char *p = drivers;
	unsigned int i;
	int rc;

	if (topo->params.iommu == IOK_IOMMU_NONE)
		return 0;
	m->nr_units = topo->nr_units ? topo->nr_units : 1;
	m->units = calloc(m->nr_units, sizeof(*m->units));
	if (!m->units)
		return -ENOMEM;
	for (i = 0; i < m->nr_units; i++) {
		struct iok_iommu_unit *u = &m->units[i];
		enum iok_iommu_kind kind = topo->params.iommu;

		if (p && *p) {
			size_t len = strcspn(p, ",");

			rc = driver_kind(m, p, len, &kind);
			if (rc)
				return rc;
			p += len + (p[len] == ',');
		}
		u->m = m;
		u->index = i;
		u->name = topo->nr_units ? topo->units[i].name : "iommu0";
		u->hw.capacity = IOTLB_DEF_ENTRIES;
		u->faults = calloc(IOK_FAULT_QUEUE_LEN, sizeof(*u->faults));
		if (!u->faults)
			return -ENOMEM;
		rc = driver_get(m, kind, &u->drv);
		if (rc)
			return rc;
	}
	if (p && *p)
		return iok_fail(m->ctx, -EINVAL, "drivers '%s': more than the %u IOMMU units",
				drivers, m->nr_units);
	return 0;
}

/*
 * iommu_def_domain_type: translated unless passthrough was asked for; lazy
 * (flush queue) unless strict, and strict by default where the kernel's
 * Kconfig is (everything but x86, here Arm).
 */
static enum iok_domain_type global_def_type(const struct iok_params *p)
{
	bool strict;

	if (p->passthrough == 1)
		return IOK_DOMAIN_IDENTITY;
	strict = p->strict >= 0 ? p->strict : p->iommu == IOK_IOMMU_ARM;
	return strict ? IOK_DOMAIN_DMA : IOK_DOMAIN_DMA_FQ;
}

static struct iok_rgroup *rgroup_new(struct iok_machine *m, struct iok_group *grp)
{
	int id = iok_group_get_id(grp);
	struct iok_rgroup *rg;

	if ((unsigned int)id >= m->alloc_ids) {
		unsigned int n = m->alloc_ids ? m->alloc_ids : 16;
		struct iok_rgroup **p;

		while (n <= (unsigned int)id)
			n *= 2;
		p = realloc(m->by_id, n * sizeof(*p));
		if (!p)
			return NULL;
		memset(p + m->alloc_ids, 0, (n - m->alloc_ids) * sizeof(*p));
		m->by_id = p;
		m->alloc_ids = n;
	}
	rg = calloc(1, sizeof(*rg));
	if (!rg)
		return NULL;
	rg->m = m;
	rg->grp = grp;
	rg->id = id;
	m->by_id[id] = rg;
	return rg;
}

/* The group is empty: its core domains go with it (spec 3.3, hot-remove). */
static void rgroup_free(struct iok_rgroup *rg)
{
	struct iok_machine *m = rg->m;
	struct iok_domain *def = rg->default_domain, *blk = rg->blocking_domain;

	m->by_id[rg->id] = NULL;
	rg->domain = rg->default_domain = rg->blocking_domain = NULL;
	iok_machine_changed(m);
	if (def && !def->is_static)
		iok_domain_destroy(def);
	if (blk && !blk->is_static)
		iok_domain_destroy(blk);
	iok_pasid_group_free(rg);
	free(rg);
}

static bool has_direct(const struct mdev *md)
{
	unsigned int i;

	for (i = 0; i < md->nr_resv; i++)
		if (md->resv[i].type == IOK_RESV_DIRECT)
			return true;
	return false;
}

/* __iommu_probe_device() up to joining the group: no domain yet. */
static int probe_dev(struct iok_machine *m, struct iok_dev *d)
{
	struct iok_group *grp = iok_dev_get_group(m->g, d);
	struct mdev *md = M(m, d);
	struct iok_rgroup *rg;

	rg = (unsigned int)iok_group_get_id(grp) < m->alloc_ids ?
		m->by_id[iok_group_get_id(grp)] : NULL;
	if (!rg) {
		rg = rgroup_new(m, grp);
		if (!rg)
			return -ENOMEM;
	}
	md->unit = &m->units[d->unit];
	md->require_direct = has_direct(md);
	md->group = rg;
	iok_machine_changed(m);
	return 0;
}

/* Take a device out of its group, as a failed probe or a release does. */
static void unprobe_dev(struct iok_machine *m, struct iok_dev *d)
{
	struct mdev *md = M(m, d);
	struct iok_rgroup *rg = md->group;
	/* The grouping frees its group with the last device. */
	bool last = iok_rgroup_nr_devs(rg) == 1;

	iok_device_release_rid(m, d);
	md->group = NULL;
	iok_machine_changed(m);
	md->unit = NULL;
	md->stuck = false;
	iok_grouping_hotplug_remove(m->g, d);
	if (last)
		rgroup_free(rg);
}

static int machine_new(struct iok_topo *topo, const char *drivers,
		       struct iok_machine **out)
{
	struct iok_machine *m;
	struct iok_dev *d;
	unsigned int i;
	int rc;

	if (!topo || !out || !topo->finalized)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->ctx = topo->ctx;
	m->topo = topo;
	m->gen = 1;
	m->devs = calloc(topo->nr_devs + 1, sizeof(*m->devs));
	rc = m->devs ? iok_grouping_compute(topo, &m->g) : -ENOMEM;
	if (!rc)
		rc = units_init(m, drivers);
	if (rc)
		goto err;
	m->def_type = global_def_type(&topo->params);
	for (i = 0; i < topo->nr_devs; i++) {
		d = topo->devs[i];
		M(m, d)->dev = d;
		M(m, d)->present = iok_dev_is_present(m->g, d);
	}
	/* Probe order: the order devices joined their groups. */
	iok_dev_foreach(topo, d) {
		if (iok_dev_get_group(m->g, d)) {
			rc = probe_dev(m, d);
			if (rc)
				goto err;
		}
	}
	for (i = 0; i < m->alloc_ids; i++) {
		if (!m->by_id[i])
			continue;
		rc = iok_setup_default_domain(m->by_id[i], 0);
		if (rc) {
			iok_fail_prefix(m->ctx, rc, "default domain");
			goto err;
		}
	}
	rc = iok_machine_checked(m, 0);
	if (rc)
		goto err;
	*out = m;
	return 0;
err:
	iok_machine_unref(m);
	return rc;
}

IOK_EXPORT int iok_machine_new(struct iok_topo *topo, struct iok_machine **out)
{
	return machine_new(topo, NULL, out);
}

IOK_EXPORT int iok_machine_new_drivers(struct iok_topo *topo, const char *drivers,
				       struct iok_machine **out)
{
	if (!drivers)
		return -EINVAL;
	return machine_new(topo, drivers, out);
}

IOK_EXPORT void iok_machine_unref(struct iok_machine *m)
{
	unsigned int i;

	if (!m)
		return;
	iok_pasid_machine_free(m);
	for (i = 0; i < m->alloc_ids; i++) {
		if (m->by_id[i])
			iok_pasid_group_free(m->by_id[i]);
		free(m->by_id[i]);
	}
	free(m->by_id);
	while (m->domains) {
		struct iok_domain *d = m->domains;

		m->domains = d->next;
		iok_pgtable_free(d->pt);
		free(d);
	}
	for (i = 0; i < ARRAY_SIZE(m->drivers); i++)
		free(m->drivers[i]);
	for (i = 0; i < m->nr_units; i++) {
		free(m->units[i].faults);
		iok_hw_free(&m->units[i]);
	}
	free(m->units);
	for (i = 0; m->devs && i < m->topo->nr_devs; i++) {
		free(m->devs[i].resv);
		free(m->devs[i].driver);
	}
	free(m->devs);
	iok_grouping_unref(m->g);
	free(m);
}

IOK_EXPORT struct iok_topo *iok_machine_get_topo(const struct iok_machine *m)
{
	return m ? m->topo : NULL;
}

IOK_EXPORT struct iok_grouping *iok_machine_get_grouping(const struct iok_machine *m)
{
	return m ? m->g : NULL;
}

IOK_EXPORT unsigned int iok_machine_get_warnings(const struct iok_machine *m)
{
	return m ? m->warnings : 0;
}

/* ---- hot-plug ---------------------------------------------------------- */

/* Join an existing group: direct maps into its default domain, then its domain. */
static int join_group(struct iok_machine *m, struct iok_rgroup *rg, struct iok_dev *d)
{
	int rc;

	/* The kernel goes on when these fail; the device just lacks them. */
	if (rg->default_domain && iok_map_direct(rg->default_domain, m, d))
		warn(m->ctx, "%s: direct mappings into the default domain of group %d failed",
		     iok_dev_get_name(d), rg->id);
	if (!rg->domain)
		return 0;
	rc = iok_device_set_domain(rg, d, rg->domain, 0);
	if (rc)
		iok_fail_prefix(m->ctx, rc, iok_dev_get_name(d));
	return rc;
}

IOK_EXPORT int iok_machine_hotplug_add(struct iok_machine *m, struct iok_dev *dev)
{
	struct iok_group *grp;
	struct iok_rgroup *rg;
	bool joined;
	int rc;

	if (!machine_has_dev(m, dev))
		return -EINVAL;
	if (M(m, dev)->present)
		return iok_fail(m->ctx, -EBUSY, "%s is present already", iok_dev_get_name(dev));
	rc = iok_grouping_hotplug_add(m->g, dev);
	if (rc)
		return iok_fail(m->ctx, rc, "%s cannot be plugged in", iok_dev_get_name(dev));
	M(m, dev)->present = true;
	iok_machine_changed(m);
	grp = iok_dev_get_group(m->g, dev);
	if (!grp)
		return iok_machine_checked(m, 0);
	joined = (unsigned int)iok_group_get_id(grp) < m->alloc_ids &&
		 m->by_id[iok_group_get_id(grp)];
	rc = probe_dev(m, dev);
	if (rc) {
		iok_grouping_hotplug_remove(m->g, dev);
		return rc;
	}
	rg = M(m, dev)->group;
	if (joined)
		rc = join_group(m, rg, dev);
	else if (m->probe_window)
		rg->pending = true;
	else
		rc = iok_setup_default_domain(rg, 0);
	/* A failed probe leaves the device without IOMMU and group. */
	if (rc)
		unprobe_dev(m, dev);
	return iok_machine_checked(m, rc);
}

/* Only an unowned group on its default domain may lose its last device. */
static int check_last_leaves(struct iok_machine *m, struct iok_rgroup *rg,
			     struct mdev *md)
{
	unsigned int cnt = rg->owner_cnt;

	/* Unbinding the device's own DMA-API driver drops one count first. */
	if (md->driver && !md->driver_managed_dma && cnt && !rg->nr_pasids)
		cnt--;
	if (!rg->owner && !cnt && rg->domain == rg->default_domain)
		return 0;
	return iok_machine_warn(m, -EBUSY,
				"group %d: last device %s leaving while %s (spec 1.4 invariant 3)",
				rg->id, iok_dev_get_name(md->dev),
				rg->owner || cnt ? "owned" : "not on its default domain");
}

IOK_EXPORT int iok_machine_hotplug_remove(struct iok_machine *m, struct iok_dev *dev)
{
	struct iok_rgroup *rg;
	struct mdev *md;
	int rc;

	if (!machine_has_dev(m, dev))
		return -EINVAL;
	md = M(m, dev);
	if (!md->present)
		return iok_fail(m->ctx, -ENODEV, "%s is not present", iok_dev_get_name(dev));
	rg = md->group;
	if (rg && iok_rgroup_nr_devs(rg) == 1) {
		rc = check_last_leaves(m, rg, md);
		if (rc)
			return rc;
	}
	/* The driver core unbinds before the IOMMU core releases the device. */
	if (md->driver)
		iok_device_unbind_driver(m, dev);
	if (rg)
		unprobe_dev(m, dev);
	else if (iok_dev_is_present(m->g, dev))
		iok_grouping_hotplug_remove(m->g, dev);
	md->present = false;
	iok_machine_changed(m);
	return iok_machine_checked(m, 0);
}

IOK_EXPORT bool iok_machine_dev_is_present(const struct iok_machine *m,
					   const struct iok_dev *dev)
{
	return machine_has_dev(m, dev) && M(m, dev)->present;
}

IOK_EXPORT int iok_machine_set_probe_window(struct iok_machine *m, bool open)
{
	unsigned int i;
	int first = 0;

	if (!m)
		return -EINVAL;
	m->probe_window = open;
	if (open)
		return 0;
	for (i = 0; i < m->alloc_ids; i++) {
		struct iok_rgroup *rg = m->by_id[i];
		int rc;

		if (!rg || !rg->pending)
			continue;
		rc = iok_setup_default_domain(rg, 0);
		if (!rc)
			rg->pending = false;
		else if (!first)
			first = rc;
	}
	return iok_machine_checked(m, first);
}

/* ---- test hooks -------------------------------------------------------- */

IOK_EXPORT int iok_machine_fail_attach(struct iok_machine *m, struct iok_dev *dev,
				       unsigned int nth, int err)
{
	if (!machine_has_dev(m, dev) || err > 0 || err < -4095)
		return -EINVAL;
	M(m, dev)->fail_nth = nth;
	M(m, dev)->fail_err = err ? err : -ENODEV;
	return 0;
}

IOK_EXPORT int iok_machine_fail_alloc(struct iok_machine *m, unsigned int nth)
{
	if (!m)
		return -EINVAL;
	m->alloc_fail_nth = nth;
	return 0;
}

/*
 * The hardware's address width (VT-d's MGAW): QEMU's intel-iommu has
 * aw-bits=39, which every VFIO capture shows (iova ranges end at
 * 0x7fffffffff). Page tables that hold nothing are rebuilt at the width.
 */
IOK_EXPORT int iok_machine_set_address_width(struct iok_machine *m, unsigned int bits)
{
	struct iok_domain *d;
	unsigned int i, n = 0;
	struct iok_pgtable **pts;
	int rc = 0;

	if (!m || bits < 32 || bits > 48)
		return -EINVAL;
	for (d = m->domains; d; d = d->next, n++)
		if (d->pt && iok_pgtable_table_pages(d->pt) > 1)
			return iok_fail(m->ctx, -EBUSY,
					"a %s domain maps something: the width is fixed now",
					iok_domain_type_name(d->type));
	pts = calloc(n + 1, sizeof(*pts));
	if (!pts)
		return -ENOMEM;
	for (d = m->domains, i = 0; d && !rc; d = d->next, i++)
		if (d->pt)
			rc = iok_pgtable_new(d->owner->fmt, bits, &pts[i]);
	for (d = m->domains, i = 0; d; d = d->next, i++) {
		if (rc || !d->pt) {
			iok_pgtable_free(pts[i]);
			continue;
		}
		iok_pgtable_free(d->pt);
		d->pt = pts[i];
		iok_pgtable_aperture(d->pt, &d->aperture_start, &d->aperture_end);
	}
	free(pts);
	if (rc)
		return rc;
	for (i = 0; i < ARRAY_SIZE(m->drivers); i++)
		if (m->drivers[i])
			m->drivers[i]->ias = bits;
	return 0;
}

IOK_EXPORT int iok_machine_set_attach_deferred(struct iok_machine *m, struct iok_dev *dev)
{
	if (!machine_has_dev(m, dev))
		return -EINVAL;
	if (M(m, dev)->present)
		return iok_fail(m->ctx, -EBUSY,
				"%s is present: the driver decides deferral at probe",
				iok_dev_get_name(dev));
	M(m, dev)->attach_deferred = true;
	return 0;
}

void iok_rgroup_set_nr_pasids(struct iok_rgroup *rg, unsigned int n)
{
	rg->nr_pasids = n;
}

IOK_EXPORT unsigned long iok_dev_get_attach_calls(const struct iok_machine *m,
						  const struct iok_dev *dev)
{
	return machine_has_dev(m, dev) ? M(m, dev)->attach_calls : 0;
}

IOK_EXPORT struct iok_domain *iok_dev_get_attached_domain(const struct iok_machine *m,
							  const struct iok_dev *dev)
{
	return machine_has_dev(m, dev) ? M(m, dev)->rid : NULL;
}

IOK_EXPORT struct iok_domain *iok_get_domain_for_dev(const struct iok_machine *m,
						     const struct iok_dev *dev)
{
	if (!machine_has_dev(m, dev) || !M(m, dev)->group)
		return NULL;
	return M(m, dev)->group->domain;
}

/* ---- units and faults -------------------------------------------------- */

IOK_EXPORT unsigned int iok_machine_count_units(const struct iok_machine *m)
{
	return m ? m->nr_units : 0;
}

IOK_EXPORT struct iok_iommu_unit *iok_machine_get_unit(const struct iok_machine *m,
						       unsigned int i)
{
	return m && i < m->nr_units ? &m->units[i] : NULL;
}

IOK_EXPORT struct iok_iommu_unit *iok_dev_get_unit(const struct iok_machine *m,
						   const struct iok_dev *dev)
{
	return machine_has_dev(m, dev) ? M(m, dev)->unit : NULL;
}

IOK_EXPORT const char *iok_unit_get_name(const struct iok_iommu_unit *u)
{
	return u ? u->name : NULL;
}

IOK_EXPORT const char *iok_unit_get_driver(const struct iok_iommu_unit *u)
{
	return u ? u->drv->name : NULL;
}

IOK_EXPORT uint64_t iok_unit_get_pgsize_bitmap(const struct iok_iommu_unit *u)
{
	return u ? u->drv->pgsize_bitmap : 0;
}

IOK_EXPORT struct iok_domain *iok_unit_get_blocked_domain(const struct iok_iommu_unit *u)
{
	return u ? u->drv->blocked : NULL;
}

IOK_EXPORT struct iok_domain *iok_unit_get_identity_domain(const struct iok_iommu_unit *u)
{
	return u ? u->drv->identity : NULL;
}

IOK_EXPORT void iok_unit_set_fault_handler(struct iok_iommu_unit *u, iok_fault_fn fn,
					   void *arg)
{
	if (!u)
		return;
	u->fault_fn = fn;
	u->fault_arg = arg;
}

IOK_EXPORT int iok_unit_report_fault(struct iok_iommu_unit *u, const struct iok_fault *f)
{
	if (!u || !f || f->reason > IOK_FAULT_NO_PASID ||
	    (f->access & ~(IOK_FAULT_PERM_READ | IOK_FAULT_PERM_WRITE |
			   IOK_FAULT_PERM_EXEC | IOK_FAULT_PERM_PRIV)))
		return -EINVAL;
	if (f->dev && (!machine_has_dev(u->m, f->dev) || M(u->m, f->dev)->unit != u))
		return iok_fail(u->m->ctx, -EINVAL, "fault of %s reported on %s, not its IOMMU",
				iok_dev_get_name(f->dev), u->name);
	if (u->fault_fn)
		u->fault_fn(u, f, u->fault_arg);
	/* Hardware fault records are lossy: a full queue drops the new one. */
	if (u->nr_faults == IOK_FAULT_QUEUE_LEN) {
		u->overflows++;
		return -ENOSPC;
	}
	u->faults[u->nr_faults++] = *f;
	return 0;
}

IOK_EXPORT unsigned int iok_unit_count_faults(const struct iok_iommu_unit *u)
{
	return u ? u->nr_faults : 0;
}

IOK_EXPORT int iok_unit_get_fault(const struct iok_iommu_unit *u, unsigned int i,
				  struct iok_fault *f)
{
	if (!u || !f)
		return -EINVAL;
	if (i >= u->nr_faults)
		return -ENOENT;
	*f = u->faults[i];
	return 0;
}

IOK_EXPORT unsigned long iok_unit_get_fault_overflows(const struct iok_iommu_unit *u)
{
	return u ? u->overflows : 0;
}

IOK_EXPORT void iok_unit_clear_faults(struct iok_iommu_unit *u)
{
	if (!u)
		return;
	u->nr_faults = 0;
	u->overflows = 0;
}

/* ---- runtime groups ---------------------------------------------------- */

unsigned int iok_rgroup_nr_devs(const struct iok_rgroup *rg)
{
	return iok_group_count_devs(rg->grp);
}

struct iok_dev *iok_rgroup_dev(const struct iok_rgroup *rg, unsigned int i)
{
	return iok_group_get_dev(rg->grp, i);
}

IOK_EXPORT struct iok_rgroup *iok_dev_get_rgroup(const struct iok_machine *m,
						 const struct iok_dev *dev)
{
	return machine_has_dev(m, dev) ? M(m, dev)->group : NULL;
}

IOK_EXPORT struct iok_rgroup *iok_machine_find_rgroup(const struct iok_machine *m, int id)
{
	if (!m || id < 0 || (unsigned int)id >= m->alloc_ids)
		return NULL;
	return m->by_id[id];
}

static struct iok_rgroup *rgroup_from(const struct iok_machine *m, unsigned int id)
{
	for (; id < m->alloc_ids; id++)
		if (m->by_id[id])
			return m->by_id[id];
	return NULL;
}

IOK_EXPORT struct iok_rgroup *iok_rgroup_get_first(const struct iok_machine *m)
{
	return m ? rgroup_from(m, 0) : NULL;
}

IOK_EXPORT struct iok_rgroup *iok_rgroup_get_next(const struct iok_rgroup *rg)
{
	return rg ? rgroup_from(rg->m, rg->id + 1) : NULL;
}

IOK_EXPORT int iok_rgroup_get_id(const struct iok_rgroup *rg)
{
	return rg ? rg->id : -1;
}

IOK_EXPORT struct iok_group *iok_rgroup_get_group(const struct iok_rgroup *rg)
{
	return rg ? rg->grp : NULL;
}

IOK_EXPORT unsigned int iok_rgroup_count_devs(const struct iok_rgroup *rg)
{
	return rg ? iok_rgroup_nr_devs(rg) : 0;
}

IOK_EXPORT struct iok_dev *iok_rgroup_get_dev(const struct iok_rgroup *rg, unsigned int i)
{
	return rg ? iok_rgroup_dev(rg, i) : NULL;
}

IOK_EXPORT struct iok_domain *iok_rgroup_get_domain(const struct iok_rgroup *rg)
{
	return rg ? rg->domain : NULL;
}

IOK_EXPORT struct iok_domain *iok_rgroup_get_default_domain(const struct iok_rgroup *rg)
{
	return rg ? rg->default_domain : NULL;
}

IOK_EXPORT struct iok_domain *iok_rgroup_get_blocking_domain(const struct iok_rgroup *rg)
{
	return rg ? rg->blocking_domain : NULL;
}

IOK_EXPORT unsigned int iok_rgroup_get_owner_cnt(const struct iok_rgroup *rg)
{
	return rg ? rg->owner_cnt : 0;
}

IOK_EXPORT const void *iok_rgroup_get_owner(const struct iok_rgroup *rg)
{
	return rg ? rg->owner : NULL;
}
