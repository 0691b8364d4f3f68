/* A process's file-system context: its root directory (chroot), working directory and umask.
 * Shared between processes under CLONE_FS, copied by fork.
 *
 * Locking: ctx->lock (spinlock, IRQs off) guards root, cwd and umask; readers take a reference
 * to a path under the lock (fs_context_get_cwd/root) and use it after dropping it. */
#ifndef FS_FS_CONTEXT_H
#define FS_FS_CONTEXT_H

#include <fs/vfs.h>

struct fs_context {
	struct spinlock lock;
	int refcount; /* atomic */
	struct path root, cwd; /* referenced */
	uint32_t umask;
};

struct fs_context *fs_context_alloc_init(void); /* init's: / and /, umask 022 */
struct fs_context *fs_context_copy(struct fs_context *c); /* NULL on ENOMEM */
void fs_context_get(struct fs_context *c);
void fs_context_put(struct fs_context *c);

/* Of the calling process (kernel threads: the global root). The result is referenced. */
void current_root(struct path *out);
void current_cwd(struct path *out);
uint32_t current_umask(void);
/* Replace the calling process's cwd (takes over the reference of *p). */
void current_set_cwd(const struct path *p);

#endif
