/* poll, ppoll, select and pselect6: a poll table registers the calling thread on the wait
 * queues of the files it watches (poll_wait_locked, called by each file's poll op), then one
 * sleep waits for any of them to fire, the deadline or a signal; every pass re-scans and
 * re-registers. Linux's semantics: POLLNVAL for a bad fd in poll, EBADF in select, -ERESTARTNOHAND
 * on a signal, select/pselect6/ppoll write the remaining time back, ppoll/pselect6 swap the
 * signal mask for the call (kept until the handler frame is built when a signal interrupts). */
#include <fs/poll.h>
#include <fs/vfs.h>
#include <fs/fdtable.h>
#include <arch/x86_64/usercopy.h>
#include <core/panic.h>
#include <core/time.h>
#include <mm/kmalloc.h>
#include <proc/process.h>
#include <proc/signal.h>
#include <sched/thread.h>
#include <syscall/syscall.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>
#include <uapi/time.h>

#define POLL_STACK_ENTRIES 8 /* registrations kept on the stack (no allocation for most calls) */
#define POLL_MAX_ENTRIES 512 /* beyond this the poller re-polls every POLL_RETRY_NS */
#define POLL_RETRY_NS (10 * NSEC_PER_MSEC)
/* A file without a poll op is always ready. */
#define POLL_DEFAULT_MASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)
/* What select's three sets take from a file's mask (Linux's POLLIN_SET...). */
#define SELECT_IN_MASK (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define SELECT_OUT_MASK (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define SELECT_EX_MASK POLLPRI

/* Deadlines on the monotonic clock; these two are special. */
#define DEADLINE_NOW 0 /* a zero timeout: scan once, never sleep */
#define DEADLINE_NEVER UINT64_MAX /* no timeout */

#define USEC_PER_SEC 1000000LL

/* One registration: the thread on one wait queue of one file. */
struct poll_entry {
	struct wait_entry w;
	struct spinlock *lock; /* guards the queue w is on */
	struct file *file; /* referenced while registered: it keeps the queue alive */
};

/* Owned by the polling thread (on its stack); only `fired` is written by others. */
struct poll_set {
	struct poll_table pt;
	struct poll_entry *entries;
	int n, cap;
	int fired; /* an entry was woken since the last scan began */
	bool overflow; /* a registration did not fit: re-poll on a short timer */
};

void poll_wait_locked(struct poll_table *pt, struct wait_queue *wq, struct spinlock *lock)
{
	spin_assert_held(lock);
	pt->queue(pt, wq, lock);
}

/* poll/select's queue function: a thread entry flagging the set. */
static void poll_set_queue(struct poll_table *table, struct wait_queue *wq, struct spinlock *lock)
{
	struct poll_set *pt = list_entry(table, struct poll_set, pt);
	if (pt->n == pt->cap) {
		pt->overflow = true;
		return;
	}
	struct poll_entry *e = &pt->entries[pt->n++];
	e->w.thread = current_thread();
	e->w.fired = &pt->fired;
	e->w.func = NULL;
	e->lock = lock;
	e->file = table->cur;
	file_get(e->file);
	wait_queue_add_locked(wq, &e->w);
}

/* Take every registration off its queue and drop its file. */
static void poll_table_release(struct poll_set *pt)
{
	for (int i = 0; i < pt->n; i++) {
		struct poll_entry *e = &pt->entries[i];
		uint64_t flags = spin_lock_irqsave(e->lock);
		wait_entry_remove_locked(&e->w);
		spin_unlock_irqrestore(e->lock, flags);
		file_put(e->file);
	}
	pt->n = 0;
}

uint32_t file_poll(struct file *f, struct poll_table *pt)
{
	if (!f->ops || !f->ops->poll) /* O_PATH descriptors have no operations at all */
		return POLL_DEFAULT_MASK;
	if (pt)
		pt->cur = f;
	return f->ops->poll(f, pt);
}

/* One pass over the caller's descriptors: how many are ready, or -errno. */
typedef long (*poll_scan_fn)(void *ctx, struct poll_table *pt);

/* Scan until something is ready, the deadline passes or a signal comes (-ERESTARTNOHAND).
 * max_entries is how many registrations a pass can make at most (one per file is typical). */
