/* Loop devices' ABI (Linux's <linux/loop.h>): the ioctls of /dev/loopN and /dev/loop-control
 * and the status structures they exchange. */
#ifndef UAPI_LOOP_H
#define UAPI_LOOP_H

#include <stdint.h>

#define LOOP_MAJOR 7
#define LOOP_CTRL_MAJOR 10 /* misc */
#define LOOP_CTRL_MINOR 237

#define LO_NAME_SIZE 64
#define LO_KEY_SIZE 32

#define LO_FLAGS_READ_ONLY 1
#define LO_FLAGS_AUTOCLEAR 4
#define LO_FLAGS_PARTSCAN 8
#define LO_FLAGS_DIRECT_IO 16

/* What LOOP_SET_STATUS* may set and clear, and LOOP_CONFIGURE set (Linux's masks). */
#define LOOP_SET_STATUS_SETTABLE_FLAGS (LO_FLAGS_AUTOCLEAR | LO_FLAGS_PARTSCAN)
#define LOOP_SET_STATUS_CLEARABLE_FLAGS LO_FLAGS_AUTOCLEAR
#define LOOP_CONFIGURE_SETTABLE_FLAGS \
	(LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR | LO_FLAGS_PARTSCAN | LO_FLAGS_DIRECT_IO)

/* The old status structure (x86-64 layout: __kernel_old_dev_t is unsigned long). */
struct loop_info {
	int32_t lo_number;
	uint64_t lo_device;
	uint64_t lo_inode;
	uint64_t lo_rdevice;
	int32_t lo_offset;
	int32_t lo_encrypt_type;
	int32_t lo_encrypt_key_size;
	int32_t lo_flags;
	char lo_name[LO_NAME_SIZE];
	uint8_t lo_encrypt_key[LO_KEY_SIZE];
	uint64_t lo_init[2];
	char reserved[4];
};
_Static_assert(sizeof(struct loop_info) == 168, "struct loop_info is 168 bytes");

struct loop_info64 {
	uint64_t lo_device;
	uint64_t lo_inode;
	uint64_t lo_rdevice;
	uint64_t lo_offset;
	uint64_t lo_sizelimit; /* bytes, 0 == max available */
	uint32_t lo_number;
	uint32_t lo_encrypt_type;
	uint32_t lo_encrypt_key_size;
	uint32_t lo_flags;
	uint8_t lo_file_name[LO_NAME_SIZE];
	uint8_t lo_crypt_name[LO_NAME_SIZE];
	uint8_t lo_encrypt_key[LO_KEY_SIZE];
	uint64_t lo_init[2];
};
_Static_assert(sizeof(struct loop_info64) == 232, "struct loop_info64 is 232 bytes");

struct loop_config {
	uint32_t fd;
	uint32_t block_size;
	struct loop_info64 info;
	uint64_t reserved[8];
};
_Static_assert(sizeof(struct loop_config) == 304, "struct loop_config is 304 bytes");

#define LOOP_SET_FD 0x4C00
#define LOOP_CLR_FD 0x4C01
#define LOOP_SET_STATUS 0x4C02
#define LOOP_GET_STATUS 0x4C03
#define LOOP_SET_STATUS64 0x4C04
#define LOOP_GET_STATUS64 0x4C05
#define LOOP_CHANGE_FD 0x4C06
#define LOOP_SET_CAPACITY 0x4C07
#define LOOP_SET_DIRECT_IO 0x4C08
#define LOOP_SET_BLOCK_SIZE 0x4C09
#define LOOP_CONFIGURE 0x4C0A

#define LOOP_CTL_ADD 0x4C80
#define LOOP_CTL_REMOVE 0x4C81
#define LOOP_CTL_GET_FREE 0x4C82

#endif
