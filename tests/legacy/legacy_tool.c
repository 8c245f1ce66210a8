/* SPDX-License-Identifier: MIT */
/* legacy_tool.c -- the Windows remote-mailslot datagrams of src/net/legacy.c
 * from the command line, for the tests that put them before programs
 * nobody here wrote (Wireshark's tshark, Samba's nmbd).
 *
 *   legacy_tool encode SOURCE DESTINATION SUFFIX MAILSLOT DATA
 *     writes the datagram of a write to stdout: SUFFIX is the destination's
 *     suffix byte in hex, DATA "-" reads the data from stdin; a direct
 *     group datagram from 192.0.2.1 port 138.
 *   legacy_tool decode
 *     reads one datagram from stdin and prints its fields, one "key value"
 *     a line (type, flags, source_ip, source_port, source, destination,
 *     mailslot, data in hex), or why it is
 *     refused (exit status 1).
 *   legacy_tool query NAME
 *     writes the broadcast name query for NAME<00> (id 0x4d53) to stdout.
 *   legacy_tool answer NAME
 *     reads a name service packet from stdin and prints the address it gives
 *     for NAME<00>, or exits with status 1 when it is not such an answer. */
#include "net/legacy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int encode(char **argv)
{
    ms_legacy_datagram d = {.type = MS_LEGACY_DIRECT_GROUP,
                            .flags = MS_LEGACY_FLAG_FIRST | MS_LEGACY_NODE_M,
                            .id = 0x4d53,
                            .source_ip = 0xC0000201u,
                            .source_port = MS_LEGACY_PORT,
                            .priority = 1,
                            .mailslot = argv[3],
                            .mailslot_len = strlen(argv[3]),
                            .data = (const unsigned char *)argv[4],
                            .data_len = strlen(argv[4])};
    unsigned char in[MS_LEGACY_MAX_DATA + 1];
    if (strcmp(argv[4], "-") == 0) {
        d.data = in;
        d.data_len = fread(in, 1, sizeof in, stdin);
    }
    unsigned char buf[MS_LEGACY_MAX_DATAGRAM];
    size_t len = 0;
    if (ms_legacy_name_make(argv[0], strlen(argv[0]), 0, &d.source) == 0 &&
        ms_legacy_name_make(argv[1], strlen(argv[1]), (uint8_t)strtoul(argv[2], NULL, 16),
                            &d.destination) == 0)
        len = ms_legacy_encode(&d, buf, sizeof buf);
    if (len == 0) {
        fprintf(stderr, "legacy_tool: cannot encode that write\n");
        return 1;
    }
    return fwrite(buf, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : 1;
}

/* A name as Wireshark shows it: without its padding, then <suffix>. */
static void print_name(const char *key, const ms_legacy_name *n)
{
    int len = MS_LEGACY_NAME_CHARS;
    while (len > 0 && n->chars[len - 1] == ' ')
        len--;
    printf("%s %.*s<%02x>\n", key, len, n->chars, n->suffix);
}

static int decode(void)
{
    unsigned char buf[65536];
    size_t len = fread(buf, 1, sizeof buf, stdin);
    ms_legacy_datagram d;
    ms_legacy_result r = ms_legacy_decode(buf, len, &d);
    if (r != MS_LEGACY_OK) {
        printf("refused %s\n", ms_legacy_result_text(r));
        return 1;
    }
    printf("type 0x%02x\nflags 0x%02x\n", d.type, d.flags);
    printf("source_ip %u.%u.%u.%u\nsource_port %u\n", d.source_ip >> 24, d.source_ip >> 16 & 255,
           d.source_ip >> 8 & 255, d.source_ip & 255, d.source_port);
    print_name("source", &d.source);
    print_name("destination", &d.destination);
    printf("mailslot %.*s\ndata ", (int)d.mailslot_len, d.mailslot);
    for (size_t i = 0; i < d.data_len; i++)
        printf("%02x", d.data[i]);
    printf("\n");
    return fflush(stdout) == 0 ? 0 : 1;
}

#define QUERY_ID 0x4d53

static int query(const char *text)
{
    ms_legacy_name n;
    unsigned char q[MS_LEGACY_QUERY_LEN];
    if (ms_legacy_name_make(text, strlen(text), 0, &n) != 0)
        return 1;
    ms_legacy_query_encode(QUERY_ID, &n, q);
    return fwrite(q, 1, sizeof q, stdout) == sizeof q && fflush(stdout) == 0 ? 0 : 1;
}

static int answer(const char *text)
{
    ms_legacy_name n;
    unsigned char buf[2048];
    size_t len = fread(buf, 1, sizeof buf, stdin);
    uint32_t ip;
    if (ms_legacy_name_make(text, strlen(text), 0, &n) != 0 ||
        !ms_legacy_query_answer(buf, len, QUERY_ID, &n, &ip))
        return 1;
    printf("%u.%u.%u.%u\n", ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255);
    return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 7 && strcmp(argv[1], "encode") == 0)
        return encode(argv + 2);
    if (argc == 2 && strcmp(argv[1], "decode") == 0)
        return decode();
    if (argc == 3 && strcmp(argv[1], "query") == 0)
        return query(argv[2]);
    if (argc == 3 && strcmp(argv[1], "answer") == 0)
        return answer(argv[2]);
    fprintf(stderr, "usage: legacy_tool encode SOURCE DESTINATION SUFFIX MAILSLOT DATA\n"
                    "       legacy_tool decode < DATAGRAM\n"
                    "       legacy_tool query NAME\n"
                    "       legacy_tool answer NAME < PACKET\n");
    return 2;
}
