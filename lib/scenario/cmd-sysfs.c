// SPDX-License-Identifier: MIT
/*
 * The sysfs family: driver binding and the sysfs files of the kernel
 * oracle's vfio-run (../shared/oracle/vfio/README.md, "Script language"),
 * with the same operations, paths and result formats: `write` and `read`
 * of any path ("{group:BDF}" expanded), override, bind, unbind, probe,
 * remove, rescan, driver, group, lsdev, ls, exists, and background writes
 * for the ones that block (bgwrite, bgunbind, wait).
 *
 * The first command of these families (or of vfio) boots the driver core
 * as the oracle's guest has it when its script starts: every driver
 * registered and probed. `boot_drivers FILE` then makes the bindings those
 * of a capture's devices.txt (and checks its group numbers); `iommu_aw
 * BITS` sets the IOMMU's address width (QEMU's intel-iommu: 39). Both are
 * iommukit's, not the oracle's.
 */
#include <ctype.h>
#include <stdio.h>

#include "lib/private.h"
#include "lib/scenario/cmd-uapi.h"

#define PATH_LEN 1024

/* A background write: its job while blocked, its result once done. */
struct scn_job {
	char *name;
	struct iok_sysfs_job *job;
	bool done;
	int rc;
	bool open_failed;
	struct scn_job *next;
};

static void uapi_free(void *p)
{
	struct scn_uapi *u = p;
	struct scn_job *j;

	while ((j = u->jobs)) {
		u->jobs = j->next;
		iok_sysfs_job_free(j->job);
		free(j->name);
		free(j);
	}
	iok_sysfs_free(u->sf);
	free(u);
}

int scn_uapi_get(struct iok_scn *s, struct scn_uapi **out)
{
	struct scn_uapi *u = iok_scn_ext_get(s, IOK_SCN_EXT_SYSFS);
	struct iok_machine *m;
	int rc;

	if (u) {
		*out = u;
		return 0;
	}
	rc = iok_scn_machine(s, &m);
	if (rc)
		return rc;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	rc = iok_sysfs_new(m, &u->sf);
	if (!rc)
		rc = iok_vfio_new(u->sf, &u->vfio);
	if (!rc)
		rc = iok_proc_new(u->sf, &u->proc);
	/* As the oracle's guest: the modules loaded, their drivers bound. */
	if (!rc && iok_sysfs_boot_probe(u->sf) < 0)
		rc = -EINVAL;
	if (rc) {
		uapi_free(u);
		return iok_scn_error(s, "the driver core could not be set up: %s",
				     iok_get_error(iok_scn_ctx(s)));
	}
	iok_scn_ext_set(s, IOK_SCN_EXT_SYSFS, u, uapi_free);
	*out = u;
	return 0;
}

void scn_full_bdf(const char *in, char *out, size_t len)
{
	unsigned int a, b, c;
	char tail;

	if (sscanf(in, "%x:%x.%x%c", &a, &b, &c, &tail) == 3 && strchr(in, ':') == strrchr(in, ':'))
		snprintf(out, len, "0000:%s", in);
	else
		snprintf(out, len, "%s", in);
}

/* The device of a BDF, present or not; NULL when the topology has none. */
static struct iok_dev *find_dev(struct iok_scn *s, const char *bdf)
{
	struct iok_machine *m;
	struct iok_dev *dev;

	if (iok_scn_machine(s, &m) || iok_dev_find(iok_machine_get_topo(m), bdf, &dev))
		return NULL;
	return dev;
}

int scn_group_of(struct iok_scn *s, struct scn_uapi *u, const char *bdf, int *id)
{
	struct iok_dev *dev = find_dev(s, bdf);
	struct iok_rgroup *rg;

	if (!dev || !iok_machine_dev_is_present(iok_sysfs_get_machine(u->sf), dev))
		return -ENOENT;
	rg = iok_dev_get_rgroup(iok_sysfs_get_machine(u->sf), dev);
	if (!rg)
		return -ENOENT;
	*id = iok_rgroup_get_id(rg);
	return 0;
}

