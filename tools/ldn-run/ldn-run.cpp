//===- ldn-run.cpp - run a compiled model, check it, time it --------------===//
//
//   ldn-run model.so --entry NAME --input x=x.npy --weights w.safetensors
//           --output y.npy [--check] [--bench N]
//
// Inputs are bound to the entry's arguments by name (from --input,
// --weights or --random); the runtime validates them against the manifest.
// --check evaluates the model's source (embedded in the artifact) with the
// fp64 reference and compares; --bench times repeated calls.
//
//===----------------------------------------------------------------------===//

#include "ReferenceEvaluator.h"
#include "ldn/IR/LDNDialect.h"

#include "ldnrt/io.h"
#include "ldnrt/ldnrt.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <random>

namespace cl = llvm::cl;
namespace ref = ::ldn::reference;

static cl::OptionCategory category("ldn-run options");
static cl::opt<std::string> artifactPath(cl::Positional, cl::Required,
                                         cl::desc("<model.so>"),
                                         cl::cat(category));
static cl::opt<std::string>
    entryName("entry", cl::desc("Entry point to run (default: the only one)"),
              cl::value_desc("name"), cl::cat(category));
static cl::list<std::string>
    inputs("input", cl::desc("Bind an argument to a .npy file: NAME=FILE, or "
                             "FILE for the next unbound argument"),
           cl::value_desc("name=file.npy"), cl::cat(category));
static cl::list<std::string>
    weights("weights",
            cl::desc("Bind every argument named like a tensor in the file"),
            cl::value_desc("file.safetensors"), cl::cat(category));
static cl::list<std::string> randomInputs(
    "random",
    cl::desc("Bind an argument to uniform random data: NAME=SHAPE[:LO:HI], "
             "SHAPE like 3x65x8 (default range -1:1)"),
    cl::value_desc("name=shape[:lo:hi]"), cl::cat(category));
static cl::opt<std::string> randomRest(
    "random-rest",
    cl::desc("Bind every argument not bound otherwise to uniform random data "
             "in [-1, 1]; the i-th dynamic dimension of each takes the i-th "
             "size of this list (e.g. 2,64 for [B, T, ...] arguments)"),
    cl::value_desc("size,size,..."), cl::cat(category));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed for --random"),
                              cl::init(1), cl::cat(category));
static cl::list<std::string>
    outputs("output",
            cl::desc("Write a result to .npy: NAME=FILE, or FILE for the "
                     "first result"),
            cl::value_desc("name=file.npy"), cl::cat(category));
static cl::opt<bool> check(
    "check", cl::desc("Compare every result with the fp64 reference; fail "
                      "above the tolerance"),
    cl::cat(category));
static cl::opt<double> tolerance(
    "tolerance",
    cl::desc("Relative RMS error allowed by --check (default by dtype: f32 "
             "1e-5, f16 2e-3, bf16 2e-2)"),
    cl::init(-1), cl::cat(category));
static cl::opt<unsigned> benchRuns(
    "bench", cl::desc("Time N calls; print median and min time and GB/s"),
    cl::init(0), cl::value_desc("N"), cl::cat(category));
static cl::opt<bool> benchReference(
    "bench-reference",
    cl::desc("With --bench, also time one fp64 reference evaluation and "
             "print the speedup over it"),
    cl::cat(category));
static cl::opt<bool> quiet("quiet", cl::desc("Do not print the results"),
                           cl::cat(category));

namespace {
/// Thrown-free error plumbing: a failed step prints and makes main return 1.
struct Failure {};

/// RAII owners for runtime objects.
struct ErrorDeleter {
  void operator()(ldnrt_error *e) const { ldnrt_error_free(e); }
};
struct TensorDeleter {
  void operator()(ldnrt_tensor *t) const { ldnrt_tensor_free(t); }
};
struct MapDeleter {
  void operator()(ldnrt_tensor_map *m) const { ldnrt_tensor_map_free(m); }
};
struct ArtifactDeleter {
  void operator()(ldnrt_artifact *a) const { ldnrt_artifact_free(a); }
};
struct ContextDeleter {
  void operator()(ldnrt_context *c) const { ldnrt_context_free(c); }
};
using TensorPtr = std::unique_ptr<ldnrt_tensor, TensorDeleter>;
} // namespace

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "ldn-run") << message << "\n";
  return EXIT_FAILURE;
}