static long poll_loop(poll_scan_fn scan, void *ctx, size_t max_entries, uint64_t deadline)
{
	struct poll_entry stack_entries[POLL_STACK_ENTRIES];
	struct poll_set pt = { .pt.queue = poll_set_queue, .entries = stack_entries,
			       .cap = POLL_STACK_ENTRIES };
	if (deadline != DEADLINE_NOW && max_entries > POLL_STACK_ENTRIES) {
		pt.cap = max_entries > POLL_MAX_ENTRIES ? POLL_MAX_ENTRIES : (int)max_entries;
		pt.entries = kmalloc((size_t)pt.cap * sizeof(*pt.entries));
		if (!pt.entries)
			return -ENOMEM;
	}
	bool wait = deadline != DEADLINE_NOW;
	long ret;
	for (;;) {
		__atomic_store_n(&pt.fired, 0, __ATOMIC_SEQ_CST);
		pt.overflow = false;
		ret = scan(ctx, wait ? &pt.pt : NULL);
		if (ret != 0 || !wait)
			break;
		if (signal_pending()) {
			ret = -ERESTARTNOHAND;
			break;
		}
		uint64_t until = deadline == DEADLINE_NEVER ? 0 : deadline;
		if (pt.overflow) {
			uint64_t retry = time_monotonic_ns() + POLL_RETRY_NS;
			until = until && until < retry ? until : retry;
		}
		wait_sleep_unless_fired(&pt.fired, until, SLEEP_INTERRUPTIBLE);
		poll_table_release(&pt);
		if (deadline != DEADLINE_NEVER && time_monotonic_ns() >= deadline)
			wait = false; /* one last scan, then report */
	}
	poll_table_release(&pt);
	if (pt.entries != stack_entries)
		kfree(pt.entries);
	return ret;
}

/* ---- timeouts and the signal mask ------------------------------------------------------- */

static uint64_t deadline_after_ns(uint64_t sec, uint64_t nsec)
{
	if (sec == 0 && nsec == 0)
		return DEADLINE_NOW;
	if (sec > (DEADLINE_NEVER / 2) / NSEC_PER_SEC)
		return DEADLINE_NEVER; /* centuries away */
	return time_monotonic_ns() + sec * NSEC_PER_SEC + nsec;
}

/* A relative timespec (ppoll, pselect6) into a deadline; NULL means none. */
static int timespec_deadline(const struct linux_timespec __user *uts, uint64_t *deadline)
{
	*deadline = DEADLINE_NEVER;
	if (!uts)
		return 0;
	struct linux_timespec ts;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	*deadline = deadline_after_ns((uint64_t)ts.tv_sec, (uint64_t)ts.tv_nsec);
	return 0;
}

/* select's timeval: negative fields are EINVAL, an oversized tv_usec carries into seconds. */
static int timeval_deadline(const struct linux_timeval __user *utv, uint64_t *deadline)
{
	*deadline = DEADLINE_NEVER;
	if (!utv)
		return 0;
	struct linux_timeval tv;
	if (copy_from_user(&tv, utv, sizeof(tv)))
		return -EFAULT;
	if (tv.tv_sec < 0 || tv.tv_usec < 0)
		return -EINVAL;
	uint64_t sec = (uint64_t)tv.tv_sec + (uint64_t)(tv.tv_usec / USEC_PER_SEC);
	uint64_t usec = (uint64_t)(tv.tv_usec % USEC_PER_SEC);
	*deadline = deadline_after_ns(sec, usec * NSEC_PER_USEC);
	return 0;
}

static uint64_t remaining_ns(uint64_t deadline)
{
	uint64_t now = time_monotonic_ns();
	return deadline > now ? deadline - now : 0;
}

/* Write the time left back as Linux does (not for a zero or absent timeout). A read-only
 * buffer is not an error, but then an interrupted call cannot restart with the right time. */
static long write_remaining(void __user *utime, bool timeval, uint64_t deadline, long ret)
{
	if (!utime || deadline == DEADLINE_NOW || deadline == DEADLINE_NEVER)
		return ret;
	uint64_t left = remaining_ns(deadline);
	int64_t sec = (int64_t)(left / NSEC_PER_SEC), sub = (int64_t)(left % NSEC_PER_SEC);
	int r;
	if (timeval) {
		struct linux_timeval tv = { sec, sub / (int64_t)NSEC_PER_USEC };
		r = copy_to_user(utime, &tv, sizeof(tv));
	} else {
		struct linux_timespec ts = { sec, sub };
		r = copy_to_user(utime, &ts, sizeof(ts));
	}
	if (r && ret == -ERESTARTNOHAND)
		return -EINTR;
	return ret;
}

