/* pidfds (see proc/pidfd.h): the file, pidfd_open and pidfd_getfd. pidfd_send_signal is with
 * kill in signal_syscalls.c, waitid(P_PIDFD) in exit.c, CLONE_PIDFD in fork.c.
 *
 * Locks: process_tree_lock guards a pidfd's target (pid, start_ns) and pidfd_wq, which every
 * process's exit wakes (a pidfd holds no pointer to its process, so there is no per-process
 * queue to find). */
#include <proc/pidfd.h>
#include <proc/process.h>
#include <fs/fdtable.h>
#include <fs/poll.h>
#include <fs/procfs/procfs.h>
#include <fs/vfs.h>
#include <arch/x86_64/usercopy.h>
#include <lib/printf.h>
#include <mm/kmalloc.h>
#include <security/capability.h>
#include <syscall/syscall.h>
#include <uapi/capability.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/pidfd.h>
#include <uapi/poll.h>

struct pidfd {
	int pid; /* process_tree_lock; 0 until clone names the child */
	uint64_t start_ns;
};

#define PIDFD_MODE 0600 /* an anonymous inode, as Linux's */

static struct wait_queue pidfd_wq = WAIT_QUEUE_INIT(pidfd_wq);
static const struct file_ops pidfd_ops;

struct process *pidfd_process_locked(int pid, uint64_t start_ns)
{
	spin_assert_held(&process_tree_lock);
	struct process *p = pid > 0 ? process_by_pid_locked(pid) : NULL;
	if (!p || p->pid != pid || (start_ns && p->start_ns != start_ns))
		return NULL;
	return p;
}

void pidfd_notify_exit_locked(void)
{
	spin_assert_held(&process_tree_lock);
	wait_queue_wake_locked(&pidfd_wq, 0);
}

/* Readable once the process has exited (a zombie), and hung up as well once it is reaped. */
static uint32_t pidfd_poll(struct file *f, struct poll_table *pt)
{
	struct pidfd *pf = f->priv;
	uint64_t fl = spin_lock_irqsave(&process_tree_lock);
	if (pt)
		poll_wait_locked(pt, &pidfd_wq, &process_tree_lock);
	struct process *p = pidfd_process_locked(pf->pid, pf->start_ns);
	uint32_t mask = !p			     ? POLLIN | POLLRDNORM | POLLHUP
			: p->state == PROCESS_ZOMBIE ? POLLIN | POLLRDNORM
						     : 0;
	spin_unlock_irqrestore(&process_tree_lock, fl);
	return mask;
}

static int64_t pidfd_llseek(struct file *f, int64_t off, int whence)
{
	(void)f, (void)off, (void)whence;
	return -ESPIPE;
}

static void pidfd_release(struct file *f)
{
	kfree(f->priv);
}

/* /proc/<pid>/fdinfo: the process's pid, -1 once it is reaped (Linux's Pid and NSpid lines:
 * there is one pid name space). */
static long pidfd_fdinfo(struct file *f, char *buf, size_t size)
{
	struct pidfd *pf = f->priv;
	uint64_t fl = spin_lock_irqsave(&process_tree_lock);
	int pid = pidfd_process_locked(pf->pid, pf->start_ns) ? pf->pid : -1;
	spin_unlock_irqrestore(&process_tree_lock, fl);
	return ksnprintf(buf, size, "Pid:\t%d\nNSpid:\t%d\n", pid, pid);
}

static const struct file_ops pidfd_ops = {
	.fdinfo = pidfd_fdinfo,
	.poll = pidfd_poll,
	.llseek = pidfd_llseek,
	.release = pidfd_release,
};

int pidfd_install(int pid, uint64_t start_ns, uint32_t flags, struct file **keep)
{
	struct pidfd *pf = kmalloc(sizeof(*pf));
	if (!pf)
		return -ENOMEM;
	*pf = (struct pidfd){ .pid = pid, .start_ns = start_ns };
	struct file *f;
	int r = file_alloc_anon(PIDFD_MODE, O_RDWR | (flags & O_NONBLOCK), &pidfd_ops, pf, &f);
	if (r) {
		kfree(pf);
		return r;
	}
	if (keep) {
		file_get(f);
		*keep = f;
	}
	r = fd_install_or_put(f, true);
	if (r < 0 && keep)
		file_put(f);
	return r;
}

