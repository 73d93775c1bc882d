//===- ldn-opt.cpp - mlir-opt with the ldn dialect ------------------------===//
//
// Parses, verifies, transforms and prints IR that mixes the `ldn` dialect
// with every upstream dialect, pass and extension, so ldn ops can be tested
// inside upstream pipelines.
//
// It is upstream's MlirOptMain with one difference: an empty input (no bytes
// or only whitespace) is an error. Upstream reads it as an empty module, which
// hides a truncated or mistyped file behind a successful run.
//
//===----------------------------------------------------------------------===//

#include "Pipelines/Pipelines.h"
#include "Target/Emu.h"
#include "Target/Passes.h"
#include "ldn/Conversion/Passes.h"
#include "ldn/IR/LDNDialect.h"
#include "ldn/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::cl::AddExtraVersionPrinter([](llvm::raw_ostream &os) {
    os << "ldn-opt " << LDN_VERSION
       << " (the ldn dialect for diffusion sequence models)\n";
  });

  registerAllPasses();
  ldn::registerLDNConversionPasses();
  ldn::registerLDNTransformsPasses();
  ldn::registerLDNTargetPasses();
  ldn::registerPipelines();
  ldn::registerEmuPipelines();
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  // gpu-module-to-binary translates kernels to LLVM IR for NVVM.
  registerAllToLLVMIRTranslations(registry);
  registry.insert<ldn::LDNDialect>();
  ldn::registerEmuTarget(registry);

  auto [inputFilename, outputFilename] = registerAndParseCLIOptions(
      argc, argv,
      "ldn-opt: parse, verify, transform and print MLIR that mixes the ldn "
      "dialect with upstream dialects and passes\n",
      registry);

  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input =
      openInputFile(inputFilename, &error);
  if (!input) {
    llvm::WithColor::error(llvm::errs(), "ldn-opt") << error << "\n";
    return EXIT_FAILURE;
  }
  if (input->getBuffer().trim().empty()) {
    llvm::WithColor::error(llvm::errs(), "ldn-opt")
        << (inputFilename == "-" ? std::string("standard input")
                                 : "'" + inputFilename + "'")
        << " is empty: expected MLIR\n";
    return EXIT_FAILURE;
  }
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(outputFilename, &error);
  if (!output) {
    llvm::WithColor::error(llvm::errs(), "ldn-opt") << error << "\n";
    return EXIT_FAILURE;
  }

  if (failed(MlirOptMain(output->os(), std::move(input), registry,
                         MlirOptMainConfig::createFromCLOptions())))
    return EXIT_FAILURE;
  output->keep();
  return EXIT_SUCCESS;
}
