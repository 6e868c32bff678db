// SPDX-License-Identifier: MIT
/*
 * The relaxed isolation policy at runtime (docs/groups-sets.md, "The
 * runtime policy"): under isolation=relaxed the one owner of a whole group
 * may give each alias set its own paging domain; under the default policy
 * the calls are iommu_attach_device() and iommu_detach_device() and the
 * kernel refuses any attach below a group of several devices (runtime.md
 * 9.1). First the API, case by case; then the property test.
 *
 * The property test builds many random machines from JSON descriptions
 * (docs/topology-json.md): root ports and switch downstream ports with and
 * without ACS, multifunction devices with and without ACS (some with a DMA
 * alias quirk on a sibling), PCIe-to-PCI bridges with conventional devices
 * and bridges behind them, root-complex integrated endpoints. On each it
 * runs random operations: three user owners claim and release groups and
 * devices, kernel drivers bind and unbind, owners allocate paging domains
 * and map pages of their own RAM, attach their domains to their groups or
 * (the split API) to alias sets, and devices issue DMA reads and writes to
 * their own IOVAs, other domains' IOVAs, peers' BARs (the peer-to-peer
 * bypass), owners' RAM addresses and random addresses.
 *
 * Every tracked word of memory (each owner's RAM, the kernel's, the first
 * page of every BAR) holds its own address at rest, so a DMA read tells
 * where each word came from, and after a DMA write the words that changed
 * tell where each written word landed (then the word is put back). Each
 * place a device's DMA reached must be: a page its attached domain maps at
 * that IOVA with that permission, of RAM of the owner of its group (never
 * another owner's, never the kernel's); or a BAR of a device of its own
 * group reached untranslated at that bus address. The only exception is
 * Linux's own: a port without ACS Request Redirect lets a device reach a
 * BAR of another group (spec groups 13 #7, #38; docs/fabric.md); the fabric
 * must route it peer to peer, and it is counted, under both policies alike.
 * Every byte moved must be accounted for in tracked memory.
 *
 * Under the default policy the machine that uses the split API runs in
 * lockstep with one that uses iommu_attach_device()/iommu_detach_device()
 * instead: every errno, warning count, attached domain, owner and every DMA
 * result (bytes moved, data read, where each written word landed) must be
 * identical, and no group is ever split.
 *
 * How we know it can fail (each tried by hand, then restored):
 * - iok_attach_alias_set() in lib/iommu/split.c moving only the named
 *   device instead of its whole alias set, with check_sets()'s alias rule
 *   disabled: the relaxed run fails on a DMA write of a device behind a
 *   PCIe-to-PCI bridge, still on the blocking domain, that went through the
 *   bridge's requester ID, whose context entry its neighbour's attach had
 *   rewritten ("... reached RAM of owner 1 at ..., but it is on a blocked
 *   domain none of the owners has"). With check_sets() on, it fails sooner:
 *   "attach_set broke an invariant: ... are DMA aliases on different domains".
 * - iok_attach_alias_set() skipping its isolation=kernel test: the lockstep
 *   comparison fails ("-1 with the split API, -22 with the device API").
 * - movable_set() skipping both ownership checks: an alias-set attach on an
 *   unowned group goes through and a kernel-owned device then writes an
 *   owner's RAM ("... reached RAM of owner 2, its group's owner is 0"); the
 *   invariant checker alone does not see it (the group is not split: its
 *   only alias set moved).
 * The API tests fail under each of these too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine-helpers.h"

#define PG		0x1000ull
#define RW		(IOK_PROT_READ | IOK_PROT_WRITE)

/* ---- the API ------------------------------------------------------------ */

/*
 *   00:01.0 RP (ACS)     -> 01:00.0 GPU + 01:00.1 audio, multifunction
 *                           without ACS: one group, two alias sets
 *   00:02.0 RP (no ACS)  -> 02:00.0 PCIe-to-PCI bridge -> 03:01.0, 03:02.0:
 *                           one group with the port, alias sets {00:02.0}
 *                           and {02:00.0 03:01.0 03:02.0}
 *   00:03.0 RP (ACS)     -> 04:00.0, 04:00.1 with ACS, both with a DMA
 *                           alias quirk on the absent 04:00.2: two
 *                           singleton groups whose alias set spans both
 *   00:04.0 RP (ACS)     -> 05:00.0 alone
 */
static const char api_json[] =
	"{'schema': 1, 'platform': {'iommu': 'intel', 'kernel': '6.19'}, 'devices': ["
	"{'bdf': '00:01.0', 'id': '1b36:000c', 'pcie': 'root_port', 'secondary': 1,"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '01:00.0', 'id': '10de:1b80', 'class': '030000', 'pcie': 'endpoint',"
	" 'multifunction': true},"
	"{'bdf': '01:00.1', 'id': '10de:10f0', 'class': '040300', 'pcie': 'endpoint'},"
	"{'bdf': '00:02.0', 'id': '1b36:000c', 'pcie': 'root_port', 'secondary': 2,"
	" 'subordinate': 3},"
	"{'bdf': '02:00.0', 'id': '104c:8240', 'pcie': 'pcie_to_pci', 'secondary': 3},"
	"{'bdf': '03:01.0', 'id': '10ec:8169', 'class': '020000'},"
	"{'bdf': '03:02.0', 'id': '1106:3038', 'class': '0c0300'},"
	"{'bdf': '00:03.0', 'id': '1b36:000c', 'pcie': 'root_port', 'secondary': 4,"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '04:00.0', 'id': '1af4:1041', 'class': '020000', 'pcie': 'endpoint',"
	" 'multifunction': true, 'acs': {'cap': 'SV RR CR UF'}, 'dma_aliases': ['00.2']},"
	"{'bdf': '04:00.1', 'id': '1af4:1041', 'class': '020000', 'pcie': 'endpoint',"
	" 'multifunction': true, 'acs': {'cap': 'SV RR CR UF'}, 'dma_aliases': ['00.2']},"
	"{'bdf': '00:04.0', 'id': '1b36:000c', 'pcie': 'root_port', 'secondary': 5,"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '05:00.0', 'id': '144d:a808', 'class': '010802', 'pcie': 'endpoint'}]}";

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

static void boot(struct fx *x, const char *isolation, const char *absent)
{
	x->t = t_loadf(x->ctx, "%s", api_json);
	assert_int_equal(iok_topo_set_param(x->t, "isolation", isolation), 0);
	t_param(x->t, "absent", absent);
	x->m = t_machine(x->t, NULL);
}

static struct iok_dev *D(struct fx *x, const char *bdf)
{
	return t_dev(x->t, bdf);
}

static struct iok_rgroup *G(struct fx *x, const char *bdf)
{
	return t_rgroup(x->m, D(x, bdf));
}

static struct iok_domain *paging(struct fx *x, const char *bdf)
{
	return t_paging(x->m, D(x, bdf));
}

static struct iok_domain *on(struct fx *x, const char *bdf)
{
	return iok_dev_get_attached_domain(x->m, D(x, bdf));
}

/*
 * The default policy refuses the split exactly as the kernel refuses a
 * partial attach (runtime.md 9.1: iommu_attach_device() on a group of
 * several devices is -EINVAL), owned or not, and changes nothing; on a
 * singleton group it is iommu_attach_device(), which succeeds.
 */
