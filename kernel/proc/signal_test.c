/* Self-tests of the pure parts of signals: the default-action table, handler masks, RFLAGS
 * sanitizing for rt_sigreturn, the frame's placement and layout, FPU image validation, and the
 * sigaltstack rules (on the test thread's own fields). */
#include <core/ktest.h>
#include <proc/signal.h>
#include <sched/thread.h>
#include <lib/string.h>
#include <uapi/errno.h>

KTEST(signal_default_actions)
{
	KEXPECT(sig_default_action(SIGKILL) == SIGDFL_TERM);
	KEXPECT(sig_default_action(SIGTERM) == SIGDFL_TERM);
	KEXPECT(sig_default_action(SIGALRM) == SIGDFL_TERM);
	KEXPECT(sig_default_action(SIGPIPE) == SIGDFL_TERM);
	KEXPECT(sig_default_action(SIGSEGV) == SIGDFL_CORE);
	KEXPECT(sig_default_action(SIGABRT) == SIGDFL_CORE);
	KEXPECT(sig_default_action(SIGQUIT) == SIGDFL_CORE);
	KEXPECT(sig_default_action(SIGSYS) == SIGDFL_CORE);
	KEXPECT(sig_default_action(SIGCHLD) == SIGDFL_IGN);
	KEXPECT(sig_default_action(SIGWINCH) == SIGDFL_IGN);
	KEXPECT(sig_default_action(SIGURG) == SIGDFL_IGN);
	KEXPECT(sig_default_action(SIGSTOP) == SIGDFL_STOP);
	KEXPECT(sig_default_action(SIGTSTP) == SIGDFL_STOP);
	KEXPECT(sig_default_action(SIGTTOU) == SIGDFL_STOP);
	KEXPECT(sig_default_action(SIGCONT) == SIGDFL_CONT);
	KEXPECT(sig_default_action(SIGRTMIN) == SIGDFL_TERM);
	KEXPECT(sig_default_action(SIGRTMAX) == SIGDFL_TERM);
	KEXPECT(!sig_valid(0) && sig_valid(1) && sig_valid(64) && !sig_valid(65));
}

KTEST(signal_handler_mask)
{
	struct k_sigaction ka = { .handler = 0x401000, .flags = 0, .mask = SIGSET_BIT(SIGUSR2) };
	uint64_t m = signal_handler_mask(SIGSET_BIT(SIGINT), &ka, SIGUSR1);
	KEXPECT(m == (SIGSET_BIT(SIGINT) | SIGSET_BIT(SIGUSR2) | SIGSET_BIT(SIGUSR1)));
	ka.flags = SA_NODEFER;
	m = signal_handler_mask(0, &ka, SIGUSR1);
	KEXPECT(m == SIGSET_BIT(SIGUSR2)); /* NODEFER: the signal itself stays open */
	ka.mask = ~0ULL; /* asking to block everything cannot block SIGKILL/SIGSTOP */
	m = signal_handler_mask(0, &ka, SIGUSR1);
	KEXPECT(!(m & SIG_UNCATCHABLE) && (m & SIGSET_BIT(SIGSEGV)));
	KEXPECT(SIGSET_BIT(SIGKILL) == (1ULL << 8) && SIGSET_BIT(SIGRTMAX) == (1ULL << 63));
}

KTEST(signal_rflags_sanitize)
{
	/* Everything set: IOPL 3, NT, VM, VIF, VIP, ID and the rest must not survive. */
	uint64_t r = signal_sanitize_rflags(~0ULL);
	KEXPECT(r & 0x200); /* IF forced on */
	KEXPECT(r & 0x2); /* reserved bit 1 */
	KEXPECT(!(r & 0x3000)); /* IOPL 0 */
	KEXPECT(!(r & 0x4000)); /* NT */
	KEXPECT(!(r & 0x20000)); /* VM */
	KEXPECT(!(r & 0x180000)); /* VIF, VIP */
	KEXPECT(!(r & 0x200000)); /* ID */
	KEXPECT(!(r & ~0x3ffffffULL)); /* no high bits */
	KEXPECT((r & FIX_EFLAGS) == FIX_EFLAGS); /* the user's arithmetic flags, TF, DF, AC, RF */
	/* Nothing set: IF and bit 1 still come back. */
	KEXPECT(signal_sanitize_rflags(0) == 0x202);
	KEXPECT(signal_sanitize_rflags(0x3202 | 0x1) == 0x203);
}

