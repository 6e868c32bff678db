// SPDX-License-Identifier: MIT
/*
 * The host facts a passthrough plan needs beyond the topology: each
 * function's driver_override and boot_vga, what uses it (mounted block
 * devices, network interfaces, default routes), the kernel's group
 * directories and whether vfio-pci is loaded.
 *
 * Every path is taken under the sysfs root the topology came from, and
 * /proc under $IOMMUKIT_PROC_ROOT or the root's proc/, so that a captured
 * tree (tools/capture-sysfs.sh) answers as the host did.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cli/plan.h"
#include "lib/util/path.h"

#define SYSFS_MAGIC_NR 0x62656572	/* linux/magic.h SYSFS_MAGIC */

struct blockdev {
	char *name;
	char *majmin;		/* "259:1" */
	char *bdf;		/* the PCI function below which it sits, or NULL */
	char *dm_name;		/* device-mapper name, or NULL */
	char **slaves;
	unsigned int nr_slaves;
};

struct mount {
	char *majmin;
	char *mnt;
	char *source;
};

struct netdev {
	char *name;
	char *bdf;
	bool up;
	bool default_route;
};

/* Scratch state while reading; only host_dev results survive. */
struct scan {
	struct host *h;
	struct blockdev *blk;
	unsigned int nr_blk;
	struct mount *mnt;
	unsigned int nr_mnt;
	struct netdev *net;
	unsigned int nr_net;
};

/* A small file's first line, without the newline; NULL when unreadable. */
static char *read_first_line(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return strdup(buf);
}

static char *read_first_line_at(const char *dir, const char *name)
{
	char *path = iok_path_join(dir, name), *s;

	if (!path)
		return NULL;
	s = read_first_line(path);
	free(path);
	return s;
}

/* Linux's PCI device name: DDDD:BB:DD.F (wider domains under VMD). */
static bool is_pci_name(const char *s)
{
	size_t nd = strspn(s, "0123456789abcdef");

	return nd >= 4 && nd <= 8 && strlen(s) == nd + 8 && s[nd] == ':' &&
	       isxdigit((unsigned char)s[nd + 1]) && isxdigit((unsigned char)s[nd + 2]) &&
	       s[nd + 3] == ':' && isxdigit((unsigned char)s[nd + 4]) &&
	       isxdigit((unsigned char)s[nd + 5]) && s[nd + 6] == '.' &&
	       s[nd + 7] >= '0' && s[nd + 7] <= '7';
}

/* The deepest PCI function in a resolved device path: the one that owns it. */
static char *owning_function(const char *path)
{
	char *copy = strdup(path), *save = NULL, *comp, *found = NULL;

	if (!copy)
		return NULL;
	for (comp = strtok_r(copy, "/", &save); comp; comp = strtok_r(NULL, "/", &save))
		if (is_pci_name(comp))
			found = comp;
	found = found ? strdup(found) : NULL;
	free(copy);
	return found;
}

