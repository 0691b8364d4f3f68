#!/bin/sh
# Runs the busybox compatibility suite on this host's Linux with the same busybox Zero-OS
# carries (Debian's busybox-static, /bin/busybox): a directory of applet links is the whole PATH,
# so every command, the shell included, is busybox's and none is coreutils'. The expected
# outputs are Linux's when this reports 100%. Usage: run-host.sh [NN-area ...]
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || { echo "run-host.sh: no $busybox (tools/deps.sh installs busybox-static)" >&2; exit 1; }
bin=$(mktemp -d "${TMPDIR:-/tmp}/busybox-bin.XXXXXX") || exit 1
trap 'rm -rf "$bin"' EXIT
for applet in $("$busybox" --list); do
	ln -s "$busybox" "$bin/$applet" || exit 1
done
# Signals start at their defaults, as for init's children in Zero-OS: a shell started in the
# background by a non-interactive shell inherits SIGINT and SIGQUIT ignored (Python, the tool
# that resets them, ignores SIGPIPE and SIGXFSZ), and POSIX forbids trapping what was ignored
# on entry, so the trap cases would differ.
python=$(command -v python3) || { echo "run-host.sh: python3 is missing" >&2; exit 1; }
SUITE=busybox-linux "$python" -c 'import os, signal, sys
for s in (signal.SIGINT, signal.SIGQUIT, signal.SIGPIPE, signal.SIGXFSZ):
    signal.signal(s, signal.SIG_DFL)
os.environ["PATH"] = sys.argv[1]
os.execv(sys.argv[2], sys.argv[2:])' "$bin" "$busybox" sh "$(dirname "$0")/run.sh" "$@"
