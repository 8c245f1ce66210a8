/* SPDX-License-Identifier: MIT */
/* internal.c -- how `forward` and `keygen`, the two commands that call the
 * library's internals (src/cli/CMakeLists.txt says why), report an internal
 * call's failure. The tool links the shared library and, beside it, the
 * internal objects those two commands need: two copies of error.c, each with
 * its own thread-local detail. mailslot_last_error_detail reads the shared
 * library's; an internal call writes the internal copy's, read here. */
#include "cli.h"

#include "error.h"

#include <stdio.h>

int cli_fail_internal(int code)
{
    const char *detail = ms_detail();
    fprintf(stderr, "mailslot: %s\n", detail[0] ? detail : ms_error_text(code));
    return CLI_FAILURE;
}

const char *cli_internal_detail(void)
{
    return ms_detail();
}
