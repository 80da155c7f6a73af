//===- SemaInternal.h - the Sema class shared by the Sema*.cpp files -*- C++ -*-===//
//
// Sema is split by subject: Sema.cpp (declarations and the driver),
// SemaSweep.cpp (settings, axes, choices, zip, report), SemaWhere.cpp (`where`)
// and SemaModel.cpp (model bodies). Not part of the lang/ interface.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_SEMAINTERNAL_H
#define SWEEP_LANG_SEMAINTERNAL_H

#include "lang/AxisValues.h"
#include "lang/Builtins.h"
#include "lang/Sema.h"

#include "llvm/ADT/StringMap.h"

namespace sweep {

/// The static type of an expression in a model body.
enum class ModelType { Tensor, Int, Float, Bool, Activation, Error };

class Sema {
public:
  Sema(const Module &module, SourceDiagnostics &diags) : module(module), diags(diags) {}

  mlir::LogicalResult run(std::vector<std::unique_ptr<SweepSpec>> &sweeps);

private:
  //===--- Declarations (Sema.cpp) ---------------------------------------===//
  void collectDecls();
  void checkDatasetDecl(const DatasetDecl &decl);
  void warnUnusedDecls();

  //===--- Models (SemaModel.cpp) -----------------------------------------===//
  void checkModelDecl(const ModelDecl &decl);
  bool checkModelParams(const ModelDecl &decl, KindSpec &kind,
                        llvm::StringMap<ModelType> &paramTypes);
  /// The ParamSpecs a model's parameters stand for, built by checkModelDecl.
  llvm::StringMap<KindSpec> modelKinds;
  /// Owns symbols of model parameter defaults.
  llvm::BumpPtrAllocator allocator;
  llvm::UniqueStringSaver strings{allocator};

  //===--- Sweeps (SemaSweep.cpp) -----------------------------------------===//
  std::unique_ptr<SweepSpec> checkSweep(const SweepDecl &decl);
  /// Checks the arguments of one configuration against `kind`, filling `node`.
  /// Reports `lr (0.1)` and `lr -0.1` in an argument list, which parse as a call
  /// and a subtraction, with the spelling that was meant.
  bool reportMisreadSetting(const KindSpec &kind, const Expr &value);
  bool checkConfigArgs(const KindSpec &kind, llvm::ArrayRef<Setting> args, llvm::SMLoc loc,
                       const std::string &pathPrefix, int scope, ConfigNode &node);
  /// Checks one value of a configuration-typed setting: `sgd(lr 0.1)`, `fashion`.
  bool checkConfigAlternative(llvm::StringRef family, const Expr *expr,
                              const std::string &path, int scope, ConfigNode &node);
  /// Adds the entry for `spec` to `node`: the written `setting`, or the default.
  bool checkSetting(const ParamSpec &spec, const Setting *setting, llvm::SMLoc ownerLoc,
                    const std::string &pathPrefix, int scope, ConfigNode &node);
  bool checkConfigSetting(const ParamSpec &spec, const Setting *setting, llvm::SMLoc ownerLoc,
                          const std::string &path, int scope, SettingEntry &entry);
  std::optional<Value> coerce(const Value &value, const ParamType &type, llvm::SMLoc loc,
                              llvm::StringRef name);
  /// A written list of a setting training reads as float32 whose distinct
  /// values round to one float32 (0.1 and 0.1000000001): their runs train
  /// identically. One warning per axis, at the later of the first such pair.
  void warnAboutOneFloat32(const Axis &axis, llvm::ArrayRef<AxisElement> elements,
                           const std::string &path);
  int internPath(const std::string &path, const ParamSpec &spec);
  /// What keys an axis's random stream: its path and the enclosing kinds.
  std::string streamKey(const std::string &path) const;
  std::vector<llvm::StringRef> enclosingKinds;
  void checkZip(const ZipClause &clause);
  void checkReport(const ReportClause &clause);
  /// Adds the prune rule's metric to the reported ones.
  void reportPruneMetric();
  /// Axes whose path is `name` or ends in `.name`.
  std::vector<int> findAxes(llvm::StringRef name) const;

  //===--- where (SemaWhere.cpp) ------------------------------------------===//
  void checkWhere(const WhereClause &clause);
  std::optional<ValueType> typeWhereExpr(const Expr *expr, Constraint &constraint);
  /// Every symbol a `where` clause may compare against.
  std::vector<llvm::StringRef> getKnownSymbols() const;
  bool isKnownSymbol(llvm::StringRef name) const;

  const Module &module;
  SourceDiagnostics &diags;
  llvm::StringMap<const Decl *> decls;
  llvm::StringMap<bool> used;
  llvm::StringMap<bool> invalidDecls;

  // The sweep being checked.
  SweepSpec *spec = nullptr;
  std::unique_ptr<AxisEvaluator> evaluator;
  bool allowAxes = true;
};

} // namespace sweep

#endif // SWEEP_LANG_SEMAINTERNAL_H