static void test_kernel_policy_refuses_split(void **state)
{
	struct fx *x = *state;
	struct iok_domain *d, *blk, *d5;
	unsigned long calls0, calls1;
	unsigned int warns;

	boot(x, "kernel", NULL);
	d = paging(x, "01:00.0");
	assert_int_equal(iok_group_may_split(iok_rgroup_get_group(G(x, "01:00.0")),
					     D(x, "01:00.0"), D(x, "01:00.1")), 0);
	assert_int_equal(iok_attach_alias_set(d, D(x, "01:00.0")), -EINVAL);
	assert_int_equal(iok_group_claim_dma_owner(G(x, "01:00.0"), x), 0);
	blk = iok_rgroup_get_blocking_domain(G(x, "01:00.0"));
	calls0 = iok_dev_get_attach_calls(x->m, D(x, "01:00.0"));
	calls1 = iok_dev_get_attach_calls(x->m, D(x, "01:00.1"));
	assert_int_equal(iok_attach_alias_set(d, D(x, "01:00.0")), -EINVAL);
	assert_int_equal(iok_attach_device(d, D(x, "01:00.0")), -EINVAL);
	assert_int_equal(iok_attach_alias_set(d, D(x, "03:01.0")), -EINVAL);
	assert_ptr_equal(on(x, "01:00.0"), blk);
	assert_ptr_equal(on(x, "01:00.1"), blk);
	assert_int_equal(iok_dev_get_attach_calls(x->m, D(x, "01:00.0")), calls0);
	assert_int_equal(iok_dev_get_attach_calls(x->m, D(x, "01:00.1")), calls1);
	assert_false(iok_rgroup_is_split(G(x, "01:00.0")));
	/* Detach is iommu_detach_device(): a WARN on a group of several. */
	warns = iok_machine_get_warnings(x->m);
	assert_int_equal(iok_detach_alias_set(blk, D(x, "01:00.0")), -EINVAL);
	assert_int_equal(iok_machine_get_warnings(x->m), warns + 1);
	/* A singleton group: the kernel's device attach, no owner needed. */
	d5 = paging(x, "05:00.0");
	assert_int_equal(iok_attach_alias_set(d5, D(x, "05:00.0")), 0);
	assert_ptr_equal(iok_rgroup_get_domain(G(x, "05:00.0")), d5);
	assert_int_equal(iok_attach_alias_set(d5, D(x, "05:00.0")), -EBUSY);
	assert_int_equal(iok_detach_alias_set(d5, D(x, "05:00.0")), 0);
	assert_ptr_equal(iok_rgroup_get_domain(G(x, "05:00.0")),
			 iok_rgroup_get_default_domain(G(x, "05:00.0")));
	assert_int_equal(iok_machine_check(x->m), 0);
}

/* Who may split, and the errnos of misuse. */
static void test_relaxed_errnos(void **state)
{
	struct fx *x = *state;
	struct iok_domain *gpu, *audio, *def, *blk, *other;
	struct iok_machine *m2;
	struct iok_topo *t2;

	boot(x, "relaxed", NULL);
	gpu = paging(x, "01:00.0");
	audio = paging(x, "01:00.1");
	def = iok_rgroup_get_default_domain(G(x, "01:00.0"));
	assert_int_equal(iok_group_may_split(iok_rgroup_get_group(G(x, "01:00.0")),
					     D(x, "01:00.0"), D(x, "01:00.1")), 1);
	assert_int_equal(iok_attach_alias_set(NULL, D(x, "01:00.0")), -EINVAL);
	assert_int_equal(iok_attach_alias_set(gpu, NULL), -EINVAL);
	/* Not owned (a DMA-API driver may use the other function): -EPERM. */
	assert_int_equal(iok_attach_alias_set(gpu, D(x, "01:00.0")), -EPERM);
	assert_int_equal(iok_detach_alias_set(def, D(x, "01:00.0")), -EPERM);
	assert_ptr_equal(on(x, "01:00.0"), def);
	/* One device claimed by iommufd's cookie is not the whole group. */
	assert_int_equal(iok_device_claim_dma_owner(x->m, D(x, "01:00.0"), x), 0);
	assert_int_equal(iok_attach_alias_set(gpu, D(x, "01:00.0")), -EPERM);
	assert_int_equal(iok_device_claim_dma_owner(x->m, D(x, "01:00.0"), x), 0);
	assert_int_equal(iok_attach_alias_set(gpu, D(x, "01:00.0")), -EPERM);
	assert_int_equal(iok_device_claim_dma_owner(x->m, D(x, "01:00.1"), x), 0);
	blk = iok_rgroup_get_blocking_domain(G(x, "01:00.0"));
	/* Only an owner's paging domain: not a DMA domain, not blocking. */
	assert_int_equal(iok_attach_alias_set(def, D(x, "01:00.0")), -EINVAL);
	assert_int_equal(iok_attach_alias_set(blk, D(x, "01:00.0")), -EINVAL);
	assert_int_equal(iok_attach_alias_set(gpu, D(x, "01:00.0")), 0);
	assert_true(iok_rgroup_is_split(G(x, "01:00.0")));
	assert_ptr_equal(on(x, "01:00.0"), gpu);
	assert_ptr_equal(on(x, "01:00.1"), blk);
	assert_ptr_equal(iok_get_alias_set_domain(x->m, D(x, "01:00.0")), gpu);
	assert_ptr_equal(iok_get_alias_set_domain(x->m, D(x, "01:00.1")), blk);
	/* Busy as __iommu_attach_group() is; the group as a whole too. */
	assert_int_equal(iok_attach_alias_set(audio, D(x, "01:00.0")), -EBUSY);
	assert_int_equal(iok_attach_alias_set(gpu, D(x, "01:00.0")), -EBUSY);
	assert_int_equal(iok_attach_group(audio, G(x, "01:00.0")), -EBUSY);
	assert_int_equal(iok_domain_free(gpu), -EBUSY);
	/* Detaching what the set is not on. */
	assert_int_equal(iok_detach_alias_set(audio, D(x, "01:00.0")), -EINVAL);
	assert_int_equal(iok_detach_alias_set(gpu, D(x, "01:00.1")), -EINVAL);
	assert_int_equal(iok_detach_alias_set(blk, D(x, "01:00.1")), 0);
	assert_int_equal(iok_attach_alias_set(audio, D(x, "01:00.1")), 0);
	assert_ptr_equal(on(x, "01:00.1"), audio);
	assert_int_equal(iok_machine_check(x->m), 0);
	/* A domain of another machine. */
	t2 = t_loadf(x->ctx, "%s", api_json);
	assert_int_equal(iok_machine_new(t2, &m2), 0);
	assert_int_equal(iok_domain_alloc_paging(m2, t_dev(t2, "01:00.0"), &other), 0);
	assert_int_equal(iok_attach_alias_set(other, D(x, "01:00.0")), -EINVAL);
	assert_int_equal(iok_detach_alias_set(other, D(x, "01:00.0")), -EINVAL);
	iok_machine_unref(m2);
	iok_topo_unref(t2);
	/*
	 * 01:00.0 unbound (its claims counted down): the group stays split and
	 * owned; its owner may give a domain up, not take one.
	 */
	assert_int_equal(iok_device_release_dma_owner(x->m, D(x, "01:00.0")), 0);
	assert_int_equal(iok_device_release_dma_owner(x->m, D(x, "01:00.0")), 0);
	assert_true(iok_rgroup_is_split(G(x, "01:00.0")));
	assert_int_equal(iok_detach_alias_set(audio, D(x, "01:00.1")), 0);
	assert_int_equal(iok_attach_alias_set(audio, D(x, "01:00.1")), -EPERM);
	/* The last release unsplits. */
	assert_int_equal(iok_device_release_dma_owner(x->m, D(x, "01:00.1")), 0);
	assert_false(iok_rgroup_is_split(G(x, "01:00.0")));
	assert_ptr_equal(on(x, "01:00.0"), def);
	assert_ptr_equal(on(x, "01:00.1"), def);
	assert_int_equal(iok_domain_free(gpu), 0);
	assert_int_equal(iok_machine_check(x->m), 0);
}

/*
 * Aliases move together, never apart; an alias set that reaches another
 * group (two functions sharing a quirk's absent function, spec groups 5.3)
 * is never moved alone, as iok_group_may_split() says.
 */
