#ifndef HOTLINE_CLIBPQ_SHIM_H
#define HOTLINE_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
