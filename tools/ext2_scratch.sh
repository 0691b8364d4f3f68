#!/usr/bin/env bash
# The scratch disk's ext2 area for tests/user/ext2_disk.c (a loop device over part of vda2). Usage:
#   tools/ext2_scratch.sh put <disk> <image>   copy the ext2 image to 6.5 MiB into vda2 (which
#                                              starts at sector 10240 in tools/mkscratch.sh's
#                                              layout; tests/user/blkdev.c writes below that)
#   tools/ext2_scratch.sh check <disk>         after the run: e2fsck -fn over it must be clean
#   tools/ext2_scratch.sh crash <disk>         after ext2_crash was killed: e2fsck -fp repairs it,
#                                              and the file it fsync'd is intact
set -uo pipefail
start=$((10240 + 13312))
sectors=8192
case $1 in
put)
	dd if="$3" of="$2" bs=512 seek=$start count=$sectors conv=notrunc status=none
	;;
check)
	part=$(mktemp)
	trap 'rm -f "$part"' EXIT
	dd if="$2" of="$part" bs=512 skip=$start count=$sectors status=none
	if out=$(e2fsck -fn "$part" 2>&1); then
		echo "PASS: host/scratch-disk/ext2_fsck_clean"
	else
		echo "$out" | tail -n 20
		echo "FAIL: host/scratch-disk/ext2_fsck_clean: e2fsck -fn found problems"
		exit 1
	fi
	;;
crash)
	# QEMU was killed in the middle of writes (tests/user/ext2_crash.c): e2fsck -p repairs
	# what the lost writes left (exit 0 or 1), then the area is clean, and the file the guest
	# fsync'd before is intact.
	part=$(mktemp)
	out=$(mktemp)
	trap 'rm -f "$part" "$out"' EXIT
	dd if="$2" of="$part" bs=512 skip=$start count=$sectors status=none
	e2fsck -fp "$part" > "$out" 2>&1
	rc=$?
	if [[ $rc -le 1 ]]; then
		echo "PASS: host/ext2_crash/e2fsck_p_repairs (exit $rc)"
	else
		tail -n 20 "$out"
		echo "FAIL: host/ext2_crash/e2fsck_p_repairs: exit $rc"
		exit 1
	fi
	if e2fsck -fn "$part" > "$out" 2>&1; then
		echo "PASS: host/ext2_crash/clean_after_repair"
	else
		tail -n 20 "$out"
		echo "FAIL: host/ext2_crash/clean_after_repair"
		exit 1
	fi
	debugfs -R "dump /fsynced $out" "$part" > /dev/null 2>&1
	if python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
sys.exit(0 if d == bytes((i * 7 + 3) & 0xff for i in range(200 * 1024)) else 1)' "$out"; then
		echo "PASS: host/ext2_crash/fsynced_file_intact"
	else
		echo "FAIL: host/ext2_crash/fsynced_file_intact: /fsynced differs or is missing"
		exit 1
	fi
	;;
*)
	echo "usage: $0 put <disk> <image> | check <disk> | crash <disk>" >&2
	exit 2
	;;
esac
