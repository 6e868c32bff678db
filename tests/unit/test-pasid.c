// SPDX-License-Identifier: MIT
/*
 * PASIDs in the IOMMU core (spec runtime 5): what pci_enable_pasid() allows
 * a device (5.1, 5.3), the global allocator, attach, replace and detach on
 * the group's pasid_array with the kernel's order of checks, rollback, the
 * hardware PASID entries they program, the interaction with DMA ownership
 * (5.4), and the tricky cases of spec runtime 10 (case10_NN).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine-helpers.h"

#define SZ_4K	0x1000ull
#define RW	(IOK_PROT_READ | IOK_PROT_WRITE)

/*
 *   01:00.0    20-bit PASIDs and PRI below an ACS root port: a singleton
 *   02:00.0-1  two PASID functions, one group (SV off)
 *   03:00.0-1  a PASID function and one without, one group
 *   04:00.0    PASIDs below a root port without ACS: none enabled
 *   00:05.0    an RCiEP with 5-bit PASIDs (32)
 *   06:00.0    no End-End TLP Prefix support of its own
 *   00:07.0    an RCiEP without PASID
 * (config-space bytes: EE, PASID(), ACS_PASID_PRI()... of machine-helpers.h)
 */
static const char machine_json[] =
	"{'schema': 1, 'platform': {'iommu': '%s', 'kernel': '%s', 'acs': 'final'%s},"
	" 'devices': ["
	"{'bdf': '00:01.0', 'id': '8086:a110', 'pcie': 'root_port', 'secondary': '01', " PORT_ACS ","
	" 'config': {" EE "}},"
	"{'bdf': '01:00.0', 'id': '8086:0b25', 'pcie': 'endpoint',"
	" 'config': {" EE ", " PASID_PRI("0x14") "}},"
	"{'bdf': '00:02.0', 'id': '8086:a111', 'pcie': 'root_port', 'secondary': '02', " PORT_ACS ","
	" 'config': {" EE "}},"
	"{'bdf': '02:00.0', 'id': '15b3:101d', 'pcie': 'endpoint', 'multifunction': true, " FN_ACS ","
	" 'config': {" EE ", " ACS_PASID_PRI("0x14") "}},"
	"{'bdf': '02:00.1', 'id': '15b3:101d', 'pcie': 'endpoint', 'multifunction': true, " FN_ACS ","
	" 'config': {" EE ", " ACS_PASID_PRI("0x14") "}},"
	"{'bdf': '00:03.0', 'id': '8086:a112', 'pcie': 'root_port', 'secondary': '03', " PORT_ACS ","
	" 'config': {" EE "}},"
	"{'bdf': '03:00.0', 'id': '15b3:101d', 'pcie': 'endpoint', 'multifunction': true, " FN_ACS ","
	" 'config': {" EE ", " ACS_PASID_PRI("0x14") "}},"
	"{'bdf': '03:00.1', 'id': '15b3:101e', 'pcie': 'endpoint', 'multifunction': true, " FN_ACS ","
	" 'config': {" EE "}},"
	"{'bdf': '00:04.0', 'id': '8086:a113', 'pcie': 'root_port', 'secondary': '04',"
	" 'config': {" EE "}},"
	"{'bdf': '04:00.0', 'id': '8086:0b25', 'pcie': 'endpoint', 'config': {" EE ", " PASID("0x14") "}},"
	"{'bdf': '00:05.0', 'id': '8086:0b26', 'pcie': 'rc_endpoint',"
	" 'config': {" EE ", " PASID_PRI("0x05") "}},"
	"{'bdf': '00:06.0', 'id': '8086:a114', 'pcie': 'root_port', 'secondary': '06', " PORT_ACS ","
	" 'config': {" EE "}},"
	"{'bdf': '06:00.0', 'id': '8086:0b25', 'pcie': 'endpoint', 'config': {" PASID("0x14") "}},"
	"{'bdf': '00:07.0', 'id': '8086:0b27', 'pcie': 'rc_endpoint'}]}";

struct fx {
	struct t_fx;		/* ctx, t, m; t2, m2: a second machine, for misuse */
};

static int setup(void **state)
{
	return t_fx_alloc(state, sizeof(struct fx));
}

static int teardown(void **state)
{
	return t_fx_teardown(state);
}

static struct iok_topo *load(struct fx *f, struct t_boot o)
{
	return t_boot_load(f->ctx, machine_json, o);
}

#define BOOT(f, ...) t_fx_boot((struct t_fx *)(f), machine_json, (struct t_boot){ __VA_ARGS__ })

static struct iok_dev *D(struct fx *f, const char *bdf)
{
	return t_dev(f->t, bdf);
}

static struct iok_rgroup *G(struct fx *f, const char *bdf)
{
	return t_rgroup(f->m, D(f, bdf));
}

static struct iok_domain *paging(struct fx *f, const char *bdf)
{
	return t_paging(f->m, D(f, bdf));
}

