#include "model/activity_file.h"

#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "model/architecture_io.h"
#include "nlohmann/json.hpp"

namespace neurowatt {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

absl::Status AddCount(const std::string& where, const std::string& layer,
                      double spikes, v1::SpikeActivity& out) {
  if (layer.empty())
    return InvalidArgumentError(StrCat(where, ": empty layer name"));
  if (!std::isfinite(spikes) || spikes < 0) {
    return InvalidArgumentError(StrCat(where, ": layer '", layer, "' has ",
                                       spikes, " spikes; counts are >= 0"));
  }
  if (!out.mutable_layer_spikes()->insert({layer, spikes}).second) {
    return InvalidArgumentError(
        StrCat(where, ": layer '", layer, "' is given twice"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::SpikeActivity> FromJson(const std::string& path,
                                           const std::string& text) {
  v1::SpikeActivity out;
  out.set_coding(v1::SpikeActivity::MEASURED);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return InvalidArgumentError(StrCat(path, ": not a JSON object"));
  }
  if (j.contains("timesteps")) {
    if (!j["timesteps"].is_number_integer() ||
        j["timesteps"].get<int64_t>() <= 0) {
      return InvalidArgumentError(
          StrCat(path, ": \"timesteps\" must be a whole number >= 1"));
    }
    out.set_timesteps(j["timesteps"].get<int64_t>());
  }
  if (!j.contains("spikes") || !j["spikes"].is_object()) {
    return InvalidArgumentError(
        StrCat(path, ": needs \"spikes\": {\"layer\": count, ...}"));
  }
  for (const auto& [layer, v] : j["spikes"].items()) {
    if (!v.is_number()) {
      return InvalidArgumentError(
          StrCat(path, ": spikes of '", layer, "' is not a number"));
    }
    if (auto s = AddCount(path, layer, v.get<double>(), out); !s.ok()) {
      return s;
    }
  }
  return out;
}

absl::StatusOr<v1::SpikeActivity> FromCsv(const std::string& path,
                                          const std::string& text) {
  v1::SpikeActivity out;
  out.set_coding(v1::SpikeActivity::MEASURED);
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  bool header = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line(absl::StripAsciiWhitespace(lines[i]));
    if (line.empty()) continue;
    const std::string where = StrCat(path, ":", i + 1);
    if (!header) {
      if (absl::AsciiStrToLower(line) != "layer,spikes") {
        return InvalidArgumentError(
            StrCat(where, ": expected the header \"layer,spikes\""));
      }
      header = true;
      continue;
    }
    std::vector<std::string> cells = absl::StrSplit(line, ',');
    double spikes;
    if (cells.size() != 2 || !absl::SimpleAtod(cells[1], &spikes)) {
      return InvalidArgumentError(
          StrCat(where, ": expected \"layer,count\", got \"", line, "\""));
    }
    if (auto s =
            AddCount(where, std::string(absl::StripAsciiWhitespace(cells[0])),
                     spikes, out);
        !s.ok()) {
      return s;
    }
  }
  if (!header) return InvalidArgumentError(StrCat(path, ": the file is empty"));
  return out;
}

}  // namespace

absl::StatusOr<v1::SpikeActivity> ReadActivityFile(const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  return ParseActivity(*text, path);
}

absl::StatusOr<v1::SpikeActivity> ParseActivity(const std::string& text,
                                                const std::string& path) {
  if (absl::EndsWith(path, ".json")) return FromJson(path, text);
  if (absl::EndsWith(path, ".csv")) return FromCsv(path, text);
  return InvalidArgumentError(
      StrCat(path, ": activity files are .json or .csv"));
}

absl::StatusOr<v1::SpikeActivity> SpikeActivityFrom(
    const SpikeSettings& in, bool needed, const SpikeSettingNames& names) {
  // `what` names the setting and its value: "--spike-rate 2".
  auto rate = [](const std::string& what, double v) -> absl::Status {
    if (v >= 0 && v <= 1) return absl::OkStatus();
    return InvalidArgumentError(
        StrCat(what, ": expected a number from 0 to 1"));
  };
  v1::SpikeActivity s;
  if (in.activity_file) {
    // Measured counts replace the rates: giving both is a mistake, found
    // before the file is read.
    const std::pair<bool, const std::string*> rates[] = {
        {in.coding.has_value(), &names.coding},
        {in.spike_rate.has_value(), &names.spike_rate},
        {in.input_rate.has_value(), &names.input_rate},
        {!in.layer_rates.empty(), &names.layer_rates}};
    for (const auto& [given, name] : rates) {
      if (given) {
        return InvalidArgumentError(StrCat(names.activity_file, " and ", *name,
                                           " are both given; measured counts "
                                           "replace the rate settings"));
      }
    }
    auto measured = ReadActivityFile(*in.activity_file);
    if (!measured.ok()) return measured.status();
    s = *std::move(measured);
  } else {
    const std::string coding = in.coding.value_or("rate");
    if (coding != "rate" && coding != "ttfs") {
      return InvalidArgumentError(
          StrCat(names.coding, " ", coding, ": expected one of rate, ttfs"));
    }
    s.set_coding(coding == "ttfs" ? v1::SpikeActivity::TTFS
                                  : v1::SpikeActivity::RATE);
    if (in.spike_rate) {
      if (auto st = rate(StrCat(names.spike_rate, " ", *in.spike_rate),
                         *in.spike_rate);
          !st.ok()) {
        return st;
      }
      s.set_spike_rate(*in.spike_rate);
    } else if (needed) {
      return InvalidArgumentError(StrCat(
          "neuromorphic profiles need spike activity: ", names.spike_rate,
          " R (with ", names.timesteps, " T), or ", names.activity_file,
          " FILE"));
    }
    if (in.input_rate) {
      if (auto st = rate(StrCat(names.input_rate, " ", *in.input_rate),
                         *in.input_rate);
          !st.ok()) {
        return st;
      }
      s.set_input_spike_rate(*in.input_rate);
    }
    for (const auto& [layer, r] : in.layer_rates) {
      if (auto st = rate(StrCat(names.layer_rates, " ", layer, "=", r), r);
          !st.ok()) {
        return st;
      }
      (*s.mutable_layer_rates())[layer] = r;
    }
  }
  if (in.timesteps) {
    const int64_t steps = *in.timesteps;
    if (steps <= 0 || steps > (int64_t{1} << 30)) {
      return InvalidArgumentError(
          StrCat(names.timesteps, " ", steps,
                 ": expected a whole number from 1 to 2^30"));
    }
    if (s.timesteps() != 0 && s.timesteps() != steps) {
      return InvalidArgumentError(StrCat(names.timesteps, " ", steps,
                                         " disagrees with the activity "
                                         "file's ",
                                         s.timesteps()));
    }
    s.set_timesteps(steps);
  } else if (needed && s.timesteps() == 0) {
    return InvalidArgumentError(StrCat("neuromorphic profiles need ",
                                       names.timesteps,
                                       " T (steps per inference)"));
  }
  return s;
}

}  // namespace neurowatt
