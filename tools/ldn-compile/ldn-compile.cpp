//===- ldn-compile.cpp - compile a model to a deployable artifact ---------===//
//
//   ldn-compile model.mlir --target=cpu -o model.so
//
// writes a shared library with one `ldn_entry_<name>` per public function and
// an embedded manifest (docs/artifact-abi.md), loadable by the runtime.
//
//===----------------------------------------------------------------------===//

#include "Driver/Compile.h"
#include "Target/Emu.h"
#include "Target/Passes.h"
#include "ldn/Conversion/Passes.h"
#include "ldn/IR/LDNDialect.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("ldn-compile options");

static cl::opt<std::string> inputFilename(cl::Positional,
                                          cl::desc("<model.mlir>"),
                                          cl::init("-"), cl::cat(category));
static cl::opt<std::string> outputFilename("o", cl::desc("Output file"),
                                           cl::value_desc("path"),
                                           cl::cat(category));
static cl::opt<ldn::Target> target(
    "target", cl::desc("What to compile for"), cl::init(ldn::Target::CPU),
    cl::values(clEnumValN(ldn::Target::CPU, "cpu", "the host CPU (default)"),
               clEnumValN(ldn::Target::CUDA, "cuda",
                          "NVIDIA GPUs (--chips; device code embedded)"),
               clEnumValN(ldn::Target::Emu, "emu",
                          "the GPU kernels of --target=cuda, compiled for the runtime's GPU "
                          "emulator (runs on this CPU)")),
    cl::cat(category));
static cl::opt<ldn::Emit> emit(
    "emit", cl::desc("What to write"), cl::init(ldn::Emit::SharedLibrary),
    cl::values(clEnumValN(ldn::Emit::MLIR, "mlir",
                          "the lowered module in the LLVM dialect"),
               clEnumValN(ldn::Emit::LLVM, "llvm", "optimized LLVM IR"),
               clEnumValN(ldn::Emit::Object, "obj", "an object file"),
               clEnumValN(ldn::Emit::SharedLibrary, "so",
                          "a loadable shared library (default)"),
               clEnumValN(ldn::Emit::PTX, "ptx",
                          "--target=cuda: the kernels' PTX for one chip "
                          "(for ptxas -v)")),
    cl::cat(category));
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level 0-3"),
                                  cl::Prefix, cl::init(3), cl::cat(category));
static cl::opt<std::string> cpu(
    "mcpu",
    cl::desc("CPU to generate code for: native (default: this machine and "
             "all its features) or an LLVM CPU name, e.g. x86-64-v3, for an "
             "artifact that runs on other machines"),
    cl::value_desc("cpu"), cl::init("native"), cl::cat(category));
static cl::opt<int64_t> fftThreshold(
    "fft-threshold",
    cl::desc("ldn.long_conv strategy=auto uses the FFT from this length on"),
    cl::init(1024), cl::cat(category));
static cl::opt<bool> fuse(
    "fuse",
    cl::desc("Fuse ldn ops with each other and with their elementwise "
             "neighbours before lowering (default on; --fuse=false gives the "
             "unfused baseline)"),
    cl::init(true), cl::cat(category));
static cl::opt<bool> reportTraffic(
    "report-traffic",
    cl::desc("Print a remark per kernel and per function with the bytes it "
             "reads and writes (ldn-report-traffic; dynamic sizes taken as "
             "64), to compare compilations such as --fuse=false"),
    cl::init(false), cl::cat(category));

static cl::list<std::string> chips(
    "chips",
    cl::desc("--target=cuda: NVIDIA chips to compile for, e.g. "
             "sm_80,sm_90 (default sm_80); one artifact holds them all"),
    cl::CommaSeparated, cl::value_desc("sm_XX,..."), cl::cat(category));
static cl::opt<std::string> cudaFormat(
    "cuda-format",
    cl::desc("--target=cuda: device code as fatbin (default: cubins for "
             "every chip plus the newest PTX), bin (one chip's cubin) or "
             "isa (PTX, compiled by the driver when loaded)"),
    cl::init("fatbin"), cl::cat(category));
