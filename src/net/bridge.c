/* SPDX-License-Identifier: MIT */
/* bridge.c -- subjects and checks of `mailslot bridge` (bridge.h,
 * PROTOCOL.md section 10).
 *
 * NATS gives '.' (token separator), '*' and '>' (wildcards) and white space
 * (the protocol's field separator: a space in a subject would be read as a
 * reply subject) a meaning in subjects, and the C client checks none of
 * them. So a name is written with one byte set only: letters a-z, digits
 * and '-' stand for themselves, every other byte is "%xx" (lower-case hex).
 * Each name has exactly one encoding, and a subject from the broker is
 * taken only in that encoding: two subjects never name one slot. */
#include "net/bridge.h"

#include <string.h>

static const char prefix[] = "ms.v1.";
static const char hex[] = "0123456789abcdef";

static int plain(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* Appends the encoding of s[0..len) at buf[*at]; 0 when it does not fit
 * (cap counts the NUL still to come). */
static int put_token(char *buf, size_t cap, size_t *at, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        size_t need = plain(c) ? 1 : 3;
        if (*at + need >= cap)
            return 0;
        if (need == 1) {
            buf[(*at)++] = (char)c;
        } else {
            buf[(*at)++] = '%';
            buf[(*at)++] = hex[c >> 4];
            buf[(*at)++] = hex[c & 15];
        }
    }
    return 1;
}

static int put_text(char *buf, size_t cap, size_t *at, const char *s)
{
    size_t len = strlen(s);
    if (*at + len >= cap)
        return 0;
    memcpy(buf + *at, s, len);
    *at += len;
    return 1;
}

size_t ms_bridge_subject(const ms_packet *p, char *buf, size_t cap)
{
    size_t at = 0;
    int ok;
    if (p->target_kind == MS_WIRE_TO_ALL)
        ok = put_text(buf, cap, &at, "ms.v1.a._.");
    else if (p->target_kind == MS_WIRE_TO_DOMAIN)
        ok = put_text(buf, cap, &at, "ms.v1.d.") &&
             put_token(buf, cap, &at, p->target, p->target_len) && put_text(buf, cap, &at, ".");
    else
        ok = 0; /* a host is reached by unicast: never bridged */
    ok = ok && p->path_len > 0 && put_token(buf, cap, &at, p->path, p->path_len);
    if (!ok)
        return 0;
    buf[at] = '\0';
    return at;
}

size_t ms_bridge_subscription(const char *domain, char *buf, size_t cap)
{
    size_t at = 0;
    int ok = domain ? put_text(buf, cap, &at, "ms.v1.d.") &&
                          put_token(buf, cap, &at, domain, strlen(domain)) &&
                          put_text(buf, cap, &at, ".*")
                    : put_text(buf, cap, &at, "ms.v1.a._.*");
    if (!ok || (domain && !domain[0]))
        return 0;
    buf[at] = '\0';
    return at;
}

static int hex_value(char c)
{
    const char *at = c ? strchr(hex, c) : NULL;
    return at ? (int)(at - hex) : -1;
}

/* Decodes the token s[0..len) into out (at most cap bytes): 1 when it is
 * the one encoding of a non-empty name. */
static int get_token(const char *s, size_t len, char *out, size_t cap, size_t *out_len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; n++) {
        if (n == cap)
            return 0;
        unsigned char c = (unsigned char)s[i];
        if (plain(c)) {
            out[n] = (char)c;
            i++;
            continue;
        }
        if (c != '%' || len - i < 3)
            return 0;
        int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
        if (hi < 0 || lo < 0 || plain((unsigned char)(hi << 4 | lo)))
            return 0; /* not hex, upper case, or a byte written as itself */
        out[n] = (char)(hi << 4 | lo);
        i += 3;
    }
    *out_len = n;
    return n > 0;
}

typedef struct parsed {
    int kind;
    char domain[MS_WIRE_MAX_TARGET + 1];
    size_t domain_len;
    char path[MS_WIRE_MAX_PATH];
    size_t path_len;
} parsed;

static int parse_subject(const char *subject, parsed *out)
{
    size_t len = strlen(subject);
    if (len > MS_BRIDGE_SUBJECT_MAX || strncmp(subject, prefix, sizeof prefix - 1) != 0)
        return 0;
    const char *s = subject + sizeof prefix - 1;
    if ((s[0] != 'a' && s[0] != 'd') || s[1] != '.')
        return 0;
    out->kind = s[0] == 'a' ? MS_WIRE_TO_ALL : MS_WIRE_TO_DOMAIN;
    const char *dom = s + 2;
    const char *dot = strchr(dom, '.');
    if (!dot)
        return 0;
    const char *slot = dot + 1;
    if (strchr(slot, '.'))
        return 0; /* more than five tokens */
    if (out->kind == MS_WIRE_TO_ALL) {
        out->domain_len = 0;
        if (dot - dom != 1 || dom[0] != '_')
            return 0;
    } else if (!get_token(dom, (size_t)(dot - dom), out->domain, MS_WIRE_MAX_TARGET,
                          &out->domain_len)) {
        return 0;
    }
    out->domain[out->domain_len] = '\0';
    return get_token(slot, strlen(slot), out->path, sizeof out->path, &out->path_len);
}

