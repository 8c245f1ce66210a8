/* SPDX-License-Identifier: MIT */
/* fuzz_wire.c -- libFuzzer target: the network packet decoder must never
 * read out of bounds, and what it accepts must encode back byte for byte. */
#include "net/wire.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    ms_packet p;
    if (ms_wire_decode(data, size, &p) != MS_WIRE_OK)
        return 0;
    unsigned char again[MS_WIRE_MAX_PACKET];
    size_t n = ms_wire_encode(&p, again, sizeof again);
    if (n != size || memcmp(again, data, size) != 0)
        abort();
    return 0;
}
