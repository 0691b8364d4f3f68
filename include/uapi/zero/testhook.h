/* Zero-OS's test hooks as user space sees them (kernel/core/test_hook.h): prctl(PR_ZERO_TEST_HOOK,
 * op, arg) arms a hook for the calling process, waits until a thread is held at it, or lets
 * the held thread go. Only when the kernel command line says `testhooks`; -EINVAL otherwise,
 * as on Linux, which has no such option. */
#ifndef UAPI_ZERO_TESTHOOK_H
#define UAPI_ZERO_TESTHOOK_H

#define PR_ZERO_TEST_HOOK 0x5a54484b /* "ZTHK" */

/* ops */
#define ZERO_TEST_HOOK_ARM 1 /* arg: the hook; the next thread of this process to reach it waits */
#define ZERO_TEST_HOOK_WAIT_HELD 2 /* arg: timeout in ms; returns the held thread's tid */
#define ZERO_TEST_HOOK_RELEASE 3 /* the held thread goes on (it also does on its own after 5 s) */

/* hooks */
#define ZERO_TEST_HOOK_CLONE_LINKED 1 /* clone: the new thread is linked, not yet started */
#define ZERO_TEST_HOOK_FAULT_BEFORE_LOCK 2 /* a page fault, before it takes mm->lock */
#define ZERO_TEST_HOOK_EXIT_BEFORE_UNLINK 3 /* an exiting thread, still on its process's list */
#define ZERO_TEST_HOOK_COUNT 4

#endif
