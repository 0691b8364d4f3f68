/* Block devices on the NVMe scratch disk (/dev/nvme0n1, partitions nvme0n1p1 and p2): the cases
 * of blkdev_cases.h. */
#define AREA "blkdev_nvme"
#define DISK "nvme0n1"
#define PART "p"
#define DISK_MAJOR 259
#define DISK_MINOR 0
#define PCI_ID "1b360010"
#define PCI_DRIVER "nvme"
#include "blkdev_cases.h"
