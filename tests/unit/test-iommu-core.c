// SPDX-License-Identifier: MIT
/*
 * The runtime IOMMU core (spec runtime 1-4): default domains, map and unmap
 * through domains, reserved regions, attach and detach with rollback, DMA
 * ownership, hot-plug, faults and invariants; the tricky cases of spec
 * runtime 10 (case10_NN) and the LKML debates of 9.1 and 9.2 (lkml_9_N).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine-helpers.h"
#include "lib/iommu/iommu-private.h"

#define SZ_4K	0x1000ull
#define SZ_2M	0x200000ull
#define SZ_1G	0x40000000ull
#define RW	(IOK_PROT_READ | IOK_PROT_WRITE)

/*
 * Root ports with ACS, so each slot is its own group:
 *   01:00.0        a single-function NVMe: a singleton group
 *   02:00.0-1      a GPU and its audio function, multifunction without
 *                  ACS: one group of two
 *   03:00.0-2      three functions of a NIC: one group of three
 *   04:00.0        behind an external-facing port: untrusted, a singleton
 */
static const char machine_json[] =
	"{'schema': 1, 'platform': {'iommu': '%s', 'kernel': '%s'%s}, 'devices': ["
	"{'bdf': '00:01.0', 'id': '8086:a110', 'pcie': 'root_port', 'secondary': '01',"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '01:00.0', 'id': '144d:a808', 'class': '010802', 'pcie': 'endpoint'},"
	"{'bdf': '00:02.0', 'id': '8086:a111', 'pcie': 'root_port', 'secondary': '02',"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '02:00.0', 'id': '10de:1b80', 'class': '030000', 'pcie': 'endpoint',"
	" 'multifunction': true},"
	"{'bdf': '02:00.1', 'id': '10de:10f0', 'class': '040300', 'pcie': 'endpoint',"
	" 'multifunction': true},"
	"{'bdf': '00:03.0', 'id': '8086:a112', 'pcie': 'root_port', 'secondary': '03',"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '03:00.0', 'id': '1af4:1041', 'class': '020000', 'pcie': 'endpoint',"
	" 'multifunction': true},"
	"{'bdf': '03:00.1', 'id': '1af4:1041', 'class': '020000', 'pcie': 'endpoint',"
	" 'multifunction': true},"
	"{'bdf': '03:00.2', 'id': '1af4:1041', 'class': '020000', 'pcie': 'endpoint',"
	" 'multifunction': true},"
	"{'bdf': '00:04.0', 'id': '8086:a113', 'pcie': 'root_port', 'secondary': '04',"
	" 'acs': {'cap': 'SV RR CR UF'}, 'external_facing': true},"
	"{'bdf': '04:00.0', 'id': '8086:15f2', 'class': '0c0330', 'pcie': 'endpoint'}]}";

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
	struct iok_domain *d = t_paging(f->m, D(f, bdf));

	assert_int_equal(iok_domain_get_type(d), IOK_DOMAIN_UNMANAGED);
	return d;
}

static struct iok_iommu_unit *unit(struct fx *f, const char *bdf)
{
	return iok_dev_get_unit(f->m, D(f, bdf));
}

static unsigned long calls(struct fx *f, const char *bdf)
{
	return iok_dev_get_attach_calls(f->m, D(f, bdf));
}

static struct iok_domain *rid(struct fx *f, const char *bdf)
{
	return iok_dev_get_attached_domain(f->m, D(f, bdf));
}

/* Every device of the group on @d, and the group too. */
static void assert_group_on(struct fx *f, const char *bdf, struct iok_domain *d)
{
	struct iok_rgroup *rg = G(f, bdf);
	unsigned int i;

	assert_ptr_equal(iok_rgroup_get_domain(rg), d);
	for (i = 0; i < iok_rgroup_count_devs(rg); i++)
		assert_ptr_equal(iok_dev_get_attached_domain(f->m, iok_rgroup_get_dev(rg, i)), d);
}

static void assert_sane(struct fx *f)
{
	t_check(f->m);
}

static const int vfio_group, ictx1, ictx2;	/* owner cookies */

/* ---- machine and default domains (spec 2.4) ---------------------------- */

/* Spec 1.1, 1.3: runtime groups are the grouping's, one IOMMU unit per firmware unit. */
static void machine_groups_and_units(void **state)
{
	struct fx *f = *state;
	struct iok_machine *m = BOOT(f, .units = TWO_UNITS);
	struct iok_rgroup *rg;
	unsigned int n = 0;

	iok_rgroup_foreach(m, rg) {
		assert_ptr_equal(iok_machine_find_rgroup(m, iok_rgroup_get_id(rg)), rg);
		assert_int_equal(iok_rgroup_get_id(rg),
				 iok_group_get_id(iok_rgroup_get_group(rg)));
		n++;
	}
	assert_int_equal(n, iok_grouping_count(iok_machine_get_grouping(m)));
	assert_int_equal(iok_rgroup_count_devs(G(f, "02:00.1")), 2);
	assert_ptr_equal(G(f, "02:00.0"), G(f, "02:00.1"));
	assert_int_equal(iok_rgroup_count_devs(G(f, "03:00.2")), 3);
	assert_int_equal(iok_machine_count_units(m), 2);
	assert_string_equal(iok_unit_get_name(iok_dev_get_unit(m, D(f, "01:00.0"))), "dmar0");
	assert_string_equal(iok_unit_get_name(iok_dev_get_unit(m, D(f, "02:00.0"))), "dmar1");
	assert_string_equal(iok_unit_get_driver(iok_machine_get_unit(m, 0)), "intel");
	assert_ptr_equal(iok_machine_get_topo(m), f->t);
	assert_int_equal(iok_machine_get_warnings(m), 0);
	assert_sane(f);
}

/* Spec 2.4: x86 kernels default to lazy invalidation, an untrusted device forces DMA. */
static void default_domain_x86_lazy(void **state)
{
	struct fx *f = *state;
	struct iok_machine *m = BOOT(f);
	struct iok_domain *def = iok_rgroup_get_default_domain(G(f, "01:00.0"));
	uint64_t start, end;
	bool force;

	assert_int_equal(iok_domain_get_type(def), IOK_DOMAIN_DMA_FQ);
	assert_string_equal(iok_group_get_type_name(G(f, "03:00.0")), "DMA-FQ");
	assert_string_equal(iok_group_get_type_name(G(f, "04:00.0")), "DMA");
	assert_int_equal(iok_machine_count_units(m), 1);
	assert_string_equal(iok_unit_get_name(iok_machine_get_unit(m, 0)), "iommu0");
	/* Every device is on its group's default domain from probe on. */
	assert_group_on(f, "03:00.0", iok_rgroup_get_default_domain(G(f, "03:00.0")));
	assert_null(iok_rgroup_get_blocking_domain(G(f, "01:00.0")));
	/* The page table's aperture and page sizes (spec 2.6). */
	assert_int_equal(iok_domain_get_geometry(def, &start, &end, &force), 0);
	assert_true(start == 0 && end == (1ull << 48) - 1 && force);
	assert_true(iok_domain_get_pgsize_bitmap(def) == (SZ_4K | SZ_2M | SZ_1G));
	assert_non_null(iok_domain_get_pgtable(def));
	assert_ptr_equal(iok_domain_get_unit(def), iok_machine_get_unit(m, 0));
}

/* Spec 2.4: strict (DMA) is the Kconfig default outside x86. */
static void default_domain_arm_strict(void **state)
{
	struct fx *f = *state;

	BOOT(f, .iommu = "arm");
	assert_int_equal(iok_domain_get_type(iok_rgroup_get_default_domain(G(f, "01:00.0"))),
			 IOK_DOMAIN_DMA);
	assert_string_equal(iok_unit_get_driver(unit(f, "01:00.0")), "arm");
}

/* Spec 2.4: iommu=pt, iommu.passthrough= and iommu.strict= on the command line. */
static void default_domain_cmdline(void **state)
{
	static const struct {
		const char *iommu, *cmdline, *nvme, *untrusted;
	} cases[] = {
		{ "intel", "iommu=pt", "identity", "DMA" },
		{ "intel", "quiet iommu.passthrough=1", "identity", "DMA" },
		{ "intel", "iommu.passthrough=on iommu=nopt", "DMA-FQ", "DMA" },
		{ "intel", "iommu.strict=1", "DMA", "DMA" },
		{ "amd", "iommu.strict=y iommu.passthrough=N", "DMA", "DMA" },
		{ "arm", "iommu.strict=0", "DMA-FQ", "DMA" },
		{ "arm", "iommu.passthrough=1", "identity", "DMA" },
		{ "virtio", "", "DMA-FQ", "DMA" },
	};
	struct fx *f = *state;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct iok_domain *def;

		BOOT(f, .iommu = cases[i].iommu, .cmdline = cases[i].cmdline);
		def = iok_rgroup_get_default_domain(G(f, "01:00.0"));
		if (strcmp(iok_group_get_type_name(G(f, "01:00.0")), cases[i].nvme) ||
		    strcmp(iok_group_get_type_name(G(f, "04:00.0")), cases[i].untrusted))
			fail_msg("%s '%s': %s and %s", cases[i].iommu, cases[i].cmdline,
				 iok_group_get_type_name(G(f, "01:00.0")),
				 iok_group_get_type_name(G(f, "04:00.0")));
		/* Identity is the driver's static domain, shared by every group. */
		if (iok_domain_get_type(def) == IOK_DOMAIN_IDENTITY)
			assert_ptr_equal(def, iok_unit_get_identity_domain(unit(f, "01:00.0")));
		assert_sane(f);
		iok_machine_unref(f->m);
		iok_topo_unref(f->t);
		f->m = NULL;
		f->t = NULL;
	}
	/* A value that is not a boolean changes nothing. */
	f->t = load(f, (struct t_boot){ .cmdline = "iommu=pt" });
	assert_int_equal(iok_topo_set_param(f->t, "cmdline", "iommu.strict=maybe"), -EINVAL);
	assert_non_null(strstr(iok_get_error(f->ctx), "maybe"));
	assert_string_equal(iok_topo_get_param(f->t, "cmdline"), "iommu=pt");
	assert_int_equal(iok_machine_new(f->t, &f->m), 0);
	assert_string_equal(iok_group_get_type_name(G(f, "01:00.0")), "identity");
}

