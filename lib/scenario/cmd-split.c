// SPDX-License-Identifier: MIT
/*
 * The core-split family: the relaxed isolation policy (docs/groups-sets.md,
 * beyond Linux). `param isolation relaxed` before the machine boots lets
 * the owner of a whole group give each alias set a domain of its own with
 * iommu_attach_alias_set; under `param isolation kernel` (the default) the
 * same calls are iommu_attach_device and iommu_detach_device, as in Linux.
 */
#include <stdio.h>

#include "lib/private.h"
#include "lib/scenario/scenario-private.h"

static int domain_dev(struct iok_scn *s, char **argv, struct iok_domain **d,
		      struct iok_dev **dev)
{
	struct iok_machine *m;
	int rc = iok_scn_domain(s, argv[1], d);

	if (!rc)
		rc = iok_scn_machine(s, &m);
	return rc ? rc : iok_scn_dev(s, argv[2], dev);
}

static int cmd_attach_set(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_domain *d;
	struct iok_dev *dev;
	int rc = domain_dev(s, argv, &d, &dev);

	(void)argc;
	(void)res;
	return rc ? rc : iok_attach_alias_set(d, dev);
}

static int cmd_detach_set(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_domain *d;
	struct iok_dev *dev;
	int rc = domain_dev(s, argv, &d, &dev);

	(void)argc;
	(void)res;
	return rc ? rc : iok_detach_alias_set(d, dev);
}

/* "OK devices=A,B domain=NAME split=yes": the set, its domain, the group's state. */
static int cmd_alias_set(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_domain *d;
	struct iok_machine *m;
	struct iok_devset *set;
	struct iok_rgroup *rg;
	struct iok_dev *dev;
	char devs[700] = "", buf[64];
	unsigned int i;
	int rc = iok_scn_machine(s, &m);

	(void)argc;
	if (!rc)
		rc = iok_scn_dev(s, argv[1], &dev);
	if (rc)
		return rc;
	rg = iok_dev_get_rgroup(m, dev);
	if (!rg)
		return iok_fail(iok_scn_ctx(s), -ENODEV, "%s has no IOMMU group", iok_scn_bdf(dev));
	rc = iok_dev_get_set(iok_machine_get_grouping(m), dev, IOK_SET_ALIAS, &set);
	if (rc)
		return rc;
	for (i = 0; i < iok_devset_count_devs(set); i++)
		snprintf(devs + strlen(devs), sizeof(devs) - strlen(devs), "%s%s", i ? "," : "",
			 iok_scn_bdf(iok_devset_get_dev(set, i)));
	iok_scn_printf(res, "devices=%s", devs);
	d = iok_get_alias_set_domain(m, dev);
	iok_scn_printf(res, "domain=%s", iok_scn_domain_name(s, rg, d, buf, sizeof(buf)));
	iok_scn_printf(res, "split=%s", iok_rgroup_is_split(rg) ? "yes" : "no");
	return 0;
}

const struct iok_scn_cmd iok_scn_cmds_core_split[] = {
	{ "iommu_attach_alias_set", cmd_attach_set, 2, 2, "iommu_attach_alias_set DOMAIN BDF",
	  "attach the device's alias set (relaxed; iommu_attach_device under kernel)" },
	{ "iommu_detach_alias_set", cmd_detach_set, 2, 2, "iommu_detach_alias_set DOMAIN BDF",
	  "the alias set back to the group's core domain (iommu_detach_device under kernel)" },
	{ "alias_set", cmd_alias_set, 1, 1, "alias_set BDF",
	  "OK devices=... domain=NAME split=yes|no: the device's alias set and its domain" },
	{ NULL, NULL, 0, 0, NULL, NULL },
};
