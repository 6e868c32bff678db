// SPDX-License-Identifier: MIT
/* Choosing a source by name, as pciutils chooses an access method. */
#include <stdio.h>

#include "lib/topo/topo-private.h"

static const struct iok_source *const sources[] = {
	&iok_source_sysfs,
	&iok_source_lspci,
	&iok_source_json,
	&iok_source_builtin,
};

IOK_EXPORT int iok_topo_load(struct iok_ctx *ctx, const char *source,
			     struct iok_topo **out)
{
	const char *colon, *arg;
	size_t len;
	unsigned int i;

	if (!ctx || !source || !out)
		return -EINVAL;
	colon = strchr(source, ':');
	len = colon ? (size_t)(colon - source) : strlen(source);
	arg = colon ? colon + 1 : NULL;
	for (i = 0; i < ARRAY_SIZE(sources); i++)
		if (strlen(sources[i]->name) == len && !strncmp(sources[i]->name, source, len))
			return sources[i]->load(ctx, arg, out);
	return iok_fail(ctx, -EINVAL,
			"unknown source '%s' (sysfs[:ROOT], lspci:FILE, json:FILE, builtin:NAME)",
			source);
}

IOK_EXPORT int iok_topo_load_json_string(struct iok_ctx *ctx, const char *name,
					 const char *text, struct iok_topo **out)
{
	char src[256];

	if (!ctx || !text || !out)
		return -EINVAL;
	snprintf(src, sizeof(src), "json:%s", name ? name : "-");
	return iok_json_load_text(ctx, src, name ? name : "-", text, out);
}
