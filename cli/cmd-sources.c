// SPDX-License-Identifier: MIT
/* iommukit sources: what --source accepts, and the built-in topologies. */
#include "cli/builtin.h"

int cmd_sources(int argc, char **argv, struct iok_ctx *ctx)
{
	const char *name;
	unsigned int i;

	printf("Sources (--source):\n"
	       "  sysfs[:ROOT]    the live machine, or a sysfs tree captured under ROOT\n"
	       "  lspci:FILE      `lspci -xxxx` (or -vvvxxxx) output\n"
	       "  json:FILE       iommukit's topology description (docs/topology-json.md)\n"
	       "  builtin:NAME    a topology shipped with iommukit\n\n"
	       "Built-in topologies:\n");
	for (i = 0; (name = iok_builtin_name(i)); i++)
		printf("  %-14s  %s\n", name, iok_builtin_description(name));
	return 0;
}
