// SPDX-License-Identifier: MIT
/*
 * iommukit explain BDF: why a device is in its group. The path to the root
 * with each hop's ACS bits in lspci's words and the kernel's verdict, then
 * the chain of rules that tied each member to the group.
 */
#include <errno.h>
#include <string.h>

#include "cli/builtin.h"
#include "cli/json.h"

#define REQ_ACS (IOK_ACS_SV | IOK_ACS_RR | IOK_ACS_CR | IOK_ACS_UF)

static const char explain_usage[] =
	"usage: iommukit explain [options] BDF...\n\n"
	"Explains why each device is in its IOMMU group: the path to the root with\n"
	"every hop's ACS capability and control bits, the bits Linux requires there,\n"
	"the verdict, and the rule that joined each member to the group.\n";

/* Bridges whose requester ID replaces that of the devices below (spec groups 5.1). */
static bool is_alias_bridge(const struct iok_dev *d)
{
	int t = iok_dev_get_pcie_type(d);

	return iok_dev_is_bridge(d) &&
	       (t == -1 || t == IOK_PCIE_PCI_BRIDGE || t == IOK_PCIE_PCIE_BRIDGE);
}

static const char *acs_state_key(enum iok_acs_state s)
{
	switch (s) {
	case IOK_ACS_PRESENT: return "present";
	case IOK_ACS_NOT_CAPTURED: return "not_captured";
	default: return "absent";
	}
}

static void type_words(const struct iok_dev *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", iok_pcie_type_name(iok_dev_get_pcie_type(d)),
		 iok_dev_is_multifunction(d) ? ", multifunction" : "",
		 iok_dev_is_vf(d) ? ", SR-IOV VF" : "");
}

static void print_hop(const struct iok_grouping *g, const struct iok_dev *d, bool self)
{
	struct iok_acs_verdict v;
	char words[128], bits[128], req[64], miss[64];

	type_words(d, words, sizeof(words));
	printf("  %s%s%s  %s%s\n", C_BOLD, iok_dev_get_name(d), C_RESET, words,
	       self ? " (the device: matters for its siblings)" : "");
	if (is_alias_bridge(d) && !self)
		printf("      requester IDs of devices below are taken over by this bridge (DMA alias)\n");
	switch (iok_dev_get_acs_state(d)) {
	case IOK_ACS_PRESENT:
		printf("      ACSCap: %s\n", iok_acs_bits_str(bits, iok_dev_get_acs_cap(d)));
		iok_dev_acs_verdict(g, d, &v);
		printf("      ACSCtl: %s%s\n", iok_acs_bits_str(bits, v.ctrl),
		       v.ctrl != iok_dev_get_acs_ctrl(d) ? " (after Linux's ACS enabling)" : "");
		break;
	case IOK_ACS_NOT_CAPTURED:
		printf("      ACS: %snot captured%s (the dump stops at %u bytes; ACS lives in extended "
		       "config space): assumed absent\n", C_YELLOW, C_RESET, iok_dev_get_cfg_known(d));
		break;
	default:
		printf("      ACS: no capability\n");
	}
	iok_dev_acs_verdict(g, d, &v);
	printf("      rule: %s%s%s\n", iok_acs_rule_name(v.rule), v.quirk ? " " : "",
	       v.quirk ? v.quirk : "");
	cli_acs_short(req, v.required);
	cli_acs_short(miss, v.missing);
	if (v.isolated)
		printf("      required: %s -> %sisolated%s\n", req, C_GREEN, C_RESET);
	else
		printf("      required: %s, missing: %s -> %sNOT isolated%s\n", req, miss, C_RED,
		       C_RESET);
}

static void print_step(const struct iok_join_step *st)
{
	const char *n = iok_dev_get_name(st->dev);

	switch (st->kind) {
	case IOK_JOIN_NEW:
		printf("created the group: nothing related had one");
		break;
	case IOK_JOIN_NOT_ISOLATED:
		printf("upstream bridge %s fails the ACS path check", n);
		break;
	case IOK_JOIN_ALIAS_BRIDGE:
		printf("bridge %s takes over its requester ID", n);
		break;
	case IOK_JOIN_DMA_ALIAS:
		printf("DMA alias of %s", n);
		break;
	case IOK_JOIN_SIBLING:
		printf("multifunction sibling %s; neither is ACS-isolated", n);
		break;
	case IOK_JOIN_VMD:
		printf("its DMA is issued by VMD endpoint %s", n);
		break;
	default:
		printf("%s", iok_join_kind_name(st->kind));
	}
}

