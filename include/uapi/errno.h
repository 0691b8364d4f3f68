/* Linux x86_64 errno values, as the system-call ABI returns them (negated).
 * Shared by the kernel, the loader and host tests; compiles anywhere. */
#ifndef UAPI_ERRNO_H
#define UAPI_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define ENOTBLK 15
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define ENODEV 19
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define ENFILE 23
#define EMFILE 24
#define ENOTTY 25
#define ETXTBSY 26
#define EFBIG 27
#define ENOSPC 28
#define ESPIPE 29
#define EROFS 30
#define EMLINK 31
#define EPIPE 32
#define EDOM 33
#define ERANGE 34
#define EDEADLK 35
#define ENAMETOOLONG 36
#define ENOLCK 37
#define ENOSYS 38
#define ENOTEMPTY 39
#define ELOOP 40
#define EWOULDBLOCK EAGAIN
#define ENOMSG 42
#define EIDRM 43
#define ENOSTR 60
#define ENODATA 61
#define ETIME 62
#define EOVERFLOW 75
#define EILSEQ 84
#define ENOTSOCK 88
#define EDESTADDRREQ 89
#define EMSGSIZE 90
#define EPROTOTYPE 91
#define ENOPROTOOPT 92
#define EPROTONOSUPPORT 93
#define EOPNOTSUPP 95
#define ENOTSUP EOPNOTSUPP
#define EAFNOSUPPORT 97
#define EADDRINUSE 98
#define EADDRNOTAVAIL 99
#define ENETDOWN 100
#define ENETUNREACH 101
#define ECONNABORTED 103
#define ECONNRESET 104
#define ENOBUFS 105
#define EISCONN 106
#define ENOTCONN 107
#define ETIMEDOUT 110
#define ECONNREFUSED 111
#define EHOSTUNREACH 113
#define EALREADY 114
#define EINPROGRESS 115
#define EUCLEAN 117
#define ECANCELED 125
#define EOWNERDEAD 130
#define ENOTRECOVERABLE 131

/* Kernel-internal: a system call interrupted by a signal that is restarted
 * transparently when the handler has SA_RESTART. Never reaches user space. */
#define ERESTARTSYS 512
/* Kernel-internal, like ERESTARTSYS: always restarted, whatever the handler's flags. */
#define ERESTARTNOINTR 513
/* Kernel-internal: restarted only when no handler runs (pause, sigsuspend, nanosleep); with a
 * handler the caller sees -EINTR. */
#define ERESTARTNOHAND 514
/* Kernel-internal: as ERESTARTNOHAND, but the call resumes through restart_syscall(2) with
 * what the thread's restart block kept (a sleep's or poll's deadline, not its full timeout). */
#define ERESTART_RESTARTBLOCK 516

#endif
