// SPDX-License-Identifier: MIT
/*
 * The IOVA allocator against a reference model: a map of every frame of a
 * small space (free, handed out, reserved). Random sequences check that
 * ranges never overlap, are aligned to their size rounded up to a power of
 * two, stay below their limit and out of reserved ranges; that a failure
 * means the model has no fitting place either (cached ranges count as
 * free: the allocator flushes them); and, with the caches off, that every
 * allocation is the highest fitting place (the kernel's top-down
 * alloc_iova()). Then the fixed cases: rounding, exhaustion and recovery,
 * caches that must not hide freed space, the magazine depot, reservations
 * (spec runtime 2.6, 2.7: dma-iommu keeps reserved regions out of its
 * allocator), misuse, and the tree's height.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include <iommukit/dma.h>

#define SPACE	8192		/* frames of the model: [1, SPACE - 1] usable */
#define MAXOUT	4096
#define END48	((1ull << 36) - 1)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum { F_FREE, F_USER, F_RESV };

struct model {
	struct iok_ctx *ctx;
	struct iok_iovad *iovad;
	uint8_t frame[SPACE];
	struct iok_iova *out[MAXOUT];
	unsigned int nr_out;
	uint64_t rnd;
};

static uint64_t rnd(struct model *m)
{
	uint64_t z = (m->rnd += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t pow2_up(uint64_t v)
{
	uint64_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

/* What the allocator hands out for a request of @pages. */
static uint64_t rounded(uint64_t pages)
{
	return pages < IOK_IOVA_ROUND_LIMIT ? pow2_up(pages) : pages;
}

static void model_init(struct model *m, uint64_t seed)
{
	memset(m, 0, sizeof(*m));
	m->ctx = t_ctx();
	m->rnd = seed;
	assert_int_equal(iok_iovad_new(m->ctx, 4096, 1, SPACE - 1, &m->iovad), 0);
	m->frame[0] = F_RESV;
}

static void model_fini(struct model *m)
{
	iok_iovad_free(m->iovad);
	iok_unref(m->ctx);
}

static void assert_sane(struct model *m)
{
	if (iok_iovad_check(m->iovad))
		fail_msg("%s", iok_get_error(m->ctx));
}

/* The highest aligned place for @s frames at or below @limit, or 0. */
static uint64_t model_highest(const struct model *m, uint64_t s, uint64_t limit)
{
	uint64_t a = pow2_up(s);

	if (limit >= SPACE)
		limit = SPACE - 1;
	if (limit + 1 < s)
		return 0;
	for (int64_t x = (int64_t)((limit + 1 - s) & ~(a - 1)); x > 0; x -= a) {
		uint64_t i;

		for (i = 0; i < s && m->frame[x + i] == F_FREE; i++)
			;
		if (i == s)
			return x;
	}
	return 0;
}

static void mark(struct model *m, uint64_t pfn, uint64_t pages, uint8_t from, uint8_t to)
{
	for (uint64_t i = 0; i < pages; i++) {
		if (m->frame[pfn + i] != from)
			fail_msg("frame 0x%llx is %u, expected %u", (unsigned long long)(pfn + i),
				 m->frame[pfn + i], from);
		m->frame[pfn + i] = to;
	}
}

/* One allocation checked against the model; returns 0 or the errno. */
static int model_alloc(struct model *m, uint64_t pages, uint64_t limit, bool exact_top)
{
	struct iok_iova *iova = NULL;
	uint64_t s = rounded(pages), best = model_highest(m, s, limit), pfn;
	int rc = iok_iova_alloc(m->iovad, pages, limit, true, &iova);

	if (rc) {
		assert_int_equal(rc, -ENOSPC);
		/* Cached ranges count as free: a failure means no room at all. */
		if (best)
			fail_msg("%llu pages below 0x%llx failed, but 0x%llx is free",
				 (unsigned long long)pages, (unsigned long long)limit,
				 (unsigned long long)best);
		return rc;
	}
	pfn = iok_iova_get_pfn(iova);
	assert_int_equal(iok_iova_get_pages(iova), s);
	assert_int_equal(pfn % pow2_up(s), 0);
	assert_true(pfn >= 1);
	assert_true(pfn + s - 1 <= limit);
	if (exact_top && pfn != best)
		fail_msg("%llu pages below 0x%llx at 0x%llx, the highest place is 0x%llx",
			 (unsigned long long)s, (unsigned long long)limit,
			 (unsigned long long)pfn, (unsigned long long)best);
	mark(m, pfn, s, F_FREE, F_USER);
	assert_true(m->nr_out < MAXOUT);
	m->out[m->nr_out++] = iova;
	return 0;
}

static void model_free(struct model *m, unsigned int i)
{
	struct iok_iova *iova = m->out[i];

	mark(m, iok_iova_get_pfn(iova), iok_iova_get_pages(iova), F_USER, F_FREE);
	assert_int_equal(iok_iova_free(m->iovad, iova), 0);
	m->out[i] = m->out[--m->nr_out];
}

static uint64_t random_size(struct model *m)
{
	switch (rnd(m) % 4) {
	case 0:
		return 1;
	case 1:
		return 1ull << (rnd(m) % 5);
	case 2:
		return 1 + rnd(m) % 64;
	default:
		return 1 + rnd(m) % 300;
	}
}

static void random_run(uint64_t seed, bool caches, unsigned int steps)
{
	struct model m;
	unsigned int fails = 0;

	model_init(&m, seed);
	assert_int_equal(iok_iovad_set_rcaches(m.iovad, caches), 0);
	for (unsigned int step = 0; step < steps; step++) {
		/* Lean towards allocation until the space is tight. */
		bool alloc = m.nr_out < 8 || rnd(&m) % 100 < 55;

		if (alloc && m.nr_out < MAXOUT) {
			uint64_t limit = rnd(&m) % 4 ? SPACE - 1 : 1 + rnd(&m) % (SPACE - 1);

			fails += model_alloc(&m, random_size(&m), limit, !caches) != 0;
		} else if (m.nr_out) {
			model_free(&m, rnd(&m) % m.nr_out);
		}
		if (step % 64 == 0)
			assert_sane(&m);
	}
	assert_sane(&m);
	/* The run must have met a full space, or it proved little. */
	assert_true(fails > 0);
	while (m.nr_out)
		model_free(&m, m.nr_out - 1);
	assert_int_equal(iok_iovad_flush_rcaches(m.iovad), 0);
	assert_sane(&m);
	model_fini(&m);
}

/* Random sequences, caches on: no overlap, alignment, limits, no false failure. */
static void random_cached(void **state)
{
	for (uint64_t seed = 1; seed <= 4; seed++)
		random_run(seed, true, 20000);
}

/* Caches off: every allocation is the highest fit below its limit (alloc_iova). */
static void random_tree_top_down(void **state)
{
	for (uint64_t seed = 11; seed <= 14; seed++)
		random_run(seed, false, 20000);
}

/* alloc_iova_fast(): sizes below 32 pages round up to a power of two, others do not. */
static void rounding_and_alignment(void **state)
{
	static const struct { uint64_t ask, got, align; } cases[] = {
		{ 1, 1, 1 }, { 3, 4, 4 }, { 5, 8, 8 }, { 31, 32, 32 }, { 32, 32, 32 },
		{ 33, 33, 64 }, { 40, 40, 64 }, { 64, 64, 64 }, { 65, 65, 128 }, { 300, 300, 512 },
	};
	struct iok_ctx *ctx = t_ctx();
	struct iok_iovad *iovad;

	assert_int_equal(iok_iovad_new(ctx, 4096, 1, END48, &iovad), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct iok_iova *iova;

		assert_int_equal(iok_iova_alloc(iovad, cases[i].ask, 0xfffff, false, &iova), 0);
		assert_int_equal(iok_iova_get_pages(iova), cases[i].got);
		assert_int_equal(iok_iova_get_pfn(iova) % cases[i].align, 0);
		/* Top-down from the limit: the highest aligned place that is free. */
		assert_true(iok_iova_get_pfn(iova) + cases[i].got - 1 <= 0xfffff);
		assert_true(iok_iova_get_pfn(iova) + cases[i].align > 0xfffff - 1024);
	}
	/* The very first allocation sits at the top of the limit. */
	iok_iovad_free(iovad);
	assert_int_equal(iok_iovad_new(ctx, 4096, 1, END48, &iovad), 0);
	{
		struct iok_iova *iova;

		assert_int_equal(iok_iova_alloc(iovad, 16, 0xfffff, false, &iova), 0);
		assert_int_equal(iok_iova_get_pfn(iova), 0xffff0);
	}
	assert_int_equal(iok_iovad_check(iovad), 0);
	iok_iovad_free(iovad);
	iok_unref(ctx);
}

/* A full space fails with -ENOSPC, and frees make room again. */
static void full_then_recovery(void **state)
{
	struct model m;

	model_init(&m, 5);
	while (m.nr_out < MAXOUT && !model_alloc(&m, 2, SPACE - 1, true))
		;
	assert_int_equal(m.nr_out, (SPACE - 2) / 2);
	assert_int_equal(model_alloc(&m, 1, SPACE - 1, true), 0);	/* frame 1 is left */
	assert_int_equal(model_alloc(&m, 1, SPACE - 1, true), -ENOSPC);
	/* Free two neighbours of one aligned 4-frame block: 4 pages fit again. */
	for (unsigned int i = 0; i < m.nr_out; i++) {
		if (iok_iova_get_pfn(m.out[i]) == 0x100) {
			model_free(&m, i);
			break;
		}
	}
	assert_int_equal(model_alloc(&m, 4, SPACE - 1, false), -ENOSPC);
	for (unsigned int i = 0; i < m.nr_out; i++) {
		if (iok_iova_get_pfn(m.out[i]) == 0x102) {
			model_free(&m, i);
			break;
		}
	}
	assert_int_equal(model_alloc(&m, 4, SPACE - 1, false), 0);
	assert_int_equal(iok_iova_get_pfn(m.out[m.nr_out - 1]), 0x100);
	assert_sane(&m);
	model_fini(&m);
}

/* Ranges sitting in the caches are not lost: a failing search flushes them. */
static void caches_do_not_hide_space(void **state)
{
	struct model m;
	struct iok_iova *iova;
	struct iok_iovad_stats st;

	model_init(&m, 6);
	while (m.nr_out < MAXOUT && !model_alloc(&m, 1, SPACE - 1, false))
		;
	while (m.nr_out)
		model_free(&m, m.nr_out - 1);
	assert_int_equal(iok_iovad_get_stats(m.iovad, &st), 0);
	/* Magazines and depot hold what they can; the rest is back in the tree. */
	assert_true(st.cached_ranges > 0);
	assert_int_equal(st.allocated_ranges, 0);
	/* Without the flush, the cached half of the space is out of reach... */
	assert_int_equal(iok_iova_alloc(m.iovad, 4096, SPACE - 1, false, &iova), -ENOSPC);
	/* ...with it, the whole space is there again. */
	assert_int_equal(iok_iova_alloc(m.iovad, 4096, SPACE - 1, true, &iova), 0);
	assert_int_equal(iok_iova_get_pfn(iova), 4096);
	assert_int_equal(iok_iovad_get_stats(m.iovad, &st), 0);
	assert_int_equal(st.cached_ranges, 0);
	assert_int_equal(st.rcache_flushes, 1);
	assert_int_equal(iok_iova_free(m.iovad, iova), 0);
	assert_sane(&m);
	model_fini(&m);
}

/* A cached range is handed out again only when it ends below the limit. */
static void cache_respects_limit(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_iovad *iovad;
	struct iok_iova *hi, *lo;

	assert_int_equal(iok_iovad_new(ctx, 4096, 1, END48, &iovad), 0);
	assert_int_equal(iok_iova_alloc(iovad, 1, 0xfffffffff, false, &hi), 0);
	assert_int_equal(iok_iova_get_pfn(hi), 0xfffffffff);
	assert_int_equal(iok_iova_free(iovad, hi), 0);
	/* The cached frame is above 4 GiB: a 32-bit request must not get it. */
	assert_int_equal(iok_iova_alloc(iovad, 1, 0xfffff, false, &lo), 0);
	assert_int_equal(iok_iova_get_pfn(lo), 0xfffff);
	assert_int_equal(iok_iova_alloc(iovad, 1, 0xfffffffff, false, &hi), 0);
	assert_int_equal(iok_iova_get_pfn(hi), 0xfffffffff);
	assert_int_equal(iok_iovad_check(iovad), 0);
	iok_iovad_free(iovad);
	iok_unref(ctx);
}

/* Magazines: loaded and previous, then the depot, then the tree. */
static void magazine_depot(void **state)
{
	enum { N = IOK_IOVA_MAG_SIZE * (IOK_IOVA_MAX_DEPOT + 4) };
	struct iok_ctx *ctx = t_ctx();
	struct iok_iovad *iovad;
	struct iok_iovad_stats st;
	struct iok_iova **v = calloc(N, sizeof(*v));

	assert_int_equal(iok_iovad_new(ctx, 4096, 1, END48, &iovad), 0);
	for (unsigned int i = 0; i < N; i++)
		assert_int_equal(iok_iova_alloc(iovad, 1, 0xfffff, false, &v[i]), 0);
	for (unsigned int i = 0; i < N; i++)
		assert_int_equal(iok_iova_free(iovad, v[i]), 0);
	assert_int_equal(iok_iovad_get_stats(iovad, &st), 0);
	/* Loaded + previous + a full depot, and one more magazine spilled. */
	assert_true(st.cached_ranges <= IOK_IOVA_MAG_SIZE * (IOK_IOVA_MAX_DEPOT + 2));
	assert_true(st.cached_ranges >= IOK_IOVA_MAG_SIZE * (IOK_IOVA_MAX_DEPOT + 1));
	assert_int_equal(st.tree_frees, N - st.cached_ranges);
	/* Reallocation is served from the caches, last freed first. */
	assert_int_equal(iok_iova_alloc(iovad, 1, 0xfffff, false, &v[0]), 0);
	assert_int_equal(iok_iovad_get_stats(iovad, &st), 0);
	assert_int_equal(st.cache_hits, 1);
	assert_int_equal(iok_iovad_check(iovad), 0);
	free(v);
	iok_iovad_free(iovad);
	iok_unref(ctx);
}

/* Reserved ranges (spec 2.7) are never handed out; reserving a used range fails. */
static void reserved_never_returned(void **state)
{
	struct model m;
	struct iok_iova *iova;

	model_init(&m, 7);
	assert_int_equal(iok_iovad_reserve(m.iovad, 0x1000, 0x10ff), 0);
	assert_int_equal(iok_iovad_reserve(m.iovad, 0x10f0, 0x1200), 0);	/* overlaps */
	memset(&m.frame[0x1000], F_RESV, 0x201);
	for (unsigned int i = 0; i < 2000; i++) {
		if (model_alloc(&m, random_size(&m), SPACE - 1, false))
			break;
		if (rnd(&m) % 3 == 0 && m.nr_out)
			model_free(&m, rnd(&m) % m.nr_out);
	}
	/* A range partly handed out cannot be reserved; nothing changes. */
	iova = m.out[0];
	assert_int_equal(iok_iovad_reserve(m.iovad, iok_iova_get_pfn(iova),
					   iok_iova_get_pfn(iova)), -EBUSY);
	assert_sane(&m);
	/* Reserving the model's free frames works and leaves them out. */
	while (m.nr_out)
		model_free(&m, m.nr_out - 1);
	assert_int_equal(iok_iovad_reserve(m.iovad, 0x20, 0x7ff), 0);
	memset(&m.frame[0x20], F_RESV, 0x7e0);
	for (unsigned int i = 0; i < 3000 && !model_alloc(&m, random_size(&m), SPACE - 1, false);
	     i++)
		;
	assert_sane(&m);
	/* Below the start frame nothing is handed out anyway. */
	assert_int_equal(iok_iovad_reserve(m.iovad, 0, 0), 0);
	model_fini(&m);
}

/* Bad input: a negative errno and nothing changed. */
static void bad_input(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_iovad *iovad, *other;
	struct iok_iova *iova, *foreign;
	struct iok_iovad_stats before, after;

	assert_int_equal(iok_iovad_new(ctx, 4096, 0, END48, &iovad), -EINVAL);
	assert_int_equal(iok_iovad_new(ctx, 3000, 1, END48, &iovad), -EINVAL);
	assert_int_equal(iok_iovad_new(ctx, 256, 1, END48, &iovad), -EINVAL);
	assert_int_equal(iok_iovad_new(ctx, 4096, 1, END48, NULL), -EINVAL);
	assert_int_equal(iok_iovad_new(ctx, 4096, 10, 9, &iovad), -EINVAL);
	assert_int_equal(iok_iovad_new(ctx, 4096, 1, 1ull << 52, &iovad), -EINVAL);
	assert_int_equal(iok_iovad_new(ctx, 4096, 1, END48, &iovad), 0);
	assert_int_equal(iok_iovad_new(ctx, 4096, 1, END48, &other), 0);
	assert_int_equal(iok_iova_alloc(iovad, 0, 0xfffff, true, &iova), -EINVAL);
	assert_int_equal(iok_iova_alloc(iovad, (1ull << 31) + 1, UINT64_MAX, true, &iova), -EINVAL);
	assert_int_equal(iok_iova_alloc(NULL, 1, 0xfffff, true, &iova), -EINVAL);
	assert_int_equal(iok_iova_alloc(iovad, 1, 0xfffff, true, NULL), -EINVAL);
	/* A limit below the start frame leaves no room. */
	assert_int_equal(iok_iova_alloc(iovad, 1, 0, true, &iova), -ENOSPC);
	assert_int_equal(iok_iova_alloc(iovad, 4, 2, true, &iova), -ENOSPC);
	assert_int_equal(iok_iova_alloc(iovad, 4, 0xfffff, true, &iova), 0);
	assert_int_equal(iok_iova_alloc(other, 4, 0xfffff, true, &foreign), 0);
	assert_int_equal(iok_iovad_get_stats(iovad, &before), 0);
	assert_int_equal(iok_iova_free(iovad, foreign), -EINVAL);
	assert_int_equal(iok_iova_free(iovad, NULL), -EINVAL);
	assert_int_equal(iok_iova_free(NULL, iova), -EINVAL);
	assert_int_equal(iok_iovad_reserve(iovad, 5, 4), -EINVAL);
	assert_int_equal(iok_iovad_reserve(iovad, 5, END48 + 1), -EINVAL);
	assert_int_equal(iok_iovad_get_stats(iovad, &after), 0);
	assert_memory_equal(&before, &after, sizeof(before));
	/* Double free: the second is refused, the first stands. */
	assert_int_equal(iok_iova_free(iovad, iova), 0);
	assert_int_equal(iok_iova_free(iovad, iova), -EINVAL);
	assert_int_equal(iok_iovad_set_rcaches(iovad, false), 0);
	assert_int_equal(iok_iova_alloc(iovad, 4, 0xfffff, true, &iova), 0);
	assert_int_equal(iok_iova_free(iovad, iova), 0);
	assert_int_equal(iok_iova_free(iovad, iova), -EINVAL);
	assert_int_equal(iok_iovad_check(iovad), 0);
	assert_int_equal(iok_iovad_get_stats(NULL, &after), -EINVAL);
	assert_int_equal(iok_iovad_flush_rcaches(NULL), -EINVAL);
	assert_int_equal(iok_iovad_check(NULL), -EINVAL);
	iok_iovad_free(NULL);
	iok_iovad_free(other);
	iok_iovad_free(iovad);
	iok_unref(ctx);
}

/* No linear structure: 100k scattered extents keep the tree AVL-shallow. */
static void many_extents_shallow(void **state)
{
	enum { N = 200000 };
	struct iok_ctx *ctx = t_ctx();
	struct iok_iovad *iovad;
	struct iok_iovad_stats st;
	struct iok_iova **v = calloc(N, sizeof(*v));
	struct iok_iova *big;

	assert_int_equal(iok_iovad_new(ctx, 4096, 1, END48, &iovad), 0);
	assert_int_equal(iok_iovad_set_rcaches(iovad, false), 0);
	for (unsigned int i = 0; i < N; i++)
		assert_int_equal(iok_iova_alloc(iovad, 1, 0xfffff, false, &v[i]), 0);
	/* Every other frame free: 100k extents of one frame, none fits 2 pages. */
	for (unsigned int i = 0; i < N; i += 2)
		assert_int_equal(iok_iova_free(iovad, v[i]), 0);
	assert_int_equal(iok_iovad_get_stats(iovad, &st), 0);
	assert_int_equal(st.free_extents, N / 2 + 1);
	/* AVL: height < 1.45 log2(n + 2). */
	assert_true(st.tree_height * 100u <= 145u * (64u - (unsigned int)__builtin_clzll(st.free_extents + 2)));
	assert_int_equal(iok_iovad_check(iovad), 0);
	/* A 2-page request skips all of them in one descent: below the lot. */
	assert_int_equal(iok_iova_alloc(iovad, 2, 0xfffff, false, &big), 0);
	assert_true(iok_iova_get_pfn(big) < 0x100000 - N);
	/* A 1-page request takes the highest hole. */
	assert_int_equal(iok_iova_alloc(iovad, 1, 0xfffff, false, &v[0]), 0);
	assert_int_equal(iok_iova_get_pfn(v[0]), 0xfffff);
	assert_int_equal(iok_iovad_check(iovad), 0);
	free(v);
	iok_iovad_free(iovad);
	iok_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rounding_and_alignment),
		cmocka_unit_test(random_cached),
		cmocka_unit_test(random_tree_top_down),
		cmocka_unit_test(full_then_recovery),
		cmocka_unit_test(caches_do_not_hide_space),
		cmocka_unit_test(cache_respects_limit),
		cmocka_unit_test(magazine_depot),
		cmocka_unit_test(reserved_never_returned),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(many_extents_shallow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
