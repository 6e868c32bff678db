/* SPDX-License-Identifier: MIT */
/*
 * PCI topology: segments, buses, bridges and functions with their config
 * space, and which of its bytes were captured.
 */
#ifndef IOMMUKIT_TOPO_H
#define IOMMUKIT_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iok_ctx;
struct iok_topo;
struct iok_bus;
struct iok_dev;

/** PCIe Device/Port Type (PCIe capability bits 7:4), as Linux names them. */
enum iok_pcie_type {
	IOK_PCIE_ENDPOINT = 0x0,
	IOK_PCIE_LEG_END = 0x1,
	IOK_PCIE_ROOT_PORT = 0x4,
	IOK_PCIE_UPSTREAM = 0x5,
	IOK_PCIE_DOWNSTREAM = 0x6,
	IOK_PCIE_PCI_BRIDGE = 0x7,
	IOK_PCIE_PCIE_BRIDGE = 0x8,
	IOK_PCIE_RC_END = 0x9,
	IOK_PCIE_RC_EC = 0xa,
};

/** ACS capability and control bits (the same positions in both registers). */
enum iok_acs_bits {
	IOK_ACS_SV = 0x01,
	IOK_ACS_TB = 0x02,
	IOK_ACS_RR = 0x04,
	IOK_ACS_CR = 0x08,
	IOK_ACS_UF = 0x10,
	IOK_ACS_EC = 0x20,
	IOK_ACS_DT = 0x40,
};

/** What is known about a function's ACS capability. */
enum iok_acs_state {
	IOK_ACS_ABSENT = 0,	/* the capability list was read; no ACS */
	IOK_ACS_PRESENT = 1,	/* found; capability and control are valid */
	IOK_ACS_NOT_CAPTURED = 2, /* the dump stops before the extended space */
};

/** Why a function in the input is not visible to Linux. */
enum iok_hidden_reason {
	IOK_VISIBLE = 0,
	IOK_HIDDEN_BELOW_PORT,	/* device number > 0 below a PCIe port */
	IOK_HIDDEN_NOT_MULTIFUNCTION, /* function > 0, function 0 is single */
	IOK_HIDDEN_NO_FUNCTION0, /* function 0 of the slot is missing */
	IOK_HIDDEN_NOT_IN_ARI_CHAIN, /* ARI: not reached from function 0 */
	IOK_HIDDEN_PARENT,	/* the bridge above is not enumerated */
};

/**
 * iok_topo_load() - read a topology from a source
 * @ctx: library context
 * @source: "sysfs[:ROOT]", "lspci:FILE", "json:FILE" or "builtin:NAME";
 *          a bare "sysfs" reads the live machine
 * @topo: receives the topology
 *
 * Return: 0; -EINVAL for malformed input, -ENOENT for a missing file or
 * built-in, -ENODEV for a sysfs root without PCI devices; the message in
 * iok_get_error() names the file and line, or the BDF and offset.
 */
int iok_topo_load(struct iok_ctx *ctx, const char *source,
		  struct iok_topo **topo);

/**
 * iok_topo_load_json_string() - read a topology from JSON text
 * @ctx: library context
 * @name: the name used in messages (a file name, a test case)
 * @text: iommukit's topology JSON (docs/topology-json.md)
 * @topo: receives the topology
 *
 * Return: 0 or -EINVAL with a message naming @name.
 */
int iok_topo_load_json_string(struct iok_ctx *ctx, const char *name,
			      const char *text, struct iok_topo **topo);

/**
 * iok_builtin_name() - name of the @i-th built-in topology
 * @i: index from 0
 *
 * Return: the name, or NULL past the last one.
 */
const char *iok_builtin_name(unsigned int i);

/**
 * iok_builtin_description() - one-line description of a built-in topology
 * @name: a name from iok_builtin_name()
 *
 * Return: the description, or NULL for an unknown name.
 */
const char *iok_builtin_description(const char *name);

/**
 * iok_topo_unref() - free a topology
 * @topo: the topology, or NULL
 */
void iok_topo_unref(struct iok_topo *topo);

