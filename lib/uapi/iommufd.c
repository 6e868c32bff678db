// SPDX-License-Identifier: MIT
/*
 * The iommufd context (spec runtime 7.1, 7.2): the object table with its
 * lowest-free 31-bit IDs and use counts, IOMMU_DESTROY, the ioctl framing
 * (size field, mandatory fields, zero tail) in the kernel's order, and the
 * close that destroys everything leaf first.
 */
#include <stdio.h>

#include "lib/uapi/iommufd-private.h"

int ifd_fail(struct iok_iommufd *ictx, int err, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return iok_fail(ictx->ctx, err, "iommufd: %s", msg);
}

/* ---- the object table ---------------------------------------------------- */

int ifd_obj_add(struct iok_iommufd *ictx, struct ifd_obj *obj, enum iok_iommufd_obj_type type)
{
	struct ifd_obj **objs;
	uint32_t id, n;

	for (id = 1; id < ictx->alloc_objs && ictx->objs[id]; id++)
		;
	if (id > IFD_MAX_ID)
		return ifd_fail(ictx, -ENOSPC, "no free object ID");
	if (id >= ictx->alloc_objs) {
		n = ictx->alloc_objs ? ictx->alloc_objs * 2 : 16;
		objs = realloc(ictx->objs, n * sizeof(*objs));
		if (!objs)
			return -ENOMEM;
		memset(objs + ictx->alloc_objs, 0, (n - ictx->alloc_objs) * sizeof(*objs));
		ictx->objs = objs;
		ictx->alloc_objs = n;
	}
	obj->type = type;
	obj->id = id;
	obj->users = 1;
	ictx->objs[id] = obj;
	return 0;
}

void ifd_obj_remove(struct iok_iommufd *ictx, struct ifd_obj *obj)
{
	if (obj->id && obj->id < ictx->alloc_objs && ictx->objs[obj->id] == obj)
		ictx->objs[obj->id] = NULL;
	if (ictx->vfio_ioas == (struct ifd_ioas *)obj)
		ictx->vfio_ioas = NULL;
}

struct ifd_obj *ifd_obj_get(const struct iok_iommufd *ictx, uint32_t id,
			    enum iok_iommufd_obj_type type)
{
	struct ifd_obj *obj;

	if (!id || id >= ictx->alloc_objs)
		return NULL;
	obj = ictx->objs[id];
	if (!obj || (type != IOK_IOMMUFD_OBJ_NONE && obj->type != type))
		return NULL;
	return obj;
}

bool ifd_has_objects(const struct iok_iommufd *ictx)
{
	uint32_t id;

	for (id = 1; id < ictx->alloc_objs; id++)
		if (ictx->objs[id])
			return true;
	return false;
}

static void obj_free(struct ifd_obj *obj)
{
	switch (obj->type) {
	case IOK_IOMMUFD_OBJ_IOAS:
		ifd_ioas_destroy((struct ifd_ioas *)obj);
		break;
	case IOK_IOMMUFD_OBJ_HWPT_PAGING:
	case IOK_IOMMUFD_OBJ_HWPT_NESTED:
		ifd_hwpt_destroy((struct ifd_hwpt *)obj);
		break;
	case IOK_IOMMUFD_OBJ_FAULT:
		ifd_fault_destroy((struct ifd_fault *)obj);
		break;
	case IOK_IOMMUFD_OBJ_DEVICE:
		ifd_device_destroy((struct ifd_device *)obj);
		break;
	case IOK_IOMMUFD_OBJ_ACCESS:
		ifd_access_destroy((struct ifd_access *)obj);
		break;
	case IOK_IOMMUFD_OBJ_NONE:
		free(obj);
		break;
	}
}

/* iommufd_object_remove(): only the table may hold it (refcount_dec_if_one). */
int ifd_obj_destroy(struct iok_iommufd *ictx, struct ifd_obj *obj)
{
	if (obj->users != 1)
		return ifd_fail(ictx, -EBUSY, "object %u is in use (%u users)", obj->id,
				obj->users - 1);
	ifd_obj_remove(ictx, obj);
	obj_free(obj);
	return 0;
}