/// Prints and frees `error`; true if there was one.
static bool failed(ldnrt_error *error, llvm::StringRef context = "") {
  if (!error)
    return false;
  std::unique_ptr<ldnrt_error, ErrorDeleter> owner(error);
  fail((context.empty() ? "" : context + ": ") +
       llvm::Twine(ldnrt_error_message(error)));
  return true;
}

static std::string describe(const ldnrt_value_info *info) {
  std::string text = std::string(ldnrt_dtype_name(info->dtype)) + " [";
  for (size_t i = 0; i < info->rank; ++i) {
    if (i)
      text += ", ";
    text += info->shape[i] < 0 ? "?" : std::to_string(info->shape[i]);
  }
  return text + "]";
}

//===----------------------------------------------------------------------===//
// Element conversion
//===----------------------------------------------------------------------===//

static double halfToDouble(uint16_t bits, const llvm::fltSemantics &sem) {
  return llvm::APFloat(sem, llvm::APInt(16, bits)).convertToDouble();
}

static uint16_t doubleToHalf(double value, const llvm::fltSemantics &sem) {
  llvm::APFloat f(value);
  bool lost;
  f.convert(sem, llvm::APFloat::rmNearestTiesToEven, &lost);
  return static_cast<uint16_t>(f.bitcastToAPInt().getZExtValue());
}

/// Element `i` (row-major, contiguous tensor) as a double.
static double elementAt(const ldnrt_tensor *t, int64_t i) {
  const char *data = static_cast<const char *>(ldnrt_tensor_data(t));
  switch (ldnrt_tensor_dtype(t)) {
  case LDNRT_DTYPE_F32:
    return reinterpret_cast<const float *>(data)[i];
  case LDNRT_DTYPE_F64:
    return reinterpret_cast<const double *>(data)[i];
  case LDNRT_DTYPE_F16:
    return halfToDouble(reinterpret_cast<const uint16_t *>(data)[i],
                        llvm::APFloat::IEEEhalf());
  case LDNRT_DTYPE_BF16:
    return halfToDouble(reinterpret_cast<const uint16_t *>(data)[i],
                        llvm::APFloat::BFloat());
  case LDNRT_DTYPE_I32:
    return reinterpret_cast<const int32_t *>(data)[i];
  case LDNRT_DTYPE_I64:
  case LDNRT_DTYPE_INDEX:
    return static_cast<double>(reinterpret_cast<const int64_t *>(data)[i]);
  case LDNRT_DTYPE_I8:
    return reinterpret_cast<const int8_t *>(data)[i];
  case LDNRT_DTYPE_I1:
    return reinterpret_cast<const uint8_t *>(data)[i] ? 1.0 : 0.0;
  }
  return 0.0;
}

static void setElement(ldnrt_tensor *t, int64_t i, double value) {
  char *data = static_cast<char *>(ldnrt_tensor_data(t));
  switch (ldnrt_tensor_dtype(t)) {
  case LDNRT_DTYPE_F32:
    reinterpret_cast<float *>(data)[i] = static_cast<float>(value);
    return;
  case LDNRT_DTYPE_F64:
    reinterpret_cast<double *>(data)[i] = value;
    return;
  case LDNRT_DTYPE_F16:
    reinterpret_cast<uint16_t *>(data)[i] =
        doubleToHalf(value, llvm::APFloat::IEEEhalf());
    return;
  case LDNRT_DTYPE_BF16:
    reinterpret_cast<uint16_t *>(data)[i] =
        doubleToHalf(value, llvm::APFloat::BFloat());
    return;
  case LDNRT_DTYPE_I32:
    reinterpret_cast<int32_t *>(data)[i] = static_cast<int32_t>(value);
    return;
  case LDNRT_DTYPE_I64:
  case LDNRT_DTYPE_INDEX:
    reinterpret_cast<int64_t *>(data)[i] = static_cast<int64_t>(value);
    return;
  case LDNRT_DTYPE_I8:
    reinterpret_cast<int8_t *>(data)[i] = static_cast<int8_t>(value);
    return;
  case LDNRT_DTYPE_I1:
    reinterpret_cast<uint8_t *>(data)[i] = value != 0.0;
    return;
  }
}

