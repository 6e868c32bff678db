// SPDX-License-Identifier: MIT
/*
 * The scenario runner: reads a script line by line, dispatches each
 * operation to its command family, turns the answer into the oracle's
 * "op => RESULT", checks the expectation and the machine's invariants, and
 * reports. Expectations that fail are counted and the run goes on; a
 * mistake in the script stops it, since what follows would mean nothing.
 */
#include <libgen.h>
#include <stdio.h>
#include <sys/stat.h>

#include "lib/scenario/runner.h"

#define MAX_WORDS 256

IOK_EXPORT int iok_scenario_get_command(unsigned int i, const char **family,
					const char **usage, const char **help)
{
	const struct iok_scn_family *f;
	const struct iok_scn_cmd *c;

	for (f = iok_scn_families; f->name; f++) {
		for (c = f->cmds; c->name; c++) {
			if (i--)
				continue;
			if (family)
				*family = f->name;
			if (usage)
				*usage = c->usage ? c->usage : c->name;
			if (help)
				*help = c->help ? c->help : "";
			return 0;
		}
	}
	return -ENOENT;
}

static const struct iok_scn_cmd *find_cmd(const char *name)
{
	const struct iok_scn_family *f;
	const struct iok_scn_cmd *c;

	for (f = iok_scn_families; f->name; f++)
		for (c = f->cmds; c->name; c++)
			if (!strcmp(c->name, name))
				return c;
	return NULL;
}

/* ---- what commands call ------------------------------------------------- */

struct iok_ctx *iok_scn_ctx(struct iok_scn *s)
{
	return s->ctx;
}

const char *iok_scn_dir(struct iok_scn *s)
{
	return s->dir ? s->dir : ".";
}

int iok_scn_error(struct iok_scn *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
	s->error_line = s->line;
	return IOK_SCN_ESCRIPT;
}

