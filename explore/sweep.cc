#include "explore/sweep.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "estimators/cost_report.h"
#include "estimators/pricing.h"
#include "model/source.h"
#include "util/error.h"

namespace neurowatt {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

bool PrecisionKey(const std::string& k) {
  return k == "precision" || k == "weight_precision" || k == "kv_precision";
}

bool IntegerKey(const std::string& k) {
  return k != "spike_rate" && k != "input_rate" && !PrecisionKey(k) &&
         k != "coding";
}

// One configuration: the model it needs and the scenario it prices.
struct Configuration {
  std::string source;     // the sweep's SOURCE with the preset keys applied
  v1::Scenario scenario;  // its phase says what the model is loaded for
};

Configuration Configure(const SweepSpec& s,
                        const std::vector<std::string>& vals) {
  Configuration c{s.source, s.scenario};
  v1::SpikeActivity& spikes = *c.scenario.mutable_spikes();
  std::vector<std::string> preset_keys;
  // ParseSweepAxis has checked every value: a parse here cannot fail.
  for (size_t a = 0; a < s.axes.size(); ++a) {
    const std::string& k = s.axes[a].key;
    const std::string& v = vals[a];
    int64_t i = 0;
    double d = 0;
    if (k == "batch") {
      (void)absl::SimpleAtoi(v, &i);
      c.scenario.set_batch(i);
    } else if (k == "precision") {
      c.scenario.set_precision(PricingPrecision(v).value_or(v1::FP32));
    } else if (k == "weight_precision") {
      c.scenario.set_weight_precision(PricingPrecision(v).value_or(v1::FP32));
    } else if (k == "kv_precision") {
      c.scenario.set_kv_precision(PricingPrecision(v).value_or(v1::FP32));
    } else if (k == "context") {
      (void)absl::SimpleAtoi(v, &i);
      c.scenario.set_context(i);
    } else if (k == "chips") {
      c.scenario.set_chips(ParseChips(v).value_or(0));
    } else if (k == "spike_rate") {
      (void)absl::SimpleAtod(v, &d);
      spikes.set_spike_rate(d);
    } else if (k == "input_rate") {
      (void)absl::SimpleAtod(v, &d);
      spikes.set_input_spike_rate(d);
    } else if (k == "timesteps") {
      (void)absl::SimpleAtoi(v, &i);
      spikes.set_timesteps(i);
    } else if (k == "coding") {
      spikes.set_coding(v == "ttfs" ? v1::SpikeActivity::TTFS
                                    : v1::SpikeActivity::RATE);
    } else {
      preset_keys.push_back(StrCat(k, "=", v));
    }
  }
  if (!preset_keys.empty()) {
    // "preset:gpt3-175b" takes ":k=v"; "preset:mlp:sizes=..." takes ",k=v".
    const bool has_args = s.source.find(':', 7) != std::string::npos;
    c.source =
        StrCat(s.source, has_args ? "," : ":", absl::StrJoin(preset_keys, ","));
  }
  return c;
}

// The models built so far, by source, shared by the workers: scenarios never
// rebuild one, and a sweep over preset keys builds each model once. A
// source that fails to load is remembered as failing.
class ModelCache {
 public:
  ModelCache(DimBindings dims, bool read_weights)
      : dims_(std::move(dims)), read_weights_(read_weights) {}

  // The phase is the sweep's; only its context varies between models.
  std::shared_ptr<const absl::StatusOr<Model>> Get(const std::string& source,
                                                   const PhaseOptions& phase) {
    const std::string key =
        phase.context ? StrCat(source, "\n", *phase.context) : source;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = models_.find(key); it != models_.end()) {
        return it->second;
      }
    }
    // Built outside the lock; two workers may build the same model once
    // each, and the first stored wins.
    auto model = std::make_shared<const absl::StatusOr<Model>>(
        LoadModel(source, dims_, read_weights_, phase));
    std::lock_guard<std::mutex> lock(mu_);
    if (models_.size() >= kCapacity) models_.clear();
    return models_.emplace(key, std::move(model)).first->second;
  }

 private:
  static constexpr size_t kCapacity = 256;
  const DimBindings dims_;
  const bool read_weights_;
  std::mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const absl::StatusOr<Model>>>
      models_;
};

