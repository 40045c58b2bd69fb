#ifndef CLIMEP_CMPFR_SHIM_H
#define CLIMEP_CMPFR_SHIM_H
#include <gmp.h>
#include <mpfr.h>
#endif
