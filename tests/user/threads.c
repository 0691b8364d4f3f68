/* musl pthreads: 8 threads with a mutex, a condition variable and thread-local storage, joined
 * (pthread_join waits on the CHILD_CLEARTID futex word the kernel clears at thread exit). */
#include "test.h"
#include <pthread.h>
#include <sys/syscall.h>

#define NTHREADS 8
#define ROUNDS 1000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static int arrived;
static bool go;
static __thread long tls_value;
static pid_t tids[NTHREADS];

static void *worker(void *arg)
{
	long id = (long)arg;
	tls_value = id * 1000;
	tids[id] = (pid_t)syscall(SYS_gettid);
	pthread_mutex_lock(&lock);
	arrived++;
	pthread_cond_broadcast(&cond);
	while (!go)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	return (void *)(tls_value == id * 1000 ? id + 1 : 0);
}

int main(void)
{
	test_begin("threads");
	pthread_t th[NTHREADS];
	int created = 0;
	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)i) == 0)
			created++;
	test_result("create-8", created == NTHREADS, "%d created", created);
	pthread_mutex_lock(&lock);
	while (arrived < created)
		pthread_cond_wait(&cond, &lock);
	go = true;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	int joined = 0, tls_ok = 0;
	for (long i = 0; i < created; i++) {
		void *ret;
		if (pthread_join(th[i], &ret) == 0) {
			joined++;
			tls_ok += (long)ret == i + 1;
		}
	}
	test_result("join-8", joined == NTHREADS, "%d joined", joined);
	test_result("tls", tls_ok == NTHREADS, "%d threads saw their own TLS", tls_ok);
	test_result("mutex-counter", counter == (long)NTHREADS * ROUNDS, "counter %ld", counter);
	bool distinct = true;
	for (int i = 0; i < NTHREADS; i++)
		distinct &= tids[i] > 0 && tids[i] != getpid();
	CHECK("distinct-tids", distinct);
	test_end();
}
