// SPDX-License-Identifier: MIT
/*
 * The unit's hardware: context entries programmed for every requester ID
 * and DMA alias of a device whenever its domain changes (attach, detach,
 * replace, ownership, hot-plug), domain IDs and their lifetime, and
 * iok_unit_translate()'s checks with the fault each one records.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine-helpers.h"
#include "lib/iommu/iommu-private.h"
#include "lib/pgtable/pgtable-private.h"

#define SZ_4K	0x1000ull
#define SZ_2M	0x200000ull
#define RW	(IOK_PROT_READ | IOK_PROT_WRITE)
#define R	IOK_PROT_READ
#define W	IOK_PROT_WRITE

/*
 *   00:01.0 root port (ACS) -> 01:00.0 NVMe, a singleton group
 *   00:02.0 root port (ACS) -> 02:00.0 PCIe-to-PCI bridge -> 03:04.0, 03:05.0
 *           conventional PCI: one group, DMA arrives as 03:00.0 (the alias)
 *   00:03.0 root port (ACS) -> 04:00.0 Marvell SATA: DMA alias 04:00.1 (quirk)
 *   00:04.0 root port (ACS) -> 05:00.0 NIC, absent at boot unless told
 */
static const char topo_json[] =
	"{'schema': 1, 'platform': {'iommu': '%s', 'kernel': '6.19'%s}, 'devices': ["
	"{'bdf': '00:01.0', 'id': '8086:a110', 'pcie': 'root_port', 'secondary': '01',"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '01:00.0', 'id': '144d:a808', 'class': '010802', 'pcie': 'endpoint'},"
	"{'bdf': '00:02.0', 'id': '8086:a111', 'pcie': 'root_port', 'secondary': '02',"
	" 'subordinate': '03', 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '02:00.0', 'id': '104c:8240', 'pcie': 'pcie_to_pci', 'secondary': '03'},"
	"{'bdf': '03:04.0', 'id': '10ec:8169', 'class': '020000'},"
	"{'bdf': '03:05.0', 'id': '1106:3038', 'class': '0c0300'},"
	"{'bdf': '00:03.0', 'id': '8086:a112', 'pcie': 'root_port', 'secondary': '04',"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '04:00.0', 'id': '1b4b:9123', 'class': '010601', 'pcie': 'endpoint'},"
	"{'bdf': '00:04.0', 'id': '8086:a113', 'pcie': 'root_port', 'secondary': '05',"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '05:00.0', 'id': '8086:1533', 'class': '020000', 'pcie': 'endpoint'}]}";

/* TWO_UNITS (machine-helpers.h): dmar0 covers the NVMe's port, dmar1 the rest. */

#define RID(bus, dev, fn) ((uint16_t)((bus) << 8 | (dev) << 3 | (fn)))

struct fx {
	struct t_fx;		/* ctx, t, m */
};

static int setup(void **state)
{
	return t_fx_alloc(state, sizeof(struct fx));
}

static int teardown(void **state)
{
	return t_fx_teardown(state);
}

struct opts {
	const char *iommu, *units, *absent, *cmdline;
};

static struct iok_machine *boot(struct fx *f, struct opts o)
{
	f->t = t_loadf(f->ctx, topo_json, o.iommu ? o.iommu : "intel", o.units ? o.units : "");
	t_param(f->t, "absent", o.absent ? o.absent : "05:00.0");
	t_param(f->t, "cmdline", o.cmdline);
	f->m = t_machine(f->t, NULL);
	return f->m;
}

#define BOOT(f, ...) boot(f, (struct opts){ __VA_ARGS__ })

static struct iok_dev *D(struct fx *f, const char *bdf)
{
	return t_dev(f->t, bdf);
}

static struct iok_rgroup *G(struct fx *f, const char *bdf)
{
	return t_rgroup(f->m, D(f, bdf));
}

static struct iok_iommu_unit *U(struct fx *f, const char *bdf)
{
	struct iok_iommu_unit *u = iok_dev_get_unit(f->m, D(f, bdf));

	assert_non_null(u);
	return u;
}

static struct iok_domain *paging(struct fx *f, const char *bdf)
{
	return t_paging(f->m, D(f, bdf));
}

static void assert_sane(struct fx *f)
{
	t_check(f->m);
}

/* The domain the context entry of @rid on @u holds, or NULL. */
static struct iok_domain *ctx_dom(struct iok_iommu_unit *u, uint16_t rid)
{
	struct iok_domain *d = NULL;

	return iok_unit_get_context(u, 0, rid, IOK_PASID_NONE, &d) > 0 ? d : NULL;
}

static int xlate(struct iok_iommu_unit *u, uint16_t rid, uint32_t pasid, uint64_t iova,
		 uint64_t len, unsigned int access, struct iok_xlate *x)
{
	struct iok_xlate_req req = {
		.segment = 0, .rid = rid, .pasid = pasid, .iova = iova, .len = len,
		.access = access,
	};

	memset(x, 0xa5, sizeof(*x));
	return iok_unit_translate(u, &req, x);
}

/* The last fault of @u has this reason, requester and address. */
static void assert_fault(struct iok_iommu_unit *u, enum iok_fault_reason reason,
			 uint16_t rid, uint64_t addr, unsigned int access)
{
	struct iok_fault f = t_last_fault(u);

	if (f.reason != reason)
		fail_msg("fault reason %d, expected %d", f.reason, reason);
	assert_int_equal(f.rid, rid);
	assert_true(f.addr == addr);
	assert_int_equal(f.access, access == W ? IOK_FAULT_PERM_WRITE : IOK_FAULT_PERM_READ);
}

/* ---- context entries ---------------------------------------------------- */

/*
 * Boot: every device's RID holds its group's default domain; the
 * conventional devices behind the PCIe-to-PCI bridge also program the
 * bridge's alias 03:00.0, the Marvell its quirk alias 04:00.1.
 */
