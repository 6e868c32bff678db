/* SPDX-License-Identifier: MIT */
/*
 * I/O page tables: the x86-64 four-level format and the ARM LPAE stage-1
 * 4 KiB-granule format, stored as real 4 KiB tables of 64-bit descriptors,
 * behind one set of driver operations (map_pages, unmap_pages,
 * iova_to_phys, read_and_clear_dirty), the IOMMU core's splitting of a
 * range into page sizes (spec runtime 2.5), and the walk the IOMMU hardware
 * does for a DMA access.
 *
 * Table pages that become empty are freed (up to 512 of them are kept for
 * reuse until iok_pgtable_free(), as the kernel's per-CPU page lists would).
 * Functions return 0 or a negative errno; the unmap functions return bytes,
 * as the kernel's do. A table is not thread-safe: callers serialise, as the
 * kernel's callers hold the domain's range locks.
 */
#ifndef IOMMUKIT_PGTABLE_H
#define IOMMUKIT_PGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iok_pgtable;

/** Page-table formats. */
enum iok_pgtable_fmt {
	IOK_PGTABLE_X86_64,	/* x86-64 paging: VT-d first stage, AMD v2 */
	IOK_PGTABLE_ARM_LPAE_S1, /* Arm VMSAv8-64 stage 1, 4 KiB granule (SMMU) */
};

/* Mapping permissions and attributes, with the kernel's IOMMU_* values. */
#define IOK_PROT_READ	(1u << 0)
#define IOK_PROT_WRITE	(1u << 1)
#define IOK_PROT_CACHE	(1u << 2)	/* ARM: inner-shareable write-back */
#define IOK_PROT_NOEXEC	(1u << 3)	/* ARM: UXN and PXN */
#define IOK_PROT_MMIO	(1u << 4)	/* ARM: device memory */
#define IOK_PROT_PRIV	(1u << 5)	/* ARM: privileged only (AP[1] clear) */

/* Features, set with iok_pgtable_set_features() before anything is mapped. */
/*
 * Hardware dirty tracking. ARM: writable leaves get DBM and start dirty, as
 * io-pgtable-arm maps them with IO_PGTABLE_QUIRK_ARM_HD. x86-64: leaves
 * are mapped with A and D clear for the hardware to set (Linux presets both
 * and offers no dirty tracking for this format).
 */
#define IOK_PGTABLE_DIRTY_TRACKING	(1u << 0)
/*
 * ARM only: unmapping part of a block splits it into a table, as
 * io-pgtable-arm did before Linux 6.14; without it such an unmap removes
 * nothing and returns 0, as it does since.
 */
#define IOK_PGTABLE_ARM_SPLIT		(1u << 1)

/* iok_pgtable_read_and_clear_dirty() flag: report, keep dirty. */
#define IOK_DIRTY_NO_CLEAR		(1u << 0)

/**
 * iok_pgtable_new() - create an empty page table
 * @fmt: the descriptor format
 * @ias: input (IOVA) address bits, 32 to 48; 40 and more give four levels,
 *       fewer give three (the root then holds 1 GiB entries)
 * @out: receives the table, which has its root table page only
 *
 * Both formats support 4 KiB, 2 MiB and 1 GiB pages. Output addresses are
 * limited to 52 bits (x86-64) or 48 bits (ARM).
 *
 * Return: 0, -EINVAL for an unknown format or @ias out of range, -ENOMEM.
 */
int iok_pgtable_new(enum iok_pgtable_fmt fmt, unsigned int ias,
		    struct iok_pgtable **out);

/**
 * iok_pgtable_free() - free a page table and every table page under it
 * @pt: the page table, or NULL
 */
void iok_pgtable_free(struct iok_pgtable *pt);

/**
 * iok_pgtable_set_features() - choose IOK_PGTABLE_* features
 * @pt: the page table, with nothing mapped
 * @features: IOK_PGTABLE_DIRTY_TRACKING, IOK_PGTABLE_ARM_SPLIT
 *
 * Return: 0, -EBUSY when something is mapped, -EINVAL for an unknown
 * feature or one the format lacks.
 */
int iok_pgtable_set_features(struct iok_pgtable *pt, unsigned int features);

/** The page sizes the table supports (4K | 2M | 1G). */
uint64_t iok_pgtable_pgsize_bitmap(const struct iok_pgtable *pt);

