// SPDX-License-Identifier: MIT
/* The json source (placeholder until the parser lands). */
#include "lib/topo/topo-private.h"

int iok_json_load_text(struct iok_ctx *ctx, const char *source, const char *name,
		       const char *text, struct iok_topo **out)
{
	return iok_fail(ctx, -EOPNOTSUPP, "%s: json source not implemented", name);
}

static int json_load(struct iok_ctx *ctx, const char *file, struct iok_topo **out)
{
	return iok_fail(ctx, -EOPNOTSUPP, "json source not implemented");
}

const struct iok_source iok_source_json = {
	.name = "json",
	.help = "json:FILE       iommukit's topology description (docs/topology-json.md)",
	.load = json_load,
};
