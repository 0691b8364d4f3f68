#!/usr/bin/env bash
# Writes the known file tree that the ext2 test images are made from (mke2fs -d <dir>):
# small and patterned files, a multi-block directory, a sparse file whose data sits behind a
# triple-indirect block with 1 KiB blocks, fast and slow symlinks, a hard link and a FIFO.
# tests/host/test_ext2_disk.c and tests/user/ext2_*.c check exactly these contents.
# Usage: tools/mkext2tree.sh <dir>   (the directory is emptied first)
set -euo pipefail
dir=$1
rm -rf "$dir"
mkdir -p "$dir/dir/sub" "$dir/dir/many"
printf 'hello, ext2\n' > "$dir/hello.txt"
printf 'deep\n' > "$dir/dir/sub/deep.txt"
# byte i of "big" is (i * 131 + (i >> 10)) & 0xff: 300 KiB reaches the double-indirect block
python3 -c '
import sys
n = 300 * 1024
sys.stdout.buffer.write(bytes(((i * 131 + (i >> 10)) & 0xff) for i in range(n)))' > "$dir/big"
truncate -s $((70 * 1024 * 1024)) "$dir/sparse"
printf 'tail\n' >> "$dir/sparse"
for i in $(seq -w 0 199); do printf '%s\n' "$i" > "$dir/dir/many/f$i"; done
ln -s hello.txt "$dir/fast"
ln -s "$(printf './%.0s' $(seq 1 40))dir/sub/deep.txt" "$dir/slow"
ln "$dir/hello.txt" "$dir/link.txt"
mkfifo "$dir/fifo"
chmod 0640 "$dir/hello.txt"
