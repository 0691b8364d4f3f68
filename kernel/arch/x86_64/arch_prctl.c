/* arch_prctl(2): the FS and GS base registers user code uses for thread-local storage. The
 * thread struct keeps the values (user mode cannot change them itself: CR4.FSGSBASE is off)
 * and the context switch loads them; the user GS base sits in MSR_KERNEL_GS_BASE while the
 * kernel runs (swapgs). */
#include <syscall/syscall.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/usercopy.h>
#include <mm/vm.h>
#include <sched/thread.h>
#include <uapi/errno.h>
#include <uapi/prctl.h>

/* Interrupts off: the thread field and the MSR change together with respect to a switch. */
static void set_base(uint64_t *field, uint32_t msr, uint64_t addr)
{
	uint64_t flags = irq_save();
	*field = addr;
	wrmsr(msr, addr);
	irq_restore(flags);
}

SYSCALL_DEFINE2(arch_prctl, int, code, uint64_t, addr)
{
	struct thread *t = current_thread();
	switch (code) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		/* Linux: a base at or past the top of user space is -EPERM. */
		if (addr >= USER_MAX_ADDR)
			return -EPERM;
		if (code == ARCH_SET_FS)
			set_base(&t->fs_base, MSR_FS_BASE, addr);
		else
			set_base(&t->gs_base, MSR_KERNEL_GS_BASE, addr);
		return 0;
	case ARCH_GET_FS:
		return put_user(t->fs_base, (uint64_t __user *)addr);
	case ARCH_GET_GS:
		return put_user(t->gs_base, (uint64_t __user *)addr);
	default:
		return -EINVAL;
	}
}
