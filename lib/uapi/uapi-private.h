/* SPDX-License-Identifier: MIT */
/* State of the user APIs (driver core, sysfs, VFIO), shared by lib/uapi/. */
#ifndef IOK_UAPI_PRIVATE_H
#define IOK_UAPI_PRIVATE_H

#include <iommukit/iommu.h>
#include <iommukit/topo.h>
#include <iommukit/uapi.h>

#include "lib/private.h"

/* Linux 6.1 as the topology's "kernel" parameter spells it. */
#define KERNEL_6_1 601

/* ---- the driver catalog (drivers.c) -------------------------------------- */

struct iok_sysfs;

/* The IDs a match looks at (a device's, or new_id's pretend device). */
struct pci_ids {
	uint16_t vendor, device, subvendor, subdevice;
	uint32_t class;
};

/* A dynamic ID (new_id), with PCI_ANY_ID as ~0. */
struct dyn_id {
	uint32_t vendor, device, subvendor, subdevice;
	uint32_t class, class_mask;
};

#define PCI_ANY_ID (~0u)

/* What a modelled PCI driver does; the static part of a registered driver. */
struct drv_model {
	const char *name;
	bool managed_dma;	/* driver_managed_dma: no default-domain use */
	bool override_only;	/* matches through driver_override only */
	bool builtin;		/* no module (no "module" link) */
	/* The ID table: does the driver claim these IDs without an override? */
	bool (*match)(const struct pci_ids *id);
	/* The driver's probe: 0 or a negative errno (the bus has set DMA up). */
	int (*probe)(struct iok_sysfs *sf, struct iok_dev *dev);
};

/* The drivers of the oracle's guest, built in first, then modules in load order. */
extern const struct drv_model iok_drv_models[];
extern const unsigned int iok_nr_drv_models;

/* ---- the driver core (driver-core.c) ------------------------------------- */

/*
 * A driver's remove() that may wait for user space (vfio-pci with a device
 * fd open): 0 when done, IOK_SYSFS_BLOCKED when the release finishes later
 * through iok_sysfs_release_done().
 */
struct drv_hooks {
	int (*probe)(void *arg, struct iok_dev *dev);
	int (*remove)(void *arg, struct iok_dev *dev);
	bool (*would_block)(void *arg, struct iok_dev *dev);
	void *arg;
};

struct sf_driver {
	char *name;
	const struct drv_model *model;	/* NULL: a driver only a capture told of */
	bool managed_dma;
	bool registered;
	const struct drv_hooks *hooks;
	/* Devices a capture showed bound to it (by device index). */
	unsigned int *extra_ids;
	unsigned int nr_extra;
	struct dyn_id *dynids;	/* new_id, in order */
	unsigned int nr_dynids;
};

struct sf_dev {
	char *override;
	bool removed;		/* through sysfs remove: rescan brings it back */
	bool releasing;		/* the driver's remove waits: no "driver" link */
};

enum job_kind {
	JOB_UNBIND,		/* one device's release */
	JOB_REMOVE,		/* stop (release) each device, then remove them all */
};

struct iok_sysfs_job {
	struct iok_sysfs *sf;	/* NULL once the driver core is gone */
	enum job_kind kind;
	bool done;
	bool orphan;		/* freed by its owner: free when done */
	int rc;
	struct iok_dev **devs;	/* JOB_REMOVE: stop order; removal is the reverse */
	unsigned int nr_devs, next;
	struct iok_dev *waiting;	/* the device whose release blocks */
	struct iok_sysfs_job *next_job;
};

struct iok_sysfs {
	struct iok_machine *m;
	struct iok_topo *topo;
	struct iok_ctx *ctx;
	unsigned int kernel;	/* 601 for Linux 6.1 */
	struct sf_driver *drivers;	/* registration order */
	unsigned int nr_drivers, alloc_drivers;
	struct sf_dev *devs;	/* by iok_dev index */
	unsigned int nr_devs;
	struct iok_sysfs_job *jobs;	/* blocked writes */
	struct iok_vfio *vfio;
	struct iok_proc **procs;	/* freed with the driver core */
	unsigned int nr_procs;
	uint64_t next_frame;	/* physical pages for process memory */
};