static uint16_t rid(struct fx *f, const char *bdf)
{
	return (uint16_t)(iok_dev_get_busnr(D(f, bdf)) << 8 | iok_dev_get_devfn(D(f, bdf)));
}

/* The domain of @bdf's hardware PASID entry, or NULL when it has none. */
static struct iok_domain *hw_pasid(struct fx *f, const char *bdf, uint32_t pasid)
{
	struct iok_domain *d = NULL;
	int did = iok_unit_get_context(iok_dev_get_unit(f->m, D(f, bdf)), 0, rid(f, bdf), pasid, &d);

	return did > 0 ? d : NULL;
}

/* A DMA read by @bdf at @iova tagged with @pasid, as the unit sees it. */
static int xlate(struct fx *f, const char *bdf, uint32_t pasid, uint64_t iova, uint64_t *pa)
{
	struct iok_xlate_req req = {
		.rid = rid(f, bdf), .pasid = pasid, .iova = iova, .len = 4,
		.access = IOK_PROT_READ,
	};
	struct iok_xlate out;
	int rc = iok_unit_translate(iok_dev_get_unit(f->m, D(f, bdf)), &req, &out);

	if (!rc && pa)
		*pa = out.paddr;
	return rc;
}

static struct iok_fault last_fault(struct fx *f, const char *bdf)
{
	return t_last_fault(iok_dev_get_unit(f->m, D(f, bdf)));
}

static void check(struct fx *f)
{
	t_check(f->m);
}

/* ---- spec 5.1, 5.3: what a device may use ------------------------------ */

static void expect_info(struct fx *f, const char *bdf, unsigned int max,
			enum iok_pasid_reason reason, const char *culprit)
{
	struct iok_pasid_info in;

	assert_int_equal(iok_dev_get_pasid_info(f->m, D(f, bdf), &in), 0);
	if (in.max_pasids != max || in.reason != reason)
		fail_msg("%s: max_pasids %u (%s), expected %u (%s)", bdf, in.max_pasids,
			 iok_pasid_reason_name(in.reason), max, iok_pasid_reason_name(reason));
	if (culprit)
		assert_ptr_equal(in.culprit, D(f, culprit));
	assert_int_equal(iok_dev_get_max_pasids(f->m, D(f, bdf)), max);
}

/* spec 5.1 and 5.3: width, clamp, and each pci_enable_pasid() refusal. */
static void spec5_3_max_pasids(void **state)
{
	struct fx *f = *state;
	struct iok_pasid_info in;

	BOOT(f);
	expect_info(f, "01:00.0", 1u << 20, IOK_PASID_OK, NULL);
	expect_info(f, "02:00.0", 1u << 20, IOK_PASID_OK, NULL);
	expect_info(f, "02:00.1", 1u << 20, IOK_PASID_OK, NULL);
	expect_info(f, "03:00.1", 0, IOK_PASID_NO_CAP, NULL);
	expect_info(f, "00:05.0", 32, IOK_PASID_OK, NULL);
	expect_info(f, "00:07.0", 0, IOK_PASID_NO_CAP, NULL);
	expect_info(f, "00:01.0", 0, IOK_PASID_NO_CAP, NULL);
	/* Switches route by address: without RR and UF above it, no PASID. */
	expect_info(f, "04:00.0", 0, IOK_PASID_ACS, "00:04.0");
	assert_int_equal(iok_dev_get_pasid_info(f->m, D(f, "04:00.0"), &in), 0);
	assert_int_equal(in.missing_acs, IOK_ACS_RR | IOK_ACS_UF);
	assert_int_equal(in.cap_max, 1u << 20);
	expect_info(f, "06:00.0", 0, IOK_PASID_NO_TLP_PREFIX, "06:00.0");
	assert_int_equal(iok_dev_get_pasid_info(f->m, D(f, "01:00.0"), &in), 0);
	assert_true(in.pri);
	assert_int_equal(in.unit_max, 1u << 20);
	assert_string_equal(iok_pasid_reason_name(IOK_PASID_ACS), "acs");
}

/* The unit's limit clamps the capability: AMD's 16 bits; virtio has none. */
static void spec5_1_unit_clamp(void **state)
{
	struct fx *f = *state;

	BOOT(f, .iommu = "amd");
	expect_info(f, "01:00.0", 1u << 16, IOK_PASID_OK, NULL);
	iok_machine_unref(f->m);
	iok_topo_unref(f->t);
	BOOT(f, .iommu = "virtio");
	expect_info(f, "01:00.0", 0, IOK_PASID_NO_IOMMU, NULL);
}

