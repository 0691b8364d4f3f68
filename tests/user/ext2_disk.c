/* ext2_write on 4 MiB of the scratch disk's vda2 through a loop device (holding the 1 KiB-block
 * test image: tools/ext2_scratch.sh), so that the host can check the result with e2fsck -fn. */
#define EXT2_ON_DISK 1
#include "ext2_write.c"
