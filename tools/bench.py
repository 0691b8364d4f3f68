#!/usr/bin/env python3
"""`make bench` / `make bench-check`: boots Zero-OS and the reference Linux in the same QEMU (q35,
-cpu max, 1 CPU, 512 MiB, TCG, OVMF), alternately, reads zbench's BENCH lines and the boot
markers from the serial console (timestamped on the host as they arrive), and prints a table of
medians (Zero-OS, Linux, ratio, each side's min-max); the same as JSON with every raw figure.
See bench/README.md for the method and the boot-time markers.

  bench.py run   --out results.json --logdir DIR [--rounds 3] [--icount] system options...
  bench.py check --logdir DIR [--system zero|linux] system options...
System options: --zero-image IMG (its command line runs zbench) or --zero-missing REASON;
--linux-kernel VMLINUZ --linux-initrd CPIO [--linux-args "zbench arguments"].
"""
import argparse
import json
import os
import re
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
# Mirrors tools/qemu.sh (mode "test"): the one machine both systems are measured on.
MACHINE = ["-machine", "q35", "-cpu", "max", "-m", "512M", "-smp", "1", "-nic", "none"]
DEVICES = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-no-reboot",
           "-display", "none", "-serial", "stdio", "-monitor", "none"]
LINUX_APPEND = "console=ttyS0 earlyprintk=serial,ttyS0,115200"

KLOG = re.compile(r"^\[\s*(\d+)\.(\d+)\] ")  # printk prefix, Zero-OS and Linux alike
ESC_CLEAR = b"\x1b[2J"  # OVMF clears its console just before starting the OS image
BENCH = re.compile(r"^BENCH (.*)$")
KV = re.compile(r"(\w+)=(\S*)")

# Boot markers (bench/README.md, "Boot time"). Each is the host time at which the first byte of
# the line arrived, in seconds since QEMU was started.
ZERO_LOADER = "loader: Zero-OS loader"
ZERO_KERNEL = "Zero-OS kernel starting"
ZERO_DONE = "boot complete"
LINUX_STUB = "EFI stub:"
LINUX_KERNEL = "Linux version"
LINUX_RUN_INIT = "Run /init as init process"
LINUX_INIT = "INIT: zbench linux init"


class Boot:
    """One boot of one system: the serial lines with arrival times, and what they say."""

    def __init__(self, system):
        self.system = system
        self.lines = []  # (t, text)
        self.last_clear = None  # arrival of the last OVMF clear-screen before the OS spoke
        self.exit = None
        self.stopped = None  # why the runner stopped QEMU, if it did
        self.wall = 0.0

    def first(self, pred, after=0.0):
        for t, s in self.lines:
            if t >= after and pred(s):
                return t, s
        return None, None


def machine(args):
    """MACHINE with args.smp CPUs, on multi-threaded TCG when there are several (and the
    instruction counter, which needs single-threaded TCG, is off)."""
    m = list(MACHINE)
    m[m.index("-smp") + 1] = str(args.smp)
    if args.smp > 1 and not args.icount:
        m += ["-accel", "tcg,thread=multi"]
    return m


def qemu_cmd(system, args, vars_path):
    cmd = ["qemu-system-x86_64"] + machine(args) + [
        "-drive", f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
        "-drive", f"if=pflash,format=raw,file={vars_path}"] + DEVICES
    if system == "zero":
        cmd += ["-drive", f"format=raw,file={args.zero_image},if=none,id=disk0",
                "-device", "ide-hd,drive=disk0,bootindex=0"]
    else:
        append = LINUX_APPEND + (" -- " + args.linux_args if args.linux_args.strip() else "")
        cmd += ["-kernel", args.linux_kernel, "-initrd", args.linux_initrd, "-append", append]
    if args.icount:
        cmd += ["-icount", "shift=0"]
    return cmd


