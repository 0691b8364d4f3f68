/* Signals as the Linux x86_64 system-call ABI defines them: numbers, sigaction flags, the kernel's
 * struct sigaction, siginfo_t, stack_t, and the signal frame's sigcontext/ucontext and FPU-state
 * markers. Every size and key offset is checked against Linux's. Compiles on the host too. */
#ifndef UAPI_SIGNAL_H
#define UAPI_SIGNAL_H

#include <stddef.h>
#include <stdint.h>
#include <uapi/wait.h> /* CLD_* si_codes */

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGIOT SIGABRT
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPOLL SIGIO
#define SIGPWR 30
#define SIGSYS 31
#define SIGRTMIN 32
#define SIGRTMAX 64
#define _NSIG 64 /* signals are 1.._NSIG */

/* The kernel's sigset_t: one bit per signal, bit (sig - 1). rt_sig* calls require
 * sigsetsize == sizeof(k_sigset_t). */
typedef uint64_t k_sigset_t;
#define SIGSET_BIT(sig) (1ULL << ((sig)-1))

/* sa_handler special values */
#define SIG_DFL ((uint64_t)0)
#define SIG_IGN ((uint64_t)1)
#define SIG_ERR ((uint64_t)-1)

/* sa_flags */
#define SA_NOCLDSTOP 0x00000001u
#define SA_NOCLDWAIT 0x00000002u
#define SA_SIGINFO 0x00000004u
#define SA_UNSUPPORTED 0x00000400u
#define SA_EXPOSE_TAGBITS 0x00000800u
#define SA_RESTORER 0x04000000u
#define SA_ONSTACK 0x08000000u
#define SA_RESTART 0x10000000u
#define SA_NODEFER 0x40000000u
#define SA_RESETHAND 0x80000000u

/* rt_sigprocmask how */
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* sigaltstack */
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048
#define SIGSTKSZ 8192

/* si_code: generic (<= 0 means sent by a process) */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_MESGQ (-3)
#define SI_ASYNCIO (-4)
#define SI_SIGIO (-5)
#define SI_TKILL (-6)
/* SIGIO / SIGPOLL */
#define POLL_IN 1
#define POLL_OUT 2
#define POLL_MSG 3
#define POLL_ERR 4
#define POLL_PRI 5
#define POLL_HUP 6
/* SIGILL */
#define ILL_ILLOPC 1
#define ILL_ILLOPN 2
#define ILL_ILLADR 3
#define ILL_ILLTRP 4
#define ILL_PRVOPC 5
#define ILL_PRVREG 6
#define ILL_COPROC 7
#define ILL_BADSTK 8
/* SIGFPE */
#define FPE_INTDIV 1
#define FPE_INTOVF 2
#define FPE_FLTDIV 3
#define FPE_FLTOVF 4
#define FPE_FLTUND 5
#define FPE_FLTRES 6
#define FPE_FLTINV 7
#define FPE_FLTSUB 8
/* SIGSEGV */
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
/* SIGBUS */
#define BUS_ADRALN 1
#define BUS_ADRERR 2
#define BUS_OBJERR 3
/* SIGTRAP */
#define TRAP_BRKPT 1
#define TRAP_TRACE 2

/* setitimer/getitimer */
#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2

/* struct sigaction as rt_sigaction(2) reads it on x86_64 (not libc's layout). */
struct k_sigaction {
	uint64_t handler; /* SIG_DFL, SIG_IGN or the handler's address */
	uint64_t flags; /* SA_* (unsigned long in Linux) */
	uint64_t restorer; /* where the handler returns: calls rt_sigreturn */
	k_sigset_t mask; /* blocked in addition while the handler runs */
};
_Static_assert(sizeof(struct k_sigaction) == 32, "struct sigaction (kernel) is 32 bytes");
_Static_assert(offsetof(struct k_sigaction, restorer) == 16, "sa_restorer offset");
_Static_assert(offsetof(struct k_sigaction, mask) == 24, "sa_mask offset");

union k_sigval {
	int32_t sival_int;
	uint64_t sival_ptr;
};

/* siginfo_t: 128 bytes; the union starts at 16 on x86_64. */
#define SI_MAX_SIZE 128
typedef struct k_siginfo {
	int32_t si_signo;
	int32_t si_errno;
	int32_t si_code;
	int32_t pad0_;
	union {
		struct { /* kill, tkill, sigqueue */
			int32_t pid;
			uint32_t uid;
			union k_sigval value;
		} kill;
		struct { /* POSIX timers */
			int32_t tid;
			int32_t overrun;
			union k_sigval value;
		} timer;
		struct { /* SIGCHLD */
			int32_t pid;
			uint32_t uid;
			int32_t status;
			int32_t pad_;
			int64_t utime, stime;
		} chld;
		struct { /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
			uint64_t addr;
			int16_t addr_lsb;
		} fault;
		struct { /* SIGIO / F_SETSIG's signal: signal-driven I/O, leases */
			int64_t band;
			int32_t fd;
		} poll;
		uint8_t raw[SI_MAX_SIZE - 16];
	} u;
} k_siginfo_t;
_Static_assert(sizeof(k_siginfo_t) == 128, "siginfo_t is 128 bytes");
_Static_assert(offsetof(k_siginfo_t, si_code) == 8, "si_code offset");
_Static_assert(offsetof(k_siginfo_t, u.kill.pid) == 16, "si_pid offset");
_Static_assert(offsetof(k_siginfo_t, u.kill.uid) == 20, "si_uid offset");
_Static_assert(offsetof(k_siginfo_t, u.kill.value) == 24, "si_value offset");
_Static_assert(offsetof(k_siginfo_t, u.chld.status) == 24, "si_status offset");
_Static_assert(offsetof(k_siginfo_t, u.chld.utime) == 32, "si_utime offset");
_Static_assert(offsetof(k_siginfo_t, u.chld.stime) == 40, "si_stime offset");
_Static_assert(offsetof(k_siginfo_t, u.fault.addr) == 16, "si_addr offset");
_Static_assert(offsetof(k_siginfo_t, u.poll.band) == 16, "si_band offset");
_Static_assert(offsetof(k_siginfo_t, u.poll.fd) == 24, "si_fd offset");

