// SPDX-License-Identifier: MIT
/*
 * One unit test per ACS rule, quirk family and enumeration rule of spec
 * groups sections 1 to 10, each naming its section. Verdicts are checked
 * through iok_dev_acs_verdict() (rule, quirk, required and missing bits),
 * not only through the partition.
 *
 * Defaults unless a test says otherwise: Intel VT-d, Linux 6.19, ACS
 * Control as firmware left it. JSON is written with single quotes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
/* PCIE_BRIDGE_ALIAS and BRIDGE_XLATE_ROOT have no public accessor. */
#include "lib/private.h"

/* ---- helpers ----------------------------------------------------------- */

#define REQ (IOK_ACS_SV | IOK_ACS_RR | IOK_ACS_CR | IOK_ACS_UF)

static struct iok_acs_verdict get_verdict(struct iok_grouping *g, struct iok_topo *t,
					  const char *bdf)
{
	struct iok_acs_verdict v;

	assert_int_equal(iok_dev_acs_verdict(g, t_dev(t, bdf), &v), 0);
	return v;
}

/* A quirk's verdict: yes or no, and which handler gave it. */
static void quirk(struct iok_grouping *g, struct iok_topo *t, const char *bdf,
		  const char *name, bool yes)
{
	t_verdict(g, t, bdf, yes, IOK_ACS_RULE_QUIRK, name, T_ANYBITS, T_ANYBITS);
}

/* The effective ACS Control (after spec groups 3) of @bdf. */
static unsigned int ctrl_of(struct iok_grouping *g, struct iok_topo *t, const char *bdf)
{
	return get_verdict(g, t, bdf).ctrl;
}

static void hidden(struct iok_topo *t, const char *bdf, enum iok_hidden_reason why)
{
	enum iok_hidden_reason r = iok_dev_get_hidden(t_dev(t, bdf));

	if (r != why)
		fail_msg("%s: hidden reason %d, expected %d", bdf, r, why);
}

#define FULL "'acs': {'cap': 'SV RR CR UF', 'ctrl': ''}"
#define NVME(bdf) "{'bdf': '" bdf "', 'id': '144d:a808', 'class': '010802', 'pcie': 'endpoint'}"
/* A root port on bus 0 leading to bus @sec; @extra starts with a comma. */
#define RP(bdf, id, sec, extra) "{'bdf': '" bdf "', 'id': '" id "', 'pcie': 'root_port'," \
	" 'secondary': '" sec "'" extra "}"

/* ---- spec groups 4.1: pci_acs_flags_enabled() --------------------------- */

