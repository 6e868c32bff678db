// SPDX-License-Identifier: MIT
/*
 * pci_device_group() as spec groups 6.2 describes it, run over the devices
 * in probe order (spec groups 8), recording for each device the chain of
 * steps that led it to its group.
 */
#include <stdio.h>

#include "lib/groups/groups-private.h"

struct search {
	struct iok_grouping *g;
	struct iok_dev *cur;	/* the device being probed */
	uint64_t visited[4];	/* devfns: every sub-search stays on one bus */
	struct iok_join_step path[IOK_MAX_JOIN_STEPS];
	unsigned int depth;
	bool uncertain;
	bool hotadd;		/* cur is being hot-added (not at boot) */
};

static struct iok_group *group_of(struct search *s, const struct iok_dev *d)
{
	return S(s->g, d)->group;
}

/*
 * Devices added after boot (VFs, VMD children) do not exist yet while
 * boot-time devices are probed.
 */
static bool is_late(const struct iok_dev *d)
{
	return d->is_vf || d->vmd;
}

/* for_each_pci_dev(): devices plugged in, probed by the IOMMU or not. */
static bool exists(const struct search *s, const struct iok_dev *t)
{
	return S(s->g, t)->present;
}

static void push(struct search *s, enum iok_join_kind kind, struct iok_dev *d)
{
	if (s->depth < IOK_MAX_JOIN_STEPS) {
		s->path[s->depth].kind = kind;
		s->path[s->depth].dev = d;
	}
	s->depth++;
}

static bool acs_ok(struct search *s, const struct iok_dev *d)
{
	struct dev_state *st = S(s->g, d);
	struct iok_acs_verdict v;

	if (st->acs_ok < 0) {
		st->acs_ok = iok_acs_enabled(s->g, d, REQ_ACS_FLAGS, &v);
		st->acs_uncertain = v.uncertain;
	}
	s->uncertain |= st->acs_uncertain;
	return st->acs_ok;
}

/* pci_acs_path_enabled(start, NULL, REQ_ACS_FLAGS) */
static bool acs_path_ok(struct search *s, const struct iok_dev *start)
{
	struct dev_state *st = S(s->g, start);
	bool saved = s->uncertain, ok = true;
	const struct iok_dev *d;

	if (st->path_ok < 0) {
		s->uncertain = false;
		for (d = start; d; d = d->bus->self) {
			if (!acs_ok(s, d)) {
				ok = false;
				break;
			}
			if (d->bus->is_root)
				break;
		}
		st->path_ok = ok;
		st->path_uncertain = s->uncertain;
		s->uncertain = saved;
	}
	s->uncertain |= st->path_uncertain;
	return st->path_ok;
}

static bool test_and_set(uint64_t *map, uint8_t bit)
{
	bool was = IOK_BITMAP_TEST(map, bit);

	map[bit / 64] |= 1ull << (bit % 64);
	return was;
}

/* pci_devs_are_dma_aliases(), for two devices on one bus */
static bool are_aliases(const struct iok_dev *a, const struct iok_dev *b)
{
	return iok_dev_has_dma_alias(a, b->devfn) || iok_dev_has_dma_alias(b, a->devfn) ||
	       a->vmd == b || b->vmd == a;
}

static struct iok_group *search_siblings(struct search *s, struct iok_dev *d);

/*
 * At hot-add the kernel assigns the group inside pci_device_add(), before
 * pci_scan_slot() marks functions > 0 multifunction: only the device's own
 * header bit counts then. At boot the IOMMU probes after the whole scan
 * (oracle vfio c-bind-into-owned-group and h-hotadd-multifunction-bit).
 */
static bool is_multifunction(const struct search *s, const struct iok_dev *d)
{
	if (s->hotadd && d == s->cur && !d->is_vf)
		return d->hdr_type & 0x80;
	return d->multifunction;
}

static struct iok_group *search_aliases(struct search *s, struct iok_dev *d)
{
	struct iok_bus *b = d->bus;
	struct iok_group *grp;
	unsigned int i;

