// SPDX-License-Identifier: MIT
/*
 * Routing of DMA requests through the fabric (docs/fabric.md): each ACS
 * bit where it is checked (spec groups 1.4, 4.1), multifunction devices
 * without ACS, conventional PCI buses, requester-ID rewriting by
 * PCIe-to-PCI bridges (spec groups 5.1), PASID-tagged requests routed by
 * address only (spec runtime 5.3), quirks and pcie_acs_override=.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine-helpers.h"

/*
 *   00:01.0 root port, bus 01-04        00:02.0 root port -> 05:00.0/.1 (mf)
 *     01:00.0 switch upstream port      00:03.0 root port -> 06:00.0 PCIe-to-PCI
 *       02:01.0 downstream -> 03:00.0     -> 07:01.0, 07:02.0 conventional PCI
 *       02:02.0 downstream -> 04:00.0   00:04.0 root port -> 08:00.0
 *
 * ACS Control is what a running kernel left ("acs": "final"), so each test
 * chooses the bits: %s are the controls of 00:01.0, 02:01.0, 02:02.0,
 * 00:02.0, 05:00.0 and 00:04.0.
 */
static const char topo_json[] =
	"{'schema': 1, 'platform': {'iommu': 'intel', 'kernel': '6.19', 'acs': 'final'%s},"
	" 'devices': ["
	"{'bdf': '00:01.0', 'id': '1b36:000c', 'pcie': 'root_port', 'secondary': '01',"
	" 'subordinate': '04', 'acs': {'cap': 'SV RR CR UF', 'ctrl': '%s'}},"
	"{'bdf': '01:00.0', 'id': '10b5:8747', 'pcie': 'upstream', 'secondary': '02',"
	" 'subordinate': '04'},"
	"{'bdf': '02:01.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '03',"
	" 'acs': {'cap': '0x087f', 'ctrl': '%s'}, 'config': {'0x4f': '0x01', '0x108': '0x04'}},"
	"{'bdf': '02:02.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '04',"
	" 'acs': {'cap': '0x087f', 'ctrl': '%s'}, 'config': {'0x4f': '0x02'}},"
	"{'bdf': '03:00.0', 'id': '8086:1533', 'class': '020000', 'pcie': 'endpoint'},"
	"{'bdf': '04:00.0', 'id': '8086:1533', 'class': '020000', 'pcie': 'endpoint'},"
	"{'bdf': '00:02.0', 'id': '1b36:000c', 'pcie': 'root_port', 'secondary': '05',"
	" 'acs': {'cap': 'SV RR CR UF', 'ctrl': '%s'}},"
	"{'bdf': '05:00.0', 'id': '10de:1b80', 'class': '030000', 'pcie': 'endpoint',"
	" 'multifunction': true%s},"
	"{'bdf': '05:00.1', 'id': '10de:10f0', 'class': '040300', 'pcie': 'endpoint'},"
	"{'bdf': '00:03.0', 'id': '1b36:000c', 'pcie': 'root_port', 'secondary': '06',"
	" 'subordinate': '07', 'acs': {'cap': 'SV RR CR UF', 'ctrl': 'SV RR CR UF'}},"
	"{'bdf': '06:00.0', 'id': '104c:8240', 'pcie': 'pcie_to_pci', 'secondary': '07'},"
	"{'bdf': '07:01.0', 'id': '10ec:8169', 'class': '020000'},"
	"{'bdf': '07:02.0', 'id': '1106:3038', 'class': '0c0300'},"
	"{'bdf': '00:04.0', 'id': '1b36:000c', 'pcie': 'root_port', 'secondary': '08',"
	" 'acs': {'cap': 'SV TB RR CR UF DT', 'ctrl': '%s'}},"
	"{'bdf': '08:00.0', 'id': '144d:a808', 'class': '010802', 'pcie': 'endpoint'}]}";

#define FULL "SV RR CR UF"
#define ARRAY_SIZE_T(a) (sizeof(a) / sizeof((a)[0]))

struct acs {
	const char *rp1, *dsp1, *dsp2, *rp2, *mf, *rp4, *platform;
};

struct fx {
	struct t_fx;		/* ctx, t, m, f */
	struct iok_route r;
};

