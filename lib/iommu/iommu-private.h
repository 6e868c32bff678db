/* SPDX-License-Identifier: MIT */
/* State of the runtime IOMMU core, shared by the files of lib/iommu/. */
#ifndef IOK_IOMMU_PRIVATE_H
#define IOK_IOMMU_PRIVATE_H

#include "lib/private.h"
#include "lib/iommu/hw-private.h"

/* __iommu_group_set_domain_internal() flags. */
#define SET_DOMAIN_MUST_SUCCEED	(1u << 0)

/* The model's IOMMU driver: one per driver kind in use on a machine. */
struct iok_driver {
	enum iok_iommu_kind kind;
	const char *name;
	enum iok_pgtable_fmt fmt;
	unsigned int ias;
	uint64_t pgsize_bitmap;
	/* Static domains, shared by every unit of the driver; may be NULL. */
	struct iok_domain *blocked;
	struct iok_domain *identity;
};

struct iok_iommu_unit {
	struct iok_machine *m;
	unsigned int index;
	const char *name;	/* the topology's, or "iommu0" */
	struct iok_driver *drv;
	iok_fault_fn fault_fn;
	void *fault_arg;
	struct iok_fault *faults;	/* IOK_FAULT_QUEUE_LEN records */
	unsigned int nr_faults;
	unsigned long overflows;
	iok_page_request_fn prq_fn;	/* PRI: pasid.c, set by lib/sva */
	void *prq_arg;
	unsigned int prq_left;		/* page requests the current DMA may still send */
	struct iok_unit_hw hw;		/* domain IDs, context table, IOTLB */
};

struct iok_domain {
	struct iok_machine *m;
	enum iok_domain_type type;
	struct iok_driver *owner;	/* the driver that allocated it */
	struct iok_iommu_unit *unit;	/* NULL for static domains */
	bool is_static;
	uint64_t pgsize_bitmap;
	uint64_t aperture_start, aperture_end;
	bool force_aperture;
	struct iok_pgtable *pt;
	unsigned int nr_attached;	/* devices whose RID it translates */
	unsigned int seen;		/* iok_machine_check()'s recount */
	unsigned int did;		/* ID on @unit while attached there; 0: none */
	/* pasid.c: an SVA domain's process (its page table is borrowed). */
	const void *mm;
	bool mm_released;		/* the process is gone: quiet faults */
	iok_iopf_handler_fn iopf_handler;
	void *iopf_arg;
	struct iok_domain *next;	/* every allocated domain of the machine */
	uint64_t serial;		/* never reused: tells it from a freed one at its address */
};

/* Per device of the topology, indexed by iok_dev.index. */
struct mdev {
	struct iok_dev *dev;
	bool present;
	struct iok_iommu_unit *unit;	/* set while probed */
	struct iok_rgroup *group;
	struct iok_domain *rid;		/* what the driver attached */
	bool require_direct;
	bool attach_deferred;
	/* A must-succeed attach failed: the kernel WARNed and moved on. */
	bool stuck;
	struct iok_resv_region *resv;	/* firmware regions */
	unsigned int nr_resv;
	char *driver;			/* bound device driver */
	bool driver_managed_dma;
	unsigned int fail_nth;
	int fail_err;
	unsigned long attach_calls;
	unsigned long set_pasid_calls;	/* pasid.c */
	/* split.c: its alias set's domain while split off the group's; claims. */
	struct iok_domain *split;
	unsigned int claims;
};

struct iok_rgroup {
	struct iok_machine *m;
	struct iok_group *grp;		/* the grouping's: ID and device list */
	int id;
	struct iok_domain *domain;
	struct iok_domain *default_domain;
	struct iok_domain *blocking_domain;
	unsigned int owner_cnt;
	const void *owner;
	/* pasid_array: its size, and its entries (pasid.c), sorted by PASID. */
	unsigned int nr_pasids;
	struct iok_pasid_ent *pasid_ents;
	unsigned int nr_pasid_ents, alloc_pasid_ents;
	/* Waiting for its default domain (iok_machine_set_probe_window()). */
	bool pending;
	/* split.c: devices on their alias set's own domain; claimed as a whole. */
	unsigned int nr_split;
	bool claimed_whole;
};