/**
 * iok_pgtable_aperture() - the IOVA range the table translates
 * @pt: the page table
 * @start: receives 0
 * @last: receives 2^ias - 1
 */
void iok_pgtable_aperture(const struct iok_pgtable *pt, uint64_t *start,
			  uint64_t *last);

/** Table pages in use, the root included: 1 when nothing is mapped. */
size_t iok_pgtable_table_pages(const struct iok_pgtable *pt);

/* ---- driver operations (io_pgtable_ops) ------------------------------- */

/**
 * iok_pgtable_map_pages() - map @pgcount pages of one size
 * @pt: the page table
 * @iova: first IOVA, aligned to @pgsize
 * @paddr: first output address, aligned to @pgsize
 * @pgsize: a single size of the pgsize bitmap
 * @pgcount: number of pages; 0 maps nothing
 * @prot: IOK_PROT_* with READ, WRITE or both
 * @mapped: incremented by the bytes mapped, also on failure
 *
 * Pages are mapped a leaf table at a time: a failure leaves the earlier
 * table-fulls mapped (counted in @mapped) and nothing else changed.
 * Write-only mappings are readable: neither format can express them.
 *
 * Return: 0; -EINVAL for a bad @pgsize, misalignment or @prot; -ERANGE when
 * the IOVA range leaves the aperture or the output range the format's
 * address bits; -EEXIST when any entry in the way is present (a leaf, or a
 * table where a larger page would go); -ENOMEM.
 */
int iok_pgtable_map_pages(struct iok_pgtable *pt, uint64_t iova, uint64_t paddr,
			  size_t pgsize, size_t pgcount, unsigned int prot,
			  size_t *mapped);

/**
 * iok_pgtable_unmap_pages() - unmap @pgcount pages of one size
 * @pt: the page table
 * @iova: first IOVA, aligned to @pgsize
 * @pgsize: a single size of the pgsize bitmap
 * @pgcount: number of pages
 *
 * Unmapping stops at the first page-sized slot with nothing mapped. A
 * larger page that holds @iova: the x86-64 format removes it whole when
 * @iova is its start and counts its full size, so the result can exceed
 * the request (intel-iommu, and the generic page table since); it stops
 * when @iova is inside it. ARM stops there too, or with
 * IOK_PGTABLE_ARM_SPLIT splits the block and unmaps only the pages asked
 * for. Where @pgsize is larger than the pages mapped under a slot, ARM
 * removes the slot's whole table and counts @pgsize (io-pgtable-arm);
 * x86-64 removes the pages one by one and stops at a hole (generic page
 * table). Table pages left empty are freed.
 *
 * Return: bytes unmapped; 0 for bad arguments or nothing at @iova.
 */
size_t iok_pgtable_unmap_pages(struct iok_pgtable *pt, uint64_t iova,
			       size_t pgsize, size_t pgcount);

/**
 * iok_pgtable_iova_to_phys() - translate as software would
 * @pt: the page table
 * @iova: any IOVA
 * @phys: receives the output address, with @iova's offset in the page
 *
 * Return: 0, or -ENOENT when nothing is mapped there.
 */
int iok_pgtable_iova_to_phys(struct iok_pgtable *pt, uint64_t iova,
			     uint64_t *phys);

/** Called for each dirty leaf: its IOVA and size; nonzero stops the walk. */
typedef int (*iok_dirty_fn)(uint64_t iova, uint64_t size, void *arg);

/**
 * iok_pgtable_read_and_clear_dirty() - report and clean written leaves
 * @pt: the page table
 * @iova: start of the range
 * @size: length of the range
 * @flags: IOK_DIRTY_NO_CLEAR to leave the leaves dirty
 * @fn: called for every dirty leaf that overlaps the range, whole leaf
 * @arg: passed to @fn
 *
 * A leaf is dirty when x86-64's D bit is set, or for ARM when DBM is set
 * and AP[2] clear (written since cleaned); cleaning clears D, or sets
 * AP[2] so the next write marks it again.
 *
 * Return: 0, @fn's nonzero value, -EINVAL for an empty range or one
 * leaving the aperture, -EOPNOTSUPP for x86-64 without
 * IOK_PGTABLE_DIRTY_TRACKING.
 */
