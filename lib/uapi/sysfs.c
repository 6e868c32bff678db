// SPDX-License-Identifier: MIT
/*
 * The simulated /sys and /dev: path resolution (following the driver,
 * iommu_group and device links), directory listings, and the show and
 * store methods behind each file, as kernfs presents them to root: a file
 * without a store method cannot be opened for writing (-EACCES), and a
 * file whose object went away answers -ENODEV.
 */
#include <stdio.h>

#include "lib/uapi/uapi-private.h"

enum node_kind {
	N_ROOT, N_SYS, N_DEV, N_BUS, N_BUS_PCI, N_PCI_DEVICES, N_PCI_DEV,
	N_PCI_DRIVERS, N_PCI_DRIVER, N_KERNEL, N_IOMMU_GROUPS, N_IOMMU_GROUP,
	N_GROUP_DEVICES, N_MODULE, N_MODULE_TYPE1, N_TYPE1_PARAMS, N_DEV_VFIO,
	N_DRV_MODULE,
	/* files */
	N_F_DRIVERS_PROBE, N_F_BUS_RESCAN, N_F_DEV_ATTR, N_F_DRV_BIND, N_F_DRV_UNBIND,
	N_F_DRV_NEW_ID, N_F_DRV_REMOVE_ID, N_F_DRV_UEVENT,
	N_F_GROUP_TYPE, N_F_GROUP_RESV, N_F_PARAM_LIMIT, N_F_PARAM_UNSAFE,
	N_CHR_CONTAINER, N_CHR_GROUP,
};

enum dev_attr {
	A_VENDOR, A_DEVICE, A_CLASS, A_REVISION, A_SUBVENDOR, A_SUBDEVICE,
	A_OVERRIDE, A_REMOVE, A_RESCAN,
};

static const struct {
	const char *name;
	bool read, write;
} dev_attrs[] = {
	[A_VENDOR] = { "vendor", true, false },
	[A_DEVICE] = { "device", true, false },
	[A_CLASS] = { "class", true, false },
	[A_REVISION] = { "revision", true, false },
	[A_SUBVENDOR] = { "subsystem_vendor", true, false },
	[A_SUBDEVICE] = { "subsystem_device", true, false },
	[A_OVERRIDE] = { "driver_override", true, true },
	[A_REMOVE] = { "remove", false, true },
	[A_RESCAN] = { "rescan", false, true },
};

struct node {
	enum node_kind kind;
	struct iok_dev *dev;
	unsigned int drv;	/* index into sf->drivers */
	struct iok_rgroup *rg;
	int id;
	enum dev_attr attr;
};

struct iok_sysfs_file {
	struct iok_sysfs *sf;
	char *path;
	int flags;
};

static bool is_dir(enum node_kind k)
{
	return k < N_F_DRIVERS_PROBE;
}

/* Whether the file has a show / store method. */
static bool can_read(const struct node *n)
{
	switch (n->kind) {
	case N_F_DRIVERS_PROBE:
	case N_F_BUS_RESCAN:
	case N_F_DRV_BIND:
	case N_F_DRV_UNBIND:
	case N_F_DRV_NEW_ID:
	case N_F_DRV_REMOVE_ID:
	case N_F_DRV_UEVENT:
		return false;
	case N_F_DEV_ATTR:
		return dev_attrs[n->attr].read;
	default:
		return true;
	}
}

static bool can_write(const struct node *n)
{
	switch (n->kind) {
	case N_F_GROUP_RESV:
		return false;
	case N_F_DEV_ATTR:
		return dev_attrs[n->attr].write;
	default:
		return !is_dir(n->kind);
	}
}

static bool present(const struct iok_sysfs *sf, const struct iok_dev *dev)
{
	return iok_dev_is_pci(dev) && iok_machine_dev_is_present(sf->m, dev);
}

static int parse_int(const char *s, int *out)
{
	char *end;
	long v;

	if (!*s || *s == '+' || *s == '-')
		return -1;
	v = strtol(s, &end, 10);
	if (*end || v < 0 || v > 1000000)
		return -1;
	*out = (int)v;
	return 0;
}

