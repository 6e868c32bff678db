/* SPDX-License-Identifier: MIT */
/*
 * The runtime IOMMU core (spec runtime 1-4): a machine built from a
 * topology, with one IOMMU unit per firmware unit, runtime groups holding
 * their current, default and blocking domains and their DMA owner, domains
 * with real page tables, attach and detach with the kernel's rollback, and
 * DMA ownership as the driver core, VFIO and iommufd use it.
 *
 * Functions return 0 or a negative errno, as the kernel's do, and record a
 * message in the context. Where the kernel only WARNs and does nothing, the
 * model returns -EINVAL (nothing changed) and counts a warning
 * (iok_machine_get_warnings()). Misuse (NULL, an object of another
 * machine, a device that is not where the call says) returns -EINVAL and
 * changes nothing. Built without NDEBUG, every call that changes groups,
 * attachments, ownership, drivers or the set of domains ends with
 * iok_machine_check() and returns -EUCLEAN if an invariant broke (map and
 * unmap touch none of that and are not checked).
 */
#ifndef IOMMUKIT_IOMMU_H
#define IOMMUKIT_IOMMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iok_topo;
struct iok_dev;
struct iok_grouping;
struct iok_group;
struct iok_pgtable;
struct iok_machine;
struct iok_rgroup;
struct iok_domain;
struct iok_iommu_unit;

/* The kernel's driver-core errno, which user space's <errno.h> lacks. */
#define IOK_EPROBE_DEFER 517

/* Domain type feature bits and types, with the kernel's values (spec 2.1). */
#define IOK_DOMAIN_F_PAGING	(1u << 0)
#define IOK_DOMAIN_F_DMA_API	(1u << 1)
#define IOK_DOMAIN_F_PT		(1u << 2)
#define IOK_DOMAIN_F_DMA_FQ	(1u << 3)

enum iok_domain_type {
	IOK_DOMAIN_BLOCKED = 0,
	IOK_DOMAIN_UNMANAGED = IOK_DOMAIN_F_PAGING,
	IOK_DOMAIN_DMA = IOK_DOMAIN_F_PAGING | IOK_DOMAIN_F_DMA_API,
	IOK_DOMAIN_IDENTITY = IOK_DOMAIN_F_PT,
	IOK_DOMAIN_DMA_FQ = IOK_DOMAIN_F_PAGING | IOK_DOMAIN_F_DMA_API |
			    IOK_DOMAIN_F_DMA_FQ,
	IOK_DOMAIN_SVA = 1u << 4,	/* a process address space (PASID section) */
};

/* Reserved-region types, in the kernel's order (spec 2.7). */
enum iok_resv_type {
	IOK_RESV_DIRECT,		/* identity-mapped at all times (RMRR) */
	IOK_RESV_DIRECT_RELAXABLE,	/* direct, but may be dropped for assignment */
	IOK_RESV_RESERVED,		/* never mapped */
	IOK_RESV_MSI,			/* hardware MSI window, untranslated */
	IOK_RESV_SW_MSI,		/* MSI window the OS maps itself */
};

/** A reserved IOVA range, both ends included. */
struct iok_resv_region {
	uint64_t start;
	uint64_t last;
	enum iok_resv_type type;
	unsigned int prot;	/* IOK_PROT_* of a direct mapping */
};

/* ---- machine ----------------------------------------------------------- */

/**
 * iok_machine_new() - boot a machine: register its IOMMUs, probe devices
 * @topo: the topology, with its parameters; it must outlive the machine
 * @out: receives the machine
 *
 * Groups are the grouping's (iok_grouping_compute()), devices probed in
 * Linux's order, one IOMMU unit per firmware unit (one "iommu0" without
 * units) driven by the topology's "iommu" driver. Each group gets its
 * default domain (spec 2.4): identity with iommu=pt or iommu.passthrough=1,
 * else DMA with iommu.strict=1 or on Arm, else DMA-FQ; DMA whenever an
 * untrusted device is in the group.
 *
 * Return: 0, -EINVAL for a bad argument, -ENOMEM, or the error of a
 * default-domain setup.
 */
int iok_machine_new(struct iok_topo *topo, struct iok_machine **out);

/**
 * iok_machine_new_drivers() - iok_machine_new() with a driver per unit
 * @topo: the topology
 * @drivers: comma-separated drivers by unit index ("intel,amd"; "arm",
 *           "virtio"); units past the list use the topology's "iommu"
 * @out: receives the machine
 *
 * Models a machine whose IOMMUs are driven by different drivers, so that a
 * domain of one driver meets a device of another (spec 10 case 4).
 *
 * Return: as iok_machine_new(); -EINVAL for an unknown driver name.
 */
int iok_machine_new_drivers(struct iok_topo *topo, const char *drivers,
			    struct iok_machine **out);

/**
 * iok_machine_unref() - free a machine, its groups and all its domains
 * @m: the machine, or NULL
 */
void iok_machine_unref(struct iok_machine *m);

/** The topology the machine was built from. */
struct iok_topo *iok_machine_get_topo(const struct iok_machine *m);

/** The machine's grouping, kept in step with hot-plug. */
struct iok_grouping *iok_machine_get_grouping(const struct iok_machine *m);

/**
 * iok_machine_check() - check the invariants of spec 1.4 and the model's
 * @m: the machine
 *
 * Every device of a group is attached to the group's domain (deferred
 * attach and failed must-succeed attaches excepted), owner implies a count
 * and no count implies no owner, no group is empty or without domains, no
 * device that needs its direct regions is blocked, and every domain's
 * attachment count is right.
 *
 * Return: 0, or -EUCLEAN with a message naming the group or domain.
 */
int iok_machine_check(struct iok_machine *m);

/**
 * iok_machine_get_warnings() - how many kernel WARNs the machine has hit
 * @m: the machine
 *
 * Return: the count since iok_machine_new().
 */
unsigned int iok_machine_get_warnings(const struct iok_machine *m);

/**
 * iok_machine_hotplug_add() - plug a device in and probe it (spec 3.3)
 * @m: the machine
 * @dev: an absent device of @m's topology
 *
 * The device joins its group (iok_grouping_hotplug_add()). Joining an
 * existing group maps its direct regions into the default domain and
 * attaches it to the group's current domain, whatever it is; a new group
 * gets its default domain. A device no IOMMU covers is present without a
 * group.
 *
 * Return: 0; -EBUSY if present; -EINVAL for misuse; the attach or setup
 * error, in which case the device is present but without IOMMU or group.
 */
int iok_machine_hotplug_add(struct iok_machine *m, struct iok_dev *dev);

/**
 * iok_machine_hotplug_remove() - unplug a device (spec 3.3)
 * @m: the machine
 * @dev: a present device
 *
 * Its driver is unbound first, as the driver core does. The last device of
 * a group frees the group and its default and blocking domains.
 *
 * Return: 0; -ENODEV if absent; -EBUSY (a warning, nothing changed) when
 * it is the last device of a group that is owned or not on its default
 * domain, which the kernel only WARNs about (spec 1.4 invariant 3).
 */
