#ifndef CLIMEP_ZLIB_SHIM_H
#define CLIMEP_ZLIB_SHIM_H
#include <zlib.h>

// zlib's init functions are macros (they pass the library version and the
// stream's size); Swift imports functions, not macros.

/// Inflate a gzip stream (a gzip header, not zlib's or raw deflate).
static inline int climep_inflate_gzip_init(z_stream *stream) {
    return inflateInit2(stream, 16 + MAX_WBITS);
}

/// Deflate into a gzip stream at `level` (0–9).
static inline int climep_deflate_gzip_init(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
}
#endif
