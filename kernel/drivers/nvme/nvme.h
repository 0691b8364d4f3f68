/* NVMe namespaces as block devices nvme0n1, ... (major 259). */
#ifndef DRIVERS_NVME_H
#define DRIVERS_NVME_H

/* Probe every NVMe controller (after pci_init and vfs_init): register its active namespaces
 * and their partitions. */
void nvme_init(void);

#endif
