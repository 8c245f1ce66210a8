/* SPDX-License-Identifier: MIT */
/* cli.h -- what the parts of the `mailslot` command-line tool share. */
#ifndef MAILSLOT_CLI_H
#define MAILSLOT_CLI_H

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
int cli_stats(int argc, char **argv);
int cli_keygen(int argc, char **argv);

/* Reports a failed library call: "mailslot: <detail>" (the library's
 * detail sentence, or the text of code when there is none) to stderr;
 * returns CLI_FAILURE. */
int cli_fail(int code);

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

/* Parses a decimal number in min..max for `option`. Returns CLI_OK, or
 * reports a usage error and returns CLI_USAGE. */
int cli_parse_number(const char *usage, const char *option, const char *text, long min, long max,
                     long *out);

#endif /* MAILSLOT_CLI_H */
