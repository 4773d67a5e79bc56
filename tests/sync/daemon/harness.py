# harness.py: real processes for the sync daemon's tests.
#
# Copyright 2026 The Carelog developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Everything here is real: a private system bus with NetworkManager mocked by
# python-dbusmock's networkmanager template, a private session bus, the real
# carelog-server on 127.0.0.1 (port 0, plain HTTP on loopback), the real
# carelog-syncd processes and the real carelog-cli. Between the daemons and
# the server sits a small HTTP relay (FaultProxy) that counts requests and
# bytes and injects faults for real (a dropped connection, a response lost
# after the server committed, a request held while a process is killed).
#
# Waiting is always on a condition with a deadline (wait_until), never a
# fixed sleep.
#
# Runs with /usr/bin/python3 (Debian's, with python3-dbusmock).

import csv
import io
import json
import os
import random
import re
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

import dbus

BUILD = os.environ.get('CARELOG_BUILD_DIR') or os.path.abspath(
    os.path.join(os.path.dirname(__file__), '..', '..', '..', '_build'))

# Deadlines bound waiting; they stretch with the machine's load (a shared CI
# runner), or by CARELOG_TEST_SLOWDOWN.
SLOW = float(os.environ.get('CARELOG_TEST_SLOWDOWN') or
             max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1)))

NM_CONNECTIVITY = {'none': 1, 'portal': 2, 'limited': 3, 'full': 4}
NM_STATE = {'none': 20, 'portal': 70, 'limited': 60, 'full': 70}
NM_METERED_YES, NM_METERED_NO = 1, 2


class TestFailure(Exception):
    pass


def log(*args):
    print('#', *args, file=sys.stderr, flush=True)


def program(*candidates):
    for rel in candidates:
        path = os.path.join(BUILD, rel)
        if os.path.exists(path):
            return path
    raise TestFailure('not built: ' + ' or '.join(candidates))


def percentile(values, p):
    """The p-th percentile (nearest rank) of values: for the benchmarks."""
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100.0 * (len(values) - 1)))))
    return values[k]


def print_figure(name, values, unit, fmt='%.1f', width=52):
    """A benchmark's figure as a TAP comment: median and p99."""
    import statistics
    print(('# %-*s median ' + fmt + ' %s, p99 ' + fmt + ' %s (n=%d)')
          % (width, name, statistics.median(values), unit, percentile(values, 99), unit, len(values)), flush=True)


def wait_until(what, predicate, timeout=10.0, interval=0.02):
    """Polls predicate() until it returns a true value; fails after timeout."""
    deadline = time.monotonic() + timeout * SLOW
    last = None
    while True:
        try:
            value = predicate()
        except (sqlite3.OperationalError, dbus.exceptions.DBusException, OSError) as e:
            value, last = None, e
        if value:
            return value
        if time.monotonic() > deadline:
            raise TestFailure('timed out waiting for %s (%s)' % (what, last))
        time.sleep(interval)


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


# Buses and NetworkManager ---------------------------------------------------

