/* Pure checks of what a virtio device writes into a split virtqueue's used ring (virtio 1.x,
 * 2.7.8): how many new entries its index claims, and each entry's id and length. A device is
 * not trusted (DESIGN.md convention 12): a bad value costs the device, never kernel memory.
 * No hardware, no globals: tests/host/test_virtq_check.c. */
#ifndef LIB_VIRTQ_CHECK_H
#define LIB_VIRTQ_CHECK_H

#include <stdbool.h>
#include <stdint.h>

/* The used ring's index moved from last_seen to used_idx (both free-running 16-bit counters):
 * the number of new entries, or -1 when that is more than the `in_flight` chains the driver
 * has given the device (an index that ran ahead). */
int virtq_used_new(uint16_t last_seen, uint16_t used_idx, uint16_t in_flight);

/* A used entry (id, len) for a queue of qsize descriptors: 0 when id is the head of a chain in
 * flight (head_in_flight[id]) and len at most the chain's device-writable bytes
 * (writable[id]); -1 otherwise. head_in_flight and writable have qsize elements. */
int virtq_used_check(uint32_t id, uint32_t len, uint16_t qsize, const bool *head_in_flight,
		     const uint32_t *writable);

#endif
