// SPDX-License-Identifier: MIT
/*
 * VFIO core of Linux 6.1 (drivers/vfio/vfio_main.c) and vfio-pci: a VFIO
 * group exists while a vfio-pci device of its IOMMU group is registered
 * (/dev/vfio/N), has a single opener, answers GET_STATUS from the DMA
 * ownership layer (spec runtime 4.4), and hands out device fds. A device
 * unregisters when vfio-pci is unbound; with a device fd open the unbind
 * blocks until the last one closes. The last device going tears the group
 * down: its container is detached and an fd still open on it answers
 * -ENODEV (spec runtime 8.7).
 */
#include <stdio.h>

#include "lib/uapi/uapi-private.h"

#define VFIO_PCI_NUM_REGIONS	9	/* BAR0-5, ROM, config, VGA */
#define VFIO_PCI_NUM_IRQS	5	/* INTx, MSI, MSI-X, ERR, REQ */
#define PCI_CAP_ID_PM		0x01
#define PCI_CAP_ID_EXP		0x10
#define PCI_PM_CTRL_NO_SOFT_RESET 0x0008
#define PCI_EXP_DEVCAP_FLR	0x10000000

static const struct drv_model vfio_pci_model = {
	.name = "vfio-pci", .managed_dma = true, .override_only = true,
};

static struct iok_machine *M_(const struct iok_vfio *v)
{
	return v->sf->m;
}

/* ---- groups ---------------------------------------------------------------- */

struct vfio_group *iok_vfio_find_group(const struct iok_vfio *v, int id)
{
	struct vfio_group *g;

	if (!v)
		return NULL;
	for (g = v->groups; g; g = g->next)
		if (g->id == id)
			return g;
	return NULL;
}