static void test_relaxed_alias_sets(void **state)
{
	struct fx *x = *state;
	struct iok_domain *d, *port, *blk;
	struct iok_devset *set;

	boot(x, "relaxed", NULL);
	d = paging(x, "03:01.0");
	port = paging(x, "00:02.0");
	assert_int_equal(iok_group_claim_dma_owner(G(x, "03:02.0"), x), 0);
	blk = iok_rgroup_get_blocking_domain(G(x, "03:02.0"));
	assert_int_equal(iok_attach_alias_set(d, D(x, "03:02.0")), 0);
	assert_ptr_equal(on(x, "02:00.0"), d);
	assert_ptr_equal(on(x, "03:01.0"), d);
	assert_ptr_equal(on(x, "03:02.0"), d);
	assert_ptr_equal(on(x, "00:02.0"), blk);
	assert_true(iok_rgroup_is_split(G(x, "03:02.0")));
	/* Every alias set on one domain: that is the group's domain again. */
	assert_int_equal(iok_attach_alias_set(port, D(x, "00:02.0")), 0);
	assert_true(iok_rgroup_is_split(G(x, "03:02.0")));
	assert_int_equal(iok_detach_alias_set(port, D(x, "00:02.0")), 0);
	assert_int_equal(iok_detach_alias_set(d, D(x, "03:01.0")), 0);
	assert_false(iok_rgroup_is_split(G(x, "03:02.0")));
	assert_ptr_equal(iok_rgroup_get_domain(G(x, "03:02.0")), blk);
	assert_int_equal(iok_group_release_dma_owner(G(x, "03:02.0")), 0);

	/* The spanning set: a singleton group, but its requester IDs are shared. */
	assert_int_equal(iok_dev_get_set(iok_machine_get_grouping(x->m), D(x, "04:00.0"),
					 IOK_SET_ALIAS, &set), 0);
	assert_true(iok_devset_spans_groups(set));
	assert_int_equal(iok_group_claim_dma_owner(G(x, "04:00.0"), x), 0);
	assert_int_equal(iok_attach_alias_set(d, D(x, "04:00.0")), -EINVAL);
	assert_false(iok_rgroup_is_split(G(x, "04:00.0")));
	/* The group API is the kernel's, and still attaches it. */
	assert_int_equal(iok_attach_group(d, G(x, "04:00.0")), 0);
	assert_int_equal(iok_detach_alias_set(d, D(x, "04:00.0")), -EINVAL);
	assert_int_equal(iok_machine_check(x->m), 0);
}

/* Attach, replace, detach and release move the whole group: they unsplit it. */
static void test_relaxed_group_ops_unsplit(void **state)
{
	struct fx *x = *state;
	struct iok_domain *gpu, *audio, *whole, *def, *blk;
	struct iok_rgroup *rg;

	boot(x, "relaxed", NULL);
	rg = G(x, "01:00.0");
	gpu = paging(x, "01:00.0");
	audio = paging(x, "01:00.1");
	whole = paging(x, "01:00.0");
	def = iok_rgroup_get_default_domain(rg);
	assert_int_equal(iok_group_claim_dma_owner(rg, x), 0);
	blk = iok_rgroup_get_blocking_domain(rg);
	assert_int_equal(iok_attach_alias_set(gpu, D(x, "01:00.0")), 0);
	assert_int_equal(iok_group_replace_domain(rg, whole), 0);
	assert_false(iok_rgroup_is_split(rg));
	assert_ptr_equal(on(x, "01:00.0"), whole);
	assert_ptr_equal(on(x, "01:00.1"), whole);
	assert_int_equal(iok_attach_alias_set(audio, D(x, "01:00.1")), -EBUSY);
	assert_int_equal(iok_detach_group(NULL, rg), 0);
	assert_int_equal(iok_attach_alias_set(audio, D(x, "01:00.1")), 0);
	/* Detaching the group while it is on blocking still gathers every set. */
	assert_ptr_equal(iok_rgroup_get_domain(rg), blk);
	assert_int_equal(iok_detach_group(NULL, rg), 0);
	assert_false(iok_rgroup_is_split(rg));
	assert_ptr_equal(on(x, "01:00.1"), blk);
	assert_int_equal(iok_attach_alias_set(gpu, D(x, "01:00.0")), 0);
	assert_int_equal(iok_attach_alias_set(audio, D(x, "01:00.1")), 0);
	assert_ptr_equal(iok_rgroup_get_domain(rg), blk);
	/* Release: straight back to the default domain (runtime.md 4.2), split or not. */
	assert_int_equal(iok_group_release_dma_owner(rg), 0);
	assert_false(iok_rgroup_is_split(rg));
	assert_ptr_equal(on(x, "01:00.0"), def);
	assert_ptr_equal(on(x, "01:00.1"), def);
	assert_int_equal(iok_device_bind_driver(x->m, D(x, "01:00.1"), "snd_hda_intel", false), 0);
	assert_int_equal(iok_machine_check(x->m), 0);
}

/* A driver failure inside an alias set puts the whole set back (runtime.md 3.1). */
static void test_relaxed_rollback(void **state)
{
	struct fx *x = *state;
	struct iok_domain *d, *blk;

	boot(x, "relaxed", NULL);
	d = paging(x, "03:01.0");
	assert_int_equal(iok_group_claim_dma_owner(G(x, "03:01.0"), x), 0);
	blk = iok_rgroup_get_blocking_domain(G(x, "03:01.0"));
	assert_int_equal(iok_machine_fail_attach(x->m, D(x, "03:02.0"), 1, -EIO), 0);
	assert_int_equal(iok_attach_alias_set(d, D(x, "03:01.0")), -EIO);
	assert_ptr_equal(on(x, "02:00.0"), blk);
	assert_ptr_equal(on(x, "03:01.0"), blk);
	assert_ptr_equal(on(x, "03:02.0"), blk);
	assert_false(iok_rgroup_is_split(G(x, "03:01.0")));
	assert_int_equal(iok_machine_check(x->m), 0);
	/* And a failing replace puts every set back on its own domain. */
	assert_int_equal(iok_attach_alias_set(d, D(x, "03:01.0")), 0);
	assert_int_equal(iok_machine_fail_attach(x->m, D(x, "03:02.0"), 1, -EIO), 0);
	assert_int_equal(iok_group_replace_domain(G(x, "03:01.0"), paging(x, "00:02.0")), -EIO);
	assert_true(iok_rgroup_is_split(G(x, "03:01.0")));
	assert_ptr_equal(on(x, "00:02.0"), blk);
	assert_ptr_equal(on(x, "02:00.0"), d);
	assert_ptr_equal(on(x, "03:02.0"), d);
	assert_int_equal(iok_machine_check(x->m), 0);
}

/*
 * A device hot-added into a split group goes where its alias set is: its
 * requests carry the bridge's requester ID, whose context entry translates
 * with that domain (runtime.md 3.3 attaches it to group->domain; here the
 * group's domain is per alias set).
 */
static void test_relaxed_hotplug(void **state)
{
	struct fx *x = *state;
	struct iok_domain *d, *blk;

	boot(x, "relaxed", "03:02.0");
	d = paging(x, "03:01.0");
	assert_int_equal(iok_group_claim_dma_owner(G(x, "03:01.0"), x), 0);
	blk = iok_rgroup_get_blocking_domain(G(x, "03:01.0"));
	assert_int_equal(iok_attach_alias_set(d, D(x, "03:01.0")), 0);
	assert_int_equal(iok_machine_hotplug_add(x->m, D(x, "03:02.0")), 0);
	assert_ptr_equal(on(x, "03:02.0"), d);
	assert_ptr_equal(on(x, "00:02.0"), blk);
	assert_int_equal(iok_machine_check(x->m), 0);
	assert_int_equal(iok_machine_hotplug_remove(x->m, D(x, "03:01.0")), 0);
	assert_int_equal(iok_machine_hotplug_remove(x->m, D(x, "03:02.0")), 0);
	assert_true(iok_rgroup_is_split(G(x, "02:00.0")));
	assert_int_equal(iok_machine_check(x->m), 0);
	assert_int_equal(iok_detach_alias_set(d, D(x, "02:00.0")), 0);
	assert_false(iok_rgroup_is_split(G(x, "02:00.0")));
	/* Into a group that is not split: its domain, as the kernel does. */
	assert_int_equal(iok_machine_hotplug_add(x->m, D(x, "03:02.0")), 0);
	assert_ptr_equal(on(x, "03:02.0"), blk);
	assert_int_equal(iok_machine_check(x->m), 0);
}

