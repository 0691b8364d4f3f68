/* The kernel CSPRNG: ChaCha20 with fast key erasure (lib/chacha20.c), seeded from RDSEED, else
 * RDRAND, else timer jitter, and reseeded as it is used and as time passes. */
#ifndef SECURITY_RANDOM_H
#define SECURITY_RANDOM_H

#include <stddef.h>

/* Seed the generator and the stack-protector canary; needs the monotonic clock. */
void random_init(void);
void get_random_bytes(void *buf, size_t len);
/* Data written to /dev/random: mixed into the generator with fresh entropy (not credited). */
void random_mix_bytes(const void *buf, size_t len);
const char *random_source(void); /* "RDSEED", "RDRAND" or "timer jitter" */

#endif
