/* SPDX-License-Identifier: MIT */
/* name.c -- mailslot name grammar (see mailslot_name_canonical in mailslot.h). */
#include "name.h"
#include "os.h"
#include "error.h"

#include <string.h>

static int is_sep(char c)
{
    return c == '\\' || c == '/';
}

static char fold(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
 * Returns the offset of the first bad byte, or -1 when all is well. */
static long utf8_error_at(const unsigned char *s)
{
    const unsigned char *p = s;
    while (*p) {
        unsigned c = *p;
        int extra;
        unsigned min, cp;
        if (c < 0x80) {
            p++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1, min = 0x80, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2, min = 0x800, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return (long)(p - s);
        }
        for (int i = 1; i <= extra; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return (long)(p - s);
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return (long)(p - s);
        p += extra + 1;
    }
    return -1;
}

static int check_chars(const char *text)
{
    long bad = utf8_error_at((const unsigned char *)text);
    if (bad >= 0)
        return ms_fail(MAILSLOT_E_NAME, "mailslot name is not valid UTF-8 (byte %ld)", bad);
    for (const char *p = text; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7F)
            return ms_fail(MAILSLOT_E_NAME,
                           "mailslot name has a control character 0x%02X at byte %ld", c,
                           (long)(p - text));
    }
    return MAILSLOT_OK;
}

/* HOST: ".", "*", or a host/domain name or IP literal ("[v6]" accepted). */
static int parse_host(const char *s, size_t n, ms_name *out)
{
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']')
        s++, n -= 2;
    if (n == 0)
        return ms_fail(MAILSLOT_E_NAME, "mailslot name has an empty host");
    if (n > MS_HOST_MAX)
        return ms_fail(MAILSLOT_E_NAME, "mailslot host is longer than %d bytes", MS_HOST_MAX);
    if (n == 1 && (s[0] == '.' || s[0] == '*')) {
        out->kind = s[0] == '.' ? MS_HOST_LOCAL : MS_HOST_ALL;
    } else {
        int alnum = 0;
        for (size_t i = 0; i < n; i++) {
            char c = s[i];
            if (!is_alnum(c) && c != '-' && c != '.' && c != '_' && c != ':')
                return ms_fail(MAILSLOT_E_NAME,
                               "mailslot host \"%.*s\" has a character that no host name has",
                               (int)n, s);
            alnum |= is_alnum(c);
        }
        if (!alnum)
            return ms_fail(MAILSLOT_E_NAME, "mailslot host \"%.*s\" is not a host name", (int)n, s);
        out->kind = MS_HOST_NAMED;
    }
    for (size_t i = 0; i < n; i++)
        out->host[i] = fold(s[i]);
    out->host[n] = '\0';
    return MAILSLOT_OK;
}

/* PATH: segments separated by '\' or '/', none empty, "." or "..". */
static int parse_path(const char *s, ms_name *out)
{
    size_t n = 0;
    const char *seg = s;
    for (;;) {
        const char *end = seg;
        while (*end && !is_sep(*end))
            end++;
        size_t len = (size_t)(end - seg);
        if (len == 0)
            return ms_fail(MAILSLOT_E_NAME, "mailslot path \"%s\" has an empty segment", s);
        if ((len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
            return ms_fail(MAILSLOT_E_NAME, "mailslot path \"%s\" has a \"%.*s\" segment", s,
                           (int)len, seg);
        if (n + len + (n > 0) > MS_PATH_MAX)
            return ms_fail(MAILSLOT_E_NAME, "mailslot path is longer than %d bytes", MS_PATH_MAX);
        if (n > 0)
            out->path[n++] = '\\';
        for (size_t i = 0; i < len; i++)
            out->path[n++] = fold(seg[i]);
        if (!*end)
            break;
        seg = end + 1;
    }
    out->path[n] = '\0';
    return MAILSLOT_OK;
}

static int parse_full(const char *text, ms_name *out)
{
    const char *host = text + 2;
    const char *host_end = host;
    while (*host_end && !is_sep(*host_end))
        host_end++;
    int rc = parse_host(host, (size_t)(host_end - host), out);
    if (rc != MAILSLOT_OK)
        return rc;
    if (!*host_end)
        return ms_fail(MAILSLOT_E_NAME, "mailslot name \"%s\" lacks \\mailslot\\PATH", text);
    const char *prefix = host_end + 1;
    const char *prefix_end = prefix;
    while (*prefix_end && !is_sep(*prefix_end))
        prefix_end++;
    static const char word[] = "mailslot";
    size_t plen = (size_t)(prefix_end - prefix);
    int match = plen == sizeof word - 1;
    for (size_t i = 0; match && i < plen; i++)
        match = fold(prefix[i]) == word[i];
    if (!match)
        return ms_fail(MAILSLOT_E_NAME,
                       "mailslot name \"%s\" has the prefix \"%.*s\" instead of \"mailslot\"", text,
                       (int)plen, prefix);
    if (!*prefix_end || !prefix_end[1])
        return ms_fail(MAILSLOT_E_NAME, "mailslot name \"%s\" has no path", text);
    return parse_path(prefix_end + 1, out);
}

int ms_name_parse(const char *text, ms_name *out)
{
    memset(out, 0, sizeof *out);
    if (!*text)
        return ms_fail(MAILSLOT_E_NAME, "mailslot name is empty");
    int rc = check_chars(text);
    if (rc != MAILSLOT_OK)
        return rc;
    if (is_sep(text[0]) && is_sep(text[1])) {
        rc = parse_full(text, out);
    } else if (is_sep(text[0])) {
        rc = ms_fail(MAILSLOT_E_NAME,
                     "mailslot name \"%s\" must start with \\\\HOST\\ or be a bare path", text);
    } else {
        out->kind = MS_HOST_LOCAL;
        strcpy(out->host, ".");
        rc = parse_path(text, out);
    }
    if (rc != MAILSLOT_OK)
        return rc;
    size_t hl = strlen(out->host), pl = strlen(out->path);
    char *c = out->canonical;
    memcpy(c, "\\\\", 2);
    memcpy(c + 2, out->host, hl);
    memcpy(c + 2 + hl, "\\mailslot\\", 10);
    memcpy(c + 12 + hl, out->path, pl + 1);
    out->canonical_len = 12 + hl + pl;
    return MAILSLOT_OK;
}

/* The length of a name's first label: 3 for "box.example.org". */
static size_t first_label(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot ? (size_t)(dot - name) : strlen(name);
}

static int fold_equal(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (fold(a[i]) != fold(b[i]))
            return 0;
    return 1;
}

int ms_name_host_matches(const char *host, const char *me)
{
    size_t hlen = strlen(host), mlen = strlen(me);
    if (mlen == 0)
        return 0;
    if (hlen == mlen && fold_equal(host, me, hlen))
        return 1;
    size_t hl = first_label(host), ml = first_label(me);
    int one_is_short = hl == hlen || ml == mlen;
    return one_is_short && hl == ml && fold_equal(host, me, hl);
}

int ms_name_is_this_host(const char *host)
{
    static const char *const loopback[] = {"localhost", "127.0.0.1", "::1",
                                           "localhost.localdomain"};
    for (size_t i = 0; i < sizeof loopback / sizeof loopback[0]; i++)
        if (strcmp(host, loopback[i]) == 0)
            return 1;
    return ms_plat_is_own_address(host) || ms_plat_is_host_name(host);
}
