// SPDX-License-Identifier: MIT
/*
 * A simulated user process: an fd table whose files are VFIO containers,
 * groups and devices or sysfs files, with file reference counting as the
 * VFS does it (a device fd holds its group's file), the ioctl entry, and
 * anonymous memory whose pages have physical frames for type1 to pin.
 * Descriptors 0-2 are taken, as in any process.
 */
#include "lib/uapi/uapi-private.h"

#define MAX_FDS		1024
#define USER_VA_BASE	0x7f0000000000ull
#define PAGE_4K		0x1000ull

static struct proc_file *file_new(enum file_kind kind)
{
	struct proc_file *f = calloc(1, sizeof(*f));

	if (f) {
		f->kind = kind;
		f->refs = 1;
	}
	return f;
}

void iok_file_put(struct proc_file *f)
{
	if (!f || --f->refs)
		return;
	switch (f->kind) {
	case F_SYSFS:
		iok_sysfs_close(f->sysfs);
		break;
	case F_CONTAINER:
		iok_vfio_container_put(f->container);
		break;
	case F_GROUP:
		iok_vfio_group_release(f->group);
		break;
	case F_DEVICE:
		iok_vfio_device_close(f->device, f->group_file);
		break;
	}
	free(f);
}

/* ---- lifetime ------------------------------------------------------------ */

IOK_EXPORT int iok_proc_new(struct iok_sysfs *sf, struct iok_proc **out)
{
	struct iok_proc **procs, *p;
	unsigned int i;

	if (!sf || !out)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	procs = realloc(sf->procs, (sf->nr_procs + 1) * sizeof(*procs));
	if (procs)
		sf->procs = procs;
	if (!p || !procs)
		goto nomem;
	p->sf = sf;
	p->next_va = USER_VA_BASE;
	p->fds = calloc(3, sizeof(*p->fds));
	if (!p->fds)
		goto nomem;
	p->nr_fds = 3;
	/* stdin, stdout, stderr: open, but nothing VFIO knows. */
	for (i = 0; i < 3; i++) {
		p->fds[i] = file_new(F_SYSFS);
		if (!p->fds[i])
			goto nomem;
	}
	sf->procs[sf->nr_procs++] = p;
	*out = p;
	return 0;
nomem:
	if (p && p->fds)
		for (i = 0; i < 3; i++)
			free(p->fds[i]);
	if (p)
		free(p->fds);
	free(p);
	return -ENOMEM;
}

IOK_EXPORT void iok_proc_free(struct iok_proc *p)
{
	struct iok_sysfs *sf;
	unsigned int i;

	if (!p)
		return;
	/* exit(): every descriptor closed in order. */
	for (i = 0; i < p->nr_fds; i++) {
		struct proc_file *f = p->fds[i];

		p->fds[i] = NULL;
		iok_file_put(f);
	}
	free(p->fds);
	free(p->vmas);
	sf = p->sf;
	for (i = 0; i < sf->nr_procs && sf->procs[i] != p; i++)
		;
	if (i < sf->nr_procs) {
		memmove(&sf->procs[i], &sf->procs[i + 1], (sf->nr_procs - i - 1) * sizeof(*sf->procs));
		sf->nr_procs--;
	}
	free(p);
}

/* ---- descriptors ------------------------------------------------------------ */

int iok_proc_install(struct iok_proc *p, struct proc_file *f)
{
	unsigned int fd;

	for (fd = 0; fd < p->nr_fds && p->fds[fd]; fd++)
		;
	if (fd == MAX_FDS)
		return iok_fail(p->sf->ctx, -EMFILE, "%u files open", MAX_FDS);
	if (fd == p->nr_fds) {
		unsigned int n = p->nr_fds * 2 < MAX_FDS ? p->nr_fds * 2 : MAX_FDS;
		struct proc_file **fds = realloc(p->fds, n * sizeof(*fds));

		if (!fds)
			return -ENOMEM;
		memset(fds + p->nr_fds, 0, (n - p->nr_fds) * sizeof(*fds));
		p->fds = fds;
		p->nr_fds = n;
	}
	p->fds[fd] = f;
	return fd;
}

