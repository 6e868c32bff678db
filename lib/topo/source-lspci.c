// SPDX-License-Identifier: MIT
/*
 * The lspci source: `lspci -xxxx` (or -x, -xxx, -vvvxxxx) text, read through
 * libpci's dump access method. libpci accepts damaged dumps quietly and
 * exits the process on others, so the file is first checked line by line
 * here, which also gives every error its line number.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdio.h>

#include <pci/pci.h>

#include "lib/topo/topo-private.h"

struct dump_fn {
	uint32_t domain;
	uint8_t bus, devfn;
	unsigned int line;
	unsigned int len;	/* bytes seen, always a multiple of 16 */
};

struct dump_check {
	struct iok_ctx *ctx;
	const char *file;
	struct dump_fn *fns;
	unsigned int nr, alloc;
};

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* "[dddd:]bb:dd.f " at the start of a line: a function's header line. */
static bool parse_header(const char *s, struct dump_fn *fn)
{
	unsigned int dom = 0, bus, dev, f;
	int n = 0;

	if (sscanf(s, "%x:%x:%x.%1x%n", &dom, &bus, &dev, &f, &n) == 4 &&
	    n >= 12 && (s[n] == ' ' || !s[n])) {
		/* Domains of 4 to 6 hex digits, as libpci's dump method takes. */
		if (strchr(s, ':') - s < 4 || strchr(s, ':') - s > 6)
			return false;
	} else if (dom = 0, n = 0, sscanf(s, "%2x:%2x.%1x%n", &bus, &dev, &f, &n) == 3 &&
		   n == 7 && (s[n] == ' ' || !s[n])) {
		;
	} else {
		return false;
	}
	if (bus > 0xff || dev > 0x1f || f > 7)
		return false;
	fn->domain = dom;
	fn->bus = bus;
	fn->devfn = dev << 3 | f;
	return true;
}

/* "OFF: xx xx ...": returns the offset, or -1 when the line is not hex data. */
static int parse_hex_offset(const char *s)
{
	int off = 0, i;

	for (i = 0; isxdigit((unsigned char)s[i]); i++)
		off = off * 16 + hexval(s[i]);
	if (i < 2 || i > 3 || s[i] != ':')
		return -1;
	return off;
}

static int count_bytes(const char *s)
{
	int n = 0;

	s = strchr(s, ':') + 1;
	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
			s++;
			continue;
		}
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]) ||
		    (s[2] && !isspace((unsigned char)s[2])))
			return -1;
		n++;
		s += 2;
	}
	return n;
}

static int check_end(struct dump_check *c, struct dump_fn *fn)
{
	if (!fn)
		return 0;
	if (fn->len == 64 || fn->len == 256 || fn->len == IOK_CFG_MAX)
		return 0;
	return iok_fail(c->ctx, -EINVAL,
			"%s:%u: %04x:%02x:%02x.%x has 0x%x bytes of config space; a dump holds 64, 256 or 4096",
			c->file, fn->line, fn->domain, fn->bus, fn->devfn >> 3, fn->devfn & 7, fn->len);
}

static int check_line(struct dump_check *c, const char *s, unsigned int line)
{
	struct dump_fn fn = { .line = line }, *cur = c->nr ? &c->fns[c->nr - 1] : NULL;
	int off, n, rc;

	if (parse_header(s, &fn)) {
		rc = check_end(c, cur);
		if (rc)
			return rc;
		if (c->nr == c->alloc) {
			unsigned int na = c->alloc ? c->alloc * 2 : 64;
			struct dump_fn *p = realloc(c->fns, na * sizeof(*p));

			if (!p)
				return -ENOMEM;
			c->fns = p;
			c->alloc = na;
		}
		c->fns[c->nr++] = fn;
		return 0;
	}
	off = parse_hex_offset(s);
	if (off < 0)
		return 0;	/* lspci -vvv decoding and other text */
	if (!cur)
		return iok_fail(c->ctx, -EINVAL, "%s:%u: config bytes before any device line",
				c->file, line);
	n = count_bytes(s);
	if (n != 16)
		return iok_fail(c->ctx, -EINVAL,
				"%s:%u: %s: expected 16 hex bytes after '%02x:'",
				c->file, line, n < 0 ? "malformed byte" : "truncated line", off);
	if ((unsigned int)off != cur->len)
		return iok_fail(c->ctx, -EINVAL,
				"%s:%u: offset %02x out of sequence (expected %02x)",
				c->file, line, off, cur->len);
	if (off >= IOK_CFG_MAX)
		return iok_fail(c->ctx, -EINVAL, "%s:%u: offset %x beyond 4096 bytes",
				c->file, line, off);
	cur->len += 16;
	return 0;
}

static bool same_bdf(const struct dump_fn *x, const struct dump_fn *y)
{
	return x->domain == y->domain && x->bus == y->bus && x->devfn == y->devfn;
}

/* By BDF, then by line, so a duplicate follows its first appearance. */
static int cmp_fn(const void *a, const void *b)
{
	const struct dump_fn *x = a, *y = b;
	uint64_t kx = (uint64_t)x->domain << 16 | x->bus << 8 | x->devfn;
	uint64_t ky = (uint64_t)y->domain << 16 | y->bus << 8 | y->devfn;

	if (kx != ky)
		return kx < ky ? -1 : 1;
	return (int)x->line - (int)y->line;
}

