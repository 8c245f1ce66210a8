/* SPDX-License-Identifier: MIT */
/* listen.c -- `mailslot listen NAME [--count N] [--timeout MS] [--hex]
 * [--json] [--key-file FILE]`: create a reader on NAME and print each message
 * on its own line (as it is, as hex, or as a JSON object).
 *
 * The wait is for two things at once (wait.h): the reader's mailslot_fd(),
 * which signals while a message waits, and a stop request (SIGINT/SIGTERM,
 * or Ctrl-C on Windows); after a stop the loop closes the reader and exits 0. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "json.h"
#include "wait.h"

#include <mailslot.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char listen_usage[] =
    "usage: mailslot listen NAME [--count N] [--timeout MS] [--hex] [--json] [--key-file FILE]";

static const char listen_help[] =
    "usage: mailslot listen NAME [--count N] [--timeout MS] [--hex] [--json] [--key-file FILE]\n"
    "\n"
    "Create a reader on NAME and print each message on its own line as it\n"
    "arrives. Stops with status 0 on SIGINT or SIGTERM.\n"
    "\n"
    "  -c, --count N       exit 0 after N messages\n"
    "  -t, --timeout MS    give up when no message arrives for MS milliseconds:\n"
    "                      exit 0, or with --count exit 1 if fewer than N came\n"
    "  -x, --hex           print each message as lowercase hex\n"
    "  -j, --json          print each message as a line of JSON:\n"
    "                      {\"slot\": NAME, \"len\": N, \"text\": \"...\"} when it is\n"
    "                      UTF-8, with \"base64\": \"...\" instead of \"text\" otherwise\n"
    "      --key-file FILE accept network messages signed with the keys of FILE\n"
    "                      only (default MAILSLOT_KEY_FILE)\n"
    "  -h, --help          show this help\n";

/* run()'s "keep going" result beside the CLI_* exit statuses. */
#define KEEP_GOING (-1)

typedef struct listen_opts {
    const char *name;
    long count;   /* 0: no limit */
    long timeout; /* ms without a message before giving up; -1: never */
    int hex;
    int json;
    cli_key_opts keys;
} listen_opts;

typedef struct listener {
    const listen_opts *opts;
    mailslot_reader *reader;
    intptr_t ready; /* mailslot_fd: signals while a message waits */
    unsigned char *buf;
    size_t cap;
    char *line;     /* --json: a message's line, sized for the largest */
    char slot[512]; /* --json: the reader's canonical name (local: at most 268 bytes) */
    long received;
} listener;

/* ---- options -------------------------------------------------------------- */

