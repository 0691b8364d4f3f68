/* ext2_read over the image with 4 KiB blocks, as a program of its own (at most 63 cases per
 * program). */
#define EXT2_READ_4K 1
#include "ext2_read.c"
