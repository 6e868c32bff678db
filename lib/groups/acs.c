// SPDX-License-Identifier: MIT
/*
 * ACS as the kernel sees it: what enabling leaves in the Control register
 * (spec groups 3), and pci_acs_enabled() / pci_acs_flags_enabled() with
 * the reason for each verdict (spec groups 4).
 */
#include <stdio.h>

#include "lib/groups/groups-private.h"

#define KERNEL_ACS_REBUILD 611	/* config_acs and the fw-based redir rebuild */
#define KERNEL_ACS_CACHED 700	/* cached Capability, IDT SV removal */

static bool is_idt_no_sv(const struct iok_dev *d)
{
	return d->vendor == 0x111d && (d->device == 0x80b5 || d->device == 0x8090);
}

/* RCBA enable bit of the LPC bridge at 31.0 on the same bus. */
static bool intel_lpc_rcba(const struct iok_dev *d)
{
	struct iok_dev *lpc = iok_topo_lookup(d->topo, d->domain, d->busnr, 31 << 3);

	/* An absent function reads all ones, so bit 0 looks set. */
	if (!lpc || lpc->hidden)
		return true;
	return cfg8(lpc, 0xf0) & 1;
}

/* pci_upstream_bridge(): a VF's is its PF's. */
static const struct iok_dev *upstream_bridge(const struct iok_dev *d)
{
	if (d->is_vf)
		d = d->pf;
	return d->bus->is_root ? NULL : d->bus->self;
}

static bool cmd_matches(const struct iok_acs_cmd *c, const struct iok_dev *d)
{
	const struct iok_dev *p = d;
	int i;

	if (c->by_id)
		return (!c->vendor || c->vendor == d->vendor) &&
		       (!c->device || c->device == d->device) &&
		       (!c->subvendor || c->subvendor == d->subvendor) &&
		       (!c->subdevice || c->subdevice == d->subdevice);
	/*
	 * "bus:dev.fn/dev.fn/...": the devfns after the first address lead
	 * down to the device; the first address is then compared with the
	 * bridge reached, on whatever bus it sits.
	 */
	for (i = c->path_len - 1; i > 0; i--) {
		if (p->devfn != c->path[i])
			return false;
		p = upstream_bridge(p);
		if (!p)
			return false;
	}
	return p->domain == c->domain && p->busnr == c->bus && p->devfn == c->path[0];
}

/* The first item of one option's list that names @d, as the kernel stops there. */
static const struct iok_acs_cmd *find_cmd(const struct iok_params *p, const struct iok_dev *d,
					  bool redir)
{
	unsigned int i;

	for (i = 0; i < p->nr_acs_cmds; i++)
		if (p->acs_cmds[i].redir == redir && cmd_matches(&p->acs_cmds[i], d))
			return &p->acs_cmds[i];
	return NULL;
}

/* pci=disable_acs_redir= first, then pci=config_acs=, whatever their order. */
static void apply_cmdline(struct iok_grouping *g, struct iok_dev *d, uint16_t fw)
{
	uint16_t redir = IOK_ACS_RR | IOK_ACS_CR | IOK_ACS_EC;
	struct dev_state *st = S(g, d);
	const struct iok_acs_cmd *c;

	if (find_cmd(g->p, d, true)) {
		if (iok_intel_spt_match(d))
			st->ctrl32 &= ~(uint32_t)redir;
		else if (g->p->kernel >= KERNEL_ACS_REBUILD)
			st->ctrl = fw & ~redir;
		else
			st->ctrl &= ~redir;
	}
	c = find_cmd(g->p, d, false);
	if (c && g->p->kernel >= KERNEL_ACS_REBUILD)
		st->ctrl = (fw & ~c->mask) | (c->flags & c->mask);
}

void iok_acs_setup(struct iok_grouping *g, struct iok_dev *d)
{
	struct dev_state *st = S(g, d);
	const struct iok_params *p = g->p;
	uint16_t want = REQ_ACS_FLAGS;
	bool claimed = false;

	st->cap = d->acs_cap;
	if (p->kernel >= KERNEL_ACS_CACHED && is_idt_no_sv(d))
		st->cap &= ~IOK_ACS_SV;
	st->ctrl = d->acs_ctrl;
	st->ctrl32 = d->acs_ctrl32;
	st->acs_ok = st->path_ok = -1;
	st->pch_acs_ok = p->acs_requested && iok_intel_pch_match(d) && intel_lpc_rcba(d);

	if (p->noats || d->untrusted)
		want |= IOK_ACS_TB;
	if (!p->acs_final && p->acs_requested) {
		if (iok_intel_pch_match(d)) {
			claimed = true;
		} else if (iok_intel_spt_match(d) && d->acs_state == IOK_ACS_PRESENT) {
			st->ctrl32 |= d->acs_cap32 & want;
			claimed = true;
		}
	}
	if (d->acs_state != IOK_ACS_PRESENT)
		return;
	if (!p->acs_final && p->acs_requested && !claimed)
		st->ctrl |= st->cap & want;
	apply_cmdline(g, d, d->acs_ctrl);
}

