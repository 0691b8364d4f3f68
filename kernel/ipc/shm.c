/* System V shared memory (shmget(2), shmop(2), shmctl(2)): a segment is a shared anonymous
 * object (mm/shared_anon.c) that shmat maps. The segment keeps a reference of its own; each
 * mapping holds another (fork and VMA splits add theirs), so shm_nattch is the object's
 * references less the segment's. A removed segment (IPC_RMID) keeps its id, with SHM_DEST in
 * its mode and its key freed, until its last mapping goes. Locking: shm_ids.lock (ipc/ipc.h). */
#include <ipc/ipc.h>
#include <arch/x86_64/usercopy.h>
#include <core/compiler.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <mm/vm.h>
#include <proc/process.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <syscall/syscall.h>
#include <uapi/capability.h>
#include <uapi/errno.h>
#include <uapi/resource.h>
#include <uapi/shm.h>

struct shm_seg {
	struct ipc_obj perm; /* first: the table holds &perm */
	struct shared_anon *sa; /* immutable: the pages (and the segment's own reference) */
	uint64_t segsz; /* immutable: bytes asked for */
	uint64_t npages; /* immutable */
	int64_t atime, dtime, ctime; /* shm_ids.lock */
	int cpid, lpid; /* shm_ids.lock */
};

static struct ipc_ids shm_ids = IPC_IDS_INIT("shm_ids", ipc_shm_next_id);
static uint64_t shm_tot; /* shm_ids.lock: pages of every segment not yet freed */

static struct shm_seg *seg_of(struct ipc_obj *o)
{
	return container_of(o, struct shm_seg, perm);
}

static uint64_t seg_nattch(struct shm_seg *seg)
{
	return (uint64_t)(shared_anon_refs(seg->sa) - 1);
}

/* Free a segment with no mapping left: its id (if still there), pages and accounting. */
static void shm_destroy_locked(struct shm_seg *seg)
{
	spin_assert_held(&shm_ids.lock);
	ipc_remove_locked(&shm_ids, &seg->perm);
	shm_tot -= seg->npages;
	shared_anon_unref(seg->sa);
	kfree(seg);
}

/* Drop a reference a mapping (or shmat while it works) held; the last one of a removed segment
 * frees it. */
static void shm_unref_locked(struct shm_seg *seg)
{
	spin_assert_held(&shm_ids.lock);
	if (shared_anon_unref(seg->sa) == 1 && (seg->perm.mode & SHM_DEST))
		shm_destroy_locked(seg);
}

/* A mapping of the segment went (munmap, shmdt, exit, exec): shared_anon's owner release. */
static void shm_release(void *owner, struct shared_anon *sa)
{
	(void)sa;
	struct shm_seg *seg = owner;
	uint64_t f = spin_lock_irqsave(&shm_ids.lock);
	seg->dtime = ipc_now();
	seg->lpid = ipc_current_pid();
	shm_unref_locked(seg);
	spin_unlock_irqrestore(&shm_ids.lock, f);
}

/* ---- shmget ------------------------------------------------------------------------------- */

static int shm_create(struct ipc_ids *ids, int32_t key, int flags, void *arg)
{
	spin_assert_held(&ids->lock);
	uint64_t size = *(uint64_t *)arg, npages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
	if (flags & SHM_HUGETLB)
		return -EINVAL; /* no huge pages in Zero-OS */
	if (size < SHMMIN || size > READ_ONCE(ipc_shmmax))
		return -EINVAL;
	if (npages < size / PAGE_SIZE || shm_tot + npages < shm_tot ||
	    shm_tot + npages > READ_ONCE(ipc_shmall))
		return -ENOSPC;
	struct shm_seg *seg = kmalloc(sizeof(*seg));
	if (!seg)
		return -ENOMEM;
	seg->sa = shared_anon_create_owned(npages, shm_release, seg);
	if (!seg->sa) {
		kfree(seg);
		return -ENOMEM;
	}
	ipc_obj_init(&seg->perm, key, flags);
	seg->segsz = size;
	seg->npages = npages;
	seg->ctime = ipc_now();
	seg->cpid = ipc_current_pid();
	int id = ipc_add_locked(ids, &seg->perm, READ_ONCE(ipc_shmmni));
	if (id < 0) {
		shared_anon_unref(seg->sa);
		kfree(seg);
		return id;
	}
	shm_tot += npages;
	return id;
}

static int shm_check(struct ipc_obj *o, void *arg)
{
	return seg_of(o)->segsz < *(uint64_t *)arg ? -EINVAL : 0;
}

static const struct ipc_get_ops shm_get_ops = { shm_create, shm_check };

