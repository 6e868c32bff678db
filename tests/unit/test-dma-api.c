// SPDX-License-Identifier: MIT
/*
 * The DMA API over the core's default domains (spec runtime 2.1, 2.4:
 * DMA is strict, DMA-FQ lazy; identity is dma-direct), with the IOVA
 * allocator's alignment and reserved regions (2.6, 2.7), map and unmap
 * through iommu_map()/iommu_unmap_fast() (2.5), and what the IOTLB serves
 * afterwards: nothing once a strict unmap returns; the stale translation
 * until the flush queue's flush on DMA-FQ. Ownership (spec 4): a group
 * owned by user space, or left on a private domain (10 case 18), is
 * refused. Bad input is refused with nothing changed, where the kernel
 * WARNs (iommu_dma_unmap_page()) or dma-debug complains.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine-helpers.h"

#define SZ_4K	0x1000ull
#define SZ_1M	0x100000ull
#define MS	1000000ull

/*
 *   01:00.0        an NVMe alone in its group
 *   02:00.0-1      a multifunction device without ACS: one group of two
 *   03:00.0        a NIC, absent until hot-added when asked
 */
static const char machine_json[] =
	"{'schema': 1, 'platform': {'iommu': '%s', 'kernel': '%s'}, 'devices': ["
	"{'bdf': '00:01.0', 'id': '8086:a110', 'pcie': 'root_port', 'secondary': '01',"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '01:00.0', 'id': '144d:a808', 'class': '010802', 'pcie': 'endpoint'},"
	"{'bdf': '00:02.0', 'id': '8086:a111', 'pcie': 'root_port', 'secondary': '02',"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '02:00.0', 'id': '10de:1b80', 'class': '030000', 'pcie': 'endpoint',"
	" 'multifunction': true},"
	"{'bdf': '02:00.1', 'id': '10de:10f0', 'class': '040300', 'pcie': 'endpoint',"
	" 'multifunction': true},"
	"{'bdf': '00:03.0', 'id': '8086:a112', 'pcie': 'root_port', 'secondary': '03',"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '03:00.0', 'id': '1af4:1041', 'class': '020000', 'pcie': 'endpoint'}]}";

struct fx {
	struct t_fx;		/* ctx, t, m, dma */
};

struct opts {
	const char *iommu, *kernel, *cmdline, *absent, *no_iommu;
};

static int setup(void **state)
{
	return t_fx_alloc(state, sizeof(struct fx));
}

static int teardown(void **state)
{
	return t_fx_teardown(state);
}

static void boot(struct fx *f, struct opts o)
{
	f->t = t_loadf(f->ctx, machine_json, o.iommu ? o.iommu : "intel",
		       o.kernel ? o.kernel : "6.19");
	t_param(f->t, "cmdline", o.cmdline);
	t_param(f->t, "absent", o.absent);
	t_param(f->t, "no_iommu", o.no_iommu);
	f->m = t_machine(f->t, NULL);
	f->dma = t_dma(f->m);
}

#define BOOT(f, ...) boot(f, (struct opts){ __VA_ARGS__ })

static struct iok_dev *D(struct fx *f, const char *bdf)
{
	return t_dev(f->t, bdf);
}

static struct iok_domain *def(struct fx *f, const char *bdf)
{
	return iok_rgroup_get_default_domain(iok_dev_get_rgroup(f->m, D(f, bdf)));
}

static void bind(struct fx *f, const char *bdf, const char *driver)
{
	int rc = iok_device_bind_driver(f->m, D(f, bdf), driver, false);

	if (rc)
		fail_msg("binding %s to %s: %s", driver, bdf, iok_get_error(f->ctx));
}

static uint64_t map(struct fx *f, const char *bdf, uint64_t paddr, size_t size,
		    enum iok_dma_dir dir)
{
	uint64_t addr = 0;
	int rc = iok_dma_map_single(f->dma, D(f, bdf), paddr, size, dir, &addr);

	if (rc)
		fail_msg("dma_map_single %s 0x%llx: %d %s", bdf, (unsigned long long)paddr, rc,
			 iok_get_error(f->ctx));
	return addr;
}

