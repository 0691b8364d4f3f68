/* timerfd_create, timerfd_settime, timerfd_gettime: a timer behind a descriptor
 * (timerfd_create(2)). A read returns the expirations since the last read as 8 bytes, blocking
 * (interruptibly) until there is one unless the file is non-blocking; poll reports POLLIN while
 * there is one.
 *
 * Expirations are counted lazily, from the clock, whenever the timer is looked at; a kernel
 * thread ("timerfd") sleeps until the earliest armed deadline and then wakes the readers and
 * pollers (and so epoll) of the timers that expired. CLOCK_BOOTTIME is the monotonic clock
 * (the machine never suspends), and the _ALARM clocks are their plain counterparts (no
 * wake-up from suspend exists to arm).
 *
 * Locking: timerfd_lock (one spinlock, IRQs off, for every timerfd) guards each timer's state,
 * its wait queue, and the armed list the thread walks. Epoll's callbacks run under it (its
 * ready-list lock nests inside). */
#ifndef FS_TIMERFD_H
#define FS_TIMERFD_H

/* CLOCK_REALTIME was set (core/time.c's time_set_realtime): realtime timers' deadlines move,
 * and those armed with TFD_TIMER_CANCEL_ON_SET are cancelled (a read fails with ECANCELED). */
void timerfd_clock_was_set(void);

#endif