static void context_at_boot(void **state)
{
	struct fx *f = *state;
	struct iok_iommu_unit *u;
	struct iok_domain *def;

	BOOT(f);
	u = U(f, "03:04.0");
	def = iok_rgroup_get_default_domain(G(f, "03:04.0"));
	assert_ptr_equal(ctx_dom(u, RID(3, 4, 0)), def);
	assert_ptr_equal(ctx_dom(u, RID(3, 5, 0)), def);
	assert_ptr_equal(ctx_dom(u, RID(3, 0, 0)), def);
	assert_ptr_equal(ctx_dom(u, RID(2, 0, 0)), def);
	assert_ptr_equal(ctx_dom(u, RID(4, 0, 1)),
			 iok_rgroup_get_default_domain(G(f, "04:00.0")));
	assert_ptr_equal(ctx_dom(u, RID(1, 0, 0)),
			 iok_rgroup_get_default_domain(G(f, "01:00.0")));
	/* The absent NIC and functions that do not exist have none. */
	assert_null(ctx_dom(u, RID(5, 0, 0)));
	assert_null(ctx_dom(u, RID(4, 0, 2)));
	assert_int_equal(iok_unit_get_context(u, 0, RID(5, 0, 0), IOK_PASID_NONE, NULL), -ENOENT);
	/* Each entry carries the domain's ID on the unit. */
	assert_int_equal(iok_unit_get_context(u, 0, RID(3, 0, 0), IOK_PASID_NONE, NULL),
			 iok_unit_get_domain_id(u, def));
	/* The shared alias entry counts both conventional devices. */
	assert_int_equal(iok_ctx_lookup(u, 0, RID(3, 0, 0))->users, 2);
	assert_sane(f);
}

/* The requester IDs a device's DMA can carry (pci_for_each_dma_alias()). */
static int collect(uint32_t seg, uint16_t rid, void *arg)
{
	uint16_t *out = arg;

	(void)seg;
	out[++out[0]] = rid;
	return 0;
}

static void context_alias_walk(void **state)
{
	struct fx *f = *state;
	uint16_t rids[16];

	BOOT(f);
	rids[0] = 0;
	iok_dev_for_each_rid(D(f, "03:05.0"), collect, rids);
	assert_int_equal(rids[0], 2);
	assert_int_equal(rids[1], RID(3, 0, 0));
	assert_int_equal(rids[2], RID(3, 5, 0));
	rids[0] = 0;
	iok_dev_for_each_rid(D(f, "04:00.0"), collect, rids);
	assert_int_equal(rids[0], 2);
	assert_int_equal(rids[2], RID(4, 0, 1));
	/* PCIe ports pass the ID through: the bridge has only its own. */
	rids[0] = 0;
	iok_dev_for_each_rid(D(f, "02:00.0"), collect, rids);
	assert_int_equal(rids[0], 1);
	assert_int_equal(rids[1], RID(2, 0, 0));
}

/* Spec 3.2: attach, detach and replace reprogram every RID and alias of the group. */
static void context_attach_detach_replace(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d1, *d2, *def;
	struct iok_iommu_unit *u;
	int id1;

	BOOT(f);
	u = U(f, "03:04.0");
	def = iok_rgroup_get_default_domain(G(f, "03:04.0"));
	d1 = paging(f, "03:04.0");
	d2 = paging(f, "03:04.0");
	/* Not attached anywhere yet: no ID. */
	assert_int_equal(iok_unit_get_domain_id(u, d1), -ENOENT);
	assert_int_equal(iok_attach_group(d1, G(f, "03:04.0")), 0);
	id1 = iok_unit_get_domain_id(u, d1);
	assert_true(id1 > 0);
	assert_ptr_equal(ctx_dom(u, RID(3, 0, 0)), d1);
	assert_ptr_equal(ctx_dom(u, RID(3, 4, 0)), d1);
	assert_ptr_equal(ctx_dom(u, RID(3, 5, 0)), d1);
	assert_ptr_equal(ctx_dom(u, RID(2, 0, 0)), d1);
	assert_int_equal(iok_unit_get_context(u, 0, RID(3, 0, 0), IOK_PASID_NONE, NULL), id1);
	/* Replace: straight to d2; d1 lost its last user and its ID. */
	assert_int_equal(iok_group_replace_domain(G(f, "03:04.0"), d2), 0);
	assert_ptr_equal(ctx_dom(u, RID(3, 0, 0)), d2);
	assert_ptr_equal(ctx_dom(u, RID(3, 5, 0)), d2);
	assert_int_equal(iok_unit_get_domain_id(u, d1), -ENOENT);
	/* d2 got its ID while d1 still had devices. */
	assert_true(iok_unit_get_domain_id(u, d2) > 0);
	assert_int_not_equal(iok_unit_get_domain_id(u, d2), id1);
	/* Detach: back to the default domain on every ID. */
	assert_int_equal(iok_detach_group(d2, G(f, "03:04.0")), 0);
	assert_ptr_equal(ctx_dom(u, RID(3, 0, 0)), def);
	assert_ptr_equal(ctx_dom(u, RID(3, 4, 0)), def);
	assert_int_equal(iok_unit_get_domain_id(u, d2), -ENOENT);
	assert_int_equal(iok_domain_free(d1), 0);
	assert_int_equal(iok_domain_free(d2), 0);
	assert_sane(f);
}

/* Spec 3.2 and spec 10 case 6: a failed attach leaves every entry on the old domain. */
static void context_attach_rollback(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d, *def;
	struct iok_iommu_unit *u;

	BOOT(f);
	u = U(f, "03:04.0");
	def = iok_rgroup_get_default_domain(G(f, "03:04.0"));
	d = paging(f, "03:04.0");
	/* Group order: the bridge, then 03:04.0, then 03:05.0; the third fails. */
	assert_int_equal(iok_machine_fail_attach(f->m, D(f, "03:05.0"), 1, -EIO), 0);
	assert_int_equal(iok_attach_group(d, G(f, "03:04.0")), -EIO);
	assert_ptr_equal(ctx_dom(u, RID(2, 0, 0)), def);
	assert_ptr_equal(ctx_dom(u, RID(3, 4, 0)), def);
	assert_ptr_equal(ctx_dom(u, RID(3, 5, 0)), def);
	assert_ptr_equal(ctx_dom(u, RID(3, 0, 0)), def);
	assert_int_equal(iok_unit_get_domain_id(u, d), -ENOENT);
	assert_sane(f);
}

/* Spec 4.2: claiming DMA ownership moves every entry to the blocking domain. */
static void context_owner_blocked(void **state)
{
	static const int owner;
	struct fx *f = *state;
	struct iok_iommu_unit *u;
	struct iok_domain *blk;

	BOOT(f);
	u = U(f, "01:00.0");
	assert_int_equal(iok_group_claim_dma_owner(G(f, "01:00.0"), &owner), 0);
	blk = iok_rgroup_get_blocking_domain(G(f, "01:00.0"));
	assert_ptr_equal(blk, iok_unit_get_blocked_domain(u));
	assert_ptr_equal(ctx_dom(u, RID(1, 0, 0)), blk);
	/* The driver's static blocked domain has an ID on this unit too. */
	assert_true(iok_unit_get_domain_id(u, blk) > 0);
	assert_int_equal(iok_group_release_dma_owner(G(f, "01:00.0")), 0);
	assert_ptr_equal(ctx_dom(u, RID(1, 0, 0)), iok_rgroup_get_default_domain(G(f, "01:00.0")));
	assert_int_equal(iok_unit_get_domain_id(u, blk), -ENOENT);
	assert_sane(f);
}

