// SPDX-License-Identifier: MIT
/*
 * Hot-plug: devices absent at boot, plugged in later, and unplugged (spec
 * groups 6.4 "Hotplug / late devices" and 8 "Group creation order and
 * numbering").
 */
#include <errno.h>
#include <string.h>

#include "helpers.h"

/*
 * Root bus 00: three single-function conventional devices, each its own
 * group (spec groups 13 #25), 00:03.0 aliasing both others; a root port
 * with ACS and one without, with endpoints that can be plugged in.
 */
static const char machine[] =
	"{'schema': 1, 'devices': ["
	"{'bdf': '00:01.0', 'id': '1b36:0005'},"
	"{'bdf': '00:02.0', 'id': '1b36:0005'},"
	"{'bdf': '00:03.0', 'id': '1b36:0005', 'dma_aliases': [%s]},"
	"{'bdf': '00:04.0', 'id': '1b36:000c', 'pcie': 'root_port', 'secondary': '01',"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '01:00.0', 'id': '8086:10d3', 'pcie': 'endpoint'},"
	"{'bdf': '00:05.0', 'id': '1b36:000c', 'pcie': 'root_port', 'secondary': '02'},"
	"{'bdf': '02:00.0', 'id': '8086:10d3', 'pcie': 'endpoint'}]}";

static struct iok_topo *load(void **state, const char *aliases, const char *absent)
{
	struct iok_topo *t = t_loadf(*state, machine, aliases);

	if (absent)
		assert_int_equal(iok_topo_set_param(t, "absent", absent), 0);
	return t;
}

static void first_step_kind(struct iok_grouping *g, struct iok_topo *t, const char *bdf,
			    enum iok_join_kind kind)
{
	struct iok_join_step s;

	assert_int_equal(iok_dev_get_join(g, t_dev(t, bdf), 0, &s), 0);
	assert_int_equal(s.kind, kind);
}