/* ---- the property test -------------------------------------------------- */

#define NOWN		3		/* user owners 1..NOWN; 0 is the kernel */
#define RPAGES		8		/* RAM pages of each owner and of the kernel */
#define RBASE		0x100000000ull	/* from 4 GiB: RAM in the fabric's map */
#define NSLOTS		8		/* paging domains alive at once */
#define SPAGES		8		/* IOVA pages of each domain */
#define IOVA_BASE	0x400000ull
#define IOVA_STRIDE	0x10000ull
#define MAXWORDS	16		/* a DMA moves 8 to 128 bytes */
#define NTOPO		100		/* machines per policy */
#define NOPS		500		/* operations per machine */

#define TAG_HOME	0xf1ull		/* a word at rest holds its own address */
#define TAG_DMA		0xd0ull		/* a word a DMA wrote: serial and index */
#define LOW56		((1ull << 56) - 1)

static const char cookie[NOWN + 1];

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned int below(struct rng *r, unsigned int n)
{
	return n ? rnd(r) % n : 0;
}

static bool chance(struct rng *r, unsigned int percent)
{
	return below(r, 100) < percent;
}

/* ---- random machines, as JSON ----------------------------------------- */

struct gen {
	struct rng *r;
	char *buf;
	size_t len, cap;
	unsigned int bus;	/* next free bus number */
};

static void emit(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void emit(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(g->buf + g->len, g->cap - g->len, fmt, ap);
		va_end(ap);
		assert_true(n >= 0);
		if (g->len + n < g->cap)
			break;
		g->cap = 2 * (g->cap + n);
		g->buf = realloc(g->buf, g->cap);
		assert_non_null(g->buf);
	}
	g->len += n;
}

#define ACS_FULL ", \"acs\": {\"cap\": \"SV RR CR UF\"}"

static void endpoint(struct gen *g, unsigned int bus, unsigned int dev, unsigned int fn,
		     const char *pcie, bool mf, bool acs, int alias_fn)
{
	emit(g, "{\"bdf\": \"%02x:%02x.%x\", \"id\": \"1af4:1041\", \"class\": \"020000\"",
	     bus, dev, fn);
	if (pcie)
		emit(g, ", \"pcie\": \"%s\"", pcie);
	if (mf)
		emit(g, ", \"multifunction\": true");
	if (acs)
		emit(g, ACS_FULL);
	if (alias_fn >= 0)
		emit(g, ", \"dma_aliases\": [\"%02x.%x\"]", dev, alias_fn);
	emit(g, "},\n");
}

/* Functions of one slot; without ACS they reach each other inside the device. */
static void mf_slot(struct gen *g, unsigned int bus, unsigned int dev, const char *pcie)
{
	unsigned int fn, nfn = 1 + below(g->r, 3);
	bool acs = chance(g->r, 50);
	int alias = nfn > 1 && chance(g->r, 20) ? 1 : -1;

	for (fn = 0; fn < nfn; fn++)
		endpoint(g, bus, dev, fn, pcie, nfn > 1, acs && nfn > 1, fn ? -1 : alias);
}

static void bridge(struct gen *g, unsigned int bus, unsigned int dev, const char *id,
		   const char *pcie, bool acs, unsigned int sec, unsigned int sub)
{
	emit(g, "{\"bdf\": \"%02x:%02x.0\", \"id\": \"%s\"", bus, dev, id);
	if (pcie)
		emit(g, ", \"pcie\": \"%s\"", pcie);
	emit(g, ", \"secondary\": %u, \"subordinate\": %u%s},\n", sec, sub, acs ? ACS_FULL : "");
}

/* A conventional bus: every device sees every request (docs/fabric.md, routing 2). */
static void conventional(struct gen *g, unsigned int bus, bool nested)
{
	unsigned int d, n = 1 + below(g->r, 3);

	for (d = 1; d <= n; d++)
		endpoint(g, bus, d, 0, NULL, false, false, -1);
	if (nested && chance(g->r, 30)) {
		unsigned int sec = g->bus++;

		conventional(g, sec, false);
		bridge(g, bus, 8, "1b36:0001", NULL, false, sec, g->bus - 1);
	}
}

/* What sits on the secondary bus of a root port or downstream port. */
static void below_port(struct gen *g, unsigned int bus, bool top)
{
	unsigned int sec, sw, d, n;
	bool acs;

	switch (below(g->r, top ? 4 : 3)) {
	case 0:
	case 1:
		mf_slot(g, bus, 0, "endpoint");
		break;
	case 2:
		sec = g->bus++;
		conventional(g, sec, true);
		bridge(g, bus, 0, "104c:8240", "pcie_to_pci", false, sec, g->bus - 1);
		break;
	default:
		/* A switch: upstream port, internal bus, two or three downstream ports. */
		sw = g->bus++;
		n = 2 + below(g->r, 2);
		acs = chance(g->r, 50);
		for (d = 0; d < n; d++) {
			sec = g->bus++;
			below_port(g, sec, false);
			bridge(g, sw, d, "10b5:8747", "downstream",
			       acs || chance(g->r, 25), sec, g->bus - 1);
		}
		bridge(g, bus, 0, "10b5:8747", "upstream", false, sw, g->bus - 1);
		break;
	}
}

static char *topology_json(struct rng *r)
{
	struct gen g = { .r = r, .bus = 1, .cap = 4096 };
	unsigned int d, nrp = 2 + below(r, 3), nrc = below(r, 3), sec;

	g.buf = malloc(g.cap);
	assert_non_null(g.buf);

	emit(&g, "{\"schema\": 1, \"platform\": {\"iommu\": \"intel\", \"kernel\": \"6.19\"},"
	     " \"devices\": [\n");
	for (d = 1; d <= nrp; d++) {
		sec = g.bus++;
		below_port(&g, sec, true);
		bridge(&g, 0, d, "1b36:000c", "root_port", chance(r, 70), sec, g.bus - 1);
	}
	/* Root-complex integrated endpoints: nothing between them and the root. */
	for (d = 0; d < nrc; d++)
		mf_slot(&g, 0, 0x10 + d, "rc_endpoint");
	g.buf[g.len - 2] = '\n';	/* the last comma */
	g.buf[g.len - 1] = ']';
	emit(&g, "}\n");
	return g.buf;
}

/* ---- a machine and what the test knows about it ------------------------ */

struct slot {
	struct iok_domain *d;	/* NULL: a free slot */
	int owner;
	int map[SPAGES];	/* RAM page of the owner, -1: not mapped */
	unsigned int prot[SPAGES];
};

struct stats {
	unsigned long machines, ops, dmas, words;
	unsigned long translated, split_translated, p2p, split_p2p, gap;
	unsigned long split_ok, set_eperm, set_refused, faults;
};

struct world {
	const char *name;
	struct iok_ctx *ctx;
	struct iok_topo *t;
	struct iok_machine *m;
	struct iok_fabric *f;
	bool relaxed;
	bool ref;		/* the device API instead of the alias-set API */
	struct iok_dev **devs;	/* every device with a group */
	unsigned int ndevs;
	struct iok_dev **eps;	/* endpoints with a BAR: they issue DMA */
	uint64_t *bar;
	unsigned int neps;
	struct slot slot[NSLOTS];
	uint64_t serial;
	struct stats *st;
	char where[160];	/* seed, machine, operation: for messages */
};

struct dma_out {
	int rc;
	size_t moved;
	uint64_t data[MAXWORDS];
	uint64_t landed[MAXWORDS];
};

