/* SPDX-License-Identifier: MIT */
/* legacy_dump.c -- writes to stdout the Windows remote-mailslot datagram
 * this library encodes (src/net/legacy.c) for a write, so that a decoder
 * nobody here wrote (Wireshark's) can read it: tshark_test.py.
 *
 *   legacy_dump SOURCE DESTINATION SUFFIX MAILSLOT DATA
 *
 * SUFFIX is the destination's suffix byte in hex; the datagram is a direct
 * group datagram from 192.0.2.1 port 138. */
#include "net/legacy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s SOURCE DESTINATION SUFFIX MAILSLOT DATA\n", argv[0]);
        return 2;
    }
    ms_legacy_datagram d = {.type = MS_LEGACY_DIRECT_GROUP,
                            .flags = MS_LEGACY_FLAG_FIRST | MS_LEGACY_NODE_M,
                            .id = 0x4d53,
                            .source_ip = 0xC0000201u,
                            .source_port = MS_LEGACY_PORT,
                            .priority = 1,
                            .mailslot = argv[4],
                            .mailslot_len = strlen(argv[4]),
                            .data = (const unsigned char *)argv[5],
                            .data_len = strlen(argv[5])};
    unsigned char buf[MS_LEGACY_MAX_DATAGRAM];
    size_t len = 0;
    if (ms_legacy_name_make(argv[1], strlen(argv[1]), 0, &d.source) == 0 &&
        ms_legacy_name_make(argv[2], strlen(argv[2]), (uint8_t)strtoul(argv[3], NULL, 16),
                            &d.destination) == 0)
        len = ms_legacy_encode(&d, buf, sizeof buf);
    if (len == 0) {
        fprintf(stderr, "%s: cannot encode that write\n", argv[0]);
        return 1;
    }
    return fwrite(buf, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : 1;
}
