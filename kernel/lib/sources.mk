# Freestanding library code (also compiled on the host by tests/host).
# What ATA and NVMe devices report, decoded and checked (the AHCI and NVMe drivers).
KERNEL_OBJS += lib/ata_identify.o lib/nvme_parse.o
KERNEL_OBJS += lib/printf.o lib/string.o lib/elf.o lib/chacha20.o lib/cmdline.o lib/cpio.o lib/pci_parse.o lib/virtq_check.o lib/crc32.o lib/partition_parse.o