def boot(system, args, log_path):
    """Runs one boot to its end: power-off, 'BENCH done' (+ grace), silence, or the timeout."""
    b = Boot(system)
    fd, vars_path = tempfile.mkstemp(prefix="zbench-vars.")
    os.close(fd)
    shutil.copyfile(OVMF_VARS, vars_path)
    cmd = qemu_cmd(system, args, vars_path)
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    buf, line_t = b"", None
    last_output = t0
    done_at = None
    os_spoke = False
    kernel_seen = False  # silence counts only once a kernel runs (OVMF is quiet for seconds)
    try:
        with open(log_path, "wb") as log:
            log.write(("# " + " ".join(cmd) + "\n").encode())
            while True:
                now = time.monotonic()
                if now - t0 > args.timeout:
                    b.stopped = f"timed out after {args.timeout:.0f} s"
                    break
                if done_at and now - done_at > 10:
                    b.stopped = "did not power off within 10 s of 'BENCH done'"
                    break
                if kernel_seen and not done_at and now - last_output > args.silence:
                    b.stopped = f"no output for {args.silence:.0f} s"
                    break
                if not sel.select(timeout=0.5):
                    continue
                chunk = os.read(proc.stdout.fileno(), 65536)
                t = time.monotonic() - t0
                if not chunk:
                    break
                last_output = time.monotonic()
                log.write(chunk)
                if ESC_CLEAR in chunk and not os_spoke:
                    b.last_clear = t
                data = buf + chunk
                if line_t is None and data:
                    line_t = t
                while b"\n" in data:
                    line, data = data.split(b"\n", 1)
                    text = line.decode("utf-8", "replace").rstrip("\r")
                    # firmware console escapes share a line with the first words of the OS
                    text = re.sub(r"\x1b\[[0-9;=]*[A-Za-z]", "", text)
                    b.lines.append((line_t, text))
                    if text.strip() and ZERO_LOADER not in text and "BdsDxe" not in text:
                        os_spoke = True
                    if ZERO_KERNEL in text or LINUX_KERNEL in text:
                        kernel_seen = True
                    if text.startswith("BENCH done"):
                        done_at = time.monotonic()
                    line_t = t if data else None
                buf = data
    finally:
        if proc.poll() is None:
            proc.kill()
        b.exit = proc.wait()
        b.wall = time.monotonic() - t0
        os.unlink(vars_path)
    return b


# ---- reading a boot's results ------------------------------------------------------------------

def klog_seconds(text):
    m = KLOG.match(text)
    return int(m.group(1)) + int(m.group(2)) / 10 ** len(m.group(2)) if m else None


