// SPDX-License-Identifier: MIT
/*
 * The IOAS object and its ioctls (spec runtime 7.3): IOAS_ALLOC, MAP,
 * MAP_FILE, COPY, UNMAP, IOVA_RANGES, ALLOW_IOVAS, CHANGE_PROCESS and
 * OPTION, each with its checks in the kernel's order, over the io_pagetable
 * of iommufd-iopt.c; and the library's introspection of an IOAS.
 */
#include "lib/uapi/iommufd-private.h"

/* ---- map ----------------------------------------------------------------- */

/* conv_iommu_prot(): every mapping is cache coherent. */
static unsigned int map_prot(uint32_t flags)
{
	unsigned int prot = IOK_PROT_CACHE;

	if (flags & IOK_IOMMU_IOAS_MAP_WRITEABLE)
		prot |= IOK_PROT_WRITE;
	if (flags & IOK_IOMMU_IOAS_MAP_READABLE)
		prot |= IOK_PROT_READ;
	return prot;
}

#define MAP_FLAGS (IOK_IOMMU_IOAS_MAP_FIXED_IOVA | IOK_IOMMU_IOAS_MAP_WRITEABLE | \
		   IOK_IOMMU_IOAS_MAP_READABLE)
#define MAP_RW (IOK_IOMMU_IOAS_MAP_WRITEABLE | IOK_IOMMU_IOAS_MAP_READABLE)

static int no_ioas(struct iok_iommufd *ictx, uint32_t id)
{
	return ifd_fail(ictx, -ENOENT, "no IOAS %u", id);
}

int ifd_ioas_map(struct ifd_ucmd *u)
{
	struct iok_iommu_ioas_map *cmd = u->cmd;
	struct iok_iommufd *ictx = u->ictx;
	struct ifd_ioas *ioas;
	uint64_t iova = cmd->iova;
	int rc;

	if ((cmd->flags & ~MAP_FLAGS) || cmd->reserved)
		return ifd_fail(ictx, -EOPNOTSUPP, "IOAS_MAP: unknown flags %#x or reserved set",
				cmd->flags);
	if (cmd->iova >= IFD_ULONG_MAX || cmd->length >= IFD_ULONG_MAX)
		return ifd_fail(ictx, -EOVERFLOW, "IOAS_MAP: iova or length too large");
	if (!(cmd->flags & MAP_RW))
		return ifd_fail(ictx, -EINVAL, "IOAS_MAP: neither readable nor writeable");
	ioas = ifd_get_ioas(ictx, cmd->ioas_id);
	if (!ioas)
		return no_ioas(ictx, cmd->ioas_id);
	rc = ifd_iopt_map_user(ioas, &iova, cmd->user_va, cmd->length, map_prot(cmd->flags),
			       cmd->flags & IOK_IOMMU_IOAS_MAP_FIXED_IOVA);
	if (rc)
		return rc;
	cmd->iova = iova;
	return ifd_respond(u);
}

int ifd_ioas_map_file(struct ifd_ucmd *u)
{
	struct iok_iommu_ioas_map_file *cmd = u->cmd;
	struct iok_iommufd *ictx = u->ictx;

	if (cmd->flags & ~MAP_FLAGS)
		return ifd_fail(ictx, -EOPNOTSUPP, "IOAS_MAP_FILE: unknown flags %#x", cmd->flags);
	if (cmd->iova >= IFD_ULONG_MAX || cmd->length >= IFD_ULONG_MAX)
		return ifd_fail(ictx, -EOVERFLOW, "IOAS_MAP_FILE: iova or length too large");
	if (!(cmd->flags & MAP_RW))
		return ifd_fail(ictx, -EINVAL, "IOAS_MAP_FILE: neither readable nor writeable");
	if (!ifd_get_ioas(ictx, cmd->ioas_id))
		return no_ioas(ictx, cmd->ioas_id);
	/* The model's process has no memfd: no fd names a file. */
	return ifd_fail(ictx, -EBADF, "IOAS_MAP_FILE: fd %d is no memfd", cmd->fd);
}

/* ---- copy ---------------------------------------------------------------- */