static int no_dots(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Entry names of a directory, sorted; an absent directory has none. */
static int list_dir(const char *path, char ***out, unsigned int *nr)
{
	struct dirent **ents = NULL;
	char **names;
	int n, i;

	*out = NULL;
	*nr = 0;
	n = scandir(path, &ents, no_dots, alphasort);
	if (n < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	names = calloc(n + 1, sizeof(*names));
	for (i = 0; i < n; i++) {
		if (names && !(names[i] = strdup(ents[i]->d_name))) {
			while (i-- > 0)
				free(names[i]);
			free(names);
			names = NULL;
		}
		free(ents[i]);
	}
	free(ents);
	if (!names && n)
		return -ENOMEM;
	*out = names;
	*nr = n;
	return 0;
}

static void free_names(char **names, unsigned int nr)
{
	unsigned int i;

	for (i = 0; names && i < nr; i++)
		free(names[i]);
	free(names);
}

/* ---- roots ------------------------------------------------------------- */

static __attribute__((format(printf, 1, 2))) int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "iommukit: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_BAD_INPUT;
}

/* The same rules as the sysfs source: ROOT/sys, or ROOT is a sysfs mount. */
static int find_roots(struct host *h, const char *source)
{
	const char *root = NULL, *env;
	char *base, *probe;

	if (source && !strncmp(source, "sysfs:", 6))
		root = source + 6;
	else if (source && strcmp(source, "sysfs"))
		return fail("plan reads drivers and IOMMU groups from a host: '%s' is not "
			    "a sysfs source (use -S sysfs[:ROOT])", source);
	if (!root || !*root)
		root = getenv("IOMMUKIT_SYSFS_ROOT");
	if (!root || !*root)
		root = "/";
	h->root = strdup(root);
	h->sys = iok_path_join(root, "sys");
	probe = h->sys ? iok_path_join(h->sys, "bus/pci/devices") : NULL;
	if (!h->root || !probe)
		goto nomem;
	if (iok_is_dir(probe)) {
		base = strdup(root);
	} else {
		free(h->sys);
		h->sys = strdup(root);
		base = iok_path_join(root, "..");
	}
	free(probe);
	if (!h->sys || !base)
		goto nomem_base;
	env = getenv("IOMMUKIT_PROC_ROOT");
	h->proc = env && *env ? strdup(env) : iok_path_join(base, "proc");
	free(base);
	if (!h->proc)
		goto nomem;
	if (!iok_is_dir(h->proc)) {
		free(h->proc);
		h->proc = NULL;
	}
	return 0;
nomem_base:
	free(base);
nomem:
	fprintf(stderr, "iommukit: out of memory\n");
	return EXIT_BAD_INPUT;
}

static void read_system(struct host *h)
{
	struct statfs sfs;
	char *path;
	char **names;
	unsigned int nr = 0, i;

	h->live_sysfs = !statfs(h->sys, &sfs) && sfs.f_type == SYSFS_MAGIC_NR;
	path = iok_path_join(h->sys, "kernel/iommu_groups");
	h->groups_dir = path && iok_is_dir(path);
	if (path && !list_dir(path, &names, &nr)) {
		for (i = 0; i < nr; i++)
			if (isdigit((unsigned char)names[i][0]))
				h->nr_groups++;
		free_names(names, nr);
	}
	free(path);
	path = iok_path_join(h->sys, "bus/pci/drivers/vfio-pci");
	h->vfio_pci = path && iok_is_dir(path);
	free(path);
	/* The capture keeps the command line next to sys/, as the source reads it. */
	if (h->proc)
		h->cmdline = read_first_line_at(h->proc, "cmdline");
	if (!h->cmdline && strcmp(h->root, "/")) {
		path = iok_path_join(h->root, "proc-cmdline");
		h->cmdline = path ? read_first_line(path) : NULL;
		free(path);
	}
}

/* ---- block devices and mounts ------------------------------------------ */

static int read_blockdev(struct scan *s, const char *classdir, const char *name)
{
	struct blockdev *b = &s->blk[s->nr_blk];
	char *link = iok_path_join(classdir, name), *real = NULL, *slaves = NULL;
	int rc = -ENOMEM;

	memset(b, 0, sizeof(*b));
	if (!link)
		return -ENOMEM;
	real = realpath(link, NULL);
	b->name = strdup(name);
	if (!b->name)
		goto out;
	s->nr_blk++;
	rc = 0;
	if (!real)
		goto out;	/* a dangling link tells nothing */
	b->bdf = owning_function(real);
	b->majmin = read_first_line_at(real, "dev");
	b->dm_name = read_first_line_at(real, "dm/name");
	slaves = iok_path_join(real, "slaves");
	rc = slaves ? list_dir(slaves, &b->slaves, &b->nr_slaves) : -ENOMEM;
out:
	free(slaves);
	free(real);
	free(link);
	return rc;
}

static int scan_blockdevs(struct scan *s)
{
	char *dir = iok_path_join(s->h->sys, "class/block");
	char **names = NULL;
	unsigned int nr = 0, i;
	int rc;

	if (!dir)
		return -ENOMEM;
	rc = list_dir(dir, &names, &nr);
	if (!rc && nr)
		s->blk = calloc(nr, sizeof(*s->blk));
	if (!rc && nr && !s->blk)
		rc = -ENOMEM;
	for (i = 0; !rc && i < nr; i++)
		rc = read_blockdev(s, dir, names[i]);
	free_names(names, nr);
	free(dir);
	return rc;
}

/* mountinfo escapes blanks and backslashes as \ooo. */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = 0;
}

