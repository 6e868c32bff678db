// SPDX-License-Identifier: MIT
/*
 * Capability list walks, as Linux does them (spec groups 1.1 and 1.3), and
 * a stricter check of the same lists that reports malformed input instead
 * of silently stopping.
 */
#include <stdio.h>

#include "lib/private.h"

#define PCI_STATUS_CAP_LIST 0x10
#define STD_CAP_TTL 48
#define EXT_CAP_TTL 480

static int std_cap_start(const struct iok_dev *d)
{
	if (!cfg_has(d, 0x06, 2))
		return -ENODATA;
	if (!(cfg16(d, 0x06) & PCI_STATUS_CAP_LIST))
		return 0;
	return cfg8(d, d->layout == 2 ? 0x14 : 0x34);
}

int iok_cfg_find_cap(const struct iok_dev *d, uint8_t id)
{
	int pos = std_cap_start(d);
	int ttl = STD_CAP_TTL;

	if (pos <= 0)
		return pos;
	while (ttl--) {
		uint16_t ent;

		if (pos < 0x40)
			return 0;
		pos &= ~3;
		if (!cfg_has(d, pos, 2))
			return -ENODATA;
		ent = cfg16(d, pos);
		if ((ent & 0xff) == 0xff)
			return 0;
		if ((ent & 0xff) == id)
			return pos;
		pos = ent >> 8;
	}
	return 0;
}

int iok_cfg_find_ext_cap(const struct iok_dev *d, uint16_t id)
{
	int pos = 0x100;
	int ttl = EXT_CAP_TTL;
	uint32_t hdr;

	if (d->cfg_size < IOK_CFG_MAX)
		return 0;
	if (!cfg_has(d, pos, 4))
		return -ENODATA;
	hdr = cfg32(d, pos);
	if (hdr == 0)
		return 0;
	while (ttl-- > 0) {
		if ((hdr & 0xffff) == id)
			return pos;
		pos = (hdr >> 20) & 0xffc;
		if (pos < 0x100)
			break;
		hdr = cfg32(d, pos);
	}
	return 0;
}

/*
 * Linux stops quietly on a looping or out-of-range list; a dump with such a
 * list is damaged, so the sources refuse it with the offset that is wrong.
 */
int iok_cfg_check_lists(struct iok_ctx *ctx, const struct iok_dev *d)
{
	uint64_t seen[IOK_CFG_MAX / 4 / 64] = { 0 };
	int pos = std_cap_start(d), prev = d->layout == 2 ? 0x14 : 0x34;
	uint32_t hdr;

	while (pos > 0 && cfg_has(d, pos & ~3, 2)) {
		if (pos < 0x40)
			return iok_fail(ctx, -EINVAL,
					"%s: capability pointer at offset 0x%02x points to 0x%02x, inside the header",
					d->name, prev, pos);
		if (pos & 3)
			return iok_fail(ctx, -EINVAL,
					"%s: capability pointer at offset 0x%02x is not dword aligned (0x%02x)",
					d->name, prev, pos);
		if (seen[pos / 4 / 64] & (1ull << (pos / 4 % 64)))
			return iok_fail(ctx, -EINVAL,
					"%s: capability list loops: offset 0x%02x points back to 0x%02x",
					d->name, prev, pos);
		seen[pos / 4 / 64] |= 1ull << (pos / 4 % 64);
		if ((cfg16(d, pos) & 0xff) == 0xff)
			break;
		prev = pos + 1;
		pos = cfg8(d, pos + 1);
	}

	if (d->cfg_size < IOK_CFG_MAX || !cfg_has(d, 0x100, 4))
		return 0;
	memset(seen, 0, sizeof(seen));
	pos = 0x100;
	hdr = cfg32(d, pos);
	if (hdr == 0 || hdr == 0xffffffff)
		return 0;
	for (;;) {
		int next = (hdr >> 20) & 0xfff;

		seen[pos / 4 / 64] |= 1ull << (pos / 4 % 64);
		if (next == 0)
			return 0;
		if (next < 0x100)
			return iok_fail(ctx, -EINVAL,
					"%s: extended capability at offset 0x%03x points to 0x%03x, outside extended config space",
					d->name, pos, next);
		if (next & 3)
			return iok_fail(ctx, -EINVAL,
					"%s: extended capability at offset 0x%03x has a misaligned next pointer 0x%03x",
					d->name, pos, next);
		if (seen[next / 4 / 64] & (1ull << (next / 4 % 64)))
			return iok_fail(ctx, -EINVAL,
					"%s: extended capability list loops: offset 0x%03x points back to 0x%03x",
					d->name, pos, next);
		pos = next;
		hdr = cfg32(d, pos);
	}
}

IOK_EXPORT int iok_dev_find_cap(const struct iok_dev *dev, uint8_t id)
{
	if (!dev || !dev->is_pci)
		return -EINVAL;
	return iok_cfg_find_cap(dev, id);
}

IOK_EXPORT int iok_dev_find_ext_cap(const struct iok_dev *dev, uint16_t id)
{
	if (!dev || !dev->is_pci)
		return -EINVAL;
	if (dev->cfg_known < IOK_CFG_MAX && dev->cfg_size == IOK_CFG_MAX)
		return -ENODATA;
	return iok_cfg_find_ext_cap(dev, id);
}

IOK_EXPORT int iok_dev_read_cfg(const struct iok_dev *dev, unsigned int off,
				unsigned int len, uint32_t *val)
{
	if (!dev || !val || !dev->is_pci)
		return -EINVAL;
	if ((len != 1 && len != 2 && len != 4) || off + len > IOK_CFG_MAX ||
	    off % len)
		return -EINVAL;
	if (!cfg_has(dev, off, len))
		return -ENODATA;
	*val = len == 1 ? cfg8(dev, off) : len == 2 ? cfg16(dev, off) : cfg32(dev, off);
	return 0;
}
