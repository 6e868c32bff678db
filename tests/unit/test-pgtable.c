// SPDX-License-Identifier: MIT
/*
 * I/O page tables: the page-size choice of iommu_map()/iommu_unmap() (spec
 * runtime 2.5), each format and page size mapped and translated, random
 * map/unmap sequences against a reference map, the kernel's answers to bad
 * input with the table left as it was, partial unmaps of large pages per
 * format, and the hardware walk's accessed/dirty bits.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "lib/pgtable/pgtable-private.h"

#define SZ_4K	0x1000ull
#define SZ_2M	0x200000ull
#define SZ_1G	0x40000000ull
#define RW	(IOK_PROT_READ | IOK_PROT_WRITE)
#define RO	IOK_PROT_READ

static const enum iok_pgtable_fmt fmts[] = { IOK_PGTABLE_X86_64, IOK_PGTABLE_ARM_LPAE_S1 };
static const uint64_t sizes[] = { SZ_4K, SZ_2M, SZ_1G };

static struct iok_pgtable *t_pt(enum iok_pgtable_fmt fmt, unsigned int ias,
				unsigned int features)
{
	struct iok_pgtable *pt = NULL;

	assert_int_equal(iok_pgtable_new(fmt, ias, &pt), 0);
	assert_int_equal(iok_pgtable_set_features(pt, features), 0);
	return pt;
}

/* ---- collecting leaves --------------------------------------------------- */

struct leaves {
	struct iok_pgtable_leaf *v;
	size_t n, alloc;
};

static int collect(const struct iok_pgtable_leaf *leaf, void *arg)
{
	struct leaves *l = arg;

	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 64;
		l->v = realloc(l->v, l->alloc * sizeof(*l->v));
		assert_non_null(l->v);
	}
	l->v[l->n++] = *leaf;
	return 0;
}

static struct leaves all_leaves(struct iok_pgtable *pt)
{
	struct leaves l = { 0 };

	assert_int_equal(iok_pgtable_for_each_leaf(pt, 0, 0, collect, &l), 0);
	return l;
}

/* The same into @l, whose buffer is kept from call to call. */
static void get_leaves(struct iok_pgtable *pt, struct leaves *l)
{
	l->n = 0;
	assert_int_equal(iok_pgtable_for_each_leaf(pt, 0, 0, collect, l), 0);
}

/* Everything a failed call must leave alone. */
struct snapshot {
	uint64_t digest;
	size_t tables;
	struct leaves leaves;
};

static struct snapshot snap(struct iok_pgtable *pt)
{
	return (struct snapshot){
		.digest = iok_pgtable_digest(pt),
		.tables = iok_pgtable_table_pages(pt),
		.leaves = all_leaves(pt),
	};
}

static void assert_unchanged(struct iok_pgtable *pt, struct snapshot *before)
{
	struct snapshot now = snap(pt);

	assert_int_equal(now.digest, before->digest);
	assert_int_equal(now.tables, before->tables);
	assert_int_equal(now.leaves.n, before->leaves.n);
	for (size_t i = 0; i < now.leaves.n; i++) {
		const struct iok_pgtable_leaf *a = &now.leaves.v[i], *b = &before->leaves.v[i];

		assert_int_equal(a->iova, b->iova);
		assert_int_equal(a->size, b->size);
		assert_int_equal(a->paddr, b->paddr);
		assert_int_equal(a->prot, b->prot);
		assert_int_equal(a->pte, b->pte);
	}
	free(now.leaves.v);
}

/* ---- spec runtime 2.5: iommu_pgsize() ----------------------------------- */

/* The worked example of spec runtime 2.5, step by step. */
static void pgsize_worked_example(void **state)
{
	uint64_t bitmap = SZ_4K | SZ_2M | SZ_1G;
	size_t count;

	assert_int_equal(iok_pgsize(bitmap, 0x1ff000, 0x1ff000, 0x402000, &count), SZ_4K);
	assert_int_equal(count, 1);
	assert_int_equal(iok_pgsize(bitmap, 0x200000, 0x200000, 0x401000, &count), SZ_2M);
	assert_int_equal(count, 2);
	assert_int_equal(iok_pgsize(bitmap, 0x600000, 0x600000, 0x1000, &count), SZ_4K);
	assert_int_equal(count, 1);
	/* Nothing fits: the kernel would BUG. */
	assert_int_equal(iok_pgsize(bitmap, 0x1000, 0x1000, 0x800, &count), 0);
	assert_int_equal(count, 0);
}

/* The same example through iok_pgtable_map(): 4K, 2 x 2M, 4K leaves. */
static void map_worked_example(void **state)
{
	for (unsigned int f = 0; f < 2; f++) {
		struct iok_pgtable *pt = t_pt(fmts[f], 48, 0);
		struct leaves l;
		size_t mapped = 0;

		assert_int_equal(iok_pgtable_map(pt, 0x1ff000, 0x1ff000, 0x402000, RW,
						 &mapped), 0);
		assert_int_equal(mapped, 0x402000);
		l = all_leaves(pt);
		assert_int_equal(l.n, 4);
		assert_int_equal(l.v[0].iova, 0x1ff000);
		assert_int_equal(l.v[0].size, SZ_4K);
		assert_int_equal(l.v[1].iova, 0x200000);
		assert_int_equal(l.v[1].size, SZ_2M);
		assert_int_equal(l.v[2].iova, 0x400000);
		assert_int_equal(l.v[2].size, SZ_2M);
		assert_int_equal(l.v[3].iova, 0x600000);
		assert_int_equal(l.v[3].size, SZ_4K);
		free(l.v);
		assert_int_equal(iok_pgtable_unmap(pt, 0x1ff000, 0x402000), 0x402000);
		assert_int_equal(iok_pgtable_table_pages(pt), 1);
		iok_pgtable_free(pt);
	}
}

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/*
 * iommu_pgsize() by its definition (spec runtime 2.5) on random inputs:
 * the largest supported size the size and the alignment allow, and a
 * count that stops where the next larger size could start.
 */
static void pgsize_properties(void **state)
{
	uint64_t bitmap = SZ_4K | SZ_2M | SZ_1G;

	rnd_state = 7;
	for (unsigned int i = 0; i < 20000; i++) {
		uint64_t gran = sizes[rnd_below(3)];
		uint64_t iova = rnd_below(1ull << 36) & ~(SZ_4K - 1);
		uint64_t paddr = rnd_below(2) ? iova ^ (rnd_below(64) * SZ_1G) :
					rnd_below(1ull << 36) & ~(SZ_4K - 1);
		size_t size = gran * (1 + rnd_below(4)) + SZ_4K * rnd_below(3), count;
		uint64_t pg = iok_pgsize(bitmap, iova, paddr, size, &count), end;

		assert_true(pg & bitmap);
		assert_int_equal((iova | paddr) & (pg - 1), 0);
		assert_true(pg <= size);
		for (uint64_t s = pg << 1; s && s <= SZ_1G; s <<= 1)
			assert_false((s & bitmap) && s <= size && !((iova | paddr) & (s - 1)));
		assert_true(count >= 1 && count * pg <= size);
		end = iova + count * pg;
		if (count * pg + pg <= size && pg < SZ_1G) {
			uint64_t next = pg == SZ_4K ? SZ_2M : SZ_1G;

			/* Stopped early: at the next size's boundary. */
			assert_int_equal(end & (next - 1), 0);
			assert_int_equal((iova ^ paddr) & (next - 1), 0);
		}
	}
}

/* ---- every format, every page size -------------------------------------- */

