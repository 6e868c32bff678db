/* SPDX-License-Identifier: MIT */
/*
 * User APIs over the IOMMU core (spec runtime 4.3, 4.4 and 8): the sysfs
 * driver core of a simulated Linux 6.1 (or later) kernel, and the VFIO
 * legacy group/container interface with the type1 IOMMU backend, reached by
 * a simulated user process through file descriptors and ioctls that take
 * the uAPI's structures.
 *
 * The ground truth is the kernel oracle's captures (../shared/oracle/vfio,
 * Linux 6.1): every captured answer is reproduced (tests/vfio/). Calls
 * return what the system call would: 0 or a non-negative value, or a
 * negative errno, with a message in the context.
 *
 * Objects: struct iok_sysfs is the driver core and the sysfs tree of one
 * machine (drivers, driver_override, bind, unbind, drivers_probe, remove,
 * rescan, /sys/kernel/iommu_groups); struct iok_vfio is the VFIO modules
 * loaded into it (vfio, vfio_iommu_type1, vfio-pci); struct iok_proc is a
 * process with an fd table and anonymous memory.
 */
#ifndef IOMMUKIT_UAPI_H
#define IOMMUKIT_UAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iok_machine;
struct iok_dev;
struct iok_rgroup;
struct iok_sysfs;
struct iok_sysfs_file;
struct iok_sysfs_job;
struct iok_vfio;
struct iok_proc;

/* ---- driver core -------------------------------------------------------- */

/**
 * iok_sysfs_new() - the driver core and sysfs of a machine
 * @m: the machine; it must outlive the object
 * @out: receives the driver core
 *
 * The PCI drivers registered are those of the oracle's guest, in its
 * order: pcieport and shpchp (built in), pci-stub, e1000e, e1000,
 * virtio-pci, nvme, 8139cp and 8139too (modules); vfio-pci comes with
 * iok_vfio_new(). No driver is bound: see iok_sysfs_boot_probe() and
 * iok_sysfs_boot_bind(). A machine has one driver core: drivers bound
 * through another would be unknown to this one.
 *
 * Return: 0, -EINVAL for a bad argument, -ENOMEM.
 */
int iok_sysfs_new(struct iok_machine *m, struct iok_sysfs **out);

/**
 * iok_sysfs_free() - free the driver core (with its VFIO and processes)
 * @sf: the driver core, or NULL
 *
 * Bound drivers stay bound in the machine.
 */
void iok_sysfs_free(struct iok_sysfs *sf);

/** The machine of a driver core. */
struct iok_machine *iok_sysfs_get_machine(const struct iok_sysfs *sf);

/**
 * iok_sysfs_boot_probe() - probe every present unbound device, as at boot
 * @sf: the driver core
 *
 * Each device is offered to the registered drivers in order; probe
 * failures are left as the kernel leaves them (shpchp on QEMU's
 * pcie-pci-bridge fails with -EBUSY and the bridge has no driver).
 *
 * Return: the number of devices bound, or -EINVAL.
 */
int iok_sysfs_boot_probe(struct iok_sysfs *sf);

/**
 * iok_sysfs_boot_bind() - give a device the driver a capture lists at boot
 * @sf: the driver core
 * @dev: a present device
 * @driver: the driver's name, or NULL or "-" for none; one the model does
 *          not know is registered as a DMA-API driver that matches the
 *          devices it was bound to
 *
 * A device bound to another driver is unbound first; one bound to @driver
 * stays. A known driver whose ID table lacks @dev is taught it, as a
 * capture is the better witness of what bound.
 *
 * Return: 0; -EBUSY when the device's VFIO fd is open; -ENODEV when absent
 * or its driver_override names another driver; the probe's error.
 */
int iok_sysfs_boot_bind(struct iok_sysfs *sf, struct iok_dev *dev, const char *driver);

/**
 * iok_sysfs_get_driver() - what the device's sysfs "driver" link names
 * @sf: the driver core
 * @dev: the device
 *
 * Return: the driver, or NULL when unbound, absent, or while an unbind
 * blocks (the link goes first, the driver's remove then waits).
 */
const char *iok_sysfs_get_driver(const struct iok_sysfs *sf, const struct iok_dev *dev);

/** The device's driver_override, or NULL. */
const char *iok_sysfs_get_override(const struct iok_sysfs *sf, const struct iok_dev *dev);

/** Whether a device was removed through sysfs "remove" (a rescan brings it back). */
bool iok_sysfs_dev_is_removed(const struct iok_sysfs *sf, const struct iok_dev *dev);

/* ---- sysfs files ---------------------------------------------------------- */

/* Open flags of iok_sysfs_open(). */
#define IOK_O_RDONLY	0
#define IOK_O_WRONLY	1
#define IOK_O_RDWR	2

/* A write that blocks (iok_sysfs_write()): it finishes later. */
#define IOK_SYSFS_BLOCKED 1

/**
 * iok_sysfs_open() - open a file of the simulated /sys or /dev
 * @sf: the driver core
 * @path: an absolute path ("/sys/bus/pci/devices/0000:01:00.0/driver_override");
 *        symbolic links (driver, iommu_group, devices/...) are followed
 * @flags: IOK_O_RDONLY, IOK_O_WRONLY or IOK_O_RDWR
 * @out: receives the open file
 *
 * Return: 0; -ENOENT; -EACCES for a write open of a read-only file (as
 * kernfs answers root); -EISDIR for a directory opened for writing;
 * -EINVAL, -ENOMEM.
 */
int iok_sysfs_open(struct iok_sysfs *sf, const char *path, int flags,
		   struct iok_sysfs_file **out);

/**
 * iok_sysfs_write() - one write(2) to an open sysfs file
 * @f: the file, opened for writing
 * @buf: the bytes ("vfio-pci\n")
 * @len: their number
 * @job: where a write that blocks is handed back, or NULL
 *
 * The store methods of Linux 6.1: driver_override, bind, unbind,
 * drivers_probe (any probe failure is -EINVAL, no match is success),
 * remove, rescan, iommu_groups/N/type (6.1's -EBUSY/-EINVAL, or the later
 * kernels' -EPERM, by the topology's kernel), module parameters.
 *
 * Return: 0 (all bytes written); a negative errno; IOK_SYSFS_BLOCKED when
 * the write blocks (unbinding vfio-pci from a device whose VFIO fd is
 * open): *@job then tells when it completes. With @job NULL such a write
 * changes nothing and returns -EDEADLK (the caller holds what it would
 * wait for).
 */
int iok_sysfs_write(struct iok_sysfs_file *f, const char *buf, size_t len,
		    struct iok_sysfs_job **job);