/* VFs share their PF's PASID configuration: its capability and its checks. */
static const char sriov_json[] =
	"{'schema': 1, 'platform': {'iommu': 'intel', 'acs': 'final'}, 'devices': ["
	"{'bdf': '00:01.0', 'id': '8086:a110', 'pcie': 'root_port', 'secondary': '01', " PORT_ACS ","
	" 'config': {" EE "}},"
	"{'bdf': '01:00.0', 'id': '8086:1572', 'pcie': 'endpoint', 'sriov': {'num_vfs': 2,"
	" 'offset': 16, 'stride': 1, 'vf_device': '154c', 'enabled': true},"
	" 'config': {" EE ", '0x103': '0x14', '0x140': '0x1b', '0x142': '0x01', '0x145': '0x10'}},"
	"{'bdf': '00:02.0', 'id': '8086:a111', 'pcie': 'root_port', 'secondary': '02', 'config': {" EE "}},"
	"{'bdf': '02:00.0', 'id': '8086:1572', 'pcie': 'endpoint', 'sriov': {'num_vfs': 1,"
	" 'offset': 16, 'stride': 1, 'vf_device': '154c', 'enabled': true},"
	" 'config': {" EE ", '0x103': '0x14', '0x140': '0x1b', '0x142': '0x01', '0x145': '0x10'}}]}";

static void spec5_3_vf_inherits_pf(void **state)
{
	struct fx *f = *state;

	f->t = t_loadf(f->ctx, sriov_json);
	assert_int_equal(iok_machine_new(f->t, &f->m), 0);
	assert_true(iok_dev_is_vf(D(f, "01:02.0")));
	expect_info(f, "01:00.0", 1u << 16, IOK_PASID_OK, NULL);
	expect_info(f, "01:02.0", 1u << 16, IOK_PASID_OK, NULL);
	expect_info(f, "01:02.1", 1u << 16, IOK_PASID_OK, NULL);
	/* The PF below a port without ACS cannot enable PASID: nor can its VF. */
	expect_info(f, "02:00.0", 0, IOK_PASID_ACS, "00:02.0");
	expect_info(f, "02:02.0", 0, IOK_PASID_PF, "00:02.0");
}

/* ---- the global allocator (spec 5.2, 10 case 27) ------------------------ */

static void case10_27_global_ida_lowest_free(void **state)
{
	struct fx *f = *state;
	struct iok_dev *wide, *narrow;
	unsigned int warns;
	uint32_t p;

	BOOT(f);
	wide = D(f, "01:00.0");
	narrow = D(f, "00:05.0");
	for (p = 1; p < 32; p++)
		assert_int_equal(iok_alloc_global_pasid(f->m, wide), p);
	/* 1..31 are all the narrow device can name: none left for it. */
	assert_int_equal(iok_alloc_global_pasid(f->m, narrow), IOK_PASID_INVALID);
	assert_int_equal(iok_alloc_global_pasid(f->m, wide), 32);
	assert_int_equal(iok_free_global_pasid(f->m, 7), 0);
	assert_false(iok_global_pasid_in_use(f->m, 7));
	assert_int_equal(iok_alloc_global_pasid(f->m, narrow), 7);
	assert_int_equal(iok_alloc_global_pasid(f->m, wide), 33);
	/* No PASIDs at all: never one. */
	assert_int_equal(iok_alloc_global_pasid(f->m, D(f, "04:00.0")), IOK_PASID_INVALID);
	warns = iok_machine_get_warnings(f->m);
	assert_int_equal(iok_free_global_pasid(f->m, IOK_PASID_INVALID), -EINVAL);
	assert_int_equal(iok_free_global_pasid(f->m, 500), -EINVAL);
	assert_int_equal(iok_machine_get_warnings(f->m), warns + 2);
	assert_int_equal(iok_free_global_pasid(f->m, 33), 0);
	assert_int_equal(iok_free_global_pasid(f->m, 33), -EINVAL);
}

/* ---- attach (spec 5.2) ------------------------------------------------- */

/* Group-wide: both functions of 02:00 get the PASID; DMA on it translates. */
static void spec5_2_attach_group_wide(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d, *got = NULL;
	const void *h = NULL;
	uint64_t pa = 0;
	int cookie;

	BOOT(f);
	d = paging(f, "02:00.0");
	assert_int_equal(iok_map(d, 0x10000, 0x7654000, SZ_4K, RW), 0);
	assert_int_equal(iok_attach_device_pasid(d, D(f, "02:00.1"), 9, &cookie), 0);
	assert_ptr_equal(hw_pasid(f, "02:00.0", 9), d);
	assert_ptr_equal(hw_pasid(f, "02:00.1", 9), d);
	assert_int_equal(iok_rgroup_count_pasids(G(f, "02:00.0")), 1);
	assert_int_equal(iok_attach_handle_get(G(f, "02:00.0"), 9, 0, &h, &got), 0);
	assert_ptr_equal(h, &cookie);
	assert_ptr_equal(got, d);
	/* The RID keeps its default domain; the PASID has the new one. */
	assert_ptr_equal(iok_rgroup_get_domain(G(f, "02:00.0")),
			 iok_rgroup_get_default_domain(G(f, "02:00.0")));
	assert_int_equal(xlate(f, "02:00.0", 9, 0x10000, &pa), 0);
	assert_int_equal(pa, 0x7654000);
	assert_int_equal(xlate(f, "02:00.1", 9, 0x10008, &pa), 0);
	assert_int_equal(pa, 0x7654008);
	/* Another PASID has no entry. */
	assert_int_equal(xlate(f, "02:00.0", 10, 0x10000, NULL), -EFAULT);
	assert_int_equal(last_fault(f, "02:00.0").reason, IOK_FAULT_NO_PASID);
	check(f);

	assert_int_equal(iok_detach_device_pasid(d, D(f, "02:00.0"), 9), 0);
	assert_null(hw_pasid(f, "02:00.0", 9));
	assert_null(hw_pasid(f, "02:00.1", 9));
	assert_int_equal(iok_rgroup_count_pasids(G(f, "02:00.0")), 0);
	assert_int_equal(xlate(f, "02:00.1", 9, 0x10000, NULL), -EFAULT);
	assert_int_equal(last_fault(f, "02:00.1").reason, IOK_FAULT_NO_PASID);
	assert_int_equal(iok_domain_free(d), 0);
	check(f);
}

