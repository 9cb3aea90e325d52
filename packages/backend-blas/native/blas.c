// Kernels for tfjs tensors: matrix products through the system's CBLAS (OpenBLAS on Debian: libopenblas-dev,
// with its own vectorised kernels and threads), and single-pass C loops for leading-axis sums, the AdamW update
// and GELU. The caller passes Float32Array views of the operands (for the wasm backend: views into its heap),
// so nothing is copied.
#include <node_api.h>
#include <cblas.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <string.h>

// OpenBLAS extensions (declared in its cblas.h; declared here too so other CBLAS headers still compile).
extern void openblas_set_num_threads(int num_threads);
extern int openblas_get_num_threads(void);
extern char *openblas_get_config(void);
extern char *openblas_get_corename(void);

#define THROW(env, ...)                                   \
  do {                                                    \
    char message_[256];                                   \
    snprintf(message_, sizeof message_, __VA_ARGS__);     \
    napi_throw_error((env), "ERR_MLP_BLOCKS_BLAS", message_); \
    return NULL;                                          \
  } while (0)

#define CALL(env, call)                                                   \
  do {                                                                    \
    if ((call) != napi_ok) THROW((env), "blas addon: N-API call failed: %s", #call); \
  } while (0)

static bool float_view(napi_env env, napi_value value, float **data, size_t *length) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return false;
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  void *raw;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, &buffer, &offset) != napi_ok) return false;
  if (type != napi_float32_array) return false;
  *data = (float *)raw;
  return true;
}

static bool get_int(napi_env env, napi_value value, long long *out) {
  int64_t v;
  if (napi_get_value_int64(env, value, &v) != napi_ok) return false;
  *out = (long long)v;
  return true;
}

static bool get_bool(napi_env env, napi_value value, bool *out) {
  return napi_get_value_bool(env, value, out) == napi_ok;
}

/*
 * gemm(a, b, out, batch, m, n, k, transposeA, transposeB, aBatched, bBatched, bias, relu)
 * For each i < batch: out[i] = op(a[i or 0]) · op(b[i or 0]) (+ bias broadcast over rows) (then max(0, ·)),
 * with op(a) of shape [m, k], op(b) of shape [k, n], row-major. bias is a Float32Array of length n or null.
 */
static napi_value gemm(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value argv[13];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 13) THROW(env, "gemm: expected 13 arguments, received %zu", argc);
  float *a, *b, *out, *bias = NULL;
  size_t a_len, b_len, out_len, bias_len = 0;
  if (!float_view(env, argv[0], &a, &a_len)) THROW(env, "gemm: argument a must be a Float32Array");
  if (!float_view(env, argv[1], &b, &b_len)) THROW(env, "gemm: argument b must be a Float32Array");
  if (!float_view(env, argv[2], &out, &out_len)) THROW(env, "gemm: argument out must be a Float32Array");
  long long batch, m, n, k;
  if (!get_int(env, argv[3], &batch) || !get_int(env, argv[4], &m) || !get_int(env, argv[5], &n) ||
      !get_int(env, argv[6], &k))
    THROW(env, "gemm: batch, m, n and k must be numbers");
  if (batch < 1 || m < 0 || n < 0 || k < 0)
    THROW(env, "gemm: sizes must be non-negative (batch %lld, m %lld, n %lld, k %lld)", batch, m, n, k);
  bool ta, tb, a_batched, b_batched, relu;
  if (!get_bool(env, argv[7], &ta) || !get_bool(env, argv[8], &tb) || !get_bool(env, argv[9], &a_batched) ||
      !get_bool(env, argv[10], &b_batched) || !get_bool(env, argv[12], &relu))
    THROW(env, "gemm: transposeA, transposeB, aBatched, bBatched and relu must be booleans");
  napi_valuetype bias_type;
  CALL(env, napi_typeof(env, argv[11], &bias_type));
  if (bias_type != napi_null && bias_type != napi_undefined) {
    if (!float_view(env, argv[11], &bias, &bias_len)) THROW(env, "gemm: argument bias must be a Float32Array or null");
    if ((long long)bias_len != n) THROW(env, "gemm: bias has %zu values but the product has %lld columns", bias_len, n);
  }
  const long long a_size = m * k, b_size = k * n, out_size = m * n;
  if ((long long)a_len < (a_batched ? batch : 1) * a_size)
    THROW(env, "gemm: a has %zu values, fewer than the %lld the shapes need", a_len, (a_batched ? batch : 1) * a_size);
  if ((long long)b_len < (b_batched ? batch : 1) * b_size)
    THROW(env, "gemm: b has %zu values, fewer than the %lld the shapes need", b_len, (b_batched ? batch : 1) * b_size);
  if ((long long)out_len < batch * out_size)
    THROW(env, "gemm: out has %zu values, fewer than the %lld the shapes need", out_len, batch * out_size);

  for (long long i = 0; i < batch; i++) {
    const float *ai = a + (a_batched ? i * a_size : 0);
    const float *bi = b + (b_batched ? i * b_size : 0);
    float *oi = out + i * out_size;
    float beta = 0.0f;
    if (bias != NULL) {
      for (long long r = 0; r < m; r++) memcpy(oi + r * n, bias, (size_t)n * sizeof(float));
      beta = 1.0f;
    }
    if (k == 0) {
      if (bias == NULL) memset(oi, 0, (size_t)out_size * sizeof(float));
    } else if (m > 0 && n > 0) {
      cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n,
                  (int)k, 1.0f, ai, ta ? (int)m : (int)k, bi, tb ? (int)k : (int)n, beta, oi, (int)n);
    }
    if (relu)
      for (long long j = 0; j < out_size; j++) oi[j] = oi[j] > 0.0f ? oi[j] : 0.0f;
  }
  return NULL;
}


