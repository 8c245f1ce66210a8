/* SPDX-License-Identifier: MIT */
/* stats.c -- `mailslot stats NAME [--timeout MS] [--json]`: ask the reader
 * of a local name, in whatever process owns it, for its settings and
 * counters (mailslot_query, public since 1.1) and print them as "key: value"
 * lines, one per setting and counter, named after the MAILSLOT_OPT_* and
 * MAILSLOT_STAT_* constants in lower case; with --json as one JSON object
 * with the same keys, in the same order. Only the public header and the
 * tables of the values and counters (ms_constants.h, generated from
 * abi/constants.txt) are used: no internal of the library. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <mailslot.h>

#include "ms_constants.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static const char stats_usage[] = "usage: mailslot stats NAME [--timeout MS] [--json]";

static const char stats_help[] =
    "usage: mailslot stats NAME [--timeout MS] [--json]\n"
    "\n"
    "Ask the reader of the local name NAME, in any process, for its settings\n"
    "and counters, and print them as 'key: value' lines: the reader's options\n"
    "(max_message_size, queue_limit, allow_any_user, network), how many keys it\n"
    "has, how many messages wait in its queue, and what it did with network\n"
    "messages (net_received, net_..., auth_...). The reader must accept this\n"
    "user, as for writing. Windows mailslots cannot be asked.\n"
    "\n"
    "  -t, --timeout MS    wait at most MS milliseconds for the answer (default 2000)\n"
    "  -j, --json          print one JSON object with the same keys instead\n"
    "  -h, --help          show this help\n";

typedef struct stats_opts {
    const char *name;
    long timeout;
    int json;
} stats_opts;

static int parse_options(int argc, char **argv, stats_opts *o)
{
    static const struct option longopts[] = {{"timeout", required_argument, NULL, 't'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    *o = (stats_opts){.name = NULL, .timeout = 2000, .json = 0};
    opterr = 0;
    int opt, rc = CLI_OK;
    while (rc == CLI_OK && (opt = getopt_long(argc, argv, ":t:jh", longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(stats_help, stdout);
            return CLI_HELP_SHOWN;
        }
        if (opt == 'j')
            o->json = 1;
        else if (opt == 't')
            rc = cli_parse_number(stats_usage, "--timeout", optarg, 0, INT_MAX, &o->timeout);
        else
            rc = cli_bad_option(stats_usage, opt, argv);
    }
    if (rc != CLI_OK)
        return rc;
    if (optind >= argc)
        return cli_usage_error(stats_usage, "missing NAME");
    if (optind + 1 < argc)
        return cli_usage_error(stats_usage, "unexpected argument '%s'", argv[optind + 1]);
    o->name = argv[optind];
    return CLI_OK;
}

#define FIELDS (MS_QUERY_VALUE_COUNT + MS_STAT_COUNT)

/* What is printed, in order: the settings and states the table marks query
 * (MS_QUERY_VALUES), then every counter, each with the key mailslot_query
 * answers it by. */
static void fields(const char *names[FIELDS], int keys[FIELDS])
{
#define MS_QUERY_NAME(name, key) name,
#define MS_QUERY_KEY(name, key) key,
    static const char *const value_name[MS_QUERY_VALUE_COUNT] = {MS_QUERY_VALUES(MS_QUERY_NAME)};
    static const int value_key[MS_QUERY_VALUE_COUNT] = {MS_QUERY_VALUES(MS_QUERY_KEY)};
#undef MS_QUERY_NAME
#undef MS_QUERY_KEY
    static const char *const counter[MS_STAT_COUNT] = {MS_STAT_NAMES};
    for (size_t i = 0; i < MS_QUERY_VALUE_COUNT; i++) {
        names[i] = value_name[i];
        keys[i] = value_key[i];
    }
    for (int i = 0; i < MS_STAT_COUNT; i++) {
        names[MS_QUERY_VALUE_COUNT + i] = counter[i];
        keys[MS_QUERY_VALUE_COUNT + i] = MS_STAT_FIRST + i;
    }
}

/* "key: value" lines, or one JSON object (the keys need no escaping). */
static int print_values(const char *const names[FIELDS], const int64_t values[FIELDS], int json)
{
    for (size_t i = 0; i < FIELDS; i++) {
        if (json)
            printf("%s\"%s\": %" PRId64, i ? ", " : "{", names[i], values[i]);
        else
            printf("%s: %" PRId64 "\n", names[i], values[i]);
    }
    if (json)
        puts("}");
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "mailslot: cannot write the output: %s\n", strerror(errno));
        return CLI_FAILURE;
    }
    return CLI_OK;
}

int cli_stats(int argc, char **argv)
{
    stats_opts o;
    int rc = parse_options(argc, argv, &o);
    if (rc != CLI_OK)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    const char *names[FIELDS];
    int keys[FIELDS];
    int64_t values[FIELDS];
    fields(names, keys);
    int lib = mailslot_query(o.name, keys, values, FIELDS, (int32_t)o.timeout);
    if (lib != MAILSLOT_OK)
        return cli_fail_name(stats_usage, lib);
    return print_values(names, values, o.json);
}
