/* SPDX-License-Identifier: MIT */
/*
 * The contract between the scenario runner and its command families.
 *
 * A scenario is a line-oriented script (docs/scenarios.md). Each operation
 * line is split into words and dispatched by its first word to a command of
 * one of the families registered in cmds.c (core, fabric, dma, vfio,
 * sysfs, ...). A command answers like a system call: 0 for "OK", with an
 * optional value text, or a negative errno whose name becomes the result.
 * A mistake in the script itself (unknown name, bad number, wrong number of
 * words) is not a result: the command calls iok_scn_error() and the run
 * stops with FILE:LINE and the message.
 *
 * Result lines read "<operation> => <RESULT>", the format of the kernel
 * oracle's results.txt, so that a captured transcript is itself a scenario
 * whose expectations are the kernel's answers.
 */
#ifndef IOK_SCENARIO_PRIVATE_H
#define IOK_SCENARIO_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct iok_ctx;
struct iok_machine;
struct iok_dev;
struct iok_domain;
struct iok_scn;

/* Returned by a command after iok_scn_error(): the script is wrong. */
#define IOK_SCN_ESCRIPT (-100000)

/*
 * Returned by a command whose answer is a status word of its own, neither
 * OK nor an errno (the oracle's PENDING): the result is the value text.
 */
#define IOK_SCN_STATUS (-100001)

/* Value text of a successful result: "OK <value>". */
struct iok_scn_res {
	char value[1024];
};

typedef int (*iok_scn_fn)(struct iok_scn *s, int argc, char **argv,
			  struct iok_scn_res *res);

struct iok_scn_cmd {
	const char *name;	/* first word of the line */
	iok_scn_fn fn;		/* argv[0] is the name */
	int min_args, max_args;	/* words after the name; max -1: no limit */
	const char *usage;	/* "attach_group DOMAIN BDF" for messages and docs */
	const char *help;	/* one line for `iommukit run --list` */
};

/*
 * Per-scenario state that a command family keeps (its fabric, its VFIO
 * file table...). The runner frees it with @free when the machine is
 * rebuilt (a new `topology`) and at the end of the run, the last entry
 * first: state goes before the state it uses.
 */
enum iok_scn_ext {
	IOK_SCN_EXT_FABRIC,
	IOK_SCN_EXT_DMA,
	IOK_SCN_EXT_SYSFS,
	IOK_SCN_EXT_VFIO,
	IOK_SCN_EXT_SVA,
	IOK_SCN_EXT_VFIO_SVA,	/* the vfio family's process bonds: go before SVA */
	IOK_SCN_EXT_IOMMUFD,
	IOK_SCN_EXT_MAX,
};

void *iok_scn_ext_get(struct iok_scn *s, enum iok_scn_ext id);
void iok_scn_ext_set(struct iok_scn *s, enum iok_scn_ext id, void *ext,
		     void (*free_fn)(void *ext));

/* The library context (messages of failed library calls live there). */
struct iok_ctx *iok_scn_ctx(struct iok_scn *s);

/*
 * The fabric of the scenario's machine, the fabric family's (cmd-fabric.c),
 * built on first use: the other families reach memory and DMA through it.
 * Return: 0, IOK_SCN_ESCRIPT (no machine, or it could not be built), -ENOMEM.
 */
struct iok_fabric;
int iok_scn_fabric(struct iok_scn *s, struct iok_fabric **out);

/*
 * The SVA layer (processes, binds, page faults) of the scenario's machine,
 * the sva family's (cmd-sva.c), built with the fabric on first use: other
 * families hand it to what reaches process memory or page requests.
 * Return: as iok_scn_fabric().
 */
struct iok_sva;
int iok_scn_sva(struct iok_scn *s, struct iok_sva **out);

/*
 * The simulated machine, built (and its devices probed) from the scenario's
 * topology on first use. Return: 0 or IOK_SCN_ESCRIPT (no topology, or it
 * could not be built: the error names why).
 */
int iok_scn_machine(struct iok_scn *s, struct iok_machine **out);

/*
 * Resolve a BDF ("02:00.1" or "0000:02:00.1") of the topology. The device
 * may be absent (hot-removed). Return: 0 or IOK_SCN_ESCRIPT.
 */
int iok_scn_dev(struct iok_scn *s, const char *bdf, struct iok_dev **out);

