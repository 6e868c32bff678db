// SPDX-License-Identifier: MIT
/*
 * The json source: machines described by hand (docs/topology-json.md).
 * Every function becomes the config space real hardware would show, and is
 * then decoded like a dump. Unlike a dump, a description is not what a
 * kernel enumerated, so Linux's scan rules decide which functions it sees,
 * and ACS Control holds what firmware left unless the file says otherwise.
 *
 * Every complaint names the JSON path that is wrong: a typo must never
 * silently change a topology.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>

#include <json-c/json.h>

#include "lib/topo/topo-private.h"

#define JSON_MAX_FILE (64u << 20)

struct jparse {
	struct iok_ctx *ctx;
	const char *name;	/* for messages: a file name, "builtin:server" */
	struct iok_topo *topo;
};

/* One entry of "devices", between parsing and finalisation. */
struct jdev {
	struct json_object *obj;
	char path[32];
	uint32_t domain;
	uint8_t bus, devfn;
	uint64_t key;
	struct iok_synth s;
	unsigned int config_size;
	bool external_facing;
	struct iok_dev *dev;
};

static int __attribute__((format(printf, 4, 5)))
jfail(struct jparse *j, const char *path, const char *key, const char *fmt, ...)
{
	char where[160], msg[320];
	va_list ap;

	snprintf(where, sizeof(where), "%s%s%s", path, *path && key ? "." : "",
		 key ? key : "");
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (*where)
		iok_fail(j->ctx, -EINVAL, "%s: %s: %s", j->name, where, msg);
	else
		iok_fail(j->ctx, -EINVAL, "%s: %s", j->name, msg);
	return -EINVAL;
}

/* ---- typed members ----------------------------------------------------- */

static const char *type_desc(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double: return "a number with a fraction or exponent";
	case json_type_int: return "an integer";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	return "an unknown type";
}

static const char *type_want(enum json_type t)
{
	switch (t) {
	case json_type_boolean: return "a boolean (true or false)";
	case json_type_int: return "an integer";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	default: return "a value";
	}
}

static int check_keys(struct jparse *j, struct json_object *obj, const char *path,
		      const char *const *keys)
{
	json_object_object_foreach(obj, k, v) {
		unsigned int i;

		for (i = 0; keys[i]; i++)
			if (!strcmp(keys[i], k))
				break;
		if (!keys[i])
			return jfail(j, path, NULL, "unknown key \"%s\"", k);
		if (!strcmp(k, "comment") && !json_object_is_type(v, json_type_string))
			return jfail(j, path, k, "expected a string, got %s", type_desc(v));
	}
	return 0;
}

/* Member @key of @obj: 1 with *out set, 0 when absent, or a negative errno. */
static int member(struct jparse *j, struct json_object *obj, const char *path,
		  const char *key, enum json_type type, bool required,
		  struct json_object **out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v)) {
		if (required)
			return jfail(j, path, NULL, "missing \"%s\"", key);
		return 0;
	}
	if (!json_object_is_type(v, type))
		return jfail(j, path, key, "expected %s, got %s", type_want(type), type_desc(v));
	*out = v;
	return 1;
}

static int get_string(struct jparse *j, struct json_object *obj, const char *path,
		      const char *key, bool required, const char **out)
{
	struct json_object *v = NULL;
	int rc = member(j, obj, path, key, json_type_string, required, &v);

	if (rc > 0)
		*out = json_object_get_string(v);
	return rc;
}

static int get_bool(struct jparse *j, struct json_object *obj, const char *path,
		    const char *key, bool *out)
{
	struct json_object *v = NULL;
	int rc = member(j, obj, path, key, json_type_boolean, false, &v);

	if (rc > 0)
		*out = json_object_get_boolean(v);
	return rc;
}

static int int_value(struct jparse *j, struct json_object *v, const char *path,
		     const char *key, int64_t min, int64_t max, int64_t *out)
{
	int64_t n = json_object_get_int64(v);

	if (n < min || n > max)
		return jfail(j, path, key, "%" PRId64 " is out of range (%" PRId64 " to %" PRId64 ")",
			     n, min, max);
	*out = n;
	return 1;
}

static int get_int(struct jparse *j, struct json_object *obj, const char *path,
		   const char *key, bool required, int64_t min, int64_t max,
		   int64_t *out)
{
	struct json_object *v = NULL;
	int rc = member(j, obj, path, key, json_type_int, required, &v);

	if (rc <= 0)
		return rc;
	return int_value(j, v, path, key, min, max, out);
}

static unsigned int hexdigit(char c)
{
	return isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10;
}

/* Hex digits with an optional 0x: 0, or -EINVAL (not hex), -ERANGE (> @max). */
static int parse_hex(const char *s, uint64_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (!isxdigit((unsigned char)*s))
			return -EINVAL;
		v = v * 16 + hexdigit(*s);
		if (v > max)
			return -ERANGE;
	}
	*out = v;
	return 0;
}

static int hex_value(struct jparse *j, const char *s, const char *path,
		     const char *key, uint32_t max, uint32_t *out)
{
	int rc = parse_hex(s, max, out);

	if (rc == -ERANGE)
		return jfail(j, path, key, "\"%s\" is out of range (at most 0x%x)", s, max);
	if (rc)
		return jfail(j, path, key, "\"%s\" is not a hex number", s);
	return 1;
}

static int get_hex(struct jparse *j, struct json_object *obj, const char *path,
		   const char *key, bool required, uint32_t max, uint32_t *out)
{
	const char *s = NULL;
	int rc = get_string(j, obj, path, key, required, &s);

	if (rc <= 0)
		return rc;
	return hex_value(j, s, path, key, max, out);
}

