/* SPDX-License-Identifier: GPL-2.0-or-later */
/* compat.h: the only place that knows one Wireshark release from another.
 *
 * Owns: version guards, private copies of the epan structs whose headers Wireshark does
 * not install, and thin wrappers over the calls that changed between 4.0 and 4.6.
 * Must not: analyse, judge or render anything.
 *
 * Tested: 4.0 (Debian 12), 4.4 (Debian 13), 4.6 (Debian forky).  4.2 is kept compiling
 * in principle by the same guards (its API sits between 4.0's and 4.4's), not tested.
 */
#ifndef IKEDIAG_COMPAT_H
#define IKEDIAG_COMPAT_H

#include <wireshark.h>

#include <epan/packet.h>
#include <epan/tap.h>

#define COMPAT_WS_AT_LEAST(major, minor)                                                                              \
    (WIRESHARK_VERSION_MAJOR > (major) || (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

#if WIRESHARK_VERSION_MAJOR != 4 || WIRESHARK_VERSION_MINOR > 6
#error "ikediag knows Wireshark 4.0 to 4.6: check compat.h (flow-graph item, tap callbacks) against this release"
#endif

/* ---- preferences ------------------------------------------------------------------ */
/* 4.4 store bool preferences in `bool` (4.0 and 4.2: gboolean). */
#if COMPAT_WS_AT_LEAST(4, 4)
typedef bool compat_pref_bool_t;
#else
typedef gboolean compat_pref_bool_t;
#endif

/* ---- data sources ----------------------------------------------------------------- */
/* The tvb of the frame's data source called `name` ("Reassembled IPv4", "Decrypted
 * IKE"...), or NULL.  4.6 replaced get_data_source_tvb_by_name() by a lookup of the
 * source and a getter. */
tvbuff_t *compat_data_source_tvb(packet_info *pinfo, const char *name);

/* ---- capture points ----------------------------------------------------------------- */
/* The pcapng interface a frame came from (0 when the file has none), and its name as
 * Wireshark shows it (frame.interface_name), or NULL when the file names none.  4.2 added
 * the section number to the name lookup. */
guint32 compat_interface_id(packet_info *pinfo);
const char *compat_interface_name(packet_info *pinfo, guint32 interface_id);

/* ---- tshark -z NAME,... commands ---------------------------------------------------- */
/* A tshark-only -z command (e.g. "ikediag,json") taking an optional display filter.
 * start returns FALSE (after saying why on stderr) when it cannot run: 4.6's init
 * callback returns that, before 4.6 a failure must exit. */
typedef struct compat_cli_command {
    const char *cli;
    const char *title;
    gboolean (*start)(const char *opt_arg);
} compat_cli_command_t;
/* `command` must live as long as the program (a static). */
void compat_register_cli(const compat_cli_command_t *command);

/* ---- conversation filters (right-click > Conversation Filter) ------------------------ */
/* 4.4 passes user data to the callbacks (4.0: none). */
typedef struct compat_conversation_filter {
    const char *display_name;
    gboolean (*is_valid)(packet_info *pinfo);
    gchar *(*build)(packet_info *pinfo); /* g_free'd by the caller */
} compat_conversation_filter_t;
/* `filter` must live as long as the program (a static). */
void compat_register_conversation_filter(const char *proto_name, const compat_conversation_filter_t *filter);

/* ---- the flow graph (epan/sequence_analysis.h, installed by no release) -------------- */
/* The item layout of each release, read from its source: 4.4 made the flags bool and
 * 4.2 renamed info_type (an enum, same size).  The functions below are exported by
 * libwireshark in every release. */
#if COMPAT_WS_AT_LEAST(4, 4)
typedef bool compat_seq_flag_t;
#else
typedef gboolean compat_seq_flag_t;
#endif

typedef struct _seq_analysis_item {
    guint32 frame_number;
    address src_addr;
    guint16 port_src;
    address dst_addr;
    guint16 port_dst;
    gchar *frame_label; /* g_free'd by the flow graph */
    gchar *time_str;
    gchar *comment; /* g_free'd by the flow graph */
    guint16 conv_num;
    unsigned fg_color;
    unsigned bg_color;
    compat_seq_flag_t has_color_filter;
    compat_seq_flag_t display;
    guint src_node;
    guint dst_node;
    guint16 line_style;
    int info_type;
    gpointer info_ptr;
} seq_analysis_item_t;

/* Only the leading members, the same in 4.0-4.6; the flow graph allocates the rest. */
typedef struct _seq_analysis_info {
    const char *name;
    compat_seq_flag_t any_addr;
    int nconv;
    GQueue *items;
} seq_analysis_info_t;

WS_DLL_PUBLIC void register_seq_analysis(const char *name, const char *ui_name, const int proto_id,
                                         const char *tap_listener, guint tap_flags, tap_packet_cb tap_func);
/* Colour the row like the packet list (the profile's colour rules). */
WS_DLL_PUBLIC void sequence_analysis_use_color_filter(packet_info *pinfo, seq_analysis_item_t *sai);
WS_DLL_PUBLIC seq_analysis_item_t *sequence_analysis_create_sai_with_addresses(packet_info *pinfo,
                                                                               seq_analysis_info_t *sainfo);

#endif