static void print_join(const struct iok_grouping *g, const struct iok_dev *d)
{
	struct iok_join_step st;
	unsigned int i;

	printf("  %s: ", iok_dev_get_name(d));
	for (i = 0; !iok_dev_get_join(g, d, i, &st); i++) {
		if (i)
			printf("; ");
		print_step(&st);
	}
	if (i && st.kind != IOK_JOIN_NEW && iok_dev_get_group(g, st.dev))
		printf(" -> joined the group of %s", iok_dev_get_name(st.dev));
	putchar('\n');
}

static void explain_text(struct iok_topo *topo, const struct iok_grouping *g,
			 const struct iok_dev *d)
{
	const struct iok_group *grp = iok_dev_get_group(g, d);
	const struct iok_dev *p;
	char desc[512];
	unsigned int i;

	cli_describe_dev(d, desc, sizeof(desc));
	printf("%s%s%s %s\n", C_BOLD, iok_dev_get_name(d), C_RESET, desc);
	if (!grp) {
		struct iok_join_step st;

		iok_dev_get_join(g, d, 0, &st);
		printf("No IOMMU group: %s.\n", iok_join_kind_name(st.kind));
		return;
	}
	printf("IOMMU Group %d (%u device%s), Linux %s rules, IOMMU %s, ACS %s\n",
	       iok_group_get_id(grp), iok_group_count_devs(grp),
	       iok_group_count_devs(grp) == 1 ? "" : "s", iok_grouping_get_kernel(g),
	       iok_topo_get_param(topo, "iommu"),
	       strcmp(iok_topo_get_param(topo, "acs"), "final") ?
	       "as firmware left it (kernel enabling applied)" : "as captured");
	if (iok_group_is_uncertain(grp))
		printf("%sUncertain: some config space was not captured (dump without root, or "
		       "lspci -xxx); the answer assumes no ACS there.%s\n", C_YELLOW, C_RESET);
	if (iok_dev_is_pci(d)) {
		printf("\nPath to the root (every bridge must pass pci_acs_enabled(SrcValid "
		       "ReqRedir CmpltRedir UpstreamFwd)):\n");
		print_hop(g, d, true);
		for (p = iok_dev_get_parent(d); p; p = iok_dev_get_parent(p))
			print_hop(g, p, false);
	}
	printf("\nMembers and the rule that put each in the group:\n");
	for (i = 0; i < iok_group_count_devs(grp); i++)
		print_join(g, iok_group_get_dev(grp, i));
}

static struct json_object *json_hop(const struct iok_grouping *g, const struct iok_dev *d,
				    bool self)
{
	struct json_object *o = json_object_new_object(), *acs = json_object_new_object();
	struct iok_acs_verdict v;
	char bits[128];

	iok_dev_acs_verdict(g, d, &v);
	json_object_object_add(o, "bdf", json_object_new_string(iok_dev_get_name(d)));
	json_object_object_add(o, "role", json_object_new_string(self ? "device" : "bridge"));
	json_object_object_add(o, "pcie_type",
			       json_object_new_string(cli_pcie_type_key(iok_dev_get_pcie_type(d))));
	json_object_object_add(o, "multifunction",
			       json_object_new_boolean(iok_dev_is_multifunction(d)));
	json_object_object_add(o, "alias_bridge",
			       json_object_new_boolean(!self && is_alias_bridge(d)));
	json_object_object_add(acs, "state",
			       json_object_new_string(acs_state_key(iok_dev_get_acs_state(d))));
	if (iok_dev_get_acs_state(d) == IOK_ACS_PRESENT) {
		json_object_object_add(acs, "cap", cli_json_hex(4, iok_dev_get_acs_cap(d)));
		json_object_object_add(acs, "ctrl", cli_json_hex(4, iok_dev_get_acs_ctrl(d)));
		json_object_object_add(acs, "ctrl_effective", cli_json_hex(4, v.ctrl));
		json_object_object_add(acs, "cap_bits", json_object_new_string(
			iok_acs_bits_str(bits, iok_dev_get_acs_cap(d))));
		json_object_object_add(acs, "ctrl_bits", json_object_new_string(
			iok_acs_bits_str(bits, v.ctrl)));
	}
	json_object_object_add(o, "acs", acs);
	json_object_object_add(o, "rule", json_object_new_string(cli_acs_rule_key(v.rule)));
	json_object_object_add(o, "quirk", v.quirk ? json_object_new_string(v.quirk) : NULL);
	json_object_object_add(o, "required", cli_json_hex(4, v.required));
	json_object_object_add(o, "missing", cli_json_hex(4, v.missing));
	json_object_object_add(o, "isolated", json_object_new_boolean(v.isolated));
	json_object_object_add(o, "uncertain", json_object_new_boolean(v.uncertain));
	return o;
}

