/* SPDX-License-Identifier: MIT */
/*
 * The fixtures of the runtime tests: a machine booted from a test's inline
 * JSON topology, the layers above it (fabric, SVA, DMA API), lookups that
 * fail the test instead of returning NULL, and the machine of the PASID and
 * SVA tests. Every helper fails the test with the library's message when
 * the library refuses.
 */
#ifndef IOK_TEST_MACHINE_HELPERS_H
#define IOK_TEST_MACHINE_HELPERS_H

#include "helpers.h"
#include <iommukit/dma.h>
#include <iommukit/fabric.h>
#include <iommukit/iommu.h>
#include <iommukit/sva.h>
#include <iommukit/topo.h>

/*
 * What a test boots, each member NULL until it does. A test's own struct
 * fx begins with it, as an anonymous member (-fms-extensions, see
 * tests/meson.build), so that f->t and f->m read as before and the cmocka
 * setup and teardown below serve every test:
 *
 *	struct fx {
 *		struct t_fx;
 *		struct iok_mm *mm;	// the test's own
 *	};
 */
struct t_fx {
	struct iok_ctx *ctx;
	struct iok_topo *t;
	struct iok_machine *m;
	struct iok_fabric *f;
	struct iok_sva *sva;
	struct iok_dma *dma;
	struct iok_topo *t2;	/* a second machine, for misuse */
	struct iok_machine *m2;
};

/* cmocka setup: a zeroed fixture of @size bytes (a struct fx) with its t_ctx(). */
int t_fx_alloc(void **state, size_t size);

/* Free what the fixture holds, the layers before the machines they use; keep ctx. */
void t_fx_release(struct t_fx *x);

/* cmocka teardown: t_fx_release(), then the context and the fixture. */
int t_fx_teardown(void **state);

/* iok_topo_set_param() that must succeed; nothing for a NULL @value. */
void t_param(struct iok_topo *t, const char *key, const char *value);

/* iok_machine_new(), or iok_machine_new_drivers() with @drivers. */
struct iok_machine *t_machine(struct iok_topo *t, const char *drivers);

/*
 * What a test machine boots with: the IOMMU driver ("intel" by default),
 * the kernel ("6.19"), a units description (""), and parameters left unset
 * when NULL. @json takes iommu, kernel and units as its three %s.
 */
struct t_boot {
	const char *iommu, *kernel, *units, *absent, *cmdline, *no_iommu, *drivers;
};

/* t_loadf() of @json with @o's parameters set. */
struct iok_topo *t_boot_load(struct iok_ctx *ctx, const char *json, struct t_boot o);

/* t_boot_load() into @x->t, then t_machine() into @x->m. */
struct iok_machine *t_fx_boot(struct t_fx *x, const char *json, struct t_boot o);

/* iok_fabric_new(), iok_sva_new() and iok_dma_new() that must succeed. */
struct iok_fabric *t_fabric(struct iok_machine *m);
struct iok_sva *t_sva(struct iok_fabric *f);
struct iok_dma *t_dma(struct iok_machine *m);

/* The runtime group of @d; fails the test when it has none. */
struct iok_rgroup *t_rgroup(struct iok_machine *m, struct iok_dev *d);

/* A paging (UNMANAGED) domain for @d's IOMMU. */
struct iok_domain *t_paging(struct iok_machine *m, struct iok_dev *d);

/* iok_machine_check(): the invariants of spec runtime 1.4 hold. */
void t_check(struct iok_machine *m);

/* The newest record of @u's fault queue; fails the test when it is empty. */
struct iok_fault t_last_fault(struct iok_iommu_unit *u);

/*
 * Config-space bytes (docs/topology-json.md's layout) for the devices of
 * the PASID and SVA tests: DevCap2 End-End TLP Prefix Supported (EE); a
 * PASID capability of width W at 0x100, with a PRI capability at 0x110; or
 * both after the ACS capability (0x140, 0x150). A root port with ACS; SV
 * off keeps functions in one group while RR and UF still allow PASIDs.
 */
#define EE		"'0x66': '0x20'"
#define PASID(w)	"'0x100': '0x1b', '0x102': '0x01', '0x105': '" w "'"
#define PASID_PRI(w)	"'0x100': '0x1b', '0x102': '0x01', '0x103': '0x11', '0x105': '" w "'," \
			" '0x110': '0x13', '0x112': '0x01'"
#define ACS_PASID_PRI(w) "'0x103': '0x14', '0x140': '0x1b', '0x142': '0x01', '0x143': '0x15'," \
			" '0x145': '" w "', '0x150': '0x13', '0x152': '0x01'"
#define PORT_ACS	"'acs': {'cap': 'SV RR CR UF', 'ctrl': 'SV RR CR UF'}"
#define FN_ACS		"'acs': {'cap': 'SV RR CR UF', 'ctrl': 'RR CR UF'}"
#define PORT(bdf, sec)	"{'bdf': '" bdf "', 'id': '8086:a110', 'pcie': 'root_port', 'secondary': '" \
			sec "', " PORT_ACS ", 'config': {" EE "}},"

/* Two IOMMU units: dmar0 for the port 00:01.0, dmar1 for everything else. */
#define TWO_UNITS ", 'units': [{'name': 'dmar0', 'scope': ['0000:00:01.0']}," \
		  " {'name': 'dmar1', 'include_all': true}]"

/*
 * The machine of the SVA tests (test-sva.c, test-vfio-sva.c), behind
 * @iommu, following Linux @kernel, with @platform appended to the
 * platform's keys (TWO_UNITS, or ""):
 *   01:00.0    20-bit PASIDs and PRI, alone
 *   02:00.0-1  two such functions in one group
 *   03:00.0    20-bit PASIDs without PRI
 *   04:00.0    no PASID
 *   00:05.0    an RCiEP with 32 PASIDs and PRI
 *   07:00.0-1  a PASID function and one without, one group
 */
struct iok_topo *t_sva_topo(struct iok_ctx *ctx, const char *iommu, const char *kernel,
			    const char *platform);

#endif
