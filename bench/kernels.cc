#include "bench/kernels.h"

#include <benchmark/benchmark.h>
#include <cblas.h>
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <random>
#include <vector>

namespace neurowatt::bench {
namespace {

using benchmark::Counter;
using benchmark::State;

// Work per iteration of one thread. Google Benchmark's own rates divide by
// CPU time, which overstates a team whose threads wait (OpenBLAS's workers,
// a descheduled thread); the collector and the benchmark-file reader divide
// by wall-clock time instead (WallRate in bench/calibration.h).
Counter Work(double per_iteration) {
  return Counter(per_iteration, Counter::kAvgThreads);
}

// --- Peak arithmetic: 12 independent FMA chains per thread, in registers.
constexpr int kChains = 12;

__attribute__((target("avx512f"))) float FmaAvx512Fp32(int64_t n) {
  __m512 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(1.0f + i * 1e-3f);
  const __m512 b = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-6f);
  for (int64_t k = 0; k < n; ++k) {
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], b, c);
  }
  __m512 s = acc[0];
  for (int i = 1; i < kChains; ++i) s = _mm512_add_ps(s, acc[i]);
  alignas(64) float out[16];
  _mm512_store_ps(out, s);
  return std::accumulate(out, out + 16, 0.0f);
}

__attribute__((target("avx512f"))) double FmaAvx512Fp64(int64_t n) {
  __m512d acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_pd(1.0 + i * 1e-3);
  const __m512d b = _mm512_set1_pd(0.999999), c = _mm512_set1_pd(1e-6);
  for (int64_t k = 0; k < n; ++k) {
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_pd(acc[i], b, c);
  }
  __m512d s = acc[0];
  for (int i = 1; i < kChains; ++i) s = _mm512_add_pd(s, acc[i]);
  alignas(64) double out[8];
  _mm512_store_pd(out, s);
  return std::accumulate(out, out + 8, 0.0);
}

__attribute__((target("avx2,fma"))) float FmaAvx2Fp32(int64_t n) {
  __m256 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_ps(1.0f + i * 1e-3f);
  const __m256 b = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-6f);
  for (int64_t k = 0; k < n; ++k) {
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], b, c);
  }
  alignas(32) float out[8];
  __m256 s = acc[0];
  for (int i = 1; i < kChains; ++i) s = _mm256_add_ps(s, acc[i]);
  _mm256_store_ps(out, s);
  return std::accumulate(out, out + 8, 0.0f);
}

__attribute__((target("avx2,fma"))) double FmaAvx2Fp64(int64_t n) {
  __m256d acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_pd(1.0 + i * 1e-3);
  const __m256d b = _mm256_set1_pd(0.999999), c = _mm256_set1_pd(1e-6);
  for (int64_t k = 0; k < n; ++k) {
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_fmadd_pd(acc[i], b, c);
  }
  alignas(32) double out[4];
  __m256d s = acc[0];
  for (int i = 1; i < kChains; ++i) s = _mm256_add_pd(s, acc[i]);
  _mm256_store_pd(out, s);
  return out[0] + out[1] + out[2] + out[3];
}

template <typename T>
T FmaScalar(int64_t n) {
  T acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = T(1) + T(i) * T(1e-3);
  for (int64_t k = 0; k < n; ++k) {
    for (int i = 0; i < kChains; ++i)
      acc[i] = std::fma(acc[i], T(0.999999), T(1e-6));
  }
  return std::accumulate(acc, acc + kChains, T(0));
}

int Lanes(bool fp64) {
  const std::string isa = FmaIsa();
  const int bits = isa == "avx512f" ? 512 : isa == "avx2" ? 256 : 0;
  if (bits == 0) return 1;
  return bits / (fp64 ? 64 : 32);
}

void BM_FmaPeak(State& state, bool fp64) {
  constexpr int64_t kInner = 1 << 14;
  const std::string isa = FmaIsa();
  for (auto _ : state) {
    if (fp64) {
      double r = isa == "avx512f" ? FmaAvx512Fp64(kInner)
                 : isa == "avx2"  ? FmaAvx2Fp64(kInner)
                                  : FmaScalar<double>(kInner);
      benchmark::DoNotOptimize(r);
    } else {
      float r = isa == "avx512f" ? FmaAvx512Fp32(kInner)
                : isa == "avx2"  ? FmaAvx2Fp32(kInner)
                                 : FmaScalar<float>(kInner);
      benchmark::DoNotOptimize(r);
    }
  }
  state.counters["flops"] =
      Work(2.0 * kChains * Lanes(fp64) * static_cast<double>(kInner));
  state.SetLabel(isa);
}

