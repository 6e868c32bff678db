// SPDX-License-Identifier: MIT
/*
 * iommukit plan: what to unbind and bind so that devices of this host can
 * be given to VFIO, why their groups are not viable now, and what it would
 * cost the host. A dry run unless --apply.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/json.h"
#include "cli/plan.h"

static const char plan_usage[] =
	"usage: iommukit plan [options] BDF...\n\n"
	"Plans the sysfs writes that give the devices to vfio-pci, with everything in their\n"
	"IOMMU groups that must follow, and prints them (a dry run). Reads a live host or a\n"
	"captured tree (-S sysfs:DIR; /proc from $IOMMUKIT_PROC_ROOT or DIR/proc).\n"
	"      --apply            perform the writes, after a confirmation\n"
	"  -y, --yes              confirm without asking (with --apply)\n"
	"      --force            unbind even the root disk, the default route's NIC or the\n"
	"                         console GPU (with --apply)\n";

struct plan_opts {
	struct cli_opts o;
	bool apply, yes, force;
};

static const struct option plan_longopts[] = {
	{ "apply", no_argument, NULL, 'a' },
	{ "yes", no_argument, NULL, 'y' },
	{ "force", no_argument, NULL, 'F' },
	{ NULL, 0, NULL, 0 },
};

static int plan_opt(int opt, const char *arg, void *data)
{
	struct plan_opts *po = data;

	switch (opt) {
	case 'a': po->apply = true; return 0;
	case 'y': po->yes = true; return 0;
	case 'F': po->force = true; return 0;
	}
	return -1;
}

/* ---- words shared by both outputs --------------------------------------- */

static const char *drv_or_none(const char *d)
{
	return d ? d : "no driver";
}

static void print_echo(const char *value, const char *path)
{
	if (*value)
		printf("echo %s > %s\n", value, path);
	else
		printf("echo > %s\n", path);
}

/* ---- human output -------------------------------------------------------- */

/* The functions below a bridge that vfio-pci could take instead. */
static void print_below(struct iok_topo *topo, const struct iok_dev *bridge)
{
	const struct iok_dev *up;
	struct iok_dev *d;
	unsigned int n = 0;

	iok_dev_foreach(topo, d) {
		if (iok_dev_is_bridge(d))
			continue;
		for (up = iok_dev_get_parent(d); up && up != bridge; up = iok_dev_get_parent(up))
			;
		if (up)
			printf("%s%s", n++ ? ", " : " (", iok_dev_get_name(d));
	}
	printf("%s", n ? ")" : "");
}

static void print_action(struct iok_topo *topo, const struct plan_member *m)
{
	const char *d = drv_or_none(m->driver);

	printf("\t\t");
	switch (m->reason) {
	case PLAN_R_ON_VFIO:
		printf("vfio-pci: stays (already on vfio-pci)");
		break;
	case PLAN_R_MANAGED:
		printf("%s: stays (driver_managed_dma%s)", d,
		       !strcmp(d, "pcieport") ? ": the port driver does no DMA" : "");
		break;
	case PLAN_R_NO_DRIVER:
		printf("no driver: stays");
		break;
	case PLAN_R_REQUESTED:
		printf("%s -> vfio-pci (requested)", d);
		break;
	case PLAN_R_DMA_API:
		printf("%s%s -> vfio-pci (pulled in: %s uses the DMA API)%s", C_YELLOW, d, d,
		       C_RESET);
		break;
	case PLAN_R_BRIDGE_DMA_API:
		printf("%s%s -> no driver%s (a bridge on a DMA-API driver: vfio-pci refuses bridges, "
		       "and the override keeps %s from binding again)", C_YELLOW, d, C_RESET, d);
		break;
	case PLAN_R_BRIDGE:
		printf("%s%s: cannot be passed through%s: it is a bridge, and vfio-pci binds only "
		       "normal (header type 0) functions; pass the devices below it instead",
		       C_RED, d, C_RESET);
		print_below(topo, m->dev);
		break;
	case PLAN_R_NOT_PCI:
		printf("%s%s: not a PCI function%s: iommukit cannot move it; unbind it yourself",
		       C_RED, d, C_RESET);
		break;
	case PLAN_R_NO_GROUP:
		printf("%s%s: in no IOMMU group%s: no IOMMU translates it, so VFIO cannot use it",
		       C_RED, d, C_RESET);
		break;
	case PLAN_R_NO_IOMMU:
		printf("%s: %scannot be passed through without an IOMMU%s", d, C_RED, C_RESET);
		break;
	}
	if (m->override)
		printf(" [driver_override: %s]", m->override);
	putchar('\n');
}