/* Spec 2.4 step 4: a failed DMA-FQ allocation falls back to DMA. */
static void default_domain_fallback(void **state)
{
	struct fx *f = *state;
	struct iok_machine *m = BOOT(f, .absent = "01:00.0");

	assert_int_equal(iok_machine_fail_alloc(m, 1), 0);
	assert_int_equal(iok_machine_hotplug_add(m, D(f, "01:00.0")), 0);
	assert_string_equal(iok_group_get_type_name(G(f, "01:00.0")), "DMA");
	assert_int_equal(iok_machine_get_warnings(m), 0);
	assert_sane(f);
}

/*
 * Strict: DMA is the global default, so there is no fallback; the probe
 * fails and the device is left without IOMMU and group (spec 3.3).
 */
static void default_domain_alloc_fails(void **state)
{
	struct fx *f = *state;
	struct iok_machine *m = BOOT(f, .absent = "01:00.0", .cmdline = "iommu.strict=1");
	struct iok_domain *d;

	assert_int_equal(iok_machine_fail_alloc(m, 1), 0);
	assert_int_equal(iok_machine_hotplug_add(m, D(f, "01:00.0")), -ENOMEM);
	assert_true(iok_machine_dev_is_present(m, D(f, "01:00.0")));
	assert_null(iok_dev_get_rgroup(m, D(f, "01:00.0")));
	assert_null(iok_dev_get_group(iok_machine_get_grouping(m), D(f, "01:00.0")));
	assert_int_equal(iok_domain_alloc_paging(m, D(f, "01:00.0"), &d), -ENODEV);
	assert_int_equal(iok_machine_hotplug_add(m, D(f, "01:00.0")), -EBUSY);
	/* Unplugged and plugged in again, it probes. */
	assert_int_equal(iok_machine_hotplug_remove(m, D(f, "01:00.0")), 0);
	assert_int_equal(iok_machine_hotplug_add(m, D(f, "01:00.0")), 0);
	assert_string_equal(iok_group_get_type_name(G(f, "01:00.0")), "DMA");
	/* An armed failure can be disarmed. */
	assert_int_equal(iok_machine_fail_alloc(m, 1), 0);
	assert_int_equal(iok_machine_fail_alloc(m, 0), 0);
	d = paging(f, "01:00.0");
	assert_int_equal(iok_domain_free(d), 0);
	assert_sane(f);
}

/* ---- map and unmap through domains (spec 2.5) -------------------------- */

struct leaves {
	uint64_t iova[8], size[8];
	unsigned int n;
};

static int collect(const struct iok_pgtable_leaf *leaf, void *arg)
{
	struct leaves *l = arg;

	assert_true(l->n < 8);
	l->iova[l->n] = leaf->iova;
	l->size[l->n++] = leaf->size;
	return 0;
}

/* Spec 2.5 worked example: 4K, then two 2M pages, then 4K. */
static void map_splits_pages(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;
	struct iok_pgtable *pt;
	struct leaves l = { .n = 0 };

	BOOT(f);
	d = paging(f, "01:00.0");
	assert_int_equal(iok_map(d, 0x1ff000, 0x1ff000, 0x402000, RW), 0);
	pt = iok_domain_get_pgtable(d);
	assert_int_equal(iok_pgtable_for_each_leaf(pt, 0, 0, collect, &l), 0);
	assert_int_equal(l.n, 4);
	assert_true(l.iova[0] == 0x1ff000 && l.size[0] == SZ_4K);
	assert_true(l.iova[1] == 0x200000 && l.size[1] == SZ_2M);
	assert_true(l.iova[2] == 0x400000 && l.size[2] == SZ_2M);
	assert_true(l.iova[3] == 0x600000 && l.size[3] == SZ_4K);
	assert_true(iok_iova_to_phys(d, 0x300123) == 0x300123);
	assert_int_equal(iok_unmap(d, 0x1ff000, 0x402000), 0x402000);
	assert_true(iok_iova_to_phys(d, 0x300123) == 0);
	/* Different VA and PA alignment: only 4K pages fit. */
	assert_int_equal(iok_map(d, SZ_1G, 0x7000, SZ_2M, RW), 0);
	l.n = 0;
	assert_int_equal(iok_pgtable_for_each_leaf(pt, SZ_1G, SZ_4K, collect, &l), 0);
	assert_true(l.n == 1 && l.size[0] == SZ_4K);
	assert_true(iok_iova_to_phys(d, SZ_1G + 0x1234) == 0x8234);
	assert_int_equal(iok_domain_free(d), 0);
}

/* Case 8: map refused outside paging domains, unmap returns 0 bytes. */
static void case10_08_map_non_paging_einval(void **state)
{
	struct fx *f = *state;
	struct iok_iommu_unit *u;
	struct iok_domain *blocked, *identity;

	BOOT(f);
	u = unit(f, "01:00.0");
	blocked = iok_unit_get_blocked_domain(u);
	identity = iok_unit_get_identity_domain(u);
	assert_int_equal(iok_domain_get_type(blocked), IOK_DOMAIN_BLOCKED);
	assert_int_equal(iok_map(blocked, 0, 0, SZ_4K, RW), -EINVAL);
	assert_int_equal(iok_map(identity, 0, 0, SZ_4K, RW), -EINVAL);
	assert_int_equal(iok_unmap(blocked, 0, SZ_4K), 0);
	assert_int_equal(iok_unmap(identity, 0, SZ_4K), 0);
	/* iova_to_phys: identity is the identity, blocked translates nothing. */
	assert_true(iok_iova_to_phys(identity, 0x12345678) == 0x12345678);
	assert_true(iok_iova_to_phys(blocked, 0x12345678) == 0);
	assert_int_equal(iok_domain_get_pgsize_bitmap(blocked), 0);
	assert_null(iok_domain_get_pgtable(identity));
}

/* Case 9: misaligned → -EINVAL; overlap and range are the driver's answers. */
static void case10_09_map_misaligned_and_overlap(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;

	BOOT(f);
	d = paging(f, "01:00.0");
	assert_int_equal(iok_map(d, 0x1800, 0x1000, SZ_4K, RW), -EINVAL);
	assert_int_equal(iok_map(d, 0x1000, 0x1800, SZ_4K, RW), -EINVAL);
	assert_int_equal(iok_map(d, 0x1000, 0x1000, 0x800, RW), -EINVAL);
	assert_int_equal(iok_map(d, 0x10000, 0x10000, 2 * SZ_4K, RW), 0);
	/* Overlapping the second page: the first page of this call is taken back. */
	assert_int_equal(iok_map(d, 0xf000, 0x50000, 2 * SZ_4K, RW), -EEXIST);
	assert_true(iok_iova_to_phys(d, 0xf000) == 0);
	assert_true(iok_iova_to_phys(d, 0x10000) == 0x10000);
	/* The core leaves the aperture to the driver: -ERANGE beyond 48 bits. */
	assert_int_equal(iok_map(d, 1ull << 48, 0, SZ_4K, RW), -ERANGE);
	assert_int_equal(iok_map(d, (1ull << 48) - SZ_4K, 0, 2 * SZ_4K, RW), -ERANGE);
	assert_true(iok_iova_to_phys(d, (1ull << 48) - SZ_4K) == 0);
	/* Misaligned unmap: nothing. */
	assert_int_equal(iok_unmap(d, 0x10800, SZ_4K), 0);
	assert_true(iok_iova_to_phys(d, 0x10000) == 0x10000);
}

/* Case 10: unmap stops at a hole; a big page goes whole and counts whole. */
static void case10_10_unmap_hole_and_big_page(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;

	BOOT(f);
	d = paging(f, "01:00.0");
	assert_int_equal(iok_map(d, 0x2000, 0x2000, SZ_4K, RW), 0);
	assert_int_equal(iok_unmap(d, 0x1000, 2 * SZ_4K), 0);
	assert_true(iok_iova_to_phys(d, 0x2000) == 0x2000);
	assert_int_equal(iok_map(d, SZ_2M, SZ_2M, SZ_2M, RW), 0);
	assert_int_equal(iok_unmap(d, SZ_2M, SZ_4K), SZ_2M);
	assert_true(iok_iova_to_phys(d, SZ_2M + SZ_4K) == 0);
}

/* ---- reserved regions (spec 2.7) --------------------------------------- */