int iok_machine_hotplug_remove(struct iok_machine *m, struct iok_dev *dev);

/** Whether @dev is plugged in (present at boot or hot-added since). */
bool iok_machine_dev_is_present(const struct iok_machine *m,
				const struct iok_dev *dev);

/**
 * iok_machine_set_probe_window() - hold new groups before their default domain
 * @m: the machine
 * @open: true to hold, false to finish
 *
 * When an IOMMU registers, Linux probes every device into its group first
 * and sets default domains up afterwards; a driver probing in between gets
 * -EPROBE_DEFER (spec 10 case 17). While the window is open, a hot-added
 * device that forms a new group leaves the group without domains. Closing
 * it sets up every waiting group's default domain, in ID order.
 *
 * Return: 0, or the first setup error (that group keeps waiting without a
 * default domain, as after a failed IOMMU registration; drivers of its
 * devices defer until a later close succeeds).
 */
int iok_machine_set_probe_window(struct iok_machine *m, bool open);

/**
 * iok_machine_fail_attach() - make a driver attach_dev call fail
 * @m: the machine
 * @dev: the device
 * @nth: 1 fails the next attach of @dev, 2 the one after; 0 disarms
 * @err: the driver's errno (negative; 0 means -ENODEV)
 *
 * Return: 0, or -EINVAL for misuse or an @err that is not an errno.
 */
int iok_machine_fail_attach(struct iok_machine *m, struct iok_dev *dev,
			    unsigned int nth, int err);

/**
 * iok_machine_fail_alloc() - make a driver domain allocation fail
 * @m: the machine
 * @nth: 1 fails the next paging-domain allocation of any unit; 0 disarms
 *
 * The driver returns nothing and the core reports -ENOMEM. Static blocked
 * and identity domains are never allocated.
 *
 * Return: 0, or -EINVAL for a NULL @m.
 */
int iok_machine_fail_alloc(struct iok_machine *m, unsigned int nth);

/**
 * iok_machine_set_address_width() - the IOMMUs' input address width
 * @m: the machine
 * @bits: 32 to 48 (the drivers' default is 48; QEMU's VT-d has 39)
 *
 * Every paging domain, those allocated already included, translates
 * @bits of IOVA: its aperture ends at 2^@bits - 1.
 *
 * Return: 0; -EINVAL for a bad argument; -EBUSY once a page table maps
 * something; -ENOMEM.
 */
int iok_machine_set_address_width(struct iok_machine *m, unsigned int bits);

/**
 * iok_machine_set_attach_deferred() - mark a device's attach deferred
 * @m: the machine
 * @dev: an absent device (it is probed at hot-add)
 *
 * The driver reports is_attach_deferred() (translation left enabled by a
 * previous kernel): attaching the default domain is skipped until the
 * group moves to another domain (spec 3.1).
 *
 * Return: 0, -EBUSY if @dev is present, -EINVAL for misuse.
 */
int iok_machine_set_attach_deferred(struct iok_machine *m, struct iok_dev *dev);

/**
 * iok_machine_add_resv_region() - add a firmware reserved region to a device
 * @m: the machine
 * @dev: the device
 * @start: first address
 * @last: last address, at least @start
 * @type: the region type
 *
 * A direct region sets the device's require_direct (spec 2.7) and, as a
 * fact firmware would have told at probe, is mapped at once into the
 * group's default domain if that is a DMA domain.
 *
 * Return: 0; -EINVAL for misuse or a bad range or type; -EBUSY for a
 * direct region of a device whose group is blocked now; -ENOMEM; the
 * mapping error (the region is then not added).
 */
int iok_machine_add_resv_region(struct iok_machine *m, struct iok_dev *dev,
				uint64_t start, uint64_t last,
				enum iok_resv_type type);

/**
 * iok_dev_get_resv_regions() - a device's regions, as the driver reports them
 * @m: the machine
 * @dev: the device
 * @buf: receives up to @max regions; may be NULL when @max is 0
 * @max: size of @buf
 *
 * The firmware regions first, then the driver's MSI window.
 *
 * Return: the number of regions (which may exceed @max), or -EINVAL.
 */
int iok_dev_get_resv_regions(const struct iok_machine *m,
			     const struct iok_dev *dev,
			     struct iok_resv_region *buf, size_t max);

/**
 * iok_dev_get_attach_calls() - how often the driver's attach_dev ran for a device
 * @m: the machine
 * @dev: the device
 *
 * Return: the count, failed calls included.
 */
unsigned long iok_dev_get_attach_calls(const struct iok_machine *m,
				       const struct iok_dev *dev);

/**
 * iok_dev_get_attached_domain() - the domain the hardware translates a device's RID with
 * @m: the machine
 * @dev: the device
 *
 * Return: the domain, or NULL (no group, or a deferred attach).
 */
struct iok_domain *iok_dev_get_attached_domain(const struct iok_machine *m,
					       const struct iok_dev *dev);

/**
 * iok_get_domain_for_dev() - iommu_get_domain_for_dev()
 * @m: the machine
 * @dev: the device
 *
 * Return: the domain of @dev's group, or NULL without a group.
 */
struct iok_domain *iok_get_domain_for_dev(const struct iok_machine *m,
					  const struct iok_dev *dev);

/* ---- IOMMU units and faults ------------------------------------------- */

/** Number of IOMMU units (0 with iommu "none"). */
unsigned int iok_machine_count_units(const struct iok_machine *m);
/** The @i-th unit, in firmware order, or NULL. */
struct iok_iommu_unit *iok_machine_get_unit(const struct iok_machine *m,
					    unsigned int i);
/** The unit that translates a probed device, or NULL. */
struct iok_iommu_unit *iok_dev_get_unit(const struct iok_machine *m,
					const struct iok_dev *dev);
/** The unit's name ("dmar0", "iommu0"). */
const char *iok_unit_get_name(const struct iok_iommu_unit *u);
/** The unit's driver: "intel", "amd", "arm" or "virtio". */
const char *iok_unit_get_driver(const struct iok_iommu_unit *u);
/** Page sizes the unit's page tables support. */
uint64_t iok_unit_get_pgsize_bitmap(const struct iok_iommu_unit *u);

/**
 * iok_unit_get_blocked_domain() - the driver's static blocked domain
 * @u: the unit
 *
 * Return: the domain, shared by every unit of the driver, or NULL when the
 * driver has none (the model's virtio driver: groups then block with an
 * empty paging domain).
 */
struct iok_domain *iok_unit_get_blocked_domain(const struct iok_iommu_unit *u);

/**
 * iok_unit_get_identity_domain() - the driver's static identity domain
 * @u: the unit
 *
 * Return: the domain, shared by every unit of the driver.
 */
struct iok_domain *iok_unit_get_identity_domain(const struct iok_iommu_unit *u);

