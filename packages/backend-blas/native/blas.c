// Kernels for tfjs tensors: matrix products through the system's CBLAS (OpenBLAS on Debian: libopenblas-dev,
// with its own vectorised kernels), and single-pass C loops for leading-axis sums, the AdamW update, GELU and the
// norms, all split across one small thread pool (products by rows, columns or batch, each part a single-threaded
// OpenBLAS call; see the pool below). The caller passes Float32Array views of the operands (for the wasm backend:
// views into its heap), so nothing is copied.
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */
#include <node_api.h>
#include <cblas.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <time.h>

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

/*
 * The thread pool of the products and of the element-wise and reduction loops. dispatch(fn, ctx, n, chunk,
 * chunks) cuts [0, n) into `chunks` chunks that the calling thread and the workers claim from one atomic counter;
 * the caller claims too, so when a worker is slow to wake (a busy machine) the caller does its share and never
 * sits idle waiting for it. Products are split into one part per thread (gemm below), loops into 4 chunks per
 * thread on multiples of 16 elements (parallel_for). After a job a worker spins for up to `spin_ns` watching for
 * the next one, then sleeps on a condition variable; the caller likewise spins before it sleeps waiting for the
 * last chunk. A step's kernels follow each other within microseconds, so the spin saves a wake-up (tens of
 * microseconds in a VM) per kernel, and since the products run on these threads too (OpenBLAS itself is kept to
 * one thread per call) no other spinning thread competes for the cores. Every element is computed by exactly the
 * code and operation order of the single-threaded loop, so loop results are bit-identical for any thread count
 * and any split. Below `grain` elements per thread, or while another call holds the pool (the addon used from two
 * Node threads at once), the work runs inline.
 */
typedef void (*range_fn)(void *ctx, size_t begin, size_t end);

#define POOL_MAX 64
static struct {
  pthread_mutex_t lock;
  pthread_cond_t wake, done;
  pthread_mutex_t busy;    /* held by the one caller dispatching */
  int started;             /* worker threads created */
  int size;                /* threads a call uses, the caller included */
  uint32_t generation;     /* one per dispatch (under lock) */
  _Atomic uint32_t published; /* = generation, read by spinning workers without the lock */
  range_fn fn;
  void *ctx;
  size_t n, chunk;
  uint32_t chunks;
  _Atomic uint32_t finished; /* chunks of this generation done */
  _Atomic uint64_t claim;  /* generation << 32 | next chunk: a late worker cannot claim a later call's chunk */
  long spin_ns;            /* how long a worker or a waiting caller spins before it sleeps */
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
          0, 1, 0, 0, NULL, NULL, 0, 0, 0, 0, 0, 100000};

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/* Spins until *value differs from `from` or spin_ns pass; true when it changed. */
static bool spin_while_equal(_Atomic uint32_t *value, uint32_t from, long spin_ns) {
  if (spin_ns <= 0) return atomic_load(value) != from;
  const long long until = now_ns() + spin_ns;
  for (unsigned i = 0;; i++) {
    if (atomic_load_explicit(value, memory_order_acquire) != from) return true;
    cpu_relax();
    if ((i & 63) == 63 && now_ns() > until) return false;
  }
}

/* Runs chunks of generation `gen` until none is left; returns how many it ran. */
static uint32_t run_chunks(uint32_t gen, range_fn fn, void *ctx, size_t n, size_t chunk, uint32_t chunks) {
  uint32_t ran = 0;
  for (;;) {
    uint64_t v = atomic_load(&pool.claim);
    if ((uint32_t)(v >> 32) != gen || (uint32_t)v >= chunks) return ran;
    if (!atomic_compare_exchange_weak(&pool.claim, &v, v + 1)) continue;
    const size_t begin = (size_t)(uint32_t)v * chunk;
    const size_t end = (uint32_t)v + 1 == chunks ? n : begin + chunk;
    fn(ctx, begin, end);
    ran++;
  }
}

static void *pool_worker(void *arg) {
  uint32_t seen = (uint32_t)(uintptr_t)arg; /* the generation current when it was created: it takes the next */
  for (;;) {
    spin_while_equal(&pool.published, seen, pool.spin_ns);
    pthread_mutex_lock(&pool.lock);
    while (pool.generation == seen) pthread_cond_wait(&pool.wake, &pool.lock);
    seen = pool.generation;
    range_fn fn = pool.fn;
    void *ctx = pool.ctx;
    const size_t n = pool.n, chunk = pool.chunk;
    const uint32_t chunks = pool.chunks;
    pthread_mutex_unlock(&pool.lock);
    const uint32_t ran = run_chunks(seen, fn, ctx, n, chunk, chunks);
    /* ran > 0 only for the current generation: the caller starts no other before all its chunks are done */
    if (ran > 0 && atomic_fetch_add(&pool.finished, ran) + ran == chunks) {
      pthread_mutex_lock(&pool.lock);
      pthread_cond_signal(&pool.done);
      pthread_mutex_unlock(&pool.lock);
    }
  }
  return NULL;
}

/* Runs fn over `chunks` chunks of [0, n) on up to `parts` threads (the caller included); see above. */
static void dispatch(range_fn fn, void *ctx, size_t n, size_t chunk, uint32_t chunks, int parts) {
  if (parts <= 1 || chunks <= 1 || pthread_mutex_trylock(&pool.busy) != 0) {
    fn(ctx, 0, n);
    return;
  }
  pthread_mutex_lock(&pool.lock);
  while (pool.started < parts - 1) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, pool_worker, (void *)(uintptr_t)pool.generation) != 0) break;
    pthread_detach(thread);
    pool.started++;
  }
  const uint32_t gen = ++pool.generation;
  pool.fn = fn;
  pool.ctx = ctx;
  pool.n = n;
  pool.chunk = chunk;
  pool.chunks = chunks;
  atomic_store(&pool.finished, 0);
  atomic_store(&pool.claim, (uint64_t)gen << 32);
  atomic_store_explicit(&pool.published, gen, memory_order_release);
  pthread_cond_broadcast(&pool.wake);
  pthread_mutex_unlock(&pool.lock);
  const uint32_t ran = run_chunks(gen, fn, ctx, n, chunk, chunks);
  if (atomic_fetch_add(&pool.finished, ran) + ran != chunks) {
    /* a worker still runs its chunk: spin a while, then sleep until it signals */
    const long long until = now_ns() + pool.spin_ns;
    for (unsigned i = 0; atomic_load_explicit(&pool.finished, memory_order_acquire) < chunks; i++) {
      cpu_relax();
      if ((i & 63) == 63 && now_ns() > until) break;
    }
    pthread_mutex_lock(&pool.lock);
    while (atomic_load(&pool.finished) < chunks) pthread_cond_wait(&pool.done, &pool.lock);
    pthread_mutex_unlock(&pool.lock);
  }
  pthread_mutex_unlock(&pool.busy);
}