enum op_kind {
	OP_DMA, OP_CLAIM_GROUP, OP_CLAIM_DEV, OP_RELEASE_GROUP, OP_RELEASE_DEV, OP_BIND,
	OP_UNBIND, OP_ALLOC, OP_FREE, OP_MAP, OP_UNMAP, OP_ATTACH_GROUP, OP_DETACH_GROUP,
	OP_REPLACE, OP_ATTACH_SET, OP_DETACH_SET, OP_NR,
};

static const char *const op_names[OP_NR] = {
	"dma", "claim_group", "claim_dev", "release_group", "release_dev", "bind", "unbind",
	"alloc", "free", "map", "unmap", "attach_group", "detach_group", "replace",
	"attach_set", "detach_set",
};

/* Weights out of 100. */
static const unsigned int op_weight[OP_NR] = {
	40, 6, 6, 2, 3, 2, 2, 5, 2, 9, 3, 4, 2, 2, 9, 3,
};

struct op {
	enum op_kind kind;
	int owner, slot, page, rpage;
	unsigned int dev, ep, prot, words;
	bool write;
	uint64_t addr;
};

static uint64_t ram_page(int owner, int page)
{
	return RBASE + ((uint64_t)owner * RPAGES + page) * PG;
}

static uint64_t slot_iova(int s, int page)
{
	return IOVA_BASE + s * IOVA_STRIDE + page * PG;
}

static int owner_of(const struct iok_rgroup *rg)
{
	const char *o = iok_rgroup_get_owner(rg);

	if (!o)
		return 0;
	assert_true(o > cookie && o <= cookie + NOWN);
	return o - cookie;
}

static int slot_of(const struct world *w, const struct iok_domain *d)
{
	int s;

	for (s = 0; d && s < NSLOTS; s++)
		if (w->slot[s].d == d)
			return s;
	return -1;
}

static void for_each_tracked(struct world *w, void (*fn)(struct world *w, uint64_t page))
{
	unsigned int i;

	for (i = 0; i < (NOWN + 1) * RPAGES; i++)
		fn(w, RBASE + i * PG);
	for (i = 0; i < w->neps; i++)
		fn(w, w->bar[i]);
}

static void fill_home(struct world *w, uint64_t page)
{
	uint64_t buf[PG / 8];
	unsigned int j;

	for (j = 0; j < PG / 8; j++)
		buf[j] = TAG_HOME << 56 | (page + 8 * j);
	if (iok_fabric_mem_write(w->f, page, buf, PG))
		fail_msg("%s: filling %#llx: %s", w->where, (unsigned long long)page,
			 iok_get_error(w->ctx));
}

static void world_init(struct world *w, const char *json, bool relaxed, bool ref,
		       struct stats *st)
{
	struct iok_bar bar;
	struct iok_dev *d;
	unsigned int n;

	memset(w->slot, 0, sizeof(w->slot));
	w->relaxed = relaxed;
	w->ref = ref;
	w->st = st;
	w->serial = 0;
	w->ctx = t_ctx();
	if (iok_topo_load_json_string(w->ctx, "random", json, &w->t))
		fail_msg("topology: %s\n%s", iok_get_error(w->ctx), json);
	assert_int_equal(iok_topo_set_param(w->t, "isolation", relaxed ? "relaxed" : "kernel"), 0);
	if (iok_machine_new(w->t, &w->m) || iok_fabric_new(w->m, &w->f))
		fail_msg("machine: %s\n%s", iok_get_error(w->ctx), json);
	n = iok_topo_count_devs(w->t);
	w->devs = calloc(n, sizeof(*w->devs));
	w->eps = calloc(n, sizeof(*w->eps));
	w->bar = calloc(n, sizeof(*w->bar));
	assert_true(w->devs && w->eps && w->bar);
	w->ndevs = w->neps = 0;
	for (d = iok_dev_get_first(w->t); d; d = iok_dev_get_next(d)) {
		if (!iok_dev_get_rgroup(w->m, d))
			continue;
		w->devs[w->ndevs++] = d;
		if (iok_dev_is_bridge(d) || iok_fabric_get_bar(w->f, d, 0, &bar))
			continue;
		w->eps[w->neps] = d;
		w->bar[w->neps++] = bar.addr;
	}
	for_each_tracked(w, fill_home);
	st->machines++;
}

static void world_free(struct world *w)
{
	iok_fabric_unref(w->f);
	iok_machine_unref(w->m);
	iok_topo_unref(w->t);
	iok_unref(w->ctx);
	free(w->devs);
	free(w->eps);
	free(w->bar);
}

/* ---- the oracle --------------------------------------------------------- */

/*
 * @x's DMA at bus address @b reached physical address @p. Allowed: a page
 * its attached domain maps there, of its group's owner's RAM; or a BAR of a
 * device of its own group, untranslated. Linux's own gap aside.
 */
static void check_reach(struct world *w, struct iok_dev *x, uint64_t b, uint64_t p,
			unsigned int access)
{
	struct iok_rgroup *rg = iok_dev_get_rgroup(w->m, x);
	struct iok_domain *dom = iok_dev_get_attached_domain(w->m, x);
	const char *what = access == IOK_PROT_WRITE ? "write" : "read";
	int ox = owner_of(rg), s = slot_of(w, dom);
	bool split = iok_rgroup_is_split(rg);
	unsigned int e;

	if (p >= RBASE && p < ram_page(NOWN + 1, 0)) {
		int k = (p - RBASE) / PG / RPAGES, rp = (p - RBASE) / PG % RPAGES, pg;
		struct slot *sl;

		if (s < 0)
			fail_msg("%s: %s %s at %#llx reached RAM of owner %d at %#llx, but it "
				 "is on a %s domain none of the owners has", w->where, what,
				 iok_dev_get_name(x), (unsigned long long)b, k,
				 (unsigned long long)p, iok_domain_type_name(iok_domain_get_type(dom)));
		sl = &w->slot[s];
		pg = b >= slot_iova(s, 0) ? (int)((b - slot_iova(s, 0)) / PG) : -1;
		/* Write-only pages are readable: neither format can say otherwise (pgtable.h). */
		if (pg < 0 || pg >= SPAGES || sl->map[pg] != rp || sl->owner != k ||
		    (b & (PG - 1)) != (p & (PG - 1)) ||
		    (access == IOK_PROT_WRITE && !(sl->prot[pg] & access)))
			fail_msg("%s: %s %s at %#llx reached %#llx (RAM of owner %d), but it is "
				 "attached to a domain that does not map it there (slot %d of "
				 "owner %d: page %d -> %d prot %u; iova_to_phys %#llx)",
				 w->where, what, iok_dev_get_name(x), (unsigned long long)b,
				 (unsigned long long)p, k, s, sl->owner, pg,
				 pg >= 0 && pg < SPAGES ? sl->map[pg] : -9,
				 pg >= 0 && pg < SPAGES ? sl->prot[pg] : 0,
				 (unsigned long long)iok_iova_to_phys(dom, b));
		if (k != ox)
			fail_msg("%s: %s %s reached RAM of owner %d, its group's owner is %d",
				 w->where, what, iok_dev_get_name(x), k, ox);
		w->st->translated++;
		w->st->split_translated += split;
		return;
	}
	for (e = 0; e < w->neps; e++) {
		struct iok_dma_req req = { .dev = x, .pasid = IOK_PASID_NONE, .addr = b };
		struct iok_route route;

		if (p < w->bar[e] || p >= w->bar[e] + PG)
			continue;
		if (p != b)
			fail_msg("%s: %s %s at %#llx reached the BAR of %s at %#llx: translated "
				 "into a BAR", w->where, what, iok_dev_get_name(x),
				 (unsigned long long)b, iok_dev_get_name(w->eps[e]),
				 (unsigned long long)p);
		if (iok_dev_get_rgroup(w->m, w->eps[e]) == rg) {
			w->st->p2p++;
			w->st->split_p2p += split;
			return;
		}
		/* Linux's gap: a port without ACS RR lets it out of its group. */
		assert_int_equal(iok_fabric_route(w->f, &req, access == IOK_PROT_WRITE, &route), 0);
		if (route.end != IOK_ROUTE_P2P || route.target != w->eps[e])
			fail_msg("%s: %s %s reached the BAR of %s of another group, and the "
				 "fabric routes it to %s", w->where, what, iok_dev_get_name(x),
				 iok_dev_get_name(w->eps[e]), iok_route_end_name(route.end));
		w->st->gap++;
		return;
	}
	fail_msg("%s: %s %s at %#llx reached %#llx, which nobody owns", w->where, what,
		 iok_dev_get_name(x), (unsigned long long)b, (unsigned long long)p);
}

