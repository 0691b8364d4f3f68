/* Compiler attributes and small helpers used throughout the kernel. */
#ifndef CORE_COMPILER_H
#define CORE_COMPILER_H

#include <stddef.h>
#include <stdint.h>

#define __noreturn __attribute__((noreturn))
#define __always_inline inline __attribute__((always_inline))
#define __packed __attribute__((packed))
#define __aligned(n) __attribute__((aligned(n)))
#define __unused __attribute__((unused))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __section(s) __attribute__((section(s)))
#define __user /* marks a pointer into user space: only usercopy may touch it */
/* A local that a callee fills whole (memset, a full copy) before anything reads it, on a hot
 * path: exempt from the pattern fill of -ftrivial-auto-var-init, which the compiler cannot
 * prove redundant across the call. Never for a buffer filled in part. */
#define __noinit __attribute__((uninitialized))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define barrier() __asm__ volatile("" ::: "memory")

#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

#endif
