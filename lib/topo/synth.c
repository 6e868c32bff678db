// SPDX-License-Identifier: MIT
/*
 * Config space for functions described by hand (the json source). The bytes
 * follow the layout docs/topology-json.md promises, so that byte writes in a
 * description can target them, and so that a described machine goes through
 * exactly the decoding a dump of real hardware goes through.
 */
#include "lib/topo/topo-private.h"

#define PCI_STATUS_CAP_LIST 0x0010
#define PCI_EXP_FLAGS_VERSION2 0x0002
#define PCI_EXP_DEVCAP2 0x24
#define PCI_EXP_DEVCTL2 0x28
#define PCI_EXP_ARI 0x0020
#define PCI_X_STATUS_64BIT 0x00010000u
#define PCI_X_STATUS_133MHZ 0x00020000u
#define PCI_X_STATUS_266MHZ 0x40000000u
#define EXT_CAP_VERSION1 0x00010000u
#define SRIOV_CTRL_VFE 0x0001
#define SRIOV_CTRL_MSE 0x0008
#define SRIOV_PAGE_SIZES 0x00000553u	/* 4K to 4M, as most PFs offer */

static void put8(uint8_t *cfg, unsigned int off, uint8_t v)
{
	cfg[off] = v;
}

static void put16(uint8_t *cfg, unsigned int off, uint16_t v)
{
	cfg[off] = v & 0xff;
	cfg[off + 1] = v >> 8;
}

static void put32(uint8_t *cfg, unsigned int off, uint32_t v)
{
	put16(cfg, off, v & 0xffff);
	put16(cfg, off + 2, v >> 16);
}

/*
 * Sunrise Point family root ports implement ACS with dword registers; a
 * description of one must look like the real part, or the quirk that reads
 * them (spec groups 4.5, intel_spt_pch) would see nothing enabled.
 */
static bool acs_dword_layout(const struct iok_synth *s)
{
	struct iok_dev d = {
		.vendor = s->vendor,
		.device = s->device,
		.pcie = s->pcie_type >= 0,
		.type = s->pcie_type,
	};

	return iok_intel_spt_match(&d);
}

unsigned int iok_synth_pcix_pos(const struct iok_synth *s)
{
	/* A version 2 PCIe capability is 0x3c bytes: PCI-X must come after it. */
	return s->pcie_type >= 0 ? 0x80 : IOK_SYNTH_PCIX_POS;
}

static void write_header(const struct iok_synth *s, uint8_t *cfg, bool caps)
{
	put16(cfg, 0x00, s->vendor);
	put16(cfg, 0x02, s->device);
	put16(cfg, 0x06, caps ? PCI_STATUS_CAP_LIST : 0);
	put32(cfg, 0x08, s->class << 8 | s->revision);
	put8(cfg, 0x0e, s->layout | (s->multifunction ? 0x80 : 0));
	switch (s->layout) {
	case 0:
		put16(cfg, 0x2c, s->subvendor);
		put16(cfg, 0x2e, s->subdevice);
		break;
	case 1:
		put8(cfg, 0x18, s->busnr);
		put8(cfg, 0x19, s->secondary);
		put8(cfg, 0x1a, s->subordinate);
		break;
	case 2:
		put8(cfg, 0x18, s->busnr);
		put8(cfg, 0x19, s->secondary);
		put8(cfg, 0x1a, s->subordinate);
		put16(cfg, 0x40, s->subvendor);
		put16(cfg, 0x42, s->subdevice);
		break;
	}
}

static void write_pcie(const struct iok_synth *s, uint8_t *cfg, uint8_t next)
{
	unsigned int pos = IOK_SYNTH_PCIE_POS;

	put8(cfg, pos, IOK_CAP_ID_EXP);
	put8(cfg, pos + 1, next);
	put16(cfg, pos + 2, PCI_EXP_FLAGS_VERSION2 | (s->pcie_type & 0xf) << 4);
	if (!s->ari_forwarding)
		return;
	put32(cfg, pos + PCI_EXP_DEVCAP2, PCI_EXP_ARI);
	put16(cfg, pos + PCI_EXP_DEVCTL2, PCI_EXP_ARI);
}

