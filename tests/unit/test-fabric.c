// SPDX-License-Identifier: MIT
/*
 * The fabric's memory and DMA engine: sparse memory, BARs in the address
 * map, data integrity of DMA through identity and paging domains at random
 * sizes and offsets across page and leaf boundaries, faults recorded with
 * the right requester ID, address and reason (spec runtime 2.5, 5), DMA to
 * nowhere, and bad input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine-helpers.h"
#include "lib/iommu/iommu-private.h"
#include "lib/pgtable/pgtable-private.h"

#define SZ_4K	0x1000ull
#define SZ_2M	0x200000ull
#define SZ_1G	0x40000000ull
#define RW	(IOK_PROT_READ | IOK_PROT_WRITE)

/*
 *   00:01.0 root port (ACS) -> 01:00.0 NVMe
 *   00:02.0 root port (ACS) -> 02:00.0 PCIe-to-PCI bridge -> 03:04.0, 03:05.0
 *   00:03.0 root port (ACS) -> 04:00.0 NIC
 */
static const char topo_json[] =
	"{'schema': 1, 'platform': {'iommu': 'intel', 'kernel': '6.19'%s}, 'devices': ["
	"{'bdf': '00:01.0', 'id': '1b36:000c', 'pcie': 'root_port', 'secondary': '01',"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '01:00.0', 'id': '144d:a808', 'class': '010802', 'pcie': 'endpoint'},"
	"{'bdf': '00:02.0', 'id': '1b36:000c', 'pcie': 'root_port', 'secondary': '02',"
	" 'subordinate': '03', 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '02:00.0', 'id': '104c:8240', 'pcie': 'pcie_to_pci', 'secondary': '03'},"
	"{'bdf': '03:04.0', 'id': '10ec:8169', 'class': '020000'},"
	"{'bdf': '03:05.0', 'id': '1106:3038', 'class': '0c0300'},"
	"{'bdf': '00:03.0', 'id': '1b36:000c', 'pcie': 'root_port', 'secondary': '04',"
	" 'acs': {'cap': 'SV RR CR UF'}},"
	"{'bdf': '04:00.0', 'id': '8086:1533', 'class': '020000', 'pcie': 'endpoint'}]}";

struct fx {
	struct t_fx;		/* ctx, t, m, f */
	uint64_t rnd;
};

static int setup(void **state)
{
	struct fx *x;

	t_fx_alloc(state, sizeof(*x));
	x = *state;
	x->rnd = 0x1234567;
	return 0;
}

static int teardown(void **state)
{
	return t_fx_teardown(state);
}

