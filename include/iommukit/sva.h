/* SPDX-License-Identifier: MIT */
/*
 * Processes, shared virtual addressing and I/O page faults (spec runtime
 * 5.5, 6): simulated process address spaces whose CPU page tables an IOMMU
 * walks for a device's PASID, the kernel's iommu_sva_bind_device() with its
 * per-mm PASID, shared SVA domains and reused handles, mm teardown, and the
 * I/O page fault path from a PCIe page request to the response
 * (docs/sva.md).
 *
 * One struct iok_sva serves a machine and its fabric (iok_fabric_new()):
 * process memory lives in the fabric's RAM, so a device's DMA through a
 * PASID reads and writes what the process sees. It must be freed before the
 * fabric and the machine. Functions return 0 or a negative errno and record
 * a message in the context; kernel WARNs count in iok_machine_get_warnings().
 */
#ifndef IOMMUKIT_SVA_H
#define IOMMUKIT_SVA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <iommukit/iommu.h>
#include <iommukit/fabric.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iok_sva;
struct iok_mm;
struct iok_sva_handle;
struct iok_sva_group_bond;
struct iok_iopf_queue;
struct iok_iopf_group;

/**
 * iok_sva_new() - the process and SVA side of a machine
 * @f: the fabric whose RAM holds process memory; it must outlive @out
 * @out: receives the object
 *
 * Each IOMMU unit gets an I/O page fault queue and sends its devices' page
 * requests there (iok_unit_set_page_request_fn()). Process page frames come
 * from the upper half of the fabric's largest RAM range.
 *
 * Return: 0; -EBUSY when the machine has one already; -ENOMEM; -EINVAL.
 */
int iok_sva_new(struct iok_fabric *f, struct iok_sva **out);

/**
 * iok_sva_unref() - free everything: bonds are unbound, processes freed
 * @sva: the object, or NULL
 */
void iok_sva_unref(struct iok_sva *sva);

/** The machine of @sva. */
struct iok_machine *iok_sva_get_machine(const struct iok_sva *sva);

/** Page frames processes use now. */
unsigned long iok_sva_count_frames(const struct iok_sva *sva);

/* ---- processes --------------------------------------------------------- */

/* VMA rights (VM_READ, VM_WRITE, VM_EXEC). */
#define IOK_MM_READ	(1u << 0)
#define IOK_MM_WRITE	(1u << 1)
#define IOK_MM_EXEC	(1u << 2)

/* iok_mm_map() flag: leave the pages absent until first touched. */
#define IOK_MM_ABSENT	(1u << 8)

/* User addresses end here (x86-64 and arm64, 47 bits). */
#define IOK_MM_TASK_SIZE (1ull << 47)

/**
 * iok_mm_new() - a new process address space, with one reference
 * @sva: the system
 * @out: receives the mm, without PASID until its first bind (spec 5.5)
 *
 * Its page table is the CPU's: x86-64 four-level, or Arm LPAE stage 1 when
 * the machine's IOMMUs are Arm SMMUs (which walk the CPU's tables for SVA).
 *
 * Return: 0, -ENOMEM, -EINVAL.
 */
int iok_mm_new(struct iok_sva *sva, struct iok_mm **out);

/**
 * iok_mm_set_lam() - x86 Linear Address Masking on or off
 * @mm: the process
 * @on: LAM makes the page tables unusable for DMA: binds fail -EBUSY
 *
 * Return: 0, -EINVAL.
 */
int iok_mm_set_lam(struct iok_mm *mm, bool on);

/**
 * iok_mm_map() - mmap() a fixed range
 * @mm: the process
 * @va: first address, page aligned
 * @len: bytes, a non-zero multiple of 4 KiB
 * @prot: IOK_MM_READ, IOK_MM_WRITE, IOK_MM_EXEC
 * @flags: IOK_MM_ABSENT, or 0 to populate (zeroed pages, present now)
 *
 * Return: 0; -EINVAL for a bad range or flag; -EEXIST when it overlaps a
 * mapping (MAP_FIXED_NOREPLACE); -ENOMEM without frames (nothing mapped);
 * -ESRCH after exit.
 */
