/* SPDX-License-Identifier: MIT */
/* json.c -- JSON strings, base64 and the UTF-8 check (see json.h). */
#include "json.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The length of the UTF-8 sequence at p (at most n bytes), or 0 when it is
 * not well-formed. The second byte's range excludes overlong forms (E0, F0),
 * surrogates (ED) and code points past U+10FFFF (F4); RFC 3629's table. */
static size_t utf8_sequence(const unsigned char *p, size_t n)
{
    unsigned char b = p[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF)
        need = 2;
    else if (b >= 0xE0 && b <= 0xEF)
        need = 3;
    else if (b >= 0xF0 && b <= 0xF4)
        need = 4;
    else
        return 0; /* a continuation byte, C0/C1 (overlong) or F5..FF */
    if (b == 0xE0)
        lo = 0xA0;
    else if (b == 0xED)
        hi = 0x9F;
    else if (b == 0xF0)
        lo = 0x90;
    else if (b == 0xF4)
        hi = 0x8F;
    if (n < need || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < need; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return need;
}

int cli_utf8_valid(const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t i = 0;
    while (i < len) {
        size_t n = utf8_sequence(p + i, len - i);
        if (n == 0)
            return 0;
        i += n;
    }
    return 1;
}

size_t cli_json_string(char *out, const void *data, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = data;
    size_t n = 0;
    out[n++] = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = p[i];
        const char *short_form = c == '"'    ? "\\\""
                                 : c == '\\' ? "\\\\"
                                 : c == '\n' ? "\\n"
                                 : c == '\r' ? "\\r"
                                 : c == '\t' ? "\\t"
                                 : c == '\b' ? "\\b"
                                 : c == '\f' ? "\\f"
                                             : NULL;
        if (short_form) {
            out[n++] = short_form[0];
            out[n++] = short_form[1];
        } else if (c < 0x20) {
            memcpy(out + n, "\\u00", 4);
            out[n + 4] = hex[c >> 4];
            out[n + 5] = hex[c & 0xf];
            n += 6;
        } else {
            out[n++] = (char)c;
        }
    }
    out[n++] = '"';
    return n;
}

size_t cli_base64(char *out, const void *data, size_t len)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = data;
    size_t n = 0;
    for (size_t i = 0; i < len; i += 3) {
        size_t left = len - i;
        uint32_t v = (uint32_t)p[i] << 16;
        if (left > 1)
            v |= (uint32_t)p[i + 1] << 8;
        if (left > 2)
            v |= p[i + 2];
        out[n++] = alphabet[v >> 18 & 63];
        out[n++] = alphabet[v >> 12 & 63];
        out[n++] = left > 1 ? alphabet[v >> 6 & 63] : '=';
        out[n++] = left > 2 ? alphabet[v & 63] : '=';
    }
    return n;
}

size_t cli_json_message(char *out, const char *slot, const void *data, size_t len)
{
    size_t n = 0;
    memcpy(out, "{\"slot\": ", 9);
    n += 9;
    n += cli_json_string(out + n, slot, strlen(slot));
    n += (size_t)sprintf(out + n, ", \"len\": %zu, ", len);
    if (cli_utf8_valid(data, len)) {
        memcpy(out + n, "\"text\": ", 8);
        n += 8;
        n += cli_json_string(out + n, data, len);
    } else {
        memcpy(out + n, "\"base64\": \"", 11);
        n += 11;
        n += cli_base64(out + n, data, len);
        out[n++] = '"';
    }
    memcpy(out + n, "}\n", 2);
    return n + 2;
}