SweepRow RowFor(const ProfileCost& pc, int64_t batch) {
  SweepRow r;
  r.hardware = pc.hardware->name();
  r.kind = pc.hardware->neuromorphic ? "neuromorphic" : "von_neumann";
  if (!pc.status.ok()) {
    r.error = std::string(pc.status.message());
    const auto detail = DetailOf(pc.status);
    r.does_not_fit = detail && detail->subject == ErrorSubject::kCapacity;
    return r;
  }
  const double per = static_cast<double>(batch);
  if (pc.neuromorphic) {
    const NeuromorphicCost& c = *pc.neuromorphic;
    r.energy_per_inference_j = c.total() / per;
    r.latency_s = c.time_s;
    r.bound = BoundName(c);
    r.chips = c.chips;
    const double v[] = {0,
                        0,
                        0,
                        c.static_energy,
                        c.synaptic,
                        c.neuron,
                        c.routing,
                        c.non_native,
                        c.interconnect,
                        0,
                        0,
                        c.host};
    for (int i = 0; i < kSweepPartCount; ++i) r.parts[i] = v[i] / per;
  } else {
    const VonNeumannCost& c = *pc.von_neumann;
    const VonNeumannEnergy& e = c.total.energy;
    r.energy_per_inference_j = e.total() / per;
    r.latency_s = c.total.time_s;
    r.bound = BoundName(pc.hardware->von_neumann, c.total.bound);
    r.chips = c.system.chips;
    const double v[] = {e.compute,
                        e.data_movement,
                        e.bit_maintenance(),
                        e.static_power,
                        0,
                        0,
                        0,
                        0,
                        e.interconnect,
                        e.control_overhead,
                        e.active,
                        0};
    for (int i = 0; i < kSweepPartCount; ++i) r.parts[i] = v[i] / per;
  }
  return r;
}