static void resv_regions_merge(void **state)
{
	struct fx *f = *state;
	struct iok_machine *m = BOOT(f);
	struct iok_resv_region r[8];
	struct iok_dev *a = D(f, "02:00.0"), *b = D(f, "02:00.1");

	assert_int_equal(iok_machine_add_resv_region(m, a, 0x1000, 0x1fff, IOK_RESV_DIRECT), 0);
	assert_int_equal(iok_machine_add_resv_region(m, a, 0x2000, 0x2fff, IOK_RESV_DIRECT), 0);
	assert_int_equal(iok_machine_add_resv_region(m, a, 0x1800, 0x2800, IOK_RESV_RESERVED), 0);
	assert_int_equal(iok_machine_add_resv_region(m, b, 0x2800, 0x3fff, IOK_RESV_DIRECT), 0);
	assert_int_equal(iok_machine_add_resv_region(m, b, 0x1000, 0x1fff,
						     IOK_RESV_DIRECT_RELAXABLE), 0);
	assert_int_equal(iok_machine_add_resv_region(m, b, 0x5000, 0x5fff, IOK_RESV_DIRECT), 0);
	/* A device's own list: firmware regions, then the driver's MSI window. */
	assert_int_equal(iok_dev_get_resv_regions(m, a, r, 8), 4);
	assert_true(r[3].type == IOK_RESV_MSI && r[3].start == 0xfee00000 &&
		    r[3].last == 0xfeefffff);
	assert_int_equal(iok_group_get_resv_regions(G(f, "02:00.0"), NULL, 0), 5);
	assert_int_equal(iok_group_get_resv_regions(G(f, "02:00.0"), r, 8), 5);
	/* Same type overlapping or adjacent: merged; ties by type; MSI once. */
	assert_true(r[0].start == 0x1000 && r[0].last == 0x3fff && r[0].type == IOK_RESV_DIRECT);
	assert_true(r[1].start == 0x1000 && r[1].last == 0x1fff &&
		    r[1].type == IOK_RESV_DIRECT_RELAXABLE);
	assert_true(r[2].start == 0x1800 && r[2].last == 0x2800 && r[2].type == IOK_RESV_RESERVED);
	assert_true(r[3].start == 0x5000 && r[3].type == IOK_RESV_DIRECT);
	assert_true(r[4].start == 0xfee00000 && r[4].type == IOK_RESV_MSI);
	/* Buffers too small get the first ones and the full count. */
	assert_int_equal(iok_group_get_resv_regions(G(f, "02:00.0"), r, 1), 5);
	assert_int_equal(iok_machine_add_resv_region(m, a, 2, 1, IOK_RESV_DIRECT), -EINVAL);
	assert_int_equal(iok_machine_add_resv_region(m, a, 1, 2, (enum iok_resv_type)7), -EINVAL);
	assert_sane(f);
}

/* The drivers' own windows: AMD's HyperTransport hole, Arm's software MSI. */
static void resv_regions_per_driver(void **state)
{
	struct fx *f = *state;
	struct iok_resv_region r[4];

	BOOT(f, .iommu = "amd");
	assert_int_equal(iok_dev_get_resv_regions(f->m, D(f, "01:00.0"), r, 4), 2);
	assert_true(r[1].type == IOK_RESV_RESERVED && r[1].start == 0xfd00000000ull &&
		    r[1].last == 0xffffffffffull);
	iok_machine_unref(f->m);
	iok_topo_unref(f->t);
	BOOT(f, .iommu = "arm");
	assert_int_equal(iok_group_get_resv_regions(G(f, "01:00.0"), r, 4), 1);
	assert_true(r[0].type == IOK_RESV_SW_MSI && r[0].start == 0x8000000 &&
		    r[0].last == 0x80fffff);
}

/* Spec 2.4 setup, 2.7: direct regions identity-mapped into DMA domains only. */
static void resv_direct_mapped_into_dma_default(void **state)
{
	struct fx *f = *state;
	struct iok_machine *m = BOOT(f, .absent = "02:00.1");
	struct iok_domain *def = iok_rgroup_get_default_domain(G(f, "02:00.0"));
	struct iok_domain *user = paging(f, "02:00.0");

	/* Unaligned: widened to whole pages. */
	assert_int_equal(iok_machine_add_resv_region(m, D(f, "02:00.0"), 0xa0800, 0xa27ff,
						     IOK_RESV_DIRECT), 0);
	assert_true(iok_iova_to_phys(def, 0xa0000) == 0xa0000);
	assert_true(iok_iova_to_phys(def, 0xa2fff) == 0xa2fff);
	assert_true(iok_iova_to_phys(def, 0xa3000) == 0);
	assert_true(iok_iova_to_phys(user, 0xa0000) == 0);
	/* A hot-added device's regions join the default domain; overlap is fine. */
	assert_int_equal(iok_machine_add_resv_region(m, D(f, "02:00.1"), 0xa2000, 0xa4fff,
						     IOK_RESV_DIRECT_RELAXABLE), 0);
	assert_int_equal(iok_machine_hotplug_add(m, D(f, "02:00.1")), 0);
	assert_true(iok_iova_to_phys(def, 0xa4000) == 0xa4000);
	assert_ptr_equal(rid(f, "02:00.1"), def);
	/* Identity default domains get nothing. */
	assert_int_equal(iok_group_set_default_type(G(f, "01:00.0"), "identity"), 0);
	assert_int_equal(iok_machine_add_resv_region(m, D(f, "01:00.0"), 0x1000, 0x1fff,
						     IOK_RESV_DIRECT), 0);
	/* A new DMA default domain gets them at setup. */
	assert_int_equal(iok_group_set_default_type(G(f, "01:00.0"), "DMA"), 0);
	def = iok_rgroup_get_default_domain(G(f, "01:00.0"));
	assert_true(iok_iova_to_phys(def, 0x1000) == 0x1000);
	/* Beyond the aperture: the driver refuses, the region is not added. */
	assert_int_equal(iok_machine_add_resv_region(m, D(f, "01:00.0"), 1ull << 50,
						     (1ull << 50) + 0xfff, IOK_RESV_DIRECT),
			 -ERANGE);
	assert_int_equal(iok_dev_get_resv_regions(m, D(f, "01:00.0"), NULL, 0), 2);
	assert_int_equal(iok_domain_free(user), 0);
	assert_sane(f);
}

/* ---- attach and detach (spec 3) ---------------------------------------- */

/* Case 1: attach_device on a group of two, the other one without a driver. */
static void case10_01_attach_device_multi_einval(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d, *def;

	BOOT(f);
	d = paging(f, "02:00.0");
	def = iok_rgroup_get_domain(G(f, "02:00.0"));
	assert_int_equal(iok_attach_device(d, D(f, "02:00.0")), -EINVAL);
	assert_non_null(strstr(iok_get_error(f->ctx), "2 devices"));
	assert_group_on(f, "02:00.0", def);
	assert_int_equal(calls(f, "02:00.0"), 1);
	assert_int_equal(calls(f, "02:00.1"), 1);
	assert_sane(f);
}

/* Case 2: the busy test runs before the "same domain" shortcut; replace does not. */
static void case10_02_attach_same_domain_ebusy(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;

	BOOT(f);
	d = paging(f, "01:00.0");
	assert_int_equal(iok_attach_group(d, G(f, "01:00.0")), 0);
	assert_group_on(f, "01:00.0", d);
	assert_int_equal(calls(f, "01:00.0"), 2);
	assert_int_equal(iok_attach_group(d, G(f, "01:00.0")), -EBUSY);
	assert_int_equal(iok_attach_device(d, D(f, "01:00.0")), -EBUSY);
	assert_int_equal(iok_group_replace_domain(G(f, "01:00.0"), d), 0);
	assert_int_equal(calls(f, "01:00.0"), 2);
	assert_ptr_equal(iok_get_domain_for_dev(f->m, D(f, "01:00.0")), d);
	assert_int_equal(iok_detach_device(d, D(f, "01:00.0")), 0);
	assert_int_equal(iok_domain_free(d), 0);
	assert_sane(f);
}

/* Case 3: D2 while on D1 is busy; detach first, or replace. */
static void case10_03_attach_other_domain_ebusy(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d1, *d2, *def;

	BOOT(f);
	d1 = paging(f, "03:00.0");
	d2 = paging(f, "03:00.0");
	def = iok_rgroup_get_default_domain(G(f, "03:00.0"));
	assert_int_equal(iok_attach_group(d1, G(f, "03:00.0")), 0);
	assert_int_equal(iok_attach_group(d2, G(f, "03:00.0")), -EBUSY);
	assert_group_on(f, "03:00.0", d1);
	assert_int_equal(iok_group_replace_domain(G(f, "03:00.0"), d2), 0);
	assert_group_on(f, "03:00.0", d2);
	assert_int_equal(iok_detach_group(d2, G(f, "03:00.0")), 0);
	assert_group_on(f, "03:00.0", def);
	assert_int_equal(iok_attach_group(d1, G(f, "03:00.0")), 0);
	assert_group_on(f, "03:00.0", d1);
	assert_int_equal(iok_group_replace_domain(G(f, "03:00.0"), NULL), -EINVAL);
	assert_sane(f);
}

/*
 * Case 4: another driver's domain fails the core check (driver not
 * called); another instance of the same driver passes it and the driver
 * refuses; the driver's static domains fit every instance.
 */