int scn_expand(struct iok_scn *s, struct scn_uapi *u, const char *in, char *out, size_t len)
{
	size_t o = 0;

	while (*in && o + 1 < len) {
		const char *e;
		char bdf[64];
		int id;

		if (strncmp(in, "{group:", 7)) {
			out[o++] = *in++;
			continue;
		}
		e = strchr(in, '}');
		if (!e || (size_t)(e - in - 7) >= sizeof(bdf))
			return iok_scn_error(s, "bad {group:BDF} in '%s'", in);
		memcpy(bdf, in + 7, e - in - 7);
		bdf[e - in - 7] = 0;
		if (scn_group_of(s, u, bdf, &id))
			return iok_scn_error(s, "%s has no iommu_group", bdf);
		o += snprintf(out + o, len - o, "%d", id);
		in = e + 1;
	}
	out[o < len ? o : len - 1] = 0;
	return 0;
}

/* ---- writes ---------------------------------------------------------------- */

/*
 * One open and one write(2), as vfio-run's do_write(): an open failure
 * answers "ERRNO open". A write that would block is a script error here:
 * the oracle would hang; bgwrite runs it aside.
 */
static int do_write(struct iok_scn *s, struct scn_uapi *u, const char *path, const char *value,
		    bool nonl, struct iok_sysfs_job **job, bool *open_failed, struct iok_scn_res *res)
{
	_cleanup_free_ char *buf = NULL;
	struct iok_sysfs_file *f;
	int rc;

	*open_failed = false;
	rc = iok_sysfs_open(u->sf, path, IOK_O_WRONLY, &f);
	if (rc) {
		*open_failed = true;
		if (res)
			iok_scn_printf(res, "open");
		return rc;
	}
	if (asprintf(&buf, "%s%s", value, nonl ? "" : "\n") < 0) {
		iok_sysfs_close(f);
		return -ENOMEM;
	}
	rc = iok_sysfs_write(f, buf, strlen(buf), job);
	iok_sysfs_close(f);
	if (rc == -EDEADLK && !job)
		return iok_scn_error(s, "writing %s blocks until a VFIO device fd is closed, and "
				     "this process holds it: use bgwrite or bgunbind, then wait", path);
	return rc;
}

static int write_path(struct iok_scn *s, const char *path, const char *value,
		      struct iok_scn_res *res)
{
	struct scn_uapi *u;
	bool open_failed;
	int rc = scn_uapi_get(s, &u);

	return rc ? rc : do_write(s, u, path, value, false, NULL, &open_failed, res);
}

/* Words @from.. joined by one blank, as vfio-run rebuilds a VALUE. */
static int join(struct iok_scn *s, int argc, char **argv, int from, char *buf, size_t len)
{
	size_t o = 0;
	int i;

	buf[0] = 0;
	for (i = from; i < argc; i++) {
		int w = snprintf(buf + o, len - o, "%s%s", i > from ? " " : "", argv[i]);

		if (w < 0 || (size_t)w >= len - o)
			return iok_scn_error(s, "value too long");
		o += w;
	}
	return 0;
}

static int cmd_write(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	bool nonl = !strcmp(argv[1], "-n"), open_failed;
	int pi = 1 + nonl, rc;
	char path[PATH_LEN], value[PATH_LEN];
	struct scn_uapi *u;

	if (argc < pi + 1)
		return iok_scn_error(s, "usage: write [-n] PATH [VALUE...]");
	rc = scn_uapi_get(s, &u);
	if (!rc)
		rc = scn_expand(s, u, argv[pi], path, sizeof(path));
	if (!rc)
		rc = join(s, argc, argv, pi + 1, value, sizeof(value));
	if (rc)
		return rc;
	return do_write(s, u, path, value, nonl, NULL, &open_failed, res);
}

static int cmd_override(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	char full[64], path[PATH_LEN];

	scn_full_bdf(argv[1], full, sizeof(full));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", full);
	return write_path(s, path, strcmp(argv[2], "-") ? argv[2] : "", res);
}

