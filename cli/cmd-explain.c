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
	"the verdict, and the rule that joined each member to the group; then, inside\n"
	"the group, its alias sets (one domain each) and isolation sets (one owner each).\n"
	"      --isolation POLICY kernel (default: one domain per group, as Linux) or\n"
	"                         relaxed (one owner may give alias sets their own domains)\n";

enum { OPT_ISOLATION = 0x100 };

static const struct option explain_opts[] = {
	{ "isolation", required_argument, NULL, OPT_ISOLATION },
	{ NULL, 0, NULL, 0 },
};

static int explain_opt(int opt, const char *arg, void *data)
{
	const char **isolation = data;

	if (opt != OPT_ISOLATION)
		return -1;
	if (strcmp(arg, "kernel") && strcmp(arg, "relaxed")) {
		fprintf(stderr, "iommukit explain: --isolation takes kernel or relaxed, not '%s'\n",
			arg);
		return -1;
	}
	*isolation = arg;
	return 0;
}

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

/* Bits in lspci's words, only those set: "SrcValid- ReqRedir-". */
static char *acs_missing_words(char *buf, uint16_t bits)
{
	static const char *const names[] = { "SrcValid", "TransBlk", "ReqRedir",
		"CmpltRedir", "UpstreamFwd", "EgressCtrl", "DirectTrans" };
	unsigned int i, n = 0;

	buf[0] = 0;
	for (i = 0; i < 7; i++)
		if (bits & (1u << i))
			n += sprintf(buf + n, "%s%s-", n ? " " : "", names[i]);
	return buf;
}

/* Why @d fails pci_acs_enabled(), in the words of the path above. */
static void print_acs_failure(const struct iok_dev *d, const char *also,
			      const struct iok_acs_verdict *v)
{
	char words[128], bits[128];

	type_words(d, words, sizeof(words));
	printf("%s (%s)%s is %snot isolated%s: %s%s%s", iok_dev_get_name(d), words, also, C_RED,
	       C_RESET, iok_acs_rule_name(v->rule), v->quirk ? " " : "", v->quirk ? v->quirk : "");
	if (v->missing)
		printf(", missing %s", acs_missing_words(bits, v->missing));
	if (v->uncertain)
		printf(" %s(ACS not captured)%s", C_YELLOW, C_RESET);
}

static const char *plural(unsigned int n)
{
	return n == 1 ? "" : "s";
}

static void print_reason(const struct iok_set_reason *r)
{
	char alias[32], also[96];

	printf("      ");
	switch (r->kind) {
	case IOK_JOIN_ALIAS_BRIDGE:
		printf("bridge %s (%s) takes over the requester ID of %u device%s below it",
		       iok_dev_get_name(r->via), iok_pcie_type_name(iok_dev_get_pcie_type(r->via)),
		       r->nr_devs, plural(r->nr_devs));
		break;
	case IOK_JOIN_VMD:
		printf("%u device%s issue DMA as VMD endpoint %s", r->nr_devs, plural(r->nr_devs),
		       iok_dev_get_name(r->via));
		break;
	case IOK_JOIN_DMA_ALIAS:
		snprintf(alias, sizeof(alias), "%04x:%02x:%02x.%x", iok_dev_get_domain(r->dev),
			 iok_dev_get_busnr(r->dev), r->alias_devfn >> 3, r->alias_devfn & 7);
		printf("DMA alias: %s also issues requests as %s%s (quirk or firmware alias)",
		       iok_dev_get_name(r->dev), alias, r->via ? "" : ", a function that does not exist");
		break;
	case IOK_JOIN_NOT_ISOLATED:
		printf("upstream bridge %s fails the ACS path check for %u device%s below it: ",
		       iok_dev_get_name(r->via), r->nr_devs, plural(r->nr_devs));
		print_acs_failure(r->culprit, "", &r->acs);
		break;
	case IOK_JOIN_SIBLING:
		if (r->nr_devs > 1)
			snprintf(also, sizeof(also), ", a multifunction sibling of %s and %u more,",
				 iok_dev_get_name(r->via), r->nr_devs - 1);
		else
			snprintf(also, sizeof(also), ", a multifunction sibling of %s,",
				 iok_dev_get_name(r->via));
		print_acs_failure(r->culprit, also, &r->acs);
		break;
	default:
		printf("%s", iok_join_kind_name(r->kind));
	}
	putchar('\n');
}

static void print_set(const struct iok_devset *set)
{
	struct iok_set_reason r;
	unsigned int i;

	printf("    {");
	for (i = 0; i < iok_devset_count_devs(set); i++)
		printf("%s%s", i ? " " : "", iok_dev_get_name(iok_devset_get_dev(set, i)));
	printf("}");
	if (iok_devset_spans_groups(set))
		printf(" %salso related to a device of another group: Linux never merges groups "
		       "(spec groups 6.4)%s", C_RED, C_RESET);
	else if (!iok_devset_count_reasons(set) && iok_devset_count_devs(set) == 1)
		printf(" %salone%s", C_GREEN, C_RESET);
	putchar('\n');
	for (i = 0; !iok_devset_get_reason(set, i, &r); i++)
		print_reason(&r);
}