/* Spec 3.3: hot-add programs the new device, hot-remove clears what only it used. */
static void context_hotplug(void **state)
{
	struct fx *f = *state;
	struct iok_domain *def, *d;
	struct iok_iommu_unit *u;
	int id;

	BOOT(f);
	u = U(f, "03:04.0");
	assert_int_equal(iok_machine_hotplug_add(f->m, D(f, "05:00.0")), 0);
	def = iok_rgroup_get_default_domain(G(f, "05:00.0"));
	id = iok_unit_get_domain_id(u, def);
	assert_true(id > 0);
	assert_ptr_equal(ctx_dom(u, RID(5, 0, 0)), def);
	/* Hot-remove: the entry goes, the last user of the default domain frees its ID. */
	assert_int_equal(iok_machine_hotplug_remove(f->m, D(f, "05:00.0")), 0);
	assert_null(ctx_dom(u, RID(5, 0, 0)));
	/* (The default domain went with its group: look at the ID's slot.) */
	assert_null(u->hw.dids[id].d);
	assert_int_equal(u->hw.dids[id].users, 0);
	/* The two conventional devices share the alias: removing one keeps it. */
	d = iok_rgroup_get_domain(G(f, "03:04.0"));
	assert_int_equal(iok_machine_hotplug_remove(f->m, D(f, "03:04.0")), 0);
	assert_null(ctx_dom(u, RID(3, 4, 0)));
	assert_ptr_equal(ctx_dom(u, RID(3, 0, 0)), d);
	assert_ptr_equal(ctx_dom(u, RID(3, 5, 0)), d);
	assert_int_equal(iok_machine_hotplug_remove(f->m, D(f, "03:05.0")), 0);
	assert_null(ctx_dom(u, RID(3, 0, 0)));
	/* Hot-add into the group on a user domain: it joins that (spec 10 case 20). */
	{
		static const int owner;
		struct iok_domain *ud = paging(f, "02:00.0");

		assert_int_equal(iok_group_claim_dma_owner(G(f, "02:00.0"), &owner), 0);
		assert_int_equal(iok_attach_group(ud, G(f, "02:00.0")), 0);
		assert_int_equal(iok_machine_hotplug_add(f->m, D(f, "03:05.0")), 0);
		assert_ptr_equal(ctx_dom(u, RID(3, 5, 0)), ud);
		assert_ptr_equal(ctx_dom(u, RID(3, 0, 0)), ud);
		assert_int_equal(iok_detach_group(ud, G(f, "02:00.0")), 0);
		assert_int_equal(iok_group_release_dma_owner(G(f, "02:00.0")), 0);
		assert_int_equal(iok_domain_free(ud), 0);
	}
	assert_sane(f);
}

/*
 * Domain IDs: the lowest free from 1, one per domain per unit, released
 * with the last device and reused; a domain's ID lives on its unit only.
 */
static void domain_id_lifetime(void **state)
{
	struct fx *f = *state;
	struct iok_iommu_unit *u0, *u1;
	struct iok_domain *a, *b, *c;
	int ida, idb;

	BOOT(f, .units = TWO_UNITS);
	u0 = U(f, "01:00.0");
	u1 = U(f, "04:00.0");
	assert_ptr_not_equal(u0, u1);
	a = paging(f, "04:00.0");
	b = paging(f, "03:04.0");
	assert_int_equal(iok_attach_device(a, D(f, "04:00.0")), 0);
	assert_int_equal(iok_attach_group(b, G(f, "03:04.0")), 0);
	ida = iok_unit_get_domain_id(u1, a);
	idb = iok_unit_get_domain_id(u1, b);
	assert_true(ida > 0 && idb > 0 && ida != idb);
	/* dmar0 never saw them. */
	assert_int_equal(iok_unit_get_domain_id(u0, a), -ENOENT);
	/* Three devices use b: its ID stays until the group leaves it. */
	assert_int_equal(u1->hw.dids[idb].users, 3);
	assert_int_equal(iok_detach_device(a, D(f, "04:00.0")), 0);
	assert_int_equal(iok_unit_get_domain_id(u1, a), -ENOENT);
	c = paging(f, "04:00.0");
	assert_int_equal(iok_attach_device(c, D(f, "04:00.0")), 0);
	assert_int_equal(iok_unit_get_domain_id(u1, c), ida);
	assert_int_equal(iok_detach_device(c, D(f, "04:00.0")), 0);
	assert_int_equal(iok_detach_group(b, G(f, "03:04.0")), 0);
	assert_int_equal(iok_domain_free(a), 0);
	assert_int_equal(iok_domain_free(b), 0);
	assert_int_equal(iok_domain_free(c), 0);
	/* Misuse. */
	assert_int_equal(iok_unit_get_domain_id(NULL, a), -EINVAL);
	assert_int_equal(iok_unit_get_domain_id(u0, NULL), -EINVAL);
	assert_sane(f);
}

/* iok_machine_check() notices a context entry that disagrees with its device. */
static void check_catches_bad_context(void **state)
{
	struct fx *f = *state;
	struct iok_iommu_unit *u;
	struct ctx_entry *e;
	struct iok_domain *saved;

	BOOT(f);
	u = U(f, "01:00.0");
	e = iok_ctx_lookup(u, 0, RID(1, 0, 0));
	saved = e->d;
	e->d = iok_unit_get_identity_domain(u);
	assert_int_equal(iok_machine_check(f->m), -EUCLEAN);
	e->d = saved;
	e->users++;
	assert_int_equal(iok_machine_check(f->m), -EUCLEAN);
	e->users--;
	assert_sane(f);
}

/* ---- translation and its faults ----------------------------------------- */

static void xlate_no_context(void **state)
{
	struct fx *f = *state;
	struct iok_iommu_unit *u;
	struct iok_xlate x;

	BOOT(f);
	u = U(f, "01:00.0");
	/* The absent NIC's ID, and a bus nobody is on. */
	assert_int_equal(xlate(u, RID(5, 0, 0), IOK_PASID_NONE, 0x1000, 4, R, &x), -EFAULT);
	assert_fault(u, IOK_FAULT_NO_CONTEXT, RID(5, 0, 0), 0x1000, R);
	assert_int_equal(xlate(u, RID(0x40, 0, 0), IOK_PASID_NONE, 0x2000, 4, W, &x), -EFAULT);
	assert_fault(u, IOK_FAULT_NO_CONTEXT, RID(0x40, 0, 0), 0x2000, W);
	assert_int_equal(iok_unit_count_faults(u), 2);
}

