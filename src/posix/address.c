/* address.c -- local names to AF_UNIX addresses. */
#include "local.h"

#include <stdio.h>
#include <string.h>

#define PREFIX "mailslot\\"

/* 64-bit FNV-1a with a chosen offset; two offsets give a 128-bit digest. */
static uint64_t fnv1a(const char *s, uint64_t h)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001B3ull;
    }
    return h;
}

void ms_local_address(const ms_name *name, struct sockaddr_un *sa, socklen_t *len)
{
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    /* Linux abstract namespace: sun_path[0] is NUL. The kernel lets one
     * socket bind a name, and the name goes when the socket does. */
    char *p = sa->sun_path + 1;
    size_t room = sizeof sa->sun_path - 1;
    size_t plen = strlen(name->path);
    size_t n;
    if (sizeof PREFIX - 1 + plen <= room) {
        memcpy(p, PREFIX, sizeof PREFIX - 1);
        memcpy(p + sizeof PREFIX - 1, name->path, plen);
        n = sizeof PREFIX - 1 + plen;
    } else {
        /* Too long for an address: a digest stands in, and the HELLO's path
         * lets the writer tell a collision from its reader. */
        n = (size_t)snprintf(p, room, "mailslot#%016llx%016llx",
                             (unsigned long long)fnv1a(name->path, 0xCBF29CE484222325ull),
                             (unsigned long long)fnv1a(name->path, 0x84222325CBF29CE4ull));
    }
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}
