/* Regression (a CI hang): a blocking read-only open of a FIFO counts its end, then sleeps until
 * a writer has been there. The writer could open, write and close in between; the reader then
 * looked at the open count only when going to sleep, missed it, and slept for ever. Many
 * rounds of the race, each with an alarm, so that a lost wake-up fails instead of hanging. */
#include "test.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define ROUNDS 200
#define PATH "/tmp/fifo_open_race"

static void on_alarm(int sig)
{
	(void)sig;
}

int main(void)
{
	test_begin("fifo_open_race");
	mkdir("/tmp", 01777);
	unlink(PATH);
	CHECK("mkfifo", mkfifo(PATH, 0600) == 0);
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART: open returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	int done = 0, got_data = 0;
	for (int i = 0; i < ROUNDS; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			int fd = open(PATH, O_WRONLY);
			_exit(fd >= 0 && write(fd, "x", 1) == 1 ? 0 : 1);
		}
		alarm(10);
		int fd = open(PATH, O_RDONLY);
		alarm(0);
		if (fd < 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			break;
		}
		char c;
		if (read(fd, &c, 1) == 1 && c == 'x')
			got_data++;
		close(fd);
		waitpid(pid, NULL, 0);
		done++;
	}
	test_result("every-open-returns", done == ROUNDS, "%d of %d opens returned", done, ROUNDS);
	test_result("every-write-arrives", got_data == ROUNDS, "%d of %d", got_data, ROUNDS);
	unlink(PATH);
	test_end();
}
