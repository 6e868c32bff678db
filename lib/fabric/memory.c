// SPDX-License-Identifier: MIT
/*
 * Simulated physical memory: an address map of RAM, BAR and MSI ranges,
 * each RAM or BAR range backed by host chunks reserved at its first write.
 * The host commits a chunk's pages only as they are touched, so a sparse
 * terabyte costs what was written; never-written memory reads as zeros
 * without reserving anything. A chunk is contiguous host memory, so a
 * physically contiguous run is copied with one memcpy per 2 MiB.
 */
#include <sys/mman.h>

#include "lib/fabric/fabric-private.h"

enum mem_op { OP_READ, OP_WRITE, OP_FILL, OP_CMP };

static inline uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Bytes from @off to the end of the region, saturated to @len. */
static inline size_t span(const struct region *r, uint64_t paddr, size_t len)
{
	uint64_t avail = r->last - paddr;	/* bytes after paddr */

	return (uint64_t)len - 1 <= avail ? len : avail + 1;
}

int iok_mem_add_region(struct iok_fabric *f, uint64_t start, uint64_t last,
		       enum iok_region_kind kind, struct iok_dev *dev, int bar)
{
	unsigned int i;

	if (last < start)
		return -EINVAL;
	if (iok_mem_overlaps(f, start, last))
		return -EEXIST;
	if (f->nr_regions == f->alloc_regions) {
		unsigned int n = f->alloc_regions ? 2 * f->alloc_regions : 16;
		struct region *nr = realloc(f->regions, n * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		f->regions = nr;
		f->alloc_regions = n;
	}
	for (i = f->nr_regions; i && f->regions[i - 1].start > start; i--)
		;
	memmove(&f->regions[i + 1], &f->regions[i], (f->nr_regions - i) * sizeof(*f->regions));
	f->regions[i] = (struct region){
		.start = start, .last = last, .kind = kind, .dev = dev, .bar = bar,
		.nr_chunks = ((last - start) >> CHUNK_SHIFT) + 1,
	};
	f->nr_regions++;
	f->hint = 0;
	f->gen++;
	return 0;
}

bool iok_mem_overlaps(const struct iok_fabric *f, uint64_t start, uint64_t last)
{
	unsigned int i;

	for (i = 0; i < f->nr_regions; i++)
		if (f->regions[i].start <= last && start <= f->regions[i].last)
			return true;
	return false;
}

struct region *iok_mem_find(struct iok_fabric *f, uint64_t paddr)
{
	unsigned int lo = 0, hi = f->nr_regions;
	struct region *r;

