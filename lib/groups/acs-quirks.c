// SPDX-License-Identifier: MIT
/*
 * The device-specific ACS table (spec groups 4.5), in the kernel's order:
 * the first entry whose handler gives a verdict decides. The out-of-tree
 * pcie_acs_override= entry (spec groups 10) is appended when configured.
 */
#include "lib/groups/groups-private.h"

#define ANY 0xffffffffu
#define ALL_FOUR REQ_ACS_FLAGS

enum { NA = -1, NO = 0, YES = 1 };

struct acs_quirk {
	uint16_t vendor;
	uint32_t device;	/* ANY for every device of the vendor */
	int (*fn)(const struct iok_grouping *g, const struct iok_dev *d, uint16_t want);
	const char *name;
	unsigned int since;	/* first kernel (major * 100 + minor) with it */
};

/* pci_acs_ctrl_enabled(): granted iff every requested bit is in @have. */
static int grant(uint16_t want, uint16_t have)
{
	return (want & have) == want ? YES : NO;
}

static int type_of(const struct iok_dev *d)
{
	/* pci_pcie_type() of a conventional device reads the zeroed flags. */
	return d->pcie ? d->type : 0;
}

static int q_amd_sb(const struct iok_grouping *g, const struct iok_dev *d, uint16_t want)
{
	if (!d->multifunction || !d->bus->is_root || !g->p->ivrs)
		return NA;
	want &= IOK_ACS_RR | IOK_ACS_CR | IOK_ACS_EC | IOK_ACS_DT;
	return grant(want, IOK_ACS_RR | IOK_ACS_CR);
}

static int q_mf_endpoint(const struct iok_grouping *g, const struct iok_dev *d, uint16_t want)
{
	return grant(want, IOK_ACS_SV | IOK_ACS_TB | IOK_ACS_RR | IOK_ACS_CR |
			   IOK_ACS_UF | IOK_ACS_DT);
}

static int q_rciep(const struct iok_grouping *g, const struct iok_dev *d, uint16_t want)
{
	if (type_of(d) != IOK_PCIE_RC_END)
		return NA;
	return grant(want, ALL_FOUR);
}

static int q_isolated(const struct iok_grouping *g, const struct iok_dev *d, uint16_t want)
{
	return grant(want, ALL_FOUR);
}

static bool in_ranges(uint16_t id, const uint16_t (*r)[2], unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (id >= r[i][0] && id <= r[i][1])
			return true;
	return false;
}

static const uint16_t intel_pch_ids[][2] = {
	{ 0x3b42, 0x3b51 }, { 0x1c10, 0x1c1f }, { 0x1e10, 0x1e1f },
	{ 0x8c10, 0x8c1f }, { 0x9c10, 0x9c1b }, { 0x9c90, 0x9c9b },
	{ 0x1d10, 0x1d10 }, { 0x1d12, 0x1d12 }, { 0x1d14, 0x1d14 },
	{ 0x1d16, 0x1d16 }, { 0x1d18, 0x1d18 }, { 0x1d1a, 0x1d1a },
	{ 0x1d1c, 0x1d1c }, { 0x1d1e, 0x1d1e }, { 0x8d10, 0x8d1e },
	{ 0x8c90, 0x8c90 }, { 0x8c92, 0x8c92 }, { 0x8c94, 0x8c94 },
	{ 0x8c96, 0x8c96 }, { 0x8c98, 0x8c98 }, { 0x8c9a, 0x8c9a },
	{ 0x8c9c, 0x8c9c }, { 0x8c9e, 0x8c9e },
};

bool iok_intel_pch_match(const struct iok_dev *d)
{
	return d->vendor == 0x8086 && d->pcie && d->type == IOK_PCIE_ROOT_PORT &&
	       in_ranges(d->device, intel_pch_ids, ARRAY_SIZE(intel_pch_ids));
}

static int q_intel_pch(const struct iok_grouping *g, const struct iok_dev *d, uint16_t want)
{
	if (!iok_intel_pch_match(d))
		return NA;
	return grant(want, S(g, d)->pch_acs_ok ? ALL_FOUR : 0);
}

