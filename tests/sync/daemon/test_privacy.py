#!/usr/bin/python3
# test_privacy.py: what a tablet and the co-op server leave readable, and
# what a revoked tablet forgets. Real carelog-server, real carelog-syncd,
# real carelog-cli (see harness.py). One scenario per argument.
#
# Copyright 2026 The Carelog developers
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import World, Server, FaultProxy, TestFailure, log, program, wait_until, run_scenarios  # noqa: E402


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
        # The real detection (no test override here) said something the co-op can read.
        storage = device_storage(server, tablet.device_id)
        check(storage in ('plain', 'unknown', 'dm-crypt', 'fscrypt'), 'STORAGE is %s' % storage)
        log("this machine's test folder is on %s storage" % storage)
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


CLIENT_NAME = 'Margaret Hollis'


def finished_visit(tablet, client, text):
    """A visit with one note, checked out; returns its id."""
    visit = tablet.check_in(client)
    tablet.note(visit, text)
    tablet.check_out(visit)
    return visit


def files_naming(top, needle):
    """The files under top whose bytes contain needle (UTF-8)."""
    found = []
    for path, dirs, names in os.walk(top):
        for name in names:
            with open(os.path.join(path, name), 'rb') as f:
                if needle.encode() in f.read():
                    found.append(os.path.join(path, name))
    return found


def revoked_world(name):
    """A server, a client with a name to look for, and a carer's tablet with
    three records it has not delivered yet (offline)."""
    world = World(name, connectivity='none')
    try:
        server = world.start_server()
        client = server.client(CLIENT_NAME)
        member = server.member('Ruth Revoked')
        server.assign(client, member)
        tablet = world.device('tablet', member).enrol(server)
        tablet.cli('sync')    # the roster, with the client's name, reaches the tablet
        tablet.make_records(3, client)
        tablet.daemon.start()
        check(tablet.daemon.prop('RecordsPending') == 3, 'three records wait to be delivered')
        profile = os.path.dirname(tablet.path)
        check(files_naming(profile, CLIENT_NAME), "the profile holds the client's name before")
        return world, server, tablet, profile
    except Exception:
        world.failed = True
        world.close()
        raise


def device_state(server, device):
    for line in server.run('device list').splitlines():
        if line.startswith(device):
            return line.split()[3]
    raise TestFailure('%s is not in device list' % device)


def check_erased(world, tablet, profile):
    wait_until('the daemon says the tablet was removed', lambda: tablet.daemon.prop('State') == 'removed')
    check('removed from the co-op' in tablet.daemon.prop('LastError'),
          'LastError: %s' % tablet.daemon.prop('LastError'))
    left = files_naming(world.env['CARELOG_DATA_DIR'], CLIENT_NAME)
    check(not left, "files still holding the client's name: %s" % left)
    check(not os.path.exists(tablet.path), 'the care log is gone')
    check(not os.path.exists(os.path.join(profile, 'device-key')), 'the key file is gone')
    r = tablet.cli('today', check=False)
    check(r.returncode != 0 and 'removed from the co-op' in r.stderr,
          'the command-line tool says the tablet was removed: %s' % r.stderr)
    log('left in the profile: %s' % sorted(os.listdir(profile)))


def scenario_revoke_erase():
    """Revoked with --erase while offline: at its first contact the tablet
    erases everything (its three undelivered records too, as chosen), no file
    of the profile holds the client's name, the co-op sees "erased"."""
    world, server, tablet, profile = revoked_world('revoke-erase')
    try:
        out = server.run('device revoke', tablet.device_id, '--erase')
        check('erases' in out, out)
        check(device_state(server, tablet.device_id) == 'erasing', 'erasing before contact')
        world.nm.set('full')
        check_erased(world, tablet, profile)
        wait_until('the co-op heard of the erasure', lambda: device_state(server, tablet.device_id) == 'erased')
        check(server.count(tablet.device_id)[0] == 0, 'erased at once: nothing was delivered')
        # Enrolled again, it starts afresh.
        tablet.enrol(server)
        check(tablet.store.counts() == (0, 0, 0), 'a new, empty care log')
    except Exception:
        world.failed = True
        raise
    finally:
        world.close()


