/* Loop devices (loop.c): /dev/loop0..7 at boot, more through /dev/loop-control. */
#ifndef BLOCK_LOOP_H
#define BLOCK_LOOP_H

#include <stdint.h>

struct file_ops;
/* Boot, before vfs_init: register /dev/loop-control (10:237) and loop0..7. */
void loop_init(void);
/* The file operations of an open of block device rdev when it is a loop device, else NULL. */
const struct file_ops *loop_file_ops_for(uint64_t rdev);

#endif
