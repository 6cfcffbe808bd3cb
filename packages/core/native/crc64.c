/*
 * CRC-64/XZ (ECMA-182, reflected) as a Node-API addon: the register a Crc64 keeps, advanced over a
 * buffer. On x86-64 with PCLMULQDQ the bytes are folded 128 at a time with carry-less multiplies (the
 * method of Intel's "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ"), 256 at a time with
 * AVX-512's VPCLMULQDQ: five to ten times the speed of the WebAssembly tables; elsewhere slicing-by-8
 * tables. Built by native/build.mjs; optional: without it the WebAssembly kernel computes the same values.
 *
 *   update(register: BigUint64Array(1+), data: Uint8Array): void  -- register[0] advanced over data
 *   kernel(): string                          -- the path this CPU takes: "vpclmulqdq", "pclmul" or "tables"
 *   updateWith(path, register, data): void    -- the same on a named path this CPU has (for the tests)
 */
#define NAPI_VERSION 6
#include <node_api.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the kernel reads 8 bytes at a time as a little-endian word"
#endif

#if defined(__x86_64__)
#include <immintrin.h>
#define HAVE_CLMUL 1
/* build.mjs sets HADOOPFS_NO_AVX512 for a compiler too old for the vpclmulqdq target (gcc < 8). */
#ifndef HADOOPFS_NO_AVX512
#define HAVE_VPCLMUL 1
#endif
#endif

/* The polynomial, bits reflected (bit 63 is x^0). */
static const uint64_t REFLECTED_POLY = 0xC96C5795D7870F42ULL;
static uint64_t table[8][256];

/* x^n modulo the polynomial, reflected: x^0 is bit 63, and multiplying by x is a shift right. */
static uint64_t x_power(unsigned n) {
  uint64_t v = 1ULL << 63;
  while (n--) v = (v & 1) ? (v >> 1) ^ REFLECTED_POLY : v >> 1;
  return v;
}

static void build_tables(void) {
  for (unsigned n = 0; n < 256; n++) {
    uint64_t c = n;
    for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ REFLECTED_POLY : c >> 1;
    table[0][n] = c;
  }
  /* table[t][n]: byte n followed by t zero bytes. */
  for (int t = 1; t < 8; t++)
    for (unsigned n = 0; n < 256; n++) table[t][n] = (table[t - 1][n] >> 8) ^ table[0][table[t - 1][n] & 0xff];
}

static uint64_t update_tables(uint64_t crc, const uint8_t *p, size_t len) {
  for (; len >= 8; p += 8, len -= 8) {
    uint64_t word;
    memcpy(&word, p, 8);
    crc ^= word;
    crc = table[7][crc & 0xff] ^ table[6][(crc >> 8) & 0xff] ^ table[5][(crc >> 16) & 0xff] ^ table[4][(crc >> 24) & 0xff] ^
          table[3][(crc >> 32) & 0xff] ^ table[2][(crc >> 40) & 0xff] ^ table[1][(crc >> 48) & 0xff] ^ table[0][crc >> 56];
  }
  for (; len > 0; p++, len--) crc = table[0][(crc ^ *p) & 0xff] ^ (crc >> 8);
  return crc;
}

#ifdef HAVE_CLMUL
static int use_clmul;
/*
 * Folding constants. A 16-byte block X (low qword H: the earlier bytes, high qword L) stands for
 * H·x^64 + L; moving it D bits later is H·x^(64+D) + L·x^D, and a reflected carry-less product carries
 * one extra factor x, hence x^(63+D) for the low qword and x^(D-1) for the high one.
 */
/* fold_block[i]: moves block i of 16 onto the last (15 - i blocks later); the 8-lane loop uses the last 7. */
static __m128i fold_by_128_bytes, fold_by_16_bytes, fold_block[15], fold_by_256_bytes;
static int use_vpclmul;

static __m128i fold_constants(unsigned bits) {
  return _mm_set_epi64x((long long)x_power(bits - 1), (long long)x_power(bits + 63));
}

static void build_fold_constants(void) {
  fold_by_128_bytes = fold_constants(1024);
  fold_by_16_bytes = fold_constants(128);
  fold_by_256_bytes = fold_constants(2048);
  for (int i = 0; i < 15; i++) fold_block[i] = fold_constants((unsigned)(15 - i) * 128);
}

