# Memory management objects.
KERNEL_OBJS += mm/buddy.o mm/paging.o mm/phys.o mm/kvm.o mm/vmap.o mm/kmalloc.o mm/mm_test.o