static void round_trip_each_size(void **state)
{
	for (unsigned int f = 0; f < 2; f++) {
		for (unsigned int s = 0; s < 3; s++) {
			struct iok_pgtable *pt = t_pt(fmts[f], 48, 0);
			uint64_t sz = sizes[s], iova = 0x7f0000000000ull + 3 * sz;
			uint64_t paddr = 0x12340000000ull + 5 * sz, phys;
			size_t mapped = 0;
			struct leaves l;

			assert_int_equal(iok_pgtable_map_pages(pt, iova, paddr, sz, 3, RW,
							       &mapped), 0);
			assert_int_equal(mapped, 3 * sz);
			for (unsigned int i = 0; i < 3; i++) {
				uint64_t off[] = { 0, 0x123, sz / 2, sz - 1 };

				for (unsigned int o = 0; o < 4; o++) {
					assert_int_equal(iok_pgtable_iova_to_phys(pt, iova + i * sz + off[o],
										  &phys), 0);
					assert_int_equal(phys, paddr + i * sz + off[o]);
				}
			}
			assert_int_equal(iok_pgtable_iova_to_phys(pt, iova - 1, &phys), -ENOENT);
			assert_int_equal(iok_pgtable_iova_to_phys(pt, iova + 3 * sz, &phys), -ENOENT);
			l = all_leaves(pt);
			assert_int_equal(l.n, 3);
			for (unsigned int i = 0; i < 3; i++) {
				assert_int_equal(l.v[i].iova, iova + i * sz);
				assert_int_equal(l.v[i].size, sz);
				assert_int_equal(l.v[i].paddr, paddr + i * sz);
				assert_int_equal(l.v[i].prot, RW);
			}
			free(l.v);
			/* Root, then one table per level down to the leaves' own. */
			assert_int_equal(iok_pgtable_table_pages(pt), 1 + (3 - s));
			assert_int_equal(iok_pgtable_unmap_pages(pt, iova, sz, 3), 3 * sz);
			assert_int_equal(iok_pgtable_iova_to_phys(pt, iova, &phys), -ENOENT);
			assert_int_equal(iok_pgtable_table_pages(pt), 1);
			iok_pgtable_free(pt);
		}
	}
}

/* Leaf descriptor bits without the address, as hardware reads them. */
static uint64_t leaf_bits(struct iok_pgtable *pt, uint64_t sz, unsigned int prot,
			  unsigned int features)
{
	uint64_t iova = 0x40000000000ull, paddr = 0x80000000ull, pte;
	struct iok_pgtable *p = t_pt(pt->fmt, 48, features);
	size_t mapped = 0;
	uint64_t addr = (pt->fmt == IOK_PGTABLE_X86_64 ? 0x000ffffffffff000ull :
			 0x0000fffffffff000ull) & ~(sz - 1);
	unsigned int level;

	assert_int_equal(iok_pgtable_map_pages(p, iova, paddr, sz, 1, prot, &mapped), 0);
	pte = *iok_pgtable_leaf_ptep(p, iova, &level);
	assert_int_equal(1ull << PT_SHIFT(level), sz);
	assert_int_equal(pte & addr, paddr);
	iok_pgtable_free(p);
	return pte & ~addr;
}

/* The descriptor layouts of the Intel SDM 4.5 and the Arm ARM D8.3. */
static void descriptor_bits(void **state)
{
	struct iok_pgtable *x86 = t_pt(IOK_PGTABLE_X86_64, 48, 0);
	struct iok_pgtable *arm = t_pt(IOK_PGTABLE_ARM_LPAE_S1, 48, 0);
	uint64_t iova = 0x1000, *e;
	size_t mapped = 0;

	/* x86-64: P 0, R/W 1, U/S 2, A 5, D 6, PS 7; Linux presets A and D. */
	assert_int_equal(leaf_bits(x86, SZ_4K, RW, 0), 0x67);
	assert_int_equal(leaf_bits(x86, SZ_4K, RO, 0), 0x25);
	assert_int_equal(leaf_bits(x86, SZ_4K, IOK_PROT_WRITE, 0), 0x67);
	assert_int_equal(leaf_bits(x86, SZ_2M, RW, 0), 0xe7);
	assert_int_equal(leaf_bits(x86, SZ_1G, RO, 0), 0xa5);
	assert_int_equal(leaf_bits(x86, SZ_4K, RW, IOK_PGTABLE_DIRTY_TRACKING), 0x07);
	/* ARM: page 0b11, block 0b01, AP[1] 6, AP[2] 7, SH 9:8, AF 10, nG 11. */
	assert_int_equal(leaf_bits(arm, SZ_4K, RW, 0), 0xe43);
	assert_int_equal(leaf_bits(arm, SZ_4K, RO, 0), 0xec3);
	assert_int_equal(leaf_bits(arm, SZ_2M, RW, 0), 0xe41);
	assert_int_equal(leaf_bits(arm, SZ_1G, RW | IOK_PROT_CACHE, 0), 0xf45);
	assert_int_equal(leaf_bits(arm, SZ_4K, RW | IOK_PROT_MMIO, 0), 0xe4b);
	assert_int_equal(leaf_bits(arm, SZ_4K, RW | IOK_PROT_PRIV, 0), 0xe03);
	assert_int_equal(leaf_bits(arm, SZ_4K, RO | IOK_PROT_NOEXEC, 0),
			 0xec3 | 3ull << 53);
	/* DBM 51 on writable leaves only. */
	assert_int_equal(leaf_bits(arm, SZ_4K, RW, IOK_PGTABLE_DIRTY_TRACKING),
			 0xe43 | 1ull << 51);
	assert_int_equal(leaf_bits(arm, SZ_4K, RO, IOK_PGTABLE_DIRTY_TRACKING), 0xec3);

	/* Table descriptors, and the count kept in bits the walker ignores. */
	assert_int_equal(iok_pgtable_map_pages(x86, iova, 0, SZ_4K, 3, RW, &mapped), 0);
	e = &x86->root[0];
	assert_int_equal(*e & 0xfff, 0x27);
	e = &((uint64_t *)(uintptr_t)(*e & 0x000ffffffffff000ull))[0];
	e = &((uint64_t *)(uintptr_t)(*e & 0x000ffffffffff000ull))[0];
	assert_int_equal(*e & 0xfff, 0x27);
	assert_int_equal(*e >> 52, 3);
	assert_int_equal(iok_pgtable_map_pages(arm, iova, 0, SZ_4K, 3, RW, &mapped), 0);
	e = &arm->root[0];
	assert_int_equal(*e & 3, 3);
	e = &((uint64_t *)(uintptr_t)(*e & 0x0000fffffffff000ull))[0];
	e = &((uint64_t *)(uintptr_t)(*e & 0x0000fffffffff000ull))[0];
	assert_int_equal(*e & 3, 3);
	assert_int_equal((*e >> 2) & 0x3ff, 3);
	assert_int_equal(*e >> 48, 0);
	iok_pgtable_free(x86);
	iok_pgtable_free(arm);
}

