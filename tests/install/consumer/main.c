/* SPDX-License-Identifier: MIT */
/* Round trip through an installed libmailslot. */
#include <mailslot.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    char name[64], buf[16];
    size_t len = 0;
    snprintf(name, sizeof name, "install-test\\%d", (int)getpid());
    mailslot_reader *r = NULL;
    mailslot_writer *w = NULL;
    int rc = mailslot_create(name, NULL, &r);
    if (rc == MAILSLOT_OK)
        rc = mailslot_open(name, NULL, &w);
    if (rc == MAILSLOT_OK)
        rc = mailslot_write(w, "installed", 9);
    if (rc == MAILSLOT_OK)
        rc = mailslot_read(r, buf, sizeof buf, &len, 10000);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
    if (rc != MAILSLOT_OK || len != 9 || memcmp(buf, "installed", 9) != 0) {
        fprintf(stderr, "consumer: %s: %s\n", mailslot_strerror(rc), mailslot_last_error_detail());
        return 1;
    }
    printf("consumer: libmailslot %s round trip ok\n", mailslot_version_string());
    return mailslot_version() == MAILSLOT_VERSION_NUMBER ? 0 : 1;
}
