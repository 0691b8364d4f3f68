#!/usr/bin/env bash
# `make test`: runs every test layer, echoes each "PASS:"/"FAIL:" line, and ends with
# "N passed, N failed". Exits non-zero if anything failed, timed out, or if no test ran.
# Layers: host unit tests (ASan/UBSan), libFuzzer runs over the ELF and cpio parsers, the
# loader's refusal of a corrupt kernel, the `make run` image booting to a shell prompt and a
# session typed into our shell (zero-sh) over the serial console and the keyboard, in-kernel
# self-tests under QEMU, user-space tests (tests/user, run by init) under QEMU and those of them
# that assert Linux's behaviour on the host's Linux too (user-linux), and a musl program whose
# output must match the host Linux's (tests/compat), Debian's busybox running its compatibility
# suite on Linux and on Zero-OS (tests/compat/busybox), and every benchmark run once on Zero-OS
# for correctness (bench/).
set -uo pipefail
BUILD=${BUILD:-build}
MAKE=${MAKE:-make}
logs=$BUILD/test-logs
mkdir -p "$logs"
results=$logs/results.txt
: > "$results"

layer() { # name, command...: run a layer, keep its result lines, never stop the suite
	local name=$1; shift
	echo "== $name"
	"$@" 2>&1 | tee "$logs/$name.out" | grep -E '^(PASS|FAIL): ' | tee -a "$results"
	local st=${PIPESTATUS[0]}
	if [[ $st -ne 0 ]] && ! grep -q '^FAIL: ' "$logs/$name.out"; then
		echo "FAIL: $name: exited with status $st without a failing test (see $logs/$name.out)" |
			tee -a "$results"
	fi
}

layer host $MAKE --no-print-directory -s BUILD="$BUILD" host-tests
layer host-fuzz $MAKE --no-print-directory -s BUILD="$BUILD" host-fuzz
$MAKE --no-print-directory -s BUILD="$BUILD" qemu-test-images >"$logs/images.out" 2>&1 ||
	echo "FAIL: build/test-images: see $logs/images.out" | tee -a "$results"
layer loader tests/qemu/run.py "$BUILD/test/corrupt-kernel.img" --name loader-rejects-corrupt-kernel \
	--timeout 60 --log "$logs/corrupt-kernel.log" \
	--expect-text "loader: kernel.elf is not a valid kernel image" \
	--expect-text "refusing to boot" --forbid-text "Zero-OS kernel starting"
# What `make run` shows: the boot log's milestones, then busybox's shell on the console.
layer boot tests/qemu/run.py "$BUILD/zero-os.img" --name make-run-boots-to-shell --timeout 60 \
	--log "$logs/boot.log" --expect-text "cpu: protections on" --expect-text "memory:" \
	--expect-text "random: ChaCha20 CSPRNG seeded" --expect-text "W^X audit passed" \
	--expect-text "built-in shell (ash)" --expect-text "Enter 'help' for a list of built-in commands."
# The same image, typed at over the serial console: busybox's shell replaced by ours (zero-sh),
# then commands, a pipeline, ^C at the prompt, a job stopped with ^Z and brought back with fg,
# ^D ending its input; after `exit`, init starts /bin/sh anew, and our shell, started again,
# takes a line from the PS/2 keyboard (the framebuffer console's input). Typed text is echoed,
# so each expected output differs from the command line that makes it; "zero-sh: " starts the
# shell's error messages (its prompt has no space after the colon).
ASH_READY="Enter 'help' for a list of built-in commands."
layer interactive tests/qemu/run.py "$BUILD/zero-os.img" --name shell-interactive --timeout 90 \
	--forbid-text "zero-sh: " --log "$logs/interactive.log" \
	--expect-text "$ASH_READY" --send-after "/ # " 'exec /bin/zero-sh' \
	--send-after "zero-sh:/# " 'echo hel""lo' --expect-text $'\nhello\r' \
	--send-after "zero-sh:/# " 'cd /tmp; pwd' --expect-text $'\n/tmp\r' \
	--send-after "zero-sh:/tmp# " 'echo piped | /tests/upper | /tests/upper | /tests/upper' \
	--expect-text "PIPED" \
	--send-raw-after "zero-sh:/tmp# " '\x03' --expect-text "^C" \
	--send-after "zero-sh:/tmp# " '/tests/upper' --send-after "/tests/upper" 'typed' \
	--send-raw-after "TYPED" '\x1a' --expect-text "[1]+ Stopped" \
	--send-after "zero-sh:/tmp# " 'jobs' --expect-text "[1]+ Stopped" \
	--send-after "zero-sh:/tmp# " 'fg' --send-after "/tests/upper" 'again' \
	--send-raw-after "AGAIN" '\x04' \
	--send-after "zero-sh:/tmp# " 'echo after-""interrupt; exit 3' --expect-text "after-interrupt" \
	--expect-text "exited with status 3" \
	--expect-text "$ASH_READY" --send-after "/ # " 'exec /bin/zero-sh' \
	--keys-after "zero-sh:/# " 'echo "key"board | /tests/upper' --expect-text $'\nKEYBOARD\r'
