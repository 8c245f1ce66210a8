/* SPDX-License-Identifier: MIT */
/* keyring.c -- key files and the choice of keys (see keyring.h). Pure C: no
 * OS calls, no locale, no allocation; the parser reads text[0..len) only. */
#include "auth/keyring.h"
#include "error.h"
#include "net/netconfig.h"

#include "mailslot.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define DAY_MS 86400000ull

/* ---- small helpers (no <ctype.h>: its answers depend on the locale) ---- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = (volatile unsigned char *)p;
    for (size_t i = 0; i < n; i++)
        v[i] = 0;
}

/* ---- times ---- */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; y >= 1970), after
 * Howard Hinnant's days_from_civil. */
static uint64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
    y -= m <= 2;
    unsigned era = y / 400;
    unsigned yoe = y - era * 400;                                   /* [0, 399] */
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
    return (uint64_t)era * 146097 + doe - 719468;
}

/* The inverse, for days since 1970-01-01 (any uint64_t / 86400000). */
static void civil_from_days(uint64_t z, uint64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    uint64_t era = z / 146097;
    unsigned doe = (unsigned)(z - era * 146097);                          /* [0, 146096] */
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    unsigned mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (uint64_t)yoe + era * 400 + (*m <= 2);
}

static int leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* m in 1..12; no table, so nothing is read out of bounds whatever m is. */
static unsigned days_in_month(unsigned y, unsigned m)
{
    if (m == 2)
        return leap(y) ? 29 : 28;
    return 30 + ((m + m / 8) & 1); /* 31 in January, March, May, July, August, ... */
}

/* n decimal digits at s, or -1. */
static long digits(const char *s, size_t n)
{
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int ms_time_parse(const char *text, size_t len, uint64_t *ms)
{
    if (!text || len == 0)
        return MAILSLOT_E_INVALID;
    if (text[0] == '@') {
        if (len == 1)
            return MAILSLOT_E_INVALID;
        uint64_t s = 0;
        const uint64_t max = UINT64_MAX / 1000; /* so that s * 1000 fits */
        for (size_t i = 1; i < len; i++) {
            if (!is_digit(text[i]))
                return MAILSLOT_E_INVALID;
            unsigned d = (unsigned)(text[i] - '0');
            if (s > (max - d) / 10)
                return MAILSLOT_E_INVALID;
            s = s * 10 + d;
        }
        *ms = s * 1000;
        return MAILSLOT_OK;
    }
    /* YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SSZ */
    if (len != 10 && len != 20)
        return MAILSLOT_E_INVALID;
    if (text[4] != '-' || text[7] != '-')
        return MAILSLOT_E_INVALID;
    long y = digits(text, 4), m = digits(text + 5, 2), d = digits(text + 8, 2);
    long hh = 0, mm = 0, ss = 0;
    if (len == 20) {
        if (text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z')
            return MAILSLOT_E_INVALID;
        hh = digits(text + 11, 2), mm = digits(text + 14, 2), ss = digits(text + 17, 2);
    }
    if (y < 1970 || m < 1 || m > 12 || d < 1 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 ||
        ss > 59)
        return MAILSLOT_E_INVALID;
    if ((unsigned)d > days_in_month((unsigned)y, (unsigned)m))
        return MAILSLOT_E_INVALID;
    uint64_t days = days_from_civil((unsigned)y, (unsigned)m, (unsigned)d);
    *ms = days * DAY_MS + ((uint64_t)hh * 3600 + (uint64_t)mm * 60 + (uint64_t)ss) * 1000;
    return MAILSLOT_OK;
}

/* Writes v as at least width decimal digits at p; returns the count. */
static size_t put_number(char *p, uint64_t v, size_t width)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width)
        tmp[n++] = '0';
    for (size_t i = 0; i < n; i++)
        p[i] = tmp[n - 1 - i];
    return n;
}

void ms_time_format(uint64_t ms, char *buf, size_t cap)
{
    if (!buf || cap == 0)
        return;
    uint64_t s = ms / 1000, y;
    unsigned m, d;
    civil_from_days(s / 86400, &y, &m, &d);
    unsigned sod = (unsigned)(s % 86400);
    char out[48];
    size_t n = put_number(out, y, 4);
    out[n++] = '-';
    n += put_number(out + n, m, 2);
    out[n++] = '-';
    n += put_number(out + n, d, 2);
    out[n++] = 'T';
    n += put_number(out + n, sod / 3600, 2);
    out[n++] = ':';
    n += put_number(out + n, sod / 60 % 60, 2);
    out[n++] = ':';
    n += put_number(out + n, sod % 60, 2);
    out[n++] = 'Z';
    if (n > cap - 1)
        n = cap - 1; /* years past 9999 only: ms_time_parse reads none */
    memcpy(buf, out, n);
    buf[n] = '\0';
}

