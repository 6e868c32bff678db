// SPDX-License-Identifier: MIT
/*
 * The vfio family: the VFIO legacy uAPI as the kernel oracle's vfio-run
 * drives it (../shared/oracle/vfio/README.md, "VFIO"): named fds opened on
 * /dev/vfio, the container, group and device ioctls, and MAP_DMA of a fresh
 * anonymous buffer, with vfio-run's result formats. Where an fd is
 * expected, a number that is not a name is a raw fd.
 */
#include <stdio.h>
#include <strings.h>

#include "lib/private.h"
#include "lib/scenario/cmd-uapi.h"

/* Names hold the fd + 1: an fd is never a NULL object. */
static int add_fd(struct iok_scn *s, const char *name, int fd)
{
	return iok_scn_name_add(s, name, "fd", (void *)(intptr_t)(fd + 1));
}

static int get_fd(struct iok_scn *s, const char *name, int *fd)
{
	void *obj = iok_scn_name_find(s, name, "fd");
	char *end;
	long v;

	if (obj) {
		*fd = (int)(intptr_t)obj - 1;
		return 0;
	}
	v = strtol(name, &end, 0);
	if (*name && !*end) {
		*fd = (int)v;
		return 0;
	}
	return iok_scn_error(s, "unknown fd name '%s'", name);
}

static int name_free(struct iok_scn *s, const char *name)
{
	if (iok_scn_name_find(s, name, "fd") || iok_scn_name_find(s, name, "job"))
		return iok_scn_error(s, "name '%s' in use (close it first)", name);
	return 0;
}

/* An ioctl's return: a negative errno, or its value. */
static int ret(long rc)
{
	return rc < 0 ? (int)rc : 0;
}

static int cmd_open(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	char path[1024];
	struct scn_uapi *u;
	int rc, fd, id;

	rc = scn_uapi_get(s, &u);
	if (!rc)
		rc = name_free(s, argv[1]);
	if (rc)
		return rc;
	if (!strcmp(argv[2], "container")) {
		snprintf(path, sizeof(path), "/dev/vfio/vfio");
	} else if (!strncmp(argv[2], "group:", 6)) {
		if (scn_group_of(s, u, argv[2] + 6, &id))
			return iok_scn_error(s, "%s has no iommu_group", argv[2] + 6);
		snprintf(path, sizeof(path), "/dev/vfio/%d", id);
	} else {
		rc = scn_expand(s, u, argv[2], path, sizeof(path));
		if (rc)
			return rc;
	}
	rc = iok_proc_open(u->proc, path, &fd);
	if (rc)
		return rc;
	rc = add_fd(s, argv[1], fd);
	if (rc)
		iok_proc_close(u->proc, fd);
	return rc;
}

static int cmd_close(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct scn_uapi *u;
	int rc, fd;

	rc = scn_uapi_get(s, &u);
	if (rc)
		return rc;
	if (!iok_scn_name_find(s, argv[1], "fd"))
		return iok_scn_error(s, "unknown fd name '%s'", argv[1]);
	get_fd(s, argv[1], &fd);
	iok_scn_name_del(s, argv[1]);
	return iok_proc_close(u->proc, fd);
}

/* Resolve the fd of argv[@i] and the process. */
static int fd_arg(struct iok_scn *s, char **argv, int i, struct scn_uapi **u, int *fd)
{
	int rc = scn_uapi_get(s, u);

	return rc ? rc : get_fd(s, argv[i], fd);
}

static int cmd_api(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct scn_uapi *u;
	int fd, rc = fd_arg(s, argv, 1, &u, &fd);
	long r;

	if (rc)
		return rc;
	r = iok_proc_ioctl_int(u->proc, fd, IOK_VFIO_GET_API_VERSION, 0);
	if (r >= 0)
		iok_scn_printf(res, "%ld", r);
	return ret(r);
}

