/* SPDX-License-Identifier: MIT */
/*
 * The DMA API over IOMMU domains (the kernel's dma-iommu.c) and its IOVA
 * allocator (iova.c).
 *
 * The allocator hands out ranges of IOVA page frames, aligned to their
 * size rounded up to a power of two, top-down from a limit. Free space is
 * an AVL tree of free extents whose every subtree knows the largest
 * aligned block it holds, so a search never walks the space: allocation,
 * free and reservation cost O(log n) in the number of free extents. In
 * front of the tree sit per-size caches like the kernel's magazines:
 * sizes of up to 32 pages are rounded up to a power of two and cached by
 * that order, as the kernel does; the model also caches sizes of 33 to
 * IOK_IOVA_CACHE_EXACT_MAX pages by their exact size, which the kernel
 * sends to its tree.
 *
 * The DMA API serves kernel-owned devices (a bound DMA-API driver) through
 * their group's default domain: identity means DMA address = physical
 * address; DMA and DMA-FQ domains map through an IOVA range of the
 * domain's allocator. Strict (DMA) domains invalidate the IOTLB before an
 * unmap returns; DMA-FQ domains queue the IOVA and flush the IOTLB of the
 * whole domain later, when the queue is full or its timer expires on the
 * context's simulated clock (iok_dma_fq_advance()): until then the
 * unmapped translation may still be used by the device from its IOTLB.
 *
 * The model checks what the kernel's CONFIG_DMA_API_DEBUG reports:
 * unmapping what was not mapped, with another size, direction or device,
 * twice. Where the kernel would warn and carry on, the model refuses with
 * an errno, counts a warning and changes nothing.
 *
 * Neither an IOVA domain nor a DMA context is thread-safe: callers
 * serialise, as the model's page tables ask.
 */
#ifndef IOMMUKIT_DMA_H
#define IOMMUKIT_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iok_ctx;
struct iok_machine;
struct iok_dev;
struct iok_domain;
struct iok_iovad;
struct iok_iova;
struct iok_dma;

/* ---- IOVA allocator (iova.c) ------------------------------------------ */

/* Sizes below this many pages are rounded up to a power of two (kernel). */
#define IOK_IOVA_ROUND_LIMIT	32
/* Cached by order: 1, 2, 4, 8, 16, 32 pages (IOVA_RANGE_CACHE_MAX_SIZE 6). */
#define IOK_IOVA_CACHE_ORDERS	6
/* Model extension: sizes up to this many pages are cached by exact size. */
#define IOK_IOVA_CACHE_EXACT_MAX 256
/* Ranges per magazine, and full magazines a size's depot keeps (kernel). */
#define IOK_IOVA_MAG_SIZE	127
#define IOK_IOVA_MAX_DEPOT	32

/**
 * iok_iovad_new() - init_iova_domain(): an empty IOVA space
 * @ctx: context for error messages, or NULL
 * @granule: bytes per IOVA page, a power of two of at least 512
 * @start_pfn: lowest page frame handed out; at least 1 (IOVA 0 is never
 *             returned, as dma-iommu's base_pfn)
 * @end_pfn: highest page frame handed out (the aperture's end)
 * @out: receives the domain, all of whose frames are free
 *
 * Return: 0, -EINVAL for a bad argument, -ENOMEM.
 */
int iok_iovad_new(struct iok_ctx *ctx, uint64_t granule, uint64_t start_pfn,
		  uint64_t end_pfn, struct iok_iovad **out);

/**
 * iok_iovad_free() - put_iova_domain(): free the domain and every handle
 * @iovad: the domain, or NULL
 */
void iok_iovad_free(struct iok_iovad *iovad);

/** Bytes per IOVA page. */
uint64_t iok_iovad_get_granule(const struct iok_iovad *iovad);

/**
 * iok_iovad_reserve() - reserve_iova(): never hand out a range
 * @iovad: the domain
 * @pfn_lo: first frame
 * @pfn_hi: last frame, at least @pfn_lo
 *
 * Cached ranges go back to the tree first. Frames below the start are
 * already out of reach and ignored.
 *
 * Return: 0; -EINVAL for a bad range; -EBUSY when part of the range is
 * handed out (nothing changed); -ENOMEM.
 */
int iok_iovad_reserve(struct iok_iovad *iovad, uint64_t pfn_lo, uint64_t pfn_hi);

