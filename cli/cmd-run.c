// SPDX-License-Identifier: MIT
/*
 * iommukit run: execute scenario files (docs/scenarios.md). The transcript
 * is the kernel oracle's results.txt format, so its output can be read, and
 * run again, as a scenario.
 */
#include <stdlib.h>
#include <string.h>

#include <iommukit/scenario.h>

#include "cli/json.h"

static const char run_usage[] =
	"usage: iommukit run [options] FILE...\n"
	"       iommukit run --list\n\n"
	"Run scenario files: one operation per line, `OP ARGS... => EXPECTED` asserts the\n"
	"result. Exit status: 0 all met, 1 an expectation or invariant failed, 2 a script\n"
	"error (FILE:LINE: message) or an unreadable file.\n";

static const char run_help[] =
	"  -t, --trace            show what the core did under each operation\n"
	"  -v, --verbose          --trace, plus the groups at boot\n"
	"  -s, --strict           an operation without => that fails is a failure\n"
	"  -T, --topology SRC     replace the scripts' topology (replay an oracle transcript)\n"
	"  -S, --source SRC       the same as --topology\n"
	"  -k, --kernel VER       as if each script began with `kernel VER`\n"
	"      --iommu KIND       as if each began with `iommu KIND` (intel,aw=39: 39-bit units)\n"
	"      --cmdline STR      as if each began with `cmdline STR`\n"
	"      --acs-override STR, --acs MODE, --no-iommu LIST\n"
	"                         as if each began with `param acs_override|acs|no_iommu ...`\n"
	"  -q, --quiet            no transcript: failures and the summary only\n"
	"  -l, --list             every command of every family, with usage\n"
	"  -j, --json             JSON output (versioned schema)\n"
	"      --color[=WHEN]     auto, always or never (NO_COLOR is honoured)\n"
	"  -h, --help             this help\n";

/* Topology options of the other commands: "KEY=VALUE" for the runner. */
#define RUN_MAX_PARAMS 16

struct run {
	unsigned int flags;
	const char *topology, *kernel;
	char *params[RUN_MAX_PARAMS + 1];
	unsigned int nr_params;
	bool quiet, list, json;
	int color;
	struct json_object *ops;	/* operations of the current file (JSON) */
	struct json_object *machine;
};

static const char *mark_key(enum iok_scenario_mark m)
{
	return m == IOK_SCENARIO_MET ? "met" : m == IOK_SCENARIO_FAILED ? "failed" : "none";
}

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void on_event(const struct iok_scenario_event *ev, void *arg)
{
	struct run *r = arg;
	struct json_object *o = json_object_new_object(), *tr = json_object_new_array();
	unsigned int i;

	if (ev->topo && !r->machine) {
		r->machine = json_object_new_object();
		json_object_object_add(r->machine, "source", jstr(iok_topo_get_source(ev->topo)));
		json_object_object_add(r->machine, "kernel",
				       jstr(iok_topo_get_param(ev->topo, "kernel")));
		json_object_object_add(r->machine, "iommu",
				       jstr(iok_topo_get_param(ev->topo, "iommu")));
		json_object_object_add(r->machine, "cmdline",
				       jstr(iok_topo_get_param(ev->topo, "cmdline")));
	}
	json_object_object_add(o, "line", json_object_new_int(ev->line));
	json_object_object_add(o, "op", jstr(ev->op));
	json_object_object_add(o, "result", jstr(ev->result));
	json_object_object_add(o, "expected", jstr(ev->expected));
	json_object_object_add(o, "status", json_object_new_string(mark_key(ev->mark)));
	json_object_object_add(o, "message", jstr(ev->message));
	for (i = 0; i < ev->nr_trace; i++)
		json_object_array_add(tr, json_object_new_string(ev->trace[i]));
	json_object_object_add(o, "trace", tr);
	json_object_array_add(r->ops, o);
}

