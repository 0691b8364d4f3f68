/* Block devices on the AHCI (SATA) scratch disk, the q35 controller's second port (/dev/sdb;
 * sda is the boot disk): the cases of blkdev_cases.h. */
#define AREA "blkdev_sata"
#define DISK "sdb"
#define DISK_MAJOR 8
#define DISK_MINOR 16
#define PCI_ID "80862922"
#define PCI_DRIVER "ahci"
#include "blkdev_cases.h"