/* Bus numbers: a hex string, or an integer. */
static int get_busnr(struct jparse *j, struct json_object *obj, const char *path,
		     const char *key, int *out)
{
	struct json_object *v;
	uint32_t x;
	int64_t n = 0;
	int rc;

	if (!json_object_object_get_ex(obj, key, &v))
		return 0;
	if (json_object_is_type(v, json_type_int)) {
		rc = int_value(j, v, path, key, 0, 0xff, &n);
		if (rc > 0)
			*out = n;
		return rc;
	}
	if (!json_object_is_type(v, json_type_string))
		return jfail(j, path, key, "expected a bus number (hex string or integer), got %s",
			     type_desc(v));
	rc = hex_value(j, json_object_get_string(v), path, key, 0xff, &x);
	if (rc > 0)
		*out = x;
	return rc;
}

/* "vvvv:dddd" */
static int parse_id_pair(struct jparse *j, const char *s, const char *path,
			 const char *key, uint16_t *a, uint16_t *b)
{
	const char *colon = strchr(s, ':');
	char first[8];
	uint32_t x, y;

	if (!colon || colon - s > 6)
		return jfail(j, path, key, "\"%s\" is not of the form vvvv:dddd", s);
	snprintf(first, sizeof(first), "%.*s", (int)(colon - s), s);
	if (parse_hex(first, 0xffff, &x) || parse_hex(colon + 1, 0xffff, &y))
		return jfail(j, path, key, "\"%s\" is not of the form vvvv:dddd (hex)", s);
	*a = x;
	*b = y;
	return 0;
}

/* "DDDD:BB:DD.F" or "BB:DD.F", nothing else (sscanf alone allows signs, spaces). */
static int parse_bdf_strict(const char *s, uint32_t *domain, uint8_t *bus, uint8_t *devfn)
{
	const char *p, *first = strchr(s, ':');

	for (p = s; *p; p++)
		if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
			return -EINVAL;
	if (!first || first - s > 8)
		return -EINVAL;
	return iok_parse_bdf(s, domain, bus, devfn);
}

static int get_bdf(struct jparse *j, struct json_object *v, const char *path,
		   const char *key, uint32_t *domain, uint8_t *bus, uint8_t *devfn)
{
	if (!json_object_is_type(v, json_type_string))
		return jfail(j, path, key, "expected a PCI address string, got %s", type_desc(v));
	if (parse_bdf_strict(json_object_get_string(v), domain, bus, devfn))
		return jfail(j, path, key, "\"%s\" is not a PCI address (DDDD:BB:DD.F or BB:DD.F)",
			     json_object_get_string(v));
	return 0;
}

/* ---- the JSON text ----------------------------------------------------- */

static void line_col(const char *text, size_t off, unsigned int *line, unsigned int *col)
{
	size_t i, start = 0;

	*line = 1;
	for (i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			(*line)++;
			start = i + 1;
		}
	}
	*col = off - start + 1;
}

static int tokenize(struct jparse *j, const char *text, struct json_object **out)
{
	struct json_tokener *tok = json_tokener_new();
	enum json_tokener_error err;
	struct json_object *root;
	unsigned int line, col;
	size_t len = strlen(text), end;

	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, len);
	err = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (root && err == json_tokener_success) {
		*out = root;
		return 0;
	}
	json_object_put(root);
	line_col(text, end, &line, &col);
	if (err == json_tokener_continue)
		return iok_fail(j->ctx, -EINVAL, "%s:%u:%u: %s", j->name, line, col,
				len ? "unexpected end of input (unterminated object, array or string)" :
				      "empty input: expected a JSON object");
	return iok_fail(j->ctx, -EINVAL, "%s:%u:%u: JSON syntax error: %s", j->name, line, col,
			json_tokener_error_desc(err));
}

/* "\u0000" would cut a C string short and hide the rest from every check. */
static int check_nul(struct jparse *j, struct json_object *v, const char *path)
{
	char sub[160];
	size_t i;
	int rc;

	switch (json_object_get_type(v)) {
	case json_type_string:
		if (strlen(json_object_get_string(v)) == (size_t)json_object_get_string_len(v))
			return 0;
		return jfail(j, path, NULL, "string contains a NUL character");
	case json_type_array:
		for (i = 0; i < json_object_array_length(v); i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			rc = check_nul(j, json_object_array_get_idx(v, i), sub);
			if (rc)
				return rc;
		}
		return 0;
	case json_type_object: {
		json_object_object_foreach(v, k, m) {
			snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", k);
			rc = check_nul(j, m, sub);
			if (rc)
				return rc;
		}
		return 0;
	}
	default:
		return 0;
	}
}

/* ---- platform ---------------------------------------------------------- */

static int set_param(struct jparse *j, struct json_object *plat, const char *key)
{
	const char *v;
	char where[64];
	int rc = get_string(j, plat, "platform", key, false, &v);

	if (rc <= 0)
		return rc;
	rc = iok_topo_set_param(j->topo, key, v);
	if (!rc)
		return 0;
	snprintf(where, sizeof(where), "%s: platform.%s", j->name, key);
	return iok_fail_prefix(j->ctx, rc, where);
}

static int canonical_bdf(struct jparse *j, struct json_object *v, const char *path,
			 char **out)
{
	uint32_t domain;
	uint8_t bus, devfn;
	char buf[24];
	int rc = get_bdf(j, v, path, NULL, &domain, &bus, &devfn);

	if (rc)
		return rc;
	/* Scopes are compared with device names, which are canonical. */
	iok_format_bdf(buf, sizeof(buf), domain, bus, devfn);
	*out = strdup(buf);
	return *out ? 0 : -ENOMEM;
}

static int parse_scope(struct jparse *j, struct iok_unit *u, struct json_object *arr,
		       const char *path)
{
	size_t i, n = json_object_array_length(arr);
	char p[128];
	int rc;

	u->scope = calloc(n + 1, sizeof(*u->scope));
	if (!u->scope)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s.scope[%zu]", path, i);
		rc = canonical_bdf(j, json_object_array_get_idx(arr, i), p, &u->scope[i]);
		if (rc)
			return rc;
		u->nr_scope++;
	}
	return 0;
}

