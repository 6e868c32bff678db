// SPDX-License-Identifier: MIT
/*
 * The fabric family: physical memory, device DMA through the PCIe fabric
 * and the IOMMU, BARs, routes, faults and the IOTLB (docs/fabric.md).
 *
 * DATA is one or more words read as one byte string: "0xdeadbeef" (bytes
 * in memory order, an even number of hex digits) and "pattern:BYTE*LEN"
 * (LEN copies of BYTE). Read results are written the same way, runs of 16
 * equal bytes or more as patterns, so that what a read answers can be
 * written back or expected word for word.
 */
#include <stdio.h>

#include "lib/scenario/scenario-private.h"
#include "lib/private.h"
#include <iommukit/fabric.h>

#define DATA_MAX	(256ull << 20)	/* bytes one operation moves at most */
#define RES_ROOM	1000		/* of the 1024 bytes of a result */

struct fab {
	struct iok_fabric *f;
};

static void fab_free(void *p)
{
	struct fab *fb = p;

	iok_fabric_unref(fb->f);
	free(fb);
}

static int get_fabric(struct iok_scn *s, struct iok_fabric **out)
{
	struct fab *fb = iok_scn_ext_get(s, IOK_SCN_EXT_FABRIC);
	struct iok_machine *m;
	int rc;

	if (fb) {
		*out = fb->f;
		return 0;
	}
	rc = iok_scn_machine(s, &m);
	if (rc)
		return rc;
	fb = calloc(1, sizeof(*fb));
	if (!fb)
		return -ENOMEM;
	rc = iok_fabric_new(m, &fb->f);
	if (rc) {
		free(fb);
		return iok_scn_error(s, "the fabric could not be built: %s",
				     iok_get_error(iok_scn_ctx(s)));
	}
	iok_scn_ext_set(s, IOK_SCN_EXT_FABRIC, fb, fab_free);
	*out = fb->f;
	return 0;
}

int iok_scn_fabric(struct iok_scn *s, struct iok_fabric **out)
{
	return get_fabric(s, out);
}

/* "02:00.1" in segment 0, as the runner prints BDFs; the full name elsewhere. */
static const char *short_bdf(const struct iok_dev *d)
{
	const char *n = iok_dev_get_name(d);

	return iok_dev_get_domain(d) == 0 && !strncmp(n, "0000:", 5) ? n + 5 : n;
}

/* ---- data words -------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool is_data_word(const char *w)
{
	return !strncmp(w, "0x", 2) || !strncmp(w, "pattern:", 8);
}

/* "pattern:BYTE*LEN". */
static int parse_pattern(struct iok_scn *s, const char *w, uint64_t *byte, uint64_t *n)
{
	const char *star = strchr(w, '*');
	char bw[32];

	if (!star || star == w + 8 || star - w - 8 >= (long)sizeof(bw))
		return iok_scn_error(s, "'%s': pattern:BYTE*LEN", w);
	memcpy(bw, w + 8, star - w - 8);
	bw[star - w - 8] = 0;
	if (iok_scn_u64(s, bw, byte) || iok_scn_u64(s, star + 1, n))
		return IOK_SCN_ESCRIPT;
	if (*byte > 0xff)
		return iok_scn_error(s, "'%s': the byte is more than 0xff", w);
	return 0;
}

