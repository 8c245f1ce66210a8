/* SPDX-License-Identifier: MIT */
/* bridge_none.c -- `mailslot bridge` in a tool built without libnats (or on
 * Windows): it says so and fails. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cli_bridge(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        puts("usage: mailslot bridge --nats URL[,URL...] [OPTIONS]\n"
             "\n"
             "This mailslot was built without NATS (libnats): it has no bridge.");
        return CLI_OK;
    }
    fputs("mailslot: bridge: this mailslot was built without NATS (libnats-dev)\n", stderr);
    return CLI_FAILURE;
}
