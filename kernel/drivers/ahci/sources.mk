# AHCI SATA controllers (ahci.c).
KERNEL_OBJS += drivers/ahci/ahci.o
