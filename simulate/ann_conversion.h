// From a trained ANN to a spiking network: an ONNX MLP or CNN with its
// weights (Gemm, MatMul + Add, Conv, Relu, AveragePool, Flatten/Reshape;
// Identity and Dropout pass) becomes a NIR graph of Affine / Conv2d /
// AvgPool2d nodes with integrate-and-fire neurons after every ReLU, read
// out by the last layer's summed current (a non-spiking output layer).
//
// Data-based weight normalisation (Diehl et al. 2015, IJCNN, "Fast-
// classifying, high-accuracy spiking deep networks through weight and
// threshold balancing"; the percentile of Rueckauer et al. 2017, Front.
// Neurosci. 11:682): with lambda_l the 99.9th percentile of layer l's ReLU
// outputs over the calibration data (lambda_0 = 1: the input enters as a
// constant current of the sample's own values every step), W_l is scaled
// by lambda_{l-1} / lambda_l and b_l by 1 / lambda_l, thresholds are 1 and
// resets subtract (IF with v_reset 0, stepped at dt 1). A layer's spike
// rate then approximates its ANN activation / lambda_l; the readout's
// weights are scaled by lambda_{L-1}, so its summed current over T steps
// approximates T x the logits.
#ifndef NEUROWATT_SIMULATE_ANN_CONVERSION_H_
#define NEUROWATT_SIMULATE_ANN_CONVERSION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/nir/nir_file.h"
#include "simulate/spiking_network.h"

namespace neurowatt {

// The ANN as read from ONNX, evaluated densely.
class Ann {
 public:
  // Reads `path`. Errors (InvalidArgument, NotFound) name the file and the
  // node: an op outside those above, weights missing from the file, a shape
  // that does not chain.
  static absl::StatusOr<std::unique_ptr<Ann>> Read(const std::string& path);
  ~Ann();

  int64_t input_size() const;
  int64_t output_size() const;
  // The outputs (logits) for one sample of input_size() values.
  std::vector<float> Forward(const std::vector<float>& x) const;
  // The converted network, normalised on `samples` (each input_size()
  // values). InvalidArgument when `samples` is empty.
  absl::StatusOr<NirGraph> ToSpiking(
      const std::vector<std::vector<float>>& samples) const;

 private:
  struct Impl;
  explicit Ann(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The index of the largest value (the first on ties).
int64_t ArgMax(const std::vector<float>& v);

// One timestep budget of a converted network over a data set.
struct BudgetRun {
  int64_t timesteps = 0;
  std::optional<double> accuracy;  // without labels: none
  SimulationResult activity;       // per sample
};

struct ConversionRun {
  int64_t samples = 0;
  std::optional<double> ann_accuracy;
  std::vector<BudgetRun> budgets;  // in the order given
};

// Converts `ann` (normalised on `samples`), then runs every sample from rest
// for each of `budgets` steps at `dt`, the sample as a constant input; a
// sample's class is the readout's largest summed current. `labels` is empty
// or one class per sample. InvalidArgument when the samples are not
// ann.input_size() wide, a label is not a class, or no budget is given.
// `progress(done, total)`, when given, is called after each sample's run,
// counting the steps simulated over all budgets.
absl::StatusOr<ConversionRun> RunConversion(
    const Ann& ann, const std::vector<std::vector<float>>& samples,
    const std::vector<int64_t>& labels, const std::vector<int64_t>& budgets,
    double dt,
    const std::function<void(int64_t done, int64_t total)>& progress = {});

}  // namespace neurowatt

#endif  // NEUROWATT_SIMULATE_ANN_CONVERSION_H_
