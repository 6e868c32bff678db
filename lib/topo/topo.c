// SPDX-License-Identifier: MIT
/*
 * The topology object: functions as the sources hand them over, and what
 * finalisation derives from their config space: buses, bridges, VFs,
 * Linux's registration order and the per-function facts grouping needs.
 */
#include <stdio.h>

#include "lib/private.h"
#include "lib/topo/topo-private.h"

struct iok_topo *iok_topo_alloc(struct iok_ctx *ctx, const char *source)
{
	struct iok_topo *topo = calloc(1, sizeof(*topo));

	if (!topo)
		return NULL;
	topo->source = strdup(source ? source : "");
	if (!topo->source || iok_params_init(&topo->params) < 0) {
		free(topo->source);
		free(topo);
		return NULL;
	}
	topo->ctx = iok_ref(ctx);
	return topo;
}

static void dev_free(struct iok_dev *d)
{
	free(d->cfg);
	free(d->pname);
	free(d->dma_alias);
	free(d->driver);
	free(d);
}

IOK_EXPORT void iok_topo_unref(struct iok_topo *topo)
{
	unsigned int i, j;

	if (!topo)
		return;
	for (i = 0; i < topo->nr_devs; i++)
		dev_free(topo->devs[i]);
	for (i = 0; i < topo->nr_buses; i++) {
		free(topo->buses[i]->devs);
		free(topo->buses[i]->children);
		free(topo->buses[i]);
	}
	for (i = 0; i < topo->nr_units; i++) {
		for (j = 0; j < topo->units[i].nr_scope; j++)
			free(topo->units[i].scope[j]);
		free(topo->units[i].scope);
		free(topo->units[i].name);
	}
	free(topo->units);
	free(topo->devs);
	free(topo->buses);
	free(topo->sorted);
	free(topo->source);
	iok_params_free(&topo->params);
	iok_unref(topo->ctx);
	free(topo);
}