static int parse_options(int argc, char **argv, listen_opts *o)
{
    static const struct option longopts[] = {
        {"count", required_argument, NULL, 'c'},
        {"timeout", required_argument, NULL, 't'},
        {"hex", no_argument, NULL, 'x'},
        {"json", no_argument, NULL, 'j'},
        {"key-file", required_argument, NULL, CLI_OPT_KEY_FILE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    *o = (listen_opts){.name = NULL, .count = 0, .timeout = -1, .hex = 0, .json = 0, .keys = {0}};
    opterr = 0;
    int opt, rc;
    while ((opt = getopt_long(argc, argv, ":c:t:xjh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            rc = cli_parse_number(listen_usage, "--count", optarg, 1, INT_MAX, &o->count);
            break;
        case 't':
            rc = cli_parse_number(listen_usage, "--timeout", optarg, 0, INT_MAX, &o->timeout);
            break;
        case 'x':
            o->hex = 1;
            rc = CLI_OK;
            break;
        case 'j':
            o->json = 1;
            rc = CLI_OK;
            break;
        case CLI_OPT_KEY_FILE:
            rc = cli_key_option(listen_usage, opt, optarg, &o->keys);
            break;
        case 'h':
            fputs(listen_help, stdout);
            fputs(cli_environment_help, stdout);
            return CLI_HELP_SHOWN;
        default:
            return cli_bad_option(listen_usage, opt, argv);
        }
        if (rc != CLI_OK)
            return rc;
    }
    if (optind >= argc)
        return cli_usage_error(listen_usage, "missing NAME");
    if (optind + 1 < argc)
        return cli_usage_error(listen_usage, "unexpected argument '%s'", argv[optind + 1]);
    if (o->hex && o->json)
        return cli_usage_error(listen_usage, "--hex and --json do not go together");
    o->name = argv[optind];
    return CLI_OK;
}

/* ---- output --------------------------------------------------------------- */

static int print_message(const listener *l, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    if (l->opts->json) {
        /* The whole line at once, its newline included. */
        fwrite(l->line, 1, cli_json_message(l->line, l->slot, l->buf, len), stdout);
    } else {
        if (l->opts->hex) {
            for (size_t i = 0; i < len; i++) {
                putchar(digits[l->buf[i] >> 4]);
                putchar(digits[l->buf[i] & 0xf]);
            }
        } else {
            fwrite(l->buf, 1, len, stdout);
        }
        putchar('\n');
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "mailslot: cannot write the output: %s\n", strerror(errno));
        return CLI_FAILURE;
    }
    return CLI_OK;
}

/* ---- the loop ------------------------------------------------------------- */

/* Makes the buffer hold at least `need` bytes (after MAILSLOT_E_BUFFER), and
 * with --json the line such a message makes. */
static int grow(listener *l, size_t need)
{
    size_t cap = need ? need : 1;
    unsigned char *b = realloc(l->buf, cap);
    if (b)
        l->buf = b;
    if (b && l->opts->json) {
        char *line = realloc(l->line, CLI_JSON_MESSAGE_MAX(strlen(l->slot), cap));
        if (line)
            l->line = line;
        else
            b = NULL;
    }
    if (!b) {
        fprintf(stderr, "mailslot: out of memory for a message of %zu bytes\n", need);
        return CLI_FAILURE;
    }
    l->cap = cap;
    return CLI_OK;
}

/* Reads and prints every message waiting now. Sets *got when one came.
 * Returns KEEP_GOING, or the exit status. */
static int drain(listener *l, int *got)
{
    while (!cli_stop_requested()) {
        size_t len = 0;
        int rc = mailslot_read(l->reader, l->buf, l->cap, &len, 0);
        if (rc == MAILSLOT_E_TIMEOUT)
            return KEEP_GOING; /* the queue is empty */
        if (rc == MAILSLOT_E_BUFFER) {
            if (grow(l, len) != CLI_OK)
                return CLI_FAILURE;
            continue;
        }
        if (rc != MAILSLOT_OK)
            return cli_fail(rc);
        *got = 1;
        if (print_message(l, len) != CLI_OK)
            return CLI_FAILURE;
        if (++l->received == l->opts->count)
            return CLI_OK;
    }
    return CLI_OK; /* SIGINT or SIGTERM */
}

static int timed_out(const listener *l)
{
    if (l->opts->count == 0)
        return CLI_OK;
    fprintf(stderr, "mailslot: timed out after %ld of %ld messages\n", l->received, l->opts->count);
    return CLI_FAILURE;
}

static int run(listener *l)
{
    const long timeout = l->opts->timeout;
    int64_t deadline = timeout >= 0 ? cli_now_ms() + timeout : 0;
    for (;;) {
        int got = 0;
        int rc = drain(l, &got);
        if (rc != KEEP_GOING)
            return rc;
        int wait = -1;
        if (timeout >= 0) {
            int64_t now = cli_now_ms();
            if (got)
                deadline = now + timeout;
            if (now >= deadline)
                return timed_out(l);
            wait = (int)(deadline - now);
        }
        int w = cli_wait(l->ready, wait);
        if (w == CLI_WAIT_FAILED)
            return CLI_FAILURE;
        if (w == CLI_WAIT_STOP)
            return CLI_OK;
        /* A message or a timeout: the next round sorts it out. */
    }
}

/* Creates the reader and sizes the buffers for its largest message. */
static int open_listener(listener *l)
{
    mailslot_options *o = NULL;
    int rc = cli_key_options(listen_usage, &l->opts->keys, &o);
    if (rc != CLI_OK)
        return rc;
    int lib = mailslot_create(l->opts->name, o, &l->reader);
    mailslot_options_free(o);
    uint32_t max_size = 0;
    intptr_t fd = -1;
    size_t slot_len = 0;
    if (lib == MAILSLOT_OK)
        lib = mailslot_info(l->reader, &max_size, NULL, NULL, NULL);
    if (lib == MAILSLOT_OK)
        lib = mailslot_fd(l->reader, &fd);
    if (lib == MAILSLOT_OK)
        lib = mailslot_reader_name(l->reader, l->slot, sizeof l->slot, &slot_len);
    if (lib != MAILSLOT_OK)
        return cli_fail_name(listen_usage, lib);
    l->ready = fd;
    return grow(l, max_size);
}

int cli_listen(int argc, char **argv)
{
    listen_opts opts;
    int rc = parse_options(argc, argv, &opts);
    if (rc != CLI_OK)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    /* Handlers first: once the name is taken, a signal must end us cleanly. */
    if (cli_wait_init() != 0)
        return CLI_FAILURE;
    listener l = {.opts = &opts, .reader = NULL, .ready = -1, .buf = NULL, .cap = 0, .line = NULL};
    rc = open_listener(&l);
    if (rc == CLI_OK)
        rc = run(&l);
    mailslot_reader_close(l.reader);
    free(l.buf);
    free(l.line);
    return rc;
}
