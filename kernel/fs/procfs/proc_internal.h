/* procfs internals shared by its files: the text buffers files are generated into, the tables
 * of entries, the inode data, and the snapshot of a process that per-process files format.
 *
 * Model. The super block does not cache directories: every name is answered by a lookup from a
 * table (fixed files) or from the live process table (pid directories, fd links), and dentries
 * die with their last reference, so a dead process's directory vanishes. A pid directory's
 * inode names the pid only; the process is looked up again at each use, and an open file pins
 * the identity it was opened for (pid and start time) so that a recycled pid never shows
 * another process's data through an old descriptor.
 *
 * Threads. /proc/<pid>/task/<tid> (and /proc/<tid> for a thread that is not the leader, a name
 * readdir of /proc does not show) are the same directories as /proc/<pid> with a thread id in
 * their inode: their files show that thread's values (id, name, state, signal mask, system
 * call) where Linux shows a thread's, and die with the thread. A file of a thread pins its tid
 * and the thread's start time as well. */
#ifndef FS_PROCFS_INTERNAL_H
#define FS_PROCFS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <fs/vfs.h>
#include <proc/process.h>

#define PROC_SUPER_MAGIC 0x9fa0
#define PROC_ROOT_INO 1

/* ---- text buffers (proc_text.c) ------------------------------------------------------------ */

/* Text generated for one read of a file; grows as needed. err is sticky (-ENOMEM): once set,
 * further output is dropped and the generator's result is the error. */
struct proc_text {
	char *buf;
	size_t len, cap;
	int err;
};

