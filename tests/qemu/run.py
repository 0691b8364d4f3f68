#!/usr/bin/env python3
"""Boots a Zero-OS image headless under QEMU+OVMF and judges the run from the serial console.

Test results are lines "PASS: <name>" / "FAIL: <name>: <why>" printed by the guest; they are
echoed to stdout (where tools/run-tests.sh counts them). The run itself fails - reported as one
more FAIL line - on a kernel panic, an unexpected QEMU exit (triple fault: -no-reboot), a hang
(hard timeout), a missing end marker, or when no test ran. Modes:
  --expect-tests         the guest runs tests and ends with 'ktest: N passed, M failed'
  --summary-regex RE     the summary line to expect instead (two groups: passed, failed),
                         e.g. 'usertest: (\\d+) passed, (\\d+) failed' for the user tests
  --tag T                report results as "PASS: T/..." (the same tests run again differently)
  --expect-text TEXT     pass once TEXT appears (repeatable; all must appear, in order; TEXT
                         may be a prompt that no newline ends)
  --forbid-text TEXT     fail if TEXT appears
  --send-after TEXT LINE type into the serial console: once TEXT appears (after the previous
                         send's TEXT), write LINE and a carriage return, as Enter would
  --send-raw-after TEXT DATA   the same without the carriage return; DATA takes Python escapes
                         ('\\x03' is ^C)
  --keys-after TEXT LINE type LINE and Enter on the PS/2 keyboard instead (QEMU's sendkey, through
                         a monitor socket), for the framebuffer console's input path
Sends and expectations wait for output, with the run's timeout; nothing sleeps a fixed time.
"""
import argparse
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import time

PANIC = re.compile(r"KERNEL PANIC|EXCEPTION .* in kernel mode")
PANIC_END = "end of kernel panic: system halted"  # kernel/core/panic.c: the report is whole
RESULT = re.compile(r"^(PASS|FAIL): (\S+)(.*)$")
SUMMARY = re.compile(r"ktest: (\d+) passed, (\d+) failed")
TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\] ")  # printk's prefix