/* Access bits of a fault, the kernel's IOMMU_FAULT_PERM_* values. */
#define IOK_FAULT_PERM_READ	(1u << 0)
#define IOK_FAULT_PERM_WRITE	(1u << 1)
#define IOK_FAULT_PERM_EXEC	(1u << 2)
#define IOK_FAULT_PERM_PRIV	(1u << 3)

/* No PASID in a fault record: the kernel's IOMMU_PASID_INVALID. */
#define IOK_PASID_INVALID	0xffffffffu

/** Why the hardware refused a DMA. */
enum iok_fault_reason {
	IOK_FAULT_BLOCKED,	/* the RID or PASID is blocked */
	IOK_FAULT_NOT_PRESENT,	/* no translation for the address */
	IOK_FAULT_PERMISSION,	/* the translation forbids the access */
	IOK_FAULT_OUT_OF_RANGE,	/* address beyond the domain's aperture */
	IOK_FAULT_NO_CONTEXT,	/* no context entry for the requester ID */
	IOK_FAULT_NO_PASID,	/* a PASID without a PASID entry */
};

/** One fault record of a unit's queue. */
struct iok_fault {
	struct iok_dev *dev;	/* the requester, if known */
	uint16_t rid;		/* requester ID: bus << 8 | devfn */
	uint32_t pasid;		/* IOK_PASID_INVALID for none */
	uint64_t addr;
	unsigned int access;	/* IOK_FAULT_PERM_* */
	enum iok_fault_reason reason;
};

/* Records a unit keeps; later faults are lost and counted. */
#define IOK_FAULT_QUEUE_LEN 256

/** Called for every fault reported on a unit, queued or not. */
typedef void (*iok_fault_fn)(struct iok_iommu_unit *u,
			     const struct iok_fault *f, void *arg);

/**
 * iok_unit_set_fault_handler() - route a unit's faults to @fn
 * @u: the unit
 * @fn: the handler, or NULL for none
 * @arg: passed to @fn
 */
void iok_unit_set_fault_handler(struct iok_iommu_unit *u, iok_fault_fn fn,
				void *arg);

/**
 * iok_unit_report_fault() - record a fault, as the hardware does
 * @u: the unit
 * @f: the fault; @f->dev, when set, must be behind @u
 *
 * The handler is called, then the record is queued.
 *
 * Return: 0; -ENOSPC when the queue is full (the record is lost and
 * counted); -EINVAL for a bad argument.
 */
int iok_unit_report_fault(struct iok_iommu_unit *u, const struct iok_fault *f);

/** Number of queued fault records. */
unsigned int iok_unit_count_faults(const struct iok_iommu_unit *u);

/**
 * iok_unit_get_fault() - the @i-th queued record, oldest first
 * @u: the unit
 * @i: index
 * @f: receives the record
 *
 * Return: 0, or -ENOENT past the last one.
 */
int iok_unit_get_fault(const struct iok_iommu_unit *u, unsigned int i,
		       struct iok_fault *f);

/** Records lost because the queue was full. */
unsigned long iok_unit_get_fault_overflows(const struct iok_iommu_unit *u);

/** Empty the queue (the driver has read it) and clear the overflow count. */
void iok_unit_clear_faults(struct iok_iommu_unit *u);

/* ---- runtime groups ---------------------------------------------------- */

/** The runtime group of a device, or NULL when it has none. */
struct iok_rgroup *iok_dev_get_rgroup(const struct iok_machine *m,
				      const struct iok_dev *dev);
/** The group with ID @id, or NULL. */
struct iok_rgroup *iok_machine_find_rgroup(const struct iok_machine *m, int id);
/** Groups in ID order. */
struct iok_rgroup *iok_rgroup_get_first(const struct iok_machine *m);
/** The group after @rg in ID order, or NULL. */
struct iok_rgroup *iok_rgroup_get_next(const struct iok_rgroup *rg);

#define iok_rgroup_foreach(m, rg) \
	for (rg = iok_rgroup_get_first(m); rg; rg = iok_rgroup_get_next(rg))

/** The group's ID, the grouping's. */
int iok_rgroup_get_id(const struct iok_rgroup *rg);
/** The grouping's group, with the reasons devices joined it. */
struct iok_group *iok_rgroup_get_group(const struct iok_rgroup *rg);
/** Number of devices. */
unsigned int iok_rgroup_count_devs(const struct iok_rgroup *rg);
/** The @i-th device, in probe order, or NULL. */
struct iok_dev *iok_rgroup_get_dev(const struct iok_rgroup *rg, unsigned int i);
/** The attached domain (NULL only before the first default-domain setup). */
struct iok_domain *iok_rgroup_get_domain(const struct iok_rgroup *rg);
/** The default domain. */
struct iok_domain *iok_rgroup_get_default_domain(const struct iok_rgroup *rg);
/** The blocking domain, allocated at the first ownership claim; or NULL. */
struct iok_domain *iok_rgroup_get_blocking_domain(const struct iok_rgroup *rg);
/** owner_cnt: bound DMA-API drivers, or claims of the owner. */
unsigned int iok_rgroup_get_owner_cnt(const struct iok_rgroup *rg);
/** The owner cookie; NULL for the kernel (DMA API). */
const void *iok_rgroup_get_owner(const struct iok_rgroup *rg);

/**
 * iok_group_get_resv_regions() - iommu_get_group_resv_regions() (spec 2.7)
 * @rg: the group
 * @buf: receives up to @max regions; may be NULL when @max is 0
 * @max: size of @buf
 *
 * The union of the devices' regions sorted by start, then type; regions of
 * one type that overlap or touch are merged, different types never.
 *
 * Return: the number of regions (which may exceed @max), -EINVAL or -ENOMEM.
 */
int iok_group_get_resv_regions(const struct iok_rgroup *rg,
			       struct iok_resv_region *buf, size_t max);

/**
 * iok_group_get_type_name() - sysfs "type" of a group
 * @rg: the group
 *
 * Return: the default domain's type as sysfs reads: "blocked",
 * "identity", "unmanaged", "DMA", "DMA-FQ", or "unknown" without one.
 */
const char *iok_group_get_type_name(const struct iok_rgroup *rg);

/**
 * iok_group_set_default_type() - a write to sysfs "type" (spec 2.4)
 * @rg: the group
 * @type: "identity", "DMA", "DMA-FQ" or "auto"
 *
 * DMA to DMA-FQ changes the domain in place. Any other change needs a group
 * without owner_cnt and gets a new default domain, which the group moves to.
 * Kernels up to 6.1 (spec 10, measured) answer differently: -EINVAL for a
 * group of several devices, -EBUSY when the device has a driver (DMA to
 * DMA-FQ excepted) or the group is not on its default domain.
 *
 * Return: 0; -EINVAL for an unknown @type, a group without default domain,
 * or a type an untrusted device forbids; -EPERM when owner_cnt is not 0;
 * -ENOMEM; the attach error (the old default domain stays).
 */
int iok_group_set_default_type(struct iok_rgroup *rg, const char *type);

/* ---- domains ----------------------------------------------------------- */