static int check_dump(struct dump_check *c)
{
	_cleanup_free_ char *buf = NULL;
	size_t cap = 0;
	unsigned int line = 0, i;
	ssize_t len;
	FILE *f;
	int rc = 0;

	f = fopen(c->file, "r");
	if (!f)
		return iok_fail(c->ctx, -errno, "%s: %s", c->file, strerror(errno));
	while ((len = getline(&buf, &cap, f)) >= 0) {
		line++;
		/* A NUL would hide the rest of the line from the checks below. */
		if (strlen(buf) != (size_t)len) {
			rc = iok_fail(c->ctx, -EINVAL, "%s:%u: NUL byte", c->file, line);
			break;
		}
		rc = check_line(c, buf, line);
		if (rc)
			break;
	}
	fclose(f);
	if (!rc)
		rc = check_end(c, c->nr ? &c->fns[c->nr - 1] : NULL);
	if (rc)
		return rc;
	if (!c->nr)
		return iok_fail(c->ctx, -EINVAL,
				"%s: no device found (expected `lspci -xxxx` output)", c->file);
	qsort(c->fns, c->nr, sizeof(*c->fns), cmp_fn);
	for (i = 1; i < c->nr; i++)
		if (same_bdf(&c->fns[i], &c->fns[i - 1]))
			return iok_fail(c->ctx, -EINVAL,
					"%s:%u: %04x:%02x:%02x.%x already appears at line %u",
					c->file, c->fns[i].line, c->fns[i].domain, c->fns[i].bus,
					c->fns[i].devfn >> 3, c->fns[i].devfn & 7, c->fns[i - 1].line);
	return 0;
}

/* libpci's error callback must not return: jump back to the caller. */
static jmp_buf libpci_jmp;
static char libpci_msg[256];

static void __attribute__((noreturn, format(printf, 1, 2))) libpci_error(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(libpci_msg, sizeof(libpci_msg), msg, ap);
	va_end(ap);
	longjmp(libpci_jmp, 1);
}

static void __attribute__((format(printf, 1, 2))) libpci_quiet(char *msg, ...)
{
}

static unsigned int known_length(struct pci_dev *pd, uint8_t *buf)
{
	static const unsigned int lens[] = { IOK_CFG_MAX, 256, 64 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++)
		if (pci_read_block(pd, 0, buf, lens[i]))
			return lens[i];
	return 0;
}

static int read_with_libpci(struct iok_ctx *ctx, const char *file, struct iok_topo *topo)
{
	struct pci_access *volatile pacc = NULL;
	uint8_t buf[IOK_CFG_MAX];
	struct pci_dev *pd;
	volatile int rc = 0;

	pacc = pci_alloc();
	if (!pacc)
		return -ENOMEM;
	pacc->method = PCI_ACCESS_DUMP;
	pacc->error = libpci_error;
	pacc->warning = libpci_quiet;
	pacc->debug = libpci_quiet;
	if (setjmp(libpci_jmp)) {
		rc = iok_fail(ctx, -EINVAL, "%s: libpci: %s", file, libpci_msg);
		goto out;
	}
	pci_set_param(pacc, "dump.name", (char *)file);
	pci_init(pacc);
	pci_scan_bus(pacc);
	for (pd = pacc->devices; pd; pd = pd->next) {
		unsigned int len;

		memset(buf, 0, sizeof(buf));
		len = known_length(pd, buf);
		if (!len) {
			rc = iok_fail(ctx, -EINVAL, "%s: %04x:%02x:%02x.%x: no config bytes",
				      file, pd->domain, pd->bus, pd->dev, pd->func);
			goto out;
		}
		rc = iok_topo_add_pci(topo, pd->domain, pd->bus, pd->dev << 3 | pd->func,
				      buf, len, NULL);
		if (rc)
			goto out;
	}
out:
	pci_cleanup(pacc);
	return rc;
}

static int lspci_load(struct iok_ctx *ctx, const char *file, struct iok_topo **out)
{
	struct dump_check c = { .ctx = ctx, .file = file };
	_cleanup_free_ char *src = NULL;
	struct iok_topo *topo;
	int rc;

	if (!file || !*file)
		return iok_fail(ctx, -EINVAL, "lspci source needs a file: lspci:FILE");
	rc = check_dump(&c);
	free(c.fns);
	if (rc)
		return rc;
	if (asprintf(&src, "lspci:%s", file) < 0)
		return -ENOMEM;
	topo = iok_topo_alloc(ctx, src);
	if (!topo)
		return -ENOMEM;
	/* lspci prints what the kernel enumerated, ACS as the kernel left it. */
	topo->kernel_enumerated = true;
	topo->params.acs_final = true;
	rc = read_with_libpci(ctx, file, topo);
	if (!rc && iok_topo_count_devs(topo) != c.nr)
		rc = iok_fail(ctx, -EINVAL, "%s: libpci read %u functions, the file has %u",
			      file, iok_topo_count_devs(topo), c.nr);
	if (!rc) {
		rc = iok_topo_finalize(topo);
		if (rc)
			iok_fail_prefix(ctx, rc, file);
	}
	if (rc) {
		iok_topo_unref(topo);
		return rc;
	}
	*out = topo;
	return 0;
}

const struct iok_source iok_source_lspci = {
	.name = "lspci",
	.help = "lspci:FILE      `lspci -xxxx` or `lspci -vvvxxxx` output",
	.load = lspci_load,
};
