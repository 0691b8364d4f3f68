/* Linux x86_64 eventfd2(2) flags (<sys/eventfd.h>). Values are the ABI: never renumber. */
#ifndef UAPI_EVENTFD_H
#define UAPI_EVENTFD_H

#include <stdint.h>

#define EFD_SEMAPHORE 00000001
#define EFD_NONBLOCK 00004000 /* O_NONBLOCK */
#define EFD_CLOEXEC 02000000 /* O_CLOEXEC */

#define EVENTFD_MAX 0xfffffffffffffffeULL /* the counter's ceiling */
_Static_assert(sizeof(uint64_t) == 8, "eventfd reads and writes 8 bytes");

#endif