/*
 * Where the words of a write landed; each goes back home after the check.
 * 4 KiB translation and untranslated peer-to-peer both keep the offset in
 * the page, so only the offsets the DMA covered are read in each page; the
 * count of words found against the bytes moved proves nothing went
 * anywhere else (another offset, memory the test does not track).
 */
static struct dma_out *scan_out;
static const struct op *scan_op;
static unsigned int scan_found;

static void scan_range(struct world *w, uint64_t from, unsigned int bytes)
{
	uint64_t buf[MAXWORDS];
	unsigned int j;

	if (iok_fabric_mem_read(w->f, from, buf, bytes))
		fail_msg("%s: reading %#llx back", w->where, (unsigned long long)from);
	for (j = 0; j < bytes / 8; j++) {
		uint64_t p = from + 8 * j, v = buf[j], home = TAG_HOME << 56 | p;
		unsigned int i;

		if (v == home)
			continue;
		i = v & 0xfff;
		if (v >> 56 != TAG_DMA || ((v & LOW56) >> 12) != w->serial || i >= scan_op->words)
			fail_msg("%s: %#llx holds %#llx, which this DMA did not write", w->where,
				 (unsigned long long)p, (unsigned long long)v);
		check_reach(w, w->eps[scan_op->ep], scan_op->addr + 8 * i, p, IOK_PROT_WRITE);
		scan_out->landed[i] = p;
		scan_found++;
		assert_int_equal(iok_fabric_mem_write(w->f, p, &home, 8), 0);
	}
}

static void scan_page(struct world *w, uint64_t page)
{
	unsigned int off = scan_op->addr & (PG - 1), len = 8 * scan_op->words;

	if (off + len <= PG) {
		scan_range(w, page + off, len);
		return;
	}
	scan_range(w, page + off, PG - off);
	scan_range(w, page, off + len - PG);
}

static void clear_logs(struct world *w)
{
	unsigned int u;

	for (u = 0; u < iok_machine_count_units(w->m); u++) {
		w->st->faults += iok_unit_count_faults(iok_machine_get_unit(w->m, u));
		iok_unit_clear_faults(iok_machine_get_unit(w->m, u));
	}
	iok_fabric_clear_errors(w->f);
}

/* The DMA stays inside one page the device's own domain maps for it: it must get through. */
static bool reaches_own(struct world *w, const struct op *o)
{
	struct iok_domain *dom = iok_dev_get_attached_domain(w->m, w->eps[o->ep]);
	int s = slot_of(w, dom);
	uint64_t pg;

	if (s < 0 || o->addr < slot_iova(s, 0))
		return false;
	pg = (o->addr - slot_iova(s, 0)) / PG;
	if (pg >= SPAGES || (o->addr & (PG - 1)) + 8 * o->words > PG)
		return false;
	return w->slot[s].map[pg] >= 0 && (!o->write || (w->slot[s].prot[pg] & IOK_PROT_WRITE));
}

static void do_dma(struct world *w, const struct op *o, struct dma_out *out)
{
	struct iok_dev *x = w->eps[o->ep];
	struct iok_dma_req req = { .dev = x, .pasid = IOK_PASID_NONE, .addr = o->addr };
	uint64_t buf[MAXWORDS];
	unsigned int i;

	memset(out, 0, sizeof(*out));
	w->serial++;
	w->st->dmas++;
	if (o->write) {
		for (i = 0; i < o->words; i++)
			buf[i] = TAG_DMA << 56 | w->serial << 12 | i;
		out->rc = iok_fabric_dma_write(w->f, &req, buf, 8 * o->words, &out->moved);
	} else {
		memset(buf, 0xee, sizeof(buf));
		out->rc = iok_fabric_dma_read(w->f, &req, buf, 8 * o->words, &out->moved);
	}
	if (out->rc && out->rc != -EFAULT && out->rc != -ENXIO && out->rc != -EACCES)
		fail_msg("%s: DMA of %s at %#llx: %d %s", w->where, iok_dev_get_name(x),
			 (unsigned long long)o->addr, out->rc, iok_get_error(w->ctx));
	if (out->moved % 8 || out->moved > 8 * o->words)
		fail_msg("%s: %zu bytes moved", w->where, out->moved);
	if (reaches_own(w, o) && (out->rc || out->moved != 8 * o->words))
		fail_msg("%s: %s %s at %#llx within a page its domain maps: %d, %zu bytes moved",
			 w->where, o->write ? "write" : "read", iok_dev_get_name(x),
			 (unsigned long long)o->addr, out->rc, out->moved);
	if (!o->write) {
		/* Each word read names the place it came from. */
		for (i = 0; i < out->moved / 8; i++) {
			if (buf[i] >> 56 != TAG_HOME)
				fail_msg("%s: read %s at %#llx returned %#llx, from no place the "
					 "test owns", w->where, iok_dev_get_name(x),
					 (unsigned long long)o->addr + 8 * i,
					 (unsigned long long)buf[i]);
			check_reach(w, x, o->addr + 8 * i, buf[i] & LOW56, IOK_PROT_READ);
			out->data[i] = buf[i];
		}
		w->st->words += out->moved / 8;
		clear_logs(w);
		return;
	}
	scan_out = out;
	scan_op = o;
	scan_found = 0;
	for_each_tracked(w, scan_page);
	/* Every byte moved is somewhere the test looks: none went elsewhere. */
	if (8 * scan_found != out->moved)
		fail_msg("%s: write %s at %#llx moved %zu bytes, %u words found", w->where,
			 iok_dev_get_name(x), (unsigned long long)o->addr, out->moved,
			 scan_found);
	w->st->words += scan_found;
	clear_logs(w);
}

/* ---- operations ---------------------------------------------------------- */

static struct iok_dev *dev_at(struct world *w, unsigned int i)
{
	return w->devs[i % w->ndevs];
}

/* A device of a group owned by @owner (any user owner for -1), or -1. */
static int owned_dev(struct world *w, struct rng *r, int owner)
{
	unsigned int i, n = 0, pick[256];

	for (i = 0; i < w->ndevs && n < 256; i++) {
		int o = owner_of(iok_dev_get_rgroup(w->m, w->devs[i]));

		if (owner < 0 ? o > 0 : o == owner)
			pick[n++] = i;
	}
	return n ? (int)pick[below(r, n)] : -1;
}

/* A domain of @owner (any owner for 0), or -1. */
static int owner_slot(struct world *w, struct rng *r, int owner)
{
	int s, n = 0, pick[NSLOTS];

	for (s = 0; s < NSLOTS; s++)
		if (w->slot[s].d && (!owner || w->slot[s].owner == owner))
			pick[n++] = s;
	return n ? pick[below(r, n)] : -1;
}

static int live_slot(struct world *w, struct rng *r)
{
	return owner_slot(w, r, 0);
}

/* An endpoint, mostly one on an owner's domain, or at least in an owned group. */
static unsigned int pick_ep(struct world *w, struct rng *r)
{
	unsigned int e, n = 0, nd = 0, pick[256], on_dom[256];

	for (e = 0; e < w->neps && n < 256; e++) {
		if (!owner_of(iok_dev_get_rgroup(w->m, w->eps[e])))
			continue;
		pick[n++] = e;
		if (slot_of(w, iok_dev_get_attached_domain(w->m, w->eps[e])) >= 0)
			on_dom[nd++] = e;
	}
	if (nd && chance(r, 50))
		return on_dom[below(r, nd)];
	return n && chance(r, 50) ? pick[below(r, n)] : below(r, w->neps);
}

