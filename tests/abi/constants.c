/* SPDX-License-Identifier: MIT */
/* constants.c -- the header's constants have the numbers of abi/constants.txt,
 * and the loaded library's version is the header's.
 *
 * constants.inc (generated from the table by check_constants.cmake) holds a
 * CHECK(NAME, VALUE, "TYPE") for each row; the compiler evaluates NAME as the
 * header defines it. Linked with the shared library: its mailslot_version()
 * and mailslot_version_string() must be the header's, and each error code
 * must have a text of its own from mailslot_strerror. Prints every mismatch;
 * exit status 0 when there is none. */
#include <mailslot.h>

#include <stdio.h>
#include <string.h>

#ifndef MAILSLOT_PROJECT_VERSION
#error "MAILSLOT_PROJECT_VERSION (CMake's PROJECT_VERSION) is not defined"
#endif

static int failures;
static int checked;

#define TYPE_NAME(x)                                                                               \
    _Generic((x), int                                                                              \
             : "int", unsigned                                                                     \
             : "unsigned", long                                                                    \
             : "long", unsigned long                                                               \
             : "unsigned long", long long                                                          \
             : "long long", unsigned long long                                                     \
             : "unsigned long long", default                                                       \
             : "another type")

static void check(const char *name, long long have, const char *have_type, long long want,
                  const char *want_type)
{
    checked++;
    if (have != want || strcmp(have_type, want_type) != 0) {
        printf("FAIL %s is %lld (%s); abi/constants.txt says %lld (%s)\n", name, have, have_type,
               want, want_type);
        failures++;
    }
}

#define CHECK(name, value, type) check(#name, (long long)(name), TYPE_NAME(name), value, type);
#define MISSING(name)                                                                              \
    do {                                                                                           \
        printf("FAIL %s is in abi/constants.txt but not defined by mailslot.h\n", name);           \
        failures++;                                                                                \
    } while (0);

/* Error codes: each has its own text, not the text of an unknown code. */
static const char *error_names[64];
static int error_codes[64];
static int n_errors;
#define ERROR_CODE(name)                                                                           \
    if (n_errors < 64) {                                                                           \
        error_names[n_errors] = #name;                                                             \
        error_codes[n_errors++] = (name);                                                          \
    }

int main(void)
{
#include "constants.inc"

    const char *unknown = mailslot_strerror(-99999);
    for (int i = 0; i < n_errors; i++) {
        const char *text = mailslot_strerror(error_codes[i]);
        if (text == NULL || strcmp(text, unknown) == 0) {
            printf("FAIL mailslot_strerror(%s) is the text of an unknown code\n", error_names[i]);
            failures++;
        }
        for (int j = 0; j < i; j++)
            if (strcmp(text, mailslot_strerror(error_codes[j])) == 0) {
                printf("FAIL %s and %s have the same text\n", error_names[j], error_names[i]);
                failures++;
            }
    }

    /* The version: header macros, CMake's project version, the library. */
    char header[32];
    snprintf(header, sizeof header, "%d.%d.%d", MAILSLOT_VERSION_MAJOR, MAILSLOT_VERSION_MINOR,
             MAILSLOT_VERSION_PATCH);
    if (MAILSLOT_VERSION_NUMBER !=
        MAILSLOT_VERSION_MAJOR * 10000 + MAILSLOT_VERSION_MINOR * 100 + MAILSLOT_VERSION_PATCH) {
        printf("FAIL MAILSLOT_VERSION_NUMBER is %d for %s\n", MAILSLOT_VERSION_NUMBER, header);
        failures++;
    }
    if (strcmp(header, MAILSLOT_PROJECT_VERSION) != 0) {
        printf("FAIL the header is %s, CMake's project %s\n", header, MAILSLOT_PROJECT_VERSION);
        failures++;
    }
    if (mailslot_version() != MAILSLOT_VERSION_NUMBER) {
        printf("FAIL mailslot_version() is %d, the header's %d\n", mailslot_version(),
               MAILSLOT_VERSION_NUMBER);
        failures++;
    }
    if (strcmp(mailslot_version_string(), header) != 0) {
        printf("FAIL mailslot_version_string() is \"%s\", the header's \"%s\"\n",
               mailslot_version_string(), header);
        failures++;
    }

    printf("constants: %d checked against abi/constants.txt, %d error texts, library %s: %s\n",
           checked, n_errors, mailslot_version_string(), failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
