// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static void quiet_log(struct iok_ctx *ctx, int prio, const char *file, int line,
		      const char *fn, const char *fmt, va_list args)
{
}

struct iok_ctx *t_ctx(void)
{
	struct iok_ctx *ctx;

	assert_int_equal(iok_new(&ctx), 0);
	iok_set_log_fn(ctx, quiet_log);
	return ctx;
}

struct iok_topo *t_load_json(struct iok_ctx *ctx, const char *json)
{
	struct iok_topo *topo = NULL;
	int rc = iok_topo_load_json_string(ctx, "test", json, &topo);

	if (rc)
		fail_msg("loading JSON failed (%d): %s", rc, iok_get_error(ctx));
	return topo;
}

int t_group_id(struct iok_grouping *g, struct iok_topo *topo, const char *bdf)
{
	struct iok_dev *d;
	struct iok_group *grp;

	if (iok_dev_find(topo, bdf, &d))
		fail_msg("no device %s", bdf);
	grp = iok_dev_get_group(g, d);
	return grp ? iok_group_get_id(grp) : -1;
}

struct expect_dev {
	char bdf[32];
	int set;		/* index of its {...}; -1 for -{...} */
	int id;
};

static unsigned int parse_expect(const char *expect, struct expect_dev *out, unsigned int max)
{
	const char *p = expect;
	unsigned int n = 0;
	int set = 0;

	for (;;) {
		bool none = false;

		while (*p == ' ' || *p == '\n' || *p == '\t')
			p++;
		if (!*p)
			return n;
		if (*p == '-') {
			none = true;
			p++;
		}
		if (*p != '{')
			fail_msg("bad expectation near '%s'", p);
		p++;
		for (;;) {
			int len = 0;

			while (*p == ' ')
				p++;
			if (*p == '}' || !*p)
				break;
			while (p[len] && p[len] != ' ' && p[len] != '}')
				len++;
			if (n == max)
				fail_msg("expectation too long");
			snprintf(out[n].bdf, sizeof(out[n].bdf), "%s%.*s",
				 len == 7 ? "0000:" : "", len, p);
			out[n].set = none ? -1 : set;
			n++;
			p += len;
		}
		if (*p == '}')
			p++;
		if (!none)
			set++;
	}
}

struct iok_grouping *t_groups(struct iok_topo *topo, const char *expect)
{
	static struct expect_dev ex[4096];
	struct iok_grouping *g = NULL;
	unsigned int n, i, j;

	assert_int_equal(iok_grouping_compute(topo, &g), 0);
	n = parse_expect(expect, ex, 4096);
	if (n != iok_topo_count_devs(topo))
		fail_msg("expectation names %u devices, the topology has %u", n,
			 iok_topo_count_devs(topo));
	for (i = 0; i < n; i++) {
		ex[i].id = t_group_id(g, topo, ex[i].bdf);
		if (ex[i].set < 0 && ex[i].id >= 0)
			fail_msg("%s: expected no group, got group %d", ex[i].bdf, ex[i].id);
		if (ex[i].set >= 0 && ex[i].id < 0)
			fail_msg("%s: expected a group, got none", ex[i].bdf);
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			if (ex[i].set < 0 || ex[j].set < 0)
				continue;
			if (ex[i].set == ex[j].set && ex[i].id != ex[j].id)
				fail_msg("%s (group %d) and %s (group %d) should share a group",
					 ex[i].bdf, ex[i].id, ex[j].bdf, ex[j].id);
			if (ex[i].set != ex[j].set && ex[i].id == ex[j].id)
				fail_msg("%s and %s share group %d but should not",
					 ex[i].bdf, ex[j].bdf, ex[i].id);
		}
	return g;
}

void t_assert_groups(struct iok_topo *topo, const char *expect)
{
	iok_grouping_unref(t_groups(topo, expect));
}

int t_setup_ctx(void **state)
{
	*state = t_ctx();
	return 0;
}

int t_teardown_ctx(void **state)
{
	iok_unref(*state);
	return 0;
}

struct iok_topo *t_loadf(struct iok_ctx *ctx, const char *fmt, ...)
{
	struct iok_topo *topo;
	va_list ap;
	char *text, *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	for (p = text; *p; p++)
		if (*p == '\'')
			*p = '"';
	topo = t_load_json(ctx, text);
	free(text);
	return topo;
}

struct iok_dev *t_dev(struct iok_topo *topo, const char *bdf)
{
	struct iok_dev *d = NULL;

	if (iok_dev_find(topo, bdf, &d))
		fail_msg("no device %s", bdf);
	return d;
}

struct iok_grouping *t_compute(struct iok_topo *topo)
{
	struct iok_grouping *g = NULL;

	assert_int_equal(iok_grouping_compute(topo, &g), 0);
	return g;
}

void t_verdict(struct iok_grouping *g, struct iok_topo *topo, const char *bdf,
	       bool isolated, enum iok_acs_rule rule, const char *quirk,
	       unsigned int required, unsigned int missing)
{
	struct iok_acs_verdict v;

	assert_int_equal(iok_dev_acs_verdict(g, t_dev(topo, bdf), &v), 0);
	if (v.isolated != isolated)
		fail_msg("%s: isolated=%d, expected %d (rule: %s, quirk %s)", bdf, v.isolated,
			 isolated, iok_acs_rule_name(v.rule), v.quirk ? v.quirk : "-");
	if (v.rule != rule)
		fail_msg("%s: rule '%s', expected '%s'", bdf, iok_acs_rule_name(v.rule),
			 iok_acs_rule_name(rule));
	if (quirk && (!v.quirk || strcmp(v.quirk, quirk)))
		fail_msg("%s: quirk '%s', expected '%s'", bdf, v.quirk ? v.quirk : "(none)",
			 quirk);
	if (!quirk && rule != IOK_ACS_RULE_QUIRK && rule != IOK_ACS_RULE_OVERRIDE && v.quirk)
		fail_msg("%s: unexpected quirk '%s'", bdf, v.quirk);
	if (required != T_ANYBITS && v.required != required)
		fail_msg("%s: required 0x%02x, expected 0x%02x", bdf, v.required, required);
	if (missing != T_ANYBITS && v.missing != missing)
		fail_msg("%s: missing 0x%02x, expected 0x%02x", bdf, v.missing, missing);
}

void t_first_step(struct iok_grouping *g, struct iok_topo *topo, const char *bdf,
		  enum iok_join_kind kind, const char *to)
{
	struct iok_join_step s;

	assert_int_equal(iok_dev_get_join(g, t_dev(topo, bdf), 0, &s), 0);
	if (s.kind != kind)
		fail_msg("%s: first step '%s', expected '%s'", bdf, iok_join_kind_name(s.kind),
			 iok_join_kind_name(kind));
	if (to && s.dev != t_dev(topo, to))
		fail_msg("%s: first step reaches %s, expected %s", bdf,
			 iok_dev_get_name(s.dev), to);
}