/**
 * iok_domain_alloc_paging() - iommu_paging_domain_alloc() (spec 2.3)
 * @m: the machine
 * @dev: the device whose IOMMU will translate with it
 * @out: receives an UNMANAGED domain, empty, with the unit's page sizes and
 *       the page table's aperture
 *
 * Return: 0; -ENODEV when no IOMMU covers @dev (or it is not probed);
 * -ENOMEM; -EINVAL for misuse.
 */
int iok_domain_alloc_paging(struct iok_machine *m, struct iok_dev *dev,
			    struct iok_domain **out);

/**
 * iok_domain_free() - free a domain allocated with iok_domain_alloc_paging()
 * @d: the domain, or NULL (then 0)
 *
 * No domain is freed while attached.
 *
 * Return: 0; -EBUSY while a device is attached to it or it is a group's
 * domain, default or blocking domain; -EINVAL for a static domain.
 */
int iok_domain_free(struct iok_domain *d);

/** The domain's type. */
enum iok_domain_type iok_domain_get_type(const struct iok_domain *d);
/** Name of a type as sysfs prints it ("DMA-FQ"). */
const char *iok_domain_type_name(enum iok_domain_type type);
/** Supported page sizes; 0 for non-paging domains. */
uint64_t iok_domain_get_pgsize_bitmap(const struct iok_domain *d);

/**
 * iok_domain_get_geometry() - the domain's aperture (spec 2.6)
 * @d: a paging domain
 * @start: receives aperture_start
 * @end: receives aperture_end (inclusive)
 * @force: if not NULL, receives force_aperture
 *
 * Return: 0, or -EINVAL for a domain without page table.
 */
int iok_domain_get_geometry(const struct iok_domain *d, uint64_t *start,
			    uint64_t *end, bool *force);

/** The page table of a paging domain, or NULL. */
struct iok_pgtable *iok_domain_get_pgtable(const struct iok_domain *d);
/** The unit a paging domain belongs to; NULL for static domains. */
struct iok_iommu_unit *iok_domain_get_unit(const struct iok_domain *d);

/**
 * iok_map() - iommu_map() (spec 2.5)
 * @d: the domain
 * @iova: first IOVA
 * @paddr: first physical address
 * @size: bytes
 * @prot: IOK_PROT_*
 *
 * Checks, in order: a paging domain (-EINVAL), page sizes (-ENODEV), the
 * smallest page size dividing @iova, @paddr and @size (-EINVAL). Then the
 * largest pages are mapped; the core checks neither overlap nor aperture:
 * the driver answers -EEXIST or -ERANGE, and what this call mapped is
 * unmapped again.
 *
 * Return: 0 or a negative errno.
 */
int iok_map(struct iok_domain *d, uint64_t iova, uint64_t paddr, size_t size,
	    unsigned int prot);

/**
 * iok_unmap() - iommu_unmap() (spec 2.5)
 * @d: the domain
 * @iova: first IOVA
 * @size: bytes
 *
 * Stops at the first hole; removing a larger page whole can return more
 * than @size.
 *
 * Return: bytes unmapped; 0 for a non-paging domain or misalignment.
 */
size_t iok_unmap(struct iok_domain *d, uint64_t iova, size_t size);

/**
 * iok_iova_to_phys() - iommu_iova_to_phys()
 * @d: the domain
 * @iova: the IOVA
 *
 * Return: @iova for identity, 0 for blocked or not mapped, else the
 * physical address.
 */
uint64_t iok_iova_to_phys(const struct iok_domain *d, uint64_t iova);

/* ---- attach and detach (spec 3.2) -------------------------------------- */

/**
 * iok_attach_device() - iommu_attach_device()
 * @d: the domain
 * @dev: a device alone in its group
 *
 * Return: 0; -ENODEV without a group; -EINVAL for a group that is not a
 * singleton; then as iok_attach_group().
 */
int iok_attach_device(struct iok_domain *d, struct iok_dev *dev);

/**
 * iok_detach_device() - iommu_detach_device()
 * @d: the domain attached
 * @dev: a device alone in its group
 *
 * The group returns to its core domain: blocking if owned, else default.
 *
 * Return: 0, also for a device without group (nothing happens); -EINVAL
 * (a kernel WARN, nothing changed) when @d is not the group's domain or
 * the group is not a singleton.
 */
int iok_detach_device(struct iok_domain *d, struct iok_dev *dev);

/**
 * iok_attach_group() - iommu_attach_group()
 * @d: the domain
 * @rg: the group
 *
 * No ownership check: callers are expected to own the group.
 *
 * Return: 0; -EBUSY when the group's domain is neither its default nor its
 * blocking domain (also when it is @d); -EINVAL when @d belongs to another
 * driver; the driver's error, with every device put back.
 */
int iok_attach_group(struct iok_domain *d, struct iok_rgroup *rg);

/**
 * iok_detach_group() - iommu_detach_group()
 * @d: ignored, as the kernel ignores it
 * @rg: the group
 *
 * The group returns to its core domain, whatever is attached.
 *
 * Return: 0, or the error of a device that failed (the group is on the
 * core domain anyway; the kernel WARNs).
 */
int iok_detach_group(struct iok_domain *d, struct iok_rgroup *rg);

/**
 * iok_group_replace_domain() - iommu_group_replace_domain()
 * @rg: the group
 * @d: the new domain
 *
 * Moves from any domain to @d without passing through the core domain; no
 * busy check and no driver check in the core.
 *
 * Return: 0 (also when @d is attached already: the driver is not called);
 * -EINVAL for a NULL @d; the driver's error, with every device put back.
 */
int iok_group_replace_domain(struct iok_rgroup *rg, struct iok_domain *d);

/* ---- DMA ownership (spec 4) -------------------------------------------- */

/**
 * iok_device_bind_driver() - bind a device driver, as the driver core does
 * @m: the machine
 * @dev: a present device
 * @name: the driver ("nvme", "vfio-pci")
 * @driver_managed_dma: the driver manages DMA itself (vfio-pci, pci-stub,
 *                      pcieport): the group's ownership is not touched
 *
 * Before probe, the bus calls iommu_device_use_default_domain() (spec
 * 4.2, 4.3).
 *
 * Return: 0; -EPROBE_DEFER (IOK_EPROBE_DEFER) when the group has no
 * default domain yet; -EBUSY when another driver of the group uses it with
 * another domain attached or the group has a user owner, or @dev has a
 * driver; -ENODEV if absent; -EINVAL for misuse; -ENOMEM.
 */
int iok_device_bind_driver(struct iok_machine *m, struct iok_dev *dev,
			   const char *name, bool driver_managed_dma);

/**
 * iok_device_unbind_driver() - unbind a device's driver
 * @m: the machine
 * @dev: a device with a driver
 *
 * The bus's dma_cleanup calls iommu_device_unuse_default_domain(), which
 * WARNs and keeps owner_cnt when it is 0 or PASIDs are attached (spec 10
 * case 16); the driver is unbound anyway.
 *
 * Return: 0; -ENODEV without a driver; -EINVAL for misuse.
 */