struct sf_driver *iok_sf_find_driver(const struct iok_sysfs *sf, const char *name);
/* Register a driver (vfio-pci when VFIO loads); hooks may be NULL. */
int iok_sf_register_driver(struct iok_sysfs *sf, const struct drv_model *model,
			   const struct drv_hooks *hooks, bool first_module);
/* The bound driver of @dev (the core's), as a registered driver, or NULL. */
struct sf_driver *iok_sf_dev_driver(const struct iok_sysfs *sf, const struct iok_dev *dev);
struct iok_dev *iok_sf_find_dev(const struct iok_sysfs *sf, const char *name);
/* The release a driver's remove() deferred is over: finish the unbind. */
void iok_sysfs_release_done(struct iok_sysfs *sf, struct iok_dev *dev);

/* Driver-core operations on parsed arguments (the store methods). */
int iok_sf_store_override(struct iok_sysfs *sf, struct iok_dev *dev, const char *buf, size_t len);
int iok_sf_bind(struct iok_sysfs *sf, struct sf_driver *drv, const char *buf);
int iok_sf_unbind(struct iok_sysfs *sf, struct sf_driver *drv, const char *buf,
		  struct iok_sysfs_job **job);
int iok_sf_drivers_probe(struct iok_sysfs *sf, const char *buf);
int iok_sf_remove(struct iok_sysfs *sf, struct iok_dev *dev, const char *buf,
		  struct iok_sysfs_job **job);
int iok_sf_rescan(struct iok_sysfs *sf, struct iok_dev *dev, const char *buf);
int iok_sf_store_type(struct iok_sysfs *sf, struct iok_rgroup *rg, const char *buf, size_t len);
int iok_sf_new_id(struct iok_sysfs *sf, struct sf_driver *drv, const char *buf);
int iok_sf_remove_id(struct iok_sysfs *sf, struct sf_driver *drv, const char *buf);

/* ---- VFIO (vfio.c, vfio-container.c, vfio-type1.c) ------------------------ */

struct vfio_container;
struct vfio_type1;
struct proc_file;

struct vfio_device {
	struct vfio_group *group;
	struct iok_dev *dev;
	unsigned int open_count;	/* device fds */
	bool registered;	/* false once its unregistration began */
	bool reset_works;
	struct vfio_device *next;
};

struct vfio_group {
	struct iok_vfio *v;
	int id;			/* /dev/vfio/<id> */
	struct iok_rgroup *rg;	/* NULL once torn down (group->iommu_group) */
	unsigned int drivers;	/* registered devices */
	struct vfio_device *devices;
	struct proc_file *opened_file;	/* the single opener */
	struct vfio_container *container;
	unsigned int container_users;	/* 1 + device fds */
	unsigned int refs;	/* the VFIO list, the opened file */
	bool listed;
	struct vfio_group *next;	/* in the VFIO list or the torn-down list */
	struct vfio_group *next_in_container;
};

struct vfio_container {
	struct iok_vfio *v;
	struct vfio_group *groups;
	struct vfio_type1 *iommu;	/* the backend after SET_IOMMU */
	unsigned int refs;	/* the file, each group */
	struct vfio_mm *mms;	/* processes bound (vfio-sva.c, not in Linux) */
};

struct iok_vfio {
	struct iok_sysfs *sf;
	struct vfio_group *groups;	/* listed: /dev/vfio/N */
	struct vfio_group *dead;	/* torn down, still held by a file */
	unsigned int dma_entry_limit;	/* vfio_iommu_type1 module parameter */
	bool allow_unsafe_interrupts;
	struct drv_hooks pci_hooks;
};

void iok_vfio_free(struct iok_vfio *v);
struct vfio_group *iok_vfio_find_group(const struct iok_vfio *v, int id);
int iok_vfio_group_open(struct vfio_group *g, struct proc_file *f);
void iok_vfio_group_release(struct vfio_group *g);
void iok_vfio_group_put(struct vfio_group *g);
long iok_vfio_group_ioctl(struct iok_proc *p, struct vfio_group *g, unsigned long req,
			  void *arg, unsigned long uarg);
