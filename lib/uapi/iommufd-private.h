/* SPDX-License-Identifier: MIT */
/*
 * iommufd's state, shared by lib/uapi/iommufd*.c: the context and its object
 * table (iommufd.c), IOAS objects and their ioctls (iommufd-ioas.c), the
 * io_pagetable of an IOAS with its areas, pinned pages and reserved and
 * allowed ranges (iommufd-iopt.c, iommufd-pages.c), HWPTs
 * (iommufd-hwpt.c), devices and their per-group attachments
 * (iommufd-device.c), access objects (iommufd-access.c), FAULT objects
 * (iommufd-fault.c) and the VFIO compatibility ioctls (iommufd-vfio.c).
 */
#ifndef IOK_IOMMUFD_PRIVATE_H
#define IOK_IOMMUFD_PRIVATE_H

#include <iommukit/fabric.h>
#include <iommukit/pgtable.h>
#include <iommukit/sva.h>

#include "lib/uapi/uapi-private.h"

#define IFD_PAGE_SIZE	0x1000ull
#define IFD_ULONG_MAX	UINT64_MAX
/* Automatic IOVAs are aligned at most to a transparent huge page (x86-64). */
#define IFD_HPAGE_SIZE	0x200000ull
/* Object IDs are 31-bit (xa_limit_31b). */
#define IFD_MAX_ID	0x7fffffffu
/* Rounds of access unmap notification before -EDEADLOCK (spec 7.3). */
#define IFD_UNMAP_TRIES	100

#define offsetofend(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))

struct ifd_ioas;
struct ifd_hwpt;
struct ifd_device;
struct ifd_access;
struct ifd_fault;

struct ifd_obj {
	enum iok_iommufd_obj_type type;
	uint32_t id;
	/* 1 while only the table holds it; each user adds one (spec 7.1). */
	unsigned int users;
};

/* Pinned user memory (iopt_pages), shared by the areas that map it. */
struct ifd_pages {
	struct iok_iommufd *ictx;
	unsigned int refs;	/* areas and copies in flight */
	uint64_t base;		/* page-aligned process address of page 0 */
	uint64_t npages;
	bool writable;
	/* Per page, allocated at the first pin: users (domain storage, access pins), frame. */
	uint32_t *users;
	uint64_t *frame;
};

/* A mapped IOVA range (iopt_area). */
struct ifd_area {
	uint64_t iova, last;
	struct ifd_pages *pages;
	uint64_t start_byte;	/* offset of the first byte in @pages */
	unsigned int prot;	/* IOK_PROT_* */
	unsigned int num_accesses;
	bool storage;		/* holds a pin of its pages for the domains */
	bool prevent_access;	/* being unmapped: access pins refused */
};

struct ifd_resv {
	uint64_t start, last;
	const void *owner;	/* a device, a HWPT (aperture), NULL for tests */
};

struct ifd_range {
	uint64_t start, last;
};

struct ifd_ioas {
	struct ifd_obj obj;
	struct iok_iommufd *ictx;
	struct ifd_area **areas;	/* sorted by IOVA, never overlapping */
	unsigned int nr_areas, alloc_areas;
	struct ifd_resv *resv;
	unsigned int nr_resv, alloc_resv;
	struct ifd_range *allowed;
	unsigned int nr_allowed;
	struct ifd_hwpt **hwpts;	/* HWPT_PAGING whose domain is filled */
	unsigned int nr_hwpts;
	struct ifd_access **accesses;
	unsigned int nr_accesses;
	uint64_t iova_alignment;
	bool disable_large_pages;
};

struct ifd_hwpt {
	struct ifd_obj obj;
	struct iok_domain *domain;
	struct ifd_ioas *ioas;
	struct ifd_fault *fault;
	bool auto_domain;
	bool nest_parent;
	bool pasid_compat;
	bool dirty_ops;		/* allocated with DIRTY_TRACKING */
	bool dirty_enabled;
};

/* The attach handle handed to the core (struct iommufd_attach_handle). */
struct ifd_handle {
	struct ifd_device *idev;
};

/* What a group has attached at one PASID (struct iommufd_attach). */
struct ifd_attach {
	uint32_t pasid;
	struct ifd_hwpt *hwpt;
	struct ifd_handle *handle;
	struct ifd_device **devs;
	unsigned int nr_devs;
};