static int driver_index(const struct iok_sysfs *sf, const char *name, unsigned int *out)
{
	const struct sf_driver *drv = iok_sf_find_driver(sf, name);

	if (!drv)
		return -ENOENT;
	*out = drv - sf->drivers;
	return 0;
}

static void set_dev(struct node *n, struct iok_dev *dev)
{
	memset(n, 0, sizeof(*n));
	n->kind = N_PCI_DEV;
	n->dev = dev;
}

static int dev_child(struct iok_sysfs *sf, struct node *n, const char *name)
{
	struct iok_dev *dev = n->dev;
	struct iok_rgroup *rg;
	unsigned int i;

	if (!strcmp(name, "driver")) {
		const char *drv = iok_sysfs_get_driver(sf, dev);

		if (!drv || driver_index(sf, drv, &n->drv))
			return -ENOENT;
		n->kind = N_PCI_DRIVER;
		return 0;
	}
	if (!strcmp(name, "iommu_group")) {
		rg = iok_dev_get_rgroup(sf->m, dev);
		if (!rg)
			return -ENOENT;
		n->kind = N_IOMMU_GROUP;
		n->rg = rg;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(dev_attrs); i++) {
		if (!strcmp(name, dev_attrs[i].name)) {
			n->kind = N_F_DEV_ATTR;
			n->attr = i;
			return 0;
		}
	}
	return -ENOENT;
}

static int group_child(struct iok_sysfs *sf, struct node *n, const char *name)
{
	if (!strcmp(name, "devices"))
		n->kind = N_GROUP_DEVICES;
	else if (!strcmp(name, "type"))
		n->kind = N_F_GROUP_TYPE;
	else if (!strcmp(name, "reserved_regions"))
		n->kind = N_F_GROUP_RESV;
	else
		return -ENOENT;
	return 0;
}

/* The device of @name in group @rg, or in the driver's bound set. */
static int named_dev(struct iok_sysfs *sf, const char *name, struct iok_dev **out)
{
	struct iok_dev *dev = iok_sf_find_dev(sf, name);

	if (!dev || strchr(name, '\n'))
		return -ENOENT;
	*out = dev;
	return 0;
}

static int child(struct iok_sysfs *sf, struct node *n, const char *name)
{
	struct iok_dev *dev;
	int id;

#define NAMED(str, k) if (!strcmp(name, str)) { n->kind = (k); return 0; }
	switch (n->kind) {
	case N_ROOT:
		NAMED("sys", N_SYS);
		if (sf->vfio)
			NAMED("dev", N_DEV);
		return -ENOENT;
	case N_SYS:
		NAMED("bus", N_BUS);
		NAMED("kernel", N_KERNEL);
		NAMED("module", N_MODULE);
		return -ENOENT;
	case N_BUS:
		NAMED("pci", N_BUS_PCI);
		return -ENOENT;
	case N_BUS_PCI:
		NAMED("devices", N_PCI_DEVICES);
		NAMED("drivers", N_PCI_DRIVERS);
		NAMED("drivers_probe", N_F_DRIVERS_PROBE);
		NAMED("rescan", N_F_BUS_RESCAN);
		return -ENOENT;
	case N_PCI_DEVICES:
		if (named_dev(sf, name, &dev))
			return -ENOENT;
		set_dev(n, dev);
		return 0;
	case N_PCI_DEV:
		return dev_child(sf, n, name);
	case N_PCI_DRIVERS:
		if (driver_index(sf, name, &n->drv))
			return -ENOENT;
		n->kind = N_PCI_DRIVER;
		return 0;
	case N_PCI_DRIVER:
		NAMED("bind", N_F_DRV_BIND);
		NAMED("unbind", N_F_DRV_UNBIND);
		NAMED("new_id", N_F_DRV_NEW_ID);
		NAMED("remove_id", N_F_DRV_REMOVE_ID);
		NAMED("uevent", N_F_DRV_UEVENT);
		/* Built-in drivers have no module to link to. */
		if (!sf->drivers[n->drv].model || !sf->drivers[n->drv].model->builtin)
			NAMED("module", N_DRV_MODULE);
		if (named_dev(sf, name, &dev) ||
		    !iok_sysfs_get_driver(sf, dev) ||
		    strcmp(iok_sysfs_get_driver(sf, dev), sf->drivers[n->drv].name))
			return -ENOENT;
		set_dev(n, dev);
		return 0;
	case N_KERNEL:
		NAMED("iommu_groups", N_IOMMU_GROUPS);
		return -ENOENT;
	case N_IOMMU_GROUPS:
		if (parse_int(name, &id) || !iok_machine_find_rgroup(sf->m, id))
			return -ENOENT;
		n->kind = N_IOMMU_GROUP;
		n->rg = iok_machine_find_rgroup(sf->m, id);
		return 0;
	case N_IOMMU_GROUP:
		return group_child(sf, n, name);
	case N_GROUP_DEVICES:
		if (named_dev(sf, name, &dev) || iok_dev_get_rgroup(sf->m, dev) != n->rg)
			return -ENOENT;
		set_dev(n, dev);
		return 0;
	case N_MODULE:
		if (sf->vfio)
			NAMED("vfio_iommu_type1", N_MODULE_TYPE1);
		return -ENOENT;
	case N_MODULE_TYPE1:
		NAMED("parameters", N_TYPE1_PARAMS);
		return -ENOENT;
	case N_TYPE1_PARAMS:
		NAMED("dma_entry_limit", N_F_PARAM_LIMIT);
		NAMED("allow_unsafe_interrupts", N_F_PARAM_UNSAFE);
		return -ENOENT;
	case N_DEV:
		NAMED("vfio", N_DEV_VFIO);
		return -ENOENT;
	case N_DEV_VFIO:
		NAMED("vfio", N_CHR_CONTAINER);
		if (parse_int(name, &id) || !iok_vfio_find_group(sf->vfio, id))
			return -ENOENT;
		n->kind = N_CHR_GROUP;
		n->id = id;
		return 0;
	default:
		return -ENOTDIR;
	}
#undef NAMED
}