def scenario_revoke_retire():
    """Revoked with the default (retire) while offline: at its first contact
    the tablet delivers its three records, then erases; "retired"."""
    world, server, tablet, profile = revoked_world('revoke-retire')
    try:
        out = server.run('device revoke', tablet.device_id)
        check('delivers' in out, out)
        check(device_state(server, tablet.device_id) == 'retiring', 'retiring before contact')
        world.nm.set('full')
        check_erased(world, tablet, profile)
        wait_until('the co-op heard of the erasure', lambda: device_state(server, tablet.device_id) == 'retired')
        check(server.count(tablet.device_id)[0] == 3, 'all three records were delivered before the erasure')
    except Exception:
        world.failed = True
        raise
    finally:
        world.close()


def scenario_revoke_cli():
    """Without a daemon running, `carelog-cli sync` meets the revocation
    (erase at once): it erases the care log and says so."""
    world, server, tablet, profile = revoked_world('revoke-cli')
    try:
        tablet.daemon.kill(signal.SIGTERM)
        server.run('device revoke', tablet.device_id, '--erase')
        r = tablet.cli('sync', check=False)
        check(r.returncode != 0 and 'removed from the co-op' in r.stderr, 'sync says: %s' % r.stderr)
        left = files_naming(world.env['CARELOG_DATA_DIR'], CLIENT_NAME)
        check(not left, "files still holding the client's name: %s" % left)
        check(device_state(server, tablet.device_id) == 'erased', 'device list says erased')
    except Exception:
        world.failed = True
        raise
    finally:
        world.close()


def scenario_revoke_refused():
    """A refusal that is not a revocation with a choice (an old-style
    revocation) erases nothing: the records stay, waiting."""
    world, server, tablet, profile = revoked_world('revoke-refused')
    try:
        db = sqlite3.connect(os.path.join(server.dir, 'carelog.db'), timeout=10)
        db.execute('UPDATE devices SET revoked = 1, revoke_mode = NULL WHERE device = ?', (tablet.device_id,))
        db.commit()
        db.close()
        world.nm.set('full')
        wait_until('refused', lambda: tablet.daemon.prop('State') == 'error')
        check(tablet.daemon.prop('RecordsPending') == 3, 'still waiting')
        check(files_naming(profile, CLIENT_NAME), 'nothing erased')
        check(device_state(server, tablet.device_id) == 'revoked', 'device list says revoked')
    except Exception:
        world.failed = True
        raise
    finally:
        world.close()


def scenario_subject_access():
    """carelog-server export-client writes everything held about one client
    (roster and visit records, notes included) and nothing about another,
    0600, and never over an existing file."""
    world = World('subject-access', connectivity='full')
    try:
        server = world.start_server()
        asked = server.client('Agnes Asked')
        other = server.client('Otto Other')
        member = server.member('Sam Subject')
        server.assign(asked, member)
        server.assign(other, member)
        tablet = world.device('tablet', member).enrol(server)
        tablet.cli('sync')
        v = finished_visit(tablet, asked, 'Agnes was cheerful and ate her lunch.')
        w = finished_visit(tablet, other, 'Otto asked about his daughter.')
        tablet.cli('sync')
        path = os.path.join(world.tmp, 'agnes.jsonl')
        out = server.run('export-client', asked, path)
        check('Wrote' in out, out)
        mode = stat.S_IMODE(os.stat(path).st_mode)
        check(mode == 0o600, 'the export has mode %o' % mode)
        with open(path) as f:
            lines = [json.loads(line) for line in f]
        text = json.dumps(lines)
        check('Agnes Asked' in text and 'ate her lunch' in text, 'her name and her note are in it')
        check('Otto' not in text and v in text and w not in text, 'nothing about the other client')
        expected = set(k for k, r in server.events().items()
                       if json.loads(r[6]).get('client') == asked or json.loads(r[6]).get('visit') == v)
        check(set(r['id'] for r in lines) == expected, 'exactly her records: %d, expected %d'
              % (len(lines), len(expected)))
        r = subprocess.run([program('sync/server/carelog-server'), 'export-client', server.dir, asked, path],
                           capture_output=True, text=True, timeout=60)
        check(r.returncode != 0 and 'never written over' in r.stderr, 'an existing file is refused: %s' % r.stderr)
        log('%d records about one client exported' % len(lines))
    except Exception:
        world.failed = True
        raise
    finally:
        world.close()


