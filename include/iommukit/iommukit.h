/* SPDX-License-Identifier: MIT */
/*
 * libiommukit: a user-space model of the Linux IOMMU subsystem.
 *
 * Every object hangs off an opaque, reference-counted context. Functions
 * return 0 or a negative errno; when they fail, iok_get_error() names what
 * was wrong and where (file and line, or BDF and config-space offset).
 */
#ifndef IOMMUKIT_IOMMUKIT_H
#define IOMMUKIT_IOMMUKIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iok_ctx;

/**
 * iok_new() - create a library context
 * @ctx: receives the new context, with one reference
 *
 * Return: 0, or -ENOMEM.
 */
int iok_new(struct iok_ctx **ctx);

/**
 * iok_ref() - take a reference on a context
 * @ctx: the context
 *
 * Return: @ctx.
 */
struct iok_ctx *iok_ref(struct iok_ctx *ctx);

/**
 * iok_unref() - drop a reference; the last one frees the context
 * @ctx: the context, or NULL
 */
void iok_unref(struct iok_ctx *ctx);

/**
 * iok_get_error() - message describing the last failure in @ctx
 * @ctx: the context
 *
 * Return: a string owned by @ctx, valid until the next failing call; ""
 * when nothing failed yet.
 */
const char *iok_get_error(struct iok_ctx *ctx);

/** Log priorities, as syslog's. */
enum iok_log_prio {
	IOK_LOG_ERR = 3,
	IOK_LOG_WARNING = 4,
	IOK_LOG_NOTICE = 5,
	IOK_LOG_INFO = 6,
	IOK_LOG_DEBUG = 7,
};

typedef void (*iok_log_fn)(struct iok_ctx *ctx, int prio, const char *file,
			   int line, const char *fn, const char *fmt,
			   va_list args);

/**
 * iok_set_log_fn() - route library messages to @fn
 * @ctx: the context
 * @fn: the sink; NULL restores the default (stderr)
 */
void iok_set_log_fn(struct iok_ctx *ctx, iok_log_fn fn);

/**
 * iok_set_log_priority() - drop messages less important than @prio
 * @ctx: the context
 * @prio: an enum iok_log_prio value; the default is IOK_LOG_ERR, or the
 *        value of the IOMMUKIT_LOG environment variable
 */
void iok_set_log_priority(struct iok_ctx *ctx, int prio);

/**
 * iok_get_version() - the library version string
 *
 * Return: a static string such as "0.1.0".
 */
const char *iok_get_version(void);

#ifdef __cplusplus
}
#endif

#include <iommukit/topo.h>
#include <iommukit/groups.h>
#include <iommukit/pgtable.h>
#include <iommukit/iommu.h>

#endif
