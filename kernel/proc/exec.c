/* execve: replaces the calling process's program with a static ELF64 executable (ET_EXEC, or
 * ET_DYN static-pie at a random base) read through the VFS: the headers from the file's first
 * page, each segment page straight from the file into the new program's frame. Everything
 * that can fail — argument copying, the ELF checks, the new address space with its segments
 * and stack — happens before the point of no return; a hostile file gives -ENOEXEC and the
 * caller keeps running. */
#include <proc/process.h>
#include <proc/signal.h>
#include <proc/posix_timer.h>
#include <syscall/syscall.h>
#include <proc/exec.h>
#include <sched/thread.h>
#include <sched/sched.h>
#include <mm/vm.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <mm/phys.h>
#include <proc/exec_file.h>
#include <ipc/futex.h>
#include <proc/process_files.h>
#include <lib/elf.h>
#include <lib/string.h>
#include <core/printk.h>
#include <core/panic.h>
#include <arch/x86_64/usercopy.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/fpu.h>
#include <arch/x86_64/trap.h>
#include <arch/x86_64/syscall.h>
#include <security/random.h>
#include <uapi/auxvec.h>
#include <uapi/errno.h>

#define EXEC_PATH_MAX 4096
#define EXEC_MAX_PHNUM 64
#define ET_DYN_BASE 0x0000555555554000ULL /* where static-pie programs go, before randomising */
#define ET_DYN_RANDOM_PAGES (1ULL << 24) /* up to 64 GiB above it */
#define STACK_RANDOM_PAGES (1ULL << 14) /* the stack top moves down by up to 64 MiB */
#define STACK_MIN_SIZE (128ULL << 10)
#define STACK_MAX_SIZE (1ULL << 30) /* for RLIMIT_STACK = infinity */
#define BRK_RANDOM_PAGES (1ULL << 13) /* the heap starts up to 32 MiB above the image */
#define AUXV_MAX 24
#define EXEC_ARGS_INITIAL 2048 /* a small kmalloc object; doubled while arguments need more */

struct exec_image {
	struct mm *mm;
	uint64_t entry, sp;
	struct exec_file file;
};

/* Double the argument buffer (up to EXEC_ARG_MAX). */
static int args_grow(struct exec_args *a)
{
	size_t cap = MIN(a->cap * 2, (size_t)EXEC_ARG_MAX);
	char *buf = kmalloc(cap);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, a->buf, a->used);
	kfree(a->buf);
	a->buf = buf;
	a->cap = cap;
	return 0;
}

static int args_add(struct exec_args *a, const char *s, bool from_user)
{
	long len;
	if (EXEC_ARG_MAX - a->charged < sizeof(uint64_t) + 1)
		return -E2BIG;
	size_t room = EXEC_ARG_MAX - a->charged - sizeof(uint64_t);
	/* charged >= used, so a buffer of EXEC_ARG_MAX always has room: the loop ends. */
	for (;;) {
		size_t fit = MIN(room, a->cap - a->used);
		if (from_user) {
			len = strncpy_from_user(a->buf + a->used, (const char __user *)s, fit);
			if (len == -ENAMETOOLONG && fit < room) {
				int r = args_grow(a);
				if (r)
					return r;
				continue;
			}
			if (len == -ENAMETOOLONG)
				return -E2BIG;
			if (len < 0)
				return (int)len;
		} else {
			len = (long)strnlen(s, room);
			if ((size_t)len >= room)
				return -E2BIG;
			if ((size_t)len >= fit) {
				int r = args_grow(a);
				if (r)
					return r;
				continue;
			}
			memcpy(a->buf + a->used, s, (size_t)len + 1);
		}
		break;
	}
	a->used += (size_t)len + 1;
	a->charged += (size_t)len + 1 + sizeof(uint64_t);
	return 0;
}

/* Copy a NULL-terminated vector of strings (argv or envp); NULL vec means empty. */
static int args_copy_vec(struct exec_args *a, const char *const *vec, bool from_user, int *count)
{
	for (int i = 0; vec; i++) {
		const char *s;
		if (from_user) {
			if (get_user(&s, (const char *const __user *)&vec[i]) < 0)
				return -EFAULT;
		} else {
			s = vec[i];
		}
		if (!s)
			return 0;
		int r = args_add(a, s, from_user);
		if (r < 0)
			return r;
		(*count)++;
	}
	return 0;
}

