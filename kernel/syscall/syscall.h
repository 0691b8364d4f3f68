/* System-call handlers and the table that dispatches to them (generated from syscall_64.tbl by
 * tools/gen_syscalls.py). A handler is defined in its subsystem with SYSCALL_DEFINEn, typed:
 *
 *     SYSCALL_DEFINE3(write, int, fd, const void __user *, buf, size_t, count)
 *     {
 *             ...return bytes or -errno...
 *     }
 *
 * which emits `long sys_write(six raw uint64_t arguments)` (the uniform table entry) converting
 * each raw register to its declared type as Linux does (an int argument uses the low 32 bits),
 * and a static typed function holding the body. Then add "1 write" to syscall_64.tbl. */
#ifndef SYSCALL_SYSCALL_H
#define SYSCALL_SYSCALL_H

#include <stdint.h>
#include <core/compiler.h>

#define SYSCALL_ZERO_BASE 1024 /* Zero-OS's own calls; Linux stays far below */
#define SYSCALL_ZERO_COUNT 64 /* reserved numbers 1024..1087 (include/uapi/zero/) */

#define SYSCALL_RAW_PARAMS                                                                       \
	uint64_t sc_raw0, uint64_t sc_raw1, uint64_t sc_raw2, uint64_t sc_raw3, uint64_t sc_raw4, \
		uint64_t sc_raw5
typedef long (*syscall_fn_t)(SYSCALL_RAW_PARAMS);

/* The generated table (gen/syscall_table.c). */
extern const uint64_t syscall_linux_count; /* highest Linux number + 1 */
extern const syscall_fn_t syscall_table_linux[];
extern const char *const syscall_names_linux[]; /* every Linux call, implemented or not */
extern const syscall_fn_t syscall_table_zero[SYSCALL_ZERO_COUNT];
extern const char *const syscall_names_zero[SYSCALL_ZERO_COUNT];

/* Run system call nr with raw arguments (what syscall_dispatch does with a frame). */
long syscall_invoke(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		    uint64_t a5);
/* Name of a Linux or Zero-OS call number, NULL when there is none. */
const char *syscall_name(uint64_t nr);

#define SC_WRAPPER_(name, call)                                                                  \
	long sys_##name(SYSCALL_RAW_PARAMS);                                                     \
	long sys_##name(SYSCALL_RAW_PARAMS)                                                      \
	{                                                                                        \
		(void)sc_raw0, (void)sc_raw1, (void)sc_raw2, (void)sc_raw3, (void)sc_raw4,       \
			(void)sc_raw5;                                                           \
		return call;                                                                     \
	}

#define SYSCALL_DEFINE0(name)                                                                    \
	static long do_sys_##name(void);                                                         \
	SC_WRAPPER_(name, do_sys_##name())                                                       \
	static long do_sys_##name(void)

#define SYSCALL_DEFINE1(name, t1, a1)                                                            \
	static long do_sys_##name(t1 a1);                                                        \
	SC_WRAPPER_(name, do_sys_##name((t1)sc_raw0))                                            \
	static long do_sys_##name(t1 a1)

#define SYSCALL_DEFINE2(name, t1, a1, t2, a2)                                                    \
	static long do_sys_##name(t1 a1, t2 a2);                                                 \
	SC_WRAPPER_(name, do_sys_##name((t1)sc_raw0, (t2)sc_raw1))                               \
	static long do_sys_##name(t1 a1, t2 a2)

#define SYSCALL_DEFINE3(name, t1, a1, t2, a2, t3, a3)                                            \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3);                                          \
	SC_WRAPPER_(name, do_sys_##name((t1)sc_raw0, (t2)sc_raw1, (t3)sc_raw2))                  \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3)

#define SYSCALL_DEFINE4(name, t1, a1, t2, a2, t3, a3, t4, a4)                                    \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4);                                   \
	SC_WRAPPER_(name, do_sys_##name((t1)sc_raw0, (t2)sc_raw1, (t3)sc_raw2, (t4)sc_raw3))     \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4)

#define SYSCALL_DEFINE5(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5)                            \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5);                            \
	SC_WRAPPER_(name, do_sys_##name((t1)sc_raw0, (t2)sc_raw1, (t3)sc_raw2, (t4)sc_raw3,      \
					(t5)sc_raw4))                                            \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5)

#define SYSCALL_DEFINE6(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6)                    \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6);                     \
	SC_WRAPPER_(name, do_sys_##name((t1)sc_raw0, (t2)sc_raw1, (t3)sc_raw2, (t4)sc_raw3,      \
					(t5)sc_raw4, (t6)sc_raw5))                               \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6)

#endif
