/* The handler's frame on the user stack, laid out exactly as Linux x86_64 builds it (struct
 * rt_sigframe: return address, ucontext with sigcontext and mask, siginfo; the FPU state above,
 * 64-byte aligned, in XSAVE format with the FP_XSTATE magic words or plain FXSAVE), and
 * rt_sigreturn's restore, which trusts nothing in it: selectors forced, RFLAGS limited to
 * Linux's FIX_EFLAGS bits, the FPU image validated before XRSTOR/FXRSTOR (whose rare remaining
 * faults are caught by the exception table). A hostile frame gives SIGSEGV, never a kernel
 * fault. */
#include <proc/signal.h>
#include <proc/process.h>
#include <sched/thread.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/cpu_features.h>
#include <arch/x86_64/extable.h>
#include <arch/x86_64/fpu.h>
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/trap.h>
#include <arch/x86_64/usercopy.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <uapi/errno.h>

#define RED_ZONE 128 /* the System V ABI's: below rsp, but the interrupted code's */
#define FPU_ALIGN 64
#define RFLAGS_BIT1 0x2ULL
#define RFLAGS_IF_BIT 0x200ULL
#define RFLAGS_DF_BIT 0x400ULL
#define RFLAGS_TF_BIT 0x100ULL
#define RFLAGS_RF_BIT 0x10000ULL
#define XFEATURE_FPSSE 0x3ULL
#define FX_MXCSR 24
#define FX_MXCSR_MASK 28
#define MXCSR_MASK_DEFAULT 0x0000ffbfu /* when FXSAVE reports 0 (Intel SDM 10.5.1.2) */
#define CANONICAL_SHIFT 16

/* ---- pure helpers (signal_test.c) -------------------------------------------------------- */

uint64_t signal_sanitize_rflags(uint64_t user_rflags)
{
	return (user_rflags & FIX_EFLAGS) | RFLAGS_IF_BIT | RFLAGS_BIT1;
}

uint64_t signal_frame_layout(uint64_t sp, uint64_t fpu_size, uint64_t *fpstate)
{
	sp = ALIGN_DOWN(sp - fpu_size, FPU_ALIGN);
	*fpstate = sp;
	sp -= sizeof(struct k_rt_sigframe);
	return ((sp + 8) & ~15ULL) - 8; /* Linux's align_sigframe */
}

bool signal_fpu_image_ok(const uint8_t *img, uint64_t size, bool xsave, uint64_t enabled,
			 uint32_t mxcsr_mask)
{
	if (size < FXSAVE_AREA_SIZE)
		return false;
	uint32_t mxcsr;
	memcpy(&mxcsr, img + FX_MXCSR, sizeof(mxcsr));
	if (mxcsr & ~mxcsr_mask)
		return false; /* reserved MXCSR bits: #GP in FXRSTOR/XRSTOR */
	if (!xsave)
		return true;
	if (size < XSAVE_HEADER_OFFSET + XSAVE_HEADER_SIZE)
		return false;
	uint64_t xstate_bv;
	memcpy(&xstate_bv, img + XSAVE_HEADER_OFFSET, sizeof(xstate_bv));
	if (xstate_bv & ~enabled)
		return false;
	for (unsigned i = 8; i < XSAVE_HEADER_SIZE; i++) /* XCOMP_BV and the reserved bytes */
		if (img[XSAVE_HEADER_OFFSET + i])
			return false;
	return true;
}

static bool is_canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << CANONICAL_SHIFT) >> CANONICAL_SHIFT) == va;
}

/* ---- the FPU ------------------------------------------------------------------------------ */

static bool use_xsave(void)
{
	return cpu_features.xsave;
}

