/* forward_win32.c -- `mailslot forward` on Windows, which has no network
 * transport yet (see src/win32/network.c): says so and exits 1. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cli_forward(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            puts("usage: mailslot forward [--port N] [--domain LIST] [--interface IF]\n"
                 "\n"
                 "Not available on Windows yet: the Windows network transport is not built.");
            return CLI_OK;
        }
    fputs("mailslot: forward: the Windows network transport is not built yet\n", stderr);
    return CLI_FAILURE;
}
