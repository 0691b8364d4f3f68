/* kcmp(2): are two processes' resources the same kernel object? Answers 0 (the same), 1 or 2
 * (an order, of the objects' addresses obfuscated with a random cookie per type, as Linux, so
 * that the order leaks no kernel address), under Linux's ptrace access rule for both. */
#include <proc/process.h>
#include <fs/epoll.h>
#include <fs/fdtable.h>
#include <arch/x86_64/usercopy.h>
#include <fs/vfs.h>
#include <security/capability.h>
#include <security/random.h>
#include <syscall/syscall.h>
#include <lib/string.h>
#include <uapi/errno.h>

enum kcmp_type {
	KCMP_FILE,
	KCMP_VM,
	KCMP_FILES,
	KCMP_FS,
	KCMP_SIGHAND,
	KCMP_IO,
	KCMP_SYSVSEM,
	KCMP_EPOLL_TFD,
	KCMP_TYPES,
};

static uint64_t cookies[KCMP_TYPES][2]; /* set once, at the first call */
static int cookies_ready; /* atomic */

static uint64_t obfuscate(const void *p, int type)
{
	if (!__atomic_load_n(&cookies_ready, __ATOMIC_ACQUIRE)) {
		uint64_t c[KCMP_TYPES][2];
		get_random_bytes(c, sizeof(c));
		for (int i = 0; i < KCMP_TYPES; i++)
			c[i][1] |= 1; /* odd: the multiplication is a bijection */
		int expected = 0;
		if (__atomic_compare_exchange_n(&cookies_ready, &expected, 2, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			memcpy(cookies, c, sizeof(c));
			__atomic_store_n(&cookies_ready, 1, __ATOMIC_RELEASE);
		}
		while (__atomic_load_n(&cookies_ready, __ATOMIC_ACQUIRE) != 1)
			;
	}
	return ((uint64_t)(uintptr_t)p ^ cookies[type][0]) * cookies[type][1];
}

static int order(const void *a, const void *b, int type)
{
	uint64_t x = obfuscate(a, type), y = obfuscate(b, type);
	return x == y ? 0 : x < y ? 1 : 2;
}

/* The resource of type of p (process_tree_lock held, p's lock taken for the fields it guards). */
static const void *resource_locked(struct process *p, int type)
{
	spin_lock(&p->lock);
	const void *r = type == KCMP_VM	     ? (const void *)p->mm
			: type == KCMP_FILES   ? (const void *)p->files
			: type == KCMP_FS      ? (const void *)p->fs
			: type == KCMP_SIGHAND ? (const void *)p->sighand
			: type == KCMP_SYSVSEM ? (const void *)p->sysvsem
					       : NULL; /* KCMP_IO: no I/O contexts */
	spin_unlock(&p->lock);
	return r;
}

/* The process with thread id pid (a thread names its process): the caller may look at it. */
static struct process *target_locked(int pid, int *err)
{
	struct thread *t = pid > 0 ? thread_by_tid_locked(pid) : NULL;
	struct process *p = t ? t->proc : NULL;
	if (!p)
		*err = -ESRCH;
	else if (capmode_current() && p != process_current())
		*err = -ECAPMODE; /* [capmode] only itself */
	else if (!ptrace_may_access_locked(p))
		*err = -EPERM;
	return *err ? NULL : p;
}

/* A process found under the lock, named again once the lock was dropped. */
struct who {
	int pid;
	uint64_t start_ns;
};

/* KCMP_FILE: the open file behind fd of w (referenced), or NULL. */
static struct file *file_of(struct who w, int fd)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct fd_table *t = NULL;
	struct process *p = process_by_pid_locked(w.pid);
	if (p && p->pid == w.pid && p->start_ns == w.start_ns && p->state == PROCESS_ALIVE) {
		spin_lock(&p->lock);
		if ((t = p->files))
			fdtable_get(t);
		spin_unlock(&p->lock);
	}
	spin_unlock_irqrestore(&process_tree_lock, f);
	if (!t)
		return NULL;
	uint64_t rights;
	struct file *file = fdtable_file(t, fd, &rights);
	fdtable_put(t);
	return file;
}

/* KCMP_EPOLL_TFD's second operand, in the caller's memory. */
struct kcmp_epoll_slot {
	uint32_t efd, tfd, toff;
};

/* The file behind fd1 of w1 against the target the epoll efd of w2 holds for (tfd, toff). */
static long kcmp_epoll(struct who w1, struct who w2, int fd1, uint64_t uslot)
{
	struct file *a = file_of(w1, fd1);
	if (!a)
		return -EBADF;
	struct kcmp_epoll_slot slot;
	long r = copy_from_user(&slot, (const void __user *)uslot, sizeof(slot)) ? -EFAULT : 0;
	struct file *ep = r ? NULL : file_of(w2, (int)slot.efd);
	if (!r && !ep)
		r = -EBADF;
	int err = 0;
	const struct file *target = r ? NULL : epoll_target_file(ep, (int)slot.tfd, slot.toff, &err);
	if (!r)
		r = target ? order(a, target, KCMP_FILE) : err;
	if (ep)
		file_put(ep);
	file_put(a);
	return r;
}

static long kcmp_files(struct who w1, struct who w2, int fd1, int fd2)
{
	struct file *a = file_of(w1, fd1), *b = a ? file_of(w2, fd2) : NULL;
	long r = a && b ? order(a, b, KCMP_FILE) : -EBADF;
	if (a)
		file_put(a);
	if (b)
		file_put(b);
	return r;
}

SYSCALL_DEFINE5(kcmp, int, pid1, int, pid2, int, type, uint64_t, idx1, uint64_t, idx2)
{
	int err = 0;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p1 = target_locked(pid1, &err);
	struct process *p2 = p1 ? target_locked(pid2, &err) : NULL;
	long r = err;
	if (!err && (type < 0 || type >= KCMP_TYPES))
		r = -EINVAL;
	else if (!err && type != KCMP_FILE && type != KCMP_EPOLL_TFD)
		r = order(resource_locked(p1, type), resource_locked(p2, type), type);
	struct who w1 = { 0, 0 }, w2 = { 0, 0 };
	if (!err) {
		w1 = (struct who){ p1->pid, p1->start_ns };
		w2 = (struct who){ p2->pid, p2->start_ns };
	}
	spin_unlock_irqrestore(&process_tree_lock, f);
	if (!err && type == KCMP_FILE) /* files are looked up with the lock dropped */
		r = kcmp_files(w1, w2, (int)idx1, (int)idx2);
	else if (!err && type == KCMP_EPOLL_TFD)
		r = kcmp_epoll(w1, w2, (int)idx1, idx2);
	return r;
}
