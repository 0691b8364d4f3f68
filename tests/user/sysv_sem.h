/* Helpers of the System V semaphore tests (sysv_sem.c, sysv_sem_wait.c). */
#ifndef TESTS_USER_SYSV_SEM_H
#define TESTS_USER_SYSV_SEM_H

#include "sysv.h"
#include <sys/sem.h>

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *info;
};

static int setval(int id, int n, int v)
{
	return semctl(id, n, SETVAL, (union semun){ .val = v });
}

static int op(int id, unsigned short n, short delta, short flg)
{
	struct sembuf b = { n, delta, flg };
	return semop(id, &b, 1);
}

/* Wait up to 5 s for semctl(id, n, cmd) to reach want (a sleeper queued or gone). */
static bool wait_count(int id, int n, int cmd, int want)
{
	long deadline = sysv_now_ms() + 5000;
	while (semctl(id, n, cmd) != want)
		if (sysv_now_ms() > deadline)
			return false;
		else
			sched_yield();
	return true;
}

#endif
