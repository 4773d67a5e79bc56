#!/usr/bin/python3
# test_convergence.py: the randomised convergence run.
#
# Copyright 2026 The Carelog developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 3 to 5 carers' tablets and one supervisor's desktop, each with its own
# store and its own carelog-syncd, the real carelog-server behind the fault
# relay. Random care records are made with carelog-cli while random faults
# happen for real: daemons SIGKILLed and restarted, the server SIGKILLed and
# restarted, connections refused or dropped after the server committed,
# connectivity toggled (none, portal, limited, full, metered), a tablet's
# clock skewed (faketime). Then quiet: faults off, network up, everything
# running, until every device has nothing pending. Then:
#
# - the server holds exactly the union of the devices' records: every
#   record once, unchanged, dense sequence numbers per device; nothing
#   else from them;
# - each device's derived state (visits, notes, hours, reviews, roster) over
#   its scope equals the server's: a fresh "witness" device enrolled for the
#   same member downloads the server's view of that scope, and its derived
#   tables must equal the device's.
#
# Seeded and reproducible in its actions (the seed is printed at the start
# and on failure): CARELOG_CONVERGENCE_SEED=N to replay. The run is
# CARELOG_CONVERGENCE_PHASES (default 2) phases of CARELOG_CONVERGENCE_STEPS
# (default 400) random steps, each phase ended by a quiet period and the
# full check: about 30 s here, a minute on a loaded CI machine. Longer runs:
# raise either, or CARELOG_CONVERGENCE_ROUNDS=N to repeat with seeds seed,
# seed+1, ...
# CARELOG_CONVERGENCE_SERVERS=2 (with CARELOG_TEST_STORE=postgresql): two
# carelog-server processes on one database behind a balancing relay; a
# server fault kills one of them, so pushes die with it mid-way and the
# tablets carry on through the other.

import os
import random
import signal
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (World, Device, TestFailure, log, wait_until, BUILD)  # noqa: E402

DERIVED = {
    # table: (columns compared, order)
    'members': ('member, name, role, active', 'member'),
    'clients': ('client, name, address, active', 'client'),
    'careplans': ('client, tasks', 'client'),
    'assignments': ('client, carer, active', 'client, carer'),
    'schedules': ('schedule, client, carer, start, minutes, service, cancelled', 'schedule'),
    # flags bit 5 (clock warning) depends on the reading device's own clock offset.
    'visits': ('vkey, visit, schedule, client, carer, service, planned_start, planned_minutes, '
               'started_at, finished_at, recorded_started_at, recorded_finished_at, '
               'flags & ~32, review, open_query', 'vkey'),
    'notes': ('note, visit, client, category, text, retracted, author, created_at', 'visit, note'),
    'hours_entries': ('entry, carer, date, kind, minutes, comment', 'entry'),
    'reviews': ('review, action, visit, carer, week, message, author', 'review'),
}


def derived_state(path):
    db = sqlite3.connect('file:%s?mode=ro' % path, uri=True, timeout=10)
    try:
        return {t: db.execute('SELECT %s FROM %s ORDER BY %s' % (cols, t, order)).fetchall()
                for t, (cols, order) in DERIVED.items()}
    finally:
        db.close()