static int add_param(struct run *r, const char *key, const char *value)
{
	if (r->nr_params == RUN_MAX_PARAMS) {
		fprintf(stderr, "iommukit: more than %d topology options\n", RUN_MAX_PARAMS);
		return -1;
	}
	if (asprintf(&r->params[r->nr_params], "%s=%s", key, value) < 0) {
		r->params[r->nr_params] = NULL;
		fprintf(stderr, "iommukit: out of memory\n");
		return -1;
	}
	r->nr_params++;
	return 0;
}

static void run_free(struct run *r)
{
	while (r->nr_params)
		free(r->params[--r->nr_params]);
}

static int parse_opts(int argc, char **argv, struct run *r)
{
	static const struct option longopts[] = {
		{ "trace", no_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "strict", no_argument, NULL, 's' },
		{ "topology", required_argument, NULL, 'T' },
		{ "source", required_argument, NULL, 'S' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "iommu", required_argument, NULL, 'I' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "acs-override", required_argument, NULL, 'O' },
		{ "acs", required_argument, NULL, 'A' },
		{ "no-iommu", required_argument, NULL, 'N' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "list", no_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "color", optional_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	r->color = -1;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "tvsT:S:k:qljh", longopts, NULL)) != -1) {
		switch (opt) {
		case 't': r->flags |= IOK_SCENARIO_TRACE; break;
		case 'v': r->flags |= IOK_SCENARIO_TRACE | IOK_SCENARIO_VERBOSE; break;
		case 's': r->flags |= IOK_SCENARIO_STRICT; break;
		case 'T': case 'S': r->topology = optarg; break;
		case 'k': r->kernel = optarg; break;
		case 'I': case 'c': case 'O': case 'A': case 'N':
			if (add_param(r, opt == 'I' ? "iommu" : opt == 'c' ? "cmdline" :
					 opt == 'O' ? "acs_override" : opt == 'A' ? "acs" :
					 "no_iommu", optarg))
				return -1;
			break;
		case 'q': r->quiet = true; break;
		case 'l': r->list = true; break;
		case 'j': r->json = true; break;
		case 'C':
			if (!optarg || !strcmp(optarg, "always"))
				r->color = 1;
			else if (!strcmp(optarg, "never"))
				r->color = 0;
			else if (!strcmp(optarg, "auto"))
				r->color = -1;
			else {
				fprintf(stderr, "iommukit: --color takes auto, always or never, "
					"not '%s'\n", optarg);
				return -1;
			}
			break;
		case 'h':
			printf("%s\nOptions:\n%s", run_usage, run_help);
			exit(0);
		default:
			fprintf(stderr, "%s", run_usage);
			return -1;
		}
	}
	cli_color_init(r->color);
	return optind;
}

static int list_commands(bool json)
{
	const char *family, *usage, *help, *last = NULL;
	struct json_object *doc = NULL, *cmds = NULL;
	unsigned int i;

	if (json) {
		doc = json_object_new_object();
		cmds = json_object_new_array();
		json_object_object_add(doc, "schema", json_object_new_int(CLI_JSON_SCHEMA));
	}
	for (i = 0; !iok_scenario_get_command(i, &family, &usage, &help); i++) {
		if (json) {
			struct json_object *o = json_object_new_object();
			size_t n = strcspn(usage, " ");

			json_object_object_add(o, "family", json_object_new_string(family));
			json_object_object_add(o, "name", json_object_new_string_len(usage, n));
			json_object_object_add(o, "usage", json_object_new_string(usage));
			json_object_object_add(o, "help", json_object_new_string(help));
			json_object_array_add(cmds, o);
			continue;
		}
		if (!last || strcmp(last, family))
			printf("%s%s%s:\n", last ? "\n" : "", C_BOLD, family), printf("%s", C_RESET);
		last = family;
		printf("  %s\n      %s\n", usage, help);
	}
	if (json) {
		json_object_object_add(doc, "commands", cmds);
		cli_json_print(doc);
	}
	return 0;
}

static void print_summary(const char *what, unsigned int files,
			  const struct iok_scenario_stats *st, unsigned int errors)
{
	printf("%s# %s: ", st->failed || errors ? C_RED : C_GREEN, what);
	if (files)
		printf("%u file%s, ", files, files == 1 ? "" : "s");
	printf("%u operation%s, %u expectation%s met, %u failed", st->operations,
	       st->operations == 1 ? "" : "s", st->met, st->met == 1 ? "" : "s", st->failed);
	if (errors)
		printf(", %u script error%s", errors, errors == 1 ? "" : "s");
	printf("%s\n", C_RESET);
}