static int add_mount(struct scan *s, const char *majmin, char *mnt, char *source)
{
	struct mount *m = realloc(s->mnt, (s->nr_mnt + 1) * sizeof(*m));

	if (!m)
		return -ENOMEM;
	s->mnt = m;
	m += s->nr_mnt;
	unescape(mnt);
	unescape(source);
	m->majmin = majmin ? strdup(majmin) : NULL;
	m->mnt = strdup(mnt);
	m->source = strdup(source);
	s->nr_mnt++;
	return m->mnt && m->source && (!majmin || m->majmin) ? 0 : -ENOMEM;
}

/* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw" */
static int parse_mountinfo_line(struct scan *s, char *line)
{
	char *f[6], *save = NULL, *dash, *fstype, *source;
	unsigned int i;

	dash = strstr(line, " - ");
	if (!dash)
		return 0;
	*dash = 0;
	for (i = 0; i < 6; i++)
		if (!(f[i] = strtok_r(i ? NULL : line, " ", &save)))
			return 0;
	save = NULL;
	fstype = strtok_r(dash + 3, " ", &save);
	source = fstype ? strtok_r(NULL, " ", &save) : NULL;
	if (!source)
		return 0;
	return add_mount(s, f[2], f[4], source);
}

/* "/dev/sda1 / ext4 rw 0 0": no device numbers, only the source's name. */
static int parse_mounts_line(struct scan *s, char *line)
{
	char *save = NULL, *source, *mnt;

	source = strtok_r(line, " ", &save);
	mnt = source ? strtok_r(NULL, " ", &save) : NULL;
	if (!mnt)
		return 0;
	return add_mount(s, NULL, mnt, source);
}

static int read_mounts(struct scan *s)
{
	static const char *const files[] = { "self/mountinfo", "mounts" };
	char *line = NULL, *path;
	size_t cap = 0;
	unsigned int i;
	FILE *f = NULL;
	int rc = 0;

	if (!s->h->proc)
		return 0;
	for (i = 0; i < 2; i++) {
		path = iok_path_join(s->h->proc, files[i]);
		if (!path)
			return -ENOMEM;
		f = fopen(path, "re");
		free(path);
		if (f)
			break;
	}
	if (!f)
		return 0;
	s->h->have_mounts = true;
	while (!rc && getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = 0;
		rc = i == 0 ? parse_mountinfo_line(s, line) : parse_mounts_line(s, line);
	}
	free(line);
	fclose(f);
	return rc;
}

/* The block devices a mount stands on: by device number, else by its source's name. */
static bool mount_is_on(const struct mount *m, const struct blockdev *b)
{
	const char *src = m->source;

	if (m->majmin && b->majmin && strncmp(m->majmin, "0:", 2))
		return !strcmp(m->majmin, b->majmin);
	if (strncmp(src, "/dev/", 5))
		return false;
	src += 5;
	if (!strncmp(src, "mapper/", 7))
		return b->dm_name && !strcmp(src + 7, b->dm_name);
	return !strcmp(src, b->name);
}

static struct blockdev *find_blockdev(struct scan *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->nr_blk; i++)
		if (!strcmp(s->blk[i].name, name))
			return &s->blk[i];
	return NULL;
}