/* An empty argv (NULL, or argv[0] NULL) becomes { "" } as Linux 6.x does: a program that takes
 * argv[1] for granted when argc is 0 would read the environment (CVE-2021-4034; bug
 * exec_empty_argv). Said on the console, as Linux warns. */
static int args_empty_argv(struct exec_args *a)
{
	pr_info("execve: process %d passed an empty argv; argv[0] = \"\" assumed\n",
		process_current()->pid);
	int r = args_add(a, "", false);
	if (!r)
		a->argc = 1;
	return r;
}

static int args_collect(struct exec_args *a, const char *const *argv, const char *const *envp,
			bool from_user)
{
	a->cap = EXEC_ARGS_INITIAL;
	a->buf = kmalloc(a->cap);
	if (!a->buf)
		return -ENOMEM;
	int r = args_copy_vec(a, argv, from_user, &a->argc);
	if (!r && a->argc == 0)
		r = args_empty_argv(a);
	if (!r)
		r = args_copy_vec(a, envp, from_user, &a->envc);
	return r;
}

static uint64_t random_u64(void)
{
	uint64_t v;
	get_random_bytes(&v, sizeof(v));
	return v;
}

static uint32_t vm_flags_of(uint32_t p_flags)
{
	return (p_flags & PF_R ? VM_READ : 0) | (p_flags & PF_W ? VM_WRITE : 0) |
	       (p_flags & PF_X ? VM_EXEC : 0);
}

/* Read the segment's file bytes that fall in the page at va ([lo, hi) of the address space,
 * file offset off) into a zeroed frame and map it. The frame is zeroed whole although most of
 * it is then overwritten: an unzeroed frame, filled around, saved 512 instructions per page
 * but made fork_exec_wait 2.5 times slower in plain TCG (2,382 against 940 us; likely QEMU
 * invalidating the translated code of the recycled frame store by store). */
static int load_page(struct mm *mm, struct exec_file *ef, uint64_t va, uint64_t lo, uint64_t hi,
		     uint64_t off)
{
	uint64_t pa = phys_alloc_pages(0);
	if (!pa)
		return -ENOMEM;
	int r = exec_file_read(ef, (uint8_t *)phys_to_virt(pa) + (lo - va), hi - lo, off);
	if (!r)
		r = vm_install_page(mm, va, pa);
	if (r)
		phys_free_pages(pa, 0);
	return r;
}

/* Map each PT_LOAD at its address plus bias and fill the pages its file bytes reach, reading
 * the file straight into them (copies, never the file's own pages: a later write to the file
 * cannot change the running program). The rest of the segment (bss) is demand-zero. */
static int load_segments(struct mm *mm, struct exec_file *ef, const struct elf_info *info,
			 uint64_t bias)
{
	for (unsigned i = 0; i < info->phnum; i++) {
		const Elf64_Phdr *ph = elf_phdr(ef->head, i);
		if (ph->p_type != PT_LOAD)
			continue;
		uint64_t start = ALIGN_DOWN(ph->p_vaddr + bias, PAGE_SIZE);
		uint64_t end = ALIGN_UP(ph->p_vaddr + ph->p_memsz + bias, PAGE_SIZE);
		int64_t r = vm_map(mm, start, end - start, vm_flags_of(ph->p_flags), true, true);
		if (r < 0)
			return (int)r;
		uint64_t lo = ph->p_vaddr + bias, file_end = lo + ph->p_filesz;
		for (uint64_t va = start; ph->p_filesz && va < file_end; va += PAGE_SIZE) {
			uint64_t from = MAX(va, lo), to = MIN(va + PAGE_SIZE, file_end);
			r = load_page(mm, ef, va, from, to, ph->p_offset + (from - lo));
			if (r < 0)
				return (int)r;
		}
	}
	return 0;
}

