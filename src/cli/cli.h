/* SPDX-License-Identifier: MIT */
/* cli.h -- what the parts of the `mailslot` command-line tool share. */
#ifndef MAILSLOT_CLI_H
#define MAILSLOT_CLI_H

#include <mailslot.h>

/* Exit statuses. */
#define CLI_OK 0      /* success */
#define CLI_FAILURE 1 /* the library (or the OS) failed */
#define CLI_USAGE 2   /* the command line is wrong */

/* An option parser's result when it printed --help (the command exits 0). */
#define CLI_HELP_SHOWN (-2)

/* The commands: argv[0] is the command's name, options may come anywhere. */
int cli_listen(int argc, char **argv);
int cli_send(int argc, char **argv);
int cli_forward(int argc, char **argv);
int cli_bridge(int argc, char **argv); /* bridge.c, or bridge_none.c without libnats */
int cli_stats(int argc, char **argv);
int cli_keygen(int argc, char **argv);

/* Reports a failed library call: "mailslot: <detail>" (the library's
 * detail sentence, or the text of code when there is none) to stderr;
 * returns CLI_FAILURE. */
int cli_fail(int code);

/* As cli_fail, for a failed call of the library's internals (forward and
 * keygen only; internal.c): their detail is the internal copy's. */
int cli_fail_internal(int code);

/* The detail sentence of the last failed internal call in this thread. */
const char *cli_internal_detail(void);

/* As cli_fail, except that MAILSLOT_E_NAME (a malformed NAME from the command
 * line) is a usage error: the detail and the usage line; returns CLI_USAGE. */
int cli_fail_name(const char *usage, int code);

/* Prints "mailslot: <problem>" and the usage line to stderr; returns CLI_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...)
#if defined(__GNUC__) && !defined(__clang__)
    __attribute__((format(gnu_printf, 2, 3)))
#elif defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Reports the option getopt_long just rejected (its result `opt` is '?' or
 * ':'); returns CLI_USAGE. */
int cli_bad_option(const char *usage, int opt, char **argv);

/* The environment variables the library reads, one line each, for the
 * --help of the commands that make readers, writers or the forwarder. */
extern const char cli_environment_help[];

/* --key-file FILE and --suite N, as send, listen and forward take them. */
typedef struct cli_key_opts {
    char *key_file; /* NULL: not given (MAILSLOT_KEY_FILE, if set) */
    long suite;     /* 0: not given (MAILSLOT_SUITE, else 1) */
} cli_key_opts;

/* getopt_long codes of --key-file and --suite (long options only). */
enum { CLI_OPT_KEY_FILE = 0x100, CLI_OPT_SUITE };

/* Takes --key-file or --suite (opt, its argument arg) into k. CLI_OK, or
 * CLI_USAGE after reporting a bad value. */
int cli_key_option(const char *usage, int opt, char *arg, cli_key_opts *k);

/* The library options for k; *out is NULL when k sets nothing. CLI_OK,
 * CLI_USAGE (the library refused a value given on the command line) or
 * CLI_FAILURE. */
int cli_key_options(const char *usage, const cli_key_opts *k, mailslot_options **out);

/* Parses a decimal number in min..max for `option`. Returns CLI_OK, or
 * reports a usage error and returns CLI_USAGE. */
int cli_parse_number(const char *usage, const char *option, const char *text, long min, long max,
                     long *out);

#endif /* MAILSLOT_CLI_H */