SYSCALL_DEFINE3(shmget, int32_t, key, uint64_t, size, int, shmflg)
{
	return ipc_get(&shm_ids, key, shmflg, &shm_get_ops, &size);
}

/* ---- shmat, shmdt ------------------------------------------------------------------------- */

/* Where shmat maps: the address (0: anywhere) and whether it is fixed, or -EINVAL. */
static int64_t shmat_addr(uint64_t addr, int shmflg, bool *fixed)
{
	*fixed = addr != 0;
	if (!addr)
		return shmflg & SHM_REMAP ? -EINVAL : 0;
	if (addr & (SHMLBA - 1)) {
		if (!(shmflg & SHM_RND))
			return -EINVAL;
		addr &= ~(uint64_t)(SHMLBA - 1);
		if (!addr && (shmflg & SHM_REMAP))
			return -EINVAL;
	}
	return (int64_t)addr;
}

SYSCALL_DEFINE3(shmat, int, shmid, uint64_t, shmaddr, int, shmflg)
{
	bool fixed;
	int64_t addr = shmat_addr(shmaddr, shmflg, &fixed);
	if (addr < 0 || shmid < 0)
		return -EINVAL;
	uint32_t prot = VM_READ;
	int acc = IPC_ACC_READ, err;
	if (!(shmflg & SHM_RDONLY)) {
		prot |= VM_WRITE;
		acc |= IPC_ACC_WRITE;
	}
	if (shmflg & SHM_EXEC) {
		prot |= VM_EXEC; /* with VM_WRITE too, W^X refuses it (EACCES) */
		acc |= IPC_ACC_EXEC;
	}
	uint64_t f = spin_lock_irqsave(&shm_ids.lock);
	struct ipc_obj *o = ipc_ctl_lookup_locked(&shm_ids, shmid, false, acc, &err);
	if (!o) {
		spin_unlock_irqrestore(&shm_ids.lock, f);
		return err;
	}
	struct shm_seg *seg = seg_of(o);
	shared_anon_get(seg->sa); /* keeps the segment while it is mapped (counts as attached) */
	spin_unlock_irqrestore(&shm_ids.lock, f);

	int64_t at = vm_map_shared(current_mm(), (uint64_t)addr, seg->segsz, prot, fixed,
				   fixed && !(shmflg & SHM_REMAP), seg->sa);
	if (at == -EEXIST)
		at = -EINVAL; /* overlap without SHM_REMAP */
	f = spin_lock_irqsave(&shm_ids.lock);
	if (at >= 0) {
		seg->atime = ipc_now();
		seg->lpid = ipc_current_pid();
	}
	shm_unref_locked(seg);
	spin_unlock_irqrestore(&shm_ids.lock, f);
	return at;
}

SYSCALL_DEFINE1(shmdt, uint64_t, shmaddr)
{
	return vm_unmap_owned_at(current_mm(), shmaddr, shm_release);
}

/* ---- shmctl ------------------------------------------------------------------------------- */

static void shm_info_fill(struct ipc_obj *unused, void *ds)
{
	(void)unused;
	spin_assert_held(&shm_ids.lock);
	struct shm_info *info = ds;
	info->used_ids = shm_ids.in_use;
	info->shm_tot = shm_tot;
	for (int i = 0; i < shm_ids.nslots; i++)
		if (shm_ids.slot[i])
			info->shm_rss += shared_anon_resident(seg_of(shm_ids.slot[i])->sa);
}

static long shm_info(int cmd, void __user *buf)
{
	struct shminfo64 limits = {
		.shmmax = READ_ONCE(ipc_shmmax), .shmmin = SHMMIN,
		.shmmni = (uint64_t)READ_ONCE(ipc_shmmni), .shmseg = SHMSEG,
		.shmall = READ_ONCE(ipc_shmall),
	};
	struct shm_info info = { 0 };
	if (cmd == IPC_INFO)
		return ipc_info(&shm_ids, NULL, &limits, sizeof(limits), buf);
	return ipc_info(&shm_ids, shm_info_fill, &info, sizeof(info), buf);
}

static void shm_fill(struct ipc_obj *o, void *p)
{
	spin_assert_held(&shm_ids.lock);
	struct shm_seg *seg = seg_of(o);
	struct shmid64_ds *ds = p;
	ipc_perm_fill_locked(&shm_ids, o, &ds->shm_perm);
	ds->shm_segsz = seg->segsz;
	ds->shm_atime = seg->atime;
	ds->shm_dtime = seg->dtime;
	ds->shm_ctime = seg->ctime;
	ds->shm_cpid = seg->cpid;
	ds->shm_lpid = seg->lpid;
	ds->shm_nattch = seg_nattch(seg);
}