/**
 * iok_sysfs_read() - read a whole sysfs file
 * @f: the file, opened for reading
 * @buf: receives the text, NUL-terminated
 * @size: size of @buf
 *
 * Return: the length of the text (which may exceed @size - 1), -EACCES
 * for a write-only file, -EISDIR for a directory, or -EINVAL.
 */
int iok_sysfs_read(struct iok_sysfs_file *f, char *buf, size_t size);

/** Close a sysfs file. */
void iok_sysfs_close(struct iok_sysfs_file *f);

/**
 * iok_sysfs_readdir() - the entries of a directory, unsorted
 * @sf: the driver core
 * @path: the directory
 * @fn: called for each entry; a non-zero return stops the walk
 * @arg: passed to @fn
 *
 * Return: 0, @fn's non-zero value, -ENOENT, -ENOTDIR, -EINVAL.
 */
int iok_sysfs_readdir(struct iok_sysfs *sf, const char *path,
		      int (*fn)(const char *name, void *arg), void *arg);

/**
 * iok_sysfs_access() - access(path, F_OK)
 * @sf: the driver core
 * @path: the path
 *
 * Return: 0 when it exists, -ENOENT, -EINVAL.
 */
int iok_sysfs_access(struct iok_sysfs *sf, const char *path);

/**
 * iok_sysfs_job_poll() - whether a blocked write has finished
 * @job: the job of iok_sysfs_write()
 * @rc: receives the write's result when finished
 *
 * Return: true when finished.
 */
bool iok_sysfs_job_poll(const struct iok_sysfs_job *job, int *rc);

/** Forget a job (a write still blocked goes on; its result is dropped). */
void iok_sysfs_job_free(struct iok_sysfs_job *job);

/* ---- VFIO --------------------------------------------------------------- */

/**
 * iok_vfio_new() - load VFIO: vfio, vfio_iommu_type1 and vfio-pci
 * @sf: the driver core
 * @out: receives the VFIO state
 *
 * vfio-pci (driver_managed_dma) binds through driver_override only,
 * refuses non-normal header types with -EINVAL, and creates /dev/vfio/N
 * for the group of each device it binds. /dev/vfio/vfio opens containers;
 * /sys/module/vfio_iommu_type1/parameters/dma_entry_limit (65535) is read
 * when a container chooses type1.
 *
 * Return: 0; -EBUSY when @sf has VFIO loaded; -EINVAL; -ENOMEM.
 */
int iok_vfio_new(struct iok_sysfs *sf, struct iok_vfio **out);

/** The VFIO state of a driver core, or NULL. */
struct iok_vfio *iok_sysfs_get_vfio(const struct iok_sysfs *sf);

/**
 * iok_proc_new() - a user process (root, CAP_IPC_LOCK: no pinning limit)
 * @sf: the driver core whose /dev and /sys it opens
 * @out: receives the process
 *
 * Return: 0, -EINVAL, -ENOMEM.
 */
int iok_proc_new(struct iok_sysfs *sf, struct iok_proc **out);

/**
 * iok_proc_free() - the process exits: every fd is closed, in order
 * @p: the process, or NULL
 */
void iok_proc_free(struct iok_proc *p);

/**
 * iok_proc_open() - open(2) with O_RDWR
 * @p: the process
 * @path: /dev/vfio/vfio (a container), /dev/vfio/N (a group), or any
 *        sysfs path (a file without ioctls)
 * @fd: receives the lowest free descriptor, from 3
 *
 * Return: 0; -ENOENT; -EBUSY for a group already open (single opener);
 * -ENODEV for a group being torn down; -EMFILE; -ENOMEM.
 */
int iok_proc_open(struct iok_proc *p, const char *path, int *fd);

/**
 * iok_proc_close() - close(2)
 * @p: the process
 * @fd: the descriptor
 *
 * A group file lives on while device fds of the group are open; its last
 * release detaches the container. The last device fd of a device whose
 * vfio-pci unbind is blocked lets the unbind finish.
 *
 * Return: 0, or -EBADF.
 */
int iok_proc_close(struct iok_proc *p, int fd);

/**
 * iok_proc_ioctl() - ioctl(2) with a pointer to the uAPI structure
 * @p: the process
 * @fd: the descriptor
 * @request: IOK_VFIO_* (the kernel's numbers)
 * @arg: the structure (argsz first) for pointer requests, or NULL; an
 *       argsz larger than the memory at @arg is the caller's bug, as in C
 *
 * Return: the ioctl's non-negative value (GET_DEVICE_FD: the new fd), or
 * a negative errno: -EBADF, -ENOTTY for a request the file does not know,
 * -EFAULT for a NULL @arg where a structure is needed, and each
 * request's own (spec runtime 8).
 */
long iok_proc_ioctl(struct iok_proc *p, int fd, unsigned long request, void *arg);

/**
 * iok_proc_ioctl_int() - ioctl(2) with an integer argument
 * @p: the process
 * @fd: the descriptor
 * @request: the request
 * @arg: the integer
 *
 * Requests that take a pointer see @arg as an address in the process:
 * -EFAULT unless it lies in mapped memory, which reads as zeros (fresh
 * anonymous memory). GET_DEVICE_FD reads a string there.
 *
 * Return: as iok_proc_ioctl().
 */
long iok_proc_ioctl_int(struct iok_proc *p, int fd, unsigned long request, unsigned long arg);

/**
 * iok_proc_mmap() - anonymous private read-write memory
 * @p: the process
 * @len: bytes, rounded up to pages; 0 is -EINVAL
 * @addr: receives the page-aligned address
 *
 * The pages have physical frames of their own from the start (pinning
 * finds them), contiguous within one call.
 *
 * Return: 0, -EINVAL, -ENOMEM.
 */
int iok_proc_mmap(struct iok_proc *p, uint64_t len, uint64_t *addr);

/**
 * iok_proc_virt_to_phys() - the frame behind a process address
 * @p: the process
 * @vaddr: the address
 * @paddr: receives the physical address
 *
 * Return: 0, or -EFAULT for an unmapped address.
 */
int iok_proc_virt_to_phys(const struct iok_proc *p, uint64_t vaddr, uint64_t *paddr);

/* ---- the VFIO uAPI (<linux/vfio.h> of Linux 6.1, same numbers) ----------- */

#define IOK_VFIO_API_VERSION		0

