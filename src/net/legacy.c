/* SPDX-License-Identifier: MIT */
/* legacy.c -- encoding and decoding the remote-mailslot datagrams of Windows
 * hosts (legacy.h). Written from RFC 1001/1002 and [MS-MAIL]/[MS-SMB]. */
#include "net/legacy.h"

#include "bytes.h"

#include <string.h>

#define NB_HEADER MS_LEGACY_HEADER
#define NB_NAME 34    /* 0x20, 32 letters, 0 */
#define SMB_HEADER 32 /* FF 'S' 'M' 'B', command, status .. MID */
#define SMB_COMMAND 4 /* offset of the command in the SMB header */
#define SMB_TRANSACTION 0x25
#define TRANS_WORDS 17
#define SETUP_COUNT 3
#define OPCODE_WRITE 1
#define CLASS_SECOND 2 /* unreliable, unacknowledged: what mailslot writes use */
/* From the SMB header: WordCount, the words, ByteCount. */
#define SMB_BYTES (SMB_HEADER + 1 + 2 * TRANS_WORDS + 2)
#define PREFIX MS_LEGACY_MAILSLOT_PREFIX
#define PREFIX_LEN (sizeof PREFIX - 1)

/* The words of a TRANSACTION request, by index (each 2 bytes). */
enum {
    W_TOTAL_DATA = 1,
    W_DATA_COUNT = 11,
    W_DATA_OFFSET = 12,
    W_SETUP_COUNT = 13, /* low byte; the high byte is reserved */
    W_OPCODE = 14,
    W_PRIORITY = 15,
    W_CLASS = 16
};