class Run:
    def __init__(self, seed, steps, phases, servers=1):
        self.n_servers = servers
        self.seed = seed
        self.steps = steps
        self.phases = phases
        self.rng = random.Random(seed)
        self.world = World('convergence', connectivity='full')
        self.made = 0
        self.faults = {}
        self.checks = 0

    def fault(self, name):
        self.faults[name] = self.faults.get(name, 0) + 1

    def setup(self):
        rng, world = self.rng, self.world
        server = self.server = world.start_server()
        self.servers = [server] + [server.alongside('coop%d' % i).start() for i in range(1, self.n_servers)]
        if self.n_servers > 1:
            world.proxy.upstreams = lambda: [s.port for s in self.servers if s.proc is not None]
        self.clients = [server.client('Client %d' % i, tasks=('t-1:Prompt medication:essential',
                                                             't-2:Prepare lunch'))
                        for i in range(4)]
        self.carers = []
        n = rng.randint(3, 5)
        env = {'CARELOG_SYNC_BACKOFF_MAX': '2', 'CARELOG_SYNC_PAGE': str(rng.choice((7, 50, 1000))),
               'CARELOG_SYNC_BATCH': str(rng.choice((5, 40, 1000)))}
        for i in range(n):
            member = server.member('Carer %d' % i)
            assigned = rng.sample(self.clients, 2)
            for c in assigned:
                server.assign(c, member)
            d = world.device('carer%d' % i, member, daemon_env=env)
            d.assigned = assigned
            d.open = []
            self.carers.append(d)
        self.supervisor = world.device('office', server.member('Sam Supervisor', 'supervisor'),
                                       daemon_env=env)
        self.supervisor.open = []
        self.devices = self.carers + [self.supervisor]
        for d in self.devices:
            d.enrol(server)
            d.daemon.start()
        log('seed %d: %d carers, 1 supervisor, %d steps, batch %s, page %s, %d server process(es)'
            % (self.seed, n, self.steps, env['CARELOG_SYNC_BATCH'], env['CARELOG_SYNC_PAGE'], self.n_servers))
        # Carers need their clients (with care plans) before visiting them.
        for d in self.carers:
            wait_until('%s has its clients' % d.name,
                       lambda d=d: len(d.store._query('SELECT client FROM clients')) >= 2,
                       timeout=20)

    # Actions ---------------------------------------------------------------
    def record(self):
        rng = self.rng
        d = rng.choice(self.devices)
        if d is self.supervisor:
            visits = [r[0] for r in d.store._query('SELECT visit FROM visits WHERE visit IS NOT NULL')]
            if visits and rng.random() < 0.7:
                r = d.cli('review', rng.choice(visits), rng.choice(('approve', 'flag', 'query')),
                          '--message', 'Please check the times.', check=False)
                self.made += r.returncode == 0
            return
        choice = rng.random()
        if d.open and choice < 0.55:
            visit, client = d.open[0]
            step = rng.random()
            if step < 0.3:
                r = d.cli('task', visit, 't-2', rng.choice(('done', 'not-done')), '--reason',
                          'Not hungry', check=False)
                self.made += r.returncode == 0
            elif step < 0.6:
                d.note(visit, 'Note %d: ate well, walked to the garden.' % rng.randint(1, 10 ** 6))
                self.made += 1
            else:
                r = d.cli('task', visit, 't-1', 'done', check=False)
                self.made += r.returncode == 0
                # Refused when a clock change put the check-out before the
                # check-in (the store says so); the visit then stays open.
                r = d.cli('check-out', visit, check=False)
                d.open.pop(0)
                self.made += r.returncode == 0
        elif choice < 0.85:
            client = rng.choice(d.assigned)
            d.open.append((d.check_in(client), client))
            self.made += 1
        else:
            d.hours(rng.randint(5, 90))
            self.made += 1

    def kill_daemon(self):
        d = self.rng.choice(self.devices)
        if d.daemon.alive():
            d.daemon.kill(self.rng.choice((signal.SIGKILL, signal.SIGKILL, signal.SIGTERM)))
            self.fault('daemon killed')
        else:
            d.daemon.start()

    def kill_server(self):
        server = self.rng.choice(self.servers)
        if server.proc is not None:
            server.stop(signal.SIGKILL)
            self.fault('server killed')
        else:
            server.start()

    def toggle_network(self):
        state = self.rng.choice(('none', 'portal', 'limited', 'full', 'full'))
        self.world.nm.set(state, metered=self.rng.random() < 0.2)
        self.fault('network ' + state)

    def toggle_drops(self):
        proxy = self.world.proxy
        if proxy.random_faults is None:
            proxy.random_faults = (random.Random(self.rng.random()), 0.3)
            self.fault('connections dropped')
        else:
            proxy.random_faults = None

    def skew_clock(self):
        d = self.rng.choice(self.carers)
        skew = self.rng.choice(('+1d', '-3h', '+10m', None))
        d.daemon.kill(signal.SIGKILL)
        d.faketime = skew
        d.daemon.faketime = skew
        d.daemon.start()
        self.fault('clock %s' % (skew or 'fixed'))

    def step(self):
        r = self.rng.random()
        if r < 0.70:
            self.record()
        elif r < 0.78:
            self.kill_daemon()
        elif r < 0.82:
            self.kill_server()
        elif r < 0.90:
            self.toggle_network()
        elif r < 0.95:
            self.toggle_drops()
        elif r < 0.97:
            self.skew_clock()
        else:
            # Let time pass (pacing only; nothing waits on it for correctness).
            time.sleep(self.rng.random() * 0.5)

    # Quiet and check -------------------------------------------------------
    def quiet(self):
        world = self.world
        world.proxy.random_faults = None
        for server in self.servers:
            if server.proc is None:
                server.start()
        world.nm.set('full', metered=False)
        for d in self.devices:
            if not d.daemon.alive():
                d.daemon.start()

        def settled():
            for d in self.devices:
                pending, synced, quarantined = d.store.counts()
                if pending or quarantined:
                    return False
                if d.daemon.prop('State') not in ('idle',):
                    return False
            return True
        t0 = time.monotonic()
        wait_until('every device has sent everything', settled, timeout=60)
        # Everything is on the server now; one more round each brings
        # everyone what the others sent last.
        for d in self.devices:
            before = d.daemon.prop('LastSync')
            d.daemon.call('SyncNow')
            wait_until('%s synced again' % d.name, lambda d=d, before=before:
                       d.daemon.prop('LastSync') > before and d.daemon.prop('State') == 'idle',
                       timeout=30)
        log('quiet after %.1f s' % (time.monotonic() - t0))

    def check(self):
        server = self.server
        everything = server.events()
        union = {}
        for d in self.devices:
            own = {k: v for k, v in d.store.events().items() if v[0] == d.device_id}
            union.update(own)
            remote = {k: v for k, v in everything.items() if v[0] == d.device_id}
            if set(own) != set(remote):
                raise TestFailure('%s: %d local records, %d on the server (missing %s, extra %s)'
                                  % (d.name, len(own), len(remote), sorted(set(own) - set(remote))[:3],
                                     sorted(set(remote) - set(own))[:3]))
            for k, v in own.items():
                if remote[k] != v:
                    raise TestFailure('%s: record %s changed on the way' % (d.name, k))
            seqs = sorted(v[1] for v in remote.values())
            if seqs != list(range(1, len(seqs) + 1)):
                raise TestFailure('%s: sequence numbers on the server are not dense' % d.name)
        device_records = {k: v for k, v in everything.items() if v[0] != 'coop'}
        if set(device_records) != set(union):
            raise TestFailure('the server holds %d device records, the devices %d'
                              % (len(device_records), len(union)))
        log('server holds exactly the union: %d records from %d devices'
            % (len(union), len(self.devices)))
        if self.n_servers > 1:
            used = self.world.proxy.connections
            if len(used) < 2:
                raise TestFailure('the relay used only one server process: %s' % used)
            log('connections per server process (by port, restarts change it): %s'
                % ', '.join(str(n) for n in sorted(used.values(), reverse=True)))

        # Each device's view equals the server's view of its scope.
        self.checks += 1
        for d in self.devices:
            witness = Device(self.world, '%s-witness%d' % (d.name, self.checks), d.member)
            witness.enrol(server)
            witness.cli('sync')
            mine, theirs = derived_state(d.path), derived_state(witness.path)
            for table in DERIVED:
                if mine[table] != theirs[table]:
                    a, b = set(mine[table]), set(theirs[table])
                    raise TestFailure('%s: %s differs from the server\'s view: only here %s, '
                                      'only on the server %s' % (d.name, table, sorted(a - b)[:3],
                                                                sorted(b - a)[:3]))
            scope = {k for k, v in d.store.events().items()}
            seen = {k for k, v in witness.store.events().items()}
            if scope != seen:
                raise TestFailure('%s: holds %d records, its scope on the server %d'
                                  % (d.name, len(scope), len(seen)))
        log('every device\'s derived state equals the server\'s')

    def run(self):
        try:
            self.setup()
            for phase in range(self.phases):
                for _ in range(self.steps):
                    self.step()
                log('phase %d: %d records made so far; faults: %s' % (phase + 1, self.made, ', '.join(
                    '%s x%d' % kv for kv in sorted(self.faults.items()))))
                self.quiet()
                self.check()
        except Exception:
            self.world.failed = True
            log('FAILED with seed %d (replay: CARELOG_CONVERGENCE_SEED=%d)' % (self.seed, self.seed))
            raise
        finally:
            for server in getattr(self, 'servers', [])[1:]:
                server.stop()
            self.world.close()