typedef struct k_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad_;
	uint64_t ss_size;
} k_stack_t;
_Static_assert(sizeof(k_stack_t) == 24, "stack_t is 24 bytes");
_Static_assert(offsetof(k_stack_t, ss_flags) == 8, "ss_flags offset");
_Static_assert(offsetof(k_stack_t, ss_size) == 16, "ss_size offset");

/* struct sigcontext (arch/x86/include/uapi/asm/sigcontext.h, 64-bit). */
struct k_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp;
	uint64_t rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate; /* user address of the FPU state (0: none) */
	uint64_t reserved1[8];
};
_Static_assert(sizeof(struct k_sigcontext) == 256, "sigcontext is 256 bytes");
_Static_assert(offsetof(struct k_sigcontext, rdi) == 64, "sigcontext rdi");
_Static_assert(offsetof(struct k_sigcontext, rsp) == 120, "sigcontext rsp");
_Static_assert(offsetof(struct k_sigcontext, rip) == 128, "sigcontext rip");
_Static_assert(offsetof(struct k_sigcontext, eflags) == 136, "sigcontext eflags");
_Static_assert(offsetof(struct k_sigcontext, cs) == 144, "sigcontext cs");
_Static_assert(offsetof(struct k_sigcontext, ss) == 150, "sigcontext ss");
_Static_assert(offsetof(struct k_sigcontext, err) == 152, "sigcontext err");
_Static_assert(offsetof(struct k_sigcontext, trapno) == 160, "sigcontext trapno");
_Static_assert(offsetof(struct k_sigcontext, oldmask) == 168, "sigcontext oldmask");
_Static_assert(offsetof(struct k_sigcontext, cr2) == 176, "sigcontext cr2");
_Static_assert(offsetof(struct k_sigcontext, fpstate) == 184, "sigcontext fpstate");

/* uc_flags */
#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4

/* The kernel's struct ucontext (x86_64): libc's ucontext_t shares its first 304 bytes. */
struct k_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	k_stack_t uc_stack;
	struct k_sigcontext uc_mcontext;
	k_sigset_t uc_sigmask;
};
_Static_assert(sizeof(struct k_ucontext) == 304, "ucontext is 304 bytes");
_Static_assert(offsetof(struct k_ucontext, uc_stack) == 16, "uc_stack offset");
_Static_assert(offsetof(struct k_ucontext, uc_mcontext) == 40, "uc_mcontext offset");
_Static_assert(offsetof(struct k_ucontext, uc_sigmask) == 296, "uc_sigmask offset");

/* The frame a handler finds at its rsp (arch/x86/include/asm/sigframe.h, struct rt_sigframe):
 * the return address (sa_restorer), the ucontext, the siginfo; the FPU state lies above it,
 * 64-byte aligned, pointed to by uc_mcontext.fpstate. */
struct k_rt_sigframe {
	uint64_t pretcode;
	struct k_ucontext uc;
	k_siginfo_t info;
};
_Static_assert(sizeof(struct k_rt_sigframe) == 440, "rt_sigframe is 440 bytes");
_Static_assert(offsetof(struct k_rt_sigframe, uc) == 8, "rt_sigframe uc offset");
_Static_assert(offsetof(struct k_rt_sigframe, info) == 312, "rt_sigframe info offset");

/* FPU state in the frame: the 512-byte FXSAVE image, whose bytes 464..511 (sw_reserved) carry
 * these words when the XSAVE extension follows; FP_XSTATE_MAGIC2 is stored right after the
 * XSAVE area (arch/x86/include/uapi/asm/sigcontext.h). */
#define FP_XSTATE_MAGIC1 0x46505853u
#define FP_XSTATE_MAGIC2 0x46505845u
#define FP_XSTATE_MAGIC2_SIZE 4
#define FXSAVE_AREA_SIZE 512
#define FX_SW_BYTES_OFFSET 464
#define XSAVE_HEADER_OFFSET 512
#define XSAVE_HEADER_SIZE 64

struct k_fpx_sw_bytes {
	uint32_t magic1; /* FP_XSTATE_MAGIC1 */
	uint32_t extended_size; /* xstate_size + FP_XSTATE_MAGIC2_SIZE */
	uint64_t xfeatures; /* components saved (XCR0 at save time) */
	uint32_t xstate_size; /* bytes of the XSAVE area (legacy + header + extended) */
	uint32_t padding[7];
};
_Static_assert(sizeof(struct k_fpx_sw_bytes) == 48, "_fpx_sw_bytes is 48 bytes");

#endif
