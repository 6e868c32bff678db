// SPDX-License-Identifier: MIT
/*
 * Alias sets and isolation sets inside each group (docs/groups-sets.md).
 *
 * Linux puts two different relations into one group. Alias: the IOMMU
 * cannot tell two devices apart because their requests may carry the same
 * requester ID (spec groups 5.1 and 5.4). Isolation: two devices reach each
 * other without the IOMMU, because ACS is missing on the way (spec groups
 * 4.2, 4.3; the climb and the sibling search of 6.2 steps B and D). Each
 * relation is closed transitively over every present device (union-find),
 * then cut along the groups: where the kernel's groups contain the
 * relations, as they do for what is probed at boot, the cut changes
 * nothing; where they do not (a device probed later with aliases in two
 * groups, two functions sharing a quirk's absent function), the set says so.
 */
#include "lib/groups/groups-private.h"

#define NO_DEV UINT32_MAX

struct iok_devset {
	struct iok_group *grp;
	enum iok_set_layer layer;
	bool spans;
	struct iok_dev **devs;
	unsigned int nr_devs;
	struct iok_set_reason *reasons;
	unsigned int nr_reasons;
	struct iok_devset *next;	/* same group and layer */
};

struct iok_sets {
	struct iok_devset *sets;
	unsigned int nr_sets;
	struct iok_dev **members;	/* every set's members, set after set */
	struct iok_set_reason *reasons;	/* likewise */
	struct iok_devset **first[2];	/* by group ID */
	struct iok_devset **of_dev[2];	/* by device index */
	unsigned int nr_ids;
};

/* One instance of a relation, before reasons are merged per set. */
struct edge {
	enum iok_set_layer layer;
	enum iok_join_kind kind;
	struct iok_dev *dev, *via, *culprit;
	int devfn;
	uint32_t set;		/* index of the set it explains */
	uint32_t key;		/* device index the reason is merged on */
};

struct build {
	struct iok_grouping *g;
	uint32_t *uf[2];	/* union-find parents, by device index */
	int8_t *acs_ok;		/* memo of pci_acs_enabled(REQ_ACS_FLAGS) */
	struct iok_dev **culprit; /* memo of path_culprit() per bridge, */
	bool *culprit_known;	/* valid where this is set */
	struct edge *edges;
	unsigned int nr_edges, alloc_edges;
};

static uint32_t find(uint32_t *uf, uint32_t i)
{
	while (uf[i] != i) {
		uf[i] = uf[uf[i]];
		i = uf[i];
	}
	return i;
}

static void unite(uint32_t *uf, uint32_t a, uint32_t b)
{
	a = find(uf, a);
	b = find(uf, b);
	/* The lower index (earlier registered) stays the root. */
	if (a < b)
		uf[b] = a;
	else if (b < a)
		uf[a] = b;
}

static bool present(const struct build *b, const struct iok_dev *d)
{
	return d && d->is_pci && S(b->g, d)->present;
}

static bool acs_ok(struct build *b, const struct iok_dev *d)
{
	struct iok_acs_verdict v;

	if (b->acs_ok[d->index] < 0)
		b->acs_ok[d->index] = iok_acs_enabled(b->g, d, REQ_ACS_FLAGS, &v);
	return b->acs_ok[d->index];
}

/*
 * pci_acs_path_enabled() from @start, as group.c runs it: who fails first.
 * Many devices share a bridge, so the answer is kept per bridge.
 */
static struct iok_dev *path_culprit(struct build *b, struct iok_dev *start)
{
	struct iok_dev *d, *c = NULL;

	if (b->culprit_known[start->index])
		return b->culprit[start->index];
	for (d = start; d; d = d->bus->self) {
		if (!acs_ok(b, d)) {
			c = d;
			break;
		}
		if (d->bus->is_root)
			break;
	}
	b->culprit_known[start->index] = true;
	return b->culprit[start->index] = c;
}

/*
 * Record one relation. Alias relations tie both layers (an isolation set
 * is a union of alias sets); ACS relations only the isolation layer.
 */
