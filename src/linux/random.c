/* SPDX-License-Identifier: MIT */
/* random.c -- random bytes.
 *
 * getrandom: Linux, and the BSDs of recent years; not POSIX. */
#define _GNU_SOURCE
#include "error.h"
#include "os.h"

#include <errno.h>
#include <sys/random.h>

int ms_plat_random(void *buf, size_t len)
{
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot get random bytes");
        p += n;
        len -= (size_t)n;
    }
    return MAILSLOT_OK;
}