void iok_scn_printf(struct iok_scn_res *res, const char *fmt, ...)
{
	size_t off = strlen(res->value);
	va_list ap;

	if (off && off + 1 < sizeof(res->value))
		res->value[off++] = ' ';
	if (off >= sizeof(res->value) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(res->value + off, sizeof(res->value) - off, fmt, ap);
	va_end(ap);
}

void iok_scn_trace(struct iok_scn *s, const char *fmt, ...)
{
	va_list ap;
	char *line;

	if (!(s->opts.flags & IOK_SCENARIO_TRACE))
		return;
	if (s->nr_trace == s->alloc_trace) {
		unsigned int alloc = s->alloc_trace ? 2 * s->alloc_trace : 8;
		char **p = realloc(s->trace, alloc * sizeof(*p));

		if (!p)
			return;
		s->trace = p;
		s->alloc_trace = alloc;
	}
	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	if (line)
		s->trace[s->nr_trace++] = line;
}

static void trace_clear(struct iok_scn *s)
{
	while (s->nr_trace)
		free(s->trace[--s->nr_trace]);
}

int iok_scn_dev(struct iok_scn *s, const char *bdf, struct iok_dev **out)
{
	struct iok_machine *m;
	int rc = iok_scn_machine(s, &m);

	if (rc)
		return rc;
	rc = iok_dev_find(s->topo, bdf, out);
	if (rc == -ENODEV)
		return iok_scn_error(s, "no device %s in the topology", bdf);
	if (rc)
		return iok_scn_error(s, "'%s' is not a BDF (BB:DD.F or DDDD:BB:DD.F)", bdf);
	return 0;
}

/* ---- building the machine ----------------------------------------------- */

static int apply_params(struct iok_scn *s, struct iok_topo *topo)
{
	unsigned int i;
	int rc;

	for (i = 0; i < s->nr_params; i++) {
		struct scn_param *p = &s->params[i];

		rc = iok_topo_set_param(topo, p->key, p->value);
		if (rc) {
			rc = iok_scn_error(s, "%s%s %s: %s", p->line ? "" : "--", p->key,
					   p->value, iok_get_error(s->ctx));
			/* The line that gave the parameter, not the one that booted. */
			if (p->line)
				s->error_line = p->line;
			return rc;
		}
	}
	return 0;
}

int iok_scn_machine(struct iok_scn *s, struct iok_machine **out)
{
	const char *src = s->opts.topology ? s->opts.topology : s->source;
	struct iok_topo *topo;
	struct iok_machine *m;
	int rc;

	if (s->m) {
		*out = s->m;
		return 0;
	}
	if (!src)
		return iok_scn_error(s, "no topology: start the script with `topology SOURCE` "
				     "(builtin:server, json:FILE, lspci:FILE, sysfs:DIR)");
	rc = iok_topo_load(s->ctx, src, &topo);
	if (rc) {
		rc = iok_scn_error(s, "topology: %s", iok_get_error(s->ctx));
		if (!s->opts.topology)
			s->error_line = s->source_line;
		return rc;
	}
	rc = apply_params(s, topo);
	if (rc) {
		iok_topo_unref(topo);
		return rc;
	}
	rc = s->drivers ? iok_machine_new_drivers(topo, s->drivers, &m)
			: iok_machine_new(topo, &m);
	if (rc) {
		rc = iok_scn_error(s, "the machine of %s did not boot: %s", src,
				   iok_get_error(s->ctx));
		iok_topo_unref(topo);
		return rc;
	}
	s->topo = topo;
	s->m = m;
	s->booted_now = true;
	s->boot_line = s->line;
	*out = m;
	return 0;
}

/* ---- expectations ------------------------------------------------------- */

static const char *next_word(const char *p, size_t *len)
{
	while (*p == ' ' || *p == '\t')
		p++;
	*len = strcspn(p, " \t");
	return p;
}

/*
 * Expected words must equal the result's first words ("=> OK" accepts
 * "OK size=0x1000"); "*" stands for any one word.
 */
bool iok_scn_expect_match(const char *expected, const char *result)
{
	const char *e = expected, *r = result;
	unsigned int n = 0;
	size_t el, rl;

	if (!expected || !result)
		return false;
	for (;; n++) {
		e = next_word(e, &el);
		r = next_word(r, &rl);
		if (!el)
			return n > 0;
		if (!rl)
			return false;
		if (!(el == 1 && *e == '*') && (el != rl || strncmp(e, r, el)))
			return false;
		e += el;
		r += rl;
	}
}

bool scn_expect_match(const char *expected, const char *result)
{
	return iok_scn_expect_match(expected, result);
}

/* ---- output ------------------------------------------------------------- */

#define COL(s, code) (((s)->opts.flags & IOK_SCENARIO_COLOR) ? (code) : "")
#define RESET "\033[0m"

static void out_line(struct iok_scn *s, const char *text, size_t len)
{
	if (s->opts.out)
		fprintf(s->opts.out, "%.*s\n", (int)len, text);
}

static void report(struct iok_scn *s, struct iok_scenario_event *ev)
{
	FILE *f = s->opts.out;
	unsigned int i;

	if (f) {
		const char *col = ev->mark == IOK_SCENARIO_MET ? "\033[32m" :
				  ev->mark == IOK_SCENARIO_FAILED ? "\033[1;31m" : "";

		fprintf(f, "%s => %s%s%s", ev->op, COL(s, col), ev->result,
			*col ? COL(s, RESET) : "");
		if (ev->mark == IOK_SCENARIO_MET)
			fprintf(f, "  %s# ok%s", COL(s, "\033[32m"), COL(s, RESET));
		else if (ev->mark == IOK_SCENARIO_FAILED)
			fprintf(f, "  %s# FAILED: %s%s", COL(s, "\033[1;31m"), ev->message,
				COL(s, RESET));
		fputc('\n', f);
		for (i = 0; i < ev->nr_trace; i++)
			fprintf(f, "    %s# %s%s\n", COL(s, "\033[2m"), ev->trace[i],
				COL(s, RESET));
	}
	if (ev->mark == IOK_SCENARIO_FAILED && s->opts.err) {
		if (f)
			fflush(f);
		fprintf(s->opts.err, "%s:%u: %s\n", ev->file, ev->line, ev->message);
	}
	if (s->opts.event)
		s->opts.event(ev, s->opts.event_arg);
}

/* ---- one line ----------------------------------------------------------- */

struct line {
	char *words[MAX_WORDS];
	unsigned int nr_words;
	unsigned int nr_op;	/* words before "=>" */
	bool has_expect;
	char op[4096];
	char expected[1024];
};

static int join(char *buf, size_t len, char **words, unsigned int n)
{
	size_t off = 0;
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < n; i++) {
		int w = snprintf(buf + off, len - off, "%s%s", i ? " " : "", words[i]);

		if (w < 0 || (size_t)w >= len - off)
			return -E2BIG;
		off += w;
	}
	return 0;
}