/* A mapped page of slot @s, mostly; any page otherwise. */
static int mapped_page(struct world *w, struct rng *r, int s)
{
	int pg, n = 0, pick[SPAGES];

	for (pg = 0; pg < SPAGES; pg++)
		if (w->slot[s].map[pg] >= 0)
			pick[n++] = pg;
	return n && chance(r, 85) ? pick[below(r, n)] : (int)below(r, SPAGES);
}

static uint64_t dma_addr(struct world *w, struct rng *r, const struct op *o)
{
	unsigned int len = 8 * o->words, c = below(r, 100);
	struct iok_domain *dom = iok_dev_get_attached_domain(w->m, w->eps[o->ep]);
	int s = slot_of(w, dom), tries;
	struct iok_region reg;
	uint64_t a;

	if (c < 35 || (c < 50 && live_slot(w, r) >= 0)) {
		/* Its own IOVAs (or any domain's): maybe crossing into the next page. */
		if (c >= 35 || s < 0)
			s = live_slot(w, r);
		if (s < 0)
			return slot_iova(below(r, NSLOTS), below(r, SPAGES)) + 8 * below(r, PG / 8);
		/* Mostly inside the page; sometimes across into the next one. */
		if (chance(r, 80))
			return slot_iova(s, mapped_page(w, r, s)) + 8 * below(r, (PG - len) / 8 + 1);
		return slot_iova(s, mapped_page(w, r, s)) + 8 * below(r, PG / 8);
	}
	if (c < 75)	/* a peer's BAR, or its own: the peer-to-peer bypass */
		return w->bar[below(r, w->neps)] + 8 * below(r, (PG - len) / 8 + 1);
	if (c < 85)	/* an owner's RAM, as a bus address */
		return ram_page(below(r, NOWN + 1), below(r, RPAGES)) + 8 * below(r, (PG - len) / 8 + 1);
	for (tries = 0; tries < 8; tries++) {
		a = (rnd(r) & 0xfffffff8ull);
		if ((!iok_fabric_lookup(w->f, a, &reg) && reg.kind != IOK_REGION_RAM) ||
		    (!iok_fabric_lookup(w->f, a + len - 1, &reg) && reg.kind != IOK_REGION_RAM))
			continue;
		return a;
	}
	return ram_page(0, 0);
}

/* An operation chosen from @w's state; OP_NR when none of that kind makes sense. */
static struct op gen_op(struct world *w, struct rng *r)
{
	struct op o = { .kind = OP_NR };
	unsigned int roll = below(r, 100), k;
	int i, s;

	for (k = 0; k < OP_NR && roll >= op_weight[k]; k++)
		roll -= op_weight[k];
	o.kind = k;
	o.owner = 1 + below(r, NOWN);
	o.dev = below(r, w->ndevs);
	s = live_slot(w, r);
	switch (o.kind) {
	case OP_DMA:
		o.ep = pick_ep(w, r);
		o.write = chance(r, 50);
		o.words = 1 + below(r, MAXWORDS);
		o.addr = dma_addr(w, r, &o);
		break;
	case OP_CLAIM_DEV:
		/* Mostly the group's owner again: iommufd binds each device. */
		if (chance(r, 70) && (i = owned_dev(w, r, -1)) >= 0) {
			o.dev = i;
			o.owner = owner_of(iok_dev_get_rgroup(w->m, dev_at(w, i)));
		}
		break;
	case OP_RELEASE_GROUP:
	case OP_RELEASE_DEV:
	case OP_DETACH_GROUP:
		i = owned_dev(w, r, -1);
		if (i < 0)
			o.kind = OP_NR;
		o.dev = i;
		break;
	case OP_ALLOC:
		/* Mostly for an owner that has a group to attach it to. */
		if (chance(r, 70) && (i = owned_dev(w, r, -1)) >= 0)
			o.owner = owner_of(iok_dev_get_rgroup(w->m, dev_at(w, i)));
		for (o.slot = 0; o.slot < NSLOTS && w->slot[o.slot].d; o.slot++)
			;
		if (o.slot == NSLOTS)
			o.kind = OP_NR;
		break;
	case OP_FREE:
	case OP_MAP:
	case OP_UNMAP:
		o.slot = s;
		o.page = below(r, SPAGES);
		o.rpage = below(r, RPAGES);
		o.prot = chance(r, 70) ? RW : chance(r, 50) ? IOK_PROT_READ : IOK_PROT_WRITE;
		if (s < 0 || (o.kind == OP_MAP && w->slot[s].map[o.page] >= 0) ||
		    (o.kind == OP_UNMAP && w->slot[s].map[o.page] < 0))
			o.kind = OP_NR;
		break;
	case OP_ATTACH_GROUP:
	case OP_REPLACE:
	case OP_ATTACH_SET:
		/* An owner attaches its own domains to its own groups only. */
		i = owned_dev(w, r, -1);
		o.slot = i < 0 ? -1 : owner_slot(w, r, owner_of(iok_dev_get_rgroup(w->m, dev_at(w, i))));
		if (o.slot < 0)
			i = -1;
		s = o.slot < 0 ? s : o.slot;
		/* The split API checks ownership itself: try it on unowned groups too. */
		if (o.kind == OP_ATTACH_SET && w->relaxed && s >= 0 && chance(r, 15) &&
		    !owner_of(iok_dev_get_rgroup(w->m, dev_at(w, o.dev)))) {
			i = o.dev;
			o.slot = s;
		}
		if (i < 0)
			o.kind = OP_NR;
		o.dev = i;
		break;
	case OP_DETACH_SET:
		i = owned_dev(w, r, -1);
		if (i < 0) {
			o.kind = OP_NR;
			break;
		}
		o.dev = i;
		o.slot = slot_of(w, iok_get_alias_set_domain(w->m, dev_at(w, i)));
		if (o.slot < 0 || chance(r, 20))
			o.slot = s;
		if (o.slot < 0)
			o.kind = OP_NR;
		break;
	default:
		break;
	}
	return o;
}

static int do_op(struct world *w, const struct op *o, struct dma_out *out)
{
	struct iok_dev *dev = o->kind == OP_DMA ? NULL : dev_at(w, o->dev);
	struct iok_rgroup *rg = dev ? iok_dev_get_rgroup(w->m, dev) : NULL;
	struct slot *sl = o->slot >= 0 && o->slot < NSLOTS ? &w->slot[o->slot] : NULL;
	struct iok_domain *d = sl ? sl->d : NULL;
	int rc;

	switch (o->kind) {
	case OP_DMA:
		do_dma(w, o, out);
		return out->rc;
	case OP_CLAIM_GROUP:
		return iok_group_claim_dma_owner(rg, cookie + o->owner);
	case OP_CLAIM_DEV:
		return iok_device_claim_dma_owner(w->m, dev, cookie + o->owner);
	case OP_RELEASE_GROUP:
		return iok_group_release_dma_owner(rg);
	case OP_RELEASE_DEV:
		return iok_device_release_dma_owner(w->m, dev);
	case OP_BIND:
		return iok_device_bind_driver(w->m, dev, "virtio-net", false);
	case OP_UNBIND:
		return iok_device_unbind_driver(w->m, dev);
	case OP_ALLOC:
		rc = iok_domain_alloc_paging(w->m, dev, &sl->d);
		if (!rc) {
			sl->owner = o->owner;
			memset(sl->map, -1, sizeof(sl->map));
		}
		return rc;
	case OP_FREE:
		rc = iok_domain_free(d);
		if (!rc)
			sl->d = NULL;
		return rc;
	case OP_MAP:
		rc = iok_map(d, slot_iova(o->slot, o->page), ram_page(sl->owner, o->rpage), PG,
			     o->prot);
		if (!rc) {
			sl->map[o->page] = o->rpage;
			sl->prot[o->page] = o->prot;
		}
		return rc;
	case OP_UNMAP:
		rc = iok_unmap(d, slot_iova(o->slot, o->page), PG) == PG ? 0 : -EIO;
		sl->map[o->page] = -1;
		return rc;
	case OP_ATTACH_GROUP:
		return iok_attach_group(d, rg);
	case OP_DETACH_GROUP:
		return iok_detach_group(NULL, rg);
	case OP_REPLACE:
		return iok_group_replace_domain(rg, d);
	case OP_ATTACH_SET:
		rc = w->ref ? iok_attach_device(d, dev) : iok_attach_alias_set(d, dev);
		if (!rc && iok_rgroup_is_split(rg))
			w->st->split_ok++;
		w->st->set_eperm += rc == -EPERM;
		w->st->set_refused += rc == -EINVAL;
		return rc;
	case OP_DETACH_SET:
		return w->ref ? iok_detach_device(d, dev) : iok_detach_alias_set(d, dev);
	default:
		return 0;
	}
}

