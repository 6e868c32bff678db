/* SPDX-License-Identifier: MIT */
/*
 * The simulated PCIe fabric and DMA engine: sparse physical memory, device
 * BARs in the address map, and DMA requests that travel upstream port by
 * port, where ACS decides whether a request aimed at a peer's BAR goes
 * straight to the peer or up to the root complex, whose IOMMU translates it
 * (docs/fabric.md).
 *
 * A fabric belongs to a machine (iok_machine_new()), which must outlive it.
 * Functions return 0 or a negative errno and record a message in the
 * context. A DMA never fails silently: an IOMMU fault is queued on the unit
 * (-EFAULT), and what the fabric itself refuses (an address nothing
 * decodes, an ACS violation) is queued in the fabric's error log.
 */
#ifndef IOMMUKIT_FABRIC_H
#define IOMMUKIT_FABRIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <iommukit/iommu.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iok_machine;
struct iok_dev;
struct iok_iommu_unit;
struct iok_fabric;

/**
 * iok_fabric_new() - build the fabric of a machine
 * @m: the machine; it must outlive the fabric
 * @out: receives the fabric
 *
 * BARs and bridge windows come from config space where firmware assigned
 * them (dumps of running machines). A topology without any assigned BAR
 * (a JSON description) gets firmware's assignment: every endpoint a 1 MiB
 * 32-bit memory BAR 0, bridge windows around them, from 0xc0000000 up.
 * RAM fills [0, 3 GiB) and [4 GiB, 64 GiB) around the MMIO ranges; the x86
 * MSI window 0xfee00000-0xfeefffff takes interrupt messages.
 *
 * Return: 0, -EINVAL for a NULL argument, -ENOMEM.
 */
int iok_fabric_new(struct iok_machine *m, struct iok_fabric **out);

/**
 * iok_fabric_unref() - free a fabric and its memory
 * @f: the fabric, or NULL
 */
void iok_fabric_unref(struct iok_fabric *f);

/** The machine of a fabric. */
struct iok_machine *iok_fabric_get_machine(const struct iok_fabric *f);

/* ---- the physical address map and memory -------------------------------- */

/** What decodes a physical address. */
enum iok_region_kind {
	IOK_REGION_RAM,
	IOK_REGION_BAR,		/* a device's memory BAR */
	IOK_REGION_MSI,		/* interrupt messages: writes are counted */
};

/** One range of the address map. */
struct iok_region {
	uint64_t start;
	uint64_t size;
	enum iok_region_kind kind;
	struct iok_dev *dev;	/* IOK_REGION_BAR: the device */
	int bar;		/* IOK_REGION_BAR: the BAR index */
};

/**
 * iok_fabric_add_ram() - add a RAM range to the address map
 * @f: the fabric
 * @start: first address, 4 KiB aligned
 * @size: bytes, a non-zero multiple of 4 KiB
 *
 * Return: 0; -EINVAL for a bad range; -EEXIST when it overlaps a range of
 * the map; -ENOMEM.
 */
int iok_fabric_add_ram(struct iok_fabric *f, uint64_t start, uint64_t size);

/**
 * iok_fabric_lookup() - what decodes a physical address
 * @f: the fabric
 * @paddr: the address
 * @r: receives the range
 *
 * Return: 0, -ENXIO when nothing is there, -EINVAL.
 */
int iok_fabric_lookup(const struct iok_fabric *f, uint64_t paddr, struct iok_region *r);

/** Number of ranges in the address map. */
unsigned int iok_fabric_count_regions(const struct iok_fabric *f);

/**
 * iok_fabric_get_region() - the @i-th range of the map, by address
 * @f: the fabric
 * @i: index
 * @r: receives the range
 *
 * Return: 0, -ENOENT past the last one, -EINVAL.
 */
int iok_fabric_get_region(const struct iok_fabric *f, unsigned int i, struct iok_region *r);

