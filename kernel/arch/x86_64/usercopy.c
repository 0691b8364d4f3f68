/* copy_from_user and friends (usercopy.h), and the futex code's compare-and-swap on a user
 * word: an overflow-safe range check against USER_SPACE_END, SMAP opened (STAC) for the
 * instruction alone and closed (CLAC) right after, and an exception-table entry on every
 * instruction that touches user memory, whose fixup ends the access with -EFAULT. A fault on a user page first goes to the page-fault handler
 * (demand paging, COW); only an unresolved one reaches the fixup. */
#include <arch/x86_64/usercopy.h>
#include <arch/x86_64/extable.h>
#include <mm/layout.h>
#include <uapi/errno.h>

_Static_assert(USER_SPACE_END == 0x0000800000000000ULL, "usercopy.h's user_range_ok limit");

/* Between any two buffers, one of them user memory: rep movsq for the quadwords, then rep
 * movsb for the tail (TCG runs a rep string instruction one iteration at a time, so moving 8
 * bytes per iteration matters). 0 or -EFAULT. */
static int raw_copy(void *dst, const void *src, size_t n)
{
	int ret = 0;
	size_t quads = n / 8;
	user_access_begin();
	__asm__ volatile("1:	rep movsq\n"
			 "	movq %[tail], %%rcx\n"
			 "2:	rep movsb\n"
			 "3:\n"
			 ".pushsection .text.fixup, \"ax\"\n"
			 "4:	movl %[efault], %[ret]\n"
			 "	jmp 3b\n"
			 ".popsection\n" EXTABLE_ENTRY(1b, 4b) EXTABLE_ENTRY(2b, 4b)
			 : [ret] "+r"(ret), "+D"(dst), "+S"(src), "+c"(quads)
			 : [tail] "r"(n & 7), [efault] "i"(-EFAULT)
			 : "memory");
	user_access_end();
	return ret;
}

int copy_from_user(void *dst, const void __user *src, size_t n)
{
	if (!user_range_ok((uint64_t)src, n))
		return -EFAULT;
	return raw_copy(dst, (const void *)src, n);
}

int copy_to_user(void __user *dst, const void *src, size_t n)
{
	if (!user_range_ok((uint64_t)dst, n))
		return -EFAULT;
	return raw_copy((void *)dst, src, n);
}

int clear_user(void __user *dst, size_t n)
{
	if (!user_range_ok((uint64_t)dst, n))
		return -EFAULT;
	int ret = 0;
	void *d = (void *)dst;
	size_t quads = n / 8;
	user_access_begin();
	__asm__ volatile("1:	rep stosq\n"
			 "	movq %[tail], %%rcx\n"
			 "2:	rep stosb\n"
			 "3:\n"
			 ".pushsection .text.fixup, \"ax\"\n"
			 "4:	movl %[efault], %[ret]\n"
			 "	jmp 3b\n"
			 ".popsection\n" EXTABLE_ENTRY(1b, 4b) EXTABLE_ENTRY(2b, 4b)
			 : [ret] "+r"(ret), "+D"(d), "+c"(quads)
			 : "a"(0), [tail] "r"(n & 7), [efault] "i"(-EFAULT)
			 : "memory");
	user_access_end();
	return ret;
}

/* Copy bytes until a NUL (copied too) or `max` bytes; returns the bytes copied before the NUL
 * or max when there was none, or -EFAULT. The loop is one asm block so that SMAP is opened once
 * per string, not per byte. */
static long raw_strncpy(char *dst, const char *src, size_t max)
{
	long copied = 0;
	long ret = 0;
	if (max == 0)
		return 0;
	user_access_begin();
	__asm__ volatile("1:	movb (%[src], %[i]), %%al\n"
			 "	movb %%al, (%[dst], %[i])\n"
			 "	testb %%al, %%al\n"
			 "	jz 2f\n"
			 "	incq %[i]\n"
			 "	cmpq %[max], %[i]\n"
			 "	jb 1b\n"
			 "2:\n"
			 ".pushsection .text.fixup, \"ax\"\n"
			 "3:	movq %[efault], %[ret]\n"
			 "	jmp 2b\n"
			 ".popsection\n" EXTABLE_ENTRY(1b, 3b)
			 : [i] "+r"(copied), [ret] "+r"(ret)
			 : [src] "r"(src), [dst] "r"(dst), [max] "r"(max), [efault] "i"(-EFAULT)
			 : "rax", "memory", "cc");
	user_access_end();
	return ret ? ret : copied;
}

/* The string may not run past USER_SPACE_END: the readable window is cut there, and reaching
 * its end without a NUL is a fault (the next byte is not user memory). */
long strncpy_from_user(char *dst, const char __user *src, size_t size)
{
	uint64_t s = (uint64_t)src;
	if (size == 0)
		return -ENAMETOOLONG;
	if (s >= USER_SPACE_END)
		return -EFAULT;
	uint64_t window = USER_SPACE_END - s;
	size_t max = size < window ? size : window;
	long n = raw_strncpy(dst, (const char *)src, max);
	if (n < 0)
		return n;
	if ((size_t)n < max)
		return n;
	dst[n - 1] = 0; /* no NUL came: keep the kernel's copy terminated anyway */
	return max == size ? -ENAMETOOLONG : -EFAULT;
}

int cmpxchg_user_u32(uint32_t __user *uaddr, uint32_t expected, uint32_t desired,
		     uint32_t *found)
{
	uint64_t a = (uint64_t)uaddr;
	if (a & 3)
		return -EINVAL;
	if (!user_range_ok(a, sizeof(uint32_t)))
		return -EFAULT;
	int ret = 0;
	uint32_t seen = expected;
	user_access_begin();
	__asm__ volatile("1:	lock cmpxchgl %[desired], (%[addr])\n"
			 "2:\n"
			 ".pushsection .text.fixup, \"ax\"\n"
			 "3:	movl %[efault], %[ret]\n"
			 "	jmp 2b\n"
			 ".popsection\n" EXTABLE_ENTRY(1b, 3b)
			 : [ret] "+r"(ret), "+a"(seen)
			 : [desired] "r"(desired), [addr] "r"(a), [efault] "i"(-EFAULT)
			 : "memory", "cc");
	user_access_end();
	*found = seen;
	return ret;
}
