// SPDX-License-Identifier: MIT
/* The library context: reference count, logging and the last error. */
#include <stdio.h>

#include "config.h"
#include "lib/private.h"

static void log_stderr(struct iok_ctx *ctx, int prio, const char *file,
		       int line, const char *fn, const char *fmt, va_list args)
{
	fprintf(stderr, "libiommukit: %s: ", fn);
	vfprintf(stderr, fmt, args);
	fputc('\n', stderr);
}

int iok_fail_prefix(struct iok_ctx *ctx, int err, const char *prefix)
{
	char buf[sizeof(ctx->error)];
	size_t n;

	if (!ctx || !prefix)
		return err;
	n = strlen(prefix);
	if (n + 2 >= sizeof(buf))
		return err;
	memcpy(buf, prefix, n);
	memcpy(buf + n, ": ", 2);
	memcpy(buf + n + 2, ctx->error, sizeof(buf) - n - 2);
	buf[sizeof(buf) - 1] = 0;
	memcpy(ctx->error, buf, sizeof(buf));
	return err;
}

IOK_EXPORT int iok_new(struct iok_ctx **out)
{
	struct iok_ctx *ctx;
	const char *env;

	if (!out)
		return -EINVAL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->refcount = 1;
	ctx->log_fn = log_stderr;
	ctx->log_prio = IOK_LOG_ERR;
	env = getenv("IOMMUKIT_LOG");
	if (env && *env)
		ctx->log_prio = atoi(env);
	*out = ctx;
	return 0;
}

IOK_EXPORT struct iok_ctx *iok_ref(struct iok_ctx *ctx)
{
	if (ctx)
		ctx->refcount++;
	return ctx;
}

IOK_EXPORT void iok_unref(struct iok_ctx *ctx)
{
	if (!ctx || --ctx->refcount > 0)
		return;
	free(ctx);
}

IOK_EXPORT const char *iok_get_error(struct iok_ctx *ctx)
{
	return ctx ? ctx->error : "no context";
}

IOK_EXPORT void iok_set_log_fn(struct iok_ctx *ctx, iok_log_fn fn)
{
	if (ctx)
		ctx->log_fn = fn ? fn : log_stderr;
}

IOK_EXPORT void iok_set_log_priority(struct iok_ctx *ctx, int prio)
{
	if (ctx)
		ctx->log_prio = prio;
}

IOK_EXPORT const char *iok_get_version(void)
{
	return IOK_VERSION;
}

void iok_log(struct iok_ctx *ctx, int prio, const char *file, int line,
	     const char *fn, const char *fmt, ...)
{
	va_list args;

	if (!ctx || prio > ctx->log_prio)
		return;
	va_start(args, fmt);
	ctx->log_fn(ctx, prio, file, line, fn, fmt, args);
	va_end(args);
}

int iok_fail(struct iok_ctx *ctx, int err, const char *fmt, ...)
{
	va_list args;

	if (!ctx)
		return err;
	va_start(args, fmt);
	vsnprintf(ctx->error, sizeof(ctx->error), fmt, args);
	va_end(args);
	dbg(ctx, "%s", ctx->error);
	return err;
}
