// SPDX-License-Identifier: MIT
/*
 * iommukit plan's logic (cli/plan.c) against the model core: on captured
 * hosts, the plan's "viable now" must be what the DMA-ownership layer
 * answers to VFIO's group claim (spec runtime 4.4, 8.6), and its writes,
 * replayed as driver unbinds and vfio-pci binds on the model, must make
 * that claim succeed. Trees: tests/sysfs/plan/ ($IOK_PLAN_TREES).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "cli/plan.h"

#include <iommukit/iommu.h>

struct host_tree {
	struct iok_topo *topo;
	struct iok_grouping *g;
	struct host *h;
	struct iok_machine *m;
};

static void load(struct iok_ctx *ctx, const char *name, struct host_tree *t)
{
	const char *dir = getenv("IOK_PLAN_TREES");
	char *src;

	assert_non_null(dir);
	assert_true(asprintf(&src, "sysfs:%s/%s", dir, name) > 0);
	assert_int_equal(iok_topo_load(ctx, src, &t->topo), 0);
	assert_int_equal(iok_grouping_compute(t->topo, &t->g), 0);
	assert_int_equal(host_read(t->topo, src, &t->h), 0);
	t->m = NULL;
	free(src);
}

static void unload(struct host_tree *t)
{
	iok_machine_unref(t->m);
	host_free(t->h);
	iok_grouping_unref(t->g);
	iok_topo_unref(t->topo);
}

/* The model machine with every captured driver bound, as the host had them. */
static void boot(struct host_tree *t)
{
	struct iok_dev *d;
	const char *drv;

	assert_int_equal(iok_machine_new(t->topo, &t->m), 0);
	iok_dev_foreach(t->topo, d) {
		drv = iok_dev_get_driver(d);
		if (drv)
			assert_int_equal(iok_device_bind_driver(t->m, d, drv,
								plan_driver_managed(drv)), 0);
	}
}

/* VFIO_GROUP_SET_CONTAINER's claim (spec 4.4): 0 when the group is viable. */
static int vfio_claim(struct host_tree *t, struct iok_dev *d)
{
	static const char cookie[] = "vfio group";
	struct iok_rgroup *rg = iok_dev_get_rgroup(t->m, d);
	int rc;

	assert_non_null(rg);
	rc = iok_group_claim_dma_owner(rg, cookie);
	if (!rc)
		assert_int_equal(iok_group_release_dma_owner(rg), 0);
	return rc;
}

/* What the sysfs writes do to the driver core (spec 4.3): unbind, then probe vfio-pci. */
static void replay(struct host_tree *t, const struct plan *p)
{
	unsigned int i;

	for (i = 0; i < p->nr_writes; i++) {
		const struct plan_write *w = &p->writes[i];
		struct iok_dev *d = (struct iok_dev *)w->member->dev;

		assert_non_null(d);
		if (w->kind == PLAN_W_UNBIND)
			assert_int_equal(iok_device_unbind_driver(t->m, d), 0);
		else if (w->kind == PLAN_W_PROBE)
			assert_int_equal(iok_device_bind_driver(t->m, d, "vfio-pci", true), 0);
	}
}

/*
 * spec 8.6: for every endpoint of every group of the tree, plan it alone; the
 * plan's verdict now must be the model's claim result, and after its writes
 * the claim must succeed.
 */
static void check_tree(void **state, const char *name)
{
	struct host_tree t;
	struct iok_dev *d;
	unsigned int checked = 0, not_viable = 0;

	load(*state, name, &t);
	iok_dev_foreach(t.topo, d) {
		struct plan p;
		int rc;

		if (iok_dev_is_bridge(d) || iok_dev_get_kernel_group(d) < 0)
			continue;
		boot(&t);
		assert_int_equal(plan_make(t.topo, t.g, t.h, &d, 1, &p), 0);
		assert_int_equal(p.nr_groups, 1);
		/* The model's groups are the computed ones: they must be the kernel's here. */
		assert_null(p.groups[0].computed);
		rc = vfio_claim(&t, d);
		assert_int_equal(rc, p.groups[0].viable_now ? 0 : -EPERM);
		not_viable += !p.groups[0].viable_now;
		if (!p.impossible && !plan_has_critical(&p)) {
			replay(&t, &p);
			assert_int_equal(vfio_claim(&t, d), 0);
			assert_string_equal(iok_dev_get_bound_driver(t.m, d), "vfio-pci");
		}
		assert_true(p.groups[0].viable_after);
		plan_free(&p);
		iok_machine_unref(t.m);
		t.m = NULL;
		checked++;
	}
	assert_true(checked > 5);
	assert_true(not_viable > 2);
	unload(&t);
}

