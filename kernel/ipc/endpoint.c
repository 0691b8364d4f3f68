/* Capability endpoints (include/uapi/zero/ipc.h, docs/capabilities.md): a bounded queue of
 * messages behind two kinds of descriptor, a receive end and a send end. A message is bytes
 * plus up to ZERO_MSG_MAX_CAPS open files (passed with the rights the sender's descriptors
 * had) and, for zero_call, a reply slot that the receiver gets as a one-shot reply descriptor
 * (zero_recv) or holds in its thread (zero_reply_recv, no descriptor). A call hands the CPU
 * straight to a server blocked in a receive, and the answer straight back
 * (sched_wake_and_switch); zero_reply_recv answers and blocks on the endpoint in one step, so
 * that the caller's next request finds it waiting.
 *
 * Locking: endpoint->lock (spinlock) guards the queue, the counts and both wait queues;
 * reply_slot->lock guards a slot's state and answer and is held while its caller is woken, so
 * the caller cannot leave (and its thread go away) under the waker. Order: endpoint->lock >
 * reply_slot->lock > run-queue locks. Messages are built and delivered (user copies, fd
 * installs) with no lock held. in_flight_lock (global, a leaf: nothing is taken under it)
 * orders the sends of messages carrying receive ends against each other (carry_receivers).
 *
 * A receive end keeps its endpoint's queue, and the files in it, alive. So that no set of
 * endpoints can keep itself alive by holding each other's receive ends in their queues (with
 * no process holding any), a message carrying a receive end is refused (ELOOP) by an endpoint
 * whose own receive end is in a message: the last link of any such ring is always that. */
#include <ipc/endpoint.h>
#include <fs/vfs.h>
#include <fs/fdtable.h>
#include <fs/poll.h>
#include <arch/x86_64/usercopy.h>
#include <core/time.h>
#include <lib/list.h>
#include <mm/kmalloc.h>
#include <proc/signal.h>
#include <sched/sched.h>
#include <sched/thread.h>
#include <syscall/syscall.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>
#include <uapi/stat.h>
#include <uapi/zero/ipc.h>

#define EP_MODE (S_IFSOCK | 0600) /* how fstat shows an endpoint or a reply descriptor */
#define EP_CREATE_FLAGS (ZERO_EP_NONBLOCK | ZERO_EP_CLOEXEC)
#define RECV_END_RIGHTS (ZERO_CAP_RECV | ZERO_CAP_GRANT | ZERO_CAP_DUPLICATE | ZERO_CAP_STAT)
#define SEND_END_RIGHTS \
	(ZERO_CAP_SEND | ZERO_CAP_CALL | ZERO_CAP_GRANT | ZERO_CAP_DUPLICATE | ZERO_CAP_STAT)
#define REPLY_RIGHTS (ZERO_CAP_SEND | ZERO_CAP_STAT) /* one-shot: never passed on */
#define PASS_RIGHTS (ZERO_CAP_GRANT | ZERO_CAP_DUPLICATE) /* to put a descriptor in a message */

enum slot_state { SLOT_PENDING, SLOT_ANSWERED, SLOT_DEAD };

struct kmsg {
	struct list_node node; /* in endpoint->queue */
	uint64_t len;
	uint32_t ncaps;
	struct file *caps[ZERO_MSG_MAX_CAPS]; /* referenced */
	uint64_t rights[ZERO_MSG_MAX_CAPS];
	/* A call's request lives in its slot (one allocation per call) and holds a reference to
	 * it; NULL for a plain message (allocated alone, unless in_slot). */
	struct reply_slot *reply;
	bool in_slot; /* an answer built in its call's slot (zero_reply_recv): freed with it */
	bool carries_receivers; /* counted in the recv_in_flight of its receive ends' endpoints */
	uint8_t data[];
};

/* The rendezvous of one zero_call, allocated with its request. References: the caller's, the
 * request's until it is delivered, then the reply file's or the receiving thread's
 * (thread->ipc_reply). A caller keeps its last slot for its next call (thread->ipc_spare)
 * when it held the last reference. */
struct reply_slot {
	struct spinlock lock;
	int refcount; /* atomic */
	enum slot_state state;
	struct kmsg *answer; /* SLOT_ANSWERED: the reply, until the caller takes it */
	struct thread *caller; /* waiting in zero_call; NULL once it gave up */
	uint64_t room; /* bytes the request may have (the allocation's); fixed */
	struct kmsg request; /* last: its bytes follow */
};

#define SLOT_MIN_ROOM 64 /* a slot is made for at least this many bytes, to be reused */

