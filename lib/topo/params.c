// SPDX-License-Identifier: MIT
/*
 * Machine and what-if parameters: kernel version, IOMMU, ACS state of the
 * input, and the kernel command-line options that change groups (spec
 * groups 3 and 11, and the out-of-tree ACS override of section 10).
 */
#include <ctype.h>
#include <stdio.h>

#include "lib/private.h"

#define DEFAULT_KERNEL 619

int iok_params_init(struct iok_params *p)
{
	memset(p, 0, sizeof(*p));
	p->kernel = DEFAULT_KERNEL;
	snprintf(p->kernel_str, sizeof(p->kernel_str), "6.19");
	p->iommu = IOK_IOMMU_INTEL;
	p->acs_requested = true;
	p->passthrough = -1;
	p->strict = -1;
	return 0;
}

void iok_params_free(struct iok_params *p)
{
	free(p->absent);
	free(p->absent_str);
	free(p->no_iommu);
	free(p->no_iommu_str);
	free(p->acs_cmds);
	free(p->cmdline);
	free(p->acs_override);
	memset(p, 0, sizeof(*p));
}

/* "MAJOR[.MINOR[.PATCH]]" with an optional "-extra" or "+" tail, as uname -r prints. */
static bool parse_version(const char *v, unsigned int *major, unsigned int *minor)
{
	unsigned long part[3] = { 0, 0, 0 };
	unsigned int i;
	char *end;

	for (i = 0; i < 3; i++) {
		if (*v < '0' || *v > '9')
			return false;
		part[i] = strtoul(v, &end, 10);
		v = end;
		if (*v != '.')
			break;
		v++;
	}
	if (i == 3 || (*v && *v != '-' && *v != '+'))
		return false;
	*major = part[0] > 999 ? 1000 : part[0];
	*minor = part[1] > 999 ? 1000 : part[1];
	return true;
}

static int parse_kernel(struct iok_topo *topo, const char *v)
{
	unsigned int major, minor;

	if (!parse_version(v, &major, &minor) ||
	    major < 3 || major > 99 || minor > 99)
		return iok_fail(topo->ctx, -EINVAL,
				"kernel version '%s' is not of the form MAJOR.MINOR (e.g. 6.1, 6.19, 7.0)", v);
	topo->params.kernel = major * 100 + minor;
	snprintf(topo->params.kernel_str, sizeof(topo->params.kernel_str), "%u.%u",
		 major, minor);
	return 0;
}

static const char *const iommu_names[] = {
	[IOK_IOMMU_NONE] = "none",
	[IOK_IOMMU_INTEL] = "intel",
	[IOK_IOMMU_AMD] = "amd",
	[IOK_IOMMU_ARM] = "arm",
	[IOK_IOMMU_VIRTIO] = "virtio",
};

/* Canonical spellings of the address widths iommu_aw takes. */
#define AW_MIN 32
#define AW_MAX 48
static const char aw_names[AW_MAX - AW_MIN + 1][3] = {
	"32", "33", "34", "35", "36", "37", "38", "39", "40",
	"41", "42", "43", "44", "45", "46", "47", "48",
};

/*
 * The units' input address width (VT-d's MGAW): QEMU's intel-iommu has 39
 * bits, the model's drivers 48. "" or "0" is the drivers' own.
 */
static int parse_aw(struct iok_topo *topo, const char *v, size_t len, unsigned int *out)
{
	unsigned int bits = 0;
	size_t i;

	for (i = 0; i < len && bits <= AW_MAX; i++) {
		if (v[i] < '0' || v[i] > '9')
			break;
		bits = bits * 10 + (v[i] - '0');
	}
	if (i < len || (bits && (bits < AW_MIN || bits > AW_MAX)))
		return iok_fail(topo->ctx, -EINVAL,
				"IOMMU address width '%.*s' is not %d to %d bits (0: the driver's)",
				(int)len, v, AW_MIN, AW_MAX);
	*out = bits;
	return 0;
}

