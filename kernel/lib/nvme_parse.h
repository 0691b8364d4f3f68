/* Pure checks of what an NVMe controller reports (NVMe 1.4): the namespace's size and LBA
 * format from Identify Namespace, and each completion-queue entry's command id. A controller is
 * not trusted (DESIGN.md convention 12). tests/host/test_nvme_parse.c. */
#ifndef LIB_NVME_PARSE_H
#define LIB_NVME_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#define NVME_IDENTIFY_BYTES 4096

struct nvme_ns_info {
	uint64_t sectors; /* NSZE, in logical blocks */
	uint32_t sector_size; /* 512 or 4096 */
};

/* Identify Namespace data (NVME_IDENTIFY_BYTES at id): 0 and *out, or -EINVAL (an inactive
 * namespace, a format index past the table, metadata interleaved with data, a block size other
 * than 512 or 4096, a size that overflows bytes). */
int nvme_ns_parse(const uint8_t *id, struct nvme_ns_info *out);

/* A completion entry's command id `cid` for a queue of `depth` slots: 0 when it names a slot
 * with a command in flight (in_flight[cid]), -1 otherwise. */
int nvme_cqe_check(uint16_t cid, uint16_t depth, const bool *in_flight);

#endif
