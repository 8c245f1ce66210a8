/* SPDX-License-Identifier: MIT */
/* address.c -- local names to AF_UNIX addresses, sending records, and what a
 * client (writer or query) makes of connecting to a reader.
 *
 * Linux only: abstract AF_UNIX names (no file in the file system, gone with
 * their socket), MSG_NOSIGNAL. */
#include "linux/local.h"
#include "error.h"
#include "linux/readerdir.h"

#include <errno.h>
#include <stdio.h>
#include <sys/types.h>
#include <string.h>
#include <unistd.h>

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

uint64_t ms_local_path_hash(const char *path)
{
    return fnv1a(path, 0xCBF29CE484222325ull);
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
                             (unsigned long long)ms_local_path_hash(name->path),
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

int ms_local_send_ring(int fd, uint32_t size, int ring_fd, int doorbell)
{
    unsigned char rec[MS_RING_RECORD_SIZE] = {MS_REC_RING, 0, 0, 0};
    memcpy(rec + 4, &size, sizeof size);
    struct iovec iov = {.iov_base = rec, .iov_len = sizeof rec};
    union {
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(2 * sizeof(int));
    int fds[2] = {ring_fd, doorbell};
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    return sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)sizeof rec ? 0 : -1;
}

int ms_local_passed_fds(struct msghdr *msg, int *fds, int want)
{
    int n = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < k; i++, n++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            if (n < want)
                fds[n] = fd;
            else
                close(fd); /* never leak one we did not expect */
        }
    }
    int kept = n < want ? n : want;
    if (n != want)
        for (int i = 0; i < kept; i++)
            close(fds[i]);
    return n == want ? 0 : -1;
}

int ms_local_passed_fd(struct msghdr *msg)
{
    int fd;
    return ms_local_passed_fds(msg, &fd, 1) == 0 ? fd : -1;
}

int ms_local_connect_failed(const ms_name *name, int err, int32_t timeout_ms)
{
    if (err == ECONNREFUSED || err == ENOENT)
        return ms_fail(MAILSLOT_E_NOT_FOUND, "no reader owns %s", name->canonical);
    if (err == EACCES || err == EPERM)
        return ms_fail_os(MAILSLOT_E_ACCESS, err, "cannot connect to %s", name->canonical);
    if (err == EAGAIN || err == EINPROGRESS || err == ETIMEDOUT)
        return ms_fail(MAILSLOT_E_TIMEOUT, "the reader of %s did not answer within %d ms",
                       name->canonical, (int)timeout_ms);
    return ms_fail_os(MAILSLOT_E_SYSTEM, err, "cannot connect to %s", name->canonical);
}

int ms_local_check_hello(const ms_name *name, ms_hello *h, ssize_t got)
{
    if (got <= 0) /* the reader closed while we connected */
        return ms_fail(MAILSLOT_E_NOT_FOUND, "no reader owns %s", name->canonical);
    if (got == (ssize_t)MS_HELLO_V1_SIZE) /* a reader of release 1.0 */
        h->features = 0;
    else if (got != (ssize_t)sizeof *h)
        got = -1;
    if (got < 0 || h->magic != MS_HELLO_MAGIC || h->version != MS_LOCAL_VERSION ||
        h->path_len > MS_PATH_MAX)
        return ms_fail(MAILSLOT_E_SYSTEM, "the reader of %s speaks another protocol",
                       name->canonical);
    if (h->type == MS_REC_BUSY)
        return ms_fail(MAILSLOT_E_SYSTEM,
                       "the reader of %s cannot take another connection now (out of "
                       "descriptors or memory)",
                       name->canonical);
    if (h->type == MS_REC_DENIED)
        return ms_fail(MAILSLOT_E_ACCESS, "the reader of %s does not accept user %u",
                       name->canonical, (unsigned)geteuid());
    h->path[h->path_len] = '\0';
    if (h->type != MS_REC_HELLO || strcmp(h->path, name->path) != 0)
        return ms_fail(MAILSLOT_E_NOT_FOUND, "no reader owns %s (its address belongs to \\%s)",
                       name->canonical, h->path);
    return MAILSLOT_OK;
}
