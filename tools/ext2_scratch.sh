#!/usr/bin/env bash
# The scratch disk's ext2 area for tests/user/ext2_disk.c (a loop device over part of vda2). Usage:
#   tools/ext2_scratch.sh put <disk> <image>   copy the ext2 image to 6.5 MiB into vda2 (which
#                                              starts at sector 10240 in tools/mkscratch.sh's
#                                              layout; tests/user/blkdev.c writes below that)
#   tools/ext2_scratch.sh check <disk>         after the run: e2fsck -fn over it must be clean
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
		echo "PASS: host/scratch_disk/ext2_fsck_clean"
	else
		echo "$out" | tail -n 20
		echo "FAIL: host/scratch_disk/ext2_fsck_clean: e2fsck -fn found problems"
		exit 1
	fi
	;;
*)
	echo "usage: $0 put <disk> <image> | check <disk>" >&2
	exit 2
	;;
esac
