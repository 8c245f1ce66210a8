/* SPDX-License-Identifier: MIT */
/* stats.c -- `mailslot stats NAME [--timeout MS] [--json]`: ask the reader
 * of a local name, in whatever process owns it, for its settings and
 * counters (ms_local_reader_query, an internal of the library) and print
 * them as "key: value" lines, one per setting and counter, named after the
 * MAILSLOT_OPT_* and MAILSLOT_STAT_* constants in lower case; with --json as
 * one JSON object with the same keys, in the same order. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include "error.h"
#include "name.h"
#include "snapshot.h"
#include "transport.h"

#include <mailslot.h>

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

#define SETTINGS 6
#define FIELDS (SETTINGS + MS_NET_COUNTERS)

/* The settings and counters of s, named, in the order they are printed. */
static void fields(const ms_reader_snapshot *s, const char *names[FIELDS], int64_t values[FIELDS])
{
    const char *setting[SETTINGS] = {"max_message_size", "queue_limit", "allow_any_user",
                                     "network",          "keys",        "messages_waiting"};
    const int64_t value[SETTINGS] = {s->max_message_size, s->queue_limit, s->allow_any_user,
                                     s->network,          s->keys,        s->message_count};
    for (size_t i = 0; i < SETTINGS; i++) {
        names[i] = setting[i];
        values[i] = value[i];
    }
    /* The counters, named by the library's one table (netcounters.c). */
    for (int i = 0; i < MS_NET_COUNTERS; i++) {
        int key = MAILSLOT_STAT_NET_RECEIVED + i;
        names[SETTINGS + i] = ms_net_counter_name(key);
        values[SETTINGS + i] = 0;
        ms_net_counters_get(&s->net, key, &values[SETTINGS + i]);
    }
}

/* "key: value" lines, or one JSON object (the keys need no escaping). */
static int print_snapshot(const ms_reader_snapshot *s, int json)
{
    const char *names[FIELDS];
    int64_t values[FIELDS];
    fields(s, names, values);
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
    ms_name name;
    int lib = ms_name_parse(o.name, &name);
    if (lib == MAILSLOT_OK && name.kind != MS_HOST_LOCAL)
        lib = ms_fail(MAILSLOT_E_NAME, "only the reader of a local name can be asked, not %s",
                      name.canonical);
    ms_reader_snapshot s;
    if (lib == MAILSLOT_OK)
        lib = ms_local_reader_query(&name, (int32_t)o.timeout, &s);
    if (lib != MAILSLOT_OK)
        return cli_fail_name(stats_usage, lib);
    return print_snapshot(&s, o.json);
}
