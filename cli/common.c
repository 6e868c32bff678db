// SPDX-License-Identifier: MIT
/* What the subcommands share: option parsing, loading, errors, filters. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/builtin.h"

static int parse_color(const char *arg, int *mode)
{
	if (!arg || !strcmp(arg, "always")) {
		*mode = 1;
	} else if (!strcmp(arg, "never")) {
		*mode = 0;
	} else if (!strcmp(arg, "auto")) {
		*mode = -1;
	} else {
		fprintf(stderr, "iommukit: --color takes auto, always or never, not '%s'\n", arg);
		return -1;
	}
	return 0;
}

int cli_parse(int argc, char **argv, const char *usage, const struct option *extra_long,
	      const char *extra_short, struct cli_opts *o,
	      int (*fn)(int opt, const char *arg, void *data), void *data)
{
	static const struct option common[] = { CLI_COMMON_LONGOPTS };
	struct option longopts[64];
	char shortopts[64];
	unsigned int n = 0, i;
	int opt;

	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		longopts[n++] = common[i];
	for (i = 0; extra_long && extra_long[i].name && n < 63; i++)
		longopts[n++] = extra_long[i];
	memset(&longopts[n], 0, sizeof(longopts[n]));
	snprintf(shortopts, sizeof(shortopts), "S:k:jvh%s", extra_short ? extra_short : "");

	o->color = -1;
	optind = 1;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (opt) {
		case 'S': o->source = optarg; break;
		case 'k': o->kernel = optarg; break;
		case 'I': o->iommu = optarg; break;
		case 'c': o->cmdline = optarg; break;
		case 'O': o->acs_override = optarg; break;
		case 'A': o->acs = optarg; break;
		case 'N': o->no_iommu = optarg; break;
		case 'j': o->json = true; break;
		case 'v': o->verbose = true; break;
		case 'C':
			if (parse_color(optarg, &o->color))
				return -1;
			break;
		case 'h':
			printf("%s\nOptions:\n%s", usage, CLI_COMMON_HELP);
			exit(0);
		case '?':
			fprintf(stderr, "%s", usage);
			return -1;
		default:
			if (!fn || fn(opt, optarg, data))
				return -1;
		}
	}
	cli_color_init(o->color);
	return optind;
}

int cli_error(struct iok_ctx *ctx, const char *what, int rc)
{
	const char *msg = iok_get_error(ctx);

	if (msg && *msg)
		fprintf(stderr, "iommukit: %s\n", msg);
	else
		fprintf(stderr, "iommukit: %s: %s\n", what, strerror(-rc));
	return EXIT_BAD_INPUT;
}

static bool have_pci_sysfs(void)
{
	return access("/sys/bus/pci/devices", R_OK) == 0;
}

int cli_load(struct iok_ctx *ctx, const struct cli_opts *o, struct iok_topo **out)
{
	const char *src = o->source;
	struct iok_topo *topo;
	int rc;

	if (!src)
		src = have_pci_sysfs() ? "sysfs" : "builtin:server";
	rc = iok_topo_load(ctx, src, &topo);
	if (rc)
		return cli_error(ctx, src, rc);
	if ((o->kernel && (rc = iok_topo_set_param(topo, "kernel", o->kernel))) ||
	    (o->iommu && (rc = iok_topo_set_param(topo, "iommu", o->iommu))) ||
	    (o->acs && (rc = iok_topo_set_param(topo, "acs", o->acs))) ||
	    (o->no_iommu && (rc = iok_topo_set_param(topo, "no_iommu", o->no_iommu))) ||
	    (o->cmdline && (rc = iok_topo_set_param(topo, "cmdline", o->cmdline))) ||
	    (o->acs_override && (rc = iok_topo_set_param(topo, "acs_override", o->acs_override)))) {
		iok_topo_unref(topo);
		return cli_error(ctx, "parameter", rc);
	}
	*out = topo;
	return 0;
}

/* lspci's -s: [[domain:]bus:][slot][.func], every part optional. */
static bool parse_slot(const char *f, long *dom, long *bus, long *slot, long *fn)
{
	char buf[64], *colon1, *colon2, *dot, *end;
	char *parts[3] = { NULL, NULL, NULL };

	*dom = *bus = *slot = *fn = -1;
	if (strlen(f) >= sizeof(buf))
		return false;
	strcpy(buf, f);
	dot = strchr(buf, '.');
	if (dot) {
		*dot = 0;
		if (dot[1] && strcmp(dot + 1, "*")) {
			*fn = strtol(dot + 1, &end, 16);
			if (*end || *fn > 7 || *fn < 0)
				return false;
		}
	}
	colon1 = strchr(buf, ':');
	colon2 = colon1 ? strchr(colon1 + 1, ':') : NULL;
	if (colon2) {
		*colon1 = *colon2 = 0;
		parts[0] = buf;
		parts[1] = colon1 + 1;
		parts[2] = colon2 + 1;
	} else if (colon1) {
		*colon1 = 0;
		parts[1] = buf;
		parts[2] = colon1 + 1;
	} else {
		parts[2] = buf;
	}
	for (int i = 0; i < 3; i++) {
		long *v = i == 0 ? dom : i == 1 ? bus : slot;

		if (!parts[i] || !*parts[i] || !strcmp(parts[i], "*"))
			continue;
		*v = strtol(parts[i], &end, 16);
		if (*end || *v < 0 || (i == 1 && *v > 0xff) || (i == 2 && *v > 0x1f))
			return false;
	}
	return true;
}

int cli_slot_check(const char *filter)
{
	long a, b, c, d;

	if (parse_slot(filter, &a, &b, &c, &d))
		return 0;
	fprintf(stderr, "iommukit: -s '%s' is not [[domain:]bus:][slot][.func]\n", filter);
	return -1;
}

bool cli_slot_match(const char *filter, const struct iok_dev *d)
{
	long dom, bus, slot, fn;

	if (!iok_dev_is_pci(d))
		return !strcmp(filter, iok_dev_get_name(d));
	if (!parse_slot(filter, &dom, &bus, &slot, &fn))
		return false;
	return (dom < 0 || dom == (long)iok_dev_get_domain(d)) &&
	       (bus < 0 || bus == iok_dev_get_busnr(d)) &&
	       (slot < 0 || slot == iok_dev_get_devfn(d) >> 3) &&
	       (fn < 0 || fn == (iok_dev_get_devfn(d) & 7));
}
