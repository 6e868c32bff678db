// SPDX-License-Identifier: MIT
/*
 * The sysfs source: the live machine, or a copy of the parts of its /sys
 * that matter (tools/capture-sysfs.sh). The kernel's own groups come along,
 * so what it did can be compared with what the model computes.
 *
 * Every path is taken relative to a root standing for "/" so that tests and
 * bug reports can point the reader at a copied tree ($IOMMUKIT_SYSFS_ROOT).
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/topo/topo-private.h"
#include "lib/util/path.h"

struct sysfs_bdf {
	bool set;
	uint32_t domain;
	uint8_t bus, devfn;
};

/* What can only be resolved once every function has been added. */
struct sysfs_pending {
	struct iok_dev *dev;
	struct sysfs_bdf vmd;	/* the VMD endpoint the function sits below */
	struct sysfs_bdf pf;	/* the physfn link of a VF */
};

struct sysfs_reader {
	struct iok_ctx *ctx;
	struct iok_topo *topo;
	char *sys;		/* the sysfs mount: ROOT/sys, or ROOT itself */
	char *sys_real;		/* the same, symlinks resolved */
	char *base;		/* where proc/ or the capture's uname-r live */
	char *devices;		/* sys/bus/pci/devices */
	bool have_groups;	/* sys/kernel/iommu_groups exists */
	unsigned int nr_groups;
	struct sysfs_pending *pending;
	unsigned int nr_pending;
};

