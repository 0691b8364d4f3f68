/* Loop devices (loop.c): /dev/loop0..7 at boot, more through /dev/loop-control. */
#ifndef BLOCK_LOOP_H
#define BLOCK_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct file_ops;
struct block_device;
/* Boot, before vfs_init: register /dev/loop-control (10:237) and loop0..7. */
void loop_init(void);
/* The file operations of an open of block device rdev when it is a loop device, else NULL. */
const struct file_ops *loop_file_ops_for(uint64_t rdev);

/* A file system mounted on bd starts (hold) or stops using it: for a loop device it counts as
 * an opener, as a mount does on Linux, so that an autoclear device (mount -o loop) stays bound
 * while mounted and detaches at the unmount. Other devices: nothing. */
void loop_holder(struct block_device *bd, bool hold);

#endif
