#include "CSignFilter.h"

// Portable kernels, one per precision: one hyperplane at a time, eight lanes of partial sums.
#define CLIMEP_PORTABLE_SIGNS8(NAME, T)                                                       \
    void NAME(size_t planes, size_t n, const T *normals, const T *offsets, const T *bounds, \
              const T *columns, uint8_t *positive, uint8_t *negative) {                     \
        for (size_t k = 0; k < planes; k++) {                                                \
            const T *row = normals + k * n;                                                  \
            T v[8] = {0, 0, 0, 0, 0, 0, 0, 0};                                               \
            for (size_t j = 0; j < n; j++) {                                                 \
                const T a = row[j];                                                          \
                const T *c = columns + 8 * j;                                                \
                for (int p = 0; p < 8; p++) v[p] += a * c[p];                                \
            }                                                                                \
            uint8_t pos = 0, neg = 0;                                                        \
            for (int p = 0; p < 8; p++) {                                                    \
                const T value = v[p] + offsets[k];                                           \
                if (value > bounds[k]) pos |= (uint8_t)(1u << p);                            \
                if (value < -bounds[k]) neg |= (uint8_t)(1u << p);                           \
            }                                                                                \
            positive[k] = pos;                                                               \
            negative[k] = neg;                                                               \
        }                                                                                    \
    }

CLIMEP_PORTABLE_SIGNS8(climep_filter_signs8_portable, double)
static CLIMEP_PORTABLE_SIGNS8(signs8_f32_portable, float)

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

// One hyperplane's eight lanes against ±bound as two bytes (binary32).
__attribute__((target("avx2,fma")))
static inline void compare8_f32(__m256 v, float offset, float bound, uint8_t *positive, uint8_t *negative) {
    v = _mm256_add_ps(v, _mm256_set1_ps(offset));
    *positive = (uint8_t)_mm256_movemask_ps(_mm256_cmp_ps(v, _mm256_set1_ps(bound), _CMP_GT_OQ));
    *negative = (uint8_t)_mm256_movemask_ps(_mm256_cmp_ps(v, _mm256_set1_ps(-bound), _CMP_LT_OQ));
}

// Four hyperplanes at a time, even and odd coordinates apart: all eight points
// in one register, eight independent chains of fused multiply-adds.
__attribute__((target("avx2,fma")))
static void signs8_f32_avx2(size_t planes, size_t n,
                            const float *normals, const float *offsets, const float *bounds,
                            const float *columns, uint8_t *positive, uint8_t *negative) {
    size_t k = 0;
    for (; k + 4 <= planes; k += 4) {
        const float *r0 = normals + k * n, *r1 = r0 + n, *r2 = r1 + n, *r3 = r2 + n;
        __m256 e0 = _mm256_setzero_ps(), e1 = e0, e2 = e0, e3 = e0, o0 = e0, o1 = e0, o2 = e0, o3 = e0;
        size_t j = 0;
        for (; j + 2 <= n; j += 2) {
            const __m256 c = _mm256_loadu_ps(columns + 8 * j), d = _mm256_loadu_ps(columns + 8 * j + 8);
            e0 = _mm256_fmadd_ps(_mm256_broadcast_ss(r0 + j), c, e0);
            e1 = _mm256_fmadd_ps(_mm256_broadcast_ss(r1 + j), c, e1);
            e2 = _mm256_fmadd_ps(_mm256_broadcast_ss(r2 + j), c, e2);
            e3 = _mm256_fmadd_ps(_mm256_broadcast_ss(r3 + j), c, e3);
            o0 = _mm256_fmadd_ps(_mm256_broadcast_ss(r0 + j + 1), d, o0);
            o1 = _mm256_fmadd_ps(_mm256_broadcast_ss(r1 + j + 1), d, o1);
            o2 = _mm256_fmadd_ps(_mm256_broadcast_ss(r2 + j + 1), d, o2);
            o3 = _mm256_fmadd_ps(_mm256_broadcast_ss(r3 + j + 1), d, o3);
        }
        if (j < n) {
            const __m256 c = _mm256_loadu_ps(columns + 8 * j);
            e0 = _mm256_fmadd_ps(_mm256_broadcast_ss(r0 + j), c, e0);
            e1 = _mm256_fmadd_ps(_mm256_broadcast_ss(r1 + j), c, e1);
            e2 = _mm256_fmadd_ps(_mm256_broadcast_ss(r2 + j), c, e2);
            e3 = _mm256_fmadd_ps(_mm256_broadcast_ss(r3 + j), c, e3);
        }
        compare8_f32(_mm256_add_ps(e0, o0), offsets[k], bounds[k], positive + k, negative + k);
        compare8_f32(_mm256_add_ps(e1, o1), offsets[k + 1], bounds[k + 1], positive + k + 1, negative + k + 1);
        compare8_f32(_mm256_add_ps(e2, o2), offsets[k + 2], bounds[k + 2], positive + k + 2, negative + k + 2);
        compare8_f32(_mm256_add_ps(e3, o3), offsets[k + 3], bounds[k + 3], positive + k + 3, negative + k + 3);
    }
    for (; k < planes; k++) {
        const float *r0 = normals + k * n;
        __m256 v = _mm256_setzero_ps();
        for (size_t j = 0; j < n; j++) v = _mm256_fmadd_ps(_mm256_broadcast_ss(r0 + j), _mm256_loadu_ps(columns + 8 * j), v);
        compare8_f32(v, offsets[k], bounds[k], positive + k, negative + k);
    }
}

// The processor's features are read by the runtime's constructor before any
// Swift code runs, so no `__builtin_cpu_init` (and no shared state) is needed.
int climep_filter_uses_avx2(void) {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// The AVX2 kernel where the processor has it, else the portable one.
#define CLIMEP_AVX2_OR(avx2, portable) (climep_filter_uses_avx2() ? (avx2) : (portable))
#else
int climep_filter_uses_avx2(void) { return 0; }
#define CLIMEP_AVX2_OR(avx2, portable) (portable)
#endif

void climep_filter_signs8_f32(size_t planes, size_t n,
                              const float *normals, const float *offsets, const float *bounds,
                              const float *columns, uint8_t *positive, uint8_t *negative) {
    CLIMEP_AVX2_OR(signs8_f32_avx2, signs8_f32_portable)(planes, n, normals, offsets, bounds, columns, positive, negative);
}

void climep_filter_signs8(size_t planes, size_t n,
                          const double *normals, const double *offsets, const double *bounds,
                          const double *columns, uint8_t *positive, uint8_t *negative) {
    CLIMEP_AVX2_OR(signs8_avx2, climep_filter_signs8_portable)(planes, n, normals, offsets, bounds, columns, positive, negative);
}
