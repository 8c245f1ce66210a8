/* SPDX-License-Identifier: MIT */
/* host.c -- facts about this host.
 *
 * Portable POSIX (gethostname), but for the GNU strerror_r, which returns
 * the text (the XSI one returns an int). */
#define _GNU_SOURCE
#include "name.h"
#include "os.h"

#include <string.h>
#include <unistd.h>

int ms_plat_is_host_name(const char *host)
{
    char me[256];
    if (gethostname(me, sizeof me) != 0)
        return 0;
    me[sizeof me - 1] = '\0';
    return ms_name_host_matches(host, me);
}

int ms_plat_host_name(char *buf, size_t cap)
{
    if (gethostname(buf, cap) != 0) {
        buf[0] = '\0';
        return -1;
    }
    buf[cap - 1] = '\0'; /* POSIX leaves a cut name unterminated */
    return 0;
}

void ms_plat_strerror(int err, char *buf, size_t cap)
{
    /* GNU strerror_r may return a static string instead of filling buf. */
    const char *s = strerror_r(err, buf, cap);
    if (s != buf) {
        strncpy(buf, s, cap - 1);
        buf[cap - 1] = '\0';
    }
}
