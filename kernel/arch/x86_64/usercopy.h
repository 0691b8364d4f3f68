/* The only way the kernel touches user memory (the signal frame's XSAVE/XRSTOR use its
 * user_access_begin/end and the same exception table). Each call checks the range (no wrap,
 * entirely below USER_SPACE_END), opens SMAP for the copy alone (STAC/CLAC), and turns a fault
 * into -EFAULT through the exception table; a fault on a mapped-but-not-present user page is
 * first offered to the page-fault handler (demand paging, COW) and only fails if it cannot be
 * resolved. A kernel address, a wrapping range or an unmapped page is -EFAULT, never a panic. */
#ifndef ARCH_USERCOPY_H
#define ARCH_USERCOPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <core/compiler.h>
#include <arch/x86_64/cpu_features.h>

int copy_from_user(void *dst, const void __user *src, size_t n); /* 0 or -EFAULT */
int copy_to_user(void __user *dst, const void *src, size_t n);
int clear_user(void __user *dst, size_t n);
/* Copy a NUL-terminated string of at most size-1 characters. Returns its length (without the
 * NUL), -ENAMETOOLONG when no NUL came within size bytes, or -EFAULT. */
long strncpy_from_user(char *dst, const char __user *src, size_t size);

/* Atomically replace the 32-bit word at uaddr with desired if it holds expected (lock
 * cmpxchg, faulting the page in and breaking COW like a write). 0 with *found = the word's
 * value before (equal to expected when the swap happened), -EINVAL when uaddr is not 4-byte
 * aligned, -EFAULT. */
int cmpxchg_user_u32(uint32_t __user *uaddr, uint32_t expected, uint32_t desired,
		     uint32_t *found);

#define get_user(dst_ptr, uptr) copy_from_user((dst_ptr), (uptr), sizeof(*(dst_ptr)))
#define put_user(val, uptr)                                                                      \
	({                                                                                       \
		__typeof__(*(uptr)) put_user_v_ = (val);                                         \
		copy_to_user((uptr), &put_user_v_, sizeof(put_user_v_));                         \
	})

static inline bool user_range_ok(uint64_t addr, uint64_t n)
{
	return addr + n >= addr && addr + n <= 0x0000800000000000ULL;
}

/* Open and close SMAP around one access to user memory made by other code (the signal frame's
 * XSAVE/XRSTOR), after user_range_ok and with an exception-table entry on the instruction.
 * STAC/CLAC are #UD without SMAP; cpu_features.smap is set once at boot, before any copy. */
static inline void user_access_begin(void)
{
	if (cpu_features.smap)
		__asm__ volatile("stac" ::: "memory");
}

static inline void user_access_end(void)
{
	if (cpu_features.smap)
		__asm__ volatile("clac" ::: "memory");
}

#endif
