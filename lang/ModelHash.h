//===- ModelHash.h - what a model declaration computes, as 64 bits -*- C++ -*-===//
//
// A run's config hash covers its settings, and through this the body of the
// model it trains: editing a layer, a width expression or a parameter's
// default changes the hash, so `--resume` refuses finished runs of the old
// model instead of mixing them with runs of the new one. Comments, spacing and
// the order of the model among the declarations do not count.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_MODELHASH_H
#define SWEEP_LANG_MODELHASH_H

#include "lang/AST.h"

#include <cstdint>

namespace sweep {

/// The hash of `model`'s parameters (names, types, defaults) and statements.
uint64_t hashModelDecl(const ModelDecl &model);

} // namespace sweep

#endif // SWEEP_LANG_MODELHASH_H
