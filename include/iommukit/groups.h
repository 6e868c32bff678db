/* SPDX-License-Identifier: MIT */
/*
 * IOMMU groups computed as Linux computes them (pci_device_group() and the
 * ACS rules), with the reason each device joined its group.
 */
#ifndef IOMMUKIT_GROUPS_H
#define IOMMUKIT_GROUPS_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iok_topo;
struct iok_dev;
struct iok_grouping;
struct iok_group;

/**
 * iok_grouping_compute() - run Linux's IOMMU probe over a topology
 * @topo: the topology, with its parameters (kernel, iommu, cmdline, ...)
 * @out: receives the result
 *
 * Return: 0 or -ENOMEM.
 */
int iok_grouping_compute(struct iok_topo *topo, struct iok_grouping **out);

/**
 * iok_grouping_hotplug_add() - plug a device in and probe it, as Linux does
 * @g: the grouping
 * @dev: a device of @g's topology that is absent (the "absent" parameter
 *       at boot, or removed with iok_grouping_hotplug_remove())
 *
 * The device joins whichever related group the search meets first, or a
 * new group with the lowest free ID; existing groups never merge (spec
 * groups 6.4, 8).
 *
 * Return: 0 (iok_dev_get_group() then tells the group, NULL when no IOMMU
 * covers it); -EBUSY if it is present already; -EINVAL for a device Linux
 * does not enumerate or of another topology; -ENOMEM.
 */
int iok_grouping_hotplug_add(struct iok_grouping *g, struct iok_dev *dev);

/**
 * iok_grouping_hotplug_remove() - unplug a device
 * @g: the grouping
 * @dev: a present device
 *
 * The device leaves its group; the last device to leave frees the group and
 * its ID, which the next new group reuses (spec groups 8).
 *
 * Return: 0, -ENODEV if it is absent, -EINVAL for a device of another topology.
 */
int iok_grouping_hotplug_remove(struct iok_grouping *g, struct iok_dev *dev);

/**
 * iok_dev_is_present() - whether a device is plugged in
 * @g: the grouping
 * @dev: the device
 *
 * Return: true for devices present at boot or hot-added since.
 */
bool iok_dev_is_present(const struct iok_grouping *g, const struct iok_dev *dev);

/**
 * iok_grouping_unref() - free a grouping
 * @g: the grouping, or NULL
 */
void iok_grouping_unref(struct iok_grouping *g);

/** The kernel version whose rules the grouping followed ("6.19"). */
const char *iok_grouping_get_kernel(const struct iok_grouping *g);

/** Number of groups. */
unsigned int iok_grouping_count(const struct iok_grouping *g);

/** Groups in ID order. */
struct iok_group *iok_group_get_first(const struct iok_grouping *g);
/** The group after @grp in ID order, or NULL. */
struct iok_group *iok_group_get_next(const struct iok_group *grp);

#define iok_group_foreach(g, grp) \
	for (grp = iok_group_get_first(g); grp; grp = iok_group_get_next(grp))

/** The group's ID, as in /sys/kernel/iommu_groups/<id>. */
int iok_group_get_id(const struct iok_group *grp);
/** Number of member devices. */
unsigned int iok_group_count_devs(const struct iok_group *grp);
/** The @i-th member, in probe order, or NULL. */
struct iok_dev *iok_group_get_dev(const struct iok_group *grp, unsigned int i);

/**
 * iok_group_is_uncertain() - whether missing config bytes could change it
 * @grp: the group
 *
 * Return: true when a member's or a path bridge's ACS (or capability list)
 * was not captured; the computation then assumed "absent".
 */
bool iok_group_is_uncertain(const struct iok_group *grp);

/**
 * iok_dev_get_group() - the group of a device
 * @g: the grouping
 * @dev: a device of the grouping's topology
 *
 * Return: the group, or NULL when the IOMMU does not cover the device (or
 * Linux does not see it).
 */
struct iok_group *iok_dev_get_group(const struct iok_grouping *g,
				    const struct iok_dev *dev);

