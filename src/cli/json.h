/* SPDX-License-Identifier: MIT */
/* json.h -- what `mailslot listen --json` and `mailslot stats --json` write:
 * JSON strings, base64 and the UTF-8 check that picks between them. Each
 * function writes into a buffer the caller sized with the *_MAX macro, and
 * returns the number of bytes written (no NUL is added), so that a whole
 * line goes out in one write and the code can be tested without files. */
#ifndef MAILSLOT_CLI_JSON_H
#define MAILSLOT_CLI_JSON_H

#include <stddef.h>

/* 1 when data is well-formed UTF-8 (RFC 3629): no overlong forms, no
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF. NUL bytes are valid
 * (U+0000). */
int cli_utf8_valid(const void *data, size_t len);

/* The most cli_json_string writes for len bytes: "\u00XX" for each, and the
 * quotes. */
#define CLI_JSON_STRING_MAX(len) (6 * (len) + 2)

/* Writes data, which must be valid UTF-8, as a quoted JSON string: '"', '\'
 * and the control characters U+0000..U+001F escaped ("\n", "\t", ... or
 * "\u00XX"), so that the string is one line; other characters as they are. */
size_t cli_json_string(char *out, const void *data, size_t len);

/* The most cli_base64 writes for len bytes (padded, without quotes). */
#define CLI_BASE64_MAX(len) (((len) + 2) / 3 * 4)

/* Writes data as standard base64 (RFC 4648, with '=' padding). */
size_t cli_base64(char *out, const void *data, size_t len);

/* The most cli_json_message writes for a slot name of slot_len bytes and a
 * message of len bytes, newline included. */
#define CLI_JSON_MESSAGE_MAX(slot_len, len)                                                        \
    (CLI_JSON_STRING_MAX(slot_len) + CLI_JSON_STRING_MAX(len) + CLI_BASE64_MAX(len) + 64)

/* Writes one message as a line of JSON:
 *   {"slot": "<slot>", "len": N, "text": "..."}\n   when data is UTF-8,
 *   {"slot": "<slot>", "len": N, "base64": "..."}\n otherwise.
 * slot (a canonical name) is UTF-8. */
size_t cli_json_message(char *out, const char *slot, const void *data, size_t len);

#endif
