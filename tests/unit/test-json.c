// SPDX-License-Identifier: MIT
/*
 * The json source (docs/topology-json.md): the config space it synthesizes,
 * read back through the public accessors; every key; VFs; platform keys;
 * refusals of bad input with the errno and the place named; and the groups
 * of the two built-in machines, derived from spec groups 4-8.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "lib/private.h"

/* ---- helpers ----------------------------------------------------------- */

static struct iok_dev *dev_of(struct iok_topo *topo, const char *bdf)
{
	struct iok_dev *d = NULL;

	if (iok_dev_find(topo, bdf, &d))
		fail_msg("no device %s", bdf);
	return d;
}

static uint32_t rd(struct iok_topo *topo, const char *bdf, unsigned int off, unsigned int len)
{
	uint32_t v = 0;
	int rc = iok_dev_read_cfg(dev_of(topo, bdf), off, len, &v);

	if (rc)
		fail_msg("%s: reading %u bytes at 0x%x failed: %d", bdf, len, off, rc);
	return v;
}

/* Load @json and check it fails with @err and a message containing @what. */
static void expect_error(const char *json, int err, const char *what)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = NULL;
	int rc = iok_topo_load_json_string(ctx, "test", json, &topo);

	if (rc != err)
		fail_msg("expected %d, got %d (\"%s\") for: %s", err, rc, iok_get_error(ctx), json);
	assert_null(topo);
	if (!strstr(iok_get_error(ctx), what))
		fail_msg("message \"%s\" does not contain \"%s\"", iok_get_error(ctx), what);
	iok_unref(ctx);
}

#define DEV(...) "{\"schema\":1,\"devices\":[" __VA_ARGS__ "]}"

/* ---- synthesized bytes ------------------------------------------------- */

static void test_header_type0(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx, DEV(
		"{\"bdf\":\"0000:02:00.0\",\"id\":\"10de:1b80\",\"subsystem\":\"1458:3702\","
		"\"class\":\"030000\",\"revision\":\"a1\",\"multifunction\":true,\"pcie\":\"endpoint\"},"
		"{\"bdf\":\"02:00.1\",\"id\":\"10de:10f0\",\"class\":\"0x040300\",\"pcie\":\"endpoint\"}"));
	struct iok_dev *d = dev_of(topo, "02:00.0");

	assert_int_equal(rd(topo, "02:00.0", 0x00, 2), 0x10de);
	assert_int_equal(rd(topo, "02:00.0", 0x02, 2), 0x1b80);
	assert_int_equal(rd(topo, "02:00.0", 0x06, 2) & 0x10, 0x10);
	assert_int_equal(rd(topo, "02:00.0", 0x08, 4), 0x030000a1);
	assert_int_equal(rd(topo, "02:00.0", 0x0e, 1), 0x80);
	assert_int_equal(rd(topo, "02:00.0", 0x2c, 4), 0x37021458);
	assert_int_equal(rd(topo, "02:00.0", 0x34, 1), 0x40);
	assert_int_equal(rd(topo, "02:00.0", 0x40, 1), 0x10);
	assert_int_equal(rd(topo, "02:00.0", 0x42, 2), 0x0002);
	assert_int_equal(iok_dev_find_cap(d, 0x10), 0x40);
	assert_int_equal(iok_dev_get_subvendor(d), 0x1458);
	assert_int_equal(iok_dev_get_subdevice(d), 0x3702);
	assert_int_equal(iok_dev_get_class(d), 0x030000);
	assert_int_equal(iok_dev_get_revision(d), 0xa1);
	assert_true(iok_dev_is_multifunction(d));
	assert_int_equal(iok_dev_get_pcie_type(d), IOK_PCIE_ENDPOINT);
	assert_int_equal(iok_dev_get_cfg_known(d), 4096);
	/* No extended capability: the list at 0x100 is empty. */
	assert_int_equal(rd(topo, "02:00.0", 0x100, 4), 0);
	assert_int_equal(iok_dev_get_acs_state(d), IOK_ACS_ABSENT);
	assert_int_equal(iok_dev_get_class(dev_of(topo, "02:00.1")), 0x040300);
	assert_int_equal(rd(topo, "02:00.1", 0x0e, 1), 0x00);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

static void test_conventional_defaults(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx, DEV("{\"bdf\":\"00:1f.3\",\"id\":\"8086:8d22\"},"
		"{\"bdf\":\"00:00.0\",\"id\":\"8086:6f00\",\"class\":\"060000\"}"));
	struct iok_dev *d = dev_of(topo, "00:1f.3");
	struct iok_dev *host = dev_of(topo, "00:00.0");

	/* No capability at all: Status bit 4 clear, no pointer, 256 bytes. */
	assert_int_equal(rd(topo, "00:1f.3", 0x06, 2), 0);
	assert_int_equal(rd(topo, "00:1f.3", 0x34, 1), 0);
	assert_int_equal(rd(topo, "00:1f.3", 0x08, 4), 0);
	assert_int_equal(iok_dev_get_cfg_known(d), 256);
	assert_false(iok_dev_is_pcie(d));
	assert_int_equal(iok_dev_get_header_layout(d), 0);
	assert_int_equal(iok_dev_get_subvendor(d), 0);
	assert_null(iok_dev_get_driver(d));
	/* Linux probes a host bridge's extended space (spec groups 1.3). */
	assert_int_equal(iok_dev_get_cfg_known(host), 4096);
	assert_int_equal(iok_dev_get_cfg_size(host), 4096);
	assert_int_equal(iok_dev_get_acs_state(host), IOK_ACS_ABSENT);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

static void test_bridge(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx, DEV(
		"{\"bdf\":\"00:1c.0\",\"id\":\"8086:8d10\",\"pcie\":\"root_port\",\"secondary\":\"0a\","
		"\"subordinate\":12,\"ari_forwarding\":true,\"driver\":\"pcieport\"},"
		"{\"bdf\":\"0a:00.0\",\"id\":\"1af4:1041\",\"pcie\":\"endpoint\"},"
		"{\"bdf\":\"00:1e.0\",\"id\":\"8086:244e\",\"secondary\":\"20\"},"
		"{\"bdf\":\"00:1d.0\",\"id\":\"8086:8d26\",\"pcie\":\"root_port\",\"header\":\"normal\"}"));
	struct iok_dev *rp = dev_of(topo, "00:1c.0");
	struct iok_dev *pci = dev_of(topo, "00:1e.0");
	struct iok_dev *odd = dev_of(topo, "00:1d.0");

	assert_int_equal(rd(topo, "00:1c.0", 0x0e, 1), 0x01);
	assert_int_equal(rd(topo, "00:1c.0", 0x08, 4), 0x06040000);
	assert_int_equal(rd(topo, "00:1c.0", 0x18, 1), 0x00);
	assert_int_equal(rd(topo, "00:1c.0", 0x19, 1), 0x0a);
	assert_int_equal(rd(topo, "00:1c.0", 0x1a, 1), 0x0c);
	assert_int_equal(rd(topo, "00:1c.0", 0x42, 2), 0x0042);
	/* DevCtl2 (PCIe capability + 0x28) bit 5: ARI Forwarding Enable. */
	assert_int_equal(rd(topo, "00:1c.0", 0x68, 2), 0x0020);
	assert_int_equal(iok_dev_get_secondary(rp), 0x0a);
	assert_int_equal(iok_dev_get_subordinate(rp), 0x0c);
	assert_string_equal(iok_dev_get_driver(rp), "pcieport");
	assert_ptr_equal(iok_dev_get_parent(dev_of(topo, "0a:00.0")), rp);
	/* A conventional bridge: type-1 header from "secondary", no PCIe. */
	assert_true(iok_dev_is_bridge(pci));
	assert_false(iok_dev_is_pcie(pci));
	assert_int_equal(iok_dev_get_subordinate(pci), 0x20);
	assert_int_equal(rd(topo, "00:1e.0", 0x34, 1), 0);
	/* "header" overrides the default a port type implies. */
	assert_int_equal(iok_dev_get_header_layout(odd), 0);
	assert_int_equal(iok_dev_get_pcie_type_raw(odd), IOK_PCIE_ROOT_PORT);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