/* ---- the key file ---- */

/* The attributes of a key line, in the order of the header. */
enum { A_SEND_FROM, A_SEND_UNTIL, A_ACCEPT_FROM, A_ACCEPT_UNTIL, A_DOMAIN, A_SLOT, A_COUNT };
static const char *const attr_names[A_COUNT] = {"send-from",    "send-until", "accept-from",
                                                "accept-until", "domain",     "slot"};

typedef struct parser {
    const char *what;
    unsigned line;
} parser;

static int fail_line(const parser *ps, const char *fmt, ...) MS_PRINTF(2, 3);

static int fail_line(const parser *ps, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ms_fail(MAILSLOT_E_INVALID, "%s: line %u: %s", ps->what, ps->line, msg);
}

/* An attribute name to show in a detail: only a short word, and not 8 or
 * more hex digits, so that no real part of a misplaced key is ever echoed
 * (a detail may show "bad", never "deadbeef"). */
static int showable_name(const char *s, size_t n)
{
    if (n == 0 || n > 24)
        return 0;
    int all_hex = 1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' ||
              c == '_'))
            return 0;
        all_hex &= hex_value(c) >= 0;
    }
    return !(all_hex && n >= 8);
}

/* A value to show in a detail (times): printable ASCII, cut short. */
static int showable_value(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7F)
            return 0;
    return 1;
}

static int parse_slot(const parser *ps, const char *v, size_t n, char *out)
{
    char text[MS_NAME_MAX + 1];
    ms_name name;
    if (n == 0)
        return fail_line(ps, "\"slot\" is empty");
    if (n > MS_NAME_MAX)
        return fail_line(ps, "\"slot\" is longer than a mailslot name (%d bytes)", MS_NAME_MAX);
    memcpy(text, v, n);
    text[n] = '\0';
    if (ms_name_parse(text, &name) != MAILSLOT_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", ms_detail());
        return fail_line(ps, "\"slot\" is not a slot path: %s", why);
    }
    if (name.kind != MS_HOST_LOCAL)
        return fail_line(ps,
                         "\"slot\" names a slot on host \"%s\": only a path or a local name "
                         "(\\\\.\\mailslot\\PATH) scopes a key",
                         name.host);
    memcpy(out, name.path, strlen(name.path) + 1);
    return MAILSLOT_OK;
}

static int parse_domain_attr(const parser *ps, const char *v, size_t n, char *out)
{
    if (ms_net_parse_domain(v, n, out, "\"domain\"") != MAILSLOT_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", ms_detail());
        return fail_line(ps, "%s", why);
    }
    return MAILSLOT_OK;
}

/* Decodes 64 hex digits; 0 when the field is anything else. */
static int parse_hex_key(const char *s, size_t n, unsigned char key[MS_AUTH_KEY_BYTES])
{
    if (n != 2 * MS_AUTH_KEY_BYTES)
        return 0;
    for (size_t i = 0; i < MS_AUTH_KEY_BYTES; i++) {
        int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return 0;
        key[i] = (unsigned char)(hi << 4 | lo);
    }
    return 1;
}

/* The next field of [*p, end): skips blanks; a field starting with '#' is a
 * comment to the end of the line. Returns 0 at the end. */
static int next_field(const char **p, const char *end, const char **f, size_t *n)
{
    const char *s = *p;
    while (s < end && is_blank(*s))
        s++;
    if (s == end || *s == '#') {
        *p = end;
        return 0;
    }
    const char *e = s;
    while (e < end && !is_blank(*e))
        e++;
    *f = s;
    *n = (size_t)(e - s);
    *p = e;
    return 1;
}

/* A line that is not blank, "key HEX ATTR=VALUE...", into e: its first
 * field is f (n bytes), the rest [p, end). */
