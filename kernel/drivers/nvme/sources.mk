# NVMe controllers (nvme.c).
KERNEL_OBJS += drivers/nvme/nvme.o