// --- OpenBLAS.
void BM_Sgemm(State& state, int threads) {
  const int n = static_cast<int>(state.range(0));
  std::vector<float> a(static_cast<size_t>(n) * n, 1.0f),
      b(static_cast<size_t>(n) * n, 0.5f), c(static_cast<size_t>(n) * n);
  openblas_set_num_threads(threads);
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f,
                a.data(), n, b.data(), n, 0.0f, c.data(), n);
    benchmark::ClobberMemory();
  }
  state.counters["flops"] = Work(2.0 * n * n * n);
}

// A layer applied to a batch: rows x k times k x n, the shape the
// estimator's small GEMMs mostly are.
void BM_SgemmRows(State& state, int threads) {
  const int m = static_cast<int>(state.range(0)), n = 1024, k = 1024;
  std::vector<float> a(static_cast<size_t>(m) * k, 1.0f),
      b(static_cast<size_t>(k) * n, 0.5f), c(static_cast<size_t>(m) * n);
  openblas_set_num_threads(threads);
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f,
                a.data(), k, b.data(), k, 0.0f, c.data(), n);
    benchmark::ClobberMemory();
  }
  state.counters["flops"] = Work(2.0 * m * n * k);
}

void BM_Sgemv(State& state, int threads) {
  const int n = static_cast<int>(state.range(0));
  std::vector<float> a(static_cast<size_t>(n) * n, 1.0f), x(n, 0.5f), y(n);
  openblas_set_num_threads(threads);
  for (auto _ : state) {
    cblas_sgemv(CblasRowMajor, CblasNoTrans, n, n, 1.0f, a.data(), n, x.data(),
                1, 0.0f, y.data(), 1);
    benchmark::ClobberMemory();
  }
  state.counters["flops"] = Work(2.0 * n * n);
  state.counters["bytes"] = Work(4.0 * (static_cast<double>(n) * n + 2 * n));
}

// Loops compiled for each instruction set and chosen when the program
// starts, so that the measured bandwidth is the machine's, not the
// baseline x86-64 code's.
#if defined(__clang__)  // clang never inlines multiversioned functions
#define NW_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NW_CLONES \
  __attribute__((target_clones("avx512f", "avx2", "default"), noinline))
#endif

NW_CLONES void Triad(double* a, const double* b, const double* c, int64_t n) {
  for (int64_t i = 0; i < n; ++i) a[i] = b[i] + 3.0 * c[i];
}

NW_CLONES void Copy(double* c, const double* a, int64_t n) {
  for (int64_t i = 0; i < n; ++i) c[i] = a[i];
}

NW_CLONES void Add(float* c, const float* a, const float* b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) c[i] = a[i] + b[i];
}

NW_CLONES void Lif(float* v, const float* input, uint8_t* spiked, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float u = 0.95f * v[i] + input[i];
    spiked[i] = u > 1.0f;
    v[i] = u > 1.0f ? 0.0f : u;
  }
}

NW_CLONES void Depthwise3x3(const float* src, const float* k, float* dst,
                            int hw) {
  for (int y = 1; y + 1 < hw; ++y) {
    for (int x = 1; x + 1 < hw; ++x) {
      float s = 0;
      for (int ky = 0; ky < 3; ++ky) {
        for (int kx = 0; kx < 3; ++kx) {
          s += src[(y + ky - 1) * hw + x + kx - 1] * k[ky * 3 + kx];
        }
      }
      dst[y * hw + x] = s;
    }
  }
}

// --- STREAM (McCalpin): each thread works on its own share of the set.
void BM_Stream(State& state, bool triad) {
  const int64_t total = state.range(0);
  const int64_t words =
      std::max<int64_t>(64, total / (triad ? 3 : 2) / 8 / state.threads());
  std::vector<double> a(words, 1.0), b(words, 2.0), c(words, 0.0);
  for (auto _ : state) {
    if (triad) {
      Triad(a.data(), b.data(), c.data(), words);
    } else {
      Copy(c.data(), a.data(), words);
    }
    benchmark::ClobberMemory();
  }
  state.counters["bytes"] =
      Work(8.0 * static_cast<double>(words) * (triad ? 3 : 2));
}