static int parse_unit(struct jparse *j, struct json_object *o, const char *path,
		      struct iok_unit *u)
{
	static const char *const keys[] = { "name", "scope", "include_all", "comment", NULL };
	struct json_object *scope = NULL;
	const char *name = NULL;
	int rc, has_scope;

	if (!json_object_is_type(o, json_type_object))
		return jfail(j, path, NULL, "expected a unit object, got %s", type_desc(o));
	rc = check_keys(j, o, path, keys);
	rc = rc ?: get_string(j, o, path, "name", true, &name);
	if (rc < 0)
		return rc;
	if (!*name)
		return jfail(j, path, "name", "empty unit name");
	rc = get_bool(j, o, path, "include_all", &u->include_all);
	if (rc < 0)
		return rc;
	has_scope = member(j, o, path, "scope", json_type_array, false, &scope);
	if (has_scope < 0)
		return has_scope;
	if (u->include_all && has_scope)
		return jfail(j, path, NULL, "an include_all unit has no \"scope\"");
	if (!u->include_all && !has_scope)
		return jfail(j, path, NULL, "a unit needs \"scope\" or \"include_all\": true");
	u->name = strdup(name);
	if (!u->name)
		return -ENOMEM;
	return has_scope ? parse_scope(j, u, scope, path) : 0;
}

static int parse_units(struct jparse *j, struct json_object *arr)
{
	size_t i, n = json_object_array_length(arr);
	char path[96];
	int rc;

	if (!n)
		return jfail(j, "platform", "units",
			     "empty; leave \"units\" out for one unit covering everything");
	j->topo->units = calloc(n, sizeof(*j->topo->units));
	if (!j->topo->units)
		return -ENOMEM;
	/* Zeroed units are safe to free: the topology owns them from now. */
	j->topo->nr_units = n;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "platform.units[%zu]", i);
		rc = parse_unit(j, json_object_array_get_idx(arr, i), path, &j->topo->units[i]);
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_platform(struct jparse *j, struct json_object *root,
			  struct json_object **vmd)
{
	static const char *const keys[] = { "iommu", "kernel", "acs", "cmdline", "units",
					    "vmd", "comment", NULL };
	struct json_object *plat, *units;
	int rc;

	rc = member(j, root, "", "platform", json_type_object, false, &plat);
	if (rc <= 0)
		return rc;
	rc = check_keys(j, plat, "platform", keys);
	/* cmdline last: intel_iommu=off there overrides "iommu". */
	rc = rc ?: set_param(j, plat, "kernel");
	rc = rc < 0 ? rc : set_param(j, plat, "iommu");
	rc = rc < 0 ? rc : set_param(j, plat, "acs");
	rc = rc < 0 ? rc : set_param(j, plat, "cmdline");
	if (rc < 0)
		return rc;
	rc = member(j, plat, "platform", "units", json_type_array, false, &units);
	if (rc > 0)
		rc = parse_units(j, units);
	if (rc < 0)
		return rc;
	rc = member(j, plat, "platform", "vmd", json_type_array, false, vmd);
	return rc < 0 ? rc : 0;
}

