#include "render/format.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace neurowatt {
namespace {

// Inserts separators into the integer part of a plain decimal string.
std::string GroupDigits(const std::string& digits) {
  size_t start = digits[0] == '-' ? 1 : 0;
  size_t end = digits.find('.');
  if (end == std::string::npos) end = digits.size();
  std::string out = digits.substr(0, start);
  for (size_t i = start; i < end; ++i) {
    if (i > start && (end - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out + digits.substr(end);
}

}  // namespace

std::string WithSeparators(int64_t v) { return GroupDigits(absl::StrCat(v)); }

std::string Scaled(int64_t v) {
  const double a = std::fabs(static_cast<double>(v));
  if (a < 1e5) return WithSeparators(v);
  static constexpr struct {
    double scale;
    const char* suffix;
  } kUnits[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}};
  for (const auto& u : kUnits) {
    if (a >= u.scale) {
      const double x = static_cast<double>(v) / u.scale;
      const int decimals = std::fabs(x) >= 100 ? 1 : std::fabs(x) >= 10 ? 2 : 3;
      return GroupDigits(absl::StrFormat("%.*f", decimals, x)) + u.suffix;
    }
  }
  return WithSeparators(v);
}

std::string ScaledReal(double v) {
  if (!std::isfinite(v)) return absl::StrCat(v);
  if (std::fabs(v) >= 9e18) return absl::StrFormat("%.4g", v);
  return Scaled(static_cast<int64_t>(std::llround(v)));
}

std::string BytesReal(double v) {
  if (!std::isfinite(v)) return absl::StrCat(v, " B");
  if (std::fabs(v) >= 9e18) return absl::StrFormat("%.4g B", v);
  return Bytes(static_cast<int64_t>(std::llround(v)));
}

std::string Bytes(int64_t v) {
  static constexpr const char* kUnits[] = {"B",   "KiB", "MiB", "GiB",
                                           "TiB", "PiB", "EiB"};
  double x = static_cast<double>(v);
  int u = 0;
  while (std::fabs(x) >= 1024 && u < 6) {
    x /= 1024;
    ++u;
  }
  if (u == 0) return absl::StrCat(v, " B");
  return absl::StrFormat("%.1f %s", x, kUnits[u]);
}

std::string Si(double v, const char* unit) {
  if (v == 0) return absl::StrCat("0 ", unit);
  if (!std::isfinite(v)) return absl::StrCat(v, " ", unit);
  static constexpr struct {
    double scale;
    const char* prefix;
  } kPrefixes[] = {{1e12, "T"},  {1e9, "G"},   {1e6, "M"},  {1e3, "k"},
                   {1, ""},      {1e-3, "m"},  {1e-6, "u"}, {1e-9, "n"},
                   {1e-12, "p"}, {1e-15, "f"}, {1e-18, "a"}};
  const double a = std::fabs(v);
  for (const auto& p : kPrefixes) {
    if (a >= p.scale * 0.99995 || p.scale == 1e-18) {
      const double x = v / p.scale;
      const double ax = std::fabs(x);
      const int decimals = ax >= 999.95   ? 0
                           : ax >= 99.995 ? 1
                           : ax >= 9.9995 ? 2
                                          : 3;
      return absl::StrFormat("%.*f %s%s", decimals, x, p.prefix, unit);
    }
  }
  return absl::StrCat(v, " ", unit);
}

std::string Decimal(double v, int digits) {
  return GroupDigits(absl::StrFormat("%.*f", digits, v));
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

Table::Table(std::vector<std::string> headers, std::vector<bool> numeric)
    : headers_(std::move(headers)), numeric_(std::move(numeric)) {
  numeric_.resize(headers_.size(), false);
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

void Table::AddSeparator() { rows_.emplace_back(); }

std::string Table::Render() const {
  std::vector<size_t> width(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) width[c] = headers_[c].size();
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) {
      width[c] = std::max(width[c], row[c].size());
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(width[c] - cells[c].size(), ' ');
      if (c > 0) out += "  ";
      out += numeric_[c] ? pad + cells[c] : cells[c] + pad;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::vector<std::string> dashes;
  for (size_t w : width) dashes.push_back(std::string(w, '-'));
  std::string out = line(headers_) + line(dashes);
  for (const auto& row : rows_) out += row.empty() ? line(dashes) : line(row);
  return out;
}

std::string JsonText(const nlohmann::ordered_json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string FoldingNotes(const std::vector<LayerRow>& rows,
                         int64_t layout_only) {
  std::string out;
  if (std::any_of(rows.begin(), rows.end(),
                  [](const LayerRow& r) { return r.repeats > 1; })) {
    absl::StrAppend(&out,
                    "(x = how many layers share the row; figures are per "
                    "layer; --per-layer lists each)\n");
  }
  if (layout_only > 0) {
    absl::StrAppend(&out, "(", layout_only, " layout or constant node",
                    layout_only == 1 ? " (reshape, concat...) moves"
                                     : "s (reshape, concat...) move",
                    " no arithmetic and ", layout_only == 1 ? "is" : "are",
                    " not listed)\n");
  }
  return out;
}

}  // namespace neurowatt
