/* stub.c -- FROZEN: the link-time image of libmailslot.so.1 as of 1.0.0.
 *
 * Built with tests/abi/1.0/mailslot.h and tests/abi/1.0/mailslot.map into a
 * libmailslot.so.1 of its own, only so that the 1.0 client links against
 * what a 1.0 program was linked against: its references then ask for
 * name@MAILSLOT_1.0. The client never runs with this stub (it runs with the
 * library of the build); every function fails if it ever did. */
#include <mailslot.h>

#define STUB_FAIL MAILSLOT_E_SYSTEM

int mailslot_version(void)
{
    return 0;
}
const char *mailslot_version_string(void)
{
    return "stub";
}
const char *mailslot_strerror(int code)
{
    (void)code;
    return "stub";
}
const char *mailslot_last_error_detail(void)
{
    return "stub";
}
int mailslot_options_new(mailslot_options **out)
{
    (void)out;
    return STUB_FAIL;
}
int mailslot_options_set_int(mailslot_options *o, int key, int64_t value)
{
    (void)o, (void)key, (void)value;
    return STUB_FAIL;
}
int mailslot_options_set_str(mailslot_options *o, int key, const char *value)
{
    (void)o, (void)key, (void)value;
    return STUB_FAIL;
}
void mailslot_options_free(mailslot_options *o)
{
    (void)o;
}
int mailslot_create(const char *name, const mailslot_options *o, mailslot_reader **out)
{
    (void)name, (void)o, (void)out;
    return STUB_FAIL;
}
int mailslot_read(mailslot_reader *r, void *buf, size_t cap, size_t *len, int32_t timeout_ms)
{
    (void)r, (void)buf, (void)cap, (void)len, (void)timeout_ms;
    return STUB_FAIL;
}
int mailslot_info(mailslot_reader *r, uint32_t *max_message_size, uint32_t *next_size,
                  uint32_t *message_count, int32_t *read_timeout_ms)
{
    (void)r, (void)max_message_size, (void)next_size, (void)message_count, (void)read_timeout_ms;
    return STUB_FAIL;
}
int mailslot_set_read_timeout(mailslot_reader *r, int32_t timeout_ms)
{
    (void)r, (void)timeout_ms;
    return STUB_FAIL;
}
int mailslot_fd(mailslot_reader *r, intptr_t *fd)
{
    (void)r, (void)fd;
    return STUB_FAIL;
}
int mailslot_interrupt(mailslot_reader *r)
{
    (void)r;
    return STUB_FAIL;
}
int mailslot_reader_get_int(mailslot_reader *r, int key, int64_t *value)
{
    (void)r, (void)key, (void)value;
    return STUB_FAIL;
}
int mailslot_reader_name(mailslot_reader *r, char *buf, size_t cap, size_t *len)
{
    (void)r, (void)buf, (void)cap, (void)len;
    return STUB_FAIL;
}
void mailslot_reader_close(mailslot_reader *r)
{
    (void)r;
}
int mailslot_open(const char *name, const mailslot_options *o, mailslot_writer **out)
{
    (void)name, (void)o, (void)out;
    return STUB_FAIL;
}
int mailslot_write(mailslot_writer *w, const void *data, size_t len)
{
    (void)w, (void)data, (void)len;
    return STUB_FAIL;
}
void mailslot_writer_close(mailslot_writer *w)
{
    (void)w;
}
int mailslot_name_canonical(const char *name, char *buf, size_t cap, size_t *len)
{
    (void)name, (void)buf, (void)cap, (void)len;
    return STUB_FAIL;
}