#define MAX_MOUNT_LINES 6

static void print_uses(const struct plan_member *m)
{
	const struct host_dev *f = m->facts;
	unsigned int i, mounts = 0;

	if (!f)
		return;
	if (f->nr_blockdevs) {
		printf("\t\tblock devices:");
		for (i = 0; i < f->nr_blockdevs; i++)
			printf(" %s", f->blockdevs[i]);
		putchar('\n');
	}
	for (i = 0; i < f->nr_uses; i++) {
		const struct host_use *u = &f->uses[i];

		if (u->kind == HOST_MOUNT && mounts++ == MAX_MOUNT_LINES)
			printf("\t\t... (--json lists every mount)\n");
		if (u->kind == HOST_MOUNT && mounts <= MAX_MOUNT_LINES)
			printf("\t\tmounted: %s on %s\n", u->dev, u->mnt);
		else if (u->kind == HOST_NETDEV)
			printf("\t\tnetwork: %s (%s%s)\n", u->dev, u->up ? "up" : "not up",
			       u->default_route ? ", default route" : "");
	}
	if (f->boot_vga)
		printf("\t\tboot_vga: the firmware's boot display\n");
}

static void print_member(struct iok_topo *topo, const struct plan_member *m)
{
	char desc[512];

	if (m->dev)
		cli_describe_dev(m->dev, desc, sizeof(desc));
	else
		snprintf(desc, sizeof(desc), "(not a PCI function)");
	printf("\t%s%s %s%s\n", m->requested ? C_BOLD : "", m->name, desc,
	       m->requested ? C_RESET : "");
	print_action(topo, m);
	print_uses(m);
}

/* "0000:02:00.0 (e1000e) and 0000:02:00.1 (virtio-pci)" */
static void print_list(const struct plan_group *grp, bool blockers)
{
	unsigned int i, n = 0, total = 0;

	for (i = 0; i < grp->nr_members; i++)
		total += blockers ? grp->members[i].blocks :
			 !grp->members[i].requested && grp->members[i].action == PLAN_TO_VFIO;
	for (i = 0; i < grp->nr_members; i++) {
		const struct plan_member *m = &grp->members[i];

		if (blockers ? !m->blocks : m->requested || m->action != PLAN_TO_VFIO)
			continue;
		n++;
		printf("%s%s (%s)", n == 1 ? "" : n == total ? " and " : ", ", m->name,
		       drv_or_none(m->driver));
	}
}

static unsigned int count_pulled(const struct plan_group *grp)
{
	unsigned int i, n = 0;

	for (i = 0; i < grp->nr_members; i++)
		n += !grp->members[i].requested && grp->members[i].action == PLAN_TO_VFIO;
	return n;
}

static const struct plan_member *impossible_member(const struct plan_group *grp)
{
	unsigned int i;

	for (i = 0; i < grp->nr_members; i++)
		if (grp->members[i].action == PLAN_IMPOSSIBLE)
			return &grp->members[i];
	return NULL;
}