/* Extensions and IOMMU types (VFIO_CHECK_EXTENSION, VFIO_SET_IOMMU). */
#define IOK_VFIO_TYPE1_IOMMU		1
#define IOK_VFIO_SPAPR_TCE_IOMMU	2
#define IOK_VFIO_TYPE1v2_IOMMU		3
#define IOK_VFIO_DMA_CC_IOMMU		4
#define IOK_VFIO_EEH			5
#define IOK_VFIO_TYPE1_NESTING_IOMMU	6
#define IOK_VFIO_SPAPR_TCE_v2_IOMMU	7
#define IOK_VFIO_NOIOMMU_IOMMU		8
#define IOK_VFIO_UNMAP_ALL		9
#define IOK_VFIO_UPDATE_VADDR		10

/* _IO(';', 100 + n) */
#define IOK_VFIO_IO(n)			(0x3b00ul | (100 + (n)))
#define IOK_VFIO_GET_API_VERSION	IOK_VFIO_IO(0)
#define IOK_VFIO_CHECK_EXTENSION	IOK_VFIO_IO(1)
#define IOK_VFIO_SET_IOMMU		IOK_VFIO_IO(2)
#define IOK_VFIO_GROUP_GET_STATUS	IOK_VFIO_IO(3)
#define IOK_VFIO_GROUP_SET_CONTAINER	IOK_VFIO_IO(4)
#define IOK_VFIO_GROUP_UNSET_CONTAINER	IOK_VFIO_IO(5)
#define IOK_VFIO_GROUP_GET_DEVICE_FD	IOK_VFIO_IO(6)
#define IOK_VFIO_DEVICE_GET_INFO	IOK_VFIO_IO(7)
#define IOK_VFIO_DEVICE_RESET		IOK_VFIO_IO(11)
#define IOK_VFIO_IOMMU_GET_INFO		IOK_VFIO_IO(12)
#define IOK_VFIO_IOMMU_MAP_DMA		IOK_VFIO_IO(13)
#define IOK_VFIO_IOMMU_UNMAP_DMA	IOK_VFIO_IO(14)

#define IOK_VFIO_GROUP_FLAGS_VIABLE		(1u << 0)
#define IOK_VFIO_GROUP_FLAGS_CONTAINER_SET	(1u << 1)

struct iok_vfio_group_status {
	uint32_t argsz;
	uint32_t flags;
};

#define IOK_VFIO_DEVICE_FLAGS_RESET	(1u << 0)
#define IOK_VFIO_DEVICE_FLAGS_PCI	(1u << 1)

struct iok_vfio_device_info {
	uint32_t argsz;
	uint32_t flags;
	uint32_t num_regions;
	uint32_t num_irqs;
	uint32_t cap_offset;
	uint32_t pad;
};

#define IOK_VFIO_IOMMU_INFO_PGSIZES	(1u << 0)
#define IOK_VFIO_IOMMU_INFO_CAPS	(1u << 1)

struct iok_vfio_iommu_type1_info {
	uint32_t argsz;
	uint32_t flags;
	uint64_t iova_pgsizes;
	uint32_t cap_offset;	/* from the start of this structure; 0: none */
	uint32_t pad;
};

struct iok_vfio_info_cap_header {
	uint16_t id;
	uint16_t version;
	uint32_t next;		/* offset of the next capability; 0: last */
};

#define IOK_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE	1
#define IOK_VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION		2
#define IOK_VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL		3

struct iok_vfio_iova_range {
	uint64_t start;
	uint64_t end;		/* inclusive */
};

struct iok_vfio_iommu_type1_info_cap_iova_range {
	struct iok_vfio_info_cap_header header;
	uint32_t nr_iovas;
	uint32_t reserved;
	struct iok_vfio_iova_range iova_ranges[];
};

struct iok_vfio_iommu_type1_info_cap_migration {
	struct iok_vfio_info_cap_header header;
	uint32_t flags;
	uint64_t pgsize_bitmap;
	uint64_t max_dirty_bitmap_size;
};

struct iok_vfio_iommu_type1_info_dma_avail {
	struct iok_vfio_info_cap_header header;
	uint32_t avail;
};

#define IOK_VFIO_DMA_MAP_FLAG_READ	(1u << 0)
#define IOK_VFIO_DMA_MAP_FLAG_WRITE	(1u << 1)
#define IOK_VFIO_DMA_MAP_FLAG_VADDR	(1u << 2)

struct iok_vfio_iommu_type1_dma_map {
	uint32_t argsz;
	uint32_t flags;
	uint64_t vaddr;		/* process address (iok_proc_mmap()) */
	uint64_t iova;
	uint64_t size;
};

/* The uAPI's values: ALL is 2 and VADDR 4 (spec runtime 8.5 has them swapped). */
#define IOK_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP	(1u << 0)
#define IOK_VFIO_DMA_UNMAP_FLAG_ALL			(1u << 1)
#define IOK_VFIO_DMA_UNMAP_FLAG_VADDR			(1u << 2)

struct iok_vfio_iommu_type1_dma_unmap {
	uint32_t argsz;
	uint32_t flags;
	uint64_t iova;
	uint64_t size;		/* in: bytes; out: bytes unmapped */
};

/* ---- iommufd (spec runtime 4.5, 5, 7) -------------------------------------- */

/*
 * /dev/iommu of the simulated kernel: a context (struct iok_iommufd) opened by
 * a process, whose objects (IOAS, HWPT, DEVICE, ACCESS, FAULT) live in one
 * table of 31-bit IDs (lowest free from 1) with use counts: IOMMU_DESTROY
 * answers -ENOENT for an unknown ID and -EBUSY while anything uses the object.
 * User space drives it with iok_iommufd_ioctl() and the uAPI's structures
 * below (struct iommu_* of <linux/iommufd.h>, same layouts and numbers): the
 * leading size field is checked as the kernel does (spec 7.2). Kernel drivers
 * (VFIO, mdev) use the iok_iommufd_device_*() and iok_iommufd_access_*()
 * calls, which take object IDs. Pointer fields of the structures
 * (allowed_iovas, data_uptr, data) hold the caller's C pointers; user_va is
 * an address of the process (iok_proc_mmap()). The model has no stage 2:
 * nested HWPTs, NEST_PARENT and vIOMMUs are refused with the kernel's errno
 * for a driver without them.
 */

struct iok_iommufd;
struct iok_domain;
struct iok_fabric;
struct iok_sva;

