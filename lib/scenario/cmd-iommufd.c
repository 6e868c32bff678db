// SPDX-License-Identifier: MIT
/*
 * The iommufd family (docs/iommufd.md): /dev/iommu contexts named by the
 * script, the iommufd ioctls named after them (ioas_map, hwpt_alloc, ...),
 * the kernel calls of binding drivers (device_bind, device_attach, ...) and
 * of emulating drivers (access_*), FAULT fds, and the VFIO compatibility
 * ioctls. Object IDs are numbers, as the kernel hands them out: results
 * print them (OK id=N) and later lines use them. The process is the one of
 * the vfio family; user buffers come from user_mmap or are fresh.
 */
#include <stdio.h>

#include "lib/private.h"
#include "lib/scenario/cmd-uapi.h"
#include <iommukit/fabric.h>
#include <iommukit/pgtable.h>
#include <iommukit/sva.h>

#define DATA_MAX 256

struct ifd_ctx_ent {
	struct iok_iommufd *ictx;
	struct ifd_ctx_ent *next;
};

struct ifd_buf {
	uint64_t va, len;
};

struct scn_ifd {
	struct ifd_ctx_ent *ctxs;
	struct ifd_buf **bufs;		/* user_mmap buffers, named by the script */
	unsigned int nr_bufs;
};

static void ext_free(void *p)
{
	struct scn_ifd *x = p;

	while (x->ctxs) {
		struct ifd_ctx_ent *e = x->ctxs;

		x->ctxs = e->next;
		iok_iommufd_close(e->ictx);
		free(e);
	}
	while (x->nr_bufs)
		free(x->bufs[--x->nr_bufs]);
	free(x->bufs);
	free(x);
}

static int get_ext(struct iok_scn *s, struct scn_ifd **out)
{
	struct scn_ifd *x = iok_scn_ext_get(s, IOK_SCN_EXT_IOMMUFD);

	if (!x) {
		x = calloc(1, sizeof(*x));
		if (!x)
			return -ENOMEM;
		iok_scn_ext_set(s, IOK_SCN_EXT_IOMMUFD, x, ext_free);
	}
	*out = x;
	return 0;
}

static int get_ictx(struct iok_scn *s, const char *name, struct iok_iommufd **out)
{
	void *obj;
	int rc = iok_scn_name_get(s, name, "iommufd", &obj);

	if (!rc)
		*out = obj;
	return rc;
}

static int u32_arg(struct iok_scn *s, const char *w, uint32_t *out)
{
	uint64_t v;

	if (iok_scn_u64(s, w, &v))
		return IOK_SCN_ESCRIPT;
	if (v > UINT32_MAX)
		return iok_scn_error(s, "'%s' is more than 32 bits", w);
	*out = v;
	return 0;
}

/* "key=VALUE" words after the fixed ones. */
static const char *opt(int argc, char **argv, int from, const char *key)
{
	size_t n = strlen(key);
	int i;

	for (i = from; i < argc; i++)
		if (!strncmp(argv[i], key, n) && argv[i][n] == '=')
			return argv[i] + n + 1;
	return NULL;
}

static bool flag(int argc, char **argv, int from, const char *word)
{
	int i;

	for (i = from; i < argc; i++)
		if (!strcmp(argv[i], word))
			return true;
	return false;
}

static long ioc(struct iok_iommufd *ictx, unsigned long cmd, void *arg)
{
	return iok_iommufd_ioctl(ictx, cmd, arg);
}

static int rc_of(long r)
{
	return r < 0 ? (int)r : 0;
}

/* ---- contexts and memory ------------------------------------------------- */

static int cmd_open(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommufd *ictx;
	struct ifd_ctx_ent *e;
	struct scn_uapi *u;
	struct scn_ifd *x;
	int rc;

	if (iok_scn_name_find(s, argv[1], "iommufd"))
		return iok_scn_error(s, "iommufd '%s' is open already", argv[1]);
	rc = scn_uapi_get(s, &u);
	rc = rc ?: get_ext(s, &x);
	if (rc)
		return rc;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	rc = iok_iommufd_open(u->proc, &ictx);
	if (rc) {
		free(e);
		return rc;
	}
	rc = iok_scn_name_add(s, argv[1], "iommufd", ictx);
	if (rc) {
		iok_iommufd_close(ictx);
		free(e);
		return rc;
	}
	e->ictx = ictx;
	e->next = x->ctxs;
	x->ctxs = e;
	return 0;
}

static int cmd_close(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct ifd_ctx_ent **pp, *e;
	struct iok_iommufd *ictx;
	struct scn_ifd *x;
	int rc = get_ictx(s, argv[1], &ictx);

	rc = rc ?: get_ext(s, &x);
	if (rc)
		return rc;
	for (pp = &x->ctxs; *pp && (*pp)->ictx != ictx; pp = &(*pp)->next)
		;
	e = *pp;
	if (e) {
		*pp = e->next;
		free(e);
	}
	iok_scn_name_del(s, argv[1]);
	iok_iommufd_close(ictx);
	return 0;
}

static int cmd_mmap(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct ifd_buf *b, **bufs;
	struct scn_uapi *u;
	struct scn_ifd *x;
	uint64_t len;
	int rc;

	rc = scn_uapi_get(s, &u);
	rc = rc ?: get_ext(s, &x);
	rc = rc ?: iok_scn_u64(s, argv[2], &len);
	if (rc)
		return rc;
	if (iok_scn_name_find(s, argv[1], "ubuf"))
		return iok_scn_error(s, "buffer '%s' exists already", argv[1]);
	b = calloc(1, sizeof(*b));
	bufs = realloc(x->bufs, (x->nr_bufs + 1) * sizeof(*bufs));
	if (bufs)
		x->bufs = bufs;
	if (!b || !bufs) {
		free(b);
		return -ENOMEM;
	}
	rc = iok_proc_mmap(u->proc, len, &b->va);
	if (!rc)
		rc = iok_scn_name_add(s, argv[1], "ubuf", b);
	if (rc) {
		free(b);
		return rc;
	}
	x->bufs[x->nr_bufs++] = b;
	b->len = len;
	iok_scn_printf(res, "va=0x%llx", (unsigned long long)b->va);
	return 0;
}

/* va=NAME[+OFF] or va=ADDR; without it, a fresh buffer of @len bytes. */
static int user_va(struct iok_scn *s, int argc, char **argv, int from, uint64_t len,
		   uint64_t *va)
{
	const char *w = opt(argc, argv, from, "va");
	char name[64];
	struct ifd_buf *b;
	struct scn_uapi *u;
	uint64_t off = 0;
	const char *plus;
	int rc;

	if (!w) {
		rc = scn_uapi_get(s, &u);
		if (rc)
			return rc;
		/* Too large a buffer: an address the kernel's checks meet first. */
		if (iok_proc_mmap(u->proc, len ? len : 1, va))
			*va = 0x1000;
		return 0;
	}
	plus = strchr(w, '+');
	snprintf(name, sizeof(name), "%.*s", plus ? (int)(plus - w) : (int)strlen(w), w);
	b = iok_scn_name_find(s, name, "ubuf");
	if (!b)
		return iok_scn_u64(s, w, va);
	if (plus && iok_scn_u64(s, plus + 1, &off))
		return IOK_SCN_ESCRIPT;
	*va = b->va + off;
	return 0;
}