/* The byte string of the data words @argv[0..argc). */
static int parse_data(struct iok_scn *s, int argc, char **argv, uint8_t **out, size_t *len)
{
	uint64_t total = 0, n, byte;
	uint8_t *buf, *p;
	int i;

	for (i = 0; i < argc; i++) {
		const char *w = argv[i];

		if (!strncmp(w, "0x", 2)) {
			n = strlen(w + 2);
			if (!n || n % 2)
				return iok_scn_error(s, "'%s': DATA in hex needs whole bytes", w);
			for (const char *c = w + 2; *c; c++)
				if (hexval(*c) < 0)
					return iok_scn_error(s, "'%s': not a hex digit '%c'", w, *c);
			n /= 2;
		} else if (!strncmp(w, "pattern:", 8)) {
			if (parse_pattern(s, w, &byte, &n))
				return IOK_SCN_ESCRIPT;
		} else {
			return iok_scn_error(s, "'%s' is no DATA (0xHEX or pattern:BYTE*LEN)", w);
		}
		total += n;
		if (n > DATA_MAX || total > DATA_MAX)
			return iok_scn_error(s, "more than %llu bytes of DATA", DATA_MAX);
	}
	if (!total)
		return iok_scn_error(s, "no DATA");
	buf = p = malloc(total);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < argc; i++) {
		const char *w = argv[i];

		if (!strncmp(w, "0x", 2)) {
			for (const char *c = w + 2; *c; c += 2)
				*p++ = hexval(c[0]) << 4 | hexval(c[1]);
			continue;
		}
		parse_pattern(s, w, &byte, &n);
		memset(p, (int)byte, n);
		p += n;
	}
	*out = buf;
	*len = total;
	return 0;
}

