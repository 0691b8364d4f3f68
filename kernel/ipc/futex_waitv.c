/* futex_waitv(2): wait on up to FUTEX_WAITV_MAX futex words at once, until a FUTEX_WAKE on
 * any of them (the answer is its index), the absolute timeout, or a signal. Each word gets an
 * ordinary futex waiter in its bucket, so futex.c's wakes and requeues see it; all of them
 * share one `fired` flag that the sleep checks, so a wake-up landing while the later words are
 * still being queued is not lost. */
#include <ipc/futex_internal.h>
#include <syscall/syscall.h>
#include <sched/sched.h>
#include <sched/wait.h>
#include <core/time.h>
#include <mm/kmalloc.h>
#include <arch/x86_64/usercopy.h>
#include <proc/signal.h>
#include <uapi/errno.h>
#include <uapi/futex.h>
#include <uapi/time.h>

#define WAITV_FLAGS (FUTEX2_SIZE_MASK | FUTEX2_PRIVATE)

/* The absolute deadline (monotonic ns) of a CLOCK_MONOTONIC or CLOCK_REALTIME timeout; 0 for
 * none. */
static int waitv_deadline(const struct linux_timespec __user *uts, int clockid,
			  uint64_t *deadline)
{
	*deadline = 0;
	if (!uts)
		return 0;
	if (clockid != CLOCK_MONOTONIC && clockid != CLOCK_REALTIME)
		return -EINVAL;
	struct linux_timespec ts;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	uint64_t ns = (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	if (clockid == CLOCK_REALTIME) {
		uint64_t real = time_realtime_ns(), now = time_monotonic_ns();
		ns = ns > real ? now + (ns - real) : now;
	}
	*deadline = ns ? ns : 1; /* 0 means "no deadline" to the scheduler */
	return 0;
}

/* Copy in and check the array (only 32-bit words exist), and key each word. */
static int waitv_parse(const struct futex_waitv __user *uw, unsigned n,
		       struct futex_waitv *v, struct futex_waiter *w)
{
	if (copy_from_user(v, uw, n * sizeof(*v)))
		return -EFAULT;
	for (unsigned i = 0; i < n; i++) {
		if ((v[i].flags & ~WAITV_FLAGS) || v[i].__reserved ||
		    (v[i].flags & FUTEX2_SIZE_MASK) != FUTEX2_SIZE_U32 || v[i].val > UINT32_MAX)
			return -EINVAL;
		int r = futex_make_key(v[i].uaddr, v[i].flags & FUTEX2_PRIVATE, &w[i].key);
		if (r)
			return r;
	}
	return 0;
}

/* Take waiters [0, n) off their queues: the index of the first one woken, or -1. */
static int waitv_dequeue(struct futex_waiter *w, unsigned n)
{
	int first = -1;
	for (unsigned i = 0; i < n; i++) {
		uint64_t flags;
		struct futex_bucket *b = futex_lock_waiter_bucket(&w[i], &flags);
		if (!w[i].woken)
			list_remove(&w[i].node);
		else if (first < 0)
			first = (int)i;
		spin_unlock_irqrestore(&b->lock, flags);
	}
	return first;
}

/* Queue a waiter on each word whose value is still the expected one: 0, or -EAGAIN / -EFAULT
 * with nothing left queued (or the index of a word already woken meanwhile). */
static int waitv_enqueue(const struct futex_waitv *v, struct futex_waiter *w, unsigned n,
			 int *fired)
{
	*fired = 0;
	for (unsigned i = 0; i < n; i++) {
		struct futex_bucket *b = futex_bucket_of(&w[i].key);
		w[i] = (struct futex_waiter){ .key = w[i].key, .bitset = FUTEX_BITSET_MATCH_ANY,
					      .thread = current_thread(), .bucket = b,
					      .fired = fired };
		uint32_t cur;
		uint64_t flags = spin_lock_irqsave(&b->lock);
		/* Read under the bucket lock, as FUTEX_WAIT does: a waker changes it first. */
		int r = get_user(&cur, (uint32_t __user *)v[i].uaddr) ? -EFAULT : 0;
		if (!r && cur != (uint32_t)v[i].val)
			r = -EAGAIN;
		if (!r)
			list_add_tail(&b->waiters, &w[i].node);
		spin_unlock_irqrestore(&b->lock, flags);
		if (r) {
			int woken = waitv_dequeue(w, i);
			return woken >= 0 ? woken : r;
		}
	}
	return 0;
}

/* Sleep until a word is woken (its index), the deadline (-ETIMEDOUT) or a signal (restarted:
 * the deadline is absolute, so the restart waits no longer). */
static long waitv_wait(const struct futex_waitv *v, struct futex_waiter *w, unsigned n,
		       uint64_t deadline)
{
	for (;;) {
		int fired;
		int r = waitv_enqueue(v, w, n, &fired);
		if (r)
			return r;
		int reason = wait_sleep_unless_fired(&fired, deadline, SLEEP_INTERRUPTIBLE);
		int woken = waitv_dequeue(w, n);
		if (woken >= 0)
			return woken;
		if (reason == -ETIMEDOUT)
			return -ETIMEDOUT;
		if (reason == -EINTR || signal_pending())
			return -ERESTARTSYS;
		/* A spurious wake-up: the values are checked again. */
	}
}

SYSCALL_DEFINE5(futex_waitv, const struct futex_waitv __user *, waiters, unsigned int, nr,
		unsigned int, flags, const struct linux_timespec __user *, timeout, int, clockid)
{
	if (flags || !waiters || !nr || nr > FUTEX_WAITV_MAX)
		return -EINVAL;
	uint64_t deadline;
	long r = waitv_deadline(timeout, clockid, &deadline);
	if (r)
		return r;
	struct futex_waitv *v = kmalloc(nr * sizeof(*v));
	struct futex_waiter *w = kmalloc(nr * sizeof(*w));
	r = v && w ? waitv_parse(waiters, nr, v, w) : -ENOMEM;
	if (!r)
		r = waitv_wait(v, w, nr, deadline);
	kfree(v);
	kfree(w);
	return r;
}
