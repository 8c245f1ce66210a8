/* host.c -- facts about this host. */
#define _GNU_SOURCE
#include "../platform.h"
#include "netif.h"

#include <string.h>
#include <unistd.h>

static int fold_equal(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return 0;
        if (!x)
            return 1;
    }
    return 1;
}

/* The length of a name's first label: "box" in "box.example.org". */
static size_t first_label(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot ? (size_t)(dot - name) : strlen(name);
}

int ms_plat_is_this_host(const char *host)
{
    static const char *const loopback[] = {"localhost", "127.0.0.1", "::1",
                                           "localhost.localdomain"};
    for (size_t i = 0; i < sizeof loopback / sizeof loopback[0]; i++)
        if (strcmp(host, loopback[i]) == 0)
            return 1;
    if (ms_netif_is_own_address(host))
        return 1;
    char me[256];
    if (gethostname(me, sizeof me) != 0)
        return 0;
    me[sizeof me - 1] = '\0';
    size_t hlen = strlen(host);
    if (hlen == strlen(me) && fold_equal(host, me, hlen + 1))
        return 1;
    /* "box" and "box.example.org" name the same host; two different full
     * names do not. */
    size_t hl = first_label(host), ml = first_label(me);
    int one_is_short = hl == hlen || ml == strlen(me);
    return one_is_short && hl == ml && fold_equal(host, me, hl);
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
