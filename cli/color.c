// SPDX-License-Identifier: MIT
/* Colour, only where a person reads it: --color, NO_COLOR and isatty(). */
#include <stdlib.h>
#include <unistd.h>

#include "cli/builtin.h"

static bool use_color;

void cli_color_init(int mode)
{
	const char *no = getenv("NO_COLOR");

	if (mode >= 0)
		use_color = mode;
	else
		use_color = !(no && *no) && isatty(STDOUT_FILENO);
}

const char *cli_c(const char *code)
{
	return use_color ? code : "";
}
