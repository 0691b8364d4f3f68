/* futex(2): waiters hang in a hash table keyed by the futex word's identity — (address space,
 * user address) for private futexes, the physical address for shared ones, so that processes
 * mapping the same shared page meet. The value check and the enqueue happen under the bucket
 * lock, which is what makes FUTEX_WAIT atomic against FUTEX_WAKE.
 *
 * Locking: each bucket's lock guards its waiter list and every waiter's `bucket` and `woken`
 * fields; a requeue holds both buckets' locks, taken in address order. The futex word is read
 * under the bucket lock (the atomicity above needs it): make_key faulted its page in first,
 * but if it went meanwhile (munmap by another thread) the read faults with the lock held, and
 * the fault takes mm->lock — so bucket locks come before mm->lock, and a fault that would
 * sleep (a file page) fails with -EFAULT there, as interrupts are off. */
#include <ipc/futex.h>
#include <ipc/futex_internal.h>
#include <syscall/syscall.h>
#include <sched/sched.h>
#include <core/spinlock.h>
#include <core/time.h>
#include <lib/list.h>
#include <mm/vm.h>
#include <mm/paging.h>
#include <proc/process.h>
#include <arch/x86_64/usercopy.h>
#include <uapi/errno.h>
#include <uapi/futex.h>
#include <uapi/time.h>

struct futex_bucket futex_buckets[FUTEX_BUCKETS];

void futex_init(void)
{
	for (unsigned i = 0; i < FUTEX_BUCKETS; i++) {
		futex_buckets[i].lock = (struct spinlock)SPINLOCK_INIT("futex");
		list_init(&futex_buckets[i].waiters);
	}
}

/* The key of the word at uaddr of mm for a private or non-private operation (see the kinds). */
static __always_inline int key_of(struct mm *mm, uint64_t uaddr, bool private,
				  struct futex_key *k)
{
	uint64_t pa, flags;
	if (private) {
		*k = (struct futex_key){ mm, uaddr, KEY_PRIVATE_OP };
		return 0;
	}
	if (!vm_is_shared(mm, uaddr)) {
		*k = (struct futex_key){ mm, uaddr, KEY_SHARED_OP_PRIVATE_MEM };
		return 0;
	}
	if (!pt_translate(mm->pml4_pa, uaddr, &pa, &flags))
		return -EFAULT;
	*k = (struct futex_key){ NULL, pa, KEY_SHARED_MEM };
	return 0;
}

int futex_make_key(uint64_t uaddr, bool private, struct futex_key *k)
{
	uint32_t probe;
	if (uaddr & 3)
		return -EINVAL;
	if (get_user(&probe, (uint32_t __user *)uaddr))
		return -EFAULT;
	return key_of(process_current()->mm, uaddr, private, k);
}


static long futex_wait_resume(struct restart_block *rb);

/* A signal (or an exit) ended the wait, as Linux answers it: an untimed wait is restarted
 * unless a handler without SA_RESTART runs (-ERESTARTSYS); a timed one resumes through
 * restart_syscall with the same absolute deadline when no handler runs, and is -EINTR when
 * one does. */
static int futex_wait_interrupted(uint64_t uaddr, bool private, uint32_t val, uint32_t bitset,
				  uint64_t deadline_ns)
{
	if (!deadline_ns)
		return -ERESTARTSYS;
	struct restart_block *rb = &current_thread()->restart;
	*rb = (struct restart_block){ .fn = futex_wait_resume, .deadline_ns = deadline_ns,
				      .arg = { uaddr | private, val | (uint64_t)bitset << 32 } };
	return -ERESTART_RESTARTBLOCK;
}