static int setup(void **state)
{
	return t_fx_alloc(state, sizeof(struct fx));
}

static int teardown(void **state)
{
	return t_fx_teardown(state);
}

static void boot(struct fx *x, struct acs a)
{
	char mf[96] = "";

	if (a.mf)
		snprintf(mf, sizeof(mf), ", 'acs': {'cap': 'SV RR CR UF', 'ctrl': '%s'}", a.mf);
	x->t = t_loadf(x->ctx, topo_json, a.platform ? a.platform : "",
		       a.rp1 ? a.rp1 : FULL, a.dsp1 ? a.dsp1 : FULL, a.dsp2 ? a.dsp2 : FULL,
		       a.rp2 ? a.rp2 : FULL, mf, a.rp4 ? a.rp4 : FULL);
	x->m = t_machine(x->t, NULL);
	x->f = t_fabric(x->m);
}

#define BOOT(x, ...) boot(x, (struct acs){ __VA_ARGS__ })

static struct iok_dev *D(struct fx *x, const char *bdf)
{
	return t_dev(x->t, bdf);
}

static uint64_t bar0(struct fx *x, const char *bdf)
{
	struct iok_bar b;

	assert_int_equal(iok_fabric_get_bar(x->f, D(x, bdf), 0, &b), 0);
	return b.addr;
}

/* Route a request from @from to @addr; returns the route for more checks. */
static struct iok_route *route_flags(struct fx *x, const char *from, uint64_t addr, bool write,
				     uint32_t pasid, unsigned int flags, uint16_t rid)
{
	struct iok_dma_req req = { .dev = D(x, from), .pasid = pasid, .addr = addr,
				   .flags = flags, .rid = rid };

	assert_int_equal(iok_fabric_route(x->f, &req, write, &x->r), 0);
	return &x->r;
}

static struct iok_route *route(struct fx *x, const char *from, uint64_t addr)
{
	return route_flags(x, from, addr, true, IOK_PASID_NONE, 0, 0);
}

static void assert_p2p(const struct iok_route *r, struct fx *x, const char *to)
{
	if (r->end != IOK_ROUTE_P2P)
		fail_msg("expected p2p to %s, got %s", to, iok_route_end_name(r->end));
	assert_ptr_equal(r->target, D(x, to));
	assert_int_equal(r->bar, 0);
}

static void assert_iommu(const struct iok_route *r, uint16_t rid)
{
	if (r->end != IOK_ROUTE_IOMMU)
		fail_msg("expected iommu, got %s", iok_route_end_name(r->end));
	assert_non_null(r->unit);
	assert_int_equal(r->rid, rid);
}

/* The hop at @bdf: its action and the ACS bit that decided. */
static const struct iok_route_hop *hop_at(struct fx *x, const struct iok_route *r,
					  const char *bdf, enum iok_hop_action action,
					  uint16_t bit, bool on)
{
	for (unsigned int i = 0; i < r->nr_hops && i < IOK_ROUTE_MAX_HOPS; i++) {
		const struct iok_route_hop *h = &r->hops[i];

		if (h->at != D(x, bdf) || h->action != action)
			continue;
		assert_int_equal(h->acs_bit, bit);
		assert_int_equal(h->acs_on, on);
		return h;
	}
	fail_msg("no %s hop at %s", iok_hop_action_name(action), bdf);
	return NULL;
}

/* Spec groups 1.4: RR off at a downstream port: the peer is reached directly. */
static void test_rr_off_switch_p2p(void **state)
{
	struct fx *x = *state;
	struct iok_route *r;

	BOOT(x, .dsp1 = "SV CR UF");
	r = route(x, "03:00.0", bar0(x, "04:00.0") + 0x40);
	assert_p2p(r, x, "04:00.0");
	hop_at(x, r, "02:01.0", IOK_HOP_P2P, IOK_ACS_RR, false);
	assert_int_equal(r->nr_hops, 1);
}

