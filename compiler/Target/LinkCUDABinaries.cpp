//===- LinkCUDABinaries.cpp - per-chip PTX -> one fatbin ------------------===//
//
// gpu-module-to-binary can assemble cubins and fatbins itself, but one per
// chip, and the host code loads only the first object of a gpu.binary. This
// pass does the packaging instead: it assembles each chip's PTX with ptxas
// and puts every cubin (and the newest PTX) into one fatbin object.
//
//===----------------------------------------------------------------------===//

#include "Target/CUDAToolkit.h"
#include "Target/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNLINKCUDABINARIES
#include "Target/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;

/// Whether an `.extern .func` line of PTX declares one of CUDA's system
/// calls, which ptxas and the driver provide (PTX ISA, "System calls").
/// The line is `.extern .func [(return params)] name[(params...)]`.
static bool isCUDASystemCall(StringRef externLine) {
  StringRef rest = externLine.trim().drop_front(StringRef(".extern .func").size())
                       .ltrim();
  if (rest.starts_with("("))
    rest = rest.drop_until([](char c) { return c == ')'; }).drop_front().ltrim();
  StringRef name = rest.take_until([](char c) { return c == '(' || isspace(c); });
  return llvm::is_contained({"__assertfail", "vprintf", "malloc", "free"}, name);
}

namespace {
/// A temporary file removed when this goes out of scope.
struct TempFile {
  SmallString<128> path;
  std::optional<llvm::FileRemover> remover;

  LogicalResult create(Location loc, StringRef suffix) {
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("ldn-cuda", suffix, path))
      return emitError(loc) << "cannot create a temporary file: "
                            << ec.message();
    remover.emplace(path);
    return success();
  }
};

class CUDAToolkit {
public:
  CUDAToolkit(Location loc, StringRef path)
      : loc(loc), root(ldn::findCUDAToolkit(path)) {}

  /// Runs `tool` (from the toolkit's bin/) with `args`; its error output is
  /// part of the diagnostic when it fails.
  LogicalResult run(StringRef tool, ArrayRef<std::string> args) {
    SmallString<128> program(root);
    llvm::sys::path::append(program, "bin", tool);
    if (!llvm::sys::fs::can_execute(program))
      return emitError(loc)
             << "CUDA output needs '" << tool << "' from the CUDA toolkit, "
             << "not found at " << program
             << " (set the toolkit with --cuda-path or $CUDA_PATH; PTX "
                "output, format isa, needs no tools)";
    TempFile log;
    if (failed(log.create(loc, "log")))
      return failure();
    SmallVector<StringRef> argv = {program};
    for (const std::string &arg : args)
      argv.push_back(arg);
    std::optional<StringRef> redirects[] = {std::nullopt, log.path, log.path};
    std::string error;
    int rc = llvm::sys::ExecuteAndWait(program, argv, std::nullopt, redirects,
                                       0, 0, &error);
    if (rc == 0)
      return success();
    auto output = llvm::MemoryBuffer::getFile(log.path);
    InFlightDiagnostic diag = emitError(loc) << tool << " failed";
    if (!error.empty())
      diag << ": " << error;
    if (output)
      diag << "\n" << (*output)->getBuffer();
    return diag;
  }

private:
  Location loc;
  std::string root;
};
} // namespace

std::string mlir::ldn::findCUDAToolkit(StringRef explicitPath) {
  if (!explicitPath.empty())
    return explicitPath.str();
  for (const char *variable : {"CUDA_PATH", "CUDA_HOME"})
    if (std::optional<std::string> env = llvm::sys::Process::GetEnv(variable))
      if (!env->empty())
        return *env;
  return "/usr/local/cuda";
}

static LogicalResult writeFile(Location loc, StringRef path, StringRef data) {
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return emitError(loc) << "cannot write " << path << ": " << ec.message();
  out << data;
  return success();
}

static FailureOr<std::string> readFile(Location loc, StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return emitError(loc) << "cannot read " << path << ": "
                          << buffer.getError().message();
  return (*buffer)->getBuffer().str();
}

/// "sm_90a" -> "90a".
static StringRef smNumber(StringRef chip) {
  chip.consume_front("sm_");
  return chip;
}