/* The device's DMA as the unit sees it: 0 with the output, -EFAULT for a fault. */
static int dev_dma(struct fx *f, const char *bdf, uint64_t addr, unsigned int access,
		   struct iok_xlate *x)
{
	struct iok_dev *d = D(f, bdf);
	struct iok_xlate_req req = {
		.segment = iok_dev_get_domain(d),
		.rid = iok_dev_get_busnr(d) << 8 | iok_dev_get_devfn(d),
		.pasid = IOK_PASID_NONE,
		.iova = addr,
		.len = 4,
		.access = access,
	};
	struct iok_xlate tmp;

	return iok_unit_translate(iok_dev_get_unit(f->m, d), &req, x ? x : &tmp);
}

static struct iok_dma_stats stats(struct fx *f)
{
	struct iok_dma_stats st;

	assert_int_equal(iok_dma_get_stats(f->dma, &st), 0);
	return st;
}

/* Spec 2.4 (iommu.strict=1: DMA), 2.5: a mapping translates every byte; the unmap removes it. */
static void strict_round_trip(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;
	struct iok_xlate x;
	uint64_t addr;

	BOOT(f, .cmdline = "iommu.strict=1");
	bind(f, "01:00.0", "nvme");
	d = def(f, "01:00.0");
	assert_int_equal(iok_domain_get_type(d), IOK_DOMAIN_DMA);
	addr = map(f, "01:00.0", 0x12345678, 0x3000, IOK_DMA_BIDIRECTIONAL);
	/* The buffer's offset in its page is kept; 4 pages, aligned to 4 pages. */
	assert_int_equal(addr & 0xfff, 0x678);
	assert_int_equal((addr & ~0xfffull) % (4 * SZ_4K), 0);
	/* A 32-bit mask by default: below 4 GiB, top-down. */
	assert_true(addr < 0x100000000ull && addr > 0xff000000ull);
	for (uint64_t o = 0; o < 0x3000; o += 0x800)
		assert_int_equal(iok_iova_to_phys(d, addr + o), 0x12345678 + o);
	/* The device reads through it: the IOTLB now holds the translation. */
	assert_int_equal(dev_dma(f, "01:00.0", addr, IOK_PROT_READ, &x), 0);
	assert_int_equal(x.paddr, 0x12345678);
	assert_int_equal(dev_dma(f, "01:00.0", addr, IOK_PROT_READ, &x), 0);
	assert_true(x.from_iotlb);
	assert_int_equal(iok_dma_unmap_single(f->dma, D(f, "01:00.0"), addr, 0x3000,
					      IOK_DMA_BIDIRECTIONAL), 0);
	/* Strict: page table and IOTLB are clean when unmap returns. */
	assert_int_equal(iok_iova_to_phys(d, addr), 0);
	assert_int_equal(dev_dma(f, "01:00.0", addr, IOK_PROT_READ, &x), -EFAULT);
	assert_int_equal(stats(f).strict_flushes, 1);
	assert_int_equal(stats(f).live, 0);
	assert_int_equal(iok_dma_get_time(f->dma), 0);
	/* The freed IOVA comes back first (the caches are LIFO). */
	assert_int_equal(map(f, "01:00.0", 0x5000, 0x3000, IOK_DMA_TO_DEVICE) & ~0xfffull,
			 addr & ~0xfffull);
}

/* dma_info_to_prot(): TO_DEVICE is read-only for the device, FROM_DEVICE writable. */
static void direction_to_prot(void **state)
{
	struct fx *f = *state;
	uint64_t to, from, bi;

	BOOT(f, .cmdline = "iommu.strict=1");
	bind(f, "01:00.0", "nvme");
	to = map(f, "01:00.0", 0x100000, SZ_4K, IOK_DMA_TO_DEVICE);
	from = map(f, "01:00.0", 0x200000, SZ_4K, IOK_DMA_FROM_DEVICE);
	bi = map(f, "01:00.0", 0x300000, SZ_4K, IOK_DMA_BIDIRECTIONAL);
	assert_int_equal(dev_dma(f, "01:00.0", to, IOK_PROT_READ, NULL), 0);
	assert_int_equal(dev_dma(f, "01:00.0", to, IOK_PROT_WRITE, NULL), -EFAULT);
	assert_int_equal(dev_dma(f, "01:00.0", from, IOK_PROT_WRITE, NULL), 0);
	assert_int_equal(dev_dma(f, "01:00.0", bi, IOK_PROT_WRITE, NULL), 0);
	assert_int_equal(dev_dma(f, "01:00.0", bi, IOK_PROT_READ, NULL), 0);
	assert_int_equal(iok_dma_map_single(f->dma, D(f, "01:00.0"), 0x400000, SZ_4K,
					    IOK_DMA_NONE, &to), -EINVAL);
}