def main():
    missing = [p for p in ('sync/daemon/carelog-syncd', 'sync/server/carelog-server', 'app/carelog-cli')
               if not os.path.exists(os.path.join(BUILD, p))]
    if missing:
        print('1..0 # SKIP not built yet: %s' % ', '.join(missing))
        return 0
    seed = int(os.environ.get('CARELOG_CONVERGENCE_SEED') or random.SystemRandom().randrange(10 ** 6))
    steps = int(os.environ.get('CARELOG_CONVERGENCE_STEPS', '400'))
    phases = int(os.environ.get('CARELOG_CONVERGENCE_PHASES', '2'))
    rounds = int(os.environ.get('CARELOG_CONVERGENCE_ROUNDS', '1'))
    servers = int(os.environ.get('CARELOG_CONVERGENCE_SERVERS', '1'))
    print('1..%d' % rounds, flush=True)
    status = 0
    for i in range(rounds):
        s = seed + i
        start = time.monotonic()
        try:
            Run(s, steps, phases, servers).run()
            print('ok %d /daemon/convergence seed=%d # %.1f s' % (i + 1, s, time.monotonic() - start),
                  flush=True)
        except Exception as e:  # noqa: BLE001
            import traceback
            traceback.print_exc(file=sys.stderr)
            print('not ok %d /daemon/convergence seed=%d: %s' % (i + 1, s, e), flush=True)
            status = 1
    return status


if __name__ == '__main__':
    sys.exit(main())