/* FNV-1a, for reads too long to print. */
static uint64_t fnv1a(const uint8_t *b, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

static void print_data(struct iok_scn_res *res, const uint8_t *b, size_t len)
{
	char out[RES_ROOM + 64];
	size_t o = 0, i = 0;
	bool in_hex = false;

	while (i < len && o < RES_ROOM) {
		size_t run = 1;

		while (i + run < len && b[i + run] == b[i])
			run++;
		if (run >= 16) {
			o += snprintf(out + o, sizeof(out) - o, "%spattern:0x%02x*%zu",
				      o ? " " : "", b[i], run);
			in_hex = false;
			i += run;
			continue;
		}
		if (!in_hex)
			o += snprintf(out + o, sizeof(out) - o, "%s0x", o ? " " : "");
		in_hex = true;
		o += snprintf(out + o, sizeof(out) - o, "%02x", b[i++]);
	}
	if (i < len) {
		iok_scn_printf(res, "bytes=%zu fnv1a=0x%016llx", len,
			       (unsigned long long)fnv1a(b, len));
		return;
	}
	iok_scn_printf(res, "%s", out);
}

/* ---- request options --------------------------------------------------- */

/*
 * The words after the data or length: pasid=N, rid=0xBBDF (the device uses
 * another requester ID), translated (ATS), read (route only).
 */
static int parse_opts(struct iok_scn *s, int argc, char **argv, struct iok_dma_req *req,
		      bool *read)
{
	uint64_t v;
	int i;

	for (i = 0; i < argc; i++) {
		const char *w = argv[i];

		if (!strncmp(w, "pasid=", 6)) {
			if (iok_scn_u64(s, w + 6, &v))
				return IOK_SCN_ESCRIPT;
			if (v >= 1u << 20)
				return iok_scn_error(s, "'%s': PASIDs are 20 bits", w);
			req->pasid = v;
		} else if (!strncmp(w, "rid=", 4)) {
			if (iok_scn_u64(s, w + 4, &v))
				return IOK_SCN_ESCRIPT;
			if (v > 0xffff)
				return iok_scn_error(s, "'%s': requester IDs are 16 bits", w);
			req->rid = v;
			req->flags |= IOK_DMA_RID;
		} else if (!strcmp(w, "translated")) {
			req->flags |= IOK_DMA_TRANSLATED;
		} else if (read && !strcmp(w, "read")) {
			*read = true;
		} else {
			return iok_scn_error(s, "unknown option '%s' (pasid=N, rid=ID, translated%s)",
					     w, read ? ", read" : "");
		}
	}
	return 0;
}

/* BDF ADDR: the fabric and the request, before the command's own words. */
static int get_req(struct iok_scn *s, char **argv, struct iok_fabric **f,
		   struct iok_dma_req *req)
{
	int rc = get_fabric(s, f);

	*req = (struct iok_dma_req){ .pasid = IOK_PASID_NONE };
	if (!rc)
		rc = iok_scn_dev(s, argv[1], &req->dev);
	if (!rc)
		rc = iok_scn_u64(s, argv[2], &req->addr);
	return rc;
}

static void trace_route(struct iok_scn *s, struct iok_fabric *f, const struct iok_dma_req *req,
			bool write)
{
	struct iok_route r;
	char buf[256];

	if (iok_fabric_route(f, req, write, &r))
		return;
	for (unsigned int i = 0; i < r.nr_hops && i < IOK_ROUTE_MAX_HOPS; i++)
		iok_scn_trace(s, "%s", iok_route_format_hop(&r.hops[i], buf, sizeof(buf)));
	if (r.nr_hops > IOK_ROUTE_MAX_HOPS)
		iok_scn_trace(s, "... %u hops in all", r.nr_hops);
}

/* The IOMMU's last fault of the requester, in words, for the trace. */
static const char *const reason_names[] = {
	[IOK_FAULT_BLOCKED] = "blocked", [IOK_FAULT_NOT_PRESENT] = "not-present",
	[IOK_FAULT_PERMISSION] = "permission", [IOK_FAULT_OUT_OF_RANGE] = "out-of-range",
	[IOK_FAULT_NO_CONTEXT] = "no-context", [IOK_FAULT_NO_PASID] = "no-pasid",
};

static const char *reason_name(enum iok_fault_reason r)
{
	return (unsigned int)r < ARRAY_SIZE(reason_names) && reason_names[r] ?
	       reason_names[r] : "unknown";
}

static void fault_word(char *buf, size_t len, const struct iok_iommu_unit *u,
		       const struct iok_fault *f)
{
	int n = snprintf(buf, len, "fault=%s,rid=0x%04x,addr=0x%llx,%s,%s", iok_unit_get_name(u),
			 f->rid, (unsigned long long)f->addr,
			 f->access & IOK_FAULT_PERM_WRITE ? "write" : "read",
			 reason_name(f->reason));

	if (f->pasid != IOK_PASID_INVALID && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, ",pasid=%u", f->pasid);
}

static void trace_failure(struct iok_scn *s, struct iok_fabric *f, const struct iok_dma_req *req,
			  bool write, size_t moved, int rc)
{
	char buf[160];

	iok_scn_trace(s, "moved=%zu", moved);
	if (rc == -EFAULT) {
		struct iok_route r;
		struct iok_fault flt;
		unsigned int n;

		if (iok_fabric_route(f, req, write, &r) || !r.unit)
			return;
		n = iok_unit_count_faults(r.unit);
		if (n && !iok_unit_get_fault(r.unit, n - 1, &flt)) {
			fault_word(buf, sizeof(buf), r.unit, &flt);
			iok_scn_trace(s, "%s", buf);
		}
	}
}

/* ---- commands ---------------------------------------------------------- */

static int cmd_mem_write(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_fabric *f;
	uint64_t paddr;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = get_fabric(s, &f);

	rc = rc ?: iok_scn_u64(s, argv[1], &paddr);
	rc = rc ?: parse_data(s, argc - 2, argv + 2, &buf, &len);
	if (rc)
		return rc;
	rc = iok_fabric_mem_write(f, paddr, buf, len);
	free(buf);
	(void)res;
	return rc;
}

static int read_len(struct iok_scn *s, const char *word, size_t *len)
{
	uint64_t v;

	if (iok_scn_u64(s, word, &v))
		return IOK_SCN_ESCRIPT;
	if (!v || v > DATA_MAX)
		return iok_scn_error(s, "LEN %s: from 1 to %llu bytes", word, DATA_MAX);
	*len = v;
	return 0;
}

static int cmd_mem_read(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_fabric *f;
	uint64_t paddr;
	uint8_t *buf;
	size_t len = 0;
	int rc = get_fabric(s, &f);

	rc = rc ?: iok_scn_u64(s, argv[1], &paddr);
	rc = rc ?: read_len(s, argv[2], &len);
	if (rc)
		return rc;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	rc = iok_fabric_mem_read(f, paddr, buf, len);
	if (!rc)
		print_data(res, buf, len);
	free(buf);
	(void)argc;
	return rc;
}

static int cmd_dma_write(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_dma_req req;
	struct iok_fabric *f;
	int i, rc = get_req(s, argv, &f, &req);
	uint8_t *buf = NULL;
	size_t len = 0, moved = 0;

	for (i = 3; i < argc && is_data_word(argv[i]); i++)
		;
	rc = rc ?: parse_opts(s, argc - i, argv + i, &req, NULL);
	rc = rc ?: parse_data(s, i - 3, argv + 3, &buf, &len);
	if (rc)
		return rc;
	trace_route(s, f, &req, true);
	rc = iok_fabric_dma_write(f, &req, buf, len, &moved);
	free(buf);
	if (rc) {
		trace_failure(s, f, &req, true, moved, rc);
		return rc;
	}
	iok_scn_printf(res, "moved=%zu", moved);
	return 0;
}

static int cmd_dma_read(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_dma_req req;
	struct iok_fabric *f;
	int rc = get_req(s, argv, &f, &req);
	uint8_t *buf;
	size_t len = 0, moved = 0;

	rc = rc ?: read_len(s, argv[3], &len);
	rc = rc ?: parse_opts(s, argc - 4, argv + 4, &req, NULL);
	if (rc)
		return rc;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	trace_route(s, f, &req, false);
	rc = iok_fabric_dma_read(f, &req, buf, len, &moved);
	if (rc)
		trace_failure(s, f, &req, false, moved, rc);
	else
		print_data(res, buf, len);
	free(buf);
	return rc;
}

static int cmd_bar(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_fabric *f;
	struct iok_dev *dev;
	struct iok_bar b;
	uint64_t n;
	int rc = get_fabric(s, &f);

	rc = rc ?: iok_scn_dev(s, argv[1], &dev);
	rc = rc ?: iok_scn_u64(s, argv[2], &n);
	if (rc)
		return rc;
	if (n > 5)
		return iok_scn_error(s, "BAR %s: BARs are 0 to 5", argv[2]);
	rc = iok_fabric_get_bar(f, dev, n, &b);
	if (rc)
		return rc;
	iok_scn_printf(res, "0x%llx size=0x%llx %s%s%s", (unsigned long long)b.addr,
		       (unsigned long long)b.size, b.flags & IOK_BAR_IO ? "io" :
		       b.flags & IOK_BAR_64 ? "mem64" : "mem32",
		       b.flags & IOK_BAR_PREFETCH ? " pref" : "",
		       b.flags & IOK_BAR_SIZE_GUESSED ? " size-guessed" : "");
	(void)argc;
	return 0;
}

static int cmd_route(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_dma_req req;
	struct iok_fabric *f;
	struct iok_route r;
	bool read = false;
	char buf[256];
	int rc = get_req(s, argv, &f, &req);

	rc = rc ?: parse_opts(s, argc - 3, argv + 3, &req, &read);
	if (rc)
		return rc;
	rc = iok_fabric_route(f, &req, !read, &r);
	if (rc)
		return rc;
	for (unsigned int i = 0; i < r.nr_hops && i < IOK_ROUTE_MAX_HOPS; i++)
		iok_scn_trace(s, "%s", iok_route_format_hop(&r.hops[i], buf, sizeof(buf)));
	switch (r.end) {
	case IOK_ROUTE_P2P:
		iok_scn_printf(res, "p2p=%s bar=%d", short_bdf(r.target), r.bar);
		break;
	case IOK_ROUTE_IOMMU:
		iok_scn_printf(res, "iommu=%s rid=0x%04x", iok_unit_get_name(r.unit), r.rid);
		break;
	case IOK_ROUTE_DIRECT:
		iok_scn_printf(res, "direct rid=0x%04x", r.rid);
		break;
	case IOK_ROUTE_DROPPED:
		iok_scn_printf(res, "dropped at=%s acs=%s", short_bdf(r.at),
			       r.acs_bit == IOK_ACS_SV ? "SV" : r.acs_bit == IOK_ACS_TB ? "TB" : "EC");
		break;
	case IOK_ROUTE_UNCLAIMED:
		iok_scn_printf(res, "unclaimed at=%s", r.at ? short_bdf(r.at) : "root");
		break;
	}
	if (r.completion_redirect)
		iok_scn_printf(res, "completion-redirect=%s", short_bdf(r.completion_redirect));
	return 0;
}

/* Whether a record concerns @dev: its device, or its requester ID at its unit. */
static bool record_of(const struct iok_dev *rec_dev, uint16_t rid, const struct iok_dev *dev,
		      const struct iok_route *r)
{
	return !dev || rec_dev == dev || (!rec_dev && r && r->rid == rid);
}

static int cmd_faults(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_machine *m;
	struct iok_fabric *f;
	struct iok_dev *dev = NULL;
	struct iok_route r, *rp = NULL;
	char words[RES_ROOM + 200] = "", w[160];
	bool clear = false;
	unsigned int count = 0, i, k;
	size_t o = 0;
	int rc = get_fabric(s, &f);

	for (i = 1; !rc && i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "clear"))
			clear = true;
		else if (!dev)
			rc = iok_scn_dev(s, argv[i], &dev);
		else
			rc = iok_scn_error(s, "faults [BDF] [clear]");
	}
	if (rc)
		return rc;
	m = iok_fabric_get_machine(f);
	if (dev) {
		struct iok_dma_req req = { .dev = dev, .pasid = IOK_PASID_NONE };

		if (!iok_fabric_route(f, &req, true, &r))
			rp = &r;
	}
	for (k = 0; k < iok_machine_count_units(m); k++) {
		struct iok_iommu_unit *u = iok_machine_get_unit(m, k);
		struct iok_fault flt;

		for (i = 0; !iok_unit_get_fault(u, i, &flt); i++) {
			if (!record_of(flt.dev, flt.rid, dev, rp) || (rp && rp->unit && rp->unit != u))
				continue;
			fault_word(w, sizeof(w), u, &flt);
			iok_scn_trace(s, "%s", w);
			if (o < RES_ROOM)
				o += snprintf(words + o, sizeof(words) - o, " %s", w);
			count++;
		}
		if (clear)
			iok_unit_clear_faults(u);
	}
	for (i = 0; i < iok_fabric_count_errors(f); i++) {
		struct iok_fabric_error e;

		iok_fabric_get_error(f, i, &e);
		if (!record_of(e.dev, e.rid, dev, NULL))
			continue;
		snprintf(w, sizeof(w), "error=%s,rid=0x%04x,addr=0x%llx,%s%s%s",
			 iok_route_end_name(e.end), e.rid, (unsigned long long)e.addr,
			 e.write ? "write" : "read", e.at ? ",at=" : "", e.at ? short_bdf(e.at) : "");
		iok_scn_trace(s, "%s", w);
		if (o < RES_ROOM)
			o += snprintf(words + o, sizeof(words) - o, " %s", w);
		count++;
	}
	if (clear)
		iok_fabric_clear_errors(f);
	iok_scn_printf(res, "count=%u%s", count, o < RES_ROOM ? words : "");
	return 0;
}

