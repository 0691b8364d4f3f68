#!/usr/bin/env python3
"""`make ltp` / `make ltp-mini`: runs LTP's system-call tests inside Zero-OS and compares each
test's class with Linux's (../shared/ltp/, see docs/ltp.md).

  ltp.py run --tar LTP.tar.xz --list NAME --out DIR --loader EFI --kernel ELF --initrd CPIO
             --ltp-run BIN [--batch-mb 40] [--timeout 300] [--mul 4] [--only NAME ...]
  ltp.py check --results DIR/zero-results.txt --pass-list tests/ltp/pass.txt
  ltp.py compare --results DIR/zero-results.txt --linux linux-results.txt --logs DIR/logs
             --json DIR/results.json [--pass-list FILE]

`run` unpacks the binaries into DIR/../ltp, splits the runtest list (runtest/NAME) into
batches whose binaries fit the 64 MiB ESP, and boots one image per batch: the usual initramfs
plus /ltp (that batch's binaries, the helpers every batch may exec, ltp-run), /etc/passwd and
/etc/group, and a KCONFIG_PATH file; init runs /ltp/run.sh (run="..."). Each test's output is
cut from the serial log into DIR/logs/NAME.log. A boot that panics, or makes no progress for the
test timeout plus a margin (the machine hung, or a process outlived ltp-run's SIGKILL), charges
the running test with PANIC or HANG, a kernel failure, and the rest of the batch runs in a new
boot. Results: DIR/zero-results.txt, one "name CLASS secs" line per test.
"""
import argparse
import json
import os
import re
import selectors
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests/qemu"))
from run import PANIC, stop  # noqa: E402  (the QEMU test runner's panic pattern and stop)
START = re.compile(r"<<<test_start>>> (\S+)")
RESULT = re.compile(r"RESULT (\S+) (\S+) (?:exit|sig)=(-?\d+) ([\d.]+)s")
SUMMARY = "SUMMARY total="
STALL_MARGIN_S = 120  # beyond ltp-run's own timeout: ltp-run must have reported by then
BOOT_GRACE_S = 300  # from QEMU's start to the first test
KERNEL_FAILURES = ("PANIC", "HANG")
# LTP's README: root, nobody/nogroup, bin, daemon.
PASSWD = ("root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/:/bin/sh\n"
          "bin:x:2:2:bin:/bin:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n")
GROUP = ("root:x:0:\ndaemon:x:1:\nbin:x:2:\nnogroup:x:65534:\nnobody:x:65533:\n"
         "users:x:100:\n")


# ---- run ------------------------------------------------------------------------------------