/**
 * iok_iova_alloc() - alloc_iova_fast(): a range of @pages frames
 * @iovad: the domain
 * @pages: frames wanted, at most 2^31; below IOK_IOVA_ROUND_LIMIT rounded
 *         up to a power of two
 * @limit_pfn: highest frame the range may use
 * @flush_rcache: when nothing fits, return the cached ranges to the tree
 *                and try again
 * @out: receives the handle; the first frame is aligned to @pages rounded
 *       up to a power of two, and the range is the highest such that fits
 *       below @limit_pfn (or a cached one)
 *
 * Return: 0; -EINVAL for a bad argument; -ENOSPC when nothing fits;
 * -ENOMEM.
 */
int iok_iova_alloc(struct iok_iovad *iovad, uint64_t pages, uint64_t limit_pfn,
		   bool flush_rcache, struct iok_iova **out);

/**
 * iok_iova_free() - free_iova_fast(): give a range back
 * @iovad: the domain
 * @iova: a handle of @iovad, handed out and not freed since
 *
 * The range goes to its size's cache, or to the tree.
 *
 * Return: 0; -EINVAL for a NULL or foreign handle or one already freed
 * (nothing changed).
 */
int iok_iova_free(struct iok_iovad *iovad, struct iok_iova *iova);

/** First frame of a handed-out range. */
uint64_t iok_iova_get_pfn(const struct iok_iova *iova);
/** Frames of the range, after rounding. */
uint64_t iok_iova_get_pages(const struct iok_iova *iova);

/**
 * iok_iovad_flush_rcaches() - return every cached range to the tree
 * @iovad: the domain
 *
 * Return: 0, or -EINVAL for a NULL @iovad.
 */
int iok_iovad_flush_rcaches(struct iok_iovad *iovad);

/**
 * iok_iovad_set_rcaches() - use the caches or not
 * @iovad: the domain
 * @enable: false sends every allocation and free to the tree (the cached
 *          ranges are flushed first)
 *
 * Return: 0, or -EINVAL for a NULL @iovad.
 */
int iok_iovad_set_rcaches(struct iok_iovad *iovad, bool enable);

/** Counters and sizes of an IOVA domain. */
struct iok_iovad_stats {
	uint64_t allocs;		/* successful allocations */
	uint64_t alloc_failures;
	uint64_t cache_hits;		/* allocations served by a cache */
	uint64_t tree_allocs;
	uint64_t frees;
	uint64_t tree_frees;		/* ranges returned to the tree */
	uint64_t rcache_flushes;	/* full flushes (failure or request) */
	uint64_t free_extents;		/* nodes of the tree */
	uint64_t tree_free_pages;	/* frames in the tree */
	uint64_t cached_ranges;
	uint64_t cached_pages;
	uint64_t allocated_ranges;	/* handed out now */
	uint64_t allocated_pages;
	uint64_t reserved_pages;
	unsigned int tree_height;
};

/**
 * iok_iovad_get_stats() - read the counters
 * @iovad: the domain
 * @st: receives them
 *
 * Return: 0, or -EINVAL.
 */
int iok_iovad_get_stats(const struct iok_iovad *iovad, struct iok_iovad_stats *st);

/** Called for each free extent of the tree, lowest first; nonzero stops. */
typedef int (*iok_iovad_range_fn)(uint64_t pfn_lo, uint64_t pfn_hi, void *arg);

/**
 * iok_iovad_for_each_free() - visit the tree's free extents
 * @iovad: the domain
 * @fn: called with each extent (cached ranges are not in the tree)
 * @arg: passed to @fn
 *
 * Return: 0, @fn's nonzero value, or -EINVAL.
 */
int iok_iovad_for_each_free(const struct iok_iovad *iovad, iok_iovad_range_fn fn,
			    void *arg);

/**
 * iok_iovad_check() - check the allocator's invariants
 * @iovad: the domain
 *
 * The tree is ordered, balanced, its extents disjoint and never adjacent,
 * every subtree's largest block right, and the page counts add up.
 *
 * Return: 0, or -EUCLEAN with a message in the context.
 */
int iok_iovad_check(const struct iok_iovad *iovad);

/* ---- the DMA API (dma-iommu.c) ----------------------------------------- */

/* enum dma_data_direction, with the kernel's values. */
enum iok_dma_dir {
	IOK_DMA_BIDIRECTIONAL = 0,
	IOK_DMA_TO_DEVICE = 1,		/* the device reads: IOMMU read only */
	IOK_DMA_FROM_DEVICE = 2,	/* the device writes: IOMMU write */
	IOK_DMA_NONE = 3,		/* invalid for mappings */
};

