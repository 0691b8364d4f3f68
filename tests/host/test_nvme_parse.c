/* Host tests for kernel/lib/nvme_parse.c: a namespace in 512- and 4096-byte formats decodes;
 * an inactive namespace, a format index past the table, metadata, odd block sizes and a size
 * that overflows are refused; completion ids must name a command in flight. */
#include "test.h"
#include <lib/nvme_parse.h>
#include <string.h>
#include <uapi/errno.h>

static uint8_t id[NVME_IDENTIFY_BYTES];

static void build(uint64_t nsze, unsigned fmt, unsigned lbads)
{
	memset(id, 0, sizeof(id));
	for (int i = 0; i < 8; i++)
		id[i] = (uint8_t)(nsze >> (8 * i));
	id[25] = 1; /* two formats */
	id[26] = (uint8_t)fmt;
	id[128 + 2] = 9;
	id[132 + 2] = (uint8_t)lbads;
}

static void namespaces(void)
{
	struct nvme_ns_info ns;
	build(32768, 0, 12);
	CHECK_EQ(nvme_ns_parse(id, &ns), 0);
	CHECK(ns.sectors == 32768 && ns.sector_size == 512);
	build(4096, 1, 12);
	CHECK_EQ(nvme_ns_parse(id, &ns), 0);
	CHECK(ns.sector_size == 4096);
	build(0, 0, 12);
	CHECK_EQ(nvme_ns_parse(id, &ns), -EINVAL); /* inactive */
	build(100, 2, 12);
	CHECK_EQ(nvme_ns_parse(id, &ns), -EINVAL); /* format past NLBAF */
	build(100, 1, 10);
	CHECK_EQ(nvme_ns_parse(id, &ns), -EINVAL); /* 1 KiB blocks */
	build(100, 1, 12);
	id[132] = 8; /* 8 bytes of metadata per block */
	CHECK_EQ(nvme_ns_parse(id, &ns), -EINVAL);
	build(UINT64_MAX >> 8, 1, 12);
	CHECK_EQ(nvme_ns_parse(id, &ns), -EINVAL); /* bytes overflow */
}

static void completion_ids(void)
{
	bool in_flight[4] = { false, true, false, false };
	CHECK_EQ(nvme_cqe_check(1, 4, in_flight), 0);
	CHECK_EQ(nvme_cqe_check(0, 4, in_flight), -1);
	CHECK_EQ(nvme_cqe_check(4, 4, in_flight), -1);
	CHECK_EQ(nvme_cqe_check(0xffff, 4, in_flight), -1);
}

TEST_MAIN(TEST(namespaces), TEST(completion_ids))
