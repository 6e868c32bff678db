// SPDX-License-Identifier: MIT
/*
 * The dma family: the DMA API of a device's driver (lib/dma/). A mapping
 * is named by the script, so that its unmap needs no address:
 *
 *   dma_map_single buf 05:00.0 0x80000000 4k from_device => OK iova=0xfffff000
 *   dma_unmap_single buf => OK
 *
 * DIR is the kernel's direction: bidirectional, to_device, from_device or
 * none. A mapping's name stays after its unmap, so that a second unmap can
 * be shown to fail; mapping again under that name replaces it. Time for
 * the flush queues passes only with dma_fq_advance.
 */
#include <stdio.h>

#include "lib/scenario/scenario-private.h"
#include "lib/private.h"
#include <iommukit/dma.h>

#define KIND "dma-mapping"

struct scn_map {
	struct scn_map *next;	/* every mapping of the run, for the end */
	struct iok_dev *dev;
	uint64_t dma_addr;
	uint64_t size;
	enum iok_dma_dir dir;
	struct iok_sg *sg;	/* NULL for a single mapping */
	unsigned int nents;
	bool mapped;
};

struct scn_dma {
	struct iok_dma *dma;
	struct scn_map *maps;
};

static void scn_dma_free(void *p)
{
	struct scn_dma *sd = p;

	while (sd->maps) {
		struct scn_map *mp = sd->maps;

		sd->maps = mp->next;
		free(mp->sg);
		free(mp);
	}
	iok_dma_free(sd->dma);
	free(sd);
}

static int get_dma(struct iok_scn *s, struct scn_dma **out)
{
	struct scn_dma *sd = iok_scn_ext_get(s, IOK_SCN_EXT_DMA);
	struct iok_machine *m;
	int rc;

	if (sd) {
		*out = sd;
		return 0;
	}
	rc = iok_scn_machine(s, &m);
	if (rc)
		return rc;
	sd = calloc(1, sizeof(*sd));
	if (!sd)
		return -ENOMEM;
	rc = iok_dma_new(m, &sd->dma);
	if (rc) {
		free(sd);
		return rc;
	}
	iok_scn_ext_set(s, IOK_SCN_EXT_DMA, sd, scn_dma_free);
	*out = sd;
	return 0;
}

static int parse_dir(struct iok_scn *s, const char *w, enum iok_dma_dir *dir)
{
	static const struct { const char *name; enum iok_dma_dir dir; } dirs[] = {
		{ "bidirectional", IOK_DMA_BIDIRECTIONAL }, { "to_device", IOK_DMA_TO_DEVICE },
		{ "from_device", IOK_DMA_FROM_DEVICE }, { "none", IOK_DMA_NONE },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (!strcmp(w, dirs[i].name)) {
			*dir = dirs[i].dir;
			return 0;
		}
	}
	return iok_scn_error(s, "'%s': a direction is bidirectional, to_device, from_device "
			     "or none", w);
}

/* The mapping object of @name: a new one, or an unmapped one to reuse. */
static int map_slot(struct iok_scn *s, struct scn_dma *sd, const char *name,
		    struct scn_map **out)
{
	struct scn_map *mp = iok_scn_name_find(s, name, KIND);
	int rc;

	if (mp) {
		if (mp->mapped)
			return iok_scn_error(s, "'%s' is still mapped", name);
		*out = mp;
		return 0;
	}
	mp = calloc(1, sizeof(*mp));
	if (!mp)
		return -ENOMEM;
	rc = iok_scn_name_add(s, name, KIND, mp);
	if (rc) {
		free(mp);
		return rc;
	}
	mp->next = sd->maps;
	sd->maps = mp;
	*out = mp;
	return 0;
}

/* A name given to a mapping that failed is free again. */
static void map_failed(struct iok_scn *s, struct scn_dma *sd, const char *name,
		       struct scn_map *mp)
{
	struct scn_map **pp;

	if (mp->dev)
		return;
	for (pp = &sd->maps; *pp != mp; pp = &(*pp)->next)
		;
	*pp = mp->next;
	iok_scn_name_del(s, name);
	free(mp);
}

