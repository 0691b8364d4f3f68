# The block layer: the device registry and sector I/O (blkdev.c), the device files
# (blkdev_file.c), partition tables (partition.c), self-tests on a RAM disk (blkdev_test.c).
KERNEL_OBJS += block/blkdev.o block/blkdev_file.o block/partition.o block/blkdev_test.o
