/* The handler's frame on the user stack, laid out exactly as Linux x86_64 builds it (struct
 * rt_sigframe: return address, ucontext with sigcontext and mask, siginfo; the FPU state above,
 * 64-byte aligned, in XSAVE format with the FP_XSTATE magic words or plain FXSAVE), and
 * rt_sigreturn's restore, which trusts nothing in it: selectors forced, RFLAGS limited to
 * Linux's FIX_EFLAGS bits, the FPU image's header and MXCSR checked before XRSTOR/FXRSTOR
 * (whose remaining faults, a page or an image changed meanwhile by another thread, are caught
 * by the exception table). The FPU state goes straight between the registers and the user
 * frame, as on Linux: no kernel copy. A hostile frame gives SIGSEGV, never a kernel fault. */
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
#include <uapi/errno.h>

#define RED_ZONE 128 /* the System V ABI's: below rsp, but the interrupted code's */
#define FPU_ALIGN 64 /* the frame's image: XSAVE/XRSTOR need it */
#define FXSAVE_ALIGN 16
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

bool signal_fpu_image_ok(uint32_t mxcsr, const uint8_t *header, uint64_t enabled,
			 uint32_t mxcsr_mask)
{
	if (mxcsr & ~mxcsr_mask)
		return false; /* reserved MXCSR bits: #GP in FXRSTOR/XRSTOR */
	if (!header)
		return true;
	uint64_t xstate_bv;
	memcpy(&xstate_bv, header, sizeof(xstate_bv));
	if (xstate_bv & ~enabled)
		return false;
	for (unsigned i = 8; i < XSAVE_HEADER_SIZE; i++) /* XCOMP_BV and the reserved bytes */
		if (header[i])
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

/* The legacy area's unused tail, where Linux puts its software bytes, and the XSAVE header
 * right after it: written before XSAVE, which fills in XSTATE_BV alone. */
struct fpu_frame_tail {
	struct k_fpx_sw_bytes sw;
	uint8_t header[XSAVE_HEADER_SIZE];
};
_Static_assert(FX_SW_BYTES_OFFSET + sizeof(struct k_fpx_sw_bytes) == XSAVE_HEADER_OFFSET,
	       "the software bytes end where the XSAVE header starts");

/* One instruction on the user image at ufp (operand %[a]; rfbm in edx:eax for the XSAVE
 * family; %[bv] and %[fpsse] name XSTATE_BV's offset and the FP/SSE bits), with SMAP open for
 * it alone; a fault in it (an unresolved #PF, a #GP) gives -EFAULT. ufp must be user memory. */
#define IMAGE_OP(insn, ufp, rfbm)                                                                \
	({                                                                                       \
		int err_ = 0;                                                                    \
		uint64_t rfbm_ = (rfbm);                                                         \
		user_access_begin();                                                             \
		__asm__ volatile("1: " insn "\n"                                                 \
				 "2:\n"                                                          \
				 ".pushsection .text.fixup, \"ax\"\n"                            \
				 "3: movl %[efault], %[err]\n"                                   \
				 "	jmp 2b\n"                                               \
				 ".popsection\n" EXTABLE_ENTRY(1b, 3b)                           \
				 : [err] "+r"(err_)                                              \
				 : [a] "r"(ufp), "a"((uint32_t)rfbm_), "d"((uint32_t)(rfbm_ >> 32)), \
				   [bv] "i"(XSAVE_HEADER_OFFSET),                                \
				   [fpsse] "i"(XFEATURE_FPSSE), [efault] "i"(-EFAULT)            \
				 : "memory", "cc");                                              \
		user_access_end();                                                               \
		err_;                                                                            \
	})

/* XSAVE (FXSAVE) of the live registers into the user image at ufp (64-byte aligned, inside
 * the range signal_setup_frame checked), after its software bytes and zeroed header. The live
 * registers are the thread's own (switched eagerly), so a fault serviced meanwhile, or a
 * switch, changes nothing. XSTATE_BV gets FP/SSE marked present as on Linux, for readers of
 * the legacy area. 0 or -EFAULT. */
static int fpu_save_user(uint64_t ufp, const struct fpu_frame_tail *tail, uint64_t tail_size)
{
	if (copy_to_user((void __user *)(ufp + FX_SW_BYTES_OFFSET), tail, tail_size))
		return -EFAULT;
	if (!use_xsave())
		return IMAGE_OP("fxsave64 (%[a])", ufp, 0);
	uint64_t rfbm = xfeatures_enabled();
	if (IMAGE_OP("xsave64 (%[a])", ufp, rfbm))
		return -EFAULT;
	return IMAGE_OP("orq %[fpsse], %c[bv](%[a])", ufp, 0);
}

/* XRSTOR (xsave) or FXRSTOR straight from the user image at ufp, checked to be user memory.
 * Its header and MXCSR were checked, but another thread may have changed them since, and a
 * page may be gone: the #GP or #PF ends here with -EFAULT, the registers possibly half loaded
 * (the caller loads a clean state). */
static int fpu_restore_user(uint64_t ufp, bool xsave)
{
	if (!xsave)
		return IMAGE_OP("fxrstor64 (%[a])", ufp, 0);
	return IMAGE_OP("xrstor64 (%[a])", ufp, xfeatures_enabled());
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

/* The software bytes and header of the frame's image (see fpu_frame_tail); returns how many
 * bytes of it the image has (no header without XSAVE). */
static uint64_t fpu_frame_tail_fill(struct fpu_frame_tail *tail, uint64_t size)
{
	memset(tail, 0, sizeof(*tail));
	if (!use_xsave())
		return sizeof(tail->sw);
	tail->sw.magic1 = FP_XSTATE_MAGIC1;
	tail->sw.extended_size = (uint32_t)(size + FP_XSTATE_MAGIC2_SIZE);
	tail->sw.xfeatures = xfeatures_enabled();
	tail->sw.xstate_size = (uint32_t)size;
	return sizeof(*tail);
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

	struct fpu_frame_tail tail __noinit; /* fpu_frame_tail_fill clears it */
	if (fpu_save_user(fpstate, &tail, fpu_frame_tail_fill(&tail, fpsize)))
		return -EFAULT;
	if (fp_extra && put_user((uint32_t)FP_XSTATE_MAGIC2, (uint32_t __user *)(fpstate + fpsize)))
		return -EFAULT;

	struct k_rt_sigframe fr_k __noinit; /* cleared here: no stack byte reaches user space */
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
		return -EFAULT;
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
	fpu_load_clean(); /* the handler starts with a clean FPU (Linux's fpu__clear_user_states) */
	return 0;
}

/* ---- rt_sigreturn ------------------------------------------------------------------------ */

/* Load the FPU image at user address ufp: the XSAVE form when the frame says so (and the
 * magic words agree), else the legacy 512 bytes, the other components starting clean. Only
 * what could make the load fault is copied in and checked (MXCSR, the software bytes, the
 * header); the image goes straight from user memory to the registers. Like Linux's, it must be
 * aligned as XRSTOR (64) or FXRSTOR (16) needs. 0, or -EFAULT with the registers undefined. */
static int fpu_load_user(uint64_t ufp, uint64_t uc_flags)
{
	uint64_t size = fpu_image_size();
	uint32_t mxcsr;
	struct fpu_frame_tail tail;
	if ((ufp & (FXSAVE_ALIGN - 1)) || !user_range_ok(ufp, FXSAVE_AREA_SIZE))
		return -EFAULT;
	if (get_user(&mxcsr, (const uint32_t __user *)(ufp + FX_MXCSR)) ||
	    copy_from_user(&tail.sw, (const void __user *)(ufp + FX_SW_BYTES_OFFSET),
			   sizeof(tail.sw)))
		return -EFAULT;
	const struct k_fpx_sw_bytes *sw = &tail.sw;
	bool xs = false;
	if (use_xsave() && (uc_flags & UC_FP_XSTATE) && sw->magic1 == FP_XSTATE_MAGIC1 &&
	    sw->xstate_size >= XSAVE_HEADER_OFFSET + XSAVE_HEADER_SIZE && sw->xstate_size <= size &&
	    sw->extended_size >= sw->xstate_size + FP_XSTATE_MAGIC2_SIZE) {
		uint32_t magic2;
		if (get_user(&magic2, (const uint32_t __user *)(ufp + sw->xstate_size)))
			return -EFAULT;
		xs = magic2 == FP_XSTATE_MAGIC2;
	}
	if (xs) {
		uint64_t bv;
		if ((ufp & (FPU_ALIGN - 1)) || !user_range_ok(ufp, size) ||
		    copy_from_user(tail.header, (const void __user *)(ufp + XSAVE_HEADER_OFFSET),
				   sizeof(tail.header)))
			return -EFAULT;
		memcpy(&bv, tail.header, sizeof(bv));
		if (bv & ~sw->xfeatures)
			return -EFAULT;
	}
	if (!signal_fpu_image_ok(mxcsr, xs ? tail.header : NULL, xfeatures_enabled(),
				 mxcsr_mask()))
		return -EFAULT;
	if (!xs && use_xsave())
		fpu_load_clean(); /* what FXRSTOR leaves alone (AVX and up) starts clean */
	return fpu_restore_user(ufp, xs);
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
	struct k_ucontext uc __noinit; /* copied whole from user space before any use */
	if (f->rsp < sizeof(uint64_t) ||
	    copy_from_user(&uc, (const void __user *)(frame + offsetof(struct k_rt_sigframe, uc)),
			   sizeof(uc)))
		return -EFAULT;
	signal_set_blocked(uc.uc_sigmask);
	const struct k_sigcontext *sc = &uc.uc_mcontext;
	if (!is_canonical(sc->rip) || !is_canonical(sc->rsp))
		return -EFAULT;

	if (!sc->fpstate) {
		fpu_load_clean(); /* no FPU state in the frame: a clean one */
	} else if (fpu_load_user(sc->fpstate, uc.uc_flags)) {
		fpu_load_clean(); /* never leave a half-loaded state behind */
		return -EFAULT;
	}
	restore_regs(f, sc);
	/* Linux's restore_altstack: takes effect only when not running on the alternate stack
	 * now; only a fault reading it would be an error, and uc is already in kernel memory. */
	(void)signal_do_sigaltstack(&uc.uc_stack, NULL, f->rsp);
	return 0;
}