static void case10_04_domain_of_other_driver(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d, *def, *ident;

	BOOT(f, .units = TWO_UNITS, .drivers = "amd,intel");
	assert_string_equal(iok_unit_get_driver(unit(f, "01:00.0")), "amd");
	d = paging(f, "02:00.0");
	def = iok_rgroup_get_domain(G(f, "01:00.0"));
	assert_int_equal(iok_attach_group(d, G(f, "01:00.0")), -EINVAL);
	assert_int_equal(calls(f, "01:00.0"), 1);
	/* Replace has no such check: the driver itself refuses, all is put back. */
	assert_int_equal(iok_group_replace_domain(G(f, "01:00.0"), d), -EINVAL);
	assert_group_on(f, "01:00.0", def);
	iok_machine_unref(f->m);
	iok_topo_unref(f->t);

	BOOT(f, .units = TWO_UNITS);
	d = paging(f, "02:00.0");
	def = iok_rgroup_get_domain(G(f, "01:00.0"));
	assert_int_equal(iok_attach_group(d, G(f, "01:00.0")), -EINVAL);
	assert_int_equal(calls(f, "01:00.0"), 3);	/* probe, refused, put back */
	assert_group_on(f, "01:00.0", def);
	ident = iok_unit_get_identity_domain(unit(f, "02:00.0"));
	assert_int_equal(iok_attach_group(ident, G(f, "01:00.0")), 0);
	assert_group_on(f, "01:00.0", ident);
	assert_sane(f);
}

/* Case 5: detach_group ignores its domain; detach_device WARNs on a wrong one. */
static void case10_05_detach_wrong_domain(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d, *wrong, *def;

	BOOT(f);
	d = paging(f, "01:00.0");
	wrong = paging(f, "01:00.0");
	def = iok_rgroup_get_default_domain(G(f, "01:00.0"));
	assert_int_equal(iok_attach_device(d, D(f, "01:00.0")), 0);
	assert_int_equal(iok_detach_device(wrong, D(f, "01:00.0")), -EINVAL);
	assert_int_equal(iok_machine_get_warnings(f->m), 1);
	assert_group_on(f, "01:00.0", d);
	assert_int_equal(iok_detach_group(wrong, G(f, "01:00.0")), 0);
	assert_group_on(f, "01:00.0", def);
	/* detach_device on a group of two WARNs too, even with the right domain. */
	assert_int_equal(iok_detach_device(iok_rgroup_get_domain(G(f, "02:00.0")),
					   D(f, "02:00.0")), -EINVAL);
	assert_int_equal(iok_machine_get_warnings(f->m), 2);
	assert_sane(f);
}

/* Case 6: the 2nd of 3 fails: the 1st is put back, the 3rd never touched. */
static void case10_06_rollback_order(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d, *def;

	BOOT(f);
	d = paging(f, "03:00.0");
	def = iok_rgroup_get_domain(G(f, "03:00.0"));
	assert_int_equal(iok_machine_fail_attach(f->m, D(f, "03:00.1"), 1, -ENOSPC), 0);
	assert_int_equal(iok_attach_group(d, G(f, "03:00.0")), -ENOSPC);
	assert_group_on(f, "03:00.0", def);
	assert_int_equal(calls(f, "03:00.0"), 3);	/* probe, d, back */
	assert_int_equal(calls(f, "03:00.1"), 3);	/* probe, d (failed), back */
	assert_int_equal(calls(f, "03:00.2"), 1);	/* probe only */
	assert_int_equal(iok_machine_get_warnings(f->m), 0);
	/* An injected failure fires once: the same attach now succeeds. */
	assert_int_equal(iok_attach_group(d, G(f, "03:00.0")), 0);
	assert_group_on(f, "03:00.0", d);
	assert_sane(f);
}

/* Rollback that itself fails: a WARN, and the device noted as stuck. */
static void failinject_revert_fails(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d, *def;

	BOOT(f);
	d = paging(f, "03:00.0");
	def = iok_rgroup_get_domain(G(f, "03:00.0"));
	assert_int_equal(iok_machine_fail_attach(f->m, D(f, "03:00.1"), 1, 0), 0);
	assert_int_equal(iok_machine_fail_attach(f->m, D(f, "03:00.0"), 2, -EIO), 0);
	assert_int_equal(iok_attach_group(d, G(f, "03:00.0")), -ENODEV);
	assert_int_equal(iok_machine_get_warnings(f->m), 1);
	assert_ptr_equal(iok_rgroup_get_domain(G(f, "03:00.0")), def);
	assert_ptr_equal(rid(f, "03:00.0"), d);	/* could not go back */
	assert_true(M(f->m, D(f, "03:00.0"))->stuck);
	/* No domain is freed while a device still uses it. */
	assert_int_equal(iok_domain_free(d), -EBUSY);
	assert_sane(f);
	/* The next successful switch heals it. */
	assert_int_equal(iok_attach_group(d, G(f, "03:00.0")), 0);
	assert_false(M(f->m, D(f, "03:00.0"))->stuck);
	assert_int_equal(iok_detach_group(NULL, G(f, "03:00.0")), 0);
	assert_group_on(f, "03:00.0", def);
	assert_int_equal(iok_domain_free(d), 0);
	assert_sane(f);
}

/*
 * Must-succeed mode (spec 3.1): releasing ownership goes on past a failing
 * device, pushes it to the blocking domain and lands on the default anyway.
 */
static void failinject_must_succeed(void **state)
{
	struct fx *f = *state;
	struct iok_rgroup *rg;
	struct iok_domain *def;

	BOOT(f);
	rg = G(f, "03:00.0");
	def = iok_rgroup_get_default_domain(rg);
	assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_group), 0);
	assert_int_equal(iok_machine_fail_attach(f->m, D(f, "03:00.1"), 1, -ENOMEM), 0);
	assert_int_equal(iok_group_release_dma_owner(rg), -ENOMEM);
	assert_int_equal(iok_machine_get_warnings(f->m), 1);
	assert_ptr_equal(iok_rgroup_get_domain(rg), def);
	assert_null(iok_rgroup_get_owner(rg));
	assert_ptr_equal(rid(f, "03:00.0"), def);
	assert_ptr_equal(rid(f, "03:00.1"), iok_rgroup_get_blocking_domain(rg));
	assert_ptr_equal(rid(f, "03:00.2"), def);
	assert_int_equal(calls(f, "03:00.2"), 3);	/* the loop went on */
	assert_sane(f);
}

/* Case 7: a device with a direct region keeps its group from being blocked. */
static void case10_07_require_direct_vs_blocking(void **state)
{
	static const char *const iommus[] = { "intel", "virtio" };
	struct fx *f = *state;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(iommus); i++) {
		struct iok_rgroup *rg;
		struct iok_domain *def, *blocked;

		BOOT(f, .iommu = iommus[i]);
		rg = G(f, "02:00.0");
		def = iok_rgroup_get_default_domain(rg);
		assert_int_equal(iok_machine_add_resv_region(f->m, D(f, "02:00.1"), 0xe0000,
							     0xfffff, IOK_RESV_DIRECT), 0);
		assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_group), -EINVAL);
		assert_int_equal(iok_device_claim_dma_owner(f->m, D(f, "02:00.0"), &ictx1),
				 -EINVAL);
		assert_int_equal(iok_rgroup_get_owner_cnt(rg), 0);
		assert_null(iok_rgroup_get_owner(rg));
		assert_group_on(f, "02:00.0", def);
		/* The blocking domain stays allocated: static, or an empty paging one. */
		assert_int_equal(iok_domain_get_type(iok_rgroup_get_blocking_domain(rg)),
				 i ? IOK_DOMAIN_UNMANAGED : IOK_DOMAIN_BLOCKED);
		blocked = iok_unit_get_blocked_domain(unit(f, "02:00.0"));
		if (blocked) {
			assert_int_equal(iok_attach_group(blocked, rg), -EINVAL);
			assert_group_on(f, "02:00.0", def);
		} else {
			assert_string_equal(iommus[i], "virtio");
		}
		/* A relaxable region does not count. */
		assert_int_equal(iok_machine_add_resv_region(f->m, D(f, "01:00.0"), 0xe0000, 0xfffff,
							     IOK_RESV_DIRECT_RELAXABLE), 0);
		assert_int_equal(iok_group_claim_dma_owner(G(f, "01:00.0"), &vfio_group), 0);
		assert_int_equal(iok_machine_add_resv_region(f->m, D(f, "01:00.0"), 0xe0000,
							     0xfffff, IOK_RESV_DIRECT), -EBUSY);
		assert_sane(f);
		iok_machine_unref(f->m);
		iok_topo_unref(f->t);
		f->m = NULL;
		f->t = NULL;
	}
}

/* ---- DMA ownership (spec 4) -------------------------------------------- */

/* Case 11: a VFIO claim against a DMA-API driver; pci-stub is fine. */
static void case10_11_claim_with_driver_bound_eperm(void **state)
{
	struct fx *f = *state;
	struct iok_rgroup *rg;

	BOOT(f);
	rg = G(f, "02:00.0");
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "02:00.1"), "snd_hda_intel", false), 0);
	assert_true(iok_group_dma_owner_claimed(rg));	/* not viable */
	assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_group), -EPERM);
	assert_int_equal(iok_device_unbind_driver(f->m, D(f, "02:00.1")), 0);
	assert_false(iok_group_dma_owner_claimed(rg));
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "02:00.1"), "pci-stub", true), 0);
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "02:00.0"), "vfio-pci", true), 0);
	assert_false(iok_group_dma_owner_claimed(rg));
	assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_group), 0);
	assert_group_on(f, "02:00.0", iok_rgroup_get_blocking_domain(rg));
	assert_sane(f);
}

