// SPDX-License-Identifier: MIT
/* iommukit groups: the familiar listing, computed as Linux computes it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/builtin.h"
#include "cli/compare.h"
#include "cli/json.h"

static const char groups_usage[] =
	"usage: iommukit groups [options]\n\n"
	"Lists IOMMU groups as the Linux kernel forms them, one line per device; with -v,\n"
	"the alias sets and isolation sets inside each group of several devices.\n"
	"  -s, --slot FILTER      only groups with a device matching [[domain:]bus:][slot][.func]\n";

static const struct option groups_opts[] = {
	{ "slot", required_argument, NULL, 's' },
	{ NULL, 0, NULL, 0 },
};

static int groups_opt(int opt, const char *arg, void *data)
{
	struct cli_opts *o = data;

	if (opt != 's')
		return -1;
	o->slot = arg;
	return cli_slot_check(arg);
}

static bool group_selected(const struct cli_opts *o, const struct iok_group *grp)
{
	unsigned int i;

	if (!o->slot)
		return true;
	for (i = 0; i < iok_group_count_devs(grp); i++)
		if (cli_slot_match(o->slot, iok_group_get_dev(grp, i)))
			return true;
	return false;
}

static const char *hidden_reason(enum iok_hidden_reason r)
{
	switch (r) {
	case IOK_HIDDEN_BELOW_PORT: return "device number > 0 below a PCIe port is never scanned";
	case IOK_HIDDEN_NOT_MULTIFUNCTION: return "function 0 of its slot is not multifunction";
	case IOK_HIDDEN_NO_FUNCTION0: return "function 0 of its slot is missing";
	case IOK_HIDDEN_NOT_IN_ARI_CHAIN: return "not reached by the ARI next-function chain";
	case IOK_HIDDEN_PARENT: return "the bridge above it is not enumerated";
	default: return "not enumerated";
	}
}

static const char *ungrouped_reason(const struct iok_dev *d, bool json)
{
	if (iok_dev_get_hidden(d))
		return json ? "not_enumerated" : hidden_reason(iok_dev_get_hidden(d));
	return json ? "no_iommu" : "no IOMMU translates it";
}

/* -v: the sets inside a group of several devices, one line per layer. */
static void print_sets(const struct iok_group *grp, enum iok_set_layer layer)
{
	const struct iok_devset *set;
	unsigned int i;

	printf("\t%s%s sets:", C_DIM, iok_set_layer_name(layer));
	for (set = iok_group_get_first_set(grp, layer); set; set = iok_devset_get_next(set)) {
		printf(" {");
		for (i = 0; i < iok_devset_count_devs(set); i++)
			printf("%s%s", i ? " " : "", iok_dev_get_name(iok_devset_get_dev(set, i)));
		printf("}%s", iok_devset_spans_groups(set) ? " (reaches another group)" : "");
	}
	printf("%s\n", C_RESET);
}

static void print_text(struct iok_topo *topo, const struct iok_grouping *g,
		       const struct cli_opts *o, const struct cli_diff *diff, unsigned int nd)
{
	const struct iok_group *grp;
	struct iok_dev *d;
	char desc[512];
	unsigned int i;
	bool any = false;

	const char *cmdline = iok_topo_get_param(topo, "cmdline");
	const char *ovr = iok_topo_get_param(topo, "acs_override");

	printf("%s# %s, Linux %s rules, IOMMU %s, ACS %s", C_DIM, iok_topo_get_source(topo),
	       iok_grouping_get_kernel(g), iok_topo_get_param(topo, "iommu"),
	       strcmp(iok_topo_get_param(topo, "acs"), "final") ?
	       "as firmware left it (kernel enabling applied)" : "as captured");
	if (*cmdline)
		printf(", cmdline '%s'", cmdline);
	if (*ovr)
		printf(", what-if pcie_acs_override=%s (out-of-tree patch)", ovr);
	printf("%s\n", C_RESET);
	iok_group_foreach(g, grp) {
		if (!group_selected(o, grp))
			continue;
		printf("%sIOMMU Group %d:%s", C_BOLD, iok_group_get_id(grp), C_RESET);
		if (iok_group_is_uncertain(grp))
			printf(" %s(uncertain: config space not captured; see 'explain')%s",
			       C_YELLOW, C_RESET);
		putchar('\n');
		for (i = 0; i < iok_group_count_devs(grp); i++) {
			d = iok_group_get_dev(grp, i);
			cli_describe_dev(d, desc, sizeof(desc));
			printf("\t%s %s\n", iok_dev_get_name(d), desc);
		}
		if (o->verbose && iok_group_count_devs(grp) > 1) {
			print_sets(grp, IOK_SET_ALIAS);
			print_sets(grp, IOK_SET_ISOLATION);
		}
	}
	iok_dev_foreach(topo, d) {
		if (iok_dev_get_group(g, d) || (o->slot && !cli_slot_match(o->slot, d)))
			continue;
		if (!any)
			printf("%sNo IOMMU group:%s\n", C_BOLD, C_RESET);
		any = true;
		cli_describe_dev(d, desc, sizeof(desc));
		printf("\t%s %s (%s)\n", iok_dev_get_name(d), desc, ungrouped_reason(d, false));
	}
	if (!strcmp(iok_topo_get_param(topo, "iommu"), "none"))
		printf("%sNote: no IOMMU translates DMA here, so Linux forms no groups; "
		       "--iommu intel (or amd, arm, virtio) shows the groups it would form "
		       "with one enabled.%s\n", C_YELLOW, C_RESET);
	for (i = 0; i < nd; i++) {
		if (!i)
			printf("%sNote: the kernel's groups in /sys/kernel/iommu_groups differ from the "
			       "computed ones (an ACS override patch, setpci after boot, or a rule "
			       "iommukit lacks):%s\n", C_YELLOW, C_RESET);
		printf("\t%s: kernel group %d, computed group %d", iok_dev_get_name(diff[i].dev),
		       diff[i].kernel_group, diff[i].group);
		if (diff[i].witness)
			printf(" (grouped with %s on one side only)", iok_dev_get_name(diff[i].witness));
		putchar('\n');
	}
}