static int parse_ext(struct iok_scn *s, const char *word, unsigned long *out)
{
	static const struct {
		const char *name;
		unsigned long v;
	} t[] = {
		{ "type1", IOK_VFIO_TYPE1_IOMMU }, { "spapr_tce", IOK_VFIO_SPAPR_TCE_IOMMU },
		{ "type1v2", IOK_VFIO_TYPE1v2_IOMMU }, { "dma_cc", IOK_VFIO_DMA_CC_IOMMU },
		{ "eeh", IOK_VFIO_EEH }, { "type1_nesting", IOK_VFIO_TYPE1_NESTING_IOMMU },
		{ "spapr_tce_v2", IOK_VFIO_SPAPR_TCE_v2_IOMMU }, { "noiommu", IOK_VFIO_NOIOMMU_IOMMU },
		{ "unmap_all", IOK_VFIO_UNMAP_ALL }, { "update_vaddr", IOK_VFIO_UPDATE_VADDR },
	};
	unsigned int i;
	uint64_t v;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		if (!strcasecmp(word, t[i].name)) {
			*out = t[i].v;
			return 0;
		}
	}
	if (iok_scn_u64(s, word, &v))
		return iok_scn_error(s, "unknown extension/type '%s'", word);
	*out = v;
	return 0;
}

static int cmd_ext(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct scn_uapi *u;
	unsigned long ext;
	int fd, rc = fd_arg(s, argv, 1, &u, &fd);
	long r;

	if (!rc)
		rc = parse_ext(s, argv[2], &ext);
	if (rc)
		return rc;
	r = iok_proc_ioctl_int(u->proc, fd, IOK_VFIO_CHECK_EXTENSION, ext);
	if (r >= 0)
		iok_scn_printf(res, "%ld", r);
	return ret(r);
}

static int cmd_set_iommu(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct scn_uapi *u;
	unsigned long type;
	int fd, rc = fd_arg(s, argv, 1, &u, &fd);

	if (!rc)
		rc = parse_ext(s, argv[2], &type);
	return rc ? rc : ret(iok_proc_ioctl_int(u->proc, fd, IOK_VFIO_SET_IOMMU, type));
}

static void print_caps(struct iok_scn_res *res, const char *buf, size_t sz, uint32_t off)
{
	unsigned int guard = 0, i;

	while (off && off + sizeof(struct iok_vfio_info_cap_header) <= sz && guard++ < 32) {
		struct iok_vfio_info_cap_header h;

		memcpy(&h, buf + off, sizeof(h));
		if (h.id == IOK_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			struct iok_vfio_iommu_type1_info_cap_iova_range r;
			char list[900] = "";
			size_t o = 0;

			memcpy(&r, buf + off, sizeof(r));
			for (i = 0; i < r.nr_iovas && o < sizeof(list); i++) {
				struct iok_vfio_iova_range one;

				memcpy(&one, buf + off + sizeof(r) + i * sizeof(one), sizeof(one));
				o += snprintf(list + o, sizeof(list) - o, "%s0x%llx-0x%llx", i ? "," : "",
					      (unsigned long long)one.start, (unsigned long long)one.end);
			}
			iok_scn_printf(res, "iova=%s", list);
		} else if (h.id == IOK_VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
			struct iok_vfio_iommu_type1_info_dma_avail a;

			memcpy(&a, buf + off, sizeof(a));
			iok_scn_printf(res, "dma_avail=%u", a.avail);
		} else if (h.id == IOK_VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION) {
			struct iok_vfio_iommu_type1_info_cap_migration m;

			memcpy(&m, buf + off, sizeof(m));
			iok_scn_printf(res, "migration=flags:0x%x,pgsize:0x%llx,max_dirty:0x%llx",
				       m.flags, (unsigned long long)m.pgsize_bitmap,
				       (unsigned long long)m.max_dirty_bitmap_size);
		} else {
			iok_scn_printf(res, "cap%u", h.id);
		}
		off = h.next;
	}
}