	if (f->hint < f->nr_regions) {
		r = &f->regions[f->hint];
		if (r->start <= paddr && paddr <= r->last)
			return r;
	}
	/* The last region starting at or below @paddr. */
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (f->regions[mid].start <= paddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	r = &f->regions[lo - 1];
	if (paddr > r->last)
		return NULL;
	f->hint = lo - 1;
	return r;
}

static uint8_t *chunk_get(struct iok_fabric *f, struct region *r, size_t ci)
{
	uint64_t off = (uint64_t)ci << CHUNK_SHIFT;
	size_t len = min64(CHUNK_SIZE, r->last - r->start - off + 1);
	void *p;

	if (r->chunks && r->chunks[ci])
		return r->chunks[ci];
	if (!r->chunks) {
		r->chunks = calloc(r->nr_chunks, sizeof(*r->chunks));
		if (!r->chunks)
			return NULL;
	}
	len = (len + SZ_4K - 1) & ~(SZ_4K - 1);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	f->allocated += len;
	return r->chunks[ci] = p;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	static const uint8_t zeros[256];

	for (; n >= sizeof(zeros); p += sizeof(zeros), n -= sizeof(zeros))
		if (memcmp(p, zeros, sizeof(zeros)))
			return false;
	return !n || !memcmp(p, zeros, n);
}

/*
 * One operation on [off, off + n) of a region, chunk by chunk. For OP_CMP,
 * returns 1 at the first difference, with its offset from @buf in *@diff.
 */
static int region_op(struct iok_fabric *f, struct region *r, uint64_t off, uint8_t *buf,
		     size_t n, enum mem_op op, uint8_t byte, size_t *diff)
{
	size_t done = 0;

	while (done < n) {
		size_t ci = off >> CHUNK_SHIFT, co = off & (CHUNK_SIZE - 1);
		size_t m = min64(n - done, CHUNK_SIZE - co);
		uint8_t *c = r->chunks ? r->chunks[ci] : NULL;
		uint8_t *b = buf ? buf + done : NULL;

		switch (op) {
		case OP_READ:
			if (c)
				memcpy(b, c + co, m);
			else
				memset(b, 0, m);
			break;
		case OP_FILL:
			if (!c && !byte)
				break;
			/* fall through */
		case OP_WRITE:
			if (!c && !(c = chunk_get(f, r, ci)))
				return -ENOMEM;
			if (op == OP_WRITE)
				memcpy(c + co, b, m);
			else
				memset(c + co, byte, m);
			break;
		case OP_CMP:
			if (c ? memcmp(c + co, b, m) : !all_zero(b, m)) {
				for (size_t i = 0; i < m; i++)
					if ((c ? c[co + i] : 0) != b[i]) {
						*diff = done + i;
						return 1;
					}
			}
			break;
		}
		done += m;
		off += m;
	}
	return 0;
}

static bool region_decodes(const struct iok_fabric *f, const struct region *r)
{
	if (r->kind == IOK_REGION_BAR)
		return iok_machine_dev_is_present(f->m, r->dev);
	return true;
}

/*
 * Walk [paddr, paddr + len) range by range. Stops with -ENXIO at the first
 * address that nothing decodes, with *@done bytes handled before it.
 */
static int mem_op(struct iok_fabric *f, uint64_t paddr, uint8_t *buf, size_t len,
		  enum mem_op op, uint8_t byte, size_t *done, size_t *diff)
{
	size_t pos = 0;
	int rc = 0;