def scenario_retention():
    """The co-op keeps 3 days on carers' tablets: a tablet whose clock is 5
    days on removes its finished, delivered visit (the daemon, after a
    round) and keeps the one in progress; the server keeps everything."""
    world = World('retention', connectivity='full')
    try:
        world.server = server = Server(world)
        check('14 days' in server.run('retention'), 'the default is 14 days')
        server.run('retention', '3')
        server.start()
        world.proxy = FaultProxy(server.port)
        client = server.client(CLIENT_NAME)
        member = server.member('Rhea Retention')
        server.assign(client, member)
        tablet = world.device('tablet', member).enrol(server)
        tablet.cli('sync')
        delivered = finished_visit(tablet, client, 'Delivered and old enough to go.')
        tablet.cli('sync')
        check(tablet.store.counts()[0] == 0, 'delivered')
        held = tablet.check_in(client)
        tablet.note(held, 'Still in progress: stays.')
        world.nm.set('none')
        later = world.device('tablet', member, faketime='+5d')
        later.device_id = tablet.device_id
        later.daemon.start()
        world.nm.set('full')
        wait_until('the delivered visit removed',
                   lambda: not [r for r in tablet.store.events().values() if delivered in r[6]], timeout=20)
        check(tablet.store.meta('retention_days') == '3', "the co-op's period reached the tablet")
        check([r for r in tablet.store.events().values() if held in r[6]], 'the visit in progress stays')
        check([r for r in server.events().values() if delivered in r[6]], 'the server keeps everything')
    except Exception:
        world.failed = True
        raise
    finally:
        world.close()


def with_storage(storage, fn, *args, **kwargs):
    """Runs fn with the tablet saying its data folder is STORAGE (test
    builds: the tests cannot make an encrypted volume)."""
    old = os.environ.get('CARELOG_TEST_STORAGE')
    os.environ['CARELOG_TEST_STORAGE'] = storage
    try:
        return fn(*args, **kwargs)
    finally:
        if old is None:
            del os.environ['CARELOG_TEST_STORAGE']
        else:
            os.environ['CARELOG_TEST_STORAGE'] = old


def device_storage(server, device):
    for line in server.run('device list').splitlines():
        if line.startswith(device):
            words = line.split()
            # ... PENDING REJECTED STORAGE NAME: NAME may hold spaces.
            return words[8] if words[4] == 'never' else words[9]
    raise TestFailure('%s is not in device list' % device)


