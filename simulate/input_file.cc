#include "simulate/input_file.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace neurowatt {
namespace {

absl::Status Bad(const std::string& path, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

absl::StatusOr<std::vector<std::vector<float>>> ParseCsv(
    const std::string& text, const std::string& path) {
  std::vector<std::vector<float>> rows;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    absl::string_view l = absl::StripAsciiWhitespace(line);
    if (l.empty()) continue;
    std::vector<float> row;
    bool numeric = true;
    for (absl::string_view cell : absl::StrSplit(l, ',')) {
      double v;
      if (!absl::SimpleAtod(absl::StripAsciiWhitespace(cell), &v)) {
        numeric = false;
        break;
      }
      if (!std::isfinite(v)) {
        return Bad(path, absl::StrCat("line ", number, ": \"", cell,
                                      "\" is not a finite number"));
      }
      row.push_back(static_cast<float>(v));
    }
    if (!numeric) {
      if (rows.empty() && number == 1) continue;  // a header
      return Bad(path, absl::StrCat("line ", number, ": \"", l,
                                    "\" holds a value that is not a number"));
    }
    if (!rows.empty() && row.size() != rows[0].size()) {
      return Bad(path, absl::StrCat("line ", number, " has ", row.size(),
                                    " values, the first row ", rows[0].size()));
    }
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return Bad(path, "no rows of numbers");
  return rows;
}

template <typename T>
float Read(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return static_cast<float>(v);
}

absl::StatusOr<std::vector<std::vector<float>>> ParseNpy(
    const std::string& bytes, const std::string& path) {
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) {
    return Bad(path, "not a .npy file");
  }
  const int major = static_cast<unsigned char>(bytes[6]);
  size_t header_len = 0, start = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) |
                 static_cast<size_t>(static_cast<unsigned char>(bytes[9])) << 8;
    start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) return Bad(path, "truncated .npy header");
    for (int i = 0; i < 4; ++i) {
      header_len |=
          static_cast<size_t>(static_cast<unsigned char>(bytes[8 + i]))
          << (8 * i);
    }
    start = 12;
  } else {
    return Bad(path, absl::StrCat(".npy version ", major, " is not supported"));
  }
  if (start + header_len > bytes.size())
    return Bad(path, "truncated .npy header");
  const std::string header = bytes.substr(start, header_len);
  auto field = [&](const std::string& key) -> std::string {
    size_t k = header.find("'" + key + "'");
    if (k == std::string::npos) return "";
    size_t colon = header.find(':', k);
    size_t end = key == "shape" ? header.find(')', colon) + 1
                                : header.find_first_of(",}", colon);
    return std::string(
        absl::StripAsciiWhitespace(header.substr(colon + 1, end - colon - 1)));
  };
  std::string descr = field("descr");
  descr.erase(std::remove(descr.begin(), descr.end(), '\''), descr.end());
  if (field("fortran_order") != "False") {
    return Bad(path,
               ".npy in Fortran order is not supported; save it in C order");
  }
  std::string shape = field("shape");
  shape.erase(
      std::remove_if(shape.begin(), shape.end(),
                     [](char c) { return c == '(' || c == ')' || c == ' '; }),
      shape.end());
  std::vector<int64_t> dims;
  for (absl::string_view d : absl::StrSplit(shape, ',', absl::SkipEmpty())) {
    int64_t v;
    if (!absl::SimpleAtoi(d, &v) || v < 0 || v > (int64_t{1} << 32)) {
      return Bad(path, "bad .npy shape (" + shape + ")");
    }
    dims.push_back(v);
  }
  if (dims.empty() || dims.size() > 2) {
    return Bad(path, "a .npy input must be 1-D or 2-D, not (" + shape + ")");
  }
  const int64_t rows = dims[0], cols = dims.size() == 2 ? dims[1] : 1;
  size_t width = 0;
  float (*decode)(const char*) = nullptr;
  if (descr == "<f4") {
    width = 4;
    decode = Read<float>;
  } else if (descr == "<f8") {
    width = 8;
    decode = Read<double>;
  } else if (descr == "|i1") {
    width = 1;
    decode = Read<int8_t>;
  } else if (descr == "<i2") {
    width = 2;
    decode = Read<int16_t>;
  } else if (descr == "<i4") {
    width = 4;
    decode = Read<int32_t>;
  } else if (descr == "<i8") {
    width = 8;
    decode = Read<int64_t>;
  } else if (descr == "|u1" || descr == "|b1") {
    width = 1;
    decode = Read<uint8_t>;
  } else {
    return Bad(path, ".npy type " + descr +
                         " is not supported (float32, "
                         "float64, int8-64, uint8 or bool)");
  }
  const size_t data = start + header_len;
  const double need = static_cast<double>(rows) * static_cast<double>(cols) *
                      static_cast<double>(width);
  if (need > static_cast<double>(bytes.size() - data)) {
    return Bad(path, "the .npy data is shorter than its shape says");
  }
  if (rows == 0 || cols == 0) return Bad(path, "the .npy array is empty");
  std::vector<std::vector<float>> out(
      static_cast<size_t>(rows), std::vector<float>(static_cast<size_t>(cols)));
  const char* p = bytes.data() + data;
  for (auto& row : out) {
    for (float& v : row) {
      v = decode(p);
      if (!std::isfinite(v))
        return Bad(path, "the .npy array holds a non-finite value");
      p += width;
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<std::vector<float>>> ReadMatrix(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  if (absl::EndsWithIgnoreCase(path, ".npy")) return ParseNpy(bytes, path);
  return ParseCsv(bytes, path);
}

absl::StatusOr<std::vector<int64_t>> ReadLabels(const std::string& path,
                                                int64_t rows, int64_t classes) {
  auto m = ReadMatrix(path);
  if (!m.ok()) return m.status();
  if (static_cast<int64_t>(m->size()) != rows || (*m)[0].size() != 1) {
    return Bad(path, absl::StrCat(m->size(), " rows of ", (*m)[0].size(),
                                  " value(s); one label per sample (", rows,
                                  ") is needed"));
  }
  std::vector<int64_t> labels;
  for (const auto& r : *m) {
    if (r[0] != std::floor(r[0]) || r[0] < 0 ||
        r[0] >= static_cast<float>(classes)) {
      return Bad(path, absl::StrCat("label ", r[0],
                                    " is not a class from 0 to ", classes - 1));
    }
    labels.push_back(static_cast<int64_t>(r[0]));
  }
  return labels;
}

}  // namespace neurowatt