/* A PASID entry that goes takes its cached translations with it. */
static void spec5_2_detach_flushes_iotlb(void **state)
{
	struct fx *f = *state;
	struct iok_iommu_unit *u;
	struct iok_iotlb_stats st;
	struct iok_domain *d;

	BOOT(f);
	u = iok_dev_get_unit(f->m, D(f, "01:00.0"));
	d = paging(f, "01:00.0");
	assert_int_equal(iok_map(d, 0x4000, 0x8000, SZ_4K, RW), 0);
	assert_int_equal(iok_attach_device_pasid(d, D(f, "01:00.0"), 3, NULL), 0);
	assert_int_equal(xlate(f, "01:00.0", 3, 0x4000, NULL), 0);
	assert_int_equal(iok_unit_get_iotlb_stats(u, &st), 0);
	assert_true(st.entries > 0);
	iok_unit_reset_iotlb_stats(u);
	assert_int_equal(iok_detach_device_pasid(d, D(f, "01:00.0"), 3), 0);
	assert_int_equal(iok_unit_get_iotlb_stats(u, &st), 0);
	assert_true(st.inv_pasid + st.inv_domain > 0);
	assert_int_equal(st.entries, 0);
}

/* spec 10 case 22: PASID 0, and a PASID beyond a group member's width. */
static void case10_22_pasid_zero_and_width(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;

	BOOT(f);
	d = paging(f, "01:00.0");
	assert_int_equal(iok_attach_device_pasid(d, D(f, "01:00.0"), 0, NULL), -EINVAL);
	assert_int_equal(iok_attach_device_pasid(d, D(f, "01:00.0"), 1u << 20, NULL), -EINVAL);
	assert_int_equal(iok_attach_device_pasid(d, D(f, "01:00.0"), 0xffffffffu, NULL), -EINVAL);
	assert_int_equal(iok_rgroup_count_pasids(G(f, "01:00.0")), 0);
	/* The narrow RCiEP: 32 PASIDs, 1 to 31. */
	iok_domain_free(d);
	d = paging(f, "00:05.0");
	assert_int_equal(iok_attach_device_pasid(d, D(f, "00:05.0"), 32, NULL), -EINVAL);
	assert_int_equal(iok_attach_device_pasid(d, D(f, "00:05.0"), 31, NULL), 0);
	assert_int_equal(iok_detach_device_pasid(d, D(f, "00:05.0"), 31), 0);
	/*
	 * A group where no device has PASIDs (04:00.0 behind the port without
	 * ACS): since 6.16 nobody vetoes and nobody gets the PASID, yet the
	 * slot is taken. Callers (SVA's -ENOSPC) stop earlier.
	 */
	iok_domain_free(d);
	d = paging(f, "04:00.0");
	assert_int_equal(iok_attach_device_pasid(d, D(f, "04:00.0"), 1, NULL), 0);
	assert_null(hw_pasid(f, "04:00.0", 1));
	assert_int_equal(iok_rgroup_count_pasids(G(f, "04:00.0")), 1);
	assert_int_equal(xlate(f, "04:00.0", 1, 0, NULL), -EFAULT);
	assert_int_equal(last_fault(f, "04:00.0").reason, IOK_FAULT_NO_PASID);
	check(f);
}

/*
 * spec 10 case 22 before Linux 6.16: the sibling without PASID (max 0)
 * vetoes every PASID of its group.
 */