/* Inlined into do_futex, the hot caller; the restart (futex_wait_resume) is the other. */
static __always_inline int futex_wait(uint64_t uaddr, bool private, uint32_t val,
				      uint32_t bitset, uint64_t deadline_ns)
{
	struct futex_key key __noinit; /* futex_make_key/key_of fill it or fail */
	int err = futex_make_key(uaddr, private, &key);
	if (err)
		return err;
	struct futex_bucket *b = futex_bucket_of(&key);
	struct futex_waiter w = { .key = key, .bitset = bitset, .thread = current_thread(),
				  .bucket = b };
	uint32_t cur;
	uint64_t flags = spin_lock_irqsave(&b->lock);
	/* Read under the bucket lock: a waker changes the word before taking this lock. */
	if (get_user(&cur, (uint32_t __user *)uaddr)) {
		spin_unlock_irqrestore(&b->lock, flags);
		return -EFAULT;
	}
	if (cur != val) {
		spin_unlock_irqrestore(&b->lock, flags);
		return -EAGAIN;
	}
	list_add_tail(&b->waiters, &w.node);
	sched_prepare_block(deadline_ns, SLEEP_INTERRUPTIBLE);
	spin_unlock_irqrestore(&b->lock, flags);
	int reason = sched_block_finish();

	b = futex_lock_waiter_bucket(&w, &flags);
	if (!w.woken)
		list_remove(&w.node);
	spin_unlock_irqrestore(&b->lock, flags);
	if (w.woken)
		return 0;
	if (reason == -ETIMEDOUT)
		return -ETIMEDOUT;
	return futex_wait_interrupted(uaddr, private, val, bitset, deadline_ns);
}

/* The restart of a timed wait (futex_wait_interrupted): uaddr is 4-byte aligned, so its low
 * bit carries the private flag. */
static long futex_wait_resume(struct restart_block *rb)
{
	return futex_wait(rb->arg[0] & ~1ULL, rb->arg[0] & 1, (uint32_t)rb->arg[1],
			  (uint32_t)(rb->arg[1] >> 32), rb->deadline_ns);
}

/* Wake up to nr waiters of key whose bitset matches; caller holds b->lock. */
static int wake_locked(struct futex_bucket *b, const struct futex_key *key, int nr,
		       uint32_t bitset)
{
	spin_assert_held(&b->lock);
	struct list_node *pos, *tmp;
	int woken = 0;
	list_for_each_safe(pos, tmp, &b->waiters) {
		if (woken >= nr)
			break;
		struct futex_waiter *w = list_entry(pos, struct futex_waiter, node);
		if (!futex_key_equal(&w->key, key) || !(w->bitset & bitset))
			continue;
		list_remove(&w->node);
		w->woken = true;
		if (w->fired)
			__atomic_store_n(w->fired, 1, __ATOMIC_SEQ_CST);
		sched_wake(w->thread, 0);
		woken++;
	}
	return woken;
}

static int futex_wake(uint64_t uaddr, bool private, int nr, uint32_t bitset)
{
	struct futex_key key __noinit; /* futex_make_key/key_of fill it or fail */
	int err = futex_make_key(uaddr, private, &key);
	if (err)
		return err;
	struct futex_bucket *b = futex_bucket_of(&key);
	uint64_t flags = spin_lock_irqsave(&b->lock);
	int woken = wake_locked(b, &key, nr, bitset);
	spin_unlock_irqrestore(&b->lock, flags);
	return woken;
}

void futex_wake_one(struct mm *mm, uint64_t uaddr, bool private)
{
	struct futex_key key __noinit; /* futex_make_key/key_of fill it or fail */
	if ((uaddr & 3) || key_of(mm, uaddr, private, &key))
		return;
	struct futex_bucket *b = futex_bucket_of(&key);
	uint64_t flags = spin_lock_irqsave(&b->lock);
	wake_locked(b, &key, 1, FUTEX_BITSET_MATCH_ANY);
	spin_unlock_irqrestore(&b->lock, flags);
}

static void lock_pair(struct futex_bucket *a, struct futex_bucket *b, uint64_t *flags)
{
	*flags = irq_save();
	if (a == b) {
		spin_lock(&a->lock);
	} else if (a < b) {
		spin_lock(&a->lock);
		spin_lock(&b->lock);
	} else {
		spin_lock(&b->lock);
		spin_lock(&a->lock);
	}
}

static void unlock_pair(struct futex_bucket *a, struct futex_bucket *b, uint64_t flags)
{
	spin_unlock(&a->lock);
	if (a != b)
		spin_unlock(&b->lock);
	irq_restore(flags);
}

/* FUTEX_REQUEUE / FUTEX_CMP_REQUEUE: wake nr_wake waiters of uaddr, move up to nr_requeue of
 * the rest to uaddr2. With cmp, the word must still hold cmpval (else -EAGAIN). */