/* dma-iommu's per-domain flush queue: entries and timeout. */
#define IOK_DMA_FQ_SIZE		256
#define IOK_DMA_FQ_TIMEOUT_NS	10000000ull

/* A PCI device's defaults, which its driver may change (not modelled). */
#define IOK_DMA_MAX_SEG_SIZE	65536u
#define IOK_DMA_SEG_BOUNDARY	0xffffffffull

/**
 * iok_dma_new() - the DMA API of a machine
 * @m: the machine; it must outlive the context
 * @out: receives the context, with its simulated clock at 0
 *
 * Per DMA domain the context keeps the IOVA allocator (the kernel's
 * iommu_dma_cookie), set up at the first mapping with the domain's aperture
 * and granule and with the group's reserved regions taken out (every type
 * but software MSI, which dma-iommu maps itself), and for DMA-FQ domains
 * a flush queue.
 *
 * Return: 0, -EINVAL, -ENOMEM.
 */
int iok_dma_new(struct iok_machine *m, struct iok_dma **out);

/**
 * iok_dma_free() - free the context
 * @dma: the context, or NULL
 *
 * Mappings still held stay in the page tables, as a leaking driver's do.
 */
void iok_dma_free(struct iok_dma *dma);

/**
 * iok_dma_set_mask() - dma_set_mask_and_coherent()
 * @dma: the context
 * @dev: a device of the machine
 * @mask: the device's DMA mask; PCI devices start with 32 bits
 *
 * Return: 0, or -EIO for a mask below 4 KiB, -EINVAL for misuse.
 */
int iok_dma_set_mask(struct iok_dma *dma, struct iok_dev *dev, uint64_t mask);

/**
 * iok_dma_map_single() - dma_map_single()
 * @dma: the context
 * @dev: a device with a bound driver
 * @paddr: physical address of the buffer
 * @size: bytes, at least 1
 * @dir: the direction: the mapping is read-only for IOK_DMA_TO_DEVICE,
 *       write (which the page tables make read-write) for
 *       IOK_DMA_FROM_DEVICE, both for IOK_DMA_BIDIRECTIONAL
 * @dma_addr: receives the DMA address, with @paddr's offset in the page
 *
 * Identity default domain, or a device no IOMMU translates: the physical
 * address, nothing mapped. DMA and DMA-FQ: an IOVA range below the mask
 * (on kernels up to 6.3 a PCI device first tries below 4 GiB), aligned to
 * its size rounded up to a power of two, mapped with iommu_map().
 *
 * Return: 0; -EINVAL for a zero @size, an invalid @dir, misuse, or a group
 * that is not on its default domain (a private domain left attached,
 * spec runtime 10 case 18: the kernel would map into the unattached
 * default domain); -ENODEV for a device without a driver or not present;
 * -EPERM for a group owned by user space (VFIO, iommufd); -ENOMEM when no
 * IOVA is left (DMA_MAPPING_ERROR); iommu_map()'s error.
 */
int iok_dma_map_single(struct iok_dma *dma, struct iok_dev *dev, uint64_t paddr,
		       size_t size, enum iok_dma_dir dir, uint64_t *dma_addr);

/**
 * iok_dma_unmap_single() - dma_unmap_single()
 * @dma: the context
 * @dev: the device that mapped
 * @dma_addr: the address iok_dma_map_single() returned
 * @size: the size it was given
 * @dir: the direction it was given
 *
 * Strict domain: the range is unmapped and its IOTLB entries invalidated
 * before the call returns, then the IOVA is freed. DMA-FQ: unmapped
 * without invalidation and queued; the IOVA is freed after the next flush
 * of the domain.
 *
 * Return: 0; -ENOENT (a warning, nothing changed) when @dma_addr is not a
 * live mapping of this device's domain (never mapped, or unmapped already:
 * the kernel WARNs in iommu_dma_unmap_page()); -EINVAL (a warning, nothing
 * changed) when size, direction or device differ from the mapping's, or
 * for misuse.
 */
int iok_dma_unmap_single(struct iok_dma *dma, struct iok_dev *dev, uint64_t dma_addr,
			 size_t size, enum iok_dma_dir dir);

/** One scatterlist entry: the buffer, and the DMA segment after mapping. */
struct iok_sg {
	uint64_t paddr;
	uint32_t length;
	uint64_t dma_address;	/* set by iok_dma_map_sg() */
	uint32_t dma_length;	/* 0 past the last DMA segment */
};

