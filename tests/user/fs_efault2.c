/* The second half of fs_efault's EFAULT cases, as a program of its own (at most 63 cases
 * per program). */
#define EFAULT_SECOND_HALF 1
#include "fs_efault.c"