namespace {
struct LinkCUDABinaries
    : ldn::impl::LDNLinkCUDABinariesBase<LinkCUDABinaries> {
  using LDNLinkCUDABinariesBase::LDNLinkCUDABinariesBase;

  void runOnOperation() override {
    if (format != "isa" && format != "bin" && format != "fatbin") {
      getOperation().emitError()
          << "unknown CUDA format '" << format
          << "' (expected isa, bin or fatbin)";
      return signalPassFailure();
    }
    for (auto binary : getOperation().getOps<gpu::BinaryOp>())
      if (failed(link(binary)))
        return signalPassFailure();
  }

  LogicalResult link(gpu::BinaryOp binary) {
    Location loc = binary.getLoc();
    struct ChipPTX {
      NVVM::NVVMTargetAttr target;
      StringRef ptx;
    };
    SmallVector<ChipPTX> chips;
    for (Attribute attr : binary.getObjects()) {
      auto object = cast<gpu::ObjectAttr>(attr);
      auto target = dyn_cast<NVVM::NVVMTargetAttr>(object.getTarget());
      if (!target || object.getFormat() != gpu::CompilationTarget::Assembly)
        return binary.emitError("ldn-link-cuda-binaries expects the PTX of "
                                "NVVM targets (gpu-module-to-binary "
                                "format=isa)");
      chips.push_back({target, object.getObject().getValue()});
    }
    if (chips.empty())
      return success();
    // Without libdevice, upstream leaves the math functions as external
    // declarations that no driver can resolve. CUDA's system calls are
    // resolved by ptxas: `__assertfail` is what a failing run-time check in
    // a kernel (e.g. an out-of-range gather index) calls.
    for (const ChipPTX &chip : chips) {
      for (StringRef rest = chip.ptx;;) {
        size_t pos = rest.find(".extern .func");
        if (pos == StringRef::npos)
          break;
        rest = rest.substr(pos);
        StringRef line = rest.take_until([](char c) { return c == '\n'; });
        rest = rest.drop_front(line.size());
        if (isCUDASystemCall(line))
          continue;
        return binary.emitError()
               << "the PTX calls a function nothing defines (" << line.trim()
               << "): libdevice was not linked; is the CUDA toolkit at "
               << ldn::findCUDAToolkit(cudaPath) << "?";
      }
    }
    if (format == "isa" && chips.size() == 1)
      return success();
    if (format == "bin" && chips.size() != 1)
      return binary.emitError("format bin holds one chip's cubin; use "
                              "fatbin for several chips");

    CUDAToolkit toolkit(loc, cudaPath);
    std::vector<TempFile> files;
    files.reserve(2 * chips.size() + 1);
    SmallVector<std::string> images;
    for (auto [index, chip] : llvm::enumerate(chips)) {
      files.emplace_back();
      TempFile &ptx = files.back();
      if (failed(ptx.create(loc, "ptx")) ||
          failed(writeFile(loc, ptx.path, chip.ptx)))
        return failure();
      StringRef sm = smNumber(chip.target.getChip());
      bool newest = index + 1 == chips.size();
      if (format == "isa" || (format == "fatbin" && newest))
        images.push_back(("--image3=kind=ptx,sm=" + sm + ",file=" + ptx.path)
                             .str());
      if (format == "isa")
        continue;
      files.emplace_back();
      TempFile &cubin = files.back();
      if (failed(cubin.create(loc, "cubin")) ||
          failed(toolkit.run("ptxas",
                             {"-arch=" + chip.target.getChip().str(),
                              "-O" + std::to_string(optLevel),
                              std::string(ptx.path), "-o",
                              std::string(cubin.path)})))
        return failure();
      images.push_back(("--image3=kind=elf,sm=" + sm + ",file=" + cubin.path)
                           .str());
    }

    std::string bytes;
    gpu::CompilationTarget kind = gpu::CompilationTarget::Fatbin;
    if (format == "bin") {
      FailureOr<std::string> cubin = readFile(loc, files.back().path);
      if (failed(cubin))
        return failure();
      bytes = std::move(*cubin);
      kind = gpu::CompilationTarget::Binary;
    } else {
      files.emplace_back();
      TempFile &fatbin = files.back();
      if (failed(fatbin.create(loc, "fatbin")))
        return failure();
      SmallVector<std::string> args = {"-64",
                                       ("--create=" + fatbin.path).str()};
      args.append(images.begin(), images.end());
      if (failed(toolkit.run("fatbinary", args)))
        return failure();
      FailureOr<std::string> data = readFile(loc, fatbin.path);
      if (failed(data))
        return failure();
      bytes = std::move(*data);
    }
    MLIRContext *context = binary.getContext();
    auto object = gpu::ObjectAttr::get(
        context, chips.front().target, kind,
        StringAttr::get(context, bytes), /*properties=*/nullptr,
        /*kernels=*/nullptr);
    binary.setObjectsAttr(ArrayAttr::get(context, {object}));
    return success();
  }
};
} // namespace