static void parallel_for(range_fn fn, void *ctx, size_t n, size_t grain) {
  int parts = pool.size;
  if ((size_t)parts > n / grain) parts = (int)(n / grain);
  if (parts <= 1) {
    fn(ctx, 0, n);
    return;
  }
  size_t chunk = n / (size_t)(4 * parts);
  chunk -= chunk % 16;
  if (chunk < 16) chunk = 16;
  dispatch(fn, ctx, n, chunk, (uint32_t)((n + chunk - 1) / chunk), parts);
}

/* Off (MLP_BLOCKS_BLAS_PRODUCTS=openblas at setThreads): products on OpenBLAS's own threads, as before 2026-12-06. */
static bool products_on_pool = true;

/* The thread count asked for (setThreads, or OpenBLAS's default at load): what describe() reports. */
static int requested_threads = 1;

static void pool_set_size(int threads) {
  requested_threads = threads < 1 ? 1 : threads;
  /* MLP_BLOCKS_BLAS_PRODUCTS=openblas runs the products on OpenBLAS's own threads (to measure the pool against). */
  const char *products = getenv("MLP_BLOCKS_BLAS_PRODUCTS");
  products_on_pool = products == NULL || strcmp(products, "openblas") != 0;
  openblas_set_num_threads(products_on_pool ? 1 : requested_threads);
  /* MLP_BLOCKS_BLAS_LOOP_THREADS fixes the pool's threads whatever was asked (1: everything on the calling thread,
     to measure the pool against); MLP_BLOCKS_BLAS_SPIN_US how long idle threads spin before they sleep. */
  const char *fixed = getenv("MLP_BLOCKS_BLAS_LOOP_THREADS");
  if (fixed != NULL && atoi(fixed) >= 1) threads = atoi(fixed);
  const char *spin = getenv("MLP_BLOCKS_BLAS_SPIN_US");
  pthread_mutex_lock(&pool.busy); /* not while a call runs */
  pool.size = threads < 1 ? 1 : threads > POOL_MAX ? POOL_MAX : threads;
  if (spin != NULL && atol(spin) >= 0) pool.spin_ns = atol(spin) * 1000L;
  pthread_mutex_unlock(&pool.busy);
}

/* GCC on x86-64 Linux builds the vector loops below also for AVX-512 and AVX2, chosen at load time (the same
   operations in the same order per element, so the same bits: only the vector width differs). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define VECTOR_CLONES
#endif

/* Elements per thread below which a loop is not split (a wake-up costs some microseconds). */
#define GRAIN_ELEMENTWISE 32768
/* A leading-axis sum reads each element once and adds: split it only when large (measured: a 128×1150 sum took
   14 µs inline and 40 µs split, the wake-up costing more than the half it saves). */
#define GRAIN_REDUCE (1 << 20)

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

/* The product's epilogue over rows [begin, end): + bias (after the product, so the sum is the one a separate Add
   kernel computes), then the activation: ACT_RELU max(0, ·), ACT_GELU the GELU kernel's own loop (so the same
   values as the product, the Add and the GELU kernel one after another). */
enum { ACT_LINEAR = 0, ACT_RELU = 1, ACT_GELU = 2 };
VECTOR_CLONES static void gelu_rows(float *rows, size_t n);

/* bias (may be NULL) and activation over one row segment of `n` values */
static void epilogue_row(float *restrict row, const float *restrict bias, size_t n, int activation) {
  if (bias != NULL)
    for (size_t j = 0; j < n; j++) row[j] = row[j] + bias[j];
  if (activation == ACT_RELU)
    for (size_t j = 0; j < n; j++) row[j] = row[j] > 0.0f ? row[j] : 0.0f;
  else if (activation == ACT_GELU)
    gelu_rows(row, n);
}

/* Products below this many multiply-adds run on the calling thread (a hand-off costs microseconds). */
#define GEMM_SPLIT_MIN (double)(1 << 21)

enum { GEMM_SPLIT_BATCH, GEMM_SPLIT_ROWS, GEMM_SPLIT_COLS };
struct gemm_ctx {
  const float *a, *b;
  float *out;
  const float *bias;
  size_t batch, m, n, k;
  bool ta, tb, a_batched, b_batched;
  int activation, split;
  size_t parts;
};

/* out[i][r0:r1, c0:c1] = op(a[i])[r0:r1, :] · op(b[i])[:, c0:c1], then bias and activation on that block. */
static void gemm_block(const struct gemm_ctx *c, size_t i, size_t r0, size_t r1, size_t c0, size_t c1) {
  const size_t m = c->m, n = c->n, k = c->k;
  const float *ai = c->a + (c->a_batched ? i * m * k : 0);
  const float *bi = c->b + (c->b_batched ? i * k * n : 0);
  float *oi = c->out + i * m * n;
  const size_t rows = r1 - r0, cols = c1 - c0;
  if (rows == 0 || cols == 0) return;
  if (k == 0) {
    for (size_t r = r0; r < r1; r++) memset(oi + r * n + c0, 0, cols * sizeof(float));
  } else {
    /* op(a) rows r0.. start at a + r0·k (plain) or at column r0 of the stored [k, m] (transposed); likewise b */
    cblas_sgemm(CblasRowMajor, c->ta ? CblasTrans : CblasNoTrans, c->tb ? CblasTrans : CblasNoTrans, (int)rows,
                (int)cols, (int)k, 1.0f, ai + (c->ta ? r0 : r0 * k), c->ta ? (int)m : (int)k,
                bi + (c->tb ? c0 * k : c0), c->tb ? (int)k : (int)n, 0.0f, oi + r0 * n + c0, (int)n);
  }
  if (c->bias == NULL && c->activation == ACT_LINEAR) return;
  for (size_t r = r0; r < r1; r++) epilogue_row(oi + r * n + c0, c->bias == NULL ? NULL : c->bias + c0, cols, c->activation);
}

static void gemm_batch_range(void *ctx, size_t begin, size_t end) {
  const struct gemm_ctx *c = ctx;
  for (size_t i = begin; i < end; i++) gemm_block(c, i, 0, c->m, 0, c->n);
}