ms_bridge_result ms_bridge_check(const char *subject, const unsigned char *data, size_t len,
                                 int (*has_domain)(const char *domain, void *ctx), void *ctx,
                                 ms_packet *p)
{
    parsed s;
    if (!parse_subject(subject, &s))
        return MS_BRIDGE_BAD_SUBJECT;
    if (ms_wire_decode_any(data, len, p) != MS_WIRE_OK)
        return MS_BRIDGE_BAD_PACKET;
    if (p->target_kind == MS_WIRE_TO_HOST)
        return MS_BRIDGE_HOST_TARGET;
    if (p->target_kind != s.kind || p->target_len != s.domain_len ||
        memcmp(p->target, s.domain, s.domain_len) != 0 || p->path_len != s.path_len ||
        memcmp(p->path, s.path, s.path_len) != 0)
        return MS_BRIDGE_SUBJECT_LIES;
    if (s.kind == MS_WIRE_TO_DOMAIN && !has_domain(s.domain, ctx))
        return MS_BRIDGE_NOT_BRIDGED;
    return MS_BRIDGE_OK;
}

const char *ms_bridge_result_text(ms_bridge_result r)
{
    switch (r) {
    case MS_BRIDGE_OK:
        return "ok";
    case MS_BRIDGE_BAD_SUBJECT:
        return "bad subject";
    case MS_BRIDGE_BAD_PACKET:
        return "not a mailslot datagram";
    case MS_BRIDGE_HOST_TARGET:
        return "addressed to a host";
    case MS_BRIDGE_SUBJECT_LIES:
        return "subject does not match the datagram";
    default:
        return "domain not bridged";
    }
}

int ms_bridge_marked(uint16_t src_port, uint16_t port)
{
    return src_port == port;
}

/* ---- batches ---------------------------------------------------------------- */

void ms_bridge_batch_init(ms_bridge_batch *b, unsigned char *buf, size_t cap)
{
    b->buf = buf;
    b->cap = cap;
    ms_bridge_batch_clear(b);
}

int ms_bridge_batch_fits(const ms_bridge_batch *b, size_t len)
{
    return len <= MS_BRIDGE_RECORD_MAX && b->cap - b->used >= MS_BRIDGE_RECORD_HEADER + len;
}

int ms_bridge_batch_add(ms_bridge_batch *b, unsigned char tag, const void *data, size_t len,
                        size_t keep)
{
    if (!ms_bridge_batch_fits(b, len) || b->cap - b->used - MS_BRIDGE_RECORD_HEADER - len < keep)
        return 0;
    unsigned char *r = b->buf + b->used;
    r[0] = (unsigned char)(len >> 8);
    r[1] = (unsigned char)len;
    r[2] = tag;
    if (len > 0)
        memcpy(r + MS_BRIDGE_RECORD_HEADER, data, len);
    b->used += MS_BRIDGE_RECORD_HEADER + len;
    b->n++;
    return 1;
}

int ms_bridge_batch_add_at(ms_bridge_batch *b, int64_t now, unsigned char tag, const void *data,
                           size_t len, size_t keep)
{
    int empty = b->n == 0;
    if (!ms_bridge_batch_add(b, tag, data, len, keep))
        return 0;
    if (empty)
        b->first = now;
    return 1;
}

int ms_bridge_batch_next(const ms_bridge_batch *b, size_t *at, unsigned char *tag,
                         const unsigned char **data, size_t *len)
{
    if (*at >= b->used)
        return 0;
    const unsigned char *r = b->buf + *at;
    *len = (size_t)r[0] << 8 | r[1];
    *tag = r[2];
    *data = r + MS_BRIDGE_RECORD_HEADER;
    *at += MS_BRIDGE_RECORD_HEADER + *len;
    return 1;
}

void ms_bridge_batch_clear(ms_bridge_batch *b)
{
    b->used = 0;
    b->n = 0;
    b->first = 0;
}

/* ---- when a batch goes on ------------------------------------------------------- */

int ms_bridge_due(size_t n, int64_t oldest, int64_t now, long pending, int full)
{
    /* A clock that went back (another thread's stamp, taken a moment later
     * than now) reads as no wait at all, not as a wait of ages. */
    return n > 0 && (pending <= 0 || full || now - oldest >= MS_BRIDGE_MAX_WAIT_NS);
}

int ms_bridge_batch_due(const ms_bridge_batch *b, int64_t now, long pending)
{
    return ms_bridge_due(b->n, b->first, now, pending,
                         !ms_bridge_batch_fits(b, MS_WIRE_MAX_PACKET));
}
