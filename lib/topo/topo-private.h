/* SPDX-License-Identifier: MIT */
/* Steps of topology finalisation, shared by the files of lib/topo/. */
#ifndef IOK_TOPO_PRIVATE_H
#define IOK_TOPO_PRIVATE_H

#include "lib/private.h"

#define IOK_CAP_ID_PCIX 0x07
#define IOK_CAP_ID_EXP 0x10
#define IOK_EXT_CAP_ID_ACS 0x000d
#define IOK_EXT_CAP_ID_ARI 0x000e
#define IOK_EXT_CAP_ID_SRIOV 0x0010

void iok_format_bdf(char *buf, size_t len, uint32_t domain, uint8_t bus, uint8_t devfn);

/* Header fields, capability positions: needs nothing but the function. */
int iok_decode_early(struct iok_topo *topo, struct iok_dev *d);
/* What depends on the upstream bridge: port type, visibility, cfg_size, ACS. */
void iok_decode_late(struct iok_topo *topo, struct iok_dev *d);
/* PCI_BUS_FLAGS_NO_EXTCFG of a bus whose bridge has been decoded. */
void iok_bus_set_flags(struct iok_bus *b);
/* Mark the VFs of every PF whose SR-IOV capability has VFs enabled. */
int iok_find_vfs(struct iok_topo *topo);
/* Turn buses that hold only VFs of a PF on another bus into virtual buses. */
int iok_attach_vf_buses(struct iok_topo *topo);
/* Header quirks: DMA aliases and bridge flags (spec groups 5). */
int iok_header_quirks(struct iok_topo *topo, struct iok_dev *d);
/* VMD domains and IOMMU coverage, once the order is known. */
int iok_late_quirks(struct iok_topo *topo);
/* Intel VMD endpoints, whose domains DMA as the endpoint itself. */
bool iok_dev_is_vmd(const struct iok_dev *d);
/*
 * Intel Sunrise Point PCH root ports keep ACS Capability and Control in
 * dwords rather than words (groups.md 4.5); both the synthesiser and the
 * grouping rules need to know which ports those are.
 */
bool iok_intel_spt_match(const struct iok_dev *d);
/* Whether a topology has a function captured with extended config space. */
bool iok_topo_has_ext_dumps(struct iok_topo *topo);

/* ---- config-space synthesis (docs/topology-json.md) -------------------- */

#define IOK_SYNTH_PCIE_POS 0x40
#define IOK_SYNTH_PCIX_POS 0x60		/* 0x80 after a PCIe capability */
#define IOK_SYNTH_EXT_POS 0x100
#define IOK_SYNTH_EXT_STEP 0x40

/* A function as described by hand; iok_synth_cfg() makes its bytes. */
struct iok_synth {
	uint16_t vendor, device, subvendor, subdevice;
	uint32_t class;
	uint8_t revision;
	uint8_t layout;		/* 0 normal, 1 PCI-to-PCI bridge, 2 CardBus */
	bool multifunction;
	int pcie_type;		/* Device/Port Type, -1 for conventional PCI */
	uint8_t busnr;		/* primary bus of a bridge */
	uint8_t secondary, subordinate;
	bool ari_forwarding;
	bool pcix_266;
	bool acs;
	uint16_t acs_cap, acs_ctrl;
	bool ari;
	uint8_t ari_next;
	bool sriov, sriov_enabled;
	uint16_t num_vfs, vf_offset, vf_stride, vf_device;
};

/* Fill @cfg (IOK_CFG_MAX bytes) with the config space @s describes. */
void iok_synth_cfg(const struct iok_synth *s, uint8_t *cfg);
/* Offset of the PCI-X capability iok_synth_cfg() writes for @s. */
unsigned int iok_synth_pcix_pos(const struct iok_synth *s);

#endif
