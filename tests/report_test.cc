// `neurowatt report`: a self-contained HTML file, checked as text and as a
// real browser renders it (headless Chromium, where installed).
#include <png.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs a shell command; returns its exit code and stdout.
int Shell(const std::string& cmd, std::string* out) {
  // ctest runs tests as parallel processes: one file per test.
  const std::string file =
      ::testing::TempDir() + "/report_test_out_" +
      ::testing::UnitTest::GetInstance()->current_test_info()->name();
  const int status = std::system((cmd + " >" + file).c_str());
  if (out) *out = Slurp(file);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Chromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return "";
}

// Fraction of pixels that are not (near) white, and whether the chart
// palette's blue (#4e79a7) appears.
bool PngStats(const std::string& path, double* ink, bool* blue) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  png_structp png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    std::fclose(f);
    return false;
  }
  png_init_io(png, f);
  png_read_info(png, info);
  png_set_expand(png);
  png_set_strip_16(png);
  png_set_gray_to_rgb(png);
  png_set_strip_alpha(png);
  png_read_update_info(png, info);
  const png_uint_32 w = png_get_image_width(png, info);
  const png_uint_32 h = png_get_image_height(png, info);
  std::vector<png_byte> row(png_get_rowbytes(png, info));
  size_t dark = 0;
  *blue = false;
  for (png_uint_32 y = 0; y < h; ++y) {
    png_read_row(png, row.data(), nullptr);
    for (png_uint_32 x = 0; x < w; ++x) {
      const int r = row[3 * x], g = row[3 * x + 1], b = row[3 * x + 2];
      if (r < 235 || g < 235 || b < 235) ++dark;
      if (std::abs(r - 0x4e) < 6 && std::abs(g - 0x79) < 6 &&
          std::abs(b - 0xa7) < 6) {
        *blue = true;
      }
    }
  }
  png_destroy_read_struct(&png, &info, nullptr);
  std::fclose(f);
  *ink = static_cast<double>(dark) / (static_cast<double>(w) * h);
  return true;
}

const char* kCharts[] = {"chart-energy", "chart-roofline", "chart-spike-rate",
                         "chart-neurons"};

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    html_ = ::testing::TempDir() + "/report_test_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() +
            ".html";
    std::filesystem::remove(html_);
    ASSERT_EQ(Shell(std::string(NEUROWATT_BIN) +
                        " report preset:mlp:sizes=784-512-512-10 --hw loihi "
                        "--hw horowitz-45nm --timesteps 16 --spike-rate 0.05 "
                        "-o " +
                        html_,
                    &summary_),
              0);
  }
  std::string html_, summary_;
};

TEST_F(ReportTest, IsOneSelfContainedFile) {
  const std::string html = Slurp(html_);
  EXPECT_NE(summary_.find("report: " + html_), std::string::npos) << summary_;
  EXPECT_NE(summary_.find("break-even loihi vs horowitz-45nm"),
            std::string::npos);
  for (const char* fetch : {"<script", "<link", "http://", "https://", "url(",
                            "@import", " src="}) {
    EXPECT_EQ(html.find(fetch), std::string::npos) << fetch;
  }
  for (const char* id : kCharts) {
    EXPECT_NE(html.find(std::string("<svg id=\"") + id + "\""),
              std::string::npos)
        << id;
  }
  // Tables and provenance.
  EXPECT_NE(html.find("Top layers by energy"), std::string::npos);
  EXPECT_NE(html.find("Davies et al."), std::string::npos);
  EXPECT_NE(html.find("neuromorphic.synaptic_op_energy_j"), std::string::npos);
  EXPECT_NE(html.find("memory[3] DRAM.read_energy_j_per_bit"),
            std::string::npos);
  EXPECT_NE(html.find("break-even 0.427"), std::string::npos);
  EXPECT_NE(html.find("human brain ~7,000"), std::string::npos);
}

TEST_F(ReportTest, RendersInAHeadlessBrowser) {
  const std::string chromium = Chromium();
  if (chromium.empty()) {
    if (std::getenv("CI") != nullptr) {
      FAIL() << "Chromium is not installed; scripts/setup.sh installs it";
    }
    GTEST_SKIP() << "Chromium is not installed here (scripts/setup.sh "
                    "installs the chromium package); not rendering";
  }
  const std::string dir = ::testing::TempDir() + "/report_test_chromium";
  std::filesystem::remove_all(dir);
  const std::string flags =
      " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update "
      "--disable-sync --hide-scrollbars --user-data-dir=" +
      dir;
  // A browser that hangs must fail the test, not stall the suite.
  const std::string browser = "timeout 60 " + chromium;
  std::string dom;
  ASSERT_EQ(
      Shell(browser + flags + " --dump-dom file://" + html_ + " 2>/dev/null",
            &dom),
      0);
  for (const char* id : kCharts) {
    EXPECT_NE(dom.find(std::string("id=\"") + id + "\""), std::string::npos)
        << id;
  }
  const std::string png = ::testing::TempDir() + "/report_test.png";
  std::filesystem::remove(png);
  ASSERT_EQ(Shell(browser + flags + " --window-size=1000,3000 --screenshot=" +
                      png + " file://" + html_ + " 2>/dev/null",
                  nullptr),
            0);
  double ink = 0;
  bool blue = false;
  ASSERT_TRUE(PngStats(png, &ink, &blue)) << png;
  EXPECT_GT(ink, 0.02) << "the screenshot is (nearly) blank";
  EXPECT_TRUE(blue) << "no chart bar in the chart palette's blue";
}

TEST(ReportLanguageModelTest, DecodeShowsTokensAndTraffic) {
  const std::string html = ::testing::TempDir() + "/report_decode.html";
  std::filesystem::remove(html);
  std::string summary;
  ASSERT_EQ(Shell(std::string(NEUROWATT_BIN) +
                      " report preset:gpt2-small --phase decode --context 100 "
                      "--hw h100-sxm -o " +
                      html,
                  &summary),
            0);
  EXPECT_NE(summary.find("tokens/s"), std::string::npos) << summary;
  const std::string text = Slurp(html);
  EXPECT_NE(text.find("<h2>Tokens</h2>"), std::string::npos);
  EXPECT_NE(text.find("100 in the KV cache"), std::string::npos);
  EXPECT_NE(text.find("KV cache moved"), std::string::npos);
  // A model without a sequence has no such table.
  ASSERT_EQ(Shell(std::string(NEUROWATT_BIN) +
                      " report preset:mlp --hw h100-sxm -o " + html,
                  &summary),
            0);
  EXPECT_EQ(Slurp(html).find("<h2>Tokens</h2>"), std::string::npos);
}

TEST(ReportDefaultsTest, QuickStartWritesReportHtml) {
  const std::string dir = ::testing::TempDir() + "/report_defaults";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string summary;
  ASSERT_EQ(
      Shell("cd " + dir + " && " + NEUROWATT_BIN + " report preset:seed-kv",
            &summary),
      0);
  EXPECT_TRUE(std::filesystem::exists(dir + "/report.html"));
  // The default set: two conventional profiles and three spiking ones.
  for (const char* hw :
       {"horowitz-45nm", "h100-sxm", "loihi", "loihi2", "brain"}) {
    EXPECT_NE(summary.find(hw), std::string::npos) << hw;
  }
  EXPECT_NE(Slurp(dir + "/report.html").find("a default (rate coding"),
            std::string::npos);
}

}  // namespace