/* _IO(';', nr) */
#define IOK_IOMMUFD_IO(nr)		(0x3b00ul | (nr))
#define IOK_IOMMU_DESTROY		IOK_IOMMUFD_IO(0x80)
#define IOK_IOMMU_IOAS_ALLOC		IOK_IOMMUFD_IO(0x81)
#define IOK_IOMMU_IOAS_ALLOW_IOVAS	IOK_IOMMUFD_IO(0x82)
#define IOK_IOMMU_IOAS_COPY		IOK_IOMMUFD_IO(0x83)
#define IOK_IOMMU_IOAS_IOVA_RANGES	IOK_IOMMUFD_IO(0x84)
#define IOK_IOMMU_IOAS_MAP		IOK_IOMMUFD_IO(0x85)
#define IOK_IOMMU_IOAS_UNMAP		IOK_IOMMUFD_IO(0x86)
#define IOK_IOMMU_OPTION		IOK_IOMMUFD_IO(0x87)
#define IOK_IOMMU_VFIO_IOAS		IOK_IOMMUFD_IO(0x88)
#define IOK_IOMMU_HWPT_ALLOC		IOK_IOMMUFD_IO(0x89)
#define IOK_IOMMU_GET_HW_INFO		IOK_IOMMUFD_IO(0x8a)
#define IOK_IOMMU_HWPT_SET_DIRTY_TRACKING IOK_IOMMUFD_IO(0x8b)
#define IOK_IOMMU_HWPT_GET_DIRTY_BITMAP	IOK_IOMMUFD_IO(0x8c)
#define IOK_IOMMU_HWPT_INVALIDATE	IOK_IOMMUFD_IO(0x8d)
#define IOK_IOMMU_FAULT_QUEUE_ALLOC	IOK_IOMMUFD_IO(0x8e)
#define IOK_IOMMU_IOAS_MAP_FILE		IOK_IOMMUFD_IO(0x8f)
#define IOK_IOMMU_VIOMMU_ALLOC		IOK_IOMMUFD_IO(0x90)
#define IOK_IOMMU_VDEVICE_ALLOC		IOK_IOMMUFD_IO(0x91)
#define IOK_IOMMU_IOAS_CHANGE_PROCESS	IOK_IOMMUFD_IO(0x92)
#define IOK_IOMMU_VEVENTQ_ALLOC		IOK_IOMMUFD_IO(0x93)
#define IOK_IOMMU_HW_QUEUE_ALLOC	IOK_IOMMUFD_IO(0x94)

/* Object types, as iok_iommufd_get_obj_type() answers. */
enum iok_iommufd_obj_type {
	IOK_IOMMUFD_OBJ_NONE,
	IOK_IOMMUFD_OBJ_DEVICE,
	IOK_IOMMUFD_OBJ_HWPT_PAGING,
	IOK_IOMMUFD_OBJ_HWPT_NESTED,
	IOK_IOMMUFD_OBJ_IOAS,
	IOK_IOMMUFD_OBJ_ACCESS,
	IOK_IOMMUFD_OBJ_FAULT,
};

struct iok_iommu_destroy {
	uint32_t size;
	uint32_t id;
};

struct iok_iommu_ioas_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t out_ioas_id;
};

struct iok_iommu_iova_range {
	uint64_t start;
	uint64_t last;		/* inclusive */
};

struct iok_iommu_ioas_iova_ranges {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t reserved;
	uint64_t allowed_iovas;	/* struct iok_iommu_iova_range * */
	uint64_t out_iova_alignment;
};

struct iok_iommu_ioas_allow_iovas {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t reserved;
	uint64_t allowed_iovas;	/* const struct iok_iommu_iova_range * */
};

#define IOK_IOMMU_IOAS_MAP_FIXED_IOVA	(1u << 0)
#define IOK_IOMMU_IOAS_MAP_WRITEABLE	(1u << 1)
#define IOK_IOMMU_IOAS_MAP_READABLE	(1u << 2)

struct iok_iommu_ioas_map {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	uint32_t reserved;
	uint64_t user_va;
	uint64_t length;
	uint64_t iova;
};

struct iok_iommu_ioas_map_file {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	int32_t fd;
	uint64_t start;
	uint64_t length;
	uint64_t iova;
};

struct iok_iommu_ioas_copy {
	uint32_t size;
	uint32_t flags;
	uint32_t dst_ioas_id;
	uint32_t src_ioas_id;
	uint64_t length;
	uint64_t dst_iova;
	uint64_t src_iova;
};

struct iok_iommu_ioas_unmap {
	uint32_t size;
	uint32_t ioas_id;
	uint64_t iova;
	uint64_t length;	/* in: bytes; out: bytes unmapped */
};

struct iok_iommu_ioas_change_process {
	uint32_t size;
	uint32_t reserved;
};

#define IOK_IOMMU_OPTION_RLIMIT_MODE	0
#define IOK_IOMMU_OPTION_HUGE_PAGES	1
#define IOK_IOMMU_OPTION_OP_SET		0
#define IOK_IOMMU_OPTION_OP_GET		1

struct iok_iommu_option {
	uint32_t size;
	uint32_t option_id;
	uint16_t op;
	uint16_t reserved;
	uint32_t object_id;
	uint64_t val64;
};

#define IOK_IOMMU_VFIO_IOAS_GET		0
#define IOK_IOMMU_VFIO_IOAS_SET		1
#define IOK_IOMMU_VFIO_IOAS_CLEAR	2

struct iok_iommu_vfio_ioas {
	uint32_t size;
	uint32_t ioas_id;
	uint16_t op;
	uint16_t reserved;
};

#define IOK_IOMMU_HWPT_ALLOC_NEST_PARENT	(1u << 0)
#define IOK_IOMMU_HWPT_ALLOC_DIRTY_TRACKING	(1u << 1)
#define IOK_IOMMU_HWPT_FAULT_ID_VALID		(1u << 2)
#define IOK_IOMMU_HWPT_ALLOC_PASID		(1u << 3)

/* HWPT data types (enum iommu_hwpt_data_type). */
#define IOK_IOMMU_HWPT_DATA_NONE	0
#define IOK_IOMMU_HWPT_DATA_VTD_S1	1
#define IOK_IOMMU_HWPT_DATA_ARM_SMMUV3	2

struct iok_iommu_hwpt_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t dev_id;
	uint32_t pt_id;
	uint32_t out_hwpt_id;
	uint32_t reserved;
	uint32_t data_type;
	uint32_t data_len;
	uint64_t data_uptr;
	uint32_t fault_id;
	uint32_t reserved2;
};

#define IOK_IOMMU_HW_INFO_FLAG_INPUT_TYPE	(1u << 0)
#define IOK_IOMMU_HW_INFO_TYPE_NONE		0
#define IOK_IOMMU_HW_INFO_TYPE_DEFAULT		0
#define IOK_IOMMU_HW_INFO_TYPE_INTEL_VTD	1
#define IOK_IOMMU_HW_INFO_TYPE_ARM_SMMUV3	2
#define IOK_IOMMU_HW_CAP_DIRTY_TRACKING		(1u << 0)
#define IOK_IOMMU_HW_CAP_PCI_PASID_EXEC		(1u << 1)
#define IOK_IOMMU_HW_CAP_PCI_PASID_PRIV		(1u << 2)