/* Case 12, spec 4.6: a DMA-API driver refused on a user-owned group. */
static void case10_12_bind_into_owned_group_ebusy(void **state)
{
	struct fx *f = *state;
	struct iok_rgroup *rg;

	BOOT(f);
	rg = G(f, "02:00.0");
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "02:00.0"), "vfio-pci", true), 0);
	assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_group), 0);
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "02:00.1"), "snd_hda_intel", false),
			 -EBUSY);
	assert_null(iok_dev_get_bound_driver(f->m, D(f, "02:00.1")));
	assert_int_equal(iok_rgroup_get_owner_cnt(rg), 1);
	assert_ptr_equal(iok_rgroup_get_owner(rg), &vfio_group);
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "02:00.1"), "vfio-pci", true), 0);
	assert_string_equal(iok_dev_get_bound_driver(f->m, D(f, "02:00.1")), "vfio-pci");
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "02:00.1"), "pci-stub", true), -EBUSY);
	assert_sane(f);
}

/* Case 13: iommufd shares a group by cookie; anyone else is refused. */
static void case10_13_iommufd_shared_by_cookie(void **state)
{
	struct fx *f = *state;
	struct iok_rgroup *rg;

	BOOT(f);
	rg = G(f, "02:00.0");
	assert_int_equal(iok_device_claim_dma_owner(f->m, D(f, "02:00.0"), &ictx1), 0);
	assert_int_equal(iok_device_claim_dma_owner(f->m, D(f, "02:00.1"), &ictx1), 0);
	assert_int_equal(iok_rgroup_get_owner_cnt(rg), 2);
	assert_int_equal(iok_device_claim_dma_owner(f->m, D(f, "02:00.1"), &ictx2), -EPERM);
	assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_group), -EPERM);
	assert_int_equal(iok_device_release_dma_owner(f->m, D(f, "02:00.1")), 0);
	assert_int_equal(iok_rgroup_get_owner_cnt(rg), 1);
	assert_group_on(f, "02:00.0", iok_rgroup_get_blocking_domain(rg));
	assert_int_equal(iok_device_release_dma_owner(f->m, D(f, "02:00.0")), 0);
	assert_group_on(f, "02:00.0", iok_rgroup_get_default_domain(rg));
	assert_null(iok_rgroup_get_owner(rg));
	/* A kernel driver's group: a device claim is refused too. */
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "01:00.0"), "nvme", false), 0);
	assert_int_equal(iok_device_claim_dma_owner(f->m, D(f, "01:00.0"), &ictx1), -EPERM);
	assert_sane(f);
}

/* Case 14: the group claim is exclusive; the device claim counts. */
static void case10_14_claim_twice(void **state)
{
	struct fx *f = *state;
	struct iok_rgroup *rg;

	BOOT(f);
	rg = G(f, "01:00.0");
	assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_group), 0);
	assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_group), -EPERM);
	assert_int_equal(iok_group_release_dma_owner(rg), 0);
	assert_int_equal(iok_device_claim_dma_owner(f->m, D(f, "01:00.0"), &ictx1), 0);
	assert_int_equal(iok_device_claim_dma_owner(f->m, D(f, "01:00.0"), &ictx1), 0);
	assert_int_equal(iok_rgroup_get_owner_cnt(rg), 2);
	assert_sane(f);
}

/* Case 15: releasing with a user domain attached goes straight to the default. */
static void case10_15_release_with_user_domain(void **state)
{
	struct fx *f = *state;
	struct iok_rgroup *rg;
	struct iok_domain *d;

	BOOT(f);
	rg = G(f, "03:00.0");
	d = paging(f, "03:00.0");
	assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_group), 0);
	assert_int_equal(iok_attach_group(d, rg), 0);
	assert_group_on(f, "03:00.0", d);
	assert_int_equal(iok_domain_free(d), -EBUSY);
	assert_int_equal(iok_group_release_dma_owner(rg), 0);
	assert_group_on(f, "03:00.0", iok_rgroup_get_default_domain(rg));
	assert_int_equal(iok_machine_get_warnings(f->m), 0);
	assert_int_equal(iok_domain_free(d), 0);
	/* Releasing again: a WARN, nothing changes. */
	assert_int_equal(iok_group_release_dma_owner(rg), -EINVAL);
	assert_int_equal(iok_machine_get_warnings(f->m), 1);
	assert_sane(f);
}

/* Case 16: unuse with PASIDs attached keeps the count: claimed forever. */
static void case10_16_unuse_with_pasids(void **state)
{
	struct fx *f = *state;
	struct iok_rgroup *rg;

	BOOT(f);
	rg = G(f, "01:00.0");
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "01:00.0"), "idxd", false), 0);
	iok_rgroup_set_nr_pasids(rg, 1);
	assert_int_equal(iok_device_unbind_driver(f->m, D(f, "01:00.0")), 0);
	assert_null(iok_dev_get_bound_driver(f->m, D(f, "01:00.0")));
	assert_int_equal(iok_machine_get_warnings(f->m), 1);
	assert_int_equal(iok_rgroup_get_owner_cnt(rg), 1);
	assert_true(iok_group_dma_owner_claimed(rg));
	assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_group), -EPERM);
	/* Case 25: a second DMA-API driver into a group with PASIDs. */
	iok_rgroup_set_nr_pasids(rg, 0);
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "01:00.0"), "idxd", false), 0);
	iok_rgroup_set_nr_pasids(rg, 1);
	assert_int_equal(iok_device_claim_dma_owner(f->m, D(f, "02:00.0"), &ictx1), 0);
	iok_rgroup_set_nr_pasids(G(f, "03:00.0"), 1);
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "03:00.0"), "igb", false), 0);
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "03:00.1"), "igb", false), -EBUSY);
	iok_rgroup_set_nr_pasids(G(f, "03:00.0"), 0);
	iok_rgroup_set_nr_pasids(rg, 0);
	assert_sane(f);
}

/* Case 17: a driver probing before the group has its default domain defers. */
static void case10_17_probe_defer(void **state)
{
	struct fx *f = *state;
	struct iok_rgroup *rg;

	BOOT(f, .absent = "01:00.0");
	assert_int_equal(iok_machine_set_probe_window(f->m, true), 0);
	assert_int_equal(iok_machine_hotplug_add(f->m, D(f, "01:00.0")), 0);
	rg = G(f, "01:00.0");
	assert_null(iok_rgroup_get_default_domain(rg));
	assert_null(iok_rgroup_get_domain(rg));
	assert_string_equal(iok_group_get_type_name(rg), "unknown");
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "01:00.0"), "nvme", false),
			 -IOK_EPROBE_DEFER);
	assert_null(iok_dev_get_bound_driver(f->m, D(f, "01:00.0")));
	assert_int_equal(iok_group_set_default_type(rg, "DMA"), -EINVAL);
	assert_sane(f);
	assert_int_equal(iok_machine_set_probe_window(f->m, false), 0);
	assert_int_equal(iok_domain_get_type(iok_rgroup_get_default_domain(rg)), IOK_DOMAIN_DMA_FQ);
	assert_group_on(f, "01:00.0", iok_rgroup_get_default_domain(rg));
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "01:00.0"), "nvme", false), 0);
	assert_sane(f);
}

/* Case 18: the first user does not look at the domain attached. */
static void case10_18_use_with_private_domain(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;

	BOOT(f);
	d = paging(f, "02:00.0");
	/* No ownership check on attach: a private domain without an owner. */
	assert_int_equal(iok_attach_group(d, G(f, "02:00.0")), 0);
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "02:00.0"), "nouveau", false), 0);
	assert_int_equal(iok_rgroup_get_owner_cnt(G(f, "02:00.0")), 1);
	assert_group_on(f, "02:00.0", d);
	/* The second user does look. */
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "02:00.1"), "snd_hda_intel", false),
			 -EBUSY);
	assert_sane(f);
}

