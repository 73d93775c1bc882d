//===- CUDAToolkit.h - where the CUDA toolkit is ----------------*- C++ -*-===//

#ifndef LDN_COMPILER_TARGET_CUDATOOLKIT_H
#define LDN_COMPILER_TARGET_CUDATOOLKIT_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::ldn {

/// The CUDA toolkit directory (libdevice, ptxas, fatbinary): `explicitPath`
/// if given, else $CUDA_PATH, else $CUDA_HOME, else /usr/local/cuda. Passed
/// explicitly to every consumer: upstream's NVVM serialization otherwise
/// looks only at the environment and, when it finds no libdevice, silently
/// leaves calls to __nv_* functions unresolved.
std::string findCUDAToolkit(llvm::StringRef explicitPath);

} // namespace mlir::ldn

#endif // LDN_COMPILER_TARGET_CUDATOOLKIT_H