static int parse_prot(struct iok_scn *s, const char *w, uint32_t *flags)
{
	if (!strcmp(w, "r"))
		*flags = IOK_IOMMU_IOAS_MAP_READABLE;
	else if (!strcmp(w, "w"))
		*flags = IOK_IOMMU_IOAS_MAP_WRITEABLE;
	else if (!strcmp(w, "rw"))
		*flags = IOK_IOMMU_IOAS_MAP_READABLE | IOK_IOMMU_IOAS_MAP_WRITEABLE;
	else if (!strcmp(w, "none"))
		*flags = 0;
	else if (!strncmp(w, "flags=", 6))
		return u32_arg(s, w + 6, flags);
	else
		return iok_scn_error(s, "'%s': r, w, rw, none or flags=N", w);
	return 0;
}

/* The optional access word (r, w, rw, none, flags=N) among the trailing words. */
static int trailing_prot(struct iok_scn *s, int argc, char **argv, int from, uint32_t *flags)
{
	int i;

	*flags = IOK_IOMMU_IOAS_MAP_READABLE | IOK_IOMMU_IOAS_MAP_WRITEABLE;
	for (i = from; i < argc; i++)
		if (!strchr(argv[i], '=') || !strncmp(argv[i], "flags=", 6))
			return parse_prot(s, argv[i], flags);
	return 0;
}

/* ---- IOAS ---------------------------------------------------------------- */

static int cmd_ioas_alloc(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommu_ioas_alloc c = { .size = sizeof(c) };
	struct iok_iommufd *ictx;
	int rc = get_ictx(s, argv[1], &ictx);

	if (!rc && argc > 2)
		rc = u32_arg(s, argv[2], &c.flags);
	if (rc)
		return rc;
	rc = rc_of(ioc(ictx, IOK_IOMMU_IOAS_ALLOC, &c));
	if (!rc)
		iok_scn_printf(res, "id=%u", c.out_ioas_id);
	return rc;
}

static int cmd_destroy(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommu_destroy c = { .size = sizeof(c) };
	struct iok_iommufd *ictx;
	int rc = get_ictx(s, argv[1], &ictx);

	rc = rc ?: u32_arg(s, argv[2], &c.id);
	return rc ?: rc_of(ioc(ictx, IOK_IOMMU_DESTROY, &c));
}

static int cmd_ioas_map(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommu_ioas_map c = { .size = sizeof(c) };
	struct iok_iommufd *ictx;
	uint32_t prot = 0;
	int rc = get_ictx(s, argv[1], &ictx);

	rc = rc ?: u32_arg(s, argv[2], &c.ioas_id);
	rc = rc ?: iok_scn_u64(s, argv[4], &c.length);
	rc = rc ?: trailing_prot(s, argc, argv, 5, &prot);
	if (!rc && strcmp(argv[3], "auto"))
		rc = iok_scn_u64(s, argv[3], &c.iova);
	rc = rc ?: user_va(s, argc, argv, 5, c.length, &c.user_va);
	if (rc)
		return rc;
	c.flags = prot | (strcmp(argv[3], "auto") ? IOK_IOMMU_IOAS_MAP_FIXED_IOVA : 0);
	rc = rc_of(ioc(ictx, IOK_IOMMU_IOAS_MAP, &c));
	if (!rc)
		iok_scn_printf(res, "iova=0x%llx", (unsigned long long)c.iova);
	return rc;
}

static int cmd_ioas_unmap(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommu_ioas_unmap c = { .size = sizeof(c) };
	struct iok_iommufd *ictx;
	int rc = get_ictx(s, argv[1], &ictx);

	rc = rc ?: u32_arg(s, argv[2], &c.ioas_id);
	if (rc)
		return rc;
	if (!strcmp(argv[3], "all")) {
		c.length = UINT64_MAX;
	} else {
		if (argc < 5)
			return iok_scn_error(s, "ioas_unmap FD IOAS IOVA LENGTH, or IOAS all");
		rc = iok_scn_u64(s, argv[3], &c.iova);
		rc = rc ?: iok_scn_u64(s, argv[4], &c.length);
		if (rc)
			return rc;
	}
	rc = rc_of(ioc(ictx, IOK_IOMMU_IOAS_UNMAP, &c));
	if (!rc)
		iok_scn_printf(res, "length=0x%llx", (unsigned long long)c.length);
	return rc;
}

static int cmd_ioas_copy(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommu_ioas_copy c = { .size = sizeof(c) };
	struct iok_iommufd *ictx;
	uint32_t prot = 0;
	int rc = get_ictx(s, argv[1], &ictx);

	rc = rc ?: u32_arg(s, argv[2], &c.dst_ioas_id);
	rc = rc ?: u32_arg(s, argv[3], &c.src_ioas_id);
	rc = rc ?: iok_scn_u64(s, argv[4], &c.src_iova);
	rc = rc ?: iok_scn_u64(s, argv[5], &c.length);
	rc = rc ?: trailing_prot(s, argc, argv, 7, &prot);
	if (!rc && strcmp(argv[6], "auto"))
		rc = iok_scn_u64(s, argv[6], &c.dst_iova);
	if (rc)
		return rc;
	c.flags = prot | (strcmp(argv[6], "auto") ? IOK_IOMMU_IOAS_MAP_FIXED_IOVA : 0);
	rc = rc_of(ioc(ictx, IOK_IOMMU_IOAS_COPY, &c));
	if (!rc)
		iok_scn_printf(res, "iova=0x%llx", (unsigned long long)c.dst_iova);
	return rc;
}

static int cmd_iova_ranges(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommu_ioas_iova_ranges c = { .size = sizeof(c), .num_iovas = 16 };
	struct iok_iommu_iova_range r[16];
	struct iok_iommufd *ictx;
	uint32_t i;
	int rc = get_ictx(s, argv[1], &ictx);

	rc = rc ?: u32_arg(s, argv[2], &c.ioas_id);
	if (!rc && argc > 3)
		rc = u32_arg(s, argv[3], &c.num_iovas);
	if (rc)
		return rc;
	if (c.num_iovas > 16)
		return iok_scn_error(s, "at most 16 slots");
	c.allowed_iovas = (uintptr_t)r;
	rc = rc_of(ioc(ictx, IOK_IOMMU_IOAS_IOVA_RANGES, &c));
	if (rc)
		return rc;
	iok_scn_printf(res, "alignment=0x%llx", (unsigned long long)c.out_iova_alignment);
	for (i = 0; i < c.num_iovas; i++)
		iok_scn_printf(res, "0x%llx-0x%llx", (unsigned long long)r[i].start,
			       (unsigned long long)r[i].last);
	return 0;
}