/* dma_map_single NAME BDF PADDR SIZE DIR */
static int cmd_map_single(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	uint64_t paddr, size, addr = 0;
	enum iok_dma_dir dir = IOK_DMA_NONE;
	struct scn_dma *sd;
	struct scn_map *mp;
	struct iok_dev *dev;
	int rc;

	if (iok_scn_dev(s, argv[2], &dev) || iok_scn_u64(s, argv[3], &paddr) ||
	    iok_scn_u64(s, argv[4], &size) || parse_dir(s, argv[5], &dir))
		return IOK_SCN_ESCRIPT;
	if (size > SIZE_MAX)
		return iok_scn_error(s, "size 0x%llx is too large", (unsigned long long)size);
	rc = get_dma(s, &sd);
	if (!rc)
		rc = map_slot(s, sd, argv[1], &mp);
	if (rc)
		return rc;
	rc = iok_dma_map_single(sd->dma, dev, paddr, size, dir, &addr);
	if (rc) {
		map_failed(s, sd, argv[1], mp);
		return rc;
	}
	free(mp->sg);
	*mp = (struct scn_map){ .next = mp->next, .dev = dev, .dma_addr = addr, .size = size,
				.dir = dir, .mapped = true };
	iok_scn_printf(res, "iova=0x%llx", (unsigned long long)addr);
	return 0;
}

/* dma_unmap_single NAME [SIZE [DIR]]: the mapping's own, or others to show misuse. */
static int cmd_unmap_single(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct scn_dma *sd;
	struct scn_map *mp;
	uint64_t size;
	enum iok_dma_dir dir = IOK_DMA_NONE;
	int rc;

	if (iok_scn_name_get(s, argv[1], KIND, (void **)&mp))
		return IOK_SCN_ESCRIPT;
	if (mp->sg)
		return iok_scn_error(s, "'%s' is a scatterlist: dma_unmap_sg", argv[1]);
	size = mp->size;
	dir = mp->dir;
	if ((argc > 2 && iok_scn_u64(s, argv[2], &size)) ||
	    (argc > 3 && parse_dir(s, argv[3], &dir)))
		return IOK_SCN_ESCRIPT;
	rc = get_dma(s, &sd);
	if (rc)
		return rc;
	rc = iok_dma_unmap_single(sd->dma, mp->dev, mp->dma_addr, size, dir);
	if (!rc)
		mp->mapped = false;
	return rc;
}

/* PADDR:LEN */
static int parse_seg(struct iok_scn *s, const char *w, struct iok_sg *sg)
{
	char buf[64];
	const char *colon = strchr(w, ':');
	uint64_t paddr, len;

	if (!colon || colon == w || (size_t)(colon - w) >= sizeof(buf))
		return iok_scn_error(s, "'%s': a scatterlist entry is PADDR:LEN", w);
	memcpy(buf, w, colon - w);
	buf[colon - w] = 0;
	if (iok_scn_u64(s, buf, &paddr) || iok_scn_u64(s, colon + 1, &len))
		return IOK_SCN_ESCRIPT;
	if (len > UINT32_MAX)
		return iok_scn_error(s, "'%s': an entry is at most 4 GiB - 1", w);
	*sg = (struct iok_sg){ .paddr = paddr, .length = len };
	return 0;
}

/* dma_map_sg NAME BDF DIR PADDR:LEN... */
static int cmd_map_sg(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	unsigned int nents = argc - 4;
	enum iok_dma_dir dir = IOK_DMA_NONE;
	struct scn_dma *sd;
	struct scn_map *mp;
	struct iok_dev *dev;
	struct iok_sg *sg;
	int rc, n;

	if (iok_scn_dev(s, argv[2], &dev) || parse_dir(s, argv[3], &dir))
		return IOK_SCN_ESCRIPT;
	sg = calloc(nents, sizeof(*sg));
	if (!sg)
		return -ENOMEM;
	for (unsigned int i = 0; i < nents; i++) {
		if (parse_seg(s, argv[4 + i], &sg[i])) {
			free(sg);
			return IOK_SCN_ESCRIPT;
		}
	}
	rc = get_dma(s, &sd);
	if (!rc)
		rc = map_slot(s, sd, argv[1], &mp);
	if (rc) {
		free(sg);
		return rc;
	}
	n = iok_dma_map_sg(sd->dma, dev, sg, nents, dir);
	if (n < 0) {
		free(sg);
		map_failed(s, sd, argv[1], mp);
		return n;
	}
	free(mp->sg);
	*mp = (struct scn_map){ .next = mp->next, .dev = dev, .dir = dir, .sg = sg,
				.nents = nents, .mapped = true };
	iok_scn_printf(res, "segments=%d", n);
	for (int i = 0; i < n; i++)
		iok_scn_printf(res, "0x%llx:0x%x", (unsigned long long)sg[i].dma_address,
			       sg[i].dma_length);
	return 0;
}

/* dma_unmap_sg NAME */
static int cmd_unmap_sg(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct scn_dma *sd;
	struct scn_map *mp;
	int rc;

	if (iok_scn_name_get(s, argv[1], KIND, (void **)&mp))
		return IOK_SCN_ESCRIPT;
	if (!mp->sg)
		return iok_scn_error(s, "'%s' is a single mapping: dma_unmap_single", argv[1]);
	rc = get_dma(s, &sd);
	if (rc)
		return rc;
	rc = iok_dma_unmap_sg(sd->dma, mp->dev, mp->sg, mp->nents, mp->dir);
	if (!rc)
		mp->mapped = false;
	return rc;
}

