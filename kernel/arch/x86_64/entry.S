/* The kernel's first instructions: switch from the loader's stack (firmware memory that the
 * allocator will reclaim) to the boot stack in .bss, then enter C. rdi holds the physical
 * address of struct boot_info and is passed through untouched. */
#define BOOT_STACK_SIZE 16384

	.section .text.entry, "ax"
	.global _start
_start:
	cli
	cld
	lea boot_stack_top(%rip), %rsp
	xor %ebp, %ebp
	call kernel_main
1:	cli
	hlt
	jmp 1b

	/* The page below the stack is unmapped once the kernel's page tables are up
	 * (gdt_guard_boot_stacks): an overflow faults instead of running into other data. */
	.section .bss
	.balign 4096
	.global boot_stack_guard
boot_stack_guard:
	.skip 4096
	.global boot_stack_bottom
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
	.global boot_stack_top
boot_stack_top:
