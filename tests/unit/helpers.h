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

#endif