static void case10_22_sibling_without_pasid_6_15(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;

	BOOT(f, .kernel = "6.15");
	d = paging(f, "03:00.0");
	assert_int_equal(iok_attach_device_pasid(d, D(f, "03:00.0"), 5, NULL), -EINVAL);
	assert_null(hw_pasid(f, "03:00.0", 5));
	assert_int_equal(iok_rgroup_count_pasids(G(f, "03:00.0")), 0);
	/* A group without any PASID device refuses every PASID. */
	iok_domain_free(d);
	d = paging(f, "04:00.0");
	assert_int_equal(iok_attach_device_pasid(d, D(f, "04:00.0"), 1, NULL), -EINVAL);
	assert_int_equal(iok_rgroup_count_pasids(G(f, "04:00.0")), 0);
}

/*
 * Since 6.16 (commit b3f6fcd8404f, which the spec's case 22 predates) a
 * device without PASIDs is skipped: it never tags a request anyway.
 */
static void case10_22_sibling_skipped_6_16(void **state)
{
	struct fx *f = *state;
	unsigned long calls;
	struct iok_domain *d;

	BOOT(f);
	d = paging(f, "03:00.0");
	calls = iok_dev_get_set_pasid_calls(f->m, D(f, "03:00.1"));
	assert_int_equal(iok_attach_device_pasid(d, D(f, "03:00.1"), 5, NULL), 0);
	assert_ptr_equal(hw_pasid(f, "03:00.0", 5), d);
	assert_null(hw_pasid(f, "03:00.1", 5));
	assert_int_equal(iok_dev_get_set_pasid_calls(f->m, D(f, "03:00.1")), calls);
	check(f);
	assert_int_equal(iok_detach_device_pasid(d, D(f, "03:00.0"), 5), 0);
	assert_int_equal(iok_dev_get_set_pasid_calls(f->m, D(f, "03:00.1")), calls);
}

/* spec 10 case 23: an attached PASID is busy, even for the same domain. */
static void case10_23_attached_twice_ebusy(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d, *d2;

	BOOT(f);
	d = paging(f, "01:00.0");
	d2 = paging(f, "01:00.0");
	assert_int_equal(iok_attach_device_pasid(d, D(f, "01:00.0"), 4, NULL), 0);
	assert_int_equal(iok_attach_device_pasid(d, D(f, "01:00.0"), 4, NULL), -EBUSY);
	assert_int_equal(iok_attach_device_pasid(d2, D(f, "01:00.0"), 4, NULL), -EBUSY);
	assert_ptr_equal(hw_pasid(f, "01:00.0", 4), d);
	/* An attached domain cannot be freed. */
	assert_int_equal(iok_domain_free(d), -EBUSY);
	check(f);
}

/* spec 10 case 24: replace. */
static void case10_24_replace(void **state)
{
	struct fx *f = *state;
	int h1, h2, h3;
	struct iok_domain *d, *d2, *got = NULL;
	const void *h = NULL;
	unsigned long calls;
	unsigned int warns;

	BOOT(f);
	d = paging(f, "02:00.0");
	d2 = paging(f, "02:00.0");
	/* Nothing to replace. */
	assert_int_equal(iok_replace_device_pasid(d, D(f, "02:00.0"), 6, &h1), -EINVAL);
	assert_int_equal(iok_rgroup_count_pasids(G(f, "02:00.0")), 0);
	assert_int_equal(iok_attach_device_pasid(d, D(f, "02:00.0"), 6, &h1), 0);
	/* A NULL handle and PASID 0. */
	assert_int_equal(iok_replace_device_pasid(d2, D(f, "02:00.0"), 6, NULL), -EINVAL);
	assert_int_equal(iok_replace_device_pasid(d2, D(f, "02:00.0"), 0, &h2), -EINVAL);
	/* The very same handle: a WARN. */
	warns = iok_machine_get_warnings(f->m);
	assert_int_equal(iok_replace_device_pasid(d2, D(f, "02:00.0"), 6, &h1), -EINVAL);
	assert_int_equal(iok_machine_get_warnings(f->m), warns + 1);
	/* Same domain, new handle: the handle alone changes, no driver call. */
	calls = iok_dev_get_set_pasid_calls(f->m, D(f, "02:00.0"));
	assert_int_equal(iok_replace_device_pasid(d, D(f, "02:00.0"), 6, &h2), 0);
	assert_int_equal(iok_dev_get_set_pasid_calls(f->m, D(f, "02:00.0")), calls);
	assert_int_equal(iok_attach_handle_get(G(f, "02:00.0"), 6, 0, &h, NULL), 0);
	assert_ptr_equal(h, &h2);
	/* The driver fails on the second device: both back on d, handle kept. */
	assert_int_equal(iok_machine_fail_attach(f->m, D(f, "02:00.1"), 1, -EIO), 0);
	assert_int_equal(iok_replace_device_pasid(d2, D(f, "02:00.0"), 6, &h3), -EIO);
	assert_ptr_equal(hw_pasid(f, "02:00.0", 6), d);
	assert_ptr_equal(hw_pasid(f, "02:00.1", 6), d);
	assert_int_equal(iok_attach_handle_get(G(f, "02:00.0"), 6, 0, &h, &got), 0);
	assert_ptr_equal(h, &h2);
	assert_ptr_equal(got, d);
	check(f);
	/* And a good replace moves every device. */
	assert_int_equal(iok_replace_device_pasid(d2, D(f, "02:00.1"), 6, &h3), 0);
	assert_ptr_equal(hw_pasid(f, "02:00.0", 6), d2);
	assert_ptr_equal(hw_pasid(f, "02:00.1", 6), d2);
	assert_int_equal(iok_domain_free(d), 0);
	check(f);
}

