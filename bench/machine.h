// What `neurowatt calibrate` learns about the machine it runs on: the CPU,
// its caches and memory from /proc and sysfs, and the RAPL package energy
// counter where the kernel lets a user read it.
#ifndef NEUROWATT_BENCH_MACHINE_H_
#define NEUROWATT_BENCH_MACHINE_H_

#include <optional>
#include <string>

#include "bench/calibration.h"

namespace neurowatt::bench {

// The RAPL package counter (/sys/class/powercap/intel-rapl:0), if this
// machine lets us read it.
class Rapl {
 public:
  Rapl();

  // Joules since an arbitrary origin; nullopt when unreadable.
  std::optional<double> Joules() const;
  // Energy between two readings, allowing for one wrap of the counter.
  double Delta(double before, double after) const;
  // Why energy is (not) measured, for the profile's notes.
  const std::string& note() const { return note_; }

 private:
  std::string path_;
  double max_uj_ = 0;
  std::string note_;
};

// This machine measured with `threads` threads: CPU model, clock, ISA
// extensions the kernels use, cores, caches (instances among the threads
// used), memory, host name and the date (ISO 8601, UTC).
MachineInfo ProbeMachine(int threads, const Rapl& rapl);

}  // namespace neurowatt::bench

#endif  // NEUROWATT_BENCH_MACHINE_H_
