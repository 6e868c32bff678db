// SPDX-License-Identifier: MIT
/*
 * The PCI driver core of Linux 6.1 (drivers/base/dd.c, bus.c,
 * drivers/pci/pci-driver.c, pci-sysfs.c) over the IOMMU core: matching
 * with driver_override, really_probe() with the bus's dma_configure before
 * the driver's probe (spec runtime 4.3), the bind/unbind/drivers_probe
 * store methods with their errnos, remove and rescan through hot-plug, and
 * releases that block while user space holds the device.
 */
#include <ctype.h>

#include "lib/uapi/uapi-private.h"

/* Physical frames of process memory start above the 4 GiB of a small machine. */
#define USER_FRAMES_BASE 0x100000000ull

static struct sf_dev *SD(const struct iok_sysfs *sf, const struct iok_dev *dev)
{
	return &sf->devs[dev->index];
}

static bool sf_has_dev(const struct iok_sysfs *sf, const struct iok_dev *dev)
{
	return sf && dev && dev->topo == sf->topo;
}

/* ---- lifetime ------------------------------------------------------------ */

/*
 * Register a driver at the end of the bus's list, or, for @first_module,
 * ahead of every module (vfio-pci: the guest loads VFIO first, and the
 * list's order decides which of two matching drivers probes first).
 */