static void xlate_not_mapped_and_mapped(void **state)
{
	struct fx *f = *state;
	struct iok_iommu_unit *u;
	struct iok_domain *def;
	struct iok_xlate x;
	struct iok_fault fl;

	BOOT(f);
	u = U(f, "01:00.0");
	def = iok_rgroup_get_default_domain(G(f, "01:00.0"));
	assert_int_equal(xlate(u, RID(1, 0, 0), IOK_PASID_NONE, 0x100000, 8, R, &x), -EFAULT);
	assert_fault(u, IOK_FAULT_NOT_PRESENT, RID(1, 0, 0), 0x100000, R);
	/* A fault of the device's own ID names the device. */
	assert_int_equal(iok_unit_get_fault(u, 0, &fl), 0);
	assert_ptr_equal(fl.dev, D(f, "01:00.0"));
	assert_int_equal(fl.pasid, IOK_PASID_INVALID);
	assert_int_equal(iok_map(def, 0x100000, 0x7000000, 2 * SZ_4K, RW), 0);
	assert_int_equal(xlate(u, RID(1, 0, 0), IOK_PASID_NONE, 0x100010, 0x10000, W, &x), 0);
	assert_true(x.paddr == 0x7000010);
	/* To the end of the page, not beyond. */
	assert_true(x.len == SZ_4K - 0x10);
	assert_int_equal(x.pgsize, SZ_4K);
	assert_int_equal(x.prot & RW, RW);
	assert_false(x.from_iotlb);
	assert_int_equal(xlate(u, RID(1, 0, 0), IOK_PASID_NONE, 0x101ff0, 8, R, &x), 0);
	assert_true(x.paddr == 0x7001ff0 && x.len == 8);
	assert_int_equal(iok_unmap(def, 0x100000, 2 * SZ_4K), 2 * SZ_4K);
}

static void xlate_permission(void **state)
{
	struct fx *f = *state;
	struct iok_iommu_unit *u;
	struct iok_domain *def;
	struct iok_xlate x;

	BOOT(f);
	u = U(f, "01:00.0");
	def = iok_rgroup_get_default_domain(G(f, "01:00.0"));
	assert_int_equal(iok_map(def, 0x200000, 0x9000000, SZ_4K, R), 0);
	/* A miss: the walk refuses the write. */
	assert_int_equal(xlate(u, RID(1, 0, 0), IOK_PASID_NONE, 0x200100, 4, W, &x), -EFAULT);
	assert_fault(u, IOK_FAULT_PERMISSION, RID(1, 0, 0), 0x200100, W);
	assert_int_equal(xlate(u, RID(1, 0, 0), IOK_PASID_NONE, 0x200100, 4, R, &x), 0);
	assert_int_equal(x.prot & RW, R);
	/* A hit: the cached entry refuses it too. */
	assert_int_equal(xlate(u, RID(1, 0, 0), IOK_PASID_NONE, 0x200200, 4, W, &x), -EFAULT);
	assert_fault(u, IOK_FAULT_PERMISSION, RID(1, 0, 0), 0x200200, W);
	assert_int_equal(xlate(u, RID(1, 0, 0), IOK_PASID_NONE, 0x200200, 4, R, &x), 0);
	assert_true(x.from_iotlb);
}

static void xlate_beyond_aperture(void **state)
{
	struct fx *f = *state;
	struct iok_iommu_unit *u;
	struct iok_xlate x;

	BOOT(f);
	u = U(f, "01:00.0");
	/* 48-bit IOVAs: the first address past it. */
	assert_int_equal(xlate(u, RID(1, 0, 0), IOK_PASID_NONE, 1ull << 48, 4, R, &x), -EFAULT);
	assert_fault(u, IOK_FAULT_OUT_OF_RANGE, RID(1, 0, 0), 1ull << 48, R);
	assert_int_equal(xlate(u, RID(1, 0, 0), IOK_PASID_NONE, UINT64_MAX, 1, W, &x), -EFAULT);
	assert_fault(u, IOK_FAULT_OUT_OF_RANGE, RID(1, 0, 0), UINT64_MAX, W);
}

/* Spec 2.1: a blocked domain faults everything; without one, an empty paging domain. */
static void xlate_blocked(void **state)
{
	static const int owner;
	struct fx *f = *state;
	struct iok_iommu_unit *u;
	struct iok_xlate x;

	BOOT(f);
	u = U(f, "01:00.0");
	assert_int_equal(iok_map(iok_rgroup_get_default_domain(G(f, "01:00.0")), 0, 0x5000000,
				 SZ_4K, RW), 0);
	assert_int_equal(xlate(u, RID(1, 0, 0), IOK_PASID_NONE, 0, 4, R, &x), 0);
	assert_int_equal(iok_group_claim_dma_owner(G(f, "01:00.0"), &owner), 0);
	assert_int_equal(xlate(u, RID(1, 0, 0), IOK_PASID_NONE, 0, 4, R, &x), -EFAULT);
	assert_fault(u, IOK_FAULT_BLOCKED, RID(1, 0, 0), 0, R);
	iok_machine_unref(f->m);
	iok_topo_unref(f->t);
	f->m = NULL;
	/* The virtio driver has no static blocked domain (spec 2.3). */
	BOOT(f, .iommu = "virtio");
	u = U(f, "01:00.0");
	assert_int_equal(iok_group_claim_dma_owner(G(f, "01:00.0"), &owner), 0);
	assert_int_equal(iok_domain_get_type(iok_rgroup_get_blocking_domain(G(f, "01:00.0"))),
			 IOK_DOMAIN_UNMANAGED);
	assert_int_equal(xlate(u, RID(1, 0, 0), IOK_PASID_NONE, 0, 4, R, &x), -EFAULT);
	assert_fault(u, IOK_FAULT_NOT_PRESENT, RID(1, 0, 0), 0, R);
}

/* Spec 2.1: identity translates every address to itself. */
static void xlate_identity(void **state)
{
	struct fx *f = *state;
	struct iok_iommu_unit *u;
	struct iok_xlate x;

	BOOT(f, .cmdline = "iommu=pt");
	u = U(f, "01:00.0");
	assert_ptr_equal(ctx_dom(u, RID(1, 0, 0)), iok_unit_get_identity_domain(u));
	assert_int_equal(xlate(u, RID(1, 0, 0), IOK_PASID_NONE, 0x123456789, 0x10000, W, &x), 0);
	assert_true(x.paddr == 0x123456789 && x.len == 0x10000);
	assert_int_equal(x.pgsize, 0);
	assert_false(x.from_iotlb);
	/* Never past the top of the address space. */
	assert_int_equal(xlate(u, RID(1, 0, 0), IOK_PASID_NONE, UINT64_MAX - 3, 100, R, &x), 0);
	assert_true(x.len == 4);
	assert_int_equal(iok_unit_count_faults(u), 0);
}