/* RR on: redirected to the root port, which sends it up with UF (spec groups 4.3). */
static void test_rr_on_redirects_to_iommu(void **state)
{
	struct fx *x = *state;
	struct iok_route *r;

	BOOT(x);
	r = route(x, "03:00.0", bar0(x, "04:00.0"));
	assert_iommu(r, 0x0300);
	hop_at(x, r, "02:01.0", IOK_HOP_REDIRECT, IOK_ACS_RR, true);
	hop_at(x, r, "01:00.0", IOK_HOP_UP, 0, false);
	hop_at(x, r, "00:01.0", IOK_HOP_UP, IOK_ACS_UF, true);
	hop_at(x, r, "00:01.0", IOK_HOP_ROOT, 0, false);
}

/* UF off at the root port: the redirected request has nowhere to go. */
static void test_uf_off_unclaimed(void **state)
{
	struct fx *x = *state;
	struct iok_route *r;

	BOOT(x, .rp1 = "SV RR CR");
	r = route(x, "03:00.0", bar0(x, "04:00.0"));
	assert_int_equal(r->end, IOK_ROUTE_UNCLAIMED);
	assert_ptr_equal(r->at, D(x, "00:01.0"));
	hop_at(x, r, "00:01.0", IOK_HOP_UNCLAIMED, IOK_ACS_UF, false);
	/* Addresses outside every window are not affected. */
	assert_iommu(route(x, "03:00.0", 0x100000), 0x0300);
}

/* SV: a requester ID from outside the port's buses is dropped. */
static void test_sv_drops_spoofed_rid(void **state)
{
	struct fx *x = *state;
	struct iok_route *r;

	BOOT(x, .rp4 = "SV RR CR UF");
	r = route_flags(x, "08:00.0", 0x100000, true, IOK_PASID_NONE, IOK_DMA_RID, 0x0300);
	assert_int_equal(r->end, IOK_ROUTE_DROPPED);
	assert_int_equal(r->acs_bit, IOK_ACS_SV);
	assert_ptr_equal(r->at, D(x, "00:04.0"));
	hop_at(x, r, "00:04.0", IOK_HOP_DROP, IOK_ACS_SV, true);
	/* Its own ID passes. */
	assert_iommu(route(x, "08:00.0", 0x100000), 0x0800);
}

/* Without SV the lie reaches the IOMMU, which sees the other device's ID. */
static void test_sv_off_lie_reaches_iommu(void **state)
{
	struct fx *x = *state;

	BOOT(x, .rp4 = "RR CR UF");
	assert_iommu(route_flags(x, "08:00.0", 0x100000, true, IOK_PASID_NONE,
				 IOK_DMA_RID, 0x0300), 0x0300);
}

/* CR: completions of a peer read are redirected at the peer's port. */
static void test_cr_redirects_completions(void **state)
{
	struct fx *x = *state;
	struct iok_route *r;

	BOOT(x, .dsp1 = "SV CR UF", .dsp2 = "SV RR CR UF");
	r = route_flags(x, "03:00.0", bar0(x, "04:00.0"), false, IOK_PASID_NONE, 0, 0);
	assert_p2p(r, x, "04:00.0");
	assert_ptr_equal(r->completion_redirect, D(x, "02:02.0"));
	hop_at(x, r, "02:02.0", IOK_HOP_REDIRECT, IOK_ACS_CR, true);
	/* A write has no completion. */
	r = route(x, "03:00.0", bar0(x, "04:00.0"));
	assert_null(r->completion_redirect);

	teardown(state);
	setup(state);
	x = *state;
	BOOT(x, .dsp1 = "SV CR UF", .dsp2 = "SV RR UF");
	r = route_flags(x, "03:00.0", bar0(x, "04:00.0"), false, IOK_PASID_NONE, 0, 0);
	assert_p2p(r, x, "04:00.0");
	assert_null(r->completion_redirect);
}

/* EC: egress to the peer port (Port Number 2, bit 2 of the vector) blocked. */
static void test_ec_blocks_egress(void **state)
{
	struct fx *x = *state;
	struct iok_route *r;

	BOOT(x, .dsp1 = "SV CR UF EC", .dsp2 = "SV CR UF");
	r = route(x, "03:00.0", bar0(x, "04:00.0"));
	assert_int_equal(r->end, IOK_ROUTE_DROPPED);
	assert_int_equal(r->acs_bit, IOK_ACS_EC);
	/* The other way, 02:02.0 has EC off: straight across. */
	r = route(x, "04:00.0", bar0(x, "03:00.0"));
	assert_p2p(r, x, "03:00.0");
}