/* "KIND[,aw=BITS]": the driver, and options of its units. */
static int parse_iommu(struct iok_topo *topo, const char *v)
{
	size_t len = strcspn(v, ",");
	unsigned int i, aw = topo->params.iommu_aw;
	const char *opt;

	for (opt = v + len; *opt == ','; opt += len) {
		opt++;
		len = strcspn(opt, ",");
		if (strncmp(opt, "aw=", 3) || len < 3)
			return iok_fail(topo->ctx, -EINVAL, "IOMMU option '%.*s' is not aw=BITS",
					(int)len, opt);
		if (parse_aw(topo, opt + 3, len - 3, &aw))
			return -EINVAL;
	}
	len = strcspn(v, ",");
	for (i = 0; i < ARRAY_SIZE(iommu_names); i++) {
		if (strlen(iommu_names[i]) != len || strncmp(v, iommu_names[i], len))
			continue;
		topo->params.iommu = i;
		topo->params.ivrs = i == IOK_IOMMU_AMD;
		topo->params.acs_requested = i != IOK_IOMMU_NONE;
		topo->params.iommu_aw = aw;
		return 0;
	}
	return iok_fail(topo->ctx, -EINVAL,
			"unknown IOMMU '%.*s' (intel, amd, arm, virtio, none)", (int)len, v);
}

/*
 * One device of pci=disable_acs_redir= or pci=config_acs=:
 * "[domain:]bus:dev.fn[/dev.fn]*" or "pci:vvvv:dddd[:svvv:sddd]".
 */
static int parse_acs_dev(struct iok_topo *topo, const char *s, struct iok_acs_cmd *c)
{
	unsigned int a, b, x, y, dev, fn;
	const char *p;
	int n = 0;

	if (!strncmp(s, "pci:", 4)) {
		c->by_id = true;
		if (sscanf(s + 4, "%x:%x:%x:%x%n", &a, &b, &x, &y, &n) == 4 && !s[4 + n]) {
			c->subvendor = x;
			c->subdevice = y;
		} else if (n = 0, sscanf(s + 4, "%x:%x%n", &a, &b, &n) != 2 || s[4 + n]) {
			return iok_fail(topo->ctx, -EINVAL,
					"ACS device '%s' is not pci:vvvv:dddd[:svvv:sddd]", s);
		}
		c->vendor = a;
		c->device = b;
		return 0;
	}
	if (sscanf(s, "%x:%x:%x.%x%n", &a, &b, &dev, &fn, &n) == 4) {
		c->domain = a;
		c->bus = b;
	} else if (n = 0, sscanf(s, "%x:%x.%x%n", &b, &dev, &fn, &n) == 3) {
		c->bus = b;
	} else {
		return iok_fail(topo->ctx, -EINVAL,
				"ACS device '%s' is not [domain:]bus:dev.fn[/dev.fn...]", s);
	}
	for (p = s + n;;) {
		if (dev > 0x1f || fn > 7 || c->path_len >= ARRAY_SIZE(c->path))
			return iok_fail(topo->ctx, -EINVAL, "ACS device path '%s' is invalid", s);
		c->path[c->path_len++] = dev << 3 | fn;
		if (!*p)
			return 0;
		if (sscanf(p, "/%x.%x%n", &dev, &fn, &n) != 2)
			return iok_fail(topo->ctx, -EINVAL,
					"ACS device path '%s' is invalid at '%s'", s, p);
		p += n;
	}
}