static int parse_platform_devices(struct jparse *j, struct json_object *root)
{
	struct json_object *arr;
	size_t i, k, n;
	char path[96];
	int rc;

	rc = member(j, root, "", "platform_devices", json_type_array, false, &arr);
	if (rc <= 0)
		return rc;
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		uint32_t domain;
		uint8_t bus, devfn;
		const char *s = NULL;

		snprintf(path, sizeof(path), "platform_devices[%zu]", i);
		if (!json_object_is_type(v, json_type_string))
			return jfail(j, path, NULL, "expected a device name string, got %s",
				     type_desc(v));
		s = json_object_get_string(v);
		if (!*s || strchr(s, '/') || strchr(s, ' '))
			return jfail(j, path, NULL, "\"%s\" is not a device name", s);
		if (!iok_parse_bdf(s, &domain, &bus, &devfn))
			return jfail(j, path, NULL, "\"%s\" is a PCI address; PCI functions go in \"devices\"", s);
		for (k = 0; k < i; k++)
			if (!strcmp(s, json_object_get_string(json_object_array_get_idx(arr, k))))
				return jfail(j, path, NULL, "\"%s\" is already platform_devices[%zu]", s, k);
		rc = iok_topo_add_platform(j->topo, s, NULL);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- devices ----------------------------------------------------------- */

static const struct {
	const char *name;
	int type;
} pcie_types[] = {
	{ "endpoint", IOK_PCIE_ENDPOINT },
	{ "legacy_endpoint", IOK_PCIE_LEG_END },
	{ "root_port", IOK_PCIE_ROOT_PORT },
	{ "upstream", IOK_PCIE_UPSTREAM },
	{ "downstream", IOK_PCIE_DOWNSTREAM },
	{ "pcie_to_pci", IOK_PCIE_PCI_BRIDGE },
	{ "pci_to_pcie", IOK_PCIE_PCIE_BRIDGE },
	{ "rc_endpoint", IOK_PCIE_RC_END },
	{ "rc_event_collector", IOK_PCIE_RC_EC },
};

static int parse_pcie(struct jparse *j, struct jdev *d)
{
	struct json_object *v;
	unsigned int i;
	int64_t n = 0;
	const char *s = NULL;

	d->s.pcie_type = -1;
	if (!json_object_object_get_ex(d->obj, "pcie", &v))
		return 0;
	if (json_object_is_type(v, json_type_int)) {
		if (int_value(j, v, d->path, "pcie", 0, 15, &n) < 0)
			return -EINVAL;
		d->s.pcie_type = n;
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return jfail(j, d->path, "pcie", "expected a port type name or 0-15, got %s",
			     type_desc(v));
	s = json_object_get_string(v);
	for (i = 0; i < ARRAY_SIZE(pcie_types); i++) {
		if (!strcmp(s, pcie_types[i].name)) {
			d->s.pcie_type = pcie_types[i].type;
			return 0;
		}
	}
	return jfail(j, d->path, "pcie",
		     "unknown type \"%s\" (endpoint, legacy_endpoint, root_port, upstream, downstream, pcie_to_pci, pci_to_pcie, rc_endpoint, rc_event_collector, or 0-15)",
		     s);
}

static bool is_port_or_bridge(int type)
{
	return type >= IOK_PCIE_ROOT_PORT && type <= IOK_PCIE_PCIE_BRIDGE;
}

static int parse_header(struct jparse *j, struct jdev *d, bool has_secondary)
{
	static const char *const names[] = { "normal", "bridge", "cardbus" };
	const char *s = NULL;
	unsigned int i;
	int rc = get_string(j, d->obj, d->path, "header", false, &s);

	if (rc < 0)
		return rc;
	if (!rc) {
		d->s.layout = has_secondary || is_port_or_bridge(d->s.pcie_type) ? 1 : 0;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			d->s.layout = i;
			return 0;
		}
	}
	return jfail(j, d->path, "header", "unknown header \"%s\" (normal, bridge, cardbus)", s);
}

static int parse_buses(struct jparse *j, struct jdev *d)
{
	int sec = -1, sub = -1, rc;

	rc = get_busnr(j, d->obj, d->path, "secondary", &sec);
	if (rc >= 0)
		rc = get_busnr(j, d->obj, d->path, "subordinate", &sub);
	if (rc < 0)
		return rc;
	if (sub >= 0 && sec < 0)
		return jfail(j, d->path, "subordinate", "given without \"secondary\"");
	rc = parse_header(j, d, sec >= 0);
	if (rc)
		return rc;
	if (sec >= 0 && d->s.layout == 0)
		return jfail(j, d->path, "secondary",
			     "only a bridge has bus numbers (\"header\" is \"normal\")");
	d->s.busnr = d->bus;
	d->s.secondary = sec >= 0 ? sec : 0;
	d->s.subordinate = sub >= 0 ? sub : d->s.secondary;
	return 0;
}

static int parse_ids(struct jparse *j, struct jdev *d)
{
	const char *s = NULL;
	uint32_t x;
	int rc;

	rc = get_string(j, d->obj, d->path, "id", true, &s);
	if (rc < 0)
		return rc;
	if (parse_id_pair(j, s, d->path, "id", &d->s.vendor, &d->s.device))
		return -EINVAL;
	if (d->s.vendor == 0xffff)
		return jfail(j, d->path, "id", "vendor ffff reads as an absent function");
	rc = get_string(j, d->obj, d->path, "subsystem", false, &s);
	if (rc < 0)
		return rc;
	if (rc && d->s.layout == 1)
		return jfail(j, d->path, "subsystem",
			     "a PCI-to-PCI bridge header has no subsystem ID");
	if (rc && parse_id_pair(j, s, d->path, "subsystem", &d->s.subvendor, &d->s.subdevice))
		return -EINVAL;
	d->s.class = d->s.layout == 1 ? 0x060400 : d->s.layout == 2 ? 0x060700 : 0;
	rc = get_hex(j, d->obj, d->path, "class", false, 0xffffff, &d->s.class);
	if (rc < 0)
		return rc;
	rc = get_hex(j, d->obj, d->path, "revision", false, 0xff, &x);
	if (rc > 0)
		d->s.revision = x;
	return rc < 0 ? rc : 0;
}

static const char *const acs_names[] = { "SV", "TB", "RR", "CR", "UF", "EC", "DT" };

static unsigned int count_words(const char *s)
{
	unsigned int n = 0;
	bool in = false;

	for (; *s; s++) {
		bool blank = *s == ' ' || *s == '\t';

		if (!blank && !in)
			n++;
		in = !blank;
	}
	return n;
}

/* "0x1d", or names separated by blanks; "" is none. */
static int parse_acs_bits(struct jparse *j, const char *s, const char *path,
			  const char *key, uint16_t *out)
{
	_cleanup_free_ char *copy = strdup(s);
	bool single = count_words(s) == 1;
	char *save = NULL, *tok;
	uint16_t bits = 0;
	uint32_t x;
	unsigned int i;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		for (i = 0; i < ARRAY_SIZE(acs_names); i++)
			if (!strcasecmp(tok, acs_names[i]))
				break;
		if (i < ARRAY_SIZE(acs_names)) {
			bits |= 1u << i;
			continue;
		}
		/* A lone word that is no name is a hex value ("EC" is the name). */
		if (single && !parse_hex(tok, 0xffff, &x)) {
			*out = x;
			return 0;
		}
		return jfail(j, path, key,
			     "\"%s\" is neither a hex value nor an ACS bit name (SV TB RR CR UF EC DT)",
			     tok);
	}
	*out = bits;
	return 0;
}

static int parse_acs(struct jparse *j, struct jdev *d)
{
	static const char *const keys[] = { "cap", "ctrl", "comment", NULL };
	struct json_object *o;
	const char *s = NULL;
	char path[96];
	int rc;

	rc = member(j, d->obj, d->path, "acs", json_type_object, false, &o);
	if (rc <= 0)
		return rc;
	snprintf(path, sizeof(path), "%s.acs", d->path);
	rc = check_keys(j, o, path, keys);
	rc = rc ?: get_string(j, o, path, "cap", true, &s);
	if (rc < 0)
		return rc;
	rc = parse_acs_bits(j, s, path, "cap", &d->s.acs_cap);
	if (rc)
		return rc;
	rc = get_string(j, o, path, "ctrl", false, &s);
	if (rc > 0)
		rc = parse_acs_bits(j, s, path, "ctrl", &d->s.acs_ctrl);
	if (rc < 0)
		return rc;
	d->s.acs = true;
	return 0;
}

