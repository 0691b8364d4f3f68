/* User address spaces: a page table (its kernel half shared with every other space) and the
 * list of virtual memory areas (VMAs) that say what may be mapped where with which rights.
 * Pages are filled lazily by the page-fault handler: demand-zero for anonymous memory (reads of
 * untouched private memory see a shared read-only zero page), a private copy of the file's page
 * for a MAP_PRIVATE file mapping and the file's page itself for a MAP_SHARED one (got with
 * mm->lock dropped), copy-on-write after fork with
 * reference-counted frames (mm/page_ref.h), and stack growth downwards into a VM_GROWSDOWN area.
 * W^X: no mapping is ever writable and executable; asking for both is -EACCES.
 *
 * Locking: mm->lock guards the VMA list, brk and every change to the user half of the page
 * tables. It is taken with interrupts off (spin_lock_irqsave): the page-fault handler takes it,
 * and there is no preemption counter, so a holder must never be preempted. Nothing sleeps and
 * nothing touches user memory while holding it. Lock order: (process locks, futex bucket locks)
 * before mm->lock before shared_anon.lock before phys_lock/kmalloc. */
#ifndef MM_VM_H
#define MM_VM_H

#include <stdbool.h>
#include <stdint.h>
#include <lib/list.h>
#include <core/spinlock.h>
#include <arch/x86_64/trap.h>

/* VMA protection and kind, independent of the x86 encoding. */
#define VM_READ 0x1u
#define VM_WRITE 0x2u
#define VM_EXEC 0x4u
#define VM_SHARED 0x8u /* MAP_SHARED: writes visible to every mapper, no COW */
#define VM_GROWSDOWN 0x10u /* the stack: a fault just below it extends it */
#define VM_DONTCOPY 0x20u /* MADV_DONTFORK: absent in a fork child */
#define VM_WIPEONFORK 0x40u /* MADV_WIPEONFORK: a fork child sees zero-filled memory */
#define VM_RDONLY_FILE 0x80u /* shared mapping of a file not open for writing: never VM_WRITE */
#define VM_LOCKED 0x100u /* mlock: kept resident (nothing is ever paged out yet: a record) */
#define VM_LOCKONFAULT 0x200u /* with VM_LOCKED: pages locked as they are touched, not at once */
#define VM_LOCK_MASK (VM_LOCKED | VM_LOCKONFAULT)
#define VM_PROT_MASK (VM_READ | VM_WRITE | VM_EXEC)

#define USER_MIN_ADDR 0x10000ULL /* nothing is ever mapped below (NULL-pointer guard) */
#define MAX_MAP_COUNT_DEF 65530 /* vm.max_map_count's default, as Linux */
/* vm.max_map_count (/proc/sys): the most VMAs an address space may have; a mapping, mprotect
 * or munmap that would need more fails with ENOMEM. Atomic. */
extern int sysctl_max_map_count;
#define USER_MAX_ADDR 0x00007ffffffff000ULL /* last page excluded: SYSRET hazard */
#define USER_STACK_TOP 0x00007ffffffde000ULL /* top of the main thread's stack (then randomised) */
#define USER_STACK_MAX (8ULL << 20) /* default RLIMIT_STACK */
#define USER_STACK_GUARD_GAP (256ULL << 12) /* no other mapping this close below a stack */
#define USER_MMAP_BASE 0x00007f0000000000ULL /* mmap searches downwards from here */

struct shared_anon; /* pages of a MAP_SHARED|MAP_ANONYMOUS area, shared across fork */
struct file;

struct vma {
	struct list_node node; /* in mm->vmas, sorted by start; guarded by mm->lock */
	uint64_t start, end; /* page aligned, [start, end) */
	uint32_t flags; /* VM_* */
	struct shared_anon *shared; /* VM_SHARED anonymous only: one reference per VMA */
	struct file *file; /* a file mapping's file: one reference per VMA, else NULL */
	uint64_t pgoff; /* page index of start into shared or file */
};