static void unbind_path(const char *bdf, const char *driver, char *full, size_t flen,
			char *path, size_t plen)
{
	scn_full_bdf(bdf, full, flen);
	if (driver)
		snprintf(path, plen, "/sys/bus/pci/drivers/%s/unbind", driver);
	else
		snprintf(path, plen, "/sys/bus/pci/devices/%s/driver/unbind", full);
}

static int cmd_unbind(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	char full[64], path[PATH_LEN];

	unbind_path(argv[1], argc > 2 ? argv[2] : NULL, full, sizeof(full), path, sizeof(path));
	return write_path(s, path, full, res);
}

static int cmd_bind(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	char full[64], path[PATH_LEN];

	scn_full_bdf(argv[2], full, sizeof(full));
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind", argv[1]);
	return write_path(s, path, full, res);
}

static int cmd_probe(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	char full[64];

	scn_full_bdf(argv[1], full, sizeof(full));
	return write_path(s, "/sys/bus/pci/drivers_probe", full, res);
}

static int cmd_remove(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	char full[64], path[PATH_LEN];

	scn_full_bdf(argv[1], full, sizeof(full));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", full);
	return write_path(s, path, "1", res);
}

static int cmd_rescan(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	char full[64], path[PATH_LEN];

	if (argc < 2)
		return write_path(s, "/sys/bus/pci/rescan", "1", res);
	scn_full_bdf(argv[1], full, sizeof(full));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/rescan", full);
	return write_path(s, path, "1", res);
}

/* ---- reads ------------------------------------------------------------------- */

static int cmd_read(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	char path[PATH_LEN], buf[4096];
	struct iok_sysfs_file *f;
	struct scn_uapi *u;
	int rc;

	rc = scn_uapi_get(s, &u);
	if (!rc)
		rc = scn_expand(s, u, argv[1], path, sizeof(path));
	if (rc)
		return rc;
	rc = iok_sysfs_open(u->sf, path, IOK_O_RDONLY, &f);
	if (rc) {
		iok_scn_printf(res, "open");
		return rc;
	}
	rc = iok_sysfs_read(f, buf, sizeof(buf));
	iok_sysfs_close(f);
	if (rc < 0)
		return rc;
	/* The first line. */
	buf[strcspn(buf, "\n")] = 0;
	if (buf[0])
		iok_scn_printf(res, "%s", buf);
	return 0;
}

static const char *driver_of(struct scn_uapi *u, struct iok_dev *dev)
{
	const char *drv = dev ? iok_sysfs_get_driver(u->sf, dev) : NULL;

	return drv ? drv : "-";
}

static int cmd_driver(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	char full[64], path[PATH_LEN];
	struct scn_uapi *u;
	int rc = scn_uapi_get(s, &u);

	if (rc)
		return rc;
	scn_full_bdf(argv[1], full, sizeof(full));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", full);
	rc = iok_sysfs_access(u->sf, path);
	if (rc) {
		iok_scn_printf(res, "no such device");
		return rc;
	}
	iok_scn_printf(res, "%s", driver_of(u, find_dev(s, argv[1])));
	return 0;
}

static int cmd_group(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct scn_uapi *u;
	int rc = scn_uapi_get(s, &u), id;

	if (rc)
		return rc;
	rc = scn_group_of(s, u, argv[1], &id);
	if (rc)
		return rc;
	iok_scn_printf(res, "%d", id);
	return 0;
}

struct names {
	char **v;
	unsigned int n, alloc;
};