static void add_stats(struct iok_scenario_stats *sum, const struct iok_scenario_stats *st)
{
	sum->operations += st->operations;
	sum->expectations += st->expectations;
	sum->met += st->met;
	sum->failed += st->failed;
}

static struct json_object *json_stats(const struct iok_scenario_stats *st)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "operations", json_object_new_int(st->operations));
	json_object_object_add(o, "expectations", json_object_new_int(st->expectations));
	json_object_object_add(o, "met", json_object_new_int(st->met));
	json_object_object_add(o, "failed", json_object_new_int(st->failed));
	return o;
}

int cmd_run(int argc, char **argv, struct iok_ctx *ctx)
{
	struct iok_scenario_stats sum = { 0 };
	struct json_object *doc = NULL, *files = NULL;
	struct iok_scenario_opts opts = { 0 };
	unsigned int errors = 0;
	struct run r = { 0 };
	int first, i, rc;

	first = parse_opts(argc, argv, &r);
	if (first < 0 || (!r.list && first >= argc)) {
		if (first >= 0)
			fprintf(stderr, "%s", run_usage);
		run_free(&r);
		return EXIT_BAD_INPUT;
	}
	if (r.list) {
		run_free(&r);
		return list_commands(r.json);
	}
	opts.flags = r.flags;
	opts.topology = r.topology;
	opts.kernel = r.kernel;
	opts.params = (const char *const *)r.params;
	opts.err = stderr;
	if (*C_RED)
		opts.flags |= IOK_SCENARIO_COLOR;
	if (r.json) {
		doc = json_object_new_object();
		files = json_object_new_array();
		json_object_object_add(doc, "schema", json_object_new_int(CLI_JSON_SCHEMA));
		opts.event = on_event;
		opts.event_arg = &r;
	} else if (!r.quiet) {
		opts.out = stdout;
	}
	for (i = first; i < argc; i++) {
		struct iok_scenario_stats st = { 0 };
		struct json_object *jf;

		if (opts.out && argc - first > 1)
			printf("%s# == %s%s\n", C_BOLD, argv[i], C_RESET);
		r.ops = json_object_new_array();
		r.machine = NULL;
		rc = iok_scenario_run_file(ctx, argv[i], &opts, &st);
		add_stats(&sum, &st);
		if (rc) {
			errors++;
			fflush(stdout);
			fprintf(stderr, "%s\n", iok_get_error(ctx));
		}
		if (!r.json) {
			json_object_put(r.ops);
			if (opts.out || st.failed || rc)
				print_summary(argv[i], 0, &st, rc ? 1 : 0);
			continue;
		}
		jf = json_object_new_object();
		json_object_object_add(jf, "file", json_object_new_string(argv[i]));
		json_object_object_add(jf, "status", json_object_new_string(
			rc ? "error" : st.failed ? "failed" : "passed"));
		json_object_object_add(jf, "error", rc ? jstr(iok_get_error(ctx)) : NULL);
		json_object_object_add(jf, "machine", r.machine);
		json_object_object_add(jf, "operations", r.ops);
		json_object_object_add(jf, "summary", json_stats(&st));
		json_object_array_add(files, jf);
	}
	if (r.json) {
		struct json_object *js = json_stats(&sum);

		json_object_object_add(js, "files", json_object_new_int(argc - first));
		json_object_object_add(js, "errors", json_object_new_int(errors));
		json_object_object_add(doc, "files", files);
		json_object_object_add(doc, "summary", js);
		cli_json_print(doc);
	} else if (argc - first > 1) {
		print_summary("total", argc - first, &sum, errors);
	} else if (r.quiet && !sum.failed && !errors) {
		print_summary(argv[first], 0, &sum, 0);
	}
	run_free(&r);
	return errors ? EXIT_BAD_INPUT : sum.failed ? EXIT_DIFF : 0;
}
