/* SPDX-License-Identifier: MIT */
/* State of the process and SVA layer, shared by the files of lib/sva/. */
#ifndef IOK_SVA_PRIVATE_H
#define IOK_SVA_PRIVATE_H

#include "lib/private.h"
#include <iommukit/sva.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1ull << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

/* lib/iommu's kernel WARN: counted on the machine, logged, recorded. */
int iok_machine_warn(struct iok_machine *m, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A mapping: [start, end) with its rights and the frame of each page. */
struct vma {
	uint64_t start, end;
	unsigned int prot;		/* IOK_MM_READ | WRITE | EXEC */
	uint64_t *frames;		/* 0: never touched (zero-filled on fault) */
};

struct notifier {
	const struct iok_mmu_notifier_ops *ops;
	void *arg;
};

/* An SVA domain of one mm (the kernel's domain->mm, users and next). */
struct sva_dom {
	struct iok_domain *d;
	struct iok_mm *mm;
	unsigned int users;		/* groups it is attached to */
	struct sva_dom *next;		/* the mm's list, most recent first */
};

struct iok_mm {
	struct iok_sva *sva;
	struct iok_pgtable *pt;		/* NULL after exit */
	int fmt;			/* enum iok_pgtable_fmt */
	struct vma *vmas;		/* sorted, never overlapping */
	unsigned int nr_vmas, alloc_vmas;
	struct notifier *nbs;
	unsigned int nr_nbs, alloc_nbs;
	unsigned long present;
	bool lam;
	bool exited;			/* mm_users reached 0 */
	bool dropped;			/* the owner's mm_count reference went */
	bool has_pasid;			/* iommu_mm exists */
	uint32_t pasid;
	struct sva_dom *domains;	/* iommu_mm->sva_domains; each holds an mmgrab */
	struct iok_mm *next;
};

struct iok_sva_handle {
	struct iok_sva *sva;
	struct iok_dev *dev;
	struct sva_dom *dom;
	unsigned int users;
	bool dead;			/* unbound: kept so a second unbind is seen */
	/* Devices whose IOPF this bond enabled. */
	struct iok_dev **iopf_devs;
	unsigned int nr_iopf_devs;
	struct iok_sva_handle *next;
};

struct iok_sva_group_bond {
	struct iok_sva *sva;
	struct iok_sva_handle **h;
	unsigned int nr;
	uint32_t pasid;
	bool dead;
	struct iok_sva_group_bond *next;
};

/* A request parked without LAST_PAGE. */
struct pr_fault {
	struct iok_page_req req;
	struct pr_fault *next;
};

struct iok_iopf_group {
	struct iok_sva *sva;
	struct iok_dev *dev;
	struct iok_page_req *faults;	/* arrival order, the last one last */
	unsigned int nr;
	const void *handle;
	struct iok_domain *domain;
	bool pending;			/* on the device's pending list: answerable */
	bool queued;			/* on its queue's work list */
	void (*work)(struct iok_iopf_group *g);
	struct iok_iopf_group *next_pending, *next_work;
};

struct iok_iopf_queue {
	struct iok_sva *sva;
	struct iok_iommu_unit *u;
	struct iok_iopf_group *work, *work_tail;
	unsigned int nr_work;
	bool hold;
	unsigned int fail_next;
};

/* Per device: the core's fault_param and the device's PRI. */
struct sva_dev {
	struct iok_iopf_queue *queue;	/* NULL: no fault_param */
	struct pr_fault *partial, *partial_tail;
	struct iok_iopf_group *pending;
	bool stopped;			/* Response Failure: PRI off until reset */
	uint32_t next_grpid;
	bool waiting;			/* a DMA access waits for @wait_grpid */
	uint32_t wait_grpid;
	int wait_code;
	unsigned long requests, responses[3];
	int last_code;
	uint32_t last_grpid;
	unsigned int iopf_refs;		/* SVA bonds that enabled IOPF */
	bool iopf_ours;			/* and so added it to its queue */
};

struct iok_sva {
	struct iok_ctx *ctx;
	struct iok_machine *m;
	struct iok_topo *topo;
	struct iok_fabric *f;
	/* Page frames: a bump range and the frames given back. */
	uint64_t frame_next, frame_end;
	uint64_t *free_frames;
	unsigned int nr_free, alloc_free;
	unsigned long frames_used;
	struct iok_mm *mms;
	struct iok_iopf_queue *queues;	/* one per unit */
	unsigned int nr_queues;
	struct sva_dev *devs;		/* by iok_dev.index */
	unsigned int nr_devs;
	struct iok_sva_handle *handles, *dead_handles;
	struct iok_sva_group_bond *bonds, *dead_bonds;
};

static inline struct sva_dev *SD(const struct iok_sva *sva, const struct iok_dev *d)
{
	return &sva->devs[d->index];
}

static inline bool sva_has_dev(const struct iok_sva *sva, const struct iok_dev *d)
{
	return sva && d && d->topo == sva->topo;
}

/* mm.c */
struct vma *iok_mm_find_vma(const struct iok_mm *mm, uint64_t va);
void iok_mm_free(struct iok_mm *mm);
/* Free the mm when dropped and no SVA domain holds it (__mmdrop()). */
void iok_mm_put(struct iok_mm *mm);

/* iopf.c */
int iok_iopf_init(struct iok_sva *sva);
void iok_iopf_fini(struct iok_sva *sva);
/* Queue a handled group for the worker, which runs at once unless held. */
void iok_iopf_queue_work(struct iok_iopf_group *g, void (*fn)(struct iok_iopf_group *g));
/* The SVA bond's driver part: PRI-capable devices join their unit's queue. */
void iok_iopf_get(struct iok_sva *sva, struct iok_dev *dev);
void iok_iopf_put(struct iok_sva *sva, struct iok_dev *dev);
struct iok_iopf_queue *iok_iopf_queue_of(const struct iok_sva *sva, const struct iok_dev *dev);

/* sva.c */
void iok_sva_bonds_free(struct iok_sva *sva);
int iok_sva_iopf_handler(struct iok_iopf_group *g, void *arg);

#endif
