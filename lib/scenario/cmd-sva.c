// SPDX-License-Identifier: MIT
/*
 * The sva family: processes (mm_*), SVA binds (sva_*), PASID attach and the
 * global allocator (pasid_*), and I/O page faults (iopf_*, pri*) (docs/sva.md).
 * A device's DMA through a PASID is the fabric family's dma_read and
 * dma_write with pasid=N: a page it misses makes the device send a page
 * request, and the access goes on or faults as the response says.
 *
 * DATA words are the fabric family's: "0xHEX" (bytes in memory order) and
 * "pattern:BYTE*LEN"; reads answer in hex.
 */
#include <stdio.h>

#include "lib/scenario/scenario-private.h"
#include "lib/private.h"
#include <iommukit/sva.h>

#define DATA_MAX	256	/* bytes an mm_read answers */
#define WRITE_MAX	(1u << 20)

struct sva_ext {
	struct iok_sva *sva;
	void **cookies;			/* attach handles named by the script */
	unsigned int nr_cookies;
};

static void ext_free(void *p)
{
	struct sva_ext *x = p;

	iok_sva_unref(x->sva);
	while (x->nr_cookies)
		free(x->cookies[--x->nr_cookies]);
	free(x->cookies);
	free(x);
}

static int get_sva(struct iok_scn *s, struct iok_sva **out)
{
	struct sva_ext *x = iok_scn_ext_get(s, IOK_SCN_EXT_SVA);
	struct iok_fabric *f;
	int rc;

	if (x) {
		*out = x->sva;
		return 0;
	}
	rc = iok_scn_fabric(s, &f);
	if (rc)
		return rc;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	rc = iok_sva_new(f, &x->sva);
	if (rc) {
		free(x);
		return iok_scn_error(s, "processes need the SVA layer: %s",
				     iok_get_error(iok_scn_ctx(s)));
	}
	iok_scn_ext_set(s, IOK_SCN_EXT_SVA, x, ext_free);
	*out = x->sva;
	return 0;
}

int iok_scn_sva(struct iok_scn *s, struct iok_sva **out)
{
	return get_sva(s, out);
}

/* ---- words -------------------------------------------------------------- */

static int get_mm(struct iok_scn *s, const char *name, struct iok_mm **mm)
{
	struct iok_sva *sva;
	void *obj;
	int rc = get_sva(s, &sva);

	rc = rc ?: iok_scn_name_get(s, name, "mm", &obj);
	if (!rc)
		*mm = obj;
	return rc;
}

static int get_dev(struct iok_scn *s, const char *bdf, struct iok_sva **sva,
		   struct iok_machine **m, struct iok_dev **dev)
{
	int rc = get_sva(s, sva);

	rc = rc ?: iok_scn_machine(s, m);
	return rc ?: iok_scn_dev(s, bdf, dev);
}

static int get_u32(struct iok_scn *s, const char *w, uint32_t *out)
{
	uint64_t v;

	if (iok_scn_u64(s, w, &v))
		return IOK_SCN_ESCRIPT;
	if (v > UINT32_MAX)
		return iok_scn_error(s, "'%s' does not fit 32 bits", w);
	*out = (uint32_t)v;
	return 0;
}