int iok_mm_map(struct iok_mm *mm, uint64_t va, uint64_t len, unsigned int prot,
	       unsigned int flags);

/**
 * iok_mm_protect() - mprotect(): new rights for a mapped range
 * @mm: the process
 * @va: first address, page aligned
 * @len: bytes, a non-zero multiple of 4 KiB
 * @prot: the rights
 *
 * Present pages get the rights at once; IOMMUs are told (invalidation).
 *
 * Return: 0; -ENOMEM when part of the range is not mapped; -EINVAL; -ESRCH.
 */
int iok_mm_protect(struct iok_mm *mm, uint64_t va, uint64_t len, unsigned int prot);

/**
 * iok_mm_unmap() - munmap(): the range's pages and frames go
 * @mm: the process
 * @va: first address, page aligned
 * @len: bytes, a non-zero multiple of 4 KiB; holes are fine
 *
 * IOMMUs are told before the frames are reused.
 *
 * Return: 0, -EINVAL, -ESRCH.
 */
int iok_mm_unmap(struct iok_mm *mm, uint64_t va, uint64_t len);

/**
 * iok_mm_evict() - make pages absent, as reclaim does; contents stay
 * @mm: the process
 * @va: first address, page aligned
 * @len: bytes, a non-zero multiple of 4 KiB
 *
 * The next access, by the CPU or a device's page request, makes them
 * present again with the same contents.
 *
 * Return: the number of pages made absent, -EINVAL, -ESRCH.
 */
int iok_mm_evict(struct iok_mm *mm, uint64_t va, uint64_t len);

/**
 * iok_mm_fault() - handle_mm_fault(): make a page present (and writable)
 * @mm: the process
 * @va: the address
 * @access: IOK_MM_READ, IOK_MM_WRITE or IOK_MM_EXEC, which the VMA must allow
 *
 * Return: 0; -EFAULT without a mapping; -EACCES when the VMA forbids the
 * access; -ENOMEM without frames; -ESRCH after exit.
 */
int iok_mm_fault(struct iok_mm *mm, uint64_t va, unsigned int access);

/**
 * iok_mm_write() - the process writes its memory (faulting pages in)
 * @mm: the process
 * @va: first address
 * @buf: the bytes
 * @len: how many
 *
 * Return: 0; -EFAULT for an address without mapping, -EACCES without the
 * right (SIGSEGV), nothing written; -ENOMEM; -ESRCH; -EINVAL.
 */
int iok_mm_write(struct iok_mm *mm, uint64_t va, const void *buf, size_t len);

/** iok_mm_write()'s reading twin. */
int iok_mm_read(struct iok_mm *mm, uint64_t va, void *buf, size_t len);

/**
 * iok_mm_virt_to_phys() - where a present page is
 * @mm: the process
 * @va: the address
 * @pa: receives the physical address
 *
 * Return: 0; -ENOENT for an absent page; -EFAULT without a mapping.
 */
int iok_mm_virt_to_phys(const struct iok_mm *mm, uint64_t va, uint64_t *pa);

/** Present pages of the process. */
unsigned long iok_mm_count_present(const struct iok_mm *mm);

/** The process's page table (NULL after exit). */
struct iok_pgtable *iok_mm_get_pgtable(const struct iok_mm *mm);

/**
 * iok_mm_get_pasid() - mm_get_enqcmd_pasid()
 * @mm: the process
 *
 * Return: its PASID, or IOK_PASID_INVALID before its first bind.
 */
uint32_t iok_mm_get_pasid(const struct iok_mm *mm);

/** Whether the process has exited (its address space is gone). */
bool iok_mm_has_exited(const struct iok_mm *mm);

/**
 * iok_mm_exit() - the process exits: exit_mmap() (spec 6.3)
 * @mm: the process
 *
 * mmu notifiers are released first (an SVA domain's PASIDs then fail
 * quietly), then pages, frames and the page table go. The mm itself
 * stays while SVA domains hold it, and so does its PASID.
 *
 * Return: 0; -ESRCH if it has exited already; -EINVAL.
 */
int iok_mm_exit(struct iok_mm *mm);

