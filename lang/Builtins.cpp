//===- Builtins.cpp - the settings a .sweep file can use ------------------===//

#include "lang/Builtins.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <limits>

using namespace sweep;

std::string ParamType::describe() const {
  switch (kind) {
  case Kind::Int: return "an integer";
  case Kind::Float: return "a number";
  case Kind::Bool: return "true or false";
  case Kind::String: return "a string";
  case Kind::CountOrFraction: return "a count or a fraction in [0, 1)";
  case Kind::IntOrString: return "a column index or a column name";
  case Kind::Config: {
    const FamilySpec *known = lookupFamily(family);
    // "an optimizer", "an early_stop", "a schedule".
    bool vowel = !family.empty() && llvm::StringRef("aeiou").contains(family.front());
    return (vowel ? "an " : "a ") + family.str() + " such as " +
           (known ? known->kinds.front().name : llvm::StringRef("name")).str() + "(...)";
  }
  case Kind::Symbol: {
    std::string text = "one of ";
    llvm::raw_string_ostream os(text);
    llvm::interleave(symbols, os, ", ");
    return os.str();
  }
  }
  return "a value";
}

static std::string formatBound(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    return std::to_string(static_cast<long long>(v));
  return formatShortest(v);
}

std::string ParamType::describeRange() const {
  bool hasMin = std::isfinite(min), hasMax = std::isfinite(max);
  if (hasMin && hasMax)
    return std::string("in ") + (minExclusive ? "(" : "[") + formatBound(min) + ", " +
           formatBound(max) + (maxExclusive ? ")" : "]");
  if (hasMin)
    return (minExclusive ? "> " : ">= ") + formatBound(min);
  if (hasMax)
    return (maxExclusive ? "< " : "<= ") + formatBound(max);
  return "";
}

bool ParamType::inRange(double v) const {
  if (std::isnan(v))
    return false;
  if (minExclusive ? v <= min : v < min)
    return false;
  if (maxExclusive ? v >= max : v > max)
    return false;
  return true;
}

const ParamSpec *KindSpec::lookup(llvm::StringRef param) const {
  for (const ParamSpec &spec : params)
    if (spec.name == param)
      return &spec;
  return nullptr;
}

const KindSpec *FamilySpec::lookup(llvm::StringRef kind) const {
  for (const KindSpec &spec : kinds)
    if (spec.name == kind)
      return &spec;
  return nullptr;
}

std::vector<llvm::StringRef> FamilySpec::kindNames() const {
  std::vector<llvm::StringRef> names;
  for (const KindSpec &spec : kinds)
    names.push_back(spec.name);
  return names;
}

//===----------------------------------------------------------------------===//
// The tables
//===----------------------------------------------------------------------===//