/* "r", "rw", "rx", "rwx", "none" (VMA rights). */
static int get_prot(struct iok_scn *s, const char *w, unsigned int *prot)
{
	const char *p;

	*prot = 0;
	if (!strcmp(w, "none"))
		return 0;
	for (p = w; *p; p++) {
		if (*p == 'r')
			*prot |= IOK_MM_READ;
		else if (*p == 'w')
			*prot |= IOK_MM_WRITE;
		else if (*p == 'x')
			*prot |= IOK_MM_EXEC;
		else
			return iok_scn_error(s, "'%s': rights are r, w, x or none", w);
	}
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One DATA word appended to @buf (of @cap bytes, @len used). */
static int data_word(struct iok_scn *s, const char *w, uint8_t *buf, size_t cap, size_t *len)
{
	uint64_t byte, n;

	if (!strncmp(w, "0x", 2)) {
		size_t digits = strlen(w + 2), i;

		if (!digits || digits % 2 || *len + digits / 2 > cap)
			return iok_scn_error(s, "'%s': DATA in hex needs whole bytes (at most %zu)",
					     w, cap);
		for (i = 0; i < digits; i += 2) {
			int hi = hexval(w[2 + i]), lo = hexval(w[3 + i]);

			if (hi < 0 || lo < 0)
				return iok_scn_error(s, "'%s': not hex", w);
			buf[(*len)++] = (uint8_t)(hi << 4 | lo);
		}
		return 0;
	}
	if (!strncmp(w, "pattern:", 8)) {
		char tmp[64];
		char *star;

		snprintf(tmp, sizeof(tmp), "%s", w + 8);
		star = strchr(tmp, '*');
		if (!star)
			return iok_scn_error(s, "'%s': pattern:BYTE*LEN", w);
		*star = 0;
		if (iok_scn_u64(s, tmp, &byte) || iok_scn_u64(s, star + 1, &n))
			return IOK_SCN_ESCRIPT;
		if (byte > 0xff || n > cap - *len)
			return iok_scn_error(s, "'%s': a byte, at most %zu of them", w, cap - *len);
		memset(buf + *len, (int)byte, n);
		*len += n;
		return 0;
	}
	return iok_scn_error(s, "'%s': DATA is 0xHEX or pattern:BYTE*LEN", w);
}

static void print_hex(struct iok_scn_res *res, const uint8_t *b, size_t len)
{
	char out[2 * DATA_MAX + 3];
	size_t i, o = 0;

	o += snprintf(out, sizeof(out), "0x");
	for (i = 0; i < len && o + 3 <= sizeof(out); i++)
		o += snprintf(out + o, sizeof(out) - o, "%02x", b[i]);
	iok_scn_printf(res, "%s", out);
}

/* ---- processes ------------------------------------------------------------ */

static int cmd_mm_new(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_sva *sva;
	struct iok_mm *mm;
	int rc = get_sva(s, &sva);

	if (rc)
		return rc;
	if (argc > 2 && strcmp(argv[2], "lam"))
		return iok_scn_error(s, "'%s': the only option is lam", argv[2]);
	rc = iok_mm_new(sva, &mm);
	if (rc)
		return rc;
	rc = iok_scn_name_add(s, argv[1], "mm", mm);
	if (rc) {
		iok_mm_drop(mm);
		return rc;
	}
	return argc > 2 ? iok_mm_set_lam(mm, true) : 0;
}

/* NAME VA LEN: the three first words of the range commands. */
static int mm_range(struct iok_scn *s, char **argv, struct iok_mm **mm, uint64_t *va,
		    uint64_t *len)
{
	int rc = get_mm(s, argv[1], mm);

	rc = rc ?: iok_scn_u64(s, argv[2], va);
	return rc ?: iok_scn_u64(s, argv[3], len);
}

static int cmd_mm_map(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	unsigned int prot = IOK_MM_READ | IOK_MM_WRITE, flags = 0;
	struct iok_mm *mm;
	uint64_t va, len;
	int i, rc = mm_range(s, argv, &mm, &va, &len);

	for (i = 4; !rc && i < argc; i++) {
		if (!strcmp(argv[i], "absent"))
			flags |= IOK_MM_ABSENT;
		else
			rc = get_prot(s, argv[i], &prot);
	}
	return rc ?: iok_mm_map(mm, va, len, prot, flags);
}

static int cmd_mm_protect(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	unsigned int prot;
	struct iok_mm *mm;
	uint64_t va, len;
	int rc = mm_range(s, argv, &mm, &va, &len);

	rc = rc ?: get_prot(s, argv[4], &prot);
	return rc ?: iok_mm_protect(mm, va, len, prot);
}

static int cmd_mm_unmap(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_mm *mm;
	uint64_t va, len;
	int rc = mm_range(s, argv, &mm, &va, &len);

	return rc ?: iok_mm_unmap(mm, va, len);
}

static int cmd_mm_evict(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_mm *mm;
	uint64_t va, len;
	int rc = mm_range(s, argv, &mm, &va, &len);

	if (!rc)
		rc = iok_mm_evict(mm, va, len);
	if (rc < 0)
		return rc;
	iok_scn_printf(res, "pages=%d", rc);
	return 0;
}

static int cmd_mm_write(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_mm *mm;
	uint8_t *buf;
	size_t len = 0;
	uint64_t va;
	int i, rc = get_mm(s, argv[1], &mm);

	rc = rc ?: iok_scn_u64(s, argv[2], &va);
	if (rc)
		return rc;
	buf = malloc(WRITE_MAX);
	if (!buf)
		return -ENOMEM;
	for (i = 3; !rc && i < argc; i++)
		rc = data_word(s, argv[i], buf, WRITE_MAX, &len);
	if (!rc)
		rc = iok_mm_write(mm, va, buf, len);
	free(buf);
	return rc;
}

static int cmd_mm_read(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	uint8_t buf[DATA_MAX];
	struct iok_mm *mm;
	uint64_t va, len;
	int rc = mm_range(s, argv, &mm, &va, &len);

	if (rc)
		return rc;
	if (!len || len > DATA_MAX)
		return iok_scn_error(s, "LEN %s: from 1 to %d bytes", argv[3], DATA_MAX);
	rc = iok_mm_read(mm, va, buf, len);
	if (!rc)
		print_hex(res, buf, len);
	return rc;
}

static int cmd_mm_info(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_mm *mm;
	int rc = get_mm(s, argv[1], &mm);

	if (rc)
		return rc;
	if (iok_mm_get_pasid(mm) == IOK_PASID_INVALID)
		iok_scn_printf(res, "pasid=none");
	else
		iok_scn_printf(res, "pasid=%u", iok_mm_get_pasid(mm));
	iok_scn_printf(res, "present=%lu exited=%s", iok_mm_count_present(mm),
		       iok_mm_has_exited(mm) ? "yes" : "no");
	return 0;
}

static int cmd_mm_exit(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_mm *mm;
	int rc = get_mm(s, argv[1], &mm);

	return rc ?: iok_mm_exit(mm);
}

static int cmd_mm_drop(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_mm *mm;
	int rc = get_mm(s, argv[1], &mm);

	if (rc)
		return rc;
	/* Freed now or at the last unbind: the name goes either way. */
	iok_mm_drop(mm);
	iok_scn_name_del(s, argv[1]);
	return 0;
}

/* ---- SVA ------------------------------------------------------------------ */

static int cmd_sva_bind(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_sva_handle *h;
	struct iok_machine *m;
	struct iok_sva *sva;
	struct iok_dev *dev;
	struct iok_mm *mm;
	int rc;

	rc = get_dev(s, argv[2], &sva, &m, &dev);
	rc = rc ?: get_mm(s, argv[3], &mm);
	rc = rc ?: iok_sva_bind_device(dev, mm, &h);
	if (rc)
		return rc;
	/* Each name is one reference, as each call of the kernel's is. */
	rc = iok_scn_name_add(s, argv[1], "sva", h);
	if (rc) {
		iok_sva_unbind_device(h);
		return rc;
	}
	iok_scn_trace(s, "group %d: PASID %u -> SVA domain on %s",
		      iok_rgroup_get_id(iok_dev_get_rgroup(m, dev)), iok_sva_get_pasid(h),
		      iok_unit_get_name(iok_domain_get_unit(iok_sva_handle_get_domain(h))));
	iok_scn_printf(res, "pasid=%u users=%u", iok_sva_get_pasid(h),
		       iok_sva_handle_get_users(h));
	if (iok_sva_handle_get_dev(h) != dev)
		iok_scn_printf(res, "dev=%s", iok_scn_bdf(iok_sva_handle_get_dev(h)));
	return 0;
}

static int cmd_sva_unbind(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_sva_handle *h;
	struct iok_sva *sva;
	void *obj;
	int rc = get_sva(s, &sva);

	rc = rc ?: iok_scn_name_get(s, argv[1], "sva", &obj);
	if (rc)
		return rc;
	h = obj;
	/* The name stays: a handle's memory outlives its unbind, a second one is seen. */
	rc = iok_sva_unbind_device(h);
	if (!rc)
		iok_scn_printf(res, "users=%u", iok_sva_handle_get_users(h));
	return rc;
}

static int cmd_sva_get_pasid(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_sva *sva;
	uint32_t pasid;
	void *obj;
	int rc = get_sva(s, &sva);

	rc = rc ?: iok_scn_name_get(s, argv[1], "sva", &obj);
	if (rc)
		return rc;
	pasid = iok_sva_get_pasid(obj);
	if (pasid == IOK_PASID_INVALID)
		iok_scn_printf(res, "pasid=invalid");
	else
		iok_scn_printf(res, "pasid=%u", pasid);
	return 0;
}

static int cmd_sva_bind_group(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_sva_group_bond *b;
	struct iok_machine *m;
	struct iok_rgroup *rg;
	struct iok_sva *sva;
	struct iok_dev *dev;
	struct iok_mm *mm;
	char devs[512] = "";
	unsigned int i;
	size_t o;
	int rc;

	rc = get_dev(s, argv[2], &sva, &m, &dev);
	rc = rc ?: get_mm(s, argv[3], &mm);
	if (rc)
		return rc;
	rg = iok_dev_get_rgroup(m, dev);
	if (!rg)
		return iok_fail(iok_scn_ctx(s), -ENODEV, "%s has no IOMMU group", iok_scn_bdf(dev));
	rc = iok_sva_bind_group(rg, mm, &b);
	if (rc)
		return rc;
	rc = iok_scn_name_add(s, argv[1], "sva-group", b);
	if (rc) {
		iok_sva_unbind_group(b);
		return rc;
	}
	for (i = 0, o = 0; i < iok_rgroup_count_devs(rg) && o < sizeof(devs); i++)
		o += snprintf(devs + o, sizeof(devs) - o, "%s%s", i ? "," : "",
			      iok_scn_bdf(iok_rgroup_get_dev(rg, i)));
	iok_scn_printf(res, "pasid=%u devices=%s", iok_sva_group_bond_get_pasid(b), devs);
	return 0;
}

static int cmd_sva_unbind_group(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_sva *sva;
	void *obj;
	int rc = get_sva(s, &sva);

	rc = rc ?: iok_scn_name_get(s, argv[1], "sva-group", &obj);
	return rc ?: iok_sva_unbind_group(obj);
}

/* ---- PASIDs ----------------------------------------------------------------- */

/* An attach handle: an SVA bond's, or a cookie made for the name on first use. */
static int get_handle(struct iok_scn *s, const char *name, const void **out)
{
	void *obj = iok_scn_name_find(s, name, "pasid-handle");
	struct sva_ext *x;
	struct iok_sva *sva;
	void **p;
	int rc;

	if (!obj)
		obj = iok_scn_name_find(s, name, "sva");
	if (obj) {
		*out = obj;
		return 0;
	}
	rc = get_sva(s, &sva);
	if (rc)
		return rc;
	x = iok_scn_ext_get(s, IOK_SCN_EXT_SVA);
	p = realloc(x->cookies, (x->nr_cookies + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	x->cookies = p;
	obj = calloc(1, 1);
	if (!obj)
		return -ENOMEM;
	x->cookies[x->nr_cookies++] = obj;
	rc = iok_scn_name_add(s, name, "pasid-handle", obj);
	if (rc)
		return rc;
	*out = obj;
	return 0;
}

static int pasid_words(struct iok_scn *s, int argc, char **argv, struct iok_domain **d,
		       struct iok_dev **dev, uint32_t *pasid, const void **handle)
{
	struct iok_machine *m;
	int rc = iok_scn_machine(s, &m);

	rc = rc ?: iok_scn_domain(s, argv[1], d);
	rc = rc ?: iok_scn_dev(s, argv[2], dev);
	rc = rc ?: get_u32(s, argv[3], pasid);
	*handle = NULL;
	if (!rc && argc > 4)
		rc = get_handle(s, argv[4], handle);
	return rc;
}

static int cmd_pasid_attach(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	const void *handle;
	struct iok_domain *d;
	struct iok_dev *dev;
	uint32_t pasid;
	int rc = pasid_words(s, argc, argv, &d, &dev, &pasid, &handle);

	return rc ?: iok_attach_device_pasid(d, dev, pasid, handle);
}

static int cmd_pasid_replace(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	const void *handle;
	struct iok_domain *d;
	struct iok_dev *dev;
	uint32_t pasid;
	int rc = pasid_words(s, argc, argv, &d, &dev, &pasid, &handle);

	return rc ?: iok_replace_device_pasid(d, dev, pasid, handle);
}

static int cmd_pasid_detach(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	const void *handle;
	struct iok_domain *d;
	struct iok_dev *dev;
	uint32_t pasid;
	int rc = pasid_words(s, argc, argv, &d, &dev, &pasid, &handle);

	return rc ?: iok_detach_device_pasid(d, dev, pasid);
}

static int cmd_pasid_info(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_pasid_info in;
	struct iok_machine *m;
	struct iok_dev *dev;
	char bits[96];
	int rc = iok_scn_machine(s, &m);

	rc = rc ?: iok_scn_dev(s, argv[1], &dev);
	rc = rc ?: iok_dev_get_pasid_info(m, dev, &in);
	if (rc)
		return rc;
	iok_scn_printf(res, "max_pasids=%u", in.max_pasids);
	if (in.reason != IOK_PASID_OK)
		iok_scn_printf(res, "reason=%s", iok_pasid_reason_name(in.reason));
	if (in.culprit)
		iok_scn_printf(res, "at=%s", iok_scn_bdf(in.culprit));
	if (in.missing_acs) {
		snprintf(bits, sizeof(bits), "%s%s%s", in.missing_acs & IOK_ACS_RR ? "ReqRedir" : "",
			 (in.missing_acs & IOK_ACS_RR) && (in.missing_acs & IOK_ACS_UF) ? "," : "",
			 in.missing_acs & IOK_ACS_UF ? "UpstreamFwd" : "");
		iok_scn_printf(res, "missing=%s", bits);
	}
	iok_scn_printf(res, "pri=%s", in.pri ? "yes" : "no");
	return 0;
}

struct name_of {
	const void *obj;
	const char *name;
};

static void find_name(const char *name, void *obj, void *arg)
{
	struct name_of *n = arg;

	if (obj == n->obj)
		n->name = name;
}

static int cmd_pasid_show(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_rgroup *rg;
	struct iok_dev *dev;
	unsigned int i;
	int rc = iok_scn_machine(s, &m);

	rc = rc ?: iok_scn_dev(s, argv[1], &dev);
	if (rc)
		return rc;
	rg = iok_dev_get_rgroup(m, dev);
	if (!rg)
		return iok_fail(iok_scn_ctx(s), -ENODEV, "%s has no IOMMU group", iok_scn_bdf(dev));
	iok_scn_printf(res, "count=%u", iok_rgroup_count_pasids(rg));
	for (i = 0; i < iok_rgroup_count_pasids(rg); i++) {
		struct name_of n = { 0 };
		struct iok_domain *d;
		uint32_t pasid;

		iok_rgroup_get_pasid(rg, i, &pasid, &d, NULL);
		n.obj = d;
		iok_scn_name_foreach(s, "domain", find_name, &n);
		iok_scn_printf(res, "%u=%s", pasid,
			       n.name ? n.name : iok_domain_type_name(iok_domain_get_type(d)));
	}
	return 0;
}

static int cmd_pasid_alloc(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_dev *dev;
	uint32_t pasid;
	int rc = iok_scn_machine(s, &m);

	rc = rc ?: iok_scn_dev(s, argv[1], &dev);
	if (rc)
		return rc;
	pasid = iok_alloc_global_pasid(m, dev);
	if (pasid == IOK_PASID_INVALID)
		iok_scn_printf(res, "pasid=invalid");
	else
		iok_scn_printf(res, "pasid=%u", pasid);
	return 0;
}

static int cmd_pasid_free(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	uint32_t pasid = 0;
	int rc = iok_scn_machine(s, &m);

	if (!rc && !strcmp(argv[1], "invalid"))
		return iok_free_global_pasid(m, IOK_PASID_INVALID);
	rc = rc ?: get_u32(s, argv[1], &pasid);
	return rc ?: iok_free_global_pasid(m, pasid);
}

/* ---- I/O page faults ---------------------------------------------------------- */

static int get_queue(struct iok_scn *s, const char *bdf, struct iok_sva **sva,
		     struct iok_dev **dev, struct iok_iopf_queue **q)
{
	struct iok_machine *m;
	int rc = get_dev(s, bdf, sva, &m, dev);

	if (rc)
		return rc;
	*q = iok_sva_get_iopf_queue(*sva, iok_dev_get_unit(m, *dev));
	if (!*q)
		return iok_fail(iok_scn_ctx(s), -ENODEV, "%s has no IOMMU", iok_scn_bdf(*dev));
	return 0;
}

static void print_pri(struct iok_scn_res *res, const struct iok_pri_state *st)
{
	iok_scn_printf(res, "capable=%s enabled=%s stopped=%s requests=%lu", st->capable ? "yes" : "no",
		       st->in_queue && st->capable ? "yes" : "no", st->stopped ? "yes" : "no",
		       st->requests);
	iok_scn_printf(res, "success=%lu invalid=%lu failure=%lu partial=%u pending=%u",
		       st->responses[0], st->responses[1], st->responses[2], st->partial,
		       st->pending);
}

/* Permission words: r, w, x, p (privileged), in any combination. */
static int get_perm(struct iok_scn *s, const char *w, unsigned int *perm)
{
	const char *p;

	*perm = 0;
	for (p = w; *p; p++) {
		if (*p == 'r')
			*perm |= IOK_FAULT_PERM_READ;
		else if (*p == 'w')
			*perm |= IOK_FAULT_PERM_WRITE;
		else if (*p == 'x')
			*perm |= IOK_FAULT_PERM_EXEC;
		else if (*p == 'p')
			*perm |= IOK_FAULT_PERM_PRIV;
		else
			return iok_scn_error(s, "'%s': access is r, w, x, p", w);
	}
	return 0;
}

/* iopf_report BDF PASID|- ADDR PERM GRP [last] */
static int cmd_iopf_report(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_pri_state before, after;
	struct iok_page_req req = { 0 };
	struct iok_iopf_queue *q;
	struct iok_sva *sva;
	struct iok_dev *dev;
	int rc = get_queue(s, argv[1], &sva, &dev, &q);

	if (!rc && strcmp(argv[2], "-")) {
		rc = get_u32(s, argv[2], &req.pasid);
		req.flags |= IOK_PRQ_PASID_VALID;
	}
	rc = rc ?: iok_scn_u64(s, argv[3], &req.addr);
	rc = rc ?: get_perm(s, argv[4], &req.perm);
	rc = rc ?: get_u32(s, argv[5], &req.grpid);
	if (!rc && argc > 6) {
		if (strcmp(argv[6], "last"))
			return iok_scn_error(s, "'%s': the option is last", argv[6]);
		req.flags |= IOK_PRQ_LAST_PAGE;
	}
	if (rc)
		return rc;
	iok_dev_get_pri_state(sva, dev, &before);
	rc = iok_report_device_fault(sva, dev, &req);
	iok_dev_get_pri_state(sva, dev, &after);
	if (rc)
		return rc;
	if (after.responses[0] + after.responses[1] + after.responses[2] !=
	    before.responses[0] + before.responses[1] + before.responses[2])
		iok_scn_printf(res, "response=%s grp=%u", iok_page_resp_name(after.last_code),
			       after.last_grpid);
	else if (after.partial > before.partial)
		iok_scn_printf(res, "parked");
	else
		iok_scn_printf(res, "pending");
	return 0;
}

static int cmd_iopf_queue(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iopf_queue *q;
	struct iok_sva *sva;
	struct iok_dev *dev;
	uint64_t n = 1;
	int rc = get_queue(s, argv[1], &sva, &dev, &q);
	const char *op = argv[2];

	if (rc)
		return rc;
	if (!strcmp(op, "add"))
		return iok_iopf_queue_add_device(q, dev);
	if (!strcmp(op, "remove"))
		return iok_iopf_queue_remove_device(q, dev);
	if (!strcmp(op, "flush"))
		return iok_iopf_queue_flush_dev(sva, dev);
	if (!strcmp(op, "discard"))
		return iok_iopf_queue_discard_partial(q);
	if (!strcmp(op, "hold") || !strcmp(op, "run"))
		return iok_iopf_queue_hold(q, !strcmp(op, "hold"));
	if (!strcmp(op, "work")) {
		iok_scn_printf(res, "work=%u", iok_iopf_queue_count_work(q));
		return 0;
	}
	if (!strcmp(op, "fail")) {
		if (argc > 3 && iok_scn_u64(s, argv[3], &n))
			return IOK_SCN_ESCRIPT;
		return iok_iopf_queue_fail_next(q, (unsigned int)n);
	}
	return iok_scn_error(s, "'%s': add, remove, flush, discard, hold, run, work, fail [N]", op);
}

static int cmd_pri(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iopf_queue *q;
	struct iok_pri_state st;
	struct iok_sva *sva;
	struct iok_dev *dev;
	int rc = get_queue(s, argv[1], &sva, &dev, &q);

	if (rc)
		return rc;
	if (argc > 2) {
		if (strcmp(argv[2], "reset"))
			return iok_scn_error(s, "'%s': the option is reset", argv[2]);
		return iok_dev_reset_pri(sva, dev);
	}
	rc = iok_dev_get_pri_state(sva, dev, &st);
	if (!rc)
		print_pri(res, &st);
	return rc;
}

const struct iok_scn_cmd iok_scn_cmds_sva[] = {
	{ "mm_new", cmd_mm_new, 1, 2, "mm_new NAME [lam]",
	  "a process address space (lam: x86 LAM on, its binds fail EBUSY)" },
	{ "mm_map", cmd_mm_map, 3, 5, "mm_map NAME VA LEN [r|rw|rx|rwx|none] [absent]",
	  "mmap a fixed range (rw); absent: no page present until touched" },
	{ "mm_protect", cmd_mm_protect, 4, 4, "mm_protect NAME VA LEN r|rw|rx|rwx|none", "mprotect" },
	{ "mm_unmap", cmd_mm_unmap, 3, 3, "mm_unmap NAME VA LEN", "munmap (IOMMUs invalidate first)" },
	{ "mm_evict", cmd_mm_evict, 3, 3, "mm_evict NAME VA LEN",
	  "make present pages absent, contents kept: OK pages=N" },
	{ "mm_write", cmd_mm_write, 3, -1, "mm_write NAME VA DATA...",
	  "the process writes its memory (pages fault in)" },
	{ "mm_read", cmd_mm_read, 3, 3, "mm_read NAME VA LEN", "the process reads: OK 0xHEX" },
	{ "mm_info", cmd_mm_info, 1, 1, "mm_info NAME", "OK pasid=N|none present=N exited=yes|no" },
	{ "mm_exit", cmd_mm_exit, 1, 1, "mm_exit NAME",
	  "the process exits: exit_mmap (bound PASIDs fail quietly)" },
	{ "mm_drop", cmd_mm_drop, 1, 1, "mm_drop NAME",
	  "the last reference: freed with its PASID once no SVA domain holds it" },
	{ "sva_bind", cmd_sva_bind, 3, 3, "sva_bind HANDLE BDF MM",
	  "iommu_sva_bind_device: OK pasid=N users=N [dev=BDF of a reused handle]" },
	{ "sva_unbind", cmd_sva_unbind, 1, 1, "sva_unbind HANDLE",
	  "iommu_sva_unbind_device: OK users=N (EINVAL, a WARN, once unbound)" },
	{ "sva_get_pasid", cmd_sva_get_pasid, 1, 1, "sva_get_pasid HANDLE", "OK pasid=N|invalid" },
	{ "sva_bind_group", cmd_sva_bind_group, 3, 3, "sva_bind_group NAME BDF MM",
	  "iommukit extension: bind every device of a user-owned group, all or nothing" },
	{ "sva_unbind_group", cmd_sva_unbind_group, 1, 1, "sva_unbind_group NAME",
	  "undo sva_bind_group" },
	{ "pasid_attach", cmd_pasid_attach, 3, 4, "pasid_attach DOMAIN BDF PASID [HANDLE]",
	  "iommu_attach_device_pasid (HANDLE: any name, an attach handle)" },
	{ "pasid_replace", cmd_pasid_replace, 3, 4, "pasid_replace DOMAIN BDF PASID [HANDLE]",
	  "iommu_replace_device_pasid (without HANDLE: a NULL handle)" },
	{ "pasid_detach", cmd_pasid_detach, 3, 3, "pasid_detach DOMAIN BDF PASID",
	  "iommu_detach_device_pasid" },
	{ "pasid_info", cmd_pasid_info, 1, 1, "pasid_info BDF",
	  "OK max_pasids=N [reason=WHY at=BDF missing=BITS] pri=yes|no" },
	{ "pasid_show", cmd_pasid_show, 1, 1, "pasid_show BDF",
	  "the group's pasid_array: OK count=N PASID=DOMAIN..." },
	{ "pasid_alloc", cmd_pasid_alloc, 1, 1, "pasid_alloc BDF",
	  "iommu_alloc_global_pasid: OK pasid=N|invalid" },
	{ "pasid_free", cmd_pasid_free, 1, 1, "pasid_free PASID|invalid", "iommu_free_global_pasid" },
	{ "iopf_report", cmd_iopf_report, 5, 6, "iopf_report BDF PASID|- ADDR r|w|x|p GRP [last]",
	  "a page request: OK response=CODE grp=N, parked, or pending" },
	{ "iopf_queue", cmd_iopf_queue, 2, 3,
	  "iopf_queue BDF add|remove|flush|discard|hold|run|work|fail [N]",
	  "the device's unit's fault queue (hold/run: the model's worker)" },
	{ "pri", cmd_pri, 1, 2, "pri BDF [reset]", "the device's page request state, or a reset" },
	{ NULL, NULL, 0, 0, NULL, NULL },
};
