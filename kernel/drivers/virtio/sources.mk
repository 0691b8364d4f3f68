# virtio: the modern PCI transport (virtio_pci.c), split virtqueues (virtqueue.c), and the
# block driver (virtio_blk.c); self-tests of the used-ring checks (virtqueue_test.c).
KERNEL_OBJS += drivers/virtio/virtio_pci.o drivers/virtio/virtqueue.o drivers/virtio/virtio_blk.o \
	drivers/virtio/virtqueue_test.o