static void test_cardbus(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx, DEV(
		"{\"bdf\":\"00:04.0\",\"id\":\"1180:0476\",\"header\":\"cardbus\",\"secondary\":\"03\","
		"\"subordinate\":\"06\",\"subsystem\":\"17aa:1234\"}"));
	struct iok_dev *d = dev_of(topo, "00:04.0");

	assert_int_equal(iok_dev_get_header_layout(d), 2);
	assert_int_equal(iok_dev_get_class(d), 0x060700);
	assert_int_equal(iok_dev_get_secondary(d), 3);
	assert_int_equal(iok_dev_get_subordinate(d), 6);
	assert_int_equal(iok_dev_get_subvendor(d), 0x17aa);
	assert_int_equal(iok_dev_get_subdevice(d), 0x1234);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

static void test_ext_caps_chain(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx, DEV(
		"{\"bdf\":\"00:01.0\",\"id\":\"8086:6f02\",\"pcie\":\"root_port\",\"secondary\":1,"
		"\"ari_forwarding\":true,\"acs\":{\"cap\":\"SV RR CR UF\",\"ctrl\":\"0x1d\"}},"
		"{\"bdf\":\"01:00.0\",\"id\":\"15b3:1017\",\"pcie\":\"endpoint\","
		"\"acs\":{\"cap\":\"0x5f\",\"ctrl\":\"rr cr\"},\"ari\":{\"next\":1},"
		"\"sriov\":{\"num_vfs\":2,\"offset\":2,\"stride\":1,\"vf_device\":\"1018\",\"enabled\":true}},"
		"{\"bdf\":\"01:00.1\",\"id\":\"15b3:1017\",\"pcie\":\"endpoint\","
		"\"sriov\":{\"num_vfs\":2,\"offset\":3,\"stride\":1,\"vf_device\":\"1018\"}}"));
	struct iok_dev *pf = dev_of(topo, "01:00.0");

	assert_int_equal(iok_dev_find_ext_cap(pf, 0x0d), 0x100);
	assert_int_equal(iok_dev_find_ext_cap(pf, 0x0e), 0x140);
	assert_int_equal(iok_dev_find_ext_cap(pf, 0x10), 0x180);
	/* Headers: ID, version 1, next pointer; the last one ends the list. */
	assert_int_equal(rd(topo, "01:00.0", 0x100, 4), 0x1401000d);
	assert_int_equal(rd(topo, "01:00.0", 0x140, 4), 0x1801000e);
	assert_int_equal(rd(topo, "01:00.0", 0x180, 4), 0x00010010);
	assert_int_equal(rd(topo, "01:00.0", 0x104, 2), 0x005f);
	assert_int_equal(rd(topo, "01:00.0", 0x106, 2), IOK_ACS_RR | IOK_ACS_CR);
	assert_int_equal(rd(topo, "01:00.0", 0x144, 2), 0x0100);
	assert_int_equal(rd(topo, "01:00.0", 0x188, 2) & 1, 1);
	assert_int_equal(rd(topo, "01:00.0", 0x190, 2), 2);
	assert_int_equal(rd(topo, "01:00.0", 0x194, 2), 2);
	assert_int_equal(rd(topo, "01:00.0", 0x196, 2), 1);
	assert_int_equal(rd(topo, "01:00.0", 0x19a, 2), 0x1018);
	assert_true(iok_dev_has_ari(pf));
	assert_int_equal(iok_dev_get_acs_cap(pf), 0x5f);
	assert_int_equal(iok_dev_get_acs_ctrl(pf), IOK_ACS_RR | IOK_ACS_CR);
	assert_int_equal(iok_dev_get_acs_ctrl(dev_of(topo, "00:01.0")), 0x1d);
	/* Only SR-IOV: it moves up to 0x100. Disabled: VF Enable and NumVFs 0. */
	assert_int_equal(iok_dev_find_ext_cap(dev_of(topo, "01:00.1"), 0x10), 0x100);
	assert_int_equal(rd(topo, "01:00.1", 0x100, 4), 0x00010010);
	assert_int_equal(rd(topo, "01:00.1", 0x108, 2) & 1, 0);
	assert_int_equal(rd(topo, "01:00.1", 0x110, 2), 0);
	assert_int_equal(rd(topo, "01:00.1", 0x10e, 2), 2);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

/* Spec groups 1.4 and 4.5 (intel_spt_pch): dword ACS registers. */
static void test_acs_dword_layout(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx, DEV(
		"{\"bdf\":\"00:1c.0\",\"id\":\"8086:9d10\",\"pcie\":\"root_port\",\"secondary\":1,"
		"\"acs\":{\"cap\":\"SV RR CR UF\",\"ctrl\":\"SV\"}},"
		"{\"bdf\":\"00:1d.0\",\"id\":\"8086:9d18\",\"pcie\":\"downstream\",\"secondary\":2,"
		"\"acs\":{\"cap\":\"SV RR CR UF\",\"ctrl\":\"SV\"}}"));

	assert_int_equal(rd(topo, "00:1c.0", 0x104, 4), 0x1d);
	assert_int_equal(rd(topo, "00:1c.0", 0x108, 4), 0x01);
	/* Not a root port: the ordinary word layout. */
	assert_int_equal(rd(topo, "00:1d.0", 0x104, 4), 0x0001001d);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