/* The two layers Linux merges into the group (docs/groups-sets.md). */
static void print_sets(struct iok_topo *topo, const struct iok_group *grp)
{
	const struct iok_devset *set;
	bool relaxed = !strcmp(iok_topo_get_param(topo, "isolation"), "relaxed");

	printf("\nInside the group:\n");
	printf("  %sAlias sets%s: the IOMMU cannot tell their requests apart (one domain each)\n",
	       C_BOLD, C_RESET);
	iok_group_foreach_alias_set(grp, set)
		print_set(set);
	printf("  %sIsolation sets%s: they reach each other without the IOMMU (one owner each)\n",
	       C_BOLD, C_RESET);
	iok_group_foreach_isolation_set(grp, set) {
		print_set(set);
		if (!iok_devset_count_reasons(set) && iok_devset_count_devs(set) > 1)
			printf("      one alias set: no peer-to-peer path beyond it\n");
	}
	if (relaxed)
		printf("  Policy isolation=relaxed (beyond Linux): one owner may give each alias set "
		       "its own domain; the whole group keeps one owner.\n");
	else
		printf("  Policy isolation=kernel: the whole group shares one domain, as in Linux.\n");
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
	print_sets(topo, grp);
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

static struct json_object *json_reason(const struct iok_set_reason *r)
{
	struct json_object *o = json_object_new_object();
	char alias[32];

	json_object_object_add(o, "rule", json_object_new_string(cli_join_key(r->kind)));
	json_object_object_add(o, "device", json_object_new_string(iok_dev_get_name(r->dev)));
	json_object_object_add(o, "via", r->via ? json_object_new_string(iok_dev_get_name(r->via)) :
				       NULL);
	json_object_object_add(o, "count", json_object_new_int(r->nr_devs));
	if (r->kind == IOK_JOIN_DMA_ALIAS) {
		snprintf(alias, sizeof(alias), "%04x:%02x:%02x.%x", iok_dev_get_domain(r->dev),
			 iok_dev_get_busnr(r->dev), r->alias_devfn >> 3, r->alias_devfn & 7);
		json_object_object_add(o, "alias", json_object_new_string(alias));
	}
	if (!r->culprit)
		return o;
	json_object_object_add(o, "culprit", json_object_new_string(iok_dev_get_name(r->culprit)));
	json_object_object_add(o, "acs_rule", json_object_new_string(cli_acs_rule_key(r->acs.rule)));
	json_object_object_add(o, "quirk", r->acs.quirk ? json_object_new_string(r->acs.quirk) : NULL);
	json_object_object_add(o, "required", cli_json_hex(4, r->acs.required));
	json_object_object_add(o, "missing", cli_json_hex(4, r->acs.missing));
	return o;
}

/* An isolation set's alias sets, by their index in the group (it is their union). */
static struct json_object *json_alias_indexes(const struct iok_group *grp,
					      const struct iok_devset *iso)
{
	struct json_object *arr = json_object_new_array();
	const struct iok_devset *set;
	int i = 0;

	iok_group_foreach_alias_set(grp, set) {
		if (iok_devset_contains(iso, iok_devset_get_dev(set, 0)))
			json_object_array_add(arr, json_object_new_int(i));
		i++;
	}
	return arr;
}

static struct json_object *json_sets(const struct iok_group *grp, enum iok_set_layer layer)
{
	struct json_object *arr = json_object_new_array();
	const struct iok_devset *set;

	for (set = iok_group_get_first_set(grp, layer); set; set = iok_devset_get_next(set)) {
		struct json_object *o = json_object_new_object(), *devs = json_object_new_array();
		struct json_object *reasons = json_object_new_array();
		struct iok_set_reason r;
		unsigned int i;

		for (i = 0; i < iok_devset_count_devs(set); i++)
			json_object_array_add(devs, json_object_new_string(
				iok_dev_get_name(iok_devset_get_dev(set, i))));
		json_object_object_add(o, "devices", devs);
		if (layer == IOK_SET_ISOLATION)
			json_object_object_add(o, "alias_sets", json_alias_indexes(grp, set));
		json_object_object_add(o, "spans_groups",
				       json_object_new_boolean(iok_devset_spans_groups(set)));
		for (i = 0; !iok_devset_get_reason(set, i, &r); i++)
			json_object_array_add(reasons, json_reason(&r));
		json_object_object_add(o, "reasons", reasons);
		json_object_array_add(arr, o);
	}
	return arr;
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
	json_object_object_add(o, "alias_sets", json_sets(grp, IOK_SET_ALIAS));
	json_object_object_add(o, "isolation_sets", json_sets(grp, IOK_SET_ISOLATION));
	return o;
}

int cmd_explain(int argc, char **argv, struct iok_ctx *ctx)
{
	struct cli_opts o = { 0 };
	struct iok_grouping *g = NULL;
	struct iok_topo *topo = NULL;
	struct json_object *doc = NULL, *arr = NULL;
	const char *isolation = NULL;
	int idx, rc, i;

	idx = cli_parse(argc, argv, explain_usage, explain_opts, NULL, &o, explain_opt,
			&isolation);
	if (idx < 0)
		return EXIT_BAD_INPUT;
	if (idx >= argc) {
		fprintf(stderr, "iommukit explain: which device? (e.g. 0000:01:00.0)\n");
		return EXIT_BAD_INPUT;
	}
	rc = cli_load(ctx, &o, &topo);
	if (rc)
		return rc;
	if (isolation && (rc = iok_topo_set_param(topo, "isolation", isolation))) {
		rc = cli_error(ctx, "parameter", rc);
		goto out;
	}
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
		json_object_object_add(doc, "isolation",
				       json_object_new_string(iok_topo_get_param(topo, "isolation")));
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