/**
 * iok_fabric_mem_write() - a CPU write to physical memory or a BAR
 * @f: the fabric
 * @paddr: first address
 * @buf: the bytes
 * @len: how many
 *
 * Pages are allocated on first write. Nothing is written unless the whole
 * range is RAM or BAR.
 *
 * Return: 0; -ENXIO when part of the range decodes to nothing (or to the
 * MSI window); -EINVAL (also for a range that wraps); -ENOMEM.
 */
int iok_fabric_mem_write(struct iok_fabric *f, uint64_t paddr, const void *buf, size_t len);

/**
 * iok_fabric_mem_read() - a CPU read; never-written memory reads as zeros
 * @f: the fabric
 * @paddr: first address
 * @buf: receives the bytes
 * @len: how many
 *
 * Return: 0, -ENXIO (nothing read) or -EINVAL.
 */
int iok_fabric_mem_read(struct iok_fabric *f, uint64_t paddr, void *buf, size_t len);

/**
 * iok_fabric_mem_fill() - set a range to one byte value
 * @f: the fabric
 * @paddr: first address
 * @byte: the value
 * @len: bytes
 *
 * Filling never-written memory with 0 allocates nothing.
 *
 * Return: as iok_fabric_mem_write().
 */
int iok_fabric_mem_fill(struct iok_fabric *f, uint64_t paddr, uint8_t byte, size_t len);

/**
 * iok_fabric_mem_compare() - compare memory with a buffer
 * @f: the fabric
 * @paddr: first address
 * @buf: the expected bytes
 * @len: how many
 * @diff: if not NULL, receives the offset of the first difference
 *
 * Return: 0 when equal, 1 when different, -ENXIO or -EINVAL.
 */
int iok_fabric_mem_compare(struct iok_fabric *f, uint64_t paddr, const void *buf,
			   size_t len, size_t *diff);

/** Bytes of host memory reserved for the simulated memory so far. */
uint64_t iok_fabric_mem_allocated(const struct iok_fabric *f);

/** Interrupt messages (writes to the MSI window) the fabric received. */
unsigned long iok_fabric_get_msi_count(const struct iok_fabric *f);

/* ---- BARs and bridge windows ------------------------------------------- */

#define IOK_BAR_IO		(1u << 0)	/* I/O space: DMA cannot reach it */
#define IOK_BAR_64		(1u << 1)	/* 64-bit memory BAR (takes two slots) */
#define IOK_BAR_PREFETCH	(1u << 2)
#define IOK_BAR_ASSIGNED_BY_FABRIC (1u << 3)	/* not from config space: firmware's model */
#define IOK_BAR_SIZE_GUESSED	(1u << 4)	/* dumps hold no sizes: see docs/fabric.md */

/** A device BAR. */
struct iok_bar {
	uint64_t addr;
	uint64_t size;
	unsigned int flags;	/* IOK_BAR_* */
};

/**
 * iok_fabric_get_bar() - a device's BAR
 * @f: the fabric
 * @dev: a PCI function of the machine
 * @n: BAR index, 0-5 (0-1 on a bridge)
 * @bar: receives it
 *
 * Return: 0; -ENOENT when the BAR is not implemented or not assigned (or
 * is the upper half of a 64-bit BAR); -EINVAL.
 */
int iok_fabric_get_bar(const struct iok_fabric *f, const struct iok_dev *dev,
		       unsigned int n, struct iok_bar *bar);

/** Bridge windows. */
enum iok_window_kind {
	IOK_WINDOW_MEM,		/* 32-bit non-prefetchable memory window */
	IOK_WINDOW_PREF,	/* prefetchable memory window */
};

/**
 * iok_fabric_get_window() - a bridge's memory window
 * @f: the fabric
 * @bridge: a bridge function
 * @kind: which window
 * @base: receives the first address
 * @limit: receives the last address
 *
 * Return: 0; -ENOENT when the window is closed; -EINVAL for a device that
 * is not a bridge.
 */