/**
 * iok_mm_drop() - the owner's last reference: mmdrop()
 * @mm: the process, or NULL
 *
 * Exits it first if needed. It is freed, and its PASID returned to the
 * global allocator (mm_pasid_drop() in __mmdrop()), when no SVA domain
 * holds it any more: at once, or at the unbind that frees the last one.
 */
void iok_mm_drop(struct iok_mm *mm);

/** mmu notifier operations (mmu_notifier_ops). */
struct iok_mmu_notifier_ops {
	/* Translations of [start, end) changed or went. */
	void (*invalidate)(struct iok_mm *mm, uint64_t start, uint64_t end, void *arg);
	/* The address space goes (exit_mmap()); called once. */
	void (*release)(struct iok_mm *mm, void *arg);
};

/**
 * iok_mm_register_notifier() - be told of changes to the page table
 * @mm: the process
 * @ops: the callbacks
 * @arg: passed to them
 *
 * Return: 0, -ENOMEM, -EINVAL, -ESRCH after exit.
 */
int iok_mm_register_notifier(struct iok_mm *mm, const struct iok_mmu_notifier_ops *ops,
			     void *arg);

/**
 * iok_mm_unregister_notifier() - stop being told
 * @mm: the process
 * @ops: as registered
 * @arg: as registered
 *
 * Return: 0, -ENOENT, -EINVAL.
 */
int iok_mm_unregister_notifier(struct iok_mm *mm, const struct iok_mmu_notifier_ops *ops,
			       void *arg);

/* ---- SVA (spec 6.1, 6.2) ------------------------------------------------ */

/**
 * iok_sva_bind_device() - iommu_sva_bind_device()
 * @dev: the device
 * @mm: a live process of the same machine
 * @out: receives the bond
 *
 * In order: a group (-ENODEV); [before Linux 6.2: a group of one device,
 * else -EINVAL]; the mm's PASID: LAM (-EBUSY), an existing PASID that
 * @dev's width cannot carry (-EOVERFLOW), or a new one from the global
 * allocator (-ENOSPC, also for a device without PASIDs); the group's handle
 * at that PASID, reused with one more user (-EBUSY when the slot holds
 * another mm or a domain that is not SVA); else an SVA domain of the mm
 * that attaches, or a new one (-EOPNOTSUPP without driver support) attached
 * group-wide. The mm keeps its PASID even when the bind then fails.
 *
 * Return: 0 or a negative errno; -EINVAL for misuse or an exited @mm.
 */
int iok_sva_bind_device(struct iok_dev *dev, struct iok_mm *mm, struct iok_sva_handle **out);

/**
 * iok_sva_unbind_device() - iommu_sva_unbind_device()
 * @h: the bond
 *
 * One user less; the last detaches the PASID from the group (page requests
 * still queued for it are handled first), frees the SVA domain when no
 * group uses it, and may free an mm already dropped. The handle's memory
 * stays until iok_sva_unref(), so that unbinding it once more is caught (a
 * WARN, -EINVAL) instead of touching freed memory.
 *
 * Return: 0; -EINVAL for NULL or an unbound handle.
 */
int iok_sva_unbind_device(struct iok_sva_handle *h);

/**
 * iok_sva_get_pasid() - iommu_sva_get_pasid()
 * @h: the bond
 *
 * Return: the mm's PASID, or IOK_PASID_INVALID for NULL or an unbound handle.
 */
uint32_t iok_sva_get_pasid(const struct iok_sva_handle *h);

/** Users of a bond (0 once unbound). */
unsigned int iok_sva_handle_get_users(const struct iok_sva_handle *h);
/** The device the bond was made for (the first of its group). */
struct iok_dev *iok_sva_handle_get_dev(const struct iok_sva_handle *h);
/** The SVA domain of a live bond, or NULL. */
struct iok_domain *iok_sva_handle_get_domain(const struct iok_sva_handle *h);

/**
 * iok_sva_bind_group() - bind every device of a user-owned group (extension)
 * @rg: the group; its DMA owner must be user space (VFIO, iommufd)
 * @mm: the process
 * @out: receives the bond of the group
 *
 * Not in Linux: the VFIO_IOMMU_BIND_PROCESS of the 2018 SVA series (spec
 * 9.4) on top of today's group-wide PASID attach. Each device is bound with
 * iok_sva_bind_device(), all or nothing: when one cannot be, the others are
 * unbound again. A device hot-added later is not bound (as in the kernel).
 *
 * Return: 0; -EPERM for a group without a user owner; -ENODEV for an empty
 * group; else the first device's error, nothing left bound.
 */
