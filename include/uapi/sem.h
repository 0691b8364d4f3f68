/* Linux x86_64 System V semaphore ABI (semget(2), semop(2), semctl(2), <linux/sem.h>).
 * Values and layouts are the ABI: never renumber. */
#ifndef UAPI_SEM_H
#define UAPI_SEM_H

#include <uapi/ipc.h>

/* Default limits (/proc/sys/kernel/sem: SEMMSL SEMMNS SEMOPM SEMMNI) */
#define SEMMNI 32000
#define SEMMSL 32000
#define SEMMNS (SEMMNI * SEMMSL)
#define SEMOPM 500
#define SEMVMX 32767
#define SEMAEM SEMVMX
#define SEMUME SEMOPM
#define SEMMNU SEMMNS
#define SEMMAP SEMMNS
#define SEMUSZ 20

#define SEM_UNDO 0x1000 /* sembuf.sem_flg */

/* semctl commands beyond IPC_* */
#define GETPID 11
#define GETVAL 12
#define GETALL 13
#define GETNCNT 14
#define GETZCNT 15
#define SETVAL 16
#define SETALL 17
#define SEM_STAT 18
#define SEM_INFO 19
#define SEM_STAT_ANY 20

struct semid64_ds {
	struct ipc64_perm sem_perm;
	int64_t sem_otime;
	uint64_t unused1;
	int64_t sem_ctime;
	uint64_t unused2;
	uint64_t sem_nsems;
	uint64_t unused3, unused4;
};
_Static_assert(sizeof(struct semid64_ds) == 104, "semid64_ds layout");
_Static_assert(offsetof(struct semid64_ds, sem_nsems) == 80, "semid64_ds.sem_nsems");

struct sembuf {
	uint16_t sem_num;
	int16_t sem_op;
	int16_t sem_flg;
};
_Static_assert(sizeof(struct sembuf) == 6, "sembuf layout");

/* IPC_INFO, SEM_INFO */
struct seminfo {
	int32_t semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem;
};
_Static_assert(sizeof(struct seminfo) == 40, "seminfo layout");

#endif