/* iommufd's per-iommu_group state (struct iommufd_group). */
struct ifd_group {
	struct iok_rgroup *rg;
	unsigned int refs;	/* bound devices */
	struct ifd_attach *attach;
	unsigned int nr_attach;
	struct ifd_group *next;
};

struct ifd_device {
	struct ifd_obj obj;
	struct iok_iommufd *ictx;
	struct iok_dev *dev;
	struct ifd_group *igroup;
	bool iopf;		/* this context put it in its unit's IOPF queue */
};

struct ifd_pin {
	uint64_t iova, length;
};

struct ifd_access {
	struct ifd_obj obj;
	struct iok_iommufd_access_ops ops;
	bool builtin;		/* the selftest's driver */
	void *data;
	struct ifd_ioas *ioas;		/* NULL while detaching: no new pins */
	struct ifd_ioas *ioas_unpin;	/* where the pins are */
	uint64_t iova_alignment;
	struct ifd_pin *pins;
	unsigned int nr_pins, alloc_pins;
};

/* A page-request group waiting in a FAULT object. */
struct ifd_fault_rec {
	struct iok_iopf_group *g;
	uint32_t dev_id;
	const void *handle;	/* the attachment it came through */
	uint32_t cookie;
};

struct ifd_fault {
	struct ifd_obj obj;
	int fd;
	bool fd_open;
	struct ifd_fault_rec *deliver;	/* not read yet, oldest first */
	unsigned int nr_deliver;
	struct ifd_fault_rec *response;	/* read, waiting for a response */
	unsigned int nr_response;
};

struct iok_iommufd {
	struct iok_machine *m;
	struct iok_ctx *ctx;
	struct iok_proc *proc;
	struct iok_fabric *fabric;
	struct iok_sva *sva;
	struct ifd_obj **objs;		/* by ID; slot 0 unused */
	uint32_t alloc_objs;
	bool account_mm;		/* IOMMU_OPTION_RLIMIT_MODE */
	struct ifd_ioas *vfio_ioas;
	struct ifd_group *groups;
	uint64_t pinned;		/* pages */
	uint64_t memlock_pages;		/* 0: no limit */
	int next_fd;
};

/* The command being executed (struct iommufd_ucmd). */
struct ifd_ucmd {
	struct iok_iommufd *ictx;
	void *ubuf;		/* the caller's structure */
	uint32_t user_size;
	void *cmd;		/* the kernel's copy */
	size_t cmd_size;
};

/* iommufd.c */
int ifd_obj_add(struct iok_iommufd *ictx, struct ifd_obj *obj, enum iok_iommufd_obj_type type);
void ifd_obj_remove(struct iok_iommufd *ictx, struct ifd_obj *obj);
struct ifd_obj *ifd_obj_get(const struct iok_iommufd *ictx, uint32_t id,
			    enum iok_iommufd_obj_type type);
