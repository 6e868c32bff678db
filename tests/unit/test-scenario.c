// SPDX-License-Identifier: MIT
/*
 * The scenario runner (docs/scenarios.md): expectation matching, numbers
 * with suffixes, names and their kinds, errno names, the registry, family
 * state, and the rule that a script error leaves nothing half done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <iommukit/scenario.h>

#include "helpers.h"
#include "lib/iommu/iommu-private.h"
#include "lib/scenario/scenario-private.h"

struct fx {
	struct iok_ctx *ctx;
	struct iok_scn *s;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->ctx = t_ctx();
	assert_int_equal(iok_scn_new(f->ctx, NULL, &f->s), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	iok_scn_free(f->s);
	iok_unref(f->ctx);
	free(f);
	return 0;
}

/* ---- expectations ------------------------------------------------------- */

static void expect_word_prefix(void **state)
{
	assert_true(iok_scn_expect_match("OK", "OK"));
	assert_true(iok_scn_expect_match("OK", "OK size=0x1000"));
	assert_true(iok_scn_expect_match("OK size=0x1000", "OK size=0x1000"));
	assert_true(iok_scn_expect_match("EBUSY", "EBUSY"));
	/* Words, not characters: "OK size" is not a prefix of "OK size=0x1000". */
	assert_false(iok_scn_expect_match("OK size", "OK size=0x1000"));
	assert_false(iok_scn_expect_match("OK size=0x100", "OK size=0x1000"));
	assert_false(iok_scn_expect_match("E", "EBUSY"));
	assert_false(iok_scn_expect_match("OK", "EBUSY"));
	assert_false(iok_scn_expect_match("EPERM", "EBUSY"));
	/* More words expected than the result has. */
	assert_false(iok_scn_expect_match("OK yes", "OK"));
	/* Nothing expected never matches. */
	assert_false(iok_scn_expect_match("", "OK"));
	assert_false(iok_scn_expect_match("  ", "OK"));
	assert_false(iok_scn_expect_match(NULL, "OK"));
	/* Blanks are separators, however many. */
	assert_true(iok_scn_expect_match("OK  a\tb", "OK a  b"));
}

static void expect_wildcard(void **state)
{
	assert_true(iok_scn_expect_match("OK * domain=d", "OK group=7 domain=d owner=none"));
	assert_false(iok_scn_expect_match("OK * domain=d", "OK group=7 domain=e"));
	assert_true(iok_scn_expect_match("*", "EBUSY"));
	assert_false(iok_scn_expect_match("OK *", "OK"));
}

/* ---- numbers ------------------------------------------------------------ */

static void u64_ok(struct iok_scn *s, const char *word, uint64_t want)
{
	uint64_t v = 0xdead;

	if (iok_scn_u64(s, word, &v))
		fail_msg("'%s' refused", word);
	if (v != want)
		fail_msg("'%s' = 0x%llx, expected 0x%llx", word, (unsigned long long)v,
			 (unsigned long long)want);
}

static void u64_bad(struct iok_scn *s, const char *word)
{
	uint64_t v = 0xdead;

	if (iok_scn_u64(s, word, &v) != IOK_SCN_ESCRIPT)
		fail_msg("'%s' accepted", word);
	assert_true(v == 0xdead);
}

static void numbers_with_suffixes(void **state)
{
	struct fx *f = *state;

	u64_ok(f->s, "0", 0);
	u64_ok(f->s, "4096", 4096);
	u64_ok(f->s, "0x1000", 0x1000);
	u64_ok(f->s, "0X1000", 0x1000);
	u64_ok(f->s, "010", 8);		/* a C literal: octal */
	u64_ok(f->s, "4k", 0x1000);
	u64_ok(f->s, "4K", 0x1000);
	u64_ok(f->s, "2M", 0x200000);
	u64_ok(f->s, "1G", 0x40000000);
	u64_ok(f->s, "3T", 3ull << 40);
	u64_ok(f->s, "0x10k", 0x4000);
	u64_ok(f->s, "18446744073709551615", UINT64_MAX);
	u64_ok(f->s, "16777215T", 16777215ull << 40);
}

