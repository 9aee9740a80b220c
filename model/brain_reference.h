// The human brain as a yardstick for the neuron view, with sources
// (../shared/docs/reference-numbers.md, "Biology").
#ifndef NEUROWATT_MODEL_BRAIN_REFERENCE_H_
#define NEUROWATT_MODEL_BRAIN_REFERENCE_H_

namespace neurowatt::brain {

// 86.1 +/- 8.1 billion neurons: Azevedo et al., J. Comp. Neurol. 2009 (P).
inline constexpr double kNeurons = 86.1e9;
inline constexpr char kNeuronsSource[] =
    "Azevedo et al. 2009, J. Comp. Neurol. 513:532";

// ~7,000 synapses per neuron, the figure the seed chapter uses; the
// literature ranges over 10^3-10^4 (S).
inline constexpr double kSynapsesPerNeuron = 7000;
inline constexpr char kSynapsesPerNeuronSource[] =
    "the seed chapter's figure; 10^3-10^4 in the literature";

}  // namespace neurowatt::brain

#endif  // NEUROWATT_MODEL_BRAIN_REFERENCE_H_