int iok_device_unbind_driver(struct iok_machine *m, struct iok_dev *dev);

/** The driver bound to @dev, or NULL. */
const char *iok_dev_get_bound_driver(const struct iok_machine *m,
				     const struct iok_dev *dev);

/**
 * iok_group_claim_dma_owner() - iommu_group_claim_dma_owner() (VFIO)
 * @rg: the group
 * @owner: the cookie
 *
 * The group moves to its blocking domain.
 *
 * Return: 0; -EINVAL (a WARN) for a NULL @owner; -EPERM when owner_cnt is
 * not 0, even for the same cookie; -EBUSY when a domain other than the
 * default is attached; -ENOMEM; the attach error (-EINVAL for a device
 * that needs direct mappings), nothing changed.
 */
int iok_group_claim_dma_owner(struct iok_rgroup *rg, const void *owner);

/**
 * iok_group_release_dma_owner() - iommu_group_release_dma_owner()
 * @rg: the group
 *
 * Straight back to the default domain, even from a user domain.
 *
 * Return: 0; -EINVAL (a WARN, nothing changed) when not owned or PASIDs
 * are attached.
 */
int iok_group_release_dma_owner(struct iok_rgroup *rg);

/**
 * iok_device_claim_dma_owner() - iommu_device_claim_dma_owner() (iommufd)
 * @m: the machine
 * @dev: the device
 * @owner: the cookie
 *
 * Return: 0 (the same cookie again only counts); -EINVAL (a WARN) for a
 * NULL @owner; -ENODEV without a group; -EPERM when another owner, or a
 * DMA-API driver, holds the group; else as iok_group_claim_dma_owner().
 */
int iok_device_claim_dma_owner(struct iok_machine *m, struct iok_dev *dev,
			       const void *owner);

/**
 * iok_device_release_dma_owner() - iommu_device_release_dma_owner()
 * @m: the machine
 * @dev: the device
 *
 * Counts down; the last release returns the group to its default domain.
 *
 * Return: 0; -ENODEV without a group; -EINVAL (a WARN, nothing changed)
 * as iok_group_release_dma_owner().
 */
int iok_device_release_dma_owner(struct iok_machine *m, struct iok_dev *dev);

/**
 * iok_group_dma_owner_claimed() - iommu_group_dma_owner_claimed()
 * @rg: the group
 *
 * Return: true when owner_cnt is not 0: a DMA-API driver or an owner.
 */
bool iok_group_dma_owner_claimed(const struct iok_rgroup *rg);

/* ---- the unit's hardware: domain IDs, context entries, IOTLB, translation */

/*
 * What the IOMMU hardware holds and does, below the core: each domain
 * attached to a unit has a domain ID there (as VT-d's); a context table maps
 * a requester ID (bus << 8 | devfn, per PCI segment) and a PASID to a domain,
 * programmed whenever a device's domain changes, for its RID and all its DMA
 * aliases (pci_for_each_dma_alias()); the IOTLB caches translations by domain
 * ID, PASID and page and serves them until someone invalidates them: a
 * missing flush after an unmap is a visible bug, as on real hardware.
 */

/* A request without PASID (the kernel's IOMMU_PASID_INVALID value). */
#define IOK_PASID_NONE UINT32_MAX

/** A DMA request as it reaches the unit. */
struct iok_xlate_req {
	uint32_t segment;	/* PCI segment (domain) */
	uint16_t rid;		/* requester ID: bus << 8 | devfn */
	uint32_t pasid;		/* IOK_PASID_NONE without PASID */
	uint64_t iova;
	uint64_t len;		/* bytes, at least 1 */
	unsigned int access;	/* IOK_PROT_READ or IOK_PROT_WRITE */
};

/** The unit's answer. */
struct iok_xlate {
	uint64_t paddr;
	/* Bytes contiguous from @paddr usable for the access: at most the
	 * request's len, and not beyond the end of the page. */
	uint64_t len;
	unsigned int prot;	/* IOK_PROT_* the translation grants */
	unsigned int pgsize;	/* page size used; 0 for identity */
	bool from_iotlb;	/* served from the IOTLB, no page walk */
};

/**
 * iok_unit_translate() - translate one DMA request, as the hardware does
 * @u: the unit
 * @req: the request
 * @out: receives the translation
 *
 * The checks, in order, each with the fault reason it records: a context
 * entry for the requester ID (IOK_FAULT_NO_CONTEXT); for a request with
 * PASID, a PASID entry (IOK_FAULT_NO_PASID); the domain type (blocked:
 * IOK_FAULT_BLOCKED; identity: the address itself); the domain's aperture
 * (IOK_FAULT_OUT_OF_RANGE); the IOTLB, else the page walk through the
 * domain's page table with its accessed and dirty updates, which fills the
 * IOTLB (IOK_FAULT_NOT_PRESENT); the permission (IOK_FAULT_PERMISSION). A
 * request spanning pages is translated up to the end of the first page:
 * callers loop.
 *
 * Return: 0; -EFAULT after recording the fault (requester ID, PASID,
 * address, access, reason) with iok_unit_report_fault(); -EINVAL for a bad
 * argument (nothing recorded).
 */
int iok_unit_translate(struct iok_iommu_unit *u, const struct iok_xlate_req *req,
		       struct iok_xlate *out);

/**
 * iok_machine_find_unit_for_rid() - the unit a requester's DMA reaches
 * @m: the machine
 * @segment: PCI segment
 * @rid: requester ID as it arrives at the root (after alias rewriting)
 *
 * Firmware coverage (DRHD scopes, IVRS, IORT) decides: the unit of the
 * function with that ID, else of the bridge whose secondary bus the ID is
 * on (a PCIe-to-PCI bridge's alias), else of a function that has the devfn
 * as a DMA alias.
 *
 * Return: the unit, or NULL when no unit covers it (DMA goes untranslated).
 */
struct iok_iommu_unit *iok_machine_find_unit_for_rid(const struct iok_machine *m,
						     uint32_t segment, uint16_t rid);

/**
 * iok_unit_get_context() - read a context entry (what translation uses)
 * @u: the unit
 * @segment: PCI segment
 * @rid: requester ID
 * @pasid: IOK_PASID_NONE for the RID's own entry, else a PASID entry
 * @out: if not NULL, receives the domain
 *
 * Return: the entry's domain ID, or -ENOENT when not present, -EINVAL.
 */
int iok_unit_get_context(const struct iok_iommu_unit *u, uint32_t segment,
			 uint16_t rid, uint32_t pasid, struct iok_domain **out);

/**
 * iok_unit_get_domain_id() - a domain's ID on a unit
 * @u: the unit
 * @d: the domain
 *
 * IDs are allocated lowest-free from 1 when a domain is first attached to a
 * device of the unit, and released (its IOTLB entries invalidated) when no
 * device or PASID of the unit uses it any more.
 *
 * Return: the ID, -ENOENT when @d has none on @u, -EINVAL.
 */
