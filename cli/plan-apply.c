// SPDX-License-Identifier: MIT
/*
 * Carrying a plan out: one write(2) per step, as echo does (value and a
 * newline), stopping at the first failure.
 *
 * Files are opened for appending and never created. On sysfs the offset
 * means nothing to these attributes; on a copied tree (no kernel behind it)
 * each file then holds every value written to it, in order, so tests can
 * check exactly what was done, and a missing file fails as it would on a
 * host whose kernel lacks the attribute.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/plan.h"

static int write_value(const char *path, const char *value, char **why)
{
	size_t len = strlen(value) + 1;
	char *buf = malloc(len);
	ssize_t n;
	int fd, err;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, value, len - 1);
	buf[len - 1] = '\n';
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		err = errno;
		free(buf);
		if (asprintf(why, "cannot open %s: %s", path, strerror(err)) < 0)
			*why = NULL;
		return -err;
	}
	n = write(fd, buf, len);
	err = n < 0 ? errno : (size_t)n != len ? EIO : 0;
	free(buf);
	if (close(fd) && !err)
		err = errno;
	if (!err)
		return 0;
	if (asprintf(why, "writing '%s' to %s: %s", value, path, strerror(err)) < 0)
		*why = NULL;
	return -err;
}

/* On a live sysfs: did vfio-pci take the device? drivers_probe says OK either way. */
static int check_bound(const struct plan *p, const struct plan_write *w, char **why)
{
	char link[PATH_MAX], *path, *slash;
	ssize_t n;

	if (!p->host->live_sysfs || w->kind != PLAN_W_PROBE)
		return 0;
	if (asprintf(&path, "%s/bus/pci/devices/%s/driver", p->host->sys, w->member->name) < 0)
		return -ENOMEM;
	n = readlink(path, link, sizeof(link) - 1);
	free(path);
	link[n < 0 ? 0 : n] = 0;
	slash = strrchr(link, '/');
	if (n > 0 && slash && !strcmp(slash + 1, "vfio-pci"))
		return 0;
	if (asprintf(why, "%s accepted %s but vfio-pci did not bind it (%s%s); the kernel log "
		     "(dmesg) says why", w->path, w->member->name,
		     n > 0 && slash ? "now on " : "now without a driver",
		     n > 0 && slash ? slash + 1 : "") < 0)
		*why = NULL;
	return -ENODEV;
}

int plan_apply(const struct plan *p, struct plan_outcome *out)
{
	unsigned int i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->result = calloc(p->nr_writes + 1, sizeof(*out->result));
	if (!out->result)
		return 1;
	for (i = 0; i < p->nr_writes; i++) {
		const struct plan_write *w = &p->writes[i];

		rc = write_value(w->path, w->value, &out->why);
		if (!rc)
			rc = check_bound(p, w, &out->why);
		if (rc) {
			out->result[i] = PLAN_FAILED;
			out->err = -rc;
			return 1;
		}
		out->result[i] = PLAN_DONE;
		out->done++;
	}
	return 0;
}

void plan_outcome_free(struct plan_outcome *o)
{
	free(o->result);
	free(o->why);
	memset(o, 0, sizeof(*o));
}

static int undo_add(struct plan_undo **u, unsigned int *nr, char *path, const char *value)
{
	struct plan_undo *n = realloc(*u, (*nr + 1) * sizeof(*n));

	if (!n || !path) {
		free(path);
		return -ENOMEM;
	}
	*u = n;
	n[*nr].path = path;
	n[*nr].value = strdup(value);
	if (!n[*nr].value) {
		free(path);
		return -ENOMEM;
	}
	(*nr)++;
	return 0;
}

static char *path_of(const char *sys, const char *a, const char *b)
{
	char *s;

	if (asprintf(&s, "%s/bus/pci/drivers/%s/%s", sys, a, b) < 0)
		return NULL;
	return s;
}

static int undo_one(const struct plan *p, const struct plan_write *w, struct plan_undo **u,
		    unsigned int *nr)
{
	const struct plan_member *m = w->member;

	switch (w->kind) {
	case PLAN_W_PROBE:
		return undo_add(u, nr, path_of(p->host->sys, "vfio-pci", "unbind"), m->name);
	case PLAN_W_OVERRIDE:
		return undo_add(u, nr, strdup(w->path), m->override ? m->override : "");
	case PLAN_W_UNBIND:
		return undo_add(u, nr, path_of(p->host->sys, m->driver, "bind"), m->name);
	}
	return 0;
}

int plan_undo_list(const struct plan *p, const struct plan_outcome *o, struct plan_undo **out,
		   unsigned int *nr)
{
	unsigned int i, j;
	int rc = 0;

	*out = NULL;
	*nr = 0;
	for (i = p->nr_writes; !rc && i-- > 0;) {
		const struct plan_write *w = &p->writes[i];

		if (o->result[i] != PLAN_DONE)
			continue;
		/* The override goes back before the old driver is bound again. */
		if (w->kind == PLAN_W_UNBIND) {
			for (j = i; j-- > 0 && p->writes[j].member == w->member;)
				if (p->writes[j].kind == PLAN_W_OVERRIDE &&
				    o->result[j] == PLAN_DONE)
					rc = undo_one(p, &p->writes[j], out, nr);
		} else if (w->kind == PLAN_W_OVERRIDE && i + 1 < p->nr_writes &&
			   p->writes[i + 1].member == w->member &&
			   p->writes[i + 1].kind == PLAN_W_UNBIND &&
			   o->result[i + 1] == PLAN_DONE) {
			continue;	/* already undone above */
		}
		if (!rc)
			rc = undo_one(p, w, out, nr);
	}
	if (rc) {
		plan_undo_free(*out, *nr);
		*out = NULL;
		*nr = 0;
	}
	return rc;
}

void plan_undo_free(struct plan_undo *u, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		free(u[i].path);
		free(u[i].value);
	}
	free(u);
}
