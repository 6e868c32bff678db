// SPDX-License-Identifier: MIT
/* iommukit: the command-line tool. One subcommand per file; this is the table. */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "cli/builtin.h"

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct iok_ctx *ctx);
	const char *summary;
};

static const struct cmd commands[] = {
	{ "groups", cmd_groups, "list IOMMU groups as Linux forms them" },
	{ "explain", cmd_explain, "explain why a device is in its group, hop by hop" },
	{ "sources", cmd_sources, "list topology sources and built-in topologies" },
	{ "plan", cmd_plan, "plan (and --apply) the driver changes that give devices to VFIO" },
	{ "run", cmd_run, "run scenario files: operations with expected results" },
};

static void usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "usage: iommukit [--version] [--help] COMMAND [ARGS]\n\n"
		   "With no command, runs 'groups' on this machine (or on builtin:server\n"
		   "when the machine has no PCI sysfs).\n\nCommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'iommukit COMMAND --help' describes a command.\n");
}

int main(int argc, char **argv)
{
	struct iok_ctx *ctx;
	unsigned int i;
	int rc;

	if (argc > 1 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version"))) {
		printf("iommukit %s\n", IOK_VERSION);
		return 0;
	}
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))) {
		usage(stdout);
		return 0;
	}
	if (iok_new(&ctx) < 0) {
		fprintf(stderr, "iommukit: out of memory\n");
		return EXIT_BAD_INPUT;
	}
	if (argc < 2 || argv[1][0] == '-') {
		/* Bare options go to the default command. */
		rc = cmd_groups(argc, argv, ctx);
		goto out;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		rc = commands[i].fn(argc - 1, argv + 1, ctx);
		goto out;
	}
	fprintf(stderr, "iommukit: '%s' is not a command\n\n", argv[1]);
	usage(stderr);
	rc = EXIT_BAD_INPUT;
out:
	cli_names_cleanup();
	iok_unref(ctx);
	return rc;
}