/* dma_set_mask BDF BITS */
static int cmd_set_mask(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct scn_dma *sd;
	struct iok_dev *dev;
	uint64_t bits;
	int rc;

	if (iok_scn_dev(s, argv[1], &dev) || iok_scn_u64(s, argv[2], &bits))
		return IOK_SCN_ESCRIPT;
	if (!bits || bits > 64)
		return iok_scn_error(s, "'%s': DMA_BIT_MASK(BITS) takes 1 to 64 bits", argv[2]);
	rc = get_dma(s, &sd);
	return rc ? rc : iok_dma_set_mask(sd->dma, dev, bits == 64 ? UINT64_MAX :
					 (1ull << bits) - 1);
}

/* dma_fq_advance NS */
static int cmd_fq_advance(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct scn_dma *sd;
	uint64_t ns;
	int rc;

	if (iok_scn_u64(s, argv[1], &ns))
		return IOK_SCN_ESCRIPT;
	rc = get_dma(s, &sd);
	if (rc)
		return rc;
	rc = iok_dma_fq_advance(sd->dma, ns);
	if (rc < 0)
		return rc;
	iok_scn_printf(res, "fired=%d now=%llu", rc,
		       (unsigned long long)iok_dma_get_time(sd->dma));
	return 0;
}

/* dma_flush_queue BDF */
static int cmd_flush_queue(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct scn_dma *sd;
	struct iok_dev *dev;
	int rc;

	if (iok_scn_dev(s, argv[1], &dev))
		return IOK_SCN_ESCRIPT;
	rc = get_dma(s, &sd);
	if (!rc)
		rc = iok_dma_flush_queue(sd->dma, dev);
	if (rc < 0)
		return rc;
	iok_scn_printf(res, "freed=%d", rc);
	return 0;
}

/* dma_stats */
static int cmd_stats(struct iok_scn *s, int argc, char **argv, struct iok_scn_res *res)
{
	struct iok_dma_stats st;
	struct scn_dma *sd;
	int rc = get_dma(s, &sd);

	if (rc)
		return rc;
	iok_dma_get_stats(sd->dma, &st);
	iok_scn_printf(res, "live=%llu maps=%llu unmaps=%llu fq_pending=%llu fq_flushes=%llu "
		       "stale_max_ns=%llu stale_max_unmaps=%llu warnings=%llu",
		       (unsigned long long)st.live, (unsigned long long)st.maps,
		       (unsigned long long)st.unmaps, (unsigned long long)st.fq_pending,
		       (unsigned long long)st.fq_flushes, (unsigned long long)st.stale_max_ns,
		       (unsigned long long)st.stale_max_unmaps, (unsigned long long)st.warnings);
	return 0;
}

const struct iok_scn_cmd iok_scn_cmds_dma[] = {
	{ "dma_map_single", cmd_map_single, 5, 5, "dma_map_single NAME BDF PADDR SIZE DIR",
	  "the driver of BDF maps a buffer (DIR: bidirectional, to_device, from_device): "
	  "OK iova=ADDR" },
	{ "dma_unmap_single", cmd_unmap_single, 1, 3, "dma_unmap_single NAME [SIZE [DIR]]",
	  "unmap it (another SIZE or DIR shows dma-debug's refusal)" },
	{ "dma_map_sg", cmd_map_sg, 4, -1, "dma_map_sg NAME BDF DIR PADDR:LEN...",
	  "map a scatterlist into one IOVA range: OK segments=N ADDR:LEN..." },
	{ "dma_unmap_sg", cmd_unmap_sg, 1, 1, "dma_unmap_sg NAME", "unmap a scatterlist" },
	{ "dma_set_mask", cmd_set_mask, 2, 2, "dma_set_mask BDF BITS",
	  "dma_set_mask_and_coherent(DMA_BIT_MASK(BITS)); PCI devices start with 32" },
	{ "dma_fq_advance", cmd_fq_advance, 1, 1, "dma_fq_advance NS",
	  "let NS nanoseconds pass: expired flush-queue timers flush: OK fired=N now=NS" },
	{ "dma_flush_queue", cmd_flush_queue, 1, 1, "dma_flush_queue BDF",
	  "flush the device's DMA-FQ domain now: OK freed=N" },
	{ "dma_stats", cmd_stats, 0, 0, "dma_stats",
	  "DMA API counters: live mappings, flush queue, stale window, warnings" },
	{ NULL, NULL, 0, 0, NULL, NULL },
};
