/* Symbolized stack backtraces, walked along the frame-pointer chain. */
#ifndef CORE_BACKTRACE_H
#define CORE_BACKTRACE_H

#include <stdint.h>

/* Find the kernel's symbol table in the ELF file the loader kept; before this, addresses print
 * without names. */
void symbols_init(uint64_t kernel_file_phys, uint64_t kernel_file_size);
/* Print "  [<addr>] name+0xoff" lines for rip (unless 0) and then each frame from rbp upwards. */
void backtrace_print(uint64_t rip, uint64_t rbp);
/* The return addresses of up to max frames from rbp upwards, into out; how many. */
int backtrace_save(uint64_t rbp, uint64_t *out, int max);
/* Print addresses saved by backtrace_save, one symbolized line each. */
void backtrace_print_saved(const uint64_t *addrs, int n);

#endif
