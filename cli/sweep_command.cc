#include "cli/sweep_command.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/count_command.h"
#include "cli/format.h"
#include "util/atomic_file.h"
#include "cli/pricing.h"
#include "estimators/cost_report.h"
#include "estimators/neuromorphic.h"
#include "estimators/spike_activity.h"
#include "estimators/von_neumann.h"
#include "nlohmann/json.hpp"

namespace neurowatt::cli {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

// Keys of the scenario; any other key goes to the preset.
bool ScenarioKey(const std::string& k) {
  return k == "batch" || k == "precision" || k == "spike_rate" ||
         k == "timesteps" || k == "coding" || k == "input_rate";
}

bool IntegerKey(const std::string& k) {
  return k != "spike_rate" && k != "input_rate" && k != "precision" &&
         k != "coding";
}

constexpr const char* kParts[] = {
    "compute",      "data_movement",  "bit_maintenance", "static",
    "synaptic_ops", "neuron_updates", "spike_routing",   "non_native"};

struct Row {
  std::string hardware, kind, bound, error;
  double energy = 0, latency = 0;
  double parts[8] = {};
};

// Everything a worker needs, shared read-only.
struct Sweep {
  std::string source;
  bool preset = false;
  DimBindings dims;
  std::vector<VaryAxis> axes;
  std::vector<PricedProfile> profiles;
  v1::SpikeActivity base_spikes;
  int64_t base_batch = 1;
  bool bind_batch = false;  // --batch, --dim batch or --vary batch given
  bool spiking = false;     // a neuromorphic profile is priced
  std::string base_precision;
  bool jsonl = false;
  int64_t configs = 1;
};

// The values of configuration `index`; the last axis varies fastest.
std::vector<std::string> ConfigValues(const Sweep& s, int64_t index) {
  std::vector<std::string> values(s.axes.size());
  for (size_t a = s.axes.size(); a-- > 0;) {
    const auto n = static_cast<int64_t>(s.axes[a].values.size());
    values[a] = s.axes[a].values[static_cast<size_t>(index % n)];
    index /= n;
  }
  return values;
}

// The models a worker built most recently, by spec, batch and precision:
// configurations that differ only in spike settings, or that revisit a
// batch size, share one.
class ModelCache {
 public:
  std::shared_ptr<const CountedModel> Find(const std::string& key) const {
    auto it = models_.find(key);
    return it == models_.end() ? nullptr : it->second;
  }
  void Add(const std::string& key, std::shared_ptr<const CountedModel> m) {
    if (order_.size() == kCapacity) {
      models_.erase(order_.front());
      order_.erase(order_.begin());
    }
    order_.push_back(key);
    models_[key] = std::move(m);
  }