static uint64_t rnd(struct fx *x)
{
	uint64_t z = (x->rnd += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void fill_random(struct fx *x, uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = rnd(x);
}

static void boot(struct fx *x, const char *platform)
{
	x->t = t_loadf(x->ctx, topo_json, platform ? platform : "");
	x->m = t_machine(x->t, NULL);
	x->f = t_fabric(x->m);
}

static struct iok_dev *D(struct fx *x, const char *bdf)
{
	return t_dev(x->t, bdf);
}

/* An UNMANAGED domain attached to @bdf's group, owned by the test. */
static struct iok_domain *own_paging(struct fx *x, const char *bdf)
{
	struct iok_rgroup *rg = t_rgroup(x->m, D(x, bdf));
	struct iok_domain *d = t_paging(x->m, D(x, bdf));

	assert_int_equal(iok_group_claim_dma_owner(rg, x), 0);
	assert_int_equal(iok_attach_group(d, rg), 0);
	return d;
}

static struct iok_dma_req req(struct fx *x, const char *bdf, uint64_t addr)
{
	return (struct iok_dma_req){ .dev = D(x, bdf), .pasid = IOK_PASID_NONE, .addr = addr };
}

/* ---- memory ------------------------------------------------------------ */

static void test_sparse_memory(void **state)
{
	struct fx *x = *state;
	uint8_t buf[8192], zero[8192] = { 0 };
	size_t diff = 0;

	boot(x, NULL);
	/* Never-written memory reads as zeros and costs nothing. */
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(iok_fabric_mem_read(x->f, 0x12345000, buf, sizeof(buf)), 0);
	assert_memory_equal(buf, zero, sizeof(buf));
	assert_int_equal(iok_fabric_mem_allocated(x->f), 0);
	assert_int_equal(iok_fabric_mem_fill(x->f, 0x40000000, 0, SZ_2M), 0);
	assert_int_equal(iok_fabric_mem_allocated(x->f), 0);
	assert_int_equal(iok_fabric_mem_compare(x->f, 0x7000, zero, sizeof(zero), NULL), 0);
	/* A write reserves one chunk, whatever the address (near 64 GiB here). */
	fill_random(x, buf, sizeof(buf));
	assert_int_equal(iok_fabric_mem_write(x->f, 0xfffff0000ull, buf, 100), 0);
	assert_true(iok_fabric_mem_allocated(x->f) > 0);
	assert_true(iok_fabric_mem_allocated(x->f) <= SZ_2M);
	assert_int_equal(iok_fabric_mem_compare(x->f, 0xfffff0000ull, buf, 100, NULL), 0);
	/* Across a chunk edge. */
	assert_int_equal(iok_fabric_mem_write(x->f, 3 * SZ_2M - 100, buf, sizeof(buf)), 0);
	memset(zero, 0, sizeof(zero));
	assert_int_equal(iok_fabric_mem_read(x->f, 3 * SZ_2M - 100, zero, sizeof(zero)), 0);
	assert_memory_equal(buf, zero, sizeof(buf));
	buf[5000] ^= 1;
	assert_int_equal(iok_fabric_mem_compare(x->f, 3 * SZ_2M - 100, buf, sizeof(buf), &diff), 1);
	assert_int_equal(diff, 5000);
	assert_int_equal(iok_fabric_mem_fill(x->f, 3 * SZ_2M - 50, 0x5a, 10), 0);
	assert_int_equal(iok_fabric_mem_read(x->f, 3 * SZ_2M - 51, buf, 12), 0);
	assert_int_equal(buf[0], zero[49]);
	assert_int_equal(buf[1], 0x5a);
	assert_int_equal(buf[10], 0x5a);
	assert_int_equal(buf[11], zero[60]);
}

static void test_memory_map(void **state)
{
	struct fx *x = *state;
	struct iok_region r;
	uint8_t b = 1;

	boot(x, NULL);
	/* RAM below 3 GiB and from 4 GiB to 64 GiB; BARs from 0xc0000000. */
	assert_int_equal(iok_fabric_lookup(x->f, 0x1000, &r), 0);
	assert_int_equal(r.kind, IOK_REGION_RAM);
	assert_int_equal(iok_fabric_lookup(x->f, 0x800000000ull, &r), 0);
	assert_int_equal(r.kind, IOK_REGION_RAM);
	assert_int_equal(iok_fabric_lookup(x->f, 0xe0000000ull, &r), -ENXIO);
	assert_int_equal(iok_fabric_lookup(x->f, 0x1000000000ull, &r), -ENXIO);
	assert_int_equal(iok_fabric_lookup(x->f, 0xfee00000ull, &r), 0);
	assert_int_equal(r.kind, IOK_REGION_MSI);
	/* Nothing there: nothing written, nothing read. */
	assert_int_equal(iok_fabric_mem_write(x->f, 0xe0000000ull, &b, 1), -ENXIO);
	assert_int_equal(iok_fabric_mem_read(x->f, 0xbffffffeull + 0x40000000, &b, 1), -ENXIO);
	/* All or nothing: a write running off the end of RAM changes nothing. */
	assert_int_equal(iok_fabric_mem_write(x->f, 0xfffffffffull, (uint8_t[2]){ 7, 7 }, 2),
			 -ENXIO);
	assert_int_equal(iok_fabric_mem_read(x->f, 0xfffffffffull, &b, 1), 0);
	assert_int_equal(b, 0);
	/* More RAM, far up; overlaps refused. */
	assert_int_equal(iok_fabric_add_ram(x->f, 0x10000000000ull, SZ_1G), 0);
	assert_int_equal(iok_fabric_mem_write(x->f, 0x10000000000ull + 5, &b, 1), 0);
	assert_int_equal(iok_fabric_add_ram(x->f, 0x10000000000ull + SZ_4K, SZ_4K), -EEXIST);
	assert_int_equal(iok_fabric_add_ram(x->f, 0x123, SZ_4K), -EINVAL);
	assert_int_equal(iok_fabric_add_ram(x->f, 0xfffffffffffff000ull, 0x2000), -EINVAL);
	/* A range that wraps is refused. */
	assert_int_equal(iok_fabric_mem_read(x->f, UINT64_MAX, (uint8_t[2]){ 0 }, 2), -EINVAL);
	assert_int_equal(iok_fabric_mem_read(NULL, 0, &b, 1), -EINVAL);
	assert_int_equal(iok_fabric_mem_read(x->f, 0, NULL, 1), -EINVAL);
}

/* ---- BARs -------------------------------------------------------------- */

static void test_firmware_bars(void **state)
{
	struct fx *x = *state;
	static const char *const eps[] = { "01:00.0", "03:04.0", "03:05.0", "04:00.0" };
	struct iok_bar b[4];
	struct iok_region r;
	uint64_t base, limit;
	uint8_t data[16] = "BAR contents", back[16];

	boot(x, NULL);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(iok_fabric_get_bar(x->f, D(x, eps[i]), 0, &b[i]), 0);
		assert_int_equal(b[i].size, 0x100000);
		assert_true(b[i].addr >= 0xc0000000ull && b[i].addr < 0xfec00000ull);
		assert_true(b[i].flags & IOK_BAR_ASSIGNED_BY_FABRIC);
		assert_int_equal(iok_fabric_lookup(x->f, b[i].addr + 0x10, &r), 0);
		assert_int_equal(r.kind, IOK_REGION_BAR);
		assert_ptr_equal(r.dev, D(x, eps[i]));
		for (unsigned int j = 0; j < i; j++)
			assert_true(b[i].addr + b[i].size <= b[j].addr ||
				    b[j].addr + b[j].size <= b[i].addr);
	}
	assert_int_equal(iok_fabric_get_bar(x->f, D(x, "01:00.0"), 1, &b[0]), -ENOENT);
	assert_int_equal(iok_fabric_get_bar(x->f, D(x, "00:01.0"), 0, &b[0]), -ENOENT);
	assert_int_equal(iok_fabric_get_bar(x->f, D(x, "01:00.0"), 6, &b[0]), -EINVAL);
	/* Windows hold what is below them. */
	assert_int_equal(iok_fabric_get_window(x->f, D(x, "00:02.0"), IOK_WINDOW_MEM, &base,
					       &limit), 0);
	assert_int_equal(iok_fabric_get_bar(x->f, D(x, "03:05.0"), 0, &b[0]), 0);
	assert_true(base <= b[0].addr && b[0].addr + b[0].size - 1 <= limit);
	assert_int_equal(iok_fabric_get_window(x->f, D(x, "02:00.0"), IOK_WINDOW_MEM, &base,
					       &limit), 0);
	assert_true(base <= b[0].addr && b[0].addr + b[0].size - 1 <= limit);
	assert_int_equal(iok_fabric_get_window(x->f, D(x, "00:02.0"), IOK_WINDOW_PREF, &base,
					       &limit), -ENOENT);
	assert_int_equal(iok_fabric_get_window(x->f, D(x, "01:00.0"), IOK_WINDOW_MEM, &base,
					       &limit), -EINVAL);
	/* The CPU reaches device memory. */
	assert_int_equal(iok_fabric_mem_write(x->f, b[0].addr + 0x800, data, sizeof(data)), 0);
	assert_int_equal(iok_fabric_mem_read(x->f, b[0].addr + 0x800, back, sizeof(back)), 0);
	assert_memory_equal(data, back, sizeof(data));
}

/* A dump of a running machine: addresses from config space, sizes guessed. */
static void test_dump_bars(void **state)
{
	struct fx *x = *state;
	const char *root = getenv("IOMMUKIT_CORPUS");
	char src[4200];
	struct iok_bar b;
	uint64_t base, limit;

	if (!root)
		skip();
	snprintf(src, sizeof(src), "lspci:%s/kernel/b-rp-e1000e/lspci.txt", root);
	assert_int_equal(iok_topo_load(x->ctx, src, &x->t), 0);
	assert_int_equal(iok_machine_new(x->t, &x->m), 0);
	assert_int_equal(iok_fabric_new(x->m, &x->f), 0);
	/* 82574L: BAR0 0xfe640000, BAR1 0xfe660000, BAR2 I/O, BAR3 0xfe680000. */
	assert_int_equal(iok_fabric_get_bar(x->f, D(x, "01:00.0"), 0, &b), 0);
	assert_int_equal(b.addr, 0xfe640000);
	assert_int_equal(b.size, 0x20000);
	assert_true(b.flags & IOK_BAR_SIZE_GUESSED);
	assert_int_equal(iok_fabric_get_bar(x->f, D(x, "01:00.0"), 1, &b), 0);
	assert_int_equal(b.addr, 0xfe660000);
	assert_int_equal(iok_fabric_get_bar(x->f, D(x, "01:00.0"), 2, &b), 0);
	assert_true(b.flags & IOK_BAR_IO);
	assert_int_equal(b.addr, 0xc000);
	assert_int_equal(iok_fabric_get_bar(x->f, D(x, "01:00.0"), 3, &b), 0);
	assert_int_equal(b.addr, 0xfe680000);
	assert_true(b.addr + b.size - 1 <= 0xfe7fffff);
	assert_int_equal(iok_fabric_get_window(x->f, D(x, "00:02.0"), IOK_WINDOW_MEM, &base,
					       &limit), 0);
	assert_int_equal(base, 0xfe600000);
	assert_int_equal(limit, 0xfe7fffff);
}

/* ---- DMA --------------------------------------------------------------- */

/* Identity (iommu=pt): the bus address is the physical address. */
static void test_dma_identity(void **state)
{
	struct fx *x = *state;
	uint8_t *buf = malloc(3 * SZ_2M), *back = malloc(3 * SZ_2M);

	boot(x, ", 'cmdline': 'iommu=pt'");
	for (unsigned int i = 0; i < 64; i++) {
		uint64_t addr = 0x10000000 + rnd(x) % (64 * SZ_2M);
		size_t len = 1 + rnd(x) % (3 * SZ_2M);
		struct iok_dma_req rq = req(x, "01:00.0", addr);
		size_t moved = 0;

		fill_random(x, buf, len);
		assert_int_equal(iok_fabric_dma_write(x->f, &rq, buf, len, &moved), 0);
		assert_int_equal(moved, len);
		assert_int_equal(iok_fabric_mem_compare(x->f, addr, buf, len, NULL), 0);
		memset(back, 0, len);
		assert_int_equal(iok_fabric_dma_read(x->f, &rq, back, len, &moved), 0);
		assert_memory_equal(buf, back, len);
	}
	free(buf);
	free(back);
}

/*
 * A paging domain with 4 KiB and 2 MiB mappings scattered over memory:
 * random transfers across page and leaf edges land where iova_to_phys says.
 */
static void test_dma_paging_integrity(void **state)
{
	struct fx *x = *state;
	const uint64_t iova0 = 0x40000000, span = 8 * SZ_2M;
	uint8_t *buf = malloc(span), *back = malloc(span), page[SZ_4K];
	struct iok_domain *d;

	boot(x, NULL);
	d = own_paging(x, "04:00.0");
	/* First 2 MiB pages, then 4 KiB pages each at a random physical page. */
	for (uint64_t off = 0; off < span; off += SZ_2M) {
		if ((off / SZ_2M) % 2 == 0) {
			uint64_t pa = (0x100000000ull + (rnd(x) % 1024) * SZ_2M * 16) + off;

			assert_int_equal(iok_map(d, iova0 + off, pa, SZ_2M, RW), 0);
			continue;
		}
		for (uint64_t p = 0; p < SZ_2M; p += SZ_4K) {
			uint64_t pa = (rnd(x) % 0xb0000) * SZ_4K + 0x800000000ull * (p & SZ_4K ? 1 : 0);

			assert_int_equal(iok_map(d, iova0 + off + p, pa, SZ_4K, RW), 0);
		}
	}
	for (unsigned int i = 0; i < 200; i++) {
		uint64_t off = rnd(x) % span;
		size_t len = 1 + rnd(x) % (span - off > 3 * SZ_2M ? 3 * SZ_2M : span - off);
		struct iok_dma_req rq = req(x, "04:00.0", iova0 + off);
		size_t moved = 0;

		fill_random(x, buf, len);
		assert_int_equal(iok_fabric_dma_write(x->f, &rq, buf, len, &moved), 0);
		assert_int_equal(moved, len);
		/* Page by page through the CPU, at the translated addresses. */
		for (size_t pos = 0; pos < len;) {
			uint64_t iova = iova0 + off + pos, pa = iok_iova_to_phys(d, iova);
			size_t n = SZ_4K - (iova & (SZ_4K - 1));

			if (n > len - pos)
				n = len - pos;
			assert_int_equal(iok_fabric_mem_read(x->f, pa, page, n), 0);
			assert_memory_equal(page, buf + pos, n);
			pos += n;
		}
		memset(back, 0, len);
		assert_int_equal(iok_fabric_dma_read(x->f, &rq, back, len, &moved), 0);
		assert_int_equal(moved, len);
		assert_memory_equal(buf, back, len);
	}
	free(buf);
	free(back);
}

/* A hole stops the transfer; the fault names the requester and the address. */
static void test_fault_stops_transfer(void **state)
{
	struct fx *x = *state;
	uint8_t buf[4 * SZ_4K], zero[SZ_4K] = { 0 };
	struct iok_iommu_unit *u;
	struct iok_domain *d;
	struct iok_fault f;
	struct iok_dma_req rq;
	size_t moved = 0;

	boot(x, NULL);
	d = own_paging(x, "01:00.0");
	u = iok_dev_get_unit(x->m, D(x, "01:00.0"));
	iok_unit_clear_faults(u);
	assert_int_equal(iok_map(d, 0x100000, 0x200000, 2 * SZ_4K, RW), 0);
	assert_int_equal(iok_map(d, 0x103000, 0x300000, SZ_4K, IOK_PROT_READ), 0);
	fill_random(x, buf, sizeof(buf));
	rq = req(x, "01:00.0", 0x100800);
	assert_int_equal(iok_fabric_dma_write(x->f, &rq, buf, sizeof(buf), &moved), -EFAULT);
	assert_int_equal(moved, 2 * SZ_4K - 0x800);
	assert_int_equal(iok_fabric_mem_compare(x->f, 0x200800, buf, moved, NULL), 0);
	assert_int_equal(iok_unit_count_faults(u), 1);
	assert_int_equal(iok_unit_get_fault(u, 0, &f), 0);
	assert_ptr_equal(f.dev, D(x, "01:00.0"));
	assert_int_equal(f.rid, 0x0100);
	assert_int_equal(f.addr, 0x102000);
	assert_int_equal(f.access, IOK_FAULT_PERM_WRITE);
	assert_int_equal(f.reason, IOK_FAULT_NOT_PRESENT);
	/* Writing a read-only page: a permission fault, nothing written. */
	rq = req(x, "01:00.0", 0x103000);
	assert_int_equal(iok_fabric_dma_write(x->f, &rq, buf, 16, &moved), -EFAULT);
	assert_int_equal(moved, 0);
	assert_int_equal(iok_unit_get_fault(u, 1, &f), 0);
	assert_int_equal(f.reason, IOK_FAULT_PERMISSION);
	assert_int_equal(iok_fabric_mem_compare(x->f, 0x300000, zero, 16, NULL), 0);
	assert_int_equal(iok_fabric_dma_read(x->f, &rq, buf, 16, &moved), 0);
}

/* Behind a PCIe-to-PCI bridge the IOMMU sees the bridge's ID (spec groups 5.1). */
static void test_fault_alias_rid(void **state)
{
	struct fx *x = *state;
	struct iok_iommu_unit *u;
	struct iok_fault f;
	struct iok_dma_req rq;
	uint8_t buf[64] = { 1 };

	boot(x, NULL);
	own_paging(x, "03:05.0");
	u = iok_dev_get_unit(x->m, D(x, "03:05.0"));
	iok_unit_clear_faults(u);
	rq = req(x, "03:05.0", 0x5000);
	assert_int_equal(iok_fabric_dma_read(x->f, &rq, buf, sizeof(buf), NULL), -EFAULT);
	assert_int_equal(iok_unit_get_fault(u, 0, &f), 0);
	assert_int_equal(f.rid, 0x0300);
	assert_int_equal(f.access, IOK_FAULT_PERM_READ);
	assert_int_equal(f.addr, 0x5000);
}

/* Blocked (owned, nothing attached): every DMA faults, PASID or not. */
static void test_blocked_and_pasid(void **state)
{
	struct fx *x = *state;
	struct iok_rgroup *rg;
	struct iok_iommu_unit *u;
	struct iok_fault f;
	struct iok_dma_req rq;
	uint8_t b = 0;

	boot(x, NULL);
	rg = iok_dev_get_rgroup(x->m, D(x, "04:00.0"));
	assert_int_equal(iok_group_claim_dma_owner(rg, x), 0);
	u = iok_dev_get_unit(x->m, D(x, "04:00.0"));
	iok_unit_clear_faults(u);
	rq = req(x, "04:00.0", 0x1000);
	assert_int_equal(iok_fabric_dma_write(x->f, &rq, &b, 1, NULL), -EFAULT);
	assert_int_equal(iok_unit_get_fault(u, 0, &f), 0);
	assert_int_equal(f.reason, IOK_FAULT_BLOCKED);
	rq.pasid = 7;
	assert_int_equal(iok_fabric_dma_write(x->f, &rq, &b, 1, NULL), -EFAULT);
	assert_int_equal(iok_unit_get_fault(u, 1, &f), 0);
	assert_int_equal(f.pasid, 7);
	assert_int_equal(f.reason, IOK_FAULT_NO_PASID);
}

/* DMA to nowhere: an error in the fabric's log, never silence. */
static void test_dma_to_nowhere(void **state)
{
	struct fx *x = *state;
	struct iok_fabric_error e;
	struct iok_dma_req rq;
	uint8_t buf[SZ_4K] = { 0 };
	size_t moved = 1;

	boot(x, ", 'cmdline': 'iommu=pt'");
	rq = req(x, "01:00.0", 0xe0000000ull);
	assert_int_equal(iok_fabric_dma_write(x->f, &rq, buf, 16, &moved), -ENXIO);
	assert_int_equal(moved, 0);
	assert_int_equal(iok_fabric_count_errors(x->f), 1);
	assert_int_equal(iok_fabric_get_error(x->f, 0, &e), 0);
	assert_ptr_equal(e.dev, D(x, "01:00.0"));
	assert_int_equal(e.rid, 0x0100);
	assert_int_equal(e.addr, 0xe0000000ull);
	assert_int_equal(e.paddr, 0xe0000000ull);
	assert_int_equal(e.end, IOK_ROUTE_UNCLAIMED);
	assert_true(e.write);
	/* Running off the end of RAM: what fits is written, then the error. */
	rq = req(x, "01:00.0", 0xfffffff00ull);
	assert_int_equal(iok_fabric_dma_write(x->f, &rq, buf, 0x200, &moved), -ENXIO);
	assert_int_equal(moved, 0x100);
	assert_int_equal(iok_fabric_get_error(x->f, 1, &e), 0);
	assert_int_equal(e.paddr, 0x1000000000ull);
	assert_int_equal(iok_fabric_get_error(x->f, 2, &e), -ENOENT);
	iok_fabric_clear_errors(x->f);
	assert_int_equal(iok_fabric_count_errors(x->f), 0);
}

/* The x86 MSI window: writes are interrupts, untranslated; reads fail. */
static void test_msi_window(void **state)
{
	struct fx *x = *state;
	struct iok_dma_req rq;
	uint32_t msg = 0x41;

	boot(x, NULL);
	own_paging(x, "01:00.0");
	rq = req(x, "01:00.0", 0xfee00000ull);
	assert_int_equal(iok_fabric_dma_write(x->f, &rq, &msg, 4, NULL), 0);
	assert_int_equal(iok_fabric_get_msi_count(x->f), 1);
	assert_int_equal(iok_fabric_dma_read(x->f, &rq, &msg, 4, NULL), -ENXIO);
}

/* Outside every IOMMU unit: DMA goes to physical addresses untranslated. */
static void test_no_iommu_coverage(void **state)
{
	struct fx *x = *state;
	struct iok_dma_req rq;
	uint8_t data[8] = "physical";

	x->t = t_loadf(x->ctx, topo_json, "");
	assert_int_equal(iok_topo_set_param(x->t, "no_iommu", "0000:00:03.0"), 0);
	assert_int_equal(iok_machine_new(x->t, &x->m), 0);
	assert_int_equal(iok_fabric_new(x->m, &x->f), 0);
	assert_null(iok_dev_get_unit(x->m, D(x, "04:00.0")));
	rq = req(x, "04:00.0", 0x7000);
	assert_int_equal(iok_fabric_dma_write(x->f, &rq, data, sizeof(data), NULL), 0);
	assert_int_equal(iok_fabric_mem_compare(x->f, 0x7000, data, sizeof(data), NULL), 0);
}

/* Peer-to-peer through the root complex after translation reaches the BAR. */
static void test_translated_to_bar(void **state)
{
	struct fx *x = *state;
	struct iok_domain *d;
	struct iok_bar b;
	struct iok_dma_req rq;
	uint8_t data[4] = { 0xde, 0xad, 0xbe, 0xef };

	boot(x, NULL);
	d = own_paging(x, "04:00.0");
	assert_int_equal(iok_fabric_get_bar(x->f, D(x, "01:00.0"), 0, &b), 0);
	assert_int_equal(iok_map(d, 0x10000, b.addr, SZ_4K, RW), 0);
	rq = req(x, "04:00.0", 0x10010);
	assert_int_equal(iok_fabric_dma_write(x->f, &rq, data, 4, NULL), 0);
	assert_int_equal(iok_fabric_mem_compare(x->f, b.addr + 0x10, data, 4, NULL), 0);
	/* Hot-removed, the BAR decodes nothing. */
	assert_int_equal(iok_machine_hotplug_remove(x->m, D(x, "01:00.0")), 0);
	assert_int_equal(iok_fabric_dma_write(x->f, &rq, data, 4, NULL), -ENXIO);
}

static void test_dma_bad_input(void **state)
{
	struct fx *x = *state;
	struct iok_dma_req rq;
	struct iok_fx2 { struct iok_topo *t; struct iok_machine *m; } o;
	uint8_t b[2] = { 0 };
	size_t moved = 5;

	boot(x, ", 'cmdline': 'iommu=pt'");
	rq = req(x, "01:00.0", UINT64_MAX);
	assert_int_equal(iok_fabric_dma_write(x->f, &rq, b, 2, &moved), -EINVAL);
	assert_int_equal(moved, 0);
	assert_int_equal(iok_fabric_dma_write(x->f, NULL, b, 2, NULL), -EINVAL);
	assert_int_equal(iok_fabric_dma_write(NULL, &rq, b, 2, NULL), -EINVAL);
	rq.addr = 0;
	assert_int_equal(iok_fabric_dma_read(x->f, &rq, NULL, 2, NULL), -EINVAL);
	assert_int_equal(iok_fabric_dma_read(x->f, &rq, NULL, 0, NULL), 0);
	/* A device of another machine. */
	o.t = t_loadf(x->ctx, topo_json, "");
	assert_int_equal(iok_machine_new(o.t, &o.m), 0);
	rq.dev = t_dev(o.t, "01:00.0");
	assert_int_equal(iok_fabric_dma_write(x->f, &rq, b, 2, NULL), -EINVAL);
	iok_machine_unref(o.m);
	iok_topo_unref(o.t);
	/* Hot-removed: it issues nothing. */
	rq = req(x, "04:00.0", 0x1000);
	assert_int_equal(iok_machine_hotplug_remove(x->m, D(x, "04:00.0")), 0);
	assert_int_equal(iok_fabric_dma_write(x->f, &rq, b, 2, NULL), -ENODEV);
	assert_int_equal(iok_fabric_new(NULL, &x->f), -EINVAL);
}

/* ---- translation in runs ----------------------------------------------- */

/* A second machine like @x's, with the same domain layout: the reference. */
struct twin {
	struct iok_machine *m;		/* x->m2, freed by the teardown */
	struct iok_domain *d;
	struct iok_iommu_unit *u;
};

static void layout(struct iok_domain *d)
{
	/* Contiguous, then scattered, then a 2 MiB page after a 4 KiB one. */
	for (uint64_t i = 0; i < 12; i++)
		assert_int_equal(iok_map(d, 0x10000000 + i * SZ_4K, (i < 6 ? 0x100000000ull :
					 0x100800000ull - 2 * i * SZ_4K) + i * SZ_4K, SZ_4K, RW), 0);
	assert_int_equal(iok_map(d, 0x101ff000, 0x140000000ull, SZ_4K, RW), 0);
	assert_int_equal(iok_map(d, 0x10200000, 0x200000000ull, SZ_2M, RW), 0);
	/* Two pages, a hole, a read-only page. */
	assert_int_equal(iok_map(d, 0x10600000, 0x180000000ull, 2 * SZ_4K, RW), 0);
	assert_int_equal(iok_map(d, 0x10603000, 0x190000000ull, SZ_4K, IOK_PROT_READ), 0);
}

static void twin_setup(struct fx *x, const char *bdf, struct twin *w, struct iok_domain **dx)
{
	struct iok_rgroup *rg;
	struct iok_dev *dev;

	x->t2 = t_loadf(x->ctx, topo_json, "");
	w->m = x->m2 = t_machine(x->t2, NULL);
	dev = t_dev(x->t2, bdf);
	rg = iok_dev_get_rgroup(w->m, dev);
	assert_int_equal(iok_domain_alloc_paging(w->m, dev, &w->d), 0);
	assert_int_equal(iok_group_claim_dma_owner(rg, w), 0);
	assert_int_equal(iok_attach_group(w->d, rg), 0);
	w->u = iok_dev_get_unit(w->m, dev);
	*dx = own_paging(x, bdf);
	/* Accessed and dirty bits start clear, so that every update shows. */
	assert_int_equal(iok_pgtable_set_features(w->d->pt, IOK_PGTABLE_DIRTY_TRACKING), 0);
	assert_int_equal(iok_pgtable_set_features((*dx)->pt, IOK_PGTABLE_DIRTY_TRACKING), 0);
	layout(w->d);
	layout(*dx);
	/* 8 entries: evictions all along. */
	assert_int_equal(iok_unit_set_iotlb_capacity(w->u, 8), 0);
	assert_int_equal(iok_unit_set_iotlb_capacity(iok_dev_get_unit(x->m, D(x, bdf)), 8), 0);
}

/* What the engine did before runs: iok_unit_translate() page after page. */
static size_t by_pages(struct twin *w, uint64_t addr, size_t len, unsigned int access, int *rc)
{
	size_t pos = 0;

	*rc = 0;
	while (pos < len) {
		struct iok_xlate_req q = { .segment = 0, .rid = 0x0100, .pasid = IOK_PASID_NONE,
					   .iova = addr + pos, .len = len - pos, .access = access };
		struct iok_xlate t;

		*rc = iok_unit_translate(w->u, &q, &t);
		if (*rc)
			break;
		pos += t.len;
	}
	return pos;
}

static void assert_same_unit(struct iok_iommu_unit *a, struct iok_iommu_unit *b)
{
	struct iok_iotlb_stats sa, sb;
	struct iok_fault fa, fb;
	unsigned int n = iok_unit_count_faults(a);

	assert_int_equal(iok_unit_get_iotlb_stats(a, &sa), 0);
	assert_int_equal(iok_unit_get_iotlb_stats(b, &sb), 0);
	assert_true(sa.hits == sb.hits && sa.misses == sb.misses && sa.fills == sb.fills);
	assert_true(sa.evictions == sb.evictions && sa.entries == sb.entries);
	assert_int_equal(n, iok_unit_count_faults(b));
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(iok_unit_get_fault(a, i, &fa), 0);
		assert_int_equal(iok_unit_get_fault(b, i, &fb), 0);
		assert_true(fa.addr == fb.addr && fa.reason == fb.reason && fa.rid == fb.rid);
		assert_int_equal(fa.access, fb.access);
	}
}

