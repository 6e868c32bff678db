// SPDX-License-Identifier: MIT
/*
 * Alias sets and isolation sets inside the groups (docs/groups-sets.md),
 * one hand-built topology per reason, the isolation=relaxed query, misuse,
 * and a property test over every kernel capture of tests/corpus: the sets
 * partition each group, every alias set lies inside one isolation set, and
 * every relation the spec names (DMA aliases of spec groups 5.1 and 5.4,
 * the ACS path of 4.3, multifunction siblings of 4.2 and 6.2 step D) stays
 * inside one set of the right layer.
 *
 * Defaults: Intel VT-d, Linux 6.19, ACS Control as firmware left it. JSON
 * is written with single quotes; t_loadf() turns them into double quotes.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define FULL "'acs': {'cap': 'SV RR CR UF', 'ctrl': ''}"
#define REQ (IOK_ACS_SV | IOK_ACS_RR | IOK_ACS_CR | IOK_ACS_UF)

/* ---- helpers ----------------------------------------------------------- */

static const char *short_name(const struct iok_dev *d)
{
	const char *n = iok_dev_get_name(d);

	return strncmp(n, "0000:", 5) ? n : n + 5;
}

static struct iok_devset *set_of(struct iok_grouping *g, struct iok_topo *t, const char *bdf,
				 enum iok_set_layer layer)
{
	struct iok_devset *set = NULL;

	assert_int_equal(iok_dev_get_set(g, t_dev(t, bdf), layer, &set), 0);
	assert_non_null(set);
	return set;
}

/* The sets of @layer in @bdf's group, "{a b} {c}" in order, must be @expect. */
static void expect_sets(struct iok_grouping *g, struct iok_topo *t, const char *bdf,
			enum iok_set_layer layer, const char *expect)
{
	struct iok_group *grp = iok_dev_get_group(g, t_dev(t, bdf));
	struct iok_devset *set;
	char got[4096] = "";
	unsigned int i;

	assert_non_null(grp);
	for (set = iok_group_get_first_set(grp, layer); set; set = iok_devset_get_next(set)) {
		strcat(got, *got ? " {" : "{");
		for (i = 0; i < iok_devset_count_devs(set); i++) {
			if (i)
				strcat(got, " ");
			strcat(got, short_name(iok_devset_get_dev(set, i)));
		}
		strcat(got, "}");
	}
	if (strcmp(got, expect))
		fail_msg("%s sets of the group of %s: got %s, expected %s",
			 iok_set_layer_name(layer), bdf, got, expect);
}

/*
 * The reason of @set of @kind through @via (NULL: any); fails when there is
 * none. @culprit and @nr_devs are checked when given (NULL, 0: any).
 */
static struct iok_set_reason expect_reason(struct iok_devset *set, enum iok_join_kind kind,
					   const char *via, const char *culprit,
					   unsigned int nr_devs)
{
	struct iok_set_reason r;
	unsigned int i;

	for (i = 0; !iok_devset_get_reason(set, i, &r); i++) {
		if (r.kind != kind || (via && (!r.via || strcmp(short_name(r.via), via))))
			continue;
		if (culprit && (!r.culprit || strcmp(short_name(r.culprit), culprit)))
			fail_msg("reason '%s' via %s: culprit %s, expected %s",
				 iok_join_kind_name(kind), via ? via : "-",
				 r.culprit ? short_name(r.culprit) : "(none)", culprit);
		if (nr_devs && r.nr_devs != nr_devs)
			fail_msg("reason '%s' via %s ties %u devices, expected %u",
				 iok_join_kind_name(kind), via ? via : "-", r.nr_devs, nr_devs);
		return r;
	}
	fail_msg("no reason '%s' via %s in a set of %u devices", iok_join_kind_name(kind),
		 via ? via : "-", iok_devset_count_devs(set));
	return r;
}

static int may_split(struct iok_grouping *g, struct iok_topo *t, const char *a, const char *b)
{
	return iok_group_may_split(iok_dev_get_group(g, t_dev(t, a)), t_dev(t, a), t_dev(t, b));
}

/* ---- alias sets -------------------------------------------------------- */

/*
 * spec groups 5.1, 13 #10: a PCIe-to-PCI bridge takes over the requester ID
 * of every device behind it: one alias set with the bridge. The conventional
 * bus is also shared (no ACS there), so the isolation set is the same one.
 */
