/* SPDX-License-Identifier: MIT */
/* fuzz_ring.c -- libFuzzer target: the reader's check of a ring image
 * (ms_ring_next, src/linux/ring.h), which a writer controls entirely. Input:
 * u64 head, u64 tail, then the data area of a 256-byte ring (zero-padded).
 * Taking records as the reader does, every record must lie within the
 * double-mapped area and within tail, and never exceed its limit. */
#include "linux/local.h"
#include "linux/ring.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

enum { RING = 256 };

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    uint64_t head, tail;
    if (size < 2 * sizeof head)
        return 0;
    memcpy(&head, data, sizeof head);
    memcpy(&tail, data + sizeof head, sizeof tail);
    data += 2 * sizeof head;
    size -= 2 * sizeof head;
    /* The area mapped twice, as both sides map it. */
    unsigned char area[2 * RING] = {0};
    memcpy(area, data, size < RING ? size : RING);
    memcpy(area + RING, area, RING);
    const ms_ring_limits lim = {.max_data = 64, .max_packet = 100};
    for (int i = 0; i < RING; i++) {
        int type;
        const unsigned char *bytes;
        uint32_t len;
        int what = ms_ring_next(area, RING, head, tail, &lim, &type, &bytes, &len);
        if (what != MS_RING_RECORD)
            break;
        uint32_t limit = type == MS_REC_DATA ? lim.max_data : lim.max_packet;
        if ((type != MS_REC_DATA && type != MS_REC_PACKET) || len > limit ||
            bytes < area + MS_RING_REC_HEADER || bytes + len > area + sizeof area ||
            ms_ring_record_size(len) > tail - head)
            abort();
        unsigned char copy[100];
        memcpy(copy, bytes, len); /* what the reader copies out */
        head += ms_ring_record_size(len);
    }
    return 0;
}