static void test_pcix(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx, DEV(
		"{\"bdf\":\"00:1e.0\",\"id\":\"8086:244e\",\"secondary\":5,\"pcix_266\":true},"
		"{\"bdf\":\"00:1c.0\",\"id\":\"8086:8d10\",\"pcie\":\"pcie_to_pci\",\"secondary\":6,"
		"\"pcix_266\":true}"));

	assert_int_equal(rd(topo, "00:1e.0", 0x06, 2) & 0x10, 0x10);
	assert_int_equal(rd(topo, "00:1e.0", 0x34, 1), 0x60);
	assert_int_equal(iok_dev_find_cap(dev_of(topo, "00:1e.0"), 0x07), 0x60);
	assert_int_equal(rd(topo, "00:1e.0", 0x64, 4) & 0x40000000, 0x40000000);
	assert_int_equal(iok_dev_get_cfg_known(dev_of(topo, "00:1e.0")), 4096);
	/* After a PCIe capability the PCI-X one moves past its 0x3c bytes. */
	assert_int_equal(rd(topo, "00:1c.0", 0x41, 1), 0x80);
	assert_int_equal(iok_dev_find_cap(dev_of(topo, "00:1c.0"), 0x07), 0x80);
	assert_int_equal(rd(topo, "00:1c.0", 0x84, 4) & 0x40000000, 0x40000000);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

static void test_config_size(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx, DEV(
		"{\"bdf\":\"00:01.0\",\"id\":\"8086:1901\",\"pcie\":\"endpoint\",\"config_size\":64},"
		"{\"bdf\":\"00:02.0\",\"id\":\"8086:1901\",\"pcie\":\"endpoint\",\"config_size\":256},"
		"{\"bdf\":\"00:03.0\",\"id\":\"8086:1901\",\"config_size\":4096}"));
	uint32_t v;

	assert_int_equal(iok_dev_get_cfg_known(dev_of(topo, "00:01.0")), 64);
	assert_int_equal(iok_dev_read_cfg(dev_of(topo, "00:01.0"), 0x40, 1, &v), -ENODATA);
	assert_int_equal(iok_dev_get_cfg_known(dev_of(topo, "00:02.0")), 256);
	assert_int_equal(iok_dev_read_cfg(dev_of(topo, "00:02.0"), 0x100, 4, &v), -ENODATA);
	assert_int_equal(iok_dev_get_acs_state(dev_of(topo, "00:02.0")), IOK_ACS_NOT_CAPTURED);
	assert_int_equal(iok_dev_get_cfg_known(dev_of(topo, "00:03.0")), 4096);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

static void test_config_writes(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx, DEV(
		"{\"bdf\":\"00:1f.0\",\"id\":\"8086:8d44\",\"class\":\"060100\",\"multifunction\":true,"
		"\"config\":{\"0xf0\":\"0x01\",\"f3\":\"fe\",\"0x08\":\"07\"}}"));

	assert_int_equal(rd(topo, "00:1f.0", 0xf0, 4), 0xfe000001);
	/* Writes come last: they win over the synthesized revision. */
	assert_int_equal(iok_dev_get_revision(dev_of(topo, "00:1f.0")), 7);
	assert_int_equal(rd(topo, "00:1f.0", 0x0e, 1), 0x80);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

static void test_config_blob(void **state)
{
	char json[2048], hex[1024];
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo;
	unsigned int i, n = 0;

	for (i = 0; i < 256; i++) {
		unsigned int b = i == 0 ? 0xf4 : i == 1 ? 0x1a : i == 2 ? 0x41 : i == 3 ? 0x10 : i;

		n += snprintf(hex + n, sizeof(hex) - n, "%02x%s", b, i % 16 == 15 ? "  " : " ");
	}
	snprintf(json, sizeof(json), DEV("{\"bdf\":\"00:05.0\",\"id\":\"1af4:1041\",\"config\":\"%s\"}"),
		 hex);
	topo = t_load_json(ctx, json);
	assert_int_equal(iok_dev_get_cfg_known(dev_of(topo, "00:05.0")), 256);
	assert_int_equal(rd(topo, "00:05.0", 0x00, 4), 0x10411af4);
	assert_int_equal(rd(topo, "00:05.0", 0x80, 4), 0x83828180);
	assert_int_equal(rd(topo, "00:05.0", 0xfc, 4), 0xfffefdfc);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

/* ---- every other key --------------------------------------------------- */

static void test_pcie_types(void **state)
{
	static const struct {
		const char *name;
		int type;
	} types[] = {
		{ "\"endpoint\"", 0 }, { "\"legacy_endpoint\"", 1 }, { "\"root_port\"", 4 },
		{ "\"upstream\"", 5 }, { "\"downstream\"", 6 }, { "\"pcie_to_pci\"", 7 },
		{ "\"pci_to_pcie\"", 8 }, { "\"rc_endpoint\"", 9 },
		{ "\"rc_event_collector\"", 10 }, { "3", 3 }, { "15", 15 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		struct iok_ctx *ctx = t_ctx();
		struct iok_topo *topo;
		char json[256];
		struct iok_dev *d;

		snprintf(json, sizeof(json), DEV("{\"bdf\":\"00:01.0\",\"id\":\"8086:1901\",\"pcie\":%s}"),
			 types[i].name);
		topo = t_load_json(ctx, json);
		d = dev_of(topo, "00:01.0");
		if (iok_dev_get_pcie_type_raw(d) != types[i].type)
			fail_msg("pcie %s: type %d", types[i].name, iok_dev_get_pcie_type_raw(d));
		/* Ports and PCIe bridges get a type-1 header by default. */
		assert_int_equal(iok_dev_get_header_layout(d),
				 types[i].type >= 4 && types[i].type <= 8 ? 1 : 0);
		iok_topo_unref(topo);
		iok_unref(ctx);
	}
}

static void test_aliases_driver_untrusted(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx,
		"{\"schema\":1,\"name\":\"n\",\"description\":\"d\",\"comment\":\"c\",\"devices\":["
		"{\"bdf\":\"00:1d.0\",\"id\":\"8086:9d18\",\"pcie\":\"root_port\",\"secondary\":3,"
		"\"subordinate\":5,\"external_facing\":true,\"comment\":\"TB\"},"
		"{\"bdf\":\"03:00.0\",\"id\":\"8086:15d3\",\"pcie\":\"upstream\",\"secondary\":4,\"subordinate\":5},"
		"{\"bdf\":\"04:00.0\",\"id\":\"8086:15d3\",\"pcie\":\"downstream\",\"secondary\":5},"
		"{\"bdf\":\"05:00.0\",\"id\":\"11f8:8531\",\"class\":\"068000\",\"pcie\":\"endpoint\","
		"\"dma_aliases\":[\"01.0\",\"1f.7\"],\"driver\":\"switchtec\"},"
		"{\"bdf\":\"00:1f.0\",\"id\":\"8086:9d4e\"}]}");
	struct iok_dev *ep = dev_of(topo, "05:00.0");

	assert_true(iok_dev_has_dma_alias(ep, 0x08));
	assert_true(iok_dev_has_dma_alias(ep, 0xff));
	assert_false(iok_dev_has_dma_alias(ep, 0x00));
	assert_string_equal(iok_dev_get_driver(ep), "switchtec");
	/* Linux marks devices below the port untrusted, not the port itself. */
	assert_false(dev_of(topo, "00:1d.0")->untrusted);
	assert_true(dev_of(topo, "03:00.0")->untrusted);
	assert_true(dev_of(topo, "04:00.0")->untrusted);
	assert_true(ep->untrusted);
	assert_false(dev_of(topo, "00:1f.0")->untrusted);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

/* Spec groups 1.5 and 2.1: VFs are created from the SR-IOV capability. */
static void test_vf_creation(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx, DEV(
		"{\"bdf\":\"00:01.0\",\"id\":\"8086:6f02\",\"pcie\":\"root_port\",\"secondary\":1,"
		"\"acs\":{\"cap\":\"SV RR CR UF\"}},"
		"{\"bdf\":\"01:00.0\",\"id\":\"8086:1572\",\"class\":\"020000\",\"revision\":\"02\","
		"\"subsystem\":\"8086:0007\",\"pcie\":\"endpoint\","
		"\"sriov\":{\"num_vfs\":3,\"offset\":16,\"stride\":2,\"vf_device\":\"154c\",\"enabled\":true}},"
		"{\"bdf\":\"01:02.2\",\"id\":\"8086:154c\",\"pcie\":\"endpoint\",\"driver\":\"vfio-pci\"}"));
	struct iok_dev *pf = dev_of(topo, "01:00.0");
	static const char *const vfs[] = { "01:02.0", "01:02.2", "01:02.4" };
	unsigned int i;

	/* Root port, PF, three VFs: the listed one is not duplicated. */
	assert_int_equal(iok_topo_count_devs(topo), 5);
	for (i = 0; i < ARRAY_SIZE(vfs); i++) {
		struct iok_dev *vf = dev_of(topo, vfs[i]);

		assert_true(iok_dev_is_vf(vf));
		assert_ptr_equal(iok_dev_get_pf(vf), pf);
		assert_int_equal(iok_dev_get_vendor(vf), 0x8086);
		assert_int_equal(iok_dev_get_device(vf), 0x154c);
		assert_false(iok_dev_is_multifunction(vf));
	}
	assert_int_equal(iok_dev_get_class(dev_of(topo, "01:02.4")), 0x020000);
	assert_int_equal(iok_dev_get_subvendor(dev_of(topo, "01:02.4")), 0x8086);
	assert_int_equal(iok_dev_get_pcie_type(dev_of(topo, "01:02.4")), IOK_PCIE_ENDPOINT);
	assert_string_equal(iok_dev_get_driver(dev_of(topo, "01:02.2")), "vfio-pci");
	/* Spec groups 13 #16: each VF is its own group below an isolated port. */
	t_assert_groups(topo, "{00:01.0} {01:00.0} {01:02.0} {01:02.2} {01:02.4}");
	iok_topo_unref(topo);
	iok_unref(ctx);
}

/* Spec groups 2.1 and 13 #39/#40: a description is not what Linux enumerated. */
static void test_enumeration_rules(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx, DEV(
		"{\"bdf\":\"00:01.0\",\"id\":\"8086:6f02\",\"pcie\":\"root_port\",\"secondary\":1,"
		"\"acs\":{\"cap\":\"SV RR CR UF\"}},"
		"{\"bdf\":\"01:00.0\",\"id\":\"8086:1533\",\"pcie\":\"endpoint\"},"
		"{\"bdf\":\"01:01.0\",\"id\":\"8086:1533\",\"pcie\":\"endpoint\"},"
		"{\"bdf\":\"00:08.0\",\"id\":\"1af4:1000\"},"
		"{\"bdf\":\"00:08.1\",\"id\":\"1af4:1000\"}"));

	assert_int_equal(iok_dev_get_hidden(dev_of(topo, "01:01.0")), IOK_HIDDEN_BELOW_PORT);
	assert_int_equal(iok_dev_get_hidden(dev_of(topo, "00:08.1")), IOK_HIDDEN_NOT_MULTIFUNCTION);
	assert_string_equal(iok_topo_get_param(topo, "acs"), "firmware");
	t_assert_groups(topo, "{00:01.0} {01:00.0} {00:08.0} -{01:01.0 00:08.1}");
	iok_topo_unref(topo);
	iok_unref(ctx);
}

