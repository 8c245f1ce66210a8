/* SPDX-License-Identifier: MIT */
/* added.c -- the function of the next minor dry run (tests/abi/growth/README.md):
 * what a new function of a minor release looks like. Not part of the
 * library: only the dry run's build of it has this function. */
#include <mailslot.h>

int mailslot_growth_example(int x)
{
    return x + 1;
}