/* Split @text (modified) into words, the operation and what is expected. */
static int parse_line(struct iok_scn *s, char *text, struct line *l)
{
	char *p = text, *save = NULL, *w;
	unsigned int i;

	memset(l, 0, offsetof(struct line, op));
	for (w = strtok_r(p, " \t\r\v\f", &save); w; w = strtok_r(NULL, " \t\r\v\f", &save)) {
		if (l->nr_words == MAX_WORDS)
			return iok_scn_error(s, "more than %d words on one line", MAX_WORDS);
		l->words[l->nr_words++] = w;
	}
	l->nr_op = l->nr_words;
	for (i = 0; i < l->nr_words; i++) {
		if (strcmp(l->words[i], "=>"))
			continue;
		l->nr_op = i;
		l->has_expect = true;
		break;
	}
	if (!l->nr_op)
		return iok_scn_error(s, "no operation before =>");
	if (join(l->op, sizeof(l->op), l->words, l->nr_op))
		return iok_scn_error(s, "line too long");
	if (!l->has_expect)
		return 0;
	/* After the expected words, '#' starts a comment (the output's marks). */
	for (i = l->nr_op + 1; i < l->nr_words && l->words[i][0] != '#'; i++)
		;
	if (i == l->nr_op + 1)
		return iok_scn_error(s, "nothing expected after =>");
	if (join(l->expected, sizeof(l->expected), l->words + l->nr_op + 1,
		 i - l->nr_op - 1))
		return iok_scn_error(s, "expectation too long");
	return 0;
}

static int dispatch(struct iok_scn *s, struct line *l, struct iok_scn_res *res)
{
	const struct iok_scn_cmd *c = find_cmd(l->words[0]);
	int argc = l->nr_op - 1;

	if (!c)
		return iok_scn_error(s, "unknown operation '%s' (iommukit run --list)",
				     l->words[0]);
	if (argc < c->min_args || (c->max_args >= 0 && argc > c->max_args)) {
		bool exact = c->min_args == c->max_args;
		int n = argc < c->min_args ? c->min_args : c->max_args;

		return iok_scn_error(s, "%s takes %s%d argument%s, not %d (usage: %s)", c->name,
				     exact ? "" : argc < c->min_args ? "at least " : "at most ",
				     n, n == 1 ? "" : "s", argc, c->usage ? c->usage : c->name);
	}
	return c->fn(s, argc + 1, l->words, res);
}

static void format_result(int rc, const struct iok_scn_res *res, char *buf, size_t len)
{
	const char *name;

	if (rc == IOK_SCN_ESCRIPT) {
		snprintf(buf, len, "ESCRIPT");
		return;
	}
	if (rc == IOK_SCN_STATUS) {
		/* A status word of the command's own, such as the oracle's PENDING. */
		snprintf(buf, len, "%s", res->value[0] ? res->value : "NO-RESULT");
		return;
	}
	if (rc >= 0) {
		snprintf(buf, len, "OK%s%s", res->value[0] ? " " : "", res->value);
		return;
	}
	name = scn_errno_name(rc);
	if (name)
		snprintf(buf, len, "%s%s%s", name, res->value[0] ? " " : "", res->value);
	else
		snprintf(buf, len, "E%d%s%s", -rc, res->value[0] ? " " : "", res->value);
}

