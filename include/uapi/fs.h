/* The block-device ioctls of Linux's <linux/fs.h> (type 0x12), as numbers: _IO(0x12, n), and
 * _IOR(0x12, n, size_t) for the two that encode a size_t argument. */
#ifndef UAPI_FS_H
#define UAPI_FS_H

#define BLKROSET 0x125d /* int __user *: set read-only (CAP_SYS_ADMIN) */
#define BLKROGET 0x125e /* int __user *: read-only? */
#define BLKRRPART 0x125f /* re-read the partition table */
#define BLKGETSIZE 0x1260 /* unsigned long __user *: size in 512-byte sectors */
#define BLKFLSBUF 0x1261 /* flush buffers */
#define BLKRASET 0x1262 /* unsigned long: read-ahead in 512-byte sectors (CAP_SYS_ADMIN) */
#define BLKRAGET 0x1263 /* unsigned long __user *: read-ahead in 512-byte sectors */
#define BLKFRASET 0x1264 /* the same as BLKRASET (the file read-ahead) */
#define BLKFRAGET 0x1265 /* the same as BLKRAGET */
#define BLKSECTGET 0x1267 /* unsigned short __user *: most 512-byte sectors in one request */
#define BLKSSZGET 0x1268 /* int __user *: logical sector size */
#define BLKBSZGET 0x80081270 /* int __user *: the soft block size */
#define BLKGETSIZE64 0x80081272 /* uint64_t __user *: size in bytes */
#define BLKDISCARD 0x1277
#define BLKIOMIN 0x1278 /* unsigned int __user *: the smallest efficient I/O */
#define BLKIOOPT 0x1279 /* unsigned int __user *: the optimal I/O size (0: none said) */
#define BLKALIGNOFF 0x127a /* int __user *: offset of the first physically aligned sector */
#define BLKPBSZGET 0x127b /* unsigned int __user *: physical sector size */
#define BLKSECDISCARD 0x127d
#define BLKZEROOUT 0x127f

#endif