static void test_platform_params(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx,
		"{\"schema\":1,\"platform\":{\"iommu\":\"amd\",\"kernel\":\"6.1\",\"acs\":\"final\","
		"\"cmdline\":\"quiet pci=noats\",\"comment\":\"x\"},"
		"\"platform_devices\":[\"AMDI0020:00\",\"AMDI0010:01\"],"
		"\"devices\":[{\"bdf\":\"00:00.2\",\"id\":\"1022:1481\",\"class\":\"080600\"},"
		"{\"bdf\":\"00:00.0\",\"id\":\"1022:1480\",\"class\":\"060000\",\"multifunction\":true}]}");
	struct iok_dev *p = NULL, *q = NULL;
	struct iok_grouping *g;

	assert_string_equal(iok_topo_get_param(topo, "iommu"), "amd");
	assert_string_equal(iok_topo_get_param(topo, "kernel"), "6.1");
	assert_string_equal(iok_topo_get_param(topo, "acs"), "final");
	assert_string_equal(iok_topo_get_param(topo, "cmdline"), "quiet pci=noats");
	assert_string_equal(iok_topo_get_source(topo), "json:test");
	assert_int_equal(iok_dev_find(topo, "AMDI0020:00", &p), 0);
	assert_int_equal(iok_dev_find(topo, "AMDI0010:01", &q), 0);
	assert_false(iok_dev_is_pci(p));
	/* Spec groups 7: the AMD IOMMU's own function gets no group. */
	g = t_groups(topo, "{00:00.0} -{00:00.2}");
	/* Spec groups 8: the platform bus is probed first, a group each. */
	assert_int_equal(iok_group_get_id(iok_dev_get_group(g, p)), 0);
	assert_int_equal(iok_group_get_id(iok_dev_get_group(g, q)), 1);
	assert_int_equal(t_group_id(g, topo, "00:00.0"), 2);
	iok_grouping_unref(g);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

static void test_iommu_none_and_cmdline_off(void **state)
{
	static const char *const plats[] = {
		"{\"iommu\":\"none\"}",
		"{\"iommu\":\"intel\",\"cmdline\":\"intel_iommu=off\"}",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(plats); i++) {
		struct iok_ctx *ctx = t_ctx();
		struct iok_topo *topo;
		char json[256];

		snprintf(json, sizeof(json),
			 "{\"schema\":1,\"platform\":%s,\"devices\":[{\"bdf\":\"00:02.0\",\"id\":\"8086:5916\"}]}",
			 plats[i]);
		topo = t_load_json(ctx, json);
		assert_string_equal(iok_topo_get_param(topo, "iommu"), "none");
		t_assert_groups(topo, "-{00:02.0}");
		iok_topo_unref(topo);
		iok_unref(ctx);
	}
}