static int unit_of(struct iok_scn *s, const char *bdf, struct iok_iommu_unit **u)
{
	struct iok_machine *m;
	struct iok_dev *dev;
	int rc = iok_scn_machine(s, &m);

	rc = rc ?: iok_scn_dev(s, bdf, &dev);
	if (rc)
		return rc;
	*u = iok_dev_get_unit(m, dev);
	if (!*u)
		return iok_fail(iok_scn_ctx(s), -ENODEV, "%s: no IOMMU unit", bdf);
	return 0;
}

static int cmd_iotlb_stats(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommu_unit *u;
	struct iok_iotlb_stats st;
	int rc = unit_of(s, argv[1], &u);

	if (rc)
		return rc;
	rc = iok_unit_get_iotlb_stats(u, &st);
	if (rc)
		return rc;
	iok_scn_printf(res, "hits=%llu misses=%llu entries=%u fills=%llu inv=%llu",
		       (unsigned long long)st.hits, (unsigned long long)st.misses, st.entries,
		       (unsigned long long)st.fills,
		       (unsigned long long)(st.inv_range + st.inv_pasid + st.inv_domain +
					    st.inv_global));
	if (argc > 2 && !strcmp(argv[2], "reset"))
		iok_unit_reset_iotlb_stats(u);
	else if (argc > 2)
		return iok_scn_error(s, "iotlb_stats BDF [reset]");
	return 0;
}