struct iok_iommu_hw_info {
	uint32_t size;
	uint32_t flags;
	uint32_t dev_id;
	uint32_t data_len;	/* in: buffer size; out: the driver's data size */
	uint64_t data_uptr;
	uint32_t data_type;	/* in with FLAG_INPUT_TYPE; out */
	uint8_t out_max_pasid_log2;
	uint8_t reserved[3];
	uint64_t out_capabilities;
};

#define IOK_IOMMU_HWPT_DIRTY_TRACKING_ENABLE		1
#define IOK_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR	1

struct iok_iommu_hwpt_set_dirty_tracking {
	uint32_t size;
	uint32_t flags;
	uint32_t hwpt_id;
	uint32_t reserved;
};

struct iok_iommu_hwpt_get_dirty_bitmap {
	uint32_t size;
	uint32_t hwpt_id;
	uint32_t flags;
	uint32_t reserved;
	uint64_t iova;
	uint64_t length;
	uint64_t page_size;
	uint64_t data;		/* uint64_t *: bit n = page n dirty; bits are only set */
};

struct iok_iommu_hwpt_invalidate {
	uint32_t size;
	uint32_t hwpt_id;
	uint64_t data_uptr;
	uint32_t data_type;
	uint32_t entry_len;
	uint32_t entry_num;	/* in: entries; out: entries handled */
	uint32_t reserved;
};

#define IOK_IOMMU_PGFAULT_FLAGS_PASID_VALID	(1u << 0)
#define IOK_IOMMU_PGFAULT_FLAGS_LAST_PAGE	(1u << 1)

/* One record of a FAULT fd (struct iommu_hwpt_pgfault). */
struct iok_iommu_hwpt_pgfault {
	uint32_t flags;
	uint32_t dev_id;
	uint32_t pasid;
	uint32_t grpid;
	uint32_t perm;		/* IOK_FAULT_PERM_* */
	uint32_t reserved;
	uint64_t addr;
	uint32_t length;
	uint32_t cookie;
};

#define IOK_IOMMUFD_PAGE_RESP_SUCCESS	0
#define IOK_IOMMUFD_PAGE_RESP_INVALID	1

/* One response written to a FAULT fd (struct iommu_hwpt_page_response). */
struct iok_iommu_hwpt_page_response {
	uint32_t cookie;
	uint32_t code;
};

struct iok_iommu_fault_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t out_fault_id;
	uint32_t out_fault_fd;
};

struct iok_iommu_viommu_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t type;
	uint32_t dev_id;
	uint32_t hwpt_id;
	uint32_t out_viommu_id;
	uint32_t data_len;
	uint32_t reserved;
	uint64_t data_uptr;
};

struct iok_iommu_vdevice_alloc {
	uint32_t size;
	uint32_t viommu_id;
	uint32_t dev_id;
	uint32_t out_vdevice_id;
	uint64_t virt_id;
};

struct iok_iommu_veventq_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t viommu_id;
	uint32_t type;
	uint32_t veventq_depth;
	uint32_t out_veventq_id;
	uint32_t out_veventq_fd;
	uint32_t reserved;
};

struct iok_iommu_hw_queue_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t viommu_id;
	uint32_t type;
	uint32_t index;
	uint32_t out_hw_queue_id;
	uint64_t nesting_parent_iova;
	uint64_t length;
};

/**
 * iok_iommufd_open() - open /dev/iommu
 * @p: the process; its memory is what IOAS_MAP pins; it and its driver
 *     core must outlive the context
 * @out: receives the context (user-based pin accounting, spec 7.1)
 *
 * Return: 0, -EINVAL, -ENOMEM.
 */
int iok_iommufd_open(struct iok_proc *p, struct iok_iommufd **out);

/**
 * iok_iommufd_close() - close the fd: every object goes
 * @ictx: the context, or NULL
 *
 * The drivers let go first, as closing their fds would: bound devices are
 * detached and unbound, accesses destroyed, FAULT fds closed; then objects
 * are destroyed leaf first.
 */
void iok_iommufd_close(struct iok_iommufd *ictx);

/**
 * iok_iommufd_ioctl() - ioctl(2) on the iommufd
 * @ictx: the context
 * @cmd: IOK_IOMMU_* (or a VFIO container request, served by the VFIO
 *       compatibility layer, spec 7.8)
 * @arg: the structure, its leading u32 size set by the caller
 *
 * The framing of spec 7.2, in order: a number outside the table goes to the
 * VFIO compatibility layer (-ENOTTY there when unknown); a NULL @arg is
 * -EFAULT; a number the table does not hold is -ENOTTY; a size below the
 * last mandatory field is -EINVAL; bytes beyond the known structure must be
 * zero (-E2BIG); then the command, whose output is copied back up to the
 * caller's size on success.
 *
 * Return: 0 or the request's non-negative value, or a negative errno.
 */
long iok_iommufd_ioctl(struct iok_iommufd *ictx, unsigned long cmd, void *arg);

/**
 * iok_iommufd_ioctl_int() - ioctl(2) with an integer argument
 * @ictx: the context
 * @cmd: the request (VFIO_SET_IOMMU, VFIO_CHECK_EXTENSION take integers)
 * @arg: the integer; a request that takes a structure sees an address that
 *       is not the caller's memory (-EFAULT)
 *
 * Return: as iok_iommufd_ioctl().
 */
long iok_iommufd_ioctl_int(struct iok_iommufd *ictx, unsigned long cmd, unsigned long arg);

/**
 * iok_iommufd_set_fabric() - where access_rw() finds the bytes of user memory
 * @ictx: the context
 * @f: the fabric whose RAM holds the process's frames, or NULL; it must
 *     outlive the context
 *
 * Return: 0, or -EINVAL for a fabric of another machine.
 */
int iok_iommufd_set_fabric(struct iok_iommufd *ictx, struct iok_fabric *f);

/**
 * iok_iommufd_set_sva() - the I/O page fault queues FAULT objects listen to
 * @ictx: the context
 * @sva: the machine's SVA layer (its IOPF queues), or NULL; it must outlive
 *       the context
 *
 * Without it, HWPTs with a FAULT object attach but never see a page request.
 *
 * Return: 0, or -EINVAL for another machine's.
 */
int iok_iommufd_set_sva(struct iok_iommufd *ictx, struct iok_sva *sva);