/* TB drops translated requests; DT lets translated peer requests across. */
static void test_tb_dt(void **state)
{
	struct fx *x = *state;
	struct iok_route *r;

	BOOT(x, .rp4 = "SV TB RR CR UF");
	r = route_flags(x, "08:00.0", 0x100000, true, IOK_PASID_NONE, IOK_DMA_TRANSLATED, 0);
	assert_int_equal(r->end, IOK_ROUTE_DROPPED);
	assert_int_equal(r->acs_bit, IOK_ACS_TB);
	teardown(state);
	setup(state);
	x = *state;
	BOOT(x, .rp4 = "SV RR CR UF DT");
	r = route_flags(x, "08:00.0", bar0(x, "05:00.0"), true, IOK_PASID_NONE,
			IOK_DMA_TRANSLATED, 0);
	assert_p2p(r, x, "05:00.0");
	hop_at(x, r, "00:04.0", IOK_HOP_P2P, IOK_ACS_DT, true);
	/* Untranslated, the same request is redirected (RR). */
	r = route(x, "08:00.0", bar0(x, "05:00.0"));
	assert_iommu(r, 0x0800);
	/* A translated request to RAM skips the IOMMU. */
	r = route_flags(x, "08:00.0", 0x100000, true, IOK_PASID_NONE, IOK_DMA_TRANSLATED, 0);
	assert_int_equal(r->end, IOK_ROUTE_DIRECT);
}

/* Root ports without RR: peer-to-peer between root ports (spec groups 4.2). */
static void test_root_port_p2p(void **state)
{
	struct fx *x = *state;

	BOOT(x, .rp2 = "SV CR UF");
	assert_p2p(route(x, "05:00.0", bar0(x, "03:00.0")), x, "03:00.0");
	assert_p2p(route(x, "05:00.1", bar0(x, "08:00.0")), x, "08:00.0");
	/* From below 00:04.0, which redirects, the same peer goes through the IOMMU. */
	assert_iommu(route(x, "08:00.0", bar0(x, "03:00.0")), 0x0800);
}

/* Spec groups 4.2: a multifunction endpoint without ACS: functions reach each other. */
static void test_multifunction_without_acs(void **state)
{
	struct fx *x = *state;
	struct iok_route *r;

	BOOT(x);
	r = route(x, "05:00.0", bar0(x, "05:00.1"));
	assert_p2p(r, x, "05:00.1");
	hop_at(x, r, "05:00.0", IOK_HOP_P2P, IOK_ACS_RR, false);
	assert_string_equal(r->hops[0].acs_how, "no ACS");
	/* 05:00.1 has no ACS either (only function 0 got one in other tests). */
	assert_p2p(route(x, "05:00.1", bar0(x, "05:00.0")), x, "05:00.0");
}

/* With ACS RR on the function, the request goes up, then up again with UF. */
static void test_multifunction_with_acs(void **state)
{
	struct fx *x = *state;
	struct iok_route *r;

	BOOT(x, .mf = "SV RR CR UF");
	r = route(x, "05:00.0", bar0(x, "05:00.1"));
	assert_iommu(r, 0x0500);
	hop_at(x, r, "05:00.0", IOK_HOP_REDIRECT, IOK_ACS_RR, true);
	hop_at(x, r, "00:02.0", IOK_HOP_UP, IOK_ACS_UF, true);
	/* RR but no UF at the root port: the redirected request is lost. */
	teardown(state);
	setup(state);
	x = *state;
	BOOT(x, .mf = "SV RR CR UF", .rp2 = "SV RR CR");
	assert_int_equal(route(x, "05:00.0", bar0(x, "05:00.1"))->end, IOK_ROUTE_UNCLAIMED);
}

/* Spec groups 4.2: conventional PCI: every device on the bus sees the request. */
static void test_conventional_bus(void **state)
{
	struct fx *x = *state;
	struct iok_route *r;

	BOOT(x);
	r = route(x, "07:01.0", bar0(x, "07:02.0"));
	assert_p2p(r, x, "07:02.0");
	hop_at(x, r, "06:00.0", IOK_HOP_P2P, 0, false);
	assert_int_equal(r->rid, 0x0708);
}

