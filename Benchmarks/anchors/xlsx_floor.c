/*
 * The workbook-writing floor (a comparison, not part of the product): a plain C loop that makes
 * libxlsxwriter write a given number of numeric and string cells in constant-memory mode, rows in
 * order, nothing else. `make bench` gives it the cell counts read back from caseload's own
 * workbooks, so its cells/s is libxlsxwriter's throughput for the same cells.
 *
 * With SHEETS > 1 the cells are spread evenly over that many worksheets (caseload's workbooks
 * have thousands of patient sheets, and each costs libxlsxwriter a temporary file and its XML).
 *
 * usage: xlsx_floor OUT.xlsx NUMERIC_CELLS STRING_CELLS [SHEETS=1] [COLUMNS=16]
 */
#include <stdio.h>
#include <stdlib.h>
#include <xlsxwriter.h>

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: xlsx_floor OUT.xlsx NUMERIC_CELLS STRING_CELLS [SHEETS] [COLUMNS]\n");
        return 2;
    }
    long numeric = atol(argv[2]), strings = atol(argv[3]);
    long sheets = argc > 4 ? atol(argv[4]) : 1;
    int columns = argc > 5 ? atoi(argv[5]) : 16;
    if (sheets < 1 || columns < 1) return 2;
    lxw_workbook_options options = {.constant_memory = LXW_TRUE};
    lxw_workbook *workbook = workbook_new_opt(argv[1], &options);
    if (!workbook) return 1;
    long total = numeric + strings, written = 0, strings_left = strings;
    long per_sheet = (total + sheets - 1) / sheets;
    char text[32];
    lxw_worksheet *sheet = NULL;
    for (lxw_row_t row = 0; written < total; row++) {
        if (written % per_sheet == 0 || sheet == NULL) {
            snprintf(text, sizeof text, "Sheet%ld", written / per_sheet + 1);
            sheet = workbook_add_worksheet(workbook, text);
            if (!sheet) return 1;
            row = 0;
        }
        long sheet_end = (written / per_sheet + 1) * per_sheet;
        for (lxw_col_t col = 0; col < columns && written < total && written < sheet_end; col++, written++) {
            /* Interleave strings evenly among the numbers. */
            if (strings_left > 0 && (written * strings) / total >= strings - strings_left) {
                snprintf(text, sizeof text, "P%05ld-%s", written % 40000, col % 2 ? "stable" : "none");
                if (worksheet_write_string(sheet, row, col, text, NULL) != LXW_NO_ERROR) return 1;
                strings_left--;
            } else if (worksheet_write_number(sheet, row, col, (double)written * 0.37, NULL) != LXW_NO_ERROR) {
                return 1;
            }
        }
    }
    return workbook_close(workbook) == LXW_NO_ERROR ? 0 : 1;
}