static int resolve(struct iok_sysfs *sf, const char *path, struct node *n)
{
	_cleanup_free_ char *copy = NULL;
	char *save = NULL, *w;
	int rc;

	if (!path || path[0] != '/')
		return -ENOENT;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	memset(n, 0, sizeof(*n));
	n->kind = N_ROOT;
	for (w = strtok_r(copy, "/", &save); w; w = strtok_r(NULL, "/", &save)) {
		if (!strcmp(w, "."))
			continue;
		rc = child(sf, n, w);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- listing ------------------------------------------------------------- */

static int emit(int (*fn)(const char *, void *), void *arg, const char *const *names,
		unsigned int n)
{
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = fn(names[i], arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int list_devs(struct iok_sysfs *sf, const struct node *n,
		     int (*fn)(const char *, void *), void *arg)
{
	struct iok_dev *dev;
	int rc;

	iok_dev_foreach(sf->topo, dev) {
		const char *drv;

		if (!present(sf, dev))
			continue;
		if (n->kind == N_GROUP_DEVICES && iok_dev_get_rgroup(sf->m, dev) != n->rg)
			continue;
		drv = iok_sysfs_get_driver(sf, dev);
		if (n->kind == N_PCI_DRIVER &&
		    (!drv || strcmp(drv, sf->drivers[n->drv].name)))
			continue;
		rc = fn(iok_dev_get_name(dev), arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int list_dev(struct iok_sysfs *sf, const struct node *n,
		    int (*fn)(const char *, void *), void *arg)
{
	unsigned int i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(dev_attrs); i++) {
		rc = fn(dev_attrs[i].name, arg);
		if (rc)
			return rc;
	}
	if (iok_sysfs_get_driver(sf, n->dev)) {
		rc = fn("driver", arg);
		if (rc)
			return rc;
	}
	return iok_dev_get_rgroup(sf->m, n->dev) ? fn("iommu_group", arg) : 0;
}

static int list_numbers(struct iok_sysfs *sf, const struct node *n,
			int (*fn)(const char *, void *), void *arg)
{
	struct iok_rgroup *rg;
	char buf[16];
	int rc;

	if (n->kind == N_DEV_VFIO) {
		rc = fn("vfio", arg);
		return rc ? rc : iok_vfio_sysfs_readdir_dev(sf->vfio, fn, arg);
	}
	iok_rgroup_foreach(sf->m, rg) {
		snprintf(buf, sizeof(buf), "%d", iok_rgroup_get_id(rg));
		rc = fn(buf, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int list(struct iok_sysfs *sf, const struct node *n,
		int (*fn)(const char *, void *), void *arg)
{
	static const char *const root[] = { "dev", "sys" },
		*const sys[] = { "bus", "kernel", "module" },
		*const pci[] = { "devices", "drivers", "drivers_probe", "rescan" },
		*const drv[] = { "bind", "new_id", "remove_id", "uevent", "unbind", "module" },
		*const grp[] = { "devices", "reserved_regions", "type" },
		*const params[] = { "allow_unsafe_interrupts", "dma_entry_limit" };
	static const char *const bus[] = { "pci" }, *const kernel[] = { "iommu_groups" },
		*const type1[] = { "vfio_iommu_type1" }, *const mod[] = { "parameters" },
		*const vfio[] = { "vfio" };
	unsigned int i;
	bool builtin;
	int rc;

	switch (n->kind) {
	case N_ROOT:
		return emit(fn, arg, root + !sf->vfio, 2 - !sf->vfio);
	case N_SYS:
		return emit(fn, arg, sys, ARRAY_SIZE(sys));
	case N_BUS:
		return emit(fn, arg, bus, 1);
	case N_BUS_PCI:
		return emit(fn, arg, pci, ARRAY_SIZE(pci));
	case N_PCI_DEVICES:
	case N_GROUP_DEVICES:
		return list_devs(sf, n, fn, arg);
	case N_PCI_DEV:
		return list_dev(sf, n, fn, arg);
	case N_PCI_DRIVERS:
		for (i = 0; i < sf->nr_drivers; i++) {
			if (!sf->drivers[i].registered)
				continue;
			rc = fn(sf->drivers[i].name, arg);
			if (rc)
				return rc;
		}
		return 0;
	case N_PCI_DRIVER:
		builtin = sf->drivers[n->drv].model && sf->drivers[n->drv].model->builtin;
		rc = emit(fn, arg, drv, ARRAY_SIZE(drv) - builtin);
		return rc ? rc : list_devs(sf, n, fn, arg);
	case N_DRV_MODULE:
		/* The module's own files are not modelled. */
		return 0;
	case N_KERNEL:
		return emit(fn, arg, kernel, 1);
	case N_IOMMU_GROUPS:
	case N_DEV_VFIO:
		return list_numbers(sf, n, fn, arg);
	case N_IOMMU_GROUP:
		return emit(fn, arg, grp, ARRAY_SIZE(grp));
	case N_MODULE:
		return emit(fn, arg, type1, sf->vfio ? 1 : 0);
	case N_MODULE_TYPE1:
		return emit(fn, arg, mod, 1);
	case N_TYPE1_PARAMS:
		return emit(fn, arg, params, ARRAY_SIZE(params));
	case N_DEV:
		return emit(fn, arg, vfio, 1);
	default:
		return -ENOTDIR;
	}
}

IOK_EXPORT int iok_sysfs_readdir(struct iok_sysfs *sf, const char *path,
				 int (*fn)(const char *name, void *arg), void *arg)
{
	struct node n;
	int rc;

	if (!sf || !path || !fn)
		return -EINVAL;
	rc = resolve(sf, path, &n);
	return rc ? rc : list(sf, &n, fn, arg);
}

IOK_EXPORT int iok_sysfs_access(struct iok_sysfs *sf, const char *path)
{
	struct node n;

	if (!sf || !path)
		return -EINVAL;
	return resolve(sf, path, &n);
}

/* ---- open, read, write ----------------------------------------------------- */

IOK_EXPORT int iok_sysfs_open(struct iok_sysfs *sf, const char *path, int flags,
			      struct iok_sysfs_file **out)
{
	struct iok_sysfs_file *f;
	struct node n;
	int rc;

	if (!sf || !path || !out || flags < IOK_O_RDONLY || flags > IOK_O_RDWR)
		return -EINVAL;
	rc = resolve(sf, path, &n);
	if (rc)
		return iok_fail(sf->ctx, rc, "%s: %s", path, strerror(-rc));
	if (flags != IOK_O_RDONLY && is_dir(n.kind))
		return iok_fail(sf->ctx, -EISDIR, "%s is a directory", path);
	if (((flags != IOK_O_WRONLY && !can_read(&n)) || (flags != IOK_O_RDONLY && !can_write(&n))) &&
	    !is_dir(n.kind) && n.kind != N_CHR_CONTAINER && n.kind != N_CHR_GROUP)
		return iok_fail(sf->ctx, -EACCES, "%s: permission denied", path);
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->sf = sf;
	f->flags = flags;
	f->path = strdup(path);
	if (!f->path) {
		free(f);
		return -ENOMEM;
	}
	*out = f;
	return 0;
}

IOK_EXPORT void iok_sysfs_close(struct iok_sysfs_file *f)
{
	if (!f)
		return;
	free(f->path);
	free(f);
}

static const char *resv_name(enum iok_resv_type t)
{
	switch (t) {
	case IOK_RESV_DIRECT: return "direct";
	case IOK_RESV_DIRECT_RELAXABLE: return "direct-relaxable";
	case IOK_RESV_RESERVED: return "reserved";
	case IOK_RESV_MSI:
	case IOK_RESV_SW_MSI: return "msi";
	}
	return "unknown";
}

static int show_resv(struct iok_sysfs *sf, struct iok_rgroup *rg, char *buf, size_t size)
{
	struct iok_resv_region r[32];
	int n = iok_group_get_resv_regions(rg, r, ARRAY_SIZE(r)), i;
	size_t off = 0;

	if (n < 0)
		return n;
	for (i = 0; i < n && i < (int)ARRAY_SIZE(r); i++) {
		int w = snprintf(buf + off, off < size ? size - off : 0, "0x%016llx 0x%016llx %s\n",
				 (unsigned long long)r[i].start, (unsigned long long)r[i].last,
				 resv_name(r[i].type));

		off += w;
	}
	if (!n && size)
		buf[0] = 0;
	return off;
}

static int show_dev_attr(struct iok_sysfs *sf, const struct node *n, char *buf, size_t size)
{
	const struct iok_dev *d = n->dev;
	const char *ov;

	switch (n->attr) {
	case A_VENDOR:
		return snprintf(buf, size, "0x%04x\n", iok_dev_get_vendor(d));
	case A_DEVICE:
		return snprintf(buf, size, "0x%04x\n", iok_dev_get_device(d));
	case A_CLASS:
		return snprintf(buf, size, "0x%06x\n", iok_dev_get_class(d));
	case A_REVISION:
		return snprintf(buf, size, "0x%02x\n", iok_dev_get_revision(d));
	case A_SUBVENDOR:
		return snprintf(buf, size, "0x%04x\n", iok_dev_get_subvendor(d));
	case A_SUBDEVICE:
		return snprintf(buf, size, "0x%04x\n", iok_dev_get_subdevice(d));
	case A_OVERRIDE:
		/* sysfs_emit("%s\n") of a NULL pointer */
		ov = iok_sysfs_get_override(sf, d);
		return snprintf(buf, size, "%s\n", ov ? ov : "(null)");
	default:
		return -EACCES;
	}
}

/* Re-resolve: an object gone since the open answers -ENODEV, as kernfs does. */
static int reopen(struct iok_sysfs_file *f, struct node *n)
{
	int rc = resolve(f->sf, f->path, n);

	return rc ? iok_fail(f->sf->ctx, -ENODEV, "%s: gone", f->path) : 0;
}

IOK_EXPORT int iok_sysfs_read(struct iok_sysfs_file *f, char *buf, size_t size)
{
	struct iok_sysfs *sf;
	struct node n;
	int rc;

	if (!f || !buf || !size)
		return -EINVAL;
	sf = f->sf;
	if (f->flags == IOK_O_WRONLY)
		return -EBADF;
	rc = reopen(f, &n);
	if (rc)
		return rc;
	buf[0] = 0;
	switch (n.kind) {
	case N_F_DEV_ATTR:
		return show_dev_attr(sf, &n, buf, size);
	case N_F_GROUP_TYPE:
		return snprintf(buf, size, "%s\n", iok_group_get_type_name(n.rg));
	case N_F_GROUP_RESV:
		return show_resv(sf, n.rg, buf, size);
	case N_F_PARAM_LIMIT:
		return snprintf(buf, size, "%u\n", sf->vfio->dma_entry_limit);
	case N_F_PARAM_UNSAFE:
		return snprintf(buf, size, "%c\n", sf->vfio->allow_unsafe_interrupts ? 'Y' : 'N');
	default:
		return is_dir(n.kind) ? -EISDIR : -EINVAL;
	}
}

/* kstrtouint() */
static int parse_uint(const char *s, unsigned int *out)
{
	unsigned long long v;
	char *end;

	if (*s == '+')
		s++;
	if (!*s || *s == '-' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (end == s || (*end && strcmp(end, "\n")))
		return -EINVAL;
	if (errno || v > 0xffffffffull)
		return -ERANGE;
	*out = (unsigned int)v;
	return 0;
}

/* kstrtobool(), as params take a bool. */
static int parse_bool(const char *s, bool *out)
{
	if (*s && strchr("yY1", *s))
		*out = true;
	else if (*s && strchr("nN0", *s))
		*out = false;
	else if ((s[0] == 'o' || s[0] == 'O') && s[1] && strchr("nN", s[1]))
		*out = true;
	else if ((s[0] == 'o' || s[0] == 'O') && s[1] && strchr("fF", s[1]))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

/* kobject_synth_uevent(): an action word, then optional arguments. */
static int synth_uevent(struct iok_sysfs *sf, const char *s)
{
	static const char *const actions[] = { "add", "remove", "change", "move", "online",
					       "offline", "bind", "unbind" };
	size_t len = strcspn(s, " \n");
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (strlen(actions[i]) == len && !strncmp(s, actions[i], len))
			return 0;
	return iok_fail(sf->ctx, -EINVAL, "uevent: unknown action '%.*s'", (int)len, s);
}

static int store(struct iok_sysfs_file *f, const struct node *n, const char *s, size_t len,
		 struct iok_sysfs_job **job)
{
	struct iok_sysfs *sf = f->sf;
	int rc;

	switch (n->kind) {
	case N_F_DEV_ATTR:
		if (n->attr == A_OVERRIDE)
			return iok_sf_store_override(sf, n->dev, s, len);
		if (n->attr == A_REMOVE)
			return iok_sf_remove(sf, n->dev, s, job);
		return iok_sf_rescan(sf, n->dev, s);
	case N_F_BUS_RESCAN:
		return iok_sf_rescan(sf, NULL, s);
	case N_F_DRIVERS_PROBE:
		return iok_sf_drivers_probe(sf, s);
	case N_F_DRV_BIND:
		return iok_sf_bind(sf, &sf->drivers[n->drv], s);
	case N_F_DRV_UNBIND:
		return iok_sf_unbind(sf, &sf->drivers[n->drv], s, job);
	case N_F_DRV_NEW_ID:
		return iok_sf_new_id(sf, &sf->drivers[n->drv], s);
	case N_F_DRV_REMOVE_ID:
		return iok_sf_remove_id(sf, &sf->drivers[n->drv], s);
	case N_F_DRV_UEVENT:
		return synth_uevent(sf, s);
	case N_F_GROUP_TYPE:
		return iok_sf_store_type(sf, n->rg, s, len);
	case N_F_PARAM_LIMIT:
		return parse_uint(s, &sf->vfio->dma_entry_limit);
	case N_F_PARAM_UNSAFE:
		rc = parse_bool(s, &sf->vfio->allow_unsafe_interrupts);
		return rc;
	default:
		return -EINVAL;
	}
}

IOK_EXPORT int iok_sysfs_write(struct iok_sysfs_file *f, const char *buf, size_t len,
			       struct iok_sysfs_job **job)
{
	_cleanup_free_ char *s = NULL;
	struct node n;
	int rc;

	if (!f || (!buf && len))
		return -EINVAL;
	if (job)
		*job = NULL;
	if (f->flags == IOK_O_RDONLY)
		return -EBADF;
	rc = reopen(f, &n);
	if (rc)
		return rc;
	/* kernfs hands the store at most a page, NUL-terminated. */
	if (len > 4095)
		len = 4095;
	/* sysfs_kf_write(): an empty write reaches no store method. */
	if (!len)
		return 0;
	s = strndup(buf, len);
	if (!s)
		return -ENOMEM;
	return store(f, &n, s, len, job);
}