/* What a machine looks like from outside: owners, counts, domains by slot. */
static void state_of(struct world *w, int *out)
{
	unsigned int i;

	for (i = 0; i < w->ndevs; i++) {
		struct iok_rgroup *rg = iok_dev_get_rgroup(w->m, w->devs[i]);
		struct iok_domain *d = iok_dev_get_attached_domain(w->m, w->devs[i]);

		out[4 * i] = slot_of(w, d);
		if (d == iok_rgroup_get_default_domain(rg))
			out[4 * i] = -2;
		else if (d == iok_rgroup_get_blocking_domain(rg))
			out[4 * i] = -3;
		out[4 * i + 1] = owner_of(rg);
		out[4 * i + 2] = iok_rgroup_get_owner_cnt(rg);
		out[4 * i + 3] = iok_rgroup_is_split(rg);
	}
}

static void after_op(struct world *w, const struct op *o, int rc)
{
	struct iok_rgroup *rg;

	/*
	 * Every call that changes the machine checks it (-EUCLEAN); a whole
	 * check now and then covers a build without them (NDEBUG).
	 */
	if (rc == -EUCLEAN || (++w->st->ops % 16 == 0 && iok_machine_check(w->m)))
		fail_msg("%s: %s broke an invariant: %s", w->where, op_names[o->kind],
			 iok_get_error(w->ctx));
	if (w->relaxed)
		return;
	iok_rgroup_foreach(w->m, rg)
		if (iok_rgroup_is_split(rg))
			fail_msg("%s: group %d split under isolation=kernel", w->where,
				 iok_rgroup_get_id(rg));
}

static void set_where(struct world *w, uint64_t seed, unsigned int n, const struct op *o)
{
	snprintf(w->where, sizeof(w->where), "%s seed %#llx op %u (%s)", w->name,
		 (unsigned long long)seed, n, op_names[o->kind]);
}

/* isolation=relaxed: the oracle on every DMA. */
static void run_relaxed(uint64_t seed, const char *json, struct stats *st)
{
	struct world w = { .name = "relaxed" };
	struct rng r = { seed };
	struct dma_out out;
	unsigned int n;

	world_init(&w, json, true, false, st);
	for (n = 0; n < NOPS; n++) {
		struct op o = gen_op(&w, &r);

		if (o.kind == OP_NR)
			continue;
		set_where(&w, seed, n, &o);
		after_op(&w, &o, do_op(&w, &o, &out));
	}
	assert_int_equal(iok_machine_check(w.m), 0);
	world_free(&w);
}

/*
 * isolation=kernel: the split API and the kernel's device API side by
 * side, the oracle on both, and every answer and effect compared.
 */
static void run_kernel(uint64_t seed, const char *json, struct stats *st)
{
	struct world a = { .name = "kernel" }, b = { .name = "kernel-ref" };
	struct rng r = { seed };
	struct dma_out oa, ob;
	int *sa, *sb;
	unsigned int n;

	world_init(&a, json, false, false, st);
	world_init(&b, json, false, true, st);
	assert_int_equal(a.ndevs, b.ndevs);
	sa = calloc(4 * a.ndevs, sizeof(*sa));
	sb = calloc(4 * a.ndevs, sizeof(*sb));
	assert_true(sa && sb);
	for (n = 0; n < NOPS; n++) {
		struct op o = gen_op(&a, &r);
		int ra, rb;

		if (o.kind == OP_NR)
			continue;
		set_where(&a, seed, n, &o);
		set_where(&b, seed, n, &o);
		ra = do_op(&a, &o, &oa);
		rb = do_op(&b, &o, &ob);
		after_op(&a, &o, ra);
		after_op(&b, &o, rb);
		if (ra != rb)
			fail_msg("%s: %d with the split API, %d with the device API", a.where, ra, rb);
		if (iok_machine_get_warnings(a.m) != iok_machine_get_warnings(b.m))
			fail_msg("%s: %u warnings, the device API %u", a.where,
				 iok_machine_get_warnings(a.m), iok_machine_get_warnings(b.m));
		if (o.kind == OP_DMA && memcmp(&oa, &ob, sizeof(oa)))
			fail_msg("%s: the DMA went otherwise than with the device API", a.where);
		state_of(&a, sa);
		state_of(&b, sb);
		if (memcmp(sa, sb, 4 * a.ndevs * sizeof(*sa)))
			fail_msg("%s: attachments or owners differ from the device API's", a.where);
	}
	assert_int_equal(iok_machine_check(a.m), 0);
	assert_int_equal(iok_machine_check(b.m), 0);
	free(sa);
	free(sb);
	world_free(&a);
	world_free(&b);
}

static void print_stats(const char *name, const struct stats *st)
{
	print_message("# %s: %lu machines, %lu operations, %lu DMAs, %lu words checked: "
		      "%lu translated (%lu in split groups), %lu peer-to-peer in a group (%lu "
		      "split), %lu across groups (Linux's gap); %lu splits, %lu EPERM, %lu "
		      "EINVAL; %lu faults\n", name, st->machines, st->ops, st->dmas, st->words,
		      st->translated, st->split_translated, st->p2p, st->split_p2p, st->gap,
		      st->split_ok, st->set_eperm, st->set_refused, st->faults);
}

static void test_property_relaxed(void **state)
{
	struct stats st = { 0 };
	unsigned int i;

	(void)state;
	for (i = 0; i < NTOPO; i++) {
		struct rng r = { 0x5eed0000ull + i };
		char *json = topology_json(&r);

		run_relaxed(rnd(&r), json, &st);
		free(json);
	}
	print_stats("isolation=relaxed", &st);
	/* Not vacuous: groups were split, and split groups moved data both ways. */
	assert_true(st.split_ok >= 100);
	assert_true(st.split_translated >= 500);
	assert_true(st.split_p2p >= 50);
	assert_true(st.set_eperm >= 10);
	assert_true(st.gap > 0);
}

static void test_property_kernel(void **state)
{
	struct stats st = { 0 };
	unsigned int i;

	(void)state;
	for (i = 0; i < NTOPO; i++) {
		struct rng r = { 0x5eed0000ull + i };
		char *json = topology_json(&r);

		run_kernel(rnd(&r), json, &st);
		free(json);
	}
	print_stats("isolation=kernel (twice: split API and device API)", &st);
	assert_int_equal(st.split_ok, 0);
	assert_true(st.set_refused >= 50);
	assert_true(st.translated >= 500);
	assert_true(st.p2p >= 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kernel_policy_refuses_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relaxed_errnos, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relaxed_alias_sets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relaxed_group_ops_unsplit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relaxed_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relaxed_hotplug, setup, teardown),
		cmocka_unit_test(test_property_relaxed),
		cmocka_unit_test(test_property_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
