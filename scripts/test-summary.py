#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Count test cases over meson build directories and print 'N passed, N failed'.

TAP tests (cmocka with TAP output, the corpus and golden scripts) count one per
'ok'/'not ok' line; other tests count once by their result. Exit 1 on any failure
or when a build ran nothing."""
import json
import os
import re
import sys

passed = failed = 0
fails = []
for build in sys.argv[1:]:
    log = os.path.join(build, 'meson-logs', 'testlog.json')
    if not os.path.exists(log):
        print('%s: no test log' % build)
        failed += 1
        continue
    for line in open(log):
        t = json.loads(line)
        name = '%s: %s' % (os.path.basename(build), t['name'])
        out = t.get('stdout') or ''
        oks = re.findall(r'^(not ok|ok)\b(.*)$', out, re.M)
        if t.get('protocol') == 'tap' or oks:
            for status, rest in oks:
                if status == 'ok':
                    passed += 1
                else:
                    failed += 1
                    fails.append('%s:%s' % (name, rest))
            if t['result'] not in ('OK', 'SKIP', 'EXPECTEDFAIL') and not any(s == 'not ok' for s, _ in oks):
                failed += 1
                fails.append('%s: %s' % (name, t['result']))
        elif t['result'] in ('OK', 'EXPECTEDFAIL'):
            passed += 1
        elif t['result'] != 'SKIP':
            failed += 1
            fails.append('%s: %s' % (name, t['result']))
for f in fails[:50]:
    print('FAILED', f)
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed or not passed else 0)