struct mm {
	struct spinlock lock; /* guards everything below except refcount */
	uint64_t pml4_pa; /* fixed at creation */
	struct list_node vmas;
	int map_count; /* VMAs in vmas (vm.max_map_count bounds it) */
	uint32_t def_flags; /* VM_LOCK_MASK bits every new mapping gets (mlockall MCL_FUTURE) */
	uint64_t brk_start, brk; /* program break: [brk_start, ALIGN_UP(brk)) is the heap */
	uint64_t mmap_base; /* top of the mmap search area (exec may randomise it) */
	uint64_t stack_top; /* set by exec */
	uint64_t arg_start, arg_end, env_start, env_end; /* exec's strings (/proc cmdline, environ) */
	int refcount; /* atomic: threads and CLONE_VM processes sharing it */
	uint64_t cpus; /* atomic: CPUs whose CR3 may hold this space (mm/tlb.c) */
};

/* Boot: page reference counts, the zero page, and the page-fault handler. After kvm_init. */
void vm_init(void);

struct mm *mm_create(void); /* empty user half; NULL on ENOMEM */
/* A copy for fork: private pages become copy-on-write in both (no page is copied); shared areas
 * stay shared. NULL on ENOMEM (the parent is unchanged in what it can observe). */
struct mm *mm_fork(struct mm *parent);
void mm_get(struct mm *mm);
void mm_put(struct mm *mm); /* the last put frees pages, tables and VMAs */
/* Load mm's page tables on this CPU (NULL: the kernel's own); CR3 is written only on change. */
void mm_activate(struct mm *mm);
/* The address space of the calling thread's process, NULL for kernel threads. */
struct mm *current_mm(void);

/* Create a mapping of [addr, addr+len): at addr exactly with `fixed` (existing mappings there
 * are replaced, as MAP_FIXED; with `noreplace` an overlap is -EEXIST instead), else at the hint
 * addr if free, else wherever there is room. flags are VM_*; VM_SHARED gets a new shared
 * anonymous object. Returns the address, or -EINVAL (len 0, misaligned fixed addr), -EACCES
 * (W+X), -ENOMEM (no room, beyond USER_MAX_ADDR, out of memory), -EPERM (fixed below
 * USER_MIN_ADDR), -EEXIST. */
int64_t vm_map(struct mm *mm, uint64_t addr, uint64_t len, uint32_t flags, bool fixed,
	       bool noreplace);
/* The same for a mapping of file from page pgoff on; the VMA takes its own reference to file.
 * Private: each page is a copy of the file's bytes, read when first touched (file_ops.read_page).
 * VM_SHARED: the file's pages themselves (file_ops.map_page), so writes reach the file. A page
 * wholly beyond the end of the file is SIGBUS when touched (-EFAULT for the kernel). */
int64_t vm_map_file(struct mm *mm, uint64_t addr, uint64_t len, uint32_t flags, bool fixed,
		    bool noreplace, struct file *file, uint64_t pgoff);
/* Remove mappings in [addr, addr+len) (page aligned addr; nothing mapped is fine). */
int vm_unmap(struct mm *mm, uint64_t addr, uint64_t len);
/* Set VM_READ/WRITE/EXEC of every VMA in the range (all of it must be mapped: else -ENOMEM);
 * W+X, and write to a VM_RDONLY_FILE area, are -EACCES. */
int vm_protect(struct mm *mm, uint64_t addr, uint64_t len, uint32_t prot);
/* mremap(2): flags are MREMAP_*; returns the new address or -errno. */
int64_t vm_remap(struct mm *mm, uint64_t old_addr, uint64_t old_len, uint64_t new_len,
		 uint32_t flags, uint64_t new_addr);
/* madvise(2) for one advice value (uapi/mman.h MADV_*); unknown advice is -EINVAL. */
int vm_advise(struct mm *mm, uint64_t addr, uint64_t len, int advice);
/* brk(2): returns the new break, or the current one when the request cannot be honoured. */
uint64_t vm_brk(struct mm *mm, uint64_t addr);
/* Set where the heap starts (exec, after loading the image): the break starts there too. */
void vm_brk_init(struct mm *mm, uint64_t start);
/* Fault in every page of [addr, addr+len) (MAP_POPULATE); stops at the first failure. */
int vm_populate(struct mm *mm, uint64_t addr, uint64_t len, bool write);
/* Bytes of mm's VMAs under mlock (VmLck). mm->lock held. mm/mlock.c. */
uint64_t vm_locked_bytes_locked(struct mm *mm);
/* May a new mapping of len bytes be locked (mmap MAP_LOCKED)? 0, -EPERM (no limit and no
 * CAP_IPC_LOCK) or -EAGAIN (over RLIMIT_MEMLOCK), as Linux answers. */
