/* Block devices on the virtio-blk scratch disk (/dev/vda): the cases of blkdev_cases.h. */
#define AREA "blkdev"
#define DISK "vda"
#define DISK_MAJOR 254
#define DISK_MINOR 0
#define PCI_ID "1af41001"
#define PCI_DRIVER "virtio-pci"
#include "blkdev_cases.h"