# busybox's ash as a person uses it on the serial console: line editing (backspace, cursor
# keys), history, tab completion, ^C interrupting a sleep, ^Z stopping a job and fg resuming
# it, a sleep stopped and resumed that sleeps on (regression: it ended at once). Each
# keystroke waits for proof that its target runs (its output), never for time.
layer interactive-ash tests/qemu/run.py "$BUILD/zero-os.img" --name ash-interactive \
	--timeout 120 --log "$logs/interactive-ash.log" --expect-text "$ASH_READY" \
	--send-raw-after "/ # " 'echo abX\x7fc\r' --expect-text $'\nabc\r' \
	--send-raw-after "/ # " 'echo bd\x1b[D\x1b[Dx\x1b[Cc\r' --expect-text $'\nxbcd\r' \
	--send-after "/ # " 'echo hist-one' --expect-text $'\nhist-one\r' \
	--send-raw-after "/ # " '\x1b[A\r' --expect-text $'\nhist-one\r' \
	--send-raw-after "/ # " 'ech\ttabbed\r' --expect-text $'\ntabbed\r' \
	--send-after "/ # " "sh -c 'echo sl\"\"eeping; exec sleep 100'" \
	--send-raw-after $'\nsleeping' '\x03' \
	--send-after "/ # " 'echo after-""int' --expect-text $'\nafter-int\r' \
	--send-after "/ # " 'tr a-z A-Z' --send-after "tr a-z A-Z" 'typed' \
	--send-raw-after "TYPED" '\x1a' --expect-text "Stopped" \
	--send-after "/ # " 'jobs' --expect-text "tr a-z A-Z" \
	--send-after "/ # " 'fg' --send-after "tr a-z A-Z" 'again' \
	--send-raw-after "AGAIN" '\x03' \
	--send-after "/ # " 'echo done-""fg; jobs' --expect-text $'\ndone-fg\r' \
	--send-after "/ # " "sh -c 'echo zz\"\"sleeping; sleep 100; echo finished-\"\"early'" \
	--send-raw-after $'\nzzsleeping' '\x1a' --expect-text "Stopped" \
	--send-after "/ # " 'fg' --send-raw-after 'early"' '\x03' \
	--send-after "/ # " 'echo after-""stop' --expect-text $'\nafter-stop\r' \
	--forbid-text "finished-early"
layer kernel tests/qemu/run.py "$BUILD/test/ktest.img" --name ktest --timeout 120 \
	--log "$logs/ktest.log" --expect-tests
layer initrd tests/qemu/run.py "$BUILD/test/corrupt-initrd.img" --name corrupt-initramfs-refused \
	--timeout 60 --log "$logs/corrupt-initrd.log" \
	--expect-text "initramfs: corrupt archive" --expect-text "init: cannot run /sbin/init" \
	--forbid-text "Zero-OS init"
# With a fresh scratch disk as /dev/vda (tests/user/blkdev.c), whose contents the host checks
# afterwards: the guest's writes reached the image (docs/storage.md).
# A third disk behind QEMU's blkdebug fails reads of one sector (tests/user/blkdev_eio.c).
scratch=$BUILD/test/scratch-disk.img scratch_sata=$BUILD/test/scratch-sata.img
scratch_nvme=$BUILD/test/scratch-nvme.img scratch_eio=$(realpath -m "$BUILD/test/scratch-eio.img")
{ tools/mkscratch.sh "$scratch" && tools/mkscratch.sh "$scratch_sata" &&
	tools/mkscratch.sh "$scratch_nvme" && tools/mkscratch.sh "$scratch_eio"; } ||
	echo "FAIL: build/scratch-disk" | tee -a "$results"