/*
 * A conventional device behind a PCIe-to-PCI bridge reaches the IOMMU with
 * the bridge's ID (secondary bus, 00.0): it translates through the
 * device's domain, and a fault names no device.
 */
static void xlate_alias_rid(void **state)
{
	static const int owner;
	struct fx *f = *state;
	struct iok_iommu_unit *u;
	struct iok_domain *d;
	struct iok_xlate x;
	struct iok_fault fl;

	BOOT(f);
	u = U(f, "03:04.0");
	d = paging(f, "03:04.0");
	assert_int_equal(iok_group_claim_dma_owner(G(f, "03:04.0"), &owner), 0);
	assert_int_equal(iok_attach_group(d, G(f, "03:04.0")), 0);
	assert_int_equal(iok_map(d, 0x40000000, 0x80000000, SZ_2M, RW), 0);
	assert_int_equal(xlate(u, RID(3, 0, 0), IOK_PASID_NONE, 0x40001000, 64, W, &x), 0);
	assert_true(x.paddr == 0x80001000);
	assert_int_equal(x.pgsize, SZ_2M);
	/* The quirk alias of the Marvell: its default domain, empty: not present. */
	assert_int_equal(xlate(u, RID(4, 0, 1), IOK_PASID_NONE, 0x40001000, 64, R, &x), -EFAULT);
	assert_fault(u, IOK_FAULT_NOT_PRESENT, RID(4, 0, 1), 0x40001000, R);
	assert_int_equal(iok_unit_get_fault(u, 0, &fl), 0);
	assert_null(fl.dev);
	assert_int_equal(xlate(u, RID(3, 0, 0), IOK_PASID_NONE, 0x50000000, 64, R, &x), -EFAULT);
	assert_int_equal(iok_unit_get_fault(u, 1, &fl), 0);
	assert_null(fl.dev);
	assert_int_equal(fl.rid, RID(3, 0, 0));
	assert_int_equal(iok_detach_group(d, G(f, "03:04.0")), 0);
	/* Blocked now: the alias is blocked with the group. */
	assert_int_equal(xlate(u, RID(3, 0, 0), IOK_PASID_NONE, 0x40001000, 64, W, &x), -EFAULT);
	assert_fault(u, IOK_FAULT_BLOCKED, RID(3, 0, 0), 0x40001000, W);
	assert_int_equal(iok_group_release_dma_owner(G(f, "03:04.0")), 0);
	assert_int_equal(iok_domain_free(d), 0);
}

/*
 * A PASID without a PASID entry faults; with one, it has its own domain.
 * The entry is written with the driver's primitive (set_dev_pasid's
 * hardware half), without the core's pasid_array: iok_machine_check()
 * would rightly object until it is cleared again.
 */
static void xlate_pasid(void **state)
{
	struct fx *f = *state;
	struct iok_iommu_unit *u;
	struct iok_domain *def, *pd;
	struct iok_xlate x;

	BOOT(f);
	u = U(f, "01:00.0");
	def = iok_rgroup_get_default_domain(G(f, "01:00.0"));
	assert_int_equal(iok_map(def, 0, 0x1000000, SZ_4K, RW), 0);
	assert_int_equal(xlate(u, RID(1, 0, 0), 7, 0, 4, R, &x), -EFAULT);
	assert_fault(u, IOK_FAULT_NO_PASID, RID(1, 0, 0), 0, R);
	pd = paging(f, "01:00.0");
	assert_int_equal(iok_map(pd, 0, 0x2000000, SZ_4K, RW), 0);
	assert_int_equal(iok_context_set_pasid(f->m, D(f, "01:00.0"), 7, pd), 0);
	assert_true(iok_unit_get_domain_id(u, pd) > 0);
	assert_int_equal(iok_unit_get_context(u, 0, RID(1, 0, 0), 7, NULL),
			 iok_unit_get_domain_id(u, pd));
	/* A PASID entry keeps its domain alive. */
	assert_int_equal(iok_domain_free(pd), -EBUSY);
	assert_int_equal(xlate(u, RID(1, 0, 0), 7, 0x10, 4, W, &x), 0);
	assert_true(x.paddr == 0x2000010);
	assert_int_equal(xlate(u, RID(1, 0, 0), IOK_PASID_NONE, 0x10, 4, W, &x), 0);
	assert_true(x.paddr == 0x1000010);
	assert_int_equal(xlate(u, RID(1, 0, 0), 8, 0x10, 4, W, &x), -EFAULT);
	assert_fault(u, IOK_FAULT_NO_PASID, RID(1, 0, 0), 0x10, W);
	/* Cleared: the PASID faults again, the domain loses its ID. */
	assert_int_equal(iok_context_set_pasid(f->m, D(f, "01:00.0"), 7, NULL), 0);
	assert_int_equal(iok_unit_get_domain_id(u, pd), -ENOENT);
	assert_int_equal(xlate(u, RID(1, 0, 0), 7, 0x10, 4, R, &x), -EFAULT);
	assert_int_equal(iok_context_set_pasid(f->m, D(f, "01:00.0"), 7, NULL), -ENOENT);
	assert_int_equal(iok_context_set_pasid(f->m, D(f, "01:00.0"), 1u << 20, pd), -EINVAL);
	assert_int_equal(iok_context_set_pasid(f->m, D(f, "05:00.0"), 3, pd), -ENODEV);
	assert_sane(f);
	assert_int_equal(iok_domain_free(pd), 0);
}

static void xlate_misuse(void **state)
{
	struct fx *f = *state;
	struct iok_xlate_req req = { .rid = RID(1, 0, 0), .pasid = IOK_PASID_NONE,
				     .len = 4, .access = R };
	struct iok_iommu_unit *u;
	struct iok_xlate x;

	BOOT(f);
	u = U(f, "01:00.0");
	assert_int_equal(iok_unit_translate(NULL, &req, &x), -EINVAL);
	assert_int_equal(iok_unit_translate(u, NULL, &x), -EINVAL);
	assert_int_equal(iok_unit_translate(u, &req, NULL), -EINVAL);
	req.len = 0;
	assert_int_equal(iok_unit_translate(u, &req, &x), -EINVAL);
	req.len = 4;
	req.access = R | W;
	assert_int_equal(iok_unit_translate(u, &req, &x), -EINVAL);
	req.access = IOK_PROT_CACHE;
	assert_int_equal(iok_unit_translate(u, &req, &x), -EINVAL);
	/* Nothing recorded for a bad call. */
	assert_int_equal(iok_unit_count_faults(u), 0);
}

