/* SPDX-License-Identifier: MIT */
/* main.c -- the `mailslot` command-line tool: global options, dispatch to a
 * command, and the error reporting every command shares.
 *
 *   mailslot listen NAME [--count N] [--timeout MS] [--hex] [--json] [--key-file FILE]
 *   mailslot send NAME [--key-file FILE] [--suite 1|2] [MESSAGE...]
 *   mailslot forward [--port N] [--domain LIST] [--interface IF] [--key-file FILE]
 *   mailslot bridge --nats URL[,URL...] [--user U --password P | --token T | --nkey PUB
 *                   --nkey-seed FILE] [--tls-ca FILE] [--tls-cert FILE --tls-key FILE]
 *                   [--site NAME] [--port N] [--domain LIST] [--interface IF]
 *                   [--pending-limit N]
 *   mailslot stats NAME [--timeout MS] [--json]
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
    "usage: mailslot {listen|send|forward|bridge|stats|keygen} ... (see mailslot --help)";

static const char main_help[] =
    "usage: mailslot COMMAND [OPTIONS] NAME [ARGS...]\n"
    "\n"
    "Windows-style mailslots: a reader owns a name and reads whole messages;\n"
    "writers send small one-way messages to that name.\n"
    "\n"
    "Commands:\n"
    "  listen NAME [--count N] [--timeout MS] [--hex] [--json] [--key-file FILE]\n"
    "                      create a reader on NAME and print each message\n"
    "  send NAME [--key-file FILE] [--suite 1|2] [MESSAGE...]\n"
    "                      send each MESSAGE, or each line of standard input\n"
    "  forward [--port N] [--domain LIST] [--interface IF] [--key-file FILE]\n"
    "                      receive network messages for this host's readers\n"
    "  bridge --nats URL[,URL...] [--user U --password P | --token T |\n"
    "         --nkey PUB --nkey-seed FILE] [--tls-ca FILE] [--tls-cert FILE\n"
    "         --tls-key FILE] [--site NAME] [--port N] [--domain LIST] [--interface IF]\n"
    "         [--pending-limit N]\n"
    "                      forward for this host and carry messages to '*' and\n"
    "                      its domains between sites over NATS\n"
    "  stats NAME [--timeout MS] [--json]\n"
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
    "Network settings and keys also come from the environment (MAILSLOT_*,\n"
    "listed by mailslot send --help and in man mailslot); keygen makes keys.\n"
    "\n"
    "Exit status: 0 success, 1 a failure (the library, a file, the network),\n"
    "2 a usage error (a bad option, value or NAME).\n";

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

const char cli_environment_help[] =
    "\n"
    "Environment (a flag given overrides its variable):\n"
    "  MAILSLOT_NETWORK         0 keeps to this host, 1 (default) uses the network\n"
    "                           (forward always does)\n"
    "  MAILSLOT_PORT            the UDP port of the network (default 17317)\n"
    "  MAILSLOT_DOMAIN          the domains of this host, comma-separated\n"
    "                           (default workgroup)\n"
    "  MAILSLOT_INTERFACE       the interface for multicast, by name or IPv4\n"
    "                           address (default every one)\n"
    "  MAILSLOT_TTL             writers: the multicast TTL, 1..255 (default 1)\n"
    "  MAILSLOT_KEY_FILE        the key file of network keys (--key-file)\n"
    "  MAILSLOT_SUITE           writers with keys: 1 signs (default), 2 signs and\n"
    "                           encrypts (--suite)\n"
    "  MAILSLOT_REPLAY_WINDOW   readers with keys: sequences remembered per sender,\n"
    "                           64..1024 in steps of 64 (default 64)\n"
    "  MAILSLOT_TIME_WINDOW     readers with keys: how far a message's time may be\n"
    "                           from the clock, ms (default 120000)\n"
    "  MAILSLOT_AUTH_MIGRATION  readers with keys: 1 also accepts messages without\n"
    "                           authentication (default 0)\n"
    "  MAILSLOT_AUTH_LOG        readers with keys: 0 only counts dropped messages,\n"
    "                           1 (default) also tells them on stderr\n"
    "  MAILSLOT_LEGACY          1 also speaks the format of Windows hosts (UDP port\n"
    "                           138; forward: --legacy); default 0\n"
    "  MAILSLOT_NETBIOS_NAME    this host's NetBIOS name in that format (default\n"
    "                           the host name's first label)\n"
    "A bad value fails the command (status 1), naming the variable.\n";

int cli_key_option(const char *usage, int opt, char *arg, cli_key_opts *k)
{
    if (opt == CLI_OPT_SUITE)
        return cli_parse_number(usage, "--suite", arg, 1, 2, &k->suite);
    if (!arg[0])
        return cli_usage_error(usage, "--key-file needs a FILE");
    k->key_file = arg;
    return CLI_OK;
}

int cli_key_options(const char *usage, const cli_key_opts *k, mailslot_options **out)
{
    *out = NULL;
    if (!k->key_file && !k->suite)
        return CLI_OK;
    mailslot_options *o = NULL;
    int lib = mailslot_options_new(&o);
    if (lib != MAILSLOT_OK)
        return cli_fail(lib);
    /* The library checks the values as they are set: a refusal is the
     * command line's fault. */
    if (k->key_file)
        lib = mailslot_options_set_str(o, MAILSLOT_OPT_KEY_FILE, k->key_file);
    if (lib == MAILSLOT_OK && k->suite)
        lib = mailslot_options_set_int(o, MAILSLOT_OPT_SUITE, k->suite);
    int rc = lib == MAILSLOT_OK ? CLI_OK
             : lib == MAILSLOT_E_INVALID
                 ? cli_usage_error(usage, "%s", mailslot_last_error_detail())
                 : cli_fail(lib);
    if (rc != CLI_OK)
        mailslot_options_free(o);
    else
        *out = o;
    return rc;
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
    if (strcmp(cmd, "bridge") == 0)
        return cli_bridge(argc - 1, argv + 1);
    if (strcmp(cmd, "stats") == 0)
        return cli_stats(argc - 1, argv + 1);
    if (strcmp(cmd, "keygen") == 0)
        return cli_keygen(argc - 1, argv + 1);
    if (cmd[0] == '-')
        return cli_usage_error(main_usage, "unknown option '%s'", cmd);
    return cli_usage_error(main_usage, "unknown command '%s'", cmd);
}
