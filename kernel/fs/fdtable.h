/* Per-process file descriptor tables: a slot per descriptor holding a referenced open file
 * description, the close-on-exec flag and the descriptor's rights (ZERO_CAP_* of
 * <uapi/zero/cap.h>: every ordinary install gives all of them; they only shrink). Shared between processes under CLONE_FILES
 * (refcount), copied by fork (each file gains a reference), close-on-exec entries closed by
 * execve. RLIMIT_NOFILE bounds the descriptor numbers (EMFILE).
 *
 * Locking: table->lock (spinlock, IRQs off) guards the slot arrays and the size; a file taken
 * out of a slot is referenced before the lock drops, so a concurrent close cannot free it under
 * a reader. file_put (which may sleep in release) is always called after the lock drops. */
#ifndef FS_FDTABLE_H
#define FS_FDTABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <core/compiler.h>
#include <core/spinlock.h>

struct file;

struct fd_table {
	struct spinlock lock;
	int refcount; /* processes sharing it (CLONE_FILES); atomic */
	int size; /* slots allocated */
	struct file **files;
	uint64_t *cloexec; /* bitmap, one bit per slot */
	uint64_t *rights; /* per slot: ZERO_CAP_* rights of the descriptor */
	int next_free; /* lowest possibly free slot (a hint) */
};

struct fd_table *fdtable_alloc(void); /* empty; NULL on ENOMEM */
struct fd_table *fdtable_copy(struct fd_table *t); /* fork; NULL on ENOMEM */
void fdtable_get(struct fd_table *t);
void fdtable_put(struct fd_table *t); /* the last put closes everything */

/* The calling process's table. */
struct fd_table *current_fdtable(void);

/* The calling process's RLIMIT_NOFILE (capped at the system's maximum): descriptors are below
 * it. */
int fd_limit(void);
#define FD_HARD_MAX (1 << 20) /* the most descriptors a table has (fs.nr_open's default) */
#define NR_OPEN_MIN 64 /* Linux's lowest fs.nr_open (BITS_PER_LONG) */
/* fs.nr_open (/proc/sys): the ceiling of RLIMIT_NOFILE and of a table, NR_OPEN_MIN..FD_HARD_MAX.
 * Atomic. */
extern int sysctl_nr_open;
/* The open file behind fd (referenced: file_put it), or NULL (EBADF). */
struct file *fd_get(int fd);
/* The open file behind fd (referenced, in *file) when the descriptor holds every right in
 * need: 0, -EBADF or -ENOTCAPABLE. rights (may be NULL) receives the descriptor's rights. */
int fd_get_rights(int fd, uint64_t need, struct file **file, uint64_t *rights);
/* The file behind fd for the length of one system call (Linux's fdget): as fd_get_rights, but
 * without a reference when the calling process has one thread and does not share its table,
 * as then only this thread could close the descriptor meanwhile. For calls that never close
 * or replace a descriptor themselves. Release with fd_put_light. */
struct fd_light {
	struct file *file;
	bool counted; /* a reference was taken */
};
int fd_get_light(int fd, uint64_t need, struct fd_light *out);
void fd_put_light(const struct fd_light *l);
/* Reduce fd's rights to `rights`: 0, -EBADF, -EPERM (it would add one). */
int fd_limit_rights(int fd, uint64_t rights);
/* fd_install / fd_install_at with the given rights (the plain ones give all rights). */
int fd_install_rights(struct file *f, bool cloexec, int min_fd, uint64_t rights);
int fd_install_at_rights(int fd, struct file *f, bool cloexec, uint64_t rights);
/* pipe2 and zero_endpoint_create: install both files (their references pass to the table, or
 * are dropped on failure) and store the two descriptors at ufds. 0, -EMFILE, -EFAULT. */
int fd_install_pair_user(struct file *files[2], const uint64_t rights[2], bool cloexec,
			 int __user *ufds);
/* Install f (the reference passes to the table) in the lowest free slot >= min_fd, below
 * RLIMIT_NOFILE: the descriptor, or -EMFILE (then the caller still owns its reference). */
int fd_install(struct file *f, bool cloexec, int min_fd);
/* The new file of an open-like call into the lowest free slot: the descriptor, or -EMFILE with
 * the caller's reference dropped (the file's release undoes what its creation did). */
int fd_install_or_put(struct file *f, bool cloexec);
/* Put f in slot fd, closing what was there (dup2/dup3): fd, or -EBADF when fd is beyond the
 * limit, -ENOMEM. */
int fd_install_at(int fd, struct file *f, bool cloexec);
/* Close fd: 0 or -EBADF. */
int fd_close(int fd);
bool fd_get_cloexec(int fd, bool *cloexec); /* false: EBADF */
bool fd_set_cloexec(int fd, bool cloexec);
/* execve: close every close-on-exec descriptor. */
void fdtable_close_on_exec(struct fd_table *t);
/* close_range(first, last, flags) on the calling process's table. */
int fd_close_range(unsigned first, unsigned last, unsigned flags);
/* The open file in slot fd of t (referenced) and the descriptor's rights, or NULL (another
 * process's table: /proc/<pid>/fd, pidfd_getfd). */
struct file *fdtable_file(struct fd_table *t, int fd, uint64_t *rights);
/* Is slot fd of t close-on-exec? (/proc/<pid>/fdinfo's flags.) */
bool fdtable_cloexec(struct fd_table *t, int fd);
/* Iterate open descriptors in order (for /proc/<pid>/fd): fn gets each fd and its file
 * (referenced for the call only); returns false to stop. Not under the lock. */
void fdtable_for_each(struct fd_table *t, bool (*fn)(int fd, struct file *f, void *ctx),
		      void *ctx);

#endif
