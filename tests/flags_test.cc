// The command line's own parsing (cli/flags.h, cli/args.h): flags into the
// library's inputs, and the library's errors in the flags' words.
#include "cli/flags.h"

#include "gtest/gtest.h"
#include "util/error.h"

namespace neurowatt::cli {
namespace {

ParsedArgs Parse(const std::vector<std::string>& words) {
  CommandSpec spec{"estimate", "SOURCE", "", "", PricingFlags(), 1, 1};
  auto a = ParseArgs(spec, words);
  EXPECT_TRUE(a.ok()) << a.status();
  return *a;
}

TEST(FlagsTest, Dims) {
  auto d = ParseDims({"seq=128", "batch=4"});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->at("seq"), 128);
  EXPECT_FALSE(ParseDims({"seq"}).ok());
  EXPECT_FALSE(ParseDims({"seq=0"}).ok());
  EXPECT_FALSE(ParseDims({"seq=1099511627777"}).ok());  // 2^40 + 1
  EXPECT_FALSE(ParseDims({"seq=4", "seq=8"}).ok());
}

TEST(FlagsTest, SpikeFlagsBecomeASpikeActivity) {
  auto s = ParseSpikeFlags(
      Parse({"m", "--timesteps", "16", "--spike-rate", "0.05", "--coding",
             "ttfs", "--input-rate", "0.2", "--layer-rate", "fc1=0.5"}),
      true);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->coding(), v1::SpikeActivity::TTFS);
  EXPECT_EQ(s->timesteps(), 16);
  EXPECT_EQ(s->spike_rate(), 0.05);
  EXPECT_EQ(s->input_spike_rate(), 0.2);
  EXPECT_EQ(s->layer_rates().at("fc1"), 0.5);
  // Only a spiking profile needs them.
  EXPECT_TRUE(ParseSpikeFlags(Parse({"m"}), false).ok());
  auto missing = ParseSpikeFlags(Parse({"m", "--timesteps", "4"}), true);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("--spike-rate R"),
            std::string::npos);
  EXPECT_FALSE(
      ParseSpikeFlags(Parse({"m", "--spike-rate", "1.5", "--timesteps", "4"}),
                      true)
          .ok());
}

TEST(FlagsTest, LibraryErrorsNameTheFlag) {
  auto in_flags = [](ErrorSubject subject, const std::string& name) {
    return std::string(
        InFlagTerms(WithDetail(absl::InvalidArgumentError("it is wrong"),
                               subject, name))
            .message());
  };
  EXPECT_EQ(in_flags(ErrorSubject::kPrecision, "bf16"),
            "it is wrong; choose another --precision");
  EXPECT_EQ(in_flags(ErrorSubject::kUnboundDimension, "seq"),
            "it is wrong; bind it with --dim seq=N");
  EXPECT_EQ(in_flags(ErrorSubject::kUnknownDimension, "seq"),
            "it is wrong; check --dim seq");
  EXPECT_EQ(in_flags(ErrorSubject::kCapacity, "loihi"),
            "it is wrong; size the system with --chips N or --chips auto");
  EXPECT_EQ(in_flags(ErrorSubject::kChips, ""), "it is wrong; check --chips");
  // Without a detail the message is the library's.
  EXPECT_EQ(InFlagTerms(absl::NotFoundError("plain")).message(), "plain");
  EXPECT_EQ(InFlagTerms(absl::NotFoundError("plain")).code(),
            absl::StatusCode::kNotFound);
}

TEST(FlagsTest, LoadPriceableChecksTheBatchFlags) {
  auto both = LoadPriceable(Parse({"preset:seed-kv", "--hw", "horowitz-45nm",
                                   "--batch", "2", "--dim", "batch=2"}));
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.status().message().find("both given"), std::string::npos);
  auto p = LoadPriceable(Parse({"preset:seed-kv", "--hw", "horowitz-45nm",
                                "--batch", "4", "--precision", "int8"}));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->scenario.batch(), 4);
  EXPECT_EQ(p->scenario.precision(), v1::INT8);
  EXPECT_FALSE(p->scenario.has_spikes());  // no spiking profile
  EXPECT_EQ(p->hardware.size(), 1u);
}

}  // namespace
}  // namespace neurowatt::cli