/* DMA-FQ (spec 2.4 default): the unmapped translation stays usable until the flush. */
static void fq_stale_until_timer(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;
	struct iok_xlate x;
	struct iok_dma_stats st;
	uint64_t addr, again;

	BOOT(f);
	bind(f, "01:00.0", "nvme");
	d = def(f, "01:00.0");
	assert_int_equal(iok_domain_get_type(d), IOK_DOMAIN_DMA_FQ);
	addr = map(f, "01:00.0", 0x40000000, SZ_4K, IOK_DMA_BIDIRECTIONAL);
	assert_int_equal(dev_dma(f, "01:00.0", addr, IOK_PROT_WRITE, NULL), 0);
	assert_int_equal(iok_dma_unmap_single(f->dma, D(f, "01:00.0"), addr, SZ_4K,
					      IOK_DMA_BIDIRECTIONAL), 0);
	/* The page table is clear, but the IOTLB still translates: stale but present. */
	assert_int_equal(iok_iova_to_phys(d, addr), 0);
	assert_int_equal(dev_dma(f, "01:00.0", addr, IOK_PROT_WRITE, &x), 0);
	assert_true(x.from_iotlb);
	assert_int_equal(x.paddr, 0x40000000);
	/* The IOVA is not reused before the flush. */
	again = map(f, "01:00.0", 0x50000000, SZ_4K, IOK_DMA_BIDIRECTIONAL);
	assert_int_not_equal(again, addr);
	st = stats(f);
	assert_int_equal(st.fq_pending, 1);
	assert_int_equal(st.strict_flushes, 0);
	/* 10 ms after the unmap the timer flushes the domain. */
	assert_int_equal(iok_dma_fq_advance(f->dma, 10 * MS - 1), 0);
	assert_int_equal(dev_dma(f, "01:00.0", addr, IOK_PROT_WRITE, NULL), 0);
	assert_int_equal(iok_dma_fq_advance(f->dma, 1), 1);
	assert_int_equal(dev_dma(f, "01:00.0", addr, IOK_PROT_WRITE, NULL), -EFAULT);
	st = stats(f);
	assert_int_equal(st.fq_pending, 0);
	assert_int_equal(st.fq_timer_flushes, 1);
	assert_int_equal(st.stale_count, 1);
	assert_int_equal(st.stale_max_ns, 10 * MS);
	assert_int_equal(iok_dma_get_time(f->dma), 10 * MS);
	/* Now the IOVA is free again, and handed out first. */
	assert_int_equal(map(f, "01:00.0", 0x60000000, SZ_4K, IOK_DMA_BIDIRECTIONAL), addr);
	/* The mapping made meanwhile still translates: a flush drops only stale entries. */
	assert_int_equal(dev_dma(f, "01:00.0", again, IOK_PROT_READ, &x), 0);
	assert_int_equal(x.paddr, 0x50000000);
	/* No timer is armed without queued entries. */
	assert_int_equal(iok_dma_fq_advance(f->dma, 100 * MS), 0);
}

