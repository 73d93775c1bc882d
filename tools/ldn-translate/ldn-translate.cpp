//===- ldn-translate.cpp - mlir-translate with the ldn dialects -----------===//
//
// Upstream's mlir-translate plus `--ldn-to-llvmir`: LLVM-dialect modules
// that hold ldn attributes (a gpu.binary compiled for #ldn_emu.target, say)
// to LLVM IR, so that tests can take a module that ldn-opt lowered through
// to `llc` and `cc`. Upstream's --mlir-to-llvmir does not know the ldn
// dialects and cannot parse such modules.
//
//===----------------------------------------------------------------------===//

#include "Target/Emu.h"
#include "ldn/IR/LDNDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllTranslations.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

using namespace mlir;

int main(int argc, char **argv) {
  registerAllTranslations();
  TranslateFromMLIRRegistration ldnToLLVMIR(
      "ldn-to-llvmir",
      "Translate MLIR in the LLVM dialect, ldn attributes included, to LLVM "
      "IR",
      [](Operation *op, llvm::raw_ostream &output) {
        llvm::LLVMContext llvmContext;
        std::unique_ptr<llvm::Module> llvmModule =
            translateModuleToLLVMIR(op, llvmContext);
        if (!llvmModule)
          return failure();
        llvmModule->print(output, nullptr);
        return success();
      },
      [](DialectRegistry &registry) {
        registerAllDialects(registry);
        registerAllToLLVMIRTranslations(registry);
        registry.insert<ldn::LDNDialect>();
        ldn::registerEmuTarget(registry);
      });
  return failed(mlirTranslateMain(argc, argv, "ldn-translate"));
}