/* Part p of `parts` of the one product: boundaries on multiples of 16 rows or columns (64-byte aligned rows). */
static void gemm_part_range(void *ctx, size_t begin, size_t end) {
  const struct gemm_ctx *c = ctx;
  const size_t extent = c->split == GEMM_SPLIT_ROWS ? c->m : c->n;
  for (size_t p = begin; p < end; p++) {
    size_t lo = extent * p / c->parts, hi = extent * (p + 1) / c->parts;
    lo -= lo % 16;
    if (p + 1 < c->parts) hi -= hi % 16;
    if (c->split == GEMM_SPLIT_ROWS)
      gemm_block(c, 0, lo, hi, 0, c->n);
    else
      gemm_block(c, 0, 0, c->m, lo, hi);
  }
}

/*
 * gemm(a, b, out, batch, m, n, k, transposeA, transposeB, aBatched, bBatched, bias, activation)
 * For each i < batch: out[i] = op(a[i or 0]) · op(b[i or 0]) (then + bias broadcast over rows) (then the
 * activation: 0 none, 1 ReLU, 2 GELU; `true`/`false` are taken as ReLU/none),
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
  long long activation;
  if (!get_bool(env, argv[7], &ta) || !get_bool(env, argv[8], &tb) || !get_bool(env, argv[9], &a_batched) ||
      !get_bool(env, argv[10], &b_batched))
    THROW(env, "gemm: transposeA, transposeB, aBatched and bBatched must be booleans");
  if (get_bool(env, argv[12], &relu)) {
    activation = relu ? ACT_RELU : ACT_LINEAR;
  } else if (!get_int(env, argv[12], &activation) || activation < ACT_LINEAR || activation > ACT_GELU) {
    THROW(env, "gemm: activation must be 0 (none), 1 (ReLU), 2 (GELU) or a boolean (ReLU)");
  }
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

  struct gemm_ctx c = {a, b, out, bias, (size_t)batch, (size_t)m, (size_t)n, (size_t)k, ta, tb, a_batched, b_batched,
                       (int)activation, GEMM_SPLIT_BATCH, 1};
  const int threads = products_on_pool ? pool.size : 1;
  if (threads > 1 && (double)batch * (double)m * (double)n * (double)k >= GEMM_SPLIT_MIN) {
    /* one part per thread: whole products when there are enough of them, else rows or columns of each */
    if (batch >= threads) {
      c.split = GEMM_SPLIT_BATCH;
      c.parts = (size_t)batch;
    } else {
      c.split = m >= n ? GEMM_SPLIT_ROWS : GEMM_SPLIT_COLS;
      const size_t extent = (size_t)(m >= n ? m : n);
      c.parts = extent / 16 < (size_t)threads ? extent / 16 : (size_t)threads;
    }
  }
  if (c.parts <= 1 || c.split == GEMM_SPLIT_BATCH) {
    const size_t chunks = c.parts <= 1 ? 1 : (size_t)threads;
    const size_t per = ((size_t)batch + chunks - 1) / chunks;
    dispatch(gemm_batch_range, &c, (size_t)batch, per, (uint32_t)(((size_t)batch + per - 1) / per), threads);
  } else {
    dispatch(gemm_part_range, &c, c.parts, 1, (uint32_t)c.parts, threads);
  }
  return NULL;
}

static bool get_double(napi_env env, napi_value value, double *out) {
  return napi_get_value_double(env, value, out) == napi_ok;
}

struct adamw_ctx {
  const float *p, *g, *m, *v;
  float *p_out, *m_out, *v_out;
  struct adamw_scalars {
    /* decay is 1 without weight decay: p·1 is exactly p, so one loop serves both */
    float beta1, one_minus_beta1, beta2, one_minus_beta2, decay, bias_correction2, epsilon, step_size;
  } s;
  int layout; /* ADAMW_SEPARATE, ADAMW_IN_PLACE or ADAMW_ALIASED */
};
enum { ADAMW_SEPARATE, ADAMW_IN_PLACE, ADAMW_ALIASED };

/* The update of one element, as the tensor version orders it (compiled with -ffp-contract=off). */
#define ADAMW_ELEMENT(P, G, M, V, P_OUT, M_OUT, V_OUT)                       \
  do {                                                                       \
    const float gi = (G);                                                    \
    const float mi = (M) * s.beta1 + gi * s.one_minus_beta1;                 \
    const float vi = (V) * s.beta2 + (gi * gi) * s.one_minus_beta2;          \
    const float decayed = (P) * s.decay;                                     \
    const float denom = sqrtf(vi / s.bias_correction2) + s.epsilon;          \
    (P_OUT) = decayed - (mi / denom) * s.step_size;                          \
    (M_OUT) = mi;                                                            \
    (V_OUT) = vi;                                                            \
  } while (0)

/* Fresh outputs: seven separate arrays, so the loop vectorises without alias checks. */
VECTOR_CLONES static void adamw_separate(const float *restrict p, const float *restrict g, const float *restrict m,
                                         const float *restrict v, float *restrict p_out, float *restrict m_out,
                                         float *restrict v_out, size_t n, struct adamw_scalars s) {
  for (size_t i = 0; i < n; i++) ADAMW_ELEMENT(p[i], g[i], m[i], v[i], p_out[i], m_out[i], v_out[i]);
}

/* In place (param, m and v overwritten): four streams in, three back to the same lines, none read for ownership. */
VECTOR_CLONES static void adamw_in_place(float *restrict p, const float *restrict g, float *restrict m,
                                         float *restrict v, size_t n, struct adamw_scalars s) {
  for (size_t i = 0; i < n; i++) ADAMW_ELEMENT(p[i], g[i], m[i], v[i], p[i], m[i], v[i]);
}

/* Any other overlap: element by element, every input read before the element's outputs are written. */
static void adamw_aliased(const float *p, const float *g, const float *m, const float *v, float *p_out, float *m_out,
                          float *v_out, size_t n, struct adamw_scalars s) {
  for (size_t i = 0; i < n; i++) {
    const float pi = p[i], g_i = g[i], m_i = m[i], v_i = v[i];
    ADAMW_ELEMENT(pi, g_i, m_i, v_i, p_out[i], m_out[i], v_out[i]);
  }
}