static int add_acs_cmd(struct iok_topo *topo, const struct iok_acs_cmd *c)
{
	struct iok_params *pp = &topo->params;
	struct iok_acs_cmd *n = realloc(pp->acs_cmds, (pp->nr_acs_cmds + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	pp->acs_cmds = n;
	n[pp->nr_acs_cmds++] = *c;
	return 0;
}

/* Forget an earlier list of the same option: the kernel keeps the last one. */
static void drop_acs_cmds(struct iok_params *p, bool redir)
{
	unsigned int i, n = 0;

	for (i = 0; i < p->nr_acs_cmds; i++)
		if (p->acs_cmds[i].redir != redir)
			p->acs_cmds[n++] = p->acs_cmds[i];
	p->nr_acs_cmds = n;
}

/* The device list of both options: items separated by ';' or ','. */
static int parse_acs_list(struct iok_topo *topo, const char *v, bool redir)
{
	_cleanup_free_ char *copy = strdup(v);
	char *save = NULL, *item;
	int rc;

	if (!copy)
		return -ENOMEM;
	drop_acs_cmds(&topo->params, redir);
	for (item = strtok_r(copy, ";,", &save); item; item = strtok_r(NULL, ";,", &save)) {
		struct iok_acs_cmd c = { .redir = redir };
		char *at = NULL;

		if (!redir) {
			unsigned int i, len;
			const char *f;

			at = strchr(item, '@');
			if (!at)
				return iok_fail(topo->ctx, -EINVAL,
						"config_acs item '%s' has no '@': expected FLAGS@DEVICE", item);
			*at = 0;
			f = item;
			len = strlen(f);
			if (!len || len > 7)
				return iok_fail(topo->ctx, -EINVAL,
						"config_acs flags '%s' must be 1 to 7 characters of 0, 1, x", f);
			/* Read right to left: the last character is bit 0 (SV). */
			for (i = 0; i < len; i++) {
				char ch = f[len - 1 - i];

				if (ch == '1') {
					c.mask |= 1u << i;
					c.flags |= 1u << i;
				} else if (ch == '0') {
					c.mask |= 1u << i;
				} else if (ch != 'x' && ch != 'X') {
					return iok_fail(topo->ctx, -EINVAL,
							"config_acs flags '%s': '%c' is not 0, 1 or x", f, ch);
				}
			}
			item = at + 1;
		}
		rc = parse_acs_dev(topo, item, &c);
		if (rc)
			return rc;
		rc = add_acs_cmd(topo, &c);
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_override(struct iok_topo *topo, const char *v)
{
	struct iok_params *p = &topo->params;
	_cleanup_free_ char *copy = strdup(v);
	char *save = NULL, *item;
	unsigned int ven, dev;
	int n;

	if (!copy)
		return -ENOMEM;
	p->ovr_downstream = p->ovr_multifunction = false;
	p->nr_ovr_ids = 0;
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		if (!strcmp(item, "downstream")) {
			p->ovr_downstream = true;
		} else if (!strcmp(item, "multifunction")) {
			p->ovr_multifunction = true;
		} else if (n = 0, sscanf(item, "id:%x:%x%n", &ven, &dev, &n) == 2 && !item[n] &&
			   ven <= 0xffff && dev <= 0xffff) {
			if (p->nr_ovr_ids >= IOK_OVERRIDE_IDS - 1)
				return iok_fail(topo->ctx, -EINVAL,
						"pcie_acs_override: more than %d ids", IOK_OVERRIDE_IDS - 1);
			p->ovr_ids[p->nr_ovr_ids++] = ven << 16 | dev;
		} else {
			return iok_fail(topo->ctx, -EINVAL,
					"pcie_acs_override item '%s' is not downstream, multifunction or id:vvvv:dddd",
					item);
		}
	}
	free(p->acs_override);
	p->acs_override = strdup(v);
	return p->acs_override ? 0 : -ENOMEM;
}

/* pci=opt1,opt2,...: the grouping-relevant options. */
static int parse_pci_opts(struct iok_topo *topo, const char *v)
{
	const char *p = v;

	while (*p) {
		size_t len = strcspn(p, ",");
		char buf[1024];

		/* config_acs and disable_acs_redir lists run to the end (';'-separated). */
		if (!strncmp(p, "disable_acs_redir=", 18) || !strncmp(p, "config_acs=", 11)) {
			bool redir = p[0] == 'd';
			const char *val = strchr(p, '=') + 1;

			len = strcspn(val, ",");
			snprintf(buf, sizeof(buf), "%.*s", (int)len, val);
			if (parse_acs_list(topo, buf, redir))
				return -EINVAL;
			p = val + len;
		} else {
			snprintf(buf, sizeof(buf), "%.*s", (int)len, p);
			if (!strcmp(buf, "noats"))
				topo->params.noats = true;
			else if (!strcmp(buf, "pcie_scan_all"))
				topo->params.pcie_scan_all = true;
			p += len;
		}
		if (*p == ',')
			p++;
	}
	return 0;
}

/* The kernel's kstrtobool(): the first character decides, "on"/"off" the second. */
static int parse_kbool(struct iok_topo *topo, const char *word, const char *v)
{
	if (*v && strchr("yYtT1", *v))
		return 1;
	if (*v && strchr("nNfF0", *v))
		return 0;
	if ((v[0] == 'o' || v[0] == 'O') && v[1] && strchr("nN", v[1]))
		return 1;
	if ((v[0] == 'o' || v[0] == 'O') && v[1] && strchr("fF", v[1]))
		return 0;
	return iok_fail(topo->ctx, -EINVAL, "%s: '%s' is not a boolean (1, 0, y, n, on, off)",
			word, v);
}

/* Default-domain options of the IOMMU core (spec runtime 2.4). */
static int parse_iommu_opt(struct iok_topo *topo, const char *word)
{
	int b;

	if (!strcmp(word, "iommu=pt") || !strcmp(word, "iommu=nopt")) {
		topo->params.passthrough = !strcmp(word, "iommu=pt");
		return 0;
	}
	b = parse_kbool(topo, word, strchr(word, '=') + 1);
	if (b < 0)
		return b;
	if (!strncmp(word, "iommu.strict=", 13))
		topo->params.strict = b;
	else
		topo->params.passthrough = b;
	return 0;
}

static int parse_cmdline(struct iok_topo *topo, const char *v)
{
	_cleanup_free_ char *copy = strdup(v);
	char *save = NULL, *word;
	int rc;

	if (!copy)
		return -ENOMEM;
	topo->params.passthrough = -1;
	topo->params.strict = -1;
	for (word = strtok_r(copy, " \t\n", &save); word;
	     word = strtok_r(NULL, " \t\n", &save)) {
		if (!strncmp(word, "pci=", 4)) {
			rc = parse_pci_opts(topo, word + 4);
		} else if (!strncmp(word, "pcie_acs_override=", 18)) {
			rc = parse_override(topo, word + 18);
		} else if (!strcmp(word, "intel_iommu=off") || !strcmp(word, "amd_iommu=off") ||
			   !strcmp(word, "iommu=off")) {
			topo->params.iommu = IOK_IOMMU_NONE;
			topo->params.acs_requested = false;
			rc = 0;
		} else if (!strcmp(word, "iommu=pt") || !strcmp(word, "iommu=nopt") ||
			   !strncmp(word, "iommu.passthrough=", 18) ||
			   !strncmp(word, "iommu.strict=", 13)) {
			rc = parse_iommu_opt(topo, word);
		} else {
			rc = 0;
		}
		if (rc)
			return rc;
	}
	free(topo->params.cmdline);
	topo->params.cmdline = strdup(v);
	return topo->params.cmdline ? 0 : -ENOMEM;
}

/* A failed parse leaves the parameters exactly as they were. */
static int parse_transactional(struct iok_topo *topo,
			       int (*parse)(struct iok_topo *, const char *),
			       const char *value)
{
	struct iok_params saved = topo->params;
	int rc;

	topo->params.acs_cmds = NULL;
	topo->params.nr_acs_cmds = 0;
	topo->params.cmdline = NULL;
	topo->params.acs_override = NULL;
	rc = parse(topo, value);
	if (rc) {
		iok_params_free(&topo->params);
		topo->params = saved;
		return rc;
	}
	/* An option the new value did not mention keeps its old value. */
	if (parse == parse_override) {
		topo->params.acs_cmds = saved.acs_cmds;
		topo->params.nr_acs_cmds = saved.nr_acs_cmds;
		topo->params.cmdline = saved.cmdline;
		free(saved.acs_override);
	} else {
		if (!topo->params.acs_override)
			topo->params.acs_override = saved.acs_override;
		else
			free(saved.acs_override);
		free(saved.acs_cmds);
		free(saved.cmdline);
	}
	return 0;
}

/*
 * A list of devices: BDFs, and with @buses also "DDDD:BB" for a root bus
 * and everything on it. Replaces *@list only when all of @v parses.
 */
static int parse_sel_list(struct iok_topo *topo, const char *key, const char *v,
			  bool buses, struct iok_dev_sel **list, unsigned int *nr,
			  char **str)
{
	_cleanup_free_ char *copy = strdup(v);
	struct iok_dev_sel *out = NULL;
	char *save = NULL, *item;
	unsigned int n = 0;

	if (!copy)
		return -ENOMEM;
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		struct iok_dev_sel e = { .devfn = -1 };
		unsigned int dom, bus;
		uint8_t b, devfn;
		int len = 0;
		void *grown;

		if (!iok_parse_bdf(item, &e.domain, &b, &devfn)) {
			e.bus = b;
			e.devfn = devfn;
		} else if (buses && sscanf(item, "%x:%x%n", &dom, &bus, &len) == 2 &&
			   !item[len] && bus <= 0xff) {
			e.domain = dom;
			e.bus = bus;
		} else {
			free(out);
			return iok_fail(topo->ctx, -EINVAL, "%s item '%s' is not %s", key, item,
					buses ? "DDDD:BB (a root bus) or a BDF" : "a BDF");
		}
		grown = realloc(out, (n + 1) * sizeof(*out));
		if (!grown) {
			free(out);
			return -ENOMEM;
		}
		out = grown;
		out[n++] = e;
	}
	free(*list);
	free(*str);
	*list = out;
	*nr = n;
	*str = strdup(v);
	return *str ? 0 : -ENOMEM;
}

bool iok_topo_is_absent(const struct iok_topo *topo, const struct iok_dev *d)
{
	const struct iok_params *p = &topo->params;
	unsigned int i;

	for (i = 0; d->is_pci && i < p->nr_absent; i++)
		if (p->absent[i].domain == d->domain && p->absent[i].bus == d->busnr &&
		    p->absent[i].devfn == d->devfn)
			return true;
	return false;
}

/*
 * Beyond Linux: whether one owner may give devices of one group that are
 * not DMA aliases different domains (docs/groups-sets.md). The default is
 * the kernel's rule, one domain per group.
 */
static int parse_isolation(struct iok_topo *topo, const char *v)
{
	if (strcmp(v, "kernel") && strcmp(v, "relaxed"))
		return iok_fail(topo->ctx, -EINVAL,
				"isolation must be 'kernel' or 'relaxed', not '%s'", v);
	topo->params.isolation_relaxed = !strcmp(v, "relaxed");
	return 0;
}

IOK_EXPORT int iok_topo_set_param(struct iok_topo *topo, const char *key,
				  const char *value)
{
	if (!topo || !key || !value)
		return -EINVAL;
	if (!strcmp(key, "kernel"))
		return parse_kernel(topo, value);
	if (!strcmp(key, "iommu"))
		return parse_iommu(topo, value);
	if (!strcmp(key, "acs")) {
		if (strcmp(value, "final") && strcmp(value, "firmware"))
			return iok_fail(topo->ctx, -EINVAL,
					"acs must be 'final' or 'firmware', not '%s'", value);
		topo->params.acs_final = !strcmp(value, "final");
		return 0;
	}
	if (!strcmp(key, "cmdline"))
		return parse_transactional(topo, parse_cmdline, value);
	if (!strcmp(key, "acs_override"))
		return parse_transactional(topo, parse_override, value);
	if (!strcmp(key, "no_iommu"))
		return parse_sel_list(topo, key, value, true, &topo->params.no_iommu,
				      &topo->params.nr_no_iommu, &topo->params.no_iommu_str);
	if (!strcmp(key, "absent"))
		return parse_sel_list(topo, key, value, false, &topo->params.absent,
				      &topo->params.nr_absent, &topo->params.absent_str);
	if (!strcmp(key, "isolation"))
		return parse_isolation(topo, value);
	if (!strcmp(key, "iommu_aw"))
		return parse_aw(topo, value, strlen(value), &topo->params.iommu_aw);
	return iok_fail(topo->ctx, -EINVAL,
			"unknown parameter '%s' (kernel, iommu, iommu_aw, acs, cmdline, acs_override, no_iommu, absent, isolation)",
			key);
}

IOK_EXPORT const char *iok_topo_get_param(struct iok_topo *topo, const char *key)
{
	if (!topo || !key)
		return NULL;
	if (!strcmp(key, "kernel"))
		return topo->params.kernel_str;
	if (!strcmp(key, "iommu"))
		return iommu_names[topo->params.iommu];
	if (!strcmp(key, "acs"))
		return topo->params.acs_final ? "final" : "firmware";
	if (!strcmp(key, "cmdline"))
		return topo->params.cmdline ? topo->params.cmdline : "";
	if (!strcmp(key, "acs_override"))
		return topo->params.acs_override ? topo->params.acs_override : "";
	if (!strcmp(key, "no_iommu"))
		return topo->params.no_iommu_str ? topo->params.no_iommu_str : "";
	if (!strcmp(key, "absent"))
		return topo->params.absent_str ? topo->params.absent_str : "";
	if (!strcmp(key, "isolation"))
		return topo->params.isolation_relaxed ? "relaxed" : "kernel";
	if (!strcmp(key, "iommu_aw"))
		return topo->params.iommu_aw ? aw_names[topo->params.iommu_aw - AW_MIN] : "";
	return NULL;
}
