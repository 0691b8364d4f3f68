#!/usr/bin/env python3
"""Writes a cpio archive in the "newc" format (the Linux initramfs format) without needing root:
device nodes are described, not copied. Entries, in order:
    dir:PATH                 a directory (mode 0755)
    file:PATH=HOSTFILE       a regular file with HOSTFILE's contents and permission bits
    cdev:PATH=MAJOR,MINOR    a character device (mode 0600)
Usage: bench_cpio.py OUT.cpio ENTRY...   (timestamps are 0, so the output is reproducible)
"""
import os
import stat
import sys


def header(ino, mode, size, name, rmaj=0, rmin=0, nlink=1):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rmaj, rmin, len(name) + 1, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields)


def pad4(n):
    return b"\0" * (-n % 4)


def entry(ino, mode, name, data=b"", rmaj=0, rmin=0):
    name_b = name.encode()
    h = header(ino, mode, len(data), name_b, rmaj, rmin, 2 if stat.S_ISDIR(mode) else 1)
    rec = h + name_b + b"\0"
    rec += pad4(len(rec))
    rec += data + pad4(len(data))
    return rec


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = bytearray()
    ino = 1
    for spec in sys.argv[2:]:
        kind, _, rest = spec.partition(":")
        path, _, arg = rest.partition("=")
        path = path.lstrip("/")
        if kind == "dir":
            out += entry(ino, stat.S_IFDIR | 0o755, path)
        elif kind == "file":
            with open(arg, "rb") as f:
                data = f.read()
            perm = stat.S_IMODE(os.stat(arg).st_mode)
            out += entry(ino, stat.S_IFREG | perm, path, data)
        elif kind == "cdev":
            maj, mnr = (int(x) for x in arg.split(","))
            out += entry(ino, stat.S_IFCHR | 0o600, path, rmaj=maj, rmin=mnr)
        else:
            sys.exit(f"bench_cpio: bad entry {spec!r}")
        ino += 1
    out += entry(0, 0, "TRAILER!!!")
    out += b"\0" * (-len(out) % 512)
    tmp = sys.argv[1] + ".tmp"
    with open(tmp, "wb") as f:
        f.write(out)
    os.replace(tmp, sys.argv[1])


if __name__ == "__main__":
    main()
