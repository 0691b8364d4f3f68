/* A static musl program that uses threads, signals, fork, exec and mmap and prints only
 * deterministic results. tests/compat/run.sh runs this same binary on the host's Linux and on
 * Zero-OS and requires identical output: the proof that the ABI behaves like Linux's. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS 8
#define PER_THREAD 10000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long total;
static int finished;
static __thread int tls_value;

static void *worker(void *arg)
{
	tls_value = (int)(long)arg;
	for (int i = 0; i < PER_THREAD; i++) {
		pthread_mutex_lock(&lock);
		total += tls_value;
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	finished++;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	return (void *)(long)(tls_value * 2);
}

static void threads(void)
{
	pthread_t t[THREADS];
	long joined = 0;
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)(i + 1));
	pthread_mutex_lock(&lock);
	while (finished < THREADS)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < THREADS; i++) {
		void *ret;
		pthread_join(t[i], &ret);
		joined += (long)ret;
	}
	printf("threads: total=%ld joined=%ld\n", total, joined);
}

static volatile sig_atomic_t got_usr1, got_sig_with_info;

static void on_usr1(int sig)
{
	got_usr1 = sig;
}

static void on_usr2(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig_with_info = sig * 100 + (si->si_pid == getpid());
}

static void signals(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	sa.sa_sigaction = on_usr2;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR2, &sa, NULL);
	kill(getpid(), SIGUSR2);
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	got_usr1 = 0;
	raise(SIGUSR1);
	int before = got_usr1;
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("signals: usr1=%d usr2=%d blocked_then=%d delivered_after_unblock=%d\n", SIGUSR1,
	       (int)got_sig_with_info, before, (int)got_usr1);
}

static void fork_and_mmap(void)
{
	int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int *private = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	*shared = 1;
	*private = 1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		*shared = 42;
		*private = 42;
		_exit(7);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("fork: exit=%d shared=%d private=%d\n", WEXITSTATUS(st), *shared, *private);
	munmap(shared, 4096);
	munmap(private, 4096);
	void *wx = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* Zero-OS refuses W+X mappings; Linux allows them: only report the portable part. */
	if (wx != MAP_FAILED)
		munmap(wx, 4096);
	char *big = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long sum = 0;
	for (int i = 0; i < (1 << 20); i += 4096) {
		big[i] = (char)(i >> 12);
		sum += big[i];
	}
	printf("mmap: touched=256 sum=%ld\n", sum);
}

static void exec_child(const char *self)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execl(self, self, "--child", "hello from exec", (char *)NULL);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("exec: exit=%d\n", WEXITSTATUS(st));
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--child") == 0) {
		printf("child: argc=%d msg=\"%s\"\n", argc, argv[2]);
		return 5;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("compat: begin\n");
	threads();
	signals();
	fork_and_mmap();
	exec_child(argv[0]);
	printf("compat: end\n");
	return 0;
}