struct proc_file *iok_proc_file(const struct iok_proc *p, int fd)
{
	if (fd < 0 || (unsigned int)fd >= p->nr_fds)
		return NULL;
	return p->fds[fd];
}

/* "/dev/vfio/X" -> "X" (NULL for other paths), tolerating "//" and "/./". */
static const char *vfio_node(const char *path, char *buf, size_t len)
{
	const char *want[] = { "dev", "vfio" };
	unsigned int n = 0;
	const char *p = path;

	buf[0] = 0;
	while (*p) {
		size_t l;

		p += strspn(p, "/");
		l = strcspn(p, "/");
		if (!l)
			break;
		if (l == 1 && *p == '.') {
			p += l;
			continue;
		}
		if (n < 2) {
			if (strlen(want[n]) != l || strncmp(p, want[n], l))
				return NULL;
		} else if (n == 2 && l < len) {
			memcpy(buf, p, l);
			buf[l] = 0;
		} else {
			return NULL;
		}
		n++;
		p += l;
	}
	return n == 3 ? buf : NULL;
}

static int open_vfio(struct iok_proc *p, const char *node, struct proc_file **out)
{
	struct iok_vfio *v = p->sf->vfio;
	struct vfio_group *g = NULL;
	struct proc_file *f;
	char *end;
	long id;
	int rc;

	if (!strcmp(node, "vfio")) {
		f = file_new(F_CONTAINER);
		if (!f)
			return -ENOMEM;
		f->container = iok_vfio_container_new(v);
		if (!f->container) {
			free(f);
			return -ENOMEM;
		}
		*out = f;
		return 0;
	}
	id = strtol(node, &end, 10);
	if (*node && !*end && node[0] != '-' && node[0] != '+')
		g = iok_vfio_find_group(v, (int)id);
	if (!g)
		return iok_fail(p->sf->ctx, -ENOENT, "/dev/vfio/%s: no such file", node);
	f = file_new(F_GROUP);
	if (!f)
		return -ENOMEM;
	rc = iok_vfio_group_open(g, f);
	if (rc) {
		free(f);
		return rc;
	}
	f->group = g;
	*out = f;
	return 0;
}

IOK_EXPORT int iok_proc_open(struct iok_proc *p, const char *path, int *fd)
{
	struct proc_file *f = NULL;
	char node[64];
	int rc;

	if (!p || !path || !fd)
		return -EINVAL;
	if (p->sf->vfio && vfio_node(path, node, sizeof(node))) {
		rc = open_vfio(p, node, &f);
		if (rc)
			return rc;
	} else {
		f = file_new(F_SYSFS);
		if (!f)
			return -ENOMEM;
		rc = iok_sysfs_open(p->sf, path, IOK_O_RDWR, &f->sysfs);
		if (rc) {
			free(f);
			return rc;
		}
	}
	rc = iok_proc_install(p, f);
	if (rc < 0) {
		iok_file_put(f);
		return rc;
	}
	*fd = rc;
	return 0;
}

IOK_EXPORT int iok_proc_close(struct iok_proc *p, int fd)
{
	struct proc_file *f;

	if (!p)
		return -EINVAL;
	f = iok_proc_file(p, fd);
	if (!f)
		return -EBADF;
	p->fds[fd] = NULL;
	iok_file_put(f);
	return 0;
}

/* VFIO_GROUP_GET_DEVICE_FD: the device file holds the group file. */
long iok_vfio_group_get_device_fd(struct iok_proc *p, struct vfio_group *g, const char *name)
{
	struct vfio_device *vd;
	struct proc_file *f;
	int rc;

	rc = iok_vfio_device_get(g, name, &vd);
	if (rc)
		return rc;
	if (!g->container || !g->container->iommu || !g->container_users)
		return iok_fail(p->sf->ctx, -EINVAL, "VFIO group %d: %s", g->id,
				g->container ? "no IOMMU backend chosen (SET_IOMMU)" : "no container");
	f = file_new(F_DEVICE);
	if (!f)
		return -ENOMEM;
	f->device = vd;
	f->group_file = g->opened_file;
	rc = iok_proc_install(p, f);
	if (rc < 0) {
		free(f);
		return rc;
	}
	f->group_file->refs++;
	g->container_users++;
	vd->open_count++;
	return rc;
}

