#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""CLI golden tests: run each case of golden/cases.txt from the tests directory and
compare stdout, stderr and the exit status with golden/NAME.out.
usage: golden-check.py IOMMUKIT TESTS_DIR [--update]   (TAP output)"""
import os
import shlex
import subprocess
import sys

iok, tests = os.path.abspath(sys.argv[1]), sys.argv[2]
update = '--update' in sys.argv
cases = []
for line in open(os.path.join(tests, 'golden', 'cases.txt')):
    line = line.strip()
    if line and not line.startswith('#'):
        name, args = line.split(None, 1)
        cases.append((name, shlex.split(args)))
env = dict(os.environ, NO_COLOR='1', LC_ALL='C')
env.pop('IOMMUKIT_SYSFS_ROOT', None)
env.pop('IOMMUKIT_PROC_ROOT', None)
print('1..%d' % len(cases))
failed = 0
for i, (name, args) in enumerate(cases, 1):
    r = subprocess.run([iok] + args, cwd=tests, env=env, capture_output=True, text=True)
    got = r.stdout
    if r.stderr:
        got += '--- stderr\n' + r.stderr
    got += '--- exit %d\n' % r.returncode
    path = os.path.join(tests, 'golden', name + '.out')
    if update:
        open(path, 'w').write(got)
    want = open(path).read() if os.path.exists(path) else None
    if got == want:
        print('ok %d - %s' % (i, name))
        continue
    failed += 1
    print('not ok %d - %s' % (i, name))
    if want is None:
        print('# missing %s' % path)
        continue
    import difflib
    for d in list(difflib.unified_diff(want.splitlines(), got.splitlines(), 'expected', 'got',
                                       lineterm=''))[:40]:
        print('# ' + d)
sys.exit(1 if failed else 0)
