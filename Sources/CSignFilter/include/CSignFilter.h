#ifndef CLIMEP_CSIGNFILTER_H
#define CLIMEP_CSIGNFILTER_H

#include <stddef.h>
#include <stdint.h>

/// The binary64 part of `HyperplaneSigns`' filter for eight points at once.
///
/// `columns` holds the points coordinate after coordinate: `columns[8 * j + p]`
/// is point p's coordinate j (n × 8 doubles). For each hyperplane k (its
/// normal `normals[k * n ..< (k + 1) * n]`, offset `offsets[k]`), the value
/// `v = Σ_j normals[k n + j] · columns[8 j + p] + offsets[k]` is computed in
/// binary64, in some order of summation, with or without fused multiply-adds
/// (proofs/decision-net.md, "Signs over a box", covers every such order), and
/// `positive[k]` gets bit p when `v > bounds[k]`, `negative[k]` bit p when
/// `v < −bounds[k]` (false for a NaN). Uses AVX2 and FMA when the processor has
/// them, portable C otherwise.
void climep_filter_signs8(size_t planes, size_t n,
                          const double *normals, const double *offsets, const double *bounds,
                          const double *columns, uint8_t *positive, uint8_t *negative);

/// `climep_filter_signs8` in portable C whatever the processor (for comparing
/// the kernels in tests and benchmarks).
void climep_filter_signs8_portable(size_t planes, size_t n,
                                   const double *normals, const double *offsets, const double *bounds,
                                   const double *columns, uint8_t *positive, uint8_t *negative);

/// Whether `climep_filter_signs8` runs its AVX2/FMA kernel on this processor.
int climep_filter_uses_avx2(void);

/// The same in binary32 (`HyperplaneSigns`' first filter): `columns` holds
/// the points' coordinates as floats, eight per coordinate, and normals,
/// offsets and bounds are floats; `positive[k]` gets bit p when
/// `v > bounds[k]`, `negative[k]` when `v < −bounds[k]`, for `v` the binary32
/// value of `Σ_j normals[k n + j] · columns[8 j + p] + offsets[k]` in some
/// order, with or without fused multiply-adds (proofs/decision-net.md,
/// "Signs over a box", the binary32 filter). AVX2 and FMA where the processor
/// has them, portable C otherwise.
void climep_filter_signs8_f32(size_t planes, size_t n,
                              const float *normals, const float *offsets, const float *bounds,
                              const float *columns, uint8_t *positive, uint8_t *negative);

#endif
