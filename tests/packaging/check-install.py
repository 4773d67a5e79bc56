#!/usr/bin/python3
# Checks that installing Carelog yields exactly the files a package expects.
#
#   check-install.py --source DIR --build DIR --prefix /app --list FILE \
#                    [--manifest FILE] [--stage]
#
# With --stage, a build configured for PREFIX (kept under the build directory
# so later runs are incremental) is really installed with `meson install
# --destdir` into a staging directory, the manifest's cleanup is applied, and
# what remains is compared with the list; then the exported files are checked
# the way flatpak build-finish will use them. Without --stage, the list is
# compared with what meson says it would install (meson introspect
# --installed), which needs no compilation.
#
# Copyright 2026 The Carelog developers
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import configparser
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

APP_ID = 'coop.carelog.Carelog'
failures = []


def fail(message):
    failures.append(message)
    print('not ok: ' + message)


def run(*argv, **kwargs):
    print('+ ' + ' '.join(argv), flush=True)
    result = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-4000:])
        sys.stdout.write(result.stderr[-4000:])
        print('not ok: %s failed with status %d' % (argv[0] + ' ' + argv[1], result.returncode))
        sys.exit(1)
    return result.stdout


def read_list(path):
    entries = []
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            words = line.split()
            flags = set(words[1:])
            unknown = flags - {'cleanup', 'optional'}
            if unknown:
                fail('%s:%d: unknown flag(s) %s' % (path, number, ' '.join(sorted(unknown))))
            entries.append((words[0], flags))
    return entries


def setup_build(args, stage_build):
    if not os.path.exists(os.path.join(stage_build, 'build.ninja')):
        run('meson', 'setup', '--prefix', args.prefix, '--buildtype=plain',
            '-Dfault_hooks=false', stage_build, args.source)
    else:
        # Reconfigure now if a meson.build changed, so that what meson
        # introspect says is current.
        run('ninja', '-C', stage_build, 'build.ninja')


def installed_by_introspection(stage_build):
    installed = json.loads(run('meson', 'introspect', '--installed', stage_build))
    return sorted(path.lstrip('/') for path in installed.values())


def installed_for_real(stage_build, root):
    installed = json.loads(run('meson', 'introspect', '--installed', stage_build))
    build_dir = os.path.realpath(stage_build)
    # Files made at configure time are not ninja targets; ask ninja which are.
    known = {line.split(':', 1)[0]
             for line in run('ninja', '-C', stage_build, '-t', 'targets', 'all').splitlines()}
    targets = sorted({os.path.relpath(src, build_dir) for src in installed
                      if os.path.realpath(src).startswith(build_dir + os.sep)} & known)
    # Build only what is installed (not the tests), then install it.
    if targets:
        run('ninja', '-C', stage_build, *targets)
    shutil.rmtree(root, ignore_errors=True)
    run('meson', 'install', '-C', stage_build, '--no-rebuild', '--quiet', '--destdir', root)
    found = []
    for directory, dirs, files in os.walk(root):
        for name in files:
            found.append(os.path.relpath(os.path.join(directory, name), root))
        for name in dirs:
            full = os.path.join(directory, name)
            if os.path.islink(full):
                found.append(os.path.relpath(full, root))
    return sorted(found)


def manifest_cleanup(manifest_path):
    """The cleanup patterns that apply to files the carelog module installs."""
    out = subprocess.run(['flatpak-builder', '--show-manifest', manifest_path],
                         capture_output=True, text=True, check=True).stdout
    manifest = json.loads(out)
    patterns = list(manifest.get('cleanup', []))
    for module in manifest.get('modules', []):
        if isinstance(module, dict) and module.get('name') == 'carelog':
            patterns += module.get('cleanup', [])
    return patterns


def removed_by_cleanup(path, prefix, patterns):
    """flatpak-builder semantics: "/x" is a path under the prefix (a whole
    directory when it is one), anything else a glob on the file name."""
    under = '/' + os.path.relpath('/' + path, prefix)
    for pattern in patterns:
        if pattern.startswith('/'):
            if fnmatch.fnmatch(under, pattern) or under.startswith(pattern.rstrip('/') + '/'):
                return True
        elif fnmatch.fnmatch(os.path.basename(path), pattern):
            return True
    return False


def compare(found, entries, list_path, shipped_only=None):
    matched = set()
    for pattern, flags in entries:
        hits = [path for path in found if fnmatch.fnmatchcase(path, pattern)]
        matched.update(hits)
        if not hits and 'optional' not in flags:
            fail('missing: %s is not installed (listed in %s)' % (pattern, list_path))
        if shipped_only is not None:
            for hit in hits:
                if 'cleanup' in flags and hit in shipped_only:
                    fail('%s is marked cleanup in %s but the manifest does not remove it' % (hit, list_path))
                if 'cleanup' not in flags and hit not in shipped_only:
                    fail('%s is removed by the manifest\'s cleanup but %s says it is shipped' % (hit, list_path))
    for path in found:
        if path not in matched:
            fail('unexpected: %s is installed but not listed in %s '
                 '(add it there, with a reason, or stop installing it)' % (path, list_path))