static uint64_t xfeatures_enabled(void)
{
	if (!use_xsave())
		return XFEATURE_FPSSE;
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

static uint32_t mxcsr_mask(void)
{
	static uint32_t mask;
	if (!READ_ONCE(mask)) {
		static uint8_t area[FXSAVE_AREA_SIZE] __aligned(16);
		uint64_t f = irq_save(); /* one user of the static area at a time */
		__asm__ volatile("fxsave64 %0" : "=m"(area));
		uint32_t m;
		memcpy(&m, area + FX_MXCSR_MASK, sizeof(m));
		irq_restore(f);
		WRITE_ONCE(mask, m ? m : MXCSR_MASK_DEFAULT);
	}
	return mask;
}

/* Size of the FPU image in the frame, without the trailing FP_XSTATE_MAGIC2. */
static uint64_t fpu_image_size(void)
{
	return use_xsave() ? fpu_state_size() : FXSAVE_AREA_SIZE;
}

/* A 64-byte aligned scratch buffer of the image size (kmalloc aligns to 16 only). */
struct fpu_buf {
	void *raw;
	uint8_t *img;
};

static int fpu_buf_alloc(struct fpu_buf *b)
{
	b->raw = kmalloc(fpu_image_size() + FPU_ALIGN);
	if (!b->raw)
		return -ENOMEM;
	b->img = (uint8_t *)ALIGN_UP((uint64_t)b->raw, FPU_ALIGN);
	return 0;
}

/* XRSTOR/FXRSTOR of a validated image; still guarded: a fault returns -EFAULT. */
static int fpu_restore_checked(const uint8_t *img)
{
	int err = 0;
	uint64_t rfbm = xfeatures_enabled();
	if (use_xsave())
		__asm__ volatile("1: xrstor64 (%1)\n"
				 "jmp 2f\n"
				 "3: movl %4, %0\n"
				 "2:\n" EXTABLE_ENTRY(1b, 3b)
				 : "+r"(err)
				 : "r"(img), "a"((uint32_t)rfbm), "d"((uint32_t)(rfbm >> 32)),
				   "i"(-EFAULT)
				 : "memory");
	else
		__asm__ volatile("1: fxrstor64 (%1)\n"
				 "jmp 2f\n"
				 "3: movl %2, %0\n"
				 "2:\n" EXTABLE_ENTRY(1b, 3b)
				 : "+r"(err)
				 : "r"(img), "i"(-EFAULT)
				 : "memory");
	return err;
}

/* The handler starts with a clean FPU (Linux's fpu__clear_user_states). */
static void fpu_reset_for_handler(struct fpu_buf *b)
{
	memset(b->img, 0, fpu_image_size());
	fpu_state_init(b->img);
	uint64_t f = irq_save();
	fpu_restore(b->img);
	irq_restore(f);
}

/* ---- building the frame ------------------------------------------------------------------ */

static void fill_sigcontext(struct k_sigcontext *sc, const struct trap_frame *f,
			    uint64_t oldmask, const struct sig_fault_regs *fr, uint64_t fpstate)
{
	sc->r8 = f->r8, sc->r9 = f->r9, sc->r10 = f->r10, sc->r11 = f->r11;
	sc->r12 = f->r12, sc->r13 = f->r13, sc->r14 = f->r14, sc->r15 = f->r15;
	sc->rdi = f->rdi, sc->rsi = f->rsi, sc->rbp = f->rbp, sc->rbx = f->rbx;
	sc->rdx = f->rdx, sc->rax = f->rax, sc->rcx = f->rcx, sc->rsp = f->rsp;
	sc->rip = f->rip;
	sc->eflags = f->rflags;
	sc->cs = (uint16_t)f->cs;
	sc->ss = (uint16_t)f->ss;
	sc->gs = sc->fs = 0;
	sc->err = fr ? fr->err : 0;
	sc->trapno = fr ? fr->trapno : 0;
	sc->cr2 = fr ? fr->cr2 : 0;
	sc->oldmask = oldmask;
	sc->fpstate = fpstate;
}

/* Save the live FPU registers into b and mark the image as Linux does. */
static void fpu_capture(struct fpu_buf *b)
{
	uint64_t size = fpu_image_size();
	memset(b->img, 0, size);
	uint64_t f = irq_save();
	fpu_save(b->img);
	irq_restore(f);
	struct k_fpx_sw_bytes sw;
	memset(&sw, 0, sizeof(sw));
	if (use_xsave()) {
		uint64_t bv;
		memcpy(&bv, b->img + XSAVE_HEADER_OFFSET, sizeof(bv));
		bv |= XFEATURE_FPSSE; /* legacy FP/SSE always present for fx-only readers */
		memcpy(b->img + XSAVE_HEADER_OFFSET, &bv, sizeof(bv));
		sw.magic1 = FP_XSTATE_MAGIC1;
		sw.extended_size = (uint32_t)(size + FP_XSTATE_MAGIC2_SIZE);
		sw.xfeatures = xfeatures_enabled();
		sw.xstate_size = (uint32_t)size;
	}
	memcpy(b->img + FX_SW_BYTES_OFFSET, &sw, sizeof(sw));
}

int signal_setup_frame(struct trap_frame *f, int sig, const struct k_sigaction *ka,
		       const k_siginfo_t *info, uint64_t oldmask, const struct sig_fault_regs *fr)
{
	struct thread *t = current_thread();
	/* x86_64 has no kernel-provided return trampoline: like Linux, no SA_RESTORER, no frame
	 * (the caller turns this into SIGSEGV). */
	if (!(ka->flags & SA_RESTORER))
		return -EFAULT;
	bool nested = signal_on_altstack(f->rsp), entering = false;
	uint64_t sp = f->rsp - RED_ZONE;
	if ((ka->flags & SA_ONSTACK) && !nested && t->sas_size &&
	    !(t->sas_flags & SS_DISABLE)) {
		sp = t->sas_sp + t->sas_size;
		entering = true;
	}
	uint64_t fpsize = fpu_image_size();
	uint64_t fp_extra = use_xsave() ? FP_XSTATE_MAGIC2_SIZE : 0;
	uint64_t fpstate;
	uint64_t frame = signal_frame_layout(sp, fpsize + fp_extra, &fpstate);
	/* Overflowing the alternate stack: die by SIGSEGV rather than scribble below it. */
	if ((nested || entering) && !(frame > t->sas_sp && frame - t->sas_sp <= t->sas_size))
		return -EFAULT;
	if (sp < frame || !user_range_ok(frame, sp - frame))
		return -EFAULT;

	struct fpu_buf b;
	if (fpu_buf_alloc(&b))
		return -EFAULT;
	int err = -EFAULT;
	fpu_capture(&b);
	if (copy_to_user((void __user *)fpstate, b.img, fpsize))
		goto out;
	if (fp_extra && put_user((uint32_t)FP_XSTATE_MAGIC2, (uint32_t __user *)(fpstate + fpsize)))
		goto out;

	struct k_rt_sigframe fr_k;
	memset(&fr_k, 0, sizeof(fr_k));
	fr_k.pretcode = ka->restorer;
	fr_k.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | (fp_extra ? UC_FP_XSTATE : 0);
	fr_k.uc.uc_stack.ss_sp = t->sas_sp;
	fr_k.uc.uc_stack.ss_size = t->sas_size;
	fr_k.uc.uc_stack.ss_flags = (int32_t)((t->sas_flags & SS_AUTODISARM) |
					      (nested ? SS_ONSTACK : t->sas_size ? 0 : SS_DISABLE));
	fill_sigcontext(&fr_k.uc.uc_mcontext, f, oldmask, fr, fpstate);
	fr_k.uc.uc_sigmask = oldmask;
	if (ka->flags & SA_SIGINFO)
		fr_k.info = *info;
	if (copy_to_user((void __user *)frame, &fr_k, sizeof(fr_k)))
		goto out;
	if (entering && (t->sas_flags & SS_AUTODISARM)) {
		t->sas_sp = t->sas_size = 0;
		t->sas_flags = SS_DISABLE;
	}

	f->rdi = (uint64_t)sig;
	f->rsi = frame + offsetof(struct k_rt_sigframe, info);
	f->rdx = frame + offsetof(struct k_rt_sigframe, uc);
	f->rax = 0;
	f->rip = ka->handler;
	f->rsp = frame;
	f->cs = GDT_USER_CS;
	f->ss = GDT_USER_DS;
	f->rflags &= ~(RFLAGS_DF_BIT | RFLAGS_RF_BIT | RFLAGS_TF_BIT);
	fpu_reset_for_handler(&b);
	err = 0;
out:
	kfree(b.raw);
	return err;
}

/* ---- rt_sigreturn ------------------------------------------------------------------------ */

/* Read and check the FPU image at user address ufp into b; the XSAVE form when the frame says
 * so (and the magic words agree), else the legacy 512 bytes with FP/SSE marked present. */
static int fpu_load_image(uint64_t ufp, uint64_t uc_flags, struct fpu_buf *b)
{
	uint64_t size = fpu_image_size();
	memset(b->img, 0, size);
	if (copy_from_user(b->img, (const void __user *)ufp, FXSAVE_AREA_SIZE))
		return -EFAULT;
	struct k_fpx_sw_bytes sw;
	memcpy(&sw, b->img + FX_SW_BYTES_OFFSET, sizeof(sw));
	bool xs = false;
	if (use_xsave() && (uc_flags & UC_FP_XSTATE) && sw.magic1 == FP_XSTATE_MAGIC1 &&
	    sw.xstate_size >= XSAVE_HEADER_OFFSET + XSAVE_HEADER_SIZE && sw.xstate_size <= size &&
	    sw.extended_size >= sw.xstate_size + FP_XSTATE_MAGIC2_SIZE) {
		uint32_t magic2;
		if (get_user(&magic2, (const uint32_t __user *)(ufp + sw.xstate_size)))
			return -EFAULT;
		xs = magic2 == FP_XSTATE_MAGIC2;
	}
	if (xs) {
		if (copy_from_user(b->img + FXSAVE_AREA_SIZE,
				   (const void __user *)(ufp + FXSAVE_AREA_SIZE),
				   sw.xstate_size - FXSAVE_AREA_SIZE))
			return -EFAULT;
		uint64_t bv;
		memcpy(&bv, b->img + XSAVE_HEADER_OFFSET, sizeof(bv));
		if (bv & ~sw.xfeatures)
			return -EFAULT;
	} else if (use_xsave()) {
		/* Legacy image: only x87/SSE come from it, everything else starts clean. */
		memset(b->img + FXSAVE_AREA_SIZE, 0, size - FXSAVE_AREA_SIZE);
		uint64_t bv = XFEATURE_FPSSE;
		memcpy(b->img + XSAVE_HEADER_OFFSET, &bv, sizeof(bv));
	}
	memset(b->img + FX_SW_BYTES_OFFSET, 0, sizeof(sw)); /* software bytes: not the CPU's */
	if (!signal_fpu_image_ok(b->img, size, use_xsave(), xfeatures_enabled(), mxcsr_mask()))
		return -EFAULT;
	return 0;
}

static void restore_regs(struct trap_frame *f, const struct k_sigcontext *sc)
{
	f->r8 = sc->r8, f->r9 = sc->r9, f->r10 = sc->r10, f->r11 = sc->r11;
	f->r12 = sc->r12, f->r13 = sc->r13, f->r14 = sc->r14, f->r15 = sc->r15;
	f->rdi = sc->rdi, f->rsi = sc->rsi, f->rbp = sc->rbp, f->rbx = sc->rbx;
	f->rdx = sc->rdx, f->rax = sc->rax, f->rcx = sc->rcx, f->rsp = sc->rsp;
	f->rip = sc->rip;
	f->rflags = signal_sanitize_rflags(sc->eflags);
	f->cs = GDT_USER_CS; /* whatever the frame says: a 64-bit user segment */
	f->ss = GDT_USER_DS;
	f->error_code = (uint64_t)-1; /* rax is a restored value, not a syscall's to restart */
}

int signal_restore_frame(struct trap_frame *f)
{
	uint64_t frame = f->rsp - sizeof(uint64_t); /* the handler's ret popped pretcode */
	struct k_ucontext uc;
	if (f->rsp < sizeof(uint64_t) ||
	    copy_from_user(&uc, (const void __user *)(frame + offsetof(struct k_rt_sigframe, uc)),
			   sizeof(uc)))
		return -EFAULT;
	signal_set_blocked(uc.uc_sigmask);
	const struct k_sigcontext *sc = &uc.uc_mcontext;
	if (!is_canonical(sc->rip) || !is_canonical(sc->rsp))
		return -EFAULT;

	struct fpu_buf b;
	if (fpu_buf_alloc(&b))
		return -EFAULT;
	int err = 0;
	if (sc->fpstate) {
		err = fpu_load_image(sc->fpstate, uc.uc_flags, &b);
		if (!err) {
			uint64_t fl = irq_save();
			err = fpu_restore_checked(b.img);
			irq_restore(fl);
		}
		if (err)
			fpu_reset_for_handler(&b); /* never leave a half-loaded state behind */
	} else {
		fpu_reset_for_handler(&b); /* no FPU state in the frame: a clean one */
	}
	kfree(b.raw);
	if (err)
		return -EFAULT;
	restore_regs(f, sc);
	/* Linux's restore_altstack: takes effect only when not running on the alternate stack
	 * now; only a fault reading it would be an error, and uc is already in kernel memory. */
	(void)signal_do_sigaltstack(&uc.uc_stack, NULL, f->rsp);
	return 0;
}