/* Fewer input bits: three levels, 1 GiB leaves in the root. */
static void aperture_and_levels(void **state)
{
	for (unsigned int f = 0; f < 2; f++) {
		struct iok_pgtable *pt = t_pt(fmts[f], 39, 0);
		uint64_t start, last, phys;
		size_t mapped = 0;

		iok_pgtable_aperture(pt, &start, &last);
		assert_int_equal(start, 0);
		assert_int_equal(last, (1ull << 39) - 1);
		assert_int_equal(iok_pgtable_pgsize_bitmap(pt), SZ_4K | SZ_2M | SZ_1G);
		assert_int_equal(iok_pgtable_map_pages(pt, 511 * SZ_1G, 0, SZ_1G, 1, RW,
						       &mapped), 0);
		assert_int_equal(iok_pgtable_table_pages(pt), 1);
		assert_int_equal(iok_pgtable_map_pages(pt, 0, 0, SZ_4K, 1, RW, &mapped), 0);
		assert_int_equal(iok_pgtable_table_pages(pt), 3);
		assert_int_equal(iok_pgtable_iova_to_phys(pt, last, &phys), 0);
		assert_int_equal(phys, SZ_1G - 1);
		assert_int_equal(iok_pgtable_map_pages(pt, 512 * SZ_1G, 0, SZ_1G, 1, RW,
						       &mapped), -ERANGE);
		/* A 1 GiB unmap over the table: see unmap_over_table. */
		assert_int_equal(iok_pgtable_unmap(pt, 0, 512 * SZ_1G),
				 fmts[f] == IOK_PGTABLE_X86_64 ? SZ_4K : SZ_1G);
		assert_int_equal(iok_pgtable_unmap(pt, 511 * SZ_1G, SZ_1G), SZ_1G);
		assert_int_equal(iok_pgtable_table_pages(pt), 1);
		iok_pgtable_free(pt);

		pt = t_pt(fmts[f], 48, 0);
		iok_pgtable_aperture(pt, &start, &last);
		assert_int_equal(last, (1ull << 48) - 1);
		iok_pgtable_free(pt);
	}
}

/* ---- random sequences against a reference map ---------------------------- */

struct rleaf {
	uint64_t iova, size, paddr;
	unsigned int prot;
};

struct ref {
	struct rleaf *v;
	size_t n, alloc;
};

