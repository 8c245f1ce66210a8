/* SPDX-License-Identifier: MIT */
/* forward.c -- `mailslot forward [--port N] [--domain LIST] [--interface IF]
 * [--key-file FILE] [--legacy]`:
 * run the host forwarder as a daemon, so that the host receives network
 * messages whichever processes with readers come and go. The same file on
 * POSIX and Windows; waiting for the stop (SIGINT/SIGTERM, Ctrl-C) is
 * wait.h's.
 *
 * Why it uses internals: it IS the host forwarder, the one a reader's
 * process runs (src/net/forward.h: the election for the port, the network
 * configuration and keys as the library resolves them, the forwarder's
 * counters), and the public API has no function to run only a forwarder
 * (a reader would take a slot name and its queue). The tool links the shared
 * library for every other command; the internal objects this command needs
 * are linked into the tool beside it (src/cli/CMakeLists.txt). Its internal
 * calls' failures are reported with cli_fail_internal (internal.c), and it
 * makes no reader or writer of the shared library, so the two copies of the
 * library's state in the process never meet. */
#include "cli.h"
#include "wait.h"

#include "auth/authconfig.h"
#include "error.h"
#include "net/forward.h"
#include "net/netconfig.h"
#include "transport.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char forward_usage[] = "usage: mailslot forward [--port N] [--domain LIST] "
                                    "[--interface IF] [--key-file FILE] [--legacy]";

static const char forward_help[] =
    "usage: mailslot forward [--port N] [--domain LIST] [--interface IF] [--key-file FILE]\n"
    "                        [--legacy]\n"
    "\n"
    "Receive mailslot messages from the network for this host and pass each to\n"
    "the local reader of its name. One process per host does this: this one,\n"
    "or a process with a reader that was first; when that process ends, this\n"
    "one takes over at once. Prints a line on each change of state; on SIGINT\n"
    "or SIGTERM (Windows: Ctrl-C, Ctrl-Break, closing the console) it prints\n"
    "what it did and exits 0.\n"
    "\n"
    "Keys come from --key-file or MAILSLOT_KEY_FILE, their other settings from\n"
    "the environment as for readers. On Windows, whose readers are native\n"
    "mailslots, the forwarder checks network messages with them for readers\n"
    "that have keys (without keys it passes such readers nothing); on Linux\n"
    "readers check their messages themselves.\n"
    "\n"
    "With --legacy (or MAILSLOT_LEGACY=1) it also receives the remote-mailslot\n"
    "writes of Windows hosts (NetBIOS datagrams on UDP port 138, addressed to\n"
    "this host's NetBIOS name or its domains) and passes them to local readers.\n"
    "Port 138 needs root or CAP_NET_BIND_SERVICE; a line after the state line\n"
    "says whether it receives, shares the port with another program (Samba's\n"
    "nmbd: broadcasts only) or cannot. Windows receives on port 138 itself.\n"
    "\n"
    "  -p, --port N        UDP port (default MAILSLOT_PORT, else 17317)\n"
    "  -d, --domain LIST   domains this host belongs to, comma-separated\n"
    "                      (default MAILSLOT_DOMAIN, else workgroup)\n"
    "  -i, --interface IF  interface for multicast, by name or IPv4 address\n"
    "                      (Windows: its name as Windows shows it, its GUID or\n"
    "                      an IPv4 address; default MAILSLOT_INTERFACE, else\n"
    "                      every one)\n"
    "      --key-file FILE the key file to check network messages with\n"
    "                      (Windows; default MAILSLOT_KEY_FILE)\n"
    "      --legacy        also receive Windows hosts' datagrams on UDP port 138\n"
    "                      (default MAILSLOT_LEGACY, else off)\n"
    "  -h, --help          show this help\n";

/* --legacy: a long option only, numbered apart from cli.h's. */
enum { OPT_LEGACY = 0x200 };

