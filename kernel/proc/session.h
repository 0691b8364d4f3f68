/* Sessions, process groups and controlling terminals, with Linux's rules: setsid and setpgid,
 * acquiring and dropping a controlling terminal, the foreground process group, job control
 * (SIGTTIN/SIGTTOU for background readers and writers), and what a session leader's or a
 * process's exit does to its terminal and to process groups it leaves orphaned.
 *
 * A process's controlling terminal is p->ctty while that tty's session is still p's
 * (tty->session == p->sid): a pointer left behind by a race with a session's end is harmless.
 * Locking: process_tree_lock guards p->pgid, p->sid, p->ctty, tty->session and tty->pgrp. */
#ifndef PROC_SESSION_H
#define PROC_SESSION_H

#include <stdbool.h>
#include <stdint.h>

struct process;
struct tty;

/* The exit hook: p's last thread is leaving, before its children are handed to init. A session
 * leader's terminal is released (SIGHUP and SIGCONT to its foreground group); a process group
 * that p's exit leaves orphaned with stopped members gets SIGHUP and SIGCONT. Tree lock held. */
void session_exit_locked(struct process *p);

/* Is group pgid orphaned (no member has a parent in another group of the same session)?
 * Tree lock held. */
bool session_pgrp_orphaned_locked(int pgid);

/* Send sig from the kernel to every member of process group pgid. Tree lock held. */
void session_kill_pgrp_locked(int pgid, int sig);
/* Send sig to the foreground process group of tty, if it has one. */
void session_signal_fg(struct tty *tty, int sig);

/* Job control for the calling process about to read (SIGTTIN) or write / change settings
 * (SIGTTOU) on tty: 0 to go ahead; -ERESTARTSYS when its (background) group got sig; -EIO when
 * the group is orphaned, or when sig is SIGTTIN and ignored or blocked. */
int session_job_control(struct tty *tty, int sig);

/* The calling process's controlling terminal for an open of /dev/tty, with the reference its
 * driver's get op takes, or NULL. */
struct tty *session_current_ctty_get(void);
/* A pty slave hung up (its master closed): SIGHUP and SIGCONT to the session leader and the
 * foreground group; tty controls no session any more. */
void session_hangup(struct tty *tty);
/* tty is being freed: no process (zombies included) names it as its terminal any more. */
void session_forget_tty(struct tty *tty);
/* tty's foreground group and session, 0 for none (a pty master's TIOCGPGRP/TIOCGSID, which
 * need not come from the session). */
void session_tty_ids(struct tty *tty, int *pgrp, int *sid);
/* open(2) without O_NOCTTY of a terminal that can become controlling: a session leader
 * without one acquires tty if no session has it. */
void session_open_ctty(struct tty *tty, bool readable);

/* The ioctls: TIOCSCTTY (steal: arg 1, root only), TIOCNOTTY, TIOCGPGRP, TIOCSPGRP (after
 * the caller's SIGTTOU check and argument checks), TIOCGSID. 0 or -errno as Linux gives
 * them. */
int session_ioctl_sctty(struct tty *tty, uint64_t arg, bool readable);
int session_ioctl_notty(struct tty *tty);
int session_ioctl_gpgrp(struct tty *tty, int *pgrp);
int session_ioctl_spgrp(struct tty *tty, int pgrp);
int session_ioctl_gsid(struct tty *tty, int *sid);
/* Is tty the calling process's controlling terminal? */
bool session_is_ctty(struct tty *tty);

#endif
