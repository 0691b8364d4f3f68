/* Linux x86_64 memfd and file-sealing ABI (memfd_create(2), fcntl(2) F_ADD_SEALS/F_GET_SEALS,
 * <linux/memfd.h>, <linux/fcntl.h>). */
#ifndef UAPI_MEMFD_H
#define UAPI_MEMFD_H

#define MFD_CLOEXEC 0x0001u
#define MFD_ALLOW_SEALING 0x0002u
#define MFD_HUGETLB 0x0004u
#define MFD_NOEXEC_SEAL 0x0008u
#define MFD_EXEC 0x0010u
#define MFD_NAME_MAX 249 /* NAME_MAX less the "memfd:" prefix */

#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 0x0001 /* no more seals */
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008 /* EBUSY while a writable shared mapping exists */
#define F_SEAL_FUTURE_WRITE 0x0010 /* no new writes; existing mappings keep writing */
#define F_SEAL_EXEC 0x0020 /* the exec bits stay */
#define F_SEAL_ALL (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | \
		    F_SEAL_FUTURE_WRITE | F_SEAL_EXEC)

#endif
