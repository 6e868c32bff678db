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

void iok_topo_assign_units(struct iok_topo *topo)
{
	unsigned int u;
	struct iok_dev *d;

	for (d = topo->first; d; d = d->next) {
		d->unit = -1;
		if (topo->params.iommu == IOK_IOMMU_NONE || d->hidden)
			continue;
		if (topo->params.iommu == IOK_IOMMU_AMD && d->is_pci &&
		    is_amd_iommu_fn(d))
			continue;
		if (!topo->nr_units) {
			d->unit = 0;
			continue;
		}
		for (u = 0; u < topo->nr_units; u++) {
			const struct iok_unit *unit = &topo->units[u];

			if (unit->include_all || (d->is_pci && in_scope(topo, unit, d))) {
				d->unit = u;
				break;
			}
		}
	}
}

int iok_late_quirks(struct iok_topo *topo)
{
	return map_vmd_domains(topo);
}