void proc_text_init(struct proc_text *t);
void proc_text_free(struct proc_text *t);
void proc_printf(struct proc_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void proc_write(struct proc_text *t, const void *s, size_t n);

/* ---- entries and inodes -------------------------------------------------------------------- */

struct proc_file_ctx;

/* Fill t with the file's text. pid is 0 for system-wide files. 0 or -errno. */
typedef int (*proc_show_fn)(struct proc_text *t, const struct proc_file_ctx *c);
/* Per-process files formatted from a snapshot of the process and its memory (proc_pid.c). */
struct proc_snap;
struct proc_vm;
typedef int (*proc_fmt_fn)(struct proc_text *t, const struct proc_snap *s,
			   const struct proc_vm *v);
/* A write to a writable file (/proc/sys): the text written (kernel copy, len bytes, not
 * NUL-terminated). 0 or -errno. */
typedef int (*proc_store_fn)(const struct proc_file_ctx *c, const char *buf, size_t len);
#define PROC_STORE_MAX 4096 /* bytes of a write a store sees (Linux: one page) */

/* What a magic link (get_link) points at. */
enum proc_link { PROC_LINK_NONE, PROC_LINK_EXE, PROC_LINK_CWD, PROC_LINK_FD };

/* One name in a procfs directory. Regular files have show; directories and links have ops. */
struct proc_entry {
	const char *name;
	uint32_t mode; /* type and permission bits */
	proc_show_fn show;
	proc_store_fn store; /* writable files; NULL: writes fail as Linux's (see proc_file_ops) */
	bool no_root_bypass; /* /proc/sys: root's open is checked against the owner bits too */
	proc_fmt_fn fmt; /* with show = proc_pid.c's show_snapped */
	bool owner_only; /* open needs the caller to own the process, or be root (ptrace rule) */
	bool live; /* text of the moment of the read: a read at 0 never shows open's text */
	const struct inode_ops *iops; /* directories and links */
	const struct file_ops *fops; /* directories, and regular files that are not text */
	enum proc_link link;
};

/* inode->priv of every procfs inode. */
struct proc_inode {
	const struct proc_entry *ent;
	int pid; /* 0: system-wide */
	int tid; /* the thread whose view this is (see Threads above); 0: the process's own */
	int fd; /* /proc/<pid>/fd/<fd>; -1 otherwise */
};

/* What a generator is called with: the file's entry and the process (and thread) it was
 * opened for. */
struct proc_file_ctx {
	const struct proc_entry *ent;
	int pid, tid; /* tid 0: the process's own file */
	uint64_t start_ns; /* identity of the process: pid plus start time */
	uint64_t tstart_ns; /* of the thread: tid plus its start time */
	int fd; /* /proc/<pid>/fdinfo/<fd>; -1 otherwise */
};

static inline struct proc_inode *proc_i(const struct inode *inode)
{
	return inode->priv;
}

/* A new inode for ent (for pid, fd) owned by uid/gid with ino; NULL on ENOMEM. */
struct inode *proc_inode_new(struct super_block *sb, const struct proc_entry *ent, int pid,
			     int fd, uint64_t ino, uint32_t uid, uint32_t gid);
/* A decimal number as procfs spells names (no sign, no leading zeros) up to max, or -1. */
int proc_parse_number(const char *s, size_t len, int max);
/* Look name up in a table of n entries: the entry or NULL. */
const struct proc_entry *proc_entry_find(const struct proc_entry *tab, size_t n, const char *name,
					 size_t len);
/* getdents over ".", ".." and a table of entries: positions 0 and 1 are the dots, 2 + i is
 * entry i. Returns true when every entry fitted (the caller may go on after the table). ino_of
 * gives each entry's inode number. */
bool proc_emit_table(struct dir_context *ctx, uint64_t self_ino, uint64_t parent_ino,
		     const struct proc_entry *tab, size_t n,
		     uint64_t (*ino_of)(const struct dir_context *ctx, size_t i, void *arg),
		     void *arg);

/* Regular files: open generates the text (and checks owner_only), reads serve it at any
 * offset, a read at offset 0 generates it anew (as Linux does for a re-read from the start);
 * writes fail as Linux's do (EIO for system files, EINVAL for per-process ones). */
extern const struct file_ops proc_file_ops;
extern const struct inode_ops proc_file_iops;
/* Pin the process (and thread) c names now (start times into c) and check owner_only against
 * it: 0, -ENOENT (gone) or -EACCES. */
int proc_ctx_pin(struct proc_file_ctx *c);
/* Absolute and relative seeks (no SEEK_END), as Linux's seq_lseek. */
int64_t proc_file_llseek(struct file *f, int64_t off, int whence);
/* /proc/<pid>/pagemap (proc_pagemap.c): binary, read at any 8-byte aligned offset. */
extern const struct file_ops proc_pagemap_fops;

/* Inode numbers: fixed for everything, so that getdents and stat agree. */
#define PROC_INO_PID_SHIFT 32
#define PROC_INO_FD_FLAG (1ULL << 31)
#define PROC_INO_TASK_FLAG (1ULL << 30) /* task/<tid> and its files: proc_ino_pid(tid, ...) */
#define PROC_INO_FDINFO_FLAG (1ULL << 29) /* fdinfo/<fd> */
static inline uint64_t proc_ino_pid(int pid, uint64_t sub)
{
	return ((uint64_t)pid << PROC_INO_PID_SHIFT) | sub;
}

/* ---- processes (proc_pid.c) ---------------------------------------------------------------- */

extern const struct inode_ops proc_fdinfo_dir_iops;
extern const struct file_ops proc_fdinfo_dir_fops;
extern const struct inode_ops proc_pid_dir_iops;
extern const struct file_ops proc_pid_dir_fops;
extern const struct proc_entry proc_pid_dir_entry; /* /proc/<pid> and /proc/<tid> */
extern const struct proc_entry proc_tid_dir_entry; /* /proc/<pid>/task/<tid> */

/* The process with this pid (and start time, unless start_ns is 0), under process_tree_lock:
 * NULL when it is gone. */
struct process *proc_find_locked(int pid, uint64_t start_ns);
/* Thread tid of p (and start time, unless tstart_ns is 0), process_tree_lock held: NULL when
 * it is gone or another process's. */
struct thread *proc_thread_locked(struct process *p, int tid, uint64_t tstart_ns);
/* What c was opened for, process_tree_lock held: the process, NULL when it (or, for a thread's
 * file, the thread) is gone; *t the thread whose values the file shows: c's thread, or for a
 * process's own file its main thread (NULL once that has exited). */
struct process *proc_ctx_find_locked(const struct proc_file_ctx *c, struct thread **t);
/* The caller may see p's private files (environ, maps, fd/, exe, cwd): same uid or root.
 * process_tree_lock held. */
bool proc_may_access_locked(struct process *p);
/* The same by pid (takes the lock): 0, -ESRCH (gone) or -EACCES. */
int proc_check_access(int pid, uint64_t start_ns);
/* A new inode for /proc/<id> (owned by the process's euid/egid): the directory of process id,
 * or of thread id seen as its own (Linux resolves a tid there too): 0 with *out, -ENOENT (no
 * such process or thread) or -ENOMEM. */
int proc_pid_dir_inode(struct super_block *sb, int id, struct inode **out);
/* A new inode for ent, a directory of process pid (proc_pid_dir_entry, proc_tid_dir_entry) or
 * an entry of one, in the view of its thread tid (0: the process's own), with ino. Owned as
 * Linux's task_dump_owner: the process's effective ids, root for the entries of one that is
 * not dumpable. 0 with *out, -ENOENT (the process or thread is gone) or -ENOMEM. */
int proc_pid_inode(struct super_block *sb, const struct proc_entry *ent, int pid, int tid,
		   uint64_t ino, struct inode **out);

/* /proc/<pid>/task: one directory per thread (proc_task.c). */
extern const struct inode_ops proc_task_dir_iops;
extern const struct file_ops proc_task_dir_fops;

/* /proc/<pid>/syscall and task/<tid>/syscall (proc_syscall.c). */
int proc_show_syscall(struct proc_text *t, const struct proc_file_ctx *c);

/* ---- file descriptors and magic links (proc_fd.c) ------------------------------------------ */

/* exe, cwd and fd/<n>: get_link gives the path, readlink its text (Linux's "pipe:[ino]" style
 * for files without one). Both need proc_may_access. */
extern const struct inode_ops proc_link_iops;
extern const struct inode_ops proc_fd_dir_iops;
extern const struct file_ops proc_fd_dir_fops;
/* References to p's fd table, fs context and executable, taken under p->lock, for the out
 * pointers that are not NULL (each NULL when p has none: it is exiting). */
struct fd_table;
struct fs_context;
void proc_refs_locked(struct process *p, struct fd_table **files, struct fs_context **fs,
		      struct file **exe);
/* The executable of the process (pid, start_ns: 0 for any), referenced: 0, -ENOENT. */
int proc_exe_path(int pid, uint64_t start_ns, struct path *out);

/* ---- system-wide files (proc_sys.c) -------------------------------------------------------- */

extern const struct inode_ops proc_self_iops; /* /proc/self (procfs.c) */
/* /proc/bus (proc_bus.c) */
extern const struct inode_ops proc_bus_iops;
extern const struct file_ops proc_bus_fops;
/* /proc/sysvipc (proc_sysvipc.c) */
extern const struct inode_ops proc_sysvipc_iops;
extern const struct file_ops proc_sysvipc_fops;

extern const struct proc_entry proc_root_entries[];
extern const size_t proc_root_nentries;
/* /proc/<pid>/mounts (the caller's view of the mount list). */
int proc_show_mounts(struct proc_text *t, const struct proc_file_ctx *c);
/* /proc/<pid>/mountinfo. */
int proc_show_mountinfo(struct proc_text *t, const struct proc_file_ctx *c);

/* ---- /proc/sys (proc_sysctl.c) ------------------------------------------------------------- */

extern const struct inode_ops proc_sysctl_dir_iops;
extern const struct file_ops proc_sysctl_dir_fops;

#endif