static void adamw_range(void *ctx, size_t begin, size_t end) {
  const struct adamw_ctx *c = ctx;
  const size_t n = end - begin;
  if (c->layout == ADAMW_IN_PLACE) {
    adamw_in_place(c->p_out + begin, c->g + begin, c->m_out + begin, c->v_out + begin, n, c->s);
  } else if (c->layout == ADAMW_SEPARATE) {
    adamw_separate(c->p + begin, c->g + begin, c->m + begin, c->v + begin, c->p_out + begin, c->m_out + begin,
                   c->v_out + begin, n, c->s);
  } else {
    adamw_aliased(c->p + begin, c->g + begin, c->m + begin, c->v + begin, c->p_out + begin, c->m_out + begin,
                  c->v_out + begin, n, c->s);
  }
}

static bool overlaps(const float *a, const float *b, size_t n) {
  return (uintptr_t)a < (uintptr_t)(b + n) && (uintptr_t)b < (uintptr_t)(a + n);
}

/*
 * adamw(param, grad, m, v, paramOut, mOut, vOut, scalars)
 * One AdamW step over one variable. scalars = [beta1, 1-beta1, beta2, 1-beta2, decay, biasCorrection2, epsilon,
 * stepSize], each already a float32 value; decay is NaN when there is no weight decay. Every operation is a
 * float32 operation in the order of the tensor version (compiled with -ffp-contract=off), so the result is
 * bit-identical to it. Outputs may alias inputs; paramOut = param, mOut = m, vOut = v (the update in place) is the
 * fastest, as it writes back to lines it has just read.
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
  const bool has_decay = s[4] == s[4];
  struct adamw_ctx c = {arr[0], arr[1], arr[2], arr[3], arr[4], arr[5], arr[6],
                        {(float)s[0], (float)s[1], (float)s[2], (float)s[3], has_decay ? (float)s[4] : 1.0f,
                         (float)s[5], (float)s[6], (float)s[7]},
                        ADAMW_SEPARATE};
  const size_t n = len[0];
  if (arr[4] == arr[0] && arr[5] == arr[2] && arr[6] == arr[3] && !overlaps(arr[1], arr[0], n) &&
      !overlaps(arr[1], arr[2], n) && !overlaps(arr[1], arr[3], n) && !overlaps(arr[0], arr[2], n) &&
      !overlaps(arr[0], arr[3], n) && !overlaps(arr[2], arr[3], n)) {
    c.layout = ADAMW_IN_PLACE;
  } else {
    for (int i = 0; i < 7 && c.layout == ADAMW_SEPARATE; i++)
      for (int j = i + 1; j < 7; j++)
        if ((i >= 4 || j >= 4) && overlaps(arr[i], arr[j], n)) {
          c.layout = ADAMW_ALIASED;
          break;
        }
  }
  parallel_for(adamw_range, &c, len[0], GRAIN_ELEMENTWISE);
  return NULL;
}

struct reduce_ctx {
  const float *x;
  float *out;
  long long rows, cols;
  bool mean;
};

static void reduce_range(void *ctx, size_t begin, size_t end) {
  const struct reduce_ctx *c = ctx;
  const long long b = (long long)begin, e = (long long)end;
  float *out = c->out;
  for (long long j = b; j < e; j++) out[j] = 0.0f;
  for (long long r = 0; r < c->rows; r++) {
    const float *row = c->x + r * c->cols;
    for (long long j = b; j < e; j++) out[j] += row[j];
  }
  if (c->mean) {
    const float n = (float)c->rows;
    for (long long j = b; j < e; j++) out[j] = out[j] / n;
  }
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
  struct reduce_ctx c = {x, out, rows, cols, mean};
  /* Split over columns: each column still sums its rows in order, so the result does not depend on the split. */
  parallel_for(reduce_range, &c, (size_t)cols, rows * cols >= GRAIN_REDUCE ? 16 : (size_t)cols + 1);
  return NULL;
}

/*
 * GELU with erf, x·Φ(x), and its derivative Φ(x) + x·φ(x), one pass each. erf is Abramowitz & Stegun's
 * 7.1.26 (absolute error below 1.5e-7), the approximation tfjs's own Erf kernels use, with a polynomial exp
 * (Cephes's, relative error below 1e-7); both are branch-free so the loops vectorize, and on x86-64 Linux GCC
 * builds AVX-512 and AVX2 copies chosen at load time. The glibc erff/expf calls they replace cost about twice as much.
 */

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

/* GELU in place, the forward loop's expression (a separate loop: gelu_loop's operands are restrict). */
VECTOR_CLONES static void gelu_rows(float *rows, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const float x = rows[i];
    const float u = x * SQRT_HALF;
    rows[i] = (x * 0.5f) * (1.0f + erf_with(u, exp_poly(-(u * u))));
  }
}

struct gelu_ctx {
  const float *x, *dy;
  float *out;
};

static void gelu_range(void *ctx, size_t begin, size_t end) {
  const struct gelu_ctx *c = ctx;
  gelu_loop(c->x + begin, c->out + begin, end - begin);
}

static void gelu_grad_range(void *ctx, size_t begin, size_t end) {
  const struct gelu_ctx *c = ctx;
  gelu_grad_loop(c->x + begin, c->dy + begin, c->out + begin, end - begin);
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
  struct gelu_ctx c = {x, NULL, out};
  parallel_for(gelu_range, &c, n, GRAIN_ELEMENTWISE / 2);
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
  struct gelu_ctx c = {x, dy, dx};
  parallel_for(gelu_grad_range, &c, n, GRAIN_ELEMENTWISE / 2);
  return NULL;
}

/*
 * Layer norm over the last axis (core's LAYER_NORM_KERNEL / LAYER_NORM_GRAD_KERNEL), forward and gradient, each
 * computing exactly the float32 operations of core's tensor formula in its order, so the results are
 * bit-identical to it on stock wasm (whose Mean sums a row in order and divides by the count, and whose Rsqrt is
 * 1 / sqrt). A row's sums stay sequential; LN_ROWS rows are summed side by side so the adds of different rows
 * overlap instead of waiting on each other. Rows are split over the pool; the gradient's dγ and dβ (sums over
 * rows, in row order) are a second pass, on the calling thread.
 */
#define LN_ROWS 8

struct ln_ctx {
  const float *x, *gamma, *beta, *dy, *mean_in, *rstd_in;
  float *y, *mean, *rstd, *dx, *dgamma, *dbeta;
  size_t rows, c;
  float epsilon;
};

/* Row sums of `nr` rows (a compile-time LN_ROWS in the common case, so the inner loop unrolls into independent
   adds), each in column order. */
