/* SPDX-License-Identifier: MIT */
/* fuzz_name.c -- libFuzzer target: the name parser must never misbehave,
 * and a canonical name must be its own canonical form. */
#include "mailslot.h"
#include "name.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char text[1024];
    if (size >= sizeof text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    ms_name n, again;
    if (ms_name_parse(text, &n) != MAILSLOT_OK)
        return 0;
    if (ms_name_parse(n.canonical, &again) != MAILSLOT_OK ||
        strcmp(again.canonical, n.canonical) != 0 || again.kind != n.kind)
        abort();
    return 0;
}
