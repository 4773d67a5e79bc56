#!/usr/bin/python3
# test_family.py: who reads a note, across tablets. Real carelog-server on
# loopback, a real carelog-syncd per tablet, real carelog-cli (harness.py);
# what each tablet holds is read from its SQLite file and from every byte of
# its profile folder (the WAL included). One scenario per argument.
#
# Copyright 2026 The Carelog developers
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import World, TestFailure, log, wait_until, run_scenarios  # noqa: E402


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def note_texts(device):
    """The texts of every note record in the device's care log."""
    texts = set()
    for e in device.store.events().values():
        if e[5] == 'note.added':
            texts.add(json.loads(e[6])['text'])
    return texts


def profile_bytes_contain(device, needle):
    """Whether any file of the device's profile (care log, WAL, ...) holds needle."""
    folder = os.path.dirname(device.path)
    for name in os.listdir(folder):
        with open(os.path.join(folder, name), 'rb') as f:
            if needle.encode() in f.read():
                return True
    return False


def sync(*devices):
    """One full round (push, then pull) on each device, in turn."""
    for d in devices:
        before = d.daemon.prop('LastSync')
        d.daemon.call('SyncNow')
        wait_until('%s synced' % d.name, lambda d=d, before=before:
                   d.daemon.prop('LastSync') > before and d.daemon.prop('State') == 'idle', timeout=30)


def note(device, visit, text, readers=None):
    args = ['--json', 'note', visit, 'wellbeing', text]
    if readers:
        args += ['--readers', readers]
    return json.loads(device.cli(*args).stdout)['note']


TEAM = 'Ate all her lunch today.'
COORD = 'Bruise on the left forearm, says she fell.'
FAMILY = 'Enjoyed sitting in the garden.'
K_TEAM = 'Please check the fridge for old food.'
K_COORD = 'Her son asked the office about her savings.'


def scenario_readers():
    """A carer writes a note for the team, one for co-ordinators only and one
    shared with the family; the co-ordinator writes one for the team and one
    for co-ordinators only on the carer's visit. The co-ordinator's tablet
    holds all five; the author's second tablet holds the author's three; the
    author's tablet gets the co-ordinator's team note but not the
    co-ordinators-only one; a co-carer of the same client gets none of them
    (a co-carer receives no other carer's visits), and no co-ordinators-only
    text is in any byte of a tablet that may not read it."""
    world = World('readers', connectivity='full')
    try:
        server = world.start_server()
        client = server.client('Mrs Reader')
        ana = server.member('Ana Author')
        bea = server.member('Bea Cocarer')
        kim = server.member('Kim Office', 'supervisor')
        server.assign(client, ana)
        server.assign(client, bea)
        a1 = world.device('ana-1', ana).enrol(server)
        a2 = world.device('ana-2', ana).enrol(server)
        b1 = world.device('bea-1', bea).enrol(server)
        k1 = world.device('kim-1', kim).enrol(server)
        devices = (a1, a2, b1, k1)
        for d in devices:
            d.daemon.start()

        visit = a1.check_in(client)
        note(a1, visit, TEAM)
        coord = note(a1, visit, COORD, 'coordinators')
        note(a1, visit, FAMILY, 'family')
        a1.check_out(visit)
        # A correction of the co-ordinators-only note stays as private as it.
        a1.cli('amend-note', coord, COORD + ' Told the office.', '--reason', 'Added what I did')
        theirs = b1.check_in(client)
        note(b1, theirs, 'Bea was here.')
        sync(a1, b1, k1)
        wait_until("the co-ordinator's tablet has the visit", lambda: TEAM in note_texts(k1), timeout=20)
        note(k1, visit, K_TEAM)
        note(k1, visit, K_COORD, 'coordinators')
        sync(k1, a1, a2, b1, k1)

        check(note_texts(k1) >= {TEAM, COORD, FAMILY, K_TEAM, K_COORD},
              "the co-ordinator's tablet lacks notes: %s" % note_texts(k1))
        check(note_texts(a2) >= {TEAM, COORD, FAMILY},
              "the author's second tablet lacks the author's notes: %s" % note_texts(a2))
        check(K_TEAM in note_texts(a1) and K_TEAM in note_texts(a2),
              "the co-ordinator's team note did not reach the visit's carer")
        for d in (a1, a2):
            check(K_COORD not in note_texts(d), "the co-ordinator's co-ordinators-only note reached %s" % d.name)
            check(not profile_bytes_contain(d, K_COORD), "%s's files hold a co-ordinators-only text" % d.name)
        check(note_texts(b1) == {'Bea was here.'}, "the co-carer's tablet holds others' notes: %s" % note_texts(b1))
        for text in (COORD, 'Told the office', K_COORD):
            check(not profile_bytes_contain(b1, text), "the co-carer's files hold “%s”" % text)

        # What the author's second tablet shows: the readers of each note.
        shown = json.loads(a2.cli('--json', 'show', visit).stdout)
        readers = {n['text'].split(' Told')[0]: n['readers'] for n in shown['notes']}
        check(readers.get(COORD) == 'coordinators' and readers.get(TEAM) == 'team'
              and readers.get(FAMILY) == 'family' and readers.get(K_TEAM) == 'team',
              'show --json says %s' % readers)
        text = k1.cli('show', visit).stdout
        check('Co-ordinators only' in text, "the co-ordinator's `show` does not say which notes are co-ordinators only")
        log('a co-ordinators-only note reached the co-ordinator and its author only (4 tablets)')
    except Exception:
        world.failed = True
        raise
    finally:
        world.close()


SCENARIOS = {
    'readers': scenario_readers,
}

if __name__ == '__main__':
    sys.exit(run_scenarios(SCENARIOS, sys.argv))
