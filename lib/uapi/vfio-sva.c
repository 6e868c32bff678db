// SPDX-License-Identifier: MIT
/*
 * A process bound to a VFIO container: VFIO_IOMMU_BIND/UNBIND with
 * VFIO_IOMMU_BIND_PROCESS of Jean-Philippe Brucker's 2018 SVA series
 * (spec runtime 9.4), which Linux never merged. iommukit's extension, with
 * the series' errnos and lifetimes, built on today's group-wide SVA bind
 * (iok_sva_bind_group()): one vfio_mm per process and container, holding
 * the bond of each group of the container.
 */
#include <stdarg.h>
#include <stdio.h>

#include <iommukit/sva.h>

#include "lib/uapi/uapi-private.h"

/* One group's share of a process bond. */
struct vfio_mm_group {
	struct vfio_group *g;
	struct iok_sva_group_bond *b;
};

/* The series' struct vfio_mm: a process bound to the container. */
struct vfio_mm {
	struct iok_mm *mm;
	uint32_t pasid;
	struct vfio_mm_group *groups;
	unsigned int nr_groups;
	struct vfio_mm *next;
};

static struct iok_ctx *CTX(const struct vfio_container *c)
{
	return c->v->sf->ctx;
}

/* A failure's message survives the undoing that follows it. */
struct saved_msg {
	char text[sizeof(((struct iok_ctx *)0)->error)];
};

static void msg_save(const struct vfio_container *c, struct saved_msg *s)
{
	memcpy(s->text, CTX(c)->error, sizeof(s->text));
}

static void msg_restore(const struct vfio_container *c, const struct saved_msg *s)
{
	memcpy(CTX(c)->error, s->text, sizeof(s->text));
}

