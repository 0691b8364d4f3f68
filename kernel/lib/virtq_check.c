/* Checks of a virtio device's used-ring entries before the driver acts on them
 * (virtq_check.h). */
#include <lib/virtq_check.h>

int virtq_used_new(uint16_t last_seen, uint16_t used_idx, uint16_t in_flight)
{
	uint16_t n = (uint16_t)(used_idx - last_seen);
	return n > in_flight ? -1 : n;
}

int virtq_used_check(uint32_t id, uint32_t len, uint16_t qsize, const bool *head_in_flight,
		     const uint32_t *writable)
{
	if (id >= qsize || !head_in_flight[id])
		return -1;
	return len > writable[id] ? -1 : 0;
}
