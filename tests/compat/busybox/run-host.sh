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
PATH=$bin SUITE=busybox-linux "$busybox" sh "$(dirname "$0")/run.sh" "$@"