static int grow(void **arr, unsigned int *alloc, unsigned int need, size_t size)
{
	unsigned int n;
	void *p;

	if (need <= *alloc)
		return 0;
	n = *alloc ? *alloc * 2 : 16;
	while (n < need)
		n *= 2;
	p = realloc(*arr, (size_t)n * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*alloc = n;
	return 0;
}

static struct iok_dev *dev_alloc(struct iok_topo *topo)
{
	struct iok_dev *d;

	if (grow((void **)&topo->devs, &topo->alloc_devs, topo->nr_devs + 1,
		 sizeof(*topo->devs)))
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->topo = topo;
	d->input_index = topo->nr_devs;
	d->kernel_group = -2;
	d->secondary = d->subordinate = -1;
	d->type = d->type_raw = -1;
	d->unit = 0;
	topo->devs[topo->nr_devs++] = d;
	return d;
}

void iok_format_bdf(char *buf, size_t len, uint32_t domain, uint8_t bus,
		    uint8_t devfn)
{
	snprintf(buf, len, "%04x:%02x:%02x.%x", domain, bus, devfn >> 3, devfn & 7);
}

static bool block_is_zero(const uint8_t *p)
{
	uint64_t acc = 0, w;
	unsigned int i;

	for (i = 0; i < 64; i += sizeof(w)) {
		memcpy(&w, p + i, sizeof(w));
		acc |= w;
	}
	return !acc;
}

int iok_topo_add_pci(struct iok_topo *topo, uint32_t domain, uint8_t bus,
		     uint8_t devfn, const uint8_t *cfg, unsigned int known,
		     struct iok_dev **out)
{
	struct iok_dev *d;
	unsigned int stored = known;

	if (known != 64 && known != 256 && known != IOK_CFG_MAX)
		return -EINVAL;
	/*
	 * Most of a 4 KiB space is zeros: keep the 64-byte blocks up to the
	 * last non-zero byte. Whole blocks are tested a word at a time, as
	 * a byte loop over 4 KiB per function dominated loading.
	 */
	while (stored > 64 && block_is_zero(cfg + stored - 64))
		stored -= 64;
	d = dev_alloc(topo);
	if (!d)
		return -ENOMEM;
	d->cfg = malloc(stored);
	if (!d->cfg) {
		topo->nr_devs--;
		free(d);
		return -ENOMEM;
	}
	memcpy(d->cfg, cfg, stored);
	d->cfg_stored = stored;
	d->cfg_known = known;
	d->is_pci = true;
	d->domain = domain;
	d->busnr = bus;
	d->devfn = devfn;
	iok_format_bdf(d->name, sizeof(d->name), domain, bus, devfn);
	if (out)
		*out = d;
	return 0;
}

int iok_topo_add_platform(struct iok_topo *topo, const char *name,
			  struct iok_dev **out)
{
	struct iok_dev *d = dev_alloc(topo);

	if (!d)
		return -ENOMEM;
	d->pname = strdup(name);
	if (!d->pname) {
		topo->nr_devs--;
		free(d);
		return -ENOMEM;
	}
	snprintf(d->name, sizeof(d->name), "%.23s", name);
	topo->nr_platform++;
	if (out)
		*out = d;
	return 0;
}

int iok_topo_add_alias(struct iok_dev *dev, uint8_t devfn)
{
	if (!dev->dma_alias) {
		dev->dma_alias = calloc(4, sizeof(uint64_t));
		if (!dev->dma_alias)
			return -ENOMEM;
	}
	dev->dma_alias[devfn / 64] |= 1ull << (devfn % 64);
	return 0;
}

static int cmp_bdf(const void *a, const void *b)
{
	const struct iok_dev *x = *(struct iok_dev * const *)a;
	const struct iok_dev *y = *(struct iok_dev * const *)b;

	if (x->domain != y->domain)
		return x->domain < y->domain ? -1 : 1;
	if (x->busnr != y->busnr)
		return x->busnr < y->busnr ? -1 : 1;
	return (int)x->devfn - (int)y->devfn;
}

struct iok_dev *iok_topo_lookup(struct iok_topo *topo, uint32_t domain,
				uint8_t bus, uint8_t devfn)
{
	unsigned int lo = 0, hi = topo->nr_devs - topo->nr_platform;
	struct iok_dev key = { .domain = domain, .busnr = bus, .devfn = devfn };
	const struct iok_dev *kp = &key;

	if (!topo->sorted)
		return NULL;
	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		int c = cmp_bdf(&kp, &topo->sorted[mid]);

		if (!c)
			return topo->sorted[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int iok_parse_bdf(const char *s, uint32_t *domain, uint8_t *bus, uint8_t *devfn)
{
	unsigned int d = 0, b, dev, fn;
	int n = 0;

	if (!s)
		return -EINVAL;
	if (sscanf(s, "%x:%x:%x.%x%n", &d, &b, &dev, &fn, &n) == 4 && !s[n]) {
		;
	} else if (d = 0, sscanf(s, "%x:%x.%x%n", &b, &dev, &fn, &n) == 3 && !s[n]) {
		;
	} else {
		return -EINVAL;
	}
	if (b > 0xff || dev > 0x1f || fn > 7)
		return -EINVAL;
	*domain = d;
	*bus = b;
	*devfn = dev << 3 | fn;
	return 0;
}

IOK_EXPORT int iok_dev_find(struct iok_topo *topo, const char *bdf,
			    struct iok_dev **out)
{
	uint32_t domain;
	uint8_t bus, devfn;
	struct iok_dev *d;
	unsigned int i;

	if (!topo || !bdf || !out)
		return -EINVAL;
	if (iok_parse_bdf(bdf, &domain, &bus, &devfn) < 0) {
		for (i = 0; i < topo->nr_devs; i++) {
			d = topo->devs[i];
			if (!d->is_pci && !strcmp(d->pname, bdf)) {
				*out = d;
				return 0;
			}
		}
		return iok_fail(topo->ctx, -EINVAL,
				"'%s' is not a PCI address (DDDD:BB:DD.F or BB:DD.F)", bdf);
	}
	d = iok_topo_lookup(topo, domain, bus, devfn);
	if (!d)
		return iok_fail(topo->ctx, -ENODEV, "no device %04x:%02x:%02x.%x in %s",
				domain, bus, devfn >> 3, devfn & 7, topo->source);
	*out = d;
	return 0;
}

/* ---- buses ------------------------------------------------------------- */

/* A bus not yet in @topo: callers know it is new, which saves a search. */
static struct iok_bus *bus_new(struct iok_topo *topo, uint32_t domain, uint8_t nr)
{
	struct iok_bus *b;

	if (grow((void **)&topo->buses, &topo->alloc_buses, topo->nr_buses + 1,
		 sizeof(*topo->buses)))
		return NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->topo = topo;
	b->domain = domain;
	b->number = nr;
	topo->buses[topo->nr_buses++] = b;
	return b;
}

static int bus_add_dev(struct iok_bus *b, struct iok_dev *d)
{
	if (grow((void **)&b->devs, &b->alloc_devs, b->nr_devs + 1, sizeof(*b->devs)))
		return -ENOMEM;
	b->devs[b->nr_devs++] = d;
	return 0;
}

static int bus_add_child(struct iok_bus *b, struct iok_bus *c)
{
	if (grow((void **)&b->children, &b->alloc_children, b->nr_children + 1,
		 sizeof(*b->children)))
		return -ENOMEM;
	b->children[b->nr_children++] = c;
	return 0;
}

/* The bridge (by BDF order) whose secondary bus is @nr, via binary search. */
static struct iok_dev *find_bridge_for(struct iok_dev **bridges, unsigned int n,
				       uint32_t domain, unsigned int nr)
{
	unsigned int lo = 0, hi = n;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		struct iok_dev *m = bridges[mid];

		if (m->domain == domain && (unsigned int)m->secondary == nr)
			return m;
		if (m->domain < domain ||
		    (m->domain == domain && (unsigned int)m->secondary < nr))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int cmp_secondary(const void *a, const void *b)
{
	const struct iok_dev *x = *(struct iok_dev * const *)a;
	const struct iok_dev *y = *(struct iok_dev * const *)b;

	if (x->domain != y->domain)
		return x->domain < y->domain ? -1 : 1;
	if (x->secondary != y->secondary)
		return x->secondary - y->secondary;
	return cmp_bdf(a, b);
}

/*
 * Attach every bus to the bridge whose secondary number it is. Bus-number
 * ranges must nest: a bridge's range lies inside its parent's, siblings do
 * not overlap, and no bus sits inside a range without a bridge leading to it.
 */
static int build_buses(struct iok_topo *topo)
{
	struct iok_ctx *ctx = topo->ctx;
	unsigned int npci = topo->nr_devs - topo->nr_platform;
	_cleanup_free_ struct iok_dev **bridges = NULL;
	struct iok_bus *cur = NULL;
	unsigned int nb = 0, i;
	int rc;

	bridges = calloc(npci + 1, sizeof(*bridges));
	if (!bridges)
		return -ENOMEM;
	for (i = 0; i < npci; i++) {
		struct iok_dev *d = topo->sorted[i];

		/* Sorted by BDF: a bus differing from the last one is new. */
		if (!cur || cur->domain != d->domain || cur->number != d->busnr)
			cur = bus_new(topo, d->domain, d->busnr);
		if (!cur)
			return -ENOMEM;
		d->bus = cur;
		rc = bus_add_dev(cur, d);
		if (rc)
			return rc;
		if (d->secondary < 0 || (d->secondary == 0 && d->subordinate == 0))
			continue;
		if (d->secondary <= d->busnr)
			return iok_fail(ctx, -EINVAL,
					"%s: bridge secondary bus %02x is not above its own bus %02x",
					d->name, d->secondary, d->busnr);
		if (d->subordinate < d->secondary)
			return iok_fail(ctx, -EINVAL,
					"%s: bridge bus range [%02x-%02x] ends before it starts",
					d->name, d->secondary, d->subordinate);
		bridges[nb++] = d;
	}
	qsort(bridges, nb, sizeof(*bridges), cmp_secondary);
	for (i = 1; i < nb; i++)
		if (bridges[i]->domain == bridges[i - 1]->domain &&
		    bridges[i]->secondary == bridges[i - 1]->secondary)
			return iok_fail(ctx, -EINVAL,
					"bridges %s and %s both claim secondary bus %02x",
					bridges[i - 1]->name, bridges[i]->name,
					bridges[i]->secondary);

	for (i = 0; i < topo->nr_buses; i++) {
		struct iok_bus *b = topo->buses[i];
		struct iok_dev *br = find_bridge_for(bridges, nb, b->domain, b->number);

		if (br) {
			b->self = br;
			br->child = b;
			b->parent = br->bus;
			continue;
		}
		b->is_root = true;
	}
	/* Buses of bridges that have no function behind them still nest. */
	for (i = 0; i < nb; i++) {
		struct iok_dev *br = bridges[i];
		struct iok_dev *up = br->bus->self;

		if (!br->child) {
			/* Had the bus a function, the loop above would have linked it. */
			br->child = bus_new(topo, br->domain, br->secondary);
			if (!br->child)
				return -ENOMEM;
			br->child->self = br;
			br->child->parent = br->bus;
		}
		if (up && (br->secondary <= up->secondary ||
			   br->subordinate > up->subordinate))
			return iok_fail(ctx, -EINVAL,
					"%s: bridge bus range [%02x-%02x] is not inside its parent %s's range [%02x-%02x]",
					br->name, br->secondary, br->subordinate,
					up->name, up->secondary, up->subordinate);
	}
	return 0;
}

/*
 * The first bridge, in BDF order, whose range holds bus @b. @bridges are
 * the bridges with a secondary bus in BDF order, where each domain is one
 * run of at most 255 of them (secondary bus numbers are unique), so this
 * costs no more than a domain's bridges, however large the topology.
 */
static struct iok_dev *bridge_covering(struct iok_dev **bridges, unsigned int n,
				       const struct iok_bus *b)
{
	unsigned int lo = 0, hi = n;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (bridges[mid]->domain < b->domain)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && bridges[lo]->domain == b->domain; lo++)
		if (b->number >= bridges[lo]->secondary &&
		    b->number <= bridges[lo]->subordinate)
			return bridges[lo];
	return NULL;
}

/* Siblings' ranges must not overlap; a root bus must not hide in a range. */
static int check_ranges(struct iok_topo *topo)
{
	unsigned int npci = topo->nr_devs - topo->nr_platform, nb = 0, i, j, k;
	_cleanup_free_ struct iok_dev **bridges = calloc(npci + 1, sizeof(*bridges));

	if (!bridges)
		return -ENOMEM;
	for (i = 0; i < npci; i++)
		if (topo->sorted[i]->child)
			bridges[nb++] = topo->sorted[i];

	for (i = 0; i < topo->nr_buses; i++) {
		struct iok_bus *b = topo->buses[i];
		struct iok_dev *br;

		for (j = 0; j < b->nr_devs; j++) {
			struct iok_dev *d = b->devs[j];

			if (!d->child || d->child->is_virtual)
				continue;
			/* Functions on a bus are in devfn order, ranges need not be. */
			for (k = 0; k < j; k++) {
				struct iok_dev *o = b->devs[k];

				if (!o->child || o->child->is_virtual)
					continue;
				if (d->secondary <= o->subordinate &&
				    o->secondary <= d->subordinate)
					return iok_fail(topo->ctx, -EINVAL,
							"bridges %s [%02x-%02x] and %s [%02x-%02x] have overlapping bus ranges",
							o->name, o->secondary, o->subordinate,
							d->name, d->secondary, d->subordinate);
			}
		}
		if (!b->is_root || b->is_virtual)
			continue;
		br = bridge_covering(bridges, nb, b);
		if (br)
			return iok_fail(topo->ctx, -EINVAL,
					"bus %04x:%02x lies inside bridge %s's range [%02x-%02x] but no bridge has it as secondary bus",
					b->domain, b->number, br->name,
					br->secondary, br->subordinate);
	}
	return 0;
}

/* ---- registration order ------------------------------------------------ */

struct order_state {
	struct iok_dev **tail;
	unsigned int index;
};

static void order_append(struct order_state *st, struct iok_dev *d)
{
	d->index = st->index++;
	d->registered = !d->hidden;
	*st->tail = d;
	st->tail = &d->next;
	d->next = NULL;
}

static int cmp_bus(const void *a, const void *b)
{
	const struct iok_bus *x = *(struct iok_bus * const *)a;
	const struct iok_bus *y = *(struct iok_bus * const *)b;

	if (x->domain != y->domain)
		return x->domain < y->domain ? -1 : 1;
	return (int)x->number - (int)y->number;
}

/*
 * Linux registers a bus's functions in devfn order, then descends into
 * each bridge in devfn order (spec groups 2.3); decoding that depends on the
 * parent (port-type correction, extended config access) happens on the way.
 */
static int scan_bus(struct iok_topo *topo, struct iok_bus *b, struct order_state *st)
{
	unsigned int i;
	int rc;

	for (i = 0; i < b->nr_devs; i++) {
		struct iok_dev *d = b->devs[i];

		if (d->is_vf)
			continue;
		iok_decode_late(topo, d);
		if (d->hidden)
			continue;
		order_append(st, d);
	}
	for (i = 0; i < b->nr_devs; i++) {
		struct iok_dev *d = b->devs[i];

		if (d->is_vf || d->hidden || !d->child || d->child->is_virtual)
			continue;
		iok_bus_set_flags(d->child);
		rc = scan_bus(topo, d->child, st);
		if (rc)
			return rc;
	}
	return 0;
}

static int order_devices(struct iok_topo *topo)
{
	struct order_state st = { .tail = &topo->first };
	_cleanup_free_ struct iok_bus **roots = NULL;
	unsigned int nr = 0, i;
	int rc;

	for (i = 0; i < topo->nr_devs; i++)
		if (!topo->devs[i]->is_pci)
			order_append(&st, topo->devs[i]);

	roots = calloc(topo->nr_buses + 1, sizeof(*roots));
	if (!roots)
		return -ENOMEM;
	for (i = 0; i < topo->nr_buses; i++)
		if (topo->buses[i]->is_root)
			roots[nr++] = topo->buses[i];
	qsort(roots, nr, sizeof(*roots), cmp_bus);
	for (i = 0; i < nr; i++) {
		iok_bus_set_flags(roots[i]);
		rc = scan_bus(topo, roots[i], &st);
		if (rc)
			return rc;
	}
	/* VFs are created after boot, when SR-IOV is enabled. */
	for (i = 0; i < topo->nr_devs - topo->nr_platform; i++) {
		struct iok_dev *d = topo->sorted[i];

		if (!d->is_vf)
			continue;
		if (!d->pf->registered)
			continue;
		if (d->bus->is_virtual)
			iok_bus_set_flags(d->bus);
		iok_decode_late(topo, d);
		order_append(&st, d);
	}
	/* Functions Linux would not see stay reachable, after everything else. */
	for (i = 0; i < topo->nr_devs - topo->nr_platform; i++) {
		struct iok_dev *d = topo->sorted[i];

		if (d->registered)
			continue;
		if (!d->hidden) {
			/* Below a hidden bridge: never scanned. */
			d->cfg_size = d->cfg_known;
			d->hidden = IOK_HIDDEN_PARENT;
		}
		order_append(&st, d);
	}
	return 0;
}

static void sort_bus_devs(struct iok_topo *topo)
{
	struct iok_dev *vfs[256];	/* devfns on a bus are unique */
	unsigned int i, j, k, n;

	/*
	 * VFs go after the bus's ordinary functions: they are added later.
	 * A bus holds its functions in BDF order already (build_buses() added
	 * them so), and only its own, so the VFs keep their order.
	 */
	for (i = 0; i < topo->nr_buses; i++) {
		struct iok_bus *b = topo->buses[i];

		for (j = 0, k = 0, n = 0; j < b->nr_devs; j++) {
			if (b->devs[j]->is_vf)
				vfs[n++] = b->devs[j];
			else
				b->devs[k++] = b->devs[j];
		}
		if (n)
			memcpy(b->devs + k, vfs, n * sizeof(*vfs));
		for (j = 0; j < b->nr_devs; j++) {
			struct iok_dev *d = b->devs[j];

			if (!b->slot_first[d->devfn >> 3])
				b->slot_first[d->devfn >> 3] = d;
			if (d->dma_alias)
				b->has_aliases = true;
		}
	}
}

static int link_children(struct iok_topo *topo)
{
	unsigned int i;
	int rc;

	for (i = 0; i < topo->nr_buses; i++) {
		struct iok_bus *b = topo->buses[i];

		if (!b->parent)
			continue;
		rc = bus_add_child(b->parent, b);
		if (rc)
			return rc;
	}
	return 0;
}

int iok_topo_finalize(struct iok_topo *topo)
{
	unsigned int npci = topo->nr_devs - topo->nr_platform, i, j;
	int rc;

	if (topo->finalized)
		return 0;
	topo->sorted = calloc(npci + 1, sizeof(*topo->sorted));
	if (!topo->sorted)
		return -ENOMEM;
	for (i = 0, j = 0; i < topo->nr_devs; i++)
		if (topo->devs[i]->is_pci)
			topo->sorted[j++] = topo->devs[i];
	qsort(topo->sorted, npci, sizeof(*topo->sorted), cmp_bdf);
	for (i = 1; i < npci; i++)
		if (!cmp_bdf(&topo->sorted[i - 1], &topo->sorted[i]))
			return iok_fail(topo->ctx, -EINVAL, "%s: function appears twice in %s",
					topo->sorted[i]->name, topo->source);

	topo->has_ext_dumps = iok_topo_has_ext_dumps(topo);
	for (i = 0; i < npci; i++) {
		rc = iok_decode_early(topo, topo->sorted[i]);
		if (rc)
			return rc;
	}
	rc = iok_find_vfs(topo);
	if (rc)
		return rc;
	rc = build_buses(topo);
	if (rc)
		return rc;
	rc = iok_attach_vf_buses(topo);
	if (rc)
		return rc;
	rc = check_ranges(topo);
	if (rc)
		return rc;
	rc = link_children(topo);
	if (rc)
		return rc;
	for (i = 0; i < npci; i++) {
		rc = iok_header_quirks(topo, topo->sorted[i]);
		if (rc)
			return rc;
	}
	sort_bus_devs(topo);
	rc = order_devices(topo);
	if (rc)
		return rc;
	for (i = 0; i < npci; i++) {
		struct iok_dev *d = topo->sorted[i];

		if (d->hidden)
			continue;
		rc = iok_cfg_check_lists(topo->ctx, d);
		if (rc)
			return rc;
	}
	rc = iok_late_quirks(topo);
	if (rc)
		return rc;
	topo->finalized = true;
	return 0;
}

/* ---- accessors --------------------------------------------------------- */

IOK_EXPORT const char *iok_topo_get_source(struct iok_topo *topo)
{
	return topo ? topo->source : NULL;
}

IOK_EXPORT bool iok_topo_is_live(struct iok_topo *topo)
{
	return topo && topo->live;
}

IOK_EXPORT struct iok_ctx *iok_topo_get_ctx(struct iok_topo *topo)
{
	return topo ? topo->ctx : NULL;
}

IOK_EXPORT unsigned int iok_topo_count_devs(struct iok_topo *topo)
{
	return topo ? topo->nr_devs - topo->nr_platform : 0;
}

IOK_EXPORT struct iok_dev *iok_dev_get_first(struct iok_topo *topo)
{
	return topo ? topo->first : NULL;
}

IOK_EXPORT struct iok_dev *iok_dev_get_next(struct iok_dev *dev)
{
	return dev ? dev->next : NULL;
}

IOK_EXPORT const char *iok_dev_get_name(const struct iok_dev *d) { return d->name; }
IOK_EXPORT bool iok_dev_is_pci(const struct iok_dev *d) { return d->is_pci; }
IOK_EXPORT uint32_t iok_dev_get_domain(const struct iok_dev *d) { return d->domain; }
IOK_EXPORT uint8_t iok_dev_get_busnr(const struct iok_dev *d) { return d->busnr; }
IOK_EXPORT uint8_t iok_dev_get_devfn(const struct iok_dev *d) { return d->devfn; }
IOK_EXPORT uint16_t iok_dev_get_vendor(const struct iok_dev *d) { return d->vendor; }
IOK_EXPORT uint16_t iok_dev_get_device(const struct iok_dev *d) { return d->device; }
IOK_EXPORT uint16_t iok_dev_get_subvendor(const struct iok_dev *d) { return d->subvendor; }
IOK_EXPORT uint16_t iok_dev_get_subdevice(const struct iok_dev *d) { return d->subdevice; }
IOK_EXPORT uint32_t iok_dev_get_class(const struct iok_dev *d) { return d->class; }
IOK_EXPORT uint8_t iok_dev_get_revision(const struct iok_dev *d) { return d->revision; }
IOK_EXPORT uint8_t iok_dev_get_header_layout(const struct iok_dev *d) { return d->layout; }
IOK_EXPORT bool iok_dev_is_multifunction(const struct iok_dev *d) { return d->multifunction; }
IOK_EXPORT bool iok_dev_is_pcie(const struct iok_dev *d) { return d->pcie; }
IOK_EXPORT int iok_dev_get_pcie_type(const struct iok_dev *d) { return d->pcie ? d->type : -1; }
IOK_EXPORT int iok_dev_get_pcie_type_raw(const struct iok_dev *d) { return d->pcie ? d->type_raw : -1; }
IOK_EXPORT bool iok_dev_is_bridge(const struct iok_dev *d) { return d->is_pci && (d->layout == 1 || d->layout == 2); }
IOK_EXPORT int iok_dev_get_secondary(const struct iok_dev *d) { return d->secondary; }
IOK_EXPORT int iok_dev_get_subordinate(const struct iok_dev *d) { return d->subordinate; }
IOK_EXPORT enum iok_acs_state iok_dev_get_acs_state(const struct iok_dev *d) { return d->acs_state; }
IOK_EXPORT uint16_t iok_dev_get_acs_pos(const struct iok_dev *d) { return d->acs_pos; }
IOK_EXPORT uint16_t iok_dev_get_acs_cap(const struct iok_dev *d) { return d->acs_cap; }
IOK_EXPORT uint16_t iok_dev_get_acs_ctrl(const struct iok_dev *d) { return d->acs_ctrl; }
IOK_EXPORT bool iok_dev_is_vf(const struct iok_dev *d) { return d->is_vf; }
IOK_EXPORT struct iok_dev *iok_dev_get_pf(const struct iok_dev *d) { return d->pf; }
IOK_EXPORT bool iok_dev_has_ari(const struct iok_dev *d) { return d->ari_pos != 0; }
IOK_EXPORT unsigned int iok_dev_get_cfg_known(const struct iok_dev *d) { return d->cfg_known; }
IOK_EXPORT unsigned int iok_dev_get_cfg_size(const struct iok_dev *d) { return d->cfg_size; }
IOK_EXPORT enum iok_hidden_reason iok_dev_get_hidden(const struct iok_dev *d) { return d->hidden; }
IOK_EXPORT const char *iok_dev_get_driver(const struct iok_dev *d) { return d->driver; }
IOK_EXPORT int iok_dev_get_kernel_group(const struct iok_dev *d) { return d->kernel_group; }

IOK_EXPORT struct iok_dev *iok_dev_get_parent(const struct iok_dev *d)
{
	const struct iok_bus *b;

	if (!d->is_pci)
		return NULL;
	for (b = d->bus; b; b = b->parent) {
		if (b->is_root)
			return NULL;
		if (b->self)
			return b->self;
	}
	return NULL;
}

IOK_EXPORT bool iok_dev_has_dma_alias(const struct iok_dev *d, uint8_t devfn)
{
	return d->dma_alias && IOK_BITMAP_TEST(d->dma_alias, devfn);
}

IOK_EXPORT const char *iok_pcie_type_name(int type)
{
	switch (type) {
	case IOK_PCIE_ENDPOINT: return "Endpoint";
	case IOK_PCIE_LEG_END: return "Legacy Endpoint";
	case IOK_PCIE_ROOT_PORT: return "Root Port";
	case IOK_PCIE_UPSTREAM: return "Upstream Port";
	case IOK_PCIE_DOWNSTREAM: return "Downstream Port";
	case IOK_PCIE_PCI_BRIDGE: return "PCI-Express to PCI/PCI-X Bridge";
	case IOK_PCIE_PCIE_BRIDGE: return "PCI/PCI-X to PCI-Express Bridge";
	case IOK_PCIE_RC_END: return "Root Complex Integrated Endpoint";
	case IOK_PCIE_RC_EC: return "Root Complex Event Collector";
	case -1: return "conventional PCI";
	default: return "Unknown type";
	}
}
