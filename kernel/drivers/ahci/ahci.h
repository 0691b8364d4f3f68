/* AHCI SATA disks as block devices sda, sdb, ... (major 8). */
#ifndef DRIVERS_AHCI_H
#define DRIVERS_AHCI_H

/* Probe every AHCI controller (after pci_init and vfs_init): register each port's ATA disk and
 * its partitions. */
void ahci_init(void);

#endif