/* Real drivers from the Linux 6.1 guest (e1000e, virtio-pci, nvme, e1000, 8139cp). */
static void test_mixed_matches_ownership_model(void **state)
{
	check_tree(state, "mixed");
}

/* A bridge on shpchp, a function on pci-stub with an override, the ICH9 group. */
static void test_busy_matches_ownership_model(void **state)
{
	check_tree(state, "j-nested-busy");
}

/* spec 4.3: the drivers that set driver_managed_dma. */
static void test_driver_managed(void **state)
{
	static const char *const yes[] = { "vfio-pci", "pci-stub", "pci-pf-stub", "pcieport",
					   "mlx5_vfio_pci", "xe-vfio-pci", "nvgrace_gpu_vfio_pci" };
	static const char *const no[] = { "e1000e", "shpchp", "nvme", "vfio", "vfio-pci-core",
					  "vfio_pci_core", "ahci", "" };
	unsigned int i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(plan_driver_managed(yes[i]));
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(plan_driver_managed(no[i]));
	assert_false(plan_driver_managed(NULL));
}

static const struct plan_member *member(const struct plan *p, const char *bdf)
{
	unsigned int i, j;

	for (i = 0; i < p->nr_groups; i++)
		for (j = 0; j < p->groups[i].nr_members; j++)
			if (!strcmp(p->groups[i].members[j].name, bdf))
				return &p->groups[i].members[j];
	fail_msg("%s not in the plan", bdf);
	return NULL;
}

/* 05:00.0 holds /; 02:00.1 the default route; 00:07.0 is the boot VGA: all critical. */
static void test_mixed_warnings(void **state)
{
	static const char *const bdfs[] = { "05:00.0", "02:00.0", "00:07.0" };
	static const enum plan_warn_kind kinds[] = { PLAN_W_ROOT_DISK, PLAN_W_DEFAULT_ROUTE,
						     PLAN_W_CONSOLE_GPU };
	static const char *const who[] = { "0000:05:00.0", "0000:02:00.1", "0000:00:07.0" };
	struct host_tree t;
	unsigned int i;

	load(*state, "mixed", &t);
	for (i = 0; i < 3; i++) {
		struct iok_dev *d;
		struct plan p;

		assert_int_equal(iok_dev_find(t.topo, bdfs[i], &d), 0);
		assert_int_equal(plan_make(t.topo, t.g, t.h, &d, 1, &p), 0);
		assert_int_equal(p.nr_warnings, 1);
		assert_int_equal(p.warnings[0].kind, kinds[i]);
		assert_true(p.warnings[0].critical);
		assert_string_equal(p.warnings[0].member->name, who[i]);
		plan_free(&p);
	}
	unload(&t);
}

/* A requested bridge (vfio-pci takes none) and a host without groups: no writes. */
static void test_impossible(void **state)
{
	struct host_tree t;
	struct iok_dev *d;
	struct plan p;

	load(*state, "mixed", &t);
	assert_int_equal(iok_dev_find(t.topo, "00:05.0", &d), 0);
	assert_int_equal(plan_make(t.topo, t.g, t.h, &d, 1, &p), 0);
	assert_true(p.impossible);
	assert_int_equal(p.nr_writes, 0);
	assert_int_equal(member(&p, "0000:00:05.0")->reason, PLAN_R_BRIDGE);
	plan_free(&p);
	unload(&t);

	load(*state, "no-iommu", &t);
	assert_int_equal(iok_dev_find(t.topo, "01:00.0", &d), 0);
	assert_int_equal(plan_make(t.topo, t.g, t.h, &d, 1, &p), 0);
	assert_true(p.no_iommu);
	assert_true(p.impossible);
	assert_int_equal(p.nr_writes, 0);
	assert_int_equal(member(&p, "0000:01:00.0")->reason, PLAN_R_NO_IOMMU);
	plan_free(&p);
	unload(&t);
}