// --- Convolution as im2col + sgemm, and a direct depthwise convolution.
void BM_Conv(State& state, int threads) {
  const int c = 64, k = 64, hw = 28, r = 3;  // 3x3, same padding
  std::vector<float> in(static_cast<size_t>(c) * hw * hw, 1.0f),
      w(static_cast<size_t>(k) * c * r * r, 0.01f),
      cols(static_cast<size_t>(c) * r * r * hw * hw),
      out(static_cast<size_t>(k) * hw * hw);
  openblas_set_num_threads(threads);
  for (auto _ : state) {
    for (int ch = 0; ch < c; ++ch) {
      for (int ky = 0; ky < r; ++ky) {
        for (int kx = 0; kx < r; ++kx) {
          float* row =
              &cols[((static_cast<size_t>(ch) * r + ky) * r + kx) * hw * hw];
          for (int y = 0; y < hw; ++y) {
            for (int x = 0; x < hw; ++x) {
              const int sy = y + ky - 1, sx = x + kx - 1;
              row[y * hw + x] =
                  sy < 0 || sx < 0 || sy >= hw || sx >= hw
                      ? 0.0f
                      : in[(static_cast<size_t>(ch) * hw + sy) * hw + sx];
            }
          }
        }
      }
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, k, hw * hw,
                c * r * r, 1.0f, w.data(), c * r * r, cols.data(), hw * hw,
                0.0f, out.data(), hw * hw);
    benchmark::ClobberMemory();
  }
  state.counters["flops"] = Work(2.0 * k * c * r * r * hw * hw);
  state.counters["bytes"] = Work(4.0 * (in.size() + w.size() + out.size()));
}

void BM_Depthwise(State& state) {
  const int c = 128, hw = 56, r = 3;
  std::vector<float> in(static_cast<size_t>(c) * hw * hw, 1.0f),
      w(static_cast<size_t>(c) * r * r, 0.1f),
      out(static_cast<size_t>(c) * hw * hw);
  for (auto _ : state) {
    for (int ch = 0; ch < c; ++ch) {
      Depthwise3x3(&in[static_cast<size_t>(ch) * hw * hw],
                   &w[static_cast<size_t>(ch) * r * r],
                   &out[static_cast<size_t>(ch) * hw * hw], hw);
    }
    benchmark::ClobberMemory();
  }
  const double outputs = static_cast<double>(c) * (hw - 2) * (hw - 2);
  state.counters["flops"] = Work(2.0 * r * r * outputs);
  state.counters["bytes"] = Work(4.0 * (in.size() + w.size() + out.size()));
}

// --- Softmax rows and elementwise addition.
void BM_Softmax(State& state) {
  const int64_t n = state.range(0);
  std::vector<float> x(n), y(n);
  for (int64_t i = 0; i < n; ++i) x[i] = static_cast<float>(i % 97) * 0.01f;
  for (auto _ : state) {
    for (int64_t row = 0; row < n; row += 1024) {
      const int64_t end = std::min(n, row + 1024);
      const float m = *std::max_element(&x[row], &x[0] + end);
      float sum = 0;
      for (int64_t i = row; i < end; ++i) sum += y[i] = std::exp(x[i] - m);
      const float inv = 1 / sum;
      for (int64_t i = row; i < end; ++i) y[i] *= inv;
    }
    benchmark::ClobberMemory();
  }
  state.counters["bytes"] = Work(8.0 * static_cast<double>(n));
  // Other-op equivalents as in the estimator: compare 1, adds 2, exp 20,
  // divide 8 (docs/counting.md, docs/von-neumann-model.md).
  state.counters["flops"] = Work(31.0 * static_cast<double>(n));
}

void BM_ElementwiseAdd(State& state) {
  const int64_t n = state.range(0);
  std::vector<float> a(n, 1.0f), b(n, 2.0f), c(n);
  for (auto _ : state) {
    Add(c.data(), a.data(), b.data(), n);
    benchmark::ClobberMemory();
  }
  state.counters["bytes"] = Work(12.0 * static_cast<double>(n));
  state.counters["flops"] = Work(static_cast<double>(n));
}

// --- Spiking: LIF updates and event-driven propagation over CSR synapses.
void BM_LifUpdate(State& state) {
  const int64_t n = state.range(0);
  std::vector<float> v(n, 0.0f), input(n, 0.02f);
  std::vector<uint8_t> spiked(n);
  for (auto _ : state) {
    Lif(v.data(), input.data(), spiked.data(), n);
    benchmark::ClobberMemory();
  }
  state.counters["neuron_updates"] = Work(static_cast<double>(n));
}

