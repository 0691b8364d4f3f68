# virtio: the modern PCI transport (virtio_pci.c), split virtqueues (virtqueue.c), and the
# block driver (virtio_blk.c).
KERNEL_OBJS += drivers/virtio/virtio_pci.o drivers/virtio/virtqueue.o drivers/virtio/virtio_blk.o
