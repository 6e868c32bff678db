/* SPDX-License-Identifier: MIT */
/*
 * The registry of scenario command families. A family adds one line here
 * (its table is declared in scenario-private.h) and its source file to
 * lib/meson.build. The first family that names a command wins; the runner
 * tests refuse duplicate names across families.
 */
#include "scenario-private.h"

const struct iok_scn_family iok_scn_families[] = {
	{ "core", iok_scn_cmds_core },
	{ "fabric", iok_scn_cmds_fabric },
	{ "dma", iok_scn_cmds_dma },
	{ "sysfs", iok_scn_cmds_sysfs },
	{ "vfio", iok_scn_cmds_vfio },
	{ "sva", iok_scn_cmds_sva },
	{ "iommufd", iok_scn_cmds_iommufd },
	{ "core-split", iok_scn_cmds_core_split },
	{ NULL, NULL },
};