static bool get_double(napi_env env, napi_value value, double *out) {
  return napi_get_value_double(env, value, out) == napi_ok;
}

/*
 * adamw(param, grad, m, v, paramOut, mOut, vOut, scalars)
 * One AdamW step over one variable. scalars = [beta1, 1-beta1, beta2, 1-beta2, decay, biasCorrection2, epsilon,
 * stepSize], each already a float32 value; decay is NaN when there is no weight decay. Every operation is a
 * float32 operation in the order of the tensor version (compiled with -ffp-contract=off), so the result is
 * bit-identical to it. Outputs may alias inputs.
 */
static napi_value adamw(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 8) THROW(env, "adamw: expected 8 arguments, received %zu", argc);
  static const char *names[7] = {"param", "grad", "m", "v", "paramOut", "mOut", "vOut"};
  float *arr[7];
  size_t len[7];
  for (int i = 0; i < 7; i++) {
    if (!float_view(env, argv[i], &arr[i], &len[i])) THROW(env, "adamw: argument %s must be a Float32Array", names[i]);
    if (len[i] != len[0]) THROW(env, "adamw: %s has %zu values but param has %zu", names[i], len[i], len[0]);
  }
  double s[8];
  for (uint32_t i = 0; i < 8; i++) {
    napi_value item;
    CALL(env, napi_get_element(env, argv[7], i, &item));
    if (!get_double(env, item, &s[i])) THROW(env, "adamw: scalars[%u] must be a number", i);
  }
  const float beta1 = (float)s[0], one_minus_beta1 = (float)s[1], beta2 = (float)s[2], one_minus_beta2 = (float)s[3];
  const bool has_decay = s[4] == s[4];
  const float decay = (float)(has_decay ? s[4] : 1.0), bias_correction2 = (float)s[5], epsilon = (float)s[6],
              step_size = (float)s[7];
  const float *p = arr[0], *g = arr[1], *m = arr[2], *v = arr[3];
  float *p_out = arr[4], *m_out = arr[5], *v_out = arr[6];
  const size_t n = len[0];
  for (size_t i = 0; i < n; i++) {
    const float gi = g[i];
    const float mi = m[i] * beta1 + gi * one_minus_beta1;
    const float vi = v[i] * beta2 + (gi * gi) * one_minus_beta2;
    const float decayed = has_decay ? p[i] * decay : p[i];
    const float denom = sqrtf(vi / bias_correction2) + epsilon;
    p_out[i] = decayed - (mi / denom) * step_size;
    m_out[i] = mi;
    v_out[i] = vi;
  }
  return NULL;
}

/*
 * reduceRows(x, out, rows, cols, mean): out[j] = Σ_r x[r·cols + j] (divided by rows when mean), summing r in
 * order in float32, as the stock kernels do after moving the reduced axes last. Reducing the leading axes of a
 * row-major tensor this way needs no transpose.
 */
static napi_value reduce_rows(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 5) THROW(env, "reduceRows: expected 5 arguments, received %zu", argc);
  float *x, *out;
  size_t x_len, out_len;
  if (!float_view(env, argv[0], &x, &x_len)) THROW(env, "reduceRows: argument x must be a Float32Array");
  if (!float_view(env, argv[1], &out, &out_len)) THROW(env, "reduceRows: argument out must be a Float32Array");
  long long rows, cols;
  bool mean;
  if (!get_int(env, argv[2], &rows) || !get_int(env, argv[3], &cols) || !get_bool(env, argv[4], &mean))
    THROW(env, "reduceRows: rows and cols must be numbers and mean a boolean");
  if (rows < 1 || cols < 0 || (long long)x_len < rows * cols || (long long)out_len < cols)
    THROW(env, "reduceRows: %zu values cannot be %lld rows of %lld (out has %zu)", x_len, rows, cols, out_len);
  for (long long j = 0; j < cols; j++) out[j] = 0.0f;
  for (long long r = 0; r < rows; r++) {
    const float *row = x + r * cols;
    for (long long j = 0; j < cols; j++) out[j] += row[j];
  }
  if (mean) {
    const float n = (float)rows;
    for (long long j = 0; j < cols; j++) out[j] = out[j] / n;
  }
  return NULL;
}