int iok_unit_get_domain_id(const struct iok_iommu_unit *u, const struct iok_domain *d);

/**
 * iok_unmap_fast() - iommu_unmap_fast(): unmap without IOTLB invalidation
 * @d: the domain
 * @iova: first IOVA
 * @size: bytes
 *
 * As iok_unmap(), whose flush the caller owes: until it calls
 * iok_domain_flush_range() or iok_domain_flush_all(), the IOTLB may go on
 * translating the unmapped range.
 *
 * Return: bytes unmapped.
 */
size_t iok_unmap_fast(struct iok_domain *d, uint64_t iova, size_t size);

/**
 * iok_domain_flush_range() - invalidate a range on every unit using @d
 * @d: the domain
 * @iova: first IOVA
 * @size: bytes, at least 1
 *
 * Every IOTLB entry of @d's domain ID (all PASIDs) whose page overlaps the
 * range is dropped, on every unit where @d has an ID (iommu_iotlb_sync()).
 *
 * Return: 0; -EINVAL for a NULL @d, a zero @size or a range that wraps.
 */
int iok_domain_flush_range(struct iok_domain *d, uint64_t iova, uint64_t size);

/**
 * iok_domain_flush_all() - iommu_flush_iotlb_all(): drop all of @d's entries
 * @d: the domain
 *
 * Return: 0, or -EINVAL for a NULL @d.
 */
int iok_domain_flush_all(struct iok_domain *d);

/** IOTLB counters of a unit, since boot or the last reset. */
struct iok_iotlb_stats {
	uint64_t hits;
	uint64_t misses;
	uint64_t inv_range;	/* invalidation requests, by kind */
	uint64_t inv_pasid;
	uint64_t inv_domain;
	uint64_t inv_global;
	uint64_t inv_entries;	/* entries those requests dropped */
	uint64_t evictions;	/* valid entries replaced by a fill */
	uint64_t fills;
	unsigned int entries;	/* valid now */
	unsigned int capacity;	/* entries per page size (4K, 2M, 1G) */
};

/**
 * iok_unit_get_iotlb_stats() - read a unit's IOTLB counters
 * @u: the unit
 * @st: receives the counters
 *
 * Return: 0, or -EINVAL.
 */
int iok_unit_get_iotlb_stats(const struct iok_iommu_unit *u, struct iok_iotlb_stats *st);

/** Zero the counters (not the entries). */
void iok_unit_reset_iotlb_stats(struct iok_iommu_unit *u);

/**
 * iok_unit_set_iotlb_capacity() - resize a unit's IOTLB
 * @u: the unit
 * @entries: entries per page size, a power of two from 2 to 1 << 20, or 0
 *           to cache nothing
 *
 * Each page size (4 KiB, 2 MiB, 1 GiB) has its own 2-way set-associative
 * array of @entries, least recently used way replaced; one entry per leaf.
 * Resizing drops every entry (not counted as an invalidation).
 *
 * Return: 0, -EINVAL for another @entries, -ENOMEM.
 */
int iok_unit_set_iotlb_capacity(struct iok_iommu_unit *u, unsigned int entries);

/**
 * iok_unit_iotlb_flush_all() - global invalidation
 * @u: the unit
 *
 * Return: 0, or -EINVAL.
 */
int iok_unit_iotlb_flush_all(struct iok_iommu_unit *u);

/**
 * iok_unit_iotlb_flush_domain() - domain-selective invalidation
 * @u: the unit
 * @did: the domain ID, all its PASIDs
 *
 * Return: 0, or -EINVAL for a @did out of range.
 */
int iok_unit_iotlb_flush_domain(struct iok_iommu_unit *u, unsigned int did);

/**
 * iok_unit_iotlb_flush_pasid() - PASID-selective invalidation
 * @u: the unit
 * @did: the domain ID
 * @pasid: the PASID, or IOK_PASID_NONE for the requests without
 *
 * Return: 0, or -EINVAL.
 */
int iok_unit_iotlb_flush_pasid(struct iok_iommu_unit *u, unsigned int did,
			       uint32_t pasid);

/**
 * iok_unit_iotlb_flush_range() - page-selective invalidation
 * @u: the unit
 * @did: the domain ID
 * @pasid: the PASID, or IOK_PASID_NONE
 * @iova: first IOVA
 * @size: bytes, at least 1; entries whose page overlaps the range go
 *
 * Return: 0, or -EINVAL for a bad argument or a range that wraps.
 */
int iok_unit_iotlb_flush_range(struct iok_iommu_unit *u, unsigned int did,
			       uint32_t pasid, uint64_t iova, uint64_t size);

/* ---- PASID (spec 5): attach a domain to a device's PASID ---------------- */

/*
 * A PASID tags a device's DMA with an address-space number; the group's
 * pasid_array says which domain each PASID of the group translates with,
 * and the unit's PASID entries (iok_unit_get_context()) carry it out for
 * every PASID-capable device of the group. The model drivers: intel and arm
 * support 20-bit PASIDs, amd 16-bit, virtio none (no set_dev_pasid).
 */

/* RID traffic: never attachable through the PASID calls. */
#define IOK_NO_PASID		0u
/* The first PASID of the global allocator. */
#define IOK_FIRST_GLOBAL_PASID	1u

/** Why a device has no PASIDs. */
enum iok_pasid_reason {
	IOK_PASID_OK,
	IOK_PASID_NO_IOMMU,	/* not probed, or the unit's driver has no PASIDs */
	IOK_PASID_NOT_PCI,	/* a platform device without "pasid-num-bits" */
	IOK_PASID_NO_CAP,	/* no PASID capability (or not captured) */
	IOK_PASID_VMD,		/* DMA issued as its VMD endpoint */
	IOK_PASID_NO_TLP_PREFIX, /* End-End TLP Prefix unsupported at @culprit */
	IOK_PASID_ACS,		/* ACS RR or UF not in effect at @culprit */
	IOK_PASID_PF,		/* a VF whose PF cannot enable PASID */
};

/** What pci_enable_pasid() and the probe made of a device. */
struct iok_pasid_info {
	unsigned int max_pasids;	/* dev->iommu->max_pasids; 0: no PASID */
	unsigned int cap_max;		/* 1 << Max PASID Width of the capability; 0: none */
	unsigned int unit_max;		/* the IOMMU's limit */
	bool pri;			/* a Page Request Interface capability */
	enum iok_pasid_reason reason;
	struct iok_dev *culprit;	/* the function that failed the check, if any */
	uint16_t missing_acs;		/* IOK_PASID_ACS: the bits of RR|UF not in effect */
};

