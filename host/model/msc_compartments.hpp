/// Where the cells of an MSC dose are in the whole animal (docs/therapy.md, "MSCs in the body"):
/// engrafted in the liver, held in the lungs, or dead, per dose and time s = t − at after it:
///
///     Li(s) = Li0·e^{−d_msc·s},   Lu(s) = Lu0·e^{−k_lung·s},
///     dead(s) = Li0·(1 − e^{−d_msc·s}) + Lu0·(1 − e^{−k_lung·s})             [cells]
///
/// peripheral IV: Li0 = f_liver·dose, the rest held in the lungs (Lee 2009; Eggenhofer 2012);
/// portal vein and intrahepatic: Li0 = f_engraft·dose, the cells the liver does not keep carried
/// on to the next capillary bed, the lungs. Li + Lu + dead = dose at every s. The simulated tissue
/// holds its share of Li: V_tissue/V_liver of it (portal, IV), or V_tissue/V_inj of it for an
/// intrahepatic injection that spreads over V_inj of liver (all of it when V_inj ≤ V_tissue).
#pragma once
#include <algorithm>
#include <cmath>

#include "kernels/models/liver_fibrosis_params.hpp"

namespace lobule {

struct MscCompartments {
  double liver, lungs, dead;  ///< [cells]
};

/// The cells of MSC dose d that engraft in the liver at its time [cells].
inline double msc_engrafted(const LiverParams& p, const TherapyDose& d) {
  return (d.route == TherapyRoute::PeripheralIv ? p.f_liver : p.f_engraft) * d.amount;
}

/// The compartments of MSC dose d at time t ≥ d.at.
inline MscCompartments msc_compartments(const LiverParams& p, const TherapyDose& d, double t) {
  const double s = t - d.at, Li0 = msc_engrafted(p, d), Lu0 = d.amount - Li0;
  return {Li0 * std::exp(-p.d_msc * s), Lu0 * std::exp(-p.k_lung * s),
          -Li0 * std::expm1(-p.d_msc * s) - Lu0 * std::expm1(-p.k_lung * s)};
}

/// The share of the liver's engrafted cells of dose d that the simulated tissue (V_tissue [µm³])
/// holds: V_tissue/V_liver through the blood, V_tissue/V_inj for an intrahepatic injection
/// (at most 1).
inline double msc_tissue_share(const LiverParams& p, const TherapyDose& d, double V_tissue) {
  const double V = d.route == TherapyRoute::Intrahepatic ? p.V_inj : p.V_liver;
  return std::min(1.0, V_tissue / V);
}

}  // namespace lobule