static void pcie_to_pci_bridge(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '02', 'subordinate': '03', " FULL "},"
		"{'bdf': '02:00.0', 'id': '104c:8240', 'pcie': 'pcie_to_pci', 'secondary': '03'},"
		"{'bdf': '03:04.0', 'id': '10ec:8169', 'class': '020000'},"
		"{'bdf': '03:05.0', 'id': '1106:3038', 'class': '0c0300', 'multifunction': true},"
		"{'bdf': '03:05.1', 'id': '1106:3038', 'class': '0c0300'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {02:00.0 03:04.0 03:05.0 03:05.1}");
	struct iok_set_reason r;
	struct iok_devset *as;

	expect_sets(g, t, "02:00.0", IOK_SET_ALIAS, "{02:00.0 03:04.0 03:05.0 03:05.1}");
	expect_sets(g, t, "02:00.0", IOK_SET_ISOLATION, "{02:00.0 03:04.0 03:05.0 03:05.1}");
	as = set_of(g, t, "03:05.1", IOK_SET_ALIAS);
	assert_int_equal(iok_devset_count_reasons(as), 1);
	r = expect_reason(as, IOK_JOIN_ALIAS_BRIDGE, "02:00.0", NULL, 3);
	assert_null(r.culprit);
	assert_int_equal(r.alias_devfn, -1);
	/* Behind the bridge: a bus without ACS, and the functions of 03:05. */
	r = expect_reason(set_of(g, t, "03:04.0", IOK_SET_ISOLATION), IOK_JOIN_NOT_ISOLATED,
			  "02:00.0", "02:00.0", 3);
	assert_int_equal(r.acs.rule, IOK_ACS_RULE_BRIDGE_TYPE);
	assert_int_equal(r.acs.missing, REQ);
	expect_reason(set_of(g, t, "03:04.0", IOK_SET_ISOLATION), IOK_JOIN_SIBLING, "03:05.1",
		      "03:05.0", 1);
	expect_sets(g, t, "00:01.0", IOK_SET_ALIAS, "{00:01.0}");
	assert_int_equal(iok_devset_count_reasons(set_of(g, t, "00:01.0", IOK_SET_ALIAS)), 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/*
 * spec groups 5.2, 13 #11: a conventional bridge (ASM1083, PCIE_BRIDGE_ALIAS)
 * aliases like a PCIe-to-PCI bridge; nested behind a PCI-to-PCIe reverse
 * bridge (13 #36), everything down to the endpoints shares its alias set,
 * although the DSPs in between have ACS.
 */
static void conventional_and_reverse_bridges(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '02', 'subordinate': '03', " FULL "},"
		"{'bdf': '02:00.0', 'id': '1b21:1080', 'secondary': '03'},"
		"{'bdf': '03:00.0', 'id': '1102:0002', 'class': '040100'},"
		"{'bdf': '03:01.0', 'id': '10ec:8169', 'class': '020000'},"
		"{'bdf': '00:05.0', 'id': '10b5:8114', 'pcie': 'pci_to_pcie', 'pcix_266': true, 'secondary': '11', 'subordinate': '14'},"
		"{'bdf': '11:00.0', 'id': '10b5:8747', 'pcie': 'upstream', 'secondary': '12', 'subordinate': '14'},"
		"{'bdf': '12:00.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '13', " FULL "},"
		"{'bdf': '12:01.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '14', " FULL "},"
		"{'bdf': '13:00.0', 'id': '144d:a808', 'class': '010802', 'pcie': 'endpoint'},"
		"{'bdf': '14:00.0', 'id': '8086:f1a8', 'class': '010802', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {02:00.0 03:00.0 03:01.0} "
					  "{00:05.0 11:00.0 12:00.0 12:01.0 13:00.0 14:00.0}");

	expect_sets(g, t, "03:00.0", IOK_SET_ALIAS, "{02:00.0 03:00.0 03:01.0}");
	expect_reason(set_of(g, t, "03:01.0", IOK_SET_ALIAS), IOK_JOIN_ALIAS_BRIDGE, "02:00.0",
		      NULL, 2);
	expect_sets(g, t, "13:00.0", IOK_SET_ALIAS, "{00:05.0 11:00.0 12:00.0 12:01.0 13:00.0 14:00.0}");
	expect_reason(set_of(g, t, "13:00.0", IOK_SET_ALIAS), IOK_JOIN_ALIAS_BRIDGE, "00:05.0",
		      NULL, 5);
	/* The ACS climb stops at the reverse bridge, which is never isolated (4.2). */
	expect_reason(set_of(g, t, "13:00.0", IOK_SET_ISOLATION), IOK_JOIN_NOT_ISOLATED,
		      "12:00.0", "00:05.0", 1);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/*
 * spec groups 5.3, 5.4, 13 #19: Marvell 9128 issues DMA as function 1 too;
 * with a real function 1 both share an alias set even though both pass ACS,
 * so the isolation set holds no ACS reason. 13 #18: alone with a ghost
 * function 1, the set is a singleton that still names the alias.
 */
static void devfn_alias_quirk(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '07', " FULL "},"
		"{'bdf': '00:02.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '08', " FULL "},"
		"{'bdf': '07:00.0', 'id': '1b4b:9128', 'class': '010601', 'pcie': 'endpoint', 'multifunction': true, " FULL "},"
		"{'bdf': '07:00.1', 'id': '1b4b:91a4', 'class': '01018f', 'pcie': 'endpoint', " FULL "},"
		"{'bdf': '08:00.0', 'id': '1b4b:9230', 'class': '010601', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {00:02.0} {07:00.0 07:00.1} {08:00.0}");
	struct iok_set_reason r;
	struct iok_devset *set;

	expect_sets(g, t, "07:00.0", IOK_SET_ALIAS, "{07:00.0 07:00.1}");
	expect_sets(g, t, "07:00.0", IOK_SET_ISOLATION, "{07:00.0 07:00.1}");
	r = expect_reason(set_of(g, t, "07:00.1", IOK_SET_ALIAS), IOK_JOIN_DMA_ALIAS, "07:00.1",
			  NULL, 1);
	assert_string_equal(short_name(r.dev), "07:00.0");
	assert_int_equal(r.alias_devfn, 0x01);
	assert_int_equal(iok_devset_count_reasons(set_of(g, t, "07:00.0", IOK_SET_ISOLATION)), 0);
	assert_ptr_equal(set_of(g, t, "07:00.0", IOK_SET_ISOLATION),
			 set_of(g, t, "07:00.1", IOK_SET_ISOLATION));

	set = set_of(g, t, "08:00.0", IOK_SET_ALIAS);
	assert_int_equal(iok_devset_count_devs(set), 1);
	assert_int_equal(iok_devset_get_reason(set, 0, &r), 0);
	assert_int_equal(r.kind, IOK_JOIN_DMA_ALIAS);
	assert_null(r.via);
	assert_int_equal(r.alias_devfn, 0x01);
	assert_int_equal(iok_devset_get_reason(set, 1, &r), -ENOENT);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 5.4, 13 #20: Ricoh function 3 issues DMA as function 0. */
