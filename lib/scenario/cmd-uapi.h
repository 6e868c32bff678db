/* SPDX-License-Identifier: MIT */
/*
 * State shared by the sysfs and vfio command families: one driver core with
 * VFIO loaded and one process per scenario, as in the kernel oracle's guest
 * (vfio-run is one process; its background writes hold no VFIO fds).
 */
#ifndef IOK_SCENARIO_CMD_UAPI_H
#define IOK_SCENARIO_CMD_UAPI_H

#include <iommukit/uapi.h>

#include "lib/scenario/scenario-private.h"

struct scn_uapi {
	struct iok_sysfs *sf;
	struct iok_vfio *vfio;
	struct iok_proc *proc;
	struct scn_job *jobs;
};

/* The state, built with the machine on first use. Return: 0 or IOK_SCN_ESCRIPT. */
int scn_uapi_get(struct iok_scn *s, struct scn_uapi **out);

/* "01:00.0" -> "0000:01:00.0"; anything else is copied as it is (as vfio-run). */
void scn_full_bdf(const char *in, char *out, size_t len);

/* Replace each "{group:BDF}" by the device's IOMMU group. Return: 0 or IOK_SCN_ESCRIPT. */
int scn_expand(struct iok_scn *s, struct scn_uapi *u, const char *in, char *out, size_t len);

/* The IOMMU group of a BDF: 0, -ENOENT when it has none or is absent, or IOK_SCN_ESCRIPT. */
int scn_group_of(struct iok_scn *s, struct scn_uapi *u, const char *bdf, int *id);

#endif
