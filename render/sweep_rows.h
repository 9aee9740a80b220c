// The rows of a sweep as `neurowatt sweep` writes them: CSV with a header
// (the axes, hardware, kind, energy per inference, its parts, latency,
// bound, error) or JSON Lines (one object a row, numbers as numbers).
#ifndef NEUROWATT_RENDER_SWEEP_ROWS_H_
#define NEUROWATT_RENDER_SWEEP_ROWS_H_

#include <string>
#include <vector>

#include "explore/sweep.h"
#include "util/atomic_file.h"

namespace neurowatt {

// The CSV header for `axes`.
std::string SweepCsvHeader(const std::vector<SweepAxis>& axes);

// The rows of one configuration (`values` of `axes`), as CSV or JSON Lines.
std::string FormatSweepRows(const std::vector<SweepAxis>& axes,
                            const std::vector<std::string>& values,
                            const std::vector<SweepRow>& rows, bool jsonl);

// Appends every configuration's rows to `file` (which the caller opens and,
// when RunSweep succeeds, commits); the CSV header first.
class SweepFileSink : public RowSink {
 public:
  SweepFileSink(const std::vector<SweepAxis>& axes, bool jsonl,
                AtomicFileWriter& file)
      : axes_(axes), jsonl_(jsonl), file_(file) {}

  absl::Status Write(const std::vector<std::string>& values,
                     const std::vector<SweepRow>& rows) override;

 private:
  const std::vector<SweepAxis>& axes_;
  const bool jsonl_;
  AtomicFileWriter& file_;
  bool started_ = false;
};

}  // namespace neurowatt

#endif  // NEUROWATT_RENDER_SWEEP_ROWS_H_