static int parse_ari(struct jparse *j, struct jdev *d)
{
	static const char *const keys[] = { "next", "comment", NULL };
	struct json_object *o;
	char path[96];
	int64_t n = 0;
	int rc;

	rc = member(j, d->obj, d->path, "ari", json_type_object, false, &o);
	if (rc <= 0)
		return rc;
	snprintf(path, sizeof(path), "%s.ari", d->path);
	rc = check_keys(j, o, path, keys);
	rc = rc ?: get_int(j, o, path, "next", true, 0, 255, &n);
	if (rc < 0)
		return rc;
	d->s.ari = true;
	d->s.ari_next = n;
	return 0;
}

static int check_sriov(struct jparse *j, struct jdev *d, const char *path)
{
	uint64_t last;

	if (!d->s.sriov_enabled || !d->s.num_vfs)
		return 0;
	if (!d->s.vf_offset)
		return jfail(j, path, "offset", "0 would make VF 0 the PF itself");
	if (d->s.num_vfs > 1 && !d->s.vf_stride)
		return jfail(j, path, "stride", "0 puts every VF at one routing ID");
	last = (uint64_t)(d->bus << 8 | d->devfn) + d->s.vf_offset +
	       (uint64_t)(d->s.num_vfs - 1) * d->s.vf_stride;
	if (last > 0xffff)
		return jfail(j, path, "num_vfs",
			     "the last VF would have routing ID 0x%" PRIx64 ", beyond bus ff", last);
	return 0;
}

static int parse_sriov(struct jparse *j, struct jdev *d)
{
	static const char *const keys[] = { "num_vfs", "offset", "stride", "vf_device",
					    "enabled", "comment", NULL };
	struct json_object *o;
	char path[96];
	int64_t num, off, stride;
	uint32_t vfdev;
	int rc;

	rc = member(j, d->obj, d->path, "sriov", json_type_object, false, &o);
	if (rc <= 0)
		return rc;
	snprintf(path, sizeof(path), "%s.sriov", d->path);
	rc = check_keys(j, o, path, keys);
	rc = rc ?: get_int(j, o, path, "num_vfs", true, 0, 0xffff, &num);
	rc = rc < 0 ? rc : get_int(j, o, path, "offset", true, 0, 0xffff, &off);
	rc = rc < 0 ? rc : get_int(j, o, path, "stride", true, 0, 0xffff, &stride);
	rc = rc < 0 ? rc : get_hex(j, o, path, "vf_device", true, 0xffff, &vfdev);
	rc = rc < 0 ? rc : get_bool(j, o, path, "enabled", &d->s.sriov_enabled);
	if (rc < 0)
		return rc;
	d->s.sriov = true;
	d->s.num_vfs = num;
	d->s.vf_offset = off;
	d->s.vf_stride = stride;
	d->s.vf_device = vfdev;
	return check_sriov(j, d, path);
}

static int parse_caps(struct jparse *j, struct jdev *d)
{
	int64_t size;
	int rc;

	rc = parse_acs(j, d);
	rc = rc ?: parse_ari(j, d);
	rc = rc ?: parse_sriov(j, d);
	rc = rc ?: get_bool(j, d->obj, d->path, "ari_forwarding", &d->s.ari_forwarding);
	rc = rc < 0 ? rc : get_bool(j, d->obj, d->path, "pcix_266", &d->s.pcix_266);
	rc = rc < 0 ? rc : get_bool(j, d->obj, d->path, "multifunction", &d->s.multifunction);
	rc = rc < 0 ? rc : get_bool(j, d->obj, d->path, "external_facing", &d->external_facing);
	if (rc < 0)
		return rc;
	if (d->s.ari_forwarding && d->s.pcie_type < 0)
		return jfail(j, d->path, "ari_forwarding",
			     "ARI Forwarding lives in the PCI Express capability: give \"pcie\"");
	if (d->s.layout == 2 && (d->s.pcie_type >= 0 || d->s.pcix_266))
		return jfail(j, d->path, d->s.pcix_266 ? "pcix_266" : "pcie",
			     "not supported on a CardBus bridge (its header has no room)");
	if (d->external_facing && d->s.layout != 1)
		return jfail(j, d->path, "external_facing", "only a bridge (a port) faces outside");
	/* What a dump would hold: extended space where Linux probes it (spec 1.3). */
	d->config_size = d->s.pcie_type >= 0 || d->s.pcix_266 ||
			 d->s.class >> 8 == 0x0600 ? IOK_CFG_MAX : 256;
	rc = get_int(j, d->obj, d->path, "config_size", false, 64, IOK_CFG_MAX, &size);
	if (rc < 0)
		return rc;
	if (rc && size != 64 && size != 256 && size != IOK_CFG_MAX)
		return jfail(j, d->path, "config_size", "%" PRId64 " is not 64, 256 or 4096", size);
	if (rc)
		d->config_size = size;
	if ((d->s.acs || d->s.ari || d->s.sriov) && d->config_size < IOK_CFG_MAX)
		return jfail(j, d->path, d->s.acs ? "acs" : d->s.ari ? "ari" : "sriov",
			     "an extended capability needs config_size 4096");
	return 0;
}

