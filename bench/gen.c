// SPDX-License-Identifier: MIT
/*
 * A generator of PCI topologies shaped like large servers: domains of
 * Intel-like or AMD-like root buses (RCiEPs, PCH functions, root ports with
 * and without ACS), and behind each port an empty hotplug slot, an NVMe
 * drive, a multifunction card with or without ACS, an SR-IOV NIC with its
 * VFs, a PCIe switch, or a bridge to conventional PCI. Every choice comes
 * from a seeded PRNG, so a seed and a size always give the same bytes.
 *
 * ACS Control holds what Linux leaves enabled, so the topology groups the
 * same whether read as firmware left it or as the kernel left it.
 */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <iommukit/iommukit.h>

#include "bench/gen.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define CFG_EXT 4096
#define CFG_STD 256

/* Standard capability chain of generated PCIe functions. */
#define CAP_PM 0x40
#define CAP_MSI 0x50
#define CAP_EXP 0x70
#define CAP_LAST 0xb0	/* MSI-X for endpoints, subsystem ID for bridges */
#define EXP_DEVCTL2 0x28
#define EXP_DEVCTL2_ARI 0x0020

#define ACS_PORT_CAP (IOK_ACS_SV | IOK_ACS_TB | IOK_ACS_RR | IOK_ACS_CR | IOK_ACS_UF | IOK_ACS_DT)
#define ACS_REQ (IOK_ACS_SV | IOK_ACS_RR | IOK_ACS_CR | IOK_ACS_UF)

/* enum iok_pcie_type, or this for a function without a PCI Express capability. */
#define T_CONV (-1)

/* ACS capability of a generated function. */
enum acs_kind {
	ACS_NONE,
	ACS_STD,	/* 16-bit registers, what Linux enabled in Control */
	ACS_MF,		/* a multifunction endpoint's: P2P redirect only */
	ACS_SPT,	/* Intel Sunrise Point's dword layout */
};

struct ids {
	uint16_t vendor, device;
	uint32_t class;
	const char *desc;
};

struct gen {
	struct gen_topo *t;
	uint64_t rng;
	unsigned int left;	/* functions still to create */
	uint32_t domain;
	unsigned int next_bus;	/* lowest unused bus number of the domain */
};

