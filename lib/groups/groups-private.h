/* SPDX-License-Identifier: MIT */
/* State of one grouping computation, shared by the files of lib/groups/. */
#ifndef IOK_GROUPS_PRIVATE_H
#define IOK_GROUPS_PRIVATE_H

#include "lib/private.h"
#include "lib/topo/topo-private.h"

#define REQ_ACS_FLAGS (IOK_ACS_SV | IOK_ACS_RR | IOK_ACS_CR | IOK_ACS_UF)
#define IOK_MAX_JOIN_STEPS 16

struct iok_group {
	struct iok_grouping *g;
	int id;
	struct iok_dev **devs;
	unsigned int nr_devs, alloc_devs;
	bool uncertain;
	struct iok_group *next;	/* ID order */
};

/* What the kernel knows of one device while it groups. */
struct dev_state {
	uint16_t cap;		/* ACS Capability as the kernel uses it */
	uint16_t ctrl;		/* ACS Control after enabling */
	uint32_t ctrl32;	/* Intel SPT dword control after enabling */
	bool pch_acs_ok;	/* PCI_DEV_FLAGS_ACS_ENABLED_QUIRK */
	int8_t acs_ok;		/* memo of acs_enabled(REQ): -1 not yet */
	int8_t path_ok;		/* memo of acs_path_enabled(REQ) */
	bool acs_uncertain;	/* the verdict rests on bytes not captured */
	bool path_uncertain;
	uint8_t nr_steps;
	bool present;		/* plugged in: for_each_pci_dev() sees it */
	struct iok_group *group;
	uint32_t first_step;	/* index into iok_grouping.steps */
};

struct iok_grouping {
	struct iok_topo *topo;
	const struct iok_params *p;
	struct dev_state *st;	/* indexed by iok_dev.index */
	/* Join chains of every device, one after another: most hold one step. */
	struct iok_join_step *steps;
	unsigned int nr_steps, alloc_steps;
	struct iok_group *first;
	struct iok_group **by_id;
	struct iok_group *last;	/* highest ID */
	unsigned int nr_groups, alloc_ids;
	unsigned int lowest_free; /* no ID below it is free */
	struct iok_sets *sets;	/* alias and isolation sets: sets.c, on first use */
};

static inline struct dev_state *S(const struct iok_grouping *g, const struct iok_dev *d)
{
	return &g->st[d->index];
}

/*
 * pci_pcie_type() under the kernel's rules. Before 6.14 the port-type
 * correction of spec groups 1.2 cleared the type field but wrote the new
 * type into the capability-version bits, so a corrected port reads as 0
 * (an endpoint); the Linux 6.1 corpus (own/t1-port-type-fixup) shows it.
 */
#define KERNEL_PORT_TYPE_FIXED 614

static inline int iok_pcie_type(const struct iok_grouping *g, const struct iok_dev *d)
{
	if (d->type != d->type_raw && g->p->kernel < KERNEL_PORT_TYPE_FIXED)
		return IOK_PCIE_ENDPOINT;
	return d->type;
}

/* ACS enabling (spec groups 3): fills cap, ctrl, ctrl32 and pch_acs_ok. */
void iok_acs_setup(struct iok_grouping *g, struct iok_dev *d);

/* pci_dev_specific_acs_enabled(): 1 yes, 0 no, -1 not applicable. */
int iok_acs_quirk(const struct iok_grouping *g, const struct iok_dev *d,
		  uint16_t want, const char **name);

/* Intel PCH root ports of the RCBA quirk, and the Sunrise Point family. */
bool iok_intel_pch_match(const struct iok_dev *d);

/* pci_acs_enabled() with its reason. */
bool iok_acs_enabled(const struct iok_grouping *g, const struct iok_dev *d,
		     uint16_t want, struct iok_acs_verdict *v);

/* Forget the alias and isolation sets: the groups changed (sets.c). */
void iok_sets_drop(struct iok_grouping *g);

#endif
