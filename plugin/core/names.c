/* SPDX-License-Identifier: GPL-2.0-or-later */
/* names.c: the words ikediag prints for model values.  Notify names follow RFC 2408
 * section 3.14.1 and RFC 3706, never the IKEv2 registry (the numbers differ). */
#include "names.h"

#include <glib.h>
#include <stdio.h>


const char *ike_kind_abbrev(ike_kind_t kind)
{
    switch (kind) {
    case IKE_KIND_MAIN: return "MM";
    case IKE_KIND_AGGRESSIVE: return "AM";
    case IKE_KIND_QUICK: return "QM";
    case IKE_KIND_INFO: return "INFO";
    case IKE_KIND_TRANSACTION: return "TXN";
    default: return "?";
    }
}

const char *ike_kind_name(ike_kind_t kind)
{
    switch (kind) {
    case IKE_KIND_MAIN: return "Main Mode";
    case IKE_KIND_AGGRESSIVE: return "Aggressive Mode";
    case IKE_KIND_QUICK: return "Quick Mode";
    case IKE_KIND_INFO: return "Informational";
    case IKE_KIND_TRANSACTION: return "Transaction";
    default: return "Not analysed";
    }
}

/* Called for every IKE frame on every pass: no printf. */
const char *ike_step_label(ike_kind_t kind, unsigned step, char *buf, size_t size)
{
    char digits[12], *d = digits + sizeof digits;
    *--d = '\0';
    if (kind == IKE_KIND_INFO || kind == IKE_KIND_TRANSACTION || kind == IKE_KIND_NONE) {
        /* the abbreviation alone */
    } else if (step == 0) {
        *--d = '?';
        *--d = '#';
    } else {
        for (; step; step /= 10)
            *--d = (char)('0' + step % 10);
        *--d = '#';
    }
    g_strlcpy(buf, ike_kind_abbrev(kind), size);
    g_strlcat(buf, d, size);
    return buf;
}

const char *ike_exchange_name(const ike_exchange_t *ex, char *buf, size_t size)
{
    if (ex->kind == IKE_KIND_QUICK || ex->kind == IKE_KIND_TRANSACTION)
        snprintf(buf, size, "%s%u", ike_kind_abbrev((ike_kind_t)ex->kind), ex->index);
    else
        g_strlcpy(buf, ike_kind_abbrev((ike_kind_t)ex->kind), size);
    return buf;
}

const char *ike_stall_label(ike_kind_t kind, unsigned stall_step, char *buf, size_t size)
{
    if (kind == IKE_KIND_TRANSACTION)
        return g_strlcpy(buf, "XAUTH", size), buf;
    return ike_step_label(kind, stall_step, buf, size);
}

const char *ike_label(const ike_result_t *res, char *buf, size_t size)
{
    return ike_step_label((ike_kind_t)res->kind, res->step, buf, size);
}

const char *ike_role_name(ike_role_t role)
{
    switch (role) {
    case IKE_ROLE_INITIATOR: return "initiator";
    case IKE_ROLE_RESPONDER: return "responder";
    default: return NULL;
    }
}

const char *ike_cisco_state_name(ike_cisco_state_t state)
{
    static const char *const names[] = {
        [IKE_STATE_NONE] = NULL,
        [IKE_STATE_MM_NO_STATE] = "MM_NO_STATE",
        [IKE_STATE_MM_SA_SETUP] = "MM_SA_SETUP",
        [IKE_STATE_MM_KEY_EXCH] = "MM_KEY_EXCH",
        [IKE_STATE_AG_INIT_EXCH] = "AG_INIT_EXCH",
        [IKE_STATE_AG_AUTH] = "AG_AUTH",
        [IKE_STATE_QM_IDLE] = "QM_IDLE",
    };
    return (unsigned)state < sizeof names / sizeof names[0] ? names[state] : NULL;
}

const char *ike_notify_name(unsigned code)
{
    static const char *const errors[] = {
        NULL, "INVALID-PAYLOAD-TYPE", "DOI-NOT-SUPPORTED", "SITUATION-NOT-SUPPORTED",
        "INVALID-COOKIE", "INVALID-MAJOR-VERSION", "INVALID-MINOR-VERSION",
        "INVALID-EXCHANGE-TYPE", "INVALID-FLAGS", "INVALID-MESSAGE-ID",
        "INVALID-PROTOCOL-ID", "INVALID-SPI", "INVALID-TRANSFORM-ID",
        "ATTRIBUTES-NOT-SUPPORTED", "NO-PROPOSAL-CHOSEN", "BAD-PROPOSAL-SYNTAX",
        "PAYLOAD-MALFORMED", "INVALID-KEY-INFORMATION", "INVALID-ID-INFORMATION",
        "INVALID-CERT-ENCODING", "INVALID-CERTIFICATE", "CERT-TYPE-UNSUPPORTED",
        "INVALID-CERT-AUTHORITY", "INVALID-HASH-INFORMATION", "AUTHENTICATION-FAILED",
        "INVALID-SIGNATURE", "ADDRESS-NOTIFICATION", "NOTIFY-SA-LIFETIME",
        "CERTIFICATE-UNAVAILABLE", "UNSUPPORTED-EXCHANGE-TYPE", "UNEQUAL-PAYLOAD-LENGTHS",
    };
    if (code < sizeof errors / sizeof errors[0])
        return errors[code];
    switch (code) {
    case 16384: return "CONNECTED";
    case IKE_N_RESPONDER_LIFETIME: return "RESPONDER-LIFETIME";
    case 24577: return "REPLAY-STATUS";
    case IKE_N_INITIAL_CONTACT: return "INITIAL-CONTACT";
    case IKE_N_R_U_THERE: return "R-U-THERE";
    case IKE_N_R_U_THERE_ACK: return "R-U-THERE-ACK";
    default: return NULL;
    }
}

const char *ike_exchange_type_name(unsigned type)
{
    switch (type) {
    case IKE_XCHG_BASE: return "Base";
    case IKE_XCHG_MAIN: return "Identity Protection (Main Mode)";
    case IKE_XCHG_AUTH_ONLY: return "Authentication Only";
    case IKE_XCHG_AGGRESSIVE: return "Aggressive";
    case IKE_XCHG_INFORMATIONAL: return "Informational";
    case IKE_XCHG_TRANSACTION: return "Transaction (Config Mode)";
    case IKE_XCHG_QUICK: return "Quick Mode";
    case IKE_XCHG_NEW_GROUP: return "New Group Mode";
    default: return NULL;
    }
}
