// SPDX-License-Identifier: MIT
/* JSON building blocks shared by the subcommands. */
#include <stdio.h>

#include "cli/json.h"

struct json_object *cli_json_hex(unsigned int width, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%0*llx", width, (unsigned long long)v);
	return json_object_new_string(buf);
}

struct json_object *cli_json_doc(struct iok_topo *topo, const struct iok_grouping *g)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "schema", json_object_new_int(CLI_JSON_SCHEMA));
	json_object_object_add(o, "kernel", json_object_new_string(iok_grouping_get_kernel(g)));
	json_object_object_add(o, "source", json_object_new_string(iok_topo_get_source(topo)));
	json_object_object_add(o, "iommu", json_object_new_string(iok_topo_get_param(topo, "iommu")));
	json_object_object_add(o, "acs", json_object_new_string(iok_topo_get_param(topo, "acs")));
	json_object_object_add(o, "cmdline", json_object_new_string(iok_topo_get_param(topo, "cmdline")));
	json_object_object_add(o, "acs_override",
			       json_object_new_string(iok_topo_get_param(topo, "acs_override")));
	return o;
}

struct json_object *cli_json_dev(const struct iok_dev *d)
{
	struct json_object *o = json_object_new_object();
	char buf[256];
	const char *drv;

	json_object_object_add(o, "bdf", json_object_new_string(iok_dev_get_name(d)));
	if (!iok_dev_is_pci(d)) {
		json_object_object_add(o, "platform", json_object_new_boolean(1));
		return o;
	}
	json_object_object_add(o, "vendor", cli_json_hex(4, iok_dev_get_vendor(d)));
	json_object_object_add(o, "device", cli_json_hex(4, iok_dev_get_device(d)));
	json_object_object_add(o, "class", cli_json_hex(6, iok_dev_get_class(d)));
	json_object_object_add(o, "vendor_name", json_object_new_string(
		cli_vendor_name(iok_dev_get_vendor(d), buf, sizeof(buf))));
	json_object_object_add(o, "device_name", json_object_new_string(
		cli_device_name(iok_dev_get_vendor(d), iok_dev_get_device(d), buf, sizeof(buf))));
	json_object_object_add(o, "class_name", json_object_new_string(
		cli_class_name(iok_dev_get_class(d), buf, sizeof(buf))));
	json_object_object_add(o, "pcie_type", json_object_new_string(
		cli_pcie_type_key(iok_dev_get_pcie_type(d))));
	json_object_object_add(o, "multifunction",
			       json_object_new_boolean(iok_dev_is_multifunction(d)));
	drv = iok_dev_get_driver(d);
	json_object_object_add(o, "driver", drv ? json_object_new_string(drv) : NULL);
	return o;
}

struct json_object *cli_json_join(const struct iok_grouping *g, const struct iok_dev *d)
{
	struct json_object *arr = json_object_new_array();
	struct iok_join_step st;
	unsigned int i;

	for (i = 0; !iok_dev_get_join(g, d, i, &st); i++) {
		struct json_object *s = json_object_new_object();

		json_object_object_add(s, "rule", json_object_new_string(cli_join_key(st.kind)));
		json_object_object_add(s, "device", json_object_new_string(iok_dev_get_name(st.dev)));
		json_object_array_add(arr, s);
	}
	return arr;
}

void cli_json_print(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					       JSON_C_TO_STRING_SPACED |
					       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}