def analyse(b):
    """The boot markers and BENCH results of one boot: a dict ready for JSON."""
    r = {"system": b.system, "exit": b.exit, "stopped": b.stopped, "wall_s": round(b.wall, 3),
         "boot": {}, "tests": {}, "start": None, "done": None}
    mark = {}
    if b.system == "zero":
        mark["handover"], _ = b.first(lambda s: ZERO_LOADER in s)
        mark["kernel"], _ = b.first(lambda s: ZERO_KERNEL in s)
        t, s = b.first(lambda s: ZERO_DONE in s)
        mark["boot_complete"] = mark["init_start"] = t
        if s:  # its clock starts at timer set-up, a few ms after the kernel's entry
            r["boot"]["kernel_clock_init_ms"] = round(1000 * klog_seconds(s), 1)
        # init's first line: the first line after the kernel's start that is not a kernel line
        if mark["kernel"] is not None:
            mark["init"], _ = b.first(lambda s: s.strip() and not KLOG.match(s),
                                      after=mark["kernel"])
    else:
        mark["handover"] = b.last_clear
        mark["stub"], _ = b.first(lambda s: LINUX_STUB in s)
        mark["kernel"], _ = b.first(lambda s: LINUX_KERNEL in s)
        t, s = b.first(lambda s: LINUX_RUN_INIT in s)
        mark["init_start"] = t
        if s:
            r["boot"]["kernel_clock_init_ms"] = round(1000 * klog_seconds(s), 1)
        mark["init"], _ = b.first(lambda s: LINUX_INIT in s)
    mark["zbench"], _ = b.first(lambda s: s.startswith("BENCH start"))
    r["marks_s"] = {k: (round(v, 3) if v is not None else None) for k, v in mark.items()}

    def span(a, z):
        if mark.get(a) is None or mark.get(z) is None:
            return None
        return round(1000 * (mark[z] - mark[a]), 1)
    if mark.get("init") is not None:
        r["boot"]["boot_to_init_ms"] = round(1000 * mark["init"], 1)
    r["boot"]["os_share_ms"] = span("handover", "init")
    r["boot"]["kernel_share_ms"] = span("kernel", "init")
    # until the kernel starts init: Zero-OS's 'boot complete', Linux's 'Run /init as init process'
    r["boot"]["kernel_to_init_start_ms"] = span("kernel", "init_start")
    r["boot"] = {k: v for k, v in r["boot"].items() if v is not None}

    for _, s in b.lines:
        m = BENCH.match(s.strip())
        if not m:
            continue
        rest = m.group(1)
        if rest.startswith("start"):
            r["start"] = dict(KV.findall(rest))
            continue
        if rest.startswith("done"):
            r["done"] = dict(KV.findall(rest))
            continue
        tail = {}
        for key in ("why", "what"):  # free text, always the last field
            if f" {key}=" in rest:
                rest, tail[key] = rest.split(f" {key}=", 1)
        kv = dict(KV.findall(rest))
        kv.update(tail)
        name = kv.pop("name", None)
        if name:
            r["tests"][name] = kv
    return r


def reason_no_bench(r):
    """Why a boot produced no benchmark figures, in words."""
    m = r["marks_s"]
    if r["done"] is not None:
        return None
    if r["system"] == "zero":
        if m.get("kernel") is None:
            why = "the Zero-OS kernel never started"
        elif m.get("boot_complete") is None:
            why = "the kernel did not reach 'boot complete'"
        elif m.get("init") is None:
            why = ("the kernel reached 'boot complete' but no user-space line followed "
                   "(no init / user mode yet?)")
        elif r["start"] is None:
            why = "init ran but zbench never printed 'BENCH start' (exec of /bench/zbench?)"
        else:
            why = f"zbench stopped after {len(r['tests'])} tests (crash or hang; see the log)"
    else:
        why = "Linux: zbench did not finish" if r["start"] else "Linux: zbench never started"
    if r["stopped"]:
        why += f"; runner: {r['stopped']}"
    return why


# ---- summary -------------------------------------------------------------------------------------

def stats(values):
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def fmt_ns(v):
    if v is None:
        return "n/a"
    if v < 10_000:
        return f"{v:.0f} ns"
    if v < 10_000_000:
        return f"{v / 1000:.1f} us"
    return f"{v / 1e6:.1f} ms"


def fmt_ms(v):
    return "n/a" if v is None else f"{v:.0f} ms"


def summarise(boots, test_order):
    summary = {"tests": [], "boot": []}
    names = list(test_order)
    for r in boots:
        for n in r["tests"]:
            if n not in names:
                names.append(n)
    for n in names:
        row = {"name": n, "unit": "ns/op"}
        for sysname in ("zero", "linux"):
            vals, other = [], set()
            for r in boots:
                if r["system"] != sysname or n not in r["tests"]:
                    continue
                t = r["tests"][n]
                if t.get("status") == "ok" and "per_op" in t:
                    vals.append(float(t["per_op"]))
                else:
                    other.add(t.get("status", "?") + (f" errno={t['errno']}" if "errno" in t else ""))
            row[sysname] = stats(vals)
            if other:
                row[sysname + "_other"] = sorted(other)
        z, l = row["zero"], row["linux"]
        row["ratio"] = z["median"] / l["median"] if z and l and l["median"] > 0 else None
        summary["tests"].append(row)
    for key in ("boot_to_init_ms", "os_share_ms", "kernel_share_ms", "kernel_to_init_start_ms",
                "kernel_clock_init_ms"):
        row = {"name": key, "unit": "ms"}
        for sysname in ("zero", "linux"):
            row[sysname] = stats([r["boot"][key] for r in boots
                                  if r["system"] == sysname and key in r["boot"]])
        z, l = row["zero"], row["linux"]
        row["ratio"] = z["median"] / l["median"] if z and l and l["median"] > 0 else None
        summary["boot"].append(row)
    return summary


