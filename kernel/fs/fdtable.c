/* File descriptor tables (fdtable.h): slots of referenced open files with a close-on-exec
 * bitmap and a rights mask each, grown on demand up to RLIMIT_NOFILE. */
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <fs/locks.h>
#include <arch/x86_64/usercopy.h>
#include <core/panic.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <proc/process.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/zero/cap.h>

#define FD_INITIAL 64 /* slots of a new table (a multiple of 64: whole bitmap words) */

int sysctl_nr_open = FD_HARD_MAX;

static size_t bitmap_bytes(int slots)
{
	return (size_t)slots / 64 * sizeof(uint64_t);
}

static struct fd_table *table_new(int size)
{
	struct fd_table *t = kmalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->files = kmalloc((size_t)size * sizeof(struct file *));
	t->cloexec = kmalloc(bitmap_bytes(size));
	t->rights = kmalloc((size_t)size * sizeof(uint64_t));
	if (!t->files || !t->cloexec || !t->rights) {
		kfree(t->files);
		kfree(t->cloexec);
		kfree(t->rights);
		kfree(t);
		return NULL;
	}
	t->lock = (struct spinlock)SPINLOCK_INIT("fd_table");
	t->refcount = 1;
	t->size = size;
	return t;
}

/* A descriptor of t naming f was closed: t's POSIX locks on the file go (the POSIX rule: any
 * close releases them all), then the reference. Never under t->lock. */
static void close_file(struct fd_table *t, struct file *f)
{
	locks_remove_posix(f, t);
	file_put(f);
}

struct fd_table *fdtable_alloc(void)
{
	return table_new(FD_INITIAL);
}

struct fd_table *fdtable_copy(struct fd_table *src)
{
	for (;;) {
		uint64_t f = spin_lock_irqsave(&src->lock);
		int size = src->size;
		spin_unlock_irqrestore(&src->lock, f);
		struct fd_table *t = table_new(size);
		if (!t)
			return NULL;
		f = spin_lock_irqsave(&src->lock);
		if (src->size != size) { /* grew meanwhile (a sharing thread): again */
			spin_unlock_irqrestore(&src->lock, f);
			fdtable_put(t);
			continue;
		}
		for (int i = 0; i < size; i++) {
			t->files[i] = src->files[i];
			if (t->files[i])
				file_get(t->files[i]);
		}
		memcpy(t->cloexec, src->cloexec, bitmap_bytes(size));
		memcpy(t->rights, src->rights, (size_t)size * sizeof(uint64_t));
		t->next_free = src->next_free;
		spin_unlock_irqrestore(&src->lock, f);
		return t;
	}
}

void fdtable_get(struct fd_table *t)
{
	__atomic_fetch_add(&t->refcount, 1, __ATOMIC_RELAXED);
}