static bool flags_enabled(const struct iok_grouping *g, const struct iok_dev *d,
			  uint16_t want, struct iok_acs_verdict *v)
{
	const struct dev_state *st = S(g, d);
	uint16_t need;

	if (d->acs_state != IOK_ACS_PRESENT) {
		v->required = want;
		v->missing = want;
		v->uncertain = d->acs_state == IOK_ACS_NOT_CAPTURED;
		return false;
	}
	/* Bits the capability lacks count as hard-wired on; EC never does. */
	need = want & (st->cap | IOK_ACS_EC);
	v->required = need;
	v->missing = need & ~st->ctrl;
	return !v->missing;
}

bool iok_acs_enabled(const struct iok_grouping *g, const struct iok_dev *d,
		     uint16_t want, struct iok_acs_verdict *v)
{
	const char *quirk = NULL;
	int rc;

	memset(v, 0, sizeof(*v));
	v->cap = S(g, d)->cap;
	v->ctrl = S(g, d)->ctrl;
	rc = iok_acs_quirk(g, d, want, &quirk);
	if (rc >= 0) {
		v->rule = strcmp(quirk, "pcie_acs_override") ? IOK_ACS_RULE_QUIRK :
							       IOK_ACS_RULE_OVERRIDE;
		v->quirk = quirk;
		v->required = want;
		v->missing = rc ? 0 : want;
		return v->isolated = rc > 0;
	}
	if (!d->pcie) {
		v->rule = IOK_ACS_RULE_NOT_PCIE;
		v->required = want;
		v->missing = want;
		v->uncertain = !d->caps_known;
		return v->isolated = false;
	}
	switch (iok_pcie_type(g, d)) {
	case IOK_PCIE_PCIE_BRIDGE:
	case IOK_PCIE_PCI_BRIDGE:
	case IOK_PCIE_RC_EC:
		v->rule = IOK_ACS_RULE_BRIDGE_TYPE;
		v->required = want;
		v->missing = want;
		return v->isolated = false;
	case IOK_PCIE_DOWNSTREAM:
	case IOK_PCIE_ROOT_PORT:
		v->rule = IOK_ACS_RULE_PORT;
		return v->isolated = flags_enabled(g, d, want, v);
	case IOK_PCIE_ENDPOINT:
	case IOK_PCIE_UPSTREAM:
	case IOK_PCIE_LEG_END:
	case IOK_PCIE_RC_END:
		if (d->multifunction) {
			v->rule = IOK_ACS_RULE_MULTIFUNCTION;
			return v->isolated = flags_enabled(g, d, want, v);
		}
		v->rule = IOK_ACS_RULE_SINGLE_FUNCTION;
		return v->isolated = true;
	default:
		v->rule = IOK_ACS_RULE_OTHER_TYPE;
		return v->isolated = true;
	}
}

IOK_EXPORT int iok_dev_acs_verdict(const struct iok_grouping *g,
				   const struct iok_dev *dev,
				   struct iok_acs_verdict *v)
{
	if (!g || !dev || !v || !dev->is_pci || dev->topo != g->topo)
		return -EINVAL;
	iok_acs_enabled(g, dev, REQ_ACS_FLAGS, v);
	return 0;
}

IOK_EXPORT char *iok_acs_bits_str(char *buf, uint16_t bits)
{
	static const char *const names[] = { "SrcValid", "TransBlk", "ReqRedir",
		"CmpltRedir", "UpstreamFwd", "EgressCtrl", "DirectTrans" };
	unsigned int i, n = 0;

	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		n += sprintf(buf + n, "%s%s%c", i ? " " : "", names[i],
			     bits & (1u << i) ? '+' : '-');
	return buf;
}

IOK_EXPORT const char *iok_acs_rule_name(enum iok_acs_rule rule)
{
	switch (rule) {
	case IOK_ACS_RULE_QUIRK: return "device-specific ACS quirk";
	case IOK_ACS_RULE_NOT_PCIE: return "conventional PCI device: never isolated";
	case IOK_ACS_RULE_BRIDGE_TYPE: return "PCIe-to-PCI/PCI-to-PCIe bridge or event collector: never isolated";
	case IOK_ACS_RULE_PORT: return "root/downstream port: ACS must be enabled";
	case IOK_ACS_RULE_MULTIFUNCTION: return "multifunction device: ACS must be enabled";
	case IOK_ACS_RULE_SINGLE_FUNCTION: return "single-function endpoint or upstream port: isolated";
	case IOK_ACS_RULE_OTHER_TYPE: return "reserved PCIe type: isolated";
	case IOK_ACS_RULE_OVERRIDE: return "pcie_acs_override= (out-of-tree patch)";
	}
	return "unknown";
}
