/* libFuzzer harness for kernel/lib/ext2_disk.c (make host-fuzz): arbitrary bytes are an ext2
 * image; the superblock, group descriptors, inodes, block maps and directory records are walked
 * from the root (ext2_walk.h). Every block the checks accept must lie inside the image (the
 * walker traps otherwise) and ASan/UBSan catch any other bad access. */
#include "ext2_walk.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy: the parser must not read one byte past it (ASan checks the heap). */
	uint8_t *buf = malloc(size ? size : 1);
	struct ext2_img m;
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (ext2_img_open(&m, buf, size) == 0) {
		m.budget = 4096; /* keep each input fast */
		int r = ext2_img_walk_ino(&m, EXT2_ROOT_INO, 0);
		if (r > 0)
			__builtin_trap();
	}
	free(buf);
	return 0;
}
