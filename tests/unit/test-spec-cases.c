// SPDX-License-Identifier: MIT
/*
 * The 40 test cases of spec groups section 13, each as a JSON topology and
 * the partition Linux produces, plus the variants the table mentions.
 *
 * Unless a case says otherwise the machine is Intel VT-d, Linux 6.19, ACS
 * Control as firmware left it (so Linux's enabling of spec groups 3 runs).
 * "ACS-full" is a Capability register of SV RR CR UF with Control left 0
 * by firmware: the kernel enables the four bits.
 *
 * JSON is written with single quotes to stay readable; t_loadf() turns them
 * into double quotes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* ---- helpers ----------------------------------------------------------- */


#define FULL "'acs': {'cap': 'SV RR CR UF', 'ctrl': ''}"
#define REQ (0x01 | 0x04 | 0x08 | 0x10)

/* ---- #1, #2: root port above a GPU with its audio function -------------- */

#define GPU_FMT "{'schema': 1, 'devices': [" \
	"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '01'%s}," \
	"{'bdf': '01:00.0', 'id': '10de:1b80', 'class': '030000', 'pcie': 'endpoint', 'multifunction': true}," \
	"{'bdf': '01:00.1', 'id': '10de:10f0', 'class': '040300', 'pcie': 'endpoint'}]}"