/* Two requests in one group plan the group once; the bridge on shpchp is only unbound. */
static void test_shared_group_and_bridge(void **state)
{
	struct iok_dev *req[3];
	struct host_tree t;
	struct plan p;
	unsigned int i, probes = 0;

	load(*state, "j-nested-busy", &t);
	assert_int_equal(iok_dev_find(t.topo, "04:01.0", &req[0]), 0);
	assert_int_equal(iok_dev_find(t.topo, "04:02.0", &req[1]), 0);
	assert_int_equal(iok_dev_find(t.topo, "0000:04:01.0", &req[2]), 0);
	assert_int_equal(plan_make(t.topo, t.g, t.h, req, 3, &p), 0);
	assert_int_equal(p.nr_groups, 1);
	assert_int_equal(member(&p, "0000:03:00.0")->action, PLAN_UNBIND);
	assert_int_equal(member(&p, "0000:04:02.0")->reason, PLAN_R_REQUESTED);
	for (i = 0; i < p.nr_writes; i++) {
		if (p.writes[i].kind == PLAN_W_PROBE) {
			probes++;
			assert_string_not_equal(p.writes[i].value, "0000:03:00.0");
		}
	}
	assert_int_equal(probes, 2);
	plan_free(&p);
	unload(&t);
}

/*
 * Undo puts the old override back before binding the old driver: with
 * driver_override naming vfio-pci, that bind would fail -ENODEV.
 */
static void test_undo_order(void **state)
{
	struct plan_outcome o = { 0 };
	struct plan_undo *u;
	unsigned int nr, i;
	struct host_tree t;
	struct iok_dev *d;
	struct plan p;

	load(*state, "j-nested-busy", &t);
	assert_int_equal(iok_dev_find(t.topo, "09:00.0", &d), 0);
	assert_int_equal(plan_make(t.topo, t.g, t.h, &d, 1, &p), 0);
	o.result = calloc(p.nr_writes, sizeof(*o.result));
	assert_non_null(o.result);
	/* 08:00.0: override, unbind, probe; 09:00.0: override, unbind (done), probe (failed). */
	assert_int_equal(p.nr_writes, 6);
	for (i = 0; i < 5; i++)
		o.result[i] = PLAN_DONE;
	o.result[5] = PLAN_FAILED;
	assert_int_equal(plan_undo_list(&p, &o, &u, &nr), 0);
	assert_int_equal(nr, 5);
	assert_non_null(strstr(u[0].path, "0000:09:00.0/driver_override"));
	assert_string_equal(u[0].value, "pci-stub");
	assert_non_null(strstr(u[1].path, "drivers/pci-stub/bind"));
	assert_non_null(strstr(u[2].path, "drivers/vfio-pci/unbind"));
	assert_string_equal(u[2].value, "0000:08:00.0");
	assert_non_null(strstr(u[3].path, "0000:08:00.0/driver_override"));
	assert_string_equal(u[3].value, "");
	assert_non_null(strstr(u[4].path, "drivers/e1000e/bind"));
	plan_undo_free(u, nr);
	free(o.result);
	plan_free(&p);
	unload(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_driver_managed),
		cmocka_unit_test(test_mixed_matches_ownership_model),
		cmocka_unit_test(test_busy_matches_ownership_model),
		cmocka_unit_test(test_mixed_warnings),
		cmocka_unit_test(test_impossible),
		cmocka_unit_test(test_shared_group_and_bridge),
		cmocka_unit_test(test_undo_order),
	};

	return cmocka_run_group_tests(tests, t_setup_ctx, t_teardown_ctx);
}