/* Spec groups 8 and 13 #37: a graphics-only DRHD gives the iGPU group 0. */
static void test_units(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx,
		"{\"schema\":1,\"platform\":{\"units\":["
		"{\"name\":\"dmar0\",\"scope\":[\"00:02.0\"]},{\"name\":\"dmar1\",\"include_all\":true}]},"
		"\"devices\":[{\"bdf\":\"00:00.0\",\"id\":\"8086:5904\",\"class\":\"060000\"},"
		"{\"bdf\":\"00:02.0\",\"id\":\"8086:5916\",\"class\":\"030000\"}]}");
	struct iok_grouping *g = t_groups(topo, "{00:00.0} {00:02.0}");

	assert_int_equal(t_group_id(g, topo, "00:02.0"), 0);
	assert_int_equal(t_group_id(g, topo, "00:00.0"), 1);
	assert_string_equal(topo->units[0].scope[0], "0000:00:02.0");
	iok_grouping_unref(g);
	iok_topo_unref(topo);
	/* A scope that misses a device leaves it without a group (spec groups 7). */
	topo = t_load_json(ctx,
		"{\"schema\":1,\"platform\":{\"units\":[{\"name\":\"dmar0\",\"scope\":[\"0000:00:02.0\"]}]},"
		"\"devices\":[{\"bdf\":\"00:00.0\",\"id\":\"8086:5904\",\"class\":\"060000\"},"
		"{\"bdf\":\"00:02.0\",\"id\":\"8086:5916\",\"class\":\"030000\"}]}");
	t_assert_groups(topo, "{00:02.0} -{00:00.0}");
	iok_topo_unref(topo);
	iok_unref(ctx);
}

/* Spec groups 5.1 and 13 #22: a VMD domain DMAs as its endpoint. */
static void test_vmd(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = t_load_json(ctx,
		"{\"schema\":1,\"platform\":{\"vmd\":[{\"endpoint\":\"0000:00:0e.0\",\"domain\":\"10001\"}]},"
		"\"devices\":[{\"bdf\":\"00:0e.0\",\"id\":\"1234:5678\",\"class\":\"010400\",\"pcie\":\"rc_endpoint\"},"
		"{\"bdf\":\"00:01.0\",\"id\":\"8086:1901\",\"pcie\":\"endpoint\"},"
		"{\"bdf\":\"10001:e1:00.0\",\"id\":\"144d:a808\",\"class\":\"010802\",\"pcie\":\"endpoint\"}]}");

	assert_ptr_equal(dev_of(topo, "10001:e1:00.0")->vmd, dev_of(topo, "00:0e.0"));
	t_assert_groups(topo, "{00:0e.0 10001:e1:00.0} {00:01.0}");
	iok_topo_unref(topo);
	iok_unref(ctx);
}

/* ---- refusals ---------------------------------------------------------- */

static void test_syntax_errors(void **state)
{
	expect_error("{\n  \"schema\": 1,\n  \"devices\": [ x ]\n}", -EINVAL, "test:3:16: ");
	expect_error("{\"schema\": 1, \"devices\": [],}", -EINVAL, "test:1:29: ");
	expect_error("{\"schema\": 1,\n\"devices\": [", -EINVAL, "test:2:13: unexpected end");
	expect_error("", -EINVAL, "test:1:1: empty");
	expect_error("{\"schema\": 1, \"devices\": []} []", -EINVAL, "test:1:30: ");
	expect_error("[]", -EINVAL, "expected a JSON object at the top");
	expect_error(DEV("{\"bdf\":\"00:00.0\\u0000x\",\"id\":\"8086:1234\"}"), -EINVAL,
		     "devices[0].bdf: string contains a NUL character");
}

static void test_schema_errors(void **state)
{
	expect_error("{\"devices\":[]}", -EINVAL, "missing \"schema\"");
	expect_error("{\"schema\":2,\"devices\":[]}", -EINVAL, "schema: version 2 is not supported");
	expect_error("{\"schema\":\"1\",\"devices\":[]}", -EINVAL, "schema: expected an integer, got a string");
	expect_error("{\"schema\":1.0,\"devices\":[]}", -EINVAL, "schema: expected an integer");
	expect_error("{\"schema\":1}", -EINVAL, "test: missing \"devices\"");
	expect_error("{\"schema\":1,\"devices\":{}}", -EINVAL, "devices: expected an array, got an object");
	expect_error("{\"schema\":1,\"devices\":[],\"platfrom\":{}}", -EINVAL, "test: unknown key \"platfrom\"");
	expect_error("{\"schema\":1,\"devices\":[],\"name\":3}", -EINVAL, "name: expected a string");
}

static void test_unknown_keys(void **state)
{
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\"},"
			 "{\"bdf\":\"00:01.0\",\"id\":\"8086:1234\",\"pcie\":\"root_port\"},"
			 "{\"bdf\":\"00:02.0\",\"id\":\"8086:1234\"},"
			 "{\"bdf\":\"00:03.0\",\"id\":\"8086:1234\",\"pcie\":\"root_port\","
			 "\"acs\":{\"cap\":\"SV\",\"ctl\":\"SV\"}}"),
		     -EINVAL, "devices[3].acs: unknown key \"ctl\"");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"multifunctoin\":true}"),
		     -EINVAL, "devices[0]: unknown key \"multifunctoin\"");
	expect_error("{\"schema\":1,\"platform\":{\"iommus\":\"intel\"},\"devices\":[]}",
		     -EINVAL, "platform: unknown key \"iommus\"");
	expect_error("{\"schema\":1,\"platform\":{\"units\":[{\"name\":\"a\",\"include\":true}]},\"devices\":[]}",
		     -EINVAL, "platform.units[0]: unknown key \"include\"");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"pcie\":\"endpoint\","
			 "\"sriov\":{\"num_vfs\":1,\"offset\":1,\"stride\":1,\"vf_device\":\"1\",\"enable\":true}}"),
		     -EINVAL, "devices[0].sriov: unknown key \"enable\"");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"pcie\":\"endpoint\",\"ari\":{\"nxt\":1}}"),
		     -EINVAL, "devices[0].ari: unknown key \"nxt\"");
	expect_error("{\"schema\":1,\"platform\":{\"vmd\":[{\"endpoint\":\"00:0e.0\",\"dom\":\"10000\"}]},"
		     "\"devices\":[{\"bdf\":\"00:0e.0\",\"id\":\"8086:467f\"}]}",
		     -EINVAL, "platform.vmd[0]: unknown key \"dom\"");
}

static void test_wrong_types(void **state)
{
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"multifunction\":1}"),
		     -EINVAL, "devices[0].multifunction: expected a boolean");
	expect_error(DEV("{\"bdf\":0,\"id\":\"8086:1234\"}"), -EINVAL, "devices[0].bdf: expected a string");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":32902}"), -EINVAL, "devices[0].id: expected a string");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"class\":30000}"),
		     -EINVAL, "devices[0].class: expected a string, got an integer");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"acs\":\"SV\"}"),
		     -EINVAL, "devices[0].acs: expected an object");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"config\":[1]}"),
		     -EINVAL, "devices[0].config: expected an object of byte writes or a hex string");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"config\":{\"0x40\":1}}"),
		     -EINVAL, "devices[0].config.0x40: expected a hex byte string");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"driver\":null}"),
		     -EINVAL, "devices[0].driver: expected a string, got null");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"pcie\":true}"),
		     -EINVAL, "devices[0].pcie: expected a port type name");
	expect_error(DEV("{\"bdf\":\"00:01.0\",\"id\":\"8086:1234\",\"secondary\":[1]}"),
		     -EINVAL, "devices[0].secondary: expected a bus number");
	expect_error(DEV("\"00:00.0\""), -EINVAL, "devices[0]: expected a device object, got a string");
	expect_error("{\"schema\":1,\"platform\":{\"kernel\":6.1},\"devices\":[]}",
		     -EINVAL, "platform.kernel: expected a string");
	expect_error("{\"schema\":1,\"platform_devices\":[1],\"devices\":[]}",
		     -EINVAL, "platform_devices[0]: expected a device name string");
}

