// Number formatting and plain-text tables for people; JSON and CSV carry the
// exact values instead.
#ifndef NEUROWATT_RENDER_FORMAT_H_
#define NEUROWATT_RENDER_FORMAT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "model/layer_folding.h"
#include "nlohmann/json.hpp"

namespace neurowatt {

// 173946175488 -> "173,946,175,488".
std::string WithSeparators(int64_t v);

// Short form for tables: exact with separators below 100,000, otherwise four
// significant figures with K, M, B or T: 150994944 -> "151.0M".
std::string Scaled(int64_t v);

// The same for a count held as a double (a rate x time, say): values past
// 64 bits or not finite are printed as such, never cast.
std::string ScaledReal(double v);

// Bytes with binary prefixes: 1536 -> "1.5 KiB".
std::string Bytes(int64_t v);
std::string BytesReal(double v);

// A physical quantity with an SI prefix and four significant figures:
// Si(0.01098, "J") -> "10.98 mJ", Si(7.7e-5, "J") -> "77.00 uJ".
std::string Si(double v, const char* unit);

// A ratio with `digits` decimals and separators: 14745.6 -> "14,745.6".
std::string Decimal(double v, int digits);

// Quotes a CSV field when it holds a comma, quote or line break (RFC 4180).
std::string CsvField(const std::string& s);

// Columns are left-aligned text or right-aligned numbers.
class Table {
 public:
  // `numeric[i]` right-aligns column i.
  Table(std::vector<std::string> headers, std::vector<bool> numeric);
  void AddRow(std::vector<std::string> cells);
  // A row of dashes under the headers and before each separator.
  void AddSeparator();
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<bool> numeric_;
  std::vector<std::vector<std::string>> rows_;  // empty row = separator
};

// `j` as the commands print it: indented by two, a line break at the end.
// Names from users' files may hold invalid UTF-8: it is replaced, never
// thrown.
std::string JsonText(const nlohmann::ordered_json& j);

// The footnotes of a table of `rows` (FoldLayers): what the folding means,
// and how many layout-only nodes were left out.
std::string FoldingNotes(const std::vector<LayerRow>& rows,
                         int64_t layout_only);

}  // namespace neurowatt

#endif  // NEUROWATT_RENDER_FORMAT_H_
