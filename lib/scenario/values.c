// SPDX-License-Identifier: MIT
/*
 * Words of a scenario line: numbers as the oracle writes them, errno names
 * as the kernel names them, device addresses as the oracle prints them.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>

#include "lib/scenario/runner.h"

struct errno_name {
	int err;
	const char *name;
};

/*
 * Every errno the library and the oracle answer, and the rest of Linux's
 * list; then the kernel-internal codes that reach user space unchanged
 * (include/linux/errno.h). Aliases follow their canonical name.
 */
static const struct errno_name errnos[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
	{ EINTR, "EINTR" }, { EIO, "EIO" }, { ENXIO, "ENXIO" },
	{ E2BIG, "E2BIG" }, { ENOEXEC, "ENOEXEC" }, { EBADF, "EBADF" },
	{ ECHILD, "ECHILD" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { ENOTBLK, "ENOTBLK" },
	{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { EXDEV, "EXDEV" },
	{ ENODEV, "ENODEV" }, { ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },
	{ EINVAL, "EINVAL" }, { ENFILE, "ENFILE" }, { EMFILE, "EMFILE" },
	{ ENOTTY, "ENOTTY" }, { ETXTBSY, "ETXTBSY" }, { EFBIG, "EFBIG" },
	{ ENOSPC, "ENOSPC" }, { ESPIPE, "ESPIPE" }, { EROFS, "EROFS" },
	{ EMLINK, "EMLINK" }, { EPIPE, "EPIPE" }, { EDOM, "EDOM" },
	{ ERANGE, "ERANGE" }, { EDEADLK, "EDEADLK" },
	{ ENAMETOOLONG, "ENAMETOOLONG" }, { ENOLCK, "ENOLCK" },
	{ ENOSYS, "ENOSYS" }, { ENOTEMPTY, "ENOTEMPTY" }, { ELOOP, "ELOOP" },
	{ ENOMSG, "ENOMSG" }, { EIDRM, "EIDRM" }, { ENOSTR, "ENOSTR" },
	{ ENODATA, "ENODATA" }, { ETIME, "ETIME" }, { ENOSR, "ENOSR" },
	{ ENOLINK, "ENOLINK" }, { EPROTO, "EPROTO" }, { EBADMSG, "EBADMSG" },
	{ EOVERFLOW, "EOVERFLOW" }, { EBADFD, "EBADFD" }, { EILSEQ, "EILSEQ" },
	{ EUSERS, "EUSERS" }, { ENOTSOCK, "ENOTSOCK" },
	{ EDESTADDRREQ, "EDESTADDRREQ" }, { EMSGSIZE, "EMSGSIZE" },
	{ EPROTOTYPE, "EPROTOTYPE" }, { ENOPROTOOPT, "ENOPROTOOPT" },
	{ EPROTONOSUPPORT, "EPROTONOSUPPORT" }, { EOPNOTSUPP, "EOPNOTSUPP" },
	{ EAFNOSUPPORT, "EAFNOSUPPORT" }, { EADDRINUSE, "EADDRINUSE" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" }, { ENETDOWN, "ENETDOWN" },
	{ ENETUNREACH, "ENETUNREACH" }, { ECONNABORTED, "ECONNABORTED" },
	{ ECONNRESET, "ECONNRESET" }, { ENOBUFS, "ENOBUFS" },
	{ EISCONN, "EISCONN" }, { ENOTCONN, "ENOTCONN" },
	{ ETIMEDOUT, "ETIMEDOUT" }, { ECONNREFUSED, "ECONNREFUSED" },
	{ EHOSTUNREACH, "EHOSTUNREACH" }, { EALREADY, "EALREADY" },
	{ EINPROGRESS, "EINPROGRESS" }, { ESTALE, "ESTALE" },
	{ EUCLEAN, "EUCLEAN" }, { EREMOTEIO, "EREMOTEIO" },
	{ EDQUOT, "EDQUOT" }, { ENOMEDIUM, "ENOMEDIUM" },
	{ ECANCELED, "ECANCELED" }, { ENOKEY, "ENOKEY" },
	{ EKEYEXPIRED, "EKEYEXPIRED" }, { EOWNERDEAD, "EOWNERDEAD" },
	{ ENOTRECOVERABLE, "ENOTRECOVERABLE" }, { ERFKILL, "ERFKILL" },
	{ EHWPOISON, "EHWPOISON" },
	{ 512, "ERESTARTSYS" }, { 513, "ERESTARTNOINTR" },
	{ 514, "ERESTARTNOHAND" }, { 515, "ENOIOCTLCMD" },
	{ 516, "ERESTART_RESTARTBLOCK" }, { IOK_EPROBE_DEFER, "EPROBE_DEFER" },
	{ 518, "EOPENSTALE" }, { 519, "ENOPARAM" }, { 521, "EBADHANDLE" },
	{ 522, "ENOTSYNC" }, { 523, "EBADCOOKIE" }, { 524, "ENOTSUPP" },
	{ 525, "ETOOSMALL" }, { 526, "ESERVERFAULT" }, { 527, "EBADTYPE" },
	{ 528, "EJUKEBOX" }, { 529, "EIOCBQUEUED" }, { 530, "ERECALLCONFLICT" },
	/* Aliases: accepted in scripts, never printed. */
	{ EAGAIN, "EWOULDBLOCK" }, { EDEADLK, "EDEADLOCK" },
	{ EOPNOTSUPP, "ENOTSUP" },
};

const char *scn_errno_name(int err)
{
	unsigned int i;

	if (err < 0)
		err = -err;
	for (i = 0; i < ARRAY_SIZE(errnos); i++)
		if (errnos[i].err == err)
			return errnos[i].name;
	return NULL;
}

int scn_errno_parse(const char *word)
{
	unsigned int i;
	char *end;
	long v;

	if (!word || !*word)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(errnos); i++)
		if (!strcmp(errnos[i].name, word))
			return errnos[i].err;
	errno = 0;
	v = strtol(word, &end, 10);
	if (*end || errno || v == 0 || v > 4095 || v < -4095)
		return -EINVAL;
	return v < 0 ? -v : v;
}

IOK_EXPORT const char *iok_scenario_errno_name(int err)
{
	return scn_errno_name(err);
}

IOK_EXPORT int iok_scenario_errno_parse(const char *word)
{
	return scn_errno_parse(word);
}

int iok_scn_errno(struct iok_scn *s, const char *word, int *err)
{
	int e = scn_errno_parse(word);

	if (e < 0)
		return iok_scn_error(s, "'%s' is not an errno name (EBUSY, EINVAL, ...)", word);
	*err = e;
	return 0;
}

/* k, M, G, T: binary multiples, as the oracle's scripts write sizes. */
static int suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'M': return 20;
	case 'G': return 30;
	case 'T': return 40;
	default: return -1;
	}
}

int iok_scn_u64(struct iok_scn *s, const char *word, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	if (!word || !isdigit((unsigned char)word[0]))
		goto bad;
	errno = 0;
	v = strtoull(word, &end, 0);
	if (errno == ERANGE)
		return iok_scn_error(s, "number '%s' does not fit in 64 bits", word);
	if (end == word || (word[0] == '0' && (word[1] | 0x20) == 'x' && end == word + 1))
		goto bad;
	if (*end) {
		shift = suffix_shift(*end);
		if (shift < 0 || end[1])
			goto bad;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return iok_scn_error(s, "number '%s' does not fit in 64 bits", word);
	*out = (uint64_t)v << shift;
	return 0;
bad:
	return iok_scn_error(s, "'%s' is not a number (C literal with an optional k, M, G or T)",
			     word ? word : "");
}

const char *scn_bdf(const struct iok_dev *d)
{
	const char *name = iok_dev_get_name(d);

	if (d->is_pci && !strncmp(name, "0000:", 5))
		return name + 5;
	return name;
}