void pidfd_set_target(struct file *f, int pid, uint64_t start_ns)
{
	struct pidfd *pf = f->priv;
	uint64_t fl = spin_lock_irqsave(&process_tree_lock);
	pf->pid = pid;
	pf->start_ns = start_ns;
	spin_unlock_irqrestore(&process_tree_lock, fl);
}

int pidfd_target(int fd, bool procfs_ok, int *pid, uint64_t *start_ns, bool *nonblock)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	int r = 0;
	if (f->ops == &pidfd_ops) {
		struct pidfd *pf = f->priv;
		uint64_t fl = spin_lock_irqsave(&process_tree_lock);
		*pid = pf->pid;
		*start_ns = pf->start_ns;
		spin_unlock_irqrestore(&process_tree_lock, fl);
		if (nonblock)
			*nonblock = READ_ONCE(f->flags) & O_NONBLOCK;
	} else if (procfs_ok && (r = procfs_pid_dir(f, start_ns)) > 0) {
		*pid = r;
		r = 0;
	} else {
		r = -EBADF;
	}
	file_put(f);
	return r;
}

SYSCALL_DEFINE2(pidfd_open, int, pid, unsigned, flags)
{
	if (flags & ~PIDFD_NONBLOCK)
		return -EINVAL;
	if (pid <= 0)
		return -EINVAL;
	uint64_t fl = spin_lock_irqsave(&process_tree_lock);
	struct process *p = pidfd_process_locked(pid, 0);
	int r = 0;
	uint64_t start_ns = 0;
	if (!p)
		r = thread_by_tid_locked(pid) ? -ENOENT : -ESRCH; /* a thread: not a process */
	else if (capmode_current() && p != process_current())
		r = -ECAPMODE; /* [capmode] only itself */
	else
		start_ns = p->start_ns;
	spin_unlock_irqrestore(&process_tree_lock, fl);
	return r ? r : pidfd_install(pid, start_ns, flags, NULL);
}

/* The descriptor table of the process a pidfd names (referenced): 0, -EBADF, -ESRCH, -EPERM,
 * -ECAPMODE. */
static int pidfd_files(int pidfd, struct fd_table **out)
{
	int pid;
	uint64_t start_ns;
	int r = pidfd_target(pidfd, false, &pid, &start_ns, NULL);
	if (r)
		return r;
	uint64_t fl = spin_lock_irqsave(&process_tree_lock);
	struct process *p = pidfd_process_locked(pid, start_ns);
	if (!p || p->state != PROCESS_ALIVE)
		r = -ESRCH;
	else if (capmode_current() && p != process_current())
		r = -ECAPMODE; /* [capmode] no other process's files */
	else if (!ptrace_may_access_locked(p))
		r = -EPERM;
	if (!r) {
		spin_lock(&p->lock);
		*out = p->files;
		if (*out)
			fdtable_get(*out);
		spin_unlock(&p->lock);
		r = *out ? 0 : -ESRCH; /* exiting */
	}
	spin_unlock_irqrestore(&process_tree_lock, fl);
	return r;
}

SYSCALL_DEFINE3(pidfd_getfd, int, pidfd, int, targetfd, unsigned, flags)
{
	if (flags)
		return -EINVAL;
	struct fd_table *t;
	int r = pidfd_files(pidfd, &t);
	if (r)
		return r;
	uint64_t rights;
	struct file *f = fdtable_file(t, targetfd, &rights);
	fdtable_put(t);
	if (!f)
		return -EBADF;
	/* The copy keeps the descriptor's rights: they only ever shrink. */
	r = fd_install_rights(f, true, 0, rights);
	if (r < 0)
		file_put(f);
	return r;
}
