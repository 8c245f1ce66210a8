/* SPDX-License-Identifier: MIT */
/* legacy_send.c -- writes what stdin holds, whole, as one message to a slot
 * name through the library (mailslot_open and mailslot_write), with the
 * settings of the environment (MAILSLOT_LEGACY, MAILSLOT_DOMAIN,
 * MAILSLOT_NETBIOS_NAME, ...): how the legacy tests send binary messages,
 * such as a browser announcement, which `mailslot send` would cut at each
 * newline.
 *
 *   legacy_send NAME < MESSAGE */
#include <mailslot.h>

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: legacy_send NAME < MESSAGE\n");
        return 2;
    }
    static unsigned char buf[MAILSLOT_MAX_LOCAL_MESSAGE + 1];
    size_t len = fread(buf, 1, sizeof buf, stdin);
    mailslot_writer *w = NULL;
    int rc = mailslot_open(argv[1], NULL, &w);
    if (rc == MAILSLOT_OK)
        rc = mailslot_write(w, buf, len);
    if (rc != MAILSLOT_OK)
        fprintf(stderr, "legacy_send: %s: %s\n", mailslot_strerror(rc),
                mailslot_last_error_detail());
    mailslot_writer_close(w);
    return rc == MAILSLOT_OK ? 0 : 1;
}
