/* Scheduler system calls: sched_yield, sched_setaffinity/sched_getaffinity (the CPUs a thread
 * may run on) and getcpu. */
#include <syscall/syscall.h>
#include <arch/x86_64/percpu.h>
#include <arch/x86_64/smp.h>
#include <arch/x86_64/usercopy.h>
#include <core/compiler.h>
#include <core/spinlock.h>
#include <proc/process.h>
#include <sched/sched.h>
#include <sched/stats.h>
#include <uapi/capability.h>
#include <uapi/errno.h>

/* The kernel's cpumask is one unsigned long (MAX_CPUS = 64): the size the calls report. */
#define CPUMASK_BYTES 8
#define BITS_PER_BYTE 8

SYSCALL_DEFINE0(sched_yield)
{
	sched_yield();
	return 0;
}

/* Linux's check_same_owner: the caller's effective uid is the target's real or effective one. */
static bool same_owner(const struct process *self, const struct thread *t)
{
	if (!self || !t->proc)
		return false;
	uint32_t euid = READ_ONCE(self->cred.euid);
	return euid == READ_ONCE(t->proc->cred.euid) || euid == READ_ONCE(t->proc->cred.uid);
}

/* Run fn on the thread named by tid (0: the caller) under process_tree_lock, after checking the
 * caller may change it (`write`: Linux's rule, same effective uid as the target's real or
 * effective uid, or CAP_SYS_NICE). */
static long with_target(int tid, bool write, long (*fn)(struct thread *t, void *arg), void *arg)
{
	if (tid < 0)
		return -ESRCH;
	bool nice_cap = write && capable(CAP_SYS_NICE);
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct thread *t = tid ? thread_by_tid_locked(tid) : current_thread();
	struct process *self = process_current();
	long r;
	if (!t)
		r = -ESRCH;
	else if (write && !nice_cap && !same_owner(self, t))
		r = -EPERM;
	else
		r = fn(t, arg);
	spin_unlock_irqrestore(&process_tree_lock, f);
	return r;
}

static long set_affinity(struct thread *t, void *mask)
{
	sched_set_affinity(t, *(uint64_t *)mask);
	return 0;
}

static long get_affinity(struct thread *t, void *mask)
{
	*(uint64_t *)mask = READ_ONCE(t->cpus_allowed) & smp_online_mask();
	return 0;
}

/* A mask shorter than the kernel's is zero-extended, a longer one cut (Linux); it must name an
 * online CPU. The caller leaves a CPU it may no longer run on before this returns. */
SYSCALL_DEFINE3(sched_setaffinity, int, pid, unsigned int, len, const void __user *, umask)
{
	uint64_t mask = 0;
	if (copy_from_user(&mask, umask, MIN(len, CPUMASK_BYTES)))
		return -EFAULT;
	mask &= smp_online_mask();
	if (!mask)
		return -EINVAL;
	long r = with_target(pid, true, set_affinity, &mask);
	if (!r)
		sched_preempt_point(); /* the caller moves now if its CPU was taken away */
	return r;
}

/* Returns the bytes of mask written (Linux's raw system call does; glibc zeroes the rest). */
SYSCALL_DEFINE3(sched_getaffinity, int, pid, unsigned int, len, void __user *, umask)
{
	if ((uint64_t)len * BITS_PER_BYTE < sched_nr_cpus() || len % sizeof(unsigned long))
		return -EINVAL;
	uint64_t mask;
	long r = with_target(pid, false, get_affinity, &mask);
	if (r)
		return r;
	if (copy_to_user(umask, &mask, CPUMASK_BYTES))
		return -EFAULT;
	return CPUMASK_BYTES;
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