/* ---- ioctl ------------------------------------------------------------------- */

static long dispatch(struct iok_proc *p, int fd, unsigned long req, void *arg, unsigned long uarg)
{
	struct proc_file *f = iok_proc_file(p, fd);
	struct iok_vfio_device_info zero = { 0 };

	if (!f)
		return iok_fail(p->sf->ctx, -EBADF, "fd %d is not open", fd);
	switch (f->kind) {
	case F_CONTAINER:
		return iok_vfio_container_ioctl(p, f->container, req, arg, uarg);
	case F_GROUP:
		return iok_vfio_group_ioctl(p, f->group, req, arg, uarg);
	case F_DEVICE:
		if (!arg && req == IOK_VFIO_DEVICE_GET_INFO) {
			if (iok_proc_user_zero(p, uarg, sizeof(zero)))
				return -EFAULT;
			arg = &zero;
		}
		return iok_vfio_device_ioctl(f->device, req, arg);
	default:
		return -ENOTTY;
	}
}

IOK_EXPORT long iok_proc_ioctl(struct iok_proc *p, int fd, unsigned long request, void *arg)
{
	if (!p)
		return -EINVAL;
	return dispatch(p, fd, request, arg, (unsigned long)(uintptr_t)arg);
}

IOK_EXPORT long iok_proc_ioctl_int(struct iok_proc *p, int fd, unsigned long request,
				   unsigned long arg)
{
	if (!p)
		return -EINVAL;
	return dispatch(p, fd, request, NULL, arg);
}

/* ---- memory ------------------------------------------------------------------- */

static const struct vma *find_vma(const struct iok_proc *p, uint64_t addr)
{
	unsigned int i;

	for (i = 0; i < p->nr_vmas; i++)
		if (addr >= p->vmas[i].start && addr - p->vmas[i].start < p->vmas[i].len)
			return &p->vmas[i];
	return NULL;
}

IOK_EXPORT int iok_proc_mmap(struct iok_proc *p, uint64_t len, uint64_t *addr)
{
	struct vma *v;

	if (!p || !addr || !len || len > (1ull << 40))
		return -EINVAL;
	len = (len + PAGE_4K - 1) & ~(PAGE_4K - 1);
	v = realloc(p->vmas, (p->nr_vmas + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	p->vmas = v;
	v = &p->vmas[p->nr_vmas++];
	v->start = p->next_va;
	v->len = len;
	/* Frames of their own, never reused: pinned pages outlive an munmap. */
	v->paddr = p->sf->next_frame;
	p->sf->next_frame += len;
	/* A guard page between areas, as mmap leaves none but helps catch overruns. */
	p->next_va += len + PAGE_4K;
	*addr = v->start;
	return 0;
}

IOK_EXPORT int iok_proc_virt_to_phys(const struct iok_proc *p, uint64_t vaddr, uint64_t *paddr)
{
	const struct vma *v;

	if (!p || !paddr)
		return -EINVAL;
	v = find_vma(p, vaddr);
	if (!v)
		return -EFAULT;
	*paddr = v->paddr + (vaddr - v->start);
	return 0;
}

int iok_proc_pin(const struct iok_proc *p, uint64_t vaddr, uint64_t len, uint64_t *paddr,
		 uint64_t *contig)
{
	const struct vma *v = find_vma(p, vaddr);
	uint64_t left;

	if (!v)
		return -EFAULT;
	left = v->len - (vaddr - v->start);
	*paddr = v->paddr + (vaddr - v->start);
	*contig = len < left ? len : left;
	return 0;
}

int iok_proc_user_zero(const struct iok_proc *p, unsigned long addr, size_t len)
{
	const struct vma *v = find_vma(p, addr);

	if (!v || !len || len > v->len - (addr - v->start))
		return -EFAULT;
	return 0;
}
