// SPDX-License-Identifier: MIT
/*
 * On a live machine the kernel's own groups are known: compare them with the
 * computed ones as partitions (group numbers are the kernel's business). A
 * difference means an ACS override patch, a setpci after boot, or a rule or
 * quirk the model lacks.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/compare.h"

/* The member set of @d under the kernel's groups, as a bitmap over devices. */
static bool same_kernel_group(const struct iok_dev *a, const struct iok_dev *b)
{
	int ga = iok_dev_get_kernel_group(a), gb = iok_dev_get_kernel_group(b);

	return ga >= 0 && ga == gb;
}

static bool same_group(const struct iok_grouping *g, const struct iok_dev *a,
		       const struct iok_dev *b)
{
	const struct iok_group *ga = iok_dev_get_group(g, a);

	return ga && ga == iok_dev_get_group(g, b);
}

int cli_compare_kernel(struct iok_topo *topo, const struct iok_grouping *g,
		       struct cli_diff **out, unsigned int *nr)
{
	struct iok_dev *a, *b;
	struct cli_diff *d = NULL;
	unsigned int n = 0;

	*out = NULL;
	*nr = 0;
	if (!iok_topo_is_live(topo))
		return 0;
	iok_dev_foreach(topo, a) {
		int kg = iok_dev_get_kernel_group(a);
		struct iok_group *grp = iok_dev_get_group(g, a);
		const struct iok_dev *witness = NULL;
		bool differs = false;

		if (kg == -2 || !iok_dev_is_pci(a))
			continue;
		if ((kg >= 0) != (grp != NULL)) {
			differs = true;
		} else {
			iok_dev_foreach(topo, b) {
				if (b == a || iok_dev_get_kernel_group(b) == -2)
					continue;
				if (same_kernel_group(a, b) != same_group(g, a, b)) {
					differs = true;
					witness = b;
					break;
				}
			}
		}
		if (!differs)
			continue;
		d = realloc(d, (n + 1) * sizeof(*d));
		if (!d)
			return -1;
		d[n].dev = a;
		d[n].witness = witness;
		d[n].kernel_group = kg;
		d[n].group = grp ? iok_group_get_id(grp) : -1;
		n++;
	}
	*out = d;
	*nr = n;
	return 0;
}