int iok_vfio_device_get(struct vfio_group *g, const char *name, struct vfio_device **out);
void iok_vfio_device_close(struct vfio_device *vd, struct proc_file *group_file);
long iok_vfio_group_get_device_fd(struct iok_proc *p, struct vfio_group *g, const char *name);
long iok_vfio_device_ioctl(struct vfio_device *vd, unsigned long req, void *arg);

struct vfio_container *iok_vfio_container_new(struct iok_vfio *v);
void iok_vfio_container_put(struct vfio_container *c);
long iok_vfio_container_ioctl(struct iok_proc *p, struct vfio_container *c,
			      unsigned long req, void *arg, unsigned long uarg);
int iok_vfio_container_attach_group(struct vfio_container *c, struct vfio_group *g);
void iok_vfio_group_detach_container(struct vfio_group *g);

/* VFIO_IOMMU_BIND of the 2018 SVA series (vfio-sva.c): iommukit's, not Linux's. */
struct vfio_mm;
long iok_vfio_sva_ioctl(struct iok_proc *p, struct vfio_container *c, unsigned long req,
			void *arg, unsigned long uarg);
/* A group joined the backend: bind it to those processes too, or detach it again. */
int iok_vfio_sva_attach_group(struct vfio_container *c, struct vfio_group *g);
/* Before it leaves: the group's share of every bond goes. */
void iok_vfio_sva_detach_group(struct vfio_container *c, struct vfio_group *g);
/* The backend goes (no group left): forget every process. */
void iok_vfio_sva_release(struct vfio_container *c);

/* The type1 backend: the container's iommu_data. */
int iok_type1_check_extension(struct vfio_type1 *t, unsigned long ext);
int iok_type1_open(struct iok_vfio *v, unsigned long type, struct vfio_type1 **out);
void iok_type1_release(struct vfio_type1 *t);
int iok_type1_attach_group(struct vfio_type1 *t, struct iok_rgroup *rg);
void iok_type1_detach_group(struct vfio_type1 *t, struct iok_rgroup *rg);
long iok_type1_ioctl(struct iok_proc *p, struct vfio_type1 *t, unsigned long req,
		     void *arg, unsigned long uarg);

/* ---- the process (vfio-fd.c) --------------------------------------------- */

enum file_kind { F_SYSFS, F_CONTAINER, F_GROUP, F_DEVICE };

struct proc_file {
	enum file_kind kind;
	unsigned int refs;	/* fds and the files that hold it */
	union {
		struct iok_sysfs_file *sysfs;
		struct vfio_container *container;
		struct vfio_group *group;
		struct vfio_device *device;
	};
	struct proc_file *group_file;	/* F_DEVICE: holds its group's file */
};

struct vma {
	uint64_t start, len;
	uint64_t paddr;		/* frames of the whole area, contiguous */
};

struct iok_proc {
	struct iok_sysfs *sf;
	struct iok_mm *mm;	/* its address space for SVA (iok_proc_set_mm()) */
	struct proc_file **fds;
	unsigned int nr_fds;
	struct vma *vmas;
	unsigned int nr_vmas;
	uint64_t next_va;
};

/* Resolve [vaddr, vaddr + len) to frames: -EFAULT outside mapped memory. */
int iok_proc_pin(const struct iok_proc *p, uint64_t vaddr, uint64_t len, uint64_t *paddr,
		 uint64_t *contig);
/* Install @f at the lowest free fd (taking over the caller's reference). */
int iok_proc_install(struct iok_proc *p, struct proc_file *f);
struct proc_file *iok_proc_file(const struct iok_proc *p, int fd);
void iok_file_put(struct proc_file *f);
/* Read a user address as the kernel would: zeros inside mapped memory. */
int iok_proc_user_zero(const struct iok_proc *p, unsigned long addr, size_t len);

/* ---- sysfs paths (sysfs.c) ------------------------------------------------ */

/* The VFIO entries of /dev and /sys/module (vfio.c). */
int iok_vfio_sysfs_readdir_dev(struct iok_vfio *v, int (*fn)(const char *, void *), void *arg);

#endif
