#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""iommukit plan --apply on temporary copies of the trees in sysfs/plan/: the files it
writes hold exactly the planned values in order (they are opened for appending), nothing
else in the tree changes, it stops at the first failing write and reports what it did and
did not do, and it refuses, or asks, where it must. Also: run offline on the guest's
capture, plan gives what it gave live in the Linux 6.1 guest (sysfs/plan/oracle/results).
usage: plan-check.py IOMMUKIT TESTS_DIR   (TAP output)"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

iok, tests = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
trees = os.path.join(tests, 'sysfs', 'plan')
ENV = dict(os.environ, NO_COLOR='1', LC_ALL='C')
for k in ('IOMMUKIT_SYSFS_ROOT', 'IOMMUKIT_PROC_ROOT'):
    ENV.pop(k, None)
PCI = 'sys/bus/pci'


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def run(args, cwd, stdin='', env=None):
    r = subprocess.run([iok] + args, cwd=cwd, env=env or ENV, input=stdin,
                       capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def snapshot(root):
    """Every file's content and every link's target, by relative path."""
    out = {}
    for top, dirs, files in os.walk(root):
        for name in dirs + files:
            p = os.path.join(top, name)
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                out[rel] = 'link:' + os.readlink(p)
            elif os.path.isfile(p):
                with open(p, 'rb') as f:
                    out[rel] = f.read()
    return out


def changes(before, after):
    return {k: after.get(k) for k in set(before) | set(after) if before.get(k) != after.get(k)}


class Tree:
    """A copy of sysfs/plan/NAME in a temporary directory, as ./t."""

    def __init__(self, name):
        self.tmp = tempfile.mkdtemp(prefix='iok-plan-')
        self.root = os.path.join(self.tmp, 't')
        shutil.copytree(os.path.join(trees, name), self.root, symlinks=True)
        self.before = snapshot(self.root)

    def path(self, rel):
        return os.path.join(self.root, rel)

    def dev(self, bdf, attr):
        return os.path.join(PCI, 'devices', bdf, attr)

    def plan(self, *args, stdin=''):
        return run(['plan', '-S', 'sysfs:t'] + list(args), self.tmp, stdin)

    def changed(self):
        return changes(self.before, snapshot(self.root))

    def close(self):
        shutil.rmtree(self.tmp)


def expect_changes(t, want):
    got = t.changed()
    want = {k: v.encode() for k, v in want.items()}
    check(got == want, 'changed files %r, expected %r' % (got, want))




def test_apply_complete():
    """The 02:00.0 group (pulled-in 02:00.1 has the default route: --force)."""
    t = Tree('mixed')
    try:
        rc, out, err = t.plan('--apply', '--yes', '--force', '02:00.0')
        check(rc == 0, 'exit %d: %s' % (rc, err))
        check('Applied: all 6 writes done.' in out, 'no success line:\n' + out)
        check('is not a live sysfs' in out, 'no note that no kernel answered')
        expect_changes(t, {
            'sys/devices/pci0000:00/0000:00:03.0/0000:02:00.0/driver_override':
                '(null)\nvfio-pci\n',
            'sys/devices/pci0000:00/0000:00:03.0/0000:02:00.1/driver_override':
                '(null)\nvfio-pci\n',
            PCI + '/drivers/e1000e/unbind': '0000:02:00.0\n',
            PCI + '/drivers/virtio-pci/unbind': '0000:02:00.1\n',
            PCI + '/drivers_probe': '0000:02:00.0\n0000:02:00.1\n'})
    finally:
        t.close()


def test_stop_at_first_failure():
    """Write 5 (unbind from virtio-pci) fails: 1-4 done, 6 never tried, undo listed."""
    t = Tree('mixed')
    try:
        unbind = t.path(PCI + '/drivers/virtio-pci/unbind')
        os.remove(unbind)
        os.symlink('/dev/full', unbind)
        t.before = snapshot(t.root)
        rc, out, err = t.plan('--apply', '--yes', '--force', '02:00.0')
        check(rc == 1, 'exit %d, expected 1' % rc)
        check("Stopped after 4 of 6 writes: writing '0000:02:00.1' to "
              "t/sys/bus/pci/drivers/virtio-pci/unbind: No space left on device" in out,
              'no stop line:\n' + out)
        lines = [ln.strip() for ln in out.splitlines()]
        for i, word in enumerate(['done', 'done', 'done', 'done', 'FAILED', 'not done'], 1):
            check(any(ln.startswith('%s %d. ' % (word, i)) or
                      ln.startswith('%-8s %d. ' % (word, i)) for ln in lines),
                  'write %d not reported as %s:\n%s' % (i, word, out))
        undo = out.split('To undo what was changed:\n', 1)
        check(len(undo) == 2, 'no undo list')
        want = ['echo > t/sys/bus/pci/devices/0000:02:00.1/driver_override',
                'echo 0000:02:00.0 > t/sys/bus/pci/drivers/vfio-pci/unbind',
                'echo > t/sys/bus/pci/devices/0000:02:00.0/driver_override',
                'echo 0000:02:00.0 > t/sys/bus/pci/drivers/e1000e/bind']
        check([ln.strip() for ln in undo[1].splitlines()] == want,
              'undo list:\n%s' % undo[1])
        expect_changes(t, {
            'sys/devices/pci0000:00/0000:00:03.0/0000:02:00.0/driver_override':
                '(null)\nvfio-pci\n',
            'sys/devices/pci0000:00/0000:00:03.0/0000:02:00.1/driver_override':
                '(null)\nvfio-pci\n',
            PCI + '/drivers/e1000e/unbind': '0000:02:00.0\n',
            PCI + '/drivers_probe': '0000:02:00.0\n'})
    finally:
        t.close()


def test_stop_json():
    """The same failure in JSON: applied.status, results per write, the error, undo."""
    t = Tree('mixed')
    try:
        unbind = t.path(PCI + '/drivers/virtio-pci/unbind')
        os.remove(unbind)
        os.symlink('/dev/full', unbind)
        rc, out, err = t.plan('--apply', '--yes', '--force', '02:00.0', '--json')
        check(rc == 1, 'exit %d' % rc)
        a = json.loads(out)['applied']
        check(a['status'] == 'stopped', 'status %r' % a['status'])
        check(a['results'] == ['done'] * 4 + ['failed', 'not_attempted'],
              'results %r' % a['results'])
        check('No space left on device' in a['error'], 'error %r' % a['error'])
        check(len(a['undo']) == 4 and a['undo'][3]['path'].endswith('drivers/e1000e/bind'),
              'undo %r' % a['undo'])
    finally:
        t.close()


def test_missing_file():
    """No drivers_probe: the third write cannot even open its file."""
    t = Tree('mixed')
    try:
        os.remove(t.path(PCI + '/drivers_probe'))
        t.before = snapshot(t.root)
        rc, out, err = t.plan('--apply', '--yes', '01:00.0')
        check(rc == 1, 'exit %d' % rc)
        check('Stopped after 2 of 3 writes: cannot open t/sys/bus/pci/drivers_probe: '
              'No such file or directory' in out, 'no stop line:\n' + out)
        check(not os.path.exists(t.path(PCI + '/drivers_probe')), 'the file was created')
        expect_changes(t, {
            'sys/devices/pci0000:00/0000:00:02.0/0000:01:00.0/driver_override':
                '(null)\nvfio-pci\n',
            PCI + '/drivers/e1000e/unbind': '0000:01:00.0\n'})
    finally:
        t.close()


def test_confirmation():
    """Asked on stderr: 'n', nothing at all (EOF) and 'yes'."""
    for answer, rc_want, changed in (('n\n', 1, False), ('', 1, False), ('yes\n', 0, True)):
        t = Tree('mixed')
        try:
            rc, out, err = t.plan('--apply', '01:00.0', stdin=answer)
            check(rc == rc_want, 'answer %r: exit %d' % (answer, rc))
            check('Perform these 3 writes under t/sys? [y/N]' in err,
                  'answer %r: no question on stderr: %r' % (answer, err))
            check(bool(t.changed()) == changed, 'answer %r: changed %r' % (answer, t.changed()))
            if not changed:
                check('Nothing written.' in err, 'answer %r: %r' % (answer, err))
        finally:
            t.close()


def test_refusals():
    """Nothing is written, and no question asked, where --apply must not run."""
    cases = [('mixed', ['05:00.0'], 'it would unbind a device this host depends on'),
             ('mixed', ['00:07.0'], 'it would unbind a device this host depends on'),
             ('mixed', ['00:05.0'], 'a requested device cannot be passed through'),
             ('no-iommu', ['01:00.0'], 'the kernel has no IOMMU groups'),
             ('mixed', ['01:00.0'], "vfio-pci is not loaded: run 'modprobe vfio-pci'")]
    for name, args, why in cases:
        t = Tree(name)
        try:
            if 'vfio-pci is not loaded' in why:
                shutil.rmtree(t.path(PCI + '/drivers/vfio-pci'))
                t.before = snapshot(t.root)
            rc, out, err = t.plan('--apply', '--yes', *args)
            check(rc == 1, '%s %s: exit %d' % (name, args, rc))
            check('not applied: ' + why in err, '%s %s: stderr %r' % (name, args, err))
            check(not t.changed(), '%s %s: changed %r' % (name, args, t.changed()))
            rc, out, err = t.plan('--apply', '--yes', '--json', *args)
            a = json.loads(out)['applied']
            check(a['status'] == 'refused' and why in a['reason'],
                  '%s %s: %r' % (name, args, a))
        finally:
            t.close()


def test_nothing_to_do():
    t = Tree('mixed-applied')
    try:
        rc, out, err = t.plan('--apply', '--yes', '02:00.0', '01:00.0', '04:02.0')
        check(rc == 0, 'exit %d: %s' % (rc, err))
        check('Nothing to do' in out and not t.changed(), 'output:\n' + out)
    finally:
        t.close()


def test_bridge_and_stub():
    """j-nested-busy: the bridge on shpchp is unbound and never probed; pci-stub's own
    override is replaced; 00:1f.3 pulls in the root disk's AHCI: refused without --force."""
    t = Tree('j-nested-busy')
    try:
        rc, out, err = t.plan('--apply', '--yes', '04:01.0', '09:00.0', '--force')
        check(rc == 0, 'exit %d: %s\n%s' % (rc, err, out))
        d = 'sys/devices/pci0000:00/0000:00:02.0/0000:01:00.0/'
        sw = 'sys/devices/pci0000:00/0000:00:03.0/0000:06:00.0/'
        expect_changes(t, {
            d + '0000:02:00.0/0000:03:00.0/driver_override': '(null)\nvfio-pci\n',
            PCI + '/drivers/shpchp/unbind': '0000:03:00.0\n',
            d + '0000:02:00.0/0000:03:00.0/0000:04:01.0/driver_override': '(null)\nvfio-pci\n',
            PCI + '/drivers/e1000/unbind': '0000:04:01.0\n',
            sw + '0000:07:00.0/0000:08:00.0/driver_override': '(null)\nvfio-pci\n',
            PCI + '/drivers/e1000e/unbind': '0000:08:00.0\n',
            sw + '0000:07:01.0/0000:09:00.0/driver_override': 'pci-stub\nvfio-pci\n',
            PCI + '/drivers/pci-stub/unbind': '0000:09:00.0\n',
            PCI + '/drivers_probe': '0000:04:01.0\n0000:08:00.0\n0000:09:00.0\n'})
        rc, out, err = t.plan('--apply', '--yes', '00:1f.3')
        check(rc == 1 and 'sda1 holds the root filesystem (/)' in out, 'root disk: %s' % out)
    finally:
        t.close()


def test_env_roots():
    """IOMMUKIT_SYSFS_ROOT and IOMMUKIT_PROC_ROOT stand in for -S and ROOT/proc."""
    t = Tree('mixed')
    try:
        env = dict(ENV, IOMMUKIT_SYSFS_ROOT=t.root)
        rc, via_env, _ = run(['plan', '05:00.0'], t.tmp, env=env)
        rc2, via_opt, _ = run(['plan', '-S', 'sysfs:' + t.root, '05:00.0'], t.tmp)
        check(rc == rc2 == 0, 'exit %d/%d' % (rc, rc2))
        check(via_env.split('\n', 1)[1] == via_opt.split('\n', 1)[1],
              'env and -S differ:\n%s\n%s' % (via_env, via_opt))
        check('holds the root filesystem' in via_env, 'root disk not found via env')
        empty = os.path.join(t.tmp, 'empty-proc')
        os.mkdir(empty)
        rc, out, _ = run(['plan', '05:00.0'], t.tmp, env=dict(env, IOMMUKIT_PROC_ROOT=empty))
        check('root filesystem' not in out and
              'Note: no mount or route table under %s' % empty in out,
              'IOMMUKIT_PROC_ROOT ignored:\n' + out)
    finally:
        t.close()


def normalise(text, tree):
    """The guest's live output as the same command gives it on the capture at TREE."""
    return (text.replace(' /sys/', ' %s/sys/' % tree)
            .replace('# sysfs,', '# sysfs:%s,' % tree)
            .replace(' /sys?', ' %s/sys?' % tree))


def guest_case(name):
    """One dry run of the guest: the same on the captured tree, byte for byte."""
    res = os.path.join(trees, 'oracle', 'results')
    lines = open(os.path.join(res, name)).read().split('\n')
    args = lines[0].split()[2:]
    tree = 'sysfs/plan/' + ('mixed-applied' if '-after' in name else 'mixed')
    rc, out, err = run(args[:1] + ['-S', 'sysfs:' + tree] + args[1:], tests)
    got = out + err + '[exit %d]\n' % rc
    want = '\n'.join(lines[1:])
    if '--json' in args:
        g, w = json.loads(out), json.loads(want[:want.rindex('[exit')])
        w.update(source='sysfs:' + tree, sysfs=tree + '/sys', proc=tree + '/proc', live=False)
        for wr in w['writes']:
            wr['path'] = tree + wr['path']
        check(g == w, 'JSON differs from the guest: %s' % name)
        return
    want = normalise(want, tree)
    check(got == want, '%s differs from the guest:\n%s\n---\n%s' % (name, want, got))


def guest_cases():
    res = os.path.join(trees, 'oracle', 'results')
    out = []
    for name in sorted(os.listdir(res)):
        if name.startswith('plan-') and name.endswith('.txt'):
            first = open(os.path.join(res, name)).readline()
            if '--apply' not in first:
                out.append(('guest %s' % name, lambda n=name: guest_case(n)))
    return out


TESTS = [(f.__name__, f) for f in (test_apply_complete, test_stop_at_first_failure,
                                   test_stop_json, test_missing_file, test_confirmation,
                                   test_refusals, test_nothing_to_do, test_bridge_and_stub,
                                   test_env_roots)] + guest_cases()
print('1..%d' % len(TESTS))
failed = 0
for i, (name, fn) in enumerate(TESTS, 1):
    try:
        fn()
        print('ok %d - %s' % (i, name))
    except (Fail, OSError, ValueError, KeyError) as e:
        failed += 1
        print('not ok %d - %s' % (i, name))
        for line in str(e).splitlines()[:40]:
            print('# ' + line)
sys.exit(1 if failed else 0)
