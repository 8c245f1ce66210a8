/* SPDX-License-Identifier: MIT */
/* interleaved.c -- one thread that both writes and reads one slot.
 *
 * The loop never blocks: at random moments it writes a numbered message,
 * and on every turn it looks for a message with a non-blocking read
 * (timeout 0), which returns MAILSLOT_E_TIMEOUT when the queue is empty.
 * After WRITES messages it writes STOP, and it ends when it reads STOP.
 * Messages from one writer arrive in order, so message i is read i-th.
 *
 * usage: interleaved [PATH]     PATH replaces "interleaved" as the slot's name
 */
#include <mailslot.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WRITES 20

static int report(int rc, const char *what)
{
    if (rc != MAILSLOT_OK)
        fprintf(stderr, "interleaved: %s: %s: %s\n", what, mailslot_strerror(rc),
                mailslot_last_error_detail());
    return rc;
}

/* Writes the next message, or STOP after the last one, at random moments. */
static int maybe_write(mailslot_writer *writer, int *written)
{
    if (*written > WRITES || rand() % 3 != 0)
        return MAILSLOT_OK; /* not this turn */
    char msg[32];
    if (*written < WRITES)
        snprintf(msg, sizeof msg, "message %d", *written);
    else
        snprintf(msg, sizeof msg, "STOP");
    ++*written;
    return report(mailslot_write(writer, msg, strlen(msg)), "write");
}

/* Reads one message if one waits, else counts an empty look in *empty.
 * Sets *stop when it was STOP; checks that the others come in the order
 * they were written. */
static int maybe_read(mailslot_reader *reader, int *read, int *empty, int *stop)
{
    char buf[64], want[32];
    size_t len = 0;
    int rc = mailslot_read(reader, buf, sizeof buf - 1, &len, 0);
    if (rc == MAILSLOT_E_TIMEOUT) {
        ++*empty; /* nothing waits: not an error, do something else */
        return MAILSLOT_OK;
    }
    if (report(rc, "read") != MAILSLOT_OK)
        return rc;
    buf[len] = '\0';
    printf("read %s\n", buf);
    if (strcmp(buf, "STOP") == 0) {
        *stop = 1;
        return MAILSLOT_OK;
    }
    snprintf(want, sizeof want, "message %d", *read);
    if (strcmp(buf, want) != 0) {
        fprintf(stderr, "interleaved: expected \"%s\", read \"%s\"\n", want, buf);
        return MAILSLOT_E_SYSTEM;
    }
    ++*read;
    return MAILSLOT_OK;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "interleaved";
    srand((unsigned)time(NULL));

    /* The reader first: a writer on a local name needs one. */
    mailslot_reader *reader = NULL;
    mailslot_writer *writer = NULL;
    int rc = report(mailslot_create(path, NULL, &reader), "create");
    if (rc == MAILSLOT_OK)
        rc = report(mailslot_open(path, NULL, &writer), "open");

    int written = 0, read = 0, empty = 0, stop = 0;
    while (rc == MAILSLOT_OK && !stop) {
        rc = maybe_write(writer, &written);
        if (rc == MAILSLOT_OK)
            rc = maybe_read(reader, &read, &empty, &stop);
    }

    mailslot_writer_close(writer);
    mailslot_reader_close(reader);
    if (rc != MAILSLOT_OK)
        return 1;
    printf("wrote %d messages, read %d; %d reads found the queue empty\n", WRITES, read, empty);
    return read == WRITES ? 0 : 1;
}
