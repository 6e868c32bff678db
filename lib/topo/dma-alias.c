// SPDX-License-Identifier: MIT
/*
 * Header quirks that change how a function's DMA is seen (spec groups 5):
 * DMA-alias devfns on the same bus, PCIE_BRIDGE_ALIAS and BRIDGE_XLATE_ROOT.
 * They run before the device is registered, as Linux's header fixups do.
 */
#include "lib/topo/topo-private.h"

struct id_list {
	uint16_t vendor;
	const uint16_t *ids;
	unsigned int nr;
};

#define IDS(v, ...) { v, (const uint16_t[]){ __VA_ARGS__ }, \
	sizeof((const uint16_t[]){ __VA_ARGS__ }) / sizeof(uint16_t) }

static bool id_in(const struct id_list *l, unsigned int n, const struct iok_dev *d)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		if (l[i].vendor != d->vendor)
			continue;
		for (j = 0; j < l[i].nr; j++)
			if (l[i].ids[j] == d->device)
				return true;
	}
	return false;
}

/* Aliases to function 0 of the same slot (Ricoh, Glenfly). */
static const struct id_list func0_alias[] = {
	IDS(0x1180, 0xe832, 0xe476),
	IDS(0x6766, 0x3d40, 0x3d41),
};

/* Aliases to function 1, often a function that does not exist. */
static const struct id_list func1_alias[] = {
	IDS(0x1b4b, 0x9120, 0x9123, 0x9125, 0x9128, 0x9130, 0x9170, 0x9172,
	    0x917a, 0x9182, 0x9183, 0x91a0, 0x9215, 0x9220, 0x9230, 0x9235),
	IDS(0x1103, 0x0642, 0x0645),
	IDS(0x197b, 0x2392),
	IDS(0x1c28, 0x0122),
};

static const struct id_list mic_x200[] = { IDS(0x8086, 0x2260, 0x2264) };
static const struct id_list vca[] = {
	IDS(0x8086, 0x2954, 0x2955, 0x2956, 0x2958, 0x2959, 0x295a),
};
static const struct id_list plx_ntb[] = { IDS(0x10b5, 0x87b0, 0x87b1) };
static const struct id_list bridge_alias[] = {
	IDS(0x1b21, 0x1080),
	IDS(0x10e3, 0x8113),
	IDS(0x1283, 0x8892, 0x8893),
	IDS(0x8086, 0x244e),
};
static const struct id_list xlate_root[] = { IDS(0x14e4, 0x9000, 0x9084) };

static int add_alias(struct iok_dev *d, uint8_t devfn)
{
	return iok_topo_add_alias(d, devfn);
}

static int dma_alias_quirks(struct iok_dev *d)
{
	unsigned int slot, fn;
	int rc = 0;

	if (id_in(func0_alias, ARRAY_SIZE(func0_alias), d) && (d->devfn & 7))
		return add_alias(d, d->devfn & ~7);
	if (id_in(func1_alias, ARRAY_SIZE(func1_alias), d) && (d->devfn & 7) != 1)
		return add_alias(d, (d->devfn & ~7) | 1);
	/* Adaptec 3405 and 3805 raid controllers. */
	if (d->vendor == 0x9005 && d->device == 0x0285 && d->subvendor == 0x9005 &&
	    (d->subdevice == 0x02bb || d->subdevice == 0x02bc))
		return add_alias(d, 0x08);
	if (id_in(mic_x200, ARRAY_SIZE(mic_x200), d)) {
		rc = add_alias(d, 0x80);
		rc = rc ?: add_alias(d, 0x88);
		return rc ?: add_alias(d, 0x93);
	}
	if (id_in(vca, ARRAY_SIZE(vca), d)) {
		for (slot = 0; slot < 32 && !rc; slot++)
			for (fn = 0; fn < 5 && !rc; fn++)
				rc = add_alias(d, slot << 3 | fn);
		return rc;
	}
	if (id_in(plx_ntb, ARRAY_SIZE(plx_ntb), d)) {
		for (fn = 0; fn < 256 && !rc; fn++)
			rc = add_alias(d, fn);
		return rc;
	}
	return 0;
}

/*
 * PCIE_BRIDGE_ALIAS needs the upstream bridge, which header fixups can see
 * because the parent bus was scanned first.
 */
static void bridge_flags(struct iok_dev *d)
{
	struct iok_dev *up;

	if (id_in(xlate_root, ARRAY_SIZE(xlate_root), d))
		d->flag_xlate_root = true;
	if (!id_in(bridge_alias, ARRAY_SIZE(bridge_alias), d))
		return;
	if (d->bus->is_root || d->layout != 1 || d->pcie)
		return;
	up = d->bus->self;
	if (up && up->pcie && up->type_raw != IOK_PCIE_PCI_BRIDGE)
		d->flag_pcie_bridge_alias = true;
}

int iok_header_quirks(struct iok_topo *topo, struct iok_dev *d)
{
	int rc;

	if (d->is_vf)
		return 0;
	rc = dma_alias_quirks(d);
	if (rc)
		return rc;
	bridge_flags(d);
	return 0;
}

/* Intel VMD endpoints: their domains' DMA leaves as the VMD device. */
static const struct id_list vmd_ids[] = {
	IDS(0x8086, 0x201d, 0x28c0, 0x467f, 0x4c3d, 0x7d0b, 0x9a0b, 0xa77f,
	    0xad0b, 0xb60b, 0xb06f),
};

bool iok_dev_is_vmd(const struct iok_dev *d)
{
	return d->is_pci && id_in(vmd_ids, ARRAY_SIZE(vmd_ids), d);
}