static void numbers_refused(void **state)
{
	struct fx *f = *state;
	static const char *const bad[] = {
		"", "k", "M", "-1", "+1", "0x", "0xg", "1kk", "1m", "1g", "1 k", "08",
		"4KB", "1.5", "18446744073709551616", "16777216T", "0x100000000000000000",
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		u64_bad(f->s, bad[i]);
	u64_bad(f->s, NULL);
}

/* ---- names -------------------------------------------------------------- */

static int dummy_a, dummy_b;

static void count_fn(const char *name, void *obj, void *arg)
{
	(*(int *)arg)++;
}

static void delete_fn(const char *name, void *obj, void *arg)
{
	iok_scn_name_del(arg, name);
}

static void names_and_kinds(void **state)
{
	struct fx *f = *state;
	void *obj = NULL;
	int n = 0;

	assert_int_equal(iok_scn_name_add(f->s, "d", "domain", &dummy_a), 0);
	assert_int_equal(iok_scn_name_add(f->s, "c", "container", &dummy_b), 0);
	assert_ptr_equal(iok_scn_name_find(f->s, "d", "domain"), &dummy_a);
	/* A name of another kind is not found, and get() says what it is. */
	assert_null(iok_scn_name_find(f->s, "d", "container"));
	assert_int_equal(iok_scn_name_get(f->s, "d", "container", &obj), IOK_SCN_ESCRIPT);
	assert_null(obj);
	assert_int_equal(iok_scn_name_get(f->s, "c", "container", &obj), 0);
	assert_ptr_equal(obj, &dummy_b);
	assert_int_equal(iok_scn_name_get(f->s, "x", "domain", &obj), IOK_SCN_ESCRIPT);
	assert_null(iok_scn_name_find(f->s, "x", "domain"));
	/* One namespace: the same name for another kind is a script error. */
	assert_int_equal(iok_scn_name_add(f->s, "d", "container", &dummy_b), IOK_SCN_ESCRIPT);
	assert_int_equal(iok_scn_name_add(f->s, "d", "domain", &dummy_b), IOK_SCN_ESCRIPT);
	assert_ptr_equal(iok_scn_name_find(f->s, "d", "domain"), &dummy_a);
	/* Names are words: ':' is kept for "group:BDF" and the like. */
	assert_int_equal(iok_scn_name_add(f->s, "a:b", "domain", &dummy_a), IOK_SCN_ESCRIPT);
	assert_int_equal(iok_scn_name_add(f->s, "", "domain", &dummy_a), IOK_SCN_ESCRIPT);
	assert_int_equal(iok_scn_name_add(f->s, "a b", "domain", &dummy_a), IOK_SCN_ESCRIPT);
	assert_int_equal(iok_scn_name_add(f->s, NULL, "domain", &dummy_a), IOK_SCN_ESCRIPT);
	/* Free again after del. */
	iok_scn_name_del(f->s, "d");
	assert_null(iok_scn_name_find(f->s, "d", "domain"));
	assert_int_equal(iok_scn_name_add(f->s, "d", "container", &dummy_a), 0);
	iok_scn_name_del(f->s, "nothing");
	iok_scn_name_foreach(f->s, "container", count_fn, &n);
	assert_int_equal(n, 2);
	n = 0;
	iok_scn_name_foreach(f->s, "domain", count_fn, &n);
	assert_int_equal(n, 0);
	/* The callback may delete what it is given (releasing at the end). */
	iok_scn_name_foreach(f->s, "container", delete_fn, f->s);
	assert_null(iok_scn_name_find(f->s, "c", "container"));
	assert_null(iok_scn_name_find(f->s, "d", "container"));
}

/* ---- errno names ---------------------------------------------------------- */

static void errno_names(void **state)
{
	/* Every errno the library answers has a name, both signs. */
	static const int lib[] = { EINVAL, ENOMEM, ENOENT, EBUSY, ENODEV, ENODATA, ERANGE,
				   EPERM, EEXIST, EACCES, EUCLEAN, EOPNOTSUPP, EAGAIN, ENOSPC,
				   EFBIG, ENOTDIR, EIO, EBADF, EFAULT, EADDRINUSE, EOVERFLOW,
				   EBADFD, ENXIO, ENOTTY, EINTR, E2BIG, ESRCH };
	unsigned int i;
	int e;

	for (i = 0; i < sizeof(lib) / sizeof(lib[0]); i++) {
		const char *name = iok_scenario_errno_name(lib[i]);

		assert_non_null(name);
		assert_string_equal(iok_scenario_errno_name(-lib[i]), name);
		assert_int_equal(iok_scenario_errno_parse(name), lib[i]);
	}
	assert_string_equal(iok_scenario_errno_name(-EBUSY), "EBUSY");
	/* Kernel-internal codes keep their kernel names (oracle README). */
	assert_string_equal(iok_scenario_errno_name(-IOK_EPROBE_DEFER), "EPROBE_DEFER");
	assert_string_equal(iok_scenario_errno_name(517), "EPROBE_DEFER");
	assert_string_equal(iok_scenario_errno_name(524), "ENOTSUPP");
	assert_string_equal(iok_scenario_errno_name(EOPNOTSUPP), "EOPNOTSUPP");
	assert_null(iok_scenario_errno_name(4000));
	assert_null(iok_scenario_errno_name(0));
	/* Aliases are read, and numbers. */
	assert_int_equal(iok_scenario_errno_parse("ENOTSUP"), EOPNOTSUPP);
	assert_int_equal(iok_scenario_errno_parse("EWOULDBLOCK"), EAGAIN);
	assert_int_equal(iok_scenario_errno_parse("EDEADLOCK"), EDEADLK);
	assert_int_equal(iok_scenario_errno_parse("ENOTSUPP"), 524);
	assert_int_equal(iok_scenario_errno_parse("16"), 16);
	assert_int_equal(iok_scenario_errno_parse("-16"), 16);
	assert_int_equal(iok_scenario_errno_parse("EFOO"), -EINVAL);
	assert_int_equal(iok_scenario_errno_parse("ebusy"), -EINVAL);
	assert_int_equal(iok_scenario_errno_parse("0"), -EINVAL);
	assert_int_equal(iok_scenario_errno_parse(""), -EINVAL);
	assert_int_equal(iok_scenario_errno_parse(NULL), -EINVAL);
	/* Every name printed is read back as its number. */
	for (e = 1; e < 600; e++) {
		const char *name = iok_scenario_errno_name(e);

		if (name)
			assert_int_equal(iok_scenario_errno_parse(name), e);
	}
}

/* ---- the registry --------------------------------------------------------- */

static void registry_unique_and_documented(void **state)
{
	const char *family, *usage, *help, *usage2;
	unsigned int i, j, n = 0;

	for (i = 0; !iok_scenario_get_command(i, &family, &usage, &help); i++) {
		size_t len = strcspn(usage, " ");

		n++;
		assert_non_null(family);
		assert_true(len > 0);
		assert_true(help && *help);
		for (j = 0; j < i; j++) {
			assert_int_equal(iok_scenario_get_command(j, NULL, &usage2, NULL), 0);
			if (strcspn(usage2, " ") == len && !strncmp(usage, usage2, len))
				fail_msg("command %.*s twice", (int)len, usage);
		}
	}
	assert_true(n >= 30);
	assert_int_equal(iok_scenario_get_command(n, &family, &usage, &help), -ENOENT);
	/* The usage starts with the name the runner dispatches on. */
	for (const struct iok_scn_cmd *c = iok_scn_cmds_core; c->name; c++) {
		assert_int_equal(strncmp(c->usage, c->name, strlen(c->name)), 0);
		assert_true(c->max_args < 0 || c->max_args >= c->min_args);
	}
}

/* ---- family state ---------------------------------------------------------- */

static int freed_a, freed_b;

static void free_a(void *p)
{
	freed_a++;
	free(p);
}

static void free_b(void *p)
{
	freed_b++;
	free(p);
}

static void ext_slots(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_scn *s;
	void *a = malloc(8), *a2 = malloc(8), *b = malloc(8);

	freed_a = freed_b = 0;
	assert_int_equal(iok_scn_new(ctx, NULL, &s), 0);
	assert_null(iok_scn_ext_get(s, IOK_SCN_EXT_VFIO));
	iok_scn_ext_set(s, IOK_SCN_EXT_VFIO, a, free_a);
	iok_scn_ext_set(s, IOK_SCN_EXT_FABRIC, b, free_b);
	assert_ptr_equal(iok_scn_ext_get(s, IOK_SCN_EXT_VFIO), a);
	assert_null(iok_scn_ext_get(s, IOK_SCN_EXT_MAX));
	/* The same pointer again is not freed; a replacement frees the old one. */
	iok_scn_ext_set(s, IOK_SCN_EXT_VFIO, a, free_a);
	assert_int_equal(freed_a, 0);
	iok_scn_ext_set(s, IOK_SCN_EXT_VFIO, a2, free_a);
	assert_int_equal(freed_a, 1);
	/* A new topology frees every family's state. */
	assert_int_equal(iok_scn_run(s, "t.scn", "topology builtin:laptop\nboot\n"
				     "topology builtin:server\n"), 0);
	assert_int_equal(freed_a, 2);
	assert_int_equal(freed_b, 1);
	assert_null(iok_scn_ext_get(s, IOK_SCN_EXT_VFIO));
	iok_scn_ext_set(s, IOK_SCN_EXT_SVA, malloc(8), free_b);
	iok_scn_free(s);
	assert_int_equal(freed_b, 2);
	iok_unref(ctx);
}

/* ---- running ---------------------------------------------------------------- */

static void script_error_leaves_no_state(void **state)
{
	struct fx *f = *state;
	struct iok_machine *m;
	struct iok_domain *d, *x;
	struct iok_dev *dev;
	unsigned int before = 0, after = 0;
	int rc;

	rc = iok_scn_run(f->s, "t.scn",
			 "topology builtin:server\n"
			 "iommu_paging_domain_alloc d 04:00.0 => OK\n"
			 "iommu_group_claim_dma_owner 04:00.0 vfio => OK\n");
	assert_int_equal(rc, 0);
	assert_int_equal(iok_scn_machine(f->s, &m), 0);
	for (x = m->domains; x; x = x->next)
		before++;
	/* A used name must not cost a domain: checked before the allocation. */
	rc = iok_scn_run(f->s, "t.scn", "iommu_paging_domain_alloc vfio 04:00.0\n");
	assert_int_equal(rc, -EINVAL);
	assert_string_equal(iok_get_error(f->ctx), "t.scn:1: 'vfio' already names an owner");
	for (x = m->domains; x; x = x->next)
		after++;
	assert_int_equal(after, before);
	/* A bad last word must not leave the first ones done. */
	rc = iok_scn_run(f->s, "t.scn", "\n# comment\niommu_map d 0x1000 0x1000 4x\n");
	assert_int_equal(rc, -EINVAL);
	assert_string_equal(iok_get_error(f->ctx), "t.scn:3: '4x' is not a number "
			    "(C literal with an optional k, M, G or T)");
	assert_int_equal(iok_scn_domain(f->s, "d", &d), 0);
	assert_true(iok_iova_to_phys(d, 0x1000) == 0);
	/* An unknown device: the group keeps its owner and domain. */
	rc = iok_scn_run(f->s, "t.scn", "iommu_group_release_dma_owner 99:00.0\n");
	assert_int_equal(rc, -EINVAL);
	assert_int_equal(iok_dev_find(iok_machine_get_topo(m), "04:00.0", &dev), 0);
	assert_int_equal(iok_rgroup_get_owner_cnt(iok_dev_get_rgroup(m, dev)), 1);
	/* A refused claim (wrong kind) never reaches the library. */
	rc = iok_scn_run(f->s, "t.scn", "iommu_group_claim_dma_owner 01:00.0 d\n");
	assert_int_equal(rc, -EINVAL);
	assert_int_equal(iok_dev_find(iok_machine_get_topo(m), "01:00.0", &dev), 0);
	assert_int_equal(iok_rgroup_get_owner_cnt(iok_dev_get_rgroup(m, dev)), 0);
	assert_int_equal(iok_machine_check(m), 0);
}

struct events {
	unsigned int n;
	char op[8][128], result[8][128];
	enum iok_scenario_mark mark[8];
	bool topo[8];
	unsigned int nr_trace[8];
	char trace0[8][256];
	char msg[8][512];
};

static void on_event(const struct iok_scenario_event *ev, void *arg)
{
	struct events *e = arg;

	if (e->n >= 8)
		return;
	snprintf(e->op[e->n], sizeof(e->op[0]), "%s", ev->op);
	snprintf(e->result[e->n], sizeof(e->result[0]), "%s", ev->result);
	e->mark[e->n] = ev->mark;
	e->topo[e->n] = ev->topo != NULL;
	e->nr_trace[e->n] = ev->nr_trace;
	snprintf(e->trace0[e->n], sizeof(e->trace0[0]), "%s", ev->nr_trace ? ev->trace[0] : "");
	snprintf(e->msg[e->n], sizeof(e->msg[0]), "%s", ev->message ? ev->message : "");
	e->n++;
}

static void run_counts_and_events(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct events e = { 0 };
	struct iok_scenario_opts o = { .flags = IOK_SCENARIO_TRACE, .event = on_event,
				       .event_arg = &e };
	struct iok_scenario_stats st;
	int rc;

	/* The oracle's results.txt lines: comments, blanks, CRLF, marks after '#'. */
	rc = iok_scenario_run_string(ctx, "t.scn", NULL,
		"# a comment\r\n\n   \t\n"
		"topology   builtin:server\r\n"
		"echo  a   b => OK a b  # ok\n"
		"iommu_paging_domain_alloc d 01:00.0 => OK\n"
		"iommu_attach_device d 01:00.0 => EBUSY\n"
		"nosuchop 1 2 => ESCRIPT\n"
		"iommu_attach_group d 01:00.1\n"
		"show group 01:00.0 domain => OK domain=d\n", &o, &st);
	assert_int_equal(rc, 0);
	assert_int_equal(st.operations, 7);
	assert_int_equal(st.expectations, 5);
	assert_int_equal(st.met, 4);
	assert_int_equal(st.failed, 1);
	assert_int_equal(e.n, 7);
	assert_string_equal(e.op[0], "topology builtin:server");
	assert_string_equal(e.op[1], "echo a b");
	assert_string_equal(e.result[1], "OK a b");
	assert_int_equal(e.mark[1], IOK_SCENARIO_MET);
	/* The first operation that needs the machine builds it. */
	assert_false(e.topo[1]);
	assert_true(e.topo[2]);
	assert_string_equal(e.result[3], "EINVAL");
	assert_int_equal(e.mark[3], IOK_SCENARIO_FAILED);
	assert_string_equal(e.trace0[3], "why: group 30 of 0000:01:00.0 has 2 devices: "
			    "attach the group");
	assert_string_equal(e.result[4], "ESCRIPT");
	assert_int_equal(e.mark[4], IOK_SCENARIO_MET);
	assert_int_equal(e.mark[5], IOK_SCENARIO_NONE);
	assert_string_equal(e.trace0[5], "group 30: domain DMA-FQ -> d");
	assert_int_equal(e.mark[6], IOK_SCENARIO_MET);

	/* Strict: a failing operation without => fails. */
	o.flags |= IOK_SCENARIO_STRICT;
	o.event = NULL;
	rc = iok_scenario_run_string(ctx, "t.scn", NULL,
		"topology builtin:server\n"
		"iommu_paging_domain_alloc d 01:00.0\n"
		"iommu_attach_device d 01:00.0\n", &o, &st);
	assert_int_equal(rc, 0);
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.expectations, 0);

	/* A script error stops the run: the line after it never runs. */
	rc = iok_scenario_run_string(ctx, "t.scn", NULL,
		"echo one\nfrobnicate\necho three\n", NULL, &st);
	assert_int_equal(rc, -EINVAL);
	assert_string_equal(iok_get_error(ctx),
			    "t.scn:2: unknown operation 'frobnicate' (iommukit run --list)");
	assert_int_equal(st.operations, 2);
	iok_unref(ctx);
}