/* Spec groups 5.1: behind a PCIe-to-PCI bridge the IOMMU sees secondary:00.0. */
static void test_alias_behind_pcie_to_pci(void **state)
{
	struct fx *x = *state;
	struct iok_route *r;

	BOOT(x);
	r = route(x, "07:02.0", 0x100000);
	assert_iommu(r, 0x0700);
	assert_int_equal(r->hops[0].rid, 0x0700);
	assert_ptr_equal(r->hops[0].at, D(x, "06:00.0"));
}

/* Spec runtime 5.3: switches ignore the PASID; without RR a PASID request goes P2P. */
static void test_pasid_ignored(void **state)
{
	struct fx *x = *state;
	struct iok_route *r;

	BOOT(x, .dsp1 = "SV CR UF");
	r = route_flags(x, "03:00.0", bar0(x, "04:00.0"), true, 5, 0, 0);
	assert_p2p(r, x, "04:00.0");
	r = route_flags(x, "03:00.0", 0x100000, true, 5, 0, 0);
	assert_iommu(r, 0x0300);
}

/* A quirk vouching for a port (intel_pch, RCBA on) makes it redirect. */
static void test_quirk_port(void **state)
{
	struct fx *x = *state;
	struct iok_route *r;
	const struct iok_route_hop *h;

	x->t = t_loadf(x->ctx,
		"{'schema': 1, 'platform': {'iommu': 'intel', 'kernel': '6.19'}, 'devices': ["
		"{'bdf': '00:1c.0', 'id': '8086:8d10', 'pcie': 'root_port', 'secondary': '01',"
		" 'multifunction': true},"
		"{'bdf': '00:1c.1', 'id': '8086:8d12', 'pcie': 'root_port', 'secondary': '02'},"
		"{'bdf': '00:1f.0', 'id': '8086:8d44', 'class': '060100', 'config': {'0xf0': '0x01'}},"
		"{'bdf': '01:00.0', 'id': '8086:1533', 'class': '020000', 'pcie': 'endpoint'},"
		"{'bdf': '02:00.0', 'id': '8086:1533', 'class': '020000', 'pcie': 'endpoint'}]}");
	assert_int_equal(iok_machine_new(x->t, &x->m), 0);
	assert_int_equal(iok_fabric_new(x->m, &x->f), 0);
	r = route(x, "01:00.0", bar0(x, "02:00.0"));
	assert_iommu(r, 0x0100);
	h = hop_at(x, r, "00:1c.0", IOK_HOP_REDIRECT, IOK_ACS_RR, true);
	assert_string_equal(h->acs_how, "quirk intel_pch");
}

/*
 * pcie_acs_override= (spec groups 10) splits groups but changes no hardware:
 * the peer is still reached directly.
 */
static void test_override_changes_nothing(void **state)
{
	struct fx *x = *state;
	struct iok_grouping *g;
	struct iok_acs_verdict v;

	x->t = t_loadf(x->ctx,
		"{'schema': 1, 'platform': {'iommu': 'intel',"
		" 'cmdline': 'pcie_acs_override=downstream'}, 'devices': ["
		"{'bdf': '00:01.0', 'id': '1b36:000c', 'pcie': 'root_port', 'secondary': '01',"
		" 'subordinate': '04', 'acs': {'cap': 'SV RR CR UF'}},"
		"{'bdf': '01:00.0', 'id': '10b5:8747', 'pcie': 'upstream', 'secondary': '02',"
		" 'subordinate': '04'},"
		"{'bdf': '02:01.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '03'},"
		"{'bdf': '02:02.0', 'id': '10b5:8747', 'pcie': 'downstream', 'secondary': '04'},"
		"{'bdf': '03:00.0', 'id': '8086:1533', 'class': '020000', 'pcie': 'endpoint'},"
		"{'bdf': '04:00.0', 'id': '8086:1533', 'class': '020000', 'pcie': 'endpoint'}]}");
	assert_int_equal(iok_machine_new(x->t, &x->m), 0);
	assert_int_equal(iok_fabric_new(x->m, &x->f), 0);
	g = iok_machine_get_grouping(x->m);
	assert_int_equal(iok_dev_acs_verdict(g, D(x, "02:01.0"), &v), 0);
	assert_true(v.isolated);
	assert_int_equal(v.rule, IOK_ACS_RULE_OVERRIDE);
	assert_p2p(route(x, "03:00.0", bar0(x, "04:00.0")), x, "04:00.0");
	assert_string_equal(x->r.hops[0].acs_how, "no ACS");
}

