// SPDX-License-Identifier: MIT
/*
 * The core family: the machine (topology, kernel, command line, boot,
 * hot-plug), device drivers, and the IOMMU core's kernel API under the
 * kernel's own names, so that a scenario reads like the kernel code it
 * models: iommu_attach_device, iommu_group_claim_dma_owner, iommu_map...
 * The words after the name are checked before anything runs, so that a
 * mistake in the script never leaves half of an operation done.
 */
#include <stdio.h>

#include "lib/scenario/runner.h"

/* ---- helpers ------------------------------------------------------------ */

/* The runner's names for devices and domains, for the other families (scenario-private.h). */
const char *iok_scn_bdf(const struct iok_dev *d)
{
	return scn_bdf(d);
}

const char *iok_scn_domain_name(struct iok_scn *s, const struct iok_rgroup *rg,
				const struct iok_domain *d, char *buf, size_t len)
{
	return scn_domain_name(s, rg, d, buf, len);
}

static int machine_dev(struct iok_scn *s, const char *bdf, struct iok_machine **m,
		       struct iok_dev **dev)
{
	int rc = iok_scn_machine(s, m);

	return rc ? rc : iok_scn_dev(s, bdf, dev);
}

/* The device's group; a device without one answers -ENODEV, as iommu_group_get() NULL does. */
static int dev_group(struct iok_scn *s, const char *bdf, struct iok_rgroup **rg)
{
	struct iok_machine *m;
	struct iok_dev *dev;
	int rc = machine_dev(s, bdf, &m, &dev);

	if (rc)
		return rc;
	*rg = iok_dev_get_rgroup(m, dev);
	if (!*rg)
		return iok_fail(s->ctx, -ENODEV, "%s has no IOMMU group", scn_bdf(dev));
	return 0;
}