struct endpoint {
	struct spinlock lock;
	struct list_node queue; /* struct kmsg, oldest first */
	uint32_t count, depth, max_msg;
	int receivers, senders; /* open ends */
	/* Messages (queued or being built or delivered) holding one of its receive ends; guarded
	 * by in_flight_lock, not by lock. */
	int recv_in_flight;
	struct wait_queue rd_wait; /* receivers, and pollers of the receive end */
	struct wait_queue wr_wait; /* senders waiting for room, pollers of the send end */
};

static const struct file_ops recv_end_ops, send_end_ops, reply_ops;

/* ---- reply slots and messages ------------------------------------------------------------- */

static void slot_put(struct reply_slot *s);

static struct spinlock in_flight_lock = SPINLOCK_INIT("endpoint in flight");

static bool is_receive_end(const struct file *f)
{
	return f->ops == &recv_end_ops;
}

/* Count k's receive ends as in flight, unless the destination's own receive end is: 0 or
 * -ELOOP. */
static int carry_receivers(struct kmsg *k, struct endpoint *dest)
{
	uint64_t fl = spin_lock_irqsave(&in_flight_lock);
	int r = dest->recv_in_flight ? -ELOOP : 0;
	for (uint32_t i = 0; !r && i < k->ncaps; i++)
		if (is_receive_end(k->caps[i]))
			((struct endpoint *)k->caps[i]->priv)->recv_in_flight++;
	k->carries_receivers = !r;
	spin_unlock_irqrestore(&in_flight_lock, fl);
	return r;
}

static void drop_receivers(struct kmsg *k)
{
	uint64_t fl = spin_lock_irqsave(&in_flight_lock);
	for (uint32_t i = 0; i < k->ncaps; i++)
		if (is_receive_end(k->caps[i]))
			((struct endpoint *)k->caps[i]->priv)->recv_in_flight--;
	k->carries_receivers = false;
	spin_unlock_irqrestore(&in_flight_lock, fl);
}

static void kmsg_free(struct kmsg *k)
{
	if (k->carries_receivers)
		drop_receivers(k);
	for (uint32_t i = 0; i < k->ncaps; i++)
		file_put(k->caps[i]);
	if (k->reply)
		slot_put(k->reply); /* a request: its memory goes with the slot's */
	else if (!k->in_slot)
		kfree(k);
}

/* Nobody can answer any more (the reply descriptor or the request went away): the caller
 * wakes with EPIPE. */
static void slot_kill(struct reply_slot *s)
{
	uint64_t fl = spin_lock_irqsave(&s->lock);
	if (s->state == SLOT_PENDING) {
		s->state = SLOT_DEAD;
		if (s->caller)
			sched_wake(s->caller, 0);
	}
	spin_unlock_irqrestore(&s->lock, fl);
}