int iok_sf_register_driver(struct iok_sysfs *sf, const struct drv_model *model,
			   const struct drv_hooks *hooks, bool first_module)
{
	struct sf_driver *drv;
	unsigned int at = sf->nr_drivers;

	if (iok_sf_find_driver(sf, model->name))
		return iok_fail(sf->ctx, -EEXIST, "driver %s is registered already", model->name);
	if (sf->nr_drivers == sf->alloc_drivers) {
		unsigned int n = sf->alloc_drivers ? 2 * sf->alloc_drivers : 32;
		struct sf_driver *p = realloc(sf->drivers, n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		sf->drivers = p;
		sf->alloc_drivers = n;
	}
	if (first_module)
		for (at = 0; at < sf->nr_drivers && sf->drivers[at].model &&
			     sf->drivers[at].model->builtin; at++)
			;
	memmove(&sf->drivers[at + 1], &sf->drivers[at], (sf->nr_drivers - at) * sizeof(*drv));
	drv = &sf->drivers[at];
	memset(drv, 0, sizeof(*drv));
	drv->name = strdup(model->name);
	if (!drv->name) {
		memmove(&sf->drivers[at], &sf->drivers[at + 1],
			(sf->nr_drivers - at) * sizeof(*drv));
		return -ENOMEM;
	}
	drv->model = model;
	drv->managed_dma = model->managed_dma;
	drv->registered = true;
	drv->hooks = hooks;
	sf->nr_drivers++;
	return 0;
}

IOK_EXPORT int iok_sysfs_new(struct iok_machine *m, struct iok_sysfs **out)
{
	struct iok_sysfs *sf;
	unsigned int i;
	int rc;

	if (!m || !out)
		return -EINVAL;
	sf = calloc(1, sizeof(*sf));
	if (!sf)
		return -ENOMEM;
	sf->m = m;
	sf->topo = iok_machine_get_topo(m);
	sf->ctx = iok_topo_get_ctx(sf->topo);
	sf->kernel = sf->topo->params.kernel;
	sf->nr_devs = sf->topo->nr_devs;
	sf->next_frame = USER_FRAMES_BASE;
	sf->devs = calloc(sf->nr_devs + 1, sizeof(*sf->devs));
	if (!sf->devs) {
		free(sf);
		return -ENOMEM;
	}
	for (i = 0; i < iok_nr_drv_models; i++) {
		rc = iok_sf_register_driver(sf, &iok_drv_models[i], NULL, false);
		if (rc) {
			iok_sysfs_free(sf);
			return rc;
		}
	}
	*out = sf;
	return 0;
}

IOK_EXPORT void iok_sysfs_free(struct iok_sysfs *sf)
{
	struct iok_sysfs_job *job, *next;
	unsigned int i;

	if (!sf)
		return;
	/* Processes exit first: their fds hold VFIO objects. */
	while (sf->nr_procs)
		iok_proc_free(sf->procs[sf->nr_procs - 1]);
	free(sf->procs);
	iok_vfio_free(sf->vfio);
	for (job = sf->jobs; job; job = next) {
		next = job->next_job;
		job->sf = NULL;
		if (job->orphan) {
			free(job->devs);
			free(job);
		} else if (!job->done) {
			job->done = true;
			job->rc = -ENODEV;
		}
	}
	for (i = 0; i < sf->nr_drivers; i++) {
		free(sf->drivers[i].name);
		free(sf->drivers[i].extra_ids);
		free(sf->drivers[i].dynids);
	}
	free(sf->drivers);
	for (i = 0; i < sf->nr_devs; i++)
		free(sf->devs[i].override);
	free(sf->devs);
	free(sf);
}

IOK_EXPORT struct iok_machine *iok_sysfs_get_machine(const struct iok_sysfs *sf)
{
	return sf ? sf->m : NULL;
}

IOK_EXPORT struct iok_vfio *iok_sysfs_get_vfio(const struct iok_sysfs *sf)
{
	return sf ? sf->vfio : NULL;
}

/* ---- lookups --------------------------------------------------------------- */

struct sf_driver *iok_sf_find_driver(const struct iok_sysfs *sf, const char *name)
{
	unsigned int i;

	for (i = 0; i < sf->nr_drivers; i++)
		if (sf->drivers[i].registered && !strcmp(sf->drivers[i].name, name))
			return &sf->drivers[i];
	return NULL;
}

struct sf_driver *iok_sf_dev_driver(const struct iok_sysfs *sf, const struct iok_dev *dev)
{
	const char *name = iok_dev_get_bound_driver(sf->m, dev);

	return name ? iok_sf_find_driver(sf, name) : NULL;
}

static bool present(const struct iok_sysfs *sf, const struct iok_dev *dev)
{
	return iok_dev_is_pci(dev) && iok_machine_dev_is_present(sf->m, dev);
}

/* bus_find_device_by_name(): sysfs_streq() with the device's full name. */
struct iok_dev *iok_sf_find_dev(const struct iok_sysfs *sf, const char *name)
{
	size_t len = strlen(name);
	struct iok_dev *dev;

	if (len && name[len - 1] == '\n')
		len--;
	iok_dev_foreach(sf->topo, dev) {
		const char *n = iok_dev_get_name(dev);

		if (present(sf, dev) && strlen(n) == len && !strncmp(n, name, len))
			return dev;
	}
	return NULL;
}

IOK_EXPORT const char *iok_sysfs_get_driver(const struct iok_sysfs *sf,
					    const struct iok_dev *dev)
{
	if (!sf_has_dev(sf, dev) || !present(sf, dev) || SD(sf, dev)->releasing)
		return NULL;
	return iok_dev_get_bound_driver(sf->m, dev);
}

IOK_EXPORT const char *iok_sysfs_get_override(const struct iok_sysfs *sf,
					      const struct iok_dev *dev)
{
	return sf_has_dev(sf, dev) ? SD(sf, dev)->override : NULL;
}

IOK_EXPORT bool iok_sysfs_dev_is_removed(const struct iok_sysfs *sf, const struct iok_dev *dev)
{
	return sf_has_dev(sf, dev) && SD(sf, dev)->removed;
}

/* ---- matching and probing --------------------------------------------------- */

static bool has_extra_id(const struct sf_driver *drv, const struct iok_dev *dev)
{
	unsigned int i;

	for (i = 0; i < drv->nr_extra; i++)
		if (drv->extra_ids[i] == dev->index)
			return true;
	return false;
}

static void dev_ids(const struct iok_dev *dev, struct pci_ids *id)
{
	id->vendor = iok_dev_get_vendor(dev);
	id->device = iok_dev_get_device(dev);
	id->subvendor = iok_dev_get_subvendor(dev);
	id->subdevice = iok_dev_get_subdevice(dev);
	id->class = iok_dev_get_class(dev);
}

/* pci_match_one_device() for a dynamic ID. */
static bool dynid_match(const struct dyn_id *d, const struct pci_ids *id)
{
	return (d->vendor == PCI_ANY_ID || d->vendor == id->vendor) &&
	       (d->device == PCI_ANY_ID || d->device == id->device) &&
	       (d->subvendor == PCI_ANY_ID || d->subvendor == id->subvendor) &&
	       (d->subdevice == PCI_ANY_ID || d->subdevice == id->subdevice) &&
	       !((d->class ^ id->class) & d->class_mask);
}

/*
 * pci_match_device(): with an override, only that driver; dynamic IDs,
 * then the static table (whose override-only entries need an override),
 * and an override always matches. @dev is NULL for new_id's pretend device.
 */
static bool ids_match(const struct iok_sysfs *sf, const struct sf_driver *drv,
		      const struct iok_dev *dev, const struct pci_ids *id)
{
	const char *ov = dev ? SD(sf, dev)->override : NULL;
	const struct drv_model *mo = drv->model;
	unsigned int i;

	if (ov && strcmp(ov, drv->name))
		return false;
	for (i = 0; i < drv->nr_dynids; i++)
		if (dynid_match(&drv->dynids[i], id))
			return true;
	if (mo && mo->match && !mo->override_only && mo->match(id))
		return true;
	if (dev && has_extra_id(drv, dev))
		return true;
	return ov != NULL;
}

static bool driver_match(const struct iok_sysfs *sf, const struct sf_driver *drv,
			 const struct iok_dev *dev)
{
	struct pci_ids id;

	dev_ids(dev, &id);
	return ids_match(sf, drv, dev, &id);
}

static int driver_probe_fn(struct iok_sysfs *sf, const struct sf_driver *drv,
			   struct iok_dev *dev)
{
	if (drv->hooks && drv->hooks->probe)
		return drv->hooks->probe(drv->hooks->arg, dev);
	if (drv->model && drv->model->probe)
		return drv->model->probe(sf, dev);
	return 0;
}

/*
 * really_probe(): the bus's dma_configure (iommu_device_use_default_domain()
 * unless driver_managed_dma), then the driver's probe; a failed probe is
 * undone. *@probe_failed tells the driver's own failure from the bus's,
 * which callers treat differently.
 */
static int really_probe(struct iok_sysfs *sf, const struct sf_driver *drv,
			struct iok_dev *dev, bool *probe_failed)
{
	char saved[sizeof(sf->ctx->error)];
	int rc;

	*probe_failed = false;
	rc = iok_device_bind_driver(sf->m, dev, drv->name, drv->managed_dma);
	if (rc)
		return rc;
	rc = driver_probe_fn(sf, drv, dev);
	if (!rc)
		return 0;
	*probe_failed = true;
	memcpy(saved, sf->ctx->error, sizeof(saved));
	iok_device_unbind_driver(sf->m, dev);
	memcpy(sf->ctx->error, saved, sizeof(saved));
	if (rc != -ENODEV && rc != -ENXIO && sf->ctx->error[0] == 0)
		iok_fail(sf->ctx, rc, "%s: probe of %s failed with error %d", drv->name,
			 iok_dev_get_name(dev), rc);
	return rc;
}

/*
 * __device_attach(): the first registered driver that matches and probes
 * wins. The driver's own failure lets the next one try; the bus's
 * (dma_configure: -EBUSY into an owned group, -EPROBE_DEFER) ends the walk.
 * Return: 1 bound, 0 no driver, or the bus's negative errno.
 */
static int device_attach(struct iok_sysfs *sf, struct iok_dev *dev)
{
	unsigned int i;

	if (iok_dev_get_bound_driver(sf->m, dev))
		return 1;
	for (i = 0; i < sf->nr_drivers; i++) {
		const struct sf_driver *drv = &sf->drivers[i];
		bool probe_failed;
		int rc;

		if (!drv->registered || !driver_match(sf, drv, dev))
			continue;
		rc = really_probe(sf, drv, dev, &probe_failed);
		if (!rc)
			return 1;
		if (!probe_failed)
			return rc;
	}
	return 0;
}

IOK_EXPORT int iok_sysfs_boot_probe(struct iok_sysfs *sf)
{
	struct iok_dev *dev;
	int bound = 0;

	if (!sf)
		return -EINVAL;
	iok_dev_foreach(sf->topo, dev)
		if (present(sf, dev) && device_attach(sf, dev) == 1)
			bound++;
	return bound;
}

static bool release_would_block(struct iok_sysfs *sf, struct iok_dev *dev);
static int device_release(struct iok_sysfs *sf, struct iok_dev *dev);

static int add_extra_id(struct sf_driver *drv, const struct iok_dev *dev)
{
	unsigned int *p;

	if (has_extra_id(drv, dev))
		return 0;
	p = realloc(drv->extra_ids, (drv->nr_extra + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	drv->extra_ids = p;
	drv->extra_ids[drv->nr_extra++] = dev->index;
	return 0;
}

/* A driver the model does not know: a DMA-API driver with an empty ID table. */
static int register_unknown(struct iok_sysfs *sf, const char *name, struct sf_driver **out)
{
	struct drv_model tmp = { .name = name };
	int rc = iok_sf_register_driver(sf, &tmp, NULL, false);

	if (rc)
		return rc;
	*out = &sf->drivers[sf->nr_drivers - 1];
	(*out)->model = NULL;
	return 0;
}

/* A boot-time unbind: nothing holds the device yet, so it never waits. */
static int boot_unbind(struct iok_sysfs *sf, struct iok_dev *dev)
{
	if (!iok_dev_get_bound_driver(sf->m, dev))
		return 0;
	if (release_would_block(sf, dev))
		return iok_fail(sf->ctx, -EBUSY, "%s: its VFIO device is open",
				iok_dev_get_name(dev));
	return device_release(sf, dev);
}

IOK_EXPORT int iok_sysfs_boot_bind(struct iok_sysfs *sf, struct iok_dev *dev, const char *driver)
{
	const char *cur;
	struct sf_driver *drv;
	bool probe_failed;
	int rc;

	if (!sf_has_dev(sf, dev))
		return -EINVAL;
	if (!present(sf, dev))
		return iok_fail(sf->ctx, -ENODEV, "%s is not present", iok_dev_get_name(dev));
	cur = iok_dev_get_bound_driver(sf->m, dev);
	if (!driver || !*driver || !strcmp(driver, "-"))
		return boot_unbind(sf, dev);
	if (cur && !strcmp(cur, driver))
		return 0;
	drv = iok_sf_find_driver(sf, driver);
	if (!drv) {
		rc = register_unknown(sf, driver, &drv);
		if (rc)
			return rc;
	}
	if (!driver_match(sf, drv, dev)) {
		rc = add_extra_id(drv, dev);
		if (rc)
			return rc;
	}
	if (!driver_match(sf, drv, dev))
		return iok_fail(sf->ctx, -ENODEV, "%s: driver_override is %s, not %s",
				iok_dev_get_name(dev), SD(sf, dev)->override, driver);
	rc = boot_unbind(sf, dev);
	if (rc)
		return rc;
	return really_probe(sf, drv, dev, &probe_failed);
}

/* ---- the store methods --------------------------------------------------------- */

/* driver_set_override(): up to a newline; empty or "\n" clears it. */
int iok_sf_store_override(struct iok_sysfs *sf, struct iok_dev *dev, const char *buf, size_t len)
{
	struct sf_dev *sd = SD(sf, dev);
	size_t n;
	char *new;

	if (len >= 4096 - 1)
		return iok_fail(sf->ctx, -EINVAL, "driver_override: %zu bytes", len);
	n = strnlen(buf, len);
	n = strcspn(buf, "\n") < n ? strcspn(buf, "\n") : n;
	new = n ? strndup(buf, n) : NULL;
	if (n && !new)
		return -ENOMEM;
	free(sd->override);
	sd->override = new;
	return 0;
}

/* bind_store() and device_driver_attach(). */
int iok_sf_bind(struct iok_sysfs *sf, struct sf_driver *drv, const char *buf)
{
	struct iok_dev *dev = iok_sf_find_dev(sf, buf);
	bool probe_failed;
	int rc;

	if (!dev || !driver_match(sf, drv, dev))
		return iok_fail(sf->ctx, -ENODEV, "%s: no such device, or %s does not match it",
				drv->name, drv->name);
	/* A release in progress holds the device lock; the model does not wait. */
	if (iok_dev_get_bound_driver(sf->m, dev))
		return iok_fail(sf->ctx, -EBUSY, "%s is bound to %s", iok_dev_get_name(dev),
				iok_dev_get_bound_driver(sf->m, dev));
	rc = really_probe(sf, drv, dev, &probe_failed);
	if (rc == -IOK_EPROBE_DEFER)
		return -EAGAIN;
	return rc;
}

/* drivers_probe_store(): whatever failed, the write says -EINVAL. */
int iok_sf_drivers_probe(struct iok_sysfs *sf, const char *buf)
{
	struct iok_dev *dev = iok_sf_find_dev(sf, buf);
	int rc;

	if (!dev)
		return iok_fail(sf->ctx, -ENODEV, "drivers_probe: no device %.*s",
				(int)strcspn(buf, "\n"), buf);
	/* bus_rescan_devices_helper() looks at dev->driver without the lock. */
	if (iok_dev_get_bound_driver(sf->m, dev))
		return 0;
	rc = device_attach(sf, dev);
	if (rc < 0)
		return iok_fail_prefix(sf->ctx, -EINVAL, "drivers_probe");
	return 0;
}

/* sscanf("%x %x ...") as the kernel reads IDs: the count of fields converted. */
static int scan_ids(const char *buf, uint32_t *v, int max)
{
	const char *p = buf;
	int n = 0;

	while (n < max) {
		unsigned long x;
		char *end;

		p += strspn(p, " \t\n");
		if (!isxdigit((unsigned char)*p))
			break;
		x = strtoul(p, &end, 16);
		if (end == p)
			break;
		v[n++] = (uint32_t)x;
		p = end;
	}
	return n;
}

/* driver_attach(): every unbound device the driver now matches; failures are quiet. */
static void driver_attach(struct iok_sysfs *sf, struct sf_driver *drv)
{
	struct iok_dev *dev;
	bool probe_failed;

	iok_dev_foreach(sf->topo, dev) {
		if (!present(sf, dev) || iok_dev_get_bound_driver(sf->m, dev) ||
		    !driver_match(sf, drv, dev))
			continue;
		really_probe(sf, drv, dev, &probe_failed);
	}
}

/*
 * new_id_store(): "VVVV DDDD [SVVV SDDD CCCC MMMM DATA]". Without all seven
 * fields an ID the driver matches already is -EEXIST (pci_match_device()
 * of a pretend device); the new ID then binds what it matches.
 */
int iok_sf_new_id(struct iok_sysfs *sf, struct sf_driver *drv, const char *buf)
{
	uint32_t f[7] = { 0, 0, PCI_ANY_ID, PCI_ANY_ID, 0, 0, 0 };
	int n = scan_ids(buf, f, 7);
	struct dyn_id *p, d;

	if (n < 2)
		return iok_fail(sf->ctx, -EINVAL, "new_id: '%.*s' is not VENDOR DEVICE ...",
				(int)strcspn(buf, "\n"), buf);
	d = (struct dyn_id){ f[0], f[1], f[2], f[3], f[4], f[5] };
	if (n != 7) {
		struct pci_ids id = { f[0], f[1], f[2], f[3], f[4] };

		if (ids_match(sf, drv, NULL, &id))
			return iok_fail(sf->ctx, -EEXIST, "new_id: %s matches %04x:%04x already",
					drv->name, f[0], f[1]);
	}
	p = realloc(drv->dynids, (drv->nr_dynids + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	drv->dynids = p;
	drv->dynids[drv->nr_dynids++] = d;
	driver_attach(sf, drv);
	return 0;
}

/* remove_id_store(): the first dynamic ID that matches, or -ENODEV. */
int iok_sf_remove_id(struct iok_sysfs *sf, struct sf_driver *drv, const char *buf)
{
	uint32_t f[6] = { 0, 0, PCI_ANY_ID, PCI_ANY_ID, 0, 0 };
	int n = scan_ids(buf, f, 6);
	unsigned int i;

	if (n < 2)
		return iok_fail(sf->ctx, -EINVAL, "remove_id: '%.*s' is not VENDOR DEVICE ...",
				(int)strcspn(buf, "\n"), buf);
	for (i = 0; i < drv->nr_dynids; i++) {
		const struct dyn_id *d = &drv->dynids[i];

		if (d->vendor == f[0] && d->device == f[1] &&
		    (f[2] == PCI_ANY_ID || d->subvendor == f[2]) &&
		    (f[3] == PCI_ANY_ID || d->subdevice == f[3]) &&
		    !((d->class ^ f[4]) & f[5])) {
			memmove(&drv->dynids[i], &drv->dynids[i + 1],
				(drv->nr_dynids - i - 1) * sizeof(*d));
			drv->nr_dynids--;
			return 0;
		}
	}
	return iok_fail(sf->ctx, -ENODEV, "remove_id: %s has no such dynamic ID", drv->name);
}

/* ---- releases and jobs -------------------------------------------------------- */

static struct iok_sysfs_job *job_new(struct iok_sysfs *sf, enum job_kind kind)
{
	struct iok_sysfs_job *job = calloc(1, sizeof(*job));

	if (!job)
		return NULL;
	job->sf = sf;
	job->kind = kind;
	job->next_job = sf->jobs;
	sf->jobs = job;
	return job;
}

static void job_unlink(struct iok_sysfs_job *job)
{
	struct iok_sysfs_job **pp;

	if (!job->sf)
		return;
	for (pp = &job->sf->jobs; *pp && *pp != job; pp = &(*pp)->next_job)
		;
	if (*pp)
		*pp = job->next_job;
}

static void job_finish(struct iok_sysfs_job *job, int rc)
{
	job->done = true;
	job->rc = rc;
	job->waiting = NULL;
	job_unlink(job);
	if (job->orphan) {
		free(job->devs);
		free(job);
	}
}

static bool release_would_block(struct iok_sysfs *sf, struct iok_dev *dev)
{
	struct sf_driver *drv = iok_sf_dev_driver(sf, dev);

	if (SD(sf, dev)->releasing)
		return true;
	return drv && drv->hooks && drv->hooks->would_block &&
	       drv->hooks->would_block(drv->hooks->arg, dev);
}

/*
 * device_release_driver(): the "driver" link goes, then the driver's remove,
 * which may wait for user space, then the bus's dma_cleanup.
 * Return: 0, or IOK_SYSFS_BLOCKED with the release left to
 * iok_sysfs_release_done().
 */
static int device_release(struct iok_sysfs *sf, struct iok_dev *dev)
{
	struct sf_driver *drv = iok_sf_dev_driver(sf, dev);
	int rc = 0;

	if (SD(sf, dev)->releasing)
		return IOK_SYSFS_BLOCKED;
	if (!iok_dev_get_bound_driver(sf->m, dev))
		return 0;
	if (drv && drv->hooks && drv->hooks->remove) {
		SD(sf, dev)->releasing = true;
		rc = drv->hooks->remove(drv->hooks->arg, dev);
		if (rc == IOK_SYSFS_BLOCKED)
			return rc;
		SD(sf, dev)->releasing = false;
	}
	iok_device_unbind_driver(sf->m, dev);
	return 0;
}

static int remove_step(struct iok_sysfs_job *job);

void iok_sysfs_release_done(struct iok_sysfs *sf, struct iok_dev *dev)
{
	struct iok_sysfs_job *job, *next;

	if (!SD(sf, dev)->releasing)
		return;
	SD(sf, dev)->releasing = false;
	iok_device_unbind_driver(sf->m, dev);
	for (job = sf->jobs; job; job = next) {
		next = job->next_job;
		if (job->waiting != dev)
			continue;
		job->waiting = NULL;
		if (job->kind == JOB_UNBIND)
			job_finish(job, 0);
		else
			remove_step(job);
		/* The list may have changed under a finished or advanced job. */
		next = sf->jobs;
	}
}

/* A job that waits for @dev's release (already started or about to be). */
static int wait_release(struct iok_sysfs *sf, struct iok_dev *dev, struct iok_sysfs_job **out)
{
	struct iok_sysfs_job *job = job_new(sf, JOB_UNBIND);

	if (!job)
		return -ENOMEM;
	job->waiting = dev;
	*out = job;
	return IOK_SYSFS_BLOCKED;
}

/* unbind_store(): the device must be bound to this very driver. */
int iok_sf_unbind(struct iok_sysfs *sf, struct sf_driver *drv, const char *buf,
		  struct iok_sysfs_job **job)
{
	struct iok_dev *dev = iok_sf_find_dev(sf, buf);
	int rc;

	if (!dev || iok_sf_dev_driver(sf, dev) != drv)
		return iok_fail(sf->ctx, -ENODEV, "%s: no such device bound to it", drv->name);
	if (release_would_block(sf, dev)) {
		if (!job)
			return iok_fail(sf->ctx, -EDEADLK,
					"unbinding %s from %s waits for its VFIO device fd",
					drv->name, iok_dev_get_name(dev));
		rc = wait_release(sf, dev, job);
		if (rc == IOK_SYSFS_BLOCKED && !SD(sf, dev)->releasing)
			device_release(sf, dev);
		return rc;
	}
	return device_release(sf, dev);
}

/* Children of a bridge, registration order. */
static void collect_stop_order(struct iok_sysfs *sf, struct iok_dev *dev,
			       struct iok_dev **list, unsigned int *n)
{
	struct iok_dev *d, *kids[256];
	unsigned int nk = 0;

	iok_dev_foreach(sf->topo, d)
		if (iok_dev_get_parent(d) == dev && present(sf, d) && nk < ARRAY_SIZE(kids))
			kids[nk++] = d;
	/* pci_stop_bus_device(): children in reverse, then the device itself. */
	while (nk--)
		collect_stop_order(sf, kids[nk], list, n);
	list[(*n)++] = dev;
}

/* The stop phase went through: remove children before their bridge. */
static int remove_devices(struct iok_sysfs *sf, struct iok_dev **devs, unsigned int n)
{
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++) {
		struct iok_dev *d = devs[i];

		if (!present(sf, d))
			continue;
		rc = iok_machine_hotplug_remove(sf->m, d);
		if (rc)
			return rc;
		/* The pci_dev goes: a rescan makes a new one, without override. */
		free(SD(sf, d)->override);
		SD(sf, d)->override = NULL;
		SD(sf, d)->removed = true;
	}
	return 0;
}

static int remove_step(struct iok_sysfs_job *job)
{
	struct iok_sysfs *sf = job->sf;

	for (; job->next < job->nr_devs; job->next++) {
		struct iok_dev *d = job->devs[job->next];

		if (!present(sf, d))
			continue;
		if (device_release(sf, d) == IOK_SYSFS_BLOCKED) {
			job->waiting = d;
			job->next++;
			return IOK_SYSFS_BLOCKED;
		}
	}
	job_finish(job, remove_devices(sf, job->devs, job->nr_devs));
	return 0;
}

/* remove_store(): pci_stop_and_remove_bus_device() of the device and its subtree. */
int iok_sf_remove(struct iok_sysfs *sf, struct iok_dev *dev, const char *buf,
		  struct iok_sysfs_job **out)
{
	struct iok_sysfs_job *job;
	unsigned long val;
	unsigned int i;
	char *end;
	int rc;

	val = strtoul(buf, &end, 0);
	if (end == buf || (*end && strcmp(end, "\n")))
		return iok_fail(sf->ctx, -EINVAL, "remove: '%.*s' is not a number",
				(int)strcspn(buf, "\n"), buf);
	if (!val)
		return 0;
	job = job_new(sf, JOB_REMOVE);
	if (!job)
		return -ENOMEM;
	job->devs = calloc(sf->nr_devs + 1, sizeof(*job->devs));
	if (!job->devs) {
		job->orphan = true;
		job_finish(job, -ENOMEM);
		return -ENOMEM;
	}
	collect_stop_order(sf, dev, job->devs, &job->nr_devs);
	for (i = 0; !out && i < job->nr_devs; i++) {
		struct iok_dev *d = job->devs[i];

		if (present(sf, d) && release_would_block(sf, d)) {
			job->orphan = true;
			job_finish(job, 0);
			return iok_fail(sf->ctx, -EDEADLK,
					"removing %s waits until the VFIO device of %s is closed",
					iok_dev_get_name(dev), iok_dev_get_name(d));
		}
	}
	rc = remove_step(job);
	if (rc == IOK_SYSFS_BLOCKED) {
		*out = job;
		return rc;
	}
	rc = job->rc;
	job->orphan = true;
	job_finish(job, rc);
	return rc;
}

/* Whether @d sits below the bus of @where (NULL: any). */
static bool below(const struct iok_dev *d, const struct iok_dev *where)
{
	const struct iok_dev *bridge = where ? iok_dev_get_parent(where) : NULL;
	const struct iok_dev *p;

	if (!where)
		return true;
	if (!bridge)
		return iok_dev_get_domain(d) == iok_dev_get_domain(where);
	for (p = iok_dev_get_parent(d); p; p = iok_dev_get_parent(p))
		if (p == bridge)
			return true;
	return false;
}

/*
 * pci_rescan_bus(): the devices removed through sysfs come back, each
 * probed into its group as pci_device_add() does it, then the drivers
 * probe (pci_bus_add_devices()); a refused probe only logs "device attach
 * failed".
 */
int iok_sf_rescan(struct iok_sysfs *sf, struct iok_dev *where, const char *buf)
{
	_cleanup_free_ struct iok_dev **added = NULL;
	unsigned int n = 0, i;
	struct iok_dev *d;
	unsigned long val;
	char *end;

	val = strtoul(buf, &end, 0);
	if (end == buf || (*end && strcmp(end, "\n")))
		return iok_fail(sf->ctx, -EINVAL, "rescan: '%.*s' is not a number",
				(int)strcspn(buf, "\n"), buf);
	if (!val)
		return 0;
	added = calloc(sf->nr_devs + 1, sizeof(*added));
	if (!added)
		return -ENOMEM;
	iok_dev_foreach(sf->topo, d) {
		struct iok_dev *parent = iok_dev_get_parent(d);

		if (!SD(sf, d)->removed || !below(d, where) ||
		    (parent && !present(sf, parent)))
			continue;
		/* A failed IOMMU probe still leaves the device present. */
		iok_machine_hotplug_add(sf->m, d);
		if (!iok_machine_dev_is_present(sf->m, d))
			continue;
		SD(sf, d)->removed = false;
		added[n++] = d;
	}
	for (i = 0; i < n; i++) {
		int rc = device_attach(sf, added[i]);

		if (rc < 0)
			info(sf->ctx, "%s: device attach failed (%d)",
			     iok_dev_get_name(added[i]), rc);
	}
	return 0;
}

int iok_sf_store_type(struct iok_sysfs *sf, struct iok_rgroup *rg, const char *buf, size_t len)
{
	_cleanup_free_ char *s = strndup(buf, len);

	if (!s)
		return -ENOMEM;
	return iok_group_set_default_type(rg, s);
}

/* ---- jobs ------------------------------------------------------------------------ */

IOK_EXPORT bool iok_sysfs_job_poll(const struct iok_sysfs_job *job, int *rc)
{
	if (!job || !job->done)
		return false;
	if (rc)
		*rc = job->rc;
	return true;
}

IOK_EXPORT void iok_sysfs_job_free(struct iok_sysfs_job *job)
{
	if (!job)
		return;
	if (!job->done && job->sf) {
		job->orphan = true;
		return;
	}
	free(job->devs);
	free(job);
}