int scn_param_add(struct iok_scn *s, const char *key, const char *value, bool append)
{
	struct scn_param *p;
	unsigned int i;

	if (s->m)
		return iok_scn_error(s, "`%s` must come before the machine boots (it booted at "
				     "line %u)", key, s->boot_line);
	for (i = 0; append && i < s->nr_params; i++) {
		char *v;

		if (strcmp(s->params[i].key, key))
			continue;
		if (asprintf(&v, "%s %s", s->params[i].value, value) < 0)
			return -ENOMEM;
		free(s->params[i].value);
		s->params[i].value = v;
		return 0;
	}
	p = realloc(s->params, (s->nr_params + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	s->params = p;
	p = &s->params[s->nr_params];
	p->key = strdup(key);
	p->value = strdup(value);
	p->line = s->line;
	if (!p->key || !p->value) {
		free(p->key);
		free(p->value);
		return -ENOMEM;
	}
	s->nr_params++;
	return 0;
}

static int join_args(struct iok_scn *s, int argc, char **argv, char **out)
{
	size_t len = 1;
	char *buf;
	int i;

	for (i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	buf = calloc(1, len);
	if (!buf)
		return -ENOMEM;
	for (i = 1; i < argc; i++) {
		if (i > 1)
			strcat(buf, " ");
		strcat(buf, argv[i]);
	}
	*out = buf;
	(void)s;
	return 0;
}

/* ---- the machine -------------------------------------------------------- */

/* A relative path in a source is relative to the scenario file. */
static int cmd_topology(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	const char *src = argv[1], *colon = strchr(src, ':');
	char *resolved;
	int n;

	if (s->opts.topology) {
		iok_scn_trace(s, "replaced by --topology %s", s->opts.topology);
		return 0;
	}
	if (colon && strncmp(src, "builtin:", 8) && colon[1] && colon[1] != '/')
		n = asprintf(&resolved, "%.*s%s/%s", (int)(colon - src + 1), src,
			     iok_scn_dir(s), colon + 1);
	else
		n = asprintf(&resolved, "%s", src);
	if (n < 0)
		return -ENOMEM;
	if (s->m)
		scn_machine_free(s);
	free(s->source);
	s->source = resolved;
	s->source_line = s->line;
	(void)argc;
	(void)res;
	return 0;
}

static int cmd_kernel(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	return scn_param_add(s, "kernel", argv[1], false);
}

static int cmd_cmdline(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	char *line;
	int rc = join_args(s, argc, argv, &line);

	if (rc)
		return rc;
	rc = scn_param_add(s, "cmdline", line, true);
	free(line);
	return rc;
}

/*
 * "intel" for every unit, or "intel,amd": one driver per unit, in firmware
 * order; a last ",aw=BITS" is the units' address width (iommu_aw).
 */
int scn_iommu_set(struct iok_scn *s, const char *kinds)
{
	const char *aw = strstr(kinds, ",aw=");
	size_t first = strcspn(kinds, ","), all = aw ? (size_t)(aw - kinds) : strlen(kinds);
	char *kind;
	int rc;

	if (aw && (rc = scn_param_add(s, "iommu_aw", aw + 4, false)))
		return rc;
	kind = strndup(kinds, first);
	if (!kind)
		return -ENOMEM;
	rc = scn_param_add(s, "iommu", kind, false);
	free(kind);
	if (rc)
		return rc;
	/* The last `iommu` is in force: one KIND drops an earlier list. */
	free(s->drivers);
	s->drivers = first == all ? NULL : strndup(kinds, all);
	return first == all || s->drivers ? 0 : -ENOMEM;
}

static int cmd_iommu(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	return scn_iommu_set(s, argv[1]);
}

static int cmd_param(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	static const char *const keys[] = { "kernel", "iommu", "acs", "cmdline", "acs_override",
					    "no_iommu", "absent", "iommu_aw", "isolation" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(argv[1], keys[i]))
			return scn_param_add(s, argv[1], argv[2], false);
	return iok_scn_error(s, "unknown parameter '%s' (kernel, iommu, acs, cmdline, "
			     "acs_override, no_iommu, absent, iommu_aw, isolation)", argv[1]);
}

static int cmd_boot(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;

	if (s->m)
		return iok_scn_error(s, "the machine booted already (line %u)", s->boot_line);
	return iok_scn_machine(s, &m);
}

static int cmd_echo(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	int i;

	for (i = 1; i < argc; i++)
		iok_scn_printf(res, "%s", argv[i]);
	return 0;
}

/* The model has no time: waiting is instantaneous, but the number must be one. */
static int cmd_sleep(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	uint64_t ms;

	return argc > 1 ? iok_scn_u64(s, argv[1], &ms) : 0;
}

static int cmd_check(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	int rc = iok_scn_machine(s, &m);

	return rc ? rc : iok_machine_check(m);
}

static int cmd_hotadd(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_dev *dev;
	int rc = machine_dev(s, argv[1], &m, &dev);

	return rc ? rc : iok_machine_hotplug_add(m, dev);
}

static int cmd_hotremove(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_dev *dev;
	int rc = machine_dev(s, argv[1], &m, &dev);

	return rc ? rc : iok_machine_hotplug_remove(m, dev);
}

static int cmd_attach_deferred(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_dev *dev;
	int rc = machine_dev(s, argv[1], &m, &dev);

	return rc ? rc : iok_machine_set_attach_deferred(m, dev);
}

static int cmd_probe_window(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	bool open = !strcmp(argv[1], "open");
	int rc;

	if (!open && strcmp(argv[1], "close"))
		return iok_scn_error(s, "probe_window takes open or close, not '%s'", argv[1]);
	rc = iok_scn_machine(s, &m);
	return rc ? rc : iok_machine_set_probe_window(m, open);
}

static const struct {
	const char *name;
	enum iok_resv_type type;
} resv_types[] = {
	{ "direct", IOK_RESV_DIRECT },
	{ "direct_relaxable", IOK_RESV_DIRECT_RELAXABLE },
	{ "reserved", IOK_RESV_RESERVED },
	{ "msi", IOK_RESV_MSI },
	{ "sw_msi", IOK_RESV_SW_MSI },
};

static int cmd_resv_region(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_dev *dev;
	uint64_t start, last;
	unsigned int i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(resv_types); i++)
		if (!strcmp(argv[4], resv_types[i].name))
			break;
	if (i == ARRAY_SIZE(resv_types))
		return iok_scn_error(s, "unknown region type '%s' (direct, direct_relaxable, "
				     "reserved, msi, sw_msi)", argv[4]);
	rc = machine_dev(s, argv[1], &m, &dev);
	if (!rc)
		rc = iok_scn_u64(s, argv[2], &start);
	if (!rc)
		rc = iok_scn_u64(s, argv[3], &last);
	if (rc)
		return rc;
	return iok_machine_add_resv_region(m, dev, start, last, resv_types[i].type);
}

static int cmd_fail_attach(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_dev *dev;
	uint64_t nth = 1;
	int rc, err = 0;

	if (strcmp(argv[2], "none"))
		rc = iok_scn_errno(s, argv[2], &err);
	else
		rc = 0, nth = 0;
	if (!rc && argc > 3)
		rc = iok_scn_u64(s, argv[3], &nth);
	if (!rc && nth > 1000000)
		rc = iok_scn_error(s, "fail_attach: %s is too far ahead", argv[3]);
	if (!rc)
		rc = machine_dev(s, argv[1], &m, &dev);
	if (rc)
		return rc;
	return iok_machine_fail_attach(m, dev, nth, -err);
}

static int cmd_fail_alloc(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	uint64_t nth = 1;
	int rc = argc > 1 ? iok_scn_u64(s, argv[1], &nth) : 0;

	if (!rc && nth > 1000000)
		rc = iok_scn_error(s, "fail_alloc: %s is too far ahead", argv[1]);
	if (!rc)
		rc = iok_scn_machine(s, &m);
	return rc ? rc : iok_machine_fail_alloc(m, nth);
}

static int cmd_group_type(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_rgroup *rg;
	int rc = dev_group(s, argv[1], &rg);

	return rc ? rc : iok_group_set_default_type(rg, argv[2]);
}

/* ---- device drivers ------------------------------------------------------ */

/* Drivers that set driver_managed_dma in the kernel (spec 4.3). */
static bool managed_driver(const char *name)
{
	static const char *const managed[] = { "vfio-pci", "pci-stub", "pci-pf-stub",
					       "pcieport" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(managed); i++)
		if (!strcmp(name, managed[i]))
			return true;
	return false;
}

static int cmd_driver_bind(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_dev *dev;
	bool managed = managed_driver(argv[2]);
	int rc;

	if (argc > 3) {
		if (strcmp(argv[3], "managed"))
			return iok_scn_error(s, "driver_bind: '%s': only `managed` may follow "
					     "the driver", argv[3]);
		managed = true;
	}
	rc = machine_dev(s, argv[1], &m, &dev);
	return rc ? rc : iok_device_bind_driver(m, dev, argv[2], managed);
}

static int cmd_driver_unbind(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_dev *dev;
	int rc = machine_dev(s, argv[1], &m, &dev);

	return rc ? rc : iok_device_unbind_driver(m, dev);
}

/* ---- domains ------------------------------------------------------------ */

static int cmd_domain_alloc(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_domain *d;
	struct iok_dev *dev;
	int rc;

	/* The name first: a name in use must not cost a domain. */
	rc = scn_name_check(s, argv[1]);
	if (!rc)
		rc = machine_dev(s, argv[2], &m, &dev);
	if (!rc)
		rc = iok_domain_alloc_paging(m, dev, &d);
	if (rc)
		return rc;
	rc = iok_scn_name_add(s, argv[1], "domain", d);
	if (rc)
		iok_domain_free(d);
	return rc;
}

static int cmd_domain_free(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	void *d;
	int rc = iok_scn_name_get(s, argv[1], "domain", &d);

	if (rc)
		return rc;
	rc = iok_domain_free(d);
	if (!rc)
		iok_scn_name_del(s, argv[1]);
	return rc;
}

static int domain_dev(struct iok_scn *s, const char *name, const char *bdf,
		      struct iok_domain **d, struct iok_machine **m, struct iok_dev **dev)
{
	int rc = iok_scn_domain(s, name, d);

	return rc ? rc : machine_dev(s, bdf, m, dev);
}

static int cmd_attach_device(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_domain *d;
	struct iok_dev *dev;
	int rc = domain_dev(s, argv[1], argv[2], &d, &m, &dev);

	return rc ? rc : iok_attach_device(d, dev);
}

static int cmd_detach_device(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_domain *d;
	struct iok_dev *dev;
	int rc = domain_dev(s, argv[1], argv[2], &d, &m, &dev);

	return rc ? rc : iok_detach_device(d, dev);
}

static int cmd_attach_group(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_domain *d;
	struct iok_rgroup *rg;
	int rc = iok_scn_domain(s, argv[1], &d);

	if (!rc)
		rc = dev_group(s, argv[2], &rg);
	return rc ? rc : iok_attach_group(d, rg);
}

/* The kernel ignores the domain; "-" says so, any other word must be a domain. */
static int cmd_detach_group(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_domain *d = NULL;
	struct iok_rgroup *rg;
	int rc = strcmp(argv[1], "-") ? iok_scn_domain(s, argv[1], &d) : 0;

	if (!rc)
		rc = dev_group(s, argv[2], &rg);
	return rc ? rc : iok_detach_group(d, rg);
}

static int cmd_replace_domain(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_domain *d;
	struct iok_rgroup *rg;
	int rc = iok_scn_domain(s, argv[2], &d);

	if (!rc)
		rc = dev_group(s, argv[1], &rg);
	return rc ? rc : iok_group_replace_domain(rg, d);
}

static int cmd_get_domain(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_dev *dev;
	char buf[64];
	int rc = machine_dev(s, argv[1], &m, &dev);

	if (rc)
		return rc;
	iok_scn_printf(res, "%s", scn_domain_name(s, iok_dev_get_rgroup(m, dev),
						  iok_get_domain_for_dev(m, dev), buf,
						  sizeof(buf)));
	return 0;
}

static int cmd_map(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	uint64_t iova, paddr, size;
	unsigned int prot = IOK_PROT_READ | IOK_PROT_WRITE;
	struct iok_domain *d;
	int rc;

	if (argc > 5) {
		if (!strcmp(argv[5], "r"))
			prot = IOK_PROT_READ;
		else if (!strcmp(argv[5], "w"))
			prot = IOK_PROT_WRITE;
		else if (strcmp(argv[5], "rw"))
			return iok_scn_error(s, "iommu_map: protection is r, w or rw, not '%s'",
					     argv[5]);
	}
	rc = iok_scn_domain(s, argv[1], &d);
	if (!rc)
		rc = iok_scn_u64(s, argv[2], &iova);
	if (!rc)
		rc = iok_scn_u64(s, argv[3], &paddr);
	if (!rc)
		rc = iok_scn_u64(s, argv[4], &size);
	if (rc)
		return rc;
	if (size > SIZE_MAX)
		return iok_scn_error(s, "iommu_map: size %s is too large", argv[4]);
	return iok_map(d, iova, paddr, size, prot);
}

static int cmd_unmap(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	uint64_t iova, size;
	struct iok_domain *d;
	int rc = iok_scn_domain(s, argv[1], &d);

	if (!rc)
		rc = iok_scn_u64(s, argv[2], &iova);
	if (!rc)
		rc = iok_scn_u64(s, argv[3], &size);
	if (rc)
		return rc;
	iok_scn_printf(res, "size=0x%zx", iok_unmap(d, iova, size));
	return 0;
}

static int cmd_iova_to_phys(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_domain *d;
	uint64_t iova;
	int rc = iok_scn_domain(s, argv[1], &d);

	if (!rc)
		rc = iok_scn_u64(s, argv[2], &iova);
	if (rc)
		return rc;
	iok_scn_printf(res, "phys=0x%llx", (unsigned long long)iok_iova_to_phys(d, iova));
	return 0;
}

/* ---- DMA ownership ------------------------------------------------------- */

static int cmd_group_claim(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	const void *owner;
	struct iok_rgroup *rg;
	int rc = scn_owner(s, argv[2], &owner);

	if (!rc)
		rc = dev_group(s, argv[1], &rg);
	return rc ? rc : iok_group_claim_dma_owner(rg, owner);
}

static int cmd_group_release(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_rgroup *rg;
	int rc = dev_group(s, argv[1], &rg);

	return rc ? rc : iok_group_release_dma_owner(rg);
}

static int cmd_device_claim(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_dev *dev;
	const void *owner;
	int rc = scn_owner(s, argv[2], &owner);

	if (!rc)
		rc = machine_dev(s, argv[1], &m, &dev);
	return rc ? rc : iok_device_claim_dma_owner(m, dev, owner);
}

static int cmd_device_release(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_dev *dev;
	int rc = machine_dev(s, argv[1], &m, &dev);

	return rc ? rc : iok_device_release_dma_owner(m, dev);
}

static int cmd_owner_claimed(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_rgroup *rg;
	int rc = dev_group(s, argv[1], &rg);

	if (rc)
		return rc;
	iok_scn_printf(res, "%s", iok_group_dma_owner_claimed(rg) ? "yes" : "no");
	return 0;
}

/* ---- show ---------------------------------------------------------------- */

struct kv {
	const char *key;
	char value[768];
};

#define KV_MAX 12

static void kv_set(struct kv *kv, unsigned int *n, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void kv_set(struct kv *kv, unsigned int *n, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (*n >= KV_MAX)
		return;
	kv[*n].key = key;
	va_start(ap, fmt);
	vsnprintf(kv[*n].value, sizeof(kv[*n].value), fmt, ap);
	va_end(ap);
	(*n)++;
}

/* All pairs, or the keys the script names, in its order. */
static int kv_print(struct iok_scn *s, struct iok_scn_res *res, const struct kv *kv,
		    unsigned int n, int argc, char **argv)
{
	unsigned int i;
	int a;

	for (a = 0; a < argc; a++) {
		for (i = 0; i < n && strcmp(kv[i].key, argv[a]); i++)
			;
		if (i == n) {
			char keys[256] = "";

			for (i = 0; i < n; i++)
				snprintf(keys + strlen(keys), sizeof(keys) - strlen(keys), "%s%s",
					 i ? ", " : "", kv[i].key);
			return iok_scn_error(s, "show: no key '%s' (%s)", argv[a], keys);
		}
	}
	if (!argc) {
		for (i = 0; i < n; i++)
			iok_scn_printf(res, "%s=%s", kv[i].key, kv[i].value);
		return 0;
	}
	for (a = 0; a < argc; a++)
		for (i = 0; i < n; i++)
			if (!strcmp(kv[i].key, argv[a]))
				iok_scn_printf(res, "%s=%s", kv[i].key, kv[i].value);
	return 0;
}

static void dev_list(char *buf, size_t len, const struct iok_rgroup *rg)
{
	unsigned int i, n = iok_rgroup_count_devs(rg);
	size_t off = 0;

	buf[0] = 0;
	for (i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? "," : "",
				scn_bdf(iok_rgroup_get_dev(rg, i)));
}

static const char *owner_str(struct iok_scn *s, const struct iok_rgroup *rg)
{
	const void *owner = iok_rgroup_get_owner(rg);
	const char *name = scn_name_of(s, owner);

	if (!owner)
		return "none";
	return name ? name : "user";
}

static int show_group(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct kv kv[KV_MAX];
	struct iok_rgroup *rg;
	unsigned int n = 0;
	char buf[64], devs[700];
	int rc = dev_group(s, argv[0], &rg);

	if (rc)
		return rc;
	dev_list(devs, sizeof(devs), rg);
	kv_set(kv, &n, "group", "%d", iok_rgroup_get_id(rg));
	kv_set(kv, &n, "domain", "%s",
	       scn_domain_name(s, rg, iok_rgroup_get_domain(rg), buf, sizeof(buf)));
	kv_set(kv, &n, "owner", "%s", owner_str(s, rg));
	kv_set(kv, &n, "owner_cnt", "%u", iok_rgroup_get_owner_cnt(rg));
	kv_set(kv, &n, "devices", "%s", devs);
	kv_set(kv, &n, "type", "%s", iok_group_get_type_name(rg));
	return kv_print(s, res, kv, n, argc - 1, argv + 1);
}

static int show_groups(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_rgroup *rg;
	char devs[700];
	int rc = iok_scn_machine(s, &m);

	if (rc)
		return rc;
	if (argc)
		return iok_scn_error(s, "show groups takes nothing more");
	iok_rgroup_foreach(m, rg) {
		dev_list(devs, sizeof(devs), rg);
		iok_scn_printf(res, "%d=%s", iok_rgroup_get_id(rg), devs);
	}
	return 0;
}

static int show_device(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_dev *dev;
	struct iok_rgroup *rg;
	struct iok_iommu_unit *u;
	struct kv kv[KV_MAX];
	unsigned int n = 0;
	const char *drv;
	char buf[64], grp[16] = "none";
	int rc = machine_dev(s, argv[0], &m, &dev);

	if (rc)
		return rc;
	rg = iok_dev_get_rgroup(m, dev);
	u = iok_dev_get_unit(m, dev);
	drv = iok_dev_get_bound_driver(m, dev);
	if (rg)
		snprintf(grp, sizeof(grp), "%d", iok_rgroup_get_id(rg));
	kv_set(kv, &n, "present", "%s", iok_machine_dev_is_present(m, dev) ? "yes" : "no");
	kv_set(kv, &n, "group", "%s", grp);
	kv_set(kv, &n, "domain", "%s",
	       scn_domain_name(s, rg, iok_dev_get_attached_domain(m, dev), buf, sizeof(buf)));
	kv_set(kv, &n, "driver", "%s", drv ? drv : "-");
	kv_set(kv, &n, "unit", "%s", u ? iok_unit_get_name(u) : "none");
	kv_set(kv, &n, "attach_calls", "%lu", iok_dev_get_attach_calls(m, dev));
	return kv_print(s, res, kv, n, argc - 1, argv + 1);
}

static int show_domain(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_domain *d;
	struct iok_iommu_unit *u;
	struct iok_rgroup *rg;
	struct iok_dev *dev;
	struct kv kv[KV_MAX];
	unsigned int n = 0, attached = 0;
	uint64_t start, end;
	char groups[256] = "", buf[64];
	int rc = iok_scn_domain(s, argv[0], &d);

	if (!rc)
		rc = iok_scn_machine(s, &m);
	if (rc)
		return rc;
	u = iok_domain_get_unit(d);
	iok_rgroup_foreach(m, rg)
		if (iok_rgroup_get_domain(rg) == d)
			snprintf(groups + strlen(groups), sizeof(groups) - strlen(groups), "%s%d",
				 groups[0] ? "," : "", iok_rgroup_get_id(rg));
	for (dev = iok_dev_get_first(s->topo); dev; dev = iok_dev_get_next(dev))
		attached += iok_dev_get_attached_domain(m, dev) == d;
	snprintf(buf, sizeof(buf), "%s", iok_domain_type_name(iok_domain_get_type(d)));
	kv_set(kv, &n, "type", "%s", buf);
	kv_set(kv, &n, "groups", "%s", groups[0] ? groups : "none");
	kv_set(kv, &n, "attached", "%u", attached);
	kv_set(kv, &n, "unit", "%s", u ? iok_unit_get_name(u) : "none");
	kv_set(kv, &n, "pgsizes", "0x%llx",
	       (unsigned long long)iok_domain_get_pgsize_bitmap(d));
	if (!iok_domain_get_geometry(d, &start, &end, NULL))
		kv_set(kv, &n, "aperture", "0x%llx-0x%llx", (unsigned long long)start,
		       (unsigned long long)end);
	return kv_print(s, res, kv, n, argc - 1, argv + 1);
}

static int show_machine(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_rgroup *rg;
	struct kv kv[KV_MAX];
	unsigned int n = 0, groups = 0, i;
	char units[512] = "";
	int rc = iok_scn_machine(s, &m);

	if (rc)
		return rc;
	iok_rgroup_foreach(m, rg)
		groups++;
	for (i = 0; i < iok_machine_count_units(m); i++) {
		struct iok_iommu_unit *u = iok_machine_get_unit(m, i);

		snprintf(units + strlen(units), sizeof(units) - strlen(units), "%s%s:%s",
			 i ? "," : "", iok_unit_get_name(u), iok_unit_get_driver(u));
	}
	kv_set(kv, &n, "groups", "%u", groups);
	kv_set(kv, &n, "units", "%s", units[0] ? units : "none");
	kv_set(kv, &n, "warnings", "%u", iok_machine_get_warnings(m));
	kv_set(kv, &n, "kernel", "%s", iok_topo_get_param(s->topo, "kernel"));
	return kv_print(s, res, kv, n, argc, argv);
}

static int show_resv(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	static const char *const names[] = { "direct", "direct_relaxable", "reserved", "msi",
					     "sw_msi" };
	struct iok_resv_region r[64];
	struct iok_rgroup *rg;
	int i, n, rc;

	if (argc != 1)
		return iok_scn_error(s, "usage: show resv BDF");
	rc = dev_group(s, argv[0], &rg);
	if (rc)
		return rc;
	n = iok_group_get_resv_regions(rg, r, ARRAY_SIZE(r));
	if (n < 0)
		return n;
	for (i = 0; i < n && i < (int)ARRAY_SIZE(r); i++)
		iok_scn_printf(res, "0x%llx-0x%llx:%s", (unsigned long long)r[i].start,
			       (unsigned long long)r[i].last,
			       r[i].type < ARRAY_SIZE(names) ? names[r[i].type] : "?");
	return 0;
}

static int cmd_show(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	static const struct {
		const char *what;
		int (*fn)(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res);
		bool needs_arg;
	} forms[] = {
		{ "group", show_group, true },
		{ "groups", show_groups, false },
		{ "device", show_device, true },
		{ "domain", show_domain, true },
		{ "machine", show_machine, false },
		{ "resv", show_resv, true },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(forms); i++) {
		if (strcmp(argv[1], forms[i].what))
			continue;
		if (forms[i].needs_arg && argc < 3)
			return iok_scn_error(s, "show %s needs a %s", forms[i].what,
					     !strcmp(forms[i].what, "domain") ? "domain" : "BDF");
		return forms[i].fn(s, argc - 2, argv + 2, res);
	}
	return iok_scn_error(s, "show: unknown '%s' (group, groups, device, domain, machine, "
			     "resv)", argv[1]);
}

/* ---- the table ------------------------------------------------------------ */

const struct iok_scn_cmd iok_scn_cmds_core[] = {
	{ "topology", cmd_topology, 1, 1, "topology SOURCE",
	  "the machine: builtin:NAME, json:FILE, lspci:FILE or sysfs:DIR (paths relative to the script)" },
	{ "kernel", cmd_kernel, 1, 1, "kernel VER", "follow the rules of Linux VER (6.1, 6.19, ...)" },
	{ "cmdline", cmd_cmdline, 1, -1, "cmdline ARGS...",
	  "kernel command line (iommu=pt, iommu.strict=1, pci=...); appends" },
	{ "iommu", cmd_iommu, 1, 1, "iommu KIND[,KIND...][,aw=BITS]",
	  "IOMMU driver: intel, amd, arm, virtio, none; a list gives one per unit; aw: address width" },
	{ "param", cmd_param, 2, 2, "param KEY VALUE",
	  "another topology parameter: acs, acs_override, no_iommu, absent (BDFs unplugged at boot), "
	  "iommu_aw (32-48 bits), isolation (kernel or relaxed: family core-split)" },
	{ "boot", cmd_boot, 0, 0, "boot", "build the machine and probe its devices now" },
	{ "echo", cmd_echo, 0, -1, "echo TEXT...", "answers OK TEXT" },
	{ "sleep", cmd_sleep, 1, 1, "sleep MS", "the model has no time: OK at once" },
	{ "settle", cmd_sleep, 0, 1, "settle [MS]", "wait for driver binding to settle: OK at once" },
	{ "check", cmd_check, 0, 0, "check", "check the invariants now (they are after every operation)" },
	{ "show", cmd_show, 1, -1, "show group BDF|groups|device BDF|domain NAME|machine|resv BDF [KEY...]",
	  "state as key=value words; KEYs pick some, in that order" },
	{ "hotadd", cmd_hotadd, 1, 1, "hotadd BDF", "plug an absent device in and probe it" },
	{ "hotremove", cmd_hotremove, 1, 1, "hotremove BDF",
	  "unplug a device (its driver is unbound first)" },
	{ "attach_deferred", cmd_attach_deferred, 1, 1, "attach_deferred BDF",
	  "the IOMMU driver will report is_attach_deferred() when the absent device is probed" },
	{ "probe_window", cmd_probe_window, 1, 1, "probe_window open|close",
	  "hold new groups before their default domain, as during IOMMU registration" },
	{ "resv_region", cmd_resv_region, 4, 4, "resv_region BDF START LAST TYPE",
	  "firmware reserved region: direct, direct_relaxable, reserved, msi, sw_msi" },
	{ "fail_attach", cmd_fail_attach, 2, 3, "fail_attach BDF ERRNO|none [NTH]",
	  "make the NTH (1) next attach_dev of the device fail with ERRNO" },
	{ "fail_alloc", cmd_fail_alloc, 0, 1, "fail_alloc [NTH]",
	  "make the NTH (1) next paging-domain allocation fail (0 disarms)" },
	{ "group_type", cmd_group_type, 2, 2, "group_type BDF TYPE",
	  "write /sys/kernel/iommu_groups/N/type: identity, DMA, DMA-FQ, auto" },
	{ "driver_bind", cmd_driver_bind, 2, 3, "driver_bind BDF DRIVER [managed]",
	  "bind a device driver; vfio-pci, pci-stub, pcieport and `managed` are driver_managed_dma" },
	{ "driver_unbind", cmd_driver_unbind, 1, 1, "driver_unbind BDF", "unbind its driver" },
	{ "iommu_paging_domain_alloc", cmd_domain_alloc, 2, 2, "iommu_paging_domain_alloc NAME BDF",
	  "allocate an UNMANAGED domain for the device's IOMMU, named NAME" },
	{ "iommu_domain_free", cmd_domain_free, 1, 1, "iommu_domain_free NAME", "free it; the name is free again" },
	{ "iommu_attach_device", cmd_attach_device, 2, 2, "iommu_attach_device DOMAIN BDF",
	  "attach a device alone in its group" },
	{ "iommu_detach_device", cmd_detach_device, 2, 2, "iommu_detach_device DOMAIN BDF",
	  "back to the core domain" },
	{ "iommu_attach_group", cmd_attach_group, 2, 2, "iommu_attach_group DOMAIN BDF",
	  "attach the device's whole group" },
	{ "iommu_detach_group", cmd_detach_group, 2, 2, "iommu_detach_group DOMAIN|- BDF",
	  "the group back to its core domain (the domain is ignored)" },
	{ "iommu_group_replace_domain", cmd_replace_domain, 2, 2,
	  "iommu_group_replace_domain BDF DOMAIN", "switch the group's domain without the core domain" },
	{ "iommu_get_domain_for_dev", cmd_get_domain, 1, 1, "iommu_get_domain_for_dev BDF",
	  "the group's domain" },
	{ "iommu_group_claim_dma_owner", cmd_group_claim, 2, 2,
	  "iommu_group_claim_dma_owner BDF OWNER", "exclusive user ownership (VFIO); OWNER is a name" },
	{ "iommu_group_release_dma_owner", cmd_group_release, 1, 1,
	  "iommu_group_release_dma_owner BDF", "release it: back to the default domain" },
	{ "iommu_device_claim_dma_owner", cmd_device_claim, 2, 2,
	  "iommu_device_claim_dma_owner BDF OWNER", "shared user ownership by cookie (iommufd)" },
	{ "iommu_device_release_dma_owner", cmd_device_release, 1, 1,
	  "iommu_device_release_dma_owner BDF", "count one claim down" },
	{ "iommu_group_dma_owner_claimed", cmd_owner_claimed, 1, 1,
	  "iommu_group_dma_owner_claimed BDF", "OK yes when owner_cnt is not 0" },
	{ "iommu_map", cmd_map, 4, 5, "iommu_map DOMAIN IOVA PADDR SIZE [r|w|rw]", "map (rw by default)" },
	{ "iommu_unmap", cmd_unmap, 3, 3, "iommu_unmap DOMAIN IOVA SIZE", "OK size=BYTES unmapped" },
	{ "iommu_iova_to_phys", cmd_iova_to_phys, 2, 2, "iommu_iova_to_phys DOMAIN IOVA",
	  "OK phys=ADDR (0 when not mapped)" },
	{ NULL, NULL, 0, 0, NULL, NULL },
};
