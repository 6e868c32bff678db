# SPDX-License-Identifier: MIT
"""Shared by the capture checks: kernel 'BB:DD.F GROUP' files and iommukit's
groups JSON, both reduced to partitions (group numbers are arbitrary)."""
import json


def norm(bdf):
    bdf = bdf.strip().lower()
    return bdf if bdf.count(':') == 2 else '0000:' + bdf


def read_kernel_groups(path):
    """[(bdf, group-or-'-')] from a groups.txt file."""
    pairs = []
    for line in open(path):
        f = line.split()
        if len(f) == 2 and not line.startswith('#'):
            pairs.append((norm(f[0]), f[1]))
    return pairs


def read_iommukit_groups(text):
    """[(bdf, group-or-'-')] and the parsed document from `groups --json`."""
    doc = json.loads(text)
    pairs = [(d['bdf'], str(g['group'])) for g in doc['groups'] for d in g['devices']]
    pairs += [(d['bdf'], '-') for d in doc['ungrouped']]
    return pairs, doc


def partition(pairs):
    """(set of frozensets of grouped devices, set of ungrouped devices)"""
    groups = {}
    none = set()
    for bdf, g in pairs:
        if g == '-':
            none.add(bdf)
        else:
            groups.setdefault(g, set()).add(bdf)
    return {frozenset(v) for v in groups.values()}, none


def compare(kernel, ours):
    """None when equal, else a short description of the first difference."""
    if {b for b, _ in kernel} != {b for b, _ in ours}:
        return 'device sets differ: %s' % sorted({b for b, _ in kernel} ^ {b for b, _ in ours})[:6]
    kp, kn = partition(kernel)
    op, on = partition(ours)
    if kp != op or kn != on:
        return 'groups differ: %s' % sorted(sorted(s) for s in kp ^ op)[:4]
    return None