/* A bit the capability lacks counts as on (spec groups 4.1): no P2P. */
static void test_unimplemented_bit(void **state)
{
	struct fx *x = *state;
	struct iok_route *r;
	const struct iok_route_hop *h;

	x->t = t_loadf(x->ctx,
		"{'schema': 1, 'platform': {'iommu': 'intel', 'acs': 'final'}, 'devices': ["
		"{'bdf': '00:01.0', 'id': '1b36:000c', 'pcie': 'root_port', 'secondary': '01',"
		" 'acs': {'cap': 'SV', 'ctrl': 'SV'}},"
		"{'bdf': '00:02.0', 'id': '1b36:000c', 'pcie': 'root_port', 'secondary': '02',"
		" 'acs': {'cap': 'SV', 'ctrl': 'SV'}},"
		"{'bdf': '01:00.0', 'id': '8086:1533', 'class': '020000', 'pcie': 'endpoint'},"
		"{'bdf': '02:00.0', 'id': '8086:1533', 'class': '020000', 'pcie': 'endpoint'}]}");
	assert_int_equal(iok_machine_new(x->t, &x->m), 0);
	assert_int_equal(iok_fabric_new(x->m, &x->f), 0);
	r = route(x, "01:00.0", bar0(x, "02:00.0"));
	assert_iommu(r, 0x0100);
	h = hop_at(x, r, "00:01.0", IOK_HOP_REDIRECT, IOK_ACS_RR, true);
	assert_string_equal(h->acs_how, "not implemented");
}

/* Routes hold over the whole interval they report. */
static void test_route_interval(void **state)
{
	struct fx *x = *state;
	struct iok_route *r;
	uint64_t b;

	BOOT(x, .dsp1 = "SV CR UF");
	b = bar0(x, "04:00.0");
	r = route(x, "03:00.0", b + 0x1000);
	assert_int_equal(r->lo, b);
	assert_int_equal(r->hi, b + 0xfffff);
	r = route(x, "03:00.0", 0x1000);
	assert_true(r->lo <= 0x1000 && r->hi >= 0xbfffffff);
}

/* Spec groups 5.1 step 1: a VMD domain's requests leave as the VMD endpoint. */
static void test_vmd(void **state)
{
	struct fx *x = *state;
	struct iok_route *r;

	x->t = t_loadf(x->ctx, "{'schema': 1, 'devices': ["
		"{'bdf': '00:00.0', 'id': '8086:9a14', 'class': '060000'},"
		"{'bdf': '00:0e.0', 'id': '8086:9a0b', 'class': '010400'},"
		"{'bdf': '10000:e0:1a.0', 'id': '8086:a0b0', 'pcie': 'root_port', 'secondary': 'e1'},"
		"{'bdf': '10000:e1:00.0', 'id': '144d:a80a', 'class': '010802', 'pcie': 'endpoint'}]}");
	assert_int_equal(iok_machine_new(x->t, &x->m), 0);
	assert_int_equal(iok_fabric_new(x->m, &x->f), 0);
	r = route(x, "10000:e1:00.0", 0x1000);
	assert_iommu(r, 0x0070);
	hop_at(x, r, "10000:e1:00.0", IOK_HOP_UP, 0, false);
	hop_at(x, r, "00:0e.0", IOK_HOP_ROOT, 0, false);
}

/*
 * Every kernel capture: each enumerated function's request for RAM reaches
 * the root, and a request for any BAR ends somewhere, on the dump's own
 * BAR addresses.
 */