/* The queue holds 255 entries; the 256th unmap flushes the domain first. */
static void fq_full_flushes(void **state)
{
	struct fx *f = *state;
	struct iok_dma_stats st;
	uint64_t first = 0;

	BOOT(f);
	bind(f, "01:00.0", "nvme");
	for (unsigned int i = 0; i < IOK_DMA_FQ_SIZE; i++) {
		uint64_t a = map(f, "01:00.0", 0x1000 * i, SZ_4K, IOK_DMA_FROM_DEVICE);

		if (!i) {
			first = a;
			assert_int_equal(dev_dma(f, "01:00.0", a, IOK_PROT_WRITE, NULL), 0);
		}
		assert_int_equal(iok_dma_unmap_single(f->dma, D(f, "01:00.0"), a, SZ_4K,
						      IOK_DMA_FROM_DEVICE), 0);
		if (i + 1 < IOK_DMA_FQ_SIZE)
			assert_int_equal(dev_dma(f, "01:00.0", first, IOK_PROT_WRITE, NULL), 0);
	}
	st = stats(f);
	assert_int_equal(st.fq_full_flushes, 1);
	assert_int_equal(st.fq_timer_flushes, 0);
	assert_int_equal(st.stale_count, IOK_DMA_FQ_SIZE - 1);
	assert_int_equal(st.stale_max_unmaps, IOK_DMA_FQ_SIZE - 2);
	assert_int_equal(st.fq_pending, 1);
	assert_int_equal(dev_dma(f, "01:00.0", first, IOK_PROT_WRITE, NULL), -EFAULT);
	/* An explicit flush (dma_flush_queue) empties the rest. */
	assert_int_equal(iok_dma_flush_queue(f->dma, D(f, "01:00.0")), 1);
	st = stats(f);
	assert_int_equal(st.fq_pending, 0);
	assert_int_equal(st.fq_flushes, 2);
	assert_int_equal(st.fq_timer_flushes, 0);
	/* A strict domain has no queue to flush. */
	assert_int_equal(iok_group_set_default_type(iok_dev_get_rgroup(f->m, D(f, "03:00.0")),
						    "DMA"), 0);
	bind(f, "03:00.0", "virtio-net");
	assert_int_equal(iok_dma_flush_queue(f->dma, D(f, "03:00.0")), -EINVAL);
}

/* Exhausted IOVA space: strict frees at unmap, DMA-FQ only after the flush. */
static void exhaustion_and_recovery(void **state)
{
	struct fx *f = *state;
	uint64_t a[32], extra;
	unsigned int n = 0;
	int rc;

	BOOT(f);
	bind(f, "01:00.0", "nvme");
	/* A 24-bit device: 16 MiB of IOVA, 1 MiB at a time. */
	assert_int_equal(iok_dma_set_mask(f->dma, D(f, "01:00.0"), 0xffffff), 0);
	while (n < 32 && !(rc = iok_dma_map_single(f->dma, D(f, "01:00.0"), n * SZ_1M, SZ_1M,
						      IOK_DMA_TO_DEVICE, &a[n])))
		n++;
	/* Frame 0 is never handed out, so 15 fit. */
	assert_int_equal(rc, -ENOMEM);
	assert_int_equal(n, 15);
	assert_int_equal(iok_dma_unmap_single(f->dma, D(f, "01:00.0"), a[3], SZ_1M,
					      IOK_DMA_TO_DEVICE), 0);
	/* Queued, not free: still no room. */
	assert_int_equal(iok_dma_map_single(f->dma, D(f, "01:00.0"), 0, SZ_1M,
					    IOK_DMA_TO_DEVICE, &extra), -ENOMEM);
	assert_int_equal(iok_dma_fq_advance(f->dma, 10 * MS), 1);
	assert_int_equal(iok_dma_map_single(f->dma, D(f, "01:00.0"), 0, SZ_1M,
					    IOK_DMA_TO_DEVICE, &extra), 0);
	assert_int_equal(extra, a[3]);
	assert_int_equal(iok_dma_set_mask(f->dma, D(f, "01:00.0"), 0x7ff), -EIO);
}

/* Spec 2.7: reserved regions (the MSI window, direct regions) never become IOVAs. */
static void reserved_regions(void **state)
{
	struct fx *f = *state;
	struct iok_iovad_stats st;
	uint64_t addr;

	BOOT(f, .cmdline = "iommu.strict=1");
	assert_int_equal(iok_machine_add_resv_region(f->m, D(f, "01:00.0"), 0xff000000,
						     0xff0fffff, IOK_RESV_DIRECT), 0);
	bind(f, "01:00.0", "nvme");
	assert_null(iok_dma_get_domain_iovad(f->dma, D(f, "01:00.0")));
	for (unsigned int i = 0; i < 64; i++) {
		addr = map(f, "01:00.0", 0x80000000 + i * SZ_1M, SZ_1M, IOK_DMA_TO_DEVICE);
		assert_false(addr <= 0xfeefffff && addr + SZ_1M > 0xfee00000);
		assert_false(addr <= 0xff0fffff && addr + SZ_1M > 0xff000000);
	}
	/* 64 MiB below 4 GiB went past both windows. */
	assert_true(addr < 0xfc000000);
	assert_int_equal(iok_iovad_get_stats(iok_dma_get_domain_iovad(f->dma, D(f, "01:00.0")),
					     &st), 0);
	assert_int_equal(st.reserved_pages, 256 + 256);
	/* The direct region stays identity-mapped beside the DMA API's mappings. */
	assert_int_equal(iok_iova_to_phys(def(f, "01:00.0"), 0xff000000), 0xff000000);
}

