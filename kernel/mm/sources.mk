# Memory management objects.
KERNEL_OBJS += mm/buddy.o mm/paging.o mm/phys.o mm/kvm.o mm/vmap.o mm/kmalloc.o mm/mm_test.o
# User address spaces (mm/vm.h) and their system calls.
KERNEL_OBJS += mm/page_ref.o mm/vm.o mm/vma.o mm/map.o mm/fault.o mm/cow.o mm/shared_anon.o \
	mm/file_map.o mm/remap.o mm/madvise.o mm/brk.o mm/mm_syscalls.o mm/vm_test.o \
	mm/pagemap.o mm/mlock.o mm/tlb.o
# process_vm_readv / process_vm_writev.
KERNEL_OBJS += mm/process_vm.o