int iok_fabric_get_window(const struct iok_fabric *f, const struct iok_dev *bridge,
			  enum iok_window_kind kind, uint64_t *base, uint64_t *limit);

/* ---- DMA --------------------------------------------------------------- */

/* Request flags. */
#define IOK_DMA_TRANSLATED	(1u << 0)	/* AT = translated (ATS): no IOMMU at the root */
#define IOK_DMA_RID		(1u << 1)	/* carries @rid instead of the device's own ID */

/** A DMA request as the device issues it. */
struct iok_dma_req {
	struct iok_dev *dev;	/* the requester */
	uint32_t pasid;		/* IOK_PASID_NONE without PASID */
	uint64_t addr;		/* bus address (IOVA) */
	unsigned int flags;	/* IOK_DMA_* */
	/* With IOK_DMA_RID: a phantom function or DMA alias the device uses,
	 * or a lie (what ACS Source Validation is for). */
	uint16_t rid;
};

/**
 * iok_fabric_dma_write() - a device writes @len bytes of @buf to @req->addr
 * @f: the fabric
 * @req: the request
 * @buf: the bytes
 * @len: how many
 * @moved: if not NULL, receives the bytes that reached their target
 *
 * The request is routed (iok_fabric_route()) once per range where the
 * routing stays the same; at the root complex the device's IOMMU unit
 * translates it page by page, physically contiguous pages are copied as
 * one run. A fault stops the transfer: what was before it has been
 * written.
 *
 * Return: 0; -EFAULT when the IOMMU faulted (recorded in the unit's queue);
 * -ENXIO when nothing decodes an address (recorded in the fabric's error
 * log); -EACCES when a port dropped the request (ACS Source Validation,
 * Translation Blocking or Egress Control; recorded); -ENODEV for a device
 * that is not present or that Linux does not enumerate; -EINVAL for
 * misuse or a range that wraps.
 */
int iok_fabric_dma_write(struct iok_fabric *f, const struct iok_dma_req *req,
			 const void *buf, size_t len, size_t *moved);

/**
 * iok_fabric_dma_read() - a device reads @len bytes at @req->addr into @buf
 * @f: the fabric
 * @req: the request
 * @buf: receives the bytes
 * @len: how many
 * @moved: if not NULL, receives the bytes read before any error
 *
 * Return: as iok_fabric_dma_write().
 */
int iok_fabric_dma_read(struct iok_fabric *f, const struct iok_dma_req *req,
			void *buf, size_t len, size_t *moved);

/* ---- routing ----------------------------------------------------------- */

/** Where a request ends. */
enum iok_route_end {
	IOK_ROUTE_IOMMU,	/* the root complex; @unit translates it */
	IOK_ROUTE_DIRECT,	/* the root complex; no IOMMU unit: untranslated */
	IOK_ROUTE_P2P,		/* a peer's BAR, untranslated (no IOMMU) */
	IOK_ROUTE_DROPPED,	/* a port refused it (ACS violation) */
	IOK_ROUTE_UNCLAIMED,	/* nothing decodes the address (UR, master abort) */
};

/** What one hop did. */
enum iok_hop_action {
	IOK_HOP_UP,		/* forwarded upstream */
	IOK_HOP_REDIRECT,	/* a peer-to-peer request redirected upstream */
	IOK_HOP_P2P,		/* sent straight to the peer */
	IOK_HOP_DROP,		/* refused */
	IOK_HOP_UNCLAIMED,	/* nobody below claims it */
	IOK_HOP_ROOT,		/* handed to the root complex */
};

/** One hop of a route. */
struct iok_route_hop {
	struct iok_dev *at;	/* the function, bridge or port deciding */
	enum iok_hop_action action;
	uint16_t acs_bit;	/* IOK_ACS_* that decided, 0 when no ACS bit did */
	bool acs_on;		/* whether that bit was in effect */
	const char *acs_how;	/* "control", "quirk NAME", "not implemented", "no ACS" */
	const char *why;	/* the rule, in words */
	uint16_t rid;		/* the requester ID leaving this hop */
};