 private:
  static constexpr size_t kCapacity = 64;
  std::map<std::string, std::shared_ptr<const CountedModel>> models_;
  std::vector<std::string> order_;
};

// Evaluates one configuration into rows, one per profile.
std::vector<Row> Evaluate(const Sweep& s, const std::vector<std::string>& vals,
                          ModelCache& cache) {
  std::string spec = s.source;
  int64_t batch = s.base_batch;
  std::string precision = s.base_precision;
  v1::SpikeActivity spikes = s.base_spikes;
  std::vector<std::string> preset_keys;
  absl::Status bad;
  for (size_t a = 0; a < s.axes.size(); ++a) {
    const std::string& k = s.axes[a].key;
    const std::string& v = vals[a];
    // ParseVary has checked every number; a failure here is a bug.
    bool parsed = true;
    if (k == "batch") {
      parsed = absl::SimpleAtoi(v, &batch);
    } else if (k == "precision") {
      precision = v;
    } else if (k == "spike_rate") {
      double r = 0;
      parsed = absl::SimpleAtod(v, &r);
      spikes.set_spike_rate(r);
    } else if (k == "input_rate") {
      double r = 0;
      parsed = absl::SimpleAtod(v, &r);
      spikes.set_input_spike_rate(r);
    } else if (k == "timesteps") {
      int64_t t = 0;
      parsed = absl::SimpleAtoi(v, &t);
      spikes.set_timesteps(t);
    } else if (k == "coding") {
      spikes.set_coding(v == "ttfs" ? v1::SpikeActivity::TTFS
                                    : v1::SpikeActivity::RATE);
    } else {
      preset_keys.push_back(StrCat(k, "=", v));
    }
    if (!parsed && bad.ok()) {
      bad = absl::InternalError(
          StrCat("--vary ", k, ": '", v, "' is not a number"));
    }
  }
  if (!preset_keys.empty()) {
    // "preset:gpt3-175b" takes ":k=v"; "preset:mlp:sizes=..." takes ",k=v".
    const bool has_args = s.source.find(':', 7) != std::string::npos;
    spec =
        StrCat(s.source, has_args ? "," : ":", absl::StrJoin(preset_keys, ","));
  }
  std::vector<Row> rows;
  auto fail = [&](const absl::Status& st) {
    rows.clear();
    for (const auto& p : s.profiles) {
      Row r;
      r.hardware = p.profile.name();
      r.kind = p.neuromorphic ? "neuromorphic" : "von_neumann";
      r.error = std::string(st.message());
      rows.push_back(r);
    }
    return rows;
  };
  if (!bad.ok()) return fail(bad);
  v1::ElementType type = v1::ELEMENT_TYPE_UNSPECIFIED;
  if (!precision.empty()) {
    auto t = ParsePrecision(precision);
    if (!t.ok()) return fail(t.status());
    type = *t;
  }
  const std::string key = StrCat(spec, "|", batch, "|", precision);
  std::shared_ptr<const CountedModel> model = cache.Find(key);
  if (model == nullptr) {
    DimBindings dims = s.dims;
    // Only bind batch when asked to: a model with fixed input sizes has
    // no batch dimension, and prices as it is.
    if (s.bind_batch) dims["batch"] = batch;
    // Only spiking profiles use what the weights say (absent synapses).
    auto loaded = LoadAndCount(spec, dims, type, /*read_weights=*/s.spiking);
    if (!loaded.ok()) return fail(loaded.status());
    model = std::make_shared<const CountedModel>(*std::move(loaded));
    cache.Add(key, model);
  }
  const NetworkCount& count = model->count;
  const PricedProfile* first = FirstVonNeumann(s.profiles);
  const VonNeumannParams* host = first ? &first->von_neumann : nullptr;
  std::optional<absl::StatusOr<SpikeActivity>> activity;
  for (const auto& p : s.profiles) {
    Row r;
    r.hardware = p.profile.name();
    r.kind = p.neuromorphic ? "neuromorphic" : "von_neumann";
    const double per = static_cast<double>(batch);
    if (p.neuromorphic) {
      if (!activity) activity = ResolveSpikeActivity(count, spikes, batch);
      if (!activity->ok()) {
        r.error = std::string(activity->status().message());
      } else {
        auto c = EstimateNeuromorphic(count, p.spiking, **activity,
                                      (*activity)->knob, batch, host);
        if (!c.ok()) {
          r.error = std::string(c.status().message());
        } else {
          r.energy = c->total() / per;
          r.latency = c->time_s;
          r.bound = BoundName(*c);
          const double v[] = {
              0,           0,         0,          c->static_energy,
              c->synaptic, c->neuron, c->routing, c->non_native};
          for (int i = 0; i < 8; ++i) r.parts[i] = v[i] / per;
        }
      }
    } else {
      auto c = EstimateVonNeumann(count, p.von_neumann);
      if (!c.ok()) {
        r.error = std::string(c.status().message());
      } else {
        const VonNeumannEnergy& e = c->total.energy;
        r.energy = e.total() / per;
        r.latency = c->total.time_s;
        r.bound = BoundName(p.von_neumann, c->total.bound);
        const double v[] = {e.compute,
                            e.data_movement,
                            e.bit_maintenance(),
                            e.static_power,
                            0,
                            0,
                            0,
                            0};
        for (int i = 0; i < 8; ++i) r.parts[i] = v[i] / per;
      }
    }
    rows.push_back(r);
  }
  return rows;
}

std::string Header(const Sweep& s) {
  std::vector<std::string> cols;
  for (const auto& a : s.axes) cols.push_back(CsvField(a.key));
  cols.insert(cols.end(), {"hardware", "kind", "energy_per_inference_joules"});
  for (const char* p : kParts) cols.push_back(p);
  cols.insert(cols.end(), {"latency_seconds", "bound", "error"});
  return absl::StrJoin(cols, ",") + "\n";
}

std::string Format(const Sweep& s, const std::vector<std::string>& vals,
                   const std::vector<Row>& rows) {
  std::string out;
  for (const Row& r : rows) {
    if (s.jsonl) {
      nlohmann::ordered_json j;
      for (size_t a = 0; a < s.axes.size(); ++a) {
        int64_t i;
        double d;
        if (IntegerKey(s.axes[a].key) && absl::SimpleAtoi(vals[a], &i)) {
          j[s.axes[a].key] = i;
        } else if (s.axes[a].key != "coding" && s.axes[a].key != "precision" &&
                   absl::SimpleAtod(vals[a], &d)) {
          j[s.axes[a].key] = d;
        } else {
          j[s.axes[a].key] = vals[a];
        }
      }
      j["hardware"] = r.hardware;
      j["kind"] = r.kind;
      if (r.error.empty()) {
        j["energy_per_inference_joules"] = r.energy;
        for (int i = 0; i < 8; ++i) j[kParts[i]] = r.parts[i];
        j["latency_seconds"] = r.latency;
        j["bound"] = r.bound;
      } else {
        j["error"] = r.error;
      }
      // Values from the command line may hold invalid UTF-8: replace, never
      // throw (a worker thread must not).
      out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
             "\n";
      continue;
    }
    std::vector<std::string> cells;
    for (const auto& v : vals) cells.push_back(CsvField(v));
    cells.push_back(CsvField(r.hardware));
    cells.push_back(r.kind);
    if (r.error.empty()) {
      cells.push_back(absl::StrFormat("%.6g", r.energy));
      for (double p : r.parts) cells.push_back(absl::StrFormat("%.6g", p));
      cells.push_back(absl::StrFormat("%.6g", r.latency));
      cells.push_back(CsvField(r.bound));
      cells.push_back("");
    } else {
      for (int i = 0; i < 11; ++i) cells.push_back("");
      cells.push_back(CsvField(r.error));
    }
    out += absl::StrJoin(cells, ",") + "\n";
  }
  return out;
}

// Runs the sweep on `threads` workers; rows are written in configuration
// order, and no more than a fixed window of finished configurations waits
// in memory for the writer.
absl::Status RunWorkers(const Sweep& s, int threads, AtomicFileWriter& file,
                        std::ostream& err) {
  const int64_t window = 64 * threads;
  std::mutex mu;
  std::condition_variable ready, room;
  std::map<int64_t, std::string> done;
  std::atomic<int64_t> next{0};
  int64_t written = 0;
  bool stop = false;
  auto worker = [&] {
    ModelCache cache;
    for (;;) {
      const int64_t i = next.fetch_add(1);
      if (i >= s.configs) return;
      {
        std::unique_lock<std::mutex> lock(mu);
        room.wait(lock, [&] { return stop || i < written + window; });
        if (stop) return;
      }
      const std::vector<std::string> vals = ConfigValues(s, i);
      std::string text = Format(s, vals, Evaluate(s, vals, cache));
      std::lock_guard<std::mutex> lock(mu);
      done.emplace(i, std::move(text));
      ready.notify_one();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);

  const bool tty = ::isatty(2);
  const auto start = std::chrono::steady_clock::now();
  auto last = start;
  absl::Status status;
  while (written < s.configs) {
    std::string text;
    {
      std::unique_lock<std::mutex> lock(mu);
      ready.wait(lock, [&] { return done.count(written) > 0; });
      text = std::move(done[written]);
      done.erase(written);
      ++written;
      room.notify_all();
    }
    if (status.ok()) status = file.Append(text);
    if (!status.ok()) {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
      room.notify_all();
      break;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - last > std::chrono::milliseconds(500) &&
        (tty || now - start > std::chrono::seconds(2))) {
      last = now;
      err << absl::StrFormat("\rsweep: %d / %d configurations (%.0f%%)",
                             written, s.configs,
                             100.0 * static_cast<double>(written) /
                                 static_cast<double>(s.configs))
          << std::flush;
    }
  }
  for (auto& t : pool) t.join();
  if (last != start) err << "\n";
  return status;
}

absl::Status Run(const ParsedArgs& args, std::ostream& out) {
  auto path = args.Get("output");
  if (!path) {
    return InvalidArgumentError(
        "sweep writes to a file: -o out.csv or -o "
        "out.jsonl");
  }
  Sweep s;
  s.source = args.positional[0];
  s.preset = absl::StartsWith(s.source, "preset:");
  const std::string format = args.Get("format").value_or(
      absl::EndsWith(*path, ".jsonl") ? "jsonl" : "csv");
  if (auto f = OneOf("format", format, {"csv", "jsonl"}); !f.ok()) {
    return f.status();
  }
  s.jsonl = format == "jsonl";
  auto dims = ParseDims(args.GetAll("dim"));
  if (!dims.ok()) return dims.status();
  s.dims = *dims;
  if (auto b = args.Get("batch")) {
    if (!absl::SimpleAtoi(*b, &s.base_batch) || s.base_batch <= 0) {
      return InvalidArgumentError(StrCat("--batch ", *b, ": expected >= 1"));
    }
    if (s.dims.count("batch")) {
      return InvalidArgumentError(
          "--batch and --dim batch=... are both given; use --batch");
    }
    s.bind_batch = true;
  } else if (auto it = s.dims.find("batch"); it != s.dims.end()) {
    s.base_batch = it->second;
    s.dims.erase(it);
    s.bind_batch = true;
  }
  s.base_precision = args.Get("precision").value_or("");
  for (const std::string& v : args.GetAll("vary")) {
    auto axis = ParseVary(v);
    if (!axis.ok()) return axis.status();
    if (!ScenarioKey(axis->key) && !s.preset) {
      return InvalidArgumentError(
          StrCat("--vary ", axis->key,
                 ": only presets take model keys; scenario "
                 "keys are batch, precision, spike_rate, "
                 "timesteps, coding, input_rate"));
    }
    for (const auto& a : s.axes) {
      if (a.key == axis->key) {
        return InvalidArgumentError(
            StrCat("--vary ", axis->key, " is given twice"));
      }
    }
    if (axis->key == "batch") {
      if (args.Has("batch") ||
          args.GetAll("dim").end() !=
              std::find_if(args.GetAll("dim").begin(), args.GetAll("dim").end(),
                           [](const std::string& d) {
                             return d.rfind("batch=", 0) == 0;
                           })) {
        return InvalidArgumentError(
            "--vary batch and a fixed batch (--batch or --dim batch) are "
            "both given");
      }
      s.bind_batch = true;
    }
    if (args.Has("activity") &&
        (axis->key == "coding" || axis->key == "spike_rate" ||
         axis->key == "input_rate")) {
      return InvalidArgumentError(
          StrCat("--vary ", axis->key,
                 " and --activity are both given; measured "
                 "counts replace the rate settings"));
    }
    s.configs *= static_cast<int64_t>(axis->values.size());
    if (s.configs > 100'000'000) {
      return InvalidArgumentError(
          "the sweep has more than 100 million configurations");
    }
    s.axes.push_back(*std::move(axis));
  }
  if (s.axes.empty()) {
    return InvalidArgumentError("give at least one --vary KEY=V1,V2,...");
  }
  auto profiles = LoadProfiles(args.GetAll("hw"));
  if (!profiles.ok()) return profiles.status();
  if (profiles->empty()) {
    return InvalidArgumentError("--hw is required (see neurowatt profiles)");
  }
  s.profiles = *std::move(profiles);
  auto varied = [&](const std::string& key) {
    return std::any_of(s.axes.begin(), s.axes.end(),
                       [&](const VaryAxis& a) { return a.key == key; });
  };
  s.spiking =
      std::any_of(s.profiles.begin(), s.profiles.end(),
                  [](const PricedProfile& p) { return p.neuromorphic; });
  if (s.spiking && !args.Has("activity") &&
      ((!args.Has("spike-rate") && !varied("spike_rate")) ||
       (!args.Has("timesteps") && !varied("timesteps")))) {
    return InvalidArgumentError(
        "neuromorphic profiles need spike activity: --spike-rate R and "
        "--timesteps T, or --vary spike_rate=... / timesteps=..., or "
        "--activity FILE");
  }
  auto spikes = ParseSpikeFlags(args, false);
  if (!spikes.ok()) return spikes.status();
  s.base_spikes = *spikes;
  int threads = static_cast<int>(std::thread::hardware_concurrency());
  if (auto t = args.Get("threads")) {
    if (!absl::SimpleAtoi(*t, &threads) || threads < 1 || threads > 1024) {
      return InvalidArgumentError(
          StrCat("--threads ", *t, ": expected 1-1024"));
    }
  }
  threads = std::max(1, threads);
  // The first configuration is evaluated up front: a mistake common to
  // every row (a bad key or value, missing spike flags) is an error, not a
  // file of error rows.
  {
    ModelCache cache;
    for (const Row& r : Evaluate(s, ConfigValues(s, 0), cache)) {
      if (!r.error.empty() && r.error.find("x over") == std::string::npos) {
        return InvalidArgumentError(StrCat(
            "the first configuration (",
            absl::StrJoin(ConfigValues(s, 0), ", "), ") fails: ", r.error));
      }
    }
  }
  AtomicFileWriter file;
  if (auto st = file.Open(*path); !st.ok()) return st;
  if (!s.jsonl) {
    if (auto st = file.Append(Header(s)); !st.ok()) return st;
  }
  if (auto st = RunWorkers(s, threads, file, std::cerr); !st.ok()) return st;
  if (auto st = file.Commit(); !st.ok()) return st;
  out << absl::StrFormat(
      "sweep: %d rows (%d configurations x %d profiles) "
      "-> %s\n",
      s.configs * static_cast<int64_t>(s.profiles.size()), s.configs,
      s.profiles.size(), *path);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<VaryAxis> ParseVary(const std::string& text) {
  std::vector<std::string> kv = absl::StrSplit(text, absl::MaxSplits('=', 1));
  if (kv.size() != 2 || kv[0].empty() || kv[1].empty()) {
    return InvalidArgumentError(StrCat(
        "--vary ", text, ": expected KEY=V1,V2,... or KEY=START:STOP:COUNT"));
  }
  VaryAxis axis;
  axis.key = kv[0];
  std::vector<std::string> range = absl::StrSplit(kv[1], ':');
  if (range.size() == 3) {
    double a, b;
    int64_t n;
    if (!absl::SimpleAtod(range[0], &a) || !absl::SimpleAtod(range[1], &b) ||
        !absl::SimpleAtoi(range[2], &n) || n < 1 || n > 10'000'000 ||
        !std::isfinite(a) || !std::isfinite(b)) {
      return InvalidArgumentError(
          StrCat("--vary ", text,
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
    return InvalidArgumentError(
        StrCat("--vary ", text, ": a range is START:STOP:COUNT"));
  }
  for (const std::string& v : axis.values) {
    if (v.empty()) {
      return InvalidArgumentError(StrCat("--vary ", text, ": empty value"));
    }
    if (axis.key == "coding" && v != "rate" && v != "ttfs") {
      return InvalidArgumentError(
          StrCat("--vary coding=", v, ": expected rate or ttfs"));
    }
    if (axis.key == "precision" && !ParsePrecision(v).ok()) {
      return InvalidArgumentError(StrCat(
          "--vary precision=", v, ": expected fp32, fp16, bf16 or int8"));
    }
    double d;
    if ((axis.key == "spike_rate" || axis.key == "input_rate") &&
        (!absl::SimpleAtod(v, &d) || d < 0 || d > 1)) {
      return InvalidArgumentError(
          StrCat("--vary ", axis.key, "=", v, ": expected 0 to 1"));
    }
    int64_t i;
    if ((axis.key == "batch" || axis.key == "timesteps") &&
        (!absl::SimpleAtoi(v, &i) || i < 1)) {
      return InvalidArgumentError(StrCat("--vary ", axis.key, "=", v,
                                         ": expected a whole number >= 1"));
    }
  }
  return axis;
}

const CommandSpec& SweepSpec() {
  static const auto* spec = [] {
    std::vector<FlagSpec> flags;
    for (FlagSpec f : PricingFlags()) {
      if (f.name == "per-layer" || f.name == "format") continue;
      if (f.name == "output") f.help = "the output file (.csv or .jsonl)";
      flags.push_back(f);
    }
    flags.push_back({"vary", '\0', "KEY=VALUES",
                     "KEY=V1,V2,... or KEY=START:STOP:COUNT (repeatable)",
                     true});
    flags.push_back({"format", '\0', "FORMAT",
                     "csv or jsonl (default: from the file name)"});
    flags.push_back({"threads", '\0', "N",
                     "worker threads (default: all "
                     "cores)"});
    return new CommandSpec{
        "sweep",
        "SOURCE --hw P [--hw ...] --vary KEY=V1,V2 [--vary "
        "KEY=START:STOP:COUNT ...] -o out.csv|out.jsonl",
        "Prices every combination of the varied parameters on every profile.\n"
        "One row per (configuration, hardware): the values, energy per\n"
        "inference and its parts, latency and what bounds it.",
        "Keys: batch, precision, spike_rate, timesteps, coding, input_rate,\n"
        "and for presets their own keys (d_model, layers, sizes, hidden...).\n"
        "The last --vary changes fastest; rows are in that order whatever the\n"
        "number of threads. Rows stream to a temporary file that replaces the\n"
        "output only when the sweep is complete. A configuration that cannot\n"
        "be priced (a network too large for a chip) gets an error column;\n"
        "progress goes to stderr on long sweeps.\n",
        flags,
        1,
        1};
  }();
  return *spec;
}

int RunSweep(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err) {
  return RunCommand(SweepSpec(), args, out, err, Run);
}

}  // namespace neurowatt::cli