/// A contiguous copy of `t` as a reference array.
static ref::Array toArray(const ldnrt_tensor *t) {
  ref::Shape shape(ldnrt_tensor_shape(t),
                   ldnrt_tensor_shape(t) + ldnrt_tensor_rank(t));
  ref::Array array(shape);
  for (int64_t i = 0, e = ldnrt_tensor_num_elements(t); i < e; ++i)
    array[i] = elementAt(t, i);
  return array;
}

//===----------------------------------------------------------------------===//
// Binding inputs
//===----------------------------------------------------------------------===//

/// "3x65x8" -> {3, 65, 8}; "" or "scalar" -> {} (rank 0).
static std::optional<std::vector<int64_t>> parseShape(llvm::StringRef text) {
  std::vector<int64_t> shape;
  if (text.empty() || text == "scalar")
    return shape;
  llvm::SmallVector<llvm::StringRef> parts;
  text.split(parts, 'x');
  for (llvm::StringRef part : parts) {
    int64_t size;
    if (part.getAsInteger(10, size) || size < 0)
      return std::nullopt;
    shape.push_back(size);
  }
  return shape;
}

/// Binds every argument of `entry`; returns false after printing an error.
static bool bindInputs(const ldnrt_entry *entry,
                       std::vector<TensorPtr> &bound) {
  size_t numArgs = ldnrt_entry_num_args(entry);
  bound.clear();
  bound.resize(numArgs);
  std::map<std::string, size_t> argIndex;
  for (size_t i = 0; i < numArgs; ++i)
    argIndex[ldnrt_entry_arg(entry, i)->name] = i;

  auto bind = [&](llvm::StringRef name, TensorPtr tensor,
                  llvm::StringRef from) -> bool {
    auto it = argIndex.find(name.str());
    if (it == argIndex.end()) {
      std::string known;
      for (size_t i = 0; i < numArgs; ++i)
        known += (i ? ", " : "") + std::string(ldnrt_entry_arg(entry, i)->name);
      fail(from + ": entry '" + ldnrt_entry_name(entry) +
           "' has no argument '" + name + "' (arguments: " + known + ")");
      return false;
    }
    if (bound[it->second]) {
      fail(from + ": argument '" + name + "' is bound twice");
      return false;
    }
    bound[it->second] = std::move(tensor);
    return true;
  };

  for (const std::string &spec : inputs) {
    auto [name, path] = llvm::StringRef(spec).split('=');
    if (path.empty()) { // A bare path binds the next unbound argument.
      path = name;
      auto next = std::find_if(bound.begin(), bound.end(),
                               [](const TensorPtr &t) { return !t; });
      if (next == bound.end()) {
        fail("--input " + spec + ": every argument is already bound");
        return false;
      }
      name = ldnrt_entry_arg(entry, next - bound.begin())->name;
    }
    ldnrt_tensor *tensor = nullptr;
    if (failed(ldnrt_npy_read(path.str().c_str(), &tensor),
               "--input " + spec))
      return false;
    if (!bind(name, TensorPtr(tensor), "--input " + spec))
      return false;
  }

  for (const std::string &path : weights) {
    ldnrt_tensor_map *raw = nullptr;
    if (failed(ldnrt_safetensors_read(path.c_str(), &raw), "--weights"))
      return false;
    std::unique_ptr<ldnrt_tensor_map, MapDeleter> map(raw);
    // Take every tensor whose name is an argument; others are reported,
    // since a misspelt weight name would otherwise go unnoticed.
    for (size_t i = 0; i < ldnrt_tensor_map_size(map.get());) {
      std::string name = ldnrt_tensor_map_name(map.get(), i);
      if (!argIndex.count(name)) {
        llvm::WithColor::warning(llvm::errs(), "ldn-run")
            << path << ": tensor '" << name
            << "' matches no argument and is ignored\n";
        ++i;
        continue;
      }
      if (!bind(name, TensorPtr(ldnrt_tensor_map_take(map.get(), i)),
                "--weights " + path))
        return false;
    }
  }

  std::mt19937_64 rng(seed);
  auto randomTensor = [&](ldnrt_dtype dtype, const std::vector<int64_t> &shape,
                          double lo, double hi,
                          llvm::StringRef from) -> TensorPtr {
    ldnrt_tensor *tensor = nullptr;
    if (failed(ldnrt_tensor_create(dtype, shape.size(), shape.data(), &tensor),
               from))
      return nullptr;
    bool integral = dtype == LDNRT_DTYPE_I32 || dtype == LDNRT_DTYPE_I64 ||
                    dtype == LDNRT_DTYPE_I8 || dtype == LDNRT_DTYPE_INDEX;
    std::uniform_real_distribution<double> uniform(lo, hi);
    bool boolean = dtype == LDNRT_DTYPE_I1;
    for (int64_t i = 0, e = ldnrt_tensor_num_elements(tensor); i < e; ++i) {
      double value = uniform(rng);
      // Booleans: true for the upper half of the range, so about half are.
      if (boolean)
        value = value >= (lo + hi) / 2 ? 1.0 : 0.0;
      setElement(tensor, i, integral ? std::floor(value) : value);
    }
    return TensorPtr(tensor);
  };
  for (const std::string &spec : randomInputs) {
    auto [name, rest] = llvm::StringRef(spec).split('=');
    if (!llvm::StringRef(spec).contains('=')) {
      fail("--random " + spec + ": expected NAME=SHAPE[:LO:HI], e.g. " +
           "x=3x65x8 (use NAME=scalar for a 0-d tensor)");
      return false;
    }
    llvm::SmallVector<llvm::StringRef> fields;
    rest.split(fields, ':');
    std::optional<std::vector<int64_t>> shape = parseShape(fields[0]);
    double lo = -1.0, hi = 1.0;
    if (!shape || (fields.size() != 1 && fields.size() != 3) ||
        (fields.size() == 3 &&
         (fields[1].getAsDouble(lo) || fields[2].getAsDouble(hi) || lo > hi))) {
      fail("--random " + spec + ": expected NAME=SHAPE[:LO:HI], e.g. " +
           "x=3x65x8 or a=3x65x8:0.5:1");
      return false;
    }
    auto it = argIndex.find(name.str());
    ldnrt_dtype dtype =
        it == argIndex.end() ? LDNRT_DTYPE_F32
                             : ldnrt_entry_arg(entry, it->second)->dtype;
    TensorPtr tensor = randomTensor(dtype, *shape, lo, hi, "--random " + spec);
    if (!tensor || !bind(name, std::move(tensor), "--random " + spec))
      return false;
  }

  if (!randomRest.empty()) {
    std::vector<int64_t> sizes;
    llvm::SmallVector<llvm::StringRef> parts;
    llvm::StringRef(randomRest).split(parts, ',');
    for (llvm::StringRef part : parts) {
      int64_t size;
      if (part.trim().getAsInteger(10, size) || size < 0) {
        fail("--random-rest " + randomRest +
             ": expected comma-separated sizes, e.g. 2,64");
        return false;
      }
      sizes.push_back(size);
    }
    for (size_t i = 0; i < numArgs; ++i) {
      if (bound[i])
        continue;
      const ldnrt_value_info *info = ldnrt_entry_arg(entry, i);
      std::vector<int64_t> shape(info->shape, info->shape + info->rank);
      size_t next = 0;
      for (int64_t &size : shape) {
        if (size >= 0)
          continue;
        if (next == sizes.size()) {
          fail("--random-rest " + randomRest + ": argument '" + info->name +
               "' (" + describe(info) + ") has more dynamic dimensions");
          return false;
        }
        size = sizes[next++];
      }
      bound[i] = randomTensor(info->dtype, shape, -1.0, 1.0, "--random-rest");
      if (!bound[i])
        return false;
    }
  }

  for (size_t i = 0; i < numArgs; ++i) {
    if (bound[i])
      continue;
    const ldnrt_value_info *info = ldnrt_entry_arg(entry, i);
    fail("argument '" + llvm::Twine(info->name) + "' (" + describe(info) +
         ") is not bound: pass --input " + info->name +
         "=FILE.npy, --weights FILE.safetensors or --random " + info->name +
         "=SHAPE");
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// --check, --bench, printing
//===----------------------------------------------------------------------===//

static double defaultTolerance(ldnrt_dtype dtype) {
  switch (dtype) {
  case LDNRT_DTYPE_F16:
    return 2e-3;
  case LDNRT_DTYPE_BF16:
    return 2e-2;
  case LDNRT_DTYPE_F64:
    return 1e-12;
  default:
    return 1e-5;
  }
}

/// Evaluates the entry's source (embedded in the manifest) with the fp64
/// reference on `args`; nullopt after printing why it cannot.
static std::optional<std::vector<ref::Array>>
evaluateReference(const ldnrt_artifact *artifact, const ldnrt_entry *entry,
                  const std::vector<TensorPtr> &args) {
  auto manifest = llvm::json::parse(ldnrt_artifact_manifest_json(artifact));
  const llvm::json::Object *object =
      manifest ? manifest->getAsObject() : nullptr;
  std::optional<llvm::StringRef> source =
      object ? object->getString("source") : std::nullopt;
  if (!source) {
    if (!manifest)
      llvm::consumeError(manifest.takeError());
    fail("reference evaluation: the artifact carries no model source to evaluate");
    return std::nullopt;
  }

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  registry.insert<mlir::ldn::LDNDialect>();
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(*source, &context);
  auto func = module ? module->lookupSymbol<mlir::func::FuncOp>(
                           ldnrt_entry_name(entry))
                     : nullptr;
  if (!func) {
    fail("reference evaluation: cannot find '" + llvm::Twine(ldnrt_entry_name(entry)) +
         "' in the embedded model source");
    return std::nullopt;
  }

  std::vector<ref::Array> refInputs;
  for (const TensorPtr &arg : args)
    refInputs.push_back(toArray(arg.get()));
  auto expected = ::ldn::run::evaluateWithReference(func, refInputs);
  if (!expected.ok()) {
    fail("reference evaluation: " + llvm::Twine(expected.error()));
    return std::nullopt;
  }
  return std::move(*expected);
}

/// Compares results with the reference; false if any is off (printed).
static bool checkResults(const ldnrt_entry *entry,
                         const std::vector<ref::Array> &expected,
                         const std::vector<TensorPtr> &results) {
  bool ok = true;
  for (size_t i = 0; i < results.size(); ++i) {
    const ldnrt_value_info *info = ldnrt_entry_result(entry, i);
    ref::Array actual = toArray(results[i].get());
    const ref::Array &want = expected[i];
    if (actual.shape() != want.shape()) {
      fail("--check: result '" + llvm::Twine(info->name) + "' has shape " +
           actual.shapeString() + " but the reference has " +
           want.shapeString());
      ok = false;
      continue;
    }
    double maxAbs = 0, errSq = 0, refSq = 0;
    bool nonFinite = false;
    for (int64_t j = 0; j < want.numElements(); ++j) {
      double a = actual[j], w = want[j];
      if (std::isinf(w) && a == w) // -inf decays match exactly.
        continue;
      if (!std::isfinite(a) || !std::isfinite(w)) {
        nonFinite = true;
        continue;
      }
      maxAbs = std::max(maxAbs, std::abs(a - w));
      errSq += (a - w) * (a - w);
      refSq += w * w;
    }
    double relRms = refSq > 0 ? std::sqrt(errSq / refSq) : std::sqrt(errSq);
    double allowed =
        tolerance >= 0 ? double(tolerance) : defaultTolerance(info->dtype);
    bool pass = !nonFinite && relRms <= allowed;
    llvm::outs() << "check " << info->name << ": max-abs "
                 << llvm::format("%.3e", maxAbs) << ", relative-RMS "
                 << llvm::format("%.3e", relRms) << " (tolerance "
                 << llvm::format("%.1e", allowed) << ")"
                 << (nonFinite ? ", non-finite values differ" : "")
                 << (pass ? ": ok" : ": FAILED") << "\n";
    ok &= pass;
  }
  return ok;
}

static void printResult(const ldnrt_value_info *info, const ldnrt_tensor *t) {
  llvm::outs() << info->name << ": " << ldnrt_dtype_name(ldnrt_tensor_dtype(t))
               << " [";
  for (size_t i = 0; i < ldnrt_tensor_rank(t); ++i)
    llvm::outs() << (i ? ", " : "") << ldnrt_tensor_dim(t, i);
  llvm::outs() << "]";
  int64_t n = ldnrt_tensor_num_elements(t);
  double sum = 0;
  for (int64_t i = 0; i < n; ++i)
    sum += elementAt(t, i);
  llvm::outs() << " sum " << llvm::format("%.6g", sum) << " first [";
  for (int64_t i = 0; i < std::min<int64_t>(n, 6); ++i)
    llvm::outs() << (i ? ", " : "") << llvm::format("%.6g", elementAt(t, i));
  llvm::outs() << (n > 6 ? ", ...]" : "]") << "\n";
}

static size_t totalBytes(const std::vector<TensorPtr> &tensors) {
  size_t bytes = 0;
  for (const TensorPtr &t : tensors)
    bytes += ldnrt_tensor_size_bytes(t.get());
  return bytes;
}

/// Calls the entry; frees and replaces `results`.
static bool invoke(const ldnrt_artifact *artifact, const ldnrt_entry *entry,
                   const std::vector<TensorPtr> &args,
                   std::vector<TensorPtr> &results) {
  std::vector<const ldnrt_tensor *> in;
  for (const TensorPtr &t : args)
    in.push_back(t.get());
  std::vector<ldnrt_tensor *> out(ldnrt_entry_num_results(entry), nullptr);
  if (failed(ldnrt_invoke_entry(artifact, entry, in.data(), in.size(),
                                out.data(), out.size()),
             ldnrt_entry_name(entry)))
    return false;
  results.clear();
  for (ldnrt_tensor *t : out)
    results.emplace_back(t);
  return true;
}

static bool writeOutputs(const ldnrt_entry *entry,
                         const std::vector<TensorPtr> &results) {
  for (const std::string &spec : outputs) {
    auto [name, path] = llvm::StringRef(spec).split('=');
    size_t index = 0;
    if (path.empty()) {
      path = name;
    } else {
      index = results.size();
      for (size_t i = 0; i < results.size(); ++i)
        if (name == ldnrt_entry_result(entry, i)->name)
          index = i;
      if (index == results.size()) {
        fail("--output " + spec + ": no result named '" + name + "'");
        return false;
      }
    }
    if (results.empty()) {
      fail("--output " + spec + ": the entry has no results");
      return false;
    }
    if (failed(ldnrt_npy_write(path.str().c_str(), results[index].get()),
               "--output " + spec))
      return false;
  }
  return true;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "ldn-run: run an entry point of a model compiled by ldn-compile\n\n"
      "  ldn-run model.so --entry f --input x=x.npy --weights w.safetensors "
      "--output y.npy\n"
      "  ldn-run model.so --random x=3x65x8 --check --bench 20\n");

  // The artifact says which backend it needs (cpu, cuda or emu).
  ldnrt_backend backend = LDNRT_BACKEND_CPU;
  if (failed(ldnrt_artifact_peek_backend(artifactPath.c_str(), &backend)))
    return EXIT_FAILURE;
  ldnrt_context *rawContext = nullptr;
  if (failed(ldnrt_context_create(backend, &rawContext)))
    return EXIT_FAILURE;
  std::unique_ptr<ldnrt_context, ContextDeleter> context(rawContext);
  ldnrt_artifact *rawArtifact = nullptr;
  if (failed(ldnrt_artifact_load(context.get(), artifactPath.c_str(),
                                 &rawArtifact)))
    return EXIT_FAILURE;
  std::unique_ptr<ldnrt_artifact, ArtifactDeleter> artifact(rawArtifact);

  const ldnrt_entry *entry = nullptr;
  size_t numEntries = ldnrt_artifact_num_entries(artifact.get());
  std::string entries;
  for (size_t i = 0; i < numEntries; ++i)
    entries += (i ? ", " : "") +
               std::string(ldnrt_entry_name(
                   ldnrt_artifact_entry(artifact.get(), i)));
  if (entryName.empty()) {
    if (numEntries != 1)
      return fail("the artifact has several entry points (" + entries +
                  "): pick one with --entry");
    entry = ldnrt_artifact_entry(artifact.get(), 0);
  } else {
    entry = ldnrt_artifact_find_entry(artifact.get(), entryName.c_str());
    if (!entry)
      return fail("no entry point '" + entryName + "' in " + artifactPath +
                  " (entries: " + entries + ")");
  }

  std::vector<TensorPtr> args, results;
  if (!bindInputs(entry, args) ||
      !invoke(artifact.get(), entry, args, results))
    return EXIT_FAILURE;

  if (!quiet)
    for (size_t i = 0; i < results.size(); ++i)
      printResult(ldnrt_entry_result(entry, i), results[i].get());
  if (!writeOutputs(entry, results))
    return EXIT_FAILURE;

  bool ok = true;
  std::optional<std::vector<ref::Array>> expected;
  double referenceSeconds = 0;
  if (check || benchReference) {
    auto start = std::chrono::steady_clock::now();
    expected = evaluateReference(artifact.get(), entry, args);
    referenceSeconds = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - start)
                           .count();
    if (!expected)
      return EXIT_FAILURE;
  }
  if (check)
    ok = checkResults(entry, *expected, results);

  if (benchRuns > 0) {
    std::vector<double> seconds;
    for (unsigned i = 0; i < benchRuns; ++i) {
      auto start = std::chrono::steady_clock::now();
      if (!invoke(artifact.get(), entry, args, results))
        return EXIT_FAILURE;
      seconds.push_back(std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - start)
                            .count());
    }
    std::sort(seconds.begin(), seconds.end());
    double median = seconds[seconds.size() / 2];
    double bytes = double(totalBytes(args) + totalBytes(results));
    llvm::outs() << "bench " << ldnrt_entry_name(entry) << ": " << benchRuns
                 << " runs, median " << llvm::format("%.3f", median * 1e3)
                 << " ms, min " << llvm::format("%.3f", seconds[0] * 1e3)
                 << " ms, " << llvm::format("%.2f", bytes / median / 1e9)
                 << " GB/s (inputs read once + results written once)";
    if (benchReference)
      llvm::outs() << ", reference " << llvm::format("%.3f", referenceSeconds * 1e3)
                   << " ms (" << llvm::format("%.1f", referenceSeconds / median)
                   << "x)";
    llvm::outs() << "\n";
  }
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