/* START-LAST words. */
static int parse_ranges(struct iok_scn *s, int argc, char **argv, int from,
			struct iok_iommu_iova_range *r, uint32_t *n)
{
	char a[64];
	const char *dash;
	int i;

	*n = 0;
	for (i = from; i < argc; i++) {
		dash = strchr(argv[i], '-');
		if (!dash || *n >= 16)
			return iok_scn_error(s, "'%s': START-LAST (at most 16)", argv[i]);
		snprintf(a, sizeof(a), "%.*s", (int)(dash - argv[i]), argv[i]);
		if (iok_scn_u64(s, a, &r[*n].start) || iok_scn_u64(s, dash + 1, &r[*n].last))
			return IOK_SCN_ESCRIPT;
		(*n)++;
	}
	return 0;
}

static int cmd_allow_iovas(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommu_ioas_allow_iovas c = { .size = sizeof(c) };
	struct iok_iommu_iova_range r[16];
	struct iok_iommufd *ictx;
	int rc = get_ictx(s, argv[1], &ictx);

	rc = rc ?: u32_arg(s, argv[2], &c.ioas_id);
	rc = rc ?: parse_ranges(s, argc, argv, 3, r, &c.num_iovas);
	if (rc)
		return rc;
	c.allowed_iovas = (uintptr_t)r;
	return rc_of(ioc(ictx, IOK_IOMMU_IOAS_ALLOW_IOVAS, &c));
}

static int cmd_option(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommu_option c = { .size = sizeof(c) };
	struct iok_iommufd *ictx;
	int rc = get_ictx(s, argv[1], &ictx);

	if (rc)
		return rc;
	if (!strcmp(argv[2], "rlimit_mode"))
		c.option_id = IOK_IOMMU_OPTION_RLIMIT_MODE;
	else if (!strcmp(argv[2], "huge_pages"))
		c.option_id = IOK_IOMMU_OPTION_HUGE_PAGES;
	else if (u32_arg(s, argv[2], &c.option_id))
		return IOK_SCN_ESCRIPT;
	rc = u32_arg(s, argv[3], &c.object_id);
	if (rc)
		return rc;
	if (!strcmp(argv[4], "get"))
		c.op = IOK_IOMMU_OPTION_OP_GET;
	else if (!strcmp(argv[4], "set") && argc > 5)
		rc = iok_scn_u64(s, argv[5], &c.val64);
	else
		return iok_scn_error(s, "get, or set VALUE");
	if (rc)
		return rc;
	rc = rc_of(ioc(ictx, IOK_IOMMU_OPTION, &c));
	if (!rc && c.op == IOK_IOMMU_OPTION_OP_GET)
		iok_scn_printf(res, "val=%llu", (unsigned long long)c.val64);
	return rc;
}

static int cmd_reserve(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommufd *ictx;
	uint64_t start = 0, len = 0;
	uint32_t ioas = 0;
	int rc = get_ictx(s, argv[1], &ictx);

	rc = rc ?: u32_arg(s, argv[2], &ioas);
	rc = rc ?: iok_scn_u64(s, argv[3], &start);
	rc = rc ?: iok_scn_u64(s, argv[4], &len);
	return rc ?: iok_iommufd_ioas_add_reserved(ictx, ioas, start, len);
}

static const char *prot_name(unsigned int prot)
{
	static const char *names[] = { "none", "r", "w", "rw" };

	return names[prot & (IOK_PROT_READ | IOK_PROT_WRITE)];
}

static int cmd_areas(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommufd_area a;
	struct iok_iommufd *ictx;
	unsigned int i;
	uint32_t ioas = 0;
	int rc = get_ictx(s, argv[1], &ictx);

	rc = rc ?: u32_arg(s, argv[2], &ioas);
	if (rc)
		return rc;
	for (i = 0; !(rc = iok_iommufd_ioas_get_area(ictx, ioas, i, &a)); i++)
		;
	if (!i && iok_iommufd_get_obj_type(ictx, ioas, NULL) != IOK_IOMMUFD_OBJ_IOAS)
		return -ENOENT;
	iok_scn_printf(res, "count=%u", i);
	for (i = 0; !iok_iommufd_ioas_get_area(ictx, ioas, i, &a); i++)
		iok_scn_printf(res, "0x%llx+0x%llx:%s%s", (unsigned long long)a.iova,
			       (unsigned long long)a.length, prot_name(a.prot),
			       a.accesses ? ":pinned" : "");
	return 0;
}

/* ---- HWPT ---------------------------------------------------------------- */

static int cmd_hwpt_alloc(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommu_hwpt_alloc c = { .size = sizeof(c) };
	struct iok_iommufd *ictx;
	const char *w;
	int rc = get_ictx(s, argv[1], &ictx), i;

	rc = rc ?: u32_arg(s, argv[2], &c.dev_id);
	rc = rc ?: u32_arg(s, argv[3], &c.pt_id);
	for (i = 4; !rc && i < argc; i++) {
		w = argv[i];
		if (!strcmp(w, "nest_parent"))
			c.flags |= IOK_IOMMU_HWPT_ALLOC_NEST_PARENT;
		else if (!strcmp(w, "dirty"))
			c.flags |= IOK_IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
		else if (!strcmp(w, "pasid"))
			c.flags |= IOK_IOMMU_HWPT_ALLOC_PASID;
		else if (!strncmp(w, "fault=", 6)) {
			c.flags |= IOK_IOMMU_HWPT_FAULT_ID_VALID;
			rc = u32_arg(s, w + 6, &c.fault_id);
		} else if (!strncmp(w, "flags=", 6)) {
			rc = u32_arg(s, w + 6, &c.flags);
		} else if (!strncmp(w, "data_type=", 10)) {
			rc = u32_arg(s, w + 10, &c.data_type);
		} else if (!strncmp(w, "data_len=", 9)) {
			rc = u32_arg(s, w + 9, &c.data_len);
		} else {
			rc = iok_scn_error(s, "'%s': nest_parent, dirty, pasid, fault=ID, flags=N, "
					   "data_type=N, data_len=N", w);
		}
	}
	if (rc)
		return rc;
	rc = rc_of(ioc(ictx, IOK_IOMMU_HWPT_ALLOC, &c));
	if (!rc)
		iok_scn_printf(res, "id=%u", c.out_hwpt_id);
	return rc;
}