/* ppoll/pselect6: block umask (if given) for the call. */
static int sigmask_swap_in(const k_sigset_t __user *umask, size_t size)
{
	return umask ? signal_set_temporary_mask(umask, size) : 0;
}

/* The call's mask goes away now, unless a signal interrupted it: then the handler's frame
 * saves the original mask and sigreturn restores it (as for rt_sigsuspend). */
static void sigmask_swap_out(long ret)
{
	if (ret != -ERESTARTNOHAND)
		signal_end_temporary_mask();
}

static uint64_t nofile_limit(void)
{
	return READ_ONCE(process_current()->rlimits[RLIMIT_NOFILE].rlim_cur);
}

/* ---- poll and ppoll ----------------------------------------------------------------------- */

struct poll_ctx {
	struct linux_pollfd *fds;
	unsigned int n;
};

static long poll_scan(void *ctx, struct poll_table *pt)
{
	struct poll_ctx *c = ctx;
	long ready = 0;
	for (unsigned int i = 0; i < c->n; i++) {
		struct linux_pollfd *p = &c->fds[i];
		p->revents = 0;
		if (p->fd < 0)
			continue;
		struct file *f = fd_get(p->fd);
		uint32_t mask = POLLNVAL;
		if (f && (f->flags & O_PATH)) { /* as Linux: poll does not see O_PATH files */
			file_put(f);
			f = NULL;
		}
		if (f) {
			uint32_t want = (uint16_t)p->events | POLLERR | POLLHUP;
			mask = file_poll(f, pt) & want;
			file_put(f);
		}
		p->revents = (int16_t)mask;
		if (mask)
			ready++;
	}
	return ready;
}

static long do_poll(struct linux_pollfd __user *ufds, unsigned int nfds, uint64_t deadline)
{
	if (nfds > nofile_limit())
		return -EINVAL;
	struct poll_ctx c = { .n = nfds };
	if (nfds) {
		c.fds = kmalloc((size_t)nfds * sizeof(*c.fds));
		if (!c.fds)
			return -ENOMEM;
		if (copy_from_user(c.fds, ufds, (size_t)nfds * sizeof(*c.fds))) {
			kfree(c.fds);
			return -EFAULT;
		}
	}
	long ret = poll_loop(poll_scan, &c, nfds, deadline);
	for (unsigned int i = 0; ret >= 0 && i < nfds; i++)
		if (put_user(c.fds[i].revents, &ufds[i].revents))
			ret = -EFAULT;
	kfree(c.fds);
	return ret;
}

/* poll's timeout is a register, not memory it could update: an interrupted poll with a
 * deadline resumes through restart_syscall (when no handler runs) towards the same deadline. */
static long poll_resume(struct restart_block *rb);

static long poll_until(struct linux_pollfd __user *ufds, unsigned int nfds, uint64_t deadline)
{
	long ret = do_poll(ufds, nfds, deadline);
	if (ret != -ERESTARTNOHAND || deadline == DEADLINE_NEVER)
		return ret;
	current_thread()->restart = (struct restart_block){
		.fn = poll_resume, .deadline_ns = deadline, .arg = { (uint64_t)ufds, nfds }
	};
	return -ERESTART_RESTARTBLOCK;
}

static long poll_resume(struct restart_block *rb)
{
	return poll_until((struct linux_pollfd __user *)rb->arg[0], (unsigned int)rb->arg[1],
			  rb->deadline_ns);
}

SYSCALL_DEFINE3(poll, struct linux_pollfd __user *, ufds, unsigned int, nfds, int, timeout_ms)
{
	uint64_t deadline = DEADLINE_NEVER;
	if (timeout_ms >= 0)
		deadline = deadline_after_ns(0, (uint64_t)timeout_ms * NSEC_PER_MSEC);
	return poll_until(ufds, nfds, deadline);
}

SYSCALL_DEFINE5(ppoll, struct linux_pollfd __user *, ufds, unsigned int, nfds,
		struct linux_timespec __user *, tsp, const k_sigset_t __user *, sigmask,
		size_t, sigsetsize)
{
	uint64_t deadline;
	int r = timespec_deadline(tsp, &deadline);
	if (r)
		return r;
	r = sigmask_swap_in(sigmask, sigsetsize);
	if (r)
		return r;
	long ret = do_poll(ufds, nfds, deadline);
	sigmask_swap_out(ret);
	return write_remaining(tsp, false, deadline, ret);
}