/**
 * iok_iommufd_set_memlock_limit() - RLIMIT_MEMLOCK of the process
 * @ictx: the context
 * @bytes: pinned bytes allowed, in pages rounded down; 0 for no limit
 *
 * Pinning past it fails -ENOMEM (spec 7.3 step 5).
 *
 * Return: 0, or -EINVAL.
 */
int iok_iommufd_set_memlock_limit(struct iok_iommufd *ictx, uint64_t bytes);

/*
 * Pages the context has pinned now: the pages of each MAP once, whatever
 * domains and accesses use them (two MAPs of one page pin it twice, as GUP
 * does).
 */
uint64_t iok_iommufd_get_pinned_pages(const struct iok_iommufd *ictx);

/**
 * iok_iommufd_get_obj_type() - the type of an object
 * @ictx: the context
 * @id: the object ID
 * @users: if not NULL, receives its use count (1: only the table holds it)
 *
 * Return: an enum iok_iommufd_obj_type, or -ENOENT.
 */
int iok_iommufd_get_obj_type(const struct iok_iommufd *ictx, uint32_t id,
			     unsigned int *users);

/**
 * iok_iommufd_hwpt_get_domain() - the iommu_domain of a HWPT
 * @ictx: the context
 * @hwpt_id: a HWPT_PAGING
 * @out: receives the domain (to check translations with iok_iova_to_phys())
 *
 * Return: 0, -ENOENT.
 */
int iok_iommufd_hwpt_get_domain(const struct iok_iommufd *ictx, uint32_t hwpt_id,
				struct iok_domain **out);

/** An area of an IOAS, as iok_iommufd_ioas_get_area() reports it. */
struct iok_iommufd_area {
	uint64_t iova;
	uint64_t length;
	unsigned int prot;	/* IOK_PROT_READ, IOK_PROT_WRITE, IOK_PROT_CACHE */
	uint64_t user_va;	/* the process address of its first byte */
	unsigned int accesses;	/* pins by access objects */
};

/**
 * iok_iommufd_ioas_get_area() - the @i-th area of an IOAS, by IOVA
 * @ictx: the context
 * @ioas_id: the IOAS
 * @i: index
 * @out: receives the area
 *
 * Return: 0; -ENOENT for an unknown IOAS or past the last area.
 */
int iok_iommufd_ioas_get_area(const struct iok_iommufd *ictx, uint32_t ioas_id,
			      unsigned int i, struct iok_iommufd_area *out);

/**
 * iok_iommufd_ioas_add_reserved() - reserve IOVA in an IOAS (test op ADD_RESERVED)
 * @ictx: the context
 * @ioas_id: the IOAS
 * @start: first IOVA
 * @length: bytes, at least 1
 *
 * As a device's reserved region would: it stays until the IOAS goes.
 *
 * Return: 0; -ENOENT; -EOVERFLOW; -EADDRINUSE when it meets an area or the
 * allow-list; -EINVAL; -ENOMEM.
 */
int iok_iommufd_ioas_add_reserved(struct iok_iommufd *ictx, uint32_t ioas_id,
				  uint64_t start, uint64_t length);

/**
 * iok_iommufd_device_bind() - iommufd_device_bind() (spec 7.5, 4.5)
 * @ictx: the context
 * @dev: a device of the context's machine
 * @id: receives the DEVICE ID
 *
 * The binding driver (VFIO) holds the object until unbind. Every device
 * is taken as cache coherent and its MSIs as isolated (interrupt
 * remapping), so those checks never fail.
 *
 * Return: 0; -ENODEV without a group; -EPERM when another owner or a
 * DMA-API driver holds the group; -EBUSY, -EINVAL (a device that needs
 * direct mappings) from the ownership claim; -EINVAL for a device bound to
 * this context already (VFIO's cdev opens a device once) or misuse.
 */
int iok_iommufd_device_bind(struct iok_iommufd *ictx, struct iok_dev *dev, uint32_t *id);

/**
 * iok_iommufd_device_unbind() - iommufd_device_unbind()
 * @ictx: the context
 * @dev_id: the DEVICE
 *
 * Its attachments go first (PASIDs, then the RID), as VFIO detaches before
 * it unbinds; then the ownership claim is released.
 *
 * Return: 0, -ENOENT.
 */
int iok_iommufd_device_unbind(struct iok_iommufd *ictx, uint32_t dev_id);

/**
 * iok_iommufd_device_attach() - iommufd_device_attach()
 * @ictx: the context
 * @dev_id: the DEVICE
 * @pasid: 0 (IOMMU_NO_PASID) for the RID, else a PASID
 * @pt_id: in: an IOAS (a compatible automatic HWPT is found or made) or a
 *         HWPT; out: the HWPT used
 *
 * Return: 0; -ENOENT for an unknown ID; -EINVAL for another object type, a
 * group attached to another HWPT at @pasid, PASID incompatibility (spec
 * 7.5), an incompatible domain; -EBUSY when this device is attached at
 * @pasid; -EADDRINUSE when a reserved region meets a mapping or the
 * allow-list; the core's errors.
 */
int iok_iommufd_device_attach(struct iok_iommufd *ictx, uint32_t dev_id, uint32_t pasid,
			      uint32_t *pt_id);

/**
 * iok_iommufd_device_replace() - iommufd_device_replace()
 * @ictx: the context
 * @dev_id: the DEVICE, attached at @pasid
 * @pasid: 0 for the RID, else a PASID
 * @pt_id: in: an IOAS or HWPT; out: the HWPT used
 *
 * The whole group moves without passing through blocking; an automatic
 * HWPT left unused is destroyed.
 *
 * Return: 0 (also for the HWPT attached already); -EINVAL when nothing is
 * attached or this device is not; else as iok_iommufd_device_attach(),
 * with the old attachment kept on failure.
 */
int iok_iommufd_device_replace(struct iok_iommufd *ictx, uint32_t dev_id, uint32_t pasid,
			       uint32_t *pt_id);

/**
 * iok_iommufd_device_detach() - iommufd_device_detach()
 * @ictx: the context
 * @dev_id: the DEVICE
 * @pasid: 0 for the RID, else a PASID
 *
 * The last device of the group at @pasid detaches it for real: the RID
 * goes back to the blocking domain (the group stays owned), a PASID to
 * blocked; page requests still pending for it are answered INVALID.
 *
 * Return: 0, also when not attached; -ENOENT for an unknown device.
 */
int iok_iommufd_device_detach(struct iok_iommufd *ictx, uint32_t dev_id, uint32_t pasid);