static void func0_alias_quirk(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '0a', " FULL "},"
		"{'bdf': '0a:00.0', 'id': '1180:e822', 'class': '080500', 'pcie': 'endpoint', 'multifunction': true, " FULL "},"
		"{'bdf': '0a:00.3', 'id': '1180:e832', 'class': '0c0010', 'pcie': 'endpoint', " FULL "}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {0a:00.0 0a:00.3}");

	expect_sets(g, t, "0a:00.3", IOK_SET_ALIAS, "{0a:00.0 0a:00.3}");
	expect_reason(set_of(g, t, "0a:00.0", IOK_SET_ALIAS), IOK_JOIN_DMA_ALIAS, "0a:00.0", NULL, 1);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 5.1 step 1, 13 #22: every device of a VMD domain is seen as the VMD endpoint. */
static void vmd_domain(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:00.0', 'id': '8086:9a14', 'class': '060000'},"
		"{'bdf': '00:0e.0', 'id': '8086:9a0b', 'class': '010400'},"
		"{'bdf': '10000:e0:1a.0', 'id': '8086:a0b0', 'pcie': 'root_port', 'secondary': 'e1'},"
		"{'bdf': '10000:e0:1b.0', 'id': '8086:a0b1', 'pcie': 'root_port', 'secondary': 'e2'},"
		"{'bdf': '10000:e1:00.0', 'id': '144d:a80a', 'class': '010802', 'pcie': 'endpoint'},"
		"{'bdf': '10000:e2:00.0', 'id': '8086:f1a8', 'class': '010802', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:00.0} "
		"{00:0e.0 10000:e0:1a.0 10000:e0:1b.0 10000:e1:00.0 10000:e2:00.0}");

	expect_sets(g, t, "00:0e.0", IOK_SET_ALIAS,
		    "{00:0e.0 10000:e0:1a.0 10000:e0:1b.0 10000:e1:00.0 10000:e2:00.0}");
	expect_reason(set_of(g, t, "10000:e2:00.0", IOK_SET_ALIAS), IOK_JOIN_VMD, "00:0e.0", NULL, 4);
	/* Inside the domain, root ports without ACS (spec groups 4.3). */
	expect_reason(set_of(g, t, "10000:e2:00.0", IOK_SET_ISOLATION), IOK_JOIN_NOT_ISOLATED,
		      "10000:e0:1b.0", "10000:e0:1b.0", 1);
	expect_sets(g, t, "00:00.0", IOK_SET_ALIAS, "{00:00.0}");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- isolation sets ---------------------------------------------------- */

/*
 * spec groups 4.2, 6.2 step D, 13 #1: GPU and audio function without ACS
 * reach each other inside the device: one isolation set of two alias sets.
 */
static void multifunction_without_acs(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '01', " FULL "},"
		"{'bdf': '01:00.0', 'id': '10de:1b80', 'class': '030000', 'pcie': 'endpoint', 'multifunction': true},"
		"{'bdf': '01:00.1', 'id': '10de:10f0', 'class': '040300', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0 01:00.1}");
	struct iok_devset *iso;
	struct iok_set_reason r;

	expect_sets(g, t, "01:00.0", IOK_SET_ALIAS, "{01:00.0} {01:00.1}");
	expect_sets(g, t, "01:00.0", IOK_SET_ISOLATION, "{01:00.0 01:00.1}");
	iso = set_of(g, t, "01:00.1", IOK_SET_ISOLATION);
	assert_int_equal(iok_devset_count_reasons(iso), 2);
	r = expect_reason(iso, IOK_JOIN_SIBLING, "01:00.1", "01:00.0", 1);
	assert_int_equal(r.acs.rule, IOK_ACS_RULE_MULTIFUNCTION);
	assert_int_equal(r.acs.missing, REQ);
	assert_false(r.acs.isolated);
	expect_reason(iso, IOK_JOIN_SIBLING, "01:00.0", "01:00.1", 1);
	assert_int_equal(iok_devset_get_layer(iso), IOK_SET_ISOLATION);
	assert_ptr_equal(iok_devset_get_group(iso), iok_dev_get_group(g, t_dev(t, "01:00.0")));
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

#define SWITCH_FMT "{'schema': 1, 'devices': [" \
	"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '02', 'subordinate': '05'%s}," \
	"{'bdf': '02:00.0', 'id': '10b5:8747', 'pcie': 'upstream', 'secondary': '03', 'subordinate': '05'%s}," \
	"{'bdf': '03:00.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '04'%s}," \
	"{'bdf': '03:01.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '05'%s}," \
	"{'bdf': '04:00.0', 'id': '144d:a808', 'class': '010802', 'pcie': 'endpoint'}," \
	"{'bdf': '05:00.0', 'id': '8086:f1a8', 'class': '010802', 'pcie': 'endpoint'}]}"

/*
 * spec groups 4.3, 6.3 rule 3, 13 #9: a switch without ACS below a root port
 * without ACS: one isolation set across both downstream ports, and every
 * device its own alias set.
 */