static void test_corpus_routes(void **state)
{
	struct fx *x = *state;
	const char *root = getenv("IOMMUKIT_CORPUS");
	static const char *const caps[] = { "a-default", "b-rp-e1000e", "c-two-rp", "d-switch",
		"e1-pcie-pci-bridge", "e2-dmi-pci-bridge", "e3-pcie-pci-bridge-root",
		"f-multifunction", "g1-rp-noacs", "g2-mf-rp", "g3-mf-rp-noacs", "g4-mf-rp-mixed",
		"h-integrated", "i-nonintel-rciep-mf", "j-nested", "gen-11-large", "gen-2-large" };
	char src[4200];

	if (!root)
		skip();
	for (unsigned int c = 0; c < ARRAY_SIZE_T(caps); c++) {
		struct iok_dev *d, *t;
		unsigned int bars = 0;

		snprintf(src, sizeof(src), "lspci:%s/kernel/%s/lspci.txt", root, caps[c]);
		assert_int_equal(iok_topo_load(x->ctx, src, &x->t), 0);
		assert_int_equal(iok_topo_set_param(x->t, "kernel", "6.1"), 0);
		assert_int_equal(iok_machine_new(x->t, &x->m), 0);
		if (iok_fabric_new(x->m, &x->f))
			fail_msg("%s: %s", caps[c], iok_get_error(x->ctx));
		iok_dev_foreach(x->t, d) {
			struct iok_dma_req req = { .dev = d, .pasid = IOK_PASID_NONE, .addr = 0x1000 };
			struct iok_region reg;
			struct iok_bar b;

			if (!iok_dev_is_pci(d) || iok_dev_get_hidden(d) ||
			    !iok_machine_dev_is_present(x->m, d))
				continue;
			assert_int_equal(iok_fabric_route(x->f, &req, true, &x->r), 0);
			if (x->r.end != IOK_ROUTE_IOMMU && x->r.end != IOK_ROUTE_DIRECT)
				fail_msg("%s: %s to RAM: %s", caps[c], iok_dev_get_name(d),
					 iok_route_end_name(x->r.end));
			if (!iok_fabric_get_bar(x->f, d, 0, &b) && !(b.flags & IOK_BAR_IO)) {
				assert_int_equal(iok_fabric_lookup(x->f, b.addr, &reg), 0);
				assert_ptr_equal(reg.dev, d);
				bars++;
			}
			iok_dev_foreach(x->t, t) {
				if (!iok_dev_is_pci(t) || iok_fabric_get_bar(x->f, t, 0, &b) ||
				    (b.flags & IOK_BAR_IO))
					continue;
				req.addr = b.addr;
				assert_int_equal(iok_fabric_route(x->f, &req, false, &x->r), 0);
				assert_true(x->r.end <= IOK_ROUTE_UNCLAIMED);
				if (x->r.end == IOK_ROUTE_P2P)
					assert_ptr_equal(x->r.target, t);
			}
		}
		assert_true(bars > 0);
		iok_fabric_unref(x->f);
		iok_machine_unref(x->m);
		iok_topo_unref(x->t);
		x->f = NULL;
		x->m = NULL;
		x->t = NULL;
	}
}

/* Misuse: nothing routed, errno as documented. */
static void test_bad_input(void **state)
{
	struct fx *x = *state;
	struct iok_dma_req req = { .dev = NULL, .pasid = IOK_PASID_NONE };
	struct iok_route r;

	BOOT(x);
	assert_int_equal(iok_fabric_route(x->f, &req, true, &r), -EINVAL);
	assert_int_equal(iok_fabric_route(NULL, &req, true, &r), -EINVAL);
	req.dev = D(x, "03:00.0");
	assert_int_equal(iok_fabric_route(x->f, &req, true, NULL), -EINVAL);
	req.flags = 0x80;
	assert_int_equal(iok_fabric_route(x->f, &req, true, &r), -EINVAL);
	req.flags = 0;
	req.dev = D(x, "08:00.0");
	assert_int_equal(iok_machine_hotplug_remove(x->m, req.dev), 0);
	assert_int_equal(iok_fabric_route(x->f, &req, true, &r), -ENODEV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rr_off_switch_p2p, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rr_on_redirects_to_iommu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uf_off_unclaimed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sv_drops_spoofed_rid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sv_off_lie_reaches_iommu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cr_redirects_completions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ec_blocks_egress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tb_dt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_port_p2p, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multifunction_without_acs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multifunction_with_acs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conventional_bus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alias_behind_pcie_to_pci, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pasid_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quirk_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_override_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unimplemented_bit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_route_interval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vmd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corpus_routes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