def scenario_encryption():
    """A co-op requiring encrypted tablets: one that says its data folder is
    plain is not enrolled; one on dm-crypt is, and device list shows it; if
    it later says plain, what it recorded is still accepted but it receives
    nothing."""
    world = World('encryption', connectivity='none')
    try:
        world.server = server = Server(world)
        server.run('require-encryption', 'yes')
        server.start()
        world.proxy = FaultProxy(server.port)
        client = server.client(CLIENT_NAME)
        member = server.member('Enid Encrypted')
        server.assign(client, member)
        plain = world.device('plain', member)
        r = with_storage('plain', plain.cli, 'enrol', server.enrolment_line(member), check=False)
        check(r.returncode != 0 and 'encrypted disk' in r.stderr, 'a plain tablet is not enrolled: %s' % r.stderr)
        tablet = world.device('tablet', member)
        with_storage('dm-crypt', tablet.enrol, server)
        with_storage('dm-crypt', tablet.cli, 'sync')
        check(device_storage(server, tablet.device_id) == 'dm-crypt', 'device list shows dm-crypt')
        tablet.make_records(2, client)
        r = with_storage('plain', tablet.cli, 'sync', check=False)
        check(r.returncode != 0 and 'encrypted disk' in r.stderr, 'a plain tablet receives nothing: %s' % r.stderr)
        check(server.count(tablet.device_id)[0] == 2, 'what it recorded was still accepted')
        check(device_storage(server, tablet.device_id) == 'plain', 'device list shows plain')
    except Exception:
        world.failed = True
        raise
    finally:
        world.close()


def member_names(tablet):
    """The names in the members table of a tablet's care log (its SQLite
    file, read directly)."""
    db = sqlite3.connect('file:%s?mode=ro' % tablet.path, uri=True)
    try:
        return {row[0] for row in db.execute('SELECT name FROM members')}
    finally:
        db.close()


def scenario_member_scope():
    """A carer's tablet receives the members she works with (herself, the
    co-ordinators, the carers of her clients) and nobody else: not a carer
    of other clients, not a family member. Assigning a carer to a client
    she shares brings that carer's name at the next sync; a carer promoted
    to co-ordinator reaches every carer."""
    world = World('member-scope', connectivity='none')
    try:
        server = world.start_server()
        shared = server.client('Hilda Shared')
        other = server.client('Otto Elsewhere')
        alice = server.member('Alice Ames')
        bella = server.member('Bella Brook')
        cora = server.member('Cora Cole')
        server.member('Sam Super', role='supervisor')
        server.run('member add', server._id('m'), '--name', 'Fay Family', '--role', 'family',
                   '--client', shared)
        server.assign(shared, alice)
        server.assign(shared, bella)
        server.assign(other, cora)
        tablet = world.device('alice', alice).enrol(server)
        tablet.cli('sync')
        names = member_names(tablet)
        check(names == {'Alice Ames', 'Bella Brook', 'Sam Super'},
              "Alice's tablet holds herself, her co-carer and the co-ordinator: %s" % sorted(names))
        for stranger in ('Cora Cole', 'Fay Family'):
            check(not files_naming(os.path.dirname(tablet.path), stranger),
                  "no file of Alice's profile names %s" % stranger)
        # Cora is assigned to the shared client: Alice now works with her.
        server.assign(shared, cora)
        tablet.cli('sync')
        check('Cora Cole' in member_names(tablet), "Cora's name arrives once she shares a client")
        # Cora's own tablet receives Alice and Bella (shared client), not Fay.
        cora_tablet = world.device('cora', cora).enrol(server)
        cora_tablet.cli('sync')
        check(member_names(cora_tablet) == {'Alice Ames', 'Bella Brook', 'Cora Cole', 'Sam Super'},
              "Cora's tablet: %s" % sorted(member_names(cora_tablet)))
        # A carer of other clients promoted to co-ordinator reaches everyone.
        dan = server.member('Dan Later')
        server.assign(other, dan)
        tablet.cli('sync')
        check('Dan Later' not in member_names(tablet), 'Dan, a carer of another client, is not sent')
        server.run('member add', dan, '--update', '--role', 'supervisor')
        tablet.cli('sync')
        check('Dan Later' in member_names(tablet), 'Dan, now a co-ordinator, is sent')
    except Exception:
        world.failed = True
        raise
    finally:
        world.close()


SCENARIOS = {name[len('scenario_'):].replace('_', '-'): fn
             for name, fn in list(globals().items()) if name.startswith('scenario_')}

if __name__ == '__main__':
    sys.exit(run_scenarios(SCENARIOS, sys.argv))
