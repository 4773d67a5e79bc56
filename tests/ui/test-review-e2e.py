#!/usr/bin/python3
# test-review-e2e.py: a supervisor's query reaches the carer's tablet through
# the real co-op server and the real sync daemons, appears on that visit, and
# the carer's reply (or, for a second query, an amendment) closes it on the
# supervisor's desk. The visit detail's sync timeline on the desk shows when
# the co-op received the carer's records (the server's own receive time), and
# the carer's tablet learns the same times when its records come back.
#
# Copyright 2026 The Carelog developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Uses the sync daemon tests' harness (tests/sync/daemon/harness.py): a
# private system bus with NetworkManager mocked, a private session bus, the
# real carelog-server on 127.0.0.1 port 0, real carelog-syncd processes and
# the real carelog-cli. The supervisor's and carer's actions go through
# test-review-e2e-helper, which makes the same store calls as the app's
# pages. Waiting is on conditions with deadlines, never fixed sleeps.

import datetime
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'sync', 'daemon'))

try:
    from harness import World, TestFailure, log, wait_until, program  # noqa: E402
except ImportError as e:
    print('1..0 # SKIP the sync test harness is not available: %s' % e)
    sys.exit(0)


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def helper(*args):
    r = subprocess.run([program('tests/ui/test-review-e2e-helper')] + list(args),
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise TestFailure('helper %s: %s%s' % (' '.join(args), r.stdout, r.stderr))
    return r.stdout


def show(device, visit):
    """(review state, open query) of a visit on a device, or None if absent."""
    r = subprocess.run([program('tests/ui/test-review-e2e-helper'), 'show', device.path, visit],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        return None
    first = r.stdout.splitlines()[0]
    state = first.split(' ', 1)[0].split('=', 1)[1]
    query = first.split('query=', 1)[1]
    return state, query


def received(device, visit):
    """{event id: when the co-op received it (ms, 0 = not yet)} for a visit's history."""
    r = subprocess.run([program('tests/ui/test-review-e2e-helper'), 'show', device.path, visit],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        return {}
    result = {}
    for line in r.stdout.splitlines():
        if line.startswith('received: '):
            event, ms = line.split(' ')[1:3]
            result[event] = int(ms)
    return result


def server_received(server, visit):
    """{event id: received} of the visit's records on the server, from its database."""
    return {row[0]: row[1] for row in server._query(
        "SELECT id, received FROM events WHERE device != 'coop' AND body LIKE ?",
        ('%' + visit + '%',))}


def sync(device):
    device.daemon.call('SyncNow')


def scenario_query_reaches_carer():
    world = World('review-e2e', connectivity='full')
    try:
        server = world.start_server()
        client = server.client('Maria Rossi')
        carer = server.member('Anna Bianchi', role='carer')
        supervisor = server.member('Sara Neri', role='supervisor')
        server.assign(client, carer)

        tablet = world.device('anna', carer).enrol(server)
        desk = world.device('sara', supervisor).enrol(server)
        tablet.daemon.start()
        desk.daemon.start()

        # The carer records a visit; it reaches the co-op and the desk.
        visit = tablet.check_in(client)
        tablet.check_out(visit)
        sync(tablet)
        wait_until('the visit on the server',
                   lambda: any(visit in row[6] for row in server.events().values()))
        sync(desk)
        wait_until('the visit on the supervisor\'s desk', lambda: show(desk, visit) is not None,
                   timeout=30)
        check(show(desk, visit)[0] == 'none', 'a new visit is not reviewed')

        # The sync timeline: the desk knows when the co-op received each of
        # the carer's records, exactly as the server stored it.
        on_server = server_received(server, visit)
        check(len(on_server) == 2 and all(ms > 0 for ms in on_server.values()),
              'the server stored a receive time for the check-in and check-out: %s' % on_server)
        on_desk = received(desk, visit)
        check(all(on_desk.get(event) == ms for event, ms in on_server.items()),
              'the desk shows when the co-op received the visit: %s, server %s'
              % (on_desk, on_server))
        # The carer's tablet learns it too, from the push answers ("q"):
        # its own records are never sent back to it.
        wait_until('the receive times on the tablet',
                   lambda: all(received(tablet, visit).get(event) == ms
                               for event, ms in on_server.items()), timeout=30)
        log('received by the co-op:', on_server)

        # The supervisor queries it.
        message = 'Please check the end time: the client says you left at 10:20'
        review = helper('query', desk.path, visit, message).strip()
        check(show(desk, visit) == ('queried', message), 'queried on the desk')
        sync(desk)
        wait_until('the query on the server',
                   lambda: any(review in row[6] for row in server.events().values()))

        # It appears on that visit on the carer's tablet.
        sync(tablet)
        wait_until('the query on the tablet',
                   lambda: show(tablet, visit) == ('queried', message), timeout=30)
        log('query on the tablet:', show(tablet, visit))

        # The carer's reply closes it, on the tablet and then on the desk.
        helper('answer', tablet.path, review, 'Checked: I left at 10:20, amending now')
        check(show(tablet, visit)[0] != 'queried', 'the reply closes the query on the tablet')
        sync(tablet)
        wait_until('the reply on the server', lambda: any(
            'query.answered' == row[5] for row in server.events().values()))
        sync(desk)
        wait_until('the query closed on the desk',
                   lambda: show(desk, visit) is not None and show(desk, visit)[0] != 'queried',
                   timeout=30)

        # A second query, closed this time by the carer's amendment.
        message = 'The start time looks late: please correct it'
        review = helper('query', desk.path, visit, message).strip()
        sync(desk)
        wait_until('the second query on the server',
                   lambda: any(review in row[6] for row in server.events().values()))
        sync(tablet)
        wait_until('the second query on the tablet',
                   lambda: show(tablet, visit) == ('queried', message), timeout=30)
        # Half an hour before the check-in, in the co-op's zone (the harness's
        # server is in Europe/London): before the check-out and never in the
        # future, which the store refuses.
        earlier = (datetime.datetime.now(ZoneInfo('Europe/London'))
                   - datetime.timedelta(minutes=30)).strftime('%Y-%m-%d %H:%M')
        tablet.cli('amend-visit', visit, 'check-in', earlier, '--reason',
                   'Checked in late on the tablet: I arrived at the usual time')
        check(show(tablet, visit)[0] != 'queried', 'the amendment closes the query on the tablet')
        sync(tablet)
        wait_until('the amendment on the server', lambda: any(
            row[5] == 'visit.amended' and visit in row[6] for row in server.events().values()))
        sync(desk)
        wait_until('the amendment closing the query on the desk',
                   lambda: show(desk, visit) is not None and show(desk, visit)[0] != 'queried',
                   timeout=30)
    except Exception:
        world.failed = True
        raise
    finally:
        world.close()


if __name__ == '__main__':
    print('1..1', flush=True)
    try:
        scenario_query_reaches_carer()
        print('ok 1 /ui/review/e2e/query-reaches-carer', flush=True)
        sys.exit(0)
    except Exception as e:  # noqa: BLE001
        import traceback
        traceback.print_exc(file=sys.stderr)
        print('not ok 1 /ui/review/e2e/query-reaches-carer: %s' % e, flush=True)
        sys.exit(1)
