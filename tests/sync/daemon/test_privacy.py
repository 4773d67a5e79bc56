#!/usr/bin/python3
# test_privacy.py: what a tablet and the co-op server leave readable, and
# what a revoked tablet forgets. Real carelog-server, real carelog-syncd,
# real carelog-cli (see harness.py). One scenario per argument.
#
# Copyright 2026 The Carelog developers
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import World, TestFailure, log, wait_until, run_scenarios  # noqa: E402


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def private_tree(top):
    """Every file under top is 0600 and every folder 0700; returns how many
    files were checked."""
    files = 0
    for path, dirs, names in os.walk(top):
        mode = stat.S_IMODE(os.stat(path).st_mode)
        check(mode == 0o700, 'folder %s has mode %o, not 700' % (path, mode))
        for name in names:
            full = os.path.join(path, name)
            mode = stat.S_IMODE(os.lstat(full).st_mode)
            check(mode == 0o600, 'file %s has mode %o, not 600' % (full, mode))
            files += 1
    return files


def modes(umask):
    old = os.umask(umask)
    world = World('modes-%03o' % umask, connectivity='full')
    try:
        server = world.start_server()
        client = server.client('Mrs Private')
        member = server.member('Pat Private')
        server.assign(client, member)
        tablet = world.device('tablet', member).enrol(server)
        tablet.make_records(3, client)
        tablet.daemon.start()
        wait_until('records delivered', lambda: tablet.store.counts() == (0, 3, 0))
        tablet.cli('export-visits', '--output', os.path.join(world.env['CARELOG_DATA_DIR'], 'visits.csv'))
        tablet.cli('export-hours', '--output', os.path.join(world.env['CARELOG_DATA_DIR'], 'hours.csv'))
        backups = os.path.join(world.tmp, 'backups')
        os.mkdir(backups, 0o700)
        server.backup(os.path.join(backups, 'coop.db'))
        names = set(os.listdir(os.path.dirname(tablet.path)))
        for expected in ('carelog.db', 'carelog.db-wal', 'carelog.db-shm', 'carelog.db-session',
                         'device-key'):
            check(expected in names, '%s is missing from the profile (%s)' % (expected, sorted(names)))
        n = private_tree(world.env['CARELOG_DATA_DIR']) + private_tree(server.dir) + private_tree(backups)
        log('umask %03o: %d files, all 0600 in 0700 folders' % (umask, n))
    except Exception:
        world.failed = True
        raise
    finally:
        world.close()
        os.umask(old)


def scenario_modes():
    """Under umask 022 and 000 the tablet's care log, its -wal, -shm and
    -session files, its key, its exports, the server's database and its
    backup are all 0600 in 0700 folders."""
    modes(0o022)
    modes(0o000)


SCENARIOS = {name[len('scenario_'):].replace('_', '-'): fn
             for name, fn in list(globals().items()) if name.startswith('scenario_')}

if __name__ == '__main__':
    sys.exit(run_scenarios(SCENARIOS, sys.argv))