/* spec groups 4.1: a bit the Capability lacks is not required. */
static void acs41_missing_cap_bit_not_required(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'acs': 'final'}, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", 'acs': {'cap': 'RR CR UF', 'ctrl': 'RR CR UF'}") ","
		RP("00:02.0", "8086:1905", "02", ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': 'RR CR UF'}") "]}");
	struct iok_grouping *g = t_compute(t);

	t_verdict(g, t, "00:01.0", true, IOK_ACS_RULE_PORT, NULL, 0x1c, 0);
	t_verdict(g, t, "00:02.0", false, IOK_ACS_RULE_PORT, NULL, REQ, IOK_ACS_SV);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.1: Capability 0 → nothing required → isolated. */
static void acs41_cap_zero_isolated(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'acs': 'final'}, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", 'acs': {'cap': '', 'ctrl': ''}") "," NVME("01:00.0") "]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0}");

	t_verdict(g, t, "00:01.0", true, IOK_ACS_RULE_PORT, NULL, 0, 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/*
 * spec groups 4.1: EC is never masked out, but grouping never asks for it:
 * an EC-only Capability requires nothing, and EC left off does not matter.
 */
static void acs41_ec_not_requested(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'acs': 'final'}, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", 'acs': {'cap': 'EC', 'ctrl': ''}") ","
		RP("00:02.0", "8086:1905", "02", ", 'acs': {'cap': 'SV RR CR UF EC', 'ctrl': 'SV RR CR UF'}") "]}");
	struct iok_grouping *g = t_compute(t);

	t_verdict(g, t, "00:01.0", true, IOK_ACS_RULE_PORT, NULL, 0, 0);
	t_verdict(g, t, "00:02.0", true, IOK_ACS_RULE_PORT, NULL, REQ, 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.1: no ACS capability → false; a bit left off → false. */
static void acs41_absent_or_partial(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'acs': 'final'}, 'devices': ["
		RP("00:01.0", "8086:1901", "01", "") ","
		RP("00:02.0", "8086:1905", "02", ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': 'SV RR CR'}") "]}");
	struct iok_grouping *g = t_compute(t);

	t_verdict(g, t, "00:01.0", false, IOK_ACS_RULE_PORT, NULL, REQ, REQ);
	t_verdict(g, t, "00:02.0", false, IOK_ACS_RULE_PORT, NULL, REQ, IOK_ACS_UF);
	assert_int_equal(iok_dev_get_acs_state(t_dev(t, "00:01.0")), IOK_ACS_ABSENT);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- spec groups 4.2: pci_acs_enabled() by PCIe type ---------------------- */

/* Red Hat/QEMU IDs: no quirk matches them. */
#define TYPES_JSON "{'schema': 1, 'devices': [" \
	"{'bdf': '00:02.0', 'id': '1b36:000e', 'pcie': 'pcie_to_pci', 'secondary': '02', " FULL "}," \
	"{'bdf': '00:03.0', 'id': '1b36:0010', 'pcie': 'pci_to_pcie', 'secondary': '03', " FULL "}," \
	"{'bdf': '00:04.0', 'id': '1b36:0011', 'pcie': 'rc_event_collector', " FULL "}," \
	"{'bdf': '00:05.0', 'id': '1b36:0012', 'pcie': 2}," \
	"{'bdf': '00:06.0', 'id': '1b36:0013', 'pcie': 3}," \
	"{'bdf': '00:07.0', 'id': '1b36:0014', 'pcie': 11, 'multifunction': true}," \
	"{'bdf': '00:07.1', 'id': '1b36:0014', 'pcie': 11}," \
	"{'bdf': '00:08.0', 'id': '1b36:0015', 'pcie': 15}," \
	"{'bdf': '00:09.0', 'id': '1b36:0016', 'pcie': 'endpoint'}," \
	"{'bdf': '00:0a.0', 'id': '1b36:0017', 'pcie': 'endpoint', 'multifunction': true}," \
	"{'bdf': '00:0a.1', 'id': '1b36:0017', 'pcie': 'endpoint'}," \
	"{'bdf': '00:0b.0', 'id': '1b36:0018', 'pcie': 'legacy_endpoint', 'multifunction': true}," \
	"{'bdf': '00:0b.1', 'id': '1b36:0018', 'pcie': 'legacy_endpoint'}," \
	"{'bdf': '00:0c.0', 'id': '1b36:0019', 'pcie': 'rc_endpoint', 'multifunction': true}," \
	"{'bdf': '00:0c.1', 'id': '1b36:0019', 'pcie': 'rc_endpoint', " FULL "}," \
	"{'bdf': '00:0d.0', 'id': '1b36:001a', 'pcie': 'root_port', 'multifunction': true, 'secondary': '04', " FULL "}," \
	"{'bdf': '00:0d.1', 'id': '1b36:001a', 'pcie': 'root_port', 'secondary': '05'}," \
	"{'bdf': '00:0e.0', 'id': '1b36:001b', 'class': '078000', 'multifunction': true}," \
	"{'bdf': '00:0e.1', 'id': '1b36:001b', 'class': '078000'}]}"

/* spec groups 4.2: PCI_BRIDGE, PCIE_BRIDGE, RC_EC: false even with ACS. */
static void acs42_bridge_types_never_isolated(void **state)
{
	struct iok_topo *t = t_loadf(*state, TYPES_JSON);
	struct iok_grouping *g = t_compute(t);

	t_verdict(g, t, "00:02.0", false, IOK_ACS_RULE_BRIDGE_TYPE, NULL, T_ANYBITS, T_ANYBITS);
	t_verdict(g, t, "00:03.0", false, IOK_ACS_RULE_BRIDGE_TYPE, NULL, T_ANYBITS, T_ANYBITS);
	t_verdict(g, t, "00:04.0", false, IOK_ACS_RULE_BRIDGE_TYPE, NULL, T_ANYBITS, T_ANYBITS);
	assert_int_equal(iok_dev_get_acs_state(t_dev(t, "00:04.0")), IOK_ACS_PRESENT);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.2: reserved types (2, 3, 0xB-0xF) are isolated, even mf. */
static void acs42_reserved_types_isolated(void **state)
{
	struct iok_topo *t = t_loadf(*state, TYPES_JSON);
	struct iok_grouping *g = t_compute(t);

	t_verdict(g, t, "00:05.0", true, IOK_ACS_RULE_OTHER_TYPE, NULL, T_ANYBITS, T_ANYBITS);
	t_verdict(g, t, "00:06.0", true, IOK_ACS_RULE_OTHER_TYPE, NULL, T_ANYBITS, T_ANYBITS);
	t_verdict(g, t, "00:07.1", true, IOK_ACS_RULE_OTHER_TYPE, NULL, T_ANYBITS, T_ANYBITS);
	t_verdict(g, t, "00:08.0", true, IOK_ACS_RULE_OTHER_TYPE, NULL, T_ANYBITS, T_ANYBITS);
	assert_int_not_equal(t_group_id(g, t, "00:07.0"), t_group_id(g, t, "00:07.1"));
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.2: endpoint/legacy/RCiEP: single → true, multi → ACS. */
static void acs42_endpoints_single_vs_multi(void **state)
{
	struct iok_topo *t = t_loadf(*state, TYPES_JSON);
	struct iok_grouping *g = t_compute(t);

	t_verdict(g, t, "00:09.0", true, IOK_ACS_RULE_SINGLE_FUNCTION, NULL, T_ANYBITS, T_ANYBITS);
	t_verdict(g, t, "00:0a.1", false, IOK_ACS_RULE_MULTIFUNCTION, NULL, REQ, REQ);
	t_verdict(g, t, "00:0b.0", false, IOK_ACS_RULE_MULTIFUNCTION, NULL, REQ, REQ);
	t_verdict(g, t, "00:0c.0", false, IOK_ACS_RULE_MULTIFUNCTION, NULL, REQ, REQ);
	t_verdict(g, t, "00:0c.1", true, IOK_ACS_RULE_MULTIFUNCTION, NULL, REQ, 0);
	assert_int_equal(t_group_id(g, t, "00:0a.0"), t_group_id(g, t, "00:0a.1"));
	assert_int_equal(t_group_id(g, t, "00:0b.0"), t_group_id(g, t, "00:0b.1"));
	assert_int_not_equal(t_group_id(g, t, "00:0c.0"), t_group_id(g, t, "00:0c.1"));
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.2: ports need ACS, single- or multifunction; PCI never. */
static void acs42_ports_and_conventional(void **state)
{
	struct iok_topo *t = t_loadf(*state, TYPES_JSON);
	struct iok_grouping *g = t_compute(t);

	t_verdict(g, t, "00:0d.0", true, IOK_ACS_RULE_PORT, NULL, REQ, 0);
	t_verdict(g, t, "00:0d.1", false, IOK_ACS_RULE_PORT, NULL, REQ, REQ);
	t_verdict(g, t, "00:0e.0", false, IOK_ACS_RULE_NOT_PCIE, NULL, T_ANYBITS, T_ANYBITS);
	assert_int_equal(t_group_id(g, t, "00:0e.0"), t_group_id(g, t, "00:0e.1"));
	/* 0d.0 is isolated, so it stays out of 0d.1's sibling group. */
	assert_int_not_equal(t_group_id(g, t, "00:0d.0"), t_group_id(g, t, "00:0d.1"));
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.2: a single-function upstream port is isolated without ACS. */
static void acs42_single_function_usp(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '01', 'subordinate': '03', " FULL "},"
		"{'bdf': '01:00.0', 'id': '1b21:2824', 'pcie': 'upstream', 'secondary': '02', 'subordinate': '03'},"
		"{'bdf': '02:00.0', 'id': '1b21:2824', 'pcie': 'downstream', 'secondary': '03', " FULL "},"
		NVME("03:00.0") "]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0} {02:00.0} {03:00.0}");

	t_verdict(g, t, "01:00.0", true, IOK_ACS_RULE_SINGLE_FUNCTION, NULL, T_ANYBITS, T_ANYBITS);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- spec groups 4.3: pci_acs_path_enabled() ----------------------------- */

#define SWITCH_FMT "{'schema': 1, 'platform': {%s}, 'devices': [" \
	"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '02', 'subordinate': '05'%s}," \
	"{'bdf': '02:00.0', 'id': '10b5:8747', 'pcie': 'upstream', 'secondary': '03', 'subordinate': '05'%s}," \
	"{'bdf': '03:00.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '04'%s}," \
	"{'bdf': '03:01.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '05'%s}," \
	NVME("04:00.0") "," \
	"{'bdf': '05:00.0', 'id': '8086:f1a8', 'class': '010802', 'pcie': 'endpoint'}]}"

/* spec groups 4.3: every bridge up to the root bus must pass. */
static void acs43_path_climbs_to_root(void **state)
{
	struct iok_topo *t = t_loadf(*state, SWITCH_FMT, "", "", "", ", " FULL, ", " FULL);
	struct iok_grouping *g = t_groups(t, "{00:01.0 02:00.0 03:00.0 03:01.0 04:00.0 05:00.0}");

	/* The DSP itself passes, but the root port above it does not. */
	t_verdict(g, t, "03:00.0", true, IOK_ACS_RULE_PORT, NULL, REQ, 0);
	assert_false(iok_dev_acs_path_ok(g, t_dev(t, "03:00.0")));
	assert_false(iok_dev_acs_path_ok(g, t_dev(t, "00:01.0")));
	iok_grouping_unref(g);
	iok_topo_unref(t);

	t = t_loadf(*state, SWITCH_FMT, "", ", " FULL, "", ", " FULL, "");
	g = t_compute(t);
	assert_true(iok_dev_acs_path_ok(g, t_dev(t, "03:00.0")));
	assert_true(iok_dev_acs_path_ok(g, t_dev(t, "04:00.0")));
	assert_true(iok_dev_acs_path_ok(g, t_dev(t, "00:01.0")));
	assert_false(iok_dev_acs_path_ok(g, t_dev(t, "03:01.0")));
	assert_false(iok_dev_acs_path_ok(g, t_dev(t, "05:00.0")));
	iok_grouping_unref(g);
	iok_topo_unref(t);

	/* A multifunction USP without ACS breaks every path through it. */
	t = t_loadf(*state, SWITCH_FMT, "", ", " FULL, ", 'multifunction': true", ", " FULL, ", " FULL);
	g = t_compute(t);
	assert_false(iok_dev_acs_path_ok(g, t_dev(t, "03:00.0")));
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- spec groups 4.5: the quirk table ------------------------------------ */

#define AMD_SB_FMT "{'schema': 1, 'platform': {'iommu': '%s'}, 'devices': [" \
	"{'bdf': '00:14.0', 'id': '1002:4385', 'class': '0c0500', 'multifunction': true}," \
	"{'bdf': '00:14.3', 'id': '1002:439d', 'class': '060100'}," \
	"{'bdf': '00:14.4', 'id': '1002:4384', 'class': '060401', 'secondary': '01'}," \
	"{'bdf': '00:12.0', 'id': '1002:4397', 'class': '0c0310', 'multifunction': true}," \
	"{'bdf': '00:12.2', 'id': '1002:4396', 'class': '0c0320'}," \
	"{'bdf': '00:16.0', 'id': '1022:780f', 'class': '060401', 'secondary': '02'}," \
	"{'bdf': '00:02.0', 'id': '1022:1634', 'pcie': 'root_port', 'secondary': '03', " FULL "}," \
	"{'bdf': '03:00.0', 'id': '1022:7809', 'class': '0c0310', 'multifunction': true}," \
	"{'bdf': '03:00.1', 'id': '1022:7809', 'class': '0c0310'}]}"

/* spec groups 4.5 amd_sb: multifunction + root bus + IVRS → yes. */
static void acs45_amd_sb(void **state)
{
	struct iok_topo *t = t_loadf(*state, AMD_SB_FMT, "amd");
	struct iok_grouping *g = t_compute(t);

	quirk(g, t, "00:14.0", "amd_sb", true);
	quirk(g, t, "00:14.4", "amd_sb", true);
	/* Single-function on the root bus: n/a, then "not PCIe". */
	t_verdict(g, t, "00:16.0", false, IOK_ACS_RULE_NOT_PCIE, NULL, T_ANYBITS, T_ANYBITS);
	/* Multifunction but not on a root bus: n/a. */
	t_verdict(g, t, "03:00.0", false, IOK_ACS_RULE_NOT_PCIE, NULL, T_ANYBITS, T_ANYBITS);
	/* Not in the list (4397/4396 are OHCI/EHCI): grouped as siblings. */
	assert_int_equal(t_group_id(g, t, "00:12.0"), t_group_id(g, t, "00:12.2"));
	assert_int_not_equal(t_group_id(g, t, "00:14.0"), t_group_id(g, t, "00:14.3"));
	assert_int_equal(t_group_id(g, t, "03:00.0"), t_group_id(g, t, "03:00.1"));
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.5 amd_sb: no IVRS table → n/a. */
static void acs45_amd_sb_without_ivrs(void **state)
{
	struct iok_topo *t = t_loadf(*state, AMD_SB_FMT, "intel");
	struct iok_grouping *g = t_compute(t);

	t_verdict(g, t, "00:14.0", false, IOK_ACS_RULE_NOT_PCIE, NULL, T_ANYBITS, T_ANYBITS);
	assert_int_equal(t_group_id(g, t, "00:14.0"), t_group_id(g, t, "00:14.3"));
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.5 mf_endpoint: yes, with no type/multifunction/ACS check. */
static void acs45_mf_endpoint(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'acs': 'final'}, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': 'SV RR CR UF'}") ","
		"{'bdf': '01:00.0', 'id': '8086:10fb', 'class': '020000', 'pcie': 'endpoint', 'multifunction': true,"
		" 'acs': {'cap': 'SV RR CR UF', 'ctrl': ''}},"
		"{'bdf': '01:00.1', 'id': '8086:10fb', 'class': '020000', 'pcie': 'endpoint'},"
		"{'bdf': '00:19.0', 'id': '8086:15b7', 'class': '020000'},"
		"{'bdf': '00:1a.0', 'id': '1924:0a03', 'class': '020000', 'pcie': 'legacy_endpoint'},"
		"{'bdf': '00:1b.0', 'id': '14e4:16d7', 'class': '020000', 'pcie': 'endpoint', 'multifunction': true},"
		"{'bdf': '00:1b.1', 'id': '14e4:16d7', 'class': '020000', 'pcie': 'endpoint'},"
		"{'bdf': '00:1d.0', 'id': '177d:a026', 'class': '020000', 'pcie': 'endpoint', 'multifunction': true},"
		"{'bdf': '00:1d.1', 'id': '177d:a026', 'class': '020000', 'pcie': 'endpoint'},"
		"{'bdf': '00:1e.0', 'id': '1d17:3038', 'class': '0c0330', 'pcie': 'endpoint', 'multifunction': true},"
		"{'bdf': '00:1e.1', 'id': '1d17:3038', 'class': '0c0330', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0} {01:00.1} {00:19.0} {00:1a.0}"
					  " {00:1b.0} {00:1b.1} {00:1d.0} {00:1d.1} {00:1e.0} {00:1e.1}");

	/* Quirk first: an ACS capability with nothing enabled is ignored. */
	quirk(g, t, "01:00.0", "mf_endpoint", true);
	/* Conventional and single-function devices too. */
	quirk(g, t, "00:19.0", "mf_endpoint", true);
	quirk(g, t, "00:1a.0", "mf_endpoint", true);
	quirk(g, t, "00:1b.1", "mf_endpoint", true);
	/* Cavium and Zhaoxin: vendor ANY entries give n/a for endpoints. */
	quirk(g, t, "00:1d.0", "mf_endpoint", true);
	quirk(g, t, "00:1e.1", "mf_endpoint", true);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.5 rciep: Intel RC_END only; other Intel types fall through. */
static void acs45_intel_rciep(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:14.0', 'id': '8086:a36d', 'class': '0c0330', 'pcie': 'rc_endpoint', 'multifunction': true},"
		"{'bdf': '00:14.2', 'id': '8086:a36f', 'class': '050000', 'pcie': 'rc_endpoint'},"
		"{'bdf': '00:15.0', 'id': '8086:a368', 'class': '0c8000', 'pcie': 'endpoint', 'multifunction': true},"
		"{'bdf': '00:15.1', 'id': '8086:a369', 'class': '0c8000', 'pcie': 'endpoint'},"
		"{'bdf': '00:16.0', 'id': '8086:a360', 'class': '078000', 'multifunction': true},"
		"{'bdf': '00:16.3', 'id': '8086:a363', 'class': '070002'}]}");
	struct iok_grouping *g = t_groups(t, "{00:14.0} {00:14.2} {00:15.0 00:15.1} {00:16.0 00:16.3}");

	quirk(g, t, "00:14.2", "rciep", true);
	t_verdict(g, t, "00:15.0", false, IOK_ACS_RULE_MULTIFUNCTION, NULL, REQ, REQ);
	t_verdict(g, t, "00:16.0", false, IOK_ACS_RULE_NOT_PCIE, NULL, T_ANYBITS, T_ANYBITS);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.5 qcom_rp, xgene, nxp_rp, brcm, loongson: unconditional yes. */
static void acs45_unconditional_yes(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'iommu': 'arm'}, 'devices': ["
		RP("00:01.0", "17cb:0400", "01", "") "," RP("00:02.0", "17cb:0115", "02", "") ","
		RP("00:03.0", "1dbf:0401", "03", "") "," RP("00:04.0", "10e8:e004", "04", "") ","
		RP("00:05.0", "1def:e00c", "05", "") "," RP("00:06.0", "1957:8d9b", "06", "") ","
		RP("00:07.0", "14e4:d714", "07", "") "," RP("00:08.0", "0014:7a69", "08", "") ","
		RP("00:09.0", "0014:3c09", "09", "") "," RP("00:0a.0", "17cb:0402", "0a", "") ","
		"{'bdf': '00:0b.0', 'id': '17cb:0401', 'class': '060400', 'pcie': 'endpoint', 'multifunction': true},"
		"{'bdf': '00:0b.1', 'id': '17cb:0401', 'class': '060400', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_compute(t);

	quirk(g, t, "00:01.0", "qcom_rp", true);
	quirk(g, t, "00:02.0", "qcom_rp", true);
	quirk(g, t, "00:03.0", "qcom_rp", true);
	quirk(g, t, "00:04.0", "xgene", true);
	quirk(g, t, "00:05.0", "xgene", true);
	quirk(g, t, "00:06.0", "nxp_rp", true);
	quirk(g, t, "00:07.0", "brcm", true);
	quirk(g, t, "00:08.0", "loongson", true);
	quirk(g, t, "00:09.0", "loongson", true);
	/* Not listed. */
	t_verdict(g, t, "00:0a.0", false, IOK_ACS_RULE_PORT, NULL, REQ, REQ);
	/* No type check: a listed ID counts as isolated whatever it is. */
	quirk(g, t, "00:0b.1", "qcom_rp", true);
	assert_int_not_equal(t_group_id(g, t, "00:0b.0"), t_group_id(g, t, "00:0b.1"));
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.5 qcom_rp [7.0]: Hamoa 0x0111 and Glymur 0x0120. */
static void acs45_qcom_70_ids(void **state)
{
	static const char json[] = "{'schema': 1, 'platform': {'iommu': 'arm', 'kernel': '%s'}, 'devices': ["
		RP("00:00.0", "17cb:0111", "01", "") "," NVME("01:00.0") ","
		RP("00:01.0", "17cb:0120", "02", "") "," NVME("02:00.0") "]}";
	struct iok_topo *t = t_loadf(*state, json, "7.0");
	struct iok_grouping *g = t_groups(t, "{00:00.0} {01:00.0} {00:01.0} {02:00.0}");

	quirk(g, t, "00:00.0", "qcom_rp", true);
	quirk(g, t, "00:01.0", "qcom_rp", true);
	iok_grouping_unref(g);
	iok_topo_unref(t);

	t = t_loadf(*state, json, "6.19");
	g = t_groups(t, "{00:00.0 01:00.0} {00:01.0 02:00.0}");
	t_verdict(g, t, "00:00.0", false, IOK_ACS_RULE_PORT, NULL, REQ, REQ);
	t_verdict(g, t, "00:01.0", false, IOK_ACS_RULE_PORT, NULL, REQ, REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* Panther Point root ports at 1c.0/1c.1 and an LPC whose 0xf0 is the argument. */
#define PCH_FMT "{'schema': 1, 'platform': {%s}, 'devices': [" \
	"{'bdf': '00:1c.0', 'id': '8086:1e10', 'pcie': 'root_port', 'multifunction': true, 'secondary': '01', " FULL "}," \
	"{'bdf': '00:1c.1', 'id': '8086:1e12', 'pcie': 'root_port', 'secondary': '02'}," \
	"%s" NVME("01:00.0") "," NVME("02:00.0") "]}"
#define LPC(f0) "{'bdf': '00:1f.0', 'id': '8086:1e44', 'class': '060100', 'config': {'0xf0': '" f0 "'}},"

/* spec groups 4.5 intel_pch + 3: RCBA enabled → yes. */
static void acs45_intel_pch_rcba_on(void **state)
{
	struct iok_topo *t = t_loadf(*state, PCH_FMT, "", LPC("0x01"));
	struct iok_grouping *g = t_groups(t, "{00:1c.0} {00:1c.1} {01:00.0} {02:00.0} {00:1f.0}");

	quirk(g, t, "00:1c.0", "intel_pch", true);
	/* The enable quirk claims the port: its ACS capability is not enabled. */
	assert_int_equal(ctrl_of(g, t, "00:1c.0"), 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.5 intel_pch + 3: RCBA disabled → no (a verdict). */
static void acs45_intel_pch_rcba_off(void **state)
{
	struct iok_topo *t = t_loadf(*state, PCH_FMT, "", LPC("0x00"));
	struct iok_grouping *g = t_groups(t, "{00:1c.0 00:1c.1 01:00.0 02:00.0} {00:1f.0}");

	quirk(g, t, "00:1c.1", "intel_pch", false);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 3: an absent 00:1f.0 reads all ones: bit 0 looks set. */
static void acs45_intel_pch_no_lpc(void **state)
{
	struct iok_topo *t = t_loadf(*state, PCH_FMT, "", "");
	struct iok_grouping *g = t_groups(t, "{00:1c.0} {00:1c.1} {01:00.0} {02:00.0}");

	quirk(g, t, "00:1c.0", "intel_pch", true);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.5 intel_pch: only root ports match; others fall through. */
static void acs45_intel_pch_root_ports_only(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:1c.0', 'id': '8086:1e10', 'pcie': 'endpoint', 'class': '088000', 'multifunction': true},"
		"{'bdf': '00:1c.1', 'id': '8086:1e12', 'pcie': 'endpoint', 'class': '088000'},"
		"{'bdf': '00:1f.0', 'id': '8086:1e44', 'class': '060100', 'config': {'0xf0': '0x00'}}]}");
	struct iok_grouping *g = t_groups(t, "{00:1c.0 00:1c.1} {00:1f.0}");

	t_verdict(g, t, "00:1c.0", false, IOK_ACS_RULE_MULTIFUNCTION, NULL, REQ, REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* Sunrise Point root ports; arguments: platform, ID, ACS, config writes. */
#define SPT_FMT "{'schema': 1, 'platform': {%s}, 'devices': [" \
	"{'bdf': '00:1c.0', 'id': '8086:%s', 'pcie': 'root_port', 'secondary': '01'%s%s}," \
	NVME("01:00.0") "]}"
/*
 * Raw writes (ACS at 0x100): SV RR CR UF in the word control at cap+6, or
 * in the dword control at cap+8.
 */
#define CTRL16_ON ", 'config': {'0x106': '0x1d'}"
#define CTRL32_ON ", 'config': {'0x108': '0x1d'}"

/* spec groups 4.5 intel_spt_pch + 1.4: the control dword at cap+8 counts. */
static void acs45_intel_spt_dword_layout(void **state)
{
	struct iok_topo *t;
	struct iok_grouping *g;

	/* Word control full, dword control empty: not isolated. */
	t = t_loadf(*state, SPT_FMT, "'acs': 'final'", "a110",
		 ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': ''}", CTRL16_ON);
	g = t_groups(t, "{00:1c.0 01:00.0}");
	quirk(g, t, "00:1c.0", "intel_spt_pch", false);
	iok_grouping_unref(g);
	iok_topo_unref(t);

	/* Word control empty, dword control full: isolated. */
	t = t_loadf(*state, SPT_FMT, "'acs': 'final'", "a16a",
		 ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': ''}", CTRL32_ON);
	g = t_groups(t, "{00:1c.0} {01:00.0}");
	quirk(g, t, "00:1c.0", "intel_spt_pch", true);
	iok_grouping_unref(g);
	iok_topo_unref(t);

	/* Just outside the ID ranges: the standard word layout. */
	t = t_loadf(*state, SPT_FMT, "'acs': 'final'", "a16b",
		 ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': ''}", CTRL32_ON);
	g = t_groups(t, "{00:1c.0 01:00.0}");
	t_verdict(g, t, "00:1c.0", false, IOK_ACS_RULE_PORT, NULL, REQ, REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 3 + 4.5 intel_spt_pch: enabling ORs into the dword control. */
static void acs45_intel_spt_enabling(void **state)
{
	struct iok_topo *t;
	struct iok_grouping *g;

	t = t_loadf(*state, SPT_FMT, "", "9d1b", ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': ''}", "");
	g = t_groups(t, "{00:1c.0} {01:00.0}");
	quirk(g, t, "00:1c.0", "intel_spt_pch", true);
	iok_grouping_unref(g);
	iok_topo_unref(t);

	/* Without an ACS capability the quirk is n/a: a port without ACS. */
	t = t_loadf(*state, SPT_FMT, "", "a2e7", "", "");
	g = t_groups(t, "{00:1c.0 01:00.0}");
	t_verdict(g, t, "00:1c.0", false, IOK_ACS_RULE_PORT, NULL, REQ, REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);

	/* disable_acs_redir clears RR|CR|EC in the dword control. */
	t = t_loadf(*state, SPT_FMT, "'cmdline': 'pci=disable_acs_redir=00:1c.0'",
		 "a290", ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': ''}", "");
	g = t_groups(t, "{00:1c.0 01:00.0}");
	quirk(g, t, "00:1c.0", "intel_spt_pch", false);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.5 cavium: ThunderX root ports by ID range. */
static void acs45_cavium(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'iommu': 'arm'}, 'devices': ["
		RP("00:01.0", "177d:a000", "01", "") "," RP("00:02.0", "177d:a7ff", "02", "") ","
		RP("00:03.0", "177d:af84", "03", "") "," RP("00:04.0", "177d:b884", "04", "") ","
		RP("00:05.0", "177d:a800", "05", "") ","
		"{'bdf': '00:06.0', 'id': '177d:a001', 'class': '088000', 'pcie': 'endpoint', 'multifunction': true},"
		"{'bdf': '00:06.1', 'id': '177d:a001', 'class': '088000', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_compute(t);

	quirk(g, t, "00:01.0", "cavium", true);
	quirk(g, t, "00:02.0", "cavium", true);
	quirk(g, t, "00:03.0", "cavium", true);
	quirk(g, t, "00:04.0", "cavium", true);
	t_verdict(g, t, "00:05.0", false, IOK_ACS_RULE_PORT, NULL, REQ, REQ);
	t_verdict(g, t, "00:06.0", false, IOK_ACS_RULE_MULTIFUNCTION, NULL, REQ, REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.5 al: Annapurna root ports: yes for SV|RR|CR|UF requests. */
static void acs45_al(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'iommu': 'arm'}, 'devices': ["
		RP("00:01.0", "1c36:0031", "01", "") "," NVME("01:00.0") ","
		"{'bdf': '00:02.0', 'id': '1c36:0031', 'class': '088000', 'pcie': 'endpoint', 'multifunction': true},"
		"{'bdf': '00:02.1', 'id': '1c36:0031', 'class': '088000', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0} {00:02.0 00:02.1}");

	quirk(g, t, "00:01.0", "al", true);
	t_verdict(g, t, "00:02.0", false, IOK_ACS_RULE_MULTIFUNCTION, NULL, REQ, REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.5 zhaoxin_ports: listed IDs yes, every other port no. */
static void acs45_zhaoxin_ports(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		RP("00:01.0", "1d17:0710", "01", "") "," RP("00:02.0", "1d17:0721", "02", "") ","
		RP("00:03.0", "1d17:0752", "03", "") "," RP("00:04.0", "1d17:0722", "04", ", " FULL) ","
		RP("00:05.0", "1d17:0753", "05", ", " FULL) ","
		"{'bdf': '00:06.0', 'id': '1d17:0760', 'class': '088000', 'pcie': 'endpoint', 'multifunction': true, " FULL "},"
		"{'bdf': '00:06.1', 'id': '1d17:0760', 'class': '088000', 'pcie': 'endpoint', " FULL "}]}");
	struct iok_grouping *g = t_compute(t);

	quirk(g, t, "00:01.0", "zhaoxin_ports", true);
	quirk(g, t, "00:02.0", "zhaoxin_ports", true);
	quirk(g, t, "00:03.0", "zhaoxin_ports", true);
	/* A full, enabled ACS capability does not help an unlisted port. */
	quirk(g, t, "00:04.0", "zhaoxin_ports", false);
	quirk(g, t, "00:05.0", "zhaoxin_ports", false);
	/* Not a port: n/a, the standard rules apply. */
	t_verdict(g, t, "00:06.0", true, IOK_ACS_RULE_MULTIFUNCTION, NULL, REQ, 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.5 zhaoxin_ports: downstream ports too. */
static void acs45_zhaoxin_downstream(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		RP("00:01.0", "1d17:0716", "01", ", 'subordinate': '03'") ","
		"{'bdf': '01:00.0', 'id': '1d17:0730', 'pcie': 'upstream', 'secondary': '02', 'subordinate': '03'},"
		"{'bdf': '02:00.0', 'id': '1d17:0761', 'pcie': 'downstream', 'secondary': '03', " FULL "},"
		NVME("03:00.0") "]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0} {02:00.0 03:00.0}");

	quirk(g, t, "02:00.0", "zhaoxin_ports", false);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 4.5 wangxun_nic: listed IDs yes, every other Wangxun ID no. */
static void acs45_wangxun(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", " FULL) ","
		"{'bdf': '01:00.0', 'id': '8088:0101', 'class': '020000', 'pcie': 'endpoint', 'multifunction': true},"
		"{'bdf': '01:00.1', 'id': '8088:0101', 'class': '020000', 'pcie': 'endpoint'},"
		RP("00:02.0", "8086:1905", "02", ", " FULL) ","
		"{'bdf': '02:00.0', 'id': '8088:1001', 'class': '020000', 'pcie': 'endpoint', 'multifunction': true},"
		"{'bdf': '02:00.1', 'id': '8088:2001', 'class': '020000', 'pcie': 'endpoint'},"
		"{'bdf': '02:00.2', 'id': '8088:5025', 'class': '020000', 'pcie': 'endpoint'},"
		RP("00:03.0", "8086:1909", "03", ", " FULL) ","
		"{'bdf': '03:00.0', 'id': '8088:0110', 'class': '020000', 'pcie': 'endpoint', 'multifunction': true, " FULL "},"
		"{'bdf': '03:00.1', 'id': '8088:0110', 'class': '020000', 'pcie': 'endpoint', " FULL "}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0} {01:00.1} {00:02.0} {02:00.0} {02:00.1}"
					  " {02:00.2} {00:03.0} {03:00.0 03:00.1}");

	quirk(g, t, "01:00.1", "wangxun_nic", true);
	quirk(g, t, "02:00.0", "wangxun_nic", true);
	quirk(g, t, "02:00.1", "wangxun_nic", true);
	quirk(g, t, "02:00.2", "wangxun_nic", true);
	/* Unlisted: "no" although ACS is fully enabled. */
	quirk(g, t, "03:00.0", "wangxun_nic", false);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- spec groups 3: ACS enabling ---------------------------------------- */

/* spec groups 3 step 3: firmware mode ORs Capability & SV|RR|CR|UF only. */
static void acs3_enabling_ors_cap_bits(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", 'acs': {'cap': 'SV TB RR CR UF EC DT', 'ctrl': ''}") ","
		RP("00:02.0", "8086:1905", "02", ", 'acs': {'cap': 'RR CR', 'ctrl': ''}") ","
		RP("00:03.0", "8086:1909", "03", ", 'acs': {'cap': 'SV RR CR UF EC', 'ctrl': 'EC'}") "]}");
	struct iok_grouping *g = t_compute(t);

	assert_int_equal(ctrl_of(g, t, "00:01.0"), REQ);
	assert_int_equal(ctrl_of(g, t, "00:02.0"), IOK_ACS_RR | IOK_ACS_CR);
	assert_int_equal(ctrl_of(g, t, "00:03.0"), REQ | IOK_ACS_EC);
	t_verdict(g, t, "00:02.0", true, IOK_ACS_RULE_PORT, NULL, 0x0c, 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 3: a final dump's Control is used as it is. */
static void acs3_final_leaves_control(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'acs': 'final'}, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': 'RR'}") ","
		NVME("01:00.0") "]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0 01:00.0}");

	assert_int_equal(ctrl_of(g, t, "00:01.0"), IOK_ACS_RR);
	t_verdict(g, t, "00:01.0", false, IOK_ACS_RULE_PORT, NULL, REQ, 0x19);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 3: without the ACS request firmware values stay. */
static void acs3_no_request_no_enabling(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'iommu': 'none'}, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': 'UF'}") "]}");
	struct iok_grouping *g = t_compute(t);

	assert_int_equal(ctrl_of(g, t, "00:01.0"), IOK_ACS_UF);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 3 step 3: TB with pci=noats, and below an external port. */
static void acs3_translation_blocking(void **state)
{
	static const char json[] = "{'schema': 1, 'platform': {'cmdline': '%s'}, 'devices': ["
		RP("00:07.0", "8086:9a23", "01", ", 'subordinate': '03', 'external_facing': true,"
		   " 'acs': {'cap': 'SV TB RR CR UF', 'ctrl': ''}") ","
		"{'bdf': '01:00.0', 'id': '8086:15ef', 'pcie': 'upstream', 'secondary': '02', 'subordinate': '03'},"
		"{'bdf': '02:00.0', 'id': '8086:15ef', 'pcie': 'downstream', 'secondary': '03',"
		" 'acs': {'cap': 'SV TB RR CR UF', 'ctrl': ''}},"
		RP("00:01.0", "8086:1901", "04", ", 'acs': {'cap': 'SV TB RR CR UF', 'ctrl': ''}") "]}";
	struct iok_topo *t = t_loadf(*state, json, "");
	struct iok_grouping *g = t_compute(t);

	/* Untrusted (below the external-facing port): TB enabled. */
	assert_int_equal(ctrl_of(g, t, "02:00.0"), REQ | IOK_ACS_TB);
	assert_int_equal(ctrl_of(g, t, "00:01.0"), REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);

	t = t_loadf(*state, json, "pci=noats");
	g = t_compute(t);
	assert_int_equal(ctrl_of(g, t, "00:01.0"), REQ | IOK_ACS_TB);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

#define DSP_ENABLED ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': 'SV RR CR UF'}"
#define SW_ALL_SPLIT "{00:01.0} {02:00.0} {03:00.0} {03:01.0} {04:00.0} {05:00.0}"
#define SW_0301_SHARED "{00:01.0} {02:00.0} {03:00.0} {04:00.0} {03:01.0 05:00.0}"
#define SW_BOTH_SHARED "{00:01.0} {02:00.0} {03:00.0 04:00.0} {03:01.0 05:00.0}"

/* Load the switch with @cmdline; DSPs enabled by firmware; check the partition. */
static void switch_cmdline(void **state, const char *cmdline, const char *expect,
			   unsigned int ctrl_0301)
{
	struct iok_topo *t = t_loadf(*state, SWITCH_FMT, cmdline, ", " FULL, "", DSP_ENABLED,
				  DSP_ENABLED);
	struct iok_grouping *g = t_groups(t, expect);

	if (ctrl_0301 != T_ANYBITS && ctrl_of(g, t, "03:01.0") != ctrl_0301)
		fail_msg("%s: 03:01.0 control 0x%02x, expected 0x%02x", cmdline,
			 ctrl_of(g, t, "03:01.0"), ctrl_0301);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 3 step 4: device paths ([domain:]bus:dev.fn[/dev.fn]*). */
static void acs3_disable_acs_redir_paths(void **state)
{
	/* Path from the root bus: 00:01.0 → 02:00.0 (00.0) → 03:01.0 (01.0). */
	switch_cmdline(state, "'cmdline': 'pci=disable_acs_redir=00:01.0/00.0/01.0'",
		       SW_0301_SHARED, IOK_ACS_SV | IOK_ACS_UF);
	switch_cmdline(state, "'cmdline': 'pci=disable_acs_redir=0000:00:01.0/00.0/01.0'",
		       SW_0301_SHARED, T_ANYBITS);
	/* A base address on any bus, with or without domain. */
	switch_cmdline(state, "'cmdline': 'pci=disable_acs_redir=03:01.0'", SW_0301_SHARED, T_ANYBITS);
	switch_cmdline(state, "'cmdline': 'pci=disable_acs_redir=02:00.0/01.0'", SW_0301_SHARED, T_ANYBITS);
	/* Paths that lead elsewhere match nothing. */
	switch_cmdline(state, "'cmdline': 'pci=disable_acs_redir=00:01.0/00.1/01.0'", SW_ALL_SPLIT, REQ);
	switch_cmdline(state, "'cmdline': 'pci=disable_acs_redir=0001:03:01.0'", SW_ALL_SPLIT, REQ);
	switch_cmdline(state, "'cmdline': 'pci=disable_acs_redir=04:01.0'", SW_ALL_SPLIT, REQ);
	/* Several items, separated by ';'. */
	switch_cmdline(state, "'cmdline': 'pci=disable_acs_redir=03:00.0;03:01.0'", SW_BOTH_SHARED,
		       T_ANYBITS);
}

/* spec groups 3 step 4: pci:vvvv:dddd[:svvv:sddd], 0 = wildcard. */
static void acs3_disable_acs_redir_ids(void **state)
{
	static const char json[] = "{'schema': 1, 'platform': {'cmdline': 'pci=disable_acs_redir=%s'}, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", " FULL) ","
		"{'bdf': '01:00.0', 'id': '8086:1572', 'subsystem': '8086:0001', 'class': '020000',"
		" 'pcie': 'endpoint', 'multifunction': true, " FULL "},"
		"{'bdf': '01:00.1', 'id': '8086:1572', 'subsystem': '8086:0001', 'class': '020000',"
		" 'pcie': 'endpoint', " FULL "}]}";
	struct iok_topo *t;

	switch_cmdline(state, "'cmdline': 'pci=disable_acs_redir=pci:10b5:8747'", SW_BOTH_SHARED, T_ANYBITS);
	switch_cmdline(state, "'cmdline': 'pci=disable_acs_redir=pci:10b5:0'", SW_BOTH_SHARED, T_ANYBITS);
	switch_cmdline(state, "'cmdline': 'pci=disable_acs_redir=pci:10b5:8748'", SW_ALL_SPLIT, T_ANYBITS);

	t = t_loadf(*state, json, "pci:8086:1572:8086:0001");
	t_assert_groups(t, "{00:01.0} {01:00.0 01:00.1}");
	iok_topo_unref(t);
	t = t_loadf(*state, json, "pci:0:1572:0:1");
	t_assert_groups(t, "{00:01.0} {01:00.0 01:00.1}");
	iok_topo_unref(t);
	t = t_loadf(*state, json, "pci:8086:1572:8086:0002");
	t_assert_groups(t, "{00:01.0} {01:00.0} {01:00.1}");
	iok_topo_unref(t);
}

/* spec groups 3 step 4: rebuilt from firmware since 6.11 (SV/UF lost). */
static void acs3_disable_acs_redir_rebuilds_from_firmware(void **state)
{
	static const char json[] = "{'schema': 1, 'platform': {'kernel': '%s',"
		" 'cmdline': 'pci=disable_acs_redir=00:01.0'}, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", 'acs': {'cap': 'SV RR CR UF EC', 'ctrl': 'EC'}") ","
		NVME("01:00.0") "]}";
	struct iok_topo *t = t_loadf(*state, json, "6.19");
	struct iok_grouping *g = t_groups(t, "{00:01.0 01:00.0}");

	assert_int_equal(ctrl_of(g, t, "00:01.0"), 0);
	t_verdict(g, t, "00:01.0", false, IOK_ACS_RULE_PORT, NULL, REQ, REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);

	/* 6.1 cleared RR|CR|EC from the enabled value. */
	t = t_loadf(*state, json, "6.1");
	g = t_groups(t, "{00:01.0 01:00.0}");
	assert_int_equal(ctrl_of(g, t, "00:01.0"), IOK_ACS_SV | IOK_ACS_UF);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

#define CFG_FMT "{'schema': 1, 'platform': {'kernel': '%s', 'cmdline': 'pci=config_acs=%s'}, 'devices': [" \
	RP("00:01.0", "8086:1901", "01", ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': '%s'}") "," \
	NVME("01:00.0") "]}"

/* Control of 00:01.0 under config_acs=@flags@00:01.0. */
static unsigned int config_acs(void **state, const char *kernel, const char *flags,
			       const char *fw)
{
	char opt[64];
	struct iok_topo *t;
	struct iok_grouping *g;
	unsigned int ctrl;

	snprintf(opt, sizeof(opt), "%s@0000:00:01.0", flags);
	t = t_loadf(*state, CFG_FMT, kernel, opt, fw);
	g = t_compute(t);
	ctrl = ctrl_of(g, t, "00:01.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
	return ctrl;
}

/* spec groups 3 step 5: flags read right to left; x = firmware value. */
static void acs3_config_acs_flags(void **state)
{
	/* Rightmost is SV: 11101 = UF CR RR, TB off, SV. */
	assert_int_equal(config_acs(state, "6.19", "11101", ""), REQ);
	/* Rebuilt from firmware: the bits the string leaves out stay as firmware left them. */
	assert_int_equal(config_acs(state, "6.19", "1101", ""), IOK_ACS_SV | IOK_ACS_RR | IOK_ACS_CR);
	/* x is the firmware value, not the enabled one. */
	assert_int_equal(config_acs(state, "6.19", "1x101", ""), IOK_ACS_SV | IOK_ACS_RR | IOK_ACS_UF);
	assert_int_equal(config_acs(state, "6.19", "1x101", "CR"), REQ);
	/* All seven bits, DT leftmost. */
	assert_int_equal(config_acs(state, "6.19", "1000000", "SV RR"), IOK_ACS_DT);
	/* Before 6.11 there is no config_acs: plain enabling. */
	assert_int_equal(config_acs(state, "6.1", "00000", ""), REQ);
}

/* spec groups 3 steps 4-5: config_acs is applied after disable_acs_redir. */
static void acs3_config_acs_after_redir(void **state)
{
	switch_cmdline(state, "'cmdline': 'pci=config_acs=11101@03:01.0 pci=disable_acs_redir=03:01.0'",
		       SW_ALL_SPLIT, REQ);
	switch_cmdline(state, "'cmdline': 'pci=disable_acs_redir=03:01.0,config_acs=11101@03:01.0'",
		       SW_ALL_SPLIT, REQ);
}

/* spec groups 3 step 5: the first matching item is used; the last option given. */
static void acs3_config_acs_first_match(void **state)
{
	switch_cmdline(state, "'cmdline': 'pci=config_acs=11101@pci:10b5:8747;00000@03:01.0'",
		       SW_ALL_SPLIT, REQ);
	switch_cmdline(state, "'cmdline': 'pci=config_acs=00000@03:01.0;11101@pci:10b5:8747'",
		       SW_0301_SHARED, 0);
	/* A repeated option replaces the earlier list. */
	switch_cmdline(state, "'cmdline': 'pci=config_acs=00000@03:01.0 pci=config_acs=11101@03:01.0'",
		       SW_ALL_SPLIT, REQ);
}

/* spec groups 3 step 3 + 4.1 [7.0]: IDT 80b5/8090 lose SV from the cache. */
static void acs3_idt_sv_removal(void **state)
{
	static const char json[] = "{'schema': 1, 'platform': {'kernel': '%s'}, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", 'subordinate': '03', " FULL) ","
		"{'bdf': '01:00.0', 'id': '111d:8090', 'pcie': 'upstream', 'secondary': '02', 'subordinate': '03'},"
		"{'bdf': '02:00.0', 'id': '111d:8090', 'pcie': 'downstream', 'secondary': '03',"
		" 'acs': {'cap': 'SV RR CR UF', 'ctrl': ''}},"
		RP("00:02.0", "111d:80b5", "04", ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': ''}") ","
		RP("00:03.0", "111d:80b4", "05", ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': ''}") "]}";
	struct iok_topo *t = t_loadf(*state, json, "7.0");
	struct iok_grouping *g = t_compute(t);
	struct iok_acs_verdict v = get_verdict(g, t, "02:00.0");

	assert_int_equal(v.cap, 0x1c);
	assert_int_equal(v.ctrl, 0x1c);
	t_verdict(g, t, "02:00.0", true, IOK_ACS_RULE_PORT, NULL, 0x1c, 0);
	t_verdict(g, t, "00:02.0", true, IOK_ACS_RULE_PORT, NULL, 0x1c, 0);
	/* Another IDT ID keeps SV. */
	t_verdict(g, t, "00:03.0", true, IOK_ACS_RULE_PORT, NULL, REQ, 0);
	/* The raw register is unchanged. */
	assert_int_equal(iok_dev_get_acs_cap(t_dev(t, "02:00.0")), REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);

	t = t_loadf(*state, json, "6.19");
	g = t_compute(t);
	v = get_verdict(g, t, "02:00.0");
	assert_int_equal(v.cap, REQ);
	assert_int_equal(v.ctrl, REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- spec groups 1.2: port type correction -------------------------------- */

/* A DSP below a root port and a USP below it; argument: kernel. */
#define PORT_TYPES_FMT "{'schema': 1, 'platform': {'kernel': '%s'}, 'devices': [" \
	RP("00:01.0", "8086:1901", "01", ", 'subordinate': '03', " FULL) "," \
	"{'bdf': '01:00.0', 'id': '1b21:2824', 'pcie': 'downstream', 'secondary': '02', 'subordinate': '03'}," \
	"{'bdf': '02:00.0', 'id': '1b21:2824', 'pcie': 'upstream', 'secondary': '03'}," \
	NVME("03:00.0") "]}"

/*
 * spec groups 1.2, Linux before 6.14: the correction left the type field
 * 0, so a corrected port is a (single-function, isolated) endpoint; the
 * Linux 6.1 capture tests/corpus/own/t1-port-type-fixup shows it.
 */
static void acs12_port_type_correction_before_614(void **state)
{
	struct iok_topo *t = t_loadf(*state, PORT_TYPES_FMT, "6.1");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0} {02:00.0} {03:00.0}");

	t_verdict(g, t, "02:00.0", true, IOK_ACS_RULE_SINGLE_FUNCTION, NULL, T_ANYBITS, T_ANYBITS);
	t_verdict(g, t, "01:00.0", true, IOK_ACS_RULE_SINGLE_FUNCTION, NULL, T_ANYBITS, T_ANYBITS);
	iok_grouping_unref(g);
	iok_topo_unref(t);

	t = t_loadf(*state, PORT_TYPES_FMT, "6.14");
	g = t_groups(t, "{00:01.0} {01:00.0} {02:00.0 03:00.0}");
	t_verdict(g, t, "02:00.0", false, IOK_ACS_RULE_PORT, NULL, REQ, REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 1.2: DOWNSTREAM below RP/DSP/type 8 → UPSTREAM; USP below USP → DSP. */
static void acs12_port_type_correction(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", 'subordinate': '03', " FULL) ","
		"{'bdf': '01:00.0', 'id': '1b21:2824', 'pcie': 'downstream', 'secondary': '02', 'subordinate': '03'},"
		"{'bdf': '02:00.0', 'id': '1b21:2824', 'pcie': 'upstream', 'secondary': '03'},"
		NVME("03:00.0") ","
		"{'bdf': '00:02.0', 'id': '1b36:000c', 'pcie': 'downstream', 'secondary': '04'},"
		"{'bdf': '00:03.0', 'id': '10b5:8114', 'pcie': 'pci_to_pcie', 'secondary': '05', 'subordinate': '06'},"
		"{'bdf': '05:00.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '06'},"
		RP("00:04.0", "8086:1905", "07", ", 'subordinate': '0a', " FULL) ","
		"{'bdf': '07:00.0', 'id': '10b5:8747', 'pcie': 'upstream', 'secondary': '08', 'subordinate': '0a'},"
		"{'bdf': '08:00.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '09', 'subordinate': '0a', " FULL "},"
		"{'bdf': '09:00.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '0a'}]}");
	/* 02:00.0 became a DSP without ACS: the NVMe joins it. */
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0} {02:00.0 03:00.0} {00:02.0}"
					  " {00:03.0 05:00.0} {00:04.0} {07:00.0} {08:00.0} {09:00.0}");

	assert_int_equal(iok_dev_get_pcie_type(t_dev(t, "01:00.0")), IOK_PCIE_UPSTREAM);
	assert_int_equal(iok_dev_get_pcie_type(t_dev(t, "02:00.0")), IOK_PCIE_DOWNSTREAM);
	assert_int_equal(iok_dev_get_pcie_type_raw(t_dev(t, "02:00.0")), IOK_PCIE_UPSTREAM);
	/* On a root bus nothing changes. */
	assert_int_equal(iok_dev_get_pcie_type(t_dev(t, "00:02.0")), IOK_PCIE_DOWNSTREAM);
	assert_int_equal(iok_dev_get_pcie_type(t_dev(t, "05:00.0")), IOK_PCIE_UPSTREAM);
	assert_int_equal(iok_dev_get_pcie_type(t_dev(t, "09:00.0")), IOK_PCIE_UPSTREAM);
	t_verdict(g, t, "02:00.0", false, IOK_ACS_RULE_PORT, NULL, REQ, REQ);
	t_verdict(g, t, "09:00.0", true, IOK_ACS_RULE_SINGLE_FUNCTION, NULL, T_ANYBITS, T_ANYBITS);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- spec groups 2: enumeration --------------------------------------------- */

/* spec groups 2.2: fn0 from Header Type bit 7, others forced, VFs never. */
static void acs22_multifunction_flag(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", 'subordinate': '02', " FULL) ","
		"{'bdf': '01:00.0', 'id': '8086:1572', 'class': '020000', 'pcie': 'endpoint', 'multifunction': true,"
		" 'sriov': {'num_vfs': 1, 'offset': 128, 'stride': 1, 'vf_device': '154c', 'enabled': true}},"
		"{'bdf': '01:00.1', 'id': '8086:1572', 'class': '020000', 'pcie': 'endpoint', 'multifunction': false},"
		"{'bdf': '01:00.3', 'id': '8086:1572', 'class': '020000', 'pcie': 'endpoint'},"
		"{'bdf': '01:10.0', 'id': '8086:154c', 'class': '020000', 'pcie': 'endpoint', 'multifunction': true},"
		"{'bdf': '00:02.0', 'id': '8086:9a49', 'class': '030000'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0 01:00.1 01:00.3} {01:10.0} {00:02.0}");

	assert_true(iok_dev_is_multifunction(t_dev(t, "01:00.0")));
	assert_true(iok_dev_is_multifunction(t_dev(t, "01:00.1")));
	assert_true(iok_dev_is_multifunction(t_dev(t, "01:00.3")));
	assert_false(iok_dev_is_multifunction(t_dev(t, "01:10.0")));
	assert_false(iok_dev_is_multifunction(t_dev(t, "00:02.0")));
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 2.1: only device 0 below RP/DSP/type-8 bridges. */
static void acs21_device_zero_below_ports(void **state)
{
	static const char json[] = "{'schema': 1, 'platform': {'cmdline': '%s'}, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", 'subordinate': '04', " FULL) ","
		"{'bdf': '01:00.0', 'id': '10b5:8747', 'pcie': 'upstream', 'secondary': '02', 'subordinate': '04'},"
		"{'bdf': '01:01.0', 'id': '10b5:8747', 'class': '088000', 'pcie': 'endpoint'},"
		"{'bdf': '02:00.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '03', " FULL "},"
		"{'bdf': '02:04.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '04', " FULL "},"
		NVME("03:00.0") "," NVME("03:02.0") ","
		"{'bdf': '00:03.0', 'id': '10b5:8114', 'pcie': 'pci_to_pcie', 'secondary': '05'},"
		"{'bdf': '05:00.0', 'id': '10b5:8747', 'pcie': 'endpoint'},"
		"{'bdf': '05:03.0', 'id': '10b5:8747', 'pcie': 'endpoint'},"
		"{'bdf': '00:04.0', 'id': '104c:8240', 'pcie': 'pcie_to_pci', 'secondary': '06'},"
		"{'bdf': '06:00.0', 'id': '10ec:8169', 'class': '020000'},"
		"{'bdf': '06:03.0', 'id': '10ec:8169', 'class': '020000'},"
		"{'bdf': '00:1e.0', 'id': '8086:244e', 'class': '060401', 'secondary': '07'},"
		"{'bdf': '07:05.0', 'id': '10ec:8169', 'class': '020000'}]}";
	struct iok_topo *t = t_loadf(*state, json, "");

	t_assert_groups(t, "{00:01.0} {01:00.0} {02:00.0} {02:04.0} {03:00.0} {00:03.0 05:00.0}"
			" {00:04.0 06:00.0 06:03.0} {00:1e.0 07:05.0} -{01:01.0 03:02.0 05:03.0}");
	hidden(t, "01:01.0", IOK_HIDDEN_BELOW_PORT);
	hidden(t, "03:02.0", IOK_HIDDEN_BELOW_PORT);
	hidden(t, "05:03.0", IOK_HIDDEN_BELOW_PORT);
	hidden(t, "02:04.0", IOK_VISIBLE);
	hidden(t, "06:03.0", IOK_VISIBLE);
	iok_topo_unref(t);

	/* pci=pcie_scan_all: all visible, grouped by the same-bus rules. */
	t = t_loadf(*state, json, "pci=pcie_scan_all");
	t_assert_groups(t, "{00:01.0} {01:00.0} {01:01.0} {02:00.0} {02:04.0} {03:00.0} {03:02.0}"
			" {00:03.0 05:00.0 05:03.0} {00:04.0 06:00.0 06:03.0} {00:1e.0 07:05.0}");
	iok_topo_unref(t);
}

/* spec groups 2.1: functions > 0 need a multifunction fn0; gaps are fine. */
static void acs21_functions_of_a_slot(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:14.0', 'id': '8086:a36d', 'class': '0c0330', 'multifunction': true},"
		"{'bdf': '00:14.2', 'id': '8086:a36f', 'class': '050000'},"
		"{'bdf': '00:14.5', 'id': '8086:a375', 'class': '080501'},"
		"{'bdf': '00:15.0', 'id': '8086:a368', 'class': '0c8000'},"
		"{'bdf': '00:15.1', 'id': '8086:a369', 'class': '0c8000'},"
		"{'bdf': '00:16.3', 'id': '8086:a363', 'class': '070002'},"
		"{'bdf': '00:16.4', 'id': '8086:a364', 'class': '078000'},"
		RP("00:1c.0", "8086:a338", "01", ", 'subordinate': '03', " FULL) ","
		"{'bdf': '01:00.0', 'id': '1b21:1080', 'secondary': '02'},"
		"{'bdf': '01:01.0', 'id': '1b21:1080', 'secondary': '03'},"
		"{'bdf': '02:00.0', 'id': '10ec:8169', 'class': '020000'}]}");

	t_assert_groups(t, "{00:14.0 00:14.2 00:14.5} {00:15.0} {00:1c.0} {01:00.0 02:00.0}"
			" -{00:15.1 00:16.3 00:16.4 01:01.0}");
	hidden(t, "00:14.5", IOK_VISIBLE);
	hidden(t, "00:15.1", IOK_HIDDEN_NOT_MULTIFUNCTION);
	hidden(t, "00:16.3", IOK_HIDDEN_NO_FUNCTION0);
	hidden(t, "00:16.4", IOK_HIDDEN_NO_FUNCTION0);
	hidden(t, "01:01.0", IOK_HIDDEN_BELOW_PORT);
	iok_topo_unref(t);
}

/* spec groups 2.1: what sits below a bridge Linux does not see is hidden. */
static void acs21_hidden_parent(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", 'subordinate': '02', " FULL) ","
		"{'bdf': '01:02.0', 'id': '104c:8240', 'pcie': 'pcie_to_pci', 'secondary': '02'},"
		"{'bdf': '02:00.0', 'id': '10ec:8169', 'class': '020000'}]}");

	t_assert_groups(t, "{00:01.0} -{01:02.0 02:00.0}");
	hidden(t, "01:02.0", IOK_HIDDEN_BELOW_PORT);
	hidden(t, "02:00.0", IOK_HIDDEN_PARENT);
	iok_topo_unref(t);
}

/* ARI device below 00:01.0; arguments: forwarding, then 'next' of fn 0, 1, 2, 3, 9. */
#define ARI_FMT "{'schema': 1, 'devices': [" \
	RP("00:01.0", "8086:1901", "01", ", 'ari_forwarding': %s, " FULL) "," \
	"{'bdf': '01:00.0', 'id': '15b3:101d', 'class': '020000', 'pcie': 'endpoint', 'multifunction': true, 'ari': {'next': %d}}," \
	"{'bdf': '01:00.1', 'id': '15b3:101d', 'class': '020000', 'pcie': 'endpoint', 'ari': {'next': %d}}," \
	"{'bdf': '01:00.2', 'id': '15b3:101d', 'class': '020000', 'pcie': 'endpoint', 'ari': {'next': %d}}," \
	"{'bdf': '01:00.3', 'id': '15b3:101d', 'class': '020000', 'pcie': 'endpoint', 'ari': {'next': %d}}," \
	"{'bdf': '01:01.1', 'id': '15b3:101d', 'class': '020000', 'pcie': 'endpoint', 'ari': {'next': %d}}]}"

/* spec groups 2.1: with ARI forwarding the ARI chain decides. */
static void acs21_ari_chain(void **state)
{
	struct iok_topo *t;

	/* 0 → 2 → 9 (01:01.1): 1 and 3 are not in the chain. */
	t = t_loadf(*state, ARI_FMT, "true", 2, 0, 9, 0, 0);
	t_assert_groups(t, "{00:01.0} {01:00.0 01:00.2} {01:01.1} -{01:00.1 01:00.3}");
	hidden(t, "01:00.1", IOK_HIDDEN_NOT_IN_ARI_CHAIN);
	hidden(t, "01:01.1", IOK_VISIBLE);
	assert_true(iok_dev_is_multifunction(t_dev(t, "01:01.1")));
	iok_topo_unref(t);

	/* Without forwarding: a normal scan of device 0 only. */
	t = t_loadf(*state, ARI_FMT, "false", 2, 0, 9, 0, 0);
	t_assert_groups(t, "{00:01.0} {01:00.0 01:00.1 01:00.2 01:00.3} -{01:01.1}");
	hidden(t, "01:01.1", IOK_HIDDEN_BELOW_PORT);
	iok_topo_unref(t);
}

/*
 * spec groups 2.1: the ARI chain only goes forward. Linux stops when the
 * next function number is not above the current one (next_ari_fn()), so
 * 0 → 3 → 2 → 9 ends at 3. The spec only says "the next function comes
 * from the ARI chain"; the kernel's guard decides.
 */
static void acs21_ari_chain_goes_forward(void **state)
{
	struct iok_topo *t = t_loadf(*state, ARI_FMT, "true", 3, 0, 9, 2, 0);

	t_assert_groups(t, "{00:01.0} {01:00.0 01:00.3} -{01:00.1 01:00.2 01:01.1}");
	hidden(t, "01:00.2", IOK_HIDDEN_NOT_IN_ARI_CHAIN);
	iok_topo_unref(t);
}

/* ---- spec groups 5: DMA aliases -------------------------------------------- */

static void expect_aliases(struct iok_topo *t, const char *bdf, const uint8_t *yes,
			   unsigned int nyes, const uint8_t *no, unsigned int nno)
{
	struct iok_dev *d = t_dev(t, bdf);
	unsigned int i;

	for (i = 0; i < nyes; i++)
		if (!iok_dev_has_dma_alias(d, yes[i]))
			fail_msg("%s: devfn 0x%02x should be a DMA alias", bdf, yes[i]);
	for (i = 0; i < nno; i++)
		if (iok_dev_has_dma_alias(d, no[i]))
			fail_msg("%s: devfn 0x%02x should not be a DMA alias", bdf, no[i]);
}

#define YES(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })
#define NO(...) YES(__VA_ARGS__)

/* spec groups 5.3: func0, func1, Adaptec, MIC, VCA and PLX header quirks. */
static void acs53_alias_quirks(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:02.0', 'id': '1180:e476', 'class': '060700', 'multifunction': true},"
		"{'bdf': '00:02.3', 'id': '1180:e832', 'class': '0c0010'},"
		"{'bdf': '00:03.0', 'id': '6766:3d40', 'class': '030000', 'multifunction': true},"
		"{'bdf': '00:03.1', 'id': '6766:3d41', 'class': '040300'},"
		"{'bdf': '00:04.0', 'id': '1b4b:9230', 'class': '010601'},"
		"{'bdf': '00:05.0', 'id': '1b4b:9215', 'class': '010601', 'multifunction': true},"
		"{'bdf': '00:05.1', 'id': '1b4b:9215', 'class': '010185'},"
		"{'bdf': '00:06.0', 'id': '1103:0642', 'class': '010400'},"
		"{'bdf': '00:07.0', 'id': '197b:2392', 'class': '080501'},"
		"{'bdf': '00:08.0', 'id': '1c28:0122', 'class': '010601'},"
		"{'bdf': '00:09.0', 'id': '9005:0285', 'subsystem': '9005:02bb', 'class': '010400'},"
		"{'bdf': '00:0a.0', 'id': '9005:0285', 'subsystem': '9005:0290', 'class': '010400'},"
		"{'bdf': '00:0b.0', 'id': '8086:2264', 'class': '0b4000'},"
		"{'bdf': '00:0c.0', 'id': '8086:2956', 'class': '0b4000'},"
		"{'bdf': '00:0d.0', 'id': '10b5:87b1', 'class': '068000'}]}");

	/* func0: Ricoh at fn3 aliases fn0; at fn0 nothing is added. */
	expect_aliases(t, "00:02.3", YES(0x10), NO(0x11, 0x13));
	expect_aliases(t, "00:02.0", NULL, 0, NO(0x10, 0x11));
	expect_aliases(t, "00:03.1", YES(0x18), NO(0x19));
	expect_aliases(t, "00:03.0", NULL, 0, NO(0x18, 0x19));
	/* func1: fn0 aliases the (often ghost) fn1; fn1 itself adds nothing. */
	expect_aliases(t, "00:04.0", YES(0x21), NO(0x20, 0x22));
	expect_aliases(t, "00:05.0", YES(0x29), NO(0x28));
	expect_aliases(t, "00:05.1", NULL, 0, NO(0x28, 0x29));
	expect_aliases(t, "00:06.0", YES(0x31), NO(0x30));
	expect_aliases(t, "00:07.0", YES(0x39), NO(0x38));
	expect_aliases(t, "00:08.0", YES(0x41), NO(0x40));
	/* Adaptec 3405 only with its subsystem ID: devfn 01.0. */
	expect_aliases(t, "00:09.0", YES(0x08), NO(0x48, 0x49));
	expect_aliases(t, "00:0a.0", NULL, 0, NO(0x08));
	/* MIC x200: 10.0, 11.0, 12.3. */
	expect_aliases(t, "00:0b.0", YES(0x80, 0x88, 0x93), NO(0x58, 0x81, 0x90, 0x92));
	/* VCA: functions 0-4 of every slot. */
	expect_aliases(t, "00:0c.0", YES(0x00, 0x04, 0x60, 0xfc), NO(0x05, 0x07, 0xfd, 0xff));
	/* PLX NTB: all 256. */
	expect_aliases(t, "00:0d.0", YES(0x00, 0x68, 0xff), NULL, 0);
	iok_topo_unref(t);
}

/* spec groups 5.3 + 6.2: an alias partner joins even an isolated device. */
static void acs53_alias_joins_groups(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:09.0', 'id': '9005:0285', 'subsystem': '9005:02bc', 'class': '010400'},"
		"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '01', " FULL "},"
		"{'bdf': '00:0b.0', 'id': '8086:2260', 'class': '0b4000'},"
		"{'bdf': '00:10.0', 'id': '8086:9a11', 'class': '088000'},"
		"{'bdf': '00:12.0', 'id': '8086:9a12', 'class': '088000', 'multifunction': true},"
		"{'bdf': '00:12.3', 'id': '8086:9a12', 'class': '088000'},"
		"{'bdf': '00:11.0', 'id': '8086:9a13', 'class': '088000'}]}");
	/* 12.0 is not an alias, but a non-isolated sibling of one (spec groups 6.2). */
	struct iok_grouping *g = t_groups(t, "{00:01.0 00:09.0} {00:0b.0 00:10.0 00:11.0 00:12.0 00:12.3}");

	/* The root port was probed first; the Adaptec finds it through its alias. */
	t_first_step(g, t, "00:09.0", IOK_JOIN_DMA_ALIAS, "00:01.0");
	t_verdict(g, t, "00:01.0", true, IOK_ACS_RULE_PORT, NULL, REQ, 0);
	t_first_step(g, t, "00:10.0", IOK_JOIN_DMA_ALIAS, "00:0b.0");
	t_first_step(g, t, "00:12.0", IOK_JOIN_SIBLING, "00:12.3");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/*
 * spec groups 5.1: BRIDGE_XLATE_ROOT (ThunderX2 14e4:9084) stops the alias
 * walk but not the ACS climb. The bridge is a PCIe-to-PCI bridge that the
 * out-of-tree override (spec groups 10, id:) makes ACS-isolated, so only
 * the alias walk could merge what lies below it.
 */
static void acs51_xlate_root(void **state)
{
	static const char json[] = "{'schema': 1, 'platform': {'iommu': 'arm', 'cmdline': '%s'}, 'devices': ["
		"{'bdf': '00:00.0', 'id': '%s', 'pcie': 'pcie_to_pci', 'secondary': '01', 'subordinate': '02'},"
		"{'bdf': '01:00.0', 'id': '177d:af84', 'pcie': 'root_port', 'secondary': '02'},"
		"{'bdf': '02:00.0', 'id': '14e4:16d8', 'class': '020000', 'pcie': 'endpoint'}]}";
	struct iok_topo *t;
	struct iok_grouping *g;

	t = t_loadf(*state, json, "pcie_acs_override=id:14e4:9084", "14e4:9084");
	g = t_groups(t, "{00:00.0} {01:00.0} {02:00.0}");
	t_verdict(g, t, "00:00.0", true, IOK_ACS_RULE_OVERRIDE, NULL, T_ANYBITS, T_ANYBITS);
	assert_true(t_dev(t, "00:00.0")->flag_xlate_root);
	iok_grouping_unref(g);
	iok_topo_unref(t);

	/* The same with an ordinary PCIe-to-PCI bridge: its alias takes all. */
	t = t_loadf(*state, json, "pcie_acs_override=id:10b5:8112", "10b5:8112");
	g = t_groups(t, "{00:00.0 01:00.0 02:00.0}");
	assert_false(t_dev(t, "00:00.0")->flag_xlate_root);
	t_first_step(g, t, "02:00.0", IOK_JOIN_ALIAS_BRIDGE, "00:00.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);

	/* Without the override the climb still stops at the bridge's group. */
	t = t_loadf(*state, json, "", "14e4:9084");
	g = t_groups(t, "{00:00.0 01:00.0 02:00.0}");
	t_first_step(g, t, "02:00.0", IOK_JOIN_NOT_ISOLATED, "01:00.0");
	t_first_step(g, t, "01:00.0", IOK_JOIN_NOT_ISOLATED, "00:00.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 5.1 + 6.3 rule 2: the nearest aliasing bridge, not ACS, decides. */
static void acs51_alias_walk_bridge_types(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", 'subordinate': '04', " FULL) ","
		"{'bdf': '01:00.0', 'id': '104c:8240', 'pcie': 'pcie_to_pci', 'secondary': '02', 'subordinate': '04'},"
		"{'bdf': '02:01.0', 'id': '3388:0021', 'secondary': '03', 'subordinate': '04'},"
		"{'bdf': '03:02.0', 'id': '10ec:8169', 'class': '020000'},"
		"{'bdf': '03:03.0', 'id': '10b5:8114', 'pcie': 'pci_to_pcie', 'pcix_266': true, 'secondary': '04'},"
		"{'bdf': '04:00.0', 'id': '8086:1539', 'class': '020000', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0 02:01.0 03:02.0 03:03.0 04:00.0}");

	/* Each device stops at the first aliasing bridge with a group. */
	t_first_step(g, t, "04:00.0", IOK_JOIN_ALIAS_BRIDGE, "03:03.0");
	t_first_step(g, t, "03:02.0", IOK_JOIN_ALIAS_BRIDGE, "02:01.0");
	t_first_step(g, t, "02:01.0", IOK_JOIN_ALIAS_BRIDGE, "01:00.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 5.2: PCIE_BRIDGE_ALIAS needs all four conditions. */
static void acs52_pcie_bridge_alias_flag(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", 'subordinate': '03', " FULL) ","
		"{'bdf': '01:00.0', 'id': '1b21:1080', 'secondary': '02', 'subordinate': '03'},"
		"{'bdf': '02:00.0', 'id': '10e3:8113', 'secondary': '03'},"
		"{'bdf': '00:1e.0', 'id': '8086:244e', 'class': '060401', 'secondary': '04'},"
		RP("00:02.0", "8086:1905", "05", ", 'subordinate': '07', " FULL) ","
		"{'bdf': '05:00.0', 'id': '104c:8240', 'pcie': 'pcie_to_pci', 'secondary': '06', 'subordinate': '07'},"
		"{'bdf': '06:00.0', 'id': '1283:8892', 'secondary': '07'},"
		RP("00:03.0", "8086:1909", "08", ", 'subordinate': '09', " FULL) ","
		"{'bdf': '08:00.0', 'id': '1b21:1080', 'pcie': 'pcie_to_pci', 'secondary': '09'},"
		RP("00:04.0", "8086:1909", "0a", ", " FULL) ","
		"{'bdf': '0a:00.0', 'id': '1283:8893', 'class': '060400', 'header': 'normal'},"
		RP("00:05.0", "8086:1909", "0b", ", 'subordinate': '0c', " FULL) ","
		"{'bdf': '0b:00.0', 'id': '1283:8893', 'secondary': '0c'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0 02:00.0} {00:1e.0} {00:02.0}"
					  " {05:00.0 06:00.0} {00:03.0} {08:00.0} {00:04.0} {0a:00.0}"
					  " {00:05.0} {0b:00.0}");

	assert_true(t_dev(t, "01:00.0")->flag_pcie_bridge_alias);
	assert_true(t_dev(t, "0b:00.0")->flag_pcie_bridge_alias);
	/* Parent not PCIe. */
	assert_false(t_dev(t, "02:00.0")->flag_pcie_bridge_alias);
	/* On a root bus. */
	assert_false(t_dev(t, "00:1e.0")->flag_pcie_bridge_alias);
	/* Parent is a PCIe-to-PCI bridge. */
	assert_false(t_dev(t, "06:00.0")->flag_pcie_bridge_alias);
	/* Has a PCIe capability. */
	assert_false(t_dev(t, "08:00.0")->flag_pcie_bridge_alias);
	/* Not a type-1 header. */
	assert_false(t_dev(t, "0a:00.0")->flag_pcie_bridge_alias);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- spec groups 6.3 rule 1: VMD --------------------------------------------- */

/* spec groups 6.3 rule 1 + 10: VMD children join the VMD group, override or not. */
static void acs63_vmd_rule(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'cmdline':"
		" 'pcie_acs_override=downstream,multifunction'}, 'devices': ["
		"{'bdf': '00:0e.0', 'id': '8086:467f', 'class': '010400'},"
		"{'bdf': '10000:e0:06.0', 'id': '8086:464d', 'pcie': 'root_port', 'secondary': 'e1'},"
		"{'bdf': '10000:e1:00.0', 'id': '144d:a80a', 'class': '010802', 'pcie': 'endpoint', 'multifunction': true},"
		"{'bdf': '10000:e1:00.1', 'id': '144d:a80a', 'class': '010802', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:0e.0 10000:e0:06.0 10000:e1:00.0 10000:e1:00.1}");

	t_verdict(g, t, "10000:e0:06.0", true, IOK_ACS_RULE_OVERRIDE, NULL, T_ANYBITS, T_ANYBITS);
	t_first_step(g, t, "10000:e1:00.1", IOK_JOIN_VMD, "00:0e.0");
	assert_int_equal(iok_grouping_count(g), 1);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- spec groups 10: pcie_acs_override= ------------------------------------- */

#define OVR_FMT "{'schema': 1, 'platform': {'cmdline': 'pcie_acs_override=%s'}, 'devices': [" \
	RP("00:1c.0", "8086:a338", "01", ", 'multifunction': true, 'subordinate': '03'") "," \
	RP("00:1c.4", "8086:a33c", "04", ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': 'RR'}") "," \
	"{'bdf': '01:00.0', 'id': '1b21:2824', 'pcie': 'upstream', 'multifunction': true, 'secondary': '02', 'subordinate': '03'}," \
	"{'bdf': '02:00.0', 'id': '1b21:2824', 'pcie': 'downstream', 'secondary': '03'}," \
	"{'bdf': '03:00.0', 'id': '10de:1b80', 'class': '030000', 'pcie': 'endpoint', 'multifunction': true}," \
	"{'bdf': '03:00.1', 'id': '10de:10f0', 'class': '040300', 'pcie': 'endpoint'}," \
	NVME("04:00.0") "," \
	"{'bdf': '00:1f.0', 'id': '8086:a305', 'class': '060100', 'multifunction': true}," \
	"{'bdf': '00:1f.3', 'id': '8086:a348', 'class': '040380'}]}"

/*
 * spec groups 10: downstream: root and downstream ports without an ACS
 * capability count as isolated; conventional PCI and multifunction
 * upstream ports are not affected.
 */
static void acs10_override_downstream(void **state)
{
	struct iok_topo *t = t_loadf(*state, OVR_FMT, "downstream");
	struct iok_grouping *g = t_groups(t, "{00:1c.0} {00:1c.4} {01:00.0 02:00.0 03:00.0 03:00.1}"
					  " {04:00.0} {00:1f.0 00:1f.3}");

	t_verdict(g, t, "00:1c.0", true, IOK_ACS_RULE_OVERRIDE, "pcie_acs_override", T_ANYBITS, T_ANYBITS);
	t_verdict(g, t, "02:00.0", true, IOK_ACS_RULE_OVERRIDE, "pcie_acs_override", T_ANYBITS, T_ANYBITS);
	t_verdict(g, t, "01:00.0", false, IOK_ACS_RULE_MULTIFUNCTION, NULL, REQ, REQ);
	t_verdict(g, t, "00:1f.0", false, IOK_ACS_RULE_NOT_PCIE, NULL, T_ANYBITS, T_ANYBITS);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 10: multifunction: EP/LEG_END/RC_END/USP that are multifunction. */
static void acs10_override_multifunction(void **state)
{
	struct iok_topo *t = t_loadf(*state, OVR_FMT, "multifunction");
	struct iok_grouping *g = t_groups(t, "{00:1c.0 01:00.0 02:00.0 03:00.0 03:00.1}"
					  " {00:1c.4} {04:00.0} {00:1f.0 00:1f.3}");

	t_verdict(g, t, "01:00.0", true, IOK_ACS_RULE_OVERRIDE, NULL, T_ANYBITS, T_ANYBITS);
	t_verdict(g, t, "03:00.1", true, IOK_ACS_RULE_OVERRIDE, NULL, T_ANYBITS, T_ANYBITS);
	t_verdict(g, t, "00:1c.0", false, IOK_ACS_RULE_PORT, NULL, REQ, REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);

	t = t_loadf(*state, OVR_FMT, "downstream,multifunction");
	t_assert_groups(t, "{00:1c.0} {00:1c.4} {01:00.0} {02:00.0} {03:00.0} {03:00.1} {04:00.0}"
			" {00:1f.0 00:1f.3}");
	iok_topo_unref(t);
}

/* spec groups 10: id:vvvv:dddd counts whatever the type; ACS caps still win. */
static void acs10_override_ids(void **state)
{
	struct iok_topo *t = t_loadf(*state, OVR_FMT,
				  "id:8086:a338,id:1b21:2824,id:10de:10f0,id:8086:a33c,id:8086:a305");
	struct iok_grouping *g = t_groups(t, "{00:1c.0} {00:1c.4} {01:00.0} {02:00.0} {03:00.0}"
					  " {03:00.1} {04:00.0} {00:1f.0 00:1f.3}");

	/* Ports and upstream ports, multifunction or not: any type counts. */
	t_verdict(g, t, "01:00.0", true, IOK_ACS_RULE_OVERRIDE, NULL, T_ANYBITS, T_ANYBITS);
	t_verdict(g, t, "03:00.0", false, IOK_ACS_RULE_MULTIFUNCTION, NULL, REQ, REQ);
	t_verdict(g, t, "00:1f.0", false, IOK_ACS_RULE_NOT_PCIE, NULL, T_ANYBITS, T_ANYBITS);

	t_verdict(g, t, "03:00.1", true, IOK_ACS_RULE_OVERRIDE, NULL, T_ANYBITS, T_ANYBITS);
	/* 00:1c.4 is isolated by its (enabled) capability, not the override. */
	t_verdict(g, t, "00:1c.4", true, IOK_ACS_RULE_PORT, NULL, REQ, 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 10: a port whose ACS capability is not enabled is skipped. */
static void acs10_override_skips_ports_with_acs(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'acs': 'final',"
		" 'cmdline': 'pcie_acs_override=downstream,id:8086:1905'}, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': ''}") ","
		RP("00:02.0", "8086:1905", "02", ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': 'SV'}") ","
		NVME("01:00.0") "," NVME("02:00.0") "]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0 01:00.0} {00:02.0 02:00.0}");

	t_verdict(g, t, "00:01.0", false, IOK_ACS_RULE_PORT, NULL, REQ, REQ);
	t_verdict(g, t, "00:02.0", false, IOK_ACS_RULE_PORT, NULL, REQ, 0x1c);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 10: earlier vendor entries with a verdict win over the override. */
static void acs10_override_after_vendor_verdicts(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'cmdline':"
		" 'pcie_acs_override=downstream,multifunction'}, 'devices': ["
		RP("00:01.0", "1d17:0760", "01", "") "," NVME("01:00.0") ","
		RP("00:1c.0", "8086:1e10", "02", "") "," NVME("02:00.0") ","
		"{'bdf': '00:1f.0', 'id': '8086:1e44', 'class': '060100', 'config': {'0xf0': '0x00'}},"
		RP("00:02.0", "8086:1905", "03", "") ","
		"{'bdf': '03:00.0', 'id': '8088:0200', 'class': '020000', 'pcie': 'endpoint', 'multifunction': true},"
		"{'bdf': '03:00.1', 'id': '8088:0200', 'class': '020000', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0 01:00.0} {00:1c.0 02:00.0} {00:1f.0}"
					  " {00:02.0} {03:00.0 03:00.1}");

	quirk(g, t, "00:01.0", "zhaoxin_ports", false);
	quirk(g, t, "00:1c.0", "intel_pch", false);
	quirk(g, t, "03:00.1", "wangxun_nic", false);
	t_verdict(g, t, "00:02.0", true, IOK_ACS_RULE_OVERRIDE, NULL, T_ANYBITS, T_ANYBITS);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 10: aliases (bridges, quirks) are not affected. */
static void acs10_override_keeps_aliases(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'cmdline':"
		" 'pcie_acs_override=downstream,multifunction'}, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", 'subordinate': '02'") ","
		"{'bdf': '01:00.0', 'id': '104c:8240', 'pcie': 'pcie_to_pci', 'secondary': '02'},"
		"{'bdf': '02:00.0', 'id': '10ec:8169', 'class': '020000'},"
		"{'bdf': '02:01.0', 'id': '1106:3038', 'class': '0c0300'},"
		RP("00:02.0", "8086:1905", "03", "") ","
		"{'bdf': '03:00.0', 'id': '1b4b:9128', 'class': '010601', 'pcie': 'endpoint', 'multifunction': true},"
		"{'bdf': '03:00.1', 'id': '1b4b:91a4', 'class': '01018f', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0 02:00.0 02:01.0} {00:02.0}"
					  " {03:00.0 03:00.1}");

	t_verdict(g, t, "03:00.1", true, IOK_ACS_RULE_OVERRIDE, NULL, T_ANYBITS, T_ANYBITS);
	t_verdict(g, t, "01:00.0", false, IOK_ACS_RULE_BRIDGE_TYPE, NULL, T_ANYBITS, T_ANYBITS);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- spec groups 7: which devices the IOMMU covers --------------------------- */

/* spec groups 7: every AMD IOMMU function is excluded, nothing else. */
static void acs7_amd_iommu_functions(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'iommu': 'amd'}, 'devices': ["
		"{'bdf': '00:00.0', 'id': '1022:14d8', 'class': '060000', 'multifunction': true},"
		"{'bdf': '00:00.2', 'id': '1022:14d9', 'class': '080600'},"
		"{'bdf': '40:00.0', 'id': '1022:14d8', 'class': '060000', 'multifunction': true},"
		"{'bdf': '40:00.2', 'id': '1022:14d9', 'class': '080600'},"
		"{'bdf': '00:14.0', 'id': '1022:790b', 'class': '0c0500', 'multifunction': true},"
		"{'bdf': '00:14.3', 'id': '1022:790e', 'class': '060100'}]}");
	struct iok_grouping *g = t_groups(t, "{00:00.0} {40:00.0} {00:14.0 00:14.3} -{00:00.2 40:00.2}");

	t_first_step(g, t, "40:00.2", IOK_JOIN_NO_IOMMU, "40:00.2");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 7: a device no DMAR unit covers gets no group. */
static void acs7_outside_unit_scope(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'units': ["
		"{'name': 'dmar0', 'scope': ['0000:00:02.0']}, {'name': 'dmar1', 'scope': ['0000:00:01.0']}]},"
		" 'devices': ["
		"{'bdf': '00:00.0', 'id': '8086:9a14', 'class': '060000'},"
		"{'bdf': '00:02.0', 'id': '8086:9a49', 'class': '030000'},"
		RP("00:01.0", "8086:9a09", "01", ", " FULL) "," NVME("01:00.0") "]}");

	t_assert_groups(t, "{00:02.0} {00:01.0} {01:00.0} -{00:00.0}");
	iok_topo_unref(t);
}

/*
 * spec groups 7 (Intel: "VFs aren't listed in scope tables"; the PF's unit
 * translates them) and 5.1 (a VMD child is looked up as its VMD endpoint).
 */
static void acs7_vf_and_vmd_use_their_owner_unit(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'units': ["
		"{'name': 'dmar0', 'scope': ['0000:00:02.0']}, {'name': 'dmar1', 'scope': ['0000:00:0e.0']}]},"
		" 'devices': ["
		"{'bdf': '00:02.0', 'id': '8086:a7a0', 'class': '030000', 'pcie': 'rc_endpoint',"
		" 'sriov': {'num_vfs': 2, 'offset': 1, 'stride': 1, 'vf_device': 'a7a0', 'enabled': true}},"
		"{'bdf': '00:0e.0', 'id': '8086:a77f', 'class': '010400'},"
		"{'bdf': '10000:e0:06.0', 'id': '8086:a74d', 'pcie': 'root_port', 'secondary': 'e1'},"
		"{'bdf': '10000:e1:00.0', 'id': '144d:a80a', 'class': '010802', 'pcie': 'endpoint'}]}");

	t_assert_groups(t, "{00:02.0} {00:02.1} {00:02.2} {00:0e.0 10000:e0:06.0 10000:e1:00.0}");
	iok_topo_unref(t);
}

/* ---- spec groups 8: numbering ------------------------------------------------ */

#define UNITS_FMT "{'schema': 1, 'platform': {'iommu': '%s', 'units': [%s]}, 'devices': [" \
	"{'bdf': '00:00.0', 'id': '8086:9a14', 'class': '060000'}," \
	"{'bdf': '00:02.0', 'id': '8086:9a49', 'class': '030000'}," \
	"{'bdf': '00:03.0', 'id': '8086:9a12', 'class': '088000'}," \
	RP("00:1d.0", "8086:a0b0", "01", ", " FULL) "," NVME("01:00.0") "]}"

static void expect_ids(struct iok_topo *t, const char *const *order)
{
	struct iok_grouping *g = t_compute(t);
	int i;

	for (i = 0; order[i]; i++)
		if (t_group_id(g, t, order[i]) != i)
			fail_msg("%s: group %d, expected %d", order[i], t_group_id(g, t, order[i]), i);
	iok_grouping_unref(g);
}

/* spec groups 8: Intel puts scoped units at the head, reversed; INCLUDE_ALL last. */
static void acs8_intel_unit_order(void **state)
{
	struct iok_topo *t;

	t = t_loadf(*state, UNITS_FMT, "intel", "{'name': 'dmar1', 'include_all': true},"
		 " {'name': 'dmar0', 'scope': ['0000:00:02.0']}");
	expect_ids(t, (const char *const[]){ "00:02.0", "00:00.0", "00:03.0", "00:1d.0",
					      "01:00.0", NULL });
	iok_topo_unref(t);

	t = t_loadf(*state, UNITS_FMT, "intel", "{'name': 'dmar0', 'scope': ['0000:00:02.0']},"
		 " {'name': 'dmar1', 'scope': ['0000:00:1d.0']}, {'name': 'dmar2', 'include_all': true}");
	expect_ids(t, (const char *const[]){ "00:1d.0", "01:00.0", "00:02.0", "00:00.0",
					      "00:03.0", NULL });
	iok_topo_unref(t);

	/* Overlapping scopes: the unit nearer the list head (later in the table) wins. */
	t = t_loadf(*state, UNITS_FMT, "intel", "{'name': 'dmar0', 'scope': ['0000:00:1d.0']},"
		 " {'name': 'dmar1', 'scope': ['0000:01:00.0']}, {'name': 'dmar2', 'include_all': true}");
	expect_ids(t, (const char *const[]){ "01:00.0", "00:1d.0", "00:00.0", "00:02.0",
					      "00:03.0", NULL });
	iok_topo_unref(t);
}

/* spec groups 8: AMD registers IVHD units in table order. */
static void acs8_amd_unit_order(void **state)
{
	struct iok_topo *t = t_loadf(*state, UNITS_FMT, "amd", "{'name': 'ivhd0', 'scope': ['0000:00:02.0']},"
		 " {'name': 'ivhd1', 'scope': ['0000:00:1d.0']}, {'name': 'ivhd2', 'include_all': true}");

	expect_ids(t, (const char *const[]){ "00:02.0", "00:1d.0", "01:00.0", "00:00.0",
					      "00:03.0", NULL });
	iok_topo_unref(t);
}

/* spec groups 8: Intel ACPI namespace devices come after all PCI devices. */
static void acs8_platform_devices_order(void **state)
{
	static const char json[] = "{'schema': 1, 'platform': {'iommu': '%s'},"
		" 'platform_devices': ['%s'], 'devices': ["
		"{'bdf': '00:00.0', 'id': '%s', 'class': '060000'},"
		"{'bdf': '00:02.0', 'id': '%s', 'class': '030000'}]}";
	struct iok_topo *t;

	t = t_loadf(*state, json, "intel", "INT33C2:00", "8086:0a04", "8086:0a16");
	expect_ids(t, (const char *const[]){ "00:00.0", "00:02.0", "INT33C2:00", NULL });
	iok_topo_unref(t);

	/* AMD ACPI-HID devices come first in their unit. */
	t = t_loadf(*state, json, "amd", "AMDI0020:00", "1022:1480", "1002:731f");
	expect_ids(t, (const char *const[]){ "AMDI0020:00", "00:00.0", "00:02.0", NULL });
	iok_topo_unref(t);
}

/* spec groups 8: late devices (VFs) are numbered after every boot device. */
static void acs8_late_devices_last(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'units': ["
		"{'name': 'dmar0', 'scope': ['0000:00:02.0']}, {'name': 'dmar1', 'include_all': true}]},"
		" 'devices': ["
		"{'bdf': '00:00.0', 'id': '8086:4650', 'class': '060000'},"
		"{'bdf': '00:02.0', 'id': '8086:4680', 'class': '030000', 'pcie': 'rc_endpoint',"
		" 'sriov': {'num_vfs': 2, 'offset': 1, 'stride': 1, 'vf_device': '4680', 'enabled': true}},"
		"{'bdf': '00:14.0', 'id': '8086:7ae0', 'class': '0c0330'}]}");

	expect_ids(t, (const char *const[]){ "00:02.0", "00:00.0", "00:14.0", "00:02.1",
					      "00:02.2", NULL });
	iok_topo_unref(t);
}

/* ---- uncertainty --------------------------------------------------------------- */

/* A 256-byte dump of a PCIe root port: ACS not captured, group uncertain. */
static void uncertain_port_without_extended_space(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		RP("00:01.0", "8086:1901", "01", ", 'config_size': 256") "," NVME("01:00.0") ","
		RP("00:02.0", "8086:1905", "02", ", " FULL) "," NVME("02:00.0") "]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0 01:00.0} {00:02.0} {02:00.0}");
	struct iok_acs_verdict v = get_verdict(g, t, "00:01.0");

	assert_int_equal(iok_dev_get_acs_state(t_dev(t, "00:01.0")), IOK_ACS_NOT_CAPTURED);
	assert_int_equal(iok_dev_get_acs_state(t_dev(t, "00:02.0")), IOK_ACS_PRESENT);
	assert_true(v.uncertain);
	assert_false(v.isolated);
	assert_true(iok_group_is_uncertain(iok_dev_get_group(g, t_dev(t, "01:00.0"))));
	assert_false(iok_group_is_uncertain(iok_dev_get_group(g, t_dev(t, "02:00.0"))));
	assert_false(iok_group_is_uncertain(iok_dev_get_group(g, t_dev(t, "00:02.0"))));
	assert_false(get_verdict(g, t, "00:02.0").uncertain);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

#define T(f) cmocka_unit_test_setup_teardown(f, t_setup_ctx, t_teardown_ctx)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(acs41_missing_cap_bit_not_required),
		T(acs41_cap_zero_isolated),
		T(acs41_ec_not_requested),
		T(acs41_absent_or_partial),
		T(acs42_bridge_types_never_isolated),
		T(acs42_reserved_types_isolated),
		T(acs42_endpoints_single_vs_multi),
		T(acs42_ports_and_conventional),
		T(acs42_single_function_usp),
		T(acs43_path_climbs_to_root),
		T(acs45_amd_sb),
		T(acs45_amd_sb_without_ivrs),
		T(acs45_mf_endpoint),
		T(acs45_intel_rciep),
		T(acs45_unconditional_yes),
		T(acs45_qcom_70_ids),
		T(acs45_intel_pch_rcba_on),
		T(acs45_intel_pch_rcba_off),
		T(acs45_intel_pch_no_lpc),
		T(acs45_intel_pch_root_ports_only),
		T(acs45_intel_spt_dword_layout),
		T(acs45_intel_spt_enabling),
		T(acs45_cavium),
		T(acs45_al),
		T(acs45_zhaoxin_ports),
		T(acs45_zhaoxin_downstream),
		T(acs45_wangxun),
		T(acs3_enabling_ors_cap_bits),
		T(acs3_final_leaves_control),
		T(acs3_no_request_no_enabling),
		T(acs3_translation_blocking),
		T(acs3_disable_acs_redir_paths),
		T(acs3_disable_acs_redir_ids),
		T(acs3_disable_acs_redir_rebuilds_from_firmware),
		T(acs3_config_acs_flags),
		T(acs3_config_acs_after_redir),
		T(acs3_config_acs_first_match),
		T(acs3_idt_sv_removal),
		T(acs12_port_type_correction),
		T(acs12_port_type_correction_before_614),
		T(acs22_multifunction_flag),
		T(acs21_device_zero_below_ports),
		T(acs21_functions_of_a_slot),
		T(acs21_hidden_parent),
		T(acs21_ari_chain),
		T(acs21_ari_chain_goes_forward),
		T(acs53_alias_quirks),
		T(acs53_alias_joins_groups),
		T(acs51_xlate_root),
		T(acs51_alias_walk_bridge_types),
		T(acs52_pcie_bridge_alias_flag),
		T(acs63_vmd_rule),
		T(acs10_override_downstream),
		T(acs10_override_multifunction),
		T(acs10_override_ids),
		T(acs10_override_skips_ports_with_acs),
		T(acs10_override_after_vendor_verdicts),
		T(acs10_override_keeps_aliases),
		T(acs7_amd_iommu_functions),
		T(acs7_outside_unit_scope),
		T(acs7_vf_and_vmd_use_their_owner_unit),
		T(acs8_intel_unit_order),
		T(acs8_amd_unit_order),
		T(acs8_platform_devices_order),
		T(acs8_late_devices_last),
		T(uncertain_port_without_extended_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
