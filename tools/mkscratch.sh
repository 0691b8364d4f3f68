#!/usr/bin/env bash
# Makes the scratch disk the user tests get as /dev/vda (tests/user/blkdev.c): 16 MiB, a GPT with
# vda1 = sectors 2048-10239 and vda2 = 10240 to the last usable sector, and a pattern written by
# the host at the start of vda2. Made afresh for every run, in build/ (never committed).
set -euo pipefail
img=$1
rm -f "$img"
truncate -s 16M "$img"
sgdisk -n 1:2048:10239 -n 2:10240:0 "$img" >/dev/null 2>&1
printf 'ZERO-OS-HOST-PATTERN' | dd of="$img" bs=512 seek=10240 conv=notrunc status=none
