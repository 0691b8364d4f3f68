/* epoll: an interest list of (open file description, fd) pairs and a ready list, behind a
 * descriptor (epoll(7)). Registering an interest polls the file with a table of its own that
 * puts a callback entry (sched/wait.h) on each wait queue the file's poll op names; a wake-up
 * of such a queue runs the callback, which puts the interest on the epoll's ready list and
 * wakes the epoll's waiters. epoll_wait re-polls each ready interest (level-triggered ones
 * stay on the list while ready; edge-triggered and one-shot ones leave it when reported).
 *
 * Locks, outermost first:
 *  - epoll_mutex (global mutex): every interest list, every file->epoll_links list and the
 *    life of every interest: epoll_ctl, the last close of a watched file, an epoll's release,
 *    and the loop check all hold it.
 *  - ep->mtx (mutex): the scan of ep's ready list (epoll_wait, a poll of ep) and the data of
 *    ep's interests; an interest is freed only with both mutexes held, so a scan needs no
 *    references. A scan of an outer epoll polls the inner ones: outer->mtx before inner->mtx
 *    (the loop check keeps the graph acyclic and at most EP_MAX_NESTS deep).
 *  - the spinlocks of the watched files' wait queues (a pipe's lock, an eventfd's lock, an
 *    inner epoll's ep->lock...): the callback runs under them.
 *  - ep->lock (spinlock, IRQs off): ep's ready list, each interest's ready state and events,
 *    and ep's two wait queues. Taken inside the watched files' locks by the callback, so
 *    nothing may take a file's lock while holding it. */
#ifndef FS_EPOLL_H
#define FS_EPOLL_H

struct file;

/* The last reference to f went (file.c, before f's release): drop every interest in it. */
void epoll_file_closed(struct file *f);
/* kcmp(KCMP_EPOLL_TFD): the file of the toff-th interest (in registration order) that epoll f
 * holds for descriptor tfd — a raw pointer, to compare only, never to use — or NULL with *err
 * (-EINVAL: f is not an epoll; -ENOENT: no such interest). */
const struct file *epoll_target_file(struct file *f, int tfd, unsigned toff, int *err);

#endif
