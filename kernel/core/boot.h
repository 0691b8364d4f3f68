/* The kernel's copy of what the loader handed over, valid for the kernel's lifetime. */
#ifndef CORE_BOOT_H
#define CORE_BOOT_H

#include <boot/boot_info.h>

extern struct boot_info boot_info;

#endif
