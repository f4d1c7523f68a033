/*
 * xlsx_plugin.c — the xlsx plugin's entry: registers the document format
 * "xlsx" (files ending in .xlsx), so `.document FILE.xlsx`,
 * cwsh.write_document and the notice write Excel workbooks through
 * libxlsxwriter (Debian: libxlsxwriter-dev).  The writer is xlsx_write.c.
 */
#include "cwsh.h"
#include "xlsx_write.h"

static const cwsh_format xlsx_format = {
    sizeof(cwsh_format), "xlsx", "xlsx",
    "Excel workbook: one sheet per result set, typed numbers with their formats, frozen header row",
    NULL, xlsxw_write,
};

static int xlsx_init_plugin(cwsh_host *h, char **err)
{
    (void)err;
    return h->register_format(h, &xlsx_format);
}

static void xlsx_fini_plugin(cwsh_host *h) { (void)h; }

const cwsh_plugin *cwsh_plugin_entry(void);
const cwsh_plugin *cwsh_plugin_entry(void)
{
    static const cwsh_plugin p = { CWSH_PLUGIN_HEAD, "xlsx", "1.0.0", xlsx_init_plugin, xlsx_fini_plugin };
    return &p;
}
