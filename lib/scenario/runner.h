/* SPDX-License-Identifier: MIT */
/* The runner's own state, shared by its files (not by command families). */
#ifndef IOK_SCENARIO_RUNNER_H
#define IOK_SCENARIO_RUNNER_H

#include <iommukit/scenario.h>

#include "lib/private.h"
#include "lib/scenario/scenario-private.h"

struct scn_name {
	char *name;
	const char *kind;
	void *obj;
	bool own_obj;		/* freed with the name (owner cookies) */
};

/* A machine parameter given by the script, applied when the machine is built. */
struct scn_param {
	char *key;
	char *value;
	unsigned int line;
};

/* What a trace compares before and after an operation. */
struct scn_snap_group {
	int id;
	const void *domain, *def, *owner;
	unsigned int owner_cnt;
	char def_type[16];
	char domain_name[64];
	char owner_name[64];
	char devs[256];
};

struct scn_snap_dev {
	bool present;
	int group;
	const void *rid;
	char rid_name[64];
	char driver[32];
};

struct scn_snap {
	struct scn_snap_group *groups;
	unsigned int nr_groups;
	struct scn_snap_dev *devs;
	unsigned int nr_devs;
	unsigned int warnings;
	bool valid;
};

struct iok_scn {
	struct iok_ctx *ctx;
	struct iok_scenario_opts opts;
	struct iok_scenario_stats stats;
	const char *file;
	char *dir;
	unsigned int line;
	char error[1024];
	unsigned int error_line;

	char *source;		/* the script's `topology` */
	unsigned int source_line;
	char *drivers;		/* `iommu intel,amd`: one driver per unit */
	struct scn_param *params;
	unsigned int nr_params;
	struct iok_topo *topo;
	struct iok_machine *m;
	bool booted_now;	/* the machine was built by this operation */
	unsigned int boot_line;

	struct scn_name *names;
	unsigned int nr_names, alloc_names;

	void *ext[IOK_SCN_EXT_MAX];
	void (*ext_free[IOK_SCN_EXT_MAX])(void *ext);

	char **trace;
	unsigned int nr_trace, alloc_trace;
	struct scn_snap before;
};

/* names.c */
void scn_names_free(struct iok_scn *s);
void scn_ext_free(struct iok_scn *s);
const char *scn_name_of(struct iok_scn *s, const void *obj);
/* An owner cookie for a script name, created on first use. */
int scn_owner(struct iok_scn *s, const char *name, const void **cookie);
bool scn_name_valid(const char *name);
int scn_name_check(struct iok_scn *s, const char *name);

/* values.c */
int scn_errno_parse(const char *word);
const char *scn_errno_name(int err);
/* "0000:02:00.0" -> "02:00.0" (the oracle drops segment 0). */
const char *scn_bdf(const struct iok_dev *d);

/* state.c */
const char *scn_domain_name(struct iok_scn *s, const struct iok_rgroup *rg,
			    const struct iok_domain *d, char *buf, size_t len);
void scn_snap_take(struct iok_scn *s, struct scn_snap *snap);
void scn_snap_diff(struct iok_scn *s, struct scn_snap *before);
void scn_snap_free(struct scn_snap *snap);
void scn_machine_free(struct iok_scn *s);

/* cmd-core.c: a parameter for the machine, applied when it is built. */
int scn_param_add(struct iok_scn *s, const char *key, const char *value, bool append);
/* `iommu KIND[,KIND...][,aw=BITS]` (cmd-core.c). */
int scn_iommu_set(struct iok_scn *s, const char *kinds);

/* runner.c */
bool scn_expect_match(const char *expected, const char *result);

#endif