/* Return: 0 to go on, or IOK_SCN_ESCRIPT to stop with s->error. */
static int run_op(struct iok_scn *s, struct line *l)
{
	struct iok_scenario_event ev = { .file = s->file, .line = s->line };
	struct iok_scn_res res = { { 0 } };
	char result[sizeof(res.value) + 64], msg[3072] = "";
	bool tracing = s->opts.flags & IOK_SCENARIO_TRACE;
	int rc;

	s->ctx->error[0] = 0;
	s->error[0] = 0;
	s->booted_now = false;
	trace_clear(s);
	if (tracing)
		scn_snap_take(s, &s->before);
	rc = dispatch(s, l, &res);
	format_result(rc, &res, result, sizeof(result));
	s->stats.operations++;

	if (rc == IOK_SCN_ESCRIPT)
		iok_scn_trace(s, "script error: %s", s->error);
	else if (rc < 0 && rc != IOK_SCN_STATUS && s->ctx->error[0] &&
		 !(s->m && s->before.valid &&
		   iok_machine_get_warnings(s->m) > s->before.warnings))
		iok_scn_trace(s, "why: %s", s->ctx->error);	/* a WARN line says it */
	if (tracing)
		scn_snap_diff(s, &s->before);

	ev.op = l->op;
	ev.result = result;
	ev.expected = l->has_expect ? l->expected : NULL;
	ev.topo = s->booted_now ? s->topo : NULL;
	if (rc == IOK_SCN_ESCRIPT && !(l->has_expect && !strcmp(l->expected, "ESCRIPT")))
		return IOK_SCN_ESCRIPT;

	if (l->has_expect) {
		s->stats.expectations++;
		if (iok_scn_expect_match(l->expected, result)) {
			ev.mark = IOK_SCENARIO_MET;
			s->stats.met++;
		} else {
			ev.mark = IOK_SCENARIO_FAILED;
			snprintf(msg, sizeof(msg), "expected %s, got %s", l->expected, result);
		}
	} else if ((s->opts.flags & IOK_SCENARIO_STRICT) && rc < 0 && rc != IOK_SCN_STATUS) {
		ev.mark = IOK_SCENARIO_FAILED;
		snprintf(msg, sizeof(msg), "expected OK, got %s (strict: no =>)", result);
	}
	if (s->m && iok_machine_check(s->m)) {
		size_t off = strlen(msg);

		ev.mark = IOK_SCENARIO_FAILED;
		snprintf(msg + off, sizeof(msg) - off, "%sinvariant broken after %s: %s",
			 off ? "; " : "", l->words[0], iok_get_error(s->ctx));
	}
	if (ev.mark == IOK_SCENARIO_FAILED)
		s->stats.failed++;
	ev.message = msg[0] ? msg : NULL;
	ev.trace = (const char *const *)s->trace;
	ev.nr_trace = s->nr_trace;
	report(s, &ev);
	return 0;
}

/* ---- a whole script ----------------------------------------------------- */

int iok_scn_run(struct iok_scn *s, const char *name, const char *text)
{
	const char *p = text;
	unsigned int lineno = 0;
	struct line *l;
	int rc = 0;

	if (!s || !name || !text)
		return -EINVAL;
	l = malloc(sizeof(*l));
	if (!l)
		return -ENOMEM;
	s->file = name;
	s->line = 0;
	while (*p) {
		size_t len = strcspn(p, "\n");
		const char *q = p;
		char *buf;

		s->line = ++lineno;
		while (q < p + len && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q == p + len || *q == '#') {
			/* Comments and blank lines are copied, as the oracle does. */
			out_line(s, p, len && p[len - 1] == '\r' ? len - 1 : len);
		} else {
			buf = strndup(p, len);
			if (!buf) {
				rc = -ENOMEM;
				break;
			}
			rc = parse_line(s, buf, l);
			if (!rc)
				rc = run_op(s, l);
			free(buf);
			if (rc)
				break;
		}
		p += len + (p[len] == '\n');
	}
	trace_clear(s);
	free(l);
	if (rc == IOK_SCN_ESCRIPT)
		return iok_fail(s->ctx, -EINVAL, "%s:%u: %s", s->file, s->error_line,
				s->error[0] ? s->error : "script error");
	return rc;
}

/* ---- lifetime ----------------------------------------------------------- */

