/* mmap, munmap, mprotect, mremap, msync, madvise and brk: argument checking with Linux's
 * semantics and errors, then the address-space operations of mm/vm.h on the caller's space.
 * A file is mapped privately (pages are copies read at fault time) or shared (the file's
 * pages) when its file system can (file_ops.read_page, map_page: tmpfs), else -ENODEV
 * (directories, pipes, devices, procfs). W^X: PROT_WRITE|PROT_EXEC is refused with -EACCES by
 * mmap and mprotect alike. */
#include <fs/memfd.h>
#include <mm/vm.h>
#include <mm/layout.h>
#include <fs/vfs.h>
#include <fs/fdtable.h>
#include <syscall/syscall.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/mman.h>
#include <uapi/zero/cap.h>

/* Flags accepted by mmap; MAP_NORESERVE, MAP_STACK, MAP_DENYWRITE, MAP_EXECUTABLE,
 * MAP_NONBLOCK and MAP_UNINITIALIZED change nothing here (no overcommit accounting, no write
 * denial, pages always zeroed). */
#define MMAP_KNOWN_FLAGS                                                                         \
	(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE | \
	 MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK |                 \
	 MAP_FIXED_NOREPLACE | MAP_UNINITIALIZED)
#define PROT_KNOWN (PROT_READ | PROT_WRITE | PROT_EXEC)

