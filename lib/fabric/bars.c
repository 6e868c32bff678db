// SPDX-License-Identifier: MIT
/*
 * BARs and bridge windows in the address map.
 *
 * A dump of a running machine holds the addresses firmware and Linux
 * assigned but not the sizes (sizing a BAR means writing all ones to it).
 * A BAR's size is a power of two and its address is aligned to it, so the
 * size is at most the address's alignment; it is also bounded by the next
 * BAR or window edge above it and by the end of the bridge window holding
 * it. The model takes the largest size those bounds allow.
 *
 * A topology without a single assigned BAR or window (a JSON description)
 * gets what firmware would do: every endpoint a 1 MiB 32-bit memory BAR 0,
 * placed depth-first from the bottom of the 32-bit MMIO hole, and each
 * bridge's memory window programmed around what lies below it.
 *
 * RAM then fills [0, 3 GiB) and [4 GiB, 64 GiB) around every BAR and
 * window, and the x86 MSI window takes interrupt messages.
 */
#include "lib/fabric/fabric-private.h"

#define MMIO32_BASE	0xc0000000ull
#define MMIO32_END	0xfec00000ull	/* IOAPIC, HPET, LAPIC, MSI above */
#define MSI_BASE	0xfee00000ull
#define MSI_LAST	0xfeefffffull
#define DEFAULT_BAR	SZ_1M
#define GUESS_MAX32	0x10000000ull	/* 256 MiB */
#define GUESS_MAX64	0x1000000000ull	/* 64 GiB */
#define RAM_HIGH_END	0x1000000000ull	/* 64 GiB */

static inline uint64_t pow2_floor(uint64_t v)
{
	return v ? 1ull << (63 - __builtin_clzll(v)) : 0;
}

static bool is_endpoint(const struct iok_dev *d)
{
	uint32_t cls = d->class >> 8;

	/* Host, ISA, EISA and MCA bridges decode no memory of their own. */
	return d->is_pci && d->layout == 0 && !(cls >= 0x0600 && cls <= 0x0603);
}

static unsigned int nr_bar_slots(const struct iok_dev *d)
{
	return d->layout == 0 ? 6 : d->layout == 1 ? 2 : 0;
}

/* The addresses in config space; sizes come later. */
static bool decode_bars(struct fdev *fd, const struct iok_dev *d)
{
	unsigned int i, nr = nr_bar_slots(d);
	bool any = false;

	for (i = 0; i < nr; i++) {
		unsigned int off = 0x10 + 4 * i;
		uint32_t v;
		uint64_t addr;
		unsigned int flags = 0;

		if (!cfg_has(d, off, 4))
			break;
		v = cfg32(d, off);
		if (v & 1) {
			addr = v & ~3u;
			flags = IOK_BAR_IO;
		} else {
			addr = v & ~0xfu;
			if (v & 8)
				flags |= IOK_BAR_PREFETCH;
			if (((v >> 1) & 3) == 2 && i + 1 < nr) {
				flags |= IOK_BAR_64;
				addr |= (uint64_t)cfg32(d, off + 4) << 32;
			}
		}
		if (addr && addr != 0xfffffff0u) {
			fd->bar[i] = (struct iok_bar){ .addr = addr, .flags = flags |
						      IOK_BAR_SIZE_GUESSED };
			any = true;
		}
		if (flags & IOK_BAR_64)
			i++;
	}
	return any;
}

