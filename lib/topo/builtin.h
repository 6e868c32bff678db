/* SPDX-License-Identifier: MIT */
/* Built-in topologies, embedded from lib/topo/builtin/NAME.json at build time. */
#ifndef IOK_BUILTIN_H
#define IOK_BUILTIN_H

struct iok_builtin {
	const char *name;
	const char *description;
	const char *json;
};

extern const struct iok_builtin iok_builtins[];

#endif