void BM_SpikePropagation(State& state) {
  const int64_t neurons = state.range(0), fan_out = 100;
  std::mt19937 rng(42);
  std::uniform_int_distribution<int32_t> target(
      0, static_cast<int32_t>(neurons - 1));
  std::vector<int64_t> row(neurons + 1);
  std::vector<int32_t> col(neurons * fan_out);
  std::vector<float> weight(neurons * fan_out, 0.01f), current(neurons);
  for (int64_t i = 0; i <= neurons; ++i) row[i] = i * fan_out;
  for (auto& c : col) c = target(rng);
  std::vector<int32_t> spikes;  // 5% of the neurons fire
  for (int64_t i = 0; i < neurons; i += 20)
    spikes.push_back(static_cast<int32_t>(i));
  for (auto _ : state) {
    for (int32_t s : spikes) {
      for (int64_t k = row[s]; k < row[s + 1]; ++k)
        current[col[k]] += weight[k];
    }
    benchmark::ClobberMemory();
  }
  state.counters["events"] = Work(static_cast<double>(spikes.size()) * fan_out);
}

}  // namespace

std::string FmaIsa() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return "avx512f";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    return "avx2";
  }
  return "scalar";
}

int64_t LastLevelCacheBytes() {
  int64_t best = 0;
  for (int i = 0; i < 8; ++i) {
    std::ifstream f("/sys/devices/system/cpu/cpu0/cache/index" +
                    std::to_string(i) + "/size");
    std::string size;
    if (!(f >> size)) continue;
    int64_t v = std::atoll(size.c_str());
    if (size.back() == 'K') v <<= 10;
    if (size.back() == 'M') v <<= 20;
    best = std::max(best, v);
  }
  return best > 0 ? best : int64_t{32} << 20;
}

void RegisterKernels(const KernelOptions& o) {
  const int t = std::max(1, o.threads);
  auto setup = [&](benchmark::internal::Benchmark* b) {
    b->MinTime(o.min_time_s)->UseRealTime()->Repetitions(o.repetitions);
  };
  setup(benchmark::RegisterBenchmark("fma_peak/fp32", BM_FmaPeak, false)
            ->Threads(t));
  // One core's peak: a team's may not exceed threads x this.
  if (t > 1) {
    setup(benchmark::RegisterBenchmark("fma_peak_1t/fp32", BM_FmaPeak, false));
  }
  setup(benchmark::RegisterBenchmark("fma_peak/fp64", BM_FmaPeak, true)
            ->Threads(t));
  auto* gemm = benchmark::RegisterBenchmark("sgemm", BM_Sgemm, t);
  for (int n : o.quick ? std::vector<int>{64, 256, 1024}
                       : std::vector<int>{64, 128, 256, 512, 1024, 2048}) {
    gemm->Arg(n);
  }
  setup(gemm);
  auto* rows = benchmark::RegisterBenchmark("sgemm_rows", BM_SgemmRows, t);
  // One row is a layer at batch 1 as frameworks run it (PyTorch's addmm).
  for (int m : {1, 8, 32, 128}) rows->Arg(m);
  setup(rows);
  setup(benchmark::RegisterBenchmark("sgemv", BM_Sgemv, t)->Arg(64)->Arg(4096));
  const int64_t max_bytes =
      o.stream_max_bytes > 0 ? o.stream_max_bytes : 4 * LastLevelCacheBytes();
  for (const bool triad : {false, true}) {
    auto* b = benchmark::RegisterBenchmark(
        triad ? "stream_triad" : "stream_copy", BM_Stream, triad);
    // Total working sets, from 4 KiB per thread to 4x the last-level
    // cache (and always that largest one).
    const int64_t step = o.quick ? 4 : 2;
    int64_t total = (int64_t{4} << 10) * t;
    for (; total < max_bytes; total *= step) b->Arg(total);
    b->Arg(max_bytes);
    setup(b->Threads(t));
  }
  setup(benchmark::RegisterBenchmark("conv/64x28x28/k3", BM_Conv, t));
  setup(benchmark::RegisterBenchmark("depthwise/128x56x56/k3", BM_Depthwise)
            ->Threads(t));
  setup(benchmark::RegisterBenchmark("softmax", BM_Softmax)
            ->Arg(1 << 20)
            ->Threads(t));
  setup(benchmark::RegisterBenchmark("elementwise_add", BM_ElementwiseAdd)
            ->Arg(1 << 22)
            ->Threads(t));
  setup(benchmark::RegisterBenchmark("lif_update", BM_LifUpdate)
            ->Arg(1 << 20)
            ->Threads(t));
  setup(benchmark::RegisterBenchmark("spike_propagation", BM_SpikePropagation)
            ->Arg(1 << 16)
            ->Threads(t));
}

}  // namespace neurowatt::bench
