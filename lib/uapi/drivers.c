// SPDX-License-Identifier: MIT
/*
 * The PCI drivers of the kernel oracle's guest (Debian 6.1, QEMU q35): what
 * each claims and how its probe ends on the devices QEMU emulates. Built-in
 * drivers come first, then the modules in the order the guest loads them;
 * vfio-pci registers with VFIO (vfio.c). The ID tables are those of the
 * kernel, cut to the devices a model meets (QEMU's, and the families of
 * the built-in topologies); a capture can teach a driver more devices
 * (iok_sysfs_boot_bind()).
 */
#include "lib/uapi/uapi-private.h"

#define PCI_CLASS_BRIDGE_PCI	0x060400
#define PCI_CLASS_BRIDGE_SUBTR	0x060401
#define PCI_CLASS_NVME		0x010802
#define PCI_CAP_ID_SHPC		0x0c

static bool id_in(const struct pci_ids *id, uint16_t vendor, const uint16_t *ids,
		  unsigned int n)
{
	unsigned int i;

	if (id->vendor != vendor)
		return false;
	for (i = 0; i < n; i++)
		if (id->device == ids[i])
			return true;
	return false;
}

/* ---- pcieport (drivers/pci/pcie/portdrv.c) ----------------------------- */

static bool pcieport_match(const struct pci_ids *id)
{
	return id->class == PCI_CLASS_BRIDGE_PCI || id->class == PCI_CLASS_BRIDGE_SUBTR;
}

static int pcieport_probe(struct iok_sysfs *sf, struct iok_dev *dev)
{
	int type = iok_dev_get_pcie_type(dev);

	if (!iok_dev_is_pcie(dev) ||
	    (type != IOK_PCIE_ROOT_PORT && type != IOK_PCIE_UPSTREAM &&
	     type != IOK_PCIE_DOWNSTREAM && type != IOK_PCIE_RC_EC))
		return -ENODEV;
	return 0;
}

/* ---- shpchp (drivers/pci/hotplug/shpchp_core.c) ------------------------ */

static bool shpchp_match(const struct pci_ids *id)
{
	return id->class == PCI_CLASS_BRIDGE_PCI;
}

/*
 * A bridge with an SHPC: on QEMU's pcie-pci-bridge the slot registration
 * fails ("pci_hp_register failed with error -16", oracle vfio devices.txt:
 * 03:00.0 has no driver), the name being taken by the port's own slot.
 */
static int shpchp_probe(struct iok_sysfs *sf, struct iok_dev *dev)
{
	if (iok_dev_find_cap(dev, PCI_CAP_ID_SHPC) <= 0)
		return -ENODEV;
	return iok_fail(sf->ctx, -EBUSY, "shpchp %s: pci_hp_register failed with error -16",
			iok_dev_get_name(dev));
}

/* ---- pci-stub ----------------------------------------------------------- */

static int stub_probe(struct iok_sysfs *sf, struct iok_dev *dev)
{
	return 0;	/* "claimed by stub" */
}

/* ---- network and storage ----------------------------------------------- */

static bool e1000e_match(const struct pci_ids *id)
{
	static const uint16_t ids[] = {
		0x105e, 0x105f, 0x1060, 0x107d, 0x107e, 0x107f, 0x108b, 0x108c,
		0x1096, 0x109a, 0x10a4, 0x10a5, 0x10b9, 0x10bc, 0x10d3, 0x10d5,
		0x10d9, 0x10da, 0x10de, 0x10df, 0x10ea, 0x10eb, 0x10ef, 0x10f0,
		0x10f5, 0x10f6, 0x1502, 0x1503, 0x150c, 0x153a, 0x153b, 0x155a,
		0x1559, 0x156f, 0x1570, 0x15a0, 0x15a1, 0x15a2, 0x15a3, 0x15b7,
		0x15b8, 0x15b9, 0x15bb, 0x15bc, 0x15bd, 0x15be, 0x15d6, 0x15d7,
		0x15d8, 0x15df, 0x15e0, 0x15e1, 0x15e2, 0x15e3, 0x0d4c, 0x0d4d,
		0x0d4e, 0x0d4f, 0x0d53, 0x0d55, 0x1a1c, 0x1a1d, 0x1a1e, 0x1a1f,
	};

	return id_in(id, 0x8086, ids, ARRAY_SIZE(ids));
}

