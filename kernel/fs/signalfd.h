/* signalfd and signalfd4: a descriptor that reads pending signals of a set as 128-byte struct
 * signalfd_siginfo (signalfd(2)). A read dequeues signals of the reading thread (its own or its
 * process's), blocking interruptibly until one comes unless the file is non-blocking; poll
 * reports POLLIN while one of the set is pending for the polling thread. signalfd on an
 * existing signalfd replaces its set.
 *
 * Locking: the set is one word, read and written atomically. Readers and pollers wait on the
 * creating process's sh->signalfd_wq (proc/signal.h), guarded by sh->lock, which every queued
 * signal wakes; the file holds a reference on those handlers, so the queue outlives any epoll
 * registration on it. Epoll's ready-list lock nests inside sh->lock. */
#ifndef FS_SIGNALFD_H
#define FS_SIGNALFD_H

#endif