/**
 * iok_dma_map_sg() - dma_map_sg(), as iommu_dma_map_sg() does it
 * @dma: the context
 * @dev: a device with a bound driver
 * @sg: the entries
 * @nents: how many, at least 1
 * @dir: the direction
 *
 * Every entry is widened to whole IOVA pages and all of them are laid out
 * in one IOVA range; entries that start on a page boundary are merged with
 * the previous DMA segment while it ends on one and stays within
 * IOK_DMA_MAX_SEG_SIZE and IOK_DMA_SEG_BOUNDARY. The DMA segments are
 * written to @sg[0..n-1].dma_address/dma_length, the rest get length 0.
 *
 * Return: the number of DMA segments (at least 1); -EINVAL for a bad
 * entry or argument, as iok_dma_map_single(); -ENODEV, -EPERM as
 * iok_dma_map_single(); -ENOMEM when no IOVA is left.
 */
int iok_dma_map_sg(struct iok_dma *dma, struct iok_dev *dev, struct iok_sg *sg,
		   unsigned int nents, enum iok_dma_dir dir);

/**
 * iok_dma_unmap_sg() - dma_unmap_sg()
 * @dma: the context
 * @dev: the device that mapped
 * @sg: the list given to iok_dma_map_sg(), with its DMA segments
 * @nents: the count given to iok_dma_map_sg()
 * @dir: the direction given
 *
 * Return: as iok_dma_unmap_single().
 */
int iok_dma_unmap_sg(struct iok_dma *dma, struct iok_dev *dev, struct iok_sg *sg,
		     unsigned int nents, enum iok_dma_dir dir);

/**
 * iok_dma_fq_advance() - let simulated time pass
 * @dma: the context
 * @ns: nanoseconds
 *
 * Flush-queue timers that expire meanwhile fire in order: the domain's
 * IOTLB is flushed and its queued IOVAs are freed.
 *
 * Return: the number of timers that fired, or -EINVAL.
 */
int iok_dma_fq_advance(struct iok_dma *dma, uint64_t ns);

/** The simulated clock, in nanoseconds. */
uint64_t iok_dma_get_time(const struct iok_dma *dma);

/**
 * iok_dma_flush_queue() - flush a device's DMA-FQ domain now
 * @dma: the context
 * @dev: the device
 *
 * As if the queue's timer fired: flush the IOTLB, free the queued IOVAs.
 *
 * Return: the number of entries freed; -EINVAL for misuse or a device
 * whose default domain is not DMA-FQ.
 */
int iok_dma_flush_queue(struct iok_dma *dma, struct iok_dev *dev);

/**
 * iok_dma_get_domain_iovad() - the IOVA allocator of a device's domain
 * @dma: the context
 * @dev: the device
 *
 * Return: the allocator, or NULL before the first mapping of the domain.
 */
struct iok_iovad *iok_dma_get_domain_iovad(const struct iok_dma *dma,
					   const struct iok_dev *dev);

/** Counters of a DMA context. */
struct iok_dma_stats {
	uint64_t maps;			/* successful single and sg maps */
	uint64_t unmaps;
	uint64_t live;			/* mappings held now */
	uint64_t strict_flushes;	/* range invalidations at unmap */
	uint64_t fq_queued;		/* unmaps that went to a flush queue */
	uint64_t fq_pending;		/* queued now, not flushed yet */
	uint64_t fq_flushes;		/* whole-domain flushes of the queues */
	uint64_t fq_full_flushes;	/* of them: because a queue was full */
	uint64_t fq_timer_flushes;	/* of them: because a timer expired */
					/* (the rest: iok_dma_flush_queue()) */
	/* How long unmapped translations stayed usable in a flush queue. */
	uint64_t stale_count;		/* entries flushed */
	uint64_t stale_max_ns;		/* simulated time, queue to flush */
	uint64_t stale_total_ns;
	uint64_t stale_max_unmaps;	/* unmaps queued meanwhile, worst */
	uint64_t stale_total_unmaps;
	uint64_t warnings;		/* refused misuse the kernel WARNs on */
};

/**
 * iok_dma_get_stats() - read the counters
 * @dma: the context
 * @st: receives them
 *
 * Return: 0, or -EINVAL.
 */
int iok_dma_get_stats(const struct iok_dma *dma, struct iok_dma_stats *st);

#ifdef __cplusplus
}
#endif

#endif
