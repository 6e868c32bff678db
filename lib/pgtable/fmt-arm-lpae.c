// SPDX-License-Identifier: MIT
/*
 * The Arm VMSAv8-64 stage-1 format with a 4 KiB granule, as SMMUs walk it
 * and io-pgtable-arm writes it (Arm ARM D8.3).
 *
 * Descriptor bits: valid 0, table/page 1 (at the 4 KiB level 0b11 is a
 * page; above it 0b11 is a table, 0b01 a block), AttrIndx 4:2, AP[1] 6
 * (unprivileged), AP[2] 7 (read-only), SH 9:8, AF 10, nG 11, address
 * 47:12, DBM 51, PXN 53, UXN 54. Bits 11:2 of a table descriptor are
 * ignored by the walker; they keep the table's entry count.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "pgtable-private.h"

#define ARM_VALID	(1ull << 0)
#define ARM_TYPE	(1ull << 1)
#define ARM_ATTRIDX(n)	((uint64_t)(n) << 2)
#define ARM_AP_UNPRIV	(1ull << 6)
#define ARM_AP_RDONLY	(1ull << 7)
#define ARM_SH_MASK	(3ull << 8)
#define ARM_SH_OS	(2ull << 8)
#define ARM_SH_IS	(3ull << 8)
#define ARM_AF		(1ull << 10)
#define ARM_NG		(1ull << 11)
#define ARM_DBM		(1ull << 51)
#define ARM_PXN		(1ull << 53)
#define ARM_UXN		(1ull << 54)

/* MAIR indices io-pgtable-arm programs. */
#define ARM_MAIR_NC	0
#define ARM_MAIR_CACHE	1
#define ARM_MAIR_DEV	2

#define PT_NS(name)		arm_lpae_##name
#define FMT_ADDR_MASK		0x0000fffffffff000ull
#define FMT_TABLE_MASK		(ARM_VALID | ARM_TYPE)
#define FMT_TABLE_VAL		(ARM_VALID | ARM_TYPE)
#define FMT_COUNT_SHIFT		2
#define FMT_UNMAP_WHOLE_LEAF	0

static inline bool fmt_is_table(uint64_t pte, unsigned int level)
{
	return level && (pte & ARM_TYPE);
}

static inline uint64_t fmt_mk_table(uint64_t *table)
{
	return (uintptr_t)table | ARM_VALID | ARM_TYPE;
}

/*
 * As io-pgtable-arm: non-global, unprivileged unless PRIV, read-only
 * through AP[2], writable leaves with DBM when the hardware tracks dirty
 * state (so they start dirty), AF always set.
 */
static inline uint64_t fmt_leaf_bits(const struct iok_pgtable *pt,
				     unsigned int prot, unsigned int level)
{
	uint64_t bits = ARM_VALID | ARM_NG | ARM_AF;

	if (!level)
		bits |= ARM_TYPE;
	if (!(prot & IOK_PROT_PRIV))
		bits |= ARM_AP_UNPRIV;
	if ((prot & IOK_PROT_READ) && !(prot & IOK_PROT_WRITE))
		bits |= ARM_AP_RDONLY;
	else if (pt->features & IOK_PGTABLE_DIRTY_TRACKING)
		bits |= ARM_DBM;
	if (prot & IOK_PROT_MMIO)
		bits |= ARM_ATTRIDX(ARM_MAIR_DEV);
	else if (prot & IOK_PROT_CACHE)
		bits |= ARM_ATTRIDX(ARM_MAIR_CACHE);
	bits |= prot & IOK_PROT_CACHE ? ARM_SH_IS : ARM_SH_OS;
	if (prot & IOK_PROT_NOEXEC)
		bits |= ARM_PXN | ARM_UXN;
	return bits;
}

static inline unsigned int fmt_leaf_prot(uint64_t pte)
{
	unsigned int prot = IOK_PROT_READ;

	if (!(pte & ARM_AP_RDONLY) || (pte & ARM_DBM))
		prot |= IOK_PROT_WRITE;
	if ((pte & ARM_SH_MASK) == ARM_SH_IS)
		prot |= IOK_PROT_CACHE;
	if ((pte & ARM_ATTRIDX(7)) == ARM_ATTRIDX(ARM_MAIR_DEV))
		prot |= IOK_PROT_MMIO;
	if (pte & ARM_UXN)
		prot |= IOK_PROT_NOEXEC;
	if (!(pte & ARM_AP_UNPRIV))
		prot |= IOK_PROT_PRIV;
	return prot;
}

/* Writable-dirty: DBM set and AP[2] clear. */
static inline bool fmt_is_dirty(uint64_t pte)
{
	return (pte & (ARM_AP_RDONLY | ARM_DBM)) == ARM_DBM;
}

/* Writable-clean: the next write clears AP[2] again. */
static inline uint64_t fmt_clean(uint64_t pte)
{
	return pte | ARM_AP_RDONLY;
}

/* A write to a read-only leaf faults unless DBM lets the hardware mark it. */
static inline int fmt_hw_check(uint64_t pte, unsigned int access, bool leaf)
{
	if (leaf && access == IOK_PROT_WRITE && (pte & ARM_AP_RDONLY) &&
	    !(pte & ARM_DBM))
		return -EACCES;
	return 0;
}

static inline uint64_t fmt_hw_update(uint64_t pte, unsigned int access, bool leaf)
{
	if (!leaf)
		return pte;
	pte |= ARM_AF;
	if (access == IOK_PROT_WRITE && (pte & ARM_DBM))
		pte &= ~ARM_AP_RDONLY;
	return pte;
}

/* A piece of a block keeps every attribute; only its type and address change. */
static inline uint64_t fmt_split_bits(uint64_t pte, unsigned int level)
{
	return (pte & ~FMT_ADDR_MASK & ~(ARM_VALID | ARM_TYPE)) | ARM_VALID |
	       (level ? 0 : ARM_TYPE);
}

#include "pt-ops.h"

const struct pt_ops iok_pt_arm_lpae_ops = PT_OPS_INIT;
