#ifndef CASELOAD_CXLSXWRITER_SHIM_H
#define CASELOAD_CXLSXWRITER_SHIM_H
#include <xlsxwriter.h>
#endif