static int collect(const char *name, void *arg)
{
	struct names *ns = arg;

	if (ns->n == ns->alloc) {
		unsigned int a = ns->alloc ? 2 * ns->alloc : 32;
		char **p = realloc(ns->v, a * sizeof(*p));

		if (!p)
			return -ENOMEM;
		ns->v = p;
		ns->alloc = a;
	}
	ns->v[ns->n] = strdup(name);
	if (!ns->v[ns->n])
		return -ENOMEM;
	ns->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void names_free(struct names *ns)
{
	while (ns->n)
		free(ns->v[--ns->n]);
	free(ns->v);
}

/* Entries sorted (alphasort in the C locale), "0000:" dropped. */
static int cmd_ls(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct names ns = { 0 };
	char path[PATH_LEN];
	struct scn_uapi *u;
	unsigned int i;
	int rc;

	rc = scn_uapi_get(s, &u);
	if (!rc)
		rc = scn_expand(s, u, argv[1], path, sizeof(path));
	if (rc)
		return rc;
	rc = iok_sysfs_readdir(u->sf, path, collect, &ns);
	if (!rc) {
		qsort(ns.v, ns.n, sizeof(*ns.v), cmp_str);
		for (i = 0; i < ns.n; i++)
			iok_scn_printf(res, "%s", strncmp(ns.v[i], "0000:", 5) ? ns.v[i] : ns.v[i] + 5);
	}
	names_free(&ns);
	return rc;
}

static int cmd_lsdev(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct names ns = { 0 };
	struct scn_uapi *u;
	unsigned int i;
	int rc = scn_uapi_get(s, &u);

	if (rc)
		return rc;
	if (argc > 1) {
		for (i = 1; i < (unsigned int)argc; i++)
			iok_scn_printf(res, "%s=%s", argv[i], driver_of(u, find_dev(s, argv[i])));
		return 0;
	}
	rc = iok_sysfs_readdir(u->sf, "/sys/bus/pci/devices", collect, &ns);
	if (!rc) {
		qsort(ns.v, ns.n, sizeof(*ns.v), cmp_str);
		for (i = 0; i < ns.n; i++)
			iok_scn_printf(res, "%s=%s", strncmp(ns.v[i], "0000:", 5) ? ns.v[i] : ns.v[i] + 5,
				       driver_of(u, find_dev(s, ns.v[i])));
	}
	names_free(&ns);
	return rc;
}

static int cmd_exists(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	char path[PATH_LEN];
	struct scn_uapi *u;
	int rc;

	rc = scn_uapi_get(s, &u);
	if (!rc)
		rc = scn_expand(s, u, argv[1], path, sizeof(path));
	if (rc)
		return rc;
	iok_scn_printf(res, "%s", iok_sysfs_access(u->sf, path) ? "no" : "yes");
	return 0;
}

/* ---- background writes ---------------------------------------------------------- */

static int bg_start(struct iok_scn *s, const char *name, const char *path, const char *value,
		    struct iok_scn_res *res)
{
	struct scn_uapi *u;
	struct scn_job *j;
	int rc = scn_uapi_get(s, &u);

	if (rc)
		return rc;
	if (iok_scn_name_find(s, name, "job") || iok_scn_name_find(s, name, "fd"))
		return iok_scn_error(s, "name '%s' in use", name);
	j = calloc(1, sizeof(*j));
	if (!j || !(j->name = strdup(name))) {
		free(j);
		return -ENOMEM;
	}
	rc = iok_scn_name_add(s, name, "job", j);
	if (rc) {
		free(j->name);
		free(j);
		return rc;
	}
	j->next = u->jobs;
	u->jobs = j;
	rc = do_write(s, u, path, value, false, &j->job, &j->open_failed, NULL);
	if (rc != IOK_SYSFS_BLOCKED) {
		j->done = true;
		j->rc = rc;
	}
	iok_scn_trace(s, "%s: %s", name, rc == IOK_SYSFS_BLOCKED ? "blocked" : "done");
	iok_scn_printf(res, "started");
	return 0;
}

static int cmd_bgwrite(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	char path[PATH_LEN], value[PATH_LEN];
	struct scn_uapi *u;
	int rc;

	rc = scn_uapi_get(s, &u);
	if (!rc)
		rc = scn_expand(s, u, argv[2], path, sizeof(path));
	if (!rc)
		rc = join(s, argc, argv, 3, value, sizeof(value));
	return rc ? rc : bg_start(s, argv[1], path, value, res);
}

static int cmd_bgunbind(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	char full[64], path[PATH_LEN];

	unbind_path(argv[2], NULL, full, sizeof(full), path, sizeof(path));
	return bg_start(s, argv[1], path, full, res);
}

static void job_drop(struct scn_uapi *u, struct scn_job *j)
{
	struct scn_job **pp;

	for (pp = &u->jobs; *pp != j; pp = &(*pp)->next)
		;
	*pp = j->next;
	iok_sysfs_job_free(j->job);
	free(j->name);
	free(j);
}

/*
 * The model has no clock: a blocked write stays PENDING however long the
 * wait, until what blocks it is released (a VFIO device fd closed).
 */
static int cmd_wait(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct scn_uapi *u;
	struct scn_job *j;
	uint64_t ms = 0;
	int rc;

	rc = scn_uapi_get(s, &u);
	if (!rc && argc > 2)
		rc = iok_scn_u64(s, argv[2], &ms);
	if (rc)
		return rc;
	j = iok_scn_name_find(s, argv[1], "job");
	if (!j)
		return iok_scn_error(s, "unknown job '%s'", argv[1]);
	if (!j->done && !iok_sysfs_job_poll(j->job, &j->rc)) {
		iok_scn_printf(res, "PENDING");
		return IOK_SCN_STATUS;
	}
	rc = j->rc;
	if (rc < 0 && j->open_failed)
		iok_scn_printf(res, "open");
	iok_scn_name_del(s, argv[1]);
	job_drop(u, j);
	return rc;
}

/* ---- boot ----------------------------------------------------------------------------- */

/* A devices.txt line ("01:00.0 class=... driver=e1000e group=7 ...") or "BDF [GROUP] DRIVER". */
static int parse_boot_line(char *line, char **bdf, char **driver, int *group)
{
	char *save = NULL, *w, *words[8];
	unsigned int n = 0, i;

	*driver = NULL;
	*group = -1;
	for (w = strtok_r(line, " \t\r\n", &save); w && n < ARRAY_SIZE(words);
	     w = strtok_r(NULL, " \t\r\n", &save))
		words[n++] = w;
	if (!n || words[0][0] == '#')
		return 0;
	*bdf = words[0];
	for (i = 1; i < n; i++) {
		if (!strncmp(words[i], "driver=", 7))
			*driver = words[i] + 7;
		else if (!strncmp(words[i], "group=", 6))
			*group = strtol(words[i] + 6, NULL, 10);
	}
	if (!*driver && n == 2 && !strchr(words[1], '='))
		*driver = words[1];
	if (!*driver && n == 3 && !strchr(words[2], '=')) {
		*driver = words[2];
		*group = isdigit((unsigned char)words[1][0]) ? (int)strtol(words[1], NULL, 10) : -1;
	}
	return *driver ? 1 : -1;
}

static int boot_bind_one(struct iok_scn *s, struct scn_uapi *u, const char *file, unsigned int ln,
			 const char *bdf, const char *driver, int group, struct iok_scn_res *res)
{
	struct iok_dev *dev = find_dev(s, bdf);
	int id, rc;

	if (!dev)
		return iok_scn_error(s, "%s:%u: no device %s in the topology", file, ln, bdf);
	if (group >= 0 && (scn_group_of(s, u, bdf, &id) || id != group))
		return iok_scn_error(s, "%s:%u: %s is in group %d there, not in the model's",
				     file, ln, bdf, group);
	rc = iok_sysfs_boot_bind(u->sf, dev, driver);
	if (rc)
		iok_scn_printf(res, "%s=%s", bdf, driver);
	return rc ? rc : strcmp(driver, "-") != 0;
}

static int cmd_boot_drivers(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	char path[PATH_LEN], line[1024];
	unsigned int ln = 0, bound = 0;
	struct scn_uapi *u;
	FILE *f;
	int rc = scn_uapi_get(s, &u);

	if (rc)
		return rc;
	if (!strcmp(argv[1], "auto")) {
		rc = iok_sysfs_boot_probe(u->sf);
		if (rc < 0)
			return rc;
		iok_scn_printf(res, "bound=%d", rc);
		return 0;
	}
	snprintf(path, sizeof(path), "%s%s%s", argv[1][0] == '/' ? "" : iok_scn_dir(s),
		 argv[1][0] == '/' ? "" : "/", argv[1]);
	f = fopen(path, "re");
	if (!f)
		return iok_scn_error(s, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *bdf, *driver;
		int group;

		ln++;
		rc = parse_boot_line(line, &bdf, &driver, &group);
		if (rc < 0) {
			rc = iok_scn_error(s, "%s:%u: no driver on the line", argv[1], ln);
			break;
		}
		if (!rc)
			continue;
		rc = boot_bind_one(s, u, argv[1], ln, bdf, driver, group, res);
		if (rc < 0)
			break;
		bound += rc;
		rc = 0;
	}
	fclose(f);
	if (rc)
		return rc;
	iok_scn_printf(res, "bound=%u", bound);
	return 0;
}

static int cmd_iommu_aw(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	uint64_t bits;
	int rc;

	rc = iok_scn_u64(s, argv[1], &bits);
	if (!rc)
		rc = iok_scn_machine(s, &m);
	if (rc)
		return rc;
	if (bits < 32 || bits > 48)
		return iok_scn_error(s, "an address width of %llu bits (32-48)",
				     (unsigned long long)bits);
	return iok_machine_set_address_width(m, (unsigned int)bits);
}

const struct iok_scn_cmd iok_scn_cmds_sysfs[] = {
	{ "write", cmd_write, 1, -1, "write [-n] PATH [VALUE...]",
	  "one write(2) of VALUE and a newline (-n: none) to a /sys file" },
	{ "read", cmd_read, 1, 1, "read PATH", "the first line of a /sys file" },
	{ "override", cmd_override, 2, 2, "override BDF DRIVER|-", "set or clear driver_override" },
	{ "unbind", cmd_unbind, 1, 2, "unbind BDF [DRIVER]",
	  "unbind through the device's driver link, or through DRIVER's unbind file" },
	{ "bind", cmd_bind, 2, 2, "bind DRIVER BDF", "write the device to DRIVER's bind file" },
	{ "probe", cmd_probe, 1, 1, "probe BDF", "write the device to drivers_probe" },
	{ "remove", cmd_remove, 1, 1, "remove BDF", "remove the device (and its subtree)" },
	{ "rescan", cmd_rescan, 0, 1, "rescan [BDF]", "rescan every bus, or the device's bus" },
	{ "driver", cmd_driver, 1, 1, "driver BDF", "the device's driver, or -" },
	{ "group", cmd_group, 1, 1, "group BDF", "the device's IOMMU group number" },
	{ "lsdev", cmd_lsdev, 0, -1, "lsdev [BDF...]", "BDF=driver of every (or each given) device" },
	{ "ls", cmd_ls, 1, 1, "ls PATH", "a directory's entries, sorted, 0000: dropped" },
	{ "exists", cmd_exists, 1, 1, "exists PATH", "OK yes or OK no" },
	{ "bgwrite", cmd_bgwrite, 3, -1, "bgwrite JOB PATH VALUE...",
	  "a write that may block, aside (wait JOB for its result)" },
	{ "bgunbind", cmd_bgunbind, 2, 2, "bgunbind JOB BDF", "an unbind that may block, aside" },
	{ "wait", cmd_wait, 1, 2, "wait JOB [MS]",
	  "the result of a background write, or PENDING while it blocks" },
	{ "boot_drivers", cmd_boot_drivers, 1, 1, "boot_drivers FILE|auto",
	  "make the bindings those of a devices.txt, checking its groups (auto: probe all)" },
	{ "iommu_aw", cmd_iommu_aw, 1, 1, "iommu_aw BITS",
	  "the IOMMU's address width (48; QEMU intel-iommu aw-bits 39), before any mapping" },
	{ NULL, NULL, 0, 0, NULL, NULL },
};