KTEST(signal_frame_layout)
{
	KEXPECT(sizeof(struct k_rt_sigframe) == 440);
	KEXPECT(offsetof(struct k_rt_sigframe, uc) + offsetof(struct k_ucontext, uc_mcontext) ==
		48);
	KEXPECT(offsetof(struct k_rt_sigframe, info) == 312);
	static const uint64_t sps[] = { 0x7ffffffde000, 0x7ffffffddff8, 0x7ffffffddfb7,
					0x500000 + 7, 0x500040 };
	static const uint64_t sizes[] = { 512, 836, 2700, 2440 + 4 };
	for (unsigned i = 0; i < ARRAY_SIZE(sps); i++) {
		for (unsigned j = 0; j < ARRAY_SIZE(sizes); j++) {
			uint64_t fp, frame = signal_frame_layout(sps[i], sizes[j], &fp);
			KEXPECT((fp & 63) == 0); /* XSAVE alignment */
			KEXPECT(fp + sizes[j] <= sps[i]); /* below the starting point */
			KEXPECT(frame + sizeof(struct k_rt_sigframe) <= fp); /* no overlap */
			KEXPECT(((frame + 8) & 15) == 0); /* rsp at entry as after a call */
			KEXPECT(fp - (frame + sizeof(struct k_rt_sigframe)) < 16 + 64);
		}
	}
}

KTEST(signal_fpu_image_checks)
{
	uint8_t hdr[XSAVE_HEADER_SIZE];
	memset(hdr, 0, sizeof(hdr));
	uint64_t bv = 0x3;
	memcpy(hdr, &bv, 8);
	KEXPECT(signal_fpu_image_ok(0x1f80, hdr, 0x7, 0xffbf));
	KEXPECT(signal_fpu_image_ok(0x1f80, NULL, 0x3, 0xffbf)); /* legacy image: no header */
	uint32_t mxcsr = 0x10000 | 0x1f80; /* reserved MXCSR bit: #GP if loaded */
	KEXPECT(!signal_fpu_image_ok(mxcsr, hdr, 0x7, 0xffbf));
	KEXPECT(!signal_fpu_image_ok(mxcsr, NULL, 0x3, 0xffbf));
	mxcsr = 0x1fc0; /* DAZ: fine only where MXCSR_MASK allows it */
	KEXPECT(!signal_fpu_image_ok(mxcsr, NULL, 0x3, 0xffbf));
	KEXPECT(signal_fpu_image_ok(mxcsr, NULL, 0x3, 0xffff));
	bv = 0x8; /* a component XCR0 does not enable */
	memcpy(hdr, &bv, 8);
	KEXPECT(!signal_fpu_image_ok(mxcsr, hdr, 0x7, 0xffff));
	bv = 0x7;
	memcpy(hdr, &bv, 8);
	KEXPECT(signal_fpu_image_ok(mxcsr, hdr, 0x7, 0xffff));
	hdr[15] = 0x80; /* XCOMP_BV compacted bit */
	KEXPECT(!signal_fpu_image_ok(mxcsr, hdr, 0x7, 0xffff));
	hdr[15] = 0;
	hdr[40] = 1; /* reserved header byte */
	KEXPECT(!signal_fpu_image_ok(mxcsr, hdr, 0x7, 0xffff));
}

KTEST(signal_altstack_rules)
{
	struct thread *th = current_thread();
	uint64_t sp0 = th->sas_sp, size0 = th->sas_size;
	uint32_t fl0 = th->sas_flags;
	th->sas_sp = th->sas_size = 0;
	th->sas_flags = SS_DISABLE;
	k_stack_t ss = { .ss_sp = 0x600000, .ss_flags = 0, .ss_size = MINSIGSTKSZ - 1 }, oss;
	KEXPECT(signal_do_sigaltstack(&ss, &oss, 0x700000) == -ENOMEM);
	KEXPECT(oss.ss_flags == SS_DISABLE);
	ss.ss_size = SIGSTKSZ;
	ss.ss_flags = 0x4; /* unknown mode */
	KEXPECT(signal_do_sigaltstack(&ss, NULL, 0x700000) == -EINVAL);
	ss.ss_flags = 0;
	KEXPECT(signal_do_sigaltstack(&ss, NULL, 0x700000) == 0);
	KEXPECT(signal_on_altstack(0x600000 + 100) && signal_on_altstack(0x600000 + SIGSTKSZ));
	KEXPECT(!signal_on_altstack(0x600000) && !signal_on_altstack(0x700000));
	/* While running on it, it cannot be changed, and reports SS_ONSTACK. */
	ss.ss_flags = SS_DISABLE;
	KEXPECT(signal_do_sigaltstack(&ss, &oss, 0x600000 + 64) == -EPERM);
	KEXPECT(oss.ss_flags == SS_ONSTACK && oss.ss_sp == 0x600000 && oss.ss_size == SIGSTKSZ);
	KEXPECT(signal_do_sigaltstack(&ss, &oss, 0x700000) == 0);
	KEXPECT(oss.ss_flags == 0);
	KEXPECT(signal_do_sigaltstack(NULL, &oss, 0x700000) == 0 && oss.ss_flags == SS_DISABLE &&
		oss.ss_size == 0);
	th->sas_sp = sp0, th->sas_size = size0, th->sas_flags = fl0;
}