static int cmd_set_dirty(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommu_hwpt_set_dirty_tracking c = { .size = sizeof(c) };
	struct iok_iommufd *ictx;
	int rc = get_ictx(s, argv[1], &ictx);

	rc = rc ?: u32_arg(s, argv[2], &c.hwpt_id);
	if (rc)
		return rc;
	if (!strcmp(argv[3], "on"))
		c.flags = IOK_IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
	else if (strcmp(argv[3], "off") && u32_arg(s, argv[3], &c.flags))
		return IOK_SCN_ESCRIPT;
	return rc_of(ioc(ictx, IOK_IOMMU_HWPT_SET_DIRTY_TRACKING, &c));
}

static int cmd_get_dirty(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommu_hwpt_get_dirty_bitmap c = { .size = sizeof(c) };
	struct iok_iommufd *ictx;
	uint64_t *bitmap, bits, i;
	unsigned int n = 0;
	int rc = get_ictx(s, argv[1], &ictx);

	rc = rc ?: u32_arg(s, argv[2], &c.hwpt_id);
	rc = rc ?: iok_scn_u64(s, argv[3], &c.iova);
	rc = rc ?: iok_scn_u64(s, argv[4], &c.length);
	rc = rc ?: iok_scn_u64(s, argv[5], &c.page_size);
	if (rc)
		return rc;
	if (flag(argc, argv, 6, "no_clear"))
		c.flags = IOK_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR;
	bits = c.page_size && c.length / c.page_size < (1u << 20) ? c.length / c.page_size + 1 : 1;
	bitmap = calloc((bits + 63) / 64, sizeof(*bitmap));
	if (!bitmap)
		return -ENOMEM;
	c.data = (uintptr_t)bitmap;
	rc = rc_of(ioc(ictx, IOK_IOMMU_HWPT_GET_DIRTY_BITMAP, &c));
	for (i = 0; !rc && i < bits; i++)
		if (bitmap[i / 64] >> (i % 64) & 1) {
			if (n++ < 32)
				iok_scn_printf(res, "%s%llu", n == 1 ? "dirty=" : "",
					       (unsigned long long)i);
		}
	if (!rc)
		iok_scn_printf(res, n ? "count=%u" : "dirty=none count=%u", n);
	free(bitmap);
	return rc;
}

static int cmd_invalidate(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommu_hwpt_invalidate c = { .size = sizeof(c) };
	uint8_t entries[64] = { 0 };
	struct iok_iommufd *ictx;
	int rc = get_ictx(s, argv[1], &ictx);

	rc = rc ?: u32_arg(s, argv[2], &c.hwpt_id);
	if (!rc && argc > 3)
		rc = u32_arg(s, argv[3], &c.entry_num);
	if (rc)
		return rc;
	if (c.entry_num) {
		c.entry_len = 16;
		c.data_uptr = (uintptr_t)entries;
	}
	if (c.entry_num > 4)
		return iok_scn_error(s, "at most 4 entries");
	rc = rc_of(ioc(ictx, IOK_IOMMU_HWPT_INVALIDATE, &c));
	if (!rc)
		iok_scn_printf(res, "entries=%u", c.entry_num);
	return rc;
}

static int cmd_hw_info(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommu_hw_info c = { .size = sizeof(c), .data_len = 64 };
	uint8_t data[64];
	struct iok_iommufd *ictx;
	const char *w;
	int rc = get_ictx(s, argv[1], &ictx);

	rc = rc ?: u32_arg(s, argv[2], &c.dev_id);
	w = opt(argc, argv, 3, "type");
	if (!rc && w) {
		c.flags = IOK_IOMMU_HW_INFO_FLAG_INPUT_TYPE;
		rc = u32_arg(s, w, &c.data_type);
	}
	if (rc)
		return rc;
	c.data_uptr = (uintptr_t)data;
	rc = rc_of(ioc(ictx, IOK_IOMMU_GET_HW_INFO, &c));
	if (!rc)
		iok_scn_printf(res, "type=%u len=%u caps=0x%llx pasid_log2=%u", c.data_type,
			       c.data_len, (unsigned long long)c.out_capabilities,
			       c.out_max_pasid_log2);
	return rc;
}

/* iommufd_ioctl FD CMD SIZE [tail=BYTE] [null]: the framing alone (spec 7.2). */
static int cmd_raw_ioctl(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	uint8_t buf[256] = { 0 };
	struct iok_iommufd *ictx;
	uint64_t cmd, size, tail = 0;
	uint32_t sz;
	const char *w;
	long r;
	int rc = get_ictx(s, argv[1], &ictx);

	rc = rc ?: iok_scn_u64(s, argv[2], &cmd);
	rc = rc ?: iok_scn_u64(s, argv[3], &size);
	w = opt(argc, argv, 4, "tail");
	if (!rc && w)
		rc = iok_scn_u64(s, w, &tail);
	if (rc)
		return rc;
	if (size < 4 || size > sizeof(buf))
		return iok_scn_error(s, "SIZE from 4 to %zu", sizeof(buf));
	sz = size;
	memcpy(buf, &sz, sizeof(sz));
	if (tail)
		buf[size - 1] = (uint8_t)tail;
	if (cmd <= 0xff)
		cmd |= 0x3b00;
	r = iok_iommufd_ioctl(ictx, cmd, flag(argc, argv, 4, "null") ? NULL : buf);
	if (r >= 0)
		iok_scn_printf(res, "ret=%ld", r);
	return rc_of(r);
}

/* ---- devices ------------------------------------------------------------- */

static int cmd_bind(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommufd *ictx;
	struct iok_dev *dev;
	uint32_t id = 0;
	int rc = get_ictx(s, argv[1], &ictx);

	rc = rc ?: iok_scn_dev(s, argv[2], &dev);
	if (rc)
		return rc;
	rc = iok_iommufd_device_bind(ictx, dev, &id);
	if (!rc)
		iok_scn_printf(res, "id=%u", id);
	return rc;
}

static int cmd_unbind(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommufd *ictx;
	uint32_t id = 0;
	int rc = get_ictx(s, argv[1], &ictx);

	rc = rc ?: u32_arg(s, argv[2], &id);
	return rc ?: iok_iommufd_device_unbind(ictx, id);
}

static int pasid_opt(struct iok_scn *s, int argc, char **argv, int from, uint32_t *pasid)
{
	const char *w = opt(argc, argv, from, "pasid");

	*pasid = IOK_NO_PASID;
	return w ? u32_arg(s, w, pasid) : 0;
}

static int attach_common(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res,
			 bool replace)
{
	struct iok_iommufd *ictx;
	uint32_t id = 0, pt = 0, pasid = 0;
	int rc = get_ictx(s, argv[1], &ictx);

	rc = rc ?: u32_arg(s, argv[2], &id);
	rc = rc ?: u32_arg(s, argv[3], &pt);
	rc = rc ?: pasid_opt(s, argc, argv, 4, &pasid);
	if (rc)
		return rc;
	rc = replace ? iok_iommufd_device_replace(ictx, id, pasid, &pt) :
		       iok_iommufd_device_attach(ictx, id, pasid, &pt);
	if (!rc)
		iok_scn_printf(res, "pt_id=%u", pt);
	return rc;
}

static int cmd_attach(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	return attach_common(s, argc, argv, res, false);
}

static int cmd_replace(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	return attach_common(s, argc, argv, res, true);
}

static int cmd_detach(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommufd *ictx;
	uint32_t id = 0, pasid = 0;
	int rc = get_ictx(s, argv[1], &ictx);

	rc = rc ?: u32_arg(s, argv[2], &id);
	rc = rc ?: pasid_opt(s, argc, argv, 3, &pasid);
	return rc ?: iok_iommufd_device_detach(ictx, id, pasid);
}

/* ---- access objects ------------------------------------------------------ */

/* A driver that ignores unmap notifications. */
static void stubborn_unmap(void *data, uint64_t iova, uint64_t length)
{
}

static int cmd_access_create(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	static const struct iok_iommufd_access_ops stubborn = {
		.needs_pin_pages = true, .unmap = stubborn_unmap,
	};
	static const struct iok_iommufd_access_ops nopin = { .needs_pin_pages = false };
	const struct iok_iommufd_access_ops *ops = NULL;
	struct iok_iommufd *ictx;
	uint32_t id = 0;
	int rc = get_ictx(s, argv[1], &ictx);

	if (rc)
		return rc;
	if (flag(argc, argv, 2, "stubborn"))
		ops = &stubborn;
	else if (flag(argc, argv, 2, "nopin"))
		ops = &nopin;
	rc = iok_iommufd_access_create(ictx, ops, NULL, &id);
	if (!rc && opt(argc, argv, 2, "ioas")) {
		uint32_t ioas = 0;

		rc = u32_arg(s, opt(argc, argv, 2, "ioas"), &ioas);
		if (!rc)
			rc = iok_iommufd_access_attach(ictx, id, ioas);
		if (rc && rc != IOK_SCN_ESCRIPT)
			iok_iommufd_access_destroy(ictx, id);
	}
	if (!rc)
		iok_scn_printf(res, "id=%u", id);
	return rc;
}

static int two_ids(struct iok_scn *s, char **argv, struct iok_iommufd **ictx, uint32_t *a,
		   uint32_t *b)
{
	int rc = get_ictx(s, argv[1], ictx);

	rc = rc ?: u32_arg(s, argv[2], a);
	return rc ?: (b ? u32_arg(s, argv[3], b) : 0);
}

static int cmd_access_attach(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommufd *ictx;
	uint32_t id = 0, ioas = 0;
	int rc = two_ids(s, argv, &ictx, &id, &ioas);

	return rc ?: iok_iommufd_access_attach(ictx, id, ioas);
}

static int cmd_access_replace(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommufd *ictx;
	uint32_t id = 0, ioas = 0;
	int rc = two_ids(s, argv, &ictx, &id, &ioas);

	return rc ?: iok_iommufd_access_replace(ictx, id, ioas);
}

static int cmd_access_detach(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommufd *ictx;
	uint32_t id = 0;
	int rc = two_ids(s, argv, &ictx, &id, NULL);

	return rc ?: iok_iommufd_access_detach(ictx, id);
}

static int cmd_access_destroy(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommufd *ictx;
	uint32_t id = 0;
	int rc = two_ids(s, argv, &ictx, &id, NULL);

	return rc ?: iok_iommufd_access_destroy(ictx, id);
}

static int pin_common(struct iok_scn *s, int argc, char **argv, bool pin)
{
	struct iok_iommufd *ictx;
	uint64_t iova = 0, len = 0;
	uint32_t id = 0;
	int rc = two_ids(s, argv, &ictx, &id, NULL);

	rc = rc ?: iok_scn_u64(s, argv[3], &iova);
	rc = rc ?: iok_scn_u64(s, argv[4], &len);
	if (rc)
		return rc;
	if (!pin)
		return iok_iommufd_access_unpin_pages(ictx, id, iova, len);
	return iok_iommufd_access_pin_pages(ictx, id, iova, len, NULL,
					    flag(argc, argv, 5, "w") ?
					    IOK_IOMMUFD_ACCESS_RW_WRITE : 0);
}

static int cmd_access_pin(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	return pin_common(s, argc, argv, true);
}

