/* SPDX-License-Identifier: MIT */
/* logger.c -- the classic use of a mailslot: a log collector.
 *
 * The collector owns the slot "logger" and prints every word it receives
 * until the word STOP. The application that logs opens a writer on
 * \\*\mailslot\logger ("every host"), writes a few words and STOP; it does
 * not know where the collector runs, or whether one does.
 *
 * Run as one program, the collector is a thread and the main thread is the
 * application. Run as two, on the same host or on two hosts of one network:
 *
 *     hostb$ logger --reader          # the collector; it waits for words
 *     hosta$ logger --writer          # the application; the collector prints them
 *
 * A "*" writer opens even when no reader runs anywhere, and a message sent
 * while no reader exists is simply lost, like a datagram. So the reader is
 * created before the writer opens (start --reader first).
 *
 * usage: logger [--reader | --writer] [PATH]     PATH replaces "logger" as the slot's name
 */
#include <mailslot.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Prints what went wrong; the detail belongs to the calling thread. */
static int report(int rc, const char *what)
{
    if (rc != MAILSLOT_OK)
        fprintf(stderr, "logger: %s: %s: %s\n", what, mailslot_strerror(rc),
                mailslot_last_error_detail());
    return rc;
}

/* The collector's reader: a bare PATH means \\.\mailslot\PATH. Log lines are
 * short, so it accepts messages of up to 256 bytes; longer ones fail at a
 * local writer with MAILSLOT_E_TOO_BIG (and are dropped, and counted, when
 * they come from the network). A real collector would wait forever; this one
 * gives up after 10 s without a message (MAILSLOT_E_TIMEOUT), so that it ends
 * even if the writer fails. */
static int open_collector(const char *path, mailslot_reader **reader)
{
    mailslot_options *opts = NULL;
    int rc = report(mailslot_options_new(&opts), "options");
    if (rc == MAILSLOT_OK)
        rc = report(mailslot_options_set_int(opts, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 256), "option");
    if (rc == MAILSLOT_OK)
        rc = report(mailslot_options_set_int(opts, MAILSLOT_OPT_READ_TIMEOUT, 10000), "option");
    if (rc == MAILSLOT_OK)
        rc = report(mailslot_create(path, opts, reader), "create");
    mailslot_options_free(opts); /* create copied what it needs */
    return rc;
}

/* The collector: reads whole messages until STOP. */
static void *collect(void *arg)
{
    mailslot_reader *reader = arg;
    char word[256 + 1]; /* the reader's limit, plus a NUL */
    for (;;) {
        size_t len = 0;
        /* MAILSLOT_USE_DEFAULT: the reader's read timeout, set above. */
        int rc = mailslot_read(reader, word, sizeof word - 1, &len, MAILSLOT_USE_DEFAULT);
        if (report(rc, "read") != MAILSLOT_OK)
            return (void *)1;
        word[len] = '\0';
        if (strcmp(word, "STOP") == 0)
            return NULL;
        printf("%s\n", word);
        fflush(stdout);
    }
}

/* The application: writes to every host's PATH slot. */
static int application(const char *path)
{
    char name[300];
    snprintf(name, sizeof name, "\\\\*\\mailslot\\%s", path);
    mailslot_writer *writer = NULL;
    int rc = report(mailslot_open(name, NULL, &writer), "open");
    const char *words[] = {"the", "quick", "brown", "fox", "STOP"};
    for (size_t i = 0; rc == MAILSLOT_OK && i < sizeof words / sizeof words[0]; i++)
        rc = report(mailslot_write(writer, words[i], strlen(words[i])), "write");
    mailslot_writer_close(writer); /* written messages stay queued, or were sent */
    return rc;
}

int main(int argc, char **argv)
{
    int reader_only = 0, writer_only = 0;
    int arg = 1;
    if (arg < argc && strcmp(argv[arg], "--reader") == 0) {
        reader_only = 1;
        arg++;
    } else if (arg < argc && strcmp(argv[arg], "--writer") == 0) {
        writer_only = 1;
        arg++;
    }
    if (argc - arg > 1 || (arg < argc && argv[arg][0] == '-')) {
        fprintf(stderr, "usage: logger [--reader | --writer] [PATH]\n");
        return 2;
    }
    const char *path = arg < argc ? argv[arg] : "logger";

    if (writer_only)
        return application(path) == MAILSLOT_OK ? 0 : 1;

    mailslot_reader *reader = NULL;
    if (open_collector(path, &reader) != MAILSLOT_OK)
        return 1;
    if (reader_only) {
        void *result = collect(reader);
        mailslot_reader_close(reader);
        return result == NULL ? 0 : 1;
    }

    /* Both: the collector in a thread, the application in this one. */
    pthread_t collector;
    if (pthread_create(&collector, NULL, collect, reader) != 0) {
        fprintf(stderr, "logger: cannot start the collector thread\n");
        mailslot_reader_close(reader);
        return 1;
    }
    int rc = application(path);

    /* Wait for the collector to read STOP (or time out), then close. */
    void *result = NULL;
    pthread_join(collector, &result);
    mailslot_reader_close(reader);
    return rc == MAILSLOT_OK && result == NULL ? 0 : 1;
}