static inline void ln_stats(const float *x, size_t c, size_t nr, float count, float epsilon, float *mu, float *rs) {
  float s[LN_ROWS] = {0}, v[LN_ROWS] = {0};
  if (nr == LN_ROWS) {
    for (size_t j = 0; j < c; j++)
      for (size_t q = 0; q < LN_ROWS; q++) s[q] += x[q * c + j];
    for (size_t q = 0; q < LN_ROWS; q++) mu[q] = s[q] / count;
    for (size_t j = 0; j < c; j++)
      for (size_t q = 0; q < LN_ROWS; q++) {
        const float d = x[q * c + j] - mu[q];
        v[q] += d * d;
      }
  } else {
    for (size_t q = 0; q < nr; q++) {
      const float *xr = x + q * c;
      for (size_t j = 0; j < c; j++) s[q] += xr[j];
      mu[q] = s[q] / count;
      for (size_t j = 0; j < c; j++) {
        const float d = xr[j] - mu[q];
        v[q] += d * d;
      }
    }
  }
  for (size_t q = 0; q < nr; q++) rs[q] = 1.0f / sqrtf(v[q] / count + epsilon);
}

VECTOR_CLONES static void ln_forward_range(void *ctx, size_t begin, size_t end) {
  const struct ln_ctx *k = ctx;
  const size_t c = k->c;
  const float count = (float)c;
  for (size_t r0 = begin; r0 < end; r0 += LN_ROWS) {
    const size_t nr = end - r0 < LN_ROWS ? end - r0 : LN_ROWS;
    const float *x = k->x + r0 * c;
    float mu[LN_ROWS], rs[LN_ROWS];
    ln_stats(x, c, nr, count, k->epsilon, mu, rs);
    for (size_t q = 0; q < nr; q++) {
      k->mean[r0 + q] = mu[q];
      k->rstd[r0 + q] = rs[q];
      const float *restrict xr = x + q * c;
      float *restrict yr = k->y + (r0 + q) * c;
      const float *restrict gamma = k->gamma, *restrict beta = k->beta;
      const float m = mu[q], r = rs[q];
      if (gamma != NULL && beta != NULL) {
        for (size_t j = 0; j < c; j++) yr[j] = ((xr[j] - m) * r) * gamma[j] + beta[j];
      } else if (gamma != NULL) {
        for (size_t j = 0; j < c; j++) yr[j] = ((xr[j] - m) * r) * gamma[j];
      } else if (beta != NULL) {
        for (size_t j = 0; j < c; j++) yr[j] = ((xr[j] - m) * r) + beta[j];
      } else {
        for (size_t j = 0; j < c; j++) yr[j] = (xr[j] - m) * r;
      }
    }
  }
}

/* The two row sums of the gradient, Σĝ and Σĝx̂, for `nr` rows (unrolled as ln_stats). */
static inline void ln_grad_sums(const float *x, const float *dy, const float *gamma, size_t c, size_t nr, const float *mu,
                                const float *rs, float *s1, float *s2) {
  if (nr == LN_ROWS) {
    for (size_t j = 0; j < c; j++)
      for (size_t q = 0; q < LN_ROWS; q++) {
        const float xs = (x[q * c + j] - mu[q]) * rs[q];
        const float gh = gamma != NULL ? dy[q * c + j] * gamma[j] : dy[q * c + j];
        s1[q] += gh;
        s2[q] += gh * xs;
      }
  } else {
    for (size_t q = 0; q < nr; q++)
      for (size_t j = 0; j < c; j++) {
        const float xs = (x[q * c + j] - mu[q]) * rs[q];
        const float gh = gamma != NULL ? dy[q * c + j] * gamma[j] : dy[q * c + j];
        s1[q] += gh;
        s2[q] += gh * xs;
      }
  }
}

VECTOR_CLONES static void ln_grad_rows_range(void *ctx, size_t begin, size_t end) {
  const struct ln_ctx *k = ctx;
  const size_t c = k->c;
  const float count = (float)c;
  const float *restrict gamma = k->gamma;
  for (size_t r0 = begin; r0 < end; r0 += LN_ROWS) {
    const size_t nr = end - r0 < LN_ROWS ? end - r0 : LN_ROWS;
    const float *x = k->x + r0 * c, *dy = k->dy + r0 * c;
    float s1[LN_ROWS] = {0}, s2[LN_ROWS] = {0}, mu[LN_ROWS], rs[LN_ROWS];
    for (size_t q = 0; q < nr; q++) {
      mu[q] = k->mean_in[r0 + q];
      rs[q] = k->rstd_in[r0 + q];
    }
    ln_grad_sums(x, dy, gamma, c, nr, mu, rs, s1, s2);
    for (size_t q = 0; q < nr; q++) {
      const float m1 = s1[q] / count, m2 = s2[q] / count, m = mu[q], r = rs[q];
      const float *restrict xr = x + q * c, *restrict gr = dy + q * c;
      float *restrict dxr = k->dx + (r0 + q) * c;
      if (gamma != NULL) {
        for (size_t j = 0; j < c; j++) dxr[j] = ((gr[j] * gamma[j] - m1) - ((xr[j] - m) * r) * m2) * r;
      } else {
        for (size_t j = 0; j < c; j++) dxr[j] = ((gr[j] - m1) - ((xr[j] - m) * r) * m2) * r;
      }
    }
  }
}

/* dγ[j] = Σ_r dy·x̂ and dβ[j] = Σ_r dy over rows in order, for the columns [begin, end). */
VECTOR_CLONES static void ln_grad_cols_range(void *ctx, size_t begin, size_t end) {
  const struct ln_ctx *k = ctx;
  const size_t c = k->c;
  if (k->dgamma != NULL)
    for (size_t j = begin; j < end; j++) k->dgamma[j] = 0.0f;
  if (k->dbeta != NULL)
    for (size_t j = begin; j < end; j++) k->dbeta[j] = 0.0f;
  for (size_t r = 0; r < k->rows; r++) {
    const float *xr = k->x + r * c, *gr = k->dy + r * c;
    const float m = k->mean_in[r], rs = k->rstd_in[r];
    if (k->dgamma != NULL)
      for (size_t j = begin; j < end; j++) k->dgamma[j] += gr[j] * ((xr[j] - m) * rs);
    if (k->dbeta != NULL)
      for (size_t j = begin; j < end; j++) k->dbeta[j] += gr[j];
  }
}

/* Rows per thread below which a layer norm is not split (about GRAIN_ELEMENTWISE values). */
static size_t ln_grain(size_t c) {
  const size_t g = GRAIN_ELEMENTWISE / (c == 0 ? 1 : c);
  return g < 1 ? 1 : g;
}