__attribute__((target("pclmul,sse4.1"))) static inline __m128i fold(__m128i x, __m128i k) {
  return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

/* Folds the remaining whole blocks into acc; what is left stands for acc's 16 bytes from register 0, then the tail. */
__attribute__((target("pclmul,sse4.1"))) static uint64_t finish(__m128i acc, const uint8_t *p, size_t len) {
  for (; len >= 16; p += 16, len -= 16) acc = _mm_xor_si128(fold(acc, fold_by_16_bytes), _mm_loadu_si128((const __m128i *)p));
  uint8_t block[16];
  _mm_storeu_si128((__m128i *)block, acc);
  return update_tables(update_tables(0, block, 16), p, len);
}

__attribute__((target("pclmul,sse4.1"))) static uint64_t update_clmul(uint64_t crc, const uint8_t *p, size_t len) {
  if (len < 256) return update_tables(crc, p, len);
  __m128i x[8];
  for (int i = 0; i < 8; i++) x[i] = _mm_loadu_si128((const __m128i *)(p + 16 * i));
  /* A register r over bytes B is register 0 over B with r added to its first eight bytes. */
  x[0] = _mm_xor_si128(x[0], _mm_cvtsi64_si128((long long)crc));
  p += 128;
  len -= 128;
  for (; len >= 128; p += 128, len -= 128) {
    for (int i = 0; i < 8; i++) x[i] = _mm_xor_si128(fold(x[i], fold_by_128_bytes), _mm_loadu_si128((const __m128i *)(p + 16 * i)));
  }
  __m128i acc = x[7];
  for (int i = 0; i < 7; i++) acc = _mm_xor_si128(acc, fold(x[i], fold_block[8 + i]));
  return finish(acc, p, len);
}

#ifdef HAVE_VPCLMUL
/* The same folding four blocks per instruction (AVX-512): 256 bytes a round in four registers. */
__attribute__((target("avx512f,avx512vl,vpclmulqdq,pclmul,sse4.1"))) static uint64_t update_vpclmul(uint64_t crc, const uint8_t *p, size_t len) {
  if (len < 1024) return update_clmul(crc, p, len);
  __m512i x[4];
  for (int i = 0; i < 4; i++) x[i] = _mm512_loadu_si512((const void *)(p + 64 * i));
  x[0] = _mm512_xor_si512(x[0], _mm512_castsi128_si512(_mm_cvtsi64_si128((long long)crc)));
  p += 256;
  len -= 256;
  const __m512i k = _mm512_broadcast_i32x4(fold_by_256_bytes);
  for (; len >= 256; p += 256, len -= 256) {
    for (int i = 0; i < 4; i++) {
      x[i] = _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(x[i], k, 0x00), _mm512_clmulepi64_epi128(x[i], k, 0x11),
                                       _mm512_loadu_si512((const void *)(p + 64 * i)), 0x96);
    }
  }
  __m128i blocks[16];
  for (int i = 0; i < 4; i++) _mm512_storeu_si512((void *)(blocks + 4 * i), x[i]);
  __m128i acc = blocks[15];
  for (int i = 0; i < 15; i++) acc = _mm_xor_si128(acc, fold(blocks[i], fold_block[i]));
  return finish(acc, p, len);
}
#endif
#endif

static uint64_t update(uint64_t crc, const uint8_t *p, size_t len) {
#ifdef HAVE_CLMUL
#ifdef HAVE_VPCLMUL
  if (use_vpclmul) return update_vpclmul(crc, p, len);
#endif
  if (use_clmul) return update_clmul(crc, p, len);
#endif
  return update_tables(crc, p, len);
}

static napi_value throw_type_error(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

typedef uint64_t (*update_fn)(uint64_t, const uint8_t *, size_t);

/* Reads (register, data) from argv and advances the register with `fn`. */
static napi_value run_update(napi_env env, napi_value *argv, update_fn fn) {
  bool is_typed;
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_is_typedarray(env, argv[0], &is_typed) != napi_ok || !is_typed) return throw_type_error(env, "update: register must be a BigUint64Array");
  napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL);
  if (type != napi_biguint64_array || length < 1) return throw_type_error(env, "update: register must be a BigUint64Array");
  uint64_t *reg = (uint64_t *)data;
  if (napi_is_typedarray(env, argv[1], &is_typed) != napi_ok || !is_typed) return throw_type_error(env, "update: data must be a Uint8Array");
  napi_get_typedarray_info(env, argv[1], &type, &length, &data, NULL, NULL);
  if (type != napi_uint8_array) return throw_type_error(env, "update: data must be a Uint8Array");
  reg[0] = fn(reg[0], (const uint8_t *)data, length);
  return NULL;
}

static napi_value js_update(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) return throw_type_error(env, "update(register, data): two arguments");
  return run_update(env, argv, update);
}

static napi_value js_update_with(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) return throw_type_error(env, "updateWith(path, register, data): three arguments");
  char path[16] = {0};
  size_t n;
  if (napi_get_value_string_utf8(env, argv[0], path, sizeof path, &n) != napi_ok) return throw_type_error(env, "updateWith: path must be a string");
  if (strcmp(path, "tables") == 0) return run_update(env, argv + 1, update_tables);
#ifdef HAVE_CLMUL
  if (strcmp(path, "pclmul") == 0 && use_clmul) return run_update(env, argv + 1, update_clmul);
#ifdef HAVE_VPCLMUL
  if (strcmp(path, "vpclmulqdq") == 0 && use_vpclmul) return run_update(env, argv + 1, update_vpclmul);
#endif
#endif
  napi_throw_error(env, NULL, "updateWith: this CPU has no such path");
  return NULL;
}

static napi_value js_kernel(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value name;
#ifdef HAVE_CLMUL
  napi_create_string_utf8(env, use_vpclmul ? "vpclmulqdq" : use_clmul ? "pclmul" : "tables", NAPI_AUTO_LENGTH, &name);
#else
  napi_create_string_utf8(env, "tables", NAPI_AUTO_LENGTH, &name);
#endif
  return name;
}

static void build_constants(void) {
  build_tables();
#ifdef HAVE_CLMUL
  __builtin_cpu_init();
  use_clmul = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  if (use_clmul) build_fold_constants();
#ifdef HAVE_VPCLMUL
  use_vpclmul = use_clmul && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("vpclmulqdq");
#endif
#endif
}

static pthread_once_t constants_built = PTHREAD_ONCE_INIT;

/* Loaded once per thread (worker_threads too); the constants are the process's, built by the first. */
NAPI_MODULE_INIT() {
  pthread_once(&constants_built, build_constants);
  napi_property_descriptor properties[] = {
      {"update", NULL, js_update, NULL, NULL, NULL, napi_enumerable, NULL},
      {"kernel", NULL, js_kernel, NULL, NULL, NULL, napi_enumerable, NULL},
      {"updateWith", NULL, js_update_with, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, 3, properties);
  return exports;
}
