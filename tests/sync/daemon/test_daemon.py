#!/usr/bin/python3
# test_daemon.py: carelog-syncd against the real carelog-server, with
# NetworkManager mocked on a private system bus. One scenario per argument.
#
# Copyright 2026 The Carelog developers
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (World, Store, TestFailure, log, wait_until, run_scenarios,  # noqa: E402
                     cursor_position)


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def scenario_service():
    """Not enrolled: owns its name, says so, exits cleanly on SIGTERM."""
    world = World('service')
    try:
        d = world.daemon(world.store_path('tablet')).start()
        check(d.prop('State') == 'not-enrolled', 'State is %s' % d.prop('State'))
        check(d.prop('RecordsPending') == 0, 'nothing pending')
        world.nm.set('full')
        # Nothing to do without an enrolment: still not enrolled, still alive.
        wait_until('still not enrolled', lambda: d.prop('State') == 'not-enrolled')
        code = d.kill(signal.SIGTERM)
        check(code == 0, 'exit status %s after SIGTERM' % code)
    except Exception:
        world.failed = True
        raise
    finally:
        world.close()


SCENARIOS = {
    'service': scenario_service,
}

if __name__ == '__main__':
    sys.exit(run_scenarios(SCENARIOS, sys.argv))
