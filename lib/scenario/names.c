// SPDX-License-Identifier: MIT
/*
 * Names the script gives to what it creates (domains, owners, VFIO fds...)
 * in one namespace, so that a name always means one thing; and the state
 * each command family keeps per scenario.
 */
#include <ctype.h>

#include "lib/scenario/runner.h"

/* Names are words a reader can follow; ':' is kept for "group:BDF" references. */
bool scn_name_valid(const char *name)
{
	const char *p;

	if (!name || !*name || strlen(name) > 64)
		return false;
	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_-.+@", *p))
			return false;
	return true;
}

static struct scn_name *lookup(struct iok_scn *s, const char *name)
{
	unsigned int i;

	if (!name)
		return NULL;
	for (i = 0; i < s->nr_names; i++)
		if (!strcmp(s->names[i].name, name))
			return &s->names[i];
	return NULL;
}

/* Whether @name may be given to a new object. Return: 0 or IOK_SCN_ESCRIPT. */
int scn_name_check(struct iok_scn *s, const char *name)
{
	struct scn_name *n = lookup(s, name);

	if (n)
		return iok_scn_error(s, "'%s' already names %s %s", name,
				     n->kind[0] && strchr("aeiou", n->kind[0]) ? "an" : "a", n->kind);
	if (!scn_name_valid(name))
		return iok_scn_error(s, "'%s' is not a valid name (letters, digits, _-.+@)",
				     name ? name : "");
	return 0;
}

static int name_add(struct iok_scn *s, const char *name, const char *kind, void *obj,
		    bool own_obj)
{
	struct scn_name *n;
	int rc;

	if (!kind || !*kind)
		return iok_scn_error(s, "internal: a name needs a kind");
	rc = scn_name_check(s, name);
	if (rc)
		return rc;
	if (s->nr_names == s->alloc_names) {
		unsigned int alloc = s->alloc_names ? 2 * s->alloc_names : 16;
		struct scn_name *p = realloc(s->names, alloc * sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->names = p;
		s->alloc_names = alloc;
	}
	n = &s->names[s->nr_names];
	n->name = strdup(name);
	if (!n->name)
		return -ENOMEM;
	n->kind = kind;
	n->obj = obj;
	n->own_obj = own_obj;
	s->nr_names++;
	return 0;
}

int iok_scn_name_add(struct iok_scn *s, const char *name, const char *kind,
		     void *obj)
{
	return name_add(s, name, kind, obj, false);
}

void *iok_scn_name_find(struct iok_scn *s, const char *name, const char *kind)
{
	struct scn_name *n = lookup(s, name);

	if (!n || !kind || strcmp(n->kind, kind))
		return NULL;
	return n->obj;
}

int iok_scn_name_get(struct iok_scn *s, const char *name, const char *kind, void **out)
{
	struct scn_name *n = lookup(s, name);

	if (!n)
		return iok_scn_error(s, "unknown %s '%s'", kind, name ? name : "");
	if (strcmp(n->kind, kind))
		return iok_scn_error(s, "'%s' is a %s, not a %s", name, n->kind, kind);
	*out = n->obj;
	return 0;
}

void iok_scn_name_del(struct iok_scn *s, const char *name)
{
	struct scn_name *n = lookup(s, name);
	unsigned int i;

	if (!n)
		return;
	i = n - s->names;
	free(n->name);
	if (n->own_obj)
		free(n->obj);
	memmove(&s->names[i], &s->names[i + 1], (s->nr_names - i - 1) * sizeof(*n));
	s->nr_names--;
}

void iok_scn_name_foreach(struct iok_scn *s, const char *kind,
			  void (*fn)(const char *name, void *obj, void *arg), void *arg)
{
	unsigned int i;

	/* @fn may delete the name it is given: walk a copy of the count. */
	for (i = s->nr_names; i-- > 0;) {
		if (i < s->nr_names && (!kind || !strcmp(s->names[i].kind, kind)))
			fn(s->names[i].name, s->names[i].obj, arg);
	}
}

/* The script name of an object (a domain, an owner cookie), or NULL. */
const char *scn_name_of(struct iok_scn *s, const void *obj)
{
	unsigned int i;

	if (!obj)
		return NULL;
	for (i = 0; i < s->nr_names; i++)
		if (s->names[i].obj == obj)
			return s->names[i].name;
	return NULL;
}

/* An owner is only a cookie: a small allocation of its own per name. */
int scn_owner(struct iok_scn *s, const char *name, const void **cookie)
{
	struct scn_name *n = lookup(s, name);
	char *obj;
	int rc;

	if (n) {
		if (strcmp(n->kind, "owner"))
			return iok_scn_error(s, "'%s' is a %s, not an owner", name, n->kind);
		*cookie = n->obj;
		return 0;
	}
	obj = strdup(name);
	if (!obj)
		return -ENOMEM;
	rc = name_add(s, name, "owner", obj, true);
	if (rc) {
		free(obj);
		return rc;
	}
	*cookie = obj;
	return 0;
}

void scn_names_free(struct iok_scn *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_names; i++) {
		free(s->names[i].name);
		if (s->names[i].own_obj)
			free(s->names[i].obj);
	}
	free(s->names);
	s->names = NULL;
	s->nr_names = s->alloc_names = 0;
}

void *iok_scn_ext_get(struct iok_scn *s, enum iok_scn_ext id)
{
	if (!s || (unsigned int)id >= IOK_SCN_EXT_MAX)
		return NULL;
	return s->ext[id];
}

void iok_scn_ext_set(struct iok_scn *s, enum iok_scn_ext id, void *ext,
		     void (*free_fn)(void *ext))
{
	if (!s || (unsigned int)id >= IOK_SCN_EXT_MAX)
		return;
	if (s->ext[id] && s->ext[id] != ext && s->ext_free[id])
		s->ext_free[id](s->ext[id]);
	s->ext[id] = ext;
	s->ext_free[id] = free_fn;
}

/* Families last to first: a later family may hold objects of an earlier one. */
void scn_ext_free(struct iok_scn *s)
{
	unsigned int i;

	for (i = IOK_SCN_EXT_MAX; i-- > 0;) {
		void *ext = s->ext[i];

		s->ext[i] = NULL;
		if (ext && s->ext_free[i])
			s->ext_free[i](ext);
		s->ext_free[i] = NULL;
	}
}