/* A whole config space as hex: pairs of digits, blanks anywhere between. */
static int config_blob(struct jparse *j, struct jdev *d, const char *s, uint8_t *cfg)
{
	bool explicit_size = json_object_object_get_ex(d->obj, "config_size", NULL);
	uint16_t vendor, device;
	unsigned int n = 0;
	const char *p;

	for (p = s; *p;) {
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]))
			return jfail(j, d->path, "config",
				     "not a pair of hex digits at character %zu", (size_t)(p - s) + 1);
		if (n == IOK_CFG_MAX)
			return jfail(j, d->path, "config", "more than 4096 bytes");
		cfg[n++] = hexdigit(p[0]) << 4 | hexdigit(p[1]);
		p += 2;
	}
	if (n != 64 && n != 256 && n != IOK_CFG_MAX)
		return jfail(j, d->path, "config",
			     "%u bytes; a captured config space has 64, 256 or 4096", n);
	if (explicit_size && n != d->config_size)
		return jfail(j, d->path, "config", "%u bytes, but config_size is %u", n,
			     d->config_size);
	/* A typo in either place must not go unnoticed; VFs read as all ones. */
	vendor = cfg[0] | cfg[1] << 8;
	device = cfg[2] | cfg[3] << 8;
	if (vendor != 0xffff && (vendor != d->s.vendor || device != d->s.device))
		return jfail(j, d->path, "config", "the bytes say %04x:%04x but \"id\" is %04x:%04x",
			     vendor, device, d->s.vendor, d->s.device);
	memset(cfg + n, 0, IOK_CFG_MAX - n);
	d->config_size = n;
	return 0;
}

/* { "0xf0": "0x01", ... }: single bytes written over the synthesized space. */
static int config_writes(struct jparse *j, struct jdev *d, struct json_object *o,
			 uint8_t *cfg)
{
	char path[96];

	snprintf(path, sizeof(path), "%s.config", d->path);
	json_object_object_foreach(o, k, v) {
		uint32_t off, val;

		if (hex_value(j, k, path, NULL, IOK_CFG_MAX - 1, &off) < 0)
			return -EINVAL;
		if (off >= d->config_size)
			return jfail(j, path, k, "offset beyond the %u captured bytes (config_size)",
				     d->config_size);
		if (!json_object_is_type(v, json_type_string))
			return jfail(j, path, k, "expected a hex byte string, got %s", type_desc(v));
		if (hex_value(j, json_object_get_string(v), path, k, 0xff, &val) < 0)
			return -EINVAL;
		cfg[off] = val;
	}
	return 0;
}

static int apply_config(struct jparse *j, struct jdev *d, uint8_t *cfg)
{
	struct json_object *v;

	if (!json_object_object_get_ex(d->obj, "config", &v))
		return 0;
	if (json_object_is_type(v, json_type_object))
		return config_writes(j, d, v, cfg);
	if (json_object_is_type(v, json_type_string))
		return config_blob(j, d, json_object_get_string(v), cfg);
	return jfail(j, d->path, "config", "expected an object of byte writes or a hex string, got %s",
		     type_desc(v));
}

static int add_aliases(struct jparse *j, struct jdev *d)
{
	struct json_object *arr;
	size_t i, n;
	char path[96];
	int rc;

	rc = member(j, d->obj, d->path, "dma_aliases", json_type_array, false, &arr);
	if (rc <= 0)
		return rc;
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		unsigned int dev, fn;
		const char *s = NULL;
		int len = 0;

		snprintf(path, sizeof(path), "%s.dma_aliases[%zu]", d->path, i);
		if (!json_object_is_type(v, json_type_string))
			return jfail(j, path, NULL, "expected \"DD.F\", got %s", type_desc(v));
		s = json_object_get_string(v);
		if (!isxdigit((unsigned char)s[0]) ||
		    sscanf(s, "%2x.%1x%n", &dev, &fn, &len) != 2 || s[len] || dev > 0x1f || fn > 7)
			return jfail(j, path, NULL, "\"%s\" is not a device and function DD.F on the same bus", s);
		if ((dev << 3 | fn) == d->devfn)
			return jfail(j, path, NULL, "\"%s\" is the function itself", s);
		rc = iok_topo_add_alias(d->dev, dev << 3 | fn);
		if (rc)
			return rc;
	}
	return 0;
}

static int add_device(struct jparse *j, struct jdev *d)
{
	_cleanup_free_ uint8_t *cfg = malloc(IOK_CFG_MAX);
	const char *driver;
	int rc;

	if (!cfg)
		return -ENOMEM;
	iok_synth_cfg(&d->s, cfg);
	rc = apply_config(j, d, cfg);
	if (rc)
		return rc;
	rc = iok_topo_add_pci(j->topo, d->domain, d->bus, d->devfn, cfg, d->config_size, &d->dev);
	if (rc)
		return rc;
	rc = get_string(j, d->obj, d->path, "driver", false, &driver);
	if (rc > 0) {
		d->dev->driver = strdup(driver);
		if (!d->dev->driver)
			return -ENOMEM;
	}
	return rc < 0 ? rc : add_aliases(j, d);
}

static int parse_device(struct jparse *j, struct jdev *d)
{
	static const char *const keys[] = {
		"bdf", "id", "subsystem", "class", "revision", "header", "multifunction",
		"pcie", "acs", "secondary", "subordinate", "ari", "ari_forwarding", "sriov",
		"pcix_266", "dma_aliases", "external_facing", "driver", "config",
		"config_size", "comment", NULL,
	};
	int rc;

	rc = check_keys(j, d->obj, d->path, keys);
	rc = rc ?: parse_pcie(j, d);
	rc = rc ?: parse_buses(j, d);
	rc = rc ?: parse_ids(j, d);
	rc = rc ?: parse_caps(j, d);
	return rc ?: add_device(j, d);
}

