/* capget/capset (capabilities(7)): the header and data structs, the versions, and the
 * capability numbers the kernel checks. Linux x86_64 values. Compiles on the host too. */
#ifndef UAPI_CAPABILITY_H
#define UAPI_CAPABILITY_H

#include <stdint.h>

#define _LINUX_CAPABILITY_VERSION_1 0x19980330 /* one 32-bit data struct */
#define _LINUX_CAPABILITY_VERSION_2 0x20071026 /* two (deprecated: same as 3) */
#define _LINUX_CAPABILITY_VERSION_3 0x20080522 /* two: capabilities 0-31, then 32-63 */

struct cap_user_header {
	uint32_t version;
	int32_t pid;
};
_Static_assert(sizeof(struct cap_user_header) == 8, "cap header size");

struct cap_user_data {
	uint32_t effective, permitted, inheritable;
};
_Static_assert(sizeof(struct cap_user_data) == 12, "cap data size");

#define CAP_CHOWN 0
#define CAP_DAC_OVERRIDE 1
#define CAP_DAC_READ_SEARCH 2
#define CAP_FOWNER 3
#define CAP_FSETID 4
#define CAP_KILL 5
#define CAP_SETGID 6
#define CAP_SETUID 7
#define CAP_SETPCAP 8
#define CAP_LINUX_IMMUTABLE 9
#define CAP_IPC_LOCK 14
#define CAP_IPC_OWNER 15
#define CAP_SYS_CHROOT 18
#define CAP_SYS_PTRACE 19
#define CAP_SYS_ADMIN 21
#define CAP_SYS_NICE 23
#define CAP_SYS_RESOURCE 24
#define CAP_SYS_TIME 25
#define CAP_MKNOD 27
#define CAP_MAC_OVERRIDE 32
#define CAP_WAKE_ALARM 35
#define CAP_LAST_CAP 40 /* CAP_CHECKPOINT_RESTORE */
#define CAP_FULL_SET ((1ull << (CAP_LAST_CAP + 1)) - 1)

#endif
