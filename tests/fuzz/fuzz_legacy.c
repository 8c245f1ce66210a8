/* SPDX-License-Identifier: MIT */
/* fuzz_legacy.c -- libFuzzer target: the decoder of Windows remote-mailslot
 * datagrams and name query answers (src/net/legacy.c) must never read out
 * of bounds, what it
 * accepts must lie within the input, and a write it accepts must encode
 * back to a datagram that decodes to the same write. */
#include "net/legacy.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int same(const ms_legacy_datagram *a, const ms_legacy_datagram *b)
{
    return a->type == b->type && a->flags == b->flags && a->id == b->id &&
           a->source_ip == b->source_ip && a->source_port == b->source_port &&
           ms_legacy_name_equal(&a->source, &b->source) &&
           ms_legacy_name_equal(&a->destination, &b->destination) && a->priority == b->priority &&
           a->mailslot_len == b->mailslot_len &&
           memcmp(a->mailslot, b->mailslot, a->mailslot_len) == 0 && a->data_len == b->data_len &&
           (!a->data_len || memcmp(a->data, b->data, a->data_len) == 0);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    /* The same bytes as an answer to a name query. */
    ms_legacy_name name;
    uint32_t ip;
    if (ms_legacy_name_make("WORKGROUP", 9, 0, &name) == 0)
        ms_legacy_query_answer(data, size, 0x1234, &name, &ip);
    ms_legacy_datagram d, again;
    if (ms_legacy_decode(data, size, &d) != MS_LEGACY_OK)
        return 0;
    const unsigned char *end = data + size;
    if ((const unsigned char *)d.mailslot < data ||
        (const unsigned char *)d.mailslot + d.mailslot_len > end || d.data < data ||
        d.data + d.data_len > end)
        abort();
    char path[256];
    ms_legacy_path(d.mailslot, d.mailslot_len, path, sizeof path);
    unsigned char buf[MS_LEGACY_MAX_DATAGRAM];
    size_t n = ms_legacy_encode(&d, buf, sizeof buf);
    if (n == 0)
        return 0; /* over the limits a writer of ours keeps to */
    if (ms_legacy_decode(buf, n, &again) != MS_LEGACY_OK || !same(&d, &again))
        abort();
    return 0;
}