static bool hex_run(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Exactly Linux's PCI device name: DDDD:BB:DD.F, wider domains under VMD. */
static bool parse_pci_name(const char *s, struct sysfs_bdf *out)
{
	size_t nd = strspn(s, "0123456789abcdefABCDEF");
	unsigned long dev;

	if (nd < 4 || nd > 8 || strlen(s) != nd + 8)
		return false;
	if (s[nd] != ':' || !hex_run(s + nd + 1, 2) || s[nd + 3] != ':' ||
	    !hex_run(s + nd + 4, 2) || s[nd + 6] != '.' ||
	    s[nd + 7] < '0' || s[nd + 7] > '7')
		return false;
	dev = strtoul(s + nd + 4, NULL, 16);
	if (dev > 0x1f)
		return false;
	out->set = true;
	out->domain = strtoul(s, NULL, 16);
	out->bus = strtoul(s + nd + 1, NULL, 16);
	out->devfn = dev << 3 | (s[nd + 7] - '0');
	return true;
}

/* A small text file's first line; -ENOENT quietly when it is absent. */
static int read_line(struct iok_ctx *ctx, const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		return iok_fail(ctx, -errno, "%s: %s", path, strerror(errno));
	}
	n = read(fd, buf, len - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return iok_fail(ctx, -err, "%s: %s", path, strerror(err));
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* The last component of a link's target; -ENOENT quietly when absent. */
static int read_link_name(struct iok_ctx *ctx, const char *path, char *buf, size_t len)
{
	char target[PATH_MAX];
	const char *slash;
	ssize_t n;

	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		return iok_fail(ctx, -errno, "%s: %s", path, strerror(errno));
	}
	target[n] = 0;
	slash = strrchr(target, '/');
	slash = slash ? slash + 1 : target;
	if (!*slash || strlen(slash) >= len)
		return iok_fail(ctx, -EINVAL, "%s: link target '%s' has no usable name",
				path, target);
	strcpy(buf, slash);
	return 0;
}

/*
 * The root: an explicit one, $IOMMUKIT_SYSFS_ROOT, or "/". Either it holds
 * sys/bus/pci/devices, or it is a sysfs mount itself; in the second case
 * proc/ and the capture files are looked for next to it.
 */
static int find_root(struct sysfs_reader *r, const char *arg, char **source)
{
	_cleanup_free_ char *probe = NULL;
	const char *root = arg;
	struct stat st;

	if (!root || !*root)
		root = getenv("IOMMUKIT_SYSFS_ROOT");
	if (!root || !*root)
		root = "/";
	if (stat(root, &st))
		return iok_fail(r->ctx, -ENOENT, "sysfs root '%s' does not exist", root);
	if (!S_ISDIR(st.st_mode))
		return iok_fail(r->ctx, -ENOTDIR, "sysfs root '%s' is not a directory", root);

	probe = iok_path_join(root, "sys/bus/pci/devices");
	if (!probe)
		return -ENOMEM;
	if (iok_is_dir(probe)) {
		r->sys = iok_path_join(root, "sys");
		r->base = strdup(root);
	} else {
		free(probe);
		probe = iok_path_join(root, "bus/pci/devices");
		if (!probe)
			return -ENOMEM;
		if (!iok_is_dir(probe))
			return iok_fail(r->ctx, -ENODEV,
					"sysfs root '%s' has no PCI devices: neither %s/sys/bus/pci/devices nor %s/bus/pci/devices is a directory",
					root, root, root);
		r->sys = strdup(root);
		r->base = iok_path_join(root, "..");
	}
	r->devices = iok_path_join(r->sys, "bus/pci/devices");
	if (!r->sys || !r->base || !r->devices)
		return -ENOMEM;
	r->sys_real = realpath(r->sys, NULL);
	if (!r->sys_real)
		return iok_fail(r->ctx, -errno, "%s: %s", r->sys, strerror(errno));
	if (!strcmp(root, "/") || !strcmp(r->sys_real, "/sys"))
		*source = strdup("sysfs");
	else if (asprintf(source, "sysfs:%s", root) < 0)
		*source = NULL;
	return *source ? 0 : -ENOMEM;
}

/* The captured config space: its length is how much the reader could see. */
static int read_config(struct iok_ctx *ctx, const char *dir, uint8_t *buf,
		       unsigned int *len)
{
	_cleanup_free_ char *path = iok_path_join(dir, "config");
	size_t got = 0;
	ssize_t n = 0;
	int fd;

	if (!path)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return iok_fail(ctx, -errno, "%s: %s", path, strerror(errno));
	/* One byte more than the largest space tells "too long" from "full". */
	while (got <= IOK_CFG_MAX) {
		n = read(fd, buf + got, IOK_CFG_MAX + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	if (n < 0) {
		int err = errno;

		close(fd);
		return iok_fail(ctx, -err, "%s: %s", path, strerror(err));
	}
	close(fd);
	if (got != 64 && got != 256 && got != IOK_CFG_MAX)
		return iok_fail(ctx, -EINVAL,
				"%s: %zu%s bytes of config space; expected 64, 256 or 4096",
				path, got, got > IOK_CFG_MAX ? "+" : "");
	*len = got;
	return 0;
}

static int read_group(struct sysfs_reader *r, const char *dir, struct iok_dev *d)
{
	_cleanup_free_ char *path = iok_path_join(dir, "iommu_group");
	char name[32], *end;
	long id;
	int rc;

	if (!path)
		return -ENOMEM;
	rc = read_link_name(r->ctx, path, name, sizeof(name));
	if (rc == -ENOENT) {
		_cleanup_free_ char *unit = iok_path_join(dir, "iommu");

		d->kernel_group = r->have_groups ? -1 : -2;
		/* No "iommu" link: firmware gave the device no IOMMU unit at all. */
		if (!unit)
			return -ENOMEM;
		d->fw_no_iommu = r->nr_groups && access(unit, F_OK) != 0;
		return 0;
	}
	if (rc)
		return rc;
	errno = 0;
	id = strtol(name, &end, 10);
	if (!isdigit((unsigned char)name[0]) || *end || errno || id > INT_MAX)
		return iok_fail(r->ctx, -EINVAL,
				"%s: '%s' is not an IOMMU group number", path, name);
	d->kernel_group = id;
	return 0;
}

static int read_driver(struct sysfs_reader *r, const char *dir, struct iok_dev *d)
{
	_cleanup_free_ char *path = iok_path_join(dir, "driver");
	char name[256];
	int rc;

	if (!path)
		return -ENOMEM;
	rc = read_link_name(r->ctx, path, name, sizeof(name));
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	d->driver = strdup(name);
	return d->driver ? 0 : -ENOMEM;
}

static int read_physfn(struct sysfs_reader *r, const char *dir, struct sysfs_pending *p)
{
	_cleanup_free_ char *path = iok_path_join(dir, "physfn");
	char name[64];
	int rc;

	if (!path)
		return -ENOMEM;
	rc = read_link_name(r->ctx, path, name, sizeof(name));
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	if (!parse_pci_name(name, &p->pf))
		return iok_fail(r->ctx, -EINVAL, "%s: '%s' is not a PCI device name",
				path, name);
	return 0;
}

/*
 * A VMD domain's functions live below the VMD endpoint's directory
 * (.../0000:00:0e.0/pci10000:e0/10000:e0:1a.0): the last component that
 * names a function of another domain is the endpoint they DMA as.
 */
static int find_vmd(struct sysfs_reader *r, const char *link, struct sysfs_pending *p)
{
	_cleanup_free_ char *real = realpath(link, NULL);
	size_t n = strlen(r->sys_real);
	char *save = NULL, *comp;
	struct sysfs_bdf b;

	if (!real)
		return iok_fail(r->ctx, -errno, "%s: cannot resolve the link: %s",
				link, strerror(errno));
	/* Components of the root's own path must not count. */
	if (strncmp(real, r->sys_real, n) || real[n] != '/')
		return iok_fail(r->ctx, -EINVAL, "%s: resolves to %s, outside %s",
				link, real, r->sys_real);
	for (comp = strtok_r(real + n, "/", &save); comp;
	     comp = strtok_r(NULL, "/", &save))
		if (parse_pci_name(comp, &b) && b.domain != p->dev->domain)
			p->vmd = b;
	return 0;
}

static int add_function(struct sysfs_reader *r, const char *name)
{
	_cleanup_free_ char *dir = iok_path_join(r->devices, name);
	_cleanup_free_ uint8_t *cfg = calloc(1, IOK_CFG_MAX + 1);
	struct sysfs_pending *p = &r->pending[r->nr_pending];
	struct sysfs_bdf b;
	unsigned int len = 0;
	int rc;

	if (!dir || !cfg)
		return -ENOMEM;
	if (!parse_pci_name(name, &b))
		return iok_fail(r->ctx, -EINVAL, "%s: '%s' is not a PCI device name",
				r->devices, name);
	rc = read_config(r->ctx, dir, cfg, &len);
	if (rc)
		return rc;
	memset(p, 0, sizeof(*p));
	rc = iok_topo_add_pci(r->topo, b.domain, b.bus, b.devfn, cfg, len, &p->dev);
	if (rc)
		return rc;
	r->nr_pending++;
	rc = read_driver(r, dir, p->dev);
	if (!rc)
		rc = read_group(r, dir, p->dev);
	if (!rc)
		rc = read_physfn(r, dir, p);
	if (!rc)
		rc = find_vmd(r, dir, p);
	return rc;
}

static struct iok_dev *find_dev(struct iok_topo *topo, const struct sysfs_bdf *b)
{
	unsigned int i;

	for (i = 0; i < topo->nr_devs; i++) {
		struct iok_dev *d = topo->devs[i];

		if (d->is_pci && d->domain == b->domain && d->busnr == b->bus &&
		    d->devfn == b->devfn)
			return d;
	}
	return NULL;
}

static int resolve_links(struct sysfs_reader *r)
{
	unsigned int i;

	for (i = 0; i < r->nr_pending; i++) {
		struct sysfs_pending *p = &r->pending[i];
		struct iok_dev *d = p->dev;

		if (p->vmd.set) {
			d->vmd = find_dev(r->topo, &p->vmd);
			if (!d->vmd)
				return iok_fail(r->ctx, -EINVAL,
						"%s/%s: lies below VMD endpoint %04x:%02x:%02x.%x, which is not in %s",
						r->devices, d->name, p->vmd.domain, p->vmd.bus,
						p->vmd.devfn >> 3, p->vmd.devfn & 7, r->devices);
		}
		if (!p->pf.set)
			continue;
		/* Without the PF's extended space the model cannot find its VFs. */
		d->pf = find_dev(r->topo, &p->pf);
		if (!d->pf || d->pf == d)
			return iok_fail(r->ctx, -EINVAL,
					"%s/%s/physfn: PF %04x:%02x:%02x.%x is not in %s",
					r->devices, d->name, p->pf.domain, p->pf.bus,
					p->pf.devfn >> 3, p->pf.devfn & 7, r->devices);
		d->is_vf = true;
	}
	return 0;
}

/* A VF's own vendor/device read as all ones; sysfs has the kernel's idea. */
static void fix_vf_ids(struct sysfs_reader *r)
{
	char buf[32], *path;
	unsigned int i;

	for (i = 0; i < r->nr_pending; i++) {
		struct iok_dev *d = r->pending[i].dev;

		if (!d->is_vf || (d->vendor != 0xffff && d->device != 0xffff))
			continue;
		if (asprintf(&path, "%s/%s/vendor", r->devices, d->name) < 0)
			return;
		if (d->vendor == 0xffff && !read_line(NULL, path, buf, sizeof(buf)))
			d->vendor = strtoul(buf, NULL, 16);
		free(path);
		if (asprintf(&path, "%s/%s/device", r->devices, d->name) < 0)
			return;
		if (d->device == 0xffff && !read_line(NULL, path, buf, sizeof(buf)))
			d->device = strtoul(buf, NULL, 16);
		free(path);
	}
}

static int no_dots(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

static int read_functions(struct sysfs_reader *r)
{
	struct dirent **names = NULL;
	int n, i, rc = 0;

	n = scandir(r->devices, &names, no_dots, alphasort);
	if (n < 0)
		return iok_fail(r->ctx, -errno, "%s: %s", r->devices, strerror(errno));
	r->pending = calloc(n + 1, sizeof(*r->pending));
	if (!r->pending)
		rc = -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!rc)
			rc = add_function(r, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return rc;
}

static int count_groups(struct sysfs_reader *r)
{
	_cleanup_free_ char *path = iok_path_join(r->sys, "kernel/iommu_groups");
	struct dirent *e;
	DIR *dir;

	if (!path)
		return -ENOMEM;
	dir = opendir(path);
	if (!dir) {
		if (errno == ENOENT)
			return 0;
		return iok_fail(r->ctx, -errno, "%s: %s", path, strerror(errno));
	}
	r->have_groups = true;
	while ((e = readdir(dir)))
		if (isdigit((unsigned char)e->d_name[0]))
			r->nr_groups++;
	closedir(dir);
	return 0;
}

static const char *iommu_kind(const char *name)
{
	static const struct { const char *prefix, *kind; } kinds[] = {
		{ "dmar", "intel" },
		{ "ivhd", "amd" },
		{ "smmu", "arm" },
		{ "arm-smmu", "arm" },
		{ "viommu", "virtio" },
		{ "virtio", "virtio" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strncmp(name, kinds[i].prefix, strlen(kinds[i].prefix)))
			return kinds[i].kind;
	return NULL;
}

/*
 * The IOMMU driver from its sysfs instances. The iommu_groups directory
 * exists (empty) whenever the IOMMU core is built in, so an empty one
 * means no IOMMU as much as a missing one does.
 */
static int set_iommu(struct sysfs_reader *r)
{
	_cleanup_free_ char *path = iok_path_join(r->sys, "class/iommu");
	struct dirent **names = NULL;
	const char *kind = NULL;
	int n, i;

	if (!path)
		return -ENOMEM;
	n = scandir(path, &names, no_dots, alphasort);
	if (n < 0 && errno != ENOENT)
		return iok_fail(r->ctx, -errno, "%s: %s", path, strerror(errno));
	for (i = 0; i < n; i++) {
		if (!kind)
			kind = iommu_kind(names[i]->d_name);
		if (!kind)
			warn(r->ctx, "%s/%s: unknown IOMMU driver", path, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	if (kind)
		return iok_topo_set_param(r->topo, "iommu", kind);
	if (!r->nr_groups)
		return iok_topo_set_param(r->topo, "iommu", "none");
	warn(r->ctx, "%s: no known IOMMU but %u groups; assuming %s", path,
	     r->nr_groups, iok_topo_get_param(r->topo, "iommu"));
	return 0;
}

/* The first of @names under the base directory that exists. */
static int read_base_file(struct sysfs_reader *r, const char *const *names,
			  unsigned int nr, char *buf, size_t len, char **found)
{
	unsigned int i;
	int rc;

	for (i = 0; i < nr; i++) {
		_cleanup_free_ char *path = iok_path_join(r->base, names[i]);

		if (!path)
			return -ENOMEM;
		rc = read_line(r->ctx, path, buf, len);
		if (rc == -ENOENT)
			continue;
		if (!rc) {
			*found = path;
			path = NULL;
		}
		return rc;
	}
	return -ENOENT;
}

/* Only major.minor decides the rules: "6.1.0-56-amd64" is kernel 6.1. */
static int set_kernel(struct sysfs_reader *r)
{
	static const char *const release[] = { "proc/sys/kernel/osrelease", "uname-r" };
	static const char *const cmdline[] = { "proc/cmdline", "proc-cmdline" };
	_cleanup_free_ char *path = NULL, *cpath = NULL;
	unsigned int major, minor;
	char buf[4096], ver[32];
	int rc;

	rc = read_base_file(r, release, ARRAY_SIZE(release), buf, sizeof(buf), &path);
	if (rc && rc != -ENOENT)
		return rc;
	if (!rc) {
		if (sscanf(buf, "%u.%u", &major, &minor) != 2 || major > 99 || minor > 99)
			return iok_fail(r->ctx, -EINVAL,
					"%s: kernel release '%s' does not start with MAJOR.MINOR",
					path, buf);
		snprintf(ver, sizeof(ver), "%u.%u", major, minor);
		rc = iok_topo_set_param(r->topo, "kernel", ver);
		if (rc)
			return rc;
	}
	/*
	 * The ACS bits in config space already reflect the command line, so
	 * applying its options again would count them twice: show it only.
	 */
	rc = read_base_file(r, cmdline, ARRAY_SIZE(cmdline), buf, sizeof(buf), &cpath);
	if (rc && rc != -ENOENT)
		return rc;
	if (!rc)
		info(r->ctx, "%s: kernel command line: %s", cpath, buf);
	return 0;
}

static int read_tree(struct sysfs_reader *r)
{
	int rc;

	r->topo->live = true;
	r->topo->kernel_enumerated = true;
	r->topo->params.acs_final = true;
	rc = count_groups(r);
	if (!rc)
		rc = read_functions(r);
	if (!rc)
		rc = resolve_links(r);
	if (!rc)
		rc = set_iommu(r);
	if (!rc)
		rc = set_kernel(r);
	if (!rc)
		rc = iok_topo_finalize(r->topo);
	if (!rc)
		fix_vf_ids(r);
	return rc;
}

static int sysfs_load(struct iok_ctx *ctx, const char *root, struct iok_topo **out)
{
	struct sysfs_reader r = { .ctx = ctx };
	_cleanup_free_ char *source = NULL;
	int rc;

	rc = find_root(&r, root, &source);
	if (rc)
		goto out;
	r.topo = iok_topo_alloc(ctx, source);
	if (!r.topo) {
		rc = -ENOMEM;
		goto out;
	}
	rc = read_tree(&r);
	if (rc) {
		iok_topo_unref(r.topo);
		goto out;
	}
	*out = r.topo;
out:
	free(r.sys);
	free(r.sys_real);
	free(r.base);
	free(r.devices);
	free(r.pending);
	return rc;
}

const struct iok_source iok_source_sysfs = {
	.name = "sysfs",
	.help = "sysfs[:ROOT]    the live machine, or a captured sysfs tree under ROOT",
	.load = sysfs_load,
};
