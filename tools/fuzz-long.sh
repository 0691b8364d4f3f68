#!/usr/bin/env bash
# `make fuzz-long`: boots an image whose init runs the multi-threaded syscall fuzzer over a range
# of seeds (tests/user/fuzz_mt.c: fuzz_mt SEED_FIRST SEED_LAST ROUNDS CALLS [ACTIONS]), then
# prints its totals and whether the kernel panicked, judged from the serial log.
# Usage: tools/fuzz-long.sh IMAGE LOG TIMEOUT_SECONDS
set -uo pipefail
image=$1 log=$2 timeout=$3
start=$(date +%s)
tests/qemu/run.py "$image" --name fuzz-long --timeout "$timeout" --log "$log" \
	--expect-text 'fuzz_mt: end' --forbid-text 'KERNEL PANIC' # a panic ends the run
st=$?
# The totals line, or the last seed's progress line if the run ended early (a panic, a hang).
totals=$(grep -a 'fuzz_mt: totals:' "$log" | tail -n 1 | tr -d '\r')
[[ -n $totals ]] || totals="no totals; last progress: $(grep -a 'fuzz_mt: seed .* done' "$log" |
	tail -n 1 | tr -d '\r')"
panics=$(grep -acE 'KERNEL PANIC|EXCEPTION .* in kernel mode' "$log")
echo "fuzz-long: ${totals#fuzz_mt: }"
echo "fuzz-long: panics: $((panics > 0 ? 1 : 0)); $(($(date +%s) - start)) s of wall time;" \
	"log: $log"
exit $((st != 0 || panics > 0))
