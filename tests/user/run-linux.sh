#!/usr/bin/env bash
# Runs user tests whose expectations are Linux's (USER_LINUX_TEST_NAMES in user/user.mk) on this
# host's Linux, the same static musl binaries the guest runs, and echoes their result lines
# renamed user/... -> user-linux/... so that they do not collide with the in-guest run. A
# program that hangs, crashes, or exits without its counts adding up is one more failure.
# Output goes through a file, not a pipe: a process a test leaves behind cannot hold us up.
# Usage: run-linux.sh BINARY...
set -uo pipefail
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
for bin in "$@"; do
	name=$(basename "$bin")
	timeout -k 5 120 "$bin" > "$out" 2>&1 < /dev/null
	st=$?
	sed -E 's#^(PASS|FAIL|SKIP): user/#\1: user-linux/#' "$out"
	passed=$(grep -c '^PASS: ' "$out")
	failed=$(grep -c '^FAIL: ' "$out")
	# test.h: the exit status carries the counts (passes in bits 0-5, failures in 6-7).
	want=$(( (passed > 63 ? 63 : passed) | (failed > 3 ? 3 : failed) << 6 ))
	if [[ $st -ne $want ]]; then
		echo "FAIL: user-linux/$name: exited with status $st (timeout: 124), want $want"
		status=1
	elif [[ $failed -ne 0 ]]; then
		status=1
	fi
done
exit $status
