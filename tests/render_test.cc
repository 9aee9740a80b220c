// Rendering (render/): the count and the cost report as tables, CSV and the
// JSON of the command-line contract, and the catalogue.
#include "estimators/pricing.h"
#include "gtest/gtest.h"
#include "hw/profile.h"
#include "model/batch.h"
#include "render/count.h"
#include "render/format.h"
#include "render/profiles.h"
#include "render/report.h"

namespace neurowatt {
namespace {

Model SeedKv() {
  auto m = LoadModel("preset:seed-kv", {});
  EXPECT_TRUE(m.ok()) << m.status();
  return *m;
}

TEST(RenderCountTest, JsonCsvAndTableOfTheSeedsKeyValueMemory) {
  const Model m = SeedKv();
  auto two = ScaleToBatch(m.count, 2);
  ASSERT_TRUE(two.ok());
  // key: 8 neurons x 3 synapses, value: 2 x 8; two inferences.
  const nlohmann::ordered_json j = CountToJson(*two, m.DimsAt(2));
  EXPECT_EQ(j["model"], "seed-kv");
  EXPECT_EQ(j["dimensions"]["batch"], 2);
  EXPECT_EQ(j["totals"]["synapses"], 40);
  EXPECT_EQ(j["totals"]["macs"], 80);
  EXPECT_EQ(j["totals"]["synapses_per_neuron"], 4.0);
  EXPECT_EQ(j["layers"][0]["name"], "key");
  EXPECT_EQ(j["layers"][0]["weight_bytes"], 96);  // 24 fp32 weights, once
  EXPECT_EQ(j["brain"]["neurons"], 86.1e9);
  EXPECT_TRUE(j["uncounted"].empty());

  const std::string csv = RenderCountCsv(m.count);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "name,kind,dtype,neurons,synapses,synapses_per_neuron,"
            "neuron_instances,params,macs,adds,muls,compares,exps,divs,"
            "input_bytes,output_bytes,weight_bytes,state_bytes,op_type,"
            "zero_weights");
  EXPECT_NE(csv.find("\nseed-kv,total,,10,40,4,10,50,40,10,0,8,0,0,76,72,160,"
                     "0,,\n"),
            std::string::npos)
      << csv;

  const std::string table =
      RenderCountTable(m.count, "the description", m.DimsAt(1), false);
  EXPECT_NE(table.find("  the description\n"), std::string::npos);
  EXPECT_NE(table.find("dimensions: batch=1"), std::string::npos);
  EXPECT_NE(table.find("compared with a human brain"), std::string::npos);
  EXPECT_NE(table.find("synapses per neuron           4.0"), std::string::npos)
      << table;
}

TEST(RenderReportTest, TheJsonContractAndCsv) {
  const Model m = SeedKv();
  auto hw = LoadHardware({"horowitz-45nm"});
  ASSERT_TRUE(hw.ok());
  auto p = Price(m, *hw, v1::Scenario());
  ASSERT_TRUE(p.ok());
  const nlohmann::ordered_json j = ReportJson(p->report, m.DimsAt(1));
  EXPECT_EQ(j["model"], "seed-kv");
  EXPECT_EQ(j["scenario"]["batch"], 1);
  EXPECT_EQ(j["scenario"]["precision"], "model");
  EXPECT_EQ(j["convention"], "physical");
  const auto& h = j["hardware"][0];
  for (const char* key :
       {"name", "kind", "energy_joules", "energy_per_inference_joules",
        "latency_seconds", "bound", "breakdown", "bytes_by_level",
        "weights_level", "layers", "assumptions", "sources"}) {
    EXPECT_TRUE(h.contains(key)) << key;
  }
  // Compute by hand (horowitz-45nm fp32: 3.7 pJ multiply, 0.9 pJ add): 40
  // MACs x 4.6 pJ, 10 bias adds and 8 ReLU compares x 0.9 pJ.
  EXPECT_NEAR(h["breakdown"]["compute"].get<double>(),
              40 * 4.6e-12 + 18 * 0.9e-12, 1e-24);
  EXPECT_EQ(h["layers"].size(), 3u);
  EXPECT_FALSE(j.contains("break_even"));

  const std::string csv = ReportCsv(p->report);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "hardware,layer,kind,energy_joules,compute,data_movement,"
            "bit_maintenance,leakage,refresh,standby,static,latency_seconds,"
            "bound,synaptic_ops,neuron_updates,spike_routing,non_native,"
            "interconnect,control_overhead,active,host");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 3 + 1);
  EXPECT_NE(csv.find("\nhorowitz-45nm,seed-kv,total,"), std::string::npos);

  auto text = RenderReport(p->report, m, "json", false, false);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, JsonText(j));
  auto pb = RenderReport(p->report, m, "pb", false, false);
  ASSERT_TRUE(pb.ok());
  v1::CostReport back;
  ASSERT_TRUE(back.ParseFromString(*pb));
  EXPECT_EQ(back.hardware(0).energy().total(),
            p->report.hardware(0).energy().total());
  EXPECT_FALSE(RenderReport(p->report, m, "xml", false, false).ok());
}

TEST(RenderProfilesTest, EveryCatalogueProfileWithItsSources) {
  auto json = RenderProfiles(CatalogueProfiles(), "json");
  ASSERT_TRUE(json.ok());
  auto j = nlohmann::json::parse(*json);
  ASSERT_EQ(j.size(), CatalogueProfiles().size());
  for (const auto& p : j) {
    EXPECT_FALSE(p["sources"].empty()) << p["name"];
  }
  auto table = RenderProfiles(CatalogueProfiles(), "table");
  ASSERT_TRUE(table.ok());
  EXPECT_NE(table->find("loihi sources:"), std::string::npos);
  EXPECT_FALSE(RenderProfiles(CatalogueProfiles(), "xml").ok());
}

}  // namespace
}  // namespace neurowatt
