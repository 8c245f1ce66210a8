/* SPDX-License-Identifier: MIT */
/* wire.c -- version 1 packets of abi/PROTOCOL.md. The names inside a packet
 * are checked with the same parser as every other name (name.c). */
#include "net/wire.h"
#include "bytes.h"
#include "name.h"

#include "mailslot.h"

#include <string.h>

static const unsigned char magic[4] = {0x4D, 0x53, 0x4C, 0x54}; /* "MSLT" */

/* The path must be a canonical PATH: it parses, and parsing changes nothing. */
static int path_ok(const char *path, size_t len)
{
    char text[MS_WIRE_MAX_PATH + 1];
    if (len == 0 || len > MS_WIRE_MAX_PATH || memchr(path, '\0', len))
        return 0;
    memcpy(text, path, len);
    text[len] = '\0';
    ms_name n;
    return ms_name_parse(text, &n) == MAILSLOT_OK && strcmp(n.path, text) == 0;
}

/* The target of a domain or host must be a canonical host name. */
static int target_ok(uint8_t kind, const char *target, size_t len)
{
    if (kind == MS_WIRE_TO_ALL)
        return len == 0;
    if (kind != MS_WIRE_TO_DOMAIN && kind != MS_WIRE_TO_HOST)
        return 0;
    if (len == 0 || len > MS_WIRE_MAX_TARGET || memchr(target, '\0', len))
        return 0;
    char text[2 + MS_WIRE_MAX_TARGET + sizeof "\\mailslot\\x"];
    memcpy(text, "\\\\", 2);
    memcpy(text + 2, target, len);
    memcpy(text + 2 + len, "\\mailslot\\x", sizeof "\\mailslot\\x");
    ms_name n;
    return ms_name_parse(text, &n) == MAILSLOT_OK && n.kind == MS_HOST_NAMED &&
           strlen(n.host) == len && memcmp(n.host, target, len) == 0;
}

static ms_wire_result check(const ms_packet *p)
{
    if (p->version > MS_WIRE_VERSION_SEALED)
        return MS_WIRE_BAD_VERSION;
    if (p->flags & ~MS_WIRE_FLAG_TRAILER)
        return MS_WIRE_BAD_FLAGS;
    if (p->version == MS_WIRE_VERSION_SEALED && !(p->flags & MS_WIRE_FLAG_TRAILER))
        return MS_WIRE_BAD_TRAILER;
    if (!target_ok(p->target_kind, p->target, p->target_len))
        return MS_WIRE_BAD_TARGET;
    if (!path_ok(p->path, p->path_len))
        return MS_WIRE_BAD_PATH;
    if (p->payload_len > MS_WIRE_MAX_PAYLOAD)
        return MS_WIRE_BAD_PAYLOAD;
    if ((p->flags & MS_WIRE_FLAG_TRAILER) &&
        (p->trailer_len == 0 || p->trailer_len > MS_WIRE_MAX_TRAILER))
        return MS_WIRE_BAD_TRAILER;
    return MS_WIRE_OK;
}

static size_t packet_length(const ms_packet *p)
{
    size_t n = MS_WIRE_HEADER + p->target_len + p->path_len + p->payload_len;
    return (p->flags & MS_WIRE_FLAG_TRAILER) ? n + 2 + p->trailer_len : n;
}

size_t ms_wire_encode(const ms_packet *p, unsigned char *buf, size_t cap)
{
    if (check(p) != MS_WIRE_OK || packet_length(p) > cap)
        return 0;
    memcpy(buf, magic, 4);
    buf[4] = p->version ? p->version : MS_WIRE_VERSION;
    buf[5] = p->flags;
    buf[6] = p->target_kind;
    buf[7] = (unsigned char)p->target_len;
    ms_put16(buf + 8, (uint32_t)p->path_len);
    ms_put16(buf + 10, (uint32_t)p->payload_len);
    ms_put32(buf + 12, (uint32_t)(p->sender >> 32));
    ms_put32(buf + 16, (uint32_t)p->sender);
    ms_put32(buf + 20, p->seq);
    unsigned char *at = buf + MS_WIRE_HEADER;
    if (p->target_len)
        memcpy(at, p->target, p->target_len);
    at += p->target_len;
    memcpy(at, p->path, p->path_len);
    at += p->path_len;
    if (p->payload_len)
        memcpy(at, p->payload, p->payload_len);
    at += p->payload_len;
    if (p->flags & MS_WIRE_FLAG_TRAILER) {
        ms_put16(at, (uint32_t)p->trailer_len);
        memcpy(at + 2, p->trailer, p->trailer_len);
        at += 2 + p->trailer_len;
    }
    return (size_t)(at - buf);
}

