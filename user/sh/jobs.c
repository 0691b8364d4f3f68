/* zero-sh's job table: every pipeline started is a job of processes; a foreground job gets a
 * number only when it stops (^Z), a background one when it starts. Children are reaped with
 * waitpid(-1) wherever the shell waits, and each status lands on its job. Under job control
 * the foreground job owns the terminal while it runs and the shell takes it back after. */
#include "sh.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static struct job **jobs;
static size_t njobs;
static struct job *current; /* the "+" job: %% and fg/bg without an argument */

int status_of(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return STATUS_SIGNAL_BASE + WTERMSIG(st);
	if (WIFSTOPPED(st))
		return STATUS_SIGNAL_BASE + WSTOPSIG(st);
	return 1;
}

struct job *job_new(const char *text)
{
	struct job *j = xmalloc(sizeof(*j));
	memset(j, 0, sizeof(*j));
	j->text = xstrdup(text);
	jobs = xrealloc(jobs, (njobs + 1) * sizeof(*jobs));
	jobs[njobs++] = j;
	return j;
}

void job_add_proc(struct job *j, pid_t pid)
{
	j->procs = xrealloc(j->procs, (j->n + 1) * sizeof(*j->procs));
	j->procs[j->n++] = (struct proc){ pid, P_RUNNING, 0 };
	if (!j->pgid && sh.jobctl)
		j->pgid = pid;
}

void job_remove(struct job *j)
{
	for (size_t i = 0; i < njobs; i++) {
		if (jobs[i] != j)
			continue;
		jobs[i] = jobs[--njobs];
		break;
	}
	if (current == j) {
		current = NULL;
		for (size_t i = 0; i < njobs; i++)
			if (jobs[i]->id && (!current || jobs[i]->id > current->id))
				current = jobs[i];
	}
	free(j->procs);
	free(j->text);
	free(j);
}

static int next_id(void)
{
	int id = 0;
	for (size_t i = 0; i < njobs; i++)
		if (jobs[i]->id > id)
			id = jobs[i]->id;
	return id + 1;
}

void job_background(struct job *j)
{
	j->id = next_id();
	current = j;
	if (sh.interactive)
		dprintf(2, "[%d] %d\n", j->id, (int)j->procs[j->n - 1].pid);
}

static bool job_running(struct job *j)
{
	for (size_t i = 0; i < j->n; i++)
		if (j->procs[i].state == P_RUNNING)
			return true;
	return false;
}

static bool job_stopped(struct job *j)
{
	if (job_running(j))
		return false;
	for (size_t i = 0; i < j->n; i++)
		if (j->procs[i].state == P_STOPPED)
			return true;
	return false;
}

/* The status of a job is its last process's. */
static int job_status(struct job *j)
{
	return j->n ? status_of(j->procs[j->n - 1].status) : 1;
}

/* Waits for one child; records its new state on its job. false: none (errno says why). */
static bool reap(int flags)
{
	int st;
	pid_t pid = waitpid(-1, &st, flags | (sh.jobctl ? WUNTRACED : 0));
	if (pid <= 0)
		return false;
	for (size_t i = 0; i < njobs; i++)
		for (size_t k = 0; k < jobs[i]->n; k++) {
			struct proc *p = &jobs[i]->procs[k];
			if (p->pid != pid)
				continue;
			p->state = WIFSTOPPED(st) ? P_STOPPED : P_DONE;
			p->status = st;
		}
	return true;
}

/* Blocks until a child changes state; false if there is none to wait for. */
static bool reap_blocking(struct job *j)
{
	while (!reap(0)) {
		if (errno == EINTR)
			continue;
		if (errno != ECHILD)
			sh_perror("wait");
		for (size_t k = 0; k < j->n; k++) /* lost: do not wait forever */
			if (j->procs[k].state == P_RUNNING)
				j->procs[k].state = P_DONE;
		return false;
	}
	return true;
}

static void report_signal(struct job *j)
{
	int st = j->n ? j->procs[j->n - 1].status : 0;
	if (!WIFSIGNALED(st))
		return;
	if (WTERMSIG(st) == SIGINT && sh.interactive)
		write_all(2, "\n", 1);
	else if (WTERMSIG(st) != SIGINT && WTERMSIG(st) != SIGPIPE)
		dprintf(2, "%s\n", strsignal(WTERMSIG(st)));
}

