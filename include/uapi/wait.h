/* wait4/waitid options, idtypes, the wait status word and SIGCHLD's si_code values: Linux x86_64
 * values. Compiles on the host too. */
#ifndef UAPI_WAIT_H
#define UAPI_WAIT_H

#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002
#define WSTOPPED WUNTRACED
#define WEXITED 0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT 0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000

/* waitid idtype */
#define P_ALL 0
#define P_PID 1
#define P_PGID 2
#define P_PIDFD 3

/* The status word: exit code in bits 8-15, or the terminating signal in bits 0-6 with the core
 * flag in bit 7; 0x7f in the low byte means stopped (signal in bits 8-15); 0xffff continued. */
#define W_EXITCODE(code, sig) (((code) & 0xff) << 8 | ((sig) & 0x7f))
#define W_COREFLAG 0x80
#define W_STOPCODE(sig) ((sig) << 8 | 0x7f)
#define W_CONTINUED 0xffff

/* si_code for SIGCHLD */
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

#endif