static int ifd_destroy(struct ifd_ucmd *u)
{
	struct iok_iommu_destroy *cmd = u->cmd;
	struct ifd_obj *obj = ifd_obj_get(u->ictx, cmd->id, IOK_IOMMUFD_OBJ_NONE);

	if (!obj)
		return ifd_fail(u->ictx, -ENOENT, "no object %u", cmd->id);
	return ifd_obj_destroy(u->ictx, obj);
}

/* ---- the ioctl framing --------------------------------------------------- */

/* iommufd_ucmd_respond(): copy out up to the caller's size. */
int ifd_respond(struct ifd_ucmd *u)
{
	size_t n = u->user_size < u->cmd_size ? u->user_size : u->cmd_size;

	memcpy(u->ubuf, u->cmd, n);
	return 0;
}

struct ifd_op {
	unsigned long cmd;
	size_t size;
	size_t min_size;
	int (*fn)(struct ifd_ucmd *u);
};

#define IFD_OP(_cmd, _fn, _struct, _last) \
	[(_cmd & 0xff) - 0x80] = { _cmd, sizeof(_struct), offsetofend(_struct, _last), _fn }

static const struct ifd_op ifd_ops[] = {
	IFD_OP(IOK_IOMMU_DESTROY, ifd_destroy, struct iok_iommu_destroy, id),
	IFD_OP(IOK_IOMMU_FAULT_QUEUE_ALLOC, ifd_fault_alloc, struct iok_iommu_fault_alloc,
	       out_fault_fd),
	IFD_OP(IOK_IOMMU_GET_HW_INFO, ifd_get_hw_info, struct iok_iommu_hw_info, reserved),
	IFD_OP(IOK_IOMMU_HW_QUEUE_ALLOC, ifd_hw_queue_alloc, struct iok_iommu_hw_queue_alloc,
	       length),
	IFD_OP(IOK_IOMMU_HWPT_ALLOC, ifd_hwpt_alloc_ioctl, struct iok_iommu_hwpt_alloc, reserved),
	IFD_OP(IOK_IOMMU_HWPT_GET_DIRTY_BITMAP, ifd_hwpt_get_dirty_bitmap,
	       struct iok_iommu_hwpt_get_dirty_bitmap, data),
	IFD_OP(IOK_IOMMU_HWPT_INVALIDATE, ifd_hwpt_invalidate, struct iok_iommu_hwpt_invalidate,
	       reserved),
	IFD_OP(IOK_IOMMU_HWPT_SET_DIRTY_TRACKING, ifd_hwpt_set_dirty_tracking,
	       struct iok_iommu_hwpt_set_dirty_tracking, reserved),
	IFD_OP(IOK_IOMMU_IOAS_ALLOC, ifd_ioas_alloc, struct iok_iommu_ioas_alloc, out_ioas_id),
	IFD_OP(IOK_IOMMU_IOAS_ALLOW_IOVAS, ifd_ioas_allow_iovas,
	       struct iok_iommu_ioas_allow_iovas, allowed_iovas),
	IFD_OP(IOK_IOMMU_IOAS_CHANGE_PROCESS, ifd_ioas_change_process,
	       struct iok_iommu_ioas_change_process, reserved),
	IFD_OP(IOK_IOMMU_IOAS_COPY, ifd_ioas_copy, struct iok_iommu_ioas_copy, src_iova),
	IFD_OP(IOK_IOMMU_IOAS_IOVA_RANGES, ifd_ioas_iova_ranges,
	       struct iok_iommu_ioas_iova_ranges, out_iova_alignment),
	IFD_OP(IOK_IOMMU_IOAS_MAP, ifd_ioas_map, struct iok_iommu_ioas_map, iova),
	IFD_OP(IOK_IOMMU_IOAS_MAP_FILE, ifd_ioas_map_file, struct iok_iommu_ioas_map_file, iova),
	IFD_OP(IOK_IOMMU_IOAS_UNMAP, ifd_ioas_unmap, struct iok_iommu_ioas_unmap, length),
	IFD_OP(IOK_IOMMU_OPTION, ifd_option, struct iok_iommu_option, val64),
	IFD_OP(IOK_IOMMU_VDEVICE_ALLOC, ifd_vdevice_alloc, struct iok_iommu_vdevice_alloc,
	       virt_id),
	IFD_OP(IOK_IOMMU_VEVENTQ_ALLOC, ifd_veventq_alloc, struct iok_iommu_veventq_alloc,
	       out_veventq_fd),
	IFD_OP(IOK_IOMMU_VFIO_IOAS, ifd_vfio_ioas, struct iok_iommu_vfio_ioas, reserved),
	IFD_OP(IOK_IOMMU_VIOMMU_ALLOC, ifd_viommu_alloc, struct iok_iommu_viommu_alloc,
	       out_viommu_id),
};

/* The largest structure: the kernel's union ucmd_buffer. */
#define IFD_CMD_MAX 64

/* copy_struct_from_user(): a longer structure must end in zeros. */
static int copy_struct(void *dst, size_t ksize, const void *src, size_t usize)
{
	const uint8_t *p = src;
	size_t i;

	memset(dst, 0, ksize);
	memcpy(dst, src, usize < ksize ? usize : ksize);
	for (i = ksize; i < usize; i++)
		if (p[i])
			return -E2BIG;
	return 0;
}

static long ifd_dispatch(struct iok_iommufd *ictx, unsigned long cmd, void *arg,
			 unsigned long iarg)
{
	uint64_t buf[IFD_CMD_MAX / 8];
	const struct ifd_op *op;
	struct ifd_ucmd u = { .ictx = ictx, .ubuf = arg, .cmd = buf };
	unsigned int nr = cmd & 0xff;
	int rc;

	if (nr < 0x80 || nr - 0x80 >= ARRAY_SIZE(ifd_ops))
		return ifd_vfio_ioctl(ictx, cmd, arg, iarg);
	if (!arg)
		return ifd_fail(ictx, -EFAULT, "ioctl %#lx: bad address", cmd);
	memcpy(&u.user_size, arg, sizeof(u.user_size));
	op = &ifd_ops[nr - 0x80];
	if (!op->fn || op->cmd != cmd)
		return ifd_fail(ictx, -ENOTTY, "unknown ioctl %#lx", cmd);
	if (u.user_size < op->min_size)
		return ifd_fail(ictx, -EINVAL, "ioctl %#lx: size %u below %zu", cmd,
				u.user_size, op->min_size);
	u.cmd_size = op->size;
	rc = copy_struct(buf, op->size, arg, u.user_size);
	if (rc)
		return ifd_fail(ictx, rc, "ioctl %#lx: non-zero bytes past the %zu known",
				cmd, op->size);
	return op->fn(&u);
}

IOK_EXPORT long iok_iommufd_ioctl(struct iok_iommufd *ictx, unsigned long cmd, void *arg)
{
	if (!ictx)
		return -EBADF;
	return ifd_dispatch(ictx, cmd, arg, (unsigned long)(uintptr_t)arg);
}

IOK_EXPORT long iok_iommufd_ioctl_int(struct iok_iommufd *ictx, unsigned long cmd,
				      unsigned long arg)
{
	unsigned int nr = cmd & 0xff;

	if (!ictx)
		return -EBADF;
	/* An integer is no structure of the caller's: reading it faults. */
	if (nr >= 0x80 && nr - 0x80 < ARRAY_SIZE(ifd_ops))
		return ifd_fail(ictx, -EFAULT, "ioctl %#lx: bad address %#lx", cmd, arg);
	return ifd_dispatch(ictx, cmd, NULL, arg);
}

/* ---- open and close ------------------------------------------------------ */

IOK_EXPORT int iok_iommufd_open(struct iok_proc *p, struct iok_iommufd **out)
{
	struct iok_iommufd *ictx;

	if (!p || !out)
		return -EINVAL;
	ictx = calloc(1, sizeof(*ictx));
	if (!ictx)
		return -ENOMEM;
	ictx->proc = p;
	ictx->m = p->sf->m;
	ictx->ctx = p->sf->ctx;
	ictx->next_fd = 100;
	*out = ictx;
	return 0;
}

/* What the drivers and fds holding objects let go of when user space goes. */
static void release_holders(struct iok_iommufd *ictx)
{
	struct ifd_obj *obj;
	uint32_t id;

	for (id = 1; id < ictx->alloc_objs; id++) {
		obj = ictx->objs[id];
		if (!obj)
			continue;
		if (obj->type == IOK_IOMMUFD_OBJ_DEVICE)
			iok_iommufd_device_unbind(ictx, id);
		else if (obj->type == IOK_IOMMUFD_OBJ_ACCESS)
			iok_iommufd_access_destroy(ictx, id);
		else if (obj->type == IOK_IOMMUFD_OBJ_FAULT &&
			 ((struct ifd_fault *)obj)->fd_open)
			iok_iommufd_fault_close(ictx, ((struct ifd_fault *)obj)->fd);
	}
}

IOK_EXPORT void iok_iommufd_close(struct iok_iommufd *ictx)
{
	unsigned int destroyed;
	struct ifd_obj *obj;
	uint32_t id;

	if (!ictx)
		return;
	release_holders(ictx);
	/* Leaf objects drop their users' counts: repeat until nothing is left. */
	do {
		destroyed = 0;
		for (id = 1; id < ictx->alloc_objs; id++) {
			obj = ictx->objs[id];
			if (obj && obj->users == 1 && !ifd_obj_destroy(ictx, obj))
				destroyed++;
		}
	} while (destroyed);
	if (ifd_has_objects(ictx))
		warn(ictx->ctx, "iommufd: objects left at close (a use count is wrong)");
	free(ictx->objs);
	free(ictx);
}

/* ---- settings and introspection ------------------------------------------ */

IOK_EXPORT int iok_iommufd_set_fabric(struct iok_iommufd *ictx, struct iok_fabric *f)
{
	if (!ictx || (f && iok_fabric_get_machine(f) != ictx->m))
		return -EINVAL;
	ictx->fabric = f;
	return 0;
}

IOK_EXPORT int iok_iommufd_set_sva(struct iok_iommufd *ictx, struct iok_sva *sva)
{
	if (!ictx || (sva && iok_sva_get_machine(sva) != ictx->m))
		return -EINVAL;
	ictx->sva = sva;
	return 0;
}

IOK_EXPORT int iok_iommufd_set_memlock_limit(struct iok_iommufd *ictx, uint64_t bytes)
{
	if (!ictx)
		return -EINVAL;
	ictx->memlock_pages = bytes / IFD_PAGE_SIZE;
	return 0;
}

IOK_EXPORT uint64_t iok_iommufd_get_pinned_pages(const struct iok_iommufd *ictx)
{
	return ictx ? ictx->pinned : 0;
}

IOK_EXPORT int iok_iommufd_get_obj_type(const struct iok_iommufd *ictx, uint32_t id,
					unsigned int *users)
{
	struct ifd_obj *obj;

	if (!ictx)
		return -EINVAL;
	obj = ifd_obj_get(ictx, id, IOK_IOMMUFD_OBJ_NONE);
	if (!obj)
		return -ENOENT;
	if (users)
		*users = obj->users;
	return obj->type;
}

IOK_EXPORT int iok_iommufd_hwpt_get_domain(const struct iok_iommufd *ictx, uint32_t hwpt_id,
					   struct iok_domain **out)
{
	struct ifd_hwpt *hwpt;

	if (!ictx || !out)
		return -EINVAL;
	hwpt = ifd_get_hwpt_paging(ictx, hwpt_id);
	if (!hwpt)
		return -ENOENT;
	*out = hwpt->domain;
	return 0;
}
