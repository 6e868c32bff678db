// SPDX-License-Identifier: MIT
/*
 * Decoding of each function's config space into the facts Linux's PCI core
 * keeps (spec groups 1 and 2): header, PCIe type and its correction,
 * multifunction, which functions enumeration reaches, cfg_size, ACS, ARI,
 * SR-IOV.
 */
#include <stdio.h>

#include "lib/topo/topo-private.h"

#define PCI_EXP_FLAGS 0x02
#define PCI_EXP_DEVCTL2 0x28
#define PCI_EXP_DEVCTL2_ARI 0x0020
#define PCI_X_STATUS 0x04
#define PCI_X_STATUS_266MHZ 0x40000000u
#define PCI_X_STATUS_533MHZ 0x80000000u

int iok_decode_early(struct iok_topo *topo, struct iok_dev *d)
{
	int pos;

	d->vendor = cfg16(d, 0x00);
	d->device = cfg16(d, 0x02);
	d->revision = cfg8(d, 0x08);
	d->class = cfg32(d, 0x08) >> 8;
	d->hdr_type = cfg8(d, 0x0e);
	d->layout = d->hdr_type & 0x7f;
	if (d->layout == 0) {
		d->subvendor = cfg16(d, 0x2c);
		d->subdevice = cfg16(d, 0x2e);
	} else if (d->layout == 1) {
		d->secondary = cfg8(d, 0x19);
		d->subordinate = cfg8(d, 0x1a);
	} else if (d->layout == 2) {
		d->secondary = cfg8(d, 0x19);
		d->subordinate = cfg8(d, 0x1a);
		d->subvendor = cfg16(d, 0x40);
		d->subdevice = cfg16(d, 0x42);
	}

	pos = iok_cfg_find_cap(d, IOK_CAP_ID_EXP);
	d->caps_known = pos != -ENODATA;
	if (pos > 0 && cfg_has(d, pos + PCI_EXP_FLAGS, 2)) {
		d->pcie = true;
		d->pcie_pos = pos;
		d->type_raw = d->type = (cfg16(d, pos + PCI_EXP_FLAGS) >> 4) & 0xf;
	}
	pos = iok_cfg_find_cap(d, IOK_CAP_ID_PCIX);
	if (pos > 0 && cfg_has(d, pos + PCI_X_STATUS, 4))
		d->pcix_266_533 = !!(cfg32(d, pos + PCI_X_STATUS) &
				     (PCI_X_STATUS_266MHZ | PCI_X_STATUS_533MHZ));
	return 0;
}

void iok_bus_set_flags(struct iok_bus *b)
{
	struct iok_dev *br = b->self;

	if (b->is_root || !b->parent)
		return;
	if (b->parent->no_ext_cfg) {
		b->no_ext_cfg = true;
		return;
	}
	if (!br)
		return;
	if (br->pcie && (br->type == IOK_PCIE_ROOT_PORT ||
			 br->type == IOK_PCIE_UPSTREAM ||
			 br->type == IOK_PCIE_DOWNSTREAM))
		return;
	if (!br->pcix_266_533)
		b->no_ext_cfg = true;
}

/* Linux's pci_cfg_space_size() when the bytes are there to probe. */
static unsigned int probe_cfg_size(const struct iok_dev *d)
{
	uint32_t first;
	unsigned int pos;

	if (!cfg_has(d, 0x100, 4))
		return IOK_CFG_MAX;
	first = cfg32(d, 0x100);
	if (first == 0xffffffff)
		return 256;
	for (pos = 0x100; pos < IOK_CFG_MAX; pos += 0x100)
		if (cfg32(d, pos) != cfg32(d, 0))
			return IOK_CFG_MAX;
	return 256;
}

static unsigned int cfg_size(struct iok_topo *topo, const struct iok_dev *d)
{
	/* What the kernel exported is what it used. */
	if (topo->kernel_enumerated && d->cfg_known == IOK_CFG_MAX)
		return IOK_CFG_MAX;
	if (topo->kernel_enumerated && d->cfg_known == 256 &&
	    topo->has_ext_dumps)
		return 256;
	if (d->is_vf)
		return IOK_CFG_MAX;
	if (d->bus->no_ext_cfg)
		return 256;
	if (d->class >> 8 == 0x0600 || d->pcie || d->pcix_266_533)
		return probe_cfg_size(d);
	return 256;
}

static struct iok_dev *upstream_bridge(const struct iok_dev *d)
{
	const struct iok_dev *p = d->is_vf ? d->pf : d;

	if (p->bus->is_root)
		return NULL;
	return p->bus->self;
}

