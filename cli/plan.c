// SPDX-License-Identifier: MIT
/*
 * The passthrough plan, made from the topology and the host facts without
 * touching the host.
 *
 * The kernel gives a group to VFIO only when every device in it is unbound
 * or bound to a driver that sets driver_managed_dma (spec runtime 4.3, 4.4,
 * 8.6): claiming the group while another driver uses the DMA API fails
 * -EPERM, which QEMU reports as "group N is not viable". So every member on
 * a DMA-API driver must leave it; endpoints go to vfio-pci, which also keeps
 * kernel drivers off while the group is owned. Bridges cannot: vfio-pci binds
 * only normal-header functions, so a bridge stays on pcieport (which does no
 * DMA) or without a driver.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/plan.h"

bool plan_driver_managed(const char *driver)
{
	static const char *const names[] = { "vfio-pci", "pci-stub", "pci-pf-stub", "pcieport" };
	size_t n, i;

	if (!driver)
		return false;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(driver, names[i]))
			return true;
	/* VFIO variant drivers: mlx5_vfio_pci, hisi_acc_vfio_pci, xe-vfio-pci, ... */
	n = strlen(driver);
	return n > 8 && (!strcmp(driver + n - 8, "vfio_pci") ||
			 !strcmp(driver + n - 8, "vfio-pci"));
}

static bool is_vfio(const char *driver)
{
	return driver && !strcmp(driver, "vfio-pci");
}

/* ---- groups and members ------------------------------------------------ */

static struct plan_member *add_member(struct plan_group *grp)
{
	struct plan_member *m = realloc(grp->members, (grp->nr_members + 1) * sizeof(*m));

	if (!m)
		return NULL;
	grp->members = m;
	m += grp->nr_members++;
	memset(m, 0, sizeof(*m));
	return m;
}

static void fill_pci_member(struct plan_member *m, const struct host *h,
			    const struct iok_dev *d)
{
	m->dev = d;
	m->name = iok_dev_get_name(d);
	m->driver = iok_dev_get_driver(d);
	m->facts = host_find_dev(h, m->name);
	m->override = m->facts ? m->facts->override : NULL;
	m->bridge = iok_dev_is_bridge(d);
}

/* Members from the group's devices directory, or the topology's links without one. */
static int fill_group(struct iok_topo *topo, const struct host *h, struct plan_group *grp)
{
	struct host_member *hm;
	struct plan_member *m;
	struct iok_dev *d;
	unsigned int i;
	int rc;

	rc = host_group_members(h, grp->id, &grp->listing, &grp->nr_listing);
	if (rc)
		return rc;
	for (i = 0; i < grp->nr_listing; i++) {
		hm = &grp->listing[i];
		if (!(m = add_member(grp)))
			return -ENOMEM;
		if (hm->pci && !iok_dev_find(topo, hm->name, &d)) {
			fill_pci_member(m, h, d);
			continue;
		}
		m->name = hm->name;
		m->driver = hm->driver;
	}
	if (grp->nr_listing)
		return 0;
	iok_dev_foreach(topo, d) {
		if (iok_dev_get_kernel_group(d) != grp->id)
			continue;
		if (!(m = add_member(grp)))
			return -ENOMEM;
		fill_pci_member(m, h, d);
	}
	return 0;
}

static struct plan_group *find_group(struct plan *p, const struct iok_dev *d, int id)
{
	unsigned int i, j;

	for (i = 0; i < p->nr_groups; i++) {
		struct plan_group *grp = &p->groups[i];

		if (id >= 0 && grp->id == id)
			return grp;
		for (j = 0; id < 0 && j < grp->nr_members; j++)
			if (grp->members[j].dev == d)
				return grp;
	}
	return NULL;
}

static struct plan_group *new_group(struct plan *p, int id)
{
	struct plan_group *grp = realloc(p->groups, (p->nr_groups + 1) * sizeof(*grp));

	if (!grp)
		return NULL;
	p->groups = grp;
	grp += p->nr_groups++;
	memset(grp, 0, sizeof(*grp));
	grp->id = id;
	grp->computed_id = -1;
	return grp;
}