static int parse_key_line(const parser *ps, const char *f, size_t n, const char *p, const char *end,
                          ms_keyring_entry *e)
{
    if (n != 3 || memcmp(f, "key", 3) != 0)
        return fail_line(ps, "a line is \"key <64 hex digits> [ATTRIBUTE=VALUE...]\"");
    if (!next_field(&p, end, &f, &n))
        return fail_line(ps, "\"key\" lacks its 64 hex digits");
    unsigned char key[MS_AUTH_KEY_BYTES];
    if (!parse_hex_key(f, n, key)) {
        wipe(key, sizeof key);
        return fail_line(ps, "the key is not 64 hex digits");
    }
    int rc = ms_auth_key_init(&e->key, key);
    wipe(key, sizeof key);
    if (rc != MAILSLOT_OK)
        return rc;

    uint64_t t[4] = {0, MS_TIME_END, 0, MS_TIME_END};
    int seen[A_COUNT] = {0};
    unsigned field = 2;
    while (next_field(&p, end, &f, &n)) {
        field++;
        const char *eq = memchr(f, '=', n);
        size_t nlen = eq ? (size_t)(eq - f) : n;
        int a = 0;
        while (a < A_COUNT &&
               !(strlen(attr_names[a]) == nlen && memcmp(attr_names[a], f, nlen) == 0))
            a++;
        if (!eq && a < A_COUNT)
            return fail_line(ps, "\"%s\" lacks its value (%s=...)", attr_names[a], attr_names[a]);
        if (!eq || a == A_COUNT) {
            if (showable_name(f, nlen))
                return fail_line(ps, "unknown attribute \"%.*s\" (field %u)", (int)nlen, f, field);
            return fail_line(ps, "field %u is not an attribute NAME=VALUE", field);
        }
        if (seen[a])
            return fail_line(ps, "\"%s\" is given twice", attr_names[a]);
        seen[a] = 1;
        const char *v = eq + 1;
        size_t vn = n - nlen - 1;
        if (a <= A_ACCEPT_UNTIL) {
            if (ms_time_parse(v, vn, &t[a]) != MAILSLOT_OK) {
                if (vn <= 40 && showable_value(v, vn))
                    return fail_line(ps,
                                     "\"%s\": \"%.*s\" is not a time (YYYY-MM-DDTHH:MM:SSZ, "
                                     "YYYY-MM-DD or @SECONDS)",
                                     attr_names[a], (int)vn, v);
                return fail_line(ps,
                                 "\"%s\" is not a time (YYYY-MM-DDTHH:MM:SSZ, YYYY-MM-DD or "
                                 "@SECONDS)",
                                 attr_names[a]);
            }
        } else if (a == A_DOMAIN) {
            rc = parse_domain_attr(ps, v, vn, e->domain);
            if (rc != MAILSLOT_OK)
                return rc;
        } else {
            rc = parse_slot(ps, v, vn, e->slot);
            if (rc != MAILSLOT_OK)
                return rc;
        }
    }

    /* The periods: [from, until), the send period inside the accept period. */
    e->accept_from = t[A_ACCEPT_FROM];
    e->accept_until = t[A_ACCEPT_UNTIL];
    e->send_from = seen[A_SEND_FROM] ? t[A_SEND_FROM] : e->accept_from;
    e->send_until = seen[A_SEND_UNTIL] ? t[A_SEND_UNTIL] : e->accept_until;
    if (e->accept_until <= e->accept_from)
        return fail_line(ps, "\"accept-until\" is not after \"accept-from\"");
    if (e->send_from < e->accept_from)
        return fail_line(ps, "\"send-from\" is before \"accept-from\": a host must accept what "
                             "it sends");
    if (e->send_until > e->accept_until)
        return fail_line(ps, "\"send-until\" is after \"accept-until\": a host must accept what "
                             "it sends");
    if (e->send_until <= e->send_from)
        return fail_line(ps, "\"%s\" is not after \"%s\"",
                         seen[A_SEND_UNTIL] ? "send-until" : "accept-until",
                         seen[A_SEND_FROM] ? "send-from" : "accept-from");
    e->line = ps->line;
    return MAILSLOT_OK;
}

static int parse_text(ms_keyring *kr, const char *text, size_t len, parser *ps)
{
    if (!ms_auth_available())
        return ms_fail(MAILSLOT_E_INVALID,
                       "%s: network keys need libsodium: this library was built without "
                       "libsodium",
                       ps->what);
    if (len > MS_KEYFILE_MAX)
        return ms_fail(MAILSLOT_E_INVALID, "%s: more than %d bytes", ps->what, MS_KEYFILE_MAX);
    if (!text && len)
        return ms_fail(MAILSLOT_E_INVALID, "%s: no text", ps->what);
    size_t at = 0;
    while (at < len) {
        ps->line++;
        const char *start = text + at;
        const char *nl = memchr(start, '\n', len - at);
        const char *end = nl ? nl : text + len;
        at = nl ? (size_t)(nl - text) + 1 : len;
        if (end > start && end[-1] == '\r')
            end--; /* CRLF */
        if ((size_t)(end - start) > MS_KEYFILE_LINE)
            return fail_line(ps, "longer than %d bytes", MS_KEYFILE_LINE);
        if (memchr(start, '\0', (size_t)(end - start)))
            return fail_line(ps, "a NUL byte");
        const char *p = start, *f;
        size_t n;
        if (!next_field(&p, end, &f, &n))
            continue; /* blank, or a comment */
        if (kr->n == MS_KEYRING_MAX)
            return fail_line(ps, "more than %d keys", MS_KEYRING_MAX);
        ms_keyring_entry *e = &kr->keys[kr->n];
        int rc = parse_key_line(ps, f, n, p, end, e);
        if (rc != MAILSLOT_OK)
            return rc;
        for (size_t i = 0; i < kr->n; i++)
            if (kr->keys[i].key.id == e->key.id)
                return fail_line(ps,
                                 "the key id %08X is that of the key of line %u (the same "
                                 "key twice?)",
                                 (unsigned)e->key.id, kr->keys[i].line);
        kr->n++;
    }
    if (kr->n == 0)
        return ms_fail(MAILSLOT_E_INVALID, "%s: no key (a line \"key <64 hex digits>\")", ps->what);
    return MAILSLOT_OK;
}