int vm_mlock_mapping_ok(struct mm *mm, uint64_t len);

/* Copy bytes into the address space at a user address (for exec: segments, the stack image),
 * faulting pages in and breaking COW as needed. Like a debugger's forced write it ignores the
 * VMA's protection (exec maps text R+X, then fills it) but never changes it; -EFAULT when
 * outside every VMA. Works on a space that is not active; never touches user mappings. */
int vm_write(struct mm *mm, uint64_t addr, const void *src, uint64_t len);
/* Read bytes from an address space, whatever the VMA's protection (pages not yet touched are
 * mapped as a read fault would); -EFAULT outside every VMA. */
int vm_read(struct mm *mm, uint64_t addr, void *dst, uint64_t len);
/* /proc/<pid>/pagemap: the entries of the n pages from va (page-aligned) into out, frame
 * numbers only with pfn (pagemap.c). */
void vm_pagemap(struct mm *mm, uint64_t va, uint64_t *out, size_t n, bool pfn);

/* Map the frame pa (a whole page the caller filled; it becomes a private page of mm, counted in
 * page_ref) at the page-aligned addr of a private anonymous VMA, with the VMA's rights (W^X
 * holds: an executable page is never writable). 0, or -EFAULT (not in a private anonymous
 * VMA), -EEXIST (a page is there already), -ENOMEM; on error pa stays the caller's. For exec,
 * which fills each page of a segment from the file and installs it: no second copy. */
int vm_install_page(struct mm *mm, uint64_t addr, uint64_t pa);

/* True when every page of [start, end) is mapped (msync). */
bool vm_range_mapped(struct mm *mm, uint64_t start, uint64_t end);
/* True when addr lies in a MAP_SHARED area of mm (futex keys depend on it). */
bool vm_is_shared(struct mm *mm, uint64_t addr);

/* Page-fault entry for user addresses (from user mode or from usercopy): true when resolved.
 * Registered with exceptions_set_page_fault_handler by vm_init. */
bool vm_handle_fault(struct trap_frame *f, uint64_t addr, uint32_t error_code);
/* The same for a given address space (PF_ERR_* error code): 0 when resolved, else -EFAULT,
 * -ENOMEM or -ENXIO (a file page beyond the end of the file: SIGBUS). stack_limit is
 * RLIMIT_STACK for growing a VM_GROWSDOWN area. */
int vm_fault(struct mm *mm, uint64_t addr, uint32_t error_code, uint64_t stack_limit);

/* Shared anonymous objects with an owner (System V shared memory, ipc/shm.c): the owner keeps a
 * reference of its own and maps the object with vm_map_shared. Every reference a mapping drops
 * (munmap, exit, exec) goes through the owner's release instead of a plain unref; release must
 * call shared_anon_unref, and may run with mm->lock held. Fork and VMA splits take references
 * without telling the owner. */
typedef void (*shared_anon_release_fn)(void *owner, struct shared_anon *sa);
struct shared_anon *shared_anon_create_owned(uint64_t npages, shared_anon_release_fn release,
					     void *owner);
void shared_anon_get(struct shared_anon *sa);
void shared_anon_put(struct shared_anon *sa); /* through the owner's release, if any */
int shared_anon_unref(struct shared_anon *sa); /* the references left; at 0 it is freed */
int shared_anon_refs(const struct shared_anon *sa); /* a snapshot */
uint64_t shared_anon_resident(struct shared_anon *sa); /* pages touched so far */
bool shared_anon_owned_by(const struct shared_anon *sa, shared_anon_release_fn release);
void *shared_anon_owner(const struct shared_anon *sa);
/* vm_map of the existing object sa from its first page (the VMA takes a reference). */
int64_t vm_map_shared(struct mm *mm, uint64_t addr, uint64_t len, uint32_t flags, bool fixed,
		      bool noreplace, struct shared_anon *sa);
/* shmdt: unmap the object owned through `release` whose page 0 is mapped at addr (the first
 * such mapping at or after addr whose offset matches), then every other piece of the same
 * object within its size from addr. 0, or -EINVAL when nothing of the kind is there. */
int vm_unmap_owned_at(struct mm *mm, uint64_t addr, shared_anon_release_fn release);

/* TLB: drop stale translations of [start, end) of mm on every CPU that may cache them. */
void vm_flush_tlb_range(struct mm *mm, uint64_t start, uint64_t end);

#endif