/* Memory and prefetchable windows of a type-1 header, as programmed. */
static bool decode_windows(struct fdev *fd, const struct iok_dev *d)
{
	uint16_t mb, ml, pb, pl;
	bool any = false;

	if (d->layout != 1 || !cfg_has(d, 0x20, 8))
		return false;
	mb = cfg16(d, 0x20);
	ml = cfg16(d, 0x22);
	pb = cfg16(d, 0x24);
	pl = cfg16(d, 0x26);
	/* Both registers zero: never programmed (a window [0, 1 MiB) is nonsense). */
	if (mb || ml) {
		fd->win_base[IOK_WINDOW_MEM] = (uint64_t)(mb & 0xfff0) << 16;
		fd->win_limit[IOK_WINDOW_MEM] = (uint64_t)(ml & 0xfff0) << 16 | 0xfffff;
		fd->win_open[IOK_WINDOW_MEM] =
			fd->win_base[IOK_WINDOW_MEM] <= fd->win_limit[IOK_WINDOW_MEM];
		any |= fd->win_open[IOK_WINDOW_MEM];
	}
	if (pb || pl) {
		uint64_t base = (uint64_t)(pb & 0xfff0) << 16;
		uint64_t limit = (uint64_t)(pl & 0xfff0) << 16 | 0xfffff;

		if ((pb & 0xf) == 1 && cfg_has(d, 0x28, 8)) {
			base |= (uint64_t)cfg32(d, 0x28) << 32;
			limit |= (uint64_t)cfg32(d, 0x2c) << 32;
		}
		fd->win_base[IOK_WINDOW_PREF] = base;
		fd->win_limit[IOK_WINDOW_PREF] = limit;
		fd->win_open[IOK_WINDOW_PREF] = base <= limit;
		any |= fd->win_open[IOK_WINDOW_PREF];
	}
	return any;
}

/* ---- sizes of BARs read from a dump ------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Every BAR address and window edge, sorted: what a guessed size must not cross. */
static int collect_edges(struct iok_fabric *f, bool with_bars, uint64_t **out, unsigned int *nr)
{
	unsigned int n = 0, alloc = 5;
	uint64_t *e;

	for (unsigned int i = 0; i < f->topo->nr_devs; i++)
		alloc += NR_BARS * 2 + 4;
	e = malloc(alloc * sizeof(*e));
	if (!e)
		return -ENOMEM;
	e[n++] = MMIO32_END;
	e[n++] = MSI_BASE;
	e[n++] = MSI_LAST + 1;
	e[n++] = SZ_4G;
	for (unsigned int i = 0; i < f->topo->nr_devs; i++) {
		const struct fdev *fd = FD(f, f->topo->devs[i]);

		for (unsigned int b = 0; b < NR_BARS; b++) {
			if (!fd->bar[b].addr || (fd->bar[b].flags & IOK_BAR_IO))
				continue;
			e[n++] = fd->bar[b].addr;
			if (with_bars && fd->bar[b].size)
				e[n++] = fd->bar[b].addr + fd->bar[b].size;
		}
		for (unsigned int w = 0; w < 2; w++) {
			if (!fd->win_open[w])
				continue;
			e[n++] = fd->win_base[w];
			if (fd->win_limit[w] != UINT64_MAX)
				e[n++] = fd->win_limit[w] + 1;
		}
	}
	qsort(e, n, sizeof(*e), cmp_u64);
	*out = e;
	*nr = n;
	return 0;
}