/* Reads an optional Float32Array argument of `expected` values (null/undefined: absent). */
static bool optional_view(napi_env env, napi_value value, float **data, size_t expected) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return false;
  if (type == napi_null || type == napi_undefined) {
    *data = NULL;
    return true;
  }
  size_t len;
  return float_view(env, value, data, &len) && len == expected;
}

/* layerNorm(x, gamma|null, beta|null, y, mean, rstd, rows, c, epsilon) */
static napi_value layer_norm(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 9) THROW(env, "layerNorm: expected 9 arguments, received %zu", argc);
  long long rows, c;
  double eps;
  if (!get_int(env, argv[6], &rows) || !get_int(env, argv[7], &c) || !get_double(env, argv[8], &eps) || rows < 0 || c < 1)
    THROW(env, "layerNorm: rows must be a count, c a positive count and epsilon a number");
  float *x, *y, *mean, *rstd, *gamma, *beta;
  size_t x_len, y_len, mean_len, rstd_len;
  if (!float_view(env, argv[0], &x, &x_len) || !float_view(env, argv[3], &y, &y_len) ||
      !float_view(env, argv[4], &mean, &mean_len) || !float_view(env, argv[5], &rstd, &rstd_len))
    THROW(env, "layerNorm: x, y, mean and rstd must be Float32Arrays");
  if ((long long)x_len != rows * c || (long long)y_len != rows * c || (long long)mean_len != rows || (long long)rstd_len != rows)
    THROW(env, "layerNorm: x, y, mean and rstd have %zu, %zu, %zu and %zu values for %lld rows of %lld", x_len, y_len, mean_len, rstd_len, rows, c);
  if (!optional_view(env, argv[1], &gamma, (size_t)c) || !optional_view(env, argv[2], &beta, (size_t)c))
    THROW(env, "layerNorm: gamma and beta must be null or Float32Arrays of %lld values", c);
  struct ln_ctx k = {x, gamma, beta, NULL, NULL, NULL, y, mean, rstd, NULL, NULL, NULL, (size_t)rows, (size_t)c, (float)eps};
  parallel_for(ln_forward_range, &k, (size_t)rows, ln_grain((size_t)c));
  return NULL;
}

/* layerNormGrad(x, mean, rstd, dy, gamma|null, dx, dgamma|null, dbeta|null, rows, c) */
static napi_value layer_norm_grad(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 10) THROW(env, "layerNormGrad: expected 10 arguments, received %zu", argc);
  long long rows, c;
  if (!get_int(env, argv[8], &rows) || !get_int(env, argv[9], &c) || rows < 0 || c < 1)
    THROW(env, "layerNormGrad: rows must be a count and c a positive count");
  float *x, *mean, *rstd, *dy, *dx, *gamma, *dgamma, *dbeta;
  size_t x_len, mean_len, rstd_len, dy_len, dx_len;
  if (!float_view(env, argv[0], &x, &x_len) || !float_view(env, argv[1], &mean, &mean_len) ||
      !float_view(env, argv[2], &rstd, &rstd_len) || !float_view(env, argv[3], &dy, &dy_len) || !float_view(env, argv[5], &dx, &dx_len))
    THROW(env, "layerNormGrad: x, mean, rstd, dy and dx must be Float32Arrays");
  const long long n = rows * c;
  if ((long long)x_len != n || (long long)dy_len != n || (long long)dx_len != n || (long long)mean_len != rows || (long long)rstd_len != rows)
    THROW(env, "layerNormGrad: x, dy and dx need %lld values and mean and rstd %lld (received %zu, %zu, %zu, %zu, %zu)", n, rows, x_len, dy_len, dx_len, mean_len, rstd_len);
  if (!optional_view(env, argv[4], &gamma, (size_t)c) || !optional_view(env, argv[6], &dgamma, (size_t)c) ||
      !optional_view(env, argv[7], &dbeta, (size_t)c))
    THROW(env, "layerNormGrad: gamma, dgamma and dbeta must be null or Float32Arrays of %lld values", c);
  struct ln_ctx k = {x, gamma, NULL, dy, mean, rstd, NULL, NULL, NULL, dx, dgamma, dbeta, (size_t)rows, (size_t)c, 0.0f};
  parallel_for(ln_grad_rows_range, &k, (size_t)rows, ln_grain((size_t)c));
  /* Inline: split over columns, each thread walks every row for a narrow slice (measured slower than one
     thread on 6272 rows of 384). */
  if (dgamma != NULL || dbeta != NULL) ln_grad_cols_range(&k, 0, (size_t)c);
  return NULL;
}

/*
 * Batch norm in training (core's BATCH_NORM_KERNEL / BATCH_NORM_GRAD_KERNEL): normalisation over every axis but
 * the last, with the batch statistics, forward and gradient. Each channel (column) is summed over the rows in row
 * order, exactly as the leading-axis Mean and Sum kernels do, and every other operation is core's formula's, so
 * the results are bit-identical to it. Columns are split over the pool; a thread streams every row's slice of its
 * columns, vectorised across the columns.
 */
struct bn_ctx {
  const float *x, *gamma, *beta, *dy, *mean_in, *rstd_in;
  float *y, *mean, *variance, *rstd, *dx, *dgamma, *dbeta, *scratch;
  size_t rows, c;
  float epsilon;
};

VECTOR_CLONES static void bn_forward_range(void *ctx, size_t begin, size_t end) {
  const struct bn_ctx *k = ctx;
  const size_t c = k->c, rows = k->rows;
  const float count = (float)rows;
  float *restrict mean = k->mean, *restrict var = k->variance, *restrict rstd = k->rstd;
  for (size_t j = begin; j < end; j++) mean[j] = 0.0f;
  for (size_t r = 0; r < rows; r++) {
    const float *restrict xr = k->x + r * c;
    for (size_t j = begin; j < end; j++) mean[j] += xr[j];
  }
  for (size_t j = begin; j < end; j++) {
    mean[j] = mean[j] / count;
    var[j] = 0.0f;
  }
  for (size_t r = 0; r < rows; r++) {
    const float *restrict xr = k->x + r * c;
    for (size_t j = begin; j < end; j++) {
      const float d = xr[j] - mean[j];
      var[j] += d * d;
    }
  }
  for (size_t j = begin; j < end; j++) {
    var[j] = var[j] / count;
    rstd[j] = 1.0f / sqrtf(var[j] + k->epsilon);
  }
  const float *restrict gamma = k->gamma, *restrict beta = k->beta;
  for (size_t r = 0; r < rows; r++) {
    const float *restrict xr = k->x + r * c;
    float *restrict yr = k->y + r * c;
    if (gamma != NULL && beta != NULL) {
      for (size_t j = begin; j < end; j++) yr[j] = ((xr[j] - mean[j]) * rstd[j]) * gamma[j] + beta[j];
    } else if (gamma != NULL) {
      for (size_t j = begin; j < end; j++) yr[j] = ((xr[j] - mean[j]) * rstd[j]) * gamma[j];
    } else if (beta != NULL) {
      for (size_t j = begin; j < end; j++) yr[j] = ((xr[j] - mean[j]) * rstd[j]) + beta[j];
    } else {
      for (size_t j = begin; j < end; j++) yr[j] = (xr[j] - mean[j]) * rstd[j];
    }
  }
}

