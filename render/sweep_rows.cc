#include "render/sweep_rows.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "render/format.h"

namespace neurowatt {
namespace {

bool Numeric(const std::string& key) {
  return key != "coding" && key != "precision";
}

bool Integer(const std::string& key) {
  return Numeric(key) && key != "spike_rate" && key != "input_rate";
}

}  // namespace

std::string SweepCsvHeader(const std::vector<SweepAxis>& axes) {
  std::vector<std::string> cols;
  for (const auto& a : axes) cols.push_back(CsvField(a.key));
  cols.insert(cols.end(), {"hardware", "kind", "energy_per_inference_joules"});
  for (const char* p : kSweepParts) cols.push_back(p);
  cols.insert(cols.end(),
              {"latency_seconds", "bound", "chips", "tokens_per_second",
               "energy_per_token_joules", "error"});
  return absl::StrJoin(cols, ",") + "\n";
}

std::string FormatSweepRows(const std::vector<SweepAxis>& axes,
                            const std::vector<std::string>& vals,
                            const std::vector<SweepRow>& rows, bool jsonl) {
  std::string out;
  for (const SweepRow& r : rows) {
    if (jsonl) {
      nlohmann::ordered_json j;
      for (size_t a = 0; a < axes.size(); ++a) {
        int64_t i;
        double d;
        if (Integer(axes[a].key) && absl::SimpleAtoi(vals[a], &i)) {
          j[axes[a].key] = i;
        } else if (Numeric(axes[a].key) && absl::SimpleAtod(vals[a], &d)) {
          j[axes[a].key] = d;
        } else {
          j[axes[a].key] = vals[a];
        }
      }
      j["hardware"] = r.hardware;
      j["kind"] = r.kind;
      if (r.error.empty()) {
        j["energy_per_inference_joules"] = r.energy_per_inference_j;
        for (int i = 0; i < kSweepPartCount; ++i)
          j[kSweepParts[i]] = r.parts[i];
        j["latency_seconds"] = r.latency_s;
        j["bound"] = r.bound;
        j["chips"] = r.chips;
        if (r.tokens_per_second > 0 || r.energy_per_token_j > 0) {
          j["tokens_per_second"] = r.tokens_per_second;
          j["energy_per_token_joules"] = r.energy_per_token_j;
        }
      } else {
        j["error"] = r.error;
      }
      // Values from the command line may hold invalid UTF-8: replace, never
      // throw.
      out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
             "\n";
      continue;
    }
    std::vector<std::string> cells;
    for (const auto& v : vals) cells.push_back(CsvField(v));
    cells.push_back(CsvField(r.hardware));
    cells.push_back(r.kind);
    if (r.error.empty()) {
      cells.push_back(absl::StrFormat("%.6g", r.energy_per_inference_j));
      for (double p : r.parts) cells.push_back(absl::StrFormat("%.6g", p));
      cells.push_back(absl::StrFormat("%.6g", r.latency_s));
      cells.push_back(CsvField(r.bound));
      cells.push_back(absl::StrCat(r.chips));
      const bool tokens = r.tokens_per_second > 0 || r.energy_per_token_j > 0;
      cells.push_back(tokens ? absl::StrFormat("%.6g", r.tokens_per_second)
                             : "");
      cells.push_back(tokens ? absl::StrFormat("%.6g", r.energy_per_token_j)
                             : "");
      cells.push_back("");
    } else {
      for (int i = 0; i < kSweepPartCount + 6; ++i) cells.push_back("");
      cells.push_back(CsvField(r.error));
    }
    out += absl::StrJoin(cells, ",") + "\n";
  }
  return out;
}

absl::Status SweepFileSink::Write(const std::vector<std::string>& values,
                                  const std::vector<SweepRow>& rows) {
  if (!started_ && !jsonl_) {
    if (auto s = file_.Append(SweepCsvHeader(axes_)); !s.ok()) return s;
  }
  started_ = true;
  return file_.Append(FormatSweepRows(axes_, values, rows, jsonl_));
}

}  // namespace neurowatt
