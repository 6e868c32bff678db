// SPDX-License-Identifier: MIT
/* The builtin source: topologies shipped inside the library. */
#include <stdio.h>

#include "lib/topo/topo-private.h"
#include "lib/topo/builtin.h"

static const struct iok_builtin *find(const char *name)
{
	const struct iok_builtin *b;

	for (b = iok_builtins; b->name; b++)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

static int builtin_load(struct iok_ctx *ctx, const char *name, struct iok_topo **out)
{
	const struct iok_builtin *b = name ? find(name) : NULL;
	char src[64];

	if (!b) {
		char list[256] = "";
		const struct iok_builtin *p;

		for (p = iok_builtins; p->name; p++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 p == iok_builtins ? "" : ", ", p->name);
		return iok_fail(ctx, -ENOENT, "no built-in topology '%s' (have: %s)",
				name ? name : "", list);
	}
	snprintf(src, sizeof(src), "builtin:%s", b->name);
	return iok_json_load_text(ctx, src, src, b->json, out);
}

IOK_EXPORT const char *iok_builtin_name(unsigned int i)
{
	unsigned int n;

	for (n = 0; iok_builtins[n].name; n++)
		if (n == i)
			return iok_builtins[n].name;
	return NULL;
}

IOK_EXPORT const char *iok_builtin_description(const char *name)
{
	const struct iok_builtin *b = name ? find(name) : NULL;

	return b ? b->description : NULL;
}

const struct iok_source iok_source_builtin = {
	.name = "builtin",
	.help = "builtin:NAME    a topology shipped with iommukit (server, laptop)",
	.load = builtin_load,
};