static int cmd_access_unpin(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	return pin_common(s, argc, argv, false);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int rw_setup(struct iok_scn *s, char **argv, struct iok_iommufd **ictx, uint32_t *id,
		    uint64_t *iova)
{
	struct iok_fabric *f;
	int rc = two_ids(s, argv, ictx, id, NULL);

	rc = rc ?: iok_scn_u64(s, argv[3], iova);
	rc = rc ?: iok_scn_fabric(s, &f);
	return rc ?: iok_iommufd_set_fabric(*ictx, f);
}

static int cmd_access_read(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommufd *ictx;
	uint8_t buf[DATA_MAX];
	uint64_t iova, len, i;
	uint32_t id = 0;
	int rc = rw_setup(s, argv, &ictx, &id, &iova);

	rc = rc ?: iok_scn_u64(s, argv[4], &len);
	if (rc)
		return rc;
	if (len > DATA_MAX)
		return iok_scn_error(s, "at most %d bytes", DATA_MAX);
	rc = iok_iommufd_access_rw(ictx, id, iova, buf, len, IOK_IOMMUFD_ACCESS_RW_READ);
	if (rc)
		return rc;
	iok_scn_printf(res, "0x");
	for (i = 0; i < len; i++)
		snprintf(res->value + strlen(res->value), sizeof(res->value) - strlen(res->value),
			 "%02x", buf[i]);
	return 0;
}

static int cmd_access_write(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommufd *ictx;
	uint8_t buf[DATA_MAX];
	const char *w = argv[4];
	uint64_t iova = 0;
	size_t n, i;
	uint32_t id = 0;
	int rc = rw_setup(s, argv, &ictx, &id, &iova);

	if (rc)
		return rc;
	n = strlen(w);
	if (strncmp(w, "0x", 2) || n < 4 || n % 2 || (n - 2) / 2 > DATA_MAX)
		return iok_scn_error(s, "'%s': 0xHEX of whole bytes (at most %d)", w, DATA_MAX);
	for (i = 0; i < (n - 2) / 2; i++) {
		if (hexval(w[2 + 2 * i]) < 0 || hexval(w[3 + 2 * i]) < 0)
			return iok_scn_error(s, "'%s': not hex", w);
		buf[i] = hexval(w[2 + 2 * i]) << 4 | hexval(w[3 + 2 * i]);
	}
	return iok_iommufd_access_rw(ictx, id, iova, buf, (n - 2) / 2,
				     IOK_IOMMUFD_ACCESS_RW_WRITE);
}

/* ---- FAULT objects ------------------------------------------------------- */

static int cmd_fault_alloc(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommu_fault_alloc c = { .size = sizeof(c) };
	struct iok_iommufd *ictx;
	struct iok_sva *sva;
	int rc = get_ictx(s, argv[1], &ictx);

	if (!rc && argc > 2)
		rc = u32_arg(s, argv[2], &c.flags);
	/* Page requests reach FAULT objects through the SVA layer's IOPF queues. */
	rc = rc ?: iok_scn_sva(s, &sva);
	rc = rc ?: iok_iommufd_set_sva(ictx, sva);
	if (rc)
		return rc;
	rc = rc_of(ioc(ictx, IOK_IOMMU_FAULT_QUEUE_ALLOC, &c));
	if (!rc)
		iok_scn_printf(res, "id=%u fd=%u", c.out_fault_id, c.out_fault_fd);
	return rc;
}

static const char *perm_name(uint32_t perm)
{
	static char b[8];
	size_t n = 0;

	if (perm & IOK_FAULT_PERM_READ)
		b[n++] = 'r';
	if (perm & IOK_FAULT_PERM_WRITE)
		b[n++] = 'w';
	if (perm & IOK_FAULT_PERM_EXEC)
		b[n++] = 'x';
	if (perm & IOK_FAULT_PERM_PRIV)
		b[n++] = 'p';
	b[n] = 0;
	return n ? b : "-";
}

static int cmd_fault_read(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommu_hwpt_pgfault rec[8];
	struct iok_iommufd *ictx;
	uint64_t n = 8, size;
	uint32_t fd = 0;
	long r, i;
	int rc = two_ids(s, argv, &ictx, &fd, NULL);

	if (!rc && argc > 3 && !opt(argc, argv, 3, "bytes"))
		rc = iok_scn_u64(s, argv[3], &n);
	if (rc)
		return rc;
	if (n > 8)
		return iok_scn_error(s, "at most 8 records");
	size = opt(argc, argv, 3, "bytes") ? 0 : n * sizeof(*rec);
	if (opt(argc, argv, 3, "bytes") && iok_scn_u64(s, opt(argc, argv, 3, "bytes"), &size))
		return IOK_SCN_ESCRIPT;
	if (size > sizeof(rec))
		return iok_scn_error(s, "at most %zu bytes", sizeof(rec));
	r = iok_iommufd_fault_read(ictx, fd, rec, size);
	if (r < 0)
		return (int)r;
	iok_scn_printf(res, "count=%ld", r / (long)sizeof(*rec));
	for (i = 0; i < r / (long)sizeof(*rec); i++) {
		iok_scn_printf(res, "dev=%u", rec[i].dev_id);
		if (rec[i].flags & IOK_IOMMU_PGFAULT_FLAGS_PASID_VALID)
			iok_scn_printf(res, "pasid=%u", rec[i].pasid);
		iok_scn_printf(res, "grp=%u perm=%s addr=0x%llx%s cookie=%u", rec[i].grpid,
			       perm_name(rec[i].perm), (unsigned long long)rec[i].addr,
			       rec[i].flags & IOK_IOMMU_PGFAULT_FLAGS_LAST_PAGE ? " last" : "",
			       rec[i].cookie);
	}
	return 0;
}

static int cmd_fault_respond(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommu_hwpt_page_response r;
	struct iok_iommufd *ictx;
	uint32_t fd = 0;
	long n;
	int rc = two_ids(s, argv, &ictx, &fd, NULL);

	rc = rc ?: u32_arg(s, argv[3], &r.cookie);
	if (rc)
		return rc;
	if (!strcmp(argv[4], "success"))
		r.code = IOK_IOMMUFD_PAGE_RESP_SUCCESS;
	else if (!strcmp(argv[4], "invalid"))
		r.code = IOK_IOMMUFD_PAGE_RESP_INVALID;
	else if (!strcmp(argv[4], "failure"))
		r.code = 2;
	else if (u32_arg(s, argv[4], &r.code))
		return IOK_SCN_ESCRIPT;
	n = iok_iommufd_fault_write(ictx, fd, &r, sizeof(r));
	return n < 0 ? (int)n : 0;
}

static int cmd_fault_poll(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommufd *ictx;
	uint32_t fd = 0;
	int rc = two_ids(s, argv, &ictx, &fd, NULL);

	if (rc)
		return rc;
	rc = iok_iommufd_fault_poll(ictx, fd);
	if (rc < 0)
		return rc;
	iok_scn_printf(res, "%s%s", rc & IOK_POLLIN ? "in " : "", rc & IOK_POLLOUT ? "out" : "");
	return 0;
}

static int cmd_fault_close(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommufd *ictx;
	uint32_t fd = 0;
	int rc = two_ids(s, argv, &ictx, &fd, NULL);

	return rc ?: iok_iommufd_fault_close(ictx, fd);
}

/* ---- introspection, limits, VFIO compatibility --------------------------- */

static int cmd_obj(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	static const char *names[] = { "none", "device", "hwpt_paging", "hwpt_nested", "ioas",
				       "access", "fault" };
	struct iok_iommufd *ictx;
	unsigned int users;
	uint32_t id = 0;
	int rc = two_ids(s, argv, &ictx, &id, NULL);

	if (rc)
		return rc;
	rc = iok_iommufd_get_obj_type(ictx, id, &users);
	if (rc < 0)
		return rc;
	iok_scn_printf(res, "type=%s users=%u", names[rc], users - 1);
	return 0;
}

static int cmd_pinned(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommufd *ictx;
	uint64_t limit;
	int rc = get_ictx(s, argv[1], &ictx);

	if (!rc && argc > 2) {
		rc = iok_scn_u64(s, argv[2], &limit);
		rc = rc ?: iok_iommufd_set_memlock_limit(ictx, limit);
	}
	if (!rc)
		iok_scn_printf(res, "pages=%llu",
			       (unsigned long long)iok_iommufd_get_pinned_pages(ictx));
	return rc;
}

static int cmd_hwpt_iova_to_phys(struct iok_scn *s, int argc, char **argv,
				 struct iok_scn_res *res)
{
	struct iok_iommufd *ictx;
	struct iok_domain *d;
	uint64_t iova = 0;
	uint32_t id = 0;
	int rc = two_ids(s, argv, &ictx, &id, NULL);

	rc = rc ?: iok_scn_u64(s, argv[3], &iova);
	rc = rc ?: iok_iommufd_hwpt_get_domain(ictx, id, &d);
	if (!rc)
		iok_scn_printf(res, "phys=0x%llx", (unsigned long long)iok_iova_to_phys(d, iova));
	return rc;
}

static int cmd_vfio_ioas(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommu_vfio_ioas c = { .size = sizeof(c) };
	struct iok_iommufd *ictx;
	int rc = get_ictx(s, argv[1], &ictx);

	if (rc)
		return rc;
	if (!strcmp(argv[2], "get"))
		c.op = IOK_IOMMU_VFIO_IOAS_GET;
	else if (!strcmp(argv[2], "set"))
		c.op = IOK_IOMMU_VFIO_IOAS_SET;
	else if (!strcmp(argv[2], "clear"))
		c.op = IOK_IOMMU_VFIO_IOAS_CLEAR;
	else
		return iok_scn_error(s, "get, set ID or clear");
	if (argc > 3 && u32_arg(s, argv[3], &c.ioas_id))
		return IOK_SCN_ESCRIPT;
	rc = rc_of(ioc(ictx, IOK_IOMMU_VFIO_IOAS, &c));
	if (!rc && c.op == IOK_IOMMU_VFIO_IOAS_GET)
		iok_scn_printf(res, "id=%u", c.ioas_id);
	return rc;
}

static int compat_map(struct iok_scn *s, struct iok_iommufd *ictx, int argc, char **argv,
		      struct iok_scn_res *res)
{
	struct iok_vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = IOK_VFIO_DMA_MAP_FLAG_READ | IOK_VFIO_DMA_MAP_FLAG_WRITE,
	};
	int rc;

	if (argc < 5)
		return iok_scn_error(s, "vfio_compat FD map IOVA SIZE [va=...]");
	rc = iok_scn_u64(s, argv[3], &m.iova);
	rc = rc ?: iok_scn_u64(s, argv[4], &m.size);
	rc = rc ?: user_va(s, argc, argv, 5, m.size, &m.vaddr);
	return rc ?: rc_of(iok_iommufd_ioctl(ictx, IOK_VFIO_IOMMU_MAP_DMA, &m));
}