def unpack(tar, out):
    """DIR/ltp from the tarball, once per tarball."""
    stamp = os.path.join(out, ".unpacked")
    if os.path.exists(stamp) and open(stamp).read() == os.path.basename(tar):
        return os.path.join(out, "ltp")
    shutil.rmtree(os.path.join(out, "ltp"), ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    print(f"ltp: unpacking {os.path.basename(tar)}", flush=True)
    subprocess.run(["tar", "-xJf", tar, "-C", out], check=True)
    with open(stamp, "w") as f:
        f.write(os.path.basename(tar))
    return os.path.join(out, "ltp")


def read_list(path, only):
    entries = []
    for line in open(path):
        words = line.split()
        if len(words) < 2 or words[0].startswith("#"):
            continue
        if not only or words[0] in only:
            entries.append(words)
    return entries


def helpers(bindir, all_entries):
    """Binaries no runtest line names: the children tests exec (execve_child, ...)."""
    named = {w[1] for w in all_entries}
    return sorted(f for f in os.listdir(bindir) if f not in named)


def batches(entries, bindir, budget):
    out, cur, size = [], [], 0
    for e in entries:
        path = os.path.join(bindir, e[1])
        n = os.path.getsize(path) if os.path.exists(path) else 0
        if cur and size + n > budget:
            out.append(cur)
            cur, size = [], 0
        cur.append(e)
        size += n
    return out + ([cur] if cur else [])


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def stage_batch(a, ltp, stage, batch, extra_bins):
    """The batch's root: the usual initramfs plus /ltp and /etc."""
    shutil.rmtree(stage, ignore_errors=True)
    os.makedirs(stage)
    with open(a.initrd, "rb") as f:
        subprocess.run(["cpio", "-idm", "--quiet"], stdin=f, cwd=stage, check=True)
    # Our own tests and their disk images (/tests, ~18 MB) are no use to LTP and would take the
    # room of a batch on the 64 MiB ESP.
    shutil.rmtree(os.path.join(stage, "tests"), ignore_errors=True)
    bindir = os.path.join(ltp, "testcases/bin")
    dest = os.path.join(stage, "ltp/testcases/bin")
    os.makedirs(dest)
    for name in sorted({e[1] for e in batch} | set(extra_bins)):
        if os.path.exists(os.path.join(bindir, name)):
            shutil.copy2(os.path.join(bindir, name), dest)
    os.makedirs(os.path.join(stage, "ltp/bin"))
    shutil.copy2(a.ltp_run, os.path.join(stage, "ltp/bin/ltp-run"))
    write(os.path.join(stage, "ltp/runtest/batch"), "".join(" ".join(e) + "\n" for e in batch))
    write(os.path.join(stage, "etc/passwd"), PASSWD)
    write(os.path.join(stage, "etc/group"), GROUP)
    shutil.copy2(os.path.join(ROOT, "tests/ltp/kconfig"), os.path.join(stage, "etc/ltp-kconfig"))
    write(os.path.join(stage, "ltp/run.sh"), run_script(a), 0o755)


def run_script(a):
    return ("# Runs this boot's batch of LTP tests (tools/ltp.py).\n"
            "export PATH=/bin:/sbin:/usr/bin:/usr/sbin LTPROOT=/ltp TMPDIR=/tmp\n"
            f"export LTP_TIMEOUT_MUL={a.mul} KCONFIG_PATH=/etc/ltp-kconfig\n"
            "export LTP_COLORIZE_OUTPUT=n\n"
            + ("export LTP_DEV=/dev/vda\n" if a.device_mb else "")
            + "cd /tmp\n"
            f"exec /ltp/bin/ltp-run -t {a.timeout} /ltp/runtest/batch\n")


def make_image(a, stage, work):
    cpio = os.path.join(work, "batch.cpio")
    files = subprocess.run("find . -mindepth 1 | LC_ALL=C sort", shell=True, cwd=stage,
                           check=True, capture_output=True).stdout
    with open(cpio, "wb") as f:
        subprocess.run(["cpio", "-o", "-H", "newc", "-R", "0:0", "--reproducible", "--quiet"],
                       input=files, stdout=f, cwd=stage, check=True)
    write(os.path.join(work, "cmdline"), 'run="/bin/sh /ltp/run.sh"\n')
    img = os.path.join(work, "batch.img")
    subprocess.run([os.path.join(ROOT, "tools/mkimage.sh"), img, a.loader, a.kernel,
                    os.path.join(work, "cmdline"), cpio], check=True)
    os.unlink(cpio)
    return img


class Boot:
    """One boot's progress, read from its serial console."""

    def __init__(self):
        self.results = {}  # name -> (class, secs)
        self.current = None
        self.out = []  # the current test's output lines
        self.logs = {}  # name -> text
        self.panic = False
        self.summary = False
        self.last_progress = time.monotonic()

    def line(self, text):
        m = START.search(text)
        if m:
            self.current, self.out = m.group(1), []
            self.last_progress = time.monotonic()
            return
        m = RESULT.search(text)
        if m:
            self.results[m.group(1)] = (m.group(2), float(m.group(4)))
            self.logs[m.group(1)] = "\n".join(self.out) + "\n"
            self.current, self.out = None, []
            self.last_progress = time.monotonic()
        elif SUMMARY in text:
            self.summary = True
        elif PANIC.search(text):
            self.panic = True
        if self.current:
            self.out.append(text)


def boot(image, log_path, a, boot_obj):
    """Runs QEMU until the batch ends, the kernel panics, or progress stops: why it ended."""
    env = dict(os.environ, QEMU_MEM=a.mem)
    if a.device_mb:
        # A fresh, empty disk per boot for the tests' LTP_DEV (docs/storage.md).
        disk = os.path.join(os.path.dirname(image), "ltp-dev.img")
        with open(disk, "wb") as f:
            f.truncate(a.device_mb << 20)
        env["DISK"] = disk
    proc = subprocess.Popen([os.path.join(ROOT, "tools/qemu.sh"), "test", image],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=env, start_new_session=True)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    buf, why, started = b"", None, time.monotonic()
    with open(log_path, "wb") as log:
        while why is None:
            why = boot_watch(boot_obj, a, started)
            if why or not sel.select(timeout=1.0):
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                why = "exit"
                break
            log.write(chunk)
            log.flush()
            buf += chunk
            while b"\n" in buf:
                text, buf = buf.split(b"\n", 1)
                boot_obj.line(text.decode("utf-8", "replace").rstrip("\r"))
            if boot_obj.panic:
                why = panic_tail(proc, sel, log)
    stop(proc)
    return why


def boot_watch(b, a, started):
    idle = time.monotonic() - b.last_progress
    if not b.results and not b.current and time.monotonic() - started > BOOT_GRACE_S:
        return "noboot"
    if b.current and idle > a.timeout + STALL_MARGIN_S:
        return "hang"
    return None


def panic_tail(proc, sel, log):
    """The rest of the panic report (a few seconds' output) goes into the log."""
    end = time.monotonic() + 5
    while time.monotonic() < end and sel.select(timeout=0.5):
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        log.write(chunk)
    return "panic"


def run_batch(a, ltp, batch, extra_bins, n, results, logs):
    """Boots until every test of the batch has a class; returns the kernel failures."""
    work = os.path.join(a.out, "work")
    failures = []
    while batch:
        stage_batch(a, ltp, os.path.join(work, "stage"), batch, extra_bins)
        img = make_image(a, os.path.join(work, "stage"), work)
        log = os.path.join(a.out, "boots", f"{n:03d}.log")
        os.makedirs(os.path.dirname(log), exist_ok=True)
        t0 = time.monotonic()
        b = Boot()
        why = boot(img, log, a, b)
        record(b, results, logs)
        print(f"ltp: boot {n}: {len(b.results)} of {len(batch)} tests, "
              f"{time.monotonic() - t0:.0f}s, {why}", flush=True)
        batch, fail = next_batch(batch, b, why, log)
        failures += fail
        for name, cls in fail:
            results[name] = (cls, 0.0)
            logs[name] = f"{cls}: kernel failure, serial log {log}\n"
        n += 1
    return n, failures


def record(b, results, logs):
    for name, r in b.results.items():
        results[name] = r
        logs[name] = b.logs.get(name, "")
        print(f"RESULT {name} {r[0]} {r[1]:.2f}s", flush=True)


def next_batch(batch, b, why, log):
    """What is left to run after a boot, and the test charged with a kernel failure."""
    left = [e for e in batch if e[0] not in b.results]
    if not left or (why == "exit" and b.summary):
        return [], []
    culprit = b.current or left[0][0]
    cls = "PANIC" if why == "panic" else "HANG"
    if why in ("noboot", "exit") and not b.current:
        cls = "NOBOOT" if why == "noboot" else "LOST"
    if cls in ("NOBOOT", "LOST"):
        print(f"ltp: boot ended without running {culprit} ({why}): see {log}", flush=True)
        return [], [(e[0], cls) for e in left]
    print(f"ltp: KERNEL FAILURE {cls} in {culprit}: see {log}", flush=True)
    return [e for e in left if e[0] != culprit], [(culprit, cls)]


def cmd_run(a):
    ltp = unpack(a.tar, os.path.dirname(os.path.abspath(a.out)))  # shared by the lists
    all_entries = read_list(os.path.join(ltp, "runtest/syscalls"), None)
    only = set(a.only or []) | set(read_names(a.only_file) if a.only_file else [])
    entries = read_list(os.path.join(ltp, "runtest", a.list), only)
    bindir = os.path.join(ltp, "testcases/bin")
    extra = helpers(bindir, all_entries)
    results, logs, failures, n = {}, {}, [], 1
    groups = batches(entries, bindir, a.batch_mb * 1024 * 1024)
    print(f"ltp: {len(entries)} tests of runtest/{a.list} in {len(groups)} boots", flush=True)
    t0 = time.monotonic()
    for batch in groups:
        n, fail = run_batch(a, ltp, batch, extra, n, results, logs)
        failures += fail
    save_results(a.out, entries, results, logs)
    print(f"ltp: {len(results)} tests in {n - 1} boots, {time.monotonic() - t0:.0f}s; "
          f"kernel failures: {', '.join(f'{t} {c}' for t, c in failures) or 'none'}")
    return 0


def save_results(out, entries, results, logs):
    logdir = os.path.join(out, "logs")
    shutil.rmtree(logdir, ignore_errors=True)
    os.makedirs(logdir)
    with open(os.path.join(out, "zero-results.txt"), "w") as f:
        for e in entries:
            cls, secs = results.get(e[0], ("LOST", 0.0))
            f.write(f"{e[0]} {cls} {secs:.2f}\n")
            with open(os.path.join(logdir, e[0] + ".log"), "w") as lf:
                lf.write(logs.get(e[0], ""))


def read_names(path):
    """A pass list: one test name a line, '#' comments."""
    return [w for w in (line.split("#")[0].strip() for line in open(path)) if w]


def cmd_check(a):
    """Every test of the pass list must pass: one PASS/FAIL line each, then the totals."""
    zero = read_classes(a.results)
    failed = 0
    for name in read_names(a.pass_list):
        cls = zero.get(name, "LOST")
        failed += cls != "PASS"
        print(f"PASS: ltp/{name}" if cls == "PASS" else f"FAIL: ltp/{name}: {cls}")
    total = len(read_names(a.pass_list))
    print(f"ltp-pass: {total - failed} passed, {failed} failed")
    return 1 if failed else 0


# ---- compare --------------------------------------------------------------------------------

ERRNO = re.compile(r"\b(E[A-Z0-9]{2,})\b")
NR = re.compile(r"__NR_(\w+)")
CALL = re.compile(r"\b([a-z_][a-z0-9_]*)\s*\(")
PATH = re.compile(r"(/(?:proc|sys|dev)/[\w./-]+)")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# New-style "file.c:N: TFAIL: msg" and old-style "name  N  TFAIL  :  file.c:N: msg" lines.
LTP_LINE = re.compile(r"^(?:\S+:\d+: |\S+\s+\d+\s+)?(TFAIL|TBROK|TCONF|TWARN)\s*:\s*(.*)$")
SRC_PREFIX = re.compile(r"^\S+\.[ch]:\d+: ")
NOT_A_CAUSE = ("Remaining cases", "Aborting due to unsuitable")


def first_problem(log):
    """The first TBROK/TFAIL line of a test's log (else its first TCONF), source prefix cut."""
    found = {}
    for line in ANSI.sub("", log).splitlines():
        m = LTP_LINE.match(line.strip())
        if not m or any(s in m.group(2) for s in NOT_A_CAUSE):
            continue
        found.setdefault(m.group(1), SRC_PREFIX.sub("", m.group(2)))
    for kind in ("TBROK", "TFAIL", "TCONF", "TWARN"):
        if kind in found:
            return kind, found[kind]
    if "Aborting due to unsuitable kernel config" in log:
        return "TCONF", "kernel config"
    return None, log.strip().splitlines()[-1] if log.strip() else ""


# Causes whose message alone does not say them (checked first, on the first problem line).
KNOWN = [
    (re.compile(r"(Group|User) ID lookup failed: ENOSYS"),
     "musl's getgrgid/getpwuid ask nscd: socket(AF_UNIX) ENOSYS"),
    (re.compile(r"Failed to acquire device"), "no block device (loop device or LTP_DEV)"),
    (re.compile(r"mount\(.*tmpfs, (33|3[2-9]|4\d|5\d|6\d)\b.*EINVAL"),
     "mount(MS_REMOUNT|MS_RDONLY) of tmpfs: EINVAL"),
    (re.compile(r"F_SETLEASE|Cannot do fcntl.* on (a file on )?tmpfs"), "leases (F_SETLEASE)"),
    (re.compile(r"F_[GS]ETLKW?\b|fcntl\(\d+,3[678],|fcntl on file failed|"
                r"parent lock failed|child's lock"),
     "POSIX record locks (F_GETLK/F_SETLK/F_SETLKW): EINVAL"),
    (re.compile(r"[GS]ETPIPE_SZ|pipe-max-size"), "pipe sizes (F_GETPIPE_SZ/F_SETPIPE_SZ)"),
    (re.compile(r"pipe2.*flag\(16384\)"), "pipe2(O_DIRECT): packet-mode pipes"),
    (re.compile(r"unable to open pty"), "no pseudo-terminals (/dev/ptmx)"),
    (re.compile(r"^kernel config$"), "needs a CONFIG_ option (tests/ltp/kconfig lists none)"),
    (re.compile(r"requires kernel \d+\.\d+ or newer"),
     "uname says 6.1: the test needs a newer kernel"),
    (re.compile(r"slept for too long"), "sleep overshoot (1 kHz tick, no one-shot timers)"),
]


def cause(cls, log):
    """A short cause key, the same for tests failing the same way."""
    if cls in KERNEL_FAILURES or cls in ("NOBOOT", "LOST"):
        return f"kernel failure: {cls}"
    if cls == "TIMEOUT":
        return "TIMEOUT (killed by ltp-run)"
    if cls == "SIGNAL":
        return "killed by a signal"
    kind, msg = first_problem(log)
    for pattern, key in KNOWN:
        if pattern.search(msg):
            return key
    if "ltp-run: exec" in log:
        return "exec of the test failed"
    path = PATH.search(msg)
    errnos = ERRNO.findall(msg)
    if path and ("ENOENT" in errnos or "No such file" in msg):
        return f"missing {re.sub(r'/[0-9]+', '/<pid>', path.group(1))}"
    if "ENOSYS" in errnos or "not supported" in msg or "not implemented" in msg:
        call = NR.search(msg) or CALL.search(msg)
        return f"ENOSYS/unsupported: {call.group(1) if call else short(msg)}"
    if errnos:
        call = CALL.search(msg)
        return f"{kind}: {call.group(1) + '() ' if call else ''}{errnos[-1]}"
    return f"{kind or cls}: {short(msg)}"


def short(msg):
    msg = re.sub(r"\d+", "N", msg)
    return msg[:70]


def read_classes(path):
    out = {}
    for line in open(path):
        w = line.split()
        if len(w) >= 2:
            out[w[0]] = w[1]
    return out


def cmd_compare(a):
    zero, linux = read_classes(a.results), read_classes(a.linux)
    names = list(zero)
    both = [t for t in names if zero[t] == "PASS" and linux.get(t) == "PASS"]
    linux_only = [t for t in names if zero[t] != "PASS" and linux.get(t) == "PASS"]
    zero_only = [t for t in names if zero[t] == "PASS" and linux.get(t) != "PASS"]
    kernel = [t for t in names if zero[t] in KERNEL_FAILURES]
    groups = {}
    for t in linux_only:
        log_path = os.path.join(a.logs, t + ".log")
        log = open(log_path, errors="replace").read() if os.path.exists(log_path) else ""
        groups.setdefault(cause(zero[t], log), []).append(t)
    report(names, zero, linux, both, linux_only, zero_only, kernel, groups)
    save_json(a, names, zero, linux, both, linux_only, zero_only, kernel, groups)
    if a.pass_list:
        with open(a.pass_list, "w") as f:
            f.writelines(t + "\n" for t in sorted(t for t in names if zero[t] == "PASS"))
    return 0


def report(names, zero, linux, both, linux_only, zero_only, kernel, groups):
    print(f"\nPassing on Linux only ({len(linux_only)}), by cause:")
    for key, tests in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"  {len(tests):4d}  {key}")
        print(f"        {' '.join(tests)}")
    print(f"\nPassing on Zero-OS only ({len(zero_only)}): "
          + " ".join(f"{t}({linux.get(t, '?')})" for t in zero_only))
    print(f"\nKernel failures (panic, hang, unkillable) ({len(kernel)}): "
          + (" ".join(f"{t}({zero[t]})" for t in kernel) or "none"))
    zp = sum(1 for t in names if zero[t] == "PASS")
    lp = sum(1 for t in names if linux.get(t) == "PASS")
    print(f"\nTotals over {len(names)} tests: Zero-OS passes {zp}, Linux passes {lp}; "
          f"both {len(both)}, Linux only {len(linux_only)}, Zero-OS only {len(zero_only)}, "
          f"kernel failures {len(kernel)}")