/* Gradient over columns [begin, end); scratch holds 2·c floats (the two column means of the formula). */
VECTOR_CLONES static void bn_grad_range(void *ctx, size_t begin, size_t end) {
  const struct bn_ctx *k = ctx;
  const size_t c = k->c, rows = k->rows;
  const float count = (float)rows;
  const float *restrict mean = k->mean_in, *restrict rstd = k->rstd_in, *restrict gamma = k->gamma;
  float *restrict m1 = k->scratch, *restrict m2 = k->scratch + c;
  for (size_t j = begin; j < end; j++) m1[j] = m2[j] = 0.0f;
  for (size_t r = 0; r < rows; r++) {
    const float *restrict xr = k->x + r * c, *restrict gr = k->dy + r * c;
    if (gamma != NULL) {
      for (size_t j = begin; j < end; j++) {
        const float gh = gr[j] * gamma[j];
        m1[j] += gh;
        m2[j] += gh * ((xr[j] - mean[j]) * rstd[j]);
      }
    } else {
      for (size_t j = begin; j < end; j++) {
        m1[j] += gr[j];
        m2[j] += gr[j] * ((xr[j] - mean[j]) * rstd[j]);
      }
    }
  }
  for (size_t j = begin; j < end; j++) {
    m1[j] = m1[j] / count;
    m2[j] = m2[j] / count;
  }
  float *restrict dg = k->dgamma, *restrict db = k->dbeta;
  if (dg != NULL)
    for (size_t j = begin; j < end; j++) dg[j] = 0.0f;
  if (db != NULL)
    for (size_t j = begin; j < end; j++) db[j] = 0.0f;
  for (size_t r = 0; r < rows; r++) {
    const float *restrict xr = k->x + r * c, *restrict gr = k->dy + r * c;
    float *restrict dxr = k->dx + r * c;
    for (size_t j = begin; j < end; j++) {
      const float xs = (xr[j] - mean[j]) * rstd[j];
      const float gh = gamma != NULL ? gr[j] * gamma[j] : gr[j];
      dxr[j] = ((gh - m1[j]) - xs * m2[j]) * rstd[j];
    }
    if (dg != NULL)
      for (size_t j = begin; j < end; j++) dg[j] += gr[j] * ((xr[j] - mean[j]) * rstd[j]);
    if (db != NULL)
      for (size_t j = begin; j < end; j++) db[j] += gr[j];
  }
}

/* Columns per thread below which a batch norm is not split. */
static size_t bn_grain(size_t rows) {
  const size_t g = GRAIN_ELEMENTWISE / (rows == 0 ? 1 : rows);
  return g < 16 ? 16 : g;
}

/* batchNorm(x, gamma|null, beta|null, y, mean, variance, rstd, rows, c, epsilon) */
static napi_value batch_norm(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 10) THROW(env, "batchNorm: expected 10 arguments, received %zu", argc);
  long long rows, c;
  double eps;
  if (!get_int(env, argv[7], &rows) || !get_int(env, argv[8], &c) || !get_double(env, argv[9], &eps) || rows < 1 || c < 1)
    THROW(env, "batchNorm: rows and c must be positive counts and epsilon a number");
  float *x, *y, *mean, *var, *rstd, *gamma, *beta;
  size_t x_len, y_len, mean_len, var_len, rstd_len;
  if (!float_view(env, argv[0], &x, &x_len) || !float_view(env, argv[3], &y, &y_len) || !float_view(env, argv[4], &mean, &mean_len) ||
      !float_view(env, argv[5], &var, &var_len) || !float_view(env, argv[6], &rstd, &rstd_len))
    THROW(env, "batchNorm: x, y, mean, variance and rstd must be Float32Arrays");
  if ((long long)x_len != rows * c || (long long)y_len != rows * c || (long long)mean_len != c || (long long)var_len != c || (long long)rstd_len != c)
    THROW(env, "batchNorm: x and y need %lld values and mean, variance and rstd %lld (received %zu, %zu, %zu, %zu, %zu)", rows * c, c, x_len, y_len, mean_len, var_len, rstd_len);
  if (!optional_view(env, argv[1], &gamma, (size_t)c) || !optional_view(env, argv[2], &beta, (size_t)c))
    THROW(env, "batchNorm: gamma and beta must be null or Float32Arrays of %lld values", c);
  struct bn_ctx k = {x, gamma, beta, NULL, NULL, NULL, y, mean, var, rstd, NULL, NULL, NULL, NULL, (size_t)rows, (size_t)c, (float)eps};
  parallel_for(bn_forward_range, &k, (size_t)c, bn_grain((size_t)rows));
  return NULL;
}