/* iotlb_flush BDF: the unit's global flush; iotlb_flush DOMAIN [IOVA SIZE]. */
static int cmd_iotlb_flush(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_domain *d;
	struct iok_iommu_unit *u;
	uint64_t iova, size;
	uint32_t seg;
	uint8_t bus, devfn;
	int rc;

	/* Names cannot hold ':', so a BDF is never a domain. */
	if (argc == 2 && !iok_parse_bdf(argv[1], &seg, &bus, &devfn)) {
		rc = unit_of(s, argv[1], &u);
		return rc ?: iok_unit_iotlb_flush_all(u);
	}
	rc = iok_scn_domain(s, argv[1], &d);
	if (rc)
		return rc;
	if (argc == 2)
		return iok_domain_flush_all(d);
	if (argc != 4)
		return iok_scn_error(s, "iotlb_flush BDF | DOMAIN [IOVA SIZE]");
	rc = iok_scn_u64(s, argv[2], &iova);
	rc = rc ?: iok_scn_u64(s, argv[3], &size);
	(void)res;
	return rc ?: iok_domain_flush_range(d, iova, size);
}

const struct iok_scn_cmd iok_scn_cmds_fabric[] = {
	{ "mem_write", cmd_mem_write, 2, -1, "mem_write PADDR DATA...",
	  "a CPU write of DATA (0xHEX, pattern:BYTE*LEN) to physical memory or a BAR" },
	{ "mem_read", cmd_mem_read, 2, 2, "mem_read PADDR LEN",
	  "a CPU read: OK DATA (never-written memory reads as zeros)" },
	{ "dma_write", cmd_dma_write, 3, -1,
	  "dma_write BDF ADDR DATA... [pasid=N] [rid=ID] [translated]",
	  "the device writes DATA at bus address ADDR: OK moved=N, or EFAULT, ENXIO, EACCES" },
	{ "dma_read", cmd_dma_read, 3, 6, "dma_read BDF ADDR LEN [pasid=N] [rid=ID] [translated]",
	  "the device reads LEN bytes at bus address ADDR: OK DATA" },
	{ "bar", cmd_bar, 2, 2, "bar BDF N", "BAR N of a device: OK ADDR size=SIZE KIND" },
	{ "route", cmd_route, 2, 6, "route BDF ADDR [read] [pasid=N] [rid=ID] [translated]",
	  "where a request goes: OK p2p=BDF, iommu=UNIT rid=ID, direct, dropped, unclaimed" },
	{ "faults", cmd_faults, 0, 2, "faults [BDF] [clear]",
	  "IOMMU fault records and fabric errors (of BDF): OK count=N RECORD..." },
	{ "iotlb_stats", cmd_iotlb_stats, 1, 2, "iotlb_stats BDF [reset]",
	  "IOTLB counters of the device's unit" },
	{ "iotlb_flush", cmd_iotlb_flush, 1, 3, "iotlb_flush BDF | DOMAIN [IOVA SIZE]",
	  "invalidate the unit's IOTLB, or a domain's entries (all, or a range)" },
	{ NULL, NULL, 0, 0, NULL, NULL },
};