/* The driver fails on the second device: the first is blocked again. */
static void spec5_2_attach_rollback(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;

	BOOT(f);
	d = paging(f, "02:00.0");
	assert_int_equal(iok_machine_fail_attach(f->m, D(f, "02:00.1"), 1, -ENOSPC), 0);
	assert_int_equal(iok_attach_device_pasid(d, D(f, "02:00.0"), 8, NULL), -ENOSPC);
	assert_null(hw_pasid(f, "02:00.0", 8));
	assert_null(hw_pasid(f, "02:00.1", 8));
	assert_int_equal(iok_rgroup_count_pasids(G(f, "02:00.0")), 0);
	/* Nothing holds the domain. */
	assert_int_equal(iok_domain_free(d), 0);
	check(f);
}

/* The order of the checks decides which errno wins (spec 5.2, App. B). */
static void spec5_2_check_order(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d, *amd;

	BOOT(f, .no_iommu = "0000:00:07.0");
	d = paging(f, "01:00.0");
	/* No group beats everything, PASID 0 included. */
	assert_int_equal(iok_attach_device_pasid(d, D(f, "00:07.0"), 0, NULL), -ENODEV);
	assert_int_equal(iok_replace_device_pasid(d, D(f, "00:07.0"), 0, NULL), -ENODEV);
	assert_int_equal(iok_detach_device_pasid(d, D(f, "00:07.0"), 1), -ENODEV);
	iok_domain_free(d);
	iok_machine_unref(f->m);
	iok_topo_unref(f->t);

	/* A driver without set_dev_pasid beats the domain and PASID checks. */
	BOOT(f, .iommu = "virtio");
	d = paging(f, "01:00.0");
	assert_int_equal(iok_attach_device_pasid(d, D(f, "01:00.0"), 0, NULL), -EOPNOTSUPP);
	iok_domain_free(d);
	iok_machine_unref(f->m);
	iok_topo_unref(f->t);

	/* A domain of another driver: -EINVAL before the PASID's width. */
	BOOT(f, .units = TWO_UNITS, .drivers = "intel,amd");
	amd = paging(f, "02:00.0");
	d = paging(f, "01:00.0");
	assert_int_equal(iok_attach_device_pasid(amd, D(f, "01:00.0"), 1u << 20, NULL), -EINVAL);
	assert_int_equal(iok_attach_device_pasid(amd, D(f, "01:00.0"), 3, NULL), -EINVAL);
	/* The width check comes before the busy one. */
	assert_int_equal(iok_attach_device_pasid(d, D(f, "01:00.0"), 3, NULL), 0);
	assert_int_equal(iok_attach_device_pasid(d, D(f, "01:00.0"), 1u << 20, NULL), -EINVAL);
	check(f);
}

/* Detaching what is not attached is the caller's bug: a WARN, no change. */
static void spec5_2_detach_wrong(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d, *d2;
	unsigned int warns;

	BOOT(f);
	d = paging(f, "01:00.0");
	d2 = paging(f, "01:00.0");
	warns = iok_machine_get_warnings(f->m);
	assert_int_equal(iok_detach_device_pasid(d, D(f, "01:00.0"), 2), -EINVAL);
	assert_int_equal(iok_attach_device_pasid(d, D(f, "01:00.0"), 2, NULL), 0);
	assert_int_equal(iok_detach_device_pasid(d2, D(f, "01:00.0"), 2), -EINVAL);
	assert_int_equal(iok_machine_get_warnings(f->m), warns + 2);
	assert_ptr_equal(hw_pasid(f, "01:00.0", 2), d);
	/* The static domains work on PASIDs too. */
	assert_int_equal(iok_detach_device_pasid(d, D(f, "01:00.0"), 2), 0);
	assert_int_equal(iok_attach_device_pasid(iok_unit_get_identity_domain(
				 iok_dev_get_unit(f->m, D(f, "01:00.0"))), D(f, "01:00.0"), 2, NULL), 0);
	assert_int_equal(xlate(f, "01:00.0", 2, 0x123000, NULL), 0);
	check(f);
}

/* ---- ownership (spec 5.4, 10 case 25, 16) -------------------------------- */

