/* SPDX-License-Identifier: GPL-2.0-or-later */
/* compat.c: wrappers over the epan calls that differ between Wireshark 4.0 and 4.6, and
 * the plugin entry point that only 4.4 and later know (compat.h says which).
 *
 * Owns: those differences.  Must not: analyse, judge or render anything.
 */
#define WS_BUILD_DLL
#include "compat.h"

#include <epan/conversation_filter.h>
#include <epan/epan.h>
#include <epan/stat_tap_ui.h>
#include <stdio.h>
#include <string.h>
#include <wiretap/wtap.h>

#if COMPAT_WS_AT_LEAST(4, 4)
#include <wsutil/plugins.h>
/* 4.4: what kinds of plugin this is, for the About dialog and -G plugins. */
WS_DLL_PUBLIC uint32_t plugin_describe(void);
uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER;
}
#endif

tvbuff_t *compat_data_source_tvb(packet_info *pinfo, const char *name)
{
#if COMPAT_WS_AT_LEAST(4, 6)
    struct data_source *src = get_data_source_by_name(pinfo, name);
    return src ? get_data_source_tvb(src) : NULL;
#else
    return get_data_source_tvb_by_name(pinfo, name);
#endif
}

/* The command rides in the init callback's user data. */
#if COMPAT_WS_AT_LEAST(4, 6)
static bool cli_init(const char *opt_arg, void *command)
{
    return ((const compat_cli_command_t *)command)->start(opt_arg);
}
#else
static void cli_init(const char *opt_arg, void *command)
{
    if (!((const compat_cli_command_t *)command)->start(opt_arg))
        exit(1); /* tshark before 4.6 cannot be told; it would run without the command */
}
#endif

void compat_register_cli(const compat_cli_command_t *command)
{
    static tap_param params[] = {
        { .type = PARAM_FILTER, .name = "filter", .title = "Filter", .optional = TRUE },
    };
    /* registered for the program's lifetime: static, so nothing counts as leaked once the
     * plugin is unloaded at exit */
    static stat_tap_ui uis[4];
    static unsigned n_uis;
    if (n_uis == G_N_ELEMENTS(uis))
        return;
    stat_tap_ui *ui = &uis[n_uis++];
    *ui = (stat_tap_ui){
        .group = REGISTER_PACKET_STAT_GROUP_UNSORTED,
        .title = command->title,
        .cli_string = command->cli,
        .tap_init_cb = cli_init,
        .nparams = G_N_ELEMENTS(params),
        .params = params,
    };
    register_stat_tap_ui(ui, (void *)command);
}

#if COMPAT_WS_AT_LEAST(4, 4)
static bool conversation_filter_valid(packet_info *pinfo, void *user_data)
{
    return ((const compat_conversation_filter_t *)user_data)->is_valid(pinfo);
}

static char *conversation_filter_build(packet_info *pinfo, void *user_data)
{
    return ((const compat_conversation_filter_t *)user_data)->build(pinfo);
}
#endif

void compat_register_conversation_filter(const char *proto_name, const compat_conversation_filter_t *filter)
{
#if COMPAT_WS_AT_LEAST(4, 4)
    register_conversation_filter(proto_name, filter->display_name, conversation_filter_valid,
                                 conversation_filter_build, (void *)filter);
#else
    register_conversation_filter(proto_name, filter->display_name, filter->is_valid, filter->build);
#endif
}

guint32 compat_interface_id(packet_info *pinfo)
{
    const wtap_rec *rec = pinfo->rec;
    return rec && (rec->presence_flags & WTAP_HAS_INTERFACE_ID) ? rec->rec_header.packet_header.interface_id : 0;
}

const char *compat_interface_name(packet_info *pinfo, guint32 interface_id)
{
#if COMPAT_WS_AT_LEAST(4, 2)
    const char *name = epan_get_interface_name(pinfo->epan, interface_id, pinfo->rec ? pinfo->rec->section_number : 0);
#else
    const char *name = epan_get_interface_name(pinfo->epan, interface_id);
#endif
    return name && strcmp(name, "unknown") != 0 ? name : NULL; /* epan's word for "none" */
}