namespace {
ParamSpec param(llvm::StringRef name, ParamType type, Value defaultValue, llvm::StringRef help,
                bool structural = false) {
  return ParamSpec{name, std::move(type), defaultValue, false, structural, help};
}
ParamSpec required(llvm::StringRef name, ParamType type, llvm::StringRef help,
                   bool structural = false) {
  return ParamSpec{name, std::move(type), Value::none(), true, structural, help};
}
ParamSpec optional(llvm::StringRef name, ParamType type, llvm::StringRef help,
                   bool structural = false) {
  return ParamSpec{name, std::move(type), Value::none(), false, structural, help};
}

// No upper bound: a learning rate of 1e301 is a choice (its runs diverge, and say so).
constexpr double kInf = HUGE_VAL;
/// Scales of synthetic data's noise and spread: samples are float32, so a
/// spread of 1e300 made every value infinite.
constexpr double kMaxDataScale = 1e6;

ParamType positive() { return ParamType::number(0, kInf, /*minExclusive=*/true); }
ParamType nonNegative() { return ParamType::number(0, kInf); }
ParamType unitInterval() { return ParamType::number(0, 1, false, /*maxExclusive=*/true); }
ParamType seedType() { return ParamType::integer(0, 4294967295.0); }

ParamSpec lrParam(double defaultLr) {
  return param("lr", positive().inFloat32(), Value::number(defaultLr), "learning rate");
}
ParamSpec warmupParam() {
  return param("warmup", nonNegative(), Value::number(0),
               "epochs of linear warm-up from 0 to the peak learning rate");
}
ParamSpec validationParam() {
  return param("validation", ParamType::countOrFraction(), Value::integer(0),
               "training samples held out for validation: a count, or a fraction in [0, 1)",
               /*structural=*/true);
}

std::vector<FamilySpec> buildFamilies() {
  std::vector<FamilySpec> families;

  // The sweep's own settings. Structural ones split groups.
  families.push_back(FamilySpec{
      "sweep",
      {KindSpec{
          "sweep",
          {
              required("data", ParamType::config("dataset"), "the dataset to train on", true),
              required("model", ParamType::config("model"), "the model and its arguments",
                       true),
              param("batch", ParamType::integer(1, 1 << 20), Value::integer(64),
                    "minibatch size", true),
              param("epochs", ParamType::integer(1, 1000000), Value::integer(1),
                    "passes over the training data", true),
              required("loss", ParamType::symbol({"cross_entropy", "mse"}), "training loss",
                       true),
              required("optimizer", ParamType::config("optimizer"), "optimizer and its settings",
                       true),
              param("schedule", ParamType::config("schedule"), Value::symbol("constant"),
                    "learning-rate schedule"),
              param("init", ParamType::config("init"), Value::symbol("he_normal"),
                    "weight initialization (biases start at zero)"),
              param("seed", seedType(), Value::integer(0),
                    "seed of weight init and dropout (the data order is the dataset's)"),
              optional("early_stop", ParamType::config("early_stop"),
                       "stop a run when its validation metric stops improving"),
              optional("divergence", ParamType::config("divergence"),
                       "stop a run whose training loss grows past a factor of its lowest"),
              param("prune", ParamType::config("prune"), Value::symbol("none"),
                    "stop runs that lag the others (asha, median)"),
              param("energy", ParamType::config("energy"), Value::symbol("energy"),
                    "how joules are metered"),
              param("device", ParamType::symbol({"auto", "cpu", "gpu"}), Value::symbol("auto"),
                    "where the runs train", true),
          },
          "a sweep"}}});

  families.push_back(FamilySpec{
      "optimizer",
      {
          KindSpec{"sgd",
                   {
                       required("lr", positive().inFloat32(), "learning rate"),
                       param("momentum", unitInterval().inFloat32(), Value::number(0), "momentum"),
                       param("nesterov", ParamType::boolean(), Value::flag(false),
                             "Nesterov momentum"),
                       param("weight_decay", nonNegative().inFloat32(), Value::number(0),
                             "L2 penalty added to the gradient"),
                   },
                   "stochastic gradient descent"},
          KindSpec{"adam",
                   {
                       lrParam(1e-3),
                       param("beta1", unitInterval().inFloat32(), Value::number(0.9), "first-moment decay"),
                       param("beta2", unitInterval().inFloat32(), Value::number(0.999),
                             "second-moment decay"),
                       param("eps", positive().finiteAsFloat32(), Value::number(1e-8), "denominator epsilon"),
                       param("weight_decay", nonNegative().inFloat32(), Value::number(0),
                             "L2 penalty added to the gradient"),
                   },
                   "Adam"},
          KindSpec{"adamw",
                   {
                       lrParam(1e-3),
                       param("beta1", unitInterval().inFloat32(), Value::number(0.9), "first-moment decay"),
                       param("beta2", unitInterval().inFloat32(), Value::number(0.999),
                             "second-moment decay"),
                       param("eps", positive().finiteAsFloat32(), Value::number(1e-8), "denominator epsilon"),
                       param("weight_decay", nonNegative().inFloat32(), Value::number(0.01),
                             "decoupled weight decay"),
                   },
                   "Adam with decoupled weight decay"},
      }});

  families.push_back(FamilySpec{
      "schedule",
      {
          KindSpec{"constant", {warmupParam()}, "constant learning rate"},
          KindSpec{"step",
                   {required("every", ParamType::integer(1, 1000000),
                             "epochs between decays"),
                    param("gamma", ParamType::number(0, 1, true, false), Value::number(0.1),
                          "factor applied at each decay"),
                    warmupParam()},
                   "step decay"},
          KindSpec{"cosine",
                   {param("final", nonNegative(), Value::number(0),
                          "final learning rate as a fraction of the peak"),
                    warmupParam()},
                   "cosine decay to `final`"},
          KindSpec{"linear",
                   {param("final", nonNegative(), Value::number(0),
                          "final learning rate as a fraction of the peak"),
                    warmupParam()},
                   "linear decay to `final`"},
      }});

  std::vector<ParamSpec> gain = {
      param("gain", positive(), Value::number(1), "scale applied to the standard deviation")};
  families.push_back(FamilySpec{"init",
                                {
                                    KindSpec{"he_normal", gain, "N(0, gain^2 * 2 / fan_in)"},
                                    KindSpec{"he_uniform", gain, "U(+-gain * sqrt(6 / fan_in))"},
                                    KindSpec{"xavier_normal", gain,
                                             "N(0, gain^2 * 2 / (fan_in + fan_out))"},
                                    KindSpec{"xavier_uniform", gain,
                                             "U(+-gain * sqrt(6 / (fan_in + fan_out)))"},
                                }});

  families.push_back(FamilySpec{
      "early_stop",
      {KindSpec{"early_stop",
                {param("metric", ParamType::symbol({"val_loss", "val_accuracy"}),
                       Value::symbol("val_loss"), "the validation metric watched"),
                 param("patience", ParamType::integer(1, 1000000), Value::integer(5),
                       "epochs without improvement before the run stops"),
                 param("min_delta", nonNegative(), Value::number(0),
                       "smallest change that counts as improvement")},
                "early stopping"}}});

  families.push_back(FamilySpec{
      "divergence",
      {KindSpec{"divergence",
                {param("factor", ParamType::number(1, kInf, /*minExclusive=*/true),
                       Value::number(10),
                       "an epoch's training loss above factor times the lowest so far (the "
                       "loss at initialization included) stops the run")},
                "stop diverging runs before their loss overflows"}}});

  auto pruneMetric = [] {
    return param("metric", ParamType::symbol({"val_loss", "val_accuracy", "train_loss"}),
                 Value::symbol("val_loss"), "the metric runs are compared on");
  };
  families.push_back(FamilySpec{
      "prune",
      {KindSpec{"none", {}, "every run trains to its last epoch"},
       KindSpec{"asha",
                {pruneMetric(),
                 param("reduction", ParamType::integer(2, 1000), Value::integer(3),
                       "a rung keeps the best 1/reduction of the runs"),
                 param("grace", ParamType::integer(1, 1000000), Value::integer(1),
                       "the first rung's epoch; rungs at grace * reduction^k")},
                "asynchronous successive halving"},
       KindSpec{"median",
                {pruneMetric(),
                 param("grace", ParamType::integer(1, 1000000), Value::integer(1),
                       "the first epoch after which runs are judged"),
                 param("min_runs", ParamType::integer(1, 1000000), Value::integer(5),
                       "earlier runs needed at an epoch before any run is judged there")},
                "median stopping rule"}}});

  families.push_back(FamilySpec{
      "energy",
      {KindSpec{"energy",
                {param("meter", ParamType::symbol({"auto", "nvml", "rapl", "model"}),
                       Value::symbol("auto"),
                       "the meter read; `model` estimates from FLOPs and bytes"),
                 param("window_ms", ParamType::integer(10, 600000), Value::integer(200),
                       "milliseconds between meter reads"),
                 optional("budget", positive(),
                          "joules after which the sweep stops (unfinished runs are kept for "
                          "--resume)"),
                 param("per_layer", ParamType::boolean(), Value::flag(false),
                       "energy per layer and phase, not only per phase")},
                "energy metering"}}});

  // Data sources. Every parameter of a data source is structural: it changes the
  // data, and all runs of a group see the same minibatches.
  auto source = [](llvm::StringRef name, std::vector<ParamSpec> params, llvm::StringRef help) {
    for (ParamSpec &p : params)
      p.structural = true;
    return KindSpec{name, std::move(params), help};
  };
  ParamSpec sampleCount = param("n", ParamType::integer(2, 100000000), Value::integer(1000),
                                "training samples generated");
  ParamSpec testCount = param("test", ParamType::integer(0, 100000000), Value::integer(0),
                              "test samples generated from the same distribution");
  ParamSpec seed = param("seed", seedType(), Value::integer(0), "generator seed");
  families.push_back(FamilySpec{
      "source",
      {
          source("fashion_mnist",
                 {param("path", ParamType::string(),
                        Value::string("/usr/share/datasets/fashion-mnist"),
                        "directory with the four IDX files (Debian package "
                        "dataset-fashion-mnist)"),
                  validationParam(),
                  param("normalize", ParamType::symbol({"unit", "standard", "none"}),
                        Value::symbol("unit"), "pixel scaling"),
                  param("limit", ParamType::integer(0, 60000), Value::integer(0),
                        "use only the first N training images (0: all)")},
                 "Fashion-MNIST, 28x28 grey images in 10 classes"),
          source("idx",
                 {required("images", ParamType::string(), "IDX image file (raw or .gz)"),
                  required("labels", ParamType::string(), "IDX label file (raw or .gz)"),
                  param("test_images", ParamType::string(), Value::string(""),
                        "IDX test image file"),
                  param("test_labels", ParamType::string(), Value::string(""),
                        "IDX test label file"),
                  validationParam(),
                  param("normalize", ParamType::symbol({"unit", "standard", "none"}),
                        Value::symbol("unit"), "pixel scaling"),
                  param("limit", ParamType::integer(0, 1e12), Value::integer(0),
                        "use only the first N training samples (0: all)")},
                 "any IDX image/label files"),
          source("csv",
                 {required("path", ParamType::string(), "CSV file, one sample per row"),
                  required("label", ParamType::intOrString(),
                           "the label column, by name or 0-based index"),
                  param("header", ParamType::boolean(), Value::flag(true),
                        "whether the first row names the columns"),
                  param("task", ParamType::symbol({"classify", "regress"}),
                        Value::symbol("classify"),
                        "classify: labels are classes; regress: labels are targets"),
                  param("test", ParamType::string(), Value::string(""),
                        "CSV file with test samples"),
                  validationParam(),
                  param("normalize", ParamType::symbol({"standard", "minmax", "none"}),
                        Value::symbol("standard"), "feature scaling")},
                 "a CSV table of numeric features"),
          source("spirals",
                 {sampleCount, testCount,
                  param("arms", ParamType::integer(2, 64), Value::integer(2),
                        "spiral arms, one class each"),
                  param("noise", ParamType::number(0, kMaxDataScale), Value::number(0.1),
                        "Gaussian noise"),
                  param("turns", ParamType::number(0, kMaxDataScale, /*minExclusive=*/true),
                        Value::number(1.5), "turns of each arm"), seed,
                  validationParam()},
                 "interleaved spirals in the plane"),
          source("blobs",
                 {sampleCount, testCount,
                  param("classes", ParamType::integer(2, 100000), Value::integer(3),
                        "Gaussian blobs, one class each"),
                  param("features", ParamType::integer(1, 1000000), Value::integer(2),
                        "input dimension"),
                  param("spread", ParamType::number(0, kMaxDataScale, /*minExclusive=*/true),
                        Value::number(1.0), "standard deviation of each blob"),
                  seed, validationParam()},
                 "Gaussian blobs"),
          source("teacher",
                 {sampleCount, testCount,
                  param("inputs", ParamType::integer(1, 1000000), Value::integer(10),
                        "input dimension"),
                  param("outputs", ParamType::integer(1, 1000000), Value::integer(1),
                        "target dimension"),
                  param("hidden", ParamType::integer(1, 1000000), Value::integer(32),
                        "hidden width of the random teacher network"),
                  param("noise", ParamType::number(0, kMaxDataScale), Value::number(0),
                        "noise added to targets"),
                  seed, validationParam()},
                 "regression on the outputs of a random one-hidden-layer tanh teacher"),
      }});
  return families;
}
} // namespace

const FamilySpec *sweep::lookupFamily(llvm::StringRef name) {
  static const std::vector<FamilySpec> families = buildFamilies();
  for (const FamilySpec &family : families)
    if (family.name == name)
      return &family;
  return nullptr;
}

llvm::ArrayRef<llvm::StringRef> sweep::getActivationNames() {
  static const llvm::StringRef names[] = {"relu", "tanh", "sigmoid", "gelu", "identity"};
  return names;
}

bool sweep::isActivation(llvm::StringRef name) {
  return llvm::is_contained(getActivationNames(), name);
}

llvm::ArrayRef<llvm::StringRef> sweep::getMetricNames() {
  static const llvm::StringRef names[] = {"loss", "accuracy", "mse"};
  return names;
}

llvm::ArrayRef<llvm::StringRef> sweep::getAxisGeneratorNames() {
  static const llvm::StringRef names[] = {"linspace", "logspace", "uniform", "loguniform",
                                          "randint",  "int",      "choice"};
  return names;
}