/** How a device came to its group: one step of the search. */
enum iok_join_kind {
	IOK_JOIN_NEW,		/* nothing related had a group: a new one */
	IOK_JOIN_NO_IOMMU,	/* not covered: no group */
	IOK_JOIN_HIDDEN,	/* Linux does not enumerate it: no group */
	IOK_JOIN_VMD,		/* DMA goes out as the VMD endpoint */
	IOK_JOIN_ALIAS_BRIDGE,	/* requester ID taken over by this bridge */
	IOK_JOIN_NOT_ISOLATED,	/* upstream bridge whose ACS path fails */
	IOK_JOIN_DMA_ALIAS,	/* same-bus DMA alias (quirk or firmware) */
	IOK_JOIN_SIBLING,	/* multifunction sibling, neither isolated */
	IOK_JOIN_ABSENT,	/* not plugged in: no group */
};

/** One step of the chain from a device to the member whose group it took. */
struct iok_join_step {
	enum iok_join_kind kind;
	struct iok_dev *dev;	/* the device this step reached */
};

/**
 * iok_dev_get_join() - the @i-th step of how @dev found its group
 * @g: the grouping
 * @dev: the device
 * @i: step index from 0
 * @step: receives the step
 *
 * Step 0 of a device that created its group is IOK_JOIN_NEW with @dev
 * itself. Otherwise the steps lead, in search order, to the device whose
 * group was taken (the last step).
 *
 * Return: 0, or -ENOENT past the last step.
 */
int iok_dev_get_join(const struct iok_grouping *g, const struct iok_dev *dev,
		     unsigned int i, struct iok_join_step *step);

/** Which rule decided an ACS verdict (spec groups 4.2 and 4.5). */
enum iok_acs_rule {
	IOK_ACS_RULE_QUIRK,	/* a device-specific quirk decided */
	IOK_ACS_RULE_NOT_PCIE,	/* conventional PCI: never isolated */
	IOK_ACS_RULE_BRIDGE_TYPE, /* PCIe-to-PCI, PCI-to-PCIe, RC event collector */
	IOK_ACS_RULE_PORT,	/* root/downstream port: ACS required */
	IOK_ACS_RULE_MULTIFUNCTION, /* multifunction endpoint/USP: ACS required */
	IOK_ACS_RULE_SINGLE_FUNCTION, /* single-function endpoint/USP: isolated */
	IOK_ACS_RULE_OTHER_TYPE, /* reserved PCIe type: isolated */
	IOK_ACS_RULE_OVERRIDE,	/* pcie_acs_override= (out of tree) */
};

/** An ACS verdict on one device, as pci_acs_enabled() reaches it. */
struct iok_acs_verdict {
	bool isolated;
	enum iok_acs_rule rule;
	const char *quirk;	/* quirk handler name, for IOK_ACS_RULE_QUIRK */
	uint16_t required;	/* bits the kernel needs enabled here */
	uint16_t missing;	/* required bits not enabled */
	uint16_t cap;		/* ACS Capability the kernel uses */
	uint16_t ctrl;		/* effective ACS Control after enabling */
	bool uncertain;		/* decided on bytes that were not captured */
};

/**
 * iok_dev_acs_verdict() - does @dev pass pci_acs_enabled(SV|RR|CR|UF)?
 * @g: the grouping (its parameters fix the kernel rules)
 * @dev: a PCI function
 * @v: receives the verdict
 *
 * Return: 0, or -EINVAL for a platform device.
 */
int iok_dev_acs_verdict(const struct iok_grouping *g, const struct iok_dev *dev,
			struct iok_acs_verdict *v);

/**
 * iok_dev_acs_path_ok() - does pci_acs_path_enabled() pass from @dev up?
 * @g: the grouping
 * @dev: a PCI function
 *
 * Return: true if @dev and every bridge above it are isolated.
 */
bool iok_dev_acs_path_ok(const struct iok_grouping *g, const struct iok_dev *dev);

/** Name of a join kind ("multifunction sibling", ...). */
const char *iok_join_kind_name(enum iok_join_kind kind);
/** Short name of an ACS rule. */
const char *iok_acs_rule_name(enum iok_acs_rule rule);

/**
 * iok_acs_bits_str() - ACS bits in lspci's words
 * @buf: at least 96 bytes
 * @bits: the register value
 *
 * Return: @buf, e.g. "SrcValid+ TransBlk- ReqRedir+ CmpltRedir+ ...".
 */
char *iok_acs_bits_str(char *buf, uint16_t bits);

#ifdef __cplusplus
}
#endif

#endif
