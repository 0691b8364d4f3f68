#!/usr/bin/env python3
"""Puts Debian's static busybox into the initramfs staging tree: /bin/busybox (a copy of the
host's) and one symlink to it per applet (`busybox --list-full`), except where the tree already
has that name (our /sbin/init, our programs, files from EXTRA=). /bin/sh is the exception: it is
busybox's ash unless the tree holds a /bin/sh of its own that is not the link to our zero-sh.
Entries made here get busybox's mtime and the directories they go in keep theirs, so that the
archive does not change from one make to the next. Usage: stage_busybox.py STAGE_DIR [BUSYBOX]"""
import os
import shutil
import subprocess
import sys

TARGET = "/bin/busybox"
OWN_SHELL_LINK = "zero-sh"  # our shell's /bin/sh link, which busybox's ash replaces


def fail(msg):
    sys.exit(f"stage_busybox: {msg}")


def applets(busybox):
    try:
        out = subprocess.run([busybox, "--list-full"], check=True, capture_output=True,
                             text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        fail(f"cannot list {busybox}'s applets ({e}); tools/deps.sh installs busybox-static")
    names = sorted(set(out.split()))
    if "bin/sh" not in names:
        fail(f"{busybox} has no sh applet")
    return names


def exists(path):
    return os.path.lexists(path)


def replaceable_shell(path):
    return not exists(path) or (os.path.islink(path) and os.readlink(path) == OWN_SHELL_LINK)


def make_dirs(stage, rel, stamp, dir_times):
    """Creates the directories of rel under stage (0755). dir_times collects the mtime each
    directory touched here must end with: its own if it was there, else busybox's."""
    parts = rel.split("/")[:-1]
    for i in range(1, len(parts) + 1):
        d = os.path.join(stage, *parts[:i])
        if d in dir_times:
            continue
        if exists(d):
            dir_times[d] = os.stat(d).st_mtime_ns
        else:
            os.mkdir(d, 0o755)
            dir_times[d] = stamp


def link(stage, rel, stamp, dir_times):
    path = os.path.join(stage, rel)
    make_dirs(stage, rel, stamp, dir_times)
    if rel == "bin/sh" and exists(path):
        os.unlink(path)
    os.symlink(TARGET, path)
    os.utime(path, ns=(stamp, stamp), follow_symlinks=False)


def main():
    if len(sys.argv) not in (2, 3):
        fail("usage: stage_busybox.py STAGE_DIR [BUSYBOX]")
    stage = sys.argv[1]
    busybox = sys.argv[2] if len(sys.argv) == 3 else TARGET
    if not os.path.isdir(stage):
        fail(f"{stage} is not a directory")
    if not os.path.isfile(busybox):
        fail(f"no {busybox}: tools/deps.sh installs Debian's busybox-static")
    names = applets(busybox)
    stamp = os.stat(busybox).st_mtime_ns
    dest = os.path.join(stage, TARGET.lstrip("/"))
    if exists(dest):
        fail(f"{TARGET} is already in the tree")
    dir_times = {}
    make_dirs(stage, TARGET.lstrip("/"), stamp, dir_times)
    shutil.copy2(busybox, dest)
    for rel in names:
        path = os.path.join(stage, rel)
        if rel == "bin/sh" and replaceable_shell(path) or not exists(path):
            link(stage, rel, stamp, dir_times)
    for d, t in sorted(dir_times.items(), reverse=True):  # children before their parents
        os.utime(d, ns=(t, t))


if __name__ == "__main__":
    main()