static void print_viability(const struct plan_group *grp)
{
	const struct plan_member *imp = impossible_member(grp);
	unsigned int i, n;

	if (grp->viable_now) {
		printf("\tViable now: %syes%s: every member is unbound or on a driver_managed_dma "
		       "driver.\n", C_GREEN, C_RESET);
	} else {
		for (i = 0, n = 0; i < grp->nr_members; i++)
			n += grp->members[i].blocks;
		printf("\tViable now: %sno%s: ", C_RED, C_RESET);
		print_list(grp, true);
		printf(" %s. The kernel gives a group to VFIO only when every device in it is "
		       "unbound or bound to a driver_managed_dma driver (vfio-pci, pci-stub, "
		       "pci-pf-stub, pcieport); until then QEMU reports \"group %d is not "
		       "viable\".\n", n > 1 ? "are bound to drivers that use the kernel's DMA API" :
		       "is bound to a driver that uses the kernel's DMA API", grp->id);
	}
	if (imp) {
		printf("\tNo plan for this group: %s cannot be passed through.\n", imp->name);
	} else if (count_pulled(grp)) {
		printf("\tPulled in: ");
		print_list(grp, false);
		printf(": not requested, but in group %d, so %s vfio-pci too (and away from "
		       "this host).\n", grp->id, count_pulled(grp) > 1 ? "they go to" : "it goes to");
	}
	if (!imp)
		printf("\tAfter the plan: %sviable%s.\n", C_GREEN, C_RESET);
	if (grp->id < 0)
		return;
	if (grp->computed_id < 0) {
		printf("\tNote: iommukit computes no group for it; the kernel's group is what "
		       "VFIO checks ('iommukit groups' shows the difference).\n");
	} else if (grp->computed) {
		printf("\tNote: iommukit computes group %d with other members (", grp->computed_id);
		for (i = 0; i < grp->nr_computed; i++)
			printf("%s%s", i ? " " : "", iok_dev_get_name(grp->computed[i]));
		printf("); the kernel's group is what VFIO checks ('iommukit groups' shows the "
		       "difference).\n");
	}
}

static void print_group(struct iok_topo *topo, const struct plan_group *grp)
{
	unsigned int i, n = 0;

	if (grp->id >= 0)
		printf("%sIOMMU group %d%s (requested:", C_BOLD, grp->id, C_RESET);
	else
		printf("%sNo IOMMU group%s (requested:", C_BOLD, C_RESET);
	for (i = 0; i < grp->nr_members; i++)
		if (grp->members[i].requested)
			printf("%s%s", n++ ? ", " : " ", grp->members[i].name);
	printf(")\n");
	for (i = 0; i < grp->nr_members; i++)
		print_member(topo, &grp->members[i]);
	if (grp->id >= 0)
		print_viability(grp);
}

/* Whether @word is one of the blank-separated words of @line. */
static bool has_word(const char *line, const char *word)
{
	size_t n = strlen(word);
	const char *s;

	for (s = strstr(line, word); s; s = strstr(s + 1, word))
		if ((s == line || s[-1] == ' ') && (s[n] == ' ' || !s[n]))
			return true;
	return false;
}