/* Case 19 and spec 2.4: sysfs "type" on current kernels. */
static void case10_19_sysfs_type(void **state)
{
	struct fx *f = *state;
	struct iok_rgroup *rg;
	struct iok_domain *def;

	BOOT(f);
	rg = G(f, "01:00.0");
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "01:00.0"), "nvme", false), 0);
	assert_int_equal(iok_group_set_default_type(rg, "identity"), -EPERM);
	assert_int_equal(iok_group_set_default_type(rg, "DMA-FQ"), -EPERM);
	assert_int_equal(iok_device_unbind_driver(f->m, D(f, "01:00.0")), 0);
	assert_int_equal(iok_group_set_default_type(rg, "bogus"), -EINVAL);
	assert_int_equal(iok_group_set_default_type(rg, "identity"), 0);
	assert_string_equal(iok_group_get_type_name(rg), "identity");
	assert_group_on(f, "01:00.0", iok_rgroup_get_default_domain(rg));
	assert_int_equal(iok_group_set_default_type(rg, "DMA\n"), 0);
	def = iok_rgroup_get_default_domain(rg);
	assert_string_equal(iok_group_get_type_name(rg), "DMA");
	/* DMA to DMA-FQ is the only live change: the same domain, driver bound. */
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "01:00.0"), "nvme", false), 0);
	assert_int_equal(iok_group_set_default_type(rg, "DMA-FQ"), 0);
	assert_ptr_equal(iok_rgroup_get_default_domain(rg), def);
	assert_string_equal(iok_group_get_type_name(rg), "DMA-FQ");
	assert_int_equal(iok_device_unbind_driver(f->m, D(f, "01:00.0")), 0);
	/* Owned: -EPERM. Untrusted: DMA only. Several devices: allowed now. */
	assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_group), 0);
	assert_int_equal(iok_group_set_default_type(rg, "identity"), -EPERM);
	assert_int_equal(iok_group_set_default_type(G(f, "04:00.0"), "identity"), -EINVAL);
	assert_int_equal(iok_group_set_default_type(G(f, "04:00.0"), "auto"), 0);
	assert_string_equal(iok_group_get_type_name(G(f, "04:00.0")), "DMA");
	assert_int_equal(iok_group_set_default_type(G(f, "02:00.0"), "identity"), 0);
	assert_group_on(f, "02:00.0", iok_rgroup_get_default_domain(G(f, "02:00.0")));
	assert_int_equal(iok_group_set_default_type(G(f, "02:00.0"), "auto"), 0);
	assert_string_equal(iok_group_get_type_name(G(f, "02:00.0")), "DMA-FQ");
	assert_sane(f);
}

/* Spec 10 intro: the same writes on Linux 6.1 (oracle scenario g-group-type-sysfs). */
static void case10_19_sysfs_type_linux_6_1(void **state)
{
	struct fx *f = *state;
	struct iok_rgroup *rg;

	BOOT(f, .kernel = "6.1");
	rg = G(f, "01:00.0");
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "01:00.0"), "nvme", false), 0);
	assert_string_equal(iok_group_get_type_name(rg), "DMA-FQ");
	assert_int_equal(iok_group_set_default_type(rg, "identity"), -EBUSY);
	assert_int_equal(iok_group_set_default_type(rg, "DMA-FQ"), -EBUSY);
	assert_int_equal(iok_group_set_default_type(rg, "DMA"), -EBUSY);
	assert_int_equal(iok_device_unbind_driver(f->m, D(f, "01:00.0")), 0);
	assert_int_equal(iok_group_set_default_type(rg, "bogus"), -EINVAL);
	assert_int_equal(iok_group_set_default_type(rg, "identity"), 0);
	assert_string_equal(iok_group_get_type_name(rg), "identity");
	assert_int_equal(iok_group_set_default_type(rg, "DMA"), 0);
	assert_string_equal(iok_group_get_type_name(rg), "DMA");
	/* User-owned through vfio-pci and a container. */
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "01:00.0"), "vfio-pci", true), 0);
	assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_group), 0);
	assert_int_equal(iok_group_set_default_type(rg, "identity"), -EBUSY);
	assert_int_equal(iok_group_set_default_type(rg, "DMA-FQ"), -EBUSY);
	assert_string_equal(iok_group_get_type_name(rg), "DMA");
	assert_int_equal(iok_group_release_dma_owner(rg), 0);
	assert_int_equal(iok_device_unbind_driver(f->m, D(f, "01:00.0")), 0);
	assert_int_equal(iok_group_set_default_type(rg, "DMA-FQ"), 0);
	assert_string_equal(iok_group_get_type_name(rg), "DMA-FQ");
	/* A group of several devices, all unbound. */
	assert_int_equal(iok_group_set_default_type(G(f, "02:00.0"), "identity"), -EINVAL);
	assert_string_equal(iok_group_get_type_name(G(f, "02:00.0")), "DMA-FQ");
	assert_sane(f);
}

/*
 * Case 20: hot-add into a VFIO-owned group on the user's domain: the new
 * device gets the user domain; DMA-API drivers are refused, vfio-pci binds.
 * With a direct region, into a blocked group: the probe fails.
 */
static void case10_20_hotadd_into_owned_group(void **state)
{
	struct fx *f = *state;
	struct iok_rgroup *rg;
	struct iok_domain *d;
	unsigned int n;

	BOOT(f, .absent = "02:00.1,03:00.2");
	rg = G(f, "02:00.0");
	d = paging(f, "02:00.0");
	assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_group), 0);
	assert_int_equal(iok_attach_group(d, rg), 0);
	assert_int_equal(iok_machine_hotplug_add(f->m, D(f, "02:00.1")), 0);
	assert_ptr_equal(G(f, "02:00.1"), rg);
	assert_ptr_equal(rid(f, "02:00.1"), d);
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "02:00.1"), "snd_hda_intel", false),
			 -EBUSY);
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "02:00.1"), "vfio-pci", true), 0);

	rg = G(f, "03:00.0");
	n = iok_rgroup_count_devs(rg);
	assert_int_equal(iok_machine_add_resv_region(f->m, D(f, "03:00.2"), 0xe0000, 0xfffff,
						     IOK_RESV_DIRECT), 0);
	assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_group), 0);
	assert_int_equal(iok_machine_hotplug_add(f->m, D(f, "03:00.2")), -EINVAL);
	assert_true(iok_machine_dev_is_present(f->m, D(f, "03:00.2")));
	assert_null(iok_dev_get_rgroup(f->m, D(f, "03:00.2")));
	assert_null(iok_dev_get_unit(f->m, D(f, "03:00.2")));
	assert_int_equal(iok_rgroup_count_devs(rg), n);
	assert_group_on(f, "03:00.0", iok_rgroup_get_blocking_domain(rg));
	/* It has no IOMMU: a driver binds without the group. */
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "03:00.2"), "igb", false), 0);
	assert_int_equal(iok_rgroup_get_owner_cnt(rg), 1);
	/* Unplugged and plugged in again after release: it joins. */
	assert_int_equal(iok_machine_hotplug_remove(f->m, D(f, "03:00.2")), 0);
	assert_int_equal(iok_group_release_dma_owner(rg), 0);
	assert_int_equal(iok_machine_hotplug_add(f->m, D(f, "03:00.2")), 0);
	assert_ptr_equal(G(f, "03:00.2"), rg);
	assert_ptr_equal(rid(f, "03:00.2"), iok_rgroup_get_default_domain(rg));
	assert_sane(f);
}

/* Case 21: the last device of an owned group cannot leave. */
static void case10_21_remove_last_of_owned_group(void **state)
{
	struct fx *f = *state;
	struct iok_rgroup *rg;
	struct iok_domain *d;
	int id;

	BOOT(f);
	rg = G(f, "01:00.0");
	id = iok_rgroup_get_id(rg);
	assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_group), 0);
	assert_int_equal(iok_machine_hotplug_remove(f->m, D(f, "01:00.0")), -EBUSY);
	assert_int_equal(iok_machine_get_warnings(f->m), 1);
	assert_non_null(strstr(iok_get_error(f->ctx), "group"));
	assert_ptr_equal(G(f, "01:00.0"), rg);
	assert_true(iok_machine_dev_is_present(f->m, D(f, "01:00.0")));
	assert_int_equal(iok_group_release_dma_owner(rg), 0);
	/* Not on its default domain: refused too. */
	d = paging(f, "01:00.0");
	assert_int_equal(iok_attach_device(d, D(f, "01:00.0")), 0);
	assert_int_equal(iok_machine_hotplug_remove(f->m, D(f, "01:00.0")), -EBUSY);
	assert_int_equal(iok_detach_device(d, D(f, "01:00.0")), 0);
	/* A bound DMA-API driver is unbound first, so that count is no obstacle. */
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "01:00.0"), "nvme", false), 0);
	assert_int_equal(iok_machine_hotplug_remove(f->m, D(f, "01:00.0")), 0);
	assert_null(iok_machine_find_rgroup(f->m, id));
	assert_null(iok_dev_get_rgroup(f->m, D(f, "01:00.0")));
	assert_null(iok_dev_get_bound_driver(f->m, D(f, "01:00.0")));
	assert_int_equal(iok_domain_free(d), 0);
	assert_sane(f);
}

/* ---- LKML design debates (spec 9) -------------------------------------- */

/* 9.1: iommu_attach_device() only for a device alone in its group. */
static void lkml_9_1_attach_device_singleton_rule(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;

	BOOT(f);
	d = paging(f, "01:00.0");
	assert_int_equal(iok_attach_device(d, D(f, "01:00.0")), 0);
	assert_group_on(f, "01:00.0", d);
	assert_int_equal(iok_detach_device(d, D(f, "01:00.0")), 0);
	d = paging(f, "02:00.0");
	assert_int_equal(iok_attach_device(d, D(f, "02:00.1")), -EINVAL);
	assert_int_equal(iok_detach_device(iok_rgroup_get_domain(G(f, "02:00.0")),
					   D(f, "02:00.1")), -EINVAL);
	/* Multi-device users use the group API: both devices, one domain. */
	assert_int_equal(iok_attach_group(d, G(f, "02:00.1")), 0);
	assert_group_on(f, "02:00.0", d);
	assert_sane(f);
}