static int cmp_key(const void *a, const void *b)
{
	const struct jdev *x = *(struct jdev * const *)a, *y = *(struct jdev * const *)b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Addresses first, so a duplicate is reported before anything else about it. */
static int read_addresses(struct jparse *j, struct jdev *devs, size_t n,
			  struct jdev **sorted)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		struct jdev *d = &devs[i];
		struct json_object *v;

		snprintf(d->path, sizeof(d->path), "devices[%zu]", i);
		if (!json_object_is_type(d->obj, json_type_object))
			return jfail(j, d->path, NULL, "expected a device object, got %s",
				     type_desc(d->obj));
		rc = member(j, d->obj, d->path, "bdf", json_type_string, true, &v);
		if (rc < 0)
			return rc;
		rc = get_bdf(j, v, d->path, "bdf", &d->domain, &d->bus, &d->devfn);
		if (rc)
			return rc;
		d->key = (uint64_t)d->domain << 16 | d->bus << 8 | d->devfn;
		sorted[i] = d;
	}
	qsort(sorted, n, sizeof(*sorted), cmp_key);
	for (i = 1; i < n; i++) {
		struct jdev *d = sorted[i];
		char bdf[24];

		if (d->key != sorted[i - 1]->key)
			continue;
		iok_format_bdf(bdf, sizeof(bdf), d->domain, d->bus, d->devfn);
		return jfail(j, d->path, "bdf", "%s is already %s", bdf, sorted[i - 1]->path);
	}
	return 0;
}