	if (test_and_set(s->visited, d->devfn))
		return NULL;
	grp = group_of(s, d);
	if (grp)
		return grp;
	if (!b->has_aliases)
		return NULL;
	for (i = 0; i < b->nr_devs; i++) {
		struct iok_dev *t = b->devs[i];
		unsigned int depth = s->depth;

		if (t == d || !exists(s, t) || !are_aliases(d, t))
			continue;
		push(s, IOK_JOIN_DMA_ALIAS, t);
		grp = search_aliases(s, t);
		if (grp)
			return grp;
		grp = search_siblings(s, t);
		if (grp)
			return grp;
		s->depth = depth;
	}
	return NULL;
}

static struct iok_group *search_siblings(struct search *s, struct iok_dev *d)
{
	struct iok_bus *b = d->bus;
	struct iok_group *grp;
	unsigned int i;

	if (!is_multifunction(s, d) || acs_ok(s, d))
		return NULL;
	for (i = 0; i < b->nr_devs; i++) {
		struct iok_dev *t = b->devs[i];
		unsigned int depth = s->depth;

		if (t == d || !exists(s, t) || (t->devfn >> 3) != (d->devfn >> 3) ||
		    acs_ok(s, t))
			continue;
		push(s, IOK_JOIN_SIBLING, t);
		grp = search_aliases(s, t);
		if (grp)
			return grp;
		s->depth = depth;
	}
	return NULL;
}

/*
 * pci_for_each_dma_alias() reduced to what grouping sees: the devices
 * handed to the callback, stopping at the first that has a group.
 */
static struct iok_group *alias_walk(struct search *s, struct iok_dev *dev,
				    struct iok_dev **last)
{
	struct iok_dev *r = dev->vmd ? dev->vmd : dev;
	struct iok_bus *b;

	*last = r;
	if (r != dev)
		push(s, IOK_JOIN_VMD, r);
	if (group_of(s, r))
		return group_of(s, r);
	for (b = r->bus; !b->is_root; b = b->parent) {
		struct iok_dev *br = b->self;
		bool alias;

		if (!br)
			continue;
		if (br->flag_xlate_root)
			break;
		if (br->pcie)
			alias = br->type == IOK_PCIE_PCI_BRIDGE ||
				br->type == IOK_PCIE_PCIE_BRIDGE;
		else
			alias = true;
		if (!alias)
			continue;
		*last = br;
		push(s, IOK_JOIN_ALIAS_BRIDGE, br);
		if (group_of(s, br))
			return group_of(s, br);
	}
	return NULL;
}

static struct iok_group *pci_device_group(struct search *s, struct iok_dev *dev)
{
	struct iok_dev *anchor;
	struct iok_group *grp;
	struct iok_bus *b;
	unsigned int depth;

	grp = alias_walk(s, dev, &anchor);
	if (grp)
		return grp;

	for (b = anchor->bus; !b->is_root; b = b->parent) {
		if (!b->self)
			continue;
		if (acs_path_ok(s, b->self))
			break;
		anchor = b->self;
		push(s, IOK_JOIN_NOT_ISOLATED, anchor);
		if (group_of(s, anchor))
			return group_of(s, anchor);
	}

	depth = s->depth;
	grp = search_aliases(s, anchor);
	if (grp)
		return grp;
	s->depth = depth;
	grp = search_siblings(s, anchor);
	if (grp)
		return grp;
	s->depth = depth;
	return NULL;
}

/* ---- group objects ----------------------------------------------------- */

static struct iok_group *group_new(struct iok_grouping *g)
{
	struct iok_group *grp, **pp;
	unsigned int id;

	/* An IDA: the lowest free ID (spec groups 8). */
	for (id = g->lowest_free; id < g->alloc_ids && g->by_id[id]; id++)
		;
	g->lowest_free = id + 1;
	if (id >= g->alloc_ids) {
		unsigned int n = g->alloc_ids ? g->alloc_ids * 2 : 64;
		struct iok_group **p = realloc(g->by_id, n * sizeof(*p));

		if (!p)
			return NULL;
		memset(p + g->alloc_ids, 0, (n - g->alloc_ids) * sizeof(*p));
		g->by_id = p;
		g->alloc_ids = n;
	}
	grp = calloc(1, sizeof(*grp));
	if (!grp)
		return NULL;
	grp->g = g;
	grp->id = id;
	g->by_id[id] = grp;
	g->nr_groups++;
	if (!g->last || g->last->id < (int)id) {
		pp = g->last ? &g->last->next : &g->first;
		g->last = grp;
	} else {
		for (pp = &g->first; *pp && (*pp)->id < (int)id; pp = &(*pp)->next)
			;
	}
	grp->next = *pp;
	*pp = grp;
	return grp;
}

