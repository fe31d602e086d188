/* SPDX-License-Identifier: GPL-2.0-or-later */
/* names.c: the words ikediag prints for model values.  Notify names follow RFC 2408
 * section 3.14.1 and RFC 3706, never the IKEv2 registry (the numbers differ). */
#include "names.h"
#include "model_internal.h"

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
    case IKE_KIND_SA_INIT: return "SA_INIT";
    case IKE_KIND_AUTH: return "AUTH";
    case IKE_KIND_CHILD: return "CHILD";
    case IKE_KIND_INFO2: return "INFO";
    case IKE_KIND_INTER: return "INTER";
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
    case IKE_KIND_SA_INIT: return "IKE_SA_INIT";
    case IKE_KIND_AUTH: return "IKE_AUTH";
    case IKE_KIND_CHILD: return "CREATE_CHILD_SA";
    case IKE_KIND_INFO2: return "INFORMATIONAL";
    case IKE_KIND_INTER: return "IKE_INTERMEDIATE";
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
    bool once = ex->kind == IKE_KIND_SA_INIT || ex->kind == IKE_KIND_AUTH; /* usually */
    if (once && ex->index > 1)
        snprintf(buf, size, "%s%u", ike_kind_abbrev((ike_kind_t)ex->kind), ex->index);
    else if (once)
        g_strlcpy(buf, ike_kind_abbrev((ike_kind_t)ex->kind), size);
    else if (ike_kind_version((ike_kind_t)ex->kind) == 2 || ex->kind == IKE_KIND_QUICK
             || ex->kind == IKE_KIND_TRANSACTION)
        snprintf(buf, size, "%s%u", ike_kind_abbrev((ike_kind_t)ex->kind), ex->index);
    else
        g_strlcpy(buf, ike_kind_abbrev((ike_kind_t)ex->kind), size);
    return buf;
}

const char *ike_stall_label(ike_kind_t kind, unsigned stall_step, char *buf, size_t size)
{
    if (kind == IKE_KIND_TRANSACTION)
        return g_strlcpy(buf, "XAUTH", size), buf;
    if (kind == IKE_KIND_SA_INIT && stall_step == 3) /* IKE_SA_INIT answered, IKE_AUTH never seen */
        return g_strlcpy(buf, "AUTH#1", size), buf;
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
        [IKE_STATE_V2_CONNECTING] = "CONNECTING",
        [IKE_STATE_V2_ESTABLISHED] = "ESTABLISHED",
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

/* RFC 7296 section 3.10.1 and the IANA IKEv2 registry: the codes ikediag reads. */
const char *ike2_notify_name(unsigned code)
{
    switch (code) {
    case 1: return "UNSUPPORTED_CRITICAL_PAYLOAD";
    case 4: return "INVALID_IKE_SPI";
    case IKE2_N_INVALID_MAJOR_VERSION: return "INVALID_MAJOR_VERSION";
    case IKE2_N_INVALID_SYNTAX: return "INVALID_SYNTAX";
    case 9: return "INVALID_MESSAGE_ID";
    case 11: return "INVALID_SPI";
    case IKE2_N_NO_PROPOSAL_CHOSEN: return "NO_PROPOSAL_CHOSEN";
    case IKE2_N_INVALID_KE_PAYLOAD: return "INVALID_KE_PAYLOAD";
    case IKE2_N_AUTHENTICATION_FAILED: return "AUTHENTICATION_FAILED";
    case 34: return "SINGLE_PAIR_REQUIRED";
    case 35: return "NO_ADDITIONAL_SAS";
    case IKE2_N_INTERNAL_ADDRESS_FAILURE: return "INTERNAL_ADDRESS_FAILURE";
    case IKE2_N_FAILED_CP_REQUIRED: return "FAILED_CP_REQUIRED";
    case IKE2_N_TS_UNACCEPTABLE: return "TS_UNACCEPTABLE";
    case 39: return "INVALID_SELECTORS";
    case IKE2_N_TEMPORARY_FAILURE: return "TEMPORARY_FAILURE";
    case IKE2_N_CHILD_SA_NOT_FOUND: return "CHILD_SA_NOT_FOUND";
    case IKE2_N_INITIAL_CONTACT: return "INITIAL_CONTACT";
    case IKE2_N_NAT_DETECTION_SOURCE_IP: return "NAT_DETECTION_SOURCE_IP";
    case IKE2_N_NAT_DETECTION_DESTINATION_IP: return "NAT_DETECTION_DESTINATION_IP";
    case IKE2_N_COOKIE: return "COOKIE";
    case IKE2_N_REKEY_SA: return "REKEY_SA";
    case IKE2_N_FRAGMENTATION_SUPPORTED: return "IKEV2_FRAGMENTATION_SUPPORTED";
    default: return NULL;
    }
}

const char *ike_version_notify_name(unsigned version, unsigned code)
{
    return version == 2 ? ike2_notify_name(code) : ike_notify_name(code);
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
    case IKE2_XCHG_SA_INIT: return "IKE_SA_INIT";
    case IKE2_XCHG_AUTH: return "IKE_AUTH";
    case IKE2_XCHG_CREATE_CHILD_SA: return "CREATE_CHILD_SA";
    case IKE2_XCHG_INFORMATIONAL: return "INFORMATIONAL";
    case IKE2_XCHG_INTERMEDIATE: return "IKE_INTERMEDIATE";
    default: return NULL;
    }
}