static void test_bad_values(void **state)
{
	expect_error(DEV("{\"bdf\":\"00:20.0\",\"id\":\"8086:1234\"}"), -EINVAL,
		     "devices[0].bdf: \"00:20.0\" is not a PCI address");
	expect_error(DEV("{\"bdf\":\" 00:01.0\",\"id\":\"8086:1234\"}"), -EINVAL, "is not a PCI address");
	expect_error(DEV("{\"bdf\":\"00:01.0\",\"id\":\"8086:1234\"},{\"bdf\":\"1:2:3\",\"id\":\"8086:1234\"}"),
		     -EINVAL, "devices[1].bdf: \"1:2:3\" is not a PCI address");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:12g4\"}"), -EINVAL,
		     "devices[0].id: \"8086:12g4\" is not of the form vvvv:dddd");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"ffff:1234\"}"), -EINVAL, "vendor ffff");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"class\":\"0x\"}"), -EINVAL,
		     "devices[0].class: \"0x\" is not a hex number");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"class\":\"1000000\"}"), -EINVAL,
		     "devices[0].class: \"1000000\" is out of range (at most 0xffffff)");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"revision\":\"100\"}"), -EINVAL,
		     "devices[0].revision: \"100\" is out of range");
	expect_error(DEV("{\"bdf\":\"00:01.0\",\"id\":\"8086:1234\",\"secondary\":256}"), -EINVAL,
		     "devices[0].secondary: 256 is out of range (0 to 255)");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"pcie\":\"switch\"}"), -EINVAL,
		     "devices[0].pcie: unknown type \"switch\"");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"pcie\":16}"), -EINVAL,
		     "devices[0].pcie: 16 is out of range");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"header\":\"type1\"}"), -EINVAL,
		     "devices[0].header: unknown header \"type1\"");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"pcie\":\"root_port\",\"acs\":{\"cap\":\"SV XX\"}}"),
		     -EINVAL, "devices[0].acs.cap: \"XX\" is neither a hex value nor an ACS bit name");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"pcie\":\"root_port\",\"acs\":{\"ctrl\":\"SV\"}}"),
		     -EINVAL, "devices[0].acs: missing \"cap\"");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"config_size\":128}"), -EINVAL,
		     "devices[0].config_size: 128 is not 64, 256 or 4096");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"acs\":{\"cap\":\"SV\"}}"), -EINVAL,
		     "devices[0].acs: an extended capability needs config_size 4096");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"ari_forwarding\":true}"), -EINVAL,
		     "devices[0].ari_forwarding: ARI Forwarding lives in the PCI Express capability");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"external_facing\":true}"), -EINVAL,
		     "devices[0].external_facing: only a bridge");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"subordinate\":3}"), -EINVAL,
		     "devices[0].subordinate: given without \"secondary\"");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"header\":\"normal\",\"secondary\":3}"),
		     -EINVAL, "devices[0].secondary: only a bridge has bus numbers");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"secondary\":3,\"subsystem\":\"1:2\"}"),
		     -EINVAL, "devices[0].subsystem: a PCI-to-PCI bridge header has no subsystem ID");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"header\":\"cardbus\",\"pcie\":\"endpoint\"}"),
		     -EINVAL, "devices[0].pcie: not supported on a CardBus bridge");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"dma_aliases\":[\"01.0\",\"0:1.0\"]}"),
		     -EINVAL, "devices[0].dma_aliases[1]: \"0:1.0\" is not a device and function");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"dma_aliases\":[\"00.0\"]}"),
		     -EINVAL, "devices[0].dma_aliases[0]: \"00.0\" is the function itself");
}

static void test_sriov_errors(void **state)
{
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"pcie\":\"endpoint\","
			 "\"sriov\":{\"num_vfs\":2,\"offset\":0,\"stride\":1,\"vf_device\":\"1\",\"enabled\":true}}"),
		     -EINVAL, "devices[0].sriov.offset: 0 would make VF 0 the PF itself");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"pcie\":\"endpoint\","
			 "\"sriov\":{\"num_vfs\":2,\"offset\":1,\"stride\":0,\"vf_device\":\"1\",\"enabled\":true}}"),
		     -EINVAL, "devices[0].sriov.stride: 0 puts every VF at one routing ID");
	expect_error(DEV("{\"bdf\":\"ff:00.0\",\"id\":\"8086:1234\",\"pcie\":\"endpoint\","
			 "\"sriov\":{\"num_vfs\":300,\"offset\":1,\"stride\":1,\"vf_device\":\"1\",\"enabled\":true}}"),
		     -EINVAL, "devices[0].sriov.num_vfs: the last VF would have routing ID 0x1002c, beyond bus ff");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"pcie\":\"endpoint\","
			 "\"sriov\":{\"num_vfs\":70000,\"offset\":1,\"stride\":1,\"vf_device\":\"1\"}}"),
		     -EINVAL, "devices[0].sriov.num_vfs: 70000 is out of range");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"pcie\":\"endpoint\","
			 "\"sriov\":{\"num_vfs\":1,\"offset\":1,\"stride\":1}}"),
		     -EINVAL, "devices[0].sriov: missing \"vf_device\"");
}

static void test_duplicates(void **state)
{
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\"},{\"bdf\":\"00:01.0\",\"id\":\"8086:1234\"},"
			 "{\"bdf\":\"0000:00:00.0\",\"id\":\"8086:1234\"}"),
		     -EINVAL, "devices[2].bdf: 0000:00:00.0 is already devices[0]");
	expect_error("{\"schema\":1,\"platform_devices\":[\"AMDI0020:00\",\"AMDI0020:00\"],\"devices\":[]}",
		     -EINVAL, "platform_devices[1]: \"AMDI0020:00\" is already platform_devices[0]");
	expect_error("{\"schema\":1,\"platform_devices\":[\"00:01.0\"],\"devices\":[]}",
		     -EINVAL, "platform_devices[0]: \"00:01.0\" is a PCI address");
	/* Two PFs whose VFs land on one address: caught when the topology is built. */
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"pcie\":\"endpoint\",\"multifunction\":true,"
			 "\"sriov\":{\"num_vfs\":2,\"offset\":8,\"stride\":1,\"vf_device\":\"1\",\"enabled\":true}},"
			 "{\"bdf\":\"00:00.1\",\"id\":\"8086:1234\",\"pcie\":\"endpoint\","
			 "\"sriov\":{\"num_vfs\":2,\"offset\":8,\"stride\":1,\"vf_device\":\"1\",\"enabled\":true}}"),
		     -EINVAL, "test: 0000:00:01.1: function appears twice");
}