/* The caller's "KEY=VALUE" parameters; a bad key shows when the machine is built. */
static int opts_params(struct iok_scn *s)
{
	const char *const *kv;
	int rc = 0;

	for (kv = s->opts.params; kv && *kv && !rc; kv++) {
		const char *eq = strchr(*kv, '=');
		char *key;

		if (!eq || eq == *kv)
			return iok_fail(s->ctx, -EINVAL, "parameter '%s' is not KEY=VALUE", *kv);
		key = strndup(*kv, eq - *kv);
		if (!key)
			return -ENOMEM;
		rc = strcmp(key, "iommu") ? scn_param_add(s, key, eq + 1, !strcmp(key, "cmdline"))
					  : scn_iommu_set(s, eq + 1);
		free(key);
	}
	return rc;
}

int iok_scn_new(struct iok_ctx *ctx, const struct iok_scenario_opts *opts, struct iok_scn **out)
{
	struct iok_scn *s;
	int rc;

	if (!ctx || !out)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->ctx = iok_ref(ctx);
	if (opts)
		s->opts = *opts;
	/* Line 0: given by the caller, before the script's own. */
	if (s->opts.kernel && scn_param_add(s, "kernel", s->opts.kernel, false)) {
		iok_scn_free(s);
		return -ENOMEM;
	}
	rc = opts_params(s);
	if (rc) {
		iok_scn_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void iok_scn_free(struct iok_scn *s)
{
	unsigned int i;

	if (!s)
		return;
	scn_machine_free(s);
	for (i = 0; i < s->nr_params; i++) {
		free(s->params[i].key);
		free(s->params[i].value);
	}
	free(s->params);
	trace_clear(s);
	free(s->trace);
	free(s->source);
	free(s->drivers);
	free(s->dir);
	iok_unref(s->ctx);
	free(s);
}

IOK_EXPORT int iok_scenario_run_string(struct iok_ctx *ctx, const char *name, const char *dir,
				       const char *text, const struct iok_scenario_opts *opts,
				       struct iok_scenario_stats *stats)
{
	struct iok_scn *s;
	int rc;

	if (!ctx || !name || !text)
		return -EINVAL;
	rc = iok_scn_new(ctx, opts, &s);
	if (rc)
		return rc;
	if (dir) {
		s->dir = strdup(dir);
		if (!s->dir) {
			iok_scn_free(s);
			return -ENOMEM;
		}
	}
	rc = iok_scn_run(s, name, text);
	if (stats)
		*stats = s->stats;
	iok_scn_free(s);
	return rc;
}

static int read_all(struct iok_ctx *ctx, const char *path, char **out)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, n;
	int rc;

	if (!f)
		return iok_fail(ctx, -errno, "%s: %s", path, strerror(errno));
	for (;;) {
		char *p = realloc(buf, len + 65536 + 1);

		if (!p) {
			rc = -ENOMEM;
			goto fail;
		}
		buf = p;
		n = fread(buf + len, 1, 65536, f);
		len += n;
		if (n < 65536)
			break;
	}
	if (ferror(f)) {
		rc = iok_fail(ctx, -EIO, "%s: read error", path);
		goto fail;
	}
	buf[len] = 0;
	if (strlen(buf) != len) {
		rc = iok_fail(ctx, -EINVAL, "%s: a NUL byte: not a scenario", path);
		goto fail;
	}
	fclose(f);
	*out = buf;
	return 0;
fail:
	free(buf);
	fclose(f);
	return rc;
}

IOK_EXPORT int iok_scenario_run_file(struct iok_ctx *ctx, const char *path,
				     const struct iok_scenario_opts *opts,
				     struct iok_scenario_stats *stats)
{
	_cleanup_free_ char *text = NULL, *copy = NULL;
	struct stat st;
	int rc;

	if (!ctx || !path)
		return -EINVAL;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return iok_fail(ctx, -EISDIR, "%s: a directory, not a scenario", path);
	rc = read_all(ctx, path, &text);
	if (rc)
		return rc;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	return iok_scenario_run_string(ctx, path, dirname(copy), text, opts, stats);
}