/* The kernel command line's own word on the IOMMU, if it has one. */
static void print_iommu_cmdline(const char *cmdline)
{
	static const char *const off[] = { "intel_iommu=off", "amd_iommu=off", "iommu=off" };
	unsigned int i;

	if (!cmdline)
		return;
	for (i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		if (has_word(cmdline, off[i]))
			printf("\tThis kernel's command line turns it off: %s.\n", off[i]);
}

static void print_no_iommu(const struct host *h)
{
	printf("%sNo IOMMU groups%s: %s/kernel/iommu_groups is %s, so this kernel runs without "
	       "an IOMMU and VFIO cannot give devices to user space.\n", C_RED, C_RESET, h->sys,
	       h->groups_dir ? "empty" : "missing");
	printf("\tTurn the IOMMU on in the firmware setup (Intel VT-d, AMD-Vi / \"IOMMU\", "
	       "or the Arm SMMU) and on the kernel command line: intel_iommu=on on Intel (some "
	       "kernels enable it by default); on AMD it is on whenever the firmware describes "
	       "it, unless amd_iommu=off or iommu=off is given. Add iommu=pt to keep host "
	       "devices on identity mappings. Then reboot and run this again.\n");
	print_iommu_cmdline(h->cmdline);
}

static void print_warnings(const struct plan *p)
{
	unsigned int i;

	for (i = 0; i < p->nr_warnings; i++) {
		const struct plan_warning *w = &p->warnings[i];

		printf("%sWarning%s: %s (%s): %s", w->critical ? C_RED : C_YELLOW, C_RESET,
		       w->member->name, drv_or_none(w->member->driver), w->text);
		printf("%s\n", w->critical ? ": passing it through takes it away from this host" : ".");
	}
	if (plan_has_critical(p) && p->nr_writes)
		printf("--apply refuses to do this without --force.\n");
}

static void print_notes(const struct plan *p)
{
	const struct host *h = p->host;

	if (!h->vfio_pci && !p->no_iommu)
		printf("Note: vfio-pci is not loaded (no %s/bus/pci/drivers/vfio-pci): run "
		       "'modprobe vfio-pci' first; --apply refuses until then.\n", h->sys);
	if (!h->proc)
		printf("Note: no proc directory next to %s (and no $IOMMUKIT_PROC_ROOT): mounted "
		       "disks and default routes were not checked.\n", h->sys);
	else if (!h->have_mounts || !h->have_routes)
		printf("Note: no %s table under %s: %s not checked.\n",
		       !h->have_mounts && !h->have_routes ? "mount or route" :
		       !h->have_mounts ? "mount" : "route", h->proc,
		       !h->have_mounts && !h->have_routes ? "mounted disks and default routes were" :
		       !h->have_mounts ? "mounted disks were" : "default routes were");
}

static void print_writes(const struct plan *p, bool apply)
{
	unsigned int i;

	if (p->impossible)
		return;
	if (!p->nr_writes) {
		printf("Nothing to do: every requested device is on vfio-pci and its group is "
		       "viable.\n");
		return;
	}
	printf("%sWrites%s (%s, in this order):\n", C_BOLD, C_RESET,
	       apply ? "to perform" : "dry run; --apply performs them");
	for (i = 0; i < p->nr_writes; i++) {
		printf("\t%u. ", i + 1);
		print_echo(p->writes[i].value, p->writes[i].path);
	}
}

static void print_text(struct iok_topo *topo, const struct iok_grouping *g,
		       const struct plan *p, bool apply)
{
	unsigned int i;

	printf("%s# %s, Linux %s, IOMMU %s, %u kernel IOMMU groups%s\n", C_DIM,
	       iok_topo_get_source(topo), iok_grouping_get_kernel(g),
	       iok_topo_get_param(topo, "iommu"), p->host->nr_groups, C_RESET);
	if (p->no_iommu)
		print_no_iommu(p->host);
	for (i = 0; i < p->nr_groups; i++)
		print_group(topo, &p->groups[i]);
	print_warnings(p);
	print_notes(p);
	print_writes(p, apply);
}

/* ---- JSON ------------------------------------------------------------------ */

static struct json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *json_uses(const struct host_dev *f)
{
	struct json_object *arr = json_object_new_array();
	unsigned int i;

	for (i = 0; f && i < f->nr_uses; i++) {
		const struct host_use *u = &f->uses[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "kind", json_object_new_string(
			u->kind == HOST_MOUNT ? "mount" : "netdev"));
		json_object_object_add(o, "device", json_object_new_string(u->dev));
		if (u->kind == HOST_MOUNT) {
			json_object_object_add(o, "mount_point", json_object_new_string(u->mnt));
		} else {
			json_object_object_add(o, "up", json_object_new_boolean(u->up));
			json_object_object_add(o, "default_route",
					       json_object_new_boolean(u->default_route));
		}
		json_object_array_add(arr, o);
	}
	return arr;
}

static struct json_object *json_member(const struct plan_member *m)
{
	struct json_object *o, *blk = json_object_new_array();
	unsigned int i;

	if (m->dev) {
		o = cli_json_dev(m->dev);
	} else {
		o = json_object_new_object();
		json_object_object_add(o, "bdf", json_object_new_string(m->name));
		json_object_object_add(o, "platform", json_object_new_boolean(1));
		json_object_object_add(o, "driver", str_or_null(m->driver));
	}
	json_object_object_add(o, "driver_override", str_or_null(m->override));
	json_object_object_add(o, "requested", json_object_new_boolean(m->requested));
	json_object_object_add(o, "bridge", json_object_new_boolean(m->bridge));
	json_object_object_add(o, "driver_managed_dma", json_object_new_boolean(m->managed));
	json_object_object_add(o, "blocks_viability", json_object_new_boolean(m->blocks));
	json_object_object_add(o, "action", json_object_new_string(plan_action_key(m->action)));
	json_object_object_add(o, "reason", json_object_new_string(plan_reason_key(m->reason)));
	for (i = 0; m->facts && i < m->facts->nr_blockdevs; i++)
		json_object_array_add(blk, json_object_new_string(m->facts->blockdevs[i]));
	json_object_object_add(o, "block_devices", blk);
	json_object_object_add(o, "uses", json_uses(m->facts));
	json_object_object_add(o, "boot_vga", json_object_new_boolean(m->facts &&
								      m->facts->boot_vga));
	return o;
}

static struct json_object *json_group(const struct plan_group *grp)
{
	struct json_object *o = json_object_new_object(), *mem = json_object_new_array();
	struct json_object *blocked = json_object_new_array(), *pulled = json_object_new_array();
	struct json_object *comp = NULL;
	unsigned int i;

	json_object_object_add(o, "group", grp->id >= 0 ? json_object_new_int(grp->id) : NULL);
	json_object_object_add(o, "viable", json_object_new_boolean(grp->viable_now));
	json_object_object_add(o, "viable_after", json_object_new_boolean(grp->viable_after));
	json_object_object_add(o, "computed_group", grp->computed_id >= 0 ?
			       json_object_new_int(grp->computed_id) : NULL);
	if (grp->computed) {
		comp = json_object_new_array();
		for (i = 0; i < grp->nr_computed; i++)
			json_object_array_add(comp, json_object_new_string(
				iok_dev_get_name(grp->computed[i])));
	}
	json_object_object_add(o, "computed_members", comp);
	for (i = 0; i < grp->nr_members; i++) {
		const struct plan_member *m = &grp->members[i];

		json_object_array_add(mem, json_member(m));
		if (m->blocks)
			json_object_array_add(blocked, json_object_new_string(m->name));
		if (!m->requested && m->action == PLAN_TO_VFIO)
			json_object_array_add(pulled, json_object_new_string(m->name));
	}
	json_object_object_add(o, "members", mem);
	json_object_object_add(o, "blocked_by", blocked);
	json_object_object_add(o, "pulled_in", pulled);
	return o;
}

static struct json_object *json_write(const struct plan_write *w, unsigned int step)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "step", json_object_new_int(step));
	json_object_object_add(o, "kind", json_object_new_string(plan_write_key(w->kind)));
	json_object_object_add(o, "bdf", json_object_new_string(w->member->name));
	json_object_object_add(o, "path", json_object_new_string(w->path));
	json_object_object_add(o, "value", json_object_new_string(w->value));
	return o;
}