/**
 * iok_topo_set_param() - set a machine or what-if parameter
 * @topo: the topology
 * @key: "kernel" (e.g. "6.1", "6.19", "7.0"), "iommu" (intel, amd, arm,
 *       virtio, none, optionally followed by ",aw=BITS"), "iommu_aw" (the
 *       units' input address width, 32 to 48 bits, which iok_machine_new()
 *       applies; "" or "0": the drivers' 48; QEMU's intel-iommu has 39),
 *       "acs" (final: config space already holds what Linux
 *       enabled; firmware: apply Linux's ACS enabling), "cmdline" (kernel
 *       command line; the grouping-relevant options are used),
 *       "acs_override" (the out-of-tree pcie_acs_override= value),
 *       "no_iommu" (root buses DDDD:BB or BDF subtrees no IOMMU unit
 *       covers), "absent" (BDFs not plugged in at boot; see
 *       iok_grouping_hotplug_add()), "isolation" (kernel: one domain per
 *       group, as Linux; relaxed: one owner may give devices of a group
 *       that are not DMA aliases different domains, see
 *       iok_group_may_split(); groups do not change)
 * @value: the value
 *
 * Parameters take effect at the next grouping computation.
 *
 * Return: 0, or -EINVAL for an unknown key or a malformed value.
 */
int iok_topo_set_param(struct iok_topo *topo, const char *key,
		       const char *value);

/**
 * iok_topo_get_param() - read a parameter back, in its canonical form
 * @topo: the topology
 * @key: as for iok_topo_set_param()
 *
 * Return: the value (owned by @topo), or NULL for an unknown key.
 */
const char *iok_topo_get_param(struct iok_topo *topo, const char *key);

/**
 * iok_topo_get_source() - the source string the topology was read from
 * @topo: the topology
 *
 * Return: e.g. "lspci:dump.txt" (owned by @topo).
 */
const char *iok_topo_get_source(struct iok_topo *topo);

/**
 * iok_topo_is_live() - whether the topology was read from a sysfs tree
 * @topo: the topology
 *
 * Return: true for the sysfs source, whose kernel groups are known.
 */
bool iok_topo_is_live(struct iok_topo *topo);

/**
 * iok_topo_get_ctx() - the context a topology belongs to
 * @topo: the topology
 *
 * Return: the context.
 */
struct iok_ctx *iok_topo_get_ctx(struct iok_topo *topo);

/**
 * iok_topo_count_devs() - number of PCI functions in the input
 * @topo: the topology
 *
 * Return: the count, hidden functions included.
 */
unsigned int iok_topo_count_devs(struct iok_topo *topo);

/**
 * iok_dev_get_first() - first device in Linux's registration (probe) order
 * @topo: the topology
 *
 * Platform devices come first (the platform bus is probed before PCI), then
 * PCI functions in scan order, then VFs; hidden functions come last.
 *
 * Return: the device, or NULL for an empty topology.
 */
struct iok_dev *iok_dev_get_first(struct iok_topo *topo);
/** The function registered after @dev, or NULL. */
struct iok_dev *iok_dev_get_next(struct iok_dev *dev);

#define iok_dev_foreach(topo, dev) \
	for (dev = iok_dev_get_first(topo); dev; dev = iok_dev_get_next(dev))

/**
 * iok_dev_find() - look a function up by name
 * @topo: the topology
 * @bdf: "DDDD:BB:DD.F" or "BB:DD.F" (domain 0)
 * @dev: receives the function
 *
 * Return: 0, -EINVAL for a malformed BDF, -ENODEV if absent.
 */
int iok_dev_find(struct iok_topo *topo, const char *bdf, struct iok_dev **dev);

