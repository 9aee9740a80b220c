#include "util/error.h"

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace neurowatt {
namespace {

constexpr absl::string_view kDetailUrl = "type.neurowatt/ErrorDetail";

}  // namespace

absl::Status WithDetail(absl::Status status, ErrorSubject subject,
                        absl::string_view name) {
  if (status.ok()) return status;
  status.SetPayload(kDetailUrl, absl::Cord(absl::StrCat(
                                    static_cast<int>(subject), ":", name)));
  return status;
}

std::optional<ErrorDetail> DetailOf(const absl::Status& status) {
  const auto payload = status.GetPayload(kDetailUrl);  // absl::optional
  if (!payload) return std::nullopt;
  const std::string text(*payload);
  const size_t colon = text.find(':');
  int subject = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(absl::string_view(text).substr(0, colon), &subject)) {
    return std::nullopt;
  }
  return ErrorDetail{static_cast<ErrorSubject>(subject),
                     text.substr(colon + 1)};
}

absl::Status Prefixed(absl::string_view prefix, const absl::Status& status) {
  if (status.ok()) return status;
  absl::Status out(status.code(), absl::StrCat(prefix, ": ", status.message()));
  status.ForEachPayload(
      [&out](absl::string_view url, const absl::Cord& payload) {
        out.SetPayload(url, payload);
      });
  return out;
}

}  // namespace neurowatt