/* The member's action, by the viability rule. */
static void decide(struct plan_member *m)
{
	m->managed = plan_driver_managed(m->driver);
	m->blocks = m->driver && !m->managed;
	if (!m->dev) {
		m->action = m->blocks ? PLAN_IMPOSSIBLE : PLAN_STAY;
		m->reason = m->blocks ? PLAN_R_NOT_PCI : m->driver ? PLAN_R_MANAGED : PLAN_R_NO_DRIVER;
		return;
	}
	if (m->requested && m->bridge) {
		m->action = PLAN_IMPOSSIBLE;
		m->reason = PLAN_R_BRIDGE;
		return;
	}
	if (m->requested && !is_vfio(m->driver)) {
		m->action = PLAN_TO_VFIO;
		m->reason = PLAN_R_REQUESTED;
		return;
	}
	if (m->blocks) {
		m->action = m->bridge ? PLAN_UNBIND : PLAN_TO_VFIO;
		m->reason = m->bridge ? PLAN_R_BRIDGE_DMA_API : PLAN_R_DMA_API;
		return;
	}
	m->action = PLAN_STAY;
	m->reason = is_vfio(m->driver) ? PLAN_R_ON_VFIO :
		    m->driver ? PLAN_R_MANAGED : PLAN_R_NO_DRIVER;
}

static bool same_members(const struct plan_group *grp, const struct iok_group *cg)
{
	unsigned int i, j, pci = 0;

	for (i = 0; i < grp->nr_members; i++) {
		if (!grp->members[i].dev)
			continue;
		pci++;
		for (j = 0; j < iok_group_count_devs(cg); j++)
			if (iok_group_get_dev(cg, j) == grp->members[i].dev)
				break;
		if (j == iok_group_count_devs(cg))
			return false;
	}
	return pci == iok_group_count_devs(cg);
}

/* iommukit's own group for the device, kept when its members differ from the kernel's. */
static int compare_computed(const struct iok_grouping *g, struct plan_group *grp,
			    const struct iok_dev *d)
{
	const struct iok_group *cg = iok_dev_get_group(g, d);
	unsigned int i, n;

	if (!cg)
		return 0;
	grp->computed_id = iok_group_get_id(cg);
	if (same_members(grp, cg))
		return 0;
	n = iok_group_count_devs(cg);
	grp->computed = calloc(n, sizeof(*grp->computed));
	if (!grp->computed)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		grp->computed[i] = iok_group_get_dev(cg, i);
	grp->nr_computed = n;
	return 0;
}

static int plan_device(struct iok_topo *topo, const struct iok_grouping *g, const struct host *h,
		       struct plan *p, struct iok_dev *d)
{
	int id = p->no_iommu ? -1 : iok_dev_get_kernel_group(d);
	struct plan_group *grp = find_group(p, d, id);
	struct plan_member *m;
	unsigned int i;
	int rc;

	if (!grp) {
		grp = new_group(p, id < 0 ? -1 : id);
		if (!grp)
			return -ENOMEM;
		if (id >= 0) {
			rc = fill_group(topo, h, grp);
			if (!rc)
				rc = compare_computed(g, grp, d);
			if (rc)
				return rc;
		} else if ((m = add_member(grp))) {
			fill_pci_member(m, h, d);
		} else {
			return -ENOMEM;
		}
	}
	for (i = 0; i < grp->nr_members; i++)
		if (grp->members[i].dev == d)
			grp->members[i].requested = true;
	/* A function the group directory does not list: the kernel lists what it groups. */
	if (id >= 0 && !find_group(p, d, -1)) {
		if (!(m = add_member(grp)))
			return -ENOMEM;
		fill_pci_member(m, h, d);
		m->requested = true;
	}
	return 0;
}

static void decide_group(struct plan *p, struct plan_group *grp)
{
	unsigned int i;

	grp->viable_now = grp->id >= 0;
	grp->viable_after = grp->id >= 0;
	for (i = 0; i < grp->nr_members; i++) {
		struct plan_member *m = &grp->members[i];

		decide(m);
		if (grp->id < 0) {
			m->action = PLAN_IMPOSSIBLE;
			m->reason = p->no_iommu ? PLAN_R_NO_IOMMU : PLAN_R_NO_GROUP;
			m->blocks = false;	/* there is no group to block */
		}
		if (m->blocks)
			grp->viable_now = false;
		if (m->action == PLAN_IMPOSSIBLE) {
			grp->viable_after = false;
			p->impossible = true;
		}
	}
}

/* ---- warnings ---------------------------------------------------------- */

static int warn_add(struct plan *p, enum plan_warn_kind kind, bool critical,
		    const struct plan_member *m, char *text)
{
	struct plan_warning *w;
	unsigned int i;

	if (!text)
		return -ENOMEM;
	for (i = 0; i < p->nr_warnings; i++)
		if (p->warnings[i].member == m && !strcmp(p->warnings[i].text, text)) {
			free(text);
			return 0;
		}
	w = realloc(p->warnings, (p->nr_warnings + 1) * sizeof(*w));
	if (!w) {
		free(text);
		return -ENOMEM;
	}
	p->warnings = w;
	w += p->nr_warnings++;
	w->kind = kind;
	w->critical = critical;
	w->member = m;
	w->text = text;
	return 0;
}