static void switch_without_acs(void **state)
{
	struct iok_topo *t = t_loadf(*state, SWITCH_FMT, "", "", "", "");
	struct iok_grouping *g = t_groups(t, "{00:01.0 02:00.0 03:00.0 03:01.0 04:00.0 05:00.0}");
	struct iok_devset *iso;
	struct iok_set_reason r;

	expect_sets(g, t, "04:00.0", IOK_SET_ALIAS,
		    "{00:01.0} {02:00.0} {03:00.0} {03:01.0} {04:00.0} {05:00.0}");
	expect_sets(g, t, "04:00.0", IOK_SET_ISOLATION, "{00:01.0 02:00.0 03:00.0 03:01.0 04:00.0 05:00.0}");
	iso = set_of(g, t, "05:00.0", IOK_SET_ISOLATION);
	assert_true(iok_devset_contains(iso, t_dev(t, "03:00.0")));
	assert_true(iok_devset_contains(iso, t_dev(t, "03:01.0")));
	/* The DSPs' path fails at the root port: the USP itself is isolated. */
	r = expect_reason(iso, IOK_JOIN_NOT_ISOLATED, "02:00.0", "00:01.0", 2);
	assert_int_equal(r.acs.rule, IOK_ACS_RULE_PORT);
	expect_reason(iso, IOK_JOIN_NOT_ISOLATED, "00:01.0", "00:01.0", 1);
	r = expect_reason(iso, IOK_JOIN_NOT_ISOLATED, "03:01.0", "03:01.0", 1);
	assert_int_equal(r.acs.missing, REQ);
	assert_int_equal(iok_devset_count_reasons(iso), 4);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #8: a multifunction upstream port without ACS ties the whole switch. */
static void switch_multifunction_usp(void **state)
{
	struct iok_topo *t = t_loadf(*state, SWITCH_FMT, ", " FULL, ", 'multifunction': true",
				  ", " FULL, ", " FULL);
	struct iok_grouping *g = t_groups(t, "{02:00.0 03:00.0 03:01.0 04:00.0 05:00.0} {00:01.0}");
	struct iok_set_reason r;

	expect_sets(g, t, "02:00.0", IOK_SET_ISOLATION, "{02:00.0 03:00.0 03:01.0 04:00.0 05:00.0}");
	r = expect_reason(set_of(g, t, "04:00.0", IOK_SET_ISOLATION), IOK_JOIN_NOT_ISOLATED,
			  "03:00.0", "02:00.0", 1);
	assert_int_equal(r.acs.rule, IOK_ACS_RULE_MULTIFUNCTION);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/*
 * spec groups 13 #38: DSPs without ACS below an ACS root port. The switch
 * could route peer-to-peer between the two subtrees, but Linux groups each
 * subtree on its own (spec groups 12 item 1 would change that); the
 * isolation sets follow the kernel's relation and stay inside the groups.
 */
static void switch_dsps_without_acs(void **state)
{
	struct iok_topo *t = t_loadf(*state, SWITCH_FMT, ", " FULL, "", "", "");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {02:00.0} {03:00.0 04:00.0} {03:01.0 05:00.0}");

	expect_sets(g, t, "04:00.0", IOK_SET_ISOLATION, "{03:00.0 04:00.0}");
	expect_sets(g, t, "05:00.0", IOK_SET_ISOLATION, "{03:01.0 05:00.0}");
	assert_false(iok_devset_spans_groups(set_of(g, t, "04:00.0", IOK_SET_ISOLATION)));
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.3, 13 #2 reduced: a root port without ACS and its device. */
static void root_port_without_acs(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '01'},"
		"{'bdf': '01:00.0', 'id': '8086:10d3', 'class': '020000', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0 01:00.0}");
	struct iok_set_reason r;

	expect_sets(g, t, "01:00.0", IOK_SET_ALIAS, "{00:01.0} {01:00.0}");
	expect_sets(g, t, "01:00.0", IOK_SET_ISOLATION, "{00:01.0 01:00.0}");
	r = expect_reason(set_of(g, t, "00:01.0", IOK_SET_ISOLATION), IOK_JOIN_NOT_ISOLATED,
			  "00:01.0", "00:01.0", 1);
	assert_string_equal(short_name(r.dev), "01:00.0");
	assert_int_equal(r.acs.rule, IOK_ACS_RULE_PORT);
	assert_int_equal(r.acs.required, REQ);
	assert_int_equal(r.acs.missing, REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.2, 13 #6 reduced: isolated devices are singleton sets without reasons. */
static void isolated_devices(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '01', " FULL "},"
		"{'bdf': '01:00.0', 'id': '8086:10d3', 'class': '020000', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0}");
	struct iok_group *grp = iok_dev_get_group(g, t_dev(t, "01:00.0"));
	unsigned int l;

	for (l = IOK_SET_ALIAS; l <= IOK_SET_ISOLATION; l++) {
		struct iok_devset *set = set_of(g, t, "01:00.0", l);

		expect_sets(g, t, "01:00.0", l, "{01:00.0}");
		assert_int_equal(iok_group_count_sets(grp, l), 1);
		assert_int_equal(iok_devset_count_devs(set), 1);
		assert_int_equal(iok_devset_count_reasons(set), 0);
		assert_false(iok_devset_spans_groups(set));
		assert_null(iok_devset_get_dev(set, 1));
	}
	assert_int_equal(may_split(g, t, "01:00.0", "01:00.0"), 0);
	assert_int_equal(iok_topo_set_param(t, "isolation", "relaxed"), 0);
	assert_int_equal(may_split(g, t, "01:00.0", "01:00.0"), 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/*
 * A mixed group: a root port without ACS above a PCIe-to-PCI bridge with
 * conventional devices, and a multifunction NIC without ACS beside it on a
 * second root port of the same slot. Both layers, and what the relaxed
 * policy would allow: different domains for different alias sets only.
 */
static void mixed_group(void **state)
{
	static const char topo[] = "{'schema': 1, 'devices': ["
		"{'bdf': '00:1c.0', 'id': '8086:a338', 'pcie': 'root_port', 'multifunction': true, 'secondary': '01', 'subordinate': '02'},"
		"{'bdf': '00:1c.1', 'id': '8086:a339', 'pcie': 'root_port', 'secondary': '03'},"
		"{'bdf': '01:00.0', 'id': '104c:8240', 'pcie': 'pcie_to_pci', 'secondary': '02'},"
		"{'bdf': '02:01.0', 'id': '10ec:8169', 'class': '020000'},"
		"{'bdf': '02:02.0', 'id': '1102:0002', 'class': '040100'},"
		"{'bdf': '03:00.0', 'id': '14e4:165f', 'class': '020000', 'pcie': 'endpoint', 'multifunction': true},"
		"{'bdf': '03:00.1', 'id': '14e4:165f', 'class': '020000', 'pcie': 'endpoint'}]}";
	struct iok_topo *t = t_loadf(*state, topo);
	struct iok_grouping *g = t_groups(t,
		"{00:1c.0 00:1c.1 01:00.0 02:01.0 02:02.0 03:00.0 03:00.1}");
	struct iok_devset *iso;

	expect_sets(g, t, "02:01.0", IOK_SET_ALIAS,
		    "{00:1c.0} {00:1c.1} {01:00.0 02:01.0 02:02.0} {03:00.0} {03:00.1}");
	expect_sets(g, t, "02:01.0", IOK_SET_ISOLATION,
		    "{00:1c.0 00:1c.1 01:00.0 02:01.0 02:02.0 03:00.0 03:00.1}");
	expect_reason(set_of(g, t, "02:02.0", IOK_SET_ALIAS), IOK_JOIN_ALIAS_BRIDGE, "01:00.0",
		      NULL, 2);
	iso = set_of(g, t, "03:00.0", IOK_SET_ISOLATION);
	expect_reason(iso, IOK_JOIN_SIBLING, "00:1c.1", "00:1c.0", 1);
	expect_reason(iso, IOK_JOIN_SIBLING, "03:00.1", "03:00.0", 1);
	expect_reason(iso, IOK_JOIN_NOT_ISOLATED, "00:1c.0", "00:1c.0", 1);
	expect_reason(iso, IOK_JOIN_NOT_ISOLATED, "00:1c.1", "00:1c.1", 2);
	expect_reason(iso, IOK_JOIN_NOT_ISOLATED, "01:00.0", "01:00.0", 2);
	/* Each isolation set is a union of alias sets. */
	assert_ptr_equal(set_of(g, t, "02:01.0", IOK_SET_ISOLATION), iso);

	/* Default: exactly the kernel, one domain for the whole group. */
	assert_string_equal(iok_topo_get_param(t, "isolation"), "kernel");
	assert_int_equal(may_split(g, t, "00:1c.0", "02:01.0"), 0);
	assert_int_equal(may_split(g, t, "03:00.0", "03:00.1"), 0);
	assert_int_equal(iok_topo_set_param(t, "isolation", "relaxed"), 0);
	assert_string_equal(iok_topo_get_param(t, "isolation"), "relaxed");
	assert_int_equal(may_split(g, t, "00:1c.0", "02:01.0"), 1);
	assert_int_equal(may_split(g, t, "03:00.0", "03:00.1"), 1);
	/* Never between aliases: the IOMMU cannot tell them apart. */
	assert_int_equal(may_split(g, t, "01:00.0", "02:01.0"), 0);
	assert_int_equal(may_split(g, t, "02:02.0", "02:01.0"), 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- where the kernel's groups do not contain the alias relation -------- */

/*
 * spec groups 6.4, 13 #35: a VF (probed after boot) whose aliases sit in two
 * groups joins the first; its alias set reaches the other group, and the
 * relaxed policy refuses to split anything tied to it.
 */
static void late_alias_spans_groups(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '09:00.0', 'id': '15b3:1015', 'class': '020000', 'pcie': 'rc_endpoint',"
		" 'sriov': {'num_vfs': 1, 'offset': 24, 'stride': 1, 'vf_device': '1016', 'enabled': true}},"
		"{'bdf': '09:01.0', 'id': '1af4:1041', 'class': '020000', 'pcie': 'rc_endpoint'},"
		"{'bdf': '09:02.0', 'id': '1af4:1042', 'class': '010000', 'pcie': 'rc_endpoint'},"
		"{'bdf': '09:03.0', 'id': '15b3:1016', 'class': '020000', 'pcie': 'rc_endpoint',"
		" 'dma_aliases': ['01.0', '02.0']}]}");
	struct iok_grouping *g = t_groups(t, "{09:00.0} {09:01.0 09:03.0} {09:02.0}");

	expect_sets(g, t, "09:03.0", IOK_SET_ALIAS, "{09:01.0 09:03.0}");
	assert_true(iok_devset_spans_groups(set_of(g, t, "09:03.0", IOK_SET_ALIAS)));
	assert_true(iok_devset_spans_groups(set_of(g, t, "09:02.0", IOK_SET_ALIAS)));
	assert_true(iok_devset_spans_groups(set_of(g, t, "09:02.0", IOK_SET_ISOLATION)));
	assert_false(iok_devset_spans_groups(set_of(g, t, "09:00.0", IOK_SET_ALIAS)));
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/*
 * spec groups 5.3: two functions whose quirk aliases the same ghost
 * function issue requests with one requester ID; with ACS on both, Linux
 * puts them in two groups (spec groups 5.4 never relates them).
 */
static void shared_ghost_alias(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '07', " FULL "},"
		"{'bdf': '07:00.0', 'id': '1b4b:9230', 'class': '010601', 'pcie': 'endpoint', 'multifunction': true, " FULL "},"
		"{'bdf': '07:00.2', 'id': '1b4b:9230', 'class': '010601', 'pcie': 'endpoint', " FULL "}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {07:00.0} {07:00.2}");
	struct iok_set_reason r;

	assert_true(iok_devset_spans_groups(set_of(g, t, "07:00.0", IOK_SET_ALIAS)));
	assert_true(iok_devset_spans_groups(set_of(g, t, "07:00.2", IOK_SET_ALIAS)));
	r = expect_reason(set_of(g, t, "07:00.2", IOK_SET_ALIAS), IOK_JOIN_DMA_ALIAS, NULL, NULL, 1);
	assert_null(r.via);
	assert_int_equal(r.alias_devfn, 0x01);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* The sets follow hot-plug (spec groups 6.4): recomputed after each change. */
static void sets_follow_hotplug(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:01.0', 'id': '1b36:0005'},"
		"{'bdf': '00:02.0', 'id': '1b36:0005'},"
		"{'bdf': '00:03.0', 'id': '1b36:0005', 'dma_aliases': ['01.0', '02.0']},"
		"{'bdf': '00:05.0', 'id': '1b36:000c', 'pcie': 'root_port', 'secondary': '02'},"
		"{'bdf': '02:00.0', 'id': '8086:10d3', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g;

	assert_int_equal(iok_topo_set_param(t, "absent", "00:03.0,02:00.0"), 0);
	g = t_compute(t);
	expect_sets(g, t, "00:05.0", IOK_SET_ISOLATION, "{00:05.0}");
	assert_false(iok_devset_spans_groups(set_of(g, t, "00:02.0", IOK_SET_ALIAS)));

	assert_int_equal(iok_grouping_hotplug_add(g, t_dev(t, "02:00.0")), 0);
	expect_sets(g, t, "00:05.0", IOK_SET_ISOLATION, "{00:05.0 02:00.0}");
	assert_int_equal(iok_grouping_hotplug_add(g, t_dev(t, "00:03.0")), 0);
	expect_sets(g, t, "00:03.0", IOK_SET_ALIAS, "{00:01.0 00:03.0}");
	assert_true(iok_devset_spans_groups(set_of(g, t, "00:02.0", IOK_SET_ALIAS)));

	assert_int_equal(iok_grouping_hotplug_remove(g, t_dev(t, "00:03.0")), 0);
	assert_false(iok_devset_spans_groups(set_of(g, t, "00:02.0", IOK_SET_ALIAS)));
	expect_sets(g, t, "00:01.0", IOK_SET_ALIAS, "{00:01.0}");
	assert_int_equal(iok_dev_get_set(g, t_dev(t, "00:03.0"), IOK_SET_ALIAS,
					 &(struct iok_devset *){ NULL }), -ENODEV);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- misuse ------------------------------------------------------------ */

static void misuse(void **state)
{
	struct iok_topo *t = t_loadf(*state, SWITCH_FMT, "", "", "", "");
	struct iok_topo *other = t_loadf(*state, SWITCH_FMT, "", "", "", "");
	struct iok_grouping *g = t_compute(t), *og = t_compute(other);
	struct iok_dev *d = t_dev(t, "04:00.0"), *od = t_dev(other, "04:00.0");
	struct iok_group *grp = iok_dev_get_group(g, d);
	struct iok_devset *set = NULL, *keep;
	struct iok_set_reason r;

	assert_int_equal(iok_dev_get_set(NULL, d, IOK_SET_ALIAS, &set), -EINVAL);
	assert_int_equal(iok_dev_get_set(g, NULL, IOK_SET_ALIAS, &set), -EINVAL);
	assert_int_equal(iok_dev_get_set(g, d, IOK_SET_ALIAS, NULL), -EINVAL);
	assert_int_equal(iok_dev_get_set(g, od, IOK_SET_ALIAS, &set), -EINVAL);
	assert_int_equal(iok_dev_get_set(g, d, (enum iok_set_layer)7, &set), -EINVAL);
	assert_null(set);
	assert_null(iok_group_get_first_set(NULL, IOK_SET_ALIAS));
	assert_null(iok_group_get_first_set(grp, (enum iok_set_layer)-1));
	assert_int_equal(iok_group_count_sets(NULL, IOK_SET_ISOLATION), 0);
	assert_null(iok_devset_get_next(NULL));
	assert_null(iok_devset_get_group(NULL));
	assert_null(iok_devset_get_dev(NULL, 0));
	assert_int_equal(iok_devset_count_devs(NULL), 0);
	assert_int_equal(iok_devset_count_reasons(NULL), 0);
	assert_false(iok_devset_spans_groups(NULL));
	assert_int_equal(iok_devset_get_reason(NULL, 0, &r), -EINVAL);

	assert_int_equal(iok_dev_get_set(g, d, IOK_SET_ISOLATION, &set), 0);
	keep = set;
	assert_int_equal(iok_devset_get_reason(set, 0, NULL), -EINVAL);
	assert_int_equal(iok_devset_get_reason(set, 99, &r), -ENOENT);
	assert_false(iok_devset_contains(set, od));
	assert_false(iok_devset_contains(set, NULL));

	assert_int_equal(iok_group_may_split(NULL, d, d), -EINVAL);
	assert_int_equal(iok_group_may_split(grp, NULL, d), -EINVAL);
	assert_int_equal(iok_group_may_split(grp, d, od), -EINVAL);
	assert_int_equal(iok_group_may_split(iok_dev_get_group(og, od), d, d), -EINVAL);
	assert_string_equal(iok_set_layer_name(IOK_SET_ALIAS), "alias");
	assert_string_equal(iok_set_layer_name(IOK_SET_ISOLATION), "isolation");

	/* A bad policy value changes nothing. */
	assert_int_equal(iok_topo_set_param(t, "isolation", "loose"), -EINVAL);
	assert_string_equal(iok_topo_get_param(t, "isolation"), "kernel");
	assert_int_equal(iok_topo_set_param(t, "isolation", "relaxed"), 0);
	assert_int_equal(iok_topo_set_param(t, "isolation", ""), -EINVAL);
	assert_string_equal(iok_topo_get_param(t, "isolation"), "relaxed");
	/* Misuse left the sets alone. */
	assert_int_equal(iok_dev_get_set(g, d, IOK_SET_ISOLATION, &set), 0);
	assert_ptr_equal(set, keep);
	iok_grouping_unref(og);
	iok_grouping_unref(g);
	iok_topo_unref(other);
	iok_topo_unref(t);
}

/* ---- property test over the kernel captures ---------------------------- */

static bool is_alias_bridge(const struct iok_dev *d)
{
	int type = iok_dev_get_pcie_type(d);

	return iok_dev_is_bridge(d) &&
	       (type == -1 || type == IOK_PCIE_PCI_BRIDGE || type == IOK_PCIE_PCIE_BRIDGE);
}

/* BRIDGE_XLATE_ROOT (spec groups 5.1): the alias walk stops there. */
static bool is_xlate_root(const struct iok_dev *d)
{
	return iok_dev_get_vendor(d) == 0x14e4 &&
	       (iok_dev_get_device(d) == 0x9000 || iok_dev_get_device(d) == 0x9084);
}

static struct iok_devset *must_set(struct iok_grouping *g, const struct iok_dev *d,
				   enum iok_set_layer l, const char *name)
{
	struct iok_devset *set = NULL;

	if (iok_dev_get_set(g, d, l, &set) || !set)
		fail_msg("%s: %s has no %s set", name, iok_dev_get_name(d), iok_set_layer_name(l));
	return set;
}

/* Both ends of a relation: same group, same set of @l (when both have a group). */
static void related(struct iok_grouping *g, const struct iok_dev *a, const struct iok_dev *b,
		    enum iok_set_layer l, const char *why, const char *name)
{
	if (!iok_dev_get_group(g, a) || !iok_dev_get_group(g, b))
		return;
	if (iok_dev_get_group(g, a) != iok_dev_get_group(g, b))
		fail_msg("%s: %s and %s are related (%s) but in groups %d and %d", name,
			 iok_dev_get_name(a), iok_dev_get_name(b), why,
			 iok_group_get_id(iok_dev_get_group(g, a)),
			 iok_group_get_id(iok_dev_get_group(g, b)));
	if (must_set(g, a, l, name) != must_set(g, b, l, name))
		fail_msg("%s: %s and %s are related (%s) but not in one %s set", name,
			 iok_dev_get_name(a), iok_dev_get_name(b), why, iok_set_layer_name(l));
}

/* The sets of @l partition @grp; alias sets lie in one isolation set each. */
static void check_partition(struct iok_grouping *g, struct iok_group *grp,
			    enum iok_set_layer l, const char *name)
{
	struct iok_devset *set;
	unsigned int total = 0, i, j;

	for (set = iok_group_get_first_set(grp, l); set; set = iok_devset_get_next(set)) {
		unsigned int n = iok_devset_count_devs(set);
		struct iok_set_reason r;

		if (!n || iok_devset_get_group(set) != grp || iok_devset_get_layer(set) != l)
			fail_msg("%s: group %d: a malformed %s set", name, iok_group_get_id(grp),
				 iok_set_layer_name(l));
		if (iok_devset_spans_groups(set))
			fail_msg("%s: group %d: an %s set reaches another group at boot", name,
				 iok_group_get_id(grp), iok_set_layer_name(l));
		for (i = 0; i < n; i++) {
			struct iok_dev *d = iok_devset_get_dev(set, i);

			if (iok_dev_get_group(g, d) != grp || must_set(g, d, l, name) != set ||
			    !iok_devset_contains(set, d))
				fail_msg("%s: %s is listed in a %s set of group %d it is not in", name,
					 iok_dev_get_name(d), iok_set_layer_name(l),
					 iok_group_get_id(grp));
			/* alias set ⊆ isolation set */
			if (l == IOK_SET_ALIAS)
				related(g, d, iok_devset_get_dev(set, 0), IOK_SET_ISOLATION,
					"one alias set", name);
		}
		/* Reasons of the right layer; a set of several units says why. */
		for (j = 0; !iok_devset_get_reason(set, j, &r); j++) {
			bool alias = r.kind == IOK_JOIN_ALIAS_BRIDGE || r.kind == IOK_JOIN_VMD ||
				     r.kind == IOK_JOIN_DMA_ALIAS;

			if (alias != (l == IOK_SET_ALIAS) || !r.dev || !r.nr_devs)
				fail_msg("%s: %s set of %s: reason '%s' out of place", name,
					 iok_set_layer_name(l), iok_dev_get_name(r.dev),
					 iok_join_kind_name(r.kind));
		}
		if (l == IOK_SET_ALIAS && n > 1 && !j)
			fail_msg("%s: alias set of %s has %u devices and no reason", name,
				 iok_dev_get_name(iok_devset_get_dev(set, 0)), n);
		total += n;
	}
	if (total != iok_group_count_devs(grp))
		fail_msg("%s: group %d has %u devices, its %s sets %u", name, iok_group_get_id(grp),
			 iok_group_count_devs(grp), iok_set_layer_name(l), total);
}

/* An isolation set of several alias sets names an ACS reason. */
static void check_isolation_reasons(struct iok_group *grp, const char *name)
{
	struct iok_devset *iso, *as;

	iok_group_foreach_isolation_set(grp, iso) {
		unsigned int units = 0;

		iok_group_foreach_alias_set(grp, as)
			units += iok_devset_contains(iso, iok_devset_get_dev(as, 0));
		if (units > 1 && !iok_devset_count_reasons(iso))
			fail_msg("%s: isolation set of %s joins %u alias sets without a reason", name,
				 iok_dev_get_name(iok_devset_get_dev(iso, 0)), units);
	}
}

/* Every relation of spec groups 4 and 5, found through the public API alone. */
static void check_relations(struct iok_grouping *g, struct iok_topo *t, struct iok_dev *d,
			    const char *name)
{
	struct iok_acs_verdict vd, ve;
	struct iok_dev *p, *e;
	char bdf[32];
	unsigned int x;

	if (!iok_dev_is_pci(d))
		return;
	/* spec groups 5.4: same-bus DMA aliases */
	for (x = 0; x < 256; x++) {
		if (!iok_dev_has_dma_alias(d, x))
			continue;
		snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x", iok_dev_get_domain(d),
			 iok_dev_get_busnr(d), x >> 3, x & 7);
		if (!iok_dev_find(t, bdf, &e))
			related(g, d, e, IOK_SET_ALIAS, "DMA alias", name);
	}
	/* spec groups 5.1: aliasing bridges up to the root bus or XLATE_ROOT */
	for (p = iok_dev_get_parent(d); p && !is_xlate_root(p); p = iok_dev_get_parent(p))
		if (is_alias_bridge(p))
			related(g, d, p, IOK_SET_ALIAS, "aliasing bridge", name);
	/* spec groups 4.3, 6.3 rule 3: the parent bridge's ACS path */
	p = iok_dev_get_parent(d);
	if (p && !iok_dev_acs_path_ok(g, p))
		related(g, d, p, IOK_SET_ISOLATION, "ACS path fails", name);
	/* spec groups 4.2, 6.3 rule 4: non-isolated functions of one slot */
	if (iok_dev_acs_verdict(g, d, &vd) || vd.isolated)
		return;
	for (x = 0; x < 8; x++) {
		snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x", iok_dev_get_domain(d),
			 iok_dev_get_busnr(d), iok_dev_get_devfn(d) >> 3, x);
		if (iok_dev_find(t, bdf, &e) || e == d || iok_dev_acs_verdict(g, e, &ve) ||
		    ve.isolated || iok_dev_get_hidden(e) ||
		    (!iok_dev_is_multifunction(d) && !iok_dev_is_multifunction(e)))
			continue;
		related(g, d, e, IOK_SET_ISOLATION, "multifunction siblings", name);
	}
}

static void check_topology(struct iok_topo *t, const char *name)
{
	struct iok_grouping *g = t_compute(t);
	struct iok_group *grp;
	struct iok_dev *d;

	iok_group_foreach(g, grp) {
		check_partition(g, grp, IOK_SET_ALIAS, name);
		check_partition(g, grp, IOK_SET_ISOLATION, name);
		check_isolation_reasons(grp, name);
	}
	iok_dev_foreach(t, d)
		if (iok_dev_get_group(g, d))
			check_relations(g, t, d, name);
	iok_grouping_unref(g);
}

static char *captures[256];
static unsigned int nr_captures;

static int collect(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	size_t n = strlen(path);

	if (flag == FTW_F && n >= 10 && !strcmp(path + n - 10, "/lspci.txt") &&
	    nr_captures < sizeof(captures) / sizeof(captures[0]))
		captures[nr_captures++] = strdup(path);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Options a capture cannot carry in config space (tests/corpus/README.md). */
static void apply_args(struct iok_topo *t, const char *lspci)
{
	char path[4096], key[64], value[256];
	FILE *f;

	snprintf(path, sizeof(path), "%.*s/iommukit-args",
		 (int)(strrchr(lspci, '/') - lspci), lspci);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fscanf(f, "%63s %255s", key, value) == 2) {
		if (strcmp(key, "--no-iommu"))
			fail_msg("%s: unknown option %s", path, key);
		assert_int_equal(iok_topo_set_param(t, "no_iommu", value), 0);
	}
	fclose(f);
}

/*
 * Every kernel capture, under Linux 6.1 (whose groups the corpus test checks
 * against the kernel) and under the default 6.19: alias sets ⊆ isolation
 * sets ⊆ group, the sets partition the group, and related devices share a
 * group and a set.
 */
static void corpus_invariants(void **state)
{
	const char *root = getenv("IOMMUKIT_CORPUS");
	static const char *const kernels[] = { "6.1", "6.19" };
	char src[4200];
	unsigned int i, k;

	if (!root)
		fail_msg("IOMMUKIT_CORPUS is not set (tests/meson.build sets it to tests/corpus)");
	assert_int_equal(nftw(root, collect, 16, FTW_PHYS), 0);
	if (nr_captures < 10)
		fail_msg("only %u captures under %s", nr_captures, root);
	qsort(captures, nr_captures, sizeof(*captures), cmp_str);
	for (i = 0; i < nr_captures; i++) {
		for (k = 0; k < 2; k++) {
			struct iok_topo *t = NULL;

			snprintf(src, sizeof(src), "lspci:%s", captures[i]);
			if (iok_topo_load(*state, src, &t))
				fail_msg("%s: %s", captures[i], iok_get_error(*state));
			assert_int_equal(iok_topo_set_param(t, "kernel", kernels[k]), 0);
			apply_args(t, captures[i]);
			check_topology(t, captures[i]);
			iok_topo_unref(t);
		}
		free(captures[i]);
	}
}

/* The built-in topologies, which hold VFs and other shapes QEMU lacks. */
static void builtin_invariants(void **state)
{
	const char *name;
	unsigned int i;
	char src[64];

	for (i = 0; (name = iok_builtin_name(i)); i++) {
		struct iok_topo *t = NULL;

		snprintf(src, sizeof(src), "builtin:%s", name);
		assert_int_equal(iok_topo_load(*state, src, &t), 0);
		check_topology(t, src);
		iok_topo_unref(t);
	}
	assert_true(i >= 2);
}

#define T(f) cmocka_unit_test_setup_teardown(f, t_setup_ctx, t_teardown_ctx)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(pcie_to_pci_bridge),
		T(conventional_and_reverse_bridges),
		T(devfn_alias_quirk),
		T(func0_alias_quirk),
		T(vmd_domain),
		T(multifunction_without_acs),
		T(switch_without_acs),
		T(switch_multifunction_usp),
		T(switch_dsps_without_acs),
		T(root_port_without_acs),
		T(isolated_devices),
		T(mixed_group),
		T(late_alias_spans_groups),
		T(shared_ghost_alias),
		T(sets_follow_hotplug),
		T(misuse),
		T(corpus_invariants),
		T(builtin_invariants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