static int group_add(struct iok_group *grp, struct iok_dev *d)
{
	if (grp->nr_devs == grp->alloc_devs) {
		unsigned int n = grp->alloc_devs ? grp->alloc_devs * 2 : 4;
		struct iok_dev **p = realloc(grp->devs, n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		grp->devs = p;
		grp->alloc_devs = n;
	}
	grp->devs[grp->nr_devs++] = d;
	S(grp->g, d)->group = grp;
	return 0;
}

static int record(struct iok_grouping *g, struct dev_state *st,
		  const struct iok_join_step *path, unsigned int n)
{
	if (n > IOK_MAX_JOIN_STEPS)
		n = IOK_MAX_JOIN_STEPS;
	if (g->nr_steps + n > g->alloc_steps) {
		unsigned int na = g->alloc_steps ? g->alloc_steps * 2 : 256;
		struct iok_join_step *p;

		while (na < g->nr_steps + n)
			na *= 2;
		p = realloc(g->steps, na * sizeof(*p));
		if (!p)
			return -ENOMEM;
		g->steps = p;
		g->alloc_steps = na;
	}
	memcpy(g->steps + g->nr_steps, path, n * sizeof(*path));
	iok_sets_drop(g);	/* every change of presence or group passes here */
	st->first_step = g->nr_steps;
	st->nr_steps = n;
	g->nr_steps += n;
	return 0;
}

static void group_unlink(struct iok_grouping *g, struct iok_group *grp);

static int probe_device(struct iok_grouping *g, struct iok_dev *d, bool hotadd)
{
	struct search s = { .g = g, .cur = d, .hotadd = hotadd };
	struct dev_state *st = S(g, d);
	struct iok_group *grp = NULL;
	bool fresh = false;
	int rc;

	if (d->is_pci)
		grp = pci_device_group(&s, d);
	/* generic_device_group() for platform devices: always new. */
	if (!grp)
		push(&s, IOK_JOIN_NEW, d);
	rc = record(g, st, s.path, s.depth);
	if (rc)
		return rc;
	if (!grp) {
		grp = group_new(g);
		if (!grp)
			return -ENOMEM;
		fresh = true;
	}
	rc = group_add(grp, d);
	if (rc) {
		if (fresh)
			group_unlink(g, grp);
		return rc;
	}
	grp->uncertain |= s.uncertain;
	return 0;
}

/*
 * Intel keeps DRHD units with a device scope at the head of its list in
 * reverse table order and INCLUDE_ALL units at the tail; each unit's
 * registration probes the devices it covers (spec groups 8).
 */
static unsigned int unit_order(const struct iok_topo *topo, unsigned int *order)
{
	unsigned int n = 0, i;

	if (!topo->nr_units) {
		order[0] = 0;
		return 1;
	}
	if (topo->params.iommu != IOK_IOMMU_INTEL) {
		for (i = 0; i < topo->nr_units; i++)
			order[n++] = i;
		return n;
	}
	for (i = topo->nr_units; i-- > 0;)
		if (!topo->units[i].include_all)
			order[n++] = i;
	for (i = 0; i < topo->nr_units; i++)
		if (topo->units[i].include_all)
			order[n++] = i;
	return n;
}

/*
 * Devices not probed by a unit's registration: VFs and VMD children are
 * added after boot, when every unit is registered; Intel probes ACPI
 * namespace (platform) devices once all its units are (spec groups 8).
 * Platform devices sort before PCI ones and late devices after them.
 */
static bool probed_late(const struct iok_topo *topo, const struct iok_dev *d)
{
	if (!d->is_pci)
		return topo->params.iommu == IOK_IOMMU_INTEL;
	return is_late(d);
}

/* @devs: every device, in registration order */
static int probe_all(struct iok_grouping *g, struct iok_dev **devs)
{
	struct iok_topo *topo = g->topo;
	_cleanup_free_ unsigned int *order = calloc(topo->nr_units + 1, sizeof(*order));
	unsigned int nr, u, i;
	int rc;

	if (!order)
		return -ENOMEM;
	/* Every boot-time device exists before the first IOMMU registers. */
	for (i = 0; i < topo->nr_devs; i++) {
		struct iok_dev *d = devs[i];

		S(g, d)->present = d->registered && !is_late(d) && !iok_topo_is_absent(topo, d);
	}
	nr = unit_order(topo, order);
	for (u = 0; u < nr; u++) {
		for (i = 0; i < topo->nr_devs; i++) {
			struct iok_dev *d = devs[i];

			if (d->unit != (int)order[u] || !S(g, d)->present ||
			    probed_late(topo, d))
				continue;
			rc = probe_device(g, d, false);
			if (rc)
				return rc;
		}
	}
	/*
	 * What comes after every unit registered, in registration order; VFs
	 * and VMD children appear one by one as they are created.
	 */
	for (i = 0; i < topo->nr_devs; i++) {
		struct iok_dev *d = devs[i];

		if (!d->registered || !probed_late(topo, d) || iok_topo_is_absent(topo, d))
			continue;
		S(g, d)->present = true;
		if (d->unit < 0)
			continue;
		rc = probe_device(g, d, false);
		if (rc)
			return rc;
	}
	/* Independent per device: input order does as well. */
	for (i = 0; i < topo->nr_devs; i++) {
		struct iok_dev *d = topo->devs[i];
		struct dev_state *st = S(g, d);
		struct iok_join_step none = {
			.kind = !d->registered ? IOK_JOIN_HIDDEN :
				!st->present ? IOK_JOIN_ABSENT : IOK_JOIN_NO_IOMMU,
			.dev = d,
		};

		if (st->group)
			continue;
		rc = record(g, st, &none, 1);
		if (rc)
			return rc;
	}
	return 0;
}

IOK_EXPORT void iok_grouping_unref(struct iok_grouping *g)
{
	struct iok_group *grp, *next;

	if (!g)
		return;
	iok_sets_drop(g);
	for (grp = g->first; grp; grp = next) {
		next = grp->next;
		free(grp->devs);
		free(grp);
	}
	free(g->by_id);
	free(g->st);
	free(g->steps);
	free(g);
}

IOK_EXPORT int iok_grouping_compute(struct iok_topo *topo, struct iok_grouping **out)
{
	_cleanup_free_ struct iok_dev **devs = NULL;
	struct iok_grouping *g;
	unsigned int i;
	int rc;

	if (!topo || !out || !topo->finalized)
		return -EINVAL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->topo = topo;
	g->p = &topo->params;
	g->st = calloc(topo->nr_devs + 1, sizeof(*g->st));
	devs = calloc(topo->nr_devs + 1, sizeof(*devs));
	if (!g->st || !devs) {
		free(g->st);
		free(g);
		return -ENOMEM;
	}
	iok_topo_assign_units(topo);
	/*
	 * Walk the devices as an array, not along topo->first: on large
	 * topologies chaining one cache miss to the next cost more than the
	 * probe itself. ACS state is each device's own, so any order does;
	 * order_devices() numbered every device by its registration position.
	 */
	for (i = 0; i < topo->nr_devs; i++) {
		struct iok_dev *d = topo->devs[i];

		devs[d->index] = d;
		if (d->is_pci)
			iok_acs_setup(g, d);
	}
	rc = probe_all(g, devs);
	if (rc) {
		iok_grouping_unref(g);
		return rc;
	}
	*out = g;
	return 0;
}

/* ---- hot-plug ---------------------------------------------------------- */

static void group_unlink(struct iok_grouping *g, struct iok_group *grp)
{
	struct iok_group **pp, *prev = NULL;

	for (pp = &g->first; *pp != grp; pp = &(*pp)->next)
		prev = *pp;
	*pp = grp->next;
	if (g->last == grp)
		g->last = prev;
	g->by_id[grp->id] = NULL;
	if ((unsigned int)grp->id < g->lowest_free)
		g->lowest_free = grp->id;
	g->nr_groups--;
	free(grp->devs);
	free(grp);
}

IOK_EXPORT int iok_grouping_hotplug_add(struct iok_grouping *g, struct iok_dev *dev)
{
	struct iok_join_step none = { .kind = IOK_JOIN_NO_IOMMU, .dev = dev };
	struct dev_state *st;
	int rc;

	if (!g || !dev || dev->topo != g->topo || !dev->registered)
		return -EINVAL;
	st = S(g, dev);
	if (st->present)
		return -EBUSY;
	st->present = true;
	if (dev->unit < 0) {
		rc = record(g, st, &none, 1);
		if (rc)
			st->present = false;
		return rc;
	}
	rc = probe_device(g, dev, true);
	if (rc)
		st->present = false;
	return rc;
}

IOK_EXPORT int iok_grouping_hotplug_remove(struct iok_grouping *g, struct iok_dev *dev)
{
	struct iok_join_step gone = { .kind = IOK_JOIN_ABSENT, .dev = dev };
	struct iok_group *grp;
	struct dev_state *st;
	unsigned int i;

	if (!g || !dev || dev->topo != g->topo)
		return -EINVAL;
	st = S(g, dev);
	if (!st->present)
		return -ENODEV;
	if (record(g, st, &gone, 1))
		return -ENOMEM;
	st->present = false;
	grp = st->group;
	st->group = NULL;
	if (!grp)
		return 0;
	for (i = 0; i < grp->nr_devs && grp->devs[i] != dev; i++)
		;
	memmove(grp->devs + i, grp->devs + i + 1, (grp->nr_devs - i - 1) * sizeof(*grp->devs));
	if (!--grp->nr_devs)
		group_unlink(g, grp);
	return 0;
}

IOK_EXPORT bool iok_dev_is_present(const struct iok_grouping *g, const struct iok_dev *dev)
{
	return g && dev && dev->topo == g->topo && S(g, dev)->present;
}

/* ---- accessors --------------------------------------------------------- */

IOK_EXPORT const char *iok_grouping_get_kernel(const struct iok_grouping *g)
{
	return g->p->kernel_str;
}

IOK_EXPORT unsigned int iok_grouping_count(const struct iok_grouping *g)
{
	return g ? g->nr_groups : 0;
}

IOK_EXPORT struct iok_group *iok_group_get_first(const struct iok_grouping *g)
{
	return g ? g->first : NULL;
}

IOK_EXPORT struct iok_group *iok_group_get_next(const struct iok_group *grp)
{
	return grp ? grp->next : NULL;
}

IOK_EXPORT int iok_group_get_id(const struct iok_group *grp)
{
	return grp->id;
}

IOK_EXPORT unsigned int iok_group_count_devs(const struct iok_group *grp)
{
	return grp->nr_devs;
}

IOK_EXPORT struct iok_dev *iok_group_get_dev(const struct iok_group *grp, unsigned int i)
{
	return i < grp->nr_devs ? grp->devs[i] : NULL;
}

IOK_EXPORT bool iok_group_is_uncertain(const struct iok_group *grp)
{
	return grp->uncertain;
}

IOK_EXPORT struct iok_group *iok_dev_get_group(const struct iok_grouping *g,
					       const struct iok_dev *dev)
{
	if (!g || !dev || dev->topo != g->topo)
		return NULL;
	return S(g, dev)->group;
}

IOK_EXPORT int iok_dev_get_join(const struct iok_grouping *g, const struct iok_dev *dev,
				unsigned int i, struct iok_join_step *step)
{
	const struct dev_state *st;

	if (!g || !dev || !step || dev->topo != g->topo)
		return -EINVAL;
	st = S(g, dev);
	if (i >= st->nr_steps)
		return -ENOENT;
	*step = g->steps[st->first_step + i];
	return 0;
}

IOK_EXPORT bool iok_dev_acs_path_ok(const struct iok_grouping *g, const struct iok_dev *dev)
{
	struct search s = { .g = (struct iok_grouping *)g, .cur = (struct iok_dev *)dev };

	if (!g || !dev || !dev->is_pci || dev->topo != g->topo)
		return false;
	return acs_path_ok(&s, dev);
}

IOK_EXPORT const char *iok_join_kind_name(enum iok_join_kind kind)
{
	switch (kind) {
	case IOK_JOIN_NEW: return "new group";
	case IOK_JOIN_NO_IOMMU: return "not translated by an IOMMU";
	case IOK_JOIN_HIDDEN: return "not enumerated by Linux";
	case IOK_JOIN_VMD: return "DMA issued as the VMD endpoint";
	case IOK_JOIN_ALIAS_BRIDGE: return "requester ID aliased by bridge";
	case IOK_JOIN_NOT_ISOLATED: return "upstream bridge not ACS-isolated";
	case IOK_JOIN_DMA_ALIAS: return "DMA alias";
	case IOK_JOIN_SIBLING: return "multifunction sibling without isolation";
	case IOK_JOIN_ABSENT: return "not plugged in";
	}
	return "unknown";
}
