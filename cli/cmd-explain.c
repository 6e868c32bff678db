// SPDX-License-Identifier: MIT
#include "cli/builtin.h"
int cmd_explain(int argc, char **argv, struct iok_ctx *ctx) { return 2; }
