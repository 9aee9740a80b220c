// neurowatt's public C++ API: what a neural-network architecture costs on
// real hardware - energy, time, memory traffic - read as neurons and
// synapses, on conventional (von Neumann) and spiking (neuromorphic)
// hardware. Link neurowatt::neurowatt (find_package(neurowatt)).
//
//   #include "neurowatt/neurowatt.h"
//
//   auto model = neurowatt::LoadModel("preset:gpt2-small", {{"seq", 128}});
//   auto hw = neurowatt::LoadHardware({"horowitz-45nm", "loihi"});
//   neurowatt::v1::Scenario scenario;
//   scenario.set_batch(8);
//   scenario.set_chips(0);  // auto: each system as large as holds it
//   scenario.mutable_spikes()->set_coding(neurowatt::v1::SpikeActivity::RATE);
//   scenario.mutable_spikes()->set_timesteps(16);
//   scenario.mutable_spikes()->set_spike_rate(0.05);
//   auto priced = neurowatt::Price(*model, *hw, scenario);
//   std::cout << neurowatt::ReportJsonText(*model, priced->report);
//
// Every function that can fail on what a caller gives it returns an
// absl::Status(Or): InvalidArgument / NotFound / PermissionDenied for bad
// input, with a message naming the source, profile or field at fault (and,
// for dimensions, precisions, profiles and spike settings, an ErrorDetail
// from util/error.h saying which); nothing throws across this API. Energies
// are in joules, times in seconds, sizes in bytes.
//
// The pieces, each a header of its own folder:
//   model/source.h        LoadModel: a SOURCE (.onnx, .nir, .pb,
//                         .textproto, preset:...) built and counted once
//                         per inference
//   model/workload.h      NetworkCount: the neuron view; ScaleToBatch
//   hw/hardware.h         LoadHardware: catalogue names or profile files
//   estimators/pricing.h  Price: a model on many profiles under a scenario,
//                         with break-even points; PriceCosts for totals
//   estimators/system.h   systems of many chips: sizing, the parallel
//                         split, collectives; ParseChips
//   explore/sweep.h       RunSweep: a design space, row by row, to a sink
//   model/nir/nir_file.h  ReadNirFile: a NIR graph (HDF5) as read
//   simulate/spiking_network.h
//                         SpikingNetwork: a NIR graph stepped at dt,
//                         event-driven; its measured activity
//   simulate/ann_conversion.h
//                         Ann, RunConversion: an ONNX ANN as a rate-coded
//                         spiking network, scored on a data set
//   render/simulation.h   a simulation as JSON, a table, an activity file
//   render/report.h, render/count.h: tables, CSV and the JSON contract
#ifndef NEUROWATT_NEUROWATT_H_
#define NEUROWATT_NEUROWATT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "estimators/pricing.h"
#include "estimators/system.h"
#include "explore/sweep.h"
#include "hw/hardware.h"
#include "model/batch.h"
#include "model/source.h"
#include "model/workload.h"
#include "neurowatt/v1/cost_report.pb.h"
#include "neurowatt/v1/scenario.pb.h"
#include "render/count.h"
#include "render/format.h"
#include "render/report.h"
#include "render/simulation.h"
#include "simulate/ann_conversion.h"
#include "simulate/spiking_network.h"
#include "util/error.h"
#include "util/version.h"

namespace neurowatt {

// The neuron view of `model` for `batch` inferences (0: the batch it was
// loaded at): neurons, synapses, params, MACs, other ops and bytes per
// layer and in total. Fails when the counts at that batch pass 64 bits.
inline absl::StatusOr<NetworkCount> Count(const Model& model,
                                          int64_t batch = 0) {
  return ScaleToBatch(model.count, batch == 0 ? model.batch : batch);
}

// `count` (of `model`, from Count at `batch`) as the JSON of
// `neurowatt count --format json`.
inline std::string CountJsonText(const Model& model, const NetworkCount& count,
                                 int64_t batch = 0) {
  const int64_t b = batch == 0 ? model.batch : batch;
  return JsonText(CountToJson(count, model.DimsAt(b), CountPhaseOf(model, b)));
}

}  // namespace neurowatt

#endif  // NEUROWATT_NEUROWATT_H_