/* GET_INFO twice, as vfio-run: the first call tells the size of the chain. */
static int cmd_iommu_info(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_vfio_iommu_type1_info *info;
	size_t sz = sizeof(*info);
	struct scn_uapi *u;
	int fd, rc = fd_arg(s, argv, 1, &u, &fd);
	long r;

	if (rc)
		return rc;
	info = calloc(1, sz);
	if (!info)
		return -ENOMEM;
	info->argsz = sz;
	r = iok_proc_ioctl(u->proc, fd, IOK_VFIO_IOMMU_GET_INFO, info);
	if (!r && info->argsz > sz) {
		struct iok_vfio_iommu_type1_info *big;

		sz = info->argsz;
		big = calloc(1, sz);
		if (!big) {
			free(info);
			return -ENOMEM;
		}
		free(info);
		info = big;
		info->argsz = sz;
		r = iok_proc_ioctl(u->proc, fd, IOK_VFIO_IOMMU_GET_INFO, info);
	}
	if (!r) {
		iok_scn_printf(res, "flags=0x%x pgsizes=0x%llx", info->flags,
			       (unsigned long long)info->iova_pgsizes);
		if (info->flags & IOK_VFIO_IOMMU_INFO_CAPS)
			print_caps(res, (const char *)info, sz, info->cap_offset);
	}
	free(info);
	return ret(r);
}

static int map_flags(const char *w, uint32_t *f)
{
	char *end;

	if (!strcmp(w, "rw"))
		*f = IOK_VFIO_DMA_MAP_FLAG_READ | IOK_VFIO_DMA_MAP_FLAG_WRITE;
	else if (!strcmp(w, "r"))
		*f = IOK_VFIO_DMA_MAP_FLAG_READ;
	else if (!strcmp(w, "w"))
		*f = IOK_VFIO_DMA_MAP_FLAG_WRITE;
	else if (!strcmp(w, "none"))
		*f = 0;
	else if (*w && (*f = (uint32_t)strtoull(w, &end, 0), !*end))
		return 0;
	else
		return -1;
	return 0;
}

/* MAP_DMA of a fresh anonymous buffer of SIZE (+ offset) bytes, never unmapped. */
static int cmd_map(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = IOK_VFIO_DMA_MAP_FLAG_READ | IOK_VFIO_DMA_MAP_FLAG_WRITE,
	};
	uint64_t iova, size, off = 0, len, buf;
	struct scn_uapi *u;
	int fd, i, rc = fd_arg(s, argv, 1, &u, &fd);

	if (!rc)
		rc = iok_scn_u64(s, argv[2], &iova);
	if (!rc)
		rc = iok_scn_u64(s, argv[3], &size);
	for (i = 4; !rc && i < argc; i++) {
		if (!strncmp(argv[i], "offset=", 7))
			rc = iok_scn_u64(s, argv[i] + 7, &off);
		else if (map_flags(argv[i], &m.flags))
			rc = iok_scn_error(s, "bad map flags '%s'", argv[i]);
	}
	if (rc)
		return rc;
	/* As vfio-run: absurd sizes get a small buffer; the kernel checks sizes first. */
	len = size + off;
	if (!len || len < size || iok_proc_mmap(u->proc, len, &buf))
		if (iok_proc_mmap(u->proc, 4096, &buf))
			return -ENOMEM;
	m.vaddr = buf + off;
	m.iova = iova;
	m.size = size;
	return ret(iok_proc_ioctl(u->proc, fd, IOK_VFIO_IOMMU_MAP_DMA, &m));
}

static int cmd_unmap(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_vfio_iommu_type1_dma_unmap um = { .argsz = sizeof(um) };
	struct scn_uapi *u;
	uint64_t flags;
	int fd, rc = fd_arg(s, argv, 1, &u, &fd);
	long r;

	if (!rc)
		rc = iok_scn_u64(s, argv[2], &um.iova);
	if (!rc)
		rc = iok_scn_u64(s, argv[3], &um.size);
	if (!rc && argc > 4) {
		if (!strcmp(argv[4], "all"))
			um.flags = IOK_VFIO_DMA_UNMAP_FLAG_ALL;
		else if (!iok_scn_u64(s, argv[4], &flags))
			um.flags = (uint32_t)flags;
		else
			rc = iok_scn_error(s, "bad unmap flags '%s'", argv[4]);
	}
	if (rc)
		return rc;
	r = iok_proc_ioctl(u->proc, fd, IOK_VFIO_IOMMU_UNMAP_DMA, &um);
	if (!r)
		iok_scn_printf(res, "size=0x%llx", (unsigned long long)um.size);
	return ret(r);
}