static void run_file_relative_topology(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_scenario_stats st;
	char dir[] = "/tmp/iok-scn-XXXXXX", path[128];
	FILE *f;
	int rc;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/m.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"schema\": 1, \"devices\": ["
	      "{\"bdf\": \"00:02.0\", \"id\": \"8086:5916\", \"class\": \"030000\"}]}", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/t.scn", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("topology json:m.json\nshow machine groups => OK groups=1\n", f);
	fclose(f);
	rc = iok_scenario_run_file(ctx, path, NULL, &st);
	assert_int_equal(rc, 0);
	assert_int_equal(st.met, 1);
	assert_int_equal(st.failed, 0);
	/* --topology replaces the script's topology. */
	rc = iok_scenario_run_file(ctx, path, &(struct iok_scenario_opts){
					   .topology = "builtin:laptop" }, &st);
	assert_int_equal(rc, 0);
	assert_int_equal(st.failed, 1);
	unlink(path);
	snprintf(path, sizeof(path), "%s/m.json", dir);
	unlink(path);
	rmdir(dir);
	/* A missing file is an errno, not a script error. */
	assert_int_equal(iok_scenario_run_file(ctx, "/nonexistent/x.scn", NULL, &st), -ENOENT);
	assert_int_equal(iok_scenario_run_file(ctx, "/tmp", NULL, &st), -EISDIR);
	assert_int_equal(iok_scenario_run_file(NULL, "x", NULL, &st), -EINVAL);
	iok_unref(ctx);
}

