/* address.c -- local names to AF_UNIX addresses, and sending records. */
#include "local.h"

#include <stdio.h>
#include <sys/types.h>
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

int ms_local_send_record(int fd, const void *rec, size_t len, int pass_fd)
{
    struct iovec iov = {.iov_base = (void *)rec, .iov_len = len};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    if (pass_fd >= 0) {
        msg.msg_control = u.buf;
        msg.msg_controllen = sizeof u.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
    }
    return sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}
