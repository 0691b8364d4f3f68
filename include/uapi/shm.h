/* Linux x86_64 System V shared memory ABI (shmget(2), shmop(2), shmctl(2), <linux/shm.h>).
 * Values and layouts are the ABI: never renumber. */
#ifndef UAPI_SHM_H
#define UAPI_SHM_H

#include <uapi/ipc.h>

/* Default limits (/proc/sys/kernel/shm*) */
#define SHMMIN 1
#define SHMMNI 4096
#define SHMMAX (UINT64_MAX - (1ULL << 24))
#define SHMALL (UINT64_MAX - (1ULL << 24)) /* in pages */
#define SHMSEG SHMMNI /* per process: not enforced by Linux either */
#define SHMLBA 4096 /* x86_64: the page size */

/* shmget flags beyond IPC_* */
#define SHM_HUGETLB 04000
#define SHM_NORESERVE 010000

/* mode bits the kernel sets */
#define SHM_DEST 01000 /* removed: goes with the last detach */
#define SHM_LOCKED 02000

/* shmat flags */
#define SHM_RDONLY 010000
#define SHM_RND 020000
#define SHM_REMAP 040000
#define SHM_EXEC 0100000

/* shmctl commands beyond IPC_* */
#define SHM_LOCK 11
#define SHM_UNLOCK 12
#define SHM_STAT 13
#define SHM_INFO 14
#define SHM_STAT_ANY 15

struct shmid64_ds {
	struct ipc64_perm shm_perm;
	uint64_t shm_segsz;
	int64_t shm_atime, shm_dtime, shm_ctime;
	int32_t shm_cpid, shm_lpid;
	uint64_t shm_nattch;
	uint64_t unused4, unused5;
};
_Static_assert(sizeof(struct shmid64_ds) == 112, "shmid64_ds layout");
_Static_assert(offsetof(struct shmid64_ds, shm_cpid) == 80, "shmid64_ds.shm_cpid");
_Static_assert(offsetof(struct shmid64_ds, shm_nattch) == 88, "shmid64_ds.shm_nattch");

/* IPC_INFO */
struct shminfo64 {
	uint64_t shmmax, shmmin, shmmni, shmseg, shmall;
	uint64_t unused1, unused2, unused3, unused4;
};
_Static_assert(sizeof(struct shminfo64) == 72, "shminfo64 layout");

/* SHM_INFO */
struct shm_info {
	int32_t used_ids;
	uint64_t shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};
_Static_assert(sizeof(struct shm_info) == 48, "shm_info layout");

#endif
