/* SPDX-License-Identifier: MIT */
/* name.h -- mailslot name parsing and canonical form. Pure: no OS calls. */
#ifndef MS_NAME_H
#define MS_NAME_H

#include <stddef.h>

#define MS_PATH_MAX 255 /* bytes of PATH, UTF-8 */
#define MS_HOST_MAX 253 /* bytes of a host or domain name */
/* "\\" HOST "\mailslot\" PATH */
#define MS_NAME_MAX (2 + MS_HOST_MAX + 10 + MS_PATH_MAX)

typedef enum ms_host_kind {
    MS_HOST_LOCAL, /* "." */
    MS_HOST_ALL,   /* "*" */
    MS_HOST_NAMED  /* a host name, an IP literal or a domain */
} ms_host_kind;

typedef struct ms_name {
    ms_host_kind kind;
    char host[MS_HOST_MAX + 1];      /* ".", "*" or the name, ASCII folded to lower case */
    char path[MS_PATH_MAX + 1];      /* segments joined by '\', ASCII folded to lower case */
    char canonical[MS_NAME_MAX + 1]; /* "\\host\mailslot\path" */
    size_t canonical_len;
} ms_name;

/* Parses text into *out. Returns MAILSLOT_OK or MAILSLOT_E_NAME (with a detail
 * sentence that names the problem). */
int ms_name_parse(const char *text, ms_name *out);

/* 1 when host (from a name or a packet: lower case) names the machine whose
 * host name is me (any case): equal ignoring ASCII case, or, when one of the
 * two is a single label, equal first labels ("box" and "box.example.org");
 * two different full names do not match. */
int ms_name_host_matches(const char *host, const char *me);

/* 1 when host (folded to lower case) names this machine: one of its names
 * (ms_name_host_matches), "localhost", or an address literal of one of its
 * interfaces. */
int ms_name_is_this_host(const char *host);

#endif