static void test_config_errors(void **state)
{
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"config\":\"86 80 34 12\"}"), -EINVAL,
		     "devices[0].config: 4 bytes; a captured config space has 64, 256 or 4096");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"config\":\"86 80 34 1\"}"), -EINVAL,
		     "devices[0].config: not a pair of hex digits at character 10");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"config\":\"86 80 3g 12\"}"), -EINVAL,
		     "devices[0].config: not a pair of hex digits at character 7");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"config\":{\"0x100\":\"01\"}}"), -EINVAL,
		     "devices[0].config.0x100: offset beyond the 256 captured bytes");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"config\":{\"0xzz\":\"01\"}}"), -EINVAL,
		     "devices[0].config: \"0xzz\" is not a hex number");
	expect_error(DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"config\":{\"0x40\":\"0x100\"}}"), -EINVAL,
		     "devices[0].config.0x40: \"0x100\" is out of range (at most 0xff)");
}

static void test_config_blob_mismatch(void **state)
{
	char json[1024], hex[400];
	unsigned int i, n = 0;

	n += snprintf(hex, sizeof(hex), "86 80 35 12");
	for (i = 4; i < 64; i++)
		n += snprintf(hex + n, sizeof(hex) - n, " 00");
	snprintf(json, sizeof(json), DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1234\",\"config\":\"%s\"}"), hex);
	expect_error(json, -EINVAL, "devices[0].config: the bytes say 8086:1235 but \"id\" is 8086:1234");
	snprintf(json, sizeof(json),
		 DEV("{\"bdf\":\"00:00.0\",\"id\":\"8086:1235\",\"config_size\":256,\"config\":\"%s\"}"), hex);
	expect_error(json, -EINVAL, "devices[0].config: 64 bytes, but config_size is 256");
}

static void test_platform_errors(void **state)
{
	expect_error("{\"schema\":1,\"platform\":{\"kernel\":\"six\"},\"devices\":[]}", -EINVAL,
		     "test: platform.kernel: kernel version 'six'");
	expect_error("{\"schema\":1,\"platform\":{\"iommu\":\"vtd\"},\"devices\":[]}", -EINVAL,
		     "test: platform.iommu: unknown IOMMU 'vtd'");
	expect_error("{\"schema\":1,\"platform\":{\"acs\":\"on\"},\"devices\":[]}", -EINVAL,
		     "test: platform.acs: acs must be");
	expect_error("{\"schema\":1,\"platform\":{\"cmdline\":\"pci=config_acs=1\"},\"devices\":[]}", -EINVAL,
		     "test: platform.cmdline: config_acs item");
	expect_error("{\"schema\":1,\"platform\":{\"units\":[]},\"devices\":[]}", -EINVAL,
		     "platform.units: empty");
	expect_error("{\"schema\":1,\"platform\":{\"units\":[{\"name\":\"dmar0\"}]},\"devices\":[]}", -EINVAL,
		     "platform.units[0]: a unit needs \"scope\" or \"include_all\"");
	expect_error("{\"schema\":1,\"platform\":{\"units\":[{\"name\":\"d\",\"include_all\":true,\"scope\":[]}]},"
		     "\"devices\":[]}", -EINVAL, "platform.units[0]: an include_all unit has no \"scope\"");
	expect_error("{\"schema\":1,\"platform\":{\"units\":[{\"name\":\"d\",\"scope\":[\"00:02.0\",\"2.0\"]}]},"
		     "\"devices\":[]}", -EINVAL, "platform.units[0].scope[1]: \"2.0\" is not a PCI address");
	expect_error("{\"schema\":1,\"platform\":{\"units\":[{\"scope\":[]}]},\"devices\":[]}", -EINVAL,
		     "platform.units[0]: missing \"name\"");
	expect_error("{\"schema\":1,\"platform\":{\"vmd\":[{\"endpoint\":\"00:0e.0\",\"domain\":\"10000\"}]},"
		     "\"devices\":[]}", -EINVAL, "platform.vmd[0].endpoint: 00:0e.0 is not in \"devices\"");
	expect_error("{\"schema\":1,\"platform\":{\"vmd\":[{\"endpoint\":\"00:0e.0\",\"domain\":\"1\"}]},"
		     "\"devices\":[{\"bdf\":\"00:0e.0\",\"id\":\"8086:467f\"}]}", -EINVAL,
		     "platform.vmd[0].domain: VMD domains start at 10000");
	expect_error("{\"schema\":1,\"platform\":{\"vmd\":[{\"endpoint\":\"00:0e.0\",\"domain\":\"10000\"},"
		     "{\"endpoint\":\"00:0e.0\",\"domain\":\"10000\"}]},"
		     "\"devices\":[{\"bdf\":\"00:0e.0\",\"id\":\"8086:467f\"}]}", -EINVAL,
		     "platform.vmd[1].domain: 10000 is already platform.vmd[0]");
}

/* Errors only the assembled topology shows still name the input. */
static void test_topology_errors(void **state)
{
	expect_error(DEV("{\"bdf\":\"00:01.0\",\"id\":\"8086:1234\",\"secondary\":2,\"subordinate\":4},"
			 "{\"bdf\":\"00:02.0\",\"id\":\"8086:1234\",\"secondary\":3}"),
		     -EINVAL, "test: bridges 0000:00:01.0 [02-04] and 0000:00:02.0 [03-03] have overlapping");
	expect_error(DEV("{\"bdf\":\"05:01.0\",\"id\":\"8086:1234\",\"secondary\":3}"),
		     -EINVAL, "test: 0000:05:01.0: bridge secondary bus 03 is not above its own bus 05");
}

/* ---- the json: source on files ----------------------------------------- */

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(text, 1, len, f) != len)
		fail_msg("cannot write %s", path);
	fclose(f);
}

static void test_json_files(void **state)
{
	char dir[] = "/tmp/iok-json-XXXXXXXX", path[128], src[160];
	static const char good[] = DEV("{\"bdf\":\"00:02.0\",\"id\":\"8086:5916\"}");
	static const char bad[] = "{\"schema\":1,\n\"devices\":[\n  {\"bdf\":\"00:02.0\",,}]}";
	static const char nul[] = "{\"schema\":1,\n \0\"devices\":[]}";
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = NULL;

	if (!mkdtemp(dir))
		fail_msg("mkdtemp failed");
	snprintf(path, sizeof(path), "%s/missing.json", dir);
	snprintf(src, sizeof(src), "json:%s", path);
	assert_int_equal(iok_topo_load(ctx, src, &topo), -ENOENT);
	assert_null(topo);
	assert_non_null(strstr(iok_get_error(ctx), path));

	snprintf(path, sizeof(path), "%s/good.json", dir);
	write_file(path, good, strlen(good));
	snprintf(src, sizeof(src), "json:%s", path);
	assert_int_equal(iok_topo_load(ctx, src, &topo), 0);
	assert_string_equal(iok_topo_get_source(topo), src);
	assert_int_equal(iok_topo_count_devs(topo), 1);
	iok_topo_unref(topo);
	topo = NULL;
	unlink(path);

	snprintf(path, sizeof(path), "%s/bad.json", dir);
	write_file(path, bad, strlen(bad));
	snprintf(src, sizeof(src), "json:%s", path);
	assert_int_equal(iok_topo_load(ctx, src, &topo), -EINVAL);
	snprintf(src, sizeof(src), "%s:3:20: ", path);
	assert_non_null(strstr(iok_get_error(ctx), src));
	unlink(path);

	snprintf(path, sizeof(path), "%s/nul.json", dir);
	write_file(path, nul, sizeof(nul) - 1);
	snprintf(src, sizeof(src), "json:%s", path);
	assert_int_equal(iok_topo_load(ctx, src, &topo), -EINVAL);
	snprintf(src, sizeof(src), "%s:2:2: NUL byte", path);
	assert_non_null(strstr(iok_get_error(ctx), src));
	unlink(path);

	assert_int_equal(iok_topo_load(ctx, "json:", &topo), -EINVAL);
	assert_non_null(strstr(iok_get_error(ctx), "json:FILE"));
	assert_null(topo);
	rmdir(dir);
	iok_unref(ctx);
}