/* A 64-bit mask: kernels from 6.4 allocate from the top, 6.1 tries 32 bits first (SAC). */
static void dma_mask_and_sac(void **state)
{
	struct fx *f = *state;
	uint64_t addr;

	BOOT(f, .kernel = "6.19");
	bind(f, "01:00.0", "nvme");
	assert_int_equal(iok_dma_set_mask(f->dma, D(f, "01:00.0"), UINT64_MAX), 0);
	addr = map(f, "01:00.0", 0x1000, SZ_4K, IOK_DMA_TO_DEVICE);
	assert_int_equal(addr, (1ull << 48) - SZ_4K);
	iok_dma_free(f->dma);
	f->dma = NULL;
	iok_machine_unref(f->m);
	f->m = NULL;
	iok_topo_unref(f->t);
	BOOT(f, .kernel = "6.1");
	bind(f, "01:00.0", "nvme");
	assert_int_equal(iok_dma_set_mask(f->dma, D(f, "01:00.0"), UINT64_MAX), 0);
	addr = map(f, "01:00.0", 0x1000, SZ_4K, IOK_DMA_TO_DEVICE);
	assert_int_equal(addr, 0x100000000ull - SZ_4K);
}

/* Identity default domain (iommu=pt) and a device without IOMMU: dma-direct. */
static void identity_is_direct(void **state)
{
	struct fx *f = *state;

	BOOT(f, .cmdline = "iommu=pt", .no_iommu = "03:00.0");
	bind(f, "01:00.0", "nvme");
	bind(f, "03:00.0", "virtio-net");
	assert_int_equal(iok_domain_get_type(def(f, "01:00.0")), IOK_DOMAIN_IDENTITY);
	assert_int_equal(map(f, "01:00.0", 0x12345678, 100, IOK_DMA_TO_DEVICE), 0x12345678);
	assert_null(iok_dev_get_rgroup(f->m, D(f, "03:00.0")));
	assert_int_equal(map(f, "03:00.0", 0x9000, 100, IOK_DMA_TO_DEVICE), 0x9000);
	/* dma-direct keeps no state: unmapping is a no-op. */
	assert_int_equal(iok_dma_unmap_single(f->dma, D(f, "01:00.0"), 0x12345678, 100,
					      IOK_DMA_TO_DEVICE), 0);
	assert_int_equal(stats(f).maps, 0);
	assert_null(iok_dma_get_domain_iovad(f->dma, D(f, "01:00.0")));
}

/* Spec 4.2/4.6: a group owned by user space serves no DMA API; nor one on a private domain. */
static void owned_and_blocked_refused(void **state)
{
	struct fx *f = *state;
	static const int vfio_cookie;
	struct iok_rgroup *rg;
	struct iok_domain *priv;
	uint64_t addr = 0;

	BOOT(f);
	rg = iok_dev_get_rgroup(f->m, D(f, "01:00.0"));
	assert_int_equal(iok_device_bind_driver(f->m, D(f, "01:00.0"), "vfio-pci", true), 0);
	assert_int_equal(iok_group_claim_dma_owner(rg, &vfio_cookie), 0);
	assert_int_equal(iok_domain_get_type(iok_rgroup_get_domain(rg)), IOK_DOMAIN_BLOCKED);
	assert_int_equal(iok_dma_map_single(f->dma, D(f, "01:00.0"), 0x1000, SZ_4K,
					    IOK_DMA_TO_DEVICE, &addr), -EPERM);
	assert_int_equal(addr, 0);
	assert_int_equal(iok_group_release_dma_owner(rg), 0);
	assert_int_equal(iok_device_unbind_driver(f->m, D(f, "01:00.0")), 0);
	/* Spec 10 case 18: a private domain left attached, then a DMA-API driver binds. */
	assert_int_equal(iok_domain_alloc_paging(f->m, D(f, "01:00.0"), &priv), 0);
	assert_int_equal(iok_attach_group(priv, rg), 0);
	bind(f, "01:00.0", "nvme");
	assert_int_equal(iok_dma_map_single(f->dma, D(f, "01:00.0"), 0x1000, SZ_4K,
					    IOK_DMA_TO_DEVICE, &addr), -EINVAL);
	assert_int_equal(iok_detach_group(priv, rg), 0);
	assert_int_not_equal(map(f, "01:00.0", 0x1000, SZ_4K, IOK_DMA_TO_DEVICE), 0);
	/* The private domain holds nothing of it. */
	assert_int_equal(iok_pgtable_table_pages(iok_domain_get_pgtable(priv)), 1);
	assert_int_equal(iok_domain_free(priv), 0);
}