/* spec groups 13 #1: ACS root port, GPU + HDA without ACS share a group. */
static void spec13_01_gpu_hda_below_acs_port(void **state)
{
	struct iok_topo *t = t_loadf(*state, GPU_FMT, ", " FULL);
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0 01:00.1}");

	t_verdict(g, t, "00:01.0", true, IOK_ACS_RULE_PORT, NULL, REQ, 0);
	t_verdict(g, t, "01:00.0", false, IOK_ACS_RULE_MULTIFUNCTION, NULL, REQ, REQ);
	t_first_step(g, t, "01:00.1", IOK_JOIN_SIBLING, "01:00.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #2: the same root port without ACS takes everything. */
static void spec13_02_port_without_acs(void **state)
{
	struct iok_topo *t = t_loadf(*state, GPU_FMT, "");
	struct iok_grouping *g = t_groups(t, "{00:01.0 01:00.0 01:00.1}");

	t_verdict(g, t, "00:01.0", false, IOK_ACS_RULE_PORT, NULL, REQ, REQ);
	t_first_step(g, t, "01:00.0", IOK_JOIN_NOT_ISOLATED, "00:01.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- #3, #4, #5: multifunction PCH root-port slot ----------------------- */

/* Root ports 00:1c.0/.2/.4 (IDs as arguments), a device below each, an LPC. */
#define PCH_FMT "{'schema': 1, 'platform': {%s}, 'devices': [" \
	"{'bdf': '00:1c.0', 'id': '%s', 'pcie': 'root_port', 'multifunction': true, 'secondary': '01'%s}," \
	"{'bdf': '00:1c.2', 'id': '%s', 'pcie': 'root_port', 'secondary': '02'%s}," \
	"{'bdf': '00:1c.4', 'id': '%s', 'pcie': 'root_port', 'secondary': '03'%s}," \
	"{'bdf': '00:1f.0', 'id': '%s', 'class': '060100'%s}," \
	"{'bdf': '01:00.0', 'id': '8086:2526', 'class': '028000', 'pcie': 'endpoint'}," \
	"{'bdf': '02:00.0', 'id': '8086:1539', 'class': '020000', 'pcie': 'endpoint'}," \
	"{'bdf': '03:00.0', 'id': '144d:a808', 'class': '010802', 'pcie': 'endpoint'}]}"

#define PCH_ONE_GROUP "{00:1c.0 00:1c.2 00:1c.4 01:00.0 02:00.0 03:00.0} {00:1f.0}"
#define PCH_SPLIT "{00:1c.0} {00:1c.2} {00:1c.4} {01:00.0} {02:00.0} {03:00.0} {00:1f.0}"
#define RCBA_ON ", 'config': {'0xf0': '0x01', '0xf1': '0xc0', '0xf2': '0xd1', '0xf3': '0xfe'}"
#define RCBA_OFF ", 'config': {'0xf0': '0x00', '0xf1': '0xc0', '0xf2': '0xd1', '0xf3': '0xfe'}"

/* spec groups 13 #3: non-isolated root ports of one slot: one big group. */
static void spec13_03_pch_ports_unquirked(void **state)
{
	struct iok_topo *t = t_loadf(*state, PCH_FMT, "", "8086:a338", "", "8086:a33a", "",
				  "8086:a33c", "", "8086:a305", "");
	struct iok_grouping *g = t_groups(t, PCH_ONE_GROUP);

	t_verdict(g, t, "00:1c.2", false, IOK_ACS_RULE_PORT, NULL, REQ, REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #4: Cougar Point root ports, RCBA enabled: each isolated. */
static void spec13_04_pch_ports_quirk_rcba_on(void **state)
{
	struct iok_topo *t = t_loadf(*state, PCH_FMT, "", "8086:1c10", "", "8086:1c14", "",
				  "8086:1c18", "", "8086:1c44", RCBA_ON);
	struct iok_grouping *g = t_groups(t, PCH_SPLIT);

	t_verdict(g, t, "00:1c.0", true, IOK_ACS_RULE_QUIRK, "intel_pch", T_ANYBITS, 0);
	t_verdict(g, t, "00:1c.4", true, IOK_ACS_RULE_QUIRK, "intel_pch", T_ANYBITS, 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #4 variant: RCBA bit 0 clear → same as #3. */
static void spec13_04_pch_ports_quirk_rcba_off(void **state)
{
	struct iok_topo *t = t_loadf(*state, PCH_FMT, "", "8086:1c10", "", "8086:1c14", "",
				  "8086:1c18", "", "8086:1c44", RCBA_OFF);
	struct iok_grouping *g = t_groups(t, PCH_ONE_GROUP);

	t_verdict(g, t, "00:1c.0", false, IOK_ACS_RULE_QUIRK, "intel_pch", T_ANYBITS, T_ANYBITS);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/*
 * spec groups 13 #4 variant: ACS not requested → same as #3. The model
 * requests ACS whenever an IOMMU is on, so the only machine without the
 * request is one without IOMMU; there are no groups then, but the verdict
 * still shows the quirk saying "no" (the mark needs the request).
 */
static void spec13_04_pch_ports_quirk_acs_not_requested(void **state)
{
	struct iok_topo *t = t_loadf(*state, PCH_FMT, "'iommu': 'none'", "8086:1c10", "",
				  "8086:1c14", "", "8086:1c18", "", "8086:1c44", RCBA_ON);
	struct iok_grouping *g = t_groups(t, "-{00:1c.0 00:1c.2 00:1c.4 01:00.0 02:00.0 03:00.0 00:1f.0}");

	t_verdict(g, t, "00:1c.0", false, IOK_ACS_RULE_QUIRK, "intel_pch", T_ANYBITS, T_ANYBITS);
	t_verdict(g, t, "00:1c.2", false, IOK_ACS_RULE_QUIRK, "intel_pch", T_ANYBITS, T_ANYBITS);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #5: Zhaoxin ports outside the ID list: "no" despite ACS. */
static void spec13_05_zhaoxin_ports_verdict_no(void **state)
{
	struct iok_topo *t = t_loadf(*state, PCH_FMT, "", "1d17:0760", ", " FULL, "1d17:0760",
				  ", " FULL, "1d17:0760", ", " FULL, "1d17:1001", "");
	struct iok_grouping *g = t_groups(t, PCH_ONE_GROUP);

	t_verdict(g, t, "00:1c.0", false, IOK_ACS_RULE_QUIRK, "zhaoxin_ports", T_ANYBITS, T_ANYBITS);
	t_verdict(g, t, "00:1c.4", false, IOK_ACS_RULE_QUIRK, "zhaoxin_ports", T_ANYBITS, T_ANYBITS);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- #6 .. #9, #30, #38: root port → switch → two endpoints ------------- */

/* Arguments: platform, RP extra, USP extra, DSP 03:00.0 extra, DSP 03:01.0 extra. */
#define SWITCH_FMT "{'schema': 1, 'platform': {%s}, 'devices': [" \
	"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '02', 'subordinate': '05'%s}," \
	"{'bdf': '02:00.0', 'id': '10b5:8747', 'pcie': 'upstream', 'secondary': '03', 'subordinate': '05'%s}," \
	"{'bdf': '03:00.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '04'%s}," \
	"{'bdf': '03:01.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '05'%s}," \
	"{'bdf': '04:00.0', 'id': '144d:a808', 'class': '010802', 'pcie': 'endpoint'}," \
	"{'bdf': '05:00.0', 'id': '8086:f1a8', 'class': '010802', 'pcie': 'endpoint'}]}"

/* spec groups 13 #6: everything isolated: one group per function. */
static void spec13_06_switch_all_acs(void **state)
{
	struct iok_topo *t = t_loadf(*state, SWITCH_FMT, "", ", " FULL, "", ", " FULL, ", " FULL);
	struct iok_grouping *g = t_groups(t, "{00:01.0} {02:00.0} {03:00.0} {03:01.0} {04:00.0} {05:00.0}");

	t_verdict(g, t, "02:00.0", true, IOK_ACS_RULE_SINGLE_FUNCTION, NULL, T_ANYBITS, T_ANYBITS);
	t_verdict(g, t, "03:01.0", true, IOK_ACS_RULE_PORT, NULL, REQ, 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #7: one DSP without ACS takes only its own subtree. */
static void spec13_07_switch_one_dsp_without_acs(void **state)
{
	struct iok_topo *t = t_loadf(*state, SWITCH_FMT, "", ", " FULL, "", ", " FULL, "");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {02:00.0} {03:00.0} {03:01.0 05:00.0} {04:00.0}");

	t_verdict(g, t, "03:01.0", false, IOK_ACS_RULE_PORT, NULL, REQ, REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #8: multifunction USP without ACS takes the whole switch. */
static void spec13_08_switch_multifunction_usp(void **state)
{
	struct iok_topo *t = t_loadf(*state, SWITCH_FMT, "", ", " FULL, ", 'multifunction': true",
				  ", " FULL, ", " FULL);
	struct iok_grouping *g = t_groups(t, "{02:00.0 03:00.0 03:01.0 04:00.0 05:00.0} {00:01.0}");

	t_verdict(g, t, "02:00.0", false, IOK_ACS_RULE_MULTIFUNCTION, NULL, REQ, REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #9: root port without ACS takes everything below. */
static void spec13_09_switch_port_without_acs(void **state)
{
	struct iok_topo *t = t_loadf(*state, SWITCH_FMT, "", "", "", ", " FULL, ", " FULL);

	t_assert_groups(t, "{00:01.0 02:00.0 03:00.0 03:01.0 04:00.0 05:00.0}");
	iok_topo_unref(t);
}

/* ---- #10 .. #12: conventional PCI behind bridges ------------------------ */

/* spec groups 13 #10: PCIe-to-PCI bridge and all below share one group. */
static void spec13_10_pcie_to_pci_bridge(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '02', 'subordinate': '03', " FULL "},"
		"{'bdf': '02:00.0', 'id': '104c:8240', 'pcie': 'pcie_to_pci', 'secondary': '03'},"
		"{'bdf': '03:04.0', 'id': '10ec:8169', 'class': '020000'},"
		"{'bdf': '03:05.0', 'id': '1106:3038', 'class': '0c0300', 'multifunction': true},"
		"{'bdf': '03:05.1', 'id': '1106:3038', 'class': '0c0300'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {02:00.0 03:04.0 03:05.0 03:05.1}");

	t_verdict(g, t, "02:00.0", false, IOK_ACS_RULE_BRIDGE_TYPE, NULL, T_ANYBITS, T_ANYBITS);
	t_first_step(g, t, "03:04.0", IOK_JOIN_ALIAS_BRIDGE, "02:00.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #11: ASM1083 (conventional bridge below a root port). */
static void spec13_11_asm1083_bridge(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '02', 'subordinate': '03', " FULL "},"
		"{'bdf': '02:00.0', 'id': '1b21:1080', 'secondary': '03'},"
		"{'bdf': '03:00.0', 'id': '1102:0002', 'class': '040100'},"
		"{'bdf': '03:01.0', 'id': '10ec:8169', 'class': '020000'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {02:00.0 03:00.0 03:01.0}");

	t_verdict(g, t, "02:00.0", false, IOK_ACS_RULE_NOT_PCIE, NULL, T_ANYBITS, T_ANYBITS);
	t_first_step(g, t, "03:01.0", IOK_JOIN_ALIAS_BRIDGE, "02:00.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #12: 82801 PCI bridge on the root bus, devices on bus 5. */
static void spec13_12_root_bus_conventional_bridge(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:1e.0', 'id': '8086:244e', 'class': '060401', 'secondary': '05'},"
		"{'bdf': '05:00.0', 'id': '1102:0002', 'class': '040100'},"
		"{'bdf': '05:01.0', 'id': '10ec:8169', 'class': '020000'}]}");

	t_assert_groups(t, "{00:1e.0 05:00.0 05:01.0}");
	iok_topo_unref(t);
}

/* ---- #13 .. #17: multifunction endpoints, SR-IOV ------------------------ */

#define RP_06 "{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '06', " FULL "},"

/* spec groups 13 #13: fn0 isolated by RR|CR, fn1 and fn2 grouped. */
static void spec13_13_mf_endpoint_partial_acs(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': [" RP_06
		"{'bdf': '06:00.0', 'id': '8086:1572', 'class': '020000', 'pcie': 'endpoint', 'multifunction': true,"
		" 'acs': {'cap': 'RR CR', 'ctrl': 'RR CR'}},"
		"{'bdf': '06:00.1', 'id': '8086:1572', 'class': '020000', 'pcie': 'endpoint'},"
		"{'bdf': '06:00.2', 'id': '8086:1572', 'class': '020000', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {06:00.0} {06:00.1 06:00.2}");

	t_verdict(g, t, "06:00.0", true, IOK_ACS_RULE_MULTIFUNCTION, NULL, 0x0c, 0);
	t_verdict(g, t, "06:00.2", false, IOK_ACS_RULE_MULTIFUNCTION, NULL, REQ, REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #14: ACS Capability 0: nothing required, all isolated. */
static void spec13_14_mf_endpoint_acs_cap_zero(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': [" RP_06
		"{'bdf': '06:00.0', 'id': '8086:1572', 'class': '020000', 'pcie': 'endpoint', 'multifunction': true,"
		" 'acs': {'cap': '', 'ctrl': ''}},"
		"{'bdf': '06:00.1', 'id': '8086:1572', 'class': '020000', 'pcie': 'endpoint', 'acs': {'cap': '', 'ctrl': ''}},"
		"{'bdf': '06:00.2', 'id': '8086:1572', 'class': '020000', 'pcie': 'endpoint', 'acs': {'cap': '', 'ctrl': ''}}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {06:00.0} {06:00.1} {06:00.2}");

	t_verdict(g, t, "06:00.1", true, IOK_ACS_RULE_MULTIFUNCTION, NULL, 0, 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

#define RP_01(extra) "{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '01'" extra "},"

/* spec groups 13 #15: 82576 functions split by the mf_endpoint quirk. */
static void spec13_15_82576_mf_endpoint_quirk(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': [" RP_01(", " FULL)
		"{'bdf': '01:00.0', 'id': '8086:10c9', 'class': '020000', 'pcie': 'endpoint', 'multifunction': true},"
		"{'bdf': '01:00.1', 'id': '8086:10c9', 'class': '020000', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0} {01:00.1}");

	t_verdict(g, t, "01:00.0", true, IOK_ACS_RULE_QUIRK, "mf_endpoint", T_ANYBITS, 0);
	t_verdict(g, t, "01:00.1", true, IOK_ACS_RULE_QUIRK, "mf_endpoint", T_ANYBITS, 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* Two X550 PFs (not quirked), each with two VFs at 01:10.x (offset 128, stride 2). */
#define SRIOV_PF(bdf, mf) "{'bdf': '" bdf "', 'id': '8086:1563', 'class': '020000', 'pcie': 'endpoint'" mf "," \
	" 'sriov': {'num_vfs': 2, 'offset': 128, 'stride': 2, 'vf_device': '1565', 'enabled': true}}"

/* spec groups 13 #16: PFs grouped, each VF alone (isolated parent). */
static void spec13_16_vfs_on_pf_bus(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': [" RP_01(", " FULL)
		SRIOV_PF("01:00.0", ", 'multifunction': true") "," SRIOV_PF("01:00.1", "") "]}");
	struct iok_grouping *g = t_groups(t,
		"{00:01.0} {01:00.0 01:00.1} {01:10.0} {01:10.1} {01:10.2} {01:10.3}");

	assert_true(iok_dev_is_vf(t_dev(t, "01:10.1")));
	assert_ptr_equal(iok_dev_get_pf(t_dev(t, "01:10.1")), t_dev(t, "01:00.1"));
	assert_false(iok_dev_is_multifunction(t_dev(t, "01:10.0")));
	t_verdict(g, t, "01:10.2", true, IOK_ACS_RULE_SINGLE_FUNCTION, NULL, T_ANYBITS, T_ANYBITS);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #16 variant: parent path not isolated: VFs join the port. */
static void spec13_16_vfs_on_pf_bus_port_without_acs(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': [" RP_01("")
		SRIOV_PF("01:00.0", ", 'multifunction': true") "," SRIOV_PF("01:00.1", "") "]}");

	t_assert_groups(t, "{00:01.0 01:00.0 01:00.1 01:10.0 01:10.1 01:10.2 01:10.3}");
	iok_topo_unref(t);
}

/* One PF whose VFs (offset 256) sit on a virtual bus 02 without bridge. */
#define VBUS_FMT "{'schema': 1, 'devices': [" \
	"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '01', 'subordinate': '02'%s}," \
	"{'bdf': '01:00.0', 'id': '15b3:1015', 'class': '020000', 'pcie': 'endpoint'," \
	" 'sriov': {'num_vfs': 2, 'offset': 256, 'stride': 1, 'vf_device': '1016', 'enabled': true}}]}"

/* spec groups 13 #17: VFs on a virtual bus join the non-isolated port. */
static void spec13_17_vfs_on_virtual_bus(void **state)
{
	struct iok_topo *t = t_loadf(*state, VBUS_FMT, "");
	struct iok_grouping *g = t_groups(t, "{00:01.0 01:00.0 02:00.0 02:00.1}");

	assert_true(iok_dev_is_vf(t_dev(t, "02:00.1")));
	t_first_step(g, t, "02:00.1", IOK_JOIN_NOT_ISOLATED, "00:01.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #17 variant: isolated port: each VF alone. */
static void spec13_17_vfs_on_virtual_bus_acs_port(void **state)
{
	struct iok_topo *t = t_loadf(*state, VBUS_FMT, ", " FULL);

	t_assert_groups(t, "{00:01.0} {01:00.0} {02:00.0} {02:00.1}");
	iok_topo_unref(t);
}

/* ---- #18 .. #21: DMA-alias quirks --------------------------------------- */

#define RP_SEC(sec) "{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '" sec "', " FULL "},"

/* spec groups 13 #18: Marvell 9230 aliases a ghost fn1: alone anyway. */
static void spec13_18_marvell_ghost_function(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': [" RP_SEC("07")
		"{'bdf': '07:00.0', 'id': '1b4b:9230', 'class': '010601', 'pcie': 'endpoint'}]}");

	t_assert_groups(t, "{00:01.0} {07:00.0}");
	assert_true(iok_dev_has_dma_alias(t_dev(t, "07:00.0"), 0x01));
	iok_topo_unref(t);
}

/* spec groups 13 #19: Marvell 9128 + real fn1: alias joins them despite ACS. */
static void spec13_19_marvell_alias_ignores_acs(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': [" RP_SEC("07")
		"{'bdf': '07:00.0', 'id': '1b4b:9128', 'class': '010601', 'pcie': 'endpoint', 'multifunction': true, " FULL "},"
		"{'bdf': '07:00.1', 'id': '1b4b:91a4', 'class': '01018f', 'pcie': 'endpoint', " FULL "}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {07:00.0 07:00.1}");

	t_verdict(g, t, "07:00.0", true, IOK_ACS_RULE_MULTIFUNCTION, NULL, REQ, 0);
	t_verdict(g, t, "07:00.1", true, IOK_ACS_RULE_MULTIFUNCTION, NULL, REQ, 0);
	t_first_step(g, t, "07:00.1", IOK_JOIN_DMA_ALIAS, "07:00.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #20: Ricoh FireWire fn3 aliases fn0. */
static void spec13_20_ricoh_func0_alias(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': [" RP_SEC("0a")
		"{'bdf': '0a:00.0', 'id': '1180:e822', 'class': '080500', 'pcie': 'endpoint', 'multifunction': true, " FULL "},"
		"{'bdf': '0a:00.3', 'id': '1180:e832', 'class': '0c0010', 'pcie': 'endpoint', " FULL "}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {0a:00.0 0a:00.3}");

	assert_true(iok_dev_has_dma_alias(t_dev(t, "0a:00.3"), 0x00));
	t_first_step(g, t, "0a:00.3", IOK_JOIN_DMA_ALIAS, "0a:00.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/*
 * spec groups 13 #21: a PLX NTB function aliases every devfn of its bus:
 * the switch's USP (fn0 of the same slot) and the NTB share a group even
 * though both are ACS-isolated; the DSP below keeps its own.
 */
static void spec13_21_plx_ntb_whole_bus(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '0b', 'subordinate': '0d', " FULL "},"
		"{'bdf': '0b:00.0', 'id': '10b5:8733', 'pcie': 'upstream', 'multifunction': true, 'secondary': '0c', 'subordinate': '0d', " FULL "},"
		"{'bdf': '0b:00.1', 'id': '10b5:87b0', 'class': '068000', 'pcie': 'endpoint', " FULL "},"
		"{'bdf': '0c:00.0', 'id': '10b5:8733', 'pcie': 'downstream', 'secondary': '0d', " FULL "},"
		"{'bdf': '0d:00.0', 'id': '144d:a808', 'class': '010802', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {0b:00.0 0b:00.1} {0c:00.0} {0d:00.0}");

	assert_true(iok_dev_has_dma_alias(t_dev(t, "0b:00.1"), 0x00));
	assert_true(iok_dev_has_dma_alias(t_dev(t, "0b:00.1"), 0xff));
	t_first_step(g, t, "0b:00.1", IOK_JOIN_DMA_ALIAS, "0b:00.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- #22: VMD ----------------------------------------------------------- */

/* spec groups 13 #22: the VMD domain joins the VMD endpoint's group. */
static void spec13_22_vmd_domain(void **state)
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

	/* No new IDs: two groups, numbered densely from 0. */
	assert_int_equal(iok_grouping_count(g), 2);
	assert_int_equal(t_group_id(g, t, "00:00.0"), 0);
	assert_int_equal(t_group_id(g, t, "00:0e.0"), 1);
	t_first_step(g, t, "10000:e1:00.0", IOK_JOIN_VMD, "00:0e.0");
	t_first_step(g, t, "10000:e0:1b.0", IOK_JOIN_VMD, "00:0e.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- #23 .. #26: root-bus devices --------------------------------------- */

/* The PCH slot 1f; the argument describes 00:1f.6. */
#define SLOT1F_FMT "{'schema': 1, 'devices': [" \
	"{'bdf': '00:1f.0', 'id': '8086:a306', 'class': '060100', 'multifunction': true}," \
	"{'bdf': '00:1f.3', 'id': '8086:a348', 'class': '040380'}," \
	"{'bdf': '00:1f.4', 'id': '8086:a323', 'class': '0c0500'}," \
	"{'bdf': '00:1f.5', 'id': '8086:a324', 'class': '0c8000'}," \
	"{'bdf': '00:1f.6', 'class': '020000', %s}]}"

/* spec groups 13 #23: I219 (8086:15b8) leaves the PCH slot's group. */
static void spec13_23_pch_slot_i219(void **state)
{
	struct iok_topo *t = t_loadf(*state, SLOT1F_FMT, "'id': '8086:15b8'");
	struct iok_grouping *g = t_groups(t, "{00:1f.0 00:1f.3 00:1f.4 00:1f.5} {00:1f.6}");

	t_verdict(g, t, "00:1f.6", true, IOK_ACS_RULE_QUIRK, "mf_endpoint", T_ANYBITS, 0);
	t_verdict(g, t, "00:1f.0", false, IOK_ACS_RULE_NOT_PCIE, NULL, T_ANYBITS, T_ANYBITS);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #23 variant: an unlisted conventional 1f.6 joins the rest. */
static void spec13_23_pch_slot_unlisted_id(void **state)
{
	struct iok_topo *t = t_loadf(*state, SLOT1F_FMT, "'id': '8086:0d4c'");

	t_assert_groups(t, "{00:1f.0 00:1f.3 00:1f.4 00:1f.5 00:1f.6}");
	iok_topo_unref(t);
}

/* spec groups 13 #23 variant: an Intel RCiEP 1f.6 is isolated by rciep. */
static void spec13_23_pch_slot_intel_rciep(void **state)
{
	struct iok_topo *t = t_loadf(*state, SLOT1F_FMT, "'id': '8086:0d4c', 'pcie': 'rc_endpoint'");
	struct iok_grouping *g = t_groups(t, "{00:1f.0 00:1f.3 00:1f.4 00:1f.5} {00:1f.6}");

	t_verdict(g, t, "00:1f.6", true, IOK_ACS_RULE_QUIRK, "rciep", T_ANYBITS, 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #24: multifunction Intel RCiEPs: each alone (rciep). */
static void spec13_24_intel_rcieps(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:14.0', 'id': '8086:a36d', 'class': '0c0330', 'pcie': 'rc_endpoint', 'multifunction': true},"
		"{'bdf': '00:14.2', 'id': '8086:a36f', 'class': '050000', 'pcie': 'rc_endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:14.0} {00:14.2}");

	t_verdict(g, t, "00:14.0", true, IOK_ACS_RULE_QUIRK, "rciep", T_ANYBITS, 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #24 variant: the same layout from another vendor: together. */
static void spec13_24_other_vendor_rcieps(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'iommu': 'arm'}, 'devices': ["
		"{'bdf': '7d:00.0', 'id': '19e5:a222', 'class': '020000', 'pcie': 'rc_endpoint', 'multifunction': true},"
		"{'bdf': '7d:00.1', 'id': '19e5:a222', 'class': '020000', 'pcie': 'rc_endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{7d:00.0 7d:00.1}");

	t_verdict(g, t, "7d:00.1", false, IOK_ACS_RULE_MULTIFUNCTION, NULL, REQ, REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #25: a single-function conventional device on a root bus. */
static void spec13_25_root_bus_single_function(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:00.0', 'id': '8086:29c0', 'class': '060000'},"
		"{'bdf': '00:02.0', 'id': '1234:1111', 'class': '030000'}]}");
	struct iok_grouping *g = t_groups(t, "{00:00.0} {00:02.0}");

	/* Not isolated, yet alone: there is nothing to climb or search. */
	t_verdict(g, t, "00:02.0", false, IOK_ACS_RULE_NOT_PCIE, NULL, T_ANYBITS, T_ANYBITS);
	t_first_step(g, t, "00:02.0", IOK_JOIN_NEW, "00:02.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

#define AMD_SB_FMT "{'schema': 1, 'platform': {'iommu': '%s'}, 'devices': [" \
	"{'bdf': '00:14.0', 'id': '1002:4385', 'class': '0c0500', 'multifunction': true}," \
	"{'bdf': '00:14.3', 'id': '1002:439d', 'class': '060100'}]}"

/* spec groups 13 #26: AMD SB functions split by amd_sb with an IVRS table. */
static void spec13_26_amd_sb_ivrs(void **state)
{
	struct iok_topo *t = t_loadf(*state, AMD_SB_FMT, "amd");
	struct iok_grouping *g = t_groups(t, "{00:14.0} {00:14.3}");

	t_verdict(g, t, "00:14.3", true, IOK_ACS_RULE_QUIRK, "amd_sb", T_ANYBITS, 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #26 variant: no IVRS (virtio-iommu in a VM): together. */
static void spec13_26_amd_sb_no_ivrs(void **state)
{
	struct iok_topo *t = t_loadf(*state, AMD_SB_FMT, "virtio");
	struct iok_grouping *g = t_groups(t, "{00:14.0 00:14.3}");

	t_verdict(g, t, "00:14.3", false, IOK_ACS_RULE_NOT_PCIE, NULL, T_ANYBITS, T_ANYBITS);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- #27 .. #29: ARI, misreported types --------------------------------- */

/* spec groups 13 #27: 16 ARI functions form two sibling sets of 8. */
static void spec13_27_ari_sixteen_functions(void **state)
{
	char devs[8192], expect[512];
	size_t n = 0, e = 0;
	struct iok_grouping *g;
	struct iok_topo *t;
	unsigned int fn;

	e += snprintf(expect + e, sizeof(expect) - e, "{00:01.0}");
	for (fn = 0; fn < 16; fn++) {
		n += snprintf(devs + n, sizeof(devs) - n,
			      ", {'bdf': '0c:%02x.%u', 'id': '1924:0b03', 'class': '020000',"
			      " 'pcie': 'endpoint', 'ari': {'next': %u}%s}",
			      fn >> 3, fn & 7, fn < 15 ? fn + 1 : 0,
			      fn ? "" : ", 'multifunction': true");
		e += snprintf(expect + e, sizeof(expect) - e, "%s0c:%02x.%u%s",
			      fn & 7 ? " " : " {", fn >> 3, fn & 7, (fn & 7) == 7 ? "}" : "");
	}
	t = t_loadf(*state, "{'schema': 1, 'devices': ["
		 "{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '0c',"
		 " 'ari_forwarding': true, " FULL "}%s]}", devs);
	g = t_groups(t, expect);
	assert_true(iok_dev_has_ari(t_dev(t, "0c:01.7")));
	assert_true(iok_dev_is_multifunction(t_dev(t, "0c:01.0")));
	t_verdict(g, t, "0c:01.0", false, IOK_ACS_RULE_MULTIFUNCTION, NULL, REQ, REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #28: a bridge that says "endpoint" is isolated, no alias. */
static void spec13_28_bridge_reporting_endpoint(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '01', 'subordinate': '02', " FULL "},"
		"{'bdf': '01:00.0', 'id': '1a03:1150', 'header': 'bridge', 'pcie': 0, 'secondary': '02'},"
		"{'bdf': '02:00.0', 'id': '1a03:2000', 'class': '030000'},"
		"{'bdf': '02:01.0', 'id': '10ec:8169', 'class': '020000'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0} {02:00.0} {02:01.0}");

	t_verdict(g, t, "01:00.0", true, IOK_ACS_RULE_SINGLE_FUNCTION, NULL, T_ANYBITS, T_ANYBITS);
	t_first_step(g, t, "02:01.0", IOK_JOIN_NEW, "02:01.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/*
 * spec groups 13 #29: a "downstream port" right below a root port is a
 * switch's upstream port; single-function, it is isolated without ACS.
 * The correction also makes 02:01.0 visible (only device 0 is scanned
 * below a downstream port).
 */
static void spec13_29_downstream_below_root_port(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '01', 'subordinate': '04', " FULL "},"
		"{'bdf': '01:00.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '02', 'subordinate': '04'},"
		"{'bdf': '02:00.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '03', " FULL "},"
		"{'bdf': '02:01.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '04', " FULL "},"
		"{'bdf': '03:00.0', 'id': '144d:a808', 'class': '010802', 'pcie': 'endpoint'},"
		"{'bdf': '04:00.0', 'id': '8086:f1a8', 'class': '010802', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0} {02:00.0} {02:01.0} {03:00.0} {04:00.0}");

	assert_int_equal(iok_dev_get_pcie_type_raw(t_dev(t, "01:00.0")), IOK_PCIE_DOWNSTREAM);
	assert_int_equal(iok_dev_get_pcie_type(t_dev(t, "01:00.0")), IOK_PCIE_UPSTREAM);
	assert_int_equal(iok_dev_get_pcie_type(t_dev(t, "02:01.0")), IOK_PCIE_DOWNSTREAM);
	t_verdict(g, t, "01:00.0", true, IOK_ACS_RULE_SINGLE_FUNCTION, NULL, T_ANYBITS, T_ANYBITS);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- #30 .. #33: ACS enabling and command line --------------------------- */

/*
 * spec groups 13 #30: pci=disable_acs_redir= clears RR/CR of one DSP
 * (firmware had enabled all four bits; SV/UF stay): its child joins it.
 */
static void spec13_30_disable_acs_redir(void **state)
{
	struct iok_topo *t = t_loadf(*state, SWITCH_FMT,
				  "'cmdline': 'pci=disable_acs_redir=0000:03:01.0'", ", " FULL, "",
				  ", " FULL, ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': 'SV RR CR UF'}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {02:00.0} {03:00.0} {04:00.0} {03:01.0 05:00.0}");

	t_verdict(g, t, "03:01.0", false, IOK_ACS_RULE_PORT, NULL, REQ, 0x0c);
	t_verdict(g, t, "03:00.0", true, IOK_ACS_RULE_PORT, NULL, REQ, 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/*
 * IDT switch below a root port whose ACS is on (firmware-enabled, so also
 * valid for 'final'); arguments: platform, the DSPs' ACS Control.
 */
#define IDT_FMT "{'schema': 1, 'platform': {%s}, 'devices': [" \
	"{'bdf': '00:01.0', 'id': '8086:1901', 'pcie': 'root_port', 'secondary': '02', 'subordinate': '05'," \
	" 'acs': {'cap': 'SV RR CR UF', 'ctrl': 'SV RR CR UF'}}," \
	"{'bdf': '02:00.0', 'id': '111d:80b5', 'pcie': 'upstream', 'secondary': '03', 'subordinate': '05'}," \
	"{'bdf': '03:00.0', 'id': '111d:80b5', 'pcie': 'downstream', 'secondary': '04'," \
	" 'acs': {'cap': 'SV RR CR UF', 'ctrl': '%s'}}," \
	"{'bdf': '03:01.0', 'id': '111d:80b5', 'pcie': 'downstream', 'secondary': '05'," \
	" 'acs': {'cap': 'SV RR CR UF', 'ctrl': '%s'}}," \
	"{'bdf': '04:00.0', 'id': '144d:a808', 'class': '010802', 'pcie': 'endpoint'}," \
	"{'bdf': '05:00.0', 'id': '8086:f1a8', 'class': '010802', 'pcie': 'endpoint'}]}"

#define IDT_SPLIT "{00:01.0} {02:00.0} {03:00.0} {03:01.0} {04:00.0} {05:00.0}"
#define IDT_SHARED "{00:01.0} {02:00.0} {03:00.0 04:00.0} {03:01.0 05:00.0}"

/* spec groups 13 #31 [7.0]: SV left off is not required on IDT 80b5. */
static void spec13_31_idt_sv_70(void **state)
{
	struct iok_topo *t = t_loadf(*state, IDT_FMT, "'kernel': '7.0'", "RR CR UF", "RR CR UF");
	struct iok_grouping *g = t_groups(t, IDT_SPLIT);
	struct iok_acs_verdict v;

	t_verdict(g, t, "03:00.0", true, IOK_ACS_RULE_PORT, NULL, 0x1c, 0);
	assert_int_equal(iok_dev_acs_verdict(g, t_dev(t, "03:01.0"), &v), 0);
	assert_int_equal(v.cap, 0x1c);	/* cached Capability without SV */
	assert_int_equal(v.ctrl, 0x1c);	/* so enabling never sets SV */
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #31, pre-7.0: Linux enables SV and requires it: isolated. */
static void spec13_31_idt_sv_619(void **state)
{
	struct iok_topo *t = t_loadf(*state, IDT_FMT, "'kernel': '6.19'", "RR CR UF", "RR CR UF");
	struct iok_grouping *g = t_groups(t, IDT_SPLIT);
	struct iok_acs_verdict v;

	t_verdict(g, t, "03:00.0", true, IOK_ACS_RULE_PORT, NULL, REQ, 0);
	assert_int_equal(iok_dev_acs_verdict(g, t_dev(t, "03:01.0"), &v), 0);
	assert_int_equal(v.ctrl, REQ);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #31, pre-7.0, the command line clears SV: not isolated. */
static void spec13_31_idt_sv_619_cmdline_clears(void **state)
{
	struct iok_topo *t = t_loadf(*state, IDT_FMT,
				  "'kernel': '6.19', 'cmdline': 'pci=config_acs=0@pci:111d:80b5'",
				  "RR CR UF", "RR CR UF");
	struct iok_grouping *g = t_groups(t, IDT_SHARED);

	t_verdict(g, t, "03:01.0", false, IOK_ACS_RULE_PORT, NULL, REQ, 0x01);
	iok_grouping_unref(g);
	iok_topo_unref(t);
	/* The same command line under 7.0: SV is not required. */
	t = t_loadf(*state, IDT_FMT, "'kernel': '7.0', 'cmdline': 'pci=config_acs=0@pci:111d:80b5'",
		 "RR CR UF", "RR CR UF");
	t_assert_groups(t, IDT_SPLIT);
	iok_topo_unref(t);
}

/* spec groups 13 #31, a running pre-7.0 kernel shows SV off: not isolated. */
static void spec13_31_idt_sv_final(void **state)
{
	struct iok_topo *t = t_loadf(*state, IDT_FMT, "'kernel': '6.19', 'acs': 'final'",
				  "RR CR UF", "RR CR UF");

	t_assert_groups(t, IDT_SHARED);
	iok_topo_unref(t);
	t = t_loadf(*state, IDT_FMT, "'kernel': '7.0', 'acs': 'final'", "RR CR UF", "RR CR UF");
	t_assert_groups(t, IDT_SPLIT);
	iok_topo_unref(t);
}

/* spec groups 13 #32: RP whose Capability is only RR|CR, both enabled. */
static void spec13_32_port_cap_rr_cr_only(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'acs': 'final'}, 'devices': ["
		RP_01(", 'acs': {'cap': 'RR CR', 'ctrl': 'RR CR'}")
		"{'bdf': '01:00.0', 'id': '8086:1539', 'class': '020000', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:01.0} {01:00.0}");

	t_verdict(g, t, "00:01.0", true, IOK_ACS_RULE_PORT, NULL, 0x0c, 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

#define NOIOMMU_JSON "{'schema': 1, 'platform': {'iommu': 'none'}, 'devices': [" \
	RP_01(", 'acs': {'cap': 'SV RR CR UF', 'ctrl': ''}") \
	"{'bdf': '01:00.0', 'id': '8086:1539', 'class': '020000', 'pcie': 'endpoint'}]}"

/* spec groups 13 #33: no IOMMU: no groups at all. */
static void spec13_33_no_iommu(void **state)
{
	struct iok_topo *t = t_loadf(*state, NOIOMMU_JSON);
	struct iok_grouping *g = t_groups(t, "-{00:01.0 01:00.0}");

	assert_int_equal(iok_grouping_count(g), 0);
	t_first_step(g, t, "01:00.0", IOK_JOIN_NO_IOMMU, "01:00.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/*
 * spec groups 13 #33 variant: ACS not requested leaves firmware Control 0,
 * so the port is not isolated. The model requests ACS whenever an IOMMU is
 * on, so the verdict is read from the machine without IOMMU.
 */
static void spec13_33_acs_not_requested_port(void **state)
{
	struct iok_topo *t = t_loadf(*state, NOIOMMU_JSON);
	struct iok_grouping *g = t_groups(t, "-{00:01.0 01:00.0}");
	struct iok_acs_verdict v;

	t_verdict(g, t, "00:01.0", false, IOK_ACS_RULE_PORT, NULL, REQ, REQ);
	assert_int_equal(iok_dev_acs_verdict(g, t_dev(t, "00:01.0"), &v), 0);
	assert_int_equal(v.ctrl, 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- #34 .. #36 ---------------------------------------------------------- */

#define AMD_IOMMU_FMT "{'schema': 1, 'platform': {'iommu': '%s'}, 'devices': [" \
	"{'bdf': '00:00.0', 'id': '1022:1480', 'class': '060000', 'multifunction': true}," \
	"{'bdf': '00:00.2', 'id': '1022:1481', 'class': '080600'}]}"

/* spec groups 13 #34: the AMD IOMMU's own function gets no group. */
static void spec13_34_amd_iommu_function(void **state)
{
	struct iok_topo *t = t_loadf(*state, AMD_IOMMU_FMT, "amd");
	struct iok_grouping *g = t_groups(t, "{00:00.0} -{00:00.2}");

	t_first_step(g, t, "00:00.2", IOK_JOIN_NO_IOMMU, "00:00.2");
	iok_grouping_unref(g);
	iok_topo_unref(t);
	/* Only the AMD driver excludes it; elsewhere it is a plain sibling. */
	t = t_loadf(*state, AMD_IOMMU_FMT, "virtio");
	t_assert_groups(t, "{00:00.0 00:00.2}");
	iok_topo_unref(t);
}

/*
 * spec groups 13 #35: a hot-added device whose alias set covers two
 * existing groups joins the first found, and the groups stay apart.
 *
 * The model has no hotplug: every boot device exists before grouping. Its
 * "late" devices are VFs and VMD children (is_late() in lib/groups/group.c),
 * probed after every boot device, so a VF plays X: the PF 09:00.0 enables
 * one VF at 09:03.0 (offset 24) whose DMA-alias set (firmware-style
 * "dma_aliases") holds 01.0 and 02.0, grouped at boot before X exists.
 * 09:01.0 comes first in device order, so X joins its group.
 */
static void spec13_35_late_device_two_groups(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '09:00.0', 'id': '15b3:1015', 'class': '020000', 'pcie': 'rc_endpoint',"
		" 'sriov': {'num_vfs': 1, 'offset': 24, 'stride': 1, 'vf_device': '1016', 'enabled': true}},"
		"{'bdf': '09:01.0', 'id': '1af4:1041', 'class': '020000', 'pcie': 'rc_endpoint'},"
		"{'bdf': '09:02.0', 'id': '1af4:1042', 'class': '010000', 'pcie': 'rc_endpoint'},"
		"{'bdf': '09:03.0', 'id': '15b3:1016', 'class': '020000', 'pcie': 'rc_endpoint',"
		" 'dma_aliases': ['01.0', '02.0']}]}");
	struct iok_grouping *g = t_groups(t, "{09:00.0} {09:01.0 09:03.0} {09:02.0}");

	assert_true(iok_dev_is_vf(t_dev(t, "09:03.0")));
	assert_int_equal(iok_grouping_count(g), 3);
	t_first_step(g, t, "09:03.0", IOK_JOIN_DMA_ALIAS, "09:01.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #36: everything below a PCI-to-PCIe bridge shares its group. */
static void spec13_36_reverse_bridge(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:05.0', 'id': '10b5:8114', 'pcie': 'pci_to_pcie', 'pcix_266': true, 'secondary': '01', 'subordinate': '04'},"
		"{'bdf': '01:00.0', 'id': '10b5:8747', 'pcie': 'upstream', 'secondary': '02', 'subordinate': '04'},"
		"{'bdf': '02:00.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '03', " FULL "},"
		"{'bdf': '02:01.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '04', " FULL "},"
		"{'bdf': '03:00.0', 'id': '144d:a808', 'class': '010802', 'pcie': 'endpoint'},"
		"{'bdf': '04:00.0', 'id': '8086:f1a8', 'class': '010802', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:05.0 01:00.0 02:00.0 02:01.0 03:00.0 04:00.0}");

	/* The DSPs are isolated by ACS; the alias rule wins anyway. */
	t_verdict(g, t, "02:01.0", true, IOK_ACS_RULE_PORT, NULL, REQ, 0);
	t_verdict(g, t, "00:05.0", false, IOK_ACS_RULE_BRIDGE_TYPE, NULL, T_ANYBITS, T_ANYBITS);
	t_first_step(g, t, "04:00.0", IOK_JOIN_ALIAS_BRIDGE, "00:05.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* ---- #37 .. #40 ---------------------------------------------------------- */

/* spec groups 13 #37: gfx DRHD first: 00:02.0 → 0, 00:00.0 → 1, then scan order. */
static void spec13_37_intel_numbering(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'platform': {'iommu': 'intel', 'units': ["
		"{'name': 'dmar0', 'scope': ['0000:00:02.0']}, {'name': 'dmar1', 'include_all': true}]},"
		" 'devices': ["
		"{'bdf': '00:00.0', 'id': '8086:9a14', 'class': '060000'},"
		"{'bdf': '00:02.0', 'id': '8086:9a49', 'class': '030000'},"
		"{'bdf': '00:04.0', 'id': '8086:9a03', 'class': '118000'},"
		"{'bdf': '00:08.0', 'id': '8086:9a11', 'class': '088000'},"
		"{'bdf': '00:1d.0', 'id': '8086:a0b0', 'pcie': 'root_port', 'secondary': '01', " FULL "},"
		"{'bdf': '01:00.0', 'id': '144d:a80a', 'class': '010802', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:00.0} {00:02.0} {00:04.0} {00:08.0} {00:1d.0} {01:00.0}");

	assert_int_equal(t_group_id(g, t, "00:02.0"), 0);
	assert_int_equal(t_group_id(g, t, "00:00.0"), 1);
	assert_int_equal(t_group_id(g, t, "00:04.0"), 2);
	assert_int_equal(t_group_id(g, t, "00:08.0"), 3);
	assert_int_equal(t_group_id(g, t, "00:1d.0"), 4);
	assert_int_equal(t_group_id(g, t, "01:00.0"), 5);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* spec groups 13 #38: two DSPs without ACS: two subtree groups, not one. */
static void spec13_38_switch_both_dsps_without_acs(void **state)
{
	struct iok_topo *t = t_loadf(*state, SWITCH_FMT, "", ", " FULL, "", "", "");

	t_assert_groups(t, "{03:00.0 04:00.0} {03:01.0 05:00.0} {02:00.0} {00:01.0}");
	iok_topo_unref(t);
}

/* spec groups 13 #39: fn1 of a single-function slot is never enumerated. */
static void spec13_39_function_of_single_function_slot(void **state)
{
	struct iok_topo *t = t_loadf(*state, "{'schema': 1, 'devices': ["
		"{'bdf': '00:1c.0', 'id': '8086:a338', 'pcie': 'root_port', 'secondary': '08', " FULL "},"
		"{'bdf': '08:00.0', 'id': '8086:2526', 'class': '028000', 'pcie': 'endpoint'},"
		"{'bdf': '08:00.1', 'id': '8086:2526', 'class': '028000', 'pcie': 'endpoint'}]}");
	struct iok_grouping *g = t_groups(t, "{00:1c.0} {08:00.0} -{08:00.1}");

	assert_int_equal(iok_dev_get_hidden(t_dev(t, "08:00.1")), IOK_HIDDEN_NOT_MULTIFUNCTION);
	assert_int_equal(iok_dev_get_hidden(t_dev(t, "08:00.0")), IOK_VISIBLE);
	assert_false(iok_dev_is_multifunction(t_dev(t, "08:00.0")));
	t_verdict(g, t, "08:00.0", true, IOK_ACS_RULE_SINGLE_FUNCTION, NULL, T_ANYBITS, T_ANYBITS);
	t_first_step(g, t, "08:00.1", IOK_JOIN_HIDDEN, "08:00.1");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

#define SCAN_FMT "{'schema': 1, 'platform': {%s}, 'devices': [" \
	RP_01(", " FULL) \
	"{'bdf': '01:01.0', 'id': '8086:1539', 'class': '020000', 'pcie': 'endpoint'}]}"

/* spec groups 13 #40: device 1 below a root port is not enumerated. */
static void spec13_40_device_number_below_port(void **state)
{
	struct iok_topo *t = t_loadf(*state, SCAN_FMT, "");

	t_assert_groups(t, "{00:01.0} -{01:01.0}");
	assert_int_equal(iok_dev_get_hidden(t_dev(t, "01:01.0")), IOK_HIDDEN_BELOW_PORT);
	iok_topo_unref(t);
}

/* spec groups 13 #40 variant: pci=pcie_scan_all makes it visible. */
static void spec13_40_device_number_below_port_scan_all(void **state)
{
	struct iok_topo *t = t_loadf(*state, SCAN_FMT, "'cmdline': 'pci=pcie_scan_all'");

	t_assert_groups(t, "{00:01.0} {01:01.0}");
	assert_int_equal(iok_dev_get_hidden(t_dev(t, "01:01.0")), IOK_VISIBLE);
	iok_topo_unref(t);
}

#define T(f) cmocka_unit_test_setup_teardown(f, t_setup_ctx, t_teardown_ctx)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(spec13_01_gpu_hda_below_acs_port),
		T(spec13_02_port_without_acs),
		T(spec13_03_pch_ports_unquirked),
		T(spec13_04_pch_ports_quirk_rcba_on),
		T(spec13_04_pch_ports_quirk_rcba_off),
		T(spec13_04_pch_ports_quirk_acs_not_requested),
		T(spec13_05_zhaoxin_ports_verdict_no),
		T(spec13_06_switch_all_acs),
		T(spec13_07_switch_one_dsp_without_acs),
		T(spec13_08_switch_multifunction_usp),
		T(spec13_09_switch_port_without_acs),
		T(spec13_10_pcie_to_pci_bridge),
		T(spec13_11_asm1083_bridge),
		T(spec13_12_root_bus_conventional_bridge),
		T(spec13_13_mf_endpoint_partial_acs),
		T(spec13_14_mf_endpoint_acs_cap_zero),
		T(spec13_15_82576_mf_endpoint_quirk),
		T(spec13_16_vfs_on_pf_bus),
		T(spec13_16_vfs_on_pf_bus_port_without_acs),
		T(spec13_17_vfs_on_virtual_bus),
		T(spec13_17_vfs_on_virtual_bus_acs_port),
		T(spec13_18_marvell_ghost_function),
		T(spec13_19_marvell_alias_ignores_acs),
		T(spec13_20_ricoh_func0_alias),
		T(spec13_21_plx_ntb_whole_bus),
		T(spec13_22_vmd_domain),
		T(spec13_23_pch_slot_i219),
		T(spec13_23_pch_slot_unlisted_id),
		T(spec13_23_pch_slot_intel_rciep),
		T(spec13_24_intel_rcieps),
		T(spec13_24_other_vendor_rcieps),
		T(spec13_25_root_bus_single_function),
		T(spec13_26_amd_sb_ivrs),
		T(spec13_26_amd_sb_no_ivrs),
		T(spec13_27_ari_sixteen_functions),
		T(spec13_28_bridge_reporting_endpoint),
		T(spec13_29_downstream_below_root_port),
		T(spec13_30_disable_acs_redir),
		T(spec13_31_idt_sv_70),
		T(spec13_31_idt_sv_619),
		T(spec13_31_idt_sv_619_cmdline_clears),
		T(spec13_31_idt_sv_final),
		T(spec13_32_port_cap_rr_cr_only),
		T(spec13_33_no_iommu),
		T(spec13_33_acs_not_requested_port),
		T(spec13_34_amd_iommu_function),
		T(spec13_35_late_device_two_groups),
		T(spec13_36_reverse_bridge),
		T(spec13_37_intel_numbering),
		T(spec13_38_switch_both_dsps_without_acs),
		T(spec13_39_function_of_single_function_slot),
		T(spec13_40_device_number_below_port),
		T(spec13_40_device_number_below_port_scan_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