/* "PREFIX: " before the recorded message; returns @err. */
static __attribute__((format(printf, 3, 4)))
int prefix(const struct vfio_container *c, int err, const char *fmt, ...)
{
	char buf[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return iok_fail_prefix(CTX(c), err, buf);
}

/* ---- one group ------------------------------------------------------------ */

/*
 * iommu_sva_device_init(dev, IOMMU_SVA_FEAT_IOPF, ...) as VFIO called it for
 * each device: no SVA in the driver is -ENODEV; then the SMMU's checks, no
 * SSID bits (PASIDs) or no way to fault (PRI), -EINVAL.
 */
static int device_init(struct vfio_container *c, struct vfio_group *g, struct iok_dev *dev)
{
	struct iok_pasid_info in;
	int rc;

	rc = iok_dev_get_pasid_info(c->v->sf->m, dev, &in);
	if (rc)
		return rc;
	if (in.reason == IOK_PASID_NO_IOMMU)
		return iok_fail(CTX(c), -ENODEV, "group %d: %s: its IOMMU driver has no SVA",
				g->id, iok_dev_get_name(dev));
	if (!in.max_pasids)
		return iok_fail(CTX(c), -EINVAL, "group %d: %s has no PASIDs (%s)", g->id,
				iok_dev_get_name(dev), iok_pasid_reason_name(in.reason));
	if (!in.pri)
		return iok_fail(CTX(c), -EINVAL,
				"group %d: %s cannot fault (no PRI): VFIO binds need I/O page faults",
				g->id, iok_dev_get_name(dev));
	return 0;
}

/* vfio_iommu_bind_group(): every device of the group, or none. */
static int bind_group(struct vfio_container *c, struct vfio_mm *vm, struct vfio_group *g)
{
	unsigned int i, n = iok_rgroup_count_devs(g->rg);
	struct vfio_mm_group *grown;
	struct iok_sva_group_bond *b;
	int rc;

	for (i = 0; i < n; i++) {
		rc = device_init(c, g, iok_rgroup_get_dev(g->rg, i));
		if (rc)
			return rc;
	}
	grown = realloc(vm->groups, (vm->nr_groups + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	vm->groups = grown;
	rc = iok_sva_bind_group(g->rg, vm->mm, &b);
	if (rc)
		return prefix(c, rc, "group %u", (unsigned int)g->id);
	vm->groups[vm->nr_groups].g = g;
	vm->groups[vm->nr_groups].b = b;
	vm->nr_groups++;
	vm->pasid = iok_sva_group_bond_get_pasid(b);
	return 0;
}

static struct vfio_mm_group *find_group(struct vfio_mm *vm, const struct vfio_group *g)
{
	unsigned int i;

	for (i = 0; i < vm->nr_groups; i++)
		if (vm->groups[i].g == g)
			return &vm->groups[i];
	return NULL;
}

static void unbind_group(struct vfio_mm *vm, struct vfio_mm_group *e)
{
	iok_sva_unbind_group(e->b);
	*e = vm->groups[--vm->nr_groups];
}

/* ---- processes ------------------------------------------------------------ */

static struct vfio_mm *find_mm(const struct vfio_container *c, const struct iok_mm *mm)
{
	struct vfio_mm *vm;

	for (vm = c->mms; vm; vm = vm->next)
		if (vm->mm == mm)
			return vm;
	return NULL;
}

/* vfio_iommu_unbind() and the free: every group of the process, newest first. */
static void vm_free(struct vfio_mm *vm)
{
	while (vm->nr_groups)
		unbind_group(vm, &vm->groups[vm->nr_groups - 1]);
	free(vm->groups);
	free(vm);
}

static void vm_unlink(struct vfio_container *c, struct vfio_mm *vm)
{
	struct vfio_mm **pp;

	for (pp = &c->mms; *pp != vm; pp = &(*pp)->next)
		;
	*pp = vm->next;
}

/* vfio_iommu_type1_bind_process() once the mm is known. */
static int bind_mm(struct vfio_container *c, struct iok_mm *mm, uint32_t *pasid)
{
	struct saved_msg msg;
	struct vfio_mm *vm;
	struct vfio_group *g;
	int rc;

	if (iok_mm_has_exited(mm))
		return iok_fail(CTX(c), -EINVAL, "VFIO_IOMMU_BIND: the process has exited");
	vm = find_mm(c, mm);
	if (vm) {
		*pasid = vm->pasid;
		return 0;
	}
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->mm = mm;
	vm->pasid = IOK_PASID_INVALID;
	for (g = c->groups; g; g = g->next_in_container) {
		rc = bind_group(c, vm, g);
		if (rc) {
			iok_fail_prefix(CTX(c), rc, "VFIO_IOMMU_BIND");
			msg_save(c, &msg);
			vm_free(vm);
			msg_restore(c, &msg);
			return rc;
		}
	}
	vm->next = c->mms;
	c->mms = vm;
	*pasid = vm->pasid;
	return 0;
}

static int unbind_mm(struct vfio_container *c, struct iok_mm *mm)
{
	struct vfio_mm *vm = find_mm(c, mm);

	if (!vm)
		return iok_fail(CTX(c), -ESRCH, "VFIO_IOMMU_UNBIND: the process is not bound");
	vm_unlink(c, vm);
	vm_free(vm);
	return 0;
}

/* ---- the backend's group list ----------------------------------------------- */

/*
 * vfio_iommu_replay_bind(): a group joining the backend is bound to every
 * process bound already, skipping those that exited (mmget_not_zero()).
 */
int iok_vfio_sva_attach_group(struct vfio_container *c, struct vfio_group *g)
{
	struct saved_msg msg;
	struct vfio_mm *vm, *undo;
	int rc;

	for (vm = c->mms; vm; vm = vm->next) {
		if (iok_mm_has_exited(vm->mm))
			continue;
		rc = bind_group(c, vm, g);
		if (!rc)
			continue;
		prefix(c, rc, "binding PASID %u of a process bound to the container", vm->pasid);
		msg_save(c, &msg);
		for (undo = c->mms; undo != vm; undo = undo->next) {
			struct vfio_mm_group *e = find_group(undo, g);

			if (e)
				unbind_group(undo, e);
		}
		iok_type1_detach_group(c->iommu, g->rg);
		msg_restore(c, &msg);
		return rc;
	}
	return 0;
}

void iok_vfio_sva_detach_group(struct vfio_container *c, struct vfio_group *g)
{
	struct vfio_mm *vm;

	for (vm = c->mms; vm; vm = vm->next) {
		struct vfio_mm_group *e = find_group(vm, g);

		if (e)
			unbind_group(vm, e);
	}
}

/* vfio_iommu_free_all_mm(): the groups are gone, and their bonds with them. */
void iok_vfio_sva_release(struct vfio_container *c)
{
	while (c->mms) {
		struct vfio_mm *vm = c->mms;

		c->mms = vm->next;
		vm_free(vm);
	}
}

/* ---- the ioctls ------------------------------------------------------------- */

/* The process the request names: the caller's own, or one by PID. */
static int request_mm(struct iok_proc *p, struct vfio_container *c,
		      const struct iok_vfio_iommu_type1_bind_process *bp, struct iok_mm **out)
{
	if (bp->flags & IOK_VFIO_IOMMU_BIND_PID)
		return iok_fail(CTX(c), -ESRCH, "no process %d: the model's processes have no PIDs",
				bp->pid);
	/* get_task_mm(current): none, or none any more. */
	if (!p->mm || iok_mm_has_exited(p->mm))
		return iok_fail(CTX(c), -EINVAL, "the calling process has no address space");
	*out = p->mm;
	return 0;
}

long iok_vfio_sva_ioctl(struct iok_proc *p, struct vfio_container *c, unsigned long req,
			void *arg, unsigned long uarg)
{
	const char *name = req == IOK_VFIO_IOMMU_BIND ? "VFIO_IOMMU_BIND" : "VFIO_IOMMU_UNBIND";
	struct iok_vfio_iommu_type1_bind hdr;
	struct iok_vfio_iommu_type1_bind_process bp;
	struct iok_mm *mm = NULL;
	uint32_t pasid;
	int rc;

	/* Fresh user memory reads as zeros: an argsz of 0. */
	if (!arg)
		return iok_proc_user_zero(p, uarg, sizeof(hdr)) ? -EFAULT : -EINVAL;
	memcpy(&hdr, arg, sizeof(hdr));
	if (hdr.argsz < sizeof(hdr) || hdr.flags != IOK_VFIO_IOMMU_BIND_PROCESS)
		return iok_fail(CTX(c), -EINVAL, "%s: argsz %u, mode 0x%x (BIND_PROCESS is 0x%x)",
				name, hdr.argsz, hdr.flags, IOK_VFIO_IOMMU_BIND_PROCESS);
	if (hdr.argsz < sizeof(hdr) + sizeof(bp))
		return iok_fail(CTX(c), -EINVAL, "%s: argsz %u is below %zu", name, hdr.argsz,
				sizeof(hdr) + sizeof(bp));
	memcpy(&bp, (const char *)arg + sizeof(hdr), sizeof(bp));
	if (bp.flags & ~IOK_VFIO_IOMMU_BIND_PID)
		return iok_fail(CTX(c), -EINVAL, "%s: unknown flags 0x%x", name, bp.flags);
	rc = request_mm(p, c, &bp, &mm);
	if (rc)
		return rc;
	if (req == IOK_VFIO_IOMMU_UNBIND)
		return unbind_mm(c, mm);
	rc = bind_mm(c, mm, &pasid);
	if (rc)
		return rc;
	bp.pasid = pasid;
	memcpy((char *)arg + sizeof(hdr), &bp, sizeof(bp));
	return 0;
}

/* ---- the library calls ------------------------------------------------------ */

IOK_EXPORT int iok_proc_set_mm(struct iok_proc *p, struct iok_mm *mm)
{
	if (!p)
		return -EINVAL;
	p->mm = mm;
	return 0;
}

/* The container behind @fd, as the ioctl path finds it, with its backend. */
static int container_of_fd(struct iok_proc *p, int fd, struct iok_mm *mm,
			   struct vfio_container **out)
{
	struct proc_file *f;

	if (!p || !mm)
		return -EINVAL;
	f = iok_proc_file(p, fd);
	if (!f)
		return iok_fail(p->sf->ctx, -EBADF, "fd %d is not open", fd);
	if (f->kind != F_CONTAINER)
		return iok_fail(p->sf->ctx, -ENOTTY, "fd %d is not a VFIO container", fd);
	if (!f->container->iommu)
		return iok_fail(p->sf->ctx, -EINVAL, "the container has no IOMMU backend");
	*out = f->container;
	return 0;
}

IOK_EXPORT int iok_vfio_container_bind_mm(struct iok_proc *p, int fd, struct iok_mm *mm,
					  uint32_t *pasid)
{
	struct vfio_container *c;
	int rc;

	if (!pasid)
		return -EINVAL;
	rc = container_of_fd(p, fd, mm, &c);
	return rc ? rc : bind_mm(c, mm, pasid);
}

IOK_EXPORT int iok_vfio_container_unbind_mm(struct iok_proc *p, int fd, struct iok_mm *mm)
{
	struct vfio_container *c;
	int rc = container_of_fd(p, fd, mm, &c);

	return rc ? rc : unbind_mm(c, mm);
}