/* batchNormGrad(x, mean, rstd, dy, gamma|null, dx, dgamma|null, dbeta|null, rows, c) */
static napi_value batch_norm_grad(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 10) THROW(env, "batchNormGrad: expected 10 arguments, received %zu", argc);
  long long rows, c;
  if (!get_int(env, argv[8], &rows) || !get_int(env, argv[9], &c) || rows < 1 || c < 1)
    THROW(env, "batchNormGrad: rows and c must be positive counts");
  float *x, *mean, *rstd, *dy, *dx, *gamma, *dgamma, *dbeta;
  size_t x_len, mean_len, rstd_len, dy_len, dx_len;
  if (!float_view(env, argv[0], &x, &x_len) || !float_view(env, argv[1], &mean, &mean_len) || !float_view(env, argv[2], &rstd, &rstd_len) ||
      !float_view(env, argv[3], &dy, &dy_len) || !float_view(env, argv[5], &dx, &dx_len))
    THROW(env, "batchNormGrad: x, mean, rstd, dy and dx must be Float32Arrays");
  const long long n = rows * c;
  if ((long long)x_len != n || (long long)dy_len != n || (long long)dx_len != n || (long long)mean_len != c || (long long)rstd_len != c)
    THROW(env, "batchNormGrad: x, dy and dx need %lld values and mean and rstd %lld (received %zu, %zu, %zu, %zu, %zu)", n, c, x_len, dy_len, dx_len, mean_len, rstd_len);
  if (!optional_view(env, argv[4], &gamma, (size_t)c) || !optional_view(env, argv[6], &dgamma, (size_t)c) || !optional_view(env, argv[7], &dbeta, (size_t)c))
    THROW(env, "batchNormGrad: gamma, dgamma and dbeta must be null or Float32Arrays of %lld values", c);
  float *scratch = malloc(2 * (size_t)c * sizeof(float));
  if (scratch == NULL) THROW(env, "batchNormGrad: out of memory for %lld values", 2 * c);
  struct bn_ctx k = {x, gamma, NULL, dy, mean, rstd, NULL, NULL, NULL, NULL, dx, dgamma, dbeta, scratch, (size_t)rows, (size_t)c, 0.0f};
  parallel_for(bn_grad_range, &k, (size_t)c, bn_grain((size_t)rows));
  free(scratch);
  return NULL;
}

/* Batch norm in evaluation: y = ((x − mean)·rstd)·γ + β with rstd = 1 / √(variance + ε) per channel, rows split. */
struct bn_eval_ctx {
  const float *x, *mean, *rstd, *gamma, *beta;
  float *y;
  size_t c;
};

VECTOR_CLONES static void bn_eval_range(void *ctx, size_t begin, size_t end) {
  const struct bn_eval_ctx *k = ctx;
  const size_t c = k->c;
  const float *restrict mean = k->mean, *restrict rstd = k->rstd, *restrict gamma = k->gamma, *restrict beta = k->beta;
  for (size_t r = begin; r < end; r++) {
    const float *restrict xr = k->x + r * c;
    float *restrict yr = k->y + r * c;
    if (gamma != NULL && beta != NULL) {
      for (size_t j = 0; j < c; j++) yr[j] = ((xr[j] - mean[j]) * rstd[j]) * gamma[j] + beta[j];
    } else if (gamma != NULL) {
      for (size_t j = 0; j < c; j++) yr[j] = ((xr[j] - mean[j]) * rstd[j]) * gamma[j];
    } else if (beta != NULL) {
      for (size_t j = 0; j < c; j++) yr[j] = ((xr[j] - mean[j]) * rstd[j]) + beta[j];
    } else {
      for (size_t j = 0; j < c; j++) yr[j] = (xr[j] - mean[j]) * rstd[j];
    }
  }
}

/* batchNormInference(x, mean, variance, gamma|null, beta|null, y, rows, c, epsilon) */
static napi_value batch_norm_inference(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 9) THROW(env, "batchNormInference: expected 9 arguments, received %zu", argc);
  long long rows, c;
  double eps;
  if (!get_int(env, argv[6], &rows) || !get_int(env, argv[7], &c) || !get_double(env, argv[8], &eps) || rows < 0 || c < 1)
    THROW(env, "batchNormInference: rows must be a count, c a positive count and epsilon a number");
  float *x, *y, *mean, *var, *gamma, *beta;
  size_t x_len, y_len;
  if (!float_view(env, argv[0], &x, &x_len) || !float_view(env, argv[5], &y, &y_len))
    THROW(env, "batchNormInference: x and y must be Float32Arrays");
  if ((long long)x_len != rows * c || (long long)y_len != rows * c)
    THROW(env, "batchNormInference: x and y have %zu and %zu values for %lld rows of %lld", x_len, y_len, rows, c);
  if (!optional_view(env, argv[1], &mean, (size_t)c) || mean == NULL || !optional_view(env, argv[2], &var, (size_t)c) || var == NULL ||
      !optional_view(env, argv[3], &gamma, (size_t)c) || !optional_view(env, argv[4], &beta, (size_t)c))
    THROW(env, "batchNormInference: mean and variance must be Float32Arrays of %lld values, gamma and beta too or null", c);
  float *rstd = malloc((size_t)c * sizeof(float));
  if (rstd == NULL) THROW(env, "batchNormInference: out of memory for %lld values", c);
  for (long long j = 0; j < c; j++) rstd[j] = 1.0f / sqrtf(var[j] + (float)eps);
  struct bn_eval_ctx k = {x, mean, rstd, gamma, beta, y, (size_t)c};
  parallel_for(bn_eval_range, &k, (size_t)rows, ln_grain((size_t)c));
  free(rstd);
  return NULL;
}

static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  long long threads;
  if (argc != 1 || !get_int(env, argv[0], &threads) || threads < 1)
    THROW(env, "setThreads: threads must be a positive integer");
  pool_set_size((int)threads);
  return NULL;
}

static napi_value describe(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, config, core, threads;
  CALL(env, napi_create_object(env, &result));
  CALL(env, napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &config));
  CALL(env, napi_create_string_utf8(env, openblas_get_corename(), NAPI_AUTO_LENGTH, &core));
  CALL(env, napi_create_int32(env, requested_threads, &threads));
  CALL(env, napi_set_named_property(env, result, "config", config));
  CALL(env, napi_set_named_property(env, result, "core", core));
  CALL(env, napi_set_named_property(env, result, "threads", threads));
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  if (pool.started == 0) pool_set_size(openblas_get_num_threads());
  napi_property_descriptor props[] = {
      {"gemm", NULL, gemm, NULL, NULL, NULL, napi_default, NULL},
      {"adamw", NULL, adamw, NULL, NULL, NULL, napi_default, NULL},
      {"reduceRows", NULL, reduce_rows, NULL, NULL, NULL, napi_default, NULL},
      {"gelu", NULL, gelu, NULL, NULL, NULL, napi_default, NULL},
      {"geluGrad", NULL, gelu_grad, NULL, NULL, NULL, napi_default, NULL},
      {"layerNorm", NULL, layer_norm, NULL, NULL, NULL, napi_default, NULL},
      {"layerNormGrad", NULL, layer_norm_grad, NULL, NULL, NULL, napi_default, NULL},
      {"batchNorm", NULL, batch_norm, NULL, NULL, NULL, napi_default, NULL},
      {"batchNormGrad", NULL, batch_norm_grad, NULL, NULL, NULL, napi_default, NULL},
      {"batchNormInference", NULL, batch_norm_inference, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
      {"describe", NULL, describe, NULL, NULL, NULL, napi_default, NULL},
  };
  CALL(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