/* Validate the file and choose the load bias (0 for ET_EXEC). */
static int check_file(const struct exec_file *ef, struct elf_info *info, uint64_t *bias,
		      const char *path)
{
	const void *file = ef->head;
	size_t size = ef->head_len;
	const char *why = "file too small for an ELF header";
	struct elf_limits lim = {
		.vaddr_min = USER_MIN_ADDR,
		.vaddr_max = USER_MMAP_BASE,
		.type = ET_EXEC,
		.max_phnum = EXEC_MAX_PHNUM,
		.allow_wx = false,
	};
	int r = -ENOEXEC;
	if (size >= sizeof(Elf64_Ehdr) && ((const Elf64_Ehdr *)file)->e_type == ET_DYN) {
		lim.type = ET_DYN;
		lim.vaddr_min = 0;
		lim.vaddr_max = USER_MMAP_BASE - ET_DYN_BASE - ET_DYN_RANDOM_PAGES * PAGE_SIZE;
	}
	if (size >= sizeof(Elf64_Ehdr))
		r = elf_check_head(file, size, ef->size, &lim, info, &why);
	if (r < 0) {
		pr_debug("exec %s: not executable: %s\n", path, why);
		return -ENOEXEC;
	}
	for (unsigned i = 0; i < info->phnum; i++) {
		if (elf_phdr(file, i)->p_type == PT_INTERP) {
			pr_debug("exec %s: dynamically linked (PT_INTERP): no dynamic linker\n",
				 path);
			return -ENOEXEC;
		}
	}
	*bias = 0;
	if (lim.type == ET_DYN)
		*bias = ET_DYN_BASE + (random_u64() % ET_DYN_RANDOM_PAGES) * PAGE_SIZE -
			info->vaddr_lo;
	return 0;
}

static uint64_t stack_size_of(const struct process *p)
{
	uint64_t s = p ? p->rlimits[RLIMIT_STACK].rlim_cur : USER_STACK_MAX;
	if (s > STACK_MAX_SIZE)
		s = STACK_MAX_SIZE;
	if (s < STACK_MIN_SIZE)
		s = STACK_MIN_SIZE;
	return ALIGN_DOWN(s, PAGE_SIZE);
}

struct stack_builder {
	uint8_t *buf; /* image of [lo, top) */
	uint64_t lo, top;
};

static uint64_t sb_put(struct stack_builder *b, uint64_t at, const void *src, size_t n)
{
	memcpy(b->buf + (at - b->lo), src, n);
	return at;
}

/* The initial stack per the SysV x86-64 ABI: argc, argv[], NULL, envp[], NULL, auxv pairs,
 * AT_NULL at rsp (16-byte aligned); strings, AT_RANDOM bytes and the end marker above. */
