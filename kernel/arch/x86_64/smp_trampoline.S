/* The real-mode entry of a CPU started with INIT-SIPI-SIPI (arch/x86_64/smp.c). This blob is
 * never executed where the kernel image holds it: smp.c copies it to a page below 1 MiB, fills
 * the parameter block at its end, and points the STARTUP IPI there. It goes from real mode
 * straight to long mode (PAE, EFER.LME|NXE, then CR0.PE|PG together, SDM vol. 3 "Initializing
 * IA-32e Mode"), on temporary page tables that map this page read-only+executable at its own
 * address and the kernel half as the kernel's tables do, then jumps to smp_ap_entry in the
 * kernel with the stack, CPU index and the kernel's CR3 from the parameter block. */
#define CR0_PE_PG 0x80000001
#define CR4_PAE 0x20
#define MSR_EFER 0xc0000080
#define EFER_LME_NXE 0x900
#define TR_CODE64 0x08
#define TR_DATA 0x10

	.section .rodata
	.balign 16
	.global smp_trampoline_start
smp_trampoline_start:
	.code16
	cli
	cld
	mov %cs, %ax
	mov %ax, %ds
	lgdtl (tr_gdt_ptr - smp_trampoline_start)
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	movl (tr_cr3 - smp_trampoline_start), %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME_NXE, %eax
	wrmsr
	mov %cr0, %eax
	or $CR0_PE_PG, %eax
	mov %eax, %cr0
	ljmpl *(tr_far - smp_trampoline_start)

	.code64
tr_long:
	mov $TR_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov tr_stack(%rip), %rsp
	mov tr_cpu(%rip), %rdi
	mov tr_kernel_cr3(%rip), %rsi
	mov tr_entry(%rip), %rax
	jmp *%rax

	/* Accessed bits preset: the page is read-only in the temporary tables. */
	.balign 8
tr_gdt:
	.quad 0
	.quad 0x00af9b000000ffff /* 64-bit code, present, accessed */
	.quad 0x00cf93000000ffff /* data, present, writable, accessed */
tr_gdt_end:

	/* The parameter block, filled by smp.c (offsets taken from these symbols). */
	.balign 8
	.global tr_gdt_ptr, tr_far, tr_cr3, tr_stack, tr_cpu, tr_kernel_cr3, tr_entry
	.global tr_gdt, tr_long
tr_gdt_ptr:
	.word tr_gdt_end - tr_gdt - 1
	.long 0 /* physical address of tr_gdt */
	.balign 8
tr_far:
	.long 0 /* physical address of tr_long */
	.word TR_CODE64
	.balign 8
tr_cr3:
	.long 0 /* the temporary PML4 (below 4 GiB) */
	.balign 8
tr_stack:
	.quad 0
tr_cpu:
	.quad 0
tr_kernel_cr3:
	.quad 0
tr_entry:
	.quad 0
	.global smp_trampoline_end
smp_trampoline_end:

	/* Kernel text: the first kernel instructions of a started CPU. rdi = CPU index, rsi = the
	 * kernel's PML4; after the CR3 write the trampoline page is no longer mapped. */
	.text
	.global smp_ap_entry
smp_ap_entry:
	mov %rsi, %cr3
	xor %ebp, %ebp
	call smp_ap_main
1:	cli
	hlt
	jmp 1b