def desktop_entry(path):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(path, encoding='utf-8')
    return parser


def check_exports(root, prefix, shipped, optional):
    """What flatpak build-finish exports must be named after the app id and
    point at files that are really there (or listed as optional)."""
    share = prefix.lstrip('/') + '/share/'
    for path in shipped:
        for exported in ('applications/', 'metainfo/', 'icons/', 'dbus-1/services/'):
            if path.startswith(share + exported):
                if not os.path.basename(path).startswith(APP_ID):
                    fail('%s is exported by flatpak only if named after %s' % (path, APP_ID))

    def local(absolute):
        return os.path.join(root, absolute.lstrip('/'))

    def installed(absolute):
        if os.path.exists(local(absolute)):
            return True
        if any(fnmatch.fnmatchcase(absolute.lstrip('/'), p) for p in optional):
            print('note: %s is not built yet (optional in the list for now)' % absolute)
            return True
        return False

    desktop = os.path.join(root, share + 'applications/' + APP_ID + '.desktop')
    if os.path.exists(desktop):
        entry = desktop_entry(desktop)['Desktop Entry']
        command = entry.get('Exec', '').split()[0] if entry.get('Exec') else ''
        if not installed(prefix + '/bin/' + command):
            fail('the desktop file runs %r, which is not in %s/bin' % (command, prefix))
        if entry.get('Icon') != APP_ID:
            fail('the desktop file\'s Icon is %r, not %s' % (entry.get('Icon'), APP_ID))
        if 'X-Purism-FormFactor' not in entry:
            fail('the desktop file lacks the X-Purism-FormFactor hint for mobile shells')

    service_dir = os.path.join(root, share + 'dbus-1/services')
    services = sorted(os.listdir(service_dir)) if os.path.isdir(service_dir) else []
    if APP_ID + '.Sync.service' not in services:
        fail('no D-Bus activation file for %s.Sync' % APP_ID)
    for name in services:
        parser = desktop_entry(os.path.join(service_dir, name))
        section = parser['D-BUS Service'] if parser.has_section('D-BUS Service') else {}
        if section.get('Name') != name[:-len('.service')]:
            fail('%s: Name=%s must match the file name' % (name, section.get('Name')))
        executable = section.get('Exec', '').split()[0] if section.get('Exec') else ''
        if not executable.startswith(prefix + '/') or not installed(executable):
            fail('%s: Exec=%s is not an installed program under %s' % (name, executable, prefix))
        if prefix == '/app' and 'SystemdService' in section:
            fail('%s: SystemdService= makes no sense inside the Flatpak' % name)

    metainfo = os.path.join(root, share + 'metainfo/' + APP_ID + '.metainfo.xml')
    if os.path.exists(metainfo):
        component = ET.parse(metainfo).getroot()
        if component.findtext('id') != APP_ID:
            fail('the metainfo id is %r, not %s' % (component.findtext('id'), APP_ID))
        launchable = component.find('launchable')
        if launchable is None or launchable.text != APP_ID + '.desktop':
            fail('the metainfo must name %s.desktop as its launchable' % APP_ID)

    for icon in ('scalable/apps/' + APP_ID + '.svg', 'symbolic/apps/' + APP_ID + '-symbolic.svg'):
        path = os.path.join(root, share + 'icons/hicolor/' + icon)
        if os.path.exists(path):
            ET.parse(path)  # well-formed SVG, or this raises


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--source', required=True)
    parser.add_argument('--build', required=True)
    parser.add_argument('--prefix', required=True)
    parser.add_argument('--list', required=True)
    parser.add_argument('--manifest')
    parser.add_argument('--stage', action='store_true')
    args = parser.parse_args()

    name = args.prefix.strip('/').replace('/', '-') or 'root'
    stage = os.path.join(args.build, 'packaging-stage-' + name)
    stage_build = os.path.join(stage, 'build')
    root = os.path.join(stage, 'root')
    os.makedirs(stage, exist_ok=True)
    setup_build(args, stage_build)

    entries = read_list(args.list)
    if args.stage:
        found = installed_for_real(stage_build, root)
    else:
        found = installed_by_introspection(stage_build)

    shipped = found
    if args.manifest:
        patterns = manifest_cleanup(args.manifest)
        shipped = [path for path in found if not removed_by_cleanup(path, args.prefix, patterns)]
    compare(found, entries, args.list, shipped if args.manifest else None)
    if args.stage:
        optional = [pattern for pattern, flags in entries if 'optional' in flags]
        check_exports(root, args.prefix, shipped, optional)

    if failures:
        print('%d problem(s) with what meson installs for prefix %s' % (len(failures), args.prefix))
        sys.exit(1)
    print('ok: meson installs exactly the %d expected files for prefix %s' % (len(found), args.prefix))


main()
