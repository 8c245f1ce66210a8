/* SPDX-License-Identifier: MIT */
/* bytes.h -- big-endian (network order) integers in byte buffers, as the
 * packet format (abi/PROTOCOL.md) and the local protocol write them. */
#ifndef MS_BYTES_H
#define MS_BYTES_H

#include <stdint.h>

static inline void ms_put16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static inline void ms_put32(unsigned char *p, uint32_t v)
{
    ms_put16(p, v >> 16);
    ms_put16(p + 2, v);
}

static inline void ms_put64(unsigned char *p, uint64_t v)
{
    ms_put32(p, (uint32_t)(v >> 32));
    ms_put32(p + 4, (uint32_t)v);
}

static inline uint32_t ms_get16(const unsigned char *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static inline uint32_t ms_get32(const unsigned char *p)
{
    return ms_get16(p) << 16 | ms_get16(p + 2);
}

static inline uint64_t ms_get64(const unsigned char *p)
{
    return (uint64_t)ms_get32(p) << 32 | ms_get32(p + 4);
}

#endif
