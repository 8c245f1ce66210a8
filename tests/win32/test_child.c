/* SPDX-License-Identifier: MIT */
/* test_child.c -- a second process for test_semantics_win32.c, using the
 * library (Windows has no fork()).
 *
 *   test_child hold NAME               create a reader, print "y" (or "n CODE"),
 *                                      then wait to be killed
 *   test_child write NAME ID COUNT     write COUNT records {ID, 0..COUNT-1}; exit 0 when
 *                                      all were written
 *   test_child forward NAME PORT IF    create a reader with the network on (port PORT,
 *                                      interface IF), so that this process forwards
 *                                      for the host when no other does; print "y"
 *                                      (or "n CODE DETAIL"), then wait to be killed */
#include <mailslot.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIN32_LEAN_AND_MEAN
#include <windows.h>

typedef struct record {
    uint32_t writer;
    uint32_t seq;
} record;

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "hold") == 0) {
        mailslot_reader *r;
        int rc = mailslot_create(argv[2], NULL, &r);
        if (rc == MAILSLOT_OK)
            printf("y\n");
        else
            printf("n %d\n", rc);
        fflush(stdout);
        Sleep(INFINITE);
        return 0;
    }
    if (argc == 5 && strcmp(argv[1], "forward") == 0) {
        mailslot_options *o = NULL;
        mailslot_reader *r;
        int rc = mailslot_options_new(&o);
        if (rc == MAILSLOT_OK)
            rc = mailslot_options_set_int(o, MAILSLOT_OPT_NETWORK, 1);
        if (rc == MAILSLOT_OK)
            rc = mailslot_options_set_int(o, MAILSLOT_OPT_PORT, atoi(argv[3]));
        if (rc == MAILSLOT_OK)
            rc = mailslot_options_set_str(o, MAILSLOT_OPT_INTERFACE, argv[4]);
        if (rc == MAILSLOT_OK)
            rc = mailslot_create(argv[2], o, &r);
        mailslot_options_free(o);
        if (rc == MAILSLOT_OK)
            printf("y\n");
        else
            printf("n %d %s\n", rc, mailslot_last_error_detail());
        fflush(stdout);
        Sleep(INFINITE);
        return 0;
    }
    if (argc == 5 && strcmp(argv[1], "write") == 0) {
        mailslot_writer *w = NULL;
        int rc = mailslot_open(argv[2], NULL, &w);
        uint32_t id = (uint32_t)atol(argv[3]);
        long count = atol(argv[4]);
        for (long i = 0; rc == MAILSLOT_OK && i < count; i++) {
            record rec = {id, (uint32_t)i};
            rc = mailslot_write(w, &rec, sizeof rec);
        }
        if (rc != MAILSLOT_OK)
            fprintf(stderr, "test_child: %d %s\n", rc, mailslot_last_error_detail());
        mailslot_writer_close(w);
        return rc == MAILSLOT_OK ? 0 : 1;
    }
    fprintf(stderr, "usage: test_child hold NAME | write NAME ID COUNT | forward NAME PORT IF\n");
    return 2;
}