static int add_use(struct host_dev *d, enum host_use_kind kind, const char *dev, const char *mnt)
{
	struct host_use *u;
	unsigned int i;

	for (i = 0; i < d->nr_uses; i++)
		if (d->uses[i].kind == kind && !strcmp(d->uses[i].dev, dev) &&
		    (!mnt || !strcmp(d->uses[i].mnt, mnt)))
			return 0;
	u = realloc(d->uses, (d->nr_uses + 1) * sizeof(*u));
	if (!u)
		return -ENOMEM;
	d->uses = u;
	u += d->nr_uses++;
	memset(u, 0, sizeof(*u));
	u->kind = kind;
	u->dev = strdup(dev);
	u->mnt = mnt ? strdup(mnt) : NULL;
	return u->dev && (!mnt || u->mnt) ? 0 : -ENOMEM;
}

static struct host_dev *find_dev(struct host *h, const char *name)
{
	return (struct host_dev *)host_find_dev(h, name);
}

/* Down the holder chain (dm, md) to the disks and the functions they sit on. */
static int mark_mount(struct scan *s, const struct mount *m, struct blockdev *b,
		      unsigned int depth)
{
	struct host_dev *d;
	unsigned int i;
	int rc;

	if (depth > 8)
		return 0;
	if (b->bdf && (d = find_dev(s->h, b->bdf))) {
		rc = add_use(d, HOST_MOUNT, b->name, m->mnt);
		if (rc)
			return rc;
	}
	for (i = 0; i < b->nr_slaves; i++) {
		struct blockdev *lower = find_blockdev(s, b->slaves[i]);

		if (lower && (rc = mark_mount(s, m, lower, depth + 1)))
			return rc;
	}
	return 0;
}