def save_json(a, names, zero, linux, both, linux_only, zero_only, kernel, groups):
    data = {"tests": {t: {"zero": zero[t], "linux": linux.get(t)} for t in names},
            "both": both, "linux_only": linux_only, "zero_only": zero_only,
            "kernel_failures": kernel,
            "linux_only_by_cause": groups,
            "totals": {"tests": len(names),
                       "zero_pass": sum(1 for t in names if zero[t] == "PASS"),
                       "linux_pass": sum(1 for t in names if linux.get(t) == "PASS"),
                       "both": len(both), "linux_only": len(linux_only),
                       "zero_only": len(zero_only), "kernel_failures": len(kernel)}}
    with open(a.json, "w") as f:
        json.dump(data, f, indent=1)
    print(f"(JSON: {a.json})")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    for opt in ("--tar", "--list", "--out", "--loader", "--kernel", "--initrd", "--ltp-run"):
        r.add_argument(opt, required=True)
    r.add_argument("--batch-mb", type=int, default=40)
    r.add_argument("--timeout", type=int, default=300)
    r.add_argument("--mul", default="4")
    r.add_argument("--mem", default="1G")
    r.add_argument("--device-mb", type=int, default=0,
                   help="attach an empty virtio disk of this size as LTP_DEV=/dev/vda")
    r.add_argument("--only", nargs="*")
    r.add_argument("--only-file", help="a pass list: only the tests it names")
    c = sub.add_parser("compare")
    for opt in ("--results", "--linux", "--logs", "--json"):
        c.add_argument(opt, required=True)
    c.add_argument("--pass-list")
    k = sub.add_parser("check")
    k.add_argument("--results", required=True)
    k.add_argument("--pass-list", required=True)
    a = ap.parse_args()
    return {"run": cmd_run, "compare": cmd_compare, "check": cmd_check}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
