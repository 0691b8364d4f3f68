/* Self-tests of usercopy: kernel, wrapping, non-canonical and unmapped addresses give -EFAULT
 * (never a panic), a mapped user page round-trips, strings stop at their NUL, at the size limit
 * (-ENAMETOOLONG) or at an unmapped page (-EFAULT). Also the user-page helpers (usertest.h). */
#include <arch/x86_64/usercopy.h>
#include <arch/x86_64/usertest.h>
#include <arch/x86_64/cpu.h>
#include <core/ktest.h>
#include <lib/string.h>
#include <mm/layout.h>
#include <mm/paging.h>
#include <mm/phys.h>
#include <uapi/errno.h>

/* Far from anything the memory manager's tests or programs map. */
#define TEST_VA 0x00005a5a00000000ULL
#define NONCANONICAL 0xdead000000000000ULL

int usertest_map(struct usertest_page *p, uint64_t va, uint64_t flags)
{
	p->va = va;
	p->pa = phys_alloc_pages(0);
	if (!p->pa)
		return -ENOMEM;
	p->kva = phys_to_virt(p->pa);
	int err = pt_map(read_cr3() & PTE_ADDR_MASK, va, p->pa, PTE_U | flags, PT_LEVEL_PT);
	if (err)
		phys_free_pages(p->pa, 0);
	return err;
}

void usertest_unmap(struct usertest_page *p)
{
	pt_unmap(read_cr3() & PTE_ADDR_MASK, p->va);
	phys_free_pages(p->pa, 0);
}

KTEST(usercopy_kernel_address_efault)
{
	char buf[16] = { 0 };
	uint64_t kaddr = (uint64_t)buf;
	KEXPECT(copy_from_user(buf, (const void __user *)kaddr, 8) == -EFAULT);
	KEXPECT(copy_to_user((void __user *)kaddr, "12345678", 8) == -EFAULT);
	KEXPECT(clear_user((void __user *)kaddr, 8) == -EFAULT);
	KEXPECT(strncpy_from_user(buf, (const char __user *)__kernel_start, sizeof(buf)) ==
		-EFAULT);
	/* A range that starts in user space and ends in the kernel half. */
	KEXPECT(copy_from_user(buf, (const void __user *)(USER_SPACE_END - 8), 16) == -EFAULT);
}

KTEST(usercopy_wrapping_and_noncanonical_efault)
{
	char buf[16] = { 0 };
	KEXPECT(copy_from_user(buf, (const void __user *)0x1000, UINT64_MAX) == -EFAULT);
	KEXPECT(copy_to_user((void __user *)UINT64_MAX, buf, 2) == -EFAULT);
	KEXPECT(copy_from_user(buf, (const void __user *)NONCANONICAL, 8) == -EFAULT);
	KEXPECT(copy_from_user(buf, (const void __user *)USER_SPACE_END, 1) == -EFAULT);
	KEXPECT(strncpy_from_user(buf, (const char __user *)NONCANONICAL, sizeof(buf)) == -EFAULT);
}

KTEST(usercopy_unmapped_efault)
{
	char buf[16];
	memset(buf, 0x55, sizeof(buf));
	KEXPECT(copy_from_user(buf, (const void __user *)TEST_VA, 8) == -EFAULT);
	KEXPECT(copy_to_user((void __user *)TEST_VA, buf, 8) == -EFAULT);
	KEXPECT(clear_user((void __user *)TEST_VA, 8) == -EFAULT);
	KEXPECT(strncpy_from_user(buf, (const char __user *)TEST_VA, sizeof(buf)) == -EFAULT);
}

KTEST(usercopy_round_trip)
{
	struct usertest_page p;
	char out[64], in[64];
	if (!KEXPECT(usertest_map(&p, TEST_VA, PTE_W | PTE_NX) == 0))
		return;
	for (unsigned i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7 + 1);
	void __user *u = (void __user *)(TEST_VA + 100);
	KEXPECT(copy_to_user(u, out, sizeof(out)) == 0);
	KEXPECT(memcmp(p.kva + 100, out, sizeof(out)) == 0);
	KEXPECT(copy_from_user(in, u, sizeof(in)) == 0);
	KEXPECT(memcmp(in, out, sizeof(in)) == 0);
	KEXPECT(put_user((uint32_t)0xfeedf00d, (uint32_t __user *)u) == 0);
	uint32_t v = 0;
	KEXPECT(get_user(&v, (const uint32_t __user *)u) == 0 && v == 0xfeedf00d);
	KEXPECT(clear_user(u, 16) == 0);
	KEXPECT(p.kva[100] == 0 && p.kva[115] == 0 && p.kva[116] == out[16]);
	/* Mapped page followed by an unmapped one: the copy faults part-way. */
	KEXPECT(copy_from_user(in, (const void __user *)(TEST_VA + PAGE_SIZE - 8), 16) == -EFAULT);
	KEXPECT(copy_to_user((void __user *)(TEST_VA + PAGE_SIZE - 8), out, 16) == -EFAULT);
	usertest_unmap(&p);
	KEXPECT(copy_from_user(in, u, 8) == -EFAULT);
}

KTEST(usercopy_strncpy)
{
	struct usertest_page p;
	char buf[32];
	if (!KEXPECT(usertest_map(&p, TEST_VA, PTE_W | PTE_NX) == 0))
		return;
	memcpy(p.kva, "hello", 6);
	KEXPECT(strncpy_from_user(buf, (const char __user *)TEST_VA, sizeof(buf)) == 5);
	KEXPECT(strcmp(buf, "hello") == 0);
	KEXPECT(strncpy_from_user(buf, (const char __user *)TEST_VA, 6) == 5);
	KEXPECT(strncpy_from_user(buf, (const char __user *)TEST_VA, 5) == -ENAMETOOLONG);
	KEXPECT(strncpy_from_user(buf, (const char __user *)TEST_VA, 0) == -ENAMETOOLONG);
	memset(p.kva, 'a', PAGE_SIZE);
	KEXPECT(strncpy_from_user(buf, (const char __user *)TEST_VA, sizeof(buf)) ==
		-ENAMETOOLONG);
	KEXPECT(buf[sizeof(buf) - 1] == 0);
	/* No NUL before the end of the page, nothing mapped after it. */
	const char __user *tail = (const char __user *)(TEST_VA + PAGE_SIZE - 3);
	KEXPECT(strncpy_from_user(buf, tail, sizeof(buf)) == -EFAULT);
	p.kva[PAGE_SIZE - 1] = 0;
	KEXPECT(strncpy_from_user(buf, tail, sizeof(buf)) == 2);
	usertest_unmap(&p);
}