/**
 * iok_dev_get_pasid_info() - a device's PASID width and why (spec 5.1, 5.3)
 * @m: the machine
 * @dev: the device
 * @info: receives the answer
 *
 * max_pasids is the PASID capability's 1 << Max PASID Width (a VF's PF's),
 * clamped to the unit's, and 0 unless pci_enable_pasid() would pass: every
 * function from @dev up to its root port (or @dev, an RCiEP) supports
 * End-End TLP Prefixes, and pci_acs_path_enabled(@dev, RR|UF) holds, since
 * switches route PASID-tagged requests by address like any other and only
 * Request Redirect with Upstream Forwarding takes them to the IOMMU.
 *
 * Return: 0, or -EINVAL for misuse.
 */
int iok_dev_get_pasid_info(const struct iok_machine *m, const struct iok_dev *dev,
			   struct iok_pasid_info *info);

/** dev->iommu->max_pasids: 0 for none, else valid PASIDs are 1..max-1. */
unsigned int iok_dev_get_max_pasids(const struct iok_machine *m, const struct iok_dev *dev);

/** Short name of a reason ("acs", "no-cap", ...). */
const char *iok_pasid_reason_name(enum iok_pasid_reason r);

/**
 * iok_alloc_global_pasid() - iommu_alloc_global_pasid() (spec 5.2)
 * @m: the machine
 * @dev: the device that will use it
 *
 * The lowest free value in [1, max_pasids - 1] of one machine-wide
 * allocator: a device with a narrow PASID width fails once the low values
 * are taken by others (spec 10 case 27).
 *
 * Return: the PASID, or IOK_PASID_INVALID (no PASIDs, none free, misuse).
 */
uint32_t iok_alloc_global_pasid(struct iok_machine *m, const struct iok_dev *dev);

/**
 * iok_free_global_pasid() - iommu_free_global_pasid()
 * @m: the machine
 * @pasid: a PASID from iok_alloc_global_pasid()
 *
 * Return: 0; -EINVAL (a WARN) for IOK_PASID_INVALID or a PASID not allocated.
 */
int iok_free_global_pasid(struct iok_machine *m, uint32_t pasid);

/** Whether @pasid is allocated from the global allocator. */
bool iok_global_pasid_in_use(const struct iok_machine *m, uint32_t pasid);

/**
 * iok_attach_device_pasid() - iommu_attach_device_pasid() (spec 5.2)
 * @d: the domain
 * @dev: a device of the group
 * @pasid: the PASID
 * @handle: an attach handle (any cookie the caller keeps), or NULL to
 *          publish the raw domain
 *
 * Group-wide: the PASID is set, in list order, on every device of @dev's
 * group that supports PASIDs (before Linux 6.16, on every device, all of
 * which had to); a driver failure puts the devices done back to blocked.
 * Checks, in order: a group (-ENODEV); the driver's set_dev_pasid
 * (-EOPNOTSUPP); @d of the device's driver and @pasid not 0 (-EINVAL);
 * @pasid below max_pasids of every device that has PASIDs (from 6.16; of
 * every device before, spec 10 case 22) (-EINVAL); the slot free (-EBUSY,
 * also for the same domain).
 *
 * Return: 0 or a negative errno, nothing changed on failure.
 */
int iok_attach_device_pasid(struct iok_domain *d, struct iok_dev *dev, uint32_t pasid,
			    const void *handle);

/**
 * iok_replace_device_pasid() - iommu_replace_device_pasid() (iommufd)
 * @d: the new domain
 * @dev: a device of the group
 * @pasid: an attached PASID
 * @handle: the new attach handle, not NULL
 *
 * Return: 0 (the same domain only swaps the handle, the driver is not
 * called); -ENODEV; -EOPNOTSUPP; -EINVAL for another driver's domain,
 * PASID 0, a NULL @handle or a PASID not attached; -EINVAL (a WARN) for the
 * handle already there; the driver's error, with every device back on the
 * old domain and the old handle kept.
 */
int iok_replace_device_pasid(struct iok_domain *d, struct iok_dev *dev, uint32_t pasid,
			     const void *handle);

/**
 * iok_detach_device_pasid() - iommu_detach_device_pasid()
 * @d: the domain attached
 * @dev: a device of the group
 * @pasid: the PASID
 *
 * Every device's PASID goes to the driver's blocked domain (its PASID entry
 * is cleared) and the slot is erased.
 *
 * Return: 0; -ENODEV without a group; -EINVAL (a WARN, nothing changed)
 * when @pasid is not attached to @d (the kernel leaves that to callers).
 */
int iok_detach_device_pasid(struct iok_domain *d, struct iok_dev *dev, uint32_t pasid);

/**
 * iok_attach_handle_get() - iommu_attach_handle_get() (spec 1.2)
 * @rg: the group
 * @pasid: the slot (IOK_NO_PASID for iommufd's RID handle)
 * @type: the domain type wanted, 0 for any
 * @handle: if not NULL, receives the handle
 * @d: if not NULL, receives the domain
 *
 * Return: 0; -ENOENT for an empty slot or one holding a raw domain; -EBUSY
 * when the domain's type is not @type; -EINVAL for misuse.
 */
int iok_attach_handle_get(const struct iok_rgroup *rg, uint32_t pasid, unsigned int type,
			  const void **handle, struct iok_domain **d);

/**
 * iok_attach_group_handle() - iommu_attach_group_handle(): RID with a handle
 * @d: the domain
 * @rg: the group
 * @handle: the handle, not NULL
 *
 * As iok_attach_group(), and the handle goes to slot IOK_NO_PASID, which
 * makes the pasid_array non-empty (spec 5.4).
 *
 * Return: 0; -EINVAL for a NULL @handle; -EBUSY when the slot is taken;
 * else as iok_attach_group().
 */
int iok_attach_group_handle(struct iok_domain *d, struct iok_rgroup *rg, const void *handle);

/**
 * iok_detach_group_handle() - iommu_detach_group_handle()
 * @d: the domain (ignored, as iok_detach_group())
 * @rg: the group
 *
 * Return: as iok_detach_group(); the slot is erased.
 */
int iok_detach_group_handle(struct iok_domain *d, struct iok_rgroup *rg);

/**
 * iok_replace_group_handle() - iommu_replace_group_handle()
 * @rg: the group
 * @d: the new domain
 * @handle: the new handle
 *
 * Return: 0; -EINVAL for a NULL @d or @handle; else as
 * iok_group_replace_domain(), the slot unchanged on failure.
 */
int iok_replace_group_handle(struct iok_rgroup *rg, struct iok_domain *d, const void *handle);

/** Number of pasid_array entries of a group (slot 0 included). */
unsigned int iok_rgroup_count_pasids(const struct iok_rgroup *rg);

/**
 * iok_rgroup_get_pasid() - the @i-th pasid_array entry, by PASID
 * @rg: the group
 * @i: index
 * @pasid: if not NULL, receives the PASID
 * @d: if not NULL, receives the domain
 * @handle: if not NULL, receives the handle (NULL for a raw domain)
 *
 * Return: 0, -ENOENT past the last one, -EINVAL.
 */
int iok_rgroup_get_pasid(const struct iok_rgroup *rg, unsigned int i, uint32_t *pasid,
			 struct iok_domain **d, const void **handle);

