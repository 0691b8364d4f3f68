/* Host tests for kernel/lib/virtq_check.c: the used index may advance by at most the chains in
 * flight (across the 16-bit wrap too), and a used entry must name a head in flight with a
 * length the chain lets the device write. */
#include "test.h"
#include <lib/virtq_check.h>

static void used_index_bounded(void)
{
	CHECK_EQ(virtq_used_new(10, 10, 0), 0);
	CHECK_EQ(virtq_used_new(10, 13, 3), 3);
	CHECK_EQ(virtq_used_new(10, 14, 3), -1); /* ran ahead */
	CHECK_EQ(virtq_used_new(65534, 1, 3), 3); /* across the wrap */
	CHECK_EQ(virtq_used_new(5, 4, 256), -1); /* went backwards: 65535 new */
}

static void used_entries_checked(void)
{
	bool in_flight[8] = { false, true, false, false, false, false, false, true };
	uint32_t writable[8] = { 0, 4097, 0, 0, 0, 0, 0, 1 };
	CHECK_EQ(virtq_used_check(1, 4097, 8, in_flight, writable), 0);
	CHECK_EQ(virtq_used_check(1, 4098, 8, in_flight, writable), -1); /* too long */
	CHECK_EQ(virtq_used_check(2, 0, 8, in_flight, writable), -1); /* not in flight */
	CHECK_EQ(virtq_used_check(8, 0, 8, in_flight, writable), -1); /* past the queue */
	CHECK_EQ(virtq_used_check(0xffffffffu, 0, 8, in_flight, writable), -1);
	CHECK_EQ(virtq_used_check(7, 0, 8, in_flight, writable), 0);
}

TEST_MAIN(TEST(used_index_bounded), TEST(used_entries_checked))
