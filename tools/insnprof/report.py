#!/usr/bin/env python3
"""Instruction profile per function from insnprof.so's output (tools/insnprof/insnprof.c).

Usage: report.py PROFILE --elf KERNEL_ELF --elf USER_ELF [--per FUNCTION] [--top K]
Each block's instructions x executions go to the function (nm symbol) its start address is in;
with --per FUNCTION (one called once per operation, e.g. sys_zero_call) the figures are per
call of it (the executions of the block at its first instruction). Addresses
that no ELF covers (firmware, the loader, other programs) are shown as "[elsewhere]".
A developer tool (bench/README.md)."""
import argparse
import bisect
import collections
import subprocess


def symbols(elf):
    out = subprocess.run(["nm", "-n", "--defined-only", elf], capture_output=True, text=True,
                         check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    return syms


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("profile")
    ap.add_argument("--elf", action="append", default=[])
    ap.add_argument("--per", help="a function called once per operation")
    ap.add_argument("--top", type=int, default=40)
    a = ap.parse_args()
    syms = sorted(s for elf in a.elf for s in symbols(elf))
    addrs = [s[0] for s in syms]
    starts = {name: addr for addr, name in syms}
    totals = collections.Counter()
    per = 0
    for line in open(a.profile):
        vaddr, insns, execs = line.split()
        vaddr = int(vaddr, 16)
        if a.per and vaddr == starts.get(a.per):
            per += int(execs)
        i = bisect.bisect_right(addrs, vaddr) - 1
        name = syms[i][1] if i >= 0 else None
        if name is None or vaddr - syms[i][0] > 1 << 20:
            name = "[elsewhere]"
        totals[name] += int(insns) * int(execs)
    per = per or 1
    whole = sum(totals.values())
    known = whole - totals["[elsewhere]"]
    print(f"{known / per:12.1f}  (in the ELFs, per {a.per or 'run'}: {per} calls)")
    for name, n in totals.most_common(a.top):
        print(f"{n / per:12.1f}  {100 * n / whole:5.1f}%  {name}")


if __name__ == "__main__":
    main()