static struct json_object *json_plan(struct iok_topo *topo, const struct iok_grouping *g,
				     const struct plan *p)
{
	struct json_object *doc = cli_json_doc(topo, g), *arr;
	const struct host *h = p->host;
	unsigned int i;

	json_object_object_add(doc, "sysfs", json_object_new_string(h->sys));
	json_object_object_add(doc, "proc", str_or_null(h->proc));
	json_object_object_add(doc, "live", json_object_new_boolean(h->live_sysfs));
	json_object_object_add(doc, "kernel_cmdline", str_or_null(h->cmdline));
	json_object_object_add(doc, "iommu_group_count", json_object_new_int(h->nr_groups));
	json_object_object_add(doc, "vfio_pci_loaded", json_object_new_boolean(h->vfio_pci));
	json_object_object_add(doc, "mounts_checked", json_object_new_boolean(h->have_mounts));
	json_object_object_add(doc, "routes_checked", json_object_new_boolean(h->have_routes));
	json_object_object_add(doc, "no_iommu", json_object_new_boolean(p->no_iommu));
	json_object_object_add(doc, "impossible", json_object_new_boolean(p->impossible));
	arr = json_object_new_array();
	for (i = 0; i < p->nr_groups; i++)
		json_object_array_add(arr, json_group(&p->groups[i]));
	json_object_object_add(doc, "groups", arr);
	arr = json_object_new_array();
	for (i = 0; i < p->nr_warnings; i++) {
		const struct plan_warning *w = &p->warnings[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "kind", json_object_new_string(plan_warn_key(w->kind)));
		json_object_object_add(o, "critical", json_object_new_boolean(w->critical));
		json_object_object_add(o, "bdf", json_object_new_string(w->member->name));
		json_object_object_add(o, "message", json_object_new_string(w->text));
		json_object_array_add(arr, o);
	}
	json_object_object_add(doc, "warnings", arr);
	arr = json_object_new_array();
	for (i = 0; i < p->nr_writes; i++)
		json_object_array_add(arr, json_write(&p->writes[i], i + 1));
	json_object_object_add(doc, "writes", arr);
	return doc;
}

