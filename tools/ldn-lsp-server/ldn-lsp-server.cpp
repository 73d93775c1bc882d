//===- ldn-lsp-server.cpp - MLIR language server with the ldn dialect -----===//
//
// Editor support (diagnostics, hover, go-to-definition) for .mlir files that
// use the ldn dialect: point the MLIR editor extension at this binary.
//
//===----------------------------------------------------------------------===//

#include "ldn/IR/LDNDialect.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Tools/mlir-lsp-server/MlirLspServerMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<mlir::ldn::LDNDialect>();
  return mlir::failed(mlir::MlirLspServerMain(argc, argv, registry));
}
