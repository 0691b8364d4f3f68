#!/bin/sh
# The busybox compatibility suite's runner (POSIX sh; runs under busybox's ash on Zero-OS and on
# Linux). Each case NN-area.sh beside it runs under sh in a fresh scratch directory, stdin from
# /dev/null, its stdout and stderr together compared exactly with NN-area.out. Prints
# "PASS: busybox/NN-area" or "FAIL: busybox/NN-area" and a diff, then "busybox: N passed,
# M failed"; exits 1 if any case failed. Usage: run.sh [NN-area ...] (default: every case).
# SUITE=name replaces "busybox" in those lines (run-host.sh says busybox-linux).
CASE_TIMEOUT=120 # seconds: a hung case fails alone instead of stopping the suite
tag=${SUITE:-busybox}

# No command substitution here: the runner itself needs no pipe, so that a kernel without one
# still gets each case reported.
case $0 in
*/*) suite=${0%/*} ;;
*) suite=. ;;
esac
case $suite in
/*) ;;
*) suite=$PWD/$suite ;;
esac
scratch=${TMPDIR:-/tmp}/busybox-suite.$$
mkdir -p "$scratch" || exit 1

if [ $# -eq 0 ]; then
	for f in "$suite"/[0-9][0-9]-*.sh; do
		name=${f##*/}
		set -- "$@" "${name%.sh}"
	done
fi

# What the cases may rely on, wherever they run.
umask 022
export PATH="${PATH:-/bin:/sbin:/usr/bin:/usr/sbin}" LC_ALL=C TZ=UTC HOME="$scratch"
unset LANG LANGUAGE CDPATH ENV

passed=0
failed=0
for name in "$@"; do
	work=$scratch/$name
	out=$scratch/$name.actual
	mkdir "$work" || exit 1
	(cd "$work" && exec timeout "$CASE_TIMEOUT" sh "$suite/$name.sh") </dev/null >"$out" 2>&1
	if cmp -s "$suite/$name.out" "$out"; then
		echo "PASS: $tag/$name"
		passed=$((passed + 1))
	else
		echo "FAIL: $tag/$name"
		diff -u "$suite/$name.out" "$out"
		failed=$((failed + 1))
	fi
done
cd / && rm -rf "$scratch"
echo "$tag: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
