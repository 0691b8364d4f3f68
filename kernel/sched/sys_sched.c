/* Scheduler system calls: sched_yield, sched_getaffinity and getcpu (one CPU runs everything
 * for now, so every thread's mask is CPU 0). */
#include <syscall/syscall.h>
#include <arch/x86_64/percpu.h>
#include <arch/x86_64/usercopy.h>
#include <sched/sched.h>
#include <uapi/errno.h>

#define CPU_MASK_WORD_BYTES 8 /* the mask is made of unsigned longs */
#define CPUS_ONLINE 1
#define BITS_PER_BYTE 8

SYSCALL_DEFINE0(sched_yield)
{
	sched_yield();
	return 0;
}

/* Returns the bytes of mask written (Linux's raw system call does; glibc zeroes the rest).
 * pid 0 is the caller; other pids need the pid table, so only the caller's own id is known. */
SYSCALL_DEFINE3(sched_getaffinity, int, pid, unsigned int, len, uint64_t __user *, mask)
{
	if ((uint64_t)len * BITS_PER_BYTE < CPUS_ONLINE || len % CPU_MASK_WORD_BYTES)
		return -EINVAL;
	if (pid < 0 || (pid != 0 && pid != current_thread()->tid))
		return -ESRCH;
	uint64_t bits = (1ULL << CPUS_ONLINE) - 1;
	if (put_user(bits, mask))
		return -EFAULT;
	return CPU_MASK_WORD_BYTES;
}

/* getcpu(2): the CPU the caller runs on (it may move right after: the answer is a hint, as on
 * Linux) and its NUMA node (one node: 0); either pointer may be NULL, the third is unused. */
SYSCALL_DEFINE3(getcpu, uint32_t __user *, ucpu, uint32_t __user *, unode, void __user *, cache)
{
	(void)cache;
	uint32_t cpu = this_cpu_id(), node = 0;
	if (ucpu && put_user(cpu, ucpu))
		return -EFAULT;
	if (unode && put_user(node, unode))
		return -EFAULT;
	return 0;
}