static int q_intel_spt(const struct iok_grouping *g, const struct iok_dev *d, uint16_t want)
{
	uint32_t need;

	if (!iok_intel_spt_match(d) || d->acs_state != IOK_ACS_PRESENT)
		return NA;
	need = want & (d->acs_cap32 | IOK_ACS_EC);
	return (S(g, d)->ctrl32 & need) == need ? YES : NO;
}

static int q_cavium(const struct iok_grouping *g, const struct iok_dev *d, uint16_t want)
{
	static const uint16_t ids[][2] = { { 0xa000, 0xa7ff }, { 0xaf84, 0xaf84 },
					   { 0xb884, 0xb884 } };

	if (!d->pcie || d->type != IOK_PCIE_ROOT_PORT ||
	    !in_ranges(d->device, ids, ARRAY_SIZE(ids)))
		return NA;
	return grant(want, ALL_FOUR);
}

static int q_al(const struct iok_grouping *g, const struct iok_dev *d, uint16_t want)
{
	if (type_of(d) != IOK_PCIE_ROOT_PORT)
		return NA;
	return (want & ~ALL_FOUR) ? NO : YES;
}

static int q_zhaoxin_ports(const struct iok_grouping *g, const struct iok_dev *d, uint16_t want)
{
	static const uint16_t ok[][2] = { { 0x0710, 0x071e }, { 0x0721, 0x0721 },
					  { 0x0723, 0x0752 } };
	int t = d->pcie ? iok_pcie_type(g, d) : -1;

	if (t != IOK_PCIE_ROOT_PORT && t != IOK_PCIE_DOWNSTREAM)
		return NA;
	if (in_ranges(d->device, ok, ARRAY_SIZE(ok)))
		return grant(want, ALL_FOUR);
	return NO;	/* a verdict, not "not applicable": spec groups 4.5 */
}

static int q_wangxun(const struct iok_grouping *g, const struct iok_dev *d, uint16_t want)
{
	static const uint16_t ok[][2] = {
		{ 0x0100, 0x010f }, { 0x1001, 0x1001 }, { 0x2001, 0x2001 },
		{ 0x5010, 0x5010 }, { 0x5025, 0x5025 }, { 0x5040, 0x5040 },
		{ 0x5110, 0x5110 }, { 0x5125, 0x5125 }, { 0x5140, 0x5140 },
	};

	if (in_ranges(d->device, ok, ARRAY_SIZE(ok)))
		return grant(want, ALL_FOUR);
	return NO;
}

/* The out-of-tree pcie_acs_override= handler (spec groups 10). */
static int q_override(const struct iok_grouping *g, const struct iok_dev *d, uint16_t want)
{
	const struct iok_params *p = g->p;
	unsigned int i;
	int t;

	if (!d->pcie || d->acs_state == IOK_ACS_PRESENT)
		return NA;
	for (i = 0; i < p->nr_ovr_ids; i++)
		if (p->ovr_ids[i] == ((uint32_t)d->vendor << 16 | d->device))
			return YES;
	t = iok_pcie_type(g, d);
	if (p->ovr_downstream && (t == IOK_PCIE_ROOT_PORT || t == IOK_PCIE_DOWNSTREAM))
		return YES;
	if (p->ovr_multifunction && d->multifunction &&
	    (t == IOK_PCIE_ENDPOINT || t == IOK_PCIE_LEG_END ||
	     t == IOK_PCIE_RC_END || t == IOK_PCIE_UPSTREAM))
		return YES;
	return NA;
}

#define E(v, d, f, n) { v, d, f, n, 0 }
#define E_SINCE(v, d, f, n, s) { v, d, f, n, s }