int ifd_ioas_copy(struct ifd_ucmd *u)
{
	struct iok_iommu_ioas_copy *cmd = u->cmd;
	struct iok_iommufd *ictx = u->ictx;
	struct ifd_ioas *src, *dst;
	struct ifd_pages_elm *elms = NULL;
	uint64_t iova = cmd->dst_iova;
	unsigned int n = 0, i;
	int rc;

	if (cmd->flags & ~MAP_FLAGS)
		return ifd_fail(ictx, -EOPNOTSUPP, "IOAS_COPY: unknown flags %#x", cmd->flags);
	if (cmd->length >= IFD_ULONG_MAX || cmd->src_iova >= IFD_ULONG_MAX ||
	    cmd->dst_iova >= IFD_ULONG_MAX)
		return ifd_fail(ictx, -EOVERFLOW, "IOAS_COPY: values too large");
	if (!(cmd->flags & MAP_RW))
		return ifd_fail(ictx, -EINVAL, "IOAS_COPY: neither readable nor writeable");
	src = ifd_get_ioas(ictx, cmd->src_ioas_id);
	if (!src)
		return no_ioas(ictx, cmd->src_ioas_id);
	rc = ifd_iopt_get_pages(src, cmd->src_iova, cmd->length, &elms, &n);
	if (rc)
		return ifd_fail(ictx, rc, "IOAS_COPY: source [%#llx, +%#llx) is not mapped whole",
				(unsigned long long)cmd->src_iova,
				(unsigned long long)cmd->length);
	dst = ifd_get_ioas(ictx, cmd->dst_ioas_id);
	if (!dst)
		rc = no_ioas(ictx, cmd->dst_ioas_id);
	else
		rc = ifd_iopt_map_pages(dst, elms, n, cmd->length, &iova, map_prot(cmd->flags),
					cmd->flags & IOK_IOMMU_IOAS_MAP_FIXED_IOVA);
	for (i = 0; i < n; i++)
		ifd_pages_put(elms[i].pages);
	free(elms);
	if (rc)
		return rc;
	cmd->dst_iova = iova;
	return ifd_respond(u);
}

/* ---- unmap --------------------------------------------------------------- */

int ifd_ioas_unmap(struct ifd_ucmd *u)
{
	struct iok_iommu_ioas_unmap *cmd = u->cmd;
	struct iok_iommufd *ictx = u->ictx;
	struct ifd_ioas *ioas = ifd_get_ioas(ictx, cmd->ioas_id);
	uint64_t unmapped = 0;
	int rc;

	if (!ioas)
		return no_ioas(ictx, cmd->ioas_id);
	if (cmd->iova == 0 && cmd->length == UINT64_MAX) {
		rc = ifd_iopt_unmap_all(ioas, &unmapped);
	} else {
		if (cmd->iova >= IFD_ULONG_MAX || cmd->length >= IFD_ULONG_MAX)
			return ifd_fail(ictx, -EOVERFLOW, "IOAS_UNMAP: values too large");
		rc = ifd_iopt_unmap(ioas, cmd->iova, cmd->length, &unmapped);
	}
	if (rc)
		return ifd_fail(ictx, rc, "IOAS_UNMAP [%#llx, +%#llx): %s",
				(unsigned long long)cmd->iova, (unsigned long long)cmd->length,
				rc == -ENOENT ? (unmapped ? "an area is not inside the range "
						 "(the areas before it are unmapped)" :
						 "no area, or one not inside the range") :
				"an access keeps its pages");
	cmd->length = unmapped;
	return ifd_respond(u);
}

/* ---- IOVA ranges and the allow-list -------------------------------------- */

struct ranges_arg {
	struct iok_iommu_iova_range *out;
	uint32_t max, num;
	bool fault;
};

static bool put_range(uint64_t start, uint64_t last, void *arg)
{
	struct ranges_arg *a = arg;

	if (a->num < a->max) {
		if (!a->out) {
			a->fault = true;
			return true;
		}
		a->out[a->num] = (struct iok_iommu_iova_range){ start, last };
	}
	a->num++;
	return false;
}

/* IOAS_IOVA_RANGES: the holes of the reserved ranges (the allow-list is not subtracted). */
int ifd_ioas_iova_ranges(struct ifd_ucmd *u)
{
	struct iok_iommu_ioas_iova_ranges *cmd = u->cmd;
	struct iok_iommufd *ictx = u->ictx;
	struct ranges_arg a = { .max = cmd->num_iovas };
	struct ifd_ioas *ioas;

	if (cmd->reserved)
		return ifd_fail(ictx, -EOPNOTSUPP, "IOAS_IOVA_RANGES: reserved set");
	ioas = ifd_get_ioas(ictx, cmd->ioas_id);
	if (!ioas)
		return no_ioas(ictx, cmd->ioas_id);
	a.out = (struct iok_iommu_iova_range *)(uintptr_t)cmd->allowed_iovas;
	if (ifd_iopt_for_each_hole(ioas, put_range, &a))
		return -ENOMEM;
	if (a.fault)
		return ifd_fail(ictx, -EFAULT, "IOAS_IOVA_RANGES: bad allowed_iovas");
	cmd->num_iovas = a.num;
	cmd->out_iova_alignment = ioas->iova_alignment;
	ifd_respond(u);
	if (a.num > a.max)
		return ifd_fail(ictx, -EMSGSIZE, "IOAS_IOVA_RANGES: %u ranges, room for %u",
				a.num, a.max);
	return 0;
}

