/* Zero-OS capabilities: the rights a descriptor carries, capability mode, and their errnos.
 * Shared by the kernel and user programs (plain C, compiles with musl-gcc); the inline
 * wrappers at the bottom are the user library (docs/capabilities.md describes each call). */
#ifndef UAPI_ZERO_CAP_H
#define UAPI_ZERO_CAP_H

#include <stdint.h>

/* Errnos of Zero-OS's own, in a range Linux never returns (user errnos stop at 133, its
 * kernel-internal restart codes live at 512-533): a C library that does not know them prints
 * "Unknown error 1000" (glibc) / "No error information" (musl). */
#define ENOTCAPABLE 1000 /* the descriptor lacks a right the operation needs */
#define ECAPMODE 1001 /* not allowed in capability mode */

/* Rights of a descriptor (per descriptor, not per open file: a dup may hold fewer). */
#define ZERO_CAP_READ (1ULL << 0) /* read, readv, pread, getdents64 */
#define ZERO_CAP_WRITE (1ULL << 1) /* write, writev, pwrite, sendfile's output */
#define ZERO_CAP_SEEK (1ULL << 2) /* lseek, pread, pwrite */
#define ZERO_CAP_MMAP (1ULL << 3) /* mmap of the file (of a regular file) */
#define ZERO_CAP_STAT (1ULL << 4) /* fstat, statx/newfstatat with AT_EMPTY_PATH */
#define ZERO_CAP_SEND (1ULL << 8) /* zero_send on an endpoint */
#define ZERO_CAP_RECV (1ULL << 9) /* zero_recv on an endpoint */
#define ZERO_CAP_CALL (1ULL << 10) /* zero_call on an endpoint */
#define ZERO_CAP_GRANT (1ULL << 11) /* may be passed on in a message */
#define ZERO_CAP_DUPLICATE (1ULL << 12) /* dup, dup2, dup3, fcntl F_DUPFD* */
#define ZERO_CAP_ALL                                                                    \
	(ZERO_CAP_READ | ZERO_CAP_WRITE | ZERO_CAP_SEEK | ZERO_CAP_MMAP | ZERO_CAP_STAT | \
	 ZERO_CAP_SEND | ZERO_CAP_RECV | ZERO_CAP_CALL | ZERO_CAP_GRANT | ZERO_CAP_DUPLICATE)

/* System call numbers (Zero-OS's own range starts at 1024). */
#define SYS_zero_cap_limit 1029
#define SYS_zero_cap_rights 1030
#define SYS_zero_cap_enter 1031
#define SYS_zero_cap_getmode 1032

#if __STDC_HOSTED__ /* user programs; the kernel is freestanding */
#include <unistd.h>

/* Keep only `rights` of fd's rights (never adds one: -1/EPERM). */
static inline int zero_cap_limit(int fd, uint64_t rights)
{
	return (int)syscall(SYS_zero_cap_limit, fd, rights);
}
/* fd's rights into *rights. */
static inline int zero_cap_rights(int fd, uint64_t *rights)
{
	return (int)syscall(SYS_zero_cap_rights, fd, rights);
}
/* Enter capability mode, for good (this process and its future children). */
static inline int zero_cap_enter(void)
{
	return (int)syscall(SYS_zero_cap_enter);
}
/* 1 in capability mode, else 0. */
static inline int zero_cap_getmode(void)
{
	return (int)syscall(SYS_zero_cap_getmode);
}
#endif

#endif