/* ---- select and pselect6 ------------------------------------------------------------------ */

enum { SEL_IN, SEL_OUT, SEL_EX, SEL_SETS };

struct select_ctx {
	int n;
	uint64_t *in[SEL_SETS]; /* the caller's sets (zero when not given) */
	uint64_t *out[SEL_SETS]; /* results */
};

static const uint32_t select_masks[SEL_SETS] = { SELECT_IN_MASK, SELECT_OUT_MASK,
						  SELECT_EX_MASK };

static bool bit_test(const uint64_t *set, int i)
{
	return set[i / FD_SET_WORD_BITS] >> (i % FD_SET_WORD_BITS) & 1;
}

static long select_scan(void *ctx, struct poll_table *pt)
{
	struct select_ctx *c = ctx;
	size_t words = ((size_t)c->n + FD_SET_WORD_BITS - 1) / FD_SET_WORD_BITS;
	for (int s = 0; s < SEL_SETS; s++)
		for (size_t w = 0; w < words; w++)
			c->out[s][w] = 0;
	long ready = 0;
	for (int i = 0; i < c->n; i++) {
		bool any = false;
		for (int s = 0; s < SEL_SETS; s++)
			any |= bit_test(c->in[s], i);
		if (!any)
			continue;
		struct file *f = fd_get(i);
		if (!f)
			return -EBADF;
		uint32_t mask = file_poll(f, pt);
		file_put(f);
		for (int s = 0; s < SEL_SETS; s++) {
			if (bit_test(c->in[s], i) && (mask & select_masks[s])) {
				c->out[s][i / FD_SET_WORD_BITS] |= 1ULL << (i % FD_SET_WORD_BITS);
				ready++;
			}
		}
	}
	return ready;
}

static long do_select(int n, uint64_t __user *usets[SEL_SETS], uint64_t deadline)
{
	if (n < 0)
		return -EINVAL;
	if ((uint64_t)n > nofile_limit()) /* no descriptor can be that high: Linux clamps too */
		n = (int)nofile_limit();
	size_t words = ((size_t)n + FD_SET_WORD_BITS - 1) / FD_SET_WORD_BITS;
	size_t bytes = words * sizeof(uint64_t);
	uint64_t *mem = kmalloc(2 * SEL_SETS * bytes + 1);
	if (!mem)
		return -ENOMEM;
	struct select_ctx c = { .n = n };
	long ret = 0;
	for (int s = 0; s < SEL_SETS; s++) {
		c.in[s] = mem + s * words;
		c.out[s] = mem + (SEL_SETS + s) * words;
		if (usets[s] && copy_from_user(c.in[s], usets[s], bytes))
			ret = -EFAULT;
	}
	if (ret == 0)
		ret = poll_loop(select_scan, &c, (size_t)n, deadline);
	for (int s = 0; ret >= 0 && s < SEL_SETS; s++)
		if (usets[s] && copy_to_user(usets[s], c.out[s], bytes))
			ret = -EFAULT;
	kfree(mem);
	return ret;
}

SYSCALL_DEFINE5(select, int, n, uint64_t __user *, inp, uint64_t __user *, outp,
		uint64_t __user *, exp, struct linux_timeval __user *, tvp)
{
	uint64_t deadline;
	int r = timeval_deadline(tvp, &deadline);
	if (r)
		return r;
	uint64_t __user *sets[SEL_SETS] = { inp, outp, exp };
	long ret = do_select(n, sets, deadline);
	return write_remaining(tvp, true, deadline, ret);
}

SYSCALL_DEFINE6(pselect6, int, n, uint64_t __user *, inp, uint64_t __user *, outp,
		uint64_t __user *, exp, struct linux_timespec __user *, tsp,
		const struct linux_pselect_sigmask __user *, usig)
{
	uint64_t deadline;
	int r = timespec_deadline(tsp, &deadline);
	if (r)
		return r;
	struct linux_pselect_sigmask pack = { 0, 0 };
	if (usig && copy_from_user(&pack, usig, sizeof(pack)))
		return -EFAULT;
	r = sigmask_swap_in((const k_sigset_t __user *)pack.ss, pack.ss_len);
	if (r)
		return r;
	uint64_t __user *sets[SEL_SETS] = { inp, outp, exp };
	long ret = do_select(n, sets, deadline);
	sigmask_swap_out(ret);
	return write_remaining(tsp, false, deadline, ret);
}
