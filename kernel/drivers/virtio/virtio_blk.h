/* virtio-blk disks as block devices vda, vdb, ... (major 254). */
#ifndef DRIVERS_VIRTIO_BLK_H
#define DRIVERS_VIRTIO_BLK_H

/* Probe every virtio-blk PCI function (after pci_init and vfs_init), register its disk and
 * its partitions. */
void virtio_blk_init(void);

#endif
