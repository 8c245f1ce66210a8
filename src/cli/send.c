/* SPDX-License-Identifier: MIT */
/* send.c -- `mailslot send NAME [--key-file FILE] [--suite N] [MESSAGE...]`:
 * open a writer on NAME and send
 * each MESSAGE as one message, or, with no MESSAGE, each line of standard
 * input (without its newline). */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <mailslot.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char send_usage[] =
    "usage: mailslot send NAME [--key-file FILE] [--suite 1|2] [MESSAGE...]";

static const char send_help[] =
    "usage: mailslot send NAME [--key-file FILE] [--suite 1|2] [MESSAGE...]\n"
    "\n"
    "Open a writer on NAME and send each MESSAGE as one message; with no\n"
    "MESSAGE, send each line of standard input (without its newline).\n"
    "A local name (\\\\.\\mailslot\\PATH or a bare PATH) needs a running reader;\n"
    "\\\\*\\mailslot\\PATH succeeds even when no reader exists. Put '--' before\n"
    "messages that begin with '-'.\n"
    "\n"
    "      --key-file FILE sign network messages with a key of FILE (default\n"
    "                      MAILSLOT_KEY_FILE)\n"
    "      --suite 1|2     with keys: 1 signs (default), 2 signs and encrypts\n"
    "                      (default MAILSLOT_SUITE)\n"
    "  -h, --help          show this help\n";

/* Parses the options; on success argv[*first] is NAME. */
static int parse_options(int argc, char **argv, int *first, cli_key_opts *keys)
{
    static const struct option longopts[] = {
        {"key-file", required_argument, NULL, CLI_OPT_KEY_FILE},
        {"suite", required_argument, NULL, CLI_OPT_SUITE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    *keys = (cli_key_opts){.key_file = NULL, .suite = 0};
    opterr = 0;
    int opt, rc = CLI_OK;
    while (rc == CLI_OK && (opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(send_help, stdout);
            fputs(cli_environment_help, stdout);
            return CLI_HELP_SHOWN;
        }
        if (opt == CLI_OPT_KEY_FILE || opt == CLI_OPT_SUITE)
            rc = cli_key_option(send_usage, opt, optarg, keys);
        else
            rc = cli_bad_option(send_usage, opt, argv);
    }
    if (rc != CLI_OK)
        return rc;
    if (optind >= argc)
        return cli_usage_error(send_usage, "missing NAME");
    *first = optind;
    return CLI_OK;
}

static int send_one(mailslot_writer *w, const char *data, size_t len)
{
    int rc = mailslot_write(w, data, len);
    return rc == MAILSLOT_OK ? CLI_OK : cli_fail(rc);
}

/* Reads one line of any length into *line (growing it), without its "\n".
 * Returns its length, or -1 at the end of input; -2 when out of
 * memory. (getline() is POSIX only.) */
static long read_line(FILE *in, char **line, size_t *cap)
{
    size_t n = 0;
    int c;
    while ((c = getc(in)) != EOF && c != '\n') {
        if (n + 1 >= *cap) {
            size_t grown = *cap ? *cap * 2 : 256;
            char *p = realloc(*line, grown);
            if (!p)
                return -2;
            *line = p;
            *cap = grown;
        }
        (*line)[n++] = (char)c;
    }
    if (c == EOF && n == 0)
        return -1;
    return (long)n;
}

static int send_lines(mailslot_writer *w, FILE *in)
{
    char *line = NULL;
    size_t cap = 0;
    long n = 0;
    int rc = CLI_OK;
    while (rc == CLI_OK && (n = read_line(in, &line, &cap)) >= 0)
        rc = send_one(w, line, (size_t)n);
    if (n == -2) {
        fprintf(stderr, "mailslot: out of memory for a line of standard input\n");
        rc = CLI_FAILURE;
    }
    if (rc == CLI_OK && ferror(in)) {
        fprintf(stderr, "mailslot: cannot read standard input: %s\n", strerror(errno));
        rc = CLI_FAILURE;
    }
    free(line);
    return rc;
}

int cli_send(int argc, char **argv)
{
    int first = 0;
    cli_key_opts keys;
    int rc = parse_options(argc, argv, &first, &keys);
    if (rc != CLI_OK)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    mailslot_options *o = NULL;
    rc = cli_key_options(send_usage, &keys, &o);
    if (rc != CLI_OK)
        return rc;
    mailslot_writer *w = NULL;
    int lib = mailslot_open(argv[first], o, &w);
    mailslot_options_free(o);
    if (lib != MAILSLOT_OK)
        return cli_fail_name(send_usage, lib);
    if (first + 1 == argc)
        rc = send_lines(w, stdin);
    for (int i = first + 1; i < argc && rc == CLI_OK; i++)
        rc = send_one(w, argv[i], strlen(argv[i]));
    mailslot_writer_close(w);
    return rc;
}