static int cmd_status(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_vfio_group_status st = { .argsz = sizeof(st) };
	struct scn_uapi *u;
	int fd, rc = fd_arg(s, argv, 1, &u, &fd);
	long r;

	if (rc)
		return rc;
	r = iok_proc_ioctl(u->proc, fd, IOK_VFIO_GROUP_GET_STATUS, &st);
	if (!r)
		iok_scn_printf(res, "viable=%s container_set=%s",
			       st.flags & IOK_VFIO_GROUP_FLAGS_VIABLE ? "yes" : "no",
			       st.flags & IOK_VFIO_GROUP_FLAGS_CONTAINER_SET ? "yes" : "no");
	return ret(r);
}

static int cmd_set_container(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct scn_uapi *u;
	int fd, cfd, rc = fd_arg(s, argv, 1, &u, &fd);
	int32_t c;

	if (!rc)
		rc = get_fd(s, argv[2], &cfd);
	if (rc)
		return rc;
	c = cfd;
	return ret(iok_proc_ioctl(u->proc, fd, IOK_VFIO_GROUP_SET_CONTAINER, &c));
}

static int cmd_unset_container(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct scn_uapi *u;
	int fd, rc = fd_arg(s, argv, 1, &u, &fd);

	return rc ? rc : ret(iok_proc_ioctl_int(u->proc, fd, IOK_VFIO_GROUP_UNSET_CONTAINER, 0));
}

static int cmd_device(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct scn_uapi *u;
	char full[64];
	int fd, rc = fd_arg(s, argv, 2, &u, &fd);
	long r;

	if (!rc)
		rc = name_free(s, argv[1]);
	if (rc)
		return rc;
	scn_full_bdf(argv[3], full, sizeof(full));
	r = iok_proc_ioctl(u->proc, fd, IOK_VFIO_GROUP_GET_DEVICE_FD, full);
	if (r < 0)
		return (int)r;
	rc = add_fd(s, argv[1], (int)r);
	if (rc)
		iok_proc_close(u->proc, (int)r);
	return rc;
}

static int cmd_device_info(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_vfio_device_info di = { .argsz = sizeof(di) };
	struct scn_uapi *u;
	int fd, rc = fd_arg(s, argv, 1, &u, &fd);
	long r;

	if (rc)
		return rc;
	r = iok_proc_ioctl(u->proc, fd, IOK_VFIO_DEVICE_GET_INFO, &di);
	if (!r)
		iok_scn_printf(res, "flags=0x%x regions=%u irqs=%u", di.flags, di.num_regions,
			       di.num_irqs);
	return ret(r);
}

static int cmd_reset(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct scn_uapi *u;
	int fd, rc = fd_arg(s, argv, 1, &u, &fd);

	return rc ? rc : ret(iok_proc_ioctl_int(u->proc, fd, IOK_VFIO_DEVICE_RESET, 0));
}

/* A raw ioctl with an integer argument: requests that take a pointer see an address. */
static int cmd_ioctl(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	uint64_t req, arg = 0;
	struct scn_uapi *u;
	int fd, rc = fd_arg(s, argv, 1, &u, &fd);
	long r;

	if (!rc)
		rc = iok_scn_u64(s, argv[2], &req);
	if (!rc && argc > 3)
		rc = iok_scn_u64(s, argv[3], &arg);
	if (rc)
		return rc;
	r = iok_proc_ioctl_int(u->proc, fd, (unsigned long)req, (unsigned long)arg);
	if (r >= 0)
		iok_scn_printf(res, "%ld", r);
	return ret(r);
}

/* ---- process bonds of a container (iommukit extension, docs/vfio.md) ---- */

/*
 * The process exits (its fds close, its groups' bonds are unbound) before
 * the SVA layer frees the mms: IOK_SCN_EXT_VFIO_SVA goes first.
 */
static void proc_exit(void *ext)
{
	struct scn_uapi *u = ext;

	iok_proc_free(u->proc);
	u->proc = NULL;
}