int iok_sva_bind_group(struct iok_rgroup *rg, struct iok_mm *mm,
		       struct iok_sva_group_bond **out);

/**
 * iok_sva_unbind_group() - unbind what iok_sva_bind_group() bound
 * @b: the bond
 *
 * Return: 0; -EINVAL (a WARN) when unbound already.
 */
int iok_sva_unbind_group(struct iok_sva_group_bond *b);

/** The PASID of a group bond, IOK_PASID_INVALID once unbound. */
uint32_t iok_sva_group_bond_get_pasid(const struct iok_sva_group_bond *b);
/** The devices a group bond bound. */
unsigned int iok_sva_group_bond_count_devs(const struct iok_sva_group_bond *b);

/* ---- I/O page faults (spec 6.4) ------------------------------------------ */

/* Page request flags (IOMMU_FAULT_PAGE_REQUEST_*). */
#define IOK_PRQ_PASID_VALID	(1u << 0)
#define IOK_PRQ_LAST_PAGE	(1u << 1)
#define IOK_PRQ_NEEDS_PASID	(1u << 2)

/* PRG index bits of a PCIe Page Request Message. */
#define IOK_PRQ_GRPID_MAX	0x1ffu

/** One page request (struct iommu_fault_page_request). */
struct iok_page_req {
	unsigned int flags;	/* IOK_PRQ_* */
	uint32_t pasid;
	uint32_t grpid;		/* PRG index, 0 to IOK_PRQ_GRPID_MAX */
	unsigned int perm;	/* IOK_FAULT_PERM_* */
	uint64_t addr;
};

/** Response codes (IOMMU_PAGE_RESP_*). */
enum iok_page_resp {
	IOK_PAGE_RESP_SUCCESS = 0,	/* fixed: the device retries */
	IOK_PAGE_RESP_INVALID = 1,	/* do not retry: the access fails */
	IOK_PAGE_RESP_FAILURE = 2,	/* catastrophic: PRI stops until reset */
};

/** Name of a response code ("success", "invalid", "failure"). */
const char *iok_page_resp_name(int code);

/** The I/O page fault queue of a unit (the driver's iopf_queue). */
struct iok_iopf_queue *iok_sva_get_iopf_queue(const struct iok_sva *sva,
					      const struct iok_iommu_unit *u);

/**
 * iok_iopf_queue_add_device() - iopf_queue_add_device()
 * @q: the queue of the device's unit
 * @dev: the device
 *
 * A device with a PRI capability may send page requests while in a queue.
 * SVA binds add PRI-capable devices themselves (as drivers enable IOPF
 * with an SVA domain) and remove them with the last unbind.
 *
 * Return: 0; -ENODEV when the driver has no page_response; -EBUSY when
 * the device is in a queue; -EINVAL for misuse or another unit's queue.
 */
int iok_iopf_queue_add_device(struct iok_iopf_queue *q, struct iok_dev *dev);

/**
 * iok_iopf_queue_remove_device() - iopf_queue_remove_device()
 * @q: the queue
 * @dev: a device in it
 *
 * Partial requests are dropped; every group still pending is answered
 * INVALID and its work cancelled.
 *
 * Return: 0; -EINVAL (a WARN) when @dev is not in @q.
 */
int iok_iopf_queue_remove_device(struct iok_iopf_queue *q, struct iok_dev *dev);

/**
 * iok_iopf_queue_flush_dev() - iopf_queue_flush_dev(): run the queued work
 * @sva: the system
 * @dev: a device in a queue
 *
 * Return: 0; -ENODEV (a WARN) when @dev is in no queue; -EINVAL.
 */
int iok_iopf_queue_flush_dev(struct iok_sva *sva, struct iok_dev *dev);

/**
 * iok_iopf_queue_discard_partial() - iopf_queue_discard_partial()
 * @q: the queue, after its hardware queue overflowed
 *
 * Return: 0, or -EINVAL for NULL.
 */