/*
 * GELU with erf, x·Φ(x), and its derivative Φ(x) + x·φ(x), one pass each. erf is Abramowitz & Stegun's
 * 7.1.26 (absolute error below 1.5e-7), the approximation tfjs's own Erf kernels use, with a polynomial exp
 * (Cephes's, relative error below 1e-7); both are branch-free so the loops vectorize, and on x86-64 Linux GCC
 * builds an AVX2 copy chosen at load time. The glibc erff/expf calls they replace cost about twice as much.
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define VECTOR_CLONES
#endif

static const float SQRT_HALF = 0.70710678118654752440f;
static const float INV_SQRT_2PI = 0.39894228040143267794f;

static inline float exp_poly(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  const float shift = 12582912.0f; /* 1.5·2^23: adding then subtracting it rounds to the nearest integer */
  const float n = (x * 1.44269504088896341f + shift) - shift;
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = p * (r * r) + r + 1.0f;
  const int32_t bits = ((int32_t)n + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  return y * scale;
}

/* erf(u) given e = exp(-u²). */
static inline float erf_with(float u, float e) {
  const float a = u < 0.0f ? -u : u;
  const float t = 1.0f / (1.0f + 0.3275911f * a);
  const float poly = ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t;
  const float v = 1.0f - poly * e;
  return u < 0.0f ? -v : v;
}

VECTOR_CLONES static void gelu_loop(const float *restrict x, float *restrict out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const float u = x[i] * SQRT_HALF;
    out[i] = (x[i] * 0.5f) * (1.0f + erf_with(u, exp_poly(-(u * u))));
  }
}

VECTOR_CLONES static void gelu_grad_loop(const float *restrict x, const float *restrict dy, float *restrict dx, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const float xi = x[i];
    const float u = xi * SQRT_HALF;
    const float e = exp_poly(-(u * u)); /* exp(-x²/2): shared by erf and the density */
    const float cdf = (1.0f + erf_with(u, e)) * 0.5f;
    dx[i] = dy[i] * (cdf + xi * (e * INV_SQRT_2PI));
  }
}

static napi_value gelu(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *x, *out;
  size_t n, out_len;
  if (argc != 2 || !float_view(env, argv[0], &x, &n) || !float_view(env, argv[1], &out, &out_len))
    THROW(env, "gelu: expected (x, out), two Float32Arrays");
  if (out_len != n) THROW(env, "gelu: out has %zu values but x has %zu", out_len, n);
  gelu_loop(x, out, n);
  return NULL;
}

static napi_value gelu_grad(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *x, *dy, *dx;
  size_t n, dy_len, dx_len;
  if (argc != 3 || !float_view(env, argv[0], &x, &n) || !float_view(env, argv[1], &dy, &dy_len) ||
      !float_view(env, argv[2], &dx, &dx_len))
    THROW(env, "geluGrad: expected (x, dy, dx), three Float32Arrays");
  if (dy_len != n || dx_len != n) THROW(env, "geluGrad: x, dy and dx have %zu, %zu and %zu values", n, dy_len, dx_len);
  gelu_grad_loop(x, dy, dx, n);
  return NULL;
}

static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  long long threads;
  if (argc != 1 || !get_int(env, argv[0], &threads) || threads < 1)
    THROW(env, "setThreads: threads must be a positive integer");
  openblas_set_num_threads((int)threads);
  return NULL;
}

static napi_value describe(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, config, core, threads;
  CALL(env, napi_create_object(env, &result));
  CALL(env, napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &config));
  CALL(env, napi_create_string_utf8(env, openblas_get_corename(), NAPI_AUTO_LENGTH, &core));
  CALL(env, napi_create_int32(env, openblas_get_num_threads(), &threads));
  CALL(env, napi_set_named_property(env, result, "config", config));
  CALL(env, napi_set_named_property(env, result, "core", core));
  CALL(env, napi_set_named_property(env, result, "threads", threads));
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"gemm", NULL, gemm, NULL, NULL, NULL, napi_default, NULL},
      {"adamw", NULL, adamw, NULL, NULL, NULL, napi_default, NULL},
      {"reduceRows", NULL, reduce_rows, NULL, NULL, NULL, napi_default, NULL},
      {"gelu", NULL, gelu, NULL, NULL, NULL, napi_default, NULL},
      {"geluGrad", NULL, gelu_grad, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
      {"describe", NULL, describe, NULL, NULL, NULL, napi_default, NULL},
  };
  CALL(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
