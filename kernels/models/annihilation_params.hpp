/// Parameters of the annihilation test model (host/model/annihilation.cpp), in base units.
#pragma once

namespace lobule {

struct AnnihilationParams {
  double k = 1e-3;  ///< rate constant of A + B → ∅ [1/(conc·s)] (concentrations in field units)
};

}  // namespace lobule
