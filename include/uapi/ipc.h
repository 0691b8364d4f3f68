/* Linux x86_64 System V IPC ABI shared by shared memory, semaphores and message queues
 * (svipc(7), <linux/ipc.h>, asm-generic/ipcbuf.h). Values and layouts are the ABI: never
 * renumber. */
#ifndef UAPI_IPC_H
#define UAPI_IPC_H

#include <stddef.h>
#include <stdint.h>

#define IPC_PRIVATE 0 /* key: always a new object */

/* *get flags (with the permission bits in the low 9 bits) */
#define IPC_CREAT 01000
#define IPC_EXCL 02000
#define IPC_NOWAIT 04000

/* *ctl commands common to the three kinds */
#define IPC_RMID 0
#define IPC_SET 1
#define IPC_STAT 2
#define IPC_INFO 3

#define IPC_MODE_BITS 0777 /* the mode bits IPC_SET and *get set */

/* The object's owner, creator and mode (x86_64 uses the 64-bit layout only). */
struct ipc64_perm {
	int32_t key;
	uint32_t uid, gid, cuid, cgid;
	uint32_t mode;
	uint16_t seq;
	uint16_t pad2;
	uint64_t unused1, unused2;
};
_Static_assert(sizeof(struct ipc64_perm) == 48, "ipc64_perm layout");
_Static_assert(offsetof(struct ipc64_perm, mode) == 20, "ipc64_perm.mode");
_Static_assert(offsetof(struct ipc64_perm, seq) == 24, "ipc64_perm.seq");

#endif