def stop(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


TAIL_KEEP = 4096  # output kept for matching texts that span chunks


def run_qemu(image, timeout, log_path, qemu_extra, interactive):
    """Yields ("chunk", text) for each piece of output, ("line", text) for each line it
    completes, then ("chunk-end", None); the caller answers "stop" to end the run. With interactive, the first event is
    ("stdin", file): QEMU's serial input."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, QEMU_EXTRA=qemu_extra)
    # Its own session, so that stopping it stops QEMU too, not just the wrapper script.
    proc = subprocess.Popen([os.path.join(root, "tools/qemu.sh"), "test", image],
                            stdin=subprocess.PIPE if interactive else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)
    if interactive:
        yield ("stdin", proc.stdin)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    buf = b""
    with open(log_path, "wb") as log:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                stop(proc)
                yield ("timeout", None)
                return
            if not sel.select(timeout=min(left, 1.0)):
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                yield ("exit", proc.wait())
                return
            log.write(chunk)
            log.flush()
            buf += chunk
            events = [("chunk", chunk.decode("utf-8", "replace"))]
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                events.append(("line", line.decode("utf-8", "replace").rstrip("\r")))
            events.append(("chunk-end", None))
            for event in events:
                verdict = yield event
                if verdict == "stop":
                    stop(proc)
                    yield ("stopped", None)
                    return


# QEMU's key names (sendkey) for the characters --keys-after can type.
KEY_NAMES = dict({c: c for c in "abcdefghijklmnopqrstuvwxyz0123456789"},
                 **{c.upper(): "shift-" + c for c in "abcdefghijklmnopqrstuvwxyz"},
                 **{" ": "spc", "/": "slash", "-": "minus", "_": "shift-minus", ".": "dot",
                    "|": "shift-backslash", '"': "shift-apostrophe", "'": "apostrophe",
                    "=": "equal", ";": "semicolon", ">": "shift-dot", "<": "shift-comma",
                    "&": "shift-7", "$": "shift-4"})


def key_names(line):
    missing = [c for c in line if c not in KEY_NAMES]
    if missing:
        raise SystemExit(f"run.py: --keys-after cannot type {missing[0]!r}")
    return [KEY_NAMES[c] for c in line] + ["ret"]


class Steps:
    """Texts to wait for in the output stream, in order, each with input to give once seen:
    ("serial", bytes) for the serial console, ("keys", names) for the keyboard."""

    def __init__(self):
        self.pending = []  # (text, input or None)
        self.tail = ""
        self.monitor_path = None
        self.monitor = None

    def add(self, text, data):
        self.pending.append((text, data))
        if data and data[0] == "keys" and not self.monitor_path:
            self.monitor_path = os.path.join(tempfile.mkdtemp(prefix="zero-run-"), "monitor")

    def qemu_args(self):
        if not self.monitor_path:
            return ""
        return f" -monitor unix:{self.monitor_path},server=on,wait=off"

    def give(self, data, stdin):
        kind, what = data
        if kind == "serial":
            stdin.write(what)
            stdin.flush()
            return
        if not self.monitor:
            self.monitor = socket.socket(socket.AF_UNIX)
            self.monitor.connect(self.monitor_path)
        self.monitor.sendall("".join(f"sendkey {k}\n" for k in what).encode())

    def feed(self, chunk, stdin):
        self.tail = (self.tail + chunk)[-TAIL_KEEP:]
        while self.pending and self.pending[0][0] in self.tail:
            text, data = self.pending.pop(0)
            self.tail = self.tail[self.tail.index(text) + len(text):]
            if data is not None:
                self.give(data, stdin)

    def close(self):
        if self.monitor:
            self.monitor.close()
        if self.monitor_path:
            try:
                os.unlink(self.monitor_path)
            except FileNotFoundError:
                pass
            os.rmdir(os.path.dirname(self.monitor_path))


def step_action(kind):
    class Action(argparse.Action):
        def __call__(self, parser, namespace, values, option_string=None):
            steps = getattr(namespace, "steps", None) or []
            steps.append((kind, values))
            namespace.steps = steps
    return Action


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("image")
    ap.add_argument("--name", required=True, help="name of this run in FAIL lines")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--log", required=True)
    ap.add_argument("--expect-tests", action="store_true")
    ap.add_argument("--expect-text", action=step_action("expect"), dest="steps")
    ap.add_argument("--send-after", nargs=2, metavar=("TEXT", "LINE"),
                    action=step_action("line"), dest="steps")
    ap.add_argument("--send-raw-after", nargs=2, metavar=("TEXT", "DATA"),
                    action=step_action("raw"), dest="steps")
    ap.add_argument("--keys-after", nargs=2, metavar=("TEXT", "LINE"),
                    action=step_action("keys"), dest="steps")
    ap.add_argument("--forbid-text", action="append", default=[])
    ap.add_argument("--qemu-extra", default="")
    ap.add_argument("--disk", help="a raw image attached as a virtio-blk disk (tools/qemu.sh)")
    ap.add_argument("--sata-disk", help="a raw image attached as a second SATA disk (AHCI)")
    ap.add_argument("--nvme-disk", help="a raw image attached as an NVMe namespace")
    ap.add_argument("--summary-regex", default=SUMMARY.pattern)
    ap.add_argument("--tag", default="", help="prefix of this run's result names (a second "
                    "run of the same tests, e.g. with more CPUs)")
    a = ap.parse_args()
    summary_re = re.compile(a.summary_regex)

    passed = failed = 0
    summary = None
    steps = Steps()
    interactive = False
    for kind, val in a.steps or []:
        if kind == "expect":
            steps.add(val, None)
        elif kind == "keys":
            steps.add(val[0], ("keys", key_names(val[1])))
        else:
            data = val[1] + "\r" if kind == "line" else val[1].encode().decode("unicode_escape")
            steps.add(val[0], ("serial", data.encode()))
            interactive = True
    problem = None
    panic_lines = 0
    stdin = None
    if a.disk:
        os.environ["DISK"] = a.disk
    if a.sata_disk:
        os.environ["SATA_DISK"] = a.sata_disk
    if a.nvme_disk:
        os.environ["NVME_DISK"] = a.nvme_disk
    gen = run_qemu(a.image, a.timeout, a.log, a.qemu_extra + steps.qemu_args(), interactive)
    event = next(gen)
    if event[0] == "stdin":
        stdin = event[1]
        event = next(gen)
    while True:
        kind, val = event
        if kind in ("chunk", "chunk-end"):
            verdict = None
            if kind == "chunk":
                try:
                    steps.feed(val, stdin)
                except (BrokenPipeError, ConnectionError):
                    pass  # QEMU is gone: its exit comes next
            elif a.steps and not steps.pending and not a.expect_tests:
                verdict = "stop"  # everything seen, and this chunk's lines checked
            event = gen.send(verdict)
            if event[0] == "stopped":
                kind = "stopped"
                break
            continue
        if kind != "line":
            break
        verdict = None
        text = TIMESTAMP.sub("", val.strip())
        m = RESULT.match(text)
        if m:
            if a.tag:
                text = f"{m.group(1)}: {a.tag}/{text[len(m.group(1)) + 2:]}"
            print(text, flush=True)
            if m.group(1) == "PASS":
                passed += 1
            else:
                failed += 1
        s = summary_re.search(val)
        if s:
            summary = (int(s.group(1)), int(s.group(2)))
        for t in a.forbid_text:
            if t in val:
                problem = problem or f"forbidden output: {val.strip()}"
                verdict = "stop"
        if panic_lines:
            panic_lines += 1
            if panic_lines > 40 or PANIC_END in val:
                verdict = "stop"
        elif PANIC.search(val):
            problem = problem or f"kernel panic: {val.strip()}"
            panic_lines = 1
        event = gen.send(verdict)
        if event[0] == "stopped":
            kind = "stopped"
            break
    steps.close()
    if kind == "timeout" and problem is None:
        problem = f"timed out after {a.timeout:.0f}s"
    if kind == "timeout" and panic_lines:
        kind = "stopped"
    if problem is None and steps.pending:
        problem = f"never printed {steps.pending[0][0]!r}"
    if problem is None and a.expect_tests:
        if summary is None:
            problem = "the guest stopped before its test summary (crash or reset?)"
        elif passed + failed == 0:
            problem = "no test ran"
        elif summary != (passed, failed):
            problem = f"summary says {summary}, runner counted {(passed, failed)}"
        elif kind == "exit" and val != (1 if failed else 0):
            problem = f"unexpected exit status {val}"
    if problem:
        print(f"FAIL: qemu/{a.name}: {problem} (log: {a.log})", flush=True)
        return 1
    print(f"PASS: qemu/{a.name}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