static void case10_25_pasids_block_ownership(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;
	int owner;

	BOOT(f);
	d = paging(f, "02:00.0");
	/* A kernel driver on 02:00.0 uses PASID 3 (as idxd does). */
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "02:00.0"), "idxd", false), 0);
	assert_int_equal(iok_attach_device_pasid(d, D(f, "02:00.0"), 3, NULL), 0);
	assert_int_equal(iok_group_claim_dma_owner(G(f, "02:00.0"), &owner), -EPERM);
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "02:00.1"), "idxd", false), -EBUSY);
	/* spec 10 case 16: the first driver's unbind leaks its count. */
	assert_int_equal(iok_device_unbind_driver(f->m, D(f, "02:00.0")), 0);
	assert_int_equal(iok_rgroup_get_owner_cnt(G(f, "02:00.0")), 1);
	assert_true(iok_group_dma_owner_claimed(G(f, "02:00.0")));
	iok_machine_unref(f->m);
	iok_topo_unref(f->t);

	/* Without any driver: take-ownership itself refuses with -EBUSY. */
	BOOT(f);
	d = paging(f, "01:00.0");
	assert_int_equal(iok_attach_device_pasid(d, D(f, "01:00.0"), 3, NULL), 0);
	assert_int_equal(iok_group_claim_dma_owner(G(f, "01:00.0"), &owner), -EBUSY);
	assert_int_equal(iok_device_claim_dma_owner(f->m, D(f, "01:00.0"), &owner), -EBUSY);
	assert_null(iok_rgroup_get_owner(G(f, "01:00.0")));
	assert_int_equal(iok_detach_device_pasid(d, D(f, "01:00.0"), 3), 0);
	assert_int_equal(iok_group_claim_dma_owner(G(f, "01:00.0"), &owner), 0);
	/* A user owner may attach PASIDs; then it cannot release (a WARN). */
	assert_int_equal(iok_attach_device_pasid(d, D(f, "01:00.0"), 3, NULL), 0);
	assert_int_equal(iok_group_release_dma_owner(G(f, "01:00.0")), -EINVAL);
	assert_ptr_equal(iok_rgroup_get_owner(G(f, "01:00.0")), &owner);
	assert_int_equal(iok_detach_device_pasid(d, D(f, "01:00.0"), 3), 0);
	assert_int_equal(iok_group_release_dma_owner(G(f, "01:00.0")), 0);
	check(f);
}

/* spec 1.2, 5.4: iommufd's RID handle in slot 0 makes the array non-empty. */
static void spec5_4_group_handle_slot0(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d, *d2, *got = NULL;
	const void *h = NULL;
	int owner, hdl, hdl2;

	BOOT(f);
	d = paging(f, "01:00.0");
	d2 = paging(f, "01:00.0");
	assert_int_equal(iok_device_claim_dma_owner(f->m, D(f, "01:00.0"), &owner), 0);
	assert_int_equal(iok_attach_group_handle(d, G(f, "01:00.0"), NULL), -EINVAL);
	assert_int_equal(iok_attach_group_handle(d, G(f, "01:00.0"), &hdl), 0);
	assert_int_equal(iok_attach_group_handle(d2, G(f, "01:00.0"), &hdl2), -EBUSY);
	assert_ptr_equal(iok_rgroup_get_domain(G(f, "01:00.0")), d);
	assert_int_equal(iok_attach_handle_get(G(f, "01:00.0"), IOK_NO_PASID, 0, &h, &got), 0);
	assert_ptr_equal(h, &hdl);
	assert_int_equal(iok_attach_handle_get(G(f, "01:00.0"), IOK_NO_PASID, IOK_DOMAIN_SVA,
					       NULL, NULL), -EBUSY);
	/* The owner must detach before it releases. */
	assert_int_equal(iok_device_release_dma_owner(f->m, D(f, "01:00.0")), -EINVAL);
	assert_int_equal(iok_replace_group_handle(G(f, "01:00.0"), d2, &hdl2), 0);
	assert_ptr_equal(iok_rgroup_get_domain(G(f, "01:00.0")), d2);
	assert_int_equal(iok_detach_group_handle(d2, G(f, "01:00.0")), 0);
	assert_int_equal(iok_rgroup_count_pasids(G(f, "01:00.0")), 0);
	assert_int_equal(iok_device_release_dma_owner(f->m, D(f, "01:00.0")), 0);
	/* A raw domain (no handle) is not a handle. */
	assert_int_equal(iok_attach_device_pasid(d, D(f, "01:00.0"), 5, NULL), 0);
	assert_int_equal(iok_attach_handle_get(G(f, "01:00.0"), 5, 0, NULL, NULL), -ENOENT);
	check(f);
}

/* ---- hot-add (spec 10 case 26) ------------------------------------------ */