int job_wait_fg(struct job *j)
{
	while (job_running(j) && reap_blocking(j))
		;
	/* The terminal back to the shell, in the modes it had (a program may have left it raw). */
	if (sh.jobctl && tcsetpgrp(0, sh.pgid) < 0)
		sh_perror("tcsetpgrp");
	if (sh.jobctl && tcsetattr(0, TCSADRAIN, &sh.tmodes) < 0)
		sh_perror("tcsetattr");
	int status = job_status(j);
	if (job_stopped(j)) {
		if (!j->id)
			j->id = next_id();
		current = j;
		j->reported_stop = true;
		dprintf(2, "\n[%d]+ Stopped\t%s\n", j->id, j->text);
		return status;
	}
	report_signal(j);
	job_remove(j);
	return status;
}

int job_wait_done(struct job *j)
{
	while ((job_running(j) || (!sh.jobctl && job_stopped(j))) && reap_blocking(j))
		;
	int status = job_status(j);
	if (!job_stopped(j))
		job_remove(j);
	return status;
}

int jobs_wait_all(void)
{
	while (njobs) {
		size_t before = njobs;
		for (size_t i = 0; i < njobs; i++)
			if (!job_stopped(jobs[i])) {
				job_wait_done(jobs[i]);
				break;
			}
		if (njobs == before)
			break; /* only stopped jobs are left */
	}
	return 0;
}

static const char *state_name(struct job *j, char *buf, size_t len)
{
	if (job_running(j))
		return "Running";
	if (job_stopped(j))
		return "Stopped";
	int status = job_status(j);
	if (status == 0)
		return "Done";
	snprintf(buf, len, "Exit %d", status);
	return buf;
}

static void job_print(struct job *j)
{
	char buf[32];
	dprintf(1, "[%d]%c %s\t%s\n", j->id, j == current ? '+' : ' ', state_name(j, buf, sizeof(buf)),
		j->text);
}

void jobs_print(void)
{
	for (size_t i = 0; i < njobs;) {
		struct job *j = jobs[i];
		if (!j->id) {
			i++;
			continue;
		}
		job_print(j);
		if (!job_running(j) && !job_stopped(j))
			job_remove(j); /* reported as done: forget it */
		else
			i++;
	}
}

void jobs_notify(void)
{
	while (reap(WNOHANG))
		;
	for (size_t i = 0; i < njobs;) {
		struct job *j = jobs[i];
		if (j->id && !job_running(j) && !job_stopped(j)) {
			char buf[32];
			dprintf(2, "[%d]%c %s\t%s\n", j->id, j == current ? '+' : ' ',
				state_name(j, buf, sizeof(buf)), j->text);
			job_remove(j);
			continue;
		}
		if (j->id && job_stopped(j) && !j->reported_stop) {
			j->reported_stop = true;
			dprintf(2, "[%d]+ Stopped\t%s\n", j->id, j->text);
		}
		i++;
	}
}

/* %n, %%, %+ or a bare number (a job number, else a process id); NULL is the current job. */
struct job *job_find(const char *spec)
{
	if (!spec || strcmp(spec, "%%") == 0 || strcmp(spec, "%+") == 0) {
		if (!current)
			sh_error(NULL, "no current job");
		return current;
	}
	const char *num = spec[0] == '%' ? spec + 1 : spec;
	char *end;
	long n = strtol(num, &end, 10);
	if (*num && !*end) {
		for (size_t i = 0; i < njobs; i++)
			if (jobs[i]->id && jobs[i]->id == n)
				return jobs[i];
		for (size_t i = 0; spec[0] != '%' && i < njobs; i++)
			for (size_t k = 0; k < jobs[i]->n; k++)
				if (jobs[i]->procs[k].pid == n)
					return jobs[i];
	}
	sh_error(spec, "no such job");
	return NULL;
}

int job_continue(struct job *j, bool foreground)
{
	if (foreground) {
		dprintf(2, "%s\n", j->text);
		if (sh.jobctl && tcsetpgrp(0, j->pgid) < 0)
			sh_perror("tcsetpgrp");
	} else {
		dprintf(2, "[%d]+ %s &\n", j->id, j->text);
	}
	current = j;
	int r = j->pgid ? kill(-j->pgid, SIGCONT) : 0;
	for (size_t k = 0; k < j->n; k++) {
		if (!j->pgid && j->procs[k].state == P_STOPPED)
			r |= kill(j->procs[k].pid, SIGCONT);
		if (j->procs[k].state == P_STOPPED)
			j->procs[k].state = P_RUNNING;
	}
	if (r < 0)
		sh_perror("kill");
	j->reported_stop = false;
	return foreground ? job_wait_fg(j) : 0;
}
