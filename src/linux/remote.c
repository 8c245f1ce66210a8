/* SPDX-License-Identifier: MIT */
/* remote.c -- the system's own remote mailslots (transport.h): Linux has
 * none, so a writer in legacy mode sends the NetBIOS datagrams itself
 * (net/lsender.c). Portable. */
#include "error.h"
#include "transport.h"

int ms_remote_writer_native(void)
{
    return 0;
}

static int none(void)
{
    return ms_fail(MAILSLOT_E_SYSTEM, "this system has no remote mailslots of its own");
}

int ms_remote_writer_open(const ms_name *name, ms_remote_writer **out)
{
    (void)name;
    (void)out;
    return none();
}

int ms_remote_writer_write(ms_remote_writer *w, const void *data, size_t len)
{
    (void)w;
    (void)data;
    (void)len;
    return none();
}

void ms_remote_writer_close(ms_remote_writer *w)
{
    (void)w;
}
