/* SPDX-License-Identifier: MIT */
/* poll_drain.c -- waiting for messages with poll().
 *
 * mailslot_fd() gives a descriptor that is readable while at least one
 * message waits, so a reader fits into any poll/select/epoll event loop
 * beside sockets and pipes. When it is readable, drain the queue with
 * non-blocking reads (timeout 0) until MAILSLOT_E_TIMEOUT says it is empty.
 * A writer thread sends COUNT messages and then STOP.
 *
 * usage: poll_drain [PATH]     PATH replaces "poll_drain" as the slot's name
 */
#include <mailslot.h>

#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define COUNT 50

static const char *path = "poll_drain";

static int report(int rc, const char *what)
{
    if (rc != MAILSLOT_OK)
        fprintf(stderr, "poll_drain: %s: %s: %s\n", what, mailslot_strerror(rc),
                mailslot_last_error_detail());
    return rc;
}

/* The writer: COUNT messages, then STOP. */
static void *produce(void *arg)
{
    (void)arg;
    mailslot_writer *writer = NULL;
    int rc = report(mailslot_open(path, NULL, &writer), "open");
    char msg[32];
    for (int i = 0; rc == MAILSLOT_OK && i <= COUNT; i++) {
        if (i < COUNT)
            snprintf(msg, sizeof msg, "message %d", i);
        else
            snprintf(msg, sizeof msg, "STOP");
        rc = report(mailslot_write(writer, msg, strlen(msg)), "write");
    }
    mailslot_writer_close(writer);
    return rc == MAILSLOT_OK ? NULL : (void *)1;
}

/* Reads every message waiting now. Counts them; sets *stop on STOP. */
static int drain(mailslot_reader *reader, int *received, int *stop)
{
    for (;;) {
        char buf[64];
        size_t len = 0;
        int rc = mailslot_read(reader, buf, sizeof buf - 1, &len, 0);
        if (rc == MAILSLOT_E_TIMEOUT)
            return MAILSLOT_OK; /* drained: back to poll */
        if (report(rc, "read") != MAILSLOT_OK)
            return rc;
        buf[len] = '\0';
        printf("%s\n", buf);
        if (strcmp(buf, "STOP") == 0) {
            *stop = 1;
            return MAILSLOT_OK;
        }
        ++*received;
    }
}

int main(int argc, char **argv)
{
    if (argc > 1)
        path = argv[1];

    mailslot_reader *reader = NULL;
    intptr_t fd = -1;
    int rc = report(mailslot_create(path, NULL, &reader), "create");
    if (rc == MAILSLOT_OK)
        rc = report(mailslot_fd(reader, &fd), "fd"); /* owned by the reader: never close it */
    pthread_t producer;
    if (rc == MAILSLOT_OK && pthread_create(&producer, NULL, produce, NULL) != 0) {
        fprintf(stderr, "poll_drain: cannot start the writer thread\n");
        rc = MAILSLOT_E_SYSTEM;
    }
    int started = rc == MAILSLOT_OK;

    int received = 0, wakeups = 0, stop = 0;
    while (rc == MAILSLOT_OK && !stop) {
        struct pollfd p = {.fd = (int)fd, .events = POLLIN};
        int n = poll(&p, 1, 10000); /* a real loop would watch other descriptors too */
        if (n <= 0) {
            fprintf(stderr, "poll_drain: no message for 10 s\n");
            rc = MAILSLOT_E_TIMEOUT;
            break;
        }
        wakeups++;
        rc = drain(reader, &received, &stop);
    }

    void *result = NULL;
    if (started)
        pthread_join(producer, &result);
    mailslot_reader_close(reader);
    if (rc != MAILSLOT_OK || result != NULL)
        return 1;
    printf("received %d messages in %d wake-ups\n", received, wakeups);
    return received == COUNT ? 0 : 1;
}
