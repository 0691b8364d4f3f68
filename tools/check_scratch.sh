#!/usr/bin/env bash
# After a user-test run: the mark tests/user/blkdev*.c wrote through partition 2 (1 MiB into it)
# must be in the scratch disk's file on the host, and the GPT sgdisk made must still verify.
set -uo pipefail
img=$1
name=$(basename "$img" .img) # scratch-disk, scratch-sata, scratch-nvme: one name per disk
mark=$(dd if="$img" bs=1 skip=$(( 10240 * 512 + (1 << 20) )) count=18 status=none)
if [[ $mark == ZERO-OS-GUEST-MARK ]]; then
	echo "PASS: host/$name/guest_mark"
else
	echo "FAIL: host/$name/guest_mark: found '$mark'"
	exit 1
fi
if sgdisk -v "$img" | grep -q 'No problems found'; then
	echo "PASS: host/$name/gpt_intact"
else
	echo "FAIL: host/$name/gpt_intact: sgdisk -v reports problems"
	exit 1
fi
