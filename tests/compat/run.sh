#!/usr/bin/env bash
# Runs the compatibility demo (tests/compat/demo.c, a static musl binary) on the host's Linux and
# inside Zero-OS (an image whose init runs it), and requires the same output between its
# "compat: begin" and "compat: end" lines. Prints one PASS:/FAIL: line.
# Usage: run.sh BINARY IMAGE LOG
set -uo pipefail
bin=$1 image=$2 log=$3
name=compat/musl-demo-output-matches-linux
expected=$(mktemp) actual=$(mktemp)
trap 'rm -f "$expected" "$actual"' EXIT

extract() { tr -d '\r' | sed -n '/^compat: begin$/,/^compat: end$/p'; }

"$bin" | extract > "$expected"
if ! grep -q '^compat: end$' "$expected"; then
	echo "FAIL: $name: the demo did not complete on the host"
	exit 1
fi
# The guest powers off when the demo (run by init) exits; the timeout only stops a hang.
timeout 120 "$(dirname "$0")/../../tools/qemu.sh" test "$image" > "$log" 2>&1 < /dev/null
extract < "$log" | grep -v '^\[ *[0-9]*\.[0-9]*\] ' > "$actual"
if diff -u "$expected" "$actual" > "$log.diff"; then
	echo "PASS: $name"
else
	echo "FAIL: $name: output differs from Linux (see $log.diff)"
	exit 1
fi