/* Firmware coverage decides which unit a requester ID reaches. */
static void find_unit_for_rid(void **state)
{
	struct fx *f = *state;
	struct iok_iommu_unit *u0, *u1;

	BOOT(f, .units = TWO_UNITS);
	u0 = iok_machine_get_unit(f->m, 0);
	u1 = iok_machine_get_unit(f->m, 1);
	assert_ptr_equal(iok_machine_find_unit_for_rid(f->m, 0, RID(1, 0, 0)), u0);
	assert_ptr_equal(iok_machine_find_unit_for_rid(f->m, 0, RID(3, 4, 0)), u1);
	/* The bridge's alias: no function has it, the bridge's unit gets it. */
	assert_ptr_equal(iok_machine_find_unit_for_rid(f->m, 0, RID(3, 0, 0)), u1);
	/* The Marvell's phantom function 1. */
	assert_ptr_equal(iok_machine_find_unit_for_rid(f->m, 0, RID(4, 0, 1)), u1);
	/* Absent devices are still covered by firmware. */
	assert_ptr_equal(iok_machine_find_unit_for_rid(f->m, 0, RID(5, 0, 0)), u1);
	assert_null(iok_machine_find_unit_for_rid(f->m, 0, RID(0x40, 0, 0)));
	assert_null(iok_machine_find_unit_for_rid(f->m, 1, RID(1, 0, 0)));
	assert_null(iok_machine_find_unit_for_rid(NULL, 0, RID(1, 0, 0)));
}

/* With iommu=off no unit translates anything. */
static void find_unit_none(void **state)
{
	struct fx *f = *state;

	BOOT(f, .iommu = "none");
	assert_null(iok_machine_find_unit_for_rid(f->m, 0, RID(1, 0, 0)));
}

/* ---- the walk cache (paging-structure cache) ---------------------------- */

/* A domain of the test's own on @bdf's group, attached. */
static struct iok_domain *own(struct fx *f, const char *bdf)
{
	static const int owner;
	struct iok_domain *d = paging(f, bdf);

	assert_int_equal(iok_group_claim_dma_owner(G(f, bdf), &owner), 0);
	assert_int_equal(iok_attach_group(d, G(f, bdf)), 0);
	return d;
}

/* The unit's walk cache (an empty one before the first walk). */
static const struct iok_walk_cache *wc(struct iok_iommu_unit *u)
{
	static const struct iok_walk_cache none;

	return u->hw.wc ? u->hw.wc : &none;
}

/* Entries the walk cache holds for domain ID @did. */
static unsigned int wc_entries(struct iok_iommu_unit *u, int did)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < WC_ENTRIES; i++)
		n += (wc(u)->used >> i & 1) && wc(u)->did[i] == did;
	return n;
}

static uint64_t paddr_of(struct iok_iommu_unit *u, uint64_t iova, unsigned int access,
			 bool *cached)
{
	struct iok_xlate x;

	if (xlate(u, RID(1, 0, 0), IOK_PASID_NONE, iova, 8, access, &x))
		return (uint64_t)-1;
	if (cached)
		*cached = x.from_iotlb;
	return x.paddr;
}

/*
 * The walk of the page next to the last one walked starts at the leaf
 * table the walk cache holds; the IOTLB counts one miss and one fill per
 * page all the same.
 */
static void walk_cache_neighbour_page(void **state)
{
	struct fx *f = *state;
	struct iok_iotlb_stats st;
	struct iok_iommu_unit *u;
	struct iok_domain *d;
	uint64_t hits, fills;
	bool cached = true;

	BOOT(f);
	u = U(f, "01:00.0");
	d = own(f, "01:00.0");
	assert_int_equal(iok_map(d, 0x400000, 0x8000000, 4 * SZ_4K, RW), 0);
	iok_unit_reset_iotlb_stats(u);
	hits = wc(u)->hits;
	fills = wc(u)->fills;
	for (unsigned int i = 0; i < 4; i++) {
		assert_true(paddr_of(u, 0x400008 + i * SZ_4K, i & 1 ? R : W, &cached) ==
			    0x8000008 + i * SZ_4K);
		assert_false(cached);
	}
	assert_true(wc(u)->fills == fills + 1);
	assert_true(wc(u)->hits == hits + 3);
	assert_int_equal(iok_unit_get_iotlb_stats(u, &st), 0);
	assert_true(st.misses == 4 && st.fills == 4 && st.hits == 0);
	/* Another 2 MiB: a walk from the root, which fills an entry. */
	assert_int_equal(iok_map(d, 0x800000, 0x9000000, SZ_4K, RW), 0);
	assert_true(paddr_of(u, 0x800000, R, NULL) == 0x9000000);
	assert_true(wc(u)->fills == fills + 2);
	/* With an IOTLB of capacity 0 nothing is cached, walks included. */
	assert_int_equal(iok_unit_set_iotlb_capacity(u, 0), 0);
	assert_null(u->hw.wc);
	assert_true(paddr_of(u, 0x401000, R, NULL) == 0x8001000);
	assert_true(paddr_of(u, 0x402000, R, NULL) == 0x8002000);
	assert_null(u->hw.wc);
}

/*
 * Spec runtime 2.5, iommu_unmap_fast(): until the caller flushes, the
 * IOTLB serves what it holds; a page it does not hold is walked in the
 * table as it is, even if the leaf table the walk cache held was freed and
 * its page reused for another table meanwhile (under ASan it goes back to
 * malloc: following it would be a use after free).
 */
static void walk_cache_freed_table_not_followed(void **state)
{
	struct fx *f = *state;
	struct iok_iommu_unit *u;
	struct iok_domain *d;
	bool cached = false;

	BOOT(f);
	u = U(f, "01:00.0");
	d = own(f, "01:00.0");
	/* Keeps the 1 GiB's directory alive: only the leaf table is freed. */
	assert_int_equal(iok_map(d, 0x200000, 0x7000000, SZ_4K, RW), 0);
	assert_int_equal(iok_map(d, 0x400000, 0x8000000, 4 * SZ_4K, RW), 0);
	assert_true(paddr_of(u, 0x400000, R, NULL) == 0x8000000);
	assert_true(paddr_of(u, 0x401000, W, NULL) == 0x8001000);
	assert_int_equal(iok_unmap_fast(d, 0x400000, 4 * SZ_4K), 4 * SZ_4K);
	/* The freed table page, reused as the leaf table of another 2 MiB. */
	assert_int_equal(iok_map(d, 0x802000, 0xb000000, SZ_4K, RW), 0);
	/* Stale, as the missing flush deserves: the IOTLB's entry. */
	assert_true(paddr_of(u, 0x401000, R, &cached) == 0x8001000);
	assert_true(cached);
	/* Not in the IOTLB: the table as it is, nothing there. */
	assert_true(paddr_of(u, 0x402000, R, NULL) == (uint64_t)-1);
	assert_fault(u, IOK_FAULT_NOT_PRESENT, RID(1, 0, 0), 0x402000, R);
	assert_true(paddr_of(u, 0x802000, R, NULL) == 0xb000000);
	assert_int_equal(iok_domain_flush_all(d), 0);
	assert_true(paddr_of(u, 0x401000, R, NULL) == (uint64_t)-1);
	assert_sane(f);
}