static bool e1000_match(const struct pci_ids *id)
{
	static const uint16_t ids[] = {
		0x1000, 0x1001, 0x1004, 0x1008, 0x1009, 0x100c, 0x100d, 0x100e,
		0x100f, 0x1010, 0x1011, 0x1012, 0x1013, 0x1014, 0x1015, 0x1016,
		0x1017, 0x1018, 0x1019, 0x101a, 0x101d, 0x101e, 0x1026, 0x1027,
		0x1028, 0x1075, 0x1076, 0x1077, 0x1078, 0x1079, 0x107a, 0x107b,
		0x107c, 0x108a, 0x1099, 0x10b5, 0x2e6e,
	};

	return id_in(id, 0x8086, ids, ARRAY_SIZE(ids));
}

/* PCI_DEVICE(PCI_VENDOR_ID_REDHAT_QUMRANET, PCI_ANY_ID) */
static bool virtio_match(const struct pci_ids *id)
{
	return id->vendor == 0x1af4;
}

/* Legacy 0x1000-0x103f and modern 0x1040-0x107f virtio devices only. */
static int virtio_probe(struct iok_sysfs *sf, struct iok_dev *dev)
{
	uint16_t id = iok_dev_get_device(dev);

	return id >= 0x1000 && id <= 0x107f ? 0 : -ENODEV;
}

static bool nvme_match(const struct pci_ids *id)
{
	return id->class == PCI_CLASS_NVME;
}

static bool rtl8139_match(const struct pci_ids *id)
{
	return id->vendor == 0x10ec && id->device == 0x8139;
}

/* 8139C+ from revision 0x20; older chips are 8139too's. */
static int cp_probe(struct iok_sysfs *sf, struct iok_dev *dev)
{
	return iok_dev_get_revision(dev) < 0x20 ? -ENODEV : 0;
}

/* "Use the 8139cp driver for improved performance and stability." */
static int too_probe(struct iok_sysfs *sf, struct iok_dev *dev)
{
	return iok_dev_get_revision(dev) >= 0x20 ? -ENODEV : 0;
}

static int plain_probe(struct iok_sysfs *sf, struct iok_dev *dev)
{
	return 0;
}

/*
 * Built-in drivers claim nothing QEMU emulates here but are listed, as in
 * the guest's /sys/bus/pci/drivers; the modules follow in load order after
 * vfio-pci (which VFIO registers first among them).
 */
const struct drv_model iok_drv_models[] = {
	{ "pcieport", true, false, true, pcieport_match, pcieport_probe },
	{ "shpchp", false, false, true, shpchp_match, shpchp_probe },
	{ "serial", false, false, true, NULL, NULL },
	{ "8250_mid", false, false, true, NULL, NULL },
	{ "8250_pericom", false, false, true, NULL, NULL },
	{ "agpgart-intel", false, false, true, NULL, NULL },
	{ "agpgart-sis", false, false, true, NULL, NULL },
	{ "agpgart-via", false, false, true, NULL, NULL },
	{ "iosf_mbi_pci", false, false, true, NULL, NULL },
	{ "xen-platform-pci", false, false, true, NULL, NULL },
	{ "pci-stub", true, true, false, NULL, stub_probe },
	{ "e1000e", false, false, false, e1000e_match, plain_probe },
	{ "e1000", false, false, false, e1000_match, plain_probe },
	{ "virtio-pci", false, false, false, virtio_match, virtio_probe },
	{ "nvme", false, false, false, nvme_match, plain_probe },
	{ "8139cp", false, false, false, rtl8139_match, cp_probe },
	{ "8139too", false, false, false, rtl8139_match, too_probe },
};

const unsigned int iok_nr_drv_models = ARRAY_SIZE(iok_drv_models);