static int compat_unmap(struct iok_scn *s, struct iok_iommufd *ictx, int argc, char **argv,
			struct iok_scn_res *res)
{
	struct iok_vfio_iommu_type1_dma_unmap um = { .argsz = sizeof(um) };
	int rc;

	if (argc > 3 && !strcmp(argv[3], "all")) {
		um.flags = IOK_VFIO_DMA_UNMAP_FLAG_ALL;
	} else {
		if (argc < 5)
			return iok_scn_error(s, "vfio_compat FD unmap IOVA SIZE, or all");
		rc = iok_scn_u64(s, argv[3], &um.iova);
		rc = rc ?: iok_scn_u64(s, argv[4], &um.size);
		if (rc)
			return rc;
	}
	rc = rc_of(iok_iommufd_ioctl(ictx, IOK_VFIO_IOMMU_UNMAP_DMA, &um));
	if (!rc)
		iok_scn_printf(res, "size=0x%llx", (unsigned long long)um.size);
	return rc;
}

static int compat_info(struct iok_scn *s, struct iok_iommufd *ictx, int argc, char **argv,
		       struct iok_scn_res *res)
{
	uint8_t buf[512] = { 0 };
	struct iok_vfio_iommu_type1_info *info = (void *)buf;
	uint64_t argsz = sizeof(buf);
	int rc;

	if (argc > 3 && iok_scn_u64(s, argv[3], &argsz))
		return IOK_SCN_ESCRIPT;
	if (argsz > sizeof(buf))
		return iok_scn_error(s, "argsz at most %zu", sizeof(buf));
	info->argsz = argsz;
	rc = rc_of(iok_iommufd_ioctl(ictx, IOK_VFIO_IOMMU_GET_INFO, buf));
	if (!rc)
		iok_scn_printf(res, "pgsizes=0x%llx argsz=%u cap_offset=%u",
			       (unsigned long long)info->iova_pgsizes, info->argsz,
			       info->cap_offset);
	return rc;
}

static int cmd_vfio_compat(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_iommufd *ictx;
	uint64_t v = 0;
	long r;
	int rc = get_ictx(s, argv[1], &ictx);

	if (rc)
		return rc;
	if (!strcmp(argv[2], "map"))
		return compat_map(s, ictx, argc, argv, res);
	if (!strcmp(argv[2], "unmap"))
		return compat_unmap(s, ictx, argc, argv, res);
	if (!strcmp(argv[2], "info"))
		return compat_info(s, ictx, argc, argv, res);
	if (argc > 3 && iok_scn_u64(s, argv[3], &v))
		return IOK_SCN_ESCRIPT;
	if (!strcmp(argv[2], "api"))
		r = iok_iommufd_ioctl_int(ictx, IOK_VFIO_GET_API_VERSION, 0);
	else if (!strcmp(argv[2], "ext"))
		r = iok_iommufd_ioctl_int(ictx, IOK_VFIO_CHECK_EXTENSION, v);
	else if (!strcmp(argv[2], "set_iommu"))
		r = iok_iommufd_ioctl_int(ictx, IOK_VFIO_SET_IOMMU, v);
	else
		return iok_scn_error(s, "api, ext N, set_iommu N, map, unmap or info");
	if (r >= 0)
		iok_scn_printf(res, "%ld", r);
	return rc_of(r);
}

