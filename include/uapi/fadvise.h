/* posix_fadvise(2)'s advice and sync_file_range(2)'s flags (Linux's <linux/fadvise.h>,
 * <linux/fs.h>). */
#ifndef UAPI_FADVISE_H
#define UAPI_FADVISE_H

#define POSIX_FADV_NORMAL 0
#define POSIX_FADV_RANDOM 1
#define POSIX_FADV_SEQUENTIAL 2
#define POSIX_FADV_WILLNEED 3
#define POSIX_FADV_DONTNEED 4
#define POSIX_FADV_NOREUSE 5

#define SYNC_FILE_RANGE_WAIT_BEFORE 1
#define SYNC_FILE_RANGE_WRITE 2
#define SYNC_FILE_RANGE_WAIT_AFTER 4

#endif
