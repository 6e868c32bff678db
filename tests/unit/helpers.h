/* SPDX-License-Identifier: MIT */
/* Shared helpers of the cmocka unit tests. */
#ifndef IOK_TEST_HELPERS_H
#define IOK_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <iommukit/iommukit.h>

/* Load a topology from JSON text; fails the test on error. */
struct iok_topo *t_load_json(struct iok_ctx *ctx, const char *json);

/*
 * Compute groups and compare them, as a partition, with @expect:
 * "{00:01.0} {01:00.0 01:00.1} -{02:00.0}" where each {...} is one group and
 * -{...} lists devices in no group. Devices of the topology that @expect
 * does not mention fail the test. Group numbers are ignored.
 */
void t_assert_groups(struct iok_topo *topo, const char *expect);

/* Same, returning the grouping for further checks (caller unrefs). */
struct iok_grouping *t_groups(struct iok_topo *topo, const char *expect);

/* Group ID of @bdf (-1 for none). */
int t_group_id(struct iok_grouping *g, struct iok_topo *topo, const char *bdf);

/* A context whose errors go nowhere (tests provoke many). */
struct iok_ctx *t_ctx(void);

/* cmocka group setup/teardown that put a t_ctx() in *state. */
int t_setup_ctx(void **state);
int t_teardown_ctx(void **state);

/* t_load_json() of a printf-formatted text in which ' stands for ". */
struct iok_topo *t_loadf(struct iok_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The device at @bdf; fails the test when absent. */
struct iok_dev *t_dev(struct iok_topo *topo, const char *bdf);

/* iok_grouping_compute() that must succeed. */
struct iok_grouping *t_compute(struct iok_topo *topo);

/* Any bit mask: skips that comparison in t_verdict(). */
#define T_ANYBITS 0xffffu

/* Check iok_dev_acs_verdict() of @bdf: verdict, rule, quirk name (NULL: none
 * expected unless the rule is a quirk), required and missing bits. */
void t_verdict(struct iok_grouping *g, struct iok_topo *topo, const char *bdf,
	       bool isolated, enum iok_acs_rule rule, const char *quirk,
	       unsigned int required, unsigned int missing);

/* Check the first step of how @bdf found its group (@to NULL: any device). */
void t_first_step(struct iok_grouping *g, struct iok_topo *topo, const char *bdf,
		  enum iok_join_kind kind, const char *to);

#endif