/** How often the driver's set_dev_pasid ran for a device (failed calls included). */
unsigned long iok_dev_get_set_pasid_calls(const struct iok_machine *m,
					  const struct iok_dev *dev);

/* ---- SVA domains and I/O page faults: the core's side ------------------- */

struct iok_iopf_group;

/**
 * typedef iok_iopf_handler_fn - a domain's iopf_handler (spec 6.4)
 * @group: a page-request group; on success the handler owns it and must
 *         answer and free it (lib/sva's iok_iopf_group_response())
 * @arg: the argument given with the handler
 *
 * Return: 0, or a negative errno: the caller then answers FAILURE.
 */
typedef int (*iok_iopf_handler_fn)(struct iok_iopf_group *group, void *arg);

/**
 * iok_domain_alloc_sva() - ops->domain_alloc_sva() and the core's setup
 * @m: the machine
 * @dev: the device whose unit will walk the process's page table
 * @pt: the process's CPU page table, which the domain walks but does not
 *      own (it must outlive the domain, or be dropped first with
 *      iok_domain_sva_release())
 * @fmt: the format of @pt (the CPU's), an enum iok_pgtable_fmt value
 * @mm: the process, a cookie
 * @out: receives a domain of type IOK_DOMAIN_SVA; it maps nothing itself
 *       (iok_map() refuses it, spec 10 case 8)
 *
 * Return: 0; -ENODEV without a unit; -EOPNOTSUPP when the driver has no
 * SVA or the table's format is not the unit's; -ENOMEM; -EINVAL.
 */
int iok_domain_alloc_sva(struct iok_machine *m, struct iok_dev *dev, struct iok_pgtable *pt,
			 int fmt, const void *mm, struct iok_domain **out);

/** The process of an SVA domain, or NULL. */
const void *iok_domain_get_mm(const struct iok_domain *d);

/**
 * iok_domain_sva_release() - the driver's mmu-notifier release (spec 6.3)
 * @d: an SVA domain
 *
 * The process's address space is gone: every PASID entry using @d stops
 * walking the page table with fault reporting suppressed (a DMA on it
 * fails without a fault record), its IOTLB entries are invalidated, and
 * @d forgets the page table. The binding itself stays.
 *
 * Return: 0, or -EINVAL for a domain that is not SVA.
 */
int iok_domain_sva_release(struct iok_domain *d);

/**
 * iok_domain_set_iopf_handler() - set a domain's iopf_handler
 * @d: the domain
 * @fn: the handler, or NULL for none (faults are then answered INVALID)
 * @arg: passed to @fn
 *
 * Return: 0, or -EINVAL.
 */
int iok_domain_set_iopf_handler(struct iok_domain *d, iok_iopf_handler_fn fn, void *arg);

/** The iopf_handler of a domain (NULL for none), its argument in *@arg. */
iok_iopf_handler_fn iok_domain_get_iopf_handler(const struct iok_domain *d, void **arg);

/**
 * typedef iok_page_request_fn - the device side of PCIe PRI
 * @u: the unit whose translation of a PASID-tagged request failed
 * @f: the fault that would be recorded (not present or permission)
 * @arg: the argument given with the function
 *
 * Called before the fault is recorded: the device may send a page request
 * and wait for the response.
 *
 * Return: 0 (SUCCESS: the unit retries the translation), a positive
 * response code (INVALID, FAILURE: the fault is recorded), or a negative
 * errno when the device sends no page request (the fault is recorded).
 */
typedef int (*iok_page_request_fn)(struct iok_iommu_unit *u, const struct iok_fault *f,
				   void *arg);

/**
 * iok_unit_set_page_request_fn() - who answers page requests for a unit
 * @u: the unit
 * @fn: the function, or NULL
 * @arg: passed to @fn
 *
 * Return: 0; -EBUSY when another function is set; -EINVAL.
 */
int iok_unit_set_page_request_fn(struct iok_iommu_unit *u, iok_page_request_fn fn, void *arg);

/** Whether the driver of @u answers page requests (page_response). */
bool iok_unit_has_page_response(const struct iok_iommu_unit *u);

/* ---- alias sets on domains of their own (isolation=relaxed, beyond Linux) */

/*
 * A group holds alias sets (devices the IOMMU cannot tell apart) and
 * isolation sets (devices that reach each other without it); see
 * docs/groups-sets.md. Under the topology parameter isolation=relaxed, the
 * user owner of a whole group may attach a paging domain to one alias set:
 * the group is then split, each alias set on its own domain, the group
 * still the unit of ownership. Attaching, replacing or detaching the group,
 * and releasing its ownership, move every alias set with it. Under the
 * default policy (isolation=kernel) nothing of this exists: the calls are
 * iommu_attach_device() and iommu_detach_device().
 */

/**
 * iok_attach_alias_set() - attach a domain to the alias set of a device
 * @d: a paging domain (iok_domain_alloc_paging())
 * @dev: a device of the group; every device of its alias set moves, the
 *       others keep their domain
 *
 * Under isolation=kernel: iok_attach_device(), which refuses a group of
 * several devices (-EINVAL, spec 9.1). Under isolation=relaxed, checks in
 * order: a group (-ENODEV); one user owner holds the whole group, by
 * iok_group_claim_dma_owner() or by iok_device_claim_dma_owner() on every
 * device (-EPERM); the alias set reaches no other group
 * (iok_devset_spans_groups(), -EINVAL); @d is an UNMANAGED domain
 * (-EINVAL); the set is on a core domain, default or blocking (-EBUSY);
 * @d is of the device's driver (-EINVAL); then the driver's errors, with
 * every device of the set put back.
 *
 * Return: 0 or a negative errno; -EINVAL for misuse.
 */
int iok_attach_alias_set(struct iok_domain *d, struct iok_dev *dev);

/**
 * iok_detach_alias_set() - put an alias set back on the group's core domain
 * @d: the domain the alias set is on
 * @dev: a device of the set
 *
 * Under isolation=kernel: iok_detach_device(). Under isolation=relaxed the
 * set moves to the blocking domain (the group is owned); when every alias
 * set is on one domain again, that is the group's domain.
 *
 * Return: 0 (also without a group, or when @d is the blocking domain it is
 * on); -EPERM without a user owner (one that no longer claims every device
 * may still detach); -EINVAL for a set that reaches another group or is
 * not on @d; the driver's error, nothing changed.
 */
int iok_detach_alias_set(struct iok_domain *d, struct iok_dev *dev);

/** Whether some alias set of @rg is on a domain other than the group's. */
bool iok_rgroup_is_split(const struct iok_rgroup *rg);

/**
 * iok_get_alias_set_domain() - the domain of a device's alias set
 * @m: the machine
 * @dev: the device
 *
 * Return: the group's domain, or the alias set's own while split off;
 * NULL without a group.
 */
struct iok_domain *iok_get_alias_set_domain(const struct iok_machine *m,
					    const struct iok_dev *dev);

#ifdef __cplusplus
}
#endif

#endif
