/* SPDX-License-Identifier: MIT */
/*
 * The unit's hardware state: domain IDs, the context table and the IOTLB
 * (context.c, iotlb.c, translate.c). Included by iommu-private.h, which
 * embeds struct iok_unit_hw in every unit.
 */
#ifndef IOK_IOMMU_HW_PRIVATE_H
#define IOK_IOMMU_HW_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/iommu/walk-cache.h"

struct iok_machine;
struct iok_iommu_unit;
struct iok_domain;
struct iok_dev;

/* Domain IDs are 16 bits wide, as VT-d's, AMD's and SMMU ASIDs are; 0 is reserved. */
#define IOK_DID_MAX		0xffffu

/* IOTLB page-size classes. */
enum { IOTLB_4K, IOTLB_2M, IOTLB_1G, IOTLB_NR_CLASSES };

#define IOTLB_WAYS		2
#define IOTLB_DEF_ENTRIES	1024
#define IOTLB_MAX_ENTRIES	(1u << 20)

/* Low bits of an entry's output word besides IOK_PROT_*: D already set by a walk. */
#define IOTLB_DIRTY		(1ull << 7)
#define IOTLB_PROT_MASK		0x7full

/* A PASID wildcard for invalidations (PASIDs are 20 bits). */
#define IOTLB_ANY_PASID		0xfffffffeu

/*
 * One set: both ways' tags in one cache line with their data. A tag is
 * vpn << 16 | domain ID (never 0 while valid: ID 0 is reserved); the IOVA
 * is inside a 48-bit aperture, so the vpn fits.
 */
struct iotlb_set {
	uint64_t tag[IOTLB_WAYS];
	uint64_t out[IOTLB_WAYS];	/* page's output address | prot bits */
	uint32_t pasid[IOTLB_WAYS];
	uint8_t victim;			/* the least recently used way */
} __attribute__((aligned(64)));

struct iotlb_class {
	struct iotlb_set *sets;
	uint64_t mask;			/* sets - 1 */
};

/* A domain ID slot of a unit. */
struct did_slot {
	uint64_t space;			/* the ID's set-index hash */
	struct iok_domain *d;		/* NULL: free */
	unsigned int users;		/* devices and PASID entries using it */
	unsigned int cnt[IOTLB_NR_CLASSES]; /* IOTLB entries by class */
	uint8_t classes;		/* classes with entries, bit per class */
	unsigned int seen;		/* iok_machine_check()'s recount */
};

struct ctx_pasid {
	uint32_t pasid;
	uint16_t did;
	struct iok_domain *d;
};

/* A context entry: what the unit translates one requester ID with. */
struct ctx_entry {
	struct iok_domain *d;		/* NULL: not present */
	uint16_t did;
	unsigned int users;		/* devices whose RID or alias it is */
	struct ctx_pasid *pasids;	/* PASID entries, sorted */
	unsigned int nr_pasids, alloc_pasids;
	/* iok_machine_check()'s recount. */
	unsigned int seen;
	bool match;
};

/* Context table of one PCI bus (VT-d's context table under the root table). */
struct ctx_bus {
	struct ctx_entry e[256];
};

struct ctx_seg {
	uint32_t segment;
	struct ctx_bus *bus[256];
	struct ctx_seg *next;
};

struct iok_unit_hw {
	/* Domain IDs. */
	struct did_slot *dids;
	unsigned int nr_dids;		/* slots allocated */
	unsigned int lowest_free;
	unsigned int sdid[2];		/* IDs of the driver's identity, blocked domains */
	/* Context table, per segment. */
	struct ctx_seg *segs;
	/* IOTLB: sets allocated at the first fill. */
	struct iotlb_class cls[IOTLB_NR_CLASSES];
	unsigned int capacity;		/* entries per class; 0: caches nothing */
	unsigned int entries;
	uint64_t hits, misses, fills, evictions;
	uint64_t inv_range, inv_pasid, inv_domain, inv_global, inv_entries;
	struct iok_walk_cache *wc;	/* paging-structure cache (walk-cache.c), at the first walk */
};

/* context.c */
int iok_hw_attach(struct iok_machine *m, struct iok_dev *dev, struct iok_domain *d);
void iok_hw_release(struct iok_machine *m, struct iok_dev *dev);
int iok_hw_check(struct iok_machine *m);
void iok_hw_free(struct iok_iommu_unit *u);
struct ctx_entry *iok_ctx_lookup(const struct iok_iommu_unit *u, uint32_t segment,
				 uint16_t rid);
int iok_hw_did(const struct iok_iommu_unit *u, const struct iok_domain *d);
int iok_context_set_pasid(struct iok_machine *m, struct iok_dev *dev, uint32_t pasid,
			  struct iok_domain *d);
/* Calls @fn for each requester ID @dev's DMA can carry (pci_for_each_dma_alias()). */
typedef int (*iok_rid_fn)(uint32_t segment, uint16_t rid, void *arg);
int iok_dev_for_each_rid(const struct iok_dev *dev, iok_rid_fn fn, void *arg);

/* iotlb.c */
struct iotlb_hit {
	uint64_t *out;			/* the entry's output address | prot bits */
	unsigned int shift;		/* page size */
};

bool iok_iotlb_lookup(struct iok_unit_hw *hw, unsigned int did, uint32_t pasid,
		      uint64_t iova, struct iotlb_hit *h);
void iok_iotlb_fill(struct iok_unit_hw *hw, unsigned int did, uint32_t pasid,
		    uint64_t iova, uint64_t paddr, unsigned int shift, uint64_t bits);
uint64_t iok_iotlb_did_space(unsigned int did);
/* Forget the entry of a hit whose walk failed (not an invalidation). */
void iok_iotlb_drop_hit(struct iok_unit_hw *hw, const struct iotlb_hit *h);
void iok_iotlb_inv_range(struct iok_unit_hw *hw, unsigned int did, uint32_t pasid,
			 uint64_t iova, uint64_t last);
void iok_iotlb_inv_did(struct iok_unit_hw *hw, unsigned int did, uint32_t pasid);
void iok_iotlb_inv_all(struct iok_unit_hw *hw);
void iok_iotlb_free(struct iok_unit_hw *hw);

#endif
