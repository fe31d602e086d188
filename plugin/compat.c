/* SPDX-License-Identifier: GPL-2.0-or-later */
/* compat.c: wrappers over the epan calls that differ between Wireshark 4.0 and 4.6, and
 * the plugin entry point that only 4.4 and later know (compat.h says which).
 *
 * Owns: those differences.  Must not: analyse, judge or render anything.
 */
#define WS_BUILD_DLL
#include "compat.h"

#include <epan/stat_tap_ui.h>
#include <stdio.h>

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

static compat_cli_start_fn cli_start;

#if COMPAT_WS_AT_LEAST(4, 6)
static bool cli_init(const char *opt_arg, void *userdata _U_)
{
    return cli_start(opt_arg);
}
#else
static void cli_init(const char *opt_arg, void *userdata _U_)
{
    if (!cli_start(opt_arg))
        exit(1); /* tshark before 4.6 cannot be told; it would run without the command */
}
#endif

void compat_register_cli(const char *cli, const char *title, compat_cli_start_fn start)
{
    static tap_param params[] = {
        { .type = PARAM_FILTER, .name = "filter", .title = "Filter", .optional = TRUE },
    };
    static stat_tap_ui ui;
    cli_start = start;
    ui = (stat_tap_ui){
        .group = REGISTER_PACKET_STAT_GROUP_UNSORTED,
        .title = title,
        .cli_string = cli,
        .tap_init_cb = cli_init,
        .nparams = G_N_ELEMENTS(params),
        .params = params,
    };
    register_stat_tap_ui(&ui, NULL);
}