static int mm_arg(struct iok_scn *s, char **argv, struct scn_uapi **u, int *fd,
		  struct iok_mm **mm)
{
	void *obj;
	int rc = fd_arg(s, argv, 1, u, fd);

	if (!rc)
		rc = iok_scn_name_get(s, argv[2], "mm", &obj);
	if (rc)
		return rc;
	*mm = obj;
	if (!iok_scn_ext_get(s, IOK_SCN_EXT_VFIO_SVA))
		iok_scn_ext_set(s, IOK_SCN_EXT_VFIO_SVA, *u, proc_exit);
	return 0;
}

static int cmd_bind_mm(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct scn_uapi *u;
	struct iok_mm *mm;
	uint32_t pasid;
	int fd, rc = mm_arg(s, argv, &u, &fd, &mm);

	if (!rc)
		rc = iok_vfio_container_bind_mm(u->proc, fd, mm, &pasid);
	if (!rc)
		iok_scn_printf(res, "pasid=%u", pasid);
	return rc;
}

static int cmd_unbind_mm(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct scn_uapi *u;
	struct iok_mm *mm;
	int fd, rc = mm_arg(s, argv, &u, &fd, &mm);

	return rc ? rc : iok_vfio_container_unbind_mm(u->proc, fd, mm);
}

const struct iok_scn_cmd iok_scn_cmds_vfio[] = {
	{ "open", cmd_open, 2, 2, "open NAME container|group:BDF|PATH",
	  "open /dev/vfio/vfio, the device's /dev/vfio/N, or a path" },
	{ "close", cmd_close, 1, 1, "close NAME", "close(2) a named fd" },
	{ "api", cmd_api, 1, 1, "api C", "VFIO_GET_API_VERSION" },
	{ "ext", cmd_ext, 2, 2, "ext C EXTENSION", "VFIO_CHECK_EXTENSION (type1, type1v2, "
	  "type1_nesting, dma_cc, unmap_all, update_vaddr, noiommu, spapr_tce, eeh, or a number)" },
	{ "set_iommu", cmd_set_iommu, 2, 2, "set_iommu C type1v2|type1|N", "VFIO_SET_IOMMU" },
	{ "iommu_info", cmd_iommu_info, 1, 1, "iommu_info C",
	  "VFIO_IOMMU_GET_INFO with its capability chain" },
	{ "map", cmd_map, 3, 5, "map C IOVA SIZE [rw|r|w|none|N] [offset=N]",
	  "VFIO_IOMMU_MAP_DMA of a fresh anonymous buffer" },
	{ "unmap", cmd_unmap, 3, 4, "unmap C IOVA SIZE [all|N]",
	  "VFIO_IOMMU_UNMAP_DMA; answers the size unmapped" },
	{ "status", cmd_status, 1, 1, "status G", "VFIO_GROUP_GET_STATUS" },
	{ "set_container", cmd_set_container, 2, 2, "set_container G C", "VFIO_GROUP_SET_CONTAINER" },
	{ "unset_container", cmd_unset_container, 1, 1, "unset_container G",
	  "VFIO_GROUP_UNSET_CONTAINER" },
	{ "device", cmd_device, 3, 3, "device NAME G BDF", "VFIO_GROUP_GET_DEVICE_FD" },
	{ "device_info", cmd_device_info, 1, 1, "device_info D", "VFIO_DEVICE_GET_INFO" },
	{ "reset", cmd_reset, 1, 1, "reset D", "VFIO_DEVICE_RESET" },
	{ "ioctl", cmd_ioctl, 2, 3, "ioctl NAME REQUEST [ARG]",
	  "a raw ioctl with an integer argument; answers its return value" },
	{ "bind_mm", cmd_bind_mm, 2, 2, "bind_mm C MM",
	  "iommukit's VFIO_IOMMU_BIND of process MM (2018 SVA series, not in Linux): OK pasid=N" },
	{ "unbind_mm", cmd_unbind_mm, 2, 2, "unbind_mm C MM",
	  "iommukit's VFIO_IOMMU_UNBIND of process MM (not in Linux)" },
	{ NULL, NULL, 0, 0, NULL, NULL },
};