struct iok_machine {
	struct iok_ctx *ctx;
	struct iok_topo *topo;
	struct iok_grouping *g;
	struct iok_driver *drivers[IOK_IOMMU_VIRTIO + 1];
	struct iok_iommu_unit *units;
	unsigned int nr_units;
	struct mdev *devs;
	struct iok_rgroup **by_id;
	unsigned int alloc_ids;
	struct iok_domain *domains;
	enum iok_domain_type def_type;	/* iommu_def_domain_type */
	bool probe_window;
	unsigned int alloc_fail_nth;
	unsigned int warnings;
	uint64_t *pasid_ida;		/* pasid.c: the global PASID allocator */
	/* What lib/dma caches of a device holds while this is unchanged (iok_machine_changed()). */
	uint64_t gen;
	uint64_t domain_serials;
};

static inline struct mdev *M(const struct iok_machine *m, const struct iok_dev *d)
{
	return &m->devs[d->index];
}

static inline bool domain_is_paging(const struct iok_domain *d)
{
	return d->type & IOK_DOMAIN_F_PAGING;
}

static inline bool domain_is_dma(const struct iok_domain *d)
{
	return d->type & IOK_DOMAIN_F_DMA_API;
}

/* A device of @m's topology. */
static inline bool machine_has_dev(const struct iok_machine *m, const struct iok_dev *d)
{
	return m && d && d->topo == m->topo;
}

/*
 * A device's driver, group or present state, a group's owner, domain or
 * default domain, or a domain's type changed, or a domain was freed: what
 * lib/dma caches per device (resolved once, reused while the generation
 * holds) must be looked up again.
 */
static inline void iok_machine_changed(struct iok_machine *m)
{
	m->gen++;
}

/* For lib/dma's fast path: the generation, and a domain's identity over its lifetime. */
static inline uint64_t iok_machine_gen(const struct iok_machine *m)
{
	return m->gen;
}

static inline uint64_t iok_domain_serial(const struct iok_domain *d)
{
	return d->serial;
}

/* A kernel WARN: counted and logged; the caller then does nothing. */
int iok_machine_warn(struct iok_machine *m, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* iok_machine_check() after a mutating call, unless built with NDEBUG. */
int iok_machine_checked(struct iok_machine *m, int rc);

/* machine.c */
unsigned int iok_rgroup_nr_devs(const struct iok_rgroup *rg);
struct iok_dev *iok_rgroup_dev(const struct iok_rgroup *rg, unsigned int i);

/* domain.c */
int iok_domain_new_paging(struct iok_iommu_unit *u, enum iok_domain_type type,
			  struct iok_domain **out);
int iok_domain_new_static(struct iok_machine *m, struct iok_driver *drv,
			  enum iok_domain_type type, struct iok_domain **out);
void iok_domain_destroy(struct iok_domain *d);
bool iok_domain_in_use(const struct iok_domain *d);
int iok_map_direct(struct iok_domain *d, struct iok_machine *m, struct iok_dev *dev);
int iok_dev_resv_list(const struct iok_machine *m, const struct iok_dev *dev,
		      struct iok_resv_region *buf, size_t max);

/* attach.c */
int iok_group_set_domain(struct iok_rgroup *rg, struct iok_domain *new,
			 unsigned int flags);
int iok_group_set_core_domain(struct iok_rgroup *rg);
int iok_device_set_domain(struct iok_rgroup *rg, struct iok_dev *dev,
			  struct iok_domain *new, unsigned int flags);
void iok_device_release_rid(struct iok_machine *m, struct iok_dev *dev);

/* owner.c */
int iok_setup_default_domain(struct iok_rgroup *rg, int target);
int iok_device_unuse_default_domain(struct iok_machine *m, struct iok_dev *dev);

/* split.c: alias sets on their own domains (isolation=relaxed) */
struct iok_domain *iok_split_dev_domain(const struct iok_rgroup *rg, const struct iok_dev *dev);
int iok_split_join(struct iok_rgroup *rg, struct iok_dev *dev, struct iok_domain **new);
void iok_split_forget(struct iok_machine *m, struct iok_dev *dev);
void iok_split_clear(struct iok_rgroup *rg);
int iok_split_claimed(struct iok_rgroup *rg, struct iok_dev *dev, int rc);
void iok_split_released(struct iok_rgroup *rg, struct iok_dev *dev);
int iok_split_check(struct iok_machine *m);

/* pasid.c */
void iok_pasid_group_free(struct iok_rgroup *rg);
void iok_pasid_machine_free(struct iok_machine *m);
int iok_pasid_check(struct iok_machine *m);
/* A translation fault @f of @u: true when a page request fixed it (retry). */
bool iok_page_request(struct iok_iommu_unit *u, const struct iok_fault *f);
void iok_page_request_arm(struct iok_iommu_unit *u);

/* Test hook: pretend @n PASIDs are attached to @rg (pasid_array not modelled yet). */
void iok_rgroup_set_nr_pasids(struct iok_rgroup *rg, unsigned int n);

#endif