static int build_stack(struct mm *mm, const struct exec_args *a, const char *execfn,
		       const struct elf_info *info, uint64_t bias, const struct process *p,
		       uint64_t *sp_out)
{
	uint64_t size = stack_size_of(p);
	uint64_t top = USER_STACK_TOP - (random_u64() % STACK_RANDOM_PAGES) * PAGE_SIZE;
	size_t strings = a->used, fnlen = strlen(execfn) + 1;
	size_t nptr = 1 + (size_t)a->argc + 1 + (size_t)a->envc + 1 + 2 * AUXV_MAX;
	uint64_t str_lo = top - 8 - fnlen - strings;
	uint64_t rnd_at = ALIGN_DOWN(str_lo - 16, 16);
	uint64_t sp = ALIGN_DOWN(rnd_at - nptr * 8, 16);
	/* Linux's rule: arguments may use at most a quarter of the stack limit. */
	if (top - sp > size / 4)
		return -E2BIG;
	/* The VMA starts small and grows down on faults, up to RLIMIT_STACK (mm/vm.c). */
	uint64_t initial = ALIGN_UP(top - sp, PAGE_SIZE) + STACK_MIN_SIZE;
	if (initial > size)
		initial = size;
	int64_t r = vm_map(mm, top - initial, initial, VM_READ | VM_WRITE | VM_GROWSDOWN, true,
			   true);
	if (r < 0)
		return (int)r;
	mm->stack_top = top;
	size_t argbytes = 0;
	for (int i = 0; i < a->argc; i++)
		argbytes += strlen(a->buf + argbytes) + 1;
	mm->arg_start = str_lo;
	mm->arg_end = mm->env_start = str_lo + argbytes;
	mm->env_end = str_lo + strings;

	struct stack_builder b = { .lo = sp, .top = top };
	b.buf = kmalloc(top - sp);
	if (!b.buf)
		return -ENOMEM;
	uint64_t fn_at = sb_put(&b, top - 8 - fnlen, execfn, fnlen);
	sb_put(&b, str_lo, a->buf, strings);
	uint8_t rnd[16];
	get_random_bytes(rnd, sizeof(rnd));
	sb_put(&b, rnd_at, rnd, sizeof(rnd));

	uint64_t *v = (uint64_t *)b.buf, s = str_lo;
	size_t k = 0;
	v[k++] = (uint64_t)a->argc;
	for (int i = 0; i < a->argc + a->envc; i++) {
		v[k++] = s;
		s += strlen(a->buf + (s - str_lo)) + 1;
		if (i == a->argc - 1)
			v[k++] = 0; /* end of argv */
	}
	if (a->argc == 0)
		v[k++] = 0; /* end of the empty argv */
	v[k++] = 0; /* end of envp */
	const struct cred *c = p ? &p->cred : &(struct cred){ 0 };
	uint64_t auxv[][2] = {
		{ AT_PHDR, info->phdr_vaddr ? info->phdr_vaddr + bias : 0 },
		{ AT_PHENT, sizeof(Elf64_Phdr) },
		{ AT_PHNUM, info->phnum },
		{ AT_PAGESZ, PAGE_SIZE },
		{ AT_BASE, 0 },
		{ AT_FLAGS, 0 },
		{ AT_ENTRY, info->entry + bias },
		{ AT_UID, c->uid },
		{ AT_EUID, c->euid },
		{ AT_GID, c->gid },
		{ AT_EGID, c->egid },
		{ AT_SECURE, 0 },
		{ AT_RANDOM, rnd_at },
		{ AT_HWCAP, cpuid(1, 0).edx },
		{ AT_CLKTCK, USER_HZ },
		{ AT_EXECFN, fn_at },
		{ AT_NULL, 0 },
	};
	_Static_assert(ARRAY_SIZE(auxv) <= AUXV_MAX, "AUXV_MAX");
	memcpy(&v[k], auxv, sizeof(auxv));
	r = vm_write(mm, sp, b.buf, top - sp);
	kfree(b.buf);
	*sp_out = sp;
	return (int)r;
}

/* Build the complete new address space; nothing of the caller changes. */
#define SCRIPT_DEPTH_MAX 4 /* interpreters that are scripts themselves (Linux: 5) */

/* The program file: path, or the interpreter a "#!" script names (with the arguments
 * rewritten), up to SCRIPT_DEPTH_MAX levels deep. */
static int exec_open_program(const char *path, struct exec_args *a, struct exec_file *ef)
{
	char *owned = NULL;
	int r = 0;
	for (int depth = 0;; depth++) {
		r = exec_file_open(path, ef);
		if (r || !exec_is_script(ef))
			break;
		char *interp = NULL;
		r = depth == SCRIPT_DEPTH_MAX ? -ELOOP : exec_script_rewrite(ef, path, a, &interp);
		exec_file_close(ef);
		kfree(owned);
		path = owned = interp;
		if (r)
			break;
	}
	kfree(owned);
	return r;
}

static int exec_load(const char *path, struct exec_args *a, const struct process *p,
		     struct exec_image *out)
{
	struct elf_info info;
	uint64_t bias;
	int r = exec_open_program(path, a, &out->file);
	if (r < 0)
		return r;
	r = check_file(&out->file, &info, &bias, path);
	if (r < 0)
		return r;
	struct mm *mm = mm_create();
	if (!mm)
		return -ENOMEM;
	r = load_segments(mm, &out->file, &info, bias);
	if (!r) /* the heap starts at a random page above the image */
		vm_brk_init(mm, info.vaddr_hi + bias +
					(random_u64() % BRK_RANDOM_PAGES) * PAGE_SIZE);
	if (!r)
		r = build_stack(mm, a, path, &info, bias, p, &out->sp);
	if (r < 0) {
		mm_put(mm);
		return r;
	}
	out->mm = mm;
	out->entry = info.entry + bias;
	return 0;
}

/* A new program starts with rip and rsp set, every other register 0 (the ABI leaves rdx = 0:
 * no atexit function), clean FPU state and FS/GS bases. */
