#!/usr/bin/env bash
# After a user-test run: the mark tests/user/blkdev.c wrote through /dev/vda2 (1 MiB into it)
# must be in the scratch disk's file on the host, and the GPT sgdisk made must still verify.
set -uo pipefail
img=$1
mark=$(dd if="$img" bs=1 skip=$(( 10240 * 512 + (1 << 20) )) count=18 status=none)
if [[ $mark == ZERO-OS-GUEST-MARK ]]; then
	echo "PASS: host/scratch_disk/guest_mark"
else
	echo "FAIL: host/scratch_disk/guest_mark: found '$mark'"
	exit 1
fi
if sgdisk -v "$img" | grep -q 'No problems found'; then
	echo "PASS: host/scratch_disk/gpt_intact"
else
	echo "FAIL: host/scratch_disk/gpt_intact: sgdisk -v reports problems"
	exit 1
fi