/** The BDF as Linux names the device: "0000:00:1f.2" (wider VMD domains). */
const char *iok_dev_get_name(const struct iok_dev *dev);
/** PCI segment (domain) number. */
uint32_t iok_dev_get_domain(const struct iok_dev *dev);
/** Bus number. */
uint8_t iok_dev_get_busnr(const struct iok_dev *dev);
/** Device and function number, as devfn (device << 3 | function). */
uint8_t iok_dev_get_devfn(const struct iok_dev *dev);
/** Vendor ID. */
uint16_t iok_dev_get_vendor(const struct iok_dev *dev);
/** Device ID. */
uint16_t iok_dev_get_device(const struct iok_dev *dev);
/** Subsystem vendor ID (0 for bridges). */
uint16_t iok_dev_get_subvendor(const struct iok_dev *dev);
/** Subsystem device ID (0 for bridges). */
uint16_t iok_dev_get_subdevice(const struct iok_dev *dev);
/** Class code: base class, subclass and programming interface (24 bits). */
uint32_t iok_dev_get_class(const struct iok_dev *dev);
/** Revision ID. */
uint8_t iok_dev_get_revision(const struct iok_dev *dev);
/** Header layout: 0 normal, 1 PCI-to-PCI bridge, 2 CardBus. */
uint8_t iok_dev_get_header_layout(const struct iok_dev *dev);
/** Whether Linux treats the function as multifunction (spec groups 2.2). */
bool iok_dev_is_multifunction(const struct iok_dev *dev);
/** Whether the function has a PCI Express capability. */
bool iok_dev_is_pcie(const struct iok_dev *dev);
/** PCIe type after Linux's correction; -1 when not PCIe. */
int iok_dev_get_pcie_type(const struct iok_dev *dev);
/** PCIe type as the register says; -1 when not PCIe. */
int iok_dev_get_pcie_type_raw(const struct iok_dev *dev);
/** Whether the function is a bridge (type-1 or type-2 header). */
bool iok_dev_is_bridge(const struct iok_dev *dev);
/** Secondary bus of a bridge; -1 for other functions. */
int iok_dev_get_secondary(const struct iok_dev *dev);
/** Subordinate bus of a bridge; -1 for other functions. */
int iok_dev_get_subordinate(const struct iok_dev *dev);
/** ACS knowledge; see enum iok_acs_state. */
enum iok_acs_state iok_dev_get_acs_state(const struct iok_dev *dev);
/** ACS extended capability offset, or 0. */
uint16_t iok_dev_get_acs_pos(const struct iok_dev *dev);
/** ACS Capability register as read. */
uint16_t iok_dev_get_acs_cap(const struct iok_dev *dev);
/** ACS Control register as read (before any modelled enabling). */
uint16_t iok_dev_get_acs_ctrl(const struct iok_dev *dev);
/** Whether the function is an SR-IOV virtual function. */
bool iok_dev_is_vf(const struct iok_dev *dev);
/** The physical function of a VF, or NULL. */
struct iok_dev *iok_dev_get_pf(const struct iok_dev *dev);
/** Whether the function has an ARI capability. */
bool iok_dev_has_ari(const struct iok_dev *dev);
/** Number of config-space bytes captured (64, 256 or 4096). */
unsigned int iok_dev_get_cfg_known(const struct iok_dev *dev);
/** Config space size Linux would use (256 or 4096, spec groups 1.3). */
unsigned int iok_dev_get_cfg_size(const struct iok_dev *dev);
/** Why Linux would not see the function; IOK_VISIBLE if it would. */
enum iok_hidden_reason iok_dev_get_hidden(const struct iok_dev *dev);
/** The bridge upstream of the function (the PF's for a VF), or NULL. */
struct iok_dev *iok_dev_get_parent(const struct iok_dev *dev);
/** The driver bound on a live machine, or NULL. */
const char *iok_dev_get_driver(const struct iok_dev *dev);
/** The kernel's IOMMU group on a live machine; -1 none; -2 unknown. */
int iok_dev_get_kernel_group(const struct iok_dev *dev);

/**
 * iok_dev_read_cfg() - read config space
 * @dev: the function
 * @off: offset
 * @len: 1, 2 or 4
 * @val: receives the little-endian value
 *
 * Return: 0, -ENODATA when the bytes were not captured, -EINVAL for a bad
 * @off or @len.
 */
int iok_dev_read_cfg(const struct iok_dev *dev, unsigned int off,
		     unsigned int len, uint32_t *val);

/**
 * iok_dev_find_cap() - offset of a standard capability
 * @dev: the function
 * @id: capability ID
 *
 * Return: the offset, 0 when absent, -ENODATA when not captured.
 */
int iok_dev_find_cap(const struct iok_dev *dev, uint8_t id);

/**
 * iok_dev_find_ext_cap() - offset of an extended capability
 * @dev: the function
 * @id: extended capability ID
 *
 * Return: the offset, 0 when absent, -ENODATA when not captured.
 */
int iok_dev_find_ext_cap(const struct iok_dev *dev, uint16_t id);

/** Whether @devfn is in @dev's DMA-alias set (same bus). */
bool iok_dev_has_dma_alias(const struct iok_dev *dev, uint8_t devfn);

/** Whether @dev is a PCI function (false: a platform device). */
bool iok_dev_is_pci(const struct iok_dev *dev);

/** Name of a PCIe type as lspci prints it ("Root Port", ...). */
const char *iok_pcie_type_name(int type);

#ifdef __cplusplus
}
#endif

#endif