/* SMB is little-endian. */
static void put16le(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static uint32_t get16le(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

const char *ms_legacy_result_text(ms_legacy_result r)
{
    switch (r) {
    case MS_LEGACY_OK:
        return "ok";
    case MS_LEGACY_SHORT:
        return "truncated";
    case MS_LEGACY_NOT_DATAGRAM:
        return "not a NetBIOS datagram";
    case MS_LEGACY_FRAGMENT:
        return "a fragment";
    case MS_LEGACY_BAD_NAME:
        return "a malformed NetBIOS name";
    case MS_LEGACY_SCOPED:
        return "a NetBIOS name with a scope";
    case MS_LEGACY_NOT_TRANSACTION:
        return "not an SMB transaction";
    case MS_LEGACY_BAD_WORDS:
        return "a transaction of the wrong shape";
    case MS_LEGACY_NOT_MAILSLOT:
        return "not a mailslot write";
    case MS_LEGACY_BAD_DATA:
        return "data counts that disagree with the datagram";
    }
    return "unknown";
}

/* Characters a NetBIOS name may not hold (RFC 1001 leaves names open; these
 * are the ones Windows refuses in computer and workgroup names). */
static int name_char_ok(unsigned char c)
{
    return c >= 0x20 && c < 0x7F && !strchr("\\/:*?\"<>|.", c);
}

int ms_legacy_name_make(const char *text, size_t len, uint8_t suffix, ms_legacy_name *out)
{
    if (len == 0 || len > MS_LEGACY_NAME_CHARS)
        return -1;
    memset(out->chars, ' ', MS_LEGACY_NAME_CHARS);
    out->chars[MS_LEGACY_NAME_CHARS] = '\0';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (!name_char_ok(c))
            return -1;
        out->chars[i] = (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
    out->suffix = suffix;
    return 0;
}

int ms_legacy_host_name(const char *configured, const char *host_name, uint8_t suffix,
                        ms_legacy_name *out)
{
    if (configured[0])
        return ms_legacy_name_make(configured, strlen(configured), suffix, out);
    size_t len = strcspn(host_name, ".");
    if (len > MS_LEGACY_NAME_CHARS)
        len = MS_LEGACY_NAME_CHARS;
    return ms_legacy_name_make(host_name, len, suffix, out);
}

int ms_legacy_name_equal(const ms_legacy_name *a, const ms_legacy_name *b)
{
    return a->suffix == b->suffix && memcmp(a->chars, b->chars, MS_LEGACY_NAME_CHARS) == 0;
}

/* First-level encoding (RFC 1001 section 14.1): each of the 16 bytes as two
 * letters 'A' + nibble, after the length 32 and before the empty scope. */
static void encode_name(const ms_legacy_name *n, unsigned char *p)
{
    p[0] = 0x20;
    for (int i = 0; i < 16; i++) {
        unsigned char b = i < MS_LEGACY_NAME_CHARS ? (unsigned char)n->chars[i] : n->suffix;
        p[1 + 2 * i] = (unsigned char)('A' + (b >> 4));
        p[2 + 2 * i] = (unsigned char)('A' + (b & 0x0F));
    }
    p[NB_NAME - 1] = 0;
}

static ms_legacy_result decode_name(const unsigned char *p, size_t left, ms_legacy_name *n)
{
    if (left < NB_NAME)
        return MS_LEGACY_SHORT;
    if (p[0] != 0x20)
        return MS_LEGACY_BAD_NAME;
    for (int i = 0; i < 16; i++) {
        unsigned hi = p[1 + 2 * i] - (unsigned)'A', lo = p[2 + 2 * i] - (unsigned)'A';
        if (hi > 15 || lo > 15)
            return MS_LEGACY_BAD_NAME;
        unsigned char b = (unsigned char)(hi << 4 | lo);
        if (i < MS_LEGACY_NAME_CHARS)
            n->chars[i] = (char)b;
        else
            n->suffix = b;
    }
    n->chars[MS_LEGACY_NAME_CHARS] = '\0';
    /* A scope follows as more labels; no host of ours has one. */
    return p[NB_NAME - 1] == 0 ? MS_LEGACY_OK : MS_LEGACY_SCOPED;
}

static int has_prefix(const char *s, size_t len)
{
    if (len < PREFIX_LEN)
        return 0;
    for (size_t i = 0; i < PREFIX_LEN; i++) {
        char c = s[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c != PREFIX[i])
            return 0;
    }
    return 1;
}

size_t ms_legacy_max_data(size_t path_len)
{
    size_t fixed = SMB_BYTES + PREFIX_LEN + path_len + 1;
    if (fixed >= MS_LEGACY_MAX_USER_DATA)
        return 0;
    size_t left = MS_LEGACY_MAX_USER_DATA - fixed;
    return left < MS_LEGACY_MAX_DATA ? left : MS_LEGACY_MAX_DATA;
}

size_t ms_legacy_encode(const ms_legacy_datagram *d, unsigned char *out, size_t cap)
{
    if (d->data_len > MS_LEGACY_MAX_DATA || !has_prefix(d->mailslot, d->mailslot_len) ||
        memchr(d->mailslot, 0, d->mailslot_len))
        return 0;
    size_t smb_len = SMB_BYTES + d->mailslot_len + 1 + d->data_len;
    size_t total = NB_HEADER + 2 * NB_NAME + smb_len;
    if (total > cap || smb_len > MS_LEGACY_MAX_USER_DATA)
        return 0;
    memset(out, 0, total);
    out[0] = d->type;
    out[1] = d->flags;
    ms_put16(out + 2, d->id);
    ms_put32(out + 4, d->source_ip);
    ms_put16(out + 8, d->source_port);
    ms_put16(out + 10, (uint32_t)(total - NB_HEADER));
    /* out[12..13]: packet offset 0 */
    encode_name(&d->source, out + NB_HEADER);
    encode_name(&d->destination, out + NB_HEADER + NB_NAME);

    unsigned char *smb = out + NB_HEADER + 2 * NB_NAME;
    memcpy(smb, "\xFFSMB", 4);
    smb[SMB_COMMAND] = SMB_TRANSACTION;
    smb[SMB_HEADER] = TRANS_WORDS;
    unsigned char *w = smb + SMB_HEADER + 1;
    size_t data_offset = SMB_BYTES + d->mailslot_len + 1;
    put16le(w + 2 * W_TOTAL_DATA, (uint32_t)d->data_len);
    put16le(w + 2 * W_DATA_COUNT, (uint32_t)d->data_len);
    put16le(w + 2 * W_DATA_OFFSET, (uint32_t)data_offset);
    put16le(w + 2 * W_SETUP_COUNT, SETUP_COUNT);
    put16le(w + 2 * W_OPCODE, OPCODE_WRITE);
    put16le(w + 2 * W_PRIORITY, d->priority);
    put16le(w + 2 * W_CLASS, CLASS_SECOND);
    put16le(smb + SMB_BYTES - 2, (uint32_t)(d->mailslot_len + 1 + d->data_len));
    memcpy(smb + SMB_BYTES, d->mailslot, d->mailslot_len);
    /* its 0 is there from the memset */
    if (d->data_len)
        memcpy(smb + data_offset, d->data, d->data_len);
    return total;
}

static ms_legacy_result decode_header(const unsigned char *buf, size_t len, ms_legacy_datagram *d)
{
    if (len < NB_HEADER)
        return MS_LEGACY_SHORT;
    d->type = buf[0];
    if (d->type != MS_LEGACY_DIRECT_UNIQUE && d->type != MS_LEGACY_DIRECT_GROUP &&
        d->type != MS_LEGACY_BROADCAST)
        return MS_LEGACY_NOT_DATAGRAM;
    d->flags = buf[1];
    d->id = (uint16_t)ms_get16(buf + 2);
    d->source_ip = ms_get32(buf + 4);
    d->source_port = (uint16_t)ms_get16(buf + 8);
    if (!(d->flags & MS_LEGACY_FLAG_FIRST) || (d->flags & MS_LEGACY_FLAG_MORE) ||
        ms_get16(buf + 12) != 0)
        return MS_LEGACY_FRAGMENT;
    /* The datagram length counts what follows the header; a sender may pad
     * the UDP payload, never cut it short. */
    if (ms_get16(buf + 10) > len - NB_HEADER)
        return MS_LEGACY_SHORT;
    ms_legacy_result r = decode_name(buf + NB_HEADER, len - NB_HEADER, &d->source);
    if (r == MS_LEGACY_OK)
        r = decode_name(buf + NB_HEADER + NB_NAME, len - NB_HEADER - NB_NAME, &d->destination);
    return r;
}

static ms_legacy_result decode_smb(const unsigned char *smb, size_t len, ms_legacy_datagram *d)
{
    if (len < SMB_HEADER + 1)
        return MS_LEGACY_SHORT;
    if (memcmp(smb, "\xFFSMB", 4) != 0 || smb[SMB_COMMAND] != SMB_TRANSACTION)
        return MS_LEGACY_NOT_TRANSACTION;
    if (smb[SMB_HEADER] != TRANS_WORDS)
        return MS_LEGACY_BAD_WORDS;
    if (len < SMB_BYTES)
        return MS_LEGACY_SHORT;
    const unsigned char *w = smb + SMB_HEADER + 1;
    if ((get16le(w + 2 * W_SETUP_COUNT) & 0xFF) != SETUP_COUNT)
        return MS_LEGACY_BAD_WORDS;
    if (get16le(w + 2 * W_OPCODE) != OPCODE_WRITE)
        return MS_LEGACY_NOT_MAILSLOT;
    d->priority = (uint16_t)get16le(w + 2 * W_PRIORITY);
    size_t bytes = get16le(smb + SMB_BYTES - 2);
    if (bytes > len - SMB_BYTES)
        return MS_LEGACY_SHORT;
    const char *name = (const char *)smb + SMB_BYTES;
    const char *end = memchr(name, 0, bytes);
    if (!end)
        return MS_LEGACY_BAD_DATA;
    d->mailslot = name;
    d->mailslot_len = (size_t)(end - name);
    if (!has_prefix(d->mailslot, d->mailslot_len))
        return MS_LEGACY_NOT_MAILSLOT;
    /* The data is where the offset says, wholly within the byte count. */
    size_t count = get16le(w + 2 * W_DATA_COUNT), offset = get16le(w + 2 * W_DATA_OFFSET);
    size_t names_end = SMB_BYTES + d->mailslot_len + 1;
    if (count != get16le(w + 2 * W_TOTAL_DATA) || offset < names_end ||
        offset + count > SMB_BYTES + bytes)
        return MS_LEGACY_BAD_DATA;
    d->data = smb + offset;
    d->data_len = count;
    return MS_LEGACY_OK;
}

ms_legacy_result ms_legacy_decode(const unsigned char *buf, size_t len, ms_legacy_datagram *d)
{
    memset(d, 0, sizeof *d);
    ms_legacy_result r = decode_header(buf, len, d);
    if (r != MS_LEGACY_OK)
        return r;
    /* Only what the datagram length covers belongs to the datagram. */
    size_t end = NB_HEADER + ms_get16(buf + 10);
    size_t smb_at = NB_HEADER + 2 * NB_NAME;
    if (end < smb_at)
        return MS_LEGACY_SHORT;
    return decode_smb(buf + smb_at, end - smb_at, d);
}

size_t ms_legacy_path(const char *mailslot, size_t len, char *path, size_t cap)
{
    if (!has_prefix(mailslot, len) || len == PREFIX_LEN || len - PREFIX_LEN >= cap)
        return 0;
    size_t n = len - PREFIX_LEN;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)mailslot[PREFIX_LEN + i];
        if (c < 0x20 || c >= 0x7F)
            return 0;
        path[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    path[n] = '\0';
    return n;
}

/* ---- name queries ---------------------------------------------------------- */

#define NS_HEADER 12
#define NS_RESPONSE 0x8000u
#define NS_OPCODE 0x7800u /* 0: query */
#define NS_RD 0x0100u     /* recursion desired */
#define NS_B 0x0010u      /* broadcast */
#define NS_RCODE 0x000Fu
#define NS_TYPE_NB 0x0020u
#define NS_CLASS_IN 0x0001u
#define NS_POINTER 0xC0u /* a compressed name: two bytes pointing back */

void ms_legacy_query_encode(uint16_t id, const ms_legacy_name *name, unsigned char *out)
{
    memset(out, 0, MS_LEGACY_QUERY_LEN);
    ms_put16(out, id);
    ms_put16(out + 2, NS_RD | NS_B);
    ms_put16(out + 4, 1); /* one question */
    encode_name(name, out + NS_HEADER);
    ms_put16(out + NS_HEADER + NB_NAME, NS_TYPE_NB);
    ms_put16(out + NS_HEADER + NB_NAME + 2, NS_CLASS_IN);
}

/* Skips the question section of a packet whose header says it has count
 * questions (an answer usually has none): the offset after them, or 0 when
 * they run past len. */
static size_t skip_questions(size_t len, uint32_t count)
{
    size_t at = NS_HEADER;
    for (uint32_t i = 0; i < count; i++) {
        if (at + NB_NAME + 4 > len)
            return 0;
        at += NB_NAME + 4;
    }
    return at;
}

int ms_legacy_query_answer(const unsigned char *buf, size_t len, uint16_t id,
                           const ms_legacy_name *name, uint32_t *ipv4)
{
    if (len < NS_HEADER || ms_get16(buf) != id)
        return 0;
    uint32_t flags = ms_get16(buf + 2);
    if (!(flags & NS_RESPONSE) || (flags & NS_OPCODE) || (flags & NS_RCODE) ||
        ms_get16(buf + 6) == 0)
        return 0;
    size_t at = skip_questions(len, ms_get16(buf + 4));
    if (at == 0 || at >= len)
        return 0;
    /* The answer's name: written out, or a pointer to the question's. */
    ms_legacy_name got;
    if (buf[at] >= NS_POINTER) {
        if (at + 2 > len)
            return 0;
        size_t to = (size_t)(ms_get16(buf + at) & 0x3FFFu);
        if (to + NB_NAME > at || decode_name(buf + to, at - to, &got))
            return 0;
        at += 2;
    } else {
        if (decode_name(buf + at, len - at, &got) != MS_LEGACY_OK)
            return 0;
        at += NB_NAME;
    }
    /* Type, class, TTL, the data's length, then flags and an address per owner. */
    if (!ms_legacy_name_equal(&got, name) || at + 10 + 6 > len ||
        ms_get16(buf + at) != NS_TYPE_NB || ms_get16(buf + at + 2) != NS_CLASS_IN)
        return 0;
    size_t rdlen = ms_get16(buf + at + 8);
    if (rdlen < 6 || at + 10 + rdlen > len)
        return 0;
    *ipv4 = ms_get32(buf + at + 10 + 2);
    return 1;
}