/* ---- the built-in machines --------------------------------------------- */

static struct iok_topo *load_builtin(struct iok_ctx *ctx, const char *name)
{
	struct iok_topo *topo = NULL;
	char src[64];

	snprintf(src, sizeof(src), "builtin:%s", name);
	if (iok_topo_load(ctx, src, &topo))
		fail_msg("%s: %s", src, iok_get_error(ctx));
	return topo;
}

/*
 * Expected from the spec, not from a run:
 * - Xeon root ports and PLX downstream ports have ACS, which Linux enables
 *   (groups 3): each is isolated, and so is every single-function endpoint
 *   or switch upstream port below them (4.2, 6.3 rule 4).
 * - X710 and the Quadro GPU+HDA are multifunction without ACS and not in
 *   the mf_endpoint list: each pair shares a group (4.2, 4.5, 13 #1).
 * - I350 is in the mf_endpoint list: one group per function (13 #15).
 * - The C610 root ports are isolated by intel_pch because 1f.0 has RCBA
 *   enabled (3, 13 #4).
 * - The PEX8112 is a PCIe-to-PCI bridge: it and the conventional devices
 *   below it share one group (5.1, 13 #10).
 * - The 1f.x chipset functions have no PCIe capability: one group (13 #23);
 *   other single-function root-bus devices are alone (13 #25); Intel
 *   RCiEPs are isolated even when multifunction (13 #24).
 * - ConnectX-5 VFs below an isolated port: one group each (13 #16).
 */
static void test_builtin_server(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = load_builtin(ctx, "server");

	t_assert_groups(topo,
		"{00:00.0} {00:01.0} {01:00.0 01:00.1} {00:02.0} {02:00.0}"
		" {03:08.0} {03:09.0} {03:10.0} {03:11.0} {04:00.0} {05:00.0} {06:00.0}"
		" {00:03.0} {08:00.0 08:00.1}"
		" {00:04.0} {00:04.1} {00:04.2} {00:04.3} {00:04.4} {00:04.5} {00:04.6} {00:04.7}"
		" {00:05.0} {00:05.1} {00:05.2} {00:05.4}"
		" {00:14.0} {00:16.0} {00:1a.0} {00:1d.0}"
		" {00:1c.0} {09:00.0} {09:00.1} {00:1c.4} {0a:00.0 0b:04.0 0b:05.0}"
		" {00:1f.0 00:1f.2 00:1f.3}"
		" {80:02.0} {81:00.0} {81:00.1} {81:00.2} {81:00.3} {81:00.4}"
		" {80:03.0} {82:00.0} {80:05.0} {80:05.2} {80:05.4}");
	assert_non_null(iok_builtin_description("server"));
	assert_non_null(strstr(iok_builtin_description("server"), "Xeon"));
	assert_string_equal(iok_dev_get_driver(dev_of(topo, "08:00.0")), "nvidia");
	iok_topo_unref(topo);
	iok_unref(ctx);
}

/*
 * Expected from the spec:
 * - Sunrise Point-LP root ports have dword ACS that intel_spt_pch enables
 *   and accepts (3, 4.5): each root port is isolated, so are the Wi-Fi and
 *   NVMe endpoints and the Thunderbolt switch ports and endpoints below.
 * - 14.0/14.2 and 1f.x are conventional multifunction clusters (13 #23).
 * - The graphics DRHD is listed first and covers only 00:02.0, so the iGPU
 *   gets group 0 and the host bridge group 1 (8, 13 #37).
 */
static void test_builtin_laptop(void **state)
{
	struct iok_ctx *ctx = t_ctx();
	struct iok_topo *topo = load_builtin(ctx, "laptop");
	struct iok_grouping *g;

	g = t_groups(topo,
		"{00:00.0} {00:02.0} {00:04.0} {00:14.0 00:14.2} {00:16.0}"
		" {00:1c.0} {00:1c.4} {00:1d.0} {00:1f.0 00:1f.2 00:1f.3 00:1f.4}"
		" {01:00.0} {02:00.0} {03:00.0} {04:00.0} {04:01.0} {04:02.0}"
		" {05:00.0} {39:00.0}");
	assert_int_equal(t_group_id(g, topo, "00:02.0"), 0);
	assert_int_equal(t_group_id(g, topo, "00:00.0"), 1);
	/* Everything below the Thunderbolt root port is untrusted. */
	assert_false(dev_of(topo, "00:1d.0")->untrusted);
	assert_true(dev_of(topo, "05:00.0")->untrusted);
	assert_true(dev_of(topo, "39:00.0")->untrusted);
	assert_false(dev_of(topo, "02:00.0")->untrusted);
	assert_non_null(strstr(iok_builtin_description("laptop"), "laptop"));
	iok_grouping_unref(g);
	iok_topo_unref(topo);
	iok_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_type0),
		cmocka_unit_test(test_conventional_defaults),
		cmocka_unit_test(test_bridge),
		cmocka_unit_test(test_cardbus),
		cmocka_unit_test(test_ext_caps_chain),
		cmocka_unit_test(test_acs_dword_layout),
		cmocka_unit_test(test_pcix),
		cmocka_unit_test(test_config_size),
		cmocka_unit_test(test_config_writes),
		cmocka_unit_test(test_config_blob),
		cmocka_unit_test(test_pcie_types),
		cmocka_unit_test(test_aliases_driver_untrusted),
		cmocka_unit_test(test_vf_creation),
		cmocka_unit_test(test_enumeration_rules),
		cmocka_unit_test(test_platform_params),
		cmocka_unit_test(test_iommu_none_and_cmdline_off),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_vmd),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_schema_errors),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_sriov_errors),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_blob_mismatch),
		cmocka_unit_test(test_platform_errors),
		cmocka_unit_test(test_topology_errors),
		cmocka_unit_test(test_json_files),
		cmocka_unit_test(test_builtin_server),
		cmocka_unit_test(test_builtin_laptop),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
