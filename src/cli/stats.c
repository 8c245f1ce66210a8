/* SPDX-License-Identifier: MIT */
/* stats.c -- `mailslot stats NAME [--timeout MS]`: ask the reader of a local
 * name, in whatever process owns it, for its settings and counters
 * (ms_local_reader_query, an internal of the library) and print them as
 * "key: value" lines, one per setting and counter, named after the
 * MAILSLOT_OPT_* and MAILSLOT_STAT_* constants in lower case. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include "error.h"
#include "name.h"
#include "platform.h"

#include <mailslot.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static const char stats_usage[] = "usage: mailslot stats NAME [--timeout MS]";

static const char stats_help[] =
    "usage: mailslot stats NAME [--timeout MS]\n"
    "\n"
    "Ask the reader of the local name NAME, in any process, for its settings\n"
    "and counters, and print them as 'key: value' lines: the reader's options\n"
    "(max_message_size, queue_limit, allow_any_user, network), how many keys it\n"
    "has, how many messages wait in its queue, and what it did with network\n"
    "messages (net_received, net_..., auth_...). The reader must accept this\n"
    "user, as for writing. Windows mailslots cannot be asked.\n"
    "\n"
    "  -t, --timeout MS    wait at most MS milliseconds for the answer (default 2000)\n"
    "  -h, --help          show this help\n";

static int parse_options(int argc, char **argv, const char **name, long *timeout)
{
    static const struct option longopts[] = {{"timeout", required_argument, NULL, 't'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    *timeout = 2000;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":t:h", longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(stats_help, stdout);
            return CLI_HELP_SHOWN;
        }
        if (opt != 't')
            return cli_bad_option(stats_usage, opt, argv);
        int rc = cli_parse_number(stats_usage, "--timeout", optarg, 0, INT_MAX, timeout);
        if (rc != CLI_OK)
            return rc;
    }
    if (optind >= argc)
        return cli_usage_error(stats_usage, "missing NAME");
    if (optind + 1 < argc)
        return cli_usage_error(stats_usage, "unexpected argument '%s'", argv[optind + 1]);
    *name = argv[optind];
    return CLI_OK;
}

static int print_snapshot(const ms_reader_snapshot *s)
{
    printf("max_message_size: %" PRIu32 "\n", s->max_message_size);
    printf("queue_limit: %" PRIu32 "\n", s->queue_limit);
    printf("allow_any_user: %d\n", s->allow_any_user);
    printf("network: %d\n", s->network);
    printf("keys: %" PRIu32 "\n", s->keys);
    printf("messages_waiting: %" PRIu32 "\n", s->message_count);
    for (int key = MAILSLOT_STAT_NET_RECEIVED; key < MAILSLOT_STAT_NET_RECEIVED + MS_NET_COUNTERS;
         key++) {
        int64_t v = 0;
        ms_net_counters_get(&s->net, key, &v);
        printf("%s: %" PRId64 "\n", ms_net_counter_name(key), v);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "mailslot: cannot write the output: %s\n", strerror(errno));
        return CLI_FAILURE;
    }
    return CLI_OK;
}

int cli_stats(int argc, char **argv)
{
    const char *text = NULL;
    long timeout = 0;
    int rc = parse_options(argc, argv, &text, &timeout);
    if (rc != CLI_OK)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    ms_name name;
    int lib = ms_name_parse(text, &name);
    if (lib == MAILSLOT_OK && name.kind != MS_HOST_LOCAL)
        lib = ms_fail(MAILSLOT_E_NAME, "only the reader of a local name can be asked, not %s",
                      name.canonical);
    ms_reader_snapshot s;
    if (lib == MAILSLOT_OK)
        lib = ms_local_reader_query(&name, (int32_t)timeout, &s);
    if (lib != MAILSLOT_OK)
        return cli_fail(lib);
    return print_snapshot(&s);
}