static void correct_port_type(struct iok_dev *d)
{
	struct iok_dev *up = upstream_bridge(d);
	int ptype;

	if (!d->pcie || !up)
		return;
	ptype = up->pcie ? up->type : 0;
	if (d->type == IOK_PCIE_DOWNSTREAM &&
	    (ptype == IOK_PCIE_ROOT_PORT || ptype == IOK_PCIE_DOWNSTREAM ||
	     ptype == IOK_PCIE_PCIE_BRIDGE))
		d->type = IOK_PCIE_UPSTREAM;
	else if (d->type == IOK_PCIE_UPSTREAM && ptype == IOK_PCIE_UPSTREAM)
		d->type = IOK_PCIE_DOWNSTREAM;
}

static bool ari_forwarding(const struct iok_dev *br)
{
	if (!br || !br->pcie || !cfg_has(br, br->pcie_pos + PCI_EXP_DEVCTL2, 2))
		return false;
	return cfg16(br, br->pcie_pos + PCI_EXP_DEVCTL2) & PCI_EXP_DEVCTL2_ARI;
}

/* Linux's next_ari_fn(): the chain ends at a number not above the current one. */
static bool in_ari_chain(const struct iok_dev *fn0, uint8_t devfn)
{
	const struct iok_dev *cur = fn0;
	struct iok_bus *b = fn0->bus;

	while (cur && cur->ari_pos) {
		unsigned int next = cfg16(cur, cur->ari_pos + 4) >> 8;
		unsigned int i;

		if (next <= cur->devfn)
			return false;
		if (next == devfn)
			return true;
		cur = NULL;
		for (i = 0; i < b->nr_devs; i++)
			if (b->devs[i]->devfn == next)
				cur = b->devs[i];
	}
	return false;
}

/* Spec groups 2.1: which functions a boot-time scan reaches. */
static enum iok_hidden_reason visibility(struct iok_topo *topo, struct iok_dev *d,
					 bool ari)
{
	struct iok_dev *br = d->bus->self;
	struct iok_dev *fn0 = d->bus->slot_first[d->devfn >> 3];
	bool one_child = br && br->pcie && !topo->params.pcie_scan_all &&
			 (br->type == IOK_PCIE_ROOT_PORT ||
			  br->type == IOK_PCIE_DOWNSTREAM ||
			  br->type == IOK_PCIE_PCIE_BRIDGE);

	if (d->is_vf || topo->kernel_enumerated)
		return IOK_VISIBLE;
	if (ari) {
		struct iok_dev *f0 = d->bus->slot_first[0];

		if (d->devfn == 0)
			return IOK_VISIBLE;
		if (!f0 || f0->devfn != 0 || f0->hidden)
			return IOK_HIDDEN_NO_FUNCTION0;
		return in_ari_chain(f0, d->devfn) ? IOK_VISIBLE :
						    IOK_HIDDEN_NOT_IN_ARI_CHAIN;
	}
	if (one_child && d->devfn >> 3)
		return IOK_HIDDEN_BELOW_PORT;
	if (!(d->devfn & 7))
		return IOK_VISIBLE;
	if (!fn0 || (fn0->devfn & 7) || fn0->hidden)
		return IOK_HIDDEN_NO_FUNCTION0;
	if (!(fn0->hdr_type & 0x80))
		return IOK_HIDDEN_NOT_MULTIFUNCTION;
	return IOK_VISIBLE;
}

static void decode_acs(struct iok_dev *d)
{
	int pos;

	if (!d->caps_known) {
		d->acs_state = IOK_ACS_NOT_CAPTURED;
		return;
	}
	if (d->cfg_size < IOK_CFG_MAX) {
		d->acs_state = IOK_ACS_ABSENT;
		return;
	}
	if (d->cfg_known < IOK_CFG_MAX) {
		d->acs_state = IOK_ACS_NOT_CAPTURED;
		return;
	}
	pos = iok_cfg_find_ext_cap(d, IOK_EXT_CAP_ID_ACS);
	if (pos <= 0) {
		d->acs_state = IOK_ACS_ABSENT;
		return;
	}
	d->acs_state = IOK_ACS_PRESENT;
	d->acs_pos = pos;
	d->acs_cap = cfg16(d, pos + 4);
	d->acs_ctrl = cfg16(d, pos + 6);
	d->acs_cap32 = cfg32(d, pos + 4);
	d->acs_ctrl32 = cfg32(d, pos + 8);
}

