// SPDX-License-Identifier: MIT
#include <stdlib.h>

#include "machine-helpers.h"

static const char *why(struct iok_topo *t)
{
	return iok_get_error(iok_topo_get_ctx(t));
}

int t_fx_alloc(void **state, size_t size)
{
	struct t_fx *x = calloc(1, size);

	assert_non_null(x);
	x->ctx = t_ctx();
	*state = x;
	return 0;
}

void t_fx_release(struct t_fx *x)
{
	iok_dma_free(x->dma);
	iok_sva_unref(x->sva);
	iok_fabric_unref(x->f);
	iok_machine_unref(x->m);
	iok_topo_unref(x->t);
	iok_machine_unref(x->m2);
	iok_topo_unref(x->t2);
	x->dma = NULL;
	x->sva = NULL;
	x->f = NULL;
	x->m = NULL;
	x->t = NULL;
	x->m2 = NULL;
	x->t2 = NULL;
}

int t_fx_teardown(void **state)
{
	struct t_fx *x = *state;

	t_fx_release(x);
	iok_unref(x->ctx);
	free(x);
	return 0;
}

void t_param(struct iok_topo *t, const char *key, const char *value)
{
	if (value)
		assert_int_equal(iok_topo_set_param(t, key, value), 0);
}

struct iok_machine *t_machine(struct iok_topo *t, const char *drivers)
{
	struct iok_machine *m = NULL;
	int rc = drivers ? iok_machine_new_drivers(t, drivers, &m) : iok_machine_new(t, &m);

	if (rc)
		fail_msg("iok_machine_new: %d: %s", rc, why(t));
	return m;
}

/* @json is a test's own template, passed on as t_loadf()'s format. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static struct iok_topo *load_template(struct iok_ctx *ctx, const char *json, struct t_boot o)
{
	return t_loadf(ctx, json, o.iommu ? o.iommu : "intel", o.kernel ? o.kernel : "6.19",
		       o.units ? o.units : "");
}
#pragma GCC diagnostic pop

struct iok_topo *t_boot_load(struct iok_ctx *ctx, const char *json, struct t_boot o)
{
	struct iok_topo *t = load_template(ctx, json, o);

	t_param(t, "absent", o.absent);
	t_param(t, "cmdline", o.cmdline);
	t_param(t, "no_iommu", o.no_iommu);
	return t;
}

struct iok_machine *t_fx_boot(struct t_fx *x, const char *json, struct t_boot o)
{
	x->t = t_boot_load(x->ctx, json, o);
	x->m = t_machine(x->t, o.drivers);
	return x->m;
}

struct iok_fabric *t_fabric(struct iok_machine *m)
{
	struct iok_fabric *f = NULL;

	if (iok_fabric_new(m, &f))
		fail_msg("iok_fabric_new: %s", why(iok_machine_get_topo(m)));
	return f;
}

struct iok_sva *t_sva(struct iok_fabric *f)
{
	struct iok_sva *sva = NULL;

	if (iok_sva_new(f, &sva))
		fail_msg("iok_sva_new: %s", why(iok_machine_get_topo(iok_fabric_get_machine(f))));
	return sva;
}

struct iok_dma *t_dma(struct iok_machine *m)
{
	struct iok_dma *dma = NULL;

	assert_int_equal(iok_dma_new(m, &dma), 0);
	return dma;
}

struct iok_rgroup *t_rgroup(struct iok_machine *m, struct iok_dev *d)
{
	struct iok_rgroup *rg = iok_dev_get_rgroup(m, d);

	if (!rg)
		fail_msg("%s has no group", iok_dev_get_name(d));
	return rg;
}

struct iok_domain *t_paging(struct iok_machine *m, struct iok_dev *d)
{
	struct iok_domain *dom = NULL;

	assert_int_equal(iok_domain_alloc_paging(m, d, &dom), 0);
	return dom;
}

void t_check(struct iok_machine *m)
{
	if (iok_machine_check(m))
		fail_msg("invariants: %s", why(iok_machine_get_topo(m)));
}

struct iok_fault t_last_fault(struct iok_iommu_unit *u)
{
	unsigned int n = iok_unit_count_faults(u);
	struct iok_fault flt = { 0 };

	assert_true(n > 0);
	assert_int_equal(iok_unit_get_fault(u, n - 1, &flt), 0);
	return flt;
}

static const char sva_json[] =
	"{'schema': 1, 'platform': {'iommu': '%s', 'kernel': '%s', 'acs': 'final'%s},"
	" 'devices': ["
	PORT("00:01.0", "01")
	"{'bdf': '01:00.0', 'id': '8086:0b25', 'pcie': 'endpoint',"
	" 'config': {" EE ", " PASID_PRI("0x14") "}},"
	PORT("00:02.0", "02")
	"{'bdf': '02:00.0', 'id': '15b3:101d', 'pcie': 'endpoint', 'multifunction': true, " FN_ACS ","
	" 'config': {" EE ", " ACS_PASID_PRI("0x14") "}},"
	"{'bdf': '02:00.1', 'id': '15b3:101d', 'pcie': 'endpoint', 'multifunction': true, " FN_ACS ","
	" 'config': {" EE ", " ACS_PASID_PRI("0x14") "}},"
	PORT("00:03.0", "03")
	"{'bdf': '03:00.0', 'id': '8086:0b25', 'pcie': 'endpoint', 'config': {" EE ", " PASID("0x14") "}},"
	PORT("00:04.0", "04")
	"{'bdf': '04:00.0', 'id': '144d:a808', 'pcie': 'endpoint', 'config': {" EE "}},"
	"{'bdf': '00:05.0', 'id': '8086:0b26', 'pcie': 'rc_endpoint',"
	" 'config': {" EE ", " PASID_PRI("0x05") "}},"
	PORT("00:07.0", "07")
	"{'bdf': '07:00.0', 'id': '15b3:101d', 'pcie': 'endpoint', 'multifunction': true, " FN_ACS ","
	" 'config': {" EE ", " ACS_PASID_PRI("0x14") "}},"
	"{'bdf': '07:00.1', 'id': '15b3:101e', 'pcie': 'endpoint', 'multifunction': true, " FN_ACS ","
	" 'config': {" EE "}}]}";

struct iok_topo *t_sva_topo(struct iok_ctx *ctx, const char *iommu, const char *kernel,
			    const char *platform)
{
	return t_loadf(ctx, sva_json, iommu, kernel, platform);
}