std::vector<SweepRow> Evaluate(const SweepSpec& s,
                               const std::vector<std::string>& vals,
                               ModelCache& cache) {
  const Configuration c = Configure(s, vals);
  auto fail = [&](const absl::Status& st) {
    std::vector<SweepRow> rows;
    for (const Hardware& h : s.hardware) {
      SweepRow r;
      r.hardware = h.name();
      r.kind = h.neuromorphic ? "neuromorphic" : "von_neumann";
      r.error = std::string(st.message());
      rows.push_back(r);
    }
    return rows;
  };
  const auto model = cache.Get(c.source, PhaseOf(c.scenario));
  if (!model->ok()) return fail(model->status());
  auto costs = PriceCosts(**model, s.hardware, c.scenario);
  if (!costs.ok()) return fail(costs.status());
  std::vector<SweepRow> rows;
  rows.reserve(costs->profiles.size());
  const double tokens =
      static_cast<double>((*model)->tokens) * static_cast<double>(costs->batch);
  for (const ProfileCost& pc : costs->profiles) {
    SweepRow r = RowFor(pc, costs->batch);
    if (tokens > 0 && r.error.empty()) {
      if (r.latency_s > 0) r.tokens_per_second = tokens / r.latency_s;
      r.energy_per_token_j =
          r.energy_per_inference_j * static_cast<double>(costs->batch) / tokens;
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

absl::Status Check(const SweepSpec& s) {
  if (s.axes.empty()) {
    return InvalidArgumentError("a sweep needs at least one varied key");
  }
  if (s.hardware.empty()) {
    return InvalidArgumentError("a sweep needs at least one profile");
  }
  const bool preset = s.source.rfind("preset:", 0) == 0;
  int64_t configs = 1;
  for (size_t a = 0; a < s.axes.size(); ++a) {
    const std::string& key = s.axes[a].key;
    if (!IsScenarioKey(key) && key != "context" && !preset) {
      return InvalidArgumentError(
          StrCat("varied key '", key,
                 "': only presets have model keys; the scenario keys are "
                 "batch, precision, weight_precision, kv_precision, chips, "
                 "spike_rate, timesteps, coding, input_rate, and context"));
    }
    for (size_t b = 0; b < a; ++b) {
      if (s.axes[b].key == key) {
        return InvalidArgumentError(StrCat("'", key, "' is varied twice"));
      }
    }
    if (s.axes[a].values.empty()) {
      return InvalidArgumentError(StrCat("'", key, "' has no values"));
    }
    configs *= static_cast<int64_t>(s.axes[a].values.size());
    if (configs > 100'000'000) {
      return InvalidArgumentError(
          "the sweep has more than 100 million configurations");
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool IsScenarioKey(const std::string& k) {
  return k == "batch" || PrecisionKey(k) || k == "spike_rate" ||
         k == "timesteps" || k == "coding" || k == "input_rate" || k == "chips";
}

absl::StatusOr<SweepAxis> ParseSweepAxis(const std::string& text) {
  std::vector<std::string> kv = absl::StrSplit(text, absl::MaxSplits('=', 1));
  if (kv.size() != 2 || kv[0].empty() || kv[1].empty()) {
    return InvalidArgumentError(
        StrCat(text, ": expected KEY=V1,V2,... or KEY=START:STOP:COUNT"));
  }
  SweepAxis axis;
  axis.key = kv[0];
  std::vector<std::string> range = absl::StrSplit(kv[1], ':');
  if (range.size() == 3) {
    double a, b;
    int64_t n;
    if (!absl::SimpleAtod(range[0], &a) || !absl::SimpleAtod(range[1], &b) ||
        !absl::SimpleAtoi(range[2], &n) || n < 1 || n > 10'000'000 ||
        !std::isfinite(a) || !std::isfinite(b)) {
      return InvalidArgumentError(
          StrCat(text,
                 ": START:STOP:COUNT needs two numbers and a count "
                 "from 1 to 10 million"));
    }
    for (int64_t i = 0; i < n; ++i) {
      const double v = n == 1 ? a
                              : a + (b - a) * static_cast<double>(i) /
                                        static_cast<double>(n - 1);
      axis.values.push_back(IntegerKey(axis.key)
                                ? StrCat(static_cast<int64_t>(std::llround(v)))
                                : absl::StrFormat("%.6g", v));
    }
  } else if (range.size() == 1) {
    axis.values = absl::StrSplit(kv[1], ',');
  } else {
    return InvalidArgumentError(StrCat(text, ": a range is START:STOP:COUNT"));
  }
  for (const std::string& v : axis.values) {
    if (v.empty()) return InvalidArgumentError(StrCat(text, ": empty value"));
    if (axis.key == "coding" && v != "rate" && v != "ttfs") {
      return InvalidArgumentError(
          StrCat("coding=", v, ": expected rate or ttfs"));
    }
    if (axis.key == "chips" && !ParseChips(v).ok()) {
      return InvalidArgumentError(
          StrCat("chips=", v, ": expected ", kChipChoices));
    }
    if (PrecisionKey(axis.key) && !PricingPrecision(v).ok()) {
      return InvalidArgumentError(
          StrCat(axis.key, "=", v, ": expected one of ", kPricingPrecisions));
    }
    double d;
    if ((axis.key == "spike_rate" || axis.key == "input_rate") &&
        (!absl::SimpleAtod(v, &d) || d < 0 || d > 1)) {
      return InvalidArgumentError(
          StrCat(axis.key, "=", v, ": expected 0 to 1"));
    }
    int64_t i;
    if ((axis.key == "batch" || axis.key == "timesteps") &&
        (!absl::SimpleAtoi(v, &i) || i < 1 ||
         (axis.key == "batch" && i > kMaxDimension))) {
      return InvalidArgumentError(
          StrCat(axis.key, "=", v, ": expected a whole number >= 1"));
    }
    if (axis.key == "context" &&
        (!absl::SimpleAtoi(v, &i) || i < 0 || i > kMaxDimension)) {
      return InvalidArgumentError(
          StrCat("context=", v, ": expected a whole number from 0 to 2^40"));
    }
  }
  return axis;
}

int64_t SweepConfigurations(const SweepSpec& s) {
  int64_t n = 1;
  for (const SweepAxis& a : s.axes) n *= static_cast<int64_t>(a.values.size());
  return n;
}

std::vector<std::string> SweepValues(const SweepSpec& s, int64_t index) {
  std::vector<std::string> values(s.axes.size());
  for (size_t a = s.axes.size(); a-- > 0;) {
    const auto n = static_cast<int64_t>(s.axes[a].values.size());
    values[a] = s.axes[a].values[static_cast<size_t>(index % n)];
    index /= n;
  }
  return values;
}

absl::Status RunSweep(const SweepSpec& s, RowSink& sink,
                      const std::function<void(int64_t, int64_t)>& progress) {
  if (auto st = Check(s); !st.ok()) return st;
  const bool spiking =
      std::any_of(s.hardware.begin(), s.hardware.end(),
                  [](const Hardware& h) { return h.neuromorphic; });
  // Only spiking profiles use what the weights say (absent synapses).
  ModelCache cache(s.dims, /*read_weights=*/spiking);
  const int64_t configs = SweepConfigurations(s);
  // A mistake common to every row (a bad key or value, missing spike
  // settings) is an error, not a file of error rows; a network too large
  // for a chip is a row of its own.
  for (const SweepRow& r : Evaluate(s, SweepValues(s, 0), cache)) {
    if (!r.error.empty() && !r.does_not_fit) {
      return InvalidArgumentError(StrCat("the first configuration (",
                                         absl::StrJoin(SweepValues(s, 0), ", "),
                                         ") fails: ", r.error));
    }
  }

  // Workers take chunks of consecutive configurations, so that a cheap
  // configuration does not pay for a hand-over of its own.
  const int threads = std::max(1, s.threads);
  constexpr int64_t kChunk = 32;
  const int64_t chunks = (configs + kChunk - 1) / kChunk;
  const int64_t window = 4 * threads;  // chunks done but not yet written
  struct Done {
    std::vector<std::vector<std::string>> values;
    std::vector<std::vector<SweepRow>> rows;
  };
  std::mutex mu;
  std::condition_variable ready, room;
  std::map<int64_t, Done> done;
  std::atomic<int64_t> next{0};
  int64_t written = 0;  // chunks
  bool stop = false;
  auto worker = [&] {
    for (;;) {
      const int64_t chunk = next.fetch_add(1);
      if (chunk >= chunks) return;
      {
        std::unique_lock<std::mutex> lock(mu);
        room.wait(lock, [&] { return stop || chunk < written + window; });
        if (stop) return;
      }
      Done d;
      for (int64_t i = chunk * kChunk;
           i < std::min(configs, (chunk + 1) * kChunk); ++i) {
        d.values.push_back(SweepValues(s, i));
        d.rows.push_back(Evaluate(s, d.values.back(), cache));
      }
      std::lock_guard<std::mutex> lock(mu);
      done.emplace(chunk, std::move(d));
      ready.notify_one();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);

  absl::Status status;
  while (written < chunks && status.ok()) {
    Done d;
    {
      std::unique_lock<std::mutex> lock(mu);
      ready.wait(lock, [&] { return done.count(written) > 0; });
      d = std::move(done[written]);
      done.erase(written);
    }
    for (size_t k = 0; k < d.rows.size() && status.ok(); ++k) {
      status = sink.Write(d.values[k], d.rows[k]);
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      ++written;
      if (!status.ok()) stop = true;
      room.notify_all();
    }
    if (status.ok() && progress) {
      progress(std::min(configs, written * kChunk), configs);
    }
  }
  for (auto& t : pool) t.join();
  return status;
}

}  // namespace neurowatt
