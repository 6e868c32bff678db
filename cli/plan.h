/* SPDX-License-Identifier: MIT */
/*
 * iommukit plan: what it takes to give devices of a real host to VFIO.
 *
 * Three parts: the host facts read from sysfs and /proc (plan-host.c), the
 * plan made from them without any I/O (plan.c), and the sysfs writes that
 * carry it out (plan-apply.c).
 */
#ifndef IOK_CLI_PLAN_H
#define IOK_CLI_PLAN_H

#include "cli/builtin.h"

/* ---- host facts (plan-host.c) ------------------------------------------ */

/* Something on the host that uses a device: a mounted block device or a netdev. */
struct host_use {
	enum host_use_kind { HOST_MOUNT, HOST_NETDEV } kind;
	char *dev;		/* "nvme0n1p2", "eth0" */
	char *mnt;		/* HOST_MOUNT: where it is mounted */
	bool up;		/* HOST_NETDEV: operstate up */
	bool default_route;	/* HOST_NETDEV: carries an IPv4 or IPv6 default route */
};

/* What sysfs and /proc say about one PCI function beyond its config space. */
struct host_dev {
	char *name;		/* "0000:01:00.0" */
	char *override;		/* driver_override; NULL when unset or not captured */
	bool boot_vga;		/* boot_vga reads 1: the firmware's console GPU */
	char **blockdevs;	/* block devices below it, mounted or not */
	unsigned int nr_blockdevs;
	struct host_use *uses;
	unsigned int nr_uses;
};

/* One entry of /sys/kernel/iommu_groups/N/devices. */
struct host_member {
	char *name;
	char *driver;		/* for a non-PCI member only; PCI ones come from the topology */
	bool pci;
};

struct host {
	char *root;		/* as given: "/", "DIR" */
	char *sys;		/* the sysfs mount: ROOT/sys, or ROOT itself */
	char *proc;		/* the proc root; NULL when there is none */
	bool live_sysfs;	/* sys is a real sysfs: a kernel answers the writes */
	bool groups_dir;	/* sys/kernel/iommu_groups exists */
	unsigned int nr_groups;
	bool vfio_pci;		/* sys/bus/pci/drivers/vfio-pci exists */
	bool have_mounts;	/* a mount table was read */
	bool have_routes;	/* a route table was read */
	char *cmdline;		/* the kernel command line, or NULL */
	struct host_dev *devs;
	unsigned int nr_devs;
};

/*
 * Find the sysfs and proc roots for @source ("sysfs[:ROOT]" or NULL) and read
 * the facts of every PCI function of @topo. Return: 0, or EXIT_BAD_INPUT
 * after printing a message.
 */
int host_read(struct iok_topo *topo, const char *source, struct host **out);
void host_free(struct host *h);
const struct host_dev *host_find_dev(const struct host *h, const char *name);
/* The members of kernel group @id as its devices directory lists them. */
int host_group_members(const struct host *h, int id, struct host_member **out,
		       unsigned int *nr);
void host_members_free(struct host_member *m, unsigned int nr);

/* ---- the plan (plan.c) ------------------------------------------------- */

enum plan_action {
	PLAN_STAY,		/* the group is viable with it as it is */
	PLAN_TO_VFIO,		/* driver_override, unbind, drivers_probe */
	PLAN_UNBIND,		/* a bridge: driver_override and unbind only */
	PLAN_IMPOSSIBLE,	/* iommukit cannot make it usable */
};

/* Why a member gets its action; the JSON "reason" keys. */
enum plan_reason {
	PLAN_R_ON_VFIO,		/* already on vfio-pci */
	PLAN_R_MANAGED,		/* on another driver_managed_dma driver */
	PLAN_R_NO_DRIVER,	/* no driver */
	PLAN_R_REQUESTED,	/* requested: it must be on vfio-pci */
	PLAN_R_DMA_API,		/* on a DMA-API driver: blocks the group */
	PLAN_R_BRIDGE_DMA_API,	/* a bridge on a DMA-API driver */
	PLAN_R_BRIDGE,		/* requested, but vfio-pci binds no bridge */
	PLAN_R_NOT_PCI,		/* a non-PCI member on a DMA-API driver */
	PLAN_R_NO_GROUP,	/* requested, but in no IOMMU group */
	PLAN_R_NO_IOMMU,	/* requested, but the kernel has no IOMMU groups */
};

