/* logger.c -- the classic use of a mailslot: a log collector.
 *
 * A reader thread owns the slot "logger" and prints every word it receives
 * until the word STOP. The main thread plays an application that logs: it
 * opens a writer on \\*\mailslot\logger ("every host"), writes a few words
 * and STOP, and waits for the collector to finish.
 *
 * A "*" writer opens even when no reader runs anywhere, and a message sent
 * while no reader exists is simply lost, like a datagram. So the reader is
 * created before the writer opens.
 *
 * usage: logger [PATH]     PATH replaces "logger" as the slot's name
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

/* The collector: reads whole messages until STOP. */
static void *collect(void *arg)
{
    mailslot_reader *reader = arg;
    char word[256 + 1]; /* the reader's limit below, plus a NUL */
    for (;;) {
        size_t len = 0;
        /* MAILSLOT_USE_DEFAULT: the reader's read timeout, set below. */
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

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "logger";

    /* The reader: a bare PATH means \\.\mailslot\PATH. Log lines are short,
     * so it accepts messages of up to 256 bytes; longer ones fail at the
     * writer with MAILSLOT_E_TOO_BIG. A real collector would wait forever;
     * this one gives up after 10 s without a message (MAILSLOT_E_TIMEOUT),
     * so that it ends even if the writer fails. */
    mailslot_options *opts = NULL;
    mailslot_reader *reader = NULL;
    int rc = report(mailslot_options_new(&opts), "options");
    if (rc == MAILSLOT_OK)
        rc = report(mailslot_options_set_int(opts, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 256), "option");
    if (rc == MAILSLOT_OK)
        rc = report(mailslot_options_set_int(opts, MAILSLOT_OPT_READ_TIMEOUT, 10000), "option");
    if (rc == MAILSLOT_OK)
        rc = report(mailslot_create(path, opts, &reader), "create");
    mailslot_options_free(opts); /* create copied what it needs */
    if (rc != MAILSLOT_OK)
        return 1;

    pthread_t collector;
    if (pthread_create(&collector, NULL, collect, reader) != 0) {
        fprintf(stderr, "logger: cannot start the collector thread\n");
        mailslot_reader_close(reader);
        return 1;
    }

    /* The application: writes to every host's "logger" slot. */
    char name[300];
    snprintf(name, sizeof name, "\\\\*\\mailslot\\%s", path);
    mailslot_writer *writer = NULL;
    rc = report(mailslot_open(name, NULL, &writer), "open");
    const char *words[] = {"the", "quick", "brown", "fox", "STOP"};
    for (size_t i = 0; rc == MAILSLOT_OK && i < sizeof words / sizeof words[0]; i++)
        rc = report(mailslot_write(writer, words[i], strlen(words[i])), "write");
    mailslot_writer_close(writer); /* written messages stay queued */

    /* Wait for the collector to read STOP (or time out), then close. */
    void *result = NULL;
    pthread_join(collector, &result);
    mailslot_reader_close(reader);
    return rc == MAILSLOT_OK && result == NULL ? 0 : 1;
}
