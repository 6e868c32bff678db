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

/*
 * Inside a group: alias sets and isolation sets (beyond Linux, see
 * docs/groups-sets.md). Linux merges two relations into one group: devices
 * whose requests the IOMMU cannot tell apart (spec groups 5) and devices
 * that reach each other without the IOMMU (spec groups 4.2, 4.3, 6.2 steps
 * B and D). Each set is computed from its relation, not from the group; the
 * sets of a group partition it, and every isolation set is a union of
 * alias sets. They follow the grouping through hot-plug.
 */

/** An alias set or an isolation set. */
struct iok_devset;

/** The two layers inside a group. */
enum iok_set_layer {
	IOK_SET_ALIAS,		/* same requester ID: must share one domain */
	IOK_SET_ISOLATION,	/* peer-to-peer without the IOMMU: must share one owner */
};

/**
 * struct iok_set_reason - one relation that ties members of a set
 * @kind: in alias sets IOK_JOIN_ALIAS_BRIDGE, IOK_JOIN_VMD or
 *        IOK_JOIN_DMA_ALIAS; in isolation sets IOK_JOIN_NOT_ISOLATED or
 *        IOK_JOIN_SIBLING (the words of iok_join_kind_name())
 * @dev: the member the relation starts from (the first, by probe order,
 *       when it ties several)
 * @via: the aliasing bridge; the VMD endpoint; the function at
 *       @alias_devfn (NULL when there is none); the upstream bridge whose
 *       ACS path fails; the first sibling
 * @culprit: for IOK_JOIN_NOT_ISOLATED the first device on @via's path to
 *           the root that fails pci_acs_enabled(), for IOK_JOIN_SIBLING
 *           @dev itself; NULL otherwise
 * @alias_devfn: for IOK_JOIN_DMA_ALIAS the devfn on @dev's bus that its
 *               requests may carry (spec groups 5.3); -1 otherwise
 * @nr_devs: how many members the relation ties to @via (devices below the
 *           bridge, siblings of @dev)
 * @acs: the kernel's verdict on @culprit: rule, quirk, required and
 *       missing bits (zeroed without a culprit)
 */
struct iok_set_reason {
	enum iok_join_kind kind;
	struct iok_dev *dev;
	struct iok_dev *via;
	struct iok_dev *culprit;
	int alias_devfn;
	unsigned int nr_devs;
	struct iok_acs_verdict acs;
};

/**
 * iok_group_get_first_set() - first alias set or isolation set of a group
 * @grp: the group
 * @layer: IOK_SET_ALIAS or IOK_SET_ISOLATION
 *
 * Sets come in the probe order of their first member. They are computed
 * on first use and dropped when the grouping changes (hot-plug).
 *
 * Return: the set; NULL for a NULL @grp, an unknown @layer, or when memory
 * ran out (iok_dev_get_set() then says -ENOMEM).
 */
struct iok_devset *iok_group_get_first_set(const struct iok_group *grp,
					   enum iok_set_layer layer);
/** The next set of the same group and layer, or NULL. */
struct iok_devset *iok_devset_get_next(const struct iok_devset *set);

#define iok_group_foreach_alias_set(grp, set) \
	for (set = iok_group_get_first_set(grp, IOK_SET_ALIAS); set; \
	     set = iok_devset_get_next(set))
#define iok_group_foreach_isolation_set(grp, set) \
	for (set = iok_group_get_first_set(grp, IOK_SET_ISOLATION); set; \
	     set = iok_devset_get_next(set))

/** Number of sets of @layer in @grp (0 on misuse). */
unsigned int iok_group_count_sets(const struct iok_group *grp, enum iok_set_layer layer);

/**
 * iok_dev_get_set() - the alias set or isolation set of a device
 * @g: the grouping
 * @dev: a device of @g's topology
 * @layer: IOK_SET_ALIAS or IOK_SET_ISOLATION
 * @set: receives the set
 *
 * Return: 0; -ENODEV when @dev has no group; -EINVAL for NULL arguments,
 * an unknown @layer or a device of another topology; -ENOMEM.
 */
int iok_dev_get_set(const struct iok_grouping *g, const struct iok_dev *dev,
		    enum iok_set_layer layer, struct iok_devset **set);

/** The layer of a set. */
enum iok_set_layer iok_devset_get_layer(const struct iok_devset *set);
/** The group a set belongs to (NULL for a NULL @set). */
struct iok_group *iok_devset_get_group(const struct iok_devset *set);
/** Number of members (0 for a NULL @set). */
unsigned int iok_devset_count_devs(const struct iok_devset *set);
/** The @i-th member, in probe order, or NULL. */
struct iok_dev *iok_devset_get_dev(const struct iok_devset *set, unsigned int i);
/** Whether @dev is a member of @set. */
bool iok_devset_contains(const struct iok_devset *set, const struct iok_dev *dev);

/**
 * iok_devset_spans_groups() - whether the relation reaches another group
 * @set: the set
 *
 * Linux never merges groups, so a device probed after boot (hot-plug, an
 * SR-IOV VF) with aliases in two groups joins one of them (spec groups 6.4,
 * 13 #35): its alias set then reaches a member of the other group, whose
 * domain would also receive its requests. Two functions whose quirk aliases
 * the same absent function (spec groups 5.3) can do the same at boot.
 *
 * Return: true if a device related to the members sits in another group.
 */
bool iok_devset_spans_groups(const struct iok_devset *set);

/** Number of reasons that make the set (0 for a singleton set). */
unsigned int iok_devset_count_reasons(const struct iok_devset *set);

/**
 * iok_devset_get_reason() - the @i-th reason that makes a set
 * @set: the set
 * @i: index from 0; alias relations in alias sets, ACS relations in
 *     isolation sets (the alias relations inside an isolation set are
 *     those of its alias sets)
 * @r: receives the reason
 *
 * Return: 0, -ENOENT past the last reason, -EINVAL for NULL arguments.
 */
int iok_devset_get_reason(const struct iok_devset *set, unsigned int i,
			  struct iok_set_reason *r);

/**
 * iok_group_may_split() - may one owner give @a and @b different domains?
 * @grp: the group of both devices
 * @a: a member
 * @b: a member
 *
 * Under the default policy (topology parameter isolation=kernel) never, as
 * in Linux: a group shares one domain. Under isolation=relaxed, yes when
 * @a and @b are in different alias sets that reach no other group; the
 * group still has a single owner. The runtime core applies this rule when
 * the owner attaches a domain to one alias set (iok_attach_alias_set()).
 *
 * Return: 1 or 0; -EINVAL for NULL arguments or a device outside @grp;
 * -ENOMEM.
 */
int iok_group_may_split(const struct iok_group *grp, const struct iok_dev *a,
			const struct iok_dev *b);

/** "alias" or "isolation". */
const char *iok_set_layer_name(enum iok_set_layer layer);

#ifdef __cplusplus
}
#endif

#endif