static int attach_blockdevs(struct scan *s)
{
	unsigned int i, j;
	int rc;

	for (i = 0; i < s->nr_blk; i++) {
		struct blockdev *b = &s->blk[i];
		struct host_dev *d = b->bdf ? find_dev(s->h, b->bdf) : NULL;
		char **n;

		if (!d)
			continue;
		n = realloc(d->blockdevs, (d->nr_blockdevs + 1) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		d->blockdevs = n;
		if (!(n[d->nr_blockdevs] = strdup(b->name)))
			return -ENOMEM;
		d->nr_blockdevs++;
	}
	for (i = 0; i < s->nr_mnt; i++)
		for (j = 0; j < s->nr_blk; j++)
			if (mount_is_on(&s->mnt[i], &s->blk[j]) &&
			    (rc = mark_mount(s, &s->mnt[i], &s->blk[j], 0)))
				return rc;
	return 0;
}

/* ---- network interfaces and routes ------------------------------------- */

static int scan_netdevs(struct scan *s)
{
	char *dir = iok_path_join(s->h->sys, "class/net"), **names = NULL;
	unsigned int nr = 0, i;
	int rc;

	if (!dir)
		return -ENOMEM;
	rc = list_dir(dir, &names, &nr);
	if (!rc && nr && !(s->net = calloc(nr, sizeof(*s->net))))
		rc = -ENOMEM;
	for (i = 0; !rc && i < nr; i++) {
		char *link = iok_path_join(dir, names[i]);
		char *real = link ? realpath(link, NULL) : NULL;
		struct netdev *n = &s->net[s->nr_net];
		char *state;

		free(link);
		if (!real)
			continue;
		n->name = strdup(names[i]);
		n->bdf = owning_function(real);
		state = read_first_line_at(real, "operstate");
		n->up = state && !strcmp(state, "up");
		free(state);
		free(real);
		if (!n->name)
			rc = -ENOMEM;
		s->nr_net++;
	}
	free_names(names, nr);
	free(dir);
	return rc;
}

static void set_default_route(struct scan *s, const char *ifname)
{
	unsigned int i;

	for (i = 0; i < s->nr_net; i++)
		if (!strcmp(s->net[i].name, ifname))
			s->net[i].default_route = true;
}

/* "eth0 00000000 0102A8C0 0003 0 0 100 00000000 0 0 0": destination and mask 0. */
static void route4_line(struct scan *s, char *line)
{
	char ifname[64], dest[16], gw[16], mask[16];
	unsigned int flags, refcnt, use, metric;

	if (sscanf(line, "%63s %15s %15s %x %u %u %u %15s", ifname, dest, gw, &flags,
		   &refcnt, &use, &metric, mask) != 8)
		return;
	if ((flags & 0x1) && !strcmp(dest, "00000000") && !strcmp(mask, "00000000"))
		set_default_route(s, ifname);
}

/* "DEST PLEN SRC SPLEN NEXTHOP METRIC REFCNT USE FLAGS IFACE"; skip reject routes. */
static void route6_line(struct scan *s, char *line)
{
	char dest[40], plen[4], src[40], splen[4], nh[40], ifname[64];
	unsigned int metric, refcnt, use, flags;

	if (sscanf(line, "%39s %3s %39s %3s %39s %x %x %x %x %63s", dest, plen, src, splen, nh,
		   &metric, &refcnt, &use, &flags, ifname) != 10)
		return;
	if (strspn(dest, "0") == 32 && !strcmp(plen, "00") && !(flags & 0x200) &&
	    strcmp(ifname, "lo"))
		set_default_route(s, ifname);
}

static void read_routes(struct scan *s)
{
	static const char *const files[] = { "net/route", "net/ipv6_route" };
	char *line = NULL;
	size_t cap = 0;
	unsigned int i;

	for (i = 0; s->h->proc && i < 2; i++) {
		char *path = iok_path_join(s->h->proc, files[i]);
		FILE *f = path ? fopen(path, "re") : NULL;

		free(path);
		if (!f)
			continue;
		s->h->have_routes = true;
		while (getline(&line, &cap, f) > 0)
			(i ? route6_line : route4_line)(s, line);
		fclose(f);
	}
	free(line);
}

static int attach_netdevs(struct scan *s)
{
	unsigned int i;
	int rc;

	for (i = 0; i < s->nr_net; i++) {
		struct netdev *n = &s->net[i];
		struct host_dev *d = n->bdf ? find_dev(s->h, n->bdf) : NULL;

		if (!d)
			continue;
		rc = add_use(d, HOST_NETDEV, n->name, NULL);
		if (rc)
			return rc;
		d->uses[d->nr_uses - 1].up = n->up;
		d->uses[d->nr_uses - 1].default_route = n->default_route;
	}
	return 0;
}

static void scan_free(struct scan *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_blk; i++) {
		free(s->blk[i].name);
		free(s->blk[i].majmin);
		free(s->blk[i].bdf);
		free(s->blk[i].dm_name);
		free_names(s->blk[i].slaves, s->blk[i].nr_slaves);
	}
	for (i = 0; i < s->nr_mnt; i++) {
		free(s->mnt[i].majmin);
		free(s->mnt[i].mnt);
		free(s->mnt[i].source);
	}
	for (i = 0; i < s->nr_net; i++) {
		free(s->net[i].name);
		free(s->net[i].bdf);
	}
	free(s->blk);
	free(s->mnt);
	free(s->net);
}

/* ---- per function -------------------------------------------------------- */

static int read_functions(struct host *h, struct iok_topo *topo)
{
	struct iok_dev *d;
	unsigned int n = 0;

	h->devs = calloc(iok_topo_count_devs(topo) + 1, sizeof(*h->devs));
	if (!h->devs)
		return -ENOMEM;
	iok_dev_foreach(topo, d) {
		struct host_dev *hd = &h->devs[n];
		char *dir, *s;

		if (!iok_dev_is_pci(d))
			continue;
		hd->name = strdup(iok_dev_get_name(d));
		if (asprintf(&dir, "%s/bus/pci/devices/%s", h->sys, iok_dev_get_name(d)) < 0)
			dir = NULL;
		if (!hd->name || !dir) {
			free(dir);
			return -ENOMEM;
		}
		n++;
		s = read_first_line_at(dir, "driver_override");
		if (s && *s && strcmp(s, "(null)"))
			hd->override = s;
		else
			free(s);
		s = read_first_line_at(dir, "boot_vga");
		hd->boot_vga = s && !strcmp(s, "1");
		free(s);
		free(dir);
	}
	h->nr_devs = n;
	return 0;
}