/* ---- --apply ---------------------------------------------------------------- */

struct applied {
	const char *status;	/* complete, stopped, declined, refused */
	const char *reason;
	const struct plan_outcome *outcome;
	struct plan_undo *undo;
	unsigned int nr_undo;
};

static struct json_object *json_applied(const struct plan *p, const struct applied *a)
{
	struct json_object *o = json_object_new_object(), *res = json_object_new_array();
	struct json_object *undo = json_object_new_array();
	static const char *const words[] = { "not_attempted", "done", "failed" };
	unsigned int i;

	json_object_object_add(o, "status", json_object_new_string(a->status));
	json_object_object_add(o, "reason", str_or_null(a->reason));
	for (i = 0; i < p->nr_writes; i++)
		json_object_array_add(res, json_object_new_string(
			words[a->outcome ? a->outcome->result[i] : PLAN_NOT_ATTEMPTED]));
	json_object_object_add(o, "results", res);
	json_object_object_add(o, "error", str_or_null(a->outcome ? a->outcome->why : NULL));
	for (i = 0; i < a->nr_undo; i++) {
		struct json_object *u = json_object_new_object();

		json_object_object_add(u, "path", json_object_new_string(a->undo[i].path));
		json_object_object_add(u, "value", json_object_new_string(a->undo[i].value));
		json_object_array_add(undo, u);
	}
	json_object_object_add(o, "undo", undo);
	return o;
}

static void print_outcome(const struct plan *p, const struct applied *a)
{
	static const char *const words[] = { "not done", "done", "FAILED" };
	const struct plan_outcome *o = a->outcome;
	unsigned int i;

	if (o->done == p->nr_writes) {
		printf("%sApplied%s: all %u writes done.", C_GREEN, C_RESET, p->nr_writes);
		if (!p->host->live_sysfs)
			printf(" (%s is not a live sysfs: the files were written, no kernel bound "
			       "anything.)", p->host->sys);
		putchar('\n');
		return;
	}
	printf("%sStopped%s after %u of %u writes: %s\n", C_RED, C_RESET, o->done, p->nr_writes,
	       o->why ? o->why : strerror(o->err));
	for (i = 0; i < p->nr_writes; i++) {
		printf("\t%-8s %u. ", words[o->result[i]], i + 1);
		print_echo(p->writes[i].value, p->writes[i].path);
	}
	if (!a->nr_undo) {
		printf("Nothing was changed.\n");
		return;
	}
	printf("To undo what was changed:\n");
	for (i = 0; i < a->nr_undo; i++) {
		printf("\t");
		print_echo(a->undo[i].value, a->undo[i].path);
	}
}

/* Why --apply will not run, or NULL. */
static const char *refusal(const struct plan *p, const struct plan_opts *po)
{
	if (p->no_iommu)
		return "the kernel has no IOMMU groups";
	if (p->impossible)
		return "a requested device cannot be passed through (see above)";
	if (!p->nr_writes)
		return NULL;
	if (!p->host->vfio_pci)
		return "vfio-pci is not loaded: run 'modprobe vfio-pci', then try again";
	if (plan_has_critical(p) && !po->force)
		return "it would unbind a device this host depends on (see the warnings); "
		       "--force does it anyway";
	return NULL;
}

static bool confirm(const struct plan *p)
{
	char line[64];

	fprintf(stderr, "Perform these %u writes under %s? [y/N] ", p->nr_writes, p->host->sys);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	line[strcspn(line, "\n")] = 0;
	return !strcasecmp(line, "y") || !strcasecmp(line, "yes");
}

