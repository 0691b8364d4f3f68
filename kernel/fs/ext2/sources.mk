# ext2 (docs/ext2.md): mounting, statfs and the block cache (super.c), in-memory inodes and the
# block map (inode.c), directories (dir.c), file and symlink contents (file.c), block and inode
# allocation (alloc.c), directory changes (namei.c), pages of shared mappings (mmap.c). The
# on-disk format's checks are kernel/lib/ext2_disk.c.
KERNEL_OBJS += fs/ext2/super.o fs/ext2/inode.o fs/ext2/dir.o fs/ext2/file.o fs/ext2/alloc.o \
	fs/ext2/namei.o fs/ext2/mmap.o
