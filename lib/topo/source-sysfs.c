// SPDX-License-Identifier: MIT
/* The sysfs source (placeholder until the reader lands). */
#include "lib/topo/topo-private.h"

static int sysfs_load(struct iok_ctx *ctx, const char *root, struct iok_topo **out)
{
	return iok_fail(ctx, -EOPNOTSUPP, "sysfs source not implemented");
}

const struct iok_source iok_source_sysfs = {
	.name = "sysfs",
	.help = "sysfs[:ROOT]    the live machine, or a captured sysfs tree under ROOT",
	.load = sysfs_load,
};