void fdtable_put(struct fd_table *t)
{
	if (!t || __atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	for (int i = 0; i < t->size; i++) /* nobody else can see the table now */
		if (t->files[i])
			close_file(t, t->files[i]);
	kfree(t->files);
	kfree(t->cloexec);
	kfree(t->rights);
	kfree(t);
}

struct fd_table *current_fdtable(void)
{
	struct process *p = process_current();
	return p ? p->files : NULL;
}

int fd_limit(void)
{
	struct process *p = process_current();
	uint64_t f = spin_lock_irqsave(&p->lock);
	uint64_t lim = p->rlimits[RLIMIT_NOFILE].rlim_cur;
	spin_unlock_irqrestore(&p->lock, f);
	int nr_open = __atomic_load_n(&sysctl_nr_open, __ATOMIC_RELAXED);
	return lim > (uint64_t)nr_open ? nr_open : (int)lim;
}

static void set_cloexec_locked(struct fd_table *t, int fd, bool on)
{
	spin_assert_held(&t->lock);
	if (on)
		t->cloexec[fd / 64] |= 1ULL << (fd % 64);
	else
		t->cloexec[fd / 64] &= ~(1ULL << (fd % 64));
}

/* Make room for slot fd (fd < limit). Called and returns with the lock held; may drop it to
 * allocate. 0 or -ENOMEM. */
static int grow_locked(struct fd_table *t, int fd, uint64_t *flags)
{
	spin_assert_held(&t->lock);
	while (fd >= t->size) {
		int want = t->size;
		while (want <= fd)
			want *= 2;
		spin_unlock_irqrestore(&t->lock, *flags);
		struct file **files = kmalloc((size_t)want * sizeof(*files));
		uint64_t *bits = kmalloc(bitmap_bytes(want));
		uint64_t *rights = kmalloc((size_t)want * sizeof(*rights));
		*flags = spin_lock_irqsave(&t->lock);
		if (!files || !bits || !rights || want <= t->size) {
			kfree(files);
			kfree(bits);
			kfree(rights);
			if (want <= t->size) /* someone else grew it meanwhile */
				continue;
			return -ENOMEM;
		}
		memcpy(files, t->files, (size_t)t->size * sizeof(*files));
		memcpy(bits, t->cloexec, bitmap_bytes(t->size));
		memcpy(rights, t->rights, (size_t)t->size * sizeof(*rights));
		kfree(t->files);
		kfree(t->cloexec);
		kfree(t->rights);
		t->files = files;
		t->cloexec = bits;
		t->rights = rights;
		t->size = want;
	}
	return 0;
}

struct file *fd_get(int fd)
{
	struct file *file;
	return fd_get_rights(fd, 0, &file, NULL) ? NULL : file;
}

int fd_get_rights(int fd, uint64_t need, struct file **out, uint64_t *rights)
{
	struct fd_table *t = current_fdtable();
	*out = NULL; /* callers may put whatever *out holds on their error paths */
	if (rights)
		*rights = 0;
	if (!t || fd < 0)
		return -EBADF;
	uint64_t f = spin_lock_irqsave(&t->lock);
	struct file *file = fd < t->size ? t->files[fd] : NULL;
	uint64_t have = file ? t->rights[fd] : 0;
	int r = !file ? -EBADF : (have & need) != need ? -ENOTCAPABLE : 0;
	if (!r)
		file_get(file);
	spin_unlock_irqrestore(&t->lock, f);
	*out = r ? NULL : file;
	if (rights)
		*rights = have;
	return r;
}

int fd_get_light(int fd, uint64_t need, struct fd_light *out)
{
	struct process *p = process_current();
	struct fd_table *t = p ? p->files : NULL;
	/* Only this thread adds threads or sharers; neither count can grow under us. */
	if (t && READ_ONCE(p->nthreads) == 1 &&
	    __atomic_load_n(&t->refcount, __ATOMIC_ACQUIRE) == 1) {
		out->counted = false;
		out->file = fd >= 0 && fd < t->size ? t->files[fd] : NULL;
		if (!out->file)
			return -EBADF;
		return (t->rights[fd] & need) != need ? -ENOTCAPABLE : 0;
	}
	out->counted = true;
	return fd_get_rights(fd, need, &out->file, NULL);
}

void fd_put_light(const struct fd_light *l)
{
	if (l->counted)
		file_put(l->file);
}

int fd_limit_rights(int fd, uint64_t rights)
{
	struct fd_table *t = current_fdtable();
	if (!t || fd < 0)
		return -EBADF;
	uint64_t f = spin_lock_irqsave(&t->lock);
	int r = fd >= t->size || !t->files[fd] ? -EBADF : rights & ~t->rights[fd] ? -EPERM : 0;
	if (!r)
		t->rights[fd] = rights;
	spin_unlock_irqrestore(&t->lock, f);
	return r;
}

int fd_install(struct file *file, bool cloexec, int min_fd)
{
	return fd_install_rights(file, cloexec, min_fd, ZERO_CAP_ALL);
}

int fd_install_or_put(struct file *file, bool cloexec)
{
	int fd = fd_install(file, cloexec, 0);
	if (fd < 0)
		file_put(file);
	return fd;
}

int fd_install_rights(struct file *file, bool cloexec, int min_fd, uint64_t rights)
{
	struct fd_table *t = current_fdtable();
	int limit = fd_limit();
	if (min_fd < 0 || min_fd >= limit)
		return min_fd < 0 ? -EINVAL : -EMFILE;
	uint64_t f = spin_lock_irqsave(&t->lock);
	int fd = min_fd > t->next_free ? min_fd : t->next_free;
	while (fd < t->size && t->files[fd])
		fd++;
	int r = fd < limit ? grow_locked(t, fd, &f) : -EMFILE;
	while (!r && t->files[fd]) { /* the lock dropped while growing: look again */
		fd++;
		r = fd < limit ? grow_locked(t, fd, &f) : -EMFILE;
	}
	if (!r) {
		t->files[fd] = file;
		t->rights[fd] = rights;
		set_cloexec_locked(t, fd, cloexec);
		if (min_fd <= t->next_free)
			t->next_free = fd + 1;
	}
	spin_unlock_irqrestore(&t->lock, f);
	return r ? r : fd;
}

int fd_install_pair_user(struct file *files[2], const uint64_t rights[2], bool cloexec,
			 int __user *ufds)
{
	int fds[2];
	fds[0] = fd_install_rights(files[0], cloexec, 0, rights[0]);
	if (fds[0] < 0) {
		file_put(files[0]);
		file_put(files[1]);
		return fds[0];
	}
	fds[1] = fd_install_rights(files[1], cloexec, 0, rights[1]);
	if (fds[1] < 0) {
		fd_close(fds[0]);
		file_put(files[1]);
		return fds[1];
	}
	/* A bad array: take both descriptors back (another thread could have used them in
	 * between; Linux reserves them first, our fd table cannot). */
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

int fd_install_at(int fd, struct file *file, bool cloexec)
{
	return fd_install_at_rights(fd, file, cloexec, ZERO_CAP_ALL);
}

int fd_install_at_rights(int fd, struct file *file, bool cloexec, uint64_t rights)
{
	struct fd_table *t = current_fdtable();
	if (fd < 0 || fd >= fd_limit())
		return -EBADF;
	uint64_t f = spin_lock_irqsave(&t->lock);
	int r = grow_locked(t, fd, &f);
	struct file *old = NULL;
	if (!r) {
		old = t->files[fd];
		t->files[fd] = file;
		t->rights[fd] = rights;
		set_cloexec_locked(t, fd, cloexec);
	}
	spin_unlock_irqrestore(&t->lock, f);
	if (old)
		close_file(t, old);
	return r ? r : fd;
}

/* Take the file out of slot fd (NULL when empty). Lock held. */
static struct file *take_locked(struct fd_table *t, int fd)
{
	spin_assert_held(&t->lock);
	struct file *file = t->files[fd];
	t->files[fd] = NULL;
	set_cloexec_locked(t, fd, false);
	if (file && fd < t->next_free)
		t->next_free = fd;
	return file;
}

int fd_close(int fd)
{
	struct fd_table *t = current_fdtable();
	if (fd < 0)
		return -EBADF;
	uint64_t f = spin_lock_irqsave(&t->lock);
	struct file *file = fd < t->size ? take_locked(t, fd) : NULL;
	spin_unlock_irqrestore(&t->lock, f);
	if (!file)
		return -EBADF;
	close_file(t, file);
	return 0;
}

bool fd_get_cloexec(int fd, bool *cloexec)
{
	struct fd_table *t = current_fdtable();
	uint64_t f = spin_lock_irqsave(&t->lock);
	bool ok = fd >= 0 && fd < t->size && t->files[fd];
	if (ok)
		*cloexec = t->cloexec[fd / 64] & (1ULL << (fd % 64));
	spin_unlock_irqrestore(&t->lock, f);
	return ok;
}

bool fd_set_cloexec(int fd, bool cloexec)
{
	struct fd_table *t = current_fdtable();
	uint64_t f = spin_lock_irqsave(&t->lock);
	bool ok = fd >= 0 && fd < t->size && t->files[fd];
	if (ok)
		set_cloexec_locked(t, fd, cloexec);
	spin_unlock_irqrestore(&t->lock, f);
	return ok;
}

/* Close the descriptors in [first, last] of t (only close-on-exec ones when only_cloexec),
 * or mark them close-on-exec when mark. File references are dropped outside the lock. */
static void close_span(struct fd_table *t, unsigned first, unsigned last, bool only_cloexec,
		       bool mark)
{
	for (unsigned fd = first; fd <= last; fd++) {
		uint64_t f = spin_lock_irqsave(&t->lock);
		if (fd >= (unsigned)t->size) {
			spin_unlock_irqrestore(&t->lock, f);
			return;
		}
		struct file *file = NULL;
		bool is_cloexec = t->cloexec[fd / 64] & (1ULL << (fd % 64));
		if (mark && t->files[fd])
			set_cloexec_locked(t, (int)fd, true);
		else if (!mark && (!only_cloexec || is_cloexec))
			file = take_locked(t, (int)fd);
		spin_unlock_irqrestore(&t->lock, f);
		if (file)
			close_file(t, file);
	}
}

void fdtable_close_on_exec(struct fd_table *t)
{
	close_span(t, 0, (unsigned)FD_HARD_MAX, true, false);
}

int fd_close_range(unsigned first, unsigned last, unsigned flags)
{
	if (flags & ~(unsigned)(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	struct process *p = process_current();
	if ((flags & CLOSE_RANGE_UNSHARE) &&
	    __atomic_load_n(&p->files->refcount, __ATOMIC_ACQUIRE) > 1) {
		struct fd_table *copy = fdtable_copy(p->files);
		if (!copy)
			return -ENOMEM;
		struct fd_table *old = p->files;
		p->files = copy; /* only this process's threads read p->files */
		fdtable_put(old);
	}
	close_span(p->files, first, last, false, flags & CLOSE_RANGE_CLOEXEC);
	return 0;
}

void fdtable_for_each(struct fd_table *t, bool (*fn)(int fd, struct file *f, void *ctx),
		      void *ctx)
{
	for (int fd = 0;; fd++) {
		uint64_t f = spin_lock_irqsave(&t->lock);
		if (fd >= t->size) {
			spin_unlock_irqrestore(&t->lock, f);
			return;
		}
		struct file *file = t->files[fd];
		if (file)
			file_get(file);
		spin_unlock_irqrestore(&t->lock, f);
		if (!file)
			continue;
		bool go_on = fn(fd, file, ctx);
		file_put(file);
		if (!go_on)
			return;
	}
}

struct file *fdtable_file(struct fd_table *t, int fd, uint64_t *rights)
{
	uint64_t f = spin_lock_irqsave(&t->lock);
	struct file *file = fd >= 0 && fd < t->size ? t->files[fd] : NULL;
	if (file) {
		file_get(file);
		*rights = t->rights[fd];
	}
	spin_unlock_irqrestore(&t->lock, f);
	return file;
}


bool fdtable_cloexec(struct fd_table *t, int fd)
{
	uint64_t f = spin_lock_irqsave(&t->lock);
	bool on = fd >= 0 && fd < t->size && (t->cloexec[fd / 64] & (1ULL << (fd % 64)));
	spin_unlock_irqrestore(&t->lock, f);
	return on;
}
