// SPDX-License-Identifier: MIT
/*
 * Machine parameters: IOMMU coverage (no_iommu), and that a rejected value
 * leaves every parameter as it was.
 */
#include <errno.h>
#include <string.h>

#include "helpers.h"

static const char two_roots[] =
	"{ \"schema\": 1, \"devices\": ["
	"  { \"bdf\": \"00:01.0\", \"id\": \"1b36:000c\", \"pcie\": \"root_port\","
	"    \"acs\": { \"cap\": \"SV RR CR UF\" }, \"secondary\": \"01\" },"
	"  { \"bdf\": \"01:00.0\", \"id\": \"8086:10d3\", \"pcie\": \"endpoint\" },"
	"  { \"bdf\": \"40:01.0\", \"id\": \"1b36:000c\", \"pcie\": \"root_port\","
	"    \"acs\": { \"cap\": \"SV RR CR UF\" }, \"secondary\": \"41\" },"
	"  { \"bdf\": \"41:00.0\", \"id\": \"8086:10d3\", \"pcie\": \"endpoint\" },"
	"  { \"bdf\": \"40:02.0\", \"id\": \"1b36:000c\", \"pcie\": \"root_port\","
	"    \"acs\": { \"cap\": \"SV RR CR UF\" }, \"secondary\": \"42\" },"
	"  { \"bdf\": \"42:00.0\", \"id\": \"8086:10d3\", \"pcie\": \"endpoint\" } ] }";

/* A host bridge outside every DMAR scope (QEMU pxb-pcie bypass_iommu=on): spec groups 7. */
static void no_iommu_root_bus(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx, two_roots);

	assert_int_equal(iok_topo_set_param(topo, "no_iommu", "0000:40"), 0);
	assert_string_equal(iok_topo_get_param(topo, "no_iommu"), "0000:40");
	t_assert_groups(topo, "{00:01.0} {01:00.0} -{40:01.0 41:00.0 40:02.0 42:00.0}");
	iok_topo_unref(topo);
	iok_unref(ctx);
}

static void no_iommu_subtree(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx, two_roots);

	assert_int_equal(iok_topo_set_param(topo, "no_iommu", "0000:40:02.0"), 0);
	t_assert_groups(topo, "{00:01.0} {01:00.0} {40:01.0} {41:00.0} -{40:02.0 42:00.0}");
	iok_topo_unref(topo);
	iok_unref(ctx);
}

static void no_iommu_bad_value(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx, two_roots);

	assert_int_equal(iok_topo_set_param(topo, "no_iommu", "0000:40"), 0);
	assert_int_equal(iok_topo_set_param(topo, "no_iommu", "0000:40,bus7"), -EINVAL);
	assert_non_null(strstr(iok_get_error(ctx), "'bus7'"));
	/* The earlier value stands. */
	assert_string_equal(iok_topo_get_param(topo, "no_iommu"), "0000:40");
	t_assert_groups(topo, "{00:01.0} {01:00.0} -{40:01.0 41:00.0 40:02.0 42:00.0}");
	iok_topo_unref(topo);
	iok_unref(ctx);
}

/* A rejected command line keeps the previous one and its ACS commands (spec groups 3). */
static void cmdline_rejected_keeps_state(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx, two_roots);

	assert_int_equal(iok_topo_set_param(topo, "cmdline",
					    "pci=disable_acs_redir=0000:00:01.0"), 0);
	assert_int_equal(iok_topo_set_param(topo, "cmdline",
					    "pci=config_acs=1x2@0000:40:01.0"), -EINVAL);
	assert_string_equal(iok_topo_get_param(topo, "cmdline"),
			    "pci=disable_acs_redir=0000:00:01.0");
	t_assert_groups(topo, "{00:01.0 01:00.0} {40:01.0} {41:00.0} {40:02.0} {42:00.0}");
	iok_topo_unref(topo);
	iok_unref(ctx);
}

static void unknown_parameter(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx, two_roots);

	assert_int_equal(iok_topo_set_param(topo, "acs_overide", "downstream"), -EINVAL);
	assert_non_null(strstr(iok_get_error(ctx), "'acs_overide'"));
	assert_null(iok_topo_get_param(topo, "acs_overide"));
	assert_int_equal(iok_topo_set_param(topo, "kernel", "6"), 0);
	assert_string_equal(iok_topo_get_param(topo, "kernel"), "6.0");
	assert_int_equal(iok_topo_set_param(topo, "kernel", "6.x"), -EINVAL);
	assert_string_equal(iok_topo_get_param(topo, "kernel"), "6.0");
	iok_topo_unref(topo);
	iok_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_iommu_root_bus),
		cmocka_unit_test(no_iommu_subtree),
		cmocka_unit_test(no_iommu_bad_value),
		cmocka_unit_test(cmdline_rejected_keeps_state),
		cmocka_unit_test(unknown_parameter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