/*
 * Spec runtime 2.5, iommu_unmap(): the flush before it returns drops the
 * walk cache's entries of the range with the IOTLB's, and nothing stale is
 * left; the rest of the leaf table is walked again as it is.
 */
static void walk_cache_strict_unmap(void **state)
{
	struct fx *f = *state;
	struct iok_iommu_unit *u;
	struct iok_domain *d;
	uint64_t inv;

	BOOT(f);
	u = U(f, "01:00.0");
	d = own(f, "01:00.0");
	assert_int_equal(iok_map(d, 0x400000, 0x8000000, 3 * SZ_4K, RW), 0);
	assert_true(paddr_of(u, 0x400000, W, NULL) == 0x8000000);
	assert_true(paddr_of(u, 0x401000, W, NULL) == 0x8001000);
	assert_int_not_equal(wc(u)->used, 0);
	inv = wc(u)->inv;
	assert_int_equal(iok_unmap(d, 0x401000, SZ_4K), SZ_4K);
	assert_int_equal(wc(u)->used, 0);
	assert_true(wc(u)->inv == inv + 1);
	assert_true(paddr_of(u, 0x401000, R, NULL) == (uint64_t)-1);
	assert_fault(u, IOK_FAULT_NOT_PRESENT, RID(1, 0, 0), 0x401000, R);
	assert_true(paddr_of(u, 0x402000, R, NULL) == 0x8002000);
	assert_true(paddr_of(u, 0x400000, R, NULL) == 0x8000000);
}

/*
 * The invalidations that drop IOTLB entries drop the walk cache's: by
 * range (only the entries covering it), by domain ID, by PASID, global, and
 * a domain ID freed when its last user detaches.
 */
static void walk_cache_invalidations(void **state)
{
	struct fx *f = *state;
	struct iok_iommu_unit *u;
	struct iok_domain *d, *d2;
	struct iok_xlate x;
	int did;

	BOOT(f);
	u = U(f, "01:00.0");
	d = own(f, "01:00.0");
	did = iok_unit_get_domain_id(u, d);
	assert_true(did > 0);
	assert_int_equal(iok_map(d, 0x400000, 0x8000000, 8 * SZ_4K, RW), 0);
	assert_true(paddr_of(u, 0x400000, R, NULL) == 0x8000000);
	assert_int_not_equal(wc(u)->used, 0);
	/* Another 2 MiB: the entry stays. */
	assert_int_equal(iok_unit_iotlb_flush_range(u, did, IOK_PASID_NONE, 0x600000, SZ_4K), 0);
	assert_int_not_equal(wc(u)->used, 0);
	/* Another domain ID: it stays too. */
	assert_int_equal(iok_unit_iotlb_flush_range(u, did + 1, IOK_PASID_NONE, 0x400000,
						    SZ_4K), 0);
	assert_int_not_equal(wc(u)->used, 0);
	assert_int_equal(iok_unit_iotlb_flush_range(u, did, IOK_PASID_NONE, 0x5ff000, SZ_4K), 0);
	assert_int_equal(wc(u)->used, 0);
	assert_true(paddr_of(u, 0x401000, R, NULL) == 0x8001000);
	assert_int_equal(iok_unit_iotlb_flush_domain(u, did), 0);
	assert_int_equal(wc(u)->used, 0);
	assert_true(paddr_of(u, 0x402000, R, NULL) == 0x8002000);
	assert_int_equal(iok_unit_iotlb_flush_pasid(u, did, IOK_PASID_NONE), 0);
	assert_int_equal(wc(u)->used, 0);
	assert_true(paddr_of(u, 0x403000, R, NULL) == 0x8003000);
	assert_int_equal(iok_unit_iotlb_flush_all(u), 0);
	assert_int_equal(wc(u)->used, 0);
	/*
	 * A freed domain ID drops its entries, also when the IOTLB (2 entries
	 * here) has none of it left to flush: another domain's pages evict them.
	 */
	assert_int_equal(iok_unit_set_iotlb_capacity(u, 2), 0);
	assert_true(paddr_of(u, 0x404000, R, NULL) == 0x8004000);
	assert_int_equal(wc_entries(u, did), 1);
	d2 = own(f, "04:00.0");
	assert_int_equal(iok_map(d2, 0x10000000, 0x20000000, 2 * SZ_4K, RW), 0);
	assert_int_equal(xlate(u, RID(4, 0, 0), IOK_PASID_NONE, 0x10000000, 8, R, &x), 0);
	assert_int_equal(xlate(u, RID(4, 0, 0), IOK_PASID_NONE, 0x10001000, 8, R, &x), 0);
	assert_int_equal(u->hw.dids[did].classes, 0);
	assert_int_equal(wc_entries(u, did), 1);
	assert_int_equal(iok_detach_group(d, G(f, "01:00.0")), 0);
	assert_int_equal(iok_unit_get_domain_id(u, d), -ENOENT);
	assert_int_equal(wc_entries(u, did), 0);
	assert_sane(f);
}

/*
 * A domain ID reused by another domain, whose table may sit where the
 * freed one was: its own translations, never the old domain's.
 */
static void walk_cache_id_reused(void **state)
{
	struct fx *f = *state;
	struct iok_iommu_unit *u;
	struct iok_domain *d, *d2;
	int did;

	BOOT(f);
	u = U(f, "01:00.0");
	d = own(f, "01:00.0");
	did = iok_unit_get_domain_id(u, d);
	assert_int_equal(iok_map(d, 0x400000, 0x8000000, 2 * SZ_4K, RW), 0);
	assert_true(paddr_of(u, 0x400000, R, NULL) == 0x8000000);
	assert_int_equal(iok_detach_group(d, G(f, "01:00.0")), 0);
	iok_domain_free(d);
	d2 = paging(f, "01:00.0");
	assert_int_equal(iok_map(d2, 0x400000, 0xc000000, 2 * SZ_4K, RW), 0);
	assert_int_equal(iok_attach_group(d2, G(f, "01:00.0")), 0);
	assert_int_equal(iok_unit_get_domain_id(u, d2), did);
	assert_true(paddr_of(u, 0x401000, R, NULL) == 0xc001000);
	assert_true(paddr_of(u, 0x400000, R, NULL) == 0xc000000);
}

