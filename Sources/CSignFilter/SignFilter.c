#include "CSignFilter.h"

// Portable kernel: one hyperplane at a time, eight lanes of partial sums.
void climep_filter_signs8_portable(size_t planes, size_t n,
                            const double *normals, const double *offsets, const double *bounds,
                            const double *columns, uint8_t *positive, uint8_t *negative) {
    for (size_t k = 0; k < planes; k++) {
        const double *row = normals + k * n;
        double v[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        for (size_t j = 0; j < n; j++) {
            const double a = row[j];
            const double *c = columns + 8 * j;
            for (int p = 0; p < 8; p++) v[p] += a * c[p];
        }
        uint8_t pos = 0, neg = 0;
        for (int p = 0; p < 8; p++) {
            const double value = v[p] + offsets[k];
            if (value > bounds[k]) pos |= (uint8_t)(1u << p);
            if (value < -bounds[k]) neg |= (uint8_t)(1u << p);
        }
        positive[k] = pos;
        negative[k] = neg;
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

// The eight lanes' results against ±bound as two bytes.
__attribute__((target("avx2,fma")))
static inline void compare8(__m256d low, __m256d high, double offset, double bound,
                            uint8_t *positive, uint8_t *negative) {
    const __m256d b = _mm256_set1_pd(bound), nb = _mm256_set1_pd(-bound), o = _mm256_set1_pd(offset);
    low = _mm256_add_pd(low, o);
    high = _mm256_add_pd(high, o);
    *positive = (uint8_t)(_mm256_movemask_pd(_mm256_cmp_pd(low, b, _CMP_GT_OQ))
                          | (_mm256_movemask_pd(_mm256_cmp_pd(high, b, _CMP_GT_OQ)) << 4));
    *negative = (uint8_t)(_mm256_movemask_pd(_mm256_cmp_pd(low, nb, _CMP_LT_OQ))
                          | (_mm256_movemask_pd(_mm256_cmp_pd(high, nb, _CMP_LT_OQ)) << 4));
}

// Two hyperplanes at a time, even and odd coordinates apart: eight independent
// chains of fused multiply-adds share each load of a column.
__attribute__((target("avx2,fma")))
static void signs8_avx2(size_t planes, size_t n,
                        const double *normals, const double *offsets, const double *bounds,
                        const double *columns, uint8_t *positive, uint8_t *negative) {
    size_t k = 0;
    for (; k + 2 <= planes; k += 2) {
        const double *r0 = normals + k * n, *r1 = r0 + n;
        __m256d l0e = _mm256_setzero_pd(), h0e = l0e, l0o = l0e, h0o = l0e;
        __m256d l1e = l0e, h1e = l0e, l1o = l0e, h1o = l0e;
        size_t j = 0;
        for (; j + 2 <= n; j += 2) {
            const __m256d cl = _mm256_loadu_pd(columns + 8 * j), ch = _mm256_loadu_pd(columns + 8 * j + 4);
            const __m256d dl = _mm256_loadu_pd(columns + 8 * j + 8), dh = _mm256_loadu_pd(columns + 8 * j + 12);
            const __m256d a0 = _mm256_broadcast_sd(r0 + j), a1 = _mm256_broadcast_sd(r1 + j);
            const __m256d b0 = _mm256_broadcast_sd(r0 + j + 1), b1 = _mm256_broadcast_sd(r1 + j + 1);
            l0e = _mm256_fmadd_pd(a0, cl, l0e); h0e = _mm256_fmadd_pd(a0, ch, h0e);
            l1e = _mm256_fmadd_pd(a1, cl, l1e); h1e = _mm256_fmadd_pd(a1, ch, h1e);
            l0o = _mm256_fmadd_pd(b0, dl, l0o); h0o = _mm256_fmadd_pd(b0, dh, h0o);
            l1o = _mm256_fmadd_pd(b1, dl, l1o); h1o = _mm256_fmadd_pd(b1, dh, h1o);
        }
        if (j < n) {
            const __m256d cl = _mm256_loadu_pd(columns + 8 * j), ch = _mm256_loadu_pd(columns + 8 * j + 4);
            const __m256d a0 = _mm256_broadcast_sd(r0 + j), a1 = _mm256_broadcast_sd(r1 + j);
            l0e = _mm256_fmadd_pd(a0, cl, l0e); h0e = _mm256_fmadd_pd(a0, ch, h0e);
            l1e = _mm256_fmadd_pd(a1, cl, l1e); h1e = _mm256_fmadd_pd(a1, ch, h1e);
        }
        compare8(_mm256_add_pd(l0e, l0o), _mm256_add_pd(h0e, h0o), offsets[k], bounds[k],
                 positive + k, negative + k);
        compare8(_mm256_add_pd(l1e, l1o), _mm256_add_pd(h1e, h1o), offsets[k + 1], bounds[k + 1],
                 positive + k + 1, negative + k + 1);
    }
    if (k < planes) {
        const double *r0 = normals + k * n;
        __m256d l = _mm256_setzero_pd(), h = l;
        for (size_t j = 0; j < n; j++) {
            const __m256d a = _mm256_broadcast_sd(r0 + j);
            l = _mm256_fmadd_pd(a, _mm256_loadu_pd(columns + 8 * j), l);
            h = _mm256_fmadd_pd(a, _mm256_loadu_pd(columns + 8 * j + 4), h);
        }
        compare8(l, h, offsets[k], bounds[k], positive + k, negative + k);
    }
}

// The processor's features are read by the runtime's constructor before any
// Swift code runs, so no `__builtin_cpu_init` (and no shared state) is needed.
int climep_filter_uses_avx2(void) {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

void climep_filter_signs8(size_t planes, size_t n,
                          const double *normals, const double *offsets, const double *bounds,
                          const double *columns, uint8_t *positive, uint8_t *negative) {
    if (climep_filter_uses_avx2())
        signs8_avx2(planes, n, normals, offsets, bounds, columns, positive, negative);
    else
        climep_filter_signs8_portable(planes, n, normals, offsets, bounds, columns, positive, negative);
}
#else
int climep_filter_uses_avx2(void) { return 0; }

void climep_filter_signs8(size_t planes, size_t n,
                          const double *normals, const double *offsets, const double *bounds,
                          const double *columns, uint8_t *positive, uint8_t *negative) {
    climep_filter_signs8_portable(planes, n, normals, offsets, bounds, columns, positive, negative);
}
#endif
