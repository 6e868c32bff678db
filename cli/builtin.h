/* SPDX-License-Identifier: MIT */
/* The iommukit tool: subcommands and what they share. */
#ifndef IOK_CLI_BUILTIN_H
#define IOK_CLI_BUILTIN_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include <iommukit/iommukit.h>

/* Exit codes: 0 success, 1 a check failed or a difference found, 2 bad input. */
enum { EXIT_DIFF = 1, EXIT_BAD_INPUT = 2 };

struct cli_opts {
	const char *source;
	const char *kernel;
	const char *iommu;
	const char *cmdline;
	const char *acs_override;
	const char *acs;
	const char *no_iommu;
	const char *slot;
	bool json;
	bool verbose;
	int color;		/* 0 never, 1 always, -1 auto */
};

/* Options every topology-reading subcommand takes; see cli_parse(). */
#define CLI_COMMON_LONGOPTS \
	{ "source", required_argument, NULL, 'S' }, \
	{ "kernel", required_argument, NULL, 'k' }, \
	{ "iommu", required_argument, NULL, 'I' }, \
	{ "cmdline", required_argument, NULL, 'c' }, \
	{ "acs-override", required_argument, NULL, 'O' }, \
	{ "acs", required_argument, NULL, 'A' }, \
	{ "no-iommu", required_argument, NULL, 'N' }, \
	{ "json", no_argument, NULL, 'j' }, \
	{ "color", optional_argument, NULL, 'C' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "help", no_argument, NULL, 'h' }

#define CLI_COMMON_HELP \
"  -S, --source SRC       sysfs[:ROOT] (default), lspci:FILE, json:FILE, builtin:NAME\n" \
"  -k, --kernel VER       follow the rules of Linux VER (6.1, 6.19, 7.0, ...)\n" \
"      --iommu KIND       intel, amd, arm, virtio or none\n" \
"      --cmdline STR      kernel command line (pci=config_acs=..., pci=disable_acs_redir=...)\n" \
"      --acs-override STR what-if: pcie_acs_override= of out-of-tree kernels\n" \
"      --acs MODE         final: config space holds the kernel's ACS; firmware: apply enabling\n" \
"      --no-iommu LIST    root buses (DDDD:BB) or subtrees (BDF) no IOMMU unit covers\n" \
"  -j, --json             JSON output (versioned schema)\n" \
"      --color[=WHEN]     auto, always or never (NO_COLOR is honoured)\n" \
"  -v, --verbose          more detail\n" \
"  -h, --help             this help\n"

/*
 * Parse common options plus @extra (getopt string of the subcommand);
 * unknown ones are handed to @fn. Return: index of the first operand, or -1
 * after printing an error.
 */
int cli_parse(int argc, char **argv, const char *usage, const struct option *extra_long,
	      const char *extra_short, struct cli_opts *o,
	      int (*fn)(int opt, const char *arg, void *data), void *data);

/* Load the topology that @o names and apply its parameters. */
int cli_load(struct iok_ctx *ctx, const struct cli_opts *o, struct iok_topo **topo);

/* Print "iommukit: <what>: <library message>" and return EXIT_BAD_INPUT. */
int cli_error(struct iok_ctx *ctx, const char *what, int rc);

/* Names from pci.ids ("Intel Corporation", "Ethernet controller"). */
const char *cli_vendor_name(uint16_t vendor, char *buf, size_t len);
const char *cli_device_name(uint16_t vendor, uint16_t device, char *buf, size_t len);
const char *cli_class_name(uint32_t class, char *buf, size_t len);
/* The lspci -nn style line: "Class [cccc]: Vendor Device [vvvv:dddd] (rev xx)". */
void cli_describe_dev(const struct iok_dev *d, char *buf, size_t len);
void cli_names_cleanup(void);

/* Colour: honours --color, NO_COLOR and whether stdout is a terminal. */
void cli_color_init(int mode);
const char *cli_c(const char *code);
#define C_BOLD cli_c("\033[1m")
#define C_RED cli_c("\033[31m")
#define C_GREEN cli_c("\033[32m")
#define C_YELLOW cli_c("\033[33m")
#define C_DIM cli_c("\033[2m")
#define C_RESET cli_c("\033[0m")

/* "root_port", "endpoint", ... for JSON; "conventional" when not PCIe. */
const char *cli_pcie_type_key(int type);
const char *cli_join_key(enum iok_join_kind kind);
const char *cli_acs_rule_key(enum iok_acs_rule rule);
/* "SV RR CR UF" style short bit list. */
char *cli_acs_short(char *buf, uint16_t bits);

/* Whether @d matches an lspci-style -s filter "[[domain:]bus:][slot][.func]". */
bool cli_slot_match(const char *filter, const struct iok_dev *d);
int cli_slot_check(const char *filter);

int cmd_groups(int argc, char **argv, struct iok_ctx *ctx);
int cmd_explain(int argc, char **argv, struct iok_ctx *ctx);
int cmd_sources(int argc, char **argv, struct iok_ctx *ctx);
int cmd_plan(int argc, char **argv, struct iok_ctx *ctx);
int cmd_run(int argc, char **argv, struct iok_ctx *ctx);

#endif
