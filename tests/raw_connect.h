/* SPDX-License-Identifier: MIT */
/* raw_connect.h -- for the suites of the POSIX local protocol: a connection
 * to a real reader made by hand, past its HELLO, to send it records the
 * library would never send; and the listening socket of a fake reader. */
#ifndef MS_TEST_RAW_CONNECT_H
#define MS_TEST_RAW_CONNECT_H

#include "test_util.h"

#include "name.h"
#include "linux/local.h"

#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

/* A listening socket at the address of name's reader, for a fake reader
 * that answers writers by hand; name's path goes to path (MS_PATH_MAX + 1
 * bytes). */
static inline int raw_listen(const char *name, char *path)
{
    ms_name n;
    OK(ms_name_parse(name, &n));
    struct sockaddr_un sa;
    socklen_t len;
    ms_local_address(&n, &sa, &len);
    strcpy(path, n.path);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, len), 0);
    assert_int_equal(listen(fd, 4), 0);
    return fd;
}

/* Takes the RING record that follows a HELLO offering one (local.h); the
 * ring and doorbell go to fds when it is not NULL, else they are closed.
 * Returns the ring's size. */
static inline uint32_t raw_take_ring(int fd, int fds[2])
{
    unsigned char rec[MS_RING_RECORD_SIZE];
    char control[CMSG_SPACE(2 * sizeof(int))];
    struct iovec iov = {.iov_base = rec, .iov_len = sizeof rec};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    assert_int_equal(recvmsg(fd, &msg, MSG_CMSG_CLOEXEC), (ssize_t)sizeof rec);
    assert_int_equal(rec[0], MS_REC_RING);
    int got[2];
    assert_int_equal(ms_local_passed_fds(&msg, got, 2), 0);
    if (fds) {
        fds[0] = got[0];
        fds[1] = got[1];
    } else {
        close(got[0]);
        close(got[1]);
    }
    uint32_t size;
    memcpy(&size, rec + 4, sizeof size);
    return size;
}

/* A raw connection to the reader of name, past its greeting: the HELLO
 * (into *hello when not NULL; the shared page it passes is mapped into
 * *page when page is not NULL, else closed) and the RING record (its
 * descriptors go to ring_fds when not NULL, else they are closed; its size
 * to *ring_size when not NULL). */
static inline int raw_connect_page(const char *name, ms_hello *hello, ms_shared **page,
                                   int ring_fds[2], uint32_t *ring_size)
{
    ms_name n;
    OK(ms_name_parse(name, &n));
    struct sockaddr_un sa;
    socklen_t len;
    ms_local_address(&n, &sa, &len);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, len), 0);
    ms_hello h;
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {.iov_base = &h, .iov_len = sizeof h};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    assert_int_equal(recvmsg(fd, &msg, MSG_CMSG_CLOEXEC), (ssize_t)sizeof h);
    int memfd = ms_local_passed_fd(&msg);
    assert_true(memfd >= 0);
    if (page) {
        *page = mmap(NULL, MS_SHARED_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
        assert_true(*page != MAP_FAILED);
    }
    close(memfd);
    assert_true(h.features & MS_HELLO_RING);
    if (hello)
        *hello = h;
    uint32_t size = raw_take_ring(fd, ring_fds);
    if (ring_size)
        *ring_size = size;
    return fd;
}

/* raw_connect_page without the HELLO and the shared page. */
static inline int raw_connect_ring(const char *name, int ring_fds[2], uint32_t *ring_size)
{
    return raw_connect_page(name, NULL, NULL, ring_fds, ring_size);
}

static inline int raw_connect(const char *name)
{
    return raw_connect_ring(name, NULL, NULL);
}

#endif