static void unlink_group(struct vfio_group **head, struct vfio_group *g)
{
	struct vfio_group **pp;

	for (pp = head; *pp && *pp != g; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = g->next;
}

void iok_vfio_group_put(struct vfio_group *g)
{
	if (--g->refs)
		return;
	unlink_group(g->listed ? &g->v->groups : &g->v->dead, g);
	free(g);
}

static struct vfio_group *group_get_or_new(struct iok_vfio *v, struct iok_rgroup *rg)
{
	struct vfio_group *g;

	for (g = v->groups; g; g = g->next)
		if (g->rg == rg)
			return g;
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->v = v;
	g->rg = rg;
	g->id = iok_rgroup_get_id(rg);
	g->refs = 1;
	g->listed = true;
	g->next = v->groups;
	v->groups = g;
	return g;
}

/* vfio_device_remove_group() of the last device: revoke every user of the group. */
static void group_teardown(struct vfio_group *g)
{
	struct iok_vfio *v = g->v;

	unlink_group(&v->groups, g);
	g->listed = false;
	g->next = v->dead;
	v->dead = g;
	if (g->container)
		iok_vfio_group_detach_container(g);
	g->rg = NULL;
	iok_vfio_group_put(g);
}

int iok_vfio_group_open(struct vfio_group *g, struct proc_file *f)
{
	struct iok_ctx *ctx = g->v->sf->ctx;

	if (!g->drivers)
		return iok_fail(ctx, -ENODEV, "VFIO group %d is going away", g->id);
	/* One opener: the group file is the handle of its ownership. */
	if (g->opened_file)
		return iok_fail(ctx, -EBUSY, "VFIO group %d is open already", g->id);
	g->opened_file = f;
	g->refs++;
	return 0;
}

/* The group file's last reference went (fd closed, no device fd left). */
void iok_vfio_group_release(struct vfio_group *g)
{
	if (g->container)
		iok_vfio_group_detach_container(g);
	g->opened_file = NULL;
	iok_vfio_group_put(g);
}

/* ---- devices and vfio-pci -------------------------------------------------- */

static struct vfio_device *find_device(const struct iok_vfio *v, const struct iok_dev *dev)
{
	struct vfio_group *g;
	struct vfio_device *vd;

	for (g = v->groups; g; g = g->next)
		for (vd = g->devices; vd; vd = vd->next)
			if (vd->dev == dev)
				return vd;
	return NULL;
}

/* pci_probe_reset_function(): FLR, PM reset, or a bus reset of a lone device. */
static bool reset_works(const struct iok_vfio *v, const struct iok_dev *dev)
{
	const struct iok_dev *parent = iok_dev_get_parent(dev);
	struct iok_dev *d;
	int pos = iok_dev_find_cap(dev, PCI_CAP_ID_EXP);
	uint32_t val;

	if (pos > 0 && !iok_dev_read_cfg(dev, pos + 4, 4, &val) && (val & PCI_EXP_DEVCAP_FLR))
		return true;
	pos = iok_dev_find_cap(dev, PCI_CAP_ID_PM);
	if (pos > 0 && !iok_dev_read_cfg(dev, pos + 4, 2, &val) &&
	    !(val & PCI_PM_CTRL_NO_SOFT_RESET))
		return true;
	if (!parent || iok_dev_is_bridge(dev))
		return false;
	iok_dev_foreach(iok_machine_get_topo(M_(v)), d)
		if (d != dev && iok_dev_get_parent(d) == parent &&
		    iok_dev_get_busnr(d) == iok_dev_get_busnr(dev) &&
		    iok_machine_dev_is_present(M_(v), d))
			return false;
	return true;
}

/* vfio_pci_probe() and vfio_register_group_dev(). */
static int vfio_pci_probe(void *arg, struct iok_dev *dev)
{
	struct iok_vfio *v = arg;
	struct iok_ctx *ctx = v->sf->ctx;
	struct iok_rgroup *rg;
	struct vfio_device *vd;
	struct vfio_group *g;

	if (iok_dev_get_header_layout(dev) != 0)
		return iok_fail(ctx, -EINVAL, "vfio-pci: probe of %s failed with error -22 "
				"(header type %u is not a normal device)", iok_dev_get_name(dev),
				iok_dev_get_header_layout(dev));
	rg = iok_dev_get_rgroup(M_(v), dev);
	if (!rg)
		return iok_fail(ctx, -EINVAL, "vfio-pci: %s has no IOMMU group",
				iok_dev_get_name(dev));
	vd = calloc(1, sizeof(*vd));
	if (!vd)
		return -ENOMEM;
	g = group_get_or_new(v, rg);
	if (!g) {
		free(vd);
		return -ENOMEM;
	}
	vd->group = g;
	vd->dev = dev;
	vd->registered = true;
	vd->reset_works = reset_works(v, dev);
	vd->next = g->devices;
	g->devices = vd;
	g->drivers++;
	return 0;
}

/* The rest of vfio_unregister_group_dev(), once no fd holds the device. */
static void device_unregister(struct vfio_device *vd)
{
	struct vfio_group *g = vd->group;
	struct vfio_device **pp;

	for (pp = &g->devices; *pp != vd; pp = &(*pp)->next)
		;
	*pp = vd->next;
	free(vd);
	if (!--g->drivers)
		group_teardown(g);
}

static int vfio_pci_remove(void *arg, struct iok_dev *dev)
{
	struct vfio_device *vd = find_device(arg, dev);

	if (!vd)
		return 0;
	/* No new device fds; the remove waits for the open ones. */
	vd->registered = false;
	if (vd->open_count)
		return IOK_SYSFS_BLOCKED;
	device_unregister(vd);
	return 0;
}

static bool vfio_pci_would_block(void *arg, struct iok_dev *dev)
{
	struct vfio_device *vd = find_device(arg, dev);

	return vd && vd->open_count;
}

/*
 * vfio_pci_core_match(): the device's name, optionally followed by blanks
 * and a vf_token, which a device that is neither PF nor VF refuses.
 * Return: 1 match, 0 no match, -EINVAL.
 */
static int name_match(const struct vfio_device *vd, const char *name)
{
	const char *own = iok_dev_get_name(vd->dev);
	size_t len = strlen(own);

	if (strncmp(own, name, len))
		return 0;
	name += len;
	if (*name && *name != ' ')
		return 0;
	name += strspn(name, " ");
	return *name ? -EINVAL : 1;
}

/* vfio_device_get_from_name(): a device whose unregistration began is not found. */
int iok_vfio_device_get(struct vfio_group *g, const char *name, struct vfio_device **out)
{
	struct vfio_device *vd;

	for (vd = g->devices; vd; vd = vd->next) {
		int m = name_match(vd, name);

		if (m < 0)
			return iok_fail(g->v->sf->ctx, -EINVAL, "'%s': a vf_token, but %s is no PF or VF",
					name, iok_dev_get_name(vd->dev));
		if (m && vd->registered) {
			*out = vd;
			return 0;
		}
	}
	return iok_fail(g->v->sf->ctx, -ENODEV, "VFIO group %d has no device '%s'", g->id, name);
}

/*
 * The device fd's release: the container user and the group file it held
 * go first, then the registration, which lets a blocked unbind finish.
 */
void iok_vfio_device_close(struct vfio_device *vd, struct proc_file *group_file)
{
	struct iok_sysfs *sf = vd->group->v->sf;
	struct iok_dev *dev = vd->dev;

	vd->open_count--;
	vd->group->container_users--;
	iok_file_put(group_file);
	if (vd->open_count || vd->registered)
		return;
	device_unregister(vd);
	iok_sysfs_release_done(sf, dev);
}

long iok_vfio_device_ioctl(struct vfio_device *vd, unsigned long req, void *arg)
{
	struct iok_vfio_device_info *info = arg;

	switch (req) {
	case IOK_VFIO_DEVICE_GET_INFO:
		if (!info)
			return -EFAULT;
		if (info->argsz < offsetof(struct iok_vfio_device_info, cap_offset))
			return -EINVAL;
		info->flags = IOK_VFIO_DEVICE_FLAGS_PCI |
			      (vd->reset_works ? IOK_VFIO_DEVICE_FLAGS_RESET : 0);
		info->num_regions = VFIO_PCI_NUM_REGIONS;
		info->num_irqs = VFIO_PCI_NUM_IRQS;
		if (info->argsz >= offsetof(struct iok_vfio_device_info, pad))
			info->cap_offset = 0;
		return 0;
	case IOK_VFIO_DEVICE_RESET:
		return vd->reset_works ? 0 : -EINVAL;
	default:
		return -ENOTTY;
	}
}

/* ---- the group file's ioctls ----------------------------------------------- */

/*
 * group->iommu_group, or NULL once torn down. The core family can unplug a
 * device behind the driver core's back (hotremove): a group none of whose
 * devices is in it any more counts as torn down, so that it is never used.
 */
static struct iok_rgroup *group_rg(const struct vfio_group *g)
{
	struct iok_machine *m = M_(g->v);
	const struct vfio_device *vd;

	if (!g->rg)
		return NULL;
	for (vd = g->devices; vd; vd = vd->next)
		if (iok_machine_dev_is_present(m, vd->dev) &&
		    iok_dev_get_rgroup(m, vd->dev) == g->rg)
			return g->rg;
	return NULL;
}

static long group_get_status(struct vfio_group *g, struct iok_vfio_group_status *st)
{
	if (st->argsz < sizeof(*st))
		return -EINVAL;
	st->flags = 0;
	if (!group_rg(g))
		return iok_fail(g->v->sf->ctx, -ENODEV, "VFIO group %d was torn down", g->id);
	if (g->container)
		st->flags = IOK_VFIO_GROUP_FLAGS_CONTAINER_SET | IOK_VFIO_GROUP_FLAGS_VIABLE;
	else if (!iok_group_dma_owner_claimed(g->rg))
		st->flags = IOK_VFIO_GROUP_FLAGS_VIABLE;
	return 0;
}

static long group_set_container(struct iok_proc *p, struct vfio_group *g, int fd)
{
	struct iok_sysfs *sf = g->v->sf;
	struct proc_file *f = iok_proc_file(p, fd);

	if (!f)
		return iok_fail(sf->ctx, -EBADF, "fd %d is not open", fd);
	if (g->container || g->container_users)
		return iok_fail(sf->ctx, -EINVAL, "VFIO group %d is in a container already", g->id);
	if (!group_rg(g))
		return iok_fail(sf->ctx, -ENODEV, "VFIO group %d was torn down", g->id);
	if (f->kind != F_CONTAINER)
		/* Later kernels look for an iommufd too: "The FD passed is not recognized". */
		return iok_fail(sf->ctx, sf->kernel <= KERNEL_6_1 ? -EINVAL : -EBADFD,
				"fd %d is not a VFIO container", fd);
	return iok_vfio_container_attach_group(f->container, g);
}

static long group_unset_container(struct vfio_group *g)
{
	struct iok_ctx *ctx = g->v->sf->ctx;

	if (!g->container)
		return iok_fail(ctx, -EINVAL, "VFIO group %d has no container", g->id);
	if (g->container_users != 1)
		return iok_fail(ctx, -EBUSY, "VFIO group %d: %u device fds are open", g->id,
				g->container_users - 1);
	iok_vfio_group_detach_container(g);
	return 0;
}

long iok_vfio_group_ioctl(struct iok_proc *p, struct vfio_group *g, unsigned long req,
			  void *arg, unsigned long uarg)
{
	struct iok_vfio_group_status zero_st = { 0 };
	int fd = 0;

	switch (req) {
	case IOK_VFIO_GROUP_GET_STATUS:
		if (!arg) {
			if (iok_proc_user_zero(p, uarg, sizeof(zero_st)))
				return -EFAULT;
			arg = &zero_st;
		}
		return group_get_status(g, arg);
	case IOK_VFIO_GROUP_SET_CONTAINER:
		if (arg)
			fd = *(int32_t *)arg;
		else if (iok_proc_user_zero(p, uarg, sizeof(int32_t)))
			return -EFAULT;
		return group_set_container(p, g, fd);
	case IOK_VFIO_GROUP_UNSET_CONTAINER:
		return group_unset_container(g);
	case IOK_VFIO_GROUP_GET_DEVICE_FD:
		if (!arg) {
			if (iok_proc_user_zero(p, uarg, 1))
				return -EFAULT;
			arg = "";
		}
		return iok_vfio_group_get_device_fd(p, g, arg);
	default:
		return -ENOTTY;
	}
}

/* ---- module -------------------------------------------------------------------- */

int iok_vfio_sysfs_readdir_dev(struct iok_vfio *v, int (*fn)(const char *, void *), void *arg)
{
	struct vfio_group *g;
	char buf[16];
	int rc;

	for (g = v->groups; g; g = g->next) {
		snprintf(buf, sizeof(buf), "%d", g->id);
		rc = fn(buf, arg);
		if (rc)
			return rc;
	}
	return 0;
}

IOK_EXPORT int iok_vfio_new(struct iok_sysfs *sf, struct iok_vfio **out)
{
	struct iok_vfio *v;
	int rc;

	if (!sf || !out)
		return -EINVAL;
	if (sf->vfio)
		return iok_fail(sf->ctx, -EBUSY, "VFIO is loaded already");
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->sf = sf;
	v->dma_entry_limit = 65535;
	v->pci_hooks.probe = vfio_pci_probe;
	v->pci_hooks.remove = vfio_pci_remove;
	v->pci_hooks.would_block = vfio_pci_would_block;
	v->pci_hooks.arg = v;
	rc = iok_sf_register_driver(sf, &vfio_pci_model, &v->pci_hooks, true);
	if (rc) {
		free(v);
		return rc;
	}
	sf->vfio = v;
	*out = v;
	return 0;
}

/* The driver core goes: its processes have exited, so no file holds a group. */
void iok_vfio_free(struct iok_vfio *v)
{
	struct vfio_group *g;

	if (!v)
		return;
	while ((g = v->groups)) {
		while (g->devices) {
			struct vfio_device *vd = g->devices;

			g->devices = vd->next;
			free(vd);
		}
		v->groups = g->next;
		free(g);
	}
	while ((g = v->dead)) {
		v->dead = g->next;
		free(g);
	}
	free(v);
}
