/* SPDX-License-Identifier: MIT */
/* raw_connect.h -- for the suites of the POSIX local protocol: a connection
 * to a real reader made by hand, past its HELLO, to send it records the
 * library would never send. */
#ifndef MS_TEST_RAW_CONNECT_H
#define MS_TEST_RAW_CONNECT_H

#include "test_util.h"

#include "name.h"
#include "linux/local.h"

#include <sys/socket.h>
#include <sys/un.h>

/* A raw connection to the reader of name, past its HELLO (the shared page
 * it passes is closed). */
static inline int raw_connect(const char *name)
{
    ms_name n;
    OK(ms_name_parse(name, &n));
    struct sockaddr_un sa;
    socklen_t len;
    ms_local_address(&n, &sa, &len);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, len), 0);
    char hello[sizeof(ms_hello)];
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {.iov_base = hello, .iov_len = sizeof hello};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    assert_int_equal(recvmsg(fd, &msg, MSG_CMSG_CLOEXEC), (ssize_t)sizeof hello);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    assert_non_null(c);
    int memfd;
    memcpy(&memfd, CMSG_DATA(c), sizeof memfd);
    close(memfd);
    return fd;
}

#endif
