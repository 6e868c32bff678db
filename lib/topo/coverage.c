// SPDX-License-Identifier: MIT
/*
 * Which IOMMU unit translates each device, and which devices DMA as someone
 * else (VMD). Both are platform facts Linux learns from firmware tables;
 * sources give them when they know, and the defaults follow spec groups 7.
 */
#include <stdio.h>

#include "lib/topo/topo-private.h"

/*
 * VMD domains are numbered from 0x10000 in the order the vmd driver probes
 * its endpoints; without a source that says which is which, pair them up
 * in that order.
 */
static int map_vmd_domains(struct iok_topo *topo)
{
	struct iok_dev *vmds[16];
	uint32_t domains[16];
	unsigned int nv = 0, nd = 0, i, k;
	struct iok_dev *d;

	for (d = topo->first; d; d = d->next)
		if (iok_dev_is_vmd(d) && !d->hidden && nv < ARRAY_SIZE(vmds))
			vmds[nv++] = d;
	for (i = 0; i < topo->nr_devs - topo->nr_platform; i++) {
		d = topo->sorted[i];
		if (d->domain < 0x10000 || d->vmd)
			continue;
		for (k = 0; k < nd; k++)
			if (domains[k] == d->domain)
				break;
		if (k == nd && nd < ARRAY_SIZE(domains))
			domains[nd++] = d->domain;
	}
	if (!nd)
		return 0;
	if (!nv)
		return iok_fail(topo->ctx, -EINVAL,
				"%s: PCI domain %05x is a VMD domain (>= 0x10000) but no VMD endpoint is present",
				topo->source, domains[0]);
	for (i = 0; i < topo->nr_devs - topo->nr_platform; i++) {
		d = topo->sorted[i];
		if (d->domain < 0x10000 || d->vmd)
			continue;
		for (k = 0; k < nd; k++)
			if (domains[k] == d->domain)
				break;
		d->vmd = vmds[k < nv ? k : nv - 1];
	}
	if (nd != nv)
		warn(topo->ctx, "%s: %u VMD domains for %u VMD endpoints; paired in order",
		     topo->source, nd, nv);
	return 0;
}

static bool in_scope(struct iok_topo *topo, const struct iok_unit *u,
		     const struct iok_dev *d)
{
	unsigned int i;
	const struct iok_dev *p;

	for (i = 0; i < u->nr_scope; i++)
		for (p = d; p; p = iok_dev_get_parent(p))
			if (!strcmp(u->scope[i], p->name))
				return true;
	return false;
}

/* The AMD IOMMU's own PCI function is never translated (spec groups 7). */
static bool is_amd_iommu_fn(const struct iok_dev *d)
{
	return d->vendor == 0x1022 && d->class == 0x080600;
}

/*
 * The unit that translates @d. Intel looks units up in its DRHD list:
 * scoped units at the head in reverse table order, INCLUDE_ALL units at
 * the tail (spec groups 8); a VF is looked up as its PF, since scope
 * tables list no VFs, and a VMD child as the VMD endpoint it DMAs as.
 */
static int find_unit(struct iok_topo *topo, const struct iok_dev *d)
{
	bool intel = topo->params.iommu == IOK_IOMMU_INTEL;
	unsigned int i, u;

	if (d->is_pci && d->vmd)
		d = d->vmd;
	if (d->is_pci && d->is_vf)
		d = d->pf;
	for (i = 0; i < topo->nr_units; i++) {
		const struct iok_unit *unit;

		u = intel ? topo->nr_units - 1 - i : i;
		unit = &topo->units[u];
		if (!unit->include_all && d->is_pci && in_scope(topo, unit, d))
			return u;
		if (!intel && unit->include_all)
			return u;
	}
	for (u = 0; intel && u < topo->nr_units; u++)
		if (topo->units[u].include_all)
			return u;
	return -1;
}

/* Outside every unit by firmware (e.g. a host bridge that bypasses the IOMMU). */
static bool not_covered(const struct iok_topo *topo, const struct iok_dev *d)
{
	const struct iok_params *p = &topo->params;
	const struct iok_dev *a;
	const struct iok_bus *b;
	unsigned int i;

	if (d->fw_no_iommu || !d->is_pci)
		return d->fw_no_iommu;
	for (i = 0; i < p->nr_no_iommu; i++) {
		const struct iok_dev_sel *e = &p->no_iommu[i];

		if (e->devfn < 0) {
			for (b = (d->is_vf ? d->pf : d)->bus; b && !b->is_root; b = b->parent)
				;
			if (b && b->domain == e->domain && b->number == e->bus)
				return true;
			continue;
		}
		for (a = d; a; a = a->is_vf ? a->pf : iok_dev_get_parent(a))
			if (a->domain == e->domain && a->busnr == e->bus && a->devfn == e->devfn)
				return true;
	}
	return false;
}

void iok_topo_assign_units(struct iok_topo *topo)
{
	unsigned int i;

	/* Input order: the structs lie in memory that way, list order chases pointers. */
	for (i = 0; i < topo->nr_devs; i++) {
		struct iok_dev *d = topo->devs[i];

		d->unit = -1;
		if (topo->params.iommu == IOK_IOMMU_NONE || d->hidden)
			continue;
		if (topo->params.iommu == IOK_IOMMU_AMD && d->is_pci &&
		    is_amd_iommu_fn(d))
			continue;
		if (not_covered(topo, d))
			continue;
		d->unit = topo->nr_units ? find_unit(topo, d) : 0;
	}
}

int iok_late_quirks(struct iok_topo *topo)
{
	return map_vmd_domains(topo);
}
