#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Scenario tests: every scenario of tests/scenarios and examples must run with
all expectations met (--strict: an operation without => must succeed too);
every script of bad/ must stop with exit status 2 and exactly the message of
bad/errors.txt; every script of fail/ must end with exit status 1 and exactly
the failures of fail/errors.txt (proof that a failed expectation fails).
usage: check.py IOMMUKIT SCENARIOS_DIR EXAMPLES_DIR   (TAP, one line per file)"""
import glob
import os
import subprocess
import sys

iok, here, examples = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
env = dict(os.environ, NO_COLOR='1', LC_ALL='C')
env.pop('IOMMUKIT_SYSFS_ROOT', None)


def run(args):
    return subprocess.run([iok, 'run'] + args, cwd=here, env=env, capture_output=True,
                          text=True, timeout=120)


def expected(kind):
    want = {}
    for line in open(os.path.join(here, kind, 'errors.txt')):
        line = line.rstrip('\n')
        if line and not line.startswith('#'):
            want.setdefault(line.split(':', 1)[0], []).append(line)
    return want


cases = []
for path in sorted(glob.glob(os.path.join(here, '*.scn'))):
    cases.append(('pass', os.path.relpath(path, here)))
for path in sorted(glob.glob(os.path.join(examples, '*.scn'))):
    cases.append(('pass', os.path.relpath(path, here)))
for kind in ('bad', 'fail'):
    want = expected(kind)
    files = sorted(os.path.relpath(p, here) for p in glob.glob(os.path.join(here, kind, '*.scn')))
    for f in files:
        cases.append((kind, f))
    for f in sorted(set(want) - set(files)):
        cases.append(('orphan', f))

print('1..%d' % len(cases))
failed = 0
wants = {k: expected(k) for k in ('bad', 'fail')}
for i, (kind, f) in enumerate(cases, 1):
    why = None
    if kind == 'orphan':
        why = 'errors.txt names a missing file'
    elif kind == 'pass':
        r = run(['--strict', '--trace', '--quiet', f])
        if r.returncode != 0:
            why = 'exit %d\n%s' % (r.returncode, r.stderr)
    else:
        r = run(['--strict', '--quiet', f])
        status = 2 if kind == 'bad' else 1
        want = '\n'.join(wants[kind].get(f, [])) + '\n'
        if r.returncode != status:
            why = 'exit %d, expected %d\n%s' % (r.returncode, status, r.stderr)
        elif r.stderr != want:
            why = 'stderr:\n%sexpected:\n%s' % (r.stderr, want)
    if why is None:
        print('ok %d - %s' % (i, f))
        continue
    failed += 1
    print('not ok %d - %s' % (i, f))
    for line in why.rstrip('\n').split('\n')[:40]:
        print('# ' + line)
sys.exit(1 if failed else 0)
