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


def show(device, visit):
    return json.loads(device.cli('--json', 'show', visit).stdout)


def scenario_family():
    """A member of Mrs Gallo's family circle, on their own device enrolled
    with the same one-line enrolment: it holds her visit, the note shared
    with the family and her carer's name; not the team or co-ordinators-only
    notes, not another client (not a byte of her address), not the
    co-ordinator's name. It disputes the visit; the dispute reaches the
    co-ordinator with the carer's words beside it; the co-ordinator's answer
    reaches the family and closes it. A family device may not write a note
    (refused on the device itself)."""
    world = World('family', connectivity='full')
    try:
        server = world.start_server()
        client = server.client('Mrs Gallo', tasks=['meds:Prompt morning medication:essential'])
        other = server.client('Mr Elsewhere')
        server.run('client add', 'c-far', '--name', 'Mrs Faraway', '--address', '99 Hidden Lane')
        ana = server.member('Ana Carer')
        kim = server.member('Kim Office', 'supervisor')
        server.assign(client, ana)
        server.assign(other, ana)
        server.assign('c-far', ana)
        server.run('member add', 'm-elena', '--name', 'Elena Gallo', '--role', 'family', '--client', client)
        a = world.device('ana', ana).enrol(server)
        k = world.device('kim', kim).enrol(server)
        e = world.device('elena', 'm-elena').enrol(server)
        check(e.store.meta('role') == 'family', 'the family device is enrolled as %s' % e.store.meta('role'))
        for d in (a, k, e):
            d.daemon.start()

        visit = a.check_in(client)
        a.cli('task', visit, 'meds', 'done')
        note(a, visit, TEAM)
        note(a, visit, COORD, 'coordinators')
        note(a, visit, FAMILY, 'family')
        a.check_out(visit)
        a.cli('no-confirmation', visit, 'asleep', '--comment', 'Fast asleep in her chair.')
        far = a.check_in('c-far')
        note(a, far, 'Mrs Faraway was cheerful.', 'family')
        a.cli('note', far, 'safeguarding', 'A neighbour shouts at her.')
        elsewhere = a.check_in(other)
        a.cli('amend-visit', elsewhere, 'service', 'respite', '--reason', 'Wrong service chosen.')
        sync(a, k, e)

        check(show(e, visit)['summary']['state'] == 'done', 'the family device lacks the visit: %s' % show(e, visit))
        check(note_texts(e) == {FAMILY}, 'the family device holds notes %s' % note_texts(e))
        for secret in (COORD, TEAM, 'Mrs Faraway', '99 Hidden Lane', 'Kim Office', 'Mr Elsewhere'):
            check(not profile_bytes_contain(e, secret), "the family device's files hold “%s”" % secret)
        check(profile_bytes_contain(e, 'Ana Carer'), "the family device lacks the carer's name")
        # The carer's tablet never receives the family member's name.
        check(not profile_bytes_contain(a, 'Elena Gallo'), "the carer's tablet holds the family member's name")

        # A family device writes only the client's word and messages.
        refused = e.cli('note', visit, 'wellbeing', 'Mum is fine.', check=False)
        check(refused.returncode != 0 and 'family' in refused.stderr, 'a family note was not refused: %s' % refused.stderr)
        e.cli('dispute', visit, 'She says the carer left ten minutes early.')
        message = json.loads(e.cli('--json', 'message', client, 'Please call me about next week.').stdout)['message']
        sync(e, k)
        seen = show(k, visit)
        check(seen['verified'] == 'disputed' and seen['verified_by'] == 'family' and seen['dispute_open'],
              "the co-ordinator does not see the family's dispute: %s" % seen)
        # The co-ordinator's queue: safeguarding first, then the dispute,
        # then the other exceptions (the amended visit is newer).
        queue = [v['visit'] for v in json.loads(k.cli('--json', 'visits', '--exceptions').stdout)]
        check(queue[:3] == [far, visit, elsewhere], 'the queue is %s, not [%s, %s, %s]'
              % (queue[:3], far, visit, elsewhere))
        history = [h['description'] for h in seen['history']] if 'history' in seen else []
        text = k.cli('show', visit).stdout
        check('Fast asleep in her chair.' in text and 'left ten minutes early' in text,
              "the co-ordinator does not see the carer's and the family's words: %s" % text)
        check(any(ev[5] == 'message.sent' and message in ev[6] for ev in k.store.events().values()),
              "the family's message did not reach the co-ordinator")
        k.cli('answer-dispute', visit, 'We checked with Ana: she left at 9:40 as planned.')
        sync(k, e)
        answered = show(e, visit)
        check(not answered['dispute_open'] and 'checked with Ana' in (answered['dispute_answer'] or ''),
              'the family does not see the answer: %s' % answered)
        queue = [v['visit'] for v in json.loads(k.cli('--json', 'visits', '--exceptions').stdout)]
        check(queue[:2] == [far, elsewhere], 'after the answer the queue is %s' % queue[:3])
        log('family device: 1 visit, 1 note shared, its dispute answered; %d history entries seen by the office'
            % len(history))
    except Exception:
        world.failed = True
        raise
    finally:
        world.close()


SCENARIOS = {
    'readers': scenario_readers,
    'family': scenario_family,
}

if __name__ == '__main__':
    sys.exit(run_scenarios(SCENARIOS, sys.argv))