static int parse_options(int argc, char **argv, ms_net_config *cfg, cli_key_opts *keys)
{
    static const struct option longopts[] = {
        {"port", required_argument, NULL, 'p'},
        {"domain", required_argument, NULL, 'd'},
        {"interface", required_argument, NULL, 'i'},
        {"key-file", required_argument, NULL, CLI_OPT_KEY_FILE},
        {"legacy", no_argument, NULL, OPT_LEGACY},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    ms_net_config_defaults(cfg);
    *keys = (cli_key_opts){.key_file = NULL, .suite = 0};
    unsigned set = 0;
    long port;
    opterr = 0;
    int opt, rc = CLI_OK;
    while (rc == CLI_OK && (opt = getopt_long(argc, argv, ":p:d:i:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'p':
            rc = cli_parse_number(forward_usage, "--port", optarg, 1, 65535, &port);
            cfg->port = (uint16_t)port;
            set |= MS_NET_SET_PORT;
            break;
        case 'd':
            if (ms_net_config_set_domains(cfg, optarg, "--domain") != MAILSLOT_OK)
                rc = cli_usage_error(forward_usage, "%s", cli_internal_detail());
            set |= MS_NET_SET_DOMAINS;
            break;
        case 'i':
            if (ms_net_config_set_interface(cfg, optarg, "--interface") != MAILSLOT_OK)
                rc = cli_usage_error(forward_usage, "%s", cli_internal_detail());
            set |= MS_NET_SET_INTERFACE;
            break;
        case CLI_OPT_KEY_FILE:
            rc = cli_key_option(forward_usage, opt, optarg, keys);
            break;
        case OPT_LEGACY:
            cfg->legacy = 1;
            set |= MS_NET_SET_LEGACY;
            break;
        case 'h':
            fputs(forward_help, stdout);
            fputs(cli_environment_help, stdout);
            return CLI_HELP_SHOWN;
        default:
            return cli_bad_option(forward_usage, opt, argv);
        }
    }
    if (rc == CLI_OK && optind < argc)
        rc = cli_usage_error(forward_usage, "unexpected argument '%s'", argv[optind]);
    if (rc == CLI_OK && ms_net_config_from_env(cfg, set | MS_NET_SET_ENABLED) != MAILSLOT_OK)
        rc = cli_fail_internal(MAILSLOT_E_INVALID);
    return rc;
}

/* Called by the forwarder on each change of state, from any thread. */
static void report_state(ms_fwd_state state, void *ctx)
{
    unsigned port = *(const uint16_t *)ctx;
    switch (state) {
    case MS_FWD_ACTIVE:
        printf("forwarding udp port %u\n", port);
        if (ms_forwarder_legacy() != MS_FWD_LEGACY_OFF)
            printf("%s\n", ms_fwd_legacy_text(ms_forwarder_legacy()));
        break;
    case MS_FWD_WAITING:
        printf("waiting: udp port %u is held by another process\n", port);
        break;
    case MS_FWD_BLOCKED:
        printf("blocked: udp port %u is held by a program that is not a mailslot forwarder; "
               "retrying every second\n",
               port);
        break;
    default:
        return;
    }
    fflush(stdout);
}

/* What the forwarder did, on three lines: "forwarder: datagrams N, ...",
 * "forwarder keys: no key N, ..." and "forwarder legacy: datagrams N, ..."
 * (MS_FWD_COUNTER_LIST gives the order and the labels; scripts read these
 * lines). */
static void print_counters(const ms_fwd_counters *c)
{
    static const char *const line_start[] = {
        "forwarder: ", "forwarder keys: ", "forwarder legacy: "};
    for (int line = 0; line < 3; line++) {
        const char *sep = line_start[line];
#define PRINT(field, label, in_line)                                                               \
    if (in_line == line) {                                                                         \
        printf("%s" label " %" PRIu64, sep, c->field);                                             \
        sep = ", ";                                                                                \
    }
        MS_FWD_COUNTER_LIST(PRINT)
#undef PRINT
        putchar('\n');
    }
}

int cli_forward(int argc, char **argv)
{
    ms_net_config cfg;
    cli_key_opts keys;
    int rc = parse_options(argc, argv, &cfg, &keys);
    if (rc != CLI_OK)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    if (cli_wait_init() != 0)
        return CLI_FAILURE;
    /* The forwarder is internal: its keys are given as an options bag's. */
    ms_auth_options key_source = {.keys_kind = keys.key_file ? MS_KEYS_FILE : MS_KEYS_UNSET,
                                  .keys_value = keys.key_file};
    ms_auth_config auth;
    rc = ms_auth_config_resolve(&key_source, &auth);
    if (rc != MAILSLOT_OK)
        return cli_fail_internal(rc);
    ms_forwarder_observe(report_state, &cfg.port);
    rc = ms_forwarder_want(&cfg, &auth);
    ms_auth_config_clear(&auth); /* the forwarder keeps a copy */
    if (rc != MAILSLOT_OK) {
        ms_forwarder_observe(NULL, NULL);
        return cli_fail_internal(rc);
    }
    int waited = cli_wait_stop();
    ms_forwarder_observe(NULL, NULL);
    ms_forwarder_unwant();
    ms_fwd_counters c;
    ms_forwarder_counters(&c);
    print_counters(&c);
    fflush(stdout);
    return waited == 0 ? CLI_OK : CLI_FAILURE;
}