static int run_apply(const struct plan *p, const struct plan_opts *po, struct applied *a,
		     struct plan_outcome *out)
{
	/* Keep what the user reads in order when stdout and stderr meet. */
	fflush(stdout);
	a->reason = refusal(p, po);
	if (a->reason) {
		a->status = "refused";
		fprintf(stderr, "iommukit plan: not applied: %s\n", a->reason);
		return EXIT_DIFF;
	}
	if (!p->nr_writes) {
		a->status = "complete";
		return 0;
	}
	if (!po->yes && !confirm(p)) {
		a->status = "declined";
		fprintf(stderr, "Nothing written.\n");
		return EXIT_DIFF;
	}
	a->outcome = out;
	if (plan_apply(p, out)) {
		a->status = "stopped";
		if (plan_undo_list(p, out, &a->undo, &a->nr_undo))
			fprintf(stderr, "iommukit plan: out of memory listing the undo writes\n");
	} else {
		a->status = "complete";
	}
	if (!po->o.json)
		print_outcome(p, a);
	return out->done == p->nr_writes ? 0 : EXIT_DIFF;
}

/* ---- the command -------------------------------------------------------------- */

static int resolve(struct iok_ctx *ctx, struct iok_topo *topo, int argc, char **argv, int idx,
		   struct iok_dev ***out)
{
	struct iok_dev **req = calloc(argc - idx + 1, sizeof(*req));
	int i, rc;

	if (!req)
		return cli_error(ctx, "plan", -ENOMEM);
	for (i = idx; i < argc; i++) {
		rc = iok_dev_find(topo, argv[i], &req[i - idx]);
		if (rc) {
			free(req);
			return cli_error(ctx, argv[i], rc);
		}
	}
	*out = req;
	return 0;
}

static int plan_exit(const struct plan *p)
{
	return p->impossible || p->no_iommu ? EXIT_DIFF : 0;
}

int cmd_plan(int argc, char **argv, struct iok_ctx *ctx)
{
	struct plan_opts po = { 0 };
	struct iok_grouping *g = NULL;
	struct iok_topo *topo = NULL;
	struct iok_dev **req = NULL;
	struct host *h = NULL;
	struct plan p = { 0 };
	struct plan_outcome out = { 0 };
	struct applied a = { 0 };
	int idx, rc;

	idx = cli_parse(argc, argv, plan_usage, plan_longopts, "y", &po.o, plan_opt, &po);
	if (idx < 0)
		return EXIT_BAD_INPUT;
	if (idx >= argc) {
		fprintf(stderr, "iommukit plan: which device? (e.g. 0000:01:00.0)\n");
		return EXIT_BAD_INPUT;
	}
	if (!po.o.source)
		po.o.source = "sysfs";
	if (strcmp(po.o.source, "sysfs") && strncmp(po.o.source, "sysfs:", 6)) {
		fprintf(stderr, "iommukit plan: plans need a host's drivers and IOMMU groups: "
			"'%s' is not a sysfs source (use -S sysfs[:ROOT])\n", po.o.source);
		return EXIT_BAD_INPUT;
	}
	rc = cli_load(ctx, &po.o, &topo);
	if (rc)
		return rc;
	rc = resolve(ctx, topo, argc, argv, idx, &req);
	if (rc)
		goto out;
	rc = iok_grouping_compute(topo, &g);
	if (rc) {
		rc = cli_error(ctx, "grouping", rc);
		goto out;
	}
	rc = host_read(topo, po.o.source, &h);
	if (rc)
		goto out;
	if (plan_make(topo, g, h, req, argc - idx, &p)) {
		rc = cli_error(ctx, "plan", -ENOMEM);
		goto out;
	}
	if (!po.o.json)
		print_text(topo, g, &p, po.apply);
	rc = po.apply ? run_apply(&p, &po, &a, &out) : plan_exit(&p);
	if (po.o.json) {
		struct json_object *doc = json_plan(topo, g, &p);

		json_object_object_add(doc, "applied", po.apply ? json_applied(&p, &a) : NULL);
		cli_json_print(doc);
	}
	plan_undo_free(a.undo, a.nr_undo);
	plan_outcome_free(&out);
	plan_free(&p);
out:
	host_free(h);
	free(req);
	iok_grouping_unref(g);
	iok_topo_unref(topo);
	return rc;
}
