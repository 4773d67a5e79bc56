#!/usr/bin/python3
# Checks the Flatpak manifest offline: flatpak-builder parses it without a
# warning (--show-manifest), and what it says matches what Carelog needs.
# The runtime is not reachable here, so the build itself is not run.
#
# Usage: check-manifest.py MANIFEST APP_ID
#
# Copyright 2026 The Carelog developers
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import re
import subprocess
import sys

# Each of these, and nothing else; the manifest justifies each in a comment.
EXPECTED_FINISH_ARGS = {
    '--share=network',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--share=ipc',
    '--device=dri',
    '--system-talk-name=org.freedesktop.NetworkManager',
}
KNOWN_BUILDSYSTEMS = {'meson', 'autotools', 'cmake', 'cmake-ninja', 'simple', 'qmake'}

failures = []


def fail(message):
    failures.append(message)
    print('not ok: ' + message)


def check_comments(text):
    """Every group of finish-args lines is preceded by a comment line."""
    lines = text.splitlines()
    try:
        start = lines.index('finish-args:')
    except ValueError:
        fail('the manifest has no top-level "finish-args:" list')
        return
    previous = ''
    for line in lines[start + 1:]:
        if line and not line.startswith(' '):
            break
        stripped = line.strip()
        if stripped.startswith('- --'):
            if not (previous.startswith('#') or previous.startswith('- --')):
                fail('finish-arg %s has no comment justifying it just above it' % stripped[2:])
        if stripped:
            previous = stripped


def main():
    manifest_path, app_id = sys.argv[1], sys.argv[2]
    run = subprocess.run(['flatpak-builder', '--show-manifest', manifest_path],
                         capture_output=True, text=True)
    if run.returncode != 0:
        fail('flatpak-builder --show-manifest failed (%d): %s' % (run.returncode, run.stderr.strip()))
        return
    if 'WARNING' in run.stderr or 'CRITICAL' in run.stderr:
        fail('flatpak-builder warned about the manifest: %s' % run.stderr.strip())
    manifest = json.loads(run.stdout)
    with open(manifest_path, encoding='utf-8') as f:
        check_comments(f.read())

    if manifest.get('id', manifest.get('app-id')) != app_id:
        fail('the manifest id is %r, not %r' % (manifest.get('id'), app_id))
    if manifest.get('runtime') != 'org.gnome.Platform' or manifest.get('sdk') != 'org.gnome.Sdk':
        fail('the runtime must be org.gnome.Platform with org.gnome.Sdk')
    version = str(manifest.get('runtime-version', ''))
    if not re.fullmatch(r'\d+', version) or int(version) < 49:
        fail('runtime-version %r is not a current GNOME runtime (49 or later)' % version)
    if manifest.get('command') != 'carelog':
        fail('the command must be carelog, not %r' % manifest.get('command'))

    args = manifest.get('finish-args', [])
    if len(args) != len(set(args)):
        fail('finish-args has duplicates: %s' % args)
    for arg in sorted(set(args) - EXPECTED_FINISH_ARGS):
        fail('unexpected finish-arg %s (widen EXPECTED_FINISH_ARGS only with a reason)' % arg)
    for arg in sorted(EXPECTED_FINISH_ARGS - set(args)):
        fail('missing finish-arg %s' % arg)

    modules = manifest.get('modules', [])
    names = [m.get('name') if isinstance(m, dict) else m for m in modules]
    for module in modules:
        if not isinstance(module, dict):
            fail('module %r is an external file; keep the manifest self-contained' % module)
            continue
        if module.get('buildsystem', 'autotools') not in KNOWN_BUILDSYSTEMS:
            fail('module %s has an unknown buildsystem %r' % (module.get('name'), module.get('buildsystem')))
        for source in module.get('sources', []):
            if source.get('type') in ('archive', 'file') and not source.get('sha256'):
                fail('module %s: %s source without sha256' % (module.get('name'), source.get('type')))
            if source.get('type') == 'git' and not (source.get('tag') or source.get('commit') or source.get('branch')):
                fail('module %s: git source without a tag or commit' % module.get('name'))
    if not names or names[-1] != 'carelog':
        fail('the last module must be carelog (the app), modules are %s' % names)
    else:
        app = modules[-1]
        if app.get('buildsystem') != 'meson':
            fail('the carelog module must use meson')
        sources = app.get('sources', [])
        if not any(s.get('type') == 'dir' and s.get('path') == '..' for s in sources):
            fail('the carelog module must build this repository (type: dir, path: ..)')
        if '-Dfault_hooks=false' not in app.get('config-opts', []):
            fail('the carelog module must switch off the test-only fault hooks')
    if 'libnm' not in names:
        fail('libnm (not in the GNOME runtime) must be built by the manifest')
    else:
        libnm = modules[names.index('libnm')]
        opts = libnm.get('config-opts', [])
        for off in ('-Dnmcli=false', '-Dnmtui=false', '-Dintrospection=false',
                    '-Dppp=false', '-Dmodem_manager=false', '-Dtests=no', '-Ddocs=false'):
            if off not in opts:
                fail('libnm must be built with %s (only the library is wanted)' % off)
    for in_runtime in ('json-glib', 'libsoup', 'sqlite', 'libsecret', 'libportal', 'gtk', 'libadwaita'):
        if in_runtime in names:
            fail('%s is in the GNOME runtime; do not build it again' % in_runtime)


main()
if failures:
    print('%d problem(s) with the Flatpak manifest' % len(failures))
    sys.exit(1)
print('ok: the Flatpak manifest parses and says what Carelog needs')
