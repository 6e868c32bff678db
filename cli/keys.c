// SPDX-License-Identifier: MIT
/* Fixed snake_case words for JSON output: part of the schema, never reworded. */
#include <string.h>

#include "cli/builtin.h"

const char *cli_pcie_type_key(int type)
{
	switch (type) {
	case -1: return "conventional";
	case IOK_PCIE_ENDPOINT: return "endpoint";
	case IOK_PCIE_LEG_END: return "legacy_endpoint";
	case IOK_PCIE_ROOT_PORT: return "root_port";
	case IOK_PCIE_UPSTREAM: return "upstream_port";
	case IOK_PCIE_DOWNSTREAM: return "downstream_port";
	case IOK_PCIE_PCI_BRIDGE: return "pcie_to_pci_bridge";
	case IOK_PCIE_PCIE_BRIDGE: return "pci_to_pcie_bridge";
	case IOK_PCIE_RC_END: return "rc_integrated_endpoint";
	case IOK_PCIE_RC_EC: return "rc_event_collector";
	default: return "reserved";
	}
}

const char *cli_join_key(enum iok_join_kind kind)
{
	switch (kind) {
	case IOK_JOIN_NEW: return "new_group";
	case IOK_JOIN_NO_IOMMU: return "no_iommu";
	case IOK_JOIN_HIDDEN: return "not_enumerated";
	case IOK_JOIN_VMD: return "vmd";
	case IOK_JOIN_ALIAS_BRIDGE: return "alias_bridge";
	case IOK_JOIN_NOT_ISOLATED: return "non_isolated_bridge";
	case IOK_JOIN_DMA_ALIAS: return "dma_alias";
	case IOK_JOIN_SIBLING: return "multifunction_sibling";
	case IOK_JOIN_ABSENT: return "absent";
	}
	return "unknown";
}

const char *cli_acs_rule_key(enum iok_acs_rule rule)
{
	switch (rule) {
	case IOK_ACS_RULE_QUIRK: return "quirk";
	case IOK_ACS_RULE_NOT_PCIE: return "conventional_pci";
	case IOK_ACS_RULE_BRIDGE_TYPE: return "bridge_type";
	case IOK_ACS_RULE_PORT: return "port_requires_acs";
	case IOK_ACS_RULE_MULTIFUNCTION: return "multifunction_requires_acs";
	case IOK_ACS_RULE_SINGLE_FUNCTION: return "single_function";
	case IOK_ACS_RULE_OTHER_TYPE: return "reserved_type";
	case IOK_ACS_RULE_OVERRIDE: return "acs_override";
	}
	return "unknown";
}

char *cli_acs_short(char *buf, uint16_t bits)
{
	static const char *const names[] = { "SV", "TB", "RR", "CR", "UF", "EC", "DT" };
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < 7; i++)
		if (bits & (1u << i)) {
			if (buf[0])
				strcat(buf, " ");
			strcat(buf, names[i]);
		}
	if (!buf[0])
		strcpy(buf, "none");
	return buf;
}