static void case10_26_hotadd_no_replay(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;

	BOOT(f, .absent = "02:00.1");
	d = paging(f, "02:00.0");
	assert_int_equal(iok_map(d, 0x20000, 0x30000, SZ_4K, RW), 0);
	assert_int_equal(iok_attach_device_pasid(d, D(f, "02:00.0"), 11, NULL), 0);
	assert_int_equal(iok_machine_hotplug_add(f->m, D(f, "02:00.1")), 0);
	/* It joins the group and its DMA domain, not its PASIDs. */
	assert_ptr_equal(G(f, "02:00.1"), G(f, "02:00.0"));
	assert_ptr_equal(iok_dev_get_attached_domain(f->m, D(f, "02:00.1")),
			 iok_rgroup_get_domain(G(f, "02:00.0")));
	assert_ptr_equal(hw_pasid(f, "02:00.0", 11), d);
	assert_null(hw_pasid(f, "02:00.1", 11));
	assert_int_equal(xlate(f, "02:00.0", 11, 0x20000, NULL), 0);
	assert_int_equal(xlate(f, "02:00.1", 11, 0x20000, NULL), -EFAULT);
	assert_int_equal(last_fault(f, "02:00.1").reason, IOK_FAULT_NO_PASID);
	check(f);
	/* Detach goes over both; the new device had nothing to lose. */
	assert_int_equal(iok_detach_device_pasid(d, D(f, "02:00.1"), 11), 0);
	assert_null(hw_pasid(f, "02:00.0", 11));
	check(f);
}

/* The last device leaving frees the group with its pasid_array. */
static void spec5_hotremove_frees_array(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;

	BOOT(f);
	d = paging(f, "01:00.0");
	assert_int_equal(iok_attach_device_pasid(d, D(f, "01:00.0"), 3, NULL), 0);
	assert_int_equal(iok_machine_hotplug_remove(f->m, D(f, "01:00.0")), 0);
	assert_null(iok_dev_get_rgroup(f->m, D(f, "01:00.0")));
	/* Its PASID entry went with the device: the domain is free again. */
	assert_int_equal(iok_domain_free(d), 0);
	check(f);
}

/* ---- misuse --------------------------------------------------------------- */

static void misuse(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d, *other;
	struct iok_pasid_info in;

	BOOT(f);
	f->t2 = load(f, (struct t_boot){ 0 });
	assert_int_equal(iok_machine_new(f->t2, &f->m2), 0);
	d = paging(f, "01:00.0");
	assert_int_equal(iok_domain_alloc_paging(f->m2, t_dev(f->t2, "01:00.0"), &other), 0);
	assert_int_equal(iok_attach_device_pasid(NULL, D(f, "01:00.0"), 1, NULL), -EINVAL);
	assert_int_equal(iok_attach_device_pasid(d, NULL, 1, NULL), -EINVAL);
	assert_int_equal(iok_attach_device_pasid(other, D(f, "01:00.0"), 1, NULL), -EINVAL);
	assert_int_equal(iok_replace_device_pasid(NULL, D(f, "01:00.0"), 1, &in), -EINVAL);
	assert_int_equal(iok_detach_device_pasid(d, t_dev(f->t2, "01:00.0"), 1), -EINVAL);
	assert_int_equal(iok_attach_handle_get(NULL, 1, 0, NULL, NULL), -EINVAL);
	assert_int_equal(iok_dev_get_pasid_info(f->m, t_dev(f->t2, "01:00.0"), &in), -EINVAL);
	assert_int_equal(iok_dev_get_pasid_info(f->m, D(f, "01:00.0"), NULL), -EINVAL);
	assert_int_equal(iok_dev_get_max_pasids(NULL, D(f, "01:00.0")), 0);
	assert_int_equal(iok_alloc_global_pasid(f->m, NULL), IOK_PASID_INVALID);
	assert_int_equal(iok_free_global_pasid(NULL, 1), -EINVAL);
	assert_int_equal(iok_rgroup_get_pasid(G(f, "01:00.0"), 0, NULL, NULL, NULL), -ENOENT);
	assert_int_equal(iok_domain_set_iopf_handler(NULL, NULL, NULL), -EINVAL);
	assert_int_equal(iok_domain_sva_release(d), -EINVAL);
	assert_int_equal(iok_unit_set_page_request_fn(NULL, NULL, NULL), -EINVAL);
	assert_int_equal(iok_rgroup_count_pasids(G(f, "01:00.0")), 0);
	check(f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(spec5_3_max_pasids),
		T(spec5_1_unit_clamp),
		T(spec5_3_vf_inherits_pf),
		T(case10_27_global_ida_lowest_free),
		T(spec5_2_attach_group_wide),
		T(spec5_2_detach_flushes_iotlb),
		T(case10_22_pasid_zero_and_width),
		T(case10_22_sibling_without_pasid_6_15),
		T(case10_22_sibling_skipped_6_16),
		T(case10_23_attached_twice_ebusy),
		T(case10_24_replace),
		T(spec5_2_attach_rollback),
		T(spec5_2_check_order),
		T(spec5_2_detach_wrong),
		T(case10_25_pasids_block_ownership),
		T(spec5_4_group_handle_slot0),
		T(case10_26_hotadd_no_replay),
		T(spec5_hotremove_frees_array),
		T(misuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