/* SHM_LOCK, SHM_UNLOCK: Zero-OS never swaps, so locking is the mode bit ipcs shows; the checks
 * are Linux's (without CAP_IPC_LOCK: the owner or creator, and SHM_LOCK needs
 * RLIMIT_MEMLOCK). */
static long shm_lock_locked(struct shm_seg *seg, int cmd)
{
	spin_assert_held(&shm_ids.lock);
	if (!capable(CAP_IPC_LOCK)) {
		uint32_t euid = ipc_current_euid();
		struct process *p = process_current();
		if (euid != seg->perm.uid && euid != seg->perm.cuid)
			return -EPERM;
		if (cmd == SHM_LOCK && p && READ_ONCE(p->rlimits[RLIMIT_MEMLOCK].rlim_cur) == 0)
			return -EPERM;
	}
	if (cmd == SHM_LOCK)
		seg->perm.mode |= SHM_LOCKED;
	else
		seg->perm.mode &= ~(uint32_t)SHM_LOCKED;
	return 0;
}

/* IPC_SET, IPC_RMID, SHM_LOCK and SHM_UNLOCK on the segment shmid (set: IPC_SET's values). */
static long shm_change(int shmid, int cmd, const struct shmid64_ds *set)
{
	long err = 0;
	uint64_t f = spin_lock_irqsave(&shm_ids.lock);
	struct shm_seg *seg = NULL;
	struct ipc_obj *o = ipc_obtain_locked(&shm_ids, shmid);
	if (!o) {
		err = -EINVAL;
		goto out_unlock;
	}
	seg = seg_of(o);
	if (cmd == SHM_LOCK || cmd == SHM_UNLOCK) {
		err = shm_lock_locked(seg, cmd);
		goto out_unlock;
	}
	if (!ipc_owner_locked(&shm_ids, o)) {
		err = -EPERM;
		goto out_unlock;
	}
	if (cmd == IPC_SET) {
		if (!(err = ipc_perm_set_locked(&shm_ids, o, &set->shm_perm)))
			seg->ctime = ipc_now();
	} else {
		o->key = IPC_PRIVATE; /* the key is free at once */
		o->mode |= SHM_DEST;
		if (seg_nattch(seg) == 0)
			shm_destroy_locked(seg);
	}
out_unlock:
	spin_unlock_irqrestore(&shm_ids.lock, f);
	return err;
}

SYSCALL_DEFINE3(shmctl, int, shmid, int, cmd, void __user *, buf)
{
	struct shmid64_ds set, ds;
	if (cmd < 0 || shmid < 0)
		return -EINVAL;
	switch (cmd) {
	case IPC_INFO:
	case SHM_INFO:
		return shm_info(cmd, buf);
	case IPC_STAT:
	case SHM_STAT:
	case SHM_STAT_ANY:
		return ipc_stat(&shm_ids, shmid, cmd, SHM_STAT_ANY, shm_fill, &ds, sizeof(ds), buf);
	case IPC_SET:
		if (copy_from_user(&set, buf, sizeof(set)))
			return -EFAULT;
		return shm_change(shmid, cmd, &set);
	case IPC_RMID:
	case SHM_LOCK:
	case SHM_UNLOCK:
		return shm_change(shmid, cmd, NULL);
	default:
		return -EINVAL;
	}
}

/* ---- /proc/sysvipc/shm -------------------------------------------------------------------- */

static void shm_proc_line(struct ipc_obj *o, char *buf, size_t n)
{
	spin_assert_held(&shm_ids.lock);
	struct shm_seg *seg = seg_of(o);
	ksnprintf(buf, n,
		  "%10d %10d  %4o %21lu %5u %5u  %5lu %5u %5u %5u %5u %10lld %10lld %10lld %21lu "
		  "%21lu\n",
		  o->key, o->id, o->mode, seg->segsz, seg->cpid, seg->lpid, seg_nattch(seg), o->uid,
		  o->gid, o->cuid, o->cgid, (long long)seg->atime, (long long)seg->dtime,
		  (long long)seg->ctime, shared_anon_resident(seg->sa) * PAGE_SIZE, 0UL);
}

void shm_proc_show(ipc_emit_fn emit, void *ctx)
{
	ipc_proc_show(&shm_ids,
		      "       key      shmid perms                  size  cpid  lpid nattch   uid"
		      "   gid  cuid  cgid      atime      dtime      ctime                   rss"
		      "                  swap\n",
		      shm_proc_line, emit, ctx);
}