/* 9.2: from "one DMA-API driver bound" to "one user owner", safely. */
static void lkml_9_2_driver_to_user_owner(void **state)
{
	struct fx *f = *state;
	struct iok_rgroup *rg;

	BOOT(f);
	rg = G(f, "01:00.0");
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "01:00.0"), "nvme", false), 0);
	assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_group), -EPERM);
	assert_group_on(f, "01:00.0", iok_rgroup_get_default_domain(rg));
	assert_int_equal(iok_device_unbind_driver(f->m, D(f, "01:00.0")), 0);
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "01:00.0"), "vfio-pci", true), 0);
	assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_group), 0);
	/* Owned, the group never points at kernel memory. */
	assert_group_on(f, "01:00.0", iok_rgroup_get_blocking_domain(rg));
	assert_int_equal(iok_domain_get_type(iok_rgroup_get_domain(rg)), IOK_DOMAIN_BLOCKED);
	assert_sane(f);
}

/* 9.2: a kernel driver's probe into a user-owned group fails; no BUG_ON. */
static void lkml_9_2_probe_refused_on_user_owned_group(void **state)
{
	struct fx *f = *state;
	struct iok_rgroup *rg;
	struct iok_domain *d;

	BOOT(f);
	rg = G(f, "03:00.0");
	d = paging(f, "03:00.0");
	assert_int_equal(iok_device_claim_dma_owner(f->m, D(f, "03:00.0"), &ictx1), 0);
	assert_int_equal(iok_attach_group(d, rg), 0);
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "03:00.2"), "igb", false), -EBUSY);
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "03:00.1"), "igb", false), -EBUSY);
	assert_group_on(f, "03:00.0", d);
	assert_int_equal(iok_rgroup_get_owner_cnt(rg), 1);
	assert_int_equal(iok_machine_get_warnings(f->m), 0);
	assert_sane(f);
}

/* 9.2 and spec 3.3: a hot-added device takes whatever domain its group has. */
static void lkml_9_2_hotadd_inherits_domain(void **state)
{
	struct fx *f = *state;
	struct iok_rgroup *rg;

	BOOT(f, .absent = "02:00.1,03:00.1,03:00.2");
	assert_int_equal(iok_machine_hotplug_add(f->m, D(f, "02:00.1")), 0);
	assert_ptr_equal(rid(f, "02:00.1"), iok_rgroup_get_default_domain(G(f, "02:00.0")));
	rg = G(f, "03:00.0");
	assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_group), 0);
	assert_int_equal(iok_machine_hotplug_add(f->m, D(f, "03:00.1")), 0);
	assert_ptr_equal(rid(f, "03:00.1"), iok_rgroup_get_blocking_domain(rg));
	assert_int_equal(iok_machine_hotplug_add(f->m, D(f, "03:00.2")), 0);
	assert_group_on(f, "03:00.0", iok_rgroup_get_blocking_domain(rg));
	assert_int_equal(iok_group_release_dma_owner(rg), 0);
	assert_group_on(f, "03:00.0", iok_rgroup_get_default_domain(rg));
	assert_sane(f);
}

/* ---- hot-plug and deferred attach (spec 3.3, 3.1) ---------------------- */

/* Spec 3.3: a device forming a new group, removals, and the freed ID (groups 8). */
static void hotplug_new_group_and_removal(void **state)
{
	struct fx *f = *state;
	struct iok_rgroup *rg;
	struct iok_domain *d;
	int id;

	BOOT(f, .absent = "01:00.0");
	assert_null(iok_dev_get_rgroup(f->m, D(f, "01:00.0")));
	assert_false(iok_machine_dev_is_present(f->m, D(f, "01:00.0")));
	assert_int_equal(iok_domain_alloc_paging(f->m, D(f, "01:00.0"), &d), -ENODEV);
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "01:00.0"), "nvme", false), -ENODEV);
	assert_int_equal(iok_machine_hotplug_remove(f->m, D(f, "01:00.0")), -ENODEV);
	assert_int_equal(iok_machine_hotplug_add(f->m, D(f, "01:00.0")), 0);
	rg = G(f, "01:00.0");
	id = iok_rgroup_get_id(rg);
	assert_int_equal(id, iok_group_get_id(iok_dev_get_group(iok_machine_get_grouping(f->m),
								D(f, "01:00.0"))));
	assert_group_on(f, "01:00.0", iok_rgroup_get_default_domain(rg));
	/* Removing a device of a bigger group keeps the group. */
	assert_int_equal(iok_machine_hotplug_remove(f->m, D(f, "03:00.1")), 0);
	assert_int_equal(iok_rgroup_count_devs(G(f, "03:00.0")), 2);
	assert_null(iok_dev_get_attached_domain(f->m, D(f, "03:00.1")));
	assert_int_equal(iok_machine_hotplug_remove(f->m, D(f, "01:00.0")), 0);
	assert_null(iok_machine_find_rgroup(f->m, id));
	/* Plugged in again, the group's ID is the lowest free one. */
	assert_int_equal(iok_machine_hotplug_add(f->m, D(f, "01:00.0")), 0);
	assert_int_equal(iok_rgroup_get_id(G(f, "01:00.0")), id);
	assert_int_equal(iok_machine_hotplug_add(f->m, D(f, "01:00.0")), -EBUSY);
	assert_sane(f);
}

/* Spec 3.1: a deferred device skips the default domain until another one comes. */
static void attach_deferred_skips_default(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d, *def;

	BOOT(f, .absent = "01:00.0");
	assert_int_equal(iok_machine_set_attach_deferred(f->m, D(f, "01:00.0")), 0);
	assert_int_equal(iok_machine_hotplug_add(f->m, D(f, "01:00.0")), 0);
	def = iok_rgroup_get_default_domain(G(f, "01:00.0"));
	assert_ptr_equal(iok_rgroup_get_domain(G(f, "01:00.0")), def);
	assert_null(rid(f, "01:00.0"));
	assert_int_equal(calls(f, "01:00.0"), 0);
	assert_sane(f);
	d = paging(f, "01:00.0");
	assert_int_equal(iok_attach_device(d, D(f, "01:00.0")), 0);
	assert_ptr_equal(rid(f, "01:00.0"), d);
	assert_int_equal(iok_detach_device(d, D(f, "01:00.0")), 0);
	assert_ptr_equal(rid(f, "01:00.0"), def);
	assert_int_equal(iok_machine_set_attach_deferred(f->m, D(f, "01:00.0")), -EBUSY);
	assert_sane(f);
}

/* ---- faults ------------------------------------------------------------ */

struct seen {
	unsigned int n;
	struct iok_fault last;
};

static void on_fault(struct iok_iommu_unit *u, const struct iok_fault *fault, void *arg)
{
	struct seen *s = arg;

	s->n++;
	s->last = *fault;
}

/* The model's fault queue: handler first, records kept until the queue is full. */
static void faults_queue_and_handler(void **state)
{
	struct fx *f = *state;
	struct iok_iommu_unit *u0, *u1;
	struct seen s = { 0 };
	struct iok_fault rec = {
		.rid = 0x0100, .pasid = IOK_PASID_INVALID, .addr = 0xdead000,
		.access = IOK_FAULT_PERM_WRITE, .reason = IOK_FAULT_NOT_PRESENT,
	}, got;
	unsigned int i;

	BOOT(f, .units = TWO_UNITS);
	u0 = unit(f, "01:00.0");
	u1 = unit(f, "02:00.0");
	rec.dev = D(f, "01:00.0");
	iok_unit_set_fault_handler(u0, on_fault, &s);
	assert_int_equal(iok_unit_report_fault(u0, &rec), 0);
	assert_int_equal(s.n, 1);
	assert_true(s.last.addr == 0xdead000 && s.last.reason == IOK_FAULT_NOT_PRESENT);
	assert_int_equal(iok_unit_count_faults(u0), 1);
	assert_int_equal(iok_unit_get_fault(u0, 0, &got), 0);
	assert_true(got.rid == 0x0100 && got.dev == rec.dev && got.access == IOK_FAULT_PERM_WRITE);
	assert_int_equal(iok_unit_get_fault(u0, 1, &got), -ENOENT);
	/* Not behind this unit; bad fields. */
	assert_int_equal(iok_unit_report_fault(u1, &rec), -EINVAL);
	rec.dev = NULL;
	rec.access = 0x100;
	assert_int_equal(iok_unit_report_fault(u1, &rec), -EINVAL);
	rec.access = IOK_FAULT_PERM_READ;
	assert_int_equal(iok_unit_count_faults(u1), 0);
	/* A full queue loses new records and counts them; the handler sees all. */
	for (i = 1; i < IOK_FAULT_QUEUE_LEN; i++)
		assert_int_equal(iok_unit_report_fault(u0, &rec), 0);
	assert_int_equal(iok_unit_report_fault(u0, &rec), -ENOSPC);
	assert_int_equal(iok_unit_count_faults(u0), IOK_FAULT_QUEUE_LEN);
	assert_int_equal(iok_unit_get_fault_overflows(u0), 1);
	assert_int_equal(s.n, IOK_FAULT_QUEUE_LEN + 1);
	iok_unit_clear_faults(u0);
	assert_int_equal(iok_unit_count_faults(u0), 0);
	assert_int_equal(iok_unit_get_fault_overflows(u0), 0);
}

/* ---- invariants and misuse --------------------------------------------- */