/*
 * A C literal with an optional k/M/G/T suffix (binary multiples), as the
 * oracle's scripts write them. Return: 0 or IOK_SCN_ESCRIPT.
 */
int iok_scn_u64(struct iok_scn *s, const char *word, uint64_t *out);

/*
 * Named objects created by the script (domains, VFIO fds, processes...).
 * @kind is a short static string ("domain", "container", "group",
 * "device", "mm"); lookups of a name of another kind fail. A name is free
 * again after iok_scn_name_del().
 */
int iok_scn_name_add(struct iok_scn *s, const char *name, const char *kind,
		     void *obj);
/* Return: the object, or NULL (no message: the caller decides). */
void *iok_scn_name_find(struct iok_scn *s, const char *name, const char *kind);
/* As iok_scn_name_find(), but a missing name is IOK_SCN_ESCRIPT. */
int iok_scn_name_get(struct iok_scn *s, const char *name, const char *kind,
		     void **out);
void iok_scn_name_del(struct iok_scn *s, const char *name);
/* Call @fn for each object of @kind (to release them at the end). */
void iok_scn_name_foreach(struct iok_scn *s, const char *kind,
			  void (*fn)(const char *name, void *obj, void *arg),
			  void *arg);

/* Record a script error (FILE:LINE is added); returns IOK_SCN_ESCRIPT. */
int iok_scn_error(struct iok_scn *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append to the result value (space-separated words). */
void iok_scn_printf(struct iok_scn_res *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A trace line under the current operation (shown with --trace). */
void iok_scn_trace(struct iok_scn *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Directory of the scenario file, to resolve relative paths. */
const char *iok_scn_dir(struct iok_scn *s);

/*
 * A domain: a script name of kind "domain", or one of the machine's by the
 * group of a device: "group:BDF" (attached now), "default:BDF",
 * "blocking:BDF", "identity:BDF" and "blocked:BDF" (the unit driver's
 * static domains). Return: 0 or IOK_SCN_ESCRIPT.
 */
int iok_scn_domain(struct iok_scn *s, const char *word, struct iok_domain **out);

/* An errno by name ("EBUSY") or number; Return: 0 or IOK_SCN_ESCRIPT. */
int iok_scn_errno(struct iok_scn *s, const char *word, int *err);

/* A device as results print it: "02:00.1" in segment 0 (as the oracle), else in full. */
const char *iok_scn_bdf(const struct iok_dev *d);

/*
 * A domain as results and `show` name it: the script's name, the group's
 * default by its type ("DMA-FQ"), "blocking", "blocked", "identity", or
 * "none" for NULL; @buf holds the text when no static name fits.
 */
struct iok_rgroup;
const char *iok_scn_domain_name(struct iok_scn *s, const struct iok_rgroup *rg,
				const struct iok_domain *d, char *buf, size_t len);

/* ---- the runner itself, for its tests --------------------------------- */

struct iok_scenario_opts;

int iok_scn_new(struct iok_ctx *ctx, const struct iok_scenario_opts *opts,
		struct iok_scn **out);
/* Run @text as file @name; Return: as iok_scenario_run_string(). */
int iok_scn_run(struct iok_scn *s, const char *name, const char *text);
/* Free the scenario: family state, names, machine and topology. */
void iok_scn_free(struct iok_scn *s);
/* Whether result words match expected words (a word prefix; "*" any word). */
bool iok_scn_expect_match(const char *expected, const char *result);

/* Command families; each is a table ended by an entry with a NULL name. */
extern const struct iok_scn_cmd iok_scn_cmds_core[];
extern const struct iok_scn_cmd iok_scn_cmds_fabric[];
extern const struct iok_scn_cmd iok_scn_cmds_dma[];
extern const struct iok_scn_cmd iok_scn_cmds_sysfs[];
extern const struct iok_scn_cmd iok_scn_cmds_vfio[];
extern const struct iok_scn_cmd iok_scn_cmds_sva[];
extern const struct iok_scn_cmd iok_scn_cmds_iommufd[];
extern const struct iok_scn_cmd iok_scn_cmds_core_split[];

/* The registry (cmds.c): families in lookup order, ended by a NULL name. */
struct iok_scn_family {
	const char *name;
	const struct iok_scn_cmd *cmds;
};

extern const struct iok_scn_family iok_scn_families[];

#endif
