// SPDX-License-Identifier: MIT
/*
 * The x86-64 four-level paging format, as VT-d first-stage and AMD v2 I/O
 * page tables use it (Intel SDM vol. 3 4.5; VT-d spec 9.7).
 *
 * Descriptor bits: P 0, R/W 1, U/S 2, A 5, D 6, PS 7 (a leaf at the 2 MiB
 * and 1 GiB levels), address 51:12, XD 63. Bits 62:52 are ignored by the
 * walker; table descriptors keep their table's entry count in 61:52.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "pgtable-private.h"

#define X86_P		(1ull << 0)
#define X86_RW		(1ull << 1)
#define X86_US		(1ull << 2)
#define X86_A		(1ull << 5)
#define X86_D		(1ull << 6)
#define X86_PS		(1ull << 7)

#define PT_NS(name)		x86_64_##name
#define FMT_ADDR_MASK		0x000ffffffffff000ull
#define FMT_TABLE_MASK		(X86_P | X86_PS)
#define FMT_TABLE_VAL		X86_P
#define FMT_COUNT_SHIFT		52
#define FMT_UNMAP_WHOLE_LEAF	1

static inline bool fmt_is_table(uint64_t pte, unsigned int level)
{
	return level && !(pte & X86_PS);
}

/* As Linux installs them: writable and user, so the leaf alone decides. */
static inline uint64_t fmt_mk_table(uint64_t *table)
{
	return (uintptr_t)table | X86_P | X86_RW | X86_US | X86_A;
}

/*
 * Linux maps with A set, and D set on writable leaves, to spare the
 * hardware its atomic updates; with dirty tracking both start clear.
 */
static inline uint64_t fmt_leaf_bits(const struct iok_pgtable *pt,
				     unsigned int prot, unsigned int level)
{
	uint64_t bits = X86_P | X86_US;

	if (prot & IOK_PROT_WRITE)
		bits |= X86_RW;
	if (!(pt->features & IOK_PGTABLE_DIRTY_TRACKING))
		bits |= X86_A | (prot & IOK_PROT_WRITE ? X86_D : 0);
	if (level)
		bits |= X86_PS;
	return bits;
}

static inline unsigned int fmt_leaf_prot(uint64_t pte)
{
	return IOK_PROT_READ | (pte & X86_RW ? IOK_PROT_WRITE : 0);
}

static inline bool fmt_is_dirty(uint64_t pte)
{
	return pte & X86_D;
}

static inline uint64_t fmt_clean(uint64_t pte)
{
	return pte & ~X86_D;
}

/* Write access needs R/W at every level. */
static inline int fmt_hw_check(uint64_t pte, unsigned int access, bool leaf)
{
	return access == IOK_PROT_WRITE && !(pte & X86_RW) ? -EACCES : 0;
}

/* A on every entry used; D on the leaf when written. */
static inline uint64_t fmt_hw_update(uint64_t pte, unsigned int access, bool leaf)
{
	pte |= X86_A;
	if (leaf && access == IOK_PROT_WRITE)
		pte |= X86_D;
	return pte;
}

#include "pt-ops.h"

const struct pt_ops iok_pt_x86_64_ops = PT_OPS_INIT;
