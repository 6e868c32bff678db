/* SPDX-License-Identifier: MIT */
/*
 * Paths below a root that stands for "/" (the live machine, or a tree
 * captured by tools/capture-sysfs.sh): shared by the sysfs topology source
 * and the host scan of `iommukit plan`. Header-only, because the tool sees
 * only the library's exported symbols.
 */
#ifndef IOK_UTIL_PATH_H
#define IOK_UTIL_PATH_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* "@a/@b" with one slash between them; NULL when out of memory. */
static inline char *iok_path_join(const char *a, const char *b)
{
	size_t n = strlen(a);
	char *p;

	if (asprintf(&p, "%s%s%s", a, n && a[n - 1] == '/' ? "" : "/", b) < 0)
		return NULL;
	return p;
}

/* Whether @path is a directory (following links); false for NULL. */
static inline bool iok_is_dir(const char *path)
{
	struct stat st;

	return path && !stat(path, &st) && S_ISDIR(st.st_mode);
}

#endif