/*
 * The engine translates a transfer in runs of physically contiguous pages
 * (iok_unit_translate_run()), yet each page as iok_unit_translate() does:
 * the same IOTLB counters and entries with evictions, the same faults, the
 * same accessed and dirty bits (the tables' digests), the same bytes moved
 * before a fault (spec runtime 5).
 */
static void test_runs_translate_as_pages(void **state)
{
	static const struct { uint64_t addr; size_t len; bool write; int rc; } xfers[] = {
		{ 0x10000123, 12 * SZ_4K - 0x200, true, 0 },
		{ 0x10000000, 12 * SZ_4K, false, 0 },
		{ 0x10003456, 5 * SZ_4K, true, 0 },
		{ 0x101ff800, SZ_4K + 0x3000, true, 0 },
		{ 0x101ff000, SZ_2M + SZ_4K, false, 0 },
		{ 0x10600010, 3 * SZ_4K, true, -EFAULT },
		{ 0x10603000, 64, true, -EFAULT },
		{ 0x10603000, 64, false, 0 },
		{ 0x10000000, 12 * SZ_4K, true, 0 },
	};
	static uint8_t buf[SZ_2M + 4 * SZ_4K];
	struct fx *x = *state;
	struct iok_domain *d;
	struct twin w;

	boot(x, NULL);
	twin_setup(x, "01:00.0", &w, &d);
	for (unsigned int i = 0; i < sizeof(xfers) / sizeof(xfers[0]); i++) {
		struct iok_dma_req rq = req(x, "01:00.0", xfers[i].addr);
		unsigned int access = xfers[i].write ? IOK_PROT_WRITE : IOK_PROT_READ;
		size_t moved = 0, pages;
		int rc, prc;

		fill_random(x, buf, xfers[i].len);
		rc = xfers[i].write ? iok_fabric_dma_write(x->f, &rq, buf, xfers[i].len, &moved)
				    : iok_fabric_dma_read(x->f, &rq, buf, xfers[i].len, &moved);
		assert_int_equal(rc, xfers[i].rc);
		pages = by_pages(&w, xfers[i].addr, xfers[i].len, access, &prc);
		assert_int_equal(prc, rc);
		assert_true(moved == pages);
		assert_same_unit(iok_dev_get_unit(x->m, D(x, "01:00.0")), w.u);
		assert_true(iok_pgtable_digest(d->pt) == iok_pgtable_digest(w.d->pt));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sparse_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memory_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_firmware_bars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_bars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_paging_integrity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_stops_transfer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_alias_rid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blocked_and_pasid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_to_nowhere, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msi_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_iommu_coverage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_translated_to_bar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runs_translate_as_pages, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
