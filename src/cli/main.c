/* SPDX-License-Identifier: MIT */
/* main.c -- the `mailslot` command-line tool: global options, dispatch to a
 * command, and the error reporting every command shares.
 *
 *   mailslot listen NAME [--count N] [--timeout MS] [--hex]
 *   mailslot send NAME [MESSAGE...]
 *   mailslot forward [--port N] [--domain LIST] [--interface IF]
 *   mailslot stats NAME [--timeout MS]
 *   mailslot keygen FILE [--add] [--send-from T] [--send-until T]
 *                   [--accept-from T] [--accept-until T] [--domain NAME] [--slot PATH]
 *   mailslot --help | --version
 *
 * Exit status: 0 success, 1 a library failure, 2 a usage error. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <mailslot.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char main_usage[] =
    "usage: mailslot {listen|send|forward|stats|keygen} ... (see mailslot --help)";

static const char main_help[] =
    "usage: mailslot COMMAND [OPTIONS] NAME [ARGS...]\n"
    "\n"
    "Windows-style mailslots: a reader owns a name and reads whole messages;\n"
    "writers send small one-way messages to that name.\n"
    "\n"
    "Commands:\n"
    "  listen NAME [--count N] [--timeout MS] [--hex]\n"
    "                      create a reader on NAME and print each message\n"
    "  send NAME [MESSAGE...]\n"
    "                      send each MESSAGE, or each line of standard input\n"
    "  forward [--port N] [--domain LIST] [--interface IF]\n"
    "                      receive network messages for this host's readers\n"
    "  stats NAME [--timeout MS]\n"
    "                      print the settings and counters of NAME's reader\n"
    "  keygen FILE [--add] [--send-from T] [--send-until T] [--accept-from T]\n"
    "         [--accept-until T] [--domain NAME] [--slot PATH]\n"
    "                      make a network key and write it to the key file FILE\n"
    "\n"
    "Options:\n"
    "  -h, --help          show this help (or a command's, after the command)\n"
    "  -V, --version       show the library's version\n"
    "\n"
    "NAME is \\\\HOST\\mailslot\\PATH (HOST is '.', '*', a host or a domain) or a bare\n"
    "PATH, which means \\\\.\\mailslot\\PATH. Quote backslashes in the shell.\n"
    "\n"
    "Network settings come from the environment: MAILSLOT_NETWORK (0 keeps to\n"
    "this host), MAILSLOT_PORT, MAILSLOT_DOMAIN, MAILSLOT_INTERFACE, MAILSLOT_TTL,\n"
    "and keys from MAILSLOT_KEY_FILE (see mailslot keygen --help).\n"
    "\n"
    "Exit status: 0 success, 1 the library failed, 2 usage error.\n";

/* The library's detail sentences are whole statements ("no reader owns
 * \\.\mailslot\x", "key file /k: No such file or directory"): printed
 * after the code's text they would repeat it, or blame the wrong thing. */
int cli_fail(int code)
{
    const char *detail = mailslot_last_error_detail();
    fprintf(stderr, "mailslot: %s\n", detail[0] ? detail : mailslot_strerror(code));
    return CLI_FAILURE;
}

int cli_fail_name(const char *usage, int code)
{
    if (code != MAILSLOT_E_NAME)
        return cli_fail(code);
    return cli_usage_error(usage, "%s", mailslot_last_error_detail());
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("mailslot: ", stderr);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n%s\n", usage);
    va_end(ap);
    return CLI_USAGE;
}

int cli_bad_option(const char *usage, int opt, char **argv)
{
    /* getopt_long leaves the offending word at argv[optind - 1]; for a bad
     * short option inside a group ("-xq"), optopt names the letter. */
    const char *word = argv[optind - 1];
    int is_long = strncmp(word, "--", 2) == 0;
    if (opt == ':')
        return is_long || !optopt ? cli_usage_error(usage, "option '%s' needs a value", word)
                                  : cli_usage_error(usage, "option '-%c' needs a value", optopt);
    if (!is_long && optopt)
        return cli_usage_error(usage, "unknown option '-%c'", optopt);
    return cli_usage_error(usage, "unknown option '%s'", word);
}

int cli_parse_number(const char *usage, const char *option, const char *text, long min, long max,
                     long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max)
        return cli_usage_error(usage, "%s needs a number from %ld to %ld, not '%s'", option, min,
                               max, text);
    *out = v;
    return CLI_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(main_usage, "missing command");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(main_help, stdout);
        return CLI_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("mailslot %s\n", mailslot_version_string());
        return CLI_OK;
    }
    /* Each command parses its own options, with argv[0] = its name. */
    if (strcmp(cmd, "listen") == 0)
        return cli_listen(argc - 1, argv + 1);
    if (strcmp(cmd, "send") == 0)
        return cli_send(argc - 1, argv + 1);
    if (strcmp(cmd, "forward") == 0)
        return cli_forward(argc - 1, argv + 1);
    if (strcmp(cmd, "stats") == 0)
        return cli_stats(argc - 1, argv + 1);
    if (strcmp(cmd, "keygen") == 0)
        return cli_keygen(argc - 1, argv + 1);
    if (cmd[0] == '-')
        return cli_usage_error(main_usage, "unknown option '%s'", cmd);
    return cli_usage_error(main_usage, "unknown command '%s'", cmd);
}
