/* process_vm_readv(2), process_vm_writev(2): copy between the caller's memory and another
 * process's, under Linux's ptrace access rule (PTRACE_MODE_ATTACH_REALCREDS), through a kernel
 * page: the remote side with vm_read/vm_write, the local one with the user copies. */
#include <mm/vm.h>
#include <mm/vm_internal.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <arch/x86_64/usercopy.h>
#include <proc/process.h>
#include <security/capability.h>
#include <syscall/syscall.h>
#include <uapi/errno.h>
#include <uapi/uio.h>

/* An iovec array copied in, its total length in *total: NULL with *err set (-EINVAL: too
 * many, a total past SSIZE_MAX; -EFAULT; -ENOMEM) or an array to kfree (NULL for n == 0). */
static struct linux_iovec *iov_in(const struct linux_iovec __user *u, unsigned long n, int *err,
				  uint64_t *total)
{
	*err = 0;
	*total = 0;
	if (n > UIO_MAXIOV) {
		*err = -EINVAL;
		return NULL;
	}
	if (!n)
		return NULL;
	struct linux_iovec *v = kmalloc(n * sizeof(*v));
	if (!v)
		*err = -ENOMEM;
	else if (copy_from_user(v, u, n * sizeof(*v)))
		*err = -EFAULT;
	for (unsigned long i = 0; !*err && i < n; i++) {
		*total += v[i].iov_len;
		if (v[i].iov_len > (uint64_t)INT64_MAX || *total > (uint64_t)INT64_MAX)
			*err = -EINVAL;
	}
	if (*err) {
		kfree(v);
		v = NULL;
	}
	return v;
}

/* The address space of process pid (referenced), for the caller to read or write. */
static struct mm *target_mm(int pid, int *err)
{
	struct mm *mm = NULL;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct thread *t = pid > 0 ? thread_by_tid_locked(pid) : NULL;
	struct process *p = t ? t->proc : NULL;
	*err = 0;
	if (!p || p->state != PROCESS_ALIVE)
		*err = -ESRCH;
	else if (capmode_current() && p != process_current())
		*err = -ECAPMODE; /* [capmode] only itself */
	else if (!ptrace_may_access_locked(p))
		*err = -EPERM;
	if (!*err) {
		spin_lock(&p->lock);
		if ((mm = p->mm))
			mm_get(mm);
		spin_unlock(&p->lock);
		*err = mm ? 0 : -ESRCH;
	}
	spin_unlock_irqrestore(&process_tree_lock, f);
	return mm;
}

/* Is [addr, addr + len) mapped with `need` (VM_READ, VM_WRITE)? vm_read and vm_write ignore
 * protection (exec, /proc/<pid>/mem); these calls must not (Linux does not force). */
static bool range_allows(struct mm *mm, uint64_t addr, uint64_t len, uint32_t need)
{
	bool ok = addr + len >= addr;
	uint64_t f = spin_lock_irqsave(&mm->lock);
	while (ok && len) {
		struct vma *v = vma_find_locked(mm, addr);
		ok = v && v->start <= addr && (v->flags & need);
		uint64_t step = ok ? MIN(len, v->end - addr) : 0;
		addr += step;
		len -= step;
	}
	spin_unlock_irqrestore(&mm->lock, f);
	return ok;
}

/* Walk both arrays together a piece at a time: the bytes moved, or -EFAULT when none were. */
static long copy_vectors(struct mm *mm, const struct linux_iovec *l, unsigned long ln,
			 const struct linux_iovec *r, unsigned long rn, bool write, char *buf)
{
	unsigned long li = 0, ri = 0;
	uint64_t loff = 0, roff = 0;
	long done = 0;
	for (;;) {
		while (li < ln && loff == l[li].iov_len)
			li++, loff = 0;
		while (ri < rn && roff == r[ri].iov_len)
			ri++, roff = 0;
		if (li == ln || ri == rn)
			return done;
		uint64_t n = MIN(MIN(l[li].iov_len - loff, r[ri].iov_len - roff), PAGE_SIZE);
		void __user *local = (char __user *)l[li].iov_base + loff;
		uint64_t remote = r[ri].iov_base + roff;
		int err = range_allows(mm, remote, n, write ? VM_WRITE : VM_READ) ? 0 : -EFAULT;
		if (!err)
			err = write ? (copy_from_user(buf, local, n) ? -EFAULT
								   : vm_write(mm, remote, buf, n))
				    : vm_read(mm, remote, buf, n);
		if (!err && !write && copy_to_user(local, buf, n))
			err = -EFAULT;
		if (err)
			return done ? done : err;
		done += (long)n;
		loff += n;
		roff += n;
	}
}

static long process_vm_rw(int pid, const struct linux_iovec __user *ulocal, unsigned long ln,
			  const struct linux_iovec __user *uremote, unsigned long rn,
			  unsigned long flags, bool write)
{
	if (flags)
		return -EINVAL;
	int err;
	uint64_t ltotal, rtotal = 0;
	/* As Linux: nothing to move is 0 before the remote side or the process is looked at. */
	struct linux_iovec *l = iov_in(ulocal, ln, &err, &ltotal), *r = NULL;
	if (!err && ltotal)
		r = iov_in(uremote, rn, &err, &rtotal);
	long ret = err;
	struct mm *mm = NULL;
	char *buf = NULL;
	bool move = !err && ltotal && rtotal;
	if (move && (mm = target_mm(pid, &err)) && (buf = kmalloc(PAGE_SIZE)))
		ret = copy_vectors(mm, l, ln, r, rn, write, buf);
	else if (move)
		ret = mm ? -ENOMEM : err;
	kfree(buf);
	if (mm)
		mm_put(mm);
	kfree(l);
	kfree(r);
	return ret;
}

SYSCALL_DEFINE6(process_vm_readv, int, pid, const struct linux_iovec __user *, local,
		unsigned long, liovcnt, const struct linux_iovec __user *, remote,
		unsigned long, riovcnt, unsigned long, flags)
{
	return process_vm_rw(pid, local, liovcnt, remote, riovcnt, flags, false);
}

SYSCALL_DEFINE6(process_vm_writev, int, pid, const struct linux_iovec __user *, local,
		unsigned long, liovcnt, const struct linux_iovec __user *, remote,
		unsigned long, riovcnt, unsigned long, flags)
{
	return process_vm_rw(pid, local, liovcnt, remote, riovcnt, flags, true);
}