/* Bad input: refused, counted as a warning where the kernel WARNs, nothing changed. */
static void bad_input(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;
	struct iok_dma_stats before;
	uint64_t addr, other;

	BOOT(f, .cmdline = "iommu.strict=1", .absent = "03:00.0");
	/* A device without driver, and one that is not present. */
	assert_int_equal(iok_dma_map_single(f->dma, D(f, "01:00.0"), 0x1000, SZ_4K,
					    IOK_DMA_TO_DEVICE, &addr), -ENODEV);
	assert_int_equal(iok_dma_map_single(f->dma, D(f, "03:00.0"), 0x1000, SZ_4K,
					    IOK_DMA_TO_DEVICE, &addr), -ENODEV);
	bind(f, "02:00.0", "gpu");
	bind(f, "02:00.1", "snd_hda_intel");
	d = def(f, "02:00.0");
	addr = map(f, "02:00.0", 0x7000, 0x1800, IOK_DMA_BIDIRECTIONAL);
	before = stats(f);
	/* Zero size, a NULL output, a device of no machine, a bad direction. */
	assert_int_equal(iok_dma_map_single(f->dma, D(f, "02:00.0"), 0x1000, 0,
					    IOK_DMA_TO_DEVICE, &other), -EINVAL);
	assert_int_equal(iok_dma_map_single(f->dma, D(f, "02:00.0"), 0x1000, 1,
					    IOK_DMA_TO_DEVICE, NULL), -EINVAL);
	assert_int_equal(iok_dma_map_single(f->dma, NULL, 0x1000, 1, IOK_DMA_TO_DEVICE,
					    &other), -EINVAL);
	assert_int_equal(iok_dma_map_single(NULL, D(f, "02:00.0"), 0x1000, 1,
					    IOK_DMA_TO_DEVICE, &other), -EINVAL);
	assert_int_equal(iok_dma_map_single(f->dma, D(f, "02:00.0"), UINT64_MAX - 10, 100,
					    IOK_DMA_TO_DEVICE, &other), -EINVAL);
	assert_int_equal(iok_dma_unmap_single(f->dma, D(f, "02:00.0"), addr, 0x1800, 7), -EINVAL);
	/* Unmapping what was never mapped: the kernel WARNs; refused, counted. */
	assert_int_equal(iok_dma_unmap_single(f->dma, D(f, "02:00.0"), addr + 0x10000, 0x1000,
					      IOK_DMA_BIDIRECTIONAL), -ENOENT);
	/* dma-debug's complaints: another size, direction, address in it, or device. */
	assert_int_equal(iok_dma_unmap_single(f->dma, D(f, "02:00.0"), addr, 0x1000,
					      IOK_DMA_BIDIRECTIONAL), -EINVAL);
	assert_int_equal(iok_dma_unmap_single(f->dma, D(f, "02:00.0"), addr, 0x1800,
					      IOK_DMA_TO_DEVICE), -EINVAL);
	assert_int_equal(iok_dma_unmap_single(f->dma, D(f, "02:00.0"), addr + 8, 0x1800,
					      IOK_DMA_BIDIRECTIONAL), -EINVAL);
	assert_int_equal(iok_dma_unmap_single(f->dma, D(f, "02:00.1"), addr, 0x1800,
					      IOK_DMA_BIDIRECTIONAL), -EINVAL);
	assert_int_equal(stats(f).warnings, before.warnings + 5);
	assert_int_equal(stats(f).live, 1);
	assert_int_equal(iok_iova_to_phys(d, addr), 0x7000);
	/* The real unmap works once; the second is refused. */
	assert_int_equal(iok_dma_unmap_single(f->dma, D(f, "02:00.0"), addr, 0x1800,
					      IOK_DMA_BIDIRECTIONAL), 0);
	assert_int_equal(iok_iova_to_phys(d, addr), 0);
	assert_int_equal(iok_dma_unmap_single(f->dma, D(f, "02:00.0"), addr, 0x1800,
					      IOK_DMA_BIDIRECTIONAL), -ENOENT);
	/* A mapping removed behind the DMA API's back: iommu_dma_unmap_page()'s WARN_ON(!phys). */
	addr = map(f, "02:00.0", 0x7000, SZ_4K, IOK_DMA_BIDIRECTIONAL);
	assert_int_equal(iok_unmap(d, addr, SZ_4K), SZ_4K);
	assert_int_equal(iok_dma_unmap_single(f->dma, D(f, "02:00.0"), addr, SZ_4K,
					      IOK_DMA_BIDIRECTIONAL), -ENOENT);
	assert_int_equal(iok_dma_get_stats(f->dma, NULL), -EINVAL);
	assert_int_equal(iok_dma_new(NULL, &f->dma), -EINVAL);
}

