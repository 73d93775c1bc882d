//===- LDNAttrs.cpp - ldn attributes and enums ----------------------------===//

#include "ldn/IR/LDNAttrs.h"
#include "ldn/IR/LDNDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::ldn;

#include "ldn/IR/LDNEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "ldn/IR/LDNAttrs.cpp.inc"

void LDNDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "ldn/IR/LDNAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// #ldn.pattern
//===----------------------------------------------------------------------===//

static constexpr llvm::StringLiteral kPatternKeys =
    "dense, window, stride, globals, random, seed, causal";

// Syntax: `<` (entry (`,` entry)*)? `>` where an entry is `dense` or
// `key = value`. Every entry is optional; absent ones take their defaults,
// and `stride` defaults to `window`.
Attribute PatternAttr::parse(AsmParser &parser, Type) {
  SMLoc start = parser.getCurrentLocation();
  bool dense = false, causal = false;
  int64_t window = 0, random = 0;
  std::optional<int64_t> stride;
  uint64_t seed = 0;
  SmallVector<int64_t> globals;
  llvm::StringSet<> seen;

  auto parseEntry = [&]() -> ParseResult {
    SMLoc keyLoc = parser.getCurrentLocation();
    StringRef key;
    if (parser.parseKeyword(&key))
      return failure();
    if (!seen.insert(key).second)
      return parser.emitError(keyLoc) << "'" << key
                                      << "' is given twice in #ldn.pattern";
    if (key == "dense") {
      dense = true;
      return success();
    }
    if (parser.parseEqual())
      return failure();
    if (key == "window")
      return parser.parseInteger(window);
    if (key == "stride") {
      int64_t value;
      if (parser.parseInteger(value))
        return failure();
      stride = value;
      return success();
    }
    if (key == "random")
      return parser.parseInteger(random);
    if (key == "seed")
      return parser.parseInteger(seed);
    if (key == "globals")
      return parser.parseCommaSeparatedList(
          AsmParser::Delimiter::Square,
          [&] { return parser.parseInteger(globals.emplace_back()); });
    if (key == "causal") {
      StringRef value;
      SMLoc valueLoc = parser.getCurrentLocation();
      if (parser.parseKeyword(&value))
        return failure();
      if (value != "true" && value != "false")
        return parser.emitError(valueLoc)
               << "expected 'true' or 'false' for 'causal', got '" << value
               << "'";
      causal = value == "true";
      return success();
    }
    return parser.emitError(keyLoc)
           << "unknown #ldn.pattern key '" << key << "'; expected one of "
           << kPatternKeys;
  };

  if (parser.parseLess())
    return {};
  if (failed(parser.parseOptionalGreater())) {
    if (parser.parseCommaSeparatedList(parseEntry) || parser.parseGreater())
      return {};
  }
  return getChecked([&] { return parser.emitError(start); },
                    parser.getContext(), dense, window, stride.value_or(window),
                    globals, random, seed, causal);
}

void PatternAttr::print(AsmPrinter &printer) const {
  SmallVector<std::string> entries;
  auto add = [&](StringRef key, const Twine &value) {
    entries.push_back((key + " = " + value).str());
  };
  if (getDense())
    entries.push_back("dense");
  if (getWindow() != 0)
    add("window", Twine(getWindow()));
  if (getStride() != getWindow())
    add("stride", Twine(getStride()));
  if (!getGlobals().empty()) {
    std::string list;
    llvm::raw_string_ostream os(list);
    llvm::interleaveComma(getGlobals(), os);
    add("globals", "[" + list + "]");
  }
  if (getRandom() != 0)
    add("random", Twine(getRandom()));
  if (getSeed() != 0)
    add("seed", Twine(getSeed()));
  if (getCausal())
    add("causal", "true");
  printer << "<";
  llvm::interleaveComma(entries, printer);
  printer << ">";
}

LogicalResult
PatternAttr::verify(function_ref<InFlightDiagnostic()> emitError, bool dense,
                    int64_t window, int64_t stride, ArrayRef<int64_t> globals,
                    int64_t random, uint64_t seed, bool causal) {
  if (dense && (window != 0 || stride != 0 || !globals.empty() || random != 0 ||
                seed != 0))
    return emitError() << "a dense #ldn.pattern has every edge; it takes no "
                          "window, stride, globals, random or seed";
  if (window < 0)
    return emitError() << "#ldn.pattern window must be >= 0, got " << window;
  if (window == 0 && stride != 0)
    return emitError() << "#ldn.pattern stride " << stride
                       << " needs a window > 0";
  if (window > 0 && (stride <= 0 || stride > window))
    return emitError() << "#ldn.pattern stride must satisfy 0 < stride <= "
                          "window ("
                       << window << "), got " << stride;
  if (random < 0)
    return emitError() << "#ldn.pattern random must be >= 0, got " << random;
  for (int64_t g : globals)
    if (g < 0)
      return emitError() << "#ldn.pattern globals must be >= 0, got " << g;
  return success();
}