def print_table(summary, zero_note, icount):
    unit = "instructions (icount: 1 ns = 1 instruction)" if icount else "host wall time"
    print(f"\nZero-OS vs Linux, medians over the boots ({unit}); ratio = Zero-OS / Linux, "
          "lower is better for Zero-OS")
    hdr = ("test", "Zero-OS", "Linux", "ratio", "Zero-OS min-max", "Linux min-max")
    rows = []

    def mm(s, f):
        return f"{f(s['min'])} - {f(s['max'])}" if s else "n/a"
    for row in summary["boot"] + summary["tests"]:
        f = fmt_ms if row["unit"] == "ms" else fmt_ns
        z, l = row["zero"], row["linux"]
        zs = f(z["median"]) if z else ("n/a" if not row.get("zero_other")
                                       else ",".join(row["zero_other"]))
        ls = f(l["median"]) if l else ("n/a" if not row.get("linux_other")
                                       else ",".join(row["linux_other"]))
        ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else "-"
        rows.append((row["name"], zs, ls, ratio, mm(z, f), mm(l, f)))
    widths = [max(len(str(x[i])) for x in rows + [hdr]) for i in range(len(hdr))]
    line = "  ".join(h.ljust(w) for h, w in zip(hdr, widths))
    print(line)
    print("-" * len(line))
    for x in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(x, widths)))
    if zero_note:
        print(f"\nZero-OS n/a: {zero_note}")


# ---- commands ------------------------------------------------------------------------------------

def cmd_run(args):
    os.makedirs(args.logdir, exist_ok=True)
    systems = ["zero", "linux"]
    zero_note = args.zero_missing
    zero_skip = False  # set when Zero-OS showed no user space: later rounds would repeat it
    boots = []
    t_start = time.monotonic()
    for rnd in range(args.rounds):
        for sysname in systems:
            if sysname == "zero" and (args.zero_missing or zero_skip):
                continue
            log = os.path.join(args.logdir, f"{sysname}-{rnd + 1}.log")
            print(f"bench: round {rnd + 1}/{args.rounds}: booting {sysname}"
                  f"{' (icount)' if args.icount else ''} ...", flush=True)
            r = analyse(boot(sysname, args, log))
            r["round"] = rnd + 1
            r["log"] = log
            why = reason_no_bench(r)
            if why and sysname == "zero" and args.zero_hint:
                why += f" [{args.zero_hint}]"
            r["reason"] = why
            bad = [f"{n}: {t.get('status')}" for n, t in r["tests"].items()
                   if t.get("status") not in ("ok", "unsupported")]
            print(f"bench:   {sysname}: {len(r['tests'])} tests, boot {r['boot']}"
                  + (f"; {why}" if why else "") + (f"; FAILED {bad}" if bad else ""),
                  flush=True)
            if sysname == "zero" and why:
                zero_note = why
                if r["marks_s"].get("init") is None:
                    zero_skip = True
                    print("bench:   (no Zero-OS user space: its later rounds are skipped)")
            boots.append(r)
    order = []
    for r in boots:
        for n in r["tests"]:
            if n not in order:
                order.append(n)
    summary = summarise(boots, order)
    zero_ok = any(r["system"] == "zero" and r["done"] is not None for r in boots)
    print_table(summary, None if zero_ok else zero_note, args.icount)
    result = {
        "config": {"icount": args.icount, "rounds": args.rounds, "machine": machine(args),
                   "linux_append": LINUX_APPEND, "linux_args": args.linux_args,
                   "linux_kernel": os.path.realpath(args.linux_kernel),
                   "zero_image": args.zero_image, "date": time.strftime("%Y-%m-%d %H:%M:%S")},
        "zero_status": "ok" if zero_ok else f"n/a: {zero_note}",
        "summary": summary,
        "boots": boots,
        "elapsed_s": round(time.monotonic() - t_start, 1),
    }
    with open(args.out + ".tmp", "w") as f:
        json.dump(result, f, indent=1)
    os.replace(args.out + ".tmp", args.out)
    print(f"\nbench: {len(boots)} boots in {result['elapsed_s']:.0f} s; results in {args.out}")
    linux_bad = [r for r in boots if r["system"] == "linux" and r["done"] is None]
    return 1 if linux_bad else 0


