/*
 * The workbook-writing floor (a comparison, not part of the product): a plain C loop that makes
 * libxlsxwriter write exactly the cells of caseload's own workbooks, in constant-memory mode, and
 * nothing else (no formats, charts, links, column widths or print setup).
 *
 * `make bench` (Benchmarks/bench.py) reads back every workbook `caseload review` wrote and dumps
 * each worksheet's cells to a file, in the workbook's sheet order and each sheet's row order:
 *
 *     W<TAB>sheet name                  starts a worksheet
 *     N<TAB>row<TAB>col<TAB>number      a numeric cell (the value as the workbook holds it)
 *     S<TAB>row<TAB>col<TAB>text        a string cell (\\, \t, \n and \r escaped)
 *
 * This program loads every dump into memory first (not timed), then writes the workbooks the way
 * caseload's ReportWriter does: all worksheets of a workbook added first, then filled in order,
 * the workbooks shared out over one thread per core (as `DispatchQueue.concurrentPerform` does),
 * worksheet temporary files in the same place as caseload's (`$TMPDIR` set: libxlsxwriter's
 * default; else `/dev/shm` when it is a writable folder with at least 2 GiB free; else the default).
 * It prints one JSON line: the writing-only wall and CPU seconds (from the first workbook opened to
 * the last closed) and what was written.
 *
 * usage: xlsx_floor DUMP OUT.xlsx [DUMP OUT.xlsx ...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

typedef struct {
    lxw_row_t row;
    lxw_col_t col;
    char *text; /* NULL for a number */
    double number;
} cell_t;

typedef struct {
    char *name;
    size_t first, count; /* cells[first ..< first + count] */
} sheet_t;

typedef struct {
    const char *dump, *out;
    cell_t *cells;
    size_t ncells, cap_cells;
    sheet_t *sheets;
    size_t nsheets, cap_sheets;
    size_t strings;
    int status;
} book_t;

static book_t *books;
static int nbooks;
static atomic_int next_book;
static const char *tmpdir;

static void die(const char *what, const char *detail) {
    fprintf(stderr, "xlsx_floor: %s: %s\n", what, detail);
    exit(1);
}

/* Undoes the dump's escapes in place. */
static char *unescape(char *s) {
    char *r = s, *w = s;
    while (*r) {
        if (*r == '\\' && r[1]) {
            r++;
            *w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r == 'r' ? '\r' : *r;
            r++;
        } else {
            *w++ = *r++;
        }
    }
    *w = 0;
    return s;
}

static void load(book_t *b) {
    FILE *f = fopen(b->dump, "r");
    if (!f) die(b->dump, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] == '\n') line[--len] = 0;
        if (line[0] == 'W' && line[1] == '\t') {
            if (b->nsheets == b->cap_sheets) {
                b->cap_sheets = b->cap_sheets ? 2 * b->cap_sheets : 64;
                b->sheets = realloc(b->sheets, b->cap_sheets * sizeof *b->sheets);
                if (!b->sheets) die(b->dump, "out of memory");
            }
            b->sheets[b->nsheets++] = (sheet_t){.name = strdup(unescape(line + 2)), .first = b->ncells};
            continue;
        }
        if ((line[0] != 'N' && line[0] != 'S') || line[1] != '\t' || b->nsheets == 0) die(b->dump, line);
        char *p = line + 2, *end;
        long row = strtol(p, &end, 10);
        if (*end != '\t') die(b->dump, "bad row");
        long col = strtol(end + 1, &end, 10);
        if (*end != '\t') die(b->dump, "bad column");
        p = end + 1;
        if (b->ncells == b->cap_cells) {
            b->cap_cells = b->cap_cells ? 2 * b->cap_cells : 4096;
            b->cells = realloc(b->cells, b->cap_cells * sizeof *b->cells);
            if (!b->cells) die(b->dump, "out of memory");
        }
        cell_t *c = &b->cells[b->ncells++];
        c->row = (lxw_row_t)row;
        c->col = (lxw_col_t)col;
        if (line[0] == 'N') {
            c->text = NULL;
            c->number = strtod(p, NULL);
        } else {
            c->text = strdup(unescape(p));
            b->strings++;
        }
        b->sheets[b->nsheets - 1].count++;
    }
    free(line);
    fclose(f);
}