/* Index of the first leaf that ends after @va. */
static size_t ref_lower(const struct ref *r, uint64_t va)
{
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (r->v[mid].iova + r->v[mid].size <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The leaf that holds @va, or -1. */
static long ref_find(const struct ref *r, uint64_t va)
{
	size_t i = ref_lower(r, va);

	return i < r->n && r->v[i].iova <= va ? (long)i : -1;
}

static bool ref_intersects(const struct ref *r, uint64_t va, uint64_t len)
{
	size_t i = ref_lower(r, va);

	return i < r->n && r->v[i].iova < va + len;
}

/* Open @n slots at @i; the caller fills them. */
static struct rleaf *ref_open(struct ref *r, size_t i, size_t n)
{
	if (r->n + n > r->alloc) {
		r->alloc = 2 * (r->n + n);
		r->v = realloc(r->v, r->alloc * sizeof(*r->v));
		assert_non_null(r->v);
	}
	memmove(&r->v[i + n], &r->v[i], (r->n - i) * sizeof(*r->v));
	r->n += n;
	return &r->v[i];
}

static void ref_remove(struct ref *r, size_t i, size_t n)
{
	memmove(&r->v[i], &r->v[i + n], (r->n - i - n) * sizeof(*r->v));
	r->n -= n;
}

struct model {
	enum iok_pgtable_fmt fmt;
	bool split;
	struct ref ref;
	struct leaves leaves;	/* what the table holds, buffer reused */
};

/* What a leaf reports for a mapping made with @prot. */
static unsigned int expect_prot(const struct model *m, unsigned int prot)
{
	if (m->fmt == IOK_PGTABLE_X86_64)
		return IOK_PROT_READ | (prot & IOK_PROT_WRITE);
	return prot | IOK_PROT_READ;
}

/* map_pages by the documented rules: a leaf table's worth at a time. */
static int ref_map_pages(struct model *m, uint64_t iova, uint64_t paddr,
			 uint64_t pg, size_t count, unsigned int prot, size_t *mapped)
{
	while (count) {
		size_t n = 512 - (iova / pg) % 512;

		if (n > count)
			n = count;
		if (ref_intersects(&m->ref, iova, n * pg))
			return -EEXIST;
		struct rleaf *l = ref_open(&m->ref, ref_lower(&m->ref, iova), n);

		for (size_t i = 0; i < n; i++)
			l[i] = (struct rleaf){ iova + i * pg, pg, paddr + i * pg,
					       expect_prot(m, prot) };
		*mapped += n * pg;
		count -= n;
		iova += n * pg;
		paddr += n * pg;
	}
	return 0;
}

/* unmap_pages by the documented rules of each format. */
static size_t ref_unmap_pages(struct model *m, uint64_t iova, uint64_t pg, size_t count)
{
	struct ref *r = &m->ref;
	size_t done = 0;

	while (count) {
		long i = ref_find(r, iova);
		struct rleaf *piece;
		size_t k, e;

		if (i >= 0 && r->v[i].size > pg) {
			struct rleaf big = r->v[i];

			if (m->fmt == IOK_PGTABLE_X86_64) {
				if (big.iova != iova)
					return done;
				ref_remove(r, i, 1);
				done += big.size;
				if (count <= big.size / pg)
					return done;
				count -= big.size / pg;
				iova += big.size;
				continue;
			}
			if (!m->split)
				return done;
			ref_remove(r, i, 1);
			piece = ref_open(r, i, 512);
			for (unsigned int j = 0; j < 512; j++)
				piece[j] = (struct rleaf){ big.iova + j * (big.size / 512),
							   big.size / 512,
							   big.paddr + j * (big.size / 512),
							   big.prot };
			continue;
		}
		k = ref_lower(r, iova);
		if (k == r->n || r->v[k].iova >= iova + pg)
			return done;
		if (m->fmt == IOK_PGTABLE_X86_64) {
			uint64_t va = iova;

			/* Page by page; a hole stops it. */
			for (e = k; e < r->n && r->v[e].iova == va && va < iova + pg; e++)
				va += r->v[e].size;
			ref_remove(r, k, e - k);
			done += va - iova;
			if (va < iova + pg)
				return done;
		} else {
			for (e = k; e < r->n && r->v[e].iova < iova + pg; e++)
				;
			ref_remove(r, k, e - k);
			done += pg;
		}
		count--;
		iova += pg;
	}
	return done;
}

static int ref_map(struct model *m, uint64_t iova, uint64_t paddr, size_t size,
		   unsigned int prot, size_t *mapped)
{
	uint64_t orig_iova = iova;
	size_t done = 0, i, n;
	int rc = 0;

	while (done < size) {
		size_t count, got = 0;
		uint64_t pg = iok_pgsize(SZ_4K | SZ_2M | SZ_1G, iova, paddr, size - done,
					 &count);

		rc = ref_map_pages(m, iova, paddr, pg, count, prot, &got);
		done += got;
		if (rc)
			break;
		iova += got;
		paddr += got;
	}
	/* All or nothing: the leaves this call added lie in [orig_iova, +done). */
	if (rc && done) {
		i = ref_lower(&m->ref, orig_iova);
		for (n = 0; i + n < m->ref.n && m->ref.v[i + n].iova < orig_iova + done; n++)
			;
		ref_remove(&m->ref, i, n);
	}
	*mapped = rc ? done : size;
	return rc;
}

static size_t ref_unmap(struct model *m, uint64_t iova, size_t size)
{
	size_t unmapped = 0;

	while (unmapped < size) {
		size_t count, got;
		uint64_t pg = iok_pgsize(SZ_4K | SZ_2M | SZ_1G, iova, iova,
					 size - unmapped, &count);

		got = ref_unmap_pages(m, iova, pg, count);
		if (!got)
			break;
		iova += got;
		unmapped += got;
	}
	return unmapped;
}

/* The table holds exactly the reference's leaves, and translates each. */
static void check_model(struct iok_pgtable *pt, struct model *m,
			unsigned int step, uint64_t base, uint64_t window)
{
	struct leaves l;
	uint64_t phys;

	get_leaves(pt, &m->leaves);
	l = m->leaves;

	if (l.n != m->ref.n)
		fail_msg("step %u: %zu leaves, reference has %zu", step, l.n, m->ref.n);
	for (size_t i = 0; i < l.n; i++) {
		const struct rleaf *e = &m->ref.v[i];
		uint64_t off[3] = { 0, rnd_below(e->size), e->size - 1 };

		if (l.v[i].iova != e->iova || l.v[i].size != e->size ||
		    l.v[i].paddr != e->paddr || l.v[i].prot != e->prot)
			fail_msg("step %u: leaf %zu is %#" PRIx64 "+%#" PRIx64 "->%#" PRIx64
				 " prot %u, reference %#" PRIx64 "+%#" PRIx64 "->%#" PRIx64
				 " prot %u", step, i, l.v[i].iova, l.v[i].size, l.v[i].paddr,
				 l.v[i].prot, e->iova, e->size, e->paddr, e->prot);
		for (unsigned int o = 0; o < 3; o++) {
			assert_int_equal(iok_pgtable_iova_to_phys(pt, e->iova + off[o], &phys), 0);
			assert_int_equal(phys, e->paddr + off[o]);
		}
	}
	for (unsigned int i = 0; i < 16; i++) {
		uint64_t va = base + rnd_below(window);

		if (ref_find(&m->ref, va) < 0)
			assert_int_equal(iok_pgtable_iova_to_phys(pt, va, &phys), -ENOENT);
	}
}

static const unsigned int prots[] = {
	RW, RO, IOK_PROT_WRITE, RW | IOK_PROT_CACHE, RO | IOK_PROT_NOEXEC,
	RW | IOK_PROT_PRIV, RW | IOK_PROT_MMIO,
};

/* A page-aligned address in the window, at a random granule. */
static uint64_t pick_iova(uint64_t base, uint64_t window, uint64_t *gran)
{
	unsigned int r = rnd_below(100);

	*gran = r < 70 ? SZ_4K : r < 96 ? SZ_2M : SZ_1G;
	return base + (rnd_below(window / *gran) * *gran);
}

static size_t pick_size(uint64_t gran)
{
	if (gran == SZ_4K)
		return SZ_4K * (1 + rnd_below(rnd_below(10) ? 16 : 1100));
	if (gran == SZ_2M)
		return SZ_2M * (1 + rnd_below(3)) + (rnd_below(6) ? 0 : SZ_4K * rnd_below(700));
	return SZ_1G;
}

/*
 * Mostly congruent to @iova modulo 1 GiB, so that every page size can be
 * used; else aligned to @gran only.
 */
static uint64_t pick_paddr(uint64_t iova, uint64_t gran)
{
	if (rnd_below(4))
		return (iova & (SZ_1G - 1)) | (rnd_below(1024) * SZ_1G);
	return rnd_below(1ull << 38) & ~(gran - 1);
}

/* An unmap range: part of a leaf, whole leaves from a random one, or any. */
static void pick_unmap(const struct model *m, uint64_t base, uint64_t window,
		       uint64_t *iova, size_t *size)
{
	uint64_t gran;

	if (m->ref.n && !rnd_below(4)) {
		/* Part of a leaf, from its start or inside it. */
		size_t i = rnd_below(m->ref.n);

		*iova = m->ref.v[i].iova + (rnd_below(2) ? 0 : m->ref.v[i].size / 2);
		*size = SZ_4K * (1 + rnd_below(8));
		return;
	}
	if (m->ref.n && rnd_below(2)) {
		size_t i = rnd_below(m->ref.n), j = i + rnd_below(rnd_below(4) ? 8 : 1024);

		if (j >= m->ref.n)
			j = m->ref.n - 1;
		*iova = m->ref.v[i].iova;
		*size = m->ref.v[j].iova + m->ref.v[j].size - *iova;
		return;
	}
	*iova = pick_iova(base, window, &gran);
	*size = pick_size(gran);
}

static void run_random(enum iok_pgtable_fmt fmt, unsigned int ias, bool split,
		       uint64_t seed, unsigned int steps)
{
	struct iok_pgtable *pt = t_pt(fmt, ias, split ? IOK_PGTABLE_ARM_SPLIT : 0);
	struct model m = { .fmt = fmt, .split = split };
	uint64_t window = 4 * SZ_1G, base = (1ull << ias) - 8 * SZ_1G;

	rnd_state = seed;
	for (unsigned int step = 0; step < steps; step++) {
		unsigned int op = rnd_below(20), prot = prots[rnd_below(ARRAY_SIZE(prots))];
		uint64_t gran, iova = pick_iova(base, window, &gran), paddr = pick_paddr(iova, gran);
		size_t size = pick_size(gran), got = 0, want = 0;
		int rc, want_rc;

		if (op < 7) {
			if (iova + size > base + window)
				size = base + window - iova;
			want_rc = ref_map(&m, iova, paddr, size, prot, &want);
			rc = iok_pgtable_map(pt, iova, paddr, size, prot, &got);
			if (rc != want_rc || got != want)
				fail_msg("seed %" PRIu64 " step %u: map %#" PRIx64 "+%#zx->%#"
					 PRIx64 ": %d (%zu), reference %d (%zu)", seed, step,
					 iova, size, paddr, rc, got, want_rc, want);
		} else if (op < 10) {
			uint64_t pg = gran;
			size_t count = size / pg;

			paddr &= ~(pg - 1);
			want_rc = ref_map_pages(&m, iova, paddr, pg, count, prot, &want);
			rc = iok_pgtable_map_pages(pt, iova, paddr, pg, count, prot, &got);
			if (rc != want_rc || got != want)
				fail_msg("seed %" PRIu64 " step %u: map_pages %#" PRIx64 " %#"
					 PRIx64 " x %zu: %d (%zu), reference %d (%zu)", seed,
					 step, iova, pg, count, rc, got, want_rc, want);
		} else if (op < 18) {
			pick_unmap(&m, base, window, &iova, &size);
			want = ref_unmap(&m, iova, size);
			got = iok_pgtable_unmap(pt, iova, size);
			if (got != want)
				fail_msg("seed %" PRIu64 " step %u: unmap %#" PRIx64 "+%#zx: %#zx,"
					 " reference %#zx", seed, step, iova, size, got, want);
		} else {
			uint64_t pg = gran;

			pick_unmap(&m, base, window, &iova, &size);
			if (rnd_below(2))
				pg = sizes[rnd_below(3)];
			iova &= ~(pg - 1);
			want = ref_unmap_pages(&m, iova, pg, size / pg + 1);
			got = iok_pgtable_unmap_pages(pt, iova, pg, size / pg + 1);
			if (got != want)
				fail_msg("seed %" PRIu64 " step %u: unmap_pages %#" PRIx64 " %#"
					 PRIx64 " x %zu: %#zx, reference %#zx", seed, step, iova,
					 pg, size / pg + 1, got, want);
		}
		check_model(pt, &m, step, base, window);
	}
	/* Everything gone, every table page but the root freed. */
	while (m.ref.n) {
		struct rleaf l = m.ref.v[0];

		assert_int_equal(iok_pgtable_unmap_pages(pt, l.iova, l.size, 1), l.size);
		ref_remove(&m.ref, 0, 1);
	}
	check_model(pt, &m, steps, base, window);
	assert_int_equal(iok_pgtable_table_pages(pt), 1);
	free(m.ref.v);
	free(m.leaves.v);
	iok_pgtable_free(pt);
}

static void random_x86_64(void **state)
{
	for (uint64_t seed = 1; seed <= 3; seed++)
		run_random(IOK_PGTABLE_X86_64, 48, false, seed, 1000);
	run_random(IOK_PGTABLE_X86_64, 39, false, 4, 1000);
}

static void random_arm_lpae(void **state)
{
	for (uint64_t seed = 11; seed <= 13; seed++)
		run_random(IOK_PGTABLE_ARM_LPAE_S1, 48, false, seed, 1000);
	run_random(IOK_PGTABLE_ARM_LPAE_S1, 39, false, 14, 1000);
}

static void random_arm_lpae_split(void **state)
{
	for (uint64_t seed = 21; seed <= 23; seed++)
		run_random(IOK_PGTABLE_ARM_LPAE_S1, 48, true, seed, 1000);
}

/* ---- partial unmap of a large page --------------------------------------- */

/*
 * x86-64: a unmap that starts at a large page removes it whole and reports
 * its size (intel-iommu; generic page table); one that starts inside it
 * removes nothing.
 */
static void partial_unmap_x86(void **state)
{
	struct iok_pgtable *pt = t_pt(IOK_PGTABLE_X86_64, 48, 0);
	struct snapshot before;
	uint64_t phys;
	size_t mapped = 0;

	assert_int_equal(iok_pgtable_map_pages(pt, SZ_2M, 0, SZ_2M, 1, RW, &mapped), 0);
	assert_int_equal(iok_pgtable_map_pages(pt, SZ_1G, 0, SZ_1G, 1, RW, &mapped), 0);
	before = snap(pt);
	assert_int_equal(iok_pgtable_unmap_pages(pt, SZ_2M + SZ_4K, SZ_4K, 1), 0);
	assert_int_equal(iok_pgtable_unmap(pt, SZ_1G + SZ_2M, SZ_2M), 0);
	assert_unchanged(pt, &before);
	free(before.leaves.v);

	assert_int_equal(iok_pgtable_unmap_pages(pt, SZ_2M, SZ_4K, 1), SZ_2M);
	assert_int_equal(iok_pgtable_iova_to_phys(pt, SZ_2M + SZ_4K, &phys), -ENOENT);
	/* iommu_unmap() may return more than asked (spec runtime 2.5). */
	assert_int_equal(iok_pgtable_unmap(pt, SZ_1G, SZ_4K), SZ_1G);
	assert_int_equal(iok_pgtable_table_pages(pt), 1);
	iok_pgtable_free(pt);
}

/* ARM since 6.14: "Unmap of a partial large IOPTE is not allowed": 0. */
static void partial_unmap_arm(void **state)
{
	struct iok_pgtable *pt = t_pt(IOK_PGTABLE_ARM_LPAE_S1, 48, 0);
	struct snapshot before;
	size_t mapped = 0;

	assert_int_equal(iok_pgtable_map_pages(pt, SZ_2M, 0, SZ_2M, 1, RW, &mapped), 0);
	before = snap(pt);
	assert_int_equal(iok_pgtable_unmap_pages(pt, SZ_2M, SZ_4K, 1), 0);
	assert_int_equal(iok_pgtable_unmap_pages(pt, SZ_2M + SZ_4K, SZ_4K, 1), 0);
	assert_int_equal(iok_pgtable_unmap(pt, SZ_2M, SZ_4K), 0);
	assert_unchanged(pt, &before);
	free(before.leaves.v);
	assert_int_equal(iok_pgtable_unmap(pt, SZ_2M, SZ_2M), SZ_2M);
	assert_int_equal(iok_pgtable_table_pages(pt), 1);
	iok_pgtable_free(pt);
}

/* ARM before 6.14: the block becomes a table and only the part goes. */
static void partial_unmap_arm_split(void **state)
{
	struct iok_pgtable *pt = t_pt(IOK_PGTABLE_ARM_LPAE_S1, 48, IOK_PGTABLE_ARM_SPLIT);
	uint64_t paddr = 0x3c0000000ull, phys;
	size_t mapped = 0;
	struct leaves l;

	assert_int_equal(iok_pgtable_map_pages(pt, SZ_1G, paddr, SZ_1G, 1,
					       RW | IOK_PROT_CACHE, &mapped), 0);
	assert_int_equal(iok_pgtable_table_pages(pt), 2);
	assert_int_equal(iok_pgtable_unmap_pages(pt, SZ_1G + 5 * SZ_2M + 7 * SZ_4K,
						 SZ_4K, 2), 2 * SZ_4K);
	/* 1G -> 512 x 2M -> one of them 512 x 4K. */
	assert_int_equal(iok_pgtable_table_pages(pt), 4);
	l = all_leaves(pt);
	assert_int_equal(l.n, 511 + 510);
	for (size_t i = 0; i < l.n; i++) {
		assert_int_equal(l.v[i].paddr, paddr + (l.v[i].iova - SZ_1G));
		assert_int_equal(l.v[i].prot, RW | IOK_PROT_CACHE);
	}
	free(l.v);
	assert_int_equal(iok_pgtable_iova_to_phys(pt, SZ_1G + 5 * SZ_2M + 7 * SZ_4K, &phys),
			 -ENOENT);
	assert_int_equal(iok_pgtable_iova_to_phys(pt, SZ_1G + 5 * SZ_2M + 9 * SZ_4K + 1,
						  &phys), 0);
	assert_int_equal(phys, paddr + 5 * SZ_2M + 9 * SZ_4K + 1);
	/* Unmapping around the hole, 4K by 4K up to the next 2M, then 2M. */
	assert_int_equal(iok_pgtable_unmap(pt, SZ_1G + 5 * SZ_2M + 9 * SZ_4K,
					   SZ_2M - 9 * SZ_4K + 3 * SZ_2M),
			 SZ_2M - 9 * SZ_4K + 3 * SZ_2M);
	assert_int_equal(iok_pgtable_table_pages(pt), 4);
	/* A 1 GiB unmap drops the table under the slot, whatever it holds. */
	assert_int_equal(iok_pgtable_unmap(pt, SZ_1G, SZ_1G), SZ_1G);
	assert_int_equal(iok_pgtable_table_pages(pt), 1);
	iok_pgtable_free(pt);
}

/*
 * A 2 MiB unmap over a table of 4 KiB pages: io-pgtable-arm drops the whole
 * table and counts 2 MiB; x86-64 goes page by page and stops at a hole.
 */
static void unmap_over_table(void **state)
{
	for (unsigned int f = 0; f < 2; f++) {
		struct iok_pgtable *pt = t_pt(fmts[f], 48, 0);
		bool arm = fmts[f] == IOK_PGTABLE_ARM_LPAE_S1;
		size_t mapped = 0;
		uint64_t phys;

		assert_int_equal(iok_pgtable_map_pages(pt, SZ_2M, 0, SZ_4K, 2, RW, &mapped), 0);
		assert_int_equal(iok_pgtable_map_pages(pt, SZ_2M + 9 * SZ_4K, 0, SZ_4K, 1, RW,
						       &mapped), 0);
		assert_int_equal(iok_pgtable_unmap_pages(pt, SZ_2M, SZ_2M, 1),
				 arm ? SZ_2M : 2 * SZ_4K);
		assert_int_equal(iok_pgtable_iova_to_phys(pt, SZ_2M + 9 * SZ_4K, &phys),
				 arm ? -ENOENT : 0);
		assert_int_equal(iok_pgtable_table_pages(pt), arm ? 1 : 4);
		iok_pgtable_free(pt);
	}
}

/*
 * A hole stops unmap_pages and iommu_unmap(), also in an almost full
 * table; but a 2 MiB step over a table is io-pgtable-arm's whole-slot unmap.
 */
static void unmap_stops_at_hole(void **state)
{
	for (unsigned int f = 0; f < 2; f++) {
		struct iok_pgtable *pt = t_pt(fmts[f], 48, 0);
		bool arm = fmts[f] == IOK_PGTABLE_ARM_LPAE_S1;
		size_t mapped = 0;
		uint64_t phys;

		assert_int_equal(iok_pgtable_map_pages(pt, 0, 0, SZ_4K, 1024, RW, &mapped), 0);
		assert_int_equal(iok_pgtable_unmap_pages(pt, 100 * SZ_4K, SZ_4K, 1), SZ_4K);
		assert_int_equal(iok_pgtable_unmap_pages(pt, 600 * SZ_4K, SZ_4K, 1), SZ_4K);
		assert_int_equal(iok_pgtable_unmap_pages(pt, 0, SZ_4K, 512), 100 * SZ_4K);
		assert_int_equal(iok_pgtable_iova_to_phys(pt, 101 * SZ_4K, &phys), 0);
		/* 411 x 4K to the 2 MiB boundary, then one 2 MiB step. */
		assert_int_equal(iok_pgtable_unmap(pt, 101 * SZ_4K, 1023 * SZ_4K),
				 (arm ? 1024 - 101 : 600 - 101) * SZ_4K);
		assert_int_equal(iok_pgtable_iova_to_phys(pt, 601 * SZ_4K, &phys),
				 arm ? -ENOENT : 0);
		assert_int_equal(iok_pgtable_table_pages(pt), arm ? 1 : 4);
		if (!arm)
			assert_int_equal(iok_pgtable_unmap_pages(pt, 601 * SZ_4K, SZ_4K, 423),
					 423 * SZ_4K);
		assert_int_equal(iok_pgtable_table_pages(pt), 1);
		iok_pgtable_free(pt);
	}
}

/* ---- bad input: the kernel's errno, the table as before ------------------ */

static void expect_map_pages(struct iok_pgtable *pt, uint64_t iova, uint64_t paddr,
			     size_t pgsize, size_t pgcount, unsigned int prot, int rc)
{
	struct snapshot before = snap(pt);
	size_t mapped = 0;

	assert_int_equal(iok_pgtable_map_pages(pt, iova, paddr, pgsize, pgcount, prot,
					       &mapped), rc);
	assert_int_equal(mapped, 0);
	assert_unchanged(pt, &before);
	free(before.leaves.v);
}

static void expect_map(struct iok_pgtable *pt, uint64_t iova, uint64_t paddr,
		       size_t size, unsigned int prot, int rc, size_t at)
{
	struct snapshot before = snap(pt);
	size_t mapped = 0;

	assert_int_equal(iok_pgtable_map(pt, iova, paddr, size, prot, &mapped), rc);
	assert_int_equal(mapped, at);
	assert_unchanged(pt, &before);
	free(before.leaves.v);
}

/* Nothing unmapped by unmap_pages, nor (@core) by iommu_unmap(). */
static void expect_unmap(struct iok_pgtable *pt, uint64_t iova, size_t pgsize,
			 size_t pgcount, bool core)
{
	struct snapshot before = snap(pt);

	assert_int_equal(iok_pgtable_unmap_pages(pt, iova, pgsize, pgcount), 0);
	if (core)
		assert_int_equal(iok_pgtable_unmap(pt, iova, pgsize * pgcount), 0);
	assert_unchanged(pt, &before);
	free(before.leaves.v);
}

/* io-pgtable's -EEXIST for present entries (spec runtime 2.5). */
static void bad_overlap(void **state)
{
	for (unsigned int f = 0; f < 2; f++) {
		struct iok_pgtable *pt = t_pt(fmts[f], 48, 0);
		size_t mapped = 0;

		assert_int_equal(iok_pgtable_map_pages(pt, SZ_1G, 0, SZ_2M, 1, RW, &mapped), 0);
		assert_int_equal(iok_pgtable_map_pages(pt, SZ_1G + 2 * SZ_2M, 0, SZ_2M, 1, RW,
						       &mapped), 0);
		assert_int_equal(iok_pgtable_map_pages(pt, 2 * SZ_1G + 8 * SZ_4K, 0, SZ_4K, 1,
						       RW, &mapped), 0);
		assert_int_equal(iok_pgtable_map_pages(pt, 4 * SZ_1G, 0, SZ_1G, 1, RW,
						       &mapped), 0);
		expect_map_pages(pt, SZ_1G, 0, SZ_2M, 1, RW, -EEXIST);
		/* Small under large, large over small, spanning into either. */
		expect_map_pages(pt, SZ_1G + SZ_4K, 0, SZ_4K, 1, RW, -EEXIST);
		expect_map_pages(pt, 4 * SZ_1G + SZ_2M, 0, SZ_2M, 1, RW, -EEXIST);
		expect_map_pages(pt, 2 * SZ_1G, 0, SZ_2M, 1, RW, -EEXIST);
		expect_map_pages(pt, 2 * SZ_1G, 0, SZ_1G, 1, RW, -EEXIST);
		expect_map_pages(pt, 2 * SZ_1G, 0, SZ_4K, 9, RW, -EEXIST);
		expect_map_pages(pt, SZ_1G + SZ_2M, 0, SZ_2M, 2, RW, -EEXIST);
		/* iommu_map() takes back what it mapped before the collision. */
		expect_map(pt, 2 * SZ_1G - 3 * SZ_2M, 0, 3 * SZ_2M + 9 * SZ_4K, RW, -EEXIST,
			   3 * SZ_2M);
		expect_map(pt, 3 * SZ_1G, 3 * SZ_1G, SZ_1G + SZ_4K, RW, -EEXIST, SZ_1G);
		assert_int_equal(iok_pgtable_table_pages(pt), 5);
		iok_pgtable_free(pt);
	}
}

/* A run across leaf tables stops at the table that collides. */
static void map_pages_progress(void **state)
{
	for (unsigned int f = 0; f < 2; f++) {
		struct iok_pgtable *pt = t_pt(fmts[f], 48, 0);
		size_t mapped = 0;
		uint64_t phys;

		assert_int_equal(iok_pgtable_map_pages(pt, SZ_2M + 100 * SZ_4K, 0, SZ_4K, 1,
						       RW, &mapped), 0);
		mapped = 0;
		assert_int_equal(iok_pgtable_map_pages(pt, SZ_2M - 10 * SZ_4K, 0, SZ_4K, 200,
						       RW, &mapped), -EEXIST);
		assert_int_equal(mapped, 10 * SZ_4K);
		assert_int_equal(iok_pgtable_iova_to_phys(pt, SZ_2M - SZ_4K, &phys), 0);
		assert_int_equal(iok_pgtable_iova_to_phys(pt, SZ_2M, &phys), -ENOENT);
		iok_pgtable_free(pt);
	}
}

/* io-pgtable's -ERANGE beyond the input or output address size. */
static void bad_range(void **state)
{
	for (unsigned int f = 0; f < 2; f++) {
		struct iok_pgtable *pt = t_pt(fmts[f], 48, 0);
		uint64_t oa_end = fmts[f] == IOK_PGTABLE_X86_64 ? 1ull << 52 : 1ull << 48;
		uint64_t end = 1ull << 48;
		size_t mapped = 0;

		assert_int_equal(iok_pgtable_map_pages(pt, 0, 0, SZ_4K, 1, RW, &mapped), 0);
		expect_map_pages(pt, end, 0, SZ_4K, 1, RW, -ERANGE);
		expect_map_pages(pt, end - SZ_4K, 0, SZ_4K, 2, RW, -ERANGE);
		expect_map_pages(pt, end - SZ_1G, 0, SZ_1G, 2, RW, -ERANGE);
		expect_map_pages(pt, 0x10000, 0, SZ_4K, SIZE_MAX, RW, -ERANGE);
		expect_map_pages(pt, -SZ_4K, 0, SZ_4K, 1, RW, -ERANGE);
		expect_map_pages(pt, SZ_2M, oa_end, SZ_2M, 1, RW, -ERANGE);
		expect_map_pages(pt, SZ_2M, oa_end - SZ_2M, SZ_2M, 2, RW, -ERANGE);
		expect_map(pt, end - SZ_2M, 0, 2 * SZ_2M, RW, -ERANGE, 0);
		expect_unmap(pt, end, SZ_4K, 1, true);
		iok_pgtable_free(pt);
	}
}

/* io-pgtable's -EINVAL for a bad page size, misalignment, no access. */
static void bad_args(void **state)
{
	for (unsigned int f = 0; f < 2; f++) {
		struct iok_pgtable *pt = t_pt(fmts[f], 48, 0);
		size_t mapped = 0;

		assert_int_equal(iok_pgtable_map_pages(pt, SZ_1G, 0, SZ_2M, 1, RW, &mapped), 0);
		expect_map_pages(pt, 0, 0, 0x2000, 1, RW, -EINVAL);
		expect_map_pages(pt, 0, 0, 0, 1, RW, -EINVAL);
		expect_map_pages(pt, 0, 0, SZ_4K | SZ_2M, 1, RW, -EINVAL);
		expect_map_pages(pt, 0, 0, 1ull << 39, 1, RW, -EINVAL);
		expect_map_pages(pt, SZ_4K, 0, SZ_2M, 1, RW, -EINVAL);
		expect_map_pages(pt, 0, SZ_4K, SZ_2M, 1, RW, -EINVAL);
		expect_map_pages(pt, 0x800, 0, SZ_4K, 1, RW, -EINVAL);
		expect_map_pages(pt, 0, 0, SZ_4K, 1, 0, -EINVAL);
		expect_map_pages(pt, 0, 0, SZ_4K, 1, IOK_PROT_CACHE, -EINVAL);
		expect_map_pages(pt, 0, 0, SZ_4K, 1, RW | 1u << 6, -EINVAL);
		/* The core: every address and the size in whole 4 KiB (spec 2.5 step 4). */
		expect_map(pt, 0x800, 0, SZ_4K, RW, -EINVAL, 0);
		expect_map(pt, 0, 0x800, SZ_4K, RW, -EINVAL, 0);
		expect_map(pt, 0, 0, 0x1800, RW, -EINVAL, 0);
		/* Nothing there, or a misaligned unmap: 0 bytes. */
		expect_unmap(pt, 0, SZ_4K, 1, true);
		expect_unmap(pt, SZ_1G + SZ_2M, SZ_2M, 3, true);
		expect_unmap(pt, SZ_1G + 0x800, SZ_4K, 1, true);
		assert_int_equal(iok_pgtable_unmap(pt, SZ_1G, SZ_2M + 0x800), 0);
		expect_unmap(pt, SZ_1G, 0x2000, 1, false);
		expect_unmap(pt, SZ_1G, SZ_2M, 0, false);
		assert_int_equal(iok_pgtable_unmap(pt, SZ_1G, 0), 0);
		expect_map(pt, 0, 0, 0, RW, 0, 0);
		iok_pgtable_free(pt);
	}
}

static void bad_config(void **state)
{
	struct iok_pgtable *pt = NULL;
	size_t mapped = 0;

	assert_int_equal(iok_pgtable_new(IOK_PGTABLE_X86_64, 49, &pt), -EINVAL);
	assert_int_equal(iok_pgtable_new(IOK_PGTABLE_ARM_LPAE_S1, 31, &pt), -EINVAL);
	assert_int_equal(iok_pgtable_new((enum iok_pgtable_fmt)7, 48, &pt), -EINVAL);
	assert_null(pt);
	pt = t_pt(IOK_PGTABLE_X86_64, 48, 0);
	assert_int_equal(iok_pgtable_set_features(pt, IOK_PGTABLE_ARM_SPLIT), -EINVAL);
	assert_int_equal(iok_pgtable_set_features(pt, 1u << 7), -EINVAL);
	assert_int_equal(iok_pgtable_map_pages(pt, 0, 0, SZ_4K, 1, RW, &mapped), 0);
	assert_int_equal(iok_pgtable_set_features(pt, IOK_PGTABLE_DIRTY_TRACKING), -EBUSY);
	assert_int_equal(iok_pgtable_unmap(pt, 0, SZ_4K), SZ_4K);
	assert_int_equal(iok_pgtable_set_features(pt, IOK_PGTABLE_DIRTY_TRACKING), 0);
	iok_pgtable_free(pt);
}

/* Out of memory half way down: the tables made on the way go again. */
static void enomem_unwinds(void **state)
{
	for (unsigned int f = 0; f < 2; f++) {
		for (unsigned int call = 0; call < 2; call++) {
			for (long budget = 0; budget < 3; budget++) {
				struct iok_pgtable *pt = t_pt(fmts[f], 48, 0);
				struct snapshot before;
				size_t mapped = 0;
				int rc;

				assert_int_equal(iok_pgtable_map_pages(pt, 0, 0, SZ_4K, 1, RW,
								       &mapped), 0);
				before = snap(pt);
				pt->alloc_budget = budget;
				/* 4K: three tables; 2M then 4K: two, then one. */
				if (call)
					rc = iok_pgtable_map(pt, 5ull << 39, 0, SZ_2M + SZ_4K, RW,
							     &mapped);
				else
					rc = iok_pgtable_map_pages(pt, 5ull << 39, 0, SZ_4K, 1, RW,
								   &mapped);
				assert_int_equal(rc, -ENOMEM);
				assert_unchanged(pt, &before);
				free(before.leaves.v);
				iok_pgtable_free(pt);
			}
		}
	}
}

/* Freeing a full table frees every page (ASan's leak check). */
static void free_mapped(void **state)
{
	for (unsigned int f = 0; f < 2; f++) {
		struct iok_pgtable *pt = t_pt(fmts[f], 48, 0);
		size_t mapped = 0;

		assert_int_equal(iok_pgtable_map(pt, 0x12345000, 0x12345000, 0x4321000, RW,
						 &mapped), 0);
		assert_int_equal(iok_pgtable_map_pages(pt, 7ull << 39, 0, SZ_4K, 1000, RW,
						       &mapped), 0);
		assert_true(iok_pgtable_table_pages(pt) > 5);
		iok_pgtable_free(pt);
	}
	iok_pgtable_free(NULL);
}

/* ---- the hardware walk and dirty tracking -------------------------------- */

struct dirty_log {
	uint64_t iova[8], size[8];
	unsigned int n;
};

static int log_dirty(uint64_t iova, uint64_t size, void *arg)
{
	struct dirty_log *d = arg;

	assert_true(d->n < 8);
	d->iova[d->n] = iova;
	d->size[d->n++] = size;
	return 0;
}

static struct dirty_log dirty(struct iok_pgtable *pt, unsigned int flags)
{
	struct dirty_log d = { 0 };

	assert_int_equal(iok_pgtable_read_and_clear_dirty(pt, 0, 1ull << 40, flags,
							  log_dirty, &d), 0);
	return d;
}

/* x86-64: A on any access, D on writes; R/W=0 refuses writes. */
static void walk_x86(void **state)
{
	struct iok_pgtable *pt = t_pt(IOK_PGTABLE_X86_64, 48, IOK_PGTABLE_DIRTY_TRACKING);
	uint64_t phys, pgsz, before;
	unsigned int level;
	struct dirty_log d;
	size_t mapped = 0;
	uint64_t *pte;

	assert_int_equal(iok_pgtable_map_pages(pt, SZ_4K, 0x5000, SZ_4K, 1, RW, &mapped), 0);
	assert_int_equal(iok_pgtable_map_pages(pt, 2 * SZ_4K, 0x9000, SZ_4K, 1, RO, &mapped), 0);
	assert_int_equal(iok_pgtable_map_pages(pt, SZ_2M, 0, SZ_2M, 1, RW, &mapped), 0);
	pte = iok_pgtable_leaf_ptep(pt, SZ_4K, &level);
	assert_int_equal(*pte & 0x60, 0);

	assert_int_equal(iok_pgtable_walk(pt, SZ_4K + 0x10, IOK_PROT_READ, &phys, &pgsz), 0);
	assert_int_equal(phys, 0x5010);
	assert_int_equal(pgsz, SZ_4K);
	assert_int_equal(*pte & 0x60, 0x20);
	assert_int_equal(dirty(pt, 0).n, 0);
	assert_int_equal(iok_pgtable_walk(pt, SZ_4K, IOK_PROT_WRITE, &phys, NULL), 0);
	assert_int_equal(*pte & 0x60, 0x60);

	pte = iok_pgtable_leaf_ptep(pt, 2 * SZ_4K, &level);
	before = *pte;
	assert_int_equal(iok_pgtable_walk(pt, 2 * SZ_4K, IOK_PROT_WRITE, &phys, NULL), -EACCES);
	assert_int_equal(*pte, before);
	assert_int_equal(iok_pgtable_walk(pt, 3 * SZ_4K, IOK_PROT_READ, &phys, NULL), -ENOENT);
	assert_int_equal(iok_pgtable_walk(pt, SZ_4K, IOK_PROT_CACHE, &phys, NULL), -EINVAL);
	assert_int_equal(iok_pgtable_walk(pt, SZ_2M + 0x1234, IOK_PROT_WRITE, &phys, &pgsz), 0);
	assert_int_equal(pgsz, SZ_2M);

	d = dirty(pt, IOK_DIRTY_NO_CLEAR);
	assert_int_equal(d.n, 2);
	d = dirty(pt, 0);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.iova[0], SZ_4K);
	assert_int_equal(d.size[0], SZ_4K);
	assert_int_equal(d.iova[1], SZ_2M);
	assert_int_equal(d.size[1], SZ_2M);
	assert_int_equal(dirty(pt, 0).n, 0);
	assert_int_equal(*iok_pgtable_leaf_ptep(pt, SZ_4K, &level) & 0x60, 0x20);
	/* Only leaves overlapping the range. */
	assert_int_equal(iok_pgtable_walk(pt, SZ_4K, IOK_PROT_WRITE, &phys, NULL), 0);
	d = (struct dirty_log){ 0 };
	assert_int_equal(iok_pgtable_read_and_clear_dirty(pt, SZ_2M, SZ_2M, 0, log_dirty, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(iok_pgtable_read_and_clear_dirty(pt, 0, 0, 0, log_dirty, &d), -EINVAL);
	assert_int_equal(iok_pgtable_read_and_clear_dirty(pt, 1ull << 48, SZ_4K, 0,
							  log_dirty, &d), -EINVAL);
	iok_pgtable_free(pt);

	/* Without dirty tracking Linux presets A and D and offers no tracking. */
	pt = t_pt(IOK_PGTABLE_X86_64, 48, 0);
	assert_int_equal(iok_pgtable_map_pages(pt, SZ_4K, 0x5000, SZ_4K, 1, RW, &mapped), 0);
	assert_int_equal(*iok_pgtable_leaf_ptep(pt, SZ_4K, &level) & 0x60, 0x60);
	assert_int_equal(iok_pgtable_read_and_clear_dirty(pt, 0, SZ_2M, 0, log_dirty, &d),
			 -EOPNOTSUPP);
	iok_pgtable_free(pt);
}

/*
 * ARM with HTTU, as io-pgtable-arm's dirty tracking: writable leaves have
 * DBM and start writable-dirty (AP[2] clear); cleaning sets AP[2]; a write
 * clears it again; AF is set on access.
 */
static void walk_arm(void **state)
{
	struct iok_pgtable *pt = t_pt(IOK_PGTABLE_ARM_LPAE_S1, 48, IOK_PGTABLE_DIRTY_TRACKING);
	uint64_t phys, *pte, before;
	unsigned int level;
	struct dirty_log d;
	struct leaves l;
	size_t mapped = 0;

	assert_int_equal(iok_pgtable_map_pages(pt, SZ_4K, 0x5000, SZ_4K, 2, RW, &mapped), 0);
	assert_int_equal(iok_pgtable_map_pages(pt, SZ_2M, 0, SZ_2M, 1, RO, &mapped), 0);
	pte = iok_pgtable_leaf_ptep(pt, SZ_4K, &level);
	assert_int_equal(*pte & (1ull << 51 | 1 << 7), 1ull << 51);

	d = dirty(pt, 0);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.iova[1], 2 * SZ_4K);
	assert_int_equal(*pte & (1ull << 51 | 1 << 7), 1ull << 51 | 1 << 7);
	assert_int_equal(dirty(pt, 0).n, 0);
	/* Writable-clean still maps writable. */
	l = all_leaves(pt);
	assert_int_equal(l.v[0].prot & IOK_PROT_WRITE, IOK_PROT_WRITE);
	free(l.v);

	/* AF: the hardware sets it on access (Linux maps with it set). */
	*pte &= ~(1ull << 10);
	assert_int_equal(iok_pgtable_walk(pt, SZ_4K, IOK_PROT_READ, &phys, NULL), 0);
	assert_int_equal(phys, 0x5000);
	assert_int_equal(*pte & (1 << 10 | 1 << 7), 1 << 10 | 1 << 7);
	assert_int_equal(dirty(pt, 0).n, 0);
	assert_int_equal(iok_pgtable_walk(pt, SZ_4K + 8, IOK_PROT_WRITE, &phys, NULL), 0);
	assert_int_equal(*pte & (1 << 7), 0);
	d = dirty(pt, IOK_DIRTY_NO_CLEAR);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.iova[0], SZ_4K);
	assert_int_equal(dirty(pt, 0).n, 1);

	/* Read-only, no DBM: a permission fault, nothing written. */
	pte = iok_pgtable_leaf_ptep(pt, SZ_2M, &level);
	before = *pte;
	assert_int_equal(iok_pgtable_walk(pt, SZ_2M + SZ_4K, IOK_PROT_WRITE, &phys, NULL),
			 -EACCES);
	assert_int_equal(*pte, before);
	assert_int_equal(iok_pgtable_walk(pt, 4 * SZ_4K, IOK_PROT_READ, &phys, NULL), -ENOENT);
	iok_pgtable_free(pt);

	/* Without HTTU: no DBM, nothing is ever dirty, writes go through. */
	pt = t_pt(IOK_PGTABLE_ARM_LPAE_S1, 48, 0);
	assert_int_equal(iok_pgtable_map_pages(pt, SZ_4K, 0x5000, SZ_4K, 1, RW, &mapped), 0);
	assert_int_equal(iok_pgtable_walk(pt, SZ_4K, IOK_PROT_WRITE, &phys, NULL), 0);
	assert_int_equal(dirty(pt, 0).n, 0);
	iok_pgtable_free(pt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pgsize_worked_example),
		cmocka_unit_test(map_worked_example),
		cmocka_unit_test(pgsize_properties),
		cmocka_unit_test(round_trip_each_size),
		cmocka_unit_test(descriptor_bits),
		cmocka_unit_test(aperture_and_levels),
		cmocka_unit_test(random_x86_64),
		cmocka_unit_test(random_arm_lpae),
		cmocka_unit_test(random_arm_lpae_split),
		cmocka_unit_test(partial_unmap_x86),
		cmocka_unit_test(partial_unmap_arm),
		cmocka_unit_test(partial_unmap_arm_split),
		cmocka_unit_test(unmap_over_table),
		cmocka_unit_test(unmap_stops_at_hole),
		cmocka_unit_test(bad_overlap),
		cmocka_unit_test(map_pages_progress),
		cmocka_unit_test(bad_range),
		cmocka_unit_test(bad_args),
		cmocka_unit_test(bad_config),
		cmocka_unit_test(enomem_unwinds),
		cmocka_unit_test(free_mapped),
		cmocka_unit_test(walk_x86),
		cmocka_unit_test(walk_arm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