/* iommu_dma_map_sg(): one IOVA range, entries merged into DMA segments. */
static void scatterlist(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;
	struct iok_sg sg[3] = {
		{ .paddr = 0x10000, .length = 0x1000 },
		{ .paddr = 0x11000, .length = 0x1000 },	/* physically contiguous */
		{ .paddr = 0x20200, .length = 0x300 },	/* starts inside a page */
	};
	struct iok_sg big[17];
	int n;

	BOOT(f, .cmdline = "iommu.strict=1");
	bind(f, "01:00.0", "nvme");
	d = def(f, "01:00.0");
	n = iok_dma_map_sg(f->dma, D(f, "01:00.0"), sg, 3, IOK_DMA_TO_DEVICE);
	assert_int_equal(n, 2);
	assert_int_equal(sg[0].dma_length, 0x2000);
	assert_int_equal(sg[1].dma_address, sg[0].dma_address + 0x2000 + 0x200);
	assert_int_equal(sg[1].dma_length, 0x300);
	assert_int_equal(sg[2].dma_length, 0);
	/* Three pages, one range aligned to 4 pages. */
	assert_int_equal(sg[0].dma_address % (4 * SZ_4K), 0);
	assert_int_equal(iok_iova_to_phys(d, sg[0].dma_address + 0x1234), 0x11234);
	assert_int_equal(iok_iova_to_phys(d, sg[1].dma_address + 0x10), 0x20210);
	assert_int_equal(dev_dma(f, "01:00.0", sg[1].dma_address, IOK_PROT_WRITE, NULL), -EFAULT);
	/* A different entry count is not this mapping. */
	assert_int_equal(iok_dma_unmap_sg(f->dma, D(f, "01:00.0"), sg, 2, IOK_DMA_TO_DEVICE),
			 -EINVAL);
	assert_int_equal(iok_dma_unmap_sg(f->dma, D(f, "01:00.0"), sg, 3, IOK_DMA_TO_DEVICE), 0);
	assert_int_equal(iok_iova_to_phys(d, sg[0].dma_address), 0);
	assert_int_equal(iok_iova_to_phys(d, sg[1].dma_address), 0);
	/* 17 contiguous pages: segments stop at the 64 KiB maximum. */
	for (unsigned int i = 0; i < 17; i++)
		big[i] = (struct iok_sg){ .paddr = 0x100000 + i * SZ_4K, .length = SZ_4K };
	n = iok_dma_map_sg(f->dma, D(f, "01:00.0"), big, 17, IOK_DMA_BIDIRECTIONAL);
	assert_int_equal(n, 2);
	assert_int_equal(big[0].dma_length, IOK_DMA_MAX_SEG_SIZE);
	assert_int_equal(big[1].dma_address, big[0].dma_address + IOK_DMA_MAX_SEG_SIZE);
	assert_int_equal(big[1].dma_length, SZ_4K);
	/* 17 pages are 17 pages, not rounded: aligned to 32 pages. */
	assert_int_equal(big[0].dma_address % (32 * SZ_4K), 0);
	assert_int_equal(iok_dma_unmap_sg(f->dma, D(f, "01:00.0"), big, 17,
					  IOK_DMA_BIDIRECTIONAL), 0);
	/* Bad lists. */
	sg[0].length = 0;
	assert_int_equal(iok_dma_map_sg(f->dma, D(f, "01:00.0"), sg, 3, IOK_DMA_TO_DEVICE),
			 -EINVAL);
	assert_int_equal(iok_dma_map_sg(f->dma, D(f, "01:00.0"), sg, 0, IOK_DMA_TO_DEVICE),
			 -EINVAL);
	assert_int_equal(stats(f).live, 0);
}