/* splitmix64: tiny and good enough to draw shapes from. */
static uint64_t rnd(struct gen *g)
{
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned int below(struct gen *g, unsigned int n)
{
	return rnd(g) % n;
}

static bool chance(struct gen *g, unsigned int percent)
{
	return below(g, 100) < percent;
}

static unsigned int buses_left(const struct gen *g)
{
	return 256 - g->next_bus;
}

static unsigned int min_u(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

static void w16(uint8_t *c, unsigned int off, uint16_t v)
{
	c[off] = v;
	c[off + 1] = v >> 8;
}

static void w32(uint8_t *c, unsigned int off, uint32_t v)
{
	w16(c, off, v);
	w16(c, off + 2, v >> 16);
}

/* ---- functions and their config space ---------------------------------- */

static uint8_t *fn_new(struct gen *g, uint8_t bus, uint8_t devfn, unsigned int known,
		       const struct ids *id, uint8_t hdr, size_t *off)
{
	struct gen_topo *t = g->t;
	struct gen_fn *f;
	uint8_t *c;

	assert(g->left > 0);
	g->left--;
	f = &t->fns[t->nr++];
	f->domain = g->domain;
	f->bus = bus;
	f->devfn = devfn;
	f->known = known;
	f->len = known < GEN_STORED ? known : GEN_STORED;
	f->off = t->arena_len;
	f->desc = id->desc;
	t->arena_len += f->len;
	c = t->arena + f->off;
	w16(c, 0x00, id->vendor);
	w16(c, 0x02, id->device);
	w16(c, 0x04, 0x0406);
	w16(c, 0x06, 0x0010);	/* capability list */
	w32(c, 0x08, id->class << 8 | 0x01);
	c[0x0e] = hdr;
	if (off)
		*off = f->off;
	return c;
}

static void std_caps(uint8_t *c, int type, bool bridge)
{
	c[0x34] = CAP_PM;
	w16(c, CAP_PM, 0x01 | (type == T_CONV ? 0 : CAP_MSI) << 8);
	w16(c, CAP_PM + 2, 0x0003);
	if (type == T_CONV)
		return;
	w16(c, CAP_MSI, 0x05 | CAP_EXP << 8);
	w16(c, CAP_MSI + 2, 0x0080);
	w16(c, CAP_EXP, 0x10 | CAP_LAST << 8);
	w16(c, CAP_EXP + 2, 0x0002 | type << 4 |
	    (type == IOK_PCIE_ROOT_PORT || type == IOK_PCIE_DOWNSTREAM ? 0x0100 : 0));
	c[CAP_LAST] = bridge ? 0x0d : 0x11;
}

struct ecap {
	uint8_t *c;
	unsigned int pos, last;
};

static unsigned int ecap_add(struct ecap *e, uint16_t id, uint8_t ver, unsigned int size)
{
	unsigned int pos = e->pos;

	assert(pos + size <= GEN_STORED);
	if (e->last)
		w16(e->c, e->last + 2, (e->c[e->last + 2] & 0x0f) | pos << 4);
	w32(e->c, pos, id | (uint32_t)ver << 16);
	e->last = pos;
	e->pos += size;
	return pos;
}

static void add_acs(struct ecap *e, enum acs_kind acs)
{
	unsigned int pos;

	switch (acs) {
	case ACS_NONE:
		break;
	case ACS_STD:
		pos = ecap_add(e, 0x000d, 1, 0x08);
		w16(e->c, pos + 4, ACS_PORT_CAP);
		w16(e->c, pos + 6, ACS_REQ);
		break;
	case ACS_MF:
		pos = ecap_add(e, 0x000d, 1, 0x08);
		w16(e->c, pos + 4, IOK_ACS_RR | IOK_ACS_CR);
		w16(e->c, pos + 6, IOK_ACS_RR | IOK_ACS_CR);
		break;
	case ACS_SPT:
		pos = ecap_add(e, 0x000d, 1, 0x0c);
		w32(e->c, pos + 4, ACS_PORT_CAP);
		w32(e->c, pos + 8, ACS_REQ);
		break;
	}
}

/* A PCIe function with AER, ACS as asked, and its standard capabilities. */
static uint8_t *pcie_fn(struct gen *g, uint8_t bus, uint8_t devfn, const struct ids *id,
			uint8_t hdr, int type, enum acs_kind acs, struct ecap *e, size_t *off)
{
	uint8_t *c = fn_new(g, bus, devfn, CFG_EXT, id, hdr, off);

	std_caps(c, type, (hdr & 0x7f) == 1);
	*e = (struct ecap){ .c = c, .pos = 0x100 };
	ecap_add(e, 0x0001, 2, 0x48);
	add_acs(e, acs);
	return c;
}

static void conv_fn(struct gen *g, uint8_t bus, uint8_t devfn, const struct ids *id, uint8_t hdr)
{
	uint8_t *c = fn_new(g, bus, devfn, CFG_STD, id, hdr, NULL);

	std_caps(c, T_CONV, (hdr & 0x7f) == 1);
	g->t->st.conventional++;
}

/* A bridge; its bus range is set by set_range() once the subtree exists. */
static size_t bridge_fn(struct gen *g, uint8_t bus, uint8_t devfn, const struct ids *id,
			bool mf, int type, enum acs_kind acs)
{
	uint8_t hdr = 0x01 | (mf ? 0x80 : 0);
	struct ecap e;
	uint8_t *c;
	size_t off;

	if (type == T_CONV) {
		c = fn_new(g, bus, devfn, CFG_STD, id, hdr, &off);
		std_caps(c, T_CONV, true);
		g->t->st.conventional++;
	} else {
		c = pcie_fn(g, bus, devfn, id, hdr, type, acs, &e, &off);
	}
	c[0x18] = bus;
	return off;
}

static void set_range(struct gen *g, size_t bridge, uint8_t secondary, uint8_t subordinate)
{
	g->t->arena[bridge + 0x19] = secondary;
	g->t->arena[bridge + 0x1a] = subordinate;
}

static void set_ari_forwarding(struct gen *g, size_t bridge)
{
	g->t->arena[bridge + CAP_EXP + EXP_DEVCTL2] |= EXP_DEVCTL2_ARI;
}

/* ---- the device models ------------------------------------------------- */

static const struct ids nvme[] = {
	{ 0x144d, 0xa80a, 0x010802, "Non-Volatile memory controller: Samsung Electronics Co Ltd NVMe SSD Controller PM9A1/PM9A3/980PRO" },
	{ 0x8086, 0x0b60, 0x010802, "Non-Volatile memory controller: Intel Corporation NVMe DC SSD [3DNAND, Sentinel Rock Controller]" },
	{ 0x1344, 0x51c3, 0x010802, "Non-Volatile memory controller: Micron Technology Inc 7450 PRO NVMe SSD" },
};

/* Multifunction cards: function 0 and the other functions. */
struct mf_model {
	struct ids fn0, fnx;
	unsigned int nr;
	enum acs_kind acs;
};

static const struct mf_model mf_models[] = {
	{ { 0x15b3, 0x101d, 0x020000, "Ethernet controller: Mellanox Technologies MT2892 Family [ConnectX-6 Dx]" },
	  { 0x15b3, 0x101d, 0x020000, "Ethernet controller: Mellanox Technologies MT2892 Family [ConnectX-6 Dx]" }, 2, ACS_MF },
	{ { 0x1077, 0x2261, 0x0c0400, "Fibre Channel: QLogic Corp. ISP2722-based 16/32Gb Fibre Channel to PCIe Adapter" },
	  { 0x1077, 0x2261, 0x0c0400, "Fibre Channel: QLogic Corp. ISP2722-based 16/32Gb Fibre Channel to PCIe Adapter" }, 4, ACS_MF },
	{ { 0x10de, 0x2204, 0x030000, "VGA compatible controller: NVIDIA Corporation GA102 [GeForce RTX 3090]" },
	  { 0x10de, 0x1aef, 0x040300, "Audio device: NVIDIA Corporation GA102 High Definition Audio Controller" }, 2, ACS_NONE },
	{ { 0x14e4, 0x16d8, 0x020000, "Ethernet controller: Broadcom Inc. and subsidiaries BCM57416 NetXtreme-E Dual-Media 10G RDMA Ethernet Controller" },
	  { 0x14e4, 0x16d8, 0x020000, "Ethernet controller: Broadcom Inc. and subsidiaries BCM57416 NetXtreme-E Dual-Media 10G RDMA Ethernet Controller" }, 2, ACS_NONE },
	/* No ACS, but the kernel knows its functions are isolated. */
	{ { 0x8086, 0x10fb, 0x020000, "Ethernet controller: Intel Corporation 82599ES 10-Gigabit SFI/SFP+ Network Connection" },
	  { 0x8086, 0x10fb, 0x020000, "Ethernet controller: Intel Corporation 82599ES 10-Gigabit SFI/SFP+ Network Connection" }, 2, ACS_NONE },
};

struct sriov_model {
	struct ids pf;
	uint16_t vf_device;
	const char *vf_desc;
	unsigned int max_pfs;
};

static const struct sriov_model sriov_models[] = {
	{ { 0x8086, 0x1572, 0x020000, "Ethernet controller: Intel Corporation Ethernet Controller X710 for 10GbE SFP+" },
	  0x154c, "Ethernet controller: Intel Corporation Ethernet Virtual Function 700 Series", 4 },
	{ { 0x8086, 0x159b, 0x020000, "Ethernet controller: Intel Corporation Ethernet Controller E810-XXV for SFP" },
	  0x1889, "Ethernet controller: Intel Corporation Ethernet Adaptive Virtual Function", 2 },
	{ { 0x15b3, 0x1017, 0x020000, "Ethernet controller: Mellanox Technologies MT27800 Family [ConnectX-5]" },
	  0x1018, "Ethernet controller: Mellanox Technologies MT27800 Family [ConnectX-5 Virtual Function]", 2 },
};

struct switch_model {
	struct ids usp, dsp;
	bool acs;
};

static const struct switch_model switch_models[] = {
	{ { 0x10b5, 0x8747, 0x060400, "PCI bridge: PLX Technology, Inc. PEX 8747 48-Lane, 5-Port PCI Express Gen 3 (8.0 GT/s) Switch" },
	  { 0x10b5, 0x8747, 0x060400, "PCI bridge: PLX Technology, Inc. PEX 8747 48-Lane, 5-Port PCI Express Gen 3 (8.0 GT/s) Switch" }, true },
	{ { 0x11f8, 0x4000, 0x060400, "PCI bridge: Microchip Technology / Microsemi PM40100 Switchtec PFX 100xG4 Fanout PCIe Switch" },
	  { 0x11f8, 0x4000, 0x060400, "PCI bridge: Microchip Technology / Microsemi PM40100 Switchtec PFX 100xG4 Fanout PCIe Switch" }, true },
	{ { 0x1b21, 0x1184, 0x060400, "PCI bridge: ASMedia Technology Inc. ASM1184e 4-Port PCIe x1 Gen2 Packet Switch" },
	  { 0x1b21, 0x1184, 0x060400, "PCI bridge: ASMedia Technology Inc. ASM1184e 4-Port PCIe x1 Gen2 Packet Switch" }, false },
};

static const struct ids switch_mgmt = {
	0x10b5, 0x87d0, 0x088000, "System peripheral: PLX Technology, Inc. PEX PCI Express Switch DMA interface"
};

static const struct ids pcie_pci_bridge = {
	0x104c, 0x8240, 0x060400, "PCI bridge: Texas Instruments XIO2001 PCI Express-to-PCI Bridge"
};

/* Conventional; the kernel makes its children alias to it (PCIE_BRIDGE_ALIAS). */
static const struct ids asm1083 = {
	0x1b21, 0x1080, 0x060400, "PCI bridge: ASMedia Technology Inc. ASM1083/1085 PCIe to PCI Bridge"
};

static const struct ids conv_single[] = {
	{ 0x10ec, 0x8169, 0x020000, "Ethernet controller: Realtek Semiconductor Co., Ltd. RTL8169 PCI Gigabit Ethernet Controller" },
	{ 0x1102, 0x0002, 0x040100, "Multimedia audio controller: Creative Labs EMU10k1 [Sound Blaster Live! Series]" },
	{ 0x9005, 0x0080, 0x010000, "SCSI storage controller: Adaptec ASC-29320A U320" },
};

static const struct ids nec_ohci = {
	0x1033, 0x0035, 0x0c0310, "USB controller: NEC Corporation OHCI USB Controller"
};

static const struct ids nec_ehci = {
	0x1033, 0x00e0, 0x0c0320, "USB controller: NEC Corporation uPD72010x USB 2.0 Controller"
};

/* ---- what sits behind a port ------------------------------------------- */

enum kind {
	K_EMPTY,
	K_NVME,
	K_MF,
	K_SRIOV,
	K_SWITCH,
	K_PCI_BRIDGE,
	K_CONV_BRIDGE,
};

/* Per cent of ports, chosen to mix VF-dense buses with sparse ones. */
static const struct {
	enum kind kind;
	unsigned int weight;
} kind_mix[] = {
	{ K_EMPTY, 14 }, { K_NVME, 32 }, { K_MF, 20 }, { K_SRIOV, 9 },
	{ K_SWITCH, 17 }, { K_PCI_BRIDGE, 5 }, { K_CONV_BRIDGE, 3 },
};

static bool kind_fits(const struct gen *g, enum kind k, unsigned int depth)
{
	switch (k) {
	case K_EMPTY:
		return true;
	case K_NVME:
		return g->left >= 1;
	case K_SWITCH:
		return depth < 2 && g->left >= 2 && buses_left(g) >= 2;
	case K_PCI_BRIDGE:
	case K_CONV_BRIDGE:
		return g->left >= 2 && buses_left(g) >= 1;
	default:
		return g->left >= 2;
	}
}

static enum kind pick_kind(struct gen *g, unsigned int depth)
{
	for (;;) {
		unsigned int r = below(g, 100), i;

		for (i = 0; r >= kind_mix[i].weight; i++)
			r -= kind_mix[i].weight;
		if (kind_fits(g, kind_mix[i].kind, depth))
			return kind_mix[i].kind;
	}
}

static void gen_nvme(struct gen *g, uint8_t bus)
{
	struct ecap e;

	pcie_fn(g, bus, 0, &nvme[below(g, ARRAY_LEN(nvme))], 0, IOK_PCIE_ENDPOINT, ACS_NONE, &e, NULL);
	g->t->st.endpoints++;
}

static void gen_mf(struct gen *g, uint8_t bus)
{
	const struct mf_model *m = &mf_models[below(g, ARRAY_LEN(mf_models))];
	unsigned int n = min_u(m->nr, g->left), i;
	struct ecap e;

	for (i = 0; i < n; i++)
		pcie_fn(g, bus, i, i ? &m->fnx : &m->fn0, n > 1 ? 0x80 : 0, IOK_PCIE_ENDPOINT,
			m->acs, &e, NULL);
	g->t->st.endpoints += n;
	g->t->st.mf_endpoints += n > 1;
	g->t->st.mf_endpoints_acs += n > 1 && m->acs != ACS_NONE;
}

static void gen_vf(struct gen *g, const struct sriov_model *m, unsigned int rid)
{
	struct ids vf = { m->pf.vendor, m->vf_device, m->pf.class, m->vf_desc };
	struct ecap e;
	uint8_t *c;

	c = fn_new(g, rid >> 8, rid & 0xff, CFG_EXT, &vf, 0, NULL);
	std_caps(c, IOK_PCIE_ENDPOINT, false);
	e = (struct ecap){ .c = c, .pos = 0x100 };
	ecap_add(&e, 0x000e, 1, 0x08);	/* ARI, no next function */
	g->t->st.vfs++;
}

/*
 * Physical functions at devfn 0..nf-1, their VFs packed from devfn 0x10 on
 * and spilling onto the following bus numbers, which become virtual buses.
 */
static void gen_sriov(struct gen *g, uint8_t bus, size_t port)
{
	static const unsigned int vf_counts[] = { 4, 8, 8, 16, 16, 32, 64, 128 };
	const struct sriov_model *m = &sriov_models[below(g, ARRAY_LEN(sriov_models))];
	unsigned int nf = 1u << below(g, m->max_pfs == 4 ? 3 : 2);
	unsigned int nvf = vf_counts[below(g, ARRAY_LEN(vf_counts))];
	unsigned int base = (unsigned int)bus << 8 | 0x10, span, i, k;
	enum acs_kind acs = chance(g, 50) ? ACS_MF : ACS_NONE;

	nf = min_u(nf, g->left / 2);
	nvf = min_u(nvf, (g->left - nf) / nf);
	/* The VFs' bus numbers must stay below the end of the domain. */
	span = 256 * min_u(3, 1 + buses_left(g)) - 0x10;
	nvf = min_u(nvf, span / nf);
	for (k = 0; k < nf; k++) {
		unsigned int rid = (unsigned int)bus << 8 | k, pos;
		struct ecap e;
		uint8_t *c;

		c = pcie_fn(g, bus, k, &m->pf, nf > 1 ? 0x80 : 0, IOK_PCIE_ENDPOINT, acs, &e, NULL);
		pos = ecap_add(&e, 0x000e, 1, 0x08);
		c[pos + 5] = k + 1 < nf ? k + 1 : 0;	/* ARI next function */
		pos = ecap_add(&e, 0x0010, 1, 0x40);
		w16(c, pos + 0x08, nvf ? 0x0001 | (k ? 0 : 0x0010) : 0);
		w16(c, pos + 0x0c, 128);
		w16(c, pos + 0x0e, 128);
		w16(c, pos + 0x10, nvf);
		w16(c, pos + 0x14, base + k * nvf - rid);
		w16(c, pos + 0x16, 1);
		w16(c, pos + 0x1a, m->vf_device);
	}
	for (k = 0; k < nf; k++)
		for (i = 0; i < nvf; i++)
			gen_vf(g, m, base + k * nvf + i);
	if (nvf)
		g->next_bus += ((base + nf * nvf - 1) >> 8) - bus;
	set_ari_forwarding(g, port);
	g->t->st.pfs += nf;
	g->t->st.endpoints += nf;
	g->t->st.mf_endpoints += nf > 1;
	g->t->st.mf_endpoints_acs += nf > 1 && acs != ACS_NONE;
}

/* Conventional PCI cards: single functions and a multifunction USB card. */
static void gen_pci_bus(struct gen *g, uint8_t bus)
{
	unsigned int slots = 1 + below(g, 4), s;

	for (s = 0; s < slots && g->left; s++) {
		uint8_t devfn = (s + 1) << 3;

		if (chance(g, 30) && g->left >= 3) {
			conv_fn(g, bus, devfn, &nec_ohci, 0x80);
			conv_fn(g, bus, devfn | 1, &nec_ohci, 0x00);
			conv_fn(g, bus, devfn | 2, &nec_ehci, 0x00);
		} else {
			conv_fn(g, bus, devfn, &conv_single[below(g, ARRAY_LEN(conv_single))], 0);
		}
	}
}

static void gen_port_subtree(struct gen *g, size_t port, unsigned int depth);

static void gen_bridge_to_pci(struct gen *g, uint8_t bus, bool conventional)
{
	uint8_t sec = g->next_bus++;
	size_t br;

	br = bridge_fn(g, bus, 0, conventional ? &asm1083 : &pcie_pci_bridge, false,
		       conventional ? T_CONV : IOK_PCIE_PCI_BRIDGE, ACS_NONE);
	gen_pci_bus(g, sec);
	set_range(g, br, sec, sec);
	g->t->st.pci_bridges++;
}

static void gen_switch(struct gen *g, uint8_t bus, unsigned int depth)
{
	const struct switch_model *m = &switch_models[below(g, ARRAY_LEN(switch_models))];
	unsigned int nr = 2 + below(g, 7), i;
	uint8_t internal = g->next_bus++;
	size_t usp;

	usp = bridge_fn(g, bus, 0, &m->usp, false, IOK_PCIE_UPSTREAM, ACS_NONE);
	for (i = 0; i < nr && g->left && buses_left(g); i++) {
		bool acs = m->acs && !chance(g, 10);
		size_t dsp = bridge_fn(g, internal, i << 3, &m->dsp, false, IOK_PCIE_DOWNSTREAM,
				       acs ? ACS_STD : ACS_NONE);

		g->t->st.downstream_ports++;
		g->t->st.downstream_ports_acs += acs;
		gen_port_subtree(g, dsp, depth + 1);
	}
	/* Some switches expose a management endpoint next to their ports. */
	if (m->usp.vendor == 0x10b5 && g->left && chance(g, 50)) {
		struct ecap e;

		pcie_fn(g, internal, i << 3, &switch_mgmt, 0, IOK_PCIE_ENDPOINT, ACS_NONE, &e, NULL);
		g->t->st.endpoints++;
	}
	set_range(g, usp, internal, g->next_bus - 1);
	g->t->st.switches++;
}

/*
 * Fill the secondary bus of a root or downstream port. Firmware reserves a
 * few spare bus numbers behind hotplug slots that are empty.
 */
static void gen_port_subtree(struct gen *g, size_t port, unsigned int depth)
{
	uint8_t sec = g->next_bus++;

	switch (pick_kind(g, depth)) {
	case K_EMPTY:
		g->t->st.empty_slots++;
		g->next_bus += min_u(below(g, 4), buses_left(g));
		break;
	case K_NVME:
		gen_nvme(g, sec);
		break;
	case K_MF:
		gen_mf(g, sec);
		break;
	case K_SRIOV:
		gen_sriov(g, sec, port);
		break;
	case K_SWITCH:
		gen_switch(g, sec, depth);
		break;
	case K_PCI_BRIDGE:
		gen_bridge_to_pci(g, sec, false);
		break;
	case K_CONV_BRIDGE:
		gen_bridge_to_pci(g, sec, true);
		break;
	}
	set_range(g, port, sec, g->next_bus - 1);
}

/* ---- root buses -------------------------------------------------------- */

static void root_port(struct gen *g, uint8_t bus, uint8_t devfn, const struct ids *id,
		      bool mf, enum acs_kind acs)
{
	size_t port = bridge_fn(g, bus, devfn, id, mf, IOK_PCIE_ROOT_PORT, acs);

	g->t->st.root_ports++;
	g->t->st.root_ports_acs += acs != ACS_NONE;
	gen_port_subtree(g, port, 0);
}

static bool port_room(const struct gen *g)
{
	return g->left >= 1 && buses_left(g) >= 1;
}

static void rciep(struct gen *g, uint8_t bus, uint8_t devfn, const struct ids *id,
		  bool mf, int type)
{
	struct ecap e;

	pcie_fn(g, bus, devfn, id, mf ? 0x80 : 0, type, ACS_NONE, &e, NULL);
	g->t->st.rcieps++;
}

static const struct ids icx_rciep[] = {
	{ 0x8086, 0x09a2, 0x088000, "System peripheral: Intel Corporation Ice Lake Memory Map/VT-d" },
	{ 0x8086, 0x09a4, 0x088000, "System peripheral: Intel Corporation Ice Lake Mesh 2 PCIe" },
	{ 0x8086, 0x09a3, 0x088000, "System peripheral: Intel Corporation Ice Lake RAS" },
	{ 0x8086, 0x0998, 0x080700, "Generic system peripheral [0807]: Intel Corporation Ice Lake IEH" },
};

static const struct ids icx_cbdma = {
	0x8086, 0x0b00, 0x088000, "System peripheral: Intel Corporation Ice Lake CBDMA [QuickData Technology]"
};

static const struct ids icx_rp = {
	0x8086, 0x347a, 0x060400, "PCI bridge: Intel Corporation Ice Lake PCIe Root Port"
};

/* An Ice Lake-SP IIO stack: VT-d and RAS RCiEPs, an IEH, four root ports. */
static void stack_xeon(struct gen *g, uint8_t bus, bool first)
{
	static const uint8_t fns[] = { 0, 1, 2, 4 };
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(fns) && g->left; i++)
		rciep(g, bus, fns[i], &icx_rciep[i], true, i == 3 ? IOK_PCIE_RC_EC : IOK_PCIE_RC_END);
	for (i = 0; first && i < 8 && g->left; i++)
		rciep(g, bus, 1 << 3 | i, &icx_cbdma, true, IOK_PCIE_RC_END);
	for (i = 2; i < 6 && port_room(g); i++)
		root_port(g, bus, i << 3, &icx_rp, false, ACS_STD);
}

static const struct ids pch_host = {
	0x8086, 0x3e30, 0x060000, "Host bridge: Intel Corporation 8th/9th Gen Core 8-core Desktop Processor Host Bridge/DRAM Registers [Coffee Lake S]"
};

/* PCH root ports: with the dword ACS quirk, with the RCBA quirk, without ACS. */
static const struct {
	struct ids id;
	enum acs_kind acs;
} pch_ports[] = {
	{ { 0x8086, 0xa110, 0x060400, "PCI bridge: Intel Corporation 100 Series/C230 Series Chipset Family PCI Express Root Port #1" }, ACS_SPT },
	{ { 0x8086, 0x1d10, 0x060400, "PCI bridge: Intel Corporation C600/X79 series chipset PCI Express Root Port 1" }, ACS_NONE },
	{ { 0x8086, 0x7ab8, 0x060400, "PCI bridge: Intel Corporation Alder Lake-S PCH PCI Express Root Port #1" }, ACS_NONE },
	{ { 0x8086, 0x7ac8, 0x060400, "PCI bridge: Intel Corporation Alder Lake-S PCH PCI Express Root Port #9" }, ACS_STD },
};

static const struct ids pch_fns[] = {
	{ 0x8086, 0xa2c8, 0x060100, "ISA bridge: Intel Corporation 200 Series PCH LPC Controller (B250)" },
	{ 0x8086, 0xa2a1, 0x058000, "Memory controller: Intel Corporation 200 Series/Z370 Chipset Family Power Management Controller" },
	{ 0x8086, 0xa2f0, 0x040300, "Audio device: Intel Corporation 200 Series PCH HD Audio" },
	{ 0x8086, 0xa2a3, 0x0c0500, "SMBus: Intel Corporation 200 Series/Z370 Chipset Family SMBus Controller" },
};

static const struct ids pch_xhci = {
	0x8086, 0xa2af, 0x0c0330, "USB controller: Intel Corporation 200 Series/Z370 Chipset Family USB 3.0 xHCI Controller"
};

/*
 * A PCH root bus: host bridge, xHCI, root ports 1c.0-1c.7 and 1d.0-1d.3 as
 * multifunction slots, and the conventional LPC/PMC/audio/SMBus slot 1f.
 */
static void stack_pch(struct gen *g, uint8_t bus)
{
	unsigned int model = below(g, ARRAY_LEN(pch_ports)), i;
	uint8_t *lpc;

	conv_fn(g, bus, 0, &pch_host, 0);
	if (g->left)
		conv_fn(g, bus, 0x14 << 3, &pch_xhci, 0);
	for (i = 0; i < 12 && port_room(g); i++) {
		uint8_t devfn = i < 8 ? 0x1c << 3 | i : 0x1d << 3 | (i - 8);

		root_port(g, bus, devfn, &pch_ports[model].id, true, pch_ports[model].acs);
	}
	for (i = 0; i < ARRAY_LEN(pch_fns) && g->left; i++)
		conv_fn(g, bus, 0x1f << 3 | (i ? i + 1 : 0), &pch_fns[i], i ? 0 : 0x80);
	/* RCBA enabled: the C600 root port quirk then grants ACS. */
	if (i) {
		lpc = g->t->arena + g->t->fns[g->t->nr - i].off;
		lpc[0xf0] = 0x01;
	}
}

static const struct ids amd_rc = {
	0x1022, 0x1480, 0x060000, "Host bridge: Advanced Micro Devices, Inc. [AMD] Starship/Matisse Root Complex"
};

static const struct ids amd_iommu = {
	0x1022, 0x1481, 0x080600, "IOMMU: Advanced Micro Devices, Inc. [AMD] Starship/Matisse IOMMU"
};

static const struct ids amd_dummy = {
	0x1022, 0x1482, 0x060000, "Host bridge: Advanced Micro Devices, Inc. [AMD] Starship/Matisse PCIe Dummy Host Bridge"
};

static const struct ids amd_gpp = {
	0x1022, 0x1483, 0x060400, "PCI bridge: Advanced Micro Devices, Inc. [AMD] Starship/Matisse GPP Bridge"
};

/* An EPYC root bus: slots of a dummy host bridge and up to three GPP bridges. */
static void stack_amd(struct gen *g, uint8_t bus)
{
	unsigned int slot, fn;

	conv_fn(g, bus, 0, &amd_rc, 0x80);
	if (g->left)
		rciep(g, bus, 2, &amd_iommu, true, IOK_PCIE_RC_END);
	for (slot = 1; slot < 8 && port_room(g); slot++) {
		unsigned int nr = 1 + below(g, 3);

		conv_fn(g, bus, slot << 3, &amd_dummy, 0x80);
		for (fn = 1; fn <= nr && port_room(g); fn++)
			root_port(g, bus, slot << 3 | fn, &amd_gpp, true,
				  chance(g, 90) ? ACS_STD : ACS_NONE);
	}
}

static bool new_root_bus(struct gen *g, unsigned int *bus)
{
	/* A root bus not worth starting: too few bus numbers for its ports. */
	if (!g->left || buses_left(g) < 12)
		return false;
	*bus = g->next_bus++;
	g->t->st.root_buses++;
	return true;
}

/* One PCI segment: an Intel server with its PCH, or an AMD server. */
static void gen_domain(struct gen *g)
{
	bool amd = chance(g, 35), first = true;
	unsigned int bus;

	g->next_bus = 0;
	while (new_root_bus(g, &bus)) {
		if (amd)
			stack_amd(g, bus);
		else if (first && g->domain % 4 == 0)
			stack_pch(g, bus);
		else
			stack_xeon(g, bus, first);
		first = false;
	}
	g->t->st.bus_numbers += g->next_bus;
	g->t->st.domains++;
	g->domain++;
}

static int cmp_fn(const void *a, const void *b)
{
	const struct gen_fn *x = a, *y = b;
	uint64_t kx = (uint64_t)x->domain << 16 | x->bus << 8 | x->devfn;
	uint64_t ky = (uint64_t)y->domain << 16 | y->bus << 8 | y->devfn;

	return kx < ky ? -1 : kx > ky;
}

int gen_build(struct gen_topo *t, unsigned int nr_fns, uint64_t seed)
{
	struct gen g = { .t = t, .rng = seed, .left = nr_fns };

	memset(t, 0, sizeof(*t));
	t->fns = calloc(nr_fns ? nr_fns : 1, sizeof(*t->fns));
	t->arena = calloc(nr_fns ? nr_fns : 1, GEN_STORED);
	if (!t->fns || !t->arena) {
		gen_free(t);
		return -ENOMEM;
	}
	while (g.left)
		gen_domain(&g);
	qsort(t->fns, t->nr, sizeof(*t->fns), cmp_fn);
	return 0;
}

void gen_free(struct gen_topo *t)
{
	free(t->fns);
	free(t->arena);
	memset(t, 0, sizeof(*t));
}

/* ---- lspci -xxxx ------------------------------------------------------- */

/* One dump line: offset @off, bytes @c[0..15]. */
static char *hex_line(char *p, const uint8_t *c, unsigned int off)
{
	static const char hex[] = "0123456789abcdef";
	unsigned int i;

	if (off >= 0x100)
		*p++ = hex[off >> 8];
	*p++ = hex[(off >> 4) & 0xf];
	*p++ = hex[off & 0xf];
	*p++ = ':';
	for (i = 0; i < 16; i++) {
		*p++ = ' ';
		*p++ = hex[c[i] >> 4];
		*p++ = hex[c[i] & 0xf];
	}
	*p++ = '\n';
	return p;
}

int gen_write_lspci(const struct gen_topo *t, FILE *f)
{
	/* A 4 KiB function: 256 lines of at most 53 characters. */
	static char buf[512 + 256 * 53];
	static const uint8_t zeros[16];
	unsigned int i, off;

	for (i = 0; i < t->nr; i++) {
		const struct gen_fn *fn = &t->fns[i];
		const uint8_t *c = gen_cfg(t, fn);
		char *p = buf;

		p += snprintf(p, 512, "%04x:%02x:%02x.%x %s\n", fn->domain, fn->bus,
			      fn->devfn >> 3, fn->devfn & 7, fn->desc);
		for (off = 0; off < fn->known; off += 16)
			p = hex_line(p, off < fn->len ? c + off : zeros, off);
		*p++ = '\n';
		if (fwrite(buf, 1, p - buf, f) != (size_t)(p - buf))
			return -errno;
	}
	return fflush(f) ? -errno : 0;
}