int ifd_respond(struct ifd_ucmd *u);
bool ifd_has_objects(const struct iok_iommufd *ictx);
/* Destroy an object nothing else uses (users 1): 0, or -EBUSY. */
int ifd_obj_destroy(struct iok_iommufd *ictx, struct ifd_obj *obj);
int ifd_fail(struct iok_iommufd *ictx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline struct ifd_ioas *ifd_get_ioas(const struct iok_iommufd *ictx, uint32_t id)
{
	return (struct ifd_ioas *)ifd_obj_get(ictx, id, IOK_IOMMUFD_OBJ_IOAS);
}

static inline struct ifd_device *ifd_get_device(const struct iok_iommufd *ictx, uint32_t id)
{
	return (struct ifd_device *)ifd_obj_get(ictx, id, IOK_IOMMUFD_OBJ_DEVICE);
}

static inline struct ifd_hwpt *ifd_get_hwpt_paging(const struct iok_iommufd *ictx, uint32_t id)
{
	return (struct ifd_hwpt *)ifd_obj_get(ictx, id, IOK_IOMMUFD_OBJ_HWPT_PAGING);
}

/* iommufd-pages.c: pinned user memory */
struct ifd_pages *ifd_pages_new(struct iok_iommufd *ictx, uint64_t uva, uint64_t length,
				bool writable, uint64_t *start_byte);
void ifd_pages_put(struct ifd_pages *pages);
/* Pin pages [first, last] (one more user each); -EFAULT, -ENOMEM. */
int ifd_pages_pin(struct ifd_pages *pages, uint64_t first, uint64_t last);
void ifd_pages_unpin(struct ifd_pages *pages, uint64_t first, uint64_t last);
/* Copy bytes at @start_byte of @pages (pinning nothing): -EFAULT, -EOPNOTSUPP. */
int ifd_pages_rw(struct ifd_pages *pages, uint64_t start_byte, void *buf, size_t len,
		 bool write);

/* iommufd-ioas.c: the IOAS object and its ioctls */
int ifd_ioas_alloc(struct ifd_ucmd *u);
int ifd_ioas_map(struct ifd_ucmd *u);
int ifd_ioas_map_file(struct ifd_ucmd *u);
int ifd_ioas_copy(struct ifd_ucmd *u);
int ifd_ioas_unmap(struct ifd_ucmd *u);
int ifd_ioas_iova_ranges(struct ifd_ucmd *u);
int ifd_ioas_allow_iovas(struct ifd_ucmd *u);
int ifd_ioas_change_process(struct ifd_ucmd *u);
int ifd_option(struct ifd_ucmd *u);
void ifd_ioas_destroy(struct ifd_ioas *ioas);
struct ifd_ioas *ifd_ioas_new(struct iok_iommufd *ictx);

/* iommufd-iopt.c: the io_pagetable */
/* iopt_map_user_pages(): @flags IOK_IOMMU_IOAS_MAP_FIXED_IOVA or 0. */
int ifd_iopt_map_user(struct ifd_ioas *ioas, uint64_t *iova, uint64_t uva, uint64_t length,
		      unsigned int prot, bool fixed);
/* A slice of pinned memory to map (struct iopt_pages_list). */
struct ifd_pages_elm {
	struct ifd_pages *pages;
	uint64_t start_byte, length;
};
/* iopt_map_pages(): the slices one after the other from *@iova (allocated unless @fixed). */
int ifd_iopt_map_pages(struct ifd_ioas *ioas, const struct ifd_pages_elm *elms, unsigned int n,
		       uint64_t length, uint64_t *iova, unsigned int prot, bool fixed);
/* iopt_get_pages(): the slices behind [iova, iova + length), each holding a page reference. */
int ifd_iopt_get_pages(struct ifd_ioas *ioas, uint64_t iova, uint64_t length,
		       struct ifd_pages_elm **out, unsigned int *n);
int ifd_iopt_set_allow_iova(struct ifd_ioas *ioas, struct ifd_range *r, uint32_t n);
void ifd_iopt_destroy_table(struct ifd_ioas *ioas);
int ifd_iopt_unmap(struct ifd_ioas *ioas, uint64_t iova, uint64_t length, uint64_t *unmapped);
int ifd_iopt_unmap_all(struct ifd_ioas *ioas, uint64_t *unmapped);
int ifd_iopt_cut(struct ifd_ioas *ioas, const uint64_t *iovas, unsigned int n);
int ifd_iopt_disable_large_pages(struct ifd_ioas *ioas);
void ifd_iopt_enable_large_pages(struct ifd_ioas *ioas);
int ifd_iopt_add_domain(struct ifd_ioas *ioas, struct ifd_hwpt *hwpt);
void ifd_iopt_remove_domain(struct ifd_ioas *ioas, struct ifd_hwpt *hwpt);
/* Call @fn for each hole of the reserved ranges over all of IOVA; true stops. */
int ifd_iopt_for_each_hole(struct ifd_ioas *ioas, bool (*fn)(uint64_t, uint64_t, void *),
			   void *arg);
int ifd_iopt_reserve(struct ifd_ioas *ioas, uint64_t start, uint64_t last, const void *owner);
void ifd_iopt_remove_reserved(struct ifd_ioas *ioas, const void *owner);
int ifd_iopt_enforce_dev_resv(struct ifd_ioas *ioas, struct iok_dev *dev);
int ifd_iopt_add_access(struct ifd_ioas *ioas, struct ifd_access *access);
void ifd_iopt_remove_access(struct ifd_ioas *ioas, struct ifd_access *access);
/* The area holding @iova, or NULL. */
struct ifd_area *ifd_area_at(const struct ifd_ioas *ioas, uint64_t iova);
unsigned int ifd_area_index(const struct ifd_ioas *ioas, const struct ifd_area *area);
static inline uint64_t ifd_area_length(const struct ifd_area *a)
{
	return a->last - a->iova + 1;
}
/* Byte offset in the area's pages of @iova. */
static inline uint64_t ifd_area_start_byte(const struct ifd_area *a, uint64_t iova)
{
	return a->start_byte + (iova - a->iova);
}
/* iopt_for_each_contig_area(): areas following each other from @iova. */
struct ifd_contig {
	const struct ifd_ioas *ioas;
	uint64_t cur, last;
	struct ifd_area *area;
};

struct ifd_area *ifd_contig_first(struct ifd_contig *it, const struct ifd_ioas *ioas,
				  uint64_t iova, uint64_t last);
struct ifd_area *ifd_contig_next(struct ifd_contig *it);
/* The walk reached @last without a hole. */
bool ifd_contig_done(const struct ifd_contig *it);
/* Read and clear the dirty bits of [iova, iova + length) of @hwpt's domain. */
int ifd_iopt_read_dirty(struct ifd_ioas *ioas, struct ifd_hwpt *hwpt, uint64_t iova,
			uint64_t length, uint64_t page_size, uint64_t *bitmap, bool clear);
int ifd_iopt_clear_dirty(struct ifd_ioas *ioas, struct ifd_hwpt *hwpt);

/* iommufd-hwpt.c */
int ifd_hwpt_alloc_ioctl(struct ifd_ucmd *u);
int ifd_hwpt_set_dirty_tracking(struct ifd_ucmd *u);
int ifd_hwpt_get_dirty_bitmap(struct ifd_ucmd *u);
int ifd_hwpt_invalidate(struct ifd_ucmd *u);
int ifd_viommu_alloc(struct ifd_ucmd *u);
int ifd_vdevice_alloc(struct ifd_ucmd *u);
int ifd_veventq_alloc(struct ifd_ucmd *u);
int ifd_hw_queue_alloc(struct ifd_ucmd *u);
int ifd_hwpt_paging_alloc(struct iok_iommufd *ictx, struct ifd_ioas *ioas,
			  struct ifd_device *idev, uint32_t pasid, uint32_t flags,
			  bool immediate_attach, bool user_data, struct ifd_hwpt **out);
void ifd_hwpt_destroy(struct ifd_hwpt *hwpt);
/* A user drops @hwpt; an automatic HWPT nobody uses is destroyed. */
void ifd_hwpt_put(struct iok_iommufd *ictx, struct ifd_hwpt *hwpt);
bool ifd_dev_dirty_capable(const struct iok_machine *m, const struct iok_dev *dev);

/* iommufd-device.c */
int ifd_get_hw_info(struct ifd_ucmd *u);
int ifd_hw_attach(struct ifd_hwpt *hwpt, struct ifd_device *idev, uint32_t pasid);
struct ifd_hwpt *ifd_hw_detach(struct ifd_device *idev, uint32_t pasid);
struct ifd_attach *ifd_group_attach(const struct ifd_group *ig, uint32_t pasid);
void ifd_device_destroy(struct ifd_device *idev);

/* iommufd-access.c */
void ifd_access_notify_unmap(struct ifd_ioas *ioas, uint64_t iova, uint64_t length);
void ifd_access_destroy(struct ifd_access *access);

/* iommufd-fault.c */
int ifd_fault_alloc(struct ifd_ucmd *u);
void ifd_fault_destroy(struct ifd_fault *fault);
int ifd_fault_iopf_handler(struct iok_iopf_group *g, void *arg);
/* Answer INVALID every group that came through @handle (detach, replace). */
void ifd_fault_auto_respond(struct ifd_fault *fault, const void *handle);

/* iommufd-vfio.c */
long ifd_vfio_ioctl(struct iok_iommufd *ictx, unsigned long cmd, void *arg, unsigned long iarg);
int ifd_vfio_ioas(struct ifd_ucmd *u);

#endif