static __attribute__((format(printf, 1, 2))) char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, f);
	n = vasprintf(&s, f, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

static bool system_mount(const char *mnt)
{
	static const char *const sys[] = { "/boot", "/boot/efi", "/usr", "/var" };
	unsigned int i;

	for (i = 0; i < sizeof(sys) / sizeof(sys[0]); i++)
		if (!strcmp(mnt, sys[i]))
			return true;
	return false;
}

/*
 * One warning per mount that the system needs; the others (a host with
 * containers has hundreds of bind mounts) are summed up in one.
 */
static int warn_mounts(struct plan *p, const struct plan_member *m)
{
	const struct host_use *first = NULL, *u;
	unsigned int i, others = 0;
	int rc = 0;

	for (i = 0; !rc && i < m->facts->nr_uses; i++) {
		u = &m->facts->uses[i];
		if (u->kind != HOST_MOUNT)
			continue;
		if (!strcmp(u->mnt, "/"))
			rc = warn_add(p, PLAN_W_ROOT_DISK, true, m,
				      fmt("%s holds the root filesystem (/)", u->dev));
		else if (system_mount(u->mnt))
			rc = warn_add(p, PLAN_W_SYSTEM_DISK, true, m,
				      fmt("%s is mounted on %s", u->dev, u->mnt));
		else if (!first)
			first = u;
		else
			others++;
	}
	if (rc)
		return rc;
	if (!first)
		return 0;
	if (others)
		return warn_add(p, PLAN_W_MOUNTED, false, m,
				fmt("%s is mounted on %s (and %u more mounts)", first->dev,
				    first->mnt, others));
	return warn_add(p, PLAN_W_MOUNTED, false, m,
			fmt("%s is mounted on %s", first->dev, first->mnt));
}

static int warn_netdev(struct plan *p, const struct plan_member *m, const struct host_use *u)
{
	if (u->kind != HOST_NETDEV)
		return 0;
	if (u->default_route)
		return warn_add(p, PLAN_W_DEFAULT_ROUTE, true, m,
				fmt("%s carries the default route", u->dev));
	if (u->up)
		return warn_add(p, PLAN_W_NET_UP, false, m, fmt("network interface %s is up",
								u->dev));
	return 0;
}

static int warn_member(struct iok_topo *topo, struct plan *p, const struct plan_member *m)
{
	unsigned int i, vfs = 0;
	struct iok_dev *d;
	int rc;

	/* What passing it through would cost, also where it cannot be done now. */
	if (m->action != PLAN_TO_VFIO && m->action != PLAN_UNBIND &&
	    !(m->requested && m->action == PLAN_IMPOSSIBLE))
		return 0;
	rc = m->facts ? warn_mounts(p, m) : 0;
	for (i = 0; !rc && m->facts && i < m->facts->nr_uses; i++)
		rc = warn_netdev(p, m, &m->facts->uses[i]);
	if (rc)
		return rc;
	/* Without a driver too: vgacon writes to the legacy VGA range itself. */
	if (m->facts && m->facts->boot_vga) {
		rc = warn_add(p, PLAN_W_CONSOLE_GPU, true, m,
			      fmt("it is the boot display (boot_vga), where the console is"));
		if (rc)
			return rc;
	}
	iok_dev_foreach(topo, d)
		vfs += iok_dev_get_pf(d) == m->dev;
	if (!vfs || !m->driver)
		return 0;
	return warn_add(p, PLAN_W_VFS, false, m,
			fmt("unbinding %s removes its %u virtual functions", m->driver, vfs));
}

bool plan_has_critical(const struct plan *p)
{
	unsigned int i;

	for (i = 0; i < p->nr_warnings; i++)
		if (p->warnings[i].critical)
			return true;
	return false;
}

/* ---- writes ------------------------------------------------------------- */

static int write_add(struct plan *p, enum plan_write_kind kind, const struct plan_member *m,
		     char *path, const char *value)
{
	struct plan_write *w = realloc(p->writes, (p->nr_writes + 1) * sizeof(*w));

	if (!w || !path) {
		free(path);
		return -ENOMEM;
	}
	p->writes = w;
	w += p->nr_writes;
	w->kind = kind;
	w->member = m;
	w->path = path;
	w->value = strdup(value);
	if (!w->value) {
		free(path);
		return -ENOMEM;
	}
	p->nr_writes++;
	return 0;
}

/*
 * driver_override first, so that once the old driver lets go nothing but
 * vfio-pci can take the device; unbind through the driver's own directory,
 * which refuses (-ENODEV) if the device moved to another driver meanwhile;
 * then drivers_probe, as the kernel's own documentation does.
 */
static int member_writes(struct plan *p, const struct plan_member *m)
{
	const char *sys = p->host->sys;
	int rc = 0;

	if (m->action != PLAN_TO_VFIO && m->action != PLAN_UNBIND)
		return 0;
	if (!is_vfio(m->override))
		rc = write_add(p, PLAN_W_OVERRIDE, m,
			       fmt("%s/bus/pci/devices/%s/driver_override", sys, m->name),
			       "vfio-pci");
	if (!rc && m->driver)
		rc = write_add(p, PLAN_W_UNBIND, m,
			       fmt("%s/bus/pci/drivers/%s/unbind", sys, m->driver), m->name);
	if (!rc && m->action == PLAN_TO_VFIO)
		rc = write_add(p, PLAN_W_PROBE, m, fmt("%s/bus/pci/drivers_probe", sys),
			       m->name);
	return rc;
}

int plan_make(struct iok_topo *topo, const struct iok_grouping *g, const struct host *h,
	      struct iok_dev *const *req, unsigned int nr_req, struct plan *p)
{
	unsigned int i, j;
	int rc = 0;

	memset(p, 0, sizeof(*p));
	p->host = h;
	p->no_iommu = !h->nr_groups;
	for (i = 0; !rc && i < nr_req; i++)
		rc = plan_device(topo, g, h, p, req[i]);
	for (i = 0; !rc && i < p->nr_groups; i++)
		decide_group(p, &p->groups[i]);
	for (i = 0; !rc && i < p->nr_groups; i++)
		for (j = 0; !rc && j < p->groups[i].nr_members; j++)
			rc = warn_member(topo, p, &p->groups[i].members[j]);
	for (i = 0; !rc && !p->impossible && i < p->nr_groups; i++)
		for (j = 0; !rc && j < p->groups[i].nr_members; j++)
			rc = member_writes(p, &p->groups[i].members[j]);
	if (rc)
		plan_free(p);
	return rc;
}

void plan_free(struct plan *p)
{
	unsigned int i;

	for (i = 0; i < p->nr_groups; i++) {
		free(p->groups[i].members);
		free(p->groups[i].computed);
		host_members_free(p->groups[i].listing, p->groups[i].nr_listing);
	}
	for (i = 0; i < p->nr_warnings; i++)
		free(p->warnings[i].text);
	for (i = 0; i < p->nr_writes; i++) {
		free(p->writes[i].path);
		free(p->writes[i].value);
	}
	free(p->groups);
	free(p->warnings);
	free(p->writes);
	memset(p, 0, sizeof(*p));
}

/* ---- words ---------------------------------------------------------------- */

const char *plan_action_key(enum plan_action a)
{
	switch (a) {
	case PLAN_STAY: return "stay";
	case PLAN_TO_VFIO: return "bind_vfio_pci";
	case PLAN_UNBIND: return "unbind";
	case PLAN_IMPOSSIBLE: return "impossible";
	}
	return "unknown";
}

const char *plan_reason_key(enum plan_reason r)
{
	switch (r) {
	case PLAN_R_ON_VFIO: return "on_vfio_pci";
	case PLAN_R_MANAGED: return "driver_managed_dma";
	case PLAN_R_NO_DRIVER: return "no_driver";
	case PLAN_R_REQUESTED: return "requested";
	case PLAN_R_DMA_API: return "dma_api_driver";
	case PLAN_R_BRIDGE_DMA_API: return "bridge_dma_api_driver";
	case PLAN_R_BRIDGE: return "bridge";
	case PLAN_R_NOT_PCI: return "not_pci";
	case PLAN_R_NO_GROUP: return "no_group";
	case PLAN_R_NO_IOMMU: return "no_iommu";
	}
	return "unknown";
}

const char *plan_warn_key(enum plan_warn_kind k)
{
	switch (k) {
	case PLAN_W_ROOT_DISK: return "root_disk";
	case PLAN_W_SYSTEM_DISK: return "system_disk";
	case PLAN_W_DEFAULT_ROUTE: return "default_route";
	case PLAN_W_CONSOLE_GPU: return "console_gpu";
	case PLAN_W_MOUNTED: return "mounted";
	case PLAN_W_NET_UP: return "network_up";
	case PLAN_W_VFS: return "virtual_functions";
	}
	return "unknown";
}

const char *plan_write_key(enum plan_write_kind k)
{
	switch (k) {
	case PLAN_W_OVERRIDE: return "driver_override";
	case PLAN_W_UNBIND: return "unbind";
	case PLAN_W_PROBE: return "drivers_probe";
	}
	return "unknown";
}