/* iommufd_ioas_load_iovas(): ranges of more than one byte, not overlapping. */
static int load_iovas(struct iok_iommufd *ictx, const struct iok_iommu_iova_range *in,
		      uint32_t num, struct ifd_range **out)
{
	struct ifd_range *r;
	uint32_t i, j;

	*out = NULL;
	if (!num)
		return 0;
	if (!in)
		return ifd_fail(ictx, -EFAULT, "ALLOW_IOVAS: bad allowed_iovas");
	r = calloc(num, sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (i = 0; i < num; i++) {
		if (in[i].start >= in[i].last)
			goto inval;
		for (j = 0; j < i; j++)
			if (r[j].start <= in[i].last && in[i].start <= r[j].last)
				goto inval;
		r[i] = (struct ifd_range){ in[i].start, in[i].last };
	}
	*out = r;
	return 0;
inval:
	free(r);
	return ifd_fail(ictx, -EINVAL, "ALLOW_IOVAS: range %u [%#llx, %#llx] is empty or overlaps",
			i, (unsigned long long)in[i].start, (unsigned long long)in[i].last);
}

int ifd_ioas_allow_iovas(struct ifd_ucmd *u)
{
	struct iok_iommu_ioas_allow_iovas *cmd = u->cmd;
	struct iok_iommufd *ictx = u->ictx;
	struct ifd_range *r;
	struct ifd_ioas *ioas;
	int rc;

	if (cmd->reserved)
		return ifd_fail(ictx, -EOPNOTSUPP, "IOAS_ALLOW_IOVAS: reserved set");
	ioas = ifd_get_ioas(ictx, cmd->ioas_id);
	if (!ioas)
		return no_ioas(ictx, cmd->ioas_id);
	rc = load_iovas(ictx, (const void *)(uintptr_t)cmd->allowed_iovas, cmd->num_iovas, &r);
	if (rc)
		return rc;
	rc = ifd_iopt_set_allow_iova(ioas, r, cmd->num_iovas);
	if (rc)
		free(r);
	return rc;
}

/* ---- the IOAS object and its options ------------------------------------- */

struct ifd_ioas *ifd_ioas_new(struct iok_iommufd *ictx)
{
	struct ifd_ioas *ioas = calloc(1, sizeof(*ioas));

	if (!ioas)
		return NULL;
	ioas->ictx = ictx;
	ioas->iova_alignment = 1;
	if (ifd_obj_add(ictx, &ioas->obj, IOK_IOMMUFD_OBJ_IOAS)) {
		free(ioas);
		return NULL;
	}
	return ioas;
}

void ifd_ioas_destroy(struct ifd_ioas *ioas)
{
	ifd_iopt_destroy_table(ioas);
	free(ioas);
}

int ifd_ioas_alloc(struct ifd_ucmd *u)
{
	struct iok_iommu_ioas_alloc *cmd = u->cmd;
	struct ifd_ioas *ioas;

	if (cmd->flags)
		return ifd_fail(u->ictx, -EOPNOTSUPP, "IOAS_ALLOC: flags %#x", cmd->flags);
	ioas = ifd_ioas_new(u->ictx);
	if (!ioas)
		return -ENOMEM;
	cmd->out_ioas_id = ioas->obj.id;
	return ifd_respond(u);
}

/* IOAS_CHANGE_PROCESS: only file-backed areas can move; the model has none. */
int ifd_ioas_change_process(struct ifd_ucmd *u)
{
	struct iok_iommu_ioas_change_process *cmd = u->cmd;
	struct iok_iommufd *ictx = u->ictx;
	struct ifd_ioas *ioas;
	uint32_t id;

	if (cmd->reserved)
		return ifd_fail(ictx, -EOPNOTSUPP, "IOAS_CHANGE_PROCESS: reserved set");
	for (id = 1; id < ictx->alloc_objs; id++) {
		ioas = ifd_get_ioas(ictx, id);
		if (ioas && ioas->nr_areas)
			return ifd_fail(ictx, -EINVAL, "IOAS_CHANGE_PROCESS: IOAS %u maps user "
					"memory, not a file", id);
	}
	return 0;
}

static int option_rlimit(struct iok_iommufd *ictx, struct iok_iommu_option *cmd)
{
	if (cmd->object_id)
		return ifd_fail(ictx, -EOPNOTSUPP, "RLIMIT_MODE is global: object_id must be 0");
	if (cmd->op == IOK_IOMMU_OPTION_OP_GET) {
		cmd->val64 = ictx->account_mm;
		return 0;
	}
	if (cmd->op != IOK_IOMMU_OPTION_OP_SET)
		return ifd_fail(ictx, -EOPNOTSUPP, "OPTION: unknown op %u", cmd->op);
	/* The process is root: CAP_SYS_RESOURCE. */
	if (ifd_has_objects(ictx))
		return ifd_fail(ictx, -EBUSY, "RLIMIT_MODE: the context has objects");
	if (cmd->val64 > 1)
		return ifd_fail(ictx, -EINVAL, "RLIMIT_MODE: value %llu",
				(unsigned long long)cmd->val64);
	ictx->account_mm = cmd->val64;
	return 0;
}

static int option_huge_pages(struct iok_iommufd *ictx, struct iok_iommu_option *cmd)
{
	struct ifd_ioas *ioas = ifd_get_ioas(ictx, cmd->object_id);

	if (!ioas)
		return no_ioas(ictx, cmd->object_id);
	if (cmd->op == IOK_IOMMU_OPTION_OP_GET) {
		cmd->val64 = !ioas->disable_large_pages;
		return 0;
	}
	if (cmd->op != IOK_IOMMU_OPTION_OP_SET)
		return ifd_fail(ictx, -EOPNOTSUPP, "OPTION: unknown op %u", cmd->op);
	if (cmd->val64 == 0)
		return ifd_iopt_disable_large_pages(ioas);
	if (cmd->val64 == 1) {
		ifd_iopt_enable_large_pages(ioas);
		return 0;
	}
	return ifd_fail(ictx, -EINVAL, "HUGE_PAGES: value %llu", (unsigned long long)cmd->val64);
}

int ifd_option(struct ifd_ucmd *u)
{
	struct iok_iommu_option *cmd = u->cmd;
	int rc;

	if (cmd->reserved)
		return ifd_fail(u->ictx, -EOPNOTSUPP, "OPTION: reserved set");
	switch (cmd->option_id) {
	case IOK_IOMMU_OPTION_RLIMIT_MODE:
		rc = option_rlimit(u->ictx, cmd);
		break;
	case IOK_IOMMU_OPTION_HUGE_PAGES:
		rc = option_huge_pages(u->ictx, cmd);
		break;
	default:
		return ifd_fail(u->ictx, -EOPNOTSUPP, "OPTION: unknown option %u", cmd->option_id);
	}
	if (rc)
		return rc;
	/* Only val64 is written back. */
	memcpy((uint8_t *)u->ubuf + offsetof(struct iok_iommu_option, val64), &cmd->val64,
	       sizeof(cmd->val64));
	return 0;
}

/* ---- introspection and the test reservation ------------------------------ */

IOK_EXPORT int iok_iommufd_ioas_get_area(const struct iok_iommufd *ictx, uint32_t ioas_id,
					 unsigned int i, struct iok_iommufd_area *out)
{
	const struct ifd_area *a;
	struct ifd_ioas *ioas;

	if (!ictx || !out)
		return -EINVAL;
	ioas = ifd_get_ioas(ictx, ioas_id);
	if (!ioas || i >= ioas->nr_areas)
		return -ENOENT;
	a = ioas->areas[i];
	out->iova = a->iova;
	out->length = ifd_area_length(a);
	out->prot = a->prot;
	out->user_va = a->pages->base + a->start_byte;
	out->accesses = a->num_accesses;
	return 0;
}

IOK_EXPORT int iok_iommufd_ioas_add_reserved(struct iok_iommufd *ictx, uint32_t ioas_id,
					     uint64_t start, uint64_t length)
{
	struct ifd_ioas *ioas;
	uint64_t last;
	int rc;

	if (!ictx || !length)
		return -EINVAL;
	ioas = ifd_get_ioas(ictx, ioas_id);
	if (!ioas)
		return no_ioas(ictx, ioas_id);
	if (__builtin_add_overflow(start, length - 1, &last))
		return ifd_fail(ictx, -EOVERFLOW, "reservation wraps");
	rc = ifd_iopt_reserve(ioas, start, last, NULL);
	if (rc)
		return ifd_fail(ictx, rc, "reservation [%#llx, %#llx] meets an area or the "
				"allow-list", (unsigned long long)start, (unsigned long long)last);
	return 0;
}
