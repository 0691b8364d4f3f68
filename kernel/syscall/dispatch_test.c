/* Self-tests of the system-call dispatcher: unknown and reserved numbers give -ENOSYS, an
 * implemented call runs through the frame path, arguments reach the handler. */
#include <syscall/syscall.h>
#include <arch/x86_64/syscall.h>
#include <core/ktest.h>
#include <lib/string.h>
#include <uapi/errno.h>

#define NR_CREATE_MODULE 174 /* removed from Linux long ago: never implemented here */
#define NR_SCHED_YIELD 24
#define NR_UNAME 63
#define NR_GAP 400 /* x86_64 numbers 335-423 are unassigned */

KTEST(syscall_unknown_is_enosys)
{
	KEXPECT(syscall_invoke(NR_CREATE_MODULE, 0, 0, 0, 0, 0, 0) == -ENOSYS);
	KEXPECT(syscall_invoke(NR_GAP, 0, 0, 0, 0, 0, 0) == -ENOSYS);
	KEXPECT(syscall_invoke(100000, 0, 0, 0, 0, 0, 0) == -ENOSYS);
	KEXPECT(syscall_invoke(~0ULL, 0, 0, 0, 0, 0, 0) == -ENOSYS);
	/* Logged once: a second call takes the same path quietly. */
	KEXPECT(syscall_invoke(NR_CREATE_MODULE, 0, 0, 0, 0, 0, 0) == -ENOSYS);
}

KTEST(syscall_zero_range_reserved_is_enosys)
{
	/* 1024..1033 are the capability calls (ipc/endpoint.c, security/capability.c). */
	KEXPECT(syscall_invoke(SYSCALL_ZERO_BASE + 40, 0, 0, 0, 0, 0, 0) == -ENOSYS);
	KEXPECT(syscall_invoke(SYSCALL_ZERO_BASE + SYSCALL_ZERO_COUNT - 1, 0, 0, 0, 0, 0, 0) ==
		-ENOSYS);
	KEXPECT(syscall_invoke(SYSCALL_ZERO_BASE + SYSCALL_ZERO_COUNT, 0, 0, 0, 0, 0, 0) ==
		-ENOSYS);
}

KTEST(syscall_names_from_linux)
{
	KEXPECT(syscall_name(0) && strcmp(syscall_name(0), "read") == 0);
	KEXPECT(syscall_name(157) && strcmp(syscall_name(157), "prctl") == 0);
	KEXPECT(syscall_name(NR_GAP) == NULL);
	KEXPECT(syscall_name(1ULL << 40) == NULL);
}

KTEST(syscall_dispatch_frame)
{
	struct trap_frame f;
	memset(&f, 0, sizeof(f));
	f.rax = NR_SCHED_YIELD;
	syscall_dispatch(&f);
	KEXPECT(f.rax == 0);
	/* A kernel pointer is refused, whatever the call. */
	f.rax = NR_UNAME;
	f.rdi = (uint64_t)&f;
	syscall_dispatch(&f);
	KEXPECT((long)f.rax == -EFAULT);
	f.rax = NR_CREATE_MODULE;
	syscall_dispatch(&f);
	KEXPECT((long)f.rax == -ENOSYS);
}