static int prot_to_vm(uint64_t prot, uint32_t *vm_flags)
{
	if (prot & ~(uint64_t)PROT_KNOWN)
		return -EINVAL;
	*vm_flags = (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
		    (prot & PROT_EXEC ? VM_EXEC : 0);
	if ((*vm_flags & VM_WRITE) && (*vm_flags & VM_EXEC))
		return -EACCES; /* W^X */
	return 0;
}

static int mmap_flags_to_vm(uint64_t flags, uint32_t *vm_flags)
{
	/* MAP_SHARED_VALIDATE exists to refuse what the kernel does not know (mmap(2)). */
	if (flags & ~(uint64_t)MMAP_KNOWN_FLAGS)
		return (flags & MAP_TYPE) == MAP_SHARED_VALIDATE ? -EOPNOTSUPP : -EINVAL;
	switch (flags & MAP_TYPE) {
	case MAP_PRIVATE:
		break;
	case MAP_SHARED:
	case MAP_SHARED_VALIDATE:
		*vm_flags |= VM_SHARED;
		break;
	default:
		return -EINVAL;
	}
	if (flags & MAP_GROWSDOWN)
		*vm_flags |= VM_GROWSDOWN;
	return 0;
}

/* Whether f's file system can map it privately, or shared. */
static bool can_map(const struct file *f, bool shared)
{
	if (!f->ops || !S_ISREG(f->inode->mode))
		return false;
	return shared ? f->ops->map_page != NULL : f->ops->read_page != NULL;
}

static bool fd_is_open(int fd)
{
	struct file *f = fd_get(fd);
	if (f)
		file_put(f);
	return f != NULL;
}

/* The open file behind fd if it may be mapped with *vm_flags (referenced in *file; a shared
 * mapping of a file not open for writing gets VM_RDONLY_FILE): 0, or -EBADF (no such
 * descriptor, O_PATH), -ENOTCAPABLE (no ZERO_CAP_MMAP right), -EACCES (not open for reading;
 * shared and writable but not open for writing), -ENODEV (nothing its file system can map). */
static int mappable_file(int fd, uint32_t *vm_flags, struct file **file)
{
	int err = fd_get_rights(fd, ZERO_CAP_MMAP, file, NULL);
	if (err)
		return err;
	bool shared = *vm_flags & VM_SHARED, writer = (*file)->mode & FMODE_WRITE;
	if ((*file)->flags & O_PATH)
		err = -EBADF;
	else if (shared && (*vm_flags & VM_WRITE) && !writer) /* Linux's order of checks */
		err = -EACCES;
	else if (!((*file)->mode & FMODE_READ))
		err = -EACCES;
	else if (!can_map(*file, shared))
		err = -ENODEV;
	if (!err)
		err = seals_check_mmap(*file, vm_flags); /* a memfd's write seals */
	if (err)
		file_put(*file);
	else if (shared && !writer)
		*vm_flags |= VM_RDONLY_FILE; /* mprotect may not add PROT_WRITE */
	return err;
}

SYSCALL_DEFINE6(mmap, uint64_t, addr, uint64_t, len, uint64_t, prot, uint64_t, flags, int, fd,
		uint64_t, off)
{
	uint32_t vm_flags;
	/* Linux looks the descriptor up before anything else (mmap08: EBADF before a zero
	 * length's EINVAL); mappable_file looks again and checks the rest. */
	if (!(flags & MAP_ANONYMOUS) && !fd_is_open(fd))
		return -EBADF;
	int err = prot_to_vm(prot, &vm_flags);
	if (!err)
		err = mmap_flags_to_vm(flags, &vm_flags);
	if (err)
		return err;
	if (!len || (off & (PAGE_SIZE - 1)))
		return -EINVAL;
	struct mm *mm = current_mm();
	if (!mm)
		return -ENOMEM;
	if (flags & MAP_LOCKED) {
		err = vm_mlock_mapping_ok(mm, len);
		if (err)
			return err;
		vm_flags |= VM_LOCKED;
	}
	int64_t at;
	if (flags & MAP_ANONYMOUS) {
		at = vm_map(mm, addr, len, vm_flags, flags & MAP_FIXED,
			    flags & MAP_FIXED_NOREPLACE);
	} else {
		struct file *file;
		/* As Linux: the mapping must end within the largest file offset. */
		uint64_t plen = ALIGN_UP(len, PAGE_SIZE);
		if (plen >= len && plen <= USER_MAX_ADDR &&
		    off / PAGE_SIZE > ((uint64_t)INT64_MAX - plen) / PAGE_SIZE)
			return -EOVERFLOW;
		at = mappable_file(fd, &vm_flags, &file);
		if (at)
			return at;
		at = vm_map_file(mm, addr, len, vm_flags, flags & MAP_FIXED,
				 flags & MAP_FIXED_NOREPLACE, file, off / PAGE_SIZE);
		file_put(file); /* the mapping holds its own reference */
	}
	if (at >= 0 && (flags & (MAP_POPULATE | MAP_LOCKED)))
		(void)vm_populate(mm, (uint64_t)at, len, vm_flags & VM_WRITE); /* best effort */
	return at;
}

SYSCALL_DEFINE2(munmap, uint64_t, addr, uint64_t, len)
{
	struct mm *mm = current_mm();
	return mm ? vm_unmap(mm, addr, len) : -EINVAL;
}

SYSCALL_DEFINE3(mprotect, uint64_t, addr, uint64_t, len, uint64_t, prot)
{
	uint32_t vm_flags;
	int err = prot_to_vm(prot, &vm_flags);
	if (err)
		return err;
	struct mm *mm = current_mm();
	return mm ? vm_protect(mm, addr, len, vm_flags) : -ENOMEM;
}

SYSCALL_DEFINE5(mremap, uint64_t, old_addr, uint64_t, old_len, uint64_t, new_len, uint64_t,
		flags, uint64_t, new_addr)
{
	struct mm *mm = current_mm();
	if (flags > UINT32_MAX)
		return -EINVAL;
	return mm ? vm_remap(mm, old_addr, old_len, new_len, (uint32_t)flags, new_addr) : -EFAULT;
}

/* A shared file mapping maps the file's own pages; with MS_SYNC the files of the shared areas
 * are fsync'd, so that a disk file system (ext2) writes them back (tmpfs has nothing to do). */
SYSCALL_DEFINE3(msync, uint64_t, addr, uint64_t, len, int, flags)
{
	if ((flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) || !IS_ALIGNED(addr, PAGE_SIZE) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	uint64_t end = addr + ALIGN_UP(len, PAGE_SIZE);
	if (end < addr || ALIGN_UP(len, PAGE_SIZE) < len)
		return -ENOMEM;
	struct mm *mm = current_mm();
	if (end == addr)
		return 0;
	if (!mm || !vm_range_mapped(mm, addr, end))
		return -ENOMEM;
	return (flags & MS_SYNC) ? vm_sync_range(mm, addr, end) : 0;
}

SYSCALL_DEFINE3(madvise, uint64_t, addr, uint64_t, len, int, advice)
{
	struct mm *mm = current_mm();
	return mm ? vm_advise(mm, addr, len, advice) : -ENOMEM;
}

SYSCALL_DEFINE1(brk, uint64_t, addr)
{
	struct mm *mm = current_mm();
	return mm ? (long)vm_brk(mm, addr) : 0;
}