const struct host_dev *host_find_dev(const struct host *h, const char *name)
{
	unsigned int i;

	for (i = 0; i < h->nr_devs; i++)
		if (!strcmp(h->devs[i].name, name))
			return &h->devs[i];
	return NULL;
}

int host_read(struct iok_topo *topo, const char *source, struct host **out)
{
	struct host *h = calloc(1, sizeof(*h));
	struct scan s = { .h = h };
	int rc;

	if (!h)
		return fail("out of memory");
	rc = find_roots(h, source);
	if (rc)
		goto err;
	read_system(h);
	rc = read_functions(h, topo);
	if (!rc)
		rc = scan_blockdevs(&s);
	if (!rc)
		rc = read_mounts(&s);
	if (!rc)
		rc = attach_blockdevs(&s);
	if (!rc)
		rc = scan_netdevs(&s);
	if (!rc) {
		read_routes(&s);
		rc = attach_netdevs(&s);
	}
	scan_free(&s);
	if (rc) {
		fprintf(stderr, "iommukit: reading %s: %s\n", h->sys, strerror(-rc));
		rc = EXIT_BAD_INPUT;
		goto err;
	}
	*out = h;
	return 0;
err:
	host_free(h);
	return rc;
}

void host_free(struct host *h)
{
	unsigned int i, j;

	if (!h)
		return;
	for (i = 0; i < h->nr_devs; i++) {
		struct host_dev *d = &h->devs[i];

		free(d->name);
		free(d->override);
		free_names(d->blockdevs, d->nr_blockdevs);
		for (j = 0; j < d->nr_uses; j++) {
			free(d->uses[j].dev);
			free(d->uses[j].mnt);
		}
		free(d->uses);
	}
	free(h->devs);
	free(h->root);
	free(h->sys);
	free(h->proc);
	free(h->cmdline);
	free(h);
}

/* ---- group members --------------------------------------------------------- */

static char *link_name(const char *path)
{
	char target[PATH_MAX], *slash;
	ssize_t n = readlink(path, target, sizeof(target) - 1);

	if (n < 0)
		return NULL;
	target[n] = 0;
	slash = strrchr(target, '/');
	return strdup(slash ? slash + 1 : target);
}

int host_group_members(const struct host *h, int id, struct host_member **out,
		       unsigned int *nr)
{
	char *dir = NULL, **names = NULL, *link;
	struct host_member *m;
	unsigned int n = 0, i;
	int rc;

	*out = NULL;
	*nr = 0;
	if (asprintf(&dir, "%s/kernel/iommu_groups/%d/devices", h->sys, id) < 0)
		return -ENOMEM;
	rc = list_dir(dir, &names, &n);
	if (rc || !n)
		goto out;
	m = calloc(n, sizeof(*m));
	rc = -ENOMEM;
	if (!m)
		goto out;
	for (i = 0; i < n; i++) {
		m[i].name = names[i];
		names[i] = NULL;
		m[i].pci = is_pci_name(m[i].name);
		/* Used for functions the topology lacks and for non-PCI members. */
		if (asprintf(&link, "%s/%s/driver", dir, m[i].name) >= 0) {
			m[i].driver = link_name(link);
			free(link);
		}
	}
	*out = m;
	*nr = n;
	rc = 0;
out:
	free_names(names, n);
	free(dir);
	return rc;
}

void host_members_free(struct host_member *m, unsigned int nr)
{
	unsigned int i;

	for (i = 0; m && i < nr; i++) {
		free(m[i].name);
		free(m[i].driver);
	}
	free(m);
}
