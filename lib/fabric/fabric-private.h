/* SPDX-License-Identifier: MIT */
/* State of the fabric, shared by the files of lib/fabric/. */
#ifndef IOK_FABRIC_PRIVATE_H
#define IOK_FABRIC_PRIVATE_H

#include <inttypes.h>

#include "lib/private.h"
#include <iommukit/fabric.h>

/*
 * Host memory backs the simulated memory in chunks reserved on first write;
 * the host then commits pages as they are touched, so memory costs what was
 * written, and a physically contiguous run stays contiguous within a chunk.
 */
#define CHUNK_SHIFT	21
#define CHUNK_SIZE	(1ull << CHUNK_SHIFT)

#define SZ_4K		0x1000ull
#define SZ_1M		0x100000ull
#define SZ_4G		0x100000000ull

#define NR_BARS		6

struct region {
	uint64_t start;
	uint64_t last;			/* inclusive: a range may end at 2^64 - 1 */
	enum iok_region_kind kind;
	struct iok_dev *dev;
	int bar;
	uint8_t **chunks;		/* NULL until written */
	size_t nr_chunks;
};

/* What a device's ACS hardware does, with where each bit comes from. */
struct acs_eff {
	bool known;
	bool present;			/* an ACS capability, or a quirk standing for one */
	uint16_t on;			/* bits in effect */
	uint16_t hardwired;		/* bits the capability lacks: the behaviour cannot happen */
	char how[48];			/* "quirk NAME" when a quirk vouches for it */
};

/* Where the route of a device's requests in one address interval ends. */
struct route_cache {
	uint64_t lo, hi;		/* valid when lo <= hi */
	uint64_t key;			/* engine.c's route_key(); 0: empty */
	enum iok_route_end end;
	uint16_t rid;
	struct iok_iommu_unit *unit;
	struct iok_dev *at;
	uint16_t acs_bit;
	struct iok_dev *target;
};

struct fdev {
	struct iok_bar bar[NR_BARS];	/* size 0: none */
	uint64_t win_base[2], win_limit[2];
	bool win_open[2];
	struct acs_eff acs;
	struct route_cache rc;
};

struct iok_fabric {
	struct iok_ctx *ctx;
	struct iok_machine *m;
	struct iok_topo *topo;

	struct region *regions;		/* sorted by start, never overlapping */
	unsigned int nr_regions, alloc_regions;
	unsigned int hint;		/* last region found */
	uint64_t allocated;
	unsigned long msi;

	struct fdev *devs;		/* by iok_dev.index */
	unsigned int nr_devs;
	bool fw_assigned;		/* BARs came from config space */
	unsigned int unplaced;		/* BARs firmware's model found no room for */

	/* Every BAR and window edge: routing is constant between two. */
	uint64_t *edges;
	unsigned int nr_edges;
	unsigned int gen;		/* bumped when the map changes */

	struct iok_fabric_error errors[IOK_FABRIC_ERROR_LEN];
	unsigned int nr_errors;
	unsigned long error_overflows;
};

static inline struct fdev *FD(const struct iok_fabric *f, const struct iok_dev *d)
{
	return &f->devs[d->index];
}

static inline uint16_t dev_rid(const struct iok_dev *d)
{
	return d->busnr << 8 | d->devfn;
}

/* memory.c */
int iok_mem_add_region(struct iok_fabric *f, uint64_t start, uint64_t last,
		       enum iok_region_kind kind, struct iok_dev *dev, int bar);
struct region *iok_mem_find(struct iok_fabric *f, uint64_t paddr);
/* Copy between @buf and memory; stops at the first address nothing decodes. */
int iok_mem_xfer(struct iok_fabric *f, uint64_t paddr, void *buf, size_t len,
		 bool write, size_t *done);

/*
 * The host memory at @paddr when it is RAM already written, in the region
 * last used, with in *@room the bytes to the end of its chunk; else NULL.
 * DMA's common case is one memcpy (iok_mem_xfer() does the rest).
 */
static inline uint8_t *iok_mem_host_at(const struct iok_fabric *f, uint64_t paddr,
				       size_t *room)
{
	const struct region *r = f->hint < f->nr_regions ? &f->regions[f->hint] : NULL;
	uint64_t off, co, left;
	uint8_t *c;

	if (!r || r->kind != IOK_REGION_RAM || !r->chunks || paddr - r->start > r->last - r->start)
		return NULL;
	off = paddr - r->start;
	c = r->chunks[off >> CHUNK_SHIFT];
	if (!c)
		return NULL;
	co = off & (CHUNK_SIZE - 1);
	left = r->last - paddr;		/* bytes after paddr in the region */
	*room = CHUNK_SIZE - co <= left ? CHUNK_SIZE - co : left + 1;
	return c + co;
}

/* The host memory behind [@paddr, @paddr + @len), or NULL (iok_mem_host_at()). */
static inline uint8_t *iok_mem_host(const struct iok_fabric *f, uint64_t paddr, size_t len)
{
	size_t room = 0;
	uint8_t *h = iok_mem_host_at(f, paddr, &room);

	return h && len && len <= room ? h : NULL;
}

/* Whether [start, last] meets a range of the map. */
bool iok_mem_overlaps(const struct iok_fabric *f, uint64_t start, uint64_t last);
void iok_mem_free(struct iok_fabric *f);

/* bars.c */
int iok_bars_setup(struct iok_fabric *f);
/* The BAR region of a present device at @addr, or NULL. */
struct region *iok_bar_at(struct iok_fabric *f, uint64_t addr);
bool iok_window_contains(const struct iok_fabric *f, const struct iok_dev *bridge,
			 uint64_t addr);

/* route.c */
int iok_route_compute(struct iok_fabric *f, const struct iok_dma_req *req, bool write,
		      struct iok_route *r);
int iok_route_check_req(struct iok_fabric *f, const struct iok_dma_req *req);

/* iok_route_check_req() inline when the request is fine (every DMA call). */
static inline int iok_route_check_req_fast(struct iok_fabric *f, const struct iok_dma_req *req)
{
	if (f && req && req->dev && req->dev->topo == f->topo &&
	    !(req->flags & ~(IOK_DMA_TRANSLATED | IOK_DMA_RID)) && req->dev->is_pci &&
	    !req->dev->hidden && iok_machine_dev_is_present(f->m, req->dev))
		return 0;
	return iok_route_check_req(f, req);
}
void iok_route_edges(const struct iok_fabric *f, uint64_t addr, uint64_t *lo, uint64_t *hi);

/* engine.c */
void iok_fabric_log(struct iok_fabric *f, const struct iok_fabric_error *e);

#endif
