/* getrandom(2) flags and the ioctls of /dev/random and /dev/urandom (random(4)). */
#ifndef UAPI_RANDOM_H
#define UAPI_RANDOM_H

#define GRND_NONBLOCK 0x0001
#define GRND_RANDOM 0x0002
#define GRND_INSECURE 0x0004

#define RNDGETENTCNT 0x80045200 /* _IOR('R', 0, int): bits of entropy in the pool */
#define RNDADDTOENTCNT 0x40045201 /* _IOW('R', 1, int): credit bits */
#define RNDADDENTROPY 0x40085203 /* _IOW('R', 3, int[2]): struct rand_pool_info */
#define RNDZAPENTCNT 0x5204 /* _IO('R', 4): a no-op since Linux 5.18 */
#define RNDCLEARPOOL 0x5206 /* _IO('R', 6): a no-op since Linux 5.18 */
#define RNDRESEEDCRNG 0x5207 /* _IO('R', 7): reseed the generator now */

/* RNDADDENTROPY's argument: buf_size bytes of data follow the header. */
struct rand_pool_info {
	int entropy_count;
	int buf_size;
};
_Static_assert(sizeof(struct rand_pool_info) == 8, "rand_pool_info header");

/* The pool size Linux has reported since 5.18, once the generator is seeded (ours is seeded
 * before user space starts). */
#define RANDOM_POOL_BITS 256

#endif