static bool listed(struct jdev **sorted, size_t n, uint64_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (sorted[mid]->key == key)
			return true;
		if (sorted[mid]->key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Enabled VFs the file does not list itself, as Linux would create them. */
static int add_vfs(struct jparse *j, struct jdev *pf, struct jdev **sorted, size_t n)
{
	_cleanup_free_ uint8_t *cfg = malloc(IOK_CFG_MAX);
	struct iok_synth vf = {
		.vendor = pf->s.vendor,
		.device = pf->s.vf_device,
		.subvendor = pf->s.subvendor,
		.subdevice = pf->s.subdevice,
		.class = pf->s.class,
		.revision = pf->s.revision,
		.pcie_type = IOK_PCIE_ENDPOINT,
	};
	unsigned int i, rid = pf->bus << 8 | pf->devfn;
	int rc;

	if (!cfg)
		return -ENOMEM;
	iok_synth_cfg(&vf, cfg);
	for (i = 0; i < pf->s.num_vfs; i++) {
		unsigned int vrid = rid + pf->s.vf_offset + i * pf->s.vf_stride;

		if (listed(sorted, n, (uint64_t)pf->domain << 16 | vrid))
			continue;
		rc = iok_topo_add_pci(j->topo, pf->domain, vrid >> 8, vrid & 0xff, cfg,
				      IOK_CFG_MAX, NULL);
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_devices(struct jparse *j, struct json_object *root,
			 struct jdev **out, size_t *nr)
{
	_cleanup_free_ struct jdev **sorted = NULL;
	struct json_object *arr;
	struct jdev *devs;
	size_t i, n;
	int rc;

	rc = member(j, root, "", "devices", json_type_array, true, &arr);
	if (rc < 0)
		return rc;
	n = json_object_array_length(arr);
	devs = calloc(n + 1, sizeof(*devs));
	sorted = calloc(n + 1, sizeof(*sorted));
	if (!devs || !sorted) {
		free(devs);
		return -ENOMEM;
	}
	*out = devs;
	*nr = n;
	for (i = 0; i < n; i++)
		devs[i].obj = json_object_array_get_idx(arr, i);
	rc = read_addresses(j, devs, n, sorted);
	for (i = 0; !rc && i < n; i++)
		rc = parse_device(j, &devs[i]);
	for (i = 0; !rc && i < n; i++)
		if (devs[i].s.sriov && devs[i].s.sriov_enabled)
			rc = add_vfs(j, &devs[i], sorted, n);
	return rc;
}

/* ---- after the functions exist ----------------------------------------- */

static struct iok_dev *find_listed(struct jdev *devs, size_t n, uint32_t domain,
				   uint8_t bus, uint8_t devfn)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (devs[i].domain == domain && devs[i].bus == bus && devs[i].devfn == devfn)
			return devs[i].dev;
	return NULL;
}

static int map_vmd(struct jparse *j, struct json_object *vmd, struct jdev *devs, size_t n)
{
	static const char *const keys[] = { "endpoint", "domain", "comment", NULL };
	size_t i, k, nv = vmd ? json_object_array_length(vmd) : 0;
	uint32_t domains[64];
	char path[96];
	int rc;

	if (nv > ARRAY_SIZE(domains))
		return jfail(j, "platform", "vmd", "more than %zu VMD domains", ARRAY_SIZE(domains));
	for (i = 0; i < nv; i++) {
		struct json_object *o = json_object_array_get_idx(vmd, i), *ep;
		struct iok_dev *vdev;
		uint32_t domain;
		uint8_t bus, devfn;

		snprintf(path, sizeof(path), "platform.vmd[%zu]", i);
		if (!json_object_is_type(o, json_type_object))
			return jfail(j, path, NULL, "expected an object, got %s", type_desc(o));
		rc = check_keys(j, o, path, keys);
		rc = rc ?: member(j, o, path, "endpoint", json_type_string, true, &ep);
		rc = rc < 0 ? rc : get_hex(j, o, path, "domain", true, 0xffffffff, &domains[i]);
		if (rc < 0)
			return rc;
		if (domains[i] < 0x10000)
			return jfail(j, path, "domain",
				     "VMD domains start at 10000; %x is an ordinary segment", domains[i]);
		for (k = 0; k < i; k++)
			if (domains[k] == domains[i])
				return jfail(j, path, "domain", "%x is already platform.vmd[%zu]",
					     domains[i], k);
		rc = get_bdf(j, ep, path, "endpoint", &domain, &bus, &devfn);
		if (rc)
			return rc;
		vdev = find_listed(devs, n, domain, bus, devfn);
		if (!vdev)
			return jfail(j, path, "endpoint", "%s is not in \"devices\"",
				     json_object_get_string(ep));
		if (domain == domains[i])
			return jfail(j, path, "endpoint", "the endpoint cannot be in its own VMD domain");
		for (k = 0; k < j->topo->nr_devs; k++) {
			struct iok_dev *d = j->topo->devs[k];

			if (d->is_pci && d->domain == domains[i])
				d->vmd = vdev;
		}
	}
	return 0;
}

/* Linux marks what sits below an external-facing port untrusted. */
static int mark_untrusted(struct jparse *j, struct jdev *devs, size_t n)
{
	struct iok_topo *topo = j->topo;
	_cleanup_free_ bool *ext = calloc(topo->nr_devs + 1, sizeof(*ext));
	struct iok_dev *p;
	size_t i;

	if (!ext)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (devs[i].external_facing)
			ext[devs[i].dev->input_index] = true;
	for (i = 0; i < topo->nr_devs; i++) {
		struct iok_dev *d = topo->devs[i];

		if (!d->is_pci)
			continue;
		for (p = iok_dev_get_parent(d); p; p = iok_dev_get_parent(p)) {
			if (ext[p->input_index]) {
				d->untrusted = true;
				break;
			}
		}
	}
	return 0;
}

/* ---- loading ----------------------------------------------------------- */

static int check_schema(struct jparse *j, struct json_object *root)
{
	static const char *const keys[] = { "schema", "name", "description", "platform",
					    "platform_devices", "devices", "comment", NULL };
	struct json_object *schema;
	const char *s = NULL;
	int64_t v;
	int rc;

	if (!json_object_is_type(root, json_type_object))
		return jfail(j, "", NULL, "expected a JSON object at the top, got %s",
			     type_desc(root));
	rc = member(j, root, "", "schema", json_type_int, false, &schema);
	if (rc < 0)
		return rc;
	if (!rc)
		return jfail(j, "", NULL, "missing \"schema\": 1 (not an iommukit topology?)");
	v = json_object_get_int64(schema);
	if (v != 1)
		return jfail(j, "", "schema", "version %" PRId64 " is not supported (this iommukit reads 1)", v);
	rc = check_keys(j, root, "", keys);
	rc = rc ?: get_string(j, root, "", "name", false, &s);
	rc = rc < 0 ? rc : get_string(j, root, "", "description", false, &s);
	return rc < 0 ? rc : 0;
}

static int build(struct jparse *j, struct json_object *root)
{
	struct json_object *vmd = NULL;
	_cleanup_free_ struct jdev *devs = NULL;
	size_t n = 0;
	int rc;

	rc = check_nul(j, root, "");
	rc = rc ?: check_schema(j, root);
	rc = rc ?: parse_platform(j, root, &vmd);
	rc = rc ?: parse_platform_devices(j, root);
	rc = rc ?: parse_devices(j, root, &devs, &n);
	rc = rc ?: map_vmd(j, vmd, devs, n);
	if (rc)
		return rc;
	rc = iok_topo_finalize(j->topo);
	if (rc)
		return iok_fail_prefix(j->ctx, rc, j->name);
	return mark_untrusted(j, devs, n);
}

int iok_json_load_text(struct iok_ctx *ctx, const char *source, const char *name,
		       const char *text, struct iok_topo **out)
{
	struct jparse j = { .ctx = ctx, .name = name };
	struct json_object *root = NULL;
	int rc;

	if (!ctx || !source || !name || !text || !out)
		return -EINVAL;
	rc = tokenize(&j, text, &root);
	if (rc)
		return rc;
	j.topo = iok_topo_alloc(ctx, source);
	if (!j.topo) {
		json_object_put(root);
		return -ENOMEM;
	}
	/* A description is not what a kernel enumerated; ACS is as firmware left it. */
	j.topo->kernel_enumerated = false;
	j.topo->params.acs_final = false;
	rc = build(&j, root);
	json_object_put(root);
	if (rc) {
		iok_topo_unref(j.topo);
		return rc;
	}
	*out = j.topo;
	return 0;
}

#define READ_CHUNK 65536u

static int read_text(struct iok_ctx *ctx, const char *file, char **out)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0, got;
	FILE *f = fopen(file, "re");
	int err = 0;

	if (!f)
		return iok_fail(ctx, -errno, "%s: %s", file, strerror(errno));
	do {
		if (cap - len < READ_CHUNK / 2) {
			char *p;

			if (cap >= JSON_MAX_FILE) {
				err = -EFBIG;
				break;
			}
			p = realloc(buf, cap + READ_CHUNK + 1);
			if (!p) {
				err = -ENOMEM;
				break;
			}
			buf = p;
			cap += READ_CHUNK;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got);
	if (!err && ferror(f))
		err = -(errno ? errno : EIO);
	fclose(f);
	if (err == -EFBIG)
		return iok_fail(ctx, err, "%s: larger than %u MiB", file, JSON_MAX_FILE >> 20);
	if (err)
		return iok_fail(ctx, err, "%s: %s", file, strerror(-err));
	buf[len] = 0;
	if (strlen(buf) != len) {
		unsigned int line, col;

		line_col(buf, strlen(buf), &line, &col);
		return iok_fail(ctx, -EINVAL, "%s:%u:%u: NUL byte in a JSON file", file, line, col);
	}
	*out = buf;
	buf = NULL;
	return 0;
}

static int json_load(struct iok_ctx *ctx, const char *file, struct iok_topo **out)
{
	_cleanup_free_ char *text = NULL, *src = NULL;
	int rc;

	if (!file || !*file)
		return iok_fail(ctx, -EINVAL, "json source needs a file: json:FILE");
	rc = read_text(ctx, file, &text);
	if (rc)
		return rc;
	if (asprintf(&src, "json:%s", file) < 0)
		return -ENOMEM;
	return iok_json_load_text(ctx, src, file, text, out);
}

const struct iok_source iok_source_json = {
	.name = "json",
	.help = "json:FILE       iommukit's topology description (docs/topology-json.md)",
	.load = json_load,
};