/* sysfs DMA -> DMA-FQ is live (spec 2.4): mappings made strict are unmapped lazily after. */
static void strict_to_lazy_live(void **state)
{
	struct fx *f = *state;
	uint64_t addr;

	BOOT(f, .cmdline = "iommu.strict=1");
	bind(f, "01:00.0", "nvme");
	addr = map(f, "01:00.0", 0x1000, SZ_4K, IOK_DMA_TO_DEVICE);
	assert_int_equal(iok_group_set_default_type(iok_dev_get_rgroup(f->m, D(f, "01:00.0")),
						    "DMA-FQ"), 0);
	assert_int_equal(iok_dma_unmap_single(f->dma, D(f, "01:00.0"), addr, SZ_4K,
					      IOK_DMA_TO_DEVICE), 0);
	assert_int_equal(stats(f).fq_pending, 1);
	assert_int_equal(stats(f).strict_flushes, 0);
}

/* The default domain replaced (driver gone, sysfs type): the old cookie is dropped. */
static void domain_replaced(void **state)
{
	struct fx *f = *state;
	struct iok_rgroup *rg;
	uint64_t addr;

	BOOT(f);
	bind(f, "01:00.0", "nvme");
	rg = iok_dev_get_rgroup(f->m, D(f, "01:00.0"));
	addr = map(f, "01:00.0", 0x1000, SZ_4K, IOK_DMA_TO_DEVICE);
	assert_int_equal(iok_dma_unmap_single(f->dma, D(f, "01:00.0"), addr, SZ_4K,
					      IOK_DMA_TO_DEVICE), 0);
	/* A leaked mapping, and an unmap still queued, when the driver goes. */
	addr = map(f, "01:00.0", 0x2000, SZ_4K, IOK_DMA_TO_DEVICE);
	assert_int_equal(iok_device_unbind_driver(f->m, D(f, "01:00.0")), 0);
	assert_int_equal(iok_group_set_default_type(rg, "identity"), 0);
	/* Time passes: the dead domain's timer is not run (it would touch freed memory). */
	assert_int_equal(iok_dma_fq_advance(f->dma, 20 * MS), 0);
	assert_int_equal(stats(f).fq_pending, 0);
	assert_int_equal(stats(f).live, 0);
	assert_int_equal(iok_group_set_default_type(rg, "DMA"), 0);
	bind(f, "01:00.0", "nvme");
	/* The leaked mapping died with its domain. */
	assert_int_equal(iok_dma_unmap_single(f->dma, D(f, "01:00.0"), addr, SZ_4K,
					      IOK_DMA_TO_DEVICE), -ENOENT);
	addr = map(f, "01:00.0", 0x3000, SZ_4K, IOK_DMA_TO_DEVICE);
	assert_int_equal(iok_iova_to_phys(def(f, "01:00.0"), addr), 0x3000);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(strict_round_trip),
		T(direction_to_prot),
		T(fq_stale_until_timer),
		T(fq_full_flushes),
		T(exhaustion_and_recovery),
		T(reserved_regions),
		T(dma_mask_and_sac),
		T(identity_is_direct),
		T(owned_and_blocked_refused),
		T(bad_input),
		T(scatterlist),
		T(strict_to_lazy_live),
		T(domain_replaced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