/* A broken invariant after an operation is a failure that names the line. */
static void invariant_failure_counts(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct events e = { 0 };
	struct iok_scenario_opts o = { .event = on_event, .event_arg = &e };
	struct iok_machine *m;
	struct iok_scn *s;
	struct iok_rgroup *rg;
	int cookie;

	assert_int_equal(iok_scn_new(ctx, &o, &s), 0);
	assert_int_equal(iok_scn_run(s, "t.scn", "topology builtin:server\nboot\n"), 0);
	assert_int_equal(iok_scn_machine(s, &m), 0);
	/* Break it behind the core's back: an owner without a count. */
	rg = iok_machine_find_rgroup(m, 30);
	assert_non_null(rg);
	rg->owner = &cookie;
	assert_int_equal(iok_scn_run(s, "t.scn", "echo x => OK x\n"), 0);
	rg->owner = NULL;
	assert_int_equal(e.n, 3);
	assert_int_equal(e.mark[2], IOK_SCENARIO_FAILED);
	assert_non_null(strstr(e.msg[2], "invariant broken after echo: "));
	assert_non_null(strstr(e.msg[2], "group 30"));
	iok_scn_free(s);
	iok_unref(ctx);
}

#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(expect_word_prefix),
		cmocka_unit_test(expect_wildcard),
		T(numbers_with_suffixes),
		T(numbers_refused),
		T(names_and_kinds),
		cmocka_unit_test(errno_names),
		cmocka_unit_test(registry_unique_and_documented),
		cmocka_unit_test(ext_slots),
		T(script_error_leaves_no_state),
		cmocka_unit_test(run_counts_and_events),
		cmocka_unit_test(run_file_relative_topology),
		cmocka_unit_test(invariant_failure_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
