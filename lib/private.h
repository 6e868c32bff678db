/* SPDX-License-Identifier: MIT */
/* Private structures of libiommukit. Nothing here is part of the ABI. */
#ifndef IOK_PRIVATE_H
#define IOK_PRIVATE_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <iommukit/iommukit.h>

#define IOK_EXPORT __attribute__((visibility("default")))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define IOK_CFG_MAX 4096

#define _cleanup_(f) __attribute__((cleanup(f)))
static inline void freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

struct iok_ctx {
	int refcount;
	int log_prio;
	iok_log_fn log_fn;
	char error[512];
};

void iok_log(struct iok_ctx *ctx, int prio, const char *file, int line,
	     const char *fn, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/*
 * Record a failure message in @ctx and return @err (a negative errno), so
 * that error paths read "return iok_fail(ctx, -EINVAL, ...);".
 */
int iok_fail(struct iok_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepend "@prefix: " to the recorded message; returns @err. */
int iok_fail_prefix(struct iok_ctx *ctx, int err, const char *prefix);

#define dbg(ctx, ...) iok_log(ctx, IOK_LOG_DEBUG, __FILE__, __LINE__, __func__, __VA_ARGS__)
#define info(ctx, ...) iok_log(ctx, IOK_LOG_INFO, __FILE__, __LINE__, __func__, __VA_ARGS__)
#define warn(ctx, ...) iok_log(ctx, IOK_LOG_WARNING, __FILE__, __LINE__, __func__, __VA_ARGS__)

/* ---- topology ---------------------------------------------------------- */

enum iok_iommu_kind {
	IOK_IOMMU_NONE,
	IOK_IOMMU_INTEL,
	IOK_IOMMU_AMD,
	IOK_IOMMU_ARM,
	IOK_IOMMU_VIRTIO,
};

/* A device list for pci=disable_acs_redir= / pci=config_acs= (spec 3). */
struct iok_acs_cmd {
	uint16_t mask;		/* config_acs: bits given as 0 or 1 */
	uint16_t flags;		/* config_acs: their values */
	bool redir;		/* disable_acs_redir */
	bool by_id;
	uint16_t vendor, device, subvendor, subdevice;
	uint32_t domain;
	uint8_t bus;
	uint8_t path[16];	/* devfns from the root bus */
	unsigned int path_len;
};

#define IOK_OVERRIDE_IDS 16

/* A device (devfn >= 0) or a whole root bus (devfn -1) named by a parameter. */
struct iok_dev_sel {
	uint32_t domain;
	uint8_t bus;
	int devfn;		/* -1: the whole root bus */
};

struct iok_params {
	unsigned int kernel;	/* version as major * 100 + minor: 601, 619, 700 */
	char kernel_str[16];
	enum iok_iommu_kind iommu;
	bool acs_final;		/* config space holds the kernel's ACS Control */
	bool acs_requested;
	bool noats;
	bool pcie_scan_all;
	bool ivrs;		/* AMD IVRS table present (amd_sb quirk) */
	bool isolation_relaxed;	/* isolation=relaxed (docs/groups-sets.md) */
	unsigned int iommu_aw;	/* iommu_aw=: the units' address width; 0: the drivers' 48 */
	struct iok_acs_cmd *acs_cmds;
	unsigned int nr_acs_cmds;
	bool ovr_downstream, ovr_multifunction;
	uint32_t ovr_ids[IOK_OVERRIDE_IDS];
	unsigned int nr_ovr_ids;
	char *cmdline;
	char *acs_override;
	/* iommu=pt|nopt, iommu.passthrough=, iommu.strict=: -1 when not given. */
	int8_t passthrough;
	int8_t strict;
	/* Devices no IOMMU unit covers: root buses (DDDD:BB) or subtrees (BDF). */
	struct iok_dev_sel *no_iommu;
	unsigned int nr_no_iommu;
	char *no_iommu_str;
	/* Devices not plugged in at boot (hot-plugged later). */
	struct iok_dev_sel *absent;
	unsigned int nr_absent;
	char *absent_str;
};

struct iok_bus {
	struct iok_topo *topo;
	uint32_t domain;
	uint8_t number;
	bool is_root;
	bool is_virtual;	/* a VF bus: no bridge */
	bool no_ext_cfg;	/* Linux's PCI_BUS_FLAGS_NO_EXTCFG */
	bool has_aliases;	/* some device on it has a DMA-alias set */
	struct iok_dev *self;	/* the bridge, NULL for root and VF buses */
	struct iok_bus *parent;
	struct iok_dev **devs;	/* in registration order */
	unsigned int nr_devs, alloc_devs;
	struct iok_bus **children; /* secondary buses of bridges on this bus */
	unsigned int nr_children, alloc_children;
	struct iok_dev *slot_first[32]; /* first function of each slot */
};

struct iok_dev {
	struct iok_topo *topo;
	unsigned int index;	/* registration order */
	unsigned int input_index; /* order in the source */
	bool is_pci;
	char name[24];
	char *pname;		/* platform device name */
	uint32_t domain;
	uint8_t busnr, devfn;
	struct iok_bus *bus;

	uint8_t *cfg;		/* the captured bytes, trailing zeros trimmed */
	uint16_t cfg_stored;
	uint16_t cfg_known;	/* captured length: 64, 256 or 4096 */
	uint16_t cfg_size;	/* Linux's cfg_size */

	uint16_t vendor, device, subvendor, subdevice;
	uint32_t class;
	uint8_t revision;
	uint8_t hdr_type, layout;
	bool multifunction;
	bool caps_known;	/* the standard list could be walked */
	uint8_t pcie_pos;
	bool pcie;
	int8_t type_raw, type;
	uint16_t acs_pos;
	enum iok_acs_state acs_state;
	uint16_t acs_cap, acs_ctrl;
	uint32_t acs_cap32, acs_ctrl32; /* Intel SPT dword layout */
	uint16_t ari_pos;
	uint16_t sriov_pos;
	bool pcix_266_533;
	int secondary, subordinate;
	struct iok_bus *child;	/* secondary bus of a bridge */

	bool is_vf;
	struct iok_dev *pf;
	enum iok_hidden_reason hidden;
	bool flag_pcie_bridge_alias;
	bool flag_xlate_root;
	uint64_t *dma_alias;	/* 256-bit devfn set, NULL if empty */
	struct iok_dev *vmd;	/* real_dma_dev() when different */
	bool untrusted;		/* external-facing / Thunderbolt */
	bool fw_no_iommu;	/* firmware tables give it no IOMMU unit */
	int unit;		/* IOMMU unit index, -1 = not covered */

	char *driver;
	int kernel_group;	/* -1 none, -2 unknown */

	bool registered;
	struct iok_dev *next;	/* registration order */
};

struct iok_unit {
	char *name;
	bool include_all;
	char **scope;		/* BDFs (a bridge covers its subtree) */
	unsigned int nr_scope;
};

struct iok_topo {
	struct iok_ctx *ctx;
	char *source;
	bool live;
	bool kernel_enumerated;	/* the input is what Linux enumerated */
	bool has_ext_dumps;	/* some function was captured with 4 KiB */
	struct iok_params params;
	bool acs_final_default;

	struct iok_dev **devs;	/* input order */
	unsigned int nr_devs, alloc_devs;
	struct iok_dev *first;	/* registration order */
	struct iok_bus **buses;
	unsigned int nr_buses, alloc_buses;
	struct iok_unit *units;
	unsigned int nr_units;
	unsigned int nr_platform;
	struct iok_dev **sorted; /* by (domain, bus, devfn) for lookups */
	bool finalized;
};

/* Construction, used by every source. */
struct iok_topo *iok_topo_alloc(struct iok_ctx *ctx, const char *source);
int iok_topo_add_pci(struct iok_topo *topo, uint32_t domain, uint8_t bus,
		     uint8_t devfn, const uint8_t *cfg, unsigned int known,
		     struct iok_dev **out);
int iok_topo_add_platform(struct iok_topo *topo, const char *name,
			  struct iok_dev **out);
int iok_topo_add_alias(struct iok_dev *dev, uint8_t devfn);
int iok_topo_finalize(struct iok_topo *topo);
struct iok_dev *iok_topo_lookup(struct iok_topo *topo, uint32_t domain,
				uint8_t bus, uint8_t devfn);
/* Whether the "absent" parameter names @d. */
bool iok_topo_is_absent(const struct iok_topo *topo, const struct iok_dev *d);
/* IOMMU coverage under the current "iommu" parameter. */
void iok_topo_assign_units(struct iok_topo *topo);
int iok_parse_bdf(const char *s, uint32_t *domain, uint8_t *bus, uint8_t *devfn);
int iok_params_init(struct iok_params *p);
void iok_params_free(struct iok_params *p);

/* Config-space access: bytes beyond cfg_known read as all ones. */
static inline bool cfg_has(const struct iok_dev *d, unsigned int off, unsigned int len)
{
	return off + len <= d->cfg_known;
}

static inline uint8_t cfg8(const struct iok_dev *d, unsigned int off)
{
	if (off >= d->cfg_known)
		return 0xff;
	return off < d->cfg_stored ? d->cfg[off] : 0;
}

static inline uint16_t cfg16(const struct iok_dev *d, unsigned int off)
{
	return cfg8(d, off) | cfg8(d, off + 1) << 8;
}

static inline uint32_t cfg32(const struct iok_dev *d, unsigned int off)
{
	return cfg16(d, off) | (uint32_t)cfg16(d, off + 2) << 16;
}

int iok_cfg_find_cap(const struct iok_dev *d, uint8_t id);
int iok_cfg_find_ext_cap(const struct iok_dev *d, uint16_t id);
int iok_cfg_check_lists(struct iok_ctx *ctx, const struct iok_dev *d);

/* Sources (pciutils' access methods are the model). */
struct iok_source {
	const char *name;
	const char *help;
	int (*load)(struct iok_ctx *ctx, const char *arg, struct iok_topo **out);
};

extern const struct iok_source iok_source_sysfs;
extern const struct iok_source iok_source_lspci;
extern const struct iok_source iok_source_json;
extern const struct iok_source iok_source_builtin;

int iok_json_load_text(struct iok_ctx *ctx, const char *source, const char *name,
		       const char *text, struct iok_topo **out);

#define IOK_BITMAP_TEST(map, bit) (((map)[(bit) / 64] >> ((bit) % 64)) & 1)

#endif
