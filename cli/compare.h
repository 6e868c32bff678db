/* SPDX-License-Identifier: MIT */
#ifndef IOK_CLI_COMPARE_H
#define IOK_CLI_COMPARE_H

#include "cli/builtin.h"

/* One device whose group differs between the kernel and the computation. */
struct cli_diff {
	const struct iok_dev *dev;
	const struct iok_dev *witness;	/* grouped with @dev by one side only */
	int kernel_group;		/* -1: the kernel gave it none */
	int group;			/* computed; -1: none */
};

/* Devices whose kernel group differs as a partition; empty off a live tree. */
int cli_compare_kernel(struct iok_topo *topo, const struct iok_grouping *g,
		       struct cli_diff **out, unsigned int *nr);

#endif