/* Access rw flags (IOMMUFD_ACCESS_RW_*). */
#define IOK_IOMMUFD_ACCESS_RW_READ	0
#define IOK_IOMMUFD_ACCESS_RW_WRITE	(1u << 0)

/** An emulating driver's callbacks (struct iommufd_access_ops). */
struct iok_iommufd_access_ops {
	bool needs_pin_pages;	/* IOAS alignment becomes PAGE_SIZE */
	/* Stop using [iova, iova + length): unpin every pin in it before returning. */
	void (*unmap)(void *data, uint64_t iova, uint64_t length);
};

/**
 * iok_iommufd_access_create() - iommufd_access_create() (spec 7.6)
 * @ictx: the context
 * @ops: the driver's callbacks, or NULL for the selftest's driver: pins
 *       pages, and an unmap drops every pin it meets
 * @data: passed to @ops->unmap
 * @id: receives the ACCESS ID
 *
 * Return: 0, -EINVAL, -ENOMEM.
 */
int iok_iommufd_access_create(struct iok_iommufd *ictx,
			      const struct iok_iommufd_access_ops *ops, void *data,
			      uint32_t *id);

/**
 * iok_iommufd_access_destroy() - iommufd_access_destroy()
 * @ictx: the context
 * @access_id: the ACCESS
 *
 * Detaches first (the driver's unmap of everything).
 *
 * Return: 0, -ENOENT.
 */
int iok_iommufd_access_destroy(struct iok_iommufd *ictx, uint32_t access_id);

/**
 * iok_iommufd_access_attach() - iommufd_access_attach()
 * @ictx: the context
 * @access_id: the ACCESS, not attached
 * @ioas_id: the IOAS
 *
 * Return: 0; -EINVAL (a WARN) when attached already; -ENOENT; -EADDRINUSE
 * when an area is misaligned to the raised IOAS alignment.
 */
int iok_iommufd_access_attach(struct iok_iommufd *ictx, uint32_t access_id, uint32_t ioas_id);

/**
 * iok_iommufd_access_replace() - iommufd_access_replace()
 * @ictx: the context
 * @access_id: the ACCESS, attached
 * @ioas_id: the new IOAS
 *
 * Return: 0; -ENOENT when not attached or for an unknown IOAS; -EADDRINUSE.
 */
int iok_iommufd_access_replace(struct iok_iommufd *ictx, uint32_t access_id, uint32_t ioas_id);

/**
 * iok_iommufd_access_detach() - iommufd_access_detach()
 * @ictx: the context
 * @access_id: the ACCESS
 *
 * Return: 0; -EINVAL (a WARN) when not attached; -ENOENT.
 */
int iok_iommufd_access_detach(struct iok_iommufd *ictx, uint32_t access_id);

/**
 * iok_iommufd_access_pin_pages() - iommufd_access_pin_pages()
 * @ictx: the context
 * @access_id: the ACCESS (created with needs_pin_pages)
 * @iova: first IOVA, page aligned in the mapped memory
 * @length: bytes
 * @paddrs: if not NULL, receives the frame of each page
 * @flags: IOK_IOMMUFD_ACCESS_RW_WRITE for a writable pin
 *
 * Checks, in order: an access that pins pages (-EINVAL), @length
 * (-EINVAL), overflow (-EOVERFLOW), attached (-ENOENT); per area: being
 * unmapped or not page aligned at the area joins (-EINVAL), the area's
 * rights (-EPERM); contiguous areas covering the range (-ENOENT). Pinning
 * can fail -EFAULT (memory not mapped) or -ENOMEM (RLIMIT_MEMLOCK).
 *
 * Return: 0 or a negative errno, nothing pinned on failure.
 */
int iok_iommufd_access_pin_pages(struct iok_iommufd *ictx, uint32_t access_id, uint64_t iova,
				 uint64_t length, uint64_t *paddrs, unsigned int flags);

/**
 * iok_iommufd_access_unpin_pages() - iommufd_access_unpin_pages()
 * @ictx: the context
 * @access_id: the ACCESS
 * @iova: as pinned
 * @length: as pinned: the exact range of one pin
 *
 * Return: 0; -ENOENT when no pin of the access has that range (an unmap
 * dropped it, or it never was).
 */
int iok_iommufd_access_unpin_pages(struct iok_iommufd *ictx, uint32_t access_id,
				   uint64_t iova, uint64_t length);

/**
 * iok_iommufd_access_rw() - iommufd_access_rw(): copy bytes at an IOVA
 * @ictx: the context (with a fabric: iok_iommufd_set_fabric())
 * @access_id: the ACCESS
 * @iova: first IOVA, any alignment
 * @buf: the bytes to write, or where to read
 * @length: bytes
 * @flags: IOK_IOMMUFD_ACCESS_RW_WRITE to write
 *
 * Return: 0; -EINVAL (@length 0, an area being unmapped); -EOVERFLOW;
 * -ENOENT (not attached, a hole); -EPERM (the area's rights); -EFAULT
 * (memory not mapped); -EOPNOTSUPP without a fabric.
 */
int iok_iommufd_access_rw(struct iok_iommufd *ictx, uint32_t access_id, uint64_t iova,
			  void *buf, size_t length, unsigned int flags);

/**
 * iok_iommufd_fault_read() - read(2) on a FAULT fd
 * @ictx: the context
 * @fd: out_fault_fd of IOMMU_FAULT_QUEUE_ALLOC
 * @buf: receives struct iok_iommu_hwpt_pgfault records
 * @count: bytes, a multiple of the record size
 *
 * Whole page-request groups only; each gets a cookie to answer with.
 *
 * Return: bytes read (0: nothing pending); -ESPIPE for a @count that is not
 * a multiple of the record; -EBADF.
 */
long iok_iommufd_fault_read(struct iok_iommufd *ictx, int fd, void *buf, size_t count);

/**
 * iok_iommufd_fault_write() - write(2) of responses on a FAULT fd
 * @ictx: the context
 * @fd: the FAULT fd
 * @buf: struct iok_iommu_hwpt_page_response records
 * @count: bytes, a multiple of the record size
 *
 * Return: bytes consumed, or, when the first record is refused, -EINVAL (a
 * code other than SUCCESS or INVALID, an unknown cookie); -ESPIPE; -EBADF.
 */
long iok_iommufd_fault_write(struct iok_iommufd *ictx, int fd, const void *buf, size_t count);

/* iok_iommufd_fault_poll() bits (EPOLLIN, EPOLLOUT). */
#define IOK_POLLIN	0x1u
#define IOK_POLLOUT	0x4u

/** poll(2) on a FAULT fd: IOK_POLLOUT always, IOK_POLLIN with records to read; -EBADF. */
int iok_iommufd_fault_poll(struct iok_iommufd *ictx, int fd);