static void write_pcix(const struct iok_synth *s, uint8_t *cfg)
{
	unsigned int pos = iok_synth_pcix_pos(s);

	put8(cfg, pos, IOK_CAP_ID_PCIX);
	put8(cfg, pos + 1, 0);
	put32(cfg, pos + 4, PCI_X_STATUS_64BIT | PCI_X_STATUS_133MHZ | PCI_X_STATUS_266MHZ);
}

static void write_acs(const struct iok_synth *s, uint8_t *cfg, unsigned int pos)
{
	if (acs_dword_layout(s)) {
		put32(cfg, pos + 4, s->acs_cap);
		put32(cfg, pos + 8, s->acs_ctrl);
		return;
	}
	put16(cfg, pos + 4, s->acs_cap);
	put16(cfg, pos + 6, s->acs_ctrl);
}

static void write_ari(const struct iok_synth *s, uint8_t *cfg, unsigned int pos)
{
	put16(cfg, pos + 4, s->ari_next << 8);
}

static void write_sriov(const struct iok_synth *s, uint8_t *cfg, unsigned int pos)
{
	put16(cfg, pos + 0x08, s->sriov_enabled ? SRIOV_CTRL_VFE | SRIOV_CTRL_MSE : 0);
	put16(cfg, pos + 0x0c, s->num_vfs);
	put16(cfg, pos + 0x0e, s->num_vfs);
	/* Linux writes NumVFs when it enables VFs and clears it when it stops. */
	put16(cfg, pos + 0x10, s->sriov_enabled ? s->num_vfs : 0);
	put16(cfg, pos + 0x14, s->vf_offset);
	put16(cfg, pos + 0x16, s->vf_stride);
	put16(cfg, pos + 0x1a, s->vf_device);
	put32(cfg, pos + 0x1c, SRIOV_PAGE_SIZES);
	put32(cfg, pos + 0x20, 1);
}

struct ext_cap {
	uint16_t id;
	bool present;
	void (*write)(const struct iok_synth *s, uint8_t *cfg, unsigned int pos);
};

static void write_ext_caps(const struct iok_synth *s, uint8_t *cfg)
{
	const struct ext_cap caps[] = {
		{ IOK_EXT_CAP_ID_ACS, s->acs, write_acs },
		{ IOK_EXT_CAP_ID_ARI, s->ari, write_ari },
		{ IOK_EXT_CAP_ID_SRIOV, s->sriov, write_sriov },
	};
	const struct ext_cap *present[ARRAY_SIZE(caps)];
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(caps); i++)
		if (caps[i].present)
			present[n++] = &caps[i];
	for (i = 0; i < n; i++) {
		unsigned int pos = IOK_SYNTH_EXT_POS + i * IOK_SYNTH_EXT_STEP;
		uint32_t next = i + 1 < n ? pos + IOK_SYNTH_EXT_STEP : 0;

		put32(cfg, pos, present[i]->id | EXT_CAP_VERSION1 | next << 20);
		present[i]->write(s, cfg, pos);
	}
}

void iok_synth_cfg(const struct iok_synth *s, uint8_t *cfg)
{
	/* The description refuses capabilities on CardBus bridges (no room). */
	bool pcie = s->pcie_type >= 0 && s->layout != 2;
	bool pcix = s->pcix_266 && s->layout != 2;

	memset(cfg, 0, IOK_CFG_MAX);
	write_header(s, cfg, pcie || pcix);
	if (pcie) {
		put8(cfg, 0x34, IOK_SYNTH_PCIE_POS);
		write_pcie(s, cfg, pcix ? iok_synth_pcix_pos(s) : 0);
	} else if (pcix) {
		put8(cfg, 0x34, iok_synth_pcix_pos(s));
	}
	if (pcix)
		write_pcix(s, cfg);
	write_ext_caps(s, cfg);
}
