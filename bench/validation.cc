#include "bench/validation.h"

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include "absl/strings/str_format.h"
#include "estimators/von_neumann.h"
#include "hw/von_neumann_params.h"
#include "model/source.h"

namespace neurowatt::bench {
namespace {

using Clock = std::chrono::steady_clock;

// The best of several timed runs of `f`, in seconds.
template <typename F>
double Time(F&& f) {
  f();  // warm up caches and OpenBLAS threads
  double best = 1e300, total = 0;
  for (int i = 0; i < 20 && (i < 3 || total < 0.3); ++i) {
    const auto t0 = Clock::now();
    f();
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    best = std::min(best, s);
    total += s;
  }
  return best;
}

// y = relu?(x W^T + b) for `rows` rows: the preset's linear + ReLU.
void Dense(const std::vector<float>& x, const std::vector<float>& w,
           const std::vector<float>& b, std::vector<float>& y, int rows, int in,
           int out, bool relu) {
  if (rows == 1) {
    cblas_sgemv(CblasRowMajor, CblasNoTrans, out, in, 1.0f, w.data(), in,
                x.data(), 1, 0.0f, y.data(), 1);
  } else {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, out, in, 1.0f,
                x.data(), in, w.data(), in, 0.0f, y.data(), out);
  }
  for (int r = 0; r < rows; ++r) {
    for (int o = 0; o < out; ++o) {
      float& v = y[static_cast<size_t>(r) * out + o];
      v += b[o];
      if (relu && v < 0) v = 0;
    }
  }
}

void LayerNorm(std::vector<float>& x, int rows, int d) {
  for (int r = 0; r < rows; ++r) {
    float* v = &x[static_cast<size_t>(r) * d];
    float mean = 0, var = 0;
    for (int i = 0; i < d; ++i) mean += v[i];
    mean /= static_cast<float>(d);
    for (int i = 0; i < d; ++i) var += (v[i] - mean) * (v[i] - mean);
    const float inv = 1 / std::sqrt(var / static_cast<float>(d) + 1e-5f);
    for (int i = 0; i < d; ++i) v[i] = (v[i] - mean) * inv;
  }
}

double MeasureMlp(int width, int batch) {
  // Each layer its own weights, as in the model: sharing one matrix would
  // let it stay in cache.
  std::vector<std::vector<float>> w(
      3, std::vector<float>(static_cast<size_t>(width) * width, 0.01f));
  std::vector<float> b(width, 0.1f),
      x(static_cast<size_t>(batch) * width, 1.0f), y(x.size()), z(x.size());
  return Time([&] {
    Dense(x, w[0], b, y, batch, width, width, true);
    Dense(y, w[1], b, z, batch, width, width, true);
    Dense(z, w[2], b, y, batch, width, width, false);
  });
}

double MeasureGptBlock(int d, int heads, int seq) {
  const int dh = d / heads, ff = 4 * d;
  std::vector<float> x(static_cast<size_t>(seq) * d, 0.5f), a(x.size()),
      q(x.size()), k(x.size()), v(x.size()), ctx(x.size()), o(x.size()),
      h(static_cast<size_t>(seq) * ff), p(static_cast<size_t>(seq) * seq);
  std::vector<std::vector<float>> wd(
      4, std::vector<float>(static_cast<size_t>(d) * d, 0.01f));
  std::vector<float> wf(static_cast<size_t>(ff) * d, 0.01f),
      w2(static_cast<size_t>(d) * ff, 0.01f), bd(d, 0.0f), bf(ff, 0.0f);
  return Time([&] {
    a = x;
    LayerNorm(a, seq, d);
    Dense(a, wd[0], bd, q, seq, d, d, false);
    Dense(a, wd[1], bd, k, seq, d, d, false);
    Dense(a, wd[2], bd, v, seq, d, d, false);
    for (int hd = 0; hd < heads; ++hd) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, seq, seq, dh, 1.0f,
                  &q[hd * dh], d, &k[hd * dh], d, 0.0f, p.data(), seq);
      for (int r = 0; r < seq; ++r) {
        float* row = &p[static_cast<size_t>(r) * seq];
        const float m = *std::max_element(row, row + seq);
        float sum = 0;
        for (int c = 0; c < seq; ++c) sum += row[c] = std::exp(row[c] - m);
        for (int c = 0; c < seq; ++c) row[c] /= sum;
      }
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, seq, dh, seq, 1.0f,
                  p.data(), seq, &v[hd * dh], d, 0.0f, &ctx[hd * dh], d);
    }
    Dense(ctx, wd[3], bd, o, seq, d, d, false);
    for (size_t i = 0; i < x.size(); ++i) o[i] += x[i];
    a = o;
    LayerNorm(a, seq, d);
    Dense(a, wf, bf, h, seq, d, ff, false);
    for (float& e : h) {
      e = 0.5f * e *
          (1 + std::tanh(0.7978845608f * (e + 0.044715f * e * e * e)));
    }
    Dense(h, w2, bd, a, seq, ff, d, false);
  });
}

// The estimator's latency for `source` at `batch` in fp32; NaN (shown as
// such, never as a zero) if the preset cannot be priced.
double Predict(const std::string& source, int64_t batch,
               const VonNeumannParams& hw) {
  auto m = LoadModel(source, {});
  if (!m.ok()) return std::nan("");
  auto c = EstimateVonNeumann(m->count, hw, batch, v1::FP32);
  return c.ok() ? c->total.time_s : std::nan("");
}

}  // namespace

Validation ValidateCalibration(const v1::HardwareProfile& profile,
                               int threads) {
  openblas_set_num_threads(threads);
  const VonNeumannParams hw = CompileVonNeumann(profile);
  Validation out;
  for (int width : {256, 1024, 2048}) {
    for (int batch : {1, 32, 256}) {
      out.cases.push_back(
          {absl::StrFormat("mlp %d x 3 layers, batch %d", width, batch),
           Predict(absl::StrFormat("preset:mlp:sizes=%d-%d-%d-%d", width, width,
                                   width, width),
                   batch, hw),
           MeasureMlp(width, batch)});
    }
  }
  out.cases.push_back(
      {"gpt block d 512, 8 heads, seq 128",
       Predict("preset:gpt:d_model=512,layers=1,heads=8,seq=128,"
               "embeddings=false",
               1, hw),
       MeasureGptBlock(512, 8, 128)});
  std::vector<double> errors;
  for (const ValidationCase& c : out.cases) {
    errors.push_back(std::abs(c.error()));
  }
  std::sort(errors.begin(), errors.end());
  out.median_abs_error = errors[errors.size() / 2];
  return out;
}

}  // namespace neurowatt::bench
