#ifndef CLIMEP_CGMP_SHIM_H
#define CLIMEP_CGMP_SHIM_H
#include <gmp.h>

/* GMP defines these as function-like macros, which Swift cannot see. */
static inline int climep_mpz_sgn(const __mpz_struct *z) { return mpz_sgn(z); }
static inline int climep_mpq_sgn(const __mpq_struct *q) { return mpq_sgn(q); }
static inline __mpz_struct *climep_mpq_numref(__mpq_struct *q) { return mpq_numref(q); }
static inline __mpz_struct *climep_mpq_denref(__mpq_struct *q) { return mpq_denref(q); }
static inline const __mpz_struct *climep_mpq_numref_const(const __mpq_struct *q) { return mpq_numref(q); }
static inline const __mpz_struct *climep_mpq_denref_const(const __mpq_struct *q) { return mpq_denref(q); }
static inline int climep_mpz_odd_p(const __mpz_struct *z) { return mpz_odd_p(z); }

#endif
