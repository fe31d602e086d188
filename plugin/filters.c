/* SPDX-License-Identifier: GPL-2.0-or-later */
/* filters.c: right-click > Conversation Filter > "IKE SA" and "IKE exchange": a display
 * filter for every frame of the clicked frame's IKE SA, or of its exchange.
 *
 * Owns: those two filter strings.  Must not: analyse anything (it reads the stored
 * result of the clicked frame).
 */
#include "views.h"

#include "compat.h"
#include "core/names.h"
#include "ikediag.h"

static const ike_exchange_t *exchange_of(packet_info *pinfo)
{
    ike_capture_t *capture = ikediag_capture();
    const ike_result_t *res = capture ? ike_capture_result_of_frame(capture, pinfo->num) : NULL;
    return res ? res->exchange : NULL;
}

static gboolean has_exchange(packet_info *pinfo)
{
    return exchange_of(pinfo) != NULL;
}

static gchar *sa_filter(packet_info *pinfo)
{
    const ike_exchange_t *ex = exchange_of(pinfo);
    return ex ? g_strdup_printf("ikediag.sa == %u", ike_sa_number(ike_exchange_sa(ex))) : NULL;
}

/* Phase 1 is message ID 0 and a Quick Mode its own message ID (RFC 2409 5, 5.5). */
static gchar *exchange_filter(packet_info *pinfo)
{
    const ike_exchange_t *ex = exchange_of(pinfo);
    if (!ex)
        return NULL;
    return g_strdup_printf("ikediag.sa == %u && ikediag.exchange == \"%s\" && isakmp.messageid == 0x%08x",
                           ike_sa_number(ike_exchange_sa(ex)), ike_kind_name(ike_exchange_kind(ex)),
                           ike_exchange_message_id(ex));
}

void filters_register(void)
{
    static const compat_conversation_filter_t by_sa = { "IKE SA", has_exchange, sa_filter };
    static const compat_conversation_filter_t by_exchange = { "IKE exchange", has_exchange, exchange_filter };
    compat_register_conversation_filter("ikediag", &by_sa);
    compat_register_conversation_filter("ikediag", &by_exchange);
}
