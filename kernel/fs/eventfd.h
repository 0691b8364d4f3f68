/* eventfd and eventfd2: a 64-bit counter behind a descriptor (eventfd(2)). A write adds to it,
 * a read takes it all (or one, with EFD_SEMAPHORE); both block, interruptibly, while the
 * counter is zero or would pass EVENTFD_MAX, unless the file is non-blocking.
 *
 * Locking: eventfd->lock (spinlock, IRQs off) guards the counter and the wait queue that
 * readers, writers and pollers (poll/select threads, epoll callbacks) share. It is a leaf but
 * for the epoll callbacks a wake-up runs under it (fs/epoll.h: epoll's ready-list lock nests
 * inside it). */
#ifndef FS_EVENTFD_H
#define FS_EVENTFD_H

#endif
