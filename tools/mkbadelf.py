#!/usr/bin/env python3
"""Writes hostile ELF files for the exec tests (tests/user/exec.c), derived from a good static
executable: each must be refused by execve with ENOEXEC while the caller carries on.
Usage: mkbadelf.py GOOD_ELF OUTDIR"""
import os
import struct
import sys

good_path, out = sys.argv[1], sys.argv[2]
good = open(good_path, "rb").read()
os.makedirs(out, exist_ok=True)

E_PHOFF, E_PHNUM, E_ENTRY = 32, 56, 24
PH_SIZE = 56
phoff = struct.unpack_from("<Q", good, E_PHOFF)[0]
phnum = struct.unpack_from("<H", good, E_PHNUM)[0]


def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def first_load():
    for i in range(phnum):
        off = phoff + i * PH_SIZE
        if struct.unpack_from("<I", good, off)[0] == 1:  # PT_LOAD
            return off
    sys.exit("mkbadelf: no PT_LOAD")


# Cut short inside the first page: segments run past the end of the file.
write("bad_trunc", good[:300])
# The ELF magic followed by garbage (deterministic, so failures reproduce).
write("bad_garbage", b"\x7fELF" + bytes((i * 73 + 11) & 0xff for i in range(4092)))
# A loadable segment both writable and executable (W^X).
b = bytearray(good)
struct.pack_into("<I", b, first_load() + 4, 7)  # p_flags = R|W|X
write("bad_wx", bytes(b))
# A segment in the kernel's half of the address space.
b = bytearray(good)
struct.pack_into("<Q", b, first_load() + 16, 0xffffffff80000000)  # p_vaddr
write("bad_kaddr", bytes(b))
# An entry point outside every executable segment.
b = bytearray(good)
struct.pack_into("<Q", b, E_ENTRY, 0x10)
write("bad_entry", bytes(b))
# A program header table pointing past the end of the file.
b = bytearray(good)
struct.pack_into("<Q", b, E_PHOFF, len(good) + 4096)
write("bad_phoff", bytes(b))
# A valid program header table, but beyond the first page (appended to the file, 8-aligned):
# exec reads only the first page for the headers and refuses it.
b = bytearray(good)
b += bytes(-len(b) % 8)
far = len(b)
b += good[phoff:phoff + phnum * PH_SIZE]
struct.pack_into("<Q", b, E_PHOFF, far)
assert far >= 4096
write("bad_phdr_far", bytes(b))
# Scripts whose "#!" line names no interpreter, or does not end within 256 bytes.
write("bad_script", b"#!   \necho hi\n")
write("bad_script_long", b"#!/" + b"x" * 300 + b"\necho hi\n")
