/* The boot initramfs (a cpio newc archive the loader hands over) unpacked into the root tmpfs:
 * files, directories and symlinks with their modes, owners and times. The archive is checked
 * as a whole first: a corrupt one is reported and nothing of it is unpacked (so nothing half
 * unpacked can run). */
#ifndef FS_INITRAMFS_H
#define FS_INITRAMFS_H

#include <stdint.h>

/* Unpack the archive at physical [base, base + size) (size 0: none) into "/". Returns the
 * number of entries unpacked, or -errno (-EINVAL for a corrupt archive). */
long initramfs_unpack(uint64_t phys_base, uint64_t size);

#endif