static int futex_requeue(uint64_t uaddr, uint64_t uaddr2, bool private, int nr_wake,
			 int nr_requeue, bool cmp, uint32_t cmpval)
{
	struct futex_key k1 __noinit, k2 __noinit; /* futex_make_key fills them or fails */
	int err = futex_make_key(uaddr, private, &k1);
	if (!err)
		err = futex_make_key(uaddr2, private, &k2);
	if (err)
		return err;
	struct futex_bucket *b1 = futex_bucket_of(&k1), *b2 = futex_bucket_of(&k2);
	uint64_t flags;
	lock_pair(b1, b2, &flags);
	if (cmp) {
		uint32_t cur;
		if (get_user(&cur, (uint32_t __user *)uaddr))
			err = -EFAULT;
		else if (cur != cmpval)
			err = -EAGAIN;
		if (err) {
			unlock_pair(b1, b2, flags);
			return err;
		}
	}
	int done = wake_locked(b1, &k1, nr_wake, FUTEX_BITSET_MATCH_ANY);
	struct list_node *pos, *tmp;
	int moved = 0;
	list_for_each_safe(pos, tmp, &b1->waiters) {
		if (moved >= nr_requeue)
			break;
		struct futex_waiter *w = list_entry(pos, struct futex_waiter, node);
		if (!futex_key_equal(&w->key, &k1))
			continue;
		list_remove(&w->node);
		w->key = k2;
		w->bucket = b2;
		list_add_tail(&b2->waiters, &w->node);
		moved++;
	}
	unlock_pair(b1, b2, flags);
	return done + moved;
}

/* Deadline on the monotonic clock from futex's timeout argument: relative for FUTEX_WAIT,
 * absolute (monotonic, or realtime with FUTEX_CLOCK_REALTIME) for FUTEX_WAIT_BITSET. */
static int futex_deadline(uint64_t utime, bool absolute, bool realtime, uint64_t *deadline)
{
	struct linux_timespec ts;
	*deadline = 0;
	if (!utime)
		return 0;
	if (copy_from_user(&ts, (const void __user *)utime, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	uint64_t ns = (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	uint64_t now = time_monotonic_ns();
	if (!absolute)
		*deadline = now + ns;
	else if (!realtime)
		*deadline = ns;
	else {
		uint64_t real = time_realtime_ns();
		*deadline = ns > real ? now + (ns - real) : now;
	}
	if (*deadline == 0) /* 0 means "no deadline" to the scheduler */
		*deadline = 1;
	return 0;
}

long do_futex(uint64_t uaddr, int op, uint32_t val, uint64_t utime, uint64_t uaddr2,
	      uint32_t val3)
{
	bool private = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
	int cmd = op & FUTEX_CMD_MASK;
	uint64_t deadline;
	int err;

	if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (cmd == FUTEX_WAIT)
			val3 = FUTEX_BITSET_MATCH_ANY;
		if (!val3)
			return -EINVAL;
		err = futex_deadline(utime, cmd == FUTEX_WAIT_BITSET, realtime, &deadline);
		return err ? err : futex_wait(uaddr, private, val, val3, deadline);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		if (cmd == FUTEX_WAKE)
			val3 = FUTEX_BITSET_MATCH_ANY;
		if (!val3)
			return -EINVAL;
		return futex_wake(uaddr, private, (int)MIN(val, (uint32_t)INT32_MAX), val3);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		if ((int)val < 0 || (int64_t)(int32_t)utime < 0)
			return -EINVAL;
		/* The timeout argument carries the requeue count for these operations. */
		return futex_requeue(uaddr, uaddr2, private, (int)val, (int)(int32_t)utime,
				     cmd == FUTEX_CMP_REQUEUE, val3);
	default:
		return -ENOSYS; /* FUTEX_WAKE_OP and the PI operations are not implemented */
	}
}

SYSCALL_DEFINE6(futex, uint64_t, uaddr, int, op, uint32_t, val, uint64_t, utime, uint64_t, uaddr2,
		uint32_t, val3)
{
	return do_futex(uaddr, op, val, utime, uaddr2, val3);
}