const struct iok_scn_cmd iok_scn_cmds_iommufd[] = {
	{ "iommufd_open", cmd_open, 1, 1, "iommufd_open FD",
	  "open /dev/iommu (a context named FD)" },
	{ "iommufd_close", cmd_close, 1, 1, "iommufd_close FD",
	  "close it: drivers let go, objects go leaf first" },
	{ "user_mmap", cmd_mmap, 2, 2, "user_mmap NAME LEN",
	  "anonymous memory of the process: OK va=ADDR (use as va=NAME[+OFF])" },
	{ "ioas_alloc", cmd_ioas_alloc, 1, 2, "ioas_alloc FD [FLAGS]",
	  "IOMMU_IOAS_ALLOC: OK id=N" },
	{ "destroy", cmd_destroy, 2, 2, "destroy FD ID", "IOMMU_DESTROY" },
	{ "ioas_map", cmd_ioas_map, 4, 6,
	  "ioas_map FD IOAS IOVA|auto LEN [r|w|rw|flags=N] [va=...]",
	  "IOMMU_IOAS_MAP of a fresh buffer or va=NAME[+OFF]|ADDR: OK iova=ADDR" },
	{ "ioas_unmap", cmd_ioas_unmap, 3, 4, "ioas_unmap FD IOAS IOVA LEN | FD IOAS all",
	  "IOMMU_IOAS_UNMAP: OK length=BYTES" },
	{ "ioas_copy", cmd_ioas_copy, 6, 7,
	  "ioas_copy FD DST SRC SRC_IOVA LEN DST_IOVA|auto [r|w|rw]",
	  "IOMMU_IOAS_COPY: OK iova=ADDR" },
	{ "ioas_iova_ranges", cmd_iova_ranges, 2, 3, "ioas_iova_ranges FD IOAS [SLOTS]",
	  "IOMMU_IOAS_IOVA_RANGES: OK alignment=N START-LAST..." },
	{ "ioas_allow_iovas", cmd_allow_iovas, 2, -1, "ioas_allow_iovas FD IOAS [START-LAST...]",
	  "IOMMU_IOAS_ALLOW_IOVAS (no range: clear)" },
	{ "ioas_reserve", cmd_reserve, 4, 4, "ioas_reserve FD IOAS START LEN",
	  "the selftest's ADD_RESERVED: reserve IOVA like a device region" },
	{ "ioas_areas", cmd_areas, 2, 2, "ioas_areas FD IOAS", "OK count=N IOVA+LEN:PROT..." },
	{ "iommufd_option", cmd_option, 4, 5,
	  "iommufd_option FD rlimit_mode|huge_pages|N OBJ get|set VAL", "IOMMU_OPTION: OK val=N" },
	{ "iommufd_ioctl", cmd_raw_ioctl, 3, 5, "iommufd_ioctl FD CMD SIZE [tail=BYTE] [null]",
	  "an ioctl with a zeroed structure of SIZE bytes (a CMD of one byte: ';' added)" },
	{ "hwpt_alloc", cmd_hwpt_alloc, 3, -1,
	  "hwpt_alloc FD DEV PT [nest_parent] [dirty] [pasid] [fault=ID] [flags=N] [data_type=N] "
	  "[data_len=N]", "IOMMU_HWPT_ALLOC: OK id=N" },
	{ "hwpt_set_dirty", cmd_set_dirty, 3, 3, "hwpt_set_dirty FD HWPT on|off|FLAGS",
	  "IOMMU_HWPT_SET_DIRTY_TRACKING" },
	{ "hwpt_get_dirty", cmd_get_dirty, 5, 6,
	  "hwpt_get_dirty FD HWPT IOVA LEN PGSIZE [no_clear]",
	  "IOMMU_HWPT_GET_DIRTY_BITMAP: OK dirty=BIT... count=N" },
	{ "hwpt_invalidate", cmd_invalidate, 2, 3, "hwpt_invalidate FD ID [ENTRIES]",
	  "IOMMU_HWPT_INVALIDATE: OK entries=N" },
	{ "hwpt_iova_to_phys", cmd_hwpt_iova_to_phys, 3, 3, "hwpt_iova_to_phys FD HWPT IOVA",
	  "what the HWPT's domain translates IOVA to: OK phys=ADDR" },
	{ "get_hw_info", cmd_hw_info, 2, 3, "get_hw_info FD DEV [type=N]",
	  "IOMMU_GET_HW_INFO: OK type=N len=N caps=N pasid_log2=N" },
	{ "device_bind", cmd_bind, 2, 2, "device_bind FD BDF",
	  "iommufd_device_bind (the DMA ownership claim): OK id=N" },
	{ "device_unbind", cmd_unbind, 2, 2, "device_unbind FD DEV",
	  "iommufd_device_unbind (detaches first)" },
	{ "device_attach", cmd_attach, 3, 4, "device_attach FD DEV PT [pasid=N]",
	  "iommufd_device_attach to an IOAS (auto HWPT) or HWPT: OK pt_id=N" },
	{ "device_replace", cmd_replace, 3, 4, "device_replace FD DEV PT [pasid=N]",
	  "iommufd_device_replace: OK pt_id=N" },
	{ "device_detach", cmd_detach, 2, 3, "device_detach FD DEV [pasid=N]",
	  "iommufd_device_detach" },
	{ "access_create", cmd_access_create, 1, 3, "access_create FD [stubborn|nopin] [ioas=ID]",
	  "iommufd_access_create (the selftest's driver; stubborn: never unpins): OK id=N" },
	{ "access_attach", cmd_access_attach, 3, 3, "access_attach FD ACC IOAS",
	  "iommufd_access_attach" },
	{ "access_replace", cmd_access_replace, 3, 3, "access_replace FD ACC IOAS",
	  "iommufd_access_replace" },
	{ "access_detach", cmd_access_detach, 2, 2, "access_detach FD ACC",
	  "iommufd_access_detach" },
	{ "access_destroy", cmd_access_destroy, 2, 2, "access_destroy FD ACC",
	  "iommufd_access_destroy" },
	{ "access_pin", cmd_access_pin, 4, 5, "access_pin FD ACC IOVA LEN [w]",
	  "iommufd_access_pin_pages" },
	{ "access_unpin", cmd_access_unpin, 4, 4, "access_unpin FD ACC IOVA LEN",
	  "iommufd_access_unpin_pages (ENOENT: no such pin)" },
	{ "access_read", cmd_access_read, 4, 4, "access_read FD ACC IOVA LEN",
	  "iommufd_access_rw read: OK 0xHEX" },
	{ "access_write", cmd_access_write, 4, 4, "access_write FD ACC IOVA 0xHEX",
	  "iommufd_access_rw write" },
	{ "fault_alloc", cmd_fault_alloc, 1, 2, "fault_alloc FD [FLAGS]",
	  "IOMMU_FAULT_QUEUE_ALLOC: OK id=N fd=N" },
	{ "fault_read", cmd_fault_read, 2, 3, "fault_read FD FAULTFD [N|bytes=N]",
	  "read(2) on a FAULT fd: OK count=N dev=ID grp=G perm=P addr=A cookie=C..." },
	{ "fault_respond", cmd_fault_respond, 4, 4,
	  "fault_respond FD FAULTFD COOKIE success|invalid|failure|N", "write(2) of a response" },
	{ "fault_poll", cmd_fault_poll, 2, 2, "fault_poll FD FAULTFD", "poll(2): OK [in] out" },
	{ "fault_close", cmd_fault_close, 2, 2, "fault_close FD FAULTFD", "close(2) the FAULT fd" },
	{ "iommufd_obj", cmd_obj, 2, 2, "iommufd_obj FD ID",
	  "OK type=T users=N (besides the table)" },
	{ "iommufd_pinned", cmd_pinned, 1, 2, "iommufd_pinned FD [MEMLOCK_BYTES]",
	  "pinned pages (and set RLIMIT_MEMLOCK): OK pages=N" },
	{ "vfio_ioas", cmd_vfio_ioas, 2, 3, "vfio_ioas FD get|set ID|clear", "IOMMU_VFIO_IOAS" },
	{ "vfio_compat", cmd_vfio_compat, 2, -1,
	  "vfio_compat FD api|ext N|set_iommu N|map IOVA SIZE|unmap IOVA SIZE|unmap all|"
	  "info [ARGSZ]",
	  "the VFIO container ioctls on the iommufd" },
	{ NULL, NULL, 0, 0, NULL, NULL },
};