def cmd_check(args):
    """One boot with zbench --once: every test must pass its self-check or be unsupported."""
    os.makedirs(args.logdir, exist_ok=True)
    if args.system == "zero" and args.zero_missing:
        print(f"FAIL: bench/boot: {args.zero_missing}")
        return 1
    log = os.path.join(args.logdir, f"check-{args.system}.log")
    r = analyse(boot(args.system, args, log))
    failed = 0
    for name, t in r["tests"].items():
        st = t.get("status")
        if st == "ok":
            print(f"PASS: bench/{name}")
        elif st == "unsupported":
            print(f"PASS: bench/{name} (unsupported: errno={t.get('errno')} {t.get('what', '')})")
        else:
            failed += 1
            print(f"FAIL: bench/{name}: {t.get('why', st)} (errno={t.get('errno')}; log: {log})")
    why = reason_no_bench(r)
    if why and args.system == "zero" and args.zero_hint:
        why += f" [{args.zero_hint}]"
    if why:
        failed += 1
        print(f"FAIL: bench/run: {why} (log: {log})")
    elif r["start"] and int(r["start"].get("tests", -1)) != len(r["tests"]):
        failed += 1
        print(f"FAIL: bench/run: zbench announced {r['start'].get('tests')} tests, "
              f"reported {len(r['tests'])} (log: {log})")
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["run", "check"])
    ap.add_argument("--zero-image")
    ap.add_argument("--zero-missing", help="why there is no Zero-OS image to boot")
    ap.add_argument("--zero-hint", default="", help="a note added to Zero-OS's n/a reason")
    ap.add_argument("--linux-kernel")
    ap.add_argument("--linux-initrd")
    ap.add_argument("--linux-args", default="", help="zbench's arguments on Linux")
    ap.add_argument("--system", choices=["zero", "linux"], default="zero")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--smp", type=int, default=1, help="CPUs of both guests")
    ap.add_argument("--timeout", type=float, default=None, help="per boot, seconds")
    ap.add_argument("--silence", type=float, default=None,
                    help="stop a boot after this many seconds without output (after the kernel)")
    ap.add_argument("--out", default="build/bench/results.json")
    ap.add_argument("--logdir", default="build/bench/logs")
    args = ap.parse_args()
    if args.timeout is None:
        args.timeout = 600 if args.icount else 300
    if args.silence is None:
        args.silence = 60 if args.icount else 30
    if not args.zero_missing and (not args.zero_image or not os.path.exists(args.zero_image)):
        args.zero_missing = f"no Zero-OS benchmark image ({args.zero_image})"
    if not args.linux_kernel or not args.linux_initrd:
        ap.error("--linux-kernel and --linux-initrd are required")
    if args.command == "run":
        return cmd_run(args)
    return cmd_check(args)


if __name__ == "__main__":
    sys.exit(main())