eio_args="-drive file=blkdebug:$(realpath tests/qemu/blkdebug-eio.conf):$scratch_eio"
eio_args+=",if=none,id=eiodisk,format=raw -device virtio-blk-pci,drive=eiodisk"
layer user tests/qemu/run.py "$BUILD/test/usertest.img" --name usertest --timeout 300 \
	--log "$logs/usertest.log" --expect-tests --disk "$scratch" --sata-disk "$scratch_sata" \
	--nvme-disk "$scratch_nvme" --qemu-extra "$eio_args" \
	--summary-regex 'usertest: (\d+) passed, (\d+) failed'
layer user-disk tools/check_scratch.sh "$scratch"
layer user-sata-disk tools/check_scratch.sh "$scratch_sata"
layer user-nvme-disk tools/check_scratch.sh "$scratch_nvme"
# Again with four CPUs (the multi-threaded fuzzer included), then the lock validator's build
# (make LOCKDEP=1, kernel/core/lockdep.h): its self-tests and the user layer at two CPUs, where
# any report ("lockdep: ...") fails the run.
layer user-smp4 env QEMU_SMP=4 tests/qemu/run.py "$BUILD/test/usertest.img" --name usertest-smp4 \
	--tag smp4 --timeout 600 --log "$logs/usertest-smp4.log" --expect-tests \
	--summary-regex 'usertest: (\d+) passed, (\d+) failed'
ld_build=$BUILD-lockdep
$MAKE --no-print-directory -s BUILD="$ld_build" LOCKDEP=1 "$ld_build/test/ktest.img" \
	"$ld_build/test/usertest.img" >"$logs/lockdep-images.out" 2>&1 ||
	echo "FAIL: build/lockdep-images: see $logs/lockdep-images.out" | tee -a "$results"
layer kernel-lockdep env QEMU_SMP=2 tests/qemu/run.py "$ld_build/test/ktest.img" \
	--name ktest-lockdep --tag lockdep --timeout 200 --log "$logs/ktest-lockdep.log" \
	--expect-tests --forbid-text "lockdep:"
layer user-lockdep env QEMU_SMP=2 tests/qemu/run.py "$ld_build/test/usertest.img" \
	--name usertest-lockdep --tag lockdep --timeout 600 --log "$logs/usertest-lockdep.log" \
	--expect-tests --summary-regex 'usertest: (\d+) passed, (\d+) failed' --forbid-text "lockdep:"
# The user tests whose expectations are Linux's (the sleep matrix), on this host's Linux.
layer user-linux $MAKE --no-print-directory -s BUILD="$BUILD" user-linux-test
layer compat tests/compat/run.sh "$BUILD/user/root/bin/compat_demo" "$BUILD/test/compat.img" \
	"$logs/compat.log"
# Debian's busybox: its compatibility suite on this host's Linux (proving the expected outputs),
# then inside Zero-OS.
layer busybox-linux tests/compat/busybox/run-host.sh
layer busybox tests/qemu/run.py "$BUILD/test/busybox.img" --name busybox --timeout 600 \
	--log "$logs/busybox.log" --expect-tests \
	--summary-regex 'busybox: (\d+) passed, (\d+) failed'
# LTP's tests that pass today (tests/ltp/pass.txt): a listed test that fails fails the
# suite. Needs ../shared/ltp (docs/ltp.md); without it the layer says so and adds no result.
ltp_tar=$($MAKE --no-print-directory -s BUILD="$BUILD" ltp-tar-path 2>/dev/null)
if [[ -n $ltp_tar ]]; then
	layer ltp $MAKE --no-print-directory -s BUILD="$BUILD" ltp-pass
else
	echo "== ltp: skipped: no LTP tarball (../shared/ltp or /work/shared/ltp; docs/ltp.md)"
fi
# The benchmark binary once on Zero-OS, for correctness (timings come from `make bench`).
layer bench $MAKE --no-print-directory -s BUILD="$BUILD" bench-check

passed=$(grep -c '^PASS: ' "$results")
failed=$(grep -c '^FAIL: ' "$results")
echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
