// Probing the machine calibrate runs on (bench/machine.h): what /proc and
// sysfs say here.
#include "bench/machine.h"

#include <unistd.h>

#include "gtest/gtest.h"

namespace neurowatt::bench {
namespace {

TEST(MachineTest, ThisMachine) {
  const Rapl rapl;
  const MachineInfo m = ProbeMachine(1, rapl);
  EXPECT_EQ(m.cores, static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN)));
  EXPECT_EQ(m.threads_used, 1);
  EXPECT_FALSE(m.cpu_model.empty());
  EXPECT_FALSE(m.host.empty());
  EXPECT_EQ(m.date.size(), 20u);  // 2026-12-01T07:44:15Z
  EXPECT_GT(m.memory_bytes, int64_t{1} << 28);
  // Data caches only, each level at least once, sizes growing.
  int64_t last = 0;
  for (const CacheInfo& c : m.caches) {
    EXPECT_GE(c.level, 1);
    EXPECT_GE(c.bytes, last);
    EXPECT_GE(c.instances, 1);
    last = c.bytes;
  }
  // Readable RAPL or not, the profile says why.
  EXPECT_FALSE(m.energy_note.empty());
  EXPECT_EQ(rapl.Joules().has_value(), rapl.note().rfind("package", 0) == 0);
}

TEST(MachineTest, RaplWrapsOnce) {
  const Rapl rapl;
  EXPECT_EQ(rapl.Delta(1.0, 3.0), 2.0);
  // A counter that wrapped: after < before.
  EXPECT_GE(rapl.Delta(3.0, 1.0), -2.0);
}

}  // namespace
}  // namespace neurowatt::bench