static cl::opt<unsigned> ptxVersion(
    "ptx-version",
    cl::desc("--target=cuda: PTX ISA version times ten (default 80)"),
    cl::init(80), cl::cat(category));
static cl::opt<std::string> cudaPath(
    "cuda-path",
    cl::desc("--target=cuda: the CUDA toolkit with libdevice, ptxas and "
             "fatbinary (default: $CUDA_PATH, else /usr/local/cuda)"),
    cl::init(""), cl::cat(category));

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  // Registered so that --mlir-print-ir-after=<pass> and friends know them.
  registerAllPasses();
  ldn::registerLDNConversionPasses();
  ldn::registerLDNTargetPasses();
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  cl::AddExtraVersionPrinter([](llvm::raw_ostream &os) {
    os << "ldn-compile " << LDN_VERSION << "\n";
  });
  // libLLVM registers every backend's flags; --help shows ours and MLIR's
  // pass-manager, context and printing flags (--help-hidden shows the rest).
  for (auto &[name, option] : cl::getRegisteredOptions()) {
    bool keep = llvm::is_contained(option->Categories, &category) ||
                name.starts_with("mlir-") || name.starts_with("help") ||
                name == "version";
    if (!keep)
      option->setHiddenFlag(cl::Hidden);
  }
  cl::ParseCommandLineOptions(
      argc, argv,
      "ldn-compile: compile a model (func + ldn + linalg/tosa/arith/math on "
      "tensors) to a shared library with one ldn_entry_<name> per public "
      "function and an embedded manifest\n\n"
      "  ldn-compile model.mlir --target=cpu -o model.so\n"
      "  ldn-compile model.mlir --target=cuda --chips=sm_80,sm_90 -o model.so\n"
      "  ldn-compile model.mlir --emit=mlir -o -   # inspect the lowering\n");

  auto fail = [](const Twine &message) {
    llvm::WithColor::error(llvm::errs(), "ldn-compile") << message << "\n";
    return EXIT_FAILURE;
  };
  if (optLevel > 3)
    return fail("-O" + Twine(optLevel) + " is not a level; use -O0 to -O3");
  if (outputFilename.empty()) {
    if (emit == ldn::Emit::MLIR || emit == ldn::Emit::LLVM ||
        emit == ldn::Emit::PTX)
      outputFilename = "-";
    else
      return fail("no output file: pass -o <path>");
  }

  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input =
      openInputFile(inputFilename, &error);
  if (!input)
    return fail(error);
  if (input->getBuffer().trim().empty())
    return fail((inputFilename == "-" ? std::string("standard input")
                                      : "'" + inputFilename + "'") +
                " is empty: expected MLIR");

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  // gpu-module-to-binary translates kernels to LLVM IR for NVVM.
  registerAllToLLVMIRTranslations(registry);
  // --target=emu serializes kernels through #ldn_emu.target.
  ldn::registerEmuTarget(registry);
  registry.insert<ldn::LDNDialect>();
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(input), SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
  if (!module)
    return EXIT_FAILURE;

  ldn::CompileOptions options;
  options.target = target;
  options.emit = emit;
  options.optLevel = optLevel;
  options.cpu = cpu;
  options.fftThreshold = fftThreshold;
  options.fuse = fuse;
  options.reportTraffic = reportTraffic;
  options.outputPath = outputFilename;
  options.chips.assign(chips.begin(), chips.end());
  options.cudaFormat = cudaFormat;
  options.ptxVersion = ptxVersion;
  options.cudaPath = cudaPath;
  options.configurePassManager = [](PassManager &pm) {
    return applyPassManagerCLOptions(pm);
  };
  return succeeded(ldn::compile(*module, sourceMgr, options)) ? EXIT_SUCCESS
                                                              : EXIT_FAILURE;
}