static void exec_reset_frame(struct trap_frame *f, uint64_t entry, uint64_t sp)
{
	struct trap_frame n = {
		.vector = f->vector, /* how we entered: the exit path may depend on it */
		.error_code = f->error_code,
		.rip = entry,
		.cs = f->cs,
		.rflags = RFLAGS_IF,
		.rsp = sp,
		.ss = f->ss,
	};
	*f = n;
	thread_reset_user_state();
}

/* Point of no return: the process takes the new image. Other threads must be gone. */
static void exec_commit(struct process *p, const char *path, struct exec_image *img,
			struct trap_frame *frame)
{
	struct thread *t = current_thread();
	futex_robust_release(t); /* locks held in the old image die with it, as on Linux */
	uint64_t flags = spin_lock_irqsave(&p->lock);
	struct mm *old = p->mm;
	p->mm = img->mm;
	const char *base = strrchr(path, '/');
	strlcpy(p->name, base ? base + 1 : path, sizeof(p->name));
	cred_exec(&p->cred);
	strlcpy(t->name, p->name, sizeof(t->name));
	mm_activate(img->mm);
	spin_unlock_irqrestore(&p->lock, flags);

	flags = spin_lock_irqsave(&process_tree_lock);
	process_vfork_release_locked(p); /* the vfork parent's memory is no longer ours */
	p->did_exec = true;
	spin_unlock_irqrestore(&process_tree_lock, flags);
	if (old)
		mm_put(old);
	/* Linux: clear_child_tid belongs to the old image (the robust list went above). */
	t->robust_list_len = 0;
	t->clear_child_tid = 0;
	signal_exec(p); /* caught signals back to SIG_DFL, altstack off */
	posix_timers_delete_all(p); /* timer_create(2): deleted by execve */
	exec_reset_frame(frame, img->entry, img->sp);
}

/* exec from a multi-threaded process: the other threads exit first (Linux's de_thread). Their
 * sleeps all end on the zap, so the wait is short; it is killable all the same, and -EINTR
 * when this thread was told to exit itself (a racing exec, exit_group or fatal signal got
 * there first: the exec is abandoned and the thread leaves on its way out). */
static int exec_zap_other_threads(struct process *p)
{
	struct thread *self = current_thread();
	uint64_t flags = spin_lock_irqsave(&process_tree_lock);
	int r = 0;
	if (self->exit_pending || p->group_exiting) {
		r = -EINTR;
		goto out_unlock;
	}
	process_zap_threads_locked(p, self);
	while (p->nthreads > 1) {
		r = signal_wait_queue_sleep_killable_locked(&p->child_wait, &process_tree_lock,
							    &flags);
		if (r)
			break;
	}
out_unlock:
	spin_unlock_irqrestore(&process_tree_lock, flags);
	return r;
}

static long do_execve(const char *path, const char *const *argv, const char *const *envp,
		      bool from_user, struct trap_frame *frame)
{
	struct process *p = process_current();
	struct exec_args a = { 0 };
	struct exec_image img = { 0 };
	long r = args_collect(&a, argv, envp, from_user);
	if (r < 0)
		goto out_free;
	r = exec_load(path, &a, p, &img);
	if (r < 0)
		goto out_free;
	r = p->nthreads > 1 ? exec_zap_other_threads(p) : 0;
	if (r == 0)
		r = process_files_exec(p, img.file.file);
	if (r < 0) {
		mm_put(img.mm);
		goto out_free;
	}
	exec_commit(p, path, &img, frame);
	r = 0;
out_free:
	exec_file_close(&img.file);
	kfree(a.buf);
	return r;
}

long kernel_execve(const char *path, const char *const *argv, const char *const *envp,
		   struct trap_frame *frame)
{
	return do_execve(path, argv, envp, false, frame);
}

SYSCALL_DEFINE3(execve, const char __user *, upath, const char *const __user *, argv,
	const char *const __user *, envp)
{
	char *path = kmalloc(EXEC_PATH_MAX);
	if (!path)
		return -ENOMEM;
	long r = strncpy_from_user(path, upath, EXEC_PATH_MAX);
	if (r >= 0 && r == 0)
		r = -ENOENT;
	if (r > 0)
		r = do_execve(path, (const char *const *)argv, (const char *const *)envp, true,
			      current_user_frame());
	kfree(path);
	return r;
}