int iok_pgtable_read_and_clear_dirty(struct iok_pgtable *pt, uint64_t iova,
				     size_t size, unsigned int flags,
				     iok_dirty_fn fn, void *arg);

/* ---- the IOMMU core (spec runtime 2.5) -------------------------------- */

/**
 * iok_pgsize() - the kernel's iommu_pgsize(): next page size and count
 * @pgsize_bitmap: supported page sizes
 * @iova: IOVA of the rest of the range
 * @paddr: output address of the rest of the range
 * @size: bytes left
 * @count: receives how many pages of the returned size to map now
 *
 * The largest size that @iova, @paddr and @size allow, and as many pages
 * as fit before the next larger size becomes usable.
 *
 * Return: the page size, or 0 (and *@count 0) when none fits, where the
 * kernel would BUG.
 */
size_t iok_pgsize(uint64_t pgsize_bitmap, uint64_t iova, uint64_t paddr,
		  size_t size, size_t *count);

/**
 * iok_pgtable_map() - iommu_map(): map a range with the largest pages
 * @pt: the page table
 * @iova: first IOVA
 * @paddr: first output address
 * @size: bytes
 * @prot: IOK_PROT_*
 * @mapped: if not NULL, receives how far mapping got: @size on success,
 *          else the offset of the failure (what was mapped before it has
 *          been unmapped again)
 *
 * Return: 0; -EINVAL when @iova, @paddr or @size is not a multiple of the
 * smallest page size; else map_pages' error, with the table as before.
 */
int iok_pgtable_map(struct iok_pgtable *pt, uint64_t iova, uint64_t paddr,
		    size_t size, unsigned int prot, size_t *mapped);

/**
 * iok_pgtable_unmap() - iommu_unmap(): unmap a range
 * @pt: the page table
 * @iova: first IOVA
 * @size: bytes
 *
 * Page sizes are chosen as for a map with paddr = iova; unmapping stops at
 * the first unmap_pages call that removes nothing.
 *
 * Return: bytes unmapped, which can exceed @size when a larger page was
 * removed whole; 0 when @iova or @size is misaligned.
 */
size_t iok_pgtable_unmap(struct iok_pgtable *pt, uint64_t iova, size_t size);

/* ---- hardware and inspection ------------------------------------------ */

/**
 * iok_pgtable_walk() - translate a DMA access as the IOMMU hardware does
 * @pt: the page table
 * @iova: the address the device used
 * @access: IOK_PROT_READ or IOK_PROT_WRITE
 * @phys: receives the output address
 * @page_size: if not NULL, receives the size of the leaf used
 *
 * Sets the accessed flag (x86-64 A, ARM AF) on the way, and on a write the
 * dirty state: x86-64's D bit; on ARM, a writable-clean leaf (DBM set,
 * AP[2] set) has AP[2] cleared.
 *
 * Return: 0, -ENOENT when not mapped, -EACCES for a write to a read-only
 * leaf, -EINVAL for another @access.
 */
int iok_pgtable_walk(struct iok_pgtable *pt, uint64_t iova, unsigned int access,
		     uint64_t *phys, uint64_t *page_size);

/** A leaf entry, as iok_pgtable_for_each_leaf() reports it. */
struct iok_pgtable_leaf {
	uint64_t iova;		/* start of the page */
	uint64_t size;
	uint64_t paddr;
	unsigned int prot;	/* IOK_PROT_* the descriptor grants */
	uint64_t pte;		/* the descriptor, as hardware reads it */
};

/** Called for each leaf in IOVA order; nonzero stops the walk. */
typedef int (*iok_pgtable_leaf_fn)(const struct iok_pgtable_leaf *leaf,
				   void *arg);

/**
 * iok_pgtable_for_each_leaf() - visit the leaves that overlap a range
 * @pt: the page table
 * @iova: start of the range
 * @size: length; 0 means up to the end of the aperture
 * @fn: called for each leaf
 * @arg: passed to @fn
 *
 * Return: 0, @fn's nonzero value, or -EINVAL when the range leaves the
 * aperture.
 */
int iok_pgtable_for_each_leaf(struct iok_pgtable *pt, uint64_t iova,
			      size_t size, iok_pgtable_leaf_fn fn, void *arg);

#ifdef __cplusplus
}
#endif

#endif