/**
 * iok_iommufd_fault_close() - close(2) of a FAULT fd
 * @ictx: the context
 * @fd: the FAULT fd
 *
 * The FAULT object can be destroyed once its fd is closed.
 *
 * Return: 0, -EBADF.
 */
int iok_iommufd_fault_close(struct iok_iommufd *ictx, int fd);

/* ---- container bind of a process (iommukit extension, NOT in Linux) ------- */

/*
 * VFIO_IOMMU_BIND and VFIO_IOMMU_UNBIND with VFIO_IOMMU_BIND_PROCESS, as
 * Jean-Philippe Brucker's 2018 SVA series proposed them ("vfio: Add support
 * for Shared Virtual Addressing", v1-v2, never merged; spec runtime 9.4):
 * a type1 container binds a process's address space to every device of
 * every group it holds and returns the PASID, which user space programs
 * into its devices (the kernel cannot program a vfio-pci device). Linux has
 * no such ioctls: these numbers lie outside Linux's VFIO range, and the
 * IOK_ names are iommukit's. Built on iok_sva_bind_group() (docs/vfio.md,
 * "Binding a process to a container").
 *
 * Bonds belong to the container's IOMMU backend: a group leaving it
 * (UNSET_CONTAINER, its fd's last close, its teardown) is unbound first, and
 * the last group takes every bond with the backend; closing the container's
 * fd alone unbinds nothing while groups keep it. A group joining a
 * container with bonds is bound to each live process too, and cannot join
 * (SET_CONTAINER fails with the bind's errno) when one of its devices
 * cannot take the PASID, as the series' vfio_iommu_replay_bind() did. A
 * device hot-added into a bound group is not bound (as in the kernel).
 *
 * The SVA layer (iok_sva_new()) of the processes must outlive every bond:
 * close the groups, or free the process, before iok_sva_unref().
 *
 * The ioctls (iok_proc_ioctl() on the container, struct
 * iok_vfio_iommu_bind_process) check, in the series' order: a backend
 * (-EINVAL before VFIO_SET_IOMMU, as any backend ioctl); argsz below the
 * header, a mode other than BIND_PROCESS, argsz below header and data, or
 * unknown process flags (-EINVAL); IOK_VFIO_IOMMU_BIND_PID (-ESRCH: no
 * PIDs in the model); a caller without an mm, or whose mm has exited
 * (-EINVAL); then as iok_vfio_container_bind_mm() and
 * iok_vfio_container_unbind_mm(). BIND writes the PASID into the data.
 */
struct iok_mm;

#define IOK_VFIO_IOMMU_BIND		IOK_VFIO_IO(140)	/* the series had VFIO_BASE + 22 */
#define IOK_VFIO_IOMMU_UNBIND		IOK_VFIO_IO(141)	/* and + 23 */

/* struct iok_vfio_iommu_type1_bind flags: the mode (the only one). */
#define IOK_VFIO_IOMMU_BIND_PROCESS	(1u << 0)
/* struct iok_vfio_iommu_type1_bind_process flags: @pid, not the caller. */
#define IOK_VFIO_IOMMU_BIND_PID		(1u << 0)

/* The header of both requests; the mode's data follows it. */
struct iok_vfio_iommu_type1_bind {
	uint32_t argsz;		/* the header and the data */
	uint32_t flags;		/* IOK_VFIO_IOMMU_BIND_PROCESS */
};

struct iok_vfio_iommu_type1_bind_process {
	uint32_t flags;		/* IOK_VFIO_IOMMU_BIND_PID or 0 */
	uint32_t pasid;		/* out (BIND): the process's PASID */
	int32_t pid;		/* with IOK_VFIO_IOMMU_BIND_PID */
};

/* What a caller passes: argsz = sizeof(struct iok_vfio_iommu_bind_process). */
struct iok_vfio_iommu_bind_process {
	struct iok_vfio_iommu_type1_bind hdr;
	struct iok_vfio_iommu_type1_bind_process process;
};

/**
 * iok_proc_set_mm() - the process's address space, as SVA sees it
 * @p: the process
 * @mm: a process of the SVA layer (sva.h), or NULL to forget it; it must
 *      stay valid while set
 *
 * What IOK_VFIO_IOMMU_BIND without IOK_VFIO_IOMMU_BIND_PID binds (the
 * kernel's get_task_mm(current)). A process without one answers -EINVAL,
 * as a task without mm does. The model's processes have no PIDs: every
 * IOK_VFIO_IOMMU_BIND_PID is -ESRCH (use iok_vfio_container_bind_mm()).
 *
 * Return: 0, or -EINVAL for a NULL @p.
 */
int iok_proc_set_mm(struct iok_proc *p, struct iok_mm *mm);

/**
 * iok_vfio_container_bind_mm() - IOK_VFIO_IOMMU_BIND of a given process
 * @p: the process holding the container fd
 * @fd: a container with a type1 backend (after VFIO_SET_IOMMU)
 * @mm: the process to bind (what IOK_VFIO_IOMMU_BIND_PID names)
 * @pasid: receives its PASID
 *
 * The ioctl's checks after its argument: -EBADF, -ENOTTY for an fd that is
 * not a container, -EINVAL without a backend or for an exited @mm. A
 * process bound already answers its PASID again (the series kept one bond
 * per process and container, without a count). Then each group in turn,
 * each device as the series' iommu_sva_device_init() with I/O page faults
 * checked it: -ENODEV when its IOMMU driver has no SVA, -EINVAL without
 * PASIDs or without PRI; then iok_sva_bind_group() (-EOVERFLOW, -ENOSPC,
 * -EBUSY...; -EINVAL for a group of several devices before Linux 6.2). One
 * failure unbinds every group bound before it: all or nothing.
 *
 * Return: 0 or a negative errno.
 */
int iok_vfio_container_bind_mm(struct iok_proc *p, int fd, struct iok_mm *mm, uint32_t *pasid);

/**
 * iok_vfio_container_unbind_mm() - IOK_VFIO_IOMMU_UNBIND of a given process
 * @p: the process holding the container fd
 * @fd: the container
 * @mm: a process bound to it; one that has exited may still be unbound
 *      (its PASID stays reserved until then, spec 6.3)
 *
 * Return: 0; -ESRCH when @mm is not bound to the container; -EBADF,
 * -ENOTTY, -EINVAL as iok_vfio_container_bind_mm().
 */
int iok_vfio_container_unbind_mm(struct iok_proc *p, int fd, struct iok_mm *mm);

#ifdef __cplusplus
}
#endif

#endif