static void slot_put(struct reply_slot *s)
{
	if (__atomic_sub_fetch(&s->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	if (s->answer)
		kmsg_free(s->answer);
	kfree(s);
}

/* Copy a user message's header in and check it: at most max_msg bytes, ZERO_MSG_MAX_CAPS
 * capabilities. */
static int msg_copyin(const struct zero_msg __user *um, uint32_t max_msg, struct zero_msg *m)
{
	if (copy_from_user(m, um, sizeof(*m)))
		return -EFAULT;
	if (m->len > max_msg)
		return -EMSGSIZE;
	return m->ncaps > ZERO_MSG_MAX_CAPS ? -EINVAL : 0;
}

/* Fill k (zeroed, room for m->len bytes, k->reply set) from m: the bytes and the capabilities,
 * each held with PASS_RIGHTS and not an end of `self` (that would make the endpoint hold
 * itself). For `self` (the endpoint it goes to; NULL for an answer), receive ends may not make
 * a ring (carry_receivers). On failure k is freed. */
static int kmsg_fill(struct kmsg *k, const struct zero_msg *m, struct endpoint *self)
{
	k->len = m->len;
	int r = copy_from_user(k->data, m->data, m->len) ? -EFAULT : 0;
	bool receivers = false;
	for (uint32_t i = 0; !r && i < m->ncaps; i++) {
		r = fd_get_rights(m->caps[i], PASS_RIGHTS, &k->caps[i], &k->rights[i]);
		if (r)
			break;
		k->ncaps++;
		if (k->caps[i]->priv == self && self)
			r = -EINVAL;
		receivers |= is_receive_end(k->caps[i]);
	}
	if (!r && receivers && self)
		r = carry_receivers(k, self);
	if (r)
		kmsg_free(k);
	return r;
}

/* A plain message from the user's *um (see kmsg_fill). With `home` (the call it answers, held
 * by this thread alone, its request delivered) it is built in the slot's room if it fits. */
static int kmsg_build(const struct zero_msg __user *um, uint32_t max_msg, struct endpoint *self,
		      struct reply_slot *home, struct kmsg **out)
{
	struct zero_msg m;
	int r = msg_copyin(um, max_msg, &m);
	if (r)
		return r;
	struct kmsg *k;
	if (home && m.len <= home->room) {
		k = &home->request;
		*k = (struct kmsg){ .in_slot = true };
	} else if (!(k = kmalloc(sizeof(*k) + m.len))) {
		return -ENOMEM;
	}
	r = kmsg_fill(k, &m, self);
	if (!r)
		*out = k;
	return r;
}

/* The one anonymous inode every reply descriptor shares (as Linux's anon inode): a call then
 * allocates no inode, and reads no clock for its times. Set once, never freed. */
static struct inode *reply_inode;

/* A new reply file for slot s (priv), on the shared inode. */
static int reply_file_alloc(struct reply_slot *s, struct file **out)
{
	struct inode *inode = __atomic_load_n(&reply_inode, __ATOMIC_ACQUIRE);
	if (!inode) {
		int r = file_alloc_anon(EP_MODE, O_RDWR, &reply_ops, s, out);
		if (r)
			return r;
		inode_get((*out)->inode);
		struct inode *none = NULL;
		if (!__atomic_compare_exchange_n(&reply_inode, &none, (*out)->inode, false,
						 __ATOMIC_RELEASE, __ATOMIC_RELAXED))
			inode_put((*out)->inode); /* another call set it first */
		return 0;
	}
	inode_get(inode);
	int r = file_alloc(NULL, inode, O_RDWR, &reply_ops, out);
	if (!r)
		(*out)->priv = s;
	return r;
}

/* A reply descriptor for slot s (which gains a reference): the fd, or -errno. */
static int reply_fd_install(struct reply_slot *s, struct file **out)
{
	struct file *f;
	int r = reply_file_alloc(s, &f);
	if (r)
		return r;
	__atomic_fetch_add(&s->refcount, 1, __ATOMIC_RELAXED);
	file_get(f);
	int fd = fd_install_rights(f, false, 0, REPLY_RIGHTS);
	if (fd < 0) {
		file_put(f);
		file_put(f);
		return fd;
	}
	*out = f;
	return fd;
}

/* Undo a partial delivery: close the descriptors installed so far. A reply file is disarmed
 * first so that its release does not kill the call (the message keeps its slot). */
static void undo_installs(const int *fds, int n, struct file *reply_file, int reply_fd)
{
	for (int i = 0; i < n; i++)
		fd_close(fds[i]);
	if (reply_file) {
		slot_put(reply_file->priv);
		reply_file->priv = NULL;
		fd_close(reply_fd);
		file_put(reply_file);
	}
}

/* Hand k to the receiver's message *um (buffer from m): bytes, new descriptors for its
 * capabilities, and for a call a reply descriptor or, with `held`, the slot itself (a new
 * reference in *held, no descriptor). All or nothing: on failure k is unchanged and the
 * descriptors are gone. On success k is freed. */
static int kmsg_deliver(struct kmsg *k, const struct zero_msg *m, struct zero_msg __user *um,
			struct reply_slot **held)
{
	if (k->len > m->len)
		return put_user(k->len, &um->len) ? -EFAULT : -EMSGSIZE;
	if (copy_to_user(m->data, k->data, k->len))
		return -EFAULT;
	struct zero_msg out = { .data = m->data, .len = k->len, .ncaps = k->ncaps, .reply_fd = -1 };
	for (int i = 0; i < ZERO_MSG_MAX_CAPS; i++)
		out.caps[i] = -1;
	int r = 0, n = 0;
	struct file *reply_file = NULL;
	for (; n < (int)k->ncaps; n++) {
		file_get(k->caps[n]);
		r = fd_install_rights(k->caps[n], false, 0, k->rights[n]);
		if (r < 0) {
			file_put(k->caps[n]);
			break;
		}
		out.caps[n] = r;
		r = 0;
	}
	if (!r && k->reply && !held) {
		r = reply_fd_install(k->reply, &reply_file);
		out.reply_fd = r;
		r = r < 0 ? r : 0;
	}
	if (!r && copy_to_user(um, &out, sizeof(out)))
		r = -EFAULT;
	if (r) {
		undo_installs(out.caps, n, reply_file, out.reply_fd);
		return r;
	}
	if (reply_file)
		file_put(reply_file);
	if (held && k->reply) {
		__atomic_fetch_add(&k->reply->refcount, 1, __ATOMIC_RELAXED);
		*held = k->reply;
	}
	kmsg_free(k);
	return 0;
}

/* ---- the endpoint ------------------------------------------------------------------------- */

/* Free messages nobody will receive (callers wake with EPIPE). */
static void free_messages(struct list_node *msgs)
{
	while (!list_empty(msgs)) {
		struct kmsg *k = list_first(msgs, struct kmsg, node);
		list_remove(&k->node);
		if (k->reply)
			slot_kill(k->reply);
		kmsg_free(k);
	}
}

/* An end closes. Once no receiver is left the queued messages go at once (taken off under
 * the lock, so that a concurrent last close cannot free the endpoint under us). */
static void end_release(struct file *f)
{
	struct endpoint *ep = f->priv;
	struct list_node msgs = LIST_HEAD_INIT(msgs);
	uint64_t fl = spin_lock_irqsave(&ep->lock);
	if (f->ops == &recv_end_ops)
		ep->receivers--;
	else
		ep->senders--;
	if (ep->receivers == 0) {
		while (!list_empty(&ep->queue)) {
			struct kmsg *k = list_first(&ep->queue, struct kmsg, node);
			list_remove(&k->node);
			list_add_tail(&msgs, &k->node);
		}
		ep->count = 0;
	}
	bool dead = ep->receivers == 0 && ep->senders == 0;
	wait_queue_wake_locked(&ep->rd_wait, 0); /* end of stream, POLLHUP */
	wait_queue_wake_locked(&ep->wr_wait, 0); /* EPIPE, POLLERR */
	spin_unlock_irqrestore(&ep->lock, fl);
	free_messages(&msgs);
	if (dead)
		kfree(ep);
}

static uint32_t end_poll(struct file *f, struct poll_table *pt)
{
	struct endpoint *ep = f->priv;
	uint32_t mask = 0;
	uint64_t fl = spin_lock_irqsave(&ep->lock);
	if (f->ops == &recv_end_ops) {
		if (pt)
			poll_wait_locked(pt, &ep->rd_wait, &ep->lock);
		if (ep->count > 0)
			mask |= POLLIN | POLLRDNORM;
		if (ep->senders == 0)
			mask |= POLLHUP;
	} else {
		if (pt)
			poll_wait_locked(pt, &ep->wr_wait, &ep->lock);
		if (ep->count < ep->depth)
			mask |= POLLOUT | POLLWRNORM;
		if (ep->receivers == 0)
			mask |= POLLERR;
	}
	spin_unlock_irqrestore(&ep->lock, fl);
	return mask;
}

static int64_t end_llseek(struct file *f, int64_t off, int whence)
{
	(void)f, (void)off, (void)whence;
	return -ESPIPE;
}

static const struct file_ops recv_end_ops = {
	.llseek = end_llseek, .poll = end_poll, .release = end_release
};
static const struct file_ops send_end_ops = {
	.llseek = end_llseek, .poll = end_poll, .release = end_release
};

/* A reply descriptor closed without zero_reply: the caller wakes with EPIPE. */
static void reply_release(struct file *f)
{
	struct reply_slot *s = f->priv;
	if (!s)
		return;
	slot_kill(s);
	slot_put(s);
}

static const struct file_ops reply_ops = { .llseek = end_llseek, .release = reply_release };

/* ---- waiting ------------------------------------------------------------------------------ */

/* When a wait must end: deadline 0 = never (timeout_ns < 0); nowait for EAGAIN. */
struct wait_spec {
	bool nowait;
	bool timed;
	uint64_t deadline;
};

static struct wait_spec wait_spec(const struct file *f, int flags, int64_t timeout_ns)
{
	struct wait_spec w = { .nowait = (flags & ZERO_MSG_NONBLOCK) ||
					 (READ_ONCE(f->flags) & O_NONBLOCK) };
	if (timeout_ns >= 0) {
		w.timed = true;
		w.deadline = time_monotonic_ns() + (uint64_t)timeout_ns;
		if (w.deadline == 0)
			w.deadline = 1;
	}
	return w;
}

/* Sleep on wq (ep->lock held) until woken: 0, -EAGAIN, -ETIMEDOUT, or -EINTR (timed
 * waits) / -ERESTARTSYS (the others restart, as pipes do). A hand-off h (or NULL) is consumed
 * in every case (sched/wait.h). */
static int ep_wait_locked(struct endpoint *ep, struct wait_queue *wq, const struct wait_spec *w,
			  uint64_t *fl, const struct handoff *h)
{
	spin_assert_held(&ep->lock);
	if (w->nowait || (w->timed && time_monotonic_ns() >= w->deadline)) {
		if (h)
			handoff_release(h);
		return w->nowait ? -EAGAIN : -ETIMEDOUT;
	}
	int r = signal_wait_queue_sleep_handoff_locked(wq, &ep->lock, fl,
						       w->timed ? w->deadline : 0, h);
	if (r == -EINTR)
		return w->timed ? -EINTR : -ERESTARTSYS;
	return r == -ETIMEDOUT ? 0 : r; /* the loop re-checks the deadline */
}

/* Queue k (ep->lock held), waiting for room; wakes one receiver. With handoff, a receiver
 * blocked in zero_recv is taken off the queue instead and returned in *handoff (still
 * blocked) for the caller to switch to. 0 or -errno (k not queued). */
static int enqueue_locked(struct endpoint *ep, struct kmsg *k, const struct wait_spec *w,
			  uint64_t *fl, struct thread **handoff)
{
	spin_assert_held(&ep->lock);
	for (;;) {
		if (ep->receivers == 0)
			return -EPIPE;
		if (ep->count < ep->depth)
			break;
		int r = ep_wait_locked(ep, &ep->wr_wait, w, fl, NULL);
		if (r)
			return r;
	}
	list_add_tail(&ep->queue, &k->node);
	ep->count++;
	if (handoff && !list_empty(&ep->rd_wait.waiters)) {
		struct wait_entry *we = list_first(&ep->rd_wait.waiters, struct wait_entry, node);
		if (!we->fired && !we->func) { /* a receiver, not a poller or an epoll */
			list_remove(&we->node);
			*handoff = we->thread;
			return 0;
		}
	}
	wait_queue_wake_locked(&ep->rd_wait, 0);
	return 0;
}

/* The endpoint end behind fd, held with right (fd_get_light: the calls using it never close a
 * descriptor): 0 or -EBADF / -ENOTCAPABLE / -EINVAL (not an end of the kind the right belongs
 * to). */
static int get_end(int fd, uint64_t right, const struct file_ops *ops, struct fd_light *out)
{
	int r = fd_get_light(fd, right, out);
	if (r)
		return r;
	if (out->file->ops != ops) {
		fd_put_light(out);
		return -EINVAL;
	}
	return 0;
}

/* ---- system calls ------------------------------------------------------------------------- */

static int endpoint_make(uint32_t depth, uint32_t max_msg, uint32_t status, struct file **rf,
			 struct file **sf)
{
	struct endpoint *ep = kmalloc(sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	*ep = (struct endpoint){ .lock = SPINLOCK_INIT("endpoint"), .depth = depth,
				 .max_msg = max_msg, .receivers = 1, .senders = 1 };
	list_init(&ep->queue);
	wait_queue_init(&ep->rd_wait);
	wait_queue_init(&ep->wr_wait);
	int r = file_alloc_anon(EP_MODE, O_RDWR | status, &recv_end_ops, ep, rf);
	if (r) {
		kfree(ep);
		return r;
	}
	r = file_alloc_sibling(*rf, O_RDWR | status, &send_end_ops, ep, sf); /* one inode */
	if (r) {
		ep->senders = 0;
		file_put(*rf); /* the last end: frees ep */
	}
	return r;
}

SYSCALL_DEFINE4(zero_endpoint_create, uint32_t, depth, uint32_t, max_msg, int, flags,
		int __user *, ufds)
{
	if (flags & ~EP_CREATE_FLAGS)
		return -EINVAL;
	if (depth == 0 || depth > ZERO_EP_MAX_DEPTH || max_msg > ZERO_EP_MAX_MSG)
		return -EINVAL;
	struct file *rf, *sf;
	int r = endpoint_make(depth, max_msg, (uint32_t)flags & O_NONBLOCK, &rf, &sf);
	if (r)
		return r;
	struct file *files[2] = { rf, sf };
	const uint64_t rights[2] = { RECV_END_RIGHTS, SEND_END_RIGHTS };
	return fd_install_pair_user(files, rights, flags & ZERO_EP_CLOEXEC, ufds);
}

SYSCALL_DEFINE4(zero_send, int, fd, const struct zero_msg __user *, um, int, flags, int64_t,
		timeout_ns)
{
	if (flags & ~ZERO_MSG_NONBLOCK)
		return -EINVAL;
	struct fd_light end;
	int r = get_end(fd, ZERO_CAP_SEND, &send_end_ops, &end);
	if (r)
		return r;
	struct file *f = end.file;
	struct endpoint *ep = f->priv;
	struct kmsg *k;
	r = kmsg_build(um, ep->max_msg, ep, NULL, &k);
	if (!r) {
		struct wait_spec w = wait_spec(f, flags, timeout_ns);
		uint64_t fl = spin_lock_irqsave(&ep->lock);
		r = enqueue_locked(ep, k, &w, &fl, NULL);
		spin_unlock_irqrestore(&ep->lock, fl);
		if (r)
			kmsg_free(k);
	}
	fd_put_light(&end);
	return r; /* EPIPE raises no SIGPIPE (docs/capabilities.md) */
}

/* Answer slot s with *answer (ep->lock held): the slot's caller, if it still waits, is
 * returned in *h with the slot locked, to be woken by the caller of this function, and
 * *answer and the answering thread's reference to s are consumed; else (it gave up) both
 * stay for the caller to drop. */
static bool post_answer_locked(struct reply_slot *s, struct kmsg **answer, struct handoff *h)
{
	spin_lock(&s->lock);
	if (s->state != SLOT_PENDING || !s->caller) {
		spin_unlock(&s->lock);
		return false;
	}
	s->state = SLOT_ANSWERED;
	s->answer = *answer;
	*answer = NULL;
	/* The answering thread's reference goes now, so that the caller can reuse the slot; it
	 * cannot be the last, as the caller (still waiting) holds one. */
	__atomic_sub_fetch(&s->refcount, 1, __ATOMIC_ACQ_REL);
	*h = (struct handoff){ .to = s->caller, .lock = &s->lock };
	return true;
}

/* Take the oldest message of ep, waiting as w says: 1 with *out, 0 at end of stream, or
 * -errno. A message bigger than the buffer (len) stays queued: -EMSGSIZE, *out its size.
 * With s (zero_reply_recv), first answer s with *answer (see post_answer_locked): if this
 * thread then has to wait, it hands the CPU straight to the woken caller. */
static int dequeue(struct endpoint *ep, uint64_t len, const struct wait_spec *w,
		   struct kmsg **out, uint64_t *need, struct reply_slot *s, struct kmsg **answer)
{
	uint64_t fl = spin_lock_irqsave(&ep->lock);
	struct handoff handoff, *h = s && post_answer_locked(s, answer, &handoff) ? &handoff : NULL;
	int r;
	for (;;) {
		if (!list_empty(&ep->queue)) {
			struct kmsg *k = list_first(&ep->queue, struct kmsg, node);
			*need = k->len;
			if (k->len > len) {
				r = -EMSGSIZE;
				break;
			}
			list_remove(&k->node);
			ep->count--;
			wait_queue_wake_locked(&ep->wr_wait, 0); /* room */
			*out = k;
			r = 1;
			break;
		}
		if (ep->senders == 0) {
			r = 0;
			break;
		}
		r = ep_wait_locked(ep, &ep->rd_wait, w, &fl, h);
		h = NULL; /* consumed */
		if (r)
			break;
	}
	if (h)
		handoff_release(h);
	spin_unlock_irqrestore(&ep->lock, fl);
	return r;
}

/* Put a message that could not be delivered back at the head of the queue. */
static void requeue(struct endpoint *ep, struct kmsg *k)
{
	uint64_t fl = spin_lock_irqsave(&ep->lock);
	list_insert_between(&k->node, &ep->queue, ep->queue.next);
	ep->count++;
	wait_queue_wake_locked(&ep->rd_wait, 0);
	spin_unlock_irqrestore(&ep->lock, fl);
}

/* The receive of zero_recv and zero_reply_recv: a message of the endpoint behind the receive
 * end f into *um (header m), waiting as w says, after answering s (see dequeue). Returns what
 * dequeue does; with `held`, a call is ZERO_RECV_CALL and its slot goes to *held. */
static int recv_on(struct file *f, const struct zero_msg *m, struct zero_msg __user *um,
		   const struct wait_spec *w, struct reply_slot *s, struct kmsg **answer,
		   struct reply_slot **held)
{
	struct endpoint *ep = f->priv;
	struct kmsg *k = NULL;
	uint64_t need = 0;
	int r = dequeue(ep, m->len, w, &k, &need, s, answer);
	if (r == -EMSGSIZE && put_user(need, &um->len))
		r = -EFAULT;
	if (r == 1) {
		bool call = held && k->reply;
		int err = kmsg_deliver(k, m, um, held);
		if (err) {
			requeue(ep, k);
			r = err;
		} else if (call) {
			r = ZERO_RECV_CALL;
		}
	}
	return r;
}

/* The receive end behind fd and the user's message header at um (flags checked): 0 or
 * -errno. */
static int recv_args(int fd, struct zero_msg __user *um, int flags, struct zero_msg *m,
		     struct fd_light *f)
{
	if (flags & ~ZERO_MSG_NONBLOCK)
		return -EINVAL;
	if (copy_from_user(m, um, sizeof(*m)))
		return -EFAULT;
	return get_end(fd, ZERO_CAP_RECV, &recv_end_ops, f);
}

SYSCALL_DEFINE4(zero_recv, int, fd, struct zero_msg __user *, um, int, flags, int64_t,
		timeout_ns)
{
	struct zero_msg m;
	struct fd_light end;
	int r = recv_args(fd, um, flags, &m, &end);
	if (r)
		return r;
	struct wait_spec w = wait_spec(end.file, flags, timeout_ns);
	r = recv_on(end.file, &m, um, &w, NULL, NULL, NULL);
	fd_put_light(&end);
	return r;
}

/* Answer the call this thread holds (ureply, or NULL to drop it: its caller wakes with EPIPE)
 * and receive the next message as zero_recv, holding a call's reply in the thread instead of a
 * descriptor. Never restarted after a signal: the answer is gone. */
SYSCALL_DEFINE5(zero_reply_recv, int, fd, const struct zero_msg __user *, ureply,
		struct zero_msg __user *, um, int, flags, int64_t, timeout_ns)
{
	struct thread *self = current_thread();
	if (ureply && !self->ipc_reply)
		return -EINVAL; /* no call to answer */
	struct zero_msg m;
	struct fd_light end;
	int r = recv_args(fd, um, flags, &m, &end);
	if (r)
		return r;
	struct file *f = end.file;
	struct kmsg *answer = NULL;
	if (ureply) {
		r = kmsg_build(ureply, ZERO_EP_MAX_MSG, NULL, self->ipc_reply, &answer);
		if (r)
			goto out_put;
	}
	struct reply_slot *s = self->ipc_reply;
	self->ipc_reply = NULL;
	if (s && !answer) {
		slot_kill(s);
		slot_put(s);
		s = NULL;
	}
	struct wait_spec w = wait_spec(f, flags, timeout_ns);
	r = recv_on(f, &m, um, &w, s, &answer, &self->ipc_reply);
	if (answer) { /* not posted: its caller gave up (timeout, signal, exit) */
		kmsg_free(answer);
		slot_put(s);
	}
	if (r == -ERESTARTSYS)
		r = -EINTR;
out_put:
	fd_put_light(&end);
	return r;
}

void endpoint_thread_exit(struct thread *t)
{
	struct reply_slot *s = t->ipc_reply;
	t->ipc_reply = NULL;
	if (s) {
		slot_kill(s);
		slot_put(s);
	}
	kfree(t->ipc_spare);
	t->ipc_spare = NULL;
}

/* Wait for the answer to slot s: 0 (answer taken into *out), -EPIPE (the server went
 * away), -ETIMEDOUT or -EINTR (the call is abandoned). handoff: a server to switch to first,
 * with ep->lock (held, flags fl) keeping it in its wait. */
static int call_wait(struct reply_slot *s, struct thread *handoff, struct endpoint *ep,
		     uint64_t fl, const struct wait_spec *w, struct kmsg **out)
{
	uint64_t deadline = w->timed ? w->deadline : 0;
	int why = 0;
	if (handoff)
		why = sched_block_and_switch(handoff, deadline, SLEEP_INTERRUPTIBLE, NULL,
					     &ep->lock, fl);
	fl = spin_lock_irqsave(&s->lock);
	int r = 0;
	/* The clock is read only after a timer wake-up: a call costs no clock read. */
	while (s->state == SLOT_PENDING) {
		if (w->timed && why == -ETIMEDOUT && time_monotonic_ns() >= deadline) {
			r = -ETIMEDOUT;
			break;
		}
		if (signal_pending()) {
			r = -EINTR;
			break;
		}
		sched_prepare_block(deadline, SLEEP_INTERRUPTIBLE);
		spin_unlock_irqrestore(&s->lock, fl);
		why = sched_block_finish();
		fl = spin_lock_irqsave(&s->lock);
	}
	if (s->state == SLOT_ANSWERED) {
		*out = s->answer;
		s->answer = NULL;
		r = 0;
	} else if (s->state == SLOT_DEAD) {
		r = -EPIPE;
	}
	s->caller = NULL;
	spin_unlock_irqrestore(&s->lock, fl);
	return r;
}

/* The slot of a new call with its request from *ureq (as kmsg_build); references: the
 * request's and the caller's. */
static int call_build(const struct zero_msg __user *ureq, struct endpoint *ep,
		      struct reply_slot **out)
{
	struct zero_msg m;
	int r = msg_copyin(ureq, ep->max_msg, &m);
	if (r)
		return r;
	struct thread *self = current_thread();
	struct reply_slot *s = self->ipc_spare;
	if (s && s->room >= m.len) {
		self->ipc_spare = NULL;
	} else {
		uint64_t room = m.len > SLOT_MIN_ROOM ? m.len : SLOT_MIN_ROOM;
		s = kmalloc(sizeof(*s) + room);
		if (!s)
			return -ENOMEM;
		s->room = room;
	}
	s->lock = (struct spinlock)SPINLOCK_INIT("reply_slot");
	s->refcount = 1;
	s->state = SLOT_PENDING;
	s->answer = NULL;
	s->caller = self;
	s->request.ncaps = 0;
	s->request.reply = s;
	s->request.in_slot = false;
	s->request.carries_receivers = false;
	r = kmsg_fill(&s->request, &m, ep); /* frees s on failure */
	if (r)
		return r;
	s->refcount = 2;
	*out = s;
	return 0;
}

/* The caller drops its reference to s: the last one keeps the slot as its thread's spare
 * (nobody else can take a new reference once all others are gone). */
static void call_done(struct reply_slot *s)
{
	struct thread *self = current_thread();
	if (__atomic_load_n(&s->refcount, __ATOMIC_ACQUIRE) == 1 && !self->ipc_spare)
		self->ipc_spare = s;
	else
		slot_put(s);
}

SYSCALL_DEFINE4(zero_call, int, fd, const struct zero_msg __user *, ureq,
		struct zero_msg __user *, ureply, int64_t, timeout_ns)
{
	struct zero_msg m;
	if (copy_from_user(&m, ureply, sizeof(m)))
		return -EFAULT;
	struct fd_light end;
	int r = get_end(fd, ZERO_CAP_CALL, &send_end_ops, &end);
	if (r)
		return r;
	struct file *f = end.file;
	struct endpoint *ep = f->priv;
	struct reply_slot *s;
	r = call_build(ureq, ep, &s);
	if (r) {
		fd_put_light(&end);
		return r;
	}
	struct kmsg *k = &s->request, *answer = NULL;
	struct wait_spec w = wait_spec(f, 0, timeout_ns);
	struct thread *server = NULL;
	uint64_t fl = spin_lock_irqsave(&ep->lock);
	r = enqueue_locked(ep, k, &w, &fl, &server);
	if (r) {
		spin_unlock_irqrestore(&ep->lock, fl);
		kmsg_free(k);
	} else if (server) {
		r = call_wait(s, server, ep, fl, &w, &answer);
	} else {
		spin_unlock_irqrestore(&ep->lock, fl);
		r = call_wait(s, NULL, NULL, 0, &w, &answer);
	}
	if (answer) { /* before the slot goes: the answer may live in it */
		r = kmsg_deliver(answer, &m, ureply, NULL);
		if (r)
			kmsg_free(answer);
	}
	call_done(s);
	fd_put_light(&end);
	return r;
}

SYSCALL_DEFINE2(zero_reply, int, fd, const struct zero_msg __user *, um)
{
	struct fd_light end;
	int r = get_end(fd, ZERO_CAP_SEND, &reply_ops, &end);
	if (r)
		return r;
	struct file *f = end.file;
	if (!end.counted)
		file_get(f); /* it closes its own descriptor below */
	struct reply_slot *s = f->priv;
	struct kmsg *k;
	r = kmsg_build(um, ZERO_EP_MAX_MSG, NULL, NULL, &k);
	if (r) {
		file_put(f);
		return r;
	}
	fd_close(fd); /* one-shot: the descriptor is used up (f keeps the slot for now) */
	uint64_t fl = spin_lock_irqsave(&s->lock);
	struct thread *caller = s->state == SLOT_PENDING ? s->caller : NULL;
	if (caller) {
		s->state = SLOT_ANSWERED;
		s->answer = k;
		k = NULL;
		sched_wake_and_switch(caller, 0, &s->lock, fl); /* straight back to the caller */
	} else {
		spin_unlock_irqrestore(&s->lock, fl);
		r = -EPIPE; /* the caller gave up (timeout, signal) */
	}
	if (k)
		kmsg_free(k);
	file_put(f);
	return r;
}