static void print_json(struct iok_topo *topo, const struct iok_grouping *g,
		       const struct cli_opts *o, const struct cli_diff *diff, unsigned int nd)
{
	struct json_object *doc = cli_json_doc(topo, g);
	struct json_object *groups = json_object_new_array(), *un = json_object_new_array();
	struct json_object *kd = json_object_new_array();
	const struct iok_group *grp;
	struct iok_dev *d;
	unsigned int i;

	iok_group_foreach(g, grp) {
		struct json_object *jg, *devs;

		if (!group_selected(o, grp))
			continue;
		jg = json_object_new_object();
		devs = json_object_new_array();
		json_object_object_add(jg, "group", json_object_new_int(iok_group_get_id(grp)));
		json_object_object_add(jg, "uncertain",
				       json_object_new_boolean(iok_group_is_uncertain(grp)));
		for (i = 0; i < iok_group_count_devs(grp); i++) {
			struct json_object *jd;

			d = iok_group_get_dev(grp, i);
			jd = cli_json_dev(d);
			json_object_object_add(jd, "joined", cli_json_join(g, d));
			json_object_array_add(devs, jd);
		}
		json_object_object_add(jg, "devices", devs);
		json_object_array_add(groups, jg);
	}
	iok_dev_foreach(topo, d) {
		struct json_object *jd;

		if (iok_dev_get_group(g, d) || (o->slot && !cli_slot_match(o->slot, d)))
			continue;
		jd = cli_json_dev(d);
		json_object_object_add(jd, "reason",
				       json_object_new_string(ungrouped_reason(d, true)));
		json_object_array_add(un, jd);
	}
	for (i = 0; i < nd; i++) {
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "bdf", json_object_new_string(iok_dev_get_name(diff[i].dev)));
		json_object_object_add(e, "kernel_group", json_object_new_int(diff[i].kernel_group));
		json_object_object_add(e, "group", json_object_new_int(diff[i].group));
		json_object_array_add(kd, e);
	}
	json_object_object_add(doc, "groups", groups);
	json_object_object_add(doc, "ungrouped", un);
	if (iok_topo_is_live(topo))
		json_object_object_add(doc, "kernel_differences", kd);
	else
		json_object_put(kd);
	cli_json_print(doc);
}

int cmd_groups(int argc, char **argv, struct iok_ctx *ctx)
{
	struct cli_opts o = { 0 };
	struct iok_grouping *g = NULL;
	struct iok_topo *topo = NULL;
	struct cli_diff *diff = NULL;
	unsigned int nd = 0;
	int idx, rc;

	idx = cli_parse(argc, argv, groups_usage, groups_opts, "s:", &o, groups_opt, &o);
	if (idx < 0)
		return EXIT_BAD_INPUT;
	if (idx < argc) {
		fprintf(stderr, "iommukit groups: unexpected argument '%s'\n", argv[idx]);
		return EXIT_BAD_INPUT;
	}
	rc = cli_load(ctx, &o, &topo);
	if (rc)
		return rc;
	rc = iok_grouping_compute(topo, &g);
	if (rc) {
		rc = cli_error(ctx, "grouping", rc);
		goto out;
	}
	if (cli_compare_kernel(topo, g, &diff, &nd) < 0) {
		rc = cli_error(ctx, "compare", -ENOMEM);
		goto out;
	}
	if (o.json)
		print_json(topo, g, &o, diff, nd);
	else
		print_text(topo, g, &o, diff, nd);
	rc = 0;
out:
	free(diff);
	iok_grouping_unref(g);
	iok_topo_unref(topo);
	return rc;
}