	while (pos < len) {
		struct region *r = iok_mem_find(f, paddr + pos);
		size_t n;

		if (!r || !region_decodes(f, r)) {
			rc = -ENXIO;
			break;
		}
		n = span(r, paddr + pos, len - pos);
		if (r->kind == IOK_REGION_MSI) {
			/* An interrupt message: nothing to store, nothing to read. */
			if (op != OP_WRITE) {
				rc = -ENXIO;
				break;
			}
			f->msi++;
		} else {
			rc = region_op(f, r, paddr + pos - r->start, buf ? buf + pos : NULL, n,
				       op, byte, diff);
			if (rc == 1)
				*diff += pos;
			if (rc)
				break;
		}
		pos += n;
	}
	if (done)
		*done = pos;
	return rc;
}

int iok_mem_xfer(struct iok_fabric *f, uint64_t paddr, void *buf, size_t len,
		 bool write, size_t *done)
{
	uint8_t *h = iok_mem_host(f, paddr, len);

	if (h) {
		if (write)
			memcpy(h, buf, len);
		else
			memcpy(buf, h, len);
		*done = len;
		return 0;
	}
	return mem_op(f, paddr, buf, len, write ? OP_WRITE : OP_READ, 0, done, NULL);
}

/* The whole range decodes to RAM or BARs: CPU accesses are all or nothing. */
static int check_range(struct iok_fabric *f, uint64_t paddr, size_t len, const void *buf)
{
	uint64_t pos = 0;

	if (!f || (!buf && len))
		return -EINVAL;
	if (len && paddr + (len - 1) < paddr)
		return iok_fail(f->ctx, -EINVAL, "range at 0x%" PRIx64 " wraps", paddr);
	while (pos < len) {
		struct region *r = iok_mem_find(f, paddr + pos);

		if (!r || !region_decodes(f, r) || r->kind == IOK_REGION_MSI)
			return iok_fail(f->ctx, -ENXIO, "nothing (RAM or BAR) at 0x%" PRIx64,
					paddr + pos);
		pos += span(r, paddr + pos, len - pos);
	}
	return 0;
}

IOK_EXPORT int iok_fabric_mem_write(struct iok_fabric *f, uint64_t paddr, const void *buf,
				    size_t len)
{
	int rc = check_range(f, paddr, len, buf);

	return rc ?: mem_op(f, paddr, (uint8_t *)buf, len, OP_WRITE, 0, NULL, NULL);
}

IOK_EXPORT int iok_fabric_mem_read(struct iok_fabric *f, uint64_t paddr, void *buf,
				   size_t len)
{
	int rc = check_range(f, paddr, len, buf);

	return rc ?: mem_op(f, paddr, buf, len, OP_READ, 0, NULL, NULL);
}

IOK_EXPORT int iok_fabric_mem_fill(struct iok_fabric *f, uint64_t paddr, uint8_t byte,
				   size_t len)
{
	int rc = check_range(f, paddr, len, "");

	return rc ?: mem_op(f, paddr, NULL, len, OP_FILL, byte, NULL, NULL);
}

IOK_EXPORT int iok_fabric_mem_compare(struct iok_fabric *f, uint64_t paddr,
				      const void *buf, size_t len, size_t *diff)
{
	size_t d = 0;
	int rc = check_range(f, paddr, len, buf);

	if (rc)
		return rc;
	rc = mem_op(f, paddr, (uint8_t *)buf, len, OP_CMP, 0, NULL, &d);
	if (rc == 1 && diff)
		*diff = d;
	return rc;
}

IOK_EXPORT uint64_t iok_fabric_mem_allocated(const struct iok_fabric *f)
{
	return f ? f->allocated : 0;
}

IOK_EXPORT unsigned long iok_fabric_get_msi_count(const struct iok_fabric *f)
{
	return f ? f->msi : 0;
}

IOK_EXPORT int iok_fabric_add_ram(struct iok_fabric *f, uint64_t start, uint64_t size)
{
	int rc;

	if (!f)
		return -EINVAL;
	if (!size || (start | size) & (SZ_4K - 1) || start + (size - 1) < start)
		return iok_fail(f->ctx, -EINVAL, "RAM at 0x%" PRIx64 " size 0x%" PRIx64
				": not 4 KiB pages, or wraps", start, size);
	rc = iok_mem_add_region(f, start, start + (size - 1), IOK_REGION_RAM, NULL, -1);
	if (rc == -EEXIST)
		return iok_fail(f->ctx, rc, "RAM at 0x%" PRIx64 " size 0x%" PRIx64
				" overlaps the address map", start, size);
	return rc;
}

static void region_out(const struct region *r, struct iok_region *out)
{
	*out = (struct iok_region){
		.start = r->start, .size = r->last - r->start + 1, .kind = r->kind,
		.dev = r->dev, .bar = r->bar,
	};
}

IOK_EXPORT int iok_fabric_lookup(const struct iok_fabric *f, uint64_t paddr,
				 struct iok_region *r)
{
	struct region *reg;

	if (!f || !r)
		return -EINVAL;
	reg = iok_mem_find((struct iok_fabric *)f, paddr);
	if (!reg || !region_decodes(f, reg))
		return -ENXIO;
	region_out(reg, r);
	return 0;
}

IOK_EXPORT unsigned int iok_fabric_count_regions(const struct iok_fabric *f)
{
	return f ? f->nr_regions : 0;
}

IOK_EXPORT int iok_fabric_get_region(const struct iok_fabric *f, unsigned int i,
				     struct iok_region *r)
{
	if (!f || !r)
		return -EINVAL;
	if (i >= f->nr_regions)
		return -ENOENT;
	region_out(&f->regions[i], r);
	return 0;
}

void iok_mem_free(struct iok_fabric *f)
{
	for (unsigned int i = 0; i < f->nr_regions; i++) {
		struct region *r = &f->regions[i];

		for (size_t c = 0; r->chunks && c < r->nr_chunks; c++) {
			uint64_t len = min64(CHUNK_SIZE, r->last - r->start - ((uint64_t)c << CHUNK_SHIFT) + 1);

			if (r->chunks[c])
				munmap(r->chunks[c], (len + SZ_4K - 1) & ~(SZ_4K - 1));
		}
		free(r->chunks);
	}
	free(f->regions);
	f->regions = NULL;
	f->nr_regions = 0;
}
