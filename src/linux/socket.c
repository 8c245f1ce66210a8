/* SPDX-License-Identifier: MIT */
/* socket.c -- the UDP sockets of os.h: what the core's senders (net/udp.c)
 * and the forwarder use.
 *
 * POSIX sockets and getaddrinfo, with SOCK_CLOEXEC and MSG_NOSIGNAL (Linux
 * and the BSDs); Linux only: struct ip_mreqn (interfaces by index). */
#define _GNU_SOURCE
#include "error.h"
#include "os.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ms_addr_ipv4 and the resolver's list, over the headers above. */
#include "os_sockets.h"

int ms_addr_list_get(const char *host, const char *port, ms_addr_list **out)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0)
        return ms_fail(MAILSLOT_E_NOT_FOUND, "cannot resolve host \"%s\": %s", host,
                       gai == EAI_SYSTEM ? strerror(errno) : gai_strerror(gai));
    *out = (ms_addr_list *)res;
    return MAILSLOT_OK;
}

int ms_sock_udp(int family, ms_sock *out)
{
    int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    *out = fd < 0 ? MS_SOCK_NONE : (ms_sock)fd;
    return fd < 0 ? errno : 0;
}

int ms_sock_multicast_out(ms_sock s, int ttl)
{
    int loop = 0;
    if (setsockopt((int)s, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) != 0 ||
        setsockopt((int)s, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop) != 0)
        return errno;
    return 0;
}

int ms_sock_multicast_if(ms_sock s, uint32_t ifc)
{
    struct ip_mreqn via = {.imr_ifindex = (int)ifc};
    return setsockopt((int)s, IPPROTO_IP, IP_MULTICAST_IF, &via, sizeof via) != 0 ? errno : 0;
}

int ms_sock_join(ms_sock s, uint32_t group, uint32_t ifc)
{
    struct ip_mreqn m = {.imr_multiaddr.s_addr = htonl(group), .imr_ifindex = (int)ifc};
    return setsockopt((int)s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m) != 0 ? errno : 0;
}

int ms_sock_broadcast(ms_sock s)
{
    int on = 1;
    return setsockopt((int)s, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) != 0 ? errno : 0;
}

int ms_sock_recv(ms_sock s, void *buf, size_t cap, int timeout_ms, size_t *len)
{
    struct pollfd pfd = {.fd = (int)s, .events = POLLIN};
    int n = poll(&pfd, 1, timeout_ms);
    if (n < 0)
        return errno == EINTR ? -1 : errno; /* a signal: the caller's deadline decides */
    if (n == 0)
        return -1;
    ssize_t got = recv((int)s, buf, cap, MSG_DONTWAIT);
    if (got < 0)
        return errno == EAGAIN || errno == EINTR ? -1 : errno;
    *len = (size_t)got;
    return 0;
}

int ms_sock_send(ms_sock s, const void *buf, size_t len, const ms_addr *to)
{
    const struct sockaddr *sa = (const void *)to->sa;
    return sendto((int)s, buf, len, MSG_NOSIGNAL, sa, to->len) < 0 ? errno : 0;
}

void ms_sock_send_many(ms_sock s, ms_sock_msg *m, size_t n)
{
    enum { CHUNK = 64 }; /* a batch of the bridge's; UIO_MAXIOV caps a call at 1024 */
    struct mmsghdr h[CHUNK];
    struct iovec iov[CHUNK];
    size_t done = 0;
    while (done < n) {
        size_t k = n - done < CHUNK ? n - done : CHUNK;
        for (size_t i = 0; i < k; i++) {
            ms_sock_msg *d = &m[done + i];
            iov[i] = (struct iovec){.iov_base = (void *)d->buf, .iov_len = d->len};
            h[i] = (struct mmsghdr){.msg_hdr = {.msg_name = (void *)d->to->sa,
                                                .msg_namelen = d->to->len,
                                                .msg_iov = &iov[i],
                                                .msg_iovlen = 1}};
        }
        int sent = sendmmsg((int)s, h, (unsigned)k, MSG_NOSIGNAL);
        /* It stops at the first datagram that fails: that one has the error
         * (a later call would report it again, or not), the next go on. */
        if (sent <= 0) {
            m[done].err = sent < 0 ? errno : EIO;
            done++;
            continue;
        }
        for (int i = 0; i < sent; i++)
            m[done + (size_t)i].err = 0;
        done += (size_t)sent;
    }
}

void ms_sock_close(ms_sock s)
{
    if (s != MS_SOCK_NONE)
        close((int)s);
}