int iok_iopf_queue_discard_partial(struct iok_iopf_queue *q);

/**
 * iok_iopf_queue_hold() - pause or resume the queue's worker (the model's)
 * @q: the queue
 * @hold: true holds handled groups as work until resumed or flushed;
 *        false runs what waits and then works at once again
 *
 * A DMA whose page request is not answered at once fails like a refused
 * one (the model's device does not wait).
 *
 * Return: 0, -EINVAL.
 */
int iok_iopf_queue_hold(struct iok_iopf_queue *q, bool hold);

/** Groups waiting for the worker. */
unsigned int iok_iopf_queue_count_work(const struct iok_iopf_queue *q);

/**
 * iok_iopf_queue_fail_next() - the handler cannot queue the next @n groups
 * @q: the queue
 * @n: how many (0 disarms)
 *
 * queue_work() failing: the core answers FAILURE (spec 10 case 36).
 *
 * Return: 0, -EINVAL.
 */
int iok_iopf_queue_fail_next(struct iok_iopf_queue *q, unsigned int n);

/**
 * iok_report_device_fault() - iommu_report_device_fault()
 * @sva: the system
 * @dev: the device that sent the request
 * @req: the page request
 *
 * The handler is the domain of the handle at the request's PASID (at
 * PASID 0 without PASID_VALID); without one, or without an iopf_handler,
 * the request is answered INVALID. A request without LAST_PAGE is parked
 * unanswered; the last one of a PRG index gathers them into a group for the
 * handler, which answers once; a handler error answers FAILURE.
 *
 * Return: 0; -EINVAL after answering INVALID (no handler, or a device in no
 * queue: a WARN); -ENOMEM; -ENODEV for a device without group; -EINVAL
 * for a bad request.
 */
int iok_report_device_fault(struct iok_sva *sva, struct iok_dev *dev,
			    const struct iok_page_req *req);

/** Page requests in a group (the last one included). */
unsigned int iok_iopf_group_count_faults(const struct iok_iopf_group *g);
/** The @i-th request of a group, in arrival order, or NULL. */
const struct iok_page_req *iok_iopf_group_get_fault(const struct iok_iopf_group *g,
						    unsigned int i);
/** The device of a group. */
struct iok_dev *iok_iopf_group_get_dev(const struct iok_iopf_group *g);
/** The domain whose handler got the group. */
struct iok_domain *iok_iopf_group_get_domain(const struct iok_iopf_group *g);

/**
 * iok_iopf_group_response() - iopf_group_response()
 * @g: the group
 * @code: an enum iok_page_resp value
 *
 * Sent only while the group is pending: after iok_iopf_queue_remove_device()
 * the response is dropped.
 */
void iok_iopf_group_response(struct iok_iopf_group *g, int code);

/** iopf_free_group(): the handler is done with @g. */
void iok_iopf_free_group(struct iok_iopf_group *g);

/** A device's PRI, as its Page Request Interface capability would tell. */
struct iok_pri_state {
	bool capable;		/* a PRI capability */
	bool in_queue;		/* in an IOPF queue (PRI enabled) */
	bool stopped;		/* a FAILURE response stopped it until reset */
	unsigned int partial;	/* requests parked without LAST_PAGE */
	unsigned int pending;	/* groups sent to a handler, not answered */
	unsigned long requests;	/* page requests the device sent on DMA */
	unsigned long responses[3]; /* responses received, by code */
	int last_code;		/* the last response, -1 for none */
	uint32_t last_grpid;
};

/**
 * iok_dev_get_pri_state() - a device's page request state
 * @sva: the system
 * @dev: the device
 * @st: receives it
 *
 * Return: 0, -EINVAL.
 */
int iok_dev_get_pri_state(const struct iok_sva *sva, const struct iok_dev *dev,
			  struct iok_pri_state *st);

/**
 * iok_dev_reset_pri() - a device reset: PRI works again after a FAILURE
 * @sva: the system
 * @dev: the device
 *
 * Return: 0, -EINVAL.
 */
int iok_dev_reset_pri(struct iok_sva *sva, struct iok_dev *dev);

#ifdef __cplusplus
}
#endif

#endif