/* caseload's ReportWriter.temporaryDirectory(). */
static const char *temporary_directory(void) {
    const char *set = getenv("TMPDIR");
    if (set && *set) return NULL;
    struct stat info;
    if (stat("/dev/shm", &info) != 0 || !S_ISDIR(info.st_mode) || access("/dev/shm", W_OK) != 0) return NULL;
    struct statvfs space;
    if (statvfs("/dev/shm", &space) != 0) return NULL;
    if ((unsigned long long)space.f_bavail * space.f_frsize < (2ULL << 30)) return NULL;
    return "/dev/shm";
}

static int write_book(book_t *b) {
    lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = (char *)tmpdir};
    lxw_workbook *workbook = workbook_new_opt(b->out, &options);
    if (!workbook) return 1;
    lxw_worksheet **sheets = calloc(b->nsheets, sizeof *sheets);
    for (size_t s = 0; s < b->nsheets; s++) {
        sheets[s] = workbook_add_worksheet(workbook, b->sheets[s].name);
        if (!sheets[s]) return 1;
    }
    for (size_t s = 0; s < b->nsheets; s++) {
        const cell_t *c = b->cells + b->sheets[s].first, *end = c + b->sheets[s].count;
        for (; c < end; c++) {
            lxw_error e = c->text ? worksheet_write_string(sheets[s], c->row, c->col, c->text, NULL)
                                  : worksheet_write_number(sheets[s], c->row, c->col, c->number, NULL);
            if (e != LXW_NO_ERROR) return 1;
        }
    }
    free(sheets);
    return workbook_close(workbook) == LXW_NO_ERROR ? 0 : 1;
}

static void *worker(void *unused) {
    (void)unused;
    for (int i; (i = atomic_fetch_add(&next_book, 1)) < nbooks;) books[i].status = write_book(&books[i]);
    return NULL;
}

static double seconds(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc % 2 == 0) {
        fprintf(stderr, "usage: xlsx_floor DUMP OUT.xlsx [DUMP OUT.xlsx ...]\n");
        return 2;
    }
    nbooks = (argc - 1) / 2;
    books = calloc(nbooks, sizeof *books);
    size_t cells = 0, strings = 0, sheets = 0;
    for (int i = 0; i < nbooks; i++) {
        books[i].dump = argv[1 + 2 * i];
        books[i].out = argv[2 + 2 * i];
        load(&books[i]);
        cells += books[i].ncells;
        strings += books[i].strings;
        sheets += books[i].nsheets;
    }
    tmpdir = temporary_directory();
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = cores < 1 ? 1 : cores < nbooks ? (int)cores : nbooks;
    pthread_t *ids = calloc(threads, sizeof *ids);

    double wall0 = seconds(CLOCK_MONOTONIC), cpu0 = cpu_seconds();
    for (int t = 1; t < threads; t++) pthread_create(&ids[t], NULL, worker, NULL);
    worker(NULL);
    for (int t = 1; t < threads; t++) pthread_join(ids[t], NULL);
    double wall = seconds(CLOCK_MONOTONIC) - wall0, cpu = cpu_seconds() - cpu0;

    for (int i = 0; i < nbooks; i++)
        if (books[i].status != 0) die(books[i].out, "libxlsxwriter could not write it");
    printf("{\"wall\":%.6f,\"cpu\":%.6f,\"cells\":%zu,\"numeric\":%zu,\"string\":%zu,\"sheets\":%zu,"
           "\"workbooks\":%d,\"threads\":%d,\"tmpdir\":\"%s\"}\n",
           wall, cpu, cells, cells - strings, strings, sheets, nbooks, threads, tmpdir ? tmpdir : "default");
    return 0;
}