class Bus:
    """A private dbus-daemon (session configuration)."""

    def __init__(self):
        r, w = os.pipe()
        self.proc = subprocess.Popen(['dbus-daemon', '--session', '--nofork', '--nopidfile',
                                      '--print-address=%d' % w], pass_fds=(w,),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        with os.fdopen(r) as f:
            self.address = f.readline().strip()
        if not self.address:
            raise TestFailure('dbus-daemon did not start')

    def connect(self):
        return dbus.bus.BusConnection(self.address)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


class NetworkManagerMock:
    def __init__(self, system_bus, connectivity='none', metered=False):
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=system_bus.address)
        self.proc = subprocess.Popen(['/usr/bin/python3', '-m', 'dbusmock', '--template',
                                      'networkmanager', '--system'], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.bus = system_bus.connect()
        wait_until('NetworkManager mock', lambda: self.bus.name_has_owner(
            'org.freedesktop.NetworkManager'))
        obj = self.bus.get_object('org.freedesktop.NetworkManager', '/org/freedesktop/NetworkManager')
        self.mock = dbus.Interface(obj, 'org.freedesktop.DBus.Mock')
        self.mock.AddProperty('org.freedesktop.NetworkManager', 'Metered',
                              dbus.UInt32(NM_METERED_YES if metered else NM_METERED_NO))
        self.set(connectivity)

    def set(self, connectivity, metered=None):
        if metered is not None:
            self.mock.SetProperty('/org/freedesktop/NetworkManager', 'org.freedesktop.NetworkManager',
                                  'Metered', dbus.UInt32(NM_METERED_YES if metered else NM_METERED_NO,
                                                         variant_level=1))
        self.mock.SetGlobalConnectionState(dbus.UInt32(NM_STATE[connectivity]))
        self.mock.SetConnectivity(dbus.UInt32(NM_CONNECTIVITY[connectivity]))
        self.connectivity = connectivity

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


# The relay between daemons and server --------------------------------------

class FaultProxy:
    """An HTTP/1.1 relay on 127.0.0.1 that understands just enough HTTP to
    count requests and bytes and to inject faults per request.

    fault(path) is asked for each request and returns None (pass), 'refuse'
    (close before forwarding), 'drop-response' (forward, let the server
    commit, then close without answering) or 'hold' (forward, keep the
    response until release())."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        # A load balancer's part (docs/deployment.md): a function giving the
        # ports of several servers; each connection goes to the next one
        # that accepts it, as a balancer with health checks would.
        self.upstreams = None
        self.turn = 0
        self.connections = {}       # upstream port -> connections made to it
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        self.requests = []          # (monotonic time, path, request bytes, response bytes, outcome)
        self.faults = {}            # path -> list of pending faults
        self.default_fault = None   # applied when no queued fault (e.g. 'refuse')
        self.random_faults = None   # (rng, probability) for the randomised run
        self.held = []
        self.statuses = []          # (monotonic time, path, HTTP status, Retry-After or None, answered at)
        self.versions = []          # (device or None, path, Carelog-Protocol of the request)
        self.release_event = threading.Event()
        self.closed = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    # Test API
    def queue_fault(self, path, fault):
        with self.lock:
            self.faults.setdefault(path, []).append(fault)

    def release(self):
        self.release_event.set()

    def count(self, path=None, outcome='ok'):
        with self.lock:
            return sum(1 for r in self.requests
                       if (path is None or r[1] == path) and (outcome is None or r[4] == outcome))

    def first_request_after(self, t0):
        with self.lock:
            times = [r[0] for r in self.requests if r[0] >= t0]
        return min(times) if times else None

    def bytes(self, since=0):
        with self.lock:
            return sum(r[2] + r[3] for r in self.requests if r[0] >= since)

    def reset_stats(self):
        with self.lock:
            self.requests = []

    def close(self):
        self.closed = True
        self.release_event.set()
        try:
            self.sock.close()
        except OSError:
            pass

    # Internals
    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _connect_upstream(self):
        ports = [p for p in self.upstreams() if p] if self.upstreams else [self.upstream_port]
        with self.lock:
            self.turn += 1
            turn = self.turn
        for k in range(len(ports)):
            port = ports[(turn + k) % len(ports)]
            try:
                upstream = socket.create_connection(('127.0.0.1', port))
            except OSError:
                continue
            with self.lock:
                self.connections[port] = self.connections.get(port, 0) + 1
            return upstream
        return None

    def _next_fault(self, path):
        with self.lock:
            queue = self.faults.get(path)
            if queue:
                return queue.pop(0)
            if self.random_faults is not None:
                rng, p = self.random_faults
                if rng.random() < p:
                    return rng.choice(['refuse', 'drop-response'])
            return self.default_fault

    @staticmethod
    def _read_message(f, is_response):
        head = b''
        while True:
            line = f.readline(65536)
            if not line:
                return None
            head += line
            if line in (b'\r\n', b'\n'):
                break
        body = b''
        lines = head.decode('latin-1').split('\r\n')
        headers = {}
        for line in lines[1:]:
            if ':' in line:
                k, v = line.split(':', 1)
                headers[k.strip().lower()] = v.strip()
        if headers.get('transfer-encoding', '').lower() == 'chunked':
            raw = b''
            while True:
                size_line = f.readline()
                raw += size_line
                size = int(size_line.split(b';')[0], 16)
                chunk = f.read(size + 2)
                raw += chunk
                if size == 0:
                    break
            body = raw
        elif 'content-length' in headers:
            body = f.read(int(headers['content-length']))
        return head, body, lines[0]

    def _serve(self, client):
        upstream = None
        cf = client.makefile('rb')
        try:
            while True:
                msg = self._read_message(cf, False)
                if msg is None:
                    return
                head, body, request_line = msg
                parts = request_line.split(' ')
                path = parts[1] if len(parts) > 1 else '?'
                fault = self._next_fault(path)
                now = time.monotonic()
                version = re.search(rb'(?im)^carelog-protocol:\s*(\S+)', head)
                device = re.search(rb'(?im)^authorization:\s*carelog\s+([^:\s]+):', head)
                with self.lock:
                    self.versions.append((device.group(1).decode() if device else None, path,
                                          version.group(1).decode() if version else None))
                if fault == 'portal':
                    page = b'<html><body>Welcome! Please sign in to use the Wi-Fi.</body></html>'
                    client.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n'
                                   b'Content-Length: %d\r\n\r\n' % len(page) + page)
                    with self.lock:
                        self.requests.append((now, path, len(head) + len(body), len(page), 'portal'))
                    continue
                if fault == 'refuse':
                    with self.lock:
                        self.requests.append((now, path, len(head) + len(body), 0, 'refused'))
                    return
                if upstream is None:
                    upstream = self._connect_upstream()
                    if upstream is None:
                        with self.lock:
                            self.requests.append((now, path, len(head) + len(body), 0, 'down'))
                        return
                    uf = upstream.makefile('rb')
                upstream.sendall(head + body)
                resp = self._read_message(uf, True)
                if resp is None:
                    with self.lock:
                        self.requests.append((now, path, len(head) + len(body), 0, 'down'))
                    return
                rhead, rbody, status_line = resp
                retry = re.search(rb'(?im)^retry-after:\s*(\d+)', rhead)
                with self.lock:
                    self.statuses.append((now, path, int(status_line.split(' ')[1]),
                                          int(retry.group(1)) if retry else None, time.monotonic()))
                if fault == 'drop-response':
                    with self.lock:
                        self.requests.append((now, path, len(head) + len(body), 0, 'dropped'))
                    return
                if fault == 'hold':
                    with self.lock:
                        self.held.append(path)
                    self.release_event.wait()
                    self.release_event.clear()
                    with self.lock:
                        self.held.remove(path)
                try:
                    client.sendall(rhead + rbody)
                except OSError:
                    return
                with self.lock:
                    self.requests.append((now, path, len(head) + len(body),
                                          len(rhead) + len(rbody), 'ok'))
        except (OSError, ValueError):
            return
        finally:
            client.close()
            if upstream is not None:
                upstream.close()


# The daemon --------------------------------------------------------------------

SYNC_IFACE = 'coop.carelog.Carelog.Sync'
SYNC_PATH = '/coop/carelog/Carelog/Sync'


class Daemon:
    """One carelog-syncd process serving one store, on the world's buses."""

    instances = 0

    def __init__(self, world, profile, bus_name=None, env=None, faketime=None):
        Daemon.instances += 1
        self.world = world
        self.profile = profile
        self.bus_name = bus_name or '%s.Test%d' % (SYNC_IFACE, Daemon.instances)
        self.extra_env = dict(env or {})
        self.faketime = faketime
        self.proc = None
        self.log_path = os.path.join(world.tmp, 'syncd-%d.log' % Daemon.instances)
        self.starts = 0

    def environment(self):
        env = dict(os.environ)
        env.update(self.world.env)
        env.update({'G_MESSAGES_DEBUG': 'carelog-syncd', 'CARELOG_KEY_STORE': 'file'})
        env.update(self.extra_env)
        if self.faketime:
            env.update({'FAKETIME': self.faketime, 'FAKETIME_DONT_FAKE_MONOTONIC': '1',
                        'FAKETIME_NO_CACHE': '1',
                        'LD_PRELOAD': faketime_library()})
        return env

    def start(self, wait=True):
        self.starts += 1
        log_file = open(self.log_path, 'a')
        log_file.write('--- start %d\n' % self.starts)
        log_file.flush()
        self.proc = subprocess.Popen([program('sync/daemon/carelog-syncd'), '--profile', self.profile,
                                      '--bus-name', self.bus_name],
                                     env=self.environment(), stdout=log_file, stderr=log_file)
        log_file.close()
        if wait:
            wait_until('%s on the bus' % self.bus_name,
                       lambda: self.world.session.name_has_owner(self.bus_name)
                       and self.prop('State') != '')
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig=signal.SIGKILL):
        if self.alive():
            self.proc.send_signal(sig)
            self.proc.wait()
        code = self.proc.returncode if self.proc else None
        self.proc = None
        return code

    def _obj(self):
        return self.world.session.get_object(self.bus_name, SYNC_PATH)

    def prop(self, name):
        return dbus.Interface(self._obj(), 'org.freedesktop.DBus.Properties').Get(SYNC_IFACE, name)

    def props(self):
        return dbus.Interface(self._obj(), 'org.freedesktop.DBus.Properties').GetAll(SYNC_IFACE)

    def call(self, method, *args, timeout=30):
        return getattr(dbus.Interface(self._obj(), SYNC_IFACE), method)(*args, timeout=timeout)

    def log(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except OSError:
            return ''


def faketime_library():
    for path in ('/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
                 '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1',
                 '/usr/lib/faketime/libfaketime.so.1'):
        if os.path.exists(path):
            return path
    raise TestFailure('libfaketime is not installed (Debian package faketime)')


# A local store, read directly (tests only look; they never write) ------------

class Store:
    def __init__(self, path):
        self.path = path

    def _query(self, sql, args=()):
        db = sqlite3.connect('file:%s?mode=ro' % self.path, uri=True, timeout=5)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    def meta(self, key):
        rows = self._query('SELECT value FROM meta WHERE key = ?', (key,))
        return rows[0][0] if rows else None

    def events(self):
        """{id: (device, seq, author, hlc, wall, type, body)}"""
        return {r[0]: tuple(r[1:8]) for r in self._query(
            'SELECT id, device, seq, author, hlc, wall, type, body FROM events')}

    def own_events(self):
        device = self.meta('device')
        return {r[0]: r[1:] for r in self._query(
            'SELECT id, seq, sync, sync_reason FROM events WHERE device = ?', (device,))}

    def counts(self):
        """(pending, synced, quarantined) of this device's own records."""
        device = self.meta('device')
        rows = dict(self._query('SELECT sync, count(*) FROM events WHERE device = ? GROUP BY sync',
                                (device,)))
        return rows.get(0, 0), rows.get(1, 0), rows.get(2, 0)

    def cursor(self):
        for key in ('pull_cursor', 'cursor'):
            value = self.meta(key)
            if value is not None:
                return value
        return ''


def cursor_position(cursor):
    """The position inside the server's cursor "<v>.<epoch>.<pos>.<scope>"
    (opaque to the daemon; the tests read it only to check it never moves
    backwards)."""
    if not cursor:
        return (None, 0)
    parts = cursor.split('.')
    try:
        return (parts[1], int(parts[2]))
    except (IndexError, ValueError):
        return (cursor, 0)


# The co-op server -----------------------------------------------------------------

# CARELOG_TEST_STORE=postgresql: each Server's co-op in PostgreSQL, in a
# throwaway cluster of its own (docs/deployment.md, "When one machine is not
# enough").
ON_POSTGRESQL = os.environ.get('CARELOG_TEST_STORE') == 'postgresql'


class PgCluster:
    """A throwaway PostgreSQL cluster with one database per name
    (tests/sync/server/pg-cluster-run): stopped when closed, or when this
    process dies (its standard input ends)."""

    def __init__(self, *names):
        self.proc = subprocess.Popen([program('tests/sync/server/pg-cluster-run')] + list(names),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.urls = [self.proc.stdout.readline().strip() for _ in names]
        if not all(self.urls):
            raise TestFailure('the PostgreSQL cluster did not start')

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait()


def _psql_value(text):
    """psql --csv gives text; numbers come back as numbers, as from SQLite."""
    if text == '':
        return None
    return int(text) if re.fullmatch(r'-?\d+', text) else text


class Server:
    """carelog-server on 127.0.0.1, port 0, plain HTTP (loopback only)."""

    def __init__(self, world, name='coop'):
        self.world = world
        self.dir = os.path.join(world.tmp, 'server-' + name)
        self.proc = None
        self.port = None
        self.log_path = os.path.join(world.tmp, 'server-%s.log' % name)
        self.ids = 0
        self.pg = None
        if ON_POSTGRESQL:
            self.pg = PgCluster('coop')
            self.run('init', '--timezone', 'Europe/London', '--store', self.pg.urls[0])
        else:
            self.run('init', '--timezone', 'Europe/London')

    def run(self, command, *args, check=True):
        """carelog-server COMMAND [SUB] DIR ARGS...: the data directory comes
        after the command (and its sub-command)."""
        words = command.split()
        args = words + [self.dir] + list(args)
        r = subprocess.run([program('sync/server/carelog-server')] + args,
                           env=dict(os.environ, **self.world.env), capture_output=True, text=True,
                           timeout=60)
        if check and r.returncode != 0:
            raise TestFailure('carelog-server %s: %s%s' % (' '.join(args), r.stdout, r.stderr))
        return r.stdout

    def start(self, extra_env=None, rate='1000', burst='2000', tls=None, extra_args=()):
        """tls: (certificate PEM, key PEM) to serve HTTPS; plain HTTP otherwise."""
        log_file = open(self.log_path, 'a')
        env = dict(os.environ, **self.world.env)
        env.update(extra_env or {})
        self.proc = subprocess.Popen([program('sync/server/carelog-server'), 'serve', self.dir,
                                      '--listen', '127.0.0.1:0'] +
                                     (['--cert', tls[0], '--key', tls[1]] if tls else ['--insecure-http']) +
                                     ['--rate', rate, '--burst', burst] + list(extra_args),
                                     env=env, stdout=subprocess.PIPE, stderr=log_file, text=True)
        log_file.close()
        self.port = None
        deadline = time.monotonic() + 20 * SLOW
        while self.port is None:
            line = self.proc.stdout.readline()
            if not line:
                raise TestFailure('carelog-server did not start: see ' + self.log_path)
            m = re.search(r'https?://127\.0\.0\.1:(\d+)', line)
            if m:
                self.port = int(m.group(1))
            if time.monotonic() > deadline:
                raise TestFailure('carelog-server did not say where it listens')
        # Keep draining its standard output.
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        if self.world.proxy is not None:
            self.world.proxy.upstream_port = self.port
        return self

    def stop(self, sig=signal.SIGTERM):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait()
        self.proc = None

    # Administration
    def _id(self, prefix):
        self.ids += 1
        return '%s-%d' % (prefix, self.ids)

    def member(self, name, role='carer'):
        member = self._id('m')
        self.run('member add', member, '--name', name, '--role', role)
        return member

    def client(self, name, tasks=()):
        client = self._id('c')
        args = []
        for t in tasks:
            args += ['--task', t]
        self.run('client add', client, '--name', name, '--address', '1 Test Street', *args)
        return client

    def assign(self, client, carer, remove=False):
        self.run('assign', client, carer, *(['--remove'] if remove else []))

    def enrolment_line(self, member):
        out = self.run('device enrol', member)
        line = re.search(r'(carelog:1:\S+)', out).group(1)
        if self.world.proxy is not None:
            # Devices talk to the server through the relay.
            line = re.sub(r'http://127\.0\.0\.1:\d+', 'http://127.0.0.1:%d' % self.world.proxy.port, line)
        return line

    def alongside(self, name):
        """Another carelog-server serve process for the same co-op (same data
        directory and PostgreSQL database): several processes behind a load
        balancer."""
        other = Server.__new__(Server)
        other.world = self.world
        other.dir = self.dir
        other.proc = None
        other.port = None
        other.log_path = os.path.join(self.world.tmp, 'server-%s.log' % name)
        other.ids = 1000000
        other.pg = None
        return other

    def backup(self, path):
        self.run('backup', path)

    def restore(self, path):
        self.run('restore', path)

    def close(self):
        self.stop()
        if self.pg is not None:
            self.pg.close()

    # What the server holds, read directly from its database (read-only)
    def _query(self, sql, args=()):
        if self.pg is not None:
            # Parameters as psql variables, quoted by psql (:'pN').
            n = iter(range(1, len(args) + 1))
            text = re.sub(r'\?', lambda m: ":'p%d'" % next(n), sql)
            variables = []
            for i, a in enumerate(args):
                variables += ['-v', 'p%d=%s' % (i + 1, a)]
            r = subprocess.run(['psql', '-X', '-q', '--csv', '-t', '-d', self.pg.urls[0]] + variables,
                               input=text, capture_output=True, text=True, timeout=60)
            if r.returncode != 0:
                raise TestFailure('psql: %s' % r.stderr)
            return [tuple(_psql_value(v) for v in row) for row in csv.reader(io.StringIO(r.stdout))]
        db = sqlite3.connect('file:%s?mode=ro' % os.path.join(self.dir, 'carelog.db'), uri=True,
                             timeout=5)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    def events(self, device=None):
        """{id: (device, seq, author, hlc, wall, type, body)}; raises on a duplicate id."""
        sql = 'SELECT id, device, seq, author, hlc, wall, type, body FROM events'
        rows = self._query(sql + (' WHERE device = ?' if device else ''), (device,) if device else ())
        result = {}
        for r in rows:
            if r[0] in result:
                raise TestFailure('duplicate record %s on the server' % r[0])
            result[r[0]] = tuple(r[1:])
        return result

    def count(self, device):
        return self._query('SELECT count(*), count(DISTINCT id) FROM events WHERE device = ?',
                           (device,))[0]


class Device:
    """A tablet: a profile (its own store), enrolled for a member, its daemon."""

    def __init__(self, world, name, member, daemon_env=None, faketime=None):
        self.world = world
        self.name = name
        self.member = member
        self.faketime = faketime
        self.path = os.path.join(world.env['CARELOG_DATA_DIR'], 'profiles', name, 'carelog.db')
        self.store = Store(self.path)
        env = {'CARELOG_SYNC_BACKOFF_MAX': '3'}
        env.update(daemon_env or {})
        self.daemon = world.daemon(name, env=env, faketime=faketime)
        self.visits = []

    def cli(self, *args, check=True):
        env = dict(os.environ, **self.world.env)
        env['CARELOG_KEY_STORE'] = 'file'
        env['CARELOG_BUILD_DIR'] = BUILD
        if self.faketime:
            env.update({'FAKETIME': self.faketime, 'FAKETIME_DONT_FAKE_MONOTONIC': '1',
                        'LD_PRELOAD': faketime_library()})
        words = list(args)
        flags = [w for w in words[:1] if w == '--json']
        r = subprocess.run([program('app/carelog-cli'), '--profile=' + self.name] + flags
                           + words[len(flags):], env=env, capture_output=True, text=True, timeout=60)
        if check and r.returncode != 0:
            raise TestFailure('carelog-cli %s: %s%s' % (' '.join(args), r.stdout, r.stderr))
        return r

    def enrol(self, server):
        self.cli('enrol', server.enrolment_line(self.member))
        self.device_id = self.store.meta('device')
        return self

    # Care records, through the command-line tool
    def check_in(self, client):
        out = self.cli('--json', 'check-in', client).stdout
        visit = json.loads(out)['visit']
        self.visits.append(visit)
        return visit

    def note(self, visit, text='Ate well and was cheerful.'):
        self.cli('note', visit, 'wellbeing', text)

    def check_out(self, visit):
        self.cli('check-out', visit)

    def hours(self, minutes=30):
        self.cli('hours', 'travel', str(minutes))

    def make_records(self, n, client):
        """n records: visits of check-in, note, check-out."""
        made = 0
        while made < n:
            visit = self.check_in(client)
            made += 1
            if made < n:
                self.note(visit)
                made += 1
            if made < n:
                self.check_out(visit)
                made += 1
        return made


# The world: buses, NetworkManager, server, relay ------------------------------

class World:
    def __init__(self, name, connectivity='none', metered=False):
        self.tmp = tempfile.mkdtemp(prefix='carelog-daemon-%s-' % name)
        self.system = Bus()
        self.session_bus = Bus()
        self.session = self.session_bus.connect()
        self.env = {'DBUS_SYSTEM_BUS_ADDRESS': self.system.address,
                    'DBUS_SESSION_BUS_ADDRESS': self.session_bus.address,
                    'CARELOG_DATA_DIR': os.path.join(self.tmp, 'data'),
                    'XDG_DATA_HOME': os.path.join(self.tmp, 'xdg-data'),
                    'HOME': self.tmp}
        self.nm = NetworkManagerMock(self.system, connectivity, metered)
        self.daemons = []
        self.server = None
        self.proxy = None
        self.failed = False

    def start_server(self, proxy=True):
        self.server = Server(self)
        self.server.start()
        if proxy:
            self.proxy = FaultProxy(self.server.port)
        return self.server

    def device(self, name, member, **kwargs):
        return Device(self, name, member, **kwargs)

    def daemon(self, profile, **kwargs):
        d = Daemon(self, profile, **kwargs)
        self.daemons.append(d)
        return d

    def close(self):
        for d in self.daemons:
            d.kill(signal.SIGTERM)
        if self.proxy:
            self.proxy.close()
        if self.server:
            self.server.close()
        if self.nm.proc.poll() is None:
            self.nm.stop()
        self.session_bus.stop()
        self.system.stop()
        if self.failed or os.environ.get('CARELOG_KEEP_TEST_DIR'):
            log('test files kept in', self.tmp)
            for d in self.daemons:
                log('--- daemon log', d.log_path)
                for line in d.log().splitlines()[-60:]:
                    log(line)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def run_scenarios(scenarios, argv):
    """TAP runner: each scenario gets a fresh World."""
    names = argv[1:] or list(scenarios)
    missing = [p for p in ('sync/daemon/carelog-syncd', 'sync/server/carelog-server', 'app/carelog-cli')
               if not os.path.exists(os.path.join(BUILD, p))]
    if missing:
        print('1..0 # SKIP not built yet: %s' % ', '.join(missing), flush=True)
        return 0
    print('1..%d' % len(names), flush=True)
    status = 0
    for i, name in enumerate(names, 1):
        start = time.monotonic()
        try:
            scenarios[name]()
            print('ok %d /daemon/%s # %.1f s' % (i, name, time.monotonic() - start), flush=True)
        except Exception as e:  # noqa: BLE001 (report every failure as TAP)
            import traceback
            traceback.print_exc(file=sys.stderr)
            print('not ok %d /daemon/%s: %s' % (i, name, e), flush=True)
            status = 1
    return status