/* The smallest edge above @addr, or 0 when there is none. */
static uint64_t next_edge(const uint64_t *e, unsigned int n, uint64_t addr)
{
	unsigned int lo = 0, hi = n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (e[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n ? e[lo] : 0;
}

static int guess_sizes(struct iok_fabric *f)
{
	uint64_t *edges;
	unsigned int nr;
	int rc = collect_edges(f, false, &edges, &nr);

	if (rc)
		return rc;
	for (unsigned int i = 0; i < f->topo->nr_devs; i++) {
		struct fdev *fd = FD(f, f->topo->devs[i]);

		for (unsigned int b = 0; b < NR_BARS; b++) {
			struct iok_bar *bar = &fd->bar[b];
			uint64_t size, next;

			if (!bar->addr)
				continue;
			size = bar->addr & -bar->addr;
			if (bar->flags & IOK_BAR_IO) {
				bar->size = size < 256 ? size : 256;
				continue;
			}
			if (size > ((bar->flags & IOK_BAR_64) ? GUESS_MAX64 : GUESS_MAX32))
				size = (bar->flags & IOK_BAR_64) ? GUESS_MAX64 : GUESS_MAX32;
			next = next_edge(edges, nr, bar->addr);
			if (next && next - bar->addr < size)
				size = pow2_floor(next - bar->addr);
			bar->size = size;
		}
	}
	free(edges);
	return 0;
}

/* ---- firmware's assignment for topologies without one ------------------ */

struct placer {
	struct iok_fabric *f;
	uint64_t cursor;
};

static void place_bar(struct placer *p, struct iok_dev *d)
{
	struct fdev *fd = FD(p->f, d);

	if (!is_endpoint(d) || d->hidden)
		return;
	if (p->cursor + DEFAULT_BAR > MMIO32_END) {
		p->f->unplaced++;
		return;
	}
	fd->bar[0] = (struct iok_bar){ .addr = p->cursor, .size = DEFAULT_BAR,
				       .flags = IOK_BAR_ASSIGNED_BY_FABRIC };
	p->cursor += DEFAULT_BAR;
}

static void place_bus(struct placer *p, struct iok_bus *bus)
{
	unsigned int i;

	for (i = 0; i < bus->nr_devs; i++)
		place_bar(p, bus->devs[i]);
	for (i = 0; i < bus->nr_children; i++) {
		struct iok_bus *c = bus->children[i];
		struct fdev *fd;
		uint64_t base = p->cursor;

		if (!c->self) {
			/* A VF bus: its functions decode in the PF's window. */
			place_bus(p, c);
			continue;
		}
		if (c->self->hidden)
			continue;
		place_bus(p, c);
		fd = FD(p->f, c->self);
		fd->win_open[IOK_WINDOW_MEM] = p->cursor > base;
		fd->win_base[IOK_WINDOW_MEM] = base;
		fd->win_limit[IOK_WINDOW_MEM] = p->cursor - 1;
	}
}

static void firmware_assign(struct iok_fabric *f)
{
	struct placer p = { .f = f, .cursor = MMIO32_BASE };

	for (unsigned int i = 0; i < f->topo->nr_buses; i++)
		if (f->topo->buses[i]->is_root)
			place_bus(&p, f->topo->buses[i]);
}

/* ---- the address map --------------------------------------------------- */

static int add_bar_regions(struct iok_fabric *f)
{
	for (unsigned int i = 0; i < f->topo->nr_devs; i++) {
		struct iok_dev *d = f->topo->devs[i];
		struct fdev *fd = FD(f, d);

		for (unsigned int b = 0; b < NR_BARS; b++) {
			struct iok_bar *bar = &fd->bar[b];
			int rc;

			if (!bar->size || (bar->flags & IOK_BAR_IO))
				continue;
			rc = iok_mem_add_region(f, bar->addr, bar->addr + (bar->size - 1),
						IOK_REGION_BAR, d, b);
			if (rc == -EEXIST) {
				/* Two BARs claim one address: the later one cannot decode. */
				dbg(f->ctx, "%s BAR %u at 0x%" PRIx64 " overlaps another; left out",
				    d->name, b, bar->addr);
				*bar = (struct iok_bar){ 0 };
				f->unplaced++;
				continue;
			}
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* RAM in the gaps of [start, end) left by the map and the windows. */
static int add_ram_around(struct iok_fabric *f, uint64_t start, uint64_t end,
			  const uint64_t *busy, unsigned int nr_busy)
{
	uint64_t pos = start;

	for (unsigned int i = 0; i <= nr_busy && pos < end; i++) {
		uint64_t b = i < nr_busy ? busy[2 * i] : end, l = i < nr_busy ? busy[2 * i + 1] : end;
		uint64_t gap_end = b < end ? b & ~(SZ_4K - 1) : end;
		int rc;

		if (gap_end > pos) {
			rc = iok_mem_add_region(f, pos, gap_end - 1, IOK_REGION_RAM, NULL, -1);
			if (rc)
				return rc;
		}
		if (i < nr_busy && l + 1 > pos)
			pos = (l + SZ_4K) & ~(SZ_4K - 1);
	}
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	return cmp_u64(a, b);
}

static int add_ram(struct iok_fabric *f)
{
	unsigned int n = 0, alloc = f->nr_regions + 2 * f->topo->nr_devs + 1;
	uint64_t *busy = malloc(2 * alloc * sizeof(*busy));
	int rc;

	if (!busy)
		return -ENOMEM;
	for (unsigned int i = 0; i < f->nr_regions; i++) {
		busy[2 * n] = f->regions[i].start;
		busy[2 * n++ + 1] = f->regions[i].last;
	}
	for (unsigned int i = 0; i < f->topo->nr_devs; i++) {
		const struct fdev *fd = FD(f, f->topo->devs[i]);

		for (unsigned int w = 0; w < 2; w++) {
			if (!fd->win_open[w])
				continue;
			busy[2 * n] = fd->win_base[w];
			busy[2 * n++ + 1] = fd->win_limit[w];
		}
	}
	qsort(busy, n, 2 * sizeof(*busy), cmp_range);
	rc = add_ram_around(f, 0, MMIO32_BASE, busy, n);
	if (!rc)
		rc = add_ram_around(f, SZ_4G, RAM_HIGH_END, busy, n);
	free(busy);
	return rc;
}

static int build_edges(struct iok_fabric *f)
{
	unsigned int n = 0;
	uint64_t *e;
	int rc = collect_edges(f, true, &e, &n);

	if (rc)
		return rc;
	/* Unique; the two fixed edges are harmless. */
	for (unsigned int i = 0; i < n; i++)
		if (!f->nr_edges || e[f->nr_edges - 1] != e[i])
			e[f->nr_edges++] = e[i];
	f->edges = e;
	return 0;
}

int iok_bars_setup(struct iok_fabric *f)
{
	bool assigned = false;
	int rc;

	for (unsigned int i = 0; i < f->topo->nr_devs; i++) {
		struct iok_dev *d = f->topo->devs[i];

		if (!d->is_pci)
			continue;
		assigned |= decode_bars(FD(f, d), d);
		assigned |= decode_windows(FD(f, d), d);
	}
	f->fw_assigned = assigned;
	if (assigned)
		rc = guess_sizes(f);
	else
		firmware_assign(f), rc = 0;
	if (!rc)
		rc = add_bar_regions(f);
	if (!rc && !iok_mem_overlaps(f, MSI_BASE, MSI_LAST))
		rc = iok_mem_add_region(f, MSI_BASE, MSI_LAST, IOK_REGION_MSI, NULL, -1);
	if (!rc)
		rc = add_ram(f);
	if (!rc)
		rc = build_edges(f);
	return rc;
}

struct region *iok_bar_at(struct iok_fabric *f, uint64_t addr)
{
	struct region *r = iok_mem_find(f, addr);

	if (!r || r->kind != IOK_REGION_BAR || !iok_machine_dev_is_present(f->m, r->dev))
		return NULL;
	return r;
}

bool iok_window_contains(const struct iok_fabric *f, const struct iok_dev *bridge,
			 uint64_t addr)
{
	const struct fdev *fd = FD(f, bridge);

	for (unsigned int w = 0; w < 2; w++)
		if (fd->win_open[w] && fd->win_base[w] <= addr && addr <= fd->win_limit[w])
			return true;
	return false;
}

IOK_EXPORT int iok_fabric_get_bar(const struct iok_fabric *f, const struct iok_dev *dev,
				  unsigned int n, struct iok_bar *bar)
{
	const struct iok_bar *b;

	if (!f || !dev || !bar || dev->topo != f->topo || !dev->is_pci)
		return -EINVAL;
	if (n >= NR_BARS)
		return iok_fail(f->ctx, -EINVAL, "BAR %u: a function has BARs 0-5", n);
	b = &FD(f, dev)->bar[n];
	if (!b->size)
		return iok_fail(f->ctx, -ENOENT, "%s has no BAR %u assigned", dev->name, n);
	*bar = *b;
	return 0;
}

IOK_EXPORT int iok_fabric_get_window(const struct iok_fabric *f, const struct iok_dev *bridge,
				     enum iok_window_kind kind, uint64_t *base, uint64_t *limit)
{
	const struct fdev *fd;

	if (!f || !bridge || !base || !limit || bridge->topo != f->topo ||
	    kind > IOK_WINDOW_PREF)
		return -EINVAL;
	if (bridge->layout != 1)
		return iok_fail(f->ctx, -EINVAL, "%s is not a PCI-to-PCI bridge", bridge->name);
	fd = FD(f, bridge);
	if (!fd->win_open[kind])
		return -ENOENT;
	*base = fd->win_base[kind];
	*limit = fd->win_limit[kind];
	return 0;
}
