/* SPDX-License-Identifier: MIT */
/*
 * Generator of large, machine-like PCI topologies for the benchmark: config
 * bytes of every function, kept apart from the library so that producing
 * them is never part of what is timed.
 */
#ifndef IOK_BENCH_GEN_H
#define IOK_BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Generated functions keep nothing past this offset, so only these bytes
 * are stored; the rest of a 4 KiB space reads as zeros.
 */
#define GEN_STORED 0x200

struct gen_fn {
	uint32_t domain;
	uint8_t bus, devfn;
	uint16_t known;		/* 256 (conventional) or 4096 bytes */
	uint16_t len;		/* stored: the lesser of known and GEN_STORED */
	size_t off;		/* config bytes in gen_topo.arena */
	const char *desc;	/* the lspci header line's description */
};

/* What the topology is made of, to show that it looks like a machine. */
struct gen_stats {
	unsigned int domains, root_buses, bus_numbers;
	unsigned int root_ports, root_ports_acs;
	unsigned int switches, downstream_ports, downstream_ports_acs;
	unsigned int empty_slots;
	unsigned int endpoints, mf_endpoints, mf_endpoints_acs;
	unsigned int pci_bridges, conventional;
	unsigned int rcieps, pfs, vfs;
};

struct gen_topo {
	struct gen_fn *fns;	/* in (domain, bus, devfn) order */
	unsigned int nr;
	uint8_t *arena;
	size_t arena_len;
	struct gen_stats st;
};

/*
 * gen_build() - a topology of exactly @nr_fns functions
 * @t: receives the topology (free with gen_free())
 * @nr_fns: how many PCI functions
 * @seed: the same seed gives the same bytes
 *
 * Return: 0 or -ENOMEM.
 */
int gen_build(struct gen_topo *t, unsigned int nr_fns, uint64_t seed);
void gen_free(struct gen_topo *t);

/* The stored bytes of @f: f->len of them. */
static inline const uint8_t *gen_cfg(const struct gen_topo *t, const struct gen_fn *f)
{
	return t->arena + f->off;
}

/*
 * gen_write_lspci() - the topology as `lspci -xxxx` prints it
 * @t: the topology
 * @f: an open file
 *
 * Return: 0, or -errno when writing failed.
 */
int gen_write_lspci(const struct gen_topo *t, FILE *f);

#endif