static int relate(struct build *b, enum iok_set_layer layer, enum iok_join_kind kind,
		  struct iok_dev *dev, struct iok_dev *via, struct iok_dev *culprit,
		  struct iok_dev *with, int devfn)
{
	struct edge *e;

	if (b->nr_edges == b->alloc_edges) {
		unsigned int n = b->alloc_edges ? b->alloc_edges * 2 : 256;

		e = realloc(b->edges, n * sizeof(*e));
		if (!e)
			return -ENOMEM;
		b->edges = e;
		b->alloc_edges = n;
	}
	e = &b->edges[b->nr_edges++];
	*e = (struct edge){ .layer = layer, .kind = kind, .dev = dev, .via = via,
			    .culprit = culprit, .devfn = devfn };
	if (!with)
		return 0;
	if (layer == IOK_SET_ALIAS)
		unite(b->uf[IOK_SET_ALIAS], dev->index, with->index);
	unite(b->uf[IOK_SET_ISOLATION], dev->index, with->index);
	return 0;
}

/*
 * pci_for_each_dma_alias() (spec groups 5.1): the VMD endpoint, then every
 * aliasing bridge up to the root bus or an XLATE_ROOT bridge. Every one of
 * them may appear as the requester of @d's DMA.
 */
static int alias_walk(struct build *b, struct iok_dev *d)
{
	struct iok_dev *r = d->vmd ? d->vmd : d;
	struct iok_bus *bus;
	int rc;

	if (r != d) {
		rc = relate(b, IOK_SET_ALIAS, IOK_JOIN_VMD, d, r, NULL, r, -1);
		if (rc)
			return rc;
	}
	for (bus = r->bus; !bus->is_root; bus = bus->parent) {
		struct iok_dev *br = bus->self;
		bool alias;

		if (!br)
			continue;
		if (br->flag_xlate_root)
			break;
		if (br->pcie)
			alias = br->type == IOK_PCIE_PCI_BRIDGE || br->type == IOK_PCIE_PCIE_BRIDGE;
		else
			alias = true;
		if (!alias)
			continue;
		rc = relate(b, IOK_SET_ALIAS, IOK_JOIN_ALIAS_BRIDGE, d, br, NULL, br, -1);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Same-bus DMA aliases (spec groups 5.3, 5.4): a device whose requests may
 * carry another devfn is an alias of the function there, and of every other
 * device whose requests may carry that devfn too, such as two functions
 * sharing a quirk's ghost function.
 */
static int bus_aliases(struct build *b, struct iok_bus *bus)
{
	struct iok_dev *at[256] = { 0 }, *claim[256] = { 0 };
	unsigned int i, x;
	int rc;

	for (i = 0; i < bus->nr_devs; i++)
		if (present(b, bus->devs[i]))
			at[bus->devs[i]->devfn] = claim[bus->devs[i]->devfn] = bus->devs[i];
	for (i = 0; i < bus->nr_devs; i++) {
		struct iok_dev *d = bus->devs[i];

		if (!present(b, d) || !d->dma_alias)
			continue;
		for (x = 0; x < 256; x++) {
			if (x == d->devfn || !IOK_BITMAP_TEST(d->dma_alias, x))
				continue;
			rc = relate(b, IOK_SET_ALIAS, IOK_JOIN_DMA_ALIAS, d, at[x], NULL,
				    claim[x], x);
			if (rc)
				return rc;
			if (!claim[x])
				claim[x] = d;
		}
	}
	return 0;
}

/*
 * Multifunction siblings that are both not ACS-isolated reach each other
 * inside the device (spec groups 4.2, 6.2 step D, 6.3 rule 4). The search
 * starts from a multifunction function, as the kernel's does; a partner
 * that is not multifunction gets its side of the relation from here.
 */
static int siblings(struct build *b, struct iok_dev *d)
{
	unsigned int fn;
	int rc;

	if (!d->multifunction || acs_ok(b, d))
		return 0;
	for (fn = 0; fn < 8; fn++) {
		struct iok_dev *t = iok_topo_lookup(d->topo, d->domain, d->busnr,
						    (d->devfn & ~7) | fn);

		if (!t || t == d || t->bus != d->bus || !present(b, t) || acs_ok(b, t))
			continue;
		rc = relate(b, IOK_SET_ISOLATION, IOK_JOIN_SIBLING, d, t, d, t, -1);
		if (!rc && !t->multifunction)
			rc = relate(b, IOK_SET_ISOLATION, IOK_JOIN_SIBLING, t, d, t, d, -1);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * The upstream bridge (a VF's virtual bus has none: the PF's) whose ACS
 * path fails lets the device's requests reach peers untranslated (spec
 * groups 4.3, 6.2 step B, 6.3 rule 3).
 */
static int upstream(struct build *b, struct iok_dev *d)
{
	struct iok_dev *p = NULL, *c;
	struct iok_bus *bus;

	for (bus = d->bus; !bus->is_root && !p; bus = bus->parent)
		p = bus->self;
	if (!p)
		return 0;
	c = path_culprit(b, p);
	if (!c)
		return 0;
	return relate(b, IOK_SET_ISOLATION, IOK_JOIN_NOT_ISOLATED, d, p, c, p, -1);
}

static int relations(struct build *b)
{
	struct iok_topo *topo = b->g->topo;
	unsigned int i;
	int rc;

	for (i = 0; i < topo->nr_buses; i++) {
		if (!topo->buses[i]->has_aliases)
			continue;
		rc = bus_aliases(b, topo->buses[i]);
		if (rc)
			return rc;
	}
	for (i = 0; i < topo->nr_devs; i++) {
		struct iok_dev *d = topo->devs[i];

		if (!present(b, d))
			continue;
		rc = alias_walk(b, d);
		rc = rc ?: siblings(b, d);
		rc = rc ?: upstream(b, d);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- cutting the relations along the groups ---------------------------- */

/* Per layer: does some class hold members of two groups? */
static int mark_spanning(struct build *b, enum iok_set_layer layer, bool *spans)
{
	struct iok_topo *topo = b->g->topo;
	_cleanup_free_ struct iok_group **grp_of_root = calloc(topo->nr_devs + 1,
								sizeof(*grp_of_root));
	unsigned int i;

	if (!grp_of_root)
		return -ENOMEM;
	for (i = 0; i < topo->nr_devs; i++) {
		struct iok_dev *d = topo->devs[i];
		struct iok_group *grp = S(b->g, d)->group;
		uint32_t r = find(b->uf[layer], d->index);

		if (!grp)
			continue;
		if (!grp_of_root[r])
			grp_of_root[r] = grp;
		else if (grp_of_root[r] != grp)
			spans[r] = true;
	}
	return 0;
}

static unsigned int count_members(const struct iok_grouping *g)
{
	const struct iok_group *grp;
	unsigned int n = 0;

	for (grp = g->first; grp; grp = grp->next)
		n += grp->nr_devs;
	return n;
}

static struct iok_sets *sets_alloc(struct iok_grouping *g, unsigned int nr_members)
{
	struct iok_sets *s = calloc(1, sizeof(*s));
	unsigned int l, nd = g->topo->nr_devs + 1;

	if (!s)
		return NULL;
	s->nr_ids = g->alloc_ids;
	s->sets = calloc(2 * nr_members + 1, sizeof(*s->sets));
	s->members = calloc(2 * nr_members + 1, sizeof(*s->members));
	for (l = 0; l < 2; l++) {
		s->first[l] = calloc(s->nr_ids + 1, sizeof(*s->first[l]));
		s->of_dev[l] = calloc(nd, sizeof(*s->of_dev[l]));
	}
	if (!s->sets || !s->members || !s->first[0] || !s->first[1] || !s->of_dev[0] ||
	    !s->of_dev[1]) {
		free(s->sets);
		free(s->members);
		for (l = 0; l < 2; l++) {
			free(s->first[l]);
			free(s->of_dev[l]);
		}
		free(s);
		return NULL;
	}
	return s;
}

static void sets_free(struct iok_sets *s)
{
	unsigned int l;

	if (!s)
		return;
	for (l = 0; l < 2; l++) {
		free(s->first[l]);
		free(s->of_dev[l]);
	}
	free(s->sets);
	free(s->members);
	free(s->reasons);
	free(s);
}

/*
 * One layer: a set per (group, class), in the probe order of its first
 * member; members in the group's (probe) order.
 */
static void cut(struct build *b, struct iok_sets *s, enum iok_set_layer layer,
		const bool *spans, struct iok_devset **of_root, struct iok_dev ***fill)
{
	struct iok_group *grp;
	unsigned int i, first = s->nr_sets;
	uint32_t *uf = b->uf[layer];

	for (grp = b->g->first; grp; grp = grp->next) {
		struct iok_devset **tail = &s->first[layer][grp->id];

		for (i = 0; i < grp->nr_devs; i++) {
			struct iok_dev *d = grp->devs[i];
			uint32_t r = find(uf, d->index);
			struct iok_devset *set = of_root[r];

			if (!set || set->grp != grp) {
				set = &s->sets[s->nr_sets++];
				set->grp = grp;
				set->layer = layer;
				set->spans = spans[r];
				*tail = set;
				tail = &set->next;
				of_root[r] = set;
			}
			set->nr_devs++;
			s->of_dev[layer][d->index] = set;
		}
	}
	/* Members contiguous per set: offsets first, then fill in group order. */
	for (i = first; i < s->nr_sets; i++) {
		s->sets[i].devs = *fill;
		*fill += s->sets[i].nr_devs;
		s->sets[i].nr_devs = 0;
	}
	for (grp = b->g->first; grp; grp = grp->next)
		for (i = 0; i < grp->nr_devs; i++) {
			struct iok_devset *set = s->of_dev[layer][grp->devs[i]->index];

			set->devs[set->nr_devs++] = grp->devs[i];
		}
}

/* ---- reasons ----------------------------------------------------------- */

/*
 * A relation explains the set of its device, or of the other end when the
 * device has no group (an uncovered device under a covered bridge).
 * Relations through one bridge merge into one reason; DMA aliases and
 * siblings stay one reason per device.
 */
static bool place_edge(struct build *b, const struct iok_sets *s, struct edge *e)
{
	struct iok_devset *set = s->of_dev[e->layer][e->dev->index];

	if (!set && e->via)
		set = s->of_dev[e->layer][e->via->index];
	if (!set)
		return false;
	e->set = set - s->sets;
	switch (e->kind) {
	case IOK_JOIN_DMA_ALIAS:
	case IOK_JOIN_SIBLING:
		e->key = e->dev->index;
		break;
	default:
		e->key = e->via->index;
	}
	return true;
}

static int edge_cmp(const void *pa, const void *pb)
{
	const struct edge *a = pa, *b = pb;
	uint32_t av = a->via ? a->via->index : NO_DEV, bv = b->via ? b->via->index : NO_DEV;

	if (a->set != b->set)
		return a->set < b->set ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->kind == IOK_JOIN_DMA_ALIAS && a->devfn != b->devfn)
		return a->devfn < b->devfn ? -1 : 1;
	if (a->dev->index != b->dev->index)
		return a->dev->index < b->dev->index ? -1 : 1;
	return av < bv ? -1 : av > bv;
}

static bool same_reason(const struct edge *a, const struct edge *b)
{
	return a->set == b->set && a->kind == b->kind && a->key == b->key &&
	       (a->kind != IOK_JOIN_DMA_ALIAS || a->devfn == b->devfn);
}

static int reasons(struct build *b, struct iok_sets *s)
{
	unsigned int i, n = 0, nr = 0;
	struct iok_set_reason *r = NULL;

	for (i = 0; i < b->nr_edges; i++)
		if (place_edge(b, s, &b->edges[i]))
			b->edges[n++] = b->edges[i];
	if (n)
		qsort(b->edges, n, sizeof(*b->edges), edge_cmp);
	s->reasons = calloc(n + 1, sizeof(*s->reasons));
	if (!s->reasons)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct edge *e = &b->edges[i];
		struct iok_devset *set = &s->sets[e->set];

		if (r && same_reason(&b->edges[i - 1], e)) {
			r->nr_devs++;
			continue;
		}
		r = &s->reasons[nr++];
		r->kind = e->kind;
		r->dev = e->dev;
		r->via = e->via;
		r->culprit = e->culprit;
		r->alias_devfn = e->devfn;
		r->nr_devs = 1;
		if (e->culprit)
			iok_acs_enabled(b->g, e->culprit, REQ_ACS_FLAGS, &r->acs);
		if (!set->reasons)
			set->reasons = r;
		set->nr_reasons++;
	}
	return 0;
}

static struct iok_sets *sets_build(struct iok_grouping *g)
{
	struct iok_topo *topo = g->topo;
	unsigned int nd = topo->nr_devs + 1, i, l;
	struct build b = { .g = g };
	struct iok_sets *s = NULL;
	_cleanup_free_ bool *spans = NULL;
	_cleanup_free_ struct iok_devset **of_root = NULL;
	struct iok_dev **fill;

	b.uf[0] = malloc(nd * sizeof(*b.uf[0]));
	b.uf[1] = malloc(nd * sizeof(*b.uf[1]));
	b.acs_ok = malloc(nd);
	b.culprit = calloc(nd, sizeof(*b.culprit));
	b.culprit_known = calloc(nd, sizeof(*b.culprit_known));
	spans = calloc(2 * nd, sizeof(*spans));
	of_root = calloc(nd, sizeof(*of_root));
	if (!b.uf[0] || !b.uf[1] || !b.acs_ok || !b.culprit || !b.culprit_known || !spans ||
	    !of_root)
		goto out;
	for (i = 0; i < nd; i++)
		b.uf[0][i] = b.uf[1][i] = i;
	memset(b.acs_ok, -1, nd);
	if (relations(&b))
		goto out;
	for (l = 0; l < 2; l++)
		if (mark_spanning(&b, l, spans + l * nd))
			goto out;
	s = sets_alloc(g, count_members(g));
	if (!s)
		goto out;
	fill = s->members;
	for (l = 0; l < 2; l++) {
		memset(of_root, 0, nd * sizeof(*of_root));
		cut(&b, s, l, spans + l * nd, of_root, &fill);
	}
	if (reasons(&b, s)) {
		sets_free(s);
		s = NULL;
	}
out:
	free(b.uf[0]);
	free(b.uf[1]);
	free(b.acs_ok);
	free(b.culprit);
	free(b.culprit_known);
	free(b.edges);
	return s;
}

void iok_sets_drop(struct iok_grouping *g)
{
	sets_free(g->sets);
	g->sets = NULL;
}

static struct iok_sets *sets_get(struct iok_grouping *g)
{
	if (!g->sets)
		g->sets = sets_build(g);
	return g->sets;
}

/* ---- public accessors -------------------------------------------------- */

static bool layer_ok(enum iok_set_layer layer)
{
	return layer == IOK_SET_ALIAS || layer == IOK_SET_ISOLATION;
}

IOK_EXPORT struct iok_devset *iok_group_get_first_set(const struct iok_group *grp,
						      enum iok_set_layer layer)
{
	struct iok_sets *s;

	if (!grp || !layer_ok(layer))
		return NULL;
	s = sets_get(grp->g);
	if (!s || (unsigned int)grp->id >= s->nr_ids)
		return NULL;
	return s->first[layer][grp->id];
}

IOK_EXPORT struct iok_devset *iok_devset_get_next(const struct iok_devset *set)
{
	return set ? set->next : NULL;
}

IOK_EXPORT unsigned int iok_group_count_sets(const struct iok_group *grp,
					     enum iok_set_layer layer)
{
	struct iok_devset *set;
	unsigned int n = 0;

	for (set = iok_group_get_first_set(grp, layer); set; set = set->next)
		n++;
	return n;
}

IOK_EXPORT int iok_dev_get_set(const struct iok_grouping *g, const struct iok_dev *dev,
			       enum iok_set_layer layer, struct iok_devset **set)
{
	struct iok_sets *s;

	if (!g || !dev || !set)
		return -EINVAL;
	if (dev->topo != g->topo)
		return iok_fail(g->topo->ctx, -EINVAL, "%s is not a device of this grouping's topology",
				iok_dev_get_name(dev));
	if (!layer_ok(layer))
		return iok_fail(g->topo->ctx, -EINVAL, "set layer %d is neither alias nor isolation",
				(int)layer);
	if (!S(g, dev)->group)
		return iok_fail(g->topo->ctx, -ENODEV, "%s has no IOMMU group, so no %s set",
				dev->name, iok_set_layer_name(layer));
	s = sets_get((struct iok_grouping *)g);
	if (!s)
		return iok_fail(g->topo->ctx, -ENOMEM, "out of memory computing %s sets",
				iok_set_layer_name(layer));
	*set = s->of_dev[layer][dev->index];
	return 0;
}

IOK_EXPORT enum iok_set_layer iok_devset_get_layer(const struct iok_devset *set)
{
	return set ? set->layer : IOK_SET_ALIAS;
}

IOK_EXPORT struct iok_group *iok_devset_get_group(const struct iok_devset *set)
{
	return set ? set->grp : NULL;
}

IOK_EXPORT unsigned int iok_devset_count_devs(const struct iok_devset *set)
{
	return set ? set->nr_devs : 0;
}

IOK_EXPORT struct iok_dev *iok_devset_get_dev(const struct iok_devset *set, unsigned int i)
{
	return set && i < set->nr_devs ? set->devs[i] : NULL;
}

IOK_EXPORT bool iok_devset_contains(const struct iok_devset *set, const struct iok_dev *dev)
{
	struct iok_sets *s;

	if (!set || !dev || dev->topo != set->grp->g->topo)
		return false;
	s = set->grp->g->sets;
	return s && s->of_dev[set->layer][dev->index] == set;
}

IOK_EXPORT bool iok_devset_spans_groups(const struct iok_devset *set)
{
	return set && set->spans;
}

IOK_EXPORT unsigned int iok_devset_count_reasons(const struct iok_devset *set)
{
	return set ? set->nr_reasons : 0;
}

IOK_EXPORT int iok_devset_get_reason(const struct iok_devset *set, unsigned int i,
				     struct iok_set_reason *r)
{
	if (!set || !r)
		return -EINVAL;
	if (i >= set->nr_reasons)
		return -ENOENT;
	*r = set->reasons[i];
	return 0;
}

IOK_EXPORT int iok_group_may_split(const struct iok_group *grp, const struct iok_dev *a,
				   const struct iok_dev *b)
{
	struct iok_grouping *g;
	struct iok_devset *sa, *sb;
	int rc;

	if (!grp || !a || !b)
		return -EINVAL;
	g = grp->g;
	if (iok_dev_get_group(g, a) != grp || iok_dev_get_group(g, b) != grp)
		return iok_fail(g->topo->ctx, -EINVAL, "%s and %s are not both members of group %d",
				iok_dev_get_name(a), iok_dev_get_name(b), grp->id);
	if (!g->p->isolation_relaxed)
		return 0;
	rc = iok_dev_get_set(g, a, IOK_SET_ALIAS, &sa);
	rc = rc ?: iok_dev_get_set(g, b, IOK_SET_ALIAS, &sb);
	if (rc)
		return rc;
	return sa != sb && !sa->spans && !sb->spans;
}

IOK_EXPORT const char *iok_set_layer_name(enum iok_set_layer layer)
{
	switch (layer) {
	case IOK_SET_ALIAS: return "alias";
	case IOK_SET_ISOLATION: return "isolation";
	}
	return "unknown";
}
