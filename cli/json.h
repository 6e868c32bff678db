/* SPDX-License-Identifier: MIT */
/* JSON output helpers: schema 1, snake_case keys, IDs and addresses as hex strings. */
#ifndef IOK_CLI_JSON_H
#define IOK_CLI_JSON_H

#include <json-c/json.h>

#include "cli/builtin.h"

#define CLI_JSON_SCHEMA 1

/* The document header every command's JSON starts with. */
struct json_object *cli_json_doc(struct iok_topo *topo, const struct iok_grouping *g);
/* A hex string: "%0*x". */
struct json_object *cli_json_hex(unsigned int width, uint64_t v);
/* A device's identity: bdf, ids, names, PCIe type. */
struct json_object *cli_json_dev(const struct iok_dev *d);
/* How the device joined its group. */
struct json_object *cli_json_join(const struct iok_grouping *g, const struct iok_dev *d);
/* Print and free. */
void cli_json_print(struct json_object *o);

#endif