#define IOK_ROUTE_MAX_HOPS 48

/** A request's path through the fabric. */
struct iok_route {
	enum iok_route_end end;
	uint16_t rid;		/* requester ID at the end (after aliasing) */
	struct iok_iommu_unit *unit; /* IOK_ROUTE_IOMMU */
	struct iok_dev *target;	/* IOK_ROUTE_P2P: the peer */
	int bar;		/* IOK_ROUTE_P2P: its BAR */
	struct iok_dev *at;	/* DROPPED, UNCLAIMED: where (NULL: the root complex) */
	uint16_t acs_bit;	/* DROPPED: the ACS bit that dropped it */
	/* Reads: where the completion was redirected upstream (ACS CR), or NULL. */
	struct iok_dev *completion_redirect;
	uint64_t lo, hi;	/* addresses [lo, hi] all route the same way */
	unsigned int nr_hops;	/* may exceed IOK_ROUTE_MAX_HOPS: then truncated */
	struct iok_route_hop hops[IOK_ROUTE_MAX_HOPS];
};

/**
 * iok_fabric_route() - the path a request takes, hop by hop
 * @f: the fabric
 * @req: the request (the PASID plays no part: switches route by address)
 * @write: a write (posted) rather than a read
 * @route: receives the path
 *
 * Return: 0 (whatever the end), -ENODEV for a device not present or not
 * enumerated, -EINVAL.
 */
int iok_fabric_route(struct iok_fabric *f, const struct iok_dma_req *req, bool write,
		     struct iok_route *route);

/** Name of a route end ("iommu", "p2p", ...). */
const char *iok_route_end_name(enum iok_route_end end);
/** Name of a hop action ("up", "redirect", ...). */
const char *iok_hop_action_name(enum iok_hop_action action);

/**
 * iok_route_format_hop() - one hop in words
 * @hop: the hop
 * @buf: receives the text
 * @len: size of @buf
 *
 * Return: @buf, e.g. "0000:00:1c.0 redirect [ReqRedir+ control] peer BAR
 * behind a sibling port -> rid 0x0300".
 */
char *iok_route_format_hop(const struct iok_route_hop *hop, char *buf, size_t len);

/* ---- the fabric's error log (what never reaches an IOMMU) --------------- */

/** A request the fabric refused. */
struct iok_fabric_error {
	struct iok_dev *dev;	/* the requester */
	uint16_t rid;		/* its requester ID where it was refused */
	uint32_t pasid;
	uint64_t addr;		/* bus address of the request */
	uint64_t paddr;		/* physical address (after translation) */
	bool write;
	enum iok_route_end end;	/* IOK_ROUTE_DROPPED or IOK_ROUTE_UNCLAIMED */
	struct iok_dev *at;	/* the port that refused, NULL at the root */
	uint16_t acs_bit;	/* DROPPED: the ACS bit */
};

#define IOK_FABRIC_ERROR_LEN 256

/** Number of logged errors. */
unsigned int iok_fabric_count_errors(const struct iok_fabric *f);

/**
 * iok_fabric_get_error() - the @i-th logged error, oldest first
 * @f: the fabric
 * @i: index
 * @e: receives it
 *
 * Return: 0, -ENOENT past the last one, -EINVAL.
 */
int iok_fabric_get_error(const struct iok_fabric *f, unsigned int i,
			 struct iok_fabric_error *e);

/** Errors lost because the log was full. */
unsigned long iok_fabric_get_error_overflows(const struct iok_fabric *f);

/** Empty the log. */
void iok_fabric_clear_errors(struct iok_fabric *f);

#ifdef __cplusplus
}
#endif

#endif
