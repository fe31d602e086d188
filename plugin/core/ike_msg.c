/* ike_msg.c: the byte digest that identifies a resend. */
#include "ike_msg.h"

#include <glib.h>

/* MD5 is plenty to tell two messages apart (they carry cookies and nonces); only its
 * first 64 bits are kept. */
uint64_t ike_digest(const uint8_t *bytes, unsigned length)
{
    guint8 sum[16];
    gsize sum_len = sizeof sum;
    GChecksum *checksum = g_checksum_new(G_CHECKSUM_MD5);
    g_checksum_update(checksum, bytes, length);
    g_checksum_get_digest(checksum, sum, &sum_len);
    g_checksum_free(checksum);
    uint64_t digest = 0;
    for (unsigned i = 0; i < 8; i++)
        digest = digest << 8 | sum[i];
    return digest;
}
