/* SPDX-License-Identifier: MIT */
/*
 * Scenarios: line-oriented scripts that drive a simulated machine the way a
 * kernel test would (docs/scenarios.md). Each operation answers "OK [value]"
 * or an errno name; "OPERATION => EXPECTED" asserts the answer. The format
 * is that of the kernel oracle's results.txt, so a captured transcript runs
 * unchanged and its expectations are the kernel's answers.
 */
#ifndef IOMMUKIT_SCENARIO_H
#define IOMMUKIT_SCENARIO_H

#include <stdbool.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iok_ctx;
struct iok_topo;

/* Flags of struct iok_scenario_opts. */
#define IOK_SCENARIO_TRACE	(1u << 0)  /* state changes under each operation */
#define IOK_SCENARIO_VERBOSE	(1u << 1)  /* also every group when the machine boots */
#define IOK_SCENARIO_STRICT	(1u << 2)  /* a failing operation without "=>" fails */
#define IOK_SCENARIO_COLOR	(1u << 3)  /* ANSI colours in @out */

/** What an expectation came to. */
enum iok_scenario_mark {
	IOK_SCENARIO_NONE,	/* no "=>" on the line */
	IOK_SCENARIO_MET,
	IOK_SCENARIO_FAILED,	/* also a strict-mode failure or a broken invariant */
};

/**
 * struct iok_scenario_event - one operation, as it ran (for custom output)
 * @file: the scenario file
 * @line: its line number
 * @op: the operation, words joined by one blank
 * @result: "OK [value]", an errno name ("EBUSY"), or "ESCRIPT"
 * @expected: the words after "=>", or NULL
 * @mark: whether @expected was met
 * @message: why it failed ("expected X, got Y"), or NULL
 * @trace: state changes and messages (with IOK_SCENARIO_TRACE)
 * @nr_trace: number of @trace lines
 * @topo: on the first operation after the machine was built, its
 *        topology (source and parameters); NULL otherwise
 */
struct iok_scenario_event {
	const char *file;
	unsigned int line;
	const char *op;
	const char *result;
	const char *expected;
	enum iok_scenario_mark mark;
	const char *message;
	const char *const *trace;
	unsigned int nr_trace;
	struct iok_topo *topo;
};

typedef void (*iok_scenario_event_fn)(const struct iok_scenario_event *ev, void *arg);

/**
 * struct iok_scenario_opts - how to run a scenario
 * @flags: IOK_SCENARIO_*
 * @out: receives the transcript ("op => RESULT", comments copied, trace
 *       lines indented as comments), or NULL
 * @err: receives "FILE:LINE: expected X, got Y" of failures, or NULL
 * @topology: a source ("json:FILE", "builtin:server", ...) that replaces
 *            the script's `topology` (replaying an oracle transcript on a
 *            captured machine), or NULL
 * @kernel: as if the script began with `kernel VER` (its own line wins),
 *          or NULL
 * @event: called after every operation, or NULL
 * @event_arg: passed to @event
 * @params: "KEY=VALUE" machine parameters, as if the script began with
 *          them (after @kernel; its own lines win, a `cmdline` appends):
 *          "iommu" as the `iommu` command takes it ("intel,aw=39",
 *          "intel,amd"), any other key of iok_topo_set_param(); a NULL
 *          entry ends the array; NULL for none
 */
struct iok_scenario_opts {
	unsigned int flags;
	FILE *out;
	FILE *err;
	const char *topology;
	const char *kernel;
	iok_scenario_event_fn event;
	void *event_arg;
	const char *const *params;
};

/** Counts of one run. */
struct iok_scenario_stats {
	unsigned int operations;
	unsigned int expectations;
	unsigned int met;
	unsigned int failed;	/* expectations, strict failures and invariants */
};

/**
 * iok_scenario_run_file() - run a scenario file on a machine of its own
 * @ctx: library context
 * @path: the file; relative paths in it are relative to its directory
 * @opts: options, or NULL for none
 * @stats: receives the counts, or NULL
 *
 * Failed expectations do not stop the run; a mistake in the script does.
 *
 * Return: 0 when the script ran to its end (check @stats->failed);
 * -EINVAL for a script error, with iok_get_error() reading
 * "FILE:LINE: message"; -ENOENT (or another errno) when @path cannot be
 * read; -ENOMEM.
 */
int iok_scenario_run_file(struct iok_ctx *ctx, const char *path,
			  const struct iok_scenario_opts *opts,
			  struct iok_scenario_stats *stats);

/**
 * iok_scenario_run_string() - run a scenario held in memory
 * @ctx: library context
 * @name: the file name used in messages
 * @dir: directory for relative paths, or NULL for the current one
 * @text: the script
 * @opts: options, or NULL
 * @stats: receives the counts, or NULL
 *
 * Return: as iok_scenario_run_file().
 */
int iok_scenario_run_string(struct iok_ctx *ctx, const char *name,
			    const char *dir, const char *text,
			    const struct iok_scenario_opts *opts,
			    struct iok_scenario_stats *stats);

/**
 * iok_scenario_get_command() - the @i-th command of every family
 * @i: index from 0
 * @family: receives the family ("core", "vfio", ...)
 * @usage: receives the usage ("iommu_attach_group NAME BDF")
 * @help: receives one line of help
 *
 * Return: 0, or -ENOENT past the last command.
 */
int iok_scenario_get_command(unsigned int i, const char **family,
			     const char **usage, const char **help);

/**
 * iok_scenario_errno_name() - the kernel's name of an errno
 * @err: positive or negative
 *
 * Return: "EBUSY", "EPROBE_DEFER" (517), "ENOTSUPP" (524)...; NULL when
 * unknown.
 */
const char *iok_scenario_errno_name(int err);

/**
 * iok_scenario_errno_parse() - an errno from its name or number
 * @word: "EBUSY", "ENOTSUP" (an alias), "16" or "-16"
 *
 * Return: the positive errno, or -EINVAL for an unknown name.
 */
int iok_scenario_errno_parse(const char *word);

#ifdef __cplusplus
}
#endif

#endif