enum plan_warn_kind {
	PLAN_W_ROOT_DISK,	/* holds / */
	PLAN_W_SYSTEM_DISK,	/* holds /boot, /boot/efi, /usr or /var */
	PLAN_W_DEFAULT_ROUTE,	/* its netdev carries the default route */
	PLAN_W_CONSOLE_GPU,	/* boot_vga */
	PLAN_W_MOUNTED,		/* another mounted filesystem */
	PLAN_W_NET_UP,		/* a netdev that is up */
	PLAN_W_VFS,		/* a PF whose VFs go away with its driver */
};

struct plan_member {
	const struct iok_dev *dev;	/* NULL for a non-PCI member */
	const char *name;
	const char *driver;		/* NULL: no driver */
	const char *override;
	const struct host_dev *facts;	/* NULL for a non-PCI member */
	bool requested;
	bool bridge;
	bool managed;		/* driver is driver_managed_dma */
	bool blocks;		/* makes the group not viable now */
	enum plan_action action;
	enum plan_reason reason;
};

struct plan_group {
	int id;			/* the kernel's group; -1 for none */
	struct plan_member *members;
	unsigned int nr_members;
	bool viable_now;
	bool viable_after;
	int computed_id;	/* iommukit's group of the first requested member; -1 none */
	const struct iok_dev **computed;	/* its members when they differ; else NULL */
	unsigned int nr_computed;
	struct host_member *listing;	/* the group's devices directory; names live here */
	unsigned int nr_listing;
};

struct plan_warning {
	enum plan_warn_kind kind;
	bool critical;		/* --apply refuses it without --force */
	const struct plan_member *member;
	char *text;		/* "nvme0n1p2 holds /" */
};

enum plan_write_kind { PLAN_W_OVERRIDE, PLAN_W_UNBIND, PLAN_W_PROBE };

struct plan_write {
	enum plan_write_kind kind;
	const struct plan_member *member;
	char *path;
	char *value;		/* written with a newline, as echo does */
};

struct plan {
	const struct host *host;
	bool no_iommu;		/* the kernel formed no IOMMU groups */
	bool impossible;	/* a requested device cannot be passed through */
	struct plan_group *groups;
	unsigned int nr_groups;
	struct plan_warning *warnings;
	unsigned int nr_warnings;
	struct plan_write *writes;
	unsigned int nr_writes;
};

/*
 * Plan for the devices @req (resolved, duplicates allowed) of @topo, with its
 * computed grouping @g and the host facts @h. Return: 0 or -ENOMEM.
 */
int plan_make(struct iok_topo *topo, const struct iok_grouping *g, const struct host *h,
	      struct iok_dev *const *req, unsigned int nr_req, struct plan *p);
void plan_free(struct plan *p);

/* Whether a driver sets driver_managed_dma (spec runtime 4.3, 8.6). */
bool plan_driver_managed(const char *driver);
/* Whether any warning of @p is critical. */
bool plan_has_critical(const struct plan *p);

/* Fixed words for JSON. */
const char *plan_action_key(enum plan_action a);
const char *plan_reason_key(enum plan_reason r);
const char *plan_warn_key(enum plan_warn_kind k);
const char *plan_write_key(enum plan_write_kind k);

/* ---- carrying it out (plan-apply.c) ------------------------------------ */

enum plan_result { PLAN_NOT_ATTEMPTED, PLAN_DONE, PLAN_FAILED };

struct plan_outcome {
	enum plan_result *result;	/* one per write */
	int err;			/* the failed write's errno */
	char *why;			/* what failed, in words */
	unsigned int done;
};

/*
 * Perform @p's writes in order, stopping at the first failure. On a live
 * sysfs, a drivers_probe that leaves the device without vfio-pci counts as
 * a failure. Return: 0 when every write was done, 1 otherwise.
 */
int plan_apply(const struct plan *p, struct plan_outcome *out);
void plan_outcome_free(struct plan_outcome *o);

/* A write that puts back what a done write changed. */
struct plan_undo {
	char *path;
	char *value;
};

/*
 * The writes that undo the done ones of @o, in the order to perform them:
 * per device, vfio-pci unbound, the old driver_override back, then the old
 * driver bound (an override naming another driver would make that bind fail).
 */
int plan_undo_list(const struct plan *p, const struct plan_outcome *o, struct plan_undo **out,
		   unsigned int *nr);
void plan_undo_free(struct plan_undo *u, unsigned int nr);

#endif