static struct json_object *explain_json(const struct iok_grouping *g, const struct iok_dev *d)
{
	const struct iok_group *grp = iok_dev_get_group(g, d);
	struct json_object *o = json_object_new_object(), *path, *members;
	const struct iok_dev *p;
	unsigned int i;

	json_object_object_add(o, "device", cli_json_dev(d));
	json_object_object_add(o, "group", grp ? json_object_new_int(iok_group_get_id(grp)) : NULL);
	json_object_object_add(o, "uncertain",
			       json_object_new_boolean(grp && iok_group_is_uncertain(grp)));
	json_object_object_add(o, "joined", cli_json_join(g, d));
	path = json_object_new_array();
	if (iok_dev_is_pci(d)) {
		json_object_array_add(path, json_hop(g, d, true));
		for (p = iok_dev_get_parent(d); p; p = iok_dev_get_parent(p))
			json_object_array_add(path, json_hop(g, p, false));
	}
	json_object_object_add(o, "path", path);
	members = json_object_new_array();
	for (i = 0; grp && i < iok_group_count_devs(grp); i++) {
		struct json_object *m = json_object_new_object();
		const struct iok_dev *md = iok_group_get_dev(grp, i);

		json_object_object_add(m, "bdf", json_object_new_string(iok_dev_get_name(md)));
		json_object_object_add(m, "joined", cli_json_join(g, md));
		json_object_array_add(members, m);
	}
	json_object_object_add(o, "members", members);
	return o;
}

int cmd_explain(int argc, char **argv, struct iok_ctx *ctx)
{
	struct cli_opts o = { 0 };
	struct iok_grouping *g = NULL;
	struct iok_topo *topo = NULL;
	struct json_object *doc = NULL, *arr = NULL;
	int idx, rc, i;

	idx = cli_parse(argc, argv, explain_usage, NULL, NULL, &o, NULL, NULL);
	if (idx < 0)
		return EXIT_BAD_INPUT;
	if (idx >= argc) {
		fprintf(stderr, "iommukit explain: which device? (e.g. 0000:01:00.0)\n");
		return EXIT_BAD_INPUT;
	}
	rc = cli_load(ctx, &o, &topo);
	if (rc)
		return rc;
	/* Resolve every operand before printing anything. */
	for (i = idx; i < argc; i++) {
		struct iok_dev *d;

		rc = iok_dev_find(topo, argv[i], &d);
		if (rc) {
			rc = cli_error(ctx, argv[i], rc);
			goto out;
		}
	}
	rc = iok_grouping_compute(topo, &g);
	if (rc) {
		rc = cli_error(ctx, "grouping", rc);
		goto out;
	}
	if (o.json) {
		doc = cli_json_doc(topo, g);
		arr = json_object_new_array();
		json_object_object_add(doc, "devices", arr);
	}
	for (i = idx; i < argc; i++) {
		struct iok_dev *d;

		iok_dev_find(topo, argv[i], &d);
		if (o.json) {
			json_object_array_add(arr, explain_json(g, d));
			continue;
		}
		if (i > idx)
			putchar('\n');
		explain_text(topo, g, d);
	}
	if (doc)
		cli_json_print(doc);
	rc = 0;
out:
	iok_grouping_unref(g);
	iok_topo_unref(topo);
	return rc;
}