/* Spec 1.4: a broken state is reported, naming the group. */
static void invariants_detect_breakage(void **state)
{
	struct fx *f = *state;
	struct iok_rgroup *rg;
	struct iok_domain *d, *def;
	char want[32];

	BOOT(f);
	assert_sane(f);
	rg = G(f, "02:00.0");
	snprintf(want, sizeof(want), "group %d", iok_rgroup_get_id(rg));
	/* Invariant 2: an owner without a count. */
	rg->owner = &vfio_group;
	assert_int_equal(iok_machine_check(f->m), -EUCLEAN);
	assert_non_null(strstr(iok_get_error(f->ctx), want));
	/* A mutating call then fails loudly. */
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "01:00.0"), "nvme", false), -EUCLEAN);
	rg->owner = NULL;
	assert_sane(f);
	/* Invariant 1: a device on another domain than its group. */
	d = paging(f, "02:00.0");
	def = rg->domain;
	rg->domain = d;
	assert_int_equal(iok_machine_check(f->m), -EUCLEAN);
	assert_non_null(strstr(iok_get_error(f->ctx), "invariant 1"));
	rg->domain = def;
	/* A domain's count. */
	d->nr_attached++;
	assert_int_equal(iok_machine_check(f->m), -EUCLEAN);
	d->nr_attached--;
	assert_sane(f);
}

/* Caller bugs (spec 0: WARN paths change nothing): NULL, another machine's objects. */
static void misuse_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d, *other, *def;
	struct iok_rgroup *rg;
	struct iok_domain *out = NULL;

	BOOT(f, .absent = "04:00.0");
	f->t2 = load(f, (struct t_boot){ 0 });
	assert_int_equal(iok_machine_new(f->t2, &f->m2), 0);
	rg = G(f, "01:00.0");
	def = iok_rgroup_get_domain(rg);
	d = paging(f, "01:00.0");
	assert_int_equal(iok_domain_alloc_paging(f->m2, t_dev(f->t2, "01:00.0"), &other), 0);
	/* Another machine's domain, device or group. */
	assert_int_equal(iok_attach_group(other, rg), -EINVAL);
	assert_int_equal(iok_attach_device(other, D(f, "01:00.0")), -EINVAL);
	assert_int_equal(iok_attach_device(d, t_dev(f->t2, "01:00.0")), -EINVAL);
	assert_int_equal(iok_group_replace_domain(rg, other), -EINVAL);
	assert_int_equal(iok_detach_group(other, rg), -EINVAL);
	assert_int_equal(iok_device_bind_driver(f->m, t_dev(f->t2, "01:00.0"), "nvme", false),
			 -EINVAL);
	assert_int_equal(iok_device_claim_dma_owner(f->m, t_dev(f->t2, "01:00.0"), &ictx1),
			 -EINVAL);
	assert_int_equal(iok_machine_hotplug_remove(f->m, t_dev(f->t2, "01:00.0")), -EINVAL);
	assert_int_equal(iok_machine_add_resv_region(f->m, t_dev(f->t2, "01:00.0"), 0, 1,
						     IOK_RESV_DIRECT), -EINVAL);
	/* NULL. */
	assert_int_equal(iok_attach_group(NULL, rg), -EINVAL);
	assert_int_equal(iok_attach_group(d, NULL), -EINVAL);
	assert_int_equal(iok_attach_device(d, NULL), -EINVAL);
	assert_int_equal(iok_detach_group(NULL, NULL), -EINVAL);
	assert_int_equal(iok_group_claim_dma_owner(NULL, &vfio_group), -EINVAL);
	assert_int_equal(iok_group_claim_dma_owner(rg, NULL), -EINVAL);	/* a WARN */
	assert_int_equal(iok_device_claim_dma_owner(f->m, D(f, "01:00.0"), NULL), -EINVAL);
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "01:00.0"), NULL, false), -EINVAL);
	assert_int_equal(iok_device_unbind_driver(f->m, D(f, "01:00.0")), -ENODEV);
	assert_int_equal(iok_domain_alloc_paging(NULL, D(f, "01:00.0"), &out), -EINVAL);
	assert_int_equal(iok_map(NULL, 0, 0, SZ_4K, RW), -EINVAL);
	assert_int_equal(iok_unmap(NULL, 0, SZ_4K), 0);
	assert_int_equal(iok_machine_fail_attach(f->m, D(f, "01:00.0"), 1, 5), -EINVAL);
	assert_int_equal(iok_group_set_default_type(NULL, "DMA"), -EINVAL);
	assert_int_equal(iok_machine_new(NULL, &f->m2), -EINVAL);
	assert_int_equal(iok_machine_new_drivers(f->t2, NULL, &f->m2), -EINVAL);
	assert_ptr_equal(iok_rgroup_get_domain(rg), def);
	assert_int_equal(iok_rgroup_get_owner_cnt(rg), 0);
	assert_int_equal(calls(f, "01:00.0"), 1);
	/* Frees: NULL is fine; static, default and attached domains are not freed. */
	assert_int_equal(iok_domain_free(NULL), 0);
	assert_int_equal(iok_domain_free(iok_unit_get_identity_domain(unit(f, "01:00.0"))), -EINVAL);
	assert_int_equal(iok_domain_free(def), -EBUSY);
	assert_int_equal(iok_attach_group(d, rg), 0);
	assert_int_equal(iok_domain_free(d), -EBUSY);
	assert_int_equal(iok_detach_group(d, rg), 0);
	assert_int_equal(iok_domain_free(d), 0);
	/* detach_device of a device without a group: silently nothing. */
	assert_int_equal(iok_detach_device(def, D(f, "04:00.0")), 0);
	assert_sane(f);
}

/* iok_machine_new_drivers(): one driver per unit, the rest the topology's. */
static void machine_drivers_list(void **state)
{
	struct fx *f = *state;
	struct iok_machine *m = NULL;

	f->t = load(f, (struct t_boot){ .units = TWO_UNITS });
	assert_int_equal(iok_machine_new_drivers(f->t, "intel,sparc", &m), -EINVAL);
	assert_non_null(strstr(iok_get_error(f->ctx), "sparc"));
	assert_int_equal(iok_machine_new_drivers(f->t, "arm,arm,arm", &m), -EINVAL);
	assert_int_equal(iok_machine_new_drivers(f->t, "virtio", &f->m), 0);
	assert_string_equal(iok_unit_get_driver(iok_machine_get_unit(f->m, 0)), "virtio");
	assert_string_equal(iok_unit_get_driver(iok_machine_get_unit(f->m, 1)), "intel");
	assert_null(iok_unit_get_blocked_domain(iok_machine_get_unit(f->m, 0)));
	assert_null(iok_machine_get_unit(f->m, 2));
	assert_sane(f);
}

/* Spec 4.2: without an IOMMU there is no group, and use_default_domain is a no-op. */
static void machine_without_iommu(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;

	BOOT(f, .iommu = "none");
	assert_int_equal(iok_machine_count_units(f->m), 0);
	assert_null(iok_rgroup_get_first(f->m));
	assert_int_equal(iok_domain_alloc_paging(f->m, D(f, "01:00.0"), &d), -ENODEV);
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "01:00.0"), "nvme", false), 0);
	assert_int_equal(iok_device_claim_dma_owner(f->m, D(f, "01:00.0"), &ictx1), -ENODEV);
	assert_int_equal(iok_machine_hotplug_remove(f->m, D(f, "01:00.0")), 0);
	assert_int_equal(iok_machine_hotplug_add(f->m, D(f, "01:00.0")), 0);
	assert_sane(f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(machine_groups_and_units),
		T(default_domain_x86_lazy),
		T(default_domain_arm_strict),
		T(default_domain_cmdline),
		T(default_domain_fallback),
		T(default_domain_alloc_fails),
		T(map_splits_pages),
		T(case10_08_map_non_paging_einval),
		T(case10_09_map_misaligned_and_overlap),
		T(case10_10_unmap_hole_and_big_page),
		T(resv_regions_merge),
		T(resv_regions_per_driver),
		T(resv_direct_mapped_into_dma_default),
		T(case10_01_attach_device_multi_einval),
		T(case10_02_attach_same_domain_ebusy),
		T(case10_03_attach_other_domain_ebusy),
		T(case10_04_domain_of_other_driver),
		T(case10_05_detach_wrong_domain),
		T(case10_06_rollback_order),
		T(failinject_revert_fails),
		T(failinject_must_succeed),
		T(case10_07_require_direct_vs_blocking),
		T(case10_11_claim_with_driver_bound_eperm),
		T(case10_12_bind_into_owned_group_ebusy),
		T(case10_13_iommufd_shared_by_cookie),
		T(case10_14_claim_twice),
		T(case10_15_release_with_user_domain),
		T(case10_16_unuse_with_pasids),
		T(case10_17_probe_defer),
		T(case10_18_use_with_private_domain),
		T(case10_19_sysfs_type),
		T(case10_19_sysfs_type_linux_6_1),
		T(case10_20_hotadd_into_owned_group),
		T(case10_21_remove_last_of_owned_group),
		T(lkml_9_1_attach_device_singleton_rule),
		T(lkml_9_2_driver_to_user_owner),
		T(lkml_9_2_probe_refused_on_user_owned_group),
		T(lkml_9_2_hotadd_inherits_domain),
		T(hotplug_new_group_and_removal),
		T(attach_deferred_skips_default),
		T(faults_queue_and_handler),
		T(invariants_detect_breakage),
		T(misuse_changes_nothing),
		T(machine_drivers_list),
		T(machine_without_iommu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