/* An absent device has no group and says why. */
static void absent_at_boot(void **state)
{
	struct iok_topo *t = load(state, "'01.0', '02.0'", "00:03.0,01:00.0");
	struct iok_grouping *g = t_groups(t,
		"{00:01.0} {00:02.0} {00:04.0} {00:05.0 02:00.0} -{00:03.0 01:00.0}");

	assert_false(iok_dev_is_present(g, t_dev(t, "00:03.0")));
	assert_true(iok_dev_is_present(g, t_dev(t, "00:01.0")));
	first_step_kind(g, t, "01:00.0", IOK_JOIN_ABSENT);
	assert_string_equal(iok_topo_get_param(t, "absent"), "00:03.0,01:00.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/*
 * spec groups 13 #35: a hot-added device whose alias set covers two
 * existing groups joins the one found first in global device order; the two
 * groups stay separate.
 */
static void hotadd_alias_of_two_groups(void **state)
{
	static const char *const orders[] = { "'01.0', '02.0'", "'02.0', '01.0'" };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct iok_topo *t = load(state, orders[i], "00:03.0");
		struct iok_grouping *g = t_compute(t);
		int g1 = t_group_id(g, t, "00:01.0"), g2 = t_group_id(g, t, "00:02.0");

		assert_int_not_equal(g1, g2);
		assert_int_equal(iok_grouping_hotplug_add(g, t_dev(t, "00:03.0")), 0);
		assert_int_equal(t_group_id(g, t, "00:03.0"), g1);
		assert_int_equal(t_group_id(g, t, "00:02.0"), g2);
		t_first_step(g, t, "00:03.0", IOK_JOIN_DMA_ALIAS, "00:01.0");
		iok_grouping_unref(g);
		iok_topo_unref(t);
	}
}

/* Plugged below a port without ACS: the port's group (spec groups 6.3 rule 3). */
static void hotadd_below_non_isolated_port(void **state)
{
	struct iok_topo *t = load(state, "", "02:00.0");
	struct iok_grouping *g = t_compute(t);
	unsigned int n = iok_grouping_count(g);

	assert_int_equal(iok_grouping_hotplug_add(g, t_dev(t, "02:00.0")), 0);
	assert_int_equal(t_group_id(g, t, "02:00.0"), t_group_id(g, t, "00:05.0"));
	assert_int_equal(iok_grouping_count(g), n);
	t_first_step(g, t, "02:00.0", IOK_JOIN_NOT_ISOLATED, "00:05.0");
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

/* The last device leaving frees the ID; the next new group takes the lowest free one. */
static void ids_freed_and_reused(void **state)
{
	struct iok_topo *t = load(state, "", "01:00.0");
	struct iok_grouping *g = t_compute(t);
	int id1 = t_group_id(g, t, "00:01.0"), id5;
	unsigned int n = iok_grouping_count(g);

	assert_int_equal(id1, 0);
	assert_int_equal(iok_grouping_hotplug_remove(g, t_dev(t, "00:01.0")), 0);
	assert_int_equal(iok_grouping_count(g), n - 1);
	assert_int_equal(t_group_id(g, t, "00:01.0"), -1);
	first_step_kind(g, t, "00:01.0", IOK_JOIN_ABSENT);
	/* A group that keeps members keeps its ID. */
	id5 = t_group_id(g, t, "00:05.0");
	assert_int_equal(iok_grouping_hotplug_remove(g, t_dev(t, "02:00.0")), 0);
	assert_int_equal(t_group_id(g, t, "00:05.0"), id5);
	/* A new group: the freed ID 0. */
	assert_int_equal(iok_grouping_hotplug_add(g, t_dev(t, "01:00.0")), 0);
	assert_int_equal(t_group_id(g, t, "01:00.0"), 0);
	assert_int_equal(iok_group_get_id(iok_group_get_first(g)), 0);
	/* Back again: the next free ID, above every used one. */
	assert_int_equal(iok_grouping_hotplug_add(g, t_dev(t, "00:01.0")), 0);
	assert_int_equal(t_group_id(g, t, "00:01.0"), (int)n);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

static void misuse(void **state)
{
	struct iok_topo *t = load(state, "", "01:00.0");
	struct iok_topo *other = load(state, "", NULL);
	struct iok_grouping *g = t_compute(t);
	unsigned int n = iok_grouping_count(g);

	assert_int_equal(iok_grouping_hotplug_add(g, t_dev(t, "00:01.0")), -EBUSY);
	assert_int_equal(iok_grouping_hotplug_remove(g, t_dev(t, "01:00.0")), -ENODEV);
	assert_int_equal(iok_grouping_hotplug_add(g, t_dev(other, "01:00.0")), -EINVAL);
	assert_int_equal(iok_grouping_hotplug_remove(g, t_dev(other, "00:01.0")), -EINVAL);
	assert_int_equal(iok_grouping_hotplug_add(NULL, t_dev(t, "01:00.0")), -EINVAL);
	assert_int_equal(iok_grouping_count(g), n);
	assert_int_equal(iok_topo_set_param(t, "absent", "00:03.0,bus 5"), -EINVAL);
	assert_non_null(strstr(iok_get_error(*state), "'bus 5'"));
	assert_string_equal(iok_topo_get_param(t, "absent"), "01:00.0");
	iok_grouping_unref(g);
	iok_topo_unref(other);
	iok_topo_unref(t);
}

/* Hot-plug without an IOMMU covering the device: present, no group. */
static void hotadd_not_covered(void **state)
{
	struct iok_topo *t = load(state, "", "01:00.0");
	struct iok_grouping *g;

	assert_int_equal(iok_topo_set_param(t, "no_iommu", "0000:00:04.0"), 0);
	g = t_compute(t);
	assert_int_equal(iok_grouping_hotplug_add(g, t_dev(t, "01:00.0")), 0);
	assert_true(iok_dev_is_present(g, t_dev(t, "01:00.0")));
	assert_int_equal(t_group_id(g, t, "01:00.0"), -1);
	first_step_kind(g, t, "01:00.0", IOK_JOIN_NO_IOMMU);
	assert_int_equal(iok_grouping_hotplug_remove(g, t_dev(t, "01:00.0")), 0);
	iok_grouping_unref(g);
	iok_topo_unref(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(absent_at_boot, t_setup_ctx, t_teardown_ctx),
		cmocka_unit_test_setup_teardown(hotadd_alias_of_two_groups, t_setup_ctx, t_teardown_ctx),
		cmocka_unit_test_setup_teardown(hotadd_below_non_isolated_port, t_setup_ctx, t_teardown_ctx),
		cmocka_unit_test_setup_teardown(ids_freed_and_reused, t_setup_ctx, t_teardown_ctx),
		cmocka_unit_test_setup_teardown(misuse, t_setup_ctx, t_teardown_ctx),
		cmocka_unit_test_setup_teardown(hotadd_not_covered, t_setup_ctx, t_teardown_ctx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