int ms_keyring_parse(ms_keyring *kr, const char *text, size_t len, const char *what)
{
    parser ps = {what ? what : "keys", 0};
    ms_keyring_clear(kr);
    int rc = parse_text(kr, text, len, &ps);
    if (rc != MAILSLOT_OK)
        ms_keyring_clear(kr);
    return rc;
}

void ms_keyring_clear(ms_keyring *kr)
{
    if (!kr)
        return;
    /* Every slot, not only [0, n): a failed parse may have left one half
     * made. */
    for (size_t i = 0; i < MS_KEYRING_MAX; i++)
        ms_auth_key_clear(&kr->keys[i].key);
    wipe(kr, sizeof *kr);
    kr->n = 0;
}

/* ---- choosing keys ---- */

static int equal(const char *s, const char *bytes, size_t len)
{
    size_t n = strlen(s);
    return n == len && (n == 0 || memcmp(s, bytes, n) == 0);
}

int ms_keyring_covers(const ms_keyring_entry *e, const ms_packet *p)
{
    if (e->slot[0] && !equal(e->slot, p->path, p->path_len))
        return 0;
    if (e->domain[0] &&
        (p->target_kind != MS_WIRE_TO_DOMAIN || !equal(e->domain, p->target, p->target_len)))
        return 0;
    return 1;
}

static int scope_rank(const ms_keyring_entry *e)
{
    return (e->slot[0] ? 2 : 0) + (e->domain[0] ? 1 : 0);
}

const ms_keyring_entry *ms_keyring_for_sending(const ms_keyring *kr, const ms_packet *p,
                                               uint64_t now)
{
    const ms_keyring_entry *best = NULL;
    int best_rank = -1;
    for (size_t i = 0; i < kr->n; i++) {
        const ms_keyring_entry *e = &kr->keys[i];
        if (now < e->send_from || now >= e->send_until || !ms_keyring_covers(e, p))
            continue;
        int rank = scope_rank(e);
        /* >=: of equals, the last in the text */
        if (rank > best_rank || (rank == best_rank && e->send_from >= best->send_from)) {
            best = e;
            best_rank = rank;
        }
    }
    return best;
}

const ms_auth_key *ms_keyring_for_receiving(const ms_keyring *kr, uint32_t key_id,
                                            const ms_packet *p, uint64_t now)
{
    for (size_t i = 0; i < kr->n; i++) {
        const ms_keyring_entry *e = &kr->keys[i];
        if (e->key.id != key_id)
            continue;
        /* Key ids are unique in a keyring: this is the one. */
        if (now < e->accept_from || now >= e->accept_until || !ms_keyring_covers(e, p))
            return NULL;
        return &e->key;
    }
    return NULL;
}

size_t ms_keyring_format_line(const unsigned char key[MS_AUTH_KEY_BYTES], const char *attrs,
                              char *buf, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    size_t alen = attrs ? strlen(attrs) : 0;
    size_t need = 4 + 2 * MS_AUTH_KEY_BYTES + (alen ? 1 + alen : 0) + 1; /* without the NUL */
    if (!buf || need + 1 > cap)
        return 0;
    char *p = buf;
    memcpy(p, "key ", 4);
    p += 4;
    for (size_t i = 0; i < MS_AUTH_KEY_BYTES; i++) {
        *p++ = hex[key[i] >> 4];
        *p++ = hex[key[i] & 15];
    }
    if (alen) {
        *p++ = ' ';
        memcpy(p, attrs, alen);
        p += alen;
    }
    *p++ = '\n';
    *p = '\0';
    return need;
}