static ms_wire_result decode(const unsigned char *buf, size_t len, ms_packet *out,
                             uint8_t max_version)
{
    memset(out, 0, sizeof *out);
    if (len < MS_WIRE_HEADER || memcmp(buf, magic, 4) != 0)
        return MS_WIRE_BAD_MAGIC;
    if (buf[4] < MS_WIRE_VERSION || buf[4] > max_version)
        return MS_WIRE_BAD_VERSION;
    out->version = buf[4];
    out->flags = buf[5];
    out->target_kind = buf[6];
    out->target_len = buf[7];
    out->path_len = ms_get16(buf + 8);
    out->payload_len = ms_get16(buf + 10);
    out->sender = (uint64_t)ms_get32(buf + 12) << 32 | ms_get32(buf + 16);
    out->seq = ms_get32(buf + 20);
    if (out->flags & ~MS_WIRE_FLAG_TRAILER)
        return MS_WIRE_BAD_FLAGS;
    if (out->path_len == 0 || out->path_len > MS_WIRE_MAX_PATH)
        return MS_WIRE_BAD_PATH;
    if (out->payload_len > MS_WIRE_MAX_PAYLOAD)
        return MS_WIRE_BAD_PAYLOAD;
    size_t body = MS_WIRE_HEADER + out->target_len + out->path_len + out->payload_len;
    if (out->flags & MS_WIRE_FLAG_TRAILER) {
        if (len < body + 2)
            return MS_WIRE_BAD_LENGTH;
        out->trailer_len = ms_get16(buf + body);
        out->trailer = buf + body + 2;
        if (out->trailer_len == 0 || out->trailer_len > MS_WIRE_MAX_TRAILER)
            return MS_WIRE_BAD_TRAILER;
        body += 2 + out->trailer_len;
    }
    if (len != body)
        return MS_WIRE_BAD_LENGTH;
    out->target = (const char *)buf + MS_WIRE_HEADER;
    out->path = out->target + out->target_len;
    out->payload = (const unsigned char *)out->path + out->path_len;
    return check(out);
}

ms_wire_result ms_wire_decode(const unsigned char *buf, size_t len, ms_packet *out)
{
    return decode(buf, len, out, MS_WIRE_VERSION);
}

ms_wire_result ms_wire_decode_any(const unsigned char *buf, size_t len, ms_packet *out)
{
    return decode(buf, len, out, MS_WIRE_VERSION_SEALED);
}

const char *ms_wire_result_text(ms_wire_result r)
{
    switch (r) {
    case MS_WIRE_OK:
        return "well-formed";
    case MS_WIRE_BAD_MAGIC:
        return "not a mailslot packet";
    case MS_WIRE_BAD_VERSION:
        return "unknown version";
    case MS_WIRE_BAD_FLAGS:
        return "reserved flag set";
    case MS_WIRE_BAD_TARGET:
        return "bad target";
    case MS_WIRE_BAD_PATH:
        return "bad path";
    case MS_WIRE_BAD_PAYLOAD:
        return "payload over the limit";
    case MS_WIRE_BAD_LENGTH:
        return "length does not match";
    case MS_WIRE_BAD_TRAILER:
        return "bad trailer";
    }
    return "unknown result";
}

uint32_t ms_wire_domain_group(const char *name, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)name[i]) * 16777619u;
    uint32_t x = (h >> 8) & 0xFF, y = h & 0xFF;
    if (x == 77)
        x = 78; /* 239.255.77.x holds the "every host" group */
    return 0xEFFF0000u | x << 8 | y;
}