static const struct acs_quirk table[] = {
	E(0x1002, 0x4385, q_amd_sb, "amd_sb"), E(0x1002, 0x439c, q_amd_sb, "amd_sb"),
	E(0x1002, 0x4383, q_amd_sb, "amd_sb"), E(0x1002, 0x439d, q_amd_sb, "amd_sb"),
	E(0x1002, 0x4384, q_amd_sb, "amd_sb"), E(0x1002, 0x4399, q_amd_sb, "amd_sb"),
	E(0x1022, 0x780f, q_amd_sb, "amd_sb"), E(0x1022, 0x7809, q_amd_sb, "amd_sb"),
	E(0x1924, 0x0903, q_mf_endpoint, "mf_endpoint"),
	E(0x1924, 0x0923, q_mf_endpoint, "mf_endpoint"),
	E(0x1924, 0x0a03, q_mf_endpoint, "mf_endpoint"),
	/* Intel 82598, 82599, X540 */
	E(0x8086, 0x10c6, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x10db, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, 0x10dd, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x10e1, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, 0x10f1, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x10f7, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, 0x10f8, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x10f9, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, 0x10fa, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x10fb, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, 0x10fc, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x1507, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, 0x1514, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x151c, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, 0x1529, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x152a, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, 0x154d, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x154f, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, 0x1551, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x1558, q_mf_endpoint, "mf_endpoint"),
	/* Intel 82580 */
	E(0x8086, 0x1509, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x150e, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, 0x150f, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x1510, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, 0x1511, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x1516, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, 0x1527, q_mf_endpoint, "mf_endpoint"),
	/* Intel 82576 */
	E(0x8086, 0x10c9, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x10e6, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, 0x10e7, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x10e8, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, 0x150a, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x150d, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, 0x1518, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x1526, q_mf_endpoint, "mf_endpoint"),
	/* Intel 82575 */
	E(0x8086, 0x10a7, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x10a9, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, 0x10d6, q_mf_endpoint, "mf_endpoint"),
	/* Intel I350 */
	E(0x8086, 0x1521, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x1522, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, 0x1523, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x1524, q_mf_endpoint, "mf_endpoint"),
	/* Intel 82571 */
	E(0x8086, 0x105e, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x105f, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, 0x1060, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x10d9, q_mf_endpoint, "mf_endpoint"),
	/* Intel I219 */
	E(0x8086, 0x15b7, q_mf_endpoint, "mf_endpoint"), E(0x8086, 0x15b8, q_mf_endpoint, "mf_endpoint"),
	E(0x8086, ANY, q_rciep, "rciep"),
	/* QCOM QDF2xxx, SA8775P; Hamoa and Glymur since 7.0 */
	E(0x17cb, 0x0400, q_isolated, "qcom_rp"), E(0x17cb, 0x0401, q_isolated, "qcom_rp"),
	E(0x17cb, 0x0115, q_isolated, "qcom_rp"),
	E_SINCE(0x17cb, 0x0111, q_isolated, "qcom_rp", 700),
	E_SINCE(0x17cb, 0x0120, q_isolated, "qcom_rp", 700),
	E(0x1dbf, 0x0401, q_isolated, "qcom_rp"),
	E(0x8086, ANY, q_intel_pch, "intel_pch"),
	E(0x8086, ANY, q_intel_spt, "intel_spt_pch"),
	E(0x19a2, 0x0710, q_mf_endpoint, "mf_endpoint"),
	E(0x10df, 0x0720, q_mf_endpoint, "mf_endpoint"),
	E(0x177d, ANY, q_cavium, "cavium"),
	E(0x177d, 0xa026, q_mf_endpoint, "mf_endpoint"),
	E(0x177d, 0xa059, q_mf_endpoint, "mf_endpoint"),
	E(0x177d, 0xa060, q_mf_endpoint, "mf_endpoint"),
	E(0x10e8, 0xe004, q_isolated, "xgene"),
	E(0x1def, 0xe005, q_isolated, "xgene"), E(0x1def, 0xe006, q_isolated, "xgene"),
	E(0x1def, 0xe007, q_isolated, "xgene"), E(0x1def, 0xe008, q_isolated, "xgene"),
	E(0x1def, 0xe009, q_isolated, "xgene"), E(0x1def, 0xe00a, q_isolated, "xgene"),
	E(0x1def, 0xe00b, q_isolated, "xgene"), E(0x1def, 0xe00c, q_isolated, "xgene"),
	E(0x14e4, 0x16d7, q_mf_endpoint, "mf_endpoint"), E(0x14e4, 0x1750, q_mf_endpoint, "mf_endpoint"),
	E(0x14e4, 0x1751, q_mf_endpoint, "mf_endpoint"), E(0x14e4, 0x1752, q_mf_endpoint, "mf_endpoint"),
	E(0x14e4, 0x1760, q_mf_endpoint, "mf_endpoint"), E(0x14e4, 0x1761, q_mf_endpoint, "mf_endpoint"),
	E(0x14e4, 0x1762, q_mf_endpoint, "mf_endpoint"), E(0x14e4, 0x1763, q_mf_endpoint, "mf_endpoint"),
	E(0x14e4, 0xd714, q_isolated, "brcm"),
	E(0x0014, 0x3c09, q_isolated, "loongson"), E(0x0014, 0x3c19, q_isolated, "loongson"),
	E(0x0014, 0x3c29, q_isolated, "loongson"), E(0x0014, 0x7a09, q_isolated, "loongson"),
	E(0x0014, 0x7a19, q_isolated, "loongson"), E(0x0014, 0x7a29, q_isolated, "loongson"),
	E(0x0014, 0x7a39, q_isolated, "loongson"), E(0x0014, 0x7a49, q_isolated, "loongson"),
	E(0x0014, 0x7a59, q_isolated, "loongson"), E(0x0014, 0x7a69, q_isolated, "loongson"),
	E(0x1c36, 0x0031, q_al, "al"),
	E(0x1d17, 0x3038, q_mf_endpoint, "mf_endpoint"),
	E(0x1d17, 0x3104, q_mf_endpoint, "mf_endpoint"),
	E(0x1d17, 0x9083, q_mf_endpoint, "mf_endpoint"),
	E(0x1957, 0x8d81, q_isolated, "nxp_rp"), E(0x1957, 0x8da1, q_isolated, "nxp_rp"),
	E(0x1957, 0x8d83, q_isolated, "nxp_rp"), E(0x1957, 0x8d80, q_isolated, "nxp_rp"),
	E(0x1957, 0x8da0, q_isolated, "nxp_rp"), E(0x1957, 0x8d82, q_isolated, "nxp_rp"),
	E(0x1957, 0x8d90, q_isolated, "nxp_rp"), E(0x1957, 0x8db0, q_isolated, "nxp_rp"),
	E(0x1957, 0x8d92, q_isolated, "nxp_rp"), E(0x1957, 0x8d91, q_isolated, "nxp_rp"),
	E(0x1957, 0x8db1, q_isolated, "nxp_rp"), E(0x1957, 0x8d93, q_isolated, "nxp_rp"),
	E(0x1957, 0x8d89, q_isolated, "nxp_rp"), E(0x1957, 0x8da9, q_isolated, "nxp_rp"),
	E(0x1957, 0x8d8b, q_isolated, "nxp_rp"), E(0x1957, 0x8d88, q_isolated, "nxp_rp"),
	E(0x1957, 0x8da8, q_isolated, "nxp_rp"), E(0x1957, 0x8d8a, q_isolated, "nxp_rp"),
	E(0x1957, 0x8d98, q_isolated, "nxp_rp"), E(0x1957, 0x8db8, q_isolated, "nxp_rp"),
	E(0x1957, 0x8d9a, q_isolated, "nxp_rp"), E(0x1957, 0x8d99, q_isolated, "nxp_rp"),
	E(0x1957, 0x8db9, q_isolated, "nxp_rp"), E(0x1957, 0x8d9b, q_isolated, "nxp_rp"),
	E(0x1d17, ANY, q_zhaoxin_ports, "zhaoxin_ports"),
	E(0x8088, ANY, q_wangxun, "wangxun_nic"),
};

int iok_acs_quirk(const struct iok_grouping *g, const struct iok_dev *d,
		  uint16_t want, const char **name)
{
	unsigned int i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(table); i++) {
		const struct acs_quirk *q = &table[i];

		if (q->vendor != d->vendor || (q->device != ANY && q->device != d->device))
			continue;
		if (q->since > g->p->kernel)
			continue;
		rc = q->fn(g, d, want);
		if (rc != NA) {
			*name = q->name;
			return rc;
		}
	}
	if (g->p->acs_override) {
		rc = q_override(g, d, want);
		if (rc != NA) {
			*name = "pcie_acs_override";
			return rc;
		}
	}
	return NA;
}