static int ref_leaf(const struct iok_pgtable_leaf *leaf, void *arg)
{
	*(struct iok_pgtable_leaf *)arg = *leaf;
	return 1;
}

/* The walk the unit did before the walk cache: for_each_leaf, then walk. */
static int ref_walk(struct iok_pgtable *pt, uint64_t iova, unsigned int access,
		    struct iok_pt_leaf *out)
{
	struct iok_pgtable_leaf leaf;
	uint64_t phys, size;
	int rc;

	if (iok_pgtable_for_each_leaf(pt, iova, 1, ref_leaf, &leaf) != 1)
		return -ENOENT;
	if (!(leaf.prot & access))
		return -EACCES;
	rc = iok_pgtable_walk(pt, iova, access, &phys, &size);
	if (rc)
		return rc;
	*out = (struct iok_pt_leaf){ .page = phys & ~(size - 1), .size = size,
				     .prot = leaf.prot };
	return 0;
}

static int dirty_seen(uint64_t iova, uint64_t size, void *arg)
{
	return 0;
}

static uint64_t prng(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* An address in three 4 MiB windows, two in one 1 GiB, one in the next. */
static uint64_t window(uint64_t *s, uint64_t align)
{
	static const uint64_t base[3] = { 0, 0x1000000, 0x40000000 };

	return (base[prng(s) % 3] + prng(s) % 0x400000) & ~(align - 1);
}

/*
 * The walk through the walk cache answers exactly as the walk without it
 * (leaf, size, permissions, fault, and the accessed and dirty bits it
 * leaves: both tables' digests stay equal) through random maps, unmaps
 * (partial unmaps of blocks included), dirty harvesting and walks, on both
 * formats, with and without dirty tracking and ARM's block splitting.
 */
static void hw_walk_matches_reference(void **state)
{
	static const struct { enum iok_pgtable_fmt fmt; unsigned int features; } cfg[] = {
		{ IOK_PGTABLE_X86_64, 0 },
		{ IOK_PGTABLE_X86_64, IOK_PGTABLE_DIRTY_TRACKING },
		{ IOK_PGTABLE_ARM_LPAE_S1, 0 },
		{ IOK_PGTABLE_ARM_LPAE_S1, IOK_PGTABLE_DIRTY_TRACKING | IOK_PGTABLE_ARM_SPLIT },
	};

	(void)state;
	for (unsigned int c = 0; c < sizeof(cfg) / sizeof(cfg[0]); c++) {
		struct iok_pt_psc psc[4] = { { 0 } };
		struct iok_pgtable *a, *b;
		unsigned int hits = 0, faults = 0;
		uint64_t seed = 42 + c;

		assert_int_equal(iok_pgtable_new(cfg[c].fmt, 48, &a), 0);
		assert_int_equal(iok_pgtable_new(cfg[c].fmt, 48, &b), 0);
		assert_int_equal(iok_pgtable_set_features(a, cfg[c].features), 0);
		assert_int_equal(iok_pgtable_set_features(b, cfg[c].features), 0);
		for (unsigned int step = 0; step < 40000; step++) {
			unsigned int op = prng(&seed) % 16, acc = prng(&seed) & 1 ? W : R;
			uint64_t size = prng(&seed) % 16 ? SZ_4K : SZ_2M, iova = window(&seed, size);
			struct iok_pt_leaf la = { 0 }, lb = { 0 };
			int ra, rb;

			if (op < 4) {
				uint64_t pa = (prng(&seed) % 0x10000) * SZ_2M + (size == SZ_4K ?
					      prng(&seed) % 512 * SZ_4K : 0);
				unsigned int prot = prng(&seed) % 3 ? RW : R;

				assert_int_equal(iok_pgtable_map(a, iova, pa, size, prot, NULL),
						 iok_pgtable_map(b, iova, pa, size, prot, NULL));
			} else if (op < 6) {
				/* ARM unmaps a 2 MiB slot whole: rarely, or the tables stay empty. */
				if (size == SZ_2M && prng(&seed) % 4)
					size = SZ_4K;
				assert_true(iok_pgtable_unmap(a, iova, size) ==
					    iok_pgtable_unmap(b, iova, size));
			} else if (op == 6 && cfg[c].features) {
				assert_int_equal(iok_pgtable_read_and_clear_dirty(a, 0, 0x40400000, 0,
										  dirty_seen, NULL), 0);
			} else {
				iova += prng(&seed) % size;
				ra = iok_pgtable_hw_walk(a, iova, acc, &la, &psc[prng(&seed) % 4]);
				rb = ref_walk(b, iova, acc, &lb);
				assert_int_equal(ra, rb);
				if (!ra) {
					assert_true(la.page == lb.page && la.size == lb.size);
					assert_int_equal(la.prot, lb.prot);
					hits += la.psc == IOK_PSC_HIT;
				}
				faults += ra != 0;
			}
			if (op == 6 && cfg[c].features)
				assert_int_equal(iok_pgtable_read_and_clear_dirty(b, 0, 0x40400000, 0,
										  dirty_seen, NULL), 0);
			if (step % 64 == 0 || op >= 7)
				assert_true(iok_pgtable_digest(a) == iok_pgtable_digest(b));
		}
		/* The cache served walks, and walks found holes. */
		assert_true(hits > 200);
		assert_true(faults > 100);
		iok_pgtable_free(a);
		iok_pgtable_free(b);
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(context_at_boot),
		T(context_alias_walk),
		T(context_attach_detach_replace),
		T(context_attach_rollback),
		T(context_owner_blocked),
		T(context_hotplug),
		T(domain_id_lifetime),
		T(check_catches_bad_context),
		T(xlate_no_context),
		T(xlate_not_mapped_and_mapped),
		T(xlate_permission),
		T(xlate_beyond_aperture),
		T(xlate_blocked),
		T(xlate_identity),
		T(xlate_alias_rid),
		T(xlate_pasid),
		T(xlate_misuse),
		T(find_unit_for_rid),
		T(find_unit_none),
		T(walk_cache_neighbour_page),
		T(walk_cache_freed_table_not_followed),
		T(walk_cache_strict_unmap),
		T(walk_cache_invalidations),
		T(walk_cache_id_reused),
		cmocka_unit_test(hw_walk_matches_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