void iok_decode_late(struct iok_topo *topo, struct iok_dev *d)
{
	bool ari = !d->is_vf && ari_forwarding(d->bus->self);
	int pos;

	correct_port_type(d);
	d->cfg_size = cfg_size(topo, d);
	if (d->cfg_size == IOK_CFG_MAX && d->cfg_known == IOK_CFG_MAX) {
		pos = iok_cfg_find_ext_cap(d, IOK_EXT_CAP_ID_ARI);
		d->ari_pos = pos > 0 ? pos : 0;
	}
	d->hidden = visibility(topo, d, ari);
	/* Spec groups 2.2: only the first function of a slot speaks for itself. */
	if (d->is_vf)
		d->multifunction = false;
	else if (ari ? d->devfn != 0 : (d->devfn & 7) != 0)
		d->multifunction = true;
	else
		d->multifunction = d->hdr_type & 0x80;
	decode_acs(d);
}

bool iok_topo_has_ext_dumps(struct iok_topo *topo)
{
	unsigned int i;

	for (i = 0; i < topo->nr_devs; i++)
		if (topo->devs[i]->is_pci && topo->devs[i]->cfg_known == IOK_CFG_MAX)
			return true;
	return false;
}

/* ---- SR-IOV ------------------------------------------------------------ */

#define PCI_SRIOV_CTRL 0x08
#define PCI_SRIOV_CTRL_VFE 0x0001
#define PCI_SRIOV_NUM_VF 0x10
#define PCI_SRIOV_VF_OFFSET 0x14
#define PCI_SRIOV_VF_STRIDE 0x16

int iok_find_vfs(struct iok_topo *topo)
{
	unsigned int i, n, npci = topo->nr_devs - topo->nr_platform;

	for (i = 0; i < npci; i++) {
		struct iok_dev *pf = topo->sorted[i];
		unsigned int rid, num, off, stride;
		int pos;

		if (pf->cfg_known < IOK_CFG_MAX || pf->is_vf)
			continue;
		/* cfg_size is not known yet; a PF is PCIe and has the space. */
		pf->cfg_size = IOK_CFG_MAX;
		pos = iok_cfg_find_ext_cap(pf, IOK_EXT_CAP_ID_SRIOV);
		pf->cfg_size = 0;
		if (pos <= 0)
			continue;
		pf->sriov_pos = pos;
		if (!(cfg16(pf, pos + PCI_SRIOV_CTRL) & PCI_SRIOV_CTRL_VFE))
			continue;
		num = cfg16(pf, pos + PCI_SRIOV_NUM_VF);
		off = cfg16(pf, pos + PCI_SRIOV_VF_OFFSET);
		stride = cfg16(pf, pos + PCI_SRIOV_VF_STRIDE);
		rid = pf->busnr << 8 | pf->devfn;
		for (n = 0; n < num; n++) {
			unsigned int vrid = rid + off + n * stride;
			struct iok_dev *vf;

			if (vrid > 0xffff)
				break;
			vf = iok_topo_lookup(topo, pf->domain, vrid >> 8, vrid & 0xff);
			if (!vf || vf == pf)
				continue;
			if (vf->is_vf && vf->pf != pf)
				return iok_fail(topo->ctx, -EINVAL,
						"%s: claimed as a VF by both %s and %s",
						vf->name, vf->pf->name, pf->name);
			vf->is_vf = true;
			vf->pf = pf;
			/* A VF's own config space reads vendor/device as all ones. */
			if (vf->vendor == 0xffff)
				vf->vendor = pf->vendor;
			if (vf->device == 0xffff)
				vf->device = cfg16(pf, pos + 0x1a);
			if (vf->class == 0xffffff || vf->class == 0)
				vf->class = pf->class;
		}
	}
	return 0;
}

int iok_attach_vf_buses(struct iok_topo *topo)
{
	unsigned int i, j;

	for (i = 0; i < topo->nr_buses; i++) {
		struct iok_bus *b = topo->buses[i];
		struct iok_dev *pf = NULL;
		bool all_vfs = b->nr_devs > 0;

		if (!b->is_root)
			continue;
		for (j = 0; j < b->nr_devs; j++) {
			struct iok_dev *d = b->devs[j];

			if (!d->is_vf || d->pf->bus == b) {
				all_vfs = false;
				break;
			}
			pf = d->pf;
		}
		if (!all_vfs)
			continue;
		b->is_root = false;
		b->is_virtual = true;
		b->parent = pf->bus;
	}
	return 0;
}

bool iok_intel_spt_match(const struct iok_dev *d)
{
	static const uint16_t ids[][2] = {
		{ 0xa110, 0xa11f }, { 0xa167, 0xa16a }, { 0xa290, 0xa29f },
		{ 0xa2e7, 0xa2ee }, { 0x9d10, 0x9d1b },
	};
	unsigned int i;

	if (d->vendor != 0x8086 || !d->pcie || d->type != IOK_PCIE_ROOT_PORT)
		return false;
	for (i = 0; i < ARRAY_SIZE(ids); i++)
		if (d->device >= ids[i][0] && d->device <= ids[i][1])
			return true;
	return false;
}
