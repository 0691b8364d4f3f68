/* Linux x86_64 signalfd ABI (<linux/signalfd.h>): flags and the 128-byte struct
 * signalfd_siginfo a read returns. Values are the ABI: never renumber. */
#ifndef UAPI_SIGNALFD_H
#define UAPI_SIGNALFD_H

#include <stddef.h>
#include <stdint.h>

#define SFD_NONBLOCK 00004000 /* O_NONBLOCK */
#define SFD_CLOEXEC 02000000 /* O_CLOEXEC */

struct linux_signalfd_siginfo {
	uint32_t ssi_signo;
	int32_t ssi_errno;
	int32_t ssi_code;
	uint32_t ssi_pid;
	uint32_t ssi_uid;
	int32_t ssi_fd;
	uint32_t ssi_tid;
	uint32_t ssi_band;
	uint32_t ssi_overrun;
	uint32_t ssi_trapno;
	int32_t ssi_status;
	int32_t ssi_int;
	uint64_t ssi_ptr;
	uint64_t ssi_utime;
	uint64_t ssi_stime;
	uint64_t ssi_addr;
	uint16_t ssi_addr_lsb;
	uint16_t pad2_;
	int32_t ssi_syscall;
	uint64_t ssi_call_addr;
	uint32_t ssi_arch;
	uint8_t pad_[28];
};
_Static_assert(sizeof(struct linux_signalfd_siginfo) == 128, "signalfd_siginfo layout");
_Static_assert(offsetof(struct linux_signalfd_siginfo, ssi_ptr) == 48, "ssi_ptr offset");
_Static_assert(offsetof(struct linux_signalfd_siginfo, ssi_addr_lsb) == 80, "ssi_addr_lsb");
_Static_assert(offsetof(struct linux_signalfd_siginfo, ssi_arch) == 96, "ssi_arch offset");

#endif
